//! Bringing deals back: ranking every lost, nurtured or dark deal for revival
//! (`core::revival::rank_one`), reading the pipeline account by account as the scan does, and
//! recording the occasions that reopen deals (a shipped feature, a trigger event, a promotion)
//! together with the drafts they queue, in one transaction.

use crate::outbox::{outgoing_of, twin};
use crate::pipeline::stage_norms;
use crate::{AppError, Caller};
use jiff::Timestamp;
use jiff::civil::Date;
use rekindle_core::compose::{Composer, Draft};
use rekindle_core::revival::{
    Candidate, Catalogue, Outlook, Promotion, PromotionKind, Reason, Revival, Shipped, Subject,
    TriggerEvent, TriggerKind, rank_one,
};
use rekindle_core::time::date_of;
use rekindle_core::{
    ContactId, DealRecord, DealState, DealStatus, EventId, LostReason, Money, OutgoingId,
    ParseError, assess, input,
};
use rekindle_store::{AccountWork, NewOutgoing, Occasion, Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// What to keep of the candidates as the pipeline streams by.
enum Keep {
    /// Every candidate this says yes to (a shipped feature's deals, an account's).
    Matching(Arc<dyn Fn(&Candidate) -> bool + Send + Sync>),
    /// Only the best `n`, buried ones included or not: memory stays bounded whatever the
    /// pipeline's size.
    Best { n: usize, buried: bool },
}

/// What a pass over the pipeline found: the candidates kept, best first, and how many there
/// were in all and how many are best left buried.
struct Found {
    kept: Vec<Candidate>,
    total: usize,
    buried: usize,
}

fn better(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.score.cmp(&a.score).then(a.deal.cmp(&b.deal))
}

/// The best `n` so far, shared by the reading threads.
struct Podium {
    n: usize,
    best: Vec<Candidate>,
}

impl Podium {
    fn offer(&mut self, c: Candidate) {
        if self.best.len() == self.n {
            match self.best.last() {
                Some(worst) if better(&c, worst).is_lt() => {
                    self.best.pop();
                }
                _ => return,
            }
        }
        let at = self
            .best
            .binary_search_by(|x| better(x, &c))
            .unwrap_or_else(|i| i);
        self.best.insert(at, c);
    }
}

/// An occasion the command records together with the drafts it makes: ranked as if it were
/// recorded already, so nothing is written before everything is ready.
#[derive(Clone)]
enum Pending {
    Nothing,
    Shipped(Shipped),
    Event(TriggerEvent),
    Promotion(Promotion),
}

/// Reads the whole pipeline, account by account, and ranks every revival candidate, with
/// `pending` counted as recorded.
async fn candidates(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
    keep: Keep,
    pending: Pending,
) -> Result<Found, AppError> {
    let policy = store.policy().await?;
    let stages = stage_norms(store, caller, now).await?;
    let revival = policy.revival();
    let since = date_of(now)
        .checked_sub(rekindle_core::time::days(revival.fresh_days))
        .unwrap_or(date_of(now));
    let mut events: HashMap<String, Vec<TriggerEvent>> = HashMap::new();
    for e in store.events_since(since).await? {
        events.entry(e.account.clone()).or_default().push(e);
    }
    let mut shipped = store.shipped().await?;
    let mut promotions = store.promotions_on(date_of(now)).await?;
    match pending {
        Pending::Nothing => {}
        Pending::Event(e) => {
            let known = events.entry(e.account.clone()).or_default();
            let same = |k: &TriggerEvent| k.kind == e.kind && k.on == e.on && k.source == e.source;
            if e.on >= since && !known.iter().any(same) {
                known.push(e);
            }
        }
        Pending::Shipped(f) => {
            shipped.retain(|s| s.feature != f.feature);
            shipped.push(f);
        }
        Pending::Promotion(p) => {
            promotions.retain(|q| q.name != p.name);
            if p.is_running(date_of(now)) {
                promotions.push(p);
            }
        }
    }
    let (events, shipped, promotions, catalogue) = (
        Arc::new(events),
        Arc::new(shipped),
        Arc::new(promotions),
        Arc::new(store.catalogue().await?),
    );
    let podium = Arc::new(std::sync::Mutex::new(Podium {
        n: match &keep {
            Keep::Best { n, .. } => *n,
            Keep::Matching(_) => 0,
        },
        best: Vec::new(),
    }));
    let keep = Arc::new(keep);
    let shared = podium.clone();
    // Each account returns (candidates, buried) counts and, when matching, the matches.
    let work: AccountWork<(usize, usize, Vec<Candidate>)> =
        Arc::new(move |group: Vec<DealRecord>| {
            let norms = stages.with_replies_from(&group, now);
            let here: Vec<&TriggerEvent> = group
                .first()
                .and_then(|r| events.get(&r.deal.account.name))
                .map(|v| v.iter().collect())
                .unwrap_or_default();
            let outlook = Outlook {
                shipped: &shipped,
                promotions: &promotions,
                catalogue: &catalogue,
                pipeline: &policy.pipeline,
                policy: &revival,
                now,
            };
            let (mut total, mut buried, mut matched) = (0, 0, Vec::new());
            for r in group.iter().filter(|r| r.deal.status != DealStatus::Won) {
                let dark = r.deal.status == DealStatus::Open
                    && assess(r, now, &policy, &norms).state == DealState::Dark;
                let subject = Subject { record: r, dark };
                let Some(c) = rank_one(&subject, &here, &outlook) else {
                    continue;
                };
                total += 1;
                buried += usize::from(c.leave_buried);
                match keep.as_ref() {
                    Keep::Matching(wanted) if wanted(&c) => matched.push(c),
                    Keep::Matching(_) => {}
                    Keep::Best {
                        buried: with_buried,
                        ..
                    } if *with_buried || !c.leave_buried => {
                        if let Ok(mut p) = shared.lock() {
                            p.offer(c);
                        }
                    }
                    Keep::Best { .. } => {}
                }
            }
            (total, buried, matched)
        });
    let mut found = Found {
        kept: Vec::new(),
        total: 0,
        buried: 0,
    };
    for (total, buried, matched) in store.map_accounts(false, work).await? {
        found.total += total;
        found.buried += buried;
        found.kept.extend(matched);
    }
    if let Ok(mut p) = podium.lock() {
        found.kept.append(&mut p.best);
    }
    found.kept.sort_by(better);
    Ok(found)
}

/// The occasion to come back with, in a few words (`sso shipped`, `funding on 2026-11-02`), as
/// the CLI's `revive` and the dashboard show it.
pub fn occasion_words(o: &Revival) -> String {
    match o {
        Revival::FeatureShipped { feature, .. } => format!("{feature} shipped"),
        Revival::Trigger { event } => format!("{} on {}", event.kind, event.on),
        Revival::ContractEnding { vendor, notice_by } => {
            format!("{vendor} notice due {notice_by}")
        }
        Revival::Resurface { on } => format!("their date to look again ({on})"),
        Revival::Promotion { promotion } => format!("{} until {}", promotion.name, promotion.until),
        Revival::CheckIn => "a value-adding check-in".into(),
    }
}

/// The factors that moved a candidate's score, heaviest first (by points, either way): each
/// with its points and why (`core::revival::rank`).
pub fn weighed(c: &Candidate) -> Vec<&Reason> {
    let mut reasons: Vec<&Reason> = c.reasons.iter().filter(|r| r.points != 0).collect();
    reasons.sort_by_key(|r| -r.points.abs());
    reasons
}

/// A candidate with its draft (or why none could be made) and where it was queued.
#[derive(Serialize)]
pub struct Drafted {
    #[serde(flatten)]
    pub candidate: Candidate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<Draft>,
    /// Why no draft was made (left buried, or the draft's error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_draft: Option<String>,
    /// The outbox message it was queued as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queued: Option<OutgoingId>,
    /// The same message already waits in the outbox as this one (a draft or approved), when
    /// the outbox was looked at (asked to queue, or an occasion read back): it is not queued
    /// twice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<OutgoingId>,
}

impl Drafted {
    fn bare(candidate: Candidate) -> Self {
        Drafted {
            candidate,
            draft: None,
            no_draft: None,
            queued: None,
            waiting: None,
        }
    }
}

/// What drafting does with the outbox.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outbox {
    /// Nothing: the drafts are only shown.
    Leave,
    /// Notes each draft whose message already waits there (`Drafted::waiting`); queues nothing.
    Look,
    /// Notes the waiting ones and queues the others.
    Queue,
}

