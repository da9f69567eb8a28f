//! Calendars built to exhaust the reader: recurrences that fire every second or forever,
//! millions of listed dates, components nested thousands deep, lines of megabytes, and bytes
//! of anything. Each is read within its bounds, skipped and counted with where it was, and never
//! panics; the events around it are still read.

use rekindle_ingest::calendar::{
    MAX_BARREN_SERIES, MAX_LISTED_DATES, MAX_NESTING, MAX_OCCURRENCES, Window, machine_made,
    parse_ics, read_ics,
};

fn window() -> Window {
    Window {
        from: "2025-11-23T09:00:00Z".parse().unwrap(),
        to: "2027-05-25T09:00:00Z".parse().unwrap(),
    }
}

fn event(uid: &str, start: &str, extra: &str) -> String {
    format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:{start}\r\nDURATION:PT1H\r\nSUMMARY:Sync\r\nORGANIZER:mailto:dana@acme.example\r\n{extra}END:VEVENT\r\n"
    )
}

fn calendar(events: &[String]) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{}END:VCALENDAR\r\n",
        events.concat()
    )
}

/// A plain meeting every calendar below also holds: it must survive its neighbours.
fn plain() -> String {
    event("plain", "20261110T100000Z", "")
}

fn read_with_plain(hostile: String) -> rekindle_ingest::calendar::CalendarRead {
    let read = parse_ics("x.ics", &calendar(&[hostile, plain()]), window());
    assert!(
        read.occurrences.iter().any(|o| o.key == "plain"),
        "the plain event next to it is read: {:?}",
        read.skipped
    );
    read
}

#[test]
fn series_firing_more_than_once_a_day_are_machine_made_and_skipped_with_their_uid() {
    for (uid, start, rule) in [
        ("secondly", "19000101T000000Z", "FREQ=SECONDLY"),
        (
            "count",
            "20000101T000000Z",
            "FREQ=SECONDLY;COUNT=4294967295",
        ),
        (
            "setpos",
            "19700101T000000Z",
            "FREQ=SECONDLY;BYSETPOS=-1;BYSECOND=1,2,3",
        ),
        ("minutely", "20261101T000000Z", "FREQ=MINUTELY"),
        ("hourly", "20261101T000000Z", "freq=hourly;interval=1"),
        ("twice-daily", "20261101T090000Z", "FREQ=DAILY;BYHOUR=9,15"),
        (
            "every-second-of-the-day",
            "20261101T000000Z",
            "FREQ=YEARLY;BYHOUR=0,1,2;BYMINUTE=0,30;BYSECOND=0,1",
        ),
    ] {
        let read = read_with_plain(event(uid, start, &format!("RRULE:{rule}\r\n")));
        assert_eq!(read.occurrences.len(), 1, "{uid}: only the plain event");
        assert_eq!(read.skipped.len(), 1, "{uid}: {:?}", read.skipped);
        assert_eq!(read.skipped[0].origin, "x.ics event 1 (line 4)");
        assert!(
            read.skipped[0].reason.contains(&format!("UID {uid}"))
                && read.skipped[0].reason.contains("machine-made"),
            "{uid}: {:?}",
            read.skipped[0]
        );
    }
    // Daily, weekly on several days, monthly: people meet that often.
    for rule in [
        "FREQ=DAILY",
        "FREQ=DAILY;BYHOUR=9",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=MONTHLY;BYDAY=1MO",
    ] {
        assert_eq!(machine_made(rule), None, "{rule}");
    }
}

