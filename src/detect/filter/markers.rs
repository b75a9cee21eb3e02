//! The substrings that mark a value as a reference, a mask or a placeholder
//! (`process.env`, `xxxx`, `your_`, `changeme`), and a search for them in any ASCII case
//! that needs no set-up: a one-file scan pays nothing to build it, and candidates are
//! short, so a bucket of markers per first byte is as quick as an automaton.

/// Lower-case, grouped by first byte (a test checks), each group in any order.
const MARKERS: &[&str] = &[
    "****",
    "....",
    "0123456789",
    "1234567890",
    "_here",
    "abcdefghij",
    "change-me",
    "changeme",
    "change_me",
    "environ[",
    "env[",
    "env.",
    "enc[",
    "getenv",
    "insert_",
    "insert-",
    "notreal",
    "not_real",
    "not-a-real",
    "not_a_real",
    "os.environ",
    "process.env",
    "put your",
    "placeholder",
    "replace_",
    "replace-",
    "replaceme",
    "redacted",
    "secrets.",
    "unique phrase",
    "vault:v1:",
    "xxxx",
    // GitHub's fixed password for a token given as the user name.
    "x-oauth-basic",
    "your_",
    "your ",
    "your-",
    "yourapi",
    "yourtoken",
    "yoursecret",
    "yourkey",
    "yourpassword",
];

/// For each byte, the range of `MARKERS` beginning with it.
static BY_FIRST: [(u8, u8); 256] = by_first();

const fn by_first() -> [(u8, u8); 256] {
    let mut table = [(0u8, 0u8); 256];
    let mut i = 0;
    while i < MARKERS.len() {
        let c = MARKERS[i].as_bytes()[0] as usize;
        if table[c].1 == 0 {
            table[c].0 = i as u8;
        }
        table[c].1 = i as u8 + 1;
        i += 1;
    }
    table
}

/// A bit for each markers' first two bytes: most positions of a value begin no marker and
/// are passed over with one test.
static PAIRS: [u64; 1024] = pairs();

const fn pairs() -> [u64; 1024] {
    let mut bits = [0u64; 1024];
    let mut i = 0;
    while i < MARKERS.len() {
        let m = MARKERS[i].as_bytes();
        let p = (m[0] as usize) << 8 | m[1] as usize;
        bits[p / 64] |= 1 << (p % 64);
        i += 1;
    }
    bits
}

/// True if `s` holds any marker, in any ASCII case.
pub fn contains_marker(s: &[u8]) -> bool {
    s.windows(2).enumerate().any(|(i, w)| {
        let a = w[0].to_ascii_lowercase();
        let p = (a as usize) << 8 | w[1].to_ascii_lowercase() as usize;
        PAIRS[p / 64] & (1 << (p % 64)) != 0 && {
            let (lo, hi) = BY_FIRST[a as usize];
            MARKERS[lo as usize..hi as usize].iter().any(|m| {
                let m = m.as_bytes();
                s.len() - i >= m.len() && s[i..i + m.len()].eq_ignore_ascii_case(m)
            })
        }
    })
}

/// Words that name a value as an example when they stand alone (not inside a longer word:
/// `examples` is a word, `counterexample` is not one of these).
const WORDS: &[&str] = &["example", "dummy", "sample", "fake", "lorem", "foobar"];

/// True if `s` holds one of [`WORDS`] in any ASCII case with no letter on either side, or
/// `EXAMPLE` in capitals anywhere (AWS's documentation keys end in it).
pub fn has_placeholder_word(s: &[u8]) -> bool {
    let letter = |i: usize| s.get(i).is_some_and(|c| c.is_ascii_alphabetic());
    (0..s.len()).any(|i| {
        if s[i] == b'E' && s[i..].starts_with(b"EXAMPLE") {
            return true;
        }
        if i > 0 && letter(i - 1) {
            return false;
        }
        let c = s[i].to_ascii_lowercase();
        WORDS.iter().any(|w| {
            let w = w.as_bytes();
            w[0] == c
                && s.len() - i >= w.len()
                && s[i..i + w.len()].eq_ignore_ascii_case(w)
                && !letter(i + w.len())
        })
    })
}

/// Template syntax: `${`, `{{`, `}}`, `#{`.
pub fn has_template(s: &[u8]) -> bool {
    s.windows(2)
        .any(|w| matches!(w, [b'$' | b'{' | b'#', b'{'] | [b'}', b'}']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_lower_case_and_grouped_by_first_byte() {
        let mut seen = Vec::new();
        for (i, m) in MARKERS.iter().enumerate() {
            assert!(!m.is_empty() && *m == m.to_ascii_lowercase(), "{m:?}");
            let c = m.as_bytes()[0];
            if i == 0 || MARKERS[i - 1].as_bytes()[0] != c {
                assert!(
                    !seen.contains(&c),
                    "markers beginning with {:?} are split",
                    c as char
                );
                seen.push(c);
            }
        }
        assert!(MARKERS.len() < 256);
    }

    #[test]
    fn words_and_templates_as_a_plain_search_finds_them() {
        let naive_word = |s: &str| {
            let l = s.to_ascii_lowercase();
            WORDS
                .iter()
                .any(|w| crate::detect::filter::dictionary::contains_word(&l, w))
                || s.contains("EXAMPLE")
        };
        let naive_template = |s: &str| ["${", "{{", "}}", "#{"].iter().any(|m| s.contains(m));
        for s in [
            "",
            "example",
            "Examples",
            "counterexample",
            "my_dummy_key",
            "dummyvalue",
            "FAKE-1",
            "foobar2",
            "xfoobar",
            "lorem ipsum",
            "AKIAIOSFODNN7EXAMPLE",
            "ExAmPlE",
            "sample.",
            "examplexample",
            "e",
            "${X}",
            "{{ x }}",
            "a}}",
            "#{y}",
            "{x}",
            "$x{",
            "}{",
            "é-fake-é",
        ] {
            assert_eq!(has_placeholder_word(s.as_bytes()), naive_word(s), "{s:?}");
            assert_eq!(has_template(s.as_bytes()), naive_template(s), "{s:?}");
        }
    }

    #[test]
    fn finds_what_a_plain_search_finds() {
        let naive = |s: &str| {
            let l = s.to_ascii_lowercase();
            MARKERS.iter().any(|m| l.contains(m))
        };
        let mut inputs: Vec<String> = vec![
            String::new(),
            "a".into(),
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc".into(), // leakhound:allow
            "Bearer abcdef".into(),
            "PROCESS.ENV.TOKEN".into(),
            "${{ Secrets.TOKEN }}".into(),
            "xxx".into(),
            "xxXx".into(),
            "your".into(),
            "Your-Key".into(),
            "12345678901".into(),
            "123456789".into(),
        ];
        for m in MARKERS {
            inputs.push(m.to_string());
            inputs.push(format!("q{}", m.to_ascii_uppercase()));
            inputs.push(m[..m.len() - 1].to_string());
            inputs.push(format!("{}z", &m[1..]));
        }
        for s in &inputs {
            assert_eq!(contains_marker(s.as_bytes()), naive(s), "{s:?}");
        }
    }
}
