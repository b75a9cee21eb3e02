//! The baseline: adopt leakhound on a repository that already has findings.

use crate::util::{fake, json, lh, Dir};
use predicates::prelude::*;

fn every_piece(secret: &str) -> Vec<String> {
    (0..=secret.len().saturating_sub(8))
        .map(|i| secret[i..i + 8].to_string())
        .collect()
}

#[test]
fn adopt_then_fail_only_on_new_findings() {
    let d = Dir::new();
    let old = fake::stripe();
    d.write("app/config.py", format!("import os\nKEY = \"{old}\"\n"));
    d.write("app/other.env", format!("GH={}\n", fake::github()));
    lh().args(["scan"]).arg(d.path()).assert().code(1);

    lh().args(["baseline"])
        .arg(d.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("recorded 2 entries"));
    let file = d.join(".leakhound-baseline.json");
    let text = std::fs::read_to_string(&file).unwrap();
    for s in [old.clone(), fake::github()] {
        for piece in every_piece(&s) {
            assert!(
                !text.contains(&piece),
                "baseline holds part of a secret: {piece}"
            );
        }
    }
    // Used by default from the root.
    lh().args(["scan"])
        .arg(d.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "2 more suppressed by the baseline",
        ));

    // 20 lines inserted above, re-indented: still suppressed.
    let filler: String = (0..20).map(|i| format!("# line {i}\n")).collect();
    d.write(
        "app/config.py",
        format!("{filler}import os\nif True:\n    KEY = \"{old}\"\n"),
    );
    lh().args(["scan"]).arg(d.path()).assert().code(0);

    // A new secret in the same file: exactly that one is reported.
    let new = fake::stripe2();
    d.write(
        "app/config.py",
        format!("{filler}import os\nif True:\n    KEY = \"{old}\"\nOTHER = \"{new}\"\n"),
    );
    let a = lh()
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .assert()
        .code(1);
    let f = json(&a.get_output().stdout);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["line"], 24);

    // --no-baseline shows everything.
    let a = lh()
        .args(["scan", "-f", "json", "--no-baseline"])
        .arg(d.path())
        .assert()
        .code(1);
    assert_eq!(json(&a.get_output().stdout).len(), 3);
}

#[test]
fn update_keeps_annotations_and_counts() {
    let d = Dir::new();
    d.write(
        "a.env",
        format!("A={}\nB={}\n", fake::stripe(), fake::stripe2()),
    );
    let file = d.join("base.json");
    lh().args(["baseline", "-o"])
        .arg(&file)
        .arg(d.path())
        .assert()
        .code(0);
    // Annotate the first entry, remove one secret, add another.
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let entries = v["entries"].as_array_mut().unwrap();
    entries[0]["status"] = "revoked".into();
    entries[0]["note"] = "rotated in March".into();
    std::fs::write(&file, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let annotated_fp = v["entries"][0]["fingerprint"].as_str().unwrap().to_string();
    // Keep whichever secret the annotated entry is, drop the other, add a GitHub token.
    let kept_secret = [fake::stripe(), fake::stripe2()]
        .into_iter()
        .find(|s| {
            leakhound::finding::fingerprint("stripe-secret-key", "a.env", s.as_bytes())
                == annotated_fp
        })
        .unwrap();
    d.write("a.env", format!("A={kept_secret}\nC={}\n", fake::github()));
    lh().args(["baseline", "--update", "-o"])
        .arg(&file)
        .arg(d.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("1 kept, 1 added, 1 dropped"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let e = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["fingerprint"] == annotated_fp.as_str())
        .unwrap();
    assert_eq!(e["status"], "revoked");
    assert_eq!(e["note"], "rotated in March");
    lh().args(["baseline", "--list", "-o"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("revoked  rotated in March"));
    lh().args(["scan", "--baseline"])
        .arg(&file)
        .arg(d.path())
        .assert()
        .code(0);
}

#[test]
fn list_prints_the_baseline_of_the_path_given() {
    let d = Dir::new();
    d.write("proj/a.env", format!("A={}\n", fake::stripe()));
    d.write("other/b.env", format!("B={}\n", fake::github()));
    for p in ["proj", "other"] {
        lh().args(["baseline"]).arg(d.join(p)).assert().code(0);
    }
    // From elsewhere: PATH decides which baseline is listed (the tree, or the file itself).
    for arg in [d.join("proj"), d.join("proj/.leakhound-baseline.json")] {
        lh().current_dir(d.path())
            .args(["baseline", "--list"])
            .arg(&arg)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("a.env"))
            .stdout(predicate::str::contains("b.env").not());
    }
    // Without PATH, the current directory's baseline; there is none here.
    lh().current_dir(d.path())
        .args(["baseline", "--list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".leakhound-baseline.json"));
}

#[test]
fn corrupt_or_foreign_baseline_is_exit_2() {
    let d = Dir::new();
    d.write("a.txt", "hello\n");
    for (name, content) in [
        (
            "corrupt.json",
            "{\"format\": \"leakhound-baseline\", \"version\": 1, \"entries\": [",
        ),
        ("foreign.json", "[{\"Fingerprint\": \"a.txt:rule:1\"}]"),
        ("gitleaks.json", "{\"findings\": []}"),
    ] {
        d.write(name, content);
        lh().args(["scan", "--baseline"])
            .arg(d.join(name))
            .arg(d.join("a.txt"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(name));
    }
}

#[test]
fn history_baseline_records_commits_and_staged_uses_it() {
    let d = Dir::new();
    d.git_init();
    d.write("a.env", format!("A={}\n", fake::stripe()));
    let c = d.commit_all("old key");
    lh().args(["baseline", "--history"])
        .arg(d.path())
        .assert()
        .code(0);
    let text = d.read(".leakhound-baseline.json");
    assert!(text.contains(&c), "history baseline records the commit");
    lh().args(["history"]).arg(d.path()).assert().code(0);
    // Staged scans use the root baseline too (the same secret, staged again elsewhere in
    // the same file, is not new).
    d.write("a.env", format!("# moved\nA={}\n", fake::stripe()));
    d.git(&["add", "a.env"]);
    lh().current_dir(d.path())
        .args(["scan", "--staged", "--all-lines"])
        .assert()
        .code(0);
}

#[test]
fn config_check_reports_and_fails_precisely() {
    let d = Dir::new();
    d.write(
        "ok.toml",
        "disabled_rules = [\"jwt\"]\n[[rules]]\nid = \"acme\"\nregex = '''acme_[a-z]{8}'''\nkeywords = [\"acme_\"]\n[extend]\nuse_default = true\n[[allowlists]]\npaths = [\"*.md\"]\n",
    );
    lh().args(["config", "check"])
        .arg(d.join("ok.toml"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("+ acme"))
        .stdout(predicate::str::contains("- jwt"))
        .stdout(predicate::str::contains("1 from the config"));
    d.write("bad.toml", "[[rules]]\nid = \"x\"\nregex = '''(a'''\n");
    lh().args(["config", "check"])
        .arg(d.join("bad.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"))
        .stderr(predicate::str::contains("\"x\""));
}

#[test]
fn default_allowlist_skips_lock_files_and_can_be_turned_off() {
    let d = Dir::new();
    d.write(
        "package-lock.json",
        format!("{{\"token\": \"{}\"}}\n", fake::stripe()),
    );
    d.write("vendor/lib/x.go", format!("k := \"{}\"\n", fake::stripe()));
    lh().args(["scan"]).arg(d.path()).assert().code(0);
    lh().args(["scan", "--no-default-allowlist"])
        .arg(d.path())
        .assert()
        .code(1);
}
