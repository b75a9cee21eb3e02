//! Password hash files: Apache `.htpasswd`/`.htdigest` (SPEC §12) and `/etc/shadow`,
//! `gshadow`, `passwd` with inline hashes (SPEC §52).
//!
//! In an htpasswd file each line is `user:hash`, the hash being everything after the first `:`. bcrypt
//! (`$2y$`…), `$apr1$`, `$1$`/`$5$`/`$6$`, `{SHA}` are hashes (high); a 13-character DES
//! `crypt()` value is one too, but its shape is ambiguous (medium); anything else is a
//! plain-text password (`htpasswd -p`, honoured on Windows/NetWare/TPF only: medium).
//! `.htdigest`: `user:realm:md5hex`. nginx's `*.passwd` files count when every line is
//! `user:<hash>`. Elided hashes (`$2y$10$...`) are placeholders.
//!
//! `shadow`: field 2 of `name:hash:lastchg:…`, when it is a crypt hash (`$1$`, `$2?$`,
//! `$5$`, `$6$`, `$y$`, `$gy$`, `$7$`, `$sha1$`, 13-character DES). Locked (`!…`, `*…`),
//! disabled (`x`, `*`) and empty fields are not reported — an empty field means a login
//! without password, which has no value to report (the gate drops empty values).

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{field, file_name, has_dir, name};
use super::text;
use crate::rules::Confidence;

/// Apache `htpasswd`/`htdigest` files.
pub struct Htpasswd;

/// `/etc/shadow`, `gshadow`, and `passwd` with hashes in field 2.
pub struct Shadow;

impl Extractor for Htpasswd {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let n = file_name(path);
        n.starts_with(".htpasswd")
            || n.starts_with(".htdigest")
            || n == "htpasswd"
            || n.ends_with(".htpasswd")
            || n.ends_with(".htdigest")
            || (n.ends_with(".passwd") && n != ".passwd" && all_hash_lines(data))
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        let digest = name(path).contains("htdigest");
        for (ls, line) in text::lines(data) {
            if text::is_comment(line, &[b"#"]) || line.trim_ascii().is_empty() {
                continue;
            }
            let Some(c) = memchr::memchr(b':', line) else {
                continue;
            };
            let (mut s, e) = (c + 1, line.len());
            if digest {
                // user:realm:md5hex
                let Some(c2) = memchr::memchr(b':', &line[s..]) else {
                    continue;
                };
                s += c2 + 1;
            }
            let (s, e) = text::trim(line, s, e);
            let v = &line[s..e];
            if v.is_empty() || is_elided(v) {
                continue;
            }
            let (kind, confidence) = if digest {
                if v.len() != 32 || !v.iter().all(u8::is_ascii_hexdigit) {
                    continue;
                }
                (FieldKind::Hash, Confidence::High)
            } else {
                match classify(v) {
                    Shape::Crypt | Shape::Sha => (FieldKind::Hash, Confidence::High),
                    Shape::Des => (FieldKind::Hash, Confidence::Medium),
                    Shape::Malformed => continue,
                    Shape::Other => (FieldKind::Password, Confidence::Medium),
                }
            };
            out.push(field(ls + s, ls + e, None, None, kind, confidence, None));
        }
    }
}

