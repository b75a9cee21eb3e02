//! The record an incremental history scan (`history --cache DIR`) keeps per repository:
//! the tips the last run started from, every tree and blob id it read, and the blobs that
//! produced findings (with their introducing commit and path). The next run walks only the
//! commits not reachable from those tips, skips the trees and blobs already read, and reads
//! again only the blobs with findings, so its report equals a full run's: secrets are
//! re-derived from the repository, never stored. The record holds ids, paths and counts
//! only, nothing of any secret.
//!
//! One file per repository and rule set key: a JSON line, then the SHA-256 of that line, so
//! a truncated or damaged file is detected (and rebuilt). It is written atomically, by the
//! run holding the repository's lock file; a concurrent run finds the lock taken and reads
//! the record without writing it.

use super::super::objects::ObjectId;
use super::walk::Seen;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::{Path, PathBuf};

const FORMAT: u32 = 1;

/// A blob that produced findings: read again on every run, for its secrets.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Carrier {
    pub blob: String,
    pub commit: String,
    /// The introducing commit's position in the history's topological order (oldest
    /// first): which carrier of a secret came first.
    pub order: u64,
    pub path: String,
    /// `file`, `symlink` or `submodule`.
    pub kind: String,
}

/// What a run records.
#[derive(Serialize, Deserialize)]
struct Record {
    format: u32,
    /// Hex SHA-256 of the version, the rules, the policy and the options the run used.
    key: String,
    commits: u64,
    blobs: u64,
    tips: Vec<(String, String)>,
    /// Concatenated raw ids, base64.
    trees: String,
    seen_blobs: String,
    carriers: Vec<Carrier>,
}

/// An earlier run's record, ready to use.
pub struct Prior {
    pub seen: Seen,
    pub tips: Vec<(String, ObjectId)>,
    pub carriers: Vec<Carrier>,
    pub commits: u64,
    pub blobs: u64,
}

/// What this run hands back for the next one.
pub struct Update<'a> {
    pub seen: &'a Seen,
    pub tips: &'a [(String, ObjectId)],
    pub carriers: Vec<Carrier>,
    pub commits: u64,
    pub blobs: u64,
}

/// One repository's record in a cache directory, and (when this run may write it) the
/// lock that makes it the only writer.
pub struct Store {
    path: PathBuf,
    key: String,
    lock: Option<File>,
}

/// Why there is no usable record.
pub enum Miss {
    /// None yet: the first run.
    Absent,
    /// Made under other rules or options.
    Stale,
    /// Unreadable, truncated or altered: rebuilt.
    Damaged(String),
}

impl Store {
    /// The record for the repository at `git_dir` under `key`, in `dir` (created). Takes the
    /// repository's lock if no other run holds it.
    pub fn open(dir: &Path, git_dir: &Path, key: [u8; 32]) -> anyhow::Result<Store> {
        use anyhow::Context as _;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the cache directory {}", dir.display()))?;
        let canonical = git_dir
            .canonicalize()
            .unwrap_or_else(|_| git_dir.to_path_buf());
        let name = crate::finding::hex(&Sha256::digest(canonical.to_string_lossy().as_bytes()));
        let name = &name[..24];
        let lock_path = dir.join(format!("{name}.lock"));
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot open {}", lock_path.display()))?;
        let lock = match lock.try_lock() {
            Ok(()) => Some(lock),
            Err(std::fs::TryLockError::WouldBlock) => {
                crate::report::escape::note(
                    "leakhound: another run is updating this repository's cache: reading it \
                     without updating it",
                );
                None
            }
            // A file system without locks: this run writes, as it would alone.
            Err(std::fs::TryLockError::Error(_)) => Some(lock),
        };
        Ok(Store {
            path: dir.join(format!("{name}.history")),
            key: crate::finding::hex(&key),
            lock,
        })
    }

