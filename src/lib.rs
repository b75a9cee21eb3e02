//! leakhound: a fast secret scanner for working trees, staged changes and git history.
//!
//! Data flows one way: [`source`] (bytes and where they came from) -> [`detect`] (rules,
//! keyword prefilter, regexes, entropy, decoders, allowlists) -> [`finding`] -> [`baseline`]
//! -> [`report`]. [`cli`] turns the command line into settings and [`cmd`] runs one
//! subcommand each; `main.rs` only calls [`cli::main`].

// zlib-rs exports the zlib C API; linking it makes libgit2 inflate with it.
use libz_rs_sys as _;

pub mod baseline;
pub mod cli;
pub mod cmd;
pub mod detect;
pub mod exit;
pub mod finding;
pub mod report;
pub mod rules;
pub mod source;
