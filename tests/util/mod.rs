//! A small harness: temp dirs, files, git repositories, and running the real binary.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The project root (for fixtures).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// `../shared/REL` beside the checkout (CI and developers have it). When it is absent the
/// test that needs it is skipped, loudly: a line on stderr, which `cargo test` shows with
/// `--nocapture`; and with `LEAKHOUND_REQUIRE_SHARED` set (CI sets it), absence is a failure,
/// so a test can never pass in CI without having run.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = root().join("..").join("shared").join(rel);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("LEAKHOUND_REQUIRE_SHARED").is_none(),
        "{} is required (LEAKHOUND_REQUIRE_SHARED is set) but absent",
        p.display()
    );
    eprintln!(
        "SKIPPED: {} is absent (set LEAKHOUND_REQUIRE_SHARED=1 to make this a failure)",
        p.display()
    );
    None
}

/// The binary, with a clean environment: no color, no CI variables.
pub fn lh() -> Command {
    let mut c = Command::cargo_bin("leakhound").unwrap();
    c.env_remove("GITHUB_ACTIONS").env("NO_COLOR", "1");
    c
}

/// Fake secrets built at run time, so that this source file holds no secret-shaped literal.
pub mod fake {
    pub fn stripe() -> String {
        format!("sk_{}_4eC39HqLyjWDarjtT1zdp7dc", "live")
    }
    pub fn stripe2() -> String {
        format!("sk_{}_9Qm2Lx7RtV4bN8cZp1KsW6yH", "live")
    }
    pub fn github() -> String {
        leakhound::detect::checksum::github_style_token(
            &format!("gh{}_", "p"),
            "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0",
        )
    }
    pub fn aws_key_id() -> String {
        format!("AK{}", "IAQ7ZK2LMXW3PVN4RJ")
    }
}

pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().unwrap(),
        }
    }
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }
    pub fn join(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Dir {
        let p = self.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, content).unwrap();
        self
    }
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).unwrap()
    }
    /// Runs git in this directory, panicking on failure.
    pub fn git(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "Test Author")
            .env("GIT_AUTHOR_EMAIL", "author@example.invalid")
            .env("GIT_COMMITTER_NAME", "Test Author")
            .env("GIT_COMMITTER_EMAIL", "author@example.invalid")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    /// A fresh git repository with a main branch.
    pub fn git_init(&self) -> &Dir {
        self.git(&["init", "-q", "-b", "main"]);
        self.git(&["config", "commit.gpgsign", "false"]);
        self
    }
    pub fn commit_all(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }
}

/// Parses a JSON report.
pub fn json(out: &[u8]) -> Vec<serde_json::Value> {
    serde_json::from_slice::<Vec<serde_json::Value>>(out)
        .unwrap_or_else(|e| panic!("not a JSON array ({e}): {}", String::from_utf8_lossy(out)))
}

pub fn rule_ids(findings: &[serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}
