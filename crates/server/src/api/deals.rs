//! Deals: the pipeline list (filtered, worst first, paged), one deal with its record and
//! assessment, and the day's work.

use super::json::{bad_cursor, page_size};
use crate::AppState;
use crate::clock::Now;
use crate::error::ApiError;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use rekindle_app::AppError;
use rekindle_app::pipeline::{self, BoardQuery, ScanRow};
use rekindle_core::signals::SignalKind;
use rekindle_core::{DealId, DealState, ParseError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals", get(list))
        .route("/deals/{id}", get(one))
        .route("/deals/{id}/stage", axum::routing::post(move_stage))
        .route("/today", get(today))
        .route("/manager", get(manager))
}

/// An RFC 9457 problem document.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`.
    #[schema(example = "about:blank")]
    pub r#type: String,
    /// The HTTP status's reason phrase.
    pub title: String,
    pub status: u16,
    /// What was wrong, in words.
    pub detail: String,
    /// The input the failure is about, when one is to blame.
    pub field: Option<String>,
}

/// One open deal and its assessment, flat.
#[derive(Serialize, ToSchema)]
pub struct DealSummary {
    pub id: String,
    pub title: String,
    pub account: String,
    pub owner: String,
    pub stage: String,
    /// The amount in cents (minor units) of `currency`.
    pub amount_cents: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// `open` or `nurture`.
    pub status: String,
    /// `healthy`, `at_risk`, `slipping` or `dark`.
    pub state: String,
    /// The risk score: the sum of the signals' weights.
    pub risk: u32,
    /// Every signal's kind, heaviest first.
    pub signals: Vec<String>,
    /// The next play, when a message is due (`accountability`, `breakup`...).
    pub next_play: Option<String>,
    /// When the next action falls due (RFC 3339, UTC).
    pub next_due: String,
    /// Why that is the next action.
    pub why: String,
}

impl DealSummary {
    fn of(r: &ScanRow) -> Self {
        let a = &r.assessment;
        DealSummary {
            id: r.deal_id.to_string(),
            title: r.title.clone(),
            account: r.account.clone(),
            owner: r.owner.clone(),
            stage: r.stage.clone(),
            amount_cents: r.amount.cents,
            currency: r.amount.currency.to_string(),
            status: r.status.to_string(),
            state: a.state.to_string(),
            risk: a.risk,
            signals: a.signals.iter().map(|s| s.kind.to_string()).collect(),
            next_play: a.next_action.play.map(|p| p.to_string()),
            next_due: a.next_action.due.to_string(),
            why: a.next_action.why.clone(),
        }
    }
}

/// A page of deals and the cursor of the next page (absent on the last).
#[derive(Serialize, ToSchema)]
pub struct DealPage {
    pub items: Vec<DealSummary>,
    pub next_cursor: Option<String>,
    /// The moment the deals were assessed at (RFC 3339, UTC).
    pub assessed_at: String,
}

/// The list's filters and page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this owner's deals.
    pub owner: Option<String>,
    /// Only deals in this stage.
    pub stage: Option<String>,
    /// Only deals in this state (`healthy`, `at_risk`, `slipping`, `dark`).
    pub state: Option<String>,
    /// Only deals carrying this signal (`silence_beyond_norm`...).
    pub signal: Option<String>,
    /// Only deals whose title holds this text (any case).
    pub q: Option<String>,
    /// The cursor a previous page returned.
    pub cursor: Option<String>,
    /// Deals per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// The moment to assess at, as the CLI's `--now`. The `Now` extractor reads it; it is
    /// listed here for the OpenAPI document.
    #[allow(dead_code)]
    pub now: Option<String>,
}

/// The open deals, worst first, filtered and paged.
#[utoipa::path(get, path = "/api/v1/deals", params(ListQuery),
    responses(
        (status = 200, description = "A page of deals", body = DealPage),
        (status = 422, description = "A malformed filter, cursor, limit or now", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Now(now): Now,
    Query(q): Query<ListQuery>,
) -> Result<Json<DealPage>, ApiError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::Invalid(ParseError::new(
            "limit",
            limit.to_string(),
            "a number from 1 to 500",
        ))
        .into());
    }
    let query = BoardQuery {
        owner: q.owner.clone(),
        stage: q.stage.clone(),
        state: q
            .state
            .as_deref()
            .map(DealState::parse)
            .transpose()
            .map_err(AppError::from)?,
        signal: q
            .signal
            .as_deref()
            .map(SignalKind::parse)
            .transpose()
            .map_err(AppError::from)?,
        text: q.q.clone(),
        cursor: q.cursor.clone(),
        limit,
    };
    let board = pipeline::board(state.store(), state.caller(), now, &query).await?;
    Ok(Json(DealPage {
        next_cursor: board.next_cursor,
        items: board.rows.iter().map(DealSummary::of).collect(),
        assessed_at: board.at.to_string(),
    }))
}

