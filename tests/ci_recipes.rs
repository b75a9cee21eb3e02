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

/// Runs `scripts/github-action`, the action's scan step, as the action does: inputs in env.
fn action(d: &Dir, env: &[(&str, &str)]) -> (i32, String) {
    let out_file = d.path().join("github-output");
    let _ = std::fs::remove_file(&out_file);
    let mut c = std::process::Command::new(root().join("scripts/github-action"));
    c.current_dir(d.path())
        .env("LEAKHOUND", env!("CARGO_BIN_EXE_leakhound"))
        .env("GITHUB_OUTPUT", &out_file)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let outputs = std::fs::read_to_string(&out_file).unwrap_or_default();
    (out.status.code().unwrap_or(-1), outputs)
}

#[test]
fn the_github_action_is_wired_safely() {
    let a = std::fs::read_to_string(root().join("action.yml")).unwrap();
    for input in ["  args:", "  config:", "  fail-on-findings:", "  sarif:"] {
        assert!(a.contains(input), "action.yml lacks input {input}");
    }
    assert!(a.contains("using: composite"));
    assert!(a.contains("\"$ACTION_PATH/scripts/github-action\""));
    assert!(a.contains("cargo build --release --locked"));
    assert!(a.contains("github/codeql-action/upload-sarif"));
    // No expression is spliced into shell code: inputs reach the scripts through env.
    let mut in_run = false;
    for line in a.lines() {
        let t = line.trim_start();
        if t.starts_with("run:") {
            in_run = true;
        } else if t.starts_with("- ") || (t.ends_with(':') && !line.starts_with("        ")) {
            in_run = false;
        }
        if in_run {
            assert!(!line.contains("${{"), "expression in a run block: {line}");
        }
    }
}

#[test]
fn the_github_action_scan_step() {
    let d = Dir::new();
    d.git_init();
    d.write("app.py", "print('hello')\n");
    let base = d.commit_all("base");
    d.write("lib.py", "x = 1\n");
    let clean = d.commit_all("clean");
    let pr = |head: &str| {
        vec![
            ("GITHUB_EVENT_NAME", "pull_request".to_string()),
            ("LEAKHOUND_BASE", base.clone()),
            ("LEAKHOUND_HEAD", head.to_string()),
            ("INPUT_SARIF", "leakhound.sarif".to_string()),
        ]
    };
    let as_env = |v: &[(&'static str, String)]| -> Vec<(&'static str, String)> { v.to_vec() };
    let run = |v: Vec<(&'static str, String)>| {
        let e: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        action(&d, &e)
    };
    // A clean pull request passes.
    let (code, outputs) = run(as_env(&pr(&clean)));
    assert_eq!(code, 0);
    assert!(outputs.contains("exit-code=0"));
    // A pull request adding a secret and an allowlist for it fails: the policy is the base's.
    d.write("config.py", format!("KEY = \"{}\"\n", fake::stripe()));
    d.write(
        ".leakhound.toml",
        "[[allowlists]]\npaths = ['''config\\.py''']\n",
    );
    let head = d.commit_all("add config");
    let (code, outputs) = run(pr(&head));
    assert_eq!(code, 1);
    assert!(outputs.contains("exit-code=1"));
    let sarif: serde_json::Value = serde_json::from_str(&d.read("leakhound.sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "stripe-secret-key"
    );
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["descriptor"]["id"], "policy-changed");
    // fail-on-findings: false reports without failing; errors still fail.
    let mut v = pr(&head);
    v.push(("INPUT_FAIL_ON_FINDINGS", "false".into()));
    let (code, outputs) = run(v);
    assert_eq!((code, outputs.contains("exit-code=1")), (0, true));
    let mut v = pr(&head);
    v.push(("INPUT_FAIL_ON_FINDINGS", "false".into()));
    v.push(("INPUT_ARGS", "--no-such-flag".into()));
    assert_eq!(run(v).0, 2);
    // Extra arguments and a config input.
    let mut v = pr(&head);
    v.push(("INPUT_ARGS", "--min-confidence high --exit-code 3".into()));
    assert_eq!(run(v).0, 3);
    // A push scans the whole tree, with the checkout's policy (here: allowlisted).
    let push = vec![("GITHUB_EVENT_NAME", "push".to_string())];
    assert_eq!(run(push.clone()).0, 0);
    let mut v = push;
    v.push(("INPUT_CONFIG", "/dev/null".into()));
    assert_eq!(
        run(v).0,
        1,
        "an empty config keeps the defaults and no allowlist"
    );
    // A pull request event without its commits is an error, not a silent pass.
    assert_eq!(run(vec![("GITHUB_EVENT_NAME", "pull_request".into())]).0, 2);
}

#[test]
fn the_container_contract() {
    let f = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let directive = |name: &str| -> Vec<String> {
        f.lines()
            .filter_map(|l| l.strip_prefix(name).map(|r| r.trim().to_string()))
            .collect()
    };
    // Built as the action builds; run as a non-root user with leakhound as the entrypoint.
    assert!(directive("RUN ")
        .iter()
        .any(|r| r.starts_with("cargo build --release --locked")));
    // Every stage runs as a non-root user; the default (last) stage is the distroless one.
    assert_eq!(
        directive("USER ").last().map(String::as_str),
        Some("nonroot")
    );
    assert!(directive("USER ").iter().all(|u| u != "root" && u != "0"));
    assert!(directive("ENTRYPOINT ")
        .iter()
        .all(|e| e == "[\"leakhound\"]"));
    assert_eq!(
        directive("WORKDIR ").last().map(String::as_str),
        Some("/repo")
    );
    let cmd: Vec<String> = serde_json::from_str(directive("CMD ").last().unwrap()).unwrap();
    assert_eq!(cmd, ["scan", "."]);
    // The entrypoint contract: the default command in the mounted directory, with an
    // empty environment (no HOME, no PATH), exits 0 when clean and 1 on a finding.
    let d = Dir::new();
    d.write("app.py", "print('hello')\n");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_leakhound"))
            .args(&cmd)
            .current_dir(d.path())
            .env_clear()
            .output()
            .unwrap()
    };
    assert_eq!(run().status.code(), Some(0));
    d.write("config.py", format!("KEY = \"{}\"\n", fake::stripe()));
    let out = run();
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&fake::stripe()));
}

#[test]
fn the_pre_push_hook_scans_the_pushed_range() {
    let m = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let entry = m
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry: "))
        .find(|e| e.contains("PRE_COMMIT_FROM_REF"))
        .expect("a pre-push hook");
    let d = Dir::new();
    d.git_init();
    d.write("app.py", "print('hello')\n");
    let base = d.commit_all("base");
    d.write("config.py", format!("KEY = \"{}\"\n", fake::stripe()));
    let head = d.commit_all("add config");
    let env = [
        ("PRE_COMMIT_FROM_REF", base.as_str()),
        ("PRE_COMMIT_TO_REF", head.as_str()),
    ];
    assert_eq!(run(&d, entry, &env).status.code(), Some(1));
    let env = [
        ("PRE_COMMIT_FROM_REF", base.as_str()),
        ("PRE_COMMIT_TO_REF", base.as_str()),
    ];
    assert_eq!(run(&d, entry, &env).status.code(), Some(0));
    // A new branch with no remote counterpart: the branch's history.
    assert_eq!(
        run(&d, entry, &[("PRE_COMMIT_TO_REF", head.as_str())])
            .status
            .code(),
        Some(1)
    );
}
