//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning takes it, built with `serde-sarif`.
//!
//! `tool.driver.rules` lists each rule that produced a result, once; results point at it by
//! `ruleId` and `ruleIndex`, carry a masked message, a region, and our fingerprint in
//! `partialFingerprints`. History results carry their commit in `properties`. Notes about the
//! run (a range that changes the policy files) are `toolExecutionNotifications`.

use super::context::Context;
use crate::finding::Finding;
use crate::rules::Severity;
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool,
    ToolComponent, VersionControlDetails,
};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

/// GitHub's `security-severity`: a CVSS-like score as a string.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn descriptor(f: &Finding) -> ReportingDescriptor {
    let r = &f.remediation;
    let help = format!(
        "A hardcoded credential ({}) was found. Anyone who could read this file or its \
         history may have it: rotate it, then load it from the environment or a secret \
         manager instead. If it is not a secret, add `leakhound:allow` in a comment on that \
         line or record it in the baseline.\n\nRotate: {}\n\nImpact: {}",
        f.description, r.rotate, r.impact
    );
    let markdown = format!(
        "**{}** hardcoded in the code.\n\n**Rotate:** {}\n\n**What a leak allows:** {}\n\n\
         Then read the value from the environment or a secret manager \
         (`leakhound fix` rewrites assignments in Python, JavaScript, TypeScript, Go, Ruby, \
         Java, Kotlin, PHP, C# and shell). Not a secret? Add `leakhound:allow` in a comment \
         on the line, or record it in the baseline.",
        f.description, r.rotate, r.impact
    );
    let mut extra = BTreeMap::new();
    extra.insert(
        "security-severity".to_string(),
        serde_json::Value::String(security_severity(f.severity).to_string()),
    );
    extra.insert(
        "precision".to_string(),
        serde_json::Value::String(
            match f.confidence {
                crate::rules::Confidence::High => "very-high",
                crate::rules::Confidence::Medium => "high",
                crate::rules::Confidence::Low => "medium",
            }
            .to_string(),
        ),
    );
    let mut tags = vec!["security".to_string(), "secret".to_string()];
    tags.extend(f.tags.iter().cloned());
    ReportingDescriptor::builder()
        .id(f.rule_id.clone())
        .name(f.rule_id.clone())
        .short_description(text(f.description.clone()))
        .full_description(text(format!(
            "{}: a secret of this kind hardcoded in source or configuration.",
            f.description
        )))
        .help(
            MultiformatMessageString::builder()
                .text(help)
                .markdown(markdown)
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(extra)
                .build(),
        )
        .build()
}

fn result(f: &Finding, rule_index: usize, show: bool) -> SarifResult {
    let region = Region::builder()
        .start_line(f.line as i64)
        .start_column(f.column as i64)
        .end_line(f.end_line as i64)
        .end_column(f.end_column as i64)
        .build();
    let location = Location {
        physical_location: Some(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(f.path.clone()).build())
                .region(region)
                .build(),
        ),
        ..Default::default()
    };
    let mut message = format!(
        "{} found: {} (confidence {})",
        f.description,
        f.display_secret(show),
        f.confidence
    );
    if let Some(enc) = &f.encoding {
        message.push_str(&format!(", inside {enc}-encoded text"));
    }
    let mut fps = BTreeMap::new();
    fps.insert("leakhound/v1".to_string(), f.fingerprint.clone());
    let mut props = BTreeMap::new();
    props.insert(
        "confidence".into(),
        serde_json::json!(f.confidence.as_str()),
    );
    props.insert("entropy".into(), serde_json::json!(f.entropy));
    if let Some(c) = &f.commit {
        message.push_str(&format!(", introduced in commit {}", c.commit));
        props.insert("commit".into(), serde_json::json!(c.commit));
        props.insert("author".into(), serde_json::json!(c.author));
        props.insert("email".into(), serde_json::json!(c.email));
        props.insert("date".into(), serde_json::json!(c.date));
        props.insert("commitMessage".into(), serde_json::json!(c.message));
    }
    if let Some(p) = f.present_at_head {
        props.insert("presentAtHead".into(), serde_json::json!(p));
    }
    if let Some(r) = &f.repository {
        props.insert("repository".into(), serde_json::json!(r));
    }
    if let Some(a) = crate::fix::advice(f) {
        props.insert("fix".into(), serde_json::json!(a.text));
        message.push_str(&format!(". Fix: {}", a.text));
    }
    props.insert("rotate".into(), serde_json::json!(f.remediation.rotate));
    let mut level = level(f.severity);
    if let Some(v) = &f.verification {
        props.insert("verification".into(), serde_json::json!(v.status.as_str()));
        props.insert("verificationDetail".into(), serde_json::json!(v.detail));
        if v.status == crate::finding::VerifyStatus::Valid {
            // A live key is an error whatever the rule's severity says.
            level = ResultLevel::Error;
            message.push_str(&format!(", verified LIVE ({})", v.detail));
        }
    }
    SarifResult::builder()
        .rule_id(f.rule_id.clone())
        .rule_index(rule_index as i64)
        .level(level)
        .message(Message {
            text: Some(message),
            ..Default::default()
        })
        .locations(vec![location])
        .partial_fingerprints(fps)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build()
}

pub fn write(findings: &[Finding], ctx: &Context, out: &mut dyn Write) -> io::Result<()> {
    let mut rules: Vec<ReportingDescriptor> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut results = Vec::with_capacity(findings.len());
    for f in findings {
        let i = *index.entry(f.rule_id.as_str()).or_insert_with(|| {
            rules.push(descriptor(f));
            rules.len() - 1
        });
        results.push(result(f, i, ctx.show_secrets));
    }
    let driver = ToolComponent::builder()
        .name("leakhound")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://crates.io/crates/leakhound")
        .rules(rules)
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .build();
    if let Some(uri) = &ctx.repository_uri {
        run.version_control_provenance = Some(vec![VersionControlDetails::builder()
            .repository_uri(uri.clone())
            .build()]);
    }
    let log = Sarif {
        schema: Some(SCHEMA.to_string()),
        inline_external_properties: None,
        properties: None,
        runs: vec![run],
        version: serde_json::Value::String("2.1.0".into()),
    };
    let mut value = serde_json::to_value(&log)?;
    if let Some(run) = value.pointer_mut("/runs/0") {
        run["invocations"] = invocations(ctx);
    }
    serde_json::to_writer_pretty(&mut *out, &value)?;
    out.write_all(b"\n")
}

/// `runs[0].invocations`: the run succeeded, with the context's notes as tool execution
/// notifications (code scanning shows them on the analysis).
fn invocations(ctx: &Context) -> serde_json::Value {
    let notes: Vec<serde_json::Value> = ctx
        .notes
        .iter()
        .map(|n| {
            serde_json::json!({
                "descriptor": { "id": n.id },
                "level": "warning",
                "message": { "text": n.message },
                "locations": n.files.iter().map(|f| serde_json::json!({
                    "physicalLocation": { "artifactLocation": { "uri": f } }
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut inv = serde_json::json!({ "executionSuccessful": true });
    if !notes.is_empty() {
        inv["toolExecutionNotifications"] = serde_json::Value::Array(notes);
    }
    serde_json::json!([inv])
}
