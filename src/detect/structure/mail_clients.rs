//! Command-line mail clients' configuration: msmtp (`.msmtprc`), esmtp (`.esmtprc`),
//! mutt/neomutt (`.muttrc` and files under `.mutt/`), fetchmail (`.fetchmailrc`) (SPEC §51).
//!
//! - msmtp: `account <name>` blocks (and `defaults`), `password <value>` (the rest of the
//!   line, possibly quoted); `passwordeval "<command>"` is not a secret. Identity: `host`.
//! - esmtp: `identity` blocks, `password = "…"`. Identity: `hostname`.
//! - mutt: `set smtp_pass = "…"` / `imap_pass` / `pop_pass` (quoted or bare, several
//!   assignments per `set`), and URLs with userinfo anywhere (`smtp_url`, `folder`,
//!   `mailboxes`). Backticks (command substitution) are references; `$my_var` is followed to
//!   a literal `set my_var = "…"`, which is then the field. Identity: the host of
//!   `smtp_url` / `folder` / `pop_host`.
//! - fetchmail: free-form `poll <server> … user "<u>" there with password "<p>" …` entries
//!   over any number of lines (`poll`/`skip`/`defaults` start one); `password`/`pass` take
//!   the next token. Identity: the server.
//!
//! Commented lines (`#`) are skipped in all four.

use std::collections::HashMap;

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{
    ends_with_path, field, find_urls, has_dir, name, parse_url, quoted, string, unescape, url_field,
};
use super::text;
use crate::rules::Confidence;

pub struct MailClients;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Client {
    Msmtp,
    Esmtp,
    Mutt,
    Fetchmail,
}

fn client(path: &str) -> Option<Client> {
    let n = name(path);
    match n {
        ".msmtprc" | "msmtprc" => Some(Client::Msmtp),
        ".esmtprc" | "esmtprc" => Some(Client::Esmtp),
        ".muttrc" | "muttrc" | ".neomuttrc" | "neomuttrc" => Some(Client::Mutt),
        ".fetchmailrc" | "fetchmailrc" => Some(Client::Fetchmail),
        _ if ends_with_path(path, ".config/msmtp/config") => Some(Client::Msmtp),
        _ if has_dir(path, ".mutt") || ends_with_path(path, ".config/mutt/muttrc") => {
            Some(Client::Mutt)
        }
        _ if n.ends_with(".muttrc") => Some(Client::Mutt),
        _ => None,
    }
}

impl Extractor for MailClients {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        client(path).is_some()
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        match client(path) {
            Some(Client::Msmtp) => blocks(data, b"account", b"host", b"password", false, out),
            Some(Client::Esmtp) => blocks(data, b"identity", b"hostname", b"password", true, out),
            Some(Client::Mutt) => mutt(data, out),
            Some(Client::Fetchmail) => fetchmail(data, out),
            None => {}
        }
    }
}

/// A value written at `data[s..e]` (trimmed): inside its quotes if quoted, unescaped when it
/// has escapes; `None` if empty.
fn value(data: &[u8], s: usize, e: usize) -> Option<(usize, usize, Option<Vec<u8>>)> {
    let (s, e) = text::trim(data, s, e);
    if s >= e {
        return None;
    }
    let (vs, ve, escaped) = if data[s] == b'"' || data[s] == b'\'' {
        let ((a, b), _) = quoted(data, s, e, data[s]);
        (a, b, data[a..b].contains(&b'\\'))
    } else {
        (s, e, false)
    };
    if vs >= ve {
        return None;
    }
    let decoded = escaped.then(|| unescape(&data[vs..ve], |_| None));
    Some((vs, ve, decoded))
}

