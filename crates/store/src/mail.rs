//! Imported mail: each message recorded once, with the activity it added, in one transaction.

use crate::write::{NewActivity, insert_activity};
use crate::{Result, Store};
use jiff::Timestamp;
use rekindle_core::mail::MailActivity;
use rekindle_core::{ActivityKind, DealId, EmailAddress};
use sqlx::Row;

/// What recording a message did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailOutcome {
    Added,
    AlreadyImported,
}

impl Store {
    /// Whether a message (by key) was imported before.
    pub async fn mail_imported(&self, key: &str) -> Result<bool> {
        Ok(sqlx::query("SELECT 1 FROM mail_messages WHERE key = $1")
            .bind(key.to_string())
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// The deal of the first earlier message among `message_ids` (In-Reply-To, then References).
    pub async fn thread_deal(&self, message_ids: &[String]) -> Result<Option<DealId>> {
        for id in message_ids {
            let row = sqlx::query(
                "SELECT deal_id FROM mail_messages WHERE message_id = $1 AND deal_id IS NOT NULL",
            )
            .bind(id.clone())
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = row {
                return Ok(Some(DealId(row.try_get(0)?)));
            }
        }
        Ok(None)
    }

    /// Records a message and the activity it adds, once: a message already imported adds
    /// nothing. A bounce marks the failed addresses.
    pub async fn record_mail(
        &self,
        key: &str,
        message_id: Option<&str>,
        activity: &MailActivity,
        now: Timestamp,
    ) -> Result<MailOutcome> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query("INSERT INTO mail_messages (key, message_id, deal_id, imported_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING")
            .bind(key.to_string())
            .bind(message_id.map(str::to_string))
            .bind(activity.deal.0)
            .bind(now.as_second())
            .execute(&mut *tx)
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
        let id = insert_activity(&mut tx, activity.deal, new).await?;
        sqlx::query("UPDATE mail_messages SET activity_id = $1 WHERE key = $2")
            .bind(id.0)
            .bind(key.to_string())
            .execute(&mut *tx)
            .await?;
        for address in &activity.bounced {
            mark_bounced(&mut tx, address, activity.at).await?;
        }
        tx.commit().await?;
        Ok(MailOutcome::Added)
    }

    /// Records a message that added no activity (a suggestion, or nothing), so a re-import
    /// skips it quickly.
    pub async fn record_mail_seen(
        &self,
        key: &str,
        message_id: Option<&str>,
        now: Timestamp,
    ) -> Result<MailOutcome> {
        let done = sqlx::query("INSERT INTO mail_messages (key, message_id, imported_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING")
            .bind(key.to_string())
            .bind(message_id.map(str::to_string))
            .bind(now.as_second())
            .execute(&self.pool)
            .await?;
        Ok(if done.rows_affected() == 0 {
            MailOutcome::AlreadyImported
        } else {
            MailOutcome::Added
        })
    }

    /// Notes someone new writing from a known account; false when they were suggested before.
    pub async fn suggest_contact(
        &self,
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
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

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
        let row = sqlx::query("SELECT value FROM settings WHERE key = 'rep_addresses'")
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(Vec::new());
        };
        let text: String = row.try_get(0)?;
        serde_json::from_str(&text).map_err(|e| crate::StoreError::Corrupt {
            table: "settings",
            id: 0,
            detail: format!("rep_addresses: {e}"),
        })
    }

    pub async fn set_rep_addresses(&self, addresses: &[EmailAddress]) -> Result<()> {
        let text = serde_json::to_string(addresses).map_err(|e| crate::StoreError::Corrupt {
            table: "settings",
            id: 0,
            detail: e.to_string(),
        })?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ('rep_addresses', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(text)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
