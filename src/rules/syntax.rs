//! What a rules/config TOML file says, as read by serde, before validation.
//!
//! Field names are leakhound's snake_case; gitleaks v8's camelCase spellings are accepted as
//! aliases so that a gitleaks configuration loads unchanged. Unknown fields are rejected (and
//! named by the TOML error), so a typo never silently disables a rule.

use serde::Deserialize;
use std::borrow::Cow;

/// A rule's text: borrowed from the binary for the embedded rules (no allocation at
/// start-up), owned when read from a user's file.
pub type Text = Cow<'static, str>;
/// A list of [`Text`], borrowed as a whole for the embedded rules.
pub type TextList = Cow<'static, [Text]>;

/// One configuration or rules file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigSyntax {
    /// gitleaks' config title; informational.
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(alias = "minVersion")]
    pub min_version: Option<String>,
    pub extend: Option<ExtendSyntax>,
    #[serde(default)]
    pub rules: Vec<RuleSyntax>,
    /// gitleaks' single global `[allowlist]` table.
    pub allowlist: Option<AllowlistSyntax>,
    /// Global `[[allowlists]]`.
    #[serde(default)]
    pub allowlists: Vec<AllowlistSyntax>,
    /// Rule ids to disable (leakhound spelling; gitleaks uses `[extend] disabledRules`).
    #[serde(default, alias = "disabledRules")]
    pub disabled_rules: Vec<String>,
}

/// Keys only gitleaks spells (leakhound's own spelling is snake_case).
const GITLEAKS_KEYS: &[&str] = &[
    "secretGroup",
    "regexTarget",
    "useDefault",
    "disabledRules",
    "minVersion",
    "skipReport",
    "targetRules",
];

/// Is this configuration written in gitleaks' dialect? Decided from the parsed document,
/// never from substrings of the text: a key only gitleaks spells (`secretGroup`,
/// `useDefault`, ...) anywhere, or gitleaks' singular `[allowlist]` table, at the top or in a
/// rule (leakhound's own spelling is `[[allowlists]]`). A `title` alone decides nothing.
/// Such files get gitleaks' leniency: a regex our engine cannot compile skips that rule with
/// a warning instead of failing the run.
pub fn is_gitleaks_dialect(doc: &toml::Table) -> bool {
    fn has_gitleaks_key(v: &toml::Value) -> bool {
        match v {
            toml::Value::Table(t) => t
                .iter()
                .any(|(k, v)| GITLEAKS_KEYS.contains(&k.as_str()) || has_gitleaks_key(v)),
            toml::Value::Array(a) => a.iter().any(has_gitleaks_key),
            _ => false,
        }
    }
    let singular_allowlist = |t: &toml::Table| t.get("allowlist").is_some_and(|v| v.is_table());
    let rule_allowlist = doc
        .get("rules")
        .and_then(|r| r.as_array())
        .is_some_and(|rules| {
            rules
                .iter()
                .filter_map(|r| r.as_table())
                .any(singular_allowlist)
        });
    singular_allowlist(doc)
        || rule_allowlist
        || doc
            .iter()
            .any(|(k, v)| GITLEAKS_KEYS.contains(&k.as_str()) || has_gitleaks_key(v))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtendSyntax {
    /// Another config file to extend (relative to this one).
    pub path: Option<String>,
    #[serde(alias = "useDefault")]
    pub use_default: Option<bool>,
    #[serde(default, alias = "disabledRules")]
    pub disabled_rules: Vec<String>,
    /// Keep the built-in default allowlist (lock files, vendored code, images); default true.
    pub default_allowlist: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    pub id: Text,
    pub description: Option<Text>,
    pub regex: Option<Text>,
    #[serde(alias = "secretGroup")]
    pub secret_group: Option<usize>,
    pub entropy: Option<f64>,
    #[serde(default)]
    pub keywords: TextList,
    /// Regex on the file path: the rule only applies to matching paths (or, without a
    /// `regex`, reports the file itself).
    pub path: Option<Text>,
    /// A credential-file format whose structure says where the secret is (`pgpass`,
    /// `docker-config`): its extractor finds the values instead of a regex.
    pub structure: Option<Text>,
    #[serde(default)]
    pub tags: TextList,
    pub severity: Option<Text>,
    pub confidence: Option<Text>,
    /// Offline check of a token's structure (for example `github-crc32`).
    pub checksum: Option<Text>,
    /// Apply the "looks random, not like words or code" gate to the secret.
    #[serde(default)]
    pub randomness: bool,
    /// Apply the "looks like a chosen password" gate (not a default, word or placeholder).
    #[serde(default)]
    pub password: bool,
    /// Path used when checking this rule's examples (for rules with a `path`).
    pub example_path: Option<Text>,
    /// Match across lines: run on the whole file, not just around keyword hits.
    #[serde(default)]
    pub multiline: bool,
    /// A secret shorter than this is ignored.
    pub min_length: Option<usize>,
    #[serde(default, alias = "skipReport")]
    pub skip_report: bool,
    /// gitleaks: single `[rules.allowlist]`.
    pub allowlist: Option<AllowlistSyntax>,
    #[serde(default)]
    pub allowlists: Vec<AllowlistSyntax>,
    /// gitleaks composite rules; accepted so such configs load, reported as unsupported.
    #[serde(default)]
    pub required: Vec<toml::Value>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// How `--verify` asks the provider whether a match is live (see `verify::spec`).
    pub verify: Option<Box<VerifySyntax>>,
    /// What to do about a leaked match: where to rotate it, what it allows.
    pub remediation: Option<Remediation>,
}

/// A rule's `[rules.remediation]` table, shown with each of its findings.
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// Where and how to revoke the credential and issue a new one (a provider's page or
    /// CLI command).
    pub rotate: Text,
    /// What someone holding the leaked value can do.
    pub impact: Text,
}

