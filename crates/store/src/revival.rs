//! Reasons to come back, as stored: trigger events (each once, by account, kind, date and
//! source, so importing the same list again adds nothing), shipped features and the words
//! prospects use for features.

use crate::{Result, Store, StoreError};
use rekindle_core::revival::{Catalogue, Shipped, TriggerEvent, TriggerKind, features::key};
use rekindle_core::time::parse_date;
use rekindle_core::{ContactId, EventId, ParseError};
use sqlx::Row;

impl Store {
    /// Records trigger events, all or none; each one already known is skipped. Returns how
    /// many were new. An unknown account, or a contact of another account, changes nothing.
    pub async fn add_events(&self, events: &[TriggerEvent]) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let added = insert_events(&mut tx, events).await?;
        crate::commit(tx).await?;
        Ok(added)
    }

    /// Records what brings deals back (`occasion`) and queues the drafts it made, in one
    /// transaction: all or nothing. Returns how many events were new (0 for the other
    /// occasions) and the queued messages' ids, in order.
    pub async fn record_occasion(
        &self,
        occasion: Occasion<'_>,
        queue: &[crate::NewOutgoing],
        at: jiff::Timestamp,
    ) -> Result<(usize, Vec<rekindle_core::OutgoingId>)> {
        let mut tx = self.begin_write().await?;
        let added = match occasion {
            Occasion::Events(events) => insert_events(&mut tx, events).await?,
            Occasion::Shipped(shipped) => {
                insert_shipped(&mut tx, shipped).await?;
                0
            }
            Occasion::Promotion(promotion) => {
                insert_promotion(&mut tx, promotion).await?;
                0
            }
            Occasion::Ranked => 0,
        };
        let mut ids = Vec::with_capacity(queue.len());
        for new in queue {
            ids.push(crate::outbox::insert_outgoing(&mut tx, new, at).await?);
        }
        crate::commit(tx).await?;
        Ok((added, ids))
    }
}

