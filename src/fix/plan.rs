//! Planning the rewrite of one file: each finding either becomes an edit (its literal
//! replaced by an environment lookup, named after what it was assigned to) or is listed as
//! manual work with the reason. Nothing is written here; the plan holds the new text, a
//! unified diff with every secret masked, and the variables to put in `.env`.

use super::lang::{self, Lang};
use super::site::{self, Site};
use crate::finding::{mask, Finding};
use std::collections::BTreeMap;

/// Names the environment already holds (a dotenv loader would not override them).
const AMBIENT: &[&str] = &[
    "PWD", "OLDPWD", "HOME", "USER", "LOGNAME", "PATH", "SHELL", "LANG", "TERM", "HOSTNAME",
    "TMPDIR", "TMP", "TEMP", "UID", "EDITOR", "IFS", "PS1", "DISPLAY", "MAIL", "SHLVL",
];

/// Variable names in use (from `.env` and earlier edits of this run), with their values.
#[derive(Debug, Default)]
pub struct Names {
    taken: BTreeMap<String, String>,
}

impl Names {
    pub fn new(existing: BTreeMap<String, String>) -> Names {
        Names { taken: existing }
    }

    /// `wanted`, or `wanted_2`, `wanted_3`, ... when `wanted` already holds another value;
    /// the same value under the same name is reused, not duplicated.
    fn claim(&mut self, wanted: &str, value: &str) -> String {
        let mut n = 1;
        loop {
            let name = if n == 1 {
                wanted.to_string()
            } else {
                format!("{wanted}_{n}")
            };
            if AMBIENT.contains(&name.as_str()) {
                n += 1;
                continue;
            }
            match self.taken.get(&name) {
                Some(v) if v == value => return name,
                Some(_) => n += 1,
                None => {
                    self.taken.insert(name.clone(), value.to_string());
                    return name;
                }
            }
        }
    }
}

/// A value moved to the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub var: String,
    /// The secret, for `.env` only.
    pub value: String,
    pub line: usize,
    pub rule_id: String,
}

/// A finding left for a person, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manual {
    pub line: usize,
    pub rule_id: String,
    pub reason: String,
}

/// The plan for one file.
#[derive(Debug, Default)]
pub struct Plan {
    pub new_text: String,
    pub moved: Vec<Moved>,
    pub manual: Vec<Manual>,
    /// `--- a/path` / `+++ b/path` and hunks, secrets masked; empty without edits.
    pub diff: String,
}

/// Plans `findings` (all in the file `path`, whose text is `text`). Every secret in
/// `also_mask` (the file's other findings, baselined ones included) is masked in the diff
/// too, wherever it appears, context lines included.
pub fn plan(
    path: &str,
    text: &str,
    findings: &[&Finding],
    also_mask: &[&str],
    names: &mut Names,
) -> Plan {
    let mut p = Plan::default();
    let Some(lang) = Lang::of(path, findings.first().map_or(&[][..], |f| &f.tags[..])) else {
        for f in findings {
            p.manual
                .push(manual(f, "leakhound does not rewrite this kind of file"));
        }
        return p;
    };
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    // Per line, the sites to replace, right to left so earlier offsets stay valid.
    let mut by_line: BTreeMap<usize, Vec<(Site, &Finding)>> = BTreeMap::new();
    for f in findings {
        match check(f, lang, &lines) {
            Ok(site) => {
                let sites = by_line.entry(f.line).or_default();
                if sites
                    .iter()
                    .any(|(s, _)| s.start < site.end && site.start < s.end)
                {
                    continue; // The same literal found by a second rule.
                }
                sites.push((site, f));
            }
            Err(why) => p.manual.push(manual(f, why)),
        }
    }
    for (line_no, mut sites) in by_line {
        sites.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
        let idx = line_no - 1;
        for (site, f) in sites {
            let wanted = site
                .name
                .as_deref()
                .and_then(site::env_name)
                .or_else(|| site::env_name(&f.rule_id))
                .unwrap_or_else(|| "SECRET".into());
            let var = names.claim(&wanted, &f.secret);
            let expr = lang.env_expr(&var).unwrap_or_default();
            lines[idx].replace_range(site.start..site.end, &expr);
            p.moved.push(Moved {
                var,
                value: f.secret.clone(),
                line: f.line,
                rule_id: f.rule_id.clone(),
            });
        }
        if lang == Lang::Go {
            let t = &lines[idx];
            let indent = t.len() - t.trim_start().len();
            if t[indent..].starts_with("const ") {
                lines[idx].replace_range(indent..indent + 5, "var");
            }
        }
        if lang == Lang::Kotlin {
            lines[idx] = lines[idx].replacen("const val ", "val ", 1);
        }
    }
    p.moved.sort_by_key(|m| m.line);
    p.manual.sort_by_key(|m| m.line);
    if p.moved.is_empty() {
        return p;
    }
    p.new_text = lang::add_import(lang, &lines.concat());
    // Longest first, so that a secret inside another is not left half shown.
    let mut secrets: Vec<&str> = findings.iter().map(|f| f.secret.as_str()).collect();
    secrets.extend_from_slice(also_mask);
    secrets.retain(|s| !s.is_empty());
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let hide = |t: &str| {
        secrets
            .iter()
            .fold(t.to_string(), |acc, s| acc.replace(s, &mask(s)))
    };
    p.diff = unified(path, &hide(text), &hide(&p.new_text));
    p
}

