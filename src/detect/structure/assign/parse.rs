//! Name/value pairs on a line, in the many ways code and configuration write them:
//! `name = value`, `name: value`, `"name": "value"`, `name := value`, `name => value`,
//! `name ?= value`, `name .= value`, `name <- value`, `var name string = "value"`,
//! `name: str = "value"`, `$cfg['name'] = 'value'`, `call("name", "value")`,
//! `<name>value</name>`, `name="value"` attributes and `<add key="name" value="..."/>`,
//! `--name value`, `ENV NAME value`, comparisons (`name == "value"`), and a YAML value or an
//! XML element's text on the line below its name.
//!
//! Spans are byte offsets into the whole file. Nothing here judges names or values.

use super::shapes;
use super::tokens::{tokens, Tok, Token};
pub use super::tokens::{Ends, How, Pair};

/// Calls whose first argument names a value and whose second is the value.
fn is_setter(callee: &[u8]) -> bool {
    let last = callee
        .rsplit(|&b| b == b'.' || b == b':')
        .next()
        .unwrap_or(callee);
    let lower = last.to_ascii_lowercase();
    matches!(
        lower.as_slice(),
        b"define"
            | b"setenv"
            | b"putenv"
            | b"set"
            | b"put"
            | b"add"
            | b"setdefault"
            | b"setproperty"
            | b"setitem"
            | b"getenv"
            | b"get"
            | b"env"
            | b"setvalue"
            | b"setsecret"
            | b"setpassword"
            | b"with"
            | b"option"
            | b"config"
            | b"store"
    )
}

/// Words that declare or type a variable rather than name it.
fn is_type_word(w: &[u8]) -> bool {
    const TYPES: &[&[u8]] = &[
        b"var",
        b"let",
        b"const",
        b"val",
        b"final",
        b"static",
        b"private",
        b"public",
        b"protected",
        b"readonly",
        b"string",
        b"String",
        b"str",
        b"&str",
        b"char",
        b"auto",
        b"def",
        b"my",
        b"our",
        b"local",
        b"export",
        b"declare",
        b"set",
        b"setx",
        b"ENV",
        b"ARG",
        b"std::string",
        b"&'static",
        b"SecureString",
        b"mut",
        b"pub",
        b"internal",
        b"override",
        b"lateinit",
        b"dim",
        b"Dim",
    ];
    TYPES.contains(&w)
}

