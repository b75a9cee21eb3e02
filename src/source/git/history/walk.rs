//! Phase 1 of a history scan: the unique blobs of the selected commits, each with the commit
//! that introduced it and its path there.
//!
//! Each commit's tree is read oldest first, entering only trees never seen before, so each
//! unique tree is read once over the whole history and no commit is diffed. Only ids, a
//! commit index and a path are kept, so memory grows with the number of unique objects, not
//! with their content.

use super::super::objects::{EntryKind, IdSet, ObjectId, Objects};
use crate::gate::Kind;
use anyhow::Result;
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One unique blob (or symlink, or submodule) to hand to the gate: where it first appeared.
pub struct BlobJob {
    pub id: ObjectId,
    /// The introducing commit, as an index into the selected commits (oldest first).
    pub commit: u32,
    /// Shared by every blob of a segment at the same path (the versions of one file).
    pub path: Arc<str>,
    pub kind: Kind,
}

/// Blob and tree ids already accounted for. A tree seen once is never entered again: every
/// blob under it was recorded when it was first seen.
#[derive(Default)]
pub struct Seen {
    pub(super) trees: IdSet,
    pub(super) blobs: IdSet,
    /// Trees or commits that could not be read: what is under them was not seen.
    pub(super) errors: u64,
}

impl Seen {
    /// Adds everything `other` has seen.
    pub fn extend(&mut self, other: Seen) {
        self.trees.extend(other.trees);
        self.blobs.extend(other.blobs);
        self.errors += other.errors;
    }
}

impl Seen {
    /// Walks `root`, calling `new_blob(id, path, kind)` for entries not seen before. Ids in
    /// `base` count as seen too. A tree that cannot be read is reported and left out.
    fn visit(
        &mut self,
        objects: &mut Objects,
        base: &Seen,
        root: ObjectId,
        mut new_blob: impl FnMut(ObjectId, String, Kind),
    ) {
        if base.trees.contains(&root) || !self.trees.insert(root) {
            return;
        }
        let mut stack: Vec<(ObjectId, String)> = vec![(root, String::new())];
        while let Some((tid, prefix)) = stack.pop() {
            let read = objects.tree(&tid, |e| {
                let kind = match e.kind {
                    EntryKind::Tree => {
                        if !base.trees.contains(e.id) && self.trees.insert(e.id.to_owned()) {
                            let name = String::from_utf8_lossy(e.name);
                            stack.push((e.id.to_owned(), format!("{prefix}{name}/")));
                        }
                        return;
                    }
                    EntryKind::Blob => Kind::File,
                    EntryKind::Link => Kind::Symlink,
                    EntryKind::Submodule => Kind::Submodule,
                };
                if !base.blobs.contains(e.id) && self.blobs.insert(e.id.to_owned()) {
                    let name = String::from_utf8_lossy(e.name);
                    new_blob(e.id.to_owned(), format!("{prefix}{name}"), kind);
                }
            });
            if let Err(e) = read {
                let msg = format!("{}: {e:#}", prefix.trim_end_matches('/'));
                crate::report::escape::warn(&msg);
                self.errors += 1;
            }
        }
    }
}

/// Commits a segment walks before it reopens its object reader.
const REOPEN_EVERY: usize = 2048;

/// Commits per walk segment, at least (each segment reads its first tree whole).
const MIN_SEGMENT: usize = 512;

