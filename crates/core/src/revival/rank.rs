//! Triage (PLAYBOOK.md): spend revival effort on deals worth it and salvageable - lost to
//! timing, a missing feature or budget; far along; a good fit - and on the ones with a fresh
//! reason to come back. Each factor adds or takes points with its reason; below the threshold
//! the answer is "leave it buried".

use super::features::Catalogue;
use super::{Promotion, TriggerEvent, TriggerKind};
use crate::time::{date_of, days_between, start_of_day};
use crate::{DealId, DealRecord, DealStatus, LostReason, Pipeline};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

/// A deal that may be brought back: lost, nurtured, or open and dark (the caller's scan says).
pub struct Subject<'a> {
    pub record: &'a DealRecord,
    pub dark: bool,
}

/// A feature that shipped, by its catalogue name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shipped {
    pub feature: String,
    pub on: Date,
}

/// The thresholds of triage (set through `Policy`: `rekindle policy set revive_threshold 50`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RevivalPolicy {
    /// Below this score: leave it buried.
    pub threshold: i32,
    /// Trigger events and shipped features older than this are not fresh.
    pub fresh_days: i64,
    /// Lost more recently than this: too soon to come back.
    pub too_soon_days: i64,
    /// Lost longer ago than this: the grave has decomposed.
    pub decomposed_days: i64,
    /// A contract's notice deadline this close is a reason to come back now.
    pub contract_window_days: i64,
}

impl Default for RevivalPolicy {
    /// The defaults of `Policy` (`revive_threshold` and the rest).
    fn default() -> Self {
        crate::Policy::default().revival()
    }
}

/// What a factor is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Standing,
    FurthestStage,
    Amount,
    Fit,
    HowLongAgo,
    PastEngagement,
    Trigger,
    FeatureShipped,
    ContractEnding,
    Promotion,
}

/// One factor's points and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub factor: Factor,
    pub points: i32,
    pub why: String,
}

/// The occasion to come back with, which decides the play.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "occasion", rename_all = "snake_case")]
pub enum Revival {
    FeatureShipped {
        feature: String,
        /// What they said it was for, in their words.
        why: Option<String>,
        shipped_on: Date,
    },
    Trigger {
        event: TriggerEvent,
    },
    ContractEnding {
        vendor: String,
        notice_by: Date,
    },
    Promotion {
        promotion: Promotion,
    },
    /// Their own date to look again has come.
    Resurface {
        on: Date,
    },
    /// No occasion: a touch that brings something new.
    CheckIn,
}

/// A ranked revival candidate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    pub deal: DealId,
    pub title: String,
    pub account: String,
    pub status: DealStatus,
    pub score: i32,
    pub reasons: Vec<Reason>,
    /// The best occasion to come back with.
    pub occasion: Revival,
    /// The other occasions that counted, next best first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Revival>,
    /// Below the threshold: not worth the effort now.
    pub leave_buried: bool,
}

impl Candidate {
    /// Whether `occasion` counted for this deal.
    pub fn has_occasion(&self, occasion: &Revival) -> bool {
        self.occasion == *occasion || self.also.contains(occasion)
    }

    /// Makes `occasion` the one to come back with (the rep chose it), keeping the others.
    pub fn come_back_with(&mut self, occasion: Revival) {
        if self.occasion != occasion {
            let previous = std::mem::replace(&mut self.occasion, occasion);
            self.also.retain(|o| *o != self.occasion);
            if previous != Revival::CheckIn {
                self.also.insert(0, previous);
            }
        }
    }
}

fn reason(factor: Factor, points: i32, why: impl Into<String>) -> Reason {
    Reason {
        factor,
        points,
        why: why.into(),
    }
}

