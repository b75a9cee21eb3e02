//! Detection: keyword prefilter, rule regexes, entropy and value gates, checksums, decoders
//! and allowlists, turning bytes into findings.
//!
//! `matcher` is the engine (setup, the keyword pass, candidate resolution); `decode`,
//! `filter`, `keywords`, `entropy` and `checksum` are leaves it uses; `check` runs every
//! rule against its own examples (`leakhound rules --check`).

pub mod check;
pub mod checksum;
pub mod decode;
pub mod entropy;
pub mod filter;
pub mod keywords;
pub mod matcher;
pub mod structure;

pub use matcher::{Detector, DetectorOptions, Scratch, Target};
