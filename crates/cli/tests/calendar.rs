//! Meetings captured from calendars: `.ics` files and a real Radicale CalDAV server.

mod common;
mod servers;

use common::*;
use serde_json::Value;
use servers::{PASSWORD, Radicale, USER};

fn event(
    uid: &str,
    sequence: u32,
    start: &str,
    end: &str,
    summary: &str,
    extra: &str,
    attendees: &[&str],
) -> String {
    let mut e = format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261120T100000Z\r\nSEQUENCE:{sequence}\r\nDTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:{summary}\r\nORGANIZER:mailto:alex@seller.io\r\n{extra}"
    );
    for a in attendees {
        e += &format!("ATTENDEE;PARTSTAT=ACCEPTED:mailto:{a}\r\n");
    }
    e + "END:VEVENT\r\n"
}

fn calendar(events: &[String]) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rekindle tests//EN\r\n{}END:VCALENDAR\r\n",
        events.concat()
    )
}

/// Ahead, behind, cancelled, with a stranger at the account, and with no one in the record.
fn first_week() -> Vec<String> {
    vec![
        event(
            "review@seller.io",
            0,
            "20261201T090000Z",
            "20261201T100000Z",
            "Numbers review",
            "",
            &["Dana@Acme.example"],
        ),
        event(
            "kickoff@seller.io",
            0,
            "20261120T140000Z",
            "20261120T150000Z",
            "Finance kickoff",
            "",
            &["priya@acme.example"],
        ),
        event(
            "demo@seller.io",
            1,
            "20261125T090000Z",
            "20261125T093000Z",
            "Demo",
            "STATUS:CANCELLED\r\n",
            &["dana@acme.example"],
        ),
        event(
            "intro@seller.io",
            0,
            "20261126T090000Z",
            "20261126T093000Z",
            "Intro",
            "",
            &["omar@acme.example"],
        ),
        event(
            "lunch@seller.io",
            0,
            "20261124T120000Z",
            "20261124T130000Z",
            "Lunch",
            "",
            &["friend@gmail.com"],
        ),
    ]
}

fn counts(summary: &Value) -> (u64, u64, u64, u64) {
    (
        summary["meetings_booked"].as_u64().unwrap(),
        summary["meetings_held"].as_u64().unwrap(),
        summary["meetings_cancelled"].as_u64().unwrap(),
        summary["contacts_suggested"].as_u64().unwrap(),
    )
}

