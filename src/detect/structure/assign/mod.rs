//! Secrets assigned to names that say so, in code and configuration of any kind: the
//! generic detectors. `parse` finds name/value pairs on the lines around a rule's keywords,
//! `names` says what a name means, and this file judges each value by the name's class and
//! the kind of file it is in:
//!
//! | name says | configuration (`.env`, YAML, properties, XML, ...) | source code |
//! | --- | --- | --- |
//! | password | any value that is not a placeholder, reference, boolean or number | a quoted value that looks chosen (not a default, a single word or a label) |
//! | secret (key, token, credential) | a value that looks generated, a UUID, or one that looks chosen | a quoted value that looks generated or a UUID |
//! | only `key` | a long value that looks generated | the same |
//! | Authorization | the credential after the scheme; `Basic` decoded to its password | the same |
//!
//! Values in `.env` files count most (high); elsewhere in configuration medium; in source
//! code low. The structural gate (`resolve::judge_field`) then drops placeholders, defaults
//! and values in examples or documentation, as for every structure rule.

pub mod blocks;
pub mod names;
pub mod parse;
pub mod schemes;
pub mod shapes;
pub mod tokens;
pub mod values;

use super::field::{Extractor, Field, FieldKind};
use super::text;
use crate::detect::filter;
use crate::rules::Confidence;
use names::NameClass;
use parse::{Ends, How, Pair};
use values::{
    continues_as_command, is_composed, is_expression, is_lowercase_identifier, is_setting, is_uuid,
    is_word_identifier, reference_default,
};

/// Which values a generic rule wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Passwords,
    Secrets,
}

/// The generic detector of one kind of value.
pub struct Assignments {
    want: Want,
}

/// `generic-password`: values of names that say password.
pub static PASSWORDS: Assignments = Assignments {
    want: Want::Passwords,
};
/// `generic-api-key`: values of names that say key, token, secret or credential, and of
/// Authorization headers.
pub static SECRETS: Assignments = Assignments {
    want: Want::Secrets,
};

/// The kind of file, as far as judging an unquoted value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `.env`, `*.env`: a file of variables, most of them settings, some of them secrets.
    Dotenv,
    Config,
    /// Shell scripts and command files: unquoted words are literals, ending at whitespace.
    Shell,
    Code,
}

impl Kind {
    fn ends(self) -> Ends {
        match self {
            Kind::Dotenv | Kind::Config => Ends::Line,
            Kind::Shell => Ends::Space,
            Kind::Code => Ends::Token,
        }
    }
}

fn kind(path: &str) -> Kind {
    let name = super::common::file_name(path).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let stem = name.split('.').next().unwrap_or("");
    if name.starts_with(".env")
        || name.ends_with(".env")
        // Files that exist to hold secrets: Rails' secrets.yml, credentials.json.
        || matches!(stem, "secrets" | "secret" | "credentials" | "creds")
            && matches!(ext, "yml" | "yaml" | "json" | "toml" | "ini" | "properties" | "conf")
    {
        Kind::Dotenv
    } else if matches!(
        name.as_str(),
        ".envrc"
            | ".profile"
            | ".bashrc"
            | ".bash_profile"
            | ".bash_login"
            | ".bash_aliases"
            | ".zshrc"
            | ".zprofile"
            | ".zshenv"
            | ".kshrc"
    ) || matches!(
        ext,
        "sh" | "bash" | "zsh" | "ksh" | "fish" | "ps1" | "psm1" | "bat" | "cmd"
    ) {
        Kind::Shell
    } else if filter::is_config_path(path)
        || name.starts_with("dockerfile")
        || name.starts_with("containerfile")
        || name.ends_with(".dockerfile")
        || name.starts_with("makefile")
        || name.ends_with(".mk")
    {
        Kind::Config
    } else {
        Kind::Code
    }
}

impl Assignments {
    /// Judges `value`, held under `name` in a file of variables (a Kubernetes Secret's
    /// entry): the fields it yields, their offsets relative to `value`.
    pub fn judge_entry(&self, name: &[u8], value: &[u8], out: &mut Vec<Field>) {
        let buf = [name, b"=", value].concat();
        let at = name.len() + 1;
        let p = Pair {
            name: (0, name.len()),
            value: (at, buf.len()),
            quote: Some(b'"'),
            how: How::Assign,
        };
        let mut fields = Vec::new();
        self.judge(&buf, &p, Kind::Dotenv, false, &mut fields);
        out.extend(fields.into_iter().map(|f| Field {
            start: f.start - at,
            end: f.end - at,
            ..f
        }));
    }

