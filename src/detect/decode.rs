//! Decoders: secrets hidden in base64, hex or percent-encoded text.
//!
//! A leaf: it finds runs of plausible length and alphabet, decodes them, and yields the
//! decoded text with its span ([`Decoded`]); it knows nothing of rules. The matcher scans the
//! decoded text again (at most [`MAX_DEPTH`] levels), applies the same allow markers to the
//! original line, and reports a finding inside decoded text at the encoded run, saying which
//! encoding it was.

use base64::Engine;

/// How many decoding levels are followed (base64 inside base64, ...).
pub const MAX_DEPTH: u8 = 2;
/// Shortest encoded run worth decoding.
const MIN_RUN: usize = 16;
/// Longest encoded run decoded (larger runs are images, fonts, bundles).
const MAX_RUN: usize = 4096;

/// Byte classes for finding encoded runs quickly: bit 1 base64 (either alphabet), bit 2 a
/// character that may continue a percent-encoded run.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'-' || b == b'_' {
            t[i] = 1;
        }
        if b == b'%' || b == b'.' || b == b'~' {
            t[i] = 2;
        }
        i += 1;
    }
    t
};

fn is_b64(b: u8) -> bool {
    CLASS[b as usize] == 1
}

/// Could this run be base64 of text? Identifiers (no digits, no `+/=`) and single-case
/// words are not worth decoding. Nor is a run whose 4-character groups do not start the
/// way base64 of text does: a byte of printable ASCII (0x20..0x7e) puts its top six bits,
/// 8..31, in the first character of each group, which is `I`..`Z` or `a`..`f` (`C` for a
/// tab or newline). Random identifiers fail this within a few groups.
fn plausible_b64(run: &[u8]) -> bool {
    let text_start = |c: u8| matches!(c, b'I'..=b'Z' | b'a'..=b'f' | b'C');
    if !run.iter().step_by(4).take(8).all(|&c| text_start(c)) {
        return false;
    }
    let (mut lower, mut upper, mut digit) = (false, false, false);
    for &b in run {
        lower |= b.is_ascii_lowercase();
        upper |= b.is_ascii_uppercase();
        digit |= b.is_ascii_digit() || b == b'+' || b == b'/' || b == b'=';
    }
    lower && upper && digit
}

fn printable(d: &[u8]) -> bool {
    !d.is_empty()
        && d.iter()
            .all(|&b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\r' || b == b'\t')
}

fn decode_b64(run: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let url = run.iter().any(|&b| b == b'-' || b == b'_');
    let padded = run.ends_with(b"=");
    let engine = match (url, padded) {
        (false, true) => &STANDARD,
        (false, false) => &STANDARD_NO_PAD,
        (true, true) => &URL_SAFE,
        (true, false) => &URL_SAFE_NO_PAD,
    };
    engine.decode(run).ok()
}

fn decode_hex(run: &[u8]) -> Option<Vec<u8>> {
    if !run.len().is_multiple_of(2) {
        return None;
    }
    let val = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
    run.chunks(2)
        .map(|p| Some(val(p[0])? << 4 | val(p[1])?))
        .collect()
}

fn decode_percent(run: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(run.len());
    let mut i = 0;
    let mut escapes = 0;
    while i < run.len() {
        if run[i] == b'%' && i + 2 < run.len() {
            let hex = decode_hex(&run[i + 1..i + 3])?;
            out.extend(hex);
            escapes += 1;
            i += 3;
        } else {
            out.push(run[i]);
            i += 1;
        }
    }
    (escapes >= 2).then_some(out)
}

/// Every decoding of `run` that succeeds, by encoding name (for tests and fuzzing).
pub fn decode_any(run: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    if let Some(d) = decode_b64(run) {
        out.push(("base64", d));
    }
    if let Some(d) = decode_hex(run) {
        out.push(("hex", d));
    }
    if let Some(d) = decode_percent(run) {
        out.push(("percent", d));
    }
    out
}

/// A run of encoded text and what it decodes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The encoded run's span in the searched data.
    pub start: usize,
    pub end: usize,
    pub encoding: &'static str,
    /// The decoded bytes: mostly printable text, at least 8 bytes.
    pub bytes: Vec<u8>,
}

