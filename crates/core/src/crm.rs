//! A CRM's records as Rekindle keeps them, and the rule for bringing an updated export in
//! without losing what the rep changed since the last one.
//!
//! The records are what `rekindle-ingest` reads out of an export (HubSpot, Salesforce,
//! Pipedrive), typed: the CRM's own id (kept with the local record, so a later export of the
//! same record updates it), and only what matters to the engine. [`merge`] is the three-way
//! rule of every upsert: a field the CRM changed since the last import is taken, unless the
//! rep changed it too, which is a conflict the caller settles (`Prefer`) and reports.
//! [`merge_status`] adds the one conflict a field alone cannot show: the CRM closed a deal the
//! rep moved on here since the last import.

use crate::{ActivityKind, DealStatus, Direction, FactKind, LostReason, Money, Outcome, Role};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A deal as the CRM exported it, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct CrmDeal {
    pub line: u64,
    /// The CRM's id (Salesforce ids in their 18-character form).
    pub id: String,
    pub title: String,
    /// The Rekindle stage (for a closed deal, the CRM's stage as mapped when it is an open
    /// stage, else `None`).
    pub stage: Option<String>,
    pub status: DealStatus,
    pub amount: Option<Money>,
    pub close_date: Option<Date>,
    /// The day a closed deal was closed, when the export has it apart from `close_date`
    /// (Pipedrive's "Deal closed on"); a lost deal is lost as of it.
    pub closed_on: Option<Date>,
    /// The CRM's pipeline the deal is in, as written (HubSpot "Renewals"): kept with the
    /// CRM's record, so what is given back names it.
    pub pipeline: Option<String>,
    pub owner: Option<String>,
    pub created: Option<Timestamp>,
    pub stage_entered: Option<Timestamp>,
    /// The taxonomy reason and the CRM's text, kept verbatim.
    pub lost: Option<(LostReason, String)>,
    pub next_step: Option<String>,
    /// What the CRM says of the deal's activity: when anything was last logged on it
    /// (Salesforce `LastActivityDate`, HubSpot "Last Activity Date"), when the rep last
    /// reached out (HubSpot "Last Contacted", Pipedrive "Last email sent") and when the next
    /// planned activity is due ("Next Activity Date"), each the day the export writes (in the
    /// CRM's own time zone). Kept with the CRM's record and shown with the deal; never made
    /// into touches or a next step: they say that someone logged something, not what the
    /// prospect did or agreed to.
    pub last_activity: Option<Date>,
    pub last_contacted: Option<Date>,
    pub next_activity: Option<Date>,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
    pub contact_ids: Vec<String>,
    /// The deal's contact person by name (Pipedrive's `Deal - Contact person`), the first of
    /// `contact_ids` being their id: a person the deal names is one of its people even when
    /// their own row is not imported.
    pub contact_name: Option<String>,
    /// The prospect's words from custom columns: (kind, text, the column's header).
    pub facts: Vec<(FactKind, String, String)>,
    pub needed_features: Vec<String>,
}

/// A contact (person) as the CRM exported it.
#[derive(Clone, Debug, PartialEq)]
pub struct CrmContact {
    pub line: u64,
    pub id: String,
    pub name: String,
    /// Their addresses, the primary first.
    pub emails: Vec<String>,
    pub title: Option<String>,
    pub role: Option<Role>,
    /// They opted out of email (Salesforce `HasOptedOutOfEmail`): do not contact.
    pub opted_out: bool,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
}

/// A company (account, organization) as the CRM exported it.
#[derive(Clone, Debug, PartialEq)]
pub struct CrmCompany {
    pub line: u64,
    pub id: String,
    pub name: String,
    /// Its web domain (`acme.com`: the host of its website, without `www.`).
    pub domain: Option<String>,
}

/// An activity (call, email, meeting, note, task) as the CRM exported it.
#[derive(Clone, Debug, PartialEq)]
pub struct CrmActivity {
    pub line: u64,
    pub id: String,
    pub kind: ActivityKind,
    pub direction: Direction,
    pub at: Timestamp,
    pub outcome: Option<Outcome>,
    /// Not done yet: a task or meeting ahead, not an activity that happened.
    pub planned: bool,
    pub summary: String,
    pub body: Option<String>,
    pub deal_id: Option<String>,
    pub deal_name: Option<String>,
    pub contact_id: Option<String>,
    pub company_id: Option<String>,
    /// The company by name (Pipedrive's `Activity - Organization`): tells apart deals of one
    /// name at several companies.
    pub company_name: Option<String>,
    /// The contact person by name (Pipedrive's `Activity - Contact person`), found among the
    /// people of the activity's deal when no contact id says who.
    pub contact_name: Option<String>,
}

/// One parsed row of any object. Rows are read and written one at a time, never held in bulk,
/// so the deal's size is not boxed away.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum CrmRecord {
    Deal(CrmDeal),
    Contact(CrmContact),
    Company(CrmCompany),
    Activity(CrmActivity),
}

