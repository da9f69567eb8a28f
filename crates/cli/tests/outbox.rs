//! The outbox against a real SMTP server (aiosmtpd on loopback): threading and headers as
//! delivered, the send-time checks, --dry-run, and exactly-once sending through kills.

mod common;
mod servers;

use common::*;
use serde_json::Value;
use servers::{SmtpOptions, SmtpSink};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A deal at its own account with one contact who told us their problem.
fn deal_at(rk: &Rk, account: &str, email: &str) -> String {
    let d = deal_with_contact(rk, account, "$20k", "Robin Vale", email, &[]);
    rk.json(&[
        "fact",
        &d,
        "problem",
        "invoices are matched by hand",
        "--at",
        "2026-10-20",
    ]);
    rk.json(&[
        "log",
        "meeting",
        &d,
        "--contact",
        email,
        "--at",
        "2026-11-10",
        "--summary",
        "demo",
    ]);
    d
}

/// Queues and approves a value-add message; its id.
fn approved(rk: &Rk, deal: &str) -> String {
    let m = rk.json(&["outbox", "add", deal, "--play", "value_add"]);
    let id = format!("O{}", m["id"]);
    let body = m["body"].as_str().unwrap();
    // A draft may leave blanks for the rep: fill them, as the rep would.
    let filled = regex_lite_fill(body);
    if filled != body {
        let out = rk.run_with_input(&["outbox", "edit", &id, "--body-file", "-"], Some(&filled));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    rk.json(&["outbox", "approve", &id]);
    id
}

fn regex_lite_fill(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(start) = rest.find('[') {
        match rest[start..].find(']') {
            Some(end) if end > 3 => {
                out += &rest[..start];
                out += "the checklist we use with finance teams";
                rest = &rest[start + end + 1..];
            }
            _ => {
                out += &rest[..=start];
                rest = &rest[start + 1..];
            }
        }
    }
    out + rest
}

fn send_args(sink: &SmtpSink, security: &str) -> Vec<String> {
    vec![
        "outbox".into(),
        "send".into(),
        "--host".into(),
        "127.0.0.1".into(),
        "--port".into(),
        sink.port.to_string(),
        "--security".into(),
        security.into(),
        "--ca-file".into(),
        sink.cert.display().to_string(),
        "--from".into(),
        "alex@seller.io".into(),
        "--name".into(),
        "Alex Morgan".into(),
    ]
}

fn run(rk: &Rk, args: &[String], extra: &[&str]) -> (Option<i32>, Value) {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend_from_slice(extra);
    all.push("--json");
    let out = rk.run(&all);
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{all:?}: {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), value)
}

fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message
        .lines()
        .take_while(|l| !l.is_empty() && *l != "\r")
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
}

