//! Terraform state (SPEC §6): `terraform.tfstate`, `*.tfstate`, `*.tfstate.backup`
//! (workspaces too), and `.terraform/terraform.tfstate`, which records the backend's
//! configuration with any credential passed by `-backend-config`.
//!
//! In each resource instance's `attributes` (v4; v3's `primary.attributes`), reported:
//! 1. every string under a path listed in the instance's `sensitive_attributes` (high);
//! 2. the attributes of resources whose purpose is a secret (`tls_private_key`,
//!    `random_password`, `aws_iam_access_key`, `google_service_account_key` (its base64
//!    key file decoded to the PEM), `azuread_application_password`, `kubernetes_secret`
//!    `data`, `vault_generic_secret`, `github_actions_secret`, `databricks_token`, …) (high);
//! 3. attributes with a secret's name (`password`, `master_password`, `client_secret`,
//!    `private_key_pem`, `primary_access_key`, `kube_config_raw`, …) (medium: by name alone).
//!
//! Also every string of an output with `"sensitive": true` (high), and in the backend
//! `config`, the password of a URL (`conn_str`) and values with a secret's name (high).
//! The host is a sibling `address`/`endpoint`/`host`/`fqdn`. `null`s, `private` (provider
//! metadata) and AWS key ids are not reported. The file is scanned as a stream: only one
//! resource is held at a time, so states of tens of MB cost little.

use std::collections::BTreeMap;

use super::common::{
    classify_key, field, file_name, host_of, is_aws_key_id, pem_private_key, url_password, KeyClass,
};
use super::field::{Extractor, Field, FieldKind};
use super::json::{self, JsonKey, Kind, Scalar};
use crate::rules::Confidence;

pub struct TerraformState;

impl Extractor for TerraformState {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let name = file_name(path);
        name.ends_with(".tfstate") || name.ends_with(".tfstate.backup")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut st = State::default();
        json::scan(data, &mut |p, s| st.scalar(data, p, s, out));
        st.flush_resource(data, out);
        for o in std::mem::take(&mut st.outputs).into_values() {
            if o.sensitive {
                for (_, s) in &o.leaves {
                    push(data, s, &o.name, None, Confidence::High, None, out);
                }
            }
        }
        out.sort_by_key(|f| f.start);
    }
}

/// A step of a `sensitive_attributes` path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Name(Vec<u8>),
    Index(usize),
}

#[derive(Default)]
struct Instance<'a> {
    /// String attributes: path below `attributes`, and the scalar.
    leaves: Vec<(Vec<JsonKey<'a>>, Scalar)>,
    /// `sensitive_attributes[k]` → its steps.
    sensitive: BTreeMap<usize, Vec<Step>>,
}

#[derive(Default)]
struct Output<'a> {
    name: Vec<u8>,
    leaves: Vec<(Vec<JsonKey<'a>>, Scalar)>,
    sensitive: bool,
}

#[derive(Default)]
struct State<'a> {
    /// The resource being read: v4 `resources[i]`, or v3 module index and address.
    res: Option<(usize, Option<&'a [u8]>)>,
    rtype: Vec<u8>,
    instances: BTreeMap<usize, Instance<'a>>,
    outputs: BTreeMap<(usize, Vec<u8>), Output<'a>>,
}

