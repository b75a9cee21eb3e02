//! The staged change, found fast: which index entries differ from HEAD.
//!
//! The index is read with `gix-index`, without re-hashing the file (libgit2 always hashes
//! it: 25 ms for 50,000 entries). Its entries are sorted by path, and a tree lists its
//! entries in an order that agrees with that sort, so HEAD's trees and the index are walked
//! together, directory by directory, like a merge: a directory whose cache-tree entry (the
//! index extension that git keeps on commit and invalidates along the paths `git add`
//! touches) is valid and equal to HEAD's tree is skipped whole, by a binary search over the
//! entries, and HEAD's trees are read only where they are needed, with the same gix reader as
//! the history scan's. Without any cache tree (after `git reset`, or an index written by a
//! tool that drops it) every tree of HEAD is read once, as git itself must.
//!
//! The answer is `None` where only a full diff can decide (conflicts, a sparse index's
//! directory entry that differs from HEAD), and says so when additions come with deletions,
//! which may be renames that libgit2's similarity detection would pair (see `diff`).

use super::objects::{EntryKind, ObjectId, Objects};
use gix_index::extension::Tree as CacheTree;
use std::cmp::Ordering;
use std::ops::Range;
use std::path::Path;

/// One staged blob that HEAD does not have at that path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub new: ObjectId,
    /// The index entry's mode (0o100644, 0o100755, 0o120000, 0o160000).
    pub mode: u32,
    /// The file this one replaces (HEAD's blob at this path, or the source of a rename),
    /// when both are regular files: only the added lines are new.
    pub old: Option<ObjectId>,
}

/// What the fast path found.
#[derive(Debug, Clone)]
pub struct Staged {
    pub changes: Vec<Change>,
    /// Paths were both added and deleted: some additions may be renames, whose unchanged
    /// lines are not new.
    pub maybe_renames: bool,
}

const MODE_TREE: u32 = 0o040000;

/// One entry of a HEAD tree.
struct HeadEntry {
    name: Vec<u8>,
    id: ObjectId,
    mode: u32,
    is_tree: bool,
}

/// Git's order of names within a tree: a directory sorts as if its name ended in `/`.
fn tree_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal => {
            let end = |s: &[u8], dir: bool| s.get(n).copied().unwrap_or(if dir { b'/' } else { 0 });
            end(a, a_dir).cmp(&end(b, b_dir))
        }
        other => other,
    }
}

/// The state of one walk.
struct Walk<'a> {
    file: &'a gix_index::File,
    objects: &'a mut Objects,
    changes: Vec<Change>,
    /// Did the change add a path, and did it delete one (together: perhaps a rename)?
    added: bool,
    deleted: bool,
}

/// Why the fast path gives up.
struct Undecided;

impl Walk<'_> {
    /// The end of the run of entries, from the start of `range`, whose paths start with
    /// `dir` (which ends in `/`): a binary search, so a clean directory costs its depth.
    fn dir_end(&self, range: &Range<usize>, dir: &[u8]) -> usize {
        let entries = &self.file.entries()[range.start..range.end];
        range.start + entries.partition_point(|e| e.path(self.file).starts_with(dir))
    }

    fn head_entries(&mut self, tree: &ObjectId) -> Result<Vec<HeadEntry>, Undecided> {
        let mut out = Vec::new();
        self.objects
            .tree(tree, |e| {
                out.push(HeadEntry {
                    name: e.name.to_vec(),
                    id: e.id.to_owned(),
                    mode: e.mode,
                    is_tree: e.kind == EntryKind::Tree,
                })
            })
            .map_err(|_| Undecided)?;
        Ok(out)
    }

    /// Every entry in `range` is new.
    fn all_added(&mut self, range: Range<usize>) -> Result<(), Undecided> {
        for i in range {
            self.entry(i, None)?;
        }
        Ok(())
    }

    /// Index entry `i`, against HEAD's entry at the same path (if it is a file).
    fn entry(&mut self, i: usize, head: Option<&HeadEntry>) -> Result<(), Undecided> {
        let e = &self.file.entries()[i];
        if e.flags.stage_raw() != 0 {
            return Err(Undecided);
        }
        let mode = e.mode.bits();
        if e.flags.contains(gix_index::entry::Flags::INTENT_TO_ADD) {
            // `git add -N`: the path is known, no content is staged (git's own diff of the
            // index does not show it either).
            return Ok(());
        }
        if mode == MODE_TREE {
            // A sparse index's directory: unchanged only if it is HEAD's tree.
            return match head {
                Some(h) if h.is_tree && h.id == e.id => Ok(()),
                _ => Err(Undecided),
            };
        }
        let is_file = |m: u32| m == 0o100644 || m == 0o100755;
        let old = match head {
            Some(h) if h.id == e.id => return Ok(()),
            // Only a file replacing a file has unchanged lines; a file replacing a symlink or
            // a submodule is new content all through.
            Some(h) => (is_file(h.mode) && is_file(mode)).then_some(h.id),
            None => None,
        };
        self.added |= old.is_none() && head.is_none();
        self.changes.push(Change {
            path: String::from_utf8_lossy(e.path(self.file)).into_owned(),
            new: e.id,
            mode,
            old,
        });
        Ok(())
    }

    /// Compares the entries in `range`, all under `prefix` (`""` or ending in `/`), with
    /// HEAD's tree there (`None`: HEAD has no such directory).
    fn dir(
        &mut self,
        prefix: &[u8],
        range: Range<usize>,
        head: Option<ObjectId>,
        cache: Option<&CacheTree>,
    ) -> Result<(), Undecided> {
        let Some(head) = head else {
            return self.all_added(range);
        };
        if cache.is_some_and(|c| c.num_entries.is_some() && c.id == head) {
            return Ok(());
        }
        let tree = self.head_entries(&head)?;
        let mut t = 0;
        let mut i = range.start;
        let mut dir = prefix.to_vec();
        while i < range.end {
            // `file` outlives `self`'s borrow: the path is not copied.
            let file = self.file;
            let rel = &file.entries()[i].path(file)[prefix.len()..];
            let (name, is_dir) = match memchr::memchr(b'/', rel) {
                Some(s) => (&rel[..s], true),
                None => (rel, false),
            };
            // HEAD's entries before this one are gone from the index.
            while t < tree.len()
                && tree_order(&tree[t].name, tree[t].is_tree, name, is_dir) == Ordering::Less
            {
                self.deleted = true;
                t += 1;
            }
            let same = t < tree.len()
                && tree_order(&tree[t].name, tree[t].is_tree, name, is_dir) == Ordering::Equal;
            if is_dir && rel.len() == name.len() + 1 {
                // A sparse index's directory entry (`dir/`, mode 040000): a tree id to
                // compare with HEAD's, not a directory to enter.
                self.entry(i, same.then(|| &tree[t]))?;
                i += 1;
            } else if is_dir {
                dir.truncate(prefix.len());
                dir.extend_from_slice(name);
                dir.push(b'/');
                let end = self.dir_end(&(i..range.end), &dir);
                let sub = cache.and_then(|c| c.children.iter().find(|k| k.name[..] == *name));
                let head_sub = same.then(|| tree[t].id);
                let child = dir.clone();
                self.dir(&child, i..end, head_sub, sub)?;
                i = end;
            } else {
                self.entry(i, same.then(|| &tree[t]))?;
                i += 1;
            }
            if same {
                t += 1;
            }
        }
        if t < tree.len() {
            self.deleted = true;
        }
        Ok(())
    }
}

