//! Keeping the record: deals, contacts, activities, the prospect's words, commitments, next
//! steps, closing, and the policy. Each edit is one store transaction that first checks what it
//! refers to.

use crate::replies::{Reply, act_on_reply, look_again};
use crate::{AppError, Caller, Input};
use jiff::Timestamp;
use jiff::civil::Date;
use rekindle_core::lint::Finding;
use rekindle_core::reply::Reading;
use rekindle_core::*;
use rekindle_store::{NewActivity, NewContact, NewDeal, Store};

pub use rekindle_store::Closing;

/// The longest notice period a contract may have: ten years.
pub const MAX_NOTICE_DAYS: i64 = 3650;

/// A new deal, as the rep gives it.
#[derive(Clone, Debug)]
pub struct DealInput {
    pub title: String,
    pub account: String,
    pub account_domain: Option<String>,
    pub owner: String,
    pub stage: String,
    /// The amount as written (`€12,000`, `12000 EUR`, `12000`: a bare amount is in the
    /// database's currency; `Money::parse`).
    pub amount: String,
    pub expected_close: Option<Date>,
    /// When the deal was created; `None`: now.
    pub created_at: Option<Timestamp>,
}

/// Adds a deal (its account is made when new).
///
/// Errors: [`AppError::Invalid`] for an amount that does not parse, or a stage the pipeline
/// does not have; the store's.
pub async fn add_deal(
    store: &Store,
    _caller: &Caller,
    input: DealInput,
    now: Timestamp,
) -> Result<DealId, AppError> {
    let amount = Money::parse(&input.amount, store.currency().await?)?;
    Ok(store
        .add_deal(NewDeal {
            title: input.title,
            account: input.account,
            account_domain: input.account_domain,
            owner: input.owner,
            stage: input.stage,
            amount,
            expected_close: input.expected_close,
            created_at: input.created_at.unwrap_or(now),
        })
        .await?)
}

/// Every deal (or those with `status`), in deal id order; read account by account, only the
/// deals kept.
///
/// Errors: the store's.
pub async fn deals(
    store: &Store,
    _caller: &Caller,
    status: Option<DealStatus>,
) -> Result<Vec<Deal>, AppError> {
    let keep = move |group: Vec<DealRecord>| -> Vec<Deal> {
        group
            .into_iter()
            .map(|r| r.deal)
            .filter(|d| status.is_none_or(|s| d.status == s))
            .collect()
    };
    let mut deals: Vec<Deal> = store
        .map_accounts(false, std::sync::Arc::new(keep))
        .await?
        .into_iter()
        .flatten()
        .collect();
    deals.sort_by_key(|d| d.id);
    Ok(deals)
}

/// Moves a deal to `stage` at `now` (kept in its stage history).
///
/// Errors: `NotFound`; an unknown stage; the store's.
pub async fn move_stage(
    store: &Store,
    _caller: &Caller,
    id: DealId,
    stage: &str,
    now: Timestamp,
) -> Result<(), AppError> {
    Ok(store.move_stage(id, stage, now).await?)
}

/// Sets the date a deal is expected to close (the change dated `now`).
///
/// Errors: `NotFound`; the store's.
pub async fn set_close_date(
    store: &Store,
    _caller: &Caller,
    id: DealId,
    date: Date,
    now: Timestamp,
) -> Result<(), AppError> {
    Ok(store.set_close_date(id, date, now).await?)
}

/// Records the contract the account is under with another vendor (revival: a contract's end
/// is an occasion).
///
/// Errors: [`AppError::Unfit`] for a notice period outside 0 to [`MAX_NOTICE_DAYS`];
/// `NotFound`; the store's.
pub async fn set_contract(
    store: &Store,
    _caller: &Caller,
    id: DealId,
    contract: &Contract,
) -> Result<(), AppError> {
    let days = contract.notice_days;
    if !(0..=MAX_NOTICE_DAYS).contains(&days) {
        return Err(AppError::Unfit(format!(
            "bad notice period {days}: a number of days from 0 to {MAX_NOTICE_DAYS} (ten years)"
        ))
        .about(Input::NoticeDays));
    }
    Ok(store.set_contract(id, contract).await?)
}

/// Records a feature the deal needs (revival: its shipping reopens the deal).
///
/// Errors: `NotFound`; the store's.
pub async fn need_feature(
    store: &Store,
    _caller: &Caller,
    id: DealId,
    feature: &str,
    why: Option<&str>,
) -> Result<(), AppError> {
    Ok(store.add_needed_feature(id, feature, why).await?)
}

