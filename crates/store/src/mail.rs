//! Mail and calendar capture, as read back: suggested contacts, bounced addresses, the rep's
//! own addresses, synced folders' positions. (Writing is `capture`.)

use crate::{Result, Store};
use rekindle_core::{ActivityId, EmailAddress};
use sqlx::Row;

/// What recording a message did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailOutcome {
    /// Recorded as this activity.
    Added(ActivityId),
    AlreadyImported,
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

    /// Addresses that bounced at some time (`is_bounced` says whether one still counts).
    pub async fn bounced_addresses(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT DISTINCT email FROM contact_emails WHERE bounced_at IS NOT NULL ORDER BY email",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }
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

impl crate::CaptureWriter {
    /// Remembers the rep's own addresses in the capture's open transaction, so they change
    /// only with the import that gave them.
    pub fn set_rep_addresses(&mut self, addresses: &[EmailAddress]) -> Result<()> {
        let text = serde_json::to_string(addresses).map_err(|e| crate::StoreError::Corrupt {
            table: "settings",
            id: 0,
            detail: format!("rep_addresses: {e}"),
        })?;
        self.begin()?;
        self.conn
            .prepare_cached(
                "INSERT INTO settings (key, value) VALUES ('rep_addresses', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(rusqlite::params![text])?;
        Ok(())
    }
}