impl Extractor for Shadow {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let n = file_name(path);
        matches!(n, "shadow" | "shadow-" | "gshadow" | "gshadow-")
            || (matches!(n, "passwd" | "passwd-") && has_dir(path, "etc"))
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        for (ls, line) in text::lines(data) {
            if text::is_comment(line, &[b"#"]) {
                continue;
            }
            let Some(c) = memchr::memchr(b':', line) else {
                continue;
            };
            let s = c + 1;
            let e = memchr::memchr(b':', &line[s..]).map_or(line.len(), |i| s + i);
            let v = &line[s..e];
            if v.is_empty() || v[0] == b'!' || v[0] == b'*' || is_elided(v) {
                continue;
            }
            if matches!(classify(v), Shape::Crypt | Shape::Des) {
                out.push(field(
                    ls + s,
                    ls + e,
                    None,
                    None,
                    FieldKind::Hash,
                    Confidence::High,
                    None,
                ));
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Shape {
    /// `$id$[params$]salt$hash` with a hash part of the crypt alphabet.
    Crypt,
    /// `{SHA}` + base64 of SHA-1.
    Sha,
    /// 13 characters of the crypt alphabet: traditional DES `crypt()`.
    Des,
    /// Starts like a hash (`$`, `{SHA}`) but is not one: truncated or elided.
    Malformed,
    Other,
}

/// Is `text` a list of `user:hash` lines (an htpasswd file's content, as a Kubernetes
/// Secret stores it for basic auth), every hash a crypt or `{SHA}` hash?
pub(super) fn is_hash_list(text: &[u8]) -> bool {
    let mut any = false;
    for line in text.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        let Some(c) = memchr::memchr(b':', line) else {
            return false;
        };
        if !matches!(classify(&line[c + 1..]), Shape::Crypt | Shape::Sha) {
            return false;
        }
        any = true;
    }
    any
}

/// A crypt(3) hash (`$6$salt$...`, `$2y$10$...`, `$apr1$...`) or `{SHA}` base64.
pub fn is_crypt_hash(v: &[u8]) -> bool {
    matches!(classify(v), Shape::Crypt | Shape::Sha)
}

fn is_crypt_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'/'
}

fn classify(v: &[u8]) -> Shape {
    if let Some(b64) = v.strip_prefix(b"{SHA}") {
        return match text::base64(b64) {
            Some(d) if d.len() == 20 => Shape::Sha,
            _ => Shape::Malformed,
        };
    }
    if v.first() == Some(&b'$') {
        let parts: Vec<&[u8]> = v[1..].split(|&b| b == b'$').collect();
        let id = parts.first().copied().unwrap_or_default();
        let known = matches!(
            id,
            b"1" | b"2"
                | b"2a"
                | b"2b"
                | b"2x"
                | b"2y"
                | b"5"
                | b"6"
                | b"y"
                | b"gy"
                | b"7"
                | b"sha1"
                | b"apr1"
                | b"md5"
        );
        let hash = parts.last().copied().unwrap_or_default();
        let ok =
            known && parts.len() >= 3 && hash.len() >= 16 && hash.iter().all(|&b| is_crypt_char(b));
        return if ok { Shape::Crypt } else { Shape::Malformed };
    }
    if v.len() == 13 && v.iter().all(|&b| is_crypt_char(b)) {
        return Shape::Des;
    }
    Shape::Other
}

/// `$2y$10$...`, `$apr1$…`: a hash elided in documentation.
fn is_elided(v: &[u8]) -> bool {
    memchr::memmem::find(v, b"...").is_some() || memchr::memmem::find(v, "…".as_bytes()).is_some()
}

/// Every non-comment line is `user:<hash>` (and there is one): an nginx password file.
fn all_hash_lines(data: &[u8]) -> bool {
    let mut any = false;
    for (_, line) in text::lines(&data[..data.len().min(1 << 16)]) {
        if text::is_comment(line, &[b"#"]) || line.trim_ascii().is_empty() {
            continue;
        }
        let ok = memchr::memchr(b':', line).is_some_and(|c| {
            c > 0
                && matches!(
                    classify(line[c + 1..].trim_ascii()),
                    Shape::Crypt | Shape::Sha
                )
        });
        if !ok {
            return false;
        }
        any = true;
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(x: &dyn Extractor, path: &str, data: &[u8]) -> Vec<(String, FieldKind, Confidence)> {
        let mut out = Vec::new();
        x.extract(path, data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.min_len, &f.value, f.encoding, &f.host),
                    (1, &None, None, &None)
                );
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.kind,
                    f.confidence,
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
            ".htpasswd",
            "www/.htpasswd",
            ".htpasswd.dist",
            ".htpasswd-admin",
            "conf/htpasswd",
            "site.htpasswd",
            ".htdigest",
        ] {
            assert!(Htpasswd.applies(p, b""), "{p}");
        }
        assert!(Htpasswd.applies(
            "nginx/admin.passwd",
            b"# x\nadmin:$apr1$4XC.NHjo$GKMbAgR2htAFYy3wjHlWk.\n" // leakhound:allow (test data)
        ));
        assert!(!Htpasswd.applies("nginx/admin.passwd", b"admin:plain\n"));
        assert!(!Htpasswd.applies("nginx/admin.passwd", b""));
        assert!(!Htpasswd.applies("htpasswd.md", b""));
        for p in [
            "etc/shadow",
            "shadow",
            "backup/etc/shadow-",
            "etc/gshadow",
            "etc/passwd",
        ] {
            assert!(Shadow.applies(p, b""), "{p}");
        }
        for p in ["passwd", "src/shadow.rs", "shadow.css"] {
            assert!(!Shadow.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn htpasswd_lines() {
        let d = concat!(
            "admin:$2y$10$tNaRwir0XnXT/H.5xpytpUTYNdvSmRsDC80pFXfyKWD2gd87UXllz\n", // leakhound:allow (test data)
            "editor:$apr1$4XC.NHjo$GKMbAgR2htAFYy3wjHlWk.\r\n", // leakhound:allow (test data)
            "ops:$6$zWT9aJN0dP6wLrDV$r2fUWWNq8Qw0Jd.3wV1pRrv.FEHBT4ghG8fcd/3.5SPE.Yb9fGic7XVYAhK5mwUPDQto29BM5BrN71XH9sAWm/\n", // leakhound:allow (test data)
            "legacy:{SHA}c8P53iHndHAc50I72bw0OcKMDho=\ndes:rq5Zr0bhrTc7E\nintranet:Tigger2018\nodd:pa:ss\n",
        )
        .as_bytes();
        use Confidence::*;
        use FieldKind::*;
        assert_eq!(
            found(&Htpasswd, ".htpasswd", d),
            vec![
                (s("$2y$10$tNaRwir0XnXT/H.5xpytpUTYNdvSmRsDC80pFXfyKWD2gd87UXllz"), Hash, High), // leakhound:allow (test data)
                (s("$apr1$4XC.NHjo$GKMbAgR2htAFYy3wjHlWk."), Hash, High), // leakhound:allow (test data)
                (s("$6$zWT9aJN0dP6wLrDV$r2fUWWNq8Qw0Jd.3wV1pRrv.FEHBT4ghG8fcd/3.5SPE.Yb9fGic7XVYAhK5mwUPDQto29BM5BrN71XH9sAWm/"), Hash, High), // leakhound:allow (test data)
                (s("{SHA}c8P53iHndHAc50I72bw0OcKMDho="), Hash, High),
                (s("rq5Zr0bhrTc7E"), Hash, Medium),
                (s("Tigger2018"), Password, Medium),
                (s("pa:ss"), Password, Medium),
            ]
        );
    }

    #[test]
    fn htpasswd_placeholders() {
        let d = "# user:password-hash  (generate with: htpasswd -B .htpasswd <user>)\n# admin:$2y$10$...\n\
admin:$2y$10$...\nx:$apr1$\u{2026}\ny:$2y$10$short\nz:{SHA}notbase64!\nnocolon\nempty:\n";
        assert!(found(&Htpasswd, ".htpasswd", d.as_bytes()).is_empty());
    }

    #[test]
    fn htdigest_lines() {
        let d = b"jdoe:Private:5a3f1e0c9b8d7a6f5e4d3c2b1a0f9e8d\nbad:Private:nothex\nshort:realm\n";
        assert_eq!(
            found(&Htpasswd, ".htdigest", d),
            vec![(
                s("5a3f1e0c9b8d7a6f5e4d3c2b1a0f9e8d"),
                FieldKind::Hash,
                Confidence::High
            )]
        );
    }

    #[test]
    fn shadow_lines() {
        let d = concat!(
            "root:$6$5nVOkOQew41N/v5c$nl99aZ0XYpKSoc9ytXRmEla7TBubPse8SwCegiXBAyTJoCieNtu9tbbJpvdEGxtplBo6Knz9LO33HzoVMfi4a0:19700:0:99999:7:::\n", // leakhound:allow (test data)
            "daemon:*:19700:0:99999:7:::\nbin:!:19700::::::\nsshd:!*:19700::::::\n",
            "jdoe:$5$Iqu77yiGn.3OYyvZ$57sun/ePK4aJq6LdjwJkGDvkTrPzjvx3nQZoazmcli4:19700:0:99999:7:::\n", // leakhound:allow (test data)
            "locked:!$6$abcdefgh$lockedlockedlockedlockedlocked:19700:0:99999:7:::\n",
            "svc:$1$1S6bWDgo$SLNxJy6A.zGOFchMnQQsz0:19000:0:99999:7:::\n", // leakhound:allow (test data)
            "yes:$y$j9T$jO0hiTVZmfERvEZMPSg8io$wREaaEubC68gRci5Erkw7ql/SF5MJOMaXhBw16QmOsc:19700:0:99999:7:::\n", // leakhound:allow (test data)
            "guest::19700:0:99999:7:::\nubuntu:!!:19700:0:99999:7:::\nold:rq5Zr0bhrTc7E:1::::::\n",
            "u:x:1000:1000::/home/u:/bin/sh\n",
        )
        .as_bytes();
        let f: Vec<String> = found(&Shadow, "etc/shadow", d)
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(
            f,
            vec![
                s("$6$5nVOkOQew41N/v5c$nl99aZ0XYpKSoc9ytXRmEla7TBubPse8SwCegiXBAyTJoCieNtu9tbbJpvdEGxtplBo6Knz9LO33HzoVMfi4a0"), // leakhound:allow (test data)
                s("$5$Iqu77yiGn.3OYyvZ$57sun/ePK4aJq6LdjwJkGDvkTrPzjvx3nQZoazmcli4"), // leakhound:allow (test data)
                s("$1$1S6bWDgo$SLNxJy6A.zGOFchMnQQsz0"), // leakhound:allow (test data)
                s("$y$j9T$jO0hiTVZmfERvEZMPSg8io$wREaaEubC68gRci5Erkw7ql/SF5MJOMaXhBw16QmOsc"), // leakhound:allow (test data)
                s("rq5Zr0bhrTc7E"),
            ]
        );
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b":",
            b"::",
            b"a:$",
            b"a:$$$",
            b"a:{SHA}",
            b"\xff:\xfe\x00",
            b"a:$1$:",
        ] {
            found(&Htpasswd, ".htpasswd", d);
            found(&Htpasswd, ".htdigest", d);
            found(&Shadow, "etc/shadow", d);
            all_hash_lines(d);
        }
    }
}
