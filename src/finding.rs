//! A finding: what was found, where, and how to name it stably.
//!
//! The secret is kept whole in memory; every report masks it (see [`mask`]) unless the user
//! asked for `--show-secrets`.

use crate::rules::{Confidence, Remediation, Severity};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The git commit that introduced a finding (history scans).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommitInfo {
    pub commit: String,
    pub author: String,
    pub email: String,
    /// ISO 8601 with offset.
    pub date: String,
    /// First line of the commit message.
    pub message: String,
}

/// Another place the same blob (and so the same finding) appears; `--all-occurrences`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Occurrence {
    pub commit: String,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule_id: String,
    pub description: String,
    /// Relative to the scanned root, `/`-separated.
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The secret, whole. Mask it before it leaves the process.
    pub secret: String,
    /// The full text of the line where the secret starts (without the newline).
    pub line_text: String,
    pub entropy: f64,
    pub fingerprint: String,
    pub confidence: Confidence,
    pub severity: Severity,
    pub tags: Vec<String>,
    /// Set when the secret was found inside encoded text ("base64", "hex", "percent").
    pub encoding: Option<String>,
    pub commit: Option<CommitInfo>,
    pub occurrences: Vec<Occurrence>,
    /// What the provider said with `--verify`; `None` when verification did not run.
    pub verification: Option<Verification>,
    /// For a history finding: is the secret still in HEAD's tree (remove it and rotate), or
    /// only in history (rotate; rewrite history only if needed)? `None` outside history.
    pub present_at_head: Option<bool>,
    /// The rule's advice: where to rotate the credential and what it allows.
    pub remediation: Remediation,
    /// The repository it was found in, as `audit` was given it (local path or URL);
    /// `None` outside `audit` and `merge`.
    pub repository: Option<String>,
    /// Code advice carried from a report read back (`merge`: its lines are masked, so the
    /// advice cannot be derived again); `None` when it is derived from the line.
    pub advice: Option<Advice>,
}

/// What to change in the code for one finding, beside rotating the credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// `python`, `go`, ..., `kubernetes`, `dotenv`.
    pub language: std::borrow::Cow<'static, str>,
    /// The environment variable to read (from the assignment's name, else the rule's id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    /// The expression to put in place of the literal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// One sentence for people.
    pub text: String,
}

/// Is the credential live, by its provider's answer?
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum VerifyStatus {
    Valid,
    Invalid,
    Unknown,
}

impl VerifyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyStatus::Valid => "valid",
            VerifyStatus::Invalid => "invalid",
            VerifyStatus::Unknown => "unknown",
        }
    }
}

/// A verification's status and its detail: for `valid`, the identity the provider reports
/// (an account, a key name) or "live"; else why. Never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub status: VerifyStatus,
    pub detail: String,
}

/// `sha256(rule_id || 0x00 || path || 0x00 || secret)`, lower-case hex.
///
/// The line number is deliberately left out, so the fingerprint survives lines inserted above
/// the finding and re-indentation; it changes when the secret, the rule or the path does.
pub fn fingerprint(rule_id: &str, path: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(secret);
    hex(&h.finalize())
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How many leading characters of a secret a masked report shows: 4, fewer for short secrets
/// (a quarter of the length), so that a short password is never mostly visible.
fn visible_prefix(len: usize) -> usize {
    if len >= 16 {
        4
    } else {
        len / 4
    }
}

/// The first characters of the secret followed by `*`s (at most 16 stars, so the mask does
/// not reveal the length of long secrets beyond that).
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    let keep = visible_prefix(n);
    let mut out: String = secret.chars().take(keep).collect();
    let stars = (n - keep).clamp(4, 16);
    out.extend(std::iter::repeat_n('*', stars));
    out
}

/// The tag of a rule whose matches are never reported: they are the public half of a
/// two-part credential (a Twilio account SID), kept only to pair with the secret half for
/// `--verify`.
pub const PAIR_ONLY_TAG: &str = "pair-only";

impl Finding {
    /// Is this the public half of a credential, never reported (see [`PAIR_ONLY_TAG`])?
    pub fn is_pair_only(&self) -> bool {
        self.tags.iter().any(|t| t == PAIR_ONLY_TAG)
    }

    /// The line with this finding's secret masked, trimmed and shortened to `max` characters
    /// around the secret.
    pub fn masked_line(&self, show_secrets: bool, max: usize) -> String {
        let line = if show_secrets || self.secret.is_empty() {
            self.line_text.clone()
        } else {
            self.line_text.replace(&self.secret, &mask(&self.secret))
        };
        shorten(line.trim(), max)
    }

    pub fn display_secret(&self, show_secrets: bool) -> String {
        if show_secrets {
            self.secret.clone()
        } else {
            mask(&self.secret)
        }
    }

    /// Sort key for deterministic output.
    pub fn sort_key(&self) -> (&str, &str, usize, usize, &str) {
        (
            self.repository.as_deref().unwrap_or(""),
            &self.path,
            self.line,
            self.column,
            &self.rule_id,
        )
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Sorts by place (repository, path, line, column, rule); after `--verify`, live credentials first (then invalid, then unknown).
pub fn sort(findings: &mut [Finding]) {
    let status = |f: &Finding| f.verification.as_ref().map(|v| v.status);
    findings.sort_by(|a, b| {
        status(a)
            .cmp(&status(b))
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_line_but_not_secret() {
        let a = fingerprint("r", "p", b"s1");
        assert_eq!(a, fingerprint("r", "p", b"s1"));
        assert_ne!(a, fingerprint("r", "p", b"s2"));
        assert_ne!(a, fingerprint("r", "q", b"s1"));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn masks() {
        let m = mask("sk_test_very_secret_key_12345"); // leakhound:allow (test data)
        assert!(m.starts_with("sk_t*") && !m.contains("test_"), "{m}");
        assert_eq!(mask("hunter22"), "hu******");
        assert_eq!(mask("ab"), "****");
        assert!(!mask("abcdefghijklmnopqrstuvwxyz").contains("efgh"));
    }
}
