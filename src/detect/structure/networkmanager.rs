//! NetworkManager keyfiles (`*.nmconnection`, files in `system-connections/`): saved
//! Wi-Fi, 802.1X, VPN, WireGuard and mobile secrets (SPEC §49).
//!
//! GKeyFile INI (`#` comment lines, `\s \n \t \r \\` escapes undone). Secrets:
//! `[wifi-security] psk, wep-key0..3, leap-password`; `[802-1x] password,
//! private-key-password, phase2-private-key-password, pin`; every key of `[vpn-secrets]`;
//! `[wireguard] private-key`, `[wireguard-peer.*] preshared-key` (base64 of 32 bytes, else
//! not a key); `password` in `[gsm]`, `[cdma]`, `[pppoe]`, `[adsl]`. A secret whose
//! `<key>-flags` (in its section; for VPN secrets in `[vpn]`) has bit 1 or 2 set (agent-owned,
//! not saved) is not in the file's keeping and is not reported. Identity: the SSID, the VPN
//! `gateway`/`remote`, the WireGuard peer's endpoint.

use std::collections::HashSet;

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{
    c_escape, differs, eq_ic, field, first_in_sections, has_dir, ini, name, string, unescape,
};
use super::text;
use crate::rules::Confidence;

pub struct NetworkManager;

impl Extractor for NetworkManager {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        name(path).ends_with(".nmconnection") || has_dir(path, "system-connections")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let entries = ini(data, b"=", &[b"#"]);
        let find = |section: &[u8], key: &str| {
            entries
                .iter()
                .find(|e| eq_ic(e.section_name(data), section) && e.key_is(data, key))
        };
        let ssid = find(b"wifi", "ssid")
            .or_else(|| find(b"802-11-wireless", "ssid"))
            .map(|e| string(data, e.value));
        let gateway = find(b"vpn", "data").and_then(|e| vpn_gateway(e.value(data)));
        let endpoints = first_in_sections(data, &entries, "endpoint");
        // `(section, key)` of the secrets a `<key>-flags` says the file does not keep.
        let not_kept: HashSet<(Vec<u8>, Vec<u8>)> = entries
            .iter()
            .filter_map(|e| {
                let key = e.key(data).to_ascii_lowercase();
                let secret = key.strip_suffix(b"-flags")?;
                let flags: u32 = std::str::from_utf8(e.value(data))
                    .ok()?
                    .trim()
                    .parse()
                    .ok()?;
                // 1: agent-owned, 2: not saved.
                (flags & 3 != 0)
                    .then(|| (e.section_name(data).to_ascii_lowercase(), secret.to_vec()))
            })
            .collect();
        for e in &entries {
            let section = e.section_name(data).to_ascii_lowercase();
            let key = e.key(data).to_ascii_lowercase();
            let (kind, host, flags_section): (FieldKind, Option<String>, &[u8]) =
                match (&section[..], &key[..]) {
                    (b"wifi-security" | b"802-11-wireless-security", k)
                        if k == b"psk"
                            || k == b"leap-password"
                            || (k.starts_with(b"wep-key") && k.len() == 8) =>
                    {
                        (FieldKind::Password, ssid.clone(), &section)
                    }
                    (
                        b"802-1x",
                        b"password"
                        | b"private-key-password"
                        | b"phase2-private-key-password"
                        | b"pin",
                    ) => (FieldKind::Password, ssid.clone(), &section),
                    (b"vpn-secrets", _) => (FieldKind::Password, gateway.clone(), b"vpn"),
                    (b"wireguard", b"private-key") => (FieldKind::PrivateKey, None, &section),
                    (s, b"preshared-key") if s.starts_with(b"wireguard-peer") => {
                        let endpoint =
                            endpoints[e.section_no].map(|x| string(data, entries[x].value));
                        (FieldKind::Key, endpoint, &section)
                    }
                    (b"gsm" | b"cdma" | b"pppoe" | b"adsl", b"password") => {
                        (FieldKind::Password, None, &section)
                    }
                    _ => continue,
                };
            if not_kept.contains(&(flags_section.to_vec(), key.clone())) {
                continue;
            }
            let (s, en) = e.value;
            let w = &data[s..en];
            if s >= en {
                continue;
            }
            let v = if w.contains(&b'\\') {
                unescape(w, c_escape)
            } else {
                w.to_vec()
            };
            if matches!(kind, FieldKind::PrivateKey | FieldKind::Key)
                && text::base64(&v).is_none_or(|k| k.len() != 32)
            {
                continue;
            }
            out.push(field(
                s,
                en,
                differs(w, v),
                None,
                kind,
                Confidence::High,
                host,
            ));
        }
    }
}

