//! Policy files read from a commit instead of the working tree, for range scans: the base
//! side of `A..B` decides what the commits under review are checked against, so a pull
//! request cannot allowlist, baseline or ignore its own secret (see `crate::policy`).
//!
//! Also which policy files a range changes, so that the change can be named in the report.

use crate::policy::PolicyFiles;
use anyhow::{anyhow, Context, Result};
use git2::{ObjectType, Oid, Repository};
use std::io;
use std::path::Path;
use std::sync::Mutex;

/// A commit's tree as policy files.
pub struct CommitFiles {
    repo: Mutex<Repository>,
    tree: Oid,
    /// How file names are prefixed in messages (`1a2b3c4d5e6f`).
    label: String,
    asked: Mutex<Vec<String>>,
}

impl CommitFiles {
    /// The tree of `commit` (hex id) in the repository at `git_dir`.
    pub fn open(git_dir: &Path, commit: &str) -> Result<CommitFiles> {
        let repo = Repository::open(git_dir).context("cannot open the repository")?;
        let id = Oid::from_str(commit).map_err(|e| anyhow!("{commit}: {}", e.message()))?;
        let tree = repo
            .find_commit(id)
            .and_then(|c| c.tree())
            .map_err(|e| anyhow!("cannot read the tree of commit {commit}: {}", e.message()))?
            .id();
        Ok(CommitFiles {
            repo: Mutex::new(repo),
            tree,
            label: commit[..commit.len().min(12)].to_string(),
            asked: Mutex::new(Vec::new()),
        })
    }
}

impl PolicyFiles for CommitFiles {
    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        if let Ok(mut a) = self.asked.lock() {
            a.push(rel.to_string());
        }
        let Some(rel) = crate::policy::join_inside("", rel) else {
            return Err(io::Error::other("the path leaves the repository"));
        };
        let repo = self
            .repo
            .lock()
            .map_err(|_| io::Error::other("repository handle poisoned"))?;
        let tree = repo.find_tree(self.tree).map_err(io::Error::other)?;
        let entry = match tree.get_path(Path::new(&rel)) {
            Ok(e) => e,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(io::Error::other(e)),
        };
        // A symbolic link's blob is its target's name, never followed.
        if entry.kind() != Some(ObjectType::Blob) || entry.filemode() == 0o120000 {
            return Ok(None);
        }
        let blob = repo.find_blob(entry.id()).map_err(io::Error::other)?;
        Ok(Some(blob.content().to_vec()))
    }

    fn name(&self, rel: &str) -> String {
        format!("{}:{rel}", self.label)
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

/// The two ends of a range `A..B` (or `A...B`) as commit ids (hex), and their merge base
/// (A itself when the histories share none, or when the base is not fetched).
pub struct RangeEnds {
    pub base: String,
    pub head: String,
    /// True when `base` is the merge base of A and B, false when it is A.
    pub merge_base: bool,
}

pub fn range_ends(git_dir: &Path, range: &str) -> Result<RangeEnds> {
    let repo = Repository::open(git_dir).context("cannot open the repository")?;
    let spec = repo
        .revparse(range)
        .map_err(|e| anyhow!("invalid range {range:?}: {}", e.message()))?;
    let (Some(from), Some(to)) = (spec.from(), spec.to()) else {
        return Err(anyhow!("invalid range {range:?}: expected A..B"));
    };
    let peel = |o: &git2::Object| {
        o.peel_to_commit()
            .map(|c| c.id())
            .map_err(|e| anyhow!("range {range:?}: {}", e.message()))
    };
    let (a, b) = (peel(from)?, peel(to)?);
    Ok(match repo.merge_base(a, b) {
        Ok(m) => RangeEnds {
            base: m.to_string(),
            head: b.to_string(),
            merge_base: true,
        },
        Err(_) => RangeEnds {
            base: a.to_string(),
            head: b.to_string(),
            merge_base: false,
        },
    })
}

/// The commit (hex) a revision names.
pub fn resolve_commit(git_dir: &Path, rev: &str) -> Result<String> {
    let repo = Repository::open(git_dir).context("cannot open the repository")?;
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id().to_string())
        .map_err(|e| anyhow!("--policy-from {rev:?}: {}", e.message()))
}

/// Which of `paths` differ between the trees of commits `base` and `head` (added, removed
/// or changed), in the order given.
pub fn changed(git_dir: &Path, base: &str, head: &str, paths: &[String]) -> Result<Vec<String>> {
    let repo = Repository::open(git_dir).context("cannot open the repository")?;
    let tree = |hex: &str| -> Result<git2::Tree> {
        let id = Oid::from_str(hex).map_err(|e| anyhow!("{hex}: {}", e.message()))?;
        repo.find_commit(id)
            .and_then(|c| c.tree())
            .map_err(|e| anyhow!("commit {hex}: {}", e.message()))
    };
    let (a, b) = (tree(base)?, tree(head)?);
    let entry = |t: &git2::Tree, p: &str| {
        t.get_path(Path::new(p))
            .ok()
            .map(|e| (e.id(), e.filemode()))
    };
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        if entry(&a, p) != entry(&b, p) && !out.contains(p) {
            out.push(p.clone());
        }
    }
    Ok(out)
}
