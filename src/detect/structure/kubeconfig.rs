//! Kubernetes kubeconfig (SPEC §21): `~/.kube/config`, `kubeconfig`, `*.kubeconfig`,
//! kubeadm's `admin.conf`, `k3s.yaml`; under any other YAML-like name, a file with
//! `apiVersion:`, `kind: Config` and `users:`.
//!
//! Reported, under `users[].user`: `token`, `password`, `client-key-data` (base64 of a PEM
//! private key: the field's value is the PEM), `auth-provider.config` `client-secret`,
//! `refresh-token`, `id-token`, `access-token`, and `exec.env[].value` when the variable's
//! `name` is a secret name (SPEC A.3). The host is the server of the cluster the user's
//! context points at. `certificate-authority-data` and `client-certificate-data` are
//! public; `tokenFile` and `client-key` are paths; `REDACTED` and `DATA+OMITTED` (written by
//! `kubectl config view` without `--raw`) are not values.

use std::collections::HashMap;

use super::common::{
    self, classify_key, file_name, host_of, is_reference, path_ends_with, KeyClass,
};
use super::field::{Extractor, Field, FieldKind};
use super::lines_common::extension;
use super::yaml::{self, YamlKey, YamlValue};
use crate::rules::Confidence;

pub struct Kubeconfig;

type Bytes = Vec<u8>;
/// An `exec.env[]` entry: its `name` and its `value`.
type EnvVar = (Option<Bytes>, Option<YamlValue>);

/// `kind: Config` (not `ConfigMap`), `apiVersion:` and `users:`.
pub fn is_kubeconfig(data: &[u8]) -> bool {
    let kind = [&b"kind: Config"[..], b"kind: \"Config\"", b"kind: 'Config'"]
        .iter()
        .any(|k| {
            memchr::memmem::find_iter(data, k).any(|i| {
                data.get(i + k.len())
                    .is_none_or(|b| !b.is_ascii_alphanumeric())
            })
        });
    kind && common::contains(data, b"apiVersion:") && common::contains(data, b"users:")
}

