//! Lint: the tone linter's findings on a text (`rekindle lint`).

use super::deals::Problem;
use super::json::Body;
use crate::AppState;
use crate::error::ApiError;
use axum::routing::post;
use axum::{Json, Router};
use rekindle_core::lint::{self, Finding};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/lint", post(check))
}

/// A text to check.
/// (The shape of the body for the OpenAPI document: `json::Body` reads it field by field,
/// so that an error names the field.)
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LintBody {
    /// The message's text.
    pub text: String,
}

/// One pesky phrase: where, why, and the better move (`core::lint::Finding`).
#[derive(Serialize, ToSchema)]
pub struct FindingItem {
    /// The rule's name (`just_checking_in`...).
    pub rule: String,
    /// The words as written.
    pub phrase: String,
    /// Line and column (from 1, in characters).
    pub line: usize,
    pub column: usize,
    pub why: String,
    /// What to do instead.
    pub better: String,
}

/// The findings; `clean` when there are none.
#[derive(Serialize, ToSchema)]
pub struct LintResult {
    pub clean: bool,
    pub findings: Vec<FindingItem>,
}

impl FindingItem {
    /// A finding as the API answers it.
    pub fn of(f: &Finding) -> Self {
        FindingItem {
            rule: f.rule.to_string(),
            phrase: f.phrase.clone(),
            line: f.line,
            column: f.column,
            why: f.why.to_string(),
            better: f.better.to_string(),
        }
    }
}

/// Checks a text's tone: every pesky phrase with why it hurts and the better move.
#[utoipa::path(post, path = "/api/v1/lint", request_body = LintBody,
    responses(
        (status = 200, description = "The findings", body = LintResult),
        (status = 422, description = "No `text`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn check(body: Body) -> Result<Json<LintResult>, ApiError> {
    let findings: Vec<FindingItem> = lint::lint(&body.required("text")?)
        .iter()
        .map(FindingItem::of)
        .collect();
    Ok(Json(LintResult {
        clean: findings.is_empty(),
        findings,
    }))
}
