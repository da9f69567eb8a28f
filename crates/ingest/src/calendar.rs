//! Reading calendars: iCalendar text (a `.ics` file, a folder of them, or what a CalDAV server
//! returns) into occurrences, recurring events expanded within a window. An event the reader
//! cannot use is skipped and counted with where it was, never fatal.
//!
//! What real calendars write is read as they mean it:
//! - time zones by IANA name, Windows name (Outlook) or the file's own VTIMEZONE, and floating
//!   times in the calendar's `X-WR-TIMEZONE` (see `zones`);
//! - `METHOD:CANCEL` (RFC 5546 section 3.2.5): every event the file names is cancelled, whatever
//!   its STATUS;
//! - `STATUS:CANCELLED` (RFC 5545 section 3.8.1.11), also spelt `CANCELED` as some servers
//!   write it;
//! - attendees with `PARTSTAT=DECLINED` (RFC 5545 section 3.2.12), which the core reads as a
//!   cancellation when every contact declined.
//!
//! Whatever the input, a read is bounded: text is read line by line, twice (the zones and the
//! moved instances, then each event as it ends), and only the event properties used are kept
//! (`ics_text`: `MAX_NESTING`, `MAX_LINE_BYTES`, `MAX_EVENT_BYTES`, `MAX_ZONE_BYTES`); a
//! series that fires more than once a day is machine-made, not a meeting (`machine_made`); a
//! recurrence yields at most `MAX_OCCURRENCES` in the window after at most
//! `MAX_EXPANSION_STEPS` steps from its start, lists at most `MAX_LISTED_DATES` dates, and a
//! read spends at most its `Budget`. What goes past a bound is skipped and counted with its
//! file, event and line.

pub use crate::ics_text::{MAX_EVENT_BYTES, MAX_LINE_BYTES, MAX_NESTING, MAX_ZONE_BYTES};
use crate::{IngestError, Skipped};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime, EventStatus as Ics};
use jiff::Timestamp;
use rekindle_core::EmailAddress;
use rekindle_core::calendar::{Attendee, EventStatus, Occurrence};
use rekindle_core::time::{EARLIEST, LATEST, date_of};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Occurrences of recurring events are expanded between these two moments.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub from: Timestamp,
    pub to: Timestamp,
}

/// What a calendar read gave.
#[derive(Debug, Default)]
pub struct CalendarRead {
    pub occurrences: Vec<Occurrence>,
    pub skipped: Vec<Skipped>,
    pub events: usize,
}

/// Most occurrences taken from one recurring event in a window (a daily event over a year).
pub const MAX_OCCURRENCES: usize = 400;

/// Most instances of one series walked through, from its first (DTSTART) to the window's end,
/// before it is given up on. A series starting before 1900 is skipped for its date first
/// (`dates_out_of_range`), so this is the guard behind that one. A
/// recurrence is expanded from its start (RFC 5545 section 3.3.10: COUNT and BYSETPOS count
/// from it), so a series begun long before the window costs one step per instance before it;
/// without this bound a `COUNT=4294967295` or a series from 1900 took minutes.
pub const MAX_EXPANSION_STEPS: usize = 100_000;

/// Most RDATE or EXDATE values one event may list (RFC 5545 sections 3.8.5.1-2 set no limit).
/// A real calendar lists a handful of moved or skipped dates; an event listing more is skipped.
pub const MAX_LISTED_DATES: usize = 1_000;

