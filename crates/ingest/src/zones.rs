//! Time zones in iCalendar text as real calendars write them, resolved before the text is
//! parsed, so every later step (start, end, recurrence, exceptions) sees a zone chrono-tz knows.
//!
//! A `TZID` is resolved, in order, as:
//! 1. an IANA name ("Europe/Berlin"), also at the end of a path-like id
//!    ("/mozilla.org/20050126_1/Europe/Berlin", "/freeassociation.sourceforge.net/Europe/Paris",
//!    as Lightning and libical write them);
//! 2. a Windows zone id or display name, as Outlook and Exchange write them ("W. Europe Standard
//!    Time", "(UTC+01:00) Amsterdam, Berlin, ..."), through CLDR's windowsZones table (see
//!    `windows_zones`); home-assistant/core#179613, derekantrican/GAS-ICS-Sync#16;
//! 3. the file's own VTIMEZONE of that id (RFC 5545 section 3.6.5: STANDARD and DAYLIGHT
//!    observances, each a DTSTART, TZOFFSETFROM, TZOFFSETTO and a yearly RRULE or RDATEs): the
//!    IANA zone whose offsets agree with it at every day of the years read is used in its place
//!    ("Customized Time Zone", a renamed zone); when none agrees, times in that zone are turned
//!    into UTC by the VTIMEZONE's own rules (a recurring event then repeats at a fixed UTC
//!    time, which may be an hour off across a daylight-saving change).
//!
//! A floating date-time (no `Z`, no TZID) in a calendar that names its zone in
//! `X-WR-TIMEZONE` (Google Calendar and Apple Calendar exports) is taken in that zone.
//!
//! A `TZID` none of these knows is left as it is: the events that use it are skipped and
//! counted by the reader. chrono-tz knows IANA names only and no crate reads VTIMEZONE rules
//! for chrono, hence this module.

use crate::windows_zones::{WINDOWS_ZONES, iana_for_windows};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone, Weekday};
use std::collections::{BTreeMap, BTreeSet};

/// Joins folded lines (RFC 5545 section 3.1: a line break followed by a space or a tab). The
/// reader unfolds as it reads (`ics_text`); this is for text at hand.
#[cfg(test)]
pub(crate) fn unfold(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        match lines.peek() {
            Some(next) if next.starts_with(' ') || next.starts_with('\t') => {
                // The next line continues this one: drop its leading white space character.
                if let Some(next) = lines.next() {
                    let mut rest = &next[1..];
                    out.push_str(rest.strip_suffix('\r').unwrap_or(rest));
                    while let Some(more) = lines.peek() {
                        if !(more.starts_with(' ') || more.starts_with('\t')) {
                            break;
                        }
                        rest = &more[1..];
                        out.push_str(rest.strip_suffix('\r').unwrap_or(rest));
                        lines.next();
                    }
                }
                out.push_str("\r\n");
            }
            Some(_) => out.push_str("\r\n"),
            None => {}
        }
    }
    out
}

/// `t` moved by `seconds`; `None` past the calendar's range.
fn shift(t: NaiveDateTime, seconds: i32) -> Option<NaiveDateTime> {
    t.checked_add_signed(chrono::Duration::seconds(i64::from(seconds)))
}

/// One STANDARD or DAYLIGHT observance of a VTIMEZONE.
#[derive(Clone, Debug, Default)]
struct Observance {
    /// Its first onset, in local time before it (TZOFFSETFROM).
    start: Option<NaiveDateTime>,
    from: i32,
    to: i32,
    /// A yearly rule: the month, and the day (`nth` weekday, -1 the last; or the first of
    /// `monthdays` falling on `weekday`).
    month: Option<u32>,
    weekday: Option<Weekday>,
    nth: Option<i32>,
    monthdays: Vec<u32>,
    /// The rule's last onset (UNTIL), UTC.
    until: Option<NaiveDateTime>,
    /// Further onsets (RDATE), local.
    dates: Vec<NaiveDateTime>,
}

/// A VTIMEZONE's observances.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rules {
    observances: Vec<Observance>,
}

