//! Input parsed or refused at the edge: amounts as people write them, read into cents in the
//! right currency, and blank text, each refused saying why with nothing changed.

mod common;

use common::*;

fn add(rk: &Rk, amount: &str) -> std::process::Output {
    rk.run(&[
        "deal",
        "add",
        "--title",
        "Pilot",
        "--account",
        "Acme",
        "--owner",
        "Alex",
        "--stage",
        "proposal",
        "--amount",
        amount,
    ])
}

#[test]
fn a_bare_amount_is_in_the_currency_set_at_init_and_written_ones_keep_theirs() {
    let rk = Rk::new();
    let init = rk.json(&["init", "--currency", "eur"]);
    assert_eq!(init["currency"], "EUR");
    for amount in [
        "48.000",
        "€48.000,50",
        "48,000€",
        "48 000",
        "CHF 1'250.50",
        "48,5k",
    ] {
        assert!(add(&rk, amount).status.success(), "{amount}");
    }
    let list = rk.json(&["deal", "list"]);
    let amounts: Vec<(i64, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["amount"]["cents"].as_i64().unwrap(),
                d["amount"]["currency"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        amounts,
        [
            (4_800_000, "EUR"),
            (4_800_050, "EUR"),
            (4_800_000, "EUR"),
            (4_800_000, "EUR"),
            (125_050, "CHF"),
            (4_850_000, "EUR"),
        ]
    );
}

#[test]
fn an_unknown_currency_or_a_misgrouped_amount_is_refused_and_changes_nothing() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let before = rk.snapshot();
    let err = rk.fails(&[
        "deal",
        "add",
        "--title",
        "Pilot",
        "--account",
        "Acme",
        "--owner",
        "Alex",
        "--stage",
        "proposal",
        "--amount",
        "48000 XYZ",
    ]);
    assert!(err.contains("ISO 4217") && err.contains("XYZ"), "{err}");
    let err = rk.fails(&[
        "deal",
        "add",
        "--title",
        "Pilot",
        "--account",
        "Acme",
        "--owner",
        "Alex",
        "--stage",
        "proposal",
        "--amount",
        "1,25,000",
    ]);
    assert!(err.contains("grouped in threes"), "{err}");
    let err = rk.fails(&["init", "--currency", "ZZZ"]);
    assert!(err.contains("currency"), "{err}");
    assert_eq!(rk.snapshot(), before);
    assert_eq!(rk.json(&["init"])["currency"], "USD");
}

#[test]
fn blank_text_is_refused_naming_the_field_and_changes_nothing() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let before = rk.snapshot();
    let blank = "  \t ";
    for (args, field) in [
        (
            vec![
                "deal",
                "add",
                "--title",
                blank,
                "--account",
                "Acme",
                "--owner",
                "Alex",
                "--stage",
                "proposal",
                "--amount",
                "5000",
            ],
            "--title",
        ),
        (
            vec![
                "deal",
                "add",
                "--title",
                "T",
                "--account",
                "",
                "--owner",
                "Alex",
                "--stage",
                "proposal",
                "--amount",
                "5000",
            ],
            "--account",
        ),
        (
            vec![
                "deal",
                "add",
                "--title",
                "T",
                "--account",
                "Acme",
                "--owner",
                blank,
                "--stage",
                "proposal",
                "--amount",
                "5000",
            ],
            "--owner",
        ),
        (
            vec!["contact", "add", "--deal", &d, "--name", blank],
            "--name",
        ),
        (
            vec!["next-step", &d, blank, "--due", "2026-12-01"],
            "<WHAT>",
        ),
        (
            vec!["commit", &d, "--what", "", "--due", "2026-12-01"],
            "--what",
        ),
        (vec!["fact", &d, "problem", blank], "<TEXT>"),
    ] {
        let err = rk.fails(&args);
        assert!(
            err.contains(field) && err.contains("blank"),
            "{args:?}: {err}"
        );
    }
    let body = file(rk.db.parent().unwrap(), "empty.txt", "\n  \n");
    let err = rk.fails(&["log", "email", &d, "--body-file", body.to_str().unwrap()]);
    assert!(err.contains("empty.txt") && err.contains("empty"), "{err}");
    assert_eq!(rk.snapshot(), before);
}

