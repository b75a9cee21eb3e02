//! Where a finding's secret sits on its line, and whether it is a whole value that can be
//! swapped for an environment lookup: a complete string literal (or, in shell, a bare value)
//! on the right of an assignment, a key in a mapping, a keyword or a call argument, and
//! nothing else on its side of the expression. The name the value is assigned to becomes the
//! variable's name.

use super::lang::Lang;

/// A replaceable value on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Byte range on the line to replace: the literal with its quotes.
    pub start: usize,
    pub end: usize,
    /// The name it is assigned to (`API_KEY`, `apiKey`, `stripe.api_key`); `None` for a
    /// call argument.
    pub name: Option<String>,
}

/// Locates `secret`, which starts at 1-based character column `column` of `line`, as a
/// whole value. The error says why it cannot be replaced safely.
pub fn locate(line: &str, column: usize, secret: &str, lang: Lang) -> Result<Site, &'static str> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .ok_or("the secret is not on its line")?;
    if secret.is_empty() || !line[start..].starts_with(secret) {
        return Err("the secret is not on its line as found (decoded or reformatted)");
    }
    let end = start + secret.len();
    let before = &line[..start];
    let after = &line[end..];
    let (lit_start, lit_end) = match (before.bytes().last(), after.bytes().next()) {
        (Some(q @ (b'"' | b'\'' | b'`')), Some(c)) if c == q => {
            let prefix = before[..before.len() - 1].bytes().last();
            if prefix.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$') {
                return Err("the secret is in a prefixed or interpolated string literal");
            }
            if q == b'`' && secret.contains("${") {
                return Err("the secret is in a template literal with substitutions");
            }
            (start - 1, end + 1)
        }
        (Some(prev), next)
            if next.is_none_or(|c| b" \t;#".contains(&c))
                && ((lang == Lang::Shell && prev == b'=')
                    || (matches!(lang, Lang::Yaml | Lang::Compose)
                        && (before.trim_end().ends_with(':')
                            || (lang == Lang::Compose && prev == b'=')))) =>
        {
            (start, end)
        }
        _ => return Err("the secret is part of a larger string, not a whole value"),
    };
    top_level(&line[..lit_start], lang)?;
    if lang == Lang::Shell {
        // `NAME=value` with nothing between: anything else is not an assignment.
        let head = &line.as_bytes()[..lit_start];
        let tight = head.len() >= 2
            && head[head.len() - 1] == b'='
            && (head[head.len() - 2].is_ascii_alphanumeric() || head[head.len() - 2] == b'_');
        if !tight {
            return Err("not a shell assignment");
        }
    }
    // Nothing may follow the literal but the end of the expression.
    let rest = line[lit_end..].trim_start();
    let ends = rest.is_empty()
        || rest.starts_with([';', ',', ')', '}', ']', '#'])
        || rest.starts_with("//")
        || rest.starts_with("/*");
    if !ends {
        return Err("the literal is part of a larger expression");
    }
    let left = line[..lit_start].trim_end();
    let name = if let Some(l) = left.strip_suffix(":=").or_else(|| left.strip_suffix("=>")) {
        Some(name_before(l)?)
    } else if let Some(l) = left.strip_suffix('=') {
        if l.ends_with([
            '=', '!', '<', '>', '+', '-', '*', '/', '|', '&', '%', '^', '~',
        ]) {
            return Err("the literal is compared or combined, not assigned");
        }
        Some(name_before(l)?)
    } else if let Some(l) = left.strip_suffix(':') {
        Some(name_before(l)?)
    } else if left.ends_with('(') || left.ends_with(',') {
        None
    } else {
        return Err("the literal is not assigned to a name");
    };
    Ok(Site {
        start: lit_start,
        end: lit_end,
        name,
    })
}

/// Is the end of `before` outside every string literal and comment? A quote pair inside
/// another string (`'{"token": "..."}'`) is not a literal of the program.
fn top_level(before: &str, lang: Lang) -> Result<(), &'static str> {
    let hash_comments = matches!(
        lang,
        Lang::Python | Lang::Ruby | Lang::Shell | Lang::Yaml | Lang::Compose | Lang::Php
    );
    let slash_comments = !matches!(
        lang,
        Lang::Python | Lang::Ruby | Lang::Shell | Lang::Yaml | Lang::Compose
    );
    let b = before.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && !(lang == Lang::Shell && q == b'\'') {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == b'"' || c == b'\'' || c == b'`' {
                    quote = Some(c);
                } else if (hash_comments && c == b'#')
                    || (slash_comments && c == b'/' && b.get(i + 1) == Some(&b'/'))
                {
                    return Err("the secret is in a comment");
                }
            }
        }
        i += 1;
    }
    match quote {
        None => Ok(()),
        Some(_) => Err("the secret is in a string inside another string"),
    }
}

