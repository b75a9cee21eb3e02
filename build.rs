//! Embeds the default rules and the word list into the binary.
//!
//! - every `rules/*.toml`, whole (for `leakhound rules --check`, which needs the examples);
//! - the same files without `examples`/`negative_examples`, which is what a scan parses at
//!   start-up (less to parse: start-up time matters for a pre-commit hook);
//! - `data/words/*.txt` as one sorted static array, so the word test costs nothing to set up.
use std::{env, fs, path::Path};

fn lean(src: &str, name: &str) -> String {
    let mut v: toml::Table = toml::from_str(src).unwrap_or_else(|e| panic!("rules/{name}: {e}"));
    if let Some(toml::Value::Array(rules)) = v.get_mut("rules") {
        for r in rules.iter_mut() {
            if let toml::Value::Table(t) = r {
                t.remove("examples");
                t.remove("negative_examples");
            }
        }
    }
    toml::to_string(&v).expect("re-serialize rules")
}

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap();
    let dir = Path::new("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut full = String::from("/// (file name, contents) of every embedded rules file.\npub static BUILTIN_FILES: &[(&str, &str)] = &[\n");
    let mut lean_list = String::from("/// The same files without examples, parsed at start-up.\npub static BUILTIN_LEAN: &[(&str, &str)] = &[\n");
    for n in &names {
        println!("cargo:rerun-if-changed=rules/{n}");
        let abs = fs::canonicalize(dir.join(n)).unwrap();
        full.push_str(&format!(
            "    ({n:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
        let src = fs::read_to_string(dir.join(n)).unwrap();
        let lean_path = Path::new(&out_dir).join(format!("lean-{n}"));
        fs::write(&lean_path, lean(&src, n)).unwrap();
        lean_list.push_str(&format!(
            "    ({n:?}, include_str!({:?})),\n",
            lean_path.display().to_string()
        ));
    }
    full.push_str("];\n");
    lean_list.push_str("];\n");
    fs::write(
        Path::new(&out_dir).join("builtin_rules.rs"),
        full + &lean_list,
    )
    .unwrap();

    fs::write(Path::new(&out_dir).join("words.rs"), words_table()).unwrap();
}

/// Every word of `data/words/*.txt`, merged into one sorted static array. Each file must be
/// sorted and free of duplicates (so that a review of the data sees exactly what is in it).
fn words_table() -> String {
    let dir = Path::new("data/words");
    println!("cargo:rerun-if-changed=data/words");
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("data/words directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut all: Vec<String> = Vec::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let text = fs::read_to_string(f).unwrap();
        let mut prev: Option<&str> = None;
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            if let Some(p) = prev {
                assert!(
                    p < line,
                    "{}:{}: {line:?} is not after {p:?} (keep the list sorted, without duplicates)",
                    f.display(),
                    i + 1
                );
            }
            prev = Some(line);
            all.push(line.to_string());
        }
    }
    all.sort_unstable();
    all.dedup();
    let mut w = format!(
        "/// Sorted English and programming words (data/words).\npub static WORDS: [&str; {}] = [\n",
        all.len()
    );
    for x in all {
        w.push_str(&format!("{x:?},"));
    }
    w.push_str("];\n");
    w
}
