//! Composer credentials (SPEC §30): `auth.json` (project root, `~/.composer/`,
//! `~/.config/composer/`), and the same sections under `config` in `composer.json`.
//!
//! Reported: `http-basic.<host>.password`, `github-oauth.<host>`, `gitlab-oauth.<host>`,
//! `gitlab-token.<host>` (a string, or an object's `token`), `bitbucket-oauth.<host>.
//! consumer-secret`, `bearer.<host>`, `client-certificate.<host>.passphrase`,
//! `forgejo-token.<host>.token`; the host key is the field's host. `auth.json` is a generic
//! name (Podman uses it too): the file must hold one of these sections.

use super::common::{contains, field, file_name, host_of, is_reference};
use super::field::{Extractor, Field, FieldKind};
use super::json::{self, JsonKey};
use crate::rules::Confidence;

pub struct ComposerAuth;

const SECTIONS: &[&str] = &[
    "http-basic",
    "github-oauth",
    "gitlab-oauth",
    "gitlab-token",
    "bitbucket-oauth",
    "bearer",
    "client-certificate",
    "forgejo-token",
];

impl Extractor for ComposerAuth {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let name = file_name(path);
        (name == "auth.json" || name == "composer.json")
            && SECTIONS
                .iter()
                .any(|s| contains(data, format!("\"{s}\"").as_bytes()))
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        let in_config = file_name(path) == "composer.json";
        json::scan(data, &mut |p, s| {
            // composer.json keeps the sections under `config`.
            let p = match (in_config, p) {
                (true, [config, rest @ ..]) if config.is("config") => rest,
                (true, _) => return,
                (false, p) => p,
            };
            let (section, host, rest) = match p {
                [JsonKey::Name(section), JsonKey::Name(host), rest @ ..] => (section, host, rest),
                _ => return,
            };
            let section = json::unescape(section);
            let kind = match (&section[..], rest) {
                (b"http-basic", [k]) if k.is("password") => FieldKind::Password,
                (b"client-certificate", [k]) if k.is("passphrase") => FieldKind::Password,
                (b"github-oauth" | b"gitlab-oauth" | b"gitlab-token" | b"bearer", []) => {
                    FieldKind::Token
                }
                (b"gitlab-oauth" | b"gitlab-token" | b"forgejo-token", [k]) if k.is("token") => {
                    FieldKind::Token
                }
                (b"bitbucket-oauth", [k]) if k.is("consumer-secret") => FieldKind::Token,
                _ => return,
            };
            if !s.is_string() {
                return;
            }
            let text = s.text(data);
            if text.trim_ascii().is_empty() || is_reference(&text) {
                return;
            }
            let mut f = field(data, s.start, s.end, text, kind, Confidence::High);
            f.host = Some(host_of(&json::unescape(host)));
            out.push(f);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &[u8]) -> Vec<(String, Option<String>, FieldKind)> {
        let mut out = Vec::new();
        if ComposerAuth.applies(path, data) {
            ComposerAuth.extract(path, data, &mut out);
        }
        out.iter()
            .map(|f| {
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.host.clone(),
                    f.kind,
                )
            })
            .collect()
    }

    #[test]
    fn every_section() {
        let d = br#"{
    "http-basic": {"satis.acme.test": {"username": "ci", "password": "Pumpkin2016"}}, // leakhound:allow
    "github-oauth": {"github.com": "ghp_fake_token_2"},
    "gitlab-oauth": {"gitlab.com": "oauthfake"},
    "gitlab-token": {"gitlab.acme.test": {"username": "deploy", "token": "glpat-fakefake"}, "gl2.test": "glpat-two"},
    "bitbucket-oauth": {"bitbucket.org": {"consumer-key": "ck", "consumer-secret": "csfake"}},
    "bearer": {"repo.acme.test": "bearerfake"},
    "client-certificate": {"repo2.test": {"local_cert": "/c.pem", "passphrase": "Winter#1"}}, // leakhound:allow
    "forgejo-token": {"codeberg.org": {"username": "u", "token": "fjfake"}}
}"#;
        use FieldKind::*;
        let h = |s: &str| Some(s.to_string());
        assert_eq!(
            run("auth.json", d),
            vec![
                ("Pumpkin2016".into(), h("satis.acme.test"), Password),
                ("ghp_fake_token_2".into(), h("github.com"), Token),
                ("oauthfake".into(), h("gitlab.com"), Token),
                ("glpat-fakefake".into(), h("gitlab.acme.test"), Token),
                ("glpat-two".into(), h("gl2.test"), Token),
                ("csfake".into(), h("bitbucket.org"), Token),
                ("bearerfake".into(), h("repo.acme.test"), Token),
                ("Winter#1".into(), h("repo2.test"), Password),
                ("fjfake".into(), h("codeberg.org"), Token),
            ]
        );
    }

    #[test]
    fn composer_json_config_and_negatives() {
        let d = br#"{"name": "a/b", "config": {"http-basic": {"r.test": {"username": "u", "password": "s3cret-pw"}}}, "http-basic": {"x.test": {"password": "not-here"}}}"#;
        assert_eq!(
            run("composer.json", d),
            vec![(
                "s3cret-pw".into(),
                Some("r.test".into()),
                FieldKind::Password
            )]
        );
        let empty = br#"{"http-basic": {}, "github-oauth": {}, "bearer": {"h": "${TOKEN}"}}"#;
        assert!(run("auth.json", empty).is_empty());
        assert!(!ComposerAuth.applies("containers/auth.json", br#"{"auths": {}}"#));
        assert!(run("auth.json", b"{\"bearer\": {\"h\": \"unterminated").is_empty());
    }
}
