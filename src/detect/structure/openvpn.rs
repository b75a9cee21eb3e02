//! OpenVPN: inline `<auth-user-pass>` blocks and static keys in configurations (`*.ovpn`,
//! `*.conf` under `openvpn/`, `ta.key`-style key files), and `auth-user-pass` credential
//! files (SPEC §47).
//!
//! - `<auth-user-pass>` (OpenVPN 2.6): line 1 the user, line 2 the password (high); the
//!   config's `remote` host is the identity.
//! - `-----BEGIN OpenVPN Static key V1-----` … `-----END …-----` (in `<tls-auth>`,
//!   `<tls-crypt>`, `<secret>` blocks or key files) and `tls-crypt-v2` keys: the whole block
//!   is a secret key (high; kind `PrivateKey`, so other rules' matches inside it yield).
//! - Credential files: the file named by `auth-user-pass <file>` has no syntax of its own
//!   and the extractor sees one file at a time, so it goes by the names such files get
//!   (`auth.txt`, `pass.txt`, `login.conf`, `credentials.txt`, `*.auth`, …) and their shape:
//!   exactly two lines, a user name without blanks then the password. A name heuristic:
//!   medium. The template `username` / `password` is a placeholder.
//!
//! `<key>` PEM private keys are left to the private-key rules; `askpass` files are not
//! recognisable alone.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{ends_with_ic, field, file_name, has_dir, string, subject};
use super::text;
use crate::rules::Confidence;

pub struct OpenVpn;

/// Names credential files referenced by `auth-user-pass` usually get.
const CRED_NAMES: &[&str] = &[
    "auth.txt",
    "pass.txt",
    "passwd.txt",
    "login.conf",
    "login.txt",
    "credentials.txt",
    "userpass.txt",
    "auth-user-pass.txt",
    "vpn-auth.txt",
    "openvpn-auth.txt",
];

const BEGIN: &[u8] = b"-----BEGIN OpenVPN ";
const END: &[u8] = b"-----END OpenVPN ";

/// `n` is a file name in any case.
fn is_cred_name(n: &str) -> bool {
    CRED_NAMES.iter().any(|c| c.eq_ignore_ascii_case(n))
        || (ends_with_ic(n, ".auth") && n.len() > 5)
}

fn is_config(path: &str, data: &[u8]) -> bool {
    let n = file_name(subject(path));
    ends_with_ic(n, ".ovpn")
        || (ends_with_ic(n, ".conf") && has_dir(path, "openvpn") && !is_cred_name(n))
        || (ends_with_ic(n, ".key")
            && memchr::memmem::find(&data[..data.len().min(4096)], BEGIN).is_some())
}

impl Extractor for OpenVpn {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        is_config(path, data)
            || (is_cred_name(file_name(subject(path)))
                && data.len() <= 4096
                && cred_lines(data).is_some())
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        if !is_config(path, data) {
            if let Some((s, e)) = cred_lines(data) {
                out.push(field(
                    s,
                    e,
                    None,
                    None,
                    FieldKind::Password,
                    Confidence::Medium,
                    None,
                ));
            }
            return;
        }
        let first = out.len();
        let mut remote: Option<String> = None;
        let mut inline: Option<Vec<(usize, usize)>> = None;
        let mut key_start: Option<usize> = None;
        let mut key_lines = 0;
        for (ls, line) in text::lines(data) {
            let le = ls + line.len();
            let (ts, te) = text::trim(data, ls, le);
            let t = &data[ts..te];
            if let Some(start) = key_start {
                if t.starts_with(END) {
                    if key_lines > 0 {
                        out.push(field(
                            start,
                            te,
                            None,
                            None,
                            FieldKind::PrivateKey,
                            Confidence::High,
                            None,
                        ));
                    }
                    key_start = None;
                } else if !t.is_empty()
                    && t.iter()
                        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                {
                    key_lines += 1;
                } else if !t.is_empty() && !t.starts_with(b"#") {
                    key_start = None;
                }
                continue;
            }
            if t.starts_with(BEGIN) {
                key_start = Some(ts);
                key_lines = 0;
                continue;
            }
            if let Some(lines) = inline.as_mut() {
                if t.eq_ignore_ascii_case(b"</auth-user-pass>") {
                    let lines = inline.take().unwrap_or_default();
                    if let [user, pass, ..] = lines[..] {
                        let u = &data[user.0..user.1];
                        let p = &data[pass.0..pass.1];
                        if !(u.eq_ignore_ascii_case(b"username")
                            && p.eq_ignore_ascii_case(b"password"))
                        {
                            out.push(field(
                                pass.0,
                                pass.1,
                                None,
                                None,
                                FieldKind::Password,
                                Confidence::High,
                                None,
                            ));
                        }
                    }
                } else if !t.is_empty() {
                    lines.push((ts, te));
                }
                continue;
            }
            if t.starts_with(b"#") || t.starts_with(b";") {
                continue;
            }
            if t.eq_ignore_ascii_case(b"<auth-user-pass>") {
                inline = Some(Vec::new());
            } else if let Some(rest) = t.strip_prefix(b"remote") {
                if remote.is_none() && rest.first().is_some_and(u8::is_ascii_whitespace) {
                    let h = rest.trim_ascii();
                    let h = h
                        .split(|b| b.is_ascii_whitespace())
                        .next()
                        .unwrap_or_default();
                    remote = Some(string(h, (0, h.len())));
                }
            }
        }
        for f in out[first..]
            .iter_mut()
            .filter(|f| f.kind == FieldKind::Password)
        {
            f.host = remote.clone();
        }
    }
}

