//! WireGuard configuration (`wg0.conf`, `wireguard/*.conf`, any `.conf` with an
//! `[Interface]` holding a `PrivateKey`): the interface's private key and peers' preshared
//! keys (SPEC §50).
//!
//! wg-quick INI: `[Interface]`/`[Peer]` sections, `Key = Value`, keys case-insensitive, `#`
//! starts a comment anywhere. `[Interface] PrivateKey` and `[Peer] PresharedKey` are
//! base64 of 32 bytes; anything else there (`<client-private-key>`, a path) is not a key.
//! `PublicKey` is public. The peer's `Endpoint` is the preshared key's identity.

use super::field::{Extractor, Field, FieldKind};
use super::lines_common::{
    contains_within, eq_ic, field, file_name, first_in_sections, has_dir, ini, string, subject,
};
use super::text;
use crate::rules::Confidence;

pub struct WireGuard;

impl Extractor for WireGuard {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let n = file_name(subject(path));
        if !n.ends_with(".conf") {
            return false;
        }
        n.starts_with("wg")
            || has_dir(path, "wireguard")
            || (contains_within(data, b"[Interface]", 1 << 16)
                && contains_within(data, b"PrivateKey", 1 << 16))
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        let entries = ini(data, b"=", &[b"#"]);
        let endpoints = first_in_sections(data, &entries, "endpoint");
        for e in &entries {
            let section = e.section_name(data);
            let (kind, host) = if eq_ic(section, b"interface") && e.key_is(data, "privatekey") {
                (FieldKind::PrivateKey, None)
            } else if eq_ic(section, b"peer") && e.key_is(data, "presharedkey") {
                let endpoint = endpoints[e.section_no].map(|x| {
                    let (s, en) = entries[x].value;
                    let cut = memchr::memchr(b'#', &data[s..en]).map_or(en, |i| s + i);
                    string(data, text::trim(data, s, cut))
                });
                (FieldKind::Key, endpoint)
            } else {
                continue;
            };
            let (s, en) = e.value;
            let cut = memchr::memchr(b'#', &data[s..en]).map_or(en, |i| s + i);
            let (s, en) = text::trim(data, s, cut);
            if text::base64(&data[s..en]).is_none_or(|k| k.len() != 32) {
                continue;
            }
            out.push(field(s, en, None, None, kind, Confidence::High, host));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::structure::testing::{self, s};

    fn found(data: &[u8]) -> Vec<(String, FieldKind, Option<String>)> {
        testing::found_plain(&WireGuard, "wg0.conf", data)
    }

    #[test]
    fn applies_by_name_or_signature() {
        for p in [
            "wg0.conf",
            "etc/wireguard/office.conf",
            "vpn/wg-client.conf",
        ] {
            assert!(WireGuard.applies(p, b""), "{p}");
        }
        assert!(WireGuard.applies("vpn/laptop.conf", b"[Interface]\nPrivateKey = x\n"));
        for p in ["nginx.conf", "wg0.md", "wireguard/keys.txt"] {
            assert!(!WireGuard.applies(p, b"[server]\n"), "{p}");
        }
    }

    #[test]
    fn interface_and_peer_keys() {
        let d = b"[Interface]\nAddress = 10.8.0.2/24\nPrivateKey = GFgUIYyy4+MOQ8rZa2A3my8AuVzArZhX1MWa+1BCqdo= # laptop\nDNS = 1.1.1.1\n\n\
[Peer]\nPublicKey = HWIF4dpC356iCpqkOWeuRwe5m3wXpy3zKbsFkDvhExU=\n\
presharedkey=p/Ty2DLJM6UiYMJK33KPD/E/wvU9wfBywAQu+iFHyVQ=\r\nEndpoint = vpn.acme.test:51820 # office\nAllowedIPs = 0.0.0.0/0\n";
        assert_eq!(
            found(d),
            vec![
                (
                    s("GFgUIYyy4+MOQ8rZa2A3my8AuVzArZhX1MWa+1BCqdo="),
                    FieldKind::PrivateKey,
                    None
                ),
                (
                    s("p/Ty2DLJM6UiYMJK33KPD/E/wvU9wfBywAQu+iFHyVQ="),
                    FieldKind::Key,
                    Some(s("vpn.acme.test:51820"))
                ),
            ]
        );
    }

    #[test]
    fn placeholders_paths_public_keys() {
        let d = b"[Interface]\nAddress = 10.8.0.2/24\nPrivateKey = <client-private-key>\n\
PostUp = wg set %i private-key /etc/wireguard/private.key\n# PrivateKey = GFgUIYyy4+MOQ8rZa2A3my8AuVzArZhX1MWa+1BCqdo=\n\
[Peer]\nPublicKey = HWIF4dpC356iCpqkOWeuRwe5m3wXpy3zKbsFkDvhExU=\nPresharedKey = PRESHARED_KEY\n\
[Other]\nPrivateKey = GFgUIYyy4+MOQ8rZa2A3my8AuVzArZhX1MWa+1BCqdo=\n";
        assert!(found(d).is_empty());
    }

    #[test]
    fn tolerates_junk() {
        for d in [
            &b""[..],
            b"[Interface]\nPrivateKey",
            b"[Interface]\nPrivateKey=#",
            b"[Peer]\nPresharedKey=\xff",
            b"[",
        ] {
            found(d);
        }
    }
}
