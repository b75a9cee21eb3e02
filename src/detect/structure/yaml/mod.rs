//! A line-oriented YAML key scanner, good enough for configuration files (kubeconfig, gh
//! `hosts.yml`, `.yarnrc.yml`), not a YAML parser: reports every `key: value` scalar with
//! its key path, built from indentation (map keys; `- ` list items as an index, the item's
//! own map keys under it), and where the value is written (plain: trimmed, an inline
//! ` # comment` cut; quoted: inside the quotes, still escaped).
//!
//! Also handled: comments, `---` document separators (which reset the path), tags and
//! anchors before a value (the tag's span is kept: `!vault`), `|` and `>` block scalars
//! (reported whole, as one opaque value: a PEM, a token), quoted scalars spanning lines,
//! a plain or quoted value on the line after its key, and flow collections
//! (`{user: a, pass: b}`, `[a, b]`), whose members get paths of their own. Not handled:
//! aliases (`*x` is not reported), merge keys, complex `? ` keys, multi-line plain scalars
//! past their first line. Never panics; flow nesting deeper than 32 is not reported.

mod escape;
mod value;

pub use escape::{unescape_double, unescape_single};
pub use value::{Style, YamlKey, YamlValue};

use escape::quoted_end;

/// Every scalar of `data` with its key path.
pub fn scan<'a>(data: &'a [u8], each: &mut dyn FnMut(&[YamlKey<'a>], &YamlValue)) {
    let lines: Vec<(usize, &'a [u8])> = super::text::lines(data).collect();
    let mut s = Scanner {
        data,
        lines,
        frames: Vec::new(),
        path: Vec::new(),
        open: false,
    };
    let mut li = 0;
    while li < s.lines.len() {
        li = s.line(li, each);
    }
}

/// Entries: (column, is a list item). `path` has one step per frame, plus the key being read.
struct Scanner<'a> {
    data: &'a [u8],
    lines: Vec<(usize, &'a [u8])>,
    frames: Vec<(usize, bool)>,
    path: Vec<YamlKey<'a>>,
    /// The last line opened a node with nothing after it (`key:` or `-`): a scalar on the
    /// next, deeper line is its value.
    open: bool,
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn skip_space(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && is_space(line[i]) {
        i += 1;
    }
    i
}

impl<'a> Scanner<'a> {
    /// Reads line `li`; the index of the next line to read.
    fn line(&mut self, li: usize, each: &mut dyn FnMut(&[YamlKey<'a>], &YamlValue)) -> usize {
        let (ls, line) = self.lines[li];
        let was_open = std::mem::take(&mut self.open);
        let mut col = skip_space(line, 0);
        let rest = &line[col..];
        if rest.is_empty() || rest[0] == b'#' {
            self.open = was_open;
            return li + 1;
        }
        if col == 0 && (marker(rest, b"---") || marker(rest, b"...")) {
            self.frames.clear();
            self.path.clear();
            return li + 1;
        }
        if col == 0 && rest[0] == b'%' {
            return li + 1;
        }
        let mut item_here = false;
        loop {
            let rest = &line[col..];
            if rest.is_empty() || rest[0] == b'#' {
                self.open = item_here;
                return li + 1;
            }
            if rest[0] == b'-' && (rest.len() == 1 || is_space(rest[1])) {
                self.open_item(col);
                item_here = true;
                col = skip_space(line, col + 1);
                continue;
            }
            if let Some((ks, ke, vpos)) = key_at(line, col) {
                self.pop_to(col);
                self.path.push(YamlKey::Name(&self.data[ls + ks..ls + ke]));
                let (next, container) = self.value(li, vpos, col, each);
                if container {
                    self.frames.push((col, false));
                    self.open = true;
                } else {
                    self.path.pop();
                }
                return next;
            }
            // A bare scalar: a list item's value, or the value of the key (or item) opened on
            // the line before.
            let owner_ok =
                item_here || (was_open && self.frames.last().is_some_and(|&(ind, _)| col > ind));
            if owner_ok {
                let (next, _) = self.value(li, col, col.saturating_sub(1), each);
                return next;
            }
            return li + 1;
        }
    }

    /// A `- ` at column `d`: closes what it ends and opens the next item of its list.
    fn open_item(&mut self, d: usize) {
        let mut next = 0;
        while let Some(&(ind, item)) = self.frames.last() {
            if (item && ind >= d) || (!item && ind > d) {
                if item && ind == d {
                    if let Some(YamlKey::Index(i)) = self.path.last() {
                        next = i + 1;
                    }
                }
                self.frames.pop();
                self.path.pop();
            } else {
                break;
            }
        }
        self.frames.push((d, true));
        self.path.push(YamlKey::Index(next));
    }

    /// A key at column `col`: closes its siblings and what they held.
    fn pop_to(&mut self, col: usize) {
        while self.frames.last().is_some_and(|&(ind, _)| ind >= col) {
            self.frames.pop();
            self.path.pop();
        }
    }

    /// The value starting at `vpos` in line `li` (after a key's colon, or a list item's
    /// dash), for a node at column `col`. Reports it; returns the next line to read and
    /// whether the node is a container (nothing written after it on this line).
    fn value(
        &mut self,
        li: usize,
        vpos: usize,
        col: usize,
        each: &mut dyn FnMut(&[YamlKey<'a>], &YamlValue),
    ) -> (usize, bool) {
        let (ls, line) = self.lines[li];
        let mut p = skip_space(line, vpos);
        let mut tag = None;
        while p < line.len() && matches!(line[p], b'!' | b'&') {
            let e = line[p..]
                .iter()
                .position(|&b| is_space(b))
                .map_or(line.len(), |i| p + i);
            if line[p] == b'!' {
                tag = Some((ls + p, ls + e));
            }
            p = skip_space(line, e);
        }
        if p >= line.len() || line[p] == b'#' {
            return (li + 1, true);
        }
        let at = ls + p;
        let mut v = YamlValue {
            start: at,
            end: at,
            style: Style::Plain,
            tag,
            indent: 0,
        };
        match line[p] {
            b'|' | b'>' if block_header(&line[p + 1..]) => {
                v.style = if line[p] == b'|' {
                    Style::Literal
                } else {
                    Style::Folded
                };
                return (self.block(li + 1, col, v, each), false);
            }
            q @ (b'"' | b'\'') => {
                let Some(end) = quoted_end(self.data, at, q) else {
                    return (li + 1, false);
                };
                v.start = at + 1;
                v.end = end;
                v.style = if q == b'"' {
                    Style::Double
                } else {
                    Style::Single
                };
                each(&self.path, &v);
                return (self.line_after(li, end), false);
            }
            b'{' | b'[' => {
                let end = self.flow(at, 0, each).unwrap_or(self.data.len());
                return (self.line_after(li, end), false);
            }
            b'*' => return (li + 1, false),
            _ => {}
        }
        let mut e = line.len();
        let mut i = p;
        while i < line.len() {
            if line[i] == b'#' && i > p && is_space(line[i - 1]) {
                e = i;
                break;
            }
            i += 1;
        }
        while e > p && is_space(line[e - 1]) {
            e -= 1;
        }
        v.end = ls + e;
        each(&self.path, &v);
        (li + 1, false)
    }

    /// The index of the first line after the one holding offset `end - 1`.
    fn line_after(&self, li: usize, end: usize) -> usize {
        let mut n = li + 1;
        while n < self.lines.len() && self.lines[n].0 < end {
            n += 1;
        }
        n
    }

    /// A block scalar whose lines start at `li`, for a node at column `col`.
    fn block(
        &mut self,
        li: usize,
        col: usize,
        mut v: YamlValue,
        each: &mut dyn FnMut(&[YamlKey<'a>], &YamlValue),
    ) -> usize {
        let mut n = li;
        let mut indent = None;
        let mut last = None;
        while n < self.lines.len() {
            let (ls, line) = self.lines[n];
            let ind = line.iter().take_while(|&&b| b == b' ').count();
            if line[ind..].iter().all(|&b| is_space(b)) {
                n += 1;
                continue;
            }
            match indent {
                None if ind > col => indent = Some(ind),
                None => break,
                Some(i) if ind < i => break,
                Some(_) => {}
            }
            if last.is_none() {
                v.start = ls + ind;
            }
            last = Some(n);
            n += 1;
        }
        let Some(last) = last else {
            return li;
        };
        let (ls, line) = self.lines[last];
        v.end = ls + line.len();
        v.indent = indent.unwrap_or(0);
        each(&self.path, &v);
        last + 1
    }

    /// A flow collection at `at` (`{` or `[`): reports its scalars; the offset after it.
    fn flow(
        &mut self,
        at: usize,
        depth: usize,
        each: &mut dyn FnMut(&[YamlKey<'a>], &YamlValue),
    ) -> Option<usize> {
        let d = self.data;
        let map = d[at] == b'{';
        let close = if map { b'}' } else { b']' };
        if depth >= 32 {
            return None;
        }
        let mut i = at + 1;
        let mut index = 0;
        loop {
            i = flow_space(d, i);
            let &c = d.get(i)?;
            if c == close {
                return Some(i + 1);
            }
            if c == b',' {
                i += 1;
                continue;
            }
            if map {
                let (ks, ke, after) = match c {
                    b'"' | b'\'' => {
                        let e = quoted_end(d, i, c)?;
                        (i + 1, e, e + 1)
                    }
                    _ => {
                        let mut j = i;
                        while j < d.len()
                            && !matches!(d[j], b',' | b'}' | b'\n')
                            && !(d[j] == b':'
                                && d.get(j + 1).is_none_or(|&n| {
                                    n.is_ascii_whitespace() || n == b',' || n == b'}'
                                }))
                        {
                            j += 1;
                        }
                        let mut e = j;
                        while e > i && d[e - 1].is_ascii_whitespace() {
                            e -= 1;
                        }
                        (i, e, j)
                    }
                };
                let j = flow_space(d, after);
                if d.get(j) != Some(&b':') {
                    // A key without a value (`{a, b}`).
                    i = if j > i { j } else { i + 1 };
                    continue;
                }
                self.path.push(YamlKey::Name(&d[ks..ke]));
                let r = self.flow_value(j + 1, close, depth, each);
                self.path.pop();
                i = r?;
            } else {
                self.path.push(YamlKey::Index(index));
                index += 1;
                let r = self.flow_value(i, close, depth, each);
                self.path.pop();
                i = r?;
            }
        }
    }

    fn flow_value(
        &mut self,
        at: usize,
        close: u8,
        depth: usize,
        each: &mut dyn FnMut(&[YamlKey<'a>], &YamlValue),
    ) -> Option<usize> {
        let d = self.data;
        let i = flow_space(d, at);
        let &c = d.get(i)?;
        let mut v = YamlValue {
            start: i,
            end: i,
            style: Style::Plain,
            tag: None,
            indent: 0,
        };
        match c {
            b'{' | b'[' => self.flow(i, depth + 1, each),
            b'"' | b'\'' => {
                let e = quoted_end(d, i, c)?;
                v.start = i + 1;
                v.end = e;
                v.style = if c == b'"' {
                    Style::Double
                } else {
                    Style::Single
                };
                each(&self.path, &v);
                Some(e + 1)
            }
            _ => {
                let mut j = i;
                while j < d.len() && !matches!(d[j], b',' | b'\n') && d[j] != close {
                    j += 1;
                }
                let mut e = j;
                while e > i && d[e - 1].is_ascii_whitespace() {
                    e -= 1;
                }
                if e > i && c != b'*' && c != close && c != b',' {
                    v.end = e;
                    each(&self.path, &v);
                }
                Some(j)
            }
        }
    }
}

/// `---` or `...` alone or followed by a space.
fn marker(rest: &[u8], m: &[u8]) -> bool {
    rest.starts_with(m) && rest.get(3).is_none_or(|&b| is_space(b))
}

/// After `|` or `>`: indicators (`+`, `-`, a digit), then nothing or a comment.
fn block_header(after: &[u8]) -> bool {
    let n = after
        .iter()
        .take_while(|&&b| b == b'+' || b == b'-' || b.is_ascii_digit())
        .count();
    let rest = &after[n..];
    let t = skip_space(rest, 0);
    t == rest.len() || (t > 0 && rest[t] == b'#')
}

/// Whitespace, newlines and `#` comments inside a flow collection.
fn flow_space(d: &[u8], mut i: usize) -> usize {
    loop {
        while i < d.len() && d[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < d.len() && d[i] == b'#' && (i == 0 || d[i - 1].is_ascii_whitespace()) {
            i = memchr::memchr(b'\n', &d[i..]).map_or(d.len(), |j| i + j);
            continue;
        }
        return i;
    }
}

/// A map key at column `col` of `line`: (start, end) of the key within the line (inside
/// quotes if quoted) and the position after its colon.
fn key_at(line: &[u8], col: usize) -> Option<(usize, usize, usize)> {
    let c = *line.get(col)?;
    let colon_ends = |j: usize| line.get(j + 1).is_none_or(|&b| is_space(b));
    if c == b'"' || c == b'\'' {
        let end = quoted_end(line, col, c)?;
        let j = skip_space(line, end + 1);
        return (line.get(j) == Some(&b':') && colon_ends(j)).then_some((col + 1, end, j + 1));
    }
    if matches!(
        c,
        b'{' | b'[' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'#' | b'?'
    ) {
        return None;
    }
    let mut j = col;
    while j < line.len() {
        if line[j] == b'#' && j > col && is_space(line[j - 1]) {
            return None;
        }
        if line[j] == b':' && colon_ends(j) {
            let mut e = j;
            while e > col && is_space(line[e - 1]) {
                e -= 1;
            }
            return (e > col).then_some((col, e, j + 1));
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Vec<(String, String, Style)> {
        let mut v = Vec::new();
        scan(data, &mut |path, val| {
            let p: Vec<String> = path
                .iter()
                .map(|k| match k {
                    YamlKey::Name(n) => String::from_utf8_lossy(n).into_owned(),
                    YamlKey::Index(i) => format!("[{i}]"),
                })
                .collect();
            v.push((
                p.join("."),
                String::from_utf8_lossy(val.raw(data)).into_owned(),
                val.style,
            ));
        });
        v
    }

    fn s(p: &str, v: &str, st: Style) -> (String, String, Style) {
        (p.into(), v.into(), st)
    }

    #[test]
    fn maps_lists_and_comments() {
        let d = b"# top\napiVersion: v1\nusers:\n- name: ci   # the bot\n  user:\n    token: \"t\\\"k\"\n    # password: old\n- name: b\n  user:\n    password: 'it''s'\nother:\n  - x\n  - y: 1\n    z: 2\n";
        use Style::*;
        assert_eq!(
            all(d),
            vec![
                s("apiVersion", "v1", Plain),
                s("users.[0].name", "ci", Plain),
                s("users.[0].user.token", "t\\\"k", Double),
                s("users.[1].name", "b", Plain),
                s("users.[1].user.password", "it''s", Single),
                s("other.[0]", "x", Plain),
                s("other.[1].y", "1", Plain),
                s("other.[1].z", "2", Plain),
            ]
        );
    }

    #[test]
    fn spans_point_at_the_value() {
        let d = b"a:\n  pass: \"s3\\\"cret\" # c\n  url: https://x:8443/p#frag\n";
        let mut got = Vec::new();
        scan(d, &mut |_, v| {
            got.push((v.start, v.end, v.text(d).into_owned()))
        });
        assert_eq!(&d[got[0].0..got[0].1], b"s3\\\"cret");
        assert_eq!(got[0].2, b"s3\"cret");
        assert_eq!(&d[got[1].0..got[1].1], b"https://x:8443/p#frag");
    }

    #[test]
    fn blocks_flows_tags_and_documents() {
        let d = b"key: |\n  -----BEGIN X-----\n  abc\n\n  -----END X-----\nnext: !vault |\n    $ANSIBLE_VAULT;1.1\nf: {user: u, pass: \"p, q\", n: {m: 1}}\nl: [a, 'b']\n---\n\"quoted key\": v\nk:\n  on-next-line\n";
        use Style::*;
        let got = all(d);
        assert_eq!(
            got,
            vec![
                s(
                    "key",
                    "-----BEGIN X-----\n  abc\n\n  -----END X-----",
                    Literal
                ),
                s("next", "$ANSIBLE_VAULT;1.1", Literal),
                s("f.user", "u", Plain),
                s("f.pass", "p, q", Double),
                s("f.n.m", "1", Plain),
                s("l.[0]", "a", Plain),
                s("l.[1]", "b", Single),
                s("quoted key", "v", Plain),
                s("k", "on-next-line", Plain),
            ]
        );
        let mut texts = Vec::new();
        let mut tags = Vec::new();
        scan(d, &mut |_, v| {
            texts.push(v.text(d).into_owned());
            tags.push(v.tag(d).map(<[u8]>::to_vec));
        });
        assert_eq!(texts[0], b"-----BEGIN X-----\nabc\n\n-----END X-----");
        assert_eq!(tags[1].as_deref(), Some(&b"!vault"[..]));
    }

    #[test]
    fn never_panics() {
        let inputs: &[&[u8]] = &[
            b"",
            b"-",
            b"- ",
            b"a:",
            b"a: \"",
            b"a: '",
            b"a: {",
            b"a: [",
            b"a: |",
            b":",
            b"- - -",
            b"a: {b: [c, {d: \"",
            b"\"k",
            b"'k': ",
            b"a: >\n",
            b"  - x\n- y\n    - z",
            b"a: &x\n",
            b"a: !t",
            b"{x: y}",
            b"a: {: b}",
            b"a: [,,]",
            b"a: \"\\",
            b"a: \"\\x4\"",
        ];
        for d in inputs {
            let _ = all(d);
        }
        let deep = [b"a: ".as_slice(), &[b'['; 1000]].concat();
        assert_eq!(all(&deep), vec![]);
    }
}
