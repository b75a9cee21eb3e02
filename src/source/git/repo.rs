//! A repository as the scans see it: found from any directory inside it, opened read-only
//! with libgit2 tuned for scanning, and the few facts the commands ask of it (work tree,
//! object directory, hooks directory, the origin URL without credentials, whether a path
//! is ignored or tracked).

use anyhow::{anyhow, Context, Result};
use std::path::{Path, PathBuf};

/// libgit2's settings for a read-only scan, set once per process: no SHA-1 re-verification
/// of every object read (we never write, and a corrupt object still fails to inflate), and no
/// object cache (the history scan reads each unique object once, and reads blobs through
/// gix anyway: see the module table). Pack files are mapped in 16 MiB windows, at most 64 MiB
/// at a time, so that the revision walk over a large pack does not map it whole.
fn tune_for_scanning() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        git2::opts::enable_caching(false);
        // SAFETY: called once, before any repository is opened by this process's scans;
        // the options are process-global settings of libgit2.
        unsafe {
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Blob, 0);
            let _ = git2::opts::set_mwindow_size(16 << 20);
            let _ = git2::opts::set_mwindow_mapped_limit(64 << 20);
        }
    });
}

/// An open repository.
pub struct Repo {
    pub(super) git2: git2::Repository,
}

impl Repo {
    /// Opens the repository containing `dir` (any subdirectory or linked worktree).
    pub fn discover(dir: &Path) -> Result<Repo> {
        tune_for_scanning();
        git2::Repository::discover(dir)
            .map(|git2| Repo { git2 })
            .map_err(|e| {
                anyhow!(
                    "{}: not a git repository (or any parent up to the root): {}",
                    dir.display(),
                    e.message()
                )
            })
    }

    /// The work tree's root, unless the repository is bare.
    pub fn workdir(&self) -> Option<&Path> {
        self.git2.workdir()
    }

    /// The git directory (`.git`, or the repository itself when bare; a linked worktree's
    /// own directory for a linked worktree).
    pub fn git_dir(&self) -> &Path {
        self.git2.path()
    }

    /// Where policy files are read from: the work tree's root, or the git directory of a
    /// bare repository.
    pub fn root(&self) -> PathBuf {
        self.workdir()
            .unwrap_or_else(|| self.git_dir())
            .to_path_buf()
    }

    /// The object database directory (shared by linked worktrees).
    pub fn objects_dir(&self) -> PathBuf {
        self.git2.commondir().join("objects")
    }

    pub fn is_shallow(&self) -> bool {
        self.git2.is_shallow()
    }

    /// The hooks directory git uses (honouring `core.hooksPath`; linked worktrees share the
    /// main repository's hooks).
    pub fn hooks_dir(&self) -> Result<PathBuf> {
        let cfg = self.git2.config().context("cannot read git config")?;
        if let Ok(p) = cfg.get_path("core.hooksPath") {
            // A relative hooksPath is relative to the work tree root (git's rule, non-bare).
            return Ok(if p.is_absolute() {
                p
            } else {
                self.root().join(p)
            });
        }
        Ok(self.git2.commondir().join("hooks"))
    }

    /// Would git ignore `rel` (a path relative to the work tree)?
    pub fn is_ignored(&self, rel: &Path) -> bool {
        self.git2.is_path_ignored(rel).unwrap_or(false)
    }

    /// Is `rel` (relative to the work tree) in the index, so tracked by git?
    pub fn is_tracked(&self, rel: &Path) -> bool {
        self.git2
            .index()
            .is_ok_and(|i| i.get_path(rel, 0).is_some())
    }

    /// The `origin` remote's URL without credentials, if there is one (for SARIF).
    pub fn origin_url(&self) -> Option<String> {
        let remote = self.git2.find_remote("origin").ok()?;
        remote.url().map(redact_url)
    }
}

/// The `origin` URL of the repository around `dir`, without credentials.
pub fn origin_url(dir: &Path) -> Option<String> {
    Repo::discover(dir).ok()?.origin_url()
}

/// A remote URL without anything secret: the user info (`user:token@`) of every URL form
/// (`scheme://userinfo@host...`, with or without a path, and scp-like `user@host:path`), and
/// any query or fragment (`?access_token=...`).
pub fn redact_url(url: &str) -> String {
    let url = url.trim();
    if let Some((scheme, rest)) = url.split_once("://") {
        let cut = rest.find(['?', '#']).unwrap_or(rest.len());
        let rest = &rest[..cut];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        // The host follows the last '@' of the authority (a password may hold an '@').
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        return format!("{scheme}://{host}{path}");
    }
    // scp-like: [user@]host:path (no scheme). A local path has no ':' before its first '/'.
    let colon = url.find(':');
    let slash = url.find('/');
    match (colon, url.rfind('@')) {
        (Some(c), Some(at)) if at < c && slash.is_none_or(|s| c < s) => url[at + 1..].to_string(),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_form_loses_its_credentials() {
        let cases = [
            (
                "https://user:tok3n@example.com/org/repo.git",
                "https://example.com/org/repo.git",
            ),
            ("https://user:tok3n@example.com", "https://example.com"),
            (
                "https://x-access-token:ghs_abc@example.com:8443", // leakhound:allow (test data)
                "https://example.com:8443",
            ),
            ("https://a:p@ss@example.com/r", "https://example.com/r"),
            (
                "https://example.com/r.git?access_token=abc#x",
                "https://example.com/r.git",
            ),
            (
                "ssh://git@example.com/org/repo.git",
                "ssh://example.com/org/repo.git",
            ),
            ("git@example.com:org/repo.git", "example.com:org/repo.git"),
            (
                "https://example.com/org/repo@v1",
                "https://example.com/org/repo@v1",
            ),
            ("/srv/git/repo.git", "/srv/git/repo.git"),
            ("../rel/repo@2", "../rel/repo@2"),
            ("file:///srv/repo.git", "file:///srv/repo.git"),
        ];
        for (url, want) in cases {
            assert_eq!(redact_url(url), want, "{url}");
        }
    }
}
