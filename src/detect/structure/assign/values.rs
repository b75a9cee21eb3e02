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
    if !v
        .iter()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'.' | b'-'))
    {
        return false;
    }
    // camelCase: the words split at each capital (`httpFrontendAuth`: http frontend auth).
    let mut split = String::with_capacity(v.len() + 4);
    for (i, &b) in v.iter().enumerate() {
        if i > 0 && b.is_ascii_uppercase() && v[i - 1].is_ascii_lowercase() {
            split.push('_');
        }
        split.push(b.to_ascii_lowercase() as char);
    }
    filter::word_coverage(&split) >= 0.6
}

/// `on_create`, `read.only`: an all-lowercase identifier of words, which in configuration
/// names a mode or another value rather than holding a password.
pub fn is_lowercase_identifier(v: &[u8]) -> bool {
    v.iter()
        .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'.' | b'-'))
        && v.iter().any(|b| matches!(b, b'_' | b'.' | b'-'))
        && is_word_identifier(v)
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
        || is_cmdlet(v)
        || v.starts_with(b"$")
        || v.starts_with(b"@")
        || v.starts_with(b"!")
        || v.starts_with(b"&")
        || v.starts_with(b"*")
        || v.ends_with(b"(")
        || v.contains(&b'(')
}

/// A PowerShell cmdlet's name, `Verb-Noun` with one of PowerShell's common verbs
/// (`Get-AnsibleParam`, `Read-Host`, `ConvertTo-SecureString`).
fn is_cmdlet(v: &[u8]) -> bool {
    const VERBS: &[&[u8]] = &[
        b"Add",
        b"Clear",
        b"Compare",
        b"Connect",
        b"ConvertFrom",
        b"ConvertTo",
        b"Copy",
        b"Disable",
        b"Enable",
        b"Export",
        b"Find",
        b"Format",
        b"Get",
        b"Import",
        b"Install",
        b"Invoke",
        b"Join",
        b"Measure",
        b"Move",
        b"New",
        b"Out",
        b"Read",
        b"Register",
        b"Remove",
        b"Rename",
        b"Resolve",
        b"Select",
        b"Send",
        b"Set",
        b"Split",
        b"Start",
        b"Stop",
        b"Test",
        b"Unprotect",
        b"Update",
        b"Wait",
        b"Write",
    ];
    let Some(d) = memchr::memchr(b'-', v) else {
        return false;
    };
    let noun = &v[d + 1..];
    VERBS.contains(&&v[..d])
        && noun.len() >= 2
        && noun[0].is_ascii_uppercase()
        && noun.iter().all(u8::is_ascii_alphanumeric)
}

/// Does an unquoted value ending at `ve` go on as a command's arguments (` -Name x`,
/// ` $var`) on its line? Then it is the command, not a literal.
pub fn continues_as_command(data: &[u8], ve: usize) -> bool {
    let rest = &data[ve.min(data.len())..];
    let spaces = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    if spaces == 0 {
        return false;
    }
    match rest.get(spaces..spaces + 2) {
        Some([b'-', b]) => b.is_ascii_alphabetic(),
        Some([b'$', b]) => b.is_ascii_alphabetic() || *b == b'_' || *b == b'{',
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_commands() {
        assert!(is_word_identifier(b"httpFrontendAuth"));
        assert!(is_lowercase_identifier(b"on_create"));
        assert!(!is_lowercase_identifier(b"Autumn#2020"));
        assert!(!is_lowercase_identifier(b"hunter"));
        assert!(is_expression(b"Get-AnsibleParam"));
        assert!(!is_expression(b"Autumn-Leaves"));
        let line = b"$p = Get-Thing -obj $params";
        assert!(continues_as_command(line, 14));
        assert!(!continues_as_command(b"PASSWORD=abc123 # note", 15));
    }
}
