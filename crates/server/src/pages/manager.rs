//! Manager: the forecast at risk (slipping and dark deals expected to close this quarter),
//! per owner the dark deals and the desperation chasing, the stage funnel with its rotting
//! deals, and the week's movements (went dark, came back, closed as unresponsive). All from
//! `rekindle_app::pipeline::manager`.

use super::today::render_failed;
use super::view::{self, Chrome};
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use rekindle_app::pipeline::{self, Manager};

pub fn routes() -> Router<AppState> {
    Router::new().route("/manager", get(page))
}

/// One funnel bar: the stage, its deals and rotting ones, and the bar's widths in the SVG
/// (per mille of the widest stage).
pub struct Bar {
    pub stage: String,
    pub deals: u64,
    pub rotting: u64,
    pub width: u64,
    pub rotting_width: u64,
    pub y: usize,
}

#[derive(Template)]
#[template(path = "manager.html")]
struct Page {
    chrome: Chrome,
    m: Manager,
    forecast: String,
    quarter: String,
    bars: Vec<Bar>,
    chart_height: usize,
}

async fn page(State(state): State<AppState>, Now(now): Now) -> Result<Html<String>, PageError> {
    let m = pipeline::manager(state.store(), state.caller(), now).await?;
    let forecast = if m.forecast_at_risk.is_empty() {
        "nothing".to_string()
    } else {
        m.forecast_at_risk
            .iter()
            .map(|x| view::money(*x))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let quarter = format!(
        "{} to {}",
        m.quarter.0,
        m.quarter.1.yesterday().unwrap_or(m.quarter.1)
    );
    let widest = m.funnel.iter().map(|s| s.deals).max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = m
        .funnel
        .iter()
        .enumerate()
        .map(|(i, s)| Bar {
            stage: s.stage.clone(),
            deals: s.deals,
            rotting: s.rotting,
            width: s.deals * 1000 / widest,
            rotting_width: s.rotting * 1000 / widest,
            y: i * 28,
        })
        .collect();
    let page = Page {
        chrome: Chrome::new(&state, now, "manager"),
        chart_height: bars.len() * 28 + 4,
        forecast,
        quarter,
        bars,
        m,
    };
    Ok(Html(page.render().map_err(render_failed)?))
}
