//! A rule regex: validated when the rule is loaded, compiled on first use.
//!
//! Compiling every regex up front would cost a one-file pre-commit scan most of its time, so
//! patterns are parsed eagerly (cheap, catches syntax errors with the rule id) and compiled
//! the first time a file actually needs them. Regexes run on bytes with Unicode off: secrets
//! are ASCII, and Unicode classes make programs ~90x slower to build: 221 gitleaks patterns
//! compiled in 4.4 s with Unicode on, 0.05 s with it off, measured on this project's machines.

use super::syntax::Text;
use regex_automata::meta::{self, Regex};
use regex_automata::util::syntax;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// See [`prefer_cheap_builds`].
static CHEAP_BUILDS: AtomicBool = AtomicBool::new(false);

/// Prefer regexes that are cheap to build over regexes that are fast to run, for the rest of
/// the process: a pre-commit scan of a few files compiles a handful of regexes and runs each
/// over a few lines. This is a hint about speed only: both kinds find the same matches.
pub fn prefer_cheap_builds(cheap: bool) {
    CHEAP_BUILDS.store(cheap, Ordering::Relaxed);
}

/// Upper bound on a compiled regex program; a larger one is a configuration error.
pub const REGEX_SIZE_LIMIT: usize = 32 << 20;

/// How a configuration's regexes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The embedded rules: checked by the test suite, not parsed at start-up.
    Trusted,
    /// leakhound's own configs: Rust regex syntax, strictly.
    Native,
    /// gitleaks configs: Go RE2 syntax, with RE2's literal braces accepted.
    Go,
}

pub struct Pattern {
    src: Text,
    /// Number of explicit capture groups.
    captures: usize,
    /// Whether the regex gets literal prefilters (see [`Pattern::for_windows`]).
    prefilter: bool,
    compiled: OnceLock<Result<Regex, String>>,
}

/// The source only: the compiled state is a cache, and a rule set's `Debug` text is what
/// the history cache's key is computed from, so it must not depend on what ran before.
impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.src).finish()
    }
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
            src: Text::Owned(src.to_string()),
            captures: hir.properties().explicit_captures_len(),
            prefilter: true,
            compiled: OnceLock::new(),
        })
    }

    pub fn parse_as(src: &str, dialect: Dialect) -> Result<Pattern, String> {
        match dialect {
            Dialect::Trusted => Ok(Pattern::trusted(src.to_string())),
            Dialect::Native => Pattern::parse(src),
            Dialect::Go => Pattern::parse_go(src),
        }
    }

    /// Parses a regex written for Go's RE2 (gitleaks configs). RE2 takes a `{` that does not
    /// open a repetition as a literal; Rust's parser rejects it, so such braces are escaped
    /// before a second attempt.
    pub fn parse_go(src: &str) -> Result<Pattern, String> {
        match Pattern::parse(src) {
            Ok(p) => Ok(p),
            Err(first) => {
                let fixed = escape_literal_braces(src);
                if fixed == src {
                    return Err(first);
                }
                Pattern::parse(&fixed).map_err(|_| first)
            }
        }
    }

    /// A pattern from the embedded rules, which the test suite compiles: no parse at start-up.
    pub fn trusted(src: impl Into<Text>) -> Pattern {
        Pattern {
            src: src.into(),
            captures: usize::MAX,
            prefilter: true,
            compiled: OnceLock::new(),
        }
    }

    /// The same pattern as the regex of a rule: one with keywords that does not span lines
    /// only ever searches the lines around its keywords (a few hundred bytes at a time, where
    /// the lazy DFA needs no help), so it is built without literal prefilters, whose automata
    /// cost more to build than they save there (a tree scan builds hundreds of these
    /// regexes). Whole-file regexes keep theirs.
    pub fn for_rule(self, has_keywords: bool, multiline: bool) -> Pattern {
        Pattern {
            prefilter: !has_keywords || multiline,
            ..self
        }
    }

    pub fn as_str(&self) -> &str {
        &self.src
    }

    pub fn captures_len(&self) -> usize {
        self.captures
    }

    /// The compiled regex, compiling it on first use; `Err` if it cannot be compiled.
    ///
    /// Built with regex-automata's meta engine. By default with the lazy DFA and, for the
    /// regexes of rules that run over whole files, literal prefilters (not the one-pass DFA,
    /// which only anchored searches use): there a prefilter finds `-----BEGIN` in a few
    /// instructions a byte (without it, the lazy DFA took 354 million instructions instead of
    /// 48 million on a 105 MiB tree); see [`Pattern::for_rule`] for the others. With
    /// [`prefer_cheap_builds`], none of those: the PikeVM and the
    /// bounded backtracker are quick on a few lines, and a pre-commit scan of one file spent
    /// 12.8 million instructions building the full engines, 4 million building these.
    pub fn compiled(&self) -> Result<&Regex, &str> {
        let cheap = CHEAP_BUILDS.load(Ordering::Relaxed);
        self.compiled
            .get_or_init(|| {
                Regex::builder()
                    .syntax(syntax::Config::new().unicode(false).utf8(false))
                    .configure(
                        meta::Config::new()
                            .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                            // The one-pass DFA serves anchored searches only, and these are not.
                            .onepass(false)
                            .auto_prefilter(!cheap && self.prefilter)
                            .hybrid(!cheap),
                    )
                    .build(&self.src)
                    .map_err(|e| match e.size_limit() {
                        Some(limit) => {
                            format!("the compiled regex exceeds the size limit of {limit} bytes")
                        }
                        None => {
                            let cause = std::error::Error::source(&e).map(|c| format!(": {c}"));
                            format!("{e}{}", cause.unwrap_or_default())
                        }
                    })
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

/// Escapes `{` and `}` that are not part of a `{n}`, `{n,}` or `{n,m}` repetition.
fn escape_literal_braces(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && i + 1 < b.len() {
            out.push_str(&src[i..i + 2]);
            i += 2;
            continue;
        }
        match c {
            b'[' => in_class = true,
            b']' => in_class = false,
            b'{' if !in_class => {
                let rest = &src[i + 1..];
                let close = rest.find('}');
                let is_rep = close.is_some_and(|e| {
                    let inner = &rest[..e];
                    let mut parts = inner.splitn(2, ',');
                    let a = parts.next().unwrap_or("");
                    let bpart = parts.next();
                    !a.is_empty()
                        && a.bytes().all(|x| x.is_ascii_digit())
                        && bpart.is_none_or(|m| m.bytes().all(|x| x.is_ascii_digit()))
                });
                if is_rep {
                    let e = close.unwrap_or(0);
                    out.push_str(&src[i..i + e + 2]);
                    i += e + 2;
                    continue;
                }
                out.push_str("\\{");
                i += 1;
                continue;
            }
            b'}' if !in_class => {
                out.push_str("\\}");
                i += 1;
                continue;
            }
            _ => {}
        }
        let ch = src[i..].chars().next().unwrap_or('?');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_literal_braces() {
        assert!(Pattern::parse(r"^\$(?:\d+|{\d+})$").is_err());
        let p = Pattern::parse_go(r"^\$(?:\d+|{\d+})$").unwrap();
        assert!(p.is_match(b"${12}"));
        assert!(p.is_match(b"$3"));
        assert!(Pattern::parse_go(r"a{2,3}").unwrap().is_match(b"aa"));
    }

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
