//! GitHub CLI and `hub` credentials (SPEC §40): gh's `hosts.yml` (`~/.config/gh/`,
//! `%AppData%/GitHub CLI/`), a map host → `{oauth_token, user, git_protocol, users:
//! {<login>: {oauth_token}}}` (gh writes tokens there only without a keyring or with
//! `--insecure-storage`); and hub's `~/.config/hub`, a map host → list of `{user,
//! oauth_token, protocol}`.
//!
//! Every `oauth_token` is reported with its host (the top-level key). `user`, `users` keys
//! and `git_protocol` are identity or settings; gh's `config.yml` holds no token.

use super::common::{field, host_of, is_reference, path_ends_with};
use super::field::{Extractor, Field, FieldKind};
use super::yaml::{self, YamlKey};
use crate::rules::Confidence;

pub struct GhHosts;

impl Extractor for GhHosts {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        path_ends_with(path, "gh/hosts.yml")
            || path_ends_with(path, "GitHub CLI/hosts.yml")
            || path_ends_with(path, ".config/hub")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        yaml::scan(data, &mut |p, v| {
            let host = match p {
                // gh: host.oauth_token, host.users.<login>.oauth_token
                [YamlKey::Name(h), t] if t.is("oauth_token") => h,
                [YamlKey::Name(h), u, YamlKey::Name(_), t]
                    if u.is("users") && t.is("oauth_token") =>
                {
                    h
                }
                // hub: host[i].oauth_token
                [YamlKey::Name(h), YamlKey::Index(_), t] if t.is("oauth_token") => h,
                _ => return,
            };
            let text = v.text(data);
            if text.trim_ascii().is_empty() || is_reference(&text) {
                return;
            }
            let mut f = field(
                data,
                v.start,
                v.end,
                text,
                FieldKind::Token,
                Confidence::High,
            );
            f.host = Some(host_of(host));
            out.push(f);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &[u8]) -> Vec<(String, Option<String>)> {
        crate::detect::structure::testing::tokens_if_applies(&GhHosts, path, data)
    }

    #[test]
    fn gh_hosts_and_hub() {
        let d = b"github.com:\n    oauth_token: gho_fake_token_1\n    user: jdoe\n    git_protocol: https\n    users:\n        jdoe:\n            oauth_token: \"gho_fake_token_1\"\ngithub.acme.test:\n    # oauth_token: old\n    oauth_token: 48c27de092efa1acd54b98c650e2fb06fe7261f8 # ghes\n    user: jdoe\n"; // leakhound:allow (test data)
        let h = |s: &str| Some(s.to_string());
        assert_eq!(
            run("home/.config/gh/hosts.yml", d),
            vec![
                ("gho_fake_token_1".into(), h("github.com")),
                ("gho_fake_token_1".into(), h("github.com")),
                (
                    "48c27de092efa1acd54b98c650e2fb06fe7261f8".into(),
                    h("github.acme.test")
                ),
            ]
        );
        let hub =
            b"github.com:\n- user: jdoe\n  oauth_token: ghp_fake_token_2\n  protocol: https\n";
        assert_eq!(
            run(".config/hub", hub),
            vec![("ghp_fake_token_2".into(), h("github.com"))]
        );
    }

    #[test]
    fn settings_only() {
        let d = b"github.com:\n    git_protocol: ssh\n    users:\n        jdoe:\n    user: jdoe\n";
        assert!(run(".config/gh/hosts.yml", d).is_empty());
        assert!(!GhHosts.applies(".config/gh/config.yml", b""));
        assert!(!GhHosts.applies("src/hub", b""));
        assert!(GhHosts.applies("AppData/Roaming/GitHub CLI/hosts.yml", b""));
    }
}
