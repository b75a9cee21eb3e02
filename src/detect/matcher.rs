//! The detector: one pass of a keyword automaton over each file, then only the rules whose
//! keywords occurred, only around the places they occurred.
//!
//! A `Detector` is built once and shared by all threads; each worker owns a [`Scratch`] so the
//! hot loop does not allocate per file.

use super::checksum;
use super::decode;
use super::entropy::shannon;
use super::filter;
use super::keywords::Keywords;
use crate::finding::{fingerprint, Finding};
use crate::rules::allowlist::Candidate as AllowCandidate;
use crate::rules::{Confidence, Rule, RuleSet};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder};

/// How far around a keyword hit a rule's regex looks, at most, when the line is long.
/// Lines shorter than this are searched whole.
const WINDOW: usize = 1024;

/// Longest secret considered; longer matches are truncated junk (minified data, blobs).
const MAX_SECRET: usize = 4096;

/// Markers that silence a line (or, in a comment of their own, the line below).
const INLINE_ALLOW: &[&str] = &[
    "leakhound:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// One unit of work for the detector.
pub struct Target<'a> {
    pub path: &'a str,
    pub data: &'a [u8],
    pub commit: Option<&'a str>,
}

/// Per-thread buffers, reused across files.
#[derive(Default)]
pub struct Scratch {
    windows: Vec<Vec<(usize, usize)>>,
    touched: Vec<u32>,
    /// Per rule: 0 not yet checked, 1 path applies, 2 path excludes the rule.
    path_ok: Vec<u8>,
    cands: Vec<Cand>,
    line_starts: Vec<usize>,
    /// Union of every rule's windows: where decoders look for encoded secrets.
    regions: Vec<(usize, usize)>,
    hits: Vec<super::keywords::Hit>,
}

#[derive(Debug, Clone)]
pub(crate) struct Cand {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
    pub entropy: f64,
    pub confidence: Confidence,
    pub encoding: Option<&'static str>,
    /// For decoded candidates: the decoded secret (the span above is the encoded text).
    pub decoded: Option<Vec<u8>>,
}

pub struct Detector {
    pub rules: RuleSet,
    /// `--exclude-tests`: skip test code and fixtures (see `filter::is_test_path`).
    pub exclude_tests: bool,
    keywords: Option<Keywords>,
    keyword_rules: Vec<Vec<u32>>,
    unkeyed: Vec<u32>,
    path_only: Vec<u32>,
    inline_allow: AhoCorasick,
}

/// Generic detectors yield to specific rules on the same secret. Ours carry the `generic`
/// tag; gitleaks configs name theirs `generic-api-key` and similar.
fn is_generic(rule: &Rule) -> bool {
    rule.tags.iter().any(|t| t == "generic") || rule.id.starts_with("generic")
}

impl Detector {
    /// A detector tuned for large inputs (a DFA keyword automaton: slower to build, faster
    /// to run).
    pub fn new(rules: RuleSet) -> Detector {
        Self::build(rules, true)
    }

    /// A detector tuned for a few small inputs (a pre-commit hook, stdin, one file): the
    /// keyword automaton builds in a fraction of the time.
    pub fn for_small_input(rules: RuleSet) -> Detector {
        Self::build(rules, false)
    }

