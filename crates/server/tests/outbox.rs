//! Outbox: messages by state with their text; edit (tone-checked), approve, cancel and confirm
//! change the record exactly as the `outbox` use cases the CLI runs do on a copy; refused
//! actions answer 4xx and change nothing; a dry run says what a send would do and changes
//! nothing; a send needs the remembered SMTP server (never the page's) and then delivers
//! through a real SMTP server (aiosmtpd, the CLI tests' sink) with the send-time checks.

mod common;
use common::*;
use rekindle_app::Caller;
use rekindle_app::outbox::{self, Edit, SendRequest, SendSettings, Targets};
use rekindle_core::OutgoingId;
use rekindle_core::compose::Composer;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Queues the deal's next play as a draft, as `rekindle outbox add` does.
fn queued(s: &Served, deal: &str) -> OutgoingId {
    s.with_store(async |store| {
        outbox::queue(
            store,
            &Caller::local(),
            Composer::builtin(),
            deal.parse().unwrap(),
            None,
            NOW.parse().unwrap(),
        )
        .await
        .unwrap()
        .message
        .id
    })
}

fn token(s: &Served) -> String {
    token_of(&get(&s.at("/outbox")).1)
}

/// Runs `f` on a copy of the served database, as the CLI would on it; the copy's path.
fn on_copy(s: &Served, f: impl AsyncFnOnce(&rekindle_store::Store)) -> std::path::PathBuf {
    let copy = copy_of(s, "cli.db");
    s.runtime.block_on(async {
        let store = rekindle_store::Store::open(&copy).await.unwrap();
        f(&store).await;
    });
    copy
}