fn activities(rk: &Rk, deal: &str) -> Vec<Value> {
    rk.json(&["show", deal])["record"]["activities"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn meetings_in_an_ics_file_book_next_steps_record_meetings_held_and_cancellations_once() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let dir = tempfile::tempdir().unwrap();
    let ics = file(dir.path(), "work.ics", &calendar(&first_week()));
    let path = ics.to_str().unwrap();

    let first = rk.json(&["import", "calendar", path, "--me", "alex@seller.io"]);
    assert_eq!(counts(&first), (1, 1, 1, 1), "{first}");
    assert_eq!(first["occurrences"], 5);
    assert_eq!(
        first["not_matched"]["with no one in the record"], 1,
        "{first}"
    );

    let shown = rk.json(&["show", &d]);
    let step = &shown["record"]["next_step"];
    assert_eq!(step["what"], "Meeting: Numbers review", "{shown}");
    assert_eq!(step["booked"], true);
    assert_eq!(step["due"], "2026-12-01T09:00:00Z");
    let signals: Vec<&str> = shown["assessment"]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert!(
        !signals.contains(&"no_solid_next_step"),
        "a booked meeting is a solid next step: {signals:?}"
    );
    let acts = activities(&rk, &d);
    assert!(acts.iter().any(|a| a["kind"] == "meeting"
        && a["outcome"] == "meeting_held"
        && a["summary"] == "Meeting: Finance kickoff"
        && a["at"] == "2026-11-20T14:00:00Z"));
    assert!(acts.iter().any(|a| a["kind"] == "meeting"
        && a["outcome"] == "cancelled"
        && a["summary"] == "Meeting: Demo"));

    // The same file again adds nothing.
    let again = rk.json(&["import", "calendar", path]);
    assert_eq!(counts(&again), (0, 0, 0, 0), "{again}");
    assert_eq!(again["already_imported"], 3);
    assert_eq!(activities(&rk, &d).len(), acts.len());

    // The review moves to the 3rd (a new SEQUENCE): the step moves with it. An older copy of
    // the invitation read afterwards changes nothing.
    let mut moved = first_week();
    moved[0] = event(
        "review@seller.io",
        1,
        "20261203T090000Z",
        "20261203T100000Z",
        "Numbers review",
        "",
        &["dana@acme.example"],
    );
    let v2 = file(dir.path(), "v2.ics", &calendar(&moved));
    let second = rk.json(&["import", "calendar", v2.to_str().unwrap()]);
    assert_eq!(counts(&second), (1, 0, 0, 0), "{second}");
    rk.json(&["import", "calendar", path]);
    assert_eq!(
        rk.json(&["show", &d])["record"]["next_step"]["due"],
        "2026-12-03T09:00:00Z"
    );

    // After the 3rd, the meeting was held: recorded, and the booked step is done.
    let later = rk.json(&[
        "--now",
        "2026-12-04T09:00:00Z",
        "import",
        "calendar",
        v2.to_str().unwrap(),
    ]);
    assert_eq!(counts(&later), (0, 1, 0, 0), "{later}");
    let shown = rk.json(&["--now", "2026-12-04T09:00:00Z", "show", &d]);
    assert!(shown["record"]["next_step"].is_null(), "{shown}");
    assert!(
        activities(&rk, &d)
            .iter()
            .any(|a| a["outcome"] == "meeting_held" && a["at"] == "2026-12-03T09:00:00Z")
    );
}

#[test]
fn a_cancelled_booking_takes_the_next_step_away() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let dir = tempfile::tempdir().unwrap();
    let booked = file(
        dir.path(),
        "a.ics",
        &calendar(&[event(
            "review@seller.io",
            0,
            "20261201T090000Z",
            "20261201T100000Z",
            "Numbers review",
            "",
            &["dana@acme.example"],
        )]),
    );
    rk.json(&[
        "import",
        "calendar",
        booked.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(
        rk.json(&["show", &d])["record"]["next_step"]["booked"],
        true
    );
    let cancelled = file(
        dir.path(),
        "b.ics",
        &calendar(&[event(
            "review@seller.io",
            1,
            "20261201T090000Z",
            "20261201T100000Z",
            "Numbers review",
            "STATUS:CANCELLED\r\n",
            &["dana@acme.example"],
        )]),
    );
    let summary = rk.json(&["import", "calendar", cancelled.to_str().unwrap()]);
    assert_eq!(counts(&summary), (0, 0, 1, 0), "{summary}");
    let shown = rk.json(&["show", &d]);
    assert!(shown["record"]["next_step"].is_null(), "{shown}");
    assert!(
        activities(&rk, &d)
            .iter()
            .any(|a| a["outcome"] == "cancelled" && a["at"] == "2026-11-23T09:00:00Z")
    );
}

const NOW: &str = "2026-11-23T09:00:00Z";

/// `rekindle sync caldav` at `now`, the password in the environment as a scheduled job has it.
fn sync(rk: &Rk, now: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args(["--db", rk.db.to_str().unwrap(), "--now", now, "--json"])
        .args(["sync", "caldav"])
        .args(args)
        .env("DAV_PW", PASSWORD)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn caldav_sync_finds_the_calendars_from_the_server_root_over_tls_and_adds_each_meeting_once() {
    let server = Radicale::start();
    server.make_calendar("/alice/work/");
    server.make_calendar("/alice/personal/");
    for (i, e) in first_week().into_iter().enumerate() {
        server.put(&format!("/alice/work/{i}.ics"), &calendar(&[e]));
    }
    // A weekly call with Dana, every Monday from 2 November: four held by the 23rd at 09:00
    // (2 to 23 November, the last over at 08:30), the rest ahead.
    server.put(
        "/alice/personal/weekly.ics",
        &calendar(&[event(
            "weekly@seller.io",
            0,
            "20261102T080000Z",
            "20261102T083000Z",
            "Weekly",
            "RRULE:FREQ=WEEKLY;COUNT=6\r\n",
            &["dana@acme.example"],
        )]),
    );
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let cert = server.cert.to_str().unwrap().to_string();
    let root = server.url("/");

    let first_time = ["--url", &root, "--user", USER, "--me", "alex@seller.io"];
    let trusted = [&first_time[..], &["--ca-file", &cert]].concat();

    // Not trusted without the certificate; a wrong password is named.
    let out = sync(
        &rk,
        NOW,
        &[&first_time[..], &["--password-env", "DAV_PW"]].concat(),
    );
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let wrong = file(dir.path(), "pw", "wrong\n");
    let out = sync(
        &rk,
        NOW,
        &[&trusted[..], &["--password-file", wrong.to_str().unwrap()]].concat(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused the login for alice"));

    let out = sync(
        &rk,
        NOW,
        &[&trusted[..], &["--password-env", "DAV_PW"]].concat(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first: Value = serde_json::from_slice(&out.stdout).unwrap();
    let calendars: Vec<&str> = first["calendars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(calendars.len(), 2, "{first}");
    assert!(calendars.iter().any(|c| c.ends_with("/alice/work/")));
    // Booked: the review and the weekly calls ahead (30 Nov, 7 Dec). Held: the kickoff and
    // four weekly calls (2 to 23 November, the last over at 08:30).
    assert_eq!(counts(&first), (3, 5, 1, 1), "{first}");
    let step = &rk.json(&["show", &d])["record"]["next_step"];
    assert_eq!(
        (step["what"].as_str(), step["due"].as_str()),
        (Some("Meeting: Weekly"), Some("2026-11-30T08:00:00Z")),
        "the earliest meeting ahead is the next step, whatever the order read"
    );

    // Again, with everything remembered but the password: nothing new.
    let out = sync(&rk, NOW, &["--password-env", "DAV_PW"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts(&again), (0, 0, 0, 0), "{again}");
    let held = activities(&rk, &d)
        .iter()
        .filter(|a| a["outcome"] == "meeting_held")
        .count();
    assert_eq!(
        held, 6,
        "the walkthrough logged by hand, the kickoff (Priya's, on the account) and four weekly calls"
    );

    // A week on, the call of the 30th was held and the next one ahead takes its place.
    let out = sync(&rk, "2026-12-01T08:00:00Z", &["--password-env", "DAV_PW"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let week: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts(&week), (0, 1, 0, 0), "{week}");
    let step = &rk.json(&["show", &d])["record"]["next_step"];
    assert_eq!(
        (step["what"].as_str(), step["due"].as_str()),
        (
            Some("Meeting: Numbers review"),
            Some("2026-12-01T09:00:00Z")
        )
    );
    let stored = std::fs::read(&rk.db).unwrap();
    assert!(
        !stored
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes())
    );
}

/// A declined invitation to a meeting that is not the booked step: recorded as declined, the
/// booked step stays, and the summary says so rather than "1 cancelled".
#[test]
fn a_declined_invitation_is_counted_as_what_it_changed() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let dir = tempfile::tempdir().unwrap();
    let review = event(
        "review@seller.io",
        0,
        "20261201T090000Z",
        "20261201T100000Z",
        "Numbers review",
        "",
        &["dana@acme.example"],
    );
    let declined = event(
        "pricing@seller.io",
        0,
        "20261202T090000Z",
        "20261202T093000Z",
        "Pricing call",
        "ATTENDEE;PARTSTAT=DECLINED:mailto:dana@acme.example\r\n",
        &[],
    );
    let ics = file(dir.path(), "a.ics", &calendar(&[review, declined]));
    let path = ics.to_str().unwrap();
    let summary = rk.json(&["import", "calendar", path, "--me", "alex@seller.io"]);
    assert_eq!(summary["meetings_booked"], 1, "{summary}");
    assert_eq!(summary["meetings_cancelled"], 0, "{summary}");
    assert_eq!(summary["invitations_declined"], 1, "{summary}");
    assert_eq!(summary["steps_cancelled"], 0, "{summary}");
    let step = &rk.json(&["show", &d])["record"]["next_step"];
    assert_eq!(
        step["what"], "Meeting: Numbers review",
        "the booked step stays"
    );
    // The words say the same.
    let again = file(
        dir.path(),
        "b.ics",
        &calendar(&[event(
            "pricing2@seller.io",
            0,
            "20261202T140000Z",
            "20261202T143000Z",
            "Pricing call",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:dana@acme.example\r\n",
            &[],
        )]),
    );
    let out = rk.run(&["import", "calendar", again.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("0 cancelled, 1 declined (0 booked steps taken away)"),
        "{text}"
    );
}

/// A booked meeting moved, then declined in its new version: the step it was goes, wherever
/// the record had it.
#[test]
fn a_meeting_moved_then_declined_takes_its_booked_step_away() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let dir = tempfile::tempdir().unwrap();
    let booked = file(
        dir.path(),
        "a.ics",
        &calendar(&[event(
            "review@seller.io",
            0,
            "20261201T090000Z",
            "20261201T100000Z",
            "Numbers review",
            "",
            &["dana@acme.example"],
        )]),
    );
    rk.json(&[
        "import",
        "calendar",
        booked.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    let declined = file(
        dir.path(),
        "b.ics",
        &calendar(&[event(
            "review@seller.io",
            1,
            "20261203T090000Z",
            "20261203T100000Z",
            "Numbers review",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:dana@acme.example\r\n",
            &[],
        )]),
    );
    let summary = rk.json(&["import", "calendar", declined.to_str().unwrap()]);
    assert_eq!(summary["invitations_declined"], 1, "{summary}");
    assert_eq!(summary["steps_cancelled"], 1, "{summary}");
    let shown = rk.json(&["show", &d]);
    assert!(shown["record"]["next_step"].is_null(), "{shown}");
}

/// A calendar import speaks of events, whatever it found: none, or none about a deal.
#[test]
fn a_calendar_import_speaks_of_events_not_messages() {
    let rk = Rk::new();
    quiet_deal(&rk);
    let dir = tempfile::tempdir().unwrap();
    let empty = file(dir.path(), "empty.ics", &calendar(&[]));
    let out = rk.run(&[
        "import",
        "calendar",
        empty.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Read 0 calendar events"), "{text}");
    assert!(!text.contains("message"), "{text}");
    let stranger = file(
        dir.path(),
        "lunch.ics",
        &calendar(&[event(
            "lunch@seller.io",
            0,
            "20261124T120000Z",
            "20261124T130000Z",
            "Lunch",
            "",
            &["friend@gmail.com"],
        )]),
    );
    let out = rk.run(&["import", "calendar", stranger.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Read 1 calendar events"), "{text}");
    assert!(text.contains("1 events not matched"), "{text}");
    assert!(!text.contains("message"), "{text}");
}