/// Why a recurrence rule is not a sales meeting, or `None` when it may be one. A rule that
/// fires more than once a day (RFC 5545 section 3.3.10: FREQ=SECONDLY, MINUTELY or HOURLY, or
/// several BYHOUR, BYMINUTE or BYSECOND values a day) is machine-made: a build, a monitor, a
/// reminder. People meet customers at most daily; such a series is skipped and counted with
/// its UID rather than recorded as hundreds of meetings held.
pub fn machine_made(rrule: &str) -> Option<String> {
    let mut times_a_day: usize = 1;
    for part in rrule.split(';') {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_uppercase();
        match key.as_str() {
            "FREQ" => {
                let freq = value.trim().to_ascii_uppercase();
                if matches!(freq.as_str(), "SECONDLY" | "MINUTELY" | "HOURLY") {
                    return Some(format!(
                        "recurs more often than daily (FREQ={freq}): machine-made, not a meeting"
                    ));
                }
            }
            "BYHOUR" | "BYMINUTE" | "BYSECOND" => {
                let values = value.split(',').filter(|v| !v.trim().is_empty()).count();
                times_a_day = times_a_day.saturating_mul(values.max(1));
            }
            _ => {}
        }
    }
    (times_a_day > 1).then(|| {
        format!("recurs up to {times_a_day} times a day (BYHOUR, BYMINUTE, BYSECOND): machine-made, not a meeting")
    })
}

/// How many values the event's `name` properties (RDATE, EXDATE) list in all.
fn listed_dates(event: &icalendar::Event, name: &str) -> usize {
    event
        .multi_properties()
        .get(name)
        .into_iter()
        .flatten()
        .chain(event.properties().get(name))
        .map(|p| p.value().split(',').count())
        .sum()
}

/// The year an iCalendar DATE or DATE-TIME value (`20261110`, `99991231T000000Z`) is written
/// in, when it lies outside the range every date is held to (`time::EARLIEST` to
/// `time::LATEST`).
fn year_out_of_range(value: &str) -> Option<i64> {
    let year: i64 = value.trim().get(..4)?.parse().ok()?;
    let range = i64::from(EARLIEST.year())..=i64::from(LATEST.year());
    (!range.contains(&year)).then_some(year)
}

/// Why an event's dates cannot be taken: its DTSTART, DTEND or the UNTIL of its RRULE
/// written in a year outside the accepted range (RFC 5545 allows any four-digit year; a
/// pipeline holds 1900-2199), or its start read as an instant outside it.
fn dates_out_of_range(event: &icalendar::Event, start: Option<Timestamp>) -> Option<String> {
    let range = "outside 1900-01-01 to 2199-12-31";
    for name in ["DTSTART", "DTEND", "RECURRENCE-ID"] {
        if let Some(value) = event.property_value(name)
            && year_out_of_range(value).is_some()
        {
            return Some(format!("{name} {} is {range}", value.trim()));
        }
    }
    if let Some(rule) = event.property_value("RRULE")
        && let Some(until) = rule
            .split(';')
            .find_map(|part| part.trim().strip_prefix("UNTIL="))
        && year_out_of_range(until).is_some()
    {
        return Some(format!("RRULE UNTIL={} is {range}", until.trim()));
    }
    start
        .filter(|t| !(EARLIEST..=LATEST).contains(&date_of(*t)))
        .map(|t| format!("DTSTART {t} is {range}"))
}

fn utc(value: &DatePerhapsTime) -> Option<Timestamp> {
    let chrono = match value {
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(naive)) => naive.and_utc(),
        DatePerhapsTime::DateTime(other) => other.try_into_utc()?,
        DatePerhapsTime::Date(date) => date.and_hms_opt(0, 0, 0)?.and_utc(),
    };
    Timestamp::from_second(chrono.timestamp()).ok()
}

fn address(value: &str) -> Option<EmailAddress> {
    let trimmed = value.trim();
    // `get` rather than indexing: the seventh byte may fall inside a character.
    let bare = match (trimmed.get(..7), trimmed.get(7..)) {
        (Some(scheme), Some(rest)) if scheme.eq_ignore_ascii_case("mailto:") => rest,
        _ => trimmed,
    };
    EmailAddress::parse(bare).ok()
}

/// `start` plus an iCalendar DURATION (`PT1H30M`, `P1D`, `P1W`).
fn after(start: Timestamp, duration: &str) -> Option<Timestamp> {
    let span: jiff::Span = duration.trim().parse().ok()?;
    start
        .to_zoned(jiff::tz::TimeZone::UTC)
        .checked_add(span)
        .ok()
        .map(|z| z.timestamp())
}