/// A rule's `[rules.verify]` table: one read-only request to the provider. Placeholders:
/// `{secret}` (the match) and `{pair}` (the nearest match of rule `pair` in the same file).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifySyntax {
    /// `http` (the default: the request below) or a verifier written in code (`aws-sts`).
    pub kind: Option<Text>,
    /// `GET` (the default) or `POST`.
    pub method: Option<Text>,
    /// `https://host/path?query`; only the path and query may hold placeholders, unless
    /// `hosts` says which hosts a templated host may become.
    pub url: Option<Text>,
    /// `Name: value` lines.
    #[serde(default)]
    pub headers: TextList,
    pub body: Option<Text>,
    /// `user:password`, sent as HTTP Basic authentication.
    pub basic: Option<Text>,
    /// Statuses that mean the credential is live ...
    #[serde(default)]
    pub valid: Cow<'static, [u16]>,
    /// ... and that it is not (revoked, never valid).
    #[serde(default)]
    pub invalid: Cow<'static, [u16]>,
    /// `path=value`: with a valid status, the JSON answer must also have this (`ok=true`),
    /// or `~text`: the body must hold this text; a valid status without it means invalid.
    pub valid_if: Option<Text>,
    /// A JSON path (`user.login`) to the identity the provider reports, shown as the detail.
    pub identity: Option<Text>,
    /// The rule whose match is the other half of the credential (`{pair}`; several,
    /// comma-separated, when more than one rule finds that half) ...
    pub pair: Option<Text>,
    /// ... found at most this many lines away (default 10).
    pub pair_lines: Option<usize>,
    /// Host suffixes (`.algolia.net`) a URL whose host holds a placeholder may resolve to.
    #[serde(default)]
    pub hosts: TextList,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSyntax {
    pub description: Option<String>,
    /// `OR` (default): any criterion allows. `AND`: every given criterion must hold.
    pub condition: Option<String>,
    #[serde(default)]
    pub commits: Vec<String>,
    /// Path regexes (gitleaks) or globs (`*`, `**`), either accepted.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Exact file names (`Cargo.lock`), anywhere in the tree.
    #[serde(default)]
    pub file_names: Vec<String>,
    /// Directory names (`node_modules`): anything under such a directory, at any depth.
    #[serde(default)]
    pub dir_names: Vec<String>,
    /// File name endings, case-insensitive (`png`, `min.js`).
    #[serde(default)]
    pub extensions: Vec<String>,
    #[serde(default)]
    pub regexes: Vec<String>,
    /// What `regexes` apply to: `secret` (default), `match` or `line`.
    #[serde(alias = "regexTarget")]
    pub regex_target: Option<String>,
    /// Case-insensitive substrings of the secret.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Global allowlists only: restrict to these rule ids.
    #[serde(default, alias = "targetRules")]
    pub target_rules: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialect(src: &str) -> bool {
        is_gitleaks_dialect(&toml::from_str(src).unwrap())
    }

    #[test]
    fn the_dialect_comes_from_keys_not_substrings() {
        for gitleaks in [
            "[[rules]]\nid = \"a\"\nregex = \"x\"\nsecretGroup = 1\n",
            "[extend]\nuseDefault = true\n",
            "[allowlist]\npaths = [\"a\"]\n",
            "[[rules]]\nid = \"a\"\nregex = \"x\"\n[rules.allowlist]\nregexes = [\"y\"]\n",
            "[[allowlists]]\nregexTarget = \"line\"\nregexes = [\"y\"]\n",
        ] {
            assert!(dialect(gitleaks), "{gitleaks}");
        }
        for native in [
            "[[rules]]\nid = \"title-case\"\ndescription = \"a title and a secretGroup\"\nregex = \"title\"\n",
            "title = \"my rules\"\n[[allowlists]]\npaths = [\"useDefault\"]\n",
            "[extend]\nuse_default = true\n",
        ] {
            assert!(!dialect(native), "{native}");
        }
    }
}
