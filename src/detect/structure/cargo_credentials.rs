//! Cargo registry credentials (`.cargo/credentials.toml`, before Cargo 1.39
//! `.cargo/credentials`): `token` and `secret-key` per registry (SPEC §41).
//!
//! TOML: `[registry] token = "…"` (crates.io), `[registries.<name>] token = "…"`, dotted
//! keys (`registries.acme.token = "…"`) and inline tables (`acme = { token = "…" }`);
//! basic strings with escapes, literal strings in `'…'`. `token` is a token (`Bearer <t>`
//! gives the part after `Bearer`); `secret-key` is a PASERK private key (`k3.secret.…`).
//! `secret-key-subject` and `.cargo/config.toml` credential providers are not secrets. A
//! `credentials.toml` elsewhere counts when it has a `[registry`/`[registries` table.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{contains_within, differs, ends_with_path, field, name, unescape};
use super::text;
use crate::rules::Confidence;

pub struct CargoCredentials;

impl Extractor for CargoCredentials {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        ends_with_path(path, ".cargo/credentials.toml")
            || ends_with_path(path, ".cargo/credentials")
            || (name(path) == "credentials.toml"
                && (contains_within(data, b"[registry", 1 << 16)
                    || contains_within(data, b"[registries", 1 << 16)))
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        for (ls, line) in text::lines(data) {
            if text::is_comment(line, &[b"#", b"["]) {
                continue;
            }
            let mut i = 0;
            while i < line.len() {
                let Some((kind, after)) = key_at(line, i) else {
                    i += 1;
                    continue;
                };
                let Some((vs, ve, decoded, next)) = string_after(line, after) else {
                    i = after;
                    continue;
                };
                i = next;
                let written = &line[vs..ve];
                let mut value = decoded.unwrap_or_else(|| written.to_vec());
                let (mut s, mut e) = (vs, ve);
                if kind == FieldKind::Token
                    && value.len() > 7
                    && value[..7].eq_ignore_ascii_case(b"bearer ")
                {
                    let skip = value.len() - value[7..].trim_ascii_start().len();
                    value.drain(..skip);
                    if decoded_is_plain(written) {
                        s += skip;
                    }
                }
                if decoded_is_plain(written) {
                    let (ts, te) = text::trim(line, s, e);
                    s = ts;
                    e = te;
                }
                let v = value.trim_ascii();
                if s >= e || v.is_empty() || v.eq_ignore_ascii_case(b"bearer") {
                    continue;
                }
                out.push(field(
                    ls + s,
                    ls + e,
                    differs(&line[s..e], value),
                    None,
                    kind,
                    Confidence::High,
                    None,
                ));
            }
        }
    }
}

fn decoded_is_plain(written: &[u8]) -> bool {
    !written.contains(&b'\\')
}

/// A `token` or `secret-key` key starting at `line[i]` (bare, quoted, or the last part of a
/// dotted key): what it holds, and the offset after the `=`.
fn key_at(line: &[u8], i: usize) -> Option<(FieldKind, usize)> {
    let boundary_before = i == 0
        || matches!(
            line[i - 1],
            b' ' | b'\t' | b'{' | b',' | b'.' | b'"' | b'\''
        );
    if !boundary_before {
        return None;
    }
    let (key, kind) = [
        ("token", FieldKind::Token),
        ("secret-key", FieldKind::PrivateKey),
    ]
    .into_iter()
    .find(|(k, _)| line[i..].starts_with(k.as_bytes()))?;
    let mut j = i + key.len();
    if j < line.len() && (line[j] == b'"' || line[j] == b'\'') {
        j += 1;
    }
    while j < line.len() && (line[j] == b' ' || line[j] == b'\t') {
        j += 1;
    }
    (j < line.len() && line[j] == b'=').then_some((kind, j + 1))
}

