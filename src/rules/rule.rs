//! A validated rule, ready for the matcher.

use super::allowlist::Allowlist;
use super::pattern::{Dialect, Pattern};
use super::syntax::{Remediation, RuleSyntax, Text, TextList, VerifySyntax};
use serde::Serialize;
use std::fmt;

/// How sure we are that a match is a real secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn parse(s: &str) -> Option<Confidence> {
        [Confidence::Low, Confidence::Medium, Confidence::High]
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
    pub fn lower(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a leak of this kind is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Offline structural checks some token formats allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// GitHub's `ghp_`/`gho_`/... tokens: the last 6 characters are base62(CRC32(rest)).
    GithubCrc32,
    /// npm `npm_` tokens use the same construction as GitHub.
    NpmCrc32,
    /// A JSON Web Token: header and payload decode to JSON objects, the header names `alg`.
    Jwt,
}

impl Checksum {
    pub fn parse(s: &str) -> Option<Checksum> {
        match s {
            "github-crc32" => Some(Checksum::GithubCrc32),
            "npm-crc32" => Some(Checksum::NpmCrc32),
            "jwt" => Some(Checksum::Jwt),
            _ => None,
        }
    }

    /// What a check that holds proves. A CRC tail that matches is all but impossible by
    /// chance (the token is real); a JWT that decodes only shows it is a JWT.
    pub fn proves_real(self) -> bool {
        !matches!(self, Checksum::Jwt)
    }

    /// What a check that fails means. A CRC tail that does not match is a hand-made token
    /// (still shown, weaker); a string shaped like a JWT that does not decode to one is not a
    /// token at all.
    pub fn failure_rejects(self) -> bool {
        matches!(self, Checksum::Jwt)
    }
}

#[derive(Debug)]
pub struct Rule {
    pub id: Text,
    pub description: Text,
    pub regex: Option<Pattern>,
    /// Capture group holding the secret (0 is the whole match); `None`: the first group that
    /// took part in the match, else the whole match.
    pub secret_group: Option<usize>,
    pub entropy: Option<f64>,
    /// Lower-case literals, one of which must occur for the rule to be tried.
    pub keywords: TextList,
    pub path: Option<Pattern>,
    /// The credential-file format (an extractor's name) that finds this rule's values.
    pub structure: Option<Text>,
    pub tags: TextList,
    pub severity: Severity,
    pub confidence: Confidence,
    pub checksum: Option<Checksum>,
    pub randomness: bool,
    pub password: bool,
    pub multiline: bool,
    pub min_length: usize,
    pub skip_report: bool,
    pub allowlists: Vec<Allowlist>,
    /// The file the rule came from (`rules/aws.toml`, or a config path).
    pub origin: Text,
    pub examples: Vec<String>,
    pub negative_examples: Vec<String>,
    pub example_path: Option<Text>,
    /// How `--verify` checks a match with the provider; only rules from the binary or a
    /// config named on the command line have one (see `set::read_policy_layer`).
    pub verify: Option<Box<VerifySyntax>>,
    /// Where to rotate a leaked match and what it allows; see [`Rule::remediation`].
    pub remediation: Option<Remediation>,
    /// False for a rule from a config found in the scanned tree: such a rule's matches are
    /// never sent anywhere, not even as the other half of a trusted rule's credential.
    pub trusted: bool,
}

impl Rule {
    /// The rule's remediation, or for a rule without one (a user's), generic advice that is
    /// still true of any credential.
    /// A rule from the scanned tree's own config gets the generic text too: its links would
    /// be the scanned material's, shown as leakhound's advice.
    pub fn remediation(&self) -> Remediation {
        match &self.remediation {
            Some(r) if self.trusted => r.clone(),
            _ => Remediation {
                rotate: Text::Owned(format!(
                    "Revoke this {} where it was issued, create a new one, and keep the new \
                     value out of the code (environment or secret store).",
                    self.description
                )),
                impact: Text::Borrowed(
                    "Anyone who can read this file, or the history it was committed to, can \
                     use the credential as its owner until it is revoked.",
                ),
            },
        }
    }

