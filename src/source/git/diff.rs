//! What libgit2 still decides for the staged scan: the full index-to-HEAD diff with rename
//! detection, when the index's cache tree cannot be trusted (see `index`); and which lines
//! of a staged file its change adds (a line diff, by imara-diff).

use super::index::Change;
use super::objects::{from_git2, ObjectId};
use super::repo::Repo;
use anyhow::{Context, Result};
use git2::{Delta, DiffOptions};

/// HEAD's commit, or `None` on an unborn branch (the first commit). libgit2 resolves the
/// reference (loose, packed, symbolic, in a worktree) without opening the object database;
/// the commit itself is read with gix, which the staged scan has open anyway.
pub fn head_commit(repo: &Repo) -> Result<Option<ObjectId>> {
    match repo.git2.refname_to_id("HEAD") {
        Ok(id) => Ok(Some(from_git2(id))),
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            Ok(None)
        }
        Err(e) => Err(e).context("cannot resolve HEAD"),
    }
}

/// Every staged change, by libgit2's index-to-tree diff against HEAD (the empty tree on the
/// first commit), renames detected: a moved file is not new content, only its edited lines.
pub fn staged_changes(repo: &Repo) -> Result<Vec<Change>> {
    let repo = &repo.git2;
    let index = repo
        .index()
        .context("cannot read the index (a bare repository has none)")?;
    let head_tree = match repo.head() {
        Ok(h) => Some(h.peel_to_tree().context("cannot read HEAD's tree")?),
        Err(_) => None,
    };
    let mut opts = DiffOptions::new();
    // Submodules are compared by their commit id, as the fast path does; the gate counts
    // them as skipped.
    opts.ignore_submodules(false).context_lines(0);
    let mut diff = repo
        .diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut opts))
        .context("cannot diff the index against HEAD")?;
    let mut find = git2::DiffFindOptions::new();
    find.renames(true).copies(false);
    diff.find_similar(Some(&mut find)).ok();
    let empty_blob = git2::Oid::hash_object(git2::ObjectType::Blob, b"")?;
    let mut changes = Vec::new();
    for delta in diff.deltas() {
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let (new, old) = (delta.new_file(), delta.old_file());
        if new.id() == old.id() || new.id() == empty_blob {
            // A mode change alone brings no new content; nor does an intent-to-add entry
            // (`git add -N`), which libgit2 lists as an empty file and git does not list.
            continue;
        }
        let is_file = |m: git2::FileMode| matches!(u32::from(m), 0o100644 | 0o100755);
        let both_files = is_file(old.mode()) && is_file(new.mode());
        changes.push(Change {
            path: String::from_utf8_lossy(new.path_bytes().unwrap_or(b"")).into_owned(),
            new: from_git2(new.id()),
            mode: new.mode().into(),
            old: (delta.status() != Delta::Added && both_files).then(|| from_git2(old.id())),
        });
    }
    Ok(changes)
}

/// Line numbers (1-based, in `new`) that the change from `old` to `new` adds or modifies,
/// sorted. A line diff in pure Rust (Myers, as `git diff` uses by default): libgit2's patch
/// would hash both buffers first, which cost a pre-commit scan more than the diff itself.
pub fn added_lines(old: &[u8], new: &[u8]) -> Vec<usize> {
    let input = imara_diff::InternedInput::new(old, new);
    let diff = imara_diff::Diff::compute(imara_diff::Algorithm::Myers, &input);
    diff.hunks()
        .flat_map(|h| h.after.start as usize + 1..=h.after.end as usize)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_and_modified_lines_only() {
        let old = b"a\nb\nc\n";
        let new = b"a\nB\nc\nd\n";
        assert_eq!(added_lines(old, new), vec![2, 4]);
        assert_eq!(added_lines(b"", b"x\ny\n"), vec![1, 2]);
        assert!(added_lines(new, new).is_empty());
        // A last line that gains its newline is changed, as git shows it.
        assert_eq!(added_lines(b"a\nb", b"a\nb\n"), vec![2]);
        assert_eq!(added_lines(b"a\nb\n", b"x\na\nb\n"), vec![1]);
    }
}
