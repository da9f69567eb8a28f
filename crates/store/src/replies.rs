//! Replies read and acted on: each reading is kept with the changes it made and what they
//! replaced, so the rep can see why a deal moved and override any decision (the changes are
//! undone, the rep's reading applied). Written on the capture writer's connection, in the
//! same transaction as the reply itself.

use crate::{CaptureWriter, Result, Store, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use rekindle_core::reply::{Action, Reading, ReplyClass};
use rekindle_core::time::start_of_day;
use rekindle_core::{ActivityId, ContactId, DealId, DealStatus, PlayKind, ReadingId};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// What it takes to put a change back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "undo", rename_all = "snake_case")]
pub enum Undo {
    Nothing,
    /// These contacts were marked do-not-contact, and this address blocked.
    Blocked {
        contacts: Vec<i64>,
        address: Option<String>,
    },
    /// The reply's activity before it was taken for an absence.
    Activity {
        id: i64,
        outcome: Option<String>,
        returns_on: Option<String>,
    },
    /// The deal's standing before.
    Deal {
        status: String,
        lost_reason: Option<String>,
        lost_note: Option<String>,
        lost_at: Option<i64>,
        resurface_on: Option<String>,
    },
    /// The next step before (none when there was none).
    NextStep {
        before: Option<(String, Option<i64>, i64, i64)>,
    },
    /// A contact was added; an override keeps them (they may have history by then).
    ContactAdded {
        contact: i64,
    },
}

/// A change made, and how to put it back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    pub action: Action,
    pub undo: Undo,
}

/// What the record knows around a reply, for reading it.
#[derive(Clone, Debug)]
pub struct ReplyContext {
    pub status: DealStatus,
    /// Activity on the deal after the reply.
    pub superseded: bool,
    /// The play the rep's last message before the reply carried.
    pub last_play: Option<PlayKind>,
    /// The sender as the rep knows them.
    pub sender: String,
}

/// A reading as kept.
#[derive(Clone, Debug, Serialize)]
pub struct StoredReading {
    pub id: ReadingId,
    pub deal: DealId,
    pub activity: ActivityId,
    pub sender: String,
    pub class: ReplyClass,
    pub reading: serde_json::Value,
    pub changes: Vec<Applied>,
    /// applied, needs_rep or overridden
    pub state: String,
    pub read_at: Timestamp,
    /// rekindle or rep
    pub decided_by: String,
    pub replaced_by: Option<ReadingId>,
    /// The reply's words.
    pub text: Option<String>,
}

fn corrupt(id: i64, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table: "reply_readings",
        id,
        detail: detail.to_string(),
    }
}

fn day(date: Option<Date>) -> Option<i64> {
    date.map(|d| start_of_day(d).as_second())
}

/// A reply's deal, whether the deal moved on after it, the play it answers and the sender's
/// name. The play answered is found through the index of touches alone (SQLite's planner
/// would otherwise walk back through every earlier reply: quadratic over a long conversation).
const REPLY_CONTEXT: &str = "SELECT d.status,
                     EXISTS (SELECT 1 FROM activities x WHERE x.deal_id = d.id AND x.at > a.at),
                     (SELECT p.play FROM activities p INDEXED BY activities_outbound
                      WHERE p.deal_id = d.id AND p.direction = 'outbound' AND p.at <= a.at
                      ORDER BY p.at DESC, p.id DESC LIMIT 1),
                     (SELECT c.name FROM contacts c WHERE c.id = ?2)
                 FROM activities a JOIN deals d ON d.id = a.deal_id WHERE a.id = ?1";

