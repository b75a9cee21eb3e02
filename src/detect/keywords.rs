//! The keyword prefilter: every occurrence of every rule keyword, case-insensitively.
//!
//! The automaton comes from the `aho-corasick` crate; only the search loop is ours. A DFA
//! search is bound by the latency of one table lookup per byte, each depending on the last.
//! Running four independent searches over four slices of a large buffer, interleaved in one
//! loop, keeps four lookups in flight: measured on this project's machines, 520 MB/s for the
//! crate's own search loop versus about 1 GB/s for the interleaved one, per core.
//!
//! Matches are reported with "standard" (overlapping) semantics: every keyword ending at a
//! position is reported there, including keywords inside or overlapping other keywords.
//!
//! For a few small inputs (a pre-commit hook, one file) building the automaton would cost
//! more than searching: [`Keywords::Prefixes`] needs no automaton, only bitsets of the
//! keywords' first two and three bytes (lower-cased) and, per pair, the keywords that start
//! with it; it checks those keywords wherever a prefix occurs. Building it for the ~400
//! default keywords costs tens of thousands of instructions, against 3.7 million for the NFA.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa, Anchored, MatchKind};

/// Below this size a buffer is searched as one stream (a byte at a time, each step waiting
/// for the last: four streams interleaved go about twice as fast from a few hundred bytes).
const INTERLEAVE_MIN: usize = 256;
const STREAMS: usize = 4;
/// A keyword table's row is `1 << SHIFT` entries: up to 64 byte classes (letters, digits
/// and a dozen punctuation marks in the embedded keywords: 51).
const SHIFT: usize = 6;

/// One keyword occurrence: byte span and keyword index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub keyword: u32,
}

pub enum Keywords {
    /// Fast to search, slower to build: for trees and histories.
    Dfa(Table),
    /// Nothing to build: for a handful of small inputs (a pre-commit hook).
    Prefixes(Prefixes),
}

/// Lower-cases ASCII letters, as the automata's ASCII case insensitivity does.
static LOWER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).to_ascii_lowercase();
        i += 1;
    }
    t
};

/// Keywords indexed by their first bytes, for inputs too small to pay for an automaton.
pub struct Prefixes {
    /// Bit `p` set if some keyword of two bytes or more begins with pair `p`: most pairs of
    /// text begin none, and are passed over with this one test.
    starts: Vec<u64>,
    /// Two-byte keywords: bit `p` set for pair `p` (`first << 8 | second`, lower-cased).
    pairs: Vec<u64>,
    /// Longer keywords: a bit for each keyword's first three bytes (lower-cased), hashed
    /// into 65,536 bits. Text matches a pair of some keyword on one byte in five (`se`, `re`,
    /// `co`); it matches a hashed triple far more rarely, and only then are keywords checked.
    triples: Vec<u64>,
    /// (pair, keyword index), sorted by pair.
    by_pair: Vec<(u16, u32)>,
    /// Where the pairs starting with each first byte begin in `by_pair` (and end, at the
    /// next byte's start).
    first: Vec<u32>,
    /// One-byte keywords, by their byte.
    single: [bool; 256],
    /// The keywords, lower-cased, end to end (one allocation, not one per keyword) ...
    bytes: Vec<u8>,
    /// ... and where each one ends in `bytes`.
    ends: Vec<u32>,
}

fn triple(a: u8, b: u8, c: u8) -> usize {
    let x = (a as u32) << 16 | (b as u32) << 8 | c as u32;
    (x.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

/// Keyword `k` of keywords stored end to end.
fn pattern<'a>(bytes: &'a [u8], ends: &[u32], k: usize) -> &'a [u8] {
    let start = if k == 0 { 0 } else { ends[k - 1] as usize };
    &bytes[start..ends[k] as usize]
}

