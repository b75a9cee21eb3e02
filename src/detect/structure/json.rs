//! A tolerant JSON / JSONC scanner for credential files: walks objects and arrays and reports
//! every scalar with its key path (member names and array indexes) and the byte span of what
//! is written (for a string, inside its quotes, still escaped), so an extractor can point a
//! finding at the value and unescape it only when it needs the text.
//!
//! Tolerant on purpose: `//` and `/* */` comments, trailing (and missing) commas, single-quoted
//! strings and bare member names are accepted, as editors' configuration files (Sublime Text,
//! VS Code, Atom) are JSONC, not JSON. It never panics and never recurses: on malformed input
//! it stops, having reported what it saw, and closes the containers still open, so a truncated
//! file still yields its records. Nesting deeper than [`MAX_DEPTH`] counts as malformed.

use std::borrow::Cow;

/// Containers nested deeper than this end the scan (as malformed input does).
pub const MAX_DEPTH: usize = 512;

/// One step of a key path: an object member's name or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonKey<'a> {
    /// A member name as written between its quotes (still escaped), or a bare name.
    Name(&'a [u8]),
    Index(usize),
}

impl<'a> JsonKey<'a> {
    /// The member name, unescaped; `None` for an index.
    pub fn name(&self) -> Option<Cow<'a, [u8]>> {
        match *self {
            JsonKey::Name(raw) => Some(unescape(raw)),
            JsonKey::Index(_) => None,
        }
    }

    /// Is this the member `name` (exactly, after unescaping)?
    pub fn is(&self, name: &str) -> bool {
        match *self {
            JsonKey::Name(raw) if !raw.contains(&b'\\') => raw == name.as_bytes(),
            JsonKey::Name(raw) => *unescape(raw) == *name.as_bytes(),
            JsonKey::Index(_) => false,
        }
    }

    /// Is this one of the members `names`?
    pub fn is_any(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.is(n))
    }

    /// The array index; `None` for a member name.
    pub fn index(&self) -> Option<usize> {
        match *self {
            JsonKey::Index(i) => Some(i),
            JsonKey::Name(_) => None,
        }
    }
}

/// What a scalar is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    True,
    False,
    Null,
    /// A bare word that is none of the above (`NaN`, `undefined`, an unquoted value).
    Other,
}

/// A scalar and where it is written: for a string, the bytes between the quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scalar {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Scalar {
    /// The bytes as written (a string still escaped).
    pub fn raw<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        data.get(self.start..self.end).unwrap_or_default()
    }

    /// The value: a string unescaped, anything else as written.
    pub fn text<'a>(&self, data: &'a [u8]) -> Cow<'a, [u8]> {
        match self.kind {
            Kind::String => unescape(self.raw(data)),
            _ => Cow::Borrowed(self.raw(data)),
        }
    }

    pub fn is_string(&self) -> bool {
        self.kind == Kind::String
    }
}

/// What the [`Parser`] met next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// An object (`array: false`) or array opened at byte `at`; the path names it.
    Open { array: bool, at: usize },
    /// The container the path names closed (or was left open at the end of the input).
    Close { array: bool },
    /// A scalar; the path names it.
    Scalar(Scalar),
}

#[derive(Debug, Clone, Copy)]
enum Frame {
    Object,
    Array(usize),
}

/// A pull parser: [`next`](Parser::next) returns the next event, [`path`](Parser::path) the
/// key path of what it returned.
pub struct Parser<'a> {
    data: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
    path: Vec<JsonKey<'a>>,
    /// The path's last step belongs to the value just returned: drop it before going on.
    pop_after: bool,
    /// Malformed input or the end: only closing the open containers is left.
    closing: bool,
}

