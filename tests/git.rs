//! Git: the staged scan, the pre-commit hook with real `git commit`, the history audit.

use crate::util::{fake, json, lh, Dir};
use predicates::prelude::*;

fn staged(d: &Dir) -> assert_cmd::assert::Assert {
    lh().current_dir(d.path())
        .args(["scan", "--staged", "-f", "json"])
        .assert()
}

fn repo_with_history() -> Dir {
    let d = Dir::new();
    d.git_init();
    d.write("README.md", "hello\n");
    d.commit_all("initial");
    d
}

/// `leakhound history -f json [extra] DIR`, which must exit 1; its findings.
fn history_findings(dir: &std::path::Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let a = lh()
        .args(["history", "-f", "json"])
        .args(extra)
        .arg(dir)
        .assert()
        .code(1);
    json(&a.get_output().stdout)
}

#[test]
fn staged_secret_is_found_with_staged_line_numbers() {
    let d = repo_with_history();
    d.write(
        "app.py",
        format!("import os\n\nKEY = \"{}\"\n", fake::stripe()),
    );
    d.git(&["add", "app.py"]);
    let a = staged(&d).code(1);
    let f = json(&a.get_output().stdout);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "app.py");
    assert_eq!(f[0]["line"], 3);
}

#[test]
fn first_commit_unborn_head() {
    let d = Dir::new();
    d.git_init();
    d.write("a.env", format!("K={}\n", fake::stripe()));
    d.git(&["add", "."]);
    staged(&d).code(1);
}

#[test]
fn reads_the_index_not_the_working_tree() {
    let d = repo_with_history();
    // Staged clean, secret only in the working tree (like after `git add -p`): not blocked.
    d.write("a.py", "x = 1\n");
    d.git(&["add", "a.py"]);
    d.write("a.py", format!("x = 1\nk = \"{}\"\n", fake::stripe()));
    staged(&d).code(0);
    // Staged secret, removed from the working tree afterwards: still blocked.
    d.write("b.py", format!("k = \"{}\"\n", fake::stripe2()));
    d.git(&["add", "b.py"]);
    d.write("b.py", "k = None\n");
    let a = staged(&d).code(1);
    assert_eq!(json(&a.get_output().stdout)[0]["path"], "b.py");
}

#[test]
fn untouched_old_secret_is_not_this_commits_doing() {
    let d = Dir::new();
    d.git_init();
    d.write("a.py", format!("old = \"{}\"\n", fake::stripe()));
    d.commit_all("old secret");
    d.write("a.py", format!("old = \"{}\"\nnew = 1\n", fake::stripe()));
    d.git(&["add", "a.py"]);
    staged(&d).code(0);
    lh().current_dir(d.path())
        .args(["scan", "--staged", "--all-lines"])
        .assert()
        .code(1);
}

#[test]
fn renames_deletions_binaries_and_crlf() {
    let d = Dir::new();
    d.git_init();
    d.write(
        "old_name.py",
        format!("k = \"{}\"\n# {}\n", fake::stripe(), "x".repeat(80)),
    );
    d.write("gone.py", format!("k = \"{}\"\n", fake::stripe2()));
    d.commit_all("base");
    // A pure rename carries no new content.
    d.git(&["mv", "old_name.py", "new_name.py"]);
    d.git(&["rm", "-q", "gone.py"]);
    let mut bin = vec![0u8, 1, 2];
    bin.extend_from_slice(format!("k={}", fake::stripe()).as_bytes());
    d.write("blob.bin", &bin);
    d.git(&["add", "."]);
    staged(&d).code(0);
    // CRLF: line numbers still count lines.
    d.write("win.txt", format!("a\r\nb\r\nkey={}\r\n", fake::github()));
    d.git(&["add", "win.txt"]);
    let a = staged(&d).code(1);
    let f = json(&a.get_output().stdout);
    assert_eq!(
        (f[0]["path"].as_str(), f[0]["line"].as_u64()),
        (Some("win.txt"), Some(3))
    );
}

#[test]
fn subdirectory_and_dash_c() {
    let d = repo_with_history();
    d.write("deep/er/x.env", format!("K={}\n", fake::stripe()));
    d.git(&["add", "."]);
    let a = lh()
        .current_dir(d.join("deep/er"))
        .args(["scan", "--staged", "-f", "json"])
        .assert()
        .code(1);
    assert_eq!(json(&a.get_output().stdout)[0]["path"], "deep/er/x.env");
    lh().arg("-C")
        .arg(d.path())
        .args(["scan", "--staged"])
        .assert()
        .code(1);
}

