//! The warning signs and dark-deal signals of PLAYBOOK.md, one small function each. Every
//! signal carries its evidence: the dates, activities and facts that triggered it.

use crate::record::vocabulary;
use crate::time::{SECONDS_PER_DAY, add_days, date_of, days_between, human_date};
use crate::{
    Activity, ActivityId, CommitmentId, CommitmentStatus, ContactId, DealRecord, FactId, FactKind,
    Norms, Party, Policy,
};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

vocabulary!(
    /// What the engine can see going wrong with a deal.
    SignalKind, "signal" {
        NoSolidNextStep => "no_solid_next_step",
        NextStepPassed => "next_step_passed",
        CommitmentBroken => "commitment_broken",
        UnansweredTouches => "unanswered_touches",
        SilenceBeyondNorm => "silence_beyond_norm",
        NoArticulatedNeed => "no_articulated_need",
        NoDueDiligence => "no_due_diligence",
        SingleThreaded => "single_threaded",
        NoPowerEngaged => "no_power_engaged",
        StalledInStage => "stalled_in_stage",
        CloseDatePassed => "close_date_passed",
        CloseDateSlipped => "close_date_slipped",
        Desperation => "desperation",
        PeskyTone => "pesky_tone",
        DiscoveryGap => "discovery_gap",
        BouncedAddress => "bounced_address",
    }
);

impl SignalKind {
    /// Signals that say the deal is already slipping away, as opposed to warning signs.
    pub fn is_slipping(self) -> bool {
        matches!(
            self,
            SignalKind::NextStepPassed
                | SignalKind::CommitmentBroken
                | SignalKind::UnansweredTouches
                | SignalKind::SilenceBeyondNorm
                | SignalKind::StalledInStage
                | SignalKind::CloseDatePassed
                | SignalKind::Desperation
                | SignalKind::BouncedAddress
        )
    }
}

/// What a piece of evidence points at in the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Reference {
    Activity(ActivityId),
    Fact(FactId),
    Commitment(CommitmentId),
    Contact(ContactId),
    NextStep,
    Deal,
}

/// One observation behind a signal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub what: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<Reference>,
}

impl Evidence {
    fn new(what: impl Into<String>, at: Option<Timestamp>, reference: Option<Reference>) -> Self {
        Evidence {
            what: what.into(),
            at,
            reference,
        }
    }

    fn missing(what: impl Into<String>) -> Self {
        Evidence::new(what, None, None)
    }

    fn activity(a: &Activity, what: impl Into<String>) -> Self {
        Evidence::new(what, Some(a.at), Some(Reference::Activity(a.id)))
    }
}

/// A signal with its weight in the risk score and its evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub kind: SignalKind,
    pub weight: u32,
    pub summary: String,
    pub evidence: Vec<Evidence>,
}

/// What every signal function reads: the record, the clock, the policy and learned norms,
/// plus what several of them need, computed once.
pub struct Context<'a> {
    pub record: &'a DealRecord,
    pub now: Timestamp,
    pub policy: &'a Policy,
    pub norms: &'a Norms,
    pub last_engagement: Option<&'a Activity>,
    pub unanswered: Vec<&'a Activity>,
    pub stage_position: usize,
}

impl<'a> Context<'a> {
    pub fn new(
        record: &'a DealRecord,
        now: Timestamp,
        policy: &'a Policy,
        norms: &'a Norms,
    ) -> Self {
        Context {
            record,
            now,
            policy,
            norms,
            last_engagement: record.last_engagement(now),
            unanswered: record.unanswered_touches(now),
            stage_position: policy.pipeline.position(&record.deal.stage).unwrap_or(0),
        }
    }

    fn engaged_since(&self, t: Timestamp) -> bool {
        self.last_engagement.is_some_and(|a| a.at >= t)
    }

    fn overdue(&self, due: Timestamp) -> bool {
        add_days(due, self.policy.grace_days) < self.now
    }
}

