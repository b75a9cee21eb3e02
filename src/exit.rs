//! Exit codes, as documented in the README.

/// Nothing found.
pub const CLEAN: i32 = 0;
/// Findings (the default of `--exit-code`).
pub const FINDINGS: i32 = 1;
/// An error stopped the run: bad config, missing path, not a repository, ...
pub const ERROR: i32 = 2;
/// Interrupted (Ctrl-C), as shells report SIGINT.
pub const INTERRUPTED: i32 = 130;
