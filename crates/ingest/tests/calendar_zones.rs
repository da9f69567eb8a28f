//! Calendars as Outlook, Exchange and other programs write them: Windows time-zone names, the
//! file's own VTIMEZONE, METHOD:CANCEL, STATUS:CANCELED, declined attendees. People and
//! addresses are invented.

use jiff::Timestamp;
use rekindle_core::calendar::{EventStatus, Occurrence};
use rekindle_ingest::IngestError;
use rekindle_ingest::calendar::{Window, check, parse_ics};

fn window() -> Window {
    Window {
        from: "2026-01-01T00:00:00Z".parse().unwrap(),
        to: "2027-06-01T00:00:00Z".parse().unwrap(),
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn starts(occurrences: &[Occurrence]) -> Vec<String> {
    occurrences.iter().map(|o| o.start.to_string()).collect()
}

/// Outlook's VTIMEZONE for "W. Europe Standard Time" (field case 09, after
/// home-assistant/core#179613), with its TZID put in.
fn outlook_zone(tzid: &str) -> String {
    format!(
        "BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
    )
}

fn calendar(method: &str, zones: &str, events: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\nVERSION:2.0\r\n{method}{zones}{events}END:VCALENDAR\r\n"
    )
}

fn event(uid: &str, props: &str) -> String {
    format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261124T091500Z\r\nSUMMARY:Pilot scope review\r\nORGANIZER;CN=\"Lena Vogt\":mailto:lena.vogt@hafenwerk.example\r\nATTENDEE;CN=\"Alex Morgan\";RSVP=TRUE:mailto:alex@seller.example\r\n{props}END:VEVENT\r\n"
    )
}

#[test]
fn outlook_windows_zone_names_with_and_without_their_vtimezone() {
    // Field case 09: 14:00 Berlin time on 3 December is 13:00 UTC.
    let text = calendar(
        "METHOD:REQUEST\r\n",
        &outlook_zone("W. Europe Standard Time"),
        &event(
            "outlook-1",
            "DTSTART;TZID=\"W. Europe Standard Time\":20261203T140000\r\nDTEND;TZID=\"W. Europe Standard Time\":20261203T150000\r\n",
        ),
    );
    let read = parse_ics("invite.ics", &text, window());
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert_eq!(read.occurrences[0].start, at("2026-12-03T13:00:00Z"));
    assert_eq!(read.occurrences[0].end, at("2026-12-03T14:00:00Z"));
    assert_eq!(read.occurrences[0].status, EventStatus::Confirmed);

    // Exchange often sends the name alone. Winter and summer times of a few zones.
    for (tzid, local, utc) in [
        (
            "Eastern Standard Time",
            "20261210T100000",
            "2026-12-10T15:00:00Z",
        ),
        (
            "Eastern Standard Time",
            "20260710T100000",
            "2026-07-10T14:00:00Z",
        ),
        (
            "Pacific Standard Time",
            "20261210T090000",
            "2026-12-10T17:00:00Z",
        ),
        (
            "Romance Standard Time",
            "20260615T090000",
            "2026-06-15T07:00:00Z",
        ),
        (
            "GMT Standard Time",
            "20260615T090000",
            "2026-06-15T08:00:00Z",
        ),
        (
            "India Standard Time",
            "20260615T090000",
            "2026-06-15T03:30:00Z",
        ),
        (
            "AUS Eastern Standard Time",
            "20260115T090000",
            "2026-01-14T22:00:00Z",
        ),
        (
            "(UTC-05:00) Eastern Time (US & Canada)",
            "20261210T100000",
            "2026-12-10T15:00:00Z",
        ),
    ] {
        let text = calendar(
            "",
            "",
            &event(
                "x",
                &format!("DTSTART;TZID=\"{tzid}\":{local}\r\nDURATION:PT30M\r\n"),
            ),
        );
        let read = parse_ics("x.ics", &text, window());
        assert_eq!(starts(&read.occurrences), [utc], "{tzid} {local}");
    }
}

