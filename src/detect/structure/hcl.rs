//! A tolerant HCL scanner for Terraform variable files (`*.tfvars`) and the Terraform CLI
//! configuration (`.terraformrc`): reports every attribute value with its path (block type
//! and labels, attribute names, object keys, list indexes: `credentials/app.terraform.io/
//! token`, `tags/owner`) and where it is written: a quoted string inside its quotes (still
//! escaped; a `${…}` template inside is skipped over, not parsed), a heredoc's body, or a bare
//! expression (`var.x`, `true`, `24`), which extractors usually ignore.
//!
//! Comments (`#`, `//`, `/* */`) are skipped. Not an HCL parser: operators, conditionals and
//! function calls are passed over as bare text. A line it cannot read is skipped; nesting
//! deeper than 64 ends the scan. Never panics.

use std::borrow::Cow;

/// One step of a path: a block type or label, an attribute or object key, or a list index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HclKey<'a> {
    Name(&'a [u8]),
    Index(usize),
}

impl<'a> HclKey<'a> {
    pub fn is(&self, name: &str) -> bool {
        matches!(self, HclKey::Name(n) if *n == name.as_bytes())
    }

    pub fn name(&self) -> Option<&'a [u8]> {
        match *self {
            HclKey::Name(n) => Some(n),
            HclKey::Index(_) => None,
        }
    }
}

/// How a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HclKind {
    /// `"…"`: the span is inside the quotes.
    Quoted,
    /// `<<EOT` … `EOT`: the span is the body, without the final line break.
    Heredoc,
    /// Anything else: a number, a boolean, `null`, a reference, a call.
    Bare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HclValue {
    pub start: usize,
    pub end: usize,
    pub kind: HclKind,
}

impl HclValue {
    pub fn raw<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        data.get(self.start..self.end).unwrap_or_default()
    }

    /// A quoted string unescaped; anything else as written.
    pub fn text<'a>(&self, data: &'a [u8]) -> Cow<'a, [u8]> {
        match self.kind {
            HclKind::Quoted => unescape(self.raw(data)),
            _ => Cow::Borrowed(self.raw(data)),
        }
    }

    /// A string literal (quoted or heredoc), not an expression.
    pub fn is_string(&self) -> bool {
        self.kind != HclKind::Bare
    }
}

const MAX_DEPTH: usize = 64;

