//! Imports: a mail file or a calendar sent as the request's body and imported through the
//! same use cases as `rekindle import mail` / `rekindle import calendar`; the answer is the
//! import's summary. The body is written to a temporary file as it arrives, at most
//! [`MAX_UPLOAD`] bytes (1 GiB); a body that declares more (`Content-Length`) is refused
//! before any of it is read.

use super::deals::Problem;
use crate::AppState;
use crate::clock::Now;
use crate::error::problem;
use crate::pages::import::{Failure, Kind, MAX_UPLOAD, Upload, too_large, wrong_kind};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/imports", post(create).layer(DefaultBodyLimit::disable()))
}

/// What an import did.
#[derive(Serialize, ToSchema)]
pub struct ImportDone {
    /// `mail` or `calendar`.
    pub kind: String,
    /// The bytes received.
    pub bytes: u64,
    /// The report as `rekindle import` prints it: one line of counts, then what was passed
    /// over, one line each.
    pub lines: Vec<String>,
    /// The counts (the CLI's `--json` output of `import mail` / `import calendar`): `read`,
    /// `matched`, `touches`, `replies`, `meetings_held`, `not_matched` by reason, `skipped`...
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

fn failed(f: Failure) -> Response {
    problem(f.status, &f.detail, None)
}

/// The rep's addresses from the query: `me`, repeated or comma-separated.
fn me_of(query: Option<&str>) -> Vec<String> {
    let pairs: Vec<(String, String)> = query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    pairs
        .into_iter()
        .filter(|(k, _)| k == "me")
        .flat_map(|(_, v)| crate::pages::import::addresses(&v))
        .collect()
}

/// Imports the body: an mbox (`Content-Type: application/mbox`), one message
/// (`message/rfc822`) or an iCalendar file (`text/calendar`), with the rep's addresses `me`
/// (as `--me`; left out, those given before) at `now`.
#[utoipa::path(post, path = "/api/v1/imports",
    params(
        ("me" = Option<Vec<String>>, Query, description = "The rep's own addresses (repeat it or separate with commas); needed on the first import"),
        ("now" = Option<String>, Query, description = "The moment to import at"),
    ),
    request_body(description = "The file itself, at most 1 GiB", content(
        (String = "application/mbox"),
        (String = "message/rfc822"),
        (String = "text/calendar"),
    )),
    responses(
        (status = 200, description = "What the import did", body = ImportDone),
        (status = 413, description = "The body is larger than 1 GiB; nothing was imported", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Another media type; nothing was imported", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body holds no mail or calendar, or no addresses are known for the rep; nothing was imported", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Now(now): Now,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(kind) = Kind::of_media_type(media_type) else {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &wrong_kind(&format!("a body of type {media_type:?}")),
            None,
        );
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD) {
        return problem(StatusCode::PAYLOAD_TOO_LARGE, &too_large(), None);
    }
    let name = if media_type
        .trim()
        .to_ascii_lowercase()
        .starts_with("message/rfc822")
    {
        "upload.eml"
    } else {
        kind.default_name()
    };
    let (mut upload, mut file) = match Upload::create(name, kind) {
        Ok(x) => x,
        Err(f) => return failed(f),
    };
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    &format!("the upload failed: {e}"),
                    None,
                );
            }
        };
        if let Err(f) = upload.write(&mut file, &chunk) {
            return failed(f);
        }
    }
    drop(file);
    let me = me_of(uri.query());
    match upload
        .import(state.store(), state.caller(), &me, now, Box::new(()))
        .await
    {
        Ok(summary) => Json(ImportDone {
            kind: match kind {
                Kind::Mail => "mail",
                Kind::Calendar => "calendar",
            }
            .to_string(),
            bytes: upload.bytes,
            lines: summary.lines(),
            summary: serde_json::to_value(&summary).unwrap_or_default(),
        })
        .into_response(),
        Err(f) => failed(f),
    }
}
