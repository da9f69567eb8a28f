//! Understanding the rep's calendar (PLAYBOOK.md, "Warning signs": a solid next step is a
//! meeting on the calendar, not an intention). A future meeting with a deal's contact is a
//! booked next step; a past one is a meeting held; a cancelled one (or one the contact
//! declined) is a cancellation, and the booked step it was goes away.
//!
//! Pure: an occurrence (already expanded from any recurrence by the reader) and what the record
//! had from it before go in; what changes comes out.

use crate::mail::{Directory, is_free_mail, normalise_address};
use crate::{ContactId, DealId, EmailAddress};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What the calendar says about an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Confirmed,
    Tentative,
    Cancelled,
}

/// A person invited, and their answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendee {
    pub address: EmailAddress,
    pub declined: bool,
}

/// One occurrence of a calendar event: a single event, or one instance of a recurring one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The same for every version of this occurrence: the event's UID, plus the instance's
    /// original start for a recurring event.
    pub key: String,
    /// The event's SEQUENCE: a later version has a higher one.
    pub sequence: i64,
    pub summary: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub status: EventStatus,
    pub organizer: Option<EmailAddress>,
    pub attendees: Vec<Attendee>,
}

/// What an occurrence is for a deal, at a given moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingState {
    /// Ahead, and not cancelled: the deal's next step.
    Booked,
    /// Over, and not cancelled.
    Held,
    Cancelled,
}

impl MeetingState {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingState::Booked => "booked",
            MeetingState::Held => "held",
            MeetingState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<MeetingState> {
        match text {
            "booked" => Some(MeetingState::Booked),
            "held" => Some(MeetingState::Held),
            "cancelled" => Some(MeetingState::Cancelled),
            _ => None,
        }
    }
}

/// A meeting on a deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub deal: DealId,
    /// The deal's contact in the meeting (the first one invited).
    pub contact: ContactId,
    pub state: MeetingState,
    /// Cancelled because every deal contact invited declined, not by the organiser (RFC 5545
    /// PARTSTAT=DECLINED): reported as a declined invitation.
    pub declined: bool,
    pub start: Timestamp,
    pub summary: String,
}

/// What an occurrence means for the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventDisposition {
    Meeting(Meeting),
    /// Someone new from a known account is in the meeting.
    SuggestContact {
        account: String,
        address: EmailAddress,
        deal: Option<DealId>,
    },
    Skip {
        reason: &'static str,
    },
}

/// Reads an occurrence at `now`: which deal it belongs to and what state it is in.
pub fn understand_event(
    occurrence: &Occurrence,
    directory: &Directory,
    now: Timestamp,
) -> EventDisposition {
    let people: Vec<(&EmailAddress, bool)> = occurrence
        .organizer
        .iter()
        .map(|o| (o, false))
        .chain(
            occurrence
                .attendees
                .iter()
                .map(|a| (&a.address, a.declined)),
        )
        .filter(|(a, _)| !directory.is_me(a))
        .collect();
    if people.is_empty() {
        return EventDisposition::Skip {
            reason: "no one but you",
        };
    }
    let contacts: Vec<(ContactId, &str, bool)> = people
        .iter()
        .filter_map(|(a, declined)| {
            directory
                .contact(a)
                .map(|(id, account)| (*id, account.as_str(), *declined))
        })
        .collect();
    let Some((contact, account, _)) = contacts.first().copied() else {
        // Nobody in the record: someone new at a known account is worth a suggestion.
        let known = people.iter().find_map(|(a, _)| {
            let a = normalise_address(a.as_str())?;
            if is_free_mail(a.domain()) {
                return None;
            }
            directory.account_of_domain(a.domain()).map(|acc| (acc, a))
        });
        return match known {
            Some((account, address)) => EventDisposition::SuggestContact {
                deal: directory.deal(account, None, None),
                account: account.to_string(),
                address,
            },
            None => EventDisposition::Skip {
                reason: "with no one in the record",
            },
        };
    };
    let Some(deal) = directory.deal(account, Some(contact), None) else {
        return EventDisposition::Skip {
            reason: "the account has no deal",
        };
    };
    let everyone_declined = contacts.iter().all(|(_, _, declined)| *declined);
    let cancelled = occurrence.status == EventStatus::Cancelled;
    let state = if cancelled || everyone_declined {
        MeetingState::Cancelled
    } else if occurrence.end <= now {
        MeetingState::Held
    } else {
        MeetingState::Booked
    };
    EventDisposition::Meeting(Meeting {
        deal,
        contact,
        state,
        declined: everyone_declined && !cancelled,
        start: occurrence.start,
        summary: occurrence.summary.clone(),
    })
}