/// The name at the end of `left` (the text before the assignment operator): an identifier
/// path, a quoted key, or a subscript with a quoted key; a type annotation is skipped
/// (`apiKey: string =`, `String API_KEY =` keeps the name).
fn name_before(left: &str) -> Result<String, &'static str> {
    let left = left.trim_end();
    if let Some(inner) = left.strip_suffix(']') {
        let open = inner.rfind('[').ok_or("an unbalanced subscript")?;
        let key = inner[open + 1..].trim();
        return quoted(key).ok_or("a subscript that is not a quoted key");
    }
    if let Some(q) = left.chars().last().filter(|c| *c == '"' || *c == '\'') {
        let body = &left[..left.len() - 1];
        let open = body.rfind(q).ok_or("an unbalanced quoted key")?;
        return Ok(body[open + 1..].to_string());
    }
    let ident = |c: char| c.is_ascii_alphanumeric() || "_.$@-".contains(c);
    let start = left
        .char_indices()
        .rev()
        .take_while(|(_, c)| ident(*c))
        .last()
        .map(|(i, _)| i)
        .ok_or("no name before the assignment")?;
    let name = &left[start..];
    // `apiKey: string = "..."`: the annotation's name is the one before the colon.
    let head = left[..start].trim_end();
    if let Some(h) = head.strip_suffix(':') {
        if let Ok(n) = name_before(h) {
            return Ok(n);
        }
    }
    Ok(name.to_string())
}

fn quoted(s: &str) -> Option<String> {
    let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = s.strip_prefix(q)?.strip_suffix(q)?;
    Some(body.to_string())
}

/// `stripe.api_key`, `apiKey`, `$db_pass`, `@token` as an environment variable name:
/// `STRIPE_API_KEY`, `API_KEY`, `DB_PASS`, `TOKEN` (`self.`/`this.` dropped). `None` when
/// nothing usable is left.
pub fn env_name(name: &str) -> Option<String> {
    let parts: Vec<&str> = name
        .trim_start_matches(['$', '@', ':'])
        .split(['.', '-', ':'])
        .filter(|p| !p.is_empty() && !matches!(*p, "self" | "this" | "cls" | "@"))
        .collect();
    let mut out = String::new();
    for p in parts {
        let chars: Vec<char> = p.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if !(c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            // camelCase and APIKey boundaries.
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_ascii_uppercase()
                        && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    let first = out.chars().next()?;
    Some(if first.is_ascii_digit() {
        format!("_{out}")
    } else {
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(line: &str, secret: &str, lang: Lang) -> Result<Site, &'static str> {
        let col = line[..line.find(secret).unwrap()].chars().count() + 1;
        locate(line, col, secret, lang)
    }

    fn name(line: &str, lang: Lang) -> Option<String> {
        site(line, "SECRETVALUE", lang).unwrap().name
    }

    #[test]
    fn assignments_and_names() {
        use Lang::*;
        assert_eq!(
            name("API_KEY = \"SECRETVALUE\"", Python).unwrap(),
            "API_KEY"
        );
        assert_eq!(
            name("  stripe.api_key = 'SECRETVALUE'", Python).unwrap(),
            "stripe.api_key"
        );
        assert_eq!(
            name("app.config[\"SECRET_KEY\"] = \"SECRETVALUE\"", Python).unwrap(),
            "SECRET_KEY"
        );
        assert_eq!(
            name("const apiKey: string = \"SECRETVALUE\";", TypeScript).unwrap(),
            "apiKey"
        );
        assert_eq!(
            name("  \"api_key\": \"SECRETVALUE\",", JavaScript).unwrap(),
            "api_key"
        );
        assert_eq!(name("\tkey := \"SECRETVALUE\"", Go).unwrap(), "key");
        assert_eq!(
            name("private static final String TOKEN = \"SECRETVALUE\";", Java).unwrap(),
            "TOKEN"
        );
        assert_eq!(name("  'token' => 'SECRETVALUE',", Php).unwrap(), "token");
        assert_eq!(
            name("export API_TOKEN=SECRETVALUE", Shell).unwrap(),
            "API_TOKEN"
        );
        assert_eq!(
            site("client = Client(\"SECRETVALUE\")", "SECRETVALUE", Python)
                .unwrap()
                .name,
            None
        );
        let s = site("X = \"SECRETVALUE\"  # comment", "SECRETVALUE", Python).unwrap();
        assert_eq!((s.start, s.end), (4, 17));
    }

    #[test]
    fn refusals() {
        use Lang::*;
        for (line, lang) in [
            ("url = \"https://u:SECRETVALUE@host\"", Python),
            ("if key == \"SECRETVALUE\":", Python),
            ("k = b\"SECRETVALUE\"", Python),
            ("k = \"SECRETVALUE\" + suffix", Python),
            ("k = f\"SECRETVALUE\"", Python),
            ("k = SECRETVALUE", Python),
            ("print \"SECRETVALUE\"", Ruby),
            ("payload = '{\"token\": \"SECRETVALUE\"}'", Python),
            ("curl -d '{\"token\":\"SECRETVALUE\"}' x", Shell),
            ("[ \"$a\" = \"SECRETVALUE\" ]", Shell),
            ("# KEY = \"SECRETVALUE\"", Python),
            ("// key: \"SECRETVALUE\",", JavaScript),
        ] {
            assert!(site(line, "SECRETVALUE", lang).is_err(), "{line}");
        }
    }

    #[test]
    fn names_become_variables() {
        for (n, v) in [
            ("API_KEY", "API_KEY"),
            ("apiKey", "API_KEY"),
            ("APIKey", "API_KEY"),
            ("stripe.api_key", "STRIPE_API_KEY"),
            ("self.token", "TOKEN"),
            ("$db_pass", "DB_PASS"),
            ("@secret", "SECRET"),
            ("x-api-key", "X_API_KEY"),
            ("2fa", "_2FA"),
        ] {
            assert_eq!(env_name(n).as_deref(), Some(v), "{n}");
        }
        assert_eq!(env_name("$"), None);
    }
}
