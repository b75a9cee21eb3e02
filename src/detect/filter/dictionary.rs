//! The dictionary test: is a value made of words (English and programming), as identifiers
//! and prose are, or not, as generated keys are? The word lists live in `data/words/` and
//! are compiled into a sorted static array by `build.rs`.

mod words {
    include!(concat!(env!("OUT_DIR"), "/words.rs"));
}

/// Is `w` (lower case) an English or programming word?
pub fn is_word(w: &str) -> bool {
    words::WORDS.binary_search(&w).is_ok()
}

/// Does any word start with `p`?
fn is_word_prefix(p: &str) -> bool {
    let i = words::WORDS.partition_point(|x| *x < p);
    i < words::WORDS.len() && words::WORDS[i].starts_with(p)
}

#[cfg(test)]
pub(crate) fn contains_word(hay: &str, word: &str) -> bool {
    let bytes = hay.as_bytes();
    hay.match_indices(word).any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + word.len()).copied();
        let boundary = |b: Option<u8>| b.is_none_or(|b| !b.is_ascii_lowercase());
        boundary(before) && boundary(after)
    })
}

/// Splits an identifier-like string into lower-case segments on non-letters and camelCase.
fn segments(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_alphabetic() {
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase();
            cur.push(c.to_ascii_lowercase());
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Share of the letters of `s` covered by dictionary words (greedy longest-match, words of
/// at least 3 letters).
pub fn word_coverage(s: &str) -> f64 {
    let letters = s.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if letters == 0 {
        return 0.0;
    }
    let mut covered = 0;
    for seg in segments(s) {
        let b = seg.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b.len() - i < 3 || !is_word_prefix(&seg[i..i + 3]) {
                i += 1;
                continue;
            }
            let mut best = 0;
            let max = (b.len() - i).min(12);
            for l in (3..=max).rev() {
                if is_word(&seg[i..i + l]) {
                    best = l;
                    break;
                }
            }
            if best > 0 {
                covered += best;
                i += best;
            } else {
                i += 1;
            }
        }
    }
    covered as f64 / letters as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage() {
        assert!(word_coverage("getAccessToken") > 0.9);
        assert!(word_coverage("Zq8vT1mK0pR3") < 0.5);
    }

    #[test]
    fn the_lists_are_merged_sorted() {
        assert!(words::WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_word("zucchini") && is_word("kwargs") && !is_word("zq8vt"));
    }
}
