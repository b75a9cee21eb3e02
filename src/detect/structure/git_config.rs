//! Git configuration files (`.git/config`, `.gitconfig`, `.gitmodules`): credentials in
//! remote URLs and in `http.extraHeader` (SPEC §17).
//!
//! git-config syntax: `[section "subsection"]` (or `[section.subsection]`), `key = value`,
//! `#`/`;` comments (whole lines, or after a value outside quotes), quoted values with `\"`
//! and `\\`. Reported:
//! - the userinfo password (percent-decoded) of any `url`/`pushurl` value and of a URL
//!   subsection (`[url "https://u:tok@host/"] insteadOf = …`, `[http "…"]`), or the token in
//!   the user part (`x-oauth-basic`, `ghp_…@github.com`);
//! - `http[.<url>].extraHeader = Authorization: Basic <base64 user:token>` (value: the part
//!   after the first `:`), `… Bearer <token>`, `… token <token>`, and token headers such as
//!   GitLab's `PRIVATE-TOKEN: <token>`;
//! - tools' own token keys: `github.token`, `github.oauth-token`, `hub.oauthtoken`,
//!   `gitlab.token`.
//!
//! `credential.helper = store` and SSH URLs are not secrets.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{
    differs, ends_with_path, eq_ic, field, name, parse_url, string, url_field,
};
use super::text;
use crate::rules::Confidence;

pub struct GitConfig;

impl Extractor for GitConfig {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let n = name(path);
        ends_with_path(path, ".git/config")
            || ends_with_path(path, ".config/git/config")
            || n == ".gitconfig"
            || n == "gitconfig"
            || n.ends_with(".gitconfig")
            || n == ".gitmodules"
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut section: &[u8] = b"";
        let mut sub: Option<(usize, usize)> = None;
        for (ls, line) in text::lines(data) {
            let le = ls + line.len();
            let (ts, te) = text::trim(data, ls, le);
            if ts == te || text::is_comment(line, &[b"#", b";"]) {
                continue;
            }
            if data[ts] == b'[' {
                let (name, subsection) = header(data, ts, te);
                section = name;
                sub = subsection;
                if let Some((s, e)) = sub {
                    url_in(data, s, e, out);
                }
                continue;
            }
            let key_end = data[ts..te]
                .iter()
                .position(|&b| b == b'=' || b.is_ascii_whitespace())
                .map_or(te, |i| ts + i);
            let key = &data[ts..key_end];
            let Some(eq) = memchr::memchr(b'=', &data[key_end..te]).map(|i| key_end + i) else {
                continue;
            };
            let (vs, ve, decoded) = value(data, eq + 1, te);
            if vs >= ve {
                continue;
            }
            let written = &data[vs..ve];
            if eq_ic(key, b"url") || eq_ic(key, b"pushurl") {
                url_in(data, vs, ve, out);
            } else if eq_ic(key, b"extraheader") && eq_ic(section, b"http") {
                let host = sub
                    .and_then(|(s, e)| parse_url(data, s, e))
                    .map(|u| string(data, u.host));
                header_credential(data, vs, ve, host, out);
            } else if (eq_ic(section, b"github")
                && (eq_ic(key, b"token") || eq_ic(key, b"oauth-token")))
                || (eq_ic(section, b"hub") && eq_ic(key, b"oauthtoken"))
                || (eq_ic(section, b"gitlab") && eq_ic(key, b"token"))
            {
                out.push(field(
                    vs,
                    ve,
                    decoded.and_then(|d| differs(written, d)),
                    None,
                    FieldKind::Token,
                    Confidence::High,
                    None,
                ));
            }
        }
    }
}

/// A section header at `data[ts..te]` (trimmed, starting with `[`): the section's name and
/// the span of its subsection (inside the quotes, or after the dot of `[a.b]`).
fn header(data: &[u8], ts: usize, te: usize) -> (&[u8], Option<(usize, usize)>) {
    let close = data[ts..te]
        .iter()
        .rposition(|&b| b == b']')
        .map_or(te, |i| ts + i);
    let inner = ts + 1..close.max(ts + 1);
    let name_end = data[inner.clone()]
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'"' || b == b'.')
        .map_or(inner.end, |i| inner.start + i);
    let name = &data[inner.start..name_end];
    if name_end >= inner.end {
        return (name, None);
    }
    if data[name_end] == b'.' {
        return (name, Some((name_end + 1, inner.end)));
    }
    match memchr::memchr(b'"', &data[name_end..inner.end]) {
        Some(q) => {
            let q = name_end + q;
            let end = data[q + 1..inner.end]
                .iter()
                .rposition(|&b| b == b'"')
                .map_or(inner.end, |i| q + 1 + i);
            (name, Some((q + 1, end)))
        }
        None => (name, None),
    }
}

