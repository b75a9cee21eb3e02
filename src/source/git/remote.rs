//! Repositories named by URL (`audit`): cloned once into a work directory as bare copies,
//! fetched on later runs. The `git` program does the network part (its credential helpers,
//! SSH agent and proxies are what an organisation has set up already); leakhound only reads
//! the result. Prompts are off: a repository that needs a password fails, it does not hang.

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Does `location` name a remote repository (a URL or `user@host:path`) rather than a
/// local directory?
pub fn is_url(location: &str) -> bool {
    location.contains("://")
        || (location.contains('@') && location.contains(':') && !Path::new(location).exists())
}

/// Where the mirror of `url` lives under `work_dir`: a readable name and a hash of the
/// whole URL (two forks named alike do not collide).
pub fn mirror_dir(work_dir: &Path, url: &str) -> PathBuf {
    let tail = url
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("repo")
        .trim_end_matches(".git");
    let name: String = tail
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let hash = crate::finding::hex(&Sha256::digest(url.as_bytes()));
    work_dir.join(format!("{name}-{}.git", &hash[..12]))
}

fn git(args: &[&str], dir: Option<&Path>) -> Result<()> {
    let mut c = Command::new("git");
    if let Some(d) = dir {
        c.arg("-C").arg(d);
    }
    let out = c
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "true")
        .output()
        .context("cannot run git (is it installed?)")?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!("git {}: {}", args[0], redact_words(err.trim()));
    }
    Ok(())
}

/// `text` with the credentials of every URL in it removed (git's messages quote the URL).
fn redact_words(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            if w.contains("://") {
                let trimmed = w.trim_matches(['\'', '"', ':', ',']);
                w.replace(trimmed, &super::repo::redact_url(trimmed))
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A local bare copy of `url`'s branches and tags, cloned if absent, else fetched (pruned).
/// Not `--mirror`: hosts' pull-request refs (`refs/pull/*/merge`) move without
/// fast-forwarding whenever their base does, which would void the incremental record of
/// every repository every night.
pub fn mirror(work_dir: &Path, url: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(work_dir)
        .with_context(|| format!("cannot create {}", work_dir.display()))?;
    let dir = mirror_dir(work_dir, url);
    if dir.join("HEAD").exists() {
        git(
            &["fetch", "--quiet", "--prune", "--tags", "origin"],
            Some(&dir),
        )?;
    } else {
        // Into a temporary name first: an interrupted clone is never taken for a mirror.
        let tmp = dir.with_extension("partial");
        let _ = std::fs::remove_dir_all(&tmp);
        let target = tmp.to_string_lossy().into_owned();
        git(&["clone", "--quiet", "--bare", "--", url, &target], None)?;
        git(
            &[
                "config",
                "remote.origin.fetch",
                "+refs/heads/*:refs/heads/*",
            ],
            Some(&tmp),
        )?;
        std::fs::rename(&tmp, &dir)
            .with_context(|| format!("cannot move the clone to {}", dir.display()))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_mirror_names() {
        assert!(is_url("https://github.com/o/r.git"));
        assert!(is_url("file:///srv/git/r"));
        assert!(is_url("git@github.com:o/r.git"));
        assert!(!is_url("../r"));
        let w = Path::new("/w");
        let a = mirror_dir(w, "https://github.com/o/tool.git");
        let b = mirror_dir(w, "https://github.com/fork/tool.git");
        assert!(a.to_string_lossy().starts_with("/w/tool-"));
        assert_ne!(a, b);
        assert_eq!(
            redact_words("fatal: could not read from 'https://u:tok@host/r.git': denied"),
            "fatal: could not read from 'https://host/r.git': denied"
        );
    }
}
