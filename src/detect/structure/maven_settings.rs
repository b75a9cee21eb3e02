//! Maven `settings.xml` (SPEC §28): `~/.m2/settings.xml` and CI copies (`.mvn/settings.xml`,
//! `ci/settings.xml`, …) whose root is `<settings>`.
//!
//! Reported: `servers/server/password`, `servers/server/passphrase` (of a `<privateKey>`),
//! `proxies/proxy/password` (host: the proxy's `<host>`), and a token sent as an HTTP header
//! (`servers/server/configuration/httpHeaders/property` named `Authorization`,
//! `Private-Token`, `Job-Token`, `X-JFrog-Art-Api`; `Basic` credentials are decoded to the
//! password, a `Bearer`/`token` scheme word is not part of the token). Values in braces
//! `{…}` are encrypted with the master password and not reported (the pair with a
//! `settings-security.xml` is for a detector that sees both files); `${env.X}` and other
//! references are not values.

use super::common::{
    basic_auth, field, file_name, host_of, is_reference, path_ends_with, user_pass,
};
use super::field::{Extractor, Field, FieldKind};
use super::xml::{self, Text};
use crate::rules::Confidence;

pub struct MavenSettings;

impl Extractor for MavenSettings {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        file_name(path) == "settings.xml"
            && (path_ends_with(path, ".m2/settings.xml")
                || memchr::memmem::find(data, b"<settings").is_some())
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut secrets: Vec<(Text, FieldKind)> = Vec::new();
        let mut host: Option<String> = None;
        let mut header: (Option<Vec<u8>>, Option<Text>) = (None, None);
        xml::scan(data, &mut |e| {
            if e.ends_with("servers/server/password")
                || e.ends_with("servers/server/passphrase")
                || e.ends_with("proxies/proxy/password")
            {
                if let Some(t) = e.text {
                    secrets.push((t, FieldKind::Password));
                }
            } else if e.ends_with("proxies/proxy/host") {
                host = e.text_value(data).map(|h| host_of(&h));
            } else if e.ends_with("httpHeaders/property/name") {
                header.0 = e
                    .text_value(data)
                    .map(|v| v.trim_ascii().to_ascii_lowercase());
            } else if e.ends_with("httpHeaders/property/value") {
                header.1 = e.text;
            } else if e.ends_with("httpHeaders/property") {
                let (name, value) = std::mem::take(&mut header);
                let token_header = matches!(
                    name.as_deref(),
                    Some(b"authorization" | b"private-token" | b"job-token" | b"x-jfrog-art-api")
                );
                if let (true, Some(t)) = (token_header, value) {
                    secrets.push((t, FieldKind::Token));
                }
            } else if e.ends_with("servers/server") || e.ends_with("proxies/proxy") {
                let host = if e.ends_with("proxies/proxy") {
                    host.take()
                } else {
                    None
                };
                for (t, kind) in secrets.drain(..) {
                    if let Some(mut f) = value_field(data, t, kind) {
                        f.host = host.clone();
                        out.push(f);
                    }
                }
            }
        });
    }
}

/// The field for a password or header value written at `t`, unless it is encrypted, a
/// reference or empty.
fn value_field(data: &[u8], t: Text, kind: FieldKind) -> Option<Field> {
    let v = t.value(data);
    let trimmed = v.trim_ascii();
    if trimmed.is_empty() || is_reference(trimmed) {
        return None;
    }
    if encrypted(trimmed) {
        return None;
    }
    if kind == FieldKind::Token {
        // `Bearer x`, `token x`, `Basic base64(user:pass)`.
        if let Some(sp) = trimmed.iter().position(|&b| b == b' ') {
            let scheme = trimmed[..sp].to_ascii_lowercase();
            let rest = trimmed[sp..].trim_ascii();
            let offset = t.start + (rest.as_ptr() as usize - v.as_ptr() as usize);
            let same = t.cdata || !data[t.start..t.end].contains(&b'&');
            if scheme == b"basic" {
                let decoded = basic_auth(rest)?;
                let (_, pass) = user_pass(&decoded)?;
                let mut f = Field::plain(t.start, t.end, FieldKind::Password, Confidence::High);
                if same {
                    f.start = offset;
                    f.end = offset + rest.len();
                }
                f.value = Some(pass.to_vec());
                f.encoding = Some("base64");
                return Some(f);
            }
            if matches!(&scheme[..], b"bearer" | b"token") && same {
                return Some(Field::plain(
                    offset,
                    offset + rest.len(),
                    kind,
                    Confidence::High,
                ));
            }
        }
    }
    Some(field(data, t.start, t.end, v, kind, Confidence::High))
}

