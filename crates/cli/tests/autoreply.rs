//! Auto-replies, list traffic and return dates through the binary.
//! `tests/autoreply/*.eml` are the project's field and real-mail cases (rebuilt from public
//! bug reports and public list archives, people and addresses invented): field/12, 13, 15 and
//! realmail/01, 08, 10. The other messages here are invented examples of the same kinds.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/autoreply");

fn case(name: &str) -> PathBuf {
    Path::new(CASES).join(name)
}

/// A pipeline with one deal at `account` and one contact; returns the deal's id.
fn pipeline(rk: &Rk, now: &str, account: &str, domain: &str, name: &str, email: &str) -> String {
    field_pipeline(rk, now, account, domain, "2000-01-01", &[(name, email)])
}

/// The rep's message a reply threads to.
fn outbound(dir: &Path, id: &str, to: &str, subject: &str, date: &str) -> PathBuf {
    file(
        dir,
        &format!("{id}.eml"),
        &format!(
            "From: Alex Morgan <alex@seller.example>\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi,\r\n\r\nAttached is the pilot scope with the two sites we discussed.\r\n\r\nAlex\r\n"
        ),
    )
}

fn import(rk: &Rk, now: &str, files: &[&Path]) -> Value {
    let mut args = vec!["--now", now, "import", "mail"];
    args.extend(files.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--me", "alex@seller.example"]);
    rk.json(&args)
}

fn show(rk: &Rk, now: &str, deal: &str) -> Value {
    rk.json(&["--now", now, "show", deal])
}

/// The last activity as (direction, outcome, returns_on).
fn last(rk: &Rk, now: &str, deal: &str) -> (String, String, Value) {
    let shown = show(rk, now, deal);
    let a = shown["record"]["activities"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    (
        a["direction"].as_str().unwrap().to_string(),
        a["outcome"].as_str().unwrap_or("").to_string(),
        a["returns_on"].clone(),
    )
}

#[test]
fn field_12_a_range_gives_the_day_after_and_the_next_touch_a_working_day() {
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-11-24T18:00:00Z";
    let d = pipeline(
        &rk,
        now,
        "Northwind Freight",
        "northwind-freight.example",
        "Dana Reyes",
        "dana.reyes@northwind-freight.example",
    );
    let out = outbound(
        dir.path(),
        "pilot-scope-8@seller.example",
        "dana.reyes@northwind-freight.example",
        "Pilot scope for the yard management rollout",
        "Tue, 24 Nov 2026 07:55:00 -0800",
    );
    import(&rk, now, &[&out, &case("12-ooo-date-range.eml")]);
    let (direction, outcome, back) = last(&rk, now, &d);
    assert_eq!(
        (direction.as_str(), outcome.as_str()),
        ("inbound", "auto_reply")
    );
    assert_eq!(back, "2026-12-05", "back the day after Friday 4 December");
    let due = show(&rk, now, &d)["assessment"]["next_action"]["due"].clone();
    assert!(
        due.as_str().unwrap().starts_with("2026-12-07"),
        "the touch waits for Monday, not Saturday: {due}"
    );
}

#[test]
fn field_13_a_permanent_auto_reply_stops_the_chasing_and_brings_in_the_successor() {
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-11-24T18:00:00Z";
    let d = pipeline(
        &rk,
        now,
        "Northwind Freight",
        "northwind-freight.example",
        "Dana Reyes",
        "dana.reyes@northwind-freight.example",
    );
    let out = outbound(
        dir.path(),
        "pilot-scope-9@seller.example",
        "dana.reyes@northwind-freight.example",
        "Pilot scope for the yard management rollout",
        "Tue, 24 Nov 2026 07:55:00 -0800",
    );
    let summary = import(&rk, now, &[&out, &case("13-left-company-autoreply.eml")]);
    assert_eq!(summary["auto_replies"], 1, "{summary}");
    assert_eq!(
        summary["contacts_suggested"], 1,
        "Priya is offered: {summary}"
    );
    let record = show(&rk, now, &d)["record"].clone();
    let contacts = record["contacts"].as_array().unwrap();
    let dana = contacts.iter().find(|c| c["name"] == "Dana Reyes").unwrap();
    assert_eq!(
        dana["do_not_contact"], true,
        "Dana's address is not written to"
    );
    assert_eq!(
        contacts.len(),
        1,
        "the successor is offered, not added on its own"
    );
    // The stop is a reading the rep can override; it names the successor and moves nothing
    // else.
    let readings = rk.json(&["--now", now, "replies", "list", "--all"]);
    let reading = &readings.as_array().unwrap()[0];
    assert_eq!(reading["class"], "out_of_office", "{reading}");
    let said = reading.to_string();
    assert!(
        said.contains("priya.natarajan@northwind-freight.example")
            && said.contains("Priya Natarajan"),
        "{said}"
    );
    assert!(said.contains("do_not_contact"), "{said}");
    let drafted = rk.run(&["--now", "2026-11-30T16:00:00Z", "outbox", "add", &d]);
    let said = String::from_utf8_lossy(&drafted.stdout).to_string()
        + &String::from_utf8_lossy(&drafted.stderr);
    assert!(!said.contains("Dana Reyes"), "nothing goes to Dana: {said}");
}

#[test]
fn field_15_a_reply_that_quotes_a_vacation_is_a_reply() {
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-12-09T18:00:00Z";
    let d = pipeline(
        &rk,
        now,
        "Northwind Freight",
        "northwind-freight.example",
        "Dana Reyes",
        "dana.reyes@northwind-freight.example",
    );
    let out = outbound(
        dir.path(),
        "pilot-scope-10@seller.example",
        "dana.reyes@northwind-freight.example",
        "Pilot scope for the yard management rollout",
        "Tue, 08 Dec 2026 09:00:00 -0800",
    );
    import(&rk, now, &[&out, &case("15-reply-quotes-vacation.eml")]);
    let (direction, outcome, back) = last(&rk, now, &d);
    assert_eq!(
        (direction.as_str(), outcome.as_str(), back),
        ("inbound", "replied", Value::Null)
    );
}

#[test]
fn realmail_01_and_08_people_on_lists_and_answering_out_of_offices_are_replying() {
    for (file, now, account, domain, name, email) in [
        (
            "01-list-reply-precedence-bulk.eml",
            "2017-10-29T18:00:00Z",
            "Farrow",
            "farrow.example",
            "Brian Farrow",
            "brian@farrow.example",
        ),
        (
            "08-human-reply-subject-out-of-office.eml",
            "2002-08-02T23:00:00Z",
            "Lane",
            "lane.example",
            "Kevin Lane",
            "kevin@lane.example",
        ),
    ] {
        let rk = Rk::new();
        let d = pipeline(&rk, now, account, domain, name, email);
        let summary = import(&rk, now, &[&case(file)]);
        assert_eq!(
            (
                summary["replies"].as_u64(),
                summary["auto_replies"].as_u64()
            ),
            (Some(1), Some(0)),
            "{file}: {summary}"
        );
        assert_eq!(last(&rk, now, &d).1, "replied", "{file}");
    }
}

#[test]
fn realmail_10_a_european_date_is_read_day_first_and_never_before_the_message() {
    let rk = Rk::new();
    let now = "2002-08-03T12:00:00Z";
    let d = pipeline(
        &rk,
        now,
        "Northwind",
        "northwind.example",
        "Sam Doyle",
        "sam.doyle@northwind.example",
    );
    import(&rk, now, &[&case("10-ooo-european-date.eml")]);
    let (_, outcome, back) = last(&rk, now, &d);
    assert_eq!(
        (outcome.as_str(), back),
        ("auto_reply", "2002-08-06".into())
    );
}

#[test]
fn a_list_reply_in_the_reps_thread_with_outlook_headers_is_a_reply() {
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-11-25T18:00:00Z";
    let d = pipeline(
        &rk,
        now,
        "Lang",
        "lang.example",
        "Jeff Lang",
        "jeff@lang.example",
    );
    let out = outbound(
        dir.path(),
        "beta-1@seller.example",
        "jeff@lang.example",
        "Beta access",
        "Tue, 24 Nov 2026 09:00:00 +0000",
    );
    let reply = file(
        dir.path(),
        "reply.eml",
        "From: Jeff Lang <jeff@lang.example>\r\nTo: beta@lists.seller.example\r\nCc: alex@seller.example\r\nSubject: Re: [beta] Beta access\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <r1@lang.example>\r\nIn-Reply-To: <beta-1@seller.example>\r\nPrecedence: list\r\nList-Id: Beta users <beta.lists.seller.example>\r\nList-Unsubscribe: <mailto:beta-leave@lists.seller.example>\r\nX-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply\r\nContent-Type: text/plain\r\n\r\nWorks for us - I was on vacation last week, so sorry for the delay.\r\n",
    );
    let summary = import(&rk, now, &[&out, &reply]);
    assert_eq!(summary["replies"], 1, "{summary}");
    assert_eq!(last(&rk, now, &d).1, "replied");
}

#[test]
fn a_german_notice_that_someone_left_without_a_successor_stops_the_address() {
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-11-25T18:00:00Z";
    let d = pipeline(
        &rk,
        now,
        "Marchand",
        "marchand.example",
        "Romain Marchand",
        "romain@marchand.example",
    );
    let notice = file(
        dir.path(),
        "left.eml",
        "From: Romain Marchand <romain@marchand.example>\r\nTo: alex@seller.example\r\nSubject: Automatische Antwort: Angebot\r\nDate: Wed, 25 Nov 2026 10:00:00 +0100\r\nMessage-ID: <l1@marchand.example>\r\nAuto-Submitted: auto-replied\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHerr Marchand ist nicht mehr in unserem Unternehmen tätig. Diese Adresse wird nicht mehr gelesen.\r\n",
    );
    import(&rk, now, &[&notice]);
    let record = show(&rk, now, &d)["record"].clone();
    assert_eq!(record["contacts"][0]["do_not_contact"], true);
    assert_eq!(record["contacts"].as_array().unwrap().len(), 1);
}

#[test]
fn a_french_absence_range_holds_the_touch_until_the_return() {
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-07-31T18:00:00Z";
    let d = pipeline(
        &rk,
        now,
        "Marchand",
        "marchand.example",
        "Romain Marchand",
        "romain@marchand.example",
    );
    let notice = file(
        dir.path(),
        "absent.eml",
        "From: Romain Marchand <romain@marchand.example>\r\nTo: alex@seller.example\r\nSubject: =?utf-8?q?R=C3=A9ponse_automatique_=3A_devis?=\r\nDate: Fri, 31 Jul 2026 10:00:00 +0200\r\nMessage-ID: <a1@marchand.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour,\r\n\r\nJe suis absent du 3 au 14/08 inclus. En cas d'urgence, contactez le standard.\r\n",
    );
    import(&rk, now, &[&notice]);
    let (_, outcome, back) = last(&rk, now, &d);
    assert_eq!(
        (outcome.as_str(), back),
        ("auto_reply", "2026-08-15".into())
    );
    let due = show(&rk, now, &d)["assessment"]["next_action"]["due"].clone();
    assert!(
        due.as_str().unwrap().starts_with("2026-08-17"),
        "15 August 2026 is a Saturday: {due}"
    );
}

#[test]
fn a_person_who_mentions_a_holiday_in_an_answer_stays_a_reply() {
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-11-25T18:00:00Z";
    let d = pipeline(
        &rk,
        now,
        "Northwind",
        "northwind.example",
        "Dana Reyes",
        "dana@northwind.example",
    );
    let reply = file(
        dir.path(),
        "reply.eml",
        "From: Dana Reyes <dana@northwind.example>\r\nTo: alex@seller.example\r\nSubject: Re: Pilot\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <h1@northwind.example>\r\nContent-Type: text/plain\r\n\r\nI'm on holiday until Monday but happy to take a call on Tuesday.\r\n",
    );
    let summary = import(&rk, now, &[&reply]);
    assert_eq!(summary["replies"], 1, "{summary}");
    // A reply, holding the next touch until the day they are back ("until Monday").
    let (_, outcome, back) = last(&rk, now, &d);
    assert_eq!((outcome.as_str(), back), ("replied", "2026-11-30".into()));
}

#[test]
fn the_reader_keeps_list_and_automatic_headers_whatever_their_case() {
    let list = rekindle_ingest::parse(
        b"From: Daniel <daniel@lang.example>\nTo: dev@lists.example\nSubject: Re: [PATCH] x\nDate: Fri, 16 Sep 2022 15:56:46 -0700\nMessage-ID: <m1@lang.example>\nX-Auto-Response-Suppress: DR, OOF, AutoReply\nPrecedence: bulk\nList-ID: <linux-kernel.vger.kernel.org>\n\nSo how about an option?\n",
    )
    .unwrap();
    assert!(list.is_list());
    assert!(
        list.automatic_headers
            .iter()
            .any(|(n, v)| n == "Date" && v.ends_with("-0700")),
        "{:?}",
        list.automatic_headers
    );
    let person = rekindle_ingest::parse(
        b"From: Dana <dana@northwind.example>\nTo: alex@seller.example\nSubject: Re: pilot\nDate: Wed, 25 Nov 2026 10:00:00 +0000\nMessage-ID: <m2@northwind.example>\n\nThursday works.\n",
    )
    .unwrap();
    assert!(!person.is_list());
    let auto = rekindle_ingest::parse(
        b"From: Dana <dana@northwind.example>\nTo: alex@seller.example\nSubject: Automatic reply: pilot\nDate: Wed, 25 Nov 2026 10:00:00 +0100\nMessage-ID: <m3@northwind.example>\nx-auto-response-suppress: All\nX-MS-Exchange-Inbox-Rules-Loop: dana@northwind.example\nauto-submitted: auto-generated\n\nI am out of the office until 04/12.\n",
    )
    .unwrap();
    let sent = "2026-11-25".parse().unwrap();
    let read = rekindle_core::mail::auto_reply_to(&auto, &auto.text, sent).unwrap();
    assert_eq!(
        read.returns_on.map(|d| d.to_string()).as_deref(),
        Some("2026-12-05"),
        "day first from the +0100 zone: back the day after 4 December"
    );
}

#[test]
fn a_reply_that_says_the_person_is_away_stays_a_reply_and_holds_the_next_touch() {
    // The kind of a public r-sig-db answer: "Yes. ... (I'm on vacation until the 17th --
    // replies will be terse)."
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-12-09T18:00:00Z";
    let d = pipeline(
        &rk,
        now,
        "Northwind",
        "northwind.example",
        "Dana Reyes",
        "dana@northwind.example",
    );
    let out = outbound(
        dir.path(),
        "pilot-11@seller.example",
        "dana@northwind.example",
        "Pilot",
        "Tue, 08 Dec 2026 09:00:00 +0000",
    );
    let reply = file(
        dir.path(),
        "reply.eml",
        "From: Dana Reyes <dana@northwind.example>\r\nTo: alex@seller.example\r\nSubject: Re: Pilot\r\nDate: Wed, 09 Dec 2026 10:00:00 +0000\r\nMessage-ID: <v1@northwind.example>\r\nIn-Reply-To: <pilot-11@seller.example>\r\nContent-Type: text/plain\r\n\r\nYes.\r\n\r\nDana\r\n\r\n(I'm on vacation until the 17th -- replies will be terse).\r\n",
    );
    let summary = import(&rk, now, &[&out, &reply]);
    assert_eq!(summary["replies"], 1, "{summary}");
    let (_, outcome, back) = last(&rk, now, &d);
    assert_eq!(outcome, "replied");
    assert_eq!(back, "2026-12-18", "held until the day after the 17th");
    let due = show(&rk, now, &d)["assessment"]["next_action"]["due"].clone();
    assert!(
        due.as_str().unwrap() >= "2026-12-18",
        "no touch while they are away: {due}"
    );
}
