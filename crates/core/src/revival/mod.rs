//! Bringing deals back (PLAYBOOK.md, "Bringing them back" and "Triage"): lost and dark deals
//! are a pipeline of their own when the rep returns with a real reason - a feature they needed
//! shipped, a trigger event (funding after a budget loss, the champion promoted, a new decision
//! maker), a contract nearing its end - and a waste of effort when the grave decomposed long
//! ago. `rank` scores every candidate from named factors, each with its points and why, and
//! says plainly which to leave buried.

pub mod features;
mod promotion;
mod rank;

pub use features::{Catalogue, Feature};
pub use promotion::{Promotion, PromotionKind};
pub use rank::{
    Candidate, Factor, Outlook, Reason, Revival, RevivalPolicy, Shipped, Subject, rank, rank_one,
};

use crate::record::vocabulary;
use crate::{ContactId, ParseError};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Something that happened at an account that gives the rep a reason to come back.
    TriggerKind, "trigger kind" {
        Funding => "funding" | "funding_round" | "raised",
        Promotion => "promotion" | "promoted",
        KeyHire => "key_hire" | "hire" | "new_hire",
        LeadershipChange => "leadership_change" | "new_leader" | "new_decision_maker",
        Acquisition => "acquisition" | "acquired" | "merger",
        Expansion => "expansion" | "new_office" | "growth",
        News => "news",
    }
);

/// A trigger event, with where it was learned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TriggerEvent {
    pub account: String,
    /// The person it concerns (the promoted champion, the new hire), when known.
    pub contact: Option<ContactId>,
    pub kind: TriggerKind,
    pub on: Date,
    pub source: String,
    pub note: Option<String>,
}

impl TriggerEvent {
    /// Checks what an event must have.
    pub fn new(
        account: &str,
        contact: Option<ContactId>,
        kind: TriggerKind,
        on: Date,
        source: &str,
        note: Option<&str>,
    ) -> Result<TriggerEvent, ParseError> {
        if account.trim().is_empty() {
            return Err(ParseError::new("account", account, "the account's name"));
        }
        if source.trim().is_empty() {
            return Err(ParseError::new(
                "source",
                source,
                "where it was learned (a link, a newsletter, a call)",
            ));
        }
        Ok(TriggerEvent {
            account: account.trim().to_string(),
            contact,
            kind,
            on,
            source: source.trim().to_string(),
            note: note.map(str::to_string).filter(|n| !n.trim().is_empty()),
        })
    }
}
