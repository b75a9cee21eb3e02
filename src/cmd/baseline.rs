//! `leakhound baseline`: record the current findings so that only new ones fail, update the
//! record, or list it.

use super::history::{self, HistorySettings};
use super::scan::{self, ScanSettings};
use super::Scanned;
use crate::baseline::{Baseline, DEFAULT_FILE};
use crate::exit;
use crate::report::escape::visible;
use anyhow::{Context, Result};
use std::path::PathBuf;

pub struct BaselineCmd {
    /// `--list`: print the entries of the baseline (of `output`, or the one at the root of
    /// `list_root`) and stop.
    pub list: bool,
    /// The tree whose baseline `--list` prints (the PATH argument).
    pub list_root: Option<PathBuf>,
    /// `--update`: merge into the existing file instead of replacing it.
    pub update: bool,
    /// Where to write (default: `.leakhound-baseline.json` at the scanned root).
    pub output: Option<PathBuf>,
    /// What to scan: a tree, or (`--history`) a repository's history.
    pub what: What,
}

pub enum What {
    Tree(ScanSettings),
    History(HistorySettings),
}

pub fn run(c: &BaselineCmd) -> Result<i32> {
    if c.list {
        let path = match (&c.output, &c.list_root) {
            (Some(file), _) => file.clone(),
            // PATH names the baseline itself, or the tree at whose root it lies.
            (None, Some(p)) if p.is_file() => p.clone(),
            (None, Some(root)) => root.join(DEFAULT_FILE),
            (None, None) => PathBuf::from(DEFAULT_FILE),
        };
        let b = Baseline::load(&path)?;
        for e in &b.entries {
            let status = e
                .status
                .and_then(|s| serde_json::to_value(s).ok())
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| "-".into());
            println!(
                "{}  {}:{}  {}  {}{}",
                &e.fingerprint[..12],
                visible(&e.path),
                e.line.map_or(String::from("?"), |l| l.to_string()),
                visible(&e.rule_id),
                status,
                e.note
                    .as_deref()
                    .map(|n| format!("  {}", visible(n)))
                    .unwrap_or_default()
            );
        }
        eprintln!("{}: {} entries", path.display(), b.entries.len());
        return Ok(exit::CLEAN);
    }
    let mut sc: Scanned = match &c.what {
        What::Tree(s) => scan::collect(s)?,
        What::History(h) => history::collect(h)?,
    };
    sc.findings.retain(|f| !f.is_pair_only());
    let path = match &c.output {
        Some(p) => p.clone(),
        None => sc
            .root
            .clone()
            .unwrap_or_else(|| PathBuf::from("."))
            .join(DEFAULT_FILE),
    };
    if c.update {
        let mut b = Baseline::load(&path)
            .with_context(|| "--update needs an existing baseline (create one without --update)")?;
        let n = b.update(&sc.findings);
        b.save(&path)?;
        eprintln!(
            "leakhound: {}: {} kept, {} added, {} dropped ({} entries)",
            path.display(),
            n.kept,
            n.added,
            n.dropped,
            b.entries.len()
        );
    } else {
        let b = Baseline::from_findings(&sc.findings);
        b.save(&path)?;
        eprintln!(
            "leakhound: {}: recorded {} entries from {} findings",
            path.display(),
            b.entries.len(),
            sc.findings.len()
        );
    }
    Ok(exit::CLEAN)
}
