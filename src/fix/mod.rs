//! From "found" to "fixed": code-aware advice for a finding (read the value from the
//! environment, in the file's language), and the rewrite `leakhound fix` plans and applies
//! (the literal replaced by an environment lookup, the value moved to a git-ignored `.env`).
//!
//! Only findings that are a whole literal assigned to a name in a known language are
//! rewritten; anything else is left for a person with the reason (see [`plan`]). Nothing here
//! reads the rules or runs the detector: it works on findings.

pub mod dotenv;
pub mod lang;
pub mod plan;
pub mod site;

pub use crate::finding::Advice;
use crate::finding::Finding;
use lang::Lang;
use std::path::Path;

/// Advice for finding `f`, when its file is of a kind with a better place for the value:
/// the advice it carries (read back from a report, whose lines are masked), else derived
/// from its line. Never contains the secret: only the line's names and the language's
/// lookup.
pub fn advice(f: &Finding) -> Option<Advice> {
    if f.advice.is_some() {
        return f.advice.clone();
    }
    derive(f)
}

fn derive(f: &Finding) -> Option<Advice> {
    let file = f.path.rsplit(['/', '!']).next().unwrap_or(&f.path);
    if file == ".env" || file.starts_with(".env.") && !file.ends_with(".example") {
        return Some(Advice {
            language: "dotenv".into(),
            variable: None,
            replacement: None,
            text: format!(
                "keep {file} out of git: `git rm --cached {}`, add it to .gitignore, and \
                 commit a .env.example with empty values instead",
                f.path
            ),
        });
    }
    let lang = Lang::of(&f.path, &f.tags)?;
    if lang == Lang::KubernetesSecret {
        return Some(Advice {
            language: lang.name().into(),
            variable: None,
            replacement: None,
            text: "base64 in a Secret is encoding, not encryption: commit it encrypted \
                   (SOPS, Sealed Secrets) or reference an external store (External Secrets)"
                .into(),
        });
    }
    let site = site::locate(&f.line_text, f.column, &f.secret, lang).ok();
    let var = site
        .as_ref()
        .and_then(|s| s.name.as_deref())
        .and_then(site::env_name)
        .or_else(|| site::env_name(&f.rule_id))?;
    let expr = lang.env_expr(&var)?;
    let text = if site.is_some() && lang.rewritable() && f.encoding.is_none() {
        format!("read it from the environment: {expr} (`leakhound fix` rewrites it)")
    } else {
        format!("read it from the environment instead, e.g. {expr}")
    };
    Some(Advice {
        language: lang.name().into(),
        variable: Some(var),
        replacement: Some(expr),
        text,
    })
}

/// Writes `bytes` to `path` atomically (see [`crate::atomic::write`]), with `mode`
/// if given, else the mode `path` has now (a new file: 0600, the temporary file's).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    #[cfg(unix)]
    let mode = mode.or_else(|| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).ok().map(|m| m.permissions().mode())
    });
    crate::atomic::write(path, bytes, mode)
}

/// A finding of `secret` in `text` (its first line holding it), for the unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::finding::Finding;

    pub fn finding(path: &str, text: &str, secret: &str) -> Finding {
        let (n, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(secret))
            .unwrap();
        let column = line[..line.find(secret).unwrap()].chars().count() + 1;
        Finding {
            rule_id: "stripe-secret-key".into(),
            description: String::new(),
            path: path.into(),
            line: n + 1,
            column,
            end_line: n + 1,
            end_column: column + secret.len(),
            secret: secret.into(),
            line_text: line.into(),
            entropy: 0.0,
            fingerprint: String::new(),
            confidence: crate::rules::Confidence::High,
            severity: crate::rules::Severity::High,
            tags: Vec::new(),
            encoding: None,
            commit: None,
            occurrences: Vec::new(),
            verification: None,
            present_at_head: None,
            remediation: Default::default(),
            repository: None,
            advice: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::finding;
    use super::*;

    #[test]
    fn advice_per_language_never_holds_the_secret() {
        let s = "SECRETVALUE0123";
        for (path, line, want) in [
            (
                "app.py",
                "API_KEY = \"SECRETVALUE0123\"",
                "os.environ[\"API_KEY\"]",
            ),
            (
                "a.js",
                "const apiKey = 'SECRETVALUE0123';",
                "process.env.API_KEY",
            ),
            (
                "m.go",
                "\ttoken := \"SECRETVALUE0123\"",
                "os.Getenv(\"TOKEN\")",
            ),
            (
                "a.rb",
                "API_KEY = \"SECRETVALUE0123\"",
                "ENV.fetch(\"API_KEY\")",
            ),
            (
                "A.java",
                "String key = \"SECRETVALUE0123\";",
                "System.getenv(\"KEY\")",
            ),
            ("c.php", "$token = 'SECRETVALUE0123';", "getenv('TOKEN')"),
            (
                "deploy.sh",
                "export TOKEN=SECRETVALUE0123",
                "\"${TOKEN:?}\"",
            ),
            ("c.yml", "  token: SECRETVALUE0123", "${TOKEN}"),
            (
                "p.py",
                "stripe.Client(\"SECRETVALUE0123\")",
                "os.environ[\"STRIPE_SECRET_KEY\"]",
            ),
        ] {
            let a = advice(&finding(path, line, s)).unwrap();
            assert_eq!(a.replacement.as_deref(), Some(want), "{path}");
            assert!(!a.text.contains(s));
        }
        let k = Finding {
            tags: vec!["kubernetes".into()],
            ..finding("k/secret.yaml", "  password: SECRETVALUE0123", s)
        };
        assert!(advice(&k).unwrap().text.contains("SOPS"));
        assert!(advice(&finding(".env", "K=SECRETVALUE0123", s))
            .unwrap()
            .text
            .contains("git rm --cached .env"));
        assert_eq!(advice(&finding("notes.txt", "SECRETVALUE0123", s)), None);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_keep_or_set_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("run.sh");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_atomic(&p, b"new", None).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o755
        );
        let e = d.path().join(".env");
        write_atomic(&e, b"A=1\n", Some(0o600)).unwrap();
        assert_eq!(
            std::fs::metadata(&e).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
