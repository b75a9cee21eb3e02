//! Embeds the default rules and the word list into the binary, validated, in the form the
//! program uses, so that start-up parses nothing:
//!
//! - every `rules/*.toml` is parsed with the same syntax types the program uses
//!   (`src/rules/syntax.rs`), its regexes are parsed and its capture groups checked, and it
//!   is written out as Rust values (`builtin_rules.rs`): a broken rule fails the build,
//!   naming the file and the rule;
//! - `data/known-public.tsv` becomes a sorted static array of published example credentials.
//! - `data/words/*.txt` becomes one sorted static array, so the word test costs nothing to
//!   set up.
use std::collections::HashSet;
use std::fmt::Write as _;
use std::{env, fs, path::Path};

#[allow(dead_code)]
#[path = "src/rules/syntax.rs"]
mod syntax;

use syntax::{AllowlistSyntax, ConfigSyntax, RuleSyntax};

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt_str<S: AsRef<str>>(o: &Option<S>) -> String {
    match o {
        Some(s) => format!("Some({}.into())", lit(s.as_ref())),
        None => "None".into(),
    }
}

fn strs(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| format!("{}.into()", lit(s))).collect();
    format!("vec![{}]", items.join(", "))
}

/// A borrowed list of borrowed strings, built in a `const` so that it lives in the binary.
fn text_list(v: &[syntax::Text]) -> String {
    if v.is_empty() {
        return "std::borrow::Cow::Borrowed(&[])".into();
    }
    let items: Vec<String> = v
        .iter()
        .map(|s| format!("std::borrow::Cow::Borrowed({})", lit(s)))
        .collect();
    format!(
        "std::borrow::Cow::Borrowed({{ const L: &[Text] = &[{}]; L }})",
        items.join(", ")
    )
}

fn allowlist(a: &AllowlistSyntax) -> String {
    format!(
        "AllowlistSyntax {{ description: {}, condition: {}, commits: {}, paths: {}, \
         file_names: {}, dir_names: {}, extensions: {}, regexes: {}, \
         regex_target: {}, stopwords: {}, target_rules: {} }}",
        opt_str(&a.description),
        opt_str(&a.condition),
        strs(&a.commits),
        strs(&a.paths),
        strs(&a.file_names),
        strs(&a.dir_names),
        strs(&a.extensions),
        strs(&a.regexes),
        opt_str(&a.regex_target),
        strs(&a.stopwords),
        strs(&a.target_rules),
    )
}

fn allowlists(v: &[AllowlistSyntax]) -> String {
    let items: Vec<String> = v.iter().map(allowlist).collect();
    format!("vec![{}]", items.join(", "))
}

/// Parses a regex as the program will compile it (bytes, Unicode off); its capture count.
fn check_regex(file: &str, id: &str, what: &str, src: &str) -> usize {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(src)
        .unwrap_or_else(|e| panic!("rules/{file}: rule {id:?}: invalid {what}: {e}"));
    hir.properties().explicit_captures_len()
}

