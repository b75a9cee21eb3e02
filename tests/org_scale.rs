//! Organisation scale: `history --cache` (an incremental run reports what a full run
//! reports, reads only what is new, falls back when the rules change, the history is
//! rewritten or the record is damaged, survives concurrent runs, never holds a secret),
//! `audit` over local paths and `file://` URLs with `--shard`, `merge`, and the scheduler
//! recipes' own commands run locally.

use crate::util::{fake, lh, root, Dir};
use std::path::Path;

fn history(repo: &Path, cache: &Path, extra: &[&str]) -> (String, String) {
    let out = lh()
        .arg("history")
        .arg(repo)
        .args(["-f", "json", "--cache"])
        .arg(cache)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.code().unwrap() <= 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn full(repo: &Path) -> String {
    let out = lh()
        .arg("history")
        .arg(repo)
        .args(["-f", "json"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repository with a few commits, one secret removed later and one still there.
fn repo() -> Dir {
    let d = Dir::new();
    d.git_init();
    d.write("a.py", format!("KEY = \"{}\"\n", fake::stripe()));
    d.commit_all("one");
    d.write("a.py", "KEY = None\n");
    d.write("b.sh", format!("export GH={}\n", fake::github()));
    d.commit_all("two");
    for i in 0..5 {
        d.write(&format!("f{i}.txt"), format!("file {i}\n"));
        d.commit_all(&format!("filler {i}"));
    }
    d
}

#[test]
fn an_incremental_run_reports_what_a_full_run_does_and_reads_only_what_is_new() {
    let d = repo();
    let cache = Dir::new();
    let (first, err) = history(d.path(), cache.path(), &[]);
    assert!(err.contains("cache rebuilt: no record yet"), "{err}");
    assert_eq!(first, full(d.path()));

    // Unchanged: nothing new is read, the findings' blobs are read again.
    let (again, err) = history(d.path(), cache.path(), &[]);
    assert!(
        err.contains("0 new commits, 0 new blobs read, 2 read again"),
        "{err}"
    );
    assert_eq!(again, first);

    // Two new commits, one with a secret: exactly their blobs are read.
    d.write("c.py", format!("OTHER = \"{}\"\n", fake::stripe2()));
    d.commit_all("three");
    d.write("f0.txt", "changed\n");
    d.commit_all("four");
    let (inc, err) = history(d.path(), cache.path(), &[]);
    assert!(err.contains("2 new commits, 2 new blobs read"), "{err}");
    assert_eq!(inc, full(d.path()));
    assert_eq!(crate::util::json(inc.as_bytes()).len(), 3);

    // The record holds no secret, not even its start.
    for entry in std::fs::read_dir(cache.path()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for s in [fake::stripe(), fake::stripe2(), fake::github()] {
            assert!(!text.contains(&s[..12]), "the cache holds a secret's start");
        }
    }
}

#[test]
fn changed_rules_rewritten_history_and_damage_fall_back_to_a_full_scan() {
    let d = repo();
    let cache = Dir::new();
    history(d.path(), cache.path(), &[]);

    // Other rules: rescan, same report as a full run under those rules.
    let cfg = Dir::new();
    cfg.write(
        "extra.toml",
        "[[rules]]\nid = \"filler\"\nregex = '''file 3'''\nkeywords = [\"file\"]\n",
    );
    let cfg_path = cfg.join("extra.toml");
    let cfg_arg = cfg_path.to_str().unwrap();
    let (out, err) = history(d.path(), cache.path(), &["--config", cfg_arg]);
    assert!(
        err.contains("cache rebuilt: the rules or options changed"),
        "{err}"
    );
    assert!(out.contains("\"filler\""));
    let (_, err) = history(d.path(), cache.path(), &["--config", cfg_arg]);
    assert!(err.contains("from the cache"), "{err}");

    // A rewritten history (reset and a new commit): rescan.
    history(d.path(), cache.path(), &[]);
    d.git(&["reset", "-q", "--hard", "HEAD~3"]);
    d.write("g.txt", "new\n");
    d.commit_all("after reset");
    let (out, err) = history(d.path(), cache.path(), &[]);
    assert!(err.contains("was rewritten"), "{err}");
    assert_eq!(out, full(d.path()));

    // A truncated, then an altered record: detected, rebuilt, same report.
    let file = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "history"))
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text[..text.len() / 3]).unwrap();
    let (out, err) = history(d.path(), cache.path(), &[]);
    assert!(err.contains("damaged record"), "{err}");
    assert_eq!(out, full(d.path()));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("\"commits\":", "\"commits\":1", 1)).unwrap();
    let (_, err) = history(d.path(), cache.path(), &[]);
    assert!(err.contains("damaged record (checksum mismatch)"), "{err}");
    let (_, err) = history(d.path(), cache.path(), &[]);
    assert!(
        err.contains("from the cache"),
        "rebuilt record not used: {err}"
    );
}

