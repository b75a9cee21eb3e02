//! The detector's unit of work ([`Target`]), a candidate finding before resolution
//! ([`Cand`]), and the per-thread buffers reused across files ([`Scratch`]).

use crate::detect::keywords::Hit;
use crate::detect::structure::field::Field;
use crate::rules::Confidence;

/// One unit of work for the detector.
pub struct Target<'a> {
    pub path: &'a str,
    pub data: &'a [u8],
    /// The introducing commit (hex), for allowlists that name commits.
    pub commit: Option<&'a str>,
}

/// A rule's match that passed the rule's gates and the allowlists, before overlapping
/// candidates are resolved.
#[derive(Debug, Clone)]
pub struct Cand {
    pub rule: u32,
    /// The secret's span in the target's data (for decoded candidates: the encoded run).
    pub start: usize,
    pub end: usize,
    pub entropy: f64,
    pub confidence: Confidence,
    pub encoding: Option<&'static str>,
    /// For decoded candidates: the decoded secret (the span above is the encoded text).
    pub decoded: Option<Vec<u8>>,
    /// A key block (a multi-line private key): anything inside it is key material.
    pub block: bool,
}

/// Per-thread buffers, reused across files so the hot loop does not allocate per file.
#[derive(Default)]
pub struct Scratch {
    /// Per rule: the regions of the data its regex looks at.
    pub(super) windows: Vec<Vec<(usize, usize)>>,
    /// The rules with at least one window.
    pub(super) touched: Vec<u32>,
    /// Per rule: 0 not yet checked, 1 path applies, 2 path excludes the rule.
    pub(super) path_ok: Vec<u8>,
    /// Per rule: 0 not yet asked, 1 its extractor applies to this data, 2 it does not.
    pub(super) applies: Vec<u8>,
    pub(super) cands: Vec<Cand>,
    pub(super) line_starts: Vec<usize>,
    /// Union of every rule's windows: where decoders look for encoded secrets.
    pub(super) regions: Vec<(usize, usize)>,
    pub(super) hits: Vec<Hit>,
    /// Fields of structure rules, reused.
    pub(super) fields: Vec<Field>,
    /// Byte ranges of the content worth matching (sorted; empty: all of it). Only the lines
    /// a staged change adds (and one on each side) are reported, so keyword hits elsewhere
    /// are not followed by line rules; multiline and structure rules see the whole file.
    pub focus: Vec<(usize, usize)>,
}

/// Is byte `at` inside one of the sorted ranges of `focus`?
pub(super) fn in_focus(focus: &[(usize, usize)], at: usize) -> bool {
    let i = focus.partition_point(|&(_, end)| end <= at);
    focus.get(i).is_some_and(|&(start, _)| start <= at)
}
