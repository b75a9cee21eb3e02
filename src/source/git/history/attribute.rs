//! Phase 3 of a history scan: each secret reported once, against the first commit that
//! carried it, with that commit's author and date, and (`--all-occurrences`) every commit
//! and path where it appears.

use super::super::objects::{EntryKind, IdMap, IdSet, ObjectId, Objects};
use super::scan::Found;
use crate::finding::{CommitInfo, Finding, Occurrence};
use anyhow::Result;
use std::collections::HashMap;
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

/// The findings of a history scan, each attributed to its introducing commit.
pub fn attribute(
    results: Vec<Found>,
    selected: &[ObjectId],
    objects_dir: &Path,
    all_occurrences: bool,
) -> Result<Vec<Finding>> {
    if results.is_empty() {
        return Ok(Vec::new());
    }
    let mut objects = Objects::open(objects_dir)?;
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