#[test]
fn expansion_is_bounded_by_the_window_and_the_caps_whatever_the_rule() {
    let w = window();
    for (uid, start, rule) in [
        ("since-1900", "19000101T100000Z", "FREQ=DAILY"),
        (
            "huge-count",
            "19000101T100000Z",
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;COUNT=4294967295",
        ),
        (
            "until-9999",
            "20260101T100000Z",
            "FREQ=DAILY;UNTIL=99991231T000000Z",
        ),
        (
            "setpos-every-day",
            "19000101T100000Z",
            "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31;BYSETPOS=-1,1,2,3,4,5",
        ),
        (
            "never",
            "19000101T100000Z",
            "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        ),
        ("far-future", "99990101T100000Z", "FREQ=YEARLY"),
    ] {
        let read = read_with_plain(event(uid, start, &format!("RRULE:{rule}\r\n")));
        let mine: Vec<_> = read
            .occurrences
            .iter()
            .filter(|o| o.key.starts_with(&format!("{uid}/")))
            .collect();
        assert!(mine.len() <= MAX_OCCURRENCES, "{uid}: {}", mine.len());
        assert!(
            mine.iter().all(|o| o.start >= w.from && o.start <= w.to),
            "{uid}: every occurrence within the window"
        );
    }
    // A series from the year 1 is not expanded at all: its start is outside the accepted range.
    let read = read_with_plain(event(
        "year-one",
        "00010101T100000Z",
        "RRULE:FREQ=DAILY\r\n",
    ));
    assert_eq!(read.skipped.len(), 1, "{:?}", read.skipped);
    assert!(
        read.skipped[0].reason.contains("UID year-one")
            && read.skipped[0]
                .reason
                .contains("outside 1900-01-01 to 2199-12-31"),
        "{:?}",
        read.skipped[0]
    );
}

/// Every date an event carries is held to the range every date is (1900-01-01 to
/// 2199-12-31): an event with a start, an end, an override or a series end outside it is
/// skipped naming its UID and the property, never stored on a guessed day; one on the last
/// day of the range is read.
#[test]
fn events_dated_outside_the_accepted_range_are_skipped_naming_the_property() {
    let dated = |uid: &str, start: &str, extra: &str| {
        format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART{start}\r\nSUMMARY:Sync\r\nORGANIZER:mailto:dana@acme.example\r\n{extra}END:VEVENT\r\n"
        )
    };
    for (uid, start, extra, property) in [
        ("past-range", ";VALUE=DATE:22000101", "", "DTSTART 22000101"),
        (
            "before-range",
            ":18991231T230000Z",
            "",
            "DTSTART 18991231T230000Z",
        ),
        (
            "endless-end",
            ":20261110T100000Z",
            "DTEND:99990101T000000Z\r\n",
            "DTEND 99990101T000000Z",
        ),
        (
            "until-before",
            ":20261110T100000Z",
            "RRULE:FREQ=WEEKLY;UNTIL=18991231T000000Z\r\n",
            "RRULE UNTIL=18991231T000000Z",
        ),
        (
            "moved-from-nowhere",
            ":20261112T100000Z",
            "RECURRENCE-ID:00050101T100000Z\r\n",
            "RECURRENCE-ID 00050101T100000Z",
        ),
    ] {
        let read = read_with_plain(dated(uid, start, extra));
        assert!(
            read.occurrences.iter().all(|o| !o.key.starts_with(uid)),
            "{uid}: {:?}",
            read.occurrences
        );
        assert_eq!(read.skipped.len(), 1, "{uid}: {:?}", read.skipped);
        let reason = &read.skipped[0].reason;
        assert!(
            reason.contains(&format!("UID {uid}"))
                && reason.contains(property)
                && reason.contains("outside 1900-01-01 to 2199-12-31"),
            "{uid}: {reason}"
        );
        assert!(read.skipped[0].origin.contains("x.ics"), "{uid}");
    }
    let read = read_with_plain(dated("last-day", ";VALUE=DATE:21991231", ""));
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert!(read.occurrences.iter().any(|o| o.key == "last-day"));
}

#[test]
fn a_file_of_many_series_that_never_occur_spends_its_budget_and_the_rest_are_skipped() {
    let mut events: Vec<String> = (0..40)
        .map(|i| {
            event(
                &format!("never{i}"),
                "20261101T100000Z",
                "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\n",
            )
        })
        .collect();
    events.push(event("weekly", "20261101T100000Z", "RRULE:FREQ=WEEKLY\r\n"));
    let read = read_with_plain(events.concat());
    let spent: Vec<_> = read
        .skipped
        .iter()
        .filter(|s| s.reason.contains("budget is spent"))
        .collect();
    assert_eq!(
        read.skipped.len(),
        41 - MAX_BARREN_SERIES,
        "{:?}",
        read.skipped
    );
    assert_eq!(spent.len(), read.skipped.len());
    assert!(spent.last().unwrap().reason.contains("UID weekly"));
}

