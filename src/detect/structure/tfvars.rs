//! Terraform variable files (SPEC §19): `*.tfvars` (HCL `name = "value"`, maps, lists,
//! heredocs) and `*.tfvars.json`.
//!
//! A variable file has no schema: a string is a credential when the name of the key holding
//! it is a secret name by SPEC A.3 (`db_password`, `client_secret`, `github_token`,
//! `datadog_api_key`; inside maps too: `credentials = { password = "…" }`), at high, at least
//! 4 characters; a name ending in plain `key` (`signing_key`) counts at medium from 16
//! characters. Not values: expressions (`var.x`, `true`, `24`), references (`${…}`), empty
//! strings, AWS key ids (`access_key = "AKIA…"` names a key, it is no secret). The host is a
//! sibling variable with the same prefix (`db_password` → `db_host`, `db_endpoint`, …).
//! Variable `default`s in `*.tf` are not read here.

use std::collections::HashMap;

use super::common::{
    classify_key, field, file_name, host_of, is_aws_key_id, is_reference, kind_for_key, KeyClass,
};
use super::field::{Extractor, Field};
use super::hcl::{self, HclKey};
use super::json::{self, JsonKey};
use crate::rules::Confidence;

pub struct TerraformTfvars;

/// A string value with the names of the keys above it.
struct Entry {
    parent: Vec<Vec<u8>>,
    key: Vec<u8>,
    start: usize,
    end: usize,
    text: Vec<u8>,
}

impl Extractor for TerraformTfvars {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let name = file_name(path);
        name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut entries = Vec::new();
        if path.ends_with(".json") {
            json::scan(data, &mut |p, s| {
                if !s.is_string() {
                    return;
                }
                let names: Vec<Vec<u8>> = p
                    .iter()
                    .filter_map(JsonKey::name)
                    .map(|n| n.into_owned())
                    .collect();
                if let Some((key, parent)) = names.split_last() {
                    entries.push(Entry {
                        parent: parent.to_vec(),
                        key: key.clone(),
                        start: s.start,
                        end: s.end,
                        text: s.text(data).into_owned(),
                    });
                }
            });
        } else {
            hcl::scan(data, &mut |p, v| {
                if !v.is_string() {
                    return;
                }
                let names: Vec<Vec<u8>> = p
                    .iter()
                    .filter_map(HclKey::name)
                    .map(<[u8]>::to_vec)
                    .collect();
                if let Some((key, parent)) = names.split_last() {
                    entries.push(Entry {
                        parent: parent.to_vec(),
                        key: key.clone(),
                        start: v.start,
                        end: v.end,
                        text: v.text(data).into_owned(),
                    });
                }
            });
        }
        // (parent, lower-case key) of every host-like value, for the identity lookups.
        let hosts: HashMap<(&[Vec<u8>], Vec<u8>), &Entry> = entries
            .iter()
            .filter(|o| {
                let k = o.key.to_ascii_lowercase();
                HOST_KEYS.iter().any(|h| k.ends_with(h.as_bytes()))
            })
            .map(|o| ((&o.parent[..], o.key.to_ascii_lowercase()), o))
            .collect();
        for e in &entries {
            let (confidence, min_len) = match classify_key(&e.key) {
                Some(KeyClass::Secret) => (Confidence::High, 4),
                Some(KeyClass::WeakKey) => (Confidence::Medium, 16),
                None => continue,
            };
            let t = e.text.trim_ascii();
            if t.is_empty() || is_reference(t) || is_aws_key_id(t) {
                continue;
            }
            let kind = kind_for_key(&e.key, t);
            let mut f = field(
                data,
                e.start,
                e.end,
                e.text.clone().into(),
                kind,
                confidence,
            );
            f.min_len = min_len;
            f.host = host(&hosts, e);
            out.push(f);
        }
    }
}

