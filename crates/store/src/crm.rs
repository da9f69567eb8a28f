//! Bringing a CRM's records in: each upserted by the CRM's id (`crm_links`), created the first
//! time and updated by the three-way rule of `rekindle_core::crm::merge` afterwards, on the
//! capture writer's own connection: in batches committed between whole records (a crash loses
//! at most the batch in hand; a re-run ends as one clean run would), or in one transaction the
//! caller commits or rolls back (a dry run, a strict import with a refused row).

use crate::assessments::{OUTDATE_ALL, STAGE_MOVED};
use crate::capture::{CaptureWriter, insert_activity_on};
use crate::write::{
    INSERT_CLOSE_DATE_CHANGE, INSERT_CONTACT, INSERT_DEAL, INSERT_STAGE_CHANGE, SET_NEXT_STEP,
    account_id_on,
};
use crate::{NewActivity, Result, Store, StoreError};
use jiff::Timestamp;
use rekindle_core::crm::{
    CrmActivity, CrmCompany, CrmContact, CrmDeal, FieldMerge, Prefer, merge, merge_status,
};
use rekindle_core::{Currency, DealId, DealStatus, Money, Pipeline};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// What one upsert did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Upsert {
    Created,
    /// The fields the CRM changed that were taken.
    Updated(Vec<&'static str>),
    Unchanged,
    /// Fields both sides changed since the last import: (field, the rep's value, the CRM's,
    /// which one was kept). Fields taken without conflict are in `taken`.
    Conflicts {
        conflicts: Vec<Conflict>,
        taken: Vec<&'static str>,
    },
    /// The record could not be brought in (its reason names what is missing).
    Refused(String),
    /// Left out by design, not an error (a task not done yet is not history).
    Skipped(&'static str),
}

/// A field the rep and the CRM both changed since the last import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub field: &'static str,
    pub local: String,
    pub crm: String,
    /// `crm` when the CRM's value was taken, `local` when the rep's was kept.
    pub kept: &'static str,
}

/// A contact found by address: their id, their fields now, and the id of this CRM's record
/// already theirs with the address, when one is.
type ByAddress = (i64, ContactFields, Option<(String, String)>);

/// The deal fields an export carries, as compared between imports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct DealFields {
    title: String,
    stage: String,
    status: String,
    amount_cents: i64,
    currency: String,
    close: Option<String>,
    owner: String,
    lost_reason: Option<String>,
    lost_note: Option<String>,
    next_step: Option<String>,
    /// The CRM's activity days (`CrmDeal::last_activity`...), `YYYY-MM-DD`: kept with the
    /// link and shown, never merged into the deal (the deal's own row has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_activity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_contacted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next_activity: Option<String>,
    /// The CRM's pipeline the deal is in (`CrmDeal::pipeline`), kept with the link only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pipeline: Option<String>,
    /// The deal's account was named from its title: the export named no company, and none
    /// of its contacts had been brought in. A later import that can name it moves the deal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    guessed_account: bool,
}

/// A CRM's activity day as the link keeps it (`2025-02-18`).
fn day_text(day: Option<jiff::civil::Date>) -> Option<String> {
    day.map(|d| d.to_string())
}

impl DealFields {
    /// The fields from the third column on, in the order `LINKED_DEAL` selects them.
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(DealFields {
            title: r.get(2)?,
            stage: r.get(3)?,
            status: r.get(4)?,
            amount_cents: r.get(5)?,
            currency: r.get(6)?,
            close: r.get(7)?,
            owner: r.get(8)?,
            lost_reason: r.get(9)?,
            lost_note: r.get(10)?,
            next_step: r.get(11)?,
            last_activity: None,
            last_contacted: None,
            next_activity: None,
            pipeline: None,
            guessed_account: false,
        })
    }
}

/// The contact fields an export carries, as compared between imports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct ContactFields {
    name: String,
    title: Option<String>,
}

impl ContactFields {
    /// The name and title from the third and fourth columns.
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(ContactFields {
            name: r.get(2)?,
            title: r.get(3)?,
        })
    }
}

/// How an import's writes are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrmTransactions {
    /// Committed in batches, only between whole records (the capture writer's: 5,000 records
    /// or 250 ms, then a turn for other commands): a crash loses at most the batch in hand,
    /// and a re-run ends as one clean run would (every record is upserted by its CRM id).
    Batches,
    /// One transaction over the whole import, ended by `commit` or `rollback` (a dry run, a
    /// strict import that keeps nothing when a row is refused).
    One,
}

/// An import in progress, on the capture writer's connection (rusqlite: a statement costs no
/// round trip to another thread). Synchronous: run it off the async runtime's threads.
pub struct CrmImport {
    writer: CaptureWriter,
    transactions: CrmTransactions,
    crm: String,
    now: Timestamp,
    prefer: Prefer,
    pipeline: Pipeline,
    /// The currency of a new deal the export gives no amount (kept at 0).
    currency: Currency,
    /// Whether a record was created or changed in the transaction in hand.
    changed: bool,
    /// Whether some of this CRM's links are marked deleted: a record brought in again then
    /// clears its mark.
    deleted_links: bool,
    /// Deals whose account is still named from their title (`guessed_accounts`).
    guessed_accounts: u64,
    /// Records the CRM had marked deleted that this import found again (`restored`).
    restored: u64,
}

impl Store {
    /// Starts bringing in `crm`'s records at `now`, conflicts settled by `prefer`, kept as
    /// `transactions` says; a new deal the export gives no amount is kept at 0 in `currency`
    /// (the import's for bare amounts). Nothing is written until the first record.
    ///
    /// Errors: the store's (`NotFound` for a database that is not a file on disk).
    pub async fn crm_import(
        &self,
        crm: &str,
        now: Timestamp,
        prefer: Prefer,
        currency: Currency,
        transactions: CrmTransactions,
    ) -> Result<CrmImport> {
        let pipeline = self.pipeline().await?;
        let writer = self.capture_writer()?;
        // The ids seen in each file (`first_seen`), in a temporary table on disk: SQLite keeps
        // a few MiB of its pages in memory, whatever the size of the export.
        writer.conn.execute_batch(
            "PRAGMA temp_store = FILE;
             CREATE TEMP TABLE IF NOT EXISTS crm_seen (file INTEGER NOT NULL, external_id TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (file, external_id)) WITHOUT ROWID;",
        )?;
        let deleted_links: bool = writer.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM crm_links WHERE crm = $1 AND deleted_at IS NOT NULL)",
            [crm],
            |r| r.get(0),
        )?;
        Ok(CrmImport {
            writer,
            transactions,
            crm: crm.to_string(),
            now,
            prefer,
            pipeline,
            currency,
            changed: false,
            deleted_links,
            guessed_accounts: 0,
            restored: 0,
        })
    }
}

