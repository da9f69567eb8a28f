//! Editing the record one fact at a time, as a rep does from the command line. Every edit
//! checks what it refers to first and runs in a transaction: a bad reference changes nothing.

use crate::assessments::{STAGE_MOVED, Stale, mark_stale};
use crate::{Result, Store, StoreError};
use jiff::{Timestamp, civil::Date};
use rekindle_core::*;
use sqlx::{Any, Row, Transaction};

/// A new deal.
#[derive(Clone, Debug)]
pub struct NewDeal {
    pub title: String,
    pub account: String,
    pub account_domain: Option<String>,
    pub owner: String,
    pub stage: String,
    pub amount: Money,
    pub expected_close: Option<Date>,
    pub created_at: Timestamp,
}

/// A new contact at an account.
#[derive(Clone, Debug)]
pub struct NewContact {
    pub account: String,
    pub name: String,
    pub emails: Vec<EmailAddress>,
    pub title: Option<String>,
    pub role: Option<Role>,
    pub do_not_contact: bool,
    /// An IANA time-zone name (`Europe/Berlin`), checked by the caller.
    pub time_zone: Option<String>,
}

/// A logged activity.
#[derive(Clone, Debug)]
pub struct NewActivity {
    pub kind: ActivityKind,
    pub direction: Direction,
    pub at: Timestamp,
    pub outcome: Option<Outcome>,
    pub contact: Option<ContactId>,
    pub summary: String,
    /// For an email: its subject line.
    pub subject: Option<String>,
    pub body: Option<String>,
    pub play: Option<PlayKind>,
    /// For an auto-reply: the day the person is back.
    pub returns_on: Option<Date>,
}

/// How a deal is closed.
#[derive(Clone, Debug)]
pub struct Closing {
    pub status: DealStatus,
    pub loss: Option<Loss>,
    pub resurface_on: Option<Date>,
}

/// The tone mark and fingerprint kept with an outbound message.
pub(crate) fn tone_of(direction: Direction, body: Option<&str>) -> (ToneMark, Option<i64>) {
    match (direction, body) {
        (Direction::Outbound, Some(b)) => (lint::tone_mark(b), Some(lint::fingerprint(b) as i64)),
        _ => (ToneMark::default(), None),
    }
}

async fn deal_exists(tx: &mut Transaction<'_, Any>, deal: DealId) -> Result<()> {
    let found = sqlx::query("SELECT id FROM deals WHERE id = $1")
        .bind(deal.0)
        .fetch_optional(&mut **tx)
        .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound {
        what: "deal",
        key: deal.to_string(),
    })
}

/// Adds an account by name, once (`$1` the name, `$2` its domain).
const ADD_ACCOUNT: &str =
    "INSERT INTO accounts (name, domain) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";

/// The id of the account named `$1`.
const ACCOUNT_BY_NAME: &str = "SELECT id FROM accounts WHERE name = $1";

/// The id of the account named `name`, added (with `domain`) when there is none.
pub(crate) async fn account_id(
    tx: &mut Transaction<'_, Any>,
    name: &str,
    domain: Option<&str>,
) -> Result<i64> {
    sqlx::query(ADD_ACCOUNT)
        .bind(name.to_string())
        .bind(domain.map(str::to_string))
        .execute(&mut **tx)
        .await?;
    Ok(sqlx::query(ACCOUNT_BY_NAME)
        .bind(name.to_string())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?)
}

/// `account_id` on a rusqlite connection (the capture writer's, a CRM import's).
pub(crate) fn account_id_on(
    conn: &rusqlite::Connection,
    name: &str,
    domain: Option<&str>,
) -> Result<i64> {
    let added = conn
        .prepare_cached(ADD_ACCOUNT)?
        .execute(rusqlite::params![name, domain])?;
    // A new account's id is its rowid (`id INTEGER PRIMARY KEY`): no second look-up.
    if added > 0 {
        return Ok(conn.last_insert_rowid());
    }
    Ok(conn
        .prepare_cached(ACCOUNT_BY_NAME)?
        .query_row([name], |row| row.get(0))?)
}

