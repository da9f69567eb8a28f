//! The `rekindle` binary end to end, on a real SQLite database in a temp folder.

use serde_json::Value;
use std::process::{Command, Stdio};

mod common;

use common::*;

#[test]
fn a_rep_records_a_deal_and_the_engine_sees_it_go_dark() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let scan = rk.json(&["scan"]);
    let row = &scan.as_array().unwrap()[0];
    assert_eq!(row["deal_id"].as_i64().unwrap().to_string(), d);
    assert_eq!(row["state"], "dark");
    assert_eq!(row["next_action"]["play"], "accountability");
    let kinds: Vec<&str> = row["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"commitment_broken") && kinds.contains(&"next_step_passed"),
        "{kinds:?}"
    );

    let today = rk.json(&["today"]);
    assert_eq!(today.as_array().unwrap().len(), 1);

    let draft = rk.json(&["draft", &d]);
    assert_eq!(draft["play"], "accountability");
    let body = draft["body"].as_str().unwrap();
    assert!(
        body.contains("\"our dispatchers rebuild the schedule by hand every morning\""),
        "{body}"
    );
    assert!(
        body.contains("run the numbers with finance by Thu 12 Nov"),
        "{body}"
    );
    // Written to whoever last engaged: Priya, at the proposal walkthrough.
    assert_eq!(draft["to"]["email"], "priya@acme.example");

    let shown = rk.run(&["show", &d]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains("commitment_broken") && text.contains("Next: accountability"),
        "{text}"
    );
}

#[test]
fn the_sequence_ends_with_a_breakup_and_a_proposal_to_close_that_the_rep_confirms() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    rk.json(&[
        "log",
        "email",
        &d,
        "--contact",
        "Dana",
        "--at",
        "2026-11-21",
        "--play",
        "accountability",
    ]);
    assert_eq!(rk.json(&["draft", &d])["play"], "breakup");
    rk.json(&[
        "log",
        "email",
        &d,
        "--contact",
        "Dana",
        "--at",
        "2026-11-23T08:00:00Z",
        "--play",
        "breakup",
    ]);
    assert!(rk.fails(&["draft", &d]).contains("wait for the answer"));
    // Eight days later, still nothing: the engine proposes closing; the deal stays open.
    let later = rk.run(&["--now", "2026-12-01T09:00:00Z", "scan", "--json"]);
    let scan: Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(scan[0]["next_action"]["close"]["reason"], "unresponsive");
    assert_eq!(
        scan[0]["next_action"]["close"]["resurface_on"],
        "2027-03-01"
    );
    let list = rk.json(&["deal", "list"]);
    assert_eq!(list[0]["status"], "open");
    rk.json(&[
        "close",
        &d,
        "--lost",
        "--reason",
        "unresponsive",
        "--resurface",
        "2027-03-01",
    ]);
    assert_eq!(
        rk.json(&["deal", "list", "--status", "lost"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(rk.json(&["scan"]).as_array().unwrap().is_empty());
    rk.json(&["close", &d, "--reopen"]);
    assert_eq!(rk.json(&["scan"]).as_array().unwrap().len(), 1);
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let before = rk.snapshot();
    let cases: &[(&[&str], &str)] = &[
        (&["log", "email", "D999"], "no deal D999"),
        (
            &["log", "email", &d, "--at", "yesterday-ish"],
            "bad --at \"yesterday-ish\"",
        ),
        (&["log", "fax", &d], "bad activity kind \"fax\""),
        (
            &["log", "email", &d, "--contact", "nobody@acme.example"],
            "no contact",
        ),
        (
            &[
                "deal",
                "add",
                "--title",
                "x",
                "--account",
                "A",
                "--owner",
                "o",
                "--stage",
                "closing",
                "--amount",
                "5",
            ],
            "bad stage \"closing\"",
        ),
        (
            &[
                "deal",
                "add",
                "--title",
                "x",
                "--account",
                "A",
                "--owner",
                "o",
                "--stage",
                "demo",
                "--amount",
                "five grand",
            ],
            "bad amount \"five grand\"",
        ),
        (&["deal", "stage", &d, "signed"], "bad stage \"signed\""),
        (&["fact", &d, "vibes", "good"], "bad fact kind \"vibes\""),
        (
            &["commit", &d, "--what", "x", "--due", "2026-13-01"],
            "bad --due",
        ),
        (
            &["close", &d, "--lost", "--reason", "aliens"],
            "bad lost reason \"aliens\"",
        ),
        (
            &["contact", "add", "--account", "Nope Inc", "--name", "X"],
            "no account Nope Inc",
        ),
        (
            &[
                "contact",
                "add",
                "--account",
                "Acme",
                "--name",
                "X",
                "--email",
                "not-an-address",
            ],
            "bad email",
        ),
        (
            &[
                "contact",
                "add",
                "--account",
                "Acme",
                "--name",
                "Dup",
                "--email",
                "dana@acme.example",
            ],
            "already belongs to contact",
        ),
        (
            &["draft", &d, "--play", "serenade"],
            "bad play \"serenade\"",
        ),
        (&["--now", "tomorrow", "scan"], "bad --now"),
    ];
    for (args, expected) in cases {
        let err = rk.fails(args);
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?} in {err:?}"
        );
    }
    assert!(
        rk.snapshot() == before,
        "a failed command changed the database"
    );
}

