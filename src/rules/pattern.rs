//! A rule regex: validated when the rule is loaded, compiled on first use.
//!
//! Compiling every regex up front would cost a one-file pre-commit scan most of its time, so
//! patterns are parsed eagerly (cheap, catches syntax errors with the rule id) and compiled
//! the first time a file actually needs them. Regexes run on bytes with Unicode off: secrets
//! are ASCII, and Unicode classes make programs ~90x slower to build (see shared NOTES).

use regex::bytes::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// Upper bound on a compiled regex program; a larger one is a configuration error.
pub const REGEX_SIZE_LIMIT: usize = 32 << 20;

#[derive(Debug)]
pub struct Pattern {
    src: String,
    /// Number of explicit capture groups.
    captures: usize,
    compiled: OnceLock<Result<Regex, String>>,
}

impl Pattern {
    /// Parses `src` (without compiling it); the error is the regex engine's message.
    pub fn parse(src: &str) -> Result<Pattern, String> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(src)
            .map_err(|e| e.to_string())?;
        Ok(Pattern {
            src: src.to_string(),
            captures: hir.properties().explicit_captures_len(),
            compiled: OnceLock::new(),
        })
    }

    /// A pattern from the embedded rules, which the test suite compiles: no parse at start-up.
    pub fn trusted(src: &str) -> Pattern {
        Pattern {
            src: src.to_string(),
            captures: usize::MAX,
            compiled: OnceLock::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.src
    }

    pub fn captures_len(&self) -> usize {
        self.captures
    }

    /// The compiled regex, compiling it on first use; `Err` if it cannot be compiled.
    pub fn compiled(&self) -> Result<&Regex, &str> {
        self.compiled
            .get_or_init(|| {
                RegexBuilder::new(&self.src)
                    .unicode(false)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| e.as_str())
    }

    /// The compiled regex, or `None` if it cannot be compiled (already reported at load).
    pub fn get(&self) -> Option<&Regex> {
        self.compiled().ok()
    }

    pub fn is_match(&self, hay: &[u8]) -> bool {
        self.get().is_some_and(|r| r.is_match(hay))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_compiles_lazily() {
        let p = Pattern::parse(r"(?i)key_[a-z0-9]{8}").unwrap();
        assert!(p.compiled.get().is_none());
        assert!(p.is_match(b"KEY_ab12cd34"));
        assert!(p.compiled.get().is_some());
    }

    #[test]
    fn syntax_error_is_reported() {
        let e = Pattern::parse("(unclosed").unwrap_err();
        assert!(e.contains("unclosed"), "{e}");
    }

    #[test]
    fn oversized_program_fails_at_compile() {
        let p = Pattern::parse(r"(?:[a-z0-9]{100}){100}{50}").unwrap();
        assert!(p.compiled().is_err());
    }

    #[test]
    fn ascii_classes_without_unicode() {
        let p = Pattern::parse(r"\w+\s\d").unwrap();
        assert!(p.is_match(b"abc 1"));
        assert!(!p.is_match("é\u{2003}1".as_bytes()));
    }
}
