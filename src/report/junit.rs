//! `--format junit`: one failing test case per finding (masked), or one passing test case
//! when clean, so CI dashboards show the scan as a test run.

use super::context::Context;
use crate::finding::Finding;
use std::io::{self, Write};

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Line breaks as character references, so that no printed line starts with
            // text from a scanned name (a `::` workflow command); XML 1.0 forbids most
            // other control characters.
            '\n' => o.push_str("&#10;"),
            '\r' => o.push_str("&#13;"),
            c if (c as u32) < 0x20 && c != '\t' => o.push('?'),
            c => o.push(c),
        }
    }
    o
}

pub fn write(findings: &[Finding], ctx: &Context, out: &mut dyn Write) -> io::Result<()> {
    let tests = findings.len().max(1);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="leakhound" tests="{tests}" failures="{}">"#,
        findings.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="leakhound secret scan" tests="{tests}" failures="{}" errors="0" skipped="0">"#,
        findings.len()
    )?;
    if findings.is_empty() {
        writeln!(
            out,
            r#"    <testcase classname="leakhound" name="no secrets found"/>"#
        )?;
    }
    for f in findings {
        let name = format!("{} at {}:{}:{}", f.rule_id, f.path, f.line, f.column);
        let mut detail = format!(
            "{}\nrule: {}\nlocation: {}:{}:{}\nsecret: {}\nconfidence: {}\nseverity: {}\nfingerprint: {}\nline: {}",
            f.description,
            f.rule_id,
            f.path,
            f.line,
            f.column,
            f.display_secret(ctx.show_secrets),
            f.confidence,
            f.severity.as_str(),
            f.fingerprint,
            f.masked_line(ctx.show_secrets, 200)
        );
        if let Some(p) = f.present_at_head {
            let state = if p {
                "still in the tree"
            } else {
                "only in history"
            };
            detail.push_str(&format!("\nat HEAD: {state}"));
        }
        if let Some(v) = &f.verification {
            detail.push_str(&format!(
                "\nverification: {} ({})",
                v.status.as_str(),
                v.detail
            ));
        }
        if let Some(c) = &f.commit {
            detail.push_str(&format!(
                "\ncommit: {} by {} <{}> {}",
                c.commit, c.author, c.email, c.date
            ));
        }
        detail.push_str(&format!(
            "\nrotate: {}\nimpact: {}",
            f.remediation.rotate, f.remediation.impact
        ));
        if let Some(a) = crate::fix::advice(f) {
            detail.push_str(&format!("\nfix: {}", a.text));
        }
        writeln!(
            out,
            r#"    <testcase classname="{}" name="{}" file="{}">"#,
            esc(&f.path),
            esc(&name),
            esc(&f.path)
        )?;
        writeln!(
            out,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            esc(&format!(
                "{} found; rotate: {}",
                f.description, f.remediation.rotate
            )),
            esc(&f.rule_id),
            esc(&detail)
        )?;
        writeln!(out, "    </testcase>")?;
    }
    if !ctx.notes.is_empty() {
        let text: Vec<&str> = ctx.notes.iter().map(|n| n.message.as_str()).collect();
        writeln!(
            out,
            "    <system-out>{}</system-out>",
            esc(&text.join("\n"))
        )?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
