//! The assessment read model kept fresh: every read of assessments (the scan, `today`, the
//! board, the manager's figures) goes through [`fresh`] first, and `pipeline::refresh`
//! re-assesses the whole pipeline.
//!
//! **Invariant: a read never shows an assessment older than the last write.** Each write marks
//! the deals it may change stale in its own transaction (the store); [`fresh`] re-assesses
//! those at the model's moment (the same records, policy and norms a whole scan would use) and
//! writes them back before the read. A read at another moment than the model's, an outdated
//! policy or stage list, an import, or stage history that moved the team's stage durations
//! refreshes the whole model at the moment asked for, so results stay reproducible: the same
//! `now` over the same record gives the same answer whatever was read before.

use crate::pipeline::{ScanRow, in_scan, learn_stage_norms};
use crate::{AppError, Caller};
use jiff::Timestamp;
use rekindle_core::signals::SignalKind;
use rekindle_core::*;
use rekindle_store::{
    AccountWork, Filter, ModelState, NewAssessment, Scope, Store, StoreError, StoredAssessment,
};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, OnceLock};

/// How far down the worst-first order a row sorts: ascending is worst first (dark before
/// slipping before at risk before healthy, then higher risk), as `Scan::worst_first` orders.
pub(crate) fn worst(a: &Assessment) -> i64 {
    worst_range(a.state).0 + (999_999 - i64::from(a.risk).min(999_999))
}

/// The values of [`worst`] a state's rows take: `from` included, `until` excluded.
pub(crate) fn worst_range(state: DealState) -> (i64, i64) {
    let rank = match state {
        DealState::Dark => 0,
        DealState::Slipping => 1,
        DealState::AtRisk => 2,
        DealState::Healthy => 3,
    };
    (rank * 1_000_000, (rank + 1) * 1_000_000)
}

/// Whole days since the deal entered its stage (since it was created when no move is kept),
/// never negative.
fn days_in_stage(r: &DealRecord, now: Timestamp) -> i64 {
    let since = r
        .stage_history
        .last()
        .map_or(r.deal.created_at, |change| change.at);
    (now.as_second() - since.as_second()).max(0) / time::SECONDS_PER_DAY
}

/// The row the store keeps for one assessed deal.
fn to_stored(r: &DealRecord, row: &ScanRow, now: Timestamp) -> Result<NewAssessment, AppError> {
    let a = &row.assessment;
    let has = |k: SignalKind| a.signals.iter().any(|s| s.kind == k);
    // The heaviest signal; the engine's order breaks ties.
    let top = a
        .signals
        .iter()
        .fold(None::<&signals::Signal>, |best, s| match best {
            Some(b) if b.weight >= s.weight => Some(b),
            _ => Some(s),
        });
    let body = serde_json::to_string(row)
        .map_err(|e| AppError::Internal(format!("writing the assessment of {}: {e}", r.deal.id)))?;
    Ok(NewAssessment {
        deal_id: r.deal.id,
        state: a.state.as_str().to_string(),
        worst: worst(a),
        risk: i64::from(a.risk),
        top_signal: top.map(|s| s.kind.as_str().to_string()),
        top_summary: top.map(|s| s.summary.clone()),
        signals: a
            .signals
            .iter()
            .map(|s| s.kind.as_str().to_string())
            .collect(),
        next_play: a.next_action.play.map(|p| p.as_str().to_string()),
        next_why: Some(a.next_action.why.clone()),
        next_due: a.next_action.due,
        due_day: a
            .next_action
            .due
            .as_second()
            .div_euclid(time::SECONDS_PER_DAY),
        days_in_stage: days_in_stage(r, now),
        rotting: crate::pipeline::rotting(a),
        desperation: has(SignalKind::Desperation),
        owner: r.deal.owner.clone(),
        stage: r.deal.stage.clone(),
        status: r.deal.status.as_str().to_string(),
        amount_cents: r.deal.amount.cents,
        currency: r.deal.amount.currency.to_string(),
        account: r.deal.account.name.clone(),
        title: r.deal.title.clone(),
        expected_close: r.deal.expected_close.map(|d| d.to_string()),
        resurface_on: r.deal.resurface_on.map(|d| d.to_string()),
        body,
    })
}

/// A stored row read back as the scan's row.
pub(crate) fn from_stored(s: StoredAssessment) -> Result<ScanRow, AppError> {
    let corrupt = |detail: String| {
        AppError::Store(StoreError::Corrupt {
            table: "deal_assessments",
            id: s.deal_id.0,
            detail,
        })
    };
    let assessment: Assessment =
        serde_json::from_str(&s.body).map_err(|e| corrupt(e.to_string()))?;
    let currency = Currency::parse(&s.currency).map_err(|e| corrupt(e.to_string()))?;
    let status = DealStatus::parse(&s.status).map_err(|e| corrupt(e.to_string()))?;
    let resurface_on = s
        .resurface_on
        .as_deref()
        .map(|d| d.parse::<jiff::civil::Date>())
        .transpose()
        .map_err(|e| corrupt(e.to_string()))?;
    Ok(ScanRow {
        deal_id: s.deal_id,
        title: s.title,
        account: s.account,
        owner: s.owner,
        stage: s.stage,
        amount: Money::new(s.amount_cents, currency),
        status,
        resurface_on,
        assessment,
    })
}

/// Stored rows read back, in their order.
pub(crate) fn rows_from(stored: Vec<StoredAssessment>) -> Result<Vec<ScanRow>, AppError> {
    stored.into_iter().map(from_stored).collect()
}

