//! The outbox as stored: messages drafted from plays, reviewed and approved by the rep, then
//! sent once. Each state change is one statement that names the state it moves from, so two
//! senders never take the same message and a message already sent is never changed.

use crate::write::{NewActivity, insert_activity};
use crate::{Result, Store, StoreError};
use jiff::Timestamp;
use rekindle_core::mail::thread_subject;
use rekindle_core::outbox::{Approved, OutboxState};
use rekindle_core::reach::{Purpose, purpose_of};
use rekindle_core::{
    ActivityId, ActivityKind, ContactId, DealId, DealStatus, Direction, EmailAddress, Outcome,
    OutgoingId, PlayKind,
};
use serde::Serialize;
use sqlx::Row;

/// A message to queue.
#[derive(Clone, Debug)]
pub struct NewOutgoing {
    pub deal: DealId,
    pub contact: ContactId,
    pub to: EmailAddress,
    pub play: Option<PlayKind>,
    /// What it is for: the draft's (`Draft::purpose`).
    pub purpose: Purpose,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    /// The conversation it answers: the latest message, then the thread oldest first.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

/// The four counts of [`WaitingCounts`], as columns of a `SELECT`.
pub(crate) const WAITING_COUNTS: &str =
    "(SELECT CAST(COUNT(*) AS BIGINT) FROM reply_readings WHERE state = 'needs_rep'),
     (SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE state = 'draft'),
     (SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE state = 'refused'),
     (SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE state = 'unconfirmed')";

/// The [`WAITING_COUNTS`] columns of `row` from column `first` on.
pub(crate) fn waiting_counts(row: &sqlx::any::AnyRow, first: usize) -> Result<WaitingCounts> {
    let n = |i: usize| -> Result<usize> { Ok(row.try_get::<i64, _>(first + i)?.max(0) as usize) };
    Ok(WaitingCounts {
        replies: n(0)?,
        drafts: n(1)?,
        refused: n(2)?,
        unconfirmed: n(3)?,
    })
}

/// What waits for the rep ([`Store::waiting_counts`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WaitingCounts {
    pub replies: usize,
    pub drafts: usize,
    pub refused: usize,
    pub unconfirmed: usize,
}

/// A message in the outbox.
#[derive(Clone, Debug, Serialize)]
pub struct OutboxMessage {
    pub id: OutgoingId,
    pub deal: DealId,
    pub contact: ContactId,
    pub to: String,
    pub play: Option<PlayKind>,
    /// What it is for; for a message queued before it was kept, read from its play
    /// (`reach::purpose_of`).
    pub purpose: Purpose,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub state: OutboxState,
    pub created_at: Timestamp,
    pub approved_at: Option<Timestamp>,
    /// The deal as it stood at that approval (`None` before one, and for messages approved
    /// before it was kept): the send-time check compares it with the deal then.
    #[serde(skip)]
    pub approved: Option<Approved>,
    /// Held until then, and why.
    pub not_before: Option<Timestamp>,
    pub hold_reason: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub activity: Option<ActivityId>,
    pub error: Option<String>,
}

const COLUMNS: &str = "id, deal_id, contact_id, to_address, play, subject, body, message_id, in_reply_to,
    thread_refs, state, created_at, approved_at, not_before, hold_reason, sent_at, activity_id, error,
    purpose, approved_status, approved_resurface_on";

/// Sets what an approval keeps of the deal as it stands (`OutboxMessage::approved`).
const WRITTEN_FOR: &str =
    "approved_status = (SELECT status FROM deals WHERE deals.id = outbox.deal_id),
    approved_resurface_on = (SELECT resurface_on FROM deals WHERE deals.id = outbox.deal_id)";

fn time(row: &sqlx::any::AnyRow, column: &str, id: i64) -> Result<Option<Timestamp>> {
    row.try_get::<Option<i64>, _>(column)?
        .map(|s| Timestamp::from_second(s).map_err(|e| corrupt(id, e)))
        .transpose()
}

fn corrupt(id: i64, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table: "outbox",
        id,
        detail: detail.to_string(),
    }
}

