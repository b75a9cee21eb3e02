//! The staged index: what `git commit` is about to record.
//!
//! Blobs come from the index (never the working tree), diffed against HEAD (the empty tree
//! on the first commit). By default only the lines the staged change adds or modifies are
//! reported: a secret already committed and untouched is not this commit's doing.
//! The tree is never walked: the index-to-tree diff visits only changed entries' blobs.

use super::git::{entry_path, skip_reason, MODE_LINK, MODE_SUBMODULE};
use super::{Skip, Stats};
use crate::detect::{Detector, Scratch, Target};
use crate::finding::Finding;
use anyhow::{Context, Result};
use git2::{Delta, DiffOptions, Patch, Repository};

pub struct StagedOptions {
    /// Report every line of changed files, not only added ones.
    pub all_lines: bool,
    pub max_file_size: u64,
}

/// Scans the staged changes of `repo`.
pub fn scan(
    repo: &Repository,
    opts: &StagedOptions,
    detector: &Detector,
    stats: &Stats,
) -> Result<Vec<Finding>> {
    if let Some(changes) = super::index_fast::staged_changes(repo) {
        return scan_changes(repo, changes, opts, detector, stats);
    }
    let index = repo
        .index()
        .context("cannot read the index (a bare repository has none)")?;
    let head_tree = match repo.head() {
        Ok(h) => Some(h.peel_to_tree().context("cannot read HEAD's tree")?),
        // Unborn HEAD: the first commit, diffed against the empty tree.
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            None
        }
        Err(e) => return Err(e).context("cannot resolve HEAD"),
    };
    let mut dopts = DiffOptions::new();
    dopts.ignore_submodules(true).context_lines(0);
    let mut diff = repo
        .diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut dopts))
        .context("cannot diff the index against HEAD")?;
    // Renames: a moved file is not new content; only its edited lines are.
    let mut find = git2::DiffFindOptions::new();
    find.renames(true).copies(false);
    diff.find_similar(Some(&mut find)).ok();

    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    let mut found = Vec::new();
    for (i, delta) in diff.deltas().enumerate() {
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let new = delta.new_file();
        let path = entry_path(new.path_bytes().unwrap_or(b""));
        let mode: u32 = new.mode().into();
        if mode == MODE_SUBMODULE {
            stats.skip(&path, Skip::Submodule);
            continue;
        }
        if mode == MODE_LINK {
            stats.skip(&path, Skip::Symlink);
            continue;
        }
        if detector.path_is_allowed(&path) {
            stats.skip(&path, Skip::Allowlisted);
            continue;
        }
        let blob = match repo.find_blob(new.id()) {
            Ok(b) => b,
            Err(e) => {
                stats.error(format!(
                    "{path}: cannot read staged blob {}: {}",
                    new.id(),
                    e.message()
                ));
                continue;
            }
        };
        let data = blob.content();
        if let Some(why) = skip_reason(data, opts.max_file_size) {
            stats.skip(&path, why);
            continue;
        }
        stats.scanned(data.len());
        found.clear();
        let t = Target {
            path: &path,
            data,
            commit: None,
        };
        detector.detect(&t, &mut scratch, &mut found);
        if found.is_empty() {
            continue;
        }
        if !opts.all_lines && delta.status() != Delta::Added {
            let added = added_lines(&diff, i)?;
            found.retain(|f| (f.line..=f.end_line).any(|l| added.binary_search(&l).is_ok()));
        }
        out.append(&mut found);
    }
    Ok(out)
}

/// The fast path's changes (see `index_fast`): scanned like the libgit2 diff's deltas.
fn scan_changes(
    repo: &Repository,
    changes: Vec<super::index_fast::Change>,
    opts: &StagedOptions,
    detector: &Detector,
    stats: &Stats,
) -> Result<Vec<Finding>> {
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    let mut found = Vec::new();
    for c in changes {
        if c.mode == MODE_SUBMODULE {
            stats.skip(&c.path, Skip::Submodule);
            continue;
        }
        if c.mode == MODE_LINK {
            stats.skip(&c.path, Skip::Symlink);
            continue;
        }
        if detector.path_is_allowed(&c.path) {
            stats.skip(&c.path, Skip::Allowlisted);
            continue;
        }
        let blob = match repo.find_blob(c.new) {
            Ok(b) => b,
            Err(e) => {
                stats.error(format!(
                    "{}: cannot read staged blob {}: {}",
                    c.path,
                    c.new,
                    e.message()
                ));
                continue;
            }
        };
        let data = blob.content();
        if let Some(why) = skip_reason(data, opts.max_file_size) {
            stats.skip(&c.path, why);
            continue;
        }
        stats.scanned(data.len());
        found.clear();
        let t = Target {
            path: &c.path,
            data,
            commit: None,
        };
        detector.detect(&t, &mut scratch, &mut found);
        if found.is_empty() {
            continue;
        }
        if let (false, Some(old)) = (opts.all_lines, c.old) {
            let old = repo
                .find_blob(old)
                .context("cannot read HEAD's version of a staged file")?;
            let mut o = DiffOptions::new();
            o.context_lines(0);
            let patch = Patch::from_blobs(&old, None, &blob, None, Some(&mut o))
                .context("cannot compute the staged diff")?;
            let added = patch_added_lines(&patch)?;
            found.retain(|f| (f.line..=f.end_line).any(|l| added.binary_search(&l).is_ok()));
        }
        out.append(&mut found);
    }
    Ok(out)
}

/// Line numbers (in the staged version) that the change adds or modifies, sorted.
fn added_lines(diff: &git2::Diff, idx: usize) -> Result<Vec<usize>> {
    match Patch::from_diff(diff, idx).context("cannot compute the staged diff")? {
        Some(patch) => patch_added_lines(&patch),
        None => Ok(Vec::new()),
    }
}

fn patch_added_lines(patch: &Patch) -> Result<Vec<usize>> {
    let mut lines = Vec::new();
    {
        for h in 0..patch.num_hunks() {
            let n = patch.num_lines_in_hunk(h)?;
            for l in 0..n {
                let line = patch.line_in_hunk(h, l)?;
                if line.origin() == '+' {
                    if let Some(no) = line.new_lineno() {
                        lines.push(no as usize);
                    }
                }
            }
        }
    }
    lines.sort_unstable();
    Ok(lines)
}