impl Extractor for Kubeconfig {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let name = file_name(path);
        if path_ends_with(path, ".kube/config")
            || matches!(name, "kubeconfig" | "admin.conf" | "k3s.yaml")
            || name.ends_with(".kubeconfig")
        {
            return true;
        }
        // Any other name: a YAML-like file (never source code that quotes a kubeconfig).
        let ext = extension(name);
        ["", "yaml", "yml", "conf", "cfg", "config"]
            .iter()
            .any(|e| e.eq_ignore_ascii_case(ext))
            && is_kubeconfig(data)
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut entries: Vec<(Vec<YamlKey>, YamlValue)> = Vec::new();
        yaml::scan(data, &mut |p, v| entries.push((p.to_vec(), *v)));
        let text = |v: &YamlValue| v.text(data).trim_ascii().to_vec();
        // cluster name → server, user name → cluster (through the contexts).
        let mut servers: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
        // context index → (user, cluster)
        let mut ctx: HashMap<usize, (Option<Bytes>, Option<Bytes>)> = HashMap::new();
        let mut cluster_names: HashMap<usize, Vec<u8>> = HashMap::new();
        let mut cluster_servers: HashMap<usize, Vec<u8>> = HashMap::new();
        let mut user_names: HashMap<usize, Vec<u8>> = HashMap::new();
        for (p, v) in &entries {
            match &p[..] {
                [c, YamlKey::Index(i), n] if c.is("clusters") && n.is("name") => {
                    cluster_names.insert(*i, text(v));
                }
                [c, YamlKey::Index(i), cl, s]
                    if c.is("clusters") && cl.is("cluster") && s.is("server") =>
                {
                    cluster_servers.insert(*i, text(v));
                }
                [c, YamlKey::Index(i), cx, k] if c.is("contexts") && cx.is("context") => {
                    let e = ctx.entry(*i).or_default();
                    if k.is("user") {
                        e.0 = Some(text(v));
                    } else if k.is("cluster") {
                        e.1 = Some(text(v));
                    }
                }
                [u, YamlKey::Index(i), n] if u.is("users") && n.is("name") => {
                    user_names.insert(*i, text(v));
                }
                _ => {}
            }
        }
        for (i, name) in cluster_names {
            if let Some(s) = cluster_servers.remove(&i) {
                servers.insert(name, s);
            }
        }
        let mut ctx: Vec<_> = ctx.into_iter().collect();
        ctx.sort_by_key(|(i, _)| *i);
        let mut cluster_of: HashMap<Bytes, Bytes> = HashMap::new();
        for (_, (user, cluster)) in ctx {
            if let (Some(u), Some(c)) = (user, cluster) {
                cluster_of.entry(u).or_insert(c);
            }
        }
        let host_for = |user: usize| -> Option<String> {
            let cluster = cluster_of.get(user_names.get(&user)?)?;
            servers.get(cluster).map(|s| host_of(s))
        };
        // exec.env[]: name and value arrive as siblings.
        let mut env: HashMap<(usize, usize), EnvVar> = HashMap::new();
        for (p, v) in &entries {
            let (user, rest) = match &p[..] {
                [u, YamlKey::Index(i), us, rest @ ..] if u.is("users") && us.is("user") => {
                    (*i, rest)
                }
                _ => continue,
            };
            let kind = match rest {
                [k] if k.is_any(&["token"]) => FieldKind::Token,
                [k] if k.is("password") => FieldKind::Password,
                [k] if k.is("client-key-data") => FieldKind::PrivateKey,
                [a, c, k]
                    if a.is("auth-provider")
                        && c.is("config")
                        && k.is_any(&[
                            "client-secret",
                            "refresh-token",
                            "id-token",
                            "access-token",
                        ]) =>
                {
                    FieldKind::Token
                }
                [x, e, YamlKey::Index(j), k] if x.is("exec") && e.is("env") => {
                    let slot = env.entry((user, *j)).or_default();
                    if k.is("name") {
                        slot.0 = Some(text(v));
                    } else if k.is("value") {
                        slot.1 = Some(*v);
                    }
                    continue;
                }
                _ => continue,
            };
            if let Some(mut f) = field(data, v, kind, Confidence::High) {
                f.host = host_for(user);
                out.push(f);
            }
        }
        let mut env: Vec<_> = env.into_iter().collect();
        env.sort_by_key(|(k, _)| *k);
        for ((user, _), (name, value)) in env {
            let (Some(name), Some(v)) = (name, value) else {
                continue;
            };
            let (confidence, min_len) = match classify_key(&name) {
                Some(KeyClass::Secret) => (Confidence::High, 4),
                Some(KeyClass::WeakKey) => (Confidence::Medium, 16),
                None => continue,
            };
            if let Some(mut f) = field(data, &v, FieldKind::Token, confidence) {
                f.host = host_for(user);
                f.min_len = min_len;
                out.push(f);
            }
        }
        out.sort_by_key(|f| f.start);
    }
}

