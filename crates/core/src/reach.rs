//! May we touch this deal's people now? The one answer every path asks before it proposes,
//! drafts, queues, sends or ranks a touch: the scan and `today` (`plays::next_action`), the
//! drafts (`compose`), the send-time check (`outbox::check`) and revival ranking
//! (`revival::rank_one`). What one of them would refuse, none of the others proposes.
//!
//! The rule, each part from the playbook (PLAYBOOK.md) or the vendors it cites:
//! - a won deal is never chased, and a lost one gets no touch of the re-engagement sequence:
//!   only a revival play brings it back ("Bringing them back": the breakup's "yes, close it"
//!   frees the rep; product updates, trigger events and promotions reopen lost deals);
//! - nobody who asked not to be contacted, no address whose mail bounced since the person
//!   last engaged ("Numbers from the field": sequences stop on an unsubscribe or a bounce),
//!   and no address the person retired for another (an address-change notice): someone whose
//!   every address is retired is not written to until the rep adds the new one;
//! - the prospect's own date to look again is kept: nothing before it ("Timing": time the
//!   sequence to their date instead of chasing now; the breakup's "call me next quarter");
//! - nothing while they are away, until the first working day of their return
//!   ("Numbers from the field": Mixmax reschedules after an out-of-office return date).
//!
//! Pure: the record and `now` in, a [`Reach`] out.

use crate::time::{date_of, start_of_day};
use crate::{Contact, ContactId, DealRecord, DealStatus, EmailAddress};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use std::fmt;

/// What the touch is for: the re-engagement sequence of an open deal, or bringing a lost,
/// nurtured or dark deal back (`PlayKind::is_revival`, `rekindle revive`). Kept with each
/// outbox message, so a revival queued for a lost deal is checked as one when it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Sequence,
    Revival,
}

impl Purpose {
    /// `sequence` or `revival`: the stored and printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Sequence => "sequence",
            Purpose::Revival => "revival",
        }
    }

    /// The inverse of [`Purpose::as_str`].
    ///
    /// Errors: [`crate::ParseError`] naming `purpose` for any other text.
    pub fn parse(s: &str) -> Result<Self, crate::ParseError> {
        match s {
            "sequence" => Ok(Purpose::Sequence),
            "revival" => Ok(Purpose::Revival),
            _ => Err(crate::ParseError::new("purpose", s, "sequence or revival")),
        }
    }
}

/// Why no touch may go now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "barrier", rename_all = "snake_case")]
pub enum Barrier {
    /// Won (never chased), or lost (no sequence touch: `rekindle revive` brings it back).
    Closed { status: DealStatus },
    /// The deal has no contact to write to.
    NoContacts,
    /// Every contact asked not to be contacted.
    DoNotContact,
    /// Every contact who may be written to has mail that bounced since they last engaged.
    Bounced,
    /// Nobody to write to: every address left is one the person retired for another (an
    /// address-change notice). `to` is the new address the notice gave, when it gave one: the
    /// way out is adding it to the deal's contacts.
    Moved { to: Option<EmailAddress> },
    /// Their own date to look again (`deals.resurface_on`: `close --resurface`, a reply read
    /// as later, `replies decide --as later --until`) has not come.
    LookAgain { on: Date },
    /// They are away: back on this day (the first working day on or after the return date an
    /// auto-reply or a reply gave).
    Away { until: Date },
}

impl fmt::Display for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Barrier::Closed { status } => write!(f, "the deal is {status}"),
            Barrier::NoContacts => write!(f, "the deal has no contacts"),
            Barrier::DoNotContact => write!(
                f,
                "every contact on the deal is do-not-contact (they asked not to be contacted)"
            ),
            Barrier::Bounced => write!(
                f,
                "every contact on the deal is do-not-contact or their mail bounced"
            ),
            Barrier::Moved { to: Some(to) } => write!(
                f,
                "nobody to write to: their address was retired for {to} (add {to} to the deal's contacts to write to them there)"
            ),
            Barrier::Moved { to: None } => write!(
                f,
                "nobody to write to: their address was retired for another (add their new address to the deal's contacts)"
            ),
            Barrier::LookAgain { on } => {
                write!(f, "they asked to be contacted again on {on}, not before")
            }
            Barrier::Away { until } => write!(f, "they are away until {until}"),
        }
    }
}

