//! Calendar files into occurrences: time zones, recurrence with exceptions and moved
//! instances, cancellations, declines, and files that cannot be read.

use jiff::Timestamp;
use rekindle_core::calendar::EventStatus;
use rekindle_ingest::calendar::{Window, parse_ics, read_ics};

fn window() -> Window {
    Window {
        from: "2026-11-01T00:00:00Z".parse().unwrap(),
        to: "2027-01-01T00:00:00Z".parse().unwrap(),
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

const CALENDAR: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
BEGIN:VEVENT\r
UID:review-1@seller.io\r
DTSTAMP:20261120T100000Z\r
SEQUENCE:2\r
DTSTART;TZID=Europe/Berlin:20261201T100000\r
DTEND;TZID=Europe/Berlin:20261201T110000\r
SUMMARY:Numbers review\r
ORGANIZER;CN=Alex Morgan:mailto:alex@seller.io\r
ATTENDEE;CN=Dana Reyes;PARTSTAT=ACCEPTED:mailto:Dana@Acme.example\r
ATTENDEE;CN=Priya Patel;PARTSTAT=DECLINED:MAILTO:priya@acme.example\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekly@seller.io\r
DTSTAMP:20261101T100000Z\r
DTSTART:20261102T150000Z\r
DTEND:20261102T153000Z\r
RRULE:FREQ=WEEKLY;COUNT=6\r
EXDATE:20261109T150000Z\r
SUMMARY:Weekly sync\r
ORGANIZER:mailto:alex@seller.io\r
ATTENDEE:mailto:dana@acme.example\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekly@seller.io\r
DTSTAMP:20261110T100000Z\r
RECURRENCE-ID:20261116T150000Z\r
DTSTART:20261117T160000Z\r
DTEND:20261117T163000Z\r
SUMMARY:Weekly sync (moved)\r
ORGANIZER:mailto:alex@seller.io\r
ATTENDEE:mailto:dana@acme.example\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:cancelled@seller.io\r
DTSTAMP:20261110T100000Z\r
DTSTART:20261125T090000Z\r
DTEND:20261125T093000Z\r
STATUS:CANCELLED\r
SUMMARY:Demo\r
ATTENDEE:mailto:omar@acme.example\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:walkthrough@seller.io\r
DTSTAMP:20261110T100000Z\r
DTSTART:20261202T140000Z\r
DURATION:PT1H30M\r
SUMMARY:Walkthrough\r
ATTENDEE:mailto:dana@acme.example\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTAMP:20261110T100000Z\r
DTSTART:20261125T090000Z\r
SUMMARY:no uid\r
END:VEVENT\r
END:VCALENDAR\r
";

#[test]
fn events_become_occurrences_in_utc_with_recurrence_expanded_and_exceptions_applied() {
    let read = parse_ics("work.ics", CALENDAR, window());
    assert_eq!(read.events, 6);
    assert_eq!(read.skipped.len(), 1, "{:?}", read.skipped);
    assert_eq!(read.skipped[0].origin, "work.ics event 6 (line 53)");
    assert!(read.skipped[0].reason.contains("UID"));

    let review = read
        .occurrences
        .iter()
        .find(|o| o.key == "review-1@seller.io")
        .unwrap();
    assert_eq!(
        review.start,
        at("2026-12-01T09:00:00Z"),
        "Berlin is UTC+1 in December"
    );
    assert_eq!(review.end, at("2026-12-01T10:00:00Z"));
    assert_eq!(review.sequence, 2);
    assert_eq!(
        review.organizer.as_ref().unwrap().as_str(),
        "alex@seller.io"
    );
    assert_eq!(review.attendees.len(), 2);
    assert!(!review.attendees[0].declined && review.attendees[1].declined);
    assert_eq!(review.attendees[1].address.as_str(), "priya@acme.example");

    let mut weekly: Vec<(String, Timestamp)> = read
        .occurrences
        .iter()
        .filter(|o| o.key.starts_with("weekly@"))
        .map(|o| (o.key.clone(), o.start))
        .collect();
    weekly.sort_by_key(|w| w.1);
    assert_eq!(
        weekly,
        vec![
            (
                "weekly@seller.io/20261102T150000Z".into(),
                at("2026-11-02T15:00:00Z")
            ),
            // 9 November is an exception; the 16th moved to the 17th, keeping its identity.
            (
                "weekly@seller.io/20261116T150000Z".into(),
                at("2026-11-17T16:00:00Z")
            ),
            (
                "weekly@seller.io/20261123T150000Z".into(),
                at("2026-11-23T15:00:00Z")
            ),
            (
                "weekly@seller.io/20261130T150000Z".into(),
                at("2026-11-30T15:00:00Z")
            ),
            (
                "weekly@seller.io/20261207T150000Z".into(),
                at("2026-12-07T15:00:00Z")
            ),
        ]
    );
    let cancelled = read
        .occurrences
        .iter()
        .find(|o| o.key == "cancelled@seller.io")
        .unwrap();
    assert_eq!(cancelled.status, EventStatus::Cancelled);
    assert_eq!(cancelled.end, at("2026-11-25T09:30:00Z"));
    let walk = read
        .occurrences
        .iter()
        .find(|o| o.key == "walkthrough@seller.io")
        .unwrap();
    assert_eq!(
        walk.end,
        at("2026-12-02T15:30:00Z"),
        "DTSTART plus DURATION"
    );
}

#[test]
fn recurrence_is_bounded_by_the_window() {
    let daily = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:daily\r\nDTSTAMP:20200101T000000Z\r\nDTSTART:20200101T080000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let read = parse_ics("daily.ics", daily, window());
    // Every day from 1 November to 31 December 2026, nothing from 2020 on and nothing after.
    assert_eq!(read.occurrences.len(), 61);
    assert!(
        read.occurrences
            .iter()
            .all(|o| o.start >= window().from && o.start <= window().to)
    );
}

#[test]
fn unreadable_files_are_skipped_with_their_name_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.ics"), CALENDAR).unwrap();
    std::fs::write(dir.path().join("b.ics"), "this is not a calendar\u{0}\u{1}").unwrap();
    std::fs::write(dir.path().join("c.ics"), "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:notadate\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let read = read_ics(dir.path(), window()).unwrap();
    assert_eq!(read.occurrences.len(), 8, "everything in a.ics");
    let origins: Vec<&str> = read.skipped.iter().map(|s| s.origin.as_str()).collect();
    assert!(origins.iter().any(|o| o.ends_with("b.ics")), "{origins:?}");
    assert!(origins.iter().any(|o| o.contains("c.ics")), "{origins:?}");
    assert!(read_ics(&dir.path().join("missing.ics"), window()).is_err());
}
