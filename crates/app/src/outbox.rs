//! The outbox: drafts queued for the rep's review, edited, approved, cancelled, confirmed,
//! exported, and sent once over SMTP after every send-time check is made again
//! (`core::outbox::check`).

use crate::drafts::{self, Drafted};
use crate::{AppError, Caller, Input};
use jiff::Timestamp;
use regex::Regex;
use rekindle_core::compose::{Composer, Draft};
use rekindle_core::lint::Finding;
use rekindle_core::outbox::{OutboxState, Outgoing, Verdict, check};
use rekindle_core::time::{date_of, start_of_day};
use rekindle_core::{
    Activity, ActivityId, ActivityKind, DealId, DealRecord, Direction, EmailAddress, Outcome,
    OutgoingId, PlayKind, ToneMark, lint,
};
use rekindle_outbox::{Letter, Security, Smtp, SmtpError, SmtpSettings, new_message_id};
use rekindle_store::{NewOutgoing, OutboxMessage, Store};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

/// Where Message-IDs are made: the rep's own domain when known.
async fn message_domain(store: &Store) -> Result<String, AppError> {
    Ok(store
        .rep_addresses()
        .await?
        .first()
        .map(|a| a.domain().to_string())
        .unwrap_or_else(|| "rekindle.invalid".into()))
}

/// A draft queued for review: the message as stored, and the draft it was made from (its
/// recipient's name, what is left to fill in).
pub struct Queued {
    pub message: OutboxMessage,
    pub draft: Draft,
}