/// Which side wins when the CRM and the rep both changed a field since the last import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefer {
    /// Keep the rep's value and report the conflict (the default: nothing the rep did is
    /// overwritten without saying so).
    #[default]
    Local,
    /// Take the CRM's value and report the conflict.
    Crm,
}

/// What the upsert does with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldMerge {
    /// Nothing to do: the CRM did not change it, or it already holds the CRM's value.
    Keep,
    /// The CRM changed it and the rep did not: take the CRM's value.
    Take,
    /// Both changed it: the side `Prefer` names wins; the caller reports it.
    Conflict { take: bool },
}

/// The three-way rule for one field: `before` is the value the last import brought in,
/// `local` the value now in Rekindle, `incoming` the CRM's value now. A first import has no
/// `before`: the incoming value is taken.
pub fn merge<T: PartialEq>(
    before: Option<&T>,
    local: &T,
    incoming: &T,
    prefer: Prefer,
) -> FieldMerge {
    if local == incoming {
        return FieldMerge::Keep;
    }
    match before {
        None => FieldMerge::Take,
        Some(b) if b == incoming => FieldMerge::Keep,
        Some(b) if b == local => FieldMerge::Take,
        Some(_) => FieldMerge::Conflict {
            take: prefer == Prefer::Crm,
        },
    }
}

/// The three-way rule for a deal's status (`merge` on it), with one conflict more: the CRM
/// closed the deal (won or lost) since the last import while the rep moved its stage here
/// since then. The rep's move says the deal is alive; the CRM's close says it is over. Each
/// side changed a different field, so `merge` alone would take the close and silently undo
/// the rep's work; both changed the deal's fate, so it is a conflict, settled by `prefer` and
/// reported.
///
/// `before` is the stage and status the last import brought in (none on a first import),
/// `local` the stage and status now in Rekindle, `incoming` the CRM's status now.
pub fn merge_status(
    before: Option<(&str, DealStatus)>,
    local: (&str, DealStatus),
    incoming: DealStatus,
    prefer: Prefer,
) -> FieldMerge {
    let plain = merge(before.as_ref().map(|b| &b.1), &local.1, &incoming, prefer);
    let closes = matches!(incoming, DealStatus::Won | DealStatus::Lost);
    let moved_here = before.is_some_and(|(stage, _)| stage != local.0);
    match plain {
        FieldMerge::Take if closes && moved_here => FieldMerge::Conflict {
            take: prefer == Prefer::Crm,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_way_rule() {
        let p = Prefer::Local;
        // Unchanged in the CRM: the rep's edit stays.
        assert_eq!(merge(Some(&1), &2, &1, p), FieldMerge::Keep);
        // Changed in the CRM only: taken.
        assert_eq!(merge(Some(&1), &1, &3, p), FieldMerge::Take);
        // Both changed the same way: nothing to do.
        assert_eq!(merge(Some(&1), &3, &3, p), FieldMerge::Keep);
        // Both changed differently: a conflict, settled by preference.
        assert_eq!(
            merge(Some(&1), &2, &3, p),
            FieldMerge::Conflict { take: false }
        );
        assert_eq!(
            merge(Some(&1), &2, &3, Prefer::Crm),
            FieldMerge::Conflict { take: true }
        );
        // A first import takes what the CRM says.
        assert_eq!(merge(None, &2, &3, p), FieldMerge::Take);
    }

    #[test]
    fn a_close_in_the_crm_over_a_stage_the_rep_moved_is_a_conflict() {
        use DealStatus::*;
        use FieldMerge::*;
        let before = Some(("demo", Open));
        // (before, the stage here, the CRM's status, preference, the merge)
        let cases = [
            // The rep moved the deal on, the CRM closed it: a conflict either way it goes.
            (
                before,
                "proposal",
                Won,
                Prefer::Local,
                Conflict { take: false },
            ),
            (
                before,
                "proposal",
                Lost,
                Prefer::Local,
                Conflict { take: false },
            ),
            (
                before,
                "proposal",
                Won,
                Prefer::Crm,
                Conflict { take: true },
            ),
            (
                before,
                "proposal",
                Lost,
                Prefer::Crm,
                Conflict { take: true },
            ),
            // The stage untouched here: the CRM's close is taken.
            (before, "demo", Won, Prefer::Local, Take),
            // Moved here, but the CRM did not close it: nothing to settle.
            (before, "proposal", Open, Prefer::Local, Keep),
            // Nurtured in the CRM is not a close: taken as `merge` says.
            (before, "proposal", Nurture, Prefer::Local, Take),
            // A first import has nothing to compare with.
            (None, "proposal", Won, Prefer::Local, Take),
        ];
        for (before, stage, incoming, prefer, expected) in cases {
            assert_eq!(
                merge_status(before, (stage, Open), incoming, prefer),
                expected,
                "{before:?}, here {stage}, the CRM {incoming:?}, {prefer:?}"
            );
        }
    }
}