impl<'a> State<'a> {
    fn scalar(&mut self, data: &'a [u8], p: &[JsonKey<'a>], s: &Scalar, out: &mut Vec<Field>) {
        use JsonKey::{Index, Name};
        match p {
            // v4
            [r, Index(ri), rest @ ..] if r.is("resources") => {
                self.enter(data, (*ri, None), out);
                self.resource(data, rest, s, false);
            }
            [o, Name(name), v, tail @ ..] if o.is("outputs") && v.is("value") => {
                self.output(0, name, Some((tail, s)));
            }
            [o, Name(name), k] if o.is("outputs") && k.is("sensitive") && s.kind == Kind::True => {
                self.output(0, name, None).sensitive = true;
            }
            // v3
            [m, Index(mi), r, Name(addr), rest @ ..] if m.is("modules") && r.is("resources") => {
                self.enter(data, (*mi, Some(*addr)), out);
                self.resource(data, rest, s, true);
            }
            [m, Index(mi), o, Name(name), v, tail @ ..]
                if m.is("modules") && o.is("outputs") && v.is("value") =>
            {
                self.output(mi + 1, name, Some((tail, s)));
            }
            [m, Index(mi), o, Name(name), k]
                if m.is("modules")
                    && o.is("outputs")
                    && k.is("sensitive")
                    && s.kind == Kind::True =>
            {
                self.output(mi + 1, name, None).sensitive = true;
            }
            // .terraform/terraform.tfstate
            [b, c, Name(key)] if b.is("backend") && c.is("config") => {
                backend(data, &json::unescape(key), s, out);
            }
            _ => {}
        }
    }

    fn enter(&mut self, data: &[u8], id: (usize, Option<&'a [u8]>), out: &mut Vec<Field>) {
        if self.res != Some(id) {
            self.flush_resource(data, out);
            self.res = Some(id);
        }
    }

    fn output(
        &mut self,
        module: usize,
        name: &[u8],
        leaf: Option<(&[JsonKey<'a>], &Scalar)>,
    ) -> &mut Output<'a> {
        let name = json::unescape(name).into_owned();
        let o = self.outputs.entry((module, name.clone())).or_default();
        o.name = name;
        if let Some((tail, s)) = leaf {
            if s.is_string() {
                o.leaves.push((tail.to_vec(), *s));
            }
        }
        o
    }

    /// A scalar below a resource: its type, an attribute, a sensitive path's step.
    fn resource(&mut self, data: &[u8], rest: &[JsonKey<'a>], s: &Scalar, v3: bool) {
        use JsonKey::Index;
        match rest {
            [t] if t.is("type") => self.rtype = s.text(data).into_owned(),
            [i, Index(n), a, tail @ ..]
                if !v3
                    && i.is("instances")
                    && a.is("attributes")
                    && s.is_string()
                    && !tail.is_empty() =>
            {
                let inst = self.instances.entry(*n).or_default();
                inst.leaves.push((tail.to_vec(), *s));
            }
            [p, a, tail @ ..]
                if v3
                    && p.is("primary")
                    && a.is("attributes")
                    && s.is_string()
                    && !tail.is_empty() =>
            {
                let inst = self.instances.entry(0).or_default();
                inst.leaves.push((tail.to_vec(), *s));
            }
            [i, Index(n), sa, Index(k), Index(_), v, more @ ..]
                if !v3 && i.is("instances") && sa.is("sensitive_attributes") && v.is("value") =>
            {
                let step = match (more, s.kind) {
                    ([], Kind::String) => Step::Name(s.text(data).into_owned()),
                    ([v2], Kind::String) if v2.is("value") => Step::Name(s.text(data).into_owned()),
                    ([v2], Kind::Number) if v2.is("value") => {
                        match std::str::from_utf8(s.raw(data))
                            .ok()
                            .and_then(|t| t.parse().ok())
                        {
                            Some(i) => Step::Index(i),
                            None => return,
                        }
                    }
                    _ => return,
                };
                let inst = self.instances.entry(*n).or_default();
                inst.sensitive.entry(*k).or_default().push(step);
            }
            _ => {}
        }
    }

    fn flush_resource(&mut self, data: &[u8], out: &mut Vec<Field>) {
        let rtype = std::mem::take(&mut self.rtype);
        for inst in std::mem::take(&mut self.instances).into_values() {
            let host = inst.leaves.iter().find_map(|(tail, s)| match &tail[..] {
                [k] if k.is_any(&["address", "endpoint", "host", "hostname", "fqdn", "server"]) => {
                    let h = s.text(data);
                    (!h.trim_ascii().is_empty()).then(|| host_of(&h))
                }
                _ => None,
            });
            for (tail, s) in &inst.leaves {
                let name = attr_name(tail);
                // A sensitive attribute, or one inside a sensitive block that is not the
                // block's identity (`kube_config[0].host`).
                let sensitive = inst.sensitive.values().any(|steps| {
                    covers(steps, tail)
                        && (steps.len() == tail.len() || !IDENTITY.contains(&&name[..]))
                });
                let purpose = purpose(&rtype, tail, &name);
                let confidence = if sensitive || purpose == Some(Confidence::High) {
                    Confidence::High
                } else if purpose.is_some() || NAMES.contains(&&name[..]) {
                    Confidence::Medium
                } else {
                    continue;
                };
                let kind = (rtype == b"random_password" && name == b"result")
                    .then_some(FieldKind::Password);
                let decode = rtype == b"google_service_account_key" && name == b"private_key";
                if decode {
                    if let Some(pem) = super::text::base64(&s.text(data))
                        .and_then(|j| super::gcp_service_account::service_account_key(&j))
                    {
                        let mut f = Field::plain(s.start, s.end, FieldKind::PrivateKey, confidence);
                        f.value = Some(pem);
                        f.encoding = Some("base64");
                        out.push(f);
                        continue;
                    }
                }
                push(data, s, &name, kind, confidence, host.clone(), out);
            }
        }
    }
}

/// Does the sensitive path `steps` name `tail` or something holding it?
fn covers(steps: &[Step], tail: &[JsonKey]) -> bool {
    !steps.is_empty()
        && steps.len() <= tail.len()
        && steps.iter().zip(tail).all(|(s, k)| match (s, k) {
            (Step::Name(n), JsonKey::Name(raw)) => *json::unescape(raw) == n[..],
            (Step::Index(i), JsonKey::Index(j)) => i == j,
            _ => false,
        })
}

/// The attribute's own name: the last named step (v3 flattens paths: `kube_config.0.password`).
fn attr_name(tail: &[JsonKey]) -> Vec<u8> {
    let Some(raw) = tail.iter().rev().find_map(|k| k.name()) else {
        return Vec::new();
    };
    raw.split(|&b| b == b'.')
        .rev()
        .find(|seg| !seg.is_empty() && !seg.iter().all(u8::is_ascii_digit))
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

/// Attributes inside a sensitive block that name, not authenticate.
const IDENTITY: &[&[u8]] = &[
    b"host",
    b"hostname",
    b"username",
    b"user",
    b"user_name",
    b"login",
    b"name",
    b"id",
    b"endpoint",
    b"address",
    b"fqdn",
    b"server",
    b"port",
    b"region",
    b"cluster_ca_certificate",
    b"ca_certificate",
    b"client_certificate",
    b"certificate",
    b"public_key",
    b"public_key_pem",
    b"public_key_openssh",
];

/// Attributes that hold a secret by name, whatever the resource (SPEC §6, 3).
const NAMES: &[&[u8]] = &[
    b"password",
    b"master_password",
    b"admin_password",
    b"root_password",
    b"secret",
    b"secret_key",
    b"private_key",
    b"private_key_pem",
    b"private_key_openssh",
    b"private_key_pem_pkcs8",
    b"client_secret",
    b"token",
    b"auth_token",
    b"api_key",
    b"primary_access_key",
    b"secondary_access_key",
    b"primary_connection_string",
    b"secondary_connection_string",
    b"connection_string",
    b"sas",
    b"kube_config_raw",
    b"kube_admin_config_raw",
    b"secret_string",
    b"plaintext_value",
    b"token_value",
    b"ses_smtp_password_v4",
];

/// Resources whose purpose is a secret, and which of their attributes hold it (SPEC §6, 4).
fn purpose(rtype: &[u8], tail: &[JsonKey], name: &[u8]) -> Option<Confidence> {
    let first = tail.first().and_then(|k| k.name()).unwrap_or_default();
    let first = first.split(|&b| b == b'.').next().unwrap_or_default();
    let high = match rtype {
        b"tls_private_key" => {
            matches!(
                name,
                b"private_key_pem" | b"private_key_openssh" | b"private_key_pem_pkcs8"
            )
        }
        b"random_password" => matches!(name, b"result" | b"bcrypt_hash"),
        b"random_string" => return (name == b"result").then_some(Confidence::Medium),
        b"aws_iam_access_key" => matches!(name, b"secret" | b"ses_smtp_password_v4"),
        b"google_service_account_key" => name == b"private_key",
        b"azuread_application_password" | b"azuread_service_principal_password" => name == b"value",
        b"kubernetes_secret" | b"kubernetes_secret_v1" => {
            matches!(first, b"data" | b"binary_data") && !name.ends_with(b"%")
        }
        b"vault_generic_secret" | b"vault_kv_secret" | b"vault_kv_secret_v2" => {
            matches!(first, b"data_json" | b"data") && !name.ends_with(b"%")
        }
        b"github_actions_secret"
        | b"github_actions_environment_secret"
        | b"github_dependabot_secret"
        | b"github_codespaces_secret" => name == b"plaintext_value",
        b"databricks_token" => name == b"token_value",
        b"aws_secretsmanager_secret_version" => matches!(name, b"secret_string" | b"secret_binary"),
        _ => false,
    };
    high.then_some(Confidence::High)
}

/// The field for the string `s` named `name`.
fn push(
    data: &[u8],
    s: &Scalar,
    name: &[u8],
    kind: Option<FieldKind>,
    confidence: Confidence,
    host: Option<String>,
    out: &mut Vec<Field>,
) {
    let text = s.text(data);
    if text.trim_ascii().is_empty() {
        return;
    }
    let lower = name.to_ascii_lowercase();
    let has = |w: &[u8]| memchr::memmem::find(&lower, w).is_some();
    let kind = kind.unwrap_or(if pem_private_key(&text) {
        FieldKind::PrivateKey
    } else if has(b"password") || has(b"passwd") {
        FieldKind::Password
    } else if has(b"hash") {
        FieldKind::Hash
    } else if has(b"token") {
        FieldKind::Token
    } else {
        FieldKind::Key
    });
    let mut f = field(data, s.start, s.end, text, kind, confidence);
    f.host = host;
    out.push(f);
}

/// A backend setting (`.terraform/terraform.tfstate` `backend.config`).
fn backend(data: &[u8], key: &[u8], s: &Scalar, out: &mut Vec<Field>) {
    if !s.is_string() {
        return;
    }
    let text = s.text(data);
    let t = text.trim_ascii();
    if t.is_empty() || is_aws_key_id(t) {
        return;
    }
    if memchr::memmem::find(t, b"://").is_some() {
        // A connection string: the password in its userinfo (raw text only: no escapes).
        if &text[..] == s.raw(data) {
            if let Some(u) = url_password(data, s.start, s.end) {
                let mut f = Field::plain(u.start, u.end, FieldKind::Password, Confidence::High);
                if let Some(d) = u.decoded {
                    f.value = Some(d);
                    f.encoding = Some("percent");
                }
                f.host = Some(u.host);
                out.push(f);
            }
        }
        return;
    }
    if classify_key(key) == Some(KeyClass::Secret) {
        let kind = if key.ends_with(b"password") {
            FieldKind::Password
        } else {
            FieldKind::Token
        };
        out.push(field(data, s.start, s.end, text, kind, Confidence::High));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &[u8]) -> Vec<(String, FieldKind, Confidence, Option<String>)> {
        let mut out = Vec::new();
        if TerraformState.applies(path, data) {
            TerraformState.extract(path, data, &mut out);
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

    const STATE: &[u8] = br#"{
  "version": 4,
  "terraform_version": "1.9.5",
  "lineage": "3013c331-557a-41d5-8053-91766a6166b3",
  "outputs": {
    "db_endpoint": {"value": "shop.rds.acme.test", "type": "string"},
    "ci_secret": {"value": "JTxRN+PoU5f7JtYFI5pmtdUgwqWfJST64qoNjrGY", "type": "string", "sensitive": true}
  },
  "resources": [
    {
      "mode": "managed", "type": "aws_db_instance", "name": "shop",
      "instances": [{
        "attributes": {"username": "shopadmin", "password": "Rocky1979!", "address": "shop.rds.acme.test", "port": 5432, "password_policy": null}, // leakhound:allow
        "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]],
        "private": "eyJzY2hlbWFfdmVyc2lvbiI6ICIyIn0="
      }]
    },
    {
      "instances": [{
        "attributes": {"id": "none", "length": 24, "result": "s2HD(8=t}hVH1>JvLY=zto=g"},
        "sensitive_attributes": []
      }],
      "type": "random_password", "name": "admin"
    },
    {
      "type": "aws_iam_access_key", "name": "ci",
      "instances": [{"attributes": {"id": "AKIAQIGX4XUQ4X6OSUVT", "user": "ci", "secret": "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"}, "sensitive_attributes": []}] // leakhound:allow
    },
    {
      "type": "azurerm_kubernetes_cluster", "name": "k",
      "instances": [{
        "attributes": {"kube_config": [{"host": "https://k.test", "password": "kpass"}], "tags": {"env": "prod"}},
        "sensitive_attributes": [[{"type": "get_attr", "value": "kube_config"}, {"type": "index", "value": {"value": 0, "type": "number"}}]]
      }]
    },
    {
      "type": "null_resource", "name": "n",
      "instances": [{"attributes": {"client_secret": "by-name-only", "triggers": {"x": "y"}}}]
    }
  ]
}"#;

    #[test]
    fn resources_and_outputs() {
        use Confidence::*;
        use FieldKind::*;
        let h = Some("shop.rds.acme.test".to_string());
        assert_eq!(
            run("infra/terraform.tfstate", STATE),
            vec![
                (
                    "JTxRN+PoU5f7JtYFI5pmtdUgwqWfJST64qoNjrGY".into(),
                    Key,
                    High,
                    None
                ),
                ("Rocky1979!".into(), Password, High, h),
                ("s2HD(8=t}hVH1>JvLY=zto=g".into(), Password, High, None),
                (
                    "JTxRN+PoU5f7JtYFI5pmtdUgwqWfJST64qoNjrGY".into(),
                    Key,
                    High,
                    None
                ),
                ("kpass".into(), Password, High, None),
                ("by-name-only".into(), Key, Medium, None),
            ]
        );
    }

    #[test]
    fn private_keys_unescaped_and_service_account_decoded() {
        let pem = "-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIH4rBGtKbx3YI13tIhxDTTOWs7mgKc+JrGl7SAxg5KRooAoGCCqGSM49\\nAwEHoUQDQgAEi2Uglt6SwAAwpYMhzZ5sUnSVVZkp54MIzLqoLWlYhZdrEbZ7lAXr\\n-----END EC PRIVATE KEY-----\\n"; // leakhound:allow (test data)
        let sa = format!(
            r#"{{"type": "service_account", "private_key": "{pem}", "client_email": "a@b.iam.gserviceaccount.com"}}"#
        );
        use base64::Engine;
        let sa64 = base64::engine::general_purpose::STANDARD.encode(sa);
        let d = format!(
            r#"{{"version": 4, "resources": [
 {{"type": "tls_private_key", "instances": [{{"attributes": {{"algorithm": "ECDSA", "private_key_pem": "{pem}", "public_key_pem": "-----BEGIN PUBLIC KEY-----\nx"}}}}]}},
 {{"type": "google_service_account_key", "instances": [{{"attributes": {{"name": "k", "private_key": "{sa64}"}}}}]}}
]}}"#
        );
        let d = d.as_bytes();
        let mut out = Vec::new();
        TerraformState.extract("terraform.tfstate", d, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].kind, FieldKind::PrivateKey);
        assert!(out[0]
            .value
            .as_deref()
            .unwrap()
            .starts_with(b"-----BEGIN EC PRIVATE KEY-----\nMHc"));
        assert_eq!(out[0].encoding, None);
        assert_eq!(&d[out[1].start..out[1].end], sa64.as_bytes());
        assert_eq!(out[1].kind, FieldKind::PrivateKey);
        assert_eq!(out[1].encoding, Some("base64"));
        assert!(out[1]
            .value
            .as_deref()
            .unwrap()
            .starts_with(b"-----BEGIN EC PRIVATE KEY-----\n"));
    }

    #[test]
    fn backend_and_v3() {
        let d = br#"{"version": 3, "backend": {"type": "pg", "config": {"conn_str": "postgres://tfstate:Pump%40kin2016@pg.acme.test/tf", "schema_name": null, "access_key": "AKIAQIGX4XUQ4X6OSUVT", "secret_key": "s3-secret-fake"}}}"#; // leakhound:allow (test data)
        let mut out = Vec::new();
        TerraformState.extract(".terraform/terraform.tfstate", d, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(&d[out[0].start..out[0].end], b"Pump%40kin2016");
        assert_eq!(out[0].value.as_deref(), Some(&b"Pump@kin2016"[..]));
        assert_eq!(out[0].host.as_deref(), Some("pg.acme.test"));
        assert_eq!(&d[out[1].start..out[1].end], b"s3-secret-fake");
        let v3 = br#"{"version": 3, "modules": [{"path": ["root"], "outputs": {"pw": {"sensitive": true, "type": "string", "value": "out-pw"}},
 "resources": {"aws_db_instance.x": {"type": "aws_db_instance", "primary": {"id": "x", "attributes": {"password": "v3-pass", "endpoint": "x.acme.test:5432", "tags.%": "0"}}}}}]}"#;
        assert_eq!(
            run("old.tfstate", v3),
            vec![
                ("out-pw".into(), FieldKind::Key, Confidence::High, None),
                (
                    "v3-pass".into(),
                    FieldKind::Password,
                    Confidence::Medium,
                    Some("x.acme.test:5432".into())
                ),
            ]
        );
    }

    #[test]
    fn nulls_policies_and_malformed() {
        let d = br#"{"version": 4, "outputs": {}, "resources": [{"type": "aws_db_instance", "instances": [{"attributes": {"username": "admin", "password": null, "password_policy": "x", "manage_master_user_password": true}, "sensitive_attributes": []}]}]}"#;
        assert!(run("terraform.tfstate", d).is_empty());
        assert!(!TerraformState.applies("main.tf", b""));
        assert!(TerraformState.applies("env/prod.tfstate.backup", b""));
        // Truncated: what was read before the cut is still reported.
        let cut = &STATE[..STATE.len() / 2];
        let _ = run("terraform.tfstate", cut);
    }
}
