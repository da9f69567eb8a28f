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

use crate::{IngestError, Skipped};
use chrono::{DateTime, TimeZone, Utc};
use icalendar::{
    CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventStatus as Ics,
};
use jiff::Timestamp;
use rekindle_core::EmailAddress;
use rekindle_core::calendar::{Attendee, EventStatus, Occurrence};
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
const MAX_OCCURRENCES: u16 = 400;

fn utc(value: &DatePerhapsTime) -> Option<Timestamp> {
    let chrono = match value {
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(naive)) => naive.and_utc(),
        DatePerhapsTime::DateTime(other) => other.try_into_utc()?,
        DatePerhapsTime::Date(date) => date.and_hms_opt(0, 0, 0)?.and_utc(),
    };
    Timestamp::from_second(chrono.timestamp()).ok()
}

fn chrono_of(t: Timestamp) -> DateTime<rrule::Tz> {
    Utc.timestamp_opt(t.as_second(), 0)
        .single()
        .unwrap_or_default()
        .with_timezone(&rrule::Tz::UTC)
}

fn address(value: &str) -> Option<EmailAddress> {
    let trimmed = value.trim();
    let bare = if trimmed.len() > 7 && trimmed[..7].eq_ignore_ascii_case("mailto:") {
        &trimmed[7..]
    } else {
        trimmed
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
    let mut read = CalendarRead::default();
    let years = window.from.to_zoned(jiff::tz::TimeZone::UTC).year()
        ..=window.to.to_zoned(jiff::tz::TimeZone::UTC).year();
    let (text, unknown_zones) =
        crate::zones::normalise(text, i32::from(*years.start())..=i32::from(*years.end()));
    let calendar = match text.parse::<icalendar::Calendar>() {
        Ok(c) => c,
        Err(e) => {
            read.skipped.push(Skipped {
                origin: origin.to_string(),
                reason: format!("not an iCalendar file: {}", e.lines().next().unwrap_or("")),
            });
            return read;
        }
    };
    // Instances of a recurring event moved or cancelled one by one (RECURRENCE-ID).
    let overridden: HashSet<(String, i64)> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some((
                e.get_uid()?.to_string(),
                utc(&e.get_recurrence_id()?)?.as_second(),
            )),
            _ => None,
        })
        .collect();
    let cancels_all = calendar.properties.iter().any(|p| {
        p.key().eq_ignore_ascii_case("METHOD") && p.value().trim().eq_ignore_ascii_case("CANCEL")
    });
    for (index, event) in calendar.calendar_events().enumerate() {
        read.events += 1;
        let skip = |reason: &str| Skipped {
            origin: format!("{origin} event {}", index + 1),
            reason: reason.to_string(),
        };
        let Some(uid) = event.get_uid().map(str::to_string) else {
            read.skipped.push(skip("no UID"));
            continue;
        };
        let Some(start) = event.get_start().as_ref().and_then(utc) else {
            let reason = if unknown_zones.is_empty() {
                "no readable DTSTART".to_string()
            } else {
                format!(
                    "no readable DTSTART (unknown time zone {})",
                    unknown_zones.join(", ")
                )
            };
            read.skipped.push(skip(&reason));
            continue;
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
            read.occurrences
                .push(occurrence(format!("{uid}/{}", stamp(original)), start));
            continue;
        }
        let recurring = event.property_value("RRULE").is_some()
            || event.multi_properties().contains_key("RDATE");
        if !recurring {
            read.occurrences.push(occurrence(uid, start));
            continue;
        }
        match event.get_recurrence() {
            Ok(set) => {
                let found = set
                    .after(chrono_of(window.from))
                    .before(chrono_of(window.to))
                    .all(MAX_OCCURRENCES);
                for date in found.dates {
                    let Ok(at) = Timestamp::from_second(date.timestamp()) else {
                        continue;
                    };
                    if overridden.contains(&(uid.clone(), at.as_second())) {
                        continue;
                    }
                    read.occurrences
                        .push(occurrence(format!("{uid}/{}", stamp(at)), at));
                }
            }
            Err(e) => read
                .skipped
                .push(skip(&format!("unreadable recurrence: {e}"))),
        }
    }
    read
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
    if std::fs::metadata(path).map_err(&io)?.is_dir() {
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
    for file in files {
        let origin = file.display().to_string();
        match std::fs::read(&file) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let read = parse_ics(&origin, &text, window);
                all.events += read.events;
                all.occurrences.extend(read.occurrences);
                all.skipped.extend(read.skipped);
            }
            Err(e) => all.skipped.push(Skipped {
                origin,
                reason: e.to_string(),
            }),
        }
    }
    Ok(all)
}
