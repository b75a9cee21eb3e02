//! Phase 2 of a history scan: every unique blob through the gate, in the order the packs
//! store them (see `pack_order`), in parallel, each pool thread with its own object reader
//! and gate worker.

use super::super::objects::{BlobContent, IdSet, ObjectId, Objects};
use super::super::pack_order::PackOrder;
use super::walk::BlobJob;
use crate::finding::Finding;
use crate::gate::{Gate, Item, Origin, Worker};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// A finding as the scan reports it: the blob it is in, and the introducing commit's index
/// among the selected commits.
pub type Found = (ObjectId, u32, Finding);

/// A pool thread's state, kept for the whole scan.
struct ThreadState {
    objects_dir: PathBuf,
    objects: Objects,
    worker: Worker,
    /// Blobs read since `objects` was opened.
    reads: usize,
}

/// Blobs a thread reads before it reopens its object reader. The reader maps pack files
/// and keeps every page it touched mapped; read in pack order, those pages are never needed
/// again, and on git/git (a 474 MiB pack) they were 580 MiB of the process's resident size
/// by the end (two threads, two mappings). Reopening unmaps them; it costs a few
/// milliseconds, once per this many blobs.
const REOPEN_EVERY: usize = 2048;

thread_local! {
    static STATE: std::cell::RefCell<Option<ThreadState>> = const { std::cell::RefCell::new(None) };
}

/// Scans `jobs` (reordered into pack order) through `gate` on `pool`; returns the findings
/// and the blobs that could not be read.
pub fn scan_blobs(
    pool: &rayon::ThreadPool,
    objects_dir: &Path,
    selected: &[ObjectId],
    jobs: &mut [BlobJob],
    gate: &Gate,
    pb: &ProgressBar,
) -> (Vec<Found>, IdSet) {
    let order = PackOrder::load(objects_dir);
    jobs.sort_by_cached_key(|j| order.key(&j.id));
    drop(order);
    let results: Mutex<Vec<Found>> = Mutex::new(Vec::new());
    let unreadable: Mutex<IdSet> = Mutex::new(IdSet::default());
    let (scanned, matches) = (AtomicU64::new(0), AtomicU64::new(0));
    let total = jobs.len();
    pool.install(|| {
        // Pieces of at most 256 blobs, so that a thread that runs out of work can take some
        // from the other (each piece is still a run of neighbours in the pack).
        jobs.par_iter().with_max_len(256).for_each(|job| {
            // One object reader per pool thread, kept for the whole scan: each reader has its
            // own delta cache, so opening one per rayon split would multiply memory.
            STATE.with(|cell| {
                let mut slot = cell.borrow_mut();
                if slot.as_ref().is_none_or(|s| s.objects_dir != objects_dir) {
                    *slot = Objects::open(objects_dir).ok().map(|objects| ThreadState {
                        objects_dir: objects_dir.to_path_buf(),
                        objects,
                        worker: Worker::default(),
                        reads: 0,
                    });
                } else if let Some(state) = slot.as_mut().filter(|s| s.reads >= REOPEN_EVERY) {
                    if let Ok(fresh) = Objects::open(objects_dir) {
                        // The old reader (and its mappings) goes first.
                        state.objects = fresh;
                        state.reads = 0;
                    }
                }
                let Some(state) = slot.as_mut() else {
                    gate.stats.error(format!(
                        "{}: cannot open the object database",
                        objects_dir.display()
                    ));
                    return;
                };
                let mut hex = [0u8; 40];
                let commit = selected[job.commit as usize].hex_to_buf(&mut hex);
                let item = Item {
                    path: &job.path,
                    kind: job.kind,
                    origin: Origin::Commit(commit),
                };
                let mut content = BlobContent {
                    objects: &mut state.objects,
                    id: &job.id,
                    failed: false,
                };
                gate.scan(&item, &mut content, &mut state.worker);
                if content.failed {
                    if let Ok(mut u) = unreadable.lock() {
                        u.insert(job.id);
                    }
                }
                state.reads += 1;
                let n = scanned.fetch_add(1, Ordering::Relaxed);
                if n % 256 == 0 {
                    pb.set_message(format!(
                        "{} commits, {n}/{total} blobs scanned, {} MB, {} matches",
                        selected.len(),
                        gate.stats.bytes() >> 20,
                        matches.load(Ordering::Relaxed)
                    ));
                }
                let found = &mut state.worker.found;
                if !found.is_empty() {
                    matches.fetch_add(found.len() as u64, Ordering::Relaxed);
                    if let Ok(mut r) = results.lock() {
                        r.extend(found.drain(..).map(|f| (job.id, job.commit, f)));
                    }
                }
            });
        });
    });
    // Release the readers (and their pack maps) held by the pool's threads.
    pool.broadcast(|_| STATE.with(|cell| drop(cell.borrow_mut().take())));
    (
        results.into_inner().unwrap_or_default(),
        unreadable.into_inner().unwrap_or_default(),
    )
}
