//! Hostile and broken input: each case with its expected exit code and message. The rule for
//! all of them: a clear message naming the file, rule or object; exit 2 for what stops the
//! run; a per-file problem is reported, counted, and the scan goes on (`--strict` makes it
//! exit 2); never a panic, never a hang.

use crate::util::{fake, lh, Dir};
use std::time::Duration;

struct Case {
    name: &'static str,
    setup: fn(&Dir) -> Vec<String>,
    code: i32,
    stderr_has: &'static [&'static str],
}

fn p(d: &Dir, rel: &str) -> String {
    d.join(rel).display().to_string()
}

const CASES: &[Case] = &[
    Case {
        name: "nonexistent path",
        setup: |d| vec!["scan".into(), p(d, "nope")],
        code: 2,
        stderr_has: &["nope", "no such file"],
    },
    Case {
        name: "a directory where a config file is expected",
        setup: |d| {
            std::fs::create_dir_all(d.join("cfgdir")).unwrap();
            vec!["scan".into(), "--config".into(), p(d, "cfgdir"), p(d, ".")]
        },
        code: 2,
        stderr_has: &["cfgdir"],
    },
    Case {
        name: "a file where a repository is expected",
        setup: |d| {
            d.write("plain.txt", "x\n");
            vec!["history".into(), p(d, "plain.txt")]
        },
        code: 2,
        stderr_has: &["not a git repository"],
    },
    Case {
        name: "a directory where the baseline file is expected",
        setup: |d| {
            std::fs::create_dir_all(d.join("basedir")).unwrap();
            vec![
                "scan".into(),
                "--baseline".into(),
                p(d, "basedir"),
                p(d, "."),
            ]
        },
        code: 2,
        stderr_has: &["basedir"],
    },
    Case {
        name: "a report path inside a missing directory",
        setup: |d| {
            d.write("a.txt", "x\n");
            vec![
                "scan".into(),
                "-f".into(),
                "json".into(),
                "--report".into(),
                p(d, "no/dir/r.json"),
                p(d, "a.txt"),
            ]
        },
        code: 2,
        stderr_has: &["cannot write report"],
    },
    Case {
        name: "empty file and invalid UTF-8 content",
        setup: |d| {
            d.write("empty.txt", "");
            d.write("latin1.txt", b"caf\xe9 \xff\xfe value = 1\n");
            vec!["scan".into(), p(d, ".")]
        },
        code: 0,
        stderr_has: &["0 findings"],
    },
    Case {
        name: "a secret among invalid UTF-8 bytes is still found",
        setup: |d| {
            let mut b = b"\xff\xfe garbage \xc3\x28 ".to_vec();
            b.extend_from_slice(format!("KEY={}\n", fake::stripe()).as_bytes());
            d.write("mixed.env", b);
            vec!["scan".into(), p(d, ".")]
        },
        code: 1,
        stderr_has: &["1 finding"],
    },
    Case {
        name: "a dangling symlink followed is a per-file error: reported, counted, scan goes on",
        setup: |d| {
            d.write("ok.env", format!("K={}\n", fake::stripe()));
            #[cfg(unix)]
            std::os::unix::fs::symlink(d.join("gone"), d.join("dangling")).unwrap();
            vec!["scan".into(), "--follow".into(), p(d, ".")]
        },
        code: 1,
        stderr_has: &["warning:", "1 unreadable"],
    },
    Case {
        name: "the same with --strict fails the run",
        setup: |d| {
            d.write("ok.txt", "fine\n");
            #[cfg(unix)]
            std::os::unix::fs::symlink(d.join("gone"), d.join("dangling")).unwrap();
            vec![
                "scan".into(),
                "--follow".into(),
                "--strict".into(),
                p(d, "."),
            ]
        },
        code: 2,
        stderr_has: &["1 unreadable"],
    },
    Case {
        name: "a device file named explicitly is skipped, never read",
        setup: |_| vec!["scan".into(), "-v".into(), "/dev/zero".into()],
        code: 0,
        stderr_has: &["not a regular file"],
    },
    Case {
        name: "an empty rule set",
        setup: |d| {
            d.write("c.toml", "[extend]\nuse_default = false\n");
            vec!["scan".into(), "--config".into(), p(d, "c.toml"), p(d, ".")]
        },
        code: 2,
        stderr_has: &["no rules"],
    },
    Case {
        name: "an unknown subcommand or flag",
        setup: |_| vec!["scan".into(), "--bogus-flag".into()],
        code: 2,
        stderr_has: &["--bogus-flag"],
    },
];

#[test]
fn bad_input_table() {
    for case in CASES {
        let d = Dir::new();
        let args = (case.setup)(&d);
        let out = lh()
            .args(&args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(case.code),
            "{}: exit code; stderr: {err}",
            case.name
        );
        assert!(!err.contains("panicked"), "{}: panic: {err}", case.name);
        for needle in case.stderr_has {
            assert!(
                err.contains(needle),
                "{}: stderr lacks {needle:?}: {err}",
                case.name
            );
        }
    }
}

