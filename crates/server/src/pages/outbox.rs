//! Outbox: the messages by state (drafts to approve, approved, held, refused, failed,
//! unconfirmed, sent), each with its recipient, subject and text; edit (the text must pass the
//! tone linter, or nothing changes and the findings are shown), approve, cancel, confirm a
//! message left in doubt; a dry run that says what a send would do and refuse without sending;
//! and sending the approved messages, an explicit action with the same send-time checks as
//! `rekindle outbox send` (`outbox::send`).
//!
//! The SMTP settings are never taken from the page: the server is the one the last
//! `rekindle outbox send --host ...` remembered, and the password comes from the environment
//! of `rekindle serve` ([`PASSWORD_ENV`]), as the CLI's `--password-env` takes it.

use super::lint::FindingView;
use super::today::render_failed;
use super::view::{self, Chrome};
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use rekindle_app::outbox::{self, Edit, Edited, SendReport, SendRequest, SendSettings, Targets};
use rekindle_app::{AppError, Input};
use rekindle_core::OutgoingId;
use rekindle_core::outbox::OutboxState;
use rekindle_store::OutboxMessage;
use serde::Deserialize;

/// The environment variable the SMTP password is read from.
pub const PASSWORD_ENV: &str = "REKINDLE_SMTP_PASSWORD";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/outbox", get(page))
        .route("/outbox/{id}/edit", get(edit_form).post(edit))
        .route("/outbox/{id}/approve", post(approve))
        .route("/outbox/approve-all", post(approve_all))
        .route("/outbox/{id}/cancel", post(cancel))
        .route("/outbox/{id}/confirm", post(confirm))
        .route("/outbox/{id}/eml", post(export))
        .route("/outbox/dry-run", post(dry_run))
        .route("/outbox/send", post(send))
}

/// Where sending stands: the remembered server and sender, and what is missing.
pub struct SmtpView {
    /// "smtp.example.com:465 (tls) as alex, from alex@seller.io", or empty.
    pub server: String,
    /// What to set before a send can run; empty when nothing is missing.
    pub missing: Vec<String>,
}

/// What is missing before a send can reach a server: the remembered host, and the password
/// in the environment when a login is remembered.
pub fn missing(settings: &SendSettings) -> Vec<String> {
    let mut out = Vec::new();
    if settings.host.is_none() {
        out.push(
            "no SMTP server is set: run `rekindle outbox send --host HOST --port PORT --security tls|starttls --user LOGIN --from ADDRESS --dry-run` once; the settings are remembered (never the password)".to_string(),
        );
    }
    if settings.user.is_some() && std::env::var_os(PASSWORD_ENV).is_none() {
        out.push(format!(
            "the SMTP password is not set: start `rekindle serve` with {PASSWORD_ENV} in its environment"
        ));
    }
    out
}

impl SmtpView {
    fn of(s: &SendSettings) -> Self {
        let server = match &s.host {
            None => String::new(),
            Some(host) => format!(
                "{host}{} ({}){}{}",
                s.port.map(|p| format!(":{p}")).unwrap_or_default(),
                s.security.as_deref().unwrap_or("tls"),
                s.user
                    .as_ref()
                    .map(|u| format!(" as {u}"))
                    .unwrap_or_default(),
                s.from
                    .as_ref()
                    .map(|f| format!(", from {f}"))
                    .unwrap_or_default(),
            ),
        };
        SmtpView {
            server,
            missing: missing(s),
        }
    }
}

/// Runs a send (or a dry run) with the remembered settings and the password from the
/// environment. A real send with settings missing is refused before anything changes.
///
/// Errors: [`AppError::Unfit`] saying what to set; those of `outbox::send`.
pub async fn run_send(
    state: &AppState,
    dry_run: bool,
    now: Timestamp,
) -> Result<SendReport, AppError> {
    if !dry_run {
        let settings = outbox::remembered(state.store(), state.caller()).await?;
        let missing = missing(&settings);
        if !missing.is_empty() {
            return Err(AppError::Unfit(format!(
                "nothing was sent: {}",
                missing.join("; ")
            )));
        }
    }
    let mut password = |_: &str| {
        std::env::var(PASSWORD_ENV)
            .map_err(|_| format!("set {PASSWORD_ENV} in the environment of `rekindle serve`"))
    };
    let request = SendRequest {
        settings: SendSettings::default(),
        dry_run,
    };
    outbox::send(state.store(), state.caller(), request, &mut password, now)
        .await
        .map_err(how_to_set)
}

