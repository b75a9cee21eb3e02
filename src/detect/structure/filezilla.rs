//! FileZilla site manager and recent servers (SPEC §31): `sitemanager.xml`,
//! `recentservers.xml`, and exports (any `*.xml` whose root is `<FileZilla3>`).
//!
//! Each `<Server>` (at any depth of `<Folder>`s) may hold `<Pass encoding="base64">` (3.26+
//! without a master password: the field's value is the decoded password), a plain `<Pass>`
//! (older versions) and `<Account>` (FTP `ACCT`). `<Pass encoding="crypt">` is protected by
//! a master password and not decodable: not reported; neither are anonymous logons
//! (`<Logontype>0`). The host is `<Host>`.

use super::common::{field, file_name};
use super::field::{Extractor, Field, FieldKind};
use super::lines_common::ends_with_ic;
use super::xml::{self, Text};
use crate::rules::Confidence;

pub struct FileZilla;

impl Extractor for FileZilla {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let name = file_name(path);
        name.eq_ignore_ascii_case("sitemanager.xml")
            || name.eq_ignore_ascii_case("recentservers.xml")
            || (ends_with_ic(name, ".xml")
                && memchr::memmem::find(&data[..data.len().min(512)], b"<FileZilla3").is_some())
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        #[derive(Default)]
        struct Server {
            host: Option<String>,
            logontype: Option<Vec<u8>>,
            pass: Option<(Text, Option<Vec<u8>>)>,
            account: Option<Text>,
        }
        let mut cur = Server::default();
        xml::scan(data, &mut |e| {
            let in_server = e.path.len() >= 2 && xml::local(e.path[e.path.len() - 2]) == b"Server";
            match e.name() {
                b"Host" if in_server => {
                    cur.host = e
                        .text_value(data)
                        .map(|h| String::from_utf8_lossy(h.trim_ascii()).into_owned());
                }
                b"Logontype" if in_server => {
                    cur.logontype = e.text_value(data).map(|v| v.trim_ascii().to_vec());
                }
                b"Pass" if in_server => {
                    if let Some(t) = e.text {
                        let enc = e.attr_value(data, "encoding").map(|v| v.into_owned());
                        cur.pass = Some((t, enc));
                    }
                }
                b"Account" if in_server => cur.account = e.text,
                b"Server" => {
                    let s = std::mem::take(&mut cur);
                    if s.logontype.as_deref() == Some(b"0") {
                        return;
                    }
                    let mut found = Vec::new();
                    if let Some((t, enc)) = &s.pass {
                        match enc.as_deref() {
                            None | Some(b"plain") => found.push(field(
                                data,
                                t.start,
                                t.end,
                                t.value(data),
                                FieldKind::Password,
                                Confidence::High,
                            )),
                            Some(b"base64") => {
                                let decoded = super::text::base64(&t.value(data));
                                if let Some(p) = decoded.filter(|p| !p.is_empty()) {
                                    let mut f = Field::plain(
                                        t.start,
                                        t.end,
                                        FieldKind::Password,
                                        Confidence::High,
                                    );
                                    f.value = Some(p);
                                    f.encoding = Some("base64");
                                    found.push(f);
                                }
                            }
                            // `crypt`: master-password protected; unknown: not ours to guess.
                            _ => {}
                        }
                    }
                    if let Some(t) = s.account {
                        found.push(field(
                            data,
                            t.start,
                            t.end,
                            t.value(data),
                            FieldKind::Password,
                            Confidence::High,
                        ));
                    }
                    for mut f in found {
                        f.host = s.host.clone();
                        out.push(f);
                    }
                }
                _ => {}
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &[u8]) -> Vec<Field> {
        let mut out = Vec::new();
        if FileZilla.applies(path, data) {
            FileZilla.extract(path, data, &mut out);
        }
        out
    }

    #[test]
    fn base64_plain_and_folders() {
        let d = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<FileZilla3 version="3.66.4" platform="windows">
    <Servers>
        <Server>
            <Host>ftp.acme.test</Host>
            <User>webmaster</User>
            <Pass encoding="base64">V2ludGVyMjAyMSM=</Pass> <!-- leakhound:allow -->
            <Logontype>1</Logontype>
            <Name>Shop FTP</Name>
        </Server>
        <Folder expanded="1">Customers
            <Server>
                <Host>sftp.customer.test</Host>
                <User>acme</User>
                <Pass>Liver&amp;pool08!</Pass>
                <Account>acct1</Account>
            </Server>
        </Folder>
    </Servers>
</FileZilla3>"#;
        let f = run("AppData/Roaming/FileZilla/sitemanager.xml", d);
        assert_eq!(f.len(), 3);
        assert_eq!(&d[f[0].start..f[0].end], b"V2ludGVyMjAyMSM=");
        assert_eq!(f[0].value.as_deref(), Some(&b"Winter2021#"[..]));
        assert_eq!(f[0].encoding, Some("base64"));
        assert_eq!(f[0].host.as_deref(), Some("ftp.acme.test"));
        assert_eq!(&d[f[1].start..f[1].end], b"Liver&amp;pool08!");
        assert_eq!(f[1].value.as_deref(), Some(&b"Liver&pool08!"[..]));
        assert_eq!(f[1].encoding, None);
        assert_eq!(f[1].host.as_deref(), Some("sftp.customer.test"));
        assert_eq!(&d[f[2].start..f[2].end], b"acct1");
        assert!(f
            .iter()
            .all(|f| f.confidence == Confidence::High && f.min_len == 1));
    }

    #[test]
    fn crypt_anonymous_empty_and_comments_yield_nothing() {
        let d = br#"<FileZilla3><Servers>
<Server><Host>a.test</Host><Pass encoding="crypt" pubkey="MzAy">Zm9vYmFy</Pass><Logontype>1</Logontype></Server>
<Server><Host>b.test</Host><User>anonymous</User><Pass encoding="base64">YW5vbg==</Pass><Logontype>0</Logontype></Server> <!-- leakhound:allow -->
<Server><Host>c.test</Host><Pass encoding="base64"></Pass></Server>
<!-- <Server><Host>d.test</Host><Pass>old-pass</Pass></Server> -->
</Servers></FileZilla3>"#;
        assert!(run("sitemanager.xml", d).is_empty());
        assert!(FileZilla.applies(
            "backup/export.xml",
            b"<?xml version=\"1.0\"?>\n<FileZilla3>"
        ));
        assert!(!FileZilla.applies("pom.xml", b"<project>"));
        assert!(run("recentservers.xml", b"<Server><Pass>p").len() == 1);
    }
}
