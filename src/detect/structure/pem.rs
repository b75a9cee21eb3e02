//! PEM private keys, wherever a file keeps them: a `.pem` file, a YAML block scalar, a
//! commented-out block (`#   -----BEGIN PRIVATE KEY-----`), a C or Java string per line
//! (`"MIIE...\n"`), a JSON string with `\n` escapes, indented or not, the last line as short
//! as it happens to be.
//!
//! A block counts only if its body decodes to what its label claims: a DER SEQUENCE of the
//! right shape for `RSA`/`EC`/`DSA`/PKCS#8/encrypted PKCS#8 keys, `openssh-key-v1` for
//! OpenSSH keys. A block of filler, of dots, or cut short is not a key. Legacy encrypted PEM
//! (`Proc-Type: 4,ENCRYPTED`) is ciphertext and is only checked for length.

use super::field::{Extractor, Field, FieldKind};
use super::text;
use crate::rules::Confidence;

/// Private keys, unencrypted (`private-key`) or passphrase-protected
/// (`encrypted-private-key`).
pub struct PemKeys {
    encrypted: bool,
}

pub static PLAIN: PemKeys = PemKeys { encrypted: false };
pub static ENCRYPTED: PemKeys = PemKeys { encrypted: true };

const BEGIN: &[u8] = b"-----BEGIN ";
const MAX_LINES: usize = 400;

/// What a label says the body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Rsa,
    Ec,
    Dsa,
    Pkcs8,
    Encrypted,
    OpenSsh,
}

fn label(name: &[u8]) -> Option<Label> {
    Some(match name {
        b"RSA PRIVATE KEY" => Label::Rsa,
        b"EC PRIVATE KEY" => Label::Ec,
        b"DSA PRIVATE KEY" => Label::Dsa,
        b"PRIVATE KEY" => Label::Pkcs8,
        b"ENCRYPTED PRIVATE KEY" => Label::Encrypted,
        b"OPENSSH PRIVATE KEY" => Label::OpenSsh,
        _ => return None,
    })
}

/// A body line with its wrapping removed: comment markers, quotes, `\n` escapes, string
/// concatenation, indentation. A `+` is base64 too: only one set apart from the body by a
/// space or a quote is concatenation.
fn unwrap_line(line: &[u8]) -> &[u8] {
    let mut s = line.trim_ascii();
    loop {
        let before = s.len();
        for prefix in [
            &b"//"[..],
            b"#",
            b"*",
            b";",
            b"--",
            b"\"",
            b"'",
            b"+ ",
            b"+\"",
        ] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.trim_ascii_start();
            }
        }
        if s.len() == before {
            break;
        }
    }
    loop {
        let t = s.trim_ascii_end();
        let t = [&b"\\n"[..], b"\\r", b"\"", b"'", b",", b"\\", b";", b")"]
            .iter()
            .find_map(|suffix| t.strip_suffix(*suffix))
            .unwrap_or(t);
        let t = match t.strip_suffix(b"+") {
            Some(r) if r.ends_with(b" ") || r.ends_with(b"\"") || r.ends_with(b"'") => r,
            _ => t,
        };
        if t.len() == s.len() {
            return s;
        }
        s = t;
    }
}

fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
}

/// The DER tag-length header at `d`: (content start, content length).
fn der_seq(d: &[u8]) -> Option<(usize, usize)> {
    if d.first() != Some(&0x30) {
        return None;
    }
    let l = *d.get(1)?;
    if l < 0x80 {
        return Some((2, l as usize));
    }
    let n = (l & 0x7f) as usize;
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = len << 8 | *d.get(2 + i)? as usize;
    }
    Some((2 + n, len))
}

