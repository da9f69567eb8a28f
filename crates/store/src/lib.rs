//! Rekindle's store: the deal record in SQLite through sqlx, with migrations, WAL and
//! transactions. SQL sticks to what SQLite and PostgreSQL share (BIGINT epoch seconds, integer
//! cents, ISO date text), so the same statements serve a team server later.
//!
//! Architecture invariant: no engine logic here. The store turns rows into `rekindle_core`
//! records and back; the core decides what they mean.

/// A failure injected at a named point of a write path, when the `failpoints` feature is on
/// and `FAILPOINTS` names the point (the `fail` crate's syntax: `store.commit=return`,
/// `store.begin=1*off->return` for the second time it is reached). Without the feature it
/// is nothing. The enclosing function returns `StoreError::Injected`.
#[cfg(feature = "failpoints")]
macro_rules! failpoint {
    ($name:literal) => {
        fail::fail_point!($name, |_| Err($crate::StoreError::Injected($name)))
    };
}
#[cfg(not(feature = "failpoints"))]
macro_rules! failpoint {
    ($name:literal) => {};
}

mod assessments;
mod bulk;
mod capture;
mod crm;
mod load;
mod mail;
mod outbox;
mod replies;
mod revival;
mod write;

pub use assessments::{
    BoardFilter, ColumnTotal, CurrencyTotal, ModelState, NewAssessment, OwnerCounts, StageCount,
    StateFilter, StoredAssessment, StoredCard, TodayCounts, WindowCounts,
};
pub use capture::{CaptureWriter, MeetingRecorded};
pub use crm::{Conflict, CrmDealLink, CrmImport, CrmLink, CrmTransactions, Upsert};
pub use load::{AccountWork, Filter, Scope};
pub use mail::MailOutcome;
pub use outbox::{NewOutgoing, OutboxMessage, WaitingCounts};
pub use replies::{Applied, ReplyContext, StoredReading, Undo};
pub use revival::Occasion;
pub use write::{Closing, NewActivity, NewContact, NewDeal};

use rekindle_core::{Currency, ParseError, Pipeline, Policy};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, ConnectOptions, Connection, Row, SqlSafeStr};
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
    /// Another writer (an import, a sync) kept the database for longer than `WRITE_WAIT`.
    #[error(
        "the database is busy: another rekindle command has been writing to it for {0} s (an import or a sync?); nothing was changed, try again when it ends"
    )]
    Busy(u64),
    /// A failure injected on purpose at a failpoint (builds with the `failpoints` feature).
    #[error("failure injected at {0}")]
    Injected(&'static str),
    /// The database file cannot be opened as one (not SQLite, truncated, no space, no access).
    #[error("{path} cannot be used as a database: {detail}")]
    Unusable { path: String, detail: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Every failpoint in the write paths, for a harness that injects a failure at each (see
/// `failpoint!`): `store.begin` and `store.commit` open and end every transaction made through
/// sqlx (`begin_write`, `commit`); `capture.begin` and `capture.commit` those of the capture
/// writer (mail and calendar imports, syncs, replies read, CRM imports).
pub const FAILPOINTS: &[&str] = &[
    "store.begin",
    "store.commit",
    "capture.begin",
    "capture.commit",
];

/// Reads `FAILPOINTS` from the environment when the `failpoints` feature is on (the `fail`
/// crate's scenario; keep the guard for the life of the process); nothing otherwise.
pub fn failpoints_from_env() -> impl Drop {
    #[cfg(feature = "failpoints")]
    {
        struct Scenario(Option<fail::FailScenario<'static>>);
        impl Drop for Scenario {
            fn drop(&mut self) {
                if let Some(s) = self.0.take() {
                    s.teardown();
                }
            }
        }
        Scenario(Some(fail::FailScenario::setup()))
    }
    #[cfg(not(feature = "failpoints"))]
    {
        struct Nothing;
        impl Drop for Nothing {
            fn drop(&mut self) {}
        }
        Nothing
    }
}

/// Commits a write transaction (the `store.commit` failpoint comes first: a failure there
/// rolls back everything the transaction did).
pub(crate) async fn commit(tx: sqlx::Transaction<'static, sqlx::Any>) -> Result<()> {
    failpoint!("store.commit");
    tx.commit().await?;
    Ok(())
}

/// Set on every connection. `busy_timeout` is set apart: 5 s for reads and single statements,
/// none for the writer, which retries on its own.
const PRAGMAS: &[&str] = &[
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    // Reads served from the operating system's file cache mapped in, not copied by a read
    // call a page at a time; a bigger page cache for each connection (32 MiB) on top.
    "PRAGMA mmap_size = 268435456",
    "PRAGMA cache_size = -32768",
];

/// Reads and single statements wait up to 5 s for another writer.
const READ_BUSY: &str = "PRAGMA busy_timeout = 5000";

/// A pool of `size` connections with `PRAGMAS` and `busy_timeout`, the pragma that sets how
/// long a statement waits for another writer.
async fn connect_pool(
    options: &AnyConnectOptions,
    size: u32,
    busy_timeout: &'static str,
) -> Result<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(size)
        // A connection to a file on this machine does not go stale: no ping (a round trip to
        // the connection's thread) before each statement.
        .test_before_acquire(false)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                for pragma in PRAGMAS {
                    sqlx::query(*pragma).execute(&mut *conn).await?;
                }
                sqlx::query(busy_timeout).execute(&mut *conn).await?;
                Ok(())
            })
        })
        .connect_with(options.clone())
        .await?)
}

