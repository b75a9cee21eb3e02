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

/// True if `s` holds any marker, in any ASCII case.
pub fn contains_marker(s: &[u8]) -> bool {
    s.iter().enumerate().any(|(i, c)| {
        let (lo, hi) = BY_FIRST[c.to_ascii_lowercase() as usize];
        MARKERS[lo as usize..hi as usize].iter().any(|m| {
            let m = m.as_bytes();
            s.len() - i >= m.len() && s[i..i + m.len()].eq_ignore_ascii_case(m)
        })
    })
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