/// A failure about a sending setting, with how to set it: the settings are the CLI's to
/// give (and are remembered), never the page's.
fn how_to_set(e: AppError) -> AppError {
    let Some(input) = e.input() else {
        return e;
    };
    let how = match input {
        Input::Sender => "run `rekindle outbox send --from you@company.com --dry-run` once",
        Input::SmtpServer => "run `rekindle outbox send --host HOST --user LOGIN --dry-run` once",
        Input::Security => "run `rekindle outbox send --security tls|starttls --dry-run` once",
        _ => return e,
    };
    AppError::Unfit(format!("{e}: {how}")).about(input)
}

/// One message as the page shows it.
pub struct MessageView {
    pub id: String,
    pub deal: String,
    pub to: String,
    pub play: String,
    pub subject: String,
    pub body: String,
    pub note: String,
    pub editable: bool,
    pub draft: bool,
    pub unconfirmed: bool,
    /// Approved (or taken as a file before): it may be taken as a .eml file to send from the
    /// rep's own mail program.
    pub exportable: bool,
}

impl MessageView {
    fn of(m: &OutboxMessage) -> Self {
        MessageView {
            id: m.id.to_string(),
            deal: m.deal.to_string(),
            to: m.to.clone(),
            play: m.play.map(|p| view::words(p.as_str())).unwrap_or_default(),
            subject: m.subject.clone(),
            body: m.body.clone(),
            note: match outbox::note(m) {
                (when, note) if when.is_empty() => note,
                (when, note) if note.is_empty() => when,
                (when, note) => format!("{when}: {note}"),
            },
            editable: m.state.is_pending(),
            draft: matches!(
                m.state,
                OutboxState::Draft | OutboxState::Refused | OutboxState::Failed
            ),
            unconfirmed: m.state == OutboxState::Unconfirmed,
            exportable: matches!(m.state, OutboxState::Approved | OutboxState::Exported),
        }
    }
}

/// A group of messages in one state.
pub struct Group {
    pub key: &'static str,
    pub heading: &'static str,
    pub messages: Vec<MessageView>,
}

/// The groups, in the order the rep works through them: (states, key, heading).
const GROUPS: &[(&[OutboxState], &str, &str)] = &[
    (&[OutboxState::Draft], "draft", "Drafts to approve"),
    (
        &[OutboxState::Approved],
        "approved",
        "Approved, waiting to send",
    ),
    (&[OutboxState::Refused], "refused", "Refused at send"),
    (
        &[OutboxState::Failed],
        "failed",
        "Failed: refused by the server",
    ),
    (
        &[OutboxState::Unconfirmed, OutboxState::Sending],
        "unconfirmed",
        "Unconfirmed: check your Sent folder",
    ),
    (&[OutboxState::Exported], "exported", "Exported"),
    (&[OutboxState::Sent], "sent", "Sent"),
    (&[OutboxState::Cancelled], "cancelled", "Cancelled"),
];

#[derive(Template)]
#[template(path = "outbox.html")]
struct Page {
    chrome: Chrome,
    groups: Vec<Group>,
    total: usize,
    drafts: usize,
    approved: usize,
    smtp: SmtpView,
    done: String,
    report: Vec<String>,
    dry_run: bool,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    done: String,
}

async fn render(
    state: &AppState,
    now: Timestamp,
    done: String,
    report: Option<&SendReport>,
) -> Result<Html<String>, PageError> {
    let messages = outbox::list(state.store(), state.caller(), true).await?;
    let groups: Vec<Group> = GROUPS
        .iter()
        .map(|(states, key, heading)| Group {
            key,
            heading,
            messages: messages
                .iter()
                .filter(|m| states.contains(&m.state))
                .map(MessageView::of)
                .collect(),
        })
        .collect();
    let count = |s: OutboxState| messages.iter().filter(|m| m.state == s).count();
    let settings = outbox::remembered(state.store(), state.caller()).await?;
    let page = Page {
        chrome: Chrome::new(state, now, "outbox"),
        total: messages.len(),
        drafts: count(OutboxState::Draft),
        approved: count(OutboxState::Approved),
        groups,
        smtp: SmtpView::of(&settings),
        done,
        report: report.map(SendReport::lines).unwrap_or_default(),
        dry_run: report.is_some_and(|r| r.dry_run),
    };
    Ok(Html(page.render().map_err(render_failed)?))
}

async fn page(
    State(state): State<AppState>,
    Now(now): Now,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    render(&state, now, q.done, None).await
}

fn done(what: &str) -> Response {
    let query = serde_urlencoded::to_string([("done", what)]).unwrap_or_default();
    Redirect::to(&format!("/outbox?{query}")).into_response()
}

