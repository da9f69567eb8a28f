//! Lint: paste a message, see the tone linter's findings (`core::lint`, as `rekindle lint`):
//! each pesky phrase with where it is, why it hurts and the better move. A plain form that
//! posts back; htmx sends the text as the rep types and swaps in the findings alone.

use super::today::render_failed;
use super::view::Chrome;
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Html;
use axum::routing::get;
use rekindle_core::lint::{self, Finding};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/lint", get(page).post(check))
}

/// The findings as the page shows them (shared with the outbox's edit form).
pub struct FindingView {
    pub line: usize,
    pub column: usize,
    pub phrase: String,
    pub rule: &'static str,
    pub why: &'static str,
    pub better: &'static str,
}

impl FindingView {
    pub fn of(f: &Finding) -> Self {
        FindingView {
            line: f.line,
            column: f.column,
            phrase: f.phrase.clone(),
            rule: f.rule,
            why: f.why,
            better: f.better,
        }
    }
}

#[derive(Template)]
#[template(path = "lint.html")]
struct Page {
    chrome: Chrome,
    text: String,
    checked: bool,
    findings: Vec<FindingView>,
}

/// The findings alone, for htmx to swap in.
#[derive(Template)]
#[template(path = "lint.html", block = "findings")]
struct Findings {
    checked: bool,
    findings: Vec<FindingView>,
}

async fn page(State(state): State<AppState>, Now(now): Now) -> Result<Html<String>, PageError> {
    let page = Page {
        chrome: Chrome::new(&state, now, "lint"),
        text: String::new(),
        checked: false,
        findings: Vec::new(),
    };
    Ok(Html(page.render().map_err(render_failed)?))
}

/// The text to check: `text` from this page, `body` from the outbox's edit form (whose
/// findings are shown live as the rep edits).
#[derive(Deserialize)]
struct LintForm {
    #[serde(default, alias = "body")]
    text: String,
}

async fn check(
    State(state): State<AppState>,
    Now(now): Now,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LintForm>,
) -> Result<Html<String>, PageError> {
    let findings: Vec<FindingView> = lint::lint(&form.text).iter().map(FindingView::of).collect();
    let checked = !form.text.trim().is_empty();
    let html = if headers.contains_key("hx-request") {
        Findings { checked, findings }.render()
    } else {
        Page {
            chrome: Chrome::new(&state, now, "lint"),
            text: form.text,
            checked,
            findings,
        }
        .render()
    };
    Ok(Html(html.map_err(render_failed)?))
}