fn offset(value: &str) -> Option<i32> {
    let v = value.trim();
    let (sign, digits) = match v.as_bytes().first()? {
        b'+' => (1, &v[1..]),
        b'-' => (-1, &v[1..]),
        _ => (1, v),
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[0..2].parse().ok()?;
    let m: i32 = digits[2..4].parse().ok()?;
    let s: i32 = if digits.len() == 6 {
        digits[4..6].parse().ok()?
    } else {
        0
    };
    Some(sign * (h * 3600 + m * 60 + s))
}

fn local_time(value: &str) -> Option<NaiveDateTime> {
    let v = value.trim().trim_end_matches('Z');
    NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(v, "%Y%m%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

impl Observance {
    fn rule(&mut self, rrule: &str) {
        for part in rrule.split(';') {
            let Some((key, value)) = part.split_once('=') else {
                continue;
            };
            match key.trim().to_ascii_uppercase().as_str() {
                "BYMONTH" => self.month = value.split(',').next().and_then(|m| m.parse().ok()),
                "BYDAY" => {
                    let day = value.split(',').next().unwrap_or("").trim();
                    let split = day.len().saturating_sub(2);
                    if let (Some(nth), Some(code)) = (day.get(..split), day.get(split..)) {
                        self.weekday = weekday(&code.to_ascii_uppercase());
                        self.nth = nth.trim_start_matches('+').parse().ok();
                    }
                }
                "BYMONTHDAY" => {
                    self.monthdays = value.split(',').filter_map(|d| d.parse().ok()).collect()
                }
                "UNTIL" => self.until = local_time(value),
                _ => {}
            }
        }
    }

    /// The onset in `year` by the yearly rule, in local time before it.
    fn onset_in(&self, year: i32) -> Option<NaiveDateTime> {
        let start = self.start?;
        let month = self.month.unwrap_or(start.month());
        let day = match (self.weekday, self.nth) {
            (Some(w), Some(n)) if n > 0 => {
                NaiveDate::from_weekday_of_month_opt(year, month, w, u8::try_from(n).ok()?)
            }
            (Some(w), Some(n)) if n < 0 => {
                let first_next = if month == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, month + 1, 1)?
                };
                let mut d = first_next.pred_opt()?;
                let mut seen = 0;
                loop {
                    if d.weekday() == w {
                        seen += 1;
                        if Some(seen) == n.checked_neg() {
                            break Some(d);
                        }
                    }
                    d = d.pred_opt()?;
                    if d.month() != month {
                        break None;
                    }
                }
            }
            (Some(w), None) if !self.monthdays.is_empty() => self
                .monthdays
                .iter()
                .filter_map(|d| NaiveDate::from_ymd_opt(year, month, *d))
                .find(|d| d.weekday() == w),
            _ => NaiveDate::from_ymd_opt(year, month, start.day()),
        }?;
        let onset = day.and_time(start.time());
        let expired = self
            .until
            .is_some_and(|u| shift(onset, -self.from).is_none_or(|t| t > u));
        (onset >= start && !expired).then_some(onset)
    }

    /// The latest onset at or before `utc`, as a UTC time.
    fn last_onset(&self, utc: NaiveDateTime) -> Option<NaiveDateTime> {
        let to_utc = |local: NaiveDateTime| shift(local, -self.from);
        let mut best: Option<NaiveDateTime> = None;
        let mut consider = |t: Option<NaiveDateTime>| {
            if let Some(t) = t.filter(|t| *t <= utc && best.is_none_or(|b| *t > b)) {
                best = Some(t);
            }
        };
        if let Some(start) = self.start {
            consider(to_utc(start));
            let recurring = self.month.is_some() || self.weekday.is_some();
            if recurring {
                for year in [utc.year() - 1, utc.year()] {
                    if let Some(onset) = self.onset_in(year) {
                        consider(to_utc(onset));
                    }
                }
            }
        }
        for date in &self.dates {
            consider(to_utc(*date));
        }
        best
    }
}

impl Rules {
    /// The zone's offset from UTC, in seconds, at a UTC time.
    pub(crate) fn offset_at(&self, utc: NaiveDateTime) -> Option<i32> {
        let latest = self
            .observances
            .iter()
            .filter_map(|o| Some((o.last_onset(utc)?, o.to)))
            .max_by_key(|(t, _)| *t);
        match latest {
            Some((_, to)) => Some(to),
            // Before every onset: the offset the earliest one changes from.
            None => self
                .observances
                .iter()
                .filter_map(|o| Some((o.start?, o.from)))
                .min_by_key(|(t, _)| *t)
                .map(|(_, from)| from),
        }
    }

    /// A local time in this zone as UTC: the offset that agrees with itself, the earlier one
    /// when two do (a repeated hour), the one before the change in a skipped hour.
    pub(crate) fn to_utc(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        let offsets: BTreeSet<i32> = self
            .observances
            .iter()
            .flat_map(|o| [o.from, o.to])
            .collect();
        offsets
            .iter()
            .rev()
            .filter_map(|o| shift(local, -*o))
            .find(|utc| {
                self.offset_at(*utc)
                    .is_some_and(|o| shift(*utc, o) == Some(local))
            })
            .or_else(|| shift(local, -self.offset_at(local)?))
    }
}

/// The VTIMEZONE definitions in unfolded text, by TZID.
pub(crate) fn vtimezones(unfolded: &str) -> BTreeMap<String, Rules> {
    let mut zones = BTreeMap::new();
    let mut zone: Option<(Option<String>, Rules)> = None;
    let mut observance: Option<Observance> = None;
    for line in unfolded.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let key = name
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_uppercase();
        let value = value.trim();
        match (key.as_str(), value.to_ascii_uppercase().as_str()) {
            ("BEGIN", "VTIMEZONE") => zone = Some((None, Rules::default())),
            ("END", "VTIMEZONE") => {
                if let Some((Some(id), rules)) = zone.take()
                    && zones.len() < MAX_VTIMEZONES
                {
                    zones.insert(id, rules);
                }
            }
            ("BEGIN", "STANDARD" | "DAYLIGHT") if zone.is_some() => {
                observance = Some(Observance::default())
            }
            ("END", "STANDARD" | "DAYLIGHT") => {
                if let (Some(o), Some((_, rules))) = (observance.take(), zone.as_mut()) {
                    let onsets: usize = rules.observances.iter().map(|o| 1 + o.dates.len()).sum();
                    if onsets + 1 + o.dates.len() <= MAX_ONSETS {
                        rules.observances.push(o);
                    }
                }
            }
            _ => match (observance.as_mut(), zone.as_mut()) {
                (Some(o), _) => match key.as_str() {
                    "DTSTART" => o.start = local_time(value),
                    "TZOFFSETFROM" => o.from = offset(value).unwrap_or(o.from),
                    "TZOFFSETTO" => o.to = offset(value).unwrap_or(o.to),
                    "RRULE" => o.rule(value),
                    "RDATE" => o
                        .dates
                        .extend(value.split(',').take(MAX_ONSETS).filter_map(local_time)),
                    _ => {}
                },
                (None, Some((id, _))) if key == "TZID" => {
                    *id = Some(value.trim_matches('"').to_string())
                }
                _ => {}
            },
        }
    }
    zones
}

