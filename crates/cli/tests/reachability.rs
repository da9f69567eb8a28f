//! One reachability rule, walked through every command that could touch a person: a deal whose
//! people may not be touched (a date to look again ahead, everyone do-not-contact, every
//! address bounced, the contact away) gets no touch proposed by `today` or `scan`, drafted by
//! `draft`, queued by `outbox add`, `feature shipped`, `event add` or `promo add`, sent by
//! `outbox send` (or `--dry-run`), or ranked by `revive`; once a dated barrier lifts, each does.
//! The real binary, a real SQLite file, and a real SMTP server (aiosmtpd on loopback).

mod common;
mod servers;

use common::*;
use serde_json::Value;
use servers::{SmtpOptions, SmtpSink};
use std::collections::BTreeSet;

/// A quiet deal the engine would chase at `NOW`, that needed SAML login, with a message
/// approved while it could still be sent. The deal's id and the message's.
fn pipeline(rk: &Rk) -> (String, String) {
    let d = quiet_deal(rk);
    rk.json(&[
        "deal",
        "need",
        &d,
        "SAML login",
        "--why",
        "IT will not approve a tool without it",
    ]);
    let m = rk.json(&["outbox", "add", &d, "--play", "value_add"]);
    let id = format!("O{}", m["id"]);
    let body = m["body"].as_str().unwrap();
    let filled = fill(body);
    let out = rk.run_with_input(&["outbox", "edit", &id, "--body-file", "-"], Some(&filled));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    rk.json(&["outbox", "approve", &id]);
    (d, id)
}

/// Fills the draft's blanks, as the rep would.
fn fill(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let (Some(a), Some(b)) = (rest.find('['), rest.find(']')) {
        if b < a {
            break;
        }
        out += &rest[..a];
        out += "the checklist we use with finance teams";
        rest = &rest[b + 1..];
    }
    out + rest
}

fn json_of(rk: &Rk, now: &str, args: &[&str]) -> (bool, Value, String) {
    let mut all = vec!["--now", now, "--json"];
    all.extend_from_slice(args);
    let out = rk.run(&all);
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        value,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn has_deal(list: &Value, key: &str, deal: &str) -> bool {
    list.as_array().is_some_and(|items| {
        items
            .iter()
            .any(|i| i[key].as_i64() == deal.parse().ok() || i[key].as_str() == Some(deal))
    })
}

/// Every command that touched (proposed, drafted, queued, sent, ranked) the deal at `now`.
/// `n` keeps the revival records of each walk apart.
fn touches(
    rk: &Rk,
    sink: &SmtpSink,
    deal: &str,
    message: &str,
    now: &str,
    n: usize,
) -> BTreeSet<&'static str> {
    let mut touched = BTreeSet::new();
    let mut note = |what: &'static str, yes: bool| {
        if yes {
            touched.insert(what);
        }
    };
    let (ok, today, err) = json_of(rk, now, &["today"]);
    assert!(ok, "today: {err}");
    note("today", has_deal(&today, "deal_id", deal));
    let (ok, scan, err) = json_of(rk, now, &["scan", "--all"]);
    assert!(ok, "scan: {err}");
    // A play planned for later (their return) is not a touch now.
    let day = &now[..10];
    note(
        "scan",
        scan.as_array().unwrap().iter().any(|r| {
            r["deal_id"].as_i64() == deal.parse().ok()
                && !r["next_action"]["play"].is_null()
                && r["next_action"]["due"]
                    .as_str()
                    .is_some_and(|due| &due[..10] <= day)
        }),
    );
    let (ok, _, _) = json_of(rk, now, &["draft", deal]);
    note("draft", ok);
    let (ok, _, _) = json_of(rk, now, &["draft", deal, "--play", "value_add"]);
    note("draft --play", ok);
    let (ok, _, _) = json_of(rk, now, &["outbox", "add", deal, "--play", "value_add"]);
    note("outbox add", ok);
    let number = message.trim_start_matches('O');
    let port = sink.port.to_string();
    let send = [
        "outbox",
        "send",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--security",
        "plain",
        "--from",
        "alex@seller.io",
    ];
    let mut dry = send.to_vec();
    dry.push("--dry-run");
    let (_, report, err) = json_of(rk, now, &dry);
    assert!(report.is_object(), "send --dry-run: {err}");
    note(
        "outbox send --dry-run",
        report["sent"]
            .as_array()
            .unwrap()
            .iter()
            .any(|id| id.as_i64() == number.parse().ok()),
    );
    let before = sink.delivered().len();
    let (_, report, err) = json_of(rk, now, &send);
    assert!(report.is_object(), "send: {err}");
    let sent = report["sent"]
        .as_array()
        .unwrap()
        .iter()
        .any(|id| id.as_i64() == number.parse().ok());
    assert_eq!(sent, sink.delivered().len() > before, "{report}");
    note("outbox send", sent);
    let (ok, revive, err) = json_of(rk, now, &["revive", "--all"]);
    assert!(ok, "revive: {err}");
    note("revive", has_deal(&revive["candidates"], "deal", deal));
    let (ok, shipped, err) = json_of(rk, now, &["feature", "shipped", "SSO", "--queue"]);
    assert!(ok, "feature shipped: {err}");
    note("feature shipped", has_deal(&shipped["deals"], "deal", deal));
    let kinds = ["funding", "key_hire", "expansion", "news"];
    let (ok, event, err) = json_of(
        rk,
        now,
        &[
            "event",
            "add",
            "--account",
            "Acme",
            "--kind",
            kinds[n % kinds.len()],
            "--source",
            &format!("https://news.example/acme/{n}"),
            "--queue",
        ],
    );
    assert!(ok, "event add: {err}");
    note(
        "event add",
        has_deal(&event["reopens"], "deal", deal) || has_deal(&event["not_enough"], "deal", deal),
    );
    let name = format!("Offer {n}");
    let (ok, promo, err) = json_of(
        rk,
        now,
        &[
            "promo",
            "add",
            "--name",
            &name,
            "--kind",
            "discount",
            "--offer",
            "20% off the first year",
            "--until",
            "2027-12-31",
        ],
    );
    assert!(ok, "promo add: {err}");
    note("promo add", has_deal(&promo["deals"], "deal", deal));
    touched
}

