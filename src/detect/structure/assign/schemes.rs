//! Values with an inner structure of their own, read by scheme: an HTTP Authorization
//! header's credential (`Basic` decoded to its password, `Bearer` and other tokens) and a
//! connection string's password (`Server=db;User Id=app;Password=...`).

use super::super::field::{Field, FieldKind};
use super::super::text;
use super::values::is_uuid;
use crate::detect::filter;
use crate::rules::Confidence;

/// `Basic <base64 user:password>`: the password, decoded; `Bearer <token>` and other
/// schemes: the credential, if it looks generated.
pub fn authorization(
    data: &[u8],
    (vs, ve): (usize, usize),
    base: Confidence,
    bare_ok: bool,
    out: &mut Vec<Field>,
) {
    let v = &data[vs..ve];
    let Some(sp) = v.iter().position(|b| b.is_ascii_whitespace()) else {
        // A bare credential without a scheme (`Authorization: 5eb4223e-...`), of a token's
        // alphabet (not a format string's `%.*s`).
        let alphabet = v
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(b));
        if bare_ok && alphabet && (is_uuid(v) || v.len() >= 16 && filter::looks_random(v)) {
            let mut f = Field::plain(vs, ve, FieldKind::Token, base.max(Confidence::Medium));
            f.min_len = 16;
            out.push(f);
        }
        return;
    };
    let scheme = v[..sp].to_ascii_lowercase();
    let cs = vs
        + sp
        + v[sp..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let ce = cs
        + data[cs..ve]
            .iter()
            .take_while(|b| !b.is_ascii_whitespace())
            .count();
    let cred = &data[cs..ce];
    let c = base.max(Confidence::Medium);
    if scheme == b"basic" {
        let Some(decoded) = text::base64(cred) else {
            return;
        };
        let Some(colon) = decoded.iter().position(|&b| b == b':') else {
            return;
        };
        let pass = decoded[colon + 1..].to_vec();
        if pass.is_empty() || !pass.iter().all(|b| (0x20..0x7f).contains(b)) {
            return;
        }
        out.push(Field {
            value: Some(pass),
            encoding: Some("base64"),
            min_len: 4,
            ..Field::plain(cs, ce, FieldKind::Password, c)
        });
    } else if matches!(
        scheme.as_slice(),
        b"ntlm" | b"negotiate" | b"digest" | b"hoba" | b"mutual"
    ) {
        // Challenge and response: not a credential a reader could reuse.
    } else if cred.len() >= 16 && filter::looks_random(cred) {
        let mut f = Field::plain(cs, ce, FieldKind::Token, c);
        f.min_len = 16;
        out.push(f);
    }
}

/// `Server=db;User Id=app;Password=S3cret;` (ADO.NET, ODBC, JDBC properties): the password.
pub fn connection_string_password(
    data: &[u8],
    (vs, ve): (usize, usize),
    base: Confidence,
    out: &mut Vec<Field>,
) {
    let v = &data[vs..ve];
    if memchr::memmem::find(v, b"://").is_some() {
        return; // a URL: `url-with-password` reads its user info
    }
    let mut at = vs;
    for part in v.split(|&b| b == b';') {
        let end = at + part.len();
        if let Some(eq) = part.iter().position(|&b| b == b'=') {
            let key = part[..eq].trim_ascii().to_ascii_lowercase();
            if matches!(key.as_slice(), b"password" | b"pwd" | b"pass" | b"passwd") {
                let (s, e, _) = text::unquote(data, at + eq + 1, end);
                if e > s {
                    let mut f =
                        Field::plain(s, e, FieldKind::Password, base.max(Confidence::Medium));
                    f.min_len = 4;
                    out.push(f);
                }
            }
        }
        at = end + 1;
    }
}
