//! `--verify`: asks each finding's provider whether the credential is live, with one
//! read-only request, and records the answer on the finding (`valid`, `invalid`, or
//! `unknown` with the reason).
//!
//! Nothing here runs unless the user asked for it on the command line, and never in the
//! pre-commit path. Where a credential may go is decided by the rule that found it: only
//! rules built into the binary, or from a config named with `--config` outside the scanned
//! tree, carry a verifier (`rules::set` refuses one in a config found in the tree), and a
//! verifier only ever reaches its own host (`spec`). Each distinct credential is verified
//! once per run, with at most [`PER_HOST`] requests in flight per provider.

pub mod aws;
pub mod http;
pub mod spec;

use crate::finding::{mask, Finding, Verification, VerifyStatus};
use crate::rules::RuleSet;
use spec::{Answer, Kind, Request, Spec};
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Requests in flight at once to one provider ...
pub const PER_HOST: usize = 4;
/// ... and in all.
const WORKERS: usize = 16;
/// Distinct secrets verified per provider in one run; the rest are `unknown` (a repository
/// of a hundred thousand made-up keys does not make a hundred thousand requests).
pub const MAX_PER_PROVIDER: usize = 500;
/// The longest identity shown.
const MAX_DETAIL: usize = 80;

#[derive(Debug, Clone)]
pub struct VerifySettings {
    /// Bound on each request (`--verify-timeout`).
    pub timeout: Duration,
    /// Report only findings verified live (`--only-verified`).
    pub only_verified: bool,
}

/// The verifiers of a rule set, by rule id, and the rules whose matches may be sent as the
/// other half of a credential.
#[derive(Debug, Default, Clone)]
pub struct Verifiers {
    specs: HashMap<String, Arc<Spec>>,
    trusted: Vec<String>,
}

impl Verifiers {
    /// Parses the verifiers of `rules` (the trusted ones: see the module doc).
    pub fn from_rules(rules: &RuleSet) -> Result<Verifiers, String> {
        let mut v = Verifiers::default();
        for r in rules.rules.iter().filter(|r| r.trusted) {
            v.trusted.push(r.id.to_string());
            if let Some(syntax) = &r.verify {
                let spec = Spec::parse(syntax).map_err(|e| format!("rule {}: {e}", r.id))?;
                v.specs.insert(r.id.to_string(), Arc::new(spec));
            }
        }
        Ok(v)
    }

    /// How many rules can be verified.
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// The rules with a verifier and the hosts they reach, for `rules` listings and docs.
    pub fn hosts(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .specs
            .iter()
            .filter_map(|(id, s)| Some((id.clone(), s.template_host()?)))
            .collect();
        out.sort();
        out
    }
}

/// The matches a verifier may pair with: every finding of a trusted rule that some
/// verifier names as its `pair`, taken before findings are filtered for the report (the
/// other half may be below the reported confidence).
#[derive(Debug, Default, Clone)]
pub struct Partners(Vec<Finding>);

impl Partners {
    pub fn collect(findings: &[Finding], verifiers: &Verifiers) -> Partners {
        let wanted: Vec<&str> = verifiers
            .specs
            .values()
            .flat_map(|s| s.pair.iter().map(String::as_str))
            .filter(|p| verifiers.trusted.iter().any(|t| t == p))
            .collect();
        Partners(
            findings
                .iter()
                .filter(|f| wanted.contains(&f.rule_id.as_str()) && !f.secret.is_empty())
                .cloned()
                .collect(),
        )
    }

    /// The nearest match of one of `rules` to `f` in the same file: of the same commit
    /// first; in history, a half that entered the file in another commit (a token added
    /// under an older account id) is the next best.
    fn near(&self, f: &Finding, rules: &[String], lines: usize) -> Option<&str> {
        self.0
            .iter()
            .filter(|p| rules.contains(&p.rule_id) && p.path == f.path)
            .map(|p| (!same_file(p, f), p.line.abs_diff(f.line), p))
            .filter(|(_, d, _)| *d <= lines)
            .min_by_key(|(other, d, p)| (*other, *d, p.line))
            .map(|(_, _, p)| p.secret.as_str())
    }
}

/// One distinct credential to verify.
struct Job {
    spec: Arc<Spec>,
    request: Request,
    /// Whose limits apply: the verifier's host (`*.algolia.net` for every application).
    provider: String,
    result: Option<Verification>,
}

fn unknown(detail: impl Into<String>) -> Verification {
    Verification {
        status: VerifyStatus::Unknown,
        detail: detail.into(),
    }
}

/// A provider's words fit for a report: printable, short, and never the credential.
fn clean_detail(s: &str, secret: &str) -> String {
    // Masked first, then cut: a cut could leave part of the secret unmasked.
    let s = match secret.is_empty() {
        false => s.replace(secret, &mask(secret)),
        true => s.to_string(),
    };
    s.chars()
        .filter(|c| !c.is_control())
        .take(MAX_DETAIL)
        .collect()
}

