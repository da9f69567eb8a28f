//! Replies: what each reply was read as and what it changed, and the rep's decisions
//! (`core::reply::classify` and `plan`, applied through the store's capture writer).

use crate::{AppError, Caller, Input};
use jiff::Timestamp;
use jiff::civil::Date;
use rekindle_core::reply::{
    Action, DealSituation, Reading, ReplyClass, classify, context_matters, plan,
};
use rekindle_core::time::date_of;
use rekindle_core::{ActivityId, ContactId, DealId, LostReason, ParseError, Policy, ReadingId};
use rekindle_store::{CaptureWriter, Store, StoredReading};

/// The readings of replies, newest first: those waiting for the rep (uncertain, indirect or
/// questions), or every one with `all`; at most `limit`.
///
/// Errors: the store's.
pub async fn list(
    store: &Store,
    _caller: &Caller,
    all: bool,
    limit: i64,
) -> Result<Vec<StoredReading>, AppError> {
    Ok(store.readings(!all, limit).await?)
}

/// A reading with the deal it is about, as a list shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub reading: StoredReading,
    /// The deal's account and title.
    pub account: String,
    pub title: String,
}

/// A page of readings, newest first, after `after` (the moment read and the id of the last
/// reading of the previous page): those waiting for the rep, or every one with `all`; at most
/// `limit`, each with its deal's account and title.
///
/// Errors: the store's.
pub async fn page(
    store: &Store,
    _caller: &Caller,
    all: bool,
    after: Option<(Timestamp, ReadingId)>,
    limit: i64,
) -> Result<Vec<Listed>, AppError> {
    let readings = store.readings_after(!all, after, limit).await?;
    let mut names: std::collections::HashMap<DealId, (String, String)> = Default::default();
    let mut out = Vec::with_capacity(readings.len());
    for reading in readings {
        let (account, title) = match names.get(&reading.deal) {
            Some(n) => n.clone(),
            None => {
                let d = store.deal(reading.deal).await?.deal;
                let n = (d.account.name, d.title);
                names.insert(reading.deal, n.clone());
                n
            }
        };
        out.push(Listed {
            reading,
            account,
            title,
        });
    }
    Ok(out)
}

/// What the rep decided a reply meant.
#[derive(Clone, Debug)]
pub struct Decision {
    /// The class the rep gives it.
    pub class: ReplyClass,
    /// For `lost`: why (else the reason the words name, else `other`).
    pub reason: Option<LostReason>,
    /// The date the reply's answer holds until (else the date the words name).
    pub until: Option<Date>,
    /// Deciding otherwise on a reply read as a request to stop contact lifts the stop
    /// (do-not-contact and the blocked address): only on purpose.
    pub lift_stop: bool,
}

