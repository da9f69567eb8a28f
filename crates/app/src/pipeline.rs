//! Reading the pipeline: the scan of every open deal, what is due today, and one deal assessed.

use crate::{AppError, Caller};
use jiff::Timestamp;
use rekindle_core::assess::by_urgency;
use rekindle_core::outbox::OutboxState;
use rekindle_core::*;
use rekindle_store::{AccountWork, Filter, Scope, Store};
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// One deal in a scan: what it is, and its assessment.
#[derive(Serialize)]
pub struct ScanRow {
    /// Also in the assessment, which is flattened into the row.
    #[serde(skip)]
    pub deal_id: DealId,
    pub title: String,
    pub account: String,
    pub owner: String,
    pub stage: String,
    pub amount: Money,
    pub status: DealStatus,
    /// Their date to look again, when one is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resurface_on: Option<jiff::civil::Date>,
    #[serde(flatten)]
    pub assessment: Assessment,
}

impl ScanRow {
    fn new(r: &DealRecord, assessment: Assessment) -> Self {
        let d = &r.deal;
        ScanRow {
            deal_id: d.id,
            title: d.title.clone(),
            account: d.account.name.clone(),
            owner: d.owner.clone(),
            stage: d.stage.clone(),
            amount: d.amount,
            status: d.status,
            resurface_on: d.resurface_on,
            assessment,
        }
    }
}

/// The open deals (and the nurtured ones whose date to look again has come) with their
/// assessments at one moment, in deal id order.
pub struct Scan {
    pub rows: Vec<ScanRow>,
}

impl Scan {
    /// The rows worst first: dark before slipping before at risk before healthy, then higher
    /// risk, then deal id.
    pub fn worst_first(&self) -> Vec<&ScanRow> {
        let mut sorted: Vec<&ScanRow> = self.rows.iter().collect();
        sorted.sort_by(|x, y| {
            let (a, b) = (&x.assessment, &y.assessment);
            b.state
                .cmp(&a.state)
                .then(b.risk.cmp(&a.risk))
                .then(x.deal_id.cmp(&y.deal_id))
        });
        sorted
    }

    /// The rows whose next action is a play due on `now`'s day or before, most urgent first
    /// (`assess::by_urgency`).
    pub fn due(&self, now: Timestamp) -> Vec<&ScanRow> {
        let today = time::date_of(now);
        let mut due: Vec<&ScanRow> = self
            .rows
            .iter()
            .filter(|r| {
                r.assessment.next_action.play.is_some()
                    && time::date_of(r.assessment.next_action.due) <= today
            })
            .collect();
        due.sort_by(|a, b| by_urgency(&a.assessment, &b.assessment));
        due
    }

    /// The row whose play falls due first (the most urgent among those due the same moment),
    /// if any play is planned: what comes next when nothing is due today.
    pub fn next_planned(&self) -> Option<&ScanRow> {
        self.rows
            .iter()
            .filter(|r| r.assessment.next_action.play.is_some())
            .min_by(|a, b| {
                a.assessment
                    .next_action
                    .due
                    .cmp(&b.assessment.next_action.due)
                    .then_with(|| by_urgency(&a.assessment, &b.assessment))
            })
    }
}

/// The team's stage durations, learned from every deal's stage history (`norms`).
///
/// Errors: the store's.
pub async fn stage_norms(
    store: &Store,
    _caller: &Caller,
    now: Timestamp,
) -> Result<Norms, AppError> {
    let mut b = NormsBuilder::default();
    for history in store.stage_histories().await? {
        b.observe_stages(&history, now);
    }
    Ok(b.finish())
}

/// Whether the scan (and `today`) looks at a deal: every open deal, and a nurtured one whose
/// date to look again has come (before it, nothing proposes a touch: `reach`).
fn in_scan(r: &DealRecord, now: Timestamp) -> bool {
    match r.deal.status {
        DealStatus::Open => true,
        DealStatus::Nurture => r
            .deal
            .resurface_on
            .is_some_and(|on| on <= time::date_of(now)),
        DealStatus::Won | DealStatus::Lost => false,
    }
}

