//! The moment a request is assessed at: `?now=` (as the CLI's `--now`: `2026-11-23` or
//! `2026-11-23T09:00:00Z`), else the server's fixed moment, else the clock.

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
            None => Ok(Now(state.0.now.unwrap_or_else(Timestamp::now))),
        }
    }
}
