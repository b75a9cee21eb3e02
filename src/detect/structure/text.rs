//! Small text helpers the extractors share: lines with their offsets, trimming and unquoting
//! spans, decoding base64 and percent-encoding, and telling local hosts from real ones.
//! Spans are byte offsets into the whole file, so a field can point at its value.

/// The lines of `data` as (offset of the line's first byte, the line without its `\n` or
/// `\r\n`).
pub fn lines(data: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= data.len() {
            return None;
        }
        let start = at;
        let end = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |i| at + i);
        at = end + 1;
        let line = &data[start..end];
        Some((start, line.strip_suffix(b"\r").unwrap_or(line)))
    })
}

/// `start..end` without leading and trailing ASCII whitespace.
pub fn trim(data: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && data[start].is_ascii_whitespace() {
        start += 1;
    }
    while end > start && data[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    (start, end)
}

/// `start..end` trimmed, and inside a matching pair of `'`, `"` or `` ` `` quotes if it is
/// wrapped in one; the quote character, if any.
pub fn unquote(data: &[u8], start: usize, end: usize) -> (usize, usize, Option<u8>) {
    let (s, e) = trim(data, start, end);
    if e - s >= 2 {
        let q = data[s];
        if matches!(q, b'"' | b'\'' | b'`') && data[e - 1] == q {
            return (s + 1, e - 1, Some(q));
        }
    }
    (s, e, None)
}

/// Does the line, after leading whitespace, start with one of `markers` (`#`, `;`, `//`)?
pub fn is_comment(line: &[u8], markers: &[&[u8]]) -> bool {
    let t = line.trim_ascii_start();
    markers.iter().any(|m| t.starts_with(m))
}

/// Standard or URL-safe base64, padding optional; `None` if it is not base64.
pub fn base64(s: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    use base64::{alphabet, Engine};
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let s = s.trim_ascii();
    let url = s.iter().any(|&b| b == b'-' || b == b'_');
    let engine = if url {
        GeneralPurpose::new(&alphabet::URL_SAFE, config)
    } else {
        GeneralPurpose::new(&alphabet::STANDARD, config)
    };
    engine.decode(s).ok()
}

/// Percent-decoding (RFC 3986), leaving malformed escapes as they are.
pub fn percent(s: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let (Some(a), Some(b)) = (hex(s[i + 1]), hex(s[i + 2])) {
                out.push(a << 4 | b);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// A host where a default password (`postgres`, `admin`) is a development default, not an
/// exposure: loopback, unspecified, a documentation domain, or no host at all.
pub fn is_local_host(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    let h = h.rsplit_once(':').map_or(h, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) && !name.contains(':') {
            name
        } else {
            h
        }
    });
    let h = h.to_ascii_lowercase();
    h.is_empty()
        || h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
        || h == "*"
        || h == "host.docker.internal"
        || ["example.com", "example.org", "example.net"]
            .iter()
            .any(|d| h == *d || h.ends_with(&format!(".{d}")))
        || h.ends_with(".example")
        || h.ends_with(".invalid")
        || h.ends_with(".test")
        || h.ends_with(".local")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_offsets() {
        let data = b"a=1\r\nbb=2\n\nc";
        let v: Vec<(usize, &[u8])> = lines(data).collect();
        assert_eq!(
            v,
            vec![(0, &b"a=1"[..]), (5, b"bb=2"), (10, b""), (11, b"c")]
        );
    }

    #[test]
    fn unquoting() {
        let d = b"  \"s3cret\"  ";
        let (s, e, q) = unquote(d, 0, d.len());
        assert_eq!((&d[s..e], q), (&b"s3cret"[..], Some(b'"')));
        let d = b" 'x\" ";
        let (s, e, q) = unquote(d, 0, d.len());
        assert_eq!((&d[s..e], q), (&b"'x\""[..], None));
    }

    #[test]
    fn decoders() {
        assert_eq!(base64(b"dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(base64(b"dXNlcjpwYXNzMQ").unwrap(), b"user:pass1");
        assert_eq!(base64(b"dXNlcjpwYXNzMQ==").unwrap(), b"user:pass1");
        assert!(base64(b"not base64!").is_none());
        assert_eq!(percent(b"p%40ss%3Aw%rd%2"), b"p@ss:w%rd%2");
    }

    #[test]
    fn local_hosts() {
        for h in [
            "localhost",
            "127.0.0.1:5432",
            "[::1]",
            "db.example.com",
            "",
            "x.invalid",
        ] {
            assert!(is_local_host(h), "{h}");
        }
        for h in ["db.prod.acme.io", "10.1.2.3", "registry.gitlab.com"] {
            assert!(!is_local_host(h), "{h}");
        }
    }
}
