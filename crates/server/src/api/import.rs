//! Imports: a mail file, a calendar or a CRM export sent as the request's body and imported
//! through the same use cases as `rekindle import mail`, `rekindle import calendar` and
//! `rekindle import crm`; the answer is the import's summary. The body is written to a
//! temporary file as it arrives, at most [`MAX_UPLOAD`] bytes (1 GiB); a body that declares
//! more (`Content-Length`) is refused before any of it is read. Several CRM files imported
//! together (deals, contacts, companies, activities) come as one ZIP.

use super::deals::Problem;
use crate::AppState;
use crate::clock::Now;
use crate::error::problem;
use crate::upload::crm::{API_WORDING, CrmOptions};
use crate::upload::{Done, Failure, Kind, MAX_UPLOAD, Upload, too_large, wrong_kind};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/imports", post(create).layer(DefaultBodyLimit::disable()))
}

/// What an import did.
#[derive(Serialize, ToSchema)]
pub struct ImportDone {
    /// `mail`, `calendar` or `crm`.
    pub kind: String,
    /// The bytes received.
    pub bytes: u64,
    /// The report as `rekindle import` prints it: for mail and calendars one line of counts,
    /// then what was passed over, one line each; for a CRM export the counts per object, the
    /// warnings, the refused rows (the first 50) and the conflicts.
    pub lines: Vec<String>,
    /// The counts (the CLI's `--json` output of `import mail`, `import calendar` or `import
    /// crm`): for mail and calendars `read`, `matched`, `touches`, `replies`,
    /// `meetings_held`, `not_matched` by reason, `skipped`...; for a CRM export a
    /// [`CrmImport`].
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

/// What a CRM export's import did (or, for a dry run or a strict import that refused a row,
/// would have done), each file named as sent: `rekindle_app::crm::CrmSummary` as JSON, the
/// same as `rekindle import crm --json` prints. Only its description lives here, for the
/// OpenAPI document ([`PartialSchema`]); the answer is the summary itself, so the two never
/// drift apart in what they hold.
pub struct CrmImport;

fn described(kind: Type, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(kind)
        .description(Some(description))
        .into()
}

/// An object whose every property is required but those marked optional (`?`).
fn record(description: &str, fields: Vec<(&str, RefOr<Schema>)>) -> ObjectBuilder {
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(description));
    for (name, schema) in fields {
        object = match name.strip_suffix('?') {
            Some(optional) => object.property(optional, schema),
            None => object.property(name, schema).required(name),
        };
    }
    object
}

fn list(of: impl Into<RefOr<Schema>>, description: &str) -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(of.into())
        .description(Some(description))
        .into()
}

impl PartialSchema for CrmImport {
    fn schema() -> RefOr<Schema> {
        let text = |d: &str| described(Type::String, d);
        let count = |d: &str| described(Type::Integer, d);
        let file = record(
            "One file of the export",
            vec![
                (
                    "file",
                    text("Its name as sent (a ZIP's files as `archive.zip:entry.csv`)"),
                ),
                (
                    "object",
                    text("`companies`, `contacts`, `deals` or `activities`, told from its headers"),
                ),
                ("rows", count("Rows read, the header not counted")),
                (
                    "footer_lines",
                    count("Footer lines passed over (a Salesforce report's totals)"),
                ),
            ],
        );
        let counts = record(
            "An object's rows by what became of them",
            vec![
                ("created", count("New records")),
                ("updated", count("Records the export changed")),
                ("unchanged", count("Records already as the export has them")),
                (
                    "conflicts",
                    count("Records with a field both sides changed (listed in `conflicts`)"),
                ),
                ("refused", count("Rows refused (listed in `refused`)")),
                (
                    "skipped",
                    count("Rows left out by design (counted by why in `left_out`)"),
                ),
            ],
        );
        let refused = record(
            "A row not brought in",
            vec![
                ("file", text("The file as sent")),
                (
                    "line",
                    count("The line in the file, the header being line 1"),
                ),
                (
                    "column?",
                    text("The column to blame, by its header; null when none is"),
                ),
                ("reason", text("Why, in words")),
            ],
        );
        let field = record(
            "A field both sides changed",
            vec![
                ("field", text("The field")),
                ("local", text("Its value here")),
                ("crm", text("Its value in the export")),
                ("kept", text("`local` or `crm`: the value kept")),
            ],
        );
        let conflict = record(
            "A record both sides changed since the last import",
            vec![
                ("file", text("The file as sent")),
                ("line", count("The record's line")),
                ("id", text("The record's id in the CRM")),
                ("fields", list(field, "Each field in conflict")),
            ],
        );
        record(
            "What a CRM export's import did, or would have done",
            vec![
                ("crm", text("`hubspot`, `salesforce` or `pipedrive`")),
                ("files", list(file, "Each file read, in the order imported (companies, contacts, deals, activities)")),
                (
                    "objects",
                    ObjectBuilder::new()
                        .schema_type(Type::Object)
                        .description(Some("Per object (`companies`, `contacts`, `deals`, `activities`)"))
                        .additional_properties(Some(counts))
                        .into(),
                ),
                ("refused", list(refused, "The rows not brought in, the first 10,000")),
                ("refused_total", count("Every row not brought in, listed or not")),
                (
                    "refused_reasons",
                    ObjectBuilder::new()
                        .schema_type(Type::Object)
                        .description(Some("Rows not brought in, counted by reason (up to 1,000 reasons; the rest under `other reasons`)"))
                        .additional_properties(Some(count("Rows refused for this reason")))
                        .into(),
                ),
                (
                    "left_out",
                    ObjectBuilder::new()
                        .schema_type(Type::Object)
                        .description(Some("Rows left out by design, counted by why (an activity not done yet, a record the CRM deleted, a lead it converted)"))
                        .additional_properties(Some(count("Rows left out for this reason")))
                        .into(),
                ),
                ("conflicts", list(conflict, "Records both sides changed")),
                ("warnings", list(text("A warning"), "What is worth a look but refused nothing (a new deal without an amount...)")),
                ("kept", described(Type::Boolean, "Whether the changes were kept: false for a dry run, or a strict import that refused rows (then nothing changed)")),
            ],
        )
        .into()
    }
}

