//! What a reading does to the deal (PLAYBOOK.md, "The breakup": both answers are good).
//!
//! Acting is precision-first: a reading moves a deal on its own only when
//! a careful rep would do the same without looking - the message answers the rep's
//! conversation directly (`DealSituation::direct`), the cue is in the sender's own new text
//! (the reader reads only that), and the answer is explicit (`Reading::confident`). Then a stop
//! marks the person do-not-contact everywhere, a referral adds the new person, "close the
//! file" closes it with its reason, "check back in Q3" nurtures until then, "still
//! interested, call me Tuesday" reopens and sets the step. An absence only holds the next touch
//! until their return, whatever the message, and a person's explicit request to stop is
//! honoured even when it answers no touch. Everything else - a weak cue, mixed words, the
//! model's guess, a message that is not a direct answer, a reply older than the deal's latest
//! activity - is offered to the rep with its evidence and waits.

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
    /// The message answers the rep's conversation: in the thread of the rep's outbound touch,
    /// or a deal contact writing to the rep after at least one touch, or a reply the rep logged
    /// by hand. False for list traffic, newsletters and mail that predates any touch: such a
    /// reading is only suggested.
    pub direct: bool,
    /// It came through a mailing list or a bulk mailing (`mail::is_list_or_bulk`): others
    /// read it, and a request to stop in it may be meant for the list.
    pub list: bool,
}

/// One change a reply makes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The sender, under every address and on every deal.
    DoNotContact,
    /// Only the address the message came from: the person moved to another address for good
    /// (an address-change notice), and stays a contact under the new one.
    StopAddress,
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
///
/// A reply that says the sender is away (`Reading::back_on`) also holds the next touch until
/// their return, whatever else it does: the hold moves no deal.
pub fn plan(
    reading: &Reading,
    situation: DealSituation,
    sender: &str,
    quote: &str,
    at: Date,
    policy: &Policy,
) -> Vec<Action> {
    let mut actions = plan_class(reading, situation, sender, quote, at, policy);
    // A person's answer that gives their new address and says the old one stops working
    // retires the old one, as an address-change notice does (the new one is offered by the
    // importer as a suggested contact).
    if situation.direct
        && crate::mail::address_change(quote, None).is_some_and(|c| c.old_stops)
        && !actions
            .iter()
            .any(|a| matches!(a, Action::DoNotContact | Action::StopAddress))
    {
        actions.push(Action::StopAddress);
    }
    if let Some(date) = reading.back_on
        && !actions
            .iter()
            .any(|a| matches!(a, Action::HoldUntil { .. } | Action::DoNotContact))
    {
        actions.push(Action::HoldUntil { date });
    }
    actions
}

fn plan_class(
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
    // A stop or a referral changes people, not the deal's course: it stands even when the deal
    // has moved on since. A referral needs a direct, explicit answer; a stop an explicit one.
    let changes_people = matches!(reading.class, ReplyClass::Stop | ReplyClass::Referral);
    let evidence = reading
        .evidence
        .iter()
        .filter(|e| !e.starts_with("not said outright"))
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("; ");
    // The answers are inside the quoted message, where the reader does not look: whatever the
    // sender's few own words say, the rep reads the message.
    if let Some(inline) = reading
        .evidence
        .iter()
        .find(|e| e.starts_with(super::INLINE_EVIDENCE))
    {
        return vec![Action::NeedsRep {
            why: format!("read the message itself: {inline}"),
        }];
    }
    // A person's own explicit request to stop is honoured whether or not it answers a touch
    // (mail before any touch, a thread the record lacks): it only keeps the rep from writing
    // to them, which the rep can lift (`replies decide --lift-stop`), while ignoring it would
    // mail someone who asked not to be (the playbook's do-not-contact rule). A stop that is
    // unsure (negated, about someone else) still waits below.
    if reading.class == ReplyClass::Stop
        && reading.confident
        && !situation.direct
        && !situation.list
    {
        return vec![Action::DoNotContact];
    }
    if (moves_deal || changes_people) && !situation.direct {
        return vec![Action::NeedsRep {
            why: format!(
                "reads as {} ({evidence}), but the message is not a direct answer to your conversation: confirm",
                reading.class
            ),
        }];
    }
    if (moves_deal || changes_people) && !reading.confident {
        return vec![Action::NeedsRep {
            why: format!("probably {} ({evidence}): confirm", reading.class),
        }];
    }
    if moves_deal && situation.superseded {
        return vec![Action::NeedsRep {
            why: format!(
                "reads as {}, but the deal has moved on since: confirm",
                reading.class
            ),
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
