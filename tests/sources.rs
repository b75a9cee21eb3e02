//! One table of cases, run through every source (a tree, stdin, the staged index, the
//! history): each must give the same findings and the same skip counts, because every
//! source hands its blobs to the same gate.

use crate::util::{fake, lh, Dir};
use std::collections::BTreeMap;
use std::path::Path;

/// A config with the defaults plus a path-only rule, as gitleaks' default config has.
const CONFIG: &str = r#"[extend]
use_default = true

[[rules]]
id = "pkcs12-file"
description = "PKCS #12 keystore"
path = '''\.p12$'''
"#;

const MAX: usize = 4096;

enum Body {
    Text(String),
    Bytes(Vec<u8>),
    /// A symbolic link to this target (no stdin case).
    Link(&'static str),
}

struct Case {
    name: &'static str,
    path: &'static str,
    body: Body,
    /// (rule id, line, encoding) of each finding.
    findings: Vec<(&'static str, usize, Option<&'static str>)>,
    /// (reason as the summary prints it, count)
    skipped: Vec<(&'static str, u64)>,
}

fn cases() -> Vec<Case> {
    let stripe = fake::stripe();
    let b64 = leakhound_b64(&stripe);
    let mut keystore = vec![0x30, 0x82, 0x0a, 0x00, 0x02, 0x01, 0x03];
    keystore.extend_from_slice(&[0u8; 64]);
    let big = format!("STRIPE_KEY={stripe}\n{}\n", "x = 1\n".repeat(MAX / 6 + 10));
    vec![
        Case {
            name: "a secret in a text file",
            path: "config/app.env",
            body: Body::Text(format!("STRIPE_KEY={stripe}\n")),
            findings: vec![("stripe-secret-key", 1, None)],
            skipped: vec![],
        },
        Case {
            name: "a binary keystore: the path-only rule fires, the content is skipped",
            path: "certs/keystore.p12",
            body: Body::Bytes(keystore),
            findings: vec![("pkcs12-file", 1, None)],
            skipped: vec![("binary", 1)],
        },
        Case {
            name: "an oversized keystore: the path-only rule fires all the same",
            path: "certs/big.p12",
            body: Body::Text(big.clone()),
            findings: vec![("pkcs12-file", 1, None)],
            skipped: vec![("too large", 1)],
        },
        Case {
            name: "a NUL byte: binary",
            path: "data/blob.dat",
            body: Body::Bytes([b"abc\0".as_slice(), stripe.as_bytes()].concat()),
            findings: vec![],
            skipped: vec![("binary", 1)],
        },
        Case {
            name: "a binary extension: not read",
            path: "lib/App.class",
            body: Body::Text(format!("k={stripe}\n")),
            findings: vec![],
            skipped: vec![("binary", 1)],
        },
        Case {
            name: "over --max-file-size",
            path: "big.txt",
            body: Body::Text(big),
            findings: vec![],
            skipped: vec![("too large", 1)],
        },
        Case {
            name: "a Git LFS pointer",
            path: "assets/model.onnx",
            body: Body::Text(
                "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n".into(),
            ),
            findings: vec![],
            skipped: vec![("LFS pointer", 1)],
        },
        Case {
            name: "a path the default allowlist exempts",
            path: "web/package-lock.json",
            body: Body::Text(format!("{{\"token\": \"{stripe}\"}}\n")),
            findings: vec![],
            skipped: vec![("allowlisted path", 1)],
        },
        Case {
            name: "a base64 secret in a Kubernetes Secret",
            path: "k8s/secret.yaml",
            body: Body::Text(format!("kind: Secret\ndata:\n  api_key: {b64}\n")),
            findings: vec![("stripe-secret-key", 3, Some("base64"))],
            skipped: vec![],
        },
        Case {
            name: "the same with an allow marker on its line",
            path: "k8s/secret.yaml",
            body: Body::Text(format!(
                "kind: Secret\ndata:\n  api_key: {b64} # leakhound:allow\n"
            )),
            findings: vec![],
            skipped: vec![],
        },
        Case {
            name: "the same with an allow marker in a comment above",
            path: "k8s/secret.yaml",
            body: Body::Text(format!(
                "kind: Secret\ndata:\n  # leakhound:allow\n  api_key: {b64}\n"
            )),
            findings: vec![],
            skipped: vec![],
        },
        Case {
            name: "a symbolic link",
            path: "link.env",
            body: Body::Link("elsewhere.env"),
            findings: vec![],
            skipped: vec![("symlink", 1)],
        },
    ]
}

/// base64 (standard alphabet, padded) without a dependency of the test crate.
fn leakhound_b64(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in s.as_bytes().chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn place(d: &Dir, case: &Case) {
    match &case.body {
        Body::Text(t) => {
            d.write(case.path, t);
        }
        Body::Bytes(b) => {
            d.write(case.path, b);
        }
        Body::Link(target) => {
            std::os::unix::fs::symlink(target, d.join(case.path)).unwrap();
        }
    }
}

/// What a run reported: findings as (rule, path, line, encoding), and the skip counts from
/// the summary line.
type Seen = (
    Vec<(String, String, u64, Option<String>)>,
    BTreeMap<String, u64>,
);

fn seen(out: &std::process::Output) -> Seen {
    let stdout: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut findings: Vec<_> = stdout
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["encoding"].as_str().map(str::to_string),
            )
        })
        .collect();
    findings.sort();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("leakhound: scanned"))
        .unwrap_or_else(|| panic!("no summary in {stderr}"));
    let mut skipped = BTreeMap::new();
    if let Some(list) = summary.split("; skipped ").nth(1) {
        for part in list.split(';').next().unwrap().split(", ") {
            let (n, why) = part.split_once(' ').unwrap();
            skipped.insert(why.to_string(), n.parse().unwrap());
        }
    }
    (findings, skipped)
}

