//! The languages `fix` knows: how each reads an environment variable, and the import that
//! needs, decided from the file's name.

/// A language whose string literals `fix` can replace with an environment lookup, or (for
/// the advice-only kinds) describe how to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Go,
    Ruby,
    Java,
    Kotlin,
    Php,
    CSharp,
    Shell,
    /// YAML other than Compose: `${NAME}` only where the tool interpolates; advice only.
    Yaml,
    /// A Compose file (`compose.yaml`, `docker-compose.yml`, ...): Compose interpolates
    /// `${NAME}` from the `.env` beside it, so it is rewritten when it sits at the
    /// repository root, where `fix` writes `.env`.
    Compose,
    /// A Kubernetes Secret manifest: encrypt it instead; advice only.
    KubernetesSecret,
}

impl Lang {
    /// The language of `path` (a report path), from its extension or name; `line` breaks
    /// the tie for YAML (a `kind: Secret` manifest is told apart by its finding's tags).
    pub fn of(path: &str, tags: &[String]) -> Option<Lang> {
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        Some(match ext {
            "py" => Lang::Python,
            "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "ts" | "mts" | "cts" | "tsx" => Lang::TypeScript,
            "go" => Lang::Go,
            "rb" | "rake" => Lang::Ruby,
            "java" => Lang::Java,
            "kt" | "kts" => Lang::Kotlin,
            "php" => Lang::Php,
            "cs" => Lang::CSharp,
            "sh" | "bash" | "zsh" | "ksh" => Lang::Shell,
            "yml" | "yaml" if tags.iter().any(|t| t == "kubernetes") => Lang::KubernetesSecret,
            "yml" | "yaml" if name.starts_with("compose") || name.starts_with("docker-compose") => {
                Lang::Compose
            }
            "yml" | "yaml" => Lang::Yaml,
            _ if name == "gemfile" || name == "rakefile" => Lang::Ruby,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Go => "go",
            Lang::Ruby => "ruby",
            Lang::Java => "java",
            Lang::Kotlin => "kotlin",
            Lang::Php => "php",
            Lang::CSharp => "csharp",
            Lang::Shell => "shell",
            Lang::Yaml => "yaml",
            Lang::Compose => "compose",
            Lang::KubernetesSecret => "kubernetes",
        }
    }

    /// The expression that reads variable `var` from the environment, failing loudly where
    /// the language makes that short (a missing variable should stop the program, not run
    /// it with an empty key).
    pub fn env_expr(self, var: &str) -> Option<String> {
        Some(match self {
            Lang::Python => format!("os.environ[\"{var}\"]"),
            Lang::JavaScript => format!("process.env.{var}"),
            Lang::TypeScript => format!("process.env.{var}!"),
            Lang::Go => format!("os.Getenv(\"{var}\")"),
            Lang::Ruby => format!("ENV.fetch(\"{var}\")"),
            Lang::Java | Lang::Kotlin => format!("System.getenv(\"{var}\")"),
            Lang::Php => format!("getenv('{var}')"),
            Lang::CSharp => format!("System.Environment.GetEnvironmentVariable(\"{var}\")"),
            Lang::Shell => format!("\"${{{var}:?}}\""),
            Lang::Yaml | Lang::Compose => format!("${{{var}}}"),
            Lang::KubernetesSecret => return None,
        })
    }

    /// Can `fix --write` rewrite this language's literals? YAML is interpolated only by
    /// some tools (compose, not Kubernetes), and a Secret manifest needs encrypting.
    pub fn rewritable(self) -> bool {
        !matches!(self, Lang::Yaml | Lang::KubernetesSecret)
    }
}

/// Adds the import the environment lookup needs to `text` (a whole source file), unless
/// it is there already. Only Python (`import os`) and Go (`"os"`) need one.
pub fn add_import(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Python => python_import(text),
        Lang::Go => go_import(text),
        _ => text.to_string(),
    }
}

fn python_import(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let has = lines.iter().any(|l| {
        let t = l.trim_end();
        t.strip_prefix("import ")
            .is_some_and(|m| m.split(',').any(|m| m.trim() == "os"))
    });
    if has {
        return text.to_string();
    }
    // After the shebang, comments and the module docstring: before the first import there,
    // or after the `from __future__` imports (which must come first).
    let header = python_header_end(&lines);
    let mut at = None;
    let mut after_future = None;
    let mut i = header;
    while i < lines.len() {
        let l = lines[i];
        if l.starts_with("from __future__") {
            // A parenthesised list runs to its closing line.
            if l.contains('(') && !l.contains(')') {
                while i + 1 < lines.len() && !lines[i].contains(')') {
                    i += 1;
                }
            }
            after_future = Some(i + 1);
        } else if l.starts_with("import ") || l.starts_with("from ") {
            at = Some(i);
            break;
        }
        i += 1;
    }
    let at = after_future.or(at).unwrap_or(header);
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len() + 10);
    for l in &lines[..at] {
        out.push_str(l);
    }
    if at > 0 && !out.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str("import os");
    out.push_str(eol);
    for l in &lines[at..] {
        out.push_str(l);
    }
    out
}

