//! WinSCP saved sessions (`WinSCP.ini`, and `.reg` exports of its registry key): passwords
//! stored with WinSCP's reversible "simple" obfuscation, decoded offline (SPEC §35).
//!
//! `[Sessions\<name>]` sections hold `HostName`, `UserName`, `Password` and likewise
//! `ProxyHost`/`ProxyUsername`/`ProxyPassword` and `TunnelHostName`/`TunnelUserName`/
//! `TunnelPassword`. The obfuscated value is hex, one byte per two digits, each byte
//! `!(h ^ 0xA3)`: a flag byte `0xFF`, a version (`0x00`: one length byte; `0x02`: two; `0x01`:
//! encrypted with a master password, not decodable), the length, a `shift` count of random
//! bytes to skip, then `key + password` where the key is the user name followed by the host
//! name; without the `0xFF` flag (old versions) the first byte is the length and there is no
//! key. A decode whose key prefix matches is self-validating (high); an old-format decode is
//! accepted when printable (medium). Nothing is reported when the file says
//! `UseMasterPassword=1`. A hand-written `PasswordPlain` is reported as written.
//!
//! The field is the obfuscated value; its value is the password, encoding `winscp`.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{contains_within, ends_with_ic, eq_ic, field, file_name, ini, Entry};
use super::text;
use crate::rules::Confidence;

pub struct WinScp;

impl Extractor for WinScp {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let n = file_name(path);
        n.eq_ignore_ascii_case("winscp.ini")
            || (ends_with_ic(n, ".reg")
                && contains_within(data, b"\\WinSCP 2\\Sessions\\", 1 << 20))
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let entries = ini(data, b"=", &[b";", b"#"]);
        let master = entries.iter().any(|e| {
            eq_ic(key(data, e), b"UseMasterPassword") && {
                let v = value(data, e);
                v == b"1" || v.eq_ignore_ascii_case(b"dword:00000001")
            }
        });
        if master {
            return;
        }
        // Entries come in file order, so a section's entries are contiguous.
        let mut rest = &entries[..];
        while let Some(first) = rest.first() {
            let n = rest
                .iter()
                .take_while(|e| e.section_no == first.section_no)
                .count();
            let (section, tail) = rest.split_at(n);
            rest = tail;
            let name = first.section_name(data).to_ascii_lowercase();
            if memchr::memmem::find(&name, b"sessions\\").is_some() {
                session(data, section, out);
            }
        }
    }
}

/// A name as written, without the quotes of a `.reg` export (`"Password"="A35C…"`).
fn key<'a>(data: &'a [u8], e: &Entry) -> &'a [u8] {
    let k = e.key(data);
    k.strip_prefix(b"\"")
        .and_then(|k| k.strip_suffix(b"\""))
        .unwrap_or(k)
}

/// A value without its quotes.
fn value<'a>(data: &'a [u8], e: &Entry) -> &'a [u8] {
    let (s, en) = span(data, e);
    &data[s..en]
}

fn span(data: &[u8], e: &Entry) -> (usize, usize) {
    let (s, en, _) = text::unquote(data, e.value.0, e.value.1);
    (s, en)
}

/// The passwords of one `[Sessions\…]` section.
fn session(data: &[u8], section: &[Entry], out: &mut Vec<Field>) {
    let get = |name: &[u8]| {
        section
            .iter()
            .find(|x| eq_ic(key(data, x), name))
            .map(|x| String::from_utf8_lossy(value(data, x)).into_owned())
            .unwrap_or_default()
    };
    let session_key = format!("{}{}", get(b"UserName"), get(b"HostName"));
    for e in section {
        let k = key(data, e);
        let (user_key, host_key): (&[u8], &[u8]) = if eq_ic(k, b"Password") {
            (b"UserName", b"HostName")
        } else if eq_ic(k, b"ProxyPassword") {
            (b"ProxyUsername", b"ProxyHost")
        } else if eq_ic(k, b"TunnelPassword") {
            (b"TunnelUserName", b"TunnelHostName")
        } else if eq_ic(k, b"PasswordPlain") {
            let (s, en) = span(data, e);
            if s < en {
                let host = Some(get(b"HostName")).filter(|h| !h.is_empty());
                out.push(field(
                    s,
                    en,
                    None,
                    None,
                    FieldKind::Password,
                    Confidence::High,
                    host,
                ));
            }
            continue;
        } else {
            continue;
        };
        let (s, en) = span(data, e);
        if s >= en {
            continue;
        }
        let host = get(host_key);
        let own = format!("{}{host}", get(user_key));
        let keys = [
            String::from_utf8_lossy(&text::percent(own.as_bytes())).into_owned(),
            own,
            session_key.clone(),
        ];
        let Some((password, checked)) = decode(&data[s..en], &keys) else {
            continue;
        };
        if password.is_empty() {
            continue;
        }
        let confidence = if checked {
            Confidence::High
        } else {
            Confidence::Medium
        };
        let host = (!host.is_empty()).then_some(host);
        out.push(field(
            s,
            en,
            Some(password),
            Some("winscp"),
            FieldKind::Password,
            confidence,
            host,
        ));
    }
}

