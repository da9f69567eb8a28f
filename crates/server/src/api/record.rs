//! Keeping a deal's record over the API, and its draft: the prospect's words, commitments (and
//! marking them kept or broken), the next step, contacts, the contract, needed features, the
//! close date and closing; the next play's draft, the tone check and queuing a draft for
//! approval. Each request body is parsed here into the app layer's input (the same checks the
//! CLI's flags get: `rekindle_core::input`, `time`, the vocabularies' `parse`) and handed to
//! one `rekindle_app` use case. The dashboard's forms post the same bodies, form-encoded.

use crate::AppState;
use crate::clock::Now;
use crate::error::{ApiError, problem};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use rekindle_app::outbox::{self, Edit, Queueing};
use rekindle_app::record::{self, AccountOf, Closing, CommitmentInput, ContactInput, FactInput};
use rekindle_app::{AppError, drafts};
use rekindle_core::compose::Composer;
use rekindle_core::lint::Finding;
use rekindle_core::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals/{id}/facts", post(add_fact))
        .route("/deals/{id}/commitments", post(add_commitment))
        .route("/commitments/{id}", post(resolve_commitment))
        .route("/deals/{id}/next-step", post(set_next_step))
        .route("/deals/{id}/contacts", post(add_contact))
        .route("/deals/{id}/contract", post(set_contract))
        .route("/deals/{id}/needs", post(need_feature))
        .route("/deals/{id}/close-date", post(set_close_date))
        .route("/deals/{id}/close", post(close))
        .route("/deals/{id}/draft", get(draft))
        .route("/deals/{id}/outbox", post(queue))
}

// ---- Parsing what a body says into the use cases' inputs ----

/// A text given and not blank, trimmed; `None` for absent or blank.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A yes/no field: JSON `true`/`false`, or a form's `true`, `on`, `yes` or `1` (a checked
/// box); absent or empty is no.
fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    match Option::<Flag>::deserialize(d)? {
        None => Ok(false),
        Some(Flag::Bool(b)) => Ok(b),
        Some(Flag::Text(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "" | "false" | "off" | "no" | "0" => Ok(false),
            "true" | "on" | "yes" | "1" => Ok(true),
            other => Err(serde::de::Error::custom(format!(
                "bad flag {other:?}: true or false"
            ))),
        },
    }
}

/// A number or its text (a form sends text); kept as text and parsed with the field's name.
#[derive(Deserialize, Serialize, Clone, Debug)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(i64),
    Text(String),
}

/// One address or a list of them (a form's field may hold several, split by commas or spaces).
#[derive(Deserialize, Serialize, Clone, Debug)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A form body (`application/x-www-form-urlencoded`) as `T`.
///
/// Errors: [`AppError::Invalid`] (field `form`) for a body that is not such a form.
pub fn from_form<T: DeserializeOwned>(body: &Bytes) -> Result<T, AppError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| AppError::Invalid(ParseError::new("form", "", e.to_string())))
}

/// The field serde names in a JSON error ("missing field `text`"); none for a value of the
/// wrong type (serde names the value, not the field).
fn json_field(message: &str) -> Option<&str> {
    if !["missing field", "unknown field", "duplicate field"]
        .iter()
        .any(|p| message.starts_with(p))
    {
        return None;
    }
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// A JSON body that did not read as the route's: what serde said, and the field it named.
pub struct BadJson {
    detail: String,
    field: Option<String>,
}

impl IntoResponse for BadJson {
    fn into_response(self) -> Response {
        problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            &self.detail,
            Some(self.field.as_deref().unwrap_or("body")),
        )
    }
}

impl From<BadJson> for Response {
    fn from(b: BadJson) -> Response {
        b.into_response()
    }
}

/// A JSON body as `T`, or why not (answered 422, naming the field or `body`).
fn from_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, BadJson> {
    serde_json::from_slice(body).map_err(|e| {
        let text = e.to_string();
        BadJson {
            field: json_field(&text).map(str::to_string),
            detail: format!("the body is not the JSON this route takes: {text}"),
        }
    })
}

