//! Revive: the lost, nurtured and dark deals worth coming back to, ranked (`revival::revive`),
//! each with every factor's points and why and the occasion to come back with; the deals best
//! left buried; and the forms that record an occasion (a feature shipped, a trigger event, a
//! promotion: `rekindle feature shipped`, `event add`, `promo add`). Each form answers with a
//! redirect (303, POST/redirect/GET) to the page naming the occasion recorded
//! (`?shipped=<feature>`, `?event=<E12>`, `?promotion=<name>`), which reads back, changing
//! nothing, the deals it reopens with their drafts and whether each waits in the outbox
//! (`revival::feature_reopens`, `event_reopens`, `promotion_reopens`): a reload posts nothing
//! again.

use super::today::render_failed;
use super::view::{self, Chrome};
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use rekindle_app::AppError;
use rekindle_app::revival::{
    self, Drafted, EventAdded, EventInput, FeatureShipped, PromotionAdded, PromotionInput, Words,
};
use rekindle_core::compose::Composer;
use rekindle_core::revival::{Candidate, Factor, PromotionKind, TriggerKind};
use rekindle_core::{EventId, LostReason, ParseError, input};
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
    /// The outbox message with the same draft, waiting for the rep's approval (queued by the
    /// form, or before).
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
        v.waiting = d
            .queued
            .or(d.waiting)
            .map(|w| w.to_string())
            .unwrap_or_default();
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

/// What a recorded occasion reopens.
pub struct Outcome {
    pub headline: String,
    pub deals: Vec<CandidateView>,
}

impl Outcome {
    /// A shipped feature: its name, the day it shipped and the deals that needed it.
    fn shipped(shipped: &FeatureShipped) -> Self {
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
        Outcome {
            headline,
            deals: shipped.deals.iter().map(CandidateView::drafted).collect(),
        }
    }

    /// A trigger event: its kind, account and day, the deals it reopens and how many more it
    /// counts for below the bar.
    fn event(added: &EventAdded) -> Self {
        let e = &added.event;
        Outcome {
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
        }
    }

    /// A promotion: its name and window, and the deals on the verge it qualifies while it
    /// runs.
    fn promotion(added: &PromotionAdded) -> Self {
        let p = &added.promotion;
        let headline = if !added.running {
            format!(
                "Recorded {}: it runs from {} to {}; the queue picks it up then.",
                p.name, p.from, p.until
            )
        } else {
            format!(
                "Recorded {}, running from {} to {}: {} on the verge {}.",
                p.name,
                p.from,
                p.until,
                deals(added.deals.len()),
                if added.deals.len() == 1 {
                    "qualifies"
                } else {
                    "qualify"
                }
            )
        };
        Outcome {
            headline,
            deals: added.deals.iter().map(CandidateView::drafted).collect(),
        }
    }
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

/// The outcome the page's query names, read back without changing anything: `shipped=` a
/// feature recorded as shipped (by any name the catalogue files under it), `event=` a trigger
/// event by id (`E12` or `12`), or `promotion=` a promotion by its name; at most one. Other
/// parameters (`now`) are not the outcome's.
///
/// Errors: `Invalid` (422) for a malformed name or id or more than one occasion; `NotFound`
/// (404) for one not recorded; the store's.
async fn outcome_of(
    state: &AppState,
    query: &[(String, String)],
    now: Timestamp,
) -> Result<Option<Outcome>, AppError> {
    let (store, caller) = (state.store(), state.caller());
    let named: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .filter(|(k, _)| ["shipped", "event", "promotion"].contains(k))
        .collect();
    Ok(Some(match named.as_slice() {
        [] => return Ok(None),
        [("shipped", name)] => {
            let name = input::feature_name("shipped", name)?;
            Outcome::shipped(
                &revival::feature_reopens(store, caller, composer(), &name, now).await?,
            )
        }
        [("event", id)] => {
            let id: EventId = id
                .parse()
                .map_err(|e: ParseError| ParseError::new("event", *id, &e.expected))?;
            Outcome::event(&revival::event_reopens(store, caller, composer(), id, now).await?)
        }
        [(_, name)] => {
            let name = input::line("promotion", name)?;
            Outcome::promotion(
                &revival::promotion_reopens(store, caller, composer(), &name, now).await?,
            )
        }
        [(first, _), ..] => {
            return Err(ParseError::new(
                *first,
                "",
                "one occasion at a time: shipped, event or promotion",
            )
            .into());
        }
    }))
}

async fn page(
    State(state): State<AppState>,
    Now(now): Now,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Html<String>, PageError> {
    let outcome = outcome_of(&state, &query, now).await?;
    render(&state, now, outcome).await
}

/// The page showing the occasion `key` names (`shipped`, `event`, `promotion`) recorded as
/// `value`: a 303 to it.
fn show(key: &str, value: &str) -> Response {
    let query = serde_urlencoded::to_string([(key, value)]).unwrap_or_default();
    Redirect::to(&format!("/revive?{query}")).into_response()
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
) -> Result<Response, PageError> {
    let shipped = ship(&state, &f.name, Some(&f.on), !f.queue.is_empty(), now).await?;
    Ok(show("shipped", &shipped.feature))
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
) -> Result<Response, PageError> {
    let words = Words::new(vec![
        ("account", Some(f.account.as_str())),
        ("contact", Some(f.contact.as_str())),
        ("kind", Some(f.kind.as_str())),
        ("on", Some(f.on.as_str())),
        ("source", Some(f.source.as_str())),
        ("note", Some(f.note.as_str())),
    ]);
    let added = record_event(&state, &words, !f.queue.is_empty(), now).await?;
    Ok(show("event", &added.id.to_string()))
}

async fn promotion(
    State(state): State<AppState>,
    Now(now): Now,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
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
    Ok(show("promotion", &added.promotion.name))
}