#[test]
fn numbers_and_dates_out_of_range_and_control_characters_are_refused_at_the_edge() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let before = rk.snapshot();
    for (args, why) in [
        (
            vec![
                "deal",
                "contract",
                &d,
                "--vendor",
                "V",
                "--ends",
                "2027-01-01",
                "--notice-days",
                "7304485",
            ],
            "from 0 to 3650",
        ),
        (
            vec!["policy", "set", "revive_fresh_days", "99999999"],
            "from 0 to 36500",
        ),
        (
            vec!["policy", "set", "stage.demo.rot_days", "99999999"],
            "from 1 to 36500",
        ),
        (
            vec!["next-step", &d, "review", "--due", "9999-12-31"],
            "between 1900-01-01 and 2199-12-31",
        ),
        (
            vec!["log", "call", &d, "--at", "9999-12-31T23:00:00Z"],
            "between 1900-01-01 and 2199-12-31",
        ),
        (
            vec!["scan", "--now", "9999-12-31"],
            "between 1900-01-01 and 2199-12-31",
        ),
        (
            vec![
                "contact",
                "add",
                "--deal",
                &d,
                "--name",
                "Dana\r\nBcc: x@evil.example",
            ],
            "control characters",
        ),
        (
            vec![
                "deal",
                "add",
                "--title",
                "Acme\nfake",
                "--account",
                "A",
                "--owner",
                "O",
                "--stage",
                "demo",
                "--amount",
                "1",
            ],
            "one line",
        ),
        // Every other text a table or a header shows: a contact's title, a logged summary,
        // the source of a fact or a commitment, an event's source, a domain.
        (
            vec![
                "contact",
                "add",
                "--deal",
                &d,
                "--name",
                "Kim",
                "--title",
                "X\u{1b}[31mRED",
            ],
            "control characters",
        ),
        (
            vec!["log", "note", &d, "--summary", "a\u{1b}[2Jb"],
            "control characters",
        ),
        (
            vec!["fact", &d, "problem", "ok", "--source", "call\nBcc: x"],
            "one line",
        ),
        (
            vec!["commit", &d, "--what", "send it", "--source", "x\u{7}"],
            "control characters",
        ),
        (
            vec![
                "event",
                "add",
                "--account",
                "A",
                "--kind",
                "funding",
                "--source",
                "x\ry",
            ],
            "control characters",
        ),
        (
            vec![
                "deal",
                "add",
                "--title",
                "T",
                "--account",
                "New",
                "--domain",
                "new.example\u{1b}]0;t\u{7}",
                "--owner",
                "O",
                "--stage",
                "demo",
                "--amount",
                "1",
            ],
            "control characters",
        ),
        (
            vec![
                "deal",
                "add",
                "--title",
                "T",
                "--account",
                "A",
                "--owner",
                "O",
                "--stage",
                "demo",
                "--amount",
                "-5",
            ],
            "non-negative",
        ),
    ] {
        let err = rk.fails(&args);
        assert!(err.contains(why), "{args:?}: {err}");
        assert!(!err.contains('\u{1b}'), "an escape echoed raw: {err:?}");
    }
    assert_eq!(rk.snapshot(), before);
    rk.json(&["show", &d]);
}

#[test]
fn a_csv_with_a_quote_never_closed_is_refused_and_lines_are_counted_across_quoted_breaks() {
    let rk = Rk::new();
    rk.json(&["init"]);
    deal_with_contact(&rk, "Acme", "5000", "Dana Reyes", "dana@acme.example", &[]);
    let dir = rk.db.parent().unwrap();
    let open = file(
        dir,
        "open.csv",
        "account,contact,kind,date,source,note\nAcme,,funding,2026-11-18,crunchbase,\"Series B\nAcme,,news,2026-11-19,x,y\n",
    );
    let err = rk.fails(&["event", "import", open.to_str().unwrap()]);
    assert!(
        err.contains("open.csv line 2") && err.contains("never closed"),
        "{err}"
    );
    // A quoted note over two lines is fine; the bad date after it is on line 4 of the file.
    let multi = file(
        dir,
        "multi.csv",
        "account,contact,kind,date,source,note\nAcme,,funding,2026-11-18,crunchbase,\"Series B,\n\"\"led by X\"\"\"\nAcme,,news,2026-13-45,x,y\n",
    );
    let err = rk.fails(&["event", "import", multi.to_str().unwrap()]);
    assert!(err.contains("multi.csv line 4, field date"), "{err}");
    let good = file(
        dir,
        "good.csv",
        "account,contact,kind,date,source,note\nAcme,,funding,2026-11-18,crunchbase,\"Series B,\n\"\"led by X\"\"\"\nAcme,,news,2026-11-19,x,y\n",
    );
    let out = rk.json(&["event", "import", good.to_str().unwrap()]);
    assert_eq!(out["added"], 2, "{out}");
}

