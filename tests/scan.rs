//! `leakhound scan`: the canonical cases, traversal, formats, exit codes.

use crate::util::{fake, fixture, json, lh, rule_ids, Dir};
use predicates::prelude::*;

#[test]
fn canonical_cases_are_one_stripe_finding_each() {
    let out = lh()
        .args(["scan", "-f", "json"])
        .arg(fixture("scan/canonical"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = json(&out);
    let mut by_path: Vec<(String, String, u64)> = f
        .iter()
        .map(|x| {
            (
                x["path"].as_str().unwrap().to_string(),
                x["rule_id"].as_str().unwrap().to_string(),
                x["line"].as_u64().unwrap(),
            )
        })
        .collect();
    by_path.sort();
    assert_eq!(
        by_path,
        vec![
            ("app.py".into(), "stripe-secret-key".into(), 6),
            ("deploy.sh".into(), "stripe-secret-key".into(), 2),
            ("secret.yaml".into(), "stripe-secret-key".into(), 7),
            ("settings.yaml".into(), "stripe-secret-key".into(), 3),
        ]
    );
    let k8s = f.iter().find(|x| x["path"] == "secret.yaml").unwrap();
    assert_eq!(k8s["encoding"], "base64");
}

#[test]
fn clean_file_exits_zero() {
    lh().args(["scan"])
        .arg(fixture("scan/canonical/clean.py"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("0 findings"));
}

#[test]
fn missing_path_is_exit_2_naming_it() {
    lh().args(["scan", "/no/such/place"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/place"));
}

#[test]
fn exit_code_flag_changes_findings_code() {
    let d = Dir::new();
    d.write("a.env", format!("STRIPE={}\n", fake::stripe()));
    lh().args(["scan", "--exit-code", "42"])
        .arg(d.path())
        .assert()
        .code(42);
}

#[test]
fn stdin_is_scanned_and_named() {
    let input = format!("token = \"{}\"\n", fake::github());
    let out = lh()
        .args(["scan", "-", "-f", "json", "--stdin-name", "piped.py"])
        .write_stdin(input)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let f = json(&out);
    assert_eq!(f[0]["path"], "piped.py");
    assert_eq!(f[0]["rule_id"], "github-pat");
    assert_eq!(f[0]["confidence"], "high");
}

#[test]
fn secrets_are_masked_everywhere_unless_asked() {
    let d = Dir::new();
    let secret = fake::stripe();
    d.write("config.env", format!("STRIPE_KEY={secret}\n"));
    for format in ["text", "json", "jsonl"] {
        let a = lh()
            .args(["scan", "-f", format])
            .arg(d.path())
            .assert()
            .code(1);
        let o = a.get_output();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!all.contains(&secret), "{format} leaked the secret: {all}");
        assert!(!all.contains(&secret[8..20]), "{format} leaked part of it");
    }
    lh().args(["scan", "--show-secrets"])
        .arg(d.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(secret));
}

#[test]
fn json_has_the_documented_fields() {
    let d = Dir::new();
    d.write("x.py", format!("k = \"{}\"\n", fake::stripe()));
    let out = lh()
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let f = &json(&out.stdout)[0];
    for field in [
        "rule_id",
        "description",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "secret",
        "entropy",
        "fingerprint",
        "confidence",
        "severity",
    ] {
        assert!(!f[field].is_null(), "missing {field}: {f}");
    }
    assert_eq!(f["column"], 6);
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 64);
}

#[test]
fn jsonl_is_one_object_per_line() {
    let d = Dir::new();
    d.write(
        "a.env",
        format!("A={}\nB={}\n", fake::stripe(), fake::stripe2()),
    );
    let out = lh()
        .args(["scan", "-f", "jsonl"])
        .arg(d.path())
        .output()
        .unwrap();
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 2);
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["rule_id"], "stripe-secret-key");
    }
}

