//! Google Cloud credential files (SPEC §20): service-account keys (any `*.json` with
//! `"type": "service_account"` and a `private_key`, whatever its name), Application Default
//! Credentials (`application_default_credentials.json`, `legacy_credentials/*/adc.json`,
//! any JSON with `"type": "authorized_user"`), and gcloud's SQLite stores
//! (`.config/gcloud/credentials.db`, `access_tokens.db`), read as bytes.
//!
//! Reported: a service account's `private_key` (PEM with JSON `\n` escapes: the field's
//! value is the PEM, kind private key; a template's `...` body is not a key), an authorized
//! user's `refresh_token`, and its `client_secret` at medium unless the client is gcloud's
//! own public installed-app client (`764086051850-…`, whose "secret" is published). Ids,
//! `client_email`, `private_key_id` are identity. In the SQLite files, every
//! `"refresh_token"` and `"private_key"` string in the stored JSON.

use super::common::{contains, field, file_name, path_ends_with, pem_private_key};
use super::field::{Extractor, Field, FieldKind};
use super::json::{self, Member};
use crate::rules::Confidence;

pub struct GcpServiceAccount;

/// gcloud's public OAuth client (project number prefix of its client id).
const GCLOUD_CLIENT: &[u8] = b"764086051850-";

impl Extractor for GcpServiceAccount {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let name = file_name(path);
        if path_ends_with(path, "gcloud/credentials.db")
            || path_ends_with(path, "gcloud/access_tokens.db")
        {
            return true;
        }
        name.ends_with(".json")
            && (contains(data, b"\"service_account\"") || contains(data, b"\"authorized_user\""))
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        if path.ends_with(".db") {
            sqlite_strings(data, out);
            return;
        }
        json::records(data, &mut |_, members| record(data, members, out));
    }
}

/// One credential object (the file's top level, or nested: `source_credentials`).
fn record(data: &[u8], members: &[Member], out: &mut Vec<Field>) {
    let Some(kind) = json::member_text(data, members, "type") else {
        return;
    };
    match &kind[..] {
        b"service_account" => {
            if let Some(s) = json::member(members, "private_key").filter(|s| s.is_string()) {
                let pem = s.text(data);
                if pem_private_key(&pem) {
                    out.push(field(
                        data,
                        s.start,
                        s.end,
                        pem,
                        FieldKind::PrivateKey,
                        Confidence::High,
                    ));
                }
            }
        }
        b"authorized_user" => {
            let public_client = json::member_text(data, members, "client_id")
                .is_some_and(|id| id.starts_with(GCLOUD_CLIENT));
            for (name, confidence) in [
                ("refresh_token", Some(Confidence::High)),
                (
                    "client_secret",
                    (!public_client).then_some(Confidence::Medium),
                ),
            ] {
                let (Some(confidence), Some(s)) = (confidence, json::member(members, name)) else {
                    continue;
                };
                let text = s.text(data);
                if s.is_string() && !text.trim_ascii().is_empty() {
                    out.push(field(
                        data,
                        s.start,
                        s.end,
                        text,
                        FieldKind::Token,
                        confidence,
                    ));
                }
            }
        }
        _ => {}
    }
}

/// The PEM private key of a service-account key file's text, if it holds one.
pub fn service_account_key(json_text: &[u8]) -> Option<Vec<u8>> {
    let mut key = None;
    json::records(json_text, &mut |path, members| {
        if path.is_empty()
            && json::member_text(json_text, members, "type").as_deref() == Some(b"service_account")
        {
            key = json::member_text(json_text, members, "private_key")
                .map(|k| k.into_owned())
                .filter(|k| pem_private_key(k));
        }
    });
    key
}

