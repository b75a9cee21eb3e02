//! Reports: findings out, in the format asked for. Every format masks secrets unless the user
//! passed `--show-secrets`. A report needs only the findings and a [`Context`]; nothing here
//! depends on the detector. A new format is one file here and one arm in [`write`].

pub mod context;
pub mod csv;
pub mod escape;
pub mod github;
pub mod html;
pub mod input;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

pub use context::{Context, Note};

use crate::finding::Finding;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Sarif,
    Junit,
    Csv,
    Html,
}

/// Writes `findings` (already sorted) in `format`.
pub fn write(
    format: Format,
    findings: &[Finding],
    ctx: &Context,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(findings, ctx, out),
        Format::Json => json::write(findings, ctx, out, false),
        Format::Jsonl => json::write(findings, ctx, out, true),
        Format::Sarif => sarif::write(findings, ctx, out),
        Format::Junit => junit::write(findings, ctx, out),
        Format::Csv => csv::write(findings, ctx, out),
        Format::Html => html::write(findings, ctx, out),
    }
}

/// Writes a report file atomically: a temporary file in the same directory, then a rename,
/// so a reader never sees half a report and a failed run never truncates the old one. The
/// file gets the temporary file's mode (0600 on Unix).
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> io::Result<()> {
    crate::atomic::write(path, bytes, None)
}