impl ToSchema for CrmImport {}

fn failed(f: Failure) -> Response {
    problem(f.status, &f.detail, f.field)
}

/// The query's parameters: the rep's addresses (`me`, repeated or comma-separated) and a CRM
/// export's options (`crm`, `dry_run`, `strict`, `prefer`: [`CrmOptions::set`]).
///
/// Errors: an option that does not parse (422, naming it).
fn query_of(query: Option<&str>) -> Result<(Vec<String>, CrmOptions), Failure> {
    let pairs: Vec<(String, String)> = query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let mut me = Vec::new();
    let mut crm = CrmOptions::default();
    for (key, value) in pairs {
        if key == "me" {
            me.extend(crate::upload::addresses(&value));
        } else {
            crm.set(&key, &value)?;
        }
    }
    Ok((me, crm))
}

/// Imports the body: an mbox (`Content-Type: application/mbox`), one message
/// (`message/rfc822`), an iCalendar file (`text/calendar`) with the rep's addresses `me` (as
/// `--me`; left out, those given before), or a CRM export (`text/csv`, a spreadsheet's type,
/// or `application/zip` for HubSpot's ZIP or several files zipped together) with the options
/// of `rekindle import crm`; at `now`.
#[utoipa::path(post, path = "/api/v1/imports",
    params(
        ("me" = Option<Vec<String>>, Query, description = "Mail: the rep's own addresses (repeat it or separate with commas); needed on the first import"),
        ("crm" = Option<String>, Query, description = "A CRM export: `hubspot`, `salesforce` or `pipedrive` when the headers cannot say; left out, told from them"),
        ("dry_run" = Option<bool>, Query, description = "A CRM export: report what would change, keep nothing"),
        ("strict" = Option<bool>, Query, description = "A CRM export: keep nothing if any row is refused"),
        ("prefer" = Option<String>, Query, description = "A CRM export: `local` (the default) keeps the value here when both sides changed a field, `crm` takes the export's; either way the conflict is listed"),
        ("now" = Option<String>, Query, description = "The moment to import at"),
    ),
    request_body(description = "The file itself, at most 1 GiB", content(
        (String = "application/mbox"),
        (String = "message/rfc822"),
        (String = "text/calendar"),
        (String = "text/csv"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (String = "application/vnd.ms-excel"),
        (String = "application/vnd.oasis.opendocument.spreadsheet"),
        (String = "application/zip"),
    )),
    responses(
        (status = 200, description = "What the import did (for a CRM export, `summary` is a CrmImport)", body = ImportDone),
        (status = 413, description = "The body is larger than 1 GiB; nothing was imported", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Another media type; nothing was imported", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body holds no mail or calendar, no addresses are known for the rep, a CRM export matches no CRM (the detail names the headers seen), or an option does not parse (`field` names it); nothing was imported", body = Problem, content_type = "application/problem+json"),
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
    let (me, crm) = match query_of(uri.query()) {
        Ok(q) => q,
        Err(f) => return failed(f),
    };
    let name = Kind::default_name(media_type);
    let mut upload = match Upload::new(kind) {
        Ok(u) => u,
        Err(f) => return failed(f),
    };
    let mut file = match upload.create(name, name) {
        Ok(f) => f,
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
    let done = upload
        .import(state.store(), state.caller(), &me, &crm, now, Box::new(()))
        .await;
    let (lines, summary) = match done {
        Ok(Done::Capture(summary)) => (
            summary.lines(),
            serde_json::to_value(&summary).unwrap_or_default(),
        ),
        Ok(Done::Crm(summary)) => (
            summary.lines(crm.dry_run, &API_WORDING),
            serde_json::to_value(&summary).unwrap_or_default(),
        ),
        Err(f) => return failed(f),
    };
    Json(ImportDone {
        kind: kind.key().to_string(),
        bytes: upload.bytes,
        lines,
        summary,
    })
    .into_response()
}