#[test]
fn report_file_gets_json_and_terminal_gets_text() {
    let d = Dir::new();
    d.write("src/a.env", format!("A={}\n", fake::stripe()));
    let report = d.join("out.json");
    lh().args(["scan", "-f", "json", "--report"])
        .arg(&report)
        .arg(d.join("src"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.env:1:3"))
        .stderr(predicate::str::contains("1 finding"));
    let f = json(&std::fs::read(&report).unwrap());
    assert_eq!(f.len(), 1);
}

#[test]
fn output_is_sorted_and_deterministic() {
    let d = Dir::new();
    for i in 0..30 {
        d.write(
            &format!("dir{}/f{i}.env", i % 4),
            format!("A={}\nB={}\n", fake::stripe(), fake::stripe2()),
        );
    }
    let run = || {
        lh().args(["scan", "-f", "jsonl"])
            .arg(d.path())
            .output()
            .unwrap()
            .stdout
    };
    let first = run();
    assert_eq!(first, run());
    let keys: Vec<(String, u64)> = std::str::from_utf8(&first)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["path"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), 60);
}

#[test]
fn ignore_files_are_honoured_and_hidden_files_scanned() {
    let d = Dir::new();
    d.git_init();
    let line = format!("KEY={}\n", fake::stripe());
    d.write(".gitignore", "ignored.env\ntracked.env\n");
    d.write(".leakhoundignore", "vendorish/\n");
    d.write("ignored.env", &line);
    // Ignored, but committed anyway (`git add -f`, or listed after it was committed): the
    // repository holds it, so it leaks.
    d.write("tracked.env", &line);
    d.git(&["add", "-f", "tracked.env"]);
    d.write("vendorish/x.env", &line);
    d.write(".env", &line);
    d.write(
        ".aws/credentials",
        format!("[default]\naws_access_key_id = {}\n", fake::aws_key_id()),
    );
    d.write(".git/notes.txt", &line);
    let paths = |extra: &[&str]| {
        let out = lh()
            .args(["scan", "-f", "json"])
            .args(extra)
            .arg(d.path())
            .output()
            .unwrap();
        let mut paths: Vec<String> = json(&out.stdout)
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect();
        paths.sort();
        paths
    };
    assert_eq!(paths(&[]), vec![".aws/credentials", ".env", "tracked.env"]);
    assert_eq!(
        paths(&["--no-ignore"]),
        vec![
            ".aws/credentials",
            ".env",
            "ignored.env",
            "tracked.env",
            "vendorish/x.env"
        ],
        ".git must never be scanned"
    );
    // A tracked file `.leakhoundignore` lists stays out.
    d.write(".leakhoundignore", "vendorish/\ntracked.env\n");
    assert_eq!(paths(&[]), vec![".aws/credentials", ".env"]);
}

#[test]
fn outside_a_repository_gitignore_hides_nothing() {
    // As in ripgrep: git's ignore files are git's; a copied tree's `.gitignore` does not
    // hide the `.env` beside it. `.leakhoundignore` is leakhound's and counts everywhere.
    let d = Dir::new();
    let line = format!("KEY={}\n", fake::stripe());
    d.write(".gitignore", ".env\n");
    d.write(".leakhoundignore", "fixtures/\n");
    d.write(".env", &line);
    d.write("fixtures/x.env", &line);
    let out = lh()
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let paths: Vec<String> = json(&out.stdout)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, vec![".env"]);
}

#[test]
fn binary_and_oversized_files_are_skipped_and_counted() {
    let d = Dir::new();
    let line = format!("KEY={}\n", fake::stripe());
    let mut bin = b"\x00\x01\x02".to_vec();
    bin.extend_from_slice(line.as_bytes());
    d.write("blob.dat", &bin);
    d.write("archive.zip", &line);
    d.write("big.env", format!("{}{line}", "x".repeat(2000)));
    d.write("ok.txt", "nothing here\n");
    lh().args(["scan", "-v", "--max-file-size", "1000"])
        .arg(d.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("2 binary"))
        .stderr(predicate::str::contains("1 too large"))
        .stderr(predicate::str::contains("skipped big.env: too large"));
}

#[cfg(unix)]
#[test]
fn symlinks_not_followed_unless_asked_and_loops_do_not_hang() {
    let outside = Dir::new();
    outside.write("secret.env", format!("KEY={}\n", fake::stripe()));
    let d = Dir::new();
    d.write("plain.txt", "hello\n");
    std::os::unix::fs::symlink(outside.path(), d.join("link")).unwrap();
    std::os::unix::fs::symlink(d.path(), d.join("loop")).unwrap();
    lh().args(["scan"]).arg(d.path()).assert().code(0);
    lh().args(["scan", "--follow"])
        .arg(d.path())
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("link/secret.env"));
}

