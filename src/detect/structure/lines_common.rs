//! Helpers the line-oriented credential-file extractors share (netrc, INI-style files, git,
//! mail clients...): file names with a copy's suffix removed, INI `key = value` entries with
//! their spans, backslash unescaping, URLs with userinfo and the field a URL's userinfo
//! yields. Spans are byte offsets into the whole file, as in [`super::text`].

use super::field::{Field, FieldKind};
use super::text;
use crate::rules::Confidence;

/// Suffixes of copies of a file: templates (which the gate reports a level lower) and
/// backups (which are the file itself).
const COPY_SUFFIXES: &[&str] = &[
    ".example",
    ".sample",
    ".dist",
    ".template",
    ".tmpl",
    ".tpl",
    ".default",
    ".orig",
    ".bak",
    ".old",
    "~",
];

/// `path` without one trailing template or backup suffix (`.pgpass.example` is read as a
/// `.pgpass`).
pub fn subject(path: &str) -> &str {
    // Every suffix ends in one of these bytes: most paths are passed over by this test.
    if !matches!(
        path.as_bytes().last(),
        Some(b'e' | b't' | b'l' | b'g' | b'd' | b'k' | b'~')
    ) {
        return path;
    }
    for s in COPY_SUFFIXES {
        if let Some(p) = path.strip_suffix(s) {
            if !p.is_empty() && !p.ends_with('/') {
                return p;
            }
        }
    }
    path
}

