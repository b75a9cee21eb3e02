//! Sources: where the bytes come from. A source only enumerates: it hands each item (a
//! path, its kind and provenance) and a way to read its bytes to the gate (`crate::gate`),
//! which decides what is scanned and counts what is not. A source knows nothing of rules.
//!
//! - `fs`: files and directories (an ignore-aware parallel walk);
//! - `stdin`: standard input;
//! - `git`: the staged index and the git history, and the repository access they share.

pub mod fs;
pub mod git;
pub mod stdin;
