//! Git history: every blob reachable from the chosen refs, each unique blob scanned once, in
//! parallel, and attributed to the commit that introduced it.
//!
//! Two phases. (1) Walk commits oldest-first (topological, parents before children) and read
//! each commit's tree, entering only trees never seen before, recording for every new blob
//! id the first commit and path that carry it. Only ids, a commit index and a path are kept,
//! so memory stays proportional to the number of unique objects, not to their content. (2) Scan
//! the unique blobs with rayon, each worker with its own repository handle and scratch.
//! The repository is only read, never written.

use super::git::{commit_info, skip_reason, MODE_LINK};
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
use std::sync::mpsc::Sender;
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
    id: Oid,
    /// The introducing commit, hex (shared by the blobs it introduced).
    commit: Arc<str>,
    path: String,
}

/// A pool thread's state for scanning blobs.
struct Worker {
    git_dir: PathBuf,
    repo: Repository,
    scratch: Scratch,
    found: Vec<Finding>,
}

thread_local! {
    static WORKER: std::cell::RefCell<Option<Worker>> = const { std::cell::RefCell::new(None) };
}

/// Blobs are handed from the walk to the scanners in batches of this many.
const BATCH: usize = 256;

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

/// What phase 1 yields besides the blobs it streams.
struct Walked {
    /// Every selected commit, oldest first.
    selected: Vec<Oid>,
    unique_blobs: u64,
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
    trees: HashSet<Oid>,
    blobs: HashSet<Oid>,
}

