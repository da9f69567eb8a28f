//! Drafts the message for a play from the recorded facts (PLAYBOOK.md, "Bringing them back").
//! Every draft lists the facts it used and where each came from, and must pass the tone
//! linter. The accountability play refuses to draft without the prospect's own words.

use crate::assess::Assessment;
use crate::lint::{Finding, lint};
use crate::reach::{Purpose, Reach, contact_reachable, reach};
use crate::revival::{Revival, TriggerEvent, TriggerKind};
use crate::signals::SignalKind;
use crate::time::{add_days, date_of, human_date, start_of_day};
use crate::{Contact, ContactId, DealRecord, FactKind, LostReason, Party, PlayKind, Policy};
use jiff::Timestamp;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value, context};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub mod bounds;
pub use bounds::{
    FUEL, MAX_DRAFT_BYTES, MAX_FILTER_WORK_BYTES, MAX_TEMPLATE_BYTES, MAX_VALUE_BYTES,
    MAX_VALUE_ITEMS,
};

/// The built-in templates, one a play. Each renders `Subject: ...`, a blank line, the body.
pub const TEMPLATES: &[(PlayKind, &str)] = &[
    (PlayKind::ValueAdd, include_str!("templates/value_add.txt")),
    (
        PlayKind::ObjectionHunt,
        include_str!("templates/objection_hunt.txt"),
    ),
    (
        PlayKind::Accountability,
        include_str!("templates/accountability.txt"),
    ),
    (PlayKind::Breakup, include_str!("templates/breakup.txt")),
    (
        PlayKind::ProductUpdate,
        include_str!("templates/product_update.txt"),
    ),
    (
        PlayKind::TriggerEvent,
        include_str!("templates/trigger_event.txt"),
    ),
    (
        PlayKind::KnowledgeGap,
        include_str!("templates/knowledge_gap.txt"),
    ),
    (PlayKind::Promotion, include_str!("templates/promotion.txt")),
    (
        PlayKind::CloseOrNurture,
        include_str!("templates/close_or_nurture.txt"),
    ),
    (
        PlayKind::TimeToContract,
        include_str!("templates/time_to_contract.txt"),
    ),
];

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ComposeError {
    #[error("cannot draft {play}: missing {}. Capture it in discovery, or take the deal out of the pipeline", missing.join(", "))]
    MissingFacts {
        play: PlayKind,
        missing: Vec<&'static str>,
    },
    #[error("cannot draft: {0}")]
    NoRecipient(String),
    /// The deal's people may not be touched now (`reach::reach`): `until` is the day it lifts
    /// by itself, if it does.
    #[error("cannot draft now: {why}{}", until.map(|d| format!(" (not before {d})")).unwrap_or_default())]
    Unreachable {
        why: crate::reach::Barrier,
        until: Option<jiff::civil::Date>,
    },
    #[error(
        "a {play} message needs its occasion (a shipped feature, a trigger event): see rekindle revive"
    )]
    NeedsOccasion { play: PlayKind },
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("the {play} draft fails the tone check: {}", findings.iter().map(|f| format!("\"{}\" ({})", f.phrase, f.rule)).collect::<Vec<_>>().join(", "))]
    FailsLint {
        play: PlayKind,
        findings: Vec<Finding>,
    },
}

/// A fact the draft relies on, with where it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UsedFact {
    pub label: String,
    pub text: String,
    pub source: String,
    pub at: Option<Timestamp>,
}

/// Who the message goes to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recipient {
    pub name: String,
    pub email: Option<String>,
}

/// A drafted message, ready for the rep to review.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Draft {
    pub play: PlayKind,
    /// A revival (an occasion brought the deal back: `revive`, a feature shipped, an event, a
    /// promotion, their date) or the sequence; kept with the queued message, so the send-time
    /// check asks what the draft asked (`reach::reach`).
    pub purpose: Purpose,
    pub to: Recipient,
    pub subject: String,
    pub body: String,
    pub facts_used: Vec<UsedFact>,
    /// What the rep must add before sending (marked with brackets in the body).
    pub to_fill: Vec<String>,
}

/// Renders drafts from the built-in templates, with any the user overrides.
pub struct Composer {
    env: Environment<'static>,
    /// Where a play's template came from (a file), to name it in a rendering error.
    origins: BTreeMap<String, String>,
}

