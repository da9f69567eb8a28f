//! Why a deal went quiet: the seven root causes of PLAYBOOK.md ("Why prospects go dark"), each
//! scored from the evidence in the record and the signals, ranked, with that evidence.

use crate::record::vocabulary;
use crate::signals::{Evidence, Reference, Signal, SignalKind};
use crate::{DealRecord, FactKind, Role};
use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

vocabulary!(
    /// The seven reasons prospects go dark.
    RootCause, "root cause" {
        NoValueSeen => "no_value_seen",
        WrongPerson => "wrong_person",
        NoNewInsight => "no_new_insight",
        TurnedOffByTactics => "turned_off_by_tactics",
        MorePressingIssues => "more_pressing_issues",
        Timing => "timing",
        StatusQuo => "status_quo",
    }
);

impl RootCause {
    pub fn explain(self) -> &'static str {
        match self {
            RootCause::NoValueSeen => "they can't connect the offer to their problem or outcome",
            RootCause::WrongPerson => "not the decision maker, or not important to them",
            RootCause::NoNewInsight => "the touches bring nothing they don't already know",
            RootCause::TurnedOffByTactics => "pushy or hollow follow-ups",
            RootCause::MorePressingIssues => "something bigger is happening on their side",
            RootCause::Timing => "now is not when they can act",
            RootCause::StatusQuo => "changing is a hassle; what they have is comfortable",
        }
    }
}

/// One root cause with its score and the evidence for it. Read back from its JSON, the
/// explanation is the cause's own ([`RootCause::explain`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CauseFinding {
    pub cause: RootCause,
    pub score: u32,
    pub explanation: &'static str,
    pub evidence: Vec<Evidence>,
}

/// A finding as its JSON holds it: the explanation follows from the cause.
#[derive(Deserialize)]
struct StoredFinding {
    cause: RootCause,
    score: u32,
    evidence: Vec<Evidence>,
}

impl<'de> Deserialize<'de> for CauseFinding {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = StoredFinding::deserialize(d)?;
        Ok(CauseFinding {
            cause: f.cause,
            score: f.score,
            explanation: f.cause.explain(),
            evidence: f.evidence,
        })
    }
}

/// Words in the prospect's facts that point at a cause.
const PRESSING: &[&str] = &[
    "acquisition",
    "acquired",
    "merger",
    "takeover",
    "reorg",
    "restructur",
    "layoff",
    "audit",
    "regulat",
    "compliance deadline",
    "outage",
    "incident",
    "fire",
    "freeze",
    "migration",
    "priorit",
    "new ceo",
];
const TIMING: &[&str] = &[
    "next year",
    "next quarter",
    "q1",
    "q2",
    "q3",
    "q4",
    "renewal",
    "contract runs",
    "locked in",
    "not until",
    "end of year",
    "fiscal year",
];
const STATUS_QUO: &[&str] = &[
    "all set",
    "happy with",
    "works fine",
    "good enough",
    "spreadsheet",
    "in-house",
    "built our own",
    "no need to change",
    "not broken",
];

static MATCHERS: LazyLock<[AhoCorasick; 3]> = LazyLock::new(|| {
    let build = |words: &[&str]| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(words)
            .expect("static keyword lists build")
    };
    [build(PRESSING), build(TIMING), build(STATUS_QUO)]
});

struct Tally {
    score: u32,
    evidence: Vec<Evidence>,
}

impl Tally {
    fn add(&mut self, points: u32, e: Evidence) {
        self.score += points;
        self.evidence.push(e);
    }
}

fn note(what: impl Into<String>) -> Evidence {
    Evidence {
        what: what.into(),
        at: None,
        reference: None,
    }
}

fn from_signal(s: &Signal) -> Evidence {
    Evidence {
        what: format!("signal: {}", s.summary),
        at: None,
        reference: None,
    }
}

