//! leakhound: a fast secret scanner for working trees, staged changes and git history.
//!
//! Data flows one way: [`source`] (a directory walk, stdin, the staged index, git history:
//! bytes and where they came from) -> [`gate`] (one place decides what is scanned and counts
//! what is not) -> [`detect`] (rules, keyword prefilter, regexes, entropy, decoders,
//! allowlists) -> [`finding`] -> [`baseline`] -> [`report`]. [`rules`] is the rule data
//! detection runs. [`policy`] is where a scan's own config, baseline and ignore file are read
//! from, and what they may do. [`cli`] turns the command line into settings and [`cmd`] runs one
//! subcommand each; `main.rs` only calls [`cli::main`].

pub mod atomic;
pub mod baseline;
pub mod cli;
pub mod cmd;
pub mod detect;
pub mod exit;
pub mod finding;
pub mod fix;
pub mod gate;
pub mod policy;
pub mod report;
pub mod rules;
pub mod source;
pub mod verify;