/// Approves a message as `rekindle outbox approve` does.
fn approve(s: &Served, id: OutgoingId) {
    s.with_store(async |store| {
        outbox::approve(
            store,
            &Caller::local(),
            Targets::Ids(vec![id]),
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    });
}

fn state_of(s: &Served, id: OutgoingId) -> String {
    s.with_store(async |store| store.outgoing(id).await.unwrap().state.to_string())
}

/// The text of a draft with the blanks it leaves filled in, as the rep would.
fn filled(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(start) = rest.find('[') {
        let end = rest[start..]
            .find(']')
            .map(|e| start + e)
            .unwrap_or(rest.len() - 1);
        out += &rest[..start];
        out += "the dispatch checklist our customers in logistics use";
        rest = &rest[end + 1..];
    }
    out + rest
}

const DEALS: &[&str] = &["D27", "D13"];

/// Remembers sending settings as `rekindle outbox send --dry-run` given them does.
fn remember(s: &Served, settings: SendSettings) {
    s.with_store(async |store| {
        let mut no_password = |_: &str| Err("no login".to_string());
        let request = SendRequest {
            settings,
            dry_run: true,
        };
        outbox::send(
            store,
            &Caller::local(),
            request,
            &mut no_password,
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    });
}

#[test]
fn the_page_lists_messages_by_state_and_says_what_sending_needs() {
    let s = serve_demo();
    let (status, page) = get(&s.at("/outbox"));
    assert_eq!(status, 200);
    assert!(page.contains("The outbox is empty"), "no empty state");
    assert!(
        page.contains("no SMTP server is set"),
        "does not say what to set"
    );
    let breakup = queued(&s, "D27");
    let value_add = queued(&s, "D13");
    let (_, page) = get(&s.at("/outbox"));
    assert!(page.contains("Drafts to approve (2)"), "{page}");
    let m = s.with_store(async |store| store.outgoing(breakup).await.unwrap());
    assert!(page.contains(&m.to) && page.contains(&m.subject));
    assert!(page.contains(m.body.lines().next().unwrap()));
    for action in ["approve", "cancel"] {
        assert!(page.contains(&format!("action=\"/outbox/{breakup}/{action}\"")));
    }
    assert!(page.contains(&format!("href=\"/outbox/{value_add}/edit\"")));
}

#[test]
fn approve_edit_and_cancel_change_the_record_as_the_cli_does() {
    let s = serve_demo();
    let breakup = queued(&s, "D27");
    let value_add = queued(&s, "D13");
    let now = NOW.parse().unwrap();
    // Approve, as `outbox approve O1`.
    let copy = on_copy(&s, async |store| {
        outbox::approve(store, &Caller::local(), Targets::Ids(vec![breakup]), now)
            .await
            .unwrap();
    });
    let (status, _, location) = post_form(
        &s.at(&format!("/outbox/{breakup}/approve")),
        &[("_csrf", &token(&s))],
    );
    assert_eq!(status, 303);
    assert!(location.unwrap().starts_with("/outbox?done="));
    assert_eq!(snapshot(&s, &s.db, DEALS), snapshot(&s, &copy, DEALS));
    assert_eq!(state_of(&s, breakup), "approved");
    // A draft with a blank left to fill is not approved: 422, nothing changes.
    let before = snapshot(&s, &s.db, DEALS);
    let (status, page, _) = post_form(
        &s.at(&format!("/outbox/{value_add}/approve")),
        &[("_csrf", &token(&s))],
    );
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("fill in"), "{page}");
    assert_eq!(snapshot(&s, &s.db, DEALS), before);
    // An edit that fails the tone check shows the findings and changes nothing.
    let (status, page) = get(&s.at(&format!("/outbox/{value_add}/edit")));
    assert_eq!(status, 200);
    assert!(page.contains("name=\"body\""));
    let (status, page, _) = post_form(
        &s.at(&format!("/outbox/{value_add}/edit")),
        &[
            ("_csrf", &token(&s)),
            ("subject", "Checking in"),
            (
                "body",
                "Hi,\n\nJust checking in to bump this to the top of your inbox.\n",
            ),
        ],
    );
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("fails the tone check") && page.contains("Better:"),
        "{page}"
    );
    assert_eq!(snapshot(&s, &s.db, DEALS), before);
    // A fit edit, as `outbox edit O2 --subject ... --body-file ...`.
    let body = filled(&s.with_store(async |store| store.outgoing(value_add).await.unwrap().body));
    let subject = "Quarry Logistics: a checklist for the morning schedule";
    let copy = on_copy(&s, async |store| {
        let change = Edit {
            subject: Some(subject.into()),
            body: Some(body.clone()),
        };
        outbox::edit(store, &Caller::local(), value_add, change)
            .await
            .unwrap();
    });
    let (status, _, _) = post_form(
        &s.at(&format!("/outbox/{value_add}/edit")),
        &[("_csrf", &token(&s)), ("subject", subject), ("body", &body)],
    );
    assert_eq!(status, 303);
    assert_eq!(snapshot(&s, &s.db, DEALS), snapshot(&s, &copy, DEALS));
    // Cancel, as `outbox cancel O2`.
    let copy = on_copy(&s, async |store| {
        outbox::cancel(store, &Caller::local(), value_add)
            .await
            .unwrap();
    });
    let (status, _, _) = post_form(
        &s.at(&format!("/outbox/{value_add}/cancel")),
        &[("_csrf", &token(&s))],
    );
    assert_eq!(status, 303);
    assert_eq!(snapshot(&s, &s.db, DEALS), snapshot(&s, &copy, DEALS));
    assert_eq!(state_of(&s, value_add), "cancelled");
    // A cancelled message can no longer be edited; a draft is not in doubt.
    assert_eq!(get(&s.at(&format!("/outbox/{value_add}/edit"))).0, 409);
    let before = snapshot(&s, &s.db, DEALS);
    let (status, _, _) = post_form(
        &s.at(&format!("/outbox/{breakup}/confirm")),
        &[("_csrf", &token(&s)), ("outcome", "sent")],
    );
    assert_eq!(status, 409);
    assert_eq!(snapshot(&s, &s.db, DEALS), before);
}

