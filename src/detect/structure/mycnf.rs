//! MySQL/MariaDB option files (`.my.cnf`, `my.cnf`, `my.ini`, `debian.cnf`, `*.cnf` under
//! `mysql/`): `password=` in the client groups (SPEC §23).
//!
//! INI groups (`[client]`, `[mysql]`, `[mysqldump]`, `[client-mariadb]`, ...), `option =
//! value`, `#`/`;` comment lines, and `#` after a value ends it unless quoted. Values may be
//! quoted with `'`/`"`; backslash escapes (`\n`, `\t`, `\s`, `\\`) are undone, as the MySQL
//! clients do. `password` (or its prefix `pass`) in any group but the server's (`[mysqld]`,
//! `[server]`, `[mariadb]`, ...) is the secret; a bare `password` line means "prompt". The
//! group's `host` (else `[client]`'s) is the identity. `.mylogin.cnf` is binary and not
//! read here.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{
    c_escape, differs, eq_ic, field, first_in_sections, has_dir, ini, name, string, unescape, Entry,
};
use super::text;
use crate::rules::Confidence;

pub struct MyCnf;

impl Extractor for MyCnf {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let n = name(path);
        n == ".my.cnf"
            || n == "my.cnf"
            || n == "my.ini"
            || n == "debian.cnf"
            || (n.ends_with(".cnf") && n != ".mylogin.cnf" && has_dir(path, "mysql"))
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let entries = ini(data, b"=", &[b"#", b";", b"!"]);
        let hosts = first_in_sections(data, &entries, "host");
        let host_of = |i: usize| {
            let e: &Entry = &entries[i];
            let (s, ee, _) = value(data, e.value.0, e.value.1);
            string(data, (s, ee))
        };
        let client_host = entries
            .iter()
            .position(|e| eq_ic(e.section_name(data), b"client") && e.key_is(data, "host"))
            .map(host_of);
        for e in &entries {
            if !(e.key_is(data, "password") || e.key_is(data, "pass"))
                || is_server(e.section_name(data))
            {
                continue;
            }
            let (s, ee, decoded) = value(data, e.value.0, e.value.1);
            if s >= ee {
                continue;
            }
            let host = hosts[e.section_no]
                .map(host_of)
                .or_else(|| client_host.clone());
            out.push(field(
                s,
                ee,
                decoded.and_then(|d| differs(&data[s..ee], d)),
                None,
                FieldKind::Password,
                Confidence::High,
                host,
            ));
        }
    }
}

/// A server group, where `password` is not a client's login.
fn is_server(group: &[u8]) -> bool {
    let g = group.to_ascii_lowercase();
    g == b"mysqld"
        || g.starts_with(b"mysqld-")
        || (g.starts_with(b"mysqld_") && g != b"mysqld_multi")
        || matches!(
            &g[..],
            b"server" | b"mariadb" | b"mariadbd" | b"galera" | b"embedded" | b"mysql_cluster"
        )
        || g.starts_with(b"mariadb-")
        || g.starts_with(b"server-")
        || g.starts_with(b"ndb_mgmd")
        || g.starts_with(b"ndbd")
}

/// An option value at `data[s..e]`: quoted (the span inside the quotes) or up to a `#`, and
/// with its backslash escapes undone when it has any.
fn value(data: &[u8], s: usize, e: usize) -> (usize, usize, Option<Vec<u8>>) {
    let (vs, ve) = if s < e && (data[s] == b'"' || data[s] == b'\'') {
        let q = data[s];
        let mut i = s + 1;
        let mut close = None;
        while i < e {
            match data[i] {
                b'\\' => i += 1,
                c if c == q => {
                    close = Some(i);
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        match close {
            Some(c) => (s + 1, c),
            None => (s + 1, e),
        }
    } else {
        let end = memchr::memchr(b'#', &data[s..e]).map_or(e, |i| s + i);
        text::trim(data, s, end)
    };
    let w = &data[vs..ve];
    let decoded = w.contains(&b'\\').then(|| unescape(w, c_escape));
    (vs, ve, decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &[u8]) -> Vec<(String, Option<String>, Option<String>)> {
        let mut out = Vec::new();
        MyCnf.extract(".my.cnf", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.kind, f.confidence, f.min_len, f.encoding),
                    (FieldKind::Password, Confidence::High, 1, None)
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
    fn applies_to_option_files() {
        for p in [
            ".my.cnf",
            "home/u/.my.cnf",
            "etc/mysql/my.cnf",
            "my.ini",
            "etc/mysql/debian.cnf",
            "etc/mysql/conf.d/client.cnf",
            ".my.cnf.example",
        ] {
            assert!(MyCnf.applies(p, b""), "{p}");
        }
        for p in [
            "openssl.cnf",
            ".mylogin.cnf",
            "mysql/.mylogin.cnf",
            "my.cnf.d",
            "docs/my.md",
        ] {
            assert!(!MyCnf.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn client_group_passwords() {
        let d = concat!(
            "[client]\nuser=backup\npassword=\"Hamburg2020!\"\nhost=mysql.acme.test\n\n",
            "[mysqldump]\nuser = root\npassword = K5bmkupxaDo8jbX6 # trailing comment\n",
            "[mysql]\nhost = 'db2.acme.test'\npass='it\\'s\\sok'\n", // leakhound:allow (test data)
            "[mysqld_multi]\npassword=Mu1tiAdm\n",
        )
        .as_bytes();
        assert_eq!(
            found(d),
            vec![
                (s("Hamburg2020!"), None, Some(s("mysql.acme.test"))),
                (s("K5bmkupxaDo8jbX6"), None, Some(s("mysql.acme.test"))),
                (
                    s("it\\'s\\sok"),
                    Some(s("it's ok")),
                    Some(s("db2.acme.test"))
                ),
                (s("Mu1tiAdm"), None, Some(s("mysql.acme.test"))),
            ]
        );
    }

    #[test]
    fn prompts_comments_and_server_groups() {
        let d = b"[client]\nuser=root\n# password=Hunter2Hunter2\n; password=Hunter2Hunter2\npassword\n\
password=\nsocket=/var/run/mysqld/mysqld.sock\n!includedir /etc/mysql/conf.d/\n\
[mysqld]\nvalidate_password.policy=STRONG\npassword=NotAClient1\n[server]\npassword=NotAClient2\n\
[client]\npassword_history=5\npassword = # empty\n";
        assert!(found(d).is_empty());
    }

    #[test]
    fn no_group_has_no_host() {
        assert_eq!(found(b"password=Tq9!xw"), vec![(s("Tq9!xw"), None, None)]);
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"[",
            b"password=\"",
            b"password='\\",
            b"password=\\",
            b"[client]\npassword=\"a",
            b"\xff\x00=\xfe",
        ] {
            found(d);
        }
        assert_eq!(found(b"password=\"abc"), vec![(s("abc"), None, None)]);
    }
}
