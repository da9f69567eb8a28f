//! Deal: the record (their words with source and date, commitments, next step, contacts and
//! roles, competitors and price talk, the contract, needed features, the close date) with a
//! form to change each; the timeline (`timeline`); the signals with their evidence linked to
//! the timeline's marks; the diagnosis ranked; the next action; and the next play's draft,
//! editable, with its tone check and "queue for approval".
//!
//! Each form posts the body the API takes (`api::record`), form-encoded, is handed to one
//! `rekindle_app` use case and redirects back (303). A refused input re-renders the page with
//! the error next to its form and what was typed kept (422 for a value that does not parse).

use super::timeline::{self, Timeline};
use super::today::render_failed;
use super::view::{self, Chrome, StateMark};
use crate::AppState;
use crate::api::record::{
    CloseBody, CloseDateBody, CommitmentBody, ContactBody, ContractBody, DealForm, DraftBody,
    FactBody, NeedBody, NextStepBody, ResolveBody, from_form,
};
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rekindle_app::outbox::{self, Queueing};
use rekindle_app::{AppError, ErrorKind, drafts, pipeline, record};
use rekindle_core::compose::Composer;
use rekindle_core::lint::Finding;
use rekindle_core::signals::{Context, Reference, longest_silence};
use rekindle_core::{
    CommitmentId, CommitmentStatus, DealId, DealStatus, FactKind, LostReason, Party, Role,
};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals/{id}", get(page))
        .route("/deals/{id}/facts", post(write::<FactBody>))
        .route("/deals/{id}/commitments", post(write::<CommitmentBody>))
        .route("/deals/{id}/commitments/{k}", post(resolve_commitment))
        .route("/deals/{id}/next-step", post(write::<NextStepBody>))
        .route("/deals/{id}/contacts", post(write::<ContactBody>))
        .route("/deals/{id}/contract", post(write::<ContractBody>))
        .route("/deals/{id}/needs", post(write::<NeedBody>))
        .route("/deals/{id}/close-date", post(write::<CloseDateBody>))
        .route("/deals/{id}/close", post(write::<CloseBody>))
        .route("/deals/{id}/draft/check", post(check_tone))
        .route("/deals/{id}/outbox", post(queue))
}

/// A line of the record: what, and where it came from.
pub struct Line {
    pub what: String,
    pub note: String,
    /// The element id evidence links to (`fact-F3`, `contact-C2`); empty for none.
    pub anchor: String,
}

/// A piece of evidence, linked to its mark on the timeline when it is an activity.
pub struct EvidenceView {
    pub what: String,
    pub note: String,
    /// `act-A12`, the mark's id, when the evidence is an activity on this deal.
    pub link: Option<String>,
}

/// Where a piece of evidence is on the page: an activity's mark on the timeline, a fact,
/// commitment or contact in the record, the next step; `None` when the record does not hold
/// it (nothing links to an element that is not there).
fn evidence_link(r: &rekindle_core::DealRecord, reference: Option<&Reference>) -> Option<String> {
    match reference? {
        Reference::Activity(x) if r.activities.iter().any(|a| a.id == *x) => {
            Some(timeline::anchor(*x))
        }
        Reference::Fact(x) if r.facts.iter().any(|f| f.id == *x) => Some(format!("fact-{x}")),
        Reference::Commitment(x) if r.commitments.iter().any(|c| c.id == *x) => {
            Some(format!("commitment-{x}"))
        }
        Reference::Contact(x) if r.contact(*x).is_some() => Some(format!("contact-{x}")),
        Reference::NextStep => Some("next-step".into()),
        _ => None,
    }
}

/// A signal and its evidence.
pub struct SignalView {
    pub summary: String,
    pub kind: String,
    pub weight: u32,
    pub evidence: Vec<EvidenceView>,
}

/// A commitment, with its id for the kept/broken form.
pub struct CommitmentView {
    /// `K3`; its element is `commitment-K3`.
    pub id: String,
    pub what: String,
    pub note: String,
    pub open: bool,
}

/// The draft as the form shows it.
pub struct DraftView {
    pub play: String,
    pub play_words: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub facts_used: Vec<Line>,
    pub to_fill: Vec<String>,
}

/// A tone finding as the list shows it.
pub struct FindingView {
    pub phrase: String,
    pub place: String,
    pub why: String,
    pub better: String,
}