fn stamp(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Parses iCalendar text. `origin` names it in what is skipped (a file, a URL).
pub fn parse_ics(origin: &str, text: &str, window: Window) -> CalendarRead {
    let mut occurrences = Vec::new();
    let mut read = parse_ics_each(origin, text, window, &mut Budget::default(), &mut |o| {
        occurrences.push(o)
    });
    read.occurrences = occurrences;
    read
}

/// Parses iCalendar text, handing each occurrence to `take` as it is read: the returned read
/// holds the counts and what was skipped, its `occurrences` empty. Recurrences are charged to
/// `budget`, which the caller shares between the texts of one read (a CalDAV calendar's).
pub fn parse_ics_each(
    origin: &str,
    text: &str,
    window: Window,
    budget: &mut Budget,
    take: &mut dyn FnMut(Occurrence),
) -> CalendarRead {
    read_calendar(origin, || Ok(text.as_bytes()), window, budget, take)
}

/// One event's kept text as a calendar of its own, with the calendar's declared zone, its time
/// zones resolved (see `zones`). Returns the parsed calendar and the zones it names that
/// could not be resolved.
fn parse_event(
    zones: &mut crate::zones::Resolver,
    calendar_zone: &str,
    event: &str,
) -> Result<(icalendar::Calendar, Vec<String>), String> {
    let (event, unknown) = zones.rewrite(event);
    let text = format!("BEGIN:VCALENDAR\r\n{calendar_zone}{event}END:VCALENDAR\r\n");
    match text.parse::<icalendar::Calendar>() {
        Ok(calendar) => Ok((calendar, unknown)),
        Err(e) => Err(format!(
            "unreadable: {}",
            e.lines().next().unwrap_or("").trim()
        )),
    }
}

/// Reads a calendar from `reader` event by event, handing each occurrence to `take`; what is
/// returned holds the counts and what was skipped, its `occurrences` empty. Memory is bounded by
/// the events' kept properties (see `ics_text`), not by the text's size.
fn read_calendar<R: std::io::BufRead>(
    origin: &str,
    mut open: impl FnMut() -> std::io::Result<R>,
    window: Window,
    budget: &mut Budget,
    take: &mut dyn FnMut(Occurrence),
) -> CalendarRead {
    let mut read = CalendarRead::default();
    let years = window.from.to_zoned(jiff::tz::TimeZone::UTC).year()
        ..=window.to.to_zoned(jiff::tz::TimeZone::UTC).year();
    // The first pass: the calendar's zones and the instances moved one by one, which events
    // anywhere in the text may need.
    let mut overrides = Vec::new();
    let reader = match open() {
        Ok(r) => r,
        Err(e) => {
            read.skipped.push(Skipped {
                origin: origin.to_string(),
                reason: e.to_string(),
            });
            return read;
        }
    };
    let (split, failed) = crate::ics_text::split(reader, &mut |event| {
        if let Ok(mut event) = event
            && event.overrides
        {
            // Only its UID and RECURRENCE-ID are needed here.
            event.text = event
                .text
                .split_inclusive("\r\n")
                .filter(|line| {
                    ["BEGIN:", "END:", "UID", "RECURRENCE-ID"]
                        .iter()
                        .any(|key| {
                            line.as_bytes()
                                .get(..key.len())
                                .is_some_and(|b| b.eq_ignore_ascii_case(key.as_bytes()))
                        })
                })
                .collect();
            overrides.push(event);
        }
    });
    if let Some(e) = failed {
        read.skipped.push(Skipped {
            origin: origin.to_string(),
            reason: format!("read failed part way, the rest is not read: {e}"),
        });
    }
    if !split.saw_calendar {
        read.skipped.push(Skipped {
            origin: origin.to_string(),
            reason: "not an iCalendar file: no BEGIN:VCALENDAR".to_string(),
        });
        return read;
    }
    for (line, reason) in split.other_skips {
        read.skipped.push(Skipped {
            origin: format!("{origin} line {line}"),
            reason: format!("{reason}: passed over"),
        });
    }
    let mut zones = crate::zones::Resolver::new(
        &format!("{}{}", split.calendar_zone, split.zones),
        i32::from(*years.start())..=i32::from(*years.end()),
    );
    let calendar_zone = split.calendar_zone;
    // Instances of a recurring event moved or cancelled one by one (RECURRENCE-ID).
    let overridden: HashSet<(String, i64)> = overrides
        .iter()
        .filter_map(|e| {
            let (calendar, _) = parse_event(&mut zones, &calendar_zone, &e.text).ok()?;
            let event = calendar.calendar_events().next()?;
            Some((
                event.get_uid()?.to_string(),
                utc(&event.get_recurrence_id()?)?.as_second(),
            ))
        })
        .collect();
    let cancels_all = split.cancels_all;
    let mut index = 0usize;
    let mut one = |event: Result<crate::ics_text::EventText, (usize, String)>| {
        index += 1;
        read.events += 1;
        let line = match &event {
            Ok(e) => e.line,
            Err((line, _)) => *line,
        };
        let skip = |reason: &str| Skipped {
            origin: format!("{origin} event {index} (line {line})"),
            reason: reason.to_string(),
        };
        let event = match event {
            Ok(e) => e,
            Err((_, reason)) => {
                read.skipped.push(skip(&format!("{reason}: passed over")));
                return;
            }
        };
        let (calendar, unknown_zones) = match parse_event(&mut zones, &calendar_zone, &event.text) {
            Ok(parsed) => parsed,
            Err(reason) => {
                read.skipped.push(skip(&reason));
                return;
            }
        };
        drop(event);
        let Some(event) = calendar.calendar_events().next() else {
            read.skipped.push(skip("unreadable event"));
            return;
        };
        let Some(uid) = event.get_uid().map(str::to_string) else {
            read.skipped.push(skip("no UID"));
            return;
        };
        let start = event.get_start().as_ref().and_then(utc);
        if let Some(why) = dates_out_of_range(&event, start) {
            read.skipped.push(skip(&format!("UID {uid}: {why}")));
            return;
        }
        let Some(start) = start else {
            let reason = if unknown_zones.is_empty() {
                "no readable DTSTART".to_string()
            } else {
                format!(
                    "no readable DTSTART (unknown time zone {})",
                    unknown_zones.join(", ")
                )
            };
            read.skipped.push(skip(&reason));
            return;
        };
        let end = event
            .get_end()
            .as_ref()
            .and_then(utc)
            .or_else(|| after(start, event.property_value("DURATION")?))
            .filter(|e| *e >= start)
            .unwrap_or(start);
        let length = end.as_second() - start.as_second();
        let cancelled = event
            .property_value("STATUS")
            .map(str::trim)
            .is_some_and(|s| {
                s.eq_ignore_ascii_case("CANCELLED") || s.eq_ignore_ascii_case("CANCELED")
            });
        let status = match event.get_status() {
            _ if cancels_all || cancelled => EventStatus::Cancelled,
            Some(Ics::Tentative) => EventStatus::Tentative,
            _ => EventStatus::Confirmed,
        };
        let organizer = event.property_value("ORGANIZER").and_then(address);
        let attendees: Vec<Attendee> = event
            .multi_properties()
            .get("ATTENDEE")
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some(Attendee {
                    address: address(p.value())?,
                    declined: p
                        .params()
                        .get("PARTSTAT")
                        .is_some_and(|s| s.value().eq_ignore_ascii_case("DECLINED")),
                })
            })
            .collect();
        let occurrence = |key: String, start: Timestamp| Occurrence {
            key,
            sequence: i64::from(event.get_sequence().unwrap_or(0)),
            summary: event.get_summary().unwrap_or("").trim().to_string(),
            start,
            end: Timestamp::from_second(start.as_second() + length).unwrap_or(start),
            status,
            organizer: organizer.clone(),
            attendees: attendees.clone(),
        };
        if let Some(original) = event.get_recurrence_id().as_ref().and_then(utc) {
            take(occurrence(format!("{uid}/{}", stamp(original)), start));
            return;
        }
        let recurring = event.property_value("RRULE").is_some()
            || event.multi_properties().contains_key("RDATE");
        if !recurring {
            take(occurrence(uid, start));
            return;
        }
        // RFC 5545 section 3.3.10: a rule is ASCII. The rrule crate slices a rule's parts by
        // byte and panics on a character of several bytes, so such a rule is refused here.
        if event.property_value("RRULE").is_some_and(|r| !r.is_ascii()) {
            read.skipped.push(skip(&format!(
                "UID {uid}: a recurrence rule with characters RFC 5545 does not allow"
            )));
            return;
        }
        if let Some(why) = event.property_value("RRULE").and_then(machine_made) {
            read.skipped.push(skip(&format!("UID {uid}: {why}")));
            return;
        }
        let listed = listed_dates(&event, "RDATE").max(listed_dates(&event, "EXDATE"));
        if listed > MAX_LISTED_DATES {
            read.skipped.push(skip(&format!(
                "UID {uid}: lists {listed} dates (RDATE or EXDATE), more than {MAX_LISTED_DATES}"
            )));
            return;
        }
        match event.get_recurrence() {
            Ok(set) => match expand(set, window, budget) {
                Ok(found) => {
                    for at in found {
                        if overridden.contains(&(uid.clone(), at.as_second())) {
                            continue;
                        }
                        take(occurrence(format!("{uid}/{}", stamp(at)), at));
                    }
                }
                Err(why) => read.skipped.push(skip(&format!("UID {uid}: {why}"))),
            },
            Err(e) => read
                .skipped
                .push(skip(&format!("unreadable recurrence: {e}"))),
        }
    };
    // The second pass: each event read as its END arrives.
    if let Ok(reader) = open() {
        let _ = crate::ics_text::split(reader, &mut one);
    }
    read
}

