//! Which play comes next, and when (PLAYBOOK.md, "Bringing them back"). The cadence has a hard
//! cap: the engine never recommends chasing past it. It moves to the breakup, then proposes
//! closing as unresponsive with a date to resurface. It recommends; the rep decides.

use crate::assess::DealState;
use crate::reach::{Barrier, Purpose, Reach, reach};
use crate::signals::{Context, Signal, SignalKind};
use crate::time::{add_days, date_of, human_date, start_of_day};
use crate::{DealStatus, LostReason, PlayKind};
use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

crate::record::vocabulary!(
    /// Where the re-engagement sequence stands.
    SequenceStep, "sequence step" {
        Engaged => "engaged",
        FollowingUp => "following_up",
        AccountabilitySent => "accountability_sent",
        AwaitingBreakupAnswer => "awaiting_breakup_answer",
        BreakupUnanswered => "breakup_unanswered",
    }
);

/// The sequence position: touches sent since they last engaged, against the cap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sequence {
    pub step: SequenceStep,
    pub unanswered_touches: usize,
    pub cap: usize,
    pub last_touch_at: Option<Timestamp>,
}

/// What the engine proposes when the right move is to stop working the deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CloseRecommendation {
    pub status: DealStatus,
    pub reason: Option<LostReason>,
    pub resurface_on: Date,
}

/// The next thing to do on a deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextAction {
    /// `None` means no message is due: hold the course, or wait for an answer.
    pub play: Option<PlayKind>,
    pub due: Timestamp,
    pub why: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close: Option<CloseRecommendation>,
    /// Why no touch may go now (`reach::reach`), when that is why there is no play.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barrier: Option<Barrier>,
}

pub fn sequence(ctx: &Context) -> Sequence {
    let n = ctx.unanswered.len();
    let last_touch_at = ctx.unanswered.last().map(|a| a.at);
    let sent = |p: PlayKind| ctx.unanswered.iter().rev().find(|a| a.play == Some(p));
    let step = if let Some(b) = sent(PlayKind::Breakup) {
        if add_days(b.at, ctx.policy.breakup_window_days) <= ctx.now {
            SequenceStep::BreakupUnanswered
        } else {
            SequenceStep::AwaitingBreakupAnswer
        }
    } else if sent(PlayKind::Accountability).is_some() {
        SequenceStep::AccountabilitySent
    } else if n > 0 {
        SequenceStep::FollowingUp
    } else {
        SequenceStep::Engaged
    };
    Sequence {
        step,
        unanswered_touches: n,
        cap: ctx.policy.touch_cap,
        last_touch_at,
    }
}

/// The next action, only when the deal's people may be touched (`reach::reach`, the rule the
/// drafts, the send-time check and revival share): a closed deal, a deal with nobody to write
/// to, or one whose date to look again has not come gets no play (PLAYBOOK.md, "Timing": time
/// the sequence to their date instead of chasing now). An absence moves the play to their
/// return, the first working day after it when that is a weekend (Mixmax reschedules the
/// same way).
pub fn next_action(
    ctx: &Context,
    state: DealState,
    signals: &[Signal],
    seq: &Sequence,
) -> NextAction {
    if let Reach::Unreachable { why, until } = reach(ctx.record, Purpose::Sequence, ctx.now) {
        let words = match &why {
            Barrier::Closed {
                status: DealStatus::Lost,
            } => format!("No touch: {why} (rekindle revive brings it back)"),
            Barrier::LookAgain { .. } | Barrier::Away { .. } => format!("Wait: {why}"),
            _ => format!("No touch: {why}"),
        };
        match why {
            // An absence keeps the play and moves it to their return (below).
            Barrier::Away { .. } => {}
            _ => {
                return NextAction {
                    play: None,
                    due: until.unwrap_or(ctx.now),
                    why: words,
                    close: None,
                    barrier: Some(why),
                };
            }
        }
    }
    let mut action = choose(ctx, state, signals, seq);
    if let Some(back) =
        crate::reach::away_until(ctx.record, ctx.now).filter(|b| start_of_day(*b) > action.due)
    {
        action.due = start_of_day(back);
        action.why = format!("{} (they are away until {back})", action.why);
    }
    action
}