#[test]
fn a_dry_run_says_what_a_send_would_do_and_changes_nothing() {
    let s = serve_demo();
    let breakup = queued(&s, "D27");
    // Without a sender address (the demo's rep has none) a dry run says what to give.
    let (status, page, _) = post_form(&s.at("/outbox/dry-run"), &[("_csrf", &token(&s))]);
    assert_eq!(status, 422);
    assert!(page.contains("--from"), "{page}");
    // As `outbox send --dry-run --from alex@seller.io` leaves it.
    remember(
        &s,
        SendSettings {
            from: Some("alex@seller.io".into()),
            ..SendSettings::default()
        },
    );
    approve(&s, breakup);
    // What the CLI's `outbox send --dry-run` reports, on a copy.
    let mut expected = Vec::new();
    on_copy(&s, async |store| {
        let mut no_password = |_: &str| Err("none".to_string());
        let request = SendRequest {
            settings: SendSettings::default(),
            dry_run: true,
        };
        let report = outbox::send(
            store,
            &Caller::local(),
            request,
            &mut no_password,
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
        expected = report.lines();
    });
    let before = snapshot(&s, &s.db, DEALS);
    let (status, page, _) = post_form(&s.at("/outbox/dry-run"), &[("_csrf", &token(&s))]);
    assert_eq!(status, 200);
    assert!(page.contains("Dry run"), "{page}");
    for line in &expected {
        assert!(page.contains(line.trim()), "{line} missing: {page}");
    }
    assert!(expected[0].starts_with("would send 1"), "{expected:?}");
    assert_eq!(snapshot(&s, &s.db, DEALS), before);
    // The API says the same.
    let (status, _, answer) = post_json(&s.at("/api/v1/outbox/dry-run"), "{}");
    assert_eq!(status, 200);
    assert_eq!(answer["dry_run"], true);
    assert_eq!(answer["sent"][0], breakup.to_string());
    assert_eq!(snapshot(&s, &s.db, DEALS), before);
}

#[test]
fn a_send_is_refused_until_the_smtp_server_is_set_and_changes_nothing() {
    let s = serve_demo();
    let breakup = queued(&s, "D27");
    approve(&s, breakup);
    let before = snapshot(&s, &s.db, DEALS);
    let (status, page, _) = post_form(&s.at("/outbox/send"), &[("_csrf", &token(&s))]);
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("no SMTP server is set") && page.contains("--host"),
        "{page}"
    );
    let (status, kind, problem) = post_json(&s.at("/api/v1/outbox/send"), "{}");
    assert_eq!((status, kind.as_str()), (422, "application/problem+json"));
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("nothing was sent")
    );
    assert_eq!(snapshot(&s, &s.db, DEALS), before);
    assert_eq!(state_of(&s, breakup), "approved");
}

