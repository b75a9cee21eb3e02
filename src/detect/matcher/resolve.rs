//! Candidate resolution: a rule's regex match becomes a candidate only if it passes the
//! rule's gates (length, entropy, placeholders, randomness or password shape), the
//! allowlists and the inline allow markers; overlapping candidates are then resolved to the
//! one of highest standing, and the survivors become findings.

use super::candidate::{Cand, Scratch, Target};
use crate::detect::checksum;
use crate::detect::entropy::shannon;
use crate::detect::filter::{self, FileClass};
use crate::detect::structure::field::{Field, FieldKind};
use crate::finding::{fingerprint, mask, Finding};
use crate::rules::allowlist::Candidate as AllowCandidate;
use crate::rules::{Confidence, Rule, RuleSet};

/// Longest secret considered; longer matches are truncated junk (minified data, blobs).
const MAX_SECRET: usize = 4096;

/// Markers that silence a line (or, in a comment of their own, the line below).
const INLINE_ALLOW: &[&str] = &[
    "leakhound:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// Generic detectors yield to specific rules on the same secret. Ours carry the `generic`
/// tag; gitleaks configs name theirs `generic-api-key` and similar.
fn is_generic(rule: &Rule) -> bool {
    rule.tags.iter().any(|t| t == "generic") || rule.id.starts_with("generic")
}

fn has_tag(rule: &Rule, tag: &str) -> bool {
    rule.tags.iter().any(|t| t == tag)
}

/// One level less sure; nothing below low.
fn demote(c: Confidence) -> Option<Confidence> {
    match c {
        Confidence::High => Some(Confidence::Medium),
        Confidence::Medium => Some(Confidence::Low),
        Confidence::Low => None,
    }
}

/// The confidence of a regex rule's match in a file of this class. Values in examples,
/// templates, dummies and documentation illustrate: a generic match, a weak password or a
/// password hash there drops a level (below low: not reported); a private key in a file
/// named as a dummy, stub, fake or mock is not reported, one in an example drops a level (a
/// key is a key whatever its file is called, and example keys get deployed). A provider token that matched its format
/// keeps its confidence wherever it is: a live token pasted into a runbook is still a leak.
fn in_context(rule: &Rule, path: &str, c: Confidence) -> Option<Confidence> {
    // Values without a provider's format: generic names, passwords, hashes, and the
    // credentials of HTTP headers (`Authorization: Bearer <anything>`).
    let weak = is_generic(rule)
        || rule.password
        || has_tag(rule, "password-hash")
        || has_tag(rule, "http");
    let key = has_tag(rule, "private-key");
    if !weak && !key {
        return Some(c);
    }
    match filter::file_class(path) {
        FileClass::Example if key && filter::is_named_dummy(path) => None,
        FileClass::Example if key => demote(c),
        FileClass::Example => demote(c).and_then(demote),
        FileClass::Docs if weak => demote(c),
        FileClass::Test if has_tag(rule, "password-hash") => demote(c),
        _ => Some(c),
    }
}

/// Applies rule `ri`'s gates and the allowlists to one regex match in `data` (the target's
/// bytes, or text decoded from them); the candidate if it survives.
pub fn judge(
    set: &RuleSet,
    ri: u32,
    t: &Target,
    data: &[u8],
    secret: (usize, usize),
    whole: (usize, usize),
) -> Option<Cand> {
    let rule = &set.rules[ri as usize];
    let s = &data[secret.0..secret.1];
    if s.is_empty() || s.len() < rule.min_length || s.len() > MAX_SECRET {
        return None;
    }
    let entropy = shannon(s);
    if rule.entropy.is_some_and(|min| entropy < min)
        || filter::is_placeholder(s)
        || filter::is_known_public(s)
    {
        return None;
    }
    if rule.randomness && (filter::looks_like_code(s) || !filter::looks_random(s)) {
        return None;
    }
    if rule.password {
        // A quoted literal, or the password field of a URL: both are literals.
        let url = memchr::memmem::find(&data[whole.0..whole.1], b"://").is_some();
        let quoted = secret.0 > 0 && matches!(data[secret.0 - 1], b'"' | b'\'' | b'`') || url;
        if !filter::looks_like_password(s, quoted, t.path) || url && is_url_default(data, secret) {
            return None;
        }
    }
    let (ls, le) = line_bounds(data, secret.0);
    let cand = AllowCandidate {
        path: t.path,
        commit: t.commit,
        secret: s,
        matched: &data[whole.0..whole.1],
        line: &data[ls..le],
    };
    if allowlisted(set, rule, &cand)
        || inline_allowed(data, ls, le)
        || filter::in_spec_example(t.path, data, ls)
    {
        return None;
    }
    let mut confidence = rule.confidence;
    if let Some(kind) = rule.checksum {
        match checksum::verify(kind, s) {
            Some(true) if kind.proves_real() => confidence = Confidence::High,
            Some(false) if kind.failure_rejects() => return None,
            Some(false) => confidence = confidence.lower(),
            _ => {}
        }
    }
    Some(Cand {
        rule: ri,
        start: secret.0,
        end: secret.1,
        entropy,
        confidence: in_context(rule, t.path, confidence)?,
        encoding: None,
        decoded: None,
        block: rule.multiline,
    })
}

/// The structural gate, for a value a structure rule's extractor found in a credential
/// position: it is a credential whatever it looks like, unless it is empty, shorter than the
/// position allows, a placeholder or reference, a default password for a local or
/// documentation host, or allowed. In an example, a template or documentation it counts a
/// level less, unless the format encodes it (nobody obfuscates a placeholder).
pub fn judge_field(set: &RuleSet, ri: u32, t: &Target, f: &Field) -> Option<Cand> {
    let rule = &set.rules[ri as usize];
    let data = t.data;
    let written = data.get(f.start..f.end)?;
    let value = f.value.as_deref().unwrap_or(written);
    let value = value.trim_ascii();
    if value.len() < f.min_len.max(1)
        || value.len() > MAX_SECRET
        || filter::is_placeholder(value)
        || filter::is_known_public(value)
    {
        return None;
    }
    let mut confidence = f.confidence;
    if filter::is_default_password(value) {
        // `postgres`/`postgres` on localhost is a development default; on a real host it
        // is an exposure all the same, if a small one. A tool's own credential file
        // (`.pgpass`, an SFTP deployment config, `.esmtprc`) is what the tool logs in with,
        // wherever it points: a weak password typed there (`password`, `hunter22`) is weak,
        // not a placeholder; only a service's stock default on a local host is set-up.
        let host = f.host.as_deref().unwrap_or("");
        let stock = !has_tag(rule, "credential-file") || filter::is_stock_default(value);
        if stock && crate::detect::structure::text::is_local_host(host) {
            return None;
        }
        confidence = Confidence::Low;
    }
    if f.kind == FieldKind::Hash {
        // A password hash in tests, docs or examples illustrates hashing (whichever rule
        // found it: a crypt hash under `password:` is one too).
        if let FileClass::Example | FileClass::Docs | FileClass::Test = filter::file_class(t.path) {
            confidence = demote(confidence)?;
        }
    } else if is_generic(rule) || has_tag(rule, "private-key") {
        confidence = in_context(rule, t.path, confidence)?;
    } else if f.encoding.is_none() {
        if let FileClass::Example | FileClass::Docs = filter::file_class(t.path) {
            confidence = demote(confidence)?;
        }
    }
    let (ls, le) = line_bounds(data, f.start);
    let cand = AllowCandidate {
        path: t.path,
        commit: t.commit,
        secret: value,
        matched: written,
        line: &data[ls..le],
    };
    if allowlisted(set, rule, &cand)
        || inline_allowed(data, ls, le)
        || filter::in_spec_example(t.path, data, ls)
    {
        return None;
    }
    Some(Cand {
        rule: ri,
        start: f.start,
        end: f.end,
        entropy: shannon(value),
        confidence,
        encoding: f.encoding,
        decoded: f.value.as_ref().map(|_| value.to_vec()),
        block: f.kind == FieldKind::PrivateKey,
    })
}

/// A URL's password (at `secret`) that is its user name (`postgres://app:app@db`), or that
/// belongs to a local or documentation host: a development default or a parser's test
/// expectation, not an exposure.
fn is_url_default(data: &[u8], secret: (usize, usize)) -> bool {
    let before = &data[..secret.0];
    let user_start = before
        .iter()
        .rposition(|&b| b == b'/' || b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    let user = before[user_start..]
        .strip_suffix(b":")
        .unwrap_or(&before[user_start..]);
    let pass = &data[secret.0..secret.1];
    let after = &data[secret.1..];
    let host_end = after
        .iter()
        .skip(1)
        .position(|&b| {
            matches!(b, b'/' | b':' | b'?' | b'#' | b'\'' | b'"') || b.is_ascii_whitespace()
        })
        .map_or(after.len(), |i| i + 1);
    let host = String::from_utf8_lossy(after.get(1..host_end).unwrap_or_default());
    user == pass
        || crate::detect::structure::text::is_local_host(&host)
            && filter::word_coverage(&String::from_utf8_lossy(pass)) >= 0.5
}

/// Does the rule's own allowlist, or a global one that applies to the rule, allow `cand`?
pub fn allowlisted(set: &RuleSet, rule: &Rule, cand: &AllowCandidate) -> bool {
    rule.allowlists.iter().any(|a| a.allows(cand))
        || set
            .allowlists
            .iter()
            .any(|a| a.applies_to_rule(&rule.id) && a.allows(cand))
}

/// Does `line` hold one of the markers (ASCII case-insensitively)? Asked only for lines
/// that already hold a candidate.
fn has_marker(line: &[u8]) -> bool {
    let lower = line.to_ascii_lowercase();
    INLINE_ALLOW
        .iter()
        .any(|m| memchr::memmem::find(&lower, m.as_bytes()).is_some())
}

/// `leakhound:allow` (or a peer's marker) on the line `data[ls..le]`, or alone in a comment
/// on the line directly above (for values that span lines or cannot carry a comment).
pub fn inline_allowed(data: &[u8], ls: usize, le: usize) -> bool {
    if has_marker(&data[ls..le]) {
        return true;
    }
    if ls == 0 {
        return false;
    }
    let (ps, pe) = line_bounds(data, ls - 1);
    let prev = data[ps..pe].trim_ascii();
    let is_comment = [
        &b"#"[..],
        b"//",
        b"--",
        b";",
        b"/*",
        b"<!--",
        b"*",
        b"%",
        b"'",
    ]
    .iter()
    .any(|c| prev.starts_with(c));
    is_comment && has_marker(prev)
}

/// Drops a candidate whose secret overlaps one of higher standing: higher confidence, or a
/// specific rule over a generic one; and one inside a key block. Exact duplicates (same rule,
/// same span) go too.
pub fn resolve_overlaps(rules: &[Rule], c: &mut Vec<Cand>) {
    c.sort_by_key(|a| (a.start, a.end, a.rule));
    c.dedup_by(|b, a| a.rule == b.rule && a.start == b.start && a.end == b.end);
    // A provider's rule wins over a credential file's structure, and that over a generic
    // rule (the most specific name for the finding), taking the higher confidence of the
    // two; among equals, higher confidence wins; then a match in the text itself over one
    // found by decoding; then a rule scoped to this kind of file.
    let tier = |x: &Cand| {
        let rule = &rules[x.rule as usize];
        if is_generic(rule) {
            0
        } else if rule.structure.is_some() {
            1
        } else {
            2
        }
    };
    let rank = |x: &Cand| {
        let rule = &rules[x.rule as usize];
        (
            tier(x),
            x.confidence,
            x.decoded.is_none() || rule.structure.is_some(),
            rule.path.is_some(),
        )
    };
    // Inside a key block (a multi-line private key), anything else is key material that
    // happens to look like a token.
    let inside = |outer: &Cand, inner: &Cand| {
        outer.block
            && outer.start <= inner.start
            && inner.end <= outer.end
            && outer.end - outer.start > inner.end - inner.start
    };
    // The public half of a credential (`pair-only`) is never reported: it neither hides
    // nor is hidden by anything.
    let pair_only = |x: &Cand| has_tag(&rules[x.rule as usize], crate::finding::PAIR_ONLY_TAG);
    let mut keep = vec![true; c.len()];
    for i in 0..c.len() {
        for j in (i + 1)..c.len() {
            if c[j].start >= c[i].end {
                break;
            }
            if pair_only(&c[i]) || pair_only(&c[j]) {
                continue;
            }
            if inside(&c[i], &c[j]) {
                keep[j] = false;
                continue;
            }
            if inside(&c[j], &c[i]) {
                keep[i] = false;
                continue;
            }
            let (ri, rj) = (rank(&c[i]), rank(&c[j]));
            let best = c[i].confidence.max(c[j].confidence);
            if ri > rj {
                keep[j] = false;
                if tier(&c[i]) > tier(&c[j]) {
                    c[i].confidence = best;
                }
            } else if rj > ri {
                keep[i] = false;
                if tier(&c[j]) > tier(&c[i]) {
                    c[j].confidence = best;
                }
            } else if c[i].rule != c[j].rule && (c[i].start, c[i].end) == (c[j].start, c[j].end) {
                // Same span, same standing: the first rule in rule order reports it.
                if c[i].rule < c[j].rule {
                    keep[j] = false;
                } else {
                    keep[i] = false;
                }
            }
        }
    }
    let mut k = keep.into_iter();
    c.retain(|_| k.next().unwrap_or(true));
}

/// Turns the resolved candidates of `scratch` into findings.
pub fn emit(rules: &[Rule], t: &Target, scratch: &mut Scratch, out: &mut Vec<Finding>) {
    let data = t.data;
    scratch.line_starts.clear();
    scratch.line_starts.push(0);
    scratch
        .line_starts
        .extend(memchr::memchr_iter(b'\n', data).map(|i| i + 1));
    for c in &scratch.cands {
        let rule = &rules[c.rule as usize];
        if rule.skip_report {
            continue;
        }
        let (line, col, ls) = position(data, &scratch.line_starts, c.start);
        let (end_line, end_col, _) = position(data, &scratch.line_starts, c.end);
        let le = memchr::memchr(b'\n', &data[ls..]).map_or(data.len(), |i| ls + i);
        let line_bytes = &data[ls..le];
        let line_bytes = line_bytes.strip_suffix(b"\r").unwrap_or(line_bytes);
        let secret_bytes = c.decoded.as_deref().unwrap_or(&data[c.start..c.end]);
        let secret = String::from_utf8_lossy(secret_bytes).into_owned();
        let mut line_text = String::from_utf8_lossy(line_bytes).into_owned();
        if c.decoded.is_some() {
            // Mask the encoded form too: it is the secret in another alphabet.
            let encoded = String::from_utf8_lossy(&data[c.start..c.end]).into_owned();
            line_text = line_text.replace(&encoded, &mask(&encoded));
        }
        out.push(Finding {
            rule_id: rule.id.to_string(),
            description: rule.description.to_string(),
            path: t.path.to_string(),
            line,
            column: col,
            end_line,
            end_column: end_col,
            fingerprint: fingerprint(&rule.id, t.path, secret_bytes),
            secret,
            line_text,
            entropy: (c.entropy * 1000.0).round() / 1000.0,
            confidence: c.confidence,
            severity: rule.severity,
            tags: rule.tags.iter().map(|t| t.to_string()).collect(),
            encoding: c.encoding.map(str::to_string),
            commit: None,
            occurrences: Vec::new(),
            verification: None,
            present_at_head: None,
            remediation: rule.remediation(),
            repository: None,
            advice: None,
        });
    }
}

/// Start and end (exclusive, without the newline) of the line holding `pos`.
pub fn line_bounds(data: &[u8], pos: usize) -> (usize, usize) {
    let ls = memchr::memrchr(b'\n', &data[..pos]).map_or(0, |i| i + 1);
    let le = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
    (ls, le)
}

/// 1-based line, 1-based column in characters, and the line's start offset.
fn position(data: &[u8], line_starts: &[usize], pos: usize) -> (usize, usize, usize) {
    let idx = line_starts.partition_point(|&s| s <= pos) - 1;
    let ls = line_starts[idx];
    let col = String::from_utf8_lossy(&data[ls..pos]).chars().count() + 1;
    (idx + 1, col, ls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_on_the_line_or_a_comment_above() {
        let text = b"# leakhound:allow\nk = v\nx = 1 # gitleaks:allow\ny = 2\n";
        let at = |needle: &[u8]| {
            let p = memchr::memmem::find(text, needle).unwrap();
            let (ls, le) = line_bounds(text, p);
            inline_allowed(text, ls, le)
        };
        assert!(at(b"k = v"), "comment line above");
        assert!(at(b"x = 1"), "same line");
        assert!(
            !at(b"y = 2"),
            "a marker at the end of code above does not carry over"
        );
    }
}
