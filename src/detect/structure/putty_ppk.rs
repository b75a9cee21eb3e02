//! PuTTY private key files (`*.ppk`, or any file starting `PuTTY-User-Key-File-<v>: `): the
//! whole private key (SPEC §36).
//!
//! Header lines (`Encryption: none|aes256-cbc`, `Comment:`, `Public-Lines: N` + N lines,
//! v3 `Key-Derivation`/`Argon2-*` lines), then `Private-Lines: N` + N base64 lines and
//! `Private-MAC:`. The field spans the key from its first header line to its last private
//! line (as the `putty-private-key` regex rule does); its value is the private blob (the
//! private lines joined), so that a `Comment:` such as `dummy-key` does not make the key a
//! placeholder. `Encryption: none` means the private lines are the raw key: high; an
//! encrypted key needs its passphrase: medium. A header without its private lines (a
//! documentation snippet) yields nothing.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{ends_with_ic, file_name};
use super::text;
use crate::rules::Confidence;

pub struct PuttyPpk;

const MAGIC: &[u8] = b"PuTTY-User-Key-File-";

impl Extractor for PuttyPpk {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        ends_with_ic(file_name(path), ".ppk")
            || data
                .strip_prefix(b"\xef\xbb\xbf")
                .unwrap_or(data)
                .starts_with(MAGIC)
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut lines = text::lines(data).peekable();
        while let Some((ls, line)) = lines.next() {
            let Some(at) = memchr::memmem::find(line, MAGIC) else {
                continue;
            };
            // The header must start its line (a BOM aside), not be quoted in prose.
            if !line[..at]
                .iter()
                .all(|&b| b.is_ascii_whitespace() || b >= 0x80)
            {
                continue;
            }
            let start = ls + at;
            let mut encrypted = None;
            let mut blob = Vec::new();
            let mut end = None;
            while let Some(&(hs, h)) = lines.peek() {
                if memchr::memmem::find(h, MAGIC).is_some() {
                    break;
                }
                lines.next();
                let h = h.trim_ascii();
                if let Some(v) = h.strip_prefix(b"Encryption:") {
                    encrypted = Some(v.trim_ascii() != b"none");
                } else if let Some(n) = h.strip_prefix(b"Private-Lines:") {
                    let n: usize = std::str::from_utf8(n)
                        .ok()
                        .and_then(|n| n.trim().parse().ok())
                        .unwrap_or(0);
                    let mut got = 0;
                    while got < n {
                        let Some(&(ps, p)) = lines.peek() else { break };
                        let p_trim = p.trim_ascii();
                        if p_trim.is_empty()
                            || !p_trim.iter().all(|&b| {
                                b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
                            })
                        {
                            break;
                        }
                        lines.next();
                        blob.extend_from_slice(p_trim);
                        end = Some(text::trim(data, ps, ps + p.len()).1);
                        got += 1;
                    }
                    if got < n || n == 0 {
                        end = None;
                    }
                    break;
                } else if h.is_empty() {
                    continue;
                }
                let _ = hs;
            }
            let (Some(encrypted), Some(end)) = (encrypted, end) else {
                continue;
            };
            let confidence = if encrypted {
                Confidence::Medium
            } else {
                Confidence::High
            };
            out.push(Field {
                value: Some(blob),
                ..Field::plain(start, end, FieldKind::PrivateKey, confidence)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &str = "PuTTY-User-Key-File-2: ssh-ed25519\nEncryption: none\nComment: dummy-key\nPublic-Lines: 2\n\
AAAAC3NzaC1lZDI1NTE5AAAAIL3gDH0SekSjf8BAswBwzcNn1dWzBnkpySb6Bb8A\nep0D\nPrivate-Lines: 1\n\
AAAAIQCVO0k6sX79ZSXQPRtzsk54sNQg30rEWd0zPXVOr3sFxA==\nPrivate-MAC: 508c297df4ea74b4aa8cde7db709634bd6ffd5f9\n";

    const V3_ENC: &str = "PuTTY-User-Key-File-3: ssh-ed25519\r\nEncryption: aes256-cbc\r\nComment: laptop\r\nPublic-Lines: 1\r\n\
AAAAC3NzaC1lZDI1NTE5AAAAIN9ifDvtLluT0SL4SZ0n4BKcnB68yIYy3Di8W5Ws\r\nKey-Derivation: Argon2id\r\nArgon2-Memory: 8192\r\n\
Argon2-Passes: 21\r\nArgon2-Parallelism: 1\r\nArgon2-Salt: b4afa02e224e11f4e4654eecd86a8f81\r\nPrivate-Lines: 2\r\n\
WaoFD1nfvFRFZzxPeZ+ZqcCxsRT/MAQiU6qL2i1Ql+bSDHTjxLoIt/Ji4LBvAAe4\r\nQk9x\r\nPrivate-MAC: 6a502b953e09a8da7bf5efb9c4c04e745d127425868f1d88a5180f05f2713477\r\n";

    fn found(data: &[u8]) -> Vec<(String, String, Confidence)> {
        let mut out = Vec::new();
        PuttyPpk.extract("k.ppk", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.min_len, f.encoding, f.kind, &f.host),
                    (1, None, FieldKind::PrivateKey, &None)
                );
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    String::from_utf8_lossy(f.value.as_deref().unwrap_or_default()).into_owned(),
                    f.confidence,
                )
            })
            .collect()
    }

    #[test]
    fn applies_by_extension_or_header() {
        assert!(PuttyPpk.applies("keys/deploy.ppk", b""));
        assert!(PuttyPpk.applies("keys/DEPLOY.PPK", b""));
        assert!(PuttyPpk.applies("keys/deploy", V2.as_bytes()));
        assert!(!PuttyPpk.applies(
            "docs/ppk-format.md",
            b"A PPK file starts with `PuTTY-User-Key-File-3: ssh-ed25519`"
        ));
    }

    #[test]
    fn unencrypted_and_encrypted() {
        let until_private = |s: &str| {
            let i = s.find("Private-MAC").unwrap();
            s[..i].trim_end().to_string()
        };
        assert_eq!(
            found(V2.as_bytes()),
            vec![(
                until_private(V2),
                "AAAAIQCVO0k6sX79ZSXQPRtzsk54sNQg30rEWd0zPXVOr3sFxA==".to_string(),
                Confidence::High
            )]
        );
        assert_eq!(
            found(V3_ENC.as_bytes()),
            vec![(
                until_private(V3_ENC),
                "WaoFD1nfvFRFZzxPeZ+ZqcCxsRT/MAQiU6qL2i1Ql+bSDHTjxLoIt/Ji4LBvAAe4Qk9x".to_string(),
                Confidence::Medium
            )]
        );
        // Two keys pasted in one file.
        let two = format!("{V2}{V3_ENC}");
        assert_eq!(found(two.as_bytes()).len(), 2);
    }

    #[test]
    fn headers_without_keys() {
        for d in [
            "A PPK file starts with `PuTTY-User-Key-File-3: ssh-ed25519`, then\n`Encryption: none`, `Private-Lines: N`.\n",
            "PuTTY-User-Key-File-3: ssh-ed25519\n",
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 2\nAAAA\n",
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 0\n",
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: x\nAAAA\n",
            "PuTTY-User-Key-File-3: ssh-ed25519\nPrivate-Lines: 1\nAAAA\n",
            "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"deploy@acme\"\nAAAAC3NzaC1lZDI1NTE5AAAAIO6Q8CEUFyFvrvaqzjXn8\n---- END SSH2 PUBLIC KEY ----\n",
        ] {
            assert!(found(d.as_bytes()).is_empty(), "{d}");
        }
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"PuTTY-User-Key-File-",
            b"PuTTY-User-Key-File-2\nPrivate-Lines: 99999999999999999999",
            b"\xff\xfePuTTY-User-Key-File-2: x\nEncryption: none\nPrivate-Lines: 1\n\xff",
        ] {
            found(d);
        }
    }
}