/// What the record had from an occurrence at the last import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    pub sequence: i64,
    pub state: MeetingState,
    pub start: Timestamp,
}

/// What to change in the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeetingChange {
    /// Nothing new.
    None,
    /// Set (or move) the deal's booked next step to this meeting.
    Book,
    /// Record the meeting as held; the booked step it was, if any, is done.
    Hold,
    /// Record the cancellation; the booked step it was, if any, goes away.
    Cancel,
}

/// The change a fresh reading of an occurrence makes, given what was seen before. An older
/// version (lower SEQUENCE) never overrides a newer one, and history (held, cancelled) is not
/// rewritten by a re-import.
pub fn meeting_change(before: Option<Seen>, now: &Meeting, sequence: i64) -> MeetingChange {
    use MeetingState::*;
    match before {
        None => match now.state {
            Booked => MeetingChange::Book,
            Held => MeetingChange::Hold,
            Cancelled => MeetingChange::Cancel,
        },
        Some(seen) if sequence < seen.sequence => MeetingChange::None,
        Some(seen) => match (seen.state, now.state) {
            (Booked, Booked) if seen.start != now.start => MeetingChange::Book,
            (Booked, Held) => MeetingChange::Hold,
            (Booked, Cancelled) => MeetingChange::Cancel,
            // Re-invited after a cancellation.
            (Cancelled, Booked) if sequence > seen.sequence => MeetingChange::Book,
            _ => MeetingChange::None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn meeting(state: MeetingState, start: &str) -> Meeting {
        Meeting {
            deal: DealId(1),
            contact: ContactId(1),
            state,
            declined: false,
            start: at(start),
            summary: "review".into(),
        }
    }

    #[test]
    fn changes_follow_the_meeting_through_its_life_and_never_go_backwards() {
        use MeetingState::*;
        let seen = |sequence, state, start: &str| {
            Some(Seen {
                sequence,
                state,
                start: at(start),
            })
        };
        let t1 = "2026-12-01T10:00:00Z";
        let t2 = "2026-12-03T10:00:00Z";
        assert_eq!(
            meeting_change(None, &meeting(Booked, t1), 0),
            MeetingChange::Book
        );
        assert_eq!(
            meeting_change(seen(0, Booked, t1), &meeting(Booked, t1), 0),
            MeetingChange::None,
            "the same version again adds nothing"
        );
        assert_eq!(
            meeting_change(seen(0, Booked, t1), &meeting(Booked, t2), 1),
            MeetingChange::Book,
            "rescheduled: the step moves"
        );
        assert_eq!(
            meeting_change(seen(1, Booked, t2), &meeting(Booked, t1), 0),
            MeetingChange::None,
            "an older copy of the invitation changes nothing"
        );
        assert_eq!(
            meeting_change(seen(1, Booked, t2), &meeting(Held, t2), 1),
            MeetingChange::Hold
        );
        assert_eq!(
            meeting_change(seen(1, Booked, t2), &meeting(Cancelled, t2), 2),
            MeetingChange::Cancel
        );
        assert_eq!(
            meeting_change(seen(1, Held, t2), &meeting(Cancelled, t2), 2),
            MeetingChange::None,
            "a meeting that happened stays in the history"
        );
        assert_eq!(
            meeting_change(seen(2, Cancelled, t2), &meeting(Booked, t2), 3),
            MeetingChange::Book,
            "re-invited"
        );
    }
}