fn id_of(text: &str) -> Result<OutgoingId, AppError> {
    Ok(text.parse()?)
}

#[derive(Template)]
#[template(path = "outbox_edit.html")]
struct EditPage {
    chrome: Chrome,
    id: String,
    to: String,
    subject: String,
    body: String,
    findings: Vec<FindingView>,
}

async fn edit_form(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let m = outbox::editable(state.store(), state.caller(), id_of(&id)?).await?;
    let page = EditPage {
        chrome: Chrome::new(&state, now, "outbox"),
        id: m.id.to_string(),
        to: m.to,
        subject: m.subject,
        body: m.body,
        findings: Vec::new(),
    };
    Ok(Html(page.render().map_err(render_failed)?))
}

#[derive(Deserialize)]
struct EditForm {
    subject: String,
    body: String,
}

async fn edit(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<EditForm>,
) -> Result<Response, PageError> {
    let id = id_of(&id)?;
    let change = Edit {
        subject: Some(form.subject.clone()),
        body: Some(form.body.clone()),
    };
    match outbox::edit(state.store(), state.caller(), id, change).await? {
        Edited::Done(_) => Ok(done(&format!("{id} edited: approve it again to send it"))),
        Edited::FailsToneCheck(findings) => {
            let m = outbox::message(state.store(), state.caller(), id).await?;
            let page = EditPage {
                chrome: Chrome::new(&state, now, "outbox"),
                id: id.to_string(),
                to: m.to,
                subject: form.subject,
                body: form.body,
                findings: findings.iter().map(FindingView::of).collect(),
            };
            let html = page.render().map_err(render_failed)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

/// Approves `targets`; when any is refused, a 422 page lists why (the fit ones are approved).
async fn approve_targets(
    state: &AppState,
    targets: Targets,
    now: Timestamp,
) -> Result<Response, PageError> {
    let results = outbox::approve(state.store(), state.caller(), targets, now).await?;
    let refused: Vec<String> = results
        .iter()
        .filter(|r| !r.approved)
        .map(|r| format!("{} not approved: {}", r.message, r.problems.join("; ")))
        .collect();
    if !refused.is_empty() {
        return Ok(crate::error::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &refused.join(" · "),
        ));
    }
    let ids: Vec<String> = results.iter().map(|r| r.message.to_string()).collect();
    Ok(done(&if ids.is_empty() {
        "no drafts to approve".to_string()
    } else {
        format!("{} approved", ids.join(", "))
    }))
}

async fn approve(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    approve_targets(&state, Targets::Ids(vec![id_of(&id)?]), now).await
}

async fn approve_all(State(state): State<AppState>, Now(now): Now) -> Result<Response, PageError> {
    approve_targets(&state, Targets::AllDrafts, now).await
}

async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = id_of(&id)?;
    outbox::cancel(state.store(), state.caller(), id).await?;
    Ok(done(&format!("{id} cancelled")))
}

#[derive(Deserialize)]
struct ConfirmForm {
    /// `sent`: it went out; `resend`: approve it again, the next send sends it once.
    outcome: String,
}

async fn confirm(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ConfirmForm>,
) -> Result<Response, PageError> {
    let id = id_of(&id)?;
    let sent = match form.outcome.as_str() {
        "sent" => true,
        "resend" => false,
        other => {
            return Err(AppError::Invalid(rekindle_core::ParseError::new(
                "outcome",
                other,
                "sent or resend",
            ))
            .into());
        }
    };
    outbox::confirm(state.store(), state.caller(), id, sent, now).await?;
    Ok(done(&if sent {
        format!("{id} recorded as sent")
    } else {
        format!("{id} approved again: the next send sends it once")
    }))
}

/// The message as a .eml file (RFC 5322, `outbox::export`) to send from the rep's own mail
/// program, as `rekindle outbox export` writes it: a download, and the message is marked
/// exported (it counts as sent once the Sent folder is imported, or the rep confirms it). A
/// POST, since it changes the message.
async fn export(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = id_of(&id)?;
    let bytes = outbox::export(state.store(), state.caller(), id, now).await?;
    outbox::exported(state.store(), state.caller(), id).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "message/rfc822".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}.eml\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn dry_run(State(state): State<AppState>, Now(now): Now) -> Result<Html<String>, PageError> {
    let report = run_send(&state, true, now).await?;
    render(&state, now, String::new(), Some(&report)).await
}

async fn send(State(state): State<AppState>, Now(now): Now) -> Result<Response, PageError> {
    let report = run_send(&state, false, now).await?;
    Ok(done(&report.lines().join(" · ")))
}