/// What a failure to open means for the rep, with the way out (SQLite result codes,
/// https://sqlite.org/rescode.html: the primary code is the low byte).
fn explain(e: &sqlx::Error) -> String {
    let code = e
        .as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i64>().ok())
        .map(|c| c & 0xff);
    match code {
        Some(11 | 26) => format!(
            "the file is damaged or is not a Rekindle database (SQLite: {e}); nothing was written to it. Restore a backup (`rekindle backup` makes one), or try `sqlite3 FILE .recover`"
        ),
        Some(13) => format!("no space left on the disk that holds it (SQLite: {e})"),
        Some(10) => format!(
            "it cannot be read or written: is the disk that holds it full or failing? (SQLite: {e})"
        ),
        Some(14) => format!(
            "it cannot be opened: check the folder exists and its permissions (SQLite: {e})"
        ),
        Some(8 | 3) => format!("it cannot be written: check its permissions (SQLite: {e})"),
        _ => e.to_string(),
    }
}

/// How the database file itself failed under a command, as opposed to what the command asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFailure {
    /// `SQLITE_CORRUPT` (11) or `SQLITE_NOTADB` (26): pages of the file are damaged.
    Damaged,
    /// `SQLITE_FULL` (13): no space left on the disk that holds it.
    Full,
    /// `SQLITE_IOERR` (10): the disk failed to read or write it.
    Io,
}

impl FileFailure {
    /// Reads a SQLite primary result code (https://sqlite.org/rescode.html).
    fn of_code(code: i64) -> Option<FileFailure> {
        match code & 0xff {
            11 | 26 => Some(FileFailure::Damaged),
            13 => Some(FileFailure::Full),
            10 => Some(FileFailure::Io),
            _ => None,
        }
    }

    /// Reads SQLite's own wording of those codes (`sqlite3_errstr`), for a failure that reached
    /// the caller as text (a row that could not be read, a worker's error).
    fn of_text(text: &str) -> Option<FileFailure> {
        if text.contains("database disk image is malformed")
            || text.contains("file is not a database")
        {
            Some(FileFailure::Damaged)
        } else if text.contains("database or disk is full") {
            Some(FileFailure::Full)
        } else if text.contains("disk I/O error") {
            Some(FileFailure::Io)
        } else {
            None
        }
    }
}

/// Whether `error`, or any error it was caused by, is the database file failing (damaged, a
/// full disk, an I/O error) rather than the command: `None` for every other error, and for
/// `StoreError::Unusable`, which already says what is wrong with the file and the way out.
pub fn file_failure(error: &(dyn std::error::Error + 'static)) -> Option<FileFailure> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(StoreError::Unusable { .. }) = e.downcast_ref::<StoreError>() {
            return None;
        }
        let coded = if let Some(e) = e.downcast_ref::<sqlx::Error>() {
            e.as_database_error()
                .and_then(|d| d.code())
                .and_then(|c| c.parse::<i64>().ok())
        } else if let Some(e) = e.downcast_ref::<rusqlite::Error>() {
            e.sqlite_error().map(|f| i64::from(f.extended_code))
        } else {
            None
        };
        if let Some(found) = coded
            .and_then(FileFailure::of_code)
            .or_else(|| FileFailure::of_text(&e.to_string()))
        {
            return Some(found);
        }
        next = e.source();
    }
    None
}