#[test]
fn a_weekly_meeting_in_a_windows_zone_keeps_its_wall_time_across_daylight_saving() {
    // US daylight saving ends on 1 November 2026: 09:00 Pacific is 16:00 UTC before, 17:00 after.
    let text = calendar(
        "",
        "",
        &event(
            "weekly-pst",
            "DTSTART;TZID=Pacific Standard Time:20261026T090000\r\nDTEND;TZID=Pacific Standard Time:20261026T093000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEXDATE;TZID=Pacific Standard Time:20261102T090000\r\n",
        ),
    );
    let read = parse_ics("weekly.ics", &text, window());
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert_eq!(
        starts(&read.occurrences),
        ["2026-10-26T16:00:00Z", "2026-11-09T17:00:00Z"]
    );
}

#[test]
fn a_zone_known_only_by_the_file_s_vtimezone() {
    // Outlook names a zone the user edited "Customized Time Zone"; Lotus and others invent ids.
    for tzid in [
        "Customized Time Zone",
        "Tzone://Microsoft/Custom",
        "Berlin local",
    ] {
        let text = calendar(
            "",
            &outlook_zone(tzid),
            &event(
                "custom",
                &format!(
                    "DTSTART;TZID=\"{tzid}\":20260701T140000\r\nDTEND;TZID=\"{tzid}\":20260701T150000\r\nRRULE:FREQ=MONTHLY;COUNT=6\r\n"
                ),
            ),
        );
        let read = parse_ics("custom.ics", &text, window());
        assert!(read.skipped.is_empty(), "{tzid}: {:?}", read.skipped);
        // Summer time until October, winter time after: the rules of the file, not UTC.
        assert_eq!(
            starts(&read.occurrences),
            [
                "2026-07-01T12:00:00Z",
                "2026-08-01T12:00:00Z",
                "2026-09-01T12:00:00Z",
                "2026-10-01T12:00:00Z",
                "2026-11-01T13:00:00Z",
                "2026-12-01T13:00:00Z"
            ],
            "{tzid}"
        );
    }

    // A zone of its own (no IANA zone has these rules): its offsets are used directly.
    let odd = "BEGIN:VTIMEZONE\r\nTZID:Station Time\r\nBEGIN:STANDARD\r\nDTSTART:19701004T030000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10\r\nTZOFFSETFROM:+0415\r\nTZOFFSETTO:+0315\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700405T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r\nTZOFFSETFROM:+0315\r\nTZOFFSETTO:+0415\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";
    let text = calendar(
        "",
        odd,
        &event(
            "odd",
            "DTSTART;TZID=Station Time:20261201T101500\r\nDTEND;TZID=Station Time:20261201T111500\r\n",
        ),
    );
    let read = parse_ics("odd.ics", &text, window());
    assert_eq!(starts(&read.occurrences), ["2026-12-01T07:00:00Z"]);
    assert_eq!(read.occurrences[0].end, at("2026-12-01T08:00:00Z"));
}

#[test]
fn floating_times_are_in_the_calendar_s_declared_zone() {
    // Google and Apple exports name the calendar's zone once (X-WR-TIMEZONE); a floating time
    // is then wall time there, not UTC and not the reader's machine's zone.
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:Europe/Berlin\r\nBEGIN:VEVENT\r\nUID:floating\r\nDTSTART:20261203T140000\r\nDTEND:20261203T150000\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let read = parse_ics("google.ics", text, window());
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert_eq!(
        starts(&read.occurrences),
        ["2026-12-03T13:00:00Z", "2026-12-10T13:00:00Z"]
    );
}

#[test]
fn an_unknown_zone_is_skipped_and_named() {
    let text = calendar(
        "",
        "",
        &event("mars", "DTSTART;TZID=Olympus Mons Time:20261201T100000\r\n"),
    );
    let read = parse_ics("mars.ics", &text, window());
    assert!(read.occurrences.is_empty());
    assert_eq!(read.skipped.len(), 1);
    assert!(
        read.skipped[0].reason.contains("Olympus Mons Time"),
        "{:?}",
        read.skipped
    );
}

