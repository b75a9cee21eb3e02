//! The default rules, embedded at build time from `rules/*.toml`: `build.rs` parses and
//! validates them and writes them out as Rust values, so that start-up parses no TOML.

use super::syntax::{AllowlistSyntax, ConfigSyntax, RuleSyntax, Text, VerifySyntax};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