fn rule(file: &str, r: &RuleSyntax) -> String {
    for k in r.keywords.iter() {
        assert!(
            !k.is_empty() && !k.bytes().any(|b| b.is_ascii_uppercase()),
            "rules/{file}: rule {:?}: keyword {k:?} must be non-empty and lower-case",
            r.id
        );
    }
    let captures = r
        .regex
        .as_deref()
        .map_or(0, |re| check_regex(file, &r.id, "regex", re));
    if let Some(p) = &r.path {
        check_regex(file, &r.id, "path", p);
    }
    if let Some(g) = r.secret_group {
        assert!(
            g <= captures,
            "rules/{file}: rule {:?}: secret_group {g} but the regex has {captures} group(s)",
            r.id
        );
    }
    assert!(
        r.required.is_empty(),
        "rules/{file}: rule {:?}: composite rules are not supported",
        r.id
    );
    for a in r.allowlist.iter().chain(&r.allowlists) {
        for re in &a.regexes {
            check_regex(file, &r.id, "allowlist regex", re);
        }
    }
    if let Some(e) = r.entropy {
        assert!(
            (0.0..=8.0).contains(&e),
            "rules/{file}: rule {:?}: entropy {e} is outside 0..=8",
            r.id
        );
    }
    assert!(
        !r.id.trim().is_empty(),
        "rules/{file}: a rule has an empty id"
    );
    assert!(
        r.regex.is_none() || r.structure.is_none(),
        "rules/{file}: rule {:?}: a regex or a structure, not both",
        r.id
    );
    assert!(
        r.regex.is_some() || r.path.is_some() || r.structure.is_some(),
        "rules/{file}: rule {:?} needs a regex, a structure or a path",
        r.id
    );
    let level = |v: &Option<syntax::Text>, default: &str, names: &[&str], ty: &str| {
        let v = v.as_deref().unwrap_or(default).to_ascii_lowercase();
        let i = names
            .iter()
            .position(|n| n.to_ascii_lowercase() == v)
            .unwrap_or_else(|| panic!("rules/{file}: rule {:?}: unknown {ty} {v:?}", r.id));
        format!("{ty}::{}", names[i])
    };
    let severity = level(
        &r.severity,
        "high",
        &["Low", "Medium", "High", "Critical"],
        "Severity",
    );
    let confidence = level(
        &r.confidence,
        "medium",
        &["Low", "Medium", "High"],
        "Confidence",
    );
    let checksum = match r.checksum.as_deref() {
        None => "None".to_string(),
        Some("github-crc32") => "Some(Checksum::GithubCrc32)".into(),
        Some("npm-crc32") => "Some(Checksum::NpmCrc32)".into(),
        Some("jwt") => "Some(Checksum::Jwt)".into(),
        Some(c) => panic!("rules/{file}: rule {:?}: unknown checksum {c:?}", r.id),
    };
    let pattern = |p: &Option<syntax::Text>| match p {
        Some(p) => format!("Some(Pattern::trusted({}))", lit(p)),
        None => "None".into(),
    };
    let examples = |v: &[String]| {
        if v.is_empty() {
            "Vec::new()".to_string()
        } else {
            format!("if with_examples {{ {} }} else {{ Vec::new() }}", strs(v))
        }
    };
    let rule_allowlists: Vec<String> = r
        .allowlist
        .iter()
        .chain(&r.allowlists)
        .map(|a| format!("allow({})", allowlist(a)))
        .collect();
    format!(
        "Rule {{ id: Cow::Borrowed({id}), description: Cow::Borrowed({}), regex: {}, \
         secret_group: {:?}, entropy: {:?}, keywords: {}, path: {}, structure: {}, tags: {}, \
         severity: {severity}, confidence: {confidence}, checksum: {checksum}, \
         randomness: {}, password: {}, multiline: {}, min_length: {}, skip_report: {}, \
         allowlists: vec![{}], origin: Cow::Borrowed(ORIGIN), examples: {}, \
         negative_examples: {}, example_path: {}, verify: {}, remediation: {}, trusted: true }}",
        lit(r.description.as_deref().unwrap_or(&r.id)),
        match &r.regex {
            Some(p) => format!(
                "Some(Pattern::trusted({}).for_rule({}, {}))",
                lit(p),
                !r.keywords.is_empty(),
                r.multiline
            ),
            None => "None".into(),
        },
        r.secret_group,
        r.entropy,
        text_list(&r.keywords),
        pattern(&r.path),
        opt_str(&r.structure),
        text_list(&r.tags),
        r.randomness,
        r.password,
        r.multiline,
        r.min_length.unwrap_or(0),
        r.skip_report,
        rule_allowlists.join(", "),
        examples(&r.examples),
        examples(&r.negative_examples),
        opt_str(&r.example_path),
        match &r.verify {
            Some(v) => format!("Some(Box::new({}))", verify(v)),
            None => "None".into(),
        },
        match &r.remediation {
            Some(m) => format!(
                "Some(Remediation {{ rotate: Cow::Borrowed({}), impact: Cow::Borrowed({}) }})",
                lit(&m.rotate),
                lit(&m.impact)
            ),
            None => "None".into(),
        },
        id = lit(&r.id),
    )
}

/// A `[rules.verify]` table as Rust code (validated by the test suite, which parses every
/// embedded verifier as the program does).
fn verify(v: &syntax::VerifySyntax) -> String {
    let codes =
        |c: &[u16]| format!("std::borrow::Cow::Borrowed({{ const C: &[u16] = &{c:?}; C }})");
    format!(
        "VerifySyntax {{ kind: {}, method: {}, url: {}, headers: {}, body: {}, basic: {}, \
         valid: {}, invalid: {}, valid_if: {}, identity: {}, pair: {}, pair_lines: {:?}, \
         hosts: {} }}",
        opt_str(&v.kind),
        opt_str(&v.method),
        opt_str(&v.url),
        text_list(&v.headers),
        opt_str(&v.body),
        opt_str(&v.basic),
        codes(&v.valid),
        codes(&v.invalid),
        opt_str(&v.valid_if),
        opt_str(&v.identity),
        opt_str(&v.pair),
        v.pair_lines,
        text_list(&v.hosts),
    )
}