fn manual(f: &Finding, why: &str) -> Manual {
    Manual {
        line: f.line,
        rule_id: f.rule_id.clone(),
        reason: why.to_string(),
    }
}

/// Can finding `f` be rewritten in a `lang` file whose lines are `lines`?
fn check(f: &Finding, lang: Lang, lines: &[String]) -> Result<Site, &'static str> {
    if !lang.rewritable() {
        return Err(match lang {
            Lang::KubernetesSecret => {
                "a Kubernetes Secret: encrypt it instead (SOPS, Sealed Secrets, External Secrets)"
            }
            _ => "YAML is interpolated only by some tools: use ${NAME} where yours supports it",
        });
    }
    if f.encoding.is_some() {
        return Err("the secret is encoded in the file (base64, hex)");
    }
    if f.end_line != f.line || f.secret.contains('\n') {
        return Err("a multi-line value");
    }
    if f.commit.is_some() {
        return Err("found in history, not in a file");
    }
    if !super::dotenv::storable(&f.secret) {
        return Err("a value .env cannot hold as it is (a quote or a control character)");
    }
    if f.secret.contains('\\') {
        return Err("the literal has escapes: its value is not its text");
    }
    let interpolates = matches!(lang, Lang::Kotlin | Lang::Php | Lang::Shell | Lang::Ruby);
    if interpolates && (f.secret.contains('$') || f.secret.contains("#{")) {
        return Err("the literal may interpolate: its value is not its text");
    }
    let line = lines
        .get(f.line.wrapping_sub(1))
        .ok_or("the file changed since it was scanned")?;
    let text = line.trim_end_matches(['\n', '\r']);
    let site = site::locate(text, f.column, &f.secret, lang)?;
    let next = lines.get(f.line).map_or("", |l| l.trim_start());
    if next.starts_with(['"', '\'']) {
        return Err("the literal continues on the next line");
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('@') || trimmed.starts_with('[') {
        return Err("an annotation or attribute argument needs a constant");
    }
    if lang == Lang::Php
        && [
            "public ",
            "private ",
            "protected ",
            "var ",
            "const ",
            "static ",
        ]
        .iter()
        .any(|k| trimmed.starts_with(k))
    {
        return Err("a PHP property or constant default cannot call getenv()");
    }
    if lang == Lang::CSharp && trimmed.contains("const ") {
        return Err("a C# constant cannot hold a value read at run time");
    }
    if lang == Lang::Go && in_go_const_block(lines, f.line - 1) {
        return Err("inside a Go const block: move it to a var first");
    }
    if lang == Lang::Java && trimmed.starts_with("case ") {
        return Err("a switch label needs a constant");
    }
    if lang == Lang::TypeScript && in_ts_enum(lines, f.line - 1) {
        return Err("a TypeScript enum member needs a constant");
    }
    Ok(site)
}

/// Is line `idx` inside a TypeScript `enum Name { ... }`?
fn in_ts_enum(lines: &[String], idx: usize) -> bool {
    for l in lines[..idx].iter().rev() {
        let t = l.trim();
        if t.contains('}') {
            return false;
        }
        let decl = t
            .trim_start_matches("export ")
            .trim_start_matches("declare ")
            .trim_start_matches("const ");
        if decl.starts_with("enum ") && t.ends_with('{') {
            return true;
        }
    }
    false
}