impl<'a> Parser<'a> {
    pub fn new(data: &'a [u8]) -> Parser<'a> {
        let pos = if data.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        Parser {
            data,
            pos,
            stack: Vec::new(),
            path: Vec::new(),
            pop_after: false,
            closing: false,
        }
    }

    /// The key path of the event last returned (for `Open` and `Close`, the container's).
    pub fn path(&self) -> &[JsonKey<'a>] {
        &self.path
    }

    /// The next event, or `None` at the end (after every open container was closed).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Event> {
        if self.pop_after {
            self.path.pop();
            self.pop_after = false;
        }
        if self.closing {
            return self.close_one();
        }
        self.skip_space();
        let Some(&c) = self.data.get(self.pos) else {
            return self.fail();
        };
        match self.stack.last_mut() {
            None => self.value(),
            Some(Frame::Object) => {
                if c == b'}' {
                    self.pos += 1;
                    return Some(self.close(false));
                }
                let Some(key) = self.key() else {
                    return self.fail();
                };
                self.skip_space();
                if self.data.get(self.pos) != Some(&b':') {
                    return self.fail();
                }
                self.pos += 1;
                self.skip_space();
                self.path.push(JsonKey::Name(key));
                self.value()
            }
            Some(Frame::Array(i)) => {
                if c == b']' {
                    self.pos += 1;
                    return Some(self.close(true));
                }
                let index = *i;
                *i += 1;
                self.path.push(JsonKey::Index(index));
                self.value()
            }
        }
    }

    /// Closes the innermost container.
    fn close(&mut self, array: bool) -> Event {
        self.stack.pop();
        self.pop_after = !self.stack.is_empty();
        Event::Close { array }
    }

    /// Malformed input or the end: from now on only the open containers close.
    fn fail(&mut self) -> Option<Event> {
        self.closing = true;
        self.pos = self.data.len();
        // The path holds a step per container that is a member of another, and perhaps a
        // member name whose value never came.
        self.path.truncate(self.stack.len().saturating_sub(1));
        self.close_one()
    }

    fn close_one(&mut self) -> Option<Event> {
        let array = matches!(self.stack.last()?, Frame::Array(_));
        Some(self.close(array))
    }

    /// A member name: quoted, or bare (JSON5).
    fn key(&mut self) -> Option<&'a [u8]> {
        match self.data[self.pos] {
            q @ (b'"' | b'\'') => {
                let (s, e) = self.string(q)?;
                Some(&self.data[s..e])
            }
            _ => {
                let (s, e) = self.bare();
                (e > s).then(|| &self.data[s..e])
            }
        }
    }

    /// A value at `pos` (space already skipped): opens a container or returns a scalar.
    fn value(&mut self) -> Option<Event> {
        let Some(&c) = self.data.get(self.pos) else {
            return self.fail();
        };
        match c {
            b'{' | b'[' => {
                if self.stack.len() >= MAX_DEPTH {
                    return self.fail();
                }
                let at = self.pos;
                self.pos += 1;
                let array = c == b'[';
                self.stack.push(if array {
                    Frame::Array(0)
                } else {
                    Frame::Object
                });
                Some(Event::Open { array, at })
            }
            b'"' | b'\'' => {
                let Some((start, end)) = self.string(c) else {
                    return self.fail();
                };
                self.pop_after = !self.stack.is_empty();
                Some(Event::Scalar(Scalar {
                    kind: Kind::String,
                    start,
                    end,
                }))
            }
            _ => {
                let (start, end) = self.bare();
                if end == start {
                    return self.fail();
                }
                let kind = match &self.data[start..end] {
                    b"true" => Kind::True,
                    b"false" => Kind::False,
                    b"null" => Kind::Null,
                    t if t[0].is_ascii_digit() || matches!(t[0], b'-' | b'+' | b'.') => {
                        Kind::Number
                    }
                    _ => Kind::Other,
                };
                self.pop_after = !self.stack.is_empty();
                Some(Event::Scalar(Scalar { kind, start, end }))
            }
        }
    }

    /// A string opened by `q` at `pos`: the span of its contents; `pos` after its end.
    fn string(&mut self, q: u8) -> Option<(usize, usize)> {
        let start = self.pos + 1;
        let mut i = start;
        loop {
            let j = i + memchr::memchr2(q, b'\\', self.data.get(i..)?)?;
            if self.data[j] == q {
                self.pos = j + 1;
                return Some((start, j));
            }
            i = j + 2;
        }
    }

    /// A bare word (number, literal, unquoted name) at `pos`.
    fn bare(&mut self) -> (usize, usize) {
        let start = self.pos;
        while let Some(&c) = self.data.get(self.pos) {
            if c.is_ascii_whitespace()
                || matches!(
                    c,
                    b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"' | b'\'' | b'/'
                )
            {
                break;
            }
            self.pos += 1;
        }
        (start, self.pos)
    }

    /// Whitespace, commas (separators are not required, trailing ones are fine) and comments.
    fn skip_space(&mut self) {
        let d = self.data;
        while let Some(&c) = d.get(self.pos) {
            if c.is_ascii_whitespace() || c == b',' {
                self.pos += 1;
            } else if c == b'/' && d.get(self.pos + 1) == Some(&b'/') {
                self.pos = memchr::memchr(b'\n', &d[self.pos..]).map_or(d.len(), |i| self.pos + i);
            } else if c == b'/' && d.get(self.pos + 1) == Some(&b'*') {
                self.pos = memchr::memmem::find(&d[self.pos + 2..], b"*/")
                    .map_or(d.len(), |i| self.pos + 2 + i + 2);
            } else {
                break;
            }
        }
    }
}

