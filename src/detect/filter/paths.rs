//! Path classes: test code and fixtures, and configuration formats (where an unquoted value
//! is a literal, not an expression).

/// Test code and fixtures, by path: `test/`, `tests/`, `__tests__/`, `spec/`, `fixtures/`,
/// `testdata/` folders, and `*_test.go`, `test_*.py`, `*_test.py`, `*.test.js`, `*.spec.ts`,
/// `*Test.java`, `*Tests.cs`-style names. Used by `--exclude-tests`.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop().unwrap_or("");
    const DIRS: &[&str] = &[
        "test",
        "tests",
        "__tests__",
        "spec",
        "specs",
        "fixtures",
        "fixture",
        "testdata",
        "test-data",
        "test_data",
        "__mocks__",
        "mocks",
    ];
    if parts.iter().any(|d| DIRS.contains(d)) {
        return true;
    }
    let stem = name.split('.').next().unwrap_or(name);
    name.contains(".test.")
        || name.contains(".spec.")
        || stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("_spec")
        || (stem.ends_with("test") && path.rsplit('/').next().is_some_and(|n| n.contains("Test")))
}

/// What kind of file a path names, as far as judging a value in it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileClass {
    /// Examples, samples, templates, dummies, stubs, mocks: values there are made up.
    Example,
    /// Documentation and API specifications: values there illustrate.
    Docs,
    /// Test code and fixtures.
    Test,
    Other,
}

/// Does `s` (lower case) contain `w` as a word (not inside a longer run of letters)?
fn has_word(s: &str, w: &str) -> bool {
    s.match_indices(w).any(|(i, _)| {
        let b = s.as_bytes();
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + w.len()).copied();
        let edge = |c: Option<u8>| c.is_none_or(|c| !c.is_ascii_lowercase());
        edge(before) && (edge(after) || after == Some(b's'))
    })
}

/// Words that name a file, or a folder, as a stand-in for the real thing.
const DUMMY_WORDS: &[&str] = &["dummy", "stub", "fake", "mock", "placeholder"];

/// Whether a word of `words` names the file or one of its folders (`lower` is the path,
/// lower-cased).
fn named(lower: &str, words: &[&str]) -> bool {
    lower
        .split('/')
        .any(|part| words.iter().any(|w| has_word(part, w)))
}

/// A file named as a dummy, stub, fake or mock (`dummy.pem`, `stub_key.priv`, `mocks/`): its
/// content stands in for the real thing, more surely than an example's, which is often a
/// working value copied from somewhere.
pub fn is_named_dummy(path: &str) -> bool {
    named(&path.to_ascii_lowercase(), DUMMY_WORDS)
}

/// The class of a file, from its path: an example or template first (a `config.example.yml`
/// under `docs/` is an example), then documentation, then tests.
pub fn file_class(path: &str) -> FileClass {
    let lower = path.to_ascii_lowercase();
    let (dirs, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    const EXAMPLE_WORDS: &[&str] = &["example", "sample", "template"];
    const EXAMPLE_EXT: &[&str] = &[
        "example", "sample", "dist", "template", "tmpl", "tpl", "default",
    ];
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if EXAMPLE_EXT.contains(&ext) || named(&lower, EXAMPLE_WORDS) || named(&lower, DUMMY_WORDS) {
        return FileClass::Example;
    }
    const DOC_EXT: &[&str] = &[
        "md", "markdown", "mdx", "rst", "adoc", "asciidoc", "html", "htm", "texi", "pod", "rdoc",
        "org", "man", "1", "2", "3", "4", "5", "6", "7", "8", "9",
    ];
    const DOC_DIRS: &[&str] = &["docs", "doc", "documentation", "man", "manual", "website"];
    let is_spec = ["openapi", "swagger", "apispec", "api-spec"]
        .iter()
        .any(|w| name.contains(w));
    if DOC_EXT.contains(&ext) || is_spec || dirs.split('/').any(|d| DOC_DIRS.contains(&d)) {
        return FileClass::Docs;
    }
    if is_test_path(path) {
        return FileClass::Test;
    }
    FileClass::Other
}

/// Files where an unquoted value after `=` or `:` is a literal, not an expression.
pub fn is_config_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    // Names without an extension (`config`, `hub`) and dot files (`.tugboat`, `.boto`) are
    // settings far more often than code.
    if name.starts_with(".env")
        || name.ends_with(".env")
        || !name.trim_start_matches('.').contains('.')
    {
        return true;
    }
    const EXT: &[&str] = &[
        "env",
        "properties",
        "yaml",
        "yml",
        "ini",
        "conf",
        "cfg",
        "cnf",
        "toml",
        "config",
        "txt",
        "netrc",
        "pgpass",
        "npmrc",
        "pypirc",
        "tfvars",
        "tf",
        "hcl",
        "plist",
        "xml",
        "rc",
        "sh",
        "bash",
        "zsh",
        "ps1",
        "bat",
        "cmd",
        "dockerfile",
        "json",
    ];
    name.rsplit('.').next().is_some_and(|e| EXT.contains(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_classes() {
        for (p, want) in [
            ("config/database.example.yml", FileClass::Example),
            (".env.sample", FileClass::Example),
            ("certs/dummy.pem", FileClass::Example),
            ("keys/stub_key.priv", FileClass::Example),
            ("src/mocks/client.ts", FileClass::Example),
            ("examples/app/.env", FileClass::Example),
            ("README.md", FileClass::Docs),
            ("docs/setup/config.yml", FileClass::Docs),
            ("api/openapi.yaml", FileClass::Docs),
            ("man/htpasswd.1", FileClass::Docs),
            ("tests/auth_test.py", FileClass::Test),
            ("src/app.py", FileClass::Other),
            ("config/production.yml", FileClass::Other),
            ("src/resampler.rs", FileClass::Other),
            ("src/stubborn.go", FileClass::Other),
        ] {
            assert_eq!(file_class(p), want, "{p}");
        }
        // Of the examples, those named as stand-ins.
        for p in [
            "certs/dummy.pem",
            "keys/stub_key.priv",
            "src/mocks/id_rsa",
            "fake-key.pem",
        ] {
            assert!(is_named_dummy(p), "{p}");
        }
        for p in [
            "misc-keys/putty-example.ppk",
            "samples/server.key",
            "src/stubborn.pem",
        ] {
            assert!(!is_named_dummy(p), "{p}");
        }
    }

    #[test]
    fn names_without_an_extension_and_dot_files_are_configuration() {
        for p in [
            "cloud/.tugboat",
            ".boto",
            "config",
            "hub",
            "app/.env.local",
            "a.yml",
        ] {
            assert!(is_config_path(p), "{p}");
        }
        for p in ["src/app.py", "lib/.eslintrc.js", "main.rs"] {
            assert!(!is_config_path(p), "{p}");
        }
    }

    #[test]
    fn test_paths() {
        for p in [
            "tests/a.rs",
            "src/__tests__/x.js",
            "pkg/foo_test.go",
            "test_app.py",
            "a/b.spec.ts",
            "src/test/java/FooTest.java",
            "fixtures/x.env",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "src/main.rs",
            "contest/app.py",
            "latest.env",
            "attestation.go",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
