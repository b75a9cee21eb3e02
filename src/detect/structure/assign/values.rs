//! What a value is, before what its name says counts: a setting (`true`, `8080`), a UUID,
//! an identifier made of words, an expression or a reference, the literal default of a
//! reference (`${DB_PASSWORD:-Rocky1979!}`), a value composed the way passwords are.

use crate::detect::filter;
use crate::detect::structure::text;

/// `8-4-4-4-12` hexadecimal.
pub fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Values that are settings, not secrets: booleans, numbers, nulls.
pub fn is_setting(v: &[u8]) -> bool {
    let lower = v.to_ascii_lowercase();
    matches!(
        lower.as_slice(),
        b"true"
            | b"false"
            | b"yes"
            | b"no"
            | b"on"
            | b"off"
            | b"null"
            | b"nil"
            | b"none"
            | b"undefined"
            | b"~"
            | b"required"
            | b"optional"
            | b"string"
            | b"str"
            | b"bool"
    ) || v
        .iter()
        .all(|b| b.is_ascii_digit() || *b == b'.' || *b == b'-')
}

/// `user_input`, `dbPassword`, `admin.pass`: an identifier made of words, without digits.
pub fn is_word_identifier(v: &[u8]) -> bool {
    v.iter()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'.' | b'-'))
        && std::str::from_utf8(v).is_ok_and(|s| filter::word_coverage(s) >= 0.6)
}

/// The literal default of a reference to a variable: `${NAME:-default}`, `${NAME-default}`
/// (shell, Compose) and `${NAME:default}` (Spring). Not `${NAME:?message}` (an error
/// message), not a default that is itself a reference.
pub fn reference_default(data: &[u8], vs: usize, ve: usize) -> Option<(usize, usize)> {
    let v = &data[vs..ve];
    if v.len() < 5 || !v.starts_with(b"${") || v[v.len() - 1] != b'}' {
        return None;
    }
    let inner = &v[2..v.len() - 1];
    let name_len = inner
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
        .count();
    if name_len == 0 {
        return None;
    }
    let rest = &inner[name_len..];
    let skip = if rest.starts_with(b":-") || rest.starts_with(b":=") {
        2
    } else if rest.starts_with(b"-") || rest.starts_with(b":") && !rest.starts_with(b":?") {
        1
    } else {
        return None;
    };
    let start = vs + 2 + name_len + skip;
    let (s, e, _) = text::unquote(data, start, ve - 1);
    let d = &data[s..e];
    let nested = d.starts_with(b"$")
        || memchr::memmem::find(d, b"${").is_some()
        || memchr::memmem::find(d, b"$(").is_some()
        || d.contains(&b'{')
        || d.contains(&b'}');
    (!d.is_empty() && !nested).then_some((s, e))
}

/// Composed the way people compose passwords: a digit, and a symbol or both cases
/// (`Autumn#2020`, `Pumpkin4417`), unlike labels (`xkeysib-too-short`, `lsv2_pt_short`).
pub fn is_composed(v: &[u8]) -> bool {
    let symbol = v
        .iter()
        .any(|b| b.is_ascii_punctuation() && !matches!(b, b'_' | b'-' | b'.' | b'/'));
    let cases = v.iter().any(u8::is_ascii_uppercase) && v.iter().any(u8::is_ascii_lowercase);
    v.iter().any(u8::is_ascii_digit) && (symbol || cases)
}

/// A value that is code or a reference rather than a literal (in unquoted positions).
pub fn is_expression(v: &[u8]) -> bool {
    filter::looks_like_code(v)
        || v.starts_with(b"$")
        || v.starts_with(b"@")
        || v.starts_with(b"!")
        || v.starts_with(b"&")
        || v.starts_with(b"*")
        || v.ends_with(b"(")
        || v.contains(&b'(')
}
