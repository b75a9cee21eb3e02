//! What every reporter may need besides the findings.

/// Settings and facts shared by all formats.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub show_secrets: bool,
    pub color: bool,
    /// Text output: show each rule's remediation and the code-aware advice under findings.
    pub remediation: bool,
    /// The repository's remote URL (credentials removed), for SARIF's
    /// versionControlProvenance.
    pub repository_uri: Option<String>,
    /// Facts about the run every format carries besides its findings (a range that changes
    /// the scan's policy files).
    pub notes: Vec<Note>,
}

/// A fact about the run, not a finding: JSON and JSONL carry it as an object with
/// `"kind": "note"`, SARIF as a tool notification, text and JUnit as a line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// Stable identifier, e.g. `policy-changed`.
    pub id: String,
    pub message: String,
    /// The files the note is about (repository paths).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}