fn refused(why: impl Into<String>) -> Result<Upsert> {
    Ok(Upsert::Refused(why.into()))
}

/// A record's values as last imported, as `crm_links.imported` keeps them.
fn json(imported: &impl Serialize) -> Result<String> {
    serde_json::to_string(imported).map_err(|e| StoreError::State(e.to_string()))
}

/// Outdates the assessment read model whole, stage histories included, when the transaction
/// about to commit created or changed a record (an import can move any deal's assessment and
/// the team's stage durations).
fn outdate(conn: &rusqlite::Connection, changed: &mut bool) -> Result<()> {
    if std::mem::take(changed) {
        conn.prepare_cached(OUTDATE_ALL)?.execute([])?;
        conn.prepare_cached(STAGE_MOVED)?.execute([])?;
    }
    Ok(())
}

/// The link of a record of one object (`$1` the CRM, `$2` the object, `$3` its CRM id).
const LINK: &str =
    "SELECT local_id FROM crm_links WHERE crm = $1 AND object = $2 AND external_id = $3";

/// A linked deal with its fields now (`DealFields`' order): the link and the merge's read of
/// the local record in one statement.
const LINKED_DEAL: &str = "SELECT l.local_id, l.imported, d.title, d.stage, d.status, d.amount_cents, d.currency, d.expected_close, d.owner, d.lost_reason, d.lost_note, n.what
     FROM crm_links l JOIN deals d ON d.id = l.local_id LEFT JOIN next_steps n ON n.deal_id = d.id
     WHERE l.crm = $1 AND l.object = 'deals' AND l.external_id = $2";

/// A linked contact with its fields now.
const LINKED_CONTACT: &str = "SELECT l.local_id, l.imported, c.name, c.title
     FROM crm_links l JOIN contacts c ON c.id = l.local_id
     WHERE l.crm = $1 AND l.object = 'contacts' AND l.external_id = $2";

/// The account of a linked contact.
const LINKED_CONTACT_ACCOUNT: &str =
    "SELECT c.account_id FROM crm_links l JOIN contacts c ON c.id = l.local_id
     WHERE l.crm = $1 AND l.object = 'contacts' AND l.external_id = $2";

impl CrmImport {
    /// The pipeline's first stage: where a new deal the export gives no open stage starts.
    pub fn first_stage(&self) -> &str {
        self.pipeline.stages.first().map_or("", |s| s.name.as_str())
    }

    /// The line the record id `external` was first seen on in the import's file numbered
    /// `file`, or `None` when this row (on `line`) is its first and is kept as such: two rows of
    /// one record in a file would overwrite each other. The ids are kept in a temporary table
    /// of the import's connection, so memory stays bounded whatever the export's size.
    ///
    /// Errors: the store's.
    pub fn first_seen(&mut self, file: usize, external: &str, line: u64) -> Result<Option<u64>> {
        let conn = &self.writer.conn;
        let file = i64::try_from(file).unwrap_or(i64::MAX);
        let line_value = i64::try_from(line).unwrap_or(i64::MAX);
        let added = conn
            .prepare_cached(
                "INSERT INTO temp.crm_seen (file, external_id, line) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )?
            .execute(rusqlite::params![file, external, line_value])?;
        if added == 1 {
            return Ok(None);
        }
        let first: i64 = conn
            .prepare_cached("SELECT line FROM temp.crm_seen WHERE file = $1 AND external_id = $2")?
            .query_row(rusqlite::params![file, external], |r| r.get(0))?;
        Ok(Some(u64::try_from(first).unwrap_or(0)))
    }

    /// Brings in one company (`company_upsert` says how).
    ///
    /// Errors: the store's; the batch in hand is then rolled back.
    pub fn company(&mut self, c: &CrmCompany) -> Result<Upsert> {
        self.record(Some(("companies", &c.id)), |me| me.company_upsert(c))
    }

    /// Brings in one contact (`contact_upsert` says how).
    ///
    /// Errors: the store's; the batch in hand is then rolled back.
    pub fn contact(&mut self, c: &CrmContact) -> Result<Upsert> {
        self.record(Some(("contacts", &c.id)), |me| me.contact_upsert(c))
    }

    /// Brings in one deal (`deal_upsert` says how).
    ///
    /// Errors: the store's; the batch in hand is then rolled back.
    pub fn deal(&mut self, d: &CrmDeal) -> Result<Upsert> {
        self.record(Some(("deals", &d.id)), |me| me.deal_upsert(d))
    }

    /// Brings in one activity (`activity_upsert` says how).
    ///
    /// Errors: the store's; the batch in hand is then rolled back.
    pub fn activity(&mut self, a: &CrmActivity) -> Result<Upsert> {
        self.record(Some(("activities", &a.id)), |me| me.activity_upsert(a))
    }

    /// A record of `object` the export marks deleted in the CRM: when it was brought in
    /// before, its link is marked deleted (nothing is exported back for it any more) and its
    /// local id returned; the local record itself stays, for the rep to close or keep.
    ///
    /// Errors: the store's; the batch in hand is then rolled back.
    pub fn deleted(&mut self, object: &str, external: &str) -> Result<Option<i64>> {
        let mut local = None;
        self.record(None, |me| {
            let now = me.now.as_second();
            local = me
                .conn()
                .prepare_cached(
                    "UPDATE crm_links SET deleted_at = $1
                     WHERE crm = $2 AND object = $3 AND external_id = $4 AND deleted_at IS NULL
                     RETURNING local_id",
                )?
                .query_row(params![now, me.crm, object, external], |r| r.get(0))
                .optional()?;
            me.deleted_links |= local.is_some();
            Ok(Upsert::Unchanged)
        })?;
        Ok(local)
    }

    /// One whole record: a change marks the transaction as one that outdates the assessment
    /// read model; in batches, the batch may commit after it (never inside it). A record
    /// `present` in the export (its object, the CRM's id) after the CRM marked it deleted
    /// loses the mark.
    fn record(
        &mut self,
        present: Option<(&str, &str)>,
        upsert: impl FnOnce(&mut Self) -> Result<Upsert>,
    ) -> Result<Upsert> {
        self.writer.begin()?;
        let done = upsert(self)?;
        if self.deleted_links
            && let Some((object, external)) = present
            && !matches!(done, Upsert::Refused(_))
        {
            let found = self
                .conn()
                .prepare_cached(
                    "UPDATE crm_links SET deleted_at = NULL
                     WHERE crm = $1 AND object = $2 AND external_id = $3 AND deleted_at IS NOT NULL",
                )?
                .execute(params![self.crm, object, external])?;
            self.restored += found as u64;
        }
        self.changed |= matches!(
            done,
            Upsert::Created | Upsert::Updated(_) | Upsert::Conflicts { .. }
        );
        self.writer.counted()?;
        if self.transactions == CrmTransactions::Batches {
            let changed = &mut self.changed;
            self.writer.boundary_sealed(|conn| outdate(conn, changed))?;
        }
        Ok(done)
    }

    /// How many deals so far had their account named from their title: the export named no
    /// company for them, and none of their contacts had been brought in (the count grows by
    /// one with each such deal, new or brought in again).
    pub fn guessed_accounts(&self) -> u64 {
        self.guessed_accounts
    }

    /// How many records so far were found again after an earlier export marked them
    /// deleted: their links are as before, and exports include them again.
    pub fn restored(&self) -> u64 {
        self.restored
    }

    /// How many transactions this import has committed: when it grows, every record brought
    /// in before is durable.
    pub fn commits(&self) -> u64 {
        self.writer.commits()
    }

    /// Keeps everything brought in. When a record was created or changed since the last
    /// commit, the assessment read model is outdated whole, stage histories included, in the
    /// same transaction.
    ///
    /// Errors: the store's.
    pub fn commit(mut self) -> Result<()> {
        if self.changed {
            outdate(&self.writer.conn, &mut self.changed)?;
        }
        self.writer.commit()
    }

    /// Drops everything brought in since the last commit (with `CrmTransactions::One`, all of
    /// it: a dry run; a strict import that refused a row).
    ///
    /// Errors: the store's.
    pub fn rollback(mut self) -> Result<()> {
        self.writer.rollback()
    }

    fn conn(&self) -> &rusqlite::Connection {
        &self.writer.conn
    }

    /// The local id of a record of `object` brought in before.
    fn linked(&self, object: &str, external: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached(LINK)?
            .query_row(params![self.crm, object, external], |r| r.get(0))
            .optional()?)
    }

