//! Files and directories as a source: an ignore-aware parallel walk (the `ignore` crate)
//! handing every entry to the gate.
//!
//! Hidden files are scanned (`.env`, `.npmrc` are where secrets live); `.git/` never is.
//! Git's ignore files count inside a repository only (as in ripgrep), and there they hide
//! untracked files only: a file the repository tracks is scanned even if `.gitignore` lists
//! it (a `.env` committed before it was ignored leaks from the repository all the same).
//! `.leakhoundignore` counts everywhere.
//! Symlinks are not followed unless asked (then `ignore` detects loops); FIFOs and devices
//! are skipped without being opened.

use crate::finding::Finding;
use crate::gate::{Content, Gate, Item, Kind, Origin, Worker};
use ignore::{WalkBuilder, WalkState};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The gitignore-syntax file of paths leakhound should not scan.
pub const IGNORE_FILE: &str = crate::policy::IGNORE;

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    pub roots: Vec<PathBuf>,
    pub no_ignore: bool,
    pub follow: bool,
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

/// A file's content, read only if the gate lets it through: at most `limit + 1` bytes, so
/// no stat is needed to notice an oversized file.
struct FileContent<'a>(&'a Path);

impl Content for FileContent<'_> {
    fn read<'a>(&'a mut self, limit: u64, buf: &'a mut Vec<u8>) -> std::io::Result<&'a [u8]> {
        buf.clear();
        std::fs::File::open(self.0)?
            .take(limit + 1)
            .read_to_end(buf)?;
        Ok(buf)
    }
}

/// What a walked or named path is, for the gate (FIFOs and devices are never opened).
fn kind(ft: std::fs::FileType) -> Kind {
    if ft.is_symlink() {
        Kind::Symlink
    } else if ft.is_file() {
        Kind::File
    } else {
        Kind::Special
    }
}

/// Hands one walked (or named) path to the gate; directories are the walker's business.
fn visit(gate: &Gate, w: &mut Worker, path: &Path, shown: &str, ft: std::fs::FileType) {
    if !ft.is_dir() {
        let item = Item {
            path: shown,
            kind: kind(ft),
            origin: Origin::File,
        };
        gate.scan(&item, &mut FileContent(path), w);
    }
}

/// Scans `opts.roots` (which must exist): named files directly, directories with an
/// ignore-aware parallel walk.
pub fn scan(opts: &WalkOptions, gate: &Gate) -> Vec<Finding> {
    let results: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    // Files named on the command line are scanned even if an ignore file lists them, and
    // without starting the walker's threads (a pre-commit hook passes a handful of files).
    let (dirs, files): (Vec<&PathBuf>, Vec<&PathBuf>) = opts
        .roots
        .iter()
        .partition(|r| std::fs::metadata(r).map(|m| m.is_dir()).unwrap_or(false));
    let mut w = Worker::default();
    for f in files {
        let ft = if opts.follow {
            std::fs::metadata(f)
        } else {
            std::fs::symlink_metadata(f)
        };
        match ft {
            Ok(m) => visit(gate, &mut w, f, &display_path(f), m.file_type()),
            Err(e) => gate.stats.error(format!("{}: {e}", display_path(f))),
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
        .follow_links(opts.follow)
        .threads(opts.threads);
    // Work trees met on the way (the `.git` beside them), and every file walked: the tracked
    // files an ignore file hid are scanned after the walk.
    let repos: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    let walked: Mutex<Vec<PathBuf>> = Mutex::default();
    {
        let repos = Arc::clone(&repos);
        builder.filter_entry(move |e| {
            if e.file_name() != ".git" {
                return true;
            }
            if let (Some(parent), Ok(mut r)) = (e.path().parent(), repos.lock()) {
                r.push(parent.to_path_buf());
            }
            false
        });
    }
    if use_ignores {
        builder.add_custom_ignore_filename(IGNORE_FILE);
    }
    builder.build_parallel().run(|| {
        let mut w = Worker::default();
        let results = &results;
        let mut seen = Seen {
            mine: Vec::new(),
            all: &walked,
        };
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    gate.stats.error(e.to_string());
                    return WalkState::Continue;
                }
            };
            if let Some(ft) = entry.file_type() {
                let shown = report_path(entry.path(), single_dir_root);
                visit(gate, &mut w, entry.path(), &shown, ft);
                if use_ignores && !ft.is_dir() {
                    seen.mine.push(entry.path().to_path_buf());
                }
            }
            if !w.found.is_empty() {
                if let Ok(mut r) = results.lock() {
                    r.append(&mut w.found);
                }
            }
            WalkState::Continue
        })
    });
    if use_ignores {
        let walked = walked.into_inner().unwrap_or_default();
        let nested = repos.lock().map(|r| r.clone()).unwrap_or_default();
        let mut w = Worker::default();
        for p in hidden_tracked(&dirs, nested, walked) {
            if let Ok(m) = std::fs::symlink_metadata(&p) {
                visit(
                    gate,
                    &mut w,
                    &p,
                    &report_path(&p, single_dir_root),
                    m.file_type(),
                );
            }
        }
        found.append(&mut w.found);
    }
    found.append(&mut results.into_inner().unwrap_or_default());
    found
}