/// Every scalar of `data` with its key path.
pub fn scan<'a>(data: &'a [u8], each: &mut dyn FnMut(&[JsonKey<'a>], &Scalar)) {
    let mut p = Parser::new(data);
    while let Some(ev) = p.next() {
        if let Event::Scalar(s) = ev {
            each(p.path(), &s);
        }
    }
}

/// A byte span: start and end offsets.
pub type Span = (usize, usize);

/// Every string of `data` with its key path and the span of its contents (still escaped).
pub fn strings<'a>(data: &'a [u8], each: &mut dyn FnMut(&[JsonKey<'a>], Span)) {
    scan(data, &mut |path, s| {
        if s.is_string() {
            each(path, (s.start, s.end));
        }
    });
}

/// An object's or array's scalar member: its name or index, and the scalar.
pub type Member<'a> = (JsonKey<'a>, Scalar);

/// Every object and array of `data` when it closes, with its key path and its scalar members
/// (containers nested in it are records of their own, reported before it). A record is what
/// a credential usually is: `{"host": …, "user": …, "password": …}`.
pub fn records<'a>(data: &'a [u8], each: &mut dyn FnMut(&[JsonKey<'a>], &[Member<'a>])) {
    let mut p = Parser::new(data);
    let mut open: Vec<Vec<Member<'a>>> = Vec::new();
    while let Some(ev) = p.next() {
        match ev {
            Event::Open { .. } => open.push(Vec::new()),
            Event::Scalar(s) => {
                if let (Some(members), Some(key)) = (open.last_mut(), p.path().last()) {
                    members.push((*key, s));
                }
            }
            Event::Close { .. } => {
                let members = open.pop().unwrap_or_default();
                each(p.path(), &members);
            }
        }
    }
}

/// The member `name` among `members`.
pub fn member<'a, 'm>(members: &'m [Member<'a>], name: &str) -> Option<&'m Scalar> {
    members.iter().find(|(k, _)| k.is(name)).map(|(_, s)| s)
}

/// The string member `name`, unescaped.
pub fn member_text<'a>(
    data: &'a [u8],
    members: &[Member<'_>],
    name: &str,
) -> Option<Cow<'a, [u8]>> {
    member(members, name)
        .filter(|s| s.is_string())
        .map(|s| s.text(data))
}

