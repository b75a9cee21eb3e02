//! The matcher over arbitrary bytes, with the default rules.
#![no_main]
use leakhound::detect::{Detector, DetectorOptions, Scratch, Target};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static DETECTOR: OnceLock<Detector> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let d = DETECTOR.get_or_init(|| {
        Detector::new(
            leakhound::rules::RuleSet::builtin(),
            DetectorOptions::default(),
        )
    });
    let mut out = Vec::new();
    let t = Target {
        path: "fuzz.env",
        data,
        commit: None,
    };
    d.detect(&t, &mut Scratch::default(), &mut out);
    for f in &out {
        assert!(f.line >= 1 && f.column >= 1);
        let _ = f.masked_line(false, 200);
    }
});
