//! RubyGems API keys (`~/.gem/credentials`): a YAML map whose every value is a key
//! (SPEC §42).
//!
//! Keys are symbols (`:rubygems_api_key:`) or host URLs
//! (`https://rubygems.pkg.github.com/acme:`); values are `rubygems_…` keys, 32-hex legacy
//! keys, or `Bearer <token>` for GitHub Packages (the field is the token after `Bearer`).
//! A URL key is the value's host. ERB (`<%= ENV[…] %>`) is a reference.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{ends_with_path, field, string, url_host};
use super::text;
use crate::rules::Confidence;

pub struct GemCredentials;

impl Extractor for GemCredentials {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        ends_with_path(path, ".gem/credentials")
            || ends_with_path(path, ".local/share/gem/credentials")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        for (ls, line) in text::lines(data) {
            let le = ls + line.len();
            let (ts, te) = text::trim(data, ls, le);
            if ts == te || text::is_comment(line, &[b"#", b"---", b"..."]) {
                continue;
            }
            // The key ends at the first `: ` (or a `:` ending the line) after its first byte:
            // `:sym: v`, `"https://h/x": v`, `https://h/x: v`.
            let Some(colon) = (ts + 1..te).find(|&i| {
                data[i] == b':' && (i + 1 == te || data[i + 1] == b' ' || data[i + 1] == b'\t')
            }) else {
                continue;
            };
            let (vs, ve, _) = text::unquote(data, colon + 1, te);
            let v = &data[vs..ve];
            if vs >= ve
                || v.starts_with(b"<%")
                || v.starts_with(b"#")
                || v.eq_ignore_ascii_case(b"bearer")
            {
                continue;
            }
            let (vs, ve) = match v.get(..7) {
                Some(p) if p.eq_ignore_ascii_case(b"bearer ") => text::trim(data, vs + 7, ve),
                _ => (vs, ve),
            };
            if vs >= ve {
                continue;
            }
            let (ks, ke, _) = text::unquote(data, ts, colon);
            let host = url_host(data, ks, ke).or_else(|| {
                let k = string(data, (ks, ke));
                k.contains("rubygems_api_key")
                    .then(|| "rubygems.org".to_string())
            });
            out.push(field(
                vs,
                ve,
                None,
                None,
                FieldKind::Token,
                Confidence::High,
                host,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &[u8]) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        GemCredentials.extract(".gem/credentials", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.min_len, &f.value, f.encoding, f.confidence, f.kind),
                    (1, &None, None, Confidence::High, FieldKind::Token)
                );
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.host.clone(),
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
            ".gem/credentials",
            "home/u/.gem/credentials",
            ".local/share/gem/credentials",
        ] {
            assert!(GemCredentials.applies(p, b""), "{p}");
        }
        for p in ["credentials", "gem/credentials", ".gem/specs"] {
            assert!(!GemCredentials.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn every_value() {
        let d = b"---\n:rubygems_api_key: 707aca9d40f39e7b054ab79cd161facc\n\
:github: Bearer ghp_lEFmDcEjf1xpbaEXjKN7\n\
https://rubygems.pkg.github.com/acme: Bearer ghp_IUBdfSlhbRL4kNyCdzAm\n\
\"https://gems.acme.test\": 'Qw9!zx'\n:legacy: 538cf85b2abba74732349fd0a95f7ba2\n";
        assert_eq!(
            found(d),
            vec![
                (
                    s("707aca9d40f39e7b054ab79cd161facc"),
                    Some(s("rubygems.org"))
                ),
                (s("ghp_lEFmDcEjf1xpbaEXjKN7"), None),
                (
                    s("ghp_IUBdfSlhbRL4kNyCdzAm"),
                    Some(s("rubygems.pkg.github.com"))
                ),
                (s("Qw9!zx"), Some(s("gems.acme.test"))),
                (s("538cf85b2abba74732349fd0a95f7ba2"), None),
            ]
        );
    }

    #[test]
    fn references_and_empties() {
        let d = concat!(
            "---\n:rubygems_api_key: <%= ENV['RUBYGEMS_API_KEY'] %>\n# :x: 538cf85b2abba74732349fd0a95f7ba2\n",
            ":empty:\n:bearer: Bearer \n:quoted: ''\n...\n",
        )
        .as_bytes();
        assert!(found(d).is_empty());
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b":",
            b"::",
            b": :",
            b"a: \"",
            b"\xff: \xfe",
            b"x: Bearer",
        ] {
            found(d);
        }
    }
}