/// Drafts `play` (or the deal's next play) as [`drafts::draft`] does and puts it in the outbox
/// as a draft, threaded into the conversation with its recipient.
///
/// Errors: those of [`drafts::draft`]; [`AppError::Conflict`] when the same message (recipient,
/// subject and text) already waits as a draft or approved; [`AppError::Unfit`] when the draft
/// has no address of a contact of the deal; the store's.
pub async fn queue(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    deal: DealId,
    play: Option<PlayKind>,
    now: Timestamp,
) -> Result<Queued, AppError> {
    match queue_edited(store, caller, composer, deal, play, Edit::default(), now).await? {
        Queueing::Done(queued) => Ok(*queued),
        // A draft passes the linter or is not made (`compose`'s invariant).
        Queueing::FailsToneCheck(findings) => Err(AppError::Unfit(format!(
            "the draft fails the tone check: {}",
            findings
                .iter()
                .map(|f| format!("\"{}\" ({})", f.phrase, f.rule))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// What queuing a draft the rep edited did.
pub enum Queueing {
    /// Queued for review.
    Done(Box<Queued>),
    /// The rep's text fails the tone check (`lint::lint`, as [`edit`] checks it): nothing was
    /// queued.
    FailsToneCheck(Vec<Finding>),
}

/// [`queue`], with the rep's own subject and text in place of the draft's (what is `None` stays
/// as drafted): the subject one line, the text not blank (trimmed at its end) and passing the
/// tone linter, or nothing is queued and the findings come back. The recipient and the thread
/// are the draft's.
///
/// Errors: those of [`queue`]; [`AppError::Invalid`] for a subject that is not one line of
/// text (field `subject`) or a blank text (field `body`).
pub async fn queue_edited(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    deal: DealId,
    play: Option<PlayKind>,
    edit: Edit,
    now: Timestamp,
) -> Result<Queueing, AppError> {
    let subject = edit
        .subject
        .map(|s| rekindle_core::input::line("subject", &s))
        .transpose()?;
    let body = edit
        .body
        .map(|b| rekindle_core::input::text("body", &b).map(|_| b.replace("\r\n", "\n")))
        .transpose()?;
    let Drafted { view, mut draft } =
        drafts::draft(store, caller, composer, deal, play, now).await?;
    if let Some(subject) = subject {
        draft.subject = subject;
    }
    if let Some(body) = body {
        draft.body = body.trim_end().to_string();
    }
    let findings = drafts::tone(&draft.body);
    if !findings.is_empty() {
        return Ok(Queueing::FailsToneCheck(findings));
    }
    // The same message twice would be sent twice once both are approved (the same text,
    // whether or not the rep's editor kept the draft's last line break).
    if let Some(twin) = twin(&store.outbox(false).await?, deal, &draft) {
        return Err(AppError::Conflict(format!(
            "the same message is already waiting as {} ({}, to {}): approve, edit or cancel it",
            twin.id, twin.state, twin.to
        )));
    }
    let new = outgoing_of(store, caller, &view.record, &draft).await?;
    let id = store.queue(&new, now).await?;
    let message = store.outgoing(id).await?;
    Ok(Queueing::Done(Box::new(Queued { message, draft })))
}

/// The message among `pending` (the outbox) that is `draft` for `deal` again, waiting as a
/// draft or approved: the same recipient, subject and text (whether or not an editor kept the
/// last line break). Queuing it again would send it twice once both are approved.
pub(crate) fn twin<'a>(
    pending: &'a [OutboxMessage],
    deal: DealId,
    draft: &Draft,
) -> Option<&'a OutboxMessage> {
    pending.iter().find(|m| {
        m.deal == deal
            && matches!(m.state, OutboxState::Draft | OutboxState::Approved)
            && m.subject.trim() == draft.subject.trim()
            && m.body.trim_end() == draft.body.trim_end()
            && draft.to.email.as_deref() == Some(m.to.as_str())
    })
}

/// The outbox message a draft makes, threaded into the conversation with its recipient
/// (reads only: the caller queues it). An address the person retired (they moved to another)
/// gives way to their next one.
///
/// Errors: [`AppError::Unfit`] when the draft has no address or the address is not a
/// contact's of the deal; the store's.
pub async fn outgoing_of(
    store: &Store,
    _caller: &Caller,
    record: &DealRecord,
    draft: &Draft,
) -> Result<NewOutgoing, AppError> {
    let id = record.deal.id;
    let address = draft
        .to
        .email
        .as_deref()
        .ok_or_else(|| AppError::Unfit(format!("{} has no email address", draft.to.name)))?;
    let mut to = EmailAddress::parse(address)?;
    let contact = record
        .contacts
        .iter()
        .find(|c| c.emails.contains(&to))
        .ok_or_else(|| AppError::Unfit(format!("{to} is not a contact of {id}")))?;
    if store.is_blocked(to.as_str()).await? {
        for other in &contact.emails {
            if !store.is_blocked(other.as_str()).await? {
                to = other.clone();
                break;
            }
        }
    }
    let thread = store.thread_with(id, contact.id).await?;
    Ok(NewOutgoing {
        deal: id,
        contact: contact.id,
        to,
        play: Some(draft.play),
        purpose: draft.purpose,
        subject: draft.subject.clone(),
        body: draft.body.clone(),
        message_id: new_message_id(&message_domain(store).await?),
        in_reply_to: thread.last().cloned(),
        references: thread,
    })
}

/// The outbox: the messages still to handle, or every message with `all`.
///
/// Errors: the store's.
pub async fn list(
    store: &Store,
    _caller: &Caller,
    all: bool,
) -> Result<Vec<OutboxMessage>, AppError> {
    Ok(store.outbox(all).await?)
}

/// What a message's state leaves to say, as two texts: when (`sent 2026-11-23`, `held until
/// 2026-11-24T08:00:00Z`) and the note (why it is held, or the check's or the server's
/// refusal); each empty when there is nothing to say.
pub fn note(m: &OutboxMessage) -> (String, String) {
    match (&m.hold_reason, &m.not_before, &m.error, m.sent_at) {
        (_, _, _, Some(at)) => (format!("sent {}", date_of(at)), String::new()),
        (Some(why), Some(until), _, _) => (format!("held until {until}"), why.clone()),
        (_, _, Some(e), _) => (String::new(), e.clone()),
        _ => (String::new(), String::new()),
    }
}

/// One outbox message.
///
/// Errors: `NotFound` for an unknown message; the store's.
pub async fn message(
    store: &Store,
    _caller: &Caller,
    id: OutgoingId,
) -> Result<OutboxMessage, AppError> {
    Ok(store.outgoing(id).await?)
}

/// The message, if it may still be edited (a draft, approved, held, refused or failed: not
/// sending, sent, exported or cancelled).
///
/// Errors: `NotFound`; [`AppError::Conflict`] when it can no longer be edited.
pub async fn editable(
    store: &Store,
    caller: &Caller,
    id: OutgoingId,
) -> Result<OutboxMessage, AppError> {
    let current = message(store, caller, id).await?;
    if !current.state.is_pending() {
        return Err(AppError::Conflict(format!(
            "{id} is {}: it can no longer be edited",
            current.state
        )));
    }
    Ok(current)
}

/// A new text for an outbox message; what is `None` stays as it is.
#[derive(Clone, Debug, Default)]
pub struct Edit {
    pub subject: Option<String>,
    pub body: Option<String>,
}

/// What an edit did.
pub enum Edited {
    /// The message as stored now (a draft again: the rep approves it again).
    Done(Box<OutboxMessage>),
    /// The text fails the tone check: nothing changed.
    FailsToneCheck(Vec<Finding>),
}

/// Edits a message's subject and text (trimmed). The text must pass the tone linter
/// (`lint::lint`), or nothing changes and the findings come back.
///
/// Errors: those of [`editable`]; the store's.
pub async fn edit(
    store: &Store,
    caller: &Caller,
    id: OutgoingId,
    edit: Edit,
) -> Result<Edited, AppError> {
    let current = editable(store, caller, id).await?;
    let subject = edit.subject.unwrap_or(current.subject);
    let body = edit.body.unwrap_or(current.body);
    let findings = drafts::tone(&body);
    if !findings.is_empty() {
        return Ok(Edited::FailsToneCheck(findings));
    }
    store
        .edit_outgoing(id, subject.trim(), body.trim_end())
        .await?;
    Ok(Edited::Done(Box::new(store.outgoing(id).await?)))
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

/// Which messages to approve.
pub enum Targets {
    /// These messages.
    Ids(Vec<OutgoingId>),
    /// Every draft in the outbox.
    AllDrafts,
}

/// Whether a message was approved, and why not.
#[derive(Clone, Debug, Serialize)]
pub struct Approval {
    pub message: OutgoingId,
    pub approved: bool,
    pub problems: Vec<String>,
}

/// Approves the messages whose text is fit to go (no pesky phrase, no blank left to fill),
/// together in one transaction; the others stay as they are, with their problems.
///
/// Errors: `NotFound` for an unknown message (then nothing is approved); the store's.
pub async fn approve(
    store: &Store,
    _caller: &Caller,
    targets: Targets,
    now: Timestamp,
) -> Result<Vec<Approval>, AppError> {
    let targets: Vec<OutboxMessage> = match targets {
        Targets::AllDrafts => store
            .outbox(false)
            .await?
            .into_iter()
            .filter(|m| m.state == OutboxState::Draft)
            .collect(),
        Targets::Ids(ids) => {
            let mut out = Vec::new();
            for id in ids {
                out.push(store.outgoing(id).await?);
            }
            out
        }
    };
    let results: Vec<Approval> = targets
        .into_iter()
        .map(|m| {
            let problems = unfit(&m.body);
            Approval {
                message: m.id,
                approved: problems.is_empty(),
                problems,
            }
        })
        .collect();
    let fit: Vec<OutgoingId> = results
        .iter()
        .filter(|r| r.approved)
        .map(|r| r.message)
        .collect();
    store.approve_all(&fit, now).await?;
    Ok(results)
}

/// Cancels a message that has not gone out.
///
/// Errors: `NotFound`; a conflict when it is sending, sent or exported; the store's.
pub async fn cancel(store: &Store, _caller: &Caller, id: OutgoingId) -> Result<(), AppError> {
    Ok(store.cancel(id).await?)
}

/// The rep settles a message left in doubt: `sent` records it sent at `now`, otherwise it is
/// approved again and the next send sends it once.
///
/// Errors: `NotFound`; a conflict when it is not in doubt; the store's.
pub async fn confirm(
    store: &Store,
    _caller: &Caller,
    id: OutgoingId,
    sent: bool,
    now: Timestamp,
) -> Result<(), AppError> {
    Ok(store.confirm(id, sent, now).await?)
}

/// The sending settings remembered between runs: never the password.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SendSettings {
    /// The SMTP server's host name.
    pub host: Option<String>,
    /// Its port (default 465 with tls, 587 otherwise).
    pub port: Option<u16>,
    /// `tls`, `starttls` or `plain`.
    pub security: Option<String>,
    /// The login name; none: no login.
    pub user: Option<String>,
    /// A PEM file of certificates to trust besides the public roots.
    pub ca_file: Option<PathBuf>,
    /// The address messages come from (default: the rep's first).
    pub from: Option<String>,
    /// The name shown with it.
    pub name: Option<String>,
}

impl SendSettings {
    /// These settings, with what they leave out taken from `known`.
    fn over(self, known: SendSettings) -> SendSettings {
        SendSettings {
            host: self.host.or(known.host),
            port: self.port.or(known.port),
            security: self.security.or(known.security),
            user: self.user.or(known.user),
            ca_file: self.ca_file.or(known.ca_file),
            from: self.from.or(known.from),
            name: self.name.or(known.name),
        }
    }
}

const SETTINGS_KEY: &str = "smtp";

/// The sending settings remembered by the last send that reached its server (or a dry run
/// given them): what a send given nothing uses. Never the password.
///
/// Errors: the store's.
pub async fn remembered(store: &Store, _caller: &Caller) -> Result<SendSettings, AppError> {
    Ok(store.setting(SETTINGS_KEY).await?.unwrap_or_default())
}

/// The address messages come from: the one given or remembered, else the rep's first.
async fn sender(store: &Store, given: &Option<String>) -> Result<EmailAddress, AppError> {
    match given {
        Some(f) => Ok(EmailAddress::parse(f)?),
        None => store
            .rep_addresses()
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| {
                AppError::Unfit("say which address messages come from (it is remembered)".into())
                    .about(Input::Sender)
            }),
    }
}

fn letter(
    m: &OutboxMessage,
    from: &EmailAddress,
    name: &Option<String>,
    to_name: &str,
    at: Timestamp,
) -> Result<Vec<u8>, AppError> {
    Letter {
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
    }
    .to_bytes()
    .map_err(|e| AppError::Unfit(e.to_string()))
}

/// What a send run did with each message.
#[derive(Default, Serialize)]
pub struct SendReport {
    pub dry_run: bool,
    pub sent: Vec<OutgoingId>,
    pub held: Vec<(OutgoingId, Timestamp, String)>,
    pub refused: Vec<(OutgoingId, String)>,
    /// Refused for good by the server (a 5xx to its recipient or its content): moved to
    /// failed, for the rep to edit or cancel.
    pub failed: Vec<(OutgoingId, String)>,
    /// Refused for now by the server (a 4xx to its recipient or its content): still approved,
    /// the next send tries it again.
    pub deferred: Vec<(OutgoingId, String)>,
    /// Left in doubt by an interrupted send (this one or an earlier one): the rep confirms.
    pub unconfirmed: Vec<OutgoingId>,
    /// Found in the captured mail after an interrupted send or an export.
    pub settled: Vec<OutgoingId>,
    /// Why the run stopped early, if it did.
    pub stopped: Option<String>,
}

impl SendReport {
    /// The report for people: a count line, then a line a message saying what happened to it
    /// and what the rep can do (as `rekindle outbox send` prints it and the dashboard shows it).
    pub fn lines(&self) -> Vec<String> {
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
        lines
    }
}

/// A send run: the settings given (over those remembered), and whether it only says what it
/// would do.
#[derive(Default)]
pub struct SendRequest {
    pub settings: SendSettings,
    pub dry_run: bool,
}

/// Sends the approved messages that are due at `now`, each checked again against the record as
/// it is now (`core::outbox::check`, and the text's tone and blanks): sent once over SMTP,
/// held until a date, or refused. A dry run changes no message and counts what it would send
/// against the limits of the messages after it. The settings that reached the server are
/// remembered (never the password); after a server that could not be reached or refused the
/// login, nothing is. `password` is asked for the login name once, only when a connection is
/// made with a user.
///
/// Errors: [`AppError::Invalid`] for a bad security or address; [`AppError::Unfit`] when no
/// server or sender is known, or the password cannot be had; the store's. A missing server or
/// sender and a bad security are [`AppError::About`] the input (`Input::SmtpServer`,
/// `Input::Sender`, `Input::Security`). A server that
/// cannot be reached is not an error: the report says where the run stopped.
pub async fn send(
    store: &Store,
    caller: &Caller,
    request: SendRequest,
    password: &mut (dyn FnMut(&str) -> Result<String, String> + Send),
    now: Timestamp,
) -> Result<SendReport, AppError> {
    let known = remembered(store, caller).await?;
    let settings = request.settings.over(known);
    let security = match settings.security.as_deref() {
        None => Security::Tls,
        Some(s) => Security::parse(s).ok_or_else(|| {
            AppError::from(rekindle_core::ParseError::new(
                "security",
                s,
                "tls, starttls or plain",
            ))
            .about(Input::Security)
        })?,
    };
    let dry_run = request.dry_run;
    let from = sender(store, &settings.from).await?;
    let mut report_out = SendReport {
        dry_run,
        ..SendReport::default()
    };
    if dry_run {
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
            Some(name) => Some(jiff::tz::TimeZone::get(&name).map_err(|e| {
                AppError::Internal(format!("{}'s stored time zone {name:?}: {e}", m.contact))
            })?),
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
            purpose: m.purpose,
            approved: m.approved.clone(),
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
                if !dry_run {
                    store.refuse(m.id, &why).await?;
                }
                report_out.refused.push((m.id, why));
                continue;
            }
            Verdict::Defer { until, why } => {
                if !dry_run {
                    store.hold(m.id, until, &why).await?;
                }
                report_out.held.push((m.id, until, why));
                continue;
            }
            Verdict::Send if dry_run => {
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
                        subject: Some(m.subject.clone()),
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
        let bytes = letter(&m, &from, &settings.name, &to_name, now)?;
        if session.is_none() {
            let host = settings.host.clone().ok_or_else(|| {
                AppError::Unfit("first send: say which server to send through, and its user".into())
                    .about(Input::SmtpServer)
            })?;
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
            if secret.is_none()
                && let Some(user) = smtp.user.as_deref()
            {
                secret = Some(password(user).map_err(AppError::Unfit)?);
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
        let Some(smtp) = session.as_mut() else {
            break;
        };
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
    Ok(report_out)
}

/// An approved message as the bytes of a .eml file (RFC 5322), from the remembered sender,
/// dated `now`. The front-end writes the file, then calls [`exported`].
///
/// Errors: `NotFound`; [`AppError::Conflict`] when it is not approved (or exported); the
/// store's.
pub async fn export(
    store: &Store,
    caller: &Caller,
    id: OutgoingId,
    now: Timestamp,
) -> Result<Vec<u8>, AppError> {
    let m = store.outgoing(id).await?;
    if !matches!(m.state, OutboxState::Approved | OutboxState::Exported) {
        return Err(AppError::Conflict(format!(
            "{id} is {}: approve it first (rekindle outbox approve {id})",
            m.state
        )));
    }
    let known = remembered(store, caller).await?;
    let from = sender(store, &known.from).await?;
    let record = store.deal(m.deal).await?;
    let to_name = record
        .contact(m.contact)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    letter(&m, &from, &known.name, &to_name, now)
}

/// Records that an exported message was written out: it counts as sent once it is found in
/// the captured mail or the rep confirms it.
///
/// Errors: `NotFound`; the store's.
pub async fn exported(store: &Store, _caller: &Caller, id: OutgoingId) -> Result<(), AppError> {
    Ok(store.exported(id).await?)
}
