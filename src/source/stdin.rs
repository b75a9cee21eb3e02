//! Standard input: `leakhound scan -`, reported as `-` or `--stdin-name NAME`.

use super::{looks_binary, Skip, Stats};
use crate::detect::{Detector, Scratch, Target};
use crate::finding::Finding;
use std::io::Read;

pub fn scan(
    input: &mut dyn Read,
    name: &str,
    max_size: u64,
    detector: &Detector,
    stats: &Stats,
) -> std::io::Result<Vec<Finding>> {
    let mut buf = Vec::new();
    input.take(max_size + 1).read_to_end(&mut buf)?;
    let mut out = Vec::new();
    if buf.len() as u64 > max_size {
        stats.skip(name, Skip::TooLarge);
    } else if looks_binary(&buf) {
        stats.skip(name, Skip::Binary);
    } else {
        stats.scanned(buf.len());
        let t = Target {
            path: name,
            data: &buf,
            commit: None,
        };
        detector.detect(&t, &mut Scratch::default(), &mut out);
    }
    Ok(out)
}
