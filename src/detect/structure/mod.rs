//! Credential files by structure: where a well-known file keeps its secret.
//!
//! A `.pgpass` line's fifth field, a `.netrc` `password` token, the `auth` of a Docker
//! `config.json` registry, the `<password>` of a Maven `<server>`: in such positions a value
//! is a credential whatever it looks like, a weak human password or a UUID included, and
//! only the file's structure says so. Each format is an [`Extractor`] in a file of its own
//! here; a rule names it (`structure = "pgpass"` in `rules/*.toml`) and the matcher runs it
//! on the files it [`applies`](Extractor::applies) to. Its [`Field`]s pass the structural
//! gate (`matcher::resolve::judge_field`): placeholders, references and defaults are
//! dropped, but no randomness or dictionary test applies.
//!
//! A new format: one file implementing [`Extractor`], one line in [`REGISTRY`], one rule.

pub mod assign;
pub mod field;
pub mod pem;
pub mod text;

pub use field::{Extractor, Field, FieldKind};

/// Every extractor, by the name rules use.
pub static REGISTRY: &[(&str, &dyn Extractor)] = &[
    ("generic-password", &assign::PASSWORDS),
    ("generic-secret", &assign::SECRETS),
    ("pem-private-key", &pem::PLAIN),
    ("pem-encrypted-private-key", &pem::ENCRYPTED),
];

/// The extractor a rule names.
pub fn get(name: &str) -> Option<&'static dyn Extractor> {
    REGISTRY.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
}

/// Every rule of `rules` names a known structure; the error names the rule and its file.
pub fn check_names(rules: &crate::rules::RuleSet) -> Result<(), String> {
    for r in &rules.rules {
        if let Some(name) = r.structure.as_deref().filter(|n| get(n).is_none()) {
            let known: Vec<&str> = REGISTRY.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "{}: rule {:?}: unknown structure {name:?} (known: {})",
                r.origin,
                r.id,
                known.join(", ")
            ));
        }
    }
    Ok(())
}
