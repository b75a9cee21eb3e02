//! Git's plain-text credential store (`.git-credentials`, `~/.config/git/credentials`): one
//! URL per line, `scheme://user:password@host[:port][/path]` (SPEC §16).
//!
//! The password is percent-decoded. When it is GitHub's constant `x-oauth-basic`, the token
//! is the user part; with no password, a token-shaped user part (`ghp_…`, 40 hex) is the
//! secret. Fixed user names (`x-access-token`, `oauth2`, `gitlab-ci-token`) are identities.

use super::field::{Extractor, Field};
use super::lines_common::{ends_with_path, find_urls, name, parse_url, url_field};
use super::text;
use crate::rules::Confidence;

pub struct GitCredentials;

impl Extractor for GitCredentials {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        name(path) == ".git-credentials" || ends_with_path(path, "git/credentials")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        for (ls, line) in text::lines(data) {
            if text::is_comment(line, &[b"#"]) {
                continue;
            }
            let le = ls + line.len();
            for (s, e) in find_urls(data, ls, le) {
                if let Some(f) =
                    parse_url(data, s, e).and_then(|u| url_field(data, &u, Confidence::High))
                {
                    out.push(f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::structure::field::FieldKind;
    use crate::detect::structure::testing::{self, s, Found};

    fn found(data: &[u8]) -> Vec<Found> {
        testing::found(&GitCredentials, ".git-credentials", data)
    }

    #[test]
    fn applies_to_store_paths() {
        for p in [
            ".git-credentials",
            "home/u/.git-credentials",
            ".config/git/credentials",
        ] {
            assert!(GitCredentials.applies(p, b""), "{p}");
        }
        for p in [
            "credentials",
            "git-credentials.md",
            ".aws/credentials",
            "git/credentials.json",
        ] {
            assert!(!GitCredentials.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn passwords_and_tokens() {
        let d = concat!(
            "https://jdoe:ghp_quVL2RG6QJmDOFtGWSsZ@github.com\n", // leakhound:allow (test data)
            "https://jdoe%40acme.test:Chelsea%2399@bitbucket.org\r\n", // leakhound:allow (test data)
            "https://oauth2:glpat-1uU56R8HfHT1UU@gitlab.acme.test\n", // leakhound:allow (test data)
            "https://a98532dab3f7d7589dcbdb5990700e075a956150:x-oauth-basic@github.com\n", // leakhound:allow (test data)
            "http://builder:Monday1!@git.acme.test:8080/scm/shop.git\n", // leakhound:allow (test data)
            "https://ghp_Zq3m9Lr2Xv8Nt4Kb7Wc1@github.com\n",
        )
        .as_bytes();
        use FieldKind::*;
        assert_eq!(
            found(d),
            vec![
                (
                    s("ghp_quVL2RG6QJmDOFtGWSsZ"),
                    None,
                    None,
                    Token,
                    Some(s("github.com"))
                ),
                (
                    s("Chelsea%2399"),
                    Some(s("Chelsea#99")),
                    Some("percent"),
                    Password,
                    Some(s("bitbucket.org"))
                ),
                (
                    s("glpat-1uU56R8HfHT1UU"),
                    None,
                    None,
                    Token,
                    Some(s("gitlab.acme.test"))
                ),
                (
                    s("a98532dab3f7d7589dcbdb5990700e075a956150"),
                    None,
                    None,
                    Token,
                    Some(s("github.com"))
                ),
                (
                    s("Monday1!"),
                    None,
                    None,
                    Password,
                    Some(s("git.acme.test:8080"))
                ),
                (
                    s("ghp_Zq3m9Lr2Xv8Nt4Kb7Wc1"),
                    None,
                    None,
                    Token,
                    Some(s("github.com"))
                ),
            ]
        );
    }

    #[test]
    fn no_credential_lines() {
        let d = concat!(
            "https://github.com\nhttps://jdoe@github.com\n",
            "# https://jdoe:Hunter2Hunter2@acme.test\n  # https://a:b@c\nnot a url\n", // leakhound:allow (test data)
        )
        .as_bytes();
        assert!(found(d).is_empty());
        // A reference is the gate's to drop.
        assert_eq!(
            found(b"https://user:${GITHUB_TOKEN}@github.com")[0].0,
            "${GITHUB_TOKEN}"
        );
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"://",
            b"https://",
            b"https://@",
            b"https://:@h",
            b"\xff://\xfe:\x00@",
            b"a://b:c@",
        ] {
            found(d);
        }
    }
}