#[test]
fn outside_a_repository_is_exit_2() {
    let d = Dir::new();
    lh().current_dir(d.path())
        .env("GIT_CEILING_DIRECTORIES", d.path().parent().unwrap())
        .args(["scan", "--staged"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a git repository"));
}

#[test]
fn linked_worktree() {
    let d = repo_with_history();
    let wt = Dir::new();
    let wt_path = wt.join("wt");
    d.git(&["worktree", "add", "-q", wt_path.to_str().unwrap()]);
    std::fs::write(wt_path.join("s.env"), format!("K={}\n", fake::stripe())).unwrap();
    let out = std::process::Command::new("git")
        .args(["add", "s.env"])
        .current_dir(&wt_path)
        .status()
        .unwrap();
    assert!(out.success());
    lh().current_dir(&wt_path)
        .args(["scan", "--staged"])
        .assert()
        .code(1);
}

// ---------------------------------------------------------------- hooks with real commits

fn commit(d: &Dir, msg: &str) -> std::process::Output {
    std::process::Command::new("git")
        .args(["commit", "-q", "-m", msg])
        .current_dir(d.path())
        .env("LEAKHOUND", env!("CARGO_BIN_EXE_leakhound"))
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap()
}

fn head(d: &Dir) -> String {
    d.git(&["rev-parse", "HEAD"]).trim().to_string()
}

#[test]
fn hook_blocks_a_secret_and_lets_clean_commits_through() {
    let d = repo_with_history();
    lh().current_dir(d.path())
        .args(["install-hook"])
        .assert()
        .code(0);
    let before = head(&d);
    d.write("app.py", format!("KEY = \"{}\"\n", fake::stripe()));
    d.git(&["add", "app.py"]);
    let out = commit(&d, "add key");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("commit blocked"), "{err}");
    assert!(err.contains("rotate"), "{err}");
    assert!(err.contains("--no-verify"), "{err}");
    assert!(
        !err.contains(&fake::stripe()),
        "the hook printed the secret"
    );
    assert_eq!(head(&d), before, "no commit may be created");

    // Allowed inline: goes through.
    d.write(
        "app.py",
        format!("KEY = \"{}\"  # leakhound:allow\n", fake::stripe()),
    );
    d.git(&["add", "app.py"]);
    assert!(commit(&d, "allowed").status.success());
    // Removed: goes through.
    d.write("b.py", "KEY = os.environ['KEY']\n");
    d.git(&["add", "b.py"]);
    assert!(commit(&d, "clean").status.success());
}

#[test]
fn hook_fails_closed_without_the_binary() {
    let d = repo_with_history();
    lh().current_dir(d.path())
        .args(["install-hook"])
        .assert()
        .code(0);
    d.write("x.txt", "hello\n");
    d.git(&["add", "x.txt"]);
    let out = std::process::Command::new("git")
        .args(["commit", "-q", "-m", "x"])
        .current_dir(d.path())
        .env("LEAKHOUND", "/nonexistent/leakhound")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not installed"));
}

#[test]
fn foreign_hook_is_kept_and_chained() {
    let d = repo_with_history();
    let hook = d.join(".git/hooks/pre-commit");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho foreign-ran >> \"$(git rev-parse --git-dir)/foreign.log\"\nexit 0\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let original = std::fs::read_to_string(&hook).unwrap();
    lh().current_dir(d.path())
        .args(["install-hook"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        original,
        "refused install changed the hook"
    );
    lh().current_dir(d.path())
        .args(["install-hook", "--force"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(d.join(".git/hooks/pre-commit.leakhound-backup")).unwrap(),
        original
    );
    // Idempotent.
    lh().current_dir(d.path())
        .args(["install-hook"])
        .assert()
        .code(0);
    d.write("ok.txt", "fine\n");
    d.git(&["add", "ok.txt"]);
    assert!(commit(&d, "ok").status.success());
    assert!(
        d.read(".git/foreign.log").contains("foreign-ran"),
        "the old hook must still run"
    );
    lh().current_dir(d.path())
        .args(["uninstall-hook"])
        .assert()
        .code(0);
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), original);
}

#[test]
fn core_hooks_path_is_honoured() {
    let d = repo_with_history();
    d.git(&["config", "core.hooksPath", "githooks"]);
    lh().current_dir(d.path())
        .args(["install-hook"])
        .assert()
        .code(0);
    assert!(d.join("githooks/pre-commit").exists());
    d.write("app.py", format!("KEY = \"{}\"\n", fake::stripe()));
    d.git(&["add", "app.py"]);
    assert_eq!(commit(&d, "x").status.code(), Some(1));
}

#[test]
fn pre_commit_framework_manifest_runs_the_staged_scan() {
    let m = std::fs::read_to_string(crate::util::root().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(m.contains("entry: leakhound scan --staged"));
    assert!(m.contains("language: rust"));
    assert!(m.contains("pass_filenames: false"));
}

// ---------------------------------------------------------------- history

#[test]
fn history_attributes_a_deleted_secret_to_its_introducing_commit() {
    let d = repo_with_history();
    d.write("src/config.py", format!("KEY = \"{}\"\n", fake::stripe()));
    let introducing = d.commit_all("add config");
    for i in 0..3 {
        d.write("notes.txt", format!("note {i}\n"));
        d.commit_all("notes");
    }
    d.write("src/config.py", "KEY = os.environ['KEY']\n");
    d.commit_all("remove key");
    let f = history_findings(d.path(), &[]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["commit"], introducing);
    assert_eq!(f[0]["path"], "src/config.py");
    assert_eq!(f[0]["line"], 1);
    assert_eq!(f[0]["author"], "Test Author");
    assert_eq!(f[0]["email"], "author@example.invalid");
    assert_eq!(f[0]["message"], "add config");
    assert!(f[0]["date"].as_str().unwrap().contains('T'));
    // The working tree is clean now.
    lh().args(["scan"]).arg(d.path()).assert().code(0);
}

#[test]
fn history_reports_a_secret_once_across_later_edits_of_its_file() {
    let d = repo_with_history();
    let key = fake::stripe();
    d.write("src/config.py", format!("KEY = \"{key}\"\n"));
    let introducing = d.commit_all("add config");
    d.write("src/config.py", format!("# settings\nKEY = \"{key}\"\n"));
    let edit = d.commit_all("comment config");
    d.write("src/config.py", "KEY = os.environ['KEY']\n");
    d.commit_all("remove key");
    let f = history_findings(d.path(), &["--all-occurrences"]);
    // Two blobs carry it; it is one secret, introduced once.
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["commit"], introducing);
    assert_eq!(f[0]["line"], 1);
    let commits: Vec<&str> = f[0]["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["commit"].as_str().unwrap())
        .collect();
    assert_eq!(commits, vec![introducing.as_str(), edit.as_str()]);
    // The same secret at another path (in another blob) is another finding.
    d.write("other/config.py", format!("KEY = \"{key}\"  # copy\n"));
    d.commit_all("copy config");
    assert_eq!(history_findings(d.path(), &[]).len(), 2);
}

#[test]
fn history_reads_packed_loose_and_borrowed_objects_alike() {
    // Two packs and loose objects: the scan reads blobs in pack order, objects outside any
    // pack first; every secret is found and attributed all the same.
    let d = repo_with_history();
    d.write("a.py", format!("KEY = \"{}\"\n", fake::stripe()));
    let first = d.commit_all("first key");
    d.git(&["gc", "-q"]);
    d.write("b.py", format!("TOKEN = \"{}\"\n", fake::github()));
    let second = d.commit_all("second key");
    d.git(&["repack", "-q"]);
    d.write("c.py", format!("KEY = \"{}\"\n", fake::stripe2()));
    let third = d.commit_all("third key (loose)");
    let packs = std::fs::read_dir(d.join(".git/objects/pack"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "idx")
        })
        .count();
    assert_eq!(packs, 2);
    let by_path = |dir: &std::path::Path| {
        let mut v: Vec<(String, String)> = history_findings(dir, &[])
            .iter()
            .map(|f| {
                let p = f["path"].as_str().unwrap().to_string();
                (p, f["commit"].as_str().unwrap().to_string())
            })
            .collect();
        v.sort();
        v
    };
    let want = vec![
        ("a.py".to_string(), first),
        ("b.py".to_string(), second),
        ("c.py".to_string(), third),
    ];
    assert_eq!(by_path(d.path()), want);
    // A clone that borrows its objects from this one (objects/info/alternates).
    let shared = Dir::new();
    let dst = shared.join("borrowing");
    let out = std::process::Command::new("git")
        .args(["clone", "-q", "--shared", "--bare"])
        .arg(d.path())
        .arg(&dst)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(dst.join("objects/info/alternates").exists());
    assert_eq!(by_path(&dst), want);
}

#[test]
fn history_skips_and_counts_oversized_blobs_loose_or_packed() {
    let d = repo_with_history();
    let line = format!("KEY={}\n", fake::stripe());
    d.write("big.env", format!("{}{line}", "x".repeat(2000)));
    d.commit_all("big file");
    for packed in [false, true] {
        if packed {
            d.git(&["gc", "-q"]);
        }
        lh().args(["history", "-v", "--max-file-size", "1000"])
            .arg(d.path())
            .assert()
            .code(0)
            .stderr(predicate::str::contains("1 too large"));
        lh().args(["history"]).arg(d.path()).assert().code(1);
    }
}

#[test]
fn history_range_branch_and_occurrences() {
    let d = repo_with_history();
    let base = head(&d);
    d.git(&["checkout", "-q", "-b", "feature"]);
    d.write("a.env", format!("K={}\n", fake::stripe()));
    d.commit_all("feature key");
    d.write("copy/a.env", format!("K={}\n", fake::stripe()));
    d.commit_all("copy");
    d.git(&["checkout", "-q", "main"]);
    // Only main: nothing.
    lh().args(["history", "--branch", "main"])
        .arg(d.path())
        .assert()
        .code(0);
    // The feature range: found.
    lh().args(["history", "--range", &format!("{base}..feature")])
        .arg(d.path())
        .assert()
        .code(1);
    // Every ref (default): found once (one unique blob); every commit and path that holds
    // it is listed: a.env in both feature commits, copy/a.env in the second.
    let f = history_findings(d.path(), &["--all-occurrences"]);
    assert_eq!(f.len(), 1);
    let mut occ: Vec<String> = f[0]["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap().to_string())
        .collect();
    occ.sort();
    assert_eq!(occ, vec!["a.env", "a.env", "copy/a.env"]);
}

#[test]
fn history_on_a_bare_clone_and_repository_unchanged() {
    let d = repo_with_history();
    d.write("a.env", format!("K={}\n", fake::stripe()));
    d.commit_all("key");
    let clone = Dir::new();
    let bare = clone.join("bare.git");
    d.git(&[
        "clone",
        "-q",
        "--bare",
        d.path().to_str().unwrap(),
        bare.to_str().unwrap(),
    ]);
    let count = |p: &std::path::Path| walk_count(p);
    let before = count(&bare);
    lh().args(["history"]).arg(&bare).assert().code(1);
    assert_eq!(
        count(&bare),
        before,
        "history must not write to the repository"
    );
}

fn walk_count(p: &std::path::Path) -> Vec<(String, u64)> {
    let mut v = Vec::new();
    let mut stack = vec![p.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                v.push((e.path().display().to_string(), m.len()));
            }
        }
    }
    v.sort();
    v
}