#[test]
fn method_cancel_status_canceled_and_declined_attendees() {
    // RFC 5546 3.2.5: a CANCEL names the events it cancels; Outlook leaves STATUS out at times.
    let text = calendar(
        "METHOD:CANCEL\r\n",
        &outlook_zone("W. Europe Standard Time"),
        &event(
            "outlook-1",
            "SEQUENCE:1\r\nDTSTART;TZID=\"W. Europe Standard Time\":20261203T140000\r\nDTEND;TZID=\"W. Europe Standard Time\":20261203T150000\r\n",
        ),
    );
    let read = parse_ics("cancel.ics", &text, window());
    assert_eq!(read.occurrences.len(), 1);
    assert_eq!(read.occurrences[0].status, EventStatus::Cancelled);
    assert_eq!(read.occurrences[0].key, "outlook-1");

    // A cancelled series: every occurrence is cancelled.
    let text = calendar(
        "METHOD:CANCEL\r\n",
        "",
        &event(
            "series",
            "DTSTART:20261201T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n",
        ),
    );
    let read = parse_ics("cancel.ics", &text, window());
    assert_eq!(read.occurrences.len(), 3);
    assert!(
        read.occurrences
            .iter()
            .all(|o| o.status == EventStatus::Cancelled)
    );

    // "CANCELED", as some servers spell it; a request stays confirmed.
    for (status, expected) in [
        ("CANCELED", EventStatus::Cancelled),
        ("CANCELLED", EventStatus::Cancelled),
        ("CONFIRMED", EventStatus::Confirmed),
    ] {
        let text = calendar(
            "METHOD:REQUEST\r\n",
            "",
            &event(
                "s",
                &format!("DTSTART:20261201T100000Z\r\nSTATUS:{status}\r\n"),
            ),
        );
        let read = parse_ics("s.ics", &text, window());
        assert_eq!(read.occurrences[0].status, expected, "{status}");
    }

    // A reply declining: the attendee's PARTSTAT.
    let text = calendar(
        "METHOD:REPLY\r\n",
        "",
        "BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20261124T091500Z\r\nDTSTART:20261201T100000Z\r\nORGANIZER:mailto:alex@seller.example\r\nATTENDEE;PARTSTAT=DECLINED;CN=\"Lena Vogt\":mailto:lena.vogt@hafenwerk.example\r\nEND:VEVENT\r\n",
    );
    let read = parse_ics("reply.ics", &text, window());
    let attendee = &read.occurrences[0].attendees[0];
    assert_eq!(attendee.address.as_str(), "lena.vogt@hafenwerk.example");
    assert!(attendee.declined);
}

#[test]
fn check_refuses_what_is_not_a_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let ics = dir.path().join("invite.ics");
    std::fs::write(&ics, "\u{feff}\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").unwrap();
    assert!(check(&ics).is_ok());
    assert!(check(dir.path()).is_ok());

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "BEGIN: the meeting notes").unwrap();
    let err = check(&notes).unwrap_err();
    assert!(matches!(err, IngestError::NotCalendar(_)));
    assert!(err.to_string().contains("notes.txt"));

    let err = check(&dir.path().join("gone.ics")).unwrap_err();
    assert!(err.to_string().contains("gone.ics"));

    let empty = tempfile::tempdir().unwrap();
    assert!(check(empty.path()).is_err());

    // A vdir (vdirsyncer, khal): a folder per calendar, a file per event.
    let vdir = tempfile::tempdir().unwrap();
    let work = vdir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(vdir.path().join(".git")).unwrap();
    std::fs::write(vdir.path().join(".git/x.ics"), "not read").unwrap();
    for (uid, hour) in [("a", "09"), ("b", "10")] {
        std::fs::write(
            work.join(format!("{uid}.ics")),
            calendar(
                "",
                "",
                &event(
                    uid,
                    &format!("DTSTART;TZID=Eastern Standard Time:20261210T{hour}0000\r\n"),
                ),
            ),
        )
        .unwrap();
    }
    assert!(check(vdir.path()).is_ok());
    let read = rekindle_ingest::calendar::read_ics(vdir.path(), window()).unwrap();
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert_eq!(
        starts(&read.occurrences),
        ["2026-12-10T14:00:00Z", "2026-12-10T15:00:00Z"]
    );
}
