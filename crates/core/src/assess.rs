//! The assessment of one deal: its state, where the re-engagement sequence stands, a risk
//! score, the signals with evidence, the diagnosis and the next action.

use crate::diagnosis::{CauseFinding, diagnose};
use crate::plays::{NextAction, Sequence, next_action, sequence};
use crate::signals::{Context, Signal, SignalKind, detect};
use crate::{DealId, DealRecord, DealStatus, Norms, NormsBuilder, Policy};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::record::vocabulary!(
    /// How a deal is doing, from best to worst.
    DealState, "state" {
        Healthy => "healthy",
        AtRisk => "at_risk",
        Slipping => "slipping",
        Dark => "dark",
    }
);

/// Everything the engine says about one deal. It reads back from its JSON (a stored
/// assessment: the store's read model).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Assessment {
    pub deal_id: DealId,
    pub state: DealState,
    pub risk: u32,
    pub sequence: Sequence,
    pub signals: Vec<Signal>,
    pub diagnosis: Vec<CauseFinding>,
    pub next_action: NextAction,
}

/// Assesses one open deal at `now`. Pure: same inputs, same answer.
pub fn assess(record: &DealRecord, now: Timestamp, policy: &Policy, norms: &Norms) -> Assessment {
    let ctx = Context::new(record, now, policy, norms);
    let signals = detect(&ctx);
    let state = state_of(&signals, &ctx);
    let risk = signals.iter().map(|s| s.weight).sum::<u32>().min(100);
    let sequence = sequence(&ctx);
    let diagnosis = if state == DealState::Healthy {
        Vec::new()
    } else {
        diagnose(record, &signals)
    };
    let next_action = next_action(&ctx, state, &signals, &sequence);
    Assessment {
        deal_id: record.deal.id,
        state,
        risk,
        sequence,
        signals,
        diagnosis,
        next_action,
    }
}

/// Dark: silent beyond their norm after repeated touches, a broken promise or a missed step.
/// Slipping: any dark-deal signal. At risk: warning signs only.
fn state_of(signals: &[Signal], ctx: &Context) -> DealState {
    let has = |k: SignalKind| signals.iter().any(|s| s.kind == k);
    let silent = has(SignalKind::SilenceBeyondNorm);
    let broken_promise = has(SignalKind::CommitmentBroken) || has(SignalKind::NextStepPassed);
    if silent && (ctx.unanswered.len() >= ctx.policy.unanswered_warning || broken_promise) {
        DealState::Dark
    } else if signals.iter().any(|s| s.kind.is_slipping()) {
        DealState::Slipping
    } else if !signals.is_empty() {
        DealState::AtRisk
    } else {
        DealState::Healthy
    }
}

/// Assesses every open deal, as a scan does: stage norms from every deal (open and closed),
/// reply habits from the deals of each account. Results in deal id order.
pub fn assess_all(records: &[DealRecord], now: Timestamp, policy: &Policy) -> Vec<Assessment> {
    let mut stages = NormsBuilder::default();
    for r in records {
        stages.observe_stages(&r.stage_history, now);
    }
    let stages = stages.finish();
    let mut accounts: BTreeMap<&str, Vec<&DealRecord>> = BTreeMap::new();
    for r in records {
        accounts
            .entry(r.deal.account.name.as_str())
            .or_default()
            .push(r);
    }
    let mut out: Vec<Assessment> = Vec::new();
    for group in accounts.values() {
        let norms = stages.with_replies_from(group.iter().copied(), now);
        out.extend(
            group
                .iter()
                .filter(|r| r.deal.status == DealStatus::Open)
                .map(|r| assess(r, now, policy, &norms)),
        );
    }
    out.sort_by_key(|a| a.deal_id);
    out
}

/// Most urgent first: due first, then dark before healthy, then higher risk.
pub fn by_urgency(a: &Assessment, b: &Assessment) -> std::cmp::Ordering {
    let day = |x: &Assessment| {
        x.next_action
            .due
            .as_second()
            .div_euclid(crate::time::SECONDS_PER_DAY)
    };
    day(a)
        .cmp(&day(b))
        .then(b.state.cmp(&a.state))
        .then(b.risk.cmp(&a.risk))
        .then(a.deal_id.cmp(&b.deal_id))
}
