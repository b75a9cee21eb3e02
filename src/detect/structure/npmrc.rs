//! npm configuration (`.npmrc`, `etc/npmrc`): registry auth keys (SPEC §11).
//!
//! INI-like `key = value` lines, `;`/`#` comments; registry-scoped keys carry a "nerf-dart"
//! prefix (`//host[:port]/path/:_authToken`). Reported:
//! - `_authToken`: a bearer token (`npm_…`, legacy UUIDs, `ghp_…`, vendors' tokens);
//! - `_auth`: base64 of `user:password`; the field's value is the password (after the first
//!   `:`), encoding `base64`; a value that does not decode so is reported as written;
//! - `_password`: base64 of the password alone (Azure Artifacts: of a PAT), decoded.
//!
//! The nerf-dart host (else the `registry=` host) is the identity. `${NPM_TOKEN}` is a
//! reference npm expands (the gate drops it); an all-zero UUID is a placeholder;
//! `certfile`/`keyfile` are paths, `always-auth`, `username`, `email` are not secrets.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{field, has_dir, ini, name, string, url_host};
use super::text;
use crate::rules::Confidence;

pub struct Npmrc;

impl Extractor for Npmrc {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let n = name(path);
        n == ".npmrc" || (n == "npmrc" && has_dir(path, "etc"))
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let entries = ini(data, b"=", &[b";", b"#"]);
        let registry = entries
            .iter()
            .find(|e| e.key_is(data, "registry"))
            .and_then(|e| url_host(data, e.value.0, e.value.1));
        for e in &entries {
            let key = e.key(data);
            let (scope, last) = match key.iter().rposition(|&b| b == b':') {
                Some(i) if key.starts_with(b"//") => (Some(&key[2..i]), &key[i + 1..]),
                _ => (None, key),
            };
            let host = match scope {
                Some(s) => {
                    let h = s.split(|&b| b == b'/').next().unwrap_or_default();
                    Some(string(h, (0, h.len())))
                }
                None => registry.clone(),
            };
            let (s, en, _) = text::unquote(data, e.value.0, e.value.1);
            let v = &data[s..en];
            if s >= en || v.iter().all(|&b| b == b'0' || b == b'-') {
                continue;
            }
            let f = match last {
                b"_authToken" => field(s, en, None, None, FieldKind::Token, Confidence::High, host),
                b"_auth" => match text::base64(v) {
                    Some(d) if d.contains(&b':') => {
                        let i = memchr::memchr(b':', &d).unwrap_or(0);
                        field(
                            s,
                            en,
                            Some(d[i + 1..].to_vec()),
                            Some("base64"),
                            FieldKind::Password,
                            Confidence::High,
                            host,
                        )
                    }
                    _ => field(s, en, None, None, FieldKind::Token, Confidence::High, host),
                },
                b"_password" => match text::base64(v) {
                    Some(d) if !d.is_empty() && std::str::from_utf8(&d).is_ok() => field(
                        s,
                        en,
                        Some(d),
                        Some("base64"),
                        FieldKind::Password,
                        Confidence::High,
                        host,
                    ),
                    _ => field(
                        s,
                        en,
                        None,
                        None,
                        FieldKind::Password,
                        Confidence::High,
                        host,
                    ),
                },
                _ => continue,
            };
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::structure::testing::{self, s, Found};

    fn found(data: &[u8]) -> Vec<Found> {
        testing::found(&Npmrc, ".npmrc", data)
    }

    #[test]
    fn applies_to_names() {
        for p in [".npmrc", "web/.npmrc", "usr/local/etc/npmrc", ".npmrc.bak"] {
            assert!(Npmrc.applies(p, b""), "{p}");
        }
        for p in ["npmrc", "npmrc.md", "docs/npmrc", ".npmrc.d/x"] {
            assert!(!Npmrc.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn auth_keys() {
        let d = concat!(
            "registry=https://registry.npmjs.org/\n",
            "//registry.npmjs.org/:_authToken=4712158d-b119-4d64-bf94-d34dafeb326d\n", // leakhound:allow (test data)
            "@acme:registry=https://npm.acme.test/repository/npm-private/\n",
            "//npm.acme.test/repository/npm-private/:_auth=Y2ktYm90OlNwcmluZzIwMjIk\n", // leakhound:allow (test data)
            "//nexus.acme.test:8081/repository/npm/:username=deploy\n",
            "//nexus.acme.test:8081/repository/npm/:_password=\"Q2hlbHNlYSM5OQ==\"\n",
            "_auth = amRvZTpNb25kYXkxMjMh\n", // leakhound:allow (test data)
            "//npm.pkg.github.com/:_authToken = npm_2MpapXeXdDPn0B8IIQ8X\n", // leakhound:allow (test data)
            "//art.acme.test/:_auth=QVBJa2V5T25seQ\n", // leakhound:allow (test data)
            "always-auth=true\n",
        )
        .as_bytes();
        use FieldKind::*;
        assert_eq!(
            found(d),
            vec![
                (
                    s("4712158d-b119-4d64-bf94-d34dafeb326d"),
                    None,
                    None,
                    Token,
                    Some(s("registry.npmjs.org"))
                ),
                (
                    s("Y2ktYm90OlNwcmluZzIwMjIk"),
                    Some(s("Spring2022$")),
                    Some("base64"),
                    Password,
                    Some(s("npm.acme.test"))
                ),
                (
                    s("Q2hlbHNlYSM5OQ=="),
                    Some(s("Chelsea#99")),
                    Some("base64"),
                    Password,
                    Some(s("nexus.acme.test:8081"))
                ),
                (
                    s("amRvZTpNb25kYXkxMjMh"),
                    Some(s("Monday123!")),
                    Some("base64"),
                    Password,
                    Some(s("registry.npmjs.org"))
                ),
                (
                    s("npm_2MpapXeXdDPn0B8IIQ8X"),
                    None,
                    None,
                    Token,
                    Some(s("npm.pkg.github.com"))
                ),
                (
                    s("QVBJa2V5T25seQ"),
                    None,
                    None,
                    Token,
                    Some(s("art.acme.test"))
                ),
            ]
        );
    }

    #[test]
    fn references_placeholders_comments() {
        let d = concat!(
            "registry=https://registry.npmjs.org/\n",
            "; //npm.acme.test/:_authToken=00000000-0000-0000-0000-00000000000a\n", // leakhound:allow (test data)
            "# _auth=dXNlcm5hbWU6cGFzc3dvcmQ=\nengine-strict=true\n", // leakhound:allow (test data)
            "//npm.acme.test/:_authToken=\n//npm.acme.test/:_authToken=00000000-0000-0000-0000-000000000000\n", // leakhound:allow (test data)
            "//npm.acme.test/:certfile=~/.secret/client.crt\n//npm.acme.test/:keyfile=~/.secret/client.key\n",
            "email=jdoe@acme.test\n",
        )
        .as_bytes();
        assert!(found(d).is_empty());
        // npm expands `${X}`: a reference, which the gate drops.
        assert_eq!(
            found(b"//r.test/:_authToken=${NPM_TOKEN}")[0].0,
            "${NPM_TOKEN}"
        );
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"_auth=",
            b"_auth=!!",
            b"//:_auth=YQ",
            b"//x:_password=\xff\xfe",
            b":=",
            b"//=",
            b"//:=x",
        ] {
            found(d);
        }
    }
}