fn required<'a>(field: &str, s: &'a str) -> Result<&'a str, AppError> {
    if s.trim().is_empty() {
        Err(ParseError::new(field, s, "required").into())
    } else {
        Ok(s)
    }
}

/// The prospect's words, as `rekindle fact` takes them.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct FactBody {
    /// `problem`, `cost`, `impact`, `why_now`, `decision_process`, `competitor`, `price`,
    /// `setup_question`, `objection` or `context` (aliases accepted).
    pub kind: String,
    /// Their words, as they said them.
    pub text: String,
    /// Where they said it (default `rep notes`).
    pub source: Option<String>,
    /// When (`2026-11-20` or RFC 3339, UTC); default: now.
    pub at: Option<String>,
    /// Who said it: a contact's id, name or address.
    pub contact: Option<String>,
}

impl FactBody {
    /// Errors: [`AppError::Invalid`] naming `kind`, `text`, `source` or `at`.
    pub fn input(&self) -> Result<FactInput, AppError> {
        Ok(FactInput {
            kind: FactKind::parse(&self.kind)?,
            text: input::text("text", &self.text)?,
            source: match given(&self.source) {
                Some(s) => input::line("source", s)?,
                None => "rep notes".into(),
            },
            at: given(&self.at)
                .map(|t| time::parse_instant("at", t))
                .transpose()?,
            contact: given(&self.contact).map(str::to_string),
        })
    }
}

/// A commitment, as `rekindle commit` takes it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CommitmentBody {
    /// What will be done.
    pub what: String,
    /// By when (`2026-12-01` or RFC 3339).
    pub due: String,
    /// `prospect` (default) or `rep`.
    pub by: Option<String>,
    /// Where it was said (default `rep notes`).
    pub source: Option<String>,
}

impl CommitmentBody {
    /// Errors: [`AppError::Invalid`] naming `what`, `due`, `party` or `source`.
    pub fn input(&self) -> Result<CommitmentInput, AppError> {
        Ok(CommitmentInput {
            party: Party::parse(given(&self.by).unwrap_or("prospect"))?,
            what: input::line("what", &self.what)?,
            due: time::parse_instant("due", required("due", &self.due)?)?,
            source: match given(&self.source) {
                Some(s) => input::line("source", s)?,
                None => "rep notes".into(),
            },
        })
    }
}

/// Whether a commitment was kept, as `rekindle resolve` takes it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResolveBody {
    /// `kept` or `broken`.
    pub status: String,
}

impl ResolveBody {
    /// Errors: [`AppError::Invalid`] naming `status` for anything but kept or broken.
    pub fn status(&self) -> Result<CommitmentStatus, AppError> {
        match CommitmentStatus::parse(&self.status)? {
            CommitmentStatus::Open => {
                Err(ParseError::new("status", &self.status, "kept or broken").into())
            }
            s => Ok(s),
        }
    }
}

/// The agreed next step, as `rekindle next-step` takes it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NextStepBody {
    /// What was agreed.
    pub what: String,
    /// When (`2026-12-01` or RFC 3339); none: no date agreed.
    pub due: Option<String>,
    /// The prospect accepted a calendar invitation.
    #[serde(deserialize_with = "flag")]
    pub booked: bool,
}

impl NextStepBody {
    /// The step, set at `now`.
    ///
    /// Errors: [`AppError::Invalid`] naming `what` or `due`.
    pub fn step(&self, now: jiff::Timestamp) -> Result<NextStep, AppError> {
        Ok(NextStep {
            what: input::line("what", &self.what)?,
            due: given(&self.due)
                .map(|d| time::parse_instant("due", d))
                .transpose()?,
            booked: self.booked,
            set_at: now,
        })
    }
}

/// A contact at the deal's account, as `rekindle contact add --deal` takes them.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ContactBody {
    pub name: String,
    /// One address, several split by commas or spaces, or a list.
    #[schema(value_type = Option<Vec<String>>)]
    pub emails: Option<OneOrMany>,
    /// Their job title.
    pub title: Option<String>,
    /// `decision_maker`, `champion`, `influencer`, `user` or `gatekeeper`.
    pub role: Option<String>,
    /// An IANA time zone (`Europe/Berlin`): messages reach them in working hours.
    pub time_zone: Option<String>,
    /// Never to be contacted.
    #[serde(deserialize_with = "flag")]
    pub do_not_contact: bool,
}

