//! The staged scan in every state an index can be in: the fast path (the index walked
//! against HEAD's trees, see `source::git::index`) must list exactly the changes git itself
//! lists (`git diff --cached --raw --no-renames`), and so must libgit2's full diff wherever
//! libgit2 can read the index; where the fast path steps aside, the state says why; and the
//! findings of `scan --staged` are the staged secrets, in every state.

use crate::util::{fake, json, lh, Dir};
use leakhound::source::git::index::Change;
use leakhound::source::git::objects::Objects;
use leakhound::source::git::{diff, staged, Repo};

/// A repository with a few directories, two commits and a side branch.
fn base() -> Dir {
    let d = Dir::new();
    d.git_init();
    for dir in ["a", "b/c", "b/d", "e"] {
        for f in 0..3 {
            d.write(&format!("{dir}/f{f}.txt"), format!("{dir} {f}\n"));
        }
    }
    d.write("top.txt", "top\n");
    d.write("link", "");
    std::fs::remove_file(d.join("link")).unwrap();
    std::os::unix::fs::symlink("top.txt", d.join("link")).unwrap();
    d.commit_all("base");
    d.git(&["checkout", "-q", "-b", "side"]);
    d.write("e/f0.txt", "side edit\n");
    d.write("e/side.txt", "side\n");
    d.commit_all("side");
    d.git(&["checkout", "-q", "main"]);
    d
}

/// Stages a secret in a new file and in an edited one.
fn stage_secrets(d: &Dir) {
    d.write("b/c/new.env", format!("STRIPE={}\n", fake::stripe()));
    d.write("a/f1.txt", format!("a 1\nGITHUB={}\n", fake::github()));
    d.git(&["add", "b/c/new.env", "a/f1.txt"]);
}

fn sorted(mut v: Vec<Change>) -> Vec<Change> {
    v.sort_by(|a, b| a.path.cmp(&b.path));
    v
}

/// What git itself says is staged, as changes: additions, modifications and type changes
/// with new content (a mode change alone has none), without rename pairing.
fn git_says(d: &Dir) -> Vec<Change> {
    let raw = d.git(&[
        "diff",
        "--cached",
        "--raw",
        "-z",
        "--no-renames",
        "--no-abbrev",
    ]);
    let mut out = Vec::new();
    let mut parts = raw.split('\0');
    while let Some(meta) = parts.next() {
        let Some(path) = parts.next() else { break };
        let f: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        if f.len() < 5 {
            continue;
        }
        let (old_mode, new_mode) = (
            u32::from_str_radix(f[0], 8).unwrap(),
            u32::from_str_radix(f[1], 8).unwrap(),
        );
        let (old_id, new_id, status) = (f[2], f[3], f[4]);
        if matches!(status, "D" | "U") || old_id == new_id {
            continue;
        }
        let id =
            |h: &str| leakhound::source::git::objects::ObjectId::from_hex(h.as_bytes()).unwrap();
        out.push(Change {
            path: path.to_string(),
            new: id(new_id),
            mode: new_mode,
            old: (status != "A"
                && matches!(old_mode, 0o100644 | 0o100755)
                && matches!(new_mode, 0o100644 | 0o100755))
            .then(|| id(old_id)),
        });
    }
    sorted(out)
}

/// How a state is expected to go.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// The fast path answers, as git does.
    Fast,
    /// The fast path answers, flagging possible renames for libgit2.
    Renames,
    /// Only a full diff can decide.
    Full,
}

fn check(d: &Dir, state: &str, expect: Expect) {
    let repo = Repo::discover(d.path()).unwrap();
    let mut objects = Objects::open(&repo.objects_dir()).unwrap();
    let git = git_says(d);
    match (staged::fast_changes(&repo, &mut objects).unwrap(), expect) {
        (Some(s), Expect::Fast) if !s.maybe_renames => {
            assert_eq!(sorted(s.changes), git, "{state}: fast path against git")
        }
        (Some(s), Expect::Renames) if s.maybe_renames => {
            assert_eq!(sorted(s.changes), git, "{state}: fast path against git")
        }
        (None, Expect::Full) => {}
        (got, _) => panic!(
            "{state}: the fast path answered {:?}",
            got.map(|s| (s.maybe_renames, s.changes.len()))
        ),
    }
    // libgit2, where it can read the index; with rename pairing its list differs by design.
    if let (Ok(full), true) = (diff::staged_changes(&repo), expect == Expect::Fast) {
        assert_eq!(sorted(full), git, "{state}: libgit2 against git");
    }
}

