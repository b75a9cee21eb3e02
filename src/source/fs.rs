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

/// Per-thread state of a scan.
struct Worker<'a> {
    opts: &'a WalkOptions,
    detector: &'a Detector,
    stats: &'a Stats,
    scratch: Scratch,
    buf: Vec<u8>,
    found: Vec<Finding>,
}

impl Worker<'_> {
    /// Scans one walked (or named) path: regular files only, never FIFOs or devices.
    fn visit(&mut self, path: &Path, shown: &str, ft: std::fs::FileType) {
        let (detector, stats, opts) = (self.detector, self.stats, self.opts);
        if ft.is_dir() {
            return;
        }
        if ft.is_symlink() {
            stats.skip(shown, Skip::Symlink);
            return;
        }
        if !ft.is_file() {
            stats.skip(shown, Skip::Special);
            return;
        }
        if detector.path_is_allowed(shown) {
            stats.skip(shown, Skip::Allowlisted);
            return;
        }
        if has_binary_extension(shown) {
            stats.skip(shown, Skip::Binary);
            detector.detect_path(shown, &mut self.found);
            return;
        }
        // No stat: reading at most max+1 bytes tells an oversized file just as well.
        if let Err(e) = read_into(path, opts.max_file_size, &mut self.buf) {
            stats.error(format!("{shown}: {e}"));
        } else if self.buf.len() as u64 > opts.max_file_size {
            stats.skip(shown, Skip::TooLarge);
            detector.detect_path(shown, &mut self.found);
        } else if looks_binary(&self.buf) {
            stats.skip(shown, Skip::Binary);
            detector.detect_path(shown, &mut self.found);
        } else {
            stats.scanned(self.buf.len());
            let target = Target {
                path: shown,
                data: &self.buf,
                commit: None,
            };
            detector.detect(&target, &mut self.scratch, &mut self.found);
        }
    }
}

/// Scans `opts.roots` (which must exist): named files directly, directories with an
/// ignore-aware parallel walk.
pub fn scan(opts: &WalkOptions, detector: &Detector, stats: &Stats) -> Vec<Finding> {
    let results: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let new_worker = || Worker {
        opts,
        detector,
        stats,
        scratch: Scratch::default(),
        buf: Vec::new(),
        found: Vec::new(),
    };
    // Files named on the command line are scanned even if an ignore file lists them, and
    // without starting the walker's threads (a pre-commit hook passes a handful of files).
    let (dirs, files): (Vec<&PathBuf>, Vec<&PathBuf>) = opts
        .roots
        .iter()
        .partition(|r| std::fs::metadata(r).map(|m| m.is_dir()).unwrap_or(false));
    let mut w = new_worker();
    for f in files {
        let ft = if opts.follow {
            std::fs::metadata(f)
        } else {
            std::fs::symlink_metadata(f)
        };
        match ft {
            Ok(m) => w.visit(f, &display_path(f), m.file_type()),
            Err(e) => stats.error(format!("{}: {e}", display_path(f))),
        }
    }
    let mut found = std::mem::take(&mut w.found);
    if dirs.is_empty() {
        return found;
    }
    let single_dir_root = match (opts.roots.len(), dirs.as_slice()) {
        (1, [r]) => Some(r.as_path()),
        _ => None,
    };
    let mut builder = WalkBuilder::new(dirs[0]);
    for r in &dirs[1..] {
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
    builder.build_parallel().run(|| {
        let mut w = new_worker();
        let results = &results;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    stats.error(e.to_string());
                    return WalkState::Continue;
                }
            };
            if let Some(ft) = entry.file_type() {
                let shown = report_path(entry.path(), single_dir_root);
                w.visit(entry.path(), &shown, ft);
            }
            if !w.found.is_empty() {
                if let Ok(mut r) = results.lock() {
                    r.append(&mut w.found);
                }
            }
            WalkState::Continue
        })
    });
    found.append(&mut results.into_inner().unwrap_or_default());
    found
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