impl ContactBody {
    /// The contact, at the account of `deal`.
    ///
    /// Errors: [`AppError::Invalid`] naming `name`, `email`, `title` or `role`.
    pub fn input(&self, deal: DealId) -> Result<ContactInput, AppError> {
        let texts: Vec<String> = match &self.emails {
            None => Vec::new(),
            Some(OneOrMany::One(s)) => s
                .split([',', ' ', ';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            Some(OneOrMany::Many(v)) => v.clone(),
        };
        Ok(ContactInput {
            account: AccountOf::Deal(deal),
            name: input::line("name", &self.name)?,
            emails: texts
                .iter()
                .map(|e| EmailAddress::parse(e))
                .collect::<Result<Vec<_>, _>>()?,
            title: given(&self.title)
                .map(|t| input::line("title", t))
                .transpose()?,
            role: given(&self.role).map(Role::parse).transpose()?,
            do_not_contact: self.do_not_contact,
            time_zone: given(&self.time_zone).map(str::to_string),
        })
    }
}

/// The contract the account is under, as `rekindle deal contract` takes it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ContractBody {
    /// The other vendor.
    pub vendor: String,
    /// The day it ends (`2027-06-30`).
    pub ends: String,
    /// Days of notice before the end (default 30, at most 3650).
    #[schema(value_type = Option<i64>)]
    pub notice_days: Option<NumberOrText>,
}

impl ContractBody {
    /// Errors: [`AppError::Invalid`] naming `vendor`, `ends` or `notice_days` (a number of
    /// days from 0 to `record::MAX_NOTICE_DAYS`).
    pub fn contract(&self) -> Result<Contract, AppError> {
        let notice_days = match &self.notice_days {
            None => 30,
            Some(NumberOrText::Number(n)) => *n,
            Some(NumberOrText::Text(t)) if t.trim().is_empty() => 30,
            Some(NumberOrText::Text(t)) => t.trim().parse().map_err(|_| {
                ParseError::new("notice_days", t, "a whole number of days, 0 to 3650")
            })?,
        };
        // `record::set_contract` holds it to the same range; checked here too so that the
        // refusal names this body's field.
        if !(0..=record::MAX_NOTICE_DAYS).contains(&notice_days) {
            return Err(ParseError::new(
                "notice_days",
                notice_days.to_string(),
                format!(
                    "a whole number of days, 0 to {} (ten years)",
                    record::MAX_NOTICE_DAYS
                ),
            )
            .into());
        }
        Ok(Contract {
            vendor: input::line("vendor", &self.vendor)?,
            ends_on: time::parse_date("ends", required("ends", &self.ends)?)?,
            notice_days,
        })
    }
}

/// A feature the deal needs, as `rekindle deal need` takes it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NeedBody {
    /// The feature's name ("SAML login").
    pub feature: String,
    /// Why, in their words.
    pub why: Option<String>,
}

impl NeedBody {
    /// (feature, why).
    ///
    /// Errors: [`AppError::Invalid`] naming `feature` or `why`.
    pub fn need(&self) -> Result<(String, Option<String>), AppError> {
        Ok((
            input::feature_name("feature", &self.feature)?,
            given(&self.why)
                .map(|w| input::text("why", w))
                .transpose()?,
        ))
    }
}

/// The expected close date, as `rekindle deal close-date` takes it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CloseDateBody {
    /// `2026-12-31`.
    pub date: String,
}

impl CloseDateBody {
    /// Errors: [`AppError::Invalid`] naming `date`.
    pub fn date(&self) -> Result<jiff::civil::Date, AppError> {
        Ok(time::parse_date("date", required("date", &self.date)?)?)
    }
}

/// Closing a deal, as `rekindle close` takes it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CloseBody {
    /// `won`, `lost`, `nurture` or `reopen`.
    pub outcome: String,
    /// For lost (required): `unresponsive`, `timing`, `budget`, `no_decision`, `competitor`,
    /// `missing_feature`, `no_value_seen`, `no_decision_maker` or `other`.
    pub reason: Option<String>,
    /// For lost: in words.
    pub note: Option<String>,
    /// For lost or nurture: the day to look again (`2027-03-01`), after today.
    pub resurface: Option<String>,
}