/// The last `/`-separated segment of `path`.
pub fn file_name(path: &str) -> &str {
    match memchr::memrchr(b'/', path.as_bytes()) {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// The file name of [`subject`]`(path)`.
pub fn name(path: &str) -> &str {
    file_name(subject(path))
}

/// Does `path`, copy suffix removed, end with the `/`-separated `tail` at a segment
/// boundary (`ends_with_path("a/.aws/credentials", ".aws/credentials")`)?
pub fn ends_with_path(path: &str, tail: &str) -> bool {
    let p = subject(path);
    p == tail
        || (p.len() > tail.len()
            && p.ends_with(tail)
            && p.as_bytes()[p.len() - tail.len() - 1] == b'/')
}

/// Is one of the directories of `path` (not its file name) named `dir`?
pub fn has_dir(path: &str, dir: &str) -> bool {
    // Each `/` ends a directory: compare the segment before it (no searcher to build).
    let p = path.as_bytes();
    let mut start = 0;
    memchr::memchr_iter(b'/', p).any(|slash| {
        let seg = &p[start..slash];
        start = slash + 1;
        seg == dir.as_bytes()
    })
}

/// Does `name` end with `suffix`, ignoring ASCII case (`suffix` lower-case)?
pub fn ends_with_ic(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// The extension of a file name (after its last `.`, not a leading one), or "".
pub fn extension(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((stem, e)) if !stem.is_empty() => e,
        _ => "",
    }
}

/// ASCII case-insensitive equality.
pub fn eq_ic(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Does `data` hold `needle` within its first `limit` bytes?
pub fn contains_within(data: &[u8], needle: &[u8], limit: usize) -> bool {
    let head = &data[..data.len().min(limit)];
    memchr::memmem::find(head, needle).is_some()
}

/// A field found in a credential file (minimum length 1).
pub fn field(
    start: usize,
    end: usize,
    value: Option<Vec<u8>>,
    encoding: Option<&'static str>,
    kind: FieldKind,
    confidence: Confidence,
    host: Option<String>,
) -> Field {
    Field {
        start,
        end,
        value,
        encoding,
        kind,
        confidence,
        host,
        min_len: 1,
    }
}

/// `Some(v)` when `v` differs from the bytes written, for [`Field::value`].
pub fn differs(written: &[u8], v: Vec<u8>) -> Option<Vec<u8>> {
    (v != written).then_some(v)
}

/// Lossy text of a span, for identities.
pub fn string(data: &[u8], (s, e): (usize, usize)) -> String {
    String::from_utf8_lossy(data.get(s..e).unwrap_or_default()).into_owned()
}

/// Backslash escapes undone: `\x` becomes `map(x)` when it says, else `x` itself; a trailing
/// lone backslash is kept.
pub fn unescape(s: &[u8], map: impl Fn(u8) -> Option<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && i + 1 < s.len() {
            out.push(map(s[i + 1]).unwrap_or(s[i + 1]));
            i += 2;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// The C-like escapes most formats know: `\n`, `\t`, `\r`, `\s` (space), `\0`.
pub fn c_escape(c: u8) -> Option<u8> {
    match c {
        b'n' => Some(b'\n'),
        b't' => Some(b'\t'),
        b'r' => Some(b'\r'),
        b's' => Some(b' '),
        b'0' => Some(0),
        _ => None,
    }
}

/// A string opened by `quote` at `data[start]`, with backslash escapes, ending before
/// `end`: the span inside the quotes and the offset after the closing quote. Unterminated:
/// the rest up to `end`.
pub fn quoted(data: &[u8], start: usize, end: usize, quote: u8) -> ((usize, usize), usize) {
    let mut i = start + 1;
    while i < end {
        match data[i] {
            b'\\' => i += 2,
            c if c == quote => return ((start + 1, i), i + 1),
            _ => i += 1,
        }
    }
    ((start + 1, end), end)
}

/// One `key = value` line of an INI-style file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The section's name (inside the brackets, trimmed); `None` before the first section.
    pub section: Option<(usize, usize)>,
    /// The section's number (0 before the first section header, 1 for the first...).
    pub section_no: usize,
    /// The key, trimmed.
    pub key: (usize, usize),
    /// The value, trimmed; empty when nothing follows the separator.
    pub value: (usize, usize),
    /// The line (without its line break).
    pub line: (usize, usize),
}

impl Entry {
    /// Is the key `name`, ASCII case-insensitively?
    pub fn key_is(&self, data: &[u8], name: &str) -> bool {
        eq_ic(&data[self.key.0..self.key.1], name.as_bytes())
    }
    /// The key as written.
    pub fn key<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        &data[self.key.0..self.key.1]
    }
    /// The value as written (trimmed).
    pub fn value<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        &data[self.value.0..self.value.1]
    }
    /// The section's name, `b""` before the first section.
    pub fn section_name<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        self.section.map_or(&b""[..], |(s, e)| &data[s..e])
    }
}

/// The `key <sep> value` lines of an INI-style file: a key ends at the first byte in
/// `seps`; lines whose trimmed text starts with one of `comments` are skipped, and so are
/// lines without a separator. `[section]` lines set the section of the entries after them.
pub fn ini(data: &[u8], seps: &[u8], comments: &[&[u8]]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut section = None;
    let mut section_no = 0;
    for (ls, line) in text::lines(data) {
        let le = ls + line.len();
        let (ts, te) = text::trim(data, ls, le);
        if ts == te || text::is_comment(line, comments) {
            continue;
        }
        if data[ts] == b'[' {
            let close = if data[te - 1] == b']' && te - 1 > ts {
                Some(te - 1)
            } else {
                memchr::memchr(b']', &data[ts + 1..te]).map(|i| ts + 1 + i)
            };
            if let Some(c) = close {
                section = Some(text::trim(data, ts + 1, c));
                section_no += 1;
                continue;
            }
        }
        let Some(sep) = data[ts..te].iter().position(|b| seps.contains(b)) else {
            continue;
        };
        let key = text::trim(data, ts, ts + sep);
        if key.0 == key.1 {
            continue;
        }
        let value = text::trim(data, ts + sep + 1, te);
        out.push(Entry {
            section,
            section_no,
            key,
            value,
            line: (ls, le),
        });
    }
    out
}

/// For each section number, the index in `entries` of the section's first entry whose key is
/// `key` (ASCII case-insensitively): one pass, for lookups by section.
pub fn first_in_sections(data: &[u8], entries: &[Entry], key: &str) -> Vec<Option<usize>> {
    let n = entries.last().map_or(0, |e| e.section_no + 1);
    let mut out = vec![None; n];
    for (i, e) in entries.iter().enumerate() {
        if out[e.section_no].is_none() && e.key_is(data, key) {
            out[e.section_no] = Some(i);
        }
    }
    out
}

/// A URL's parts, as spans: `scheme://[user[:pass]@]host[:port][/path]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Url {
    pub user: Option<(usize, usize)>,
    /// The password; `Some` with an empty span for `user:@host`.
    pub pass: Option<(usize, usize)>,
    /// The host and port.
    pub host: (usize, usize),
}