#[test]
fn concurrent_runs_on_one_cache_do_not_corrupt_it() {
    let d = repo();
    let cache = Dir::new();
    let want = full(d.path());
    let runs: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_leakhound"))
                .arg("history")
                .arg(d.path())
                .args(["-f", "json", "--cache"])
                .arg(cache.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for r in runs {
        let out = r.wait_with_output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), want);
    }
    let (out, err) = history(d.path(), cache.path(), &[]);
    assert!(err.contains("from the cache"), "{err}");
    assert_eq!(out, want);
}

/// Three local repositories (one named by a `file://` URL), one without secrets.
fn org() -> (Dir, Vec<Dir>) {
    let list = Dir::new();
    let repos: Vec<Dir> = (0..3).map(|_| repo()).collect();
    let clean = Dir::new();
    clean.git_init();
    clean.write("README", "nothing\n");
    clean.commit_all("init");
    let mut text = String::from("# the organisation\n");
    text.push_str(&format!("{}\n", repos[0].path().display()));
    text.push_str(&format!("file://{}\n", repos[1].path().display()));
    text.push_str(&format!("{}\n\n", repos[2].path().display()));
    text.push_str(&format!("{}\n", clean.path().display()));
    list.write("repos.txt", text);
    let mut all = repos;
    all.push(clean);
    (list, all)
}

fn lines_of(text: &str, kind: Option<&str>) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .filter(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            j.get("kind").and_then(|k| k.as_str()) == kind
        })
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