fn has(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

impl Prefixes {
    fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Prefixes {
        let mut bytes = Vec::new();
        let mut ends = Vec::with_capacity(patterns.len());
        for p in patterns {
            bytes.extend(p.as_ref().iter().map(|&c| LOWER[c as usize]));
            ends.push(bytes.len() as u32);
        }
        let mut starts = vec![0u64; 1024];
        let mut pairs = vec![0u64; 1024];
        let mut triples = vec![0u64; 1024];
        let mut by_pair = Vec::with_capacity(patterns.len());
        let mut single = [false; 256];
        for i in 0..ends.len() {
            let p = pattern(&bytes, &ends, i);
            let set = |bits: &mut Vec<u64>, b: usize| bits[b / 64] |= 1 << (b % 64);
            match p {
                [] => {}
                [c] => single[*c as usize] = true,
                [c, d, rest @ ..] => {
                    let pair = (*c as u16) << 8 | *d as u16;
                    set(&mut starts, pair as usize);
                    match rest.first() {
                        None => set(&mut pairs, pair as usize),
                        Some(e) => set(&mut triples, triple(*c, *d, *e)),
                    }
                    by_pair.push((pair, i as u32));
                }
            }
        }
        by_pair.sort_unstable();
        let first = (0..=256u32)
            .map(|c| by_pair.partition_point(|(p, _)| u32::from(*p >> 8) < c) as u32)
            .collect();
        Prefixes {
            starts,
            pairs,
            triples,
            by_pair,
            first,
            single,
            bytes,
            ends,
        }
    }

    fn search(&self, data: &[u8], out: &mut Vec<Hit>) {
        let mut last = NO_HIT;
        let mut push = |start: usize, len: usize, k: u32, out: &mut Vec<Hit>| {
            // A keyword repeating on the same line, a few bytes after its previous
            // occurrence, adds nothing (see `is_repeat`).
            if is_repeat(&mut last, k, start, data) {
                return;
            }
            last = Hit {
                start,
                end: start + len,
                keyword: k,
            };
            out.push(last);
        };
        for i in 0..data.len() {
            let c = LOWER[data[i] as usize];
            if self.single[c as usize] {
                for k in 0..self.ends.len() {
                    let p = pattern(&self.bytes, &self.ends, k);
                    if p.len() == 1 && p[0] == c {
                        push(i, 1, k as u32, out);
                    }
                }
            }
            let Some(&d) = data.get(i + 1) else { break };
            let d = LOWER[d as usize];
            let pair = (c as u16) << 8 | d as u16;
            if !has(&self.starts, pair as usize) {
                continue;
            }
            let short = has(&self.pairs, pair as usize);
            let long = data
                .get(i + 2)
                .is_some_and(|&e| has(&self.triples, triple(c, d, LOWER[e as usize])));
            if !short && !long {
                continue;
            }
            // The keywords starting with this pair: a binary search in the first byte's
            // bucket, which is sorted by pair (a bucket holds up to a hundred keywords).
            let (lo, hi) = (self.first[c as usize], self.first[c as usize + 1]);
            let bucket = &self.by_pair[lo as usize..hi as usize];
            let from = bucket.partition_point(|&(p, _)| p < pair);
            for &(_, k) in bucket[from..].iter().take_while(|&&(p, _)| p == pair) {
                let pat = pattern(&self.bytes, &self.ends, k as usize);
                let end = i + pat.len();
                if end <= data.len()
                    && data[i + 2..end]
                        .iter()
                        .zip(&pat[2..])
                        .all(|(a, b)| LOWER[*a as usize] == *b)
                {
                    push(i, pat.len(), k, out);
                }
            }
        }
    }
}

impl Keywords {
    /// `patterns` must be non-empty and lower-case; `large` for trees and histories.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P], large: bool) -> Keywords {
        if large {
            let dfa = dfa::Builder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(patterns)
                .expect("keyword DFA");
            if let Some(t) = Table::new(&dfa, patterns) {
                return Keywords::Dfa(t);
            }
        }
        Keywords::Prefixes(Prefixes::new(patterns))
    }

    /// Every keyword occurrence in `data`, into `out`: in the order of their ends (the
    /// automaton's) or of their starts (the prefixes'). Either way a hit starts at most the
    /// longest keyword's length before an earlier one; a line's hits are together.
    pub fn find_all(&self, data: &[u8], out: &mut Vec<Hit>) {
        out.clear();
        match self {
            Keywords::Dfa(t) => t.search(data, out),
            Keywords::Prefixes(p) => p.search(data, out),
        }
    }
}

/// The keyword DFA as a flat table, copied out of the crate's DFA once: states renumbered
/// breadth first with every match state after every other (one comparison tells a match),
/// and a transition is `trans[(state << SHIFT) + class[byte]]` with no bounds check in the
/// loop (every entry is a valid state, checked when built). Entries are 16 bits: with ~800
/// keywords the table is ~460 KiB instead of ~920 KiB, and the search, which waits on these
/// loads, runs faster for every one that stays in cache.
pub struct Table {
    trans: Vec<u16>,
    classes: [u8; 256],
    start: u32,
    /// States at or above this are match states.
    first_match: u32,
    /// Per match state (by `id - first_match`): its range in `matches`.
    match_ranges: Vec<(u32, u32)>,
    /// (keyword, keyword length) for every match of every match state.
    matches: Vec<(u32, u32)>,
    longest: usize,
}

