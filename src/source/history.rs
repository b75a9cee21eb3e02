//! Git history: every blob reachable from the chosen refs, each unique blob scanned once, in
//! parallel, and attributed to the commit that introduced it.
//!
//! Two phases. (1) Walk commits oldest-first (topological, parents before children) and diff
//! each commit's tree against its first parent's, recording for every blob id the first
//! commit and path that carry it. Only blob ids, a commit index and a path are kept, so
//! memory stays proportional to the number of unique blobs, not to their content. (2) Scan
//! the unique blobs with rayon, each worker with its own repository handle and scratch.
//! The repository is only read, never written.

use super::git::{commit_info, entry_path, skip_reason, MODE_LINK, MODE_SUBMODULE};
use super::{Skip, Stats};
use crate::detect::{Detector, Scratch, Target};
use crate::finding::{Finding, Occurrence};
use anyhow::{anyhow, Context, Result};
use git2::{Delta, DiffOptions, ObjectType, Oid, Repository, Sort};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

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
    pub commits: u64,
    pub unique_blobs: u64,
    pub shallow: bool,
}

/// One unique blob to scan: where it first appeared.
struct BlobJob {
    id: Oid,
    commit: u32,
    path: String,
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
struct Collected {
    /// Commits that introduced at least one blob (indexed by `BlobJob::commit`).
    commits: Vec<Oid>,
    jobs: Vec<BlobJob>,
    occurrences: HashMap<Oid, Vec<Occurrence>>,
    walked: u64,
}

/// Phase 1: the unique blobs of the selected commits, with the commit that introduced each.
fn collect(repo: &Repository, opts: &HistoryOptions, pb: &ProgressBar) -> Result<Collected> {
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
    let mut commits: Vec<Oid> = Vec::new();
    let mut seen: HashMap<Oid, usize> = HashMap::new();
    let mut jobs: Vec<BlobJob> = Vec::new();
    let mut occurrences: HashMap<Oid, Vec<Occurrence>> = HashMap::new();
    let mut walked = 0u64;
    let mut dopts = DiffOptions::new();
    dopts.skip_binary_check(true).ignore_submodules(true);
    for id in walk {
        let id = match id {
            Ok(id) => id,
            Err(e) => {
                // A missing object in a shallow or damaged repository: say so, go on.
                eprintln!("warning: history walk: {}", e.message());
                continue;
            }
        };
        let commit = match repo.find_commit(id) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("warning: commit {id}: {}", e.message());
                continue;
            }
        };
        walked += 1;
        if walked % 256 == 0 {
            pb.set_message(format!(
                "walking history: {walked} commits, {} unique blobs",
                jobs.len()
            ));
        }
        if opts.since.is_some_and(|s| commit.time().seconds() < s) {
            continue;
        }
        let tree = commit
            .tree()
            .with_context(|| format!("commit {id}: cannot read its tree"))?;
        // Shallow boundaries and root commits are diffed against the empty tree.
        let parent_tree = commit.parent(0).ok().and_then(|p| p.tree().ok());
        let diff = repo
            .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut dopts))
            .with_context(|| format!("commit {id}: cannot diff against its parent"))?;
        let cidx = commits.len() as u32;
        let mut used = false;
        for delta in diff.deltas() {
            if !matches!(
                delta.status(),
                Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
            ) {
                continue;
            }
            let new = delta.new_file();
            let mode: u32 = new.mode().into();
            if mode == MODE_SUBMODULE || mode == MODE_LINK || new.id().is_zero() {
                continue;
            }
            let blob = new.id();
            let path = entry_path(new.path_bytes().unwrap_or(b""));
            if opts.all_occurrences {
                occurrences.entry(blob).or_default().push(Occurrence {
                    commit: id.to_string(),
                    path: path.clone(),
                });
            }
            if let std::collections::hash_map::Entry::Vacant(v) = seen.entry(blob) {
                v.insert(jobs.len());
                jobs.push(BlobJob {
                    id: blob,
                    commit: cidx,
                    path,
                });
                used = true;
            }
        }
        if used || opts.all_occurrences {
            commits.push(id);
        }
    }
    Ok(Collected {
        commits,
        jobs,
        occurrences,
        walked,
    })
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
    let pb = progress_bar(opts.progress, "walking history");
    let Collected {
        commits,
        jobs,
        occurrences,
        walked,
    } = collect(&repo, opts, &pb)?;
    let summary = HistorySummary {
        commits: walked,
        unique_blobs: jobs.len() as u64,
        shallow,
    };
    pb.finish_and_clear();

    let bar = if opts.progress {
        let b = ProgressBar::new(jobs.len() as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} blobs, {msg} [{elapsed}<{eta}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let found_count = AtomicU64::new(0);
    let results: Mutex<Vec<(usize, Finding)>> = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .context("cannot start worker threads")?;
    let commit_hex: Vec<String> = commits.iter().map(|c| c.to_string()).collect();
    pool.install(|| {
        jobs.par_iter().enumerate().for_each_init(
            || {
                (
                    Repository::open(&git_dir).ok(),
                    Scratch::default(),
                    Vec::new(),
                )
            },
            |(repo, scratch, found), (ji, job)| {
                let Some(repo) = repo.as_ref() else {
                    stats.error(format!("{}: cannot open repository", git_dir.display()));
                    return;
                };
                scan_blob(
                    repo,
                    job,
                    &commit_hex,
                    opts,
                    detector,
                    stats,
                    scratch,
                    found,
                );
                bar.inc(1);
                if !found.is_empty() {
                    let n = found_count.fetch_add(found.len() as u64, Ordering::Relaxed);
                    bar.set_message(format!("{} findings", n + found.len() as u64));
                    if let Ok(mut r) = results.lock() {
                        r.extend(found.drain(..).map(|f| (ji, f)));
                    }
                }
            },
        );
    });
    bar.finish_and_clear();

    let mut info_cache: HashMap<u32, crate::finding::CommitInfo> = HashMap::new();
    let mut out = Vec::new();
    for (ji, mut f) in results.into_inner().unwrap_or_default() {
        let job = &jobs[ji];
        let info = info_cache
            .entry(job.commit)
            .or_insert_with(|| commit_info(&repo, commits[job.commit as usize]));
        f.commit = Some(info.clone());
        if let Some(occ) = occurrences.get(&job.id) {
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
    commit_hex: &[String],
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
    // The header gives the size without inflating the object.
    match odb.read_header(job.id) {
        Ok((size, ObjectType::Blob)) if size as u64 > opts.max_file_size => {
            stats.skip(&job.path, Skip::TooLarge);
            return;
        }
        Ok(_) => {}
        Err(e) => {
            stats.error(format!(
                "{}: blob {} is missing or unreadable: {}",
                job.path,
                job.id,
                e.message()
            ));
            return;
        }
    }
    let obj = match odb.read(job.id) {
        Ok(o) => o,
        Err(e) => {
            stats.error(format!(
                "{}: blob {} is missing or unreadable: {}",
                job.path,
                job.id,
                e.message()
            ));
            return;
        }
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
        commit: Some(&commit_hex[job.commit as usize]),
    };
    detector.detect(&t, scratch, found);
}
