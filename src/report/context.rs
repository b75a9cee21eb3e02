//! What every reporter may need besides the findings.

/// Settings and facts shared by all formats.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub show_secrets: bool,
    pub color: bool,
    /// The repository's remote URL (credentials removed), for SARIF's
    /// versionControlProvenance.
    pub repository_uri: Option<String>,
}
