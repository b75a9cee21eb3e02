//! A tolerant XML scanner for configuration files (Maven `settings.xml`, FileZilla, JetBrains
//! `.idea/*.xml`): reports every element when it closes, with its path from the root
//! (`settings/servers/server/password`), its attributes (name and the span of the value,
//! inside the quotes) and its first run of text (span trimmed, or inside `<![CDATA[ ]]>`).
//! Elements are reported innermost first, so a record's children arrive before the record
//! itself: collect them, and emit when the record's own element comes.
//!
//! Comments, processing instructions and `<!DOCTYPE …>` are skipped (no DTD processing, no
//! entity definitions); an unmatched end tag is ignored, an end tag closes the elements left
//! open inside it, and at the end of the input (or malformed markup) the elements still open
//! are reported. Never panics, never recurses; nesting deeper than [`MAX_DEPTH`] ends the
//! scan. Names are compared as written (use [`local`] to drop a namespace prefix).

use std::borrow::Cow;

/// Elements nested deeper than this end the scan (the open ones are still reported).
pub const MAX_DEPTH: usize = 512;

/// An attribute: its name and where its value is written (inside the quotes, still escaped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attr<'a> {
    pub name: &'a [u8],
    pub start: usize,
    pub end: usize,
}

impl Attr<'_> {
    /// The value, entities resolved.
    pub fn value<'d>(&self, data: &'d [u8]) -> Cow<'d, [u8]> {
        unescape(data.get(self.start..self.end).unwrap_or_default())
    }
}

/// A run of text directly inside an element: trimmed of surrounding whitespace, or the whole
/// contents of a CDATA section (which has no entities).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub start: usize,
    pub end: usize,
    pub cdata: bool,
}

impl Text {
    /// The text, entities resolved (CDATA as written).
    pub fn value<'d>(&self, data: &'d [u8]) -> Cow<'d, [u8]> {
        let raw = data.get(self.start..self.end).unwrap_or_default();
        if self.cdata {
            Cow::Borrowed(raw)
        } else {
            unescape(raw)
        }
    }
}

/// An element, reported when it closes.
#[derive(Debug)]
pub struct Element<'a, 'p> {
    /// Element names from the root down to this one, as written (with any prefix).
    pub path: &'p [&'a [u8]],
    pub attrs: &'p [Attr<'a>],
    /// The first non-blank run of text directly inside it.
    pub text: Option<Text>,
    /// Offset of its `<`.
    pub start: usize,
}

impl<'a> Element<'a, '_> {
    /// Its own name, without a namespace prefix.
    pub fn name(&self) -> &'a [u8] {
        self.path.last().map_or(&[][..], |n| local(n))
    }

    /// Does its path end with `suffix` (`"servers/server/password"`), comparing names without
    /// prefixes, case-sensitively?
    pub fn ends_with(&self, suffix: &str) -> bool {
        let want: Vec<&[u8]> = suffix.split('/').map(str::as_bytes).collect();
        want.len() <= self.path.len()
            && self.path[self.path.len() - want.len()..]
                .iter()
                .zip(&want)
                .all(|(n, w)| local(n) == *w)
    }

    /// The attribute `name` (ASCII case-insensitively).
    pub fn attr(&self, name: &str) -> Option<&Attr<'a>> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name.as_bytes()))
    }

    /// The attribute `name`'s value, entities resolved.
    pub fn attr_value<'d>(&self, data: &'d [u8], name: &str) -> Option<Cow<'d, [u8]>> {
        self.attr(name).map(|a| a.value(data))
    }

    /// Its text, entities resolved.
    pub fn text_value<'d>(&self, data: &'d [u8]) -> Option<Cow<'d, [u8]>> {
        self.text.map(|t| t.value(data))
    }
}

/// A name without its namespace prefix (`s:server` → `server`).
pub fn local(name: &[u8]) -> &[u8] {
    memchr::memrchr(b':', name).map_or(name, |i| &name[i + 1..])
}

struct Open<'a> {
    name: &'a [u8],
    attrs: Vec<Attr<'a>>,
    text: Option<Text>,
    start: usize,
}