fn is_scheme_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

fn is_host_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']' | b'%' | b'*')
}

/// Parses `data[start..end]` as a URL with a scheme (`https://...`). Userinfo ends at the
/// last `@` before the path; when a `/`, `?` or `#` comes earlier (unescaped in a
/// password), at the first `@` after it that is followed by a host name.
pub fn parse_url(data: &[u8], start: usize, end: usize) -> Option<Url> {
    let s = data.get(start..end)?;
    let sep = memchr::memmem::find(s, b"://")?;
    if sep == 0 || !s[0].is_ascii_alphabetic() || !s[..sep].iter().all(|&b| is_scheme_char(b)) {
        return None;
    }
    let a = start + sep + 3;
    let rest = &data[a..end];
    let path_at = |from: usize| {
        rest[from..]
            .iter()
            .position(|b| matches!(b, b'/' | b'?' | b'#'))
            .map_or(rest.len(), |i| from + i)
    };
    let delim = path_at(0);
    let at = match memchr::memrchr(b'@', &rest[..delim]) {
        Some(i) => Some(i),
        // (A few candidates only: a path full of `@` is not worth quadratic time.)
        None => memchr::memchr_iter(b'@', rest).take(8).find(|&p| {
            let colon = memchr::memchr(b':', &rest[..p]);
            let host = &rest[p + 1..path_at(p + 1)];
            colon.is_some_and(|c| !rest[..c].contains(&b'/'))
                && !host.is_empty()
                && host.iter().all(|&b| is_host_char(b))
        }),
    };
    let (user, pass, host_start) = match at {
        None => (None, None, a),
        Some(p) => match memchr::memchr(b':', &rest[..p]) {
            Some(c) => (Some((a, a + c)), Some((a + c + 1, a + p)), a + p + 1),
            None => (Some((a, a + p)), None, a + p + 1),
        },
    };
    let host_end = a + path_at(host_start - a);
    if host_end == host_start {
        return None;
    }
    Some(Url {
        user,
        pass,
        host: (host_start, host_end),
    })
}

/// The URLs (`scheme://...`) in `data[start..end]`: each runs to whitespace, a quote, a
/// backtick, `<` or `>`.
pub fn find_urls(data: &[u8], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let Some(hay) = data.get(start..end) else {
        return out;
    };
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&hay[from..], b"://") {
        let sep = from + i;
        let mut s = sep;
        while s > from && is_scheme_char(hay[s - 1]) {
            s -= 1;
        }
        while s < sep && !hay[s].is_ascii_alphabetic() {
            s += 1;
        }
        let mut e = sep + 3;
        while e < hay.len()
            && !hay[e].is_ascii_whitespace()
            && !matches!(hay[e], b'"' | b'\'' | b'`' | b'<' | b'>')
        {
            e += 1;
        }
        if s < sep {
            out.push((start + s, start + e));
        }
        from = e;
    }
    out
}

/// A value shaped like an access token rather than a user name: a known token prefix, or 40
/// hex digits (a classic GitHub OAuth token).
pub fn token_shaped(v: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"ghp_",
        b"gho_",
        b"ghu_",
        b"ghs_",
        b"ghr_",
        b"github_pat_",
        b"glpat-",
        b"gldt-",
        b"glcbt-",
        b"ATBB",
    ];
    (PREFIXES.iter().any(|p| v.starts_with(p)) && v.len() >= 20)
        || (v.len() == 40 && v.iter().all(u8::is_ascii_hexdigit))
}