/// The `gateway` (or `remote`) item of a `[vpn] data=` list (`k = v, k = v`).
fn vpn_gateway(data: &[u8]) -> Option<String> {
    data.split(|&b| b == b',').find_map(|item| {
        let (k, v) = item.split_at(memchr::memchr(b'=', item)?);
        let k = k.trim_ascii();
        (k == b"gateway" || k == b"remote")
            .then(|| String::from_utf8_lossy(v[1..].trim_ascii()).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(data: &[u8]) -> Vec<(String, Option<String>, FieldKind, Option<String>)> {
        let mut out = Vec::new();
        NetworkManager.extract("system-connections/x.nmconnection", data, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(
                    (f.min_len, f.encoding, f.confidence),
                    (1, None, Confidence::High)
                );
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.value
                        .as_ref()
                        .map(|v| String::from_utf8_lossy(v).into_owned()),
                    f.kind,
                    f.host.clone(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn applies_to_keyfiles() {
        for p in [
            "etc/NetworkManager/system-connections/Home.nmconnection",
            "x.nmconnection",
            "system-connections/Old Wifi",
        ] {
            assert!(NetworkManager.applies(p, b""), "{p}");
        }
        for p in ["nmconnection.md", "etc/NetworkManager/NetworkManager.conf"] {
            assert!(!NetworkManager.applies(p, b""), "{p}");
        }
    }

    #[test]
    fn wifi_and_vpn_secrets() {
        let d = b"[connection]\nid=AcmeOffice\ntype=wifi\n\n[wifi]\nmode=infrastructure\nssid=AcmeOffice\n\n\
[wifi-security]\nkey-mgmt=wpa-psk\npsk=Liverpool08!\nwep-key0=\\sw3p\n\n\
[802-1x]\nidentity=jdoe\npassword=Eap!Pass9\n\
[vpn]\ndata=gateway=vpn.acme.test, username=jdoe\nservice-type=org.freedesktop.NetworkManager.openvpn\n\
[vpn-secrets]\npassword=Bella2015!\ncert-pass=C3rtP4ss\n[gsm]\npassword=gsmPw1\n";
        use FieldKind::*;
        assert_eq!(
            found(d),
            vec![
                (s("Liverpool08!"), None, Password, Some(s("AcmeOffice"))),
                (
                    s("\\sw3p"),
                    Some(s(" w3p")),
                    Password,
                    Some(s("AcmeOffice"))
                ),
                (s("Eap!Pass9"), None, Password, Some(s("AcmeOffice"))),
                (s("Bella2015!"), None, Password, Some(s("vpn.acme.test"))),
                (s("C3rtP4ss"), None, Password, Some(s("vpn.acme.test"))),
                (s("gsmPw1"), None, Password, None),
            ]
        );
    }

    #[test]
    fn wireguard_keys() {
        let d = b"[connection]\nid=wg0\ntype=wireguard\n\n[wireguard]\nprivate-key=akJCciO0qg2ifTlb+KTz0I0uKcGj7he6fV+GLUKoH2E=\n\n\
[wireguard-peer.gx62p8BTZqWKnDr6NeHvKRzd2R8hz1PiK/4QNoWmG7U=]\nendpoint=vpn.acme.test:51820\n\
preshared-key=ntNyVMuYF1N5eqihUHnGgi+OhKWaJoiKVeREgaiSch4=\nallowed-ips=0.0.0.0/0;\n";
        use FieldKind::*;
        assert_eq!(
            found(d),
            vec![
                (
                    s("akJCciO0qg2ifTlb+KTz0I0uKcGj7he6fV+GLUKoH2E="),
                    None,
                    PrivateKey,
                    None
                ),
                (
                    s("ntNyVMuYF1N5eqihUHnGgi+OhKWaJoiKVeREgaiSch4="),
                    None,
                    Key,
                    Some(s("vpn.acme.test:51820"))
                ),
            ]
        );
    }

    #[test]
    fn flags_comments_and_non_keys() {
        let d =
            b"[wifi]\nssid=Home\n[wifi-security]\nkey-mgmt=wpa-psk\npsk-flags=1\npsk=Stale1234\n\
[802-1x]\npassword-flags=2\npassword=NotSaved1\n# pin=1234\n\
[vpn]\npassword-flags=1\n[vpn-secrets]\npassword=AgentOwned1\n\
[wireguard]\nprivate-key=<private key>\n[wireguard-peer.x]\npreshared-key=tooshort\n\
[wifi-security]\npsk=\n[connection]\npassword=NotASecretSection\n";
        assert!(found(d).is_empty());
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"[",
            b"[vpn]\ndata=",
            b"[vpn]\ndata==,=",
            b"[wifi-security]\npsk=\\",
            b"[wireguard]\nprivate-key=\xff",
            b"[\xff]\n\xfe=",
        ] {
            found(d);
        }
    }
}