/// Inserts a message to review in a transaction the caller commits.
pub(crate) async fn insert_outgoing(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    new: &NewOutgoing,
    at: Timestamp,
) -> Result<OutgoingId> {
    let id: i64 = sqlx::query(
        "INSERT INTO outbox (deal_id, contact_id, to_address, play, subject, body, message_id,
             in_reply_to, thread_refs, state, created_at, purpose)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11) RETURNING id",
    )
    .bind(new.deal.0)
    .bind(new.contact.0)
    .bind(new.to.as_str().to_string())
    .bind(new.play.map(|p| p.as_str().to_string()))
    .bind(new.subject.clone())
    .bind(new.body.clone())
    .bind(new.message_id.clone())
    .bind(new.in_reply_to.clone())
    .bind((!new.references.is_empty()).then(|| new.references.join(" ")))
    .bind(at.as_second())
    .bind(new.purpose.as_str())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    Ok(OutgoingId(id))
}

fn message(row: &sqlx::any::AnyRow) -> Result<OutboxMessage> {
    let id: i64 = row.try_get("id")?;
    let state: String = row.try_get("state")?;
    let play: Option<String> = row.try_get("play")?;
    let refs: Option<String> = row.try_get("thread_refs")?;
    let play = play
        .as_deref()
        .map(PlayKind::parse)
        .transpose()
        .map_err(|e| corrupt(id, e))?;
    let purpose = match row.try_get::<Option<String>, _>("purpose")? {
        Some(p) => Purpose::parse(&p).map_err(|e| corrupt(id, e))?,
        None => purpose_of(play),
    };
    let approved_at = time(row, "approved_at", id)?;
    let approved_status: Option<String> = row.try_get("approved_status")?;
    let approved = match (approved_at, approved_status) {
        (Some(at), Some(status)) => Some(Approved {
            at,
            status: DealStatus::parse(&status).map_err(|e| corrupt(id, e))?,
            resurface_on: row
                .try_get::<Option<String>, _>("approved_resurface_on")?
                .map(|d| d.parse().map_err(|e| corrupt(id, e)))
                .transpose()?,
        }),
        _ => None,
    };
    Ok(OutboxMessage {
        id: OutgoingId(id),
        deal: DealId(row.try_get("deal_id")?),
        contact: ContactId(row.try_get("contact_id")?),
        to: row.try_get("to_address")?,
        play,
        purpose,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        message_id: row.try_get("message_id")?,
        in_reply_to: row.try_get("in_reply_to")?,
        references: refs
            .map(|r| r.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
        state: OutboxState::parse(&state).map_err(|e| corrupt(id, e))?,
        created_at: time(row, "created_at", id)?.ok_or_else(|| corrupt(id, "no created_at"))?,
        approved_at,
        approved,
        not_before: time(row, "not_before", id)?,
        hold_reason: row.try_get("hold_reason")?,
        sent_at: time(row, "sent_at", id)?,
        activity: row
            .try_get::<Option<i64>, _>("activity_id")?
            .map(ActivityId),
        error: row.try_get("error")?,
    })
}

impl Store {
    /// Puts a drafted message in the outbox, to be reviewed.
    pub async fn queue(&self, new: &NewOutgoing, at: Timestamp) -> Result<OutgoingId> {
        let mut tx = self.begin_write().await?;
        let id = insert_outgoing(&mut tx, new, at).await?;
        crate::commit(tx).await?;
        Ok(id)
    }

    /// Approves messages, all or none: each must be a draft, refused or failed message.
    pub async fn approve_all(&self, ids: &[OutgoingId], at: Timestamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for id in ids {
            let done = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE outbox SET state = 'approved', approved_at = $1, error = NULL,
                     not_before = NULL, hold_reason = NULL, {WRITTEN_FOR}
                 WHERE id = $2 AND state IN ('draft', 'refused', 'failed')"
            )))
            .bind(at.as_second())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                drop(tx);
                let current = self.outgoing(*id).await?;
                return Err(StoreError::State(format!(
                    "{id} is {}: it cannot become approved; nothing was approved",
                    current.state
                )));
            }
        }
        crate::commit(tx).await?;
        Ok(())
    }

    /// What waits for the rep, counted (each from its state index): readings of replies that
    /// need them, and outbox drafts, refused and unconfirmed messages.
    pub async fn waiting_counts(&self) -> Result<WaitingCounts> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {WAITING_COUNTS}")))
            .fetch_one(&self.pool)
            .await?;
        waiting_counts(&row, 0)
    }

    /// The outbox, oldest first: what is still to do, or everything.
    pub async fn outbox(&self, everything: bool) -> Result<Vec<OutboxMessage>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM outbox WHERE $1 = 1 OR state NOT IN ('sent', 'cancelled') ORDER BY id"
        )))
        .bind(everything as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message).collect()
    }

    pub async fn outgoing(&self, id: OutgoingId) -> Result<OutboxMessage> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM outbox WHERE id = $1"
        )))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound {
            what: "outbox message",
            key: id.to_string(),
        })?;
        message(&row)
    }

    /// Approved messages whose hold has passed, oldest first.
    pub async fn due(&self, now: Timestamp) -> Result<Vec<OutboxMessage>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM outbox WHERE state = 'approved' AND (not_before IS NULL OR not_before <= $1) ORDER BY id"
        )))
        .bind(now.as_second())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(message).collect()
    }

    /// Moves a message from one of `from` to `to`, or says why it cannot.
    async fn transition(
        &self,
        id: OutgoingId,
        from: &[OutboxState],
        to: OutboxState,
        set: &str,
        value: Option<i64>,
        text: Option<String>,
    ) -> Result<()> {
        let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let sql = format!(
            "UPDATE outbox SET state = $1{set} WHERE id = $2 AND state IN ({})",
            allowed.join(", ")
        );
        let done = self
            .write_one(
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(to.as_str().to_string())
                    .bind(id.0)
                    .bind(value)
                    .bind(text),
            )
            .await?;
        if done.rows_affected() == 0 {
            let current = self.outgoing(id).await?;
            return Err(StoreError::State(format!(
                "{id} is {}: it cannot become {to}",
                current.state
            )));
        }
        Ok(())
    }

    /// Replaces a message's subject and text; it goes back to draft, to be approved again.
    pub async fn edit_outgoing(&self, id: OutgoingId, subject: &str, body: &str) -> Result<()> {
        let done = self.write_one(sqlx::query(
            "UPDATE outbox SET subject = $1, body = $2, state = 'draft', approved_at = NULL,
                 not_before = NULL, hold_reason = NULL, error = NULL
             WHERE id = $3 AND state IN ('draft', 'approved', 'refused', 'failed')",
        )
        .bind(subject.to_string())
        .bind(body.to_string())
        .bind(id.0))
        .await?;
        if done.rows_affected() == 0 {
            let current = self.outgoing(id).await?;
            return Err(StoreError::State(format!(
                "{id} is {}: it can no longer be edited",
                current.state
            )));
        }
        Ok(())
    }

    pub async fn approve(&self, id: OutgoingId, at: Timestamp) -> Result<()> {
        use OutboxState::*;
        self.transition(
            id,
            &[Draft, Refused, Failed],
            Approved,
            &format!(", approved_at = $3, error = $4, not_before = NULL, hold_reason = NULL, {WRITTEN_FOR}"),
            Some(at.as_second()),
            None,
        )
        .await
    }

    pub async fn cancel(&self, id: OutgoingId) -> Result<()> {
        use OutboxState::*;
        self.transition(
            id,
            &[Draft, Approved, Refused, Failed],
            Cancelled,
            ", not_before = $3, error = $4",
            None,
            None,
        )
        .await
    }

    /// Holds an approved message until `until`.
    pub async fn hold(&self, id: OutgoingId, until: Timestamp, why: &str) -> Result<()> {
        use OutboxState::*;
        self.transition(
            id,
            &[Approved],
            Approved,
            ", not_before = $3, hold_reason = $4",
            Some(until.as_second()),
            Some(why.to_string()),
        )
        .await
    }

    /// The send-time checks refused it: the rep decides.
    pub async fn refuse(&self, id: OutgoingId, why: &str) -> Result<()> {
        use OutboxState::*;
        self.transition(
            id,
            &[Approved],
            Refused,
            ", not_before = $3, error = $4",
            None,
            Some(why.to_string()),
        )
        .await
    }

    /// The server took the envelope and waits for the content: from here on, a crash leaves
    /// the message in doubt. False when another sender took it first.
    pub async fn claim(&self, id: OutgoingId, at: Timestamp) -> Result<bool> {
        let done = self.write_one(sqlx::query(
            "UPDATE outbox SET state = 'sending', attempt_at = $1 WHERE id = $2 AND state = 'approved'",
        )
        .bind(at.as_second())
        .bind(id.0))
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The server refused the content: nothing was delivered. A temporary refusal goes back
    /// to approved (tried again next time), a permanent one to failed.
    pub async fn not_delivered(&self, id: OutgoingId, permanent: bool, why: &str) -> Result<()> {
        use OutboxState::*;
        let to = if permanent { Failed } else { Approved };
        self.transition(
            id,
            &[Sending, Approved],
            to,
            ", not_before = $3, error = $4",
            None,
            Some(why.to_string()),
        )
        .await
    }

    /// The server accepted the message: it is recorded as an outbound touch with its
    /// Message-ID (so the rep's Sent folder, synced later, adds nothing) in one transaction.
    pub async fn record_sent(&self, id: OutgoingId, at: Timestamp) -> Result<ActivityId> {
        let m = self.outgoing(id).await?;
        let mut tx = self.begin_write().await?;
        let activity = insert_activity(
            &mut tx,
            m.deal,
            NewActivity {
                kind: ActivityKind::Email,
                direction: Direction::Outbound,
                at,
                outcome: Some(Outcome::Sent),
                contact: Some(m.contact),
                summary: m.subject.clone(),
                subject: Some(m.subject.clone()),
                body: Some(m.body.clone()),
                play: m.play,
                returns_on: None,
            },
        )
        .await?;
        sqlx::query(
            "INSERT INTO mail_messages (key, message_id, deal_id, activity_id, imported_at, subject_key)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING",
        )
        .bind(m.message_id.clone())
        .bind(m.message_id.clone())
        .bind(m.deal.0)
        .bind(activity.0)
        .bind(at.as_second())
        .bind(thread_subject(&m.subject))
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "UPDATE outbox SET state = 'sent', sent_at = $1, activity_id = $2, error = NULL
             WHERE id = $3 AND state IN ('sending', 'unconfirmed', 'exported')",
        )
        .bind(at.as_second())
        .bind(activity.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::State(format!(
                "{id} is {}: not being sent",
                m.state
            )));
        }
        crate::commit(tx).await?;
        Ok(activity)
    }

    /// Messages whose fate the captured mail settles: one left `sending` by a crash, or
    /// `exported` and sent by the rep's own mail program, is found in the rep's Sent folder (by
    /// its Message-ID) and marked sent; one left `sending` and not found becomes unconfirmed,
    /// for the rep. Nothing is sent again here.
    pub async fn settle_outbox(&self) -> Result<Vec<(OutgoingId, OutboxState)>> {
        let rows = sqlx::query(
            "SELECT o.id, o.state, m.activity_id, m.imported_at FROM outbox o
             LEFT JOIN mail_messages m ON m.key = o.message_id
             WHERE o.state IN ('sending', 'unconfirmed', 'exported')",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for row in rows {
            let id = OutgoingId(row.try_get(0)?);
            let state: String = row.try_get(1)?;
            let captured: Option<i64> = row.try_get(2)?;
            let seen_at: Option<i64> = row.try_get(3)?;
            match captured {
                Some(activity) => {
                    self.write_one(sqlx::query(
                        "UPDATE outbox SET state = 'sent', activity_id = $1, sent_at = COALESCE(attempt_at, $2)
                         WHERE id = $3",
                    )
                    .bind(activity)
                    .bind(seen_at)
                    .bind(id.0))
                    .await?;
                    out.push((id, OutboxState::Sent));
                }
                None if state == "sending" => {
                    self.write_one(sqlx::query("UPDATE outbox SET state = 'unconfirmed' WHERE id = $1 AND state = 'sending'")
                        .bind(id.0))
                        .await?;
                    out.push((id, OutboxState::Unconfirmed));
                }
                None => {}
            }
        }
        Ok(out)
    }

    /// Taken as a .eml file to send by hand.
    pub async fn exported(&self, id: OutgoingId) -> Result<()> {
        use OutboxState::*;
        self.transition(
            id,
            &[Approved, Exported],
            Exported,
            ", not_before = $3, error = $4",
            None,
            None,
        )
        .await
    }

    /// The rep settles a message in doubt - one whose send was interrupted (`unconfirmed`) or
    /// one exported to send by hand (`exported`): it went out (recorded now) or it did not
    /// (approved again, to be sent once).
    pub async fn confirm(&self, id: OutgoingId, went_out: bool, at: Timestamp) -> Result<()> {
        let m = self.outgoing(id).await?;
        if !matches!(m.state, OutboxState::Unconfirmed | OutboxState::Exported) {
            return Err(StoreError::State(format!(
                "{id} is {}: only an unconfirmed or exported message needs confirming",
                m.state
            )));
        }
        if went_out {
            self.record_sent(id, at).await?;
            Ok(())
        } else {
            use OutboxState::*;
            self.transition(
                id,
                &[Unconfirmed, Exported],
                Approved,
                ", not_before = $3, error = $4",
                None,
                None,
            )
            .await
        }
    }

    /// Messages the outbox sent since `since`: in all, and to `deal`.
    pub async fn sent_since(&self, since: Timestamp, deal: DealId) -> Result<(usize, usize)> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN deal_id = $2 THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM outbox WHERE state = 'sent' AND sent_at >= $1",
        )
        .bind(since.as_second())
        .bind(deal.0)
        .fetch_one(&self.pool)
        .await?;
        let all: i64 = row.try_get(0)?;
        let to_deal: i64 = row.try_get(1)?;
        Ok((all as usize, to_deal as usize))
    }

    /// The conversation a new message to `contact` on `deal` answers: the Message-IDs of the
    /// mail exchanged with them, oldest first (at most the last ten).
    pub async fn thread_with(&self, deal: DealId, contact: ContactId) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT m.message_id FROM mail_messages m JOIN activities a ON a.id = m.activity_id
             WHERE m.deal_id = $1 AND a.contact_id = $2 AND m.message_id IS NOT NULL
             ORDER BY a.at DESC, a.id DESC LIMIT 10",
        )
        .bind(deal.0)
        .bind(contact.0)
        .fetch_all(&self.pool)
        .await?;
        let mut ids: Vec<String> = rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
        ids.reverse();
        Ok(ids)
    }

    /// Whether mail to an address bounced since its contact last engaged, on any deal: the
    /// rule of `rekindle_core::mail::contact_bounced` (which drafts and the send check apply
    /// to one deal's record), over every contact with the address. Engagement as
    /// `Activity::is_engagement` has it: anything inbound but an auto-reply, a bounce, a
    /// no-show or a cancellation; outbound, a call that connected, a meeting held, a reply.
    pub async fn is_bounced(&self, address: &str) -> Result<bool> {
        Ok(sqlx::query(
            "SELECT 1 FROM contact_emails e
             WHERE e.email = $1 AND e.bounced_at IS NOT NULL
               AND NOT EXISTS (
                 SELECT 1 FROM activities a
                 WHERE a.contact_id = e.contact_id AND a.at > e.bounced_at AND a.kind <> 'note'
                   AND ((a.direction = 'inbound' AND (a.outcome IS NULL OR a.outcome NOT IN
                          ('auto_reply', 'bounced', 'no_show', 'cancelled')))
                     OR (a.direction = 'outbound'
                         AND a.outcome IN ('connected', 'meeting_held', 'replied'))))",
        )
        .bind(address.to_string())
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }

    pub async fn contact_time_zone(&self, contact: ContactId) -> Result<Option<String>> {
        Ok(sqlx::query("SELECT time_zone FROM contacts WHERE id = $1")
            .bind(contact.0)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get::<Option<String>, _>(0))
            .transpose()?
            .flatten())
    }

    pub async fn set_contact_time_zone(
        &self,
        contact: ContactId,
        zone: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE contacts SET time_zone = $1 WHERE id = $2")
            .bind(zone.map(str::to_string))
            .bind(contact.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "contact",
                key: contact.to_string(),
            });
        }
        crate::assessments::mark_stale(&mut tx, crate::assessments::Stale::Contact(contact))
            .await?;
        crate::commit(tx).await
    }
}