/// Does the decoded body have the shape the label claims?
fn shape_ok(l: Label, d: &[u8]) -> bool {
    if l == Label::OpenSsh {
        return d.starts_with(b"openssh-key-v1\0");
    }
    let Some((at, len)) = der_seq(d) else {
        return false;
    };
    // A key cut short is not a key; trailing bytes after the SEQUENCE are tolerated.
    if at + len > d.len() || len < 32 {
        return false;
    }
    let c = &d[at..];
    match l {
        // version INTEGER 0, then the modulus / p.
        Label::Rsa | Label::Dsa => c.starts_with(&[0x02, 0x01, 0x00]),
        // version INTEGER 1, then the private key OCTET STRING.
        Label::Ec => c.starts_with(&[0x02, 0x01, 0x01, 0x04]),
        // version INTEGER 0 or 1, then the algorithm SEQUENCE.
        Label::Pkcs8 => {
            c.starts_with(&[0x02, 0x01, 0x00, 0x30]) || c.starts_with(&[0x02, 0x01, 0x01, 0x30])
        }
        // the encryption algorithm SEQUENCE, then the ciphertext.
        Label::Encrypted => c.first() == Some(&0x30),
        Label::OpenSsh => false,
    }
}

/// Is an OpenSSH key's body encrypted (its cipher name is not `none`)?
fn openssh_encrypted(d: &[u8]) -> bool {
    let rest = &d[b"openssh-key-v1\0".len().min(d.len())..];
    let Some(len) = rest
        .get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    else {
        return false;
    };
    rest.get(4..4 + len).is_some_and(|cipher| cipher != b"none")
}

/// The block starting at `begin` (on `-----BEGIN `): its end offset and whether it holds a
/// key of the wanted kind.
fn block(data: &[u8], begin: usize, want_encrypted: bool) -> Option<(usize, bool)> {
    let after = &data[begin + BEGIN.len()..];
    let close = memchr::memmem::find(&after[..after.len().min(64)], b"-----")?;
    let name = &after[..close];
    let l = label(name)?;
    let end_marker = [b"-----END ".as_slice(), name, b"-----"].concat();
    let body_start = begin + BEGIN.len() + close + 5;
    let mut b64 = Vec::new();
    let mut legacy_encrypted = false;
    // The body: lines (or `\n`-separated pieces of one string) until the END marker.
    let rest = &data[body_start..];
    let end_at = memchr::memmem::find(&rest[..rest.len().min(64 * 1024)], &end_marker)?;
    let body = &rest[..end_at];
    let mut lines = 0;
    for raw in body.split(|&b| b == b'\n') {
        // A string with `\\n` escapes: the pieces between them (an `n` or `r` right after a
        // backslash is the escape's, not the body's).
        let pieces = raw
            .split(|&b| b == b'\\')
            .enumerate()
            .map(|(i, p)| match i {
                0 => p,
                _ => p
                    .strip_prefix(b"n")
                    .or_else(|| p.strip_prefix(b"r"))
                    .unwrap_or(p),
            });
        for piece in pieces {
            let t = unwrap_line(piece);
            if t.is_empty() {
                continue;
            }
            if t.starts_with(b"Proc-Type:") {
                legacy_encrypted = memchr::memmem::find(t, b"ENCRYPTED").is_some();
                continue;
            }
            if t.starts_with(b"DEK-Info:") || t.starts_with(b"Comment:") {
                continue;
            }
            if !t.iter().all(|&b| is_b64(b)) {
                return None;
            }
            b64.extend_from_slice(t);
        }
        lines += 1;
        if lines > MAX_LINES {
            return None;
        }
    }
    let end = body_start + end_at + end_marker.len();
    let decoded = text::base64(&b64)?;
    let (ok, encrypted) = match l {
        _ if legacy_encrypted => (decoded.len() >= 64, true),
        Label::Encrypted => (shape_ok(l, &decoded), true),
        Label::OpenSsh => (shape_ok(l, &decoded), openssh_encrypted(&decoded)),
        _ => (shape_ok(l, &decoded), false),
    };
    Some((end, ok && encrypted == want_encrypted))
}

impl Extractor for PemKeys {
    fn applies(&self, _path: &str, _data: &[u8]) -> bool {
        true
    }