fn standing(record: &DealRecord, dark: bool) -> Option<Reason> {
    let deal = &record.deal;
    Some(match deal.status {
        DealStatus::Won => return None,
        DealStatus::Open if !dark => return None,
        DealStatus::Open => reason(
            Factor::Standing,
            10,
            "dark, never lost: the file is still open",
        ),
        DealStatus::Nurture => match deal.resurface_on {
            // A date still ahead never reaches here (`reach`).
            Some(d) => reason(
                Factor::Standing,
                25,
                format!("nurtured until {d}: the time they asked for has come"),
            ),
            None => reason(
                Factor::Standing,
                10,
                "nurtured: they asked to be asked again",
            ),
        },
        DealStatus::Lost => {
            let r = deal.loss.as_ref().map(|l| l.reason);
            let (points, why) = match r {
                Some(LostReason::Timing) => (25, "lost to timing: the moment may have come"),
                Some(LostReason::Budget) => (20, "lost to budget: money moves"),
                Some(LostReason::MissingFeature) => (15, "lost to a missing feature"),
                Some(LostReason::NoDecision) => (
                    10,
                    "lost to the status quo: questions that expose what they don't know can reopen it",
                ),
                Some(LostReason::Unresponsive) => (10, "went dark, never said no"),
                Some(LostReason::NoDecisionMaker) => (5, "lost without a decision maker"),
                Some(LostReason::Competitor) => (
                    5,
                    "chose a competitor: a contract end or a failure brings them back",
                ),
                Some(LostReason::NotAPriority) => (0, "no longer a priority for them"),
                Some(LostReason::NoValueSeen) => (-25, "they saw no value in it"),
                Some(LostReason::Other) | None => (0, "lost, reason not recorded"),
            };
            reason(Factor::Standing, points, why)
        }
    })
}

fn furthest_stage(record: &DealRecord, pipeline: &Pipeline) -> Reason {
    let stages = pipeline.stages.len().max(2);
    let furthest = record
        .stage_history
        .iter()
        .map(|c| c.stage.as_str())
        .chain([record.deal.stage.as_str()])
        .filter_map(|s| pipeline.position(s).ok().map(|p| (p, s)))
        .max_by_key(|(p, _)| *p);
    match furthest {
        Some((p, name)) => reason(
            Factor::FurthestStage,
            (p as i32 * 20) / (stages as i32 - 1),
            format!("got as far as {name} ({} of {stages})", p + 1),
        ),
        None => reason(Factor::FurthestStage, 0, "stage unknown"),
    }
}

fn amount(record: &DealRecord) -> Reason {
    let cents = record.deal.amount.cents;
    let points = match cents {
        c if c >= 10_000_000 => 15,
        c if c >= 2_000_000 => 10,
        c if c >= 500_000 => 5,
        _ => 0,
    };
    reason(
        Factor::Amount,
        points,
        format!("worth {}", record.deal.amount),
    )
}

fn fit(record: &DealRecord) -> Reason {
    use crate::FactKind;
    let mut points = 0;
    let mut what = Vec::new();
    if record.has_fact(FactKind::Problem) {
        points += 5;
        what.push("their problem in their words");
    }
    if record.has_fact(FactKind::WhyNow) {
        points += 5;
        what.push("why they were buying");
    }
    if record
        .contacts
        .iter()
        .any(|c| c.role.is_some_and(|r| r.has_power()) && !c.do_not_contact)
    {
        points += 5;
        what.push("a champion or decision maker");
    }
    let why = if what.is_empty() {
        "no recorded need, no one with power: a weak fit".to_string()
    } else {
        format!("fit: {}", what.join(", "))
    };
    reason(Factor::Fit, points, why)
}

fn how_long_ago(record: &DealRecord, policy: &RevivalPolicy, now: Timestamp) -> Option<Reason> {
    let since = match &record.deal.loss {
        Some(l) => l.at,
        None => record.last_engagement(now).map(|a| a.at)?,
    };
    let days = days_between(since, now);
    let what = if record.deal.loss.is_some() {
        "lost"
    } else {
        "last heard from"
    };
    Some(if days < policy.too_soon_days {
        reason(
            Factor::HowLongAgo,
            -20,
            format!("{what} {days} days ago: too soon to come back"),
        )
    } else if days <= 365 {
        reason(Factor::HowLongAgo, 10, format!("{what} {days} days ago"))
    } else if days <= policy.decomposed_days {
        reason(Factor::HowLongAgo, 0, format!("{what} {days} days ago"))
    } else {
        reason(
            Factor::HowLongAgo,
            -30,
            format!(
                "{what} {:.1} years ago: that grave decomposed long ago",
                days as f64 / 365.0
            ),
        )
    })
}