#[test]
fn audit_shards_cover_the_list_once_and_merge_equals_one_run() {
    let (list, _repos) = org();
    let run = |args: &[&str]| {
        let out = lh()
            .current_dir(list.path())
            .arg("audit")
            .arg("repos.txt")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let whole = run(&[]);
    let summaries = lines_of(&whole, Some("summary"));
    assert_eq!(summaries.len(), 4);
    let findings = lines_of(&whole, None);
    assert_eq!(findings.len(), 6, "two per repository with secrets");
    assert!(findings
        .iter()
        .any(|f| f.contains("\"repository\":\"file://")));
    assert!(
        list.join(".leakhound-audit/repos").is_dir(),
        "the URL was cloned"
    );

    let mut covered = Vec::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let out = lh()
            .current_dir(list.path())
            .args(["audit", "repos.txt", "--shard", &shard, "--report"])
            .arg(format!("shard-{i}.jsonl"))
            .output()
            .unwrap();
        assert!(out.status.code().unwrap() <= 1);
        let text = std::fs::read_to_string(list.join(&format!("shard-{i}.jsonl"))).unwrap();
        for s in lines_of(&text, Some("summary")) {
            let j: serde_json::Value = serde_json::from_str(&s).unwrap();
            covered.push(j["repository"].as_str().unwrap().to_string());
        }
    }
    covered.sort();
    let mut want: Vec<String> = summaries
        .iter()
        .map(|s| {
            serde_json::from_str::<serde_json::Value>(s).unwrap()["repository"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    want.sort();
    assert_eq!(covered, want, "every repository exactly once");

    let merged = lh()
        .current_dir(list.path())
        .args([
            "merge",
            "shard-1.jsonl",
            "shard-2.jsonl",
            "shard-3.jsonl",
            "-f",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(merged.status.code(), Some(1));
    let merged = String::from_utf8_lossy(&merged.stdout);
    assert_eq!(lines_of(&merged, None), findings);
    assert_eq!(lines_of(&merged, Some("summary")).len(), 4);
    // Merging twice the same report keeps each finding once.
    let twice = lh()
        .current_dir(list.path())
        .args(["merge", "shard-1.jsonl", "shard-1.jsonl", "-f", "json"])
        .output()
        .unwrap();
    let once = lh()
        .current_dir(list.path())
        .args(["merge", "shard-1.jsonl", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(twice.stdout, once.stdout);
}

#[test]
fn a_repository_that_cannot_be_read_fails_the_audit_but_not_the_others() {
    let (list, _repos) = org();
    let mut text = std::fs::read_to_string(list.join("repos.txt")).unwrap();
    text.push_str("/nonexistent/repository\n");
    list.write("repos.txt", text);
    let out = lh()
        .current_dir(list.path())
        .args(["audit", "repos.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(lines_of(&stdout, None).len(), 6);
    assert!(lines_of(&stdout, Some("summary"))
        .iter()
        .any(|s| s.contains("\"error\"") && s.contains("/nonexistent/repository")));
}

/// The recipes' commands, as written in their YAML, run locally for three shards and
/// merged: the result equals one unsharded audit.
#[test]
fn the_scheduler_recipes_commands_shard_and_merge() {
    let gha = std::fs::read_to_string(root().join("recipes/audit-github-actions.yml")).unwrap();
    let k8s = std::fs::read_to_string(root().join("recipes/audit-kubernetes.yaml")).unwrap();
    let gha_audit = "leakhound audit repos.txt --shard \"$SHARD/$SHARDS\" --report \"audit-$SHARD.jsonl\" || test $? -eq 1";
    let k8s_audit = "leakhound audit /config/repos.txt --shard \"$((JOB_COMPLETION_INDEX + 1))/$SHARDS\" --cache /data/cache --work-dir /data/repos --report \"/data/out/audit-$JOB_COMPLETION_INDEX.jsonl\" || test $? -eq 1";
    let merge =
        "leakhound merge audit-*.jsonl --format jsonl --report audit.jsonl || test $? -eq 1";
    assert!(gha.contains(gha_audit) && gha.contains(merge) && gha.contains("needs: audit"));
    assert!(gha.contains("shard: [1, 2, 3, 4, 5, 6, 7, 8]") && gha.contains("SHARDS: 8"));
    assert!(k8s.contains(k8s_audit) && k8s.contains("completionMode: Indexed"));
    assert!(k8s.contains("completions: 8") && k8s.contains("value: \"8\""));

    let (list, _repos) = org();
    let sh = |cmd: &str, env: &[(&str, String)]| {
        let bin = Path::new(env!("CARGO_BIN_EXE_leakhound"))
            .parent()
            .unwrap()
            .to_path_buf();
        let mut c = std::process::Command::new("sh");
        c.args(["-c", cmd]).current_dir(list.path()).env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // GitHub Actions: three matrix jobs, then the merge job.
    for i in 1..=3 {
        sh(
            gha_audit,
            &[("SHARD", i.to_string()), ("SHARDS", "3".into())],
        );
    }
    sh(merge, &[]);
    let merged = std::fs::read_to_string(list.join("audit.jsonl")).unwrap();
    let whole = lh()
        .current_dir(list.path())
        .args(["audit", "repos.txt"])
        .output()
        .unwrap();
    let whole = String::from_utf8_lossy(&whole.stdout);
    assert_eq!(lines_of(&merged, None), lines_of(&whole, None));

    // Kubernetes: the same with JOB_COMPLETION_INDEX 0..2, paths under a local /data.
    let data = list.join("data");
    std::fs::create_dir_all(data.join("out")).unwrap();
    std::fs::create_dir_all(list.join("config")).unwrap();
    std::fs::copy(list.join("repos.txt"), list.join("config/repos.txt")).unwrap();
    let local = k8s_audit
        .replace("/config/", "config/")
        .replace("/data/", "data/");
    for i in 0..3 {
        sh(
            &local,
            &[
                ("JOB_COMPLETION_INDEX", i.to_string()),
                ("SHARDS", "3".into()),
            ],
        );
    }
    sh(&format!("cd data/out && {merge}"), &[]);
    let merged = std::fs::read_to_string(data.join("out/audit.jsonl")).unwrap();
    assert_eq!(lines_of(&merged, None), lines_of(&whole, None));
}

#[test]
fn deepening_a_shallow_clone_rebuilds_the_record() {
    let d = repo();
    let clone = Dir::new();
    let url = format!("file://{}", d.path().display());
    let target = clone.join("c");
    clone.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        &url,
        target.to_str().unwrap(),
    ]);
    let cache = Dir::new();
    let (_, err) = history(&target, cache.path(), &[]);
    assert!(err.contains("shallow"), "{err}");
    let (_, err) = history(&target, cache.path(), &[]);
    assert!(err.contains("from the cache"), "{err}");
    let status = std::process::Command::new("git")
        .args(["-C", target.to_str().unwrap(), "fetch", "-q", "--unshallow"])
        .status()
        .unwrap();
    assert!(status.success());
    let (out, err) = history(&target, cache.path(), &[]);
    assert!(err.contains("cache rebuilt"), "{err}");
    assert_eq!(out, full(&target));
    // The secret removed in the second commit is back in view with the older history.
    assert!(out.contains("stripe-secret-key"), "{out}");
}

#[test]
fn credentials_in_a_listed_url_are_never_shown_or_stored() {
    let list = Dir::new();
    // Built at run time: this file itself must scan clean.
    let secret = ["s3cr3t", "t0ken"].join("-");
    list.write(
        "repos.txt",
        format!("https://someone:{secret}@127.0.0.1:1/org/none.git\n"),
    );
    let out = lh()
        .current_dir(list.path())
        .args(["audit", "repos.txt"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let all = [out.stdout.clone(), out.stderr.clone()].concat();
    let all = String::from_utf8_lossy(&all);
    assert!(!all.contains("s3cr3t"), "{all}");
    assert!(all.contains("https://127.0.0.1:1/org/none.git"), "{all}");
}
