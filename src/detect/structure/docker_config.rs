//! Docker and Podman registry credentials (SPEC §24): `~/.docker/config.json`, the legacy
//! `~/.dockercfg`, Podman/Buildah/Skopeo `containers/auth.json`, a Kubernetes
//! `.dockerconfigjson`, and any JSON file with an `"auths"` map.
//!
//! `auths.<registry>.auth` is base64 of `user:password`: the field points at the base64 and
//! its value is the password (split at the first colon; the user is identity). Also
//! reported: `identitytoken` (an OAuth refresh token: ACR, Docker Desktop), `registrytoken`
//! (a bearer token), and a legacy `password` member. The registry is the field's host.
//! `credsStore` and `credHelpers` name helper programs, not secrets; `{}` entries and the
//! ACR marker user `00000000-…` with an empty password yield nothing.

use super::common::{
    basic_auth, contains, file_name, host_of, is_reference, path_ends_with, user_pass,
};
use super::field::{Extractor, Field, FieldKind};
use super::json::{self, JsonKey};
use crate::rules::Confidence;

pub struct DockerConfig;

impl Extractor for DockerConfig {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let name = file_name(path);
        name == ".dockercfg"
            || name == ".dockerconfigjson"
            || path_ends_with(path, ".docker/config.json")
            || path_ends_with(path, "containers/auth.json")
            || (name.ends_with(".json") && contains(data, b"\"auths\""))
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        let legacy = file_name(path) == ".dockercfg";
        json::records(data, &mut |p, members| {
            // `auths.<registry>`, or (legacy `.dockercfg`) `<registry>` at the top.
            let registry = match p {
                [auths, JsonKey::Name(r)] if auths.is("auths") => *r,
                [JsonKey::Name(r)]
                    if !p[0].is("auths") && (legacy || json::member(members, "auth").is_some()) =>
                {
                    *r
                }
                _ => return,
            };
            let host = host_of(&json::unescape(registry));
            for (key, s) in members {
                if !s.is_string() {
                    continue;
                }
                let text = s.text(data);
                if text.trim_ascii().is_empty() || is_reference(&text) {
                    continue;
                }
                let mut f = if key.is("auth") {
                    let Some(decoded) = basic_auth(&text) else {
                        continue;
                    };
                    let Some((_, pass)) = user_pass(&decoded) else {
                        continue;
                    };
                    if pass.is_empty() {
                        continue;
                    }
                    let kind = if pass.starts_with(b"dckr_pat_") {
                        FieldKind::Token
                    } else {
                        FieldKind::Password
                    };
                    let mut f = Field::plain(s.start, s.end, kind, Confidence::High);
                    f.value = Some(pass.to_vec());
                    f.encoding = Some("base64");
                    f
                } else if key.is_any(&["identitytoken", "registrytoken", "password"]) {
                    let kind = if key.is("password") {
                        FieldKind::Password
                    } else {
                        FieldKind::Token
                    };
                    super::common::field(data, s.start, s.end, text, kind, Confidence::High)
                } else {
                    continue;
                };
                f.host = Some(host.clone());
                out.push(f);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &[u8]) -> Vec<Field> {
        let mut out = Vec::new();
        if DockerConfig.applies(path, data) {
            DockerConfig.extract(path, data, &mut out);
        }
        out
    }

    #[test]
    fn auths_decode_to_the_password() {
        // "ci:Sunflower#7", and the ACR marker user with an empty password.
        let d = br#"{
	"auths": {
		"https://index.docker.io/v1/": {"auth": "Y2k6U3VuZmxvd2VyIzc="}, // leakhound:allow
		"acme.azurecr.test": {
			"auth": "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==",
			"identitytoken": "eyJfake.identity\/token"
		},
		"ghcr.io": {}
	},
	"credsStore": "desktop",
	"credHelpers": {"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}
}"#;
        let f = run("home/.docker/config.json", d);
        assert_eq!(f.len(), 2);
        assert_eq!(&d[f[0].start..f[0].end], b"Y2k6U3VuZmxvd2VyIzc=");
        assert_eq!(f[0].value.as_deref(), Some(&b"Sunflower#7"[..]));
        assert_eq!(f[0].encoding, Some("base64"));
        assert_eq!(f[0].kind, FieldKind::Password);
        assert_eq!(f[0].confidence, Confidence::High);
        assert_eq!(f[0].host.as_deref(), Some("index.docker.io"));
        assert_eq!(f[0].min_len, 1);
        assert_eq!(&d[f[1].start..f[1].end], br"eyJfake.identity\/token");
        assert_eq!(f[1].value.as_deref(), Some(&b"eyJfake.identity/token"[..]));
        assert_eq!(f[1].kind, FieldKind::Token);
        assert_eq!(f[1].host.as_deref(), Some("acme.azurecr.test"));
    }

    #[test]
    fn legacy_dockercfg_and_podman() {
        let d = br#"{"https://index.docker.io/v1/": {"auth": "b2xkdXNlcjpTdW1tZXIyMDE5IQ==", "email": "old@acme.test"}}"#; // leakhound:allow (test data)
        let f = run(".dockercfg", d);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].value.as_deref(), Some(&b"Summer2019!"[..]));
        assert_eq!(f[0].start, d.iter().position(|&b| b == b'b').unwrap());
        let d = br#"{"auths": {"quay.io": {"auth": "YWNtZStyb2JvdDpwOnE="}}}"#; // leakhound:allow (test data)
        let f = run("run/user/1000/containers/auth.json", d);
        assert_eq!(f[0].value.as_deref(), Some(&b"p:q"[..]));
        assert_eq!(f[0].host.as_deref(), Some("quay.io"));
    }

    #[test]
    fn nothing_from_helpers_placeholders_or_other_json() {
        let d = br#"{"auths": {"https://index.docker.io/v1/": {}, "r": {"auth": ""}, "s": {"auth": "${DOCKER_AUTH}"}, "x": {"auth": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx="}}, "credsStore": "osxkeychain"}"#;
        assert!(run(".docker/config.json", d).is_empty());
        assert!(!DockerConfig.applies("package.json", br#"{"name": "x"}"#));
        assert!(DockerConfig.applies("k8s/pull-secret.json", br#"{"auths": {}}"#));
        // Top-level objects of a config.json are not registries unless they hold an auth.
        let d = br#"{"auths": {}, "proxies": {"default": {"password": "p4ss"}}, "HttpHeaders": {"User-Agent": "x"}}"#;
        assert!(run(".docker/config.json", d).is_empty());
        for d in [
            &b"{\"auths\": {\"a\": {\"auth\": \"Y2k6"[..],
            b"{\"auths\"",
            b"\xff\xfe",
        ] {
            let _ = run(".docker/config.json", d);
        }
    }
}
