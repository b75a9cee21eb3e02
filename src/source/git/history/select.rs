//! Which commits a history scan reads: every ref (or a range, a branch, a date cut), oldest
//! first, parents before children.
//!
//! The revision walk is libgit2's: its topological walk over cargo's 23,800 commits takes
//! 0.2 s on one thread, gix-traverse's took 1.2 s (measured November 2026). Everything after
//! the walk uses gix object ids.

use super::super::objects::{from_git2, ObjectId};
use super::super::repo::Repo;
use anyhow::{anyhow, Context, Result};
use git2::{Repository, Sort};
use indicatif::ProgressBar;

/// Which commits: every ref (the default), a range, or a branch, optionally cut by date.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `A..B`: only commits reachable from B and not from A.
    pub range: Option<String>,
    /// Only commits at or after this time (epoch seconds).
    pub since: Option<i64>,
    /// Only this branch (or any revision).
    pub branch: Option<String>,
    /// Also the stash and its reflog.
    pub include_stash: bool,
}

impl Selection {
    /// Does the selection stop before the root commits (so that the parents just outside it
    /// hold what is not new)?
    pub fn is_bounded(&self) -> bool {
        self.range.is_some() || self.since.is_some() || self.branch.is_some()
    }
}

/// The commits the selection starts from, by name (`HEAD`, a ref, the branch asked for,
/// `stash@{n}`), in the order the revision walk is given them: every ref (tags may point
/// at trees or blobs; only commits have history), HEAD, then the stash's reflog (its own
/// history). An incremental scan records them, hides them next time, and checks they were
/// only added to.
pub fn tips(repo: &Repo, opts: &Selection) -> Result<Vec<(String, ObjectId)>> {
    // A handle of its own, like the walk's: peeling refs maps pack windows, which the
    // long-lived handle would keep through the blob scan.
    let repo = &Repository::open(repo.git_dir()).context("cannot open the repository")?;
    let mut out = Vec::new();
    if let Some(branch) = &opts.branch {
        let c = repo
            .revparse_single(branch)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| anyhow!("unknown branch or revision {branch:?}: {}", e.message()))?;
        out.push((branch.clone(), from_git2(c.id())));
        return Ok(out);
    }
    for r in repo.references().context("cannot list references")? {
        let Ok(r) = r else { continue };
        if r.name_bytes() == b"refs/stash" && !opts.include_stash {
            continue;
        }
        // Tags may point at trees or blobs; only commits have history.
        if let Ok(c) = r.peel_to_commit() {
            let name = String::from_utf8_lossy(r.name_bytes()).into_owned();
            out.push((name, from_git2(c.id())));
        }
    }
    if let Ok(c) = repo.head().and_then(|h| h.peel_to_commit()) {
        out.push(("HEAD".into(), from_git2(c.id())));
    }
    if opts.include_stash {
        if let Ok(log) = repo.reflog("refs/stash") {
            for (i, e) in log.iter().enumerate() {
                out.push((format!("stash@{{{i}}}"), from_git2(e.id_new())));
            }
        }
    }
    Ok(out)
}

/// Why history recorded at `old` tips is not a prefix of the history at `new` tips, if it
/// is not: a ref deleted or moved to a commit that does not descend from where it was.
pub fn rewritten(
    repo: &Repo,
    old: &[(String, ObjectId)],
    new: &[(String, ObjectId)],
) -> Option<String> {
    let now: std::collections::HashMap<&str, &ObjectId> =
        new.iter().map(|(n, id)| (n.as_str(), id)).collect();
    for (name, was) in old {
        let Some(is) = now.get(name.as_str()) else {
            return Some(format!("{name} was deleted"));
        };
        if *is == was {
            continue;
        }
        let (a, b) = (
            git2::Oid::from_bytes(is.as_bytes()),
            git2::Oid::from_bytes(was.as_bytes()),
        );
        let forward = match (a, b) {
            (Ok(a), Ok(b)) => repo.git2.graph_descendant_of(a, b).unwrap_or(false),
            _ => false,
        };
        if !forward {
            return Some(format!("{name} was rewritten (not a fast-forward)"));
        }
    }
    None
}

/// The commits to scan, oldest first (parents before children): from `tips` (see [`tips`])
/// unless the selection is a range or a branch, leaving out `hide` and everything reachable
/// from it (the commits an earlier run read).
pub fn commits(
    repo: &Repo,
    opts: &Selection,
    tips: &[(String, ObjectId)],
    hide: &[ObjectId],
    pb: &ProgressBar,
) -> Result<Vec<ObjectId>> {
    // A handle of its own, closed when the walk is done: the pack windows libgit2 maps for
    // the walk (15 MB on cargo's history) would otherwise stay mapped through the blob scan.
    let repo = &Repository::open(repo.git_dir()).context("cannot open the repository")?;
    let mut walk = repo.revwalk().context("cannot walk history")?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    match (&opts.range, &opts.branch) {
        (Some(range), _) => walk
            .push_range(range)
            .map_err(|e| anyhow!("invalid range {range:?}: {}", e.message()))?,
        (None, Some(branch)) => {
            let obj = repo
                .revparse_single(branch)
                .map_err(|e| anyhow!("unknown branch or revision {branch:?}: {}", e.message()))?;
            let c = obj
                .peel_to_commit()
                .map_err(|e| anyhow!("{branch:?} is not a commit: {}", e.message()))?;
            walk.push(c.id())?;
        }
        (None, None) => {
            for (name, id) in tips {
                let Ok(oid) = git2::Oid::from_bytes(id.as_bytes()) else {
                    continue;
                };
                // A stash entry whose commit is gone is skipped; a ref's is an error.
                if name.starts_with("stash@{") {
                    walk.push(oid).ok();
                } else {
                    walk.push(oid)?;
                }
            }
        }
    }
    for id in hide {
        if let Ok(oid) = git2::Oid::from_bytes(id.as_bytes()) {
            // A tip that no longer exists hides nothing.
            walk.hide(oid).ok();
        }
    }
    let mut out = Vec::new();
    for id in walk {
        match id {
            Ok(id) => {
                if let Some(since) = opts.since {
                    match repo.find_commit(id) {
                        Ok(c) if c.time().seconds() < since => continue,
                        Ok(_) => {}
                        Err(e) => {
                            eprintln!("warning: commit {id}: {}", e.message());
                            continue;
                        }
                    }
                }
                out.push(from_git2(id));
                if out.len() % 1024 == 0 {
                    pb.set_message(format!("walking history: {} commits", out.len()));
                }
            }
            // A missing object in a shallow or damaged repository: say so, go on.
            Err(e) => eprintln!("warning: history walk: {}", e.message()),
        }
    }
    Ok(out)
}