#[test]
fn a_message_is_threaded_sent_over_starttls_with_login_and_recorded_once() {
    let sink = SmtpSink::start(SmtpOptions {
        security: "starttls",
        auth: Some(("alice", "secret")),
        ..SmtpOptions::default()
    });
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    // The conversation so far, from the rep's mailbox.
    let dir = tempfile::tempdir().unwrap();
    let mut mbox = mbox_message(
        "a1@seller.io",
        "From: Alex Morgan <alex@seller.io>\nTo: dana@acme.example\nSubject: Cost model",
        "Fri, 20 Nov 2026 10:00:00 +0000",
        "Dana, here is the cost model.",
    );
    mbox += &mbox_message(
        "r1@acme.example",
        "From: dana@acme.example\nTo: alex@seller.io\nSubject: Re: Cost model\nIn-Reply-To: <a1@seller.io>\nReferences: <a1@seller.io>",
        "Fri, 20 Nov 2026 15:00:00 +0000",
        "Thanks, I will look at it with finance.",
    );
    let path = file(dir.path(), "mail.mbox", &mbox);
    rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);

    let queued = rk.json(&["outbox", "add", &d, "--play", "value_add"]);
    let id = format!("O{}", queued["id"]);
    assert_eq!(queued["state"], "draft");
    assert_eq!(queued["in_reply_to"], "r1@acme.example");
    // Nothing leaves before the rep approves it.
    let mut args = send_args(&sink, "starttls");
    args.extend([
        "--user".into(),
        "alice".into(),
        "--password-env".into(),
        "SMTP_TEST_PW".into(),
    ]);
    let pesky = rk.run_with_input(
        &["outbox", "edit", &id, "--body-file", "-"],
        Some("Dana, just checking in to see if you had a chance to look."),
    );
    assert_eq!(pesky.status.code(), Some(1), "a pesky edit is refused");
    let filled = regex_lite_fill(queued["body"].as_str().unwrap());
    let out = rk.run_with_input(&["outbox", "edit", &id, "--body-file", "-"], Some(&filled));
    assert!(out.status.success());
    rk.json(&["outbox", "approve", &id]);

    let out = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args(["--db", rk.db.to_str().unwrap(), "--now", NOW, "--json"])
        .args(&args)
        .env("SMTP_TEST_PW", "secret")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["sent"].as_array().unwrap().len(), 1, "{report}");

    let delivered = sink.delivered();
    assert_eq!(delivered.len(), 1);
    let m = &delivered[0];
    let sent = rk.json(&["outbox", "show", &id]);
    let message_id = sent["message_id"].as_str().unwrap();
    assert_eq!(
        header(m, "Message-ID"),
        Some(format!("<{message_id}>").as_str())
    );
    assert_eq!(header(m, "In-Reply-To"), Some("<r1@acme.example>"));
    assert_eq!(
        header(m, "References"),
        Some("<a1@seller.io> <r1@acme.example>")
    );
    assert_eq!(header(m, "X-RcptTo"), Some("dana@acme.example"));
    assert_eq!(header(m, "X-MailFrom"), Some("alex@seller.io"));
    assert!(header(m, "From").unwrap().contains("Alex Morgan"));
    assert!(header(m, "To").unwrap().contains("dana@acme.example"));
    assert_eq!(sent["state"], "sent");

    // Recorded as the deal's outbound touch, with its play.
    let record = rk.json(&["show", &d])["record"].clone();
    let touch = record["activities"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|a| a["direction"] == "outbound")
        .unwrap()
        .clone();
    assert_eq!(touch["play"], "value_add");
    assert_eq!(touch["outcome"], "sent");

    // Sending again sends nothing; importing the Sent folder's copy adds nothing.
    let again = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args([
            "--db",
            rk.db.to_str().unwrap(),
            "--now",
            NOW,
            "--json",
            "outbox",
            "send",
        ])
        .env("SMTP_TEST_PW", "secret")
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(sink.delivered().len(), 1);
    let copy = file(dir.path(), "sent.eml", m);
    let imported = rk.json(&["import", "mail", copy.to_str().unwrap()]);
    assert_eq!(imported["already_imported"], 1, "{imported}");
    assert_eq!(imported["touches"], 0);
    // The password was never stored.
    let db = std::fs::read(&rk.db).unwrap();
    assert!(!db.windows(6).any(|w| w == b"secret"));
}

