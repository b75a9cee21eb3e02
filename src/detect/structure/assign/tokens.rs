//! The vocabulary of name/value pairs ([`Pair`], [`How`], [`Ends`]) and the tokens of a
//! line they are found in: words, quoted strings (their contents' span), assignment and
//! comparison operators, colons, commas, brackets and the angle brackets of markup. Quoted
//! strings are one token each, so an `=` inside a string is never taken for an assignment.

/// Where an unquoted value ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ends {
    /// At the end of the line (less an inline ` #` comment): `.env`, INI, properties, YAML.
    Line,
    /// At whitespace, as a shell word does: scripts and command lines.
    Space,
    /// At any delimiter of code (`;`, `,`, `)`, quotes, whitespace).
    Token,
}

/// How a pair was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// `name = value` and the other assignment operators.
    Assign,
    /// `name == value`: a value compared with a secret-named variable.
    Compare,
    /// `f("name", "value")`.
    Call,
    /// `<name>value</name>`.
    Element,
    /// `--name value`, `-Name value`.
    Flag,
}

/// A name and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub name: (usize, usize),
    pub value: (usize, usize),
    /// The quote around the value, if it was quoted.
    pub quote: Option<u8>,
    pub how: How,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// An identifier-like run: letters, digits, `_ . - $ @`.
    Word,
    /// A quoted string; the span is its contents.
    Str(u8),
    /// An assignment or comparison operator.
    Op(How),
    /// `:` (an assignment in YAML, JSON and hashes, or a type annotation).
    Colon,
    Comma,
    Open(u8),
    Close(u8),
    /// `<`, `</`, `>`, `/>` of markup.
    Lt,
    LtSlash,
    Gt,
    Other,
}

#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// Bytes of a word (letters, digits, `_ . - $ @`), by byte: the tokenizer's inner loop.
static WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'$' | b'@');
        i += 1;
    }
    t
};

fn is_word(b: u8) -> bool {
    WORD[b as usize]
}

/// The end of a quoted string starting at `i` (on the quote), or the line's end.
fn string_end(line: &[u8], i: usize, q: u8) -> (usize, bool) {
    let mut j = i + 1;
    while j < line.len() {
        match line[j] {
            b'\\' if q != b'\'' || line.get(j + 1) == Some(&b'\'') => j += 2,
            c if c == q => return (j, true),
            _ => j += 1,
        }
    }
    (line.len(), false)
}

/// Assignment and comparison operators, longest first.
const OPERATORS: &[(&[u8], How)] = &[
    (b":::=", How::Assign),
    (b"::=", How::Assign),
    (b"===", How::Compare),
    (b"!==", How::Compare),
    (b"==", How::Compare),
    (b"!=", How::Compare),
    (b":=", How::Assign),
    (b"=>", How::Assign),
    (b"?=", How::Assign),
    (b".=", How::Assign),
    (b"<-", How::Assign),
    (b"=", How::Assign),
];

/// The operator `rest` starts with, and its length (most bytes start none: one test).
fn operator(rest: &[u8]) -> Option<(usize, How)> {
    if !matches!(rest.first(), Some(b':' | b'=' | b'!' | b'?' | b'.' | b'<')) {
        return None;
    }
    OPERATORS
        .iter()
        .find(|(op, _)| rest.starts_with(op))
        .map(|(op, how)| (op.len(), *how))
}

/// The end of the word starting at `i`: `a.=b` stops before the operator.
fn word_end(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && is_word(line[i]) {
        if line[i] == b'.' && line.get(i + 1) == Some(&b'=') {
            break;
        }
        i += 1;
    }
    i
}

/// The tokens of `line`, whose first byte is at offset `base` of the file.
pub fn tokens(line: &[u8], base: usize, out: &mut Vec<Token>) {
    out.clear();
    let mut i = 0;
    let push = |out: &mut Vec<Token>, tok, s: usize, e: usize| {
        out.push(Token {
            tok,
            start: base + s,
            end: base + e,
        })
    };
    while i < line.len() {
        let c = line[i];
        // Most bytes are in words or spaces: those first, without the operator tests (a
        // word byte starts no operator but `.=`).
        if is_word(c) && !(c == b'.' && line.get(i + 1) == Some(&b'=')) {
            let s = i;
            i = word_end(line, i);
            push(out, Tok::Word, s, i);
            continue;
        }
        let rest = &line[i..];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if matches!(c, b'"' | b'\'' | b'`') {
            let (e, closed) = string_end(line, i, c);
            if !closed {
                push(out, Tok::Other, i, i + 1);
                i += 1;
                continue;
            }
            push(out, Tok::Str(c), i + 1, e);
            i = e + 1;
        } else if let Some((len, how)) = operator(rest) {
            // `.=` only after a space or a word end: `a.=b` is rare, `x.=` never a name.
            push(out, Tok::Op(how), i, i + len);
            i += len;
        } else if c == b':' {
            push(out, Tok::Colon, i, i + 1);
            i += 1;
        } else if c == b',' {
            push(out, Tok::Comma, i, i + 1);
            i += 1;
        } else if matches!(c, b'(' | b'[' | b'{') {
            push(out, Tok::Open(c), i, i + 1);
            i += 1;
        } else if matches!(c, b')' | b']' | b'}') {
            push(out, Tok::Close(c), i, i + 1);
            i += 1;
        } else if rest.starts_with(b"</") {
            push(out, Tok::LtSlash, i, i + 2);
            i += 2;
        } else if c == b'<' {
            push(out, Tok::Lt, i, i + 1);
            i += 1;
        } else if rest.starts_with(b"/>") || c == b'>' {
            let len = if c == b'/' { 2 } else { 1 };
            push(out, Tok::Gt, i, i + len);
            i += len;
        } else {
            push(out, Tok::Other, i, i + 1);
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_one_token_and_operators_are_found() {
        let line = b"a = \"x = y\" ?= b:c, <d>";
        let mut out = Vec::new();
        tokens(line, 10, &mut out);
        let kinds: Vec<Tok> = out.iter().map(|t| t.tok).collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Word,
                Tok::Op(How::Assign),
                Tok::Str(b'"'),
                Tok::Op(How::Assign),
                Tok::Word,
                Tok::Colon,
                Tok::Word,
                Tok::Comma,
                Tok::Lt,
                Tok::Word,
                Tok::Gt
            ]
        );
        assert_eq!((out[2].start, out[2].end), (15, 20));
    }
}
