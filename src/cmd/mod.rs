//! One module per subcommand, orchestration only, plus what they share: the settings the
//! command line is turned into (`cli` builds them; nothing here sees a clap type), loading
//! the rules for a root, and finishing a scan (filter, sort, report, summary, exit code).

pub mod baseline;
pub mod config;
pub mod history;
pub mod hook;
pub mod rules;
pub mod scan;

use crate::baseline::{self as bl, Baseline};
use crate::detect::{Detector, DetectorOptions};
use crate::exit;
use crate::finding::{self, Finding};
use crate::gate::Stats;
use crate::report::{self, Format};
use crate::rules::{Confidence, LoadOptions, RuleSet};
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The config file discovered at a scanned root when `--config` is not given.
pub const ROOT_CONFIG: &str = ".leakhound.toml";

/// Which rules and allowlists apply, and what the detector skips.
#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    pub config: Option<PathBuf>,
    pub no_default_allowlist: bool,
    pub with_examples: bool,
    /// Skip test code and fixtures.
    pub exclude_tests: bool,
}

impl RuleSettings {
    /// Loads the rules for `root` (see [`load_rules`]) and builds the detector; `small_input`
    /// for a few small inputs (a hook, stdin, named files).
    pub fn detector(&self, root: Option<&Path>, small_input: bool) -> Result<Detector> {
        let rules = load_rules(self, root)?;
        crate::detect::structure::check_names(&rules).map_err(|e| anyhow::anyhow!(e))?;
        Ok(Detector::new(
            rules,
            DetectorOptions {
                exclude_tests: self.exclude_tests,
                small_input,
            },
        ))
    }
}

/// Keeps a detector until the process exits instead of freeing it: a command ends right
/// after its scan, and freeing the rule set one allocation at a time cost 1.4 million
/// instructions, more than the whole scan of a small commit.
pub fn keep_until_exit(detector: Detector) {
    std::mem::forget(detector);
}

/// Which baseline applies: `--baseline FILE`, else `.leakhound-baseline.json` at the root if
/// present; `--no-baseline` turns both off.
#[derive(Debug, Clone, Default)]
pub struct BaselineSettings {
    pub file: Option<PathBuf>,
    pub disabled: bool,
}

impl BaselineSettings {
    pub fn resolve(&self, root: Option<&Path>) -> Result<Option<Baseline>> {
        if self.disabled {
            return Ok(None);
        }
        if let Some(f) = &self.file {
            return Baseline::load(f).map(Some);
        }
        match root
            .map(|r| r.join(bl::DEFAULT_FILE))
            .filter(|p| p.is_file())
        {
            Some(p) => Baseline::load(&p).map(Some),
            None => Ok(None),
        }
    }
}

#[derive(Debug, Clone)]
pub struct OutputSettings {
    pub format: Format,
    pub report: Option<PathBuf>,
    pub show_secrets: bool,
    pub exit_code: i32,
    pub min_confidence: Option<Confidence>,
    pub strict: bool,
    pub verbose: bool,
    pub color: bool,
    /// Also print GitHub Actions workflow commands (inline annotations) with text output.
    pub annotations: bool,
}

/// Loads the rules: `--config` if given, else `.leakhound.toml` at `root` if present, on top
/// of the embedded defaults. Warnings are printed to stderr.
pub fn load_rules(s: &RuleSettings, root: Option<&Path>) -> Result<RuleSet> {
    let config = s
        .config
        .clone()
        .or_else(|| root.map(|r| r.join(ROOT_CONFIG)).filter(|p| p.is_file()));
    let set = RuleSet::load(&LoadOptions {
        config,
        no_default_allowlist: s.no_default_allowlist,
        with_examples: s.with_examples,
    })?;
    for w in &set.warnings {
        eprintln!("warning: {w}");
    }
    Ok(set)
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Filters (confidence, baseline), sorts and reports `findings`; prints the summary;
/// returns the exit code.
pub fn finish(
    mut findings: Vec<Finding>,
    stats: &Stats,
    out: &OutputSettings,
    started: Instant,
    baseline: Option<&Baseline>,
    repository_uri: Option<String>,
) -> Result<i32> {
    if let Some(min) = out.min_confidence {
        findings.retain(|f| f.confidence >= min);
    }
    let suppressed = baseline.map_or(0, |b| b.suppress(&mut findings));
    finding::sort(&mut findings);
    let ctx = report::Context {
        show_secrets: out.show_secrets,
        color: out.color,
        repository_uri,
    };
    let stdout = std::io::stdout();
    match &out.report {
        Some(path) => {
            let mut buf = Vec::new();
            let plain = report::Context {
                color: false,
                repository_uri: ctx.repository_uri.clone(),
                ..ctx
            };
            report::write(out.format, &findings, &plain, &mut buf)?;
            report::write_atomic(path, &buf)
                .with_context(|| format!("cannot write report {}", path.display()))?;
            let mut lock = stdout.lock();
            report::write(Format::Text, &findings, &ctx, &mut lock).ok();
            if out.annotations {
                report::github::write(&findings, out.show_secrets, &mut lock).ok();
            }
            lock.flush().ok();
        }
        None => {
            let mut lock = stdout.lock();
            let mut r = report::write(out.format, &findings, &ctx, &mut lock);
            if out.annotations && out.format == Format::Text {
                r = r.and_then(|_| report::github::write(&findings, out.show_secrets, &mut lock));
            }
            let r = r.and_then(|_| lock.flush());
            if let Err(e) = r {
                // A closed pipe (`| head`) is not an error of ours.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    print_summary(&findings, stats, started, suppressed);
    let failed_files = stats.errors() > 0 && out.strict;
    Ok(if failed_files {
        exit::ERROR
    } else if findings.is_empty() {
        exit::CLEAN
    } else {
        out.exit_code
    })
}

fn print_summary(findings: &[Finding], stats: &Stats, started: Instant, suppressed: usize) {
    let mut line = format!(
        "leakhound: scanned {} files ({}) in {:.2}s: {} finding{}",
        stats.files(),
        human_bytes(stats.bytes()),
        started.elapsed().as_secs_f64(),
        findings.len(),
        if findings.len() == 1 { "" } else { "s" }
    );
    if suppressed > 0 {
        line.push_str(&format!(" ({suppressed} more suppressed by the baseline)"));
    }
    let skipped = stats.skipped_counts();
    if !skipped.is_empty() {
        let parts: Vec<String> = skipped
            .iter()
            .map(|(why, n)| format!("{n} {}", why.as_str()))
            .collect();
        line.push_str(&format!("; skipped {}", parts.join(", ")));
    }
    if stats.errors() > 0 {
        line.push_str(&format!("; {} unreadable", stats.errors()));
    }
    eprintln!("{line}");
    for (p, why) in stats.skipped_names() {
        eprintln!("  skipped {p}: {}", why.as_str());
    }
}