    /// Validates a rule read in `dialect` (the embedded defaults skip the regex parse). The
    /// error names the problem; the caller adds file and id.
    pub fn from_syntax(mut s: RuleSyntax, origin: &Text, dialect: Dialect) -> Result<Rule, String> {
        // The embedded rules were parsed by the build: their strings are borrowed from the
        // binary, neither parsed nor copied.
        let parse = |src: Text| match dialect {
            Dialect::Trusted => Ok(Pattern::trusted(src)),
            _ => Pattern::parse_as(&src, dialect),
        };
        if s.id.trim().is_empty() {
            return Err("a rule has an empty id".into());
        }
        let regex = match s.regex.take() {
            Some(r) if r.is_empty() => return Err("regex is empty".into()),
            Some(r) => Some(parse(r).map_err(|e| format!("invalid regex: {e}"))?),
            None => None,
        };
        let path = match s.path.take() {
            Some(p) => Some(parse(p).map_err(|e| format!("invalid path regex: {e}"))?),
            None => None,
        };
        let structure = s.structure.take();
        if regex.is_some() && structure.is_some() {
            return Err("a rule has either a regex or a structure, not both".into());
        }
        if regex.is_none() && path.is_none() && structure.is_none() {
            return Err("a rule needs a regex, a structure or a path".into());
        }
        let captures = regex.as_ref().map_or(0, |r| r.captures_len());
        if let Some(g) = s.secret_group {
            if g > captures {
                return Err(format!(
                    "secret_group {g} but the regex has only {captures} capture group(s)"
                ));
            }
        }
        let secret_group = s.secret_group;
        if let Some(e) = s.entropy {
            if !(0.0..=8.0).contains(&e) {
                return Err(format!("entropy {e} is outside 0..=8"));
            }
        }
        let severity = match &s.severity {
            None => Severity::High,
            Some(v) => Severity::parse(v).ok_or_else(|| format!("unknown severity {v:?}"))?,
        };
        let confidence = match &s.confidence {
            None => Confidence::Medium,
            Some(v) => Confidence::parse(v).ok_or_else(|| format!("unknown confidence {v:?}"))?,
        };
        let checksum = match &s.checksum {
            None => None,
            Some(v) => Some(Checksum::parse(v).ok_or_else(|| format!("unknown checksum {v:?}"))?),
        };
        // The embedded verifiers are checked by the test suite; a user's, here.
        if let (Some(v), false) = (&s.verify, dialect == Dialect::Trusted) {
            crate::verify::spec::Spec::parse(v).map_err(|e| format!("[rules.verify]: {e}"))?;
        }
        let mut allowlists = Vec::new();
        for a in s.allowlist.iter().chain(s.allowlists.iter()) {
            allowlists.push(Allowlist::build(a, dialect)?);
        }
        let mut keywords = std::mem::take(&mut s.keywords);
        // Keywords match lower-cased text: the embedded ones are lower-case already (checked
        // by the build), so they stay borrowed.
        if keywords
            .iter()
            .any(|k| k.is_empty() || k.bytes().any(|b| b.is_ascii_uppercase()))
        {
            let owned = keywords.to_mut();
            owned.retain(|k| !k.is_empty());
            owned
                .iter_mut()
                .for_each(|k| *k = Text::Owned(k.to_ascii_lowercase()));
        }
        let regex = regex.map(|r| r.for_rule(!keywords.is_empty(), s.multiline));
        Ok(Rule {
            description: s.description.take().unwrap_or_else(|| s.id.clone()),
            id: s.id,
            regex,
            secret_group,
            entropy: s.entropy,
            keywords,
            path,
            structure,
            tags: s.tags,
            severity,
            confidence,
            checksum,
            randomness: s.randomness,
            password: s.password,
            example_path: s.example_path,
            multiline: s.multiline,
            min_length: s.min_length.unwrap_or(0),
            skip_report: s.skip_report,
            allowlists,
            origin: origin.clone(),
            examples: s.examples,
            negative_examples: s.negative_examples,
            verify: s.verify,
            remediation: s.remediation,
            trusted: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(regex: &str) -> RuleSyntax {
        RuleSyntax {
            id: "t".into(),
            regex: Some(regex.to_string().into()),
            ..Default::default()
        }
    }

    #[test]
    fn secret_group_checked() {
        assert_eq!(
            Rule::from_syntax(syntax("a(b)"), &"x".into(), Dialect::Native)
                .unwrap()
                .secret_group,
            None
        );
        let mut s = syntax("a(b)");
        s.secret_group = Some(2);
        assert!(Rule::from_syntax(s, &"x".into(), Dialect::Native)
            .unwrap_err()
            .contains("capture"));
    }

    #[test]
    fn needs_regex_or_path() {
        let s = RuleSyntax {
            id: "t".into(),
            ..Default::default()
        };
        assert!(Rule::from_syntax(s, &"x".into(), Dialect::Native).is_err());
    }
}
