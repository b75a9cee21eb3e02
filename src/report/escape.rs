//! Human-readable output that a scanned file cannot turn against its reader.
//!
//! Names and lines come from the code under scan, which may be hostile: an escape sequence
//! printed raw can clear the screen, retitle the terminal or erase the finding above it, and a
//! line that begins with `::` is a workflow command to GitHub Actions (`::stop-commands::`,
//! `::error file=...::`). Everything a person reads (the text report, the summary, warnings,
//! errors, the hook's messages) goes through [`visible`] or [`lines`] first: control
//! characters are shown escaped (`\x1b`, `\n`), and no printed line can begin with `::`.
//! Machine formats (JSON, SARIF, CSV, JUnit) stay exact and are escaped by their own rules;
//! leakhound's own workflow commands are written by `report::github`, never through here.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Is `c` shown escaped? C0 controls but tab, DEL, C1 controls, and the Unicode characters
/// that reorder or break lines (bidi overrides and isolates, line and paragraph separators).
fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// A line that would begin with `::` (after leading white space, which the Actions runner
/// skips) gets its first colon escaped.
fn guard(line: String) -> String {
    let body = line.trim_start();
    if !body.starts_with("::") {
        return line;
    }
    let lead = line.len() - body.len();
    format!("{}\\x3a{}", &line[..lead], &body[1..])
}

/// One line of text from a scanned name or content: every control character (newlines
/// included) escaped, and never a line that begins with `::`.
pub fn visible(s: &str) -> Cow<'_, str> {
    let clean = !s.chars().any(is_hostile) && !s.trim_start().starts_with("::");
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(guard(out))
}

/// A message of leakhound's own that may span lines (an error with a TOML excerpt) but may
/// quote scanned names: its line breaks are kept, every other control character is escaped,
/// and no line begins with `::`.
pub fn lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut l = String::with_capacity(line.len());
        for c in line.chars() {
            if is_hostile(c) {
                push_escaped(&mut l, c);
            } else {
                l.push(c);
            }
        }
        out.push_str(&guard(l));
    }
    out
}

/// Prints `warning: MESSAGE` on stderr, escaped.
pub fn warn(message: &str) {
    eprintln!("warning: {}", lines(message));
}

/// Prints a line of leakhound's own on stderr, escaped.
pub fn note(message: &str) {
    eprintln!("{}", lines(message));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(visible("src/a.py"), Cow::Borrowed(_)));
        assert_eq!(visible("a\tb"), "a\tb");
    }

    #[test]
    fn control_characters_are_shown() {
        assert_eq!(visible("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(visible("t\x1b]0;title\x07"), "t\\x1b]0;title\\x07");
        assert_eq!(visible("x\r\ny"), "x\\r\\ny");
        assert_eq!(visible("\u{202e}gpj.exe"), "\\u{202e}gpj.exe");
        assert_eq!(visible("c1\u{9b}2J"), "c1\\x9b2J");
    }

    #[test]
    fn no_line_begins_with_a_workflow_command() {
        assert_eq!(visible("::stop-commands::x"), "\\x3a:stop-commands::x");
        assert_eq!(visible("  ::error::x"), "  \\x3a:error::x");
        assert_eq!(visible("a\n::error::x"), "a\\n::error::x");
        let l = lines("bad config\n::error file=x::boom\n  ::warning::y");
        assert!(l.lines().all(|x| !x.trim_start().starts_with("::")), "{l}");
        assert_eq!(l.lines().count(), 3);
        assert_eq!(lines("a: b\x1b[1A"), "a: b\\x1b[1A");
    }
}
