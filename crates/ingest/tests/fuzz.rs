//! No panic on any input, at every reader: message parsing (`parse`, `parse_filtered`), mbox
//! splitting (whole and in blocks of a few bytes), Maildir and folder reading on disk, and
//! iCalendar parsing and expansion. Arbitrary bytes and mutations of the real-mail set, the
//! field cases and `fuzz-corpus/`; outputs are checked bounded, and what is skipped says why.
//! See `../../core/tests/fuzzing/mod.rs` for the long run
//! (`REKINDLE_FUZZ_SECONDS=600 cargo test --profile fuzz -p rekindle-ingest --test fuzz`).

#[path = "../../core/tests/fuzzing/mod.rs"]
mod fuzzing;

use fuzzing::{Input, files, fuzz, has_extension, inputs, long_run, root, shared_cases};
use proptest::prelude::*;
use rekindle_ingest::calendar::{Window, parse_ics};
use rekindle_ingest::{parse, parse_filtered, read, split_mbox};
use std::path::Path;

fn corpus(extensions: &[&str]) -> Vec<(String, Vec<u8>)> {
    let keep = |p: &Path| has_extension(p, extensions);
    let mut all = files(
        &root().join("crates/ingest/tests/fuzz-corpus"),
        64 << 10,
        &keep,
    );
    if extensions.contains(&"eml") {
        // Every fourth message of the real-mail set: plenty of shapes, a quick start.
        let real = files(
            &root().join("crates/cli/eval/realmail/messages"),
            64 << 10,
            &keep,
        );
        all.extend(real.into_iter().step_by(if long_run() { 1 } else { 4 }));
    }
    if let Some(cases) = shared_cases() {
        all.extend(files(&cases, 128 << 10, &keep));
    }
    // Calendars nested thousands deep overflow the stack:
    // kept out until nesting is bounded, as an abort would end the whole run.
    all.retain(|(_, bytes)| memchr::memmem::find_iter(bytes, b"BEGIN:").count() <= NESTING_KEPT);
    assert!(all.len() >= 3, "the corpus for {extensions:?} is missing");
    all
}

/// The most components a corpus calendar may hold (see `deep_nesting`).
const NESTING_KEPT: usize = 200;

fn mail() -> impl Strategy<Value = Input> {
    inputs(corpus(&["eml", "mbox"]), 4096, 64 << 10)
}

/// A parsed message's parts are bounded by the input they came from.
fn bounded(message: &rekindle_core::mail::Message, input: &[u8]) {
    let limit = input.len() * 4 + 1024;
    assert!(!message.key.is_empty());
    assert!(message.subject.len() <= limit, "subject");
    assert!(message.text.len() <= limit, "text {}", message.text.len());
    assert!(message.references.len() + message.in_reply_to.len() <= input.len() + 2);
    assert!(message.to.len() + message.cc.len() + message.reply_to.len() <= input.len());
}

#[test]
fn messages() {
    fuzz("mail", 256, mail(), |input| {
        match parse(&input.bytes) {
            Ok(m) => bounded(&m, &input.bytes),
            Err(reason) => assert!(!reason.is_empty()),
        }
        match parse_filtered(&input.bytes, &|_| false) {
            Ok(m) => bounded(&m, &input.bytes),
            Err(reason) => assert!(!reason.is_empty()),
        }
    });
}

fn split_all(bytes: &[u8], block: usize) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::new();
    split_mbox(bytes, block, |offset, m| out.push((offset, m.into_owned()))).unwrap();
    out
}

#[test]
fn mbox_splitting() {
    let strategy = (inputs(corpus(&["mbox", "eml"]), 2048, 16 << 10), 1..64usize);
    fuzz("mbox", 256, strategy, |(input, block)| {
        let whole = split_all(&input.bytes, 8 << 20);
        let total: usize = whole.iter().map(|(_, m)| m.len()).sum();
        assert!(total <= input.bytes.len());
        for (offset, message) in &whole {
            let at = &input.bytes[*offset as usize..];
            assert!(at.starts_with(b"From "), "offset {offset}");
            assert!(message.len() <= at.len());
        }
        assert_eq!(split_all(&input.bytes, block), whole, "blocks of {block}");
    });
}

#[test]
fn mail_files_and_folders() {
    // Few cases: each writes files and reads them back.
    let strategy = proptest::collection::vec(inputs(corpus(&["eml", "mbox"]), 1024, 8 << 10), 1..5);
    fuzz("folders", 48, strategy, |inputs| {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("Maildir");
        for sub in ["cur", "new", ".Sent/cur", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
        }
        let folder = dir.path().join("Export.mbox");
        std::fs::create_dir_all(folder.join("nested")).unwrap();
        for (i, input) in inputs.iter().enumerate() {
            let maildir_file = ["cur", "new", ".Sent/cur"][i % 3];
            std::fs::write(
                maildir.join(maildir_file).join(format!("{i}:2,S")),
                &input.bytes,
            )
            .unwrap();
            std::fs::write(folder.join("nested").join(format!("{i}.eml")), &input.bytes).unwrap();
            std::fs::write(folder.join(format!("mbox{i}")), &input.bytes).unwrap();
        }
        let total: usize = inputs.iter().map(|i| i.bytes.len()).sum();
        for path in [maildir.clone(), folder.clone(), folder.join("mbox0")] {
            let _ = rekindle_ingest::check(&path);
            let _ = rekindle_ingest::source_bytes(&path);
            match read(&path, |m| bounded(&m, &vec![0; total * 2])) {
                Ok(summary) => {
                    assert!(summary.bytes <= 2 * total as u64 + 3);
                    for skipped in &summary.skipped {
                        assert!(!skipped.origin.is_empty() && !skipped.reason.is_empty());
                    }
                }
                Err(e) => assert!(
                    e.to_string().contains("Export.mbox") || e.to_string().contains("Maildir"),
                    "{e}"
                ),
            }
        }
    });
}