impl CloseBody {
    /// Errors: [`AppError::Invalid`] naming `outcome`, `lost reason`, `note` or `resurface` (a
    /// date after `now`'s day).
    pub fn closing(&self, now: jiff::Timestamp) -> Result<Closing, AppError> {
        let status = match self.outcome.trim().to_ascii_lowercase().as_str() {
            "reopen" | "open" => DealStatus::Open,
            "won" => DealStatus::Won,
            "lost" => DealStatus::Lost,
            "nurture" => DealStatus::Nurture,
            _ => {
                return Err(ParseError::new(
                    "outcome",
                    &self.outcome,
                    "one of: won, lost, nurture, reopen",
                )
                .into());
            }
        };
        let note = given(&self.note)
            .map(|n| input::text("note", n))
            .transpose()?;
        // `record::close` holds the date to the same rule; checked here too so that the
        // refusal names this body's field.
        let resurface = given(&self.resurface)
            .map(|d| {
                time::parse_date("resurface", d)
                    .and_then(|on| time::ahead_of("resurface", on, time::date_of(now)))
            })
            .transpose()?;
        record::closing(status, given(&self.reason), note, resurface, now)
    }
}

/// A draft the rep queues or checks: the play it was drafted for and the rep's subject and
/// text (absent: as drafted).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DraftBody {
    /// The play (`breakup`, `accountability`...); default: the deal's next play.
    pub play: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
}

impl DraftBody {
    /// Errors: [`AppError::Invalid`] naming `play`.
    pub fn play(&self) -> Result<Option<PlayKind>, AppError> {
        Ok(given(&self.play).map(PlayKind::parse).transpose()?)
    }

    /// The rep's edit.
    pub fn edit(&self) -> Edit {
        Edit {
            subject: self.subject.clone(),
            body: self.body.clone(),
        }
    }
}

/// A refused text: 422, a problem document naming `body`, with the findings as the
/// `findings` extension member (RFC 9457, section 3.2).
fn fails_tone_check(findings: &[Finding]) -> Response {
    let n = findings.len();
    let body = json!({
        "type": "about:blank",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": format!(
            "the text fails the tone check ({n} finding{}): nothing was queued",
            if n == 1 { "" } else { "s" }
        ),
        "field": "body",
        "findings": findings.iter().map(super::lint::FindingItem::of).collect::<Vec<_>>(),
    });
    let mut response = (StatusCode::UNPROCESSABLE_ENTITY, body.to_string()).into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/problem+json"),
    );
    response
}

// ---- One record form for the API and the deal page ----

/// What a record form's use case did: the API's status and JSON answer, and the likely slips
/// it accepted (a date past or on a weekend), which the deal page shows after saving.
pub struct Applied {
    pub status: StatusCode,
    pub answer: serde_json::Value,
    pub warnings: Vec<String>,
}

impl Applied {
    fn new(status: StatusCode, answer: serde_json::Value) -> Self {
        Applied {
            status,
            answer,
            warnings: Vec::new(),
        }
    }
}

/// A deal's record form: the body the API takes as JSON and the deal page posts
/// form-encoded, parsed into one `rekindle_app::record` use case's input and run on the deal.
/// Both front-ends call [`DealForm::apply`], so each use case is called from one place.
pub trait DealForm: DeserializeOwned + Send + 'static {
    /// The deal page's section the form sits in: where a save or a refusal lands.
    const SECTION: &'static str;

    /// Parses the fields and runs the use case on deal `id` at `now`.
    ///
    /// Errors: a field that does not parse (`AppError::Invalid`, naming it); the use case's.
    fn apply(
        self,
        state: &AppState,
        id: DealId,
        now: Timestamp,
    ) -> impl Future<Output = Result<Applied, AppError>> + Send;
}