/// What brings deals back, recorded with the drafts it made (`Store::record_occasion`).
#[derive(Clone, Copy, Debug)]
pub enum Occasion<'a> {
    Events(&'a [TriggerEvent]),
    Shipped(&'a Shipped),
    Promotion(&'a rekindle_core::revival::Promotion),
    /// The revival queue's own ranking (`rekindle revive --queue`): nothing to record but the
    /// drafts.
    Ranked,
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn insert_events(tx: &mut Tx, events: &[TriggerEvent]) -> Result<usize> {
    {
        let mut added = 0;
        for (i, e) in events.iter().enumerate() {
            let place = if events.len() > 1 {
                format!(" (event {})", i + 1)
            } else {
                String::new()
            };
            let account: i64 = sqlx::query("SELECT id FROM accounts WHERE name = $1")
                .bind(e.account.clone())
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| StoreError::NotFound {
                    what: "account",
                    key: format!("{}{place}", e.account),
                })?
                .try_get(0)?;
            if let Some(c) = e.contact {
                let same = sqlx::query("SELECT 1 FROM contacts WHERE id = $1 AND account_id = $2")
                    .bind(c.0)
                    .bind(account)
                    .fetch_optional(&mut **tx)
                    .await?;
                if same.is_none() {
                    return Err(StoreError::NotFound {
                        what: "contact",
                        key: format!("{c} at {}{place}", e.account),
                    });
                }
            }
            let done = sqlx::query(
                "INSERT INTO trigger_events (account_id, contact_id, kind, on_date, source, note)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, kind, on_date, source) DO NOTHING",
            )
            .bind(account)
            .bind(e.contact.map(|c| c.0))
            .bind(e.kind.as_str().to_string())
            .bind(e.on.to_string())
            .bind(e.source.clone())
            .bind(e.note.clone())
            .execute(&mut **tx)
            .await?;
            added += done.rows_affected() as usize;
        }
        Ok(added)
    }
}

async fn insert_shipped(tx: &mut Tx, shipped: &Shipped) -> Result<()> {
    sqlx::query(
        "INSERT INTO shipped_features (feature, shipped_on) VALUES ($1, $2)
         ON CONFLICT (feature) DO UPDATE SET shipped_on = excluded.shipped_on",
    )
    .bind(shipped.feature.clone())
    .bind(shipped.on.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_promotion(
    tx: &mut Tx,
    promotion: &rekindle_core::revival::Promotion,
) -> Result<()> {
    let definition = serde_json::to_string(promotion).map_err(|e| StoreError::Corrupt {
        table: "promotions",
        id: 0,
        detail: e.to_string(),
    })?;
    sqlx::query(
        "INSERT INTO promotions (name, definition, starts_on, ends_on) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET definition = excluded.definition,
             starts_on = excluded.starts_on, ends_on = excluded.ends_on",
    )
    .bind(promotion.name.clone())
    .bind(definition)
    .bind(promotion.from.to_string())
    .bind(promotion.until.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A trigger event's columns, in the order [`event_of`] reads them (`t`: the event, `a`: its
/// account).
const EVENT_COLUMNS: &str = "SELECT a.name, t.contact_id, t.kind, t.on_date, t.source, t.note, t.id
     FROM trigger_events t JOIN accounts a ON a.id = t.account_id";

/// A trigger event from its row ([`EVENT_COLUMNS`]).
///
/// Errors: [`StoreError::Corrupt`] for a kind or date that does not parse.
fn event_of(r: &sqlx::any::AnyRow) -> Result<TriggerEvent> {
    let id: i64 = r.try_get(6)?;
    let bad = |e: ParseError| StoreError::Corrupt {
        table: "trigger_events",
        id,
        detail: e.to_string(),
    };
    let kind: String = r.try_get(2)?;
    let on: String = r.try_get(3)?;
    Ok(TriggerEvent {
        account: r.try_get(0)?,
        contact: r.try_get::<Option<i64>, _>(1)?.map(ContactId),
        kind: TriggerKind::parse(&kind).map_err(bad)?,
        on: parse_date("on_date", &on).map_err(bad)?,
        source: r.try_get(4)?,
        note: r.try_get(5)?,
    })
}

impl Store {
    /// Every trigger event on or after `since` (ISO date), oldest first.
    pub async fn events_since(&self, since: jiff::civil::Date) -> Result<Vec<TriggerEvent>> {
        // Constants joined: the values are bound.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{EVENT_COLUMNS} WHERE t.on_date >= $1 ORDER BY t.on_date, t.id"
        )))
        .bind(since.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_of).collect()
    }

    /// The trigger event recorded as `id`.
    ///
    /// Errors: [`StoreError::NotFound`] naming the id.
    pub async fn event(&self, id: EventId) -> Result<TriggerEvent> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{EVENT_COLUMNS} WHERE t.id = $1"
        )))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "trigger event",
            key: id.to_string(),
        })?;
        event_of(&row)
    }

    /// The id `event` is recorded under: the one event with its account, kind, date and
    /// source (each is recorded once), or `None` when it is not recorded.
    pub async fn event_id(&self, event: &TriggerEvent) -> Result<Option<EventId>> {
        let row = sqlx::query(
            "SELECT t.id FROM trigger_events t JOIN accounts a ON a.id = t.account_id
             WHERE a.name = $1 AND t.kind = $2 AND t.on_date = $3 AND t.source = $4",
        )
        .bind(event.account.clone())
        .bind(event.kind.as_str().to_string())
        .bind(event.on.to_string())
        .bind(event.source.clone())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(EventId(r.try_get(0)?))).transpose()
    }

    /// Records that a feature shipped (by its catalogue name).
    pub async fn set_shipped(&self, shipped: &Shipped) -> Result<()> {
        self.write_one(
            sqlx::query(
                "INSERT INTO shipped_features (feature, shipped_on) VALUES ($1, $2)
             ON CONFLICT (feature) DO UPDATE SET shipped_on = excluded.shipped_on",
            )
            .bind(shipped.feature.clone())
            .bind(shipped.on.to_string()),
        )
        .await?;
        Ok(())
    }

    pub async fn shipped(&self) -> Result<Vec<Shipped>> {
        let rows =
            sqlx::query("SELECT feature, shipped_on FROM shipped_features ORDER BY shipped_on")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                let on: String = r.try_get(1)?;
                Ok(Shipped {
                    feature: r.try_get(0)?,
                    on: parse_date("shipped_on", &on)?,
                })
            })
            .collect()
    }

    /// Files `synonym` under the feature `name`.
    pub async fn add_feature_alias(&self, name: &str, synonym: &str) -> Result<()> {
        self.write_one(
            sqlx::query(
                "INSERT INTO feature_aliases (synonym, feature) VALUES ($1, $2)
             ON CONFLICT (synonym) DO UPDATE SET feature = excluded.feature",
            )
            .bind(key(synonym))
            .bind(key(name)),
        )
        .await?;
        Ok(())
    }

    /// The built-in catalogue with the aliases added to it.
    pub async fn catalogue(&self) -> Result<Catalogue> {
        let mut catalogue = Catalogue::built_in();
        let rows = sqlx::query("SELECT feature, synonym FROM feature_aliases ORDER BY feature")
            .fetch_all(&self.pool)
            .await?;
        for r in rows {
            let feature: String = r.try_get(0)?;
            let synonym: String = r.try_get(1)?;
            catalogue.alias(&feature, &synonym);
        }
        Ok(catalogue)
    }
}

