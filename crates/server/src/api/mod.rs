//! The JSON API under `/api/v1`: what the pages show, for scripts and other tools. Errors are
//! `application/problem+json` (RFC 9457) naming the field; lists are paged by an opaque cursor;
//! `?now=` is accepted everywhere. The OpenAPI 3 document at `/api/v1/openapi.json` is
//! generated from these handlers' annotations (utoipa).

mod deals;
mod import;
mod json;
pub(crate) mod lint;
mod outbox;
pub(crate) mod record;
mod replies;
mod revive;

use crate::AppState;
use axum::Json;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

/// The OpenAPI document: every path and schema of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rekindle API",
        description = "Deals going dark, why, and the next play. Times are UTC (RFC 3339); amounts are integer cents with an ISO 4217 currency; errors are application/problem+json (RFC 9457)."
    ),
    paths(
        deals::list,
        deals::one,
        deals::move_stage,
        deals::today,
        deals::manager,
        import::create,
        record::add_fact,
        record::add_commitment,
        record::resolve_commitment,
        record::set_next_step,
        record::add_contact,
        record::set_contract,
        record::need_feature,
        record::set_close_date,
        record::close,
        record::draft,
        record::queue,
        replies::list,
        replies::decide,
        outbox::list,
        outbox::one,
        outbox::edit,
        outbox::approve,
        outbox::cancel,
        outbox::confirm,
        outbox::dry_run,
        outbox::send,
        revive::queue,
        revive::feature,
        revive::event,
        revive::promotion,
        lint::check
    ),
    components(schemas(
        deals::DealSummary,
        deals::DealPage,
        deals::TodayView,
        deals::StageMove,
        deals::Problem,
        import::ImportDone,
        import::CrmImport,
        record::FactBody,
        record::CommitmentBody,
        record::ResolveBody,
        record::NextStepBody,
        record::ContactBody,
        record::ContractBody,
        record::NeedBody,
        record::CloseDateBody,
        record::CloseBody,
        record::DraftBody,
        replies::ReadingItem,
        replies::ReadingPage,
        replies::DecideBody,
        outbox::MessageItem,
        outbox::MessagePage,
        outbox::EditBody,
        outbox::Edited,
        outbox::ApproveBody,
        outbox::ApprovalItem,
        outbox::ConfirmBody,
        outbox::SendResult,
        outbox::Outcome,
        revive::CandidateItem,
        revive::ReasonItem,
        revive::Queue,
        revive::FeatureBody,
        revive::EventBody,
        revive::PromotionBody,
        revive::Reopened,
        lint::LintBody,
        lint::FindingItem,
        lint::LintResult
    ))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(deals::routes())
        .merge(import::routes())
        .merge(record::routes())
        .merge(replies::routes())
        .merge(outbox::routes())
        .merge(revive::routes())
        .merge(lint::routes())
        .route("/openapi.json", get(openapi))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