impl Outbox {
    fn queue(queue: bool) -> Self {
        if queue { Outbox::Queue } else { Outbox::Leave }
    }
}

/// Drafts for `candidates`; with [`Outbox::Queue`], the messages to put in the outbox (by
/// position in the list), for the caller to record in one transaction with what it records.
async fn with_drafts(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    candidates: Vec<Candidate>,
    outbox: Outbox,
    now: Timestamp,
) -> Result<(Vec<Drafted>, Vec<(usize, NewOutgoing)>), AppError> {
    let mut to_queue = Vec::new();
    let policy = store.policy().await?;
    let pending = if outbox == Outbox::Leave {
        Vec::new()
    } else {
        store.outbox(false).await?
    };
    let mut out = Vec::new();
    for candidate in candidates {
        if candidate.leave_buried {
            out.push(Drafted {
                candidate,
                draft: None,
                no_draft: Some("leave it buried".into()),
                queued: None,
                waiting: None,
            });
            continue;
        }
        let record = store.deal(candidate.deal).await?;
        let (draft, no_draft) =
            match composer.draft_revival(&record, &candidate.occasion, now, &policy) {
                Ok(d) => (Some(d), None),
                Err(e) => (None, Some(e.to_string())),
            };
        let mut waiting = None;
        if let (Some(d), false) = (&draft, outbox == Outbox::Leave) {
            waiting = twin(&pending, candidate.deal, d).map(|m| m.id);
            if waiting.is_none() && outbox == Outbox::Queue {
                to_queue.push((out.len(), outgoing_of(store, caller, &record, d).await?));
            }
        }
        out.push(Drafted {
            candidate,
            draft,
            no_draft,
            queued: None,
            waiting,
        });
    }
    Ok((out, to_queue))
}

