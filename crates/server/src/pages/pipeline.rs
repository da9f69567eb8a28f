//! Pipeline: the open deals as a board by stage (or a list), each card with its account, title,
//! amount, state (word and icon), risk, top signal, next play and its due date; per column the
//! count, the money and how many are rotting (dark or stalled in stage); filters kept in the
//! URL; a "move to stage" form on every card, the single-pointer alternative to dragging (WCAG
//! 2.2, SC 2.5.7).

use super::today::render_failed;
use super::view::{self, Chrome, StateMark};
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rekindle_app::pipeline::{self, BoardCard, BoardQuery};
use rekindle_app::record;
use rekindle_core::signals::SignalKind;
use rekindle_core::{DealId, DealState, Money};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/pipeline", get(page))
        .route("/deals/{id}/stage", post(move_stage))
}

/// Deals on one page of the board or the list (the columns count every deal that matches):
/// a screenful or two of the list, 20 a column on a five-stage board.
const PAGE: u32 = 100;

/// The filters, as the URL's query holds them (every field optional; empty means any).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Filters {
    /// Where the page starts: the previous page's `next_cursor`.
    #[serde(default)]
    pub cursor: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub signal: String,
    #[serde(default)]
    pub q: String,
    /// `board` (default) or `list`.
    #[serde(default)]
    pub view: String,
}

impl Filters {
    /// The board query these filters make, for one page from `cursor`.
    fn query(&self, cursor: Option<String>) -> Result<BoardQuery, rekindle_app::AppError> {
        let some = |v: &String| (!v.trim().is_empty()).then(|| v.trim().to_string());
        Ok(BoardQuery {
            owner: some(&self.owner),
            stage: some(&self.stage),
            state: some(&self.state)
                .map(|s| DealState::parse(&s))
                .transpose()?,
            signal: some(&self.signal)
                .map(|s| SignalKind::parse(&s))
                .transpose()?,
            text: some(&self.q),
            cursor,
            limit: PAGE,
        })
    }

    fn is_list(&self) -> bool {
        self.view == "list"
    }

