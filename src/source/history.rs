//! Git history: every blob reachable from the chosen refs, each unique blob scanned once, in
//! parallel, and attributed to the commit that introduced it.
//!
//! Two phases. (1) Walk commits oldest-first (topological, parents before children) and read
//! each commit's tree, entering only trees never seen before, recording for every new blob
//! id the first commit and path that carry it; consecutive runs of commits are walked in
//! parallel and merged oldest first. Only ids, a commit and a path are kept, so memory stays
//! proportional to the number of unique objects, not to their content. (2) Sort the unique
//! blobs into the order the packs store them (see `pack_order`) and scan them with rayon,
//! each worker with its own object reader (see `objects`) and scratch.
//! The repository is only read, never written.

use super::git::{commit_info, skip_reason};
use super::objects::{to_git2, IdSet, ObjectId, Objects, TreeEntry};
use super::pack_order::PackOrder;
use super::{Skip, Stats};
use crate::detect::{Detector, Scratch, Target};
use crate::finding::{Finding, Occurrence};
use anyhow::{anyhow, Context, Result};
use git2::{ObjectType, Oid, Repository, Sort};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// `A..B`: only commits reachable from B and not from A.
    pub range: Option<String>,
    /// Only commits at or after this time (epoch seconds).
    pub since: Option<i64>,
    /// Only this branch (or any revision).
    pub branch: Option<String>,
    pub include_stash: bool,
    pub all_occurrences: bool,
    pub max_file_size: u64,
    pub progress: bool,
    pub threads: usize,
}

/// What a history scan saw, besides its findings.
#[derive(Debug, Default)]
pub struct HistorySummary {
    /// Seconds spent reading commits and trees (phase 1).
    pub walk_secs: f64,
    pub commits: u64,
    pub unique_blobs: u64,
    pub shallow: bool,
}

/// One unique blob to scan: where it first appeared.
struct BlobJob {
    id: ObjectId,
    /// The introducing commit, hex (shared by the blobs it introduced).
    commit: Arc<str>,
    path: String,
}

/// A pool thread's state for scanning blobs.
struct Worker {
    objects_dir: PathBuf,
    objects: Objects,
    scratch: Scratch,
    found: Vec<Finding>,
}

thread_local! {
    static WORKER: std::cell::RefCell<Option<Worker>> = const { std::cell::RefCell::new(None) };
}

fn push_refs(repo: &Repository, walk: &mut git2::Revwalk, include_stash: bool) -> Result<()> {
    let mut pushed = 0;
    for r in repo.references().context("cannot list references")? {
        let Ok(r) = r else { continue };
        let name = r.name_bytes();
        if name == b"refs/stash" && !include_stash {
            continue;
        }
        // Tags may point at trees or blobs; only commits have history.
        if let Ok(c) = r.peel_to_commit() {
            walk.push(c.id())?;
            pushed += 1;
        }
    }
    if let Ok(head) = repo.head() {
        if let Ok(c) = head.peel_to_commit() {
            walk.push(c.id())?;
            pushed += 1;
        }
    }
    if include_stash {
        // The stash's own history is in its reflog.
        if let Ok(log) = repo.reflog("refs/stash") {
            for e in log.iter() {
                walk.push(e.id_new()).ok();
            }
        }
    }
    let _ = pushed;
    Ok(())
}

fn progress_bar(enabled: bool, msg: &str) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

/// What phase 1 yields.
struct Walked {
    /// Every selected commit, oldest first.
    selected: Vec<Oid>,
    /// Every unique blob, with where it first appeared.
    jobs: Vec<BlobJob>,
    secs: f64,
}

