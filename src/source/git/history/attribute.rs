//! Phase 3 of a history scan: each secret reported once, against the first commit that
//! carried it, with that commit's author and date, whether it is still in HEAD's tree, and
//! (`--all-occurrences`) every commit and path where it appears.

use super::super::objects::{EntryKind, IdMap, IdSet, ObjectId, Objects};
use super::scan::Found;
use crate::finding::{CommitInfo, Finding, Occurrence};
use anyhow::Result;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Each secret once. The same secret at the same path in later versions of a file (edited
/// elsewhere) is not news: only the findings of the earliest blob that carries it (by the
/// topological order of the introducing commits, which is their index) are kept. Also
/// returns, by fingerprint, every blob that carried it, earliest first.
fn first_carriers(results: Vec<Found>) -> (Vec<Found>, HashMap<String, Vec<ObjectId>>) {
    // fingerprint -> every (commit index, blob) that carries it
    let mut carriers: HashMap<String, Vec<(u32, ObjectId)>> = HashMap::new();
    for (blob, commit, f) in &results {
        carriers
            .entry(f.fingerprint.clone())
            .or_default()
            .push((*commit, *blob));
    }
    let merged: HashMap<String, Vec<ObjectId>> = carriers
        .into_iter()
        .map(|(fp, mut v)| {
            v.sort_unstable();
            v.dedup();
            (fp, v.into_iter().map(|(_, b)| b).collect())
        })
        .collect();
    let kept = results
        .into_iter()
        .filter(|(blob, _, f)| merged.get(&f.fingerprint).and_then(|v| v.first()) == Some(blob))
        .collect();
    (kept, merged)
}

/// Every (commit, path) where each of `targets` appears. Each tree is examined once
/// (memoized), however many commits share it.
fn occurrences(
    objects: &mut Objects,
    commits: &[ObjectId],
    targets: &IdSet,
) -> IdMap<Vec<Occurrence>> {
    fn under(
        objects: &mut Objects,
        tree: ObjectId,
        targets: &IdSet,
        memo: &mut IdMap<Vec<(ObjectId, String)>>,
    ) -> Vec<(ObjectId, String)> {
        if let Some(v) = memo.get(&tree) {
            return v.clone();
        }
        let mut entries = Vec::new();
        let _ = objects.tree(&tree, |e| {
            entries.push((
                e.kind,
                e.id.to_owned(),
                String::from_utf8_lossy(e.name).into_owned(),
            ))
        });
        let mut out = Vec::new();
        for (kind, id, name) in entries {
            match kind {
                EntryKind::Blob if targets.contains(&id) => out.push((id, name)),
                EntryKind::Tree => {
                    for (b, p) in under(objects, id, targets, memo) {
                        out.push((b, format!("{name}/{p}")));
                    }
                }
                _ => {}
            }
        }
        memo.insert(tree, out.clone());
        out
    }
    let mut memo = IdMap::default();
    let mut result: IdMap<Vec<Occurrence>> = IdMap::default();
    for c in commits {
        let Ok(tree) = objects.commit_tree(c) else {
            continue;
        };
        for (blob, path) in under(objects, tree, targets, &mut memo) {
            result.entry(blob).or_default().push(Occurrence {
                commit: c.to_string(),
                path,
            });
        }
    }
    result
}

/// Every blob of tree `tree`, recursively, by path.
fn tree_blobs(objects: &mut Objects, tree: ObjectId) -> HashMap<String, ObjectId> {
    let mut blobs = HashMap::new();
    let mut stack = vec![(tree, String::new())];
    while let Some((t, dir)) = stack.pop() {
        let _ = objects.tree(&t, |e| {
            let path = format!("{dir}{}", String::from_utf8_lossy(e.name));
            match e.kind {
                EntryKind::Blob => {
                    blobs.insert(path, e.id.to_owned());
                }
                EntryKind::Tree => stack.push((e.id.to_owned(), path + "/")),
                _ => {}
            }
        });
    }
    blobs
}

/// What HEAD's tree holds, to tell "still in the tree" from "only in history".
struct Head {
    /// Blob by path.
    blobs: HashMap<String, ObjectId>,
    /// (rule, secret) found in a scanned blob of HEAD's tree, at any path.
    found: HashSet<(String, String)>,
}

impl Head {
    fn new(results: &[Found], objects: &mut Objects, head: Option<&ObjectId>) -> Head {
        let blobs = match head.and_then(|c| objects.commit_tree(c).ok()) {
            Some(tree) => tree_blobs(objects, tree),
            None => HashMap::new(),
        };
        let ids: IdSet = blobs.values().copied().collect();
        let found = results
            .iter()
            .filter(|(blob, _, _)| ids.contains(blob))
            .map(|(_, _, f)| (f.rule_id.clone(), f.secret.clone()))
            .collect();
        Head { blobs, found }
    }

    /// Is `f`'s secret in HEAD's tree: found in one of its blobs by the scan, or (for a
    /// range whose scan did not reach HEAD) still in the file at the same path?
    fn holds(&self, f: &Finding, objects: &mut Objects) -> bool {
        self.found.contains(&(f.rule_id.clone(), f.secret.clone()))
            || (!f.secret.is_empty()
                && self.blobs.get(&f.path).is_some_and(|b| {
                    objects
                        .blob(b)
                        .is_ok_and(|data| memchr::memmem::find(data, f.secret.as_bytes()).is_some())
                }))
    }
}

/// The findings of a history scan, each attributed to its introducing commit and marked
/// with whether its secret is still in the tree of `head` (the repository's HEAD commit).
pub fn attribute(
    results: Vec<Found>,
    selected: &[ObjectId],
    objects_dir: &Path,
    all_occurrences: bool,
    head: Option<&ObjectId>,
) -> Result<Vec<Finding>> {
    if results.is_empty() {
        return Ok(Vec::new());
    }
    let mut objects = Objects::open(objects_dir)?;
    let head = Head::new(&results, &mut objects, head);
    let (results, merged) = first_carriers(results);
    let occurrences = if all_occurrences {
        let targets: IdSet = merged.values().flatten().copied().collect();
        occurrences(&mut objects, selected, &targets)
    } else {
        IdMap::default()
    };
    let mut info: HashMap<u32, CommitInfo> = HashMap::new();
    let mut out = Vec::with_capacity(results.len());
    for (_, commit, mut f) in results {
        let c = info
            .entry(commit)
            .or_insert_with(|| objects.commit_info(&selected[commit as usize]));
        f.commit = Some(c.clone());
        f.present_at_head = Some(head.holds(&f, &mut objects));
        if let Some(blobs) = merged.get(&f.fingerprint) {
            let mut all: Vec<Occurrence> = blobs
                .iter()
                .filter_map(|b| occurrences.get(b))
                .flatten()
                .cloned()
                .collect();
            all.dedup();
            f.occurrences = all;
        }
        out.push(f);
    }
    Ok(out)
}
