//! Time is an input. The core never reads a clock: every function that needs "now" takes it.

use crate::ParseError;
use jiff::{Timestamp, civil::Date, tz::TimeZone};

pub const SECONDS_PER_DAY: i64 = 86_400;

/// The first day a date given to Rekindle may fall on.
pub const EARLIEST: Date = jiff::civil::date(1900, 1, 1);
/// The last day a date given to Rekindle may fall on: far enough for any contract, near enough
/// that every date arithmetic on it (notice periods, resurface dates) stays in range.
pub const LATEST: Date = jiff::civil::date(2199, 12, 31);

/// The range every date and time input is held to (`EARLIEST` to `LATEST`, in UTC).
fn in_range(field: &str, s: &str, d: Date) -> Result<Date, ParseError> {
    if (EARLIEST..=LATEST).contains(&d) {
        Ok(d)
    } else {
        Err(ParseError::new(
            field,
            s,
            "a date between 1900-01-01 and 2199-12-31",
        ))
    }
}

/// Reads an instant from `2026-11-23T09:30:00Z`, `2026-11-23 09:30` (UTC) or a bare date
/// `2026-11-23` (midnight UTC), between `EARLIEST` and `LATEST`.
///
/// # Errors
/// A `ParseError` on `field` for any other form, or a date outside the range.
pub fn parse_instant(field: &str, s: &str) -> Result<Timestamp, ParseError> {
    let t = s.trim();
    let at = if let Ok(ts) = t.parse::<Timestamp>() {
        Some(ts)
    } else if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        in_range(field, s, dt.date())?;
        dt.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
    } else if let Ok(d) = t.parse::<Date>() {
        Some(start_of_day(in_range(field, s, d)?))
    } else {
        None
    };
    match at {
        Some(at) => {
            in_range(field, s, date_of(at))?;
            Ok(at)
        }
        None => {
            // A time on a day beyond the range of instants: say the range, not the form.
            if let Some(d) = t.get(..10).and_then(|p| p.parse::<Date>().ok()) {
                in_range(field, s, d)?;
            }
            Err(ParseError::new(
                field,
                s,
                "a date like 2026-11-23 or a time like 2026-11-23T09:30:00Z",
            ))
        }
    }
}

/// Reads a calendar date `2026-11-23`, between `EARLIEST` and `LATEST`.
///
/// # Errors
/// A `ParseError` on `field` for any other form, or a date outside the range.
pub fn parse_date(field: &str, s: &str) -> Result<Date, ParseError> {
    let d = s
        .trim()
        .parse::<Date>()
        .map_err(|_| ParseError::new(field, s, "a date like 2026-11-23"))?;
    in_range(field, s, d)
}

/// Checks a date to look at a deal again (`close --resurface`, a reply decided as later): it
/// must come after `today`, or the decision would lift at once and the deal be proposed,
/// drafted and sent to straight away (the playbook's "look again on DATE" is a date ahead).
pub fn ahead_of(field: &str, d: Date, today: Date) -> Result<Date, ParseError> {
    if d > today {
        Ok(d)
    } else {
        Err(ParseError::new(
            field,
            d.to_string(),
            format!("a date after today ({today})"),
        ))
    }
}

/// A span of `n` days, held within what date arithmetic can take (jiff's ±7,304,484 days), so
/// that no stored number, however large, can make it panic.
pub fn days(n: i64) -> jiff::Span {
    jiff::Span::new()
        .try_days(n.clamp(-7_304_484, 7_304_484))
        .unwrap_or_default()
}

/// Midnight UTC at the start of `d` (the last or first instant there is, for a date beyond the
/// range of instants: never another date).
pub fn start_of_day(d: Date) -> Timestamp {
    d.to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(if d.year() > 1970 {
            Timestamp::MAX
        } else {
            Timestamp::MIN
        })
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

/// What a due date given as input (`next-step --due`, `commit --due`) may be a slip in: a day
/// already past (`now`'s day is not), or, for a step the rep takes with the prospect
/// (`working_day`), a Saturday or Sunday. Accepted all the same; each warning names the field
/// and the day with its year.
pub fn due_warnings(field: &str, due: Timestamp, now: Timestamp, working_day: bool) -> Vec<String> {
    let mut warnings = Vec::new();
    if date_of(due) < date_of(now) {
        warnings.push(format!(
            "{field} {} is already past (today is {})",
            human_date_year(due),
            human_date_year(now)
        ));
    }
    if working_day
        && matches!(
            date_of(due).weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        )
    {
        warnings.push(format!(
            "{field} {} falls on a weekend",
            human_date_year(due)
        ));
    }
    warnings
}

/// What an activity logged as done (`log --at`) may be a slip in: a day still to come. A
/// meeting that is booked is a next step (`next-step --booked`), not a meeting held.
pub fn held_warning(field: &str, at: Timestamp, now: Timestamp) -> Option<String> {
    (at > now).then(|| {
        format!(
            "{field} {} is still to come (now is {}): logged as done all the same; a booked meeting is a next step (`next-step --booked`)",
            human_date_year(at),
            human_date_year(now)
        )
    })
}

/// A short human form, for a message to a prospect, where the year goes without saying:
/// `Mon 23 Nov`.
pub fn human_date(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC).strftime("%a %-d %b").to_string()
}

/// The short human form with its year, for what Rekindle says back to the rep (confirmations,
/// warnings), so the year is never left to be guessed: `Mon 23 Nov 2026`.
pub fn human_date_year(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC)
        .strftime("%a %-d %b %Y")
        .to_string()
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
        assert_eq!(human_date_year(b), "Mon 23 Nov 2026");
    }
}
