//! The deal record: what must be kept for a stalled deal to be saved (PLAYBOOK.md, "What this
//! means for the product"): the prospect's own words, their commitments with dates, the agreed
//! next step, stakeholders and roles, competitors and price talk, the contract they are in,
//! the closed-lost reason and the features they needed, and every touch and reply.

use crate::{ActivityId, CommitmentId, ContactId, DealId, EmailAddress, FactId, Money};
use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

/// Declares a closed vocabulary with its canonical names, accepted aliases and `parse`.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident => $canon:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical name, as stored and shown.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $canon),+ }
            }

            /// Accepts the canonical name or an alias, ignoring case, `-`, `_` and spaces.
            pub fn parse(s: &str) -> Result<Self, $crate::ParseError> {
                let key: String = s.trim().to_lowercase().chars().filter(|c| !matches!(c, '-' | '_' | ' ' | '/')).collect();
                $(
                    if key == $canon.replace(['_', '-', ' ', '/'], "") $(|| key == $alias.replace(['_', '-', ' ', '/'], ""))* {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::ParseError::new($field, s, format!("one of: {}", [$($canon),+].join(", "))))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// A stakeholder's part in the buying decision.
    Role, "role" {
        DecisionMaker => "decision_maker" | "dm" | "economic_buyer" | "buyer",
        Champion => "champion",
        Influencer => "influencer",
        User => "user" | "end_user",
        Gatekeeper => "gatekeeper",
    }
);

impl Role {
    /// Someone who can make the purchase happen (PLAYBOOK.md, "Single-threaded").
    pub fn has_power(self) -> bool {
        matches!(self, Role::DecisionMaker | Role::Champion)
    }
}

vocabulary!(
    /// Where a deal stands overall.
    DealStatus, "status" {
        Open => "open",
        Won => "won",
        Lost => "lost",
        Nurture => "nurture",
    }
);

vocabulary!(
    /// What a discovery fact is about. Each holds the prospect's own words.
    FactKind, "fact kind" {
        Problem => "problem" | "pain",
        Cost => "cost" | "cost_of_problem",
        Impact => "impact" | "impact_of_not_changing",
        WhyNow => "why_now" | "why" | "why_buying",
        DecisionProcess => "decision_process" | "process",
        Competitor => "competitor" | "alternative",
        Price => "price" | "budget",
        SetupQuestion => "setup_question" | "setup" | "implementation",
        Objection => "objection" | "concern",
        Context => "context" | "situation",
    }
);

vocabulary!(
    /// Who made a commitment.
    Party, "party" {
        Prospect => "prospect" | "them" | "buyer_side",
        Rep => "rep" | "us" | "me",
    }
);

vocabulary!(
    /// Whether a commitment was kept.
    CommitmentStatus, "commitment status" {
        Open => "open",
        Kept => "kept" | "done",
        Broken => "broken" | "missed",
    }
);

vocabulary!(
    /// The channel of an activity.
    ActivityKind, "activity kind" {
        Call => "call",
        Email => "email",
        Meeting => "meeting",
        Voicemail => "voicemail",
        Social => "social" | "linkedin",
        Note => "note",
    }
);

vocabulary!(
    /// Who started the activity.
    Direction, "direction" {
        Inbound => "inbound" | "in",
        Outbound => "outbound" | "out",
    }
);

vocabulary!(
    /// What came of an activity. `replied`: an inbound message that answers the rep (or one
    /// the rep logs as an answer); `wrote`: an inbound message from the deal's people that
    /// opens a conversation before any touch on the deal - engagement, kept on the timeline,
    /// but an answer to nothing, so it never counts as answering a touch.
    Outcome, "outcome" {
        Connected => "connected",
        NoAnswer => "no_answer",
        VoicemailLeft => "voicemail_left" | "left_voicemail",
        Replied => "replied" | "reply",
        Wrote => "wrote" | "wrote_in" | "unprompted",
        Bounced => "bounced" | "bounce",
        AutoReply => "auto_reply" | "out_of_office" | "ooo",
        MeetingHeld => "meeting_held" | "held",
        NoShow => "no_show",
        Cancelled => "cancelled" | "canceled",
        Sent => "sent",
    }
);

vocabulary!(
    /// Closed-lost reasons (PLAYBOOK.md, "Product updates" and "Triage").
    LostReason, "lost reason" {
        Unresponsive => "unresponsive" | "went_dark" | "ghosted",
        Timing => "timing",
        Budget => "budget",
        NoDecision => "no_decision" | "status_quo",
        Competitor => "competitor",
        MissingFeature => "missing_feature" | "feature",
        NoValueSeen => "no_value_seen" | "no_value",
        NoDecisionMaker => "no_decision_maker",
        NotAPriority => "not_a_priority" | "no_priority" | "priority",
        Other => "other",
    }
);

vocabulary!(
    /// The re-engagement plays (PLAYBOOK.md, "Prevention plays" and "Bringing them back").
    PlayKind, "play" {
        ValueAdd => "value_add" | "follow_up",
        ObjectionHunt => "objection_hunt" | "disqualify",
        Accountability => "accountability",
        Breakup => "breakup",
        CloseOrNurture => "close_or_nurture" | "close" | "nurture",
        TimeToContract => "time_to_contract" | "contract",
        ProductUpdate => "product_update" | "feature_shipped",
        TriggerEvent => "trigger_event" | "trigger",
        KnowledgeGap => "knowledge_gap" | "status_quo",
        Promotion => "promotion" | "promo" | "offer",
    }
);

impl PlayKind {
    /// Plays that need an occasion from outside the deal (a shipped feature, a trigger
    /// event) or belong to bringing a lost deal back: `rekindle revive` picks them, the
    /// open-deal engine never does.
    pub fn is_revival(self) -> bool {
        matches!(
            self,
            PlayKind::ProductUpdate
                | PlayKind::TriggerEvent
                | PlayKind::KnowledgeGap
                | PlayKind::Promotion
        )
    }
}

/// A company being sold to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub domain: Option<String>,
}

