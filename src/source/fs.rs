//! Files and directories: an ignore-aware parallel walk (the `ignore` crate).
//!
//! Hidden files are scanned (`.env`, `.npmrc` are where secrets live); `.git/` never is.
//! Symlinks are not followed unless asked (then `ignore` detects loops); FIFOs and devices
//! are skipped without being opened.

use super::{has_binary_extension, looks_binary, Skip, Stats};
use crate::detect::{Detector, Scratch, Target};
use crate::finding::Finding;
use ignore::{WalkBuilder, WalkState};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The gitignore-syntax file of paths leakhound should not scan.
pub const IGNORE_FILE: &str = ".leakhoundignore";

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub roots: Vec<PathBuf>,
    pub no_ignore: bool,
    pub follow: bool,
    pub max_file_size: u64,
    pub threads: usize,
}

/// A path as shown in reports: `/`-separated, without a leading `./`, lossy for non-UTF-8.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    let s = if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    };
    let mut t = s.as_str();
    while let Some(rest) = t.strip_prefix("./") {
        t = rest;
    }
    if t.is_empty() {
        ".".into()
    } else {
        t.to_string()
    }
}

/// How to name a walked file: relative to the root when a single directory is scanned,
/// otherwise as reached from the paths given.
fn report_path(path: &Path, single_dir_root: Option<&Path>) -> String {
    if let Some(root) = single_dir_root {
        if let Ok(rel) = path.strip_prefix(root) {
            if !rel.as_os_str().is_empty() {
                return display_path(rel);
            }
        }
    }
    display_path(path)
}

/// Reads up to `limit + 1` bytes into `buf` (so growth past the limit is noticed).
fn read_into(path: &Path, limit: u64, buf: &mut Vec<u8>) -> std::io::Result<()> {
    buf.clear();
    let f = std::fs::File::open(path)?;
    f.take(limit + 1).read_to_end(buf)?;
    Ok(())
}

/// Walks `opts.roots` and scans every file. Roots must exist (checked by the caller).
pub fn scan(opts: &WalkOptions, detector: &Detector, stats: &Stats) -> Vec<Finding> {
    let single_dir_root = match opts.roots.as_slice() {
        [r] if r.is_dir() => Some(r.clone()),
        _ => None,
    };
    let mut builder = WalkBuilder::new(&opts.roots[0]);
    for r in &opts.roots[1..] {
        builder.add(r);
    }
    let use_ignores = !opts.no_ignore;
    builder
        .hidden(false)
        .ignore(false)
        .git_ignore(use_ignores)
        .git_global(use_ignores)
        .git_exclude(use_ignores)
        .parents(use_ignores)
        .require_git(false)
        .follow_links(opts.follow)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    if use_ignores {
        builder.add_custom_ignore_filename(IGNORE_FILE);
    }
    let results: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let root_ref = single_dir_root.as_deref();
    builder.build_parallel().run(|| {
        let mut scratch = Scratch::default();
        let mut buf: Vec<u8> = Vec::new();
        let mut found: Vec<Finding> = Vec::new();
        let results = &results;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    stats.error(e.to_string());
                    return WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            if ft.is_dir() {
                return WalkState::Continue;
            }
            let path = entry.path();
            let shown = report_path(path, root_ref);
            if ft.is_symlink() {
                stats.skip(&shown, Skip::Symlink);
                return WalkState::Continue;
            }
            if !ft.is_file() {
                stats.skip(&shown, Skip::Special);
                return WalkState::Continue;
            }
            if detector.path_is_allowed(&shown) {
                stats.skip(&shown, Skip::Allowlisted);
                return WalkState::Continue;
            }
            found.clear();
            if has_binary_extension(&shown) {
                stats.skip(&shown, Skip::Binary);
                detector.detect_path(&shown, &mut found);
            } else {
                // No stat: reading at most max+1 bytes tells an oversized file just as well.
                if let Err(e) = read_into(path, opts.max_file_size, &mut buf) {
                    stats.error(format!("{shown}: {e}"));
                } else if buf.len() as u64 > opts.max_file_size {
                    stats.skip(&shown, Skip::TooLarge);
                    detector.detect_path(&shown, &mut found);
                } else if looks_binary(&buf) {
                    stats.skip(&shown, Skip::Binary);
                    detector.detect_path(&shown, &mut found);
                } else {
                    stats.scanned(buf.len());
                    let target = Target {
                        path: &shown,
                        data: &buf,
                        commit: None,
                    };
                    detector.detect(&target, &mut scratch, &mut found);
                }
            }
            if !found.is_empty() {
                if let Ok(mut r) = results.lock() {
                    r.append(&mut found);
                }
            }
            WalkState::Continue
        })
    });
    results.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths() {
        assert_eq!(display_path(Path::new("./a/b.txt")), "a/b.txt");
        assert_eq!(display_path(Path::new(".")), ".");
        assert_eq!(
            report_path(Path::new("root/x/y.rs"), Some(Path::new("root"))),
            "x/y.rs"
        );
    }
}
