//! The default rules, embedded at build time from `rules/*.toml` (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
