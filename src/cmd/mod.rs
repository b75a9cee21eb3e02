//! One module per subcommand, orchestration only, plus what they share: the settings the
//! command line is turned into (`cli` builds them; nothing here sees a clap type), loading
//! the rules for a root, and finishing a scan (filter, sort, report, summary, exit code).

pub mod audit;
pub mod baseline;
pub mod config;
pub mod fix;
pub mod history;
pub mod hook;
pub mod merge;
pub mod policy;
pub mod rules;
pub mod scan;

use crate::baseline::Baseline;
use crate::detect::{Detector, DetectorOptions};
use crate::exit;
use crate::finding::{self, Finding};
use crate::gate::Stats;
use crate::report::escape;
use crate::report::{self, Format};
use crate::rules::{Confidence, LoadOptions, PolicyConfig, RuleSet};
use crate::verify::{self, Partners, Verifiers};
use anyhow::{Context as _, Result};
pub use policy::{Policy, PolicyFrom};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// The config file discovered at a scanned root when `--config` is not given.
pub const ROOT_CONFIG: &str = crate::policy::CONFIG;

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
    /// Loads the rules under `policy` (see [`load_rules`]) and builds the detector;
    /// `small_input` for a few small inputs (a hook, stdin, named files).
    pub fn detector(&self, policy: Option<&Policy>, small_input: bool) -> Result<Detector> {
        let rules = load_rules(self, policy)?;
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

/// The verifiers of `detector`'s rules when `--verify` is on (else none are parsed).
pub fn verifiers_for(out: &OutputSettings, detector: &Detector) -> Result<Option<Verifiers>> {
    match out.verify {
        Some(_) => Verifiers::from_rules(&detector.rules)
            .map(Some)
            .map_err(|e| anyhow::anyhow!(e)),
        None => Ok(None),
    }
}

/// Keeps a detector until the process exits instead of freeing it: a command ends right
/// after its scan, and freeing the rule set one allocation at a time cost 1.4 million
/// instructions, more than the whole scan of a small commit.
pub fn keep_until_exit(detector: Detector) {
    std::mem::forget(detector);
}

/// Which baseline applies: `--baseline FILE`, else `.leakhound-baseline.json` of the policy
/// if present; `--no-baseline` turns both off.
#[derive(Debug, Clone, Default)]
pub struct BaselineSettings {
    pub file: Option<PathBuf>,
    pub disabled: bool,
}

impl BaselineSettings {
    pub fn resolve(&self, policy: Option<&Policy>) -> Result<Option<Baseline>> {
        if self.disabled {
            return Ok(None);
        }
        let rel = match (&self.file, policy) {
            (Some(f), Some(p)) => match p.named_file(f) {
                Some(rel) => rel,
                None => return Baseline::load(f).map(Some),
            },
            (Some(f), None) => return Baseline::load(f).map(Some),
            (None, Some(_)) => crate::policy::BASELINE.to_string(),
            (None, None) => return Ok(None),
        };
        let Some(p) = policy else { return Ok(None) };
        match crate::policy::read_text(p.files.as_ref(), &rel)? {
            Some(text) => Baseline::parse(&p.files.name(&rel), &text).map(Some),
            None if self.file.is_some() => Err(anyhow::anyhow!(
                "{}: no such baseline in {}",
                p.files.name(&rel),
                p.origin
            )),
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
    /// Text output shows each rule's remediation and the code-aware advice.
    pub remediation: bool,
    /// `--verify`: ask providers which findings are live.
    pub verify: Option<crate::verify::VerifySettings>,
}

impl OutputSettings {
    /// Settings for a command that reports nothing itself (a baseline, `fix`): text, no
    /// color, no verification.
    pub fn quiet() -> OutputSettings {
        OutputSettings {
            format: Format::Text,
            report: None,
            show_secrets: false,
            exit_code: exit::FINDINGS,
            min_confidence: None,
            strict: false,
            verbose: false,
            color: false,
            annotations: false,
            remediation: false,
            verify: None,
        }
    }
}

/// Loads the rules: `--config` if given (read from the policy's commit when the policy is a
/// commit's and the file lies in the work tree under review), else the policy's
/// `.leakhound.toml` if present, on top of the embedded defaults. Warnings go to stderr.
pub fn load_rules(s: &RuleSettings, policy: Option<&Policy>) -> Result<RuleSet> {
    let mut config = s.config.clone();
    let mut policy_config = None;
    if let Some(p) = policy {
        let rel = match &s.config {
            Some(f) => p.named_file(f),
            None => Some(ROOT_CONFIG.to_string()),
        };
        if let Some(rel) = rel {
            config = None;
            policy_config = Some(PolicyConfig {
                files: p.files.clone(),
                path: rel,
                optional: s.config.is_none(),
            });
        }
    }
    // A config read from disk that lies inside the scanned tree is the scanned material's:
    // it may narrow what is reported, never say where secrets are sent.
    let config_in_tree = match (&config, policy) {
        (Some(c), Some(p)) => p.holds(c),
        _ => false,
    };
    let set = RuleSet::load(&LoadOptions {
        config,
        config_in_tree,
        policy_config,
        no_default_allowlist: s.no_default_allowlist,
        with_examples: s.with_examples,
    })?;
    for w in &set.warnings {
        escape::warn(w);
    }
    Ok(set)
}

/// Runs `f`, showing on stderr how many files and bytes `stats` has counted so far once it
/// has run for a second (a large tree, a release archive, an image), when `enabled`.
pub fn with_progress<T>(enabled: bool, stats: &Stats, f: impl FnOnce() -> T) -> T {
    if !enabled {
        return f();
    }
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let started = Instant::now();
            let mut pb: Option<indicatif::ProgressBar> = None;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if started.elapsed().as_secs() < 1 {
                    continue;
                }
                let bar = pb.get_or_insert_with(|| {
                    let b = indicatif::ProgressBar::new_spinner();
                    b.enable_steady_tick(std::time::Duration::from_millis(120));
                    b
                });
                bar.set_message(format!(
                    "scanning: {} files, {}",
                    stats.files(),
                    human_bytes(stats.bytes())
                ));
            }
            if let Some(b) = pb {
                b.finish_and_clear();
            }
        });
        let out = f();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    })
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

