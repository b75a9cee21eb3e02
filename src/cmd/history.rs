//! `leakhound history [REPO]`: every unique blob of the history, attributed to the commit
//! that introduced it.

use super::scan::Scanned;
use super::{load_rules, BaselineSettings, OutputSettings, RuleSettings};
use crate::detect::Detector;
use crate::source::git::discover;
use crate::source::history::{self, HistoryOptions};
use crate::source::Stats;
use anyhow::Result;
use std::path::PathBuf;
use std::time::Instant;

pub struct HistorySettings {
    pub repo: PathBuf,
    pub history: HistoryOptions,
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
    let repo = discover(&s.repo)?;
    let root = repo
        .workdir()
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|| repo.path().to_path_buf());
    drop(repo);
    let rules = load_rules(&s.rules, Some(&root))?;
    let mut detector = Detector::new(rules);
    detector.exclude_tests = s.rules.exclude_tests;
    let stats = Stats::new(s.output.verbose);
    let (findings, summary) = history::scan(&s.repo, &s.history, &detector, &stats)?;
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
    Ok(Scanned {
        findings,
        stats,
        detector,
        root: Some(root),
        started,
    })
}