/// A credential file's password span: exactly two non-blank lines, the first a user name
/// (no blanks, `=` or `:`, not a comment), the second not the template word `password`.
fn cred_lines(data: &[u8]) -> Option<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (ls, line) in text::lines(data) {
        let (s, e) = text::trim(data, ls, ls + line.len());
        if s == e {
            continue;
        }
        if found.len() == 2 {
            return None;
        }
        found.push((s, e));
    }
    let [user, pass] = found[..] else {
        return None;
    };
    let u = &data[user.0..user.1];
    let p = &data[pass.0..pass.1];
    let plain_user = u
        .iter()
        .all(|&b| b.is_ascii_graphic() && b != b'=' && b != b':')
        && !u.starts_with(b"#")
        && !u.starts_with(b";")
        && !u.starts_with(b"-----");
    let template = u.eq_ignore_ascii_case(b"username") && p.eq_ignore_ascii_case(b"password");
    let text_like = std::str::from_utf8(p).is_ok_and(|s| !s.chars().any(char::is_control));
    (plain_user && !template && text_like).then_some(pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(path: &str, data: &[u8]) -> Vec<(String, FieldKind, Confidence, Option<String>)> {
        let mut out = Vec::new();
        if OpenVpn.applies(path, data) {
            OpenVpn.extract(path, data, &mut out);
        }
        out.iter()
            .map(|f| {
                assert_eq!((f.min_len, &f.value, f.encoding), (1, &None, None));
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.kind,
                    f.confidence,
                    f.host.clone(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    const STATIC_KEY: &str = "-----BEGIN OpenVPN Static key V1-----\n\
9ca0bcf076c793671b85c1344094e777\n9263ef5185cf20be58c63d8d1c8c0b6a\n\
-----END OpenVPN Static key V1-----";

    #[test]
    fn applies_to_configs_and_credential_files() {
        for p in ["client.ovpn", "vpn/Office.OVPN", "etc/openvpn/client.conf"] {
            assert!(OpenVpn.applies(p, b""), "{p}");
        }
        assert!(OpenVpn.applies("keys/ta.key", STATIC_KEY.as_bytes()));
        assert!(!OpenVpn.applies("keys/server.key", b"-----BEGIN PRIVATE KEY-----"));
        assert!(OpenVpn.applies("vpn/login.conf", b"jdoe\nRocky1979!\n"));
        assert!(OpenVpn.applies("vpn/office.auth", b"jdoe\nRocky1979!"));
        assert!(!OpenVpn.applies("vpn/login.conf", b"user = jdoe\npass = x\n"));
        assert!(!OpenVpn.applies("vpn/auth.txt", b"one line\n"));
        assert!(!OpenVpn.applies("vpn/auth.txt", b"a\nb\nc\n"));
        assert!(!OpenVpn.applies("nginx/login.conf.d", b"a\nb"));
    }

    #[test]
    fn configs() {
        let d = format!(
            "client\ndev tun\n# remote old.acme.test 1194\nremote vpn.acme.test 1194\nauth-user-pass login.conf\n\
<tls-auth>\n#\n# 2048 bit OpenVPN static key\n#\n{STATIC_KEY}\n</tls-auth>\n\
<auth-user-pass>\r\nsvc-vpn\r\nPumpkin2016\r\n</auth-user-pass>\n"
        );
        let key_text = STATIC_KEY.to_string();
        assert_eq!(
            found("client.ovpn", d.as_bytes()),
            vec![
                (key_text, FieldKind::PrivateKey, Confidence::High, None),
                (
                    s("Pumpkin2016"),
                    FieldKind::Password,
                    Confidence::High,
                    Some(s("vpn.acme.test"))
                ),
            ]
        );
    }

    #[test]
    fn credential_files() {
        assert_eq!(
            found("login.conf", b"jdoe\nRocky1979!\n\n"),
            vec![(
                s("Rocky1979!"),
                FieldKind::Password,
                Confidence::Medium,
                None
            )]
        );
        assert_eq!(
            found("vpn/pass.txt", b"jdoe\r\nwith space 1\r\n"),
            vec![(
                s("with space 1"),
                FieldKind::Password,
                Confidence::Medium,
                None
            )]
        );
        assert!(found("login.conf.example", b"username\npassword\n").is_empty());
        assert!(found("auth.txt", b"# comment\npassword\n").is_empty());
    }

    #[test]
    fn nothing_to_report() {
        let d = b"client\nremote vpn.example.com 1194\nauth-user-pass\naskpass\n<ca>\n-----BEGIN CERTIFICATE-----\n\
MIIBfake\n-----END CERTIFICATE-----\n</ca>\n<auth-user-pass>\nusername\npassword\n</auth-user-pass>\n\
<auth-user-pass>\nonlyuser\n</auth-user-pass>\n\
-----BEGIN OpenVPN Static key V1-----\n-----END OpenVPN Static key V1-----\n\
-----BEGIN OpenVPN Static key V1-----\nnot hex at all!\n9ca0bcf076c793671b85c1344094e777\n-----END OpenVPN Static key V1-----\n";
        assert!(found("client.ovpn", d).is_empty());
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"<auth-user-pass>",
            b"<auth-user-pass>\na\nb",
            b"-----BEGIN OpenVPN ",
            b"remote",
            b"remote ",
            b"\xff\n\xfe",
        ] {
            found("x.ovpn", d);
            found("auth.txt", d);
        }
    }
}
