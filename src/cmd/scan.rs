//! `leakhound scan`: files, directories and stdin, or the staged index.

use super::{keep_until_exit, BaselineSettings, OutputSettings, Policy, RuleSettings, Scanned};
use crate::gate::{Gate, Stats};
use crate::source::git::staged::{self, StagedOptions};
use crate::source::git::Repo;
use crate::source::{self, fs::WalkOptions};
use anyhow::{bail, Result};
use std::path::PathBuf;
use std::time::Instant;

/// What `scan` reads.
#[derive(Debug, Clone)]
pub enum ScanTarget {
    /// Files and directories; `-` among them reads stdin.
    Paths(PathsScan),
    /// The staged index of the repository around the current directory.
    Staged(StagedOptions),
}

#[derive(Debug, Clone, Default)]
pub struct PathsScan {
    /// Files and directories; empty means `.`.
    pub paths: Vec<PathBuf>,
    /// The name stdin is reported under.
    pub stdin_name: String,
    pub no_ignore: bool,
    pub follow: bool,
    pub threads: usize,
    /// Show a progress line on stderr (a terminal) while a long scan runs.
    pub progress: bool,
}

#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub target: ScanTarget,
    pub max_file_size: u64,
    /// How deep archives are opened (`--max-archive-depth`; 0: not at all).
    pub max_archive_depth: u8,
    pub rules: RuleSettings,
    pub baseline: BaselineSettings,
    pub output: OutputSettings,
}

pub fn run(s: &ScanSettings) -> Result<i32> {
    collect(s)?.finish(&s.output, &s.baseline)
}

/// Runs the scan and returns its findings unfiltered.
pub fn collect(s: &ScanSettings) -> Result<Scanned> {
    match &s.target {
        ScanTarget::Paths(p) => collect_paths(s, p),
        ScanTarget::Staged(o) => collect_staged(s, *o),
    }
}

fn collect_paths(s: &ScanSettings, p: &PathsScan) -> Result<Scanned> {
    let started = Instant::now();
    let paths = if p.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        p.paths.clone()
    };
    let (stdin, roots): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.into_iter().partition(|p| p.as_os_str() == "-");
    for r in &roots {
        // symlink_metadata: a dangling symlink given by name is still "there".
        if std::fs::symlink_metadata(r).is_err() {
            bail!("{}: no such file or directory", r.display());
        }
    }
    let config_root = roots.first().filter(|r| r.is_dir()).cloned();
    // A few files or stdin: build the keyword automaton for a fast start, not for throughput.
    let small = roots.len() <= 16 && roots.iter().all(|r| r.is_file());
    let policy = config_root.as_deref().map(Policy::worktree);
    let detector = s.rules.detector(policy.as_ref(), small)?;
    let stats = Stats::new(s.output.verbose);
    // The walk honours every .leakhoundignore itself.
    let gate = Gate {
        detector: &detector,
        stats: &stats,
        max_file_size: s.max_file_size,
        max_archive_depth: s.max_archive_depth,
        ignore: None,
    };
    let mut findings = Vec::new();
    if !stdin.is_empty() {
        let mut input = std::io::stdin().lock();
        findings.extend(source::stdin::scan(&mut input, &p.stdin_name, &gate)?);
    }
    if !roots.is_empty() {
        let opts = WalkOptions {
            roots,
            no_ignore: p.no_ignore,
            follow: p.follow,
            threads: p.threads,
        };
        let found = super::with_progress(p.progress, &stats, || source::fs::scan(&opts, &gate));
        findings.extend(found);
    }
    let verifiers = super::verifiers_for(&s.output, &detector)?;
    keep_until_exit(detector);
    Ok(Scanned {
        findings,
        stats,
        root: config_root,
        policy,
        notes: Vec::new(),
        started,
        verifiers,
        history: None,
    })
}

/// `scan --staged`: the index of the repository around the current directory.
fn collect_staged(s: &ScanSettings, opts: StagedOptions) -> Result<Scanned> {
    let started = Instant::now();
    let repo = Repo::discover(std::path::Path::new("."))?;
    let root = repo.workdir().map(|p| p.to_path_buf());
    // The person committing owns the working tree's policy.
    let policy = root.as_deref().map(Policy::worktree);
    let detector = s.rules.detector(policy.as_ref(), true)?;
    let ignore = match &policy {
        Some(p) => crate::policy::ignore_matcher(p.files.as_ref())?,
        None => None,
    };
    let stats = Stats::new(s.output.verbose);
    let gate = Gate {
        detector: &detector,
        stats: &stats,
        max_file_size: s.max_file_size,
        max_archive_depth: s.max_archive_depth,
        ignore: ignore.as_ref(),
    };
    let findings = staged::scan(&repo, opts, &gate)?;
    // The pre-commit path never verifies, whatever the settings say.
    let verifiers = None;
    keep_until_exit(detector);
    Ok(Scanned {
        findings,
        stats,
        root,
        policy,
        notes: Vec::new(),
        started,
        verifiers,
        history: None,
    })
}
