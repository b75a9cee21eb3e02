//! Editor SFTP/FTP plug-in configurations, all JSONC (comments, trailing commas):
//!
//! - VS Code SFTP (SPEC §5) `.vscode/sftp.json`: `password`, `passphrase` in the root object,
//!   in each element of a top-level array, in `profiles.*`, in `hop` entries;
//! - Sublime Text SFTP (§10) `sftp-config.json`, `sftp-config-alt*.json`,
//!   `sftp-settings.json`, `Packages/User/sftp_servers/*`: `password` (`PASSWORD_HERE` is the
//!   template's placeholder);
//! - Atom Remote-FTP `.ftpconfig` and Remote-Sync `.remote-sync.json` (§14): `pass`,
//!   `password`, `passphrase`.
//!
//! The host is the record's `host` (`hostname`), or its enclosing record's (a VS Code
//! profile inherits the root's). `"passphrase": true` (prompt) is not a string: no field.

use std::collections::HashMap;

use super::common::{field, file_name, is_reference, path_ends_with};
use super::field::{Extractor, Field, FieldKind};
use super::json::{self, JsonKey, Member};
use crate::rules::Confidence;

/// VS Code SFTP extension (`liximomo.sftp` and forks).
pub struct VsCodeSftp;
/// Sublime Text SFTP.
pub struct SublimeSftp;
/// Atom Remote-FTP and Remote-Sync.
pub struct AtomFtp;

impl Extractor for VsCodeSftp {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        path_ends_with(path, ".vscode/sftp.json")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        extract(data, &["password", "passphrase"], &["host"], &[], out);
    }
}

impl Extractor for SublimeSftp {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let name = file_name(path);
        name == "sftp-config.json"
            || name == "sftp-settings.json"
            || (name.starts_with("sftp-config-alt") && name.ends_with(".json"))
            || path
                .rsplit_once('/')
                .is_some_and(|(dir, _)| path_ends_with(dir, "Packages/User/sftp_servers"))
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        extract(data, &["password"], &["host"], &[b"PASSWORD_HERE"], out);
    }
}

impl Extractor for AtomFtp {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        matches!(file_name(path), ".ftpconfig" | ".remote-sync.json")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        extract(
            data,
            &["pass", "password", "passphrase"],
            &["host", "hostname"],
            &[],
            out,
        );
    }
}

/// Template hosts that say "fill me in": as good as no host.
const TEMPLATE_HOSTS: &[&[u8]] = &[b"name_of_remote_host", b"DOMAIN_HERE", b"HOST_HERE"];