/// Most instances walked through by one read (a file, a folder, a CalDAV calendar) over all
/// its series: 500 daily series of ten years each. Without it, a file of many series each just
/// under `MAX_EXPANSION_STEPS` would cost that many times over.
pub const MAX_READ_STEPS: usize = 5_000_000;

/// Most series that never occur (a rule no day satisfies: `BYMONTH=2;BYMONTHDAY=30`) one read
/// expands. Finding that out costs rrule 100,000 empty periods a series (its own guard); a real
/// calendar has none, a hostile one thousands.
pub const MAX_BARREN_SERIES: usize = 8;

/// What one read may still spend expanding recurrences (`MAX_READ_STEPS`,
/// `MAX_BARREN_SERIES`); once spent, its remaining series are skipped and counted.
#[derive(Clone, Debug)]
pub struct Budget {
    steps: usize,
    barren: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            steps: MAX_READ_STEPS,
            barren: MAX_BARREN_SERIES,
        }
    }
}

/// The instances of a recurrence set that start within the window, at most `MAX_OCCURRENCES`,
/// walking no more than `MAX_EXPANSION_STEPS` instances from its start (rrule's own guard
/// stops a rule that finds nothing for 100,000 periods in a row), charged to `budget`.
/// Errors: the series needs more steps than that to reach the window's end, or the read's
/// budget is spent.
fn expand(
    set: rrule::RRuleSet,
    window: Window,
    budget: &mut Budget,
) -> Result<Vec<Timestamp>, String> {
    if budget.steps == 0 || budget.barren == 0 {
        return Err(format!(
            "the read's recurrence budget is spent ({MAX_READ_STEPS} steps, or {MAX_BARREN_SERIES} series that never occur): passed over"
        ));
    }
    let mut found = Vec::new();
    let mut steps = 0usize;
    for date in &set.limit() {
        steps += 1;
        budget.steps = budget.steps.saturating_sub(1);
        let Ok(at) = Timestamp::from_second(date.timestamp()) else {
            continue;
        };
        if at > window.to || found.len() >= MAX_OCCURRENCES {
            return Ok(found);
        }
        if steps > MAX_EXPANSION_STEPS {
            return Err(format!(
                "recurs more than {MAX_EXPANSION_STEPS} times before the window's end: passed over"
            ));
        }
        if budget.steps == 0 {
            return Err(format!(
                "the read's recurrence budget of {MAX_READ_STEPS} steps is spent: passed over"
            ));
        }
        if at >= window.from {
            found.push(at);
        }
    }
    if steps == 0 {
        budget.barren -= 1;
    }
    Ok(found)
}