/// What a TZID resolves to.
#[derive(Clone, Debug)]
pub(crate) enum Zone {
    /// An IANA name chrono-tz knows.
    Iana(String),
    /// The file's own VTIMEZONE rules, matching no IANA zone.
    Rules(Rules),
}

fn known_iana(name: &str) -> Option<String> {
    name.parse::<chrono_tz::Tz>()
        .ok()
        .map(|tz| tz.name().to_string())
}

/// The IANA zone whose offsets agree with `rules` at noon UTC on every day of `years`.
fn matching_iana(rules: &Rules, years: std::ops::RangeInclusive<i32>) -> Option<&'static str> {
    let days: Vec<NaiveDateTime> = years
        .flat_map(|y| {
            (1..=366).filter_map(move |d| NaiveDate::from_yo_opt(y, d)?.and_hms_opt(12, 0, 0))
        })
        .collect();
    let wanted: Vec<Option<i32>> = days.iter().map(|d| rules.offset_at(*d)).collect();
    if wanted.iter().any(Option::is_none) {
        return None;
    }
    WINDOWS_ZONES.iter().map(|(_, _, iana)| *iana).find(|iana| {
        let Ok(tz) = iana.parse::<chrono_tz::Tz>() else {
            return false;
        };
        days.iter()
            .zip(&wanted)
            .all(|(d, w)| Some(tz.offset_from_utc_datetime(d).fix().local_minus_utc()) == *w)
    })
}

