//! `leakhound history [REPO]`: every unique blob of the history, attributed to the commit
//! that introduced it.

use super::policy::{self, PolicyFrom};
use super::Scanned;
use super::{keep_until_exit, BaselineSettings, OutputSettings, RuleSettings};
use crate::gate::{Gate, Stats};
use crate::report::escape;
use crate::source::git::history::{self, HistoryOptions};
use crate::source::git::Repo;
use anyhow::Result;
use std::path::PathBuf;
use std::time::Instant;

pub struct HistorySettings {
    pub repo: PathBuf,
    pub history: HistoryOptions,
    pub max_file_size: u64,
    /// How deep archives are opened (`--max-archive-depth`; 0: not at all).
    pub max_archive_depth: u8,
    pub rules: RuleSettings,
    pub baseline: BaselineSettings,
    pub output: OutputSettings,
    /// `--policy-from`: a range reads its policy from its merge base by default.
    pub policy_from: PolicyFrom,
}

pub fn run(s: &HistorySettings) -> Result<i32> {
    collect(s)?.finish(&s.output, &s.baseline)
}

/// Runs the history scan and returns its findings unfiltered.
pub fn collect(s: &HistorySettings) -> Result<Scanned> {
    let started = Instant::now();
    let repo = Repo::discover(&s.repo)?;
    let root = repo.root();
    let range = s.history.selection.range.as_deref();
    let (policy, ends) = policy::for_history(&s.policy_from, repo.git_dir(), &root, range)?;
    let detector = s.rules.detector(Some(&policy), false)?;
    let ignore = crate::policy::ignore_matcher(policy.files.as_ref())?;
    let mut notes = Vec::new();
    if let Some(e) = &ends {
        // The baseline is read after the scan; a named one in the checkout is a policy file.
        let named = s
            .baseline
            .file
            .as_deref()
            .and_then(|f| policy.named_file(f));
        notes.extend(policy::range_note(&policy, repo.git_dir(), e, named)?);
    }
    if range.is_some() || policy.commit_of.is_some() {
        escape::note(&format!("leakhound: policy from {}", policy.origin));
    }
    let stats = Stats::new(s.output.verbose);
    let gate = Gate {
        detector: &detector,
        stats: &stats,
        max_file_size: s.max_file_size,
        max_archive_depth: s.max_archive_depth,
        ignore: ignore.as_ref(),
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
    let verifiers = super::verifiers_for(&s.output, &detector)?;
    keep_until_exit(detector);
    Ok(Scanned {
        findings,
        stats,
        root: Some(root),
        policy: Some(policy),
        notes,
        started,
        verifiers,
    })
}