impl CaptureWriter {
    /// Whether the rep touched `deal` (an outbound activity) before `at`: a reply with no touch
    /// before it answers no conversation of the rep's.
    pub fn touched_before(&mut self, deal: DealId, at: Timestamp) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM activities
                 WHERE deal_id = ?1 AND direction = 'outbound' AND at < ?2)",
            )?
            .query_row(params![deal.0, at.as_second()], |r| r.get(0))?)
    }

    /// The deal's standing and the conversation around a reply recorded as `activity`.
    pub fn reply_context(
        &mut self,
        deal: DealId,
        activity: ActivityId,
        contact: Option<ContactId>,
        address: &str,
    ) -> Result<ReplyContext> {
        // One statement: this runs for every reply an import records.
        let (status, superseded, play, name): (String, bool, Option<String>, Option<String>) = self
            .conn
            .prepare_cached(REPLY_CONTEXT)?
            .query_row(params![activity.0, contact.map(|c| c.0)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        Ok(ReplyContext {
            status: DealStatus::parse(&status).map_err(|e| corrupt(deal.0, e))?,
            superseded,
            last_play: play.as_deref().and_then(|p| PlayKind::parse(p).ok()),
            sender: name.unwrap_or_else(|| address.to_string()),
        })
    }

    /// Applies what a reply was read as and keeps the reading with its changes.
    #[allow(clippy::too_many_arguments)]
    pub fn record_reading(
        &mut self,
        deal: DealId,
        activity: ActivityId,
        contact: Option<ContactId>,
        address: &str,
        sender: &str,
        reading: &Reading,
        actions: &[Action],
        at: Timestamp,
        decided_by: &str,
    ) -> Result<ReadingId> {
        self.begin()?;
        crate::assessments::mark_stale_on(&self.conn, crate::assessments::Stale::Deal(deal))?;
        crate::assessments::mark_stale_on(&self.conn, crate::assessments::Stale::Address(address))?;
        let mut changes = Vec::new();
        for action in actions {
            let undo = self.apply(deal, activity, contact, address, action, at)?;
            changes.push(Applied {
                action: action.clone(),
                undo,
            });
        }
        let state = if actions.iter().any(|a| matches!(a, Action::NeedsRep { .. })) {
            "needs_rep"
        } else {
            "applied"
        };
        let id: i64 = self
            .conn
            .prepare_cached(
                "INSERT INTO reply_readings (activity_id, deal_id, contact_id, sender, address, class, reading, changes, state, read_at, decided_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
            )?
            .query_row(
                params![
                    activity.0,
                    deal.0,
                    contact.map(|c| c.0),
                    sender,
                    address,
                    reading.class.as_str(),
                    serde_json::to_string(reading).map_err(|e| corrupt(0, e))?,
                    serde_json::to_string(&changes).map_err(|e| corrupt(0, e))?,
                    state,
                    at.as_second(),
                    decided_by
                ],
                |r| r.get(0),
            )?;
        self.counted()?;
        Ok(ReadingId(id))
    }

    fn apply(
        &mut self,
        deal: DealId,
        activity: ActivityId,
        contact: Option<ContactId>,
        address: &str,
        action: &Action,
        at: Timestamp,
    ) -> Result<Undo> {
        let conn = &self.conn;
        Ok(match action {
            Action::NeedsRep { .. } => Undo::Nothing,
            Action::DoNotContact => {
                // Every contact with any of the sender's addresses, on every account.
                let contacts: Vec<i64> = conn
                    .prepare_cached(
                        "UPDATE contacts SET do_not_contact = 1 WHERE do_not_contact = 0 AND id IN (
                             SELECT contact_id FROM contact_emails WHERE email = ?2 OR email IN
                                 (SELECT email FROM contact_emails WHERE contact_id = ?1))
                         RETURNING id",
                    )?
                    .query_map(params![contact.map(|c| c.0), address], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let added = conn
                    .prepare_cached(
                        "INSERT INTO blocked_addresses (address, blocked_at, reason) VALUES (?1, ?2, 'asked to stop')
                         ON CONFLICT (address) DO NOTHING",
                    )?
                    .execute(params![address, at.as_second()])?;
                Undo::Blocked {
                    contacts,
                    address: (added > 0).then(|| address.to_string()),
                }
            }
            Action::StopAddress => {
                // This address only: the person moved and stays a contact elsewhere.
                let added = conn
                    .prepare_cached(
                        "INSERT INTO blocked_addresses (address, blocked_at, reason) VALUES (?1, ?2, 'moved to another address')
                         ON CONFLICT (address) DO NOTHING",
                    )?
                    .execute(params![address, at.as_second()])?;
                Undo::Blocked {
                    contacts: Vec::new(),
                    address: (added > 0).then(|| address.to_string()),
                }
            }
            Action::HoldUntil { date } => {
                let (outcome, returns_on): (Option<String>, Option<String>) = conn
                    .prepare_cached("SELECT outcome, returns_on FROM activities WHERE id = ?1")?
                    .query_row([activity.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
                // The reply stays a reply (a person who says they are away is still
                // answering); only its return day is kept, which holds the next touch.
                conn.prepare_cached("UPDATE activities SET returns_on = ?2 WHERE id = ?1")?
                    .execute(params![activity.0, date.to_string()])?;
                Undo::Activity {
                    id: activity.0,
                    outcome,
                    returns_on,
                }
            }
            Action::AddContact { name, address } => {
                let known: bool = match address {
                    Some(a) => conn
                        .prepare_cached(
                            "SELECT EXISTS (SELECT 1 FROM contact_emails WHERE email = ?1)",
                        )?
                        .query_row([a.as_str()], |r| r.get(0))?,
                    None => false,
                };
                if known {
                    Undo::Nothing
                } else {
                    let id: i64 = conn
                        .prepare_cached(
                            "INSERT INTO contacts (account_id, name, do_not_contact)
                             SELECT account_id, ?2, 0 FROM deals WHERE id = ?1 RETURNING id",
                        )?
                        .query_row(params![deal.0, name], |r| r.get(0))?;
                    if let Some(a) = address {
                        conn.prepare_cached(
                            "INSERT INTO contact_emails (contact_id, email) VALUES (?1, ?2)",
                        )?
                        .execute(params![id, a.as_str()])?;
                    }
                    Undo::ContactAdded { contact: id }
                }
            }
            Action::Close {
                status,
                reason,
                resurface_on,
                note,
            } => {
                let before = self.deal_standing(deal)?;
                let lost = *status == DealStatus::Lost;
                self.conn
                    .prepare_cached(
                        "UPDATE deals SET status = ?2, lost_reason = ?3, lost_note = ?4, lost_at = ?5, resurface_on = ?6 WHERE id = ?1",
                    )?
                    .execute(params![
                        deal.0,
                        status.as_str(),
                        reason.filter(|_| lost).map(|r| r.as_str()),
                        lost.then_some(note.as_str()),
                        lost.then_some(at.as_second()),
                        resurface_on.map(|d| d.to_string())
                    ])?;
                before
            }
            Action::Reopen => {
                let before = self.deal_standing(deal)?;
                self.conn
                    .prepare_cached(
                        "UPDATE deals SET status = 'open', lost_reason = NULL, lost_note = NULL, lost_at = NULL, resurface_on = NULL WHERE id = ?1",
                    )?
                    .execute([deal.0])?;
                before
            }
            Action::NextStep { what, due } => {
                let before: Option<(String, Option<i64>, i64, i64)> = conn
                    .prepare_cached(
                        "SELECT what, due, booked, set_at FROM next_steps WHERE deal_id = ?1",
                    )?
                    .query_row([deal.0], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()?;
                conn.prepare_cached(
                    "INSERT INTO next_steps (deal_id, what, due, booked, set_at) VALUES (?1, ?2, ?3, 0, ?4)
                     ON CONFLICT (deal_id) DO UPDATE SET what = excluded.what, due = excluded.due,
                         booked = 0, set_at = excluded.set_at",
                )?
                .execute(params![deal.0, what, day(*due), at.as_second()])?;
                Undo::NextStep { before }
            }
        })
    }

    fn deal_standing(&self, deal: DealId) -> Result<Undo> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT status, lost_reason, lost_note, lost_at, resurface_on FROM deals WHERE id = ?1",
            )?
            .query_row([deal.0], |r| {
                Ok(Undo::Deal {
                    status: r.get(0)?,
                    lost_reason: r.get(1)?,
                    lost_note: r.get(2)?,
                    lost_at: r.get(3)?,
                    resurface_on: r.get(4)?,
                })
            })?)
    }

    /// Puts back what a reading changed, newest change first.
    fn undo(&mut self, deal: DealId, changes: &[Applied]) -> Result<()> {
        for change in changes.iter().rev() {
            match &change.undo {
                Undo::Nothing | Undo::ContactAdded { .. } => {}
                Undo::Blocked { contacts, address } => {
                    for c in contacts {
                        self.conn
                            .prepare_cached("UPDATE contacts SET do_not_contact = 0 WHERE id = ?1")?
                            .execute([c])?;
                        crate::assessments::mark_stale_on(
                            &self.conn,
                            crate::assessments::Stale::Contact(ContactId(*c)),
                        )?;
                    }
                    if let Some(a) = address {
                        self.conn
                            .prepare_cached("DELETE FROM blocked_addresses WHERE address = ?1")?
                            .execute([a])?;
                    }
                }
                Undo::Activity {
                    id,
                    outcome,
                    returns_on,
                } => {
                    self.conn
                        .prepare_cached(
                            "UPDATE activities SET outcome = ?2, returns_on = ?3 WHERE id = ?1",
                        )?
                        .execute(params![id, outcome, returns_on])?;
                }
                Undo::Deal {
                    status,
                    lost_reason,
                    lost_note,
                    lost_at,
                    resurface_on,
                } => {
                    self.conn
                        .prepare_cached(
                            "UPDATE deals SET status = ?2, lost_reason = ?3, lost_note = ?4, lost_at = ?5, resurface_on = ?6 WHERE id = ?1",
                        )?
                        .execute(params![deal.0, status, lost_reason, lost_note, lost_at, resurface_on])?;
                }
                Undo::NextStep { before } => match before {
                    Some((what, due, booked, set_at)) => {
                        self.conn
                            .prepare_cached(
                                "INSERT INTO next_steps (deal_id, what, due, booked, set_at) VALUES (?1, ?2, ?3, ?4, ?5)
                                 ON CONFLICT (deal_id) DO UPDATE SET what = excluded.what, due = excluded.due,
                                     booked = excluded.booked, set_at = excluded.set_at",
                            )?
                            .execute(params![deal.0, what, due, booked, set_at])?;
                    }
                    None => {
                        self.conn
                            .prepare_cached("DELETE FROM next_steps WHERE deal_id = ?1")?
                            .execute([deal.0])?;
                    }
                },
            }
        }
        Ok(())
    }

    /// The rep decides what a reply meant: what the earlier reading changed is put back, the
    /// rep's reading applied and kept as a new reading that replaces the old one.
    pub fn override_reading(
        &mut self,
        old: &StoredReading,
        reading: &Reading,
        actions: &[Action],
        at: Timestamp,
    ) -> Result<ReadingId> {
        if old.replaced_by.is_some() {
            return Err(StoreError::Ambiguous {
                what: "reading",
                detail: format!(
                    "{} was already replaced; override the newest reading",
                    old.id
                ),
            });
        }
        self.begin()?;
        self.undo(old.deal, &old.changes)?;
        let (contact, address): (Option<i64>, String) = self
            .conn
            .prepare_cached("SELECT contact_id, address FROM reply_readings WHERE id = ?1")?
            .query_row([old.id.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let id = self.record_reading(
            old.deal,
            old.activity,
            contact.map(ContactId),
            &address,
            &old.sender,
            reading,
            actions,
            at,
            "rep",
        )?;
        self.conn
            .prepare_cached(
                "UPDATE reply_readings SET state = 'overridden', replaced_by = ?2 WHERE id = ?1",
            )?
            .execute(params![old.id.0, id.0])?;
        self.commit()?;
        Ok(id)
    }
}

fn stored(row: &sqlx::any::AnyRow) -> Result<StoredReading> {
    let id: i64 = row.try_get("id")?;
    let class: String = row.try_get("class")?;
    let reading: String = row.try_get("reading")?;
    let changes: String = row.try_get("changes")?;
    Ok(StoredReading {
        id: ReadingId(id),
        deal: DealId(row.try_get("deal_id")?),
        activity: ActivityId(row.try_get("activity_id")?),
        sender: row.try_get("sender")?,
        class: ReplyClass::parse(&class).map_err(|e| corrupt(id, e))?,
        reading: serde_json::from_str(&reading).map_err(|e| corrupt(id, e))?,
        changes: serde_json::from_str(&changes).map_err(|e| corrupt(id, e))?,
        state: row.try_get("state")?,
        read_at: Timestamp::from_second(row.try_get("read_at")?).map_err(|e| corrupt(id, e))?,
        decided_by: row.try_get("decided_by")?,
        replaced_by: row.try_get::<Option<i64>, _>("replaced_by")?.map(ReadingId),
        text: row.try_get("body")?,
    })
}

const SELECT_READINGS: &str =
    "SELECT r.id, r.deal_id, r.activity_id, r.sender, r.class, r.reading, r.changes, r.state,
        r.read_at, r.decided_by, r.replaced_by, a.body
     FROM reply_readings r JOIN activities a ON a.id = r.activity_id";

impl Store {
    /// Readings, newest first: all of them, or those waiting for the rep.
    pub async fn readings(&self, waiting_only: bool, limit: i64) -> Result<Vec<StoredReading>> {
        self.readings_after(waiting_only, None, limit).await
    }

    /// Readings, newest first (by the moment read, then id), after `after` (the moment and id
    /// of the last one a previous page held): all of them, or those waiting for the rep.
    pub async fn readings_after(
        &self,
        waiting_only: bool,
        after: Option<(Timestamp, ReadingId)>,
        limit: i64,
    ) -> Result<Vec<StoredReading>> {
        let sql = format!(
            "{SELECT_READINGS} WHERE ($1 = 0 OR r.state = 'needs_rep')
               AND ($2 = 0 OR r.read_at < $3 OR (r.read_at = $3 AND r.id < $4))
             ORDER BY r.read_at DESC, r.id DESC LIMIT $5"
        );
        let (at, id) = after.map_or((0, 0), |(t, id)| (t.as_second(), id.0));
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(waiting_only as i64)
            .bind(after.is_some() as i64)
            .bind(at)
            .bind(id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(stored).collect()
    }

    pub async fn reading(&self, id: ReadingId) -> Result<StoredReading> {
        let sql = format!("{SELECT_READINGS} WHERE r.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound {
                what: "reading",
                key: id.to_string(),
            })?;
        stored(&row)
    }

    /// Whether an address asked not to be contacted.
    pub async fn is_blocked(&self, address: &str) -> Result<bool> {
        Ok(
            sqlx::query("SELECT 1 FROM blocked_addresses WHERE address = $1")
                .bind(address.to_string())
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }
}

#[cfg(test)]
mod plan_tests {
    /// Every step of the reply's context is a seek by key or index, never a scan: the cost of
    /// reading one reply does not grow with the conversation before it.
    #[tokio::test]
    async fn a_replys_context_is_found_by_seeks_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(&dir.path().join("x.db")).await.unwrap();
        let writer = store.capture_writer().unwrap();
        let mut plan = writer
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", super::REPLY_CONTEXT))
            .unwrap();
        let steps: Vec<String> = plan
            .query_map([1, 1], |r| r.get::<_, String>(3))
            .unwrap()
            .map(|s| s.unwrap())
            .collect();
        assert!(
            steps.iter().any(|s| s.contains("activities_outbound")),
            "{steps:?}"
        );
        assert!(!steps.iter().any(|s| s.starts_with("SCAN")), "{steps:?}");
    }
}