    fn by_content(&self) -> bool {
        true
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut at = 0;
        while let Some(i) = memchr::memmem::find(&data[at..], BEGIN) {
            let begin = at + i;
            match block(data, begin, self.encrypted) {
                Some((end, true)) => {
                    let confidence = if self.encrypted {
                        Confidence::Medium
                    } else {
                        Confidence::High
                    };
                    out.push(Field::plain(begin, end, FieldKind::PrivateKey, confidence));
                    at = end;
                }
                Some((end, false)) => at = end,
                None => at = begin + BEGIN.len(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A structurally valid PKCS#1 RSA body (version 0, then INTEGERs), base64 in lines.
    fn rsa_body() -> String {
        let mut content = vec![0x02, 0x01, 0x00, 0x02, 0x81, 0x81, 0x00];
        content.extend((0..0x80u32).map(|i| (i * 37 + 11) as u8));
        let mut der = vec![0x30, 0x81, content.len() as u8];
        der.extend(content);
        use base64::Engine;
        let s = base64::engine::general_purpose::STANDARD.encode(&der);
        s.as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn keys(text: &str, x: &PemKeys) -> usize {
        let mut out = Vec::new();
        x.extract("k", text.as_bytes(), &mut out);
        out.len()
    }

    #[test]
    fn wrappings() {
        let body = rsa_body();
        let plain =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n");
        assert_eq!(keys(&plain, &PLAIN), 1);
        assert_eq!(keys(&plain, &ENCRYPTED), 0);
        let commented: String = plain.lines().map(|l| format!("#    {l}\n")).collect();
        let concatenated: String = plain.lines().map(|l| format!("  + \"{l}\\n\"\n")).collect();
        assert_eq!(keys(&concatenated, &PLAIN), 1, "{concatenated}");
        assert_eq!(keys(&commented, &PLAIN), 1, "{commented}");
        let c_strings: String = plain.lines().map(|l| format!("    \"{l}\\n\"\n")).collect();
        assert_eq!(keys(&c_strings, &PLAIN), 1, "{c_strings}");
        let json = format!("{{\"key\": \"{}\"}}", plain.replace('\n', "\\n"));
        assert_eq!(keys(&json, &PLAIN), 1, "{json}");
        let yaml: String = format!(
            "tls:\n  key: |\n{}",
            plain
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        );
        assert_eq!(keys(&yaml, &PLAIN), 1, "{yaml}");
    }

    #[test]
    fn bodies_that_are_not_keys() {
        let filler = "-----BEGIN RSA PRIVATE KEY-----\nVbc8B+ABez7gJi9cC3ufL5vq1BGPWbOqpnD4b1qXt/JRXXFYcaNXUQhC6tu8cDOH\nx8hITKAQHsrpbccRBlvH0tBEt4RlVVsvlcoiRqgEEwGJ9m1F35OKWGj/dtoo1lO8\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(keys(filler, &PLAIN), 0);
        assert_eq!(
            keys(
                "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
                &PLAIN
            ),
            0
        );
        assert_eq!(
            keys(
                "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----",
                &PLAIN
            ),
            0
        );
        let body = rsa_body();
        let public = format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n");
        assert_eq!(keys(&public, &PLAIN), 0);
        let cut = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            &body[..40]
        );
        assert_eq!(keys(&cut, &PLAIN), 0);
    }

    #[test]
    fn plus_signs_of_the_body_stay() {
        assert_eq!(unwrap_line(b"+QhnFE4rXj+"), b"+QhnFE4rXj+");
        assert_eq!(unwrap_line(b"  \"abc+\" +"), b"abc+");
        assert_eq!(unwrap_line(b"#   abc/"), b"abc/");
    }

    #[test]
    fn der_lengths() {
        assert_eq!(der_seq(&[0x30, 0x05]), Some((2, 5)));
        assert_eq!(der_seq(&[0x30, 0x82, 0x01, 0x00]), Some((4, 256)));
        assert_eq!(der_seq(&[0x31, 0x05]), None);
        assert_eq!(der_seq(&[0x30]), None);
    }
}