/// The `secrets` members of every record, with the host of the record or its nearest
/// enclosing record.
fn extract(
    data: &[u8],
    secrets: &[&str],
    hosts: &[&str],
    placeholders: &[&[u8]],
    out: &mut Vec<Field>,
) {
    let mut records: Vec<(Vec<JsonKey>, Vec<Member>)> = Vec::new();
    json::records(data, &mut |p, m| records.push((p.to_vec(), m.to_vec())));
    let host_of = |members: &[Member]| -> Option<String> {
        hosts.iter().find_map(|h| {
            let v = json::member_text(data, members, h)?;
            let v = v.trim_ascii();
            (!v.is_empty()).then(|| String::from_utf8_lossy(v).into_owned())
        })
    };
    // Records that name a host, by path.
    let hosts: HashMap<&[JsonKey], String> = records
        .iter()
        .filter_map(|(p, m)| Some((&p[..], host_of(m)?)))
        .collect();
    for (path, members) in &records {
        for (key, s) in members {
            if !s.is_string() || !key.is_any(secrets) {
                continue;
            }
            let text = s.text(data);
            let t = text.trim_ascii();
            if t.is_empty() || is_reference(t) || placeholders.contains(&t) {
                continue;
            }
            // The record's host, else the nearest enclosing record's.
            let host = host_of(members).or_else(|| {
                (0..path.len())
                    .rev()
                    .find_map(|n| hosts.get(&path[..n]).cloned())
            });
            let host = host.filter(|h| !TEMPLATE_HOSTS.contains(&h.as_bytes()));
            let mut f = field(
                data,
                s.start,
                s.end,
                text,
                FieldKind::Password,
                Confidence::High,
            );
            f.host = host;
            out.push(f);
        }
    }
    out.sort_by_key(|f| f.start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(x: &dyn Extractor, path: &str, data: &[u8]) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        if x.applies(path, data) {
            x.extract(path, data, &mut out);
        }
        for f in &out {
            assert_eq!(f.confidence, Confidence::High);
            assert_eq!(f.kind, FieldKind::Password);
            assert_eq!(f.min_len, 1);
        }
        out.iter()
            .map(|f| {
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.host.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn vscode_root_profiles_arrays_and_hops() {
        let d = br#"{
    // created by the SFTP extension
    "name": "Production",
    "host": "203.0.113.24",
    "username": "deploy",
    "password": "!Tigger2018",
    /* "password": "old", */
    "profiles": {
        "staging": {"host": "staging.acme.test", "password": "ZGzjKSsNia8V9fZJ",}, // leakhound:allow
        "qa": {"passphrase": "qa-pass"},
    },
    "hop": {"host": "jump.acme.test", "passphrase": true},
}"#;
        let h = |s: &str| Some(s.to_string());
        assert_eq!(
            run(&VsCodeSftp, "site/.vscode/sftp.json", d),
            vec![
                ("!Tigger2018".into(), h("203.0.113.24")),
                ("ZGzjKSsNia8V9fZJ".into(), h("staging.acme.test")),
                ("qa-pass".into(), h("203.0.113.24")),
            ]
        );
        let d = br#"[{"host": "a.test", "passphrase": "Hamburg2020!"}, {"host": "b.test", "password": "1ed4145a-3378-489c-af58-f18b3ba6bef4"}]"#;
        assert_eq!(
            run(&VsCodeSftp, ".vscode/sftp.json", d),
            vec![
                ("Hamburg2020!".into(), h("a.test")),
                ("1ed4145a-3378-489c-af58-f18b3ba6bef4".into(), h("b.test")),
            ]
        );
        let template = br#"{"host": "name_of_remote_host", "password": "", "passphrase": true}"#;
        assert!(run(&VsCodeSftp, ".vscode/sftp.json", template).is_empty());
        assert!(!VsCodeSftp.applies("sftp.json", b"{}"));
    }

    #[test]
    fn sublime_template_comments_and_placeholders() {
        let d = b"{\n    // sftp, ftp or ftps\n    \"type\": \"ftp\",\n    \"host\": \"ftp.acme.test\",\n    \"user\": \"webmaster\",\n    \"password\": \"Welcome@2023\",\n    //\"password\": \"password\",\n    \"ignore_regexes\": [\"\\\\.sublime-(project|workspace)\",],\n}\n";
        assert_eq!(
            run(&SublimeSftp, "sftp-config.json", d),
            vec![("Welcome@2023".into(), Some("ftp.acme.test".into()))]
        );
        let d = br#"{"host": "DOMAIN_HERE", "user": "USER_HERE", "password": "PASSWORD_HERE",}"#;
        assert!(run(&SublimeSftp, "sftp-config-alt2.json", d).is_empty());
        assert!(SublimeSftp.applies("Packages/User/sftp_servers/prod", b""));
        assert!(!SublimeSftp.applies("sftp_servers/prod", b""));
    }

    #[test]
    fn atom_both_plugins() {
        let d = br#"{"protocol": "ftp", "host": "ftp.acme.test", "user": "shopftp", "pass": "Autumn#2020", "promptForPass": false}"#;
        assert_eq!(
            run(&AtomFtp, ".ftpconfig", d),
            vec![("Autumn#2020".into(), Some("ftp.acme.test".into()))]
        );
        let d = br#"{"transport": "scp", "hostname": "10.20.30.40", "username": "deploy", "password": "Charlie\u0031987", "keyfile": "", "passphrase": ""}"#;
        let mut out = Vec::new();
        AtomFtp.extract(".remote-sync.json", d, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(&d[out[0].start..out[0].end], br"Charlie\u0031987");
        assert_eq!(out[0].value.as_deref(), Some(&b"Charlie1987"[..]));
        assert_eq!(out[0].host.as_deref(), Some("10.20.30.40"));
        assert!(run(&AtomFtp, ".ftpconfig", b"{\"pass\": ").is_empty());
    }
}