/// A value starting after the `=` at `start`, to `end`: leading blanks skipped, a comment
/// outside quotes cut, trailing blanks trimmed, one pair of enclosing quotes removed. Its
/// span and, when quotes or escapes inside it change it, the unescaped value.
fn value(data: &[u8], start: usize, end: usize) -> (usize, usize, Option<Vec<u8>>) {
    let (mut s, _) = text::trim(data, start, end);
    let mut e = s;
    let mut quoted = false;
    let mut i = s;
    while i < end {
        match data[i] {
            b'\\' => i += 1,
            b'"' => quoted = !quoted,
            b'#' | b';' if !quoted => break,
            _ => {}
        }
        i += 1;
        e = i.min(end);
    }
    let (_, mut e2) = text::trim(data, s, e);
    if e2 - s >= 2 && data[s] == b'"' && data[e2 - 1] == b'"' {
        s += 1;
        e2 -= 1;
    }
    let inner = &data[s..e2];
    // Escapes undone and the quotes that only toggle quoting dropped.
    let decoded = (inner.contains(&b'\\') || inner.contains(&b'"')).then(|| {
        let mut out = Vec::with_capacity(inner.len());
        let mut j = 0;
        while j < inner.len() {
            match inner[j] {
                b'\\' if j + 1 < inner.len() => {
                    out.push(match inner[j + 1] {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'b' => 8,
                        c => c,
                    });
                    j += 1;
                }
                b'"' => {}
                c => out.push(c),
            }
            j += 1;
        }
        out
    });
    (s, e2, decoded)
}

/// The credential of a URL written at `data[s..e]`, if it holds one.
fn url_in(data: &[u8], s: usize, e: usize, out: &mut Vec<Field>) {
    if let Some(f) = parse_url(data, s, e).and_then(|u| url_field(data, &u, Confidence::High)) {
        out.push(f);
    }
}

