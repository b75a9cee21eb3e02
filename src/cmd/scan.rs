//! `leakhound scan`: files, directories and stdin, or the staged index.

use super::{finish, keep_until_exit, BaselineSettings, OutputSettings, RuleSettings};
use crate::finding::Finding;
use crate::gate::{Gate, Stats};
use crate::report::Format;
use crate::source::git::staged::{self, StagedOptions};
use crate::source::git::{repo, Repo};
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
}

#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub target: ScanTarget,
    pub max_file_size: u64,
    pub rules: RuleSettings,
    pub baseline: BaselineSettings,
    pub output: OutputSettings,
}

/// A scan's raw results, before filtering and reporting.
pub struct Scanned {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    /// Where `.leakhound.toml` and the default baseline are looked for.
    pub root: Option<PathBuf>,
    pub started: Instant,
}

impl Scanned {
    /// Applies the baseline found from `root` (or named), reports, and returns the exit code.
    pub fn finish(self, output: &OutputSettings, baseline: &BaselineSettings) -> Result<i32> {
        let b = baseline.resolve(self.root.as_deref())?;
        // Only SARIF names the repository: the remote is not read for other formats.
        let uri = match output.format {
            Format::Sarif => self.root.as_deref().and_then(repo::origin_url),
            _ => None,
        };
        finish(
            self.findings,
            &self.stats,
            output,
            self.started,
            b.as_ref(),
            uri,
        )
    }
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
    let detector = s.rules.detector(config_root.as_deref(), small)?;
    let stats = Stats::new(s.output.verbose);
    let gate = Gate {
        detector: &detector,
        stats: &stats,
        max_file_size: s.max_file_size,
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
        findings.extend(source::fs::scan(&opts, &gate));
    }
    keep_until_exit(detector);
    Ok(Scanned {
        findings,
        stats,
        root: config_root,
        started,
    })
}

/// `scan --staged`: the index of the repository around the current directory.
fn collect_staged(s: &ScanSettings, opts: StagedOptions) -> Result<Scanned> {
    let started = Instant::now();
    let repo = Repo::discover(std::path::Path::new("."))?;
    let root = repo.workdir().map(|p| p.to_path_buf());
    let detector = s.rules.detector(root.as_deref(), true)?;
    let stats = Stats::new(s.output.verbose);
    let gate = Gate {
        detector: &detector,
        stats: &stats,
        max_file_size: s.max_file_size,
    };
    let findings = staged::scan(&repo, opts, &gate)?;
    keep_until_exit(detector);
    Ok(Scanned {
        findings,
        stats,
        root,
        started,
    })
}