const EVERY: &[&str] = &[
    "today",
    "scan",
    "draft",
    "draft --play",
    "outbox add",
    "outbox send --dry-run",
    "outbox send",
    "revive",
    "feature shipped",
    "event add",
    "promo add",
];

fn every() -> BTreeSet<&'static str> {
    EVERY.iter().copied().collect()
}

fn sink() -> SmtpSink {
    SmtpSink::start(SmtpOptions {
        security: "plain",
        ..SmtpOptions::default()
    })
}

#[test]
fn a_date_to_look_again_is_kept_by_every_command_until_it_comes() {
    let sink = sink();
    let rk = Rk::new();
    let (d, message) = pipeline(&rk);
    let out = rk.run(&["close", &d, "--nurture", "--resurface", "2027-02-01"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("2027-02-01"), "close echoes the date: {said}");
    let shown = String::from_utf8_lossy(&rk.run(&["show", &d]).stdout).into_owned();
    assert!(shown.contains("look again on 2027-02-01"), "{shown}");
    let listed = String::from_utf8_lossy(&rk.run(&["deal", "list"]).stdout).into_owned();
    assert!(listed.contains("2027-02-01"), "{listed}");

    for (n, now) in ["2026-11-23T09:00:00Z", "2027-01-31T15:00:00Z"]
        .iter()
        .enumerate()
    {
        assert_eq!(
            touches(&rk, &sink, &d, &message, now, n + 1),
            BTreeSet::new(),
            "before the date, at {now}"
        );
    }
    assert!(sink.delivered().is_empty());
    // The message approved before the deal was nurtured was written for an open deal: it is
    // refused at the first send, not held until the date and then sent as written.
    let listed = rk.json(&["outbox", "list"]);
    let held = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|m| format!("O{}", m["id"]) == message)
        .unwrap();
    assert_eq!(held["state"], "refused", "{held}");
    let why = held["error"].as_str().unwrap();
    assert!(
        why.contains("is nurture now") && why.contains("2027-02-01"),
        "{why}"
    );
    let draft = rk.fails(&["draft", &d]);
    assert!(draft.contains("2027-02-01"), "{draft}");
    let shown = String::from_utf8_lossy(&rk.run(&["show", &d]).stdout).into_owned();
    assert!(shown.contains("Next: wait until 2027-02-01"), "{shown}");
    // The rep reads it and approves it again, knowingly: it is held until the date.
    rk.json(&[
        "--now",
        "2027-01-31T16:00:00Z",
        "outbox",
        "approve",
        &message,
    ]);
    let shown = String::from_utf8_lossy(&rk.run(&["outbox", "list"]).stdout).into_owned();
    assert!(!shown.contains("refused"), "{shown}");

    // The day it comes, every path may touch them again.
    let touched = touches(&rk, &sink, &d, &message, "2027-02-01T10:00:00Z", 3);
    assert_eq!(touched, every());
    assert_eq!(sink.delivered().len(), 1);
}

