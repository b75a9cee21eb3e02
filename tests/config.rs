//! Configuration: errors, extension and replacement of the defaults, gitleaks compatibility.

use crate::util::{fake, fixture, json, lh, rule_ids, shared, Dir};
use predicates::prelude::*;

fn config_error(file: &str, needles: &[&str]) {
    let d = Dir::new();
    d.write("a.txt", "hello\n");
    let a = lh()
        .args(["scan", "--config"])
        .arg(fixture(&format!("configs/invalid/{file}")))
        .arg(d.path())
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains(file),
        "{file}: message does not name the file: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "{file}: message lacks {n:?}: {err}");
    }
}

#[test]
fn toml_syntax_error_names_file_line_and_column() {
    config_error("syntax-error.toml", &["syntax-error.toml:3:"]);
}

#[test]
fn bad_regex_names_the_rule() {
    config_error("bad-regex.toml", &["bad-regex", "regex"]);
}

#[test]
fn oversized_regex_names_the_rule() {
    config_error("big-regex.toml", &["huge-regex", "size limit"]);
}

#[test]
fn unknown_field_is_named() {
    config_error("unknown-field.toml", &["keywrods"]);
}

#[test]
fn duplicate_rule_id_is_an_error() {
    config_error("duplicate-id.toml", &["duplicate", "dup"]);
}

#[test]
fn empty_rule_set_is_an_error() {
    let d = Dir::new();
    lh().args(["scan", "--config"])
        .arg(fixture("configs/invalid/empty-ruleset.toml"))
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rules"));
}

#[test]
fn secret_group_beyond_captures_is_an_error() {
    config_error("bad-secret-group.toml", &["group", "capture"]);
}

#[test]
fn missing_config_file_is_an_error() {
    lh().args(["scan", "--config", "/no/such/config.toml", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/config.toml"));
}

fn scan_ids(config: Option<&str>, d: &Dir) -> Vec<String> {
    let mut c = lh();
    c.args(["scan", "-f", "json"]);
    if let Some(cfg) = config {
        c.arg("--config").arg(fixture(cfg));
    }
    let out = c.arg(d.path()).output().unwrap();
    let mut ids = rule_ids(&json(&out.stdout));
    ids.sort();
    ids
}

#[test]
fn extend_replace_and_disable() {
    let d = Dir::new();
    d.write(
        "a.env",
        format!(
            "STRIPE={}\nACME=acme_k3j9x0q2m7v5b8n1c4z6w2ra\n",
            fake::stripe()
        ),
    );
    assert_eq!(
        scan_ids(Some("configs/valid/extend.toml"), &d),
        vec!["acme-internal-token", "stripe-secret-key"]
    );
    assert_eq!(
        scan_ids(Some("configs/valid/replace.toml"), &d),
        vec!["only-acme"]
    );
    assert!(scan_ids(Some("configs/valid/disable.toml"), &d).is_empty());
}

#[test]
fn root_config_is_discovered() {
    let d = Dir::new();
    d.write("a.env", format!("STRIPE={}\n", fake::stripe()));
    d.write(
        ".leakhound.toml",
        "[[allowlists]]\ndescription = \"fixtures\"\npaths = ['''^a\\.env$''']\n",
    );
    lh().args(["scan"]).arg(d.path()).assert().code(0);
}

#[test]
fn gitleaks_default_config_loads_and_applies() {
    let Some(cfg) = shared("compat/gitleaks-v8-default.toml") else {
        return;
    };
    let d = Dir::new();
    d.write(
        "app.env",
        format!(
            "GITHUB_TOKEN={}\nSTRIPE_KEY={}\n",
            fake::github(),
            fake::stripe()
        ),
    );
    let a = lh()
        .args(["scan", "-f", "json", "--config"])
        .arg(&cfg)
        .arg(d.path())
        .assert()
        .code(1);
    let ids = rule_ids(&json(&a.get_output().stdout));
    assert!(ids.contains(&"github-pat".to_string()), "{ids:?}");
    assert!(ids.contains(&"stripe-access-token".to_string()), "{ids:?}");
    // Its rules, not ours: the config replaces the defaults.
    lh().args(["rules", "--config"])
        .arg(&cfg)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("222 rules").or(predicate::str::contains("221 rules")));
}

#[test]
fn a_leakhound_config_that_mentions_title_is_not_treated_as_gitleaks() {
    let d = Dir::new();
    d.write(
        "mine.toml",
        "title = \"team rules\"\n[extend]\nuse_default = true\n\n[[rules]]\nid = \"title-token\"\ndescription = \"title token\"\nregex = '''(tt_[a-z]{8}'''\nkeywords = [\"tt_\"]\n",
    );
    d.write("a.txt", "tt_abcdefgh\n");
    lh().args(["scan", "--config"])
        .arg(d.join("mine.toml"))
        .arg(d.join("a.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("title-token"))
        .stderr(predicate::str::contains("regex"));
}

#[test]
fn gitleaks_style_config_skips_uncompilable_rules_with_a_warning() {
    let d = Dir::new();
    d.write(
        "gl.toml",
        "title = \"x\"\n[[rules]]\nid = \"go-only\"\nregex = '''\\Qliteral\\E'''\n\n[[rules]]\nid = \"ok\"\nregex = '''tok_[a-z]{8}'''\nsecretGroup = 0\nkeywords = [\"tok_\"]\n\n[allowlist]\npaths = ['''ignored''']\n",
    );
    d.write("a.txt", "tok_qmzrtwkp\n");
    lh().args(["scan", "--config"])
        .arg(d.join("gl.toml"))
        .arg(d.join("a.txt"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("go-only"));
}

#[test]
fn path_only_rule_reports_the_file_itself() {
    let d = Dir::new();
    d.write(
        "c.toml",
        "[extend]\nuse_default = true\n[[rules]]\nid = \"keystore-file\"\ndescription = \"PKCS#12 keystore committed\"\npath = '''\\.p12$'''\n",
    );
    d.write("certs/client.p12", b"\x30\x82\x00\x00binary");
    let a = lh()
        .args(["scan", "-f", "json", "--config"])
        .arg(d.join("c.toml"))
        .arg(d.join("certs"))
        .assert()
        .code(1);
    let f = json(&a.get_output().stdout);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["rule_id"], "keystore-file");
    assert_eq!(f[0]["path"], "client.p12");
}
