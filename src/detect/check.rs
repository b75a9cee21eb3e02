//! Every rule carries `examples` (must be reported by that rule) and `negative_examples`
//! (must not be), and every embedded rule its remediation (where to rotate, what a leak
//! allows). This checks them with the full detector, so filters and allowlists are
//! part of what is checked. Used by `leakhound rules --check` and by the test suite. It lives
//! beside the detector, which it needs, so that the rules module never depends on detection.

use super::matcher::{Detector, Scratch, Target};

/// Checks every rule of `detector`; returns one message per failing example.
pub fn check_all(detector: &Detector) -> Vec<String> {
    let mut failures = Vec::new();
    let mut scratch = Scratch::default();
    for rule in &detector.rules.rules {
        if rule.regex.is_some() && rule.examples.is_empty() {
            failures.push(format!(
                "{}: rule {}: has no examples",
                rule.origin, rule.id
            ));
        }
        // Every embedded rule (its origin is a static string) says how to recover from a
        // leak; a user's rule may lean on the generic advice.
        let embedded = matches!(rule.origin, std::borrow::Cow::Borrowed(_));
        match &rule.remediation {
            None if embedded => failures.push(format!(
                "{}: rule {}: has no [rules.remediation]",
                rule.origin, rule.id
            )),
            Some(r) if r.rotate.trim().is_empty() || r.impact.trim().is_empty() => failures.push(
                format!("{}: rule {}: empty remediation text", rule.origin, rule.id),
            ),
            _ => {}
        }
        // A neutral file: not a test, an example or documentation, which change how some
        // matches count.
        let path = rule.example_path.as_deref().unwrap_or("input.txt");
        // A rule of paths only (the file's name is the leak): its examples are paths.
        let path_only = rule.regex.is_none() && rule.structure.is_none() && rule.path.is_some();
        for (positive, list) in [(true, &rule.examples), (false, &rule.negative_examples)] {
            for ex in list {
                let mut out = Vec::new();
                if path_only {
                    detector.detect_path(ex, &mut out);
                } else {
                    let t = Target {
                        path,
                        data: ex.as_bytes(),
                        commit: None,
                    };
                    detector.detect(&t, &mut scratch, &mut out);
                }
                let hit = out.iter().any(|f| f.rule_id == rule.id);
                if hit != positive {
                    let what = if positive {
                        "example not found"
                    } else {
                        "negative example reported"
                    };
                    let others: Vec<&str> = out.iter().map(|f| f.rule_id.as_str()).collect();
                    failures.push(format!(
                        "{}: rule {}: {what}: {ex:?} (reported: {others:?})",
                        rule.origin, rule.id
                    ));
                }
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    #[test]
    fn every_builtin_regex_compiles() {
        for r in &RuleSet::builtin().rules {
            for p in r.regex.iter().chain(r.path.iter()) {
                assert!(p.compiled().is_ok(), "{}: {:?}", r.id, p.compiled().err());
            }
        }
    }

    #[test]
    fn every_builtin_rule_passes_its_examples() {
        let set = RuleSet::load(&crate::rules::LoadOptions {
            with_examples: true,
            ..Default::default()
        })
        .unwrap();
        let failures = check_all(&Detector::new(set, Default::default()));
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
