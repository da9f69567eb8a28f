//! Revival: the ranked queue (each factor's points and why) with the deals best left buried,
//! and recording an occasion (a feature shipped, a trigger event, a promotion), answered with
//! the deals it reopens and their drafts (`rekindle revive`, `feature shipped`, `event add`,
//! `promo add`).

use super::deals::Problem;
use super::json::{Body, bad_cursor, page_size};
use crate::AppState;
use crate::clock::Now;
use crate::error::ApiError;
use crate::pages::revive::{factor_name, record_event, record_promotion, ship};
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use rekindle_app::revival::{self, Drafted, Words};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/revive", get(queue))
        .route("/revive/feature", post(feature))
        .route("/revive/event", post(event))
        .route("/revive/promotion", post(promotion))
}

/// One factor of a candidate's score.
#[derive(Serialize, ToSchema)]
pub struct ReasonItem {
    /// `standing`, `furthest_stage`, `amount`, `fit`, `how_long_ago`, `past_engagement`,
    /// `trigger`, `feature_shipped`, `contract_ending` or `promotion`.
    pub factor: String,
    pub points: i32,
    pub why: String,
}

/// A deal worth coming back to (or best left buried), with its score explained.
#[derive(Serialize, ToSchema)]
pub struct CandidateItem {
    pub deal: String,
    pub account: String,
    pub title: String,
    /// `lost`, `nurture` or `open` (dark).
    pub status: String,
    pub score: i32,
    /// The occasion to come back with, in words.
    pub occasion: String,
    /// The occasion as the engine holds it (`core::revival::Revival`).
    #[schema(value_type = Object)]
    pub occasion_detail: serde_json::Value,
    /// Below the bar: not worth the effort now.
    pub leave_buried: bool,
    /// The factors that moved the score, heaviest first.
    pub reasons: Vec<ReasonItem>,
    /// The draft, when one was made (`compose::Draft`).
    #[schema(value_type = Option<Object>)]
    pub draft: Option<serde_json::Value>,
    /// Why no draft was made.
    pub no_draft: Option<String>,
    /// The outbox message it was queued as.
    pub queued: Option<String>,
}

impl CandidateItem {
    fn of(d: &Drafted) -> Self {
        let c = &d.candidate;
        CandidateItem {
            deal: c.deal.to_string(),
            account: c.account.clone(),
            title: c.title.clone(),
            status: c.status.to_string(),
            score: c.score,
            occasion: revival::occasion_words(&c.occasion),
            occasion_detail: serde_json::to_value(&c.occasion).unwrap_or_default(),
            leave_buried: c.leave_buried,
            reasons: revival::weighed(c)
                .into_iter()
                .map(|r| ReasonItem {
                    factor: factor_name(r.factor),
                    points: r.points,
                    why: r.why.clone(),
                })
                .collect(),
            draft: d.draft.as_ref().and_then(|x| serde_json::to_value(x).ok()),
            no_draft: d.no_draft.clone(),
            queued: d.queued.map(|q| q.to_string()),
        }
    }
}

/// The revival queue: a page of candidates, best first, and how many there were.
#[derive(Serialize, ToSchema)]
pub struct Queue {
    pub items: Vec<CandidateItem>,
    pub next_cursor: Option<String>,
    /// Lost, nurtured and dark deals considered.
    pub considered: usize,
    /// How many of them are best left buried.
    pub left_buried: usize,
}

/// The queue's filter and page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `true`: the deals best left buried too (as `revive --all`).
    pub all: Option<bool>,
    /// The cursor a previous page returned.
    pub cursor: Option<String>,
    /// Candidates per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
}

/// The lost, nurtured and dark deals worth reviving, best first, each factor's points and why.
#[utoipa::path(get, path = "/api/v1/revive", params(QueueQuery,
        ("now" = Option<String>, Query, description = "The moment to rank at")),
    responses(
        (status = 200, description = "A page of the queue", body = Queue),
        (status = 422, description = "A malformed cursor or limit", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    Now(now): Now,
    Query(q): Query<QueueQuery>,
) -> Result<Json<Queue>, ApiError> {
    let limit = page_size(q.limit)?;
    // The cursor is the position in the ranking where the next page starts.
    let from: usize = match q.cursor.as_deref() {
        None => 0,
        Some(c) => c
            .strip_prefix('p')
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| bad_cursor(c))?,
    };
    let found = revival::revive(
        state.store(),
        state.caller(),
        from + limit + 1,
        q.all.unwrap_or(false),
        revival::Drafting::None,
        now,
    )
    .await?;
    let more = found.candidates.len() > from + limit;
    Ok(Json(Queue {
        items: found
            .candidates
            .iter()
            .skip(from)
            .take(limit)
            .map(CandidateItem::of)
            .collect(),
        next_cursor: more.then(|| format!("p{}", from + limit)),
        considered: found.considered,
        left_buried: found.left_buried,
    }))
}

/// What a recorded occasion reopens.
#[derive(Serialize, ToSchema)]
pub struct Reopened {
    /// What was recorded, in words.
    pub recorded: String,
    /// The deals it reopens, with their drafts (and where queued).
    pub deals: Vec<CandidateItem>,
}