/// The signal functions, in the order of PLAYBOOK.md: the dark-deal signals, then the warning
/// signs, then the rep's own habits.
pub const SIGNALS: &[fn(&Context) -> Option<Signal>] = &[
    commitment_broken,
    next_step_passed,
    unanswered_touches,
    silence_beyond_norm,
    no_solid_next_step,
    no_articulated_need,
    no_due_diligence,
    single_threaded,
    no_power_engaged,
    stalled_in_stage,
    close_date_passed,
    close_date_slipped,
    desperation,
    pesky_tone,
    discovery_gap,
    bounced_address,
];

/// Every signal that fires for the deal.
pub fn detect(ctx: &Context) -> Vec<Signal> {
    SIGNALS.iter().filter_map(|f| f(ctx)).collect()
}

fn signal(
    kind: SignalKind,
    weight: u32,
    summary: String,
    evidence: Vec<Evidence>,
) -> Option<Signal> {
    Some(Signal {
        kind,
        weight,
        summary,
        evidence,
    })
}

/// The prospect promised something by a date and did not do it (marked broken, or overdue
/// with no word from them since).
pub fn commitment_broken(ctx: &Context) -> Option<Signal> {
    let broken: Vec<_> = ctx
        .record
        .commitments
        .iter()
        .filter(|c| c.party == Party::Prospect && c.due <= ctx.now)
        .filter(|c| {
            c.status == CommitmentStatus::Broken
                || (c.status == CommitmentStatus::Open
                    && ctx.overdue(c.due)
                    && !ctx.engaged_since(c.due))
        })
        .collect();
    let first = broken.first()?;
    let evidence = broken
        .iter()
        .map(|c| {
            Evidence::new(
                format!(
                    "they said they would {} by {} ({})",
                    c.what,
                    human_date(c.due),
                    c.source
                ),
                Some(c.due),
                Some(Reference::Commitment(c.id)),
            )
        })
        .collect();
    let weight = 20 + 5 * (broken.len() as u32 - 1).min(2);
    signal(
        SignalKind::CommitmentBroken,
        weight,
        format!(
            "They said they would {} by {}; it has not happened",
            first.what,
            human_date(first.due)
        ),
        evidence,
    )
}

/// The agreed next step's date has gone by without a word from the prospect.
pub fn next_step_passed(ctx: &Context) -> Option<Signal> {
    let step = ctx.record.next_step.as_ref()?;
    let due = step.due?;
    if !ctx.overdue(due) || ctx.engaged_since(due) {
        return None;
    }
    signal(
        SignalKind::NextStepPassed,
        15,
        format!(
            "Next step \"{}\" was due {} ({} days ago)",
            step.what,
            human_date(due),
            days_between(due, ctx.now)
        ),
        vec![Evidence::new(
            format!("agreed next step: {}", step.what),
            Some(due),
            Some(Reference::NextStep),
        )],
    )
}

/// Several touches in a row with no answer.
pub fn unanswered_touches(ctx: &Context) -> Option<Signal> {
    let n = ctx.unanswered.len();
    if n < ctx.policy.unanswered_warning {
        return None;
    }
    let since = ctx
        .last_engagement
        .map(|a| format!(" since they last engaged on {}", human_date(a.at)))
        .unwrap_or_default();
    signal(
        SignalKind::UnansweredTouches,
        (5 * n as u32).min(25),
        format!("{n} touches in a row without an answer{since}"),
        ctx.unanswered
            .iter()
            .map(|a| Evidence::activity(a, format!("{} {}, no answer", a.kind, a.direction)))
            .collect(),
    )
}

/// One person's silence: since the rep's first touch to them that is still unanswered, measured
/// against their own habit (their median reply time times `silence_multiplier`, at least
/// `min_silence_days`) or, without reply history, the stage's `silence_days`.
#[derive(Clone, Debug, PartialEq)]
pub struct Silence<'a> {
    /// The first unanswered touch: the silence starts there.
    pub first: &'a Activity,
    /// Seconds from that touch to `now`.
    pub waited: i64,
    /// Seconds of silence that are usual for them.
    pub threshold: i64,
    /// Where the threshold comes from, in words ("Sam usually replies within 2d (median of 4
    /// replies)").
    pub norm: String,
}

impl Silence<'_> {
    /// How far past the norm: waited over threshold (1.0 at the norm).
    pub fn ratio(&self) -> f64 {
        self.waited as f64 / self.threshold.max(1) as f64
    }
}