/// Appends to `out` every encoded run in `data[from..to]` that decodes to printable text.
///
/// Only the lines where some rule's keyword occurred are searched (the caller passes those
/// regions), which keeps decoding off the hot path of files with nothing secret-like in them.
/// The caller scans the decoded bytes again, at most [`MAX_DEPTH`] levels deep.
pub fn encoded_runs(data: &[u8], from: usize, to: usize, out: &mut Vec<Decoded>) {
    let mut i = from;
    let n = to;
    while i + MIN_RUN <= n {
        // Skip ahead: a run of MIN_RUN starting at or after `i` covers `probe`.
        let probe = i + MIN_RUN - 1;
        if CLASS[data[probe] as usize] == 0 {
            i = probe + 1;
            continue;
        }
        let mut start = probe;
        while start > i && CLASS[data[start - 1] as usize] != 0 {
            start -= 1;
        }
        i = probe;
        while i < n && CLASS[data[i] as usize] != 0 {
            i += 1;
        }
        if i - start < MIN_RUN {
            continue;
        }
        let has_percent = data[start..i].contains(&b'%');
        let mut end = i;
        while end < data.len() && end - i < 2 && data[end] == b'=' {
            end += 1;
        }
        i = end.max(i);
        let run = &data[start..end];
        if run.len() < MIN_RUN || run.len() > MAX_RUN {
            continue;
        }
        let (decoded, encoding) = if has_percent {
            (decode_percent(run), "percent")
        } else if run.iter().all(u8::is_ascii_hexdigit) {
            (decode_hex(run), "hex")
        } else if plausible_b64(run) && run.iter().all(|&b| is_b64(b) || b == b'=') {
            (decode_b64(run), "base64")
        } else {
            (None, "")
        };
        let Some(bytes) = decoded else { continue };
        if bytes.len() < 8 || !printable(&bytes) {
            continue;
        }
        out.push(Decoded {
            start,
            end,
            encoding,
            bytes,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_text_is_plausible_identifiers_are_not() {
        assert!(plausible_b64(b"c2tfdGVzdF92ZXJ5X3NlY3JldF9rZXlfMTIzNDU="));
        assert!(plausible_b64(b"dXNlcjpzM2NyM3RQYXNzIQ=="));
        assert!(!plausible_b64(b"AbstractTokenizer2Factory"));
        assert!(!plausible_b64(b"Zq8vT1mK0pR3xW9yB2nC"));
    }

    #[test]
    fn decoders() {
        assert_eq!(
            decode_b64(b"c2tfdGVzdF92ZXJ5X3NlY3JldF9rZXlfMTIzNDU=").unwrap(),
            b"sk_test_very_secret_key_12345" // leakhound:allow (test data)
        );
        assert_eq!(decode_hex(b"6869").unwrap(), b"hi");
        assert_eq!(decode_percent(b"a%3Db%26c").unwrap(), b"a=b&c");
        assert!(decode_percent(b"a%3Db").is_none());
    }

    #[test]
    fn runs_are_found_with_their_spans() {
        let line = b"data: c2tfdGVzdF92ZXJ5X3NlY3JldF9rZXlfMTIzNDU= rest"; // leakhound:allow (test data)
        let mut out = Vec::new();
        encoded_runs(line, 0, line.len(), &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(
            (out[0].start, out[0].end, out[0].encoding),
            (6, 46, "base64")
        );
        assert!(out[0].bytes.starts_with(b"sk_test_"));
        out.clear();
        encoded_runs(b"AbstractTokenizerFactoryBuilder", 0, 31, &mut out);
        assert!(out.is_empty());
    }
}
