//! Replies: the readings waiting for the rep (or all of them), newest first and paged, and the
//! rep's decision on one (`rekindle replies list|decide`).

use super::deals::Problem;
use super::json::{Body, bad_cursor, page_size};
use crate::AppState;
use crate::clock::Now;
use crate::error::ApiError;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use rekindle_app::AppError;
use rekindle_app::replies::{self, Decision, Listed};
use rekindle_core::ReadingId;
use rekindle_store::StoredReading;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/replies", get(list))
        .route("/replies/{id}/decide", post(decide))
}

/// A reading of a reply and what it changed.
#[derive(Serialize, ToSchema)]
pub struct ReadingItem {
    /// `R12`.
    pub id: String,
    pub deal: String,
    pub account: String,
    pub title: String,
    /// Who wrote it.
    pub sender: String,
    /// `revive`, `lost`, `later`, `out_of_office`, `referral`, `stop`, `question` or `unclear`.
    pub class: String,
    /// Whether the words said it outright (`core::reply::Reading::confident`).
    pub confident: bool,
    /// The words that decided, and those that pointed elsewhere.
    pub evidence: Vec<String>,
    /// What the reading changed, in words.
    pub changes: Vec<String>,
    /// `applied`, `needs_rep` or `overridden`.
    pub state: String,
    /// When it was read (RFC 3339, UTC).
    pub read_at: String,
    /// `rekindle` or `rep`.
    pub decided_by: String,
    /// The reading that replaced it, if one did.
    pub replaced_by: Option<String>,
    /// The reply's words.
    pub text: Option<String>,
    /// The whole reading (`core::reply::Reading`: until, lost_reason, proposal, referral...).
    #[schema(value_type = Object)]
    pub reading: serde_json::Value,
}

impl ReadingItem {
    fn of(r: &StoredReading, account: &str, title: &str) -> Self {
        ReadingItem {
            id: r.id.to_string(),
            deal: r.deal.to_string(),
            account: account.to_string(),
            title: title.to_string(),
            sender: r.sender.clone(),
            class: r.class.to_string(),
            confident: r.reading["confident"].as_bool().unwrap_or(false),
            evidence: crate::pages::replies::evidence(r),
            changes: r
                .changes
                .iter()
                .map(|c| replies::describe(&c.action))
                .collect(),
            state: r.state.clone(),
            read_at: r.read_at.to_string(),
            decided_by: r.decided_by.clone(),
            replaced_by: r.replaced_by.map(|x| x.to_string()),
            text: r.text.clone(),
            reading: r.reading.clone(),
        }
    }
}

/// A page of readings and the cursor of the next page (absent on the last).
#[derive(Serialize, ToSchema)]
pub struct ReadingPage {
    pub items: Vec<ReadingItem>,
    pub next_cursor: Option<String>,
}

/// The list's filter and page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadingsQuery {
    /// `true`: every reading, not only those waiting for the rep.
    pub all: Option<bool>,
    /// The cursor a previous page returned.
    pub cursor: Option<String>,
    /// Readings per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
}

fn cursor_of(r: &StoredReading) -> String {
    format!("{}.{}", r.read_at.as_second(), r.id.0)
}

fn parse_cursor(text: &str) -> Result<(Timestamp, ReadingId), AppError> {
    let (at, id) = text.split_once('.').ok_or_else(|| bad_cursor(text))?;
    let at = at
        .parse::<i64>()
        .ok()
        .and_then(|s| Timestamp::from_second(s).ok())
        .ok_or_else(|| bad_cursor(text))?;
    let id = id.parse::<i64>().map_err(|_| bad_cursor(text))?;
    Ok((at, ReadingId(id)))
}

/// The readings waiting for the rep (or all with `all=true`), newest first, paged.
#[utoipa::path(get, path = "/api/v1/replies", params(ReadingsQuery),
    responses(
        (status = 200, description = "A page of readings", body = ReadingPage),
        (status = 422, description = "A malformed cursor or limit", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ReadingsQuery>,
) -> Result<Json<ReadingPage>, ApiError> {
    let limit = page_size(q.limit)?;
    let after = q.cursor.as_deref().map(parse_cursor).transpose()?;
    let mut listed: Vec<Listed> = replies::page(
        state.store(),
        state.caller(),
        q.all.unwrap_or(false),
        after,
        limit as i64 + 1,
    )
    .await?;
    let more = listed.len() > limit;
    listed.truncate(limit);
    Ok(Json(ReadingPage {
        next_cursor: more
            .then(|| listed.last().map(|l| cursor_of(&l.reading)))
            .flatten(),
        items: listed
            .iter()
            .map(|l| ReadingItem::of(&l.reading, &l.account, &l.title))
            .collect(),
    }))
}

/// The rep's decision on a reading.
/// (The shape of the body for the OpenAPI document: `json::Body` reads it field by field,
/// so that an error names the field.)
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DecideBody {
    /// What the reply means: `revive`, `lost`, `later`, `out_of_office`, `referral`, `stop`,
    /// `question` or `unclear`.
    pub class: String,
    /// For `lost`: the reason (`competitor`, `budget`, `timing`...).
    pub reason: Option<String>,
    /// For `later`: when to look again (a date after today); for `out_of_office`: when they
    /// are back (`2027-03-01`).
    pub until: Option<String>,
    /// Needed to decide otherwise on a reply read as a request to stop contact: the stop is
    /// lifted (do-not-contact and the blocked address).
    pub lift_stop: Option<bool>,
}

/// Decides what a reply meant: the earlier reading's changes are undone and this one applied
/// (`replies::decide`). Answers the new reading.
#[utoipa::path(post, path = "/api/v1/replies/{id}/decide",
    params(("id" = String, Path, description = "The reading (`R12`)"),
           ("now" = Option<String>, Query, description = "The moment to decide at")),
    request_body = DecideBody,
    responses(
        (status = 200, description = "The new reading", body = ReadingItem),
        (status = 404, description = "No such reading", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already replaced, or read as a stop and `lift_stop` not given", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad class, reason or date (the field is named)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<ReadingItem>, ApiError> {
    let id: ReadingId = id.parse().map_err(AppError::from)?;
    let decision = Decision::parse(
        &body.required("class")?,
        body.text("reason")?.as_deref(),
        body.text("until")?.as_deref(),
        body.flag("lift_stop")?,
    )?;
    let stored = replies::decide(state.store(), state.caller(), id, decision, now).await?;
    let deal = rekindle_app::pipeline::deal(state.store(), state.caller(), stored.deal, now)
        .await?
        .record
        .deal;
    Ok(Json(ReadingItem::of(
        &stored,
        &deal.account.name,
        &deal.title,
    )))
}
