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
//! 4. an archive or compressed file, by name (`archive`): opened in memory, each member
//!    back through these steps as `OUTER!member` (to `--max-archive-depth`);
//! 5. a binary file extension: skipped unread;
//! 6. the size limit, from the size known before reading (a git object header) when there is
//!    one, else from reading at most one byte more than the limit;
//! 7. a Git LFS pointer: skipped;
//! 8. an archive by its magic bytes (no telling name): opened as in 4;
//! 9. UTF-16 text (`utf16`): decoded, detected, its findings marked as UTF-16;
//! 10. a NUL byte in the first 8 KiB: binary, skipped;
//! 11. detection over the content.
//!
//! A new source implements [`Content`] and calls [`Gate::scan`]; nothing else changes.

pub mod archive;
pub mod stats;
pub mod utf16;

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

impl<'a> Origin<'a> {
    /// The introducing commit of a history blob.
    pub fn commit(self) -> Option<&'a str> {
        match self {
            Origin::Commit(c) => Some(c),
            _ => None,
        }
    }
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
    /// For the next item only: byte ranges of its content worth matching (the lines a
    /// staged change adds); empty for all of it. Archive members and decoded UTF-16 text
    /// are matched whole.
    pub focus: Vec<(usize, usize)>,
}

/// The gate of one scan: shared by every worker thread.
pub struct Gate<'a> {
    pub detector: &'a Detector,
    pub stats: &'a Stats,
    pub max_file_size: u64,
    /// The root `.leakhoundignore` of the scan's policy, for the index and history.
    pub ignore: Option<&'a ignore::gitignore::Gitignore>,
    /// How deep archives are opened (0: not at all).
    pub max_archive_depth: u8,
}