/// A Maven-encrypted value: `{…}` without whitespace inside (Maven 3 base64, Maven 4
/// `{[name=master,version=4.0]…}`), possibly with a comment around it (`Oleg reset this
/// password on 2009-03-11 {COQLCE6DU6GtcS5P=}`); `\{` is a literal brace.
fn encrypted(v: &[u8]) -> bool {
    let mut i = 0;
    while let Some(open) = v[i..].iter().position(|&b| b == b'{').map(|j| i + j) {
        let escaped = open > 0 && v[open - 1] == b'\\';
        if let Some(close) = v[open..].iter().position(|&b| b == b'}').map(|j| open + j) {
            let inner = &v[open + 1..close];
            if !escaped && !inner.is_empty() && !inner.iter().any(u8::is_ascii_whitespace) {
                return true;
            }
        }
        i = open + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &[u8]) -> Vec<(String, Option<String>, Option<String>)> {
        let mut out = Vec::new();
        if MavenSettings.applies(path, data) {
            MavenSettings.extract(path, data, &mut out);
        }
        assert!(out
            .iter()
            .all(|f| f.confidence == Confidence::High && f.min_len == 1));
        out.iter()
            .map(|f| {
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

    #[test]
    fn servers_proxies_and_headers() {
        let d = br#"<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <servers>
    <server><id>acme-releases</id><username>deployer</username><password>Charlie1987</password></server> <!-- leakhound:allow -->
    <server>
      <id>deploy-ssh</id>
      <privateKey>${user.home}/.ssh/id_rsa</privateKey>
      <passphrase>Wel&lt;come@2023</passphrase>
    </server>
    <server>
      <id>gitlab</id>
      <configuration><httpHeaders><property><name>Private-Token</name><value>glpat-fakefakefake</value></property>
      <property><name>Authorization</name><value>Bearer tok-123</value></property>
      <property><name>X-Other</name><value>not-a-secret</value></property></httpHeaders></configuration>
    </server>
  </servers>
  <proxies>
    <proxy>
      <id>corp</id><active>true</active>
      <username>jdoe</username><password>Spring2022$</password> <!-- leakhound:allow -->
      <host>proxy.acme.test</host><port>3128</port>
    </proxy>
  </proxies>
</settings>"#;
        let s = |a: &str, v: Option<&str>, h: Option<&str>| {
            (a.to_string(), v.map(String::from), h.map(String::from))
        };
        assert_eq!(
            run("home/.m2/settings.xml", d),
            vec![
                s("Charlie1987", None, None),
                s("Wel&lt;come@2023", Some("Wel<come@2023"), None),
                s("glpat-fakefakefake", None, None),
                s("tok-123", None, None),
                s("Spring2022$", None, Some("proxy.acme.test")),
            ]
        );
    }

    #[test]
    fn encrypted_references_and_comments_yield_nothing() {
        let d = br#"<settings><servers>
    <server><id>a</id><password>${env.MAVEN_PASSWORD}</password></server>
    <server><id>b</id><password>{COQLCE6DU6GtcS5P=}</password></server>
    <server><id>c</id><password></password></server>
    <!-- leakhound:allow
    <server><id>old</id><username>x</username><password>Hunter2Hunter2</password></server>
    -->
</servers></settings>"#;
        assert!(run("ci/settings.xml", d).is_empty());
        let commented = b"<settings><servers><server><password>Oleg reset this password {COQLCE6DU6GtcS5P=} ok</password></server><server><password>{[name=master,version=4.0]vvq66pZ7rkvzSPSt==}</password></server></servers></settings>";
        assert!(run("settings.xml", commented).is_empty());
        let literal = b"<settings><servers><server><password>p\\{ss} w</password></server></servers></settings>";
        assert_eq!(run("settings.xml", literal).len(), 1);
        assert!(!MavenSettings.applies("app/settings.xml", b"<configuration/>"));
        assert!(MavenSettings.applies(".m2/settings.xml", b""));
        let basic = b"<settings><servers><server><configuration><httpHeaders><property><name>Authorization</name><value>Basic Y2k6U3VuZmxvd2VyIzc=</value></property></httpHeaders></configuration></server></servers></settings>";
        let f = run("settings.xml", basic);
        assert_eq!(f[0].0, "Y2k6U3VuZmxvd2VyIzc=");
        assert_eq!(f[0].1.as_deref(), Some("Sunflower#7"));
        let _ = run("settings.xml", b"<settings><servers><server><password>p");
    }
}