/// A contact at an account (`$1` the account, then name, title, role, do-not-contact as 0 or
/// 1, time zone), giving its id.
pub(crate) const INSERT_CONTACT: &str = "INSERT INTO contacts (account_id, name, title, role, do_not_contact, time_zone) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

/// A deal (`$1` its account, then title, owner, stage, amount in cents, currency code,
/// expected close date or NULL, status, when created in epoch seconds, lost reason, lost note,
/// when lost), giving its id.
pub(crate) const INSERT_DEAL: &str = "INSERT INTO deals (account_id, title, owner, stage, amount_cents, currency, expected_close, status, created_at, lost_reason, lost_note, lost_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";

/// A stage entered (`$1` the deal, `$2` the stage, `$3` when, epoch seconds).
pub(crate) const INSERT_STAGE_CHANGE: &str =
    "INSERT INTO stage_changes (deal_id, stage, at) VALUES ($1, $2, $3)";

/// An expected close date set (`$1` the deal, `$2` the date before or NULL, `$3` the new one,
/// `$4` when, epoch seconds).
pub(crate) const INSERT_CLOSE_DATE_CHANGE: &str =
    "INSERT INTO close_date_changes (deal_id, from_date, to_date, at) VALUES ($1, $2, $3, $4)";

/// A deal's next step set, replacing the one before (`$1` the deal, `$2` what, `$3` when due
/// or NULL, `$4` booked as 0 or 1, `$5` when set, epoch seconds).
pub(crate) const SET_NEXT_STEP: &str = "INSERT INTO next_steps (deal_id, what, due, booked, set_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (deal_id) DO UPDATE SET what = excluded.what, due = excluded.due, booked = excluded.booked, set_at = excluded.set_at";

/// The one way an activity row is written (here through sqlx, in `capture` through rusqlite).
pub(crate) const INSERT_ACTIVITY: &str = "INSERT INTO activities (deal_id, kind, direction, at, outcome, contact_id, summary, body, play, tone_findings, tone_phrase, body_fingerprint, returns_on, subject)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";

/// Inserts an activity, with the tone mark and fingerprint of an outbound message.
pub(crate) async fn insert_activity(
    tx: &mut Transaction<'_, Any>,
    deal: DealId,
    a: NewActivity,
) -> Result<ActivityId> {
    let (tone, fingerprint) = tone_of(a.direction, a.body.as_deref());
    let id: i64 = sqlx::query(INSERT_ACTIVITY)
        .bind(deal.0)
        .bind(a.kind.as_str().to_string())
        .bind(a.direction.as_str().to_string())
        .bind(a.at.as_second())
        .bind(a.outcome.map(|o| o.as_str().to_string()))
        .bind(a.contact.map(|c| c.0))
        .bind(a.summary)
        .bind(a.body)
        .bind(a.play.map(|p| p.as_str().to_string()))
        .bind(tone.findings as i64)
        .bind(tone.first_phrase)
        .bind(fingerprint)
        .bind(a.returns_on.map(|d| d.to_string()))
        .bind(a.subject)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    mark_stale(tx, Stale::Deal(deal)).await?;
    Ok(ActivityId(id))
}

impl Store {
    pub async fn add_deal(&self, new: NewDeal) -> Result<DealId> {
        let pipeline = self.pipeline().await?;
        let stage = pipeline.stages[pipeline.position(&new.stage)?].name.clone();
        let mut tx = self.begin_write().await?;
        let account = account_id(&mut tx, &new.account, new.account_domain.as_deref()).await?;
        let id: i64 = sqlx::query(INSERT_DEAL)
            .bind(account)
            .bind(new.title)
            .bind(new.owner)
            .bind(stage.clone())
            .bind(new.amount.cents)
            .bind(new.amount.currency.to_string())
            .bind(new.expected_close.map(|d| d.to_string()))
            .bind(DealStatus::Open.as_str())
            .bind(new.created_at.as_second())
            .bind(None::<String>)
            .bind(None::<String>)
            .bind(None::<i64>)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        sqlx::query(INSERT_STAGE_CHANGE)
            .bind(id)
            .bind(stage)
            .bind(new.created_at.as_second())
            .execute(&mut *tx)
            .await?;
        if let Some(close) = new.expected_close {
            sqlx::query(INSERT_CLOSE_DATE_CHANGE)
                .bind(id)
                .bind(None::<String>)
                .bind(close.to_string())
                .bind(new.created_at.as_second())
                .execute(&mut *tx)
                .await?;
        }
        mark_stale(&mut tx, Stale::Deal(DealId(id))).await?;
        crate::commit(tx).await?;
        Ok(DealId(id))
    }