impl Gate<'_> {
    /// Decides whether `item` is scanned, scans it if so, and appends its findings (path-only
    /// rules included) to `w.found`.
    pub fn scan(&self, item: &Item, content: &mut dyn Content, w: &mut Worker) -> Outcome {
        self.scan_at(item, content, w, 0, None)
    }

    /// [`Gate::scan`] for an item `depth` archives deep, sharing the outermost archive's
    /// `budget`.
    fn scan_at(
        &self,
        item: &Item,
        content: &mut dyn Content,
        w: &mut Worker,
        depth: u8,
        budget: Option<&archive::Budget>,
    ) -> Outcome {
        let outcome = self.decide_and_scan(item, content, w, depth, budget);
        if let Outcome::Skipped(why) = outcome {
            self.stats.skip(item.path, why);
        }
        outcome
    }

    fn decide_and_scan(
        &self,
        item: &Item,
        content: &mut dyn Content,
        w: &mut Worker,
        depth: u8,
        budget: Option<&archive::Budget>,
    ) -> Outcome {
        let focus = std::mem::take(&mut w.focus);
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
        if archive::has_archive_extension(path) || archive::is_oci_blob(path) {
            if depth < self.max_archive_depth {
                return self.open_archive(item, content, w, depth, budget);
            }
            if depth > 0 {
                return Outcome::Skipped(Skip::ArchiveDepth);
            }
        }
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
            ..
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
        let commit = item.origin.commit();
        if let Some(format) = archive::sniff(data) {
            if depth < self.max_archive_depth {
                let bytes = data.to_vec();
                return self.archive_members(item, format, &bytes, w, depth, budget);
            }
            return Outcome::Skipped(if depth > 0 {
                Skip::ArchiveDepth
            } else {
                Skip::Binary
            });
        }
        if let Some(order) = utf16::detect(data) {
            let text = utf16::decode(data, order);
            self.stats.scanned(data.len());
            let before = found.len();
            let target = Target {
                path,
                data: &text,
                commit,
            };
            self.detector.detect_content(&target, scratch, found);
            for f in &mut found[before..] {
                f.encoding = Some(match f.encoding.take() {
                    None => order.name().to_string(),
                    Some(e) => format!("{}+{e}", order.name()),
                });
            }
            return Outcome::Scanned;
        }
        if looks_binary(data) {
            return Outcome::Skipped(Skip::Binary);
        }
        self.stats.scanned(data.len());
        let target = Target { path, data, commit };
        scratch.focus = focus;
        self.detector.detect_content(&target, scratch, found);
        scratch.focus.clear();
        Outcome::Scanned
    }

    /// Reads an archive named as one (up to [`archive::MAX_ARCHIVE`], not the size limit)
    /// and scans its members.
    fn open_archive(
        &self,
        item: &Item,
        content: &mut dyn Content,
        w: &mut Worker,
        depth: u8,
        budget: Option<&archive::Budget>,
    ) -> Outcome {
        let max = archive::MAX_ARCHIVE;
        match content.size_hint() {
            Ok(Some(size)) if size > max => return Outcome::Skipped(Skip::TooLarge),
            Ok(_) => {}
            Err(e) => return self.failed(item.path, e),
        }
        let mut buf = std::mem::take(&mut w.buf);
        let bytes = match content.read(max, &mut buf) {
            Ok(d) if d.len() as u64 > max => {
                w.buf = buf;
                return Outcome::Skipped(Skip::TooLarge);
            }
            Ok(d) => d.to_vec(),
            Err(e) => {
                w.buf = buf;
                return self.failed(item.path, e);
            }
        };
        w.buf = buf;
        match archive::sniff(&bytes) {
            Some(format) => self.archive_members(item, format, &bytes, w, depth, budget),
            // Named like an archive, but not one: judge it as any other file.
            None if looks_binary(&bytes) || has_binary_extension(item.path) => {
                Outcome::Skipped(Skip::Binary)
            }
            None => {
                if bytes.len() as u64 > self.max_file_size {
                    return Outcome::Skipped(Skip::TooLarge);
                }
                self.stats.scanned(bytes.len());
                let target = Target {
                    path: item.path,
                    data: &bytes,
                    commit: item.origin.commit(),
                };
                self.detector
                    .detect_content(&target, &mut w.scratch, &mut w.found);
                Outcome::Scanned
            }
        }
    }

    /// Scans every member of an archive through the gate, one level deeper.
    fn archive_members(
        &self,
        item: &Item,
        format: archive::Format,
        bytes: &[u8],
        w: &mut Worker,
        depth: u8,
        budget: Option<&archive::Budget>,
    ) -> Outcome {
        let own = archive::Budget::for_archive(bytes.len());
        let budget = budget.unwrap_or(&own);
        let max = self.max_file_size;
        // A nested archive may exceed the size limit (it is bounded by the budget).
        let limit = |name: &str| {
            if archive::has_archive_extension(name) {
                archive::MAX_ARCHIVE
            } else {
                max
            }
        };
        let mut each = |m: archive::Member<'_>| {
            let path = format!("{}!{}", item.path, m.name);
            if archive::is_whiteout(m.name) {
                self.stats.whiteout(path.clone());
            }
            let kind = match m.kind {
                archive::MemberKind::File => Kind::File,
                archive::MemberKind::Symlink => Kind::Symlink,
                archive::MemberKind::Special => Kind::Special,
            };
            let member = Item {
                path: &path,
                kind,
                origin: item.origin,
            };
            self.scan_at(&member, &mut Bytes(m.data), w, depth + 1, Some(budget));
        };
        match archive::members(format, item.path, bytes, budget, &limit, &mut each) {
            Ok(()) => Outcome::Scanned,
            Err(archive::Stop::Budget(why)) => {
                crate::report::escape::warn(&format!(
                    "{}: {why}: the rest of the archive is not scanned",
                    item.path
                ));
                Outcome::Skipped(Skip::ArchiveLimit)
            }
            Err(archive::Stop::Broken(e)) => self.failed(
                item.path,
                io::Error::other(format!("cannot read the archive: {e}")),
            ),
        }
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
            max_archive_depth: archive::DEFAULT_DEPTH,
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
