//! Allowlists: conditions under which a candidate finding is not reported.
//!
//! One type serves the global allowlists, per-rule allowlists and the built-in default
//! allowlist. Criteria: path (glob or regex, or file names, directory names and extensions),
//! commit id, secret/match/line regexes and stopwords; `condition = "AND"` requires every given criterion, the default `OR` any one.

use super::pattern::{Dialect, Pattern};
use super::syntax::AllowlistSyntax;
use globset::{Glob, GlobMatcher};

/// What an allowlist regex is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegexTarget {
    Secret,
    Match,
    Line,
}

/// A path criterion: a glob (`*.lock`, `**/vendor/**`) or a regex (gitleaks style).
#[derive(Debug)]
pub enum PathMatcher {
    Glob(GlobMatcher),
    Regex(Pattern),
}

impl PathMatcher {
    /// `glob:` and `regex:` prefixes choose explicitly; otherwise a value starting with `*` or
    /// containing `**` or `/*` is a glob and anything else a regex.
    pub fn parse(src: &str) -> Result<PathMatcher, String> {
        let as_glob = |g: &str| {
            Glob::new(g)
                .map(|g| PathMatcher::Glob(g.compile_matcher()))
                .map_err(|e| e.to_string())
        };
        if let Some(g) = src.strip_prefix("glob:") {
            return as_glob(g);
        }
        if let Some(r) = src.strip_prefix("regex:") {
            return Pattern::parse(r).map(PathMatcher::Regex);
        }
        if src.starts_with('*') || src.contains("**") || src.contains("/*") {
            return as_glob(src);
        }
        Pattern::parse(src).map(PathMatcher::Regex)
    }

    pub fn is_match(&self, path: &str) -> bool {
        match self {
            PathMatcher::Glob(g) => {
                // A glob without a slash matches the file name anywhere, like gitignore.
                g.is_match(path)
                    || (!g.glob().glob().contains('/')
                        && g.is_match(path.rsplit('/').next().unwrap_or(path)))
            }
            PathMatcher::Regex(r) => r.is_match(path.as_bytes()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            PathMatcher::Glob(g) => g.glob().glob(),
            PathMatcher::Regex(r) => r.as_str(),
        }
    }
}

/// File names, directory names and extensions: path criteria that need no regex, so that a
/// long list of them (lock files, vendored folders, media) costs a few comparisons per file
/// and nothing to set up.
#[derive(Debug, Default)]
pub struct FileMatcher {
    /// Sorted (binary search: no hashing of every path component of every file).
    names: Vec<String>,
    dirs: Vec<String>,
    /// Lower-cased, with a leading dot (`.png`, `.min.js`).
    extensions: Vec<String>,
}

impl FileMatcher {
    fn new(s: &AllowlistSyntax) -> FileMatcher {
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v.dedup();
            v
        };
        FileMatcher {
            names: sorted(&s.file_names),
            dirs: sorted(&s.dir_names),
            extensions: s
                .extensions
                .iter()
                .map(|e| format!(".{}", e.trim_start_matches('.').to_ascii_lowercase()))
                .collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty() && self.dirs.is_empty() && self.extensions.is_empty()
    }

    /// The criteria, for listing: `name`, `dir/`, `*.ext`, sorted.
    pub fn describe(&self) -> Vec<String> {
        let mut v: Vec<String> = self.names.to_vec();
        v.extend(self.dirs.iter().map(|d| format!("{d}/")));
        v.extend(self.extensions.iter().map(|e| format!("*{e}")));
        v.sort();
        v
    }