#[test]
fn an_event_listing_more_dates_than_the_cap_is_skipped() {
    let dates = |n: usize| -> String {
        (0..n)
            .map(|i| format!("2026{:02}{:02}T100000Z", 1 + i % 12, 1 + i % 28))
            .collect::<Vec<_>>()
            .join(",")
    };
    for name in ["RDATE", "EXDATE"] {
        let many = dates(MAX_LISTED_DATES + 1);
        let read = read_with_plain(event(
            "listed",
            "20261101T100000Z",
            &format!("RRULE:FREQ=WEEKLY\r\n{name}:{many}\r\n"),
        ));
        assert_eq!(read.skipped.len(), 1, "{name}");
        assert!(
            read.skipped[0].reason.contains("UID listed"),
            "{:?}",
            read.skipped
        );
    }
    // A million dates, on lines longer than any real one: skipped without parsing them.
    let million = dates(1_000_000);
    let read = read_with_plain(event(
        "million",
        "20261101T100000Z",
        &format!("RDATE:{million}\r\n"),
    ));
    assert_eq!(read.skipped.len(), 1);
    assert!(
        read.skipped[0].reason.contains("longer than"),
        "{:?}",
        read.skipped
    );
    // Within the cap, the listed dates are read.
    let read = read_with_plain(event(
        "few",
        "20261101T100000Z",
        "RDATE:20261105T100000Z,20261106T100000Z\r\n",
    ));
    assert_eq!(
        read.occurrences
            .iter()
            .filter(|o| o.key.starts_with("few/"))
            .count(),
        3
    );
}

#[test]
fn components_nested_deeper_than_the_limit_skip_their_event_with_its_line() {
    for (label, nested) in [
        (
            "3,000 alarms",
            format!(
                "{}{}",
                "BEGIN:VALARM\r\n".repeat(3000),
                "END:VALARM\r\n".repeat(3000)
            ),
        ),
        ("never closed", "BEGIN:VALARM\r\n".repeat(3000)),
        (
            "any name, any case",
            format!(
                "{}{}",
                "begin:x-thing\r\n".repeat(MAX_NESTING),
                "END:X-THING\r\n".repeat(MAX_NESTING)
            ),
        ),
        ("folded", "BEGIN:VAL\r\n ARM\r\n".repeat(100)),
    ] {
        let deep = format!(
            "BEGIN:VEVENT\r\nUID:deep\r\nDTSTART:20261110T100000Z\r\n{nested}END:VEVENT\r\n"
        );
        // The unclosed ones swallow what follows them: the plain event goes first.
        let read = parse_ics("x.ics", &calendar(&[plain(), deep]), window());
        assert_eq!(read.occurrences.len(), 1, "{label}: {:?}", read.skipped);
        assert_eq!(read.skipped.len(), 1, "{label}: {:?}", read.skipped);
        assert_eq!(read.skipped[0].origin, "x.ics event 2 (line 12)", "{label}");
        assert!(
            read.skipped[0]
                .reason
                .contains(&format!("nested deeper than {MAX_NESTING}")),
            "{label}: {:?}",
            read.skipped[0]
        );
    }
    // Nesting as deep as the limit is read.
    let alarms = MAX_NESTING - 2;
    let ok = event(
        "alarmed",
        "20261110T100000Z",
        &format!(
            "{}{}",
            "BEGIN:VALARM\r\n".repeat(alarms),
            "END:VALARM\r\n".repeat(alarms)
        ),
    );
    let read = read_with_plain(ok);
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert_eq!(read.occurrences.len(), 2);
}

#[test]
fn huge_lines_are_passed_over_or_skip_their_event_never_held_whole() {
    let huge = "x".repeat(8 << 20);
    // A description of megabytes is not read: the meeting is.
    let read = read_with_plain(event(
        "described",
        "20261110T100000Z",
        &format!("DESCRIPTION:{huge}\r\nATTACH;ENCODING=BASE64;VALUE=BINARY:{huge}\r\n"),
    ));
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert!(read.occurrences.iter().any(|o| o.key == "described"));
    // A summary of megabytes skips its event, naming the line.
    let read = read_with_plain(event(
        "titled",
        "20261110T100000Z",
        &format!("SUMMARY:{huge}\r\n"),
    ));
    assert_eq!(read.skipped.len(), 1);
    assert_eq!(read.skipped[0].origin, "x.ics event 1 (line 4)");
    assert!(
        read.skipped[0]
            .reason
            .contains("line 11 (SUMMARY) is longer than"),
        "{:?}",
        read.skipped
    );
    // Attendees by the tens of thousands: more than an event may keep.
    let crowd: String = (0..20_000)
        .map(|i| format!("ATTENDEE;PARTSTAT=ACCEPTED:mailto:person{i}@crowd.example\r\n"))
        .collect();
    let read = read_with_plain(event("crowd", "20261110T100000Z", &crowd));
    assert_eq!(read.skipped.len(), 1);
    assert!(
        read.skipped[0].reason.contains("passes 1024 KiB"),
        "{:?}",
        read.skipped
    );
    // A file of one endless line holds no calendar.
    let read = parse_ics("x.ics", &huge, window());
    assert_eq!(read.skipped.len(), 1);
    assert!(read.skipped[0].reason.contains("not an iCalendar file"));
}