    fn build(rules: RuleSet, large: bool) -> Detector {
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut unkeyed = Vec::new();
        let mut path_only = Vec::new();
        for (i, r) in rules.rules.iter().enumerate() {
            let i = i as u32;
            if r.regex.is_none() {
                path_only.push(i);
                continue;
            }
            if r.keywords.is_empty() {
                unkeyed.push(i);
            }
            for k in &r.keywords {
                let slot = *index.entry(k.clone()).or_insert_with(|| {
                    patterns.push(k.clone());
                    keyword_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if !keyword_rules[slot].contains(&i) {
                    keyword_rules[slot].push(i);
                }
            }
        }
        let keywords = (!patterns.is_empty()).then(|| Keywords::new(&patterns, large));
        let inline_allow = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(INLINE_ALLOW)
            .expect("inline allow automaton");
        Detector {
            rules,
            exclude_tests: false,
            keywords,
            keyword_rules,
            unkeyed,
            path_only,
            inline_allow,
        }
    }

    /// True if a global allowlist exempts this path whole, so the file need not be read.
    pub fn path_is_allowed(&self, path: &str) -> bool {
        (self.exclude_tests && filter::is_test_path(path))
            || self
                .rules
                .allowlists
                .iter()
                .any(|a| a.is_path_only() && a.target_rules.is_empty() && a.path_allowed(path))
    }

    fn path_applies(&self, rule: u32, path: &str, scratch: &mut Scratch) -> bool {
        let slot = &mut scratch.path_ok[rule as usize];
        if *slot == 0 {
            let ok = match &self.rules.rules[rule as usize].path {
                None => true,
                Some(p) => p.is_match(path.as_bytes()),
            };
            *slot = if ok { 1 } else { 2 };
        }
        *slot == 1
    }

    /// Findings of path-only rules (a file whose name alone is the leak, like `id_rsa`).
    fn path_findings(&self, t: &Target, out: &mut Vec<Finding>) {
        for &ri in &self.path_only {
            let rule = &self.rules.rules[ri as usize];
            if rule
                .path
                .as_ref()
                .is_some_and(|p| p.is_match(t.path.as_bytes()))
            {
                out.push(Finding {
                    rule_id: rule.id.clone(),
                    description: rule.description.clone(),
                    path: t.path.to_string(),
                    line: 1,
                    column: 1,
                    end_line: 1,
                    end_column: 1,
                    secret: String::new(),
                    line_text: String::new(),
                    entropy: 0.0,
                    fingerprint: fingerprint(&rule.id, t.path, b""),
                    confidence: rule.confidence,
                    severity: rule.severity,
                    tags: rule.tags.clone(),
                    encoding: None,
                    commit: None,
                    occurrences: Vec::new(),
                });
            }
        }
    }

    /// Scans only the file name (for files that are not read, such as binaries).
    pub fn detect_path(&self, path: &str, out: &mut Vec<Finding>) {
        let t = Target {
            path,
            data: b"",
            commit: None,
        };
        self.path_findings(&t, out);
    }

    /// Scans one target, appending its findings (unsorted) to `out`.
    pub fn detect(&self, t: &Target, scratch: &mut Scratch, out: &mut Vec<Finding>) {
        self.path_findings(t, out);
        if t.data.is_empty() {
            return;
        }
        scratch.cands.clear();
        self.collect(t, t.data, scratch, 0);
        if scratch.cands.is_empty() {
            return;
        }
        self.resolve_overlaps(scratch);
        self.emit(t, scratch, out);
    }

    /// Runs the keyword pass and the triggered rules over `data`, pushing candidates.
    /// `depth` counts decoding levels (0 for the file's own bytes).
    pub(crate) fn collect(&self, t: &Target, data: &[u8], scratch: &mut Scratch, depth: u8) {
        let n = self.rules.rules.len();
        if scratch.windows.len() != n {
            scratch.windows = vec![Vec::new(); n];
            scratch.path_ok = vec![0; n];
        }
        scratch.path_ok.iter_mut().for_each(|p| *p = 0);
        scratch.touched.clear();
        for &ri in &self.unkeyed {
            if self.path_applies(ri, t.path, scratch) {
                scratch.windows[ri as usize].push((0, data.len()));
                scratch.touched.push(ri);
            }
        }
        if let Some(kw) = &self.keywords {
            let mut hits = std::mem::take(&mut scratch.hits);
            kw.find_all(data, &mut hits);
            // Hits cluster on lines; reuse the last line window while hits stay inside it.
            let mut last = (usize::MAX, 0usize);
            for m in &hits {
                for &ri in &self.keyword_rules[m.keyword as usize] {
                    if !self.path_applies(ri, t.path, scratch) {
                        continue;
                    }
                    let rule = &self.rules.rules[ri as usize];
                    let w = &mut scratch.windows[ri as usize];
                    if w.is_empty() {
                        scratch.touched.push(ri);
                    }
                    if rule.multiline {
                        if w.is_empty() {
                            w.push((0, data.len()));
                        }
                        continue;
                    }
                    if !(last.0 <= m.start && m.end <= last.1) {
                        last = window(data, m.start, m.end);
                    }
                    let (ws, we) = last;
                    match w.last_mut() {
                        Some(prev) if ws <= prev.1 => prev.1 = prev.1.max(we),
                        _ => w.push((ws, we)),
                    }
                }
            }
            scratch.hits = hits;
        }
        let touched = std::mem::take(&mut scratch.touched);
        scratch.regions.clear();
        for &ri in &touched {
            scratch
                .regions
                .extend_from_slice(&scratch.windows[ri as usize]);
        }
        merge_regions(&mut scratch.regions);
        for &ri in &touched {
            let windows = std::mem::take(&mut scratch.windows[ri as usize]);
            let rule = &self.rules.rules[ri as usize];
            if let Some(re) = rule.regex.as_ref().and_then(|p| p.get()) {
                for &(ws, we) in &windows {
                    // Most windows hold no match: a plain search answers that without the
                    // cost of capture groups, which are resolved only for a match found.
                    let hay = &data[ws..we];
                    let mut at = 0;
                    while let Some(m) = re.find_at(hay, at) {
                        let mut locs = re.capture_locations();
                        let whole = re
                            .captures_read_at(&mut locs, hay, m.start())
                            .map_or((m.start(), m.end()), |w| (w.start(), w.end()));
                        let secret = match rule.secret_group {
                            Some(g) => locs.get(g),
                            None => (1..locs.len()).find_map(|g| locs.get(g)),
                        }
                        .unwrap_or(whole);
                        self.consider(
                            t,
                            data,
                            rule,
                            ri,
                            (ws + secret.0, ws + secret.1),
                            (ws + whole.0, ws + whole.1),
                            scratch,
                        );
                        // Past this match; an empty one would match again where it is.
                        at = whole.1.max(whole.0 + usize::from(whole.1 == whole.0));
                        if at > hay.len() {
                            break;
                        }
                    }
                }
            }
            let mut windows = windows;
            windows.clear();
            scratch.windows[ri as usize] = windows;
        }
        scratch.touched = touched;
        if depth < decode::MAX_DEPTH {
            let regions = std::mem::take(&mut scratch.regions);
            for &(ws, we) in &regions {
                decode::scan_encoded(self, t, data, ws, we, scratch, depth);
            }
            scratch.regions = regions;
        }
    }

    /// Applies the rule's gates and the allowlists to one regex match.
    #[allow(clippy::too_many_arguments)]
    fn consider(
        &self,
        t: &Target,
        data: &[u8],
        rule: &Rule,
        ri: u32,
        secret: (usize, usize),
        whole: (usize, usize),
        scratch: &mut Scratch,
    ) {
        let s = &data[secret.0..secret.1];
        if s.is_empty() || s.len() < rule.min_length || s.len() > MAX_SECRET {
            return;
        }
        let entropy = shannon(s);
        if rule.entropy.is_some_and(|min| entropy < min) {
            return;
        }
        if filter::is_placeholder(s) {
            return;
        }
        if rule.randomness && (filter::looks_like_code(s) || !filter::looks_random(s)) {
            return;
        }
        if rule.password {
            // A quoted literal, or the password field of a URL: both are literals.
            let quoted = secret.0 > 0 && matches!(data[secret.0 - 1], b'"' | b'\'' | b'`')
                || memchr::memmem::find(&data[whole.0..whole.1], b"://").is_some();
            if !filter::looks_like_password(s, quoted, t.path) {
                return;
            }
        }
        let (ls, le) = line_bounds(data, secret.0);
        let line = &data[ls..le];
        let cand = AllowCandidate {
            path: t.path,
            commit: t.commit,
            secret: s,
            matched: &data[whole.0..whole.1],
            line,
        };
        if rule.allowlists.iter().any(|a| a.allows(&cand))
            || self
                .rules
                .allowlists
                .iter()
                .any(|a| a.applies_to_rule(&rule.id) && a.allows(&cand))
        {
            return;
        }
        if self.inline_allowed(data, ls, le) {
            return;
        }
        let mut confidence = rule.confidence;
        if let Some(kind) = rule.checksum {
            match checksum::verify(kind, s) {
                Some(true) => confidence = Confidence::High,
                Some(false) => confidence = confidence.lower(),
                None => {}
            }
        }
        scratch.cands.push(Cand {
            rule: ri,
            start: secret.0,
            end: secret.1,
            entropy,
            confidence,
            encoding: None,
            decoded: None,
        });
    }

    /// `leakhound:allow` (or a peer's marker) on the line, or alone in a comment on the line
    /// directly above (for values that span lines or cannot carry a comment).
    fn inline_allowed(&self, data: &[u8], ls: usize, le: usize) -> bool {
        if self.inline_allow.is_match(&data[ls..le]) {
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
        is_comment && self.inline_allow.is_match(prev)
    }

    /// Drops a candidate whose secret overlaps one of higher standing: higher confidence, or
    /// a specific rule over a generic one; and one inside a key block. Exact duplicates (same
    /// rule, same span) go too.
    fn resolve_overlaps(&self, scratch: &mut Scratch) {
        let c = &mut scratch.cands;
        c.sort_by_key(|a| (a.start, a.end, a.rule));
        c.dedup_by(|b, a| a.rule == b.rule && a.start == b.start && a.end == b.end);
        // Higher confidence wins; then a specific rule over a generic one; then a match in the
        // text itself over one found by decoding; then a rule scoped to this kind of file.
        let rank = |x: &Cand| {
            let rule = &self.rules.rules[x.rule as usize];
            (
                x.confidence,
                !is_generic(rule),
                x.decoded.is_none(),
                rule.path.is_some(),
            )
        };
        let mut keep = vec![true; c.len()];
        for i in 0..c.len() {
            for j in (i + 1)..c.len() {
                if c[j].start >= c[i].end {
                    break;
                }
                // Inside a key block (a multi-line rule's match), anything else is key
                // material that happens to look like a token.
                let inside = |outer: &Cand, inner: &Cand| {
                    self.rules.rules[outer.rule as usize].multiline
                        && outer.start <= inner.start
                        && inner.end <= outer.end
                        && outer.end - outer.start > inner.end - inner.start
                };
                if inside(&c[i], &c[j]) {
                    keep[j] = false;
                    continue;
                }
                if inside(&c[j], &c[i]) {
                    keep[i] = false;
                    continue;
                }
                let (ri, rj) = (rank(&c[i]), rank(&c[j]));
                if ri > rj {
                    keep[j] = false;
                } else if rj > ri {
                    keep[i] = false;
                } else if c[i].rule != c[j].rule && (c[i].start, c[i].end) == (c[j].start, c[j].end)
                {
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

    fn emit(&self, t: &Target, scratch: &mut Scratch, out: &mut Vec<Finding>) {
        let data = t.data;
        scratch.line_starts.clear();
        scratch.line_starts.push(0);
        scratch
            .line_starts
            .extend(memchr::memchr_iter(b'\n', data).map(|i| i + 1));
        for c in &scratch.cands {
            let rule = &self.rules.rules[c.rule as usize];
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
                line_text = line_text.replace(&encoded, &crate::finding::mask(&encoded));
            }
            out.push(Finding {
                rule_id: rule.id.clone(),
                description: rule.description.clone(),
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
                tags: rule.tags.clone(),
                encoding: c.encoding.map(str::to_string),
                commit: None,
                occurrences: Vec::new(),
            });
        }
    }

    pub(crate) fn push_decoded(&self, scratch: &mut Scratch, cand: Cand) {
        scratch.cands.push(cand);
    }

    pub(crate) fn take_cands(&self, scratch: &mut Scratch) -> Vec<Cand> {
        std::mem::take(&mut scratch.cands)
    }

    pub(crate) fn restore_cands(&self, scratch: &mut Scratch, cands: Vec<Cand>) {
        scratch.cands = cands;
    }
}

/// Sorts and merges overlapping or touching ranges in place.
fn merge_regions(r: &mut Vec<(usize, usize)>) {
    if r.len() < 2 {
        return;
    }
    r.sort_unstable();
    let mut out = 0;
    for i in 1..r.len() {
        if r[i].0 <= r[out].1 {
            r[out].1 = r[out].1.max(r[i].1);
        } else {
            out += 1;
            r[out] = r[i];
        }
    }
    r.truncate(out + 1);
}

/// The region around a keyword hit: its whole line, unless the line is long, in which case
/// `WINDOW` bytes either side.
fn window(data: &[u8], start: usize, end: usize) -> (usize, usize) {
    let lo = start.saturating_sub(WINDOW);
    let hi = (end + WINDOW).min(data.len());
    let ws = memchr::memrchr(b'\n', &data[lo..start]).map_or(lo, |i| lo + i + 1);
    let we = memchr::memchr(b'\n', &data[end..hi]).map_or(hi, |i| end + i);
    (ws, we)
}

/// Start and end (exclusive, without the newline) of the line holding `pos`.
fn line_bounds(data: &[u8], pos: usize) -> (usize, usize) {
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

    fn detect(src: &str) -> Vec<Finding> {
        let d = Detector::new(RuleSet::builtin());
        let mut out = Vec::new();
        let t = Target {
            path: "app.py",
            data: src.as_bytes(),
            commit: None,
        };
        d.detect(&t, &mut Scratch::default(), &mut out);
        out
    }

    #[test]
    fn overlapping_keywords_are_all_seen() {
        // "monkeyJ": `key` and `eyj` overlap; both rules must be tried.
        let f = detect("token = monkeyJWT eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n"); // leakhound:allow (test data)
        assert!(f.iter().any(|f| f.rule_id == "jwt"), "{f:?}");
    }

    #[test]
    fn regions_merge() {
        let mut r = vec![(5, 9), (0, 3), (2, 4), (9, 12), (20, 21)];
        merge_regions(&mut r);
        assert_eq!(r, vec![(0, 4), (5, 12), (20, 21)]);
    }

    #[test]
    fn window_is_the_line() {
        let data = b"aaa\nbb key cc\ndd";
        let (s, e) = window(data, 7, 10);
        assert_eq!(&data[s..e], b"bb key cc");
    }

    #[test]
    fn tokens_inside_a_key_block_are_key_material() {
        // Generated filler, not a key; one line happens to hold a Square-like token.
        let body = [
            "Vbc8B+ABez7gJi9cC3ufL5vq1BGPWbOqpnD4b1qXt/JRXXFYcaNXUQhC6tu8cDOH",
            "x8hITKAQHsrpbccRBlvH0tBEt4RlVVsvlcoiRqgEEwGJ9m1F35OKWGj/dtoo1lO8",
            "q3/EAAAZT8YVcWAMG1glnzN2C5r5kPqZT8YVcWAMG1glnzN2C5r5kPqWx7Rt/aBc", // leakhound:allow (test data)
            "Lm4nQ2pT9vX1yZ3aB5cD7eF9gH1iJ3kL5mN7oP9qR1sT3uV5wX7yZ9aB1cD3eF5g",
        ];
        let pem = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            body.join("\n")
        );
        let f = detect(&pem);
        let rules: Vec<&str> = f.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(rules, vec!["private-key"], "{f:?}");
    }

    #[test]
    fn canonical_stripe_case() {
        let f = detect("API_KEY = \"sk_test_very_secret_key_12345\"\n"); // leakhound:allow (test data)
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].secret, "sk_test_very_secret_key_12345"); // leakhound:allow (test data)
        assert_eq!((f[0].line, f[0].column), (1, 12));
    }

    #[test]
    fn env_lookups_are_not_findings() {
        assert!(
            detect("API_KEY = os.environ.get(\"EXTERNAL_API_KEY\")\nAPI_KEY = \"\"\n").is_empty()
        );
    }

    #[test]
    fn inline_allow_same_line_and_comment_above() {
        assert!(detect("k = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\" # leakhound:allow\n").is_empty());
        assert!(detect("# leakhound:allow\nk = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n").is_empty());
        assert_eq!(
            detect("x = 1 # leakhound:allow\nk = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n").len(),
            1
        );
    }

    #[test]
    fn columns_count_characters() {
        let f = detect("é = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n"); // leakhound:allow (test data)
        assert_eq!(f[0].column, 6);
    }
}
