//! Git history as a source: every blob reachable from the chosen refs, each unique blob
//! scanned once, in parallel, and attributed to the commit that introduced it.
//!
//! Four steps, a file each: `select` the commits (oldest first), `walk` their trees to the
//! unique blobs (each with its introducing commit and path), `scan` the blobs through the
//! gate in pack order, and `attribute` each finding to the first commit that carried it.
//! The repository is only read, never written.

pub mod attribute;
pub mod cache;
mod memory;
pub mod scan;
pub mod select;
pub mod walk;

use super::objects::ObjectId;
use super::repo::Repo;
use crate::finding::Finding;
use crate::gate::{Gate, Kind};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

pub use select::Selection;

#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    pub selection: Selection,
    /// List every commit and path holding each finding.
    pub all_occurrences: bool,
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
    /// With a cache: the commits and blobs read this time (the rest were read before), and
    /// the blobs read again (with findings, or unreadable last time).
    pub incremental: Option<Incremental>,
}

#[derive(Debug, Default)]
pub struct Incremental {
    pub new_commits: u64,
    pub new_blobs: u64,
    pub reread: u64,
    /// Why the record could not be used, when it could not.
    pub rebuilt: Option<String>,
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

/// Scans the history of `repo` through `gate`; with `cache`, only what its record has not
/// seen (see `cache`), reporting what a full scan would.
pub fn scan(
    repo: &Repo,
    opts: &HistoryOptions,
    gate: &Gate,
    cache: Option<&cache::Store>,
) -> Result<(Vec<Finding>, HistorySummary)> {
    let shallow = repo.is_shallow();
    if shallow {
        eprintln!(
            "leakhound: the repository is shallow: scanning the history that is present; \
             older commits are not available here"
        );
    }
    let started = std::time::Instant::now();
    memory::limit_arenas();
    let pb = progress_bar(opts.progress, "reading history");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .context("cannot start worker threads")?;
    let objects_dir = repo.objects_dir();
    // A range walks its own ends; everything else starts from the tips (a cache records them).
    let tips = match &opts.selection.range {
        None => select::tips(repo, &opts.selection)?,
        Some(_) => Vec::new(),
    };
    let (prior, rebuilt) = match cache.map(|c| c.load()) {
        None => (None, None),
        Some(Ok(p)) => match select::rewritten(repo, &p.tips, &tips) {
            None => (Some(p), None),
            Some(why) => (None, Some(why)),
        },
        Some(Err(cache::Miss::Absent)) => (None, Some("no record yet".to_string())),
        Some(Err(cache::Miss::Stale)) => (None, Some("the rules or options changed".into())),
        Some(Err(cache::Miss::Damaged(why))) => (None, Some(format!("damaged record ({why})"))),
    };
    let hide: Vec<ObjectId> = prior
        .as_ref()
        .map(|p| p.tips.iter().map(|(_, id)| *id).collect())
        .unwrap_or_default();
    let selected = select::commits(repo, &opts.selection, &tips, &hide, &pb)?;
    let bounded = opts.selection.is_bounded();
    let threads = pool.current_num_threads();
    let (mut jobs, walked) = pool.install(|| {
        walk::unique_blobs(
            &objects_dir,
            &selected,
            bounded,
            prior.as_ref().map(|p| &p.seen),
            cache.is_some(),
            &pb,
            threads,
        )
    })?;
    let walk_secs = started.elapsed().as_secs_f64();
    let walk_errors = walked.errors;
    memory::release_freed();
    let new_blobs = jobs.iter().filter(|j| j.kind == Kind::File).count() as u64;
    // The earlier carriers come first, in their order: they are older than any new commit.
    let (commits, orders) = with_carriers(prior.as_ref(), &selected, &mut jobs);
    let reread = orders.len() as u64;
    let (found, unreadable) = scan::scan_blobs(&pool, &objects_dir, &commits, &mut jobs, gate, &pb);
    pb.finish_and_clear();
    let (prior_commits, prior_blobs) = prior.as_ref().map_or((0, 0), |p| (p.commits, p.blobs));
    let summary = HistorySummary {
        walk_secs,
        commits: prior_commits + selected.len() as u64,
        unique_blobs: prior_blobs + new_blobs,
        shallow,
        incremental: cache.map(|_| Incremental {
            new_commits: selected.len() as u64,
            new_blobs,
            reread,
            rebuilt,
        }),
    };
    if let Some(store) = cache.filter(|_| walked.errors == 0) {
        let mut seen = walked;
        let carriers = carriers(&found, &unreadable, &jobs, &commits, prior_commits, &orders);
        if let Some(p) = prior {
            seen.extend(p.seen);
        }
        store.save(cache::Update {
            seen: &seen,
            tips: &tips,
            carriers,
            commits: summary.commits,
            blobs: summary.unique_blobs,
        })?;
    }
    if cache.is_some() && summary.incremental.is_some() && walk_errors > 0 {
        crate::report::escape::warn(
            "the cache was not updated: some commits or trees could not be read (the next \
             run reads them again)",
        );
    }
    let head = super::diff::head_commit(repo).ok().flatten();
    let findings = attribute::attribute(
        found,
        &commits,
        &objects_dir,
        opts.all_occurrences,
        head.as_ref(),
    )?;
    Ok((findings, summary))
}

/// The commits findings are attributed to: the earlier run's carriers' commits (oldest
/// first), then `selected`; the carriers become jobs again and the new jobs' commit
/// indices move past them. Returns the commits and the carriers' orders.
fn with_carriers(
    prior: Option<&cache::Prior>,
    selected: &[ObjectId],
    jobs: &mut Vec<walk::BlobJob>,
) -> (Vec<ObjectId>, Vec<u64>) {
    let Some(p) = prior else {
        return (selected.to_vec(), Vec::new());
    };
    let mut carriers: Vec<&cache::Carrier> = p.carriers.iter().collect();
    carriers.sort_by_key(|c| c.order);
    let mut commits: Vec<ObjectId> = Vec::with_capacity(carriers.len() + selected.len());
    let mut old = Vec::with_capacity(carriers.len());
    let mut orders = Vec::with_capacity(carriers.len());
    for c in carriers {
        let (Ok(blob), Ok(commit)) = (
            ObjectId::from_hex(c.blob.as_bytes()),
            ObjectId::from_hex(c.commit.as_bytes()),
        ) else {
            continue;
        };
        commits.push(commit);
        orders.push(c.order);
        old.push(walk::BlobJob {
            id: blob,
            commit: (commits.len() - 1) as u32,
            path: c.path.as_str().into(),
            kind: match c.kind.as_str() {
                "symlink" => Kind::Symlink,
                "submodule" => Kind::Submodule,
                _ => Kind::File,
            },
        });
    }
    let offset = commits.len() as u32;
    for j in jobs.iter_mut() {
        j.commit += offset;
    }
    old.append(jobs);
    *jobs = old;
    commits.extend_from_slice(selected);
    (commits, orders)
}

/// The blobs of this run that produced findings, or could not be read (so that the next run
/// tries them again, as a full run would), as the next run's carriers; `order` keeps the
/// history's topological order across runs (earlier runs' commits count first).
fn carriers(
    found: &[scan::Found],
    unreadable: &super::objects::IdSet,
    jobs: &[walk::BlobJob],
    commits: &[ObjectId],
    prior_commits: u64,
    orders: &[u64],
) -> Vec<cache::Carrier> {
    let with_findings: super::objects::IdSet = found.iter().map(|(b, _, _)| *b).collect();
    jobs.iter()
        .filter(|j| with_findings.contains(&j.id) || unreadable.contains(&j.id))
        .map(|j| {
            let idx = j.commit as usize;
            // A carrier of an earlier run keeps its place; a new one comes after them all.
            let order = match orders.get(idx) {
                Some(o) => *o,
                None => prior_commits + (idx - orders.len()) as u64,
            };
            cache::Carrier {
                blob: j.id.to_string(),
                commit: commits[idx].to_string(),
                order,
                path: j.path.to_string(),
                kind: match j.kind {
                    Kind::Symlink => "symlink",
                    Kind::Submodule => "submodule",
                    _ => "file",
                }
                .to_string(),
            }
        })
        .collect()
}