fn past_engagement(record: &DealRecord, now: Timestamp) -> Reason {
    let n = record
        .activities
        .iter()
        .filter(|a| a.at <= now && a.is_engagement())
        .count();
    reason(
        Factor::PastEngagement,
        (n as i32 * 3).min(15),
        format!("{n} times they engaged (replies, calls, meetings)"),
    )
}

/// The points a trigger event is worth for this deal, and why.
fn trigger_points(record: &DealRecord, event: &TriggerEvent) -> (i32, String) {
    let lost = record.deal.loss.as_ref().map(|l| l.reason);
    let person = event.contact.and_then(|c| record.contact(c));
    let when = event.on;
    match event.kind {
        TriggerKind::Funding if lost == Some(LostReason::Budget) => {
            (30, format!("funding on {when}, and budget was the blocker"))
        }
        TriggerKind::Funding => (10, format!("funding on {when}")),
        TriggerKind::Promotion => match person {
            Some(c) if c.role.is_some_and(|r| r.has_power()) => (
                25,
                format!("{} was promoted on {when}: now they have the clout", c.name),
            ),
            Some(c) => (15, format!("{} was promoted on {when}", c.name)),
            None => (10, format!("a promotion on {when}")),
        },
        TriggerKind::LeadershipChange
            if matches!(
                lost,
                Some(
                    LostReason::NoDecisionMaker
                        | LostReason::NotAPriority
                        | LostReason::NoValueSeen
                )
            ) =>
        {
            (20, format!("a new decision maker on {when}"))
        }
        TriggerKind::LeadershipChange => (10, format!("a leadership change on {when}")),
        TriggerKind::KeyHire => (10, format!("a key hire on {when}")),
        TriggerKind::Expansion => (10, format!("expanding, on {when}")),
        TriggerKind::Acquisition => (5, format!("an acquisition on {when}")),
        TriggerKind::News => (5, format!("in the news on {when}")),
    }
}

/// What holds for every deal at the moment of ranking: what shipped, what promotions run,
/// the feature catalogue, the pipeline's stages, the thresholds, and the moment itself.
pub struct Outlook<'a> {
    pub shipped: &'a [Shipped],
    pub promotions: &'a [Promotion],
    pub catalogue: &'a Catalogue,
    pub pipeline: &'a Pipeline,
    pub policy: &'a RevivalPolicy,
    pub now: Timestamp,
}