impl FindingView {
    fn of(f: &Finding) -> Self {
        FindingView {
            phrase: f.phrase.clone(),
            place: format!("line {}, column {} ({})", f.line, f.column, f.rule),
            why: f.why.to_string(),
            better: f.better.to_string(),
        }
    }
}

/// The tone check's result: the findings, or none (it passes).
#[derive(Template)]
#[template(path = "tone.html")]
pub struct ToneFragment {
    pub findings: Vec<FindingView>,
    /// Whether the page sends it alone to htmx (then the live region is updated too).
    pub oob: bool,
}

/// A form that was refused: which, why, and what was typed.
pub struct Refused {
    pub form: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "deal.html")]
struct Page {
    chrome: Chrome,
    id: String,
    title: String,
    account: String,
    owner: String,
    stage: String,
    stages: Vec<String>,
    amount: String,
    status: String,
    open: bool,
    expected_close: String,
    resurface: String,
    /// Its CRM records, a line each (`crm::record_line`).
    crm: Vec<String>,
    loss: String,
    state: StateMark,
    risk: u32,
    next_action: String,
    next_play: String,
    next_due: String,
    words: Vec<Line>,
    commitments: Vec<CommitmentView>,
    next_step: Option<Line>,
    contacts: Vec<Line>,
    contract: Option<Line>,
    needs: Vec<Line>,
    timeline: Timeline,
    signals: Vec<SignalView>,
    diagnosis: Vec<Line>,
    draft: Option<DraftView>,
    no_draft: String,
    tone: Option<ToneFragment>,
    refused: Option<Refused>,
    given: HashMap<String, String>,
    notice: String,
    fact_kinds: Vec<(&'static str, String)>,
    roles: Vec<(&'static str, String)>,
    reasons: Vec<(&'static str, String)>,
    parties: Vec<&'static str>,
}

impl Page {
    /// What was typed into `name` of the refused form `form` (empty otherwise).
    fn val(&self, form: &str, name: &str) -> &str {
        match &self.refused {
            Some(r) if r.form == form => self.given.get(name).map(String::as_str).unwrap_or(""),
            _ => "",
        }
    }

    /// The refusal of `form`, if it was the one refused.
    fn error_of(&self, form: &str) -> &str {
        match &self.refused {
            Some(r) if r.form == form => &r.message,
            _ => "",
        }
    }

    /// Whether `value` was chosen in `name` of the refused form (for selects).
    fn chose(&self, form: &str, name: &str, value: &str) -> bool {
        self.val(form, name) == value
    }
}

/// What a render adds to the deal: a refusal, the rep's own draft text, the tone findings.
#[derive(Default)]
struct Extra {
    refused: Option<Refused>,
    given: HashMap<String, String>,
    /// (play, subject, body) as the rep last had them.
    draft_text: Option<(String, String, String)>,
    tone: Option<Vec<Finding>>,
    notice: String,
}

fn deal_id(id: &str) -> Result<DealId, PageError> {
    Ok(id.parse().map_err(AppError::from)?)
}

async fn page(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = deal_id(&id)?;
    // Only what this server's own redirects say: a form's section, a message id, and a
    // warning under the seal the redirect made (a link from elsewhere shows nothing).
    let saved = q.get("saved").filter(|s| SECTIONS.contains(&s.as_str()));
    let queued = q
        .get("queued")
        .and_then(|m| m.parse::<rekindle_core::OutgoingId>().ok());
    let notice = match (saved, queued) {
        (_, Some(m)) => format!("Queued as {m} for your approval (Outbox)."),
        (Some(what), None) => format!("Saved: {}.", view::words(what)),
        _ => String::new(),
    };
    let warning = q
        .get("warning")
        .filter(|w| q.get("seal").is_some_and(|s| *s == state.seal(w)));
    let notice = match warning {
        Some(w) if !notice.is_empty() => format!("{notice} Check: {w}."),
        _ => notice,
    };
    render(
        &state,
        now,
        id,
        Extra {
            notice,
            ..Extra::default()
        },
        StatusCode::OK,
    )
    .await
}

async fn render(
    state: &AppState,
    now: jiff::Timestamp,
    id: DealId,
    extra: Extra,
    status: StatusCode,
) -> Result<Response, PageError> {
    let v = pipeline::deal(state.store(), state.caller(), id, now).await?;
    let crm_records = rekindle_app::crm::records_of(state.store(), state.caller(), id).await?;
    let r = &v.record;
    let d = &r.deal;
    let a = &v.assessment;
    let contact_name = |c: Option<rekindle_core::ContactId>| {
        c.and_then(|c| r.contact(c))
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let ctx = Context::new(r, now, &v.policy, &v.norms);
    let silence = longest_silence(&ctx);
    let timeline = timeline::draw(r, silence.as_ref(), now);
    let drafted = drafts::draft_of(Composer::builtin(), &v, None, now);
    let (mut draft, no_draft) = match drafted {
        Ok(dr) => (
            Some(DraftView {
                play: dr.play.as_str().to_string(),
                play_words: view::words(dr.play.as_str()),
                to: format!(
                    "{}{}",
                    dr.to.name,
                    dr.to
                        .email
                        .as_ref()
                        .map(|e| format!(" <{e}>"))
                        .unwrap_or_default()
                ),
                subject: dr.subject,
                body: dr.body,
                facts_used: dr
                    .facts_used
                    .iter()
                    .map(|f| Line {
                        anchor: String::new(),
                        what: f.text.clone(),
                        note: format!(
                            "{}, {}{}",
                            f.label,
                            f.source,
                            f.at.map(|t| format!(", {}", view::day(t)))
                                .unwrap_or_default()
                        ),
                    })
                    .collect(),
                to_fill: dr.to_fill,
            }),
            String::new(),
        ),
        Err(e) => (None, e.to_string()),
    };
    // The rep's own text, as they last had it, in place of the fresh draft (or of none, so
    // that a check or a refusal never loses what they typed).
    if let Some((play, subject, body)) = extra.draft_text {
        let dv = draft.get_or_insert_with(|| DraftView {
            play: String::new(),
            play_words: "Your message".into(),
            to: "(no recipient: nothing to draft now)".into(),
            subject: String::new(),
            body: String::new(),
            facts_used: Vec::new(),
            to_fill: Vec::new(),
        });
        if !play.is_empty() {
            dv.play_words = view::words(&play);
            dv.play = play;
        }
        dv.subject = subject;
        dv.body = body;
    }
    let page = Page {
        chrome: Chrome::new(state, now, "pipeline"),
        id: d.id.to_string(),
        title: d.title.clone(),
        account: d.account.name.clone(),
        owner: d.owner.clone(),
        stage: d.stage.clone(),
        stages: v
            .policy
            .pipeline
            .stages
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        amount: view::money(d.amount),
        status: d.status.to_string(),
        open: d.status == DealStatus::Open,
        expected_close: d.expected_close.map(|c| c.to_string()).unwrap_or_default(),
        resurface: d.resurface_on.map(|c| c.to_string()).unwrap_or_default(),
        crm: crm_records
            .iter()
            .map(rekindle_app::crm::record_line)
            .collect(),
        loss: d
            .loss
            .as_ref()
            .map(|l| {
                format!(
                    "{}{}",
                    view::words(l.reason.as_str()),
                    l.note
                        .as_ref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        state: view::state_mark(a.state),
        risk: a.risk,
        next_action: a.next_action.why.clone(),
        next_play: a
            .next_action
            .play
            .map(|p| view::words(p.as_str()))
            .unwrap_or_else(|| "wait".to_string()),
        next_due: view::day(a.next_action.due),
        words: r
            .facts
            .iter()
            .map(|f| {
                let who = contact_name(f.contact);
                Line {
                    anchor: format!("fact-{}", f.id),
                    what: f.text.clone(),
                    note: format!(
                        "{}{}, {} ({})",
                        view::words(f.kind.as_str()),
                        if who.is_empty() {
                            String::new()
                        } else {
                            format!(", {who}")
                        },
                        view::day(f.said_at),
                        f.source
                    ),
                }
            })
            .collect(),
        commitments: r
            .commitments
            .iter()
            .map(|c| CommitmentView {
                id: c.id.to_string(),
                what: c.what.clone(),
                note: format!(
                    "{} by {}, {} ({})",
                    c.party,
                    view::day(c.due),
                    view::words(c.status.as_str()),
                    c.source
                ),
                open: c.status == CommitmentStatus::Open,
            })
            .collect(),
        next_step: r.next_step.as_ref().map(|s| Line {
            anchor: String::new(),
            what: s.what.clone(),
            note: match s.due {
                Some(due) if s.booked => format!("booked for {}", view::day(due)),
                Some(due) => format!("due {}", view::day(due)),
                None => "no date".to_string(),
            },
        }),
        contacts: r
            .contacts
            .iter()
            .map(|c| Line {
                anchor: format!("contact-{}", c.id),
                what: c.name.clone(),
                note: [
                    c.title.clone().unwrap_or_default(),
                    c.role.map(|x| view::words(x.as_str())).unwrap_or_default(),
                    c.emails
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    if c.do_not_contact {
                        "do not contact".into()
                    } else {
                        String::new()
                    },
                ]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
            })
            .collect(),
        contract: r.contract.as_ref().map(|c| Line {
            anchor: String::new(),
            what: c.vendor.clone(),
            note: format!("ends {}, {} days' notice", c.ends_on, c.notice_days),
        }),
        needs: r
            .needed_features
            .iter()
            .map(|n| Line {
                anchor: String::new(),
                what: n.feature.clone(),
                note: n.why.clone().unwrap_or_default(),
            })
            .collect(),
        signals: a
            .signals
            .iter()
            .map(|s| SignalView {
                summary: s.summary.clone(),
                kind: view::words(s.kind.as_str()),
                weight: s.weight,
                evidence: s
                    .evidence
                    .iter()
                    .map(|e| EvidenceView {
                        what: e.what.clone(),
                        note: e.at.map(view::day).unwrap_or_default(),
                        link: evidence_link(r, e.reference.as_ref()),
                    })
                    .collect(),
            })
            .collect(),
        diagnosis: a
            .diagnosis
            .iter()
            .map(|c| Line {
                anchor: String::new(),
                what: c.explanation.to_string(),
                note: format!("{} (score {})", view::words(c.cause.as_str()), c.score),
            })
            .collect(),
        timeline,
        draft,
        no_draft,
        tone: extra.tone.map(|f| ToneFragment {
            findings: f.iter().map(FindingView::of).collect(),
            oob: false,
        }),
        refused: extra.refused,
        given: extra.given,
        notice: extra.notice,
        fact_kinds: FactKind::ALL
            .iter()
            .map(|k| (k.as_str(), view::words(k.as_str())))
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|k| (k.as_str(), view::words(k.as_str())))
            .collect(),
        reasons: LostReason::ALL
            .iter()
            .map(|k| (k.as_str(), view::words(k.as_str())))
            .collect(),
        parties: Party::ALL.iter().map(|p| p.as_str()).collect(),
    };
    Ok((status, Html(page.render().map_err(render_failed)?)).into_response())
}

/// The sections of the deal page a form saves in (`?saved=`): the record forms'
/// ([`DealForm::SECTION`]) and the draft's.
const SECTIONS: &[&str] = &[
    FactBody::SECTION,
    CommitmentBody::SECTION,
    NextStepBody::SECTION,
    ContactBody::SECTION,
    ContractBody::SECTION,
    NeedBody::SECTION,
    CloseDateBody::SECTION,
    CloseBody::SECTION,
    "draft",
];

/// After a form's use case: back to the deal (303) when it worked; the page again with the
/// refusal next to the form (and what was typed) when the input was refused.
async fn answered(
    state: &AppState,
    now: jiff::Timestamp,
    id: DealId,
    form: &'static str,
    body: &Bytes,
    result: Result<Vec<String>, AppError>,
) -> Result<Response, PageError> {
    let e = match result {
        Ok(warnings) => {
            // Saved, with what looks like a slip said on the page it lands on.
            let warning = if warnings.is_empty() {
                String::new()
            } else {
                let warning = warnings.join("; ");
                let seal = state.seal(&warning);
                format!(
                    "&{}",
                    serde_urlencoded::to_string([("warning", warning), ("seal", seal)])
                        .unwrap_or_default()
                )
            };
            return Ok(
                Redirect::to(&format!("/deals/{id}?saved={form}{warning}#{form}")).into_response(),
            );
        }
        Err(e) => e,
    };
    if matches!(e.kind(), ErrorKind::Internal | ErrorKind::Unavailable) {
        return Err(PageError(e));
    }
    let status =
        StatusCode::from_u16(e.kind().http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    let given: HashMap<String, String> =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .unwrap_or_default()
            .into_iter()
            .collect();
    let extra = Extra {
        refused: Some(Refused {
            form,
            message: e.to_string(),
        }),
        given,
        ..Extra::default()
    };
    match render(state, now, id, extra, status).await {
        Ok(page) => Ok(page),
        // The deal itself is missing: say so rather than the input's fault.
        Err(_) => Err(PageError(e)),
    }
}

async fn resolve_commitment(
    State(state): State<AppState>,
    Now(now): Now,
    Path((id, k)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = deal_id(&id)?;
    let r = async {
        let k: CommitmentId = k.parse()?;
        let status = from_form::<ResolveBody>(&body)?.status()?;
        record::resolve_commitment(state.store(), state.caller(), k, status).await?;
        Ok(Vec::new())
    }
    .await;
    answered(&state, now, id, "commitments", &body, r).await
}

/// A record form posted from the deal page: its use case run ([`DealForm::apply`]), then back
/// to the deal.
async fn write<F: DealForm>(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = deal_id(&id)?;
    let r = async {
        let done = from_form::<F>(&body)?.apply(&state, id, now).await?;
        Ok(done.warnings)
    }
    .await;
    answered(&state, now, id, F::SECTION, &body, r).await
}

/// The rep's draft text from a form: (play, subject, body).
fn draft_text(b: &DraftBody) -> (String, String, String) {
    (
        b.play.clone().unwrap_or_default(),
        b.subject.clone().unwrap_or_default(),
        b.body.clone().unwrap_or_default(),
    )
}

/// The tone check of the draft as typed: for htmx the findings list alone (and the live
/// region's words), otherwise the whole page with the text kept and the findings shown.
async fn check_tone(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = deal_id(&id)?;
    let form: DraftBody = match from_form(&body) {
        Ok(f) => f,
        Err(e) => return answered(&state, now, id, "draft", &body, Err(e)).await,
    };
    let findings = drafts::tone(form.body.as_deref().unwrap_or_default());
    if headers.contains_key("hx-request") {
        let fragment = ToneFragment {
            findings: findings.iter().map(FindingView::of).collect(),
            oob: true,
        };
        return Ok(Html(fragment.render().map_err(render_failed)?).into_response());
    }
    let extra = Extra {
        draft_text: Some(draft_text(&form)),
        tone: Some(findings),
        ..Extra::default()
    };
    render(&state, now, id, extra, StatusCode::OK).await
}

/// Queues the draft as the rep left it; a text failing the tone check is refused (422) with
/// the findings shown and the text kept.
async fn queue(
    State(state): State<AppState>,
    Now(now): Now,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = deal_id(&id)?;
    let form: DraftBody = match from_form(&body) {
        Ok(f) => f,
        Err(e) => return answered(&state, now, id, "draft", &body, Err(e)).await,
    };
    let queued = async {
        let play = form.play()?;
        outbox::queue_edited(
            state.store(),
            state.caller(),
            Composer::builtin(),
            id,
            play,
            form.edit(),
            now,
        )
        .await
    }
    .await;
    match queued {
        Ok(Queueing::Done(q)) => {
            Ok(Redirect::to(&format!("/deals/{id}?queued={}#draft", q.message.id)).into_response())
        }
        Ok(Queueing::FailsToneCheck(findings)) => {
            let extra = Extra {
                refused: Some(Refused {
                    form: "draft",
                    message: format!(
                        "Not queued: the text fails the tone check ({} finding{}).",
                        findings.len(),
                        if findings.len() == 1 { "" } else { "s" }
                    ),
                }),
                draft_text: Some(draft_text(&form)),
                tone: Some(findings),
                ..Extra::default()
            };
            render(&state, now, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) if !matches!(e.kind(), ErrorKind::Internal | ErrorKind::Unavailable) => {
            let status = StatusCode::from_u16(e.kind().http_status())
                .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let extra = Extra {
                refused: Some(Refused {
                    form: "draft",
                    message: e.to_string(),
                }),
                draft_text: Some(draft_text(&form)),
                ..Extra::default()
            };
            match render(&state, now, id, extra, status).await {
                Ok(page) => Ok(page),
                Err(_) => Err(PageError(e)),
            }
        }
        Err(e) => Err(PageError(e)),
    }
}