/// The unique blobs of `selected` (oldest first), each attributed to the first commit that
/// carries it. With `bounded` (a range, a branch or a date cut), what the parents just
/// outside the selection already had is not new.
///
/// The commits are cut into consecutive segments walked in parallel, each with its own record
/// of what it has seen. A segment attributes each blob to its first commit within the
/// segment; merging the segments oldest first keeps the earliest, which is the commit that
/// introduced it. The cost is that each segment reads its first commit's trees again.
pub fn unique_blobs(
    objects_dir: &Path,
    selected: &[ObjectId],
    bounded: bool,
    prior: Option<&Seen>,
    keep_seen: bool,
    pb: &ProgressBar,
    threads: usize,
) -> Result<(Vec<BlobJob>, Seen)> {
    // What counts as seen already: an earlier run's record, else (bounded) what the parents
    // just outside the selection have.
    let boundary_seen;
    let before = match prior {
        Some(p) => p,
        None if bounded => {
            boundary_seen = boundary(objects_dir, selected)?;
            &boundary_seen
        }
        None => {
            boundary_seen = Seen::default();
            &boundary_seen
        }
    };
    let segments = (selected.len() / MIN_SEGMENT).clamp(1, threads.max(1) * 8);
    let size = selected.len().div_ceil(segments).max(1);
    let walked = AtomicU64::new(0);
    let per_segment: Vec<(Vec<BlobJob>, Seen)> = selected
        .par_chunks(size)
        .enumerate()
        .map(|(i, commits)| {
            let first = (i * size) as u32;
            walk_segment(
                objects_dir,
                before,
                (commits, first),
                keep_seen,
                pb,
                (&walked, selected.len()),
            )
        })
        .collect::<Result<_>>()?;
    let total: usize = per_segment.iter().map(|(j, _)| j.len()).sum();
    let mut kept = IdSet::default();
    kept.reserve(total);
    let mut jobs = Vec::with_capacity(total);
    let mut seen = Seen::default();
    for (segment, segment_seen) in per_segment {
        jobs.extend(segment.into_iter().filter(|j| kept.insert(j.id)));
        seen.extend(segment_seen);
    }
    Ok((jobs, seen))
}

/// Everything the parents of the selection that are not themselves selected have.
fn boundary(objects_dir: &Path, selected: &[ObjectId]) -> Result<Seen> {
    let selected_set: IdSet = selected.iter().copied().collect();
    let empty = Seen::default();
    let mut before = Seen::default();
    let mut objects = Objects::open(objects_dir)?;
    for id in selected {
        let Ok(parents) = objects.commit_parents(id) else {
            continue;
        };
        for p in parents.iter().filter(|p| !selected_set.contains(*p)) {
            if let Ok(pt) = objects.commit_tree(p) {
                before.visit(&mut objects, &empty, pt, |_, _, _| {});
            }
        }
    }
    Ok(before)
}

/// The blobs that `commits` (consecutive, oldest first; the first is selected commit number
/// `first`) bring that `before` does not have, each with the first of them that carries it,
/// and (with `keep_seen`) every tree and blob id the segment saw.
fn walk_segment(
    objects_dir: &Path,
    before: &Seen,
    (commits, first): (&[ObjectId], u32),
    keep_seen: bool,
    pb: &ProgressBar,
    (walked, total): (&AtomicU64, usize),
) -> Result<(Vec<BlobJob>, Seen)> {
    let mut objects = Objects::open(objects_dir)?;
    let mut seen = Seen::default();
    let mut jobs = Vec::new();
    // One allocation per distinct path, not per blob: a file's versions share it.
    let mut paths: HashSet<Arc<str>> = HashSet::new();
    for (i, id) in commits.iter().enumerate() {
        if i > 0 && i % REOPEN_EVERY == 0 {
            // Unmaps the pack pages this segment's trees came from (see scan::REOPEN_EVERY).
            objects = Objects::open(objects_dir)?;
        }
        // The tree id is in the commit; the root tree itself is read only if new.
        let tree = match objects.commit_tree(id) {
            Ok(t) => t,
            Err(e) => {
                crate::report::escape::warn(&format!("{e:#}"));
                seen.errors += 1;
                continue;
            }
        };
        let commit = first + i as u32;
        seen.visit(&mut objects, before, tree, |id, path, kind| {
            let path = match paths.get(path.as_str()) {
                Some(p) => p.clone(),
                None => {
                    let p: Arc<str> = path.into();
                    paths.insert(p.clone());
                    p
                }
            };
            jobs.push(BlobJob {
                id,
                commit,
                path,
                kind,
            })
        });
        let n = walked.fetch_add(1, Ordering::Relaxed);
        if n % 512 == 0 {
            pb.set_message(format!("reading trees: {n}/{total} commits"));
        }
    }
    // Kept only for an incremental scan's record; otherwise freed with the segment.
    let errors = seen.errors;
    Ok((
        jobs,
        if keep_seen {
            seen
        } else {
            Seen {
                errors,
                ..Seen::default()
            }
        },
    ))
}