/// Each person touched since they last engaged, measured from their own first unanswered touch
/// against their own habit (DOMAIN.md, "Numbers from the field": silence means a lot against a
/// contact's own reply habit). A fresh touch to someone else never hides an older silence.
pub fn silences<'a>(ctx: &Context<'a>) -> Vec<Silence<'a>> {
    let mut firsts: Vec<&'a Activity> = Vec::new();
    for a in &ctx.unanswered {
        if !firsts.iter().any(|f| f.contact == a.contact) {
            firsts.push(a);
        }
    }
    let stage_days = ctx
        .policy
        .pipeline
        .stage(&ctx.record.deal.stage)
        .map(|s| s.silence_days)
        .unwrap_or(5);
    firsts
        .into_iter()
        .map(|first| {
            let waited = ctx.now.as_second() - first.at.as_second();
            let learned = first
                .contact
                .and_then(|c| ctx.norms.reply_latency(c, ctx.policy).map(|m| (c, m)));
            let (threshold, norm) = match learned {
                Some((contact, median)) => {
                    let scaled = (median.seconds as f64 * ctx.policy.silence_multiplier) as i64;
                    let name = ctx
                        .record
                        .contact(contact)
                        .map(|c| c.name.as_str())
                        .unwrap_or("this contact");
                    (
                        scaled.max(ctx.policy.min_silence_days * SECONDS_PER_DAY),
                        format!(
                            "{name} usually replies within {} (median of {} replies)",
                            duration_text(median.seconds),
                            median.samples
                        ),
                    )
                }
                None => (
                    stage_days * SECONDS_PER_DAY,
                    format!(
                        "no reply history yet: the {} stage allows {stage_days} days",
                        ctx.record.deal.stage
                    ),
                ),
            };
            Silence {
                first,
                waited,
                threshold,
                norm,
            }
        })
        .collect()
}

/// The deal's current silence: the most overdue person's ([`silences`], by
/// [`Silence::ratio`]), past their norm or not; `None` when nobody waits on an answer.
pub fn longest_silence<'a>(ctx: &Context<'a>) -> Option<Silence<'a>> {
    silences(ctx)
        .into_iter()
        .max_by(|a, b| a.ratio().total_cmp(&b.ratio()))
}

/// The prospect has been quiet for longer than is usual for them (their own median reply
/// time, learned from history) or, without history, for the stage: the deal is as silent as
/// its most overdue person ([`silences`]).
pub fn silence_beyond_norm(ctx: &Context) -> Option<Signal> {
    let Silence {
        first,
        waited,
        threshold,
        norm: norm_text,
    } = silences(ctx)
        .into_iter()
        .filter(|s| s.waited > s.threshold)
        .max_by(|a, b| a.ratio().total_cmp(&b.ratio()))?;
    let mut evidence = vec![
        Evidence::activity(
            first,
            format!("first unanswered {} {}", first.kind, human_date(first.at)),
        ),
        Evidence::missing(norm_text),
    ];
    if let Some(last) = ctx.last_engagement {
        evidence.push(Evidence::activity(
            last,
            format!("last engaged: {} {}", last.kind, last.direction),
        ));
    }
    let weight = if waited > 2 * threshold { 25 } else { 20 };
    signal(
        SignalKind::SilenceBeyondNorm,
        weight,
        format!(
            "Silent for {} after a touch, beyond their norm of {}",
            duration_text(waited),
            duration_text(threshold)
        ),
        evidence,
    )
}

/// No dated next step: they would not commit to a meeting or to looping anyone in.
pub fn no_solid_next_step(ctx: &Context) -> Option<Signal> {
    let (summary, evidence) = match &ctx.record.next_step {
        None => (
            "No next step agreed".to_string(),
            Evidence::missing("no next step recorded"),
        ),
        Some(step) => match step.due {
            None => (
                format!("Next step \"{}\" has no date", step.what),
                Evidence::new(
                    format!("undated next step: {}", step.what),
                    Some(step.set_at),
                    Some(Reference::NextStep),
                ),
            ),
            Some(due) if ctx.overdue(due) && ctx.engaged_since(due) => (
                format!(
                    "Next step \"{}\" happened or lapsed on {}; nothing agreed since",
                    step.what,
                    human_date(due)
                ),
                Evidence::new(
                    format!("last agreed step: {}", step.what),
                    Some(due),
                    Some(Reference::NextStep),
                ),
            ),
            Some(_) => return None,
        },
    };
    signal(SignalKind::NoSolidNextStep, 10, summary, vec![evidence])
}

