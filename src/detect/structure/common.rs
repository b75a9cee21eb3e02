//! Helpers the JSON, XML, YAML and HCL credential formats share: path tests, the host of a
//! URL or registry key, `user:password` pairs (plain, base64, URL userinfo), a PEM private
//! key check, and the key-name classifier of SPEC A.3 for formats without a fixed schema.

use std::borrow::Cow;

use super::field::{Field, FieldKind};
use crate::rules::Confidence;

/// The last `/`-separated segment of `path`.
pub fn file_name(path: &str) -> &str {
    match memchr::memrchr(b'/', path.as_bytes()) {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// Does `path` end with `suffix` (`.docker/config.json`) at a segment boundary?
pub fn path_ends_with(path: &str, suffix: &str) -> bool {
    path == suffix
        || (path.len() > suffix.len()
            && path.ends_with(suffix)
            && path.as_bytes()[path.len() - suffix.len() - 1] == b'/')
}

/// Does `data` contain `needle`?
pub fn contains(data: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(data, needle).is_some()
}

/// The host (and port) a URL, a `//host/path` registry key or a bare host names, lower case:
/// `https://user@Index.Docker.io/v1/` → `index.docker.io`.
pub fn host_of(s: &[u8]) -> String {
    let s = s.trim_ascii();
    let s = match memchr::memmem::find(s, b"://") {
        Some(i) => &s[i + 3..],
        None => s.strip_prefix(b"//").unwrap_or(s),
    };
    let end = s
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(s.len());
    let auth = &s[..end];
    let host = memchr::memrchr(b'@', auth).map_or(auth, |i| &auth[i + 1..]);
    String::from_utf8_lossy(host).to_ascii_lowercase()
}

/// Printable text: UTF-8 without control characters (a tab aside).
pub fn printable(v: &[u8]) -> bool {
    std::str::from_utf8(v).is_ok_and(|s| !s.chars().any(|c| c.is_control() && c != '\t'))
}

/// `user:password` split at the first colon (passwords may hold colons).
pub fn user_pass(v: &[u8]) -> Option<(&[u8], &[u8])> {
    let i = memchr::memchr(b':', v)?;
    Some((&v[..i], &v[i + 1..]))
}

/// Base64 of `user:password` (Docker `auth`, Yarn `npmAuthIdent`): the decoded text, if it is
/// printable and holds a colon.
pub fn basic_auth(raw: &[u8]) -> Option<Vec<u8>> {
    let decoded = super::text::base64(raw)?;
    (printable(&decoded) && decoded.contains(&b':')).then_some(decoded)
}

/// The password in a URL's userinfo inside `data[start..end]` (`postgres://u:p@h/db`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPassword {
    pub start: usize,
    pub end: usize,
    /// Percent-decoded, when that changes it.
    pub decoded: Option<Vec<u8>>,
    pub host: String,
}

pub fn url_password(data: &[u8], start: usize, end: usize) -> Option<UrlPassword> {
    let s = data.get(start..end)?;
    let scheme = memchr::memmem::find(s, b"://")?;
    let auth_start = scheme + 3;
    let auth_end = s[auth_start..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(s.len(), |i| auth_start + i);
    let at = memchr::memrchr(b'@', &s[auth_start..auth_end])? + auth_start;
    let colon = memchr::memchr(b':', &s[auth_start..at])? + auth_start;
    let (ps, pe) = (colon + 1, at);
    if pe <= ps {
        return None;
    }
    let pass = &s[ps..pe];
    let decoded = super::text::percent(pass);
    Some(UrlPassword {
        start: start + ps,
        end: start + pe,
        decoded: (decoded != pass).then_some(decoded),
        host: host_of(&s[at + 1..auth_end]),
    })
}

/// A PEM private key with a real body (not `...`): a `-----BEGIN … PRIVATE KEY-----` line
/// followed by at least 64 base64 characters before the `-----END`.
pub fn pem_private_key(v: &[u8]) -> bool {
    let Some(b) = memchr::memmem::find(v, b"-----BEGIN ") else {
        return false;
    };
    let Some(h) = memchr::memmem::find(&v[b + 11..], b"-----").map(|i| b + 11 + i) else {
        return false;
    };
    if memchr::memmem::find(&v[b..h], b"PRIVATE KEY").is_none() {
        return false;
    }
    let body_end = memchr::memmem::find(&v[h + 5..], b"-----END").map_or(v.len(), |i| h + 5 + i);
    let body = &v[h + 5..body_end];
    if memchr::memmem::find(body, b"...").is_some() {
        return false;
    }
    body.iter()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .count()
        >= 64
}

/// A reference to a value kept elsewhere, not a value: `${VAR}`, `$VAR`, `$(cmd)`,
/// `{{ var }}`, `%(name)s`, `<%= … %>`, `ENC(…)`, `{cipher}…`.
pub fn is_reference(v: &[u8]) -> bool {
    let v = v.trim_ascii();
    contains(v, b"${")
        || contains(v, b"{{")
        || contains(v, b"<%")
        || (v.starts_with(b"%(") && contains(v, b")s"))
        || v.starts_with(b"ENC(")
        || v.starts_with(b"{cipher}")
        || (v.len() > 1
            && v[0] == b'$'
            && (v[1] == b'(' || v[1] == b'{' || v[1].is_ascii_alphabetic() || v[1] == b'_')
            && !v[1..].contains(&b'$'))
}

/// An AWS access key id (`AKIA…`, `ASIA…`): an identity, not a secret.
pub fn is_aws_key_id(v: &[u8]) -> bool {
    v.len() == 20
        && (v.starts_with(b"AKIA") || v.starts_with(b"ASIA") || v.starts_with(b"AIDA"))
        && v.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A field at `start..end` whose secret is `value` (kept only when it differs from what is
/// written there).
pub fn field(
    data: &[u8],
    start: usize,
    end: usize,
    value: Cow<'_, [u8]>,
    kind: FieldKind,
    confidence: Confidence,
) -> Field {
    let mut f = Field::plain(start, end, kind, confidence);
    if data.get(start..end) != Some(&value[..]) {
        f.value = Some(value.into_owned());
    }
    f
}

/// What SPEC A.3 makes of a key name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyClass {
    /// A credential position (`db_password`, `client-secret`, `ossrhPassword`, `API_KEY`).
    Secret,
    /// Ends in plain `key` (`CACHE_KEY`, `SIGNING_KEY`): a secret only at medium and only for
    /// values of 16 characters or more.
    WeakKey,
}

/// What a value under the secret-named key `name` is: a PEM private key, a password, a
/// token, or (anything else: `secret_key`, `salt`) a key.
pub fn kind_for_key(name: &[u8], value: &[u8]) -> FieldKind {
    if pem_private_key(value) {
        return FieldKind::PrivateKey;
    }
    let words = key_words(name);
    let has = |w: &[&str]| words.iter().any(|x| w.contains(&x.as_str()));
    if has(&[
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "passcode",
    ]) {
        FieldKind::Password
    } else if has(&["token", "auth", "credentials", "credential", "dsn"]) {
        FieldKind::Token
    } else {
        FieldKind::Key
    }
}

/// The key's words, lower case: split on `_ . - /` and spaces, and at camelCase boundaries
/// (`ossrhPassword` → `ossrh password`, `APIKey` → `api key`).
pub fn key_words(name: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let b = name;
    for (i, &c) in b.iter().enumerate() {
        if matches!(c, b'_' | b'.' | b'-' | b'/' | b' ' | b':') {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = c.is_ascii_uppercase()
            && i > 0
            && (b[i - 1].is_ascii_lowercase()
                || b[i - 1].is_ascii_digit()
                || (b[i - 1].is_ascii_uppercase()
                    && b.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
        if boundary && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase() as char);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// SPEC A.3 on the last segment of a key (the caller passes that segment: `password` of
/// `credentials.password`).
pub fn classify_key(name: &[u8]) -> Option<KeyClass> {
    let w = key_words(name);
    let last = w.last()?.as_str();
    let prev = w.len().checked_sub(2).map(|i| w[i].as_str());
    // Switches and settings about a secret, not the secret.
    const FLAGS: &[&str] = &[
        "enable", "enabled", "disable", "disabled", "use", "allow", "require", "required", "is",
        "has", "should", "manage", "generate", "rotate", "show", "skip", "no", "force",
    ];
    if w.len() > 1 && FLAGS.contains(&w[0].as_str()) {
        return None;
    }
    const NOT: &[&str] = &[
        "file",
        "files",
        "path",
        "dir",
        "url",
        "uri",
        "endpoint",
        "length",
        "len",
        "min",
        "max",
        "policy",
        "enabled",
        "required",
        "reset",
        "hasher",
        "hashers",
        "validators",
        "id",
        "ids",
        "name",
        "user",
        "username",
        "login",
        "type",
        "mode",
        "flags",
        "method",
        "expiry",
        "expires",
        "expiration",
        "ttl",
        "algorithm",
        "header",
        "arn",
        "version",
        "prefix",
        "format",
        "location",
        "timeout",
        "count",
        "size",
        "age",
        "rotation",
        "hint",
        "label",
    ];
    if NOT.contains(&last) {
        return None;
    }
    const LAST: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "auth",
        "credentials",
        "credential",
        "salt",
        "dsn",
        "passcode",
    ];
    if LAST.contains(&last) {
        return Some(KeyClass::Secret);
    }
    match (prev, last) {
        (Some("api" | "access" | "secret" | "private" | "master" | "encryption"), "key")
        | (Some("key"), "base") => Some(KeyClass::Secret),
        (_, "key") => Some(KeyClass::WeakKey),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(path_ends_with(
            "a/.docker/config.json",
            ".docker/config.json"
        ));
        assert!(path_ends_with(".docker/config.json", ".docker/config.json"));
        assert!(!path_ends_with(
            "x.docker/config.json",
            ".docker/config.json"
        ));
        assert_eq!(file_name("a/b/c.json"), "c.json");
    }

    #[test]
    fn hosts_and_urls() {
        assert_eq!(host_of(b"https://Index.Docker.io/v1/"), "index.docker.io");
        assert_eq!(host_of(b"//nexus.acme.test/repo/npm/"), "nexus.acme.test");
        assert_eq!(host_of(b"ghcr.io"), "ghcr.io");
        assert_eq!(host_of(b"https://u:p@h.test:8443/x"), "h.test:8443");
        let d = b"\"postgres://tf:p%40ss@pg.acme.test/db\""; // leakhound:allow (test data)
        let u = url_password(d, 1, d.len() - 1).unwrap();
        assert_eq!(&d[u.start..u.end], b"p%40ss");
        assert_eq!(u.decoded.as_deref(), Some(&b"p@ss"[..]));
        assert_eq!(u.host, "pg.acme.test");
        assert!(url_password(b"https://h.test/x@y", 0, 18).is_none());
        assert!(url_password(b"postgres://user@h/db", 0, 20).is_none());
    }

    #[test]
    fn basic_auth_pairs() {
        assert_eq!(
            basic_auth(b"Y2k6U3VuZmxvd2VyIzc=").unwrap(),
            b"ci:Sunflower#7"
        );
        assert!(basic_auth(b"not base64!").is_none());
        assert!(basic_auth(b"c2VjcmV0").is_none()); // "secret": no colon
        assert_eq!(user_pass(b"u:p:q"), Some((&b"u"[..], &b"p:q"[..])));
    }

    #[test]
    fn references() {
        for r in [
            "${DB_PASS}",
            "$DB_PASS",
            "$(cat f)",
            "{{ pass }}",
            "%(pass)s",
            "ENC(abc)",
            "{cipher}ab",
            "<%= ENV['X'] %>",
        ] {
            assert!(is_reference(r.as_bytes()), "{r}");
        }
        for v in ["Summer2019!", "$6$salt$hash", "a$b", "p${"] {
            assert_eq!(is_reference(v.as_bytes()), v == "p${", "{v}");
        }
    }

    #[test]
    fn pem() {
        let body = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCz81W3rRdbq/XJ";
        let k = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
        assert!(pem_private_key(k.as_bytes()));
        assert!(!pem_private_key(
            b"-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n"
        ));
        let c = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
        assert!(!pem_private_key(c.as_bytes()));
    }

    #[test]
    fn key_classes() {
        use KeyClass::*;
        for k in [
            "db_password",
            "DB_PASSWORD",
            "client_secret",
            "client-secret",
            "ossrhPassword",
            "signing.password",
            "jwt.secret",
            "github_token",
            "datadog_api_key",
            "apiKey",
            "API_KEY",
            "secret_key_base",
            "AUTH_SALT",
            "SENTRY_DSN",
            "access_key",
            "pass",
        ] {
            assert_eq!(classify_key(k.as_bytes()), Some(Secret), "{k}");
        }
        for k in ["CACHE_KEY", "signing_key", "key"] {
            assert_eq!(classify_key(k.as_bytes()), Some(WeakKey), "{k}");
        }
        for k in [
            "password_length",
            "enable_password_auth",
            "db_username",
            "AWS_ACCESS_KEY_ID",
            "ssh_key_file",
            "token_url",
            "PASSWORD_RESET",
            "region",
            "instance_count",
            "secret_arn",
            "manage_master_user_password",
            "",
        ] {
            assert_eq!(classify_key(k.as_bytes()), None, "{k}");
        }
        assert_eq!(key_words(b"APIKey"), vec!["api", "key"]);
    }
}
