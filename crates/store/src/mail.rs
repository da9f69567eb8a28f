//! Captured activity: each mail message recorded once with the activity it added, each
//! calendar occurrence with its version and what it made of the deal.

use crate::write::{NewActivity, insert_activity};
use crate::{Result, Store};
use jiff::Timestamp;
use rekindle_core::calendar::{Meeting, MeetingChange, MeetingState, Seen};
use rekindle_core::mail::MailActivity;
use rekindle_core::{ActivityKind, DealId, Direction, EmailAddress, Outcome};
use sqlx::Row;

/// What recording a message did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailOutcome {
    Added,
    AlreadyImported,
}

/// Mail being recorded: one transaction that commits every few hundred messages, so a large
/// import runs at disk speed and a crash loses at most the batch in hand (a re-run takes it
/// again; nothing is recorded twice).
pub struct CaptureWriter {
    pool: sqlx::AnyPool,
    tx: Option<sqlx::Transaction<'static, sqlx::Any>>,
    pending: usize,
}

/// Messages per transaction.
const BATCH: usize = 500;

impl Store {
    pub async fn capture_writer(&self) -> Result<CaptureWriter> {
        Ok(CaptureWriter {
            pool: self.pool.clone(),
            tx: None,
            pending: 0,
        })
    }
}

