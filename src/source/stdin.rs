//! Standard input as a source: `leakhound scan -`, reported as `-` or `--stdin-name NAME`.

use crate::finding::Finding;
use crate::gate::{Bytes, Gate, Item, Origin, Worker};
use std::io::Read;

/// Reads at most `gate.max_file_size + 1` bytes of `input` and hands them to the gate.
pub fn scan(input: &mut dyn Read, name: &str, gate: &Gate) -> std::io::Result<Vec<Finding>> {
    let mut buf = Vec::new();
    input.take(gate.max_file_size + 1).read_to_end(&mut buf)?;
    let mut w = Worker::default();
    gate.scan(&Item::file(name, Origin::Stdin), &mut Bytes(&buf), &mut w);
    Ok(w.found)
}
