//! UTF-16 text (a PowerShell profile or a `.reg` export saved by Windows): recognised by its
//! byte-order mark, or without one when the pattern of zero bytes leaves no doubt, and
//! decoded to UTF-8 so that the rules see text. Lines and columns are then those of the
//! decoded text; the gate marks the findings as UTF-16.

/// The byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Le,
    Be,
}

impl Order {
    pub fn name(self) -> &'static str {
        match self {
            Order::Le => "utf-16le",
            Order::Be => "utf-16be",
        }
    }
}

/// Bytes sampled to decide without a byte-order mark.
const SAMPLE: usize = 4096;

/// Is `data` UTF-16, and in which order? With a byte-order mark (not UTF-32's `FF FE 00
/// 00`), when at least a third of the high bytes of the first 4 KiB are zero; without one,
/// when mostly-ASCII text leaves a zero in every other byte: at least 90% of the odd
/// (little-endian) or even (big-endian) bytes are zero, at most 5% of the others, over at
/// least 8 characters.
pub fn detect(data: &[u8]) -> Option<Order> {
    let marked = match data {
        [0xFF, 0xFE, 0, 0, ..] => return None,
        [0xFF, 0xFE, ..] => Some(Order::Le),
        [0xFE, 0xFF, ..] => Some(Order::Be),
        _ => None,
    };
    let n = data.len().min(SAMPLE) & !1;
    // Most files: no zero byte at all, so not UTF-16 (the text secrets live in is mostly
    // ASCII, whose UTF-16 has a zero in every other byte; bytes that merely start with a
    // mark, like `FF FE garbage`, are not).
    if n < 4 || memchr::memchr(0, &data[..n]).is_none() {
        return None;
    }
    let pairs = n / 2;
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for p in data[..n].chunks_exact(2) {
        even_zero += (p[0] == 0) as usize;
        odd_zero += (p[1] == 0) as usize;
    }
    if let Some(order) = marked {
        // With a mark, a third of the high bytes zero is enough.
        let high = if order == Order::Le {
            odd_zero
        } else {
            even_zero
        };
        return (high * 3 >= pairs - 1).then_some(order);
    }
    if n < 16 {
        return None;
    }
    let most = |z: usize| z * 10 >= pairs * 9;
    let few = |z: usize| z * 20 <= pairs;
    if most(odd_zero) && few(even_zero) {
        Some(Order::Le)
    } else if most(even_zero) && few(odd_zero) {
        Some(Order::Be)
    } else {
        None
    }
}

/// The text as UTF-8, without the byte-order mark; unpaired surrogates become U+FFFD.
pub fn decode(data: &[u8], order: Order) -> Vec<u8> {
    let units = data.chunks_exact(2).map(|p| match order {
        Order::Le => u16::from_le_bytes([p[0], p[1]]),
        Order::Be => u16::from_be_bytes([p[0], p[1]]),
    });
    let mut out = String::with_capacity(data.len() / 2);
    for c in char::decode_utf16(units) {
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    let s = out.strip_prefix('\u{feff}').unwrap_or(&out);
    s.as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(s: &str, order: Order, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(s.encode_utf16());
        for u in units {
            out.extend(match order {
                Order::Le => u.to_le_bytes(),
                Order::Be => u.to_be_bytes(),
            });
        }
        out
    }

    #[test]
    fn with_and_without_a_byte_order_mark() {
        let text = "$env:TOKEN = \"abc\"\r\nWrite-Host 'ok'\r\n";
        for order in [Order::Le, Order::Be] {
            for bom in [true, false] {
                let data = encode(text, order, bom);
                assert_eq!(detect(&data), Some(order), "{order:?} bom={bom}");
                assert_eq!(decode(&data, order), text.as_bytes());
            }
        }
    }

    #[test]
    fn other_bytes_are_not_utf16() {
        assert_eq!(detect(b"plain ASCII text, long enough to sample"), None);
        assert_eq!(detect(&[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]), None, "UTF-32");
        let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
        assert_eq!(detect(&binary), None);
        assert_eq!(detect(&[0u8; 64]), None, "all zeros");
        assert_eq!(detect(b"a\0b\0"), None, "too short to tell");
        assert_eq!(
            detect(b"\xff\xfe garbage \xc3\x28 KEY=x"),
            None,
            "a mark, then bytes"
        );
    }
}
