//! `import mail` and `import calendar` on the layouts real mail programs write: the field cases
//! 07 (Thunderbird mbox with an unescaped "From "), 08 (Apple Mail export package) and 09
//! (Outlook invite with a Windows time-zone name), and an import of several paths where one is
//! bad. People and addresses are invented.

mod common;

use common::{Rk, field_pipeline, file};
use serde_json::Value;

const NOW: &str = "2026-11-24T20:00:00Z";

/// The field cases' pipeline: one deal, one contact.
fn pipeline(rk: &Rk, account: &str, domain: &str, name: &str, email: &str) {
    field_pipeline(rk, NOW, account, domain, "2026-10-01", &[(name, email)]);
}

fn record(rk: &Rk) -> Value {
    rk.json(&["--now", NOW, "show", "D1"])["record"].clone()
}

fn eml(id: &str, from: &str, to: &str, subject: &str, date: &str, body: &str) -> String {
    format!(
        "From: {from}\nTo: {to}\nSubject: {subject}\nDate: {date}\nMessage-ID: <{id}>\nContent-Type: text/plain; charset=us-ascii\n\n{body}\n"
    )
}

const ALEX: &str = "Alex Morgan <alex@seller.example>";
const DANA: &str = "Dana Reyes <dana.reyes@northwind-freight.example>";