/// The `.ics` files under `dir`, recursively and in name order (a vdir, as vdirsyncer and khal
/// keep calendars, is a folder per calendar holding a file per event). Hidden entries are
/// passed over and links to folders are not followed. Errors: `dir` cannot be listed.
fn ics_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
            })
            .collect();
        entries.sort();
        for entry in entries {
            let Ok(meta) = std::fs::symlink_metadata(&entry) else {
                continue;
            };
            if meta.is_dir() {
                if depth < 32 {
                    // A sub-folder that cannot be listed holds nothing we can read.
                    let _ = walk(&entry, depth + 1, out);
                }
            } else if entry.is_file()
                && entry
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("ics"))
            {
                out.push(entry);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, 0, &mut out)?;
    Ok(out)
}

/// Checks, before anything is imported, that `path` is an iCalendar file (its text opens with
/// `BEGIN:VCALENDAR`, after a byte-order mark or blank lines) or a folder holding `.ics` files
/// (in it or in folders under it).
/// Errors: the path cannot be read, or holds no calendar.
pub fn check(path: &Path) -> Result<(), IngestError> {
    let io = crate::io_error(path);
    let meta = std::fs::metadata(path).map_err(&io)?;
    if crate::is_pipe(&meta) {
        return Err(IngestError::NotRegular(path.to_path_buf()));
    }
    if meta.is_dir() {
        return if !ics_files(path).map_err(&io)?.is_empty() {
            Ok(())
        } else {
            Err(IngestError::NotCalendar(path.to_path_buf()))
        };
    }
    let head = crate::head_of(path).map_err(&io)?;
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text
        .as_bytes()
        .get(..15)
        .is_some_and(|b| b.eq_ignore_ascii_case(b"BEGIN:VCALENDAR"))
    {
        Ok(())
    } else {
        Err(IngestError::NotCalendar(path.to_path_buf()))
    }
}