/// The first line after a module's shebang, comments, blank lines and docstring.
fn python_header_end(lines: &[&str]) -> usize {
    let mut i = 0;
    while i < lines.len() && (lines[i].trim().is_empty() || lines[i].starts_with('#')) {
        i += 1;
    }
    if let Some(l) = lines.get(i) {
        for q in ["\"\"\"", "'''"] {
            if let Some(rest) = l.trim_start().strip_prefix(q) {
                if rest.contains(q) {
                    return i + 1;
                }
                let mut j = i + 1;
                while j < lines.len() && !lines[j].contains(q) {
                    j += 1;
                }
                return (j + 1).min(lines.len());
            }
        }
    }
    i
}

fn go_import(text: &str) -> String {
    let has = text.lines().any(|l| {
        let t = l.trim();
        t == "\"os\"" || t == "import \"os\""
    });
    if has {
        return text.to_string();
    }
    let has_imports = text.lines().any(|l| l.starts_with("import "));
    let mut out = String::with_capacity(text.len() + 16);
    let mut done = false;
    for l in text.split_inclusive('\n') {
        if !done && l.trim_end() == "import (" {
            out.push_str(l);
            out.push_str("\t\"os\"\n");
            done = true;
            continue;
        }
        if !done && l.starts_with("import \"") {
            out.push_str("import \"os\"\n");
            done = true;
        }
        out.push_str(l);
        if !done && !has_imports && l.starts_with("package ") {
            out.push_str("\nimport \"os\"\n");
            done = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_by_name() {
        assert_eq!(Lang::of("app/settings.py", &[]), Some(Lang::Python));
        assert_eq!(Lang::of("x/Main.java", &[]), Some(Lang::Java));
        assert_eq!(Lang::of("deploy.sh", &[]), Some(Lang::Shell));
        assert_eq!(Lang::of("Gemfile", &[]), Some(Lang::Ruby));
        assert_eq!(
            Lang::of("k8s/secret.yaml", &["kubernetes".into()]),
            Some(Lang::KubernetesSecret)
        );
        assert_eq!(Lang::of("notes.txt", &[]), None);
        assert_eq!(
            Lang::of("docker-compose.prod.yml", &[]),
            Some(Lang::Compose)
        );
        assert_eq!(Lang::of("deploy/values.yaml", &[]), Some(Lang::Yaml));
    }

    #[test]
    fn python_import_placement() {
        assert_eq!(python_import("x = 1\n"), "import os\nx = 1\n");
        assert_eq!(
            python_import("#!/usr/bin/env python\n\"\"\"Doc.\n\nMore.\n\"\"\"\nx = 1\n"),
            "#!/usr/bin/env python\n\"\"\"Doc.\n\nMore.\n\"\"\"\nimport os\nx = 1\n"
        );
        assert_eq!(
            python_import("from __future__ import annotations\nimport sys\n"),
            "from __future__ import annotations\nimport os\nimport sys\n"
        );
        assert_eq!(
            python_import("import flask\nx = 1\n"),
            "import os\nimport flask\nx = 1\n"
        );
        let has = "import sys, os\nx = 1\n";
        assert_eq!(python_import(has), has);
        assert_eq!(
            python_import("import os as o\n"),
            "import os\nimport os as o\n"
        );
        assert_eq!(
            python_import("\"\"\"Sync\nfrom the API.\n\"\"\"\nx = 1\n"),
            "\"\"\"Sync\nfrom the API.\n\"\"\"\nimport os\nx = 1\n"
        );
        assert_eq!(
            python_import("from __future__ import (\n    annotations,\n)\nx = 1\n"),
            "from __future__ import (\n    annotations,\n)\nimport os\nx = 1\n"
        );
        assert_eq!(python_import("x = 1\r\n"), "import os\r\nx = 1\r\n");
    }

    #[test]
    fn go_import_placement() {
        assert_eq!(
            go_import("package main\n\nimport (\n\t\"fmt\"\n)\n"),
            "package main\n\nimport (\n\t\"os\"\n\t\"fmt\"\n)\n"
        );
        assert_eq!(
            go_import("package main\n\nimport \"fmt\"\n"),
            "package main\n\nimport \"os\"\nimport \"fmt\"\n"
        );
        assert_eq!(
            go_import("package main\n\nvar x = 1\n"),
            "package main\n\nimport \"os\"\n\nvar x = 1\n"
        );
        let has = "package main\nimport \"os\"\n";
        assert_eq!(go_import(has), has);
    }
}
