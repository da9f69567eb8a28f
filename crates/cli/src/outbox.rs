//! `rekindle outbox`: drafts from plays go into an outbox; the rep reviews, edits and approves
//! them; `send` checks each one again against the record as it is now and sends it once over
//! SMTP, or the rep exports it as a .eml file.

use crate::args::{Global, OutboxCommand, SendArgs};
use crate::engine::{assess_deal, composer};
use crate::output::{day, deal_id, now, open, print_json, report, say, table};
use crate::sync::password;
use anyhow::{Context, Result, anyhow, bail};
use jiff::Timestamp;
use regex::Regex;
use rekindle_core::outbox::{OutboxState, Outgoing, Verdict, check};
use rekindle_core::time::{date_of, start_of_day};
use rekindle_core::{
    Activity, ActivityId, ActivityKind, DealId, Direction, EmailAddress, Outcome, OutgoingId,
    PlayKind, ToneMark, lint,
};
use rekindle_outbox::{Letter, Security, Smtp, SmtpError, SmtpSettings, new_message_id};
use rekindle_store::{NewOutgoing, OutboxMessage, Store};
use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::LazyLock;
use std::time::Duration;

pub async fn run(g: &Global, command: OutboxCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    match command {
        OutboxCommand::Add { deal, play } => add(g, &store, &deal, play.as_deref(), now).await,
        OutboxCommand::List { all } => list(g, &store, all).await,
        OutboxCommand::Show { id } => {
            let m = store.outgoing(id.parse()?).await?;
            report(g, &m, || {
                format!(
                    "{} ({}) to {}\nSubject: {}\n\n{}",
                    m.id, m.state, m.to, m.subject, m.body
                )
            })?;
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Edit {
            id,
            subject,
            body_file,
        } => edit(g, &store, id.parse()?, subject, body_file).await,
        OutboxCommand::Approve { ids, all } => approve(g, &store, ids, all, now).await,
        OutboxCommand::Cancel { id } => {
            let id: OutgoingId = id.parse()?;
            store.cancel(id).await?;
            report(g, &serde_json::json!({ "cancelled": id }), || {
                format!("{id} cancelled")
            })?;
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Send(a) => send(g, &store, a, now).await,
        OutboxCommand::Export { id, to } => export(g, &store, id.parse()?, to, now).await,
        OutboxCommand::Confirm { id, sent, .. } => {
            let id: OutgoingId = id.parse()?;
            store.confirm(id, sent, now).await?;
            report(
                g,
                &serde_json::json!({ "message": id, "sent": sent }),
                || {
                    if sent {
                        format!("{id} recorded as sent")
                    } else {
                        format!("{id} approved again: the next send sends it once")
                    }
                },
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Where Message-IDs are made: the rep's own domain when known.
async fn message_domain(store: &Store) -> Result<String> {
    Ok(store
        .rep_addresses()
        .await?
        .first()
        .map(|a| a.domain().to_string())
        .unwrap_or_else(|| "rekindle.invalid".into()))
}

async fn add(
    g: &Global,
    store: &Store,
    deal: &str,
    play: Option<&str>,
    now: Timestamp,
) -> Result<ExitCode> {
    let id = deal_id(deal)?;
    let (record, assessment, policy) = assess_deal(store, id, now).await?;
    let play = match play {
        Some(p) => PlayKind::parse(p)?,
        None => assessment
            .next_action
            .play
            .ok_or_else(|| anyhow!("nothing to draft for {id}: {}", assessment.next_action.why))?,
    };
    let draft = composer(g)?.draft(&record, &assessment, play, now, &policy)?;
    // The same message twice would be sent twice once both are approved.
    if let Some(twin) = store.outbox(false).await?.into_iter().find(|m| {
        m.deal == id
            && matches!(m.state, OutboxState::Draft | OutboxState::Approved)
            && m.subject == draft.subject
            && m.body == draft.body
            && draft.to.email.as_deref() == Some(m.to.as_str())
    }) {
        bail!(
            "the same message is already waiting as {} ({}, to {}): approve, edit or cancel it",
            twin.id,
            twin.state,
            twin.to
        );
    }
    let queued = queue_draft(store, &record, &draft, now).await?;
    let m = store.outgoing(queued).await?;
    report(g, &m, || {
        let mut lines = vec![format!(
            "{queued}: {} to {} <{}>, waiting for your review (rekindle outbox approve {queued})",
            play, draft.to.name, m.to
        )];
        if !draft.to_fill.is_empty() {
            lines.push(format!(
                "  fill in first (rekindle outbox edit {queued}): {}",
                draft.to_fill.join("; ")
            ));
        }
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Puts a draft in the outbox, threaded into the conversation with its recipient.
pub(crate) async fn queue_draft(
    store: &Store,
    record: &rekindle_core::DealRecord,
    draft: &rekindle_core::compose::Draft,
    now: Timestamp,
) -> Result<OutgoingId> {
    let new = outgoing_of(store, record, draft).await?;
    Ok(store.queue(&new, now).await?)
}

/// The outbox message a draft makes, threaded into the conversation with its recipient
/// (reads only: the caller queues it).
pub(crate) async fn outgoing_of(
    store: &Store,
    record: &rekindle_core::DealRecord,
    draft: &rekindle_core::compose::Draft,
) -> Result<NewOutgoing> {
    let id = record.deal.id;
    let address = draft
        .to
        .email
        .as_deref()
        .ok_or_else(|| anyhow!("{} has no email address", draft.to.name))?;
    let mut to = EmailAddress::parse(address)?;
    let contact = record
        .contacts
        .iter()
        .find(|c| c.emails.contains(&to))
        .ok_or_else(|| anyhow!("{to} is not a contact of {id}"))?;
    // An address the person retired (they moved to another) gives way to their next one.
    if store.is_blocked(to.as_str()).await? {
        for other in &contact.emails {
            if !store.is_blocked(other.as_str()).await? {
                to = other.clone();
                break;
            }
        }
    }
    let thread = store.thread_with(id, contact.id).await?;
    let new = NewOutgoing {
        deal: id,
        contact: contact.id,
        to,
        play: Some(draft.play),
        subject: draft.subject.clone(),
        body: draft.body.clone(),
        message_id: new_message_id(&message_domain(store).await?),
        in_reply_to: thread.last().cloned(),
        references: thread,
    };
    Ok(new)
}

async fn list(g: &Global, store: &Store, all: bool) -> Result<ExitCode> {
    let messages = store.outbox(all).await?;
    if g.json {
        print_json(&messages)?;
        return Ok(ExitCode::SUCCESS);
    }
    if messages.is_empty() {
        say!("The outbox is empty.");
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = table(&["message", "deal", "to", "play", "state", "subject", "note"]);
    for m in &messages {
        let note = match (&m.hold_reason, &m.not_before, &m.error, m.sent_at) {
            (_, _, _, Some(at)) => format!("sent {}", day(at)),
            (Some(why), Some(until), _, _) => format!("held until {until}: {why}"),
            (_, _, Some(e), _) => e.clone(),
            _ => String::new(),
        };
        t.add_row(vec![
            m.id.to_string(),
            m.deal.to_string(),
            m.to.clone(),
            m.play.map(|p| p.to_string()).unwrap_or_default(),
            m.state.to_string(),
            m.subject.clone(),
            note,
        ]);
    }
    say!("{t}");
    Ok(ExitCode::SUCCESS)
}

/// Placeholders a draft leaves for the rep (`[the date you agreed]`).
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[[^\]\n]{3,}\]").expect("static pattern"));

/// Why a text may not go out as it is: pesky phrases, or blanks left to fill.
fn unfit(text: &str) -> Vec<String> {
    let mut problems: Vec<String> = lint::lint(text)
        .into_iter()
        .map(|f| {
            format!(
                "line {}: \"{}\" ({}): {}",
                f.line, f.phrase, f.rule, f.better
            )
        })
        .collect();
    problems.extend(
        PLACEHOLDER
            .find_iter(text)
            .map(|m| format!("fill in {}", m.as_str())),
    );
    problems
}

async fn edit(
    g: &Global,
    store: &Store,
    id: OutgoingId,
    subject: Option<String>,
    body_file: Option<PathBuf>,
) -> Result<ExitCode> {
    let current = store.outgoing(id).await?;
    if !current.state.is_pending() {
        bail!("{id} is {}: it can no longer be edited", current.state);
    }
    let (subject, body) = match (subject, body_file) {
        (None, None) => edit_in_editor(&current)?,
        (subject, file) => {
            let body = match file {
                Some(f) => crate::record::read_body(&f)?,
                None => current.body.clone(),
            };
            (subject.unwrap_or(current.subject.clone()), body)
        }
    };
    let findings = lint::lint(&body);
    if !findings.is_empty() {
        for f in &findings {
            eprintln!(
                "line {}: \"{}\" [{}]\n  why: {}\n  better: {}",
                f.line, f.phrase, f.rule, f.why, f.better
            );
        }
        eprintln!("{id} is unchanged: its text must pass the tone check");
        return Ok(ExitCode::from(1));
    }
    store
        .edit_outgoing(id, subject.trim(), body.trim_end())
        .await?;
    let m = store.outgoing(id).await?;
    report(g, &m, || {
        format!("{id} edited; approve it again to send (rekindle outbox approve {id})")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Opens `$EDITOR` on `Subject: ...`, a blank line and the text.
fn edit_in_editor(current: &OutboxMessage) -> Result<(String, String)> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal for an editor: give --subject and/or --body-file");
    }
    let editor = std::env::var("EDITOR").unwrap_or_else(|_| "vi".into());
    let dir = std::env::temp_dir().join(format!("rekindle-edit-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}.txt", current.id));
    std::fs::write(
        &path,
        format!("Subject: {}\n\n{}\n", current.subject, current.body),
    )?;
    let status = std::process::Command::new(&editor)
        .arg(&path)
        .status()
        .with_context(|| format!("starting {editor}"))?;
    if !status.success() {
        bail!("{editor} exited with {status}: {} is unchanged", current.id);
    }
    let text = std::fs::read_to_string(&path)?;
    let _ = std::fs::remove_dir_all(&dir);
    let (head, body) = text
        .split_once("\n\n")
        .ok_or_else(|| anyhow!("keep the Subject: line, a blank line, then the text"))?;
    let subject = head
        .strip_prefix("Subject:")
        .ok_or_else(|| anyhow!("the first line must be Subject: ..."))?;
    Ok((subject.trim().to_string(), body.to_string()))
}

async fn approve(
    g: &Global,
    store: &Store,
    ids: Vec<String>,
    all: bool,
    now: Timestamp,
) -> Result<ExitCode> {
    let targets: Vec<OutboxMessage> = if all {
        store
            .outbox(false)
            .await?
            .into_iter()
            .filter(|m| m.state == OutboxState::Draft)
            .collect()
    } else {
        if ids.is_empty() {
            bail!("say which messages (O3 O4), or --all");
        }
        let mut out = Vec::new();
        for id in &ids {
            out.push(store.outgoing(id.parse()?).await?);
        }
        out
    };
    #[derive(Serialize)]
    struct Approval {
        message: OutgoingId,
        approved: bool,
        problems: Vec<String>,
    }
    let mut results = Vec::new();
    for m in targets {
        let problems = unfit(&m.body);
        results.push(Approval {
            message: m.id,
            approved: problems.is_empty(),
            problems,
        });
    }
    // The messages fit to go are approved together, in one transaction.
    let fit: Vec<OutgoingId> = results
        .iter()
        .filter(|r| r.approved)
        .map(|r| r.message)
        .collect();
    store.approve_all(&fit, now).await?;
    let refused = results.iter().any(|r| !r.approved);
    report(g, &results, || {
        results
            .iter()
            .map(|r| {
                if r.approved {
                    format!("{} approved", r.message)
                } else {
                    format!("{} not approved: {}", r.message, r.problems.join("; "))
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok(if refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The sending settings remembered between runs: never the password.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Remembered {
    host: Option<String>,
    port: Option<u16>,
    security: Option<String>,
    user: Option<String>,
    ca_file: Option<PathBuf>,
    from: Option<String>,
    name: Option<String>,
}

const SETTINGS_KEY: &str = "smtp";

/// The address messages come from: the one given or remembered, else the rep's first.
async fn sender(store: &Store, given: &Option<String>) -> Result<EmailAddress> {
    match given {
        Some(f) => Ok(EmailAddress::parse(f)?),
        None => store
            .rep_addresses()
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow!("say which address messages come from: --from you@company.com")),
    }
}

fn letter(
    m: &OutboxMessage,
    from: &EmailAddress,
    name: &Option<String>,
    to_name: &str,
    at: Timestamp,
) -> Result<Letter> {
    Ok(Letter {
        from_name: name.clone(),
        from: from.clone(),
        to_name: Some(to_name.to_string()),
        to: EmailAddress::parse(&m.to)?,
        subject: m.subject.clone(),
        body: m.body.clone(),
        message_id: m.message_id.clone(),
        in_reply_to: m.in_reply_to.clone(),
        references: m.references.clone(),
        date: at,
    })
}

/// What a send run did with each message.
#[derive(Default, Serialize)]
struct SendReport {
    dry_run: bool,
    sent: Vec<OutgoingId>,
    held: Vec<(OutgoingId, Timestamp, String)>,
    refused: Vec<(OutgoingId, String)>,
    /// Refused for good by the server (a 5xx to its recipient or its content): moved to
    /// failed, for the rep to edit or cancel.
    failed: Vec<(OutgoingId, String)>,
    /// Refused for now by the server (a 4xx to its recipient or its content): still approved,
    /// the next send tries it again.
    deferred: Vec<(OutgoingId, String)>,
    /// Left in doubt by an interrupted send (this one or an earlier one): the rep confirms.
    unconfirmed: Vec<OutgoingId>,
    /// Found in the captured mail after an interrupted send or an export.
    settled: Vec<OutgoingId>,
    /// Why the run stopped early, if it did.
    stopped: Option<String>,
}

impl SendReport {
    fn lines(&self) -> String {
        let verb = if self.dry_run { "would send" } else { "sent" };
        let mut lines = vec![format!(
            "{verb} {}, held {}, refused {}, failed {}, to try again {}",
            self.sent.len(),
            self.held.len(),
            self.refused.len(),
            self.failed.len(),
            self.deferred.len()
        )];
        for id in &self.sent {
            lines.push(format!("  {id}: {verb}"));
        }
        for (id, until, why) in &self.held {
            lines.push(format!("  {id}: held until {until}: {why}"));
        }
        for (id, why) in &self.refused {
            lines.push(format!("  {id}: refused: {why}"));
        }
        for (id, why) in &self.failed {
            lines.push(format!(
                "  {id}: failed: refused for good by the server ({why}); edit or cancel it"
            ));
        }
        for (id, why) in &self.deferred {
            lines.push(format!(
                "  {id}: not sent, still approved: refused for now by the server ({why}); the next send tries again"
            ));
        }
        for id in &self.settled {
            lines.push(format!("  {id}: found in your sent mail: recorded as sent"));
        }
        for id in &self.unconfirmed {
            lines.push(format!(
                "  {id}: may have gone out before an interruption: check your Sent folder, then `rekindle outbox confirm {id} --sent` or `--resend`"
            ));
        }
        if let Some(why) = &self.stopped {
            lines.push(format!(
                "  stopped: {why}; the messages not sent are still approved"
            ));
        }
        lines.join("\n")
    }
}

async fn send(g: &Global, store: &Store, a: SendArgs, now: Timestamp) -> Result<ExitCode> {
    let known: Remembered = store.setting(SETTINGS_KEY).await?.unwrap_or_default();
    let settings = Remembered {
        host: a.host.or(known.host),
        port: a.port.or(known.port),
        security: a.security.or(known.security),
        user: a.user.or(known.user),
        ca_file: a.ca_file.or(known.ca_file),
        from: a.from.or(known.from),
        name: a.name.or(known.name),
    };
    let security = match settings.security.as_deref() {
        None => Security::Tls,
        Some(s) => Security::parse(s)
            .ok_or_else(|| anyhow!("bad --security {s:?}: expected tls, starttls or plain"))?,
    };
    let from = sender(store, &settings.from).await?;
    let mut report_out = SendReport {
        dry_run: a.dry_run,
        ..SendReport::default()
    };
    if a.dry_run {
        report_out.unconfirmed = store
            .outbox(false)
            .await?
            .into_iter()
            .filter(|m| matches!(m.state, OutboxState::Sending | OutboxState::Unconfirmed))
            .map(|m| m.id)
            .collect();
    } else {
        for (id, state) in store.settle_outbox().await? {
            match state {
                OutboxState::Sent => report_out.settled.push(id),
                _ => report_out.unconfirmed.push(id),
            }
        }
    }
    // Set when the server could not be reached or refused the login: then nothing is
    // remembered either, and the run changes nothing.
    let mut session_failed = false;
    let mut remembered = false;
    let due = store.due(now).await?;
    let policy = store.policy().await?;
    let mut session: Option<Smtp> = None;
    let mut secret: Option<String> = None;
    // A dry run predicts the real one: what it would send counts as sent for the messages
    // after it (limits, spacing, the touch cap).
    let mut would_send: Vec<(DealId, Activity)> = Vec::new();
    for m in due {
        let mut record = store.deal(m.deal).await?;
        record.activities.extend(
            would_send
                .iter()
                .filter(|(d, _)| *d == m.deal)
                .map(|(_, a)| a.clone()),
        );
        let zone = match store.contact_time_zone(m.contact).await? {
            Some(name) => Some(
                jiff::tz::TimeZone::get(&name)
                    .with_context(|| format!("{}'s stored time zone {name:?}", m.contact))?,
            ),
            None => None,
        };
        let (sent_today, sent_to_deal_today) =
            store.sent_since(start_of_day(date_of(now)), m.deal).await?;
        let (sent_today, sent_to_deal_today) = (
            sent_today + would_send.len(),
            sent_to_deal_today + would_send.iter().filter(|(d, _)| *d == m.deal).count(),
        );
        let to = EmailAddress::parse(&m.to)?;
        let outgoing = Outgoing {
            record: &record,
            contact: m.contact,
            address: &to,
            play: m.play,
            blocked: store.is_blocked(to.as_str()).await?,
            bounced: store.is_bounced(to.as_str()).await?,
            sent_today,
            sent_to_deal_today,
            time_zone: zone.as_ref(),
        };
        // The body is checked again too: a template changed since, or an edit in the database.
        let problems = unfit(&m.body);
        let verdict = match check(&outgoing, &policy, now) {
            Verdict::Send if !problems.is_empty() => Verdict::Refuse {
                why: problems.join("; "),
            },
            v => v,
        };
        match verdict {
            Verdict::Refuse { why } => {
                if !a.dry_run {
                    store.refuse(m.id, &why).await?;
                }
                report_out.refused.push((m.id, why));
                continue;
            }
            Verdict::Defer { until, why } => {
                if !a.dry_run {
                    store.hold(m.id, until, &why).await?;
                }
                report_out.held.push((m.id, until, why));
                continue;
            }
            Verdict::Send if a.dry_run => {
                would_send.push((
                    m.deal,
                    Activity {
                        id: ActivityId(0),
                        kind: ActivityKind::Email,
                        direction: Direction::Outbound,
                        at: now,
                        outcome: Some(Outcome::Sent),
                        contact: Some(m.contact),
                        summary: m.subject.clone(),
                        body: Some(m.body.clone()),
                        play: m.play,
                        tone: ToneMark::default(),
                        body_fingerprint: None,
                        returns_on: None,
                    },
                ));
                report_out.sent.push(m.id);
                continue;
            }
            Verdict::Send => {}
        }
        let to_name = record
            .contact(m.contact)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let bytes = letter(&m, &from, &settings.name, &to_name, now)?.to_bytes()?;
        if session.is_none() {
            let host = settings
                .host
                .clone()
                .ok_or_else(|| anyhow!("first send: say which server, with --host (and --user)"))?;
            let smtp = SmtpSettings {
                port: settings.port.unwrap_or(match security {
                    Security::Tls => 465,
                    _ => 587,
                }),
                host,
                security,
                user: settings.user.clone(),
                ca_file: settings.ca_file.clone(),
                timeout: Duration::from_secs(60),
            };
            if secret.is_none() && smtp.user.is_some() {
                secret = Some(password(&a.password, smtp.user.as_deref().unwrap_or(""))?);
            }
            match Smtp::connect(&smtp, secret.as_deref()).await {
                Ok(s) => {
                    // The server took these settings: kept before anything is sent, so a run
                    // interrupted later is settled and resumed with them.
                    if !remembered {
                        store.set_setting(SETTINGS_KEY, &settings).await?;
                        remembered = true;
                    }
                    session = Some(s);
                }
                Err(e) => {
                    session_failed = true;
                    report_out.stopped = Some(e.to_string());
                    break;
                }
            }
        }
        let smtp = session.as_mut().expect("connected above");
        if let Err(e) = smtp.begin(&from, &to).await {
            match e {
                // Only a refusal of this recipient is this message's: recorded on it, failed
                // for good (5xx) or left approved to try again (4xx).
                SmtpError::Refused {
                    permanent,
                    step,
                    reply,
                } if step.concerns_the_message() => {
                    store.not_delivered(m.id, permanent, &reply).await?;
                    if permanent {
                        report_out.failed.push((m.id, reply));
                    } else {
                        report_out.deferred.push((m.id, reply));
                    }
                    // The session may be unusable after a refusal: start afresh.
                    session = None;
                    continue;
                }
                // The sender or the session refused, or the server went away: every message
                // would meet it, so none is marked; they stay approved.
                other => {
                    report_out.stopped = Some(other.to_string());
                    break;
                }
            }
        }
        // The point of no return: from here a crash leaves the message in doubt, never sent
        // again without the rep.
        if !store.claim(m.id, now).await? {
            report_out.stopped = Some(format!("{} was taken by another sender", m.id));
            break;
        }
        match smtp.transmit(&bytes).await {
            Ok(_) => {
                store.record_sent(m.id, now).await?;
                report_out.sent.push(m.id);
            }
            Err(SmtpError::Refused {
                permanent, reply, ..
            }) => {
                store.not_delivered(m.id, permanent, &reply).await?;
                if permanent {
                    report_out.failed.push((m.id, reply));
                } else {
                    report_out.deferred.push((m.id, reply));
                }
                session = None;
            }
            Err(e) => {
                // No answer: it may have arrived. It stays `sending` until the captured mail
                // or the rep says.
                for (id, state) in store.settle_outbox().await? {
                    if state == OutboxState::Unconfirmed && !report_out.unconfirmed.contains(&id) {
                        report_out.unconfirmed.push(id);
                    }
                }
                report_out.stopped = Some(e.to_string());
                break;
            }
        }
    }
    if let Some(s) = session {
        s.quit().await;
    }
    drop(secret);
    // Remembered by a dry run too: the connection settings are not the record, and trying
    // them first is how a rep sets them up. Not after a server that could not be reached or
    // refused the login: the failed run leaves the database as it was.
    if !session_failed && !remembered {
        store.set_setting(SETTINGS_KEY, &settings).await?;
    }
    let trouble = report_out.stopped.is_some() || !report_out.unconfirmed.is_empty();
    report(g, &report_out, || report_out.lines())?;
    Ok(if trouble {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

async fn export(
    g: &Global,
    store: &Store,
    id: OutgoingId,
    to: PathBuf,
    now: Timestamp,
) -> Result<ExitCode> {
    let m = store.outgoing(id).await?;
    if !matches!(m.state, OutboxState::Approved | OutboxState::Exported) {
        bail!(
            "{id} is {}: approve it first (rekindle outbox approve {id})",
            m.state
        );
    }
    let known: Remembered = store.setting(SETTINGS_KEY).await?.unwrap_or_default();
    let from = sender(store, &known.from).await?;
    let record = store.deal(m.deal).await?;
    let to_name = record
        .contact(m.contact)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let bytes = letter(&m, &from, &known.name, &to_name, now)?.to_bytes()?;
    let path = if to.is_dir() {
        to.join(format!("{id}.eml"))
    } else {
        to
    };
    // A message names people and says what they told the rep: readable by its owner only.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(
        &mut options
            .open(&path)
            .with_context(|| format!("writing {}", path.display()))?,
        &bytes,
    )
    .with_context(|| format!("writing {}", path.display()))?;
    store.exported(id).await?;
    report(
        g,
        &serde_json::json!({ "message": id, "file": path.display().to_string() }),
        || {
            format!(
                "{id} written to {}: once it is in your Sent folder and imported, it counts as sent (or say so: rekindle outbox confirm {id} --sent)",
                path.display()
            )
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