/// Drafts `found` and records `occasion` with, when `queue`, the drafts not already waiting
/// in the outbox, in one transaction; the queued ids are noted on the drafts.
async fn record(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    occasion: Occasion<'_>,
    found: Vec<Candidate>,
    queue: bool,
    now: Timestamp,
) -> Result<Vec<Drafted>, AppError> {
    let (mut drafted, to_queue) =
        with_drafts(store, caller, composer, found, Outbox::queue(queue), now).await?;
    let messages: Vec<NewOutgoing> = to_queue.iter().map(|(_, m)| m.clone()).collect();
    let (_, ids) = store.record_occasion(occasion, &messages, now).await?;
    for ((at, _), id) in to_queue.iter().zip(ids) {
        drafted[*at].queued = Some(id);
    }
    Ok(drafted)
}

/// The revival queue at `now`: the best `n` candidates (the ones best left buried too, with
/// `buried`), best first, each with its draft when a composer is given; and how many there
/// were in all and how many are best left buried.
pub struct Revived {
    pub candidates: Vec<Drafted>,
    pub considered: usize,
    pub left_buried: usize,
}

/// What `revive` does with the candidates it keeps: rank only, draft each one's play, or
/// draft and queue the drafts for review.
pub enum Drafting<'a> {
    None,
    Draft(&'a Composer),
    Queue(&'a Composer),
}

/// Ranks every lost, nurtured or dark deal for revival at `now`, keeping the best `n` (memory
/// stays bounded whatever the pipeline's size); with a composer, drafts each one's play
/// (`compose::draft_revival`; a draft that cannot be made says why), and with
/// [`Drafting::Queue`] puts the drafts in the outbox, all in one transaction, each kept as a
/// revival (`Draft::purpose`: a value-adding check-in to a lost deal is sent as one). The same
/// message already waiting is not queued again (`Drafted::waiting`).
///
/// Errors: the store's.
pub async fn revive(
    store: &Store,
    caller: &Caller,
    n: usize,
    buried: bool,
    drafting: Drafting<'_>,
    now: Timestamp,
) -> Result<Revived, AppError> {
    let found = candidates(
        store,
        caller,
        now,
        Keep::Best { n, buried },
        Pending::Nothing,
    )
    .await?;
    let candidates = match drafting {
        Drafting::None => found.kept.into_iter().map(Drafted::bare).collect(),
        Drafting::Draft(c) => {
            with_drafts(store, caller, c, found.kept, Outbox::Leave, now)
                .await?
                .0
        }
        Drafting::Queue(c) => {
            record(store, caller, c, Occasion::Ranked, found.kept, true, now).await?
        }
    };
    Ok(Revived {
        candidates,
        considered: found.total,
        left_buried: found.buried,
    })
}

/// Files `synonym` under the feature `name` in the catalogue; returns the feature it is now
/// filed under.
///
/// Errors: the store's.
pub async fn feature_alias(
    store: &Store,
    _caller: &Caller,
    name: &str,
    synonym: &str,
) -> Result<String, AppError> {
    store.add_feature_alias(name, synonym).await?;
    Ok(store.catalogue().await?.file_under(synonym))
}

/// A shipped feature, and the lost or dark deals that needed it, with their drafts.
pub struct FeatureShipped {
    /// The feature's catalogue name.
    pub feature: String,
    pub on: Date,
    pub deals: Vec<Drafted>,
}

/// The lost or dark deals that needed `shipped` (filed under its catalogue name), ranked best
/// first as if it were recorded (recorded already, nothing changes).
async fn needing(
    store: &Store,
    caller: &Caller,
    catalogue: Catalogue,
    shipped: &Shipped,
    now: Timestamp,
) -> Result<Vec<Candidate>, AppError> {
    let wanted = shipped.feature.clone();
    let keep: Arc<dyn Fn(&Candidate) -> bool + Send + Sync> = Arc::new(
        move |c| matches!(&c.occasion, Revival::FeatureShipped { feature, .. } if catalogue.file_under(feature) == wanted),
    );
    let pending = Pending::Shipped(shipped.clone());
    Ok(
        candidates(store, caller, now, Keep::Matching(keep), pending)
            .await?
            .kept,
    )
}

/// Records that a feature shipped on `on` (default: today) and drafts the deals that needed
/// it; with `queue`, their drafts go to the outbox in the same transaction.
/// [`feature_reopens`] reads the same answer back without recording anything.
///
/// Errors: the store's.
pub async fn feature_shipped(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    name: &str,
    on: Option<Date>,
    queue: bool,
    now: Timestamp,
) -> Result<FeatureShipped, AppError> {
    let catalogue = store.catalogue().await?;
    let feature = catalogue.file_under(name);
    let on = on.unwrap_or(date_of(now));
    let shipped = Shipped {
        feature: feature.clone(),
        on,
    };
    let found = needing(store, caller, catalogue, &shipped, now).await?;
    let occasion = Occasion::Shipped(&shipped);
    let deals = record(store, caller, composer, occasion, found, queue, now).await?;
    Ok(FeatureShipped { feature, on, deals })
}

/// A feature recorded as shipped (by any name the catalogue files under it) and the lost or
/// dark deals that needed it, ranked at `now`, with their drafts, each draft's message noted
/// when it already waits in the outbox (`Drafted::waiting`): what [`feature_shipped`]
/// answered, read back. Records and queues nothing.
///
/// Errors: `NotFound` for a feature not recorded as shipped; the store's.
pub async fn feature_reopens(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    name: &str,
    now: Timestamp,
) -> Result<FeatureShipped, AppError> {
    let catalogue = store.catalogue().await?;
    let feature = catalogue.file_under(name);
    let shipped = store
        .shipped()
        .await?
        .into_iter()
        .find(|s| s.feature == feature)
        .ok_or_else(|| StoreError::NotFound {
            what: "shipped feature",
            key: name.to_string(),
        })?;
    let found = needing(store, caller, catalogue, &shipped, now).await?;
    let (deals, _) = with_drafts(store, caller, composer, found, Outbox::Look, now).await?;
    Ok(FeatureShipped {
        feature,
        on: shipped.on,
        deals,
    })
}

/// A trigger event, as the rep gives it.
#[derive(Clone, Debug)]
pub struct EventInput {
    pub account: String,
    /// A contact at the account, by id, name or address.
    pub contact: Option<String>,
    pub kind: TriggerKind,
    /// Default: today.
    pub on: Option<Date>,
    pub source: String,
    pub note: Option<String>,
}

/// The words of a trigger event or a promotion as a person gives them, each named by its field;
/// blank optional words count as not given.
pub struct Words<'a> {
    fields: Vec<(&'a str, Option<&'a str>)>,
}

