//! Detection: keyword prefilter, rule regexes, entropy and randomness gates, checksums,
//! decoders and allowlists, turning bytes into findings.

pub mod checksum;
pub mod decode;
pub mod entropy;
pub mod filter;
pub mod keywords;
pub mod matcher;

pub use matcher::{Detector, Scratch, Target};
