//! The decoders (base64, hex, percent) through the public entry point, and the filters.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = leakhound::detect::decode::decode_any(data);
    let _ = leakhound::detect::filter::is_placeholder(data);
    let _ = leakhound::detect::filter::looks_random(data);
    let _ = leakhound::detect::filter::looks_like_password(data, true, "a.env");
    let _ = leakhound::detect::entropy::shannon(data);
});