#[test]
fn a_lost_deal_with_a_date_is_ranked_only_once_it_comes() {
    let sink = sink();
    let rk = Rk::new();
    let (d, message) = pipeline(&rk);
    let out = rk.run(&[
        "close",
        &d,
        "--lost",
        "--reason",
        "timing",
        "--resurface",
        "2027-02-01",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("2027-02-01"));
    // A lost deal shows no next touch.
    let shown = String::from_utf8_lossy(&rk.run(&["show", &d]).stdout).into_owned();
    assert!(shown.contains("Next: no touch"), "{shown}");
    assert!(shown.contains("look again on 2027-02-01"), "{shown}");
    assert_eq!(
        touches(&rk, &sink, &d, &message, NOW, 1),
        BTreeSet::new(),
        "before the date"
    );
    // After it: revival's commands bring it back; the sequence never touches a lost deal.
    let touched = touches(&rk, &sink, &d, &message, "2027-02-02T10:00:00Z", 2);
    let revival: BTreeSet<&str> = ["revive", "feature shipped", "event add", "promo add"]
        .into_iter()
        .collect();
    assert_eq!(touched, revival);
    assert!(sink.delivered().is_empty());
}

#[test]
fn a_deal_whose_people_all_asked_to_stop_is_touched_by_nothing() {
    let sink = sink();
    let rk = Rk::new();
    let (d, message) = pipeline(&rk);
    for contact in ["C1", "C2"] {
        let out = rk.run(&["contact", "dnc", contact]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for (n, now) in [NOW, "2027-06-01T10:00:00Z"].iter().enumerate() {
        assert_eq!(
            touches(&rk, &sink, &d, &message, now, n + 1),
            BTreeSet::new(),
            "at {now}"
        );
    }
    assert!(sink.delivered().is_empty());
}

#[test]
fn a_deal_whose_every_address_bounced_is_touched_by_nothing() {
    let sink = sink();
    let rk = Rk::new();
    let (d, message) = pipeline(&rk);
    let dir = tempfile::tempdir().unwrap();
    let dsn = file(
        dir.path(),
        "bounce.eml",
        "From: Mail Delivery System <MAILER-DAEMON@mx.seller.io>\r\nTo: alex@seller.io\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\nMessage-ID: <dsn-1@mx.seller.io>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.seller.io\r\n\r\nFinal-Recipient: rfc822; dana@acme.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\nFinal-Recipient: rfc822; priya@acme.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--B--\r\n",
    );
    let imported = rk.json(&[
        "import",
        "mail",
        dsn.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(imported["bounces"], 1, "{imported}");
    for (n, now) in [NOW, "2027-06-01T10:00:00Z"].iter().enumerate() {
        assert_eq!(
            touches(&rk, &sink, &d, &message, now, n + 1),
            BTreeSet::new(),
            "at {now}"
        );
    }
    assert!(sink.delivered().is_empty());
}

#[test]
fn a_contact_away_is_touched_by_nothing_until_they_are_back() {
    let sink = sink();
    let rk = Rk::new();
    let (d, message) = pipeline(&rk);
    let dir = tempfile::tempdir().unwrap();
    let away = file(
        dir.path(),
        "away.eml",
        "From: Dana Reyes <dana@acme.example>\r\nTo: alex@seller.io\r\nSubject: Automatic reply: numbers\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\nMessage-ID: <ooo-1@acme.example>\r\nAuto-Submitted: auto-replied\r\nContent-Type: text/plain\r\n\r\nI am out of the office until 7 December 2026 with no access to email.\r\n",
    );
    let imported = rk.json(&[
        "import",
        "mail",
        away.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(imported["auto_replies"], 1, "{imported}");
    // Away "until 7 December": back on the 8th.
    for (n, now) in [NOW, "2026-12-07T15:00:00Z"].iter().enumerate() {
        assert_eq!(
            touches(&rk, &sink, &d, &message, now, n + 1),
            BTreeSet::new(),
            "while away, at {now}"
        );
    }
    assert!(sink.delivered().is_empty());
    // Back: the open deal is chased again, and ranked as a dark one.
    let touched = touches(&rk, &sink, &d, &message, "2026-12-08T10:00:00Z", 3);
    for what in [
        "today",
        "scan",
        "draft",
        "outbox add",
        "outbox send --dry-run",
        "outbox send",
    ] {
        assert!(
            touched.contains(what),
            "{what} after their return: {touched:?}"
        );
    }
    assert_eq!(sink.delivered().len(), 1);
}

/// A bounce is known on every deal of the person, not only the one it was recorded on: the
/// drafts and the scan agree with the send check (`is_bounced`, across deals).
#[test]
fn a_bounce_on_one_deal_holds_on_every_deal_of_the_person() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let first = deal_with_contact(
        &rk,
        "Lane",
        "$30k",
        "Kevin Lane",
        "kevin@lane.example",
        &["--role", "champion"],
    );
    let second = rk.json(&[
        "deal",
        "add",
        "--title",
        "Lane: second site",
        "--account",
        "Lane",
        "--owner",
        "Alex Morgan",
        "--stage",
        "proposal",
        "--amount",
        "$10k",
        "--created",
        "2026-03-01",
    ])["deal"]
        .to_string();
    for d in [&first, &second] {
        rk.json(&[
            "log",
            "email",
            d,
            "--contact",
            "kevin@lane.example",
            "--at",
            "2026-10-01",
        ]);
        assert!(
            rk.run(&["draft", d, "--play", "value_add"])
                .status
                .success()
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let dsn = file(
        dir.path(),
        "bounce.eml",
        "From: Mail Delivery System <MAILER-DAEMON@mx.seller.io>\r\nTo: alex@seller.io\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\nMessage-ID: <dsn-2@mx.seller.io>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.seller.io\r\n\r\nFinal-Recipient: rfc822; kevin@lane.example\r\nAction: failed\r\nStatus: 5.1.1\r\n--B--\r\n",
    );
    let imported = rk.json(&[
        "import",
        "mail",
        dsn.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(imported["bounces"], 1, "{imported}");
    let today = rk.json(&["today"]);
    for d in [&first, &second] {
        let refused = rk.fails(&["draft", d, "--play", "value_add"]);
        assert!(refused.contains("bounced"), "deal {d}: {refused}");
        assert!(!has_deal(&today, "deal_id", d), "deal {d}: {today}");
    }
}

/// `outbox send` through the sink at `now`, as JSON.
fn send_at(rk: &Rk, sink: &SmtpSink, now: &str) -> Value {
    let port = sink.port.to_string();
    rk.json(&[
        "--now",
        now,
        "outbox",
        "send",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--security",
        "plain",
        "--from",
        "alex@seller.io",
    ])
}

#[test]
fn a_check_in_that_revive_queued_for_a_lost_deal_is_sent_as_a_revival() {
    let sink = sink();
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    rk.json(&[
        "--now",
        "2026-08-03T09:00:00Z",
        "close",
        &d,
        "--lost",
        "--reason",
        "budget",
    ]);
    let revived = rk.json(&["revive", "--queue"]);
    let ours = revived["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["deal"].as_i64() == d.parse().ok())
        .unwrap_or_else(|| panic!("{revived}"));
    // A value-adding check-in: a sequence play by name, a revival by what queued it.
    assert_eq!(ours["draft"]["play"], "value_add", "{ours}");
    assert_eq!(ours["draft"]["purpose"], "revival", "{ours}");
    let message = format!("O{}", ours["queued"]);
    // Asked again, the same message is not queued twice.
    let again = rk.json(&["revive", "--queue"]);
    let twice = again["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["deal"].as_i64() == d.parse().ok())
        .unwrap();
    assert_eq!(twice["waiting"], ours["queued"], "{twice}");
    assert!(twice["queued"].is_null(), "{twice}");
    assert_eq!(rk.json(&["outbox", "list"]).as_array().unwrap().len(), 1);
    let body = ours["draft"]["body"].as_str().unwrap();
    let out = rk.run_with_input(
        &["outbox", "edit", &message, "--body-file", "-"],
        Some(&fill(body)),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    rk.json(&["outbox", "approve", &message]);
    let report = send_at(&rk, &sink, "2026-11-23T15:00:00Z");
    assert_eq!(report["refused"], serde_json::json!([]), "{report}");
    assert_eq!(report["sent"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(sink.delivered().len(), 1);
}

#[test]
fn an_answer_after_the_approval_stops_the_queued_touch() {
    let sink = sink();
    let rk = Rk::new();
    let (d, message) = pipeline(&rk);
    // Dana answers after the rep approved the follow-up.
    rk.json(&[
        "log",
        "email",
        &d,
        "--direction",
        "in",
        "--contact",
        "dana@acme.example",
        "--at",
        "2026-11-23T11:00:00Z",
        "--summary",
        "We are reviewing the proposal with finance this week",
    ]);
    let report = send_at(&rk, &sink, "2026-11-25T15:00:00Z");
    let refused = report["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(format!("O{}", refused[0][0]), message, "{report}");
    assert!(
        refused[0][1]
            .as_str()
            .unwrap()
            .contains("Dana Reyes engaged"),
        "{report}"
    );
    assert!(sink.delivered().is_empty());
}