/// `"refresh_token": "…"` and `"private_key": "…"` anywhere in a binary file's bytes.
fn sqlite_strings(data: &[u8], out: &mut Vec<Field>) {
    for (name, kind) in [
        (&b"\"refresh_token\""[..], FieldKind::Token),
        (b"\"private_key\"", FieldKind::PrivateKey),
    ] {
        for at in memchr::memmem::find_iter(data, name) {
            let mut i = at + name.len();
            while data.get(i).is_some_and(|b| *b == b' ') {
                i += 1;
            }
            if data.get(i) != Some(&b':') {
                continue;
            }
            i += 1;
            while data.get(i).is_some_and(|b| *b == b' ') {
                i += 1;
            }
            if data.get(i) != Some(&b'"') {
                continue;
            }
            let start = i + 1;
            let mut j = start;
            let end = loop {
                match data.get(j) {
                    Some(b'"') => break Some(j),
                    Some(b'\\') => j += 2,
                    Some(b) if *b < 0x20 => break None,
                    Some(_) => j += 1,
                    None => break None,
                }
            };
            let Some(end) = end else { continue };
            let text = json::unescape(&data[start..end]);
            if text.is_empty() || (kind == FieldKind::PrivateKey && !pem_private_key(&text)) {
                continue;
            }
            out.push(field(data, start, end, text, kind, Confidence::High));
        }
    }
    out.sort_by_key(|f| f.start);
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCz81W3rRdbq/XJ\\nkxqChwd6pFOzmcjM9fL2Y9booKLw4TX3WEgBTNg5YMBd7VksvxxdLu0TaqvXcbWT";

    fn run(path: &str, data: &[u8]) -> Vec<Field> {
        let mut out = Vec::new();
        if GcpServiceAccount.applies(path, data) {
            GcpServiceAccount.extract(path, data, &mut out);
        }
        out
    }

    #[test]
    fn service_account_key_any_name() {
        let d = format!(
            r#"{{
  "type": "service_account",
  "project_id": "acme-shop",
  "private_key_id": "299a0f766693fb2fb7fc2404cd896900e923b0dd",
  "private_key": "-----BEGIN PRIVATE KEY-----\n{BODY}\n-----END PRIVATE KEY-----\n",
  "client_email": "deployer@acme-shop.iam.gserviceaccount.com",
  "client_id": "136203767841948356509"
}}"#
        );
        let d = d.as_bytes();
        let f = run("keys/acme-shop-3f2a1b0c9d8e.json", d);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, FieldKind::PrivateKey);
        assert!(d[f[0].start..f[0].end].starts_with(b"-----BEGIN PRIVATE KEY-----\\n"));
        assert_eq!(d[f[0].end], b'"');
        let pem = f[0].value.as_deref().unwrap();
        assert!(
            pem.starts_with(b"-----BEGIN PRIVATE KEY-----\nMIIE") && pem.ends_with(b"KEY-----\n")
        );
        assert_eq!(service_account_key(d).as_deref(), Some(pem));
    }

    #[test]
    fn adc_refresh_token_and_client_secret() {
        let d = br#"{
  "client_id": "764086051850-fake.apps.googleusercontent.com",
  "client_secret": "d-fakefakefake",
  "refresh_token": "1//0Efake-refresh",
  "type": "authorized_user"
}"#;
        let f = run(".config/gcloud/application_default_credentials.json", d);
        assert_eq!(f.len(), 1);
        assert_eq!(&d[f[0].start..f[0].end], b"1//0Efake-refresh");
        assert_eq!(
            (f[0].kind, f[0].confidence),
            (FieldKind::Token, Confidence::High)
        );
        let own = br#"{"client_id": "123-abc.apps.googleusercontent.com", "client_secret": "GOCSPX-fake", "refresh_token": "1//0x", "type": "authorized_user"}"#;
        let f = run("adc.json", own);
        assert_eq!(f.len(), 2);
        assert_eq!(&own[f[1].start..f[1].end], b"GOCSPX-fake");
        assert_eq!(f[1].confidence, Confidence::Medium);
    }

    #[test]
    fn templates_and_other_json_yield_nothing() {
        let d = br#"{"type": "service_account", "project_id": "your-project-id", "private_key_id": "", "private_key": "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"}"#;
        assert!(run("keys/service-account.json", d).is_empty());
        assert!(!GcpServiceAccount.applies("package.json", br#"{"type": "module"}"#));
        assert!(run("x.json", br#"{"type": "service_account", "private_key": "#).is_empty());
    }

    #[test]
    fn sqlite_bytes() {
        let mut d = b"SQLite format 3\0\x01\x02".to_vec();
        d.extend_from_slice(br#"jdoe@acme.test{"client_id": "764086051850-x", "refresh_token": "1//0Xfake-db-token", "type": "authorized_user"}"#);
        d.extend_from_slice(b"\0\0\"refresh_token\": \"unterminated\x00");
        let f = run("home/.config/gcloud/credentials.db", &d);
        assert_eq!(f.len(), 1);
        assert_eq!(&d[f[0].start..f[0].end], b"1//0Xfake-db-token");
    }
}