impl Composer {
    /// `overrides` maps a play name (`breakup`, `value_add`...) to template source. Every
    /// template, built-in or not, is checked against what a message template may do
    /// ([`bounds::check`]) before it is compiled: an error names the template, the line and
    /// what is not allowed.
    pub fn new(overrides: &BTreeMap<String, String>) -> Result<Self, ComposeError> {
        if let Some(unknown) = overrides.keys().find(|k| {
            PlayKind::parse(k)
                .map(|p| p.as_str() != k.as_str())
                .unwrap_or(true)
        }) {
            return Err(ComposeError::Template {
                name: unknown.clone(),
                message: format!(
                    "no play has this name; the plays are {}",
                    TEMPLATES
                        .iter()
                        .map(|(p, _)| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_undefined_behavior(UndefinedBehavior::Lenient);
        env.set_keep_trailing_newline(true);
        env.set_fuel(Some(FUEL));
        bounds::bound(&mut env);
        // Record text (a title, a name, their words) goes into a message on its line: a line
        // break inside it could end the Subject line and start a header or the body. The value
        // is written as it is formatted, so the draft's size cap stops a large one early.
        env.set_formatter(|out, _state, value| {
            if value.is_undefined() {
                return Ok(());
            }
            write!(Flattened(out), "{value}").map_err(|e| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())
            })
        });
        for (play, source) in TEMPLATES {
            let source = overrides
                .get(play.as_str())
                .cloned()
                .unwrap_or_else(|| source.to_string());
            let err = |message: String| ComposeError::Template {
                name: play.as_str().into(),
                message,
            };
            bounds::check(play.as_str(), &source).map_err(err)?;
            env.add_template_owned(play.as_str().to_string(), source)
                .map_err(|e| err(e.to_string()))?;
        }
        Ok(Composer {
            env,
            origins: BTreeMap::new(),
        })
    }

    /// The built-in templates, compiled once for the process (every draft a page makes
    /// without the user's templates shares them).
    pub fn builtin() -> &'static Composer {
        static BUILTIN: std::sync::LazyLock<Composer> = std::sync::LazyLock::new(|| {
            Composer::new(&BTreeMap::new()).expect("built-in templates compile")
        });
        &BUILTIN
    }

    /// Drafts `play` for the deal. The assessment supplies the signals the objection hunt asks
    /// about and the sequence the breakup refers to.
    pub fn draft(
        &self,
        record: &DealRecord,
        assessment: &Assessment,
        play: PlayKind,
        now: Timestamp,
        policy: &Policy,
    ) -> Result<Draft, ComposeError> {
        self.draft_for(record, assessment, play, None, now, policy)
    }

    /// Drafts the message that brings a lost or dark deal back on `occasion` (PLAYBOOK.md,
    /// "Bringing them back"): the product update quoting why the feature mattered, the note on
    /// a trigger event (to the person it concerns when they can be reached), the contract-timed
    /// message, knowledge-gap questions for a status-quo loss, or a value-adding touch.
    pub fn draft_revival(
        &self,
        record: &DealRecord,
        occasion: &Revival,
        now: Timestamp,
        policy: &Policy,
    ) -> Result<Draft, ComposeError> {
        let norms = crate::Norms::learn([record], now);
        let assessment = crate::assess(record, now, policy, &norms);
        let status_quo =
            record.deal.loss.as_ref().map(|l| l.reason) == Some(LostReason::NoDecision);
        let play = match occasion {
            Revival::FeatureShipped { .. } => PlayKind::ProductUpdate,
            Revival::Trigger { .. } => PlayKind::TriggerEvent,
            Revival::ContractEnding { .. } => PlayKind::TimeToContract,
            Revival::Promotion { .. } => PlayKind::Promotion,
            Revival::Resurface { .. } | Revival::CheckIn if status_quo => PlayKind::KnowledgeGap,
            Revival::Resurface { .. } | Revival::CheckIn => PlayKind::ValueAdd,
        };
        self.draft_for(record, &assessment, play, Some(occasion), now, policy)
    }

    fn draft_for(
        &self,
        record: &DealRecord,
        assessment: &Assessment,
        play: PlayKind,
        occasion: Option<&Revival>,
        now: Timestamp,
        policy: &Policy,
    ) -> Result<Draft, ComposeError> {
        // Nothing is drafted that the send-time check would refuse or hold: the shared rule.
        if let Reach::Unreachable { why, until } = reach(record, reach_purpose(play, occasion), now)
        {
            return Err(ComposeError::Unreachable {
                why,
                until: until.map(date_of),
            });
        }
        // A trigger about one person goes to that person, when they can be reached.
        let concerned = match occasion {
            Some(Revival::Trigger { event }) => event.contact,
            _ => None,
        };
        let to = recipient_for(record, concerned)?;
        let mut facts = FactsUsed::default();
        let mut to_fill = Vec::new();
        let fact = |facts: &mut FactsUsed, kind: FactKind, label: &str| -> Option<String> {
            record.fact(kind).map(|f| {
                facts.0.push(UsedFact {
                    label: label.into(),
                    text: f.text.clone(),
                    source: f.source.clone(),
                    at: Some(f.said_at),
                });
                f.text.clone()
            })
        };
        let first_name = to
            .name
            .split_whitespace()
            .next()
            .unwrap_or("there")
            .to_string();
        let base = context! {
            first_name => first_name,
            rep => record.deal.owner.clone(),
            company => record.deal.account.name.clone(),
            deal_title => record.deal.title.clone(),
        };
        let problem_said_on = record
            .fact(FactKind::Problem)
            .map(|f| human_date(f.said_at));
        let ctx = match play {
            PlayKind::Accountability => {
                let commitment = record
                    .commitments
                    .iter()
                    .filter(|c| c.party == Party::Prospect)
                    .max_by_key(|c| c.due);
                let mut missing = Vec::new();
                if !record.has_fact(FactKind::Problem) {
                    missing.push("the problem in their words");
                }
                if !record.has_fact(FactKind::WhyNow) {
                    missing.push("why they are looking now");
                }
                if commitment.is_none() && record.next_step.is_none() {
                    missing.push("what they committed to or the agreed next step");
                }
                if !missing.is_empty() {
                    return Err(ComposeError::MissingFacts { play, missing });
                }
                let problem = fact(&mut facts, FactKind::Problem, "the problem, in their words");
                let cost = fact(&mut facts, FactKind::Cost, "its cost, in their words");
                let impact = fact(&mut facts, FactKind::Impact, "the impact of not changing");
                let why_now = fact(&mut facts, FactKind::WhyNow, "why they are looking now");
                let commitment = commitment.map(|c| {
                    facts.0.push(UsedFact {
                        label: "their commitment".into(),
                        text: format!("{} by {}", c.what, human_date(c.due)),
                        source: c.source.clone(),
                        at: Some(c.made_at),
                    });
                    context! { what => c.what.clone(), due => human_date(c.due) }
                });
                let next_step = record.next_step.as_ref().map(|s| {
                    facts.0.push(UsedFact {
                        label: "the agreed next step".into(),
                        text: s.what.clone(),
                        source: "next step".into(),
                        at: Some(s.set_at),
                    });
                    context! { what => s.what.clone(), due => s.due.map(human_date) }
                });
                context! { problem, problem_said_on, cost, impact, why_now, commitment, next_step, ..base }
            }
            PlayKind::ValueAdd => {
                let problem = fact(&mut facts, FactKind::Problem, "the problem, in their words");
                let cost = fact(&mut facts, FactKind::Cost, "its cost, in their words");
                let audience = audience(record, &to);
                let resource_hint = match &problem {
                    Some(p) => format!(
                        "Add one thing they don't know yet about \"{p}\": a short case, a benchmark or a resource for {audience}."
                    ),
                    None => format!(
                        "Add one thing relevant to {} that they don't know yet; their problem is not recorded, so ask about it.",
                        record.deal.account.name
                    ),
                };
                to_fill.push(resource_hint.clone());
                context! { problem, problem_said_on, cost, audience, resource_hint, ..base }
            }
            PlayKind::ObjectionHunt => {
                let questions = disqualifying_questions(assessment);
                for (kind, _) in &questions {
                    facts.0.push(UsedFact {
                        label: "warning sign".into(),
                        text: kind.as_str().into(),
                        source: "scan".into(),
                        at: None,
                    });
                }
                let questions: Vec<&str> = questions.iter().map(|(_, q)| *q).collect();
                context! { questions, ..base }
            }
            PlayKind::Breakup => {
                let since = record
                    .last_engagement(now)
                    .map(|a| a.at)
                    .or_else(|| record.unanswered_touches(now).first().map(|a| a.at))
                    .map(human_date)
                    .unwrap_or_else(|| "our last conversation".into());
                let problem = fact(&mut facts, FactKind::Problem, "the problem, in their words");
                facts.0.push(UsedFact {
                    label: "unanswered touches".into(),
                    text: assessment.sequence.unanswered_touches.to_string(),
                    source: "activity history".into(),
                    at: None,
                });
                context! { since, problem, ..base }
            }
            PlayKind::CloseOrNurture => {
                let problem = fact(&mut facts, FactKind::Problem, "the problem, in their words");
                let resurface_on = assessment
                    .next_action
                    .close
                    .as_ref()
                    .map(|c| c.resurface_on)
                    .unwrap_or_else(|| date_of(add_days(now, policy.resurface_after_days)));
                context! { problem, resurface_on => resurface_on.strftime("%B %Y").to_string(), ..base }
            }
            PlayKind::ProductUpdate => {
                let Some(Revival::FeatureShipped {
                    feature,
                    why,
                    shipped_on,
                }) = occasion
                else {
                    return Err(ComposeError::NeedsOccasion { play });
                };
                facts.0.push(UsedFact {
                    label: "the feature they needed".into(),
                    text: match why {
                        Some(w) => format!("{feature}: {w}"),
                        None => feature.clone(),
                    },
                    source: "needed features".into(),
                    at: None,
                });
                let problem = fact(&mut facts, FactKind::Problem, "the problem, in their words");
                context! { feature, why, shipped_on => shipped_on.strftime("%-d %B").to_string(), problem, ..base }
            }
            PlayKind::TriggerEvent => {
                let Some(Revival::Trigger { event }) = occasion else {
                    return Err(ComposeError::NeedsOccasion { play });
                };
                facts.0.push(UsedFact {
                    label: format!("trigger event: {}", event.kind),
                    text: event.note.clone().unwrap_or_else(|| event.kind.to_string()),
                    source: event.source.clone(),
                    at: Some(start_of_day(event.on)),
                });
                let problem = fact(&mut facts, FactKind::Problem, "the problem, in their words");
                let company = record.deal.account.name.clone();
                let (subject_line, opener, change) = trigger_words(event, &to.name, &company);
                context! { subject_line, opener, change, problem, ..base }
            }
            PlayKind::Promotion => {
                let Some(Revival::Promotion { promotion }) = occasion else {
                    return Err(ComposeError::NeedsOccasion { play });
                };
                facts.0.push(UsedFact {
                    label: format!("promotion: {}", promotion.kind),
                    text: format!("{} (until {})", promotion.offer, promotion.until),
                    source: promotion.name.clone(),
                    at: None,
                });
                let problem = fact(&mut facts, FactKind::Problem, "the problem, in their words");
                let price = fact(&mut facts, FactKind::Price, "what they said about price");
                context! { offer => promotion.offer.clone(), until => promotion.until.strftime("%-d %B").to_string(), kind => promotion.kind.as_str(), problem, price, ..base }
            }
            PlayKind::KnowledgeGap => {
                let problem = fact(&mut facts, FactKind::Problem, "the problem, in their words");
                let competitor = fact(&mut facts, FactKind::Competitor, "what they use instead");
                context! { problem, competitor, ..base }
            }
            PlayKind::TimeToContract => {
                let contract = record.contract.as_ref().ok_or(ComposeError::MissingFacts {
                    play,
                    missing: vec!["the incumbent contract and its end date"],
                })?;
                facts.0.push(UsedFact {
                    label: "incumbent contract".into(),
                    text: format!("{} until {}", contract.vendor, contract.ends_on),
                    source: "deal record".into(),
                    at: None,
                });
                let problem = fact(&mut facts, FactKind::Problem, "the problem, in their words");
                let notice_by = contract
                    .ends_on
                    .saturating_sub(crate::time::days(contract.notice_days));
                let suggest =
                    add_days(start_of_day(notice_by), -policy.contract_lead_days).max(now);
                context! { problem, vendor => contract.vendor.clone(), ends_on => contract.ends_on.strftime("%-d %B %Y").to_string(), notice_by => notice_by.strftime("%-d %B %Y").to_string(), suggest_week => human_date(suggest), ..base }
            }
        };
        let rendered = self.render(play, ctx)?;
        let (subject, body) = split_subject(&rendered);
        let findings = lint(&format!("{subject}\n{body}"));
        if !findings.is_empty() {
            return Err(ComposeError::FailsLint { play, findings });
        }
        Ok(Draft {
            play,
            purpose: reach_purpose(play, occasion),
            to,
            subject,
            body,
            facts_used: facts.0,
            to_fill,
        })
    }

    /// Names where `play`'s template came from (its file's path): an error rendering it then
    /// names that, not only the play.
    pub fn set_origin(&mut self, play: PlayKind, origin: String) {
        self.origins.insert(play.as_str().to_string(), origin);
    }

    /// Renders into a buffer that refuses to grow past [`MAX_DRAFT_BYTES`].
    fn render(&self, play: PlayKind, ctx: Value) -> Result<String, ComposeError> {
        let err = |message: String| ComposeError::Template {
            name: self
                .origins
                .get(play.as_str())
                .cloned()
                .unwrap_or_else(|| play.as_str().into()),
            message,
        };
        let template = self
            .env
            .get_template(play.as_str())
            .map_err(|e| err(e.to_string()))?;
        let mut out = Capped::default();
        match template.render_captured_to(ctx, &mut out) {
            Ok(_) => String::from_utf8(out.bytes).map_err(|e| err(e.to_string())),
            Err(_) if out.full => Err(err(format!(
                "the draft passed {} KiB, the most a message may be (MAX_DRAFT_BYTES)",
                MAX_DRAFT_BYTES / 1024
            ))),
            Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => Err(err(format!(
                "it ran past {FUEL} steps, the most a message template may take (FUEL): {e}"
            ))),
            Err(e) => Err(err(e.to_string())),
        }
    }
}

/// The rendered draft, refusing to grow past [`MAX_DRAFT_BYTES`] (`full` says it was tried).
#[derive(Default)]
struct Capped {
    bytes: Vec<u8>,
    full: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len().saturating_add(buf.len()) > MAX_DRAFT_BYTES {
            self.full = true;
            return Err(std::io::Error::other("the draft is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes text with every control character (line breaks included) made a space.
struct Flattened<'a, 'b>(&'a mut minijinja::Output<'b>);

impl std::fmt::Write for Flattened<'_, '_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let mut rest = s;
        while let Some(i) = rest.find(|c: char| c.is_control()) {
            self.0.write_str(&rest[..i])?;
            self.0.write_char(' ')?;
            let width = rest[i..].chars().next().map_or(1, char::len_utf8);
            rest = &rest[i + width..];
        }
        self.0.write_str(rest)
    }
}

#[derive(Default)]
struct FactsUsed(Vec<UsedFact>);

/// What a trigger note says: its subject, its opening line, and the change it refers to.
fn trigger_words(event: &TriggerEvent, to: &str, company: &str) -> (String, String, String) {
    let first = to.split_whitespace().next().unwrap_or(to);
    let detail = event
        .note
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let (subject, opener, change) = match event.kind {
        TriggerKind::Funding => (
            format!("Congratulations on the round, {company}"),
            format!("Congratulations on the funding round{detail}."),
            "the budget picture has changed",
        ),
        TriggerKind::Promotion => (
            format!("Congratulations, {first}"),
            format!("Congratulations on the new role{detail}, {first}."),
            "you have a wider remit",
        ),
        TriggerKind::LeadershipChange => (
            format!("New leadership at {company}"),
            format!("I saw {company} has new leadership{detail}."),
            "priorities are being set afresh",
        ),
        TriggerKind::KeyHire => (
            format!("A new hire at {company}"),
            format!("I saw {company} made a key hire{detail}."),
            "the team has grown",
        ),
        TriggerKind::Expansion => (
            format!("{company} is growing"),
            format!("Congratulations on the expansion{detail}."),
            "the team is growing",
        ),
        TriggerKind::Acquisition => (
            format!("The news at {company}"),
            format!("I saw the news about the acquisition{detail}."),
            "the company is changing shape",
        ),
        TriggerKind::News => (
            format!("Saw the news about {company}"),
            format!("I saw {company} in the news{detail}."),
            "things are moving",
        ),
    };
    (subject, opener, change.to_string())
}

/// The contact to write to: `concerned` (the person a trigger event is about) when reachable,
/// else the one who last engaged, else someone with power; never a do-not-contact person.
/// What a draft is for, for the reachability rule: a revival occasion or play brings a deal
/// back; anything else is the sequence.
fn reach_purpose(play: PlayKind, occasion: Option<&Revival>) -> Purpose {
    if occasion.is_some() || play.is_revival() {
        Purpose::Revival
    } else {
        Purpose::Sequence
    }
}

fn recipient_for(
    record: &DealRecord,
    concerned: Option<ContactId>,
) -> Result<Recipient, ComposeError> {
    if let Some(c) = concerned.and_then(|id| record.contact(id))
        && !c.emails.is_empty()
        && contact_reachable(record, c)
    {
        return Ok(Recipient {
            name: c.name.clone(),
            email: c.address().map(|e| e.to_string()),
        });
    }
    // A contact whose mail bounced since they last engaged cannot be reached by mail (the
    // rule the send check applies too).
    let reachable = |c: &&Contact| contact_reachable(record, c);
    let last_engaged = record
        .activities
        .iter()
        .rev()
        .filter(|a| a.is_engagement())
        .find_map(|a| a.contact.and_then(|id| record.contact(id)));
    let chosen = last_engaged
        .filter(reachable)
        .or_else(|| {
            record
                .contacts
                .iter()
                .filter(reachable)
                .find(|c| c.role.is_some_and(|r| r.has_power()))
        })
        .or_else(|| record.contacts.iter().find(reachable));
    match chosen {
        Some(c) => Ok(Recipient {
            name: c.name.clone(),
            email: c.address().map(|e| e.to_string()),
        }),
        None if record.contacts.is_empty() => {
            Err(ComposeError::NoRecipient("the deal has no contacts".into()))
        }
        None => Err(ComposeError::NoRecipient(
            match record
                .contacts
                .iter()
                .find(|c| !c.do_not_contact && crate::reach::addresses_retired(c))
            {
                Some(moved) => crate::reach::Barrier::Moved {
                    to: moved.moved_to.clone(),
                }
                .to_string(),
                None => "every contact on the deal is do-not-contact or their mail bounced".into(),
            },
        )),
    }
}

/// Who the value-add is really for: the decision maker they must convince, if known.
fn audience(record: &DealRecord, to: &Recipient) -> String {
    record
        .contacts
        .iter()
        .find(|c| c.role == Some(crate::Role::DecisionMaker) && c.name != to.name)
        .map(|c| match &c.title {
            Some(t) => format!("{} ({t})", c.first_name()),
            None => c.first_name().to_string(),
        })
        .unwrap_or_else(|| "your team".into())
}

/// The questions that try to disqualify, one per warning sign (PLAYBOOK.md, "Prevention plays").
fn disqualifying_questions(assessment: &Assessment) -> Vec<(SignalKind, &'static str)> {
    let mut out: Vec<(SignalKind, &'static str)> = Vec::new();
    for s in &assessment.signals {
        let q = match s.kind {
            SignalKind::NoSolidNextStep => {
                "We haven't put a next step in the calendar. What's holding that back?"
            }
            SignalKind::NoArticulatedNeed => {
                "In your own words, why would you change anything now rather than next year?"
            }
            SignalKind::NoDueDiligence => {
                "I'm a little worried you haven't compared alternatives or asked how setup would work. Have you looked at other options?"
            }
            SignalKind::SingleThreaded | SignalKind::NoPowerEngaged => {
                "Who else will have a say in this, and what will they need to see from us?"
            }
            SignalKind::CloseDateSlipped => {
                "The timeline has moved a few times. What has changed on your side?"
            }
            _ => continue,
        };
        if !out.iter().any(|(_, existing)| *existing == q) {
            out.push((s.kind, q));
        }
    }
    if out.is_empty() {
        out.push((
            SignalKind::NoArticulatedNeed,
            "What would have to be true for this to be worth your time this quarter?",
        ));
    }
    out
}

fn split_subject(rendered: &str) -> (String, String) {
    let text = rendered.trim_start();
    match text.strip_prefix("Subject:") {
        Some(rest) => {
            let (subject, body) = rest.split_once('\n').unwrap_or((rest, ""));
            (
                // The template's own text too: a subject is one line (RFC 5322 section 2.2).
                subject
                    .split(|c: char| c.is_control())
                    .map(str::trim)
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
                body.trim_start_matches(['\n', '\r']).trim_end().to_string() + "\n",
            )
        }
        None => (String::new(), text.trim_end().to_string() + "\n"),
    }
}