/// What `scan --staged` reports: (rule, path, line).
fn findings(d: &Dir) -> Vec<(String, String, u64)> {
    let out = lh()
        .current_dir(d.path())
        .args(["scan", "--staged", "-f", "json"])
        .output()
        .unwrap();
    let mut v: Vec<_> = json(&out.stdout)
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn planted() -> Vec<(String, String, u64)> {
    vec![
        ("github-pat".into(), "a/f1.txt".into(), 2),
        ("stripe-secret-key".into(), "b/c/new.env".into(), 1),
    ]
}

#[test]
fn fresh_clone_and_no_cache_tree() {
    // A clone (git writes a full cache tree), then the same after `git reset`, which
    // leaves no cache tree at all.
    let origin = base();
    let d = Dir::new();
    d.git(&["clone", "-q", origin.path().to_str().unwrap(), "."]);
    stage_secrets(&d);
    check(&d, "fresh clone", Expect::Fast);
    assert_eq!(findings(&d), planted(), "fresh clone");
    std::fs::remove_file(d.join(".git/index")).unwrap();
    d.git(&["reset", "-q"]);
    d.git(&["add", "b/c/new.env", "a/f1.txt"]);
    check(&d, "no cache tree", Expect::Fast);
    assert_eq!(findings(&d), planted(), "no cache tree");
}

#[test]
fn index_states_agree_with_the_full_diff() {
    type Setup = fn(&Dir);
    let states: Vec<(&str, Setup, Expect, bool)> = vec![
        // (state, how to reach it, fast path decides, planted secrets are the findings)
        (
            "primed cache tree, edits in several directories",
            |d| {
                d.git(&["read-tree", "HEAD"]);
                d.write("e/f2.txt", "edited\n");
                d.write("b/d/f0.txt", "edited\n");
                d.git(&["add", "e/f2.txt", "b/d/f0.txt"]);
                stage_secrets(d);
            },
            Expect::Fast,
            true,
        ),
        (
            "after checking out another branch",
            |d| {
                d.git(&["checkout", "-q", "side"]);
                stage_secrets(d);
            },
            Expect::Fast,
            true,
        ),
        (
            "git add -A (most of the cache tree invalidated)",
            |d| {
                stage_secrets(d);
                d.write("top.txt", "top edited\n");
                d.git(&["add", "-A"]);
            },
            Expect::Fast,
            true,
        ),
        (
            "split index",
            |d| {
                d.git(&["update-index", "--split-index"]);
                stage_secrets(d);
            },
            Expect::Fast,
            true,
        ),
        (
            "sparse index",
            |d| {
                d.git(&["sparse-checkout", "init", "--cone", "--sparse-index"]);
                d.git(&["sparse-checkout", "set", "a", "b/c"]);
                stage_secrets(d);
            },
            Expect::Fast,
            true,
        ),
        (
            "deletions only",
            |d| {
                d.git(&["rm", "-q", "a/f0.txt", "e/f1.txt"]);
            },
            Expect::Fast,
            false,
        ),
        (
            "a mode change only",
            |d| {
                d.git(&["update-index", "--chmod=+x", "a/f2.txt"]);
                stage_secrets(d);
            },
            Expect::Fast,
            true,
        ),
        (
            "symlink retargeted, symlink replaced by a file",
            |d| {
                std::fs::remove_file(d.join("link")).unwrap();
                std::os::unix::fs::symlink("a/f0.txt", d.join("link")).unwrap();
                std::fs::remove_file(d.join("e/f0.txt")).unwrap();
                std::os::unix::fs::symlink("../top.txt", d.join("e/f0.txt")).unwrap();
                d.git(&["add", "link", "e/f0.txt"]);
                stage_secrets(d);
            },
            Expect::Fast,
            true,
        ),
        (
            "a submodule's commit changed",
            |d| {
                let head = d.git(&["rev-parse", "HEAD"]);
                d.git(&[
                    "update-index",
                    "--add",
                    "--cacheinfo",
                    &format!("160000,{},sub", head.trim()),
                ]);
                stage_secrets(d);
            },
            Expect::Fast,
            true,
        ),
        (
            "intent to add",
            |d| {
                d.write("later.txt", "not staged yet\n");
                d.git(&["add", "-N", "later.txt"]);
                stage_secrets(d);
            },
            Expect::Fast,
            true,
        ),
        (
            "a rename (addition with deletion)",
            |d| {
                d.git(&["mv", "a/f0.txt", "a/moved.txt"]);
                stage_secrets(d);
            },
            Expect::Renames,
            true,
        ),
        (
            "a rename in a split index (libgit2 cannot read it)",
            |d| {
                d.git(&["update-index", "--split-index"]);
                d.git(&["mv", "a/f0.txt", "a/moved.txt"]);
                stage_secrets(d);
            },
            Expect::Renames,
            true,
        ),
        (
            "a merge conflict",
            |d| {
                d.write("e/f0.txt", "main edit\n");
                d.commit_all("main edit");
                let out = std::process::Command::new("git")
                    .args(["merge", "-q", "side"])
                    .current_dir(d.path())
                    .env("GIT_AUTHOR_NAME", "T")
                    .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
                    .env("GIT_COMMITTER_NAME", "T")
                    .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
                    .output()
                    .unwrap();
                assert!(!out.status.success(), "the merge must conflict");
                stage_secrets(d);
            },
            Expect::Full,
            true,
        ),
    ];
    for (state, setup, expect, secrets) in states {
        let d = base();
        setup(&d);
        check(&d, state, expect);
        let want = if secrets { planted() } else { Vec::new() };
        assert_eq!(findings(&d), want, "{state}");
    }
}

#[test]
fn the_first_commit_is_diffed_against_the_empty_tree() {
    let d = Dir::new();
    d.git_init();
    stage_secrets_in_new_repo(&d);
    check(&d, "first commit", Expect::Full);
    let f = findings(&d);
    assert_eq!(f.len(), 2, "{f:?}");
}

fn stage_secrets_in_new_repo(d: &Dir) {
    d.write("b/c/new.env", format!("STRIPE={}\n", fake::stripe()));
    d.write("a/f1.txt", format!("a 1\nGITHUB={}\n", fake::github()));
    d.git(&["add", "-A"]);
}
