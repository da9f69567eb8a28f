//! Time is an input. The core never reads a clock: every function that needs "now" takes it.

use crate::ParseError;
use jiff::{Timestamp, civil::Date, tz::TimeZone};

pub const SECONDS_PER_DAY: i64 = 86_400;

/// Reads an instant from `2026-11-23T09:30:00Z`, `2026-11-23 09:30` (UTC) or a bare date
/// `2026-11-23` (midnight UTC).
pub fn parse_instant(field: &str, s: &str) -> Result<Timestamp, ParseError> {
    let t = s.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>()
        && let Ok(z) = dt.to_zoned(TimeZone::UTC)
    {
        return Ok(z.timestamp());
    }
    if let Ok(d) = t.parse::<Date>() {
        return Ok(start_of_day(d));
    }
    Err(ParseError::new(
        field,
        s,
        "a date like 2026-11-23 or a time like 2026-11-23T09:30:00Z",
    ))
}

/// Reads a calendar date `2026-11-23`.
pub fn parse_date(field: &str, s: &str) -> Result<Date, ParseError> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| ParseError::new(field, s, "a date like 2026-11-23"))
}

/// Midnight UTC at the start of `d`.
pub fn start_of_day(d: Date) -> Timestamp {
    d.to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The UTC calendar date of an instant.
pub fn date_of(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

/// Whole days from `from` to `to` (negative when `to` is earlier), rounding towards zero.
pub fn days_between(from: Timestamp, to: Timestamp) -> i64 {
    (to.as_second() - from.as_second()) / SECONDS_PER_DAY
}

/// `t` moved by a whole number of days.
pub fn add_days(t: Timestamp, days: i64) -> Timestamp {
    Timestamp::from_second(
        t.as_second()
            .saturating_add(days.saturating_mul(SECONDS_PER_DAY))
            .clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second()),
    )
    .unwrap_or(t)
}

/// A short human form: `Mon 23 Nov`.
pub fn human_date(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC).strftime("%a %-d %b").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_forms() {
        let a = parse_instant("at", "2026-11-23").unwrap();
        assert_eq!(a.to_string(), "2026-11-23T00:00:00Z");
        let b = parse_instant("at", "2026-11-23 09:30").unwrap();
        assert_eq!(b.to_string(), "2026-11-23T09:30:00Z");
        let c = parse_instant("at", "2026-11-23T09:30:00+01:00").unwrap();
        assert_eq!(c.to_string(), "2026-11-23T08:30:00Z");
        assert!(parse_instant("at", "next tuesday").is_err());
        assert!(parse_instant("at", "2026-02-30").is_err());
    }

    #[test]
    fn day_arithmetic() {
        let a = parse_instant("at", "2026-11-01").unwrap();
        let b = parse_instant("at", "2026-11-23T12:00:00Z").unwrap();
        assert_eq!(days_between(a, b), 22);
        assert_eq!(add_days(a, 22).to_string(), "2026-11-23T00:00:00Z");
        assert_eq!(human_date(b), "Mon 23 Nov");
    }
}
