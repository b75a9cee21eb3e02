//! Reading leakhound's own JSON and JSONL reports back, for `merge`: findings (with their
//! secrets as the report held them: masked unless it was written with `--show-secrets`),
//! per-repository summaries of `audit`, and notes. An object that is none of these, or a
//! line that is not JSON, is an error naming the file and line.

use super::context::Note;
use crate::finding::{Advice, CommitInfo, Finding, Occurrence, Verification, VerifyStatus};
use crate::rules::{Confidence, Remediation, Severity};
use anyhow::{anyhow, bail, Result};
use serde_json::Value;

/// What a report file holds.
#[derive(Default)]
pub struct Parsed {
    pub findings: Vec<Finding>,
    /// `audit`'s `{"kind": "summary", ...}` objects, as they are.
    pub summaries: Vec<Value>,
    pub notes: Vec<Note>,
}

/// Parses `text` (a JSON array or JSON lines) from the file `name`.
pub fn parse(name: &str, text: &str, into: &mut Parsed) -> Result<()> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let items: Vec<Value> =
            serde_json::from_str(trimmed).map_err(|e| anyhow!("{name}: not a JSON report: {e}"))?;
        for (i, v) in items.into_iter().enumerate() {
            take(v, into).map_err(|e| anyhow!("{name}: item {}: {e}", i + 1))?;
        }
        return Ok(());
    }
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| anyhow!("{name}:{}: not a JSON line: {e}", i + 1))?;
        take(v, into).map_err(|e| anyhow!("{name}:{}: {e}", i + 1))?;
    }
    Ok(())
}

fn take(v: Value, into: &mut Parsed) -> Result<()> {
    match v.get("kind").and_then(Value::as_str) {
        Some("summary") => into.summaries.push(v),
        Some("note") => into.notes.push(serde_json::from_value(v)?),
        Some(k) => bail!("unknown kind {k:?}"),
        None => into.findings.push(finding(&v)?),
    }
    Ok(())
}

fn finding(v: &Value) -> Result<Finding> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let n = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
    let need = |k: &str| s(k).ok_or_else(|| anyhow!("a finding without {k:?}"));
    let commit = s("commit").map(|commit| CommitInfo {
        commit,
        author: s("author").unwrap_or_default(),
        email: s("email").unwrap_or_default(),
        date: s("date").unwrap_or_default(),
        message: s("message").unwrap_or_default(),
    });
    let verification = s("verification").map(|st| Verification {
        status: match st.as_str() {
            "valid" => VerifyStatus::Valid,
            "invalid" => VerifyStatus::Invalid,
            _ => VerifyStatus::Unknown,
        },
        detail: s("verification_detail").unwrap_or_default(),
    });
    let occurrences: Vec<Occurrence> = match v.get("occurrences") {
        Some(o) => o
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| Occurrence {
                        commit: x["commit"].as_str().unwrap_or("").to_string(),
                        path: x["path"].as_str().unwrap_or("").to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let rem = &v["remediation"];
    let text = |k: &str| rem[k].as_str().unwrap_or("").to_string().into();
    Ok(Finding {
        rule_id: need("rule_id")?,
        description: s("description").unwrap_or_default(),
        path: need("path")?,
        line: n("line"),
        column: n("column"),
        end_line: n("end_line"),
        end_column: n("end_column"),
        secret: s("secret").unwrap_or_default(),
        line_text: s("match").unwrap_or_default(),
        entropy: v.get("entropy").and_then(Value::as_f64).unwrap_or(0.0),
        fingerprint: need("fingerprint")?,
        confidence: s("confidence")
            .and_then(|c| Confidence::parse(&c))
            .unwrap_or(Confidence::Medium),
        severity: s("severity")
            .and_then(|c| Severity::parse(&c))
            .unwrap_or(Severity::High),
        tags: v["tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        encoding: s("encoding"),
        commit,
        occurrences,
        verification,
        present_at_head: v.get("present_at_head").and_then(Value::as_bool),
        remediation: Remediation {
            rotate: text("rotate"),
            impact: text("impact"),
        },
        repository: s("repository"),
        advice: rem.get("fix").and_then(|a| {
            Some(Advice {
                language: a["language"].as_str()?.to_string().into(),
                variable: a["variable"].as_str().map(str::to_string),
                replacement: a["replacement"].as_str().map(str::to_string),
                text: a["text"].as_str()?.to_string(),
            })
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_arrays_and_errors_name_the_place() {
        let line = r#"{"rule_id":"r","description":"d","path":"a.py","line":3,"column":2,"end_line":3,"end_column":9,"secret":"sk_l****","match":"k = sk_l****","entropy":4.1,"fingerprint":"ff","confidence":"high","severity":"critical","tags":["x"],"repository":"git@h:o/r.git","remediation":{"rotate":"Roll it","impact":"All","fix":{"language":"python","variable":"KEY","replacement":"os.environ[\"KEY\"]","text":"read it from the environment"}}}"#;
        let mut p = Parsed::default();
        let text = format!("{line}\n{{\"kind\":\"summary\",\"repository\":\"x\"}}\n");
        parse("a.jsonl", &text, &mut p).unwrap();
        assert_eq!(p.findings.len(), 1);
        assert_eq!(p.summaries.len(), 1);
        let f = &p.findings[0];
        assert_eq!((f.line, f.column, f.confidence), (3, 2, Confidence::High));
        assert_eq!(f.repository.as_deref(), Some("git@h:o/r.git"));
        assert_eq!(f.remediation.rotate, "Roll it");
        // The advice is carried, not derived again from the masked line.
        let a = crate::fix::advice(f).unwrap();
        assert_eq!(a.variable.as_deref(), Some("KEY"));
        parse("b.json", &format!("[{line}]"), &mut p).unwrap();
        assert_eq!(p.findings.len(), 2);
        let err = parse("c.jsonl", "{}\nnot json\n", &mut p)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.jsonl:1: a finding without"), "{err}");
    }
}
