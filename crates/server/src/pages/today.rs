//! Today: the actions due, most urgent first, each with its reason and its draft one click
//! away; what waits for the rep (replies to decide, drafts to approve); the moment it was
//! assessed at.

use super::view::{self, Chrome, StateMark};
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use rekindle_app::pipeline::{self, BoardCard};
use rekindle_core::PlayKind;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(page))
}

/// One action due, as the page lists it.
pub struct DueItem {
    pub deal: String,
    pub account: String,
    pub title: String,
    pub state: StateMark,
    pub play: String,
    pub due: String,
    pub why: String,
    pub top_signal: Option<String>,
    /// The play is to take the deal out of the pipeline (`close_or_nurture`): the rep's act is
    /// closing it, with the closing note as its message.
    pub closing: bool,
}

impl DueItem {
    pub fn of(c: &BoardCard) -> Self {
        DueItem {
            deal: c.deal_id.to_string(),
            account: c.account.clone(),
            title: c.title.clone(),
            state: view::state_mark(c.state),
            play: c
                .next_play
                .map(|p| view::words(p.as_str()))
                .unwrap_or_default(),
            due: view::day(c.next_due),
            why: c.why.clone(),
            top_signal: c.top_signal.clone(),
            closing: c.next_play == Some(PlayKind::CloseOrNurture),
        }
    }
}

/// The most actions the page lists; the rest are counted, and the Pipeline's list shows them.
const SHOWN: usize = 100;

#[derive(Template)]
#[template(path = "today.html")]
struct Page {
    chrome: Chrome,
    due: Vec<DueItem>,
    due_count: usize,
    next: Option<DueItem>,
    replies: usize,
    drafts: usize,
    refused: usize,
    unconfirmed: usize,
    open: usize,
}

async fn page(State(state): State<AppState>, Now(now): Now) -> Result<Html<String>, PageError> {
    let today = pipeline::today_first(state.store(), state.caller(), now, SHOWN as u32).await?;
    let due_count = today.due_count;
    let due: Vec<DueItem> = today.due().into_iter().map(DueItem::of).collect();
    let next = today.next_planned.as_ref().map(DueItem::of);
    let w = &today.waiting;
    let page = Page {
        chrome: Chrome::new(&state, now, "today"),
        due,
        due_count,
        next,
        replies: w.replies,
        drafts: w.drafts,
        refused: w.refused,
        unconfirmed: w.unconfirmed,
        open: today.open,
    };
    Ok(Html(page.render().map_err(render_failed)?))
}

/// A template that failed to render (a bug, not the request's fault).
pub fn render_failed(e: askama::Error) -> rekindle_app::AppError {
    rekindle_app::AppError::Internal(format!("rendering the page: {e}"))
}
