//! Reading a repository's objects fast, for the history scan.
//!
//! The history scan reads every commit, every unique tree and every unique blob of a
//! repository, from several threads at once. libgit2 shares one cache and a few locks per
//! pack file between all threads, and with two threads reading small objects they spent more
//! time waiting on each other than decoding. gix-odb gives each thread its own store handle
//! and its own delta cache, with nothing shared but the memory-mapped files. Everything else
//! (references, the revision walk, the staged scan) stays with git2.

use anyhow::{anyhow, Result};
use git2::Oid;
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
}

/// An object id as gix spells it (hashes cheaply: see `IdSet`).
pub use gix_hash::{oid, ObjectId};

/// A set of object ids, hashed by their first bytes (they are already uniform hashes).
pub type IdSet = gix_hashtable::HashSet<ObjectId>;

/// The entries of a tree that a history scan follows.
pub enum TreeEntry<'a> {
    Tree(&'a oid, &'a [u8]),
    /// A regular or executable file (not a symbolic link).
    Blob(&'a oid, &'a [u8]),
}

/// A git2 id as a gix one.
pub fn from_git2(id: &Oid) -> ObjectId {
    ObjectId::from_bytes_or_panic(id.as_bytes())
}

/// A gix id as a git2 one.
pub fn to_git2(id: &oid) -> Oid {
    Oid::from_bytes(id.as_bytes()).unwrap_or_else(|_| Oid::zero())
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
        })
    }

    /// The object `id`, if it is there and of the kind `kind`.
    fn read(&mut self, id: &oid, kind: gix_object::Kind) -> Result<&[u8]> {
        match self.odb.try_find(id, &mut self.buf) {
            Ok(Some(d)) if d.kind == kind => Ok(d.data),
            Ok(Some(d)) => Err(anyhow!("object {id} is a {}, not a {kind}", d.kind)),
            Ok(None) => Err(anyhow!("object {id} is missing")),
            Err(e) => Err(anyhow!("object {id} is unreadable: {e}")),
        }
    }

    /// The size of object `id`, read from headers without inflating the object (for a
    /// deltified object, only the first bytes of its delta are inflated).
    pub fn size(&mut self, id: &oid) -> Result<u64> {
        use gix_odb::Header;
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

    /// The root tree of commit `id`.
    pub fn commit_tree(&mut self, id: &Oid) -> Result<ObjectId> {
        let data = self.read(&from_git2(id), gix_object::Kind::Commit)?;
        gix_object::CommitRefIter::from_bytes(data, gix_hash::Kind::Sha1)
            .tree_id()
            .map_err(|e| anyhow!("commit {id} cannot be parsed: {e}"))
    }

    /// Calls `each` with the subtrees and files of tree `id`; symbolic links and submodules
    /// are left out.
    pub fn tree(&mut self, id: &oid, mut each: impl FnMut(TreeEntry)) -> Result<()> {
        let data = self.read(id, gix_object::Kind::Tree)?;
        for entry in gix_object::TreeRefIter::from_bytes(data, gix_hash::Kind::Sha1) {
            let entry = entry.map_err(|e| anyhow!("tree {id} cannot be parsed: {e}"))?;
            let name: &[u8] = entry.filename.as_ref();
            if entry.mode.is_tree() {
                each(TreeEntry::Tree(entry.oid, name));
            } else if entry.mode.is_blob() {
                each(TreeEntry::Blob(entry.oid, name));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let root = objects.commit_tree(&c).unwrap();
        assert_eq!(to_git2(&root), repo.find_commit(c).unwrap().tree_id());
        let mut seen = Vec::new();
        objects
            .tree(&root, |e| match e {
                TreeEntry::Tree(_, n) => seen.push(format!("tree {}", String::from_utf8_lossy(n))),
                TreeEntry::Blob(id, n) => {
                    seen.push(format!("blob {} {id}", String::from_utf8_lossy(n)))
                }
            })
            .unwrap();
        let a = repo.blob(b"alpha\n").unwrap();
        assert_eq!(
            seen,
            vec![format!("blob a.txt {a}"), "tree dir".to_string()]
        );
        assert_eq!(objects.blob(&from_git2(&a)).unwrap(), b"alpha\n");
        assert_eq!(objects.size(&from_git2(&a)).unwrap(), 6);
    }

    #[test]
    fn symlinks_are_left_out_and_errors_name_the_object() {
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
        let mut names = Vec::new();
        objects
            .tree(&from_git2(&sub), |e| {
                if let TreeEntry::Blob(_, n) = e {
                    names.push(n.to_vec())
                }
            })
            .unwrap();
        assert_eq!(names, vec![b"b.txt".to_vec()]);
        let missing = Oid::from_str("1234567890123456789012345678901234567890").unwrap();
        let e = objects.blob(&from_git2(&missing)).unwrap_err().to_string();
        assert!(e.contains("1234567890") && e.contains("missing"), "{e}");
        let e = objects.blob(&from_git2(&c)).unwrap_err().to_string();
        assert!(e.contains("commit"), "{e}");
    }
}
