//! `.netrc` / `_netrc`: the login file of ftp, curl, git and the Heroku CLI (SPEC §15).
//!
//! Whitespace-separated tokens, newlines included: `machine <host>` (or `default`) starts a
//! record, `login`, `password`, `account` and `port` take the next token, in any order and
//! spread over any number of lines. `password` and `account` are the secrets. `macdef
//! <name>` is followed by an ftp macro body up to the next empty line: not tokens. A line
//! starting with `#` is a comment. curl's double-quoted values (`"a b\"c"`) are unescaped.
//! Anonymous ftp records (`login anonymous`/`ftp`, an e-mail address as password) are not
//! reported.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{field, name, string, token_shaped, unescape};
use crate::rules::Confidence;

pub struct Netrc;

impl Extractor for Netrc {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let n = name(path);
        n == ".netrc" || n == "_netrc" || n == "netrc" || n.ends_with(".netrc")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut toks = Tokens {
            data,
            at: 0,
            bol: true,
        };
        let mut rec = Record::default();
        while let Some(t) = toks.next() {
            let word = &data[t.span.0..t.span.1];
            match word {
                b"machine" | b"default" => {
                    rec.flush(data, out);
                    rec.open = true;
                    if word == b"machine" {
                        rec.host = toks.next().map(|h| string(data, h.span));
                    }
                }
                b"login" => rec.anonymous = toks.next().is_some_and(|l| l.is_anonymous(data)),
                b"password" | b"account" => {
                    if let Some(v) = toks.next() {
                        if rec.open {
                            rec.secrets.push(v);
                        }
                    }
                }
                b"port" => {
                    toks.next();
                }
                b"macdef" => {
                    rec.flush(data, out);
                    toks.next();
                    toks.skip_macro();
                }
                _ => {}
            }
        }
        rec.flush(data, out);
    }
}

/// A token: where it is written (inside its quotes) and, when quoted with escapes, its
/// value.
#[derive(Debug, Clone)]
struct Token {
    span: (usize, usize),
    value: Option<Vec<u8>>,
}

impl Token {
    fn is_anonymous(&self, data: &[u8]) -> bool {
        let v = self
            .value
            .as_deref()
            .unwrap_or(&data[self.span.0..self.span.1]);
        v.eq_ignore_ascii_case(b"anonymous") || v.eq_ignore_ascii_case(b"ftp")
    }
}

/// The secrets of the current `machine`/`default` record, reported when it ends unless its
/// login is anonymous.
#[derive(Default)]
struct Record {
    open: bool,
    host: Option<String>,
    anonymous: bool,
    secrets: Vec<Token>,
}

impl Record {
    fn flush(&mut self, data: &[u8], out: &mut Vec<Field>) {
        if !self.anonymous {
            let heroku = self
                .host
                .as_deref()
                .is_some_and(|h| h.to_ascii_lowercase().ends_with("heroku.com"));
            for t in self.secrets.drain(..) {
                let v = t.value.as_deref().unwrap_or(&data[t.span.0..t.span.1]);
                let kind = if heroku || token_shaped(v) {
                    FieldKind::Token
                } else {
                    FieldKind::Password
                };
                out.push(field(
                    t.span.0,
                    t.span.1,
                    t.value,
                    None,
                    kind,
                    Confidence::High,
                    self.host.clone(),
                ));
            }
        }
        *self = Record::default();
    }
}

/// The tokens of a netrc file, comment lines skipped.
struct Tokens<'a> {
    data: &'a [u8],
    at: usize,
    /// Only whitespace since the start of the line.
    bol: bool,
}