#[test]
fn history_outside_a_repository_is_exit_2() {
    let d = Dir::new();
    lh().env("GIT_CEILING_DIRECTORIES", d.path().parent().unwrap())
        .args(["history"])
        .arg(d.path())
        .assert()
        .code(2);
}

#[test]
fn history_says_which_secrets_are_still_in_the_tree() {
    let d = repo_with_history();
    d.write("old.env", format!("KEY = \"{}\"\n", fake::stripe()));
    d.commit_all("add a key");
    std::fs::remove_file(d.join("old.env")).unwrap();
    d.commit_all("remove it");
    d.write("app/new.env", format!("KEY = \"{}\"\n", fake::stripe2()));
    d.commit_all("another key");
    // The same key copied to another file is still in the tree; its first file is edited.
    d.write(
        "moved.py",
        format!("# edited\nKEY = \"{}\"\n", fake::stripe2()),
    );
    d.write(
        "app/new.env",
        format!("KEY = \"{}\"\nDEBUG = 1\n", fake::stripe2()),
    );
    d.commit_all("a copy elsewhere");
    let findings = history_findings(d.path(), &["--show-secrets"]);
    let at_head = |secret: &str| -> Vec<bool> {
        findings
            .iter()
            .filter(|f| f["secret"] == secret)
            .map(|f| f["present_at_head"].as_bool().unwrap())
            .collect()
    };
    assert_eq!(at_head(&fake::stripe()), [false]);
    assert_eq!(at_head(&fake::stripe2()), [true, true]);
    // A range that does not reach HEAD (nor the file's edited version there) still knows
    // the file at HEAD holds the key.
    let first = d.git(&["rev-list", "--max-parents=0", "HEAD"]);
    let range = format!("{}..HEAD~1", first.trim());
    let ranged = history_findings(d.path(), &["--range", &range, "--show-secrets"]);
    let new = ranged
        .iter()
        .find(|f| f["path"] == "app/new.env")
        .expect("the new key in the range");
    assert_eq!(new["present_at_head"], true);
    // Text says it in words; tree scans say nothing of it.
    let text = lh().arg("history").arg(d.path()).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("only in history") && text.contains("still in the tree"),
        "{text}"
    );
    let tree = lh()
        .args(["scan", "-f", "json"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(json(&tree.stdout)
        .iter()
        .all(|f| f.get("present_at_head").is_none()));
}
