//! `leakhound history [REPO]`: every unique blob of the history, attributed to the commit
//! that introduced it.

use super::policy::{self, PolicyFrom};
use super::Scanned;
use super::{keep_until_exit, BaselineSettings, OutputSettings, RuleSettings};
use crate::gate::{Gate, Stats};
use crate::report::escape;
use crate::source::git::history::cache::Store;
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
    /// `--cache DIR`: read only what an earlier run has not (see `history::cache`).
    pub cache: Option<PathBuf>,
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
    let store = match &s.cache {
        Some(dir) => {
            let sel = &s.history.selection;
            if sel.range.is_some() || sel.since.is_some() || s.history.all_occurrences {
                anyhow::bail!(
                    "--cache records whole histories: it cannot be used with --range, --since \
                     or --all-occurrences"
                );
            }
            let key = cache_key(s, &detector.rules, &policy, repo.git_dir())?;
            Some(Store::open(dir, repo.git_dir(), key)?)
        }
        None => None,
    };
    let (findings, summary) = history::scan(&repo, &s.history, &gate, store.as_ref())?;
    drop(store);
    let mut line = format!(
        "leakhound: history: {} commits, {} unique blobs (history read in {:.2}s)",
        summary.commits, summary.unique_blobs, summary.walk_secs,
    );
    if let Some(i) = &summary.incremental {
        match &i.rebuilt {
            Some(why) => line.push_str(&format!("; cache rebuilt: {why}")),
            None => line.push_str(&format!(
                "; from the cache: {} new commits, {} new blobs read, {} read again (with \
                 findings, or unreadable before)",
                i.new_commits, i.new_blobs, i.reread
            )),
        }
    }
    if summary.shallow {
        line.push_str(" (shallow clone)");
    }
    eprintln!("{line}");
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
        history: Some(summary),
    })
}

/// What a cached record is valid for: this very program (its executable's path, size and
/// modification time: the version number does not change with every build, and reading
/// the whole executable cost a debug build a second per run), the rules and allowlists in force
/// (their `Debug` text: sources, not compiled state), the ignore file, whether and where the
/// repository is shallow (deepening it brings history the tips would hide), and every option
/// that changes what a blob yields.
fn cache_key(
    s: &HistorySettings,
    rules: &crate::rules::RuleSet,
    policy: &super::Policy,
    git_dir: &std::path::Path,
) -> Result<[u8; 32]> {
    use sha2::{Digest, Sha256};
    let exe = std::env::current_exe().ok();
    let meta = exe.as_deref().and_then(|e| std::fs::metadata(e).ok());
    let program = format!(
        "{}\0{:?}\0{:?}\0{:?}",
        env!("CARGO_PKG_VERSION"),
        exe,
        meta.as_ref().map(|m| m.len()),
        meta.and_then(|m| m.modified().ok())
    );
    let mut h = Sha256::new();
    h.update(program);
    h.update(std::fs::read(git_dir.join("shallow")).unwrap_or_default());
    h.update(format!("{:?}\0{:?}\0", rules.rules, rules.allowlists));
    let ignore = crate::policy::read_text(policy.files.as_ref(), crate::policy::IGNORE)?;
    h.update(ignore.unwrap_or_default());
    h.update(format!(
        "\0{}\0{}\0{}\0{:?}\0{}",
        s.max_file_size,
        s.max_archive_depth,
        s.rules.exclude_tests,
        s.history.selection.branch,
        s.history.selection.include_stash
    ));
    Ok(h.finalize().into())
}