/// Reports every element of `data` as it closes (see the module documentation).
pub fn scan<'a>(data: &'a [u8], each: &mut dyn FnMut(&Element<'a, '_>)) {
    let mut stack: Vec<Open<'a>> = Vec::new();
    let mut names: Vec<&'a [u8]> = Vec::new();
    let mut report = |stack: &mut Vec<Open<'a>>, names: &mut Vec<&'a [u8]>| {
        if let Some(o) = stack.pop() {
            each(&Element {
                path: names,
                attrs: &o.attrs,
                text: o.text,
                start: o.start,
            });
            names.pop();
        }
    };
    let text = |stack: &mut Vec<Open<'a>>, s: usize, e: usize, cdata: bool| {
        let (s, e) = super::text::trim(data, s, e);
        if let Some(top) = stack.last_mut() {
            if top.text.is_none() && e > s {
                top.text = Some(Text {
                    start: s,
                    end: e,
                    cdata,
                });
            }
        }
    };
    let mut pos = 0;
    'scan: while pos < data.len() {
        let Some(lt) = memchr::memchr(b'<', &data[pos..]).map(|i| pos + i) else {
            text(&mut stack, pos, data.len(), false);
            break;
        };
        text(&mut stack, pos, lt, false);
        let rest = &data[lt..];
        if rest.starts_with(b"<!--") {
            match memchr::memmem::find(&data[lt + 4..], b"-->") {
                Some(i) => pos = lt + 4 + i + 3,
                None => break,
            }
        } else if rest.starts_with(b"<![CDATA[") {
            let s = lt + 9;
            match memchr::memmem::find(&data[s..], b"]]>") {
                Some(i) => {
                    text(&mut stack, s, s + i, true);
                    pos = s + i + 3;
                }
                None => break,
            }
        } else if rest.starts_with(b"<?") {
            match memchr::memmem::find(&data[lt + 2..], b"?>") {
                Some(i) => pos = lt + 2 + i + 2,
                None => break,
            }
        } else if rest.starts_with(b"<!") {
            // <!DOCTYPE …> with an optional internal subset in brackets: skipped whole.
            let mut depth = 0usize;
            let mut i = lt + 2;
            loop {
                match data.get(i) {
                    None => break 'scan,
                    Some(b'[') => depth += 1,
                    Some(b']') => depth = depth.saturating_sub(1),
                    Some(&q @ (b'"' | b'\'')) => match memchr::memchr(q, &data[i + 1..]) {
                        Some(j) => i += j + 1,
                        None => break 'scan,
                    },
                    Some(b'>') if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
            pos = i + 1;
        } else if rest.starts_with(b"</") {
            let Some(gt) = memchr::memchr(b'>', &data[lt..]).map(|i| lt + i) else {
                break;
            };
            let name = data[lt + 2..gt].trim_ascii();
            if let Some(k) = stack.iter().rposition(|o| o.name == name) {
                while stack.len() > k {
                    report(&mut stack, &mut names);
                }
            }
            pos = gt + 1;
        } else {
            let name_end = data[lt + 1..]
                .iter()
                .position(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
                .map_or(data.len(), |i| lt + 1 + i);
            if name_end == lt + 1 {
                // A `<` that opens nothing (`a < b` in sloppy text).
                pos = lt + 1;
                continue;
            }
            let mut o = Open {
                name: &data[lt + 1..name_end],
                attrs: Vec::new(),
                text: None,
                start: lt,
            };
            let mut i = name_end;
            let closed = loop {
                while data.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                match data.get(i) {
                    None => break 'scan,
                    Some(b'>') => {
                        i += 1;
                        break false;
                    }
                    Some(b'/') if data.get(i + 1) == Some(&b'>') => {
                        i += 2;
                        break true;
                    }
                    Some(b'/') => {
                        i += 1;
                        continue;
                    }
                    _ => {}
                }
                let ns = i;
                while data
                    .get(i)
                    .is_some_and(|&c| !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/'))
                {
                    i += 1;
                }
                let name = &data[ns..i];
                if name.is_empty() {
                    // A stray `=`: step over it.
                    i += 1;
                    continue;
                }
                let mut j = i;
                while data.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                if data.get(j) != Some(&b'=') {
                    o.attrs.push(Attr {
                        name,
                        start: i,
                        end: i,
                    });
                    continue;
                }
                j += 1;
                while data.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                match data.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let Some(k) = memchr::memchr(q, &data[j + 1..]) else {
                            break 'scan;
                        };
                        o.attrs.push(Attr {
                            name,
                            start: j + 1,
                            end: j + 1 + k,
                        });
                        i = j + 1 + k + 1;
                    }
                    _ => {
                        let vs = j;
                        while data
                            .get(j)
                            .is_some_and(|&c| !c.is_ascii_whitespace() && c != b'>')
                        {
                            j += 1;
                        }
                        o.attrs.push(Attr {
                            name,
                            start: vs,
                            end: j,
                        });
                        i = j;
                    }
                }
            };
            if stack.len() >= MAX_DEPTH {
                break;
            }
            names.push(o.name);
            stack.push(o);
            if closed {
                report(&mut stack, &mut names);
            }
            pos = i;
        }
    }
    while !stack.is_empty() {
        report(&mut stack, &mut names);
    }
}

