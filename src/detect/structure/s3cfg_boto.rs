//! s3cmd (`.s3cfg`) and boto / gsutil (`.boto`, `boto.cfg`) configuration: storage keys and
//! tokens (SPEC §32).
//!
//! Python `configparser` INI: `key = value` or `key: value`, `#`/`;` comment lines. Secrets:
//! s3cmd `secret_key`, `access_token` (an STS session token: medium), `gpg_passphrase`;
//! boto `aws_secret_access_key`, `gs_secret_access_key`, `gs_oauth2_refresh_token`,
//! `gs_service_key_file_password`, `proxy_pass`. `access_key`, `*_access_key_id` and
//! `gs_service_key_file` (a path) are not secrets; s3cmd's `%(name)s` interpolation is a
//! reference. The `s3cmd --configure` template writes every key empty.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{field, ini, name};
use super::text;
use crate::rules::Confidence;

pub struct S3cfgBoto;

/// The secret keys, what they hold and how sure a value there is a live credential.
const KEYS: &[(&str, FieldKind, Confidence)] = &[
    ("secret_key", FieldKind::Key, Confidence::High),
    ("access_token", FieldKind::Token, Confidence::Medium),
    ("gpg_passphrase", FieldKind::Password, Confidence::High),
    ("aws_secret_access_key", FieldKind::Key, Confidence::High),
    ("gs_secret_access_key", FieldKind::Key, Confidence::High),
    (
        "gs_oauth2_refresh_token",
        FieldKind::Token,
        Confidence::High,
    ),
    (
        "gs_service_key_file_password",
        FieldKind::Password,
        Confidence::High,
    ),
    ("proxy_pass", FieldKind::Password, Confidence::High),
];

impl Extractor for S3cfgBoto {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let n = name(path);
        n == ".s3cfg" || n == "s3cfg" || n.ends_with(".s3cfg") || n == ".boto" || n == "boto.cfg"
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        for e in ini(data, b"=:", &[b"#", b";"]) {
            let Some(&(_, kind, confidence)) = KEYS.iter().find(|(k, _, _)| e.key_is(data, k))
            else {
                continue;
            };
            let (s, en, _) = text::unquote(data, e.value.0, e.value.1);
            let v = &data[s..en];
            if s >= en || memchr::memmem::find(v, b"%(").is_some() {
                continue;
            }
            out.push(field(s, en, None, None, kind, confidence, None));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &[u8]) -> Vec<(String, FieldKind, Confidence)> {
        let mut out = Vec::new();
        S3cfgBoto.extract(".s3cfg", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!((f.min_len, &f.value, f.encoding), (1, &None, None));
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.kind,
                    f.confidence,
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn applies_to_names() {
        for p in [
            ".s3cfg",
            "home/u/.s3cfg",
            "prod.s3cfg",
            ".boto",
            "etc/boto.cfg",
            ".config/gcloud/legacy_credentials/a@b.test/.boto",
        ] {
            assert!(S3cfgBoto.applies(p, b""), "{p}");
        }
        for p in ["boto.py", "s3cfg.md", "boto/cfg"] {
            assert!(!S3cfgBoto.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn s3cmd_and_boto_secrets() {
        let d = concat!(
            "[default]\naccess_key = AKIAIOSFODNN7EXAMPLE\nsecret_key = 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\n",
            "access_token =\nhost_bucket = %(bucket)s.s3.amazonaws.com\ngpg_passphrase = Chelsea#99\n",
            "access_token: FwoGZXIvYXdzEJr\n",
            "[Credentials]\ngs_access_key_id = GOOG1EONJK6MWKR74W636PT4N5WSB234SEE47RTKAZM6MSWNHQWWHCDA3BQ7C\n",
            "gs_secret_access_key = HYqvRJzIxpF6f6U/Sf7LbGjSf9R6Yd/tNfwOb1PW\n",
            "gs_oauth2_refresh_token = 1//0UFzj65OReH36HgZesK2XpAsJRRJwjRJriiUMzG\n",
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = 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\n", // leakhound:allow (test data)
            "[Boto]\nproxy_user = me\nproxy_pass = Pr0xyPa55\n",
        )
        .as_bytes();
        use Confidence::*;
        use FieldKind::*;
        assert_eq!(
            found(d),
            vec![
                (s("k/wJa1eYU54uOkdAj3cmpwspMr5OUa2a7usN7YjA"), Key, High),
                (s("Chelsea#99"), Password, High),
                (s("FwoGZXIvYXdzEJr"), Token, Medium),
                (s("HYqvRJzIxpF6f6U/Sf7LbGjSf9R6Yd/tNfwOb1PW"), Key, High),
                (s("1//0UFzj65OReH36HgZesK2XpAsJRRJwjRJriiUMzG"), Token, High),
                (s("tknJ8+qnPvqhqkjfr/sgpBj5vg37kmWdb8lss5OY"), Key, High),
                (s("Pr0xyPa55"), Password, High),
            ]
        );
    }

    #[test]
    fn templates_references_comments() {
        let d = b"[default]\naccess_key =\nsecret_key =\ngpg_command = /usr/bin/gpg\ngpg_passphrase =\n\
secret_key = %(SECRET)s\n# gs_oauth2_refresh_token = 1//0abc\ngs_service_key_file = /etc/gcs/sa.json\n";
        assert!(found(d).is_empty());
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"secret_key",
            b"secret_key=",
            b"secret_key=%(",
            b"\xff:\xfe",
        ] {
            found(d);
        }
    }
}
