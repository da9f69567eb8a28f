//! Kinds of real mail through the binary: each test imports
//! messages written the way real clients write them (`tests/mailkinds/*.eml`: Outlook,
//! Gmail, Apple Mail and Exchange header sets and MIME structure; people and addresses
//! invented) and checks what the record makes of them.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mailkinds");

fn case(name: &str) -> PathBuf {
    Path::new(CASES).join(name)
}

/// A pipeline at Northwind with Dana and Sam as contacts; returns the deal's id.
fn northwind(rk: &Rk, now: &str) -> String {
    field_pipeline(
        rk,
        now,
        "Northwind",
        "northwind.example",
        "2026-10-01",
        &[
            ("Dana Reyes", "dana.reyes@northwind.example"),
            ("Sam Doyle", "sam@northwind.example"),
        ],
    )
}

/// The rep's message a reply threads to.
fn outbound(dir: &Path, id: &str, to: &str, subject: &str, date: &str) -> PathBuf {
    file(
        dir,
        &format!("{id}.eml"),
        &format!(
            "From: Alex Morgan <alex@seller.example>\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi,\r\n\r\nAttached is the pilot scope with the two sites we discussed.\r\n\r\nAlex\r\n"
        ),
    )
}

fn import(rk: &Rk, now: &str, files: &[&Path]) -> Value {
    let mut args = vec!["--now", now, "import", "mail"];
    args.extend(files.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--me", "alex@seller.example"]);
    rk.json(&args)
}

fn activities(rk: &Rk, now: &str, deal: &str) -> Vec<Value> {
    rk.json(&["--now", now, "show", deal])["record"]["activities"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn mail_from_the_deals_people_before_any_touch_is_engagement_not_a_reply() {
    for (file, sender) in [
        ("unprompted-outlook.eml", "dana.reyes@northwind.example"),
        ("unprompted-gmail.eml", "sam@northwind.example"),
    ] {
        let rk = Rk::new();
        let now = "2026-11-12T09:00:00Z";
        let d = northwind(&rk, now);
        let summary = import(&rk, now, &[&case(file)]);
        assert_eq!(
            (summary["replies"].as_u64(), summary["unprompted"].as_u64()),
            (Some(0), Some(1)),
            "{file}: {summary}"
        );
        let shown = rk.json(&["--now", now, "show", &d]);
        let acts = shown["record"]["activities"].as_array().unwrap();
        assert_eq!(acts.len(), 1, "{file}: on the timeline");
        assert_eq!(
            (acts[0]["direction"].as_str(), acts[0]["outcome"].as_str()),
            (Some("inbound"), Some("wrote")),
            "{file}"
        );
        // Read and offered, never acted on: the loss it mentions answers no touch.
        assert_eq!(shown["record"]["deal"]["status"], "open", "{file}");
        let readings = rk.json(&["--now", now, "replies", "list", "--all"]);
        let reading = &readings.as_array().unwrap()[0];
        let changes = reading["changes"].to_string();
        assert!(
            changes.contains("needs_rep") && !changes.contains("close"),
            "{file}: {reading}"
        );
        assert_eq!(reading["state"], "needs_rep", "{file}: {reading}");

        // The rep's first touch after it, then an answer in its thread: that one is a reply.
        let dir = tempfile::tempdir().unwrap();
        let touch = outbound(
            dir.path(),
            "first-touch@seller.example",
            sender,
            "Dock scheduling",
            "Wed, 11 Nov 2026 09:00:00 +0000",
        );
        let answer = common::file(
            dir.path(),
            "answer.eml",
            &format!(
                "From: <{sender}>\r\nTo: alex@seller.example\r\nSubject: Re: Dock scheduling\r\nDate: Wed, 11 Nov 2026 16:00:00 +0000\r\nMessage-ID: <answer@northwind.example>\r\nIn-Reply-To: <first-touch@seller.example>\r\nContent-Type: text/plain\r\n\r\nThanks, Thursday at 10 works for a call.\r\n"
            ),
        );
        let later = "2026-11-12T10:00:00Z";
        let summary = import(&rk, later, &[&touch, &answer]);
        assert_eq!(summary["replies"], 1, "{file}: {summary}");
        let outcomes: Vec<String> = activities(&rk, later, &d)
            .iter()
            .map(|a| a["outcome"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(outcomes, ["wrote", "sent", "replied"], "{file}");
    }
}

#[test]
fn a_notice_of_a_new_address_retires_the_old_one_and_offers_the_new_one_for_the_same_person() {
    for (file, old, new, name) in [
        (
            "moved-exchange-de.eml",
            "dana.reyes@northwind.example",
            "dana.reyes@northwind-group.example",
            "Dana Reyes",
        ),
        (
            "moved-plain-en.eml",
            "sam@northwind.example",
            "sam.doyle@northwind-logistics.example",
            "Sam Doyle",
        ),
    ] {
        let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
        let now = "2026-11-26T18:00:00Z";
        let d = northwind(&rk, now);
        let touch = outbound(
            dir.path(),
            "moved-1@seller.example",
            old,
            "Pilot scope",
            "Wed, 25 Nov 2026 09:00:00 +0000",
        );
        let summary = import(&rk, now, &[&touch, &case(file)]);
        assert_eq!(
            (
                summary["auto_replies"].as_u64(),
                summary["contacts_suggested"].as_u64()
            ),
            (Some(1), Some(1)),
            "{file}: {summary}"
        );
        let record = rk.json(&["--now", now, "show", &d])["record"].clone();
        let contacts = record["contacts"].as_array().unwrap();
        assert_eq!(contacts.len(), 2, "{file}: no successor added");
        let person = contacts.iter().find(|c| c["name"] == name).unwrap();
        assert_eq!(
            person["do_not_contact"], false,
            "{file}: the person is still reachable"
        );
        let reading = rk.json(&["--now", now, "replies", "list", "--all"])[0].clone();
        let said = reading.to_string();
        assert!(
            said.contains("stop_address") && !said.contains("do_not_contact"),
            "{file}: only the old address stops: {said}"
        );
        assert!(said.contains(new), "{file}: {said}");
        assert!(
            reading["reading"]["referral"].is_null(),
            "{file}: not a successor: {reading}"
        );
        // The old address is held at send time: its draft is refused, the person is not.
        let blocked = rk.json(&["--now", now, "replies", "list", "--all"])[0]["changes"][0]["undo"]
            ["address"]
            .clone();
        assert_eq!(blocked, old, "{file}");
    }
}

#[test]
fn html_only_replies_are_read_without_the_history_they_quote() {
    for (file, own, quoted) in [
        (
            "html-gmail-reply.eml",
            "I'll read it tonight",
            "Should I close the file",
        ),
        (
            "html-outlook-reply.eml",
            "share it with our IT lead",
            "Should I close the file",
        ),
        (
            "html-apple-reply.eml",
            "Thursday at 10 works",
            "signed with someone else",
        ),
    ] {
        let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
        let now = "2026-11-24T20:00:00Z";
        let d = northwind(&rk, now);
        let to = if file.contains("outlook") {
            "sam@northwind.example"
        } else {
            "dana.reyes@northwind.example"
        };
        let touch = outbound(
            dir.path(),
            "html-1@seller.example",
            to,
            "Pilot scope",
            "Mon, 23 Nov 2026 09:00:00 +0000",
        );
        let summary = import(&rk, now, &[&touch, &case(file)]);
        assert_eq!(summary["replies"], 1, "{file}: {summary}");
        let reading = rk.json(&["--now", now, "replies", "list", "--all"])[0].clone();
        let text = reading["text"].as_str().unwrap();
        assert!(text.contains(own), "{file}: own words kept: {text}");
        assert!(
            !text.contains(quoted) && !text.contains("wrote:"),
            "{file}: the quoted history is not the sender's: {text}"
        );
        let record = rk.json(&["--now", now, "show", &d])["record"].clone();
        assert_eq!(record["deal"]["status"], "open", "{file}");
        assert!(
            record["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["do_not_contact"] == false),
            "{file}: the quoted 'remove me' / 'stop' is the rep's own words"
        );
    }
}

#[test]
fn answers_written_inside_the_original_wait_for_the_rep_and_say_why() {
    for (file, to) in [
        ("inline-outlook-en.eml", "dana.reyes@northwind.example"),
        ("inline-outlook-de.eml", "sam@northwind.example"),
    ] {
        let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
        let now = "2026-11-24T20:00:00Z";
        let d = northwind(&rk, now);
        let touch = outbound(
            dir.path(),
            "inline-1@seller.example",
            to,
            "Pilot scope",
            "Mon, 23 Nov 2026 09:00:00 +0000",
        );
        let summary = import(&rk, now, &[&touch, &case(file)]);
        assert_eq!(summary["replies"], 1, "{file}: {summary}");
        let reading = rk.json(&["--now", now, "replies", "list", "--all"])[0].clone();
        assert_eq!(reading["state"], "needs_rep", "{file}: {reading}");
        assert_eq!(reading["reading"]["confident"], false, "{file}: {reading}");
        let why = reading["changes"][0]["action"]["why"]
            .as_str()
            .unwrap_or("");
        assert!(
            why.contains("inside the quoted message"),
            "{file}: says why: {reading}"
        );
        let record = rk.json(&["--now", now, "show", &d])["record"].clone();
        assert_eq!(record["deal"]["status"], "open", "{file}");
        assert_eq!(record["contacts"].as_array().unwrap().len(), 2, "{file}");
        assert!(
            record["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["do_not_contact"] == false),
            "{file}"
        );
    }
}

#[test]
fn a_short_answer_that_mentions_an_absence_is_a_reply_with_its_return_date() {
    for (file, to) in [
        ("away-answer-iphone.eml", "dana.reyes@northwind.example"),
        ("away-answer-de.eml", "sam@northwind.example"),
    ] {
        let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
        let now = "2026-11-25T18:00:00Z";
        let d = northwind(&rk, now);
        let touch = outbound(
            dir.path(),
            "away-1@seller.example",
            to,
            "Pilot scope",
            "Tue, 24 Nov 2026 09:00:00 +0000",
        );
        let summary = import(&rk, now, &[&touch, &case(file)]);
        assert_eq!(
            (
                summary["replies"].as_u64(),
                summary["auto_replies"].as_u64()
            ),
            (Some(1), Some(0)),
            "{file}: {summary}"
        );
        let last = activities(&rk, now, &d).last().unwrap().clone();
        assert_eq!(last["outcome"], "replied", "{file}");
        assert_eq!(last["returns_on"], "2026-12-07", "{file}: {last}");
        let due = rk.json(&["--now", now, "show", &d])["assessment"]["next_action"]["due"].clone();
        assert!(
            due.as_str().is_none_or(|d| d >= "2026-12-07"),
            "{file}: no touch before the return: {due}"
        );
    }
}

#[test]
fn an_absence_from_the_contacts_other_address_at_the_account_holds_the_contact() {
    // realmail/10: Sam Doyle's Lotus Notes notice from sam.doyle@, Sam being sam@ in the
    // record (the address spells the name); and an Exchange out-of-office from an alias that
    // spells nothing, in the thread of the touch to Sam (a mailbox answers for its owner).
    let realmail_10 = Path::new(CASES).join("../autoreply/10-ooo-european-date.eml");
    for (file, now, touch_date, back) in [
        (
            realmail_10,
            "2002-08-03T12:00:00Z",
            "Fri, 02 Aug 2002 09:00:00 +0100",
            "2002-08-06",
        ),
        (
            case("ooo-alias-exchange.eml"),
            "2026-11-24T12:00:00Z",
            "Tue, 24 Nov 2026 08:59:00 +0000",
            // "until Friday 4 December": back on the working day named.
            "2026-12-04",
        ),
    ] {
        let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
        let d = field_pipeline(
            &rk,
            now,
            "Northwind",
            "northwind.example",
            "1999-01-01",
            &[
                ("Sam Doyle", "sam@northwind.example"),
                ("Dana Reyes", "dana.reyes@northwind.example"),
            ],
        );
        let touch = outbound(
            dir.path(),
            "alias-1@seller.example",
            "sam@northwind.example",
            "Pilot scope",
            touch_date,
        );
        let summary = import(&rk, now, &[&touch, &file]);
        assert_eq!(summary["auto_replies"], 1, "{file:?}: {summary}");
        let shown = rk.json(&["--now", now, "show", &d]);
        let sam = shown["record"]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "Sam Doyle")
            .unwrap()["id"]
            .clone();
        let last = shown["record"]["activities"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(
            (&last["outcome"], &last["contact"], &last["returns_on"]),
            (&Value::from("auto_reply"), &sam, &Value::from(back)),
            "{file:?}: Sam's absence: {last}"
        );
        let due = shown["assessment"]["next_action"]["due"].clone();
        assert!(
            due.as_str().is_none_or(|d| d >= back),
            "{file:?}: no touch before Sam is back: {due}"
        );
    }
}

#[test]
fn amazon_ses_bounce_notifications_mark_only_their_failed_recipients() {
    for (file, bounced, kept) in [
        (
            "ses-bounce-email.eml",
            "dana.reyes@northwind.example",
            "sam@northwind.example",
        ),
        (
            "ses-bounce-email-json.eml",
            "sam@northwind.example",
            "dana.reyes@northwind.example",
        ),
    ] {
        let rk = Rk::new();
        let now = "2026-11-25T18:00:00Z";
        let d = northwind(&rk, now);
        // A transient bounce (mailbox full) marks no one.
        let summary = import(&rk, now, &[&case("ses-bounce-transient.eml"), &case(file)]);
        assert_eq!(summary["bounces"], 1, "{file}: {summary}");
        let shown = rk.json(&["--now", now, "show", &d]);
        let acts = shown["record"]["activities"].as_array().unwrap().clone();
        let contacts = shown["record"]["contacts"].as_array().unwrap().clone();
        let id_of = |address: &str| {
            contacts
                .iter()
                .find(|c| c["emails"].to_string().contains(address))
                .unwrap()["id"]
                .clone()
        };
        let bounced_ids: Vec<Value> = acts
            .iter()
            .filter(|a| a["outcome"] == "bounced")
            .map(|a| a["contact"].clone())
            .collect();
        assert_eq!(bounced_ids, [id_of(bounced)], "{file}: {acts:?}");
        assert!(!bounced_ids.contains(&id_of(kept)), "{file}");
    }
}

#[test]
fn a_draft_goes_to_the_persons_next_address_once_the_old_one_is_retired() {
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-11-26T18:00:00Z";
    let d = field_pipeline(
        &rk,
        now,
        "Northwind",
        "northwind.example",
        "2026-10-01",
        &[],
    );
    rk.json(&[
        "--now",
        now,
        "contact",
        "add",
        "--deal",
        &d,
        "--name",
        "Dana Reyes",
        "--email",
        "dana.reyes@northwind.example",
        "--email",
        "dana.reyes@northwind-group.example",
        "--role",
        "champion",
    ]);
    let touch = outbound(
        dir.path(),
        "moved-1@seller.example",
        "dana.reyes@northwind.example",
        "Pilot scope",
        "Wed, 25 Nov 2026 09:00:00 +0000",
    );
    import(&rk, now, &[&touch, &case("moved-exchange-de.eml")]);
    let later = "2026-12-02T10:00:00Z";
    rk.json(&["--now", later, "outbox", "add", &d, "--play", "value_add"]);
    let queued = rk.json(&["--now", later, "outbox", "list"]);
    let to: Vec<&str> = queued
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["to"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(to, ["dana.reyes@northwind-group.example"], "{queued}");
    // A moved address is not a request to stop: the person stays reachable, and the rep may
    // still lift or set do-not-contact by hand.
    let shown = rk.json(&["--now", later, "show", &d]);
    let dana = shown["record"]["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Dana Reyes")
        .unwrap_or_else(|| panic!("{shown}"));
    assert_eq!(dana["do_not_contact"], false, "{dana}");
}

#[test]
fn a_person_whose_only_address_moved_gets_no_touch_until_the_new_one_is_added() {
    let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
    let now = "2026-11-26T18:00:00Z";
    let d = field_pipeline(
        &rk,
        now,
        "Northwind",
        "northwind.example",
        "2026-10-01",
        &[("Dana Reyes", "dana.reyes@northwind.example")],
    );
    let touch = outbound(
        dir.path(),
        "moved-1@seller.example",
        "dana.reyes@northwind.example",
        "Pilot scope",
        "Wed, 25 Nov 2026 09:00:00 +0000",
    );
    import(&rk, now, &[&touch, &case("moved-exchange-de.eml")]);
    let new = "dana.reyes@northwind-group.example";
    let later = "2026-12-02T10:00:00Z";
    let row = |rk: &Rk| -> Value {
        rk.json(&["--now", later, "scan", "--all"])
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["deal_id"].as_i64() == d.parse().ok())
            .cloned()
            .unwrap_or(Value::Null)
    };
    // The scan proposes nothing and names the way out: the new address.
    let scanned = row(&rk);
    let next = &scanned["next_action"];
    assert!(next["play"].is_null(), "{scanned}");
    assert_eq!(next["barrier"]["barrier"], "moved", "{scanned}");
    assert_eq!(next["barrier"]["to"], new, "{scanned}");
    let why = next["why"].as_str().unwrap_or("");
    assert!(
        why.contains("nobody to write to") && why.contains(new),
        "{why}"
    );
    // today lists no touch for it, and a draft is refused with the same words.
    let today = rk.json(&["--now", later, "today"]);
    assert!(
        !today.to_string().contains(&format!("\"deal_id\":{d}")),
        "{today}"
    );
    let refused = rk.run(&["--now", later, "outbox", "add", &d, "--play", "value_add"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("nobody to write to"), "{said}");
    // Once the rep adds the new address, the deal is chased again, at that address.
    rk.json(&[
        "--now",
        later,
        "contact",
        "add",
        "--deal",
        &d,
        "--name",
        "Dana Reyes",
        "--email",
        new,
    ]);
    assert!(row(&rk)["next_action"]["barrier"].is_null(), "{}", row(&rk));
    let queued = rk.json(&["--now", later, "outbox", "add", &d, "--play", "value_add"]);
    assert_eq!(queued["to"], new, "{queued}");
}

#[test]
fn a_reply_that_mentions_a_new_address_offers_it_and_retires_the_old_only_when_told() {
    for (words, retired) in [
        (
            "Sounds good, Thursday works.\r\n\r\nBTW my new address is dana.reyes@northwind-group.example, please use it from now on.\r\n\r\nDana\r\n",
            false,
        ),
        (
            "Sounds good, Thursday works.\r\n\r\nBTW my new address is dana.reyes@northwind-group.example; this address will stop working at the end of the month.\r\n\r\nDana\r\n",
            true,
        ),
    ] {
        let (rk, dir) = (Rk::new(), tempfile::tempdir().unwrap());
        let now = "2026-11-26T18:00:00Z";
        let d = field_pipeline(
            &rk,
            now,
            "Northwind",
            "northwind.example",
            "2026-10-01",
            &[("Dana Reyes", "dana.reyes@northwind.example")],
        );
        let touch = outbound(
            dir.path(),
            "new-1@seller.example",
            "dana.reyes@northwind.example",
            "Pilot scope",
            "Wed, 25 Nov 2026 09:00:00 +0000",
        );
        let reply = file(
            dir.path(),
            "reply.eml",
            &format!(
                "From: Dana Reyes <dana.reyes@northwind.example>\r\nTo: Alex Morgan <alex@seller.example>\r\nSubject: Re: Pilot scope\r\nDate: Wed, 25 Nov 2026 15:00:00 +0000\r\nMessage-ID: <new-2@northwind.example>\r\nIn-Reply-To: <new-1@seller.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{words}"
            ),
        );
        let summary = import(&rk, now, &[&touch, &reply]);
        assert_eq!(summary["replies"].as_u64(), Some(1), "{words}: {summary}");
        assert_eq!(
            summary["contacts_suggested"].as_u64(),
            Some(1),
            "{words}: the new address is offered: {summary}"
        );
        let changes = rk.json(&["--now", now, "replies", "list", "--all"])[0].to_string();
        assert_eq!(
            changes.contains("stop_address"),
            retired,
            "{words}: {changes}"
        );
        assert!(!changes.contains("do_not_contact"), "{words}: {changes}");
        // Kept: the person is still written to at the old address. Retired: nobody to write
        // to until the new address is added, and the scan names it.
        let later = "2026-12-02T10:00:00Z";
        let queued = rk.run(&[
            "--now",
            later,
            "--json",
            "outbox",
            "add",
            &d,
            "--play",
            "value_add",
        ]);
        assert_eq!(queued.status.success(), !retired, "{words}");
        if retired {
            let said = String::from_utf8_lossy(&queued.stderr);
            assert!(
                said.contains("nobody to write to")
                    && said.contains("dana.reyes@northwind-group.example"),
                "{said}"
            );
        }
    }
}