/// Resolves a TZID (see the module's doc). `years`: the years whose days a VTIMEZONE is
/// compared over.
pub(crate) fn resolve(
    tzid: &str,
    vtimezones: &BTreeMap<String, Rules>,
    years: std::ops::RangeInclusive<i32>,
) -> Option<Zone> {
    let id = tzid.trim().trim_matches('"').trim();
    if let Some(iana) = known_iana(id) {
        return Some(Zone::Iana(iana));
    }
    // A path-like id ending in an IANA name.
    let mut rest = id;
    while let Some((_, tail)) = rest.split_once('/') {
        if let Some(iana) = known_iana(tail) {
            return Some(Zone::Iana(iana));
        }
        rest = tail;
    }
    if let Some(iana) = iana_for_windows(id) {
        return Some(Zone::Iana(iana.to_string()));
    }
    let rules = vtimezones
        .iter()
        .find(|(name, _)| name.trim() == id)
        .map(|(_, r)| r)?;
    Some(match matching_iana(rules, years) {
        Some(iana) => Zone::Iana(iana.to_string()),
        None => Zone::Rules(rules.clone()),
    })
}

/// The value of a `TZID=` parameter in a property's name part, and where it lies.
fn tzid_param(head: &str) -> Option<(usize, usize)> {
    let upper = head.to_ascii_uppercase();
    let at = upper.find(";TZID=")? + ";TZID=".len();
    let rest = &head[at..];
    let len = if let Some(inner) = rest.strip_prefix('"') {
        inner.find('"').map(|n| n + 2).unwrap_or(rest.len())
    } else {
        rest.find(';').unwrap_or(rest.len())
    };
    Some((at, at + len))
}