/// What SQLite said, without the layers that repeat it.
fn sqlite_words(e: &sqlx::Error) -> String {
    e.as_database_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string())
}

/// SQLite's "database is locked" (`SQLITE_BUSY`, code 5, with its extended codes).
fn is_busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i64>().ok())
        .is_some_and(|c| c & 0xff == 5)
}

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
    (
        12,
        "outbound index",
        include_str!("../migrations/sqlite/0012_outbound_index.sql"),
    ),
    (
        13,
        "moved addresses",
        include_str!("../migrations/sqlite/0013_moved_addresses.sql"),
    ),
    (
        14,
        "activity subject",
        include_str!("../migrations/sqlite/0014_activity_subject.sql"),
    ),
    (
        15,
        "crm links",
        include_str!("../migrations/sqlite/0015_crm_links.sql"),
    ),
    (
        16,
        "assessments",
        include_str!("../migrations/sqlite/0016_assessments.sql"),
    ),
    (
        17,
        "outbox written for",
        include_str!("../migrations/sqlite/0017_outbox_written_for.sql"),
    ),
    (
        18,
        "model counts",
        include_str!("../migrations/sqlite/0018_model_counts.sql"),
    ),
    (
        19,
        "board totals",
        include_str!("../migrations/sqlite/0019_board_totals.sql"),
    ),
    (
        20,
        "deals title",
        include_str!("../migrations/sqlite/0020_deals_title.sql"),
    ),
    (
        21,
        "crm links deleted",
        include_str!("../migrations/sqlite/0021_crm_links_deleted.sql"),
    ),
    (
        22,
        "accounts domain",
        include_str!("../migrations/sqlite/0022_accounts_domain.sql"),
    ),
];

/// A setting's stored JSON `text` (`None`: not set) as a value.
///
/// Errors: `StoreError::Corrupt` naming the key when the text does not read as one.
pub(crate) fn parse_setting<T: serde::de::DeserializeOwned>(
    key: &str,
    text: Option<String>,
) -> Result<Option<T>> {
    let Some(text) = text else { return Ok(None) };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| StoreError::Corrupt {
            table: "settings",
            id: 0,
            detail: format!("{key}: {e}"),
        })
}

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

/// How long a write waits for another writer (an import commits every few hundred
/// milliseconds, so a wait this long means something is wrong) before giving up with
/// `StoreError::Busy`.
pub const WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// How often a waiting writer tries again. SQLite's own busy handler backs off to 100 ms
/// between tries and so never finds the few milliseconds an import leaves between its
/// transactions; trying every millisecond does.
const WRITE_RETRY: std::time::Duration = std::time::Duration::from_millis(1);