/// The files one walker thread saw, handed over when the thread is done with them.
struct Seen<'a> {
    mine: Vec<PathBuf>,
    all: &'a Mutex<Vec<PathBuf>>,
}

impl Drop for Seen<'_> {
    fn drop(&mut self) {
        if let Ok(mut all) = self.all.lock() {
            all.append(&mut self.mine);
        }
    }
}

/// The files that repositories track under `roots` but the walk did not see (an ignore
/// file hid them), minus those `.leakhoundignore` excludes. `nested` are the work trees the
/// walk met; the repository a root is inside of is looked up here.
fn hidden_tracked(roots: &[&PathBuf], nested: Vec<PathBuf>, walked: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut work: Vec<(PathBuf, PathBuf)> = nested.into_iter().map(|r| (r.clone(), r)).collect();
    for root in roots {
        if let Ok(repo) = crate::source::git::Repo::discover(root) {
            if let Some(wd) = repo.workdir() {
                work.push((wd.to_path_buf(), root.to_path_buf()));
            }
        }
    }
    if work.is_empty() {
        return Vec::new();
    }
    // A root that is a work tree's top is met twice (its `.git`, and the lookup above):
    // its index is read once.
    let mut met = HashSet::new();
    work.retain(|(repo, dir)| met.insert((repo.canonicalize().ok(), dir.canonicalize().ok())));
    let mut walked: HashSet<PathBuf> = walked.into_iter().collect();
    let mut ignores: HashMap<PathBuf, Option<ignore::gitignore::Gitignore>> = HashMap::new();
    let mut out = Vec::new();
    for (repo_root, dir) in work {
        for p in crate::source::git::tracked::tracked_under(&repo_root, &dir) {
            let Some(root) = roots.iter().find(|r| p.starts_with(r)) else {
                continue;
            };
            if walked.contains(&p) || leakhound_ignored(root, &p, &mut ignores) {
                continue;
            }
            walked.insert(p.clone());
            out.push(p);
        }
    }
    out
}

/// Does a `.leakhoundignore` between `root` and `path` exclude it?
fn leakhound_ignored(
    root: &Path,
    path: &Path,
    cache: &mut HashMap<PathBuf, Option<ignore::gitignore::Gitignore>>,
) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut dir = root.to_path_buf();
    let mut parts: Vec<_> = rel.components().collect();
    parts.pop();
    for i in 0..=parts.len() {
        if i > 0 {
            dir.push(parts[i - 1]);
        }
        let g = cache.entry(dir.clone()).or_insert_with(|| {
            let f = dir.join(IGNORE_FILE);
            f.is_file().then(|| ignore::gitignore::Gitignore::new(&f).0)
        });
        if g.as_ref()
            .is_some_and(|g| g.matched_path_or_any_parents(path, false).is_ignore())
        {
            return true;
        }
    }
    false
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