impl<'a> Words<'a> {
    /// The words by field (`("account", Some("Acme"))`).
    pub fn new(fields: Vec<(&'a str, Option<&'a str>)>) -> Self {
        Words { fields }
    }

    fn get(&self, field: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, v)| *v)
            .filter(|v| !v.trim().is_empty())
    }

    fn required(&self, field: &str) -> Result<&'a str, ParseError> {
        self.get(field)
            .ok_or_else(|| ParseError::new(field, "", "must not be empty or blank"))
    }

    fn line(&self, field: &str) -> Result<String, ParseError> {
        input::line(field, self.required(field)?)
    }

    fn date(&self, field: &str) -> Result<Option<Date>, ParseError> {
        self.get(field)
            .map(|d| rekindle_core::time::parse_date(field, d))
            .transpose()
    }
}

/// A word of a closed vocabulary, its error naming `field`.
fn named<T>(field: &str, parsed: Result<T, ParseError>) -> Result<T, ParseError> {
    parsed.map_err(|e| ParseError {
        field: field.to_string(),
        ..e
    })
}

impl EventInput {
    /// An event from words: `account`, `contact` (optional), `kind` (`funding`, `promotion`,
    /// `key_hire`, `leadership_change`, `acquisition`, `expansion`, `news`), `on` (a date,
    /// optional), `source` and `note` (optional).
    ///
    /// Errors: a [`ParseError`] naming the field.
    pub fn parse(words: &Words<'_>) -> Result<EventInput, ParseError> {
        Ok(EventInput {
            account: words.line("account")?,
            contact: words.get("contact").map(|c| c.trim().to_string()),
            kind: named("kind", TriggerKind::parse(words.required("kind")?.trim()))?,
            on: words.date("on")?,
            source: words.line("source")?,
            note: words
                .get("note")
                .map(|n| input::text("note", n))
                .transpose()?,
        })
    }
}

