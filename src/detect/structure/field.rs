//! What an extractor is and what it finds: the interface every credential-file format
//! implements (a leaf, so that formats and the registry in `structure` depend on it, not on
//! each other).

use crate::rules::Confidence;

/// What a value in a credential position is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Password,
    /// An API token, a registry token, a session token.
    Token,
    /// An application's signing or encryption key (`SECRET_KEY`, `APP_KEY`, `master.key`).
    Key,
    /// A private key (PuTTY, PEM inside a structure).
    PrivateKey,
    /// A password hash (`.htpasswd`, `shadow`): not the password, but crackable offline.
    Hash,
}

/// A value in a credential position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Where the value is written in the file (byte offsets): the finding's location.
    pub start: usize,
    pub end: usize,
    /// The secret itself when it differs from the bytes written (unescaped, decoded: the
    /// password inside base64 `user:password`).
    pub value: Option<Vec<u8>>,
    /// How `value` was decoded from the bytes written (`base64`, `percent`, `winscp`).
    pub encoding: Option<&'static str>,
    pub kind: FieldKind,
    pub confidence: Confidence,
    /// The host the credential is for, when the record names one: a default password
    /// (`postgres`, `admin`) counts only for a host that is not local or a documentation
    /// host.
    pub host: Option<String>,
    /// The shortest value that counts: 1 in files that exist only to hold credentials,
    /// more in general configuration where a key merely containing "pass" may hold `yes`.
    pub min_len: usize,
}

impl Field {
    /// A field written as is at `start..end`, at `confidence`.
    pub fn plain(start: usize, end: usize, kind: FieldKind, confidence: Confidence) -> Field {
        Field {
            start,
            end,
            value: None,
            encoding: None,
            kind,
            confidence,
            host: None,
            min_len: 1,
        }
    }
}

/// One format of credential file.
pub trait Extractor: Sync {
    /// Is `path` (as reported: `/`-separated, relative to the scanned root) a file of this
    /// format? Decide from the name when it says enough; look at `data` only when the name
    /// varies (a kubeconfig named `prod.yaml`). Called for every file: keep it cheap.
    fn applies(&self, path: &str, data: &[u8]) -> bool;

    /// Appends the values in credential positions of `data` (the whole file) to `out`.
    /// Commented-out lines, references (`${VAR}`) and the format's own placeholders are not
    /// fields; common placeholders (`changeme`, `<password>`) are dropped by the gate anyway.
    fn extract(&self, path: &str, data: &[u8], out: &mut Vec<Field>);

    /// The same, looking only at `windows` of `data` (the lines around a rule's keywords,
    /// or the whole file for a rule without keywords). Formats whose positions need the
    /// whole file ignore the windows.
    /// Is the format recognised by its content alone (a PEM block), so that it is also
    /// looked for in text decoded from a file (a base64 Kubernetes `tls.key`)? A format
    /// recognised by its file name is not.
    fn by_content(&self) -> bool {
        false
    }

    fn extract_in(
        &self,
        path: &str,
        data: &[u8],
        windows: &[(usize, usize)],
        out: &mut Vec<Field>,
    ) {
        let _ = windows;
        self.extract(path, data, out);
    }
}
