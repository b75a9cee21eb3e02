//! The detector: one pass of a keyword automaton over each file, then only the rules whose
//! keywords occurred, only around the places they occurred; encoded runs on those lines are
//! decoded (see `decode`) and scanned again.
//!
//! This file builds the detector and runs a target through it; `resolve` turns regex matches
//! into candidates and candidates into findings; `candidate` holds the types they share. A
//! `Detector` is built once and shared by all threads; each worker owns a [`Scratch`].

pub mod candidate;
pub mod resolve;

pub use candidate::{Cand, Scratch, Target};

use super::decode;
use super::filter;
use super::keywords::Keywords;
use super::structure::{self, field::Extractor};
use crate::finding::{fingerprint, Finding};
use crate::rules::allowlist::Candidate as AllowCandidate;
use crate::rules::RuleSet;
use regex_automata::{Input, Span};

/// How far around a keyword hit a rule's regex looks, at most, when the line is long.
/// Lines shorter than this are searched whole.
const WINDOW: usize = 1024;

/// How the detector is built and what it skips.
#[derive(Debug, Clone, Copy, Default)]
pub struct DetectorOptions {
    /// `--exclude-tests`: skip test code and fixtures (see `filter::is_test_path`).
    pub exclude_tests: bool,
    /// Tuned for a few small inputs (a pre-commit hook, stdin, one file): the keyword
    /// automaton builds in a fraction of the time and searches somewhat slower.
    pub small_input: bool,
}

pub struct Detector {
    pub rules: RuleSet,
    options: DetectorOptions,
    /// Per rule: the extractor of a structure rule.
    extractors: Vec<Option<&'static dyn Extractor>>,
    keywords: Option<Keywords>,
    /// The rules each keyword triggers: keyword `k`'s are
    /// `keyword_rules[keyword_starts[k]..keyword_starts[k + 1]]`.
    keyword_rules: Vec<u32>,
    keyword_starts: Vec<u32>,
    unkeyed: Vec<u32>,
    path_only: Vec<u32>,
    /// Structure rules of credential-file formats (known by file name) ...
    formats: Vec<u32>,
    /// ... and the generic rules, which step aside in files of such a format.
    generic: Vec<u32>,
}

/// A string's first eight bytes as a big-endian number: ordered as the strings are, up to
/// ties.
fn prefix_key(s: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = s.len().min(8);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(b)
}