/// A trigger event recorded, the deals it reopens (with their drafts) and those it counted
/// for below the bar.
pub struct EventAdded {
    /// The id it is recorded under (new, or the same event's recorded before).
    pub id: EventId,
    pub event: TriggerEvent,
    pub reopens: Vec<Drafted>,
    pub not_enough: Vec<Candidate>,
}

/// Records a trigger event at an account and drafts the lost or dark deals it reopens (the
/// event is their occasion, even when an older reason scores higher); with `queue`, their
/// drafts go to the outbox in the same transaction.
///
/// Errors: [`AppError::Invalid`] for a bad event; `NotFound` for an unknown contact; the
/// store's.
pub async fn add_event(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    input: EventInput,
    queue: bool,
    now: Timestamp,
) -> Result<EventAdded, AppError> {
    let contact: Option<ContactId> = match &input.contact {
        Some(key) => Some(store.contact_at(&input.account, key).await?),
        None => None,
    };
    let e = TriggerEvent::new(
        &input.account,
        contact,
        input.kind,
        input.on.unwrap_or(date_of(now)),
        &input.source,
        input.note.as_deref(),
    )?;
    let (reopened, not_enough) = reopened_by(store, caller, &e, now).await?;
    let occasion = Occasion::Events(std::slice::from_ref(&e));
    let reopens = record(store, caller, composer, occasion, reopened, queue, now).await?;
    let id = store.event_id(&e).await?.ok_or_else(|| {
        AppError::Internal(format!(
            "the {} at {} on {} was not found once recorded",
            e.kind, e.account, e.on
        ))
    })?;
    Ok(EventAdded {
        id,
        event: e,
        reopens,
        not_enough,
    })
}