    /// A linked record of the query `sql` selects by this CRM and `external` (its local id, its
    /// values as imported, then the fields `read` takes from the third column on).
    fn linked_with<T>(
        &self,
        sql: &str,
        external: &str,
        read: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<(i64, String, T)>> {
        Ok(self
            .conn()
            .prepare_cached(sql)?
            .query_row(params![self.crm, external], |r| {
                Ok((r.get(0)?, r.get(1)?, read(r)?))
            })
            .optional()?)
    }

    /// Links a record to its local one with its values as imported (`json`).
    fn set_link(&self, object: &str, external: &str, local: i64, imported: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO crm_links (crm, object, external_id, local_id, imported, imported_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (crm, object, external_id) DO UPDATE SET local_id = excluded.local_id, imported = excluded.imported, imported_at = excluded.imported_at
                 WHERE crm_links.imported <> excluded.imported OR crm_links.local_id <> excluded.local_id",
            )?
            .execute(params![
                self.crm,
                object,
                external,
                local,
                imported,
                self.now.as_second()
            ])?;
        Ok(())
    }

    /// A company (account, organization): linked by its id, else the one account with its
    /// web domain (not yet another company of this CRM's) is adopted, else the account of the
    /// same name, else one is created. An import never renames an account (the name is how
    /// the record and mail capture find it).
    ///
    /// Errors: the store's.
    fn company_upsert(&mut self, c: &CrmCompany) -> Result<Upsert> {
        if self.linked("companies", &c.id)?.is_some() {
            return Ok(Upsert::Unchanged);
        }
        // The one account here with its web domain (added by hand under another name, or
        // from another CRM) is the same company; a free-mail domain names no company.
        let by_domain: Vec<i64> = match c
            .domain
            .as_deref()
            .filter(|d| !rekindle_core::mail::is_free_mail(d))
        {
            Some(domain) => self
                .conn()
                .prepare_cached(
                    "SELECT id FROM accounts WHERE domain = $1 COLLATE NOCASE AND NOT EXISTS
                       (SELECT 1 FROM crm_links l WHERE l.crm = $2 AND l.object = 'companies' AND l.local_id = accounts.id)
                     LIMIT 2",
                )?
                .query_map(params![domain, self.crm], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            None => Vec::new(),
        };
        let id = match by_domain[..] {
            [one] => one,
            _ => account_id_on(self.conn(), &c.name, c.domain.as_deref())?,
        };
        self.set_link("companies", &c.id, id, &json(&c.name)?)?;
        Ok(Upsert::Created)
    }

    /// The account of a record by its company's id (brought in before), else by the
    /// company's name (adopted or created).
    fn account_for(
        &mut self,
        company_id: Option<&str>,
        company_name: Option<&str>,
    ) -> Result<Option<i64>> {
        if let Some(id) = company_id
            && let Some(account) = self.linked("companies", id)?
        {
            return Ok(Some(account));
        }
        match company_name {
            Some(name) => Ok(Some(account_id_on(self.conn(), name, None)?)),
            None => Ok(None),
        }
    }

    /// A contact (person): linked by its id; else the contact who already has one of its
    /// addresses (captured from mail, or added by hand) is adopted; else created at its
    /// company's account. A CRM opt-out makes them do-not-contact; an import never lifts a
    /// stop.
    ///
    /// Errors: the store's.
    fn contact_upsert(&mut self, c: &CrmContact) -> Result<Upsert> {
        let incoming = ContactFields {
            name: c.name.clone(),
            title: c.title.clone(),
        };
        let linked = self.linked_with(LINKED_CONTACT, &c.id, ContactFields::read)?;
        let (id, before, now_local) = match linked {
            Some((id, imported, local)) => (
                id,
                serde_json::from_str::<ContactFields>(&imported).ok(),
                local,
            ),
            None => match self.contact_by_address(&c.emails)? {
                Err(why) => return refused(why),
                // Another of this CRM's people has the address: two people, one address.
                // Merging them would make one of them the other; the rep says who is who.
                Ok(Some((_, local, Some((other, address))))) => {
                    return refused(format!(
                        "{address} is already the address of {} (id {other} in this export): two people with one address are not merged; give each their own address",
                        local.name
                    ));
                }
                Ok(Some((id, local, None))) => (id, None, local),
                Ok(None) => return self.new_contact(c, &incoming),
            },
        };
        // A person here already (captured from mail, added by hand, or from another CRM)
        // whom the CRM's record names otherwise: their name here stays unless the CRM is
        // preferred, and the difference is reported; a title they had none of is taken.
        let adopted = before.is_none();
        let mut result = now_local.clone();
        // As for a deal: a conflict the rep's side kept stays open.
        let mut seen = incoming.clone();
        let mut settled = Settled::new(self.prefer);
        let b = before.as_ref();
        let take = self.prefer == Prefer::Crm;
        let name = match merge(
            b.map(|b| &b.name),
            &now_local.name,
            &incoming.name,
            self.prefer,
        ) {
            FieldMerge::Take if adopted => FieldMerge::Conflict { take },
            other => other,
        };
        settled.apply(
            "name",
            name,
            (b.map(|b| &b.name), &now_local.name, &incoming.name),
            &mut result.name,
            &mut seen.name,
        );
        let title = match merge(
            b.map(|b| &b.title),
            &now_local.title,
            &incoming.title,
            self.prefer,
        ) {
            FieldMerge::Take if adopted && now_local.title.is_some() => {
                FieldMerge::Conflict { take }
            }
            other => other,
        };
        settled.apply(
            "title",
            title,
            (b.map(|b| &b.title), &now_local.title, &incoming.title),
            &mut result.title,
            &mut seen.title,
        );
        // A difference found on adoption that the rep's side kept stays open, as any conflict
        // does: what is kept as last imported is neither side's value.
        if adopted && result.name != incoming.name {
            seen.name = String::new();
        }
        if adopted && result.title != incoming.title && now_local.title.is_some() {
            seen.title = None;
        }
        if result != now_local {
            self.conn()
                .prepare_cached("UPDATE contacts SET name = $1, title = $2 WHERE id = $3")?
                .execute(params![result.name, result.title, id])?;
        }
        let added = self.add_emails(id, &c.emails)?;
        if c.opted_out {
            self.conn()
                .prepare_cached(
                    "UPDATE contacts SET do_not_contact = 1 WHERE id = $1 AND do_not_contact = 0",
                )?
                .execute([id])?;
        }
        if added {
            settled.taken.push("emails");
        }
        if before.as_ref() != Some(&seen) {
            self.set_link("contacts", &c.id, id, &json(&seen)?)?;
        }
        Ok(settled.outcome())
    }

    /// The contact who has the first of `emails` someone has, with their fields now, and,
    /// when one of this CRM's records is already theirs, that record's id with the address.
    ///
    /// Errors: `Ok(Err(why))` when the addresses belong to two different people here (one
    /// record cannot be both); the store's.
    fn contact_by_address(
        &self,
        emails: &[String],
    ) -> Result<std::result::Result<Option<ByAddress>, String>> {
        let mut found: Option<(ByAddress, String)> = None;
        for e in emails {
            let address = e.to_lowercase();
            // In the columns of `LINKED_CONTACT`: no values as imported; `$1` first (SQLite
            // numbers `$` parameters in the order they appear).
            let one: Option<ByAddress> = self
                .conn()
                .prepare_cached(
                    "SELECT c.id, NULL, c.name, c.title,
                            (SELECT l.external_id FROM crm_links l WHERE l.crm = $1 AND l.object = 'contacts' AND l.local_id = c.id LIMIT 1)
                     FROM contact_emails e JOIN contacts c ON c.id = e.contact_id WHERE e.email = $2",
                )?
                .query_row(params![self.crm, address], |r| {
                    let other: Option<String> = r.get(4)?;
                    Ok((
                        r.get(0)?,
                        ContactFields::read(r)?,
                        other.map(|o| (o, address.clone())),
                    ))
                })
                .optional()?;
            match (&found, one) {
                (None, Some(one)) => found = Some((one, address)),
                (Some((first, first_address)), Some(one)) if one.0 != first.0 => {
                    return Ok(Err(format!(
                        "its addresses belong to two people here: {first_address} to {} and {address} to {}; one record cannot be both",
                        first.1.name, one.1.name
                    )));
                }
                _ => {}
            }
        }
        Ok(Ok(found.map(|(one, _)| one)))
    }

    /// A contact no one has: created at their company's account, or refused without one.
    fn new_contact(&mut self, c: &CrmContact, incoming: &ContactFields) -> Result<Upsert> {
        let Some(account) = self.account_for(c.company_id.as_deref(), c.company_name.as_deref())?
        else {
            return refused(match &c.company_id {
                Some(company) => format!(
                    "no company: their company {company} is not among the companies imported; import the companies (accounts, organizations) export with this one"
                ),
                None => "no company: a person is kept under their account; export the contact with its company".to_string(),
            });
        };
        let id: i64 = self.conn().prepare_cached(INSERT_CONTACT)?.query_row(
            params![
                account,
                c.name,
                c.title,
                c.role.map(|r| r.as_str()),
                i64::from(c.opted_out),
                None::<String>
            ],
            |r| r.get(0),
        )?;
        self.add_emails(id, &c.emails)?;
        self.set_link("contacts", &c.id, id, &json(incoming)?)?;
        Ok(Upsert::Created)
    }

    /// Gives `contact` each of `emails` no one has yet; true when one was added.
    fn add_emails(&self, contact: i64, emails: &[String]) -> Result<bool> {
        let mut added = false;
        let mut statement = self.conn().prepare_cached(
            "INSERT INTO contact_emails (contact_id, email) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM contact_emails WHERE email = $2)",
        )?;
        for e in emails {
            added |= statement.execute(params![contact, e.to_lowercase()])? > 0;
        }
        Ok(added)
    }

    /// The pipeline's name of the CRM's stage (mapped), or why it is refused.
    fn stage_of(&self, d: &CrmDeal) -> std::result::Result<Option<String>, String> {
        let Some(s) = &d.stage else {
            return Ok(None);
        };
        match self.pipeline.position(s) {
            Ok(i) => Ok(Some(self.pipeline.stages[i].name.clone())),
            Err(_) => Err(format!(
                "the stage {s:?} is not a stage of this pipeline ({}); map it to one in the mapping file",
                self.pipeline
                    .stages
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// A deal: linked by its id and updated field by field (`merge`; the status by
    /// `merge_status`: a close in the CRM over a stage the rep moved here is a conflict), or
    /// created at its company's account (else its contacts' account, else one named after the
    /// company, else after the title's first part: "Acme - Fleet" under "Acme"), with its stage
    /// entered when the CRM says, closed won or lost (the lost reason mapped, the CRM's text
    /// kept as the note), its next step, the prospect's words from custom columns and the
    /// features it needs.
    ///
    /// Errors: the store's.
    fn deal_upsert(&mut self, d: &CrmDeal) -> Result<Upsert> {
        let stage = match self.stage_of(d) {
            Ok(stage) => stage,
            Err(why) => return refused(why),
        };
        let lost_at = match d.closed_on.or(d.close_date) {
            Some(day) if rekindle_core::time::start_of_day(day) <= self.now => {
                rekindle_core::time::start_of_day(day)
            }
            _ => self.now,
        };
        let linked = self.linked_with(LINKED_DEAL, &d.id, DealFields::read)?;
        match linked {
            None => self.new_deal(d, stage, lost_at),
            Some((id, imported, local)) => {
                let before: Option<DealFields> = serde_json::from_str(&imported).ok();
                let amount = d.amount.map(|m| (m.cents, m.currency.to_string()));
                let incoming = DealFields {
                    title: d.title.clone(),
                    stage: stage.unwrap_or_else(|| local.stage.clone()),
                    status: d.status.as_str().to_string(),
                    amount_cents: amount.as_ref().map_or(local.amount_cents, |a| a.0),
                    currency: amount.map_or_else(|| local.currency.clone(), |a| a.1),
                    close: d
                        .close_date
                        .map(|c| c.to_string())
                        .or_else(|| local.close.clone()),
                    owner: d.owner.clone().unwrap_or_else(|| local.owner.clone()),
                    lost_reason: lost_reason(d),
                    lost_note: lost_note(d),
                    next_step: d.next_step.clone().or_else(|| local.next_step.clone()),
                    last_activity: day_text(d.last_activity),
                    last_contacted: day_text(d.last_contacted),
                    next_activity: day_text(d.next_activity),
                    pipeline: d.pipeline.clone(),
                    guessed_account: false,
                };
                let mut result = local.clone();
                // What is kept as last imported: the CRM's values, but the last imported one of
                // a field whose conflict the rep's side kept (the conflict stays open: the next
                // import reports it again, and `--prefer crm` then takes the CRM's value).
                let mut seen = incoming.clone();
                let mut settled = Settled::new(self.prefer);
                let b = before.as_ref();
                settled.field(
                    "title",
                    b.map(|b| &b.title),
                    &local.title,
                    &incoming.title,
                    &mut result.title,
                    &mut seen.title,
                );
                settled.field(
                    "stage",
                    b.map(|b| &b.stage),
                    &local.stage,
                    &incoming.stage,
                    &mut result.stage,
                    &mut seen.stage,
                );
                let status = status_merge(b, &local, &incoming, self.prefer);
                // A close the rep's side won: the deal stays open here, without the CRM's
                // reason for closing it.
                let close_refused = status == FieldMerge::Conflict { take: false };
                settled.apply(
                    "status",
                    status,
                    (b.map(|b| &b.status), &local.status, &incoming.status),
                    &mut result.status,
                    &mut seen.status,
                );
                settled.field(
                    "amount",
                    b.map(|b| &b.amount_cents),
                    &local.amount_cents,
                    &incoming.amount_cents,
                    &mut result.amount_cents,
                    &mut seen.amount_cents,
                );
                settled.field(
                    "currency",
                    b.map(|b| &b.currency),
                    &local.currency,
                    &incoming.currency,
                    &mut result.currency,
                    &mut seen.currency,
                );
                settled.field(
                    "close_date",
                    b.map(|b| &b.close),
                    &local.close,
                    &incoming.close,
                    &mut result.close,
                    &mut seen.close,
                );
                settled.field(
                    "owner",
                    b.map(|b| &b.owner),
                    &local.owner,
                    &incoming.owner,
                    &mut result.owner,
                    &mut seen.owner,
                );
                if close_refused {
                    // Open with the close: the stage move it conflicted with and its reason are
                    // not yet seen either.
                    if let Some(b) = b {
                        seen.stage = b.stage.clone();
                        seen.lost_reason = b.lost_reason.clone();
                        seen.lost_note = b.lost_note.clone();
                    }
                } else {
                    settled.field(
                        "lost_reason",
                        b.map(|b| &b.lost_reason),
                        &local.lost_reason,
                        &incoming.lost_reason,
                        &mut result.lost_reason,
                        &mut seen.lost_reason,
                    );
                    settled.field(
                        "lost_note",
                        b.map(|b| &b.lost_note),
                        &local.lost_note,
                        &incoming.lost_note,
                        &mut result.lost_note,
                        &mut seen.lost_note,
                    );
                }
                settled.field(
                    "next_step",
                    b.map(|b| &b.next_step),
                    &local.next_step,
                    &incoming.next_step,
                    &mut result.next_step,
                    &mut seen.next_step,
                );
                if result != local {
                    self.apply_deal(id, &local, &result, lost_at)?;
                }
                // An account named from the title, until the export could name it: the deal
                // moves to the account its company or contacts now give.
                if b.is_some_and(|b| b.guessed_account) {
                    match self.named_account(d)? {
                        Some(account) => {
                            let old: i64 = self
                                .conn()
                                .prepare_cached("SELECT account_id FROM deals WHERE id = $1")?
                                .query_row([id], |r| r.get(0))?;
                            if old != account {
                                self.conn()
                                    .prepare_cached(
                                        "UPDATE deals SET account_id = $1 WHERE id = $2",
                                    )?
                                    .execute(params![account, id])?;
                                settled.taken.push("account");
                                // The account named from the title goes when nothing else
                                // is there: no deal, person, event, suggestion or CRM company.
                                self.conn()
                                    .prepare_cached(
                                        "DELETE FROM accounts WHERE id = $1
                                           AND NOT EXISTS (SELECT 1 FROM deals WHERE account_id = $1)
                                           AND NOT EXISTS (SELECT 1 FROM contacts WHERE account_id = $1)
                                           AND NOT EXISTS (SELECT 1 FROM trigger_events WHERE account_id = $1)
                                           AND NOT EXISTS (SELECT 1 FROM contact_suggestions WHERE account_id = $1)
                                           AND NOT EXISTS (SELECT 1 FROM crm_links WHERE object = 'companies' AND local_id = $1)",
                                    )?
                                    .execute([old])?;
                            }
                        }
                        None => {
                            seen.guessed_account = true;
                            self.guessed_accounts += 1;
                        }
                    }
                }
                self.words_and_features(id, d)?;
                if self.named_person(id, d)? {
                    settled.taken.push("contact_name");
                }
                if before.as_ref() != Some(&seen) {
                    self.set_link("deals", &d.id, id, &json(&seen)?)?;
                }
                Ok(settled.outcome())
            }
        }
    }

    /// The account the export names for a deal: its company's (brought in, by id), else the
    /// account of its contacts brought in, else its company's by name (adopted or created);
    /// `None` when it names none of them.
    ///
    /// Errors: the store's.
    fn named_account(&mut self, d: &CrmDeal) -> Result<Option<i64>> {
        let mut account = match &d.company_id {
            Some(c) => self.linked("companies", c)?,
            None => None,
        };
        for contact in &d.contact_ids {
            if account.is_some() {
                break;
            }
            account = self
                .conn()
                .prepare_cached(LINKED_CONTACT_ACCOUNT)?
                .query_row(params![self.crm, contact], |r| r.get(0))
                .optional()?;
        }
        match (account, &d.company_name) {
            (Some(a), _) => Ok(Some(a)),
            (None, Some(name)) => Ok(Some(account_id_on(self.conn(), name, None)?)),
            (None, None) => Ok(None),
        }
    }

    /// A deal brought in the first time (`deal_upsert` says where and how).
    fn new_deal(
        &mut self,
        d: &CrmDeal,
        stage: Option<String>,
        lost_at: Timestamp,
    ) -> Result<Upsert> {
        // A deal the export gives no open stage (a closed one, or no stage column) starts in
        // the pipeline's first stage: nothing claims progress the export does not show (the
        // revival ranking scores the furthest stage a lost deal reached).
        let stage = stage.unwrap_or_else(|| {
            self.pipeline
                .stages
                .first()
                .map(|s| s.name.clone())
                .unwrap_or_default()
        });
        // The account the export names; else one named from the title until it does.
        let (account, guessed) = match self.named_account(d)? {
            Some(a) => (a, false),
            None => {
                let name = d.title.split(" - ").next().unwrap_or(&d.title).trim();
                self.guessed_accounts += 1;
                (account_id_on(self.conn(), name, None)?, true)
            }
        };
        let created = d.created.unwrap_or(self.now);
        let amount = d.amount.unwrap_or(Money {
            cents: 0,
            currency: self.currency,
        });
        let fields = DealFields {
            title: d.title.clone(),
            stage,
            status: d.status.as_str().to_string(),
            amount_cents: amount.cents,
            currency: amount.currency.to_string(),
            close: d.close_date.map(|c| c.to_string()),
            owner: d.owner.clone().unwrap_or_default(),
            lost_reason: lost_reason(d),
            lost_note: lost_note(d),
            next_step: d.next_step.clone(),
            last_activity: day_text(d.last_activity),
            last_contacted: day_text(d.last_contacted),
            next_activity: day_text(d.next_activity),
            pipeline: d.pipeline.clone(),
            guessed_account: guessed,
        };
        let id: i64 = self.conn().prepare_cached(INSERT_DEAL)?.query_row(
            params![
                account,
                fields.title,
                fields.owner,
                fields.stage,
                fields.amount_cents,
                fields.currency,
                fields.close,
                fields.status,
                created.as_second(),
                fields.lost_reason,
                fields.lost_note,
                (d.status == DealStatus::Lost).then(|| lost_at.as_second()),
            ],
            |r| r.get(0),
        )?;
        self.conn()
            .prepare_cached(INSERT_STAGE_CHANGE)?
            .execute(params![
                id,
                fields.stage,
                d.stage_entered.unwrap_or(created).max(created).as_second()
            ])?;
        if let Some(close) = &fields.close {
            self.conn()
                .prepare_cached(INSERT_CLOSE_DATE_CHANGE)?
                .execute(params![id, None::<String>, close, created.as_second()])?;
        }
        if let Some(step) = &fields.next_step {
            self.write_next_step(id, step)?;
        }
        self.words_and_features(id, d)?;
        self.named_person(id, d)?;
        // The fields as written are the fields as imported: nothing to read back.
        self.set_link("deals", &d.id, id, &json(&fields)?)?;
        Ok(Upsert::Created)
    }

    fn apply_deal(
        &mut self,
        id: i64,
        was: &DealFields,
        now: &DealFields,
        lost_at: Timestamp,
    ) -> Result<()> {
        self.conn()
            .prepare_cached(
                "UPDATE deals SET title = $1, stage = $2, status = $3, amount_cents = $4, currency = $5, expected_close = $6, owner = $7, lost_reason = $8, lost_note = $9,
                 lost_at = CASE WHEN $3 = 'lost' THEN COALESCE(lost_at, $10) ELSE NULL END WHERE id = $11",
            )?
            .execute(params![
                now.title,
                now.stage,
                now.status,
                now.amount_cents,
                now.currency,
                now.close,
                now.owner,
                now.lost_reason,
                now.lost_note,
                lost_at.as_second(),
                id
            ])?;
        if now.stage != was.stage {
            self.conn()
                .prepare_cached(INSERT_STAGE_CHANGE)?
                .execute(params![id, now.stage, self.now.as_second()])?;
        }
        if now.close != was.close
            && let Some(to) = &now.close
        {
            self.conn()
                .prepare_cached(INSERT_CLOSE_DATE_CHANGE)?
                .execute(params![id, was.close, to, self.now.as_second()])?;
        }
        if now.next_step != was.next_step
            && let Some(step) = &now.next_step
        {
            self.write_next_step(id, step)?;
        }
        Ok(())
    }

    /// The CRM's next step: not booked, no date.
    fn write_next_step(&self, deal: i64, what: &str) -> Result<()> {
        self.conn().prepare_cached(SET_NEXT_STEP)?.execute(params![
            deal,
            what,
            None::<i64>,
            0,
            self.now.as_second()
        ])?;
        Ok(())
    }

    /// The person a deal names (`CrmDeal::contact_name`, with the first of its contact ids),
    /// kept at the deal's account: nothing when that id is linked already (their own row came
    /// in, or an earlier import made them); else the account's contact of that name, or a new
    /// one (no address yet: the persons export or captured mail brings it), linked by the id so
    /// their own row, imported later, updates them rather than adding a second. True when a
    /// contact was made.
    fn named_person(&mut self, deal: i64, d: &CrmDeal) -> Result<bool> {
        let Some(name) = d
            .contact_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            return Ok(false);
        };
        let id = d.contact_ids.first();
        if let Some(id) = id
            && self.linked("contacts", id)?.is_some()
        {
            return Ok(false);
        }
        let account: i64 = self
            .conn()
            .prepare_cached("SELECT account_id FROM deals WHERE id = $1")?
            .query_row([deal], |r| r.get(0))?;
        let same: Option<i64> = self
            .conn()
            .prepare_cached("SELECT id FROM contacts WHERE account_id = $1 AND name = $2")?
            .query_row(params![account, name], |r| r.get(0))
            .optional()?;
        let (local, made) = match same {
            Some(local) => (local, false),
            None => (
                self.conn().prepare_cached(INSERT_CONTACT)?.query_row(
                    params![
                        account,
                        name,
                        None::<String>,
                        None::<String>,
                        0,
                        None::<String>
                    ],
                    |r| r.get(0),
                )?,
                true,
            ),
        };
        if let Some(id) = id {
            let seen = ContactFields {
                name: name.to_string(),
                title: None,
            };
            self.set_link("contacts", id, local, &json(&seen)?)?;
        }
        Ok(made)
    }

    /// The prospect's words from custom columns (each once: the same kind and text is not
    /// added again) and the features the deal needs.
    fn words_and_features(&self, deal: i64, d: &CrmDeal) -> Result<()> {
        if !d.facts.is_empty() {
            let mut statement = self.conn().prepare_cached(
                "INSERT INTO facts (deal_id, kind, text, source, said_at) SELECT $1, $2, $3, $4, $5
                 WHERE NOT EXISTS (SELECT 1 FROM facts WHERE deal_id = $1 AND kind = $2 AND text = $3)",
            )?;
            let said_at = d
                .last_activity
                .map_or(self.now, rekindle_core::time::start_of_day)
                .as_second();
            for (kind, text, column) in &d.facts {
                statement.execute(params![
                    deal,
                    kind.as_str(),
                    text,
                    format!("{} export, column {column}", self.crm),
                    said_at
                ])?;
            }
        }
        if !d.needed_features.is_empty() {
            let mut statement = self.conn().prepare_cached(
                "INSERT INTO needed_features (deal_id, feature, why) VALUES ($1, $2, NULL) ON CONFLICT DO NOTHING",
            )?;
            for feature in &d.needed_features {
                statement.execute(params![deal, feature])?;
            }
        }
        Ok(())
    }

    /// An activity, once (activities are history: a later export never changes one): on its
    /// deal (by the deal's id, else by its name among this CRM's deals), else on the latest
    /// deal of its contact's or company's account; a planned one (not done) is not history
    /// and is left out.
    ///
    /// Errors: the store's.
    fn activity_upsert(&mut self, a: &CrmActivity) -> Result<Upsert> {
        if self.linked("activities", &a.id)?.is_some() {
            return Ok(Upsert::Unchanged);
        }
        if a.planned {
            return Ok(Upsert::Skipped(
                "planned, not done: only what happened is history",
            ));
        }
        let contact = match &a.contact_id {
            Some(c) => self.linked("contacts", c)?,
            None => None,
        };
        let mut deal = match &a.deal_id {
            Some(d) => self.linked("deals", d)?,
            None => None,
        };
        // The account the activity names, when its deal is not given by id: its contact's,
        // its company's (by id, else by name).
        let account: Option<i64> = match (contact, &a.company_id, &a.company_name) {
            _ if deal.is_some() => None,
            (Some(c), ..) => self
                .conn()
                .prepare_cached("SELECT account_id FROM contacts WHERE id = $1")?
                .query_row([c], |r| r.get(0))
                .optional()?,
            (None, Some(co), _) => self.linked("companies", co)?,
            (None, None, Some(name)) => self
                .conn()
                .prepare_cached("SELECT id FROM accounts WHERE name = $1")?
                .query_row([name], |r| r.get(0))
                .optional()?,
            (None, None, None) => None,
        };
        if deal.is_none()
            && let Some(name) = &a.deal_name
        {
            // This CRM's deals of that name: one is the activity's; of several, the one at
            // the activity's account; deals that cannot be told apart are not guessed between.
            let named: Vec<(i64, i64)> = self
                .conn()
                .prepare_cached(
                    // `$1` first: SQLite numbers `$` parameters in the order they appear.
                    "SELECT d.id, d.account_id FROM deals d
                     WHERE EXISTS (SELECT 1 FROM crm_links l WHERE l.crm = $1 AND l.object = 'deals' AND l.local_id = d.id)
                       AND d.title = $2
                     ORDER BY d.id DESC LIMIT 50",
                )?
                .query_map(params![self.crm, name], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let at_account: Vec<i64> = named
                .iter()
                .filter(|(_, at)| Some(*at) == account)
                .map(|(d, _)| *d)
                .collect();
            match (&named[..], &at_account[..]) {
                ([(one, _)], _) | (_, [one]) => deal = Some(*one),
                ([], _) => {}
                _ => {
                    return refused(format!(
                        "names the deal {name:?}, and several deals brought in are called that; export the activity with its deal's id (or its organization)"
                    ));
                }
            }
        }
        if deal.is_none()
            && let Some(account) = account
        {
            deal = self
                .conn()
                .prepare_cached(
                    "SELECT id FROM deals WHERE account_id = $1 ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, created_at DESC LIMIT 1",
                )?
                .query_row([account], |r| r.get(0))
                .optional()?;
        }
        let Some(deal) = deal else {
            return refused(
                "not on any deal brought in: import its deal (or its contact's company with a deal) first, or together",
            );
        };
        // A contact named but not by id: the one of that name among the deal's people.
        let contact = match (contact, &a.contact_name) {
            (None, Some(name)) => {
                let people: Vec<i64> = self
                    .conn()
                    .prepare_cached(
                        "SELECT c.id FROM contacts c JOIN deals d ON d.account_id = c.account_id
                         WHERE d.id = $1 AND c.name = $2 LIMIT 2",
                    )?
                    .query_map(params![deal, name], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                match people[..] {
                    [one] => Some(one),
                    _ => None,
                }
            }
            (contact, _) => contact,
        };
        // No stale mark for the deal: the transaction that commits this activity outdates
        // the whole read model (`outdate`).
        let id = insert_activity_on(
            self.conn(),
            DealId(deal),
            &NewActivity {
                kind: a.kind,
                direction: a.direction,
                at: a.at,
                outcome: a.outcome,
                contact: contact.map(rekindle_core::ContactId),
                summary: a.summary.clone(),
                body: a.body.clone(),
                play: None,
                returns_on: None,
                subject: (a.kind == rekindle_core::ActivityKind::Email).then(|| a.summary.clone()),
            },
        )?;
        self.set_link("activities", &a.id, id, &a.at.as_second().to_string())?;
        Ok(Upsert::Created)
    }
}

/// The lost reason of a deal closed lost, as the taxonomy names it.
fn lost_reason(d: &CrmDeal) -> Option<String> {
    d.lost.as_ref().map(|(r, _)| r.as_str().to_string())
}

/// The CRM's own words for why a deal was lost, when it gave any.
fn lost_note(d: &CrmDeal) -> Option<String> {
    d.lost
        .as_ref()
        .map(|(_, t)| t.clone())
        .filter(|t| !t.is_empty())
}

/// The status by `merge_status`, when both statuses read as statuses (they are written only
/// as `DealStatus` names); else by `merge` alone.
fn status_merge(
    before: Option<&DealFields>,
    local: &DealFields,
    incoming: &DealFields,
    prefer: Prefer,
) -> FieldMerge {
    let status = |s: &str| DealStatus::parse(s).ok();
    let before_status = before.map(|b| (b.stage.as_str(), status(&b.status)));
    match (
        status(&local.status),
        status(&incoming.status),
        before_status,
    ) {
        (Some(l), Some(i), None) => merge_status(None, (&local.stage, l), i, prefer),
        (Some(l), Some(i), Some((stage, Some(b)))) => {
            merge_status(Some((stage, b)), (&local.stage, l), i, prefer)
        }
        _ => merge(
            before.map(|b| &b.status),
            &local.status,
            &incoming.status,
            prefer,
        ),
    }
}

/// The merge of one record's fields: those taken from the CRM, and those both sides changed.
/// A field's value as a conflict names it: the text itself, an amount in units, `(none)`.
trait Shown {
    fn shown(&self, field: &str) -> String;
}

impl Shown for String {
    fn shown(&self, _field: &str) -> String {
        self.clone()
    }
}

impl Shown for i64 {
    /// Cents as units with two decimals for the amount (`4500000` is `45000.00`).
    fn shown(&self, field: &str) -> String {
        if field == "amount" {
            let sign = if *self < 0 { "-" } else { "" };
            let c = self.unsigned_abs();
            format!("{sign}{}.{:02}", c / 100, c % 100)
        } else {
            self.to_string()
        }
    }
}

impl<T: Shown> Shown for Option<T> {
    fn shown(&self, field: &str) -> String {
        match self {
            Some(v) => v.shown(field),
            None => "(none)".to_string(),
        }
    }
}

struct Settled {
    prefer: Prefer,
    taken: Vec<&'static str>,
    conflicts: Vec<Conflict>,
}

impl Settled {
    fn new(prefer: Prefer) -> Self {
        Settled {
            prefer,
            taken: Vec::new(),
            conflicts: Vec::new(),
        }
    }

    /// Applies `merge` to one field: the value to keep goes into `result`, the value to keep as
    /// last imported into `seen` (see [`Settled::apply`]).
    fn field<T: PartialEq + Clone + Shown>(
        &mut self,
        field: &'static str,
        before: Option<&T>,
        local: &T,
        incoming: &T,
        result: &mut T,
        seen: &mut T,
    ) {
        let merged = merge(before, local, incoming, self.prefer);
        self.apply(field, merged, (before, local, incoming), result, seen);
    }

    /// Applies what a merge rule said of one field, given its (last imported, local, incoming)
    /// values: the value to keep goes into `result`. A conflict the rep's side kept leaves the
    /// last imported value in `seen` (which starts as the CRM's), so the conflict stays open.
    fn apply<T: Clone + Shown>(
        &mut self,
        field: &'static str,
        merged: FieldMerge,
        (before, local, incoming): (Option<&T>, &T, &T),
        result: &mut T,
        seen: &mut T,
    ) {
        match merged {
            FieldMerge::Keep => {}
            FieldMerge::Take => {
                *result = incoming.clone();
                self.taken.push(field);
            }
            FieldMerge::Conflict { take } => {
                if take {
                    *result = incoming.clone();
                } else if let Some(before) = before {
                    *seen = before.clone();
                }
                self.conflicts.push(Conflict {
                    field,
                    local: local.shown(field),
                    crm: incoming.shown(field),
                    kept: if take { "crm" } else { "local" },
                });
            }
        }
    }

    fn outcome(self) -> Upsert {
        if !self.conflicts.is_empty() {
            Upsert::Conflicts {
                conflicts: self.conflicts,
                taken: self.taken,
            }
        } else if !self.taken.is_empty() {
            Upsert::Updated(self.taken)
        } else {
            Upsert::Unchanged
        }
    }
}

/// One record brought in from a CRM: its local id, the CRM's id and its values as last
/// imported (JSON).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrmLink {
    pub local: i64,
    pub external: String,
    pub imported: String,
}

/// A deal's record in a CRM: which CRM, its id there, when an import last changed what is
/// kept of it (UTC), and the CRM's activity days as of the latest import, as the export
/// wrote them (`CrmDeal::last_activity` says what each means).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrmDealLink {
    pub crm: String,
    pub id: String,
    pub imported_at: Timestamp,
    pub last_activity: Option<jiff::civil::Date>,
    pub last_contacted: Option<jiff::civil::Date>,
    pub next_activity: Option<jiff::civil::Date>,
    /// When an import found the record deleted in the CRM (nothing is exported for it since).
    pub deleted_at: Option<Timestamp>,
}

impl Store {
    /// Every record of `object` (`deals`, `contacts`...) brought in from `crm` that the CRM
    /// has not since marked deleted.
    ///
    /// Errors: the store's.
    pub async fn crm_links(&self, crm: &str, object: &str) -> Result<Vec<CrmLink>> {
        let rows = sqlx::query(
            "SELECT local_id, external_id, imported FROM crm_links WHERE crm = $1 AND object = $2 AND deleted_at IS NULL ORDER BY local_id",
        )
        .bind(crm.to_string())
        .bind(object.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CrmLink {
                    local: r.try_get(0)?,
                    external: r.try_get(1)?,
                    imported: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// The CRM records `deal` was brought in from (usually one), each with what the CRM said
    /// of its activity at the last import, oldest link first.
    ///
    /// Errors: the store's.
    pub async fn crm_deal_links(&self, deal: DealId) -> Result<Vec<CrmDealLink>> {
        let rows = sqlx::query(
            "SELECT crm, external_id, imported, imported_at, deleted_at FROM crm_links
             WHERE object = 'deals' AND local_id = $1 ORDER BY imported_at, crm",
        )
        .bind(deal.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let imported: String = r.try_get(2)?;
                let fields: DealFields = serde_json::from_str(&imported).unwrap_or_default();
                // A day; a link written with a moment keeps that moment's day.
                let at = |t: Option<String>| {
                    t.and_then(|t| {
                        t.parse::<jiff::civil::Date>().ok().or_else(|| {
                            t.parse::<Timestamp>()
                                .ok()
                                .map(rekindle_core::time::date_of)
                        })
                    })
                };
                Ok(CrmDealLink {
                    crm: r.try_get(0)?,
                    id: r.try_get(1)?,
                    imported_at: Timestamp::from_second(r.try_get(3)?).map_err(|e| {
                        StoreError::Corrupt {
                            table: "crm_links",
                            id: deal.0,
                            detail: format!("imported_at: {e}"),
                        }
                    })?,
                    last_activity: at(fields.last_activity),
                    last_contacted: at(fields.last_contacted),
                    next_activity: at(fields.next_activity),
                    deleted_at: r
                        .try_get::<Option<i64>, _>(4)?
                        .and_then(|s| Timestamp::from_second(s).ok()),
                })
            })
            .collect()
    }

    /// The keys of what was exported to `crm` already.
    ///
    /// Errors: the store's.
    pub async fn crm_exported(&self, crm: &str) -> Result<std::collections::BTreeSet<String>> {
        let rows = sqlx::query("SELECT key FROM crm_exports WHERE crm = $1")
            .bind(crm.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Remembers `keys` as exported to `crm` at `at` (once each), in one transaction.
    ///
    /// Errors: the store's.
    pub async fn crm_mark_exported(&self, crm: &str, keys: &[String], at: Timestamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for key in keys {
            sqlx::query("INSERT INTO crm_exports (crm, key, exported_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(crm.to_string())
                .bind(key.clone())
                .bind(at.as_second())
                .execute(&mut *tx)
                .await?;
        }
        crate::commit(tx).await
    }
}