/// The rep cannot say in one sentence why they are buying (no "why now" in their words).
pub fn no_articulated_need(ctx: &Context) -> Option<Signal> {
    if ctx.record.has_fact(FactKind::WhyNow) {
        return None;
    }
    let mut evidence = vec![Evidence::missing(
        "no \"why are they buying now?\" in their words",
    )];
    if let Some(problem) = ctx.record.fact(FactKind::Problem) {
        evidence.push(Evidence::new(
            format!(
                "a problem is recorded but not why it matters now: \"{}\"",
                problem.text
            ),
            Some(problem.said_at),
            Some(Reference::Fact(problem.id)),
        ));
    }
    signal(
        SignalKind::NoArticulatedNeed,
        10,
        "Nobody has said why they are buying now".into(),
        evidence,
    )
}

/// "Too good to be true": past the early stages, no competitors, no price talk, no setup
/// questions.
pub fn no_due_diligence(ctx: &Context) -> Option<Signal> {
    if ctx.stage_position < ctx.policy.due_diligence_from_stage {
        return None;
    }
    let checks = [
        (
            FactKind::Competitor,
            "no competitors or alternatives discussed",
        ),
        (FactKind::Price, "no concern about price or budget"),
        (FactKind::SetupQuestion, "no questions about setup"),
    ];
    if checks.iter().any(|(k, _)| ctx.record.has_fact(*k)) {
        return None;
    }
    signal(
        SignalKind::NoDueDiligence,
        8,
        format!(
            "In {} with no due diligence: could be a delegate, a price-shopper, or not serious",
            ctx.record.deal.stage
        ),
        checks
            .iter()
            .map(|(_, text)| Evidence::missing(*text))
            .collect(),
    )
}

fn engaged_contacts(ctx: &Context) -> BTreeSet<ContactId> {
    ctx.record
        .activities
        .iter()
        .filter(|a| a.at <= ctx.now && a.is_engagement())
        .filter_map(|a| a.contact)
        .collect()
}

/// One contact carries the whole deal.
pub fn single_threaded(ctx: &Context) -> Option<Signal> {
    if ctx.stage_position < 1 {
        return None;
    }
    let engaged = engaged_contacts(ctx);
    if engaged.len() > 1 {
        return None;
    }
    let evidence = match engaged.iter().next().and_then(|id| ctx.record.contact(*id)) {
        Some(c) => vec![Evidence::new(
            format!("only {} has engaged", c.name),
            None,
            Some(Reference::Contact(c.id)),
        )],
        None => vec![Evidence::missing("no contact has engaged yet")],
    };
    signal(
        SignalKind::SingleThreaded,
        8,
        "Single-threaded: one contact carries the deal".into(),
        evidence,
    )
}

/// Nobody with the power to buy (decision maker or champion) has engaged.
pub fn no_power_engaged(ctx: &Context) -> Option<Signal> {
    if ctx.stage_position < 1 {
        return None;
    }
    let engaged = engaged_contacts(ctx);
    let powerful_engaged = ctx
        .record
        .contacts
        .iter()
        .any(|c| c.role.is_some_and(|r| r.has_power()) && engaged.contains(&c.id));
    if powerful_engaged {
        return None;
    }
    let mut evidence: Vec<Evidence> = ctx
        .record
        .contacts
        .iter()
        .map(|c| {
            let role = c.role.map(|r| r.as_str()).unwrap_or("role unknown");
            let state = if engaged.contains(&c.id) {
                "engaged"
            } else {
                "not engaged"
            };
            Evidence::new(
                format!("{} ({role}): {state}", c.name),
                None,
                Some(Reference::Contact(c.id)),
            )
        })
        .collect();
    if evidence.is_empty() {
        evidence.push(Evidence::missing("no contacts recorded"));
    }
    signal(
        SignalKind::NoPowerEngaged,
        8,
        "No decision maker or champion engaged".into(),
        evidence,
    )
}