/// The value of a sibling `<prefix>_host` (`_hostname`, `_endpoint`, `_address`, `_server`).
fn host(hosts: &HashMap<(&[Vec<u8>], Vec<u8>), &Entry>, e: &Entry) -> Option<String> {
    let prefix = match e.key.iter().rposition(|&b| b == b'_' || b == b'-') {
        Some(i) => &e.key[..=i],
        None => &[][..],
    };
    HOST_KEYS.iter().find_map(|h| {
        let key = [prefix, h.as_bytes()].concat().to_ascii_lowercase();
        hosts.get(&(&e.parent[..], key)).map(|o| host_of(&o.text))
    })
}

const HOST_KEYS: &[&str] = &["host", "hostname", "endpoint", "address", "server"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::structure::field::FieldKind;

    fn run(path: &str, data: &[u8]) -> Vec<(String, FieldKind, Confidence, Option<String>)> {
        let mut out = Vec::new();
        if TerraformTfvars.applies(path, data) {
            TerraformTfvars.extract(path, data, &mut out);
        }
        out.iter()
            .map(|f| {
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.kind,
                    f.confidence,
                    f.host.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn hcl_variables() {
        let d = br#"region          = "eu-west-1"
db_host         = "db.acme.test"
db_username     = "shopadmin"
db_password     = "Sunflower#7" # prod leakhound:allow
github_token    = "ghp_fake_token_2"
datadog_api_key = "3fb349e2f4c128ac493564ffd9be14cc" # leakhound:allow
// client_secret = "commented"
credentials = {
  password = "nested-pass"
}
signing_key = "short"
cache_key   = "0123abcd4567efgh89"
tags = { owner = "platform" }
"#;
        use Confidence::*;
        use FieldKind::*;
        let got = run("env/prod/terraform.tfvars", d);
        assert_eq!(
            got,
            vec![
                (
                    "Sunflower#7".into(),
                    Password,
                    High,
                    Some("db.acme.test".into())
                ),
                ("ghp_fake_token_2".into(), Token, High, None),
                ("3fb349e2f4c128ac493564ffd9be14cc".into(), Key, High, None),
                ("nested-pass".into(), Password, High, None),
                ("short".into(), Key, Medium, None),
                ("0123abcd4567efgh89".into(), Key, Medium, None),
            ]
        );
        let mut out = Vec::new();
        TerraformTfvars.extract("terraform.tfvars", d, &mut out);
        assert_eq!(out[0].min_len, 4);
        assert_eq!(out[4].min_len, 16);
    }

    #[test]
    fn heredoc_private_key() {
        let d = b"tls_private_key = <<EOT\n-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCz81W3rRdbq/XJ\n-----END PRIVATE KEY-----\nEOT\n"; // leakhound:allow (test data)
        let got = run("terraform.tfvars", d);
        assert_eq!(got.len(), 1);
        assert!(got[0].0.starts_with("-----BEGIN PRIVATE KEY-----\nMIIE"));
        assert!(got[0].0.ends_with("-----END PRIVATE KEY-----"));
        assert_eq!(
            (got[0].1, got[0].2),
            (FieldKind::PrivateKey, Confidence::High)
        );
    }

    #[test]
    fn json_and_negatives() {
        let d = br#"{"admin_password": "Summer2019!", "instance_count": 3, "db": {"user_password": "Uni\u0063ode1"}}"#;
        let got = run("prod.auto.tfvars.json", d);
        assert_eq!(got[0].0, "Summer2019!");
        assert_eq!(got[1].0, r"Uni\u0063ode1");
        let mut out = Vec::new();
        TerraformTfvars.extract("prod.auto.tfvars.json", d, &mut out);
        assert_eq!(out[1].value.as_deref(), Some(&b"Unicode1"[..]));
        let neg = b"db_password    = \"\" # set TF_VAR_db_password\napi_key        = var.api_key\npassword_length = 24\nenable_password_auth = true\naccess_key = \"AKIAQIGX4XUQ4X6OSUVT\"\ntoken = \"${var.t}\"\n"; // leakhound:allow (test data)
        assert!(run("terraform.tfvars", neg).is_empty());
        assert!(!TerraformTfvars.applies("variables.tf", b""));
    }
}
