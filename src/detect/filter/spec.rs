//! Example values in API specifications. An OpenAPI or Swagger document, or a JSON Schema,
//! illustrates its fields with `example:` / `examples:` values (`Authorization: Bearer
//! ghp_...`, `api_key: sk_live_...`): documentation of a format, not a credential, whatever
//! rule matches it.

/// How much of the start of a file is read to tell a specification from other YAML/JSON.
const HEAD: usize = 4096;
/// How many lines up a value is followed to the key it belongs to.
const MAX_UP: usize = 64;

/// Is the line starting at `line_start` in `data` an example value of an API specification,
/// or inside one?
pub fn in_spec_example(path: &str, data: &[u8], line_start: usize) -> bool {
    is_spec(path, data) && under_example(data, line_start)
}

/// An OpenAPI/Swagger document or a JSON Schema: by name, or by its top-level markers.
fn is_spec(path: &str, data: &[u8]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if !matches!(ext, "yaml" | "yml" | "json") {
        return false;
    }
    if name.contains("openapi") || name.contains("swagger") || name.ends_with(".schema.json") {
        return true;
    }
    let head = &data[..data.len().min(HEAD)];
    [
        &b"openapi:"[..],
        b"swagger:",
        b"\"openapi\":",
        b"\"swagger\":",
        b"\"$schema\"",
        b"$schema:",
    ]
    .iter()
    .any(|m| memchr::memmem::find(head, m).is_some())
}

/// The key a line starts with, if any: `example:`, `"example": ...`, `- example:`.
fn key(line: &[u8]) -> Option<&[u8]> {
    let t = line.trim_ascii_start();
    let t = t.strip_prefix(b"- ").unwrap_or(t);
    let (t, quoted) = match t.strip_prefix(b"\"") {
        Some(rest) => (rest, true),
        None => (t, false),
    };
    let end = t
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'$')))?;
    let rest = &t[end..];
    let rest = if quoted {
        rest.strip_prefix(b"\"")?
    } else {
        rest
    };
    rest.trim_ascii_start()
        .starts_with(b":")
        .then_some(&t[..end])
}

fn is_example_key(k: &[u8]) -> bool {
    k.eq_ignore_ascii_case(b"example")
        || k.eq_ignore_ascii_case(b"examples")
        || k.eq_ignore_ascii_case(b"x-example")
        || k.eq_ignore_ascii_case(b"x-examples")
}

fn indent(line: &[u8]) -> usize {
    line.iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

/// The line's own key is an example key, or one of the keys it is nested under (found by
/// walking up to lines of smaller indentation) is.
fn under_example(data: &[u8], line_start: usize) -> bool {
    let line_end =
        memchr::memchr(b'\n', &data[line_start..]).map_or(data.len(), |i| line_start + i);
    let line = &data[line_start..line_end];
    if key(line).is_some_and(is_example_key) {
        return true;
    }
    let mut depth = indent(line);
    let mut end = line_start;
    for _ in 0..MAX_UP {
        if depth == 0 || end == 0 {
            return false;
        }
        let start = memchr::memrchr(b'\n', &data[..end - 1]).map_or(0, |i| i + 1);
        let above = &data[start..end - 1];
        end = start;
        if above.trim_ascii().is_empty() {
            continue;
        }
        let d = indent(above);
        if d < depth {
            if key(above).is_some_and(is_example_key) {
                return true;
            }
            depth = d;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(data: &str, needle: &str) -> usize {
        let i = data.find(needle).unwrap();
        data[..i].rfind('\n').map_or(0, |n| n + 1)
    }

    #[test]
    fn examples_in_openapi_documents() {
        let doc = "openapi: 3.0.0\npaths:\n  /user:\n    get:\n      parameters:\n        - name: Authorization\n          example: Bearer ghp_TOKEN1\n      responses:\n        '200':\n          content:\n            application/json:\n              examples:\n                ok:\n                  value:\n                    token: ghp_TOKEN2\n              schema:\n                default: ghp_TOKEN3\n";
        assert!(in_spec_example(
            "api.yaml",
            doc.as_bytes(),
            at(doc, "TOKEN1")
        ));
        assert!(in_spec_example(
            "api.yaml",
            doc.as_bytes(),
            at(doc, "TOKEN2")
        ));
        assert!(!in_spec_example(
            "api.yaml",
            doc.as_bytes(),
            at(doc, "TOKEN3")
        ));
        let json = "{\n  \"swagger\": \"2.0\",\n  \"definitions\": {\"Key\": {\n    \"example\": \"sk_live_TOKEN4\"\n  }}\n}\n";
        assert!(in_spec_example(
            "swagger.json",
            json.as_bytes(),
            at(json, "TOKEN4")
        ));
    }

    #[test]
    fn not_a_specification() {
        let doc = "services:\n  app:\n    example:\n      token: ghp_TOKEN1\n";
        assert!(!in_spec_example(
            "docker-compose.yml",
            doc.as_bytes(),
            at(doc, "TOKEN1")
        ));
        assert!(!in_spec_example(
            "notes.md",
            b"openapi: 3\nexample: x\n",
            12
        ));
    }
}
