//! The dashboard's pages: server-rendered HTML (askama templates in `templates/`), each a full
//! page on a plain load; forms post back and redirect (POST/redirect/GET), so a reload never
//! repeats a change.

mod deal;
pub(crate) mod import;
pub(crate) mod lint;
mod manager;
pub(crate) mod outbox;
mod pipeline;
pub(crate) mod replies;
pub(crate) mod revive;
mod timeline;
mod today;
pub(crate) mod view;

use crate::AppState;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The pages and their assets.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(today::routes())
        .merge(pipeline::routes())
        .merge(deal::routes())
        .merge(manager::routes())
        .merge(import::routes())
        .merge(replies::routes())
        .merge(outbox::routes())
        .merge(revive::routes())
        .merge(lint::routes())
        .route("/assets/{name}", get(asset))
        .fallback(not_found)
}

async fn not_found() -> Response {
    crate::error::error_page(StatusCode::NOT_FOUND, "there is no page at this address")
}

/// The vendored files, compiled into the binary (no CDN: nothing is fetched at run time).
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/htmx.min.js"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/app.css"),
    ),
];

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, body)) => {
            let mut r = (*body).into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            r
        }
        None => not_found().await,
    }
}
