//! The CI recipes in the README: their leakhound commands, run as written (through `sh`,
//! with the variables CI would set), in a real repository.

use crate::util::{fake, root, Dir};

const RECIPES: &[&str] = &[
    "leakhound scan . --format sarif --report leakhound.sarif",
    "leakhound history --range \"$BASE..$HEAD\" --format sarif --report leakhound.sarif",
    "leakhound history --range \"$CI_MERGE_REQUEST_DIFF_BASE_SHA..$CI_COMMIT_SHA\" --format junit --report leakhound.xml",
];

fn run(d: &Dir, cmd: &str, env: &[(&str, &str)]) -> std::process::Output {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_leakhound"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = std::process::Command::new("sh");
    c.args(["-c", cmd])
        .current_dir(d.path())
        .env("PATH", path)
        .env("NO_COLOR", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn readme_recipes_are_the_tested_ones() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for r in RECIPES {
        assert!(readme.contains(r), "README lost the recipe command: {r}");
    }
    for needle in [
        "upload-sarif",
        "merge_request_event",
        "id: leakhound",
        "| 2 |",
    ] {
        assert!(readme.contains(needle), "{needle}");
    }
}

#[test]
fn recipes_run_and_fail_the_job_on_a_new_secret() {
    let d = Dir::new();
    d.git_init();
    d.write("app.py", "print('hello')\n");
    let base = d.commit_all("base");
    // A clean pull request passes.
    d.write("lib.py", "x = 1\n");
    let clean_head = d.commit_all("clean change");
    let env = [("BASE", base.as_str()), ("HEAD", clean_head.as_str())];
    let out = run(&d, RECIPES[1], &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A pull request adding a secret fails, and the SARIF names it.
    d.write("config.py", format!("KEY = \"{}\"\n", fake::stripe()));
    let head = d.commit_all("add config");
    let env = [("BASE", base.as_str()), ("HEAD", head.as_str())];
    let out = run(&d, RECIPES[1], &env);
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_str(&d.read("leakhound.sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "stripe-secret-key"
    );
    // GitLab's merge request variables.
    let env = [
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.as_str()),
        ("CI_COMMIT_SHA", head.as_str()),
    ];
    let out = run(&d, RECIPES[2], &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(d.read("leakhound.xml").contains("<failure"));
    // The full scan on main.
    let out = run(&d, RECIPES[0], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&fake::stripe()));
}