    /// Is the file named one of `names`, under a directory named one of `dirs`, or does its
    /// name end with one of `extensions` (ASCII case-insensitively)?
    pub fn is_match(&self, path: &str) -> bool {
        let (dirs, name) = path.rsplit_once('/').unwrap_or(("", path));
        let find = |list: &[String], s: &str| list.binary_search_by(|x| x.as_str().cmp(s)).is_ok();
        if find(&self.names, name) {
            return true;
        }
        if !self.dirs.is_empty() && !dirs.is_empty() && dirs.split('/').any(|d| find(&self.dirs, d))
        {
            return true;
        }
        let n = name.as_bytes();
        self.extensions
            .iter()
            .any(|e| n.len() > e.len() && n[n.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes()))
    }
}

/// The facts about a candidate finding that allowlists look at.
pub struct Candidate<'a> {
    pub path: &'a str,
    pub commit: Option<&'a str>,
    pub secret: &'a [u8],
    pub matched: &'a [u8],
    pub line: &'a [u8],
}

#[derive(Debug)]
pub struct Allowlist {
    pub description: Option<String>,
    pub require_all: bool,
    pub commits: Vec<String>,
    pub paths: Vec<PathMatcher>,
    pub files: FileMatcher,
    pub regexes: Vec<Pattern>,
    pub regex_target: RegexTarget,
    /// Lower-cased.
    pub stopwords: Vec<String>,
    pub target_rules: Vec<String>,
}

impl Allowlist {
    pub fn from_syntax(s: &AllowlistSyntax) -> Result<Allowlist, String> {
        Self::build(s, Dialect::Native)
    }

