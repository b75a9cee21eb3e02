//! Reading a repository's objects fast, with gix: commits, trees and blobs.
//!
//! The history scan reads every commit, every unique tree and every unique blob of a
//! repository, from several threads at once. libgit2 shares one cache and a few locks per
//! pack file between all threads, and with two threads reading small objects they spent more
//! time waiting on each other than decoding. gix-odb gives each thread its own store handle
//! and its own delta cache, with nothing shared but the memory-mapped files.
//!
//! [`Objects::tree`] is the one place tree entries are read: the history walk, the list of
//! occurrences and the staged scan's comparison with HEAD all go through it.

use super::dates::iso8601;
use crate::finding::CommitInfo;
use crate::gate::Content;
use anyhow::{anyhow, Result};
use gix_object::Find;
use std::path::Path;

/// Bytes of decoded delta bases each reader keeps. Read in pack order (see pack_order), a
/// delta's base was nearly always decoded just before it: on cargo's history 2 MiB was as
/// fast as 24 MiB, which cost 70 MiB more at peak with two threads.
const DELTA_CACHE: usize = 4 << 20;

/// One thread's reader of a repository's object database.
pub struct Objects {
    odb: gix_odb::Handle,
    buf: Vec<u8>,
    /// The object whose data `buf` holds, with its kind and where its data lies in `buf`:
    /// the staged scan asks for a blob up to three times in a row (its diff, its size, its
    /// content), and a loose object costs a file read and an inflate each time.
    last: Option<(ObjectId, gix_object::Kind, std::ops::Range<usize>)>,
}

/// An object id as gix spells it (hashes cheaply: see `IdSet`).
pub use gix_hash::{oid, ObjectId};

/// A set of object ids, hashed by their first bytes (they are already uniform hashes).
pub type IdSet = gix_hashtable::HashSet<ObjectId>;
/// A map keyed by object ids, hashed like [`IdSet`].
pub type IdMap<V> = gix_hashtable::HashMap<ObjectId, V>;

/// What a tree entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Tree,
    /// A regular or executable file.
    Blob,
    Link,
    /// A gitlink: a submodule's commit.
    Submodule,
}

/// One entry of a tree.
pub struct TreeEntry<'a> {
    pub name: &'a [u8],
    pub id: &'a oid,
    pub kind: EntryKind,
    /// The raw mode: 0o40000, 0o100644, 0o100755, 0o120000 or 0o160000.
    pub mode: u32,
}

/// A git2 id as a gix one.
pub(super) fn from_git2(id: git2::Oid) -> ObjectId {
    ObjectId::from_bytes_or_panic(id.as_bytes())
}

/// A gix id as a git2 one.
#[cfg(test)]
pub(super) fn to_git2(id: &oid) -> git2::Oid {
    git2::Oid::from_bytes(id.as_bytes()).unwrap_or_else(|_| git2::Oid::zero())
}

impl Objects {
    /// Opens the object database at `objects_dir` (a repository's `objects` directory).
    pub fn open(objects_dir: &Path) -> Result<Objects> {
        let mut odb = gix_odb::at(objects_dir, gix_hash::Kind::Sha1).map_err(|e| {
            anyhow!(
                "{}: cannot open the object database: {e}",
                objects_dir.display()
            )
        })?;
        odb.set_pack_cache(|| {
            Box::new(gix_odb::pack::cache::lru::MemoryCappedHashmap::new(
                DELTA_CACHE,
            ))
        });
        Ok(Objects {
            odb,
            buf: Vec::new(),
            last: None,
        })
    }

    /// The object `id`, if it is there and of the kind `kind`.
    fn read(&mut self, id: &oid, kind: gix_object::Kind) -> Result<&[u8]> {
        if let Some((last, k, range)) = &self.last {
            if **last == *id && *k == kind {
                return Ok(&self.buf[range.clone()]);
            }
        }
        self.last = None;
        let at = match self.odb.try_find(id, &mut self.buf) {
            Ok(Some(d)) if d.kind == kind => (d.data.as_ptr() as usize, d.data.len()),
            Ok(Some(d)) => return Err(anyhow!("object {id} is a {}, not a {kind}", d.kind)),
            Ok(None) => return Err(anyhow!("object {id} is missing")),
            Err(e) => return Err(anyhow!("object {id} is unreadable: {e}")),
        };
        // gix leaves the data in the buffer it was given; where it is kept, in case of
        // doubt checked rather than assumed.
        let start = at.0.wrapping_sub(self.buf.as_ptr() as usize);
        let range = start..start.saturating_add(at.1);
        if range.end > self.buf.len() {
            return Err(anyhow!("object {id}: the reader left its data elsewhere"));
        }
        self.last = Some((id.to_owned(), kind, range.clone()));
        Ok(&self.buf[range])
    }