#[test]
fn a_file_is_read_event_by_event_and_malformed_ones_are_counted_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let mut events: Vec<String> = (0..2_000)
        .map(|i| {
            event(
                &format!("e{i}"),
                "20261110T100000Z",
                "DESCRIPTION:notes\r\n",
            )
        })
        .collect();
    events[7] = "BEGIN:VEVENT\r\nUID:broken\r\nDTSTART:not a time\r\nEND:VEVENT\r\n".to_string();
    events[9] = "BEGIN:VEVENT\r\nDTSTART:20261110T100000Z\r\nEND:VEVENT\r\n".to_string();
    let path = dir.path().join("big.ics");
    std::fs::write(&path, calendar(&events)).unwrap();
    let read = read_ics(&path, window()).unwrap();
    assert_eq!(read.events, 2_000);
    assert_eq!(read.occurrences.len(), 1_998);
    let origins: Vec<&str> = read.skipped.iter().map(|s| s.origin.as_str()).collect();
    let name = path.display().to_string();
    assert_eq!(
        origins,
        [
            format!("{name} event 8 (line 67)"),
            format!("{name} event 10 (line 80)")
        ]
    );
}

/// A small deterministic generator, so the run is the same every time.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn mangled_calendars_never_panic() {
    let base = calendar(&[
        event("a", "20261110T100000Z", "RRULE:FREQ=WEEKLY;COUNT=10\r\nEXDATE:20261117T100000Z\r\n"),
        event("a", "20261124T110000Z", "RECURRENCE-ID:20261124T100000Z\r\n"),
        "BEGIN:VTIMEZONE\r\nTZID:Custom\r\nBEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n".to_string(),
        event("b", "20261110T100000Z", "DTEND;TZID=Custom:20261110T120000\r\nBEGIN:VALARM\r\nEND:VALARM\r\n"),
    ]);
    let pieces = [
        "BEGIN:",
        "END:",
        "VEVENT",
        "VALARM",
        "\r\n",
        "\r\n ",
        ":",
        ";",
        ",",
        "=",
        "TZID=",
        "RRULE:FREQ=SECONDLY",
        "COUNT=",
        "BYSETPOS=-1",
        "99999999",
        "\u{feff}",
        "\u{0}",
        "é",
    ];
    // Found by this test: a character across the end of `mailto:` once split the address.
    for attendee in ["mailtoé:dana@acme.example", "mailt\u{fffd}:x", "é", ""] {
        let read = parse_ics(
            "m.ics",
            &calendar(&[event(
                "a",
                "20261110T100000Z",
                &format!("ATTENDEE:{attendee}\r\n"),
            )]),
            window(),
        );
        assert_eq!(read.occurrences.len(), 1);
    }
    let mut rng = Lcg(12);
    for _ in 0..300 {
        let mut bytes = base.clone().into_bytes();
        for _ in 0..1 + rng.next() % 8 {
            let at = rng.next() as usize % (bytes.len() + 1);
            match rng.next() % 3 {
                0 => {
                    let piece = pieces[rng.next() as usize % pieces.len()];
                    bytes.splice(at..at, piece.bytes());
                }
                1 => {
                    let end = (at + 1 + rng.next() as usize % 40).min(bytes.len());
                    bytes.drain(at..end);
                }
                _ => {
                    if at < bytes.len() {
                        bytes[at] = rng.next() as u8;
                    }
                }
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let read = parse_ics("m.ics", &text, window());
        assert!(read.occurrences.len() <= 3 * MAX_OCCURRENCES);
    }
}