/// A handle on the database.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// Connections that give up at once when another writer holds the database, so that
    /// `begin_write` can try again often (see `WRITE_RETRY`).
    writer: AnyPool,
    /// Called once when a write has waited a second for another writer (the CLI says so).
    on_wait: Option<std::sync::Arc<dyn Fn() + Send + Sync>>,
    /// The database file, for the bulk reader (`None` for an in-memory database).
    path: Option<std::path::PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path`, in WAL mode, and brings its
    /// schema up to date. A new database and the folders made for it are readable by their
    /// owner only (0600 and 0700): a pipeline names people and holds their mail.
    ///
    /// # Errors
    /// `StoreError::Unusable` naming the file when it is not a database, or cannot be read or
    /// written (at once, not after a pool's retries).
    pub async fn open(path: &Path) -> Result<Store> {
        let unusable = |detail: String| StoreError::Unusable {
            path: path.display().to_string(),
            detail,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.exists()
        {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder
                .create(dir)
                .map_err(|e| unusable(format!("creating its folder: {e}")))?;
        }
        if !path.exists() {
            // SQLite gives its -wal and -shm files the database file's permissions.
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(path) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(unusable(format!("creating it: {e}"))),
            }
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut store = Store::open_url(&url).await.map_err(|e| match e {
            StoreError::Db(e) => unusable(explain(&e)),
            other => other,
        })?;
        store.path = Some(path.to_path_buf());
        Ok(store)
    }

    /// Opens a database by URL (`sqlite://...`, `sqlite::memory:`).
    pub async fn open_url(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let memory = url.contains(":memory:");
        let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
        // One connection first, with every pragma and a read of the schema: a file that is not
        // a database, or a full disk, fails here at once rather than after the pool's retries.
        {
            let mut first = sqlx::AnyConnection::connect_with(&options).await?;
            for pragma in PRAGMAS.iter().chain([&READ_BUSY]) {
                sqlx::query(*pragma).execute(&mut first).await?;
            }
            sqlx::query("SELECT count(*) FROM sqlite_master")
                .fetch_one(&mut first)
                .await?;
            first.close().await?;
        }
        let pool = connect_pool(&options, if memory { 1 } else { 4 }, READ_BUSY).await?;
        migrator().run(&pool).await?;
        let writer = if memory {
            pool.clone()
        } else {
            connect_pool(&options, 1, "PRAGMA busy_timeout = 0").await?
        };
        Ok(Store {
            pool,
            writer,
            on_wait: None,
            path: None,
        })
    }

    /// Copies the whole database, consistent as of one moment, into a new file at `to` (SQLite's
    /// `VACUUM INTO`: it may run while other commands work). The copy is readable by its owner
    /// only, like the database.
    ///
    /// # Errors
    /// `StoreError::State` when `to` exists already (a backup never overwrites a file), a
    /// database error when the copy cannot be written.
    pub async fn backup(&self, to: &Path) -> Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(to).map_err(|e| {
            StoreError::State(format!("cannot write a backup to {}: {e}", to.display()))
        })?;
        // VACUUM INTO wants a new or empty file: the empty one just made holds its permissions.
        let done = sqlx::query("VACUUM INTO $1")
            .bind(to.display().to_string())
            .execute(&self.pool)
            .await;
        if let Err(e) = done {
            let _ = std::fs::remove_file(to);
            return Err(e.into());
        }
        Ok(())
    }

    /// SQLite's integrity check (`PRAGMA integrity_check` and `foreign_key_check`) and the
    /// record's dates against the range every date is held to: an empty list when the database
    /// is sound, else what is wrong, one line each.
    /// A file too damaged for the check itself to run is one problem, SQLite's own words.
    pub async fn check(&self) -> Result<Vec<String>> {
        let too_damaged = |e: sqlx::Error| match file_failure(&e) {
            Some(FileFailure::Damaged) => Ok(vec![format!("SQLite: {}", sqlite_words(&e))]),
            _ => Err(StoreError::Db(e)),
        };
        let mut problems: Vec<String> = match sqlx::query("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await
        {
            Ok(rows) => rows
                .iter()
                .filter_map(|r| r.try_get::<String, _>(0).ok())
                .filter(|line| line != "ok")
                .collect(),
            Err(e) => return too_damaged(e),
        };
        let keys = match sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&self.pool)
            .await
        {
            Ok(rows) => rows,
            Err(e) => {
                problems.extend(too_damaged(e)?);
                return Ok(problems);
            }
        };
        for row in keys {
            let table: String = row.try_get(0).unwrap_or_default();
            let id: i64 = row.try_get(1).unwrap_or_default();
            let parent: String = row.try_get(2).unwrap_or_default();
            problems.push(format!("{table} row {id} refers to a missing {parent} row"));
        }
        problems.extend(self.dates_out_of_range().await?);
        Ok(problems)
    }

    /// The record's dates outside the one range every date input is held to
    /// (`time::EARLIEST` to `time::LATEST`, 1900-2199): a row with one cannot be read back, so
    /// every command that loads its deal fails. Days are `YYYY-MM-DD` text, moments epoch
    /// seconds; at most 20 rows a column are named.
    ///
    /// Errors: the store's.
    async fn dates_out_of_range(&self) -> Result<Vec<String>> {
        /// 1900-01-01T00:00:00Z and 2199-12-31T23:59:59Z in epoch seconds.
        const FIRST: i64 = -2_208_988_800;
        const LAST: i64 = 7_258_118_399;
        const DAYS: &[(&str, &str)] = &[
            ("deals", "expected_close"),
            ("deals", "resurface_on"),
            ("close_date_changes", "from_date"),
            ("close_date_changes", "to_date"),
            ("contracts", "ends_on"),
            ("activities", "returns_on"),
            ("trigger_events", "on_date"),
        ];
        const MOMENTS: &[(&str, &str)] = &[
            ("deals", "created_at"),
            ("deals", "lost_at"),
            ("facts", "said_at"),
            ("commitments", "due"),
            ("next_steps", "due"),
            ("activities", "at"),
            ("stage_changes", "at"),
            ("close_date_changes", "at"),
        ];
        let mut problems = Vec::new();
        for (table, column) in DAYS {
            // The names are this function's own constants, never input.
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL AND ({column} < '1900-01-01' OR {column} > '2199-12-31') LIMIT 20"
            )))
            .fetch_all(&self.pool)
            .await?;
            for row in rows {
                let id: i64 = row.try_get(0).unwrap_or_default();
                let value: String = row.try_get(1).unwrap_or_default();
                problems.push(format!(
                    "{table} row {id}: {column} {value:?} is outside 1900-01-01 to 2199-12-31"
                ));
            }
        }
        for (table, column) in MOMENTS {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL AND ({column} < $1 OR {column} > $2) LIMIT 20"
            )))
            .bind(FIRST)
            .bind(LAST)
            .fetch_all(&self.pool)
            .await?;
            for row in rows {
                let id: i64 = row.try_get(0).unwrap_or_default();
                let value: i64 = row.try_get(1).unwrap_or_default();
                problems.push(format!(
                    "{table} row {id}: {column} {value} (epoch seconds) is outside 1900-01-01 to 2199-12-31"
                ));
            }
        }
        Ok(problems)
    }

    /// Sets what to do when a write has waited a second for another writer (an interactive
    /// command says it is waiting rather than seeming to hang).
    pub fn on_wait(&mut self, say: impl Fn() + Send + Sync + 'static) {
        self.on_wait = Some(std::sync::Arc::new(say));
    }

    /// Runs one writing statement in a write transaction of its own (see `begin_write`).
    pub(crate) async fn write_one(
        &self,
        query: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<sqlx::any::AnyQueryResult> {
        let mut tx = self.begin_write().await?;
        let done = query.execute(&mut *tx).await?;
        crate::commit(tx).await?;
        Ok(done)
    }

    /// Begins a transaction that writes: it takes the database's write lock at once (`BEGIN
    /// IMMEDIATE`), trying again every `WRITE_RETRY` while another writer holds it, for at most
    /// `WRITE_WAIT`.
    ///
    /// # Errors
    /// `StoreError::Busy` when the lock stayed taken for `WRITE_WAIT`; any other database error
    /// as it came.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        failpoint!("store.begin");
        let started = std::time::Instant::now();
        let mut told = false;
        loop {
            match self.writer.begin_with("BEGIN IMMEDIATE").await {
                Ok(tx) => return Ok(tx),
                Err(e) if is_busy(&e) && started.elapsed() < WRITE_WAIT => {
                    if !told && started.elapsed() >= std::time::Duration::from_secs(1) {
                        told = true;
                        if let Some(say) = &self.on_wait {
                            say();
                        }
                    }
                    tokio::time::sleep(WRITE_RETRY).await;
                }
                Err(e) if is_busy(&e) => return Err(StoreError::Busy(WRITE_WAIT.as_secs())),
                Err(e) => return Err(e.into()),
            }
        }
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
        parse_setting(key, Some(row.try_get(0)?))
    }

    /// Stores a setting as JSON under `key`, replacing what was there.
    pub async fn set_setting<T: serde::Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let text = serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
            table: "settings",
            id: 0,
            detail: format!("{key}: {e}"),
        })?;
        self.write_one(sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key.to_string())
            .bind(text))
            .await?;
        Ok(())
    }

    /// The policy (stages, cadence, thresholds) configured for this database; the defaults
    /// until changed.
    pub async fn policy(&self) -> Result<Policy> {
        Ok(self.setting("policy").await?.unwrap_or_default())
    }

    /// Sets the policy; every stored assessment was made with the old one, so the read model is
    /// outdated whole in the same transaction.
    pub async fn set_policy(&self, policy: &Policy) -> Result<()> {
        let text = serde_json::to_string(policy).map_err(|e| StoreError::Corrupt {
            table: "settings",
            id: 0,
            detail: format!("policy: {e}"),
        })?;
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ('policy', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(text)
            .execute(&mut *tx)
            .await?;
        sqlx::query(assessments::OUTDATE_ALL)
            .execute(&mut *tx)
            .await?;
        commit(tx).await
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

    /// Sets up a database in one transaction: the pipeline's stages and the currency of bare
    /// amounts, each when given. A new list of stages must hold every stage a deal is in;
    /// `moves` (old stage, new stage) carry the deals of an old stage, and their stage history,
    /// into one of the new list. Nothing changes when any of it is refused.
    ///
    /// # Errors
    /// `StoreError::State` naming each stage deals are in that the new list lacks (with how
    /// many deals) and no move carries; `StoreError::Invalid` for a move to a stage not in the
    /// new list.
    pub async fn configure(
        &self,
        pipeline: Option<&Pipeline>,
        moves: &[(String, String)],
        currency: Option<Currency>,
    ) -> Result<Vec<(String, String, i64)>> {
        let mut tx = self.begin_write().await?;
        let mut moved = Vec::new();
        let mut policy: Policy = sqlx::query("SELECT value FROM settings WHERE key = 'policy'")
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| -> Result<Policy> {
                let text: String = row.try_get(0)?;
                serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                    table: "settings",
                    id: 0,
                    detail: format!("policy: {e}"),
                })
            })
            .transpose()?
            .unwrap_or_default();
        if let Some(pipeline) = pipeline {
            for (from, to) in moves {
                if pipeline.stage(to).is_none() {
                    return Err(StoreError::Invalid(ParseError::new(
                        "--move-stage",
                        format!("{from}={to}"),
                        format!(
                            "a stage of the new list ({})",
                            pipeline
                                .stages
                                .iter()
                                .map(|s| s.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )));
                }
            }
            let used = sqlx::query(
                "SELECT stage, CAST(COUNT(*) AS BIGINT) FROM deals GROUP BY stage ORDER BY stage",
            )
            .fetch_all(&mut *tx)
            .await?;
            let mut missing = Vec::new();
            for row in used {
                let stage: String = row.try_get(0)?;
                let deals: i64 = row.try_get(1)?;
                if pipeline.stage(&stage).is_some() {
                    continue;
                }
                match moves
                    .iter()
                    .find(|(from, _)| from.trim().eq_ignore_ascii_case(&stage))
                {
                    Some((_, to)) => {
                        let to = pipeline.stages[pipeline.position(to)?].name.clone();
                        for table in ["deals", "stage_changes"] {
                            sqlx::query(sqlx::AssertSqlSafe(format!(
                                "UPDATE {table} SET stage = $1 WHERE stage = $2"
                            )))
                            .bind(to.clone())
                            .bind(stage.clone())
                            .execute(&mut *tx)
                            .await?;
                        }
                        moved.push((stage, to, deals));
                    }
                    None => missing.push(format!(
                        "{stage} ({deals} deal{})",
                        if deals == 1 { "" } else { "s" }
                    )),
                }
            }
            if !missing.is_empty() {
                return Err(StoreError::State(format!(
                    "deals are in stages the new list lacks: {}; add them to --stages, or move their deals with --move-stage OLD=NEW; nothing was changed",
                    missing.join(", ")
                )));
            }
            policy.pipeline = pipeline.clone();
            let text = serde_json::to_string(&policy).map_err(|e| StoreError::Corrupt {
                table: "settings",
                id: 0,
                detail: format!("policy: {e}"),
            })?;
            sqlx::query("INSERT INTO settings (key, value) VALUES ('policy', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(text)
                .execute(&mut *tx)
                .await?;
            // New stages (and deals moved between them): every stored assessment is outdated.
            sqlx::query(assessments::OUTDATE_ALL)
                .execute(&mut *tx)
                .await?;
            sqlx::query(assessments::STAGE_MOVED)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(currency) = currency {
            let text = serde_json::to_string(&currency).map_err(|e| StoreError::Corrupt {
                table: "settings",
                id: 0,
                detail: format!("currency: {e}"),
            })?;
            sqlx::query("INSERT INTO settings (key, value) VALUES ('currency', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(text)
                .execute(&mut *tx)
                .await?;
        }
        commit(tx).await?;
        Ok(moved)
    }

    /// How many deals the database holds.
    pub async fn deal_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM deals")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    /// The owners of the deals the read model holds (the scan's: open, and nurtured ones whose
    /// date has come), in name order: what the board's filter by owner offers. Read by jumping
    /// from one owner to the next along the model's owner index, so the cost grows with the
    /// number of owners, not of deals.
    ///
    /// Errors: the database's.
    pub async fn owners(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "WITH RECURSIVE o(owner) AS (
                 SELECT MIN(owner) FROM deal_assessments
                 UNION ALL
                 SELECT (SELECT MIN(owner) FROM deal_assessments WHERE owner > o.owner)
                 FROM o WHERE o.owner IS NOT NULL)
             SELECT owner FROM o WHERE owner IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
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
