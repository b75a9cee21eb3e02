//! Dates: commit times as ISO 8601 for reports, and `--since` dates parsed to epoch seconds.

use anyhow::{anyhow, Result};

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's
/// civil-from-days algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// ISO 8601 with the committer's offset: `2024-03-01T12:00:00+01:00`.
pub fn iso8601(seconds: i64, offset_minutes: i32) -> String {
    let local = seconds + offset_minutes as i64 * 60;
    let (y, mo, d) = civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let off = offset_minutes.abs();
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        off / 60,
        off % 60
    )
}

/// Parses `YYYY-MM-DD`, optionally followed by `THH:MM[:SS]` (UTC), into epoch seconds.
pub fn parse_date(s: &str) -> Result<i64> {
    let bad = || anyhow!("invalid date {s:?}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS");
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t.trim_end_matches('Z'))),
        None => (s, None),
    };
    let mut p = date.split('-');
    let y: i64 = p.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    let m: u32 = p.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    let d: u32 = p.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    if p.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    if let Some(t) = time {
        let parts: Vec<&str> = t.split(':').collect();
        if parts.len() < 2 || parts.len() > 3 {
            return Err(bad());
        }
        let mut mult = 3600;
        for part in parts {
            let v: i64 = part.parse().map_err(|_| bad())?;
            secs += v * mult;
            mult /= 60;
        }
    }
    Ok(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso8601(0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(iso8601(1_709_294_400, 60), "2024-03-01T13:00:00+01:00");
        assert_eq!(iso8601(1_709_294_400, -330), "2024-03-01T06:30:00-05:30");
        assert_eq!(parse_date("2024-03-01").unwrap(), 1_709_251_200);
        assert_eq!(parse_date("2024-03-01T12:00:00Z").unwrap(), 1_709_294_400);
        assert!(parse_date("yesterday").is_err());
        for days in [-1000, 0, 19_000, 20_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
