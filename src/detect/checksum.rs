//! Offline checks of token formats that carry a checksum.
//!
//! GitHub's and npm's tokens end in six base62 characters encoding the CRC32 of the random
//! part that precedes them (GitHub engineering blog, April 2021; npm blog, September 2021).
//! A token whose tail matches is almost certainly real; one whose tail does not is likely
//! hand-made. Both are reported; the checksum only moves the confidence.
//!
//! JSON Web Tokens carry no checksum, but their structure is as telling: a string shaped
//! like `eyJ...eyJ...` whose parts do not decode to JSON is not a token, and is dropped.

use crate::rules::rule::Checksum;

fn base62(mut n: u32, alphabet: &[u8; 62]) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = alphabet[(n % 62) as usize];
        n /= 62;
    }
    out
}

const DIGITS_UPPER_LOWER: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGITS_LOWER_UPPER: &[u8; 62] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// `Some(true)` if the checksum holds, `Some(false)` if it does not, `None` if the token does
/// not have the shape the checksum applies to.
pub fn verify(kind: Checksum, token: &[u8]) -> Option<bool> {
    match kind {
        Checksum::GithubCrc32 | Checksum::NpmCrc32 => {
            let us = token.iter().position(|&b| b == b'_')?;
            let body = &token[us + 1..];
            if body.len() < 7 || !body.iter().all(u8::is_ascii_alphanumeric) {
                return None;
            }
            let (random, tail) = body.split_at(body.len() - 6);
            let crc = crc32fast::hash(random);
            Some(tail == base62(crc, DIGITS_UPPER_LOWER) || tail == base62(crc, DIGITS_LOWER_UPPER))
        }
        Checksum::Jwt => Some(is_jwt(token)),
    }
}

/// `header.payload.signature` (after any vendor prefix such as `sk.` or `IST.`): header and
/// payload are base64url JSON objects, and the header says which algorithm signed it (RFC
/// 7519, RFC 7515 section 4.1.1).
fn is_jwt(token: &[u8]) -> bool {
    use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
    use base64::Engine;
    let Some(start) = memchr::memmem::find(token, b"eyJ") else {
        return false;
    };
    let mut parts = token[start..].split(|&b| b == b'.');
    let object = |part: Option<&[u8]>| -> Option<serde_json::Map<String, serde_json::Value>> {
        let part = part?;
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .or_else(|_| URL_SAFE.decode(part))
            .ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            serde_json::Value::Object(map) => Some(map),
            _ => None,
        }
    };
    let Some(header) = object(parts.next()) else {
        return false;
    };
    header.get("alg").is_some_and(serde_json::Value::is_string) && object(parts.next()).is_some()
}

/// Builds a token with a valid checksum (tests and the corpus generator use this).
pub fn github_style_token(prefix: &str, random: &str) -> String {
    let crc = crc32fast::hash(random.as_bytes());
    let tail = base62(crc, DIGITS_UPPER_LOWER);
    format!("{prefix}{random}{}", String::from_utf8_lossy(&tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid() {
        let t = github_style_token("ghp_", "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0");
        assert_eq!(t.len(), 40);
        assert_eq!(verify(Checksum::GithubCrc32, t.as_bytes()), Some(true));
        let mut bad = t.clone().into_bytes();
        bad[10] ^= 1;
        assert_eq!(verify(Checksum::GithubCrc32, &bad), Some(false));
        assert_eq!(verify(Checksum::GithubCrc32, b"nounderscore"), None);
    }

    #[test]
    fn jwt_header_and_payload_must_decode() {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"42"} . signature
        let good =
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlc2lnbmF0dXJl"; // leakhound:allow
        assert_eq!(verify(Checksum::Jwt, good), Some(true));
        let prefixed = [&b"sk."[..], good].concat();
        assert_eq!(verify(Checksum::Jwt, &prefixed), Some(true));
        // {"typ":"JWT"}: no algorithm.
        let no_alg = b"eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlc2lnbmF0dXJl";
        assert_eq!(verify(Checksum::Jwt, no_alg), Some(false));
        // Shaped like a JWT, but the segments are filler.
        let junk =
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9xyz.eyJabcdefghijklmnopqrs.tuvwxyzabcdefghijk";
        assert_eq!(verify(Checksum::Jwt, junk), Some(false));
    }
}
