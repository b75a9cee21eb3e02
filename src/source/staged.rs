//! The staged index: what `git commit` is about to record.
//!
//! Blobs come from the index (never the working tree), diffed against HEAD (the empty tree
//! on the first commit). By default only the lines the staged change adds or modifies are
//! reported: a secret already committed and untouched is not this commit's doing.
//! The tree is never walked: the change is found from the index's cache tree
//! (`index_fast`), or, when that cannot be trusted, by libgit2's index-to-tree diff.

use super::git::{entry_path, skip_reason, MODE_LINK, MODE_SUBMODULE};
use super::{Skip, Stats};
use crate::detect::{Detector, Scratch, Target};
use crate::finding::Finding;
use anyhow::{Context, Result};
use git2::{Blob, Delta, DiffOptions, Oid, Patch, Repository};

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

    let mut blobs = BlobScanner::new(repo, opts, detector, stats);
    let mut out = Vec::new();
    for (i, delta) in diff.deltas().enumerate() {
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let new = delta.new_file();
        let path = entry_path(new.path_bytes().unwrap_or(b""));
        let Some((_, mut found)) = blobs.scan(&path, new.mode().into(), new.id()) else {
            continue;
        };
        if !opts.all_lines && delta.status() != Delta::Added {
            let added =
                match Patch::from_diff(&diff, i).context("cannot compute the staged diff")? {
                    Some(patch) => patch_added_lines(&patch)?,
                    None => Vec::new(),
                };
            keep_added(&mut found, &added);
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
    let mut blobs = BlobScanner::new(repo, opts, detector, stats);
    let mut out = Vec::new();
    for c in changes {
        let Some((blob, mut found)) = blobs.scan(&c.path, c.mode, c.new) else {
            continue;
        };
        if let (false, Some(old)) = (opts.all_lines, c.old) {
            let old = repo
                .find_blob(old)
                .context("cannot read HEAD's version of a staged file")?;
            let mut o = DiffOptions::new();
            o.context_lines(0);
            let patch = Patch::from_blobs(&old, None, &blob, None, Some(&mut o))
                .context("cannot compute the staged diff")?;
            keep_added(&mut found, &patch_added_lines(&patch)?);
        }
        out.append(&mut found);
    }
    Ok(out)
}

/// What both ways of finding the change share: one staged blob, checked and scanned.
struct BlobScanner<'a> {
    repo: &'a Repository,
    opts: &'a StagedOptions,
    detector: &'a Detector,
    stats: &'a Stats,
    scratch: Scratch,
}

impl<'a> BlobScanner<'a> {
    fn new(
        repo: &'a Repository,
        opts: &'a StagedOptions,
        detector: &'a Detector,
        stats: &'a Stats,
    ) -> Self {
        BlobScanner {
            repo,
            opts,
            detector,
            stats,
            scratch: Scratch::default(),
        }
    }

    /// Scans the staged blob `id` at `path`; `None` if it is skipped or has no findings.
    fn scan(&mut self, path: &str, mode: u32, id: Oid) -> Option<(Blob<'a>, Vec<Finding>)> {
        let stats = self.stats;
        if mode == MODE_SUBMODULE {
            stats.skip(path, Skip::Submodule);
            return None;
        }
        if mode == MODE_LINK {
            stats.skip(path, Skip::Symlink);
            return None;
        }
        if self.detector.path_is_allowed(path) {
            stats.skip(path, Skip::Allowlisted);
            return None;
        }
        let blob = match self.repo.find_blob(id) {
            Ok(b) => b,
            Err(e) => {
                stats.error(format!(
                    "{path}: cannot read staged blob {id}: {}",
                    e.message()
                ));
                return None;
            }
        };
        let data = blob.content();
        if let Some(why) = skip_reason(data, self.opts.max_file_size) {
            stats.skip(path, why);
            return None;
        }
        stats.scanned(data.len());
        let mut found = Vec::new();
        let t = Target {
            path,
            data,
            commit: None,
        };
        self.detector.detect(&t, &mut self.scratch, &mut found);
        (!found.is_empty()).then_some((blob, found))
    }
}

/// Keeps the findings on lines the change adds (`added` sorted).
fn keep_added(found: &mut Vec<Finding>, added: &[usize]) {
    found.retain(|f| (f.line..=f.end_line).any(|l| added.binary_search(&l).is_ok()));
}

/// Line numbers (in the staged version) that the change adds or modifies, sorted.
fn patch_added_lines(patch: &Patch) -> Result<Vec<usize>> {
    let mut lines = Vec::new();
    for h in 0..patch.num_hunks() {
        for l in 0..patch.num_lines_in_hunk(h)? {
            let line = patch.line_in_hunk(h, l)?;
            if let (Some(no), '+') = (line.new_lineno(), line.origin()) {
                lines.push(no as usize);
            }
        }
    }
    lines.sort_unstable();
    Ok(lines)
}
