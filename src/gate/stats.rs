//! What a scan counts: files and bytes scanned, what was skipped and why, per-file errors.
//! One `Stats` is shared by every worker of a scan; the gate is the only place that counts
//! skips, so every source reports them the same way.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Why a file or blob was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    Binary,
    TooLarge,
    Special,
    Allowlisted,
    Symlink,
    Submodule,
    LfsPointer,
    Ignored,
    /// An archive nested deeper than `--max-archive-depth`.
    ArchiveDepth,
    /// An archive whose members went past the expansion or member-count limit.
    ArchiveLimit,
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
            Skip::Ignored => "ignored (.leakhoundignore)",
            Skip::ArchiveDepth => "archive nested too deep",
            Skip::ArchiveLimit => "archive over its expansion limit",
        }
    }
    const ALL: [Skip; 10] = [
        Skip::Binary,
        Skip::TooLarge,
        Skip::Special,
        Skip::Allowlisted,
        Skip::Symlink,
        Skip::Submodule,
        Skip::LfsPointer,
        Skip::Ignored,
        Skip::ArchiveDepth,
        Skip::ArchiveLimit,
    ];
}

/// Counters shared by the workers of a scan.
#[derive(Debug, Default)]
pub struct Stats {
    files: AtomicU64,
    bytes: AtomicU64,
    skipped: [AtomicU64; Skip::ALL.len()],
    errors: AtomicU64,
    /// Names of skipped files with the reason (kept only with `verbose`, for `-v`).
    skipped_names: Mutex<Vec<(String, Skip)>>,
    /// Whiteout members of image layers (`img.tar!l2/layer.tar!app/.wh.key`): files a later
    /// layer deletes, which are still in the image.
    whiteouts: Mutex<Vec<String>>,
    verbose: bool,
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
        crate::report::escape::warn(&message);
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

    /// The skipped files by name, sorted (empty unless `verbose`).
    /// Records an image layer's whiteout member.
    pub fn whiteout(&self, path: String) {
        if let Ok(mut w) = self.whiteouts.lock() {
            w.push(path);
        }
    }

    pub fn whiteouts(&self) -> Vec<String> {
        self.whiteouts.lock().map(|w| w.clone()).unwrap_or_default()
    }

    pub fn skipped_names(&self) -> Vec<(String, Skip)> {
        let mut v = self
            .skipped_names
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default();
        v.sort();
        v
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
    fn counts_and_names() {
        let s = Stats::new(true);
        s.scanned(10);
        s.skip("b", Skip::Binary);
        s.skip("a", Skip::Binary);
        s.skip("c", Skip::TooLarge);
        assert_eq!((s.files(), s.bytes()), (1, 10));
        assert_eq!(
            s.skipped_counts(),
            vec![(Skip::Binary, 2), (Skip::TooLarge, 1)]
        );
        assert_eq!(s.skipped_names()[0], ("a".to_string(), Skip::Binary));
        assert!(Stats::new(false).skipped_names().is_empty());
    }
}
