//! The staged index as a source: what `git commit` is about to record.
//!
//! Blobs come from the index (never the working tree), diffed against HEAD (the empty tree
//! on the first commit). By default only the lines the staged change adds or modifies are
//! reported: a secret already committed and untouched is not this commit's doing. The tree
//! is never walked: the change is found from the index's cache tree (`index`), or, when that
//! cannot be trusted, by libgit2's index-to-tree diff (`diff`). Every changed blob goes
//! through the gate like a file of a tree scan.

use super::diff;
use super::index::{self, Change, Staged};
use super::objects::{BlobContent, Objects};
use super::repo::Repo;
use crate::finding::Finding;
use crate::gate::{Gate, Item, Kind, Origin, Worker};
use anyhow::{Context, Result};

#[derive(Debug, Clone, Copy, Default)]
pub struct StagedOptions {
    /// Report every line of changed files, not only added ones.
    pub all_lines: bool,
}

/// The fast path's answer (see `index`), or `None` where only a full diff can decide (the
/// first commit, conflicts).
pub fn fast_changes(repo: &Repo, objects: &mut Objects) -> Result<Option<Staged>> {
    Ok(match diff::head_commit(repo)? {
        Some(commit) => {
            let head = objects
                .commit_tree(&commit)
                .context("cannot read HEAD's tree")?;
            index::staged_changes(&repo.git_dir().join("index"), objects, &head)
        }
        None => None,
    })
}

/// The staged changes of `repo`: from the fast path when it can decide, else from libgit2's
/// full diff. Possible renames go to libgit2 for its similarity detection; where libgit2
/// cannot read the index (a split index's `link` extension), they are scanned as new files,
/// which may report more, never less.
pub fn changes(repo: &Repo, objects: &mut Objects) -> Result<Vec<Change>> {
    match fast_changes(repo, objects)? {
        Some(s) if !s.maybe_renames => Ok(s.changes),
        Some(s) => Ok(diff::staged_changes(repo).unwrap_or(s.changes)),
        None => diff::staged_changes(repo),
    }
}

/// Scans the staged changes of `repo` through `gate`.
pub fn scan(repo: &Repo, opts: StagedOptions, gate: &Gate) -> Result<Vec<Finding>> {
    let mut objects = Objects::open(&repo.objects_dir())?;
    let mut w = Worker::default();
    for c in changes(repo, &mut objects)? {
        let kind = match c.mode {
            0o120000 => Kind::Symlink,
            0o160000 => Kind::Submodule,
            _ => Kind::File,
        };
        let item = Item {
            path: &c.path,
            kind,
            origin: Origin::Index,
        };
        // A modified text file: only its added lines are reported, so only they (and a
        // line on each side, for values written below their names) are matched.
        let added = match (opts.all_lines, c.old, kind) {
            (false, Some(old), Kind::File) => {
                let old = objects
                    .blob(&old)
                    .context("cannot read HEAD's version of a staged file")?
                    .to_vec();
                let new = objects.blob(&c.new)?;
                let added = diff::added_lines(&old, new);
                w.focus = line_ranges(new, &added);
                Some(added)
            }
            _ => None,
        };
        let start = w.found.len();
        gate.scan(
            &item,
            &mut BlobContent {
                objects: &mut objects,
                id: &c.new,
                failed: false,
            },
            &mut w,
        );
        w.focus.clear();
        if let Some(added) = added {
            keep_added(&mut w.found, start, &added);
        }
    }
    Ok(w.found)
}

/// Byte ranges of lines `added` (1-based, sorted) of `data`, each with a line on either
/// side, merged; `(0, 0)` alone (nothing to match) when nothing is added.
fn line_ranges(data: &[u8], added: &[usize]) -> Vec<(usize, usize)> {
    if added.is_empty() {
        return vec![(0, 0)];
    }
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', data).map(|i| i + 1));
    let line = |n: usize| -> (usize, usize) {
        let s = starts
            .get(n.saturating_sub(1))
            .copied()
            .unwrap_or(data.len());
        let e = starts.get(n).copied().unwrap_or(data.len());
        (s, e)
    };
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &n in added {
        let (s, _) = line(n.saturating_sub(1).max(1));
        let (_, e) = line(n + 1);
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Of `found[start..]`, keeps the findings on lines the change adds (`added` sorted), and
/// those of path-only rules (the file itself is what is being committed).
fn keep_added(found: &mut Vec<Finding>, start: usize, added: &[usize]) {
    let mut i = 0;
    found.retain(|f| {
        i += 1;
        i <= start
            || f.secret.is_empty()
            || (f.line..=f.end_line).any(|l| added.binary_search(&l).is_ok())
    });
}

#[cfg(test)]
mod focus_tests {
    use super::line_ranges;

    #[test]
    fn added_lines_with_a_line_each_side_merged() {
        let data = b"l1\nl2\nl3\nl4\nl5\nl6\nl7\n";
        // Line 1: lines 1-2; line 4: lines 3-5, touching them; line 5 extends to line 6.
        assert_eq!(line_ranges(data, &[1, 4, 5]), vec![(0, 18)]);
        assert_eq!(line_ranges(data, &[1, 5]), vec![(0, 6), (9, 18)]);
        assert_eq!(line_ranges(data, &[7]), vec![(15, 21)]);
        assert_eq!(line_ranges(data, &[]), vec![(0, 0)]);
    }
}
