//! `leakhound config check [FILE]`: validate a configuration and say what it defines.

use super::{load_rules, RuleSettings, ROOT_CONFIG};
use crate::exit;
use anyhow::{bail, Result};
use std::path::PathBuf;

pub fn check(file: Option<PathBuf>) -> Result<i32> {
    let file = match file {
        Some(f) => f,
        None => {
            let f = PathBuf::from(ROOT_CONFIG);
            if !f.is_file() {
                bail!("no {ROOT_CONFIG} here; name the file to check");
            }
            f
        }
    };
    let shown = file.display().to_string();
    let set = load_rules(
        &RuleSettings {
            config: Some(file.clone()),
            ..Default::default()
        },
        None,
    )?;
    let defaults = crate::rules::RuleSet::builtin();
    let own: Vec<&str> = set
        .rules
        .iter()
        .filter(|r| set.config_files.iter().any(|f| *f == r.origin))
        .map(|r| r.id.as_ref())
        .collect();
    let kept_defaults = set.rules.len() - own.len();
    let disabled: Vec<&str> = defaults
        .rules
        .iter()
        .filter(|d| set.get(&d.id).is_none())
        .map(|d| d.id.as_ref())
        .collect();
    println!("{}: valid", crate::report::escape::visible(&shown));
    println!("  rules in force: {}", set.rules.len());
    println!(
        "  default rules kept: {kept_defaults} of {}",
        defaults.rules.len()
    );
    println!("  rules defined by the config: {}", own.len());
    for id in &own {
        println!("    + {}", crate::report::escape::visible(id));
    }
    if !disabled.is_empty() && disabled.len() <= 20 {
        for id in &disabled {
            println!("    - {id}");
        }
    } else if !disabled.is_empty() {
        println!("    - {} default rules not in force", disabled.len());
    }
    println!(
        "  allowlists: {} default, {} from the config",
        set.default_allowlists,
        set.allowlists.len() - set.default_allowlists
    );
    Ok(exit::CLEAN)
}