/// Assesses every open deal (and every nurtured one whose date has come) at `now`, account by
/// account as the store streams them: each account's deals teach its contacts' reply habits,
/// every deal teaches the stage durations.
///
/// Errors: the store's (an unreadable deal names its row).
pub async fn scan(store: &Store, caller: &Caller, now: Timestamp) -> Result<Scan, AppError> {
    let policy = store.policy().await?;
    // The stage norms are learned while the readers start: a reader decodes its first
    // accounts, then waits for them before assessing.
    let stages: Arc<OnceLock<Option<Norms>>> = Arc::new(OnceLock::new());
    let learning = {
        let (store, stages, caller) = (store.clone(), stages.clone(), caller.clone());
        tokio::spawn(async move {
            let learned = stage_norms(&store, &caller, now).await;
            let (norms, error) = match learned {
                Ok(n) => (Some(n), None),
                Err(e) => (None, Some(e)),
            };
            stages.set(norms).ok();
            error
        })
    };
    let work: AccountWork<Vec<ScanRow>> = Arc::new(move |group: Vec<DealRecord>| {
        let Some(stages) = stages.wait() else {
            return Vec::new();
        };
        let norms = stages.with_replies_from(&group, now);
        group
            .iter()
            .filter(|r| in_scan(r, now))
            .map(|r| ScanRow::new(r, assess(r, now, &policy, &norms)))
            .collect()
    });
    let mapped = store.map_accounts(false, work).await;
    let learned = learning
        .await
        .map_err(|e| AppError::Internal(format!("learning the stage norms: {e}")))?;
    if let Some(error) = learned {
        return Err(error);
    }
    let mut rows: Vec<ScanRow> = mapped?.into_iter().flatten().collect();
    rows.sort_by_key(|r| r.deal_id);
    Ok(Scan { rows })
}

/// What waits for the rep's decision, counted.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Waiting {
    /// Readings of replies that wait for the rep (uncertain or indirect).
    pub replies: usize,
    /// Outbox drafts to review and approve.
    pub drafts: usize,
    /// Outbox messages refused at send time.
    pub refused: usize,
    /// Outbox messages that may have gone out: the rep confirms them.
    pub unconfirmed: usize,
}

/// The day's work: the scan it was drawn from, and what waits for the rep.
pub struct Today {
    /// The moment it was assessed at.
    pub at: Timestamp,
    pub scan: Scan,
    pub waiting: Waiting,
}

impl Today {
    /// The actions due today or overdue, most urgent first.
    pub fn due(&self) -> Vec<&ScanRow> {
        self.scan.due(self.at)
    }
}

/// Counts what waits for the rep: replies to decide, drafts to approve, messages refused or
/// left in doubt.
///
/// Errors: the store's.
pub async fn waiting(store: &Store, _caller: &Caller) -> Result<Waiting, AppError> {
    let replies = store.readings(true, 1000).await?.len();
    let outbox = store.outbox(false).await?;
    let count = |state: OutboxState| outbox.iter().filter(|m| m.state == state).count();
    Ok(Waiting {
        replies,
        drafts: count(OutboxState::Draft),
        refused: count(OutboxState::Refused),
        unconfirmed: count(OutboxState::Unconfirmed),
    })
}

/// The day's work at `now`: the scan, and what waits for the rep ([`Today::due`] lists the
/// actions due).
///
/// Errors: the store's.
pub async fn today(store: &Store, caller: &Caller, now: Timestamp) -> Result<Today, AppError> {
    let scan = scan(store, caller, now).await?;
    let waiting = waiting(store, caller).await?;
    Ok(Today {
        at: now,
        scan,
        waiting,
    })
}

/// One deal with its full text, assessed exactly as the scan assesses it, and the policy it was
/// assessed with.
pub struct DealView {
    pub record: DealRecord,
    pub assessment: Assessment,
    pub policy: Policy,
    /// The norms it was assessed against: the account's reply habits, the team's stage
    /// durations (what the silence on a timeline is measured by).
    pub norms: Norms,
}

/// One deal at `now`: its record, its assessment (the account's reply habits, the team's
/// stage durations) and the policy.
///
/// Errors: `StoreError::NotFound` (kind `NotFound`) for an unknown deal; the store's.
pub async fn deal(
    store: &Store,
    caller: &Caller,
    id: DealId,
    now: Timestamp,
) -> Result<DealView, AppError> {
    let record = store.deal(id).await?;
    let account = store
        .load(Filter {
            scope: Scope::AccountOf(id),
            with_text: false,
        })
        .await?;
    let norms = stage_norms(store, caller, now)
        .await?
        .with_replies_from(&account, now);
    let policy = store.policy().await?;
    let assessment = assess(&record, now, &policy, &norms);
    Ok(DealView {
        record,
        assessment,
        policy,
        norms,
    })
}