impl Table {
    /// `None` if the DFA has more states than 16 bits number, or more byte classes than a
    /// row holds.
    fn new<P: AsRef<[u8]>>(a: &dfa::DFA, patterns: &[P]) -> Option<Table> {
        // Bytes that occur in no keyword (either case) all lead where any other such byte
        // leads: they share class 0. Each other byte has a class, shared by its two cases.
        let mut classes = [0u8; 256];
        let mut reps = vec![0u8];
        for p in patterns {
            for &b in p.as_ref() {
                let b = b.to_ascii_lowercase();
                if classes[b as usize] == 0 {
                    classes[b as usize] = reps.len() as u8;
                    classes[b.to_ascii_uppercase() as usize] = reps.len() as u8;
                    reps.push(b);
                }
            }
        }
        if let Some(b) = (0..=255u8).find(|&b| classes[b as usize] == 0) {
            reps[0] = b;
        }
        // The states, breadth first from the start state; `ids` maps the crate's state id
        // (an offset into its own table) to ours.
        let start = a.start_state(Anchored::No).expect("unanchored start");
        let mut ids: Vec<u32> = Vec::new();
        let mut id_of = |s: StateID, order: &mut Vec<StateID>| -> u32 {
            let k = s.as_usize();
            if k >= ids.len() {
                ids.resize(k + 1, u32::MAX);
            }
            if ids[k] == u32::MAX {
                ids[k] = order.len() as u32;
                order.push(s);
            }
            ids[k]
        };
        let mut order = Vec::new();
        id_of(start, &mut order);
        let mut next: Vec<u32> = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let s = order[i];
            for &r in &reps {
                let t = a.next_state(Anchored::No, s, r);
                next.push(id_of(t, &mut order));
            }
            i += 1;
        }
        // A fixed stride, so that the shift in the search loop is a constant.
        if reps.len() > 1 << SHIFT {
            return None;
        }
        let shift = SHIFT;
        // Non-match states first, then match states; the start state stays first.
        let is_match = |s: StateID| a.is_match(s);
        let mut renum: Vec<usize> = (0..order.len()).collect();
        renum.sort_by_key(|&k| (is_match(order[k]), k));
        let mut row = vec![0u32; order.len()];
        for (new, &old) in renum.iter().enumerate() {
            row[old] = new as u32;
        }
        let first_match = renum
            .iter()
            .position(|&k| is_match(order[k]))
            .map_or(u32::MAX, |n| n as u32);
        if order.len() > usize::from(u16::MAX) + 1 {
            return None;
        }
        let mut trans = vec![0u16; order.len() << shift];
        let mut match_ranges = Vec::new();
        let mut matches = Vec::new();
        for (new, &old) in renum.iter().enumerate() {
            for c in 0..reps.len() {
                trans[(new << shift) + c] = row[next[old * reps.len() + c] as usize] as u16;
            }
            let s = order[old];
            if is_match(s) {
                let from = matches.len() as u32;
                for m in 0..a.match_len(s) {
                    let pid = a.match_pattern(s, m);
                    matches.push((pid.as_u32(), a.pattern_len(pid) as u32));
                }
                match_ranges.push((from, matches.len() as u32));
            }
        }
        Some(Table {
            trans,
            classes,
            start: row[0],
            first_match,
            match_ranges,
            matches,
            longest: a.max_pattern_len(),
        })
    }

    #[inline(always)]
    fn next(&self, s: u32, b: u8) -> u32 {
        let i = ((s as usize) << SHIFT) + self.classes[b as usize] as usize;
        debug_assert!(i < self.trans.len());
        // SAFETY: `s` is a state (the start state or an entry of `trans`, all of which are
        // states by construction) and a class is below the stride.
        u32::from(unsafe { *self.trans.get_unchecked(i) })
    }

    fn search(&self, data: &[u8], out: &mut Vec<Hit>) {
        if data.len() < INTERLEAVE_MIN || self.longest == 0 {
            let mut last = NO_HIT;
            let mut s = self.start;
            for (p, &b) in data.iter().enumerate() {
                s = self.next(s, b);
                if s >= self.first_match {
                    self.report(s, p + 1, data, out, &mut last);
                }
            }
            return;
        }
        // Stream c owns matches ending in [bounds[c], bounds[c + 1]); it starts `longest - 1`
        // bytes early so that a match straddling the boundary is seen whole.
        let len = data.len() / STREAMS;
        let warm = self.longest - 1;
        let mut bounds = [0usize; STREAMS + 1];
        for (c, b) in bounds.iter_mut().enumerate() {
            *b = c * len;
        }
        bounds[STREAMS] = data.len();
        let mut base = [0usize; STREAMS];
        for c in 1..STREAMS {
            base[c] = bounds[c].saturating_sub(warm);
        }
        let mut last = [NO_HIT; STREAMS];
        let mut later: [Vec<Hit>; STREAMS - 1] = Default::default();
        let (mut s0, mut s1, mut s2, mut s3) = (self.start, self.start, self.start, self.start);
        let (b0, b1, b2, b3) = (base[0], base[1], base[2], base[3]);
        // Lockstep: every stream has at least `len` bytes to go. Four states in registers
        // keep four table loads in flight (eight spill and run slower).
        for i in 0..len {
            // SAFETY: base[c] + i < bounds[c + 1] <= data.len(): stream c has
            // len + (warm or 0) bytes and the loop runs len steps.
            let (c0, c1, c2, c3) = unsafe {
                (
                    *data.get_unchecked(b0 + i),
                    *data.get_unchecked(b1 + i),
                    *data.get_unchecked(b2 + i),
                    *data.get_unchecked(b3 + i),
                )
            };
            s0 = self.next(s0, c0);
            s1 = self.next(s1, c1);
            s2 = self.next(s2, c2);
            s3 = self.next(s3, c3);
            if s0.max(s1).max(s2.max(s3)) >= self.first_match {
                for (c, s) in [s0, s1, s2, s3].into_iter().enumerate() {
                    let p = base[c] + i;
                    if s >= self.first_match && p >= bounds[c] {
                        let dst = if c == 0 { &mut *out } else { &mut later[c - 1] };
                        self.report(s, p + 1, data, dst, &mut last[c]);
                    }
                }
            }
        }
        let st = [s0, s1, s2, s3];
        // Tails: each stream finishes its own range (stream 0's ends with the lockstep).
        for (c, mut s) in st.into_iter().enumerate().skip(1) {
            for p in base[c] + len..bounds[c + 1] {
                s = self.next(s, data[p]);
                if s >= self.first_match && p >= bounds[c] {
                    self.report(s, p + 1, data, &mut later[c - 1], &mut last[c]);
                }
            }
        }
        // Each stream's hits are in the order of their ends, and the streams' ranges follow
        // each other: one after the other, all are.
        for part in &mut later {
            out.append(part);
        }
    }

    fn report(&self, s: u32, end: usize, data: &[u8], out: &mut Vec<Hit>, last: &mut Hit) {
        let (from, to) = self.match_ranges[(s - self.first_match) as usize];
        for &(k, len) in &self.matches[from as usize..to as usize] {
            let start = end - len as usize;
            // A keyword repeating within a few bytes of its previous occurrence in this
            // stream, on the same line (`xxxx` in a megabyte of `x`, `keykeykey...`), adds
            // nothing: the same rules, a window the previous hit's window already covers.
            // Dropping it keeps hostile input from producing a hit per byte.
            if is_repeat(last, k, start, data) {
                continue;
            }
            let hit = Hit {
                start,
                end,
                keyword: k,
            };
            *last = hit;
            out.push(hit);
        }
    }
}

