//! What the extractors' unit tests share: running an extractor on a file and writing its
//! fields out as strings, checking on the way what every field of a credential file shares.

use super::field::{Extractor, FieldKind};
use crate::rules::Confidence;

/// A field as the text written, the secret when it differs from it, its encoding, its
/// kind and its host.
pub type Found = (
    String,
    Option<String>,
    Option<&'static str>,
    FieldKind,
    Option<String>,
);

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The fields `x` finds in `data` at `path`, each of high confidence and any length.
pub fn found(x: &dyn Extractor, path: &str, data: &[u8]) -> Vec<Found> {
    let mut out = Vec::new();
    x.extract(path, data, &mut out);
    out.iter()
        .map(|f| {
            assert_eq!((f.confidence, f.min_len), (Confidence::High, 1));
            (
                text(&data[f.start..f.end]),
                f.value.as_deref().map(text),
                f.encoding,
                f.kind,
                f.host.clone(),
            )
        })
        .collect()
}

/// The same for a format whose secrets are written as they are (no decoded value, no
/// encoding): the text written, the kind and the host.
pub fn found_plain(
    x: &dyn Extractor,
    path: &str,
    data: &[u8],
) -> Vec<(String, FieldKind, Option<String>)> {
    found(x, path, data)
        .into_iter()
        .map(|(written, value, encoding, kind, host)| {
            assert_eq!((&value, encoding), (&None, None), "{written}");
            (written, kind, host)
        })
        .collect()
}

pub fn s(x: &str) -> String {
    x.to_string()
}

/// For a format of tokens: the fields `x` finds in `data` if it applies to `path`, each a
/// high-confidence token, as the text written and the host.
pub fn tokens_if_applies(
    x: &dyn Extractor,
    path: &str,
    data: &[u8],
) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    if x.applies(path, data) {
        x.extract(path, data, &mut out);
    }
    assert!(out
        .iter()
        .all(|f| f.kind == FieldKind::Token && f.confidence == Confidence::High));
    out.iter()
        .map(|f| (text(&data[f.start..f.end]), f.host.clone()))
        .collect()
}