/// In the current stage longer than the team usually takes (learned), or than the stage's
/// configured threshold.
pub fn stalled_in_stage(ctx: &Context) -> Option<Signal> {
    let entered = ctx.record.entered_stage_at();
    let days = days_between(entered, ctx.now);
    let stage = &ctx.record.deal.stage;
    let (threshold, basis) = match ctx.norms.stage_duration(stage, ctx.policy) {
        Some(m) => (
            ((m.seconds as f64 * ctx.policy.stall_factor) / SECONDS_PER_DAY as f64).ceil() as i64,
            format!(
                "deals usually leave {stage} in {} (median of {})",
                duration_text(m.seconds),
                m.samples
            ),
        ),
        None => {
            let rot = ctx
                .policy
                .pipeline
                .stage(stage)
                .map(|s| s.rot_days)
                .unwrap_or(21);
            (rot, format!("the {stage} stage threshold is {rot} days"))
        }
    };
    if days <= threshold {
        return None;
    }
    signal(
        SignalKind::StalledInStage,
        10,
        format!("{days} days in {stage}, past the {threshold}-day mark"),
        vec![
            Evidence::new(
                format!("entered {stage}"),
                Some(entered),
                Some(Reference::Deal),
            ),
            Evidence::missing(basis),
        ],
    )
}

/// The expected close date is in the past and the deal is still open.
pub fn close_date_passed(ctx: &Context) -> Option<Signal> {
    let close = ctx.record.deal.expected_close?;
    let today = date_of(ctx.now);
    if close >= today {
        return None;
    }
    let days = (today - close).get_days();
    signal(
        SignalKind::CloseDatePassed,
        10,
        format!("Expected to close on {close}, {days} days ago"),
        vec![Evidence::new(
            format!("expected close date {close}"),
            None,
            Some(Reference::Deal),
        )],
    )
}

/// The close date has been pushed out again and again.
pub fn close_date_slipped(ctx: &Context) -> Option<Signal> {
    let pushes: Vec<_> = ctx
        .record
        .close_date_history
        .iter()
        .filter(|c| c.at <= ctx.now && c.from.is_some_and(|f| c.to > f))
        .collect();
    if pushes.len() < ctx.policy.close_slip_limit {
        return None;
    }
    let extra = (pushes.len() - ctx.policy.close_slip_limit) as u32;
    signal(
        SignalKind::CloseDateSlipped,
        6 + 2 * extra.min(3),
        format!("Close date pushed {} times", pushes.len()),
        pushes
            .iter()
            .map(|c| {
                let from = c.from.map(|d| d.to_string()).unwrap_or_default();
                Evidence::new(
                    format!("moved from {from} to {}", c.to),
                    Some(c.at),
                    Some(Reference::Deal),
                )
            })
            .collect(),
    )
}

/// Chasing has turned into desperation: touches past the cap, touches bunched closer than the
/// minimum spacing, or effort out of proportion to the deal.
pub fn desperation(ctx: &Context) -> Option<Signal> {
    let policy = ctx.policy;
    let mut evidence = Vec::new();
    // The breakup is the sanctioned last message, not more chasing.
    let n = ctx
        .unanswered
        .iter()
        .filter(|a| a.play != Some(crate::PlayKind::Breakup))
        .count();
    if n > policy.touch_cap {
        evidence.push(Evidence::missing(format!(
            "{n} unanswered touches, past the cap of {}",
            policy.touch_cap
        )));
    }
    let bunched: Vec<_> = ctx
        .unanswered
        .windows(2)
        .filter(|w| {
            w[1].at.as_second() - w[0].at.as_second() < policy.min_spacing_days * SECONDS_PER_DAY
        })
        .map(|w| w[1])
        .collect();
    if bunched.len() >= 2 {
        for a in &bunched {
            evidence.push(Evidence::activity(
                a,
                format!(
                    "{} sent less than {} days after the previous touch",
                    a.kind, policy.min_spacing_days
                ),
            ));
        }
    }
    let window_start = add_days(ctx.now, -policy.effort_window_days);
    if !ctx.engaged_since(window_start) {
        let recent = ctx
            .unanswered
            .iter()
            .filter(|a| a.at >= window_start)
            .count();
        let budget = policy.touch_budget_for(ctx.record.deal.amount.cents);
        if recent >= budget {
            evidence.push(Evidence::missing(format!(
                "{recent} touches in {} days without any engagement on a {} deal (budget {budget})",
                policy.effort_window_days, ctx.record.deal.amount
            )));
        }
    }
    if evidence.is_empty() {
        return None;
    }
    signal(
        SignalKind::Desperation,
        10 + 5 * (evidence.len() as u32 - 1).min(3),
        "Desperation mode: more chasing will not help; change the play".into(),
        evidence,
    )
}