    /// The account a deal belongs to.
    pub async fn deal_account(&self, deal: DealId) -> Result<String> {
        let row = sqlx::query(
            "SELECT ac.name FROM deals d JOIN accounts ac ON ac.id = d.account_id WHERE d.id = $1",
        )
        .bind(deal.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .ok_or(StoreError::NotFound {
                what: "deal",
                key: deal.to_string(),
            })?
            .try_get(0)?)
    }

    pub async fn add_contact(&self, new: NewContact) -> Result<ContactId> {
        let mut tx = self.begin_write().await?;
        let found = sqlx::query("SELECT id FROM accounts WHERE name = $1")
            .bind(new.account.clone())
            .fetch_optional(&mut *tx)
            .await?;
        let account = found
            .ok_or(StoreError::NotFound {
                what: "account",
                key: new.account.clone(),
            })?
            .try_get::<i64, _>(0)?;
        for e in &new.emails {
            let taken = sqlx::query("SELECT contact_id FROM contact_emails WHERE email = $1")
                .bind(e.to_string())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = taken {
                let other: i64 = row.try_get(0)?;
                return Err(StoreError::Ambiguous {
                    what: "email",
                    detail: format!("{e} already belongs to contact {}", ContactId(other)),
                });
            }
        }
        let id: i64 = sqlx::query(INSERT_CONTACT)
            .bind(account)
            .bind(new.name)
            .bind(new.title)
            .bind(new.role.map(|r| r.as_str().to_string()))
            .bind(new.do_not_contact as i64)
            .bind(new.time_zone)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        for e in &new.emails {
            sqlx::query("INSERT INTO contact_emails (contact_id, email) VALUES ($1, $2)")
                .bind(id)
                .bind(e.to_string())
                .execute(&mut *tx)
                .await?;
        }
        mark_stale(&mut tx, Stale::Contact(ContactId(id))).await?;
        crate::commit(tx).await?;
        Ok(ContactId(id))
    }

