//! The outbox: messages by state (paged), one message, edit (tone-checked), approve, cancel,
//! confirm a message left in doubt, a dry run and the send (`rekindle outbox ...`). The SMTP
//! settings are the remembered ones and the password comes from the server's environment,
//! never from the request.

use super::deals::Problem;
use super::json::{Body, bad_cursor, page_size};
use super::lint::FindingItem;
use crate::AppState;
use crate::clock::Now;
use crate::error::ApiError;
use crate::pages::outbox::run_send;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rekindle_app::AppError;
use rekindle_app::outbox::{self, Edit, SendReport, Targets};
use rekindle_core::outbox::OutboxState;
use rekindle_core::{OutgoingId, ParseError};
use rekindle_store::OutboxMessage;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/outbox", get(list))
        .route("/outbox/{id}", get(one))
        .route("/outbox/{id}/edit", post(edit))
        .route("/outbox/approve", post(approve))
        .route("/outbox/{id}/cancel", post(cancel))
        .route("/outbox/{id}/confirm", post(confirm))
        .route("/outbox/dry-run", post(dry_run))
        .route("/outbox/send", post(send))
}

/// One outbox message.
#[derive(Serialize, ToSchema)]
pub struct MessageItem {
    /// `O3`.
    pub id: String,
    pub deal: String,
    pub to: String,
    /// The play it carries (`breakup`...), when one.
    pub play: Option<String>,
    pub subject: String,
    pub body: String,
    /// `draft`, `approved`, `sending`, `sent`, `unconfirmed`, `exported`, `refused`, `failed`
    /// or `cancelled`.
    pub state: String,
    /// When it was sent or is held until, in words (`sent 2026-11-23`).
    pub when: String,
    /// Why it is held, or why the check or the server refused it.
    pub note: String,
    pub created_at: String,
    pub approved_at: Option<String>,
    pub sent_at: Option<String>,
    /// Held until then (RFC 3339, UTC), and why.
    pub not_before: Option<String>,
    pub hold_reason: Option<String>,
    pub error: Option<String>,
}

impl MessageItem {
    fn of(m: &OutboxMessage) -> Self {
        let (when, note) = outbox::note(m);
        MessageItem {
            id: m.id.to_string(),
            deal: m.deal.to_string(),
            to: m.to.clone(),
            play: m.play.map(|p| p.to_string()),
            subject: m.subject.clone(),
            body: m.body.clone(),
            state: m.state.to_string(),
            when,
            note,
            created_at: m.created_at.to_string(),
            approved_at: m.approved_at.map(|t| t.to_string()),
            sent_at: m.sent_at.map(|t| t.to_string()),
            not_before: m.not_before.map(|t| t.to_string()),
            hold_reason: m.hold_reason.clone(),
            error: m.error.clone(),
        }
    }
}

/// A page of messages, oldest first, and the cursor of the next page (absent on the last).
#[derive(Serialize, ToSchema)]
pub struct MessagePage {
    pub items: Vec<MessageItem>,
    pub next_cursor: Option<String>,
}

/// The list's filters and page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    /// Only messages in this state (`draft`, `approved`, `refused`, `unconfirmed`, `sent`...);
    /// sent and cancelled ones are listed only when asked for by state or with `all`.
    pub state: Option<String>,
    /// `true`: sent and cancelled messages too.
    pub all: Option<bool>,
    /// The cursor a previous page returned.
    pub cursor: Option<String>,
    /// Messages per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
}

fn message_id(text: &str) -> Result<OutgoingId, AppError> {
    Ok(text.parse()?)
}

