//! Rails credentials keys (`config/master.key`, `config/credentials/<env>.key`): the whole
//! file is the 32-hex AES key that decrypts `credentials.yml.enc` (SPEC §3).
//!
//! The field is the key, with or without a trailing newline; a file that is anything but
//! 32 hex digits yields nothing. The encrypted `credentials.yml.enc` is not reported (the
//! key is the finding).

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::subject;
use super::text;
use crate::rules::Confidence;

pub struct RailsMasterKey;

impl Extractor for RailsMasterKey {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let p = subject(path);
        if !p.ends_with(".key") {
            return false;
        }
        let mut parts = p.rsplit('/');
        let (Some(file), Some(dir)) = (parts.next(), parts.next()) else {
            return false;
        };
        match (file, dir, parts.next()) {
            ("master.key", "config", _) => true,
            (f, "credentials", Some("config")) => f.len() > 4 && f.ends_with(".key"),
            _ => false,
        }
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let (s, e) = text::trim(data, 0, data.len());
        if e - s == 32 && data[s..e].iter().all(u8::is_ascii_hexdigit) {
            out.push(Field::plain(s, e, FieldKind::Key, Confidence::High));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        RailsMasterKey.extract("config/master.key", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (
                        f.min_len,
                        &f.value,
                        f.encoding,
                        f.confidence,
                        f.kind,
                        &f.host
                    ),
                    (1, &None, None, Confidence::High, FieldKind::Key, &None)
                );
                String::from_utf8_lossy(&data[f.start..f.end]).into_owned()
            })
            .collect()
    }

    #[test]
    fn applies_to_key_paths() {
        for p in [
            "config/master.key",
            "app/config/master.key",
            "config/credentials/production.key",
            "x/config/credentials/staging.key",
        ] {
            assert!(RailsMasterKey.applies(p, b""), "{p}");
        }
        for p in [
            "master.key",
            "config/credentials.yml.enc",
            "config/credentials/production.yml.enc",
            "config/credentials/.key",
            "credentials/production.key",
            "keys/master.key",
        ] {
            assert!(!RailsMasterKey.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn whole_file_key() {
        assert_eq!(
            found(b"1e9d8986994919cd0e8f8989cfe76efb"),
            vec!["1e9d8986994919cd0e8f8989cfe76efb"]
        );
        assert_eq!(
            found(b"f6b4f7d6f077327be67873ac91a5d9a2\n"),
            vec!["f6b4f7d6f077327be67873ac91a5d9a2"]
        );
    }

    #[test]
    fn not_a_key() {
        for d in [
            &b""[..],
            b"\n",
            b"1e9d8986994919cd0e8f8989cfe76ef",
            b"1e9d8986994919cd0e8f8989cfe76efb0",
            b"1e9d8986994919cd0e8f8989cfe76efg",
            b"1e9d8986994919cd\n0e8f8989cfe76efb",
            b"\xff\xfe",
        ] {
            assert!(found(d).is_empty(), "{d:?}");
        }
    }
}