impl CaptureWriter {
    async fn tx(&mut self) -> Result<&mut sqlx::Transaction<'static, sqlx::Any>> {
        if self.tx.is_none() {
            self.tx = Some(self.pool.begin().await?);
        }
        Ok(self.tx.as_mut().expect("just begun"))
    }

    /// Whether a message (by key) was imported before.
    pub async fn imported(&mut self, key: &str) -> Result<bool> {
        Ok(sqlx::query("SELECT 1 FROM mail_messages WHERE key = $1")
            .bind(key.to_string())
            .fetch_optional(&mut **self.tx().await?)
            .await?
            .is_some())
    }

    /// The deal of the first earlier message among `message_ids` (In-Reply-To, then References).
    pub async fn thread_deal(&mut self, message_ids: &[String]) -> Result<Option<DealId>> {
        for id in message_ids {
            let row = sqlx::query(
                "SELECT deal_id FROM mail_messages WHERE message_id = $1 AND deal_id IS NOT NULL",
            )
            .bind(id.clone())
            .fetch_optional(&mut **self.tx().await?)
            .await?;
            if let Some(row) = row {
                return Ok(Some(DealId(row.try_get(0)?)));
            }
        }
        Ok(None)
    }

    /// Records a message and the activity it adds, once: a message already imported adds
    /// nothing. A bounce marks the failed addresses.
    pub async fn record(
        &mut self,
        key: &str,
        message_id: Option<&str>,
        activity: &MailActivity,
        now: Timestamp,
    ) -> Result<MailOutcome> {
        let tx = self.tx().await?;
        let claimed = sqlx::query("INSERT INTO mail_messages (key, message_id, deal_id, imported_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING")
            .bind(key.to_string())
            .bind(message_id.map(str::to_string))
            .bind(activity.deal.0)
            .bind(now.as_second())
            .execute(&mut **tx)
            .await?;
        if claimed.rows_affected() == 0 {
            return Ok(MailOutcome::AlreadyImported);
        }
        let summary = match activity.returns_on {
            Some(back) => format!("auto-reply: back on {back}"),
            None => activity.summary.clone(),
        };
        let new = NewActivity {
            kind: ActivityKind::Email,
            direction: activity.direction,
            at: activity.at,
            outcome: Some(activity.outcome),
            contact: activity.contact,
            summary,
            body: activity.body.clone(),
            play: None,
            returns_on: activity.returns_on,
        };
        let id = insert_activity(tx, activity.deal, new).await?;
        sqlx::query("UPDATE mail_messages SET activity_id = $1 WHERE key = $2")
            .bind(id.0)
            .bind(key.to_string())
            .execute(&mut **tx)
            .await?;
        for address in &activity.bounced {
            mark_bounced(tx, address, activity.at).await?;
        }
        self.counted().await?;
        Ok(MailOutcome::Added)
    }

    /// Notes someone new writing from a known account; false when they were suggested before.
    pub async fn suggest_contact(
        &mut self,
        account: &str,
        address: &EmailAddress,
        deal: Option<DealId>,
        at: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO contact_suggestions (address, account_id, deal_id, first_seen, messages)
             SELECT $1, id, $2, $3, 1 FROM accounts WHERE name = $4
             ON CONFLICT (address) DO NOTHING",
        )
        .bind(address.to_string())
        .bind(deal.map(|d| d.0))
        .bind(at.as_second())
        .bind(account.to_string())
        .execute(&mut **self.tx().await?)
        .await?;
        self.counted().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Moves a synced folder's position forward with the messages before it, in the same
    /// transaction: the position never runs ahead of the record.
    pub async fn set_folder_position(
        &mut self,
        account: &str,
        folder: &str,
        (uid_validity, last_uid): (u32, u32),
        now: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO mail_folders (account, folder, uid_validity, last_uid, synced_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account, folder) DO UPDATE SET uid_validity = excluded.uid_validity,
                 last_uid = excluded.last_uid, synced_at = excluded.synced_at",
        )
        .bind(account.to_string())
        .bind(folder.to_string())
        .bind(i64::from(uid_validity))
        .bind(i64::from(last_uid))
        .bind(now.as_second())
        .execute(&mut **self.tx().await?)
        .await?;
        Ok(())
    }

    /// What the record made of a calendar occurrence at the last import.
    pub async fn meeting_seen(&mut self, key: &str) -> Result<Option<Seen>> {
        let row =
            sqlx::query("SELECT sequence, state, start_at FROM calendar_events WHERE key = $1")
                .bind(key.to_string())
                .fetch_optional(&mut **self.tx().await?)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let state: String = row.try_get(1)?;
        let corrupt = |detail: String| crate::StoreError::Corrupt {
            table: "calendar_events",
            id: 0,
            detail,
        };
        Ok(Some(Seen {
            sequence: row.try_get(0)?,
            state: MeetingState::parse(&state).ok_or_else(|| corrupt(format!("state {state}")))?,
            start: Timestamp::from_second(row.try_get(2)?).map_err(|e| corrupt(e.to_string()))?,
        }))
    }

    /// Applies what a calendar occurrence changes: the deal's booked next step set or moved,
    /// a meeting held or cancelled recorded (and the booked step it was taken away), and the
    /// occurrence remembered with its version.
    pub async fn record_meeting(
        &mut self,
        key: &str,
        sequence: i64,
        meeting: &Meeting,
        before: Option<Seen>,
        change: MeetingChange,
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.tx().await?;
        let what = if meeting.summary.is_empty() {
            "Meeting".to_string()
        } else {
            format!("Meeting: {}", meeting.summary)
        };
        let activity = |outcome, direction, at| NewActivity {
            kind: ActivityKind::Meeting,
            direction,
            at,
            outcome: Some(outcome),
            contact: Some(meeting.contact),
            summary: what.clone(),
            body: None,
            play: None,
            returns_on: None,
        };
        // Remembered first: a step put back in place of this one never picks this one again.
        if change != MeetingChange::None {
            sqlx::query(
                "INSERT INTO calendar_events (key, sequence, state, start_at, step, deal_id, imported_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (key) DO UPDATE SET sequence = excluded.sequence, state = excluded.state,
                     start_at = excluded.start_at, step = excluded.step, deal_id = excluded.deal_id,
                     imported_at = excluded.imported_at",
            )
            .bind(key.to_string())
            .bind(sequence)
            .bind(meeting.state.as_str())
            .bind(meeting.start.as_second())
            .bind(what.clone())
            .bind(meeting.deal.0)
            .bind(now.as_second())
            .execute(&mut **tx)
            .await?;
        }
        match change {
            MeetingChange::None => {}
            MeetingChange::Book => {
                // The earliest meeting ahead is the next step: a later one does not displace it,
                // nor a step the rep set by hand that is still ahead of this meeting.
                sqlx::query(
                    "INSERT INTO next_steps (deal_id, what, due, booked, set_at) VALUES ($1, $2, $3, 1, $4)
                     ON CONFLICT (deal_id) DO UPDATE SET what = excluded.what, due = excluded.due, booked = 1, set_at = excluded.set_at
                     WHERE (next_steps.what = excluded.what AND next_steps.due = $5) OR next_steps.due IS NULL
                        OR next_steps.due < excluded.set_at OR excluded.due < next_steps.due",
                )
                .bind(meeting.deal.0)
                .bind(what.clone())
                .bind(meeting.start.as_second())
                .bind(now.as_second())
                .bind(before.map(|b| b.start.as_second()))
                .execute(&mut **tx)
                .await?;
            }
            MeetingChange::Hold => {
                insert_activity(
                    tx,
                    meeting.deal,
                    activity(Outcome::MeetingHeld, Direction::Outbound, meeting.start),
                )
                .await?;
                clear_step(tx, meeting, &what, now).await?;
            }
            MeetingChange::Cancel => {
                // Cancelled ahead of time: known now; cancelled in the past: by its start.
                let at = meeting.start.min(now);
                insert_activity(
                    tx,
                    meeting.deal,
                    activity(Outcome::Cancelled, Direction::Inbound, at),
                )
                .await?;
                clear_step(tx, meeting, &what, now).await?;
            }
        }
        if change != MeetingChange::None {
            self.counted().await?;
        }
        Ok(())
    }

    async fn counted(&mut self) -> Result<()> {
        self.pending += 1;
        if self.pending >= BATCH {
            self.commit().await?;
        }
        Ok(())
    }

    /// Makes everything recorded so far durable.
    pub async fn commit(&mut self) -> Result<()> {
        if let Some(tx) = self.tx.take() {
            tx.commit().await?;
        }
        self.pending = 0;
        Ok(())
    }
}

