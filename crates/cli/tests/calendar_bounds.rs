//! Calendars that are not meetings, or are built to break the reader, imported end to end:
//! nothing recorded from a machine-made series, and a hostile file is skipped with where it
//! was while the meetings next to it are recorded.

mod common;

use common::*;

fn event(uid: &str, start: &str, extra: &str) -> String {
    format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:{start}\r\nDURATION:PT30M\r\nSUMMARY:Sync\r\nORGANIZER:mailto:dana@acme.example\r\n{extra}END:VEVENT\r\n"
    )
}

fn calendar(events: &[String]) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rekindle tests//EN\r\n{}END:VCALENDAR\r\n",
        events.concat()
    )
}

fn skipped(summary: &serde_json::Value) -> Vec<String> {
    summary["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s[0].as_str().unwrap(), s[1].as_str().unwrap()))
        .collect()
}

#[test]
fn no_meetings_are_recorded_from_a_series_that_fires_every_minute() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let meetings = || {
        rk.json(&["show", &d])["record"]["activities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == "meeting")
            .count()
    };
    let before = meetings();
    let dir = tempfile::tempdir().unwrap();
    let ics = file(
        dir.path(),
        "monitor.ics",
        &calendar(&[
            event("monitor", "20261101T000000Z", "RRULE:FREQ=MINUTELY\r\n"),
            event(
                "hourly",
                "20261101T000000Z",
                "RRULE:FREQ=HOURLY;COUNT=400\r\n",
            ),
            event("review", "20261120T100000Z", ""),
        ]),
    );
    let summary = rk.json(&[
        "import",
        "calendar",
        ics.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(summary["meetings_held"], 1, "only the review: {summary}");
    assert_eq!(summary["occurrences"], 1, "{summary}");
    let skipped = skipped(&summary);
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].contains("UID monitor") && skipped[0].contains("machine-made"),
        "{skipped:?}"
    );
    assert!(skipped[1].contains("UID hourly"), "{skipped:?}");
    assert_eq!(meetings(), before + 1, "the review alone is a meeting held");
}

#[test]
fn a_file_of_thousands_of_nested_components_is_skipped_by_event_and_the_rest_recorded() {
    let rk = Rk::new();
    quiet_deal(&rk);
    let dir = tempfile::tempdir().unwrap();
    let nested = format!(
        "BEGIN:VEVENT\r\nUID:deep\r\nDTSTART:20261110T100000Z\r\n{}{}END:VEVENT\r\n",
        "BEGIN:VALARM\r\n".repeat(3000),
        "END:VALARM\r\n".repeat(3000)
    );
    let ics = file(
        dir.path(),
        "nested.ics",
        &calendar(&[nested, event("review", "20261120T100000Z", "")]),
    );
    let summary = rk.json(&[
        "import",
        "calendar",
        ics.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(summary["meetings_held"], 1, "{summary}");
    let skipped = skipped(&summary);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].contains("nested.ics event 1 (line 4)")
            && skipped[0].contains("nested deeper than 8 (line 13)"),
        "{skipped:?}"
    );
}
