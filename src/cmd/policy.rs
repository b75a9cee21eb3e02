//! Which policy a command applies: the working tree's (tree scans, the pre-commit hook,
//! `--policy-from worktree`), or a commit's (range scans: the merge base of the range, or
//! `--policy-from REF`), and the notes a range that edits the policy files gets.

use crate::policy::{self, PolicyFiles, Worktree};
use crate::report::Note;
use crate::source::git::policy::{self as git_policy, CommitFiles};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `--policy-from`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PolicyFrom {
    /// A range scan reads the merge base of its range; everything else the working tree.
    #[default]
    Auto,
    Worktree,
    /// A revision whose tree holds the policy files.
    Ref(String),
}

/// Where a scan's policy files are read from.
#[derive(Clone)]
pub struct Policy {
    pub files: Arc<dyn PolicyFiles>,
    /// For the summary: "the working tree", "merge base 1a2b3c4d5e6f of main..HEAD".
    pub origin: String,
    /// The work tree whose paths (`--config`, `--baseline` inside it) map into `files` when
    /// the policy is a commit's; `None` for the working tree's policy.
    pub commit_of: Option<PathBuf>,
    /// The scanned work tree: a file inside it is the scanned material's, not the user's.
    pub tree: PathBuf,
}

impl Policy {
    pub fn worktree(root: &Path) -> Policy {
        Policy {
            files: Arc::new(Worktree::new(root)),
            origin: "the working tree".into(),
            commit_of: None,
            tree: root.to_path_buf(),
        }
    }

    fn commit(git_dir: &Path, workdir: PathBuf, commit: &str, origin: String) -> Result<Policy> {
        Ok(Policy {
            files: Arc::new(CommitFiles::open(git_dir, commit)?),
            origin,
            tree: workdir.clone(),
            commit_of: Some(workdir),
        })
    }

    /// Does `path` lie inside the scanned tree (where the code under review may have
    /// written it)?
    pub fn holds(&self, path: &Path) -> bool {
        let abs = |p: &Path| p.canonicalize().or_else(|_| std::path::absolute(p));
        match (abs(&self.tree), abs(path)) {
            (Ok(tree), Ok(file)) => file.starts_with(tree),
            _ => true,
        }
    }

    /// A file the user named: `Some(path in the policy)` when the policy is a commit's and
    /// the file lies inside the work tree under review (its content there is the pull
    /// request's, so the base's version is read instead); `None` to read it from disk.
    pub fn named_file(&self, path: &Path) -> Option<String> {
        let work = self.commit_of.as_ref()?.canonicalize().ok()?;
        let abs = path
            .canonicalize()
            .or_else(|_| std::path::absolute(path))
            .ok()?;
        let rel = abs.strip_prefix(&work).ok()?;
        let rel = rel.to_str()?.replace('\\', "/");
        policy::join_inside("", &rel)
    }
}

/// The policy of a history scan. `range` is the `A..B` under review, if any.
pub fn for_history(
    from: &PolicyFrom,
    git_dir: &Path,
    root: &Path,
    range: Option<&str>,
) -> Result<(Policy, Option<git_policy::RangeEnds>)> {
    let ends = match range {
        Some(r) => Some(git_policy::range_ends(git_dir, r)?),
        None => None,
    };
    let policy = match (from, &ends) {
        (PolicyFrom::Worktree, _) | (PolicyFrom::Auto, None) => Policy::worktree(root),
        (PolicyFrom::Ref(rev), _) => {
            let c = git_policy::resolve_commit(git_dir, rev)?;
            let origin = format!("{rev} ({})", &c[..12]);
            Policy::commit(git_dir, root.to_path_buf(), &c, origin)?
        }
        (PolicyFrom::Auto, Some(e)) => {
            let what = if e.merge_base {
                "merge base"
            } else {
                "base (no merge base found)"
            };
            let origin = format!("{what} {} of {}", &e.base[..12], range.unwrap_or(""));
            Policy::commit(git_dir, root.to_path_buf(), &e.base, origin)?
        }
    };
    Ok((policy, ends))
}

/// The note for a range that changes the files the policy was read from (or the default
/// policy files, or `baseline`, a baseline named inside the checkout): named, and said to
/// apply only once merged. `None` when it changes none.
pub fn range_note(
    policy: &Policy,
    git_dir: &Path,
    ends: &git_policy::RangeEnds,
    baseline: Option<String>,
) -> Result<Option<Note>> {
    let mut paths: Vec<String> = vec![
        policy::CONFIG.into(),
        policy::BASELINE.into(),
        policy::IGNORE.into(),
    ];
    paths.extend(policy.files.asked());
    paths.extend(baseline);
    let changed = git_policy::changed(git_dir, &ends.base, &ends.head, &paths)?;
    if changed.is_empty() {
        return Ok(None);
    }
    let effect = if policy.commit_of.is_some() {
        format!(
            "this scan applied the policy of {}; the change takes effect once merged",
            policy.origin
        )
    } else {
        "this scan applied the working tree's policy, changes included (--policy-from worktree)"
            .to_string()
    };
    Ok(Some(Note {
        id: "policy-changed".into(),
        message: format!(
            "the range changes policy files ({}): review them; {effect}",
            changed.join(", ")
        ),
        files: changed,
    }))
}
