//! YAML scalar text: where a quoted scalar ends, and its contents unescaped (double quotes:
//! backslash escapes; single quotes: `''`), line breaks folded as YAML folds them.

use std::borrow::Cow;

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The offset of the quote closing the scalar opened by `q` at `at`.
pub fn quoted_end(d: &[u8], at: usize, q: u8) -> Option<usize> {
    let mut i = at + 1;
    loop {
        let j = i + memchr::memchr2(q, b'\\', d.get(i..)?)?;
        if d[j] == b'\\' && q == b'"' {
            i = j + 2;
        } else if d[j] == b'\\' {
            i = j + 1;
        } else if q == b'\'' && d.get(j + 1) == Some(&b'\'') {
            i = j + 2;
        } else {
            return Some(j);
        }
    }
}

/// Folds a quoted scalar's line breaks: a break and the indentation after it become one
/// space, an empty line a newline.
fn fold(raw: &[u8], out: &mut Vec<u8>, i: &mut usize) {
    // at raw[*i] == b'\n'
    while out.last().is_some_and(|&b| is_space(b)) {
        out.pop();
    }
    let mut breaks = 0;
    while *i < raw.len() && (raw[*i].is_ascii_whitespace()) {
        if raw[*i] == b'\n' {
            breaks += 1;
        }
        *i += 1;
    }
    if breaks > 1 {
        out.extend(std::iter::repeat_n(b'\n', breaks - 1));
    } else {
        out.push(b' ');
    }
}

/// A double-quoted scalar's contents unescaped (`\n`, `\t`, `\"`, `\\`, `\xNN`, `\uNNNN`,
/// `\UNNNNNNNN`, `\0`, `\e`, …), line breaks folded. Unknown escapes are kept as written.
pub fn unescape_double(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'\\') && !raw.contains(&b'\n') {
        return Cow::Borrowed(raw);
    }
    let hex = |s: &[u8]| -> Option<char> {
        let t = std::str::from_utf8(s).ok()?;
        if !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(t, 16).ok()?)
    };
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c == b'\n' || (c == b'\r' && raw.get(i + 1) == Some(&b'\n')) {
            fold(raw, &mut out, &mut i);
            continue;
        }
        if c != b'\\' || i + 1 >= raw.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = raw[i + 1];
        let simple = match e {
            b'0' => Some(0),
            b'a' => Some(7),
            b'b' => Some(8),
            b't' | b'\t' => Some(b'\t'),
            b'n' => Some(b'\n'),
            b'v' => Some(11),
            b'f' => Some(12),
            b'r' => Some(b'\r'),
            b'e' => Some(27),
            b' ' => Some(b' '),
            b'"' => Some(b'"'),
            b'/' => Some(b'/'),
            b'\\' => Some(b'\\'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            i += 2;
            continue;
        }
        if e == b'\n' {
            // An escaped line break: joined without a space.
            i += 2;
            while i < raw.len() && is_space(raw[i]) {
                i += 1;
            }
            continue;
        }
        let width = match e {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => 0,
        };
        if width > 0 {
            if let Some(ch) = raw.get(i + 2..i + 2 + width).and_then(hex) {
                let mut buf = [0; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                i += 2 + width;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    Cow::Owned(out)
}

/// A single-quoted scalar's contents: `''` is a quote, line breaks folded.
pub fn unescape_single(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'\'') && !raw.contains(&b'\n') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\n' || (raw[i] == b'\r' && raw.get(i + 1) == Some(&b'\n')) {
            fold(raw, &mut out, &mut i);
            continue;
        }
        if raw[i] == b'\'' && raw.get(i + 1) == Some(&b'\'') {
            i += 1;
        }
        out.push(raw[i]);
        i += 1;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescaping() {
        assert_eq!(
            &*unescape_double(br#"a\tb\x41\u00e9\"\\"#),
            "a\tbAé\"\\".as_bytes()
        );
        assert_eq!(&*unescape_double(b"a\n   b"), b"a b");
        assert_eq!(&*unescape_single(b"it''s"), b"it's");
    }
}
