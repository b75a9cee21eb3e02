//! The YAML scanner's results: a key path step, a scalar's style and where it is written,
//! and its text (quoted scalars unescaped, blocks without their indentation).

use std::borrow::Cow;

use super::escape::{unescape_double, unescape_single};

/// One step of a key path: a map key (as written, inside its quotes if quoted) or a list
/// index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum YamlKey<'a> {
    Name(&'a [u8]),
    Index(usize),
}

impl<'a> YamlKey<'a> {
    /// Is this the map key `name`?
    pub fn is(&self, name: &str) -> bool {
        matches!(self, YamlKey::Name(n) if *n == name.as_bytes())
    }

    pub fn is_any(&self, names: &[&str]) -> bool {
        names.iter().any(|n| self.is(n))
    }

    pub fn name(&self) -> Option<&'a [u8]> {
        match *self {
            YamlKey::Name(n) => Some(n),
            YamlKey::Index(_) => None,
        }
    }

    pub fn index(&self) -> Option<usize> {
        match *self {
            YamlKey::Index(i) => Some(i),
            YamlKey::Name(_) => None,
        }
    }
}

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    /// `'…'` (`''` escapes a quote).
    Single,
    /// `"…"` (backslash escapes).
    Double,
    /// A `|` block.
    Literal,
    /// A `>` block.
    Folded,
}

/// A scalar and where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YamlValue {
    pub start: usize,
    pub end: usize,
    pub style: Style,
    /// A tag written before the value (`!vault`, `!!binary`), its span.
    pub tag: Option<(usize, usize)>,
    /// For a block: the indentation of its lines (stripped by [`text`](YamlValue::text)).
    pub indent: usize,
}

impl YamlValue {
    pub fn raw<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        data.get(self.start..self.end).unwrap_or_default()
    }

    /// The tag's text (`!vault`), if any.
    pub fn tag<'a>(&self, data: &'a [u8]) -> Option<&'a [u8]> {
        self.tag.and_then(|(s, e)| data.get(s..e))
    }

    /// The value: quoted scalars unescaped, blocks without their indentation.
    pub fn text<'a>(&self, data: &'a [u8]) -> Cow<'a, [u8]> {
        let raw = self.raw(data);
        match self.style {
            Style::Plain => Cow::Borrowed(raw),
            Style::Double => unescape_double(raw),
            Style::Single => unescape_single(raw),
            Style::Literal | Style::Folded => {
                if !raw.contains(&b'\n') {
                    return Cow::Borrowed(raw);
                }
                let mut out = Vec::with_capacity(raw.len());
                for (n, line) in raw.split(|&b| b == b'\n').enumerate() {
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    let lead = line
                        .iter()
                        .take(self.indent)
                        .take_while(|&&b| b == b' ')
                        .count();
                    let line = if n == 0 { line } else { &line[lead..] };
                    if n > 0 {
                        let sep = if self.style == Style::Folded && !line.is_empty() {
                            b' '
                        } else {
                            b'\n'
                        };
                        out.push(sep);
                    }
                    out.extend_from_slice(line);
                }
                Cow::Owned(out)
            }
        }
    }
}