    /// The earlier run's record, if there is a usable one.
    pub fn load(&self) -> Result<Prior, Miss> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Miss::Absent),
            Err(e) => return Err(Miss::Damaged(e.to_string())),
        };
        let (body, sum) = text
            .trim_end_matches('\n')
            .rsplit_once('\n')
            .ok_or_else(|| Miss::Damaged("truncated".into()))?;
        if crate::finding::hex(&Sha256::digest(body.as_bytes())) != sum {
            return Err(Miss::Damaged("checksum mismatch".into()));
        }
        let r: Record =
            serde_json::from_str(body).map_err(|e| Miss::Damaged(format!("unreadable: {e}")))?;
        if r.format != FORMAT || r.key != self.key {
            return Err(Miss::Stale);
        }
        let bad = |what: &str| Miss::Damaged(format!("bad {what}"));
        let seen = Seen {
            trees: ids(&r.trees).ok_or_else(|| bad("tree ids"))?.collect(),
            blobs: ids(&r.seen_blobs).ok_or_else(|| bad("blob ids"))?.collect(),
            errors: 0,
        };
        let tips = r
            .tips
            .into_iter()
            .map(|(n, h)| Some((n, ObjectId::from_hex(h.as_bytes()).ok()?)))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| bad("tips"))?;
        Ok(Prior {
            seen,
            tips,
            carriers: r.carriers,
            commits: r.commits,
            blobs: r.blobs,
        })
    }

    /// Records `u` for the next run, atomically; does nothing when another run holds the
    /// lock.
    pub fn save(&self, u: Update) -> anyhow::Result<()> {
        if self.lock.is_none() {
            return Ok(());
        }
        let r = Record {
            format: FORMAT,
            key: self.key.clone(),
            commits: u.commits,
            blobs: u.blobs,
            tips: u
                .tips
                .iter()
                .map(|(n, id)| (n.clone(), id.to_string()))
                .collect(),
            trees: raw(u.seen.trees.iter()),
            seen_blobs: raw(u.seen.blobs.iter()),
            carriers: u.carriers,
        };
        let body = serde_json::to_string(&r)?;
        let sum = crate::finding::hex(&Sha256::digest(body.as_bytes()));
        crate::atomic::write(&self.path, format!("{body}\n{sum}\n").as_bytes(), None)?;
        Ok(())
    }
}

/// Ids as one base64 string of their raw bytes (sorted, so equal sets give equal files).
fn raw<'a>(ids: impl Iterator<Item = &'a ObjectId>) -> String {
    let mut v: Vec<&ObjectId> = ids.collect();
    v.sort_unstable();
    let mut bytes = Vec::with_capacity(v.len() * 20);
    for id in v {
        bytes.extend_from_slice(id.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The ids of a [`raw`] string; `None` if it is not one.
fn ids(s: &str) -> Option<impl Iterator<Item = ObjectId>> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    if bytes.len() % 20 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(20)
            .map(ObjectId::from_bytes_or_panic)
            .collect::<Vec<_>>()
            .into_iter(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    #[test]
    fn a_record_round_trips_and_damage_is_detected() {
        let d = tempfile::tempdir().unwrap();
        let key = [7u8; 32];
        let store = Store::open(d.path(), d.path(), key).unwrap();
        assert!(matches!(store.load(), Err(Miss::Absent)));
        let mut seen = Seen::default();
        seen.trees.insert(id(1));
        seen.blobs.insert(id(2));
        seen.blobs.insert(id(3));
        let carrier = Carrier {
            blob: id(2).to_string(),
            commit: id(9).to_string(),
            order: 4,
            path: "a/b.py".into(),
            kind: "file".into(),
        };
        store
            .save(Update {
                seen: &seen,
                tips: &[("HEAD".into(), id(9))],
                carriers: vec![carrier.clone()],
                commits: 5,
                blobs: 2,
            })
            .unwrap();
        let p = store.load().ok().unwrap();
        assert_eq!((p.commits, p.blobs), (5, 2));
        assert_eq!(p.carriers, vec![carrier]);
        assert!(p.seen.blobs.contains(&id(3)) && p.seen.trees.contains(&id(1)));
        assert_eq!(p.tips, vec![("HEAD".to_string(), id(9))]);

        // Another key: stale. A concurrent store cannot write.
        assert!(matches!(
            Store::open(d.path(), d.path(), [8u8; 32]).unwrap().load(),
            Err(Miss::Stale)
        ));
        let file = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "history"))
            .unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, &text[..text.len() / 2]).unwrap();
        assert!(matches!(store.load(), Err(Miss::Damaged(_))));
        std::fs::write(&file, text.replacen("a/b.py", "a/c.py", 1)).unwrap();
        assert!(matches!(store.load(), Err(Miss::Damaged(_))));
    }
}
