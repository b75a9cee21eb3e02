//! `leakhound scan`: files, directories and stdin.

use super::{finish, load_rules, BaselineSettings, OutputSettings, RuleSettings};
use crate::detect::Detector;
use crate::finding::Finding;
use crate::source::{self, fs::WalkOptions, Stats};
use anyhow::{bail, Result};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub paths: Vec<PathBuf>,
    pub stdin_name: String,
    pub no_ignore: bool,
    pub follow: bool,
    pub max_file_size: u64,
    pub threads: usize,
    /// Scan the staged index instead of paths.
    pub staged: bool,
    /// With `staged`: every line of the changed files, not only added lines.
    pub all_lines: bool,
    pub rules: RuleSettings,
    pub baseline: BaselineSettings,
    pub output: OutputSettings,
}

/// A scan's raw results, before filtering and reporting.
pub struct Scanned {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    pub detector: Detector,
    /// Where `.leakhound.toml` and the default baseline are looked for.
    pub root: Option<PathBuf>,
    pub started: Instant,
}

impl Scanned {
    /// Applies the baseline found from `root` (or named), reports, and returns the exit code.
    pub fn finish(self, output: &OutputSettings, baseline: &BaselineSettings) -> Result<i32> {
        let b = baseline.resolve(self.root.as_deref())?;
        let uri = self.root.as_deref().and_then(super::origin_url);
        finish(
            self.findings,
            &self.stats,
            &self.detector.rules,
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
    if s.staged {
        return collect_staged(s);
    }
    let started = Instant::now();
    let paths = if s.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        s.paths.clone()
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
    let rules = load_rules(&s.rules, config_root.as_deref())?;
    // A few files or stdin: build the keyword automaton for a fast start, not for throughput.
    let small = roots.len() <= 16 && roots.iter().all(|r| r.is_file());
    let mut detector = if small {
        Detector::for_small_input(rules)
    } else {
        Detector::new(rules)
    };
    detector.exclude_tests = s.rules.exclude_tests;
    let stats = Stats::new(s.output.verbose);
    let mut findings = Vec::new();
    if !stdin.is_empty() {
        let mut input = std::io::stdin().lock();
        findings.extend(source::stdin::scan(
            &mut input,
            &s.stdin_name,
            s.max_file_size,
            &detector,
            &stats,
        )?);
    }
    if !roots.is_empty() {
        let opts = WalkOptions {
            roots,
            no_ignore: s.no_ignore,
            follow: s.follow,
            max_file_size: s.max_file_size,
            threads: s.threads,
        };
        findings.extend(source::fs::scan(&opts, &detector, &stats));
    }
    Ok(Scanned {
        findings,
        stats,
        detector,
        root: config_root,
        started,
    })
}

/// `scan --staged`: the index of the repository around the current directory.
fn collect_staged(s: &ScanSettings) -> Result<Scanned> {
    let started = Instant::now();
    if !s.paths.is_empty() {
        bail!("--staged scans the index; it takes no paths (use -C DIR for another repository)");
    }
    let repo = crate::source::git::discover(std::path::Path::new("."))?;
    let root = repo.workdir().map(|p| p.to_path_buf());
    let rules = load_rules(&s.rules, root.as_deref())?;
    let mut detector = Detector::for_small_input(rules);
    detector.exclude_tests = s.rules.exclude_tests;
    let stats = Stats::new(s.output.verbose);
    let opts = source::staged::StagedOptions {
        all_lines: s.all_lines,
        max_file_size: s.max_file_size,
    };
    let findings = source::staged::scan(&repo, &opts, &detector, &stats)?;
    Ok(Scanned {
        findings,
        stats,
        detector,
        root,
        started,
    })
}
