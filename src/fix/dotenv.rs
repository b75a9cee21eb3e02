//! The `.env` file `fix --write` moves values into, and the `.gitignore` line that keeps it
//! out of git. Existing entries are never lost or rewritten: new ones are appended, a name
//! already holding the same value is reused, and the file is written atomically with mode
//! 0600.

use crate::source::git::Repo;
use std::collections::BTreeMap;
use std::path::Path;

/// The entries of a `.env` text (`NAME=value`, `export NAME=value`, quoted or not),
/// by name; the last one of a name wins, as for the tools that read it.
pub fn parse(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let l = l.strip_prefix("export ").unwrap_or(l);
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let v = ['\'', '"']
            .iter()
            .find_map(|q| v.strip_prefix(*q).and_then(|r| r.strip_suffix(*q)))
            .unwrap_or(v);
        out.insert(k.trim().to_string(), v.to_string());
    }
    out
}

/// Can `value` be written to `.env` so that both a shell's `. ./.env` and dotenv libraries
/// read it back unchanged? Plain characters as they are, others in single quotes; a value
/// with a single quote, a newline or a control character is refused.
pub fn storable(value: &str) -> bool {
    !value.is_empty() && !value.contains('\'') && !value.chars().any(|c| c.is_control())
}

/// `NAME=value`, quoted when the value has anything a shell would interpret.
pub fn entry(name: &str, value: &str) -> String {
    let plain = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_-.,/+=:@%".contains(&b));
    if plain {
        format!("{name}={value}\n")
    } else {
        format!("{name}='{value}'\n")
    }
}

/// `existing` with `entries` appended (those not present with the same value already).
pub fn append(existing: &str, entries: &[(String, String)]) -> String {
    let mut have = parse(existing);
    let mut out = existing.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for (k, v) in entries {
        if have.get(k) == Some(v) {
            continue;
        }
        out.push_str(&entry(k, v));
        have.insert(k.clone(), v.clone());
    }
    out
}

/// Why `.env` at the work tree's root cannot receive secrets, if it cannot: it is tracked by git (a
/// value written there would be committed).
pub fn refuse_tracked(repo: &Repo) -> Option<String> {
    repo.is_tracked(Path::new(".env"))
        .then(|| ".env is tracked by git: moving secrets into it would commit them".to_string())
}

/// The new `.gitignore` text when `.env` is not ignored yet, else `None`.
pub fn gitignore_update(repo: &Repo, root: &Path) -> std::io::Result<Option<String>> {
    if repo.is_ignored(Path::new(".env")) {
        return Ok(None);
    }
    let mut text = read_or_empty(&root.join(".gitignore"))?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(".env\n");
    Ok(Some(text))
}

/// The text of `path`, empty when it does not exist; any other failure (unreadable, not
/// UTF-8) is an error, never an empty file to overwrite.
pub fn read_or_empty(path: &Path) -> std::io::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_append_without_losing_entries() {
        let old = "# local\nexport A=1\nB='two words'\nC=\"x\"";
        let m = parse(old);
        assert_eq!(m["A"], "1");
        assert_eq!(m["B"], "two words");
        assert_eq!(m["C"], "x");
        // A longer name holding the same value is not this entry.
        assert_eq!(
            append("STRIPE_KEY=v\n", &[("KEY".into(), "v".into())]),
            "STRIPE_KEY=v\nKEY=v\n"
        );
        let new = append(
            old,
            &[
                ("A".into(), "1".into()),
                ("D".into(), "sk_live$x".into()),
                ("D".into(), "sk_live$x".into()),
            ],
        );
        assert_eq!(new, format!("{old}\nD='sk_live$x'\n"));
        assert_eq!(parse(&new)["D"], "sk_live$x");
    }

    #[test]
    fn storable_values() {
        assert!(storable("sk_live_abc/+="));
        assert!(storable("p@ss word$"));
        assert!(!storable("it's"));
        assert!(!storable("a\nb"));
        assert!(!storable(""));
    }
}
