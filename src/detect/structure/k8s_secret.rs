//! Kubernetes `Secret` manifests: every entry of `data` (base64) and `stringData` (plain),
//! judged by its decoded value, as a value in a file of variables is.
//!
//! - An entry whose name says password, secret, token or key is judged as the generic
//!   detectors judge such a name in a `.env` file (`assign::Assignments::judge_entry`): a
//!   placeholder (`changeme`, `password12345`) is dropped, a weak password is weak, a random
//!   token is strong. Another name (`username`, `host`, `ca.crt`) counts only for a long
//!   random value, and then weakly.
//! - A certificate (any PEM block) is skipped; an htpasswd list (`auth` for basic auth) is
//!   a password hash, weaker in tests.
//! - An entry holding a file (`config.env`, `application.properties`: several lines of
//!   `name=value`) is read as that file, by the generic detectors.
//! - Provider tokens and private keys in decoded values are found by the decoders (the rule
//!   asks for the whole manifest to be decoded) and outrank these fields.
//!
//! Documents are split at `---`; a `ConfigMap` beside a `Secret` is not a secret.

use super::assign::{PASSWORDS, SECRETS};
use super::field::{Extractor, Field, FieldKind};
use super::text;
use super::yaml::{self, YamlKey, YamlValue};
use crate::detect::filter;
use crate::rules::Confidence;

pub struct K8sSecret;

/// `kind: Secret` as a whole value (not `SecretProviderClass`).
fn is_secret_kind(data: &[u8]) -> bool {
    [&b"kind: Secret"[..], b"kind: \"Secret\"", b"kind: 'Secret'"]
        .iter()
        .any(|k| {
            memchr::memmem::find_iter(data, k).any(|i| {
                let before_ok = i == 0 || data[i - 1] == b'\n';
                let after_ok = data
                    .get(i + k.len())
                    .is_none_or(|b| matches!(b, b'\n' | b'\r' | b' ' | b'\t' | b'#'));
                before_ok && after_ok
            })
        })
}

impl Extractor for K8sSecret {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let name = super::common::file_name(path);
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        ["yaml", "yml", "tpl", ""]
            .iter()
            .any(|e| e.eq_ignore_ascii_case(ext))
            && is_secret_kind(data)
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        for (start, end) in documents(data) {
            let doc = &data[start..end];
            if !is_secret_kind(doc) {
                continue;
            }
            yaml::scan(doc, &mut |p, v| {
                if let [section, YamlKey::Name(name)] = p {
                    let encoded = section.is("data");
                    if encoded || section.is("stringData") {
                        let v = YamlValue {
                            start: v.start + start,
                            end: v.end + start,
                            tag: None,
                            ..*v
                        };
                        entry(data, name, &v, encoded, out);
                    }
                }
            });
        }
    }
}

/// The documents of a YAML stream: spans between `---` lines.
fn documents(data: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (off, line) in text::lines(data) {
        if line.starts_with(b"---") && line[3..].trim_ascii().is_empty() {
            out.push((start, off));
            start = off + line.len();
        }
    }
    out.push((start, data.len()));
    out
}

/// One entry of the Secret: its fields, placed at the written value.
fn entry(data: &[u8], name: &[u8], v: &YamlValue, encoded: bool, out: &mut Vec<Field>) {
    let written = v.text(data);
    let value = if encoded {
        let compact: Vec<u8> = written
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        match text::base64(&compact) {
            Some(d) => d,
            None => return,
        }
    } else {
        written.into_owned()
    };
    let name = name.strip_prefix(b"\"").unwrap_or(name);
    let name = name.strip_suffix(b"\"").unwrap_or(name);
    // A PEM block: a certificate is public, and a private key is the key rules' to find
    // (the whole manifest is decoded for them).
    if memchr::memmem::find(&value, b"-----BEGIN ").is_some() {
        return;
    }
    let mut found = Vec::new();
    if super::htpasswd::is_hash_list(&value) {
        // Basic-auth users as an htpasswd file stores them: password hashes.
        found.push(Field::plain(
            0,
            value.len(),
            FieldKind::Hash,
            Confidence::Medium,
        ));
    } else if is_file_of_variables(&value) {
        // Read as the file it is: under its own name, or as variables if it has none.
        let path = String::from_utf8_lossy(name);
        let path = if path.contains('.') {
            path.into_owned()
        } else {
            format!("{path}.env")
        };
        PASSWORDS.extract(&path, &value, &mut found);
        SECRETS.extract(&path, &value, &mut found);
    } else {
        PASSWORDS.judge_entry(name, &value, &mut found);
        SECRETS.judge_entry(name, &value, &mut found);
        let v = value.trim_ascii();
        if found.is_empty() && v.len() >= 20 && filter::looks_random(v) {
            found.push(Field::plain(
                0,
                value.len(),
                FieldKind::Token,
                Confidence::Low,
            ));
        }
    }
    for f in found {
        let secret = f.value.unwrap_or_else(|| value[f.start..f.end].to_vec());
        out.push(Field {
            value: Some(secret),
            encoding: encoded.then_some("base64"),
            ..Field::plain(v.start, v.end, f.kind, f.confidence)
        });
    }
}

/// Several lines of `name=value` or `name: value`: a configuration file stored whole.
fn is_file_of_variables(v: &[u8]) -> bool {
    text::lines(v)
        .filter(|(_, l)| {
            let l = l.trim_ascii();
            !l.is_empty()
                && !l.starts_with(b"#")
                && (l.contains(&b'=') || l.windows(2).any(|w| w == b": "))
        })
        .count()
        >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    fn found(doc: &str) -> Vec<(String, Confidence)> {
        let mut out = Vec::new();
        assert!(K8sSecret.applies("deploy/secret.yaml", doc.as_bytes()));
        K8sSecret.extract("deploy/secret.yaml", doc.as_bytes(), &mut out);
        out.iter()
            .map(|f| {
                let v = f.value.clone().unwrap();
                (String::from_utf8_lossy(&v).into_owned(), f.confidence)
            })
            .collect()
    }

    #[test]
    fn entries_are_judged_by_their_decoded_values() {
        let b = |s: &str| STANDARD.encode(s);
        let doc = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  db-password: {}\n  username: {}\n  config.env: {}\nstringData:\n  api_token: \"kq9Vw2Lr7Xz4Pb8Nc3TdQm5s\"\n",
            b("Rocky1979!"),
            b("app"),
            b("DB_HOST=db.acme.io\nDB_PASSWORD=Xq7!mZ29vLp#\n"),
        );
        let f = found(&doc);
        let values: Vec<&str> = f.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(
            values,
            vec!["Rocky1979!", "Xq7!mZ29vLp#", "kq9Vw2Lr7Xz4Pb8Nc3TdQm5s"],
            "{f:?}"
        );
        assert_eq!(f[0].1, Confidence::High);
    }

    #[test]
    fn other_documents_and_kinds_are_not_secrets() {
        let doc = "apiVersion: v1\nkind: ConfigMap\ndata:\n  password: UGFzc3dvcmQ=\n---\napiVersion: v1\nkind: Secret\ndata:\n  token: a3E5VncyTHI3WHo0UGI4TmMzVGRRbTVz\n";
        let f = found(doc);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "kq9Vw2Lr7Xz4Pb8Nc3TdQm5s");
        assert!(!K8sSecret.applies("x.yaml", b"kind: SecretProviderClass\n"));
    }
}
