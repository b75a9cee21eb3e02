//! Loading rules: the embedded defaults, user configs, and how they combine.
//!
//! Combination, documented in the README:
//! - no config: the default rules and the default allowlist;
//! - a config that defines no rules (allowlists, disabled ids only) extends the defaults;
//! - a config that defines rules replaces the defaults, unless `[extend] use_default = true`,
//!   in which case its rules are added (a rule with a default's id overrides it);
//! - `[extend] path = "other.toml"` layers a config on top of another (a config found in the
//!   scanned tree may only extend files inside that tree: see `crate::policy`);
//! - `disabled_rules` (or gitleaks' `[extend] disabledRules`) removes rules by id.

use super::allowlist::Allowlist;
use super::builtin;
use super::pattern::Dialect;
use super::rule::Rule;
use super::syntax::{self, ConfigSyntax, Text};
use crate::policy::{self, PolicyFiles};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A configuration problem; every variant names the file, and the rule where there is one.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read config: {err}")]
    Read { file: String, err: std::io::Error },
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: rule {id:?}: {message}")]
    Rule {
        file: String,
        id: String,
        message: String,
    },
    #[error("{file}: duplicate rule id {id:?}")]
    Duplicate { file: String, id: String },
    #[error("{file}: {message}")]
    Other { file: String, message: String },
    #[error("no rules to apply: the configuration disables or replaces every rule")]
    Empty,
}

/// Every rule and global allowlist in force.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Global allowlists: the default one (unless turned off) followed by the configs'.
    pub allowlists: Vec<Allowlist>,
    /// How many of `allowlists` (at the front) are the built-in default allowlist.
    pub default_allowlists: usize,
    /// Problems that did not stop loading (gitleaks rules we cannot run, unknown disabled ids).
    pub warnings: Vec<String>,
    /// The config files that were read, in order.
    pub config_files: Vec<String>,
}

/// One parsed file, before combination.
struct Layer {
    rules: Vec<Rule>,
    allowlists: Vec<Allowlist>,
    disabled: Vec<String>,
    use_default: Option<bool>,
    default_allowlist: Option<bool>,
    extend_path: Option<String>,
    warnings: Vec<String>,
}

/// A config read from the scanned tree's policy files (confined to them).
#[derive(Clone)]
pub struct PolicyConfig {
    pub files: Arc<dyn PolicyFiles>,
    /// The config's path within the policy's root.
    pub path: String,
    /// The config looked for by its default name, rather than named: absent is no config.
    pub optional: bool,
}

impl std::fmt::Debug for PolicyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.files.name(&self.path))
    }
}

/// Where the rules come from.
#[derive(Debug, Default, Clone)]
pub struct LoadOptions {
    /// A config file the user named, to apply on top of (or instead of) the defaults; its
    /// `[extend] path` may lead anywhere.
    pub config: Option<PathBuf>,
    /// `config` lies inside the scanned tree: read like the tree's own config as far as
    /// trust goes (no verifiers; its rules' matches are never sent anywhere).
    pub config_in_tree: bool,
    /// Else a config from the scanned tree's policy.
    pub policy_config: Option<PolicyConfig>,
    /// Drop the default allowlist (lock files, vendored code, ...).
    pub no_default_allowlist: bool,
    /// Keep the rules' examples (for `rules --check`); scans load the rules without them.
    pub with_examples: bool,
}

fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parses and validates one user config file; its regexes compile eagerly so that errors
/// surface before the scan.
fn parse_layer(file: &str, src: &str) -> Result<Layer, ConfigError> {
    let syntax: ConfigSyntax = toml::from_str(src).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_col(src, s.start));
        ConfigError::Syntax {
            file: file.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    // The dialect, from the document's keys (a second parse of a small file).
    let gitleaks =
        toml::from_str::<toml::Table>(src).is_ok_and(|doc| syntax::is_gitleaks_dialect(&doc));
    build_layer(
        &Text::Owned(file.to_string()),
        syntax,
        if gitleaks {
            Dialect::Go
        } else {
            Dialect::Native
        },
    )
}