/// Words given and not blank, trimmed.
fn given(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

impl Decision {
    /// A decision as a person gives it in words: the class (`revive`, `lost`, `later`,
    /// `out_of_office`, `referral`, `stop`, `question`, `unclear`), a lost reason, a date
    /// (`2027-03-01`) and whether a stop is lifted. Blank words count as not given.
    ///
    /// Errors: [`AppError::Invalid`] naming the field (`class`, `reason`); a bad date is
    /// about [`Input::Until`].
    pub fn parse(
        class: &str,
        reason: Option<&str>,
        until: Option<&str>,
        lift_stop: bool,
    ) -> Result<Decision, AppError> {
        let named = |field: &str, e: ParseError| ParseError {
            field: field.to_string(),
            ..e
        };
        Ok(Decision {
            class: ReplyClass::parse(class.trim()).map_err(|e| named("class", e))?,
            reason: given(reason)
                .map(|r| LostReason::parse(r).map_err(|e| named("reason", e)))
                .transpose()?,
            until: given(until)
                .map(|u| rekindle_core::time::parse_date("date to look again", u))
                .transpose()
                .map_err(|e| AppError::from(e).about(Input::Until))?,
            lift_stop,
        })
    }
}

/// The rep decides what a reply meant: the earlier reading's changes are undone and the
/// decision is applied as a new reading, in one transaction. The words are read again for what
/// they name (a date, a person); the class is the rep's, and acted on as a direct answer
/// (`DealSituation::direct`).
///
/// Errors: `NotFound` for an unknown reading; [`AppError::Conflict`] when it was already
/// replaced, or it was read as a stop and the decision does not lift it on purpose;
/// [`AppError::Invalid`] for `later` with a date not after `now`'s day; [`AppError::Unfit`] for a referral when the reply names no one; the store's.
pub async fn decide(
    store: &Store,
    _caller: &Caller,
    id: ReadingId,
    decision: Decision,
    now: Timestamp,
) -> Result<StoredReading, AppError> {
    let old = store.reading(id).await?;
    if let Some(newer) = old.replaced_by {
        return Err(AppError::Conflict(format!(
            "{id} was already replaced by {newer}: decide on {newer}"
        )));
    }
    if old.class == ReplyClass::Stop && decision.class != ReplyClass::Stop && !decision.lift_stop {
        return Err(AppError::Conflict(format!(
            "{id} was read as a request to stop contact ({}): deciding otherwise lets drafts and sends reach them again; if the reply did not ask that, decide it again and lift the stop",
            old.sender
        ))
        .about(Input::LiftStop));
    }
    // A date to look again lies ahead; a return date may be past.
    if let (ReplyClass::Later, Some(until)) = (decision.class, decision.until) {
        rekindle_core::time::ahead_of("date to look again", until, date_of(now))
            .map_err(|e| AppError::from(e).about(Input::Until))?;
    }
    let sent = date_of(old.read_at);
    let text = old.text.clone().unwrap_or_default();
    let mut reading = classify(&text, None, sent);
    reading.class = decision.class;
    reading.confident = true;
    reading.evidence = vec!["decided by the rep".into()];
    if decision.class == ReplyClass::Lost {
        reading.lost_reason = decision
            .reason
            .or(reading.lost_reason)
            .or(Some(LostReason::Other));
    }
    if decision.until.is_some() {
        reading.until = decision.until;
    }
    if decision.class == ReplyClass::Referral && reading.referral.is_none() {
        return Err(AppError::Unfit(
            "the reply names no one to refer to: add the contact with `rekindle contact add`"
                .into(),
        ));
    }
    let record = store.deal(old.deal).await?;
    let situation = DealSituation {
        status: record.deal.status,
        superseded: false,
        // The rep decided: their reading is acted on.
        direct: true,
        list: false,
    };
    let policy = store.policy().await?;
    let actions = plan(
        &reading,
        situation,
        &old.sender,
        &text,
        date_of(now),
        &policy,
    );
    let mut writer = store.capture_writer()?;
    let new =
        tokio::task::spawn_blocking(move || writer.override_reading(&old, &reading, &actions, now))
            .await
            .map_err(|e| AppError::Internal(format!("deciding {id}: {e}")))??;
    Ok(store.reading(new).await?)
}

/// What a reading's change did, in a few words (`closed lost (competitor), look again
/// 2027-03-01`), as the CLI's `replies list` and the dashboard show it.
pub fn describe(action: &Action) -> String {
    match action {
        Action::DoNotContact => "do-not-contact everywhere".into(),
        Action::StopAddress => "this address not written to again".into(),
        Action::HoldUntil { date } => format!("no touch before {date}"),
        Action::AddContact { name, address } => match address {
            Some(a) => format!("added {name} <{a}>"),
            None => format!("added {name}"),
        },
        Action::Close {
            status,
            reason,
            resurface_on,
            ..
        } => {
            let mut s = format!("closed {status}");
            if let Some(r) = reason {
                s += &format!(" ({r})");
            }
            if let Some(d) = resurface_on {
                s += &format!(", look again {d}");
            }
            s
        }
        Action::Reopen => "reopened".into(),
        Action::NextStep { what, due } => match due {
            Some(d) => format!("next step: {what} ({d})"),
            None => format!("next step: {what}"),
        },
        Action::NeedsRep { why } => format!("for you: {why}"),
    }
}

/// A reply just recorded, to be read.
pub struct Reply<'a> {
    pub deal: DealId,
    pub activity: ActivityId,
    pub contact: Option<ContactId>,
    /// The address it came from.
    pub address: &'a str,
    /// Its new text.
    pub text: &'a str,
    pub at: Timestamp,
    /// It answers the rep's conversation (`DealSituation::direct`): only then may its reading
    /// move the deal on its own. A reply the rep logs by hand is direct.
    pub direct: bool,
    /// It came through a mailing list or a bulk mailing (`DealSituation::list`).
    pub list: bool,
}

/// The date to look again a reply's changes set, if they set one (a reply read as later, or a
/// loss worth coming back to).
pub fn look_again(actions: &[Action]) -> Option<Date> {
    actions.iter().find_map(|a| match a {
        Action::Close { resurface_on, .. } => *resurface_on,
        _ => None,
    })
}

/// Reads a reply and moves its deal accordingly (`rekindle_core::reply`), keeping the reading
/// with what it changed (returned with it), on the capture writer's open transaction (the
/// caller commits it with the reply). `first` is a reading made without the conversation; a
/// bare answer is read again against the play it answers.
///
/// Errors: the store's.
pub fn act_on_reply(
    writer: &mut CaptureWriter,
    policy: &Policy,
    reply: Reply<'_>,
    first: Option<Reading>,
) -> Result<(Reading, Vec<Action>), AppError> {
    let context = writer.reply_context(reply.deal, reply.activity, reply.contact, reply.address)?;
    let sent = date_of(reply.at);
    let reading = match first {
        Some(r) if r.class != ReplyClass::Unclear || !context_matters(context.last_play) => r,
        _ => classify(reply.text, context.last_play, sent),
    };
    let situation = DealSituation {
        status: context.status,
        superseded: context.superseded,
        direct: reply.direct,
        list: reply.list,
    };
    let actions = plan(
        &reading,
        situation,
        &context.sender,
        reply.text,
        sent,
        policy,
    );
    writer.record_reading(
        reply.deal,
        reply.activity,
        reply.contact,
        reply.address,
        &context.sender,
        &reading,
        &actions,
        reply.at,
        "rekindle",
    )?;
    Ok((reading, actions))
}