/// Text with the predefined entities and character references resolved (`&amp;` `&lt;`
/// `&gt;` `&quot;` `&apos;` `&#NN;` `&#xNN;`); anything else is kept as written.
pub fn unescape(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'&') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'&' {
            let semi = raw[i + 1..]
                .iter()
                .take(12)
                .position(|&c| c == b';')
                .map(|j| i + 1 + j);
            if let Some(semi) = semi {
                let name = &raw[i + 1..semi];
                let ch = match name {
                    b"amp" => Some('&'),
                    b"lt" => Some('<'),
                    b"gt" => Some('>'),
                    b"quot" => Some('"'),
                    b"apos" => Some('\''),
                    [b'#', b'x' | b'X', hex @ ..] if !hex.is_empty() => std::str::from_utf8(hex)
                        .ok()
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32),
                    [b'#', dec @ ..] if !dec.is_empty() => std::str::from_utf8(dec)
                        .ok()
                        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                        .and_then(|d| d.parse::<u32>().ok())
                        .and_then(char::from_u32),
                    _ => None,
                };
                if let Some(ch) = ch {
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    i = semi + 1;
                    continue;
                }
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (path, text, attrs as name=value)
    fn all(data: &[u8]) -> Vec<(String, String, Vec<String>)> {
        let mut v = Vec::new();
        scan(data, &mut |e| {
            let path: Vec<String> = e
                .path
                .iter()
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .collect();
            let text = e
                .text
                .map(|t| String::from_utf8_lossy(&data[t.start..t.end]).into_owned())
                .unwrap_or_default();
            let attrs = e
                .attrs
                .iter()
                .map(|a| {
                    format!(
                        "{}={}",
                        String::from_utf8_lossy(a.name),
                        String::from_utf8_lossy(&data[a.start..a.end])
                    )
                })
                .collect();
            v.push((path.join("/"), text, attrs));
        });
        v
    }

    #[test]
    fn paths_text_and_attributes() {
        let d = b"<?xml version=\"1.0\"?>\n<!DOCTYPE s [ <!ENTITY x \"y>\"> ]>\n<s xmlns=\"u\"><servers>\n<!-- <password>old</password> -->\n<server><id>a</id><password> p&amp;w </password></server>\n<x a='1' b=\"2\" c=3 d/></servers></s>";
        assert_eq!(
            all(d),
            vec![
                ("s/servers/server/id".into(), "a".into(), vec![]),
                ("s/servers/server/password".into(), "p&amp;w".into(), vec![]),
                ("s/servers/server".into(), "".into(), vec![]),
                (
                    "s/servers/x".into(),
                    "".into(),
                    vec!["a=1".into(), "b=2".into(), "c=3".into(), "d=".into()]
                ),
                ("s/servers".into(), "".into(), vec![]),
                ("s".into(), "".into(), vec!["xmlns=u".into()]),
            ]
        );
        let mut seen = None;
        scan(d, &mut |e| {
            if e.ends_with("server/password") {
                let t = e.text.unwrap();
                seen = Some((t.start, t.end, e.text_value(d).unwrap().into_owned()));
            }
        });
        let (s, e, v) = seen.unwrap();
        assert_eq!(&d[s..e], b"p&amp;w");
        assert_eq!(v, b"p&w");
    }

    #[test]
    fn cdata_mixed_text_and_sloppy_markup() {
        let d = b"<a>Folder <b><![CDATA[ <x>&amp; ]]></b><c>1 < 2</c></d></a>";
        assert_eq!(
            all(d),
            vec![
                ("a/b".into(), "<x>&amp;".into(), vec![]),
                ("a/c".into(), "1".into(), vec![]),
                ("a".into(), "Folder".into(), vec![]),
            ]
        );
        // Unclosed elements are reported at the end, innermost first.
        assert_eq!(
            all(b"<a><b>t"),
            vec![
                ("a/b".into(), "t".into(), vec![]),
                ("a".into(), "".into(), vec![])
            ]
        );
    }

    #[test]
    fn never_panics() {
        let inputs: &[&[u8]] = &[
            b"",
            b"<",
            b">",
            b"<a",
            b"<a b",
            b"<a b=",
            b"<a b=\"",
            b"</",
            b"</a>",
            b"<!--",
            b"<![CDATA[",
            b"<?",
            b"<!DOCTYPE [",
            b"<a/",
            b"<a =x>",
            b"<<<>>>",
            b"&#x110000;",
            b"<a>&",
            b"<a b='1'/",
        ];
        for d in inputs {
            let _ = all(d);
        }
        let _ = unescape(b"&#xZZ; &#; &#x; &amp &lt;");
        // Deep nesting stops at MAX_DEPTH; unmatched end tags cost nothing then.
        let deep = [b"<a>".repeat(100_000), b"</b>".repeat(100_000)].concat();
        assert_eq!(all(&deep).len(), MAX_DEPTH);
    }

    #[test]
    fn entities() {
        assert_eq!(
            &*unescape(b"a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;&nbsp;&"),
            b"a&b<>\"'AB&nbsp;&"
        );
        assert_eq!(local(b"s:server"), b"server");
    }
}