impl Seen {
    /// Walks `root`, calling `new_blob(id, path)` for blobs not seen before.
    fn visit(
        &mut self,
        repo: &Repository,
        root: Oid,
        mut new_blob: impl FnMut(Oid, String),
    ) -> Result<()> {
        if !self.trees.insert(root) {
            return Ok(());
        }
        let mut stack: Vec<(Oid, String)> = vec![(root, String::new())];
        while let Some((tid, prefix)) = stack.pop() {
            let tree = match repo.find_tree(tid) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("warning: tree {tid} ({prefix}): {}", e.message());
                    continue;
                }
            };
            for entry in tree.iter() {
                let id = entry.id();
                let name = String::from_utf8_lossy(entry.name_bytes());
                match entry.kind() {
                    Some(ObjectType::Tree) if self.trees.insert(id) => {
                        stack.push((id, format!("{prefix}{name}/")));
                    }
                    Some(ObjectType::Blob) => {
                        if entry.filemode() as u32 == MODE_LINK {
                            continue;
                        }
                        if self.blobs.insert(id) {
                            new_blob(id, format!("{prefix}{name}"));
                        }
                    }
                    // Submodules (commits) and anything else: not our content.
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

/// Phase 1: the unique blobs of the selected commits, each with the commit that introduced
/// it, sent to the scanners in batches as they are found (so scanning overlaps the walk).
fn walk(
    repo: &Repository,
    opts: &HistoryOptions,
    pb: &ProgressBar,
    tx: Sender<Vec<BlobJob>>,
) -> Result<Walked> {
    let started = std::time::Instant::now();
    let selected = select_commits(repo, opts, pb)?;
    let selected_set: HashSet<Oid> = selected.iter().copied().collect();
    let mut seen = Seen::default();
    // A range or a date cut: what the boundary parents already had is not new. (Without
    // either, every parent is selected too, or missing in a shallow clone.)
    let cut = opts.range.is_some() || opts.since.is_some() || opts.branch.is_some();
    for &id in selected.iter().filter(|_| cut) {
        let Ok(c) = repo.find_commit(id) else {
            continue;
        };
        for p in c.parent_ids().filter(|p| !selected_set.contains(p)) {
            if let Ok(pt) = repo.find_commit(p).and_then(|pc| pc.tree()) {
                seen.visit(repo, pt.id(), |_, _| {})?;
            }
        }
    }
    let mut batch: Vec<BlobJob> = Vec::with_capacity(BATCH);
    let mut unique = 0u64;
    for (n, &id) in selected.iter().enumerate() {
        // The tree id is in the commit; the root tree itself is read only if new.
        let tree = match repo.find_commit(id).map(|c| c.tree_id()) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("warning: commit {id}: {}", e.message());
                continue;
            }
        };
        let hex: Arc<str> = Arc::from(id.to_string());
        seen.visit(repo, tree, |blob, path| {
            unique += 1;
            batch.push(BlobJob {
                id: blob,
                commit: hex.clone(),
                path,
            })
        })?;
        if batch.len() >= BATCH {
            // The scanners stopped (an error): stop walking too.
            if tx.send(std::mem::take(&mut batch)).is_err() {
                break;
            }
        }
        if n % 512 == 0 {
            pb.set_message(format!(
                "{n}/{} commits, {unique} unique blobs",
                selected.len()
            ));
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
    Ok(Walked {
        selected,
        unique_blobs: unique,
        secs: started.elapsed().as_secs_f64(),
    })
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
    let results: Mutex<Vec<(Oid, Arc<str>, Finding)>> = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .context("cannot start worker threads")?;
    // Unbounded: the walk never waits for the scanners (with one thread it runs first).
    let (tx, rx) = std::sync::mpsc::channel::<Vec<BlobJob>>();
    let walk_repo = Repository::open(&git_dir).context("cannot open the repository")?;
    // The walk takes one of the pool's threads (a whole core, not a share of one) while the
    // others scan what it has found so far; when it is done its thread scans too.
    let pb_ref = &pb;
    let (walked, ()) = pool.install(|| {
        rayon::join(
            move || walk(&walk_repo, opts, pb_ref, tx),
            || {
                rx.into_iter().flatten().par_bridge().for_each(|job| {
                    // One repository handle and scratch per pool thread, kept for the whole
                    // scan: each handle has its own pack caches, so opening one per rayon
                    // split would multiply memory.
                    WORKER.with(|cell| {
                        let mut slot = cell.borrow_mut();
                        if slot.as_ref().is_none_or(|w| w.git_dir != git_dir) {
                            *slot = Repository::open(&git_dir).ok().map(|repo| Worker {
                                git_dir: git_dir.clone(),
                                repo,
                                scratch: Scratch::default(),
                                found: Vec::new(),
                            });
                        }
                        let Some(w) = slot.as_mut() else {
                            stats.error(format!("{}: cannot open repository", git_dir.display()));
                            return;
                        };
                        scan_blob(
                            &w.repo,
                            &job,
                            opts,
                            detector,
                            stats,
                            &mut w.scratch,
                            &mut w.found,
                        );
                        let n = scanned.fetch_add(1, Ordering::Relaxed);
                        if n % 256 == 0 {
                            pb.set_message(format!(
                                "{n} blobs scanned, {} findings",
                                found_count.load(Ordering::Relaxed)
                            ));
                        }
                        if !w.found.is_empty() {
                            found_count.fetch_add(w.found.len() as u64, Ordering::Relaxed);
                            if let Ok(mut r) = results.lock() {
                                r.extend(
                                    w.found.drain(..).map(|f| (job.id, job.commit.clone(), f)),
                                );
                            }
                        }
                    });
                });
            },
        )
    });
    let walked = walked?;
    // Release the handles (and their pack maps) held by the pool's threads.
    pool.broadcast(|_| WORKER.with(|cell| cell.borrow_mut().take()));
    pb.finish_and_clear();
    let summary = HistorySummary {
        walk_secs: walked.secs,
        commits: walked.selected.len() as u64,
        unique_blobs: walked.unique_blobs,
        shallow,
    };

    let results = results.into_inner().unwrap_or_default();
    let occurrences = if opts.all_occurrences {
        let targets: HashSet<Oid> = results.iter().map(|(id, _, _)| *id).collect();
        occurrences(&repo, &walked.selected, &targets)
    } else {
        HashMap::new()
    };
    let mut info_cache: HashMap<Arc<str>, crate::finding::CommitInfo> = HashMap::new();
    let mut out = Vec::new();
    for (blob, commit, mut f) in results {
        let info = info_cache.entry(commit.clone()).or_insert_with(|| {
            let oid = Oid::from_str(&commit).unwrap_or_else(|_| Oid::zero());
            commit_info(&repo, oid)
        });
        f.commit = Some(info.clone());
        if let Some(occ) = occurrences.get(&blob) {
            f.occurrences = occ.clone();
        }
        out.push(f);
    }
    Ok((out, summary))
}

#[allow(clippy::too_many_arguments)]
fn scan_blob(
    repo: &Repository,
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
    let odb = match repo.odb() {
        Ok(o) => o,
        Err(e) => {
            stats.error(format!("cannot open the object database: {}", e.message()));
            return;
        }
    };
    let unreadable = |e: git2::Error| {
        stats.error(format!(
            "{}: blob {} is missing or unreadable: {}",
            job.path,
            job.id,
            e.message()
        ))
    };
    // No size check before reading: for a deltified object, libgit2's header read inflates
    // the start of every delta in its chain, which cost more than it saved. Blobs over the
    // limit are rare, and skipped right after reading.
    let obj = match odb.read(job.id) {
        Ok(o) => o,
        Err(e) => return unreadable(e),
    };
    let data = obj.data();
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