fn common_args(config: &Path) -> Vec<String> {
    vec![
        "-f".into(),
        "json".into(),
        "--max-file-size".into(),
        MAX.to_string(),
        "--config".into(),
        config.display().to_string(),
        "--no-baseline".into(),
    ]
}

fn tree(case: &Case, config: &Path) -> Seen {
    let d = Dir::new();
    place(&d, case);
    let out = lh()
        .arg("scan")
        .args(common_args(config))
        .arg(d.path())
        .output()
        .unwrap();
    seen(&out)
}

fn stdin(case: &Case, config: &Path) -> Option<Seen> {
    let bytes = match &case.body {
        Body::Text(t) => t.as_bytes().to_vec(),
        Body::Bytes(b) => b.clone(),
        Body::Link(_) => return None,
    };
    let out = lh()
        .args(["scan", "-", "--stdin-name", case.path])
        .args(common_args(config))
        .write_stdin(bytes)
        .output()
        .unwrap();
    Some(seen(&out))
}

fn repo_with_base() -> Dir {
    let d = Dir::new();
    d.git_init();
    d.write("README.md", "a project\n");
    d.commit_all("base");
    d
}

fn staged(case: &Case, config: &Path) -> Seen {
    let d = repo_with_base();
    place(&d, case);
    d.git(&["add", "-A"]);
    let out = lh()
        .current_dir(d.path())
        .args(["scan", "--staged"])
        .args(common_args(config))
        .output()
        .unwrap();
    seen(&out)
}

fn history(case: &Case, config: &Path) -> Seen {
    let d = repo_with_base();
    place(&d, case);
    d.commit_all("the case");
    let out = lh()
        .arg("history")
        .args(common_args(config))
        .arg(d.path())
        .output()
        .unwrap();
    seen(&out)
}

#[test]
fn every_source_gives_the_same_findings_and_skips() {
    let cfg_dir = Dir::new();
    cfg_dir.write("rules.toml", CONFIG);
    let config = cfg_dir.join("rules.toml");
    for case in cases() {
        let mut want_findings: Vec<_> = case
            .findings
            .iter()
            .map(|(rule, line, enc)| {
                (
                    rule.to_string(),
                    case.path.to_string(),
                    *line as u64,
                    enc.map(str::to_string),
                )
            })
            .collect();
        want_findings.sort();
        let want_skips: BTreeMap<String, u64> = case
            .skipped
            .iter()
            .map(|(w, n)| (w.to_string(), *n))
            .collect();
        let runs = [
            ("tree", Some(tree(&case, &config))),
            ("stdin", stdin(&case, &config)),
            ("staged", Some(staged(&case, &config))),
            ("history", Some(history(&case, &config))),
        ];
        for (source, got) in runs {
            let Some((findings, skips)) = got else {
                continue;
            };
            assert_eq!(
                findings, want_findings,
                "{}: findings from {source}",
                case.name
            );
            assert_eq!(skips, want_skips, "{}: skips from {source}", case.name);
        }
    }
}
