//! Config loading: arbitrary bytes as a `.leakhound.toml` must give rules or an error, never
//! a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = leakhound::rules::RuleSet::parse_config_str("fuzz.toml", text);
});
