//! wpa_supplicant configuration (`wpa_supplicant.conf`): Wi-Fi passphrases and EAP
//! passwords in `network={ … }` blocks (SPEC §48).
//!
//! Secrets in a block: `psk="passphrase"` or `psk=<64 hex>` (the derived key, as good as the
//! passphrase for that SSID), `password` (EAP; also `hash:<NtPasswordHash>`),
//! `sae_password`, `wep_key0..3`, `private_key_passwd`, `private_key2_passwd`. The block's
//! `ssid` is the identity (as the field's host: a default passphrase on a named network is
//! an exposure, reported low by the gate).
//!
//! The one comment reported: `wpa_passphrase` prints the plaintext as `#psk="…"` next to the
//! derived key; inside a block that line is a field. Other commented lines are skipped.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{file_name, has_dir, string, subject};
use super::text;
use crate::rules::Confidence;

pub struct WpaSupplicant;

const SECRET_KEYS: &[&[u8]] = &[
    b"psk",
    b"password",
    b"sae_password",
    b"wep_key0",
    b"wep_key1",
    b"wep_key2",
    b"wep_key3",
    b"private_key_passwd",
    b"private_key2_passwd",
];

impl Extractor for WpaSupplicant {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let n = file_name(subject(path));
        n == "wpa_supplicant.conf"
            || (n.starts_with("wpa_supplicant-") && n.ends_with(".conf"))
            || (n.ends_with(".conf") && has_dir(path, "wpa_supplicant"))
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut in_block = false;
        let mut pending: Vec<Field> = Vec::new();
        let mut ssid: Option<String> = None;
        for (ls, line) in text::lines(data) {
            let le = ls + line.len();
            let (ts, te) = text::trim(data, ls, le);
            let t = &data[ts..te];
            if !in_block {
                if t.starts_with(b"network") && t.ends_with(b"{") && !t.starts_with(b"#") {
                    in_block = true;
                    ssid = None;
                }
                continue;
            }
            if t.starts_with(b"}") {
                for mut f in pending.drain(..) {
                    f.host = ssid.clone();
                    out.push(f);
                }
                in_block = false;
                continue;
            }
            let (ks, commented_psk) = if t.starts_with(b"#psk=") {
                (ts + 1, true)
            } else if t.starts_with(b"#") {
                continue;
            } else {
                (ts, false)
            };
            let Some(eq) = memchr::memchr(b'=', &data[ks..te]).map(|i| ks + i) else {
                continue;
            };
            let key = data[ks..eq].trim_ascii();
            let (vs, ve, quote) = text::unquote(data, eq + 1, te);
            if key == b"ssid" {
                ssid = Some(string(data, (vs, ve)));
                continue;
            }
            if !SECRET_KEYS.contains(&key) || vs >= ve {
                continue;
            }
            // A bare psk is the 64-hex derived key; anything else bare is not one.
            if key == b"psk" && quote.is_none() {
                let v = &data[vs..ve];
                if commented_psk || v.len() != 64 || !v.iter().all(u8::is_ascii_hexdigit) {
                    continue;
                }
            }
            let kind = if key == b"psk" && quote.is_none() {
                FieldKind::Key
            } else {
                FieldKind::Password
            };
            pending.push(Field::plain(vs, ve, kind, Confidence::High));
        }
        // An unterminated block at the end of the file.
        for mut f in pending.drain(..) {
            f.host = ssid.clone();
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::structure::testing::{self, s};

    fn found(data: &[u8]) -> Vec<(String, FieldKind, Option<String>)> {
        testing::found_plain(&WpaSupplicant, "wpa_supplicant.conf", data)
    }

    #[test]
    fn applies_to_names() {
        for p in [
            "wpa_supplicant.conf",
            "boot/wpa_supplicant.conf",
            "etc/wpa_supplicant/wpa_supplicant-wlan0.conf",
            "etc/wpa_supplicant/home.conf",
            "wpa_supplicant.conf.example",
        ] {
            assert!(WpaSupplicant.applies(p, b""), "{p}");
        }
        for p in ["wpa_supplicant.md", "etc/hostapd.conf"] {
            assert!(!WpaSupplicant.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn network_blocks() {
        let d = b"ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev\nupdate_config=1\n\n\
network={\n\tssid=\"AcmeOffice\"\n\tpsk=\"Sunflower#7\"\n\tkey_mgmt=WPA-PSK\n}\n\n\
network={\n\tssid=\"AcmeGuest\"\n\t#psk=\"Summer2019!\"\n\
\tpsk=8b2a1fb0637a8f574a7f6eb6298ffe59d542274461361c0d3e03f80037d4d565\n}\n\
network={\r\n\tssid=\"Corp\"\r\n\tkey_mgmt=WPA-EAP\r\n\tidentity=\"jdoe\"\r\n\tpassword=\"Winter2021#\"\r\n\
\tprivate_key_passwd=\"Pk!pass1\"\r\n\twep_key0=\"w3pk3y\"\r\n}\r\n";
        use FieldKind::*;
        assert_eq!(
            found(d),
            vec![
                (s("Sunflower#7"), Password, Some(s("AcmeOffice"))),
                (s("Summer2019!"), Password, Some(s("AcmeGuest"))),
                (
                    s("8b2a1fb0637a8f574a7f6eb6298ffe59d542274461361c0d3e03f80037d4d565"),
                    Key,
                    Some(s("AcmeGuest"))
                ),
                (s("Winter2021#"), Password, Some(s("Corp"))),
                (s("Pk!pass1"), Password, Some(s("Corp"))),
                (s("w3pk3y"), Password, Some(s("Corp"))),
            ]
        );
    }

    #[test]
    fn nothing_outside_blocks_or_commented() {
        let d = b"psk=\"Outside1!\"\n#network={\n#\tpsk=\"Commented1\"\n#}\n\
network={\n\tssid=\"OpenCafe\"\n\tkey_mgmt=NONE\n\t# password=\"Hunter2Hunter2\"\n\tpsk=notHexNotQuoted\n\
\t#psk=8b2a1fb0637a8f574a7f6eb6298ffe59d542274461361c0d3e03f80037d4d565\n\tpsk=\"\"\n}\n";
        assert!(found(d).is_empty());
        // Common placeholders are the gate's.
        assert_eq!(
            found(b"network={\n ssid=\"YOUR_SSID\"\n psk=\"YOUR_PASSWORD\"\n}\n")[0].0,
            "YOUR_PASSWORD"
        );
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"network={",
            b"network={\npsk=",
            b"network={\npsk=\"",
            b"}",
            b"network={\n#psk=\n}",
            b"\xff{\n=\xfe",
        ] {
            found(d);
        }
        // An unterminated quote is neither a passphrase nor a derived key.
        assert!(found(b"network={\npsk=\"Trunc8ed").is_empty());
    }
}
