//! `leakhound install-hook` / `uninstall-hook`: the pre-commit hook in the repository's hooks
//! directory (honouring `core.hooksPath`). A hook that is not ours is never lost: without
//! `--force` installation refuses; with it, the old hook is kept as a backup and chained.

use crate::exit;
use crate::source::git::Repo;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The hook script (hooks/pre-commit), embedded.
pub const HOOK: &str = include_str!("../../hooks/pre-commit");
/// The marker that identifies a hook as ours.
const MARKER: &str = "leakhound-managed-hook";
const BACKUP: &str = "pre-commit.leakhound-backup";

/// The hooks directory git will use for the repository at `dir`.
pub fn hooks_dir(dir: &Path) -> Result<PathBuf> {
    Repo::discover(dir)?.hooks_dir()
}

fn is_ours(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .map(|s| s.contains(MARKER))
        .unwrap_or(false)
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut perm = std::fs::metadata(path)?.permissions();
    perm.set_mode(0o755);
    std::fs::set_permissions(path, perm)?;
    Ok(())
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}

/// Writes the hook atomically (temp file + rename in the hooks directory).
fn write_hook(path: &Path) -> Result<()> {
    crate::report::write_atomic(path, HOOK.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    make_executable(path)
}

pub fn install(dir: &Path, force: bool) -> Result<i32> {
    let hooks = hooks_dir(dir)?;
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("cannot create {}", hooks.display()))?;
    let hook = hooks.join("pre-commit");
    let backup = hooks.join(BACKUP);
    if hook.exists() && !is_ours(&hook) {
        if !force {
            bail!(
                "{} exists and is not leakhound's; it was left untouched.\n  \
                 `leakhound install-hook --force` keeps it as {} and runs it before leakhound.",
                hook.display(),
                backup.display()
            );
        }
        if backup.exists() {
            bail!(
                "{} exists and so does {}; refusing to overwrite either. Merge them by hand.",
                hook.display(),
                backup.display()
            );
        }
        std::fs::rename(&hook, &backup)
            .with_context(|| format!("cannot move {} aside", hook.display()))?;
        eprintln!(
            "leakhound: kept your hook as {} (it still runs first)",
            backup.display()
        );
    }
    write_hook(&hook)?;
    eprintln!("leakhound: pre-commit hook installed at {}", hook.display());
    Ok(exit::CLEAN)
}

pub fn uninstall(dir: &Path) -> Result<i32> {
    let hooks = hooks_dir(dir)?;
    let hook = hooks.join("pre-commit");
    let backup = hooks.join(BACKUP);
    if hook.exists() && !is_ours(&hook) {
        bail!(
            "{} is not leakhound's hook; it was left untouched",
            hook.display()
        );
    }
    if hook.exists() {
        std::fs::remove_file(&hook).with_context(|| format!("cannot remove {}", hook.display()))?;
    }
    if backup.exists() {
        std::fs::rename(&backup, &hook)
            .with_context(|| format!("cannot restore {}", backup.display()))?;
        eprintln!(
            "leakhound: restored your previous hook at {}",
            hook.display()
        );
    } else {
        eprintln!("leakhound: pre-commit hook removed");
    }
    Ok(exit::CLEAN)
}