/// Validates a parsed file. The embedded rules (`Dialect::Trusted`) were validated by the
/// build and compile lazily.
fn build_layer(file: &Text, syntax: ConfigSyntax, dialect: Dialect) -> Result<Layer, ConfigError> {
    let builtin = dialect == Dialect::Trusted;
    let lenient = dialect == Dialect::Go;
    let mut warnings = Vec::new();
    let mut seen = HashSet::new();
    let mut rules = Vec::with_capacity(syntax.rules.len());
    for rs in syntax.rules {
        let id = rs.id.clone();
        // The embedded rules' ids were checked for duplicates by the build.
        // Ids are printed in every report: no control characters, and none that could
        // start a CI workflow command (`::`).
        if !builtin && (id.chars().any(char::is_control) || id.trim_start().starts_with(':')) {
            return Err(ConfigError::Rule {
                file: file.to_string(),
                id: id.into_owned(),
                message: "a rule id may not hold control characters or begin with ':'".into(),
            });
        }
        if !builtin && !seen.insert(id.clone()) {
            return Err(ConfigError::Duplicate {
                file: file.to_string(),
                id: id.into_owned(),
            });
        }
        if !rs.required.is_empty() {
            warnings.push(format!(
                "{file}: rule {id:?}: composite rules ([[rules.required]]) are not supported; \
                 the rule runs on its own regex alone"
            ));
        }
        let rule_err = |message: String| ConfigError::Rule {
            file: file.to_string(),
            id: id.to_string(),
            message,
        };
        let rule = match Rule::from_syntax(rs, file, dialect) {
            Ok(r) => r,
            Err(m) if lenient => {
                warnings.push(format!("{file}: rule {id:?} skipped: {m}"));
                continue;
            }
            Err(m) => return Err(rule_err(m)),
        };
        if !builtin {
            if let (Some(g), Some(re)) = (rule.secret_group, rule.regex.as_ref()) {
                if g > re.captures_len() {
                    return Err(rule_err(format!(
                        "secret_group {g} but the regex has only {} capture group(s)",
                        re.captures_len()
                    )));
                }
            }
            let compiled = rule
                .regex
                .iter()
                .chain(rule.path.iter())
                .try_for_each(|p| p.compiled().map(|_| ()));
            if let Err(m) = compiled {
                let m = format!("regex cannot be compiled: {m}");
                if lenient {
                    warnings.push(format!("{file}: rule {id:?} skipped: {m}"));
                    continue;
                }
                return Err(rule_err(m));
            }
        }
        rules.push(rule);
    }
    let mut allowlists = Vec::new();
    for a in syntax.allowlist.iter().chain(syntax.allowlists.iter()) {
        let al = Allowlist::build(a, dialect).map_err(|message| ConfigError::Other {
            file: file.to_string(),
            message: format!("allowlist: {message}"),
        })?;
        allowlists.push(al);
    }
    let extend = syntax.extend.unwrap_or_default();
    let mut disabled = syntax.disabled_rules;
    disabled.extend(extend.disabled_rules);
    Ok(Layer {
        rules,
        allowlists,
        disabled,
        use_default: extend.use_default,
        default_allowlist: extend.default_allowlist,
        extend_path: extend.path,
        warnings,
    })
}

fn read_layer(path: &Path, depth: usize) -> Result<Vec<(String, Layer)>, ConfigError> {
    let file = path.display().to_string();
    if depth > 4 {
        return Err(ConfigError::Other {
            file,
            message: "[extend] path nests more than 4 deep (a cycle?)".into(),
        });
    }
    let src = std::fs::read_to_string(path).map_err(|err| ConfigError::Read {
        file: file.clone(),
        err,
    })?;
    let layer = parse_layer(&file, &src)?;
    let mut layers = Vec::new();
    if let Some(base) = &layer.extend_path {
        let base = path.parent().unwrap_or(Path::new(".")).join(base);
        layers = read_layer(&base, depth + 1)?;
    }
    layers.push((file, layer));
    Ok(layers)
}

