//! Values named by the block around them rather than by their own key: a Terraform
//! `variable "db_password" { default = "..." }` holds the password under `default`.

use super::parse::{self, Ends, Pair};
use super::tokens;
use crate::detect::structure::text;

/// A Terraform (HCL) `variable "db_password" {` line: the block's `default = "..."`, named
/// by the variable (the name says what the value is; `default` says nothing). The value is
/// on a later line, which the keyword's window does not reach, so it is looked for here, up
/// to the block's closing brace.
pub fn variable_default(
    data: &[u8],
    ls: usize,
    le: usize,
    toks: &mut Vec<tokens::Token>,
) -> Option<Pair> {
    let line = data[ls..le].trim_ascii();
    let rest = line.strip_prefix(b"variable")?;
    if !rest.first().is_some_and(u8::is_ascii_whitespace) || line.last() != Some(&b'{') {
        return None;
    }
    let q1 = ls + memchr::memchr(b'"', &data[ls..le])? + 1;
    let q2 = q1 + memchr::memchr(b'"', &data[q1..le])?;
    let name = (q1, q2);
    for (off, l) in text::lines(&data[(le + 1).min(data.len())..]).take(30) {
        let start = le + 1 + off;
        let t = l.trim_ascii();
        if t.starts_with(b"}") || t.starts_with(b"variable") {
            break;
        }
        if !t.starts_with(b"default") {
            continue;
        }
        let mut found = Vec::new();
        parse::pairs(data, start, start + l.len(), Ends::Line, toks, &mut found);
        return found
            .into_iter()
            .find(|p| {
                data[p.name.0..p.name.1].eq_ignore_ascii_case(b"default") && p.quote.is_some()
            })
            .map(|p| Pair { name, ..p });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_element_yields_its_childrens_attributes() {
        let data: &[u8] =
            b"<connectionStrings><add name=\"Db\" connectionString=\"Password=k3y;\" /></connectionStrings>";
        let (mut out, mut buf) = (Vec::new(), Vec::new());
        parse::pairs(data, 0, data.len(), Ends::Line, &mut buf, &mut out);
        let named = |n: &[u8]| out.iter().find(|p| &data[p.name.0..p.name.1] == n);
        let p = named(b"connectionString").expect("the attribute");
        assert_eq!(&data[p.value.0..p.value.1], b"Password=k3y;");
        assert!(named(b"connectionStrings").is_none());
    }
}
