//! The value gates: is a candidate a placeholder, a reference to something else, code, a
//! default password, or words rather than a random key?
//!
//! `is_placeholder` applies to every rule's candidate; `looks_random` is the stricter gate of
//! generic detectors (`randomness = true`), `looks_like_password` the gate of password rules
//! (`password = true`).

use super::dictionary::{is_word, word_coverage};
use super::paths::is_config_path;
use crate::detect::entropy::shannon;

/// Template syntax, references to other variables, and well-known placeholder values.
pub fn is_placeholder(secret: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(secret) else {
        return false;
    };
    let t = s.trim_matches(|c| c == '"' || c == '\'' || c == '`');
    if t.is_empty() {
        return true;
    }
    // Templating and references: ${VAR}, $VAR, {{ x }}, %VAR%, <token>, [REDACTED].
    let b = t.as_bytes();
    if super::markers::has_template(b) {
        return true;
    }
    // $VAR, $(cmd): a reference, unless more `$` follow (crypt hashes: $6$salt$hash).
    if b[0] == b'$'
        && b.len() > 1
        && (b[1] == b'(' || (b[1].is_ascii_alphabetic() || b[1] == b'_') && !b[1..].contains(&b'$'))
    {
        return true;
    }
    if b.len() > 2 && b[0] == b'%' && b[b.len() - 1] == b'%' {
        return true;
    }
    if (b[0] == b'<' && b[b.len() - 1] == b'>') || (b[0] == b'[' && b[b.len() - 1] == b']') {
        return true;
    }
    // The same `<token>`, HTML-escaped (`&lt;password&gt;`).
    if t.len() > 8 && t.starts_with("&lt;") && t.ends_with("&gt;") {
        return true;
    }
    // `{name}` templates and `{...}` encrypted values (Maven's settings-security scheme).
    if b.len() > 2 && b[0] == b'{' && b[b.len() - 1] == b'}' {
        return true;
    }
    // Cut short for display: `pypi-...`, `sk-…`.
    if t.ends_with("...") || t.ends_with('…') {
        return true;
    }
    if super::markers::contains_marker(b) {
        return true;
    }
    if super::markers::has_placeholder_word(b) {
        return true;
    }
    // A long run of one character (000000, xxxxxx) making up much of the value is filler, not
    // key material. (Some formats carry a fixed run, like Dropbox's AAAAAAAAAA: a small share.)
    let mut run = 1;
    let mut longest = 1;
    for w in b.windows(2) {
        run = if w[0] == w[1] { run + 1 } else { 1 };
        longest = longest.max(run);
    }
    longest >= 6 && longest * 4 >= b.len() || is_filler(b)
}

/// Stubbed values: a short pattern repeated (`ghp_abababab...`, `123123123123`) over half
/// the value, or a sequence (`abcdefgh`, `a1b2c3d4e5f6`) over a third of it.
fn is_filler(b: &[u8]) -> bool {
    let n = b.len();
    // Longest stretch where `b[i]` relates to `b[i - lag]` as `same` says, counted in
    // characters covered.
    fn stretch(b: &[u8], lag: usize, same: impl Fn(u8, u8) -> bool) -> usize {
        let n = b.len();
        let (mut run, mut best) = (0, 0);
        for i in lag..n {
            run = if same(b[i - lag], b[i]) { run + 1 } else { 0 };
            best = usize::max(best, run);
        }
        if best == 0 {
            0
        } else {
            best + lag
        }
    }
    let repeated = (2..=4).any(|p| {
        let c = stretch(b, p, |a, b| a == b);
        c >= 12 && c * 2 >= n
    });
    let sequence = (1..=2).any(|lag| {
        let c = stretch(b, lag, |a, b| a.is_ascii_alphanumeric() && b == a + 1);
        c >= 8 && c * 3 >= n
    });
    repeated || sequence
}

/// Code rather than a literal: calls, member access chains, paths, URLs without credentials.
pub fn looks_like_code(secret: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(secret) else {
        return false;
    };
    if s.contains('(') || s.contains(')') || s.contains("->") || s.contains("::") {
        return true;
    }
    if s.starts_with("./") || s.starts_with("../") || s.starts_with("~/") || s.starts_with("/") {
        return true;
    }
    if s.starts_with("http://") || s.starts_with("https://") {
        return !s.contains('@');
    }
    // a.b.c member access of identifiers: self.config.token, this.props.apiKey
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && !p.as_bytes()[0].is_ascii_digit()
        })
        && parts
            .iter()
            .any(|p| p.len() >= 3 && word_coverage(p) >= 0.7)
    {
        return true;
    }
    false
}

/// Character classes present: lower, upper, digit, other.
fn classes(s: &[u8]) -> (bool, bool, bool, bool) {
    let mut c = (false, false, false, false);
    for &b in s {
        match b {
            b'a'..=b'z' => c.0 = true,
            b'A'..=b'Z' => c.1 = true,
            b'0'..=b'9' => c.2 = true,
            _ => c.3 = true,
        }
    }
    c
}