#[cfg(unix)]
#[test]
fn a_pipe_given_as_a_file_is_refused_at_once_never_waited_on() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let fifo = rk.db.with_file_name("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let p = fifo.to_str().unwrap();
    let maildir = rk.db.with_file_name("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    for args in [
        vec!["import", "mail", p, "--me", "alex@seller.example"],
        vec!["import", "calendar", p, "--me", "alex@seller.example"],
        vec!["event", "import", p],
        vec!["replies", "classify", p],
    ] {
        // A hang would block here: the test harness's timeout is the guard.
        let err = rk.fails(&args);
        assert!(
            err.contains("pipe") || err.contains("regular file"),
            "{args:?}: {err}"
        );
    }
    // An empty Maildir is a mailbox with nothing in it yet, not an error.
    rk.json(&[
        "import",
        "mail",
        maildir.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
}

/// Dates outside the accepted range that arrive in imported mail or calendars are skipped
/// naming the file and the record, never stored on a guessed day: the deal's record is as
/// before, and every command that reads it runs.
#[test]
fn imported_dates_outside_the_range_are_skipped_naming_the_file_and_record() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_with_contact(
        &rk,
        "Initech",
        "$30k",
        "Bill Lumbergh",
        "bill@initech.example",
        &[],
    );
    rk.json(&["log", "email", &d, "--contact", "C1", "--at", "2026-11-02"]);
    let before = rk.snapshot();
    let dir = tempfile::tempdir().unwrap();
    let mbox = file(
        dir.path(),
        "far.mbox",
        &mbox_message(
            "far-future@initech.example",
            "From: Bill Lumbergh <bill@initech.example>\nTo: alex@seller.example\nSubject: Re: rollout",
            "Mon, 01 Jan 2400 09:00:00 +0000",
            "Yeah, let's keep going.",
        ),
    );
    let out = rk.json(&[
        "import",
        "mail",
        mbox.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    let skipped = out["skipped"].to_string();
    assert!(
        skipped.contains("far.mbox") && skipped.contains("far-future@initech.example"),
        "{out}"
    );
    let ics = file(
        dir.path(),
        "far.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:distant-review\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:25000601\r\nSUMMARY:Review\r\nORGANIZER:mailto:alex@seller.example\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bill@initech.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let out = rk.json(&[
        "import",
        "calendar",
        ics.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    let skipped = out["skipped"].to_string();
    assert!(
        skipped.contains("far.ics")
            && skipped.contains("distant-review")
            && skipped.contains("DTSTART"),
        "{out}"
    );
    assert_eq!(rk.snapshot(), before);
    for command in [
        &["show", &d][..],
        &["scan"],
        &["today"],
        &["revive"],
        &["draft", &d],
    ] {
        let out = rk.run(command);
        assert!(
            out.status.success(),
            "{command:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Input that is likely a slip is accepted but warned about, on standard error and in
/// `--json` as a `warnings` array: a next step on a weekend, a due date already past, an
/// activity logged as held on a day still to come. Confirmations give dates with their year.
#[test]
fn likely_slips_are_accepted_with_a_warning_and_dates_echo_their_year() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let warned = |args: &[&str], expected: &[&str]| {
        let mut all = args.to_vec();
        all.push("--json");
        let out = rk.run(&all);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{args:?}: {err}");
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let warnings = value["warnings"].as_array().unwrap().clone();
        assert_eq!(warnings.len(), expected.len(), "{args:?}: {warnings:?}");
        for (w, e) in warnings.iter().zip(expected) {
            assert!(w.as_str().unwrap().contains(e), "{args:?}: {w}");
            assert!(
                err.contains(&format!("warning: {}", w.as_str().unwrap())),
                "{err}"
            );
        }
    };
    // NOW is Monday 23 November 2026.
    warned(
        &["next-step", &d, "workshop", "--due", "2026-12-06"],
        &["Sun 6 Dec 2026 falls on a weekend"],
    );
    warned(&["next-step", &d, "workshop", "--due", "2026-12-07"], &[]);
    warned(
        &["next-step", &d, "workshop", "--due", "2026-11-21"],
        &["Sat 21 Nov 2026 is already past", "falls on a weekend"],
    );
    warned(
        &[
            "commit",
            &d,
            "--what",
            "send the security review",
            "--due",
            "2026-10-30",
        ],
        &["Fri 30 Oct 2026 is already past"],
    );
    warned(
        &[
            "commit",
            &d,
            "--what",
            "send the security review",
            "--due",
            "2026-11-28",
        ],
        &[],
    );
    warned(
        &["log", "meeting", &d, "--at", "2026-11-30T15:00:00Z"],
        &["Mon 30 Nov 2026 is still to come"],
    );
    warned(&["log", "call", &d, "--at", "2026-11-20T15:00:00Z"], &[]);
    let out = rk.run(&["commit", &d, "--what", "pilot plan", "--due", "2027-01-08"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Fri 8 Jan 2027"));
    let out = rk.run(&["next-step", &d, "pilot", "--due", "2027-01-11"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Mon 11 Jan 2027"));
}