/// A person at the account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    pub emails: Vec<EmailAddress>,
    pub title: Option<String>,
    pub role: Option<Role>,
    /// Never to be contacted again: drafts and sends refuse this person.
    pub do_not_contact: bool,
    /// Mail to their first address (the one drafts write to) bounced since they last engaged,
    /// as the whole record knows it, on any deal (the store's `is_bounced`, which the send
    /// check asks too). This deal's own activities may say so as well (`mail::contact_bounced`).
    #[serde(default)]
    pub mail_bounced: bool,
    /// Their addresses retired for another: an address-change notice ("my new address is
    /// ...", `Action::StopAddress`; the store's `blocked_addresses` with the reason `moved to
    /// another address`). Nothing goes to these; a person with no other address cannot be
    /// written to (`reach::addresses_retired`).
    #[serde(default)]
    pub retired: Vec<EmailAddress>,
    /// The new address such a notice gave, when it gave one: the way to write to them again,
    /// once the rep adds it to the deal's contacts.
    #[serde(default)]
    pub moved_to: Option<EmailAddress>,
}

impl Contact {
    /// The address drafts write to: their first one not retired for another
    /// (`Contact::retired`), or `None` when they have none left.
    pub fn address(&self) -> Option<&EmailAddress> {
        self.emails.iter().find(|e| !self.retired.contains(e))
    }

    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or(&self.name)
    }
}

/// A discovery fact, kept in the prospect's own words with where and when it was said.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub id: FactId,
    pub kind: FactKind,
    pub text: String,
    pub source: String,
    pub said_at: Timestamp,
    pub contact: Option<ContactId>,
}

/// Something someone promised to do by a date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: CommitmentId,
    pub party: Party,
    pub what: String,
    pub due: Timestamp,
    pub status: CommitmentStatus,
    pub source: String,
    pub made_at: Timestamp,
}

/// The agreed next step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NextStep {
    pub what: String,
    pub due: Option<Timestamp>,
    /// A calendar meeting the prospect accepted, not just an intention.
    pub booked: bool,
    pub set_at: Timestamp,
}

/// What the tone linter found in an outbound message, kept with the activity so the engine
/// never needs the message text to see pesky habits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToneMark {
    pub findings: u16,
    /// The first offending phrase, for evidence.
    pub first_phrase: Option<String>,
}

/// The largest message body a rep may log or edit, in bytes (1 MiB). A sales email is a few
/// KiB; a pasted thread with its quotes rarely passes 100 KiB. A body is read, tone-checked and
/// stored whole, so without a cap a 100 MB file took 1.26 GB to log and every later `show` of
/// the deal 1.65 GB. Bodies stored before the cap are read back up to this many
/// characters.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A call, email, meeting, voicemail, social touch or note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: ActivityId,
    pub kind: ActivityKind,
    pub direction: Direction,
    pub at: Timestamp,
    pub outcome: Option<Outcome>,
    pub contact: Option<ContactId>,
    pub summary: String,
    /// For an email: its subject line as the message had it (captured or sent); `None` for
    /// other activities, emails logged by hand and emails recorded before subjects were kept.
    #[serde(default)]
    pub subject: Option<String>,
    /// The message text. A loaded record holds it for outbound messages only (what the tone
    /// check compares a new message with), at most [`MAX_BODY_BYTES`] characters.
    pub body: Option<String>,
    /// The play this message carried, when it was one Rekindle drafted.
    pub play: Option<PlayKind>,
    pub tone: ToneMark,
    /// A fingerprint of the normalised body, to spot the same message sent again.
    pub body_fingerprint: Option<u64>,
    /// For an auto-reply: the day the person is back.
    pub returns_on: Option<Date>,
}