/// Reads a `.ics` file, or the `.ics` files under a folder (see `ics_files`).
pub fn read_ics(path: &Path, window: Window) -> Result<CalendarRead, IngestError> {
    let mut occurrences = Vec::new();
    let mut read = read_ics_each(path, window, |o| occurrences.push(o))?;
    read.occurrences = occurrences;
    Ok(read)
}

/// Reads a `.ics` file, or the `.ics` files under a folder (see `ics_files`), handing each
/// occurrence to `take` as it is read: the returned read holds the counts and what was
/// skipped, its `occurrences` empty. Files are read line by line, so memory follows the
/// events kept (see `ics_text`), whatever a file's size.
/// Errors: `path` cannot be read or listed.
pub fn read_ics_each(
    path: &Path,
    window: Window,
    mut take: impl FnMut(Occurrence),
) -> Result<CalendarRead, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let files: Vec<PathBuf> = if std::fs::metadata(path).map_err(io)?.is_dir() {
        ics_files(path).map_err(io)?
    } else {
        vec![path.to_path_buf()]
    };
    let mut all = CalendarRead::default();
    let mut budget = Budget::default();
    for file in files {
        let origin = file.display().to_string();
        let open =
            || std::fs::File::open(&file).map(|f| std::io::BufReader::with_capacity(64 * 1024, f));
        let read = read_calendar(&origin, open, window, &mut budget, &mut take);
        all.events += read.events;
        all.skipped.extend(read.skipped);
    }
    Ok(all)
}