/// A layer from the scanned tree: it may not say where secrets are sent (scanning a hostile
/// repository with --verify must reach no host the binary does not know), and its rules'
/// matches are never sent anywhere.
fn untrusted(file: String, mut layer: Layer) -> Result<(String, Layer), ConfigError> {
    if let Some(r) = layer.rules.iter().find(|r| r.verify.is_some()) {
        return Err(ConfigError::Rule {
            file,
            id: r.id.to_string(),
            message: "[rules.verify] is read only from the embedded rules or a config named \
                      with --config outside the scanned tree: a config in the tree cannot \
                      send secrets anywhere"
                .into(),
        });
    }
    for r in &mut layer.rules {
        r.trusted = false;
    }
    Ok((file, layer))
}

/// Reads a config from policy files, following `[extend] path` only within them.
fn read_policy_layer(
    files: &dyn PolicyFiles,
    rel: &str,
    depth: usize,
    optional: bool,
) -> Result<Vec<(String, Layer)>, ConfigError> {
    let file = files.name(rel);
    if depth > 4 {
        return Err(ConfigError::Other {
            file,
            message: "[extend] path nests more than 4 deep (a cycle?)".into(),
        });
    }
    let src = match files.read(rel) {
        Ok(Some(bytes)) => String::from_utf8(bytes).map_err(|_| ConfigError::Other {
            file: file.clone(),
            message: "not UTF-8 text".into(),
        })?,
        Ok(None) if optional => return Ok(Vec::new()),
        Ok(None) => {
            let err = std::io::Error::from(std::io::ErrorKind::NotFound);
            return Err(ConfigError::Read { file, err });
        }
        Err(err) => return Err(ConfigError::Read { file, err }),
    };
    let (file, layer) = untrusted(file.clone(), parse_layer(&file, &src)?)?;
    let mut layers = Vec::new();
    if let Some(base) = &layer.extend_path {
        let Some(next) = policy::join_inside(policy::dir_of(rel), base) else {
            return Err(ConfigError::Other {
                file,
                message: format!(
                    "[extend] path {base:?} leaves the scanned tree: a config found in the \
                     tree may only extend files inside it (name a shared config with --config)"
                ),
            });
        };
        layers = read_policy_layer(files, &next, depth + 1, false)?;
    }
    layers.push((file, layer));
    Ok(layers)
}

impl RuleSet {
    /// The embedded default rules and default allowlist.
    pub fn builtin() -> RuleSet {
        Self::load(&LoadOptions::default()).expect("embedded rules are valid (checked by tests)")
    }