#[test]
fn implicit_tls_and_a_refused_recipient() {
    let sink = SmtpSink::start(SmtpOptions {
        security: "tls",
        refuse: vec!["gone@hooli.example"],
        ..SmtpOptions::default()
    });
    let rk = Rk::new();
    rk.json(&["init"]);
    let ok = deal_at(&rk, "Initech", "lee@initech.example");
    let gone = deal_at(&rk, "Hooli", "gone@hooli.example");
    let first = approved(&rk, &ok);
    let second = approved(&rk, &gone);
    let (code, report) = run(&rk, &send_args(&sink, "tls"), &[]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(
        report["sent"],
        serde_json::json!([first[1..].parse::<i64>().unwrap()])
    );
    assert_eq!(report["failed"][0][0].to_string(), second[1..]);
    assert_eq!(sink.delivered().len(), 1);
    assert_eq!(rk.json(&["outbox", "show", &second])["state"], "failed");
}

#[test]
fn send_time_checks_hold_refuse_and_dry_run_changes_nothing() {
    let sink = SmtpSink::start(SmtpOptions {
        security: "plain",
        ..SmtpOptions::default()
    });
    let rk = Rk::new();
    rk.json(&["init"]);
    let dnc = deal_at(&rk, "Acme", "dana@acme.example");
    let west = deal_at(&rk, "Globex", "sam@globex.example");
    let capped = deal_at(&rk, "Initech", "lee@initech.example");
    let twice = deal_at(&rk, "Umbrella", "kim@umbrella.example");
    let to_dnc = approved(&rk, &dnc);
    let to_west = approved(&rk, &west);
    let to_capped = approved(&rk, &capped);
    let first = approved(&rk, &twice);
    let second = approved(&rk, &twice);
    // After approval the world changes: Dana asks not to be contacted, Lee is chased three
    // times by hand, Sam turns out to be in Los Angeles (01:00 there now).
    let dana = rk.json(&["show", &dnc])["record"]["contacts"][0]["id"].to_string();
    rk.json(&["contact", "dnc", &dana]);
    for day in ["2026-11-12", "2026-11-14", "2026-11-16"] {
        rk.json(&[
            "log",
            "email",
            &capped,
            "--contact",
            "lee@initech.example",
            "--at",
            day,
        ]);
    }
    let sam = rk.json(&["show", &west])["record"]["contacts"][0]["id"].to_string();
    rk.json(&["contact", "time-zone", &sam, "America/Los_Angeles"]);

    let args = send_args(&sink, "plain");
    let before = rk.json(&["outbox", "list"]);
    let (code, dry) = run(&rk, &args, &["--dry-run"]);
    assert_eq!(code, Some(0), "{dry}");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(sink.delivered().len(), 0, "a dry run sends nothing");
    assert_eq!(rk.json(&["outbox", "list"]), before, "and changes nothing");

    let (code, report) = run(&rk, &args, &[]);
    assert_eq!(code, Some(0), "{report}");
    // The dry run predicted the real one, message by message.
    for key in ["sent", "held", "refused"] {
        let first = |v: &Value| -> Vec<String> {
            v[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| {
                    if x.is_array() {
                        x[0].to_string()
                    } else {
                        x.to_string()
                    }
                })
                .collect()
        };
        assert_eq!(first(&dry), first(&report), "{key}");
    }
    let ids = |key: &str| -> Vec<String> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| format!("O{}", if v.is_array() { &v[0] } else { v }))
            .collect()
    };
    assert_eq!(ids("sent"), vec![first.clone()]);
    assert!(ids("refused").contains(&to_dnc), "{report}");
    assert!(ids("refused").contains(&to_capped), "{report}");
    assert!(
        ids("held").contains(&to_west) && ids("held").contains(&second),
        "{report}"
    );
    let held = report["held"].as_array().unwrap();
    let west_hold = held
        .iter()
        .find(|h| format!("O{}", h[0]) == to_west)
        .unwrap();
    assert_eq!(west_hold[1], "2026-11-23T17:00:00Z", "09:00 in Los Angeles");
    let why = |id: &str| {
        rk.json(&["outbox", "show", id])["error"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(why(&to_dnc).contains("asked not to be contacted"));
    assert!(why(&to_capped).contains("cap"));
    assert_eq!(sink.delivered().len(), 1);
    assert!(sink.delivered()[0].contains("kim@umbrella.example"));

    // At 17:30 UTC Sam's morning has started; the second message to Umbrella waits for
    // tomorrow (one a day per deal) and then for the spacing after the first.
    let (_, later) = run(&rk, &args, &["--now", "2026-11-23T17:30:00Z"]);
    assert_eq!(
        later["sent"],
        serde_json::json!([to_west[1..].parse::<i64>().unwrap()]),
        "{later}"
    );
    assert_eq!(sink.delivered().len(), 2);
    let (_, next_day) = run(&rk, &args, &["--now", "2026-11-24T10:00:00Z"]);
    assert!(
        next_day["sent"].as_array().unwrap().is_empty(),
        "{next_day}"
    );
    let (_, after_spacing) = run(&rk, &args, &["--now", "2026-11-25T10:00:00Z"]);
    assert_eq!(
        after_spacing["sent"].as_array().unwrap().len(),
        1,
        "{after_spacing}"
    );
    assert_eq!(sink.delivered().len(), 3);
}

/// Runs `outbox send` and kills it when `kill_when` says so (or after `kill_after`).
fn send_and_kill(rk: &Rk, args: &[String], kill_after: Duration, kill_when: impl Fn() -> bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args(["--db", rk.db.to_str().unwrap(), "--now", NOW])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        if kill_when() || start.elapsed() >= kill_after {
            child.kill().unwrap();
            child.wait().unwrap();
            // What the server had when the connection dropped is stored by now.
            std::thread::sleep(Duration::from_millis(300));
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_sender_killed_after_delivery_never_sends_a_second_copy() {
    let sink = SmtpSink::start(SmtpOptions {
        security: "plain",
        delay: 3.0,
        ..SmtpOptions::default()
    });
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_at(&rk, "Acme", "dana@acme.example");
    let id = approved(&rk, &d);
    let args = send_args(&sink, "plain");
    // Killed while the server has the message and has not answered yet.
    send_and_kill(&rk, &args, Duration::from_secs(20), || {
        !sink.delivered().is_empty()
    });
    assert_eq!(sink.delivered().len(), 1);
    let (code, report) = run(&rk, &args, &[]);
    assert_eq!(code, Some(2), "the rep is told: {report}");
    assert_eq!(report["unconfirmed"][0].to_string(), id[1..]);
    assert!(report["sent"].as_array().unwrap().is_empty());
    assert_eq!(sink.delivered().len(), 1, "never sent again on its own");
    // The rep finds it in their Sent folder and says so: it is recorded, once.
    rk.json(&["outbox", "confirm", &id, "--sent"]);
    assert_eq!(rk.json(&["outbox", "show", &id])["state"], "sent");
    let (code, _) = run(&rk, &args, &[]);
    assert_eq!(code, Some(0));
    assert_eq!(sink.delivered().len(), 1);
}

/// What the rep does with messages left in doubt: look in the Sent folder (here, what the
/// server stored) and confirm each as sent or to be sent again. A message still `sending` is
/// settled by the next real run first.
fn settle_as_the_rep(rk: &Rk, sink: &SmtpSink, unconfirmed: &Value) {
    for u in unconfirmed.as_array().unwrap() {
        let id = format!("O{u}");
        let shown = rk.json(&["outbox", "show", &id]);
        if shown["state"] != "unconfirmed" {
            continue;
        }
        let message_id = shown["message_id"].as_str().unwrap();
        let arrived = sink.delivered().iter().any(|m| m.contains(message_id));
        rk.json(&[
            "outbox",
            "confirm",
            &id,
            if arrived { "--sent" } else { "--resend" },
        ]);
    }
}

#[test]
fn kills_at_any_moment_deliver_every_message_exactly_once() {
    let sink = SmtpSink::start(SmtpOptions {
        security: "plain",
        delay: 0.3,
        ..SmtpOptions::default()
    });
    let rk = Rk::new();
    rk.json(&["init"]);
    let accounts = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Soylent"];
    let mut ids = Vec::new();
    for a in accounts {
        let d = deal_at(&rk, a, &format!("robin@{}.example", a.to_lowercase()));
        ids.push(approved(&rk, &d));
    }
    let message_ids: Vec<String> = ids
        .iter()
        .map(|id| {
            rk.json(&["outbox", "show", id])["message_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let args = send_args(&sink, "plain");
    // Kill at different moments: while connecting, between messages, mid-answer.
    let moments = [30, 200, 90, 400, 10, 650, 250, 120, 800, 60];
    for (round, ms) in moments.iter().cycle().take(40).enumerate() {
        let pending = rk.json(&["outbox", "list"]);
        if pending.as_array().unwrap().is_empty() {
            break;
        }
        send_and_kill(&rk, &args, Duration::from_millis(*ms), || false);
        // The rep settles what the interruption left in doubt, from what arrived. (A run
        // killed before the server took its login remembered nothing: the settings again.)
        let (_, report) = run(&rk, &args, &["--dry-run"]);
        settle_as_the_rep(&rk, &sink, &report["unconfirmed"]);
        assert!(round < 39, "the outbox never emptied");
    }
    // A last clean run sends whatever is left and settles the rest.
    loop {
        let (_, report) = run(&rk, &args, &[]);
        let unconfirmed = report["unconfirmed"].as_array().unwrap().clone();
        if unconfirmed.is_empty() && rk.json(&["outbox", "list"]).as_array().unwrap().is_empty() {
            break;
        }
        settle_as_the_rep(&rk, &sink, &Value::from(unconfirmed));
    }
    let delivered = sink.delivered();
    for message_id in &message_ids {
        let copies = delivered
            .iter()
            .filter(|m| m.contains(message_id.as_str()))
            .count();
        assert_eq!(copies, 1, "{message_id} delivered {copies} times");
    }
    for id in &ids {
        assert_eq!(rk.json(&["outbox", "show", id])["state"], "sent", "{id}");
    }
}

#[test]
fn export_writes_a_threaded_eml_that_counts_as_sent_once_imported_from_the_sent_folder() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_at(&rk, "Acme", "dana@acme.example");
    let id = approved(&rk, &d);
    let dir = tempfile::tempdir().unwrap();
    rk.json(&[
        "import",
        "mail",
        file(dir.path(), "none.mbox", "").to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    let out = rk.json(&[
        "outbox",
        "export",
        &id,
        "--to",
        dir.path().to_str().unwrap(),
    ]);
    let path = out["file"].as_str().unwrap().to_string();
    let eml = std::fs::read_to_string(&path).unwrap();
    let message_id = rk.json(&["outbox", "show", &id])["message_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        header(&eml, "Message-ID"),
        Some(format!("<{message_id}>").as_str())
    );
    assert_eq!(rk.json(&["outbox", "show", &id])["state"], "exported");
    // The rep sends it from their own mail program; their Sent folder is imported.
    rk.json(&["import", "mail", &path]);
    let (_, report) = run(
        &rk,
        &[
            "outbox".to_string(),
            "send".to_string(),
            "--dry-run".to_string(),
        ],
        &["--from", "alex@seller.io"],
    );
    assert!(report["sent"].as_array().unwrap().is_empty());
    // The dry run remembered the sender it was given: the real run needs no --from.
    let settled = rk.run(&["outbox", "send", "--json"]);
    let settled: Value = serde_json::from_slice(&settled.stdout).unwrap();
    assert_eq!(settled["settled"][0].to_string(), id[1..], "{settled}");
    assert_eq!(rk.json(&["outbox", "show", &id])["state"], "sent");
}

#[test]
fn an_exported_message_is_private_and_the_rep_can_confirm_it_went_out_or_not() {
    use std::os::unix::fs::PermissionsExt;
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_at(&rk, "Acme", "dana@acme.example");
    let id = approved(&rk, &d);
    let dir = tempfile::tempdir().unwrap();
    rk.json(&[
        "import",
        "mail",
        file(dir.path(), "none.mbox", "").to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    let out = rk.json(&[
        "outbox",
        "export",
        &id,
        "--to",
        dir.path().to_str().unwrap(),
    ]);
    let path = out["file"].as_str().unwrap().to_string();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Not sent after all: back to approved, to be sent once.
    rk.json(&["outbox", "confirm", &id, "--resend"]);
    assert_eq!(rk.json(&["outbox", "show", &id])["state"], "approved");
    rk.json(&[
        "outbox",
        "export",
        &id,
        "--to",
        dir.path().to_str().unwrap(),
    ]);
    rk.json(&["outbox", "confirm", &id, "--sent"]);
    assert_eq!(rk.json(&["outbox", "show", &id])["state"], "sent");
    let timeline = rk.json(&["show", &d])["record"]["activities"].clone();
    let sent = timeline
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["outcome"] == "sent")
        .count();
    assert_eq!(sent, 1, "{timeline}");
    // A message already sent needs no confirming.
    let err = rk.fails(&["outbox", "confirm", &id, "--sent"]);
    assert!(
        err.contains("only an unconfirmed or exported message"),
        "{err}"
    );
}

#[test]
fn a_dry_run_remembers_the_server_it_was_given_for_the_real_run() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_at(&rk, "Acme", "dana@acme.example");
    let id = approved(&rk, &d);
    let (_, dry) = run(
        &rk,
        &["outbox".into(), "send".into(), "--dry-run".into()],
        &[
            "--host",
            "127.0.0.1",
            "--port",
            "9",
            "--security",
            "plain",
            "--from",
            "alex@seller.io",
        ],
    );
    assert_eq!(dry["sent"].as_array().unwrap().len(), 1, "{dry}");
    // The real run is given nothing: it goes to the server the dry run named (nothing listens
    // on the discard port, so it stops there) and the message stays approved.
    let (_, real) = run(&rk, &["outbox".into(), "send".into()], &[]);
    let stopped = real["stopped"].as_str().unwrap_or_default();
    assert!(stopped.contains("127.0.0.1:9"), "{real}");
    assert_eq!(rk.json(&["outbox", "show", &id])["state"], "approved");
}

#[test]
fn a_wrong_password_says_authentication_failed_at_once_and_changes_nothing() {
    let sink = SmtpSink::start(SmtpOptions {
        security: "starttls",
        auth: Some(("alice", "secret")),
        ..SmtpOptions::default()
    });
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_at(&rk, "Initech", "lee@initech.example");
    let id = approved(&rk, &d);
    let before = rk.snapshot();
    let mut args = send_args(&sink, "starttls");
    args.extend(["--user".into(), "alice".into()]);
    let started = Instant::now();
    let wrong = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args(["--db", rk.db.to_str().unwrap(), "--now", NOW, "--json"])
        .args(&args)
        .args(["--password-env", "SMTP_TEST_PW"])
        .env("SMTP_TEST_PW", "not-the-password")
        .output()
        .unwrap();
    let took = started.elapsed();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&wrong.stdout),
        String::from_utf8_lossy(&wrong.stderr)
    );
    assert!(
        took < Duration::from_secs(10),
        "a refused login returns at once, not after {took:?}"
    );
    assert_ne!(wrong.status.code(), Some(0), "{said}");
    assert!(
        said.contains("authentication failed") && !said.contains("cannot reach"),
        "{said}"
    );
    assert_eq!(rk.json(&["outbox", "show", &id])["state"], "approved");
    assert_eq!(rk.snapshot(), before);
    assert!(sink.delivered().is_empty());
}

#[test]
fn a_refused_sender_fails_no_message_and_a_deferred_recipient_stays_approved() {
    // The server refuses the sender (553 at MAIL FROM): that is the session's fault, not any
    // message's; every message stays approved and the run says it stopped.
    let sink = SmtpSink::start(SmtpOptions {
        security: "tls",
        refuse_sender: vec!["alex@seller.io"],
        ..SmtpOptions::default()
    });
    let rk = Rk::new();
    rk.json(&["init"]);
    let a = deal_at(&rk, "Initech", "lee@initech.example");
    let b = deal_at(&rk, "Hooli", "kim@hooli.example");
    let first = approved(&rk, &a);
    let second = approved(&rk, &b);
    let (code, report) = run(&rk, &send_args(&sink, "tls"), &[]);
    assert_eq!(code, Some(2), "{report}");
    assert!(
        report["stopped"].as_str().unwrap().contains("553"),
        "{report}"
    );
    assert_eq!(report["failed"], serde_json::json!([]), "{report}");
    for id in [&first, &second] {
        let m = rk.json(&["outbox", "show", id]);
        assert_eq!(m["state"], "approved", "{m}");
        assert_eq!(m["error"], Value::Null, "{m}");
    }
    assert!(sink.delivered().is_empty());

    // A recipient refused for now (450) is not failed: it stays approved, with the reason,
    // and the run says the next send tries again; the other message goes.
    let sink = SmtpSink::start(SmtpOptions {
        security: "tls",
        defer: vec!["lee@initech.example"],
        ..SmtpOptions::default()
    });
    let (code, report) = run(&rk, &send_args(&sink, "tls"), &[]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["deferred"][0][0].to_string(), first[1..], "{report}");
    assert_eq!(report["failed"], serde_json::json!([]), "{report}");
    assert_eq!(report["sent"][0].to_string(), second[1..], "{report}");
    let m = rk.json(&["outbox", "show", &first]);
    assert_eq!(m["state"], "approved", "{m}");
    assert!(m["error"].as_str().unwrap().contains("450"), "{m}");
    let text = rk.run(
        &send_args(&sink, "tls")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let said = String::from_utf8_lossy(&text.stdout);
    assert!(said.contains("still approved"), "{said}");
}

/// A "stop" blocks the address itself, not only the contact: the rep cannot clear the contact's
/// do-not-contact flag while it stands, and the message approved before the stop arrived is
/// refused at send time and nothing reaches the server, in a dry run or a real one, also when
/// the rep approves it again.
#[test]
fn an_address_blocked_by_a_stop_reply_is_never_mailed_again() {
    let sink = SmtpSink::start(SmtpOptions {
        security: "plain",
        ..SmtpOptions::default()
    });
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_at(&rk, "Acme", "dana@acme.example");
    rk.json(&[
        "log",
        "email",
        &d,
        "--contact",
        "dana@acme.example",
        "--at",
        "2026-11-16",
        "--summary",
        "The pilot plan",
    ]);
    let queued = approved(&rk, &d);

    let dir = tempfile::tempdir().unwrap();
    let mbox = mbox_message(
        "stop1@acme.example",
        "From: Dana Reyes <dana@acme.example>\nTo: alex@seller.io\nSubject: Re: The pilot plan",
        "Fri, 20 Nov 2026 10:00:00 +0000",
        "Please remove me from your mailing list and do not contact me again.",
    );
    let path = file(dir.path(), "inbox.mbox", &mbox);
    let summary = rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    assert_eq!(summary["replies_read"]["stop"], 1, "{summary}");

    let dana = rk.json(&["show", &d])["record"]["contacts"][0].clone();
    assert_eq!(dana["do_not_contact"], true, "{dana}");
    // The rep cannot clear the flag while the stop stands (only overriding the reading can).
    let said = rk.fails(&["contact", "dnc", &dana["id"].to_string(), "--off"]);
    assert!(said.contains("asked to stop"), "{said}");
    let dana = rk.json(&["show", &d])["record"]["contacts"][0].clone();
    assert_eq!(dana["do_not_contact"], true, "the flag stays: {dana}");
    assert_eq!(rk.json(&["show", &d])["record"]["deal"]["status"], "open");

    let args = send_args(&sink, "plain");
    let refused_here = |report: &Value| {
        report["refused"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| format!("O{}", r[0]) == queued)
            .map(|r| r[1].as_str().unwrap().to_string())
    };
    for extra in [&["--dry-run"][..], &[][..]] {
        let (code, report) = run(&rk, &args, extra);
        assert_eq!(code, Some(0), "{report}");
        let why = refused_here(&report).unwrap_or_else(|| panic!("not refused: {report}"));
        assert!(why.contains("asked not to be contacted"), "{why}");
        assert!(report["sent"].as_array().unwrap().is_empty(), "{report}");
    }
    assert!(sink.delivered().is_empty(), "nothing reached the server");
    let shown = rk.json(&["outbox", "show", &queued]);
    assert_eq!(shown["state"], "refused", "{shown}");
    // Approved again by the rep, it is refused again: the block holds at every send.
    rk.json(&["outbox", "approve", &queued]);
    let (_, again) = run(&rk, &args, &["--now", "2026-11-30T10:00:00Z"]);
    assert!(refused_here(&again).is_some(), "{again}");
    assert!(sink.delivered().is_empty());
}

/// Plain SMTP puts the password on the wire in clear: it is refused for any server that is not
/// on this machine, before anything is sent, and the message stays approved.
#[test]
fn plain_smtp_is_refused_for_a_server_that_is_not_on_this_machine() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_at(&rk, "Acme", "dana@acme.example");
    let id = approved(&rk, &d);
    for host in [
        "smtp.example.com",
        "192.0.2.1",
        "10.0.0.1",
        "localhost.example.com",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_rekindle"))
            .args(["--db", rk.db.to_str().unwrap(), "--now", NOW, "--json"])
            .args(["outbox", "send", "--host", host, "--port", "25"])
            .args(["--security", "plain", "--from", "alex@seller.io"])
            .args(["--user", "alex", "--password-env", "SMTP_TEST_PW"])
            .env("SMTP_TEST_PW", "secret")
            .env_remove("REKINDLE_DB")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("plain SMTP only to a server on this machine"),
            "{host}: {text}"
        );
        assert_eq!(
            rk.json(&["outbox", "show", &id])["state"],
            "approved",
            "{host}"
        );
    }
    // To a server on this machine it is allowed (the sink listens on loopback).
    let sink = SmtpSink::start(SmtpOptions {
        security: "plain",
        ..SmtpOptions::default()
    });
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_at(&rk, "Acme", "dana@acme.example");
    approved(&rk, &d);
    let mut args = send_args(&sink, "plain");
    args[3] = "localhost".into();
    let (code, report) = run(&rk, &args, &[]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["sent"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(sink.delivered().len(), 1);
}

/// The same draft queued twice would go out twice once both were approved: the second `outbox
/// add` is refused naming the one waiting, and nothing changes.
#[test]
fn the_same_message_is_not_queued_twice() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_at(&rk, "Acme", "dana@acme.example");
    let first = rk.json(&["outbox", "add", &d, "--play", "value_add"]);
    let before = rk.snapshot();
    let said = rk.fails(&["outbox", "add", &d, "--play", "value_add"]);
    assert!(
        said.contains(&format!("already waiting as O{}", first["id"])),
        "{said}"
    );
    assert_eq!(rk.snapshot(), before);
    assert_eq!(rk.json(&["outbox", "list"]).as_array().unwrap().len(), 1);
}