#[test]
fn do_not_contact_is_respected_by_drafts() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    rk.json(&["contact", "dnc", "C2"]);
    assert_eq!(rk.json(&["draft", &d])["to"]["name"], "Dana Reyes");
    rk.json(&["contact", "dnc", "C1"]);
    assert!(rk.fails(&["draft", &d]).contains("do-not-contact"));
}

#[test]
fn lint_flags_pesky_messages_with_exit_code_one() {
    let rk = Rk::new();
    let out = rk.run_with_input(
        &["lint", "-"],
        Some("Hi Dana,\n\nJust checking in. Did you get a chance to look?\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("<stdin>:3:1")
            && text.contains("just-checking-in")
            && text.contains("better:"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let clean = file(
        dir.path(),
        "clean.txt",
        "Hi Dana,\n\nHere is the cost model with your numbers.\n",
    );
    let out = rk.run(&["lint", clean.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
    assert!(
        rk.fails(&["lint", "/no/such/file.txt"])
            .contains("/no/such/file.txt")
    );
}

#[test]
fn outbound_messages_are_linted_when_logged_and_feed_the_pesky_signal() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let logged = rk.run_with_input(
        &[
            "log",
            "email",
            &d,
            "--contact",
            "Dana",
            "--at",
            "2026-11-22",
            "--body-file",
            "-",
            "--json",
        ],
        Some("Bumping this to the top of your inbox."),
    );
    let v: Value = serde_json::from_slice(&logged.stdout).unwrap();
    assert_eq!(v["tone_findings"][0]["rule"], "bumping");
    let shown = rk.json(&["show", &d]);
    let signals = shown["assessment"]["signals"].as_array().unwrap();
    assert!(signals.iter().any(|s| s["kind"] == "pesky_tone"));
}

#[test]
fn a_logged_follow_up_is_judged_against_the_previous_touch() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let log = |at: &str, body: &str| -> Value {
        let out = rk.run_with_input(
            &[
                "log",
                "email",
                &d,
                "--contact",
                "Dana",
                "--at",
                at,
                "--body-file",
                "-",
                "--json",
            ],
            Some(body),
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let first = log(
        "2026-11-20",
        "Hi Dana,\n\nAttached is the pilot proposal for the dispatch team: three months, 40 \
         planners, starting at the Rotterdam depot.\n\nAlex",
    );
    assert_eq!(first["tone_findings"], serde_json::json!([]));
    let empty = log(
        "2026-11-24",
        "Hi Dana,\n\nWanted to make sure the pilot proposal for the dispatch team reached \
         you.\n\nAlex",
    );
    assert_eq!(empty["tone_findings"][0]["rule"], "nothing-new", "{empty}");
    let useful = log(
        "2026-11-26",
        "Hi Dana,\n\nThe Utrecht depot ran the same pilot in spring; their planners got two \
         hours a day back. Would a call with their ops lead help?\n\nAlex",
    );
    assert_eq!(useful["tone_findings"], serde_json::json!([]), "{useful}");
}

#[test]
fn templates_can_be_overridden_from_a_folder() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let dir = tempfile::tempdir().unwrap();
    file(
        dir.path(),
        "accountability.txt",
        "Subject: Where do we stand?\n\n{{ first_name }}, you said \"{{ problem }}\". What changed?\n",
    );
    let out = rk.run(&[
        "--templates",
        dir.path().to_str().unwrap(),
        "draft",
        &d,
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["subject"], "Where do we stand?");
    assert_eq!(
        v["body"],
        "Priya, you said \"our dispatchers rebuild the schedule by hand every morning\". What changed?\n"
    );
}

#[test]
fn the_demo_runs_and_is_reproducible() {
    let rk = Rk::new();
    let out = rk.run(&["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "The pipeline",
        "Today, most urgent first",
        "accountability draft",
        "breakup draft",
        "value_add draft",
        "Facts used:",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    let first = rk.json(&["scan", "--all"]);
    let other = Rk::new();
    other.run(&["demo"]);
    assert_eq!(
        first,
        other.json(&["scan", "--all"]),
        "same seed and clock, same scan"
    );
    assert!(rk.fails(&["demo"]).contains("already holds 40 deals"));
}

#[test]
fn commands_need_a_database_and_say_how_to_make_one() {
    let rk = Rk::new();
    assert!(rk.fails(&["scan"]).contains("run `rekindle init`"));
    let init = rk.json(&["init", "--stages", "intro,evaluation,contract"]);
    assert_eq!(
        init["stages"],
        serde_json::json!(["intro", "evaluation", "contract"])
    );
    rk.json(&[
        "deal",
        "add",
        "--title",
        "x",
        "--account",
        "A",
        "--owner",
        "o",
        "--stage",
        "evaluation",
        "--amount",
        "5000 EUR",
    ]);
    let list = rk.json(&["deal", "list"]);
    assert_eq!(
        list[0]["amount"],
        serde_json::json!({ "cents": 500000, "currency": "EUR" })
    );
}

#[test]
fn show_assesses_each_deal_exactly_as_the_scan_does() {
    let rk = Rk::new();
    rk.run(&["demo", "--deals", "60"]);
    let scan = rk.json(&["scan", "--all"]);
    let rows = scan.as_array().unwrap();
    assert_eq!(rows.len(), 48, "60 demo deals, 12 of them closed");
    for row in rows {
        let id = row["deal_id"].to_string();
        let shown = rk.json(&["show", &id]);
        let mut from_scan = row.clone();
        for key in [
            "title",
            "account",
            "owner",
            "stage",
            "amount",
            "status",
            "resurface_on",
        ] {
            from_scan.as_object_mut().unwrap().remove(key);
        }
        assert_eq!(shown["assessment"], from_scan, "deal {id}");
    }
}

#[test]
fn scan_json_rows_have_each_key_once() {
    let rk = Rk::new();
    quiet_deal(&rk);
    let out = rk.run(&["scan", "--json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(text.matches("\"deal_id\":").count(), 1, "{text}");
}

#[test]
fn the_cadence_is_configurable_and_the_engine_follows_it() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    rk.json(&[
        "log",
        "email",
        &d,
        "--contact",
        "Dana",
        "--at",
        "2026-11-21",
        "--play",
        "accountability",
    ]);
    assert_eq!(
        rk.json(&["draft", &d])["play"],
        "breakup",
        "3 unanswered touches reach the default cap"
    );
    let shown = rk.json(&["policy", "show"]);
    assert_eq!(shown["touch_cap"], "3");
    rk.json(&["policy", "set", "touch_cap", "4"]);
    assert_eq!(
        rk.json(&["draft", &d])["play"],
        "value_add",
        "a cap of 4 allows one more touch"
    );
    assert!(
        rk.fails(&["policy", "set", "touch_cap", "0"])
            .contains("from 1 to 1000000")
    );
    assert!(
        rk.fails(&["policy", "set", "patience", "9"])
            .contains("one of:")
    );
    assert_eq!(
        rk.json(&["policy", "show"])["touch_cap"],
        "4",
        "a refused setting changes nothing"
    );
    let kinds_at = |rk: &Rk| -> Vec<String> {
        let scan = rk.json(&["--now", "2026-12-01T09:00:00Z", "scan"]);
        scan[0]["signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["kind"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        !kinds_at(&rk).contains(&"stalled_in_stage".to_string()),
        "8 days is within the default 21"
    );
    rk.json(&["policy", "set", "stage.proposal.rot_days", "5"]);
    // The deal entered proposal when it was added (23 Nov): 8 days later it is past 5.
    let scan = rk.json(&["--now", "2026-12-01T09:00:00Z", "scan"]);
    let kinds: Vec<&str> = scan[0]["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"stalled_in_stage"), "{kinds:?}");
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::io::Read;
    let rk = Rk::new();
    // Well past a pipe's 64 KB buffer, so the writer meets the closed pipe.
    rk.run(&["demo", "--deals", "600"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args([
            "--db",
            rk.db.to_str().unwrap(),
            "--now",
            NOW,
            "scan",
            "--all",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the reader goes away
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_deal_entered_after_the_fact_starts_its_stage_clock_when_it_was_opened() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let add = |created: Option<&str>| {
        let mut args = vec![
            "deal",
            "add",
            "--title",
            "x",
            "--account",
            "Acme",
            "--owner",
            "o",
            "--stage",
            "proposal",
            "--amount",
            "5000",
        ];
        if let Some(c) = created {
            args.extend(["--created", c]);
        }
        rk.json(&args)["deal"].as_i64().unwrap()
    };
    let (old, new) = (add(Some("2026-10-01")), add(None));
    let scan = rk.json(&["scan", "--all"]);
    let stalled = |id: i64| {
        let row = scan
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["deal_id"] == id)
            .unwrap();
        row["signals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "stalled_in_stage")
    };
    assert!(stalled(old), "53 days in proposal");
    assert!(!stalled(new));
    assert!(
        rk.fails(&[
            "deal",
            "add",
            "--title",
            "x",
            "--account",
            "A",
            "--owner",
            "o",
            "--stage",
            "demo",
            "--amount",
            "5",
            "--created",
            "last spring"
        ])
        .contains("bad --created")
    );
}

#[test]
fn importing_mail_captures_touches_replies_auto_replies_and_suggestions_once() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let before = rk.json(&["show", &d]);
    assert_eq!(before["assessment"]["state"], "dark");

    let dir = tempfile::tempdir().unwrap();
    let mut mbox = String::new();
    mbox += &mbox_message(
        "a1@seller.io",
        "From: Alex Morgan <alex@seller.io>\nTo: dana+crm@acme.example\nSubject: Cost model",
        "Fri, 20 Nov 2026 10:00:00 +0000",
        "Dana, here is the cost model with your numbers.",
    );
    mbox += &mbox_message(
        "o1@acme.example",
        "From: priya@acme.example\nTo: alex@seller.io\nSubject: Automatic reply: Cost model\nAuto-Submitted: auto-replied",
        "Sat, 21 Nov 2026 08:00:00 +0000",
        "I am out of the office until November 30th.",
    );
    mbox += &mbox_message(
        "r1@acme.example",
        "From: Dana Reyes <Dana@Acme.example>\nTo: alex@seller.io\nSubject: Re: Cost model\nIn-Reply-To: <a1@seller.io>",
        "Sun, 22 Nov 2026 09:00:00 +0000",
        "Thanks, finance is reviewing it this week.\n\nOn Fri, 20 Nov 2026, Alex Morgan wrote:\n> Dana, here is the cost model",
    );
    mbox += &mbox_message(
        "s1@acme.example",
        "From: Omar Haddad <omar@acme.example>\nTo: alex@seller.io\nSubject: Joining the evaluation",
        "Sun, 22 Nov 2026 10:00:00 +0000",
        "Dana asked me to join.",
    );
    mbox += &mbox_message(
        "n1@news.example",
        "From: news@gmail.com\nTo: alex@seller.io\nSubject: Weekly digest",
        "Sun, 22 Nov 2026 11:00:00 +0000",
        "Top stories",
    );
    let mut bytes = mbox.into_bytes();
    // A separator and a header, then garbage: a message of its own, skipped.
    bytes.extend_from_slice(b"From junk Thu Jan  1 00:00:00 2026\nX-Junk: 1\n");
    bytes.extend((0..3000u32).map(|i| (i % 5) as u8));
    let path = dir.path().join("mail.mbox");
    std::fs::write(&path, bytes).unwrap();

    assert!(
        rk.fails(&["import", "mail", path.to_str().unwrap()])
            .contains("--me"),
        "direction needs the rep's addresses"
    );
    let first = rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(
        (
            first["read"].as_u64(),
            first["touches"].as_u64(),
            first["replies"].as_u64(),
            first["auto_replies"].as_u64()
        ),
        (Some(5), Some(1), Some(2), Some(1)),
        "Dana's answer, and Omar's note: a colleague writing in is engagement too"
    );
    assert_eq!(first["contacts_suggested"], 1);
    assert_eq!(first["matched"], 4, "all but the newsletter");
    assert_eq!(first["not_matched"]["from no one in the record"], 1);
    assert_eq!(
        first["skipped"].as_array().unwrap().len(),
        1,
        "the binary junk, with its position"
    );

    // Again, without --me (remembered): nothing is added.
    let again = rk.json(&["import", "mail", path.to_str().unwrap()]);
    assert_eq!(
        (
            again["touches"].as_u64(),
            again["replies"].as_u64(),
            again["auto_replies"].as_u64(),
            again["contacts_suggested"].as_u64()
        ),
        (Some(0), Some(0), Some(0), Some(0))
    );
    assert_eq!(again["already_imported"], 4);

    let after = rk.json(&["show", &d]);
    let acts = after["record"]["activities"].as_array().unwrap();
    let reply = acts
        .iter()
        .find(|a| a["outcome"] == "replied")
        .expect("the reply is on the deal");
    assert_eq!(
        reply["summary"],
        "Thanks, finance is reviewing it this week."
    );
    assert!(
        acts.iter()
            .any(|a| a["outcome"] == "auto_reply"
                && a["summary"] == "auto-reply: back on 2026-12-01")
    );
    assert_ne!(
        after["assessment"]["state"], "dark",
        "Dana answered: the deal is no longer dark"
    );
    assert_eq!(after["assessment"]["sequence"]["unanswered_touches"], 0);
    let auto = acts.iter().find(|a| a["outcome"] == "auto_reply").unwrap();
    assert_eq!(
        auto["returns_on"], "2026-12-01",
        "the return date is kept with the activity"
    );
    // Each email keeps its subject, and the timeline shows it beside the first words.
    assert_eq!(reply["subject"], "Re: Cost model");
    let shown = String::from_utf8(rk.run(&["show", &d]).stdout).unwrap();
    let line = shown
        .lines()
        .find(|l| l.contains("replied"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(
        line.contains("\"Re: Cost model\" - Thanks, finance is reviewing it this week."),
        "{shown}"
    );
    assert!(
        shown
            .lines()
            .any(|l| l.contains("auto_reply") && l.contains("\"Automatic reply: Cost model\"")),
        "{shown}"
    );
}

/// The cases reply capture usually gets wrong: a second address, a gateway that rewrites From,
/// headers dropped by a client, subjects rewritten on the way, forwards, and a thread that
/// belongs to the account's other deal.
#[test]
fn replies_are_recognised_through_forwards_rewritten_headers_and_missing_references() {
    let rk = Rk::new();
    let a = quiet_deal(&rk);
    // A second deal at the same account, older, worked with Lee.
    let b = rk.json(&[
        "deal",
        "add",
        "--title",
        "Acme: analytics",
        "--account",
        "Acme",
        "--owner",
        "Alex Morgan",
        "--stage",
        "demo",
        "--amount",
        "$20k",
        "--created",
        "2026-10-01",
    ])["deal"]
        .as_i64()
        .unwrap()
        .to_string();
    rk.json(&[
        "contact",
        "add",
        "--deal",
        &b,
        "--name",
        "Lee Wong",
        "--email",
        "lee@acme.example",
        "--email",
        "lee.wong@acme-analytics.example",
    ]);
    rk.json(&["log", "email", &b, "--contact", "Lee", "--at", "2026-10-02"]);

    let dir = tempfile::tempdir().unwrap();
    let mut mbox = String::new();
    // 1. The rep writes to Lee about the analytics pilot: Lee's deal, not the account's default.
    mbox += &mbox_message(
        "b1@seller.io",
        "From: alex@seller.io\nTo: Lee Wong <lee@acme.example>\nSubject: Analytics pilot scope",
        "Fri, 20 Nov 2026 09:00:00 +0000",
        "Lee, here is the scope we discussed.",
    );
    // 2. Priya answers through a list gateway that rewrote From, from a client that dropped
    //    In-Reply-To and References and prefixed the subject twice: the subject keeps it on
    //    the analytics deal, Reply-To says it is Priya.
    mbox += &mbox_message(
        "g1@lists.acme.example",
        "From: Priya Patel via Acme Team <team-noreply@lists.acme.example>\nReply-To: priya@acme.example\nTo: alex@seller.io\nSubject: RE: [EXTERNAL] AW: Analytics pilot scope",
        "Sat, 21 Nov 2026 10:00:00 +0000",
        "Scope looks right to me.\n\n-----Original Message-----\nFrom: Alex Morgan\nSent: Friday\nLee, here is the scope we discussed.",
    );
    // 3. The rep writes to Dana on the scheduling deal.
    mbox += &mbox_message(
        "a1@seller.io",
        "From: alex@seller.io\nTo: dana@acme.example\nSubject: Cost model",
        "Fri, 20 Nov 2026 10:00:00 +0000",
        "Dana, the cost model.",
    );
    // 4. The rep forwards it to a colleague: not a touch on anyone.
    mbox += &mbox_message(
        "f1@seller.io",
        "From: alex@seller.io\nTo: sam@seller.io\nSubject: Fwd: Cost model",
        "Fri, 20 Nov 2026 10:05:00 +0000",
        "FYI\n\n---------- Forwarded message ---------\nFrom: Alex Morgan\nDana, the cost model.",
    );
    // 5. Dana forwards it inside Acme with the rep in copy, with References only: engagement
    //    from Dana, on the thread's deal.
    mbox += &mbox_message(
        "d1@acme.example",
        "From: Dana Reyes <DANA@ACME.example>\nTo: omar@acme.example\nCc: alex+crm@seller.io\nSubject: Fw: Cost model\nReferences: <a1@seller.io>",
        "Sun, 22 Nov 2026 08:00:00 +0000",
        "Omar, can you check the overtime line?\n\n---------- Forwarded message ---------\nDana, the cost model.",
    );
    // 6. Lee answers the scope from his other address, In-Reply-To only.
    mbox += &mbox_message(
        "l1@acme-analytics.example",
        "From: Lee Wong <lee.wong@acme-analytics.example>\nTo: alex@seller.io\nSubject: Re: Analytics pilot scope\nIn-Reply-To: <b1@seller.io>",
        "Sun, 22 Nov 2026 09:00:00 +0000",
        "Agreed, let's start Monday.",
    );
    let path = dir.path().join("hard.mbox");
    std::fs::write(&path, mbox).unwrap();
    let summary = rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(
        (summary["touches"].as_u64(), summary["replies"].as_u64()),
        (Some(2), Some(3)),
        "{summary}"
    );
    assert_eq!(
        summary["not_matched"]["sent to no one in the record"], 1,
        "{summary}"
    );

    let on = |deal: &str| -> Vec<Value> {
        rk.json(&["show", deal])["record"]["activities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["at"].as_str().unwrap() >= "2026-11-20")
            .cloned()
            .collect()
    };
    let contact_id = |name: &str| -> Value {
        rk.json(&["show", &a])["record"]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["id"]
            .clone()
    };
    let analytics = on(&b);
    assert_eq!(analytics.len(), 3, "{analytics:?}");
    assert_eq!(analytics[0]["outcome"], "sent");
    assert_eq!(analytics[1]["outcome"], "replied");
    assert_eq!(analytics[1]["contact"], contact_id("Priya Patel"));
    assert_eq!(analytics[1]["summary"], "Scope looks right to me.");
    assert_eq!(analytics[2]["outcome"], "replied");
    assert_eq!(
        analytics[2]["contact"],
        contact_id("Lee Wong"),
        "the second address is the same person"
    );
    let scheduling = on(&a);
    assert_eq!(scheduling.len(), 2, "{scheduling:?}");
    assert_eq!(scheduling[1]["outcome"], "replied");
    assert_eq!(scheduling[1]["contact"], contact_id("Dana Reyes"));
    assert_eq!(
        rk.json(&["show", &a])["assessment"]["sequence"]["unanswered_touches"],
        0,
        "Dana's forward answers the touch"
    );
}

/// An import killed part-way keeps what it committed, and running it again finishes the job
/// without recording anything twice: the record ends exactly as after one clean import.
#[test]
fn an_import_killed_midway_resumes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut mbox = String::new();
    for i in 0..12_000 {
        let (headers, body) = if i % 2 == 0 {
            (
                "From: alex@seller.io\nTo: dana@acme.example\nSubject: Plan".to_string(),
                format!(
                    "Dana, version {i} of the plan. {}",
                    "Details follow. ".repeat(40)
                ),
            )
        } else {
            (
                format!(
                    "From: dana@acme.example\nTo: alex@seller.io\nSubject: Re: Plan\nIn-Reply-To: <m{}@x>",
                    i - 1
                ),
                format!("Noted {i}. {}", "We will review. ".repeat(40)),
            )
        };
        mbox += &mbox_message(
            &format!("m{i}@x"),
            &headers,
            "Fri, 20 Nov 2026 10:00:00 +0000",
            &body,
        );
    }
    let path = dir.path().join("big.mbox");
    std::fs::write(&path, mbox).unwrap();
    let path = path.to_str().unwrap();

    let clean = Rk::new();
    let d = quiet_deal(&clean);
    let once = clean.json(&["import", "mail", path, "--me", "alex@seller.io"]);
    assert_eq!(once["touches"], 6000, "{once}");
    let expected = clean.json(&["show", &d])["record"]["activities"]
        .as_array()
        .unwrap()
        .len();

    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args([
            "--db",
            rk.db.to_str().unwrap(),
            "--now",
            "2026-11-23T09:00:00Z",
        ])
        .args(["import", "mail", path, "--me", "alex@seller.io", "--json"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once some batches are in: the record holds part of the mailbox.
    let started = std::time::Instant::now();
    loop {
        let n = rk.json(&["show", &d])["record"]["activities"]
            .as_array()
            .unwrap()
            .len();
        if n > 5 || started.elapsed() > std::time::Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = rk.json(&["show", &d])["record"]["activities"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        partial > 5 && partial < expected,
        "killed part-way: {partial} of {expected}"
    );

    let resumed = rk.json(&["import", "mail", path]);
    assert!(
        resumed["already_imported"].as_u64().unwrap() > 0,
        "{resumed}"
    );
    let after = rk.json(&["show", &d])["record"]["activities"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, expected, "the same record as one clean import");
}

/// Every listing fits a terminal of 80 columns: a long title, account, address or reply is
/// cut short with "…", and the ids stay whole, to be copied into the next command.
#[test]
fn listings_fit_80_columns_with_ids_whole() {
    let rk = Rk::new();
    assert!(rk.run(&["demo"]).status.success());
    let account = "Consolidated Intercontinental Logistics and Freight Forwarding Holdings";
    let title =
        format!("{account}: enterprise-wide scheduling, routing and dispatch platform rollout");
    let email = "dana.reyes-montgomery@consolidated-intercontinental-logistics.example";
    let add = |title: &str| -> String {
        let deal = rk.json(&[
            "deal",
            "add",
            "--title",
            title,
            "--account",
            account,
            "--owner",
            "Alex Morgan",
            "--stage",
            "proposal",
            "--amount",
            "$1,250,000",
            "--created",
            "2026-03-01",
        ]);
        format!("D{}", deal["deal"])
    };
    let open = add(&title);
    rk.json(&[
        "contact",
        "add",
        "--deal",
        &open,
        "--name",
        "Dana Reyes-Montgomery",
        "--email",
        email,
    ]);
    rk.json(&[
        "log",
        "email",
        &open,
        "--contact",
        email,
        "--at",
        "2026-10-01",
    ]);
    let reply = rk.run_with_input(
        &[
            "log",
            "email",
            &open,
            "--contact",
            email,
            "--direction",
            "in",
            "--outcome",
            "replied",
            "--at",
            "2026-10-03",
            "--body-file",
            "-",
            "--json",
        ],
        Some(
            "Thanks for the detailed proposal. We are still weighing it against the \
             incumbent's renewal terms and will come back to you once the steering committee \
             has met, which may take a while.",
        ),
    );
    assert!(
        reply.status.success(),
        "{}",
        String::from_utf8_lossy(&reply.stderr)
    );
    rk.json(&[
        "log",
        "email",
        &open,
        "--contact",
        email,
        "--at",
        "2026-10-20",
    ]);
    let queued = rk.json(&["outbox", "add", &open, "--play", "value_add"]);
    assert!(queued.is_object(), "{queued}");
    let lost = add(&format!("{title} (second phase)"));
    rk.json(&[
        "--now",
        "2026-06-01T09:00:00Z",
        "close",
        &lost,
        "--lost",
        "--reason",
        "timing",
    ]);

    for args in [
        vec!["deal", "list"],
        vec!["scan", "--all"],
        vec!["today"],
        vec!["outbox", "list"],
        vec!["replies", "list", "--all"],
        vec!["revive", "--all"],
    ] {
        let out = rk.run(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        // The table's lines; a sentence below it wraps as the terminal wraps text.
        for line in text.lines().filter(|l| l.starts_with(['┌', '│', '╞', '└'])) {
            assert!(line.chars().count() <= 80, "{args:?}: {line}\n{text}");
        }
        assert!(
            !text.contains(account),
            "{args:?}: the account is cut\n{text}"
        );
        let id = if args[0] == "revive" { &lost } else { &open };
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(&format!(" {id} ")))
            .collect();
        assert!(!rows.is_empty(), "{args:?}: {id} whole\n{text}");
        assert!(rows.iter().any(|l| l.contains('…')), "{args:?}\n{text}");
    }
    // A wider terminal shows more of each cell.
    let wide = rk.run_with_env(&["deal", "list"], &[("COLUMNS", "300")]);
    assert!(String::from_utf8(wide.stdout).unwrap().contains(&title));
}

/// A command's help lists its own options first, and the options every command takes (`--db`,
/// `--now`, `--json`, `--templates`) under their own heading after them.
#[test]
fn help_keeps_the_global_options_apart() {
    let rk = Rk::new();
    for args in [
        vec!["--help"],
        vec!["draft", "--help"],
        vec!["log", "--help"],
    ] {
        let out = rk.run(&args);
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        let (own, global) = help
            .split_once("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("{args:?}: no global heading\n{help}"));
        // An option's own line starts with its flag (a description may mention another).
        let lists = |part: &str, flag: &str| {
            part.lines()
                .any(|l| l.trim_start().starts_with(&format!("{flag} ")))
        };
        for flag in ["--db", "--now", "--json", "--templates"] {
            assert!(
                lists(global, flag),
                "{args:?}: {flag} under Global options\n{help}"
            );
            assert!(
                !lists(own, flag),
                "{args:?}: {flag} before Global options\n{help}"
            );
        }
        if args[0] == "log" {
            assert!(
                lists(own, "--outcome") && !lists(global, "--outcome"),
                "{help}"
            );
        }
    }
}
