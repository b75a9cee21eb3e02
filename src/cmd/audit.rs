//! `leakhound audit LIST`: the history of every repository in a list (local paths or clone
//! URLs), each scanned incrementally with a cache, as one JSONL stream: every finding with
//! its `repository`, then a summary object per repository. `--shard I/N` takes a stable share
//! of the list, so N jobs of a scheduler cover it without talking to each other; `merge`
//! combines their outputs.

use super::history::{self, HistorySettings};
use super::{BaselineSettings, OutputSettings, PolicyFrom, RuleSettings};
use crate::exit;
use crate::report::escape;
use crate::report::json::JsonFinding;
use crate::rules::Confidence;
use crate::source::git::history::HistoryOptions;
use crate::source::git::remote;
use anyhow::{bail, Context as _, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct AuditSettings {
    pub list: PathBuf,
    /// `(i, n)`: only the locations of shard `i` of `n` (1-based).
    pub shard: Option<(u64, u64)>,
    /// Where each repository's incremental record is kept.
    pub cache: PathBuf,
    /// Where repositories named by URL are cloned (and fetched on later runs).
    pub work_dir: PathBuf,
    pub report: Option<PathBuf>,
    pub rules: RuleSettings,
    pub min_confidence: Option<Confidence>,
    pub max_file_size: u64,
    pub max_archive_depth: u8,
    pub threads: usize,
}

/// The locations of `text` (one a line; blank lines and `#` comments skipped).
pub fn locations(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// Parses `I/N` (1 <= I <= N).
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("{s:?} is not a shard: I/N with 1 <= I <= N (for example 2/8)");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || n == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// The shard (1-based, of `n`) a location belongs to: a hash of the location, so adding a
/// repository to the list moves no other.
pub fn shard_of(location: &str, n: u64) -> u64 {
    let h = Sha256::digest(location.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&h[..8]);
    u64::from_be_bytes(b) % n + 1
}

pub fn run(s: &AuditSettings) -> Result<i32> {
    let text = std::fs::read_to_string(&s.list)
        .with_context(|| format!("cannot read the list {}", s.list.display()))?;
    let all = locations(&text);
    if all.is_empty() {
        bail!("{}: no repositories listed", s.list.display());
    }
    let mine: Vec<&str> = all
        .into_iter()
        .filter(|l| s.shard.is_none_or(|(i, n)| shard_of(l, n) == i))
        .collect();
    // Each repository's lines go to stdout as soon as it is done, or to the report file,
    // written whole at the end.
    let mut out: Vec<u8> = Vec::new();
    let (mut findings_total, mut failed) = (0usize, 0usize);
    for location in &mine {
        // Shown and stored without any credentials the list's URLs carry.
        let shown = crate::source::git::repo::redact_url(location);
        escape::note(&format!("leakhound: audit: {shown}"));
        let started = Instant::now();
        let mut summary = serde_json::json!({"kind": "summary", "repository": shown});
        match audit_one(s, location) {
            Ok((findings, stats)) => {
                for f in &findings {
                    serde_json::to_writer(&mut out, &JsonFinding::new(f, false))?;
                    out.write_all(b"\n")?;
                }
                findings_total += findings.len();
                summary["findings"] = findings.len().into();
                for (k, v) in stats {
                    summary[k] = v.into();
                }
            }
            Err(e) => {
                failed += 1;
                let msg = format!("{e:#}");
                escape::warn(&format!("{shown}: {msg}"));
                summary["error"] = msg.into();
            }
        }
        summary["seconds"] = ((started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0).into();
        serde_json::to_writer(&mut out, &summary)?;
        out.write_all(b"\n")?;
        if s.report.is_none() {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&out)?;
            stdout.flush()?;
            out.clear();
        }
    }
    if let Some(path) = &s.report {
        crate::report::write_atomic(path, &out)
            .with_context(|| format!("cannot write report {}", path.display()))?;
    }
    escape::note(&format!(
        "leakhound: audit: {} of {} repositories{}, {findings_total} findings, {failed} failed",
        mine.len(),
        locations(&text).len(),
        s.shard
            .map_or(String::new(), |(i, n)| format!(" (shard {i}/{n})"))
    ));
    Ok(if failed > 0 {
        exit::ERROR
    } else if findings_total > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

/// Named counts for a repository's summary object.
type Counts = Vec<(&'static str, u64)>;

/// One repository's findings (filtered and sorted as `history` reports them, each with
/// its `repository`), and the counts for its summary.
fn audit_one(s: &AuditSettings, location: &str) -> Result<(Vec<crate::finding::Finding>, Counts)> {
    let repo = if remote::is_url(location) {
        remote::mirror(&s.work_dir, location)?
    } else {
        let p = Path::new(location);
        if !p.exists() {
            bail!("{location}: no such directory");
        }
        p.to_path_buf()
    };
    let settings = HistorySettings {
        repo,
        history: HistoryOptions {
            threads: s.threads,
            ..Default::default()
        },
        max_file_size: s.max_file_size,
        max_archive_depth: s.max_archive_depth,
        rules: s.rules.clone(),
        baseline: BaselineSettings::default(),
        output: OutputSettings::quiet(),
        policy_from: PolicyFrom::Auto,
        cache: Some(s.cache.clone()),
    };
    let scanned = history::collect(&settings)?;
    let baseline = settings.baseline.resolve(scanned.policy.as_ref())?;
    let mut findings = scanned.findings;
    findings.retain(|f| !f.is_pair_only() && s.min_confidence.is_none_or(|m| f.confidence >= m));
    if let Some(b) = baseline {
        b.suppress(&mut findings);
    }
    let shown = crate::source::git::repo::redact_url(location);
    for f in &mut findings {
        f.repository = Some(shown.clone());
    }
    crate::finding::sort(&mut findings);
    let mut stats = vec![
        ("files", scanned.stats.files()),
        ("bytes", scanned.stats.bytes()),
        ("unreadable", scanned.stats.errors()),
    ];
    if let Some(h) = &scanned.history {
        stats.push(("commits", h.commits));
        stats.push(("unique_blobs", h.unique_blobs));
        if let Some(i) = &h.incremental {
            stats.push(("new_commits", i.new_commits));
            stats.push(("new_blobs", i.new_blobs));
            stats.push(("reread_blobs", i.reread));
        }
    }
    Ok((findings, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_a_list_once_and_stably() {
        let list: Vec<String> = (0..200)
            .map(|i| format!("git@host:org/repo{i}.git"))
            .collect();
        let mut covered = 0;
        for i in 1..=3 {
            covered += list.iter().filter(|l| shard_of(l, 3) == i).count();
        }
        assert_eq!(covered, list.len());
        // Each shard gets a fair share.
        assert!((1..=3).all(|i| list.iter().filter(|l| shard_of(l, 3) == i).count() > 40));
        assert_eq!(parse_shard("2/8"), Ok((2, 8)));
        assert!(parse_shard("0/8").is_err() && parse_shard("9/8").is_err());
        assert_eq!(locations("# org\n\n a \nb\n"), vec!["a", "b"]);
    }
}
