//! Bounces and threads through the binary: the
//! field cases 03, 04 and 05 and the real-mail cases 12 and 14, and what a bounce then means
//! for drafting and sending.

mod common;
use common::{Rk, field_pipeline};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn case(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/data/bounces")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A deal at `account` (`domain`) with one contact per (name, address), created long before.
fn pipeline(rk: &Rk, now: &str, account: &str, domain: &str, contacts: &[(&str, &str)]) {
    field_pipeline(rk, now, account, domain, "1999-01-01", contacts);
}

/// The rep's message, so replies and bounces can thread to it.
fn outbound(dir: &Path, id: &str, to: &str, cc: Option<&str>, date: &str) -> PathBuf {
    let path = dir.join(format!("{id}.eml"));
    let cc = cc.map(|c| format!("Cc: {c}\r\n")).unwrap_or_default();
    std::fs::write(
        &path,
        format!(
            "From: Alex Morgan <alex@seller.example>\r\nTo: {to}\r\n{cc}Subject: Pilot scope for the yard management rollout\r\nDate: {date}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi,\r\n\r\nAttached is the pilot scope with the two sites we discussed.\r\n\r\nAlex\r\n"
        ),
    )
    .unwrap();
    path
}

fn import(rk: &Rk, now: &str, files: &[&str]) -> Value {
    let mut args = vec!["--now", now, "import", "mail"];
    args.extend(files);
    args.extend(["--me", "alex@seller.example"]);
    rk.json(&args)
}

fn activities(rk: &Rk, now: &str) -> Vec<(String, String, Option<i64>)> {
    rk.json(&["--now", now, "show", "D1"])["record"]["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["direction"].as_str().unwrap_or("").to_string(),
                a["outcome"].as_str().unwrap_or("").to_string(),
                a["contact"].as_i64(),
            )
        })
        .collect()
}