/// The credential in a URL's userinfo: the password, percent-decoded; or the user part when
/// the password is GitHub's constant `x-oauth-basic`, or when there is no password and the
/// user part is token-shaped. The field's host is the URL's host and port.
pub fn url_field(data: &[u8], u: &Url, confidence: Confidence) -> Option<Field> {
    let host = Some(string(data, u.host));
    let decode = |(s, e): (usize, usize)| {
        let w = &data[s..e];
        let d = text::percent(w);
        let enc = (d != w).then_some("percent");
        (differs(w, d.clone()), enc, d)
    };
    let kind = |d: &[u8]| {
        if token_shaped(d) {
            FieldKind::Token
        } else {
            FieldKind::Password
        }
    };
    match (u.user, u.pass) {
        (Some(user), Some(pass)) if pass.1 > pass.0 => {
            let (value, enc, d) = decode(pass);
            if !d.eq_ignore_ascii_case(b"x-oauth-basic") {
                return Some(field(
                    pass.0,
                    pass.1,
                    value,
                    enc,
                    kind(&d),
                    confidence,
                    host,
                ));
            }
            let (value, enc, d) = decode(user);
            (!d.is_empty()).then(|| {
                field(
                    user.0,
                    user.1,
                    value,
                    enc,
                    FieldKind::Token,
                    confidence,
                    host,
                )
            })
        }
        (Some(user), _) => {
            let (value, enc, d) = decode(user);
            token_shaped(&d).then(|| {
                field(
                    user.0,
                    user.1,
                    value,
                    enc,
                    FieldKind::Token,
                    confidence,
                    host,
                )
            })
        }
        _ => None,
    }
}