/// Every attribute value of `data` with its path.
pub fn scan<'a>(data: &'a [u8], each: &mut dyn FnMut(&[HclKey<'a>], &HclValue)) {
    let mut p = Scanner {
        d: data,
        pos: 0,
        path: Vec::new(),
        each,
    };
    p.body(0, false);
}

struct Scanner<'a, 'e> {
    d: &'a [u8],
    pos: usize,
    path: Vec<HclKey<'a>>,
    each: &'e mut dyn FnMut(&[HclKey<'a>], &HclValue),
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl<'a> Scanner<'a, '_> {
    fn peek(&self) -> Option<u8> {
        self.d.get(self.pos).copied()
    }

    /// Spaces and comments; line breaks too when `lines`. A `#`/`//` comment stops at its line
    /// break.
    fn space(&mut self, lines: bool) {
        let d = self.d;
        while let Some(c) = self.peek() {
            if c == b' ' || c == b'\t' || c == b'\r' || (lines && c == b'\n') {
                self.pos += 1;
            } else if c == b'#' || (c == b'/' && d.get(self.pos + 1) == Some(&b'/')) {
                self.pos = memchr::memchr(b'\n', &d[self.pos..]).map_or(d.len(), |i| self.pos + i);
            } else if c == b'/' && d.get(self.pos + 1) == Some(&b'*') {
                self.pos = memchr::memmem::find(&d[self.pos + 2..], b"*/")
                    .map_or(d.len(), |i| self.pos + 2 + i + 2);
            } else {
                break;
            }
        }
    }

    fn skip_line(&mut self) {
        let d = self.d;
        self.pos = memchr::memchr(b'\n', &d[self.pos.min(d.len())..])
            .map_or(d.len(), |i| self.pos + i + 1);
    }

    fn ident(&mut self) -> Option<&'a [u8]> {
        let s = self.pos;
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        while self.peek().is_some_and(is_ident) {
            self.pos += 1;
        }
        Some(&self.d[s..self.pos])
    }

    fn report(&mut self, v: HclValue) {
        (self.each)(&self.path, &v);
    }

    /// Attributes and blocks, up to the end or (in a block) its `}`.
    fn body(&mut self, depth: usize, in_block: bool) {
        loop {
            self.space(true);
            let Some(c) = self.peek() else { return };
            if c == b'}' {
                self.pos += 1;
                if in_block {
                    return;
                }
                continue;
            }
            let Some(name) = self.ident() else {
                self.skip_line();
                continue;
            };
            self.space(false);
            match self.peek() {
                Some(b'=') if self.d.get(self.pos + 1) != Some(&b'=') => {
                    self.pos += 1;
                    self.path.push(HclKey::Name(name));
                    self.expr(depth);
                    self.path.pop();
                }
                Some(b':') => {
                    self.pos += 1;
                    self.path.push(HclKey::Name(name));
                    self.expr(depth);
                    self.path.pop();
                }
                _ => {
                    // A block: type, labels, `{`.
                    let mark = self.path.len();
                    self.path.push(HclKey::Name(name));
                    loop {
                        self.space(false);
                        match self.peek() {
                            Some(b'"') => match self.quoted_end() {
                                Some(e) => {
                                    self.path.push(HclKey::Name(&self.d[self.pos + 1..e]));
                                    self.pos = e + 1;
                                }
                                None => break,
                            },
                            Some(c) if is_ident_start(c) => {
                                if let Some(l) = self.ident() {
                                    self.path.push(HclKey::Name(l));
                                }
                            }
                            _ => break,
                        }
                    }
                    if self.peek() == Some(b'{') && depth < MAX_DEPTH {
                        self.pos += 1;
                        self.body(depth + 1, true);
                    } else if self.peek() == Some(b'{') {
                        self.pos = self.d.len();
                    } else {
                        self.skip_line();
                    }
                    self.path.truncate(mark);
                }
            }
        }
    }

    /// An expression at `pos` (after `=`, `:`, in a list): reports what it can.
    fn expr(&mut self, depth: usize) {
        self.space(false);
        let Some(c) = self.peek() else { return };
        if depth >= MAX_DEPTH {
            self.pos = self.d.len();
            return;
        }
        match c {
            b'"' => match self.quoted_end() {
                Some(e) => {
                    let v = HclValue {
                        start: self.pos + 1,
                        end: e,
                        kind: HclKind::Quoted,
                    };
                    self.pos = e + 1;
                    self.report(v);
                }
                None => self.skip_line(),
            },
            b'<' if self.d[self.pos..].starts_with(b"<<") => self.heredoc(),
            b'{' => {
                self.pos += 1;
                loop {
                    self.space(true);
                    match self.peek() {
                        None => return,
                        Some(b'}') => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',') => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let key = match self.peek() {
                        Some(b'"') => match self.quoted_end() {
                            Some(e) => {
                                let k = &self.d[self.pos + 1..e];
                                self.pos = e + 1;
                                Some(k)
                            }
                            None => None,
                        },
                        _ => self.ident(),
                    };
                    self.space(false);
                    match (key, self.peek()) {
                        (Some(k), Some(b'=' | b':')) => {
                            self.pos += 1;
                            self.path.push(HclKey::Name(k));
                            self.expr(depth + 1);
                            self.path.pop();
                        }
                        _ => self.bare(b'}'),
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                let mut index = 0;
                loop {
                    self.space(true);
                    match self.peek() {
                        None => return,
                        Some(b']') => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',') => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    self.path.push(HclKey::Index(index));
                    index += 1;
                    let before = self.pos;
                    self.expr(depth + 1);
                    self.path.pop();
                    if self.pos == before {
                        self.bare(b']');
                    }
                }
            }
            _ => {
                let s = self.pos;
                self.bare(0);
                let (s, e) = super::text::trim(self.d, s, self.pos);
                if e > s {
                    self.report(HclValue {
                        start: s,
                        end: e,
                        kind: HclKind::Bare,
                    });
                }
            }
        }
    }

    /// Passes over a bare expression: up to a line break, `,`, or `close` outside brackets.
    fn bare(&mut self, close: u8) {
        let mut depth = 0usize;
        let start = self.pos;
        while let Some(c) = self.peek() {
            match c {
                b'\n' | b',' if depth == 0 => break,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth == 0 && (c == close || close == 0) => break,
                b')' | b']' | b'}' if depth == 0 => {}
                b')' | b']' | b'}' => depth -= 1,
                b'"' => {
                    if let Some(e) = self.quoted_end() {
                        self.pos = e;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        if self.pos == start && self.peek().is_some_and(|c| c != close) {
            self.pos += 1;
        }
    }

    /// The offset of the quote closing the string opened at `pos`, passing over `${…}` and
    /// `%{…}` templates; `None` if the line ends first.
    fn quoted_end(&self) -> Option<usize> {
        let d = self.d;
        let mut i = self.pos + 1;
        let mut braces = 0usize;
        while i < d.len() {
            match d[i] {
                b'\\' => i += 1,
                b'\n' if braces == 0 => return None,
                b'"' if braces == 0 => return Some(i),
                b'$' | b'%' if d.get(i + 1) == Some(&b'{') => {
                    if d.get(i.wrapping_sub(1)) == Some(&d[i]) && braces == 0 {
                        // `$${` / `%%{`: a literal.
                        i += 1;
                    } else {
                        braces += 1;
                        i += 1;
                    }
                }
                b'{' if braces > 0 => braces += 1,
                b'}' if braces > 0 => braces -= 1,
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// `<<EOT` or `<<-EOT`, then the body up to a line holding only `EOT`.
    fn heredoc(&mut self) {
        let d = self.d;
        let mut i = self.pos + 2;
        if d.get(i) == Some(&b'-') {
            i += 1;
        }
        let s = i;
        while d.get(i).is_some_and(|&c| is_ident(c)) {
            i += 1;
        }
        let tag = &d[s..i];
        let Some(nl) = memchr::memchr(b'\n', &d[i..]).map(|j| i + j) else {
            self.pos = d.len();
            return;
        };
        if tag.is_empty() {
            self.pos = nl + 1;
            return;
        }
        let body = nl + 1;
        let mut at = body;
        while at < d.len() {
            let end = memchr::memchr(b'\n', &d[at..]).map_or(d.len(), |j| at + j);
            if d[at..end].trim_ascii() == tag {
                let (bs, be) = (body, at.saturating_sub(1).max(body));
                let be = if be > bs && d[be - 1] == b'\r' {
                    be - 1
                } else {
                    be
                };
                self.report(HclValue {
                    start: bs,
                    end: be,
                    kind: HclKind::Heredoc,
                });
                self.pos = end;
                return;
            }
            at = end + 1;
        }
        self.pos = d.len();
    }
}

/// A quoted HCL string unescaped: `\"`, `\\`, `\n`, `\r`, `\t`, `\uNNNN`, `\UNNNNNNNN`, and
/// the template escapes `$${` and `%%{`.
pub fn unescape(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'\\') && !raw.windows(3).any(|w| w == b"$${" || w == b"%%{") {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if (c == b'$' || c == b'%') && raw.get(i + 1) == Some(&c) && raw.get(i + 2) == Some(&b'{') {
            out.extend_from_slice(&[c, b'{']);
            i += 3;
            continue;
        }
        if c != b'\\' || i + 1 >= raw.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = raw[i + 1];
        let simple = match e {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
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
        let width = match e {
            b'u' => 4,
            b'U' => 8,
            _ => 0,
        };
        let ch = raw
            .get(i + 2..i + 2 + width)
            .filter(|h| width > 0 && h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
            .and_then(char::from_u32);
        if let Some(ch) = ch {
            let mut buf = [0; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            i += 2 + width;
            continue;
        }
        out.push(c);
        i += 1;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Vec<(String, String, HclKind)> {
        let mut v = Vec::new();
        scan(data, &mut |path, val| {
            let p: Vec<String> = path
                .iter()
                .map(|k| match k {
                    HclKey::Name(n) => String::from_utf8_lossy(n).into_owned(),
                    HclKey::Index(i) => format!("[{i}]"),
                })
                .collect();
            v.push((
                p.join("/"),
                String::from_utf8_lossy(val.raw(data)).into_owned(),
                val.kind,
            ));
        });
        v
    }

    fn s(p: &str, v: &str, k: HclKind) -> (String, String, HclKind) {
        (p.into(), v.into(), k)
    }

    #[test]
    fn attributes_blocks_objects_lists() {
        use HclKind::*;
        let d = b"# c\na = \"x\\\"y\" # tail\nn = 24\nr = var.x\ncredentials \"app.terraform.io\" {\n  token = \"t\"\n}\nm = {\n  k = \"v\", \"q\" = \"w\"\n  inner = { z = \"1\" }\n}\nl = [\"p\", 2]\n// b = \"no\"\n/* c = \"no\" */\nt = \"${var.a}-${lookup(m, \"k\")}\"\n";
        assert_eq!(
            all(d),
            vec![
                s("a", "x\\\"y", Quoted),
                s("n", "24", Bare),
                s("r", "var.x", Bare),
                s("credentials/app.terraform.io/token", "t", Quoted),
                s("m/k", "v", Quoted),
                s("m/q", "w", Quoted),
                s("m/inner/z", "1", Quoted),
                s("l/[0]", "p", Quoted),
                s("l/[1]", "2", Bare),
                s("t", "${var.a}-${lookup(m, \"k\")}", Quoted),
            ]
        );
    }

    #[test]
    fn heredocs() {
        let d = b"key = <<-EOT\n  -----BEGIN X-----\n  abc\n  EOT\nafter = \"a\"\n";
        let got = all(d);
        assert_eq!(
            got[0],
            s("key", "  -----BEGIN X-----\n  abc", HclKind::Heredoc)
        );
        assert_eq!(got[1], s("after", "a", HclKind::Quoted));
    }

    #[test]
    fn never_panics() {
        let inputs: &[&[u8]] = &[
            b"",
            b"a",
            b"a =",
            b"a = \"",
            b"a = {",
            b"a = [",
            b"a = <<",
            b"a = <<EOT",
            b"b \"l\"",
            b"b \"l\" {",
            b"}",
            b"a = {b = [1, {c = \"",
            b"a = \"${\"",
            b"= x",
            b"a = (",
            b"a = ]",
            b"a = <<EOT\nx",
            b"a = \"\\",
            b"a = [,]",
            b"a = {,}",
        ];
        for d in inputs {
            let _ = all(d);
        }
        let deep = [b"a = ".as_slice(), &[b'['; 1000]].concat();
        let _ = all(&deep);
    }

    #[test]
    fn unescaping() {
        assert_eq!(
            &*unescape(br#"a\"b\\c\n$${x}%%{y}\u00e9"#),
            "a\"b\\c\n${x}%{y}é".as_bytes()
        );
    }
}
