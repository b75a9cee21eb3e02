//! JetBrains IDE project files (SPEC §34): `.idea/*.xml` (`webServers.xml`,
//! `deployment.xml`, `sshConfigs.xml`, `dataSources*.xml`, …) and old `*.ipr`/`*.iws`.
//!
//! Current IDEs keep passwords in the Password Safe, never in the project: these files hold
//! hosts and ports only. Legacy versions wrote a `password="…"` attribute (or `<option
//! name="password" value="…"/>`) encoded by `PasswordUtil`: each UTF-16 unit XOR `0xdfaa`,
//! as four hex digits. Only values that decode that way are reported (medium, the value
//! decoded); plain text in those attributes is not this format's to judge.

use super::common::{file_name, printable};
use super::field::{Extractor, Field, FieldKind};
use super::xml::{self, Attr};
use crate::rules::Confidence;

pub struct JetBrains;

impl Extractor for JetBrains {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let name = file_name(path);
        let in_idea = path.starts_with(".idea/") || path.contains("/.idea/");
        (in_idea && name.ends_with(".xml")) || name.ends_with(".ipr") || name.ends_with(".iws")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        xml::scan(data, &mut |e| {
            let is_password = |n: &[u8]| n.to_ascii_lowercase().ends_with(b"password");
            let mut found: Vec<&Attr> = e.attrs.iter().filter(|a| is_password(a.name)).collect();
            // <option name="password" value="…"/>
            if e.name() == b"option" && e.attr_value(data, "name").is_some_and(|n| is_password(&n))
            {
                found.extend(e.attr("value"));
            }
            for a in found {
                let Some(plain) = decode(&data[a.start..a.end]) else {
                    continue;
                };
                let mut f = Field::plain(a.start, a.end, FieldKind::Password, Confidence::Medium);
                f.value = Some(plain);
                f.encoding = Some("jetbrains-xor");
                f.host = e
                    .attr_value(data, "host")
                    .map(|h| String::from_utf8_lossy(&h).into_owned());
                out.push(f);
            }
        });
    }
}

/// `PasswordUtil.decodePassword`: four hex digits per UTF-16 unit, XOR `0xdfaa`. `None`
/// unless every unit decodes to a printable character below U+0800 (Latin, Greek, Cyrillic,
/// …): a random hex value (a hash in a `password` attribute) decodes to CJK and other high
/// code points, so this keeps such values out at the cost of passwords written in them.
pub fn decode(hex: &[u8]) -> Option<Vec<u8>> {
    if hex.is_empty() || !hex.len().is_multiple_of(4) || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let units: Vec<u16> = hex
        .chunks(4)
        .map(|c| {
            let v = std::str::from_utf8(c)
                .ok()
                .and_then(|s| u16::from_str_radix(s, 16).ok());
            v.map(|v| v ^ 0xdfaa).filter(|&u| u < 0x800)
        })
        .collect::<Option<_>>()?;
    let s = String::from_utf16(&units).ok()?;
    (printable(s.as_bytes()) && !s.is_empty()).then(|| s.into_bytes())
}

/// The legacy encoding, for tests.
#[cfg(test)]
fn encode(s: &str) -> String {
    s.encode_utf16()
        .map(|u| format!("{:04x}", u ^ 0xdfaa))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_attribute_and_option() {
        let d = br#"<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="WebServers">
    <option name="servers">
      <webServer id="1a2b" name="legacy-ftp" url="http://www.acme.test">
        <fileTransfer host="ftp.acme.test" port="21" accessType="FTP" login="webmaster" password="dfe8dfcfdfc6dfc6dfcbdf98df9adf9bdf9fdf8b" /> <!-- leakhound:allow -->
      </webServer>
    </option>
    <option name="proxyPassword" value="dfdadfcbdfd9dfd9" /> <!-- leakhound:allow -->
  </component>
</project>"#;
        let mut out = Vec::new();
        assert!(JetBrains.applies("shop/.idea/webServers.xml", d));
        JetBrains.extract(".idea/webServers.xml", d, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(
            &d[out[0].start..out[0].end],
            b"dfe8dfcfdfc6dfc6dfcbdf98df9adf9bdf9fdf8b"
        );
        assert_eq!(out[0].value.as_deref(), Some(&b"Bella2015!"[..]));
        assert_eq!(out[0].encoding, Some("jetbrains-xor"));
        assert_eq!(out[0].confidence, Confidence::Medium);
        assert_eq!(out[0].host.as_deref(), Some("ftp.acme.test"));
        assert_eq!(out[1].value.as_deref(), Some(&b"pass"[..]));
        assert_eq!(
            encode("Bella2015!"),
            "dfe8dfcfdfc6dfc6dfcbdf98df9adf9bdf9fdf8b"
        );
    }

    #[test]
    fn current_files_and_plain_values_yield_nothing() {
        let d = br#"<project version="4"><component name="SshConfigs"><configs>
<sshConfig authType="PASSWORD" host="sftp.acme.test" port="22" username="deploy" />
<fileTransfer host="h" sshConfig="deploy@h:22 password" password="plain-text" /> <!-- leakhound:allow -->
<fileTransfer host="h" password="" /><x password="abcd" />
</configs></component></project>"#;
        let mut out = Vec::new();
        JetBrains.extract(".idea/sshConfigs.xml", d, &mut out);
        assert!(out.is_empty(), "{out:?}");
        assert!(!JetBrains.applies("pom.xml", b""));
        assert!(JetBrains.applies("old/project.iws", b""));
        assert_eq!(decode(b"dfe8d"), None);
    }
}