impl DealForm for FactBody {
    const SECTION: &'static str = "words";
    async fn apply(
        self,
        state: &AppState,
        id: DealId,
        now: Timestamp,
    ) -> Result<Applied, AppError> {
        let fact = record::add_fact(state.store(), state.caller(), id, self.input()?, now).await?;
        Ok(Applied::new(
            StatusCode::CREATED,
            json!({ "deal": id.to_string(), "fact": fact.to_string() }),
        ))
    }
}

impl DealForm for CommitmentBody {
    const SECTION: &'static str = "commitments";
    async fn apply(
        self,
        state: &AppState,
        id: DealId,
        now: Timestamp,
    ) -> Result<Applied, AppError> {
        let input = self.input()?;
        let k = record::add_commitment(state.store(), state.caller(), id, &input, now).await?;
        let mut done = Applied::new(
            StatusCode::CREATED,
            json!({ "deal": id.to_string(), "commitment": k.value.to_string(), "warnings": k.warnings }),
        );
        done.warnings = k.warnings;
        Ok(done)
    }
}

impl DealForm for NextStepBody {
    const SECTION: &'static str = "next-step";
    async fn apply(
        self,
        state: &AppState,
        id: DealId,
        now: Timestamp,
    ) -> Result<Applied, AppError> {
        let step = self.step(now)?;
        let warned = record::set_next_step(state.store(), state.caller(), id, &step).await?;
        let mut answer = json!(step);
        answer["warnings"] = json!(warned.warnings);
        let mut done = Applied::new(StatusCode::OK, answer);
        done.warnings = warned.warnings;
        Ok(done)
    }
}

impl DealForm for ContactBody {
    const SECTION: &'static str = "contacts";
    async fn apply(
        self,
        state: &AppState,
        id: DealId,
        _now: Timestamp,
    ) -> Result<Applied, AppError> {
        let c = record::add_contact(state.store(), state.caller(), self.input(id)?).await?;
        Ok(Applied::new(
            StatusCode::CREATED,
            json!({ "deal": id.to_string(), "contact": c.to_string() }),
        ))
    }
}

impl DealForm for ContractBody {
    const SECTION: &'static str = "contract";
    async fn apply(
        self,
        state: &AppState,
        id: DealId,
        _now: Timestamp,
    ) -> Result<Applied, AppError> {
        let contract = self.contract()?;
        record::set_contract(state.store(), state.caller(), id, &contract).await?;
        Ok(Applied::new(StatusCode::OK, json!(contract)))
    }
}

impl DealForm for NeedBody {
    const SECTION: &'static str = "needs";
    async fn apply(
        self,
        state: &AppState,
        id: DealId,
        _now: Timestamp,
    ) -> Result<Applied, AppError> {
        let (feature, why) = self.need()?;
        record::need_feature(state.store(), state.caller(), id, &feature, why.as_deref()).await?;
        Ok(Applied::new(
            StatusCode::CREATED,
            json!({ "deal": id.to_string(), "feature": feature, "why": why }),
        ))
    }
}

impl DealForm for CloseDateBody {
    const SECTION: &'static str = "close-date";
    async fn apply(
        self,
        state: &AppState,
        id: DealId,
        now: Timestamp,
    ) -> Result<Applied, AppError> {
        let date = self.date()?;
        record::set_close_date(state.store(), state.caller(), id, date, now).await?;
        Ok(Applied::new(
            StatusCode::OK,
            json!({ "deal": id.to_string(), "expected_close": date }),
        ))
    }
}

impl DealForm for CloseBody {
    const SECTION: &'static str = "close";
    async fn apply(
        self,
        state: &AppState,
        id: DealId,
        now: Timestamp,
    ) -> Result<Applied, AppError> {
        let closing = self.closing(now)?;
        record::close(state.store(), state.caller(), id, &closing, now).await?;
        Ok(Applied::new(
            StatusCode::OK,
            json!({
                "deal": id.to_string(),
                "status": closing.status,
                "reason": closing.loss.as_ref().map(|l| l.reason),
                "resurface_on": closing.resurface_on,
            }),
        ))
    }
}

// ---- Handlers ----

fn deal_id(id: &str) -> Result<DealId, ApiError> {
    Ok(id.parse().map_err(AppError::from)?)
}

type Answer = Result<Response, Response>;

