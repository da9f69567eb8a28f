//! Rekindle's store: the deal record in SQLite through sqlx, with migrations, WAL and
//! transactions. SQL sticks to what SQLite and PostgreSQL share (BIGINT epoch seconds, integer
//! cents, ISO date text), so the same statements serve a team server later.
//!
//! Architecture invariant: no engine logic here. The store turns rows into `rekindle_core`
//! records and back; the core decides what they mean.

mod bulk;
mod load;
mod write;

pub use load::{AccountWork, Filter, Scope};
pub use write::{Closing, NewActivity, NewContact, NewDeal};

use rekindle_core::{ParseError, Pipeline};
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
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migrating the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The schema, embedded in the binary, oldest first.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "record",
    include_str!("../migrations/sqlite/0001_record.sql"),
)];

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
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path`, in WAL mode, and brings its
    /// schema up to date.
    pub async fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Store::open_url(&url).await
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
        Ok(Store { pool })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The pipeline stages configured for this database (the default ones until set).
    pub async fn pipeline(&self) -> Result<Pipeline> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = 'pipeline'")
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(Pipeline::default()),
            Some(row) => {
                let text: String = row.try_get(0)?;
                serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                    table: "settings",
                    id: 0,
                    detail: e.to_string(),
                })
            }
        }
    }

    pub async fn set_pipeline(&self, pipeline: &Pipeline) -> Result<()> {
        let text = serde_json::to_string(pipeline).map_err(|e| StoreError::Corrupt {
            table: "settings",
            id: 0,
            detail: e.to_string(),
        })?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ('pipeline', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(text)
            .execute(&self.pool)
            .await?;
        Ok(())
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