/// Decodes an obfuscated password: the password and whether a key prefix checked it.
/// `None` when it is not the simple obfuscation, is master-password encrypted, or its key
/// prefix matches none of `keys`.
pub fn decode(hex: &[u8], keys: &[String]) -> Option<(Vec<u8>, bool)> {
    if hex.len() & 1 == 1 || hex.len() < 4 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
    let mut bytes = Vec::with_capacity(hex.len() / 2);
    for pair in hex.chunks(2) {
        let (a, b) = (digit(pair[0])?, digit(pair[1])?);
        bytes.push(!((a << 4 | b) ^ 0xA3));
    }
    let mut it = bytes.into_iter();
    let flag = it.next()?;
    let length = if flag == 0xFF {
        match it.next()? {
            0x00 => usize::from(it.next()?),
            0x02 => (usize::from(it.next()?) << 8) + usize::from(it.next()?),
            _ => return None,
        }
    } else {
        usize::from(flag)
    };
    let shift = usize::from(it.next()?);
    let rest: Vec<u8> = it.skip(shift).collect();
    let result = rest.get(..length)?;
    if flag != 0xFF {
        let printable = result.iter().all(|&b| b >= 0x20 && b != 0x7f);
        return printable.then(|| (result.to_vec(), false));
    }
    keys.iter()
        .filter(|k| !k.is_empty())
        .find_map(|k| result.strip_prefix(k.as_bytes()))
        .map(|p| (p.to_vec(), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obfuscation, for test vectors (fixed padding instead of random bytes).
    fn encode(key: &str, password: &str, shift: u8) -> String {
        let enc = |b: u8| format!("{:02X}", !b ^ 0xA3);
        let data = format!("{key}{password}");
        let mut out = enc(0xFF) + &enc(0x00) + &enc(data.len() as u8) + &enc(shift);
        for i in 0..shift {
            out += &enc(i.wrapping_mul(37));
        }
        for b in data.bytes() {
            out += &enc(b);
        }
        while out.len() < 100 {
            out += &enc(0x5A);
        }
        out
    }

    fn found(path: &str, data: &[u8]) -> Vec<(String, String, Confidence, Option<String>)> {
        let mut out = Vec::new();
        if WinScp.applies(path, data) {
            WinScp.extract(path, data, &mut out);
        }
        out.iter()
            .map(|f| {
                assert_eq!((f.min_len, f.kind), (1, FieldKind::Password));
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    String::from_utf8_lossy(f.value.as_deref().unwrap_or(&data[f.start..f.end]))
                        .into_owned(),
                    f.confidence,
                    f.host.clone(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn applies_to_ini_and_reg() {
        assert!(WinScp.applies("WinSCP.ini", b""));
        assert!(WinScp.applies("portable/winscp.ini", b""));
        assert!(WinScp.applies(
            "backup/sessions.reg",
            b"[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\x]"
        ));
        assert!(!WinScp.applies("backup/other.reg", b"[HKEY_CURRENT_USER\\Software\\x]"));
        assert!(!WinScp.applies("winscp.ini.md", b""));
    }

    #[test]
    fn sample_vectors_decode() {
        // From the credfiles samples (fake passwords).
        let a = b"A35C7F5C38392C3033252F3A282C723D3F3139713F332E2C7228392F281E3930303D6E6C6D697D8FDEB555BFCCAD8E51122A";
        assert_eq!(
            decode(a, &[s("deploysftp.acme-corp.test")]),
            Some((b"Bella2015!".to_vec(), true))
        );
        let b = b"A35C755A4F34DE89B82A2B393E313D2F28392E3A282C723D3F3139713F332E2C7228392F286F686A15390D3F2A3A6A323F1131";
        assert_eq!(
            decode(b, &[s("webmasterftp.acme-corp.test")]),
            Some((b"346IeQcvf6ncMm".to_vec(), true))
        );
        assert_eq!(decode(b, &[s("webmasterother.test")]), None);
    }

    #[test]
    fn sessions() {
        let pw1 = encode("deploysftp.acme.test", "Bella2015!", 7);
        let pw2 = encode("webmasterftp.acme.test", "346IeQcvf6ncMm", 0);
        let px = encode("proxyuserproxy.acme.test", "Pr0xy!", 3);
        let d = format!(
            "[Configuration\\Interface]\r\nRandomSeedFile=%APPDATA%\\winscp.rnd\r\n\r\n\
[Sessions\\Production%20Shop]\r\nPassword={pw1}\r\nHostName=sftp.acme.test\r\nUserName=deploy\r\n\
ProxyHost=proxy.acme.test\r\nProxyUsername=proxyuser\r\nProxyPassword={px}\r\n\r\n\
[Sessions\\Customers/Legacy%20FTP]\r\nHostName=ftp.acme.test\r\nUserName=webmaster\r\nPassword={pw2}\r\n\
PasswordPlain=Pl4in!pw\r\n"
        );
        assert_eq!(
            found("WinSCP.ini", d.as_bytes()),
            vec![
                (
                    pw1.clone(),
                    s("Bella2015!"),
                    Confidence::High,
                    Some(s("sftp.acme.test"))
                ),
                (
                    px.clone(),
                    s("Pr0xy!"),
                    Confidence::High,
                    Some(s("proxy.acme.test"))
                ),
                (
                    pw2.clone(),
                    s("346IeQcvf6ncMm"),
                    Confidence::High,
                    Some(s("ftp.acme.test"))
                ),
                (
                    s("Pl4in!pw"),
                    s("Pl4in!pw"),
                    Confidence::High,
                    Some(s("ftp.acme.test"))
                ),
            ]
        );
    }

    #[test]
    fn registry_export() {
        let pw = encode("deploysftp.acme.test", "Reg1stry!", 2);
        let d = format!(
            "Windows Registry Editor Version 5.00\r\n\r\n\
[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\prod]\r\n\
\"HostName\"=\"sftp.acme.test\"\r\n\"UserName\"=\"deploy\"\r\n\"PortNumber\"=dword:00000016\r\n\"Password\"=\"{pw}\"\r\n"
        );
        assert_eq!(
            found("x/winscp-sessions.reg", d.as_bytes()),
            vec![(
                pw.clone(),
                s("Reg1stry!"),
                Confidence::High,
                Some(s("sftp.acme.test"))
            )]
        );
    }

    #[test]
    fn old_format_without_key() {
        // Flag byte = length 3, shift 0, "abc", padding.
        let enc = |b: u8| format!("{:02X}", !b ^ 0xA3);
        let hex: String = [3u8, 0, b'a', b'b', b'c', 9, 9]
            .iter()
            .map(|&b| enc(b))
            .collect();
        assert_eq!(decode(hex.as_bytes(), &[]), Some((b"abc".to_vec(), false)));
        let d = format!("[Sessions\\old]\nHostName=h.acme.test\nPassword={hex}\n");
        assert_eq!(found("WinSCP.ini", d.as_bytes())[0].2, Confidence::Medium);
    }

    #[test]
    fn master_password_and_junk() {
        let pw = encode("deploysftp.acme.test", "Bella2015!", 7);
        let d = format!(
            "[Configuration\\Security]\r\nUseMasterPassword=1\r\nMasterPasswordVerifier=DC36B155A595\r\n\r\n\
[Sessions\\Protected]\r\nHostName=sftp.acme.test\r\nUserName=deploy\r\nPassword={pw}\r\n"
        );
        assert!(found("WinSCP.ini", d.as_bytes()).is_empty());
        let d = "[Sessions\\KeyOnly]\nHostName=sftp.acme.test\nUserName=deploy\n\
PublicKeyFile=C:%5CUsers%5Cme%5C.ssh%5Cdeploy.ppk\nPassword=\nPassword=ZZ\nPassword=A3\n\
Password=A35E\n[Other]\nPassword=A35C7F5C38392C30\n";
        assert!(found("WinSCP.ini", d.as_bytes()).is_empty());
        for h in [
            &b""[..],
            b"A",
            b"A35C",
            b"A35C7F",
            b"A35DA3A3A3A3",
            b"A35CA1",
            b"\xff\xfe",
        ] {
            decode(h, &[s("k")]);
        }
        // An external (master-password) blob.
        let enc = |b: u8| format!("{:02X}", !b ^ 0xA3);
        let ext = enc(0xFF) + &enc(0x01) + "00112233";
        assert_eq!(decode(ext.as_bytes(), &[s("k")]), None);
    }
}