/// Picks the next play. The order encodes the playbook: timing first (don't chase someone
/// locked into a contract), then the end of the sequence, then the plays that need the
/// prospect's words, then follow-ups and prevention.
fn choose(ctx: &Context, state: DealState, signals: &[Signal], seq: &Sequence) -> NextAction {
    let policy = ctx.policy;
    let now = ctx.now;
    let has = |k: SignalKind| signals.iter().any(|s| s.kind == k);
    // Never closer to the last touch than the minimum spacing.
    let spaced = |gap_days: i64| {
        seq.last_touch_at
            .map(|t| add_days(t, gap_days).max(now))
            .unwrap_or(now)
    };
    let action = |play: Option<PlayKind>, due: Timestamp, why: String| NextAction {
        play,
        due,
        why,
        close: None,
        barrier: None,
    };

    // Timing: locked into a contract, the sequence starts before the notice deadline, not now.
    if let Some(contract) = ctx
        .record
        .contract
        .as_ref()
        .filter(|c| c.ends_on > date_of(now))
        && state != DealState::Healthy
    {
        let notice_deadline = start_of_day(
            contract
                .ends_on
                .saturating_sub(crate::time::days(contract.notice_days)),
        );
        let start = add_days(notice_deadline, -policy.contract_lead_days).max(now);
        return action(
            Some(PlayKind::TimeToContract),
            start,
            format!(
                "Locked into {} until {} (notice by {}): time the sequence to start on {}, not chase now",
                contract.vendor,
                contract.ends_on,
                date_of(notice_deadline),
                date_of(start)
            ),
        );
    }

    match seq.step {
        SequenceStep::BreakupUnanswered => {
            let resurface_on = date_of(add_days(now, policy.resurface_after_days));
            return NextAction {
                play: Some(PlayKind::CloseOrNurture),
                due: now,
                why: format!(
                    "The breakup got no answer in {} days: close as unresponsive and resurface on {resurface_on}",
                    policy.breakup_window_days
                ),
                close: Some(CloseRecommendation {
                    status: DealStatus::Lost,
                    reason: Some(LostReason::Unresponsive),
                    resurface_on,
                }),
                barrier: None,
            };
        }
        SequenceStep::AwaitingBreakupAnswer => {
            let answer_by = add_days(seq.last_touch_at.unwrap_or(now), policy.breakup_window_days);
            return action(
                None,
                answer_by,
                format!(
                    "Breakup sent: wait for the answer until {}; no more chasing",
                    human_date(answer_by)
                ),
            );
        }
        _ => {}
    }

    if state == DealState::Dark && has(SignalKind::DiscoveryGap) {
        let resurface_on = date_of(add_days(now, policy.resurface_after_days));
        return NextAction {
            play: Some(PlayKind::CloseOrNurture),
            due: now,
            why: "Dark, and discovery never captured their problem, why now and the next step: nothing can save it; take it out of the pipeline".into(),
            close: Some(CloseRecommendation { status: DealStatus::Nurture, reason: None, resurface_on }),
            barrier: None,
        };
    }

    if seq.unanswered_touches >= policy.touch_cap {
        return action(
            Some(PlayKind::Breakup),
            spaced(policy.min_spacing_days),
            format!(
                "{} unanswered touches reached the cap of {}: send the breakup, then stop",
                seq.unanswered_touches, policy.touch_cap
            ),
        );
    }

    let broken = has(SignalKind::CommitmentBroken) || has(SignalKind::NextStepPassed);
    if broken
        && seq.step != SequenceStep::AccountabilitySent
        && matches!(state, DealState::Dark | DealState::Slipping)
    {
        return action(
            Some(PlayKind::Accountability),
            spaced(policy.min_spacing_days),
            "They didn't do what they said: play back their own words and ask what changed".into(),
        );
    }

    if matches!(state, DealState::Dark | DealState::Slipping) {
        let why = if has(SignalKind::Desperation) {
            format!(
                "Chasing is not working: the next touch must bring something new, no sooner than {} days after the last",
                policy.follow_up_gap_days
            )
        } else {
            "Follow up with something relevant to their problem, not a check-in".to_string()
        };
        return action(
            Some(PlayKind::ValueAdd),
            spaced(policy.follow_up_gap_days),
            why,
        );
    }

    if state == DealState::AtRisk {
        let worries: Vec<&str> = signals.iter().map(|s| s.kind.as_str()).collect();
        return action(
            Some(PlayKind::ObjectionHunt),
            spaced(policy.min_spacing_days),
            format!(
                "Warning signs ({}): hunt for the objection by trying to disqualify",
                worries.join(", ")
            ),
        );
    }

    match ctx
        .record
        .next_step
        .as_ref()
        .and_then(|s| s.due.map(|d| (s, d)))
    {
        Some((step, due)) => action(
            None,
            due,
            format!(
                "On track: next step \"{}\" on {}",
                step.what,
                human_date(due)
            ),
        ),
        None => action(None, now, "On track".into()),
    }
}
