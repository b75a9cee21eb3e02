//! CI reports: SARIF (validated against the OASIS schema), JUnit, CSV, GitHub annotations,
//! and no format leaking the secret.

use crate::util::{fake, lh, shared, Dir};
use predicates::prelude::*;

fn sample() -> (Dir, Vec<String>) {
    let d = Dir::new();
    let secrets = vec![fake::stripe(), fake::github()];
    d.write(
        "app/config.py",
        format!("STRIPE = \"{}\"\nGH = \"{}\"\n", secrets[0], secrets[1]),
    );
    d.write("deploy.env", format!("OTHER_STRIPE={}\n", secrets[0]));
    (d, secrets)
}

fn run(d: &Dir, format: &str) -> String {
    let out = lh()
        .args(["scan", "-f", format])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn no_format_prints_the_secret_unless_asked() {
    let (d, secrets) = sample();
    for format in ["text", "json", "jsonl", "sarif", "junit", "csv"] {
        let out = lh()
            .args(["scan", "-f", format])
            .env("GITHUB_ACTIONS", "true")
            .arg(d.path())
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for s in &secrets {
            assert!(!all.contains(s.as_str()), "{format} leaked a secret");
            assert!(!all.contains(&s[6..20]), "{format} leaked part of a secret");
        }
        let shown = lh()
            .args(["scan", "--show-secrets", "-f", format])
            .arg(d.path())
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&shown.stdout).contains(secrets[0].as_str()),
            "{format} --show-secrets must show it"
        );
    }
}

#[test]
fn sarif_is_valid_and_shaped_for_code_scanning() {
    let (d, _) = sample();
    let text = run(&d, "sarif");
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    if let Some(schema_path) = shared("schemas/sarif-schema-2.1.0.json") {
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    }
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2, "each rule used once: {ids:?}");
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string());
        assert!(r["fullDescription"]["text"].is_string());
        assert!(r["help"]["text"].as_str().unwrap().contains("rotate"));
        assert!(r["properties"]["tags"]
            .as_array()
            .unwrap()
            .contains(&"security".into()));
        assert!(r["properties"]["security-severity"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(res["ruleId"], rules[idx]["id"]);
        assert!(res["level"].is_string());
        let loc = &res["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/'), "relative URIs: {uri}");
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][k].is_u64(), "{k}");
        }
        assert_eq!(
            res["partialFingerprints"]["leakhound/v1"]
                .as_str()
                .unwrap()
                .len(),
            64
        );
    }
}

#[test]
fn sarif_for_history_carries_the_commit() {
    let d = Dir::new();
    d.git_init();
    d.write("a.env", format!("K={}\n", fake::stripe()));
    let c = d.commit_all("add");
    let out = lh()
        .args(["history", "-f", "sarif"])
        .arg(d.path())
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["results"][0]["properties"]["commit"],
        c.as_str()
    );
}

#[test]
fn sarif_never_carries_credentials_of_the_origin_url() {
    let d = Dir::new();
    d.git_init();
    d.write("a.env", format!("K={}\n", fake::stripe()));
    d.commit_all("add");
    let token = format!("gh{}_{}", "p", "Zq8vT1mK0pR3xW9yB2nC4dE6fG8hJ0kL2mN4");
    // Every URL shape: with a path, without one (no '/' after the host), with a port and a
    // query, and scp-like.
    for (url, want) in [
        (
            format!("https://ci:{token}@git.example.invalid/org/repo.git"),
            "https://git.example.invalid/org/repo.git",
        ),
        (
            format!("https://ci:{token}@git.example.invalid"),
            "https://git.example.invalid",
        ),
        (
            format!("https://{token}@git.example.invalid:8443?x={token}"),
            "https://git.example.invalid:8443",
        ),
        (
            "ci@git.example.invalid:org/repo.git".to_string(),
            "git.example.invalid:org/repo.git",
        ),
    ] {
        d.git(&["config", "remote.origin.url", &url]);
        let out = lh()
            .args(["history", "-f", "sarif"])
            .arg(d.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(&token), "{url} leaked into SARIF");
        let log: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            log["runs"][0]["versionControlProvenance"][0]["repositoryUri"], want,
            "{url}"
        );
    }
}