/// Ranks the root causes that have evidence, strongest first.
pub fn diagnose(record: &DealRecord, signals: &[Signal]) -> Vec<CauseFinding> {
    let mut tallies: Vec<Tally> = RootCause::ALL
        .iter()
        .map(|_| Tally {
            score: 0,
            evidence: Vec::new(),
        })
        .collect();
    let mut add =
        |cause: RootCause, points: u32, e: Evidence| tallies[cause as usize].add(points, e);
    let fired = |k: SignalKind| signals.iter().find(|s| s.kind == k);

    // No value seen: no pain in their words, no cost, no reason to act.
    if !record.has_fact(FactKind::Problem) {
        add(
            RootCause::NoValueSeen,
            3,
            note("no problem recorded in their words"),
        );
    }
    if !record.has_fact(FactKind::Cost) && !record.has_fact(FactKind::Impact) {
        add(
            RootCause::NoValueSeen,
            2,
            note("no cost or impact of the problem recorded"),
        );
    }
    if let Some(s) = fired(SignalKind::NoArticulatedNeed) {
        add(RootCause::NoValueSeen, 2, from_signal(s));
    }

    // Wrong person: no power in the conversation.
    if let Some(s) = fired(SignalKind::NoPowerEngaged) {
        add(RootCause::WrongPerson, 3, from_signal(s));
    }
    if let Some(s) = fired(SignalKind::SingleThreaded) {
        add(RootCause::WrongPerson, 2, from_signal(s));
    }
    if !record.contacts.is_empty()
        && record
            .contacts
            .iter()
            .all(|c| matches!(c.role, Some(Role::Gatekeeper | Role::User)))
    {
        add(
            RootCause::WrongPerson,
            2,
            note("every contact is a gatekeeper or a user"),
        );
    }
    if let Some(s) = fired(SignalKind::NoSolidNextStep) {
        add(
            RootCause::WrongPerson,
            1,
            Evidence {
                what: format!("{} (the contact may lack clout)", s.summary),
                at: None,
                reference: None,
            },
        );
    }

    // No new insight / turned off by tactics: what the rep has been sending.
    if let Some(s) = fired(SignalKind::PeskyTone) {
        let resent = s
            .evidence
            .iter()
            .filter(|e| e.what.contains("sent again"))
            .count() as u32;
        if resent > 0 {
            add(
                RootCause::NoNewInsight,
                3 * resent.min(2),
                note(format!("{resent} message(s) sent again unchanged")),
            );
        }
        add(RootCause::TurnedOffByTactics, 3, from_signal(s));
    }
    let bare_touches = record
        .activities
        .iter()
        .filter(|a| a.is_touch() && a.play.is_none())
        .count();
    if let Some(s) = fired(SignalKind::UnansweredTouches)
        && bare_touches >= 2
    {
        add(
            RootCause::NoNewInsight,
            2,
            Evidence {
                what: format!("{} with no new reason to reply", s.summary),
                at: None,
                reference: None,
            },
        );
    }
    if let Some(s) = fired(SignalKind::Desperation) {
        add(RootCause::TurnedOffByTactics, 3, from_signal(s));
    }

    // What the prospect said about their situation.
    for fact in record.facts.iter().filter(|f| {
        matches!(
            f.kind,
            FactKind::Context | FactKind::Objection | FactKind::DecisionProcess | FactKind::WhyNow
        )
    }) {
        let e = || Evidence {
            what: format!("they said: \"{}\" ({})", fact.text, fact.source),
            at: Some(fact.said_at),
            reference: Some(Reference::Fact(fact.id)),
        };
        if MATCHERS[0].is_match(&fact.text) {
            add(RootCause::MorePressingIssues, 3, e());
        }
        if MATCHERS[1].is_match(&fact.text) {
            add(RootCause::Timing, 2, e());
        }
        if MATCHERS[2].is_match(&fact.text) {
            add(RootCause::StatusQuo, 3, e());
        }
    }
    if let Some(c) = &record.contract {
        add(
            RootCause::Timing,
            3,
            note(format!(
                "under contract with {} until {}",
                c.vendor, c.ends_on
            )),
        );
    }
    if let Some(s) = fired(SignalKind::CloseDateSlipped) {
        add(RootCause::Timing, 2, from_signal(s));
    }
    let no_shows = record
        .activities
        .iter()
        .filter(|a| {
            matches!(
                a.outcome,
                Some(crate::Outcome::NoShow | crate::Outcome::Cancelled)
            ) && a.kind == crate::ActivityKind::Meeting
        })
        .count() as u32;
    if no_shows > 0 {
        add(
            RootCause::MorePressingIssues,
            no_shows.min(2),
            note(format!("{no_shows} missed or cancelled meeting(s)")),
        );
    }

    // Status quo: no alternatives weighed and no urgency. "No decision" takes 40-60% of deals
    // (Adamson & Dixon, HBR 2022), so it is always a live suspect when nothing else is known.
    if !record.has_fact(FactKind::Competitor) {
        add(RootCause::StatusQuo, 1, note("no alternatives compared"));
    }
    if !record.has_fact(FactKind::WhyNow) && !record.has_fact(FactKind::Cost) {
        add(
            RootCause::StatusQuo,
            1,
            note("no urgency: neither a reason for now nor a cost of waiting"),
        );
    }

    let mut findings: Vec<CauseFinding> = RootCause::ALL
        .iter()
        .zip(tallies)
        .filter(|(_, t)| t.score > 0)
        .map(|(cause, t)| CauseFinding {
            cause: *cause,
            score: t.score,
            explanation: cause.explain(),
            evidence: t.evidence,
        })
        .collect();
    findings.sort_by(|a, b| b.score.cmp(&a.score).then(a.cause.cmp(&b.cause)));
    findings
}