/// Verifies `findings` in place: each gets its `verification`.
pub fn run(
    findings: &mut [Finding],
    partners: &Partners,
    verifiers: &Verifiers,
    settings: &VerifySettings,
) -> Result<(), String> {
    let client = http::Client::new(settings.timeout)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut jobs: Vec<Job> = Vec::new();
    let mut by_key: HashMap<(String, String, String), usize> = HashMap::new();
    let mut per_provider: HashMap<String, usize> = HashMap::new();
    // Per finding: the job that verifies it, or its answer already.
    let mut plan: Vec<Result<usize, Verification>> = Vec::with_capacity(findings.len());
    // (finding, the other half it was paired with), for that half to share the answer.
    let mut halves: Vec<(usize, String)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(spec) = verifiers.specs.get(&f.rule_id) else {
            plan.push(Err(unknown("no verifier for this rule")));
            continue;
        };
        if f.secret.is_empty() {
            plan.push(Err(unknown("nothing to verify (a file name match)")));
            continue;
        }
        let pair = match spec.pair.is_empty() {
            false => match partners.near(f, &spec.pair, spec.pair_lines) {
                Some(p) => Some(p.to_string()),
                None => {
                    plan.push(Err(unknown(format!(
                        "its other half is not within {} lines",
                        spec.pair_lines
                    ))));
                    continue;
                }
            },
            true => None,
        };
        if let Some(p) = &pair {
            halves.push((i, p.clone()));
        }
        let key = (
            f.rule_id.clone(),
            f.secret.clone(),
            pair.clone().unwrap_or_default(),
        );
        if let Some(&j) = by_key.get(&key) {
            plan.push(Ok(j));
            continue;
        }
        let request = match spec.kind {
            Kind::AwsSts if f.secret.starts_with("ASIA") => {
                Err("temporary credentials: verifying needs their session token".to_string())
            }
            Kind::AwsSts => Ok(aws::request(&f.secret, pair.as_deref().unwrap_or(""), now)),
            Kind::Http => spec.render(&f.secret, pair.as_deref()),
        };
        let provider = spec.template_host().unwrap_or_default();
        let count = per_provider.entry(provider.clone()).or_insert(0usize);
        match request {
            Ok(_) if *count >= MAX_PER_PROVIDER => plan.push(Err(unknown(format!(
                "not sent: more than {MAX_PER_PROVIDER} distinct secrets for this provider"
            )))),
            Ok(request) => {
                *count += 1;
                by_key.insert(key, jobs.len());
                plan.push(Ok(jobs.len()));
                jobs.push(Job {
                    spec: spec.clone(),
                    request,
                    provider,
                    result: None,
                });
            }
            Err(e) => plan.push(Err(unknown(e))),
        }
    }
    send_all(&client, &mut jobs);
    let mut verified: Vec<Option<Verification>> = plan
        .into_iter()
        .map(|p| match p {
            Ok(j) => jobs[j].result.clone(),
            Err(v) => Some(v),
        })
        .collect();
    // The other half of a verified pair (an AWS secret key) shares its answer.
    for (i, f) in findings.iter().enumerate() {
        if verifiers.specs.contains_key(&f.rule_id) {
            continue;
        }
        let answer = halves
            .iter()
            .filter(|(j, pair)| *pair == f.secret && same_file(&findings[*j], f))
            .filter_map(|(j, _)| verified[*j].clone())
            .min_by_key(|v| v.status);
        if answer.is_some() {
            verified[i] = answer;
        }
    }
    for (f, v) in findings.iter_mut().zip(verified) {
        let mut v = v.unwrap_or_else(|| unknown("not sent"));
        v.detail = clean_detail(&v.detail, &f.secret);
        f.verification = Some(v);
    }
    Ok(())
}

/// Are two findings in the same file of the same commit (or both in the tree)?
fn same_file(a: &Finding, b: &Finding) -> bool {
    fn commit(x: &Finding) -> Option<&str> {
        x.commit.as_ref().map(|c| c.commit.as_str())
    }
    a.path == b.path && commit(a) == commit(b)
}

/// Which jobs wait, per provider, and how many of each provider's are in flight.
#[derive(Default)]
struct Queues {
    waiting: HashMap<String, Vec<usize>>,
    in_flight: HashMap<String, usize>,
    done: Vec<(usize, Verification)>,
}

impl Queues {
    /// A job of a provider with room for one more request, if any.
    fn take(&mut self) -> Option<(String, usize)> {
        let in_flight = &self.in_flight;
        let (provider, queue) = self
            .waiting
            .iter_mut()
            .find(|(p, q)| !q.is_empty() && in_flight.get(*p).copied().unwrap_or(0) < PER_HOST)?;
        let job = queue.pop()?;
        let provider = provider.clone();
        *self.in_flight.entry(provider.clone()).or_default() += 1;
        Some((provider, job))
    }

