//! A server that reads a command and never answers: every exchange is bounded by the
//! settings' timeout (lettre's own connection times out only its connect), so the sender
//! returns, saying what went unanswered, instead of waiting for the server to hang up.

use rekindle_core::EmailAddress;
use rekindle_outbox::{Security, Smtp, SmtpError, SmtpSettings};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Greets, answers EHLO offering AUTH, then answers nothing after the command `silent_at`
/// (the first word of a line, e.g. "AUTH" or "MAIL"); everything before it gets 250.
async fn silent_server(silent_at: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write
            .write_all(b"220 silent.example ESMTP\r\n")
            .await
            .unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
            if verb == silent_at {
                // Keep the connection open and say nothing, like a server that drops a
                // refused login without a reply.
                tokio::time::sleep(Duration::from_secs(600)).await;
                return;
            }
            let answer: &[u8] = if verb == "EHLO" {
                b"250-silent.example\r\n250 AUTH PLAIN LOGIN\r\n"
            } else {
                b"250 OK\r\n"
            };
            write.write_all(answer).await.unwrap();
        }
    });
    port
}

fn settings(port: u16, user: Option<&str>) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::Plain,
        user: user.map(str::to_string),
        ca_file: None,
        timeout: Duration::from_secs(1),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_left_unanswered_returns_after_the_timeout() {
    let port = silent_server("AUTH").await;
    let started = Instant::now();
    let result = Smtp::connect(&settings(port, Some("alice")), Some("wrong")).await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "waited {took:?}");
    match result {
        Err(SmtpError::Connect { reason, .. }) => {
            assert!(reason.contains("no answer to the login"), "{reason}")
        }
        Err(other) => panic!("expected an unanswered login, got {other}"),
        Ok(_) => panic!("a login with no answer cannot succeed"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_envelope_left_unanswered_returns_after_the_timeout_having_delivered_nothing() {
    let port = silent_server("RCPT").await;
    let mut smtp = Smtp::connect(&settings(port, None), None).await.unwrap();
    let from = EmailAddress::parse("alex@seller.io").unwrap();
    let to = EmailAddress::parse("dana@acme.example").unwrap();
    let started = Instant::now();
    let result = smtp.begin(&from, &to).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let e = result.expect_err("no answer to RCPT");
    assert!(!e.maybe_delivered(), "{e}");
    assert!(e.to_string().contains("RCPT TO"), "{e}");
}