/// The name just left of token `k` (an operator): a word, a quoted key, `$a['key']`,
/// `ENV["key"]`; skipping a type between a name and `=` (`name: String =`,
/// `var name string =`).
fn name_before(toks: &[Token], data: &[u8], k: usize) -> Option<(usize, usize)> {
    let mut j = k.checked_sub(1)?;
    let t = toks[j];
    let assign = matches!(toks[k].tok, Tok::Op(How::Assign));
    match t.tok {
        Tok::Word => {
            // `name: Type =`, `name: &str =`, `name: Option<String> =`: the word before the
            // annotation's colon is the name.
            let annotated = (j.saturating_sub(4)..j)
                .rev()
                .find(|&i| toks[i].tok == Tok::Colon)
                .filter(|_| assign);
            if let Some(c) = annotated {
                let between_ok = toks[c + 1..=j]
                    .iter()
                    .all(|x| matches!(x.tok, Tok::Word | Tok::Other | Tok::Lt | Tok::Gt));
                if between_ok && c >= 1 && toks[c - 1].tok == Tok::Word {
                    return Some((toks[c - 1].start, toks[c - 1].end));
                }
            }
            if j >= 1 && toks[j - 1].tok == Tok::Word {
                let prev = &data[toks[j - 1].start..toks[j - 1].end];
                let this = &data[t.start..t.end];
                if is_type_word(this) && !is_type_word(prev) {
                    return Some((toks[j - 1].start, toks[j - 1].end));
                }
                if j >= 2 && toks[j - 2].tok == Tok::Word {
                    let first = &data[toks[j - 2].start..toks[j - 2].end];
                    if first == b"var" {
                        return Some((toks[j - 1].start, toks[j - 1].end));
                    }
                }
            }
            Some((t.start, t.end))
        }
        Tok::Str(_) => Some((t.start, t.end)),
        Tok::Close(b']') => {
            // `$cfg['name'] =`, `ENV["name"] =`, `os.environ["name"] =`
            j = j.checked_sub(1)?;
            match toks[j].tok {
                Tok::Str(_) if j >= 1 && toks[j - 1].tok == Tok::Open(b'[') => {
                    Some((toks[j].start, toks[j].end))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value right of token `k` (an operator) on a line ending at `line_end`; an unquoted
/// value ends as `ends` says.
fn value_after(
    toks: &[Token],
    data: &[u8],
    k: usize,
    line_end: usize,
    ends: Ends,
) -> Option<((usize, usize), Option<u8>)> {
    let t = toks.get(shapes::literal_at(toks, data, k + 1))?;
    if let Tok::Str(q) = t.tok {
        return Some(((t.start, t.end), Some(q)));
    }
    // Unquoted: from here to the end of the line (configuration) or of the token run.
    let start = t.start;
    if matches!(
        t.tok,
        Tok::Open(_) | Tok::Close(_) | Tok::Comma | Tok::Lt | Tok::LtSlash | Tok::Gt
    ) {
        return None;
    }
    let line = &data[start..line_end];
    let stop = |f: &dyn Fn(u8) -> bool| line.iter().position(|&b| f(b)).unwrap_or(line.len());
    let mut end = start
        + match ends {
            // An inline comment starts at ` #` or ` ;` (not `#` inside a value like `pa#ss`);
            // another ` name=` after a space starts another pair (`role_id=x secret_id=y`),
            // unless the value is itself a list of them (`Server=db;User Id=sa;...`).
            Ends::Line => {
                let comment = line
                    .windows(2)
                    .position(|w| w[0].is_ascii_whitespace() && matches!(w[1], b'#' | b';'))
                    .unwrap_or(line.len());
                let list = |i: usize| line[..i].iter().any(|&b| b == b'=' || b == b';');
                let next_pair = (1..comment).find(|&i| {
                    line[i - 1].is_ascii_whitespace() && !list(i) && {
                        let w = line[i..]
                            .iter()
                            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
                            .count();
                        w > 0
                            && line.get(i + w) == Some(&b'=')
                            && line.get(i + w + 1) != Some(&b'=')
                    }
                });
                next_pair.map_or(comment, |i| i - 1)
            }
            Ends::Space => {
                stop(&|b| b.is_ascii_whitespace() || matches!(b, b';' | b'&' | b'|' | b')'))
            }
            Ends::Token => stop(&|b| {
                b.is_ascii_whitespace()
                    || matches!(
                        b,
                        b';' | b',' | b')' | b'}' | b']' | b'"' | b'\'' | b'`' | b'<'
                    )
            }),
        };
    while end > start && data[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    // `password: None,` in a list of fields: the comma ends the field.
    if ends == Ends::Line && end > start && matches!(data[end - 1], b',' | b';') {
        end -= 1;
    }
    (end > start).then_some(((start, end), None))
}

/// Appends the pairs on the line `data[ls..le]` to `out`. `ends` says where an unquoted
/// value ends in this kind of file; `buf` is scratch.
pub fn pairs(
    data: &[u8],
    ls: usize,
    le: usize,
    ends: Ends,
    buf: &mut Vec<Token>,
    out: &mut Vec<Pair>,
) {
    let line = &data[ls..le];
    tokens(line, ls, buf);
    let toks = buf.as_slice();
    let word = |t: &Token| &data[t.start..t.end];
    // Operators inside a value already taken (`api_key: vault:v1:...`) are part of it.
    let mut taken = 0;
    for (k, t) in toks.iter().enumerate() {
        if t.start < taken {
            continue;
        }
        if let Some(p) = out.last() {
            if p.value.1 > t.start && p.value.0 <= t.start {
                taken = p.value.1;
                continue;
            }
        }
        match t.tok {
            Tok::Op(how) => {
                let Some(name) = name_before(toks, data, k) else {
                    continue;
                };
                let ends = if how == How::Assign {
                    ends
                } else {
                    Ends::Token
                };
                if let Some((value, quote)) = value_after(toks, data, k, le, ends) {
                    out.push(Pair {
                        name,
                        value,
                        quote,
                        how,
                    });
                }
                // `"value" == name`: the value on the left.
                if how == How::Compare {
                    if let (Some(l), Some(r)) = (k.checked_sub(1).map(|i| toks[i]), toks.get(k + 1))
                    {
                        if let (Tok::Str(q), Tok::Word) = (l.tok, r.tok) {
                            out.push(Pair {
                                name: (r.start, r.end),
                                value: (l.start, l.end),
                                quote: Some(q),
                                how,
                            });
                        }
                    }
                }
            }
            Tok::Colon => {
                // `name: value`, `"name": "value"`, but not `name: Type = value` (the `=`
                // takes it) nor `a::b`.
                let next_is_colon = toks
                    .get(k + 1)
                    .is_some_and(|n| n.tok == Tok::Colon && n.start == t.end);
                let prev_is_colon =
                    k > 0 && toks[k - 1].tok == Tok::Colon && toks[k - 1].end == t.start;
                if next_is_colon || prev_is_colon {
                    continue;
                }
                // A type annotation: `name: Type = value` (the `=` takes it).
                let typed = toks[k + 1..toks.len().min(k + 6)]
                    .iter()
                    .take_while(|x| {
                        matches!(
                            x.tok,
                            Tok::Word | Tok::Other | Tok::Lt | Tok::Gt | Tok::Op(How::Assign)
                        )
                    })
                    .any(|x| x.tok == Tok::Op(How::Assign));
                if typed {
                    continue;
                }
                let Some(name) = name_before(toks, data, k) else {
                    continue;
                };
                match value_after(toks, data, k, le, ends) {
                    Some((value, quote)) => out.push(Pair {
                        name,
                        value,
                        quote,
                        how: How::Assign,
                    }),
                    None if k + 1 == toks.len() => {
                        // YAML: the value on the next, deeper-indented line.
                        if let Some(v) = shapes::next_line_value(data, ls, le) {
                            out.push(Pair {
                                name,
                                value: v,
                                quote: None,
                                how: How::Assign,
                            });
                        }
                    }
                    None => {}
                }
            }
            Tok::Comma => {
                // `["redis-server", "--requirepass", "value"]`: a flag and its value as
                // consecutive strings of a list.
                if let (Some(a), Some(b)) = (k.checked_sub(1).map(|i| toks[i]), toks.get(k + 1)) {
                    if let (Tok::Str(_), Tok::Str(q)) = (a.tok, b.tok) {
                        let flag = &data[a.start..a.end];
                        let is_flag = flag.len() > 2
                            && flag[0] == b'-'
                            && flag[1..]
                                .iter()
                                .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
                        if is_flag {
                            out.push(Pair {
                                name: (a.start, a.end),
                                value: (b.start, b.end),
                                quote: Some(q),
                                how: How::Flag,
                            });
                        }
                    }
                }
                // `f("name", "value")`: a string name (or a constant's: `env.put(Context.
                // SECURITY_CREDENTIALS, "...")`), a comma, a string value, in a call.
                if let (Some(a), Some(b)) = (k.checked_sub(1).map(|i| toks[i]), toks.get(k + 1)) {
                    // Only a call that sets or defaults a named value: `define`, `setenv`,
                    // `config.set`, `os.environ.setdefault`, `getenv("X", "default")`.
                    let in_call = k >= 3
                        && matches!(toks[k - 2].tok, Tok::Open(b'('))
                        && toks[k - 3].tok == Tok::Word
                        && is_setter(word(&toks[k - 3]));
                    if let (Tok::Str(_) | Tok::Word, Tok::Str(q), true) = (a.tok, b.tok, in_call) {
                        out.push(Pair {
                            name: (a.start, a.end),
                            value: (b.start, b.end),
                            quote: Some(q),
                            how: How::Call,
                        });
                    }
                }
            }
            Tok::Lt => {
                // `<name>value</name>`, or `<name>` with the value on the next line.
                let (Some(n), Some(g)) = (toks.get(k + 1), toks.get(k + 2)) else {
                    continue;
                };
                if n.tok != Tok::Word || g.tok != Tok::Gt || n.start != t.end {
                    continue;
                }
                let close = toks[k + 3..].iter().position(|c| c.tok == Tok::LtSlash);
                match close {
                    Some(c) => {
                        let c = k + 3 + c;
                        // An element holding markup (`<connectionStrings><add .../>`) is a
                        // container: its children's attributes are the pairs.
                        let markup = toks[k + 3..c]
                            .iter()
                            .any(|x| matches!(x.tok, Tok::Lt | Tok::Gt | Tok::LtSlash));
                        if !markup
                            && toks.get(c + 1).is_some_and(|w| word(w) == word(n))
                            && toks[c].start > g.end
                        {
                            out.push(Pair {
                                name: (n.start, n.end),
                                value: (g.end, toks[c].start),
                                quote: None,
                                how: How::Element,
                            });
                        }
                    }
                    None if k + 3 == toks.len() => {
                        if let Some(v) = shapes::next_line_element(data, le, word(n)) {
                            out.push(Pair {
                                name: (n.start, n.end),
                                value: v,
                                quote: None,
                                how: How::Element,
                            });
                        }
                    }
                    None => {}
                }
            }
            Tok::Word => {
                let w = word(t);
                // `--password value`, `-Password "value"` (PowerShell), `-u user:pass` (curl).
                if w.len() > 2 && w[0] == b'-' && (w[1] == b'-' || w[1].is_ascii_alphabetic()) {
                    if let Some(n) = toks.get(k + 1) {
                        if n.start > t.end && !matches!(n.tok, Tok::Op(_) | Tok::Colon) {
                            if let Some((value, quote)) =
                                value_after(toks, data, k, le, Ends::Token)
                            {
                                if data[value.0] != b'-' {
                                    out.push(Pair {
                                        name: (t.start, t.end),
                                        value,
                                        quote,
                                        how: How::Flag,
                                    });
                                }
                            }
                        }
                    }
                }
                // Dockerfile `ENV NAME value` (the `=` form is an assignment).
                if k == 0
                    && (w == b"ENV" || w == b"ARG")
                    && toks.len() >= 3
                    && toks[1].tok == Tok::Word
                    && !matches!(toks[2].tok, Tok::Op(_))
                {
                    if let Some((value, quote)) = value_after(toks, data, 1, le, Ends::Line) {
                        out.push(Pair {
                            name: (toks[1].start, toks[1].end),
                            value,
                            quote,
                            how: How::Assign,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    shapes::attribute_names(toks, data, out);
    shapes::headers_in_strings(toks, data, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, config: bool) -> Vec<(String, String, How)> {
        let data = text.as_bytes();
        let mut out = Vec::new();
        let mut buf = Vec::new();
        let le = memchr::memchr(b'\n', data).unwrap_or(data.len());
        let ends = if config { Ends::Line } else { Ends::Token };
        pairs(data, 0, le, ends, &mut buf, &mut out);
        out.iter()
            .map(|p| {
                (
                    String::from_utf8_lossy(&data[p.name.0..p.name.1]).into_owned(),
                    String::from_utf8_lossy(&data[p.value.0..p.value.1]).into_owned(),
                    p.how,
                )
            })
            .collect()
    }

    fn first(text: &str, config: bool) -> (String, String) {
        let v = parse(text, config);
        assert!(!v.is_empty(), "nothing in {text:?}");
        (v[0].0.clone(), v[0].1.clone())
    }

    #[test]
    fn assignments_in_many_languages() {
        let cases = [
            ("API_KEY = \"k3y\"", "API_KEY", "k3y"),
            ("api_key: 'k3y'", "api_key", "k3y"),
            ("\"apiKey\": \"k3y\",", "apiKey", "k3y"),
            ("token := \"k3y\"", "token", "k3y"),
            ("'password' => 'k3y',", "password", "k3y"),
            ("SECRET ?= k3y", "SECRET", "k3y"),
            ("SECRET ::= k3y", "SECRET", "k3y"),
            ("String pwd = new String(\"k3y\");", "pwd", "k3y"),
            ("db_pass = SecretStr('k3y')", "db_pass", "k3y"),
            (
                "env.put(Context.SECURITY_CREDENTIALS, \"k3y\");",
                "Context.SECURITY_CREDENTIALS",
                "k3y",
            ),
            ("$cfg .= 'k3y';", "$cfg", "k3y"),
            ("auth_token <- \"k3y\"", "auth_token", "k3y"),
            ("var sonarToken string = \"k3y\"", "sonarToken", "k3y"),
            ("const apiKey: string = \"k3y\";", "apiKey", "k3y"),
            ("let token: &str = \"k3y\";", "token", "k3y"),
            (
                "private static final String API_TOKEN = \"k3y\";",
                "API_TOKEN",
                "k3y",
            ),
            ("$config['api_key'] = 'k3y';", "api_key", "k3y"),
            ("os.environ[\"SECRET_KEY\"] = \"k3y\"", "SECRET_KEY", "k3y"),
            ("self.password = \"k3y\"", "self.password", "k3y"),
            ("connect(host=h, password=\"k3y\")", "host", "h"),
            ("export TOKEN=k3y", "TOKEN", "k3y"),
            ("token = r\"k3y\"", "token", "k3y"),
        ];
        for (text, name, value) in cases {
            assert_eq!(
                first(text, false),
                (name.to_string(), value.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn configuration_values_run_to_the_end_of_the_line() {
        assert_eq!(
            first("password = correct horse battery  # old", true).1,
            "correct horse battery"
        );
        assert_eq!(first("db.password=p#ss w0rd", true).1, "p#ss w0rd");
        assert_eq!(first("password = correct horse", false).1, "correct");
        let data = b"login role_id=app secret_id=3f2a9c4e";
        let (mut out, mut buf) = (Vec::new(), Vec::new());
        pairs(data, 0, data.len(), Ends::Space, &mut buf, &mut out);
        let values: Vec<&[u8]> = out.iter().map(|p| &data[p.value.0..p.value.1]).collect();
        assert_eq!(values, vec![&b"app"[..], b"3f2a9c4e"]);
        // A connection string's own pairs are one value.
        assert_eq!(
            first("DB=Server=db;User Id=sa;Password=k3y;", true).1,
            "Server=db;User Id=sa;Password=k3y"
        );
    }

    #[test]
    fn calls_elements_attributes_flags_and_comparisons() {
        let v = parse("define('DB_PASSWORD', 'k3y');", false);
        assert!(
            v.contains(&("DB_PASSWORD".into(), "k3y".into(), How::Call)),
            "{v:?}"
        );
        assert_eq!(
            first("<password>k3y</password>", true),
            ("password".into(), "k3y".into())
        );
        let v = parse("<add key=\"ClearTextPassword\" value=\"k3y\" />", true);
        assert!(
            v.iter().any(|p| p.0 == "ClearTextPassword" && p.1 == "k3y"),
            "{v:?}"
        );
        let v = parse("mysql --password s3cret -h db", false);
        assert!(
            v.contains(&("--password".into(), "s3cret".into(), How::Flag)),
            "{v:?}"
        );
        let v = parse("if (api_key == \"k3y\") {", false);
        assert!(
            v.contains(&("api_key".into(), "k3y".into(), How::Compare)),
            "{v:?}"
        );
        let v = parse("if \"k3y\" === password", false);
        assert!(
            v.contains(&("password".into(), "k3y".into(), How::Compare)),
            "{v:?}"
        );
        let v = parse("ENV API_TOKEN k3y", true);
        assert!(
            v.contains(&("API_TOKEN".into(), "k3y".into(), How::Assign)),
            "{v:?}"
        );
    }

    #[test]
    fn values_on_the_next_line() {
        let yaml = "mapboxApiKey:\n  'pk.k3y'\nother: 1\n";
        assert_eq!(first(yaml, true), ("mapboxApiKey".into(), "pk.k3y".into()));
        let xml = "<maxmindToken>\n  k3y\n</maxmindToken>\n";
        assert_eq!(first(xml, true), ("maxmindToken".into(), "k3y".into()));
        assert!(parse("spec:\n  containers:\n", true).is_empty());
    }

    #[test]
    fn not_pairs() {
        for text in [
            "a::b::c",
            "fn main() {",
            "x",
            "",
            "'unclosed = 3",
            "return x == y",
        ] {
            let v = parse(text, false);
            assert!(v.iter().all(|p| p.0 != "a" && p.1 != "b"), "{text}: {v:?}");
        }
    }
}