/// A JSON string's contents unescaped (`\n`, `\"`, `\uXXXX` with surrogate pairs); invalid
/// escapes are kept as written, lone surrogates become U+FFFD.
pub fn unescape(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'\\') {
        return Cow::Borrowed(raw);
    }
    let hex4 = |at: usize| -> Option<u32> {
        let h = raw.get(at..at + 4)?;
        let s = std::str::from_utf8(h).ok()?;
        u32::from_str_radix(s, 16)
            .ok()
            .filter(|_| h.iter().all(u8::is_ascii_hexdigit))
    };
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c != b'\\' || i + 1 >= raw.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = raw[i + 1];
        let simple = match e {
            b'"' => Some(b'"'),
            b'\'' => Some(b'\''),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            i += 2;
            continue;
        }
        if e == b'u' {
            if let Some(u) = hex4(i + 2) {
                let mut len = 6;
                let ch = if (0xD800..0xDC00).contains(&u) {
                    match (raw.get(i + 6..i + 8), hex4(i + 8)) {
                        (Some(b"\\u"), Some(lo)) if (0xDC00..0xE000).contains(&lo) => {
                            len = 12;
                            char::from_u32(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00))
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(u)
                };
                let ch = ch.unwrap_or('\u{FFFD}');
                let mut buf = [0; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                i += len;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Vec<(String, Kind, String)> {
        let mut v = Vec::new();
        scan(data, &mut |path, s| {
            let p: Vec<String> = path
                .iter()
                .map(|k| match k {
                    JsonKey::Name(n) => String::from_utf8_lossy(n).into_owned(),
                    JsonKey::Index(i) => format!("[{i}]"),
                })
                .collect();
            v.push((
                p.join("."),
                s.kind,
                String::from_utf8_lossy(s.raw(data)).into_owned(),
            ));
        });
        v
    }

    #[test]
    fn paths_kinds_and_spans() {
        let d = br#"{"a": {"b": "x\"y", "n": 12, "t": true}, "l": ["p", null, {"q": "r"}]}"#;
        assert_eq!(
            all(d),
            vec![
                ("a.b".into(), Kind::String, "x\\\"y".into()),
                ("a.n".into(), Kind::Number, "12".into()),
                ("a.t".into(), Kind::True, "true".into()),
                ("l.[0]".into(), Kind::String, "p".into()),
                ("l.[1]".into(), Kind::Null, "null".into()),
                ("l.[2].q".into(), Kind::String, "r".into()),
            ]
        );
        let mut spans = Vec::new();
        strings(d, &mut |_, (s, e)| spans.push((s, e)));
        assert_eq!(&d[spans[0].0..spans[0].1], br#"x\"y"#);
        assert_eq!(d[spans[0].0 - 1], b'"');
    }

    #[test]
    fn jsonc_comments_and_commas() {
        let d = b"{\n  // \"password\": \"old\",\n  \"host\": \"h\", /* \"x\": \"y\" */\n  \"port\": 22// c\n  \"pass\": 'p',\n  bare: \"b\",\n}\n";
        assert_eq!(
            all(d),
            vec![
                ("host".into(), Kind::String, "h".into()),
                ("port".into(), Kind::Number, "22".into()),
                ("pass".into(), Kind::String, "p".into()),
                ("bare".into(), Kind::String, "b".into()),
            ]
        );
    }

    #[test]
    fn malformed_input_reports_what_came_before() {
        assert_eq!(
            all(br#"{"a": "1", "b": {"c": "2", "d": }"#),
            vec![
                ("a".into(), Kind::String, "1".into()),
                ("b.c".into(), Kind::String, "2".into())
            ]
        );
        assert_eq!(all(br#"{"a": "unterminated"#), vec![]);
        let mut closed = Vec::new();
        records(br#"{"x": {"password": "p""#, &mut |path, m| {
            closed.push((path.len(), m.len()))
        });
        assert_eq!(closed, vec![(1, 1), (0, 0)]);
    }

    #[test]
    fn never_panics() {
        let inputs: &[&[u8]] = &[
            b"",
            b"{",
            b"}",
            b"[",
            b"]",
            b"\"",
            b"\\",
            b"{\"a\"",
            b"{\"a\":",
            b"[1,",
            b"{,}",
            b"/*",
            b"//",
            b"{'",
            b"[\"\\",
            b"\xEF\xBB\xBF",
            b"::",
            b"{\"a\" 1}",
            b"}{][",
        ];
        for d in inputs {
            let _ = all(d);
            records(d, &mut |_, _| {});
        }
        let deep = vec![b'['; 100_000];
        assert_eq!(all(&deep), vec![]);
    }

    #[test]
    fn records_group_members() {
        let d = br#"{"auths": {"r1": {"auth": "A"}, "r2": {}}, "x": 1}"#;
        let mut got = Vec::new();
        records(d, &mut |path, m| {
            got.push((
                path.len(),
                m.iter()
                    .map(|(k, _)| k.name().unwrap().into_owned())
                    .collect::<Vec<_>>(),
            ))
        });
        assert_eq!(
            got,
            vec![
                (2, vec![b"auth".to_vec()]),
                (2, vec![]),
                (1, vec![]),
                (0, vec![b"x".to_vec()])
            ]
        );
    }

    #[test]
    fn unescaping() {
        assert_eq!(&*unescape(br#"a\"b\\c\/d\n"#), b"a\"b\\c/d\n");
        assert_eq!(&*unescape(br"\u00e9\ud83d\ude00"), "é😀".as_bytes());
        assert_eq!(&*unescape(br"\ud83d x"), "\u{FFFD} x".as_bytes());
        assert_eq!(&*unescape(br"\q\u12"), br"\q\u12");
        assert!(JsonKey::Name(br"pass\u0077ord").is("password"));
    }
}