/// msmtp and esmtp: blocks opened by `open` (`account`, `identity`), each with a `host`
/// key and `secret` key; `key value` or (`equals`) `key = value`.
fn blocks(
    data: &[u8],
    open: &[u8],
    host_key: &[u8],
    secret: &[u8],
    equals: bool,
    out: &mut Vec<Field>,
) {
    let mut pending: Vec<Field> = Vec::new();
    let mut host: Option<String> = None;
    let mut default_host: Option<String> = None;
    let mut in_defaults = true;
    let flush = |pending: &mut Vec<Field>, host: &Option<String>, out: &mut Vec<Field>| {
        for mut f in pending.drain(..) {
            f.host = host.clone();
            out.push(f);
        }
    };
    for (ls, line) in text::lines(data) {
        if text::is_comment(line, &[b"#"]) {
            continue;
        }
        let le = ls + line.len();
        let (ts, te) = text::trim(data, ls, le);
        let kend = data[ts..te]
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b == b'=')
            .map_or(te, |i| ts + i);
        let key = &data[ts..kend];
        let mut vstart = kend;
        if equals || data.get(kend) == Some(&b'=') {
            let (a, _) = text::trim(data, kend, te);
            vstart = if data.get(a) == Some(&b'=') && a < te {
                a + 1
            } else {
                a
            };
        }
        if key == open || (key == b"defaults" && open == b"account") {
            flush(
                &mut pending,
                &host.clone().or_else(|| default_host.clone()),
                out,
            );
            host = None;
            in_defaults = key == b"defaults";
            continue;
        }
        if key == host_key {
            if let Some((s, e, _)) = value(data, vstart, te) {
                let h = string(data, (s, e));
                if in_defaults {
                    default_host = Some(h);
                } else {
                    host = Some(h);
                }
            }
        } else if key == secret {
            if let Some((s, e, decoded)) = value(data, vstart, te) {
                pending.push(field(
                    s,
                    e,
                    decoded,
                    None,
                    FieldKind::Password,
                    Confidence::High,
                    None,
                ));
            }
        }
    }
    flush(&mut pending, &host.or(default_host), out);
}

/// A mutt `set` assignment: the variable and its value's span and unescaped value.
struct Assign {
    var: (usize, usize),
    value: (usize, usize),
    decoded: Option<Vec<u8>>,
    backtick: bool,
}

/// The assignments of the `set` commands on a mutt line (`set a = "x" b='y'; set c=z`).
fn mutt_sets(data: &[u8], ls: usize, le: usize) -> Vec<Assign> {
    let mut out = Vec::new();
    let mut i = ls;
    let mut in_set = false;
    while i < le {
        while i < le && (data[i].is_ascii_whitespace() || data[i] == b';') {
            if data[i] == b';' {
                in_set = false;
            }
            i += 1;
        }
        if i >= le || data[i] == b'#' {
            break;
        }
        let ws = i;
        while i < le && (data[i].is_ascii_alphanumeric() || data[i] == b'_' || data[i] == b'-') {
            i += 1;
        }
        let word = &data[ws..i];
        if !in_set {
            if word == b"set" {
                in_set = true;
                continue;
            }
            // Another command: skip to the next `;` outside quotes.
            while i < le && data[i] != b';' {
                if data[i] == b'"' || data[i] == b'\'' {
                    i = quoted(data, i, le, data[i]).1;
                } else {
                    i += 1;
                }
            }
            continue;
        }
        if word.is_empty() {
            i += 1;
            continue;
        }
        let var = (ws, i);
        while i < le && (data[i] == b' ' || data[i] == b'\t') {
            i += 1;
        }
        if i >= le || data[i] != b'=' {
            continue;
        }
        i += 1;
        while i < le && (data[i] == b' ' || data[i] == b'\t') {
            i += 1;
        }
        if i >= le {
            break;
        }
        let (span, next, decoded, backtick) = match data[i] {
            q @ (b'"' | b'\'') => {
                let ((a, b), n) = quoted(data, i, le, q);
                let w = &data[a..b];
                let decoded = (q == b'"' && w.contains(&b'\\')).then(|| unescape(w, |_| None));
                ((a, b), n, decoded, w.contains(&b'`'))
            }
            b'`' => {
                let e = memchr::memchr(b'`', &data[i + 1..le]).map_or(le, |k| i + 1 + k + 1);
                ((i, e.min(le)), e.min(le), None, true)
            }
            _ => {
                let s = i;
                while i < le && !data[i].is_ascii_whitespace() && data[i] != b';' {
                    i += 1;
                }
                ((s, i), i, None, false)
            }
        };
        i = next;
        out.push(Assign {
            var,
            value: span,
            decoded,
            backtick,
        });
    }
    out
}

