//! Robo 3T / Robomongo connections (SPEC §38): `robo3t.json` (`~/.3T/robo-3t/<version>/`)
//! and `robomongo.json` (`~/.config/robomongo/<version>/`).
//!
//! In `connections[]`: each `credentials[]` entry's `userPassword` (Robomongo and Robo 3T up
//! to 1.2: plain text, high) or `userPasswordEncrypted` (1.3+: encrypted with a per-install
//! key kept in `robo3t.key`, opaque without it: medium), and the `ssh` tunnel's
//! `userPassword`/`passphrase` (high) or `userPasswordEncrypted`/`passphraseEncrypted`
//! (medium); older Robomongo files keep `sshUserPassword`/`sshPassphrase` on the connection.
//! The host is the connection's `serverHost`, or the tunnel's `host` (`sshHost`).

use std::collections::HashMap;

use super::common::{field, file_name};
use super::field::{Extractor, Field, FieldKind};
use super::json::{self, JsonKey, Member};
use crate::rules::Confidence;

pub struct Robo3t;

impl Extractor for Robo3t {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        matches!(file_name(path), "robo3t.json" | "robomongo.json")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut records: Vec<(Vec<JsonKey>, Vec<Member>)> = Vec::new();
        json::records(data, &mut |p, m| records.push((p.to_vec(), m.to_vec())));
        let text = |members: &[Member], key: &str| -> Option<String> {
            let v = json::member_text(data, members, key)?;
            let v = v.trim_ascii();
            (!v.is_empty()).then(|| String::from_utf8_lossy(v).into_owned())
        };
        // connections[i] → serverHost
        let mut servers: HashMap<usize, String> = HashMap::new();
        for (p, m) in &records {
            if let [c, JsonKey::Index(i)] = &p[..] {
                if let (true, Some(h)) = (c.is("connections"), text(m, "serverHost")) {
                    servers.insert(*i, h);
                }
            }
        }
        let server = |i: usize| servers.get(&i).cloned();
        const ENCRYPTED: &[&str] = &["userPasswordEncrypted", "passphraseEncrypted"];
        for (p, members) in &records {
            let (keys, host): (&[&str], Option<String>) = match &p[..] {
                [c, JsonKey::Index(i), cr, JsonKey::Index(_)]
                    if c.is("connections") && cr.is("credentials") =>
                {
                    (&["userPassword", "userPasswordEncrypted"], server(*i))
                }
                [c, JsonKey::Index(_), s] if c.is("connections") && s.is("ssh") => (
                    &[
                        "userPassword",
                        "passphrase",
                        "userPasswordEncrypted",
                        "passphraseEncrypted",
                    ],
                    text(members, "host"),
                ),
                [c, JsonKey::Index(_)] if c.is("connections") => (
                    &["sshUserPassword", "sshPassphrase"],
                    text(members, "sshHost"),
                ),
                _ => continue,
            };
            for (key, s) in members {
                let Some(name) = keys.iter().find(|k| key.is(k)) else {
                    continue;
                };
                if !s.is_string() {
                    continue;
                }
                let value = s.text(data);
                if value.trim_ascii().is_empty() {
                    continue;
                }
                let confidence = if ENCRYPTED.contains(name) {
                    Confidence::Medium
                } else {
                    Confidence::High
                };
                let mut f = field(data, s.start, s.end, value, FieldKind::Password, confidence);
                f.host = host.clone();
                out.push(f);
            }
        }
        out.sort_by_key(|f| f.start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &[u8]) -> Vec<(String, Confidence, Option<String>)> {
        let mut out = Vec::new();
        if Robo3t.applies(path, data) {
            Robo3t.extract(path, data, &mut out);
        }
        out.iter()
            .map(|f| {
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.confidence,
                    f.host.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn plain_and_encrypted() {
        let d = br#"{
    "autoExpand": true,
    "connections": [
        {
            "connectionName": "shop prod",
            "credentials": [{"databaseName": "admin", "enabled": true, "userName": "shopadmin", "userPassword": "Welcome@2023"}], // leakhound:allow
            "ssh": {"enabled": true, "host": "bastion.acme.test", "userName": "ops", "userPassword": "Spring2022$", "passphrase": ""}, // leakhound:allow
            "serverHost": "mongo.acme.test",
            "serverPort": 27017
        },
        {
            "serverHost": "mongo2.acme.test",
            "credentials": [{"userName": "analyst", "userPasswordEncrypted": "AwItjKd9cPlK/B5MM/PlZ9qq3fmTb2yG7UYELh4mpHS=="}], // leakhound:allow
            "ssh": {"enabled": false, "userPasswordEncrypted": "", "passphraseEncrypted": ""}
        }
    ]
}"#;
        use Confidence::*;
        let h = |s: &str| Some(s.to_string());
        assert_eq!(
            run(".3T/robo-3t/1.2.1/robo3t.json", d),
            vec![
                ("Welcome@2023".into(), High, h("mongo.acme.test")),
                ("Spring2022$".into(), High, h("bastion.acme.test")),
                (
                    "AwItjKd9cPlK/B5MM/PlZ9qq3fmTb2yG7UYELh4mpHS==".into(),
                    Medium,
                    h("mongo2.acme.test")
                ),
            ]
        );
    }

    #[test]
    fn old_robomongo_and_empty() {
        let d = br#"{"connections": [{"serverHost": "localhost", "sshHost": "jump.acme.test", "sshUserPassword": "old-ssh-pw", "credentials": [{"userName": "", "userPassword": ""}]}]}"#;
        assert_eq!(
            run(".config/robomongo/0.8/robomongo.json", d),
            vec![(
                "old-ssh-pw".into(),
                Confidence::High,
                Some("jump.acme.test".into())
            )]
        );
        assert!(!Robo3t.applies("robo3t.key", b""));
    }
}
