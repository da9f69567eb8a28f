//! `rekindle sync` against real servers on loopback: Dovecot for IMAP.

mod common;
mod servers;

use common::*;
use servers::{Dovecot, PASSWORD, USER};

fn message(id: &str, headers: &str, date: &str, body: &str) -> String {
    format!(
        "Message-ID: <{id}>\n{headers}\nDate: {date}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

/// The sync command with the password in the environment, as a scheduled job would run it.
fn sync(rk: &Rk, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rekindle"));
    cmd.args([
        "--db",
        rk.db.to_str().unwrap(),
        "--now",
        "2026-11-23T09:00:00Z",
    ])
    .args(["sync", "imap"])
    .args(args)
    .env("IMAP_PW", PASSWORD)
    .stdin(std::process::Stdio::null());
    cmd.output().unwrap()
}

fn sync_json(rk: &Rk, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--password-env", "IMAP_PW", "--json"]);
    let out = sync(rk, &all);
    assert!(
        out.status.success(),
        "sync {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn folder<'a>(summary: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    summary["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == name)
        .unwrap_or_else(|| panic!("no folder {name} in {summary}"))
}

#[test]
fn imap_sync_reads_sent_and_inbox_over_tls_once_and_then_only_what_is_new() {
    let mut server = Dovecot::start();
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    server.deliver(
        ".Sent",
        "1.sent",
        &message(
            "a1@seller.io",
            "From: Alex Morgan <alex@seller.io>\nTo: dana+crm@acme.example\nSubject: Cost model",
            "Fri, 20 Nov 2026 10:00:00 +0000",
            "Dana, here is the cost model with your numbers.",
        ),
    );
    server.deliver(
        "",
        "1.in",
        &message(
            "r1@acme.example",
            "From: Dana Reyes <dana@acme.example>\nTo: alex@seller.io\nSubject: Re: Cost model\nIn-Reply-To: <a1@seller.io>",
            "Sun, 22 Nov 2026 09:00:00 +0000",
            "Finance signs off on Thursday.\n\nOn Fri, Alex Morgan wrote:\n> Dana, here is the cost model",
        ),
    );
    server.deliver(
        "",
        "2.in",
        &message(
            "o1@acme.example",
            "From: priya@acme.example\nTo: alex@seller.io\nSubject: Out of office: Cost model\nAuto-Submitted: auto-replied",
            "Fri, 20 Nov 2026 10:05:00 +0000",
            "Ich bin bis zum 30.11. nicht im Büro.",
        ),
    );
    server.deliver(
        "",
        "3.in",
        &message(
            "s1@acme.example",
            "From: Omar Haddad <omar@acme.example>\nTo: alex@seller.io\nSubject: Joining",
            "Sun, 22 Nov 2026 10:00:00 +0000",
            "Dana asked me to join the evaluation.",
        ),
    );
    server.deliver(
        "",
        "4.in",
        "\u{1}\u{2}\u{3} not a message at all \u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}",
    );

    let newsletter = format!(
        "Message-ID: <n1@vendor.example>\nFrom: news@vendor.example\nTo: alex@seller.io\nSubject: Digest\nDate: Sun, 22 Nov 2026 07:00:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nTop stories\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n{}--b--\n",
        ("QUJD".repeat(19) + "\n").repeat(4_000)
    );
    server.deliver("", "6.in", &newsletter);
    let cert = server.cert.to_str().unwrap().to_string();
    let tls_port = server.imaps_port.to_string();
    let first = sync_json(
        &rk,
        &[
            "--host",
            "127.0.0.1",
            "--port",
            &tls_port,
            "--security",
            "tls",
            "--user",
            USER,
            "--ca-file",
            &cert,
            "--me",
            "alex@seller.io",
        ],
    );
    assert_eq!(folder(&first, "Sent")["new_messages"], 1, "{first}");
    assert_eq!(folder(&first, "INBOX")["new_messages"], 5, "{first}");
    assert_eq!(
        first["not_matched"]["from no one in the record"], 1,
        "the newsletter, read by its headers only: {first}"
    );
    assert!(
        first["bytes"].as_u64().unwrap() < 50_000,
        "its 300 KB attachment was never fetched: {first}"
    );
    assert_eq!(
        (
            first["touches"].as_u64(),
            first["replies"].as_u64(),
            first["auto_replies"].as_u64(),
            first["contacts_suggested"].as_u64()
        ),
        (Some(1), Some(2), Some(1), Some(1)),
        "Dana's reply and Omar's note (a colleague writing in); {first}"
    );
    let skipped = first["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{first}");
    assert!(
        skipped[0][0].as_str().unwrap().contains("/INBOX uid "),
        "the junk is named by folder and UID: {first}"
    );

    let shown = rk.json(&["show", &d]);
    let acts = shown["record"]["activities"].as_array().unwrap();
    assert!(
        acts.iter()
            .any(|a| a["outcome"] == "replied" && a["summary"] == "Finance signs off on Thursday.")
    );
    assert!(
        acts.iter()
            .any(|a| a["outcome"] == "auto_reply" && a["returns_on"] == "2026-12-01")
    );

    // A re-run remembers the server (not the password) and fetches nothing.
    let again = sync_json(&rk, &[]);
    assert_eq!(folder(&again, "Sent")["new_messages"], 0, "{again}");
    assert_eq!(folder(&again, "INBOX")["new_messages"], 0, "{again}");
    assert_eq!(again["read"], 0);

    // Only what arrived since is fetched.
    server.deliver(
        "",
        "5.in",
        &message(
            "r2@acme.example",
            "From: priya@acme.example\nTo: alex@seller.io\nSubject: Numbers",
            "Mon, 23 Nov 2026 08:00:00 +0000",
            "Back early. Let's talk numbers.",
        ),
    );
    let third = sync_json(&rk, &[]);
    assert_eq!(folder(&third, "INBOX")["new_messages"], 1, "{third}");
    assert_eq!(third["replies"], 1, "{third}");

    // The server renumbers the inbox (a restore): everything is read again, nothing is added.
    server.renumber("");
    let renumbered = sync_json(&rk, &[]);
    let inbox = folder(&renumbered, "INBOX");
    assert_eq!(inbox["renumbered"], true, "{renumbered}");
    assert_eq!(inbox["new_messages"], 6, "{renumbered}");
    assert_eq!(renumbered["replies"], 0);
    assert_eq!(renumbered["already_imported"], 4, "{renumbered}");

    // The password is nowhere in the database.
    let mut stored = std::fs::read(&rk.db).unwrap();
    for side in ["-wal", "-shm"] {
        stored.extend(std::fs::read(format!("{}{side}", rk.db.display())).unwrap_or_default());
    }
    assert!(
        !stored
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes()),
        "the password must never be stored"
    );
}

#[test]
fn imap_sync_upgrades_with_starttls_and_says_clearly_what_is_wrong() {
    let server = Dovecot::start();
    let rk = Rk::new();
    quiet_deal(&rk);
    server.deliver(
        "",
        "1.in",
        &message(
            "r1@acme.example",
            "From: dana@acme.example\nTo: alex@seller.io\nSubject: Hello",
            "Sun, 22 Nov 2026 09:00:00 +0000",
            "Can we talk Thursday?",
        ),
    );
    let cert = server.cert.to_str().unwrap().to_string();
    let plain_port = server.imap_port.to_string();
    let tls_port = server.imaps_port.to_string();
    let base = [
        "--host",
        "127.0.0.1",
        "--user",
        USER,
        "--me",
        "alex@seller.io",
    ];

    // An untrusted certificate is refused, and said so.
    let out = sync(
        &rk,
        &[
            &base[..],
            &["--port", &tls_port, "--password-env", "IMAP_PW"],
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TLS") && err.contains("certificate"), "{err}");

    // A wrong password names the server and the user.
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("pw");
    std::fs::write(&wrong, "not-it\n").unwrap();
    let out = sync(
        &rk,
        &[
            &base[..],
            &[
                "--port",
                &tls_port,
                "--ca-file",
                &cert,
                "--password-file",
                wrong.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused the login for alice"), "{err}");

    // No password source and no terminal: a clear error, not a hang.
    let out = sync(
        &rk,
        &[&base[..], &["--port", &tls_port, "--ca-file", &cert]].concat(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--password-env"));

    // Plain text to a remote server is refused before connecting.
    let out = sync(
        &rk,
        &[
            "--host",
            "mail.example.invalid",
            "--user",
            USER,
            "--security",
            "plain",
            "--password-env",
            "IMAP_PW",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("refusing to send a password unencrypted")
    );

    // STARTTLS on the plain port, with the password from a file.
    let right = dir.path().join("right");
    std::fs::write(&right, format!("{PASSWORD}\n")).unwrap();
    let out = sync(
        &rk,
        &[
            &base[..],
            &[
                "--port",
                &plain_port,
                "--security",
                "starttls",
                "--ca-file",
                &cert,
                "--password-file",
                right.to_str().unwrap(),
                "--json",
            ],
        ]
        .concat(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["replies"], 1, "{summary}");
    assert_eq!(folder(&summary, "Sent")["new_messages"], 0);
}
