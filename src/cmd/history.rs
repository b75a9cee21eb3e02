//! `leakhound history [REPO]`: every unique blob of the history, attributed to the commit
//! that introduced it.

use super::scan::Scanned;
use super::{keep_until_exit, BaselineSettings, OutputSettings, RuleSettings};
use crate::gate::{Gate, Stats};
use crate::source::git::history::{self, HistoryOptions};
use crate::source::git::Repo;
use anyhow::Result;
use std::path::PathBuf;
use std::time::Instant;

pub struct HistorySettings {
    pub repo: PathBuf,
    pub history: HistoryOptions,
    pub max_file_size: u64,
    pub rules: RuleSettings,
    pub baseline: BaselineSettings,
    pub output: OutputSettings,
}

pub fn run(s: &HistorySettings) -> Result<i32> {
    collect(s)?.finish(&s.output, &s.baseline)
}

/// Runs the history scan and returns its findings unfiltered.
pub fn collect(s: &HistorySettings) -> Result<Scanned> {
    let started = Instant::now();
    let repo = Repo::discover(&s.repo)?;
    let root = repo.root();
    let detector = s.rules.detector(Some(&root), false)?;
    let stats = Stats::new(s.output.verbose);
    let gate = Gate {
        detector: &detector,
        stats: &stats,
        max_file_size: s.max_file_size,
    };
    let (findings, summary) = history::scan(&repo, &s.history, &gate)?;
    eprintln!(
        "leakhound: history: {} commits, {} unique blobs (history read in {:.2}s){}",
        summary.commits,
        summary.unique_blobs,
        summary.walk_secs,
        if summary.shallow {
            " (shallow clone)"
        } else {
            ""
        }
    );
    keep_until_exit(detector);
    Ok(Scanned {
        findings,
        stats,
        root: Some(root),
        started,
    })
}