/// Selects the commits to scan, oldest first (parents before children).
fn select_commits(repo: &Repository, opts: &HistoryOptions, pb: &ProgressBar) -> Result<Vec<Oid>> {
    let mut walk = repo.revwalk().context("cannot walk history")?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    match (&opts.range, &opts.branch) {
        (Some(range), _) => walk
            .push_range(range)
            .map_err(|e| anyhow!("invalid range {range:?}: {}", e.message()))?,
        (None, Some(branch)) => {
            let obj = repo
                .revparse_single(branch)
                .map_err(|e| anyhow!("unknown branch or revision {branch:?}: {}", e.message()))?;
            let c = obj
                .peel_to_commit()
                .map_err(|e| anyhow!("{branch:?} is not a commit: {}", e.message()))?;
            walk.push(c.id())?;
        }
        (None, None) => push_refs(repo, &mut walk, opts.include_stash)?,
    }
    let mut out = Vec::new();
    for id in walk {
        match id {
            Ok(id) => {
                if let Some(since) = opts.since {
                    match repo.find_commit(id) {
                        Ok(c) if c.time().seconds() < since => continue,
                        Ok(_) => {}
                        Err(e) => {
                            eprintln!("warning: commit {id}: {}", e.message());
                            continue;
                        }
                    }
                }
                out.push(id);
                if out.len() % 1024 == 0 {
                    pb.set_message(format!("walking history: {} commits", out.len()));
                }
            }
            // A missing object in a shallow or damaged repository: say so, go on.
            Err(e) => eprintln!("warning: history walk: {}", e.message()),
        }
    }
    Ok(out)
}

/// Blob and tree ids already accounted for. A tree seen once is never entered again: every
/// blob under it was recorded when it was first seen. So each unique tree is read once over
/// the whole history, and no commit is diffed.
#[derive(Default)]
struct Seen {
    trees: IdSet,
    blobs: IdSet,
}

impl Seen {
    /// Walks `root`, calling `new_blob(id, path)` for blobs not seen before. Ids in `base`
    /// count as seen too. A tree that cannot be read is reported and left out.
    fn visit(
        &mut self,
        objects: &mut Objects,
        base: &Seen,
        root: ObjectId,
        mut new_blob: impl FnMut(ObjectId, String),
    ) {
        if base.trees.contains(&root) || !self.trees.insert(root) {
            return;
        }
        let mut stack: Vec<(ObjectId, String)> = vec![(root, String::new())];
        while let Some((tid, prefix)) = stack.pop() {
            let read = objects.tree(&tid, |entry| match entry {
                TreeEntry::Tree(id, name) => {
                    if !base.trees.contains(id) && self.trees.insert(id.to_owned()) {
                        let name = String::from_utf8_lossy(name);
                        stack.push((id.to_owned(), format!("{prefix}{name}/")));
                    }
                }
                TreeEntry::Blob(id, name) => {
                    if !base.blobs.contains(id) && self.blobs.insert(id.to_owned()) {
                        let name = String::from_utf8_lossy(name);
                        new_blob(id.to_owned(), format!("{prefix}{name}"));
                    }
                }
            });
            if let Err(e) = read {
                eprintln!("warning: {}: {e:#}", prefix.trim_end_matches('/'));
            }
        }
    }
}

/// Commits per walk segment, at least (each segment reads its first tree whole).
const MIN_SEGMENT: usize = 512;