impl Tokens<'_> {
    fn next(&mut self) -> Option<Token> {
        let d = self.data;
        loop {
            while self.at < d.len() && d[self.at].is_ascii_whitespace() {
                self.bol |= d[self.at] == b'\n';
                self.at += 1;
            }
            if self.at >= d.len() {
                return None;
            }
            // `#` first on its line: a comment to the end of the line.
            if d[self.at] == b'#' && self.bol {
                self.at = memchr::memchr(b'\n', &d[self.at..]).map_or(d.len(), |i| self.at + i);
                continue;
            }
            break;
        }
        self.bol = false;
        let start = self.at;
        if d[start] == b'"' {
            let mut i = start + 1;
            let mut escaped = false;
            while i < d.len() && d[i] != b'"' && d[i] != b'\n' {
                if d[i] == b'\\' && i + 1 < d.len() && d[i + 1] != b'\n' {
                    escaped = true;
                    i += 1;
                }
                i += 1;
            }
            let span = (start + 1, i.min(d.len()));
            self.at = (i + 1).min(d.len());
            let value = escaped.then(|| {
                unescape(&d[span.0..span.1], |c| match c {
                    b'n' => Some(b'\n'),
                    b'r' => Some(b'\r'),
                    b't' => Some(b'\t'),
                    _ => None,
                })
            });
            return Some(Token { span, value });
        }
        while self.at < d.len() && !d[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        Some(Token {
            span: (start, self.at),
            value: None,
        })
    }

    /// Skips a `macdef` body: the lines after the current one, up to an empty line.
    fn skip_macro(&mut self) {
        let d = self.data;
        let Some(nl) = memchr::memchr(b'\n', &d[self.at.min(d.len())..]) else {
            self.at = d.len();
            return;
        };
        let mut at = self.at + nl + 1;
        while at < d.len() {
            let end = memchr::memchr(b'\n', &d[at..]).map_or(d.len(), |i| at + i);
            if d[at..end].trim_ascii().is_empty() {
                break;
            }
            at = end + 1;
        }
        self.at = at.min(d.len());
        self.bol = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &[u8]) -> Vec<(String, Option<String>, Option<String>)> {
        let mut out = Vec::new();
        Netrc.extract(".netrc", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(f.confidence, Confidence::High);
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.value
                        .as_ref()
                        .map(|v| String::from_utf8_lossy(v).into_owned()),
                    f.host.clone(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn applies_to_netrc_names() {
        for p in [
            ".netrc",
            "home/u/.netrc",
            "_netrc",
            "cfg/netrc",
            "ci.netrc",
            ".netrc.bak",
        ] {
            assert!(Netrc.applies(p, b""), "{p}");
        }
        for p in ["netrc.md", "src/netrc.rs", ".netrc/x"] {
            assert!(!Netrc.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn records_on_one_or_many_lines() {
        let d = b"machine api.heroku.com\n  login j@acme.test\n  password 1b6e7a0e-4c1f-4a3b-9d7e-2f0c5a8b9e11\n\
machine ftp.acme.test login backup password Welcome@2023\n\
machine urs.nasa.test\nlogin jdoe\npassword\nSpring2022$\n\
machine h2 password Pw1 account Acct9\n";
        assert_eq!(
            found(d),
            vec![
                (
                    s("1b6e7a0e-4c1f-4a3b-9d7e-2f0c5a8b9e11"),
                    None,
                    Some(s("api.heroku.com"))
                ),
                (s("Welcome@2023"), None, Some(s("ftp.acme.test"))),
                (s("Spring2022$"), None, Some(s("urs.nasa.test"))),
                (s("Pw1"), None, Some(s("h2"))),
                (s("Acct9"), None, Some(s("h2"))),
            ]
        );
        let mut out = Vec::new();
        Netrc.extract(".netrc", d, &mut out);
        assert_eq!(out[0].kind, FieldKind::Token);
        assert_eq!(out[1].kind, FieldKind::Password);
    }

    #[test]
    fn quoted_values() {
        let d = b"machine gl.acme.test login oauth2 password \"glpat-Xk2q9Lm4Rt7Vw1\"\r\n\
machine h login u password \"a b\\\"c\"\n";
        assert_eq!(
            found(d),
            vec![
                (s("glpat-Xk2q9Lm4Rt7Vw1"), None, Some(s("gl.acme.test"))),
                (s("a b\\\"c"), Some(s("a b\"c")), Some(s("h"))),
            ]
        );
    }

    #[test]
    fn macros_comments_and_anonymous_are_skipped() {
        let d = b"# machine a.test login me password Hunter2Hunter2\n\
machine api.heroku.com\n  login me@acme.test\n  password $HEROKU_API_KEY\n\
default login anonymous password user@site\n\
macdef upload\nput password.txt\npassword Sneaky1\n\n\
machine b.test password Real9x\n\
default password Dflt7y login ftp\n";
        assert_eq!(
            found(d),
            vec![
                // A reference: the structural gate drops it.
                (s("$HEROKU_API_KEY"), None, Some(s("api.heroku.com"))),
                (s("Real9x"), None, Some(s("b.test"))),
            ]
        );
    }

    #[test]
    fn default_record_has_no_host() {
        let d = b"default login me password Zq8!wer";
        let f = found(d);
        assert_eq!(f, vec![(s("Zq8!wer"), None, None)]);
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"password",
            b"machine",
            b"machine h password \"unterminated",
            b"macdef",
            b"macdef m",
            b"\"",
            b"\"\\",
            b"#",
            b"\xff\xfe\x00machine \x00 password \xff",
        ] {
            found(d);
        }
        assert_eq!(
            found(b"machine h password \"abc"),
            vec![(s("abc"), None, Some(s("h")))]
        );
    }
}
