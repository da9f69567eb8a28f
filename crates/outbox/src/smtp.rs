//! An SMTP session (lettre over tokio-rustls: implicit TLS, STARTTLS, or plain to a server on
//! this machine; AUTH PLAIN or LOGIN) that sends in two steps, so the caller can mark the
//! point of no return: `begin` has the server take the envelope (MAIL, RCPT, DATA) and wait
//! for the content; `transmit` sends it. A failure up to and including `begin` certainly
//! delivered nothing. After `transmit` starts, only the server's answer says; without one the
//! message is in doubt.
//!
//! Every exchange with the server is bounded by `SmtpSettings::timeout`: lettre's connection
//! times out only its connect, so a server that reads a command and never answers (one that
//! drops a refused login without a reply, for instance) would otherwise hold the command
//! until the server itself hangs up, minutes later.

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::ClientId;
use rekindle_core::EmailAddress;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain, then STARTTLS before anything else is said (port 587); refused if the server
    /// cannot.
    StartTls,
    /// No encryption: only to a server on this machine.
    Plain,
}

impl Security {
    pub fn parse(s: &str) -> Option<Security> {
        match s.trim().to_lowercase().as_str() {
            "tls" | "ssl" | "implicit" => Some(Security::Tls),
            "starttls" => Some(Security::StartTls),
            "plain" | "none" => Some(Security::Plain),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::StartTls => "starttls",
            Security::Plain => "plain",
        }
    }
}

/// Where and how to send.
#[derive(Clone, Debug)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    /// Certificates to trust besides the public roots (a PEM file).
    pub ca_file: Option<PathBuf>,
    /// How long to wait for connecting and for each answer of the server (RFC 5321 section
    /// 4.5.3.2 suggests minutes per command; a rep waits less).
    pub timeout: Duration,
}

/// What went wrong, and whether the message may have been delivered.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// Before any message was offered: connecting, TLS, logging in.
    #[error("cannot reach {server}: {reason}")]
    Connect { server: String, reason: String },
    /// The server answered, and did not accept the user and password: nothing was offered.
    #[error(
        "{server} did not accept the login of {user} (authentication failed: {reason}); check the user name and the password"
    )]
    Auth {
        server: String,
        user: String,
        reason: String,
    },
    /// The server answered no at `step`: nothing was delivered. `permanent` is a 5xx reply
    /// (RFC 5321 section 4.2.1: do not try again as it is), otherwise 4xx (try later).
    #[error("the server refused {} ({reply})", step.what())]
    Refused {
        permanent: bool,
        step: Step,
        reply: String,
    },
    /// The content was on its way and the answer never came.
    #[error("no answer after the message was sent ({0}): it may have been delivered")]
    InDoubt(String),
}

/// The part of a message's exchange a server refused (RFC 5321 section 3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// MAIL FROM: the sender, or the session (a refusal of every message alike).
    Sender,
    /// RCPT TO: this recipient only.
    Recipient,
    /// The DATA command, before any content: the session, not this message.
    Data,
    /// The content itself, after it was sent: this message.
    Content,
}

impl Step {
    fn what(self) -> &'static str {
        match self {
            Step::Sender => "the sender (MAIL FROM)",
            Step::Recipient => "the recipient (RCPT TO)",
            Step::Data => "to take a message (DATA)",
            Step::Content => "the message",
        }
    }

    /// Whether a refusal at this step is about this message (its recipient or its content)
    /// rather than about the session, which every other message would meet too.
    pub fn concerns_the_message(self) -> bool {
        matches!(self, Step::Recipient | Step::Content)
    }
}

impl SmtpError {
    /// Whether the message may have reached the server.
    pub fn maybe_delivered(&self) -> bool {
        matches!(self, SmtpError::InDoubt(_))
    }

    /// The same error, a refusal placed at `step`.
    fn at(self, step: Step) -> SmtpError {
        match self {
            SmtpError::Refused {
                permanent, reply, ..
            } => SmtpError::Refused {
                permanent,
                step,
                reply,
            },
            other => other,
        }
    }
}

fn loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn refused(e: lettre::transport::smtp::Error) -> SmtpError {
    if e.is_permanent() || e.is_transient() {
        SmtpError::Refused {
            permanent: e.is_permanent(),
            step: Step::Content,
            reply: e.to_string(),
        }
    } else {
        SmtpError::InDoubt(e.to_string())
    }
}

/// An open session with a mail server.
pub struct Smtp {
    conn: AsyncSmtpConnection,
    timeout: Duration,
}

/// Waits for `step` at most `limit`; `Err(())` when the server said nothing in time.
async fn within<T>(limit: Duration, step: impl std::future::Future<Output = T>) -> Result<T, ()> {
    tokio::time::timeout(limit, step).await.map_err(|_| ())
}

fn silent(limit: Duration, what: &str) -> String {
    format!("no answer to {what} within {} s", limit.as_secs_f64())
}

