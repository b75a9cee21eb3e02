//! AWS shared credentials and config files (`~/.aws/credentials`, `~/.aws/config`):
//! `aws_secret_access_key` and session tokens per profile (SPEC §22).
//!
//! INI as botocore reads it (`configparser`): `[profile]` sections, `key = value` or
//! `key: value`, `#`/`;` comment lines, keys case-insensitive. The secret access key is
//! reported high; `aws_session_token` (and legacy `aws_security_token`) medium, since it
//! expires. The key id (`AKIA…`/`ASIA…`), `role_arn`, `sso_*`, `credential_process` are
//! identities or settings, not secrets. A file named just `credentials` counts when it
//! holds `aws_access_key_id`/`aws_secret_access_key`.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{contains_within, ends_with_path, field, ini, name};
use super::text;
use crate::rules::Confidence;

pub struct AwsCredentials;

impl Extractor for AwsCredentials {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        ends_with_path(path, ".aws/credentials")
            || ends_with_path(path, ".aws/config")
            || ends_with_path(path, "aws/credentials")
            || (name(path) == "credentials"
                && (contains_within(data, b"aws_secret_access_key", 1 << 16)
                    || contains_within(data, b"aws_access_key_id", 1 << 16)))
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        for e in ini(data, b"=:", &[b"#", b";"]) {
            let confidence = if e.key_is(data, "aws_secret_access_key") {
                Confidence::High
            } else if e.key_is(data, "aws_session_token") || e.key_is(data, "aws_security_token") {
                Confidence::Medium
            } else {
                continue;
            };
            let kind = if confidence == Confidence::High {
                FieldKind::Key
            } else {
                FieldKind::Token
            };
            let (s, en, _) = text::unquote(data, e.value.0, e.value.1);
            if s < en {
                out.push(field(s, en, None, None, kind, confidence, None));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(path: &str, data: &[u8]) -> Vec<(String, FieldKind, Confidence)> {
        let mut out = Vec::new();
        if AwsCredentials.applies(path, data) {
            AwsCredentials.extract(path, data, &mut out);
        }
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.min_len, &f.value, f.encoding, &f.host),
                    (1, &None, None, &None)
                );
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
    fn applies_by_path_or_signature() {
        for p in [
            ".aws/credentials",
            "home/u/.aws/config",
            "backup/aws/credentials",
            ".aws/credentials.bak",
        ] {
            assert!(AwsCredentials.applies(p, b""), "{p}");
        }
        assert!(AwsCredentials.applies("deploy/credentials", b"[x]\naws_access_key_id = A\n"));
        assert!(!AwsCredentials.applies("deploy/credentials", b"user=x\n"));
        assert!(!AwsCredentials.applies("config", b"aws_secret_access_key = x"));
    }

    #[test]
    fn secret_keys_and_session_tokens() {
        let d = concat!(
            "[default]\naws_access_key_id = AKIA5GDONUGX34POYR6H\n", // leakhound:allow (test data)
            "aws_secret_access_key = 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\n\n", // leakhound:allow (test data)
            "[deploy-temp]\r\naws_access_key_id=ASIAA763Z2EVQQX2PTHS\r\n", // leakhound:allow (test data)
            "AWS_Secret_Access_Key=vXHO0/50Q26Xa+vTex34O2freoeZjIpx7kN633Ln\r\n", // leakhound:allow (test data)
            "aws_session_token=IQoJb3JpZ2luX2VjEiwY5l+obutkvkOXBayAbdFiaV5B=\r\n",
            "[old]\naws_security_token: FQoDYXdzEJr//////////wEa\n",
        )
        .as_bytes();
        use Confidence::*;
        use FieldKind::*;
        assert_eq!(
            found(".aws/credentials", d),
            vec![
                (s("tQN8Oaj0BsKESGEBHIHkdahbZLuvbCkWGasufwes"), Key, High),
                (s("vXHO0/50Q26Xa+vTex34O2freoeZjIpx7kN633Ln"), Key, High),
                (
                    s("IQoJb3JpZ2luX2VjEiwY5l+obutkvkOXBayAbdFiaV5B="),
                    Token,
                    Medium
                ),
                (s("FQoDYXdzEJr//////////wEa"), Token, Medium),
            ]
        );
    }

    #[test]
    fn no_secret() {
        let d = b"[profile dev]\nsso_session = acme\nsso_account_id = 111122223333\nregion = eu-west-1\n\
role_arn = arn:aws:iam::111122223333:role/x\n[sso]\ncredential_process = /usr/local/bin/aws-vault exec sso --json\n\
# aws_secret_access_key = Spring2022Spring2022Spring2022Spring2022\n\
; aws_secret_access_key = Spring2022Spring2022Spring2022Spring2022\n\
aws_secret_access_key =\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n";
        assert!(found(".aws/config", d).is_empty());
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"[",
            b"aws_secret_access_key",
            b"aws_secret_access_key=\"",
            b"\xff=\xfe:\x00",
        ] {
            found(".aws/credentials", d);
        }
    }
}