/// The CLI tests' SMTP sink (aiosmtpd), plain SMTP on loopback, writing what it accepts to a
/// Maildir; stopped when dropped.
struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Sink {
    fn start() -> Sink {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/servers/smtp_sink.py");
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        // Debian's Python holds aiosmtpd; the one first on PATH may not.
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .unwrap_or("python3");
        let child = Command::new(python)
            .arg(&script)
            .args(["--port", &port.to_string(), "--maildir"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let sink = Sink { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the SMTP sink did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        sink
    }

    fn delivered(&self) -> Vec<String> {
        std::fs::read_dir(self.dir.path().join("maildir/new"))
            .map(|d| {
                d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn sending_goes_through_the_remembered_server_once_with_the_send_time_checks() {
    let s = serve_demo();
    let sink = Sink::start();
    let breakup = queued(&s, "D27");
    let to = s.with_store(async |store| store.outgoing(breakup).await.unwrap().to);
    // The server is remembered as `outbox send --host ... --dry-run` leaves it.
    remember(
        &s,
        SendSettings {
            host: Some("127.0.0.1".into()),
            port: Some(sink.port),
            security: Some("plain".into()),
            from: Some("alex@seller.io".into()),
            name: Some("Alex Morgan".into()),
            ..SendSettings::default()
        },
    );
    let (_, page) = get(&s.at("/outbox"));
    assert!(
        page.contains(&format!("127.0.0.1:{} (plain)", sink.port)),
        "{page}"
    );
    // Nothing approved yet: nothing goes.
    post_form(&s.at("/outbox/send"), &[("_csrf", &token(&s))]);
    assert!(sink.delivered().is_empty());
    post_form(
        &s.at(&format!("/outbox/{breakup}/approve")),
        &[("_csrf", &token(&s))],
    );
    let (status, _, location) = post_form(&s.at("/outbox/send"), &[("_csrf", &token(&s))]);
    assert_eq!(status, 303);
    let (_, page) = get(&s.at(&location.unwrap()));
    assert!(page.contains("sent 1"), "{page}");
    let delivered = sink.delivered();
    assert_eq!(delivered.len(), 1);
    assert!(
        delivered[0].contains(&format!("X-RcptTo: {to}")),
        "{}",
        delivered[0]
    );
    assert_eq!(state_of(&s, breakup), "sent");
    // A second send sends nothing again; the touch cap now holds a new breakup back.
    let (status, _, answer) = post_json(&s.at("/api/v1/outbox/send"), "{}");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["sent"].as_array().unwrap().len(), 0);
    assert_eq!(sink.delivered().len(), 1);
}

#[test]
fn the_api_lists_pages_and_acts_with_named_errors() {
    let s = serve_demo();
    let breakup = queued(&s, "D27");
    let value_add = queued(&s, "D13");
    let (status, page) = get_json(&s.at("/api/v1/outbox?limit=1"));
    assert_eq!(status, 200);
    assert_eq!(page["items"][0]["id"], breakup.to_string());
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, next) = get_json(&s.at(&format!("/api/v1/outbox?limit=1&cursor={cursor}")));
    assert_eq!(next["items"][0]["id"], value_add.to_string());
    assert!(next["next_cursor"].is_null());
    let (_, one) = get_json(&s.at(&format!("/api/v1/outbox/{breakup}")));
    assert_eq!(one["state"], "draft");
    let (status, problem) = get_json(&s.at("/api/v1/outbox?state=lost"));
    assert_eq!((status, problem["field"].as_str()), (422, Some("state")));
    assert_eq!(get_json(&s.at("/api/v1/outbox/O999")).0, 404);
    let before = snapshot(&s, &s.db, DEALS);
    // Edits that fail the tone check: 422 with the findings, field body.
    let url = s.at(&format!("/api/v1/outbox/{value_add}/edit"));
    let (status, kind, problem) = post_json(
        &url,
        r#"{"body":"Just checking in to bump this to the top of your inbox."}"#,
    );
    assert_eq!((status, kind.as_str()), (422, "application/problem+json"));
    assert_eq!(problem["field"], "body");
    assert!(
        !problem["findings"].as_array().unwrap().is_empty(),
        "{problem}"
    );
    let (status, _, problem) = post_json(&url, r#"{"body":42}"#);
    assert_eq!((status, problem["field"].as_str()), (422, Some("body")));
    // Approval refused for a blank left to fill; a body naming nothing.
    let approve = s.at("/api/v1/outbox/approve");
    let (status, _, problem) = post_json(&approve, &format!(r#"{{"ids":["{value_add}"]}}"#));
    assert_eq!(status, 422);
    assert!(
        problem["detail"].as_str().unwrap().contains("fill in"),
        "{problem}"
    );
    let (status, _, problem) = post_json(&approve, "{}");
    assert_eq!((status, problem["field"].as_str()), (422, Some("ids")));
    let (status, _, problem) = post_json(&approve, r#"{"ids":"O1"}"#);
    assert_eq!((status, problem["field"].as_str()), (422, Some("ids")));
    let (status, _, problem) = post_json(&s.at(&format!("/api/v1/outbox/{breakup}/confirm")), "{}");
    assert_eq!((status, problem["field"].as_str()), (422, Some("sent")));
    let (status, _, _) = post_json(
        &s.at(&format!("/api/v1/outbox/{breakup}/confirm")),
        r#"{"sent":true}"#,
    );
    assert_eq!(status, 409);
    assert_eq!(snapshot(&s, &s.db, DEALS), before);
    // Approve and cancel, as the CLI does.
    let now = NOW.parse().unwrap();
    let copy = on_copy(&s, async |store| {
        outbox::approve(store, &Caller::local(), Targets::AllDrafts, now)
            .await
            .unwrap();
        outbox::cancel(store, &Caller::local(), value_add)
            .await
            .unwrap();
    });
    let (status, _, answer) = post_json(&approve, &format!(r#"{{"ids":["{breakup}"]}}"#));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer[0]["approved"], true);
    let (status, _, answer) = post_json(&s.at(&format!("/api/v1/outbox/{value_add}/cancel")), "{}");
    assert_eq!((status, answer["state"].as_str()), (200, Some("cancelled")));
    assert_eq!(snapshot(&s, &s.db, DEALS), snapshot(&s, &copy, DEALS));
}

/// Approves `id` and leaves it as a send interrupted after the server took the envelope
/// leaves it: `sending`, then settled as unconfirmed.
fn in_doubt(s: &Served, id: OutgoingId) {
    s.with_store(async |store| {
        let now = NOW.parse().unwrap();
        outbox::approve(store, &Caller::local(), Targets::Ids(vec![id]), now)
            .await
            .unwrap();
        assert!(store.claim(id, now).await.unwrap());
        store.settle_outbox().await.unwrap();
    });
}

#[test]
fn a_message_left_in_doubt_is_confirmed_as_the_cli_does() {
    let s = serve_demo();
    let breakup = queued(&s, "D27");
    let other = queued(&s, "D7");
    in_doubt(&s, breakup);
    in_doubt(&s, other);
    assert_eq!(state_of(&s, breakup), "unconfirmed");
    let (_, page) = get(&s.at("/outbox"));
    assert!(
        page.contains("Unconfirmed: check your Sent folder (2)"),
        "{page}"
    );
    assert!(page.contains(&format!("action=\"/outbox/{breakup}/confirm\"")));
    let deals = &["D27", "D7"];
    // `outbox confirm O1 --sent`, on a copy.
    let now = NOW.parse().unwrap();
    let copy = on_copy(&s, async |store| {
        outbox::confirm(store, &Caller::local(), breakup, true, now)
            .await
            .unwrap();
    });
    let before = snapshot(&s, &s.db, deals);
    let (status, _, _) = post_form(
        &s.at(&format!("/outbox/{breakup}/confirm")),
        &[("_csrf", &token(&s)), ("outcome", "maybe")],
    );
    assert_eq!(status, 422);
    assert_eq!(snapshot(&s, &s.db, deals), before);
    let (status, _, _) = post_form(
        &s.at(&format!("/outbox/{breakup}/confirm")),
        &[("_csrf", &token(&s)), ("outcome", "sent")],
    );
    assert_eq!(status, 303);
    assert_eq!(snapshot(&s, &s.db, deals), snapshot(&s, &copy, deals));
    assert_eq!(state_of(&s, breakup), "sent");
    // `outbox confirm O2 --resend` through the API: approved again.
    let copy = on_copy(&s, async |store| {
        outbox::confirm(store, &Caller::local(), other, false, now)
            .await
            .unwrap();
    });
    let (status, _, answer) = post_json(
        &s.at(&format!("/api/v1/outbox/{other}/confirm")),
        r#"{"sent":false}"#,
    );
    assert_eq!((status, answer["state"].as_str()), (200, Some("approved")));
    assert_eq!(snapshot(&s, &s.db, deals), snapshot(&s, &copy, deals));
}

#[test]
fn an_approved_message_downloads_as_an_eml_file_and_is_marked_exported() {
    let s = serve_demo();
    let breakup = queued(&s, "D27");
    remember(
        &s,
        SendSettings {
            from: Some("alex@seller.io".into()),
            ..SendSettings::default()
        },
    );
    // A draft is not taken as a file: 409, nothing changes.
    let (status, _, _) = post_form(
        &s.at(&format!("/outbox/{breakup}/eml")),
        &[("_csrf", &token(&s))],
    );
    assert_eq!(status, 409);
    assert_eq!(state_of(&s, breakup), "draft");
    approve(&s, breakup);
    let (_, page) = get(&s.at("/outbox"));
    assert!(page.contains(&format!("action=\"/outbox/{breakup}/eml\"")));
    // The same letter `rekindle outbox export` writes.
    let expected = s.with_store(async |store| {
        outbox::export(store, &Caller::local(), breakup, NOW.parse().unwrap())
            .await
            .unwrap()
    });
    let mut r = client()
        .post(&s.at(&format!("/outbox/{breakup}/eml")))
        .send_form([("_csrf", token(&s).as_str())])
        .expect("request");
    assert_eq!(r.status().as_u16(), 200);
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(header("content-type"), "message/rfc822");
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"{breakup}.eml\"")
    );
    let body = r.body_mut().read_to_vec().unwrap();
    assert_eq!(body, expected);
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.contains("From: ") && text.contains("Subject: "),
        "{text}"
    );
    assert_eq!(state_of(&s, breakup), "exported");
    // It is never sent from here again: the next send leaves it alone.
    let (_, page) = get(&s.at("/outbox"));
    assert!(page.contains("Exported (1)"), "the page shows it exported");
}