    /// Whether a line of source code may hold a value this rule takes. In code only quoted
    /// values count, but for an Authorization header's credential and a connection string's
    /// password: a line with neither a quote nor those is not worth splitting into tokens
    /// (most lines around a keyword such as `key` are such lines).
    fn may_hold_unquoted(&self, line: &[u8]) -> bool {
        memchr::memchr3(b'"', b'\'', b'`', line).is_some()
            || match self.want {
                Want::Passwords => line.contains(&b'='),
                Want::Secrets => line
                    .windows(b"authorization".len())
                    .any(|w| w.eq_ignore_ascii_case(b"authorization")),
            }
    }

    /// The field for one pair, if its value is what this rule wants.
    fn judge(&self, data: &[u8], p: &Pair, kind: Kind, comment: bool, out: &mut Vec<Field>) {
        let name = &data[p.name.0..p.name.1];
        // Most names around a keyword say nothing this rule wants: asked first, it spares
        // their values the filters below.
        let class = names::classify(name);
        let wanted = match self.want {
            Want::Passwords => matches!(class, NameClass::Password | NameClass::Url),
            Want::Secrets => matches!(
                class,
                NameClass::Secret | NameClass::BareKey | NameClass::Authorization
            ),
        };
        if !wanted {
            return;
        }
        let (vs, ve) = text::trim(data, p.value.0, p.value.1);
        // `${DB_PASSWORD:-Rocky1979!}`: the literal default is used whenever the variable
        // is unset, so it is the value to judge.
        let (vs, ve) = reference_default(data, vs, ve).unwrap_or((vs, ve));
        let v = &data[vs..ve];
        if v.is_empty() || is_setting(v) || filter::is_placeholder(v) {
            return;
        }
        // `$password = Get-Thing -Name x`: the value is a command with its arguments; in a
        // shell script a backquoted value is one too (command substitution).
        if p.quote.is_none() && continues_as_command(data, ve)
            || kind == Kind::Shell && p.quote == Some(b'`')
        {
            return;
        }
        let literal = p.quote.is_some() || kind != Kind::Code && p.how != How::Compare;
        let base = match kind {
            Kind::Dotenv => Confidence::High,
            Kind::Config | Kind::Shell => Confidence::Medium,
            Kind::Code => Confidence::Low,
        };
        // A commented-out value is still exposed, but more often stale: low.
        let push = |out: &mut Vec<Field>, kind_: FieldKind, confidence: Confidence| {
            let confidence = if comment { Confidence::Low } else { confidence };
            let mut f = Field::plain(vs, ve, kind_, confidence);
            f.min_len = 4;
            out.push(f);
        };
        match (self.want, class) {
            (Want::Passwords, NameClass::Password) => {
                // Punctuation alone (`,.:-@*?!`) is a separator list or a mask, not a password.
                if !literal && is_expression(v) || !v.iter().any(u8::is_ascii_alphanumeric) {
                    return;
                }
                // A sentence is a message or a description, not a password (a password of
                // several words is a passphrase, and those rarely sit in code).
                if v.iter().filter(|&&b| b == b' ').count() >= 2 && (kind == Kind::Code || comment)
                {
                    return;
                }
                // A crypt hash under a password's name (Ansible's `user` module takes one) is
                // a hash: crackable, so low, and an illustration in tests and documentation.
                if super::htpasswd::is_crypt_hash(v) {
                    push(out, FieldKind::Hash, Confidence::Low);
                    return;
                }
                let chosen = filter::looks_like_password(v, literal, "config.env");
                match kind {
                    // In configuration a password position holds a password, weak or not;
                    // but an identifier made of words (`user_input`) names another value.
                    Kind::Dotenv | Kind::Config | Kind::Shell
                        if !is_expression(v) || p.quote.is_some() =>
                    {
                        if (!chosen && is_word_identifier(v)) || is_lowercase_identifier(v) {
                            return;
                        }
                        let c = if chosen { base } else { Confidence::Low };
                        push(out, FieldKind::Password, c);
                    }
                    _ if chosen && literal && (p.quote.is_some() || !is_expression(v)) => {
                        push(out, FieldKind::Password, base)
                    }
                    _ => {}
                }
            }
            (Want::Passwords, NameClass::Url) => {
                schemes::connection_string_password(data, (vs, ve), base, out)
            }
            (Want::Secrets, NameClass::Secret | NameClass::BareKey) => {
                // A URL's credentials are `url-with-password`'s and the providers' (a Sentry
                // DSN's key is its user name).
                if !literal || is_expression(v) || memchr::memmem::find(v, b"://").is_some() {
                    return;
                }
                // Keys and tokens have no spaces, and are not short identifiers (`AWS_SIGV4`,
                // `KRB5_Alice`, `auth-tok-2`): under 16 characters, only a value of letters
                // and digits mixed, without separators, counts.
                let short_ok = v.len() >= 12
                    && v.iter().all(u8::is_ascii_alphanumeric)
                    && v.iter().any(u8::is_ascii_digit)
                    && v.iter().any(u8::is_ascii_uppercase)
                    && v.iter().any(u8::is_ascii_lowercase);
                // In configuration, a chosen secret (`Autumn#2020`) is one too (weak
                // outside files of variables, and a phrase only in those).
                let chosen_ok = kind != Kind::Code
                    && v.len() >= 8
                    && (kind == Kind::Dotenv || !v.contains(&b' '))
                    && is_composed(v)
                    && filter::looks_like_password(v, true, "config.env");
                if v.contains(&b' ') && !chosen_ok || v.len() < 16 && !short_ok && !chosen_ok {
                    return;
                }
                let random = filter::looks_random(v) && !filter::looks_like_code(v);
                let uuid = is_uuid(v);
                // `key` alone is overloaded (GPG key ids, cache keys): long, with a digit,
                // and assigned, not passed as a flag.
                let bare_ok =
                    v.len() >= 20 && v.iter().any(u8::is_ascii_digit) && p.how != How::Flag;
                let c = match (class, random, uuid) {
                    (NameClass::BareKey, true, _) if bare_ok => base.min(Confidence::Medium),
                    (NameClass::BareKey, _, _) => return,
                    (_, true, _) => base,
                    (_, false, true) => base.min(Confidence::Medium),
                    // A chosen secret (`SESSION_SECRET=keyboard cat 42`) in a file of
                    // variables is still a secret; in other configuration, a weak one.
                    (_, false, false)
                        if kind != Kind::Code
                            && !is_word_identifier(v)
                            && filter::looks_like_password(v, true, "config.env") =>
                    {
                        if kind == Kind::Dotenv {
                            Confidence::Medium
                        } else {
                            Confidence::Low
                        }
                    }
                    _ => return,
                };
                push(out, FieldKind::Token, c);
            }
            (Want::Secrets, NameClass::Authorization) => {
                // A bare credential only right after the header's own name.
                let last = name
                    .rsplit(|b: &u8| !b.is_ascii_alphanumeric())
                    .find(|w| !w.is_empty());
                let gap = &data[p.name.1.min(vs)..vs];
                let bare_ok = last.is_some_and(|w| w.eq_ignore_ascii_case(b"authorization"))
                    && gap
                        .iter()
                        .all(|b| b.is_ascii_whitespace() || matches!(b, b':' | b'"' | b'\''));
                schemes::authorization(data, (vs, ve), base, bare_ok, out)
            }
            _ => {}
        }
    }
}