    /// The query string that reproduces these filters with another view.
    fn with_view(&self, view: &str) -> String {
        let mut f = self.clone();
        f.view = view.to_string();
        let mut pairs = vec![
            ("owner", &f.owner),
            ("stage", &f.stage),
            ("state", &f.state),
            ("signal", &f.signal),
            ("q", &f.q),
            ("view", &f.view),
        ];
        if !f.cursor.is_empty() {
            pairs.push(("cursor", &f.cursor));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// One deal's card.
pub struct Card {
    pub deal: String,
    pub account: String,
    pub title: String,
    pub owner: String,
    pub stage: String,
    pub amount: String,
    pub state: StateMark,
    pub risk: u32,
    pub top_signal: Option<String>,
    pub play: String,
    pub due: String,
    pub rotting: bool,
}

impl Card {
    fn of(c: &BoardCard) -> Self {
        Card {
            deal: c.deal_id.to_string(),
            account: c.account.clone(),
            title: c.title.clone(),
            owner: c.owner.clone(),
            stage: c.stage.clone(),
            amount: view::money(c.amount),
            state: view::state_mark(c.state),
            risk: c.risk,
            top_signal: c.top_signal.clone(),
            play: match c.next_play {
                Some(p) => view::words(p.as_str()),
                None => "wait".to_string(),
            },
            due: view::day(c.next_due),
            rotting: c.rotting,
        }
    }
}

/// One stage's column.
pub struct Column {
    pub stage: String,
    pub count: usize,
    /// The money in it, one total per currency ("EUR 96,000.00 · USD 12,000.00").
    pub total: String,
    pub rotting: usize,
    pub cards: Vec<Card>,
}

#[derive(Template)]
#[template(path = "pipeline.html")]
struct Page {
    chrome: Chrome,
    filters: Filters,
    stages: Vec<String>,
    owners: Vec<String>,
    states: Vec<(&'static str, &'static str)>,
    signals: Vec<(&'static str, String)>,
    columns: Vec<Column>,
    shown: usize,
    /// Deals on this page (the first `PAGE` of `shown`, worst first).
    on_page: usize,
    /// The next page's address, when there is one.
    next_page: Option<String>,
    board_link: String,
    list_link: String,
    back: String,
}

fn totals(totals: &[Money]) -> String {
    if totals.is_empty() {
        return "nothing".to_string();
    }
    totals
        .iter()
        .map(|m| view::money(*m))
        .collect::<Vec<_>>()
        .join(" · ")
}

async fn page(
    State(state): State<AppState>,
    Now(now): Now,
    Query(filters): Query<Filters>,
) -> Result<Html<String>, PageError> {
    let store = state.store();
    let cursor = (!filters.cursor.is_empty()).then(|| filters.cursor.clone());
    let board = pipeline::board_cards(store, state.caller(), now, &filters.query(cursor)?).await?;
    let owners = store.owners().await.map_err(rekindle_app::AppError::from)?;
    let stages: Vec<String> = board.columns.iter().map(|c| c.stage.clone()).collect();
    let shown: u64 = board.columns.iter().map(|c| c.count).sum();
    let columns = board
        .columns
        .iter()
        .map(|c| Column {
            stage: c.stage.clone(),
            count: c.count as usize,
            total: totals(&c.totals),
            rotting: c.rotting as usize,
            cards: board
                .rows
                .iter()
                .filter(|r| r.stage == c.stage)
                .map(Card::of)
                .collect(),
        })
        .collect();
    let next_page = board.next_cursor.as_ref().map(|c| {
        let mut f = filters.clone();
        f.cursor = c.clone();
        format!("/pipeline?{}", f.with_view(&filters.view))
    });
    let page = Page {
        chrome: Chrome::new(&state, now, "pipeline"),
        board_link: Filters {
            cursor: String::new(),
            ..filters.clone()
        }
        .with_view("board"),
        list_link: Filters {
            cursor: String::new(),
            ..filters.clone()
        }
        .with_view("list"),
        back: format!("/pipeline?{}", filters.with_view(&filters.view)),
        filters,
        stages,
        owners,
        states: [
            DealState::Dark,
            DealState::Slipping,
            DealState::AtRisk,
            DealState::Healthy,
        ]
        .into_iter()
        .map(|s| (s.as_str(), view::state_mark(s).word))
        .collect(),
        signals: SignalKind::ALL
            .iter()
            .map(|k| (k.as_str(), view::words(k.as_str())))
            .collect(),
        shown: shown as usize,
        on_page: board.rows.len(),
        next_page,
        columns,
    };
    Ok(Html(page.render().map_err(render_failed)?))
}

#[derive(Deserialize)]
struct MoveForm {
    stage: String,
    /// Where to go after the move: a path on this server (anything else goes to the deal).
    #[serde(default)]
    back: String,
}

async fn move_stage(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<MoveForm>,
) -> Result<Response, PageError> {
    let id: DealId = id.parse().map_err(rekindle_app::AppError::from)?;
    record::move_stage(state.store(), state.caller(), id, &form.stage, now).await?;
    let back = if own_path(&form.back) {
        form.back
    } else {
        format!("/deals/{id}")
    };
    Ok(Redirect::to(&back).into_response())
}

/// Whether `back` is a path on this server: it starts with one `/` followed by neither `/` nor
/// `\` (browsers read `//host` and `/\host` as another site) and holds no control character.
fn own_path(back: &str) -> bool {
    let mut chars = back.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !back.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::own_path;

    #[test]
    fn only_a_path_on_this_server_is_gone_back_to() {
        assert!(own_path("/pipeline?stage=demo"));
        assert!(own_path("/"));
        for other in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "/x\ny",
        ] {
            assert!(!own_path(other), "{other:?}");
        }
    }
}
