//! Python packaging upload credentials (`.pypirc`): `password` of each index server
//! section (SPEC §13).
//!
//! `configparser` INI: `[distutils] index-servers =` (a list on indented lines), then one
//! section per server with `repository`, `username`, `password`, written `key = value` or
//! `key: value`, keys possibly indented. Every server section's `password` is the secret: a
//! token (`pypi-…`, username `__token__`) or, for private indexes, an account password. The
//! section's `repository` host (PyPI's own hosts for `[pypi]`/`[testpypi]`) is the
//! identity. `pypi-…`/`pypi-...` (the documentation's elided token) is a placeholder.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{eq_ic, field, first_in_sections, ini, name, url_host};
use super::text;
use crate::rules::Confidence;

pub struct Pypirc;

impl Extractor for Pypirc {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let n = name(path);
        n == ".pypirc" || n == "pypirc"
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let entries = ini(data, b"=:", &[b"#", b";"]);
        let users = first_in_sections(data, &entries, "username");
        let repositories = first_in_sections(data, &entries, "repository");
        for e in &entries {
            let section = e.section_name(data);
            if !e.key_is(data, "password") || eq_ic(section, b"distutils") {
                continue;
            }
            let (s, en, _) = text::unquote(data, e.value.0, e.value.1);
            let v = &data[s..en];
            if s >= en || is_elided(v) {
                continue;
            }
            let token = v.starts_with(b"pypi-")
                || users[e.section_no].is_some_and(|u| entries[u].value(data) == b"__token__");
            let host = repositories[e.section_no]
                .and_then(|r| url_host(data, entries[r].value.0, entries[r].value.1))
                .or_else(|| {
                    if eq_ic(section, b"pypi") {
                        Some("upload.pypi.org".to_string())
                    } else if eq_ic(section, b"testpypi") {
                        Some("test.pypi.org".to_string())
                    } else {
                        None
                    }
                });
            let kind = if token {
                FieldKind::Token
            } else {
                FieldKind::Password
            };
            out.push(field(s, en, None, None, kind, Confidence::High, host));
        }
    }
}

/// `pypi-…`, `pypi-...`: a token elided in documentation.
fn is_elided(v: &[u8]) -> bool {
    let rest = v.strip_prefix(b"pypi-").unwrap_or(v);
    rest == "…".as_bytes() || (!rest.is_empty() && rest.iter().all(|&b| b == b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::structure::testing::{self, s};

    fn found(data: &[u8]) -> Vec<(String, FieldKind, Option<String>)> {
        testing::found_plain(&Pypirc, ".pypirc", data)
    }

    #[test]
    fn applies_to_names() {
        assert!(Pypirc.applies(".pypirc", b""));
        assert!(Pypirc.applies("home/u/.pypirc", b""));
        assert!(Pypirc.applies("ci/pypirc", b""));
        assert!(!Pypirc.applies("pypirc.md", b""));
    }

    #[test]
    fn server_passwords() {
        let d = b"[distutils]\nindex-servers =\n    pypi\n    internal\n\n\
[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcC0TlvjQgD2neqeseEzuUGaUUby860\n\n\
[internal]\n  repository: https://nexus.acme.test/repository/pypi-internal/\n  username: release-bot\n  password: Bella2015!\n\
[testpypi]\nusername = __token__\npassword = AgENdGVzdC5weXBpLm9yZw\n";
        use FieldKind::*;
        assert_eq!(
            found(d),
            vec![
                (
                    s("pypi-AgEIcHlwaS5vcmcC0TlvjQgD2neqeseEzuUGaUUby860"),
                    Token,
                    Some(s("upload.pypi.org"))
                ),
                (s("Bella2015!"), Password, Some(s("nexus.acme.test"))),
                (s("AgENdGVzdC5weXBpLm9yZw"), Token, Some(s("test.pypi.org"))),
            ]
        );
    }

    #[test]
    fn placeholders_and_comments() {
        let d = "[distutils]\npassword = NotAServer1\n[pypi]\nusername = __token__\npassword = pypi-…\n\
[testpypi]\n# password = pypi-AgEIcHlwaS5vcmc\npassword = pypi-...\npassword =\n"
            .as_bytes();
        assert!(found(d).is_empty());
        // Common placeholders are the gate's.
        assert_eq!(
            found(b"[pypi]\npassword = <your PyPI token>")[0].0,
            "<your PyPI token>"
        );
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"[",
            b"password",
            b"password:",
            b"[x]\npassword=\"",
            b"\xff:\xfe",
        ] {
            found(d);
        }
    }
}
