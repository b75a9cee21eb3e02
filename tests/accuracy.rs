//! Detection accuracy on the labeled corpus that `scripts/corpus.py` generates: precision
//! and recall must stay at or above 0.97. (`scripts/accuracy` prints the full table, with
//! the misses, the false positives and the peers.)

use crate::util::{lh, root, Dir};
use std::collections::{HashMap, HashSet};

#[test]
fn precision_and_recall_on_the_labeled_corpus() {
    let d = Dir::new();
    let gen = std::process::Command::new("python3")
        .arg(root().join("scripts/corpus.py"))
        .arg(d.path())
        .output()
        .expect("python3 is needed to generate the accuracy corpus");
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let labels: Vec<serde_json::Value> = d
        .read("labels.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut secrets: HashMap<(String, u64), String> = HashMap::new();
    let mut negatives = 0;
    for l in &labels {
        let key = (
            l["path"].as_str().unwrap().to_string(),
            l["line"].as_u64().unwrap(),
        );
        if l["label"] == "secret" {
            secrets.insert(key, l["provider"].as_str().unwrap().to_string());
        } else {
            negatives += 1;
        }
    }
    let providers: HashSet<&String> = secrets.values().collect();
    assert!(secrets.len() >= 400, "{} labeled secrets", secrets.len());
    assert!(providers.len() >= 80, "{} providers", providers.len());
    assert!(negatives >= 400, "{negatives} hard negatives");

    let out = lh()
        .current_dir(d.path())
        .args(["scan", "-f", "json", "--no-ignore", "files"])
        .output()
        .unwrap();
    let found: HashSet<(String, u64)> = crate::util::json(&out.stdout)
        .iter()
        .map(|f| {
            (
                format!("files/{}", f["path"].as_str().unwrap()),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let tp = found.iter().filter(|k| secrets.contains_key(*k)).count();
    let fp: Vec<&(String, u64)> = found.iter().filter(|k| !secrets.contains_key(*k)).collect();
    let misses: Vec<(&(String, u64), &String)> = secrets
        .iter()
        .filter(|(k, _)| !found.contains(*k))
        .collect();
    let precision = tp as f64 / found.len().max(1) as f64;
    let recall = tp as f64 / secrets.len() as f64;
    eprintln!(
        "accuracy: precision {precision:.3} recall {recall:.3} ({tp} TP, {} FP, {} misses)",
        fp.len(),
        misses.len()
    );
    assert!(
        precision >= 0.97,
        "precision {precision:.3}; false positives: {fp:?}"
    );
    assert!(recall >= 0.97, "recall {recall:.3}; misses: {misses:?}");
}
