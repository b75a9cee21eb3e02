//! The layout's promises, checked on the source files themselves: no import cycle between
//! source files, none over 600 lines, a module doc on every file, git libraries only in the
//! git layer, clap only in the command line seam.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

/// A module path from the crate root (`["detect", "matcher"]`).
type Module = Vec<String>;
/// Which modules each module refers to.
type Edges = BTreeMap<Module, BTreeSet<Module>>;

/// Every `.rs` file under `src/` (but `main.rs`, the binary) with its module path.
fn modules() -> BTreeMap<Vec<String>, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let src = crate::util::root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().with_extension("");
        let mut segs: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match segs.last().map(String::as_str) {
            Some("main") if segs.len() == 1 => continue,
            Some("lib") if segs.len() == 1 => segs.clear(),
            Some("mod") => {
                segs.pop();
            }
            _ => {}
        }
        out.insert(segs, f);
    }
    out
}

/// The code of a file without its test module, comments and string literals (so that a path
/// in a doc comment or a message is not an import).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            i += 3; // a char literal such as '"'
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands a use tree (`a::{b, c::d}`) into full paths.
fn expand_use(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let base = join(prefix, head);
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_use(&inner[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand_use(&inner[start..], &base, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap().trim();
        let path = path.trim_end_matches("::*");
        if path == "self" {
            out.push(prefix.to_string());
        } else {
            out.push(join(prefix, path));
        }
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}::{b}"),
    }
}

/// The paths a file refers to: its `use` trees, and inline paths that start with `crate`,
/// `super` or `self`, or with the name of one of its child modules.
fn referenced_paths(code: &str, children: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        let after = &rest[i + 4..];
        if before.is_none_or(|c| !is_ident(c)) {
            if let Some(end) = after.find(';') {
                expand_use(&after[..end], "", &mut out);
            }
        }
        rest = after;
    }
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_ident(chars[i]) && (i == 0 || !is_ident(chars[i - 1]) && chars[i - 1] != ':') {
            let start = i;
            while i < chars.len()
                && (is_ident(chars[i]) || (chars[i] == ':' && chars.get(i + 1) == Some(&':')))
            {
                i += if chars[i] == ':' { 2 } else { 1 };
            }
            let path: String = chars[start..i].iter().collect();
            let first = path.split("::").next().unwrap_or("");
            if path.contains("::")
                && (matches!(first, "crate" | "super" | "self") || children.contains(first))
            {
                out.push(path);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Resolves `path`, as written in module `here`, to the module file it names (the longest
/// prefix that is a module).
fn resolve(
    path: &str,
    here: &[String],
    modules: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let mut segs: Vec<String> = Vec::new();
    let mut parts = path.split("::").peekable();
    match parts.peek().copied() {
        Some("crate") => {
            parts.next();
        }
        Some("super") | Some("self") => {
            segs = here.to_vec();
            while let Some(&p) = parts.peek() {
                match p {
                    "super" => {
                        segs.pop()?;
                    }
                    "self" => {}
                    _ => break,
                }
                parts.next();
            }
        }
        _ => segs = here.to_vec(),
    }
    let tail: Vec<String> = parts.map(str::to_string).collect();
    let mut best = None;
    for n in 0..=tail.len() {
        let mut cand = segs.clone();
        cand.extend_from_slice(&tail[..n]);
        if modules.contains_key(&cand) {
            best = Some(cand);
        }
    }
    best
}

fn graph() -> (BTreeMap<Module, PathBuf>, Edges) {
    let modules = modules();
    let mut edges = BTreeMap::new();
    for (m, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap();
        let code = code(&text);
        let children: BTreeSet<String> = modules
            .keys()
            .filter(|k| k.len() == m.len() + 1 && k.starts_with(m))
            .map(|k| k.last().unwrap().clone())
            .collect();
        let mut to = BTreeSet::new();
        for p in referenced_paths(&code, &children) {
            if let Some(t) = resolve(&p, m, &modules) {
                if &t != m {
                    to.insert(t);
                }
            }
        }
        edges.insert(m.clone(), to);
    }
    (modules, edges)
}

/// Strongly connected components of more than one module (Tarjan).
fn cycles(edges: &Edges) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a Edges,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on: BTreeSet<&'a Vec<String>>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a Vec<String>) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for w in &t.edges[v] {
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(format!("crate::{}", w.join("::")));
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_import_cycle_between_source_files() {
    let (modules, edges) = graph();
    assert!(modules.len() > 40, "found only {} modules", modules.len());
    // The checker itself must see the edges that exist.
    let gate = vec!["gate".to_string()];
    let detect = vec!["detect".to_string()];
    assert!(edges[&gate].contains(&detect), "{:?}", edges[&gate]);
    let cycles = cycles(&edges);
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn the_cycle_checker_finds_a_cycle() {
    let a = vec!["a".to_string()];
    let b = vec!["b".to_string()];
    let mut edges = BTreeMap::new();
    edges.insert(a.clone(), BTreeSet::from([b.clone()]));
    edges.insert(b.clone(), BTreeSet::from([a.clone()]));
    assert_eq!(cycles(&edges).len(), 1);
    let mut paths = Vec::new();
    expand_use("super::{x::{self, Y}, z as w}", "", &mut paths);
    assert_eq!(paths, vec!["super::x", "super::x::Y", "super::z"]);
}

#[test]
fn files_are_small_and_documented() {
    for (m, file) in modules() {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = text.lines().count();
        assert!(lines <= MAX_LINES, "{}: {lines} lines", file.display());
        assert!(
            text.starts_with("//!"),
            "{} (crate::{}) has no module doc",
            file.display(),
            m.join("::")
        );
    }
}

#[test]
fn git_libraries_stay_in_the_git_layer_and_clap_in_the_cli() {
    for (m, file) in modules() {
        let code = code(&std::fs::read_to_string(&file).unwrap());
        let in_git = m.starts_with(&["source".to_string(), "git".to_string()]);
        for lib in ["git2::", "gix_", "libz_rs_sys"] {
            assert!(
                in_git || !code.contains(lib),
                "{} uses {lib} outside src/source/git",
                file.display()
            );
        }
        assert!(
            m.first().is_some_and(|c| c == "cli") || !code.contains("clap"),
            "{} uses clap outside src/cli/",
            file.display()
        );
    }
}
