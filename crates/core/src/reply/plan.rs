//! What a reading does to the deal (PLAYBOOK.md, "The breakup": both answers are good). Clear
//! answers move the deal at once: a stop marks the person do-not-contact everywhere, an absence
//! holds the next touch until their return, a referral adds the new person, "close it" closes
//! it with its reason, "check back in Q3" nurtures until then, "call me next week" reopens and
//! sets the step. Anything the words do not settle, and anything older than the deal's latest
//! activity, waits for the rep.

use super::{Reading, ReplyClass};
use crate::{DealStatus, EmailAddress, LostReason, Policy};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Where the deal stands when the reply is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DealSituation {
    pub status: DealStatus,
    /// The deal has activity after this reply: the reply no longer speaks for it.
    pub superseded: bool,
}

/// One change a reply makes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The sender, under every address and on every deal.
    DoNotContact,
    /// No touch before the person is back.
    HoldUntil {
        date: Date,
    },
    /// The person the deal was handed to.
    AddContact {
        name: String,
        address: Option<EmailAddress>,
    },
    Close {
        status: DealStatus,
        reason: Option<LostReason>,
        resurface_on: Option<Date>,
        note: String,
    },
    Reopen,
    NextStep {
        what: String,
        due: Option<Date>,
    },
    /// Nothing moves until the rep decides.
    NeedsRep {
        why: String,
    },
}

/// Reasons worth coming back for (PLAYBOOK.md, "Triage").
fn salvageable(reason: LostReason) -> bool {
    matches!(
        reason,
        LostReason::Timing | LostReason::Budget | LostReason::MissingFeature
    )
}

/// The changes `reading` makes to a deal in `situation`, read on `at`. `sender` names the
/// person who wrote, for the step it sets.
pub fn plan(
    reading: &Reading,
    situation: DealSituation,
    sender: &str,
    quote: &str,
    at: Date,
    policy: &Policy,
) -> Vec<Action> {
    let resurface = at.checked_add(policy.resurface_after_days.days()).ok();
    let tomorrow = at.tomorrow().ok();
    let moves_deal = matches!(
        reading.class,
        ReplyClass::Revive | ReplyClass::Lost | ReplyClass::Later
    );
    if moves_deal && situation.superseded {
        return vec![Action::NeedsRep {
            why: format!(
                "reads as {}, but the deal has moved on since: confirm",
                reading.class
            ),
        }];
    }
    if moves_deal && !reading.confident {
        return vec![Action::NeedsRep {
            why: format!("probably {}: confirm", reading.class),
        }];
    }
    if moves_deal && situation.status == DealStatus::Won {
        return vec![Action::NeedsRep {
            why: format!("reads as {} on a won deal", reading.class),
        }];
    }
    let quoted: String = quote.chars().take(200).collect();
    match reading.class {
        ReplyClass::Stop => vec![Action::DoNotContact],
        ReplyClass::OutOfOffice => reading
            .until
            .map(|date| Action::HoldUntil { date })
            .into_iter()
            .collect(),
        ReplyClass::Referral => {
            let Some(referral) = &reading.referral else {
                return Vec::new();
            };
            let name = referral
                .name
                .clone()
                .or_else(|| referral.address.as_ref().map(|a| a.as_str().to_string()))
                .unwrap_or_default();
            let mut actions = vec![Action::AddContact {
                name: name.clone(),
                address: referral.address.clone(),
            }];
            if situation.status == DealStatus::Open && !situation.superseded {
                actions.push(Action::NextStep {
                    what: format!("Reach {name}, who {sender} says owns this now"),
                    due: tomorrow,
                });
            }
            actions
        }
        ReplyClass::Lost if situation.status == DealStatus::Lost => Vec::new(),
        ReplyClass::Lost => {
            let reason = reading.lost_reason.unwrap_or(LostReason::Other);
            vec![Action::Close {
                status: DealStatus::Lost,
                reason: Some(reason),
                resurface_on: if salvageable(reason) { resurface } else { None },
                note: format!("{sender}: \"{quoted}\""),
            }]
        }
        ReplyClass::Later => vec![Action::Close {
            status: DealStatus::Nurture,
            reason: None,
            resurface_on: reading.until.or(resurface),
            note: format!("{sender}: \"{quoted}\""),
        }],
        ReplyClass::Revive => {
            let mut actions = Vec::new();
            if matches!(situation.status, DealStatus::Lost | DealStatus::Nurture) {
                actions.push(Action::Reopen);
            }
            actions.push(match &reading.proposal {
                Some(p) => Action::NextStep {
                    what: format!("{sender} proposed: {}", p.text),
                    due: p.on,
                },
                None => Action::NextStep {
                    what: format!("Answer {sender}: they want to continue"),
                    due: tomorrow,
                },
            });
            actions
        }
        ReplyClass::Question => vec![Action::NeedsRep {
            why: format!(
                "answer {sender}: {}",
                reading.evidence.first().map(String::as_str).unwrap_or("")
            ),
        }],
        ReplyClass::Unclear => vec![Action::NeedsRep {
            why: "read it: the words do not say what they want".into(),
        }],
    }
}