/// The field for value `v`, unless it is empty, a reference or a `kubectl` redaction; a
/// `client-key-data` only when it decodes to a PEM private key.
fn field(data: &[u8], v: &YamlValue, kind: FieldKind, confidence: Confidence) -> Option<Field> {
    let text = v.text(data);
    let t = text.trim_ascii();
    if t.is_empty() || is_reference(t) || t == b"DATA+OMITTED" || t == b"REDACTED" {
        return None;
    }
    if kind == FieldKind::PrivateKey {
        let pem = super::text::base64(t)?;
        if !common::pem_private_key(&pem) {
            return None;
        }
        let mut f = Field::plain(v.start, v.end, kind, confidence);
        f.value = Some(pem);
        f.encoding = Some("base64");
        return Some(f);
    }
    Some(common::field(data, v.start, v.end, text, kind, confidence))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_B64: &str = "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUtNSFRCd0RweW54RHhtRGNDK2pJTlJNQ1NTZk9ueFlVWEhjdWxmWGxIVDRvQW9HQ0NxR1NNNDkKQXdFSG9VUURRZ0FFdVRzQ01nZGh2ZXBkUlNtd1BpVWFYdi85TkNXclhKblVEc0tSSmZ1L2xKbDl0a2h1NzBKbwpzeTR6cXQ0bU5aSXFGRnAxZ1BkRklIbFlFclFZQVFlK2RBPT0KLS0tLS1FTkQgRUMgUFJJVkFURSBLRVktLS0tLQo="; // leakhound:allow (test data)

    fn config() -> String {
        format!(
            "apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJmYWtlCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K
    server: https://k8s.acme.test:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: ci
  name: prod
users:
- name: ci
  user:
    token: eyJhbGciOiJSUzI1NiJ9.fake.sig
- name: admin
  user:
    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJmYWtlCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K
    client-key-data: {KEY_B64}
- name: basic
  user:
    username: admin
    password: \"Pumpkin2016\"
    # password: old
- name: oidc
  user:
    auth-provider:
      name: oidc
      config:
        client-id: kubernetes
        client-secret: oidc-client-secret-fake
        refresh-token: rt-fake
- name: exec
  user:
    exec:
      command: tool
      env:
      - name: API_TOKEN
        value: exec-env-token-fake
      - name: REGION
        value: eu-west-1
"
        )
    }

    #[test]
    fn users_fields() {
        let d = config();
        let d = d.as_bytes();
        assert!(Kubeconfig.applies("home/.kube/config", d));
        let mut out = Vec::new();
        Kubeconfig.extract("home/.kube/config", d, &mut out);
        let got: Vec<(&[u8], FieldKind, Option<&str>)> = out
            .iter()
            .map(|f| (&d[f.start..f.end], f.kind, f.host.as_deref()))
            .collect();
        use FieldKind::*;
        let h = Some("k8s.acme.test:6443");
        assert_eq!(
            got,
            vec![
                (&b"eyJhbGciOiJSUzI1NiJ9.fake.sig"[..], Token, h),
                (KEY_B64.as_bytes(), PrivateKey, None),
                (b"Pumpkin2016", Password, None),
                (b"oidc-client-secret-fake", Token, None),
                (b"rt-fake", Token, None),
                (b"exec-env-token-fake", Token, None),
            ]
        );
        let pem = out[1].value.as_deref().unwrap();
        assert!(pem.starts_with(b"-----BEGIN EC PRIVATE KEY-----\n"));
        assert_eq!(out[1].encoding, Some("base64"));
        assert!(out.iter().all(|f| f.confidence == Confidence::High));
        assert_eq!(out[5].min_len, 4);
    }

    #[test]
    fn redacted_exec_and_signature() {
        let d = b"apiVersion: v1\nkind: Config\nusers:\n- name: eks\n  user:\n    exec:\n      command: aws\n- name: r\n  user:\n    token: REDACTED\n    client-key-data: DATA+OMITTED\n    password: ${KUBE_PASSWORD}\n";
        let mut out = Vec::new();
        assert!(Kubeconfig.applies("deploy/prod.yaml", d));
        Kubeconfig.extract("deploy/prod.yaml", d, &mut out);
        assert!(out.is_empty());
        assert!(!Kubeconfig.applies(
            "k8s/cm.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nusers: x\n"
        ));
        let sig = b"apiVersion: v1\nkind: Config\nusers:\n";
        assert!(!Kubeconfig.applies("src/main.rs", sig));
        assert!(!Kubeconfig.applies("src/kubeconfig.rs", sig));
        assert!(Kubeconfig.applies("clusters/prod-kubeconfig", sig));
        assert!(Kubeconfig.applies("clusters/prod.kubeconfig", b""));
        let mut out = Vec::new();
        Kubeconfig.extract(
            ".kube/config",
            b"users:\n- user:\n    client-key-data: bm90IGEga2V5\n",
            &mut out,
        );
        assert!(out.is_empty());
    }
}