/// The stage durations as kept with the model (JSON of a map by stage name).
fn norms_text(norms: &Norms) -> Result<String, AppError> {
    serde_json::to_string(&norms.stage_durations())
        .map_err(|e| AppError::Internal(format!("writing the stage norms: {e}")))
}

pub(crate) fn norms_from(text: Option<&str>) -> Option<Norms> {
    let durations: BTreeMap<String, Median> = serde_json::from_str(text?).ok()?;
    Some(Norms::from_stage_durations(durations))
}

/// What a whole-pipeline refresh did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refreshed {
    /// The moment every deal was assessed at.
    pub at: Timestamp,
    /// Deals in the scan, assessed and stored.
    pub deals: usize,
}

/// Assesses every deal in the scan at `now` and replaces the whole model with the result, in
/// one transaction. Marks made by writes while it ran stay, for the next read.
pub(crate) async fn refresh(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
) -> Result<Refreshed, AppError> {
    let seen = store.model_state().await?;
    let policy = store.policy().await?;
    // The stage norms are learned while the readers start: a reader decodes its first
    // accounts, then waits for them before assessing.
    let stages: Arc<OnceLock<Option<Norms>>> = Arc::new(OnceLock::new());
    let learning = {
        let (store, stages, caller) = (store.clone(), stages.clone(), caller.clone());
        tokio::spawn(async move {
            let learned = learn_stage_norms(&store, &caller, now).await;
            let (norms, error) = match learned {
                Ok(n) => (Some(n), None),
                Err(e) => (None, Some(e)),
            };
            stages.set(norms).ok();
            error
        })
    };
    let work: AccountWork<Result<Vec<NewAssessment>, String>> = {
        let stages = stages.clone();
        Arc::new(move |group: Vec<DealRecord>| {
            let Some(stages) = stages.wait() else {
                return Ok(Vec::new());
            };
            assess_group(&group, now, &policy, stages).map_err(|e| e.to_string())
        })
    };
    let mapped = store.map_accounts(false, work).await;
    let learned = learning
        .await
        .map_err(|e| AppError::Internal(format!("learning the stage norms: {e}")))?;
    if let Some(error) = learned {
        return Err(error);
    }
    let mut rows = Vec::new();
    for group in mapped? {
        rows.extend(group.map_err(AppError::Internal)?);
    }
    let deals = rows.len();
    let norms = stages
        .get()
        .and_then(|n| n.as_ref())
        .ok_or_else(|| AppError::Internal("the stage norms were not learned".into()))?;
    store
        .replace_model(rows, now, &norms_text(norms)?, &seen)
        .await?;
    Ok(Refreshed { at: now, deals })
}

/// One account's deals in the scan, assessed as the scan does (its reply habits, the team's
/// stage durations) and made into stored rows.
fn assess_group(
    group: &[DealRecord],
    now: Timestamp,
    policy: &Policy,
    stages: &Norms,
) -> Result<Vec<NewAssessment>, AppError> {
    let norms = stages.with_replies_from(group, now);
    group
        .iter()
        .filter(|r| in_scan(r, now))
        .map(|r| {
            let row = ScanRow::new(r, assess(r, now, policy, &norms));
            to_stored(r, &row, now)
        })
        .collect()
}

/// Brings the model to `now` before a read: refreshed whole when it was assessed at another
/// moment or is outdated whole (policy, stages, import) or the team's stage durations moved;
/// else the stale deals' accounts re-assessed and written back. Returns when the model holds
/// every deal of the scan at `now`, none older than the last write, with the policy it was
/// assessed with (read with the model's state: a page needs no second read for its stages).
pub(crate) async fn fresh(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
) -> Result<Policy, AppError> {
    // A write between reading the model's state and writing back makes the write-back give
    // way; the next round takes the write in.
    for _ in 0..3 {
        let state = store.model_state().await?;
        if !state.usable_at(now) {
            refresh(store, caller, now).await?;
            return Ok(state.policy);
        }
        let Some(stages) = norms_from(state.stage_norms.as_deref()) else {
            refresh(store, caller, now).await?;
            return Ok(state.policy);
        };
        if state.stages_moved {
            let learned = learn_stage_norms(store, caller, now).await?;
            if learned.stage_durations() != stages.stage_durations() {
                refresh(store, caller, now).await?;
                return Ok(state.policy);
            }
        }
        let stale = if state.any_stale {
            store.stale_deals(state.changes).await?
        } else {
            Vec::new()
        };
        if stale.is_empty() && !state.stages_moved {
            return Ok(state.policy);
        }
        if reassess(store, &stale, now, &stages, &state).await? {
            return Ok(state.policy);
        }
    }
    refresh(store, caller, now).await?;
    Ok(store.policy().await?)
}

/// Re-assesses the accounts of the `stale` deals at `now` and writes them back; false when
/// the model moved on meanwhile.
async fn reassess(
    store: &Store,
    stale: &[DealId],
    now: Timestamp,
    stages: &Norms,
    state: &ModelState,
) -> Result<bool, AppError> {
    let policy = &state.policy;
    let mut done: HashSet<DealId> = HashSet::new();
    let mut rows = Vec::new();
    for deal in stale {
        if done.contains(deal) {
            continue;
        }
        let group = store
            .load(Filter {
                scope: Scope::AccountOf(*deal),
                with_text: false,
            })
            .await?;
        // A deal marked stale but not found (never the case: deals are not deleted) is only
        // taken out of the model.
        done.insert(*deal);
        done.extend(group.iter().map(|r| r.deal.id));
        rows.extend(assess_group(&group, now, policy, stages)?);
    }
    let mut deals: Vec<DealId> = done.into_iter().collect();
    deals.sort();
    Ok(store.update_model(&deals, rows, now, state).await?)
}
