//! PostgreSQL password file (`.pgpass`, `pgpass.conf`): `host:port:database:user:password`
//! per line (SPEC §27).
//!
//! Fields are split on unescaped `:`; `\:` and `\\` are escapes in every field. The first
//! four fields may be `*` (any); the fifth is the password, up to the next unescaped `:` as
//! libpq reads it (a `*` there is a literal password). The host is the field's identity, so
//! a default password (`postgres`) on `localhost` or `*` is dropped by the gate while a
//! UUID on `localhost` is still reported. Escapes undone give the field's value (no
//! `encoding`: nothing is encoded).

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{differs, field, name, unescape};
use super::text;
use crate::rules::Confidence;

pub struct Pgpass;

impl Extractor for Pgpass {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let n = name(path);
        n == ".pgpass" || n == "pgpass" || n == "pgpass.conf" || n.ends_with(".pgpass")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        for (ls, line) in text::lines(data) {
            if text::is_comment(line, &[b"#"]) {
                continue;
            }
            // The five fields' spans, the last up to the next unescaped `:`.
            let mut fields: Vec<(usize, usize)> = Vec::with_capacity(5);
            let mut start = 0;
            let mut i = 0;
            while i < line.len() && fields.len() < 5 {
                match line[i] {
                    b'\\' => i += 1,
                    b':' => {
                        fields.push((start, i));
                        start = i + 1;
                    }
                    _ => {}
                }
                i += 1;
            }
            if fields.len() == 4 {
                fields.push((start, line.len()));
            }
            if fields.len() != 5 {
                continue;
            }
            let raw = |k: usize| &line[fields[k].0..fields[k].1.min(line.len())];
            let plain = |k: usize| unescape(raw(k), |_| None);
            let (ps, pe) = fields[4];
            let pe = pe.min(line.len());
            if ps >= pe {
                continue;
            }
            // The header line of the documentation, uncommented.
            let names = ["hostname", "port", "database", "username", "password"];
            if raw(0).eq_ignore_ascii_case(b"hostname") && raw(4).eq_ignore_ascii_case(b"password")
                || (0..5).all(|k| raw(k).eq_ignore_ascii_case(names[k].as_bytes()))
            {
                continue;
            }
            let host = String::from_utf8_lossy(&plain(0)).into_owned();
            out.push(field(
                ls + ps,
                ls + pe,
                differs(raw(4), plain(4)),
                None,
                FieldKind::Password,
                Confidence::High,
                Some(host),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &[u8]) -> Vec<(String, Option<String>, Option<String>)> {
        let mut out = Vec::new();
        Pgpass.extract(".pgpass", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.kind, f.confidence, f.min_len),
                    (FieldKind::Password, Confidence::High, 1)
                );
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.value
                        .as_ref()
                        .map(|v| String::from_utf8_lossy(v).into_owned()),
                    f.host.clone(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn applies_to_pgpass_names() {
        for p in [
            ".pgpass",
            "home/u/.pgpass",
            "pgpass.conf",
            "x/pgpass",
            "prod.pgpass",
        ] {
            assert!(Pgpass.applies(p, b""), "{p}");
        }
        assert!(Pgpass.applies("conf/pgpass.conf.example", b""));
        for p in ["pgpass.md", "src/pgpass.py", ".pgpass/x"] {
            assert!(!Pgpass.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn fifth_field_with_escapes() {
        let d = b"# hostname:port:database:username:password\n\
pg.acme.test:5432:shop:shop:Rocky1979!\r\n\
*:*:*:replicator:Pa\\:ss\\\\Hc8\n\
localhost:5432:*:postgres:9be0ffd7-f688-4c81-8baa-8b7d56190264\n\
db\\:1.acme.test:*:*:u:x:trailing\n\
h:1:d:u:*\n";
        assert_eq!(
            found(d),
            vec![
                (s("Rocky1979!"), None, Some(s("pg.acme.test"))),
                (s("Pa\\:ss\\\\Hc8"), Some(s("Pa:ss\\Hc8")), Some(s("*"))),
                (
                    s("9be0ffd7-f688-4c81-8baa-8b7d56190264"),
                    None,
                    Some(s("localhost"))
                ),
                (s("x"), None, Some(s("db:1.acme.test"))),
                (s("*"), None, Some(s("h"))),
            ]
        );
    }

    #[test]
    fn headers_comments_and_short_lines_are_skipped() {
        let d = b"hostname:port:database:username:password\n  # a:b:c:d:e\n\
a:b:c:d\na:b:c:d:\n\n:::\n";
        assert!(found(d).is_empty());
        // Defaults are left to the gate, which knows the host is local.
        assert_eq!(
            found(b"localhost:5432:*:postgres:postgres"),
            vec![(s("postgres"), None, Some(s("localhost")))]
        );
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"\\",
            b"a:b:c:d:\\",
            b"::::\\",
            b"\xff:\xfe:\x00:\x01:\x02",
            b":::::::",
        ] {
            found(d);
        }
        assert_eq!(found(b"::::\\"), vec![(s("\\"), None, Some(s("")))]);
    }
}
