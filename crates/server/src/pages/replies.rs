//! Replies: the readings that wait for the rep (uncertain, indirect, questions), newest first,
//! each with who wrote, the deal, what it was read as, the words that decided and what the
//! reading changed; one small form per decision (`rekindle replies decide`). Deciding "stop"
//! asks for an explicit confirmation, and deciding otherwise on a reply read as a stop lifts it
//! only when the rep says so (`replies::decide` refuses otherwise).

use super::today::render_failed;
use super::view::{self, Chrome};
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rekindle_app::AppError;
use rekindle_app::replies::{self, Decision, Listed};
use rekindle_core::reply::ReplyClass;
use rekindle_core::{LostReason, ParseError, ReadingId};
use rekindle_store::StoredReading;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/replies", get(page))
        .route("/replies/{id}/decide", post(decide))
}

/// The most readings the page lists (the API pages through the rest).
const SHOWN: i64 = 200;

/// The decisions a rep can make, as the buttons label them: (class, label).
pub const DECISIONS: &[(&str, &str)] = &[
    ("revive", "Revive: they want to go on"),
    ("later", "Later: look again on a date"),
    ("out_of_office", "Away: back on a date"),
    ("lost", "Lost"),
    ("referral", "Referral to someone else"),
    ("question", "A question for me"),
    ("unclear", "Unclear"),
    ("stop", "Stop: they asked not to be contacted"),
];

/// The words that decided a reading, and those that pointed elsewhere
/// (`core::reply::Reading::evidence`).
pub fn evidence(r: &StoredReading) -> Vec<String> {
    r.reading["evidence"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// One reading as the page shows it.
pub struct ReadingView {
    pub id: String,
    pub deal: String,
    pub account: String,
    pub title: String,
    pub sender: String,
    /// What it was read as, in words.
    pub class: String,
    pub confident: bool,
    pub decided_by: String,
    pub read_on: String,
    pub text: String,
    pub evidence: Vec<String>,
    pub changes: Vec<String>,
    /// It was read as a request to stop contact: deciding otherwise lifts the stop.
    pub was_stop: bool,
    /// The date the words name, to start the date inputs with.
    pub until: String,
}

impl ReadingView {
    fn of(l: &Listed) -> Self {
        let r = &l.reading;
        ReadingView {
            id: r.id.to_string(),
            deal: r.deal.to_string(),
            account: l.account.clone(),
            title: l.title.clone(),
            sender: r.sender.clone(),
            class: view::words(r.class.as_str()),
            confident: r.reading["confident"].as_bool().unwrap_or(false),
            decided_by: r.decided_by.clone(),
            read_on: view::day(r.read_at),
            text: r.text.clone().unwrap_or_default(),
            evidence: evidence(r),
            changes: r
                .changes
                .iter()
                .map(|c| replies::describe(&c.action))
                .collect(),
            was_stop: r.class == ReplyClass::Stop,
            until: r.reading["until"].as_str().unwrap_or("").to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "replies.html")]
struct Page {
    chrome: Chrome,
    readings: Vec<ReadingView>,
    all: bool,
    done: String,
    decisions: &'static [(&'static str, &'static str)],
    reasons: Vec<&'static str>,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    all: String,
    /// What the last decision did, to say at the top.
    #[serde(default)]
    done: String,
}

async fn page(
    State(state): State<AppState>,
    Now(now): Now,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    let all = !q.all.is_empty();
    let listed = replies::page(state.store(), state.caller(), all, None, SHOWN).await?;
    let page = Page {
        chrome: Chrome::new(&state, now, "replies"),
        readings: listed.iter().map(ReadingView::of).collect(),
        all,
        done: q.done,
        decisions: DECISIONS,
        reasons: LostReason::ALL.iter().map(|r| r.as_str()).collect(),
    };
    Ok(Html(page.render().map_err(render_failed)?))
}

/// A decision as the page's forms post it.
#[derive(Deserialize)]
struct DecideForm {
    class: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    until: String,
    /// "yes" when the rep ticked "lift the stop".
    #[serde(default)]
    lift_stop: String,
    /// "yes" when the rep confirmed that the reply asks to stop contact.
    #[serde(default)]
    confirm_stop: String,
}

async fn decide(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<DecideForm>,
) -> Result<Response, PageError> {
    let id: ReadingId = id.parse().map_err(AppError::from)?;
    let decision = Decision::parse(
        &form.class,
        Some(&form.reason),
        Some(&form.until),
        !form.lift_stop.is_empty(),
    )?;
    if decision.class == ReplyClass::Stop && form.confirm_stop.is_empty() {
        return Err(AppError::Invalid(ParseError::new(
            "confirm_stop",
            "",
            "tick the box to confirm they asked not to be contacted: nobody at this address is written to again",
        ))
        .into());
    }
    let stored = replies::decide(state.store(), state.caller(), id, decision, now).await?;
    let changes: Vec<String> = stored
        .changes
        .iter()
        .map(|c| replies::describe(&c.action))
        .collect();
    let done = format!(
        "{} replaces {id}: {} ({})",
        stored.id,
        view::words(stored.class.as_str()),
        if changes.is_empty() {
            "nothing to change".to_string()
        } else {
            changes.join("; ")
        }
    );
    let query = serde_urlencoded::to_string([("done", done)]).unwrap_or_default();
    Ok(Redirect::to(&format!("/replies?{query}")).into_response())
}