    pub fn load(opts: &LoadOptions) -> Result<RuleSet, ConfigError> {
        let mut set = RuleSet::default();
        let mut builtin_rules = Vec::with_capacity(builtin::RULE_COUNT);
        let mut default_allow = Vec::new();
        for (file, make) in builtin::LAYERS {
            let allowlists = make(opts.with_examples, &mut builtin_rules);
            for a in &allowlists {
                let al = Allowlist::build(a, Dialect::Trusted).map_err(|message| {
                    ConfigError::Other {
                        file: file.to_string(),
                        message: format!("allowlist: {message}"),
                    }
                })?;
                default_allow.push(al);
            }
        }
        let layers = match (&opts.config, &opts.policy_config) {
            (Some(p), _) if opts.config_in_tree => read_layer(p, 0)?
                .into_iter()
                .map(|(file, layer)| untrusted(file, layer))
                .collect::<Result<_, _>>()?,
            (Some(p), _) => read_layer(p, 0)?,
            (None, Some(pc)) => read_policy_layer(pc.files.as_ref(), &pc.path, 0, pc.optional)?,
            (None, None) => Vec::new(),
        };
        let mut rules: Vec<Rule> = builtin_rules;
        let mut allowlists = Vec::new();
        let mut use_default_allowlist = !opts.no_default_allowlist;
        let mut disabled: Vec<(String, String)> = Vec::new();
        for (file, layer) in layers {
            set.config_files.push(file.clone());
            set.warnings.extend(layer.warnings);
            let replace = !layer.rules.is_empty() && layer.use_default != Some(true)
                || layer.use_default == Some(false);
            if replace {
                rules.clear();
            }
            let mut index: HashMap<Text, usize> = rules
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), i))
                .collect();
            for r in layer.rules {
                match index.get(&r.id) {
                    Some(&i) => rules[i] = r,
                    None => {
                        index.insert(r.id.clone(), rules.len());
                        rules.push(r);
                    }
                }
            }
            allowlists.extend(layer.allowlists);
            if layer.default_allowlist == Some(false) {
                use_default_allowlist = false;
            }
            disabled.extend(layer.disabled.into_iter().map(|d| (file.clone(), d)));
        }
        for (file, id) in &disabled {
            let before = rules.len();
            rules.retain(|r| &r.id != id);
            if rules.len() == before {
                set.warnings
                    .push(format!("{file}: disabled rule {id:?} does not exist"));
            }
        }
        if rules.is_empty() {
            return Err(ConfigError::Empty);
        }
        if use_default_allowlist {
            set.default_allowlists = default_allow.len();
            set.allowlists = default_allow;
        }
        set.allowlists.extend(allowlists);
        set.rules = rules;
        Ok(set)
    }

    /// Parses and validates one config file's text on its own (as `config check` and the
    /// fuzzer do); returns how many rules it defines.
    pub fn parse_config_str(file: &str, src: &str) -> Result<usize, ConfigError> {
        parse_layer(file, src).map(|l| l.rules.len())
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_error_has_line_and_column() {
        let e = parse_layer("c.toml", "[[rules]]\nid = \"x\"\nregex = \n")
            .err()
            .unwrap();
        let msg = e.to_string();
        assert!(msg.starts_with("c.toml:3:"), "{msg}");
    }

    #[test]
    fn unknown_field_is_named() {
        let e = parse_layer("c.toml", "[[rules]]\nid = \"x\"\nregexx = \"a\"\n")
            .err()
            .unwrap();
        assert!(e.to_string().contains("regexx"), "{e}");
    }

    #[test]
    fn hostile_ids_rejected() {
        for id in ["::stop-commands::x", "a\\u001b[2Jb", "x\\ny"] {
            let src = format!("[[rules]]\nid = \"{id}\"\nregex = \"a\"\n");
            let e = parse_layer("c.toml", &src).err().unwrap().to_string();
            assert!(e.contains("control characters"), "{e}");
        }
    }

    #[test]
    fn duplicate_ids_rejected() {
        let src = "[[rules]]\nid = \"x\"\nregex = \"a\"\n[[rules]]\nid = \"x\"\nregex = \"b\"\n";
        let e = parse_layer("c.toml", src).err().unwrap();
        assert!(matches!(e, ConfigError::Duplicate { .. }));
    }

    #[test]
    fn bad_regex_names_rule() {
        let src = "[[rules]]\nid = \"broken\"\nregex = \"(a\"\n";
        let e = parse_layer("c.toml", src).err().unwrap().to_string();
        assert!(e.contains("broken") && e.contains("regex"), "{e}");
    }

    #[test]
    fn gitleaks_dialect_skips_bad_rules() {
        let src = "[[rules]]\nid = \"broken\"\nregex = \"(a\"\n[[rules]]\nid = \"ok\"\nregex = \"b\"\nsecretGroup = 0\n";
        let l = parse_layer("c.toml", src).ok().unwrap();
        assert_eq!(l.rules.len(), 1);
        assert!(l.warnings[0].contains("broken"));
    }

    #[test]
    fn a_native_config_mentioning_title_stays_strict() {
        let src = "title = \"team rules\"\n[[rules]]\nid = \"broken\"\ndescription = \"title\"\nregex = \"(a\"\n";
        let e = parse_layer("c.toml", src).err().unwrap().to_string();
        assert!(e.contains("broken") && e.contains("regex"), "{e}");
    }

    #[test]
    fn builtin_loads() {
        let set = RuleSet::builtin();
        assert!(set.rules.len() >= 60, "{} rules", set.rules.len());
        assert!(set.default_allowlists > 0);
    }
}
