//! `leakhound rules`: what is in force, and `--check` of every rule's own examples.

use super::RuleSettings;
use crate::detect::check;
use crate::exit;

use crate::report::escape::{lines, visible};
use anyhow::Result;
use serde::Serialize;

/// The two shapes `leakhound rules` prints (the scan formats do not apply to a rule list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesFormat {
    Text,
    Json,
}

pub struct RulesSettings {
    pub rules: RuleSettings,
    pub format: RulesFormat,
    pub check: bool,
}

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    description: &'a str,
    keywords: &'a [crate::rules::syntax::Text],
    severity: &'a str,
    confidence: &'a str,
    origin: &'a str,
    /// Where `--verify` sends this rule's matches, if anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    verifies_at: Option<String>,
    /// Where to rotate a leaked match and what it allows.
    remediation: crate::rules::Remediation,
}

pub fn run(s: &RulesSettings) -> Result<i32> {
    let detector = s.rules.detector(None, false)?;
    let set = &detector.rules;
    if s.check {
        let failures = check::check_all(&detector);
        for f in &failures {
            eprintln!("{}", lines(&f.to_string()));
        }
        println!(
            "{} rules checked (examples, negative examples, remediation), {} failure(s)",
            set.rules.len(),
            failures.len()
        );
        return Ok(if failures.is_empty() {
            exit::CLEAN
        } else {
            exit::FINDINGS
        });
    }
    let verify_hosts: std::collections::HashMap<String, String> =
        crate::verify::Verifiers::from_rules(set)
            .map_err(|e| anyhow::anyhow!(e))?
            .hosts()
            .into_iter()
            .collect();
    if s.format == RulesFormat::Json {
        let rows: Vec<RuleRow> = set
            .rules
            .iter()
            .map(|r| RuleRow {
                id: &r.id,
                description: &r.description,
                keywords: &r.keywords,
                severity: r.severity.as_str(),
                confidence: r.confidence.as_str(),
                origin: &r.origin,
                verifies_at: verify_hosts.get(r.id.as_ref()).cloned(),
                remediation: r.remediation(),
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(exit::CLEAN);
    }
    // Descriptions, keywords and allowlists may come from a config: shown escaped.
    for r in &set.rules {
        println!(
            "{:<36} {:<9} {:<58} [{}] {}",
            visible(&r.id),
            r.severity.as_str(),
            visible(&r.description),
            visible(&r.keywords.join(",")),
            visible(&r.origin)
        );
    }
    for (i, a) in set.allowlists.iter().enumerate() {
        let origin = if i < set.default_allowlists {
            "default allowlist"
        } else {
            "config allowlist"
        };
        let mut paths: Vec<String> = a.paths.iter().map(|p| p.as_str().to_string()).collect();
        paths.extend(a.files.describe());
        println!(
            "allowlist ({origin}): {} — {} path(s): {}",
            visible(a.description.as_deref().unwrap_or("")),
            paths.len(),
            visible(&paths.join(" "))
        );
    }
    eprintln!(
        "{} rules, {} allowlist(s)",
        set.rules.len(),
        set.allowlists.len()
    );
    Ok(exit::CLEAN)
}
