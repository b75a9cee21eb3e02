//! GitHub Actions workflow commands: `::error file=...,line=...::message`, so findings show
//! inline on the pull request. Printed with text output when `GITHUB_ACTIONS=true`.

use crate::finding::Finding;
use std::io::{self, Write};

/// Escapes a workflow command's message. Line breaks as the runner decodes them; other
/// control characters (a terminal escape sequence in a scanned name) stay visibly encoded.
fn esc_data(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => o.push_str("%25"),
            '\r' => o.push_str("%0D"),
            '\n' => o.push_str("%0A"),
            c if c.is_control() => o.push_str(&format!("%{:02X}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

/// Escapes a workflow command's property value.
fn esc_prop(s: &str) -> String {
    esc_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(findings: &[Finding], show_secrets: bool, out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        let level = match f.severity {
            crate::rules::Severity::Low => "warning",
            _ => "error",
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            esc_prop(&f.path),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            esc_prop(&f.rule_id),
            esc_data(&format!(
                "{} found: {} (confidence {}). Remove it and rotate it.",
                f.description,
                f.display_secret(show_secrets),
                f.confidence
            ))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(esc_prop("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(esc_data("x\ny"), "x%0Ay");
        assert_eq!(esc_data("a\x1b[2J\x07"), "a%1B[2J%07");
    }
}