fn fail(e: AppError) -> Response {
    ApiError(e).into_response()
}

/// A record form posted as JSON to deal `id`: parsed, run, answered.
async fn write<F: DealForm>(state: &AppState, now: Timestamp, id: &str, body: &Bytes) -> Answer {
    let id = deal_id(id).map_err(IntoResponse::into_response)?;
    let form: F = from_json(body)?;
    let done = form.apply(state, id, now).await.map_err(fail)?;
    Ok((done.status, Json(done.answer)).into_response())
}

/// Records the prospect's words on a deal.
#[utoipa::path(post, path = "/api/v1/deals/{id}/facts", request_body = FactBody,
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 201, description = "Recorded: `{\"fact\": \"F12\"}`", body = Object),
        (status = 404, description = "No such deal or contact", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field did not parse (named in `field`)", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_fact(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    write::<FactBody>(&state, now, &id, &body).await
}

/// Records a commitment made now.
#[utoipa::path(post, path = "/api/v1/deals/{id}/commitments", request_body = CommitmentBody,
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 201, description = "Recorded: `{\"commitment\": \"K3\", \"warnings\": []}`; a warning is a likely slip, accepted (a due date already past)", body = Object),
        (status = 404, description = "No such deal", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field did not parse", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_commitment(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    write::<CommitmentBody>(&state, now, &id, &body).await
}

/// Marks a commitment kept or broken.
#[utoipa::path(post, path = "/api/v1/commitments/{id}", request_body = ResolveBody,
    params(("id" = String, Path, description = "The commitment's id (`K3`)")),
    responses(
        (status = 200, description = "Marked", body = Object),
        (status = 404, description = "No such commitment", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A status other than kept or broken", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn resolve_commitment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let id: CommitmentId = id.parse().map_err(|e: ParseError| fail(e.into()))?;
    let b: ResolveBody = from_json(&body)?;
    let status = b.status().map_err(fail)?;
    record::resolve_commitment(state.store(), state.caller(), id, status)
        .await
        .map_err(fail)?;
    Ok(Json(json!({ "commitment": id.to_string(), "status": status })).into_response())
}

/// Sets the deal's agreed next step.
#[utoipa::path(post, path = "/api/v1/deals/{id}/next-step", request_body = NextStepBody,
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 200, description = "The step as kept, with `warnings`: likely slips, accepted (a date past or on a weekend)", body = Object),
        (status = 404, description = "No such deal", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field did not parse", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_next_step(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    write::<NextStepBody>(&state, now, &id, &body).await
}

/// Adds a contact at the deal's account.
#[utoipa::path(post, path = "/api/v1/deals/{id}/contacts", request_body = ContactBody,
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 201, description = "Added: `{\"contact\": \"C7\"}`", body = Object),
        (status = 404, description = "No such deal", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field did not parse (an address, a role, a time zone)", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_contact(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    write::<ContactBody>(&state, now, &id, &body).await
}

/// Records the contract the account is under with another vendor.
#[utoipa::path(post, path = "/api/v1/deals/{id}/contract", request_body = ContractBody,
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 200, description = "The contract as kept", body = Object),
        (status = 404, description = "No such deal", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field did not parse, or the notice is out of range", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_contract(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    write::<ContractBody>(&state, now, &id, &body).await
}

/// Records a feature the deal needs.
#[utoipa::path(post, path = "/api/v1/deals/{id}/needs", request_body = NeedBody,
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 201, description = "Recorded", body = Object),
        (status = 404, description = "No such deal", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field did not parse", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn need_feature(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    write::<NeedBody>(&state, now, &id, &body).await
}

/// Sets the expected close date (the change dated now).
#[utoipa::path(post, path = "/api/v1/deals/{id}/close-date", request_body = CloseDateBody,
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 200, description = "Set", body = Object),
        (status = 404, description = "No such deal", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date that does not parse", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_close_date(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    write::<CloseDateBody>(&state, now, &id, &body).await
}