/// The credential in an `extraHeader` value `Name: [scheme] credential` at `data[s..e]`.
fn header_credential(data: &[u8], s: usize, e: usize, host: Option<String>, out: &mut Vec<Field>) {
    let Some(colon) = memchr::memchr(b':', &data[s..e]).map(|i| s + i) else {
        return;
    };
    let hname = data[s..colon].trim_ascii().to_ascii_lowercase();
    let (cs, ce) = text::trim(data, colon + 1, e);
    if cs >= ce {
        return;
    }
    let token_header = hname.ends_with(b"token") || hname.ends_with(b"api-key");
    if hname == b"authorization" || hname == b"proxy-authorization" {
        let scheme_end = data[cs..ce]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(ce, |i| cs + i);
        let scheme = data[cs..scheme_end].to_ascii_lowercase();
        let (ts, te) = text::trim(data, scheme_end, ce);
        if ts >= te {
            return;
        }
        if scheme == b"basic" {
            let Some(decoded) = text::base64(&data[ts..te]) else {
                return;
            };
            let secret = match memchr::memchr(b':', &decoded) {
                Some(i) => decoded[i + 1..].to_vec(),
                None => decoded,
            };
            if !secret.is_empty() {
                out.push(field(
                    ts,
                    te,
                    Some(secret),
                    Some("base64"),
                    FieldKind::Token,
                    Confidence::High,
                    host,
                ));
            }
        } else if scheme == b"bearer" || scheme == b"token" {
            out.push(field(
                ts,
                te,
                None,
                None,
                FieldKind::Token,
                Confidence::High,
                host,
            ));
        }
    } else if token_header {
        out.push(field(
            cs,
            ce,
            None,
            None,
            FieldKind::Token,
            Confidence::High,
            host,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::structure::testing::{self, s, Found};

    fn found(data: &[u8]) -> Vec<Found> {
        testing::found(&GitConfig, ".git/config", data)
    }

    #[test]
    fn applies_to_git_config_paths() {
        for p in [
            ".git/config",
            "vendor/x/.git/config",
            ".gitconfig",
            "home/u/.gitconfig",
            "ci.gitconfig",
            ".gitmodules",
            ".config/git/config",
            "etc/gitconfig",
        ] {
            assert!(GitConfig.applies(p, b""), "{p}");
        }
        for p in ["config", "git/config", ".git/configs", "src/gitconfig.rs"] {
            assert!(!GitConfig.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn remote_urls_and_headers() {
        let d = concat!(
            "[core]\n\trepositoryformatversion = 0\n",
            "[remote \"origin\"]\n\turl = https://jdoe:ghp_JoZdxyWqUz5OmP5GAw30@github.com/acme/shop.git\n", // leakhound:allow (test data)
            "\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
            "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3Rlc3Q=\n",
            "[remote \"deploy\"]\n\turl = \"https://deploy:Tigger2018@git.acme.test/shop.git\" ; a comment\n", // leakhound:allow (test data)
            "\tpushurl = https://deploy:P%40ss1@git.acme.test/shop.git # another\n", // leakhound:allow (test data)
            "[url \"https://ci:Zx9vB7nM2@git.acme.test/\"]\n\tinsteadOf = https://git.acme.test/\n", // leakhound:allow (test data)
            "[http]\n\textraHeader = Authorization: Bearer eyJhbGciOi.x.y\n",
            "\textraheader = PRIVATE-TOKEN: glpat-Rt7Vw1Zb3Nc5Xk\n",
            "[github]\n\ttoken = 0123456789abcdef0123456789abcdef0abcdef1\n",
            "[hub]\n\toauthtoken = \"gho_\\\"Qq\"\n",
        )
        .as_bytes();
        use FieldKind::*;
        assert_eq!(
            found(d),
            vec![
                (
                    s("ghp_JoZdxyWqUz5OmP5GAw30"),
                    None,
                    None,
                    Token,
                    Some(s("github.com"))
                ),
                (
                    s("eC1hY2Nlc3MtdG9rZW46Z2hzX3Rlc3Q="),
                    Some(s("ghs_test")),
                    Some("base64"),
                    Token,
                    Some(s("github.com"))
                ),
                (
                    s("Tigger2018"),
                    None,
                    None,
                    Password,
                    Some(s("git.acme.test"))
                ),
                (
                    s("P%40ss1"),
                    Some(s("P@ss1")),
                    Some("percent"),
                    Password,
                    Some(s("git.acme.test"))
                ),
                (
                    s("Zx9vB7nM2"),
                    None,
                    None,
                    Password,
                    Some(s("git.acme.test"))
                ),
                (s("eyJhbGciOi.x.y"), None, None, Token, None),
                (s("glpat-Rt7Vw1Zb3Nc5Xk"), None, None, Token, None),
                (
                    s("0123456789abcdef0123456789abcdef0abcdef1"),
                    None,
                    None,
                    Token,
                    None
                ),
                (s("gho_\\\"Qq"), Some(s("gho_\"Qq")), None, Token, None),
            ]
        );
    }

    #[test]
    fn nothing_to_report() {
        let d = b"[remote \"origin\"]\n\turl = git@github.com:acme/shop.git\n\
[remote \"mirror\"]\n\turl = https://jdoe@gitlab.com/acme/shop.git\n\
# url = https://a:Q7@acme.test/x\n\
\t; url = https://a:Q7@acme.test/x\n\
[credential]\n\thelper = store\n[user]\n\tname = J Doe\n\temail = jdoe@example.com\n\
[submodule \"vendor/lib\"]\n\tpath = vendor/lib\n\turl = https://github.com/acme/lib.git\n\
[http]\n\textraheader = Content-Type: text/plain\n\textraheader = Authorization: Basic !!!\n\
[core]\n\ttoken = x\n";
        assert!(found(d).is_empty());
    }

    #[test]
    fn headers_parse() {
        let d = b"[remote \"a \\\" b\"]";
        let (n, sub) = header(d, 0, d.len());
        assert_eq!(n, b"remote");
        let (a, b) = sub.unwrap();
        assert_eq!(&d[a..b], b"a \\\" b");
        let d = b"[branch.main]";
        let (n, sub) = header(d, 0, d.len());
        assert_eq!(
            (n, sub.map(|(a, b)| &d[a..b])),
            (&b"branch"[..], Some(&b"main"[..]))
        );
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"[",
            b"[\"",
            b"[a \"",
            b"url =",
            b"url = \"",
            b"url=\\",
            b"[http]\nextraheader=:",
            b"[http]\nextraheader=Authorization:",
            b"[http]\nextraheader=Authorization: basic",
            b"\xff[\xfe\"\x00]=\"\\",
        ] {
            found(d);
        }
    }
}
