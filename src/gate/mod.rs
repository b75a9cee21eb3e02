//! The gate: the one place that decides, for every source, whether and how a blob is scanned.
//!
//! Sources (a directory walk, stdin, the staged index, git history) only enumerate: each
//! hands the gate an [`Item`] (path, kind, provenance) and a [`Content`] (its size when that
//! is known without reading, and a way to read the bytes). The gate applies the same steps
//! in the same order to all of them, and is the only place that counts what was skipped:
//!
//! 1. not a regular file (symlink, submodule, FIFO or device): skipped;
//! 2. a path the policy's `.leakhoundignore` names (for sources that do not walk a directory,
//!    which honours every `.leakhoundignore` itself), or a global allowlist exempts (or test
//!    code with `--exclude-tests`): skipped unread;
//! 3. path-only rules (a file whose name alone is the leak, like a `.p12` keystore): they
//!    fire whatever the content, binary or not;
//! 4. a binary file extension: skipped unread;
//! 5. the size limit, from the size known before reading (a git object header) when there is
//!    one, else from reading at most one byte more than the limit;
//! 6. a Git LFS pointer: skipped;
//! 7. a NUL byte in the first 8 KiB: binary, skipped;
//! 8. detection over the content.
//!
//! A new source implements [`Content`] and calls [`Gate::scan`]; nothing else changes.

pub mod stats;

pub use stats::{Skip, Stats};

use crate::detect::{Detector, Scratch, Target};
use crate::finding::Finding;
use std::io;

/// Files over this size are skipped unless `--max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Bytes inspected for a NUL to decide that a file is binary.
pub const BINARY_SNIFF: usize = 8 * 1024;

/// The first bytes of a Git LFS pointer file.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/";

/// Extensions of formats that are binary (or compressed) and never hold a plain-text secret.
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "tif", "tiff", "webp", "avif", "heic",
    "psd", "mp3", "mp4", "m4a", "wav", "ogg", "flac", "avi", "mov", "mkv", "webm", "zip", "gz",
    "tgz", "bz2", "xz", "zst", "7z", "rar", "tar", "jar", "war", "ear", "whl", "egg", "class",
    "pyc", "pyo", "o", "a", "so", "dylib", "dll", "exe", "bin", "obj", "lib", "wasm", "rlib",
    "woff", "woff2", "ttf", "otf", "eot", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
    "odt", "sqlite", "db", "dmg", "iso", "img", "deb", "rpm", "pack", "idx",
];

/// Is this file name one of the known binary formats?
pub fn has_binary_extension(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            let ext = ext.to_ascii_lowercase();
            BINARY_EXTENSIONS.contains(&ext.as_str())
        }
        _ => false,
    }
}

/// A NUL byte in the first 8 KiB means binary.
pub fn looks_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_SNIFF)]).is_some()
}

/// What kind of entry a source found at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Symlink,
    Submodule,
    /// A FIFO, socket or device: never opened.
    Special,
}

/// Where the bytes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    File,
    Stdin,
    /// A blob of the staged index.
    Index,
    /// A blob of the git history, with the hex id of the commit that introduced it.
    Commit(&'a str),
}

/// One thing a source found: its reported path (`/`-separated, relative to the scanned
/// root), its kind and its provenance.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub path: &'a str,
    pub kind: Kind,
    pub origin: Origin<'a>,
}

impl<'a> Item<'a> {
    pub fn file(path: &'a str, origin: Origin<'a>) -> Item<'a> {
        Item {
            path,
            kind: Kind::File,
            origin,
        }
    }
}

/// The bytes of an item, read only if the gate lets them through.
pub trait Content {
    /// The size, when it is known without reading the content (a git object's header).
    fn size_hint(&mut self) -> io::Result<Option<u64>> {
        Ok(None)
    }
    /// The content, or at least its first `limit + 1` bytes (so that growth past the limit is
    /// noticed), either borrowed from `self` or read into `buf`.
    fn read<'a>(&'a mut self, limit: u64, buf: &'a mut Vec<u8>) -> io::Result<&'a [u8]>;
}

/// What the gate did with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Scanned,
    Skipped(Skip),
    /// The content could not be read (counted as an error, named on stderr).
    Failed,
}

/// A worker thread's state: detector scratch, a read buffer, and the findings so far.
#[derive(Default)]
pub struct Worker {
    scratch: Scratch,
    buf: Vec<u8>,
    pub found: Vec<Finding>,
}

/// The gate of one scan: shared by every worker thread.
pub struct Gate<'a> {
    pub detector: &'a Detector,
    pub stats: &'a Stats,
    pub max_file_size: u64,
    /// The root `.leakhoundignore` of the scan's policy, for the index and history.
    pub ignore: Option<&'a ignore::gitignore::Gitignore>,
}