#[cfg(unix)]
#[test]
fn fifo_is_skipped_not_read() {
    let d = Dir::new();
    d.write("a.txt", "hi\n");
    let fifo = d.join("pipe");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("mkfifo unavailable; skipping");
        return;
    }
    lh().args(["scan", "-v"])
        .arg(d.path())
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("not a regular file"));
    // Named explicitly, it is skipped too (never opened: opening would block).
    lh().args(["scan"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(0);
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name_is_scanned_and_reported_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let d = Dir::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.env");
    std::fs::write(d.path().join(name), format!("K={}\n", fake::stripe())).unwrap();
    let out = lh()
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let f = json(&out.stdout);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "caf\u{fffd}.env");
}

#[test]
fn inline_allow_markers_are_honoured() {
    let d = Dir::new();
    let s = fake::stripe();
    d.write(
        "a.py",
        format!(
            "a = \"{s}\"  # leakhound:allow\nb = \"{s}\"  # gitleaks:allow\nc = \"{s}\"  # pragma: allowlist secret\n# leakhound:allow\nd = \"{s}\"\ne = \"{s}\"\n"
        ),
    );
    let out = lh()
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let f = json(&out.stdout);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["line"], 6);
}

#[test]
fn no_color_means_no_escape_codes() {
    let d = Dir::new();
    d.write("a.env", format!("K={}\n", fake::stripe()));
    let out = lh().args(["scan"]).arg(d.path()).output().unwrap();
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn rules_lists_ids_keywords_and_origin() {
    lh().args(["rules"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("stripe-secret-key"))
        .stdout(predicate::str::contains("rules/payment.toml"))
        .stdout(predicate::str::contains("default allowlist"));
    let out = lh().args(["rules", "-f", "json"]).output().unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.len() >= 150, "{} rules", rows.len());
    assert!(rows.iter().all(|r| r["keywords"].is_array()));
}

#[test]
fn rules_check_passes_for_the_defaults() {
    lh().args(["rules", "--check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(", 0 failure(s)"));
}

#[test]
fn rules_refuses_report_formats_it_cannot_print() {
    for f in ["sarif", "junit", "csv", "jsonl"] {
        lh().args(["rules", "-f", f])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("invalid value"));
    }
    let a = lh().args(["rules", "-f", "json"]).assert().code(0);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&a.get_output().stdout).unwrap();
    assert!(rows.len() > 100 && rows[0]["id"].is_string());
}

#[test]
fn the_project_itself_is_clean() {
    // Dogfood: the repository, with its own .leakhound.toml, has no findings.
    lh().args(["scan"])
        .arg(crate::util::root())
        .assert()
        .code(0);
}

#[test]
fn many_rule_families_fire() {
    let d = Dir::new();
    d.write(
        "mixed.env",
        format!(
            "STRIPE={}\nGITHUB_TOKEN={}\nAWS_ACCESS_KEY_ID={}\n",
            fake::stripe(),
            fake::github(),
            fake::aws_key_id()
        ),
    );
    let out = lh()
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    let mut ids = rule_ids(&json(&out.stdout));
    ids.sort();
    assert_eq!(
        ids,
        vec!["aws-access-key-id", "github-pat", "stripe-secret-key"]
    );
}

#[test]
fn test_files_are_scanned_unless_excluded() {
    let d = Dir::new();
    d.write(
        "tests/test_api.py",
        format!("KEY = \"{}\"\n", fake::stripe()),
    );
    d.write("src/app.py", format!("KEY = \"{}\"\n", fake::stripe2()));
    let a = lh()
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .assert()
        .code(1);
    assert_eq!(
        json(&a.get_output().stdout).len(),
        2,
        "tests leak too: reported by default"
    );
    let a = lh()
        .args(["scan", "-f", "json", "--exclude-tests"])
        .arg(d.path())
        .assert()
        .code(1);
    let f = json(&a.get_output().stdout);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "src/app.py");
}