/// A TOML string after `at` (blanks skipped): the span inside its quotes, the unescaped
/// value when it has escapes, and the offset after it.
fn string_after(line: &[u8], at: usize) -> Option<(usize, usize, Option<Vec<u8>>, usize)> {
    let mut j = at;
    while j < line.len() && (line[j] == b' ' || line[j] == b'\t') {
        j += 1;
    }
    let q = *line.get(j)?;
    if q == b'\'' {
        let end = memchr::memchr(b'\'', &line[j + 1..]).map_or(line.len(), |k| j + 1 + k);
        return Some((j + 1, end, None, (end + 1).min(line.len())));
    }
    if q != b'"' {
        return None;
    }
    let mut k = j + 1;
    while k < line.len() && line[k] != b'"' {
        if line[k] == b'\\' {
            k += 1;
        }
        k += 1;
    }
    let end = k.min(line.len());
    let w = &line[j + 1..end];
    let decoded = w.contains(&b'\\').then(|| {
        unescape(w, |c| match c {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'b' => Some(8),
            b'f' => Some(12),
            _ => None,
        })
    });
    Some((j + 1, end, decoded, (end + 1).min(line.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &[u8]) -> Vec<(String, Option<String>, FieldKind)> {
        let mut out = Vec::new();
        CargoCredentials.extract(".cargo/credentials.toml", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.min_len, f.encoding, f.confidence, &f.host),
                    (1, None, Confidence::High, &None)
                );
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.value
                        .as_ref()
                        .map(|v| String::from_utf8_lossy(v).into_owned()),
                    f.kind,
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn applies_to_paths() {
        for p in [
            ".cargo/credentials.toml",
            "home/u/.cargo/credentials",
            ".cargo/credentials.toml.bak",
        ] {
            assert!(CargoCredentials.applies(p, b""), "{p}");
        }
        assert!(
            CargoCredentials.applies("cargo-home/credentials.toml", b"[registry]\ntoken = \"x\"")
        );
        for p in [
            ".cargo/config.toml",
            "credentials.toml",
            "cargo/credentials",
        ] {
            assert!(!CargoCredentials.applies(p, b"x = 1"), "{p}");
        }
    }

    #[test]
    fn tokens_and_keys() {
        let d = b"[registry]\ntoken = \"Uq5AIrkhqpgXlW2X2Ghba4AyG3F5tbdy\"\n\n\
[registries.acme]\ntoken = \"Bearer Liq0oFtwUbmKuqoqAbgzQ0OOf3rfPacRKVIX6diF\"\n\n\
[registries.kellnr]\nsecret-key = \"k3.secret.Xgxx-gqwLw-__m88YQJlBHrV2h7h0rpX2fwrsHzrZQ6v\"\n\
secret-key-subject = \"acme\"\n\
[registries]\nother = { index = \"x\", token = 'lit\\eral' }\nregistries.dotted.\"token\" = \"a\\\"b\"\n";
        use FieldKind::*;
        assert_eq!(
            found(d),
            vec![
                (s("Uq5AIrkhqpgXlW2X2Ghba4AyG3F5tbdy"), None, Token),
                (s("Liq0oFtwUbmKuqoqAbgzQ0OOf3rfPacRKVIX6diF"), None, Token),
                (
                    s("k3.secret.Xgxx-gqwLw-__m88YQJlBHrV2h7h0rpX2fwrsHzrZQ6v"),
                    None,
                    PrivateKey
                ),
                (s("lit\\eral"), None, Token),
                (s("a\\\"b"), Some(s("a\"b")), Token),
            ]
        );
    }

    #[test]
    fn nothing_to_report() {
        let d = b"[registry]\nglobal-credential-providers = [\"cargo:token\", \"cargo:libsecret\"]\n\
[registries.acme]\nindex = \"sparse+https://cargo.acme.test/index/\"\n\
credential-provider = \"cargo:token-from-stdout /usr/local/bin/get-token\"\n\
token = \"\"\n# token = \"Uq5AIrkhqpgXlW2X2Ghba4AyG3F5tbdy\"\nmytoken = \"x1\"\ntoken = \"Bearer \"\n";
        assert!(found(d).is_empty());
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"token",
            b"token=",
            b"token=\"",
            b"token=\"\\",
            b"token='",
            b"secret-key = \"Bearer",
            b"\xfftoken=\xfe",
        ] {
            found(d);
        }
    }
}
