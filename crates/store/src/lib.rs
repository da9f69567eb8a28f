//! Rekindle's store: the deal record in SQLite through sqlx, with migrations, WAL and
//! transactions. SQL sticks to what SQLite and PostgreSQL share (BIGINT epoch seconds, integer
//! cents, ISO date text), so the same statements serve a team server later.
//!
//! Architecture invariant: no engine logic here. The store turns rows into `rekindle_core`
//! records and back; the core decides what they mean.

mod bulk;
mod capture;
mod load;
mod mail;
mod outbox;
mod replies;
mod revival;
mod write;

pub use capture::CaptureWriter;
pub use load::{AccountWork, Filter, Scope};
pub use mail::MailOutcome;
pub use outbox::{NewOutgoing, OutboxMessage};
pub use replies::{Applied, ReplyContext, StoredReading, Undo};
pub use write::{Closing, NewActivity, NewContact, NewDeal};

use rekindle_core::{Currency, ParseError, Pipeline, Policy};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, ConnectOptions, Row, SqlSafeStr};
use std::path::Path;
use std::str::FromStr;

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {what} {key}")]
    NotFound { what: &'static str, key: String },
    #[error("{0}")]
    Invalid(#[from] ParseError),
    #[error("{what} is ambiguous: {detail}")]
    Ambiguous { what: &'static str, detail: String },
    #[error("stored {table} row {id} is unreadable: {detail}")]
    Corrupt {
        table: &'static str,
        id: i64,
        detail: String,
    },
    /// The record is not in a state that allows it (editing a message already sent...).
    #[error("{0}")]
    State(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migrating the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The schema, embedded in the binary, oldest first.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "record",
        include_str!("../migrations/sqlite/0001_record.sql"),
    ),
    (
        2,
        "deals by account",
        include_str!("../migrations/sqlite/0002_deals_by_account.sql"),
    ),
    (
        3,
        "activity timeline index",
        include_str!("../migrations/sqlite/0003_activity_timeline_index.sql"),
    ),
    (
        4,
        "mail",
        include_str!("../migrations/sqlite/0004_mail.sql"),
    ),
    (
        5,
        "auto-reply return date",
        include_str!("../migrations/sqlite/0005_returns_on.sql"),
    ),
    (
        6,
        "synced mail folders",
        include_str!("../migrations/sqlite/0006_mail_folders.sql"),
    ),
    (
        7,
        "calendar",
        include_str!("../migrations/sqlite/0007_calendar.sql"),
    ),
    (
        8,
        "thread subjects",
        include_str!("../migrations/sqlite/0008_thread_subjects.sql"),
    ),
    (
        9,
        "reply readings",
        include_str!("../migrations/sqlite/0009_reply_readings.sql"),
    ),
    (
        10,
        "outbox",
        include_str!("../migrations/sqlite/0010_outbox.sql"),
    ),
    (
        11,
        "revival",
        include_str!("../migrations/sqlite/0011_revival.sql"),
    ),
];

fn migrator() -> Migrator {
    Migrator::with_migrations(
        SQLITE_MIGRATIONS
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    (*name).into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// A handle on the database.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// The database file, for the bulk reader (`None` for an in-memory database).
    path: Option<std::path::PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path`, in WAL mode, and brings its
    /// schema up to date.
    pub async fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut store = Store::open_url(&url).await?;
        store.path = Some(path.to_path_buf());
        Ok(store)
    }

    /// Opens a database by URL (`sqlite://...`, `sqlite::memory:`).
    pub async fn open_url(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let memory = url.contains(":memory:");
        let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(if memory { 1 } else { 4 })
            .after_connect(|conn, _| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = NORMAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        migrator().run(&pool).await?;
        Ok(Store { pool, path: None })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A setting stored as JSON under `key`, if set.
    pub async fn setting<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let text: String = row.try_get(0)?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                table: "settings",
                id: 0,
                detail: format!("{key}: {e}"),
            })
    }

    /// Stores a setting as JSON under `key`, replacing what was there.
    pub async fn set_setting<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let text = serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
            table: "settings",
            id: 0,
            detail: format!("{key}: {e}"),
        })?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key.to_string())
            .bind(text)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The policy (stages, cadence, thresholds) configured for this database; the defaults
    /// until changed.
    pub async fn policy(&self) -> Result<Policy> {
        Ok(self.setting("policy").await?.unwrap_or_default())
    }

    pub async fn set_policy(&self, policy: &Policy) -> Result<()> {
        self.set_setting("policy", policy).await
    }

    /// The currency a bare amount (`48000`, no code or symbol) is in: set at `init
    /// --currency`, USD until then.
    pub async fn currency(&self) -> Result<Currency> {
        Ok(self.setting("currency").await?.unwrap_or(Currency::USD))
    }

    pub async fn set_currency(&self, currency: Currency) -> Result<()> {
        self.set_setting("currency", &currency).await
    }

    /// The pipeline stages configured for this database.
    pub async fn pipeline(&self) -> Result<Pipeline> {
        Ok(self.policy().await?.pipeline)
    }

    pub async fn set_pipeline(&self, pipeline: &Pipeline) -> Result<()> {
        let policy = Policy {
            pipeline: pipeline.clone(),
            ..self.policy().await?
        };
        self.set_policy(&policy).await
    }

    /// How many deals the database holds.
    pub async fn deal_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM deals")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    pub async fn shutdown(self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_embedded_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files.len(), SQLITE_MIGRATIONS.len(), "{files:?}");
        for (file, (version, _, sql)) in files.iter().zip(SQLITE_MIGRATIONS) {
            assert!(
                file.starts_with(&format!("{version:04}_")),
                "{file} is not version {version}"
            );
            assert_eq!(
                std::fs::read_to_string(format!("{dir}/{file}")).unwrap(),
                *sql
            );
        }
    }

    #[tokio::test]
    async fn a_new_database_gets_every_migration_and_an_old_one_is_upgraded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let store = Store::open(&path).await.unwrap();
        let versions = |store: Store| async move {
            let rows = sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(store.pool())
                .await
                .unwrap();
            rows.iter()
                .map(|r| r.try_get::<i64, _>(0).unwrap())
                .collect::<Vec<_>>()
        };
        let all: Vec<i64> = SQLITE_MIGRATIONS.iter().map(|m| m.0).collect();
        assert_eq!(versions(store.clone()).await, all);
        // Pretend the database predates migrations 2 and 3: opening it again applies them.
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version IN (2, 3)")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("DROP INDEX deals_account")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("DROP INDEX activities_timeline")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("CREATE INDEX activities_deal_at ON activities (deal_id, at, id)")
            .execute(store.pool())
            .await
            .unwrap();
        store.shutdown().await;
        let reopened = Store::open(&path).await.unwrap();
        assert_eq!(versions(reopened).await, all);
    }
}
