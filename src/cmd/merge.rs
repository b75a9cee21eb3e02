//! `leakhound merge REPORT...`: JSON or JSONL reports (the shards of an `audit`, or the
//! reports of several days) combined into one report in any format, each finding once by
//! repository, fingerprint and
//! introducing commit. Secrets stay as the reports hold them: masked, unless they
//! were written with `--show-secrets`. With JSONL output, `audit`'s per-repository
//! summaries follow the findings (the latest of each repository), so a merge can be merged
//! again.

use super::OutputSettings;
use crate::exit;
use crate::report::input::{self, Parsed};
use crate::report::{self, escape, Format};
use anyhow::{bail, Context as _, Result};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::PathBuf;

pub struct MergeSettings {
    pub reports: Vec<PathBuf>,
    pub output: OutputSettings,
}

pub fn run(s: &MergeSettings) -> Result<i32> {
    if s.reports.is_empty() {
        bail!("merge needs at least one report");
    }
    let mut parsed = Parsed::default();
    for path in &s.reports {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        input::parse(&path.display().to_string(), &text, &mut parsed)?;
    }
    let mut seen = HashSet::new();
    let mut findings: Vec<_> = parsed
        .findings
        .into_iter()
        .filter(|f| {
            let commit = f.commit.as_ref().map(|c| c.commit.clone());
            seen.insert((f.repository.clone(), f.fingerprint.clone(), commit))
        })
        .collect();
    if let Some(min) = s.output.min_confidence {
        findings.retain(|f| f.confidence >= min);
    }
    crate::finding::sort(&mut findings);
    let mut summaries: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for v in parsed.summaries {
        let repo = v["repository"].as_str().unwrap_or("").to_string();
        summaries.insert(repo, v);
    }
    let failed: Vec<&String> = summaries
        .iter()
        .filter(|(_, v)| v.get("error").is_some())
        .map(|(k, _)| k)
        .collect();
    let ctx = report::Context {
        // The reports' secrets are shown as the reports hold them (already masked).
        show_secrets: true,
        color: s.output.color && s.output.report.is_none(),
        remediation: s.output.remediation,
        repository_uri: None,
        notes: parsed.notes,
    };
    let mut buf = Vec::new();
    report::write(s.output.format, &findings, &ctx, &mut buf)?;
    if s.output.format == Format::Jsonl {
        for v in summaries.values() {
            serde_json::to_writer(&mut buf, v)?;
            buf.write_all(b"\n")?;
        }
    }
    match &s.output.report {
        Some(path) => report::write_atomic(path, &buf)
            .with_context(|| format!("cannot write report {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(&buf).and_then(|_| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    escape::note(&format!(
        "leakhound: merged {} reports: {} findings in {} repositories",
        s.reports.len(),
        findings.len(),
        findings
            .iter()
            .map(|f| f.repository.as_deref().unwrap_or(""))
            .collect::<HashSet<_>>()
            .len()
    ));
    for r in &failed {
        escape::warn(&format!(
            "{r}: its audit failed; its findings may be missing"
        ));
    }
    Ok(if findings.is_empty() {
        exit::CLEAN
    } else {
        s.output.exit_code
    })
}
