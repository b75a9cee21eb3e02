//! Sources: where the bytes come from (a directory walk, stdin, the staged index, git
//! history). A source knows nothing of rules; it hands each blob to the detector with its
//! provenance and counts what it read and what it skipped.

pub mod fs;
pub mod git;
pub mod history;
pub mod index_fast;
pub mod objects;
pub mod pack_order;
pub mod staged;
pub mod stdin;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Files over this size are skipped unless `--max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Bytes inspected for a NUL to decide that a file is binary.
pub const BINARY_SNIFF: usize = 8 * 1024;

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

/// Why a file was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    Binary,
    TooLarge,
    Special,
    Allowlisted,
    Symlink,
    Submodule,
    LfsPointer,
}

impl Skip {
    pub fn as_str(self) -> &'static str {
        match self {
            Skip::Binary => "binary",
            Skip::TooLarge => "too large",
            Skip::Special => "not a regular file",
            Skip::Allowlisted => "allowlisted path",
            Skip::Symlink => "symlink",
            Skip::Submodule => "submodule",
            Skip::LfsPointer => "LFS pointer",
        }
    }
    const ALL: [Skip; 7] = [
        Skip::Binary,
        Skip::TooLarge,
        Skip::Special,
        Skip::Allowlisted,
        Skip::Symlink,
        Skip::Submodule,
        Skip::LfsPointer,
    ];
}

/// Counters shared by the workers of a scan.
#[derive(Debug, Default)]
pub struct Stats {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
    skipped: [AtomicU64; 7],
    pub errors: AtomicU64,
    /// Names of skipped files with the reason (for `-v`), and per-file error messages.
    pub skipped_names: Mutex<Vec<(String, Skip)>>,
    pub error_messages: Mutex<Vec<String>>,
    pub verbose: bool,
}

impl Stats {
    pub fn new(verbose: bool) -> Stats {
        Stats {
            verbose,
            ..Default::default()
        }
    }

    pub fn scanned(&self, bytes: usize) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn skip(&self, path: &str, why: Skip) {
        let i = Skip::ALL.iter().position(|s| *s == why).unwrap_or(0);
        self.skipped[i].fetch_add(1, Ordering::Relaxed);
        if self.verbose {
            if let Ok(mut v) = self.skipped_names.lock() {
                v.push((path.to_string(), why));
            }
        }
    }

    /// A per-file problem: reported at once on stderr, counted, and the scan goes on.
    pub fn error(&self, message: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        eprintln!("warning: {message}");
        if let Ok(mut v) = self.error_messages.lock() {
            v.push(message);
        }
    }

    /// (reason, count) for every reason with a non-zero count.
    pub fn skipped_counts(&self) -> Vec<(Skip, u64)> {
        Skip::ALL
            .iter()
            .zip(self.skipped.iter())
            .map(|(s, c)| (*s, c.load(Ordering::Relaxed)))
            .filter(|(_, c)| *c > 0)
            .collect()
    }

    pub fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