/// Where a new contact works.
#[derive(Clone, Debug)]
pub enum AccountOf {
    /// The account by name.
    Named(String),
    /// The account of this deal.
    Deal(DealId),
}

/// A new contact, as the rep gives them.
#[derive(Clone, Debug)]
pub struct ContactInput {
    pub account: AccountOf,
    pub name: String,
    pub emails: Vec<EmailAddress>,
    pub title: Option<String>,
    pub role: Option<Role>,
    pub do_not_contact: bool,
    /// An IANA time zone name (`Europe/Berlin`).
    pub time_zone: Option<String>,
}

/// An IANA time zone name, checked against the time zone database.
fn time_zone(name: &str) -> Result<String, AppError> {
    jiff::tz::TimeZone::get(name.trim())
        .map(|_| name.trim().to_string())
        .map_err(|_| {
            AppError::Unfit(format!(
                "bad time zone {name:?}: expected a name like Europe/Berlin or America/New_York"
            ))
        })
}

/// Adds a contact to an account.
///
/// Errors: [`AppError::Unfit`] for an unknown time zone; `NotFound` for an unknown deal; the
/// store's.
pub async fn add_contact(
    store: &Store,
    _caller: &Caller,
    input: ContactInput,
) -> Result<ContactId, AppError> {
    let account = match input.account {
        AccountOf::Named(name) => name,
        AccountOf::Deal(d) => store.deal_account(d).await?,
    };
    let zone = input.time_zone.as_deref().map(time_zone).transpose()?;
    Ok(store
        .add_contact(NewContact {
            account,
            name: input.name,
            emails: input.emails,
            title: input.title,
            role: input.role,
            do_not_contact: input.do_not_contact,
            time_zone: zone,
        })
        .await?)
}

/// Marks a contact do-not-contact (nothing is drafted or sent to them), or lifts it.
///
/// Errors: `NotFound`; a conflict when an address of theirs asked to stop; the store's.
pub async fn set_do_not_contact(
    store: &Store,
    _caller: &Caller,
    id: ContactId,
    on: bool,
) -> Result<(), AppError> {
    Ok(store.set_do_not_contact(id, on).await?)
}

/// Sets a contact's time zone (messages reach them in working hours), or clears it; returns
/// the name as kept.
///
/// Errors: [`AppError::Unfit`] for an unknown zone; `NotFound`; the store's.
pub async fn set_time_zone(
    store: &Store,
    _caller: &Caller,
    id: ContactId,
    zone: Option<&str>,
) -> Result<Option<String>, AppError> {
    let zone = zone.map(time_zone).transpose()?;
    store.set_contact_time_zone(id, zone.as_deref()).await?;
    Ok(zone)
}

/// An activity the rep logs by hand.
#[derive(Clone, Debug)]
pub struct LogInput {
    pub kind: ActivityKind,
    pub direction: Direction,
    /// `None`: the usual outcome of the kind and direction ([`default_outcome`]).
    pub outcome: Option<Outcome>,
    pub play: Option<PlayKind>,
    /// An absence's return date (an auto-reply logged by hand).
    pub returns_on: Option<Date>,
    /// When it happened; `None`: now.
    pub at: Option<Timestamp>,
    /// The contact, by id, name or address (`resolve_contact`).
    pub contact: Option<String>,
    /// Empty: the first line of the body, up to 120 characters.
    pub summary: String,
    pub body: Option<String>,
}

/// What logging did: the activity, the tone findings of an outbound message (against the
/// previous touch too), and for an inbound email with words the reply's reading and the date
/// to look again it set.
pub struct Logged {
    pub activity: ActivityId,
    pub tone_findings: Vec<Finding>,
    pub read_as: Option<Reading>,
    pub look_again: Option<Date>,
    /// Accepted, but likely a slip: an activity logged as done on a day still to come
    /// (`time::held_warning`).
    pub warnings: Vec<String>,
}

/// What a use case recorded, with what the rep should look at twice: accepted, but likely a
/// slip (a due date already past, a next step on a weekend: `time::due_warnings`). Empty
/// `warnings` when there is nothing to say.
#[derive(Clone, Debug)]
pub struct Warned<T> {
    pub value: T,
    pub warnings: Vec<String>,
}

