//! Revive: the lost, nurtured and dark deals worth coming back to, ranked (`revival::revive`),
//! each with every factor's points and why and the occasion to come back with; the deals best
//! left buried; and the forms that record an occasion (a feature shipped, a trigger event, a
//! promotion) whose answer lists the deals it reopens, with their drafts (`rekindle feature
//! shipped`, `event add`, `promo add`).

use super::today::render_failed;
use super::view::{self, Chrome};
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::{get, post};
use jiff::Timestamp;
use rekindle_app::AppError;
use rekindle_app::revival::{
    self, Drafted, EventAdded, EventInput, FeatureShipped, PromotionAdded, PromotionInput, Words,
};
use rekindle_core::compose::Composer;
use rekindle_core::revival::{Candidate, Factor, PromotionKind, TriggerKind};
use rekindle_core::{LostReason, input};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/revive", get(page))
        .route("/revive/feature", post(feature))
        .route("/revive/event", post(event))
        .route("/revive/promotion", post(promotion))
}

/// The most candidates the page ranks (best first, the buried ones among them).
pub const RANKED: usize = 100;

/// One factor of a score.
pub struct ReasonView {
    pub factor: String,
    /// "+12" or "-5".
    pub points: String,
    pub why: String,
}

/// A candidate as the page shows it.
pub struct CandidateView {
    pub deal: String,
    pub account: String,
    pub title: String,
    pub status: String,
    pub score: i32,
    pub occasion: String,
    pub reasons: Vec<ReasonView>,
    pub draft_subject: String,
    pub draft_body: String,
    pub no_draft: String,
    pub queued: String,
    /// The same message already waits in the outbox as this one (a form posted again).
    pub waiting: String,
}

impl CandidateView {
    fn of(c: &Candidate) -> Self {
        CandidateView {
            deal: c.deal.to_string(),
            account: c.account.clone(),
            title: c.title.clone(),
            status: c.status.to_string(),
            score: c.score,
            occasion: revival::occasion_words(&c.occasion),
            reasons: revival::weighed(c)
                .into_iter()
                .map(|r| ReasonView {
                    factor: view::words(&factor_name(r.factor)),
                    points: format!("{:+}", r.points),
                    why: r.why.clone(),
                })
                .collect(),
            draft_subject: String::new(),
            draft_body: String::new(),
            no_draft: String::new(),
            queued: String::new(),
            waiting: String::new(),
        }
    }

    fn drafted(d: &Drafted) -> Self {
        let mut v = CandidateView::of(&d.candidate);
        if let Some(draft) = &d.draft {
            v.draft_subject = draft.subject.clone();
            v.draft_body = draft.body.clone();
        }
        v.no_draft = d.no_draft.clone().unwrap_or_default();
        v.queued = d.queued.map(|q| q.to_string()).unwrap_or_default();
        v.waiting = d.waiting.map(|w| w.to_string()).unwrap_or_default();
        v
    }
}

/// A factor's name as the JSON of a candidate spells it (`furthest_stage`).
pub fn factor_name(f: Factor) -> String {
    serde_json::to_value(f)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What a recorded occasion reopened.
pub struct Outcome {
    pub headline: String,
    pub deals: Vec<CandidateView>,
}

#[derive(Template)]
#[template(path = "revive.html")]
struct Page {
    chrome: Chrome,
    outcome: Option<Outcome>,
    queue: Vec<CandidateView>,
    buried: Vec<CandidateView>,
    considered: usize,
    left_buried: usize,
    trigger_kinds: Vec<&'static str>,
    promotion_kinds: Vec<&'static str>,
    lost_reasons: Vec<&'static str>,
}

async fn render(
    state: &AppState,
    now: Timestamp,
    outcome: Option<Outcome>,
) -> Result<Html<String>, PageError> {
    let found = revival::revive(
        state.store(),
        state.caller(),
        RANKED,
        true,
        revival::Drafting::None,
        now,
    )
    .await?;
    let (buried, queue): (Vec<&Drafted>, Vec<&Drafted>) = found
        .candidates
        .iter()
        .partition(|d| d.candidate.leave_buried);
    let page = Page {
        chrome: Chrome::new(state, now, "revive"),
        outcome,
        queue: queue
            .iter()
            .map(|d| CandidateView::of(&d.candidate))
            .collect(),
        buried: buried
            .iter()
            .map(|d| CandidateView::of(&d.candidate))
            .collect(),
        considered: found.considered,
        left_buried: found.left_buried,
        trigger_kinds: TriggerKind::ALL.iter().map(|k| k.as_str()).collect(),
        promotion_kinds: PromotionKind::ALL.iter().map(|k| k.as_str()).collect(),
        lost_reasons: LostReason::ALL.iter().map(|r| r.as_str()).collect(),
    };
    Ok(Html(page.render().map_err(render_failed)?))
}

async fn page(State(state): State<AppState>, Now(now): Now) -> Result<Html<String>, PageError> {
    render(&state, now, None).await
}

/// The built-in templates (the server takes no `--templates` folder).
fn composer() -> &'static Composer {
    Composer::builtin()
}