/// The outbox's messages, oldest first, paged.
#[utoipa::path(get, path = "/api/v1/outbox", params(MessagesQuery),
    responses(
        (status = 200, description = "A page of messages", body = MessagePage),
        (status = 422, description = "A malformed state, cursor or limit", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<MessagesQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    let limit = page_size(q.limit)?;
    let only = q
        .state
        .as_deref()
        .map(|s| {
            OutboxState::parse(s).map_err(|e| ParseError {
                field: "state".into(),
                ..e
            })
        })
        .transpose()
        .map_err(AppError::from)?;
    let after: Option<i64> = q
        .cursor
        .as_deref()
        .map(|c| c.parse().map_err(|_| bad_cursor(c)))
        .transpose()?;
    let everything = q.all.unwrap_or(false) || only.is_some();
    let mut messages: Vec<OutboxMessage> = outbox::list(state.store(), state.caller(), everything)
        .await?
        .into_iter()
        .filter(|m| only.is_none_or(|s| m.state == s) && after.is_none_or(|a| m.id.0 > a))
        .collect();
    messages.sort_by_key(|m| m.id.0);
    let more = messages.len() > limit;
    messages.truncate(limit);
    Ok(Json(MessagePage {
        next_cursor: more
            .then(|| messages.last().map(|m| m.id.0.to_string()))
            .flatten(),
        items: messages.iter().map(MessageItem::of).collect(),
    }))
}

/// One message.
#[utoipa::path(get, path = "/api/v1/outbox/{id}",
    params(("id" = String, Path, description = "The message (`O3`)")),
    responses(
        (status = 200, description = "The message", body = MessageItem),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<MessageItem>, ApiError> {
    let m = outbox::message(state.store(), state.caller(), message_id(&id)?).await?;
    Ok(Json(MessageItem::of(&m)))
}

/// A new subject and/or text; what is left out stays.
/// (The shape of the body for the OpenAPI document: `json::Body` reads it field by field,
/// so that an error names the field.)
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EditBody {
    pub subject: Option<String>,
    pub body: Option<String>,
}

/// An edit refused by the tone check: a problem document with the findings.
#[derive(Serialize, ToSchema)]
pub struct Edited {
    /// `about:blank`.
    pub r#type: String,
    pub title: String,
    /// 422.
    pub status: u16,
    pub detail: String,
    /// `body`.
    pub field: String,
    pub findings: Vec<FindingItem>,
}

/// Edits a message's subject and text (`outbox::edit`): the text must pass the tone linter,
/// or nothing changes and the findings come back (422). The edited message is a draft again.
#[utoipa::path(post, path = "/api/v1/outbox/{id}/edit",
    params(("id" = String, Path, description = "The message (`O3`)")),
    request_body = EditBody,
    responses(
        (status = 200, description = "The message as stored now", body = MessageItem),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It can no longer be edited (sent, cancelled...)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text fails the tone check: the findings", body = Edited, content_type = "application/problem+json"),
    ))]
pub async fn edit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let id = message_id(&id)?;
    let change = Edit {
        subject: body.text("subject")?,
        body: body.text("body")?,
    };
    match outbox::edit(state.store(), state.caller(), id, change).await? {
        outbox::Edited::Done(m) => Ok(Json(MessageItem::of(&m)).into_response()),
        outbox::Edited::FailsToneCheck(findings) => {
            let problem = Edited {
                r#type: "about:blank".into(),
                title: "Unprocessable Entity".into(),
                status: 422,
                detail: format!(
                    "{id} is unchanged: its text must pass the tone check ({} finding{})",
                    findings.len(),
                    if findings.len() == 1 { "" } else { "s" }
                ),
                field: "body".into(),
                findings: findings.iter().map(FindingItem::of).collect(),
            };
            let mut r = (StatusCode::UNPROCESSABLE_ENTITY, Json(problem)).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            );
            Ok(r)
        }
    }
}

/// Which messages to approve: `ids`, or every draft with `all`.
/// (The shape of the body for the OpenAPI document: `json::Body` reads it field by field,
/// so that an error names the field.)
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ApproveBody {
    pub ids: Option<Vec<String>>,
    pub all: Option<bool>,
}

/// Whether a message was approved, and why not.
#[derive(Serialize, ToSchema)]
pub struct ApprovalItem {
    pub message: String,
    pub approved: bool,
    pub problems: Vec<String>,
}