    pub fn build(s: &AllowlistSyntax, dialect: Dialect) -> Result<Allowlist, String> {
        let require_all = match s
            .condition
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            None | Some("OR") => false,
            Some("AND") => true,
            Some(other) => return Err(format!("condition must be OR or AND, not {other:?}")),
        };
        let regex_target = match s.regex_target.as_deref() {
            None | Some("secret") => RegexTarget::Secret,
            Some("match") => RegexTarget::Match,
            Some("line") => RegexTarget::Line,
            Some(other) => {
                return Err(format!(
                    "regex_target must be secret, match or line, not {other:?}"
                ))
            }
        };
        let paths = s
            .paths
            .iter()
            .map(|p| match dialect {
                Dialect::Trusted => Ok(PathMatcher::Regex(Pattern::trusted(p.clone()))),
                Dialect::Native => {
                    PathMatcher::parse(p).map_err(|e| format!("allowlist path {p:?}: {e}"))
                }
                Dialect::Go => Pattern::parse_go(p)
                    .map(PathMatcher::Regex)
                    .map_err(|e| format!("allowlist path {p:?}: {e}")),
            })
            .collect::<Result<_, _>>()?;
        let regexes = s
            .regexes
            .iter()
            .map(|r| {
                Pattern::parse_as(r, dialect).map_err(|e| format!("allowlist regex {r:?}: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Allowlist {
            description: s.description.clone(),
            require_all,
            commits: s.commits.iter().map(|c| c.to_ascii_lowercase()).collect(),
            paths,
            files: FileMatcher::new(s),
            regexes,
            regex_target,
            stopwords: s.stopwords.iter().map(|w| w.to_ascii_lowercase()).collect(),
            target_rules: s.target_rules.clone(),
        })
    }

    /// True if only path criteria are set, so a whole file can be skipped before reading it.
    pub fn is_path_only(&self) -> bool {
        self.has_path_criteria()
            && self.commits.is_empty()
            && self.regexes.is_empty()
            && self.stopwords.is_empty()
    }

    pub fn applies_to_rule(&self, rule_id: &str) -> bool {
        self.target_rules.is_empty() || self.target_rules.iter().any(|r| r == rule_id)
    }

    fn has_path_criteria(&self) -> bool {
        !self.paths.is_empty() || !self.files.is_empty()
    }

    pub fn path_allowed(&self, path: &str) -> bool {
        self.files.is_match(path) || self.paths.iter().any(|p| p.is_match(path))
    }

    pub fn allows(&self, c: &Candidate) -> bool {
        let mut checks: [Option<bool>; 4] = [None; 4];
        if !self.commits.is_empty() {
            checks[0] = Some(
                c.commit
                    .is_some_and(|id| self.commits.iter().any(|a| id.starts_with(a.as_str()))),
            );
        }
        if self.has_path_criteria() {
            checks[1] = Some(self.path_allowed(c.path));
        }
        if !self.regexes.is_empty() {
            let target = match self.regex_target {
                RegexTarget::Secret => c.secret,
                RegexTarget::Match => c.matched,
                RegexTarget::Line => c.line,
            };
            checks[2] = Some(self.regexes.iter().any(|r| r.is_match(target)));
        }
        if !self.stopwords.is_empty() {
            let secret = String::from_utf8_lossy(c.secret).to_ascii_lowercase();
            checks[3] = Some(self.stopwords.iter().any(|w| secret.contains(w.as_str())));
        }
        let mut given = checks.iter().flatten().peekable();
        if given.peek().is_none() {
            return false;
        }
        if self.require_all {
            given.all(|&b| b)
        } else {
            given.any(|&b| b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand<'a>(path: &'a str, secret: &'a [u8]) -> Candidate<'a> {
        Candidate {
            path,
            commit: None,
            secret,
            matched: secret,
            line: secret,
        }
    }

    #[test]
    fn names_dirs_and_extensions() {
        let a = Allowlist::from_syntax(&AllowlistSyntax {
            file_names: vec!["Cargo.lock".into()],
            dir_names: vec!["node_modules".into()],
            extensions: vec!["png".into(), ".min.js".into()],
            ..Default::default()
        })
        .unwrap();
        assert!(a.is_path_only());
        for p in [
            "Cargo.lock",
            "a/Cargo.lock",
            "web/node_modules/x/y.js",
            "i/LOGO.PNG",
            "a.min.JS",
        ] {
            assert!(a.path_allowed(p), "{p}");
        }
        for p in [
            "Cargo.lock.bak",
            "node_modules.txt",
            "png",
            "a/.png",
            "src/min.js",
            "mynode_modules/a",
        ] {
            assert!(!a.path_allowed(p), "{p}");
        }
    }

    #[test]
    fn globs_and_regexes() {
        assert!(PathMatcher::parse("*.lock")
            .unwrap()
            .is_match("a/b/Cargo.lock"));
        assert!(PathMatcher::parse("**/vendor/**")
            .unwrap()
            .is_match("x/vendor/y.go"));
        assert!(PathMatcher::parse(r"(^|/)node_modules/")
            .unwrap()
            .is_match("node_modules/a.js"));
        assert!(!PathMatcher::parse(r"\.lock$")
            .unwrap()
            .is_match("lockfile.rs"));
    }

    #[test]
    fn or_and_and_conditions() {
        let or = Allowlist::from_syntax(&AllowlistSyntax {
            paths: vec!["*.md".into()],
            stopwords: vec!["EXAMPLE".into()],
            ..Default::default()
        })
        .unwrap();
        assert!(or.allows(&cand("README.md", b"abc")));
        assert!(or.allows(&cand("a.py", b"akiaexample")));
        assert!(!or.allows(&cand("a.py", b"abc")));
        let and = Allowlist::from_syntax(&AllowlistSyntax {
            condition: Some("AND".into()),
            paths: vec!["*.md".into()],
            stopwords: vec!["example".into()],
            ..Default::default()
        })
        .unwrap();
        assert!(!and.allows(&cand("README.md", b"abc")));
        assert!(and.allows(&cand("README.md", b"myEXAMPLEkey")));
    }

    #[test]
    fn empty_allowlist_allows_nothing() {
        let a = Allowlist::from_syntax(&AllowlistSyntax::default()).unwrap();
        assert!(!a.allows(&cand("x", b"y")));
    }

    #[test]
    fn bad_condition_is_an_error() {
        let e = Allowlist::from_syntax(&AllowlistSyntax {
            condition: Some("XOR".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.contains("XOR"));
    }
}
