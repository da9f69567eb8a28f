//! Looking after the database itself: setting it up (stages, the currency of bare amounts),
//! backing it up, checking it, and loading the demo pipeline.

use crate::{AppError, Caller};
use jiff::Timestamp;
use rekindle_core::{Currency, Pipeline, demo};
use rekindle_store::Store;
use std::path::Path;

/// How the rep sets the database up: every part optional.
#[derive(Clone, Debug, Default)]
pub struct Setup {
    /// The pipeline's stages, in order.
    pub stages: Option<Pipeline>,
    /// Stages renamed or dropped: the deals in the first go to the second.
    pub moves: Vec<(String, String)>,
    /// The currency of amounts written without one.
    pub currency: Option<Currency>,
}

/// The database as set up: its stages, its currency, and the deals moved between stages.
pub struct Configured {
    pub stages: Vec<String>,
    pub currency: Currency,
    /// (from, to, deals moved).
    pub moved: Vec<(String, String, i64)>,
}

/// Sets the database up, in one transaction.
///
/// Errors: a conflict when stages that hold deals are dropped without a move; the store's.
pub async fn configure(
    store: &Store,
    _caller: &Caller,
    setup: &Setup,
) -> Result<Configured, AppError> {
    let moved = store
        .configure(setup.stages.as_ref(), &setup.moves, setup.currency)
        .await?;
    let currency = store.currency().await?;
    let stages = store
        .pipeline()
        .await?
        .stages
        .iter()
        .map(|s| s.name.clone())
        .collect();
    Ok(Configured {
        stages,
        currency,
        moved,
    })
}

/// Copies the database to a new file at `to` (SQLite's `VACUUM INTO`: consistent while other
/// commands write), readable by its owner only.
///
/// Errors: a conflict when `to` exists or cannot be written; the store's.
pub async fn backup(store: &Store, _caller: &Caller, to: &Path) -> Result<(), AppError> {
    Ok(store.backup(to).await?)
}

/// The damage found in the database (integrity and foreign keys); empty when none.
///
/// Errors: the store's.
pub async fn check(store: &Store, _caller: &Caller) -> Result<Vec<String>, AppError> {
    Ok(store.check().await?)
}

/// Loads the seeded demo pipeline (`core::demo`) at `now` into an empty database, in one
/// transaction; `loaded` hears the count of deals as they go in. Returns how many were loaded.
///
/// Errors: [`AppError::Conflict`] when the database already holds deals; the store's.
pub async fn load_demo(
    store: &Store,
    _caller: &Caller,
    options: demo::DemoOptions,
    now: Timestamp,
    loaded: impl FnMut(usize),
) -> Result<usize, AppError> {
    let existing = store.deal_count().await?;
    if existing > 0 {
        return Err(AppError::Conflict(format!(
            "already holds {existing} deal{}; the demo needs an empty database",
            if existing == 1 { "" } else { "s" }
        )));
    }
    Ok(store
        .import_records(demo::generate(options, now), loaded)
        .await?)
}