/// The lost or dark deals `e` reopens (it is their occasion, even when an older reason scores
/// higher), ranked best first as if it were recorded, and those it counts for below the bar.
async fn reopened_by(
    store: &Store,
    caller: &Caller,
    e: &TriggerEvent,
    now: Timestamp,
) -> Result<(Vec<Candidate>, Vec<Candidate>), AppError> {
    let occasion = Revival::Trigger { event: e.clone() };
    let wanted = occasion.clone();
    let keep: Arc<dyn Fn(&Candidate) -> bool + Send + Sync> =
        Arc::new(move |c| c.has_occasion(&wanted));
    let pending = Pending::Event(e.clone());
    Ok(
        candidates(store, caller, now, Keep::Matching(keep), pending)
            .await?
            .kept
            .into_iter()
            .map(|mut c| {
                c.come_back_with(occasion.clone());
                c
            })
            .partition(|c| !c.leave_buried),
    )
}

/// The trigger event recorded as `id` and the lost or dark deals it reopens, ranked at `now`,
/// with their drafts, each draft's message noted when it already waits in the outbox
/// (`Drafted::waiting`), and those it counts for below the bar: what [`add_event`] answered,
/// read back. Records and queues nothing.
///
/// Errors: `NotFound` for an unknown id; the store's.
pub async fn event_reopens(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    id: EventId,
    now: Timestamp,
) -> Result<EventAdded, AppError> {
    let event = store.event(id).await?;
    let (reopened, not_enough) = reopened_by(store, caller, &event, now).await?;
    let (reopens, _) = with_drafts(store, caller, composer, reopened, Outbox::Look, now).await?;
    Ok(EventAdded {
        id,
        event,
        reopens,
        not_enough,
    })
}

/// Records trigger events read elsewhere (a CSV), each once; returns how many were new.
///
/// Errors: the store's.
pub async fn import_events(
    store: &Store,
    _caller: &Caller,
    events: &[TriggerEvent],
) -> Result<usize, AppError> {
    Ok(store.add_events(events).await?)
}

/// The contact at an account, by id, name or address.
///
/// Errors: `NotFound`; an ambiguous name; the store's.
pub async fn contact_at(
    store: &Store,
    _caller: &Caller,
    account: &str,
    key: &str,
) -> Result<ContactId, AppError> {
    Ok(store.contact_at(account, key).await?)
}

/// A promotion, as the rep gives it.
#[derive(Clone, Debug)]
pub struct PromotionInput {
    pub name: String,
    pub kind: PromotionKind,
    pub offer: String,
    /// Default: today.
    pub from: Option<Date>,
    pub until: Date,
    pub min_stage: Option<String>,
    pub lost_reasons: Vec<LostReason>,
    /// Amounts as written; a bare one is in the database's currency (`Money::parse`).
    pub min_amount: Option<String>,
    pub max_amount: Option<String>,
}

