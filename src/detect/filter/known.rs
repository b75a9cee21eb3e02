//! Credentials the providers publish themselves: API-reference sample keys, RFC examples,
//! emulator keys, CAPTCHA test keys, public keys shipped in public software
//! (`data/known-public.tsv`, compiled into a sorted array by `build.rs`). Everyone has them;
//! finding one is finding documentation, not a leak. Only the whole value counts: a
//! credential that merely resembles one of these is judged like any other.

mod table {
    include!(concat!(env!("OUT_DIR"), "/known_public.rs"));
}

/// Is `secret` exactly a published example or public credential?
pub fn is_known_public(secret: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(secret) else {
        return false;
    };
    table::KNOWN_PUBLIC.binary_search(&s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_values_only() {
        assert!(is_known_public(b"sk_test_4eC39HqLyjWDarjtT1zdp7dc")); // leakhound:allow
        assert!(is_known_public(b"AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ")); // leakhound:allow
        assert!(!is_known_public(b"sk_test_4eC39HqLyjWDarjtT1zdp7d")); // leakhound:allow
        assert!(!is_known_public(b"sk_live_4eC39HqLyjWDarjtT1zdp7dc")); // leakhound:allow
        assert!(table::KNOWN_PUBLIC.windows(2).all(|w| w[0] < w[1]));
    }
}
