//! Deal: the record (their words with source and date, commitments, next step, contacts and
//! roles, activities), the signals with their evidence, the diagnosis ranked and the next
//! action.

use super::today::render_failed;
use super::view::{self, Chrome, StateMark};
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use rekindle_app::pipeline;
use rekindle_core::DealId;

pub fn routes() -> Router<AppState> {
    Router::new().route("/deals/{id}", get(page))
}

/// A line of the record: what, and where it came from.
pub struct Line {
    pub what: String,
    pub note: String,
}

/// A signal and its evidence.
pub struct SignalView {
    pub summary: String,
    pub kind: String,
    pub evidence: Vec<Line>,
}

#[derive(Template)]
#[template(path = "deal.html")]
struct Page {
    chrome: Chrome,
    id: String,
    title: String,
    account: String,
    owner: String,
    stage: String,
    amount: String,
    status: String,
    state: StateMark,
    risk: u32,
    next_action: String,
    next_play: String,
    next_due: String,
    words: Vec<Line>,
    commitments: Vec<Line>,
    next_step: Option<Line>,
    contacts: Vec<Line>,
    activities: Vec<Line>,
    signals: Vec<SignalView>,
    diagnosis: Vec<Line>,
}

async fn page(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let id: DealId = id.parse().map_err(rekindle_app::AppError::from)?;
    let v = pipeline::deal(state.store(), state.caller(), id, now).await?;
    let r = &v.record;
    let d = &r.deal;
    let a = &v.assessment;
    let page = Page {
        chrome: Chrome::new(&state, now, "pipeline"),
        id: d.id.to_string(),
        title: d.title.clone(),
        account: d.account.name.clone(),
        owner: d.owner.clone(),
        stage: d.stage.clone(),
        amount: view::money(d.amount),
        status: d.status.to_string(),
        state: view::state_mark(a.state),
        risk: a.risk,
        next_action: a.next_action.why.clone(),
        next_play: a
            .next_action
            .play
            .map(|p| view::words(p.as_str()))
            .unwrap_or_else(|| "wait".to_string()),
        next_due: view::day(a.next_action.due),
        words: r
            .facts
            .iter()
            .map(|f| Line {
                what: f.text.clone(),
                note: format!(
                    "{}, {} ({})",
                    view::words(f.kind.as_str()),
                    view::day(f.said_at),
                    f.source
                ),
            })
            .collect(),
        commitments: r
            .commitments
            .iter()
            .map(|c| Line {
                what: c.what.clone(),
                note: format!(
                    "{} by {}, {}",
                    c.party,
                    view::day(c.due),
                    view::words(c.status.as_str())
                ),
            })
            .collect(),
        next_step: r.next_step.as_ref().map(|s| Line {
            what: s.what.clone(),
            note: match s.due {
                Some(due) if s.booked => format!("booked for {}", view::day(due)),
                Some(due) => format!("due {}", view::day(due)),
                None => "no date".to_string(),
            },
        }),
        contacts: r
            .contacts
            .iter()
            .map(|c| Line {
                what: c.name.clone(),
                note: [
                    c.title.clone().unwrap_or_default(),
                    c.role.map(|x| view::words(x.as_str())).unwrap_or_default(),
                    c.emails
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    if c.do_not_contact {
                        "do not contact".into()
                    } else {
                        String::new()
                    },
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            })
            .collect(),
        activities: r
            .activities
            .iter()
            .rev()
            .map(|x| Line {
                what: x.summary.clone(),
                note: format!(
                    "{} {} {}{}",
                    view::day(x.at),
                    x.direction.as_str(),
                    x.kind.as_str(),
                    x.outcome
                        .map(|o| format!(", {}", view::words(o.as_str())))
                        .unwrap_or_default()
                ),
            })
            .collect(),
        signals: a
            .signals
            .iter()
            .map(|s| SignalView {
                summary: s.summary.clone(),
                kind: view::words(s.kind.as_str()),
                evidence: s
                    .evidence
                    .iter()
                    .map(|e| Line {
                        what: e.what.clone(),
                        note: e.at.map(view::day).unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
        diagnosis: a
            .diagnosis
            .iter()
            .map(|c| Line {
                what: c.explanation.to_string(),
                note: format!("{} (score {})", view::words(c.cause.as_str()), c.score),
            })
            .collect(),
    };
    Ok(Html(page.render().map_err(render_failed)?))
}
