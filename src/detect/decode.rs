//! Decoders: secrets hidden in base64, hex or percent-encoded text.
//!
//! Only runs of plausible length and alphabet are decoded, and only decoded text that is
//! mostly printable is scanned again (at most [`MAX_DEPTH`] levels). A finding inside decoded
//! text points at the encoded run and says which encoding it was.

use super::matcher::{Cand, Detector, Scratch, Target};
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
    if run.len() % 2 != 0 {
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

/// Finds encoded runs in `data`, decodes them and scans the result.
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

/// Only `data[from..to]` is searched for runs (the lines where some rule's keyword occurred),
/// which keeps decoding off the hot path of files with nothing secret-like in them.
pub(crate) fn scan_encoded(
    det: &Detector,
    t: &Target,
    data: &[u8],
    from: usize,
    to: usize,
    scratch: &mut Scratch,
    depth: u8,
) {
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
        let Some(decoded) = decoded else { continue };
        if decoded.len() < 8 || !printable(&decoded) {
            continue;
        }
        let outer = det.take_cands(scratch);
        det.collect(t, &decoded, scratch, depth + 1);
        let inner = det.take_cands(scratch);
        det.restore_cands(scratch, outer);
        for c in inner {
            let secret = c
                .decoded
                .clone()
                .unwrap_or_else(|| decoded[c.start..c.end].to_vec());
            det.push_decoded(
                scratch,
                Cand {
                    start,
                    end,
                    encoding: Some(c.encoding.unwrap_or(encoding)),
                    decoded: Some(secret),
                    ..c
                },
            );
        }
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
}