/// Gives the outbox's first message a finished body and approves it.
fn approve_with_body(rk: &Rk, now: &str, dir: &Path, name: &str) {
    let body = dir.join("body.txt");
    std::fs::write(&body, format!("Subject: Yard pilot numbers\n\nHi {name},\n\nHere is the throughput benchmark from the Rotterdam yard pilot: gate time fell from 14 to 9 minutes.\n\nAlex\n")).unwrap();
    let edited = rk.run(&[
        "--now",
        now,
        "outbox",
        "edit",
        "O1",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    assert!(edited.status.success(), "{edited:?}");
    let approved = rk.run(&["--now", now, "outbox", "approve", "O1"]);
    assert!(approved.status.success(), "{approved:?}");
}

/// What a dry-run send says about the outbox's first message.
fn send_verdict(rk: &Rk, now: &str) -> String {
    let out = rk.run(&[
        "--now",
        now,
        "outbox",
        "send",
        "--host",
        "127.0.0.1",
        "--port",
        "2525",
        "--user",
        "alex",
        "--password-env",
        "REKINDLE_TEST_UNSET_PW",
        "--dry-run",
    ]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn field_03_a_delay_report_marks_no_one() {
    let rk = Rk::new();
    let now = "2026-11-24T20:00:00Z";
    pipeline(
        &rk,
        now,
        "Northwind Freight",
        "northwind-freight.example",
        &[("Dana Reyes", "dana.reyes@northwind-freight.example")],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = outbound(
        dir.path(),
        "pilot-scope-2@seller.example",
        "dana.reyes@northwind-freight.example",
        None,
        "Tue, 24 Nov 2026 08:40:00 -0800",
    );
    import(
        &rk,
        now,
        &[out.to_str().unwrap(), &case("field-03-delay-dsn.eml")],
    );
    let acts = activities(&rk, now);
    assert!(acts.iter().all(|(_, o, _)| o != "bounced"), "{acts:?}");
    assert_eq!(acts.len(), 1, "the delay notice is not recorded: {acts:?}");
}

#[test]
fn realmail_12_and_14_delayed_is_nothing_and_a_base64_report_bounces() {
    let rk = Rk::new();
    let now = "2022-01-26T12:00:00Z";
    pipeline(
        &rk,
        now,
        "Northwind",
        "northwind.example",
        &[("Dana Reyes", "dana@northwind.example")],
    );
    let summary = import(
        &rk,
        "2002-07-24T12:00:00Z",
        &[&case("realmail-12-dsn-delayed-marked-bounced.eml")],
    );
    assert_eq!(summary["bounces"], 0, "{summary}");
    assert!(activities(&rk, now).is_empty());
    let summary = import(
        &rk,
        now,
        &[&case("realmail-14-dsn-base64-status-missed.eml")],
    );
    assert_eq!(summary["bounces"], 1, "{summary}");
    assert_eq!(
        activities(&rk, now),
        [("inbound".to_string(), "bounced".to_string(), Some(1))]
    );
}

#[test]
fn field_04_a_qmail_bounce_marks_only_the_failed_address_and_sending_agrees() {
    let rk = Rk::new();
    let now = "2026-11-24T20:00:00Z";
    pipeline(
        &rk,
        now,
        "Northwind Freight",
        "northwind-freight.example",
        &[
            ("Dana Reyes", "dana.reyes@northwind-freight.example"),
            ("Sam Okafor", "sam.okafor@northwind-freight.example"),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = outbound(
        dir.path(),
        "pilot-scope-3@seller.example",
        "Dana Reyes <dana.reyes@northwind-freight.example>",
        Some("Sam Okafor <sam.okafor@northwind-freight.example>"),
        "Tue, 24 Nov 2026 09:05:40 -0800",
    );
    import(
        &rk,
        now,
        &[
            out.to_str().unwrap(),
            &case("field-04-qmail-failure-notice.eml"),
        ],
    );
    let acts = activities(&rk, now);
    assert_eq!(
        acts.last().unwrap(),
        &("inbound".to_string(), "bounced".to_string(), Some(1))
    );
    // Drafting picks Sam (Dana's mail bounced); sending to Sam is allowed.
    let queued = rk.json(&["--now", now, "outbox", "add", "D1"]);
    assert!(
        queued
            .to_string()
            .contains("sam.okafor@northwind-freight.example"),
        "{queued}"
    );
    approve_with_body(&rk, now, dir.path(), "Sam");
    let verdict = send_verdict(&rk, "2026-11-26T16:00:00Z");
    assert!(!verdict.contains("bounced"), "{verdict}");
}

#[test]
fn draft_and_send_agree_that_an_address_works_again_once_its_contact_writes_back() {
    let rk = Rk::new();
    let now = "2026-11-24T20:00:00Z";
    pipeline(
        &rk,
        now,
        "Northwind Freight",
        "northwind-freight.example",
        &[("Dana Reyes", "dana.reyes@northwind-freight.example")],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = outbound(
        dir.path(),
        "pilot-scope-3@seller.example",
        "dana.reyes@northwind-freight.example",
        None,
        "Tue, 24 Nov 2026 09:05:40 -0800",
    );
    import(
        &rk,
        now,
        &[
            out.to_str().unwrap(),
            &case("field-04-qmail-failure-notice.eml"),
        ],
    );
    // Bounced, and no one else: no draft, and the send check would refuse too.
    let refused = rk.fails(&["--now", now, "outbox", "add", "D1"]);
    assert!(refused.contains("bounced"), "{refused}");
    // Dana writes back from the same address: reachable again, for both.
    let reply = dir.path().join("reply.eml");
    std::fs::write(&reply, "From: Dana Reyes <dana.reyes@northwind-freight.example>\r\nTo: alex@seller.example\r\nSubject: Re: Pilot scope for the yard management rollout\r\nDate: Wed, 25 Nov 2026 10:00:00 -0800\r\nMessage-ID: <dana-back@northwind-freight.example>\r\nIn-Reply-To: <pilot-scope-3@seller.example>\r\n\r\nOur mail server had a hiccup; all fixed. The scope looks right.\r\n").unwrap();
    let later = "2026-11-26T16:00:00Z";
    import(&rk, later, &[reply.to_str().unwrap()]);
    let queued = rk.json(&["--now", later, "outbox", "add", "D1"]);
    assert!(
        queued
            .to_string()
            .contains("dana.reyes@northwind-freight.example"),
        "{queued}"
    );
    approve_with_body(&rk, later, dir.path(), "Dana");
    let verdict = send_verdict(&rk, later);
    assert!(verdict.contains("O1"), "{verdict}");
    assert!(!verdict.contains("bounced"), "{verdict}");
}

#[test]
fn field_05_a_reply_from_a_personal_address_is_the_contacts_reply() {
    let rk = Rk::new();
    let now = "2026-11-26T16:00:00Z";
    pipeline(
        &rk,
        now,
        "Northwind Freight",
        "northwind-freight.example",
        &[("Dana Reyes", "dana.reyes@northwind-freight.example")],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = outbound(
        dir.path(),
        "pilot-scope-4@seller.example",
        "dana.reyes@northwind-freight.example",
        None,
        "Tue, 24 Nov 2026 09:00:00 -0800",
    );
    let summary = import(
        &rk,
        now,
        &[
            out.to_str().unwrap(),
            &case("field-05-reply-from-personal-address.eml"),
        ],
    );
    assert_eq!(summary["replies"], 1, "{summary}");
    assert_eq!(
        activities(&rk, now).last().unwrap(),
        &("inbound".to_string(), "replied".to_string(), Some(1))
    );
    let show = rk.json(&["--now", now, "show", "D1"]);
    assert_eq!(show["assessment"]["sequence"]["unanswered_touches"], 0);
    // The new address is offered.
    assert_eq!(summary["contacts_suggested"], 1, "{summary}");
}

#[test]
fn a_stranger_on_an_unrelated_thread_is_still_nobody() {
    let rk = Rk::new();
    let now = "2026-11-26T16:00:00Z";
    pipeline(
        &rk,
        now,
        "Northwind Freight",
        "northwind-freight.example",
        &[("Dana Reyes", "dana.reyes@northwind-freight.example")],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = outbound(
        dir.path(),
        "pilot-scope-4@seller.example",
        "dana.reyes@northwind-freight.example",
        None,
        "Tue, 24 Nov 2026 09:00:00 -0800",
    );
    let stranger = dir.path().join("stranger.eml");
    std::fs::write(&stranger, "From: Lee <lee.home@gmail.com>\r\nTo: alex@seller.example\r\nSubject: Re: Book club\r\nDate: Wed, 25 Nov 2026 10:00:00 -0800\r\nMessage-ID: <lee-1@mail.gmail.com>\r\nIn-Reply-To: <bookclub-7@seller.example>\r\n\r\nSee you Thursday.\r\n").unwrap();
    let summary = import(
        &rk,
        now,
        &[out.to_str().unwrap(), stranger.to_str().unwrap()],
    );
    assert_eq!(summary["replies"], 0, "{summary}");
    assert_eq!(activities(&rk, now).len(), 1);
}

#[test]
fn a_report_failing_two_contacts_stops_drafting_and_sending_to_both() {
    let rk = Rk::new();
    let now = "2026-11-24T20:00:00Z";
    pipeline(
        &rk,
        now,
        "Lane",
        "lane.example",
        &[
            ("Kevin Lane", "kevin@lane.example"),
            ("Jeff Lang", "jeff@lane.example"),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = outbound(
        dir.path(),
        "pilot-9@seller.example",
        "kevin@lane.example",
        Some("jeff@lane.example"),
        "Tue, 24 Nov 2026 09:00:00 -0800",
    );
    let dsn = dir.path().join("dsn.eml");
    std::fs::write(&dsn, "From: Mail Delivery System <MAILER-DAEMON@mx.seller.example>\r\nTo: alex@seller.example\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Tue, 24 Nov 2026 10:00:00 -0800\r\nMessage-ID: <dsn-9@mx.seller.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.seller.example\r\n\r\nFinal-Recipient: rfc822; kevin@lane.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\nFinal-Recipient: rfc822; jeff@lane.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--B--\r\n").unwrap();
    let summary = import(&rk, now, &[out.to_str().unwrap(), dsn.to_str().unwrap()]);
    assert_eq!(summary["bounces"], 1, "{summary}");
    let acts = activities(&rk, now);
    assert!(acts.contains(&("inbound".to_string(), "bounced".to_string(), Some(1))));
    assert!(acts.contains(&("inbound".to_string(), "bounced".to_string(), Some(2))));
    // No one left to write to: drafting refuses, as the send check would.
    let refused = rk.fails(&["--now", now, "outbox", "add", "D1"]);
    assert!(refused.contains("bounced"), "{refused}");
}

#[test]
fn a_reply_from_another_address_threads_to_a_touch_imported_earlier() {
    let rk = Rk::new();
    let now = "2026-11-26T16:00:00Z";
    pipeline(
        &rk,
        now,
        "Northwind Freight",
        "northwind-freight.example",
        &[("Dana Reyes", "dana.reyes@northwind-freight.example")],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = outbound(
        dir.path(),
        "pilot-scope-4@seller.example",
        "dana.reyes@northwind-freight.example",
        None,
        "Tue, 24 Nov 2026 09:00:00 -0800",
    );
    import(&rk, "2026-11-24T18:00:00Z", &[out.to_str().unwrap()]);
    let summary = import(
        &rk,
        now,
        &[&case("field-05-reply-from-personal-address.eml")],
    );
    assert_eq!(summary["replies"], 1, "{summary}");
    assert_eq!(
        activities(&rk, now).last().unwrap(),
        &("inbound".to_string(), "replied".to_string(), Some(1))
    );
}
