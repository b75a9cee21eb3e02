//! Pairs that need more than an operator between a name and a value: a `value` attribute
//! named by its sibling (`<add key="Password" value="..."/>`), an HTTP header written as one
//! string (`'Authorization: Basic ...'`), and a value on the line below its name (a YAML
//! scalar, an XML element's text), and a literal behind a prefix or a constructor.

use super::tokens::{How, Pair, Tok, Token};
use crate::detect::structure::text;

/// Where the value that starts at token `j` has its literal: after Python's `b""`, `r""`,
/// `f""` or C#'s `@""` prefix, inside `new String("...")` / `String("...")` (Java, C#,
/// Kotlin, Scala) or `SecretStr("...")` (pydantic); else `j` itself.
pub fn literal_at(toks: &[Token], data: &[u8], j: usize) -> usize {
    let word = |i: usize| {
        toks.get(i)
            .filter(|t| t.tok == Tok::Word)
            .map(|t| &data[t.start..t.end])
    };
    let is_str = |i: usize| toks.get(i).is_some_and(|t| matches!(t.tok, Tok::Str(_)));
    if let (Some(w), true) = (word(j), is_str(j + 1)) {
        if w.len() <= 2 && toks[j].end + 1 == toks[j + 1].start {
            return j + 1;
        }
    }
    let c = j + usize::from(word(j) == Some(b"new"));
    let ctor = matches!(word(c), Some(b"String" | b"string" | b"SecretStr"));
    let open = toks.get(c + 1).is_some_and(|t| t.tok == Tok::Open(b'('));
    let close = toks.get(c + 3).is_some_and(|t| t.tok == Tok::Close(b')'));
    if ctor && open && is_str(c + 2) && close {
        return c + 2;
    }
    j
}

/// `<add key="Password" value="..."/>`, `<param name="token" value="..."/>`: the value
/// attribute's name is its sibling's value.
pub fn attribute_names(toks: &[Token], data: &[u8], out: &mut [Pair]) {
    for p in out.iter_mut() {
        if !matches!(&data[p.name.0..p.name.1], b"value" | b"Value") {
            continue;
        }
        let sibling = toks.windows(3).find(|w| {
            matches!(w[0].tok, Tok::Word)
                && matches!(
                    &data[w[0].start..w[0].end],
                    b"key" | b"name" | b"Key" | b"Name"
                )
                && w[1].tok == Tok::Op(How::Assign)
                && matches!(w[2].tok, Tok::Str(_))
        });
        if let Some(w) = sibling {
            p.name = (w[2].start, w[2].end);
        }
    }
}

/// The next line's content, if it is indented deeper than the line `ls..le` and is a plain
/// scalar (not a key, a list item or a comment).
pub fn next_line_value(data: &[u8], ls: usize, le: usize) -> Option<(usize, usize)> {
    let indent = |s: &[u8]| s.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let start = le + 1;
    if start >= data.len() {
        return None;
    }
    let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
    let next = &data[start..end];
    let n = indent(next);
    let body = next[n..].trim_ascii_end();
    if n <= indent(&data[ls..le])
        || body.is_empty()
        || body.starts_with(b"- ")
        || body.starts_with(b"#")
        || body.contains(&b':') && !body.starts_with(b"'") && !body.starts_with(b"\"")
    {
        return None;
    }
    let (s, e, _) = text::unquote(data, start + n, start + n + body.len());
    Some((s, e))
}

/// `<name>` ending a line, the value alone on the next, `</name>` on the one after.
pub fn next_line_element(data: &[u8], le: usize, name: &[u8]) -> Option<(usize, usize)> {
    let start = le + 1;
    let end = memchr::memchr(b'\n', data.get(start..)?).map_or(data.len(), |i| start + i);
    let close_start = end + 1;
    let close_line = data.get(close_start..)?;
    let close_end = memchr::memchr(b'\n', close_line).unwrap_or(close_line.len());
    let close = close_line[..close_end].trim_ascii();
    let want = [b"</".as_slice(), name, b">"].concat();
    if close != want.as_slice() {
        return None;
    }
    let (s, e) = text::trim(data, start, end);
    (e > s && !data[s..e].contains(&b'<')).then_some((s, e))
}

/// `'Authorization: Basic ...'`, `"X-Api-Key: ..."`: an HTTP header written as one string
/// (`curl -H`, a list of headers).
pub fn headers_in_strings(toks: &[Token], data: &[u8], out: &mut Vec<Pair>) {
    for (i, t) in toks.iter().enumerate() {
        let Tok::Str(q) = t.tok else { continue };
        // After curl's `-H`/`--header`, any name is a header's (`Token`, `apikey`).
        let after_flag = i > 0
            && matches!(
                &data[toks[i - 1].start..toks[i - 1].end],
                b"-H" | b"--header"
            );
        let s = &data[t.start..t.end];
        let Some(colon) = s.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = &s[..colon];
        // HTTP header names: `Authorization`, or hyphenated (`X-Api-Key`, `Api-Token`).
        let header_like = !name.is_empty()
            && name[0].is_ascii_alphabetic()
            && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-')
            && (name.contains(&b'-') || name.eq_ignore_ascii_case(b"authorization") || after_flag)
            && !s[colon..].contains(&b'\\');
        let vs = t.start
            + colon
            + 1
            + s[colon + 1..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        if header_like && vs < t.end {
            out.push(Pair {
                name: (t.start, t.start + colon),
                value: (vs, t.end),
                quote: Some(q),
                how: How::Assign,
            });
        }
    }
}