/// The gate for generic detectors: does this value look like generated key material rather
/// than words, an identifier or a value chosen to be read?
pub fn looks_random(secret: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(secret) else {
        return false;
    };
    let n = s.len();
    if n < 8 {
        return false;
    }
    let (lower, upper, digit, other) = classes(secret);
    let kinds = lower as u8 + upper as u8 + digit as u8 + other as u8;
    let h = shannon(secret);
    let is_hex = s.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex {
        // Hex keys: 16+ digits with both letters and digits.
        return n >= 16 && h >= 3.0 && digit && (lower || upper);
    }
    if kinds == 1 {
        // Only letters of one case, or only digits: words or numbers, not keys.
        return false;
    }
    if word_coverage(s) >= 0.6 {
        return false;
    }
    // Short values need more variety; long ones need steady entropy.
    let need = match n {
        0..=11 => 2.8,
        12..=19 => 3.1,
        _ => 3.4,
    };
    h >= need && (digit || kinds >= 3)
}

/// The gate for password fields: a value that looks chosen by someone (not a default, not a
/// single dictionary word, not a field name or a reference). `quoted` says whether the value
/// was a quoted literal; an unquoted identifier is much more likely to be a variable.
pub fn looks_like_password(secret: &[u8], quoted: bool, path: &str) -> bool {
    let Ok(s) = std::str::from_utf8(secret) else {
        return false;
    };
    let n = s.chars().count();
    if !(6..=128).contains(&n) {
        return false;
    }
    // Flags, references, operators and numbers are not passwords.
    if s.starts_with(['-', ':', '?', '&', '.', '*', '^', '~', '=', '!', '|', '+'])
        || s.contains("?.")
        || s.contains("!!")
        || s.contains("=>")
        || s.contains("&&")
        || s.contains("||")
    {
        return false;
    }
    // A CSS selector (`#add-password`), an AWS ARN or a URN names something; it is not a
    // secret.
    if s.starts_with("arn:")
        || s.starts_with("urn:")
        || s.starts_with('#')
            && s[1..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
    {
        return false;
    }
    let numeric = |t: &str| {
        let t = t.trim_start_matches(['^', '~', 'v', '>', '<', '=']);
        t.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'_')
            || t.strip_prefix("0x")
                .or_else(|| t.strip_prefix("0X"))
                .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    if numeric(s) {
        return false;
    }
    // path/like/this made of words
    if s.contains('/')
        && s.split('/')
            .filter(|p| !p.is_empty())
            .all(|p| word_coverage(p) >= 0.5)
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    // Defaults, also with a counter or a symbol tacked on (`password12345`, `Changeme1!`).
    if super::defaults::is_default_password(secret) || is_word(&lower) {
        return false;
    }
    if looks_like_code(secret) {
        return false;
    }
    let (lo, up, digit, other) = classes(secret);
    let ident_like = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    // A value that names a password is a label or a field name (`new_password`,
    // `password2`, `tokenSecret`), unless it is mixed like a chosen one: a digit inside it
    // (`sup3rstr0ngpass1ForGG`, `RedisPass1!`), and not read as words.
    if ["pass", "pwd", "secret", "token"]
        .iter()
        .any(|w| lower.contains(w))
    {
        // A counter (`password2`, `token1`) names a second field; two digits or more
        // (`superSecret123`) are chosen.
        let stem = s.trim_end_matches(|c: char| c.is_ascii_digit());
        let counted = s.len() - stem.len() >= 2;
        let digit_inside = stem.bytes().any(|b| b.is_ascii_digit());
        if !(digit_inside || counted) || !counted && ident_like && reads_as_words(s) {
            return false;
        }
    }
    // Unquoted values in source code are expressions far more often than passwords; in
    // config formats (.env, YAML, properties, ini, .netrc) they are literals, unless they
    // read as an identifier made of words.
    if !quoted {
        if is_config_path(path) {
            if ident_like && !digit && word_coverage(s) >= 0.5 {
                return false;
            }
        } else if !(digit && (lo || up) && (other || (lo && up))) {
            return false;
        }
    }
    if ident_like && !digit && (lo ^ up) && word_coverage(s) >= 0.8 && s.contains(['_', '.']) {
        // snake_case / dotted identifiers made of words: form fields, keys, settings names.
        return false;
    }
    let kinds = lo as u8 + up as u8 + digit as u8 + other as u8;
    kinds >= 2 || n >= 12
}

/// Whether every piece of `s` (split at non-letters and at lower-to-upper case changes) is
/// a dictionary word, a word of naming (`pass`, `pwd`) or an affix of up to two letters:
/// `token_v2_secret` does, `sup3rstr0ngpass1ForGG` does not.
fn reads_as_words(s: &str) -> bool {
    let b = s.as_bytes();
    let mut start = 0;
    let piece_ok = |p: &[u8]| {
        let w = String::from_utf8_lossy(p).to_ascii_lowercase();
        w.len() <= 2 || matches!(w.as_str(), "pass" | "pwd" | "passwd") || is_word(&w)
    };
    for i in 0..=b.len() {
        let boundary = i == b.len()
            || !b[i].is_ascii_alphabetic()
            || i > start && b[i].is_ascii_uppercase() && b[i - 1].is_ascii_lowercase();
        if boundary {
            if i > start && !piece_ok(&b[start..i]) {
                return false;
            }
            start = if i < b.len() && b[i].is_ascii_alphabetic() {
                i
            } else {
                i + 1
            };
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::filter::is_default_password;

    #[test]
    fn placeholders() {
        assert!(!looks_like_password(b"#add-password", true, "a.js"));
        assert!(!looks_like_password(
            b"arn:aws:iam::aws:policy/IAMUserChangePassword",
            true,
            "a.js"
        ));
        assert!(looks_like_password(b"#Kq7wzR81x!", true, "a.js"));
        // Names of passwords are labels; chosen passwords may hold the word.
        for label in [
            "new_password",
            "password2",
            "tokenSecret",
            "token_v2_secret",
        ] {
            assert!(
                !looks_like_password(label.as_bytes(), true, "a.js"),
                "{label}"
            );
        }
        for chosen in [
            "sup3rstr0ngpass1ForGG",
            "RedisPass1!",
            "Mailpass1234!",
            "superSecret123",
        ] {
            assert!(
                looks_like_password(chosen.as_bytes(), true, "a.js"),
                "{chosen}"
            );
        }
        assert!(is_placeholder(b"&lt;YOURPASSWORD&gt;"));
        assert!(!is_placeholder(b"&lt;Kq7wzR81"));
        for p in [
            "${API_KEY}",
            "$API_KEY",
            "{{ .Values.token }}",
            "%TOKEN%",
            "<token>",
            "YOUR_API_KEY_HERE",
            "xxxxxxxxxxxxxxxx",
            "****************",
            "AKIAIOSFODNN7EXAMPLE",
            "my-dummy-secret",
            "process.env.API_KEY",
            "000000000000",
            "",
            "ghp_abababababababababababababababababab",
            "sk_live_123123123123123123123123",
            "a1b2c3d4e5f6g7h8",
            "xoxb-abcdefghi-Zq8vT1mK0pR3",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for s in [
            "sk_test_very_secret_key_12345", // leakhound:allow (test data)
            "Zq8vT1mK0pR3xW9y",
            "examplesareok1",
            "sl.AAAAAAAAAAAbcQ9xZr4TkWm2LpV7nYs8uJd3Fg6Hq1Ea5Cb0Ki",
            "ghp_Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0xYz9Q1", // leakhound:allow
            "d41d8cd98f00b204e9800998ecf8427e",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn default_passwords_with_a_counter() {
        for d in [
            "changeme",
            "password12345",
            "Changeme1!",
            "secret123",
            "P@ssw0rd2024",
        ] {
            assert!(is_default_password(d.as_bytes()), "{d}");
        }
        for p in ["Welcome@2023", "Rocky1979!", "passwordless", "12345"] {
            assert!(!is_default_password(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn code_is_not_a_secret() {
        for c in [
            "os.getenv(\"X\")",
            "self.config.token",
            "/etc/ssl/key.pem",
            "https://x.io",
        ] {
            assert!(looks_like_code(c.as_bytes()), "{c}");
        }
        assert!(!looks_like_code(b"Zq8vT1mK0pR3xW9y"));
    }

    #[test]
    fn random_versus_words() {
        for r in [
            "Zq8vT1mK0pR3xW9yB2nC",
            "9f86d081884c7d659a2feaa0c55ad015",
            "hJ7#kL9!mN2$",
            "AbC7dEf9GhI2jKl4",
        ] {
            assert!(looks_random(r.as_bytes()), "{r}");
        }
        for w in [
            "getAccessTokenFromConfig",
            "password",
            "hunter2",
            "correct_horse_battery_staple",
            "MY_SECRET_NAME",
            "1234567812345678",
            "deadbeef",
            "updateUserPassword",
        ] {
            assert!(!looks_random(w.as_bytes()), "{w}");
        }
    }

    #[test]
    fn chosen_passwords() {
        for p in [
            "hunter2-but-longer",
            "Tr0ub4dor&3",
            "s3cr3tP4ss!",
            "correct horse battery",
        ] {
            assert!(looks_like_password(p.as_bytes(), true, "app.py"), "{p}");
        }
        for p in [
            "password",
            "changeme",
            "P@ssw0rd",
            "hunter2",
            "admin",
            "dragon",
            "user_password",
            "get_password()",
            "self.password",
            "confirm_password_field",
            "abc",
        ] {
            assert!(!looks_like_password(p.as_bytes(), true, "app.py"), "{p}");
        }
        assert!(!looks_like_password(b"db_user_input", false, ".env"));
        for p in [
            "0x8C2F",
            "^3.0.3",
            "--allow-net",
            "internal/streams/x.js",
            "value?.passphrase",
        ] {
            assert!(!looks_like_password(p.as_bytes(), false, "a.js"), "{p}");
        }
        assert!(looks_like_password(b"Xk9#mP2qL", false, "a.js"));
        assert!(looks_like_password(b"kx9mp2ql7", false, "app.env"));
    }
}
