//! What a name says its value is: a password, a secret (key, token, credential), or
//! nothing secret at all (an id, a user, a path, a length, a public key).
//!
//! Names are split into lower-case words on `_ . - $ @ :`, spaces and camelCase
//! (`dbPassword` -> `db password`, `AWS_SECRET_ACCESS_KEY` -> `aws secret access key`).
//! The last words decide: `password_length` is a length, `secret_id` (Vault AppRole) is a
//! secret, `key_id` is an identifier.

/// The class of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameClass {
    Password,
    /// A key, token, secret or credential.
    Secret,
    /// Only `key` (or `…Key`): secret only when the value is long and random.
    BareKey,
    /// An HTTP Authorization header (or a name holding one): scheme and credential.
    Authorization,
    /// A connection string or URL, whose user info may hold a password.
    Url,
    Other,
}

/// The lower-case words of a name.
pub fn words(name: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for &b in name {
        if b.is_ascii_alphanumeric() {
            if b.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            cur.push(b.to_ascii_lowercase() as char);
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Words that make a name a password.
fn is_password_word(w: &str) -> bool {
    matches!(
        w,
        "password" | "passwd" | "pwd" | "pass" | "passphrase" | "passcode" | "pw" | "pword"
    ) || (w.contains("passw") || w.ends_with("pwd") || w.ends_with("pass"))
        && !matches!(
            w,
            "bypass" | "compass" | "trespass" | "surpass" | "overpass" | "underpass"
        )
}

/// Words that make a name a secret.
fn is_secret_word(w: &str) -> bool {
    matches!(
        w,
        "secret"
            | "secrets"
            | "token"
            | "tokens"
            | "apikey"
            | "apitoken"
            | "credential"
            | "credentials"
            | "creds"
            | "auth"
            | "authtoken"
            | "authkey"
            | "accesskey"
            | "secretkey"
            | "privatekey"
            | "clientsecret"
            | "dsn"
            | "apisecret"
            | "signingkey"
            | "masterkey"
            | "encryptionkey"
            | "sessionkey"
            | "webhooksecret"
            | "bearer"
            | "jwt"
    )
}

/// Last words that make a name describe something other than the secret itself.
fn is_not_secret_tail(w: &str) -> bool {
    matches!(
        w,
        "id" | "ids"
            | "name"
            | "names"
            | "user"
            | "username"
            | "login"
            | "email"
            | "type"
            | "types"
            | "path"
            | "paths"
            | "file"
            | "files"
            | "dir"
            | "url"
            | "uri"
            | "endpoint"
            | "host"
            | "length"
            | "len"
            | "size"
            | "count"
            | "min"
            | "max"
            | "policy"
            | "enabled"
            | "enable"
            | "disabled"
            | "required"
            | "reset"
            | "hasher"
            | "hashers"
            | "validators"
            | "mode"
            | "flags"
            | "method"
            | "expiry"
            | "expires"
            | "expiration"
            | "expire"
            | "ttl"
            | "timeout"
            | "algorithm"
            | "alg"
            | "header"
            | "prefix"
            | "suffix"
            | "format"
            | "version"
            | "field"
            | "label"
            | "hint"
            | "placeholder"
            | "prompt"
            | "regex"
            | "pattern"
            | "env"
            | "var"
            | "param"
            | "query"
            | "index"
            | "ref"
            | "store"
            | "manager"
            | "provider"
            | "service"
            | "helper"
            | "class"
            | "factory"
            | "request"
            | "response"
            | "hash"
            | "digest"
            | "checksum"
            | "fingerprint"
            | "verifier"
            | "validator"
            | "strength"
            | "rules"
            | "rule"
            | "changed"
            | "confirm"
            | "confirmation"
            | "input"
            | "error"
            | "message"
            | "text"
            | "title"
            | "description"
            | "template"
            | "location"
            | "status"
            | "state"
            | "ui"
            | "dialog"
            | "form"
            | "button"
            | "visible"
            | "hidden"
            | "reveal"
            | "toggle"
            | "callback"
            | "handler"
            | "listener"
            | "event"
    )
}

/// Words that say a key or token is not secret.
fn is_public_word(w: &str) -> bool {
    matches!(
        w,
        "public"
            | "publishable"
            | "pub"
            | "primary"
            | "foreign"
            | "sort"
            | "partition"
            | "cache"
            | "idempotency"
            | "csrf"
            | "xsrf"
            | "authenticity"
            | "anon"
            | "anonymous"
            | "site"
            | "recaptcha"
            | "page"
            | "next"
            | "pagination"
            | "cursor"
            | "continuation"
            | "sync"
            | "refresh_interval"
            | "lock"
            | "hotkey"
            | "shortcut"
            | "keyboard"
            | "monkey"
            | "turkey"
            | "whiskey"
            | "jockey"
            | "hockey"
            | "donkey"
            | "lookup"
            | "map"
            | "dict"
            | "tokenizer"
            | "tokenize"
            // A hash or a fingerprint of a key is not the key; a key server, a GPG key id,
            // a verification key are public.
            | "hash"
            | "hashed"
            | "digest"
            | "checksum"
            | "sha"
            | "sha1"
            | "sha2"
            | "sha3"
            | "sha256"
            | "sha512"
            | "md5"
            | "fingerprint"
            | "verification"
            | "verify"
            | "keyserver"
            | "recv"
            | "gpg"
            | "pgp"
            | "known"
            | "websocket"
            | "tokens_per"
            | "max_tokens"
            | "nonce"
            | "maven"
    )
}

/// Classifies a name.
pub fn classify(name: &[u8]) -> NameClass {
    if !may_name_a_secret(name) {
        return NameClass::Other;
    }
    // A computed name (`"$(PWD)/static"`, `${dir}/x`) is no variable's name; a path-like
    // name (`nginx.ingress.kubernetes.io/auth-secret`) is named by its last segment.
    if memchr::memmem::find(name, b"$(").is_some() || memchr::memmem::find(name, b"${").is_some() {
        return NameClass::Other;
    }
    let name = match memchr::memrchr(b'/', name) {
        Some(i) => &name[i + 1..],
        None => name,
    };
    let w = words(name);
    let Some(last) = w.last() else {
        return NameClass::Other;
    };
    // `Sec-WebSocket-Key`: a handshake nonce, however its words are split.
    let joined: String = w.concat();
    if w.iter().any(|x| is_public_word(x)) || joined.contains("websocket") {
        return NameClass::Other;
    }
    // `max_tokens`, `num_tokens`, `token_count`: amounts, not secrets.
    if w.len() >= 2
        && matches!(
            w[0].as_str(),
            "max" | "min" | "num" | "total" | "n" | "count"
        )
    {
        return NameClass::Other;
    }
    if w.iter().any(|x| x == "authorization") {
        return NameClass::Authorization;
    }
    let has_secret_word = w.iter().any(|x| is_secret_word(x));
    // `secret_id` (Vault AppRole), `client_secret_id`: a secret that is called an id.
    if is_not_secret_tail(last) && !(last == "id" && w.iter().any(|x| x == "secret")) {
        if matches!(last.as_str(), "url" | "uri" | "dsn")
            || w.iter().any(|x| x == "connection" || x == "conn")
        {
            return NameClass::Url;
        }
        return NameClass::Other;
    }
    if w.iter().any(|x| is_password_word(x)) {
        return NameClass::Password;
    }
    if matches!(last.as_str(), "url" | "uri")
        || w.iter().any(|x| x == "connection" || x == "connstr")
    {
        return NameClass::Url;
    }
    if has_secret_word {
        return NameClass::Secret;
    }
    // `api_key`, `x-api-key`, `access_key`, `secret_key`, `private_key`.
    let pairs_secret = w.windows(2).any(|p| {
        matches!(
            (p[0].as_str(), p[1].as_str()),
            ("api", "key")
                | ("access", "key")
                | ("private", "key")
                | ("signing", "key")
                | ("encryption", "key")
                | ("master", "key")
                | ("app", "key")
                | ("client", "key")
                | ("license", "key")
                | ("account", "key")
                | ("session", "key")
                | ("auth", "key")
                | ("shared", "key")
                | ("consumer", "key")
                | ("subscription", "key")
        )
    });
    if pairs_secret {
        return NameClass::Secret;
    }
    if last == "key" || last == "keys" {
        return NameClass::BareKey;
    }
    NameClass::Other
}

/// Whether `name` holds one of the fragments every word of a class other than
/// [`NameClass::Other`] contains (`pass`, `pw`, `key`, `secret`, `token`, `cred`, `auth`,
/// `dsn`, `bearer`, `jwt`, `url`, `uri`, `conn`), in either case. Words are pieces of the
/// name, so a name without any of them is `Other`: most names near a keyword are, and this
/// answers for them without splitting words.
fn may_name_a_secret(name: &[u8]) -> bool {
    let at = |i: usize, frag: &[u8]| {
        name.len() >= i + frag.len()
            && name[i..i + frag.len()]
                .iter()
                .zip(frag)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
    };
    (0..name.len()).any(|i| match name[i].to_ascii_lowercase() {
        b'p' => at(i + 1, b"ass") || at(i + 1, b"w"),
        b'k' => at(i + 1, b"ey"),
        b's' => at(i + 1, b"ecret"),
        b't' => at(i + 1, b"oken"),
        b'c' => at(i + 1, b"red") || at(i + 1, b"onn"),
        b'a' => at(i + 1, b"uth"),
        b'd' => at(i + 1, b"sn"),
        b'b' => at(i + 1, b"earer"),
        b'j' => at(i + 1, b"wt"),
        b'u' => at(i + 1, b"rl") || at(i + 1, b"ri"),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_splitting() {
        assert_eq!(words(b"dbPassword"), vec!["db", "password"]);
        assert_eq!(
            words(b"AWS_SECRET_ACCESS_KEY"),
            vec!["aws", "secret", "access", "key"]
        );
        assert_eq!(words(b"x-api-key"), vec!["x", "api", "key"]);
        assert_eq!(words(b"$config.apiToken2"), vec!["config", "api", "token2"]);
    }

    #[test]
    fn classes() {
        use NameClass::*;
        for (name, want) in [
            ("DB_PASSWORD", Password),
            ("ossrhPassword", Password),
            ("signing.password", Password),
            ("rootpasswd", Password),
            ("PGPASS", Password),
            ("password_length", Other),
            ("PASSWORD_MIN_LENGTH", Other),
            ("passwordLabel", Other),
            ("api_key", Secret),
            ("X-Api-Key", Secret),
            ("client_secret", Secret),
            ("secret_id", Secret),
            ("SECRET_KEY", Secret),
            ("GITHUB_TOKEN", Secret),
            ("jwt.secret", Secret),
            ("auth", Secret),
            ("license_key", Secret),
            ("paymongo_key", BareKey),
            ("Twilio_key", BareKey),
            ("key_id", Other),
            ("access_key_id", Other),
            ("client_id", Other),
            ("public_key", Other),
            ("publishableKey", Other),
            ("authenticity_token", Other),
            ("max_tokens", Other),
            ("token_type", Other),
            ("tokenizer", Other),
            ("credentialsId", Other),
            ("Authorization", Authorization),
            ("DATABASE_URL", Url),
            ("connection_string", Url),
            ("bypass", Other),
            ("monkey", Other),
        ] {
            assert_eq!(classify(name.as_bytes()), want, "{name}");
        }
    }

    #[test]
    fn the_quick_rejection_keeps_every_class_word() {
        // Every word that makes a class, alone and inside a name, passes the quick test.
        let words = [
            "password",
            "passwd",
            "pwd",
            "pass",
            "passphrase",
            "passcode",
            "pw",
            "pword",
            "secret",
            "token",
            "apikey",
            "credential",
            "creds",
            "auth",
            "dsn",
            "bearer",
            "jwt",
            "url",
            "uri",
            "connection",
            "conn",
            "connstr",
            "key",
            "keys",
            "authorization",
        ];
        for w in words {
            for name in [
                w.to_string(),
                format!("my_{}", w.to_uppercase()),
                format!("x{w}Y"),
            ] {
                assert!(may_name_a_secret(name.as_bytes()), "{name}");
            }
        }
        for name in [
            "username",
            "host",
            "timeout",
            "self.value",
            "data-id",
            "p",
            "ke",
        ] {
            assert!(!may_name_a_secret(name.as_bytes()), "{name}");
            assert_eq!(classify(name.as_bytes()), NameClass::Other, "{name}");
        }
    }
}
