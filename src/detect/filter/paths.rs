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

/// Files where an unquoted value after `=` or `:` is a literal, not an expression.
pub fn is_config_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if name.starts_with(".env") || name.ends_with(".env") || !name.contains('.') {
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