/// Phase 1: the unique blobs of the selected commits, each with the commit that introduced
/// it.
///
/// The selected commits are cut into consecutive segments walked in parallel, each with
/// its own record of what it has seen. A segment attributes each blob to its first commit
/// within the segment; merging the segments oldest first keeps the earliest, which is the
/// commit that introduced it. The cost is that each segment reads its first commit's trees
/// again.
fn walk(
    git_dir: &Path,
    objects_dir: &Path,
    opts: &HistoryOptions,
    pb: &ProgressBar,
    threads: usize,
) -> Result<Walked> {
    let started = std::time::Instant::now();
    let repo = &Repository::open(git_dir).context("cannot open the repository")?;
    let selected = select_commits(repo, opts, pb)?;
    // A range or a date cut: what the boundary parents already had is not new. (Without
    // either, every parent is selected too, or missing in a shallow clone.)
    let mut before = Seen::default();
    if opts.range.is_some() || opts.since.is_some() || opts.branch.is_some() {
        let selected_set: HashSet<Oid> = selected.iter().copied().collect();
        let empty = Seen::default();
        let mut objects = Objects::open(objects_dir)?;
        for &id in &selected {
            let Ok(c) = repo.find_commit(id) else {
                continue;
            };
            for p in c.parent_ids().filter(|p| !selected_set.contains(p)) {
                if let Ok(pt) = objects.commit_tree(&p) {
                    before.visit(&mut objects, &empty, pt, |_, _| {});
                }
            }
        }
    }
    let segments = (selected.len() / MIN_SEGMENT).clamp(1, threads.max(1) * 8);
    let walked = AtomicU64::new(0);
    let per_segment: Vec<Vec<BlobJob>> = selected
        .par_chunks(selected.len().div_ceil(segments).max(1))
        .map(|commits| walk_segment(objects_dir, &before, commits, pb, (&walked, selected.len())))
        .collect::<Result<_>>()?;
    drop(before);
    let mut kept = IdSet::default();
    let mut jobs = Vec::new();
    for segment in per_segment {
        jobs.extend(segment.into_iter().filter(|j| kept.insert(j.id)));
    }
    Ok(Walked {
        selected,
        jobs,
        secs: started.elapsed().as_secs_f64(),
    })
}

/// The blobs that `commits` (consecutive, oldest first) bring that `before` does not have,
/// each with the first of them that carries it.
fn walk_segment(
    objects_dir: &Path,
    before: &Seen,
    commits: &[Oid],
    pb: &ProgressBar,
    (walked, total): (&AtomicU64, usize),
) -> Result<Vec<BlobJob>> {
    let mut objects = Objects::open(objects_dir)?;
    let mut seen = Seen::default();
    let mut jobs = Vec::new();
    for &id in commits {
        // The tree id is in the commit; the root tree itself is read only if new.
        let tree = match objects.commit_tree(&id) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("warning: {e:#}");
                continue;
            }
        };
        let hex: Arc<str> = Arc::from(id.to_string());
        seen.visit(&mut objects, before, tree, |blob, path| {
            jobs.push(BlobJob {
                id: blob,
                commit: hex.clone(),
                path,
            })
        });
        let n = walked.fetch_add(1, Ordering::Relaxed);
        if n % 512 == 0 {
            pb.set_message(format!("reading trees: {n}/{total} commits"));
        }
    }
    Ok(jobs)
}

/// Every (commit, path) where each of `targets` appears, for `--all-occurrences`. Each tree
/// is examined once (memoized), however many commits share it.
fn occurrences(
    repo: &Repository,
    commits: &[Oid],
    targets: &HashSet<Oid>,
) -> HashMap<Oid, Vec<Occurrence>> {
    fn under(
        repo: &Repository,
        tree: Oid,
        targets: &HashSet<Oid>,
        memo: &mut HashMap<Oid, Vec<(Oid, String)>>,
    ) -> Vec<(Oid, String)> {
        if let Some(v) = memo.get(&tree) {
            return v.clone();
        }
        let mut out = Vec::new();
        if let Ok(t) = repo.find_tree(tree) {
            for e in t.iter() {
                let name = String::from_utf8_lossy(e.name_bytes()).into_owned();
                match e.kind() {
                    Some(ObjectType::Blob) if targets.contains(&e.id()) => out.push((e.id(), name)),
                    Some(ObjectType::Tree) => {
                        for (b, p) in under(repo, e.id(), targets, memo) {
                            out.push((b, format!("{name}/{p}")));
                        }
                    }
                    _ => {}
                }
            }
        }
        memo.insert(tree, out.clone());
        out
    }
    let mut memo = HashMap::new();
    let mut result: HashMap<Oid, Vec<Occurrence>> = HashMap::new();
    for &c in commits {
        let Ok(commit) = repo.find_commit(c) else {
            continue;
        };
        for (blob, path) in under(repo, commit.tree_id(), targets, &mut memo) {
            result.entry(blob).or_default().push(Occurrence {
                commit: c.to_string(),
                path,
            });
        }
    }
    result
}