#[test]
fn field_07_an_unescaped_from_line_does_not_cut_the_reply() {
    let rk = Rk::new();
    pipeline(
        &rk,
        "Northwind Freight",
        "northwind-freight.example",
        "Dana Reyes",
        "dana.reyes@northwind-freight.example",
    );
    let dir = tempfile::tempdir().unwrap();
    let mbox = format!(
        "From - Tue Nov 24 17:00:00 2026\nX-Mozilla-Status: 0001\n{}\nFrom - Tue Nov 24 17:05:12 2026\nX-Mozilla-Status: 0001\nIn-Reply-To: <pilot-scope-6@seller.example>\n{}",
        eml(
            "pilot-scope-6@seller.example",
            ALEX,
            DANA,
            "Pilot scope for the yard management rollout",
            "Tue, 17 Nov 2026 09:00:00 -0800",
            "Hi Dana,\n\nAttached is the pilot scope with the two sites we discussed.\n\nAlex\n"
        ),
        eml(
            "b71c2e90-3f1d@northwind-freight.example",
            DANA,
            ALEX,
            "Re: Pilot scope for the yard management rollout",
            "Tue, 24 Nov 2026 09:04:51 -0800",
            "Hi Alex,\n\nThanks for pulling the scope together so quickly.\nFrom our side the decision is made: we signed with another vendor last\nweek, so please close this out on your end. No need to follow up.\n\nBest,\nDana"
        )
    );
    let path = file(dir.path(), "Inbox", &mbox);
    let summary = rk.json(&[
        "--now",
        NOW,
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    assert_eq!(summary["read"], 2, "{summary}");
    assert_eq!(
        (summary["touches"].as_u64(), summary["replies"].as_u64()),
        (Some(1), Some(1))
    );
    let replies = rk.json(&["--now", NOW, "replies", "list", "--all"]);
    let reply = &replies[0];
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .contains("we signed with another vendor"),
        "the reply is read whole: {reply}"
    );
    // What the field case expects of the whole pipeline.
    assert_eq!(reply["class"], "lost", "{reply}");
    let deal = &record(&rk)["deal"];
    assert_eq!(deal["status"], "lost", "{deal}");
    assert_eq!(deal["loss"]["reason"], "competitor", "{deal}");
}

#[test]
fn field_08_an_apple_mail_export_package_is_read() {
    let rk = Rk::new();
    pipeline(
        &rk,
        "Northwind Freight",
        "northwind-freight.example",
        "Dana Reyes",
        "dana.reyes@northwind-freight.example",
    );
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("Northwind.mbox");
    std::fs::create_dir_all(&package).unwrap();
    file(
        &package,
        "mbox",
        &format!(
            "From alex@seller.example Tue Nov 17 17:00:00 2026\n{}\nFrom dana.reyes@northwind-freight.example Tue Nov 24 17:04:51 2026\nIn-Reply-To: <pilot-scope-7@seller.example>\n{}",
            eml(
                "pilot-scope-7@seller.example",
                ALEX,
                DANA,
                "Pilot scope",
                "Tue, 17 Nov 2026 09:00:00 -0800",
                "Hi Dana,\n\nAttached is the pilot scope.\n\nAlex"
            ),
            eml(
                "apple-reply@northwind-freight.example",
                DANA,
                ALEX,
                "Re: Pilot scope",
                "Tue, 24 Nov 2026 09:04:51 -0800",
                "Hi Alex, the scope works for us. Can you join a call with our CFO on Thursday?"
            )
        ),
    );
    std::fs::write(package.join("table_of_contents"), b"bplist00\xd1\x01\x02").unwrap();
    let summary = rk.json(&[
        "--now",
        NOW,
        "import",
        "mail",
        package.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    assert_eq!(summary["read"], 2, "{summary}");
    assert_eq!(summary["files_not_mail"], 1, "{summary}");
    assert_eq!(record(&rk)["activities"].as_array().unwrap().len(), 2);
}

const OUTLOOK_INVITE: &str = "BEGIN:VCALENDAR\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
VERSION:2.0\r
METHOD:REQUEST\r
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16011028T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010325T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
ATTENDEE;CN=\"Lena Vogt\";RSVP=TRUE:mailto:lena.vogt@hafenwerk.example\r
ATTENDEE;CN=\"Alex Morgan\";RSVP=TRUE:mailto:alex@seller.example\r
DTEND;TZID=\"W. Europe Standard Time\":20261203T150000\r
DTSTAMP:20261124T091500Z\r
DTSTART;TZID=\"W. Europe Standard Time\":20261203T140000\r
ORGANIZER;CN=\"Lena Vogt\":mailto:lena.vogt@hafenwerk.example\r
SEQUENCE:0\r
SUMMARY;LANGUAGE=de-de:Pilot scope review - Hafenwerk / Seller\r
UID:040000008200E00074C5B7101A82E00800000000F0A1B2C3D4E5DB01\r
END:VEVENT\r
END:VCALENDAR\r
";

#[test]
fn field_09_an_outlook_invite_with_a_windows_zone_books_the_step_then_a_cancel_removes_it() {
    let rk = Rk::new();
    pipeline(
        &rk,
        "Hafenwerk Logistik",
        "hafenwerk.example",
        "Lena Vogt",
        "lena.vogt@hafenwerk.example",
    );
    let dir = tempfile::tempdir().unwrap();
    let invite = file(dir.path(), "invite.ics", OUTLOOK_INVITE);
    let summary = rk.json(&[
        "--now",
        NOW,
        "import",
        "calendar",
        invite.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    assert_eq!(summary["meetings_booked"], 1, "{summary}");
    let step = &record(&rk)["next_step"];
    assert_eq!(step["due"], "2026-12-03T13:00:00Z", "{step}");
    assert_eq!(step["booked"], true);

    // Outlook's cancellation: METHOD:CANCEL, a higher SEQUENCE, no STATUS line.
    let cancel = OUTLOOK_INVITE
        .replace("METHOD:REQUEST", "METHOD:CANCEL")
        .replace("SEQUENCE:0", "SEQUENCE:1");
    let cancel = file(dir.path(), "cancel.ics", &cancel);
    let summary = rk.json(&["--now", NOW, "import", "calendar", cancel.to_str().unwrap()]);
    assert_eq!(summary["meetings_cancelled"], 1, "{summary}");
    let step = &record(&rk)["next_step"];
    assert!(step.is_null() || step["booked"] != true, "{step}");
}

#[test]
fn an_import_with_one_bad_path_imports_nothing_and_keeps_the_remembered_addresses() {
    let rk = Rk::new();
    pipeline(
        &rk,
        "Northwind Freight",
        "northwind-freight.example",
        "Dana Reyes",
        "dana.reyes@northwind-freight.example",
    );
    let dir = tempfile::tempdir().unwrap();
    let touch = |name: &str, id: &str| {
        file(
            dir.path(),
            name,
            &eml(
                id,
                ALEX,
                DANA,
                "Pilot scope",
                "Tue, 17 Nov 2026 09:00:00 -0800",
                "Hi Dana,\n\nAttached is the pilot scope.\n\nAlex",
            ),
        )
    };
    let first = touch("first.eml", "t1@seller.example");
    let second = touch("second.eml", "t2@seller.example");
    rk.json(&[
        "--now",
        NOW,
        "import",
        "mail",
        first.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    assert_eq!(record(&rk)["activities"].as_array().unwrap().len(), 1);

    let missing = dir.path().join("missing.mbox");
    let not_mail = file(dir.path(), "notes.pdf", "%PDF-1.7\n");
    for bad in [&missing, &not_mail] {
        let err = rk.fails(&[
            "--now",
            NOW,
            "import",
            "mail",
            second.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--me",
            "someone-else@other.example",
        ]);
        let name = bad.file_name().unwrap().to_str().unwrap();
        assert!(err.contains(name), "the bad path is named: {err}");
        assert!(err.contains("nothing was imported"), "{err}");
        assert_eq!(
            record(&rk)["activities"].as_array().unwrap().len(),
            1,
            "the good path before it was not imported either"
        );
    }

    // The remembered address is still Alex's: his message is read as a touch.
    let summary = rk.json(&["--now", NOW, "import", "mail", second.to_str().unwrap()]);
    assert_eq!(summary["touches"], 1, "{summary}");

    // Calendars too.
    let invite = file(dir.path(), "invite.ics", OUTLOOK_INVITE);
    let err = rk.fails(&[
        "--now",
        NOW,
        "import",
        "calendar",
        invite.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert!(err.contains("missing.mbox"), "{err}");
    assert!(record(&rk)["next_step"]["booked"] != true);
    let err = rk.fails(&["--now", NOW, "import", "calendar", second.to_str().unwrap()]);
    assert!(
        err.contains("second.eml") && err.contains("iCalendar"),
        "{err}"
    );
}

#[test]
fn a_folder_read_recursively_reports_what_it_passed_over() {
    let rk = Rk::new();
    pipeline(
        &rk,
        "Northwind Freight",
        "northwind-freight.example",
        "Dana Reyes",
        "dana.reyes@northwind-freight.example",
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("Maildir");
    for sub in ["cur", ".Sent/cur"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    file(
        &root.join(".Sent/cur"),
        "1.host:2,S",
        &eml(
            "s1@seller.example",
            ALEX,
            DANA,
            "Pilot scope",
            "Tue, 17 Nov 2026 09:00:00 -0800",
            "Hi Dana,\n\nAttached is the pilot scope.\n\nAlex",
        ),
    );
    file(&root, "dovecot-uidlist", "3 V1 N2\n");
    let summary = rk.json(&[
        "--now",
        NOW,
        "import",
        "mail",
        root.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    assert_eq!(summary["touches"], 1, "{summary}");
    assert_eq!(summary["files_not_mail"], 1, "{summary}");
    let out = rk.run(&["--now", NOW, "import", "mail", root.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 files passed over: not mail"), "{text}");
}