impl Gate<'_> {
    /// Decides whether `item` is scanned, scans it if so, and appends its findings (path-only
    /// rules included) to `w.found`.
    pub fn scan(&self, item: &Item, content: &mut dyn Content, w: &mut Worker) -> Outcome {
        let outcome = self.decide_and_scan(item, content, w);
        if let Outcome::Skipped(why) = outcome {
            self.stats.skip(item.path, why);
        }
        outcome
    }

    fn decide_and_scan(&self, item: &Item, content: &mut dyn Content, w: &mut Worker) -> Outcome {
        let path = item.path;
        match item.kind {
            Kind::File => {}
            Kind::Symlink => return Outcome::Skipped(Skip::Symlink),
            Kind::Submodule => return Outcome::Skipped(Skip::Submodule),
            Kind::Special => return Outcome::Skipped(Skip::Special),
        }
        if self
            .ignore
            .is_some_and(|m| crate::policy::is_ignored(m, path))
        {
            return Outcome::Skipped(Skip::Ignored);
        }
        if self.detector.path_is_allowed(path) {
            return Outcome::Skipped(Skip::Allowlisted);
        }
        self.detector.detect_path(path, &mut w.found);
        if has_binary_extension(path) {
            return Outcome::Skipped(Skip::Binary);
        }
        let max = self.max_file_size;
        match content.size_hint() {
            Ok(Some(size)) if size > max => return Outcome::Skipped(Skip::TooLarge),
            Ok(_) => {}
            Err(e) => return self.failed(path, e),
        }
        let Worker {
            scratch,
            buf,
            found,
        } = w;
        let data = match content.read(max, buf) {
            Ok(d) => d,
            Err(e) => return self.failed(path, e),
        };
        if data.len() as u64 > max {
            return Outcome::Skipped(Skip::TooLarge);
        }
        if data.starts_with(LFS_POINTER) {
            return Outcome::Skipped(Skip::LfsPointer);
        }
        if looks_binary(data) {
            return Outcome::Skipped(Skip::Binary);
        }
        self.stats.scanned(data.len());
        let commit = match item.origin {
            Origin::Commit(c) => Some(c),
            _ => None,
        };
        let target = Target { path, data, commit };
        self.detector.detect_content(&target, scratch, found);
        Outcome::Scanned
    }

    fn failed(&self, path: &str, e: io::Error) -> Outcome {
        self.stats.error(format!("{path}: {e}"));
        Outcome::Failed
    }
}

/// Content already in memory (stdin, tests).
pub struct Bytes<'a>(pub &'a [u8]);

impl Content for Bytes<'_> {
    fn size_hint(&mut self) -> io::Result<Option<u64>> {
        Ok(Some(self.0.len() as u64))
    }
    fn read<'a>(&'a mut self, _limit: u64, _buf: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        Ok(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::DetectorOptions;
    use crate::rules::RuleSet;

    #[test]
    fn binary_extensions() {
        assert!(has_binary_extension("a/b/logo.PNG"));
        assert!(!has_binary_extension("a/.png"));
        assert!(!has_binary_extension("src/main.rs"));
    }

    #[test]
    fn nul_sniff() {
        assert!(looks_binary(b"ab\0cd"));
        assert!(!looks_binary(b"abcd"));
        let mut late = vec![b'a'; BINARY_SNIFF + 10];
        late[BINARY_SNIFF + 5] = 0;
        assert!(!looks_binary(&late));
    }

    /// Content that must never be read: the gate decided before reading.
    struct Unreadable;
    impl Content for Unreadable {
        fn read<'a>(&'a mut self, _: u64, _: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
            panic!("read although the gate could decide without the bytes")
        }
    }

    #[test]
    fn the_order_of_the_steps() {
        let detector = Detector::new(RuleSet::builtin(), DetectorOptions::default());
        let stats = Stats::new(false);
        let gate = Gate {
            detector: &detector,
            stats: &stats,
            max_file_size: 64,
            ignore: None,
        };
        let mut w = Worker::default();
        let file = |p| Item::file(p, Origin::File);
        let unread = [
            ("package-lock.json", Skip::Allowlisted),
            ("app.class", Skip::Binary),
        ];
        for (path, why) in unread {
            assert_eq!(
                gate.scan(&file(path), &mut Unreadable, &mut w),
                Outcome::Skipped(why)
            );
        }
        let link = Item {
            kind: Kind::Symlink,
            ..file("l")
        };
        assert_eq!(
            gate.scan(&link, &mut Unreadable, &mut w),
            Outcome::Skipped(Skip::Symlink)
        );
        let lfs = b"version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 9\n";
        let cases: [(&[u8], Outcome); 4] = [
            (&[b'a'; 65], Outcome::Skipped(Skip::TooLarge)),
            (lfs, Outcome::Skipped(Skip::LfsPointer)),
            (b"a\0b", Outcome::Skipped(Skip::Binary)),
            (b"plain text\n", Outcome::Scanned),
        ];
        for (data, want) in cases {
            assert_eq!(gate.scan(&file("a.txt"), &mut Bytes(data), &mut w), want);
        }
        assert_eq!(stats.files(), 1);
        assert!(w.found.is_empty());
    }
}