/// Recent outbound messages with pesky phrases, or the same message sent again.
pub fn pesky_tone(ctx: &Context) -> Option<Signal> {
    let since = add_days(ctx.now, -ctx.policy.recent_tone_days);
    let mut evidence = Vec::new();
    let mut seen: HashSet<u64> = HashSet::new();
    for a in ctx
        .record
        .activities
        .iter()
        .filter(|a| a.at <= ctx.now && a.direction == crate::Direction::Outbound)
    {
        let recent = a.at >= since;
        if recent && a.tone.findings > 0 {
            let phrase = a.tone.first_phrase.as_deref().unwrap_or("pesky wording");
            evidence.push(Evidence::activity(
                a,
                format!(
                    "{} said \"{phrase}\" ({} findings)",
                    a.kind, a.tone.findings
                ),
            ));
        }
        if let Some(fp) = a.body_fingerprint
            && !seen.insert(fp)
            && recent
        {
            evidence.push(Evidence::activity(
                a,
                format!("the same {} sent again", a.kind),
            ));
        }
    }
    if evidence.is_empty() {
        return None;
    }
    signal(
        SignalKind::PeskyTone,
        6,
        "Pesky tone in recent messages".into(),
        evidence,
    )
}

/// Discovery did not capture what re-engagement needs: the problem, why they are looking, and
/// the agreed next step or what they would do in between. Once dark, such a deal cannot be
/// saved: take it out of the pipeline.
pub fn discovery_gap(ctx: &Context) -> Option<Signal> {
    let mut missing = Vec::new();
    if !ctx.record.has_fact(FactKind::Problem) {
        missing.push(Evidence::missing("the problem they want fixed"));
    }
    if !ctx.record.has_fact(FactKind::WhyNow) {
        missing.push(Evidence::missing("why they are looking now"));
    }
    let has_plan = ctx.record.next_step.is_some()
        || ctx
            .record
            .commitments
            .iter()
            .any(|c| c.party == Party::Prospect);
    if !has_plan {
        missing.push(Evidence::missing(
            "the agreed next step or what they would do in between",
        ));
    }
    if missing.is_empty() {
        return None;
    }
    signal(
        SignalKind::DiscoveryGap,
        10,
        format!("Discovery gap: {} of 3 essentials unknown", missing.len()),
        missing,
    )
}

/// A message to a contact bounced since they last engaged: the touches are not arriving.
pub fn bounced_address(ctx: &Context) -> Option<Signal> {
    let since = ctx.last_engagement.map(|a| a.at);
    let bounces: Vec<&Activity> = ctx
        .record
        .activities
        .iter()
        .filter(|a| {
            a.at <= ctx.now
                && a.outcome == Some(crate::Outcome::Bounced)
                && since.is_none_or(|s| a.at > s)
        })
        .collect();
    let last = bounces.last()?;
    let who = last
        .contact
        .and_then(|c| ctx.record.contact(c))
        .map(|c| c.name.as_str())
        .unwrap_or("a contact");
    signal(
        SignalKind::BouncedAddress,
        10,
        format!(
            "Mail to {who} bounced on {}: find another way to reach them",
            human_date(last.at)
        ),
        bounces
            .iter()
            .map(|a| Evidence::activity(a, format!("{} bounced", a.kind)))
            .collect(),
    )
}

/// `3d 4h`, `5h`, `40m`.
pub fn duration_text(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m) = (
        s / SECONDS_PER_DAY,
        (s % SECONDS_PER_DAY) / 3600,
        (s % 3600) / 60,
    );
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, _) => format!("{h}h"),
        (_, 0) => format!("{d}d"),
        _ => format!("{d}d {h}h"),
    }
}
