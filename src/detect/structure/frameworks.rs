//! Framework settings whose names fix what a value is: WordPress's `wp-config.php`
//! (`DB_PASSWORD` and the eight keys and salts, 64 characters with spaces and punctuation)
//! and Django's settings modules (`SECRET_KEY`, hand-written or generated, and the
//! `DATABASES` passwords). Values are found with the generic pair parser; what the names
//! mean is the framework's.

use super::assign::parse::{self, Ends};
use super::field::{Extractor, Field, FieldKind};
use super::text;
use crate::rules::Confidence;

/// WordPress `wp-config.php`.
pub struct WordPress;
/// Django settings modules.
pub struct Django;

fn file_name(path: &str) -> &str {
    match memchr::memrchr(b'/', path.as_bytes()) {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// The values of `names` on the file's lines, as fields of `kind` at `confidence`.
fn named_values(
    data: &[u8],
    ends: Ends,
    mut judge: impl FnMut(&[u8], &[u8]) -> Option<(FieldKind, Confidence)>,
    out: &mut Vec<Field>,
) {
    let mut toks = Vec::new();
    let mut pairs = Vec::new();
    for (ls, line) in text::lines(data) {
        if line.len() > 4096 || text::is_comment(line, &[b"#", b"//", b"/*", b"*"]) {
            continue;
        }
        pairs.clear();
        parse::pairs(data, ls, ls + line.len(), ends, &mut toks, &mut pairs);
        for p in &pairs {
            if p.quote.is_none() {
                continue;
            }
            let name = &data[p.name.0..p.name.1];
            let (vs, ve) = p.value;
            if let Some((kind, confidence)) = judge(name, &data[vs..ve]) {
                out.push(Field::plain(vs, ve, kind, confidence));
            }
        }
    }
}

impl Extractor for WordPress {
    fn applies(&self, path: &str, _data: &[u8]) -> bool {
        let name = file_name(path);
        name == "wp-config.php" || name.starts_with("wp-config-") && name.ends_with(".php")
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        const SALTS: &[&[u8]] = &[
            b"AUTH_KEY",
            b"SECURE_AUTH_KEY",
            b"LOGGED_IN_KEY",
            b"NONCE_KEY",
            b"AUTH_SALT",
            b"SECURE_AUTH_SALT",
            b"LOGGED_IN_SALT",
            b"NONCE_SALT",
            b"WP_CACHE_KEY_SALT",
        ];
        named_values(
            data,
            Ends::Token,
            |name, value| match name {
                b"DB_PASSWORD" | b"FTP_PASS" => Some((FieldKind::Password, Confidence::High)),
                n if SALTS.contains(&n) && !value.is_empty() => {
                    Some((FieldKind::Key, Confidence::Medium))
                }
                n if n.ends_with(b"_API_KEY") || n.ends_with(b"_SECRET") => {
                    Some((FieldKind::Token, Confidence::Medium))
                }
                _ => None,
            },
            out,
        );
    }
}

/// Characters of Django's `get_random_secret_key()`.
fn generated(v: &[u8]) -> bool {
    let v = v.strip_prefix(b"django-insecure-").unwrap_or(v);
    v.len() == 50
        && v.iter().all(|&b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b"!@#$%^&*(-_=+)".contains(&b)
        })
}

impl Extractor for Django {
    fn applies(&self, path: &str, data: &[u8]) -> bool {
        let name = file_name(path);
        let settings = name == "settings.py"
            || name == "local_settings.py"
            || name.starts_with("settings_") && name.ends_with(".py")
            || path.contains("/settings/") && name.ends_with(".py");
        settings
            && [&b"SECRET_KEY"[..], b"DATABASES", b"INSTALLED_APPS"]
                .iter()
                .any(|s| memchr::memmem::find(data, s).is_some())
    }

    fn extract(&self, _path: &str, data: &[u8], out: &mut Vec<Field>) {
        named_values(
            data,
            Ends::Token,
            |name, value| match name {
                b"SECRET_KEY" if generated(value) => Some((FieldKind::Key, Confidence::High)),
                // A hand-written key: any characters, any length worth the name.
                b"SECRET_KEY" if value.len() >= 12 => Some((FieldKind::Key, Confidence::Medium)),
                b"PASSWORD" | b"EMAIL_HOST_PASSWORD" => {
                    Some((FieldKind::Password, Confidence::High))
                }
                _ => None,
            },
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(x: &dyn Extractor, path: &str, text: &str) -> Vec<String> {
        assert!(x.applies(path, text.as_bytes()), "{path}");
        let mut out = Vec::new();
        x.extract(path, text.as_bytes(), &mut out);
        out.iter()
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn wordpress_salts_with_punctuation_and_the_database_password() {
        let wp = "<?php\ndefine( 'DB_PASSWORD', 'Welcome@2023' );\ndefine( 'AUTH_KEY',  'k1Gw}aBis?jB)LjXF:W2-mv (gNc9656sQ~-2#NQpsfzV:hm' );\ndefine('WP_DEBUG', false);\n";
        assert_eq!(
            values(&WordPress, "site/wp-config.php", wp),
            vec![
                "Welcome@2023",
                "k1Gw}aBis?jB)LjXF:W2-mv (gNc9656sQ~-2#NQpsfzV:hm"
            ]
        );
    }

    #[test]
    fn django_keys_generated_or_hand_written() {
        let s = "SECRET_KEY = 'my-shop-Sunflower#7-do-not-share'\nDATABASES = {\n    'default': {\n        'PASSWORD': 'Rocky1979!',\n    }\n}\n";
        assert_eq!(
            values(&Django, "blog/settings/production.py", s),
            vec!["my-shop-Sunflower#7-do-not-share", "Rocky1979!"]
        );
        assert!(!Django.applies("app/views.py", s.as_bytes()));
        assert!(generated(
            b"django-insecure-hl@k^n74do(((xryo2(+f(f7h_s3153g!ba76_g9ldveq^7d-5"
        )); // leakhound:allow (test data)
    }
}