/// The outcome an activity has when the rep names none: an email or social message in is a
/// reply, out is sent; a voicemail left, a meeting held, a call connected; a note has none.
pub fn default_outcome(kind: ActivityKind, direction: Direction) -> Option<Outcome> {
    match (kind, direction) {
        (ActivityKind::Note, _) => None,
        (ActivityKind::Email | ActivityKind::Social, Direction::Inbound) => Some(Outcome::Replied),
        (ActivityKind::Email | ActivityKind::Social, Direction::Outbound) => Some(Outcome::Sent),
        (ActivityKind::Voicemail, _) => Some(Outcome::VoicemailLeft),
        (ActivityKind::Meeting, _) => Some(Outcome::MeetingHeld),
        (ActivityKind::Call, _) => Some(Outcome::Connected),
    }
}

/// Logs an activity on a deal. A reply logged with its text is read as a captured one is
/// (its new text, quotes and signature cut) and moves the deal in the same transaction
/// (`replies::act_on_reply`, as a direct answer).
///
/// Errors: `NotFound` for the deal or the contact; an ambiguous contact; the store's.
pub async fn log_activity(
    store: &Store,
    _caller: &Caller,
    id: DealId,
    input: LogInput,
    now: Timestamp,
) -> Result<Logged, AppError> {
    let (kind, direction, body) = (input.kind, input.direction, input.body);
    let outcome = input.outcome.or_else(|| default_outcome(kind, direction));
    let at = input.at.unwrap_or(now);
    let warnings: Vec<String> = time::held_warning("the time it happened", at, now)
        .into_iter()
        .collect();
    // What a reply adds, quotes and signature cut, is what gets read.
    let reply_text = body
        .as_deref()
        .filter(|_| direction == Direction::Inbound && kind == ActivityKind::Email)
        .map(mail::new_text)
        .filter(|t| !t.trim().is_empty());
    let contact = match &input.contact {
        Some(c) => Some(store.resolve_contact(id, c).await?),
        None => None,
    };
    let summary = if input.summary.is_empty() {
        body.as_deref()
            .map(|b| {
                b.lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .chars()
                    .take(120)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        input.summary
    };
    // An outbound message is judged against the rep's previous touch too: the same message
    // again, or one that adds nothing to it.
    let tone_findings = match body.as_deref().filter(|_| direction == Direction::Outbound) {
        Some(text) => {
            let record = store.deal(id).await?;
            let previous: Vec<&str> = lint::previous_touch(&record, at).into_iter().collect();
            lint::lint_with_history(text, &previous)
        }
        None => Vec::new(),
    };
    let new = NewActivity {
        kind,
        direction,
        at,
        outcome,
        contact,
        summary,
        subject: None,
        body,
        play: input.play,
        returns_on: input.returns_on,
    };
    match (&reply_text, outcome, direction) {
        (Some(text), Some(Outcome::Replied), Direction::Inbound) => {
            let record = store.deal(id).await?;
            let address = contact
                .and_then(|c| record.contact(c))
                .and_then(|c| c.emails.first())
                .map(|e| e.to_string())
                .unwrap_or_default();
            let policy = store.policy().await?;
            let mut writer = store.capture_writer()?;
            let activity = writer.log_activity(id, new)?;
            let (reading, actions) = act_on_reply(
                &mut writer,
                &policy,
                Reply {
                    deal: id,
                    activity,
                    contact,
                    address: &address,
                    text,
                    at,
                    // Logged by hand: the rep says it answers their conversation.
                    direct: true,
                    list: false,
                },
                None,
            )?;
            writer.commit()?;
            Ok(Logged {
                activity,
                tone_findings,
                read_as: Some(reading),
                look_again: look_again(&actions),
                warnings,
            })
        }
        _ => Ok(Logged {
            activity: store.log_activity(id, new).await?,
            tone_findings,
            read_as: None,
            look_again: None,
            warnings,
        }),
    }
}

/// The prospect's own words, as the rep records them.
#[derive(Clone, Debug)]
pub struct FactInput {
    pub kind: FactKind,
    pub text: String,
    /// Where they said it (a call, a mail...).
    pub source: String,
    /// When; `None`: now.
    pub at: Option<Timestamp>,
    /// Who said it, by id, name or address.
    pub contact: Option<String>,
}

/// Records the prospect's words on a deal (trimmed).
///
/// Errors: [`AppError::Invalid`] for empty text; `NotFound` for the deal or the contact; the
/// store's.
pub async fn add_fact(
    store: &Store,
    _caller: &Caller,
    id: DealId,
    input: FactInput,
    now: Timestamp,
) -> Result<FactId, AppError> {
    if input.text.trim().is_empty() {
        return Err(AppError::Unfit(
            "bad fact text: empty; record their words".into(),
        ));
    }
    let contact = match &input.contact {
        Some(c) => Some(store.resolve_contact(id, c).await?),
        None => None,
    };
    Ok(store
        .add_fact(
            id,
            input.kind,
            input.text.trim(),
            &input.source,
            input.at.unwrap_or(now),
            contact,
        )
        .await?)
}

/// A commitment: who will do what by when, and where it was said.
#[derive(Clone, Debug)]
pub struct CommitmentInput {
    pub party: Party,
    pub what: String,
    pub due: Timestamp,
    pub source: String,
}

/// Records a commitment made at `now`.
///
/// Errors: `NotFound`; the store's.
pub async fn add_commitment(
    store: &Store,
    _caller: &Caller,
    id: DealId,
    input: &CommitmentInput,
    now: Timestamp,
) -> Result<Warned<CommitmentId>, AppError> {
    let value = store
        .add_commitment(id, input.party, &input.what, input.due, &input.source, now)
        .await?;
    Ok(Warned {
        value,
        warnings: time::due_warnings("the due date", input.due, now, false),
    })
}

/// Marks a commitment kept or broken.
///
/// Errors: `NotFound`; the store's.
pub async fn resolve_commitment(
    store: &Store,
    _caller: &Caller,
    id: CommitmentId,
    status: CommitmentStatus,
) -> Result<(), AppError> {
    Ok(store.set_commitment_status(id, status).await?)
}

/// Sets the deal's agreed next step (set at `step.set_at`); returns the warnings on its date
/// (already past, or on a weekend: `time::due_warnings`).
///
/// Errors: `NotFound`; the store's.
pub async fn set_next_step(
    store: &Store,
    _caller: &Caller,
    id: DealId,
    step: &NextStep,
) -> Result<Warned<()>, AppError> {
    store.set_next_step(id, step).await?;
    Ok(Warned {
        value: (),
        warnings: step
            .due
            .map(|d| time::due_warnings("the next step's date", d, step.set_at, true))
            .unwrap_or_default(),
    })
}

/// What closing a deal as `status` records: won; lost with a reason from the taxonomy
/// (`LostReason`, required: PLAYBOOK.md, "Product updates": the lost pile is mined later) and a
/// note; nurtured; or reopened (`DealStatus::Open`). The date to look again applies to lost and
/// nurtured deals only; [`close`] checks it is ahead.
///
/// Errors: [`AppError::Invalid`] for a lost deal without a known reason (field `lost reason`).
pub fn closing(
    status: DealStatus,
    reason: Option<&str>,
    note: Option<String>,
    resurface_on: Option<Date>,
    now: Timestamp,
) -> Result<Closing, AppError> {
    Ok(match status {
        DealStatus::Won | DealStatus::Open => Closing {
            status,
            loss: None,
            resurface_on: None,
        },
        DealStatus::Lost => Closing {
            status,
            loss: Some(Loss {
                reason: LostReason::parse(reason.unwrap_or_default())?,
                note,
                at: now,
            }),
            resurface_on,
        },
        DealStatus::Nurture => Closing {
            status,
            loss: None,
            resurface_on,
        },
    })
}

/// Closes a deal (won, lost with a reason, nurtured with a date to look again) or reopens it.
/// The engine only proposes; this is the rep's act (`plays`' invariant).
///
/// Errors: `NotFound`; [`AppError::Invalid`] for a date to look again not after `now`'s day;
/// the store's.
pub async fn close(
    store: &Store,
    _caller: &Caller,
    id: DealId,
    closing: &Closing,
    now: Timestamp,
) -> Result<(), AppError> {
    if let Some(on) = closing.resurface_on {
        rekindle_core::time::ahead_of("date to look again", on, rekindle_core::time::date_of(now))
            .map_err(|e| AppError::from(e).about(Input::ResurfaceOn))?;
    }
    Ok(store.close(id, closing).await?)
}

/// The policy in force (stages, thresholds), each setting by key.
///
/// Errors: the store's.
pub async fn policy(store: &Store, _caller: &Caller) -> Result<Policy, AppError> {
    Ok(store.policy().await?)
}

/// Sets one policy setting by key (`Policy::set`, checked) and keeps it; returns the policy.
///
/// Errors: [`AppError::Invalid`] for an unknown key or a bad value; the store's.
pub async fn set_policy(
    store: &Store,
    caller: &Caller,
    key: &str,
    value: &str,
) -> Result<Policy, AppError> {
    let mut policy = policy(store, caller).await?;
    policy.set(key, value)?;
    store.set_policy(&policy).await?;
    Ok(policy)
}