/// Scores one subject with its account's trigger events; `None` when it is not a revival
/// candidate: won, open and not dark, or not to be touched now (`reach::reach` for a revival:
/// before their date to look again - never ranked before it -, away, nobody to write to).
pub fn rank_one(
    subject: &Subject<'_>,
    events: &[&TriggerEvent],
    outlook: &Outlook<'_>,
) -> Option<Candidate> {
    let Outlook {
        shipped,
        promotions,
        catalogue,
        pipeline,
        policy,
        now,
    } = *outlook;
    let record = subject.record;
    // Never ranked when it may not be touched: before their date to look again, while they
    // are away, with nobody to write to (`reach`, the rule the drafts and sends keep).
    if !crate::reach::reach(record, crate::reach::Purpose::Revival, now).is_reachable() {
        return None;
    }
    let today = date_of(now);
    let fresh_from = today
        .checked_sub(crate::time::days(policy.fresh_days))
        .ok()?;
    let mut reasons = vec![standing(record, subject.dark)?];
    // A lost deal closed with a date to look again: not before it, and due once it comes.
    if let (DealStatus::Lost, Some(on)) = (record.deal.status, record.deal.resurface_on) {
        // A date still ahead never reaches here (`reach`).
        reasons.push(reason(
            Factor::Standing,
            15,
            format!("the date to look again ({on}) has come"),
        ));
    }
    reasons.push(furthest_stage(record, pipeline));
    reasons.push(amount(record));
    reasons.push(fit(record));
    if let Some(r) = how_long_ago(record, policy, now) {
        reasons.push(r);
    }
    reasons.push(past_engagement(record, now));

    let mut occasions: Vec<(i32, Revival)> = Vec::new();
    // A needed feature that shipped (fresh): the product-update play.
    for need in &record.needed_features {
        let name = catalogue.file_under(&need.feature);
        if let Some(s) = shipped
            .iter()
            .find(|s| s.feature == name && s.on <= today && s.on >= fresh_from)
        {
            let missing =
                record.deal.loss.as_ref().map(|l| l.reason) == Some(LostReason::MissingFeature);
            let points = if missing { 35 } else { 25 };
            reasons.push(reason(
                Factor::FeatureShipped,
                points,
                match &need.why {
                    Some(why) => format!(
                        "they needed {} (\"{why}\"); it shipped on {}",
                        need.feature, s.on
                    ),
                    None => format!("they needed {}; it shipped on {}", need.feature, s.on),
                },
            ));
            occasions.push((
                points + 100,
                Revival::FeatureShipped {
                    feature: need.feature.clone(),
                    why: need.why.clone(),
                    shipped_on: s.on,
                },
            ));
        }
    }
    // Fresh trigger events at the account: the best one is the occasion; together they are
    // worth at most 40 points.
    let mut trigger_total = 0;
    for event in events
        .iter()
        .filter(|e| e.account == record.deal.account.name && e.on <= today && e.on >= fresh_from)
    {
        let (points, why) = trigger_points(record, event);
        trigger_total += points;
        reasons.push(reason(Factor::Trigger, points, why));
        occasions.push((
            points + 50,
            Revival::Trigger {
                event: (*event).clone(),
            },
        ));
    }
    if trigger_total > 40 {
        reasons.push(reason(
            Factor::Trigger,
            40 - trigger_total,
            "several triggers at once count as one strong reason",
        ));
    }
    if let Some(contract) = &record.contract {
        let notice_by = contract
            .ends_on
            .checked_sub(crate::time::days(contract.notice_days))
            .unwrap_or(contract.ends_on);
        let days = days_between(now, start_of_day(notice_by));
        if (0..=policy.contract_window_days).contains(&days) {
            reasons.push(reason(
                Factor::ContractEnding,
                20,
                format!(
                    "their {} contract's notice deadline is {notice_by}, in {days} days",
                    contract.vendor
                ),
            ));
            occasions.push((
                60,
                Revival::ContractEnding {
                    vendor: contract.vendor.clone(),
                    notice_by,
                },
            ));
        }
    }
    // Running promotions the deal qualifies for: a nudge for a deal that was on the verge.
    // One is worth points; each is an occasion the rep may come back with.
    for (n, (promotion, why)) in promotions
        .iter()
        .filter(|p| p.is_running(today))
        .filter_map(|p| p.eligible(record, pipeline).ok().map(|why| (p, why)))
        .enumerate()
    {
        reasons.push(reason(
            Factor::Promotion,
            if n == 0 { 15 } else { 0 },
            format!(
                "qualifies for {} until {} ({why})",
                promotion.name, promotion.until
            ),
        ));
        occasions.push((
            45,
            Revival::Promotion {
                promotion: promotion.clone(),
            },
        ));
    }
    if let (DealStatus::Nurture | DealStatus::Lost, Some(on)) =
        (record.deal.status, record.deal.resurface_on)
        && on <= today
    {
        occasions.push((40, Revival::Resurface { on }));
    }
    let score: i32 = reasons.iter().map(|r| r.points).sum();
    occasions.sort_by_key(|(weight, _)| -weight);
    let mut ranked = occasions.into_iter().map(|(_, o)| o);
    let occasion = ranked.next().unwrap_or(Revival::CheckIn);
    let also: Vec<Revival> = ranked.collect();
    Some(Candidate {
        deal: record.deal.id,
        title: record.deal.title.clone(),
        account: record.deal.account.name.clone(),
        status: record.deal.status,
        score,
        reasons,
        occasion,
        also,
        leave_buried: score < policy.threshold,
    })
}

/// Every candidate among `subjects`, best first.
pub fn rank<'a>(
    subjects: impl IntoIterator<Item = Subject<'a>>,
    events: &[TriggerEvent],
    outlook: &Outlook<'_>,
) -> Vec<Candidate> {
    let mut by_account: std::collections::HashMap<&str, Vec<&TriggerEvent>> =
        std::collections::HashMap::new();
    for e in events {
        by_account.entry(e.account.as_str()).or_default().push(e);
    }
    let mut out: Vec<Candidate> = subjects
        .into_iter()
        .filter_map(|s| {
            let events = by_account
                .get(s.record.deal.account.name.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            rank_one(&s, events, outlook)
        })
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.deal.cmp(&b.deal)));
    out
}