#[test]
fn junit_has_a_failure_per_finding_and_a_pass_when_clean() {
    let (d, _) = sample();
    let xml = run(&d, "junit");
    assert_eq!(xml.matches("<testcase").count(), 3);
    assert_eq!(xml.matches("<failure").count(), 3);
    assert!(xml.contains(r#"failures="3""#));
    let clean = Dir::new();
    clean.write("a.txt", "nothing\n");
    let out = lh()
        .args(["scan", "-f", "junit"])
        .arg(clean.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.contains("no secrets found"));
    assert_eq!(xml.matches("<failure").count(), 0);
}

#[test]
fn csv_has_header_and_rows() {
    let (d, _) = sample();
    let text = run(&d, "csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    for h in ["rule_id", "path", "line", "column", "secret", "fingerprint"] {
        assert!(headers.iter().any(|x| x == h), "{h}");
    }
    assert_eq!(r.records().count(), 3);
}

#[test]
fn github_annotations_when_in_actions() {
    let (d, _) = sample();
    lh().args(["scan"])
        .env("GITHUB_ACTIONS", "true")
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "::error file=app/config.py,line=1,col=11,",
        ))
        .stdout(predicate::str::contains("title=stripe-secret-key::"));
    lh().args(["scan", "--no-annotations"])
        .env("GITHUB_ACTIONS", "true")
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("::error").not());
}

#[test]
fn report_file_is_written_atomically_in_any_format() {
    let (d, _) = sample();
    for format in ["sarif", "junit", "csv"] {
        let report = d.join(&format!("out.{format}"));
        lh().args(["scan", "-f", format, "--report"])
            .arg(&report)
            .arg(d.join("app"))
            .assert()
            .code(1);
        assert!(std::fs::read_to_string(&report).unwrap().len() > 10);
    }
    // No temporary files left beside the reports.
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn completions_and_man_page() {
    lh().args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("leakhound"));
    lh().args(["man"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".TH leakhound"));
}

#[test]
fn every_format_carries_the_remediation() {
    let (d, _) = sample();
    // Text: the code-aware fix under each finding, each rule's rotation advice once.
    let text = run(&d, "text");
    assert!(
        text.contains("fix: read it from the environment: os.environ[\"STRIPE\"]"),
        "{text}"
    );
    assert_eq!(
        text.matches("rotate: Roll the key in the Stripe Dashboard")
            .count(),
        1
    );
    assert!(
        text.contains("https://github.com/settings/tokens"),
        "{text}"
    );
    let out = lh()
        .args(["scan", "--no-remediation"])
        .arg(d.path())
        .output()
        .unwrap();
    let plain = String::from_utf8_lossy(&out.stdout);
    assert!(
        !plain.contains("rotate:") && !plain.contains("fix:"),
        "{plain}"
    );

    // JSON: rotate and impact always, the fix where the language is known.
    let json: Vec<serde_json::Value> = serde_json::from_str(&run(&d, "json")).unwrap();
    for f in &json {
        let r = &f["remediation"];
        assert!(r["rotate"].as_str().is_some_and(|s| !s.is_empty()), "{f}");
        assert!(r["impact"].as_str().is_some_and(|s| !s.is_empty()), "{f}");
        if f["path"] == "app/config.py" && f["rule_id"] == "stripe-secret-key" {
            assert_eq!(r["fix"]["language"], "python");
            assert_eq!(r["fix"]["replacement"], "os.environ[\"STRIPE\"]");
        }
    }

    // SARIF: the rule's help in markdown, per-result fix text.
    let sarif: serde_json::Value = serde_json::from_str(&run(&d, "sarif")).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().all(|r| r["help"]["markdown"]
        .as_str()
        .is_some_and(|m| m.contains("**Rotate:**"))));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["properties"]["fix"]
        .as_str()
        .is_some_and(|t| t.contains("os.environ"))));

    // JUnit: the rotation in the failure message.
    let junit = run(&d, "junit");
    assert!(junit.contains("rotate: Roll the key"), "{junit}");
}

#[test]
fn a_user_rule_without_remediation_gets_generic_advice() {
    let d = Dir::new();
    d.write(
        "rules.toml",
        "[[rules]]\nid = \"acme-token\"\ndescription = \"Acme token\"\nregex = '''acme_[a-z0-9]{16}'''\nkeywords = [\"acme_\"]\n",
    );
    d.write("a.txt", "token acme_q7x2m9k4p1z8w3v6\n");
    let out = lh()
        .args(["scan", "-f", "json", "--config"])
        .arg(d.join("rules.toml"))
        .arg(d.join("a.txt"))
        .output()
        .unwrap();
    let json: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let acme = json.iter().find(|f| f["rule_id"] == "acme-token").unwrap();
    assert!(acme["remediation"]["rotate"]
        .as_str()
        .unwrap()
        .contains("Revoke this Acme token"));
}
