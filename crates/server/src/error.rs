//! Failures as HTTP answers: `application/problem+json` (RFC 9457) for the API, with the field
//! an input failed on as the `field` extension member; an HTML page for the dashboard. The
//! status comes from the app layer's [`rekindle_app::ErrorKind::http_status`].

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use rekindle_app::AppError;

/// The field an input failed on, when the failure is a parse error.
fn field_of(e: &AppError) -> Option<&str> {
    match e {
        AppError::Invalid(p) => Some(&p.field),
        AppError::About { input, .. } => Some(input.field()),
        AppError::Context { error, .. } => field_of(error),
        _ => None,
    }
}

fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.kind().http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A problem document (RFC 9457): `type` `about:blank`, `title` the status's reason phrase,
/// `status`, `detail` the failure in words, and `field` when one input is to blame.
pub fn problem(status: StatusCode, detail: &str, field: Option<&str>) -> Response {
    let mut body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some(f) = field {
        body["field"] = serde_json::Value::from(f);
    }
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// A use case's failure answered to an API client.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem(status_of(&self.0), &self.0.to_string(), field_of(&self.0))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    detail: &'a str,
}

/// A use case's failure answered to a browser: a small page saying what failed.
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        error_page(status, &self.0.to_string())
    }
}

/// An HTML page for a failure: the status and the detail, escaped.
pub fn error_page(status: StatusCode, detail: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        title: status.canonical_reason().unwrap_or("Error"),
        detail,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, detail.to_string()).into_response(),
    }
}