impl Detector {
    pub fn new(rules: RuleSet, options: DetectorOptions) -> Detector {
        crate::rules::pattern::prefer_cheap_builds(options.small_input);
        // (keyword, rule) pairs, sorted: each keyword once, with the rules it triggers. The
        // keyword's first eight bytes, as a number, settle most comparisons cheaply.
        let mut pairs: Vec<(u64, &str, u32)> = Vec::new();
        let mut unkeyed = Vec::new();
        let mut path_only = Vec::new();
        let extractors: Vec<Option<&'static dyn Extractor>> = rules
            .rules
            .iter()
            .map(|r| r.structure.as_deref().and_then(structure::get))
            .collect();
        for (i, r) in rules.rules.iter().enumerate() {
            let runs = r.regex.is_some() || extractors[i].is_some();
            let i = i as u32;
            if !runs {
                path_only.push(i);
            } else if r.keywords.is_empty() {
                unkeyed.push(i);
            } else {
                pairs.extend(r.keywords.iter().map(|k| (prefix_key(k), k.as_ref(), i)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut patterns: Vec<&str> = Vec::new();
        let mut keyword_rules = Vec::with_capacity(pairs.len());
        let mut keyword_starts = Vec::new();
        for (_, k, i) in pairs {
            if patterns.last() != Some(&k) {
                patterns.push(k);
                keyword_starts.push(keyword_rules.len() as u32);
            }
            keyword_rules.push(i);
        }
        keyword_starts.push(keyword_rules.len() as u32);
        let keywords =
            (!patterns.is_empty()).then(|| Keywords::new(&patterns, !options.small_input));
        let is_generic = |r: &crate::rules::Rule| {
            r.tags.iter().any(|t| t == "generic") || r.id.starts_with("generic")
        };
        let formats = (0..rules.rules.len() as u32)
            .filter(|&i| {
                extractors[i as usize].is_some_and(|x| !x.by_content())
                    && !is_generic(&rules.rules[i as usize])
            })
            .collect();
        let generic = (0..rules.rules.len() as u32)
            .filter(|&i| is_generic(&rules.rules[i as usize]))
            .collect();
        Detector {
            rules,
            options,
            extractors,
            keywords,
            keyword_rules,
            keyword_starts,
            unkeyed,
            path_only,
            formats,
            generic,
        }
    }

    /// True if a global allowlist exempts this path whole, so the file need not be read.
    pub fn path_is_allowed(&self, path: &str) -> bool {
        (self.options.exclude_tests && filter::is_test_path(path))
            || self
                .rules
                .allowlists
                .iter()
                .any(|a| a.is_path_only() && a.target_rules.is_empty() && a.path_allowed(path))
    }

    /// Does rule `ri`'s extractor apply to `data` at `path`? Asked once per rule and data:
    /// the ownership check and the unkeyed rules both ask.
    fn extractor_applies(&self, ri: u32, path: &str, data: &[u8], scratch: &mut Scratch) -> bool {
        let Some(x) = self.extractors[ri as usize] else {
            return false;
        };
        let slot = &mut scratch.applies[ri as usize];
        if *slot == 0 {
            *slot = if x.applies(path, data) { 1 } else { 2 };
        }
        *slot == 1
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

    /// Findings of path-only rules (a file whose name alone is the leak, like `id_rsa`):
    /// these need no content, so binary and oversized files get them too.
    pub fn detect_path(&self, path: &str, out: &mut Vec<Finding>) {
        for &ri in &self.path_only {
            let rule = &self.rules.rules[ri as usize];
            if rule
                .path
                .as_ref()
                .is_some_and(|p| p.is_match(path.as_bytes()))
            {
                out.push(Finding {
                    rule_id: rule.id.to_string(),
                    description: rule.description.to_string(),
                    path: path.to_string(),
                    line: 1,
                    column: 1,
                    end_line: 1,
                    end_column: 1,
                    secret: String::new(),
                    line_text: String::new(),
                    entropy: 0.0,
                    fingerprint: fingerprint(&rule.id, path, b""),
                    confidence: rule.confidence,
                    severity: rule.severity,
                    tags: rule.tags.iter().map(|t| t.to_string()).collect(),
                    encoding: None,
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
    }

    /// Scans one target's content (path-only rules are [`Detector::detect_path`]'s),
    /// appending its findings (unsorted) to `out`.
    pub fn detect_content(&self, t: &Target, scratch: &mut Scratch, out: &mut Vec<Finding>) {
        if t.data.is_empty() {
            return;
        }
        scratch.cands.clear();
        self.collect(t, t.data, scratch, 0);
        if scratch.cands.is_empty() {
            return;
        }
        resolve::resolve_overlaps(&self.rules.rules, &mut scratch.cands);
        resolve::emit(&self.rules.rules, t, scratch, out);
    }

    /// Path and content: what the gate does for a file it lets through (for `rules --check`
    /// and tests).
    pub fn detect(&self, t: &Target, scratch: &mut Scratch, out: &mut Vec<Finding>) {
        self.detect_path(t.path, out);
        self.detect_content(t, scratch, out);
    }

    /// Runs the keyword pass and the triggered rules over `data`, pushing candidates.
    /// `depth` counts decoding levels (0 for the file's own bytes).
    fn collect(&self, t: &Target, data: &[u8], scratch: &mut Scratch, depth: u8) {
        let n = self.rules.rules.len();
        if scratch.windows.len() != n {
            scratch.windows = vec![Vec::new(); n];
            scratch.path_ok = vec![0; n];
            scratch.applies = vec![0; n];
        }
        scratch.path_ok.iter_mut().for_each(|p| *p = 0);
        scratch.applies.iter_mut().for_each(|p| *p = 0);
        scratch.touched.clear();
        // A file of a credential-file format is that format's extractor's: it knows where
        // the secrets are, which lines are comments and which values are encrypted.
        if depth == 0
            && self
                .formats
                .iter()
                .any(|&ri| self.extractor_applies(ri, t.path, data, scratch))
        {
            for &ri in &self.generic {
                scratch.path_ok[ri as usize] = 2;
            }
        }
        for &ri in &self.unkeyed {
            // A structure rule without keywords runs on the files of its format only (and
            // not on text decoded from them unless the format is known by its content).
            let runs = match self.extractors[ri as usize] {
                Some(x) => {
                    (depth == 0 || x.by_content())
                        && self.extractor_applies(ri, t.path, data, scratch)
                }
                None => true,
            };
            if runs && self.path_applies(ri, t.path, scratch) {
                scratch.windows[ri as usize].push((0, data.len()));
                scratch.touched.push(ri);
            }
        }
        if let Some(kw) = &self.keywords {
            let mut hits = std::mem::take(&mut scratch.hits);
            kw.find_all(data, &mut hits);
            // Hits cluster on lines; reuse the last line window while hits stay inside it.
            let mut last = (usize::MAX, 0usize);
            let focused = depth > 0 || scratch.focus.is_empty();
            for m in &hits {
                let in_focus = focused || candidate::in_focus(&scratch.focus, m.start);
                let k = m.keyword as usize;
                let (lo, hi) = (self.keyword_starts[k], self.keyword_starts[k + 1]);
                for &ri in &self.keyword_rules[lo as usize..hi as usize] {
                    if !self.path_applies(ri, t.path, scratch) {
                        continue;
                    }
                    let rule = &self.rules.rules[ri as usize];
                    if !in_focus && !rule.multiline {
                        continue;
                    }
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
                    // Hits come nearly in order (see `Keywords::find_all`): a window may
                    // begin a little before the previous one.
                    match w.last_mut() {
                        Some(prev) if ws <= prev.1 => {
                            prev.0 = prev.0.min(ws);
                            prev.1 = prev.1.max(we);
                        }
                        _ => w.push((ws, we)),
                    }
                }
            }
            scratch.hits = hits;
        }
        let touched = std::mem::take(&mut scratch.touched);
        scratch.regions.clear();
        for &ri in &touched {
            // Decoders look where some rule's keyword occurred; a whole file because a
            // credential-file format applies to it is not such a place.
            let whole_file = self.extractors[ri as usize].is_some()
                && self.rules.rules[ri as usize].keywords.is_empty();
            if !whole_file {
                scratch
                    .regions
                    .extend_from_slice(&scratch.windows[ri as usize]);
            }
        }
        merge_regions(&mut scratch.regions);
        // Decoded text is one value: a second encoding inside it (base64 of base64) is
        // looked for throughout, keywords or not.
        if depth > 0 {
            scratch.regions.clear();
            scratch.regions.push((0, data.len()));
        }
        for &ri in &touched {
            let mut windows = std::mem::take(&mut scratch.windows[ri as usize]);
            match self.extractors[ri as usize] {
                // A file's structure is not looked for in text decoded from it, unless the
                // format is known by its content alone.
                Some(x) if depth == 0 || x.by_content() => {
                    let inner = Target { data, ..*t };
                    self.run_extractor(ri, x, &inner, &windows, scratch)
                }
                Some(_) => {}
                None => self.run_rule(ri, t, data, &windows, scratch),
            }
            windows.clear();
            scratch.windows[ri as usize] = windows;
        }
        scratch.touched = touched;
        if depth < decode::MAX_DEPTH {
            self.collect_decoded(t, data, scratch, depth);
        }
    }

    /// Runs rule `ri`'s regex over `windows` of `data`, judging every match.
    fn run_rule(
        &self,
        ri: u32,
        t: &Target,
        data: &[u8],
        windows: &[(usize, usize)],
        scratch: &mut Scratch,
    ) {
        let rule = &self.rules.rules[ri as usize];
        let Some(re) = rule.regex.as_ref().and_then(|p| p.get()) else {
            return;
        };
        let mut caps = None;
        for &(ws, we) in windows {
            // Most windows hold no match: a plain search answers that without the cost of
            // capture groups, which are resolved only for a match found.
            let hay = &data[ws..we];
            let mut at = 0;
            while let Some(m) = re.search(&Input::new(hay).range(at..)) {
                let caps = caps.get_or_insert_with(|| re.create_captures());
                re.search_captures(&Input::new(hay).range(m.start()..), caps);
                let span = |s: Span| (s.start, s.end);
                let whole = caps
                    .get_match()
                    .map_or((m.start(), m.end()), |w| span(w.span()));
                let secret = match rule.secret_group {
                    Some(g) => caps.get_group(g).map(span),
                    None => (1..caps.group_len()).find_map(|g| caps.get_group(g).map(span)),
                }
                .unwrap_or(whole);
                let secret = (ws + secret.0, ws + secret.1);
                let span = (ws + whole.0, ws + whole.1);
                if let Some(c) = resolve::judge(&self.rules, ri, t, data, secret, span) {
                    scratch.cands.push(c);
                }
                // Past this match; an empty one would match again where it is.
                at = whole.1.max(whole.0 + usize::from(whole.1 == whole.0));
                if at > hay.len() {
                    break;
                }
            }
        }
    }

    /// Runs a structure rule's extractor on the file, if the file is of its format, judging
    /// every field it finds.
    fn run_extractor(
        &self,
        ri: u32,
        x: &dyn Extractor,
        t: &Target,
        windows: &[(usize, usize)],
        scratch: &mut Scratch,
    ) {
        if !x.applies(t.path, t.data) {
            return;
        }
        let mut fields = std::mem::take(&mut scratch.fields);
        fields.clear();
        x.extract_in(t.path, t.data, windows, &mut fields);
        for f in &fields {
            if let Some(c) = resolve::judge_field(&self.rules, ri, t, f) {
                scratch.cands.push(c);
            }
        }
        scratch.fields = fields;
    }

    /// Decodes the encoded runs in the regions some rule looked at, scans the decoded text
    /// one level deeper, and keeps what it finds at the encoded run, unless the original line
    /// carries an allow marker or an allowlist allows it there.
    fn collect_decoded(&self, t: &Target, data: &[u8], scratch: &mut Scratch, depth: u8) {
        let mut runs = Vec::new();
        for &(ws, we) in &scratch.regions {
            decode::encoded_runs(data, ws, we, &mut runs);
        }
        for run in runs {
            let (ls, le) = resolve::line_bounds(data, run.start);
            if resolve::inline_allowed(data, ls, le) {
                continue;
            }
            let outer = std::mem::take(&mut scratch.cands);
            self.collect(t, &run.bytes, scratch, depth + 1);
            let inner = std::mem::replace(&mut scratch.cands, outer);
            for c in inner {
                let secret = c
                    .decoded
                    .clone()
                    .unwrap_or_else(|| run.bytes[c.start..c.end].to_vec());
                let rule = &self.rules.rules[c.rule as usize];
                let on_original_line = AllowCandidate {
                    path: t.path,
                    commit: t.commit,
                    secret: &secret,
                    matched: &data[run.start..run.end],
                    line: &data[ls..le],
                };
                if resolve::allowlisted(&self.rules, rule, &on_original_line) {
                    continue;
                }
                scratch.cands.push(Cand {
                    start: run.start,
                    end: run.end,
                    encoding: Some(c.encoding.unwrap_or(run.encoding)),
                    decoded: Some(secret),
                    block: false,
                    ..c
                });
            }
        }
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

#[cfg(test)]
mod tests;