/// The name part of a property line (up to the first `:` outside quotes).
fn head_end(line: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// A floating date-time property (`DTSTART:20261203T140000`, no `Z`, no TZID) given the
/// calendar's `X-WR-TIMEZONE` as its TZID; `None` for any other line. RFC 5545 section 3.3.5
/// leaves floating times to the reader; the calendar's declared zone is what its owner meant.
fn anchor_floating(line: &str, zone: &str) -> Option<String> {
    let end = head_end(line)?;
    let (head, value) = (&line[..end], &line[end + 1..]);
    let name = head
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    let upper = head.to_ascii_uppercase();
    let timed = matches!(
        name.as_str(),
        "DTSTART" | "DTEND" | "RECURRENCE-ID" | "EXDATE" | "RDATE"
    ) && !upper.contains(";TZID=")
        && !upper.contains("VALUE=DATE;")
        && !upper.ends_with("VALUE=DATE")
        && !upper.contains("VALUE=PERIOD")
        && value
            .split(',')
            .all(|v| v.trim().len() == 15 && v.trim().as_bytes()[8] == b'T');
    timed.then(|| format!("{head};TZID=\"{zone}\":{value}"))
}

/// Most VTIMEZONE definitions read from one calendar, and most onsets (observances and their
/// RDATEs) read from one of them. Each distinct zone is compared with every CLDR zone over the
/// window's days (`resolve`), and each offset looks through every onset: a file defining
/// thousands of zones or onsets would take minutes. Real files define a handful of zones
/// (Outlook: one per zone used) with two observances each; a full tzdata history is a few
/// hundred onsets.
pub const MAX_VTIMEZONES: usize = 32;
/// See `MAX_VTIMEZONES`.
pub const MAX_ONSETS: usize = 500;

/// Resolves the TZIDs of a calendar's lines: the file's VTIMEZONE definitions and declared zone
/// read once, each TZID resolved once.
pub(crate) struct Resolver {
    definitions: BTreeMap<String, Rules>,
    calendar_zone: Option<String>,
    years: std::ops::RangeInclusive<i32>,
    resolved: BTreeMap<String, Option<Zone>>,
}

impl Resolver {
    /// Reads the VTIMEZONEs and `X-WR-TIMEZONE` of unfolded text. `years`: see `resolve`.
    pub(crate) fn new(unfolded: &str, years: std::ops::RangeInclusive<i32>) -> Resolver {
        // The calendar's own zone (Google Calendar, Apple): floating times are in it.
        let calendar_zone = unfolded.split("\r\n").find_map(|line| {
            let (name, value) = line.split_once(':')?;
            (name.trim().eq_ignore_ascii_case("X-WR-TIMEZONE") && !value.trim().is_empty())
                .then(|| value.trim().trim_matches('"').to_string())
        });
        Resolver {
            definitions: vtimezones(unfolded),
            calendar_zone,
            years,
            resolved: BTreeMap::new(),
        }
    }

    /// Unfolded text with every TZID resolved: IANA names put in place of Windows names and
    /// VTIMEZONE-only ids, and times in a zone known only by its rules turned into UTC.
    /// Returns the text and the TZIDs in it that could not be resolved.
    pub(crate) fn rewrite(&mut self, unfolded: &str) -> (String, Vec<String>) {
        let mut unknown = Vec::new();
        let mut out = String::with_capacity(unfolded.len());
        for line in unfolded.split("\r\n") {
            let anchored = self
                .calendar_zone
                .as_deref()
                .and_then(|zone| anchor_floating(line, zone));
            let line = anchored.as_deref().unwrap_or(line);
            let rewritten = head_end(line).and_then(|end| {
                let (head, value) = (&line[..end], &line[end + 1..]);
                let (from, to) = tzid_param(head)?;
                let id = head[from..to].trim_matches('"').to_string();
                let zone = self
                    .resolved
                    .entry(id.clone())
                    .or_insert_with(|| resolve(&id, &self.definitions, self.years.clone()));
                match zone {
                    Some(Zone::Iana(iana)) if head[from..to] != **iana => {
                        Some(format!("{}{iana}{}:{value}", &head[..from], &head[to..]))
                    }
                    Some(Zone::Iana(_)) => None,
                    Some(Zone::Rules(rules)) => {
                        // Each time of the value in UTC, the TZID parameter dropped.
                        let times: Option<Vec<String>> = value
                            .split(',')
                            .map(|v| {
                                let local =
                                    NaiveDateTime::parse_from_str(v.trim(), "%Y%m%dT%H%M%S")
                                        .ok()?;
                                Some(rules.to_utc(local)?.format("%Y%m%dT%H%M%SZ").to_string())
                            })
                            .collect();
                        let times = times?;
                        Some(format!(
                            "{}{}:{}",
                            &head[..from - ";TZID=".len()],
                            &head[to..],
                            times.join(",")
                        ))
                    }
                    None => {
                        if !unknown.contains(&id) {
                            unknown.push(id.clone());
                        }
                        None
                    }
                }
            });
            out.push_str(rewritten.as_deref().unwrap_or(line));
            out.push_str("\r\n");
        }
        (out, unknown)
    }
}

/// iCalendar text with every TZID resolved (see `Resolver::rewrite`). `years`: see `resolve`.
#[cfg(test)]
pub(crate) fn normalise(text: &str, years: std::ops::RangeInclusive<i32>) -> (String, Vec<String>) {
    let unfolded = unfold(text);
    Resolver::new(&unfolded, years).rewrite(&unfolded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTLOOK_BERLIN: &str = "BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\nBEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_vtimezone_gives_offsets_through_the_year() {
        let zones = vtimezones(&unfold(OUTLOOK_BERLIN));
        let rules = &zones["Customized Time Zone"];
        assert_eq!(rules.offset_at(at("2026-01-15 12:00")), Some(3600));
        assert_eq!(rules.offset_at(at("2026-07-15 12:00")), Some(7200));
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(rules.offset_at(at("2026-03-29 00:59")), Some(3600));
        assert_eq!(rules.offset_at(at("2026-03-29 01:00")), Some(7200));
        assert_eq!(rules.offset_at(at("2026-10-25 00:59")), Some(7200));
        assert_eq!(rules.offset_at(at("2026-10-25 01:00")), Some(3600));
        assert_eq!(
            rules.to_utc(at("2026-12-03 14:00")),
            Some(at("2026-12-03 13:00"))
        );
        assert_eq!(
            rules.to_utc(at("2026-06-03 14:00")),
            Some(at("2026-06-03 12:00"))
        );
        assert!(matches!(
            resolve("Customized Time Zone", &zones, 2026..=2026),
            Some(Zone::Iana(name)) if name.starts_with("Europe/")
        ));
    }

    #[test]
    fn windows_and_path_like_ids() {
        let none = BTreeMap::new();
        for (id, iana) in [
            ("W. Europe Standard Time", "Europe/Berlin"),
            ("\"Eastern Standard Time\"", "America/New_York"),
            ("pacific standard time", "America/Los_Angeles"),
            ("Romance Standard Time", "Europe/Paris"),
            (
                "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
                "Europe/Berlin",
            ),
            ("/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin"),
            ("Europe/London", "Europe/London"),
            ("(GMT-05:00) Eastern Time (US & Canada)", "America/New_York"),
        ] {
            match resolve(id, &none, 2026..=2026) {
                Some(Zone::Iana(name)) => assert_eq!(name, iana, "{id}"),
                other => panic!("{id}: {other:?}"),
            }
        }
        assert!(resolve("Mars Standard Time", &none, 2026..=2026).is_none());
        // Every zone the table names is one chrono-tz knows.
        for (_, _, iana) in WINDOWS_ZONES {
            assert!(known_iana(iana).is_some(), "{iana}");
        }
    }

    #[test]
    fn a_zone_no_iana_zone_matches_is_read_by_its_own_rules() {
        // Daylight time from the first Sunday of April to the first Sunday of October, +03:15
        // / +04:15: no real zone does that.
        let odd = "BEGIN:VTIMEZONE\r\nTZID:Odd\r\nBEGIN:STANDARD\r\nDTSTART:19701004T030000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10\r\nTZOFFSETFROM:+0415\r\nTZOFFSETTO:+0315\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700405T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\nTZOFFSETFROM:+0315\r\nTZOFFSETTO:+0415\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";
        let text = format!(
            "BEGIN:VCALENDAR\r\n{odd}BEGIN:VEVENT\r\nDTSTART;TZID=Odd:20260601T101500\r\nEXDATE;TZID=Odd:20260602T101500,20260603T101500\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let (out, unknown) = normalise(&text, 2026..=2026);
        assert!(unknown.is_empty());
        assert!(out.contains("\r\nDTSTART:20260601T060000Z\r\n"), "{out}");
        assert!(
            out.contains("\r\nEXDATE:20260602T060000Z,20260603T060000Z\r\n"),
            "{out}"
        );
    }

    #[test]
    fn hostile_rules_give_answers_or_nothing_but_never_panic() {
        for rule in [
            "FREQ=YEARLY;BYDAY=-2147483648SU;BYMONTH=10",
            "FREQ=YEARLY;BYDAY=99SU;BYMONTH=13",
            "FREQ=YEARLY;BYDAY=é;BYMONTH=0",
            "FREQ=YEARLY;BYMONTHDAY=40;BYDAY=SU",
            "FREQ=YEARLY;UNTIL=99999999T999999Z",
        ] {
            for start in ["16011028T030000", "99991231T235959", "00010101T000000", "x"] {
                let text = format!(
                    "BEGIN:VTIMEZONE\r\nTZID:H\r\nBEGIN:STANDARD\r\nDTSTART:{start}\r\nRRULE:{rule}\r\nTZOFFSETFROM:+9959\r\nTZOFFSETTO:-9959\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nDTSTART;TZID=H:99991231T235959\r\nDTEND;TZID=H:00010101T000000\r\nEND:VEVENT\r\n"
                );
                let _ = normalise(&text, 2026..=2026);
                let zones = vtimezones(&unfold(&text));
                let _ = zones["H"].to_utc(at("2026-06-01 12:00"));
            }
        }
    }

    #[test]
    fn floating_times_take_the_calendar_s_declared_zone() {
        let text = "BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:America/New_York\r\nBEGIN:VEVENT\r\nDTSTART:20261203T140000\r\nDTEND;VALUE=DATE:20261204\r\nEXDATE:20261210T140000,20261217T140000\r\nRDATE:20261224T190000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let (out, unknown) = normalise(text, 2026..=2026);
        assert!(unknown.is_empty());
        assert!(
            out.contains("\r\nDTSTART;TZID=America/New_York:20261203T140000\r\n"),
            "{out}"
        );
        assert!(out.contains("\r\nDTEND;VALUE=DATE:20261204\r\n"), "{out}");
        assert!(
            out.contains("\r\nEXDATE;TZID=America/New_York:20261210T140000,20261217T140000\r\n"),
            "{out}"
        );
        assert!(out.contains("\r\nRDATE:20261224T190000Z\r\n"), "{out}");
    }

    #[test]
    fn folded_lines_are_joined_and_unknown_zones_reported() {
        let text = "BEGIN:VEVENT\r\nDTSTART;TZID=\"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockh\r\n olm, Vienna\":20261203T140000\r\nDTEND;TZID=Nowhere:20261203T150000\r\nEND:VEVENT\r\n";
        let (out, unknown) = normalise(text, 2026..=2026);
        assert!(
            out.contains("DTSTART;TZID=Europe/Berlin:20261203T140000\r\n"),
            "{out}"
        );
        assert_eq!(unknown, ["Nowhere"]);
    }
}
