//! The default rules, embedded at build time from `rules/*.toml`: `build.rs` parses and
//! validates them and writes them out as ready `Rule` values whose text is borrowed from the
//! binary, so that start-up parses no TOML and copies no string.

use super::allowlist::Allowlist;
use super::pattern::{Dialect, Pattern};
use super::rule::{Checksum, Confidence, Rule, Severity};
use super::syntax::{AllowlistSyntax, Remediation, Text, VerifySyntax};
use std::borrow::Cow;

/// A rule's own allowlist, built from its syntax (validated by the build and the tests).
fn allow(a: AllowlistSyntax) -> Allowlist {
    Allowlist::build(&a, Dialect::Trusted).expect("embedded allowlists are valid")
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