/// Approves the messages whose text is fit to go (no pesky phrase, no blank left to fill), in
/// one transaction (`outbox::approve`). When any is refused the answer is 422, naming each
/// and why (the fit ones are approved, as `rekindle outbox approve` does).
#[utoipa::path(post, path = "/api/v1/outbox/approve", request_body = ApproveBody,
    responses(
        (status = 200, description = "Every message approved", body = [ApprovalItem]),
        (status = 404, description = "An unknown message: nothing approved", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some refused (named with why), or neither ids nor all", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn approve(
    State(state): State<AppState>,
    Now(now): Now,
    body: Body,
) -> Result<Response, ApiError> {
    let ids = body.texts("ids")?;
    let targets = if body.flag("all")? {
        Targets::AllDrafts
    } else if ids.is_empty() {
        return Err(AppError::Invalid(ParseError::new(
            "ids",
            "",
            "the messages to approve ([\"O3\"]), or \"all\": true",
        ))
        .into());
    } else {
        Targets::Ids(
            ids.iter()
                .map(|i| message_id(i))
                .collect::<Result<_, _>>()?,
        )
    };
    let results = outbox::approve(state.store(), state.caller(), targets, now).await?;
    let items: Vec<ApprovalItem> = results
        .iter()
        .map(|r| ApprovalItem {
            message: r.message.to_string(),
            approved: r.approved,
            problems: r.problems.clone(),
        })
        .collect();
    let refused: Vec<String> = items
        .iter()
        .filter(|r| !r.approved)
        .map(|r| format!("{} not approved: {}", r.message, r.problems.join("; ")))
        .collect();
    if refused.is_empty() {
        Ok(Json(items).into_response())
    } else {
        Err(AppError::Unfit(refused.join("; ")).into())
    }
}

/// Cancels a message that has not gone out (`outbox::cancel`).
#[utoipa::path(post, path = "/api/v1/outbox/{id}/cancel",
    params(("id" = String, Path, description = "The message (`O3`)")),
    responses(
        (status = 200, description = "The message, cancelled", body = MessageItem),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It is sending, sent or exported", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<MessageItem>, ApiError> {
    let id = message_id(&id)?;
    outbox::cancel(state.store(), state.caller(), id).await?;
    let m = outbox::message(state.store(), state.caller(), id).await?;
    Ok(Json(MessageItem::of(&m)))
}

/// How a message left in doubt ended.
/// (The shape of the body for the OpenAPI document: `json::Body` reads it field by field,
/// so that an error names the field.)
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ConfirmBody {
    /// `true`: it went out (recorded as sent now); `false`: approve it again, the next send
    /// sends it once.
    pub sent: bool,
}

/// Settles a message left in doubt by an interrupted send (`outbox::confirm`).
#[utoipa::path(post, path = "/api/v1/outbox/{id}/confirm",
    params(("id" = String, Path, description = "The message (`O3`)")),
    request_body = ConfirmBody,
    responses(
        (status = 200, description = "The message as stored now", body = MessageItem),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It is not in doubt", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `sent`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<MessageItem>, ApiError> {
    let id = message_id(&id)?;
    if !body.0.contains_key("sent") {
        return Err(AppError::Invalid(ParseError::new("sent", "", "true or false")).into());
    }
    let sent = body.flag("sent")?;
    outbox::confirm(state.store(), state.caller(), id, sent, now).await?;
    let m = outbox::message(state.store(), state.caller(), id).await?;
    Ok(Json(MessageItem::of(&m)))
}

/// One message's outcome in a send run.
#[derive(Serialize, ToSchema)]
pub struct Outcome {
    pub message: String,
    /// Why it was held, refused or failed.
    pub why: String,
    /// Held until then (RFC 3339, UTC).
    pub until: Option<String>,
}

/// What a send run did (or, for a dry run, would do) with each message.
#[derive(Serialize, ToSchema)]
pub struct SendResult {
    pub dry_run: bool,
    pub sent: Vec<String>,
    pub held: Vec<Outcome>,
    pub refused: Vec<Outcome>,
    /// Refused for good by the server.
    pub failed: Vec<Outcome>,
    /// Refused for now by the server: still approved.
    pub deferred: Vec<Outcome>,
    /// Left in doubt by an interrupted send: the rep confirms.
    pub unconfirmed: Vec<String>,
    /// Found in the captured mail.
    pub settled: Vec<String>,
    /// Why the run stopped early, if it did.
    pub stopped: Option<String>,
    /// The report in words, a line a message.
    pub lines: Vec<String>,
}

impl SendResult {
    fn of(r: &SendReport) -> Self {
        let why = |list: &[(OutgoingId, String)]| -> Vec<Outcome> {
            list.iter()
                .map(|(id, why)| Outcome {
                    message: id.to_string(),
                    why: why.clone(),
                    until: None,
                })
                .collect()
        };
        SendResult {
            dry_run: r.dry_run,
            sent: r.sent.iter().map(ToString::to_string).collect(),
            held: r
                .held
                .iter()
                .map(|(id, until, why)| Outcome {
                    message: id.to_string(),
                    why: why.clone(),
                    until: Some(until.to_string()),
                })
                .collect(),
            refused: why(&r.refused),
            failed: why(&r.failed),
            deferred: why(&r.deferred),
            unconfirmed: r.unconfirmed.iter().map(ToString::to_string).collect(),
            settled: r.settled.iter().map(ToString::to_string).collect(),
            stopped: r.stopped.clone(),
            lines: r.lines().iter().map(|l| l.trim().to_string()).collect(),
        }
    }
}

/// What a send would do now, without sending or changing any message (`outbox send
/// --dry-run`): what would go, be held or be refused, and why.
#[utoipa::path(post, path = "/api/v1/outbox/dry-run",
    params(("now" = Option<String>, Query, description = "The moment to check at")),
    responses(
        (status = 200, description = "What a send would do", body = SendResult),
        (status = 422, description = "No sender address known", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dry_run(
    State(state): State<AppState>,
    Now(now): Now,
) -> Result<Json<SendResult>, ApiError> {
    Ok(Json(SendResult::of(&run_send(&state, true, now).await?)))
}

/// Sends the approved messages due now, each checked again as `rekindle outbox send` does,
/// through the remembered SMTP server with the password from the server's environment
/// (`REKINDLE_SMTP_PASSWORD`). Refused with 422, changing nothing, when those are missing.
#[utoipa::path(post, path = "/api/v1/outbox/send",
    params(("now" = Option<String>, Query, description = "The moment to send at")),
    responses(
        (status = 200, description = "What the send did", body = SendResult),
        (status = 422, description = "No SMTP server remembered, or the password is not in the environment: what to set", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn send(
    State(state): State<AppState>,
    Now(now): Now,
) -> Result<Json<SendResult>, ApiError> {
    Ok(Json(SendResult::of(&run_send(&state, false, now).await?)))
}