/// Is line `idx` inside a `const ( ... )` block?
fn in_go_const_block(lines: &[String], idx: usize) -> bool {
    for l in lines[..idx].iter().rev() {
        let t = l.trim();
        if t == ")" || t.starts_with("func ") || t.starts_with("var (") || t.starts_with("type ") {
            return false;
        }
        if t.starts_with("const (") {
            return true;
        }
    }
    false
}

/// A unified diff of `old` to `new` under `a/path`, `b/path`.
fn unified(path: &str, old: &str, new: &str) -> String {
    use imara_diff::{BasicLineDiffPrinter, Diff, InternedInput, UnifiedDiffConfig};
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(imara_diff::Algorithm::Myers, &input);
    diff.postprocess_lines(&input);
    let body = diff
        .unified_diff(
            &BasicLineDiffPrinter(&input.interner),
            UnifiedDiffConfig::default(),
            &input,
        )
        .to_string();
    format!("--- a/{path}\n+++ b/{path}\n{body}")
}

#[cfg(test)]
mod tests {
    use super::super::testing::finding;
    use super::*;

    const S: &str = "SECRETVALUE0123456789";

    #[test]
    fn python_assignment_becomes_environ_lookup() {
        let text = format!("import flask\n\nAPI_KEY = \"{S}\"\n");
        let f = finding("app.py", &text, S);
        let p = plan("app.py", &text, &[&f], &[], &mut Names::default());
        assert_eq!(
            p.new_text,
            "import os\nimport flask\n\nAPI_KEY = os.environ[\"API_KEY\"]\n"
        );
        assert_eq!(p.moved[0].var, "API_KEY");
        assert!(!p.diff.contains(S), "the diff shows the secret: {}", p.diff);
        assert!(p.diff.contains("+API_KEY = os.environ[\"API_KEY\"]"));
        assert!(p.diff.contains("-API_KEY = \"SECR****"), "{}", p.diff);
    }

    #[test]
    fn go_const_becomes_var_and_clashing_names_get_a_suffix() {
        let text = format!("package main\n\nconst key = \"{S}\"\nvar other = \"{S}x\"\n");
        let a = finding("main.go", &text, S);
        let mut b = finding("main.go", &text, &format!("{S}x"));
        b.line = 4;
        b.column = 14;
        let mut names = Names::new([("KEY".to_string(), "different".to_string())].into());
        let p = plan("main.go", &text, &[&a, &b], &[], &mut names);
        assert!(
            p.new_text.contains("var key = os.Getenv(\"KEY_2\")"),
            "{}",
            p.new_text
        );
        assert!(p.new_text.contains("var other = os.Getenv(\"OTHER\")"));
        assert!(p.new_text.contains("import \"os\""));
    }

    #[test]
    fn ambient_names_are_never_claimed() {
        let mut names = Names::default();
        assert_eq!(names.claim("PWD", "x"), "PWD_2");
        assert_eq!(names.claim("API_KEY", "x"), "API_KEY");
        assert_eq!(names.claim("API_KEY", "y"), "API_KEY_2");
    }

    #[test]
    fn unsafe_cases_are_left_manual_and_untouched() {
        let text = format!("url = \"https://u:{S}@host\"\n");
        let f = finding("app.py", &text, S);
        let p = plan("app.py", &text, &[&f], &[], &mut Names::default());
        assert!(p.moved.is_empty() && p.new_text.is_empty() && p.diff.is_empty());
        assert_eq!(p.manual.len(), 1);
        let f = finding("notes.txt", S, S);
        let p = plan("notes.txt", S, &[&f], &[], &mut Names::default());
        assert_eq!(p.manual.len(), 1);
        let text = format!("export enum Keys {{\n  Stripe = \"{S}\",\n}}\n");
        let f = finding("k.ts", &text, S);
        assert_eq!(
            plan("k.ts", &text, &[&f], &[], &mut Names::default())
                .manual
                .len(),
            1
        );
        let text = format!("package main\nconst (\n\tkey = \"{S}\"\n)\n");
        let f = finding("c.go", &text, S);
        assert_eq!(
            plan("c.go", &text, &[&f], &[], &mut Names::default())
                .manual
                .len(),
            1
        );
    }
}
