//! Files written whole or not at all: reports, baselines, the hook, the history cache's
//! records, and the files `fix` rewrites. A reader never sees half a file, and a failed run
//! never truncates the old one. A leaf: it depends on nothing in the crate.

use std::io::{self, Write};

/// Writes `bytes` to `path` atomically (a temporary file beside it, synced, then renamed),
/// the file then given `mode` (Unix permission bits) when there is one, else the temporary
/// file's (0600 on Unix).
pub fn write(path: &std::path::Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    #[cfg(unix)]
    if let Some(m) = mode {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(m & 0o7777))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