fn mutt(data: &[u8], out: &mut Vec<Field>) {
    let mut sets: Vec<Assign> = Vec::new();
    let mut urls: Vec<(usize, usize)> = Vec::new();
    for (ls, line) in text::lines(data) {
        if text::is_comment(line, &[b"#"]) || line.contains(&b'`') && !line.contains(&b'=') {
            continue;
        }
        let le = ls + line.len();
        // Command output (`source "cmd |"`) and substitutions hold no literal URL.
        if !line.contains(&b'`') {
            let code_end = comment_start(data, ls, le);
            urls.extend(find_urls(data, ls, code_end));
        }
        sets.extend(mutt_sets(data, ls, le));
    }
    let var = |a: &Assign| &data[a.var.0..a.var.1];
    let host_of = |names: &[&[u8]]| {
        sets.iter()
            .filter(|a| names.contains(&var(a)))
            .find_map(|a| parse_url(data, a.value.0, a.value.1))
            .map(|u| string(data, u.host))
    };
    let smtp_host = host_of(&[b"smtp_url"]);
    let imap_host = host_of(&[b"folder", b"spoolfile", b"imap_url"]);
    let pop_host = host_of(&[b"pop_host"]).or_else(|| {
        sets.iter()
            .find(|a| var(a) == b"pop_host")
            .map(|a| string(data, a.value))
    });
    // The last literal assignment of each user variable (`set my_pass = "…"`).
    let mut user_vars: HashMap<&[u8], usize> = HashMap::new();
    for (i, a) in sets.iter().enumerate() {
        if var(a).starts_with(b"my_") && !a.backtick {
            user_vars.insert(var(a), i);
        }
    }
    for a in &sets {
        let v = var(a);
        let host = match v {
            b"smtp_pass" => smtp_host.clone(),
            b"imap_pass" => imap_host.clone(),
            b"pop_pass" => pop_host.clone(),
            _ => continue,
        };
        if a.backtick || a.value.0 >= a.value.1 {
            continue;
        }
        let written = &data[a.value.0..a.value.1];
        // `$my_pass`: follow a user variable to its literal value.
        let target = match written.strip_prefix(b"$") {
            Some(name) => {
                let name = name.strip_prefix(b"{").unwrap_or(name);
                let name = name.strip_suffix(b"}").unwrap_or(name);
                match user_vars.get(name) {
                    Some(&i) if name.starts_with(b"my_") => &sets[i],
                    // Another variable or an unset one: a reference.
                    _ => continue,
                }
            }
            None => a,
        };
        if target.value.0 >= target.value.1 {
            continue;
        }
        out.push(field(
            target.value.0,
            target.value.1,
            target.decoded.clone(),
            None,
            FieldKind::Password,
            Confidence::High,
            host,
        ));
    }
    for (s, e) in urls {
        if let Some(f) = parse_url(data, s, e).and_then(|u| url_field(data, &u, Confidence::High)) {
            out.push(f);
        }
    }
}

/// Where a `#` comment starts on a mutt line (outside quotes), or `le`.
fn comment_start(data: &[u8], ls: usize, le: usize) -> usize {
    let mut i = ls;
    while i < le {
        match data[i] {
            b'\\' => i += 2,
            q @ (b'"' | b'\'') => i = quoted(data, i, le, q).1,
            b'#' => return i,
            _ => i += 1,
        }
    }
    le
}