/// Scans the history of the repository at `repo_path`.
pub fn scan(
    repo_path: &Path,
    opts: &HistoryOptions,
    detector: &Detector,
    stats: &Stats,
) -> Result<(Vec<Finding>, HistorySummary)> {
    let repo = super::git::discover(repo_path)?;
    let shallow = repo.is_shallow();
    if shallow {
        eprintln!(
            "leakhound: the repository is shallow: scanning the history that is present; \
             older commits are not available here"
        );
    }
    let git_dir: PathBuf = repo.path().to_path_buf();
    let pb = progress_bar(opts.progress, "reading history");
    let found_count = AtomicU64::new(0);
    let scanned = AtomicU64::new(0);
    let results: Mutex<Vec<Found>> = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .context("cannot start worker threads")?;
    let threads = pool.current_num_threads();
    let objects_dir = repo.commondir().join("objects");
    let mut walked = pool.install(|| walk(&git_dir, &objects_dir, opts, &pb, threads))?;
    // Phase 2 reads the blobs in the order the packs store them (see pack_order).
    let order = PackOrder::load(&objects_dir);
    walked.jobs.sort_by_cached_key(|j| order.key(&j.id));
    drop(order);
    pool.install(|| {
        // Pieces of at most 256 blobs, so that a thread that runs out of work can take some
        // from the other (each piece is still a run of neighbours in the pack).
        walked.jobs.par_iter().with_max_len(256).for_each(|job| {
            // One object reader and scratch per pool thread, kept for the whole scan: each
            // reader has its own delta cache, so opening one per rayon split would multiply
            // memory.
            WORKER.with(|cell| {
                let mut slot = cell.borrow_mut();
                if slot.as_ref().is_none_or(|w| w.objects_dir != objects_dir) {
                    *slot = Objects::open(&objects_dir).ok().map(|objects| Worker {
                        objects_dir: objects_dir.clone(),
                        objects,
                        scratch: Scratch::default(),
                        found: Vec::new(),
                    });
                }
                let Some(w) = slot.as_mut() else {
                    stats.error(format!(
                        "{}: cannot open the object database",
                        objects_dir.display()
                    ));
                    return;
                };
                scan_blob(
                    &mut w.objects,
                    job,
                    opts,
                    detector,
                    stats,
                    &mut w.scratch,
                    &mut w.found,
                );
                let n = scanned.fetch_add(1, Ordering::Relaxed);
                if n % 256 == 0 {
                    pb.set_message(format!(
                        "{} commits, {n}/{} blobs scanned, {} MB, {} matches",
                        walked.selected.len(),
                        walked.jobs.len(),
                        stats.bytes.load(Ordering::Relaxed) >> 20,
                        found_count.load(Ordering::Relaxed)
                    ));
                }
                if !w.found.is_empty() {
                    found_count.fetch_add(w.found.len() as u64, Ordering::Relaxed);
                    if let Ok(mut r) = results.lock() {
                        r.extend(w.found.drain(..).map(|f| (job.id, job.commit.clone(), f)));
                    }
                }
            });
        });
    });
    // Release the handles (and their pack maps) held by the pool's threads.
    pool.broadcast(|_| WORKER.with(|cell| drop(cell.borrow_mut().take())));
    pb.finish_and_clear();
    let summary = HistorySummary {
        walk_secs: walked.secs,
        commits: walked.selected.len() as u64,
        unique_blobs: walked.jobs.len() as u64,
        shallow,
    };

    let results = results.into_inner().unwrap_or_default();
    let (results, merged) = first_carriers(results, &walked.selected);
    let occurrences = if opts.all_occurrences {
        let targets: HashSet<Oid> = merged.values().flatten().map(|b| to_git2(b)).collect();
        occurrences(&repo, &walked.selected, &targets)
    } else {
        HashMap::new()
    };
    let mut info_cache: HashMap<Arc<str>, crate::finding::CommitInfo> = HashMap::new();
    let mut out = Vec::new();
    for (_, commit, mut f) in results {
        let info = info_cache.entry(commit.clone()).or_insert_with(|| {
            let oid = Oid::from_str(&commit).unwrap_or_else(|_| Oid::zero());
            commit_info(&repo, oid)
        });
        f.commit = Some(info.clone());
        if let Some(blobs) = merged.get(&f.fingerprint) {
            let mut all: Vec<Occurrence> = blobs
                .iter()
                .filter_map(|b| occurrences.get(&to_git2(b)))
                .flatten()
                .cloned()
                .collect();
            all.dedup();
            f.occurrences = all;
        }
        out.push(f);
    }
    Ok((out, summary))
}