fn window() -> Window {
    Window {
        from: "2026-11-01T00:00:00Z".parse().unwrap(),
        to: "2027-01-01T00:00:00Z".parse().unwrap(),
    }
}

/// Recurrences by the second or minute: a `FREQ=SECONDLY` rule from 1900 (the shared case
/// `F11_secondly_1900.ics`) ran past the long run's 20 s limit per case. Their expansion is
/// being bounded; until then they are
/// left out, as one hang ends the run.
fn sub_daily(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    upper.contains("SECONDLY") || upper.contains("MINUTELY")
}

/// Inputs that reach a panic already recorded below, left out of the runs until it is fixed
/// (one panic ends a target's run): an organizer or attendee value with a character of several
/// bytes (`mailto_non_ascii`), a recurrence rule with one (`rrule_non_ascii`).
fn known_panic(text: &str) -> bool {
    let unfolded = text
        .replace("\r\n ", "")
        .replace("\r\n\t", "")
        .replace("\n ", "")
        .replace("\n\t", "");
    unfolded.lines().any(|l| {
        let upper = l.to_ascii_uppercase();
        ["ORGANIZER", "ATTENDEE", "RULE", "RDATE", "EXDATE"]
            .iter()
            .any(|k| upper.contains(k))
            && !l.is_ascii()
    })
}

#[test]
fn calendars() {
    let mut calendars = corpus(&["ics"]);
    calendars.retain(|(_, bytes)| !sub_daily(&String::from_utf8_lossy(bytes)));
    let strategy = inputs(calendars, 1024, 32 << 10);
    fuzz("calendar", 192, strategy, |input| {
        let text = input.text();
        if sub_daily(&text) || known_panic(&text) {
            return;
        }
        let read = parse_ics("fuzz.ics", &text, window());
        assert!(read.skipped.len() <= read.events + 1);
        // Each event gives at most its cap of occurrences (400), plus its moved instances.
        assert!(
            read.occurrences.len() <= read.events * 401,
            "{}",
            read.occurrences.len()
        );
        for skipped in &read.skipped {
            assert!(skipped.origin.starts_with("fuzz.ics") && !skipped.reason.is_empty());
        }
        for o in &read.occurrences {
            let _ = format!("{o:?}");
        }
    });
}

/// Found by the long run (seed 17551401341500667748, one bit flipped in `meeting.ics`): an
/// address whose seventh byte falls inside a character panics in `calendar.rs`, which slices
/// `value[..7]` to compare it with `mailto:` ("end byte index 7 is not a char boundary").
#[test]
fn mailto_non_ascii() {
    let text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a@x\nDTSTAMP:20261110T090000Z\nDTSTART:20261203T140000Z\nORGANIZER:mailt\u{FFFD}:dana@acme.example\nATTENDEE:ab\u{20AC}\u{20AC}@acme.example\nEND:VEVENT\nEND:VCALENDAR\n";
    let read = parse_ics("address.ics", text, window());
    assert_eq!(read.events, 1);
}

/// Found by the long run (seed 13046733014686803844, a byte flipped in `weekly.ics`): a
/// `BYDAY` value with a character of several bytes panics in the rrule crate (0.14.0,
/// `NWeekday::from_str` slices the last two bytes: "start byte index 3 is not a char
/// boundary"), reached through `icalendar`'s `get_recurrence` in `calendar.rs`. The reader
/// should refuse a non-ASCII rule before handing it over.
#[test]
fn rrule_non_ascii() {
    let text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:w@x\nDTSTAMP:20261101T090000Z\nDTSTART:20261102T100000Z\nRRULE:FREQ=WEEKLY;COUNT=10;BYDAY=M\u{FFFD}O,TH\nEND:VEVENT\nEND:VCALENDAR\n";
    let read = parse_ics("rule.ics", text, window());
    assert_eq!(read.events, 1);
    assert!(read.occurrences.is_empty());
    assert!(
        read.skipped.iter().any(|s| s.reason.contains("RFC 5545")),
        "{:?}",
        read.skipped
    );
}

/// The shared case `F11_secondly_1900.ics`, found slow by the long run (see `sub_daily`).
#[test]
fn secondly_from_1900() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:s2\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:19000101T000000Z\r\nDTEND:19000101T000001Z\r\nSUMMARY:Sync\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let started = std::time::Instant::now();
    let read = parse_ics("secondly.ics", text, window());
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert!(read.occurrences.len() <= 400);
}

/// Found by the long run with the shared case `F12_nested3000.ics`: 3,000 nested `VALARM`s in
/// an event overflow the stack and abort the process. The
/// parser is being changed elsewhere; this records the input until nesting is bounded.
#[test]
fn deep_nesting() {
    let depth = 3000;
    let text = format!(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:n@x\nDTSTART:20261203T140000Z\n{}{}END:VEVENT\nEND:VCALENDAR\n",
        "BEGIN:VALARM\n".repeat(depth),
        "END:VALARM\n".repeat(depth)
    );
    let read = parse_ics("nested.ics", &text, window());
    assert!(read.events <= 1);
}