impl Smtp {
    /// Connects, secures the connection and logs in.
    pub async fn connect(
        settings: &SmtpSettings,
        password: Option<&str>,
    ) -> Result<Smtp, SmtpError> {
        let server = format!("{}:{}", settings.host, settings.port);
        let fail = |reason: String| SmtpError::Connect {
            server: server.clone(),
            reason,
        };
        if settings.security == Security::Plain && !loopback(&settings.host) {
            return Err(fail(
                "plain SMTP only to a server on this machine: use --security tls or starttls"
                    .into(),
            ));
        }
        let tls = match settings.security {
            Security::Plain => None,
            Security::Tls | Security::StartTls => {
                let mut builder = TlsParameters::builder(settings.host.clone());
                if let Some(path) = &settings.ca_file {
                    let pem = std::fs::read(path)
                        .map_err(|e| fail(format!("reading {}: {e}", path.display())))?;
                    let cert = Certificate::from_pem(&pem)
                        .map_err(|e| fail(format!("{}: {e}", path.display())))?;
                    builder = builder.add_root_certificate(cert);
                }
                Some(builder.build_rustls().map_err(|e| fail(e.to_string()))?)
            }
        };
        let hello = ClientId::default();
        let wrapped = (settings.security == Security::Tls)
            .then(|| tls.clone())
            .flatten();
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (settings.host.as_str(), settings.port),
            Some(settings.timeout),
            &hello,
            wrapped,
            None,
        )
        .await
        .map_err(|e| fail(e.to_string()))?;
        let limit = settings.timeout;
        if settings.security == Security::StartTls {
            let params = tls.ok_or_else(|| fail("no TLS parameters".into()))?;
            within(limit, conn.starttls(params, &hello))
                .await
                .map_err(|()| fail(silent(limit, "STARTTLS")))?
                .map_err(|e| fail(format!("STARTTLS: {e}")))?;
        }
        if let Some(user) = &settings.user {
            let credentials = Credentials::new(user.clone(), password.unwrap_or("").to_string());
            let answer = within(
                limit,
                conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials),
            )
            .await
            .map_err(|()| fail(silent(limit, "the login (AUTH)")))?;
            answer.map_err(|e| {
                // A reply that says no (535, 534...) is a refused login; a dropped connection
                // or a garbled reply is not, and says so.
                if e.is_permanent() || e.is_transient() {
                    SmtpError::Auth {
                        server: server.clone(),
                        user: user.clone(),
                        reason: e.to_string(),
                    }
                } else {
                    fail(format!("during the login (AUTH): {e}"))
                }
            })?;
        }
        Ok(Smtp {
            conn,
            timeout: limit,
        })
    }

    /// Offers a message from `from` to `to`: afterwards the server waits for its content.
    /// Nothing has been delivered if this fails.
    pub async fn begin(&mut self, from: &EmailAddress, to: &EmailAddress) -> Result<(), SmtpError> {
        let address = |a: &EmailAddress, step: Step| {
            a.as_str()
                .parse::<lettre::Address>()
                .map_err(|e| SmtpError::Refused {
                    permanent: true,
                    step,
                    reply: format!("{a}: {e}"),
                })
        };
        let before = |e: lettre::transport::smtp::Error| match refused(e) {
            // Nothing was offered yet: a dropped connection here delivered nothing either.
            SmtpError::InDoubt(reason) => SmtpError::Connect {
                server: "the mail server".into(),
                reason,
            },
            other => other,
        };
        let limit = self.timeout;
        let quiet = |what: &str| SmtpError::Connect {
            server: "the mail server".into(),
            reason: silent(limit, what),
        };
        let mail = Mail::new(Some(address(from, Step::Sender)?), vec![]);
        within(limit, self.conn.command(mail))
            .await
            .map_err(|()| quiet("MAIL FROM"))?
            .map_err(before)
            .map_err(|e| e.at(Step::Sender))?;
        let rcpt = Rcpt::new(address(to, Step::Recipient)?, vec![]);
        within(limit, self.conn.command(rcpt))
            .await
            .map_err(|()| quiet("RCPT TO"))?
            .map_err(before)
            .map_err(|e| e.at(Step::Recipient))?;
        within(limit, self.conn.command(Data))
            .await
            .map_err(|()| quiet("DATA"))?
            .map_err(before)
            .map_err(|e| e.at(Step::Data))?;
        Ok(())
    }

    /// Sends the content the server is waiting for; `Ok` is the server's acceptance.
    pub async fn transmit(&mut self, message: &[u8]) -> Result<String, SmtpError> {
        let limit = self.timeout;
        let response = within(limit, self.conn.message(message))
            .await
            .map_err(|()| SmtpError::InDoubt(silent(limit, "the message's content")))?
            .map_err(refused)
            .map_err(|e| e.at(Step::Content))?;
        Ok(response.message().collect::<Vec<_>>().join(" "))
    }

    /// Says goodbye (errors ignored: the messages are already accepted or not).
    pub async fn quit(mut self) {
        let _ = within(self.timeout, self.conn.quit()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a server on this machine may be spoken to in plain text.
    #[test]
    fn loopback_is_this_machine_only() {
        for host in ["localhost", "127.0.0.1", "127.8.9.10", "::1"] {
            assert!(loopback(host), "{host}");
        }
        for host in [
            "smtp.example.com",
            "localhost.example.com",
            "127.0.0.1.example.com",
            "192.0.2.1",
            "10.0.0.1",
            "0.0.0.0",
            "::",
            "",
        ] {
            assert!(!loopback(host), "{host}");
        }
    }

    #[tokio::test]
    async fn plain_to_another_machine_is_refused_before_connecting() {
        let settings = SmtpSettings {
            host: "192.0.2.1".into(),
            port: 25,
            security: Security::Plain,
            user: Some("alex".into()),
            ca_file: None,
            timeout: std::time::Duration::from_secs(30),
        };
        let started = std::time::Instant::now();
        match Smtp::connect(&settings, Some("secret")).await {
            Err(SmtpError::Connect { server, reason }) => {
                assert_eq!(server, "192.0.2.1:25");
                assert!(reason.contains("plain SMTP only"), "{reason}");
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("connected in plain text to another machine"),
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