/// A finding as the scanners report it: the blob it is in and the commit that introduced
/// that blob.
type Found = (ObjectId, Arc<str>, Finding);

/// Each secret once. The same secret at the same path in later versions of a file (edited
/// elsewhere) is not news: only the findings of the earliest blob that carries it (by the
/// topological order of the introducing commits) are kept. Also returns, by fingerprint,
/// every blob that carried it, earliest first, for `--all-occurrences`.
fn first_carriers(
    results: Vec<Found>,
    selected: &[Oid],
) -> (Vec<Found>, HashMap<String, Vec<ObjectId>>) {
    if results.is_empty() {
        return (results, HashMap::new());
    }
    let rank: HashMap<Oid, usize> = selected.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rank_of = |commit: &str| {
        Oid::from_str(commit)
            .ok()
            .and_then(|c| rank.get(&c).copied())
            .unwrap_or(usize::MAX)
    };
    // fingerprint -> every (rank, blob) that carries it
    let mut carriers: HashMap<String, Vec<(usize, ObjectId)>> = HashMap::new();
    for (blob, commit, f) in &results {
        carriers
            .entry(f.fingerprint.clone())
            .or_default()
            .push((rank_of(commit), *blob));
    }
    let merged: HashMap<String, Vec<ObjectId>> = carriers
        .into_iter()
        .map(|(fp, mut v)| {
            v.sort_unstable();
            v.dedup();
            (fp, v.into_iter().map(|(_, b)| b).collect())
        })
        .collect();
    let kept = results
        .into_iter()
        .filter(|(blob, _, f)| merged.get(&f.fingerprint).and_then(|v| v.first()) == Some(blob))
        .collect();
    (kept, merged)
}

#[allow(clippy::too_many_arguments)]
fn scan_blob(
    objects: &mut Objects,
    job: &BlobJob,
    opts: &HistoryOptions,
    detector: &Detector,
    stats: &Stats,
    scratch: &mut Scratch,
    found: &mut Vec<Finding>,
) {
    if detector.path_is_allowed(&job.path) {
        stats.skip(&job.path, Skip::Allowlisted);
        return;
    }
    if super::has_binary_extension(&job.path) {
        stats.skip(&job.path, Skip::Binary);
        return;
    }
    // The size first, so that a huge blob is never inflated (memory stays bounded).
    if let Ok(size) = objects.size(&job.id) {
        if size > opts.max_file_size {
            stats.skip(&job.path, Skip::TooLarge);
            return;
        }
    }
    let data = match objects.blob(&job.id) {
        Ok(d) => d,
        Err(e) => return stats.error(format!("{}: {e:#}", job.path)),
    };
    if let Some(why) = skip_reason(data, opts.max_file_size) {
        stats.skip(&job.path, why);
        return;
    }
    stats.scanned(data.len());
    let t = Target {
        path: &job.path,
        data,
        commit: Some(&job.commit),
    };
    detector.detect(&t, scratch, found);
}