    fn idle(&self) -> bool {
        self.waiting.values().all(Vec::is_empty)
    }
}

/// Sends every job: [`WORKERS`] requests at a time in all, at most [`PER_HOST`] of them to
/// one provider.
fn send_all(client: &http::Client, jobs: &mut [Job]) {
    let mut queues = Queues::default();
    for (i, j) in jobs.iter().enumerate() {
        queues
            .waiting
            .entry(j.provider.clone())
            .or_default()
            .push(i);
    }
    let state = (Mutex::new(queues), Condvar::new());
    let jobs_ref = &*jobs;
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(jobs_ref.len()) {
            let state = &state;
            scope.spawn(move || loop {
                let next = {
                    let Ok(mut q) = state.0.lock() else { return };
                    loop {
                        if let Some(next) = q.take() {
                            break next;
                        }
                        if q.idle() {
                            return;
                        }
                        q = match state.1.wait(q) {
                            Ok(q) => q,
                            Err(_) => return,
                        };
                    }
                };
                let (provider, i) = next;
                let v = verify_one(client, &jobs_ref[i]);
                if let Ok(mut q) = state.0.lock() {
                    if let Some(n) = q.in_flight.get_mut(&provider) {
                        *n -= 1;
                    }
                    q.done.push((i, v));
                }
                state.1.notify_all();
            });
        }
    });
    let done = state.0.into_inner().map(|q| q.done).unwrap_or_default();
    for (i, v) in done {
        jobs[i].result = Some(v);
    }
}

fn verify_one(client: &http::Client, job: &Job) -> Verification {
    let mut outcome = client.send(&job.request);
    // STS answers a quick retest of a key id with a spurious SignatureDoesNotMatch now and
    // then: a 403 is asked again once before it counts.
    if job.spec.kind == Kind::AwsSts
        && matches!(outcome, http::Outcome::Answered { status: 403, .. })
    {
        outcome = client.send(&job.request);
    }
    match outcome {
        http::Outcome::Answered { status, body } => {
            let answer = match job.spec.kind {
                Kind::AwsSts => aws::judge(status, &body),
                Kind::Http => job.spec.judge(status, &body),
            };
            match answer {
                Answer::Valid(identity) => Verification {
                    status: VerifyStatus::Valid,
                    detail: identity.unwrap_or_else(|| "live".into()),
                },
                Answer::Invalid => Verification {
                    status: VerifyStatus::Invalid,
                    detail: format!("rejected (HTTP {status})"),
                },
                Answer::Unexpected(s) => unknown(format!("unexpected answer (HTTP {s})")),
            }
        }
        http::Outcome::RateLimited => unknown("rate limited (HTTP 429)"),
        http::Outcome::Failed(why) => unknown(why),
    }
}

/// Keeps only findings verified live.
pub fn keep_verified(findings: &mut Vec<Finding>) {
    findings.retain(|f| {
        f.verification
            .as_ref()
            .is_some_and(|v| v.status == VerifyStatus::Valid)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_verifier_parses_and_pairs_with_a_rule() {
        let rules = RuleSet::builtin();
        let v = Verifiers::from_rules(&rules).unwrap();
        assert!(v.len() >= 40, "{} verifiers", v.len());
        for (id, spec) in &v.specs {
            for p in &spec.pair {
                assert!(rules.get(p).is_some(), "{id}: pair {p} is not a rule");
            }
        }
        let hosts = v.hosts();
        assert!(hosts
            .iter()
            .any(|(id, h)| id == "github-pat" && h == "api.github.com"));
    }

    #[test]
    fn details_never_hold_the_credential() {
        let d = clean_detail("token ghp_abc\u{1b}[31m is fine", "ghp_abc");
        assert!(!d.contains("ghp_abc") && !d.contains('\u{1b}'), "{d}");
        // Across the length cut, too.
        let secret = "sk_live_Zq8Lm3Vt6Rw9Kp2Xc5Nb"; // leakhound:allow
        let d = clean_detail(&format!("{}{secret}", "x".repeat(70)), secret);
        assert!(!d.contains("sk_live_Zq"), "{d}");
    }

    #[test]
    fn at_most_four_requests_per_provider_in_flight() {
        let mut q = Queues::default();
        q.waiting
            .insert("api.example.com".into(), (0..10).collect());
        q.waiting.insert("other.example.com".into(), vec![10]);
        let taken: Vec<(String, usize)> = std::iter::from_fn(|| q.take()).collect();
        let per = |p: &str| taken.iter().filter(|(x, _)| x == p).count();
        assert_eq!(
            (per("api.example.com"), per("other.example.com")),
            (PER_HOST, 1)
        );
        assert!(!q.idle());
    }
}