    /// Finds a contact of the deal's account by id (`C12`), email or name.
    pub async fn resolve_contact(&self, deal: DealId, key: &str) -> Result<ContactId> {
        let record = self.deal(deal).await?;
        if let Ok(id) = key.parse::<ContactId>()
            && record.contact(id).is_some()
        {
            return Ok(id);
        }
        let needle = key.trim().to_lowercase();
        let matches: Vec<&Contact> = record
            .contacts
            .iter()
            .filter(|c| {
                c.emails.iter().any(|e| e.as_str() == needle)
                    || c.name.to_lowercase() == needle
                    || c.first_name().to_lowercase() == needle
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok(one.id),
            [] => Err(StoreError::NotFound {
                what: "contact",
                key: format!("{key:?} at {}", record.deal.account.name),
            }),
            many => Err(StoreError::Ambiguous {
                what: "contact",
                detail: format!(
                    "{key:?} matches {}",
                    many.iter()
                        .map(|c| format!("{} ({})", c.name, c.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    /// Marks a contact do-not-contact, or lifts it. Lifting is refused while one of their
    /// addresses is blocked by their own request to stop (a reply read as stop): only
    /// overriding that reading (`replies decide`) unblocks it, so the record, the drafts and
    /// the send-time check never disagree about a person who asked to stop.
    pub async fn set_do_not_contact(&self, contact: ContactId, value: bool) -> Result<()> {
        if !value {
            let blocked: Option<String> = sqlx::query_scalar(
                "SELECT e.email FROM contact_emails e JOIN blocked_addresses b ON b.address = e.email
                 WHERE e.contact_id = $1 AND b.reason = 'asked to stop' ORDER BY e.email LIMIT 1",
            )
            .bind(contact.0)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(address) = blocked {
                return Err(StoreError::State(format!(
                    "{contact} stays do-not-contact: {address} asked to stop; if that reply was misread, override it (rekindle replies list --all, then rekindle replies decide)"
                )));
            }
        }
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE contacts SET do_not_contact = $1 WHERE id = $2")
            .bind(value as i64)
            .bind(contact.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "contact",
                key: contact.to_string(),
            });
        }
        mark_stale(&mut tx, Stale::Contact(contact)).await?;
        crate::commit(tx).await
    }

    pub async fn log_activity(&self, deal: DealId, a: NewActivity) -> Result<ActivityId> {
        let mut tx = self.begin_write().await?;
        deal_exists(&mut tx, deal).await?;
        let id = insert_activity(&mut tx, deal, a).await?;
        crate::commit(tx).await?;
        Ok(id)
    }

    pub async fn add_fact(
        &self,
        deal: DealId,
        kind: FactKind,
        text: &str,
        source: &str,
        said_at: Timestamp,
        contact: Option<ContactId>,
    ) -> Result<FactId> {
        let mut tx = self.begin_write().await?;
        deal_exists(&mut tx, deal).await?;
        let id: i64 = sqlx::query("INSERT INTO facts (deal_id, kind, text, source, said_at, contact_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(deal.0)
            .bind(kind.as_str().to_string())
            .bind(text.to_string())
            .bind(source.to_string())
            .bind(said_at.as_second())
            .bind(contact.map(|c| c.0))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        mark_stale(&mut tx, Stale::Deal(deal)).await?;
        crate::commit(tx).await?;
        Ok(FactId(id))
    }

    pub async fn add_commitment(
        &self,
        deal: DealId,
        party: Party,
        what: &str,
        due: Timestamp,
        source: &str,
        made_at: Timestamp,
    ) -> Result<CommitmentId> {
        let mut tx = self.begin_write().await?;
        deal_exists(&mut tx, deal).await?;
        let id: i64 = sqlx::query("INSERT INTO commitments (deal_id, party, what, due, status, source, made_at) VALUES ($1, $2, $3, $4, 'open', $5, $6) RETURNING id")
            .bind(deal.0)
            .bind(party.as_str().to_string())
            .bind(what.to_string())
            .bind(due.as_second())
            .bind(source.to_string())
            .bind(made_at.as_second())
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        mark_stale(&mut tx, Stale::Deal(deal)).await?;
        crate::commit(tx).await?;
        Ok(CommitmentId(id))
    }

    pub async fn set_commitment_status(
        &self,
        id: CommitmentId,
        status: CommitmentStatus,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let deal: Option<i64> = sqlx::query_scalar(
            "UPDATE commitments SET status = $1 WHERE id = $2 RETURNING deal_id",
        )
        .bind(status.as_str().to_string())
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(deal) = deal else {
            return Err(StoreError::NotFound {
                what: "commitment",
                key: id.to_string(),
            });
        };
        mark_stale(&mut tx, Stale::Deal(DealId(deal))).await?;
        crate::commit(tx).await
    }

    pub async fn set_next_step(&self, deal: DealId, step: &NextStep) -> Result<()> {
        let mut tx = self.begin_write().await?;
        deal_exists(&mut tx, deal).await?;
        sqlx::query(SET_NEXT_STEP)
            .bind(deal.0)
            .bind(step.what.clone())
            .bind(step.due.map(|t| t.as_second()))
            .bind(step.booked as i64)
            .bind(step.set_at.as_second())
            .execute(&mut *tx)
            .await?;
        mark_stale(&mut tx, Stale::Deal(deal)).await?;
        crate::commit(tx).await?;
        Ok(())
    }

    pub async fn move_stage(&self, deal: DealId, stage: &str, at: Timestamp) -> Result<()> {
        let pipeline = self.pipeline().await?;
        let stage = pipeline.stages[pipeline.position(stage)?].name.clone();
        let mut tx = self.begin_write().await?;
        deal_exists(&mut tx, deal).await?;
        sqlx::query("UPDATE deals SET stage = $1 WHERE id = $2")
            .bind(stage.clone())
            .bind(deal.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(INSERT_STAGE_CHANGE)
            .bind(deal.0)
            .bind(stage)
            .bind(at.as_second())
            .execute(&mut *tx)
            .await?;
        mark_stale(&mut tx, Stale::Deal(deal)).await?;
        sqlx::query(STAGE_MOVED).execute(&mut *tx).await?;
        crate::commit(tx).await?;
        Ok(())
    }

    /// Sets the expected close date, keeping the history of changes.
    pub async fn set_close_date(&self, deal: DealId, to: Date, at: Timestamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT expected_close FROM deals WHERE id = $1")
            .bind(deal.0)
            .fetch_optional(&mut *tx)
            .await?;
        let from: Option<String> = row
            .ok_or(StoreError::NotFound {
                what: "deal",
                key: deal.to_string(),
            })?
            .try_get(0)?;
        sqlx::query("UPDATE deals SET expected_close = $1 WHERE id = $2")
            .bind(to.to_string())
            .bind(deal.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(INSERT_CLOSE_DATE_CHANGE)
            .bind(deal.0)
            .bind(from)
            .bind(to.to_string())
            .bind(at.as_second())
            .execute(&mut *tx)
            .await?;
        mark_stale(&mut tx, Stale::Deal(deal)).await?;
        crate::commit(tx).await?;
        Ok(())
    }

    pub async fn set_contract(&self, deal: DealId, contract: &Contract) -> Result<()> {
        let mut tx = self.begin_write().await?;
        deal_exists(&mut tx, deal).await?;
        sqlx::query(
            "INSERT INTO contracts (deal_id, vendor, ends_on, notice_days) VALUES ($1, $2, $3, $4)
             ON CONFLICT (deal_id) DO UPDATE SET vendor = excluded.vendor, ends_on = excluded.ends_on, notice_days = excluded.notice_days",
        )
        .bind(deal.0)
        .bind(contract.vendor.clone())
        .bind(contract.ends_on.to_string())
        .bind(contract.notice_days)
        .execute(&mut *tx)
        .await?;
        mark_stale(&mut tx, Stale::Deal(deal)).await?;
        crate::commit(tx).await?;
        Ok(())
    }

    pub async fn add_needed_feature(
        &self,
        deal: DealId,
        feature: &str,
        why: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        deal_exists(&mut tx, deal).await?;
        sqlx::query("INSERT INTO needed_features (deal_id, feature, why) VALUES ($1, $2, $3) ON CONFLICT (deal_id, feature) DO UPDATE SET why = excluded.why")
            .bind(deal.0)
            .bind(feature.to_string())
            .bind(why.map(str::to_string))
            .execute(&mut *tx)
            .await?;
        mark_stale(&mut tx, Stale::Deal(deal)).await?;
        crate::commit(tx).await?;
        Ok(())
    }

    /// Closes (won, lost, nurture) or reopens a deal.
    pub async fn close(&self, deal: DealId, closing: &Closing) -> Result<()> {
        let mut tx = self.begin_write().await?;
        deal_exists(&mut tx, deal).await?;
        let loss = closing.loss.as_ref();
        sqlx::query("UPDATE deals SET status = $1, lost_reason = $2, lost_note = $3, lost_at = $4, resurface_on = $5 WHERE id = $6")
            .bind(closing.status.as_str().to_string())
            .bind(loss.map(|l| l.reason.as_str().to_string()))
            .bind(loss.and_then(|l| l.note.clone()))
            .bind(loss.map(|l| l.at.as_second()))
            .bind(closing.resurface_on.map(|d| d.to_string()))
            .bind(deal.0)
            .execute(&mut *tx)
            .await?;
        mark_stale(&mut tx, Stale::Deal(deal)).await?;
        crate::commit(tx).await?;
        Ok(())
    }
}