/// The host (and port) of a URL written in `data[start..end]`, userinfo or not.
pub fn url_host(data: &[u8], start: usize, end: usize) -> Option<String> {
    let (s, e, _) = text::unquote(data, start, end);
    parse_url(data, s, e).map(|u| string(data, u.host))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_quick_test_in_subject_knows_every_suffix() {
        for suffix in COPY_SUFFIXES {
            let p = format!("dir/.pgpass{suffix}");
            assert_eq!(subject(&p), "dir/.pgpass", "{suffix}");
        }
        assert!(has_dir("a/.mutt/x", ".mutt") && has_dir(".mutt/x", ".mutt"));
        assert!(!has_dir("a/.mutt", ".mutt") && !has_dir("a/x.mutt/y", ".mutt"));
        assert!(!has_dir("a/.mutts/y", ".mutt"));
        assert!(ends_with_ic("A.PPK", ".ppk") && !ends_with_ic("ppk", ".ppk"));
    }

    use super::*;

    #[test]
    fn names() {
        assert_eq!(subject("a/.pgpass.example"), "a/.pgpass");
        assert_eq!(subject(".example"), ".example");
        assert_eq!(name("x/y/.netrc.bak"), ".netrc");
        assert!(ends_with_path(
            "home/u/.aws/credentials",
            ".aws/credentials"
        ));
        assert!(ends_with_path(".aws/credentials", ".aws/credentials"));
        assert!(!ends_with_path("x.aws/credentials", ".aws/credentials"));
        assert!(has_dir("etc/mysql/conf.d/x.cnf", "mysql"));
        assert!(!has_dir("mysql", "mysql"));
    }

    #[test]
    fn ini_entries() {
        let d = b"top=1\n[a b]\n  k = v v \n# c=d\n; e=f\nnoval\n[broken\nx:y=z\n[]\n=q\n[";
        let e = ini(d, b"=", &[b"#", b";"]);
        let got: Vec<(&[u8], &[u8], &[u8])> = e
            .iter()
            .map(|e| (e.section_name(d), e.key(d), e.value(d)))
            .collect();
        assert_eq!(
            got,
            vec![
                (&b""[..], &b"top"[..], &b"1"[..]),
                (b"a b", b"k", b"v v"),
                (b"a b", b"x:y", b"z"),
            ]
        );
        assert_eq!(e[1].section_no, 1);
        assert!(ini(b"", b"=", &[]).is_empty());
        assert!(ini(b"[\n]\n[]]\n[", b"=", &[]).is_empty());
    }

    type Parts<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, &'a [u8]);

    fn url(s: &[u8]) -> Option<Parts<'_>> {
        parse_url(s, 0, s.len()).map(|u| {
            (
                u.user.map(|(a, b)| &s[a..b]),
                u.pass.map(|(a, b)| &s[a..b]),
                &s[u.host.0..u.host.1],
            )
        })
    }

    #[test]
    fn urls() {
        assert_eq!(
            url(b"https://u:p@h.io:8080/x@y"),
            Some((Some(&b"u"[..]), Some(&b"p"[..]), &b"h.io:8080"[..]))
        );
        assert_eq!(
            url(b"smtps://j@a.test:S$@smtp.a.test:465/"),
            Some((
                Some(&b"j@a.test"[..]),
                Some(&b"S$"[..]),
                &b"smtp.a.test:465"[..]
            ))
        );
        assert_eq!(
            url(b"https://u:p/q#r@host/path@v2"),
            Some((Some(&b"u"[..]), Some(&b"p/q#r"[..]), &b"host"[..]))
        );
        assert_eq!(url(b"https://host/a@b"), Some((None, None, &b"host"[..])));
        assert_eq!(
            url(b"https://tok@h"),
            Some((Some(&b"tok"[..]), None, &b"h"[..]))
        );
        assert_eq!(url(b"git@github.com:a/b"), None);
        assert_eq!(url(b"://x"), None);
        assert_eq!(url(b"https://u:p@"), None);
        assert_eq!(url(b"https://@"), None);
        let d = b"a https://x:y@h/ \"ftp://q\" `s://` 1://z ://";
        let spans: Vec<&[u8]> = find_urls(d, 0, d.len())
            .iter()
            .map(|&(s, e)| &d[s..e])
            .collect();
        assert_eq!(spans, vec![&b"https://x:y@h/"[..], b"ftp://q", b"s://"]);
        assert!(find_urls(d, 5, 2).is_empty());
    }

    #[test]
    fn url_fields() {
        let f = |s: &[u8]| {
            let u = parse_url(s, 0, s.len())?;
            url_field(s, &u, Confidence::High)
        };
        let d = b"https://a%40b:p%23w@h";
        let x = f(d).unwrap();
        assert_eq!(&d[x.start..x.end], b"p%23w");
        assert_eq!(x.value.as_deref(), Some(&b"p#w"[..]));
        assert_eq!(x.encoding, Some("percent"));
        assert_eq!(x.host.as_deref(), Some("h"));
        let d = b"https://0123456789abcdef0123456789abcdef01234567:x-oauth-basic@github.com"; // leakhound:allow (test data)
        let x = f(d).unwrap();
        assert_eq!((x.start, x.end), (8, 48));
        assert_eq!(x.kind, FieldKind::Token);
        assert_eq!(x.value, None);
        let d = b"https://ghp_aaaaaaaaaaaaaaaaaaaaaaaa@github.com";
        assert_eq!(f(d).unwrap().kind, FieldKind::Token);
        assert!(f(b"https://jdoe@github.com").is_none());
        assert!(f(b"https://jdoe:@github.com").is_none());
        assert!(f(b"https://:x-oauth-basic@github.com").is_none());
        assert_eq!(
            url_host(b" 'https://h.test/x' ", 0, 20).as_deref(),
            Some("h.test")
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(b"a\\:b\\\\c\\", |_| None), b"a:b\\c\\");
        assert_eq!(unescape(b"a\\sb\\n", c_escape), b"a b\n");
        let d = b"\"a\\\"b\" rest";
        assert_eq!(quoted(d, 0, d.len(), b'"'), ((1, 5), 6));
        let d = b"\"abc";
        assert_eq!(quoted(d, 0, d.len(), b'"'), ((1, 4), 4));
        let d = b"\"ab\\";
        assert_eq!(quoted(d, 0, d.len(), b'"'), ((1, 4), 4));
    }
}
