//! Terraform CLI configuration (SPEC §44): `.terraformrc`, `terraform.rc` (Windows) with
//! HCL `credentials "<host>" { token = "…" }` blocks, and
//! `.terraform.d/credentials.tfrc.json` (`{"credentials": {"<host>": {"token": "…"}}}`,
//! written by `terraform login`).
//!
//! The `token` of each `credentials` block is reported (HCP Terraform / Terraform Enterprise
//! API tokens), with the block's host. `credentials_helper` blocks name a program: nothing.

use super::common::{field, file_name, host_of, is_reference};
use super::field::{Extractor, Field, FieldKind};
use super::hcl::{self, HclKey};
use super::json::{self, JsonKey};
use crate::rules::Confidence;

pub struct Terraformrc;

impl Extractor for Terraformrc {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        matches!(
            file_name(path),
            ".terraformrc" | "terraform.rc" | "credentials.tfrc.json"
        )
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        let mut push = |host: &[u8], start: usize, end: usize, text: std::borrow::Cow<[u8]>| {
            if text.trim_ascii().is_empty() || is_reference(&text) {
                return;
            }
            let mut f = field(data, start, end, text, FieldKind::Token, Confidence::High);
            f.host = Some(host_of(host));
            out.push(f);
        };
        if path.ends_with(".json") {
            json::scan(data, &mut |p, s| {
                if let [c, JsonKey::Name(host), t] = p {
                    if c.is("credentials") && t.is("token") && s.is_string() {
                        push(&json::unescape(host), s.start, s.end, s.text(data));
                    }
                }
            });
        } else {
            hcl::scan(data, &mut |p, v| {
                if let [c, HclKey::Name(host), t] = p {
                    if c.is("credentials") && t.is("token") && v.is_string() {
                        push(host, v.start, v.end, v.text(data));
                    }
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(path: &str, data: &[u8]) -> Vec<(String, Option<String>)> {
        crate::detect::structure::testing::tokens_if_applies(&Terraformrc, path, data)
    }

    #[test]
    fn hcl_and_json() {
        let d = b"plugin_cache_dir = \"$HOME/.terraform.d/plugin-cache\"\ncredentials \"app.terraform.io\" {\n  token = \"Rexiq4VkPBR1yL.atlasv1.fakefake\"\n}\n# credentials \"old.test\" { token = \"x\" }\ncredentials \"tfe.acme.test\" {\n  token = \"WA8Fdc9OYjvOqiH7fEV0v6D6\"\n}\n";
        assert_eq!(
            run("home/.terraformrc", d),
            vec![
                (
                    "Rexiq4VkPBR1yL.atlasv1.fakefake".into(),
                    Some("app.terraform.io".into())
                ),
                (
                    "WA8Fdc9OYjvOqiH7fEV0v6D6".into(),
                    Some("tfe.acme.test".into())
                ),
            ]
        );
        let j =
            br#"{"credentials": {"app.terraform.io": {"token": "PqqDbLAGaKypWL.atlasv1.fake"}}}"#;
        assert_eq!(
            run(".terraform.d/credentials.tfrc.json", j),
            vec![(
                "PqqDbLAGaKypWL.atlasv1.fake".into(),
                Some("app.terraform.io".into())
            )]
        );
    }

    #[test]
    fn helpers_yield_nothing() {
        let d =
            b"credentials_helper \"credstore\" {\n  args = [\"--host=credstore.example.com\"]\n}\n";
        assert!(run(".terraformrc", d).is_empty());
        assert!(run("terraform.rc", b"credentials \"h\" { token = ").is_empty());
    }
}
