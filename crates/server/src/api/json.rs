//! Request bodies of the API's writes: a JSON object read field by field, so that a missing or
//! mistyped field is answered with a problem document naming it (RFC 9457 `field`), and the
//! paging parameters every list shares.

use crate::error::problem;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use rekindle_app::AppError;
use rekindle_core::ParseError;
use serde_json::{Map, Value};

/// The largest JSON body read: 4 MiB (a message's text with room to spare).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// A JSON object sent as a request's body.
pub struct Body(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = Response;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Response> {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY)
            .await
            .map_err(|_| {
                problem(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the body is larger than 4 MiB",
                    Some("body"),
                )
            })?;
        let text: &[u8] = if bytes.is_empty() { b"{}" } else { &bytes };
        match serde_json::from_slice::<Value>(text) {
            Ok(Value::Object(map)) => Ok(Body(map)),
            Ok(_) => Err(problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "the body must be a JSON object",
                Some("body"),
            )),
            Err(e) => Err(problem(
                StatusCode::BAD_REQUEST,
                &format!("the body is not JSON: {e}"),
                Some("body"),
            )),
        }
    }
}

fn wrong(field: &str, value: &Value, expected: &str) -> AppError {
    AppError::Invalid(ParseError::new(field, value.to_string(), expected))
}

impl Body {
    /// A text field; absent or `null` is `None`.
    ///
    /// Errors: [`AppError::Invalid`] naming the field when it is not a string.
    pub fn text(&self, field: &str) -> Result<Option<String>, AppError> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(wrong(field, v, "a string")),
        }
    }

    /// A text field that must be there.
    ///
    /// Errors: [`AppError::Invalid`] naming the field when it is missing or not a string.
    pub fn required(&self, field: &str) -> Result<String, AppError> {
        self.text(field)?.ok_or_else(|| {
            AppError::Invalid(ParseError::new(
                field,
                "",
                "a string (the field is required)",
            ))
        })
    }

    /// A yes/no field; absent or `null` is no.
    ///
    /// Errors: [`AppError::Invalid`] naming the field when it is not `true` or `false`.
    pub fn flag(&self, field: &str) -> Result<bool, AppError> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(wrong(field, v, "true or false")),
        }
    }

    /// A list of texts; absent or `null` is empty.
    ///
    /// Errors: [`AppError::Invalid`] naming the field when it is not a list of strings.
    pub fn texts(&self, field: &str) -> Result<Vec<String>, AppError> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| wrong(field, i, "a list of strings"))
                })
                .collect(),
            Some(v) => Err(wrong(field, v, "a list of strings")),
        }
    }
}

/// A page's size: `limit` from 1 to 500, 50 when not given.
///
/// Errors: [`AppError::Invalid`] naming `limit`.
pub fn page_size(limit: Option<u32>) -> Result<usize, AppError> {
    match limit.unwrap_or(50) {
        n @ 1..=500 => Ok(n as usize),
        n => Err(AppError::Invalid(ParseError::new(
            "limit",
            n.to_string(),
            "a number from 1 to 500",
        ))),
    }
}

/// A malformed cursor.
pub fn bad_cursor(text: &str) -> AppError {
    AppError::Invalid(ParseError::new(
        "cursor",
        text,
        "a cursor returned by a previous page",
    ))
}