#[test]
fn a_100_mb_single_line_file_is_bounded() {
    let d = Dir::new();
    let mut big = vec![b'a'; 100 * 1024 * 1024];
    let secret = format!(" key={} ", fake::stripe());
    big[50_000_000..50_000_000 + secret.len()].copy_from_slice(secret.as_bytes());
    d.write("one-line.txt", &big);
    drop(big);
    // Default limit: skipped and counted.
    lh().args(["scan"])
        .arg(d.path())
        .timeout(Duration::from_secs(60))
        .assert()
        .code(0)
        .stderr(predicates::str::contains("1 too large"));
    // Raised limit: scanned in bounded time, the secret found.
    lh().args(["scan", "--max-file-size", "200000000"])
        .arg(d.path())
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1);
}

fn repo_state(d: &Dir) -> (String, String, String, Vec<u8>) {
    (
        d.git(&["status", "--porcelain", "--untracked-files=all"]),
        d.git(&["show-ref"]),
        d.git(&["count-objects", "-v"]),
        std::fs::read(d.join(".git/index")).unwrap_or_default(),
    )
}

#[test]
fn scanning_never_writes_to_the_repository() {
    let d = Dir::new();
    d.git_init();
    d.write("a.env", format!("K={}\n", fake::stripe()));
    d.commit_all("one");
    d.write("b.env", format!("K={}\n", fake::stripe2()));
    d.git(&["add", "b.env"]);
    d.write("untracked.txt", "hello\n");
    let before = repo_state(&d);
    lh().args(["scan"]).arg(d.path()).assert().code(1);
    lh().current_dir(d.path())
        .args(["scan", "--staged"])
        .assert()
        .code(1);
    lh().args(["history", "--all-occurrences"])
        .arg(d.path())
        .assert()
        .code(1);
    assert_eq!(repo_state(&d), before, "the repository changed");
}

#[test]
fn broken_repositories() {
    // Empty repository: nothing to scan, no error.
    let empty = Dir::new();
    empty.git_init();
    lh().args(["history"]).arg(empty.path()).assert().code(0);
    lh().current_dir(empty.path())
        .args(["scan", "--staged"])
        .assert()
        .code(0);

    // Detached HEAD.
    let d = Dir::new();
    d.git_init();
    d.write("a.env", format!("K={}\n", fake::stripe()));
    let c = d.commit_all("one");
    d.git(&["checkout", "-q", "--detach", &c]);
    lh().args(["history"]).arg(d.path()).assert().code(1);

    // A missing blob: named, counted, the run goes on (and --strict fails it).
    let m = Dir::new();
    m.git_init();
    m.write("gone.txt", "this blob will vanish\n");
    m.write("a.env", format!("K={}\n", fake::stripe()));
    m.commit_all("two files");
    let blob = m.git(&["rev-parse", "HEAD:gone.txt"]).trim().to_string();
    std::fs::remove_file(m.join(&format!(".git/objects/{}/{}", &blob[..2], &blob[2..]))).unwrap();
    let out = lh().args(["history"]).arg(m.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&blob) && err.contains("gone.txt"), "{err}");
    lh().args(["history", "--strict"])
        .arg(m.path())
        .assert()
        .code(2);

    // A corrupt object: named, the run goes on.
    let k = Dir::new();
    k.git_init();
    k.write("bad.txt", "this blob will be corrupted\n");
    k.commit_all("one");
    let blob = k.git(&["rev-parse", "HEAD:bad.txt"]).trim().to_string();
    let path = k.join(&format!(".git/objects/{}/{}", &blob[..2], &blob[2..]));
    let mut perm = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(&path, perm).unwrap();
    std::fs::write(&path, b"not zlib at all").unwrap();
    let out = lh().args(["history"]).arg(k.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&blob));

    // A shallow clone: scanned as far as it goes, and said so.
    let s = Dir::new();
    let url = format!("file://{}", d.path().display());
    s.git(&["clone", "-q", "--depth", "1", &url, "shallow"]);
    let out = lh()
        .args(["history"])
        .arg(s.join("shallow"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("shallow"));
}

#[test]
fn ten_thousand_refs() {
    let d = Dir::new();
    d.git_init();
    d.write("a.env", format!("K={}\n", fake::stripe()));
    let c = d.commit_all("one");
    let refs: String = (0..10_000)
        .map(|i| format!("create refs/tags/t{i} {c}\n"))
        .collect();
    let mut child = std::process::Command::new("git")
        .args(["update-ref", "--stdin"])
        .current_dir(d.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(refs.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let out = lh()
        .args(["history", "-f", "json"])
        .arg(d.path())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(crate::util::json(&out.stdout).len(), 1);
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_130_promptly() {
    // A scan of stdin that never ends: blocked reading when the signal comes.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_leakhound"))
        .args(["scan", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Signal only once the handler is in place (before that, SIGINT's default action would
    // end the process without an exit code): on Linux, SigCgt in /proc says when.
    let catches_sigint = |pid: u32| {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with("SigCgt:"))?.to_string();
                u64::from_str_radix(line["SigCgt:".len()..].trim(), 16).ok()
            })
            .is_some_and(|mask| mask & (1 << (2 - 1)) != 0)
    };
    let waited = std::time::Instant::now();
    while !catches_sigint(child.id()) && waited.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    if !cfg!(target_os = "linux") {
        std::thread::sleep(Duration::from_millis(300));
    }
    // Hold stdin open until the child is gone: `wait` closes it otherwise, and the scan
    // would see end of input and finish normally, racing the signal handler.
    let stdin = child.stdin.take();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let start = std::time::Instant::now();
    let status = child.wait().unwrap();
    drop(stdin);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(status.code(), Some(130));
}