    /// The size of object `id`, read from headers without inflating the object (for a
    /// deltified object, only the first bytes of its delta are inflated).
    pub fn size(&mut self, id: &oid) -> Result<u64> {
        use gix_odb::Header;
        if let Some((last, _, range)) = &self.last {
            if **last == *id {
                return Ok(range.len() as u64);
            }
        }
        match self.odb.try_header(id) {
            Ok(Some(h)) => Ok(h.size()),
            Ok(None) => Err(anyhow!("object {id} is missing")),
            Err(e) => Err(anyhow!("object {id} is unreadable: {e}")),
        }
    }

    /// The content of blob `id`.
    pub fn blob(&mut self, id: &oid) -> Result<&[u8]> {
        self.read(id, gix_object::Kind::Blob)
    }

    fn commit(&mut self, id: &oid) -> Result<gix_object::CommitRef<'_>> {
        let data = self.read(id, gix_object::Kind::Commit)?;
        gix_object::CommitRef::from_bytes(data, gix_hash::Kind::Sha1)
            .map_err(|e| anyhow!("commit {id} cannot be parsed: {e}"))
    }

    /// The root tree of commit `id` (read without parsing the rest of the commit).
    pub fn commit_tree(&mut self, id: &oid) -> Result<ObjectId> {
        let data = self.read(id, gix_object::Kind::Commit)?;
        gix_object::CommitRefIter::from_bytes(data, gix_hash::Kind::Sha1)
            .tree_id()
            .map_err(|e| anyhow!("commit {id} cannot be parsed: {e}"))
    }

    /// The parents of commit `id`.
    pub fn commit_parents(&mut self, id: &oid) -> Result<Vec<ObjectId>> {
        Ok(self.commit(id)?.parents().collect())
    }

    /// Who made commit `id`, when, and its summary, for reports; an unreadable commit gives
    /// its id and empty fields.
    pub fn commit_info(&mut self, id: &oid) -> CommitInfo {
        let mut info = CommitInfo {
            commit: id.to_string(),
            author: String::new(),
            email: String::new(),
            date: String::new(),
            message: String::new(),
        };
        let Ok(c) = self.commit(id) else {
            return info;
        };
        if let Ok(a) = c.author() {
            let a = a.trim();
            info.author = String::from_utf8_lossy(a.name).into_owned();
            info.email = String::from_utf8_lossy(a.email).into_owned();
            if let Ok(t) = a.time() {
                info.date = iso8601(t.seconds, t.offset / 60);
            }
        }
        info.message = String::from_utf8_lossy(&c.message().summary()).into_owned();
        info
    }

    /// Calls `each` with every entry of tree `id`.
    pub fn tree(&mut self, id: &oid, mut each: impl FnMut(TreeEntry)) -> Result<()> {
        let data = self.read(id, gix_object::Kind::Tree)?;
        for entry in gix_object::TreeRefIter::from_bytes(data, gix_hash::Kind::Sha1) {
            let entry = entry.map_err(|e| anyhow!("tree {id} cannot be parsed: {e}"))?;
            let kind = if entry.mode.is_tree() {
                EntryKind::Tree
            } else if entry.mode.is_link() {
                EntryKind::Link
            } else if entry.mode.is_commit() {
                EntryKind::Submodule
            } else {
                EntryKind::Blob
            };
            each(TreeEntry {
                name: entry.filename.as_ref(),
                id: entry.oid,
                kind,
                mode: entry.mode.value() as u32,
            });
        }
        Ok(())
    }
}

