//! Yarn Berry (2+) configuration (SPEC §33): `.yarnrc.yml`.
//!
//! Reported: `npmAuthToken` and `npmAuthIdent` at the top, under `npmScopes.<scope>` and
//! under `npmRegistries."<//url>"`. `npmAuthIdent` is `user:password`, plain or base64 (tried
//! first): the field is the password (for base64, the value decoded). Yarn references an
//! environment variable as `${NAME}` (no value) and `${NAME-fallback}` / `${NAME:-fallback}`,
//! whose fallback is a literal: that is reported. The host is the registry key, the scope's
//! `npmRegistryServer`, or the top-level one. Yarn 1's `.yarnrc` has npmrc syntax and is left
//! to the npmrc format.

use std::borrow::Cow;
use std::collections::HashMap;

use super::common::{basic_auth, field, file_name, host_of, is_reference, user_pass};
use super::field::{Extractor, Field, FieldKind};
use super::yaml::{self, YamlKey, YamlValue};
use crate::rules::Confidence;

pub struct Yarnrc;

impl Extractor for Yarnrc {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        file_name(path) == ".yarnrc.yml"
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut entries: Vec<(Vec<YamlKey>, YamlValue)> = Vec::new();
        yaml::scan(data, &mut |p, v| entries.push((p.to_vec(), *v)));
        // The registry server of the top level (`None`) and of each scope.
        let mut servers: HashMap<Option<&[u8]>, String> = HashMap::new();
        for (p, v) in &entries {
            let scope = match &p[..] {
                [k] if k.is("npmRegistryServer") => None,
                [s, YamlKey::Name(n), k] if s.is("npmScopes") && k.is("npmRegistryServer") => {
                    Some(*n)
                }
                _ => continue,
            };
            servers
                .entry(scope)
                .or_insert_with(|| host_of(&v.text(data)));
        }
        let server = |scope: Option<&[u8]>| servers.get(&scope).cloned();
        for (p, v) in &entries {
            let (key, host) = match &p[..] {
                [k] => (k, server(None)),
                [s, YamlKey::Name(scope), k] if s.is("npmScopes") => {
                    (k, server(Some(scope)).or_else(|| server(None)))
                }
                [r, YamlKey::Name(reg), k] if r.is("npmRegistries") => (k, Some(host_of(reg))),
                _ => continue,
            };
            let ident = key.is("npmAuthIdent");
            if !ident && !key.is("npmAuthToken") {
                continue;
            }
            let Some(mut f) = value_field(data, v, ident) else {
                continue;
            };
            f.host = host;
            out.push(f);
        }
    }
}

/// The secret of an `npmAuthToken` (`ident` false) or `npmAuthIdent` value.
fn value_field(data: &[u8], v: &YamlValue, ident: bool) -> Option<Field> {
    let text = v.text(data);
    let raw = v.raw(data);
    let same = *text == *raw;
    // Where the secret is written: the whole value, or a `${NAME:-fallback}`'s fallback.
    let (start, end, written) = if same {
        let (s, e) = if raw.starts_with(b"${") && raw.ends_with(b"}") {
            let inner = &raw[2..raw.len() - 1];
            // `NAME-fallback` or `NAME:-fallback` (variable names hold no `-`).
            let dash = inner.iter().position(|&b| b == b'-')?;
            super::text::trim(data, v.start + 2 + dash + 1, v.end - 1)
        } else {
            super::text::trim(data, v.start, v.end)
        };
        (s, e, Cow::Borrowed(&data[s..e]))
    } else {
        (v.start, v.end, text)
    };
    if written.is_empty() || is_reference(&written) {
        return None;
    }
    if !ident {
        return Some(field(
            data,
            start,
            end,
            written,
            FieldKind::Token,
            Confidence::High,
        ));
    }
    if let Some(decoded) = basic_auth(&written) {
        let (_, pass) = user_pass(&decoded)?;
        if pass.is_empty() {
            return None;
        }
        let mut f = Field::plain(start, end, FieldKind::Password, Confidence::High);
        f.value = Some(pass.to_vec());
        f.encoding = Some("base64");
        return Some(f);
    }
    let colon = written.iter().position(|&b| b == b':')?;
    let pass = &written[colon + 1..];
    if pass.is_empty() {
        return None;
    }
    if same {
        // The password as written, after the colon.
        Some(Field::plain(
            start + colon + 1,
            end,
            FieldKind::Password,
            Confidence::High,
        ))
    } else {
        let mut f = Field::plain(start, end, FieldKind::Password, Confidence::High);
        f.value = Some(pass.to_vec());
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(data: &[u8]) -> Vec<(String, Option<String>, FieldKind, Option<String>)> {
        let mut out = Vec::new();
        Yarnrc.extract(".yarnrc.yml", data, &mut out);
        out.iter()
            .map(|f| {
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.value
                        .as_ref()
                        .map(|v| String::from_utf8_lossy(v).into_owned()),
                    f.kind,
                    f.host.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn tokens_idents_scopes_registries() {
        let d = br#"nodeLinker: node-modules
npmRegistryServer: "https://registry.acme.test"
npmAuthToken: npm_fake_token_3
npmScopes:
  acme:
    npmRegistryServer: "https://npm.acme.test"
    npmAuthIdent: "deploy:Sunflower#7"
  other:
    npmAuthToken: "${NPM_TOKEN:-fallback-tok}"
npmRegistries:
  "//nexus.acme.test/repository/npm/":
    npmAuthIdent: "Y2k6U3VtbWVyMjAxOSE=" # leakhound:allow
"#;
        use FieldKind::*;
        let s = |a: &str, v: Option<&str>, k, h: &str| {
            (a.to_string(), v.map(String::from), k, Some(h.to_string()))
        };
        assert_eq!(
            run(d),
            vec![
                s("npm_fake_token_3", None, Token, "registry.acme.test"),
                s("Sunflower#7", None, Password, "npm.acme.test"),
                s("fallback-tok", None, Token, "registry.acme.test"),
                s(
                    "Y2k6U3VtbWVyMjAxOSE=",
                    Some("Summer2019!"),
                    Password,
                    "nexus.acme.test"
                ),
            ]
        );
        assert!(Yarnrc.applies("proj/.yarnrc.yml", b""));
        assert!(!Yarnrc.applies(".yarnrc", b""));
    }

    #[test]
    fn references_yield_nothing() {
        let d = b"npmAuthToken: \"${NPM_TOKEN}\"\nnpmScopes:\n  acme:\n    npmAuthToken: \"${NPM_TOKEN:-}\"\n    npmAuthIdent: \"\"\n# npmAuthToken: old\n";
        assert!(run(d).is_empty());
    }
}
