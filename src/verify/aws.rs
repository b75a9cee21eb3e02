//! AWS: an access key id and its secret key, verified with STS `GetCallerIdentity`, which
//! needs no permission, changes nothing, and answers with the key's account and ARN. The
//! request is signed with Signature Version 4: the secret key itself is never sent.

use super::spec::{Answer, Request};
use crate::finding::hex;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const HOST: &str = "sts.amazonaws.com";
const REGION: &str = "us-east-1";
const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// `YYYYMMDDTHHMMSSZ` for `seconds` since the epoch.
fn amz_date(seconds: i64) -> String {
    // iso8601 gives `2024-03-01T12:00:00+00:00`.
    let iso = crate::source::git::dates::iso8601(seconds, 0);
    iso[..19].replace(['-', ':'], "") + "Z"
}

/// SigV4's key for one day, region and service, derived from the secret key.
fn signing_key(secret: &str, day: &str, region: &str, service: &str) -> Vec<u8> {
    [day, region, service, "aws4_request"]
        .iter()
        .fold(format!("AWS4{secret}").into_bytes(), |k, part| {
            hmac(&k, part)
        })
}

/// The signed request for key id `id` with secret key `secret`, at time `now` (seconds).
pub fn request(id: &str, secret: &str, now: i64) -> Request {
    let date = amz_date(now);
    let day = &date[..8];
    let canonical = format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{HOST}\nx-amz-date:{date}\n\n\
         content-type;host;x-amz-date\n{}",
        hex(&Sha256::digest(BODY))
    );
    let scope = format!("{day}/{REGION}/sts/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let signature = hex(&hmac(&signing_key(secret, day, REGION, "sts"), &to_sign));
    Request {
        post: true,
        url: format!("https://{HOST}/"),
        host: HOST.to_string(),
        headers: vec![
            ("Content-Type".into(), CONTENT_TYPE.into()),
            ("X-Amz-Date".into(), date.clone()),
            (
                "Authorization".into(),
                format!(
                    "AWS4-HMAC-SHA256 Credential={id}/{scope}, \
                     SignedHeaders=content-type;host;x-amz-date, Signature={signature}"
                ),
            ),
        ],
        body: Some(BODY.as_bytes().to_vec()),
    }
}

/// 200 with the caller's ARN: live; 403 `InvalidClientTokenId`: no such key; anything else
/// (`SignatureDoesNotMatch`: the key exists but the secret near it is not its own; an
/// expired or skewed request): unknown.
pub fn judge(status: u16, body: &[u8]) -> Answer {
    match status {
        200 => {
            let text = String::from_utf8_lossy(body);
            let arn = text
                .split_once("<Arn>")
                .and_then(|(_, rest)| rest.split_once("</Arn>"))
                .map(|(arn, _)| arn.trim().to_string());
            Answer::Valid(arn)
        }
        403 if String::from_utf8_lossy(body).contains("<Code>InvalidClientTokenId</Code>") => {
            Answer::Invalid
        }
        s => Answer::Unexpected(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_signing_key_of_aws_documentation() {
        // The worked example of AWS's SigV4 documentation (its published example key).
        let key = signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", // leakhound:allow
            "20150830",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex(&key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn signs_without_sending_the_secret() {
        let r = request(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", // leakhound:allow
            1_440_938_160,
        );
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        let auth = &r.headers[2].1;
        assert!(auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature="
        ));
        assert_eq!(auth.rsplit('=').next().unwrap().len(), 64);
        assert!(!auth.contains("wJalr"));
    }

    #[test]
    fn reads_the_arn() {
        let body = b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>";
        assert_eq!(
            judge(200, body),
            Answer::Valid(Some("arn:aws:iam::123456789012:user/ci".into()))
        );
        assert_eq!(
            judge(403, b"<Code>InvalidClientTokenId</Code>"),
            Answer::Invalid
        );
        assert_eq!(judge(500, b""), Answer::Unexpected(500));
    }
}