/// Every embedded rules file as Rust code building its rules and global allowlists.
fn builtin_rules() -> String {
    let dir = Path::new("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut ids = HashSet::new();
    let mut out = String::from(
        "/// Builds one embedded rules file: pushes its rules, ready, onto the vector (built in\n\
         /// place there, not moved through a vector of their own) and returns its global\n\
         /// allowlists' syntax; the flag says whether to keep the rules' examples.\n\
         pub type MakeLayer = fn(bool, &mut Vec<Rule>) -> Vec<AllowlistSyntax>;\n",
    );
    let mut table = String::from(
        "/// Every embedded rules file: its path (`rules/NAME.toml`) and a function building its contents, parsed and\n\
         /// validated at build time; one file at a time, so that each file's syntax is dropped\n\
         /// before the next is built. Examples are built only when asked for (`rules --check`).\n\
         pub static LAYERS: &[(&str, MakeLayer)] = &[\n",
    );
    for (i, n) in names.iter().enumerate() {
        println!("cargo:rerun-if-changed=rules/{n}");
        let src = fs::read_to_string(dir.join(n)).unwrap();
        let c: ConfigSyntax = toml::from_str(&src).unwrap_or_else(|e| panic!("rules/{n}: {e}"));
        let rules: Vec<String> = c
            .rules
            .iter()
            .map(|r| {
                assert!(
                    ids.insert(r.id.clone()),
                    "rules/{n}: duplicate rule id {:?}",
                    r.id
                );
                rule(n, r)
            })
            .collect();
        let globals: Vec<AllowlistSyntax> =
            c.allowlist.iter().chain(&c.allowlists).cloned().collect();
        let _ = writeln!(
            out,
            "#[allow(unused_variables, dead_code, clippy::ptr_arg)]\nfn layer_{i}(with_examples: bool, out: &mut Vec<Rule>) -> Vec<AllowlistSyntax> {{ \
             const ORIGIN: &str = {}; {} {} }}",
            lit(&format!("rules/{n}")),
            rules
                .iter()
                .map(|r| format!("out.push({r});"))
                .collect::<String>(),
            allowlists(&globals)
        );
        let _ = writeln!(table, "    ({}, layer_{i}),", lit(&format!("rules/{n}")));
    }
    table.push_str("];\n");
    let _ = writeln!(
        table,
        "/// How many rules the embedded files hold.\npub const RULE_COUNT: usize = {};",
        ids.len()
    );
    out.push_str(&table);
    out
}

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap();
    fs::write(
        Path::new(&out_dir).join("builtin_rules.rs"),
        builtin_rules(),
    )
    .unwrap();
    fs::write(Path::new(&out_dir).join("words.rs"), words_table()).unwrap();
    fs::write(
        Path::new(&out_dir).join("known_public.rs"),
        known_public_table(),
    )
    .unwrap();
}

/// The values of `data/known-public.tsv` (first column), as one sorted static array. The
/// file must be sorted by value and free of duplicates, and every line must name the
/// provider and where the value is published.
fn known_public_table() -> String {
    let f = Path::new("data/known-public.tsv");
    println!("cargo:rerun-if-changed={}", f.display());
    let text = fs::read_to_string(f).expect("data/known-public.tsv");
    let mut values: Vec<&str> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(
            cols.len() == 3 && cols.iter().all(|c| !c.trim().is_empty()),
            "{}:{}: expected value<TAB>provider<TAB>source",
            f.display(),
            i + 1
        );
        if let Some(p) = values.last() {
            assert!(
                *p < cols[0],
                "{}:{}: {:?} is not after {p:?} (keep the list sorted, without duplicates)",
                f.display(),
                i + 1,
                cols[0]
            );
        }
        values.push(cols[0]);
    }
    let mut w = format!(
        "/// Published example and public credentials, sorted (data/known-public.tsv).\npub static KNOWN_PUBLIC: [&str; {}] = [\n",
        values.len()
    );
    for v in values {
        w.push_str(&format!("{v:?},"));
    }
    w.push_str("];\n");
    w
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