/// "No hit yet" for a stream.
const NO_HIT: Hit = Hit {
    start: usize::MAX,
    end: 0,
    keyword: u32::MAX,
};

#[inline(never)]
/// Is keyword `k` at `start` a repeat of the previous hit `last` that adds nothing? It does
/// when it is the same keyword, starts a few bytes after the previous one, and is on the same
/// line: its window (the line, or 1 KiB around the hit on a long line) is the previous hit's
/// window. A hit on the next line is never a repeat: its line is another window.
///
/// A repeat moves `last.start` up to itself: the bytes before it are known to hold no line
/// break, so a run of repeats (a keyword of one letter repeated, in a megabyte of that
/// letter) looks at each byte once, not at up to 64 bytes per position.
// A few bytes at most (usually one): a plain loop; `contains` took 1.84 s where this takes
// 1.50 s on 100 MiB of one letter.
#[allow(clippy::manual_contains)]
fn is_repeat(last: &mut Hit, k: u32, start: usize, data: &[u8]) -> bool {
    let repeat = last.keyword == k
        && start > last.start
        && start < last.end + 64
        && !data[last.start..start].iter().any(|&b| b == b'\n');
    if repeat {
        last.start = start;
    }
    repeat
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(patterns: &[&str], data: &[u8]) -> Vec<Hit> {
        let lower = data.to_ascii_lowercase();
        let mut v = Vec::new();
        for (k, p) in patterns.iter().enumerate() {
            let p = p.as_bytes();
            for s in 0..lower.len().saturating_sub(p.len() - 1) {
                if &lower[s..s + p.len()] == p {
                    v.push(Hit {
                        start: s,
                        end: s + p.len(),
                        keyword: k as u32,
                    });
                }
            }
        }
        v.sort_unstable();
        v
    }

    #[test]
    fn repeats_are_collapsed() {
        for large in [true, false] {
            let k = Keywords::new(&["aaaa".to_string(), "key".to_string()], large);
            let mut hits = Vec::new();
            k.find_all(&vec![b'a'; 1 << 20], &mut hits);
            assert!(hits.len() < 20_000, "{} hits", hits.len());
            k.find_all(&b"key ".repeat(250_000), &mut hits);
            assert!(hits.len() < 20_000, "{} hits", hits.len());
        }
    }

    #[test]
    fn a_repeat_on_the_next_line_is_kept() {
        // `.env` lines close together: each line is its own window.
        let data = b"ACCESS_TOKEN=abc\nREFRESH_TOKEN=def\nX_TOKEN=ghi TOKEN=jkl\n";
        for large in [true, false] {
            let k = Keywords::new(&["token".to_string()], large);
            let mut hits = Vec::new();
            k.find_all(data, &mut hits);
            let starts: Vec<usize> = hits.iter().map(|h| h.start).collect();
            // The fourth, on the same line as the third and 12 bytes on, is a repeat.
            assert_eq!(starts, vec![7, 25, 37], "large: {large}");
        }
    }

    #[test]
    fn prefixes_find_short_keywords_and_keywords_at_the_end() {
        let pats: Vec<String> = ["=", "ab", "abc", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let k = Keywords::new(&pats, false);
        let mut hits = Vec::new();
        k.find_all(b"xABc=ab", &mut hits);
        let got: Vec<(usize, u32)> = hits.iter().map(|h| (h.start, h.keyword)).collect();
        assert_eq!(got, vec![(1, 1), (1, 2), (2, 3), (4, 0), (5, 1), (6, 3)]);
    }

    #[test]
    fn interleaved_equals_naive_across_boundaries() {
        let pats = ["key", "sk_live_", "sk_", "api_key", "eyj", "k"];
        let owned: Vec<String> = pats.iter().map(|s| s.to_string()).collect();
        let mut data = Vec::new();
        let mut x: u32 = 7;
        while data.len() < 100_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            match x >> 28 {
                0 => data.extend_from_slice(b"API_KEY"),
                1 => data.extend_from_slice(b"sk_LIVE_"),
                2 => data.extend_from_slice(b"monkeyJ"),
                _ => data.push(b'a' + (x >> 20) as u8 % 26),
            }
        }
        // Every occurrence is reported, or covered by a reported hit of the same keyword
        // starting at most 64 bytes before it (repeats are collapsed); nothing else is.
        let covered = |got: &[Hit], want: &[Hit]| {
            for g in got {
                assert!(want.contains(g), "spurious {g:?}");
            }
            for w in want {
                assert!(
                    got.iter().any(|g| g.keyword == w.keyword
                        && g.start <= w.start
                        && w.start < g.end + 64),
                    "missed {w:?}"
                );
            }
        };
        for large in [true, false] {
            let k = Keywords::new(&owned, large);
            let mut got = Vec::new();
            k.find_all(&data, &mut got);
            covered(&got, &naive(&pats, &data));
            // In the order of their ends (the automaton) or starts (the prefixes).
            let key = |h: &Hit| if large { h.end } else { h.start };
            assert!(
                got.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
                "large: {large}"
            );
            k.find_all(&data[..1000], &mut got);
            covered(&got, &naive(&pats, &data[..1000]));
        }
    }
}