impl PromotionInput {
    /// A promotion from words: `name`, `kind` (`discount`, `free_onboarding`,
    /// `flexible_billing`), `offer`, `from` (optional), `until`, `min_stage`, `min_amount` and
    /// `max_amount` (optional), and the lost reasons it is for (none: the defaults).
    ///
    /// Errors: a [`ParseError`] naming the field.
    pub fn parse(words: &Words<'_>, lost_reasons: &[&str]) -> Result<PromotionInput, ParseError> {
        let kept = |f: &str| words.get(f).map(|v| v.trim().to_string());
        Ok(PromotionInput {
            name: words.line("name")?,
            kind: named("kind", PromotionKind::parse(words.required("kind")?.trim()))?,
            offer: words.line("offer")?,
            from: words.date("from")?,
            until: rekindle_core::time::parse_date("until", words.required("until")?)?,
            min_stage: kept("min_stage"),
            lost_reasons: lost_reasons
                .iter()
                .filter(|r| !r.trim().is_empty())
                .map(|r| named("lost_reasons", LostReason::parse(r.trim())))
                .collect::<Result<_, _>>()?,
            min_amount: kept("min_amount"),
            max_amount: kept("max_amount"),
        })
    }
}

/// A promotion recorded, whether it runs now, and the deals on the verge it qualifies (with
/// their drafts).
pub struct PromotionAdded {
    pub promotion: Promotion,
    pub running: bool,
    pub deals: Vec<Drafted>,
}

/// Records a promotion (checked against the pipeline: `Promotion::check`) and, when it runs
/// at `now`, drafts the deals on the verge it qualifies; with `queue`, their drafts go to the
/// outbox in the same transaction.
///
/// Errors: [`AppError::Invalid`] for a bad amount, stage or period; the store's.
pub async fn add_promotion(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    input: PromotionInput,
    queue: bool,
    now: Timestamp,
) -> Result<PromotionAdded, AppError> {
    let currency = store.currency().await?;
    let promotion = Promotion {
        name: input.name.trim().to_string(),
        kind: input.kind,
        offer: input.offer.trim().to_string(),
        from: input.from.unwrap_or(date_of(now)),
        until: input.until,
        min_stage: input.min_stage,
        lost_reasons: input.lost_reasons,
        min_amount: input
            .min_amount
            .as_deref()
            .map(|m| Money::parse(m, currency))
            .transpose()?,
        max_amount: input
            .max_amount
            .as_deref()
            .map(|m| Money::parse(m, currency))
            .transpose()?,
    };
    promotion.check(&store.policy().await?.pipeline)?;
    let (running, found) = qualified(store, caller, &promotion, now).await?;
    let occasion = Occasion::Promotion(&promotion);
    let deals = record(store, caller, composer, occasion, found, queue, now).await?;
    Ok(PromotionAdded {
        promotion,
        running,
        deals,
    })
}

/// Whether `promotion` runs at `now` and, when it does, the deals on the verge it qualifies,
/// ranked best first as if it were recorded.
async fn qualified(
    store: &Store,
    caller: &Caller,
    promotion: &Promotion,
    now: Timestamp,
) -> Result<(bool, Vec<Candidate>), AppError> {
    if !promotion.is_running(date_of(now)) {
        return Ok((false, Vec::new()));
    }
    let occasion = Revival::Promotion {
        promotion: promotion.clone(),
    };
    let wanted = occasion.clone();
    let keep: Arc<dyn Fn(&Candidate) -> bool + Send + Sync> =
        Arc::new(move |c| !c.leave_buried && c.has_occasion(&wanted));
    let pending = Pending::Promotion(promotion.clone());
    let found = candidates(store, caller, now, Keep::Matching(keep), pending)
        .await?
        .kept
        .into_iter()
        .map(|mut c| {
            c.come_back_with(occasion.clone());
            c
        })
        .collect();
    Ok((true, found))
}

/// The promotion recorded as `name`, whether it runs at `now`, and the deals on the verge it
/// qualifies then, ranked, with their drafts, each draft's message noted when it already
/// waits in the outbox (`Drafted::waiting`): what [`add_promotion`] answered, read back.
/// Records and queues nothing.
///
/// Errors: `NotFound` for a promotion not recorded; the store's.
pub async fn promotion_reopens(
    store: &Store,
    caller: &Caller,
    composer: &Composer,
    name: &str,
    now: Timestamp,
) -> Result<PromotionAdded, AppError> {
    let promotion = store.promotion(name.trim()).await?;
    let (running, found) = qualified(store, caller, &promotion, now).await?;
    let (deals, _) = with_drafts(store, caller, composer, found, Outbox::Look, now).await?;
    Ok(PromotionAdded {
        promotion,
        running,
        deals,
    })
}