/// One deal: its whole record and its assessment (the engine's JSON, as `rekindle show --json`).
#[utoipa::path(get, path = "/api/v1/deals/{id}",
    params(("id" = String, Path, description = "The deal's id, as `deal list` shows it"),
           ("now" = Option<String>, Query, description = "The moment to assess at")),
    responses(
        (status = 200, description = "The deal, with `record` and `assessment`", body = Object),
        (status = 404, description = "No such deal", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A malformed id or now", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn one(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id: DealId = id.parse().map_err(AppError::from)?;
    let v = pipeline::deal(state.store(), state.caller(), id, now).await?;
    Ok(Json(serde_json::json!({
        "record": v.record,
        "assessment": v.assessment,
        "assessed_at": now.to_string(),
    })))
}

/// What the day holds: the actions due, most urgent first, and what waits for the rep.
/// Today's page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TodayQuery {
    /// The cursor a previous page returned.
    pub cursor: Option<String>,
    /// Actions per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct TodayView {
    pub assessed_at: String,
    /// A page of the actions due today or overdue, most urgent first.
    pub due: Vec<DealSummary>,
    /// How many are due in all.
    pub due_count: usize,
    /// Where the next page starts (give it back as `cursor`); absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Readings of replies that wait for the rep.
    pub replies_waiting: usize,
    /// Outbox drafts to approve.
    pub drafts_waiting: usize,
    pub refused: usize,
    pub unconfirmed: usize,
}

/// The day's work at `now`, a page at a time.
#[utoipa::path(get, path = "/api/v1/today",
    params(TodayQuery, ("now" = Option<String>, Query, description = "The moment to assess at")),
    responses(
        (status = 200, description = "The day's work", body = TodayView),
        (status = 422, description = "A malformed cursor or limit", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn today(
    State(state): State<AppState>,
    Now(now): Now,
    Query(q): Query<TodayQuery>,
) -> Result<Json<TodayView>, ApiError> {
    let limit = page_size(q.limit)?;
    // The cursor is the position in the day's order where the next page starts.
    let from: u64 = match q.cursor.as_deref() {
        None => 0,
        Some(c) => c
            .strip_prefix('p')
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| bad_cursor(c))?,
    };
    let t =
        pipeline::today_page(state.store(), state.caller(), now, from, Some(limit as u32)).await?;
    let next = from + t.actions.len() as u64;
    Ok(Json(TodayView {
        assessed_at: now.to_string(),
        next_cursor: (next < t.due_count as u64).then(|| format!("p{next}")),
        due_count: t.due_count,
        due: t.due().into_iter().map(DealSummary::of).collect(),
        replies_waiting: t.waiting.replies,
        drafts_waiting: t.waiting.drafts,
        refused: t.waiting.refused,
        unconfirmed: t.waiting.unconfirmed,
    }))
}

/// A stage move: the stage to move the deal to.
#[derive(Deserialize, ToSchema)]
pub struct StageMove {
    /// One of the pipeline's stages (`rekindle policy` lists them).
    pub stage: String,
}

/// Moves a deal to another stage (kept in its stage history), as `rekindle deal stage`.
#[utoipa::path(post, path = "/api/v1/deals/{id}/stage",
    params(("id" = String, Path, description = "The deal's id"),
           ("now" = Option<String>, Query, description = "The moment of the move")),
    request_body = StageMove,
    responses(
        (status = 200, description = "Moved: the deal as `GET /api/v1/deals/{id}` shows it", body = Object),
        (status = 404, description = "No such deal", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown stage", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn move_stage(
    State(state): State<AppState>,
    now: Now,
    Path(id): Path<String>,
    Json(body): Json<StageMove>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let deal: DealId = id.parse().map_err(AppError::from)?;
    rekindle_app::record::move_stage(state.store(), state.caller(), deal, &body.stage, now.0)
        .await?;
    one(State(state), now, Path(id)).await
}

/// The manager's figures at `now`: forecast at risk this quarter (per currency, cents), per
/// owner the dark deals and desperation chasing, the stage funnel with rotting deals, and the
/// week's movements (`rekindle_app::pipeline::Manager`).
#[utoipa::path(get, path = "/api/v1/manager",
    params(("now" = Option<String>, Query, description = "The moment to assess at")),
    responses((status = 200, description = "The manager's figures", body = Object)))]
pub async fn manager(
    State(state): State<AppState>,
    Now(now): Now,
) -> Result<Json<serde_json::Value>, ApiError> {
    let m = pipeline::manager(state.store(), state.caller(), now).await?;
    Ok(Json(
        serde_json::to_value(&m).map_err(|e| AppError::Internal(e.to_string()))?,
    ))
}
