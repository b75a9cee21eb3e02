//! Rules as data: the TOML syntax, validation, the embedded defaults and how configs combine.
//! Nothing here depends on detection; checking rules against their examples is
//! `detect::check`.

pub mod allowlist;
pub mod builtin;
pub mod pattern;
pub mod rule;
pub mod set;
pub mod syntax;

pub use allowlist::Allowlist;
pub use rule::{Confidence, Rule, Severity};
pub use set::{ConfigError, LoadOptions, PolicyConfig, RuleSet};
pub use syntax::Remediation;