impl Activity {
    /// The prospect engaged: they wrote or called, a call connected, or a meeting was held.
    /// Auto-replies and bounces are not engagement.
    pub fn is_engagement(&self) -> bool {
        match (self.direction, self.outcome) {
            (
                _,
                Some(Outcome::AutoReply | Outcome::Bounced | Outcome::NoShow | Outcome::Cancelled),
            ) => false,
            (_, _) if self.kind == ActivityKind::Note => false,
            (Direction::Inbound, _) => true,
            (
                Direction::Outbound,
                Some(Outcome::Connected | Outcome::MeetingHeld | Outcome::Replied),
            ) => true,
            (Direction::Outbound, _) => false,
        }
    }

    /// The rep reached out and the prospect has not (yet) engaged through it.
    pub fn is_touch(&self) -> bool {
        self.direction == Direction::Outbound
            && self.kind != ActivityKind::Note
            && !self.is_engagement()
            && !matches!(self.outcome, Some(Outcome::Bounced | Outcome::Cancelled))
    }
}

/// A move between pipeline stages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageChange {
    pub stage: String,
    pub at: Timestamp,
}

/// A change of the expected close date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CloseDateChange {
    pub from: Option<Date>,
    pub to: Date,
    pub at: Timestamp,
}

/// The incumbent contract the prospect is locked into.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    pub vendor: String,
    pub ends_on: Date,
    pub notice_days: i64,
}

/// A capability the prospect needed, and why, in their words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NeededFeature {
    pub feature: String,
    pub why: Option<String>,
}

/// Why a deal was lost, in the taxonomy and in words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Loss {
    pub reason: LostReason,
    pub note: Option<String>,
    pub at: Timestamp,
}

/// The deal itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deal {
    pub id: DealId,
    pub title: String,
    pub account: Account,
    pub owner: String,
    pub stage: String,
    pub amount: Money,
    pub expected_close: Option<Date>,
    pub status: DealStatus,
    pub created_at: Timestamp,
    pub loss: Option<Loss>,
    /// For nurture: when to look at it again.
    pub resurface_on: Option<Date>,
}

/// Everything known about one deal: the unit the engine assesses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealRecord {
    pub deal: Deal,
    pub contacts: Vec<Contact>,
    pub facts: Vec<Fact>,
    pub commitments: Vec<Commitment>,
    pub next_step: Option<NextStep>,
    /// Sorted by time, oldest first.
    pub activities: Vec<Activity>,
    pub stage_history: Vec<StageChange>,
    pub close_date_history: Vec<CloseDateChange>,
    pub contract: Option<Contract>,
    pub needed_features: Vec<NeededFeature>,
}

impl DealRecord {
    pub fn contact(&self, id: ContactId) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// The latest fact of a kind (the most recent words win).
    pub fn fact(&self, kind: FactKind) -> Option<&Fact> {
        self.facts
            .iter()
            .filter(|f| f.kind == kind)
            .max_by_key(|f| f.said_at)
    }

    pub fn has_fact(&self, kind: FactKind) -> bool {
        self.facts.iter().any(|f| f.kind == kind)
    }

    /// The most recent time the prospect engaged, at or before `now`.
    pub fn last_engagement(&self, now: Timestamp) -> Option<&Activity> {
        self.activities
            .iter()
            .rev()
            .find(|a| a.at <= now && a.is_engagement())
    }

    /// Outbound touches after the last engagement, oldest first: the ones still unanswered.
    pub fn unanswered_touches(&self, now: Timestamp) -> Vec<&Activity> {
        let since = self.last_engagement(now).map(|a| a.at);
        self.activities
            .iter()
            .filter(|a| a.at <= now && a.is_touch() && since.is_none_or(|s| a.at > s))
            .collect()
    }

    /// When the deal entered its current stage (creation when no history is kept).
    pub fn entered_stage_at(&self) -> Timestamp {
        self.stage_history
            .iter()
            .rev()
            .find(|c| c.stage == self.deal.stage)
            .map(|c| c.at)
            .unwrap_or(self.deal.created_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_accept_aliases_and_explain_rejections() {
        assert_eq!(Role::parse("Decision Maker").unwrap(), Role::DecisionMaker);
        assert_eq!(
            LostReason::parse("status-quo").unwrap(),
            LostReason::NoDecision
        );
        assert_eq!(PlayKind::parse("breakup").unwrap(), PlayKind::Breakup);
        let err = LostReason::parse("aliens").unwrap_err();
        assert!(err.expected.contains("unresponsive"), "{err}");
        for r in LostReason::ALL {
            assert_eq!(LostReason::parse(r.as_str()).unwrap(), *r);
        }
    }
}
