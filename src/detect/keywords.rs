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

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{dfa, nfa::contiguous, Anchored, MatchKind};

/// Below this size a buffer is searched as one stream.
const INTERLEAVE_MIN: usize = 2 * 1024;
const STREAMS: usize = 4;

/// One keyword occurrence: byte span and keyword index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub keyword: u32,
}

pub enum Keywords {
    /// Fast to search, slower to build: for trees and histories.
    Dfa(dfa::DFA),
    /// Fast to build: for a handful of small inputs (a pre-commit hook).
    Nfa(contiguous::NFA),
}

impl Keywords {
    /// `patterns` must be non-empty and lower-case.
    pub fn new(patterns: &[String], large: bool) -> Keywords {
        if large {
            Keywords::Dfa(
                dfa::Builder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(patterns)
                    .expect("keyword DFA"),
            )
        } else {
            Keywords::Nfa(
                contiguous::Builder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(patterns)
                    .expect("keyword NFA"),
            )
        }
    }

    /// Appends every keyword occurrence in `data` to `out`, sorted by start.
    pub fn find_all(&self, data: &[u8], out: &mut Vec<Hit>) {
        out.clear();
        match self {
            Keywords::Dfa(a) => search(a, data, out),
            Keywords::Nfa(a) => search(a, data, out),
        }
        out.sort_unstable();
    }
}

fn search<A: Automaton>(a: &A, data: &[u8], out: &mut Vec<Hit>) {
    let Ok(start) = a.start_state(Anchored::No) else {
        return;
    };
    let longest = a.max_pattern_len();
    if data.len() < INTERLEAVE_MIN || longest == 0 {
        single(a, start, data, 0, 0, data.len(), out, &mut NO_HIT.clone());
        return;
    }
    // Stream c owns matches ending in [bounds[c], bounds[c + 1]); it starts `longest - 1`
    // bytes early so that a match straddling the boundary is seen whole.
    let len = data.len() / STREAMS;
    let warm = longest - 1;
    let mut bounds = [0usize; STREAMS + 1];
    for (c, b) in bounds.iter_mut().enumerate() {
        *b = (c * len).min(data.len());
    }
    bounds[STREAMS] = data.len();
    let mut pos = [0usize; STREAMS];
    for c in 1..STREAMS {
        pos[c] = bounds[c].saturating_sub(warm);
    }
    let mut st = [start; STREAMS];
    let mut last = [NO_HIT; STREAMS];
    // Lockstep: every stream has at least `len` bytes to go.
    for _ in 0..len {
        for c in 0..STREAMS {
            let p = pos[c];
            // SAFETY: p < bounds[c + 1] <= data.len(): stream c has len + (warm or 0)
            // bytes and the loop runs len steps.
            let b = unsafe { *data.get_unchecked(p) };
            let s = a.next_state(Anchored::No, st[c], b);
            st[c] = s;
            pos[c] = p + 1;
            if a.is_special(s) && a.is_match(s) && p >= bounds[c] {
                report(a, s, p + 1, out, &mut last[c]);
            }
        }
    }
    // Tails: each stream finishes its own range.
    for c in 0..STREAMS {
        single(
            a,
            st[c],
            data,
            pos[c],
            bounds[c],
            bounds[c + 1],
            out,
            &mut last[c],
        );
    }
}

/// Searches `data[from..to]` starting in state `s`, reporting matches ending after `owned`.
#[allow(clippy::too_many_arguments)]
fn single<A: Automaton>(
    a: &A,
    mut s: StateID,
    data: &[u8],
    from: usize,
    owned: usize,
    to: usize,
    out: &mut Vec<Hit>,
    last: &mut Hit,
) {
    for (p, &b) in data.iter().enumerate().take(to).skip(from) {
        s = a.next_state(Anchored::No, s, b);
        if a.is_special(s) && a.is_match(s) && p >= owned {
            report(a, s, p + 1, out, last);
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
fn report<A: Automaton>(a: &A, s: StateID, end: usize, out: &mut Vec<Hit>, last: &mut Hit) {
    for i in 0..a.match_len(s) {
        let pid = a.match_pattern(s, i);
        let start = end - a.pattern_len(pid);
        // A keyword repeating within a few bytes of its previous occurrence in this stream
        // (`xxxx` in a megabyte of `x`, `keykeykey...`) adds nothing: the same rules, a
        // window the previous hit's window already covers (windows reach 1 KiB around a
        // hit). Dropping it keeps hostile input from producing a hit per byte.
        if last.keyword == pid.as_u32() && start > last.start && start < last.end + 64 {
            continue;
        }
        let hit = Hit {
            start,
            end,
            keyword: pid.as_u32(),
        };
        *last = hit;
        out.push(hit);
    }
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
        let k = Keywords::new(&["aaaa".to_string(), "key".to_string()], true);
        let mut hits = Vec::new();
        k.find_all(&vec![b'a'; 1 << 20], &mut hits);
        assert!(hits.len() < 20_000, "{} hits", hits.len());
        k.find_all(&b"key ".repeat(250_000), &mut hits);
        assert!(hits.len() < 20_000, "{} hits", hits.len());
    }

    #[test]
    fn interleaved_equals_naive_across_boundaries() {
        let pats = ["key", "sk_live_", "sk_", "api_key", "eyj"];
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
            k.find_all(&data[..1000], &mut got);
            covered(&got, &naive(&pats, &data[..1000]));
        }
    }
}
