//! The baseline: findings a team has accepted, so that only new ones fail the build.
//!
//! The file holds fingerprints, never secrets (not even partially): a fingerprint is a
//! sha256 that includes the secret (see `finding::fingerprint`). Entries are sorted and the
//! JSON pretty-printed, so the file diffs well in review, and it is written atomically.

use crate::finding::Finding;
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The file name looked for at the scanned root when `--baseline` is not given.
pub const DEFAULT_FILE: &str = crate::policy::BASELINE;
const FORMAT: &str = "leakhound-baseline";
const VERSION: u32 = 1;

/// A reviewer's verdict on an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    FalsePositive,
    Accepted,
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
    /// Where it was seen when recorded; informational only (matching uses the fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The introducing commit, for history baselines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSyntax {
    format: String,
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Debug, Default, Clone)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

/// What `update` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UpdateCounts {
    pub kept: usize,
    pub added: usize,
    pub dropped: usize,
}

fn entry_for(f: &Finding) -> Entry {
    Entry {
        fingerprint: f.fingerprint.clone(),
        rule_id: f.rule_id.clone(),
        path: f.path.clone(),
        line: Some(f.line),
        commit: f.commit.as_ref().map(|c| c.commit.clone()),
        status: None,
        note: None,
    }
}

impl Baseline {
    /// One entry per distinct fingerprint among `findings`.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut seen = HashSet::new();
        let entries = findings
            .iter()
            .filter(|f| seen.insert(f.fingerprint.clone()))
            .map(entry_for)
            .collect();
        let mut b = Baseline { entries };
        b.sort();
        b
    }

    fn sort(&mut self) {
        self.entries.sort_by(|a, b| {
            (&a.path, &a.rule_id, &a.fingerprint).cmp(&(&b.path, &b.rule_id, &b.fingerprint))
        });
    }

    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read baseline", path.display()))?;
        Self::parse(&path.display().to_string(), &text)
    }

    /// Parses a baseline's text; `name` is how errors name the file.
    pub fn parse(name: &str, text: &str) -> Result<Baseline> {
        let syntax: FileSyntax = serde_json::from_str(text).map_err(|e| {
            anyhow!(
                "{}:{}:{}: not a leakhound baseline: {e}",
                name,
                e.line(),
                e.column()
            )
        })?;
        if syntax.format != FORMAT {
            bail!(
                "{}: not a leakhound baseline (format {:?}, expected {FORMAT:?})",
                name,
                syntax.format
            );
        }
        if syntax.version != VERSION {
            bail!(
                "{}: baseline version {} is not supported (this leakhound reads version {VERSION})",
                name,
                syntax.version
            );
        }
        for (i, e) in syntax.entries.iter().enumerate() {
            let hex =
                e.fingerprint.len() == 64 && e.fingerprint.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex {
                bail!(
                    "{}: entry {}: fingerprint must be 64 hex digits (a sha256), got {:?}",
                    name,
                    i + 1,
                    e.fingerprint.chars().take(8).collect::<String>()
                );
            }
        }
        Ok(Baseline {
            entries: syntax.entries,
        })
    }

    /// Writes the baseline atomically: sorted entries, pretty JSON, trailing newline.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut b = self.clone();
        b.sort();
        let file = FileSyntax {
            format: FORMAT.to_string(),
            version: VERSION,
            entries: b.entries,
        };
        let mut text = serde_json::to_string_pretty(&file)?;
        text.push('\n');
        crate::report::write_atomic(path, text.as_bytes())
            .with_context(|| format!("{}: cannot write baseline", path.display()))
    }

    /// Keeps entries still found (with their status and note), adds new findings, drops
    /// entries no longer found.
    pub fn update(&mut self, findings: &[Finding]) -> UpdateCounts {
        let fresh = Baseline::from_findings(findings);
        let old: HashMap<String, Entry> = self
            .entries
            .drain(..)
            .map(|e| (e.fingerprint.clone(), e))
            .collect();
        let mut counts = UpdateCounts::default();
        let mut kept_fps = HashSet::new();
        for mut e in fresh.entries {
            if let Some(prev) = old.get(&e.fingerprint) {
                e.status = prev.status;
                e.note = prev.note.clone();
                counts.kept += 1;
                kept_fps.insert(e.fingerprint.clone());
            } else {
                counts.added += 1;
            }
            self.entries.push(e);
        }
        counts.dropped = old.len() - kept_fps.len();
        self.sort();
        counts
    }

    pub fn fingerprints(&self) -> HashSet<&str> {
        self.entries
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }

    /// Removes baselined findings; returns how many were suppressed.
    pub fn suppress(&self, findings: &mut Vec<Finding>) -> usize {
        let set = self.fingerprints();
        let before = findings.len();
        findings.retain(|f| !set.contains(f.fingerprint.as_str()));
        before - findings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Confidence, Severity};

    fn finding(path: &str, secret: &str, line: usize) -> Finding {
        Finding {
            rule_id: "r".into(),
            description: String::new(),
            path: path.into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            secret: secret.into(),
            line_text: String::new(),
            entropy: 0.0,
            fingerprint: crate::finding::fingerprint("r", path, secret.as_bytes()),
            confidence: Confidence::High,
            severity: Severity::High,
            tags: vec![],
            encoding: None,
            commit: None,
            occurrences: vec![],
            verification: None,
            present_at_head: None,
            remediation: Default::default(),
            repository: None,
            advice: None,
        }
    }

    #[test]
    fn round_trip_and_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        let b = Baseline::from_findings(&[finding("a", "s3cr3tvalue1234", 3)]);
        b.save(&p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(!text.contains("s3cr3t"));
        assert_eq!(Baseline::load(&p).unwrap().entries, b.entries);
    }

    #[test]
    fn update_keeps_annotations() {
        let mut b = Baseline::from_findings(&[finding("a", "one", 1), finding("a", "two", 2)]);
        let one = crate::finding::fingerprint("r", "a", b"one");
        let two = crate::finding::fingerprint("r", "a", b"two");
        let e = b.entries.iter_mut().find(|e| e.fingerprint == one).unwrap();
        e.status = Some(Status::Accepted);
        e.note = Some("rotated".into());
        // "one" moves to line 9, "two" is gone, "three" is new.
        let counts = b.update(&[finding("a", "one", 9), finding("b", "three", 1)]);
        assert_eq!(
            counts,
            UpdateCounts {
                kept: 1,
                added: 1,
                dropped: 1
            }
        );
        let kept = b.entries.iter().find(|e| e.fingerprint == one).unwrap();
        assert_eq!(kept.status, Some(Status::Accepted));
        assert_eq!(kept.note.as_deref(), Some("rotated"));
        assert_eq!(kept.line, Some(9));
        assert!(b.entries.iter().all(|e| e.fingerprint != two));
        let three = b.entries.iter().find(|e| e.path == "b").unwrap();
        assert_eq!((three.status, three.note.as_deref()), (None, None));
    }

    #[test]
    fn foreign_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        std::fs::write(&p, "[{\"fingerprint\": \"x\"}]").unwrap();
        assert!(Baseline::load(&p)
            .unwrap_err()
            .to_string()
            .contains("not a leakhound baseline"));
        std::fs::write(&p, "{\"format\": \"leakhound-baseline\", \"version\": 1, \"entries\": [{\"fingerprint\": \"abc\", \"rule_id\": \"r\", \"path\": \"p\"}]}").unwrap();
        assert!(Baseline::load(&p)
            .unwrap_err()
            .to_string()
            .contains("64 hex"));
    }
}
