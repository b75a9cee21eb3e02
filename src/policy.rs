//! The scan's policy: the files in the scanned tree that narrow what is reported
//! (`.leakhound.toml`, `.leakhound-baseline.json`, `.leakhoundignore`), and where they are
//! read from.
//!
//! The trust model: policy files found in the scanned tree can only narrow what is reported.
//! They are read through [`PolicyFiles`], which resolves repository-relative paths and
//! refuses any path that leaves the root (absolute, `..`, or a symlink pointing out), so an
//! `[extend] path` cannot make leakhound read outside the scanned tree; nothing in a policy
//! file names a command, a URL or an output path. A tree scan reads the working tree's
//! policy (whoever runs the scan owns it); a range scan reads the base side of the range
//! (`source::git::policy`), so the commits under review cannot change their own check.
//! Files named on the command line (`--config`, `--baseline`) are the user's and trusted.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The config file looked for at the root.
pub const CONFIG: &str = ".leakhound.toml";
/// The baseline looked for at the root.
pub const BASELINE: &str = ".leakhound-baseline.json";
/// gitignore-style patterns of paths not to scan.
pub const IGNORE: &str = ".leakhoundignore";

/// Reads policy files by `/`-separated path relative to the root they belong to.
pub trait PolicyFiles: Send + Sync {
    /// The file's bytes, `None` when there is no such file.
    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>>;
    /// How messages name a file, e.g. `.leakhound.toml` or `origin/main:.leakhound.toml`.
    fn name(&self, rel: &str) -> String;
    /// Every path asked for so far (found or not), in order: the files the policy depends on.
    fn asked(&self) -> Vec<String>;
}

/// `rel` resolved against the directory `dir` (both relative to a root), without leaving
/// the root: `None` for an absolute path, a Windows drive, or a `..` above the root.
pub fn join_inside(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.starts_with('\\') || rel.get(1..2) == Some(":") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// The directory part of a relative path (`""` at the root).
pub fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Policy files of a directory on disk, confined to it.
pub struct Worktree {
    root: PathBuf,
    asked: Mutex<Vec<String>>,
}

impl Worktree {
    pub fn new(root: &Path) -> Worktree {
        Worktree {
            root: root.to_path_buf(),
            asked: Mutex::new(Vec::new()),
        }
    }
}

impl PolicyFiles for Worktree {
    fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        if let Ok(mut a) = self.asked.lock() {
            a.push(rel.to_string());
        }
        let Some(rel) = join_inside("", rel) else {
            return Err(io::Error::other("the path leaves the scanned root"));
        };
        let path = self.root.join(&rel);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(None);
        }
        // A symlink in the tree may point anywhere: only follow it within the root.
        let (root, real) = (self.root.canonicalize()?, path.canonicalize()?);
        if !real.starts_with(&root) {
            return Err(io::Error::other(
                "a symbolic link leads outside the scanned root",
            ));
        }
        if !real.is_file() {
            return Ok(None);
        }
        std::fs::read(real).map(Some)
    }

    fn name(&self, rel: &str) -> String {
        if self.root == Path::new(".") || self.root.as_os_str().is_empty() {
            rel.to_string()
        } else {
            self.root.join(rel).display().to_string()
        }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

/// Reads a policy file as UTF-8 text; `None` when absent. Errors name the file.
pub fn read_text(files: &dyn PolicyFiles, rel: &str) -> anyhow::Result<Option<String>> {
    let name = files.name(rel);
    match files.read(rel) {
        Ok(None) => Ok(None),
        Ok(Some(bytes)) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{name}: not UTF-8 text")),
        Err(e) => Err(anyhow::anyhow!("{name}: {e}")),
    }
}

/// The root `.leakhoundignore` of a policy as a matcher for `/`-separated relative paths
/// (gitignore syntax), for sources that do not walk directories (the index, history).
pub fn ignore_matcher(
    files: &dyn PolicyFiles,
) -> anyhow::Result<Option<ignore::gitignore::Gitignore>> {
    let Some(text) = read_text(files, IGNORE)? else {
        return Ok(None);
    };
    let mut b = ignore::gitignore::GitignoreBuilder::new("");
    for (i, line) in text.lines().enumerate() {
        b.add_line(None, line)
            .map_err(|e| anyhow::anyhow!("{}:{}: {e}", files.name(IGNORE), i + 1))?;
    }
    let m = b
        .build()
        .map_err(|e| anyhow::anyhow!("{}: {e}", files.name(IGNORE)))?;
    Ok((!m.is_empty()).then_some(m))
}

/// Does `m` ignore `path` (or a directory above it)?
pub fn is_ignored(m: &ignore::gitignore::Gitignore, path: &str) -> bool {
    m.matched_path_or_any_parents(path, false).is_ignore()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_stay_inside_the_root() {
        assert_eq!(join_inside("", "base.toml").as_deref(), Some("base.toml"));
        assert_eq!(
            join_inside("conf", "../base.toml").as_deref(),
            Some("base.toml")
        );
        assert_eq!(
            join_inside("a/b", "./c/d.toml").as_deref(),
            Some("a/b/c/d.toml")
        );
        assert_eq!(join_inside("", "../outside.toml"), None);
        assert_eq!(join_inside("a", "../../x"), None);
        assert_eq!(join_inside("", "/etc/passwd"), None);
        assert_eq!(join_inside("", "C:\\x"), None);
        assert_eq!(join_inside("", "a\\..\\..\\x"), None);
        assert_eq!(join_inside("", "."), None);
    }

    #[test]
    fn worktree_refuses_what_leaves_it() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(outer.path().join("secret.txt"), "outside").unwrap();
        std::fs::write(root.join(CONFIG), "x").unwrap();
        let w = Worktree::new(&root);
        assert_eq!(w.read(CONFIG).unwrap().as_deref(), Some(&b"x"[..]));
        assert!(w.read("missing").unwrap().is_none());
        assert!(w.read("../secret.txt").is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outer.path().join("secret.txt"), root.join("l")).unwrap();
            assert!(w.read("l").is_err());
        }
        assert_eq!(w.asked()[0], CONFIG);
    }

    #[test]
    fn ignore_file_matches_paths_and_parents() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(IGNORE), "# c\nvendor/\n*.min.js\n/top.txt\n").unwrap();
        let m = ignore_matcher(&Worktree::new(d.path())).unwrap().unwrap();
        assert!(is_ignored(&m, "vendor/a/b.py"));
        assert!(is_ignored(&m, "web/app.min.js"));
        assert!(is_ignored(&m, "top.txt"));
        assert!(!is_ignored(&m, "src/top.txt"));
        assert!(!is_ignored(&m, "src/app.js"));
    }
}
