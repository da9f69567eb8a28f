//! The moment a request is assessed at: `?now=` (as the CLI's `--now`: `2026-11-23` or
//! `2026-11-23T09:00:00Z`), else the server's fixed moment, else the moment of the last
//! background refresh when it is recent (within two refresh periods), else the clock. Reading at
//! the refresh's moment is what keeps a page from re-assessing the whole pipeline
//! (`rekindle_app::pipeline`'s read model re-assesses all of it for any other moment).

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use jiff::Timestamp;
use rekindle_core::time;

/// The moment to assess at, taken from the request.
#[derive(Clone, Copy, Debug)]
pub struct Now(pub Timestamp);

impl FromRequestParts<AppState> for Now {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let asked = parts.uri.query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == "now")
                .map(|(_, v)| v)
        });
        match asked {
            Some(text) => time::parse_instant("now", &text).map(Now).map_err(|e| {
                crate::error::problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &e.to_string(),
                    Some("now"),
                )
            }),
            None => match state.0.now {
                Some(fixed) => Ok(Now(fixed)),
                None => Ok(Now(recent_refresh(state)
                    .await
                    .unwrap_or_else(Timestamp::now))),
            },
        }
    }
}

/// The last whole refresh's moment, when it is no older than two refresh periods.
async fn recent_refresh(state: &AppState) -> Option<Timestamp> {
    let at = rekindle_app::pipeline::assessed_at(state.store(), state.caller())
        .await
        .ok()??;
    let age = Timestamp::now().duration_since(at);
    let limit = jiff::SignedDuration::try_from(crate::REFRESH_EVERY * 2).ok()?;
    (age >= jiff::SignedDuration::ZERO && age <= limit).then_some(at)
}