/// A shipped feature.
/// (The shape of the body for the OpenAPI document: `json::Body` reads it field by field,
/// so that an error names the field.)
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FeatureBody {
    /// The feature's name ("SAML login"), filed under the catalogue's name for it.
    pub name: String,
    /// The day it shipped (default: today).
    pub on: Option<String>,
    /// Put the drafts in the outbox for review.
    pub queue: Option<bool>,
}

/// Records that a feature shipped and answers the lost or dark deals that needed it, with
/// their drafts (`rekindle feature shipped`).
#[utoipa::path(post, path = "/api/v1/revive/feature", request_body = FeatureBody,
    params(("now" = Option<String>, Query, description = "The moment to record at")),
    responses(
        (status = 200, description = "The deals it reopens", body = Reopened),
        (status = 422, description = "A bad name or date (the field is named)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn feature(
    State(state): State<AppState>,
    Now(now): Now,
    body: Body,
) -> Result<Json<Reopened>, ApiError> {
    let shipped = ship(
        &state,
        &body.required("name")?,
        body.text("on")?.as_deref(),
        body.flag("queue")?,
        now,
    )
    .await?;
    Ok(Json(Reopened {
        recorded: format!("{} shipped on {}", shipped.feature, shipped.on),
        deals: shipped.deals.iter().map(CandidateItem::of).collect(),
    }))
}

/// A trigger event at an account.
/// (The shape of the body for the OpenAPI document: `json::Body` reads it field by field,
/// so that an error names the field.)
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EventBody {
    pub account: String,
    /// The person it concerns (id, name or address).
    pub contact: Option<String>,
    /// `funding`, `promotion`, `key_hire`, `leadership_change`, `acquisition`, `expansion` or
    /// `news`.
    pub kind: String,
    /// When it happened (default: today).
    pub on: Option<String>,
    /// Where it was learned.
    pub source: String,
    pub note: Option<String>,
    pub queue: Option<bool>,
}

/// Records a trigger event and answers the lost or dark deals it reopens (`rekindle event
/// add`).
#[utoipa::path(post, path = "/api/v1/revive/event", request_body = EventBody,
    params(("now" = Option<String>, Query, description = "The moment to record at")),
    responses(
        (status = 200, description = "The deals it reopens", body = Reopened),
        (status = 404, description = "An unknown contact", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad field (named)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn event(
    State(state): State<AppState>,
    Now(now): Now,
    body: Body,
) -> Result<Json<Reopened>, ApiError> {
    let fields = ["account", "contact", "kind", "on", "source", "note"];
    let texts: Vec<(&str, Option<String>)> = fields
        .iter()
        .map(|f| Ok((*f, body.text(f)?)))
        .collect::<Result<_, ApiError>>()?;
    let words = Words::new(texts.iter().map(|(f, v)| (*f, v.as_deref())).collect());
    let added = record_event(&state, &words, body.flag("queue")?, now).await?;
    let e = &added.event;
    Ok(Json(Reopened {
        recorded: format!("{} at {} on {}", e.kind, e.account, e.on),
        deals: added.reopens.iter().map(CandidateItem::of).collect(),
    }))
}

/// A promotion.
/// (The shape of the body for the OpenAPI document: `json::Body` reads it field by field,
/// so that an error names the field.)
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PromotionBody {
    pub name: String,
    /// `discount`, `free_onboarding` or `flexible_billing`.
    pub kind: String,
    /// The offer in the words the message will use.
    pub offer: String,
    /// The first day (default: today).
    pub from: Option<String>,
    /// The last day.
    pub until: String,
    /// Only deals that got at least this far.
    pub min_stage: Option<String>,
    /// Only deals lost for these reasons (default: budget, timing, no_decision, unresponsive).
    pub lost_reasons: Option<Vec<String>>,
    /// Amounts as `deal add --amount` takes them ("EUR 20,000").
    pub min_amount: Option<String>,
    pub max_amount: Option<String>,
    pub queue: Option<bool>,
}

/// Records a promotion and, when it runs now, answers the deals on the verge it qualifies
/// (`rekindle promo add`).
#[utoipa::path(post, path = "/api/v1/revive/promotion", request_body = PromotionBody,
    params(("now" = Option<String>, Query, description = "The moment to record at")),
    responses(
        (status = 200, description = "The deals it qualifies", body = Reopened),
        (status = 422, description = "A bad field (named)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn promotion(
    State(state): State<AppState>,
    Now(now): Now,
    body: Body,
) -> Result<Json<Reopened>, ApiError> {
    let fields = [
        "name",
        "kind",
        "offer",
        "from",
        "until",
        "min_stage",
        "min_amount",
        "max_amount",
    ];
    let texts: Vec<(&str, Option<String>)> = fields
        .iter()
        .map(|f| Ok((*f, body.text(f)?)))
        .collect::<Result<_, ApiError>>()?;
    let words = Words::new(texts.iter().map(|(f, v)| (*f, v.as_deref())).collect());
    let reasons = body.texts("lost_reasons")?;
    let reasons: Vec<&str> = reasons.iter().map(String::as_str).collect();
    let added = record_promotion(&state, &words, &reasons, body.flag("queue")?, now).await?;
    let p = &added.promotion;
    Ok(Json(Reopened {
        recorded: format!(
            "{} from {} to {}{}",
            p.name,
            p.from,
            p.until,
            if added.running {
                ""
            } else {
                " (not running yet)"
            }
        ),
        deals: added.deals.iter().map(CandidateItem::of).collect(),
    }))
}
