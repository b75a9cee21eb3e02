//! Git history as a source: every blob reachable from the chosen refs, each unique blob
//! scanned once, in parallel, and attributed to the commit that introduced it.
//!
//! Four steps, a file each: `select` the commits (oldest first), `walk` their trees to the
//! unique blobs (each with its introducing commit and path), `scan` the blobs through the
//! gate in pack order, and `attribute` each finding to the first commit that carried it.
//! The repository is only read, never written.

pub mod attribute;
pub mod scan;
pub mod select;
pub mod walk;

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

/// Scans the history of `repo` through `gate`.
pub fn scan(
    repo: &Repo,
    opts: &HistoryOptions,
    gate: &Gate,
) -> Result<(Vec<Finding>, HistorySummary)> {
    let shallow = repo.is_shallow();
    if shallow {
        eprintln!(
            "leakhound: the repository is shallow: scanning the history that is present; \
             older commits are not available here"
        );
    }
    let started = std::time::Instant::now();
    let pb = progress_bar(opts.progress, "reading history");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .context("cannot start worker threads")?;
    let objects_dir = repo.objects_dir();
    let selected = select::commits(repo, &opts.selection, &pb)?;
    let bounded = opts.selection.is_bounded();
    let threads = pool.current_num_threads();
    let mut jobs =
        pool.install(|| walk::unique_blobs(&objects_dir, &selected, bounded, &pb, threads))?;
    let walk_secs = started.elapsed().as_secs_f64();
    let found = scan::scan_blobs(&pool, &objects_dir, &selected, &mut jobs, gate, &pb);
    pb.finish_and_clear();
    let summary = HistorySummary {
        walk_secs,
        commits: selected.len() as u64,
        unique_blobs: jobs.iter().filter(|j| j.kind == Kind::File).count() as u64,
        shallow,
    };
    let head = super::diff::head_commit(repo).ok().flatten();
    let findings = attribute::attribute(
        found,
        &selected,
        &objects_dir,
        opts.all_occurrences,
        head.as_ref(),
    )?;
    Ok((findings, summary))
}
