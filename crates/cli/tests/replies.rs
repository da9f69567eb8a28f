//! Closing the loop: replies imported from mail are read, their deals move, every decision is
//! kept with what it changed, and the rep can override any of them.

mod common;
use common::*;
use serde_json::Value;

/// A deal at its own account with one contact.
fn deal_with(rk: &Rk, account: &str, name: &str, email: &str) -> String {
    deal_with_contact(rk, account, "$20k", name, email, &[])
}

fn reply(id: &str, from: &str, date: &str, body: &str) -> String {
    mbox_message(
        id,
        &format!("From: {from}\nTo: alex@seller.io\nSubject: Re: next steps"),
        date,
        body,
    )
}

fn deal(rk: &Rk, d: &str) -> Value {
    rk.json(&["show", d])["record"].clone()
}

/// The rep's outbound touch to `contact` on deal `d`: replies after it answer a conversation.
fn touch(rk: &Rk, d: &str, contact: &str) {
    rk.json(&[
        "log",
        "email",
        d,
        "--contact",
        contact,
        "--at",
        "2026-11-16",
        "--summary",
        "Following up on the pilot",
    ]);
}

#[test]
fn replies_move_their_deals_with_an_audit_trail_and_the_rep_can_override() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let lost = deal_with(&rk, "Acme", "Dana Reyes", "dana@acme.example");
    let stop = deal_with(&rk, "Globex", "Sam Hill", "sam@globex.example");
    let referral = deal_with(&rk, "Initech", "Lee Park", "lee@initech.example");
    let later = deal_with(&rk, "Umbrella", "Kim Ito", "kim@umbrella.example");
    let question = deal_with(&rk, "Hooli", "Gavin Bell", "gavin@hooli.example");
    // Sam is a contact on a second deal too: a stop holds everywhere.
    let other = rk.json(&[
        "deal",
        "add",
        "--title",
        "Globex: second site",
        "--account",
        "Globex",
        "--owner",
        "Alex Morgan",
        "--stage",
        "demo",
        "--amount",
        "$5k",
    ]);
    let other = other["deal"].as_i64().unwrap().to_string();
    rk.json(&[
        "log",
        "email",
        &lost,
        "--contact",
        "Dana",
        "--at",
        "2026-11-16",
        "--play",
        "breakup",
        "--summary",
        "Should I close the file?",
    ]);
    touch(&rk, &stop, "Sam");
    touch(&rk, &referral, "Lee");
    touch(&rk, &later, "Kim");
    touch(&rk, &question, "Gavin");

    let dir = tempfile::tempdir().unwrap();
    let mut mbox = String::new();
    mbox += &reply(
        "r1@acme.example",
        "Dana Reyes <dana@acme.example>",
        "Tue, 17 Nov 2026 09:00:00 +0000",
        "Yes, close it. We went with Dispatchly.\n\nOn Mon, Alex wrote:\n> Should I close the file?",
    );
    mbox += &reply(
        "r2@globex.example",
        "sam@globex.example",
        "Tue, 17 Nov 2026 10:00:00 +0000",
        "Please remove me from your mailing list.",
    );
    mbox += &reply(
        "r3@initech.example",
        "lee@initech.example",
        "Tue, 17 Nov 2026 11:00:00 +0000",
        "I'm not the right person for this. Talk to Maria Gomez (maria.gomez@initech.example).",
    );
    mbox += &reply(
        "r4@umbrella.example",
        "kim@umbrella.example",
        "Tue, 17 Nov 2026 12:00:00 +0000",
        "Not the right time. Check back in Q3.",
    );
    mbox += &reply(
        "r5@hooli.example",
        "gavin@hooli.example",
        "Tue, 17 Nov 2026 13:00:00 +0000",
        "Does it integrate with SAP?",
    );
    let path = file(dir.path(), "inbox.mbox", &mbox);
    let summary = rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(summary["replies"], 5);
    for class in ["lost", "stop", "referral", "later", "question"] {
        assert_eq!(summary["replies_read"][class], 1, "{class}: {summary}");
    }
    // The date to look again the later reply set is said, with its year.
    assert_eq!(
        summary["look_again"],
        serde_json::json!([[later.parse::<i64>().unwrap(), "2027-07-01"]]),
        "{summary}"
    );

    // Lost, with the reason and the prospect's words.
    let d = deal(&rk, &lost);
    assert_eq!(d["deal"]["status"], "lost");
    assert_eq!(d["deal"]["loss"]["reason"], "competitor");
    assert!(
        d["deal"]["loss"]["note"]
            .as_str()
            .unwrap()
            .contains("Dispatchly")
    );

    // Stop: do-not-contact on every deal the person is on, and drafts refuse them.
    for g in [&stop, &other] {
        let contacts = deal(&rk, g)["contacts"].clone();
        let sam = contacts
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "Sam Hill")
            .unwrap_or_else(|| panic!("Sam is a contact of Globex's deal {g}: {contacts}"));
        assert_eq!(sam["do_not_contact"], true, "deal {g}");
    }
    assert!(rk.fails(&["draft", &stop]).contains("do-not-contact"));
    // The rep cannot lift it by hand while the address stands blocked: the draft and the send
    // would disagree. Overriding the reading is the way.
    let sam = deal(&rk, &stop)["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Sam Hill")
        .unwrap()["id"]
        .clone();
    let lifted = rk.fails(&["contact", "dnc", &format!("C{sam}"), "--off"]);
    assert!(lifted.contains("asked to stop"), "{lifted}");
    assert!(rk.fails(&["draft", &stop]).contains("do-not-contact"));

    // Referral: the new person is a contact of the account, and the next step says so.
    let d = deal(&rk, &referral);
    let maria = d["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Maria Gomez");
    assert!(maria.is_some(), "{}", d["contacts"]);
    assert_eq!(maria.unwrap()["emails"][0], "maria.gomez@initech.example");
    assert!(
        d["next_step"]["what"]
            .as_str()
            .unwrap()
            .contains("Maria Gomez")
    );

    // Later: nurture until Q3.
    let d = deal(&rk, &later);
    assert_eq!(d["deal"]["status"], "nurture");
    assert_eq!(d["deal"]["resurface_on"], "2027-07-01");

    // The question waits for the rep, and nothing moved.
    let waiting = rk.json(&["replies", "list"]);
    let waiting = waiting.as_array().unwrap();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0]["class"], "question");
    assert_eq!(waiting[0]["deal"].to_string(), question);
    assert_eq!(deal(&rk, &question)["deal"]["status"], "open");
    let today = rk.run(&["today"]);
    assert!(
        String::from_utf8_lossy(&today.stdout).contains("1 reply waits for you"),
        "{}",
        String::from_utf8_lossy(&today.stdout)
    );

    // Every reading is kept with what it changed.
    let all = rk.json(&["replies", "list", "--all"]);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 5);
    let dana = all
        .iter()
        .find(|r| r["deal"] == lost.parse::<i64>().unwrap())
        .unwrap();
    assert_eq!(dana["changes"][0]["action"]["action"], "close");
    assert_eq!(dana["changes"][0]["undo"]["status"], "open");

    // The rep overrides: Dana's deal is open again, the override is a new reading.
    let id = format!("R{}", dana["id"]);
    let decided = rk.json(&[
        "replies",
        "decide",
        &id,
        "--as",
        "later",
        "--until",
        "2027-02-01",
    ]);
    assert_eq!(decided["class"], "later");
    assert_eq!(decided["decided_by"], "rep");
    let d = deal(&rk, &lost);
    assert_eq!(d["deal"]["status"], "nurture");
    assert_eq!(d["deal"]["resurface_on"], "2027-02-01");
    assert!(
        d["deal"]["loss"].is_null(),
        "the loss was undone: {}",
        d["deal"]
    );
    let old = rk.json(&["replies", "list", "--all"]);
    let old = old
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == dana["id"])
        .unwrap()
        .clone();
    assert_eq!(old["state"], "overridden");
    assert!(
        rk.fails(&["replies", "decide", &id, "--as", "revive"])
            .contains("replaced")
    );

    // Undoing a stop lets the person be contacted again.
    let sam_reading = all.iter().find(|r| r["class"] == "stop").unwrap();
    rk.json(&[
        "replies",
        "decide",
        &format!("R{}", sam_reading["id"]),
        "--as",
        "unclear",
        "--lift-stop",
    ]);
    let sam = deal(&rk, &stop)["contacts"][0].clone();
    assert_eq!(sam["do_not_contact"], false);

    // Re-importing reads nothing twice.
    let again = rk.json(&["import", "mail", path.to_str().unwrap()]);
    assert!(again["replies_read"].as_object().unwrap().is_empty());
    assert_eq!(
        rk.json(&["replies", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        7
    );
}

#[test]
fn a_reply_older_than_the_deals_latest_activity_waits_for_the_rep() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_with(&rk, "Acme", "Dana Reyes", "dana@acme.example");
    rk.json(&[
        "log",
        "meeting",
        &d,
        "--contact",
        "Dana",
        "--at",
        "2026-11-20",
        "--summary",
        "kickoff",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let path = file(
        dir.path(),
        "old.mbox",
        &reply(
            "old@acme.example",
            "dana@acme.example",
            "Tue, 10 Nov 2026 09:00:00 +0000",
            "We decided to go with another vendor. Please close the file.",
        ),
    );
    rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(deal(&rk, &d)["deal"]["status"], "open");
    let waiting = rk.json(&["replies", "list"]);
    assert_eq!(waiting[0]["class"], "lost");
    assert_eq!(waiting[0]["state"], "needs_rep");
}

#[test]
fn classify_reads_a_reply_from_standard_input_and_eval_prints_figures() {
    let rk = Rk::new();
    let out = rk.run_with_input(
        &["replies", "classify", "-", "--context", "breakup", "--sent", "2026-11-20", "--json"],
        Some("Sorry, swamped. Don't close it, call me next Tuesday.\n\nOn Fri, Alex wrote:\n> Should I close the file?"),
    );
    assert!(out.status.success());
    let reading: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reading["class"], "revive");
    assert_eq!(reading["proposal"]["on"], "2026-11-24");
    let eval = rk.json(&["replies", "eval"]);
    let labelled = &eval["labelled_cross_validated"];
    // Deal moves first: no labelled reply moves a deal the wrong way.
    assert_eq!(labelled["false_moves"], 0, "{labelled}");
    assert!(labelled["moves"].as_u64().unwrap() > 0);
    assert_eq!(eval["holdout"]["false_moves"], 0);
    let classes = labelled["classes"].as_array().unwrap();
    // The human report leads with the false moves, and never scores the model on its own
    // training lines.
    let text = String::from_utf8_lossy(&rk.run(&["replies", "eval"]).stdout).to_string();
    let lines: Vec<&str> = text.lines().collect();
    // Real mail first, its false-move rate on the line after; then the labelled sets.
    assert!(lines[0].starts_with("real mail"), "{text}");
    assert!(lines[1].contains("false moves"), "{text}");
    let labelled = lines
        .iter()
        .position(|l| l.contains("cross-validated"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(lines[labelled + 1].contains("false moves"), "{text}");
    assert!(text.contains("holdout set"), "{text}");
    assert_eq!(classes.len(), 8);
    assert!(
        classes
            .iter()
            .all(|c| c["precision"].as_f64().is_some() && c["recall"].as_f64().is_some())
    );
}

#[test]
fn a_reply_logged_by_hand_is_read_too() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_with(&rk, "Acme", "Dana Reyes", "dana@acme.example");
    rk.json(&[
        "log",
        "email",
        &d,
        "--contact",
        "Dana",
        "--at",
        "2026-11-16",
        "--play",
        "breakup",
        "--summary",
        "Should I close the file?",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let body = file(
        dir.path(),
        "reply.txt",
        "Not the right time. Check back in Q3.\n\nOn Mon, Alex wrote:\n> Should I close the file?",
    );
    let logged = rk.json(&[
        "log",
        "email",
        &d,
        "--direction",
        "in",
        "--contact",
        "Dana",
        "--at",
        "2026-11-20",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    assert_eq!(logged["read_as"]["class"], "later");
    assert_eq!(logged["look_again"], "2027-07-01", "{logged}");
    let record = deal(&rk, &d);
    assert_eq!(record["deal"]["status"], "nurture");
    assert_eq!(record["deal"]["resurface_on"], "2027-07-01");
    // A note or an outbound message is not a reply.
    let note = rk.json(&[
        "log",
        "note",
        &d,
        "--summary",
        "Remove me from the list of follow-ups",
    ]);
    assert!(note["read_as"].is_null());
}

/// The reading kept for `d`'s latest reply.
fn reading_of(rk: &Rk, d: &str) -> Value {
    let all = rk.json(&["replies", "list", "--all"]);
    all.as_array()
        .unwrap()
        .iter()
        .find(|r| r["deal"] == d.parse::<i64>().unwrap())
        .cloned()
        .unwrap_or_else(|| panic!("no reading on {d}: {all}"))
}

#[test]
fn only_a_direct_explicit_answer_moves_a_deal_the_rest_waits_with_its_evidence() {
    let rk = Rk::new();
    rk.json(&["init"]);
    // No touch before the reply: it answers no conversation of the rep's.
    let untouched = deal_with(&rk, "Acme", "Dana Reyes", "dana@acme.example");
    // A list post with a stop word, after a touch.
    let listed = deal_with(&rk, "Globex", "Sam Hill", "sam@globex.example");
    touch(&rk, &listed, "Sam");
    // Weak cues, after a touch: "picked", "talk to", a weekday alone.
    let picked = deal_with(&rk, "Initech", "Lee Park", "lee@initech.example");
    touch(&rk, &picked, "Lee");
    let talk = deal_with(&rk, "Umbrella", "Kim Ito", "kim@umbrella.example");
    touch(&rk, &talk, "Kim");
    let weekday = deal_with(&rk, "Hooli", "Gavin Bell", "gavin@hooli.example");
    touch(&rk, &weekday, "Gavin");
    // Explicit, after a touch: a deletion request with a date beside it is a stop.
    let erase = deal_with(&rk, "Stark", "Pepper Potts", "pepper@stark.example");
    touch(&rk, &erase, "Pepper");
    // The contact writing to someone else, outside the rep's thread.
    let elsewhere = deal_with(&rk, "Wayne", "Lucius Fox", "lucius@wayne.example");
    touch(&rk, &elsewhere, "Lucius");

    let dir = tempfile::tempdir().unwrap();
    let mut mbox = String::new();
    mbox += &reply(
        "u1@acme.example",
        "dana@acme.example",
        "Tue, 17 Nov 2026 09:00:00 +0000",
        "We went with another vendor. Please close the file.",
    );
    mbox += &mbox_message(
        "l1@globex.example",
        "From: sam@globex.example\nTo: dev@lists.example.org\nSubject: Re: release\nPrecedence: list",
        "Tue, 17 Nov 2026 10:00:00 +0000",
        "Please remove me from this thread, wrong list.",
    );
    mbox += &reply(
        "p1@initech.example",
        "lee@initech.example",
        "Tue, 17 Nov 2026 11:00:00 +0000",
        "We picked another vendor.",
    );
    mbox += &reply(
        "t1@umbrella.example",
        "kim@umbrella.example",
        "Tue, 17 Nov 2026 12:00:00 +0000",
        "Talk to Maria Gomez, maria.gomez@umbrella.example.",
    );
    mbox += &reply(
        "w1@hooli.example",
        "gavin@hooli.example",
        "Tue, 17 Nov 2026 13:00:00 +0000",
        "Tuesday works.",
    );
    mbox += &reply(
        "e1@stark.example",
        "pepper@stark.example",
        "Tue, 17 Nov 2026 14:00:00 +0000",
        "Please delete my contact details and don't reach out again. Maybe check back next year.",
    );
    mbox += &mbox_message(
        "x1@wayne.example",
        "From: lucius@wayne.example\nTo: board@wayne.example, alex@elsewhere.example\nSubject: vendors",
        "Tue, 17 Nov 2026 15:00:00 +0000",
        "We went with another vendor. Please close the file.",
    );
    let path = file(dir.path(), "inbox.mbox", &mbox);
    rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
        "--now",
        "2026-11-18T09:00:00Z",
    ]);

    for (d, class, why) in [
        (&untouched, "lost", "not a direct answer"),
        (&picked, "lost", "probably lost"),
        (&talk, "referral", "probably referral"),
        (&weekday, "revive", "probably revive"),
        (&elsewhere, "lost", "not a direct answer"),
    ] {
        let r = reading_of(&rk, d);
        assert_eq!(r["class"], class, "{r}");
        assert_eq!(r["state"], "needs_rep", "{r}");
        let said = r["changes"].to_string();
        assert!(said.contains(why), "{why}: {said}");
        let record = deal(&rk, d);
        assert_eq!(record["deal"]["status"], "open", "{d}");
        assert!(
            record["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["do_not_contact"] == false && c["name"] != "Maria Gomez"),
            "{d}: {}",
            record["contacts"]
        );
    }
    // The list post reached the rep only through the list, outside the rep's thread: no reply
    // to anyone, nothing read, nothing moved.
    let all = rk.json(&["replies", "list", "--all"]);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .all(|r| r["deal"] != listed.parse::<i64>().unwrap()),
        "{all}"
    );
    let record = deal(&rk, &listed);
    assert_eq!(record["deal"]["status"], "open");
    assert_eq!(record["contacts"][0]["do_not_contact"], false);
    // The deletion request: a certain stop, acted on, never a nurture.
    let r = reading_of(&rk, &erase);
    assert_eq!(r["class"], "stop");
    assert_eq!(r["state"], "applied");
    let record = deal(&rk, &erase);
    assert_eq!(record["contacts"][0]["do_not_contact"], true);
    assert_eq!(record["deal"]["status"], "open");
}

#[test]
fn a_forwarded_resume_is_not_a_competitor_loss() {
    // Realmail case 07: "picked up" and forwarded, on a deal with no touch.
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_with(&rk, "Northwind", "Dana Reyes", "dana@northwind.example");
    let dir = tempfile::tempdir().unwrap();
    let eml = "From: Dana Reyes <dana@northwind.example>\r\nTo: Alex Morgan <alex@seller.io>\r\nSubject: RE: Resume\r\nDate: Wed, 27 Jun 2001 09:00:00 +0100\r\nMessage-ID: <case07.reply@northwind.example>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nAlex,\r\n\r\nGreetings from London. I picked up your resume from here and forwarded it\r\nto our corporate recruiter.\r\n\r\nDana\r\n\r\n -----Original Message-----\r\nFrom: \tAlex Morgan <alex@seller.io>\r\nSent:\tTuesday, June 26, 2001 2:38 AM\r\nTo:\tReyes, Dana\r\nSubject:\tResume\r\n\r\nAttached is my resume.\r\n";
    let path = file(dir.path(), "07.eml", eml);
    rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
        "--now",
        "2001-06-27T12:00:00Z",
    ]);
    let record = deal(&rk, &d);
    assert_eq!(record["deal"]["status"], "open");
    let all = rk.json(&["replies", "list", "--all"]);
    for r in all.as_array().unwrap() {
        assert_ne!(r["class"], "lost", "{r}");
    }
}

#[test]
fn eval_reports_the_fresh_holdout_and_audits_the_cue_lists() {
    let rk = Rk::new();
    let eval = rk.json(&["replies", "eval"]);
    // The replies people really sent, read by a model that never saw them.
    let fresh = &eval["fresh_holdout"];
    assert_eq!(fresh["examples"], 66, "{fresh}");
    assert_eq!(fresh["false_moves"], 0, "{fresh}");
    assert!(fresh["moves"].as_u64().unwrap() > 0);
    let text = String::from_utf8_lossy(&rk.run(&["replies", "eval"]).stdout).to_string();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("fresh holdout"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(lines[at + 1].contains("false moves"), "{text}");

    // The audit: every pattern with what it matches in each committed set.
    let audit = rk.json(&["replies", "eval", "--cues"]);
    assert_eq!(
        audit["sets"],
        serde_json::json!(["labelled", "holdout", "fresh"])
    );
    let cues = audit["cues"].as_array().unwrap();
    assert_eq!(audit["patterns"].as_u64().unwrap() as usize, cues.len());
    assert!(
        cues.iter()
            .all(|c| c["matches"].as_array().unwrap().len() == 3)
    );
    let flagged = cues
        .iter()
        .filter(|c| c["one_line_or_none"] == true)
        .count();
    assert_eq!(
        audit["one_line_or_none"].as_u64().unwrap() as usize,
        flagged
    );
    assert!(flagged * 10 <= cues.len(), "{flagged} of {}", cues.len());
    let out = rk.run(&["replies", "eval", "--cues"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().next().unwrap_or("").contains("cue patterns"),
        "{text}"
    );
    // The audit is of the committed sets: it does not take another file.
    let out = rk.run(&["replies", "eval", "--cues", "--file", "x.jsonl"]);
    assert!(!out.status.success());
}

/// A stop is lifted only on purpose, and a date to look again lies ahead: deciding a stop
/// reply as anything else without `--lift-stop`, a look-again date not after today (in
/// `replies decide` and `close --resurface`) are refused and change nothing.
#[test]
fn a_stop_is_lifted_only_on_purpose_and_a_date_to_look_again_lies_ahead() {
    let rk = Rk::new();
    let now = "2026-11-27T10:00:00Z";
    rk.json(&["--now", now, "init"]);
    let d = deal_with(&rk, "Globex", "Sam Hill", "sam@globex.example");
    touch(&rk, &d, "Sam");
    let dir = tempfile::tempdir().unwrap();
    let mbox = reply(
        "stop@globex.example",
        "sam@globex.example",
        "Tue, 17 Nov 2026 10:00:00 +0000",
        "Please remove me from your list and do not contact me again.",
    );
    let path = file(dir.path(), "inbox.mbox", &mbox);
    let summary = rk.json(&[
        "--now",
        now,
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(summary["replies_read"]["stop"], 1, "{summary}");
    let reading = format!("R{}", rk.json(&["replies", "list", "--all"])[0]["id"]);
    let before = rk.snapshot();
    for args in [
        vec![
            "replies",
            "decide",
            &reading,
            "--as",
            "later",
            "--until",
            "2027-03-01",
        ],
        vec!["replies", "decide", &reading, "--as", "revive"],
    ] {
        let mut all = vec!["--now", now];
        all.extend(args);
        let said = rk.fails(&all);
        assert!(said.contains("--lift-stop"), "{said}");
        assert_eq!(rk.snapshot(), before, "{all:?} changed the record");
    }
    for until in ["2026-01-01", "2026-11-27"] {
        let said = rk.fails(&[
            "--now",
            now,
            "replies",
            "decide",
            &reading,
            "--as",
            "later",
            "--until",
            until,
            "--lift-stop",
        ]);
        assert!(said.contains("after today (2026-11-27)"), "{said}");
        let said = rk.fails(&["--now", now, "close", &d, "--nurture", "--resurface", until]);
        assert!(said.contains("after today (2026-11-27)"), "{said}");
        assert_eq!(rk.snapshot(), before);
    }
    // On purpose, with a date ahead: the stop is lifted and the date kept.
    rk.json(&[
        "--now",
        now,
        "replies",
        "decide",
        &reading,
        "--as",
        "later",
        "--until",
        "2027-03-01",
        "--lift-stop",
    ]);
    let record = deal(&rk, &d);
    assert_eq!(record["deal"]["resurface_on"], "2027-03-01", "{record}");
    assert_eq!(record["contacts"][0]["do_not_contact"], false, "{record}");
}

/// A person who asks to stop before any touch is on record (mail that answers nothing the
/// record holds) is not written to again: the address is blocked at once, and neither `today`
/// nor `draft` nor `outbox add` proposes them.
#[test]
fn a_stop_before_any_touch_is_honoured_at_once() {
    let rk = Rk::new();
    let now = "2026-11-27T10:00:00Z";
    rk.json(&["--now", now, "init"]);
    let d = deal_with(&rk, "Globex", "Kim Ito", "kim@globex.example");
    let dir = tempfile::tempdir().unwrap();
    let mbox = mbox_message(
        "stop-first@globex.example",
        "From: Kim Ito <kim@globex.example>\nTo: alex@seller.io\nSubject: Your emails",
        "Thu, 26 Nov 2026 10:00:00 +0000",
        "Please remove me from your list and do not contact me again.",
    );
    let path = file(dir.path(), "inbox.mbox", &mbox);
    rk.json(&[
        "--now",
        now,
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    let record = deal(&rk, &d);
    assert_eq!(record["contacts"][0]["do_not_contact"], true, "{record}");
    let said = rk.fails(&["--now", now, "draft", &d]);
    assert!(!said.is_empty());
    assert!(!rk.fails(&["--now", now, "outbox", "add", &d]).is_empty());
    assert!(rk.json(&["outbox", "list"]).as_array().unwrap().is_empty());
}