/// The staged changes, from the index at `index_path` and HEAD's root tree `head`.
pub fn staged_changes(index_path: &Path, objects: &mut Objects, head: &ObjectId) -> Option<Staged> {
    let file =
        gix_index::File::at(index_path, gix_hash::Kind::Sha1, true, Default::default()).ok()?;
    // A split index whose shared part could not be merged in: leave it to libgit2.
    if file.link().is_some() {
        return None;
    }
    let cache = file.tree();
    let mut walk = Walk {
        file: &file,
        objects,
        changes: Vec::new(),
        added: false,
        deleted: false,
    };
    let all = 0..file.entries().len();
    walk.dir(b"", all, Some(head.to_owned()), cache).ok()?;
    Some(Staged {
        maybe_renames: walk.added && walk.deleted,
        changes: walk.changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &std::path::Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    fn paths(p: &Path) -> Option<Vec<(String, bool)>> {
        let repo = git2::Repository::open(p).unwrap();
        let head = repo.head().unwrap().peel_to_tree().unwrap().id();
        let head = super::super::objects::from_git2(head);
        let mut objects = Objects::open(&p.join(".git/objects")).unwrap();
        let staged = staged_changes(&p.join(".git/index"), &mut objects, &head)?;
        (!staged.maybe_renames).then_some(staged.changes).map(|v| {
            let mut p: Vec<(String, bool)> =
                v.into_iter().map(|c| (c.path, c.old.is_some())).collect();
            p.sort();
            p
        })
    }

    #[test]
    fn agrees_with_what_was_staged() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        git(p, &["init", "-q", "-b", "main"]);
        for dir in ["a", "b", "c/d"] {
            std::fs::create_dir_all(p.join(dir)).unwrap();
            for f in 0..3 {
                std::fs::write(p.join(format!("{dir}/f{f}.txt")), format!("{dir} {f}\n")).unwrap();
            }
        }
        std::fs::write(p.join("top.txt"), "top\n").unwrap();
        git(p, &["add", "-A"]);
        git(p, &["commit", "-q", "-m", "base"]);
        assert_eq!(paths(p), Some(vec![]), "nothing staged");
        // A modification deep down and an addition: exactly those.
        std::fs::write(p.join("c/d/f1.txt"), "changed\n").unwrap();
        std::fs::write(p.join("b/new.txt"), "new\n").unwrap();
        git(p, &["add", "-A"]);
        assert_eq!(
            paths(p),
            Some(vec![
                ("b/new.txt".into(), false),
                ("c/d/f1.txt".into(), true)
            ])
        );
        // An addition with a deletion may be a rename: left to libgit2.
        git(p, &["rm", "-q", "a/f0.txt"]);
        assert_eq!(paths(p), None);
        // A split index (gix-index reads the shared part too): the same answer.
        git(p, &["reset", "-q", "HEAD", "a/f0.txt"]);
        git(p, &["checkout", "-q", "--", "a/f0.txt"]);
        git(p, &["update-index", "--split-index"]);
        assert_eq!(
            paths(p),
            Some(vec![
                ("b/new.txt".into(), false),
                ("c/d/f1.txt".into(), true)
            ])
        );
    }
}