/// The line where a quoted field opens and never closes (RFC 4180 section 2: a field that
/// starts with `"` ends at a `"` not doubled), if one does. The csv crate reads such a field
/// to the end of the file without complaint, which would swallow every line after it into one
/// value.
fn unterminated_quote(bytes: &[u8]) -> Option<usize> {
    let (mut line, mut opened_on) = (1, 0);
    let (mut in_quotes, mut field_start) = (false, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && field_start {
            in_quotes = true;
            opened_on = line;
        }
        if b == b'\n' {
            line += 1;
        }
        field_start = !in_quotes && matches!(b, b',' | b'\n' | b'\r');
        i += 1;
    }
    in_quotes.then_some(opened_on)
}

/// Reads a CSV of trigger events (a header line naming the columns account, contact, kind,
/// date, source, note, in any order; contact and note optional), every error naming `name`
/// (the file), the line and the field. Nothing is recorded: [`import_events`] does that.
///
/// Errors: [`AppError::Unfit`] for a quote never closed, a missing column or an empty
/// account; [`AppError::Context`] naming the line and field for a bad value or an unknown
/// contact.
pub async fn events_from_csv(
    store: &Store,
    caller: &Caller,
    name: &str,
    bytes: &[u8],
) -> Result<Vec<TriggerEvent>, AppError> {
    if let Some(line) = unterminated_quote(bytes) {
        return Err(AppError::Unfit(format!(
            "{name} line {line}: a quoted field opens here and is never closed (a missing \"); nothing was imported"
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| AppError::Unfit(format!("{name}: the header line: {e}")))?
        .clone();
    let column = |col: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(col));
    let required = |col: &str| {
        column(col).ok_or_else(|| {
            AppError::Unfit(format!(
                "{name}: no {col} column (expected account,contact,kind,date,source,note)"
            ))
        })
    };
    let (account, kind, date, source) = (
        required("account")?,
        required("kind")?,
        required("date")?,
        required("source")?,
    );
    let (contact, note) = (column("contact"), column("note"));
    let mut events = Vec::new();
    for (i, row) in reader.records().enumerate() {
        // Where the record starts: fields may span lines.
        let line = match &row {
            Ok(r) => r.position().map_or(i as u64 + 2, |p| p.line()),
            Err(e) => e.position().map_or(i as u64 + 2, |p| p.line()),
        };
        let at = |field: &str| format!("{name} line {line}, field {field}");
        let row = row.map_err(|e| AppError::Unfit(format!("{name} line {line}: {e}")))?;
        let get = |c: Option<usize>| c.and_then(|c| row.get(c)).filter(|v| !v.is_empty());
        let account_name = get(Some(account))
            .ok_or_else(|| AppError::Unfit(format!("{}: empty", at("account"))))?;
        let contact_id = match get(contact) {
            Some(key) => Some(
                contact_at(store, caller, account_name, key)
                    .await
                    .map_err(|e| e.context(at("contact")))?,
            ),
            None => None,
        };
        let kind = TriggerKind::parse(get(Some(kind)).unwrap_or(""))
            .map_err(|e| AppError::from(e).context(at("kind")))?;
        let on = rekindle_core::time::parse_date("date", get(Some(date)).unwrap_or(""))
            .map_err(|e| AppError::from(e).context(at("date")))?;
        let event = TriggerEvent::new(
            account_name,
            contact_id,
            kind,
            on,
            get(Some(source)).unwrap_or(""),
            get(note),
        )
        .map_err(|e| AppError::from(e).context(at("source")))?;
        events.push(event);
    }
    Ok(events)
}