impl Extractor for Assignments {
    fn applies(&self, _path: &str, _data: &[u8]) -> bool {
        true
    }

    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>) {
        self.extract_in(path, data, &[(0, data.len())], out);
    }

    fn extract_in(
        &self,
        path: &str,
        data: &[u8],
        windows: &[(usize, usize)],
        out: &mut Vec<Field>,
    ) {
        let kind = match kind(path) {
            // A file without an extension that starts with `#!` is a script (`configure`).
            Kind::Config
                if data.starts_with(b"#!")
                    && !super::common::file_name(path)
                        .trim_start_matches('.')
                        .contains('.') =>
            {
                Kind::Shell
            }
            k => k,
        };
        let mut toks = Vec::new();
        let mut pairs = Vec::new();
        for &(ws, we) in windows {
            for (off, line) in text::lines(&data[ws..we]) {
                let ls = ws + off;
                let le = ls + line.len();
                // Long lines (minified bundles, data) are not configuration.
                if line.len() > 4096 || text::is_comment(line, &[b"#!", b"--"]) {
                    continue;
                }
                // A commented-out assignment is still a leak; prose in a comment is not:
                // in comments, only a value without spaces counts.
                if kind == Kind::Code && !self.may_hold_unquoted(line) {
                    continue;
                }
                let comment = text::is_comment(line, &[b"#", b";", b"//", b"*", b"/*"]);
                pairs.clear();
                parse::pairs(data, ls, le, kind.ends(), &mut toks, &mut pairs);
                for p in &pairs {
                    if comment && data[p.value.0..p.value.1].contains(&b' ') {
                        continue;
                    }
                    self.judge(data, p, kind, comment, out);
                }
                if !comment {
                    if let Some(p) = blocks::variable_default(data, ls, le, &mut toks) {
                        self.judge(data, &p, kind, false, out);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(x: &Assignments, path: &str, text: &str) -> Vec<(String, Confidence)> {
        let mut out = Vec::new();
        x.extract(path, text.as_bytes(), &mut out);
        out.iter()
            .map(|f| {
                let v = f
                    .value
                    .clone()
                    .unwrap_or_else(|| text.as_bytes()[f.start..f.end].to_vec());
                (String::from_utf8_lossy(&v).into_owned(), f.confidence)
            })
            .collect()
    }

    #[test]
    fn a_crypt_hash_under_a_password_name_is_a_hash() {
        let mut out = Vec::new();
        let line = "password: \"$6$rounds=656000$Zq8vT1mK$C3x9Qw2eR7tY5uI1oP4aS6dF8gH0jK2lZ4xC6vB8nM1qW3eR5tY7uI9oP\"\n";
        PASSWORDS.extract("user.yml", line.as_bytes(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].kind, out[0].confidence),
            (FieldKind::Hash, Confidence::Low)
        );
    }

    #[test]
    fn passwords_in_configuration_whatever_they_look_like() {
        let f = found(&PASSWORDS, ".env", "DB_PASSWORD=Summer2019!\nDB_USER=app\n");
        assert_eq!(f, vec![("Summer2019!".into(), Confidence::High)]);
        let f = found(
            &PASSWORDS,
            "config/application.yml",
            "spring:\n  datasource:\n    password: Pumpkin.4417\n",
        );
        assert_eq!(f, vec![("Pumpkin.4417".into(), Confidence::Medium)]);
        assert!(found(
            &PASSWORDS,
            ".env",
            "PASSWORD_MIN_LENGTH=12\nDB_PASSWORD=${DB_PASS}\n"
        )
        .is_empty());
        let f = found(
            &PASSWORDS,
            "app.config",
            "<add key=\"ClearTextPassword\" value=\"hal+9ooo_da!sY\" />",
        );
        assert_eq!(f.len(), 1, "{f:?}");
    }

    #[test]
    fn terraform_variable_defaults_are_named_by_the_variable() {
        let tf = "variable \"db_password\" {\n  type = string\n  default = \"Kq7wzR81xLm2\"\n}\n\
                  variable \"region\" {\n  default = \"eu-west-1\"\n}\n";
        assert_eq!(
            found(&PASSWORDS, "main.tf", tf),
            vec![("Kq7wzR81xLm2".into(), Confidence::Medium)]
        );
        assert!(found(&SECRETS, "main.tf", tf).is_empty());
        // Punctuation alone is not a password.
        assert!(found(&PASSWORDS, "a.yaml", "password: ',.:-@*?!'\n").is_empty());
    }

    #[test]
    fn defaults_of_references_are_values() {
        let f = found(
            &PASSWORDS,
            "application.properties",
            "spring.mail.password=${MAIL_PASSWORD:Rocky1979!}\n",
        );
        assert_eq!(f, vec![("Rocky1979!".into(), Confidence::Medium)]);
        let f = found(
            &SECRETS,
            "docker-compose.yml",
            "    environment:\n      MINIO_SECRET_KEY: ${MINIO_SECRET_KEY:-kq9Vw2Lr7Xz4Pb8Nc3Td}\n",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        for none in [
            "DB_PASSWORD=${DB_PASSWORD:?set DB_PASSWORD}\n",
            "DB_PASSWORD=${DB_PASSWORD:-}\n",
            "DB_PASSWORD=${DB_PASSWORD:-${FALLBACK}}\n",
        ] {
            assert!(found(&PASSWORDS, ".env", none).is_empty(), "{none}");
        }
    }

    #[test]
    fn chosen_secrets_in_files_of_secrets() {
        let f = found(
            &SECRETS,
            "config/secrets.yml",
            "production:\n  stripe_secret_key: Autumn#2020\n",
        );
        assert_eq!(f, vec![("Autumn#2020".into(), Confidence::Medium)]);
        let f = found(
            &SECRETS,
            "config/app.yml",
            "stripe_secret_key: Autumn#2020\n",
        );
        assert_eq!(f, vec![("Autumn#2020".into(), Confidence::Low)]);
        assert!(found(&SECRETS, "app.py", "stripe_secret_key = 'Autumn#2020'\n").is_empty());
    }

    #[test]
    fn passwords_in_code_must_look_chosen() {
        assert_eq!(
            found(&PASSWORDS, "db.py", "password = \"Tr0ub4dor&3\"").len(),
            1
        );
        assert!(found(&PASSWORDS, "db.py", "password = get_password()").is_empty());
        assert!(found(&PASSWORDS, "db.py", "password = user_input").is_empty());
        assert!(found(&PASSWORDS, "ui.js", "passwordLabel:\"Password:\"").is_empty());
    }

    #[test]
    fn secrets_random_or_uuid_under_secret_names() {
        let uuid = "3f2a9c4e-8b1d-4e7a-9c2f-6d5b8a1e0f34";
        let f = found(
            &SECRETS,
            "vault.sh",
            &format!("vault write auth/approle/login role_id=x secret_id={uuid}"),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            found(
                &SECRETS,
                "pay.py",
                "paymongo_key = \"5HWaoDB9qLmZ7xTr2pKc8vNw\""
            )
            .len(),
            1
        );
        assert!(found(
            &SECRETS,
            "x.yml",
            "credentialsId: 'ff083f76-7804-4ef1-80e4-fe975bb9141b'"
        )
        .is_empty());
        assert!(found(
            &SECRETS,
            "x.js",
            "publicToken = \"9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit\""
        )
        .is_empty());
        assert!(found(
            &SECRETS,
            "pom.txt",
            "notes = \"Maven - io.jsonwebtoken:jjwt-jackson-0.11.2\""
        )
        .is_empty());
        assert!(found(&SECRETS, "ci.yml", "token: GITHUB_TOKEN").is_empty());
    }

    #[test]
    fn authorization_headers() {
        // base64 of "deploy:Winter2020!"
        let f = found(
            &SECRETS,
            "notes.sh",
            "curl -H 'Authorization: Basic ZGVwbG95OldpbnRlcjIwMjAh' https://x",
        );
        assert_eq!(f, vec![("Winter2020!".into(), Confidence::Medium)]);
        // A bare credential right after the header's name, and any header after `-H`.
        let f = found(
            &SECRETS,
            "notes.sh",
            "curl --header 'Authorization:  5eb4223e-5008-46e5-be67-c7b8f2732305' https://x",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        let f = found(
            &SECRETS,
            "notes.sh",
            "curl -H \"apikey: c4ed6c21-9dd5-4a05-8e3f-c56d1151cce8\" https://x",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        // Not a format string, nor a value further along a Digest header.
        for line in [
            "h = printf(\"Authorization: %.*s4-HMAC-SHA256 \", x);",
            "Authorization: Digest username=\"fddc3bc7b753b73ab0848fd83cb20cbbca971258eb8d20c941dd5e0b\"",
        ] {
            assert!(found(&SECRETS, "notes.txt", line).is_empty(), "{line}");
        }
    }

    #[test]
    fn connection_strings() {
        let f = found(
            &PASSWORDS,
            "appsettings.json",
            "\"DefaultConnection\": \"Server=db1;Database=app;User Id=app;Password=Kx9!mQ2pL;\"",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "Kx9!mQ2pL");
    }
}