/// "3 deals" / "1 deal".
fn deals(n: usize) -> String {
    format!("{n} {}", if n == 1 { "deal" } else { "deals" })
}

/// Records a shipped feature: the feature's name (`input::feature_name`), the day (default
/// today) and whether to queue the drafts.
///
/// Errors: a bad name or date (naming the field); those of `revival::feature_shipped`.
pub async fn ship(
    state: &AppState,
    name: &str,
    on: Option<&str>,
    queue: bool,
    now: Timestamp,
) -> Result<FeatureShipped, AppError> {
    let name = input::feature_name("name", name)?;
    let on = on
        .filter(|d| !d.trim().is_empty())
        .map(|d| rekindle_core::time::parse_date("on", d))
        .transpose()?;
    revival::feature_shipped(
        state.store(),
        state.caller(),
        composer(),
        &name,
        on,
        queue,
        now,
    )
    .await
}

/// Records a trigger event from its words.
///
/// Errors: a bad field (named); those of `revival::add_event`.
pub async fn record_event(
    state: &AppState,
    words: &Words<'_>,
    queue: bool,
    now: Timestamp,
) -> Result<EventAdded, AppError> {
    let input = EventInput::parse(words)?;
    revival::add_event(state.store(), state.caller(), composer(), input, queue, now).await
}

/// Records a promotion from its words.
///
/// Errors: a bad field (named); those of `revival::add_promotion`.
pub async fn record_promotion(
    state: &AppState,
    words: &Words<'_>,
    reasons: &[&str],
    queue: bool,
    now: Timestamp,
) -> Result<PromotionAdded, AppError> {
    let input = PromotionInput::parse(words, reasons)?;
    revival::add_promotion(state.store(), state.caller(), composer(), input, queue, now).await
}

#[derive(Deserialize)]
struct FeatureForm {
    name: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    queue: String,
}

async fn feature(
    State(state): State<AppState>,
    Now(now): Now,
    axum::Form(f): axum::Form<FeatureForm>,
) -> Result<Html<String>, PageError> {
    let shipped = ship(&state, &f.name, Some(&f.on), !f.queue.is_empty(), now).await?;
    let headline = if shipped.deals.is_empty() {
        format!(
            "{} shipped on {}: no lost or dark deal that needed it may be written to now.",
            shipped.feature, shipped.on
        )
    } else {
        format!(
            "{} shipped on {}: it reopens {} that needed it.",
            shipped.feature,
            shipped.on,
            deals(shipped.deals.len())
        )
    };
    let outcome = Outcome {
        headline,
        deals: shipped.deals.iter().map(CandidateView::drafted).collect(),
    };
    render(&state, now, Some(outcome)).await
}

#[derive(Deserialize)]
struct EventForm {
    #[serde(default)]
    account: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    queue: String,
}

async fn event(
    State(state): State<AppState>,
    Now(now): Now,
    axum::Form(f): axum::Form<EventForm>,
) -> Result<Html<String>, PageError> {
    let words = Words::new(vec![
        ("account", Some(f.account.as_str())),
        ("contact", Some(f.contact.as_str())),
        ("kind", Some(f.kind.as_str())),
        ("on", Some(f.on.as_str())),
        ("source", Some(f.source.as_str())),
        ("note", Some(f.note.as_str())),
    ]);
    let added = record_event(&state, &words, !f.queue.is_empty(), now).await?;
    let e = &added.event;
    let outcome = Outcome {
        headline: format!(
            "Recorded {} at {} on {}: it reopens {}{}.",
            view::words(e.kind.as_str()),
            e.account,
            e.on,
            deals(added.reopens.len()),
            if added.not_enough.is_empty() {
                String::new()
            } else {
                format!(" ({} more below the bar)", added.not_enough.len())
            }
        ),
        deals: added.reopens.iter().map(CandidateView::drafted).collect(),
    };
    render(&state, now, Some(outcome)).await
}

async fn promotion(
    State(state): State<AppState>,
    Now(now): Now,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Html<String>, PageError> {
    let one = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
    let reasons: Vec<&str> = fields
        .iter()
        .filter(|(f, _)| f == "lost_reasons")
        .map(|(_, v)| v.as_str())
        .collect();
    let words = Words::new(
        [
            "name",
            "kind",
            "offer",
            "from",
            "until",
            "min_stage",
            "min_amount",
            "max_amount",
        ]
        .into_iter()
        .map(|k| (k, one(k)))
        .collect(),
    );
    let added = record_promotion(&state, &words, &reasons, one("queue").is_some(), now).await?;
    let p = &added.promotion;
    let headline = if !added.running {
        format!(
            "Recorded {}: it runs from {} to {}; the queue picks it up then.",
            p.name, p.from, p.until
        )
    } else {
        format!(
            "Recorded {}: {} on the verge {}.",
            p.name,
            deals(added.deals.len()),
            if added.deals.len() == 1 {
                "qualifies"
            } else {
                "qualify"
            }
        )
    };
    let outcome = Outcome {
        headline,
        deals: added.deals.iter().map(CandidateView::drafted).collect(),
    };
    render(&state, now, Some(outcome)).await
}