impl Store {
    /// A contact of `account` by id (`C12`), email or name.
    pub async fn contact_at(&self, account: &str, key: &str) -> Result<ContactId> {
        let rows = sqlx::query(
            "SELECT DISTINCT c.id, c.name FROM contacts c JOIN accounts a ON a.id = c.account_id
             LEFT JOIN contact_emails e ON e.contact_id = c.id
             WHERE a.name = $1 AND (CAST(c.id AS TEXT) = $2 OR lower(e.email) = lower($3)
                 OR lower(c.name) = lower($3))",
        )
        .bind(account.to_string())
        .bind(key.trim().trim_start_matches(['C', 'c']).to_string())
        .bind(key.trim().to_string())
        .fetch_all(&self.pool)
        .await?;
        match rows.as_slice() {
            [one] => Ok(ContactId(one.try_get(0)?)),
            [] => Err(StoreError::NotFound {
                what: "contact",
                key: format!("{key:?} at {account}"),
            }),
            _ => Err(StoreError::Ambiguous {
                what: "contact",
                detail: format!("{key:?} matches several people at {account}"),
            }),
        }
    }
}

/// A promotion from its stored definition (JSON).
///
/// Errors: [`StoreError::Corrupt`] for a definition that does not read back.
fn promotion_of(r: &sqlx::any::AnyRow) -> Result<rekindle_core::revival::Promotion> {
    let text: String = r.try_get(0)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
        table: "promotions",
        id: 0,
        detail: e.to_string(),
    })
}

impl Store {
    /// Promotions running on `day`.
    pub async fn promotions_on(
        &self,
        day: jiff::civil::Date,
    ) -> Result<Vec<rekindle_core::revival::Promotion>> {
        let rows = sqlx::query(
            "SELECT definition FROM promotions WHERE starts_on <= $1 AND ends_on >= $1 ORDER BY name",
        )
        .bind(day.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(promotion_of).collect()
    }

    /// The promotion recorded as `name` (its name exactly, as recorded), running or not.
    ///
    /// Errors: [`StoreError::NotFound`] naming it.
    pub async fn promotion(&self, name: &str) -> Result<rekindle_core::revival::Promotion> {
        let row = sqlx::query("SELECT definition FROM promotions WHERE name = $1")
            .bind(name.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "promotion",
                key: name.to_string(),
            })?;
        promotion_of(&row)
    }
}
