//! Output that cannot be turned against its reader: names and lines holding terminal escape
//! sequences, BEL, carriage returns, newlines and `::` workflow commands, through every
//! output mode, with and without GitHub Actions annotations.

use crate::util::{fake, lh, Dir};

const FORMATS: &[&str] = &["text", "json", "jsonl", "sarif", "junit", "csv"];

/// A repository whose file name and content try every trick.
fn hostile() -> Dir {
    let d = Dir::new();
    d.git_init();
    let secret = fake::stripe();
    let content = format!(
        "x = 1 # \x1b[2J\x1b]0;owned\x07 STRIPE = \"{secret}\"\n\
         ::stop-commands::tok KEY = \"{secret}\"\n\
         # erase: \x1b[1A\x1b[2K\r::error file=a::spoof\n"
    );
    #[cfg(unix)]
    d.write(
        "evil\n::error file=x::spoofed\x1b[31m.py",
        format!("{content}# 1\n"),
    );
    // Another blob (history scans each blob once).
    d.write("::warning::plain.py", format!("{content}# 2\n"));
    d.commit_all("hostile");
    d
}

/// Every line of `out`: none begins with `::` (after white space) except leakhound's own
/// annotations, which name a real finding's rule.
fn check_lines(out: &str, what: &str, annotations: bool) {
    for line in out.lines() {
        let body = line.trim_start();
        if body.starts_with("::") {
            let own = annotations
                && (body.starts_with("::error file=") || body.starts_with("::warning file="))
                && body.contains(",title=");
            assert!(own, "{what}: a line starts a workflow command: {line:?}");
        }
    }
}

fn check_human(out: &str, what: &str) {
    for bad in ['\x1b', '\x07', '\r'] {
        assert!(!out.contains(bad), "{what}: raw {bad:?} in {out:?}");
    }
}

#[test]
fn hostile_names_and_lines_in_every_output_mode() {
    let d = hostile();
    for actions in [false, true] {
        for fmt in FORMATS {
            for cmd in [&["scan", "."][..], &["history"][..]] {
                let mut c = lh();
                c.current_dir(d.path()).args(cmd).args(["-f", fmt, "-v"]);
                if actions {
                    c.env("GITHUB_ACTIONS", "true");
                }
                let out = c.output().unwrap();
                let what = format!("{cmd:?} -f {fmt} (actions: {actions})");
                assert_eq!(out.status.code(), Some(1), "{what}");
                let stdout = String::from_utf8_lossy(&out.stdout);
                let stderr = String::from_utf8_lossy(&out.stderr);
                check_lines(&stdout, &what, actions && *fmt == "text");
                check_lines(&stderr, &what, false);
                check_human(&stderr, &what);
                match *fmt {
                    "text" => {
                        check_human(&stdout, &what);
                        assert!(stdout.contains("\\x1b[2J"), "{what}: {stdout}");
                        #[cfg(unix)]
                        assert!(stdout.contains("evil\\n::error"), "{what}: {stdout}");
                    }
                    "json" | "sarif" => {
                        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                        // Exact: the names survive a round trip.
                        assert!(v.to_string().contains("::warning::plain.py"), "{what}");
                    }
                    _ => {}
                }
            }
        }
    }
}

#[test]
fn hostile_names_in_warnings_and_errors() {
    let d = Dir::new();
    let name = "bad\x1b]0;t\x07\n::error::x.toml";
    d.write(name, "[[rules]\n");
    let out = lh()
        .current_dir(d.path())
        .args(["scan", ".", "--config", name])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    check_human(&err, "config error");
    check_lines(&err, "config error", false);
}