impl Store {
    /// Suggested contacts: (account, address, messages when first seen).
    pub async fn contact_suggestions(&self) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query("SELECT a.name, s.address, s.messages FROM contact_suggestions s JOIN accounts a ON a.id = s.account_id ORDER BY a.name, s.address")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// Addresses that bounced.
    pub async fn bounced_addresses(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT email FROM contact_emails WHERE bounced_at IS NOT NULL ORDER BY email",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }
}

/// Takes away the booked step a meeting was (once held or cancelled), if the deal still has
/// it, and puts the deal's next meeting ahead in its place.
async fn clear_step(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    meeting: &Meeting,
    what: &str,
    now: Timestamp,
) -> Result<()> {
    let cleared = sqlx::query(
        "DELETE FROM next_steps WHERE deal_id = $1 AND booked = 1 AND what = $2 AND due = $3",
    )
    .bind(meeting.deal.0)
    .bind(what.to_string())
    .bind(meeting.start.as_second())
    .execute(&mut **tx)
    .await?;
    if cleared.rows_affected() > 0 {
        sqlx::query(
            "INSERT INTO next_steps (deal_id, what, due, booked, set_at)
             SELECT deal_id, step, start_at, 1, $2 FROM calendar_events
             WHERE deal_id = $1 AND state = 'booked' AND start_at > $2
             ORDER BY start_at LIMIT 1
             ON CONFLICT (deal_id) DO NOTHING",
        )
        .bind(meeting.deal.0)
        .bind(now.as_second())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn mark_bounced(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    address: &EmailAddress,
    at: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE contact_emails SET bounced_at = $1 WHERE email = $2 AND bounced_at IS NULL",
    )
    .bind(at.as_second())
    .bind(address.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The rep's own addresses, remembered from the last import.
    pub async fn rep_addresses(&self) -> Result<Vec<EmailAddress>> {
        Ok(self.setting("rep_addresses").await?.unwrap_or_default())
    }

    pub async fn set_rep_addresses(&self, addresses: &[EmailAddress]) -> Result<()> {
        self.set_setting("rep_addresses", &addresses).await
    }

    /// Where the read of a synced mail folder stands: (UIDVALIDITY, last UID taken).
    pub async fn folder_position(&self, account: &str, folder: &str) -> Result<Option<(u32, u32)>> {
        let row = sqlx::query(
            "SELECT uid_validity, last_uid FROM mail_folders WHERE account = $1 AND folder = $2",
        )
        .bind(account.to_string())
        .bind(folder.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let validity: i64 = r.try_get(0)?;
            let last: i64 = r.try_get(1)?;
            Ok((validity as u32, last as u32))
        })
        .transpose()
    }
}
