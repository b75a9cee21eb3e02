//! `--format json` (an array) and `--format jsonl` (one object a line). Field names are
//! stable: add fields, never rename them. Notes about the run follow the findings as objects
//! with `"kind": "note"` (only when there are any).

use super::context::{Context, Note};
use crate::finding::{Finding, Occurrence};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
pub struct JsonFinding<'a> {
    pub rule_id: &'a str,
    pub description: &'a str,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub secret: String,
    #[serde(rename = "match")]
    pub line_text: String,
    pub entropy: f64,
    pub fingerprint: &'a str,
    pub confidence: &'a str,
    pub severity: &'a str,
    pub tags: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub occurrences: &'a [Occurrence],
    /// With `--verify`: `valid`, `invalid` or `unknown` ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<&'a str>,
    /// ... and the provider's identity for the key, or why it is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_detail: Option<&'a str>,
    /// History findings: is the secret still in HEAD's tree?
    #[serde(skip_serializing_if = "Option::is_none")]
    pub present_at_head: Option<bool>,
    /// Where to rotate the credential, what it allows, and (for code in a known language)
    /// the environment lookup to use instead.
    pub remediation: JsonRemediation<'a>,
    /// `audit` and `merge`: the repository, as the list names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<&'a str>,
}

#[derive(Serialize)]
pub struct JsonRemediation<'a> {
    pub rotate: &'a str,
    pub impact: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<crate::fix::Advice>,
}

impl<'a> JsonFinding<'a> {
    pub fn new(f: &'a Finding, show_secrets: bool) -> JsonFinding<'a> {
        let c = f.commit.as_ref();
        JsonFinding {
            rule_id: &f.rule_id,
            description: &f.description,
            path: &f.path,
            line: f.line,
            column: f.column,
            end_line: f.end_line,
            end_column: f.end_column,
            secret: f.display_secret(show_secrets),
            line_text: f.masked_line(show_secrets, 500),
            entropy: f.entropy,
            fingerprint: &f.fingerprint,
            confidence: f.confidence.as_str(),
            severity: f.severity.as_str(),
            tags: &f.tags,
            encoding: f.encoding.as_deref(),
            commit: c.map(|c| c.commit.as_str()),
            author: c.map(|c| c.author.as_str()),
            email: c.map(|c| c.email.as_str()),
            date: c.map(|c| c.date.as_str()),
            message: c.map(|c| c.message.as_str()),
            occurrences: &f.occurrences,
            verification: f.verification.as_ref().map(|v| v.status.as_str()),
            verification_detail: f.verification.as_ref().map(|v| v.detail.as_str()),
            present_at_head: f.present_at_head,
            remediation: JsonRemediation {
                rotate: &f.remediation.rotate,
                impact: &f.remediation.impact,
                fix: crate::fix::advice(f),
            },
            repository: f.repository.as_deref(),
        }
    }
}

/// A note about the run, after the findings: `{"kind": "note", "id": ..., "message": ...,
/// "files": [...]}`. Findings carry no `kind`; a consumer tells them apart by `rule_id`.
#[derive(Serialize)]
struct JsonNote<'a> {
    kind: &'static str,
    #[serde(flatten)]
    note: &'a Note,
}

pub fn write(
    findings: &[Finding],
    ctx: &Context,
    out: &mut dyn Write,
    lines: bool,
) -> io::Result<()> {
    let items: Vec<JsonFinding> = findings
        .iter()
        .map(|f| JsonFinding::new(f, ctx.show_secrets))
        .collect();
    let notes: Vec<JsonNote> = ctx
        .notes
        .iter()
        .map(|note| JsonNote { kind: "note", note })
        .collect();
    if lines {
        for i in &items {
            serde_json::to_writer(&mut *out, i)?;
            out.write_all(b"\n")?;
        }
        for n in &notes {
            serde_json::to_writer(&mut *out, n)?;
            out.write_all(b"\n")?;
        }
    } else if notes.is_empty() {
        serde_json::to_writer_pretty(&mut *out, &items)?;
        out.write_all(b"\n")?;
    } else {
        let mut all: Vec<serde_json::Value> = Vec::with_capacity(items.len() + notes.len());
        for i in &items {
            all.push(serde_json::to_value(i)?);
        }
        for n in &notes {
            all.push(serde_json::to_value(n)?);
        }
        serde_json::to_writer_pretty(&mut *out, &all)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