/// A scan's raw results, before filtering and reporting.
pub struct Scanned {
    pub findings: Vec<Finding>,
    pub stats: Stats,
    /// The scanned root (for SARIF's repository URL).
    pub root: Option<PathBuf>,
    /// Where `.leakhound.toml`, the default baseline and `.leakhoundignore` were read from.
    pub policy: Option<Policy>,
    /// Facts for every report format (a range that changes the policy).
    pub notes: Vec<report::Note>,
    pub started: Instant,
    /// The rules' verifiers, with `--verify`.
    pub verifiers: Option<Verifiers>,
    /// What a history scan read (commits, blobs, what the cache spared).
    pub history: Option<crate::source::git::history::HistorySummary>,
}

impl Scanned {
    /// Applies the baseline found from `root` (or named), reports, and returns the exit code.
    pub fn finish(self, output: &OutputSettings, baseline: &BaselineSettings) -> Result<i32> {
        let b = baseline.resolve(self.policy.as_ref())?;
        // Only SARIF names the repository: the remote is not read for other formats.
        let uri = match output.format {
            Format::Sarif => self
                .root
                .as_deref()
                .and_then(crate::source::git::repo::origin_url),
            _ => None,
        };
        finish(self, output, b.as_ref(), uri)
    }
}

/// Filters (confidence, baseline), verifies with `--verify`, sorts and reports the
/// findings; prints the summary; returns the exit code.
fn finish(
    scanned: Scanned,
    out: &OutputSettings,
    baseline: Option<&Baseline>,
    repository_uri: Option<String>,
) -> Result<i32> {
    let Scanned {
        mut findings,
        stats,
        notes,
        started,
        verifiers,
        ..
    } = scanned;
    let (stats, verifiers) = (&stats, verifiers.as_ref());
    let partners = match verifiers {
        Some(v) if out.verify.is_some() => Partners::collect(&findings, v),
        _ => Partners::default(),
    };
    findings.retain(|f| !f.is_pair_only());
    if let Some(min) = out.min_confidence {
        findings.retain(|f| f.confidence >= min);
    }
    crate::gate::archive::mark_deleted(&stats.whiteouts(), &mut findings);
    let suppressed = baseline.map_or(0, |b| b.suppress(&mut findings));
    if let (Some(settings), Some(v)) = (&out.verify, verifiers) {
        verify::run(&mut findings, &partners, v, settings).map_err(|e| anyhow::anyhow!(e))?;
        if settings.only_verified {
            verify::keep_verified(&mut findings);
        }
    }
    finding::sort(&mut findings);
    let ctx = report::Context {
        show_secrets: out.show_secrets,
        color: out.color,
        remediation: out.remediation,
        repository_uri,
        notes,
    };
    let stdout = std::io::stdout();
    match &out.report {
        Some(path) => {
            let mut buf = Vec::new();
            let plain = report::Context {
                color: false,
                repository_uri: ctx.repository_uri.clone(),
                notes: ctx.notes.clone(),
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
    for n in &ctx.notes {
        escape::note(&format!("leakhound: note: {}", n.message));
    }
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
    escape::note(&line);
    for (p, why) in stats.skipped_names() {
        eprintln!("  skipped {}: {}", escape::visible(&p), why.as_str());
    }
}
