//! Azure CLI credential caches (SPEC §46) in `~/.azure/`:
//!
//! - `msal_token_cache.json` (Azure CLI 2.30+ on Linux/macOS): `RefreshToken.*.secret`
//!   (high); `AccessToken.*.secret` (short-lived: low);
//! - `service_principal_entries.json`: each entry's `client_secret` (high);
//! - `accessTokens.json` (ADAL, before 2.30): each entry's `refreshToken` (high) and
//!   `accessToken` (low), except that an entry with a `servicePrincipalId` keeps the service
//!   principal's client secret in `accessToken` (high).
//!
//! Client ids (Azure CLI's public `04b07795-…`), tenants, account ids are identity;
//! `azureProfile.json` holds none. The Windows `.bin` caches are DPAPI-encrypted: not read.

use super::common::{field, file_name, path_ends_with};
use super::field::{Extractor, Field, FieldKind};
use super::json::{self, JsonKey, Member};
use crate::rules::Confidence;

pub struct AzureCli;

impl Extractor for AzureCli {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        [
            ".azure/msal_token_cache.json",
            ".azure/service_principal_entries.json",
            ".azure/accessTokens.json",
        ]
        .iter()
        .any(|s| path_ends_with(path, s))
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        let name = file_name(path);
        json::records(data, &mut |p, members| {
            let wanted: &[(&str, Confidence)] = match (name, p) {
                ("msal_token_cache.json", [section, JsonKey::Name(_)])
                    if section.is("RefreshToken") =>
                {
                    &[("secret", Confidence::High)]
                }
                ("msal_token_cache.json", [section, JsonKey::Name(_)])
                    if section.is("AccessToken") =>
                {
                    &[("secret", Confidence::Low)]
                }
                ("service_principal_entries.json", [JsonKey::Index(_)]) => {
                    &[("client_secret", Confidence::High)]
                }
                ("accessTokens.json", [JsonKey::Index(_)]) => {
                    if json::member(members, "servicePrincipalId").is_some() {
                        &[("accessToken", Confidence::High)]
                    } else {
                        &[
                            ("refreshToken", Confidence::High),
                            ("accessToken", Confidence::Low),
                        ]
                    }
                }
                _ => return,
            };
            for (key, confidence) in wanted {
                push(data, members, key, *confidence, out);
            }
        });
        out.sort_by_key(|f| f.start);
    }
}

fn push(data: &[u8], members: &[Member], key: &str, confidence: Confidence, out: &mut Vec<Field>) {
    let Some(s) = json::member(members, key).filter(|s| s.is_string()) else {
        return;
    };
    let text = s.text(data);
    if text.trim_ascii().is_empty() {
        return;
    }
    out.push(field(
        data,
        s.start,
        s.end,
        text,
        FieldKind::Token,
        confidence,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &[u8]) -> Vec<(String, Confidence)> {
        let mut out = Vec::new();
        if AzureCli.applies(path, data) {
            AzureCli.extract(path, data, &mut out);
        }
        out.iter()
            .map(|f| {
                (
                    String::from_utf8_lossy(&data[f.start..f.end]).into_owned(),
                    f.confidence,
                )
            })
            .collect()
    }

    #[test]
    fn msal_cache() {
        let d = br#"{
  "AccessToken": {"k1": {"credential_type": "AccessToken", "secret": "eyJ0eXAi.fake.access", "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"}},
  "IdToken": {},
  "Account": {"a": {"username": "jdoe@acme.test"}},
  "RefreshToken": {"k2": {"credential_type": "RefreshToken", "secret": "0.ADjc-fake-refresh", "home_account_id": "00ffd4f3"}}
}"#;
        assert_eq!(
            run("home/.azure/msal_token_cache.json", d),
            vec![
                ("eyJ0eXAi.fake.access".into(), Confidence::Low),
                ("0.ADjc-fake-refresh".into(), Confidence::High),
            ]
        );
    }

    #[test]
    fn service_principals_and_adal() {
        let d = br#"[{"client_id": "561cb1c0-6cb9-498c-97d9-7f62906c2eb4", "tenant": "81cd3890", "client_secret": "2Qh8Q~fake"}, {"client_id": "x", "certificate": "/home/me/sp.pem"}]"#;
        assert_eq!(
            run(".azure/service_principal_entries.json", d),
            vec![("2Qh8Q~fake".into(), Confidence::High)]
        );
        let d = br#"[{"tokenType": "Bearer", "accessToken": "eyJ.fake", "refreshToken": "0.AAAA-fake", "_clientId": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
 {"servicePrincipalId": "sp1", "servicePrincipalTenant": "t", "accessToken": "sp-secret-fake"}]"#;
        assert_eq!(
            run(".azure/accessTokens.json", d),
            vec![
                ("eyJ.fake".into(), Confidence::Low),
                ("0.AAAA-fake".into(), Confidence::High),
                ("sp-secret-fake".into(), Confidence::High),
            ]
        );
        assert!(!AzureCli.applies(".azure/azureProfile.json", b""));
        assert!(run(".azure/accessTokens.json", b"[{\"refreshToken\": \"x").is_empty());
    }
}
