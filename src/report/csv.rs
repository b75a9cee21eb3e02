//! `--format csv`: a header row and one row per finding, with the JSON report's fields.
//! Every record is one line: a line break inside a field (a scanned file name may hold one)
//! is written as `\n` or `\r`, so no line of the output starts with text from a scanned name.

use super::context::Context;
use super::json::JsonFinding;
use crate::finding::Finding;
use std::io::{self, Write};

const HEADER: &[&str] = &[
    "rule_id",
    "description",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "secret",
    "match",
    "entropy",
    "fingerprint",
    "confidence",
    "severity",
    "tags",
    "encoding",
    "commit",
    "author",
    "email",
    "date",
    "message",
    "verification",
    "verification_detail",
    "present_at_head",
    "repository",
];

fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains(['\n', '\r']) {
        s.replace('\n', "\\n").replace('\r', "\\r").into()
    } else {
        s.into()
    }
}

pub fn write(findings: &[Finding], ctx: &Context, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for f in findings {
        let j = JsonFinding::new(f, ctx.show_secrets);
        let row = [
            j.rule_id.to_string(),
            j.description.to_string(),
            j.path.to_string(),
            j.line.to_string(),
            j.column.to_string(),
            j.end_line.to_string(),
            j.end_column.to_string(),
            j.secret,
            j.line_text,
            j.entropy.to_string(),
            j.fingerprint.to_string(),
            j.confidence.to_string(),
            j.severity.to_string(),
            j.tags.join(";"),
            j.encoding.unwrap_or("").to_string(),
            j.commit.unwrap_or("").to_string(),
            j.author.unwrap_or("").to_string(),
            j.email.unwrap_or("").to_string(),
            j.date.unwrap_or("").to_string(),
            j.message.unwrap_or("").to_string(),
            j.verification.unwrap_or("").to_string(),
            j.verification_detail.unwrap_or("").to_string(),
            j.present_at_head.map_or(String::new(), |p| p.to_string()),
            j.repository.unwrap_or("").to_string(),
        ];
        w.write_record(row.iter().map(|f| one_line(f).into_owned()))?;
    }
    w.flush()?;
    Ok(())
}