/// Closes a deal as won, lost (with a reason) or nurture, or reopens it.
#[utoipa::path(post, path = "/api/v1/deals/{id}/close", request_body = CloseBody,
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 200, description = "Closed", body = Object),
        (status = 404, description = "No such deal", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "An outcome, reason or date that does not parse, or a date to look again not ahead", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn close(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    write::<CloseBody>(&state, now, &id, &body).await
}

/// Which play to draft.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DraftQuery {
    /// The play; default: the deal's next play.
    pub play: Option<String>,
}

/// The draft of the deal's next play (or of `play`), from its recorded facts, passing the tone
/// check.
#[utoipa::path(get, path = "/api/v1/deals/{id}/draft", params(("id" = String, Path, description = "The deal's id"), DraftQuery),
    responses(
        (status = 200, description = "The draft: play, to, subject, body, facts_used, to_fill", body = Object),
        (status = 404, description = "No such deal", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to draft now, or the play cannot be drafted (missing facts, nobody reachable)", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A play or now that does not parse", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn draft(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = deal_id(&id)?;
    let play = given(&q.play)
        .map(PlayKind::parse)
        .transpose()
        .map_err(AppError::from)?;
    let d = drafts::draft(
        state.store(),
        state.caller(),
        Composer::builtin(),
        id,
        play,
        now,
    )
    .await?;
    Ok(Json(json!(d.draft)))
}

/// Queues the deal's draft for approval, with the rep's subject and text when given; a text
/// that fails the tone check is refused with its findings.
#[utoipa::path(post, path = "/api/v1/deals/{id}/outbox", request_body = DraftBody,
    params(("id" = String, Path, description = "The deal's id")),
    responses(
        (status = 201, description = "Queued: the outbox message", body = Object),
        (status = 404, description = "No such deal", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to draft, the play cannot be drafted, or the same message already waits", body = super::deals::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field did not parse, or the text fails the tone check (`findings` lists why)", body = super::deals::Problem, content_type = "application/problem+json"),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let id = deal_id(&id).map_err(IntoResponse::into_response)?;
    let b: DraftBody = from_json(&body)?;
    let play = b.play().map_err(fail)?;
    match outbox::queue_edited(
        state.store(),
        state.caller(),
        Composer::builtin(),
        id,
        play,
        b.edit(),
        now,
    )
    .await
    .map_err(fail)?
    {
        Queueing::Done(q) => Ok((StatusCode::CREATED, Json(json!(q.message))).into_response()),
        Queueing::FailsToneCheck(findings) => Err(fails_tone_check(&findings)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_and_a_json_body_read_the_same() {
        let form: ContractBody =
            from_form(&Bytes::from("vendor=Acme&ends=2027-06-30&notice_days=60")).unwrap();
        let json: ContractBody = from_json(&Bytes::from(
            r#"{"vendor":"Acme","ends":"2027-06-30","notice_days":60}"#,
        ))
        .map_err(|_| ())
        .unwrap();
        assert_eq!(form.contract().unwrap(), json.contract().unwrap());
        let step: NextStepBody = from_form(&Bytes::from("what=Demo&booked=true")).unwrap();
        assert!(step.booked);
        let step: NextStepBody = from_form(&Bytes::from("what=Demo")).unwrap();
        assert!(!step.booked);
    }

    #[test]
    fn refusals_name_the_field() {
        let b = ContractBody {
            vendor: "Acme".into(),
            ends: "2027-06-30".into(),
            notice_days: Some(NumberOrText::Text("sixty".into())),
        };
        match b.contract() {
            Err(AppError::Invalid(p)) => assert_eq!(p.field, "notice_days"),
            _ => panic!("notice_days should be refused"),
        }
        let f = FactBody {
            kind: "pain".into(),
            text: "  ".into(),
            ..FactBody::default()
        };
        match f.input() {
            Err(AppError::Invalid(p)) => assert_eq!(p.field, "text"),
            _ => panic!("blank text should be refused"),
        }
        let c = CloseBody {
            outcome: "lost".into(),
            ..CloseBody::default()
        };
        match c.closing(jiff::Timestamp::UNIX_EPOCH) {
            Err(AppError::Invalid(p)) => assert_eq!(p.field, "lost reason"),
            _ => panic!("lost without a reason should be refused"),
        }
        assert_eq!(json_field("missing field `text` at line 1"), Some("text"));
    }
}