/// The answer: a touch may go now, or not, with why and until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reach", rename_all = "snake_case")]
pub enum Reach {
    Reachable,
    /// `until`: the moment the barrier lifts by itself (the start of that day, UTC); `None`
    /// when only the record changing lifts it (a new contact, a reply, the rep reopening).
    Unreachable {
        why: Barrier,
        until: Option<Timestamp>,
    },
}

impl Reach {
    pub fn is_reachable(&self) -> bool {
        matches!(self, Reach::Reachable)
    }
}

/// Whether one contact may be written to: not do-not-contact, an address not retired for
/// another (`addresses_retired`), and no bounce since they last engaged, on this deal
/// (`mail::contact_bounced`) or any other (`Contact::mail_bounced`).
pub fn contact_reachable(record: &DealRecord, contact: &Contact) -> bool {
    !contact.do_not_contact
        && !addresses_retired(contact)
        && !contact.mail_bounced
        && !crate::mail::contact_bounced(record, contact.id)
}

/// Whether every address the contact has was retired for another (`Contact::retired`): the
/// person moved, and nothing the record holds reaches them. A contact without addresses (a
/// phone-only one) has retired none.
pub fn addresses_retired(contact: &Contact) -> bool {
    !contact.emails.is_empty() && contact.emails.iter().all(|e| contact.retired.contains(e))
}

/// Whether the contact with this id is on the deal and may be written to.
pub fn contact_id_reachable(record: &DealRecord, contact: ContactId) -> bool {
    record
        .contact(contact)
        .is_some_and(|c| contact_reachable(record, c))
}

/// The first working day they are back, when that is after `now`: the latest return date
/// given since they last engaged (an auto-reply since then, or that engagement itself when it
/// was a reply saying they are away), moved off a weekend.
pub fn away_until(record: &DealRecord, now: Timestamp) -> Option<Date> {
    let since = record.last_engagement(now).map(|a| a.at);
    record
        .activities
        .iter()
        .filter(|a| a.at <= now && since.is_none_or(|s| a.at >= s))
        .filter_map(|a| a.returns_on)
        .max()
        .map(crate::mail::working_day_on_or_after)
        .filter(|back| start_of_day(*back) > now)
}

/// May the deal's people be touched at `now`, for `purpose`? Barriers that lift only when the
/// record changes come first (closed, nobody to write to); of the dated ones, the one that
/// lifts last is given.
pub fn reach(record: &DealRecord, purpose: Purpose, now: Timestamp) -> Reach {
    let never = |why: Barrier| Reach::Unreachable { why, until: None };
    let status = record.deal.status;
    match (status, purpose) {
        (DealStatus::Won, _) | (DealStatus::Lost, Purpose::Sequence) => {
            return never(Barrier::Closed { status });
        }
        _ => {}
    }
    if record.contacts.is_empty() {
        return never(Barrier::NoContacts);
    }
    if record.contacts.iter().all(|c| c.do_not_contact) {
        return never(Barrier::DoNotContact);
    }
    if !record.contacts.iter().any(|c| contact_reachable(record, c)) {
        // A person who moved is the way out the rep can take (add the new address), so it is
        // named before a bounce.
        if let Some(moved) = record
            .contacts
            .iter()
            .find(|c| !c.do_not_contact && addresses_retired(c))
        {
            return never(Barrier::Moved {
                to: moved.moved_to.clone(),
            });
        }
        return never(Barrier::Bounced);
    }
    let today = date_of(now);
    let mut dated: Vec<(Date, Barrier)> = Vec::new();
    if let Some(on) = record.deal.resurface_on.filter(|on| *on > today) {
        dated.push((on, Barrier::LookAgain { on }));
    }
    if let Some(until) = away_until(record, now) {
        dated.push((until, Barrier::Away { until }));
    }
    match dated.into_iter().max_by_key(|(d, _)| *d) {
        Some((on, why)) => Reach::Unreachable {
            why,
            until: Some(start_of_day(on)),
        },
        None => Reach::Reachable,
    }
}

/// The purpose of a message of this play: revival plays bring a deal back, the rest are the
/// sequence.
pub fn purpose_of(play: Option<crate::PlayKind>) -> Purpose {
    match play {
        Some(p) if p.is_revival() => Purpose::Revival,
        _ => Purpose::Sequence,
    }
}