/// A blob's content for the gate: its size from the object header, so that an oversized
/// blob is never inflated, and its bytes from the reader's buffer.
pub struct BlobContent<'a> {
    pub objects: &'a mut Objects,
    pub id: &'a oid,
    /// Set when the blob could not be read (missing, corrupt): an incremental history
    /// scan reads it again next time instead of counting it as seen.
    pub failed: bool,
}

impl Content for BlobContent<'_> {
    fn size_hint(&mut self) -> std::io::Result<Option<u64>> {
        let size = self.objects.size(self.id);
        self.failed |= size.is_err();
        size.map(Some).map_err(std::io::Error::other)
    }
    fn read<'a>(&'a mut self, _limit: u64, _buf: &'a mut Vec<u8>) -> std::io::Result<&'a [u8]> {
        let data = self.objects.blob(self.id);
        self.failed |= data.is_err();
        data.map_err(std::io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::Oid;

    fn repo_with_files() -> (tempfile::TempDir, git2::Repository, Oid) {
        let d = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init_bare(d.path()).unwrap();
        let c = commit_files(&repo);
        (d, repo, c)
    }

    fn commit_files(repo: &git2::Repository) -> Oid {
        let a = repo.blob(b"alpha\n").unwrap();
        let mut sub = repo.treebuilder(None).unwrap();
        sub.insert("b.txt", a, 0o100755).unwrap();
        sub.insert("link", a, 0o120000).unwrap();
        let sub = sub.write().unwrap();
        let mut root = repo.treebuilder(None).unwrap();
        root.insert("a.txt", a, 0o100644).unwrap();
        root.insert("dir", sub, 0o040000).unwrap();
        let root = root.write().unwrap();
        let sig = git2::Signature::now("T", "t@example.invalid").unwrap();
        let tree = repo.find_tree(root).unwrap();
        repo.commit(None, &sig, &sig, "m", &tree, &[]).unwrap()
    }

    #[test]
    fn reads_commits_trees_and_blobs() {
        let (d, repo, c) = repo_with_files();
        let mut objects = Objects::open(&d.path().join("objects")).unwrap();
        let root = objects.commit_tree(&from_git2(c)).unwrap();
        assert_eq!(to_git2(&root), repo.find_commit(c).unwrap().tree_id());
        let mut seen = Vec::new();
        objects
            .tree(&root, |e| {
                let name = String::from_utf8_lossy(e.name);
                seen.push(format!("{:?} {name} {:o}", e.kind, e.mode))
            })
            .unwrap();
        let a = repo.blob(b"alpha\n").unwrap();
        assert_eq!(seen, vec!["Blob a.txt 100644", "Tree dir 40000"]);
        assert_eq!(objects.blob(&from_git2(a)).unwrap(), b"alpha\n");
        assert_eq!(objects.size(&from_git2(a)).unwrap(), 6);
        let info = objects.commit_info(&from_git2(c));
        assert_eq!((info.author.as_str(), info.message.as_str()), ("T", "m"));
        assert!(info.date.len() == 25, "{}", info.date);
        assert!(objects.commit_parents(&from_git2(c)).unwrap().is_empty());
    }

    #[test]
    fn links_are_told_apart_and_errors_name_the_object() {
        let (d, repo, c) = repo_with_files();
        let mut objects = Objects::open(&d.path().join("objects")).unwrap();
        let sub = repo
            .find_commit(c)
            .unwrap()
            .tree()
            .unwrap()
            .get_name("dir")
            .unwrap()
            .id();
        let mut kinds = Vec::new();
        objects
            .tree(&from_git2(sub), |e| kinds.push((e.name.to_vec(), e.kind)))
            .unwrap();
        assert_eq!(
            kinds,
            vec![
                (b"b.txt".to_vec(), EntryKind::Blob),
                (b"link".to_vec(), EntryKind::Link)
            ]
        );
        let missing = Oid::from_str("1234567890123456789012345678901234567890").unwrap();
        let e = objects.blob(&from_git2(missing)).unwrap_err().to_string();
        assert!(e.contains("1234567890") && e.contains("missing"), "{e}");
        let e = objects.blob(&from_git2(c)).unwrap_err().to_string();
        assert!(e.contains("commit"), "{e}");
    }
}
