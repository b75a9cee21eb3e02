//! The files a repository tracks under a directory, read from its index: a tree scan adds
//! back the ones an ignore file hides. A `.env` committed before `.gitignore` listed it (or
//! added with `git add -f`) is in the repository all the same, and leaks from there.
//!
//! The index is read with gix-index (no re-hash of the file), or with libgit2 when it is a
//! split index gix could not merge. Only regular files and symlinks count: submodules and a
//! sparse index's directory entries are not files of this work tree.

use std::path::{Path, PathBuf};

/// The tracked files under `dir` (which is `repo_root` or inside it), as `dir.join(rel)`
/// with `rel` relative to `dir`; empty if `repo_root` holds no readable repository.
pub fn tracked_under(repo_root: &Path, dir: &Path) -> Vec<PathBuf> {
    let Ok(repo) = git2::Repository::open(repo_root) else {
        return Vec::new();
    };
    let Some(workdir) = repo.workdir() else {
        return Vec::new();
    };
    // Where `dir` is in the work tree, as an index path prefix (`a/b/`, or empty).
    let (Ok(work), Ok(here)) = (workdir.canonicalize(), dir.canonicalize()) else {
        return Vec::new();
    };
    let Ok(rel) = here.strip_prefix(&work) else {
        return Vec::new();
    };
    let mut prefix = rel.to_string_lossy().replace('\\', "/").into_bytes();
    if !prefix.is_empty() {
        prefix.push(b'/');
    }
    let paths = index_paths(&repo.path().join("index"))
        .or_else(|| {
            let index = repo.index().ok()?;
            Some(
                index
                    .iter()
                    .filter(|e| is_file_mode(e.mode))
                    .map(|e| e.path)
                    .collect(),
            )
        })
        .unwrap_or_default();
    paths
        .into_iter()
        .filter_map(|p| {
            let rest = p.strip_prefix(prefix.as_slice())?;
            let rest = std::str::from_utf8(rest).ok()?;
            Some(dir.join(rest))
        })
        .collect()
}

/// Regular files (0o100644, 0o100755) and symlinks (0o120000).
fn is_file_mode(mode: u32) -> bool {
    matches!(mode >> 12, 0o10 | 0o12)
}

/// The file entries' paths, read with gix-index; `None` for a split index.
fn index_paths(index_path: &Path) -> Option<Vec<Vec<u8>>> {
    let file =
        gix_index::File::at(index_path, gix_hash::Kind::Sha1, true, Default::default()).ok()?;
    if file.link().is_some() {
        return None;
    }
    Some(
        file.entries()
            .iter()
            .filter(|e| is_file_mode(e.mode.bits()))
            .map(|e| e.path(&file).to_vec())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
            .args(args)
            .current_dir(dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn tracked_files_under_a_directory_ignored_or_not() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        git(root, &["init", "-q"]);
        std::fs::create_dir_all(root.join("app/config")).unwrap();
        std::fs::write(root.join(".gitignore"), "*.env\n").unwrap();
        std::fs::write(root.join("app/config/prod.env"), "A=1\n").unwrap();
        std::fs::write(root.join("app/main.py"), "x = 1\n").unwrap();
        std::fs::write(root.join("top.txt"), "t\n").unwrap();
        git(root, &["add", "-f", "."]);
        let mut all: Vec<PathBuf> = tracked_under(root, root);
        all.sort();
        assert_eq!(
            all,
            [
                ".gitignore",
                "app/config/prod.env",
                "app/main.py",
                "top.txt"
            ]
            .iter()
            .map(|p| root.join(p))
            .collect::<Vec<_>>()
        );
        let app = root.join("app");
        let mut under: Vec<PathBuf> = tracked_under(root, &app);
        under.sort();
        assert_eq!(
            under,
            vec![app.join("config/prod.env"), app.join("main.py")]
        );
        assert!(tracked_under(&root.join("nowhere"), root).is_empty());
    }
}