/// fetchmail's free-form entries.
fn fetchmail(data: &[u8], out: &mut Vec<Field>) {
    let mut toks = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if b.is_ascii_whitespace() || b == b',' || b == b';' || b == b':' {
            i += 1;
        } else if b == b'#' {
            i = memchr::memchr(b'\n', &data[i..]).map_or(data.len(), |k| i + k);
        } else if b == b'"' || b == b'\'' {
            let ((s, e), n) = quoted(data, i, data.len(), b);
            let decoded = data[s..e]
                .contains(&b'\\')
                .then(|| unescape(&data[s..e], |_| None));
            toks.push((s, e, decoded, true));
            i = n;
        } else {
            let s = i;
            while i < data.len()
                && !data[i].is_ascii_whitespace()
                && !matches!(data[i], b',' | b';' | b'#')
            {
                i += 1;
            }
            toks.push((s, i, None, false));
        }
    }
    let mut host: Option<String> = None;
    let mut k = 0;
    while k < toks.len() {
        let (s, e, _, q) = toks[k];
        let w = &data[s..e];
        if !q && matches!(w, b"poll" | b"skip") {
            host = toks.get(k + 1).map(|t| string(data, (t.0, t.1)));
            k += 2;
            continue;
        }
        if !q && w == b"defaults" {
            host = None;
        }
        if !q && matches!(w, b"password" | b"pass" | b"passwd") {
            if let Some((vs, ve, decoded, _)) = toks.get(k + 1).cloned() {
                if vs < ve {
                    out.push(field(
                        vs,
                        ve,
                        decoded,
                        None,
                        FieldKind::Password,
                        Confidence::High,
                        host.clone(),
                    ));
                }
                k += 2;
                continue;
            }
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Found = (String, Option<String>, Option<String>);

    fn found(path: &str, data: &[u8]) -> Vec<Found> {
        let mut out = Vec::new();
        assert!(MailClients.applies(path, data));
        MailClients.extract(path, data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.min_len, f.confidence, f.kind),
                    (1, Confidence::High, FieldKind::Password)
                );
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.value
                        .as_ref()
                        .map(|v| String::from_utf8_lossy(v).into_owned()),
                    f.host.clone(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn applies_to_names() {
        for p in [
            ".msmtprc",
            "home/u/.config/msmtp/config",
            ".esmtprc",
            ".muttrc",
            "u/.mutt/accounts",
            ".config/mutt/muttrc",
            ".neomuttrc",
            ".fetchmailrc",
            "work.muttrc",
        ] {
            assert!(MailClients.applies(p, b""), "{p}");
        }
        for p in ["config", "mutt.md", "msmtp/config", ".mutt"] {
            assert!(!MailClients.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn msmtp_accounts() {
        let d = b"defaults\nauth on\nhost smtp.default.test\n\n\
account        work\nhost           smtp.acme.test\nuser jdoe@acme.test\npassword       Autumn#2020\n\n\
account home\npassword \"with \\\"quote\"\n\
account eval\npasswordeval \"gpg -d ~/.pw.gpg\"\n# password Hunter2Hunter2\n\
account default : work\n";
        assert_eq!(
            found(".msmtprc", d),
            vec![
                (s("Autumn#2020"), None, Some(s("smtp.acme.test"))),
                (
                    s("with \\\"quote"),
                    Some(s("with \"quote")),
                    Some(s("smtp.default.test"))
                ),
            ]
        );
    }

    #[test]
    fn esmtp_identities() {
        let d =
            b"identity jdoe@acme.test\n\thostname = smtp.acme.test:587\n\tusername = \"jdoe\"\n\
\tpassword = \"Charlie1987\"\n\tstarttls = required\nidentity other\n\tpassword=Pl41n\n";
        assert_eq!(
            found(".esmtprc", d),
            vec![
                (s("Charlie1987"), None, Some(s("smtp.acme.test:587"))),
                (s("Pl41n"), None, None),
            ]
        );
    }

    #[test]
    fn mutt_settings() {
        let d = concat!(
            "set from = \"jdoe@acme.test\"\nset imap_user = \"jdoe@acme.test\"\n",
            "set imap_pass = \"Welcome@2023\"\n",
            "set smtp_url = \"smtps://jdoe@acme.test:Spring2022$@smtp.acme.test:465/\"\n", // leakhound:allow (test data)
            "set smtp_pass = '1fmUlwr83gZgQ3t9'\n", // leakhound:allow (test data)
            "set folder = \"imaps://imap.acme.test:993\"\n",
            "set my_pw = \"Qz7\\\"x\" ; set pop_pass = ${my_pw} pop_host=pop.acme.test\n",
            "mailboxes imaps://u:Mb0x9@imap2.acme.test/INBOX\n",
        )
        .as_bytes();
        assert_eq!(
            found(".muttrc", d),
            vec![
                (s("Welcome@2023"), None, Some(s("imap.acme.test:993"))),
                (s("1fmUlwr83gZgQ3t9"), None, Some(s("smtp.acme.test:465"))),
                (s("Qz7\\\"x"), Some(s("Qz7\"x")), Some(s("pop.acme.test"))),
                (s("Spring2022$"), None, Some(s("smtp.acme.test:465"))),
                (s("Mb0x9"), None, Some(s("imap2.acme.test"))),
            ]
        );
    }

    #[test]
    fn mutt_user_variables() {
        let d = b"set my_a = 'Zz9x'\nset imap_pass = $my_a\nset smtp_pass = $imap_pass\n";
        assert_eq!(found(".muttrc", d), vec![(s("Zz9x"), None, None)]);
    }

    #[test]
    fn mutt_references() {
        let d = b"set imap_pass = \"`pass show mail/imap`\"\n\
set smtp_pass = `security find-generic-password -w -a me -s smtp`\n\
source \"gpg -dq ~/.mutt/passwords.gpg |\"\nset smtp_url = \"smtps://me@smtp.example.com:465/\"\n\
# set imap_pass = \"hunter2hunter2\"\n  # mailboxes imaps://u:Mb0x9@imap2.acme.test/\n\
set pop_pass = $my_unset\nset imap_pass=\nset smtp_url = \"smtps://me:`pass x`@smtp.acme.test/\"\n";
        assert!(found(".muttrc", d).is_empty());
    }

    #[test]
    fn fetchmail_entries() {
        let d = b"set daemon 300\n\
poll pop.acme.test protocol pop3 user \"jdoe\" there with password \"Chelsea#99\" is jdoe here options ssl\n\
poll imap.acme.test\n    proto imap\n    user \"archive\"\n    pass vU4GZJCyD5JL7m\n    is archive here\n\
# poll x.test user a password \"Hunter2Hunter2\"\n\
skip old.acme.test user u, with password 'Sk1p!', is u here\n";
        assert_eq!(
            found(".fetchmailrc", d),
            vec![
                (s("Chelsea#99"), None, Some(s("pop.acme.test"))),
                (s("vU4GZJCyD5JL7m"), None, Some(s("imap.acme.test"))),
                (s("Sk1p!"), None, Some(s("old.acme.test"))),
            ]
        );
        assert!(found(
            ".fetchmailrc",
            b"poll pop.example.com protocol pop3 user \"joe\" is joe here\n"
        )
        .is_empty());
    }

    #[test]
    fn tolerates_junk() {
        for (p, d) in [
            (".msmtprc", &b"password"[..]),
            (".msmtprc", b"password \""),
            (".esmtprc", b"password ="),
            (".esmtprc", b"password = '"),
            (".muttrc", b"set"),
            (".muttrc", b"set x"),
            (".muttrc", b"set x ="),
            (".muttrc", b"set x = \""),
            (".muttrc", b"set smtp_pass=`"),
            (".muttrc", b"set smtp_pass=$my_"),
            (".muttrc", b"\"\\"),
            (".fetchmailrc", b"poll"),
            (".fetchmailrc", b"password"),
            (".fetchmailrc", b"password \""),
            (".fetchmailrc", b"\xff\"\\"),
        ] {
            found(p, d);
        }
    }
}
