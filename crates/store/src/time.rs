//! Wall-clock time for the ledger: Unix milliseconds at rest, RFC 3339 (UTC) when shown.

use qiangke_rules::value::Date;

/// Milliseconds since 1970-01-01T00:00:00Z.
pub fn now_ms() -> i64 {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The system clock moved by `offset` milliseconds: the ledger's time ([`crate::Store::now`]).
pub(crate) fn ledger_now(offset: &std::sync::atomic::AtomicI64) -> i64 {
    now_ms().saturating_add(offset.load(std::sync::atomic::Ordering::Relaxed))
}

/// `1700000000123` → `2023-11-14T22:13:20.123Z` (proleptic Gregorian calendar, UTC).
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// China Standard Time (UTC+8, no daylight saving) to the minute, as people in the city write it:
/// `1795698214000` (2026-11-26T13:03:34Z) → `2026-11-26 21:03`.
pub fn cst_minutes(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", rem / 3600, rem % 3600 / 60)
}

/// The day of `ms` in China Standard Time.
pub fn cst_date(ms: i64) -> Date {
    let days = (ms.div_euclid(1000) + 8 * 3600).div_euclid(86_400);
    Date::from_days_since_1970(days).unwrap_or(Date { year: 1970, month: 1, day: 1 })
}

/// The instant [`rfc3339`] wrote (`2023-11-14T22:13:20.123Z`), in Unix milliseconds; `None` for
/// any other shape.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 24 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'.' || b[23] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse::<i64>().ok());
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (h, mi, se, ms) = (n(11..13)?, n(14..16)?, n(17..19)?, n(20..23)?);
    if h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let day = Date::new(i32::try_from(y).ok()?, u8::try_from(m).ok()?, u8::try_from(d).ok()?)?;
    Some(((day.days_since_1970() * 86_400 + h * 3600 + mi * 60 + se) * 1000) + ms)
}

/// (year, month, day) of a day counted from 1970-01-01 (1970-01-01 for a day outside the years 1–9999).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let d = Date::from_days_since_1970(z).unwrap_or(Date { year: 1970, month: 1, day: 1 });
    (i64::from(d.year), i64::from(d.month), i64::from(d.day))
}

#[cfg(test)]
mod tests {
    use super::{cst_minutes, parse_rfc3339, rfc3339};

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        // 2000-02-29 (a leap day of a century leap year) 12:34:56.789
        assert_eq!(rfc3339(951_827_696_789), "2000-02-29T12:34:56.789Z");
        // 2026-11-26T13:03:34Z
        assert_eq!(rfc3339(1_795_698_214_000), "2026-11-26T13:03:34.000Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn china_standard_time_to_the_minute() {
        // 2026-11-26T13:03:34Z is 21:03 in Beijing; 2026-11-30T10:05Z is 18:05.
        assert_eq!(cst_minutes(1_795_698_214_000), "2026-11-26 21:03");
        assert_eq!(cst_minutes(parse_rfc3339("2026-11-30T10:05:59.999Z").expect("parses")), "2026-11-30 18:05");
        // Past midnight in Beijing, still the day before in UTC.
        assert_eq!(cst_minutes(parse_rfc3339("2025-12-31T16:00:00.000Z").expect("parses")), "2026-01-01 00:00");
        for ms in [0, 951_827_696_789, 1_795_698_214_000, -1] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        }
        assert_eq!(parse_rfc3339("2026-11-30 18:05"), None);
    }
}
