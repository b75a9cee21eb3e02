//! HashiCorp Vault's token helper file (`~/.vault-token`): the whole file is the token
//! (SPEC §45).
//!
//! `hvs.…`/`hvb.…`/`hvr.…` (Vault ≥ 1.10), `s.…`/`b.…`/`r.…` (1.0–1.9) or a UUID (before
//! 1.0), with or without a trailing newline. The field is the first non-blank line; a file
//! that is not one printable word (binary junk, prose) yields nothing. `root` (the dev
//! server's token) is a default the gate drops.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::name;
use super::text;
use crate::rules::Confidence;

pub struct VaultToken;

impl Extractor for VaultToken {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        name(path) == ".vault-token"
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut lines = text::lines(data)
            .map(|(ls, line)| text::trim(data, ls, ls + line.len()))
            .filter(|(s, e)| s < e);
        let Some((s, e)) = lines.next() else {
            return;
        };
        // One token: printable, no blanks, and nothing else in the file.
        if lines.next().is_some() || !data[s..e].iter().all(u8::is_ascii_graphic) {
            return;
        }
        out.push(Field::plain(s, e, FieldKind::Token, Confidence::High));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        VaultToken.extract(".vault-token", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.min_len, &f.value, f.encoding, f.confidence, f.kind),
                    (1, &None, None, Confidence::High, FieldKind::Token)
                );
                String::from_utf8_lossy(&data[f.start..f.end]).into_owned()
            })
            .collect()
    }

    #[test]
    fn applies_to_name() {
        assert!(VaultToken.applies(".vault-token", b""));
        assert!(VaultToken.applies("home/u/.vault-token", b""));
        assert!(!VaultToken.applies("vault-token", b""));
        assert!(!VaultToken.applies(".vault-token.d/x", b""));
    }

    #[test]
    fn whole_file_token() {
        assert_eq!(
            found(b"hvs.gPfuqcFlOcI3NLIF2xhVGrOW"), // leakhound:allow (test data)
            vec!["hvs.gPfuqcFlOcI3NLIF2xhVGrOW"]    // leakhound:allow (test data)
        );
        assert_eq!(
            found(b"ea74599f-903e-4a1d-992e-7afd3fcf1729\n"),
            vec!["ea74599f-903e-4a1d-992e-7afd3fcf1729"]
        );
        assert_eq!(
            found(b"\r\n  s.Xk2q9Lm4Rt7Vw1Zb3Nc5  \r\n\r\n"),
            vec!["s.Xk2q9Lm4Rt7Vw1Zb3Nc5"]
        );
        // The dev root token is the gate's to drop.
        assert_eq!(found(b"root\n"), vec!["root"]);
    }

    #[test]
    fn not_a_token() {
        for d in [
            &b""[..],
            b"\n\n",
            b"two words",
            b"a\nb",
            b"\xff\xfe\x00",
            b"hvs.x\x01",
        ] {
            assert!(found(d).is_empty(), "{d:?}");
        }
    }
}
