//! The assessment read model: every deal in the scan with its assessment at one moment, kept in
//! `deal_assessments` so that pages read assessments instead of making them (`rekindle_app::
//! pipeline` writes and reads it; the store decides nothing about what an assessment says).
//!
//! Freshness: every write that changes what a deal's assessment reads marks the deals of its
//! account stale in the same transaction (`mark_stale`): a contact's reply habits are learned
//! from their account's deals, so a reply on one deal can move another's assessment. A change
//! to a stage history counts a stage move (the team's stage durations may have moved); a change
//! to the policy, the stages or an import outdates the whole model. The counters in
//! `assessment_model` make this safe against a refresh running at the same time: a refresh
//! clears only the marks made before it started reading, and a model outdated while it ran
//! stays outdated.

use crate::{Result, Store, StoreError, bulk::Batch, bulk::Val};
use jiff::Timestamp;
use rekindle_core::{ContactId, DealId};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// What a write changed, for marking the assessments it outdates.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stale<'a> {
    /// A deal's record: the deals of its account.
    Deal(DealId),
    /// A contact: the deals of their account.
    Contact(ContactId),
    /// An address (blocked, bounced, retired): the deals of the accounts of its contacts.
    Address(&'a str),
}

/// Counts the write: the marks it makes carry the new count.
const COUNT_CHANGE: &str = "UPDATE assessment_model SET changes = changes + 1 WHERE id = 1";

/// Marks the deals of the accounts `$1` selects, with the write's count (`ACCOUNTS_OF` fills
/// the selection).
fn mark_sql(accounts: &str) -> String {
    format!(
        "INSERT INTO assessments_stale (deal_id, change)
         SELECT d.id, m.changes FROM deals d, assessment_model m
         WHERE m.id = 1 AND d.account_id IN ({accounts})
         ON CONFLICT (deal_id) DO UPDATE SET change = excluded.change"
    )
}

const OF_DEAL: &str = "SELECT account_id FROM deals WHERE id = $1";
const OF_CONTACT: &str = "SELECT account_id FROM contacts WHERE id = $1";
const OF_ADDRESS: &str = "SELECT c.account_id FROM contacts c JOIN contact_emails e ON e.contact_id = c.id WHERE e.email = $1";

/// Outdates the whole model: the next read refreshes it.
pub(crate) const OUTDATE_ALL: &str =
    "UPDATE assessment_model SET generation = generation + 1 WHERE id = 1";

/// Counts a change to a stage history.
pub(crate) const STAGE_MOVED: &str =
    "UPDATE assessment_model SET stage_moves = stage_moves + 1 WHERE id = 1";

impl Stale<'_> {
    fn sql(&self) -> String {
        mark_sql(match self {
            Stale::Deal(_) => OF_DEAL,
            Stale::Contact(_) => OF_CONTACT,
            Stale::Address(_) => OF_ADDRESS,
        })
    }
}

/// Marks what `what` changed stale, in the write's transaction (through sqlx).
pub(crate) async fn mark_stale(tx: &mut Transaction<'_, Any>, what: Stale<'_>) -> Result<()> {
    sqlx::query(COUNT_CHANGE).execute(&mut **tx).await?;
    let sql = what.sql();
    let query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
    let query = match what {
        Stale::Deal(d) => query.bind(d.0),
        Stale::Contact(c) => query.bind(c.0),
        Stale::Address(a) => query.bind(a.to_string()),
    };
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Marks what `what` changed stale, in the capture writer's transaction (through rusqlite).
pub(crate) fn mark_stale_on(conn: &rusqlite::Connection, what: Stale<'_>) -> Result<()> {
    conn.prepare_cached(COUNT_CHANGE)?.execute([])?;
    let mut statement = conn.prepare_cached(&what.sql())?;
    match what {
        Stale::Deal(d) => statement.execute([d.0])?,
        Stale::Contact(c) => statement.execute([c.0])?,
        Stale::Address(a) => statement.execute([a])?,
    };
    Ok(())
}

/// Where the model stands, read at one moment.
#[derive(Clone, Debug)]
pub struct ModelState {
    /// The moment every row was assessed at; `None` before the first refresh.
    pub assessed_at: Option<Timestamp>,
    /// Whether nothing outdated the whole model since its refresh (policy, stages, import).
    pub whole: bool,
    /// The team's stage durations the rows were assessed with (JSON, as the app wrote them).
    pub stage_norms: Option<String>,
    /// Whether a stage history changed since those durations were learned or checked.
    pub stages_moved: bool,
    /// The count of stale marks made so far: a refresh or re-assessment clears those up to it.
    pub changes: i64,
    /// The count of whole-model changes so far.
    pub generation: i64,
    /// The count of stage-history changes so far.
    pub stage_moves: i64,
    /// Whether any deal is marked stale up to `changes` (read in the same statement, so a
    /// read of a fresh model takes one statement).
    pub any_stale: bool,
    /// The policy the model is assessed with (`Store::policy`, read in the same statement):
    /// a policy change outdates the whole model.
    pub policy: rekindle_core::Policy,
}

impl ModelState {
    /// Whether the model holds assessments at `now` that nothing but stale marks outdated.
    pub fn usable_at(&self, now: Timestamp) -> bool {
        self.whole && self.assessed_at == Some(now)
    }
}

/// One deal's assessment as the app stores it: plain values, the app decides what they are.
#[derive(Clone, Debug)]
pub struct NewAssessment {
    pub deal_id: DealId,
    pub state: String,
    /// Ascending is worst first.
    pub worst: i64,
    pub risk: i64,
    pub top_signal: Option<String>,
    /// That signal's one-line summary, for a card.
    pub top_summary: Option<String>,
    /// Every signal kind, for filtering.
    pub signals: Vec<String>,
    pub next_play: Option<String>,
    /// Why that play (`NextAction::why`), for a card.
    pub next_why: Option<String>,
    pub next_due: Timestamp,
    /// The UTC day of `next_due` (days since 1970-01-01, rounded down).
    pub due_day: i64,
    pub days_in_stage: i64,
    pub rotting: bool,
    pub desperation: bool,
    pub owner: String,
    pub stage: String,
    pub status: String,
    pub amount_cents: i64,
    pub currency: String,
    pub account: String,
    pub title: String,
    /// ISO date.
    pub expected_close: Option<String>,
    /// ISO date.
    pub resurface_on: Option<String>,
    /// The whole row as JSON, for display.
    pub body: String,
}

/// One stored assessment: the row's columns the app rebuilds its value from.
#[derive(Clone, Debug)]
pub struct StoredAssessment {
    pub deal_id: DealId,
    pub assessed_at: Timestamp,
    pub worst: i64,
    pub owner: String,
    pub stage: String,
    pub status: String,
    pub amount_cents: i64,
    pub currency: String,
    pub account: String,
    pub title: String,
    pub resurface_on: Option<String>,
    pub body: String,
}

const STORED_COLUMNS: &str = "a.deal_id, a.assessed_at, a.worst, a.owner, a.stage, a.status, a.amount_cents, a.currency, a.account, a.title, a.resurface_on, b.body";

/// The slim rows with their display JSON.
const WITH_BODY: &str = "deal_assessments a JOIN deal_assessment_bodies b ON b.deal_id = a.deal_id";

fn stored(row: &sqlx::any::AnyRow) -> Result<StoredAssessment> {
    let deal: i64 = row.try_get(0)?;
    let at: i64 = row.try_get(1)?;
    Ok(StoredAssessment {
        deal_id: DealId(deal),
        assessed_at: Timestamp::from_second(at).map_err(|e| StoreError::Corrupt {
            table: "deal_assessments",
            id: deal,
            detail: e.to_string(),
        })?,
        worst: row.try_get(2)?,
        owner: row.try_get(3)?,
        stage: row.try_get(4)?,
        status: row.try_get(5)?,
        amount_cents: row.try_get(6)?,
        currency: row.try_get(7)?,
        account: row.try_get(8)?,
        title: row.try_get(9)?,
        resurface_on: row.try_get(10)?,
        body: row.try_get(11)?,
    })
}

/// One deal on a board page as the slim row holds it: what a card shows, read without the
/// display JSON.
#[derive(Clone, Debug)]
pub struct StoredCard {
    pub deal_id: DealId,
    pub worst: i64,
    pub state: String,
    pub risk: i64,
    pub top_summary: Option<String>,
    pub next_play: Option<String>,
    pub next_due: i64,
    pub rotting: bool,
    pub owner: String,
    pub stage: String,
    pub amount_cents: i64,
    pub currency: String,
    pub account: String,
    pub title: String,
    /// Why the next play (`NextAction::why`).
    pub next_why: Option<String>,
}

const CARD_COLUMNS: &str = "a.deal_id, a.worst, a.state, a.risk, a.top_summary, a.next_play, a.next_due, a.rotting, a.owner, a.stage, a.amount_cents, a.currency, a.account, a.title, a.next_why";

/// The plays due on the day `$1` or before, most urgent first, at most `$2`.
const DUE: &str = "WHERE a.next_play IS NOT NULL AND a.due_day <= $1
    ORDER BY a.due_day, a.worst, a.deal_id LIMIT $2";

/// The play that falls due first (the worst among those due the same moment).
const NEXT: &str = "WHERE a.next_play IS NOT NULL ORDER BY a.next_due, a.worst, a.deal_id LIMIT 1";

fn card(row: &sqlx::any::AnyRow) -> Result<StoredCard> {
    Ok(StoredCard {
        deal_id: DealId(row.try_get(0)?),
        worst: row.try_get(1)?,
        state: row.try_get(2)?,
        risk: row.try_get(3)?,
        top_summary: row.try_get(4)?,
        next_play: row.try_get(5)?,
        next_due: row.try_get(6)?,
        rotting: row.try_get::<i64, _>(7)? != 0,
        owner: row.try_get(8)?,
        stage: row.try_get(9)?,
        amount_cents: row.try_get(10)?,
        currency: row.try_get(11)?,
        account: row.try_get(12)?,
        title: row.try_get(13)?,
        next_why: row.try_get(14)?,
    })
}

/// Today's counts ([`Store::today_counts`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TodayCounts {
    /// Deals the model holds.
    pub open: usize,
    /// Of them, those with a play due on the day asked about or before.
    pub due: usize,
    pub waiting: crate::WaitingCounts,
}

/// The board's filters, each optional; all given must hold.
#[derive(Clone, Debug, Default)]
pub struct BoardFilter {
    pub owner: Option<String>,
    pub stage: Option<String>,
    pub state: Option<StateFilter>,
    pub signal: Option<String>,
    /// Lower-case words the title contains (as typed: `%` and `_` match themselves).
    pub text: Option<String>,
}

/// One state: its name, and the range of `worst` its rows take (`from` included, `until`
/// excluded), which pages read by.
#[derive(Clone, Debug)]
pub struct StateFilter {
    pub state: String,
    pub worst_from: i64,
    pub worst_until: i64,
}

/// A stage's column over the filtered rows, in one currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnTotal {
    pub stage: String,
    pub currency: String,
    pub count: i64,
    pub amount_cents: i64,
    pub rotting: i64,
}

/// A value bound into a built query.
enum Bind {
    Int(i64),
    Text(String),
}

impl BoardFilter {
    /// The `WHERE` conditions on the slim rows (`a`), with their values, numbered from `$first`:
    /// for a page (`for_rows`: a state is its range of `worst`) or for the column totals (a
    /// state by name). The signal is the query's own (see `board_rows`).
    fn conditions(&self, first: usize, for_rows: bool) -> (Vec<String>, Vec<Bind>) {
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        let mut n = first;
        let mut add = |condition: &str, values: Vec<Bind>| {
            let mut c = condition.to_string();
            for v in values {
                c = c.replacen("{}", &format!("${n}"), 1);
                binds.push(v);
                n += 1;
            }
            conditions.push(c);
        };
        if let Some(owner) = &self.owner {
            add("a.owner = {}", vec![Bind::Text(owner.clone())]);
        }
        if let Some(stage) = &self.stage {
            add("a.stage = {}", vec![Bind::Text(stage.clone())]);
        }
        if let Some(state) = &self.state {
            if for_rows {
                add(
                    "a.worst >= {} AND a.worst < {}",
                    vec![Bind::Int(state.worst_from), Bind::Int(state.worst_until)],
                );
            } else {
                add("a.state = {}", vec![Bind::Text(state.state.clone())]);
            }
        }
        if let Some(text) = &self.text {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            add(
                "a.title_lower LIKE {} ESCAPE '\\'",
                vec![Bind::Text(format!("%{escaped}%"))],
            );
        }
        (conditions, binds)
    }
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    for b in binds {
        query = match b {
            Bind::Int(v) => query.bind(v),
            Bind::Text(v) => query.bind(v),
        };
    }
    query
}

fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    }
}

impl Store {
    /// Where the model stands.
    pub async fn model_state(&self) -> Result<ModelState> {
        let row = sqlx::query(
            "SELECT assessed_at, refreshed_generation, stage_norms, norms_checked, changes, generation, stage_moves,
                 CAST(EXISTS (SELECT 1 FROM assessments_stale s WHERE s.change <= m.changes) AS BIGINT),
                 (SELECT value FROM settings WHERE key = 'policy')
             FROM assessment_model m WHERE id = 1",
        )
        .fetch_one(&self.pool)
        .await?;
        let at: Option<i64> = row.try_get(0)?;
        let refreshed: i64 = row.try_get(1)?;
        let checked: i64 = row.try_get(3)?;
        let generation: i64 = row.try_get(5)?;
        let stage_moves: i64 = row.try_get(6)?;
        Ok(ModelState {
            assessed_at: at.and_then(|s| Timestamp::from_second(s).ok()),
            whole: refreshed == generation,
            stage_norms: row.try_get(2)?,
            stages_moved: stage_moves != checked,
            changes: row.try_get(4)?,
            generation,
            stage_moves,
            any_stale: row.try_get::<i64, _>(7)? != 0,
            policy: crate::parse_setting("policy", row.try_get(8)?)?.unwrap_or_default(),
        })
    }

    /// The deals marked stale up to the count `changes`, in id order.
    pub async fn stale_deals(&self, changes: i64) -> Result<Vec<DealId>> {
        let rows = sqlx::query(
            "SELECT deal_id FROM assessments_stale WHERE change <= $1 ORDER BY deal_id",
        )
        .bind(changes)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(DealId(r.try_get::<i64, _>(0)?)))
            .collect()
    }

    /// Replaces the whole model with `rows`, assessed at `at` with these stage durations, in one
    /// transaction; clears the stale marks `seen` counted (later ones stay). A state that
    /// differs from a deal's previous row is kept in `assessment_transitions` at `at`.
    pub async fn replace_model(
        &self,
        rows: Vec<NewAssessment>,
        at: Timestamp,
        stage_norms: &str,
        seen: &ModelState,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut stored: HashMap<i64, (String, i64)> = HashMap::new();
        for r in sqlx::query("SELECT deal_id, state, digest FROM deal_assessments")
            .fetch_all(&mut *tx)
            .await?
        {
            stored.insert(r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?));
        }
        let previous = stored
            .iter()
            .map(|(deal, (state, _))| (*deal, state.clone()))
            .collect();
        transitions(&mut tx, &rows, at, previous).await?;
        // Rows whose digest is unchanged stay (only their moment moves); the others go, and
        // the changed and new rows come in.
        let mut gone: Vec<i64> = Vec::new();
        let mut changed: Vec<NewAssessment> = Vec::new();
        for row in rows {
            match stored.remove(&row.deal_id.0) {
                Some((_, digest)) if digest == digest_of(&row) => {}
                Some(_) => {
                    gone.push(row.deal_id.0);
                    changed.push(row);
                }
                None => changed.push(row),
            }
        }
        gone.extend(stored.into_keys());
        for chunk in gone.chunks(1_000) {
            let list = vec!["?"; chunk.len()].join(", ");
            for table in [
                "deal_assessment_signals",
                "deal_assessment_bodies",
                "deal_assessments",
            ] {
                let sql = format!("DELETE FROM {table} WHERE deal_id IN ({list})");
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for deal in chunk {
                    query = query.bind(*deal);
                }
                query.execute(&mut *tx).await?;
            }
        }
        sqlx::query("UPDATE deal_assessments SET assessed_at = $1 WHERE assessed_at <> $1")
            .bind(at.as_second())
            .execute(&mut *tx)
            .await?;
        insert_rows(&mut tx, changed, at).await?;
        sqlx::query("DELETE FROM assessments_stale WHERE change <= $1")
            .bind(seen.changes)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE assessment_model SET assessed_at = $1, refreshed_generation = $2, stage_norms = $3, norms_checked = $4,
                 deal_count = (SELECT COUNT(*) FROM deal_assessments),
                 due_day = $5,
                 due_count = (SELECT COUNT(*) FROM deal_assessments WHERE next_play IS NOT NULL AND due_day <= $5)
             WHERE id = 1",
        )
        .bind(at.as_second())
        .bind(seen.generation)
        .bind(stage_norms.to_string())
        .bind(seen.stage_moves)
        .bind(day_of(at))
        .execute(&mut *tx)
        .await?;
        crate::commit(tx).await
    }

    /// Replaces the rows of `deals` with `rows` (a deal of `deals` with no row left the scan),
    /// assessed at the model's moment `at`; clears their marks up to `seen`'s count. Does
    /// nothing and returns false when the model moved on meanwhile (another moment, or
    /// outdated whole): the caller reads it again.
    pub async fn update_model(
        &self,
        deals: &[DealId],
        rows: Vec<NewAssessment>,
        at: Timestamp,
        seen: &ModelState,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let now = sqlx::query(
            "SELECT assessed_at, generation, norms_checked, stage_moves FROM assessment_model WHERE id = 1",
        )
        .fetch_one(&mut *tx)
        .await?;
        let (current_at, generation): (Option<i64>, i64) = (now.try_get(0)?, now.try_get(1)?);
        if current_at != Some(at.as_second()) || generation != seen.generation {
            return Ok(false);
        }
        let day = day_of(at);
        let mut previous = HashMap::new();
        // What the model's counts lose with the rows replaced, and gain with the new ones.
        let (mut deal_delta, mut due_delta) = (0i64, 0i64);
        for deal in deals {
            if let Some(r) = sqlx::query(
                "SELECT state, CAST(CASE WHEN next_play IS NOT NULL AND due_day <= $2 THEN 1 ELSE 0 END AS BIGINT)
                 FROM deal_assessments WHERE deal_id = $1",
            )
            .bind(deal.0)
            .bind(day)
            .fetch_optional(&mut *tx)
            .await?
            {
                previous.insert(deal.0, r.try_get::<String, _>(0)?);
                deal_delta -= 1;
                due_delta -= r.try_get::<i64, _>(1)?;
            }
        }
        deal_delta += rows.len() as i64;
        due_delta += rows
            .iter()
            .filter(|r| r.next_play.is_some() && r.due_day <= day)
            .count() as i64;
        transitions(&mut tx, &rows, at, previous).await?;
        for deal in deals {
            sqlx::query("DELETE FROM deal_assessment_signals WHERE deal_id = $1")
                .bind(deal.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM deal_assessment_bodies WHERE deal_id = $1")
                .bind(deal.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM deal_assessments WHERE deal_id = $1")
                .bind(deal.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM assessments_stale WHERE deal_id = $1 AND change <= $2")
                .bind(deal.0)
                .bind(seen.changes)
                .execute(&mut *tx)
                .await?;
        }
        insert_rows(&mut tx, rows, at).await?;
        // The stage durations were checked against the histories counted in `seen`.
        sqlx::query(
            "UPDATE assessment_model SET norms_checked = $1 WHERE id = 1 AND norms_checked < $1",
        )
        .bind(seen.stage_moves)
        .execute(&mut *tx)
        .await?;
        // NULL counts stay NULL (counted on reading).
        sqlx::query(
            "UPDATE assessment_model SET deal_count = deal_count + $1, due_count = due_count + $2
             WHERE id = 1 AND due_day = $3",
        )
        .bind(deal_delta)
        .bind(due_delta)
        .bind(day)
        .execute(&mut *tx)
        .await?;
        crate::commit(tx).await?;
        Ok(true)
    }

    /// Every stored assessment, in deal id order.
    pub async fn model_rows(&self) -> Result<Vec<StoredAssessment>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {STORED_COLUMNS} FROM {WITH_BODY} ORDER BY a.deal_id"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored).collect()
    }

    /// The stored assessments with a play due on the UTC day `day` (days since 1970-01-01) or
    /// before, most urgent first (the day due, then worst first: `worst`, deal id), from the
    /// `skip`-th on (0 first), at most `limit` when given.
    pub async fn model_rows_due(
        &self,
        day: i64,
        skip: u64,
        limit: Option<u32>,
    ) -> Result<Vec<StoredAssessment>> {
        let rows = self.due_page(day, skip, limit, true).await?;
        rows.iter().map(stored).collect()
    }

    /// [`Store::model_rows_due`] as cards: the slim rows alone, no display JSON read.
    pub async fn model_cards_due(&self, day: i64, limit: Option<u32>) -> Result<Vec<StoredCard>> {
        let rows = self.due_page(day, 0, limit, false).await?;
        rows.iter().map(card).collect()
    }

    /// [`Store::model_next_planned`] as a card.
    pub async fn model_next_planned_card(&self) -> Result<Option<StoredCard>> {
        let row = self.next_planned(false).await?;
        row.as_ref().map(card).transpose()
    }

    /// The plays due on `day` or before, most urgent first: whole (`STORED_COLUMNS`) or as
    /// cards (`CARD_COLUMNS`).
    async fn due_page(
        &self,
        day: i64,
        skip: u64,
        limit: Option<u32>,
        whole: bool,
    ) -> Result<Vec<sqlx::any::AnyRow>> {
        let sql = if whole {
            format!("SELECT {STORED_COLUMNS} FROM {WITH_BODY} {DUE} OFFSET $3")
        } else {
            format!("SELECT {CARD_COLUMNS} FROM deal_assessments a {DUE} OFFSET $3")
        };
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(day)
            .bind(limit.map_or(i64::MAX, i64::from))
            .bind(i64::try_from(skip).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?)
    }

    /// The play that falls due first: whole or as a card.
    async fn next_planned(&self, whole: bool) -> Result<Option<sqlx::any::AnyRow>> {
        let sql = if whole {
            format!("SELECT {STORED_COLUMNS} FROM {WITH_BODY} {NEXT}")
        } else {
            format!("SELECT {CARD_COLUMNS} FROM deal_assessments a {NEXT}")
        };
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Today's counts at the UTC day `day` (days since 1970-01-01), in one statement: the
    /// deals the model holds and how many have a play due on `day` or before (each the count
    /// kept with the model when it was kept for that day, else the rows counted), and what
    /// waits for the rep.
    pub async fn today_counts(&self, day: i64) -> Result<TodayCounts> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE((SELECT deal_count FROM assessment_model WHERE id = 1),
                 (SELECT CAST(COUNT(*) AS BIGINT) FROM deal_assessments)),
             COALESCE((SELECT due_count FROM assessment_model WHERE id = 1 AND due_day = $1),
                 (SELECT CAST(COUNT(*) AS BIGINT) FROM deal_assessments
                  WHERE next_play IS NOT NULL AND due_day <= $1)),
             {}",
            crate::outbox::WAITING_COUNTS
        )))
        .bind(day)
        .fetch_one(&self.pool)
        .await?;
        Ok(TodayCounts {
            open: row.try_get::<i64, _>(0)?.max(0) as usize,
            due: row.try_get::<i64, _>(1)?.max(0) as usize,
            waiting: crate::outbox::waiting_counts(&row, 2)?,
        })
    }

    /// The stored assessment whose play falls due first (the worst among those due the same
    /// moment), if any play is planned.
    pub async fn model_next_planned(&self) -> Result<Option<StoredAssessment>> {
        let row = self.next_planned(true).await?;
        row.as_ref().map(stored).transpose()
    }

    /// One page of the filtered rows, worst first (`worst`, then deal id), after the position
    /// `after` (`worst`, deal id) when given: keyset pagination. With a signal, the signal's
    /// rows are read in that order from their own index.
    pub async fn board_rows(
        &self,
        filter: &BoardFilter,
        after: Option<(i64, DealId)>,
        limit: u32,
    ) -> Result<Vec<StoredAssessment>> {
        let rows = self.board_page(filter, after, limit, true).await?;
        rows.iter().map(stored).collect()
    }

    /// [`Store::board_rows`] as cards: the slim rows alone, no display JSON read.
    pub async fn board_cards(
        &self,
        filter: &BoardFilter,
        after: Option<(i64, DealId)>,
        limit: u32,
    ) -> Result<Vec<StoredCard>> {
        let rows = self.board_page(filter, after, limit, false).await?;
        rows.iter().map(card).collect()
    }

    /// One page of the filtered rows, worst first, after `after`: whole (`STORED_COLUMNS`) or
    /// as cards (`CARD_COLUMNS`).
    async fn board_page(
        &self,
        filter: &BoardFilter,
        after: Option<(i64, DealId)>,
        limit: u32,
        whole: bool,
    ) -> Result<Vec<sqlx::any::AnyRow>> {
        // The table the order is read from: the signal's rows, or the slim rows.
        let (from, order) = match (&filter.signal, whole) {
            (Some(_), true) => (
                "deal_assessment_signals s JOIN deal_assessments a ON a.deal_id = s.deal_id JOIN deal_assessment_bodies b ON b.deal_id = a.deal_id",
                "s",
            ),
            (Some(_), false) => (
                "deal_assessment_signals s JOIN deal_assessments a ON a.deal_id = s.deal_id",
                "s",
            ),
            (None, true) => (WITH_BODY, "a"),
            (None, false) => ("deal_assessments a", "a"),
        };
        let columns = if whole { STORED_COLUMNS } else { CARD_COLUMNS };
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        if let Some(signal) = &filter.signal {
            conditions.push("s.kind = $1".to_string());
            binds.push(Bind::Text(signal.clone()));
        }
        let (more, values) = filter.conditions(binds.len() + 1, true);
        conditions.extend(more);
        binds.extend(values);
        if let Some((worst, deal)) = after {
            let n = binds.len() + 1;
            conditions.push(format!(
                "({order}.worst > ${n} OR ({order}.worst = ${n} AND {order}.deal_id > ${}))",
                n + 1
            ));
            binds.push(Bind::Int(worst));
            binds.push(Bind::Int(deal.0));
        }
        let n = binds.len() + 1;
        binds.push(Bind::Int(i64::from(limit)));
        let sql = format!(
            "SELECT {columns} FROM {from} {} ORDER BY {order}.worst, {order}.deal_id LIMIT ${n}",
            where_clause(&conditions)
        );
        Ok(
            bind_all(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), binds)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The filtered rows counted by stage and currency: how many, their amount, how many rot.
    pub async fn board_columns(&self, filter: &BoardFilter) -> Result<Vec<ColumnTotal>> {
        if filter.signal.is_none() && filter.text.is_none() {
            return self.kept_columns(filter).await;
        }
        self.summed_columns(filter).await
    }

    /// The columns under an owner, stage or state filter (or none), read from the totals the
    /// model's triggers keep (`deal_assessment_totals`, migration 0019): a few rows, however
    /// many deals match.
    async fn kept_columns(&self, filter: &BoardFilter) -> Result<Vec<ColumnTotal>> {
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        for (column, value) in [
            ("owner", filter.owner.as_ref()),
            ("stage", filter.stage.as_ref()),
            ("state", filter.state.as_ref().map(|s| &s.state)),
        ] {
            if let Some(value) = value {
                binds.push(Bind::Text(value.clone()));
                conditions.push(format!("{column} = ${}", binds.len()));
            }
        }
        let sql = format!(
            "SELECT stage, currency, CAST(SUM(deals) AS BIGINT), CAST(SUM(amount_cents) AS BIGINT), CAST(SUM(rotting) AS BIGINT)
             FROM deal_assessment_totals {} GROUP BY stage, currency ORDER BY stage, currency",
            where_clause(&conditions)
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(column_total).collect()
    }

    /// The columns summed over the filtered rows (a signal or words filter).
    async fn summed_columns(&self, filter: &BoardFilter) -> Result<Vec<ColumnTotal>> {
        let mut conditions = Vec::new();
        let mut binds = Vec::new();
        let (conditions_on_a, values) = filter.conditions(2, false);
        // A signal's totals come from its own rows; the slim rows only when filtered further.
        let (from, t) = match &filter.signal {
            Some(signal) => {
                conditions.push("s.kind = $1".to_string());
                binds.push(Bind::Text(signal.clone()));
                if conditions_on_a.is_empty() {
                    ("deal_assessment_signals s", "s")
                } else {
                    (
                        "deal_assessment_signals s JOIN deal_assessments a ON a.deal_id = s.deal_id",
                        "s",
                    )
                }
            }
            None => ("deal_assessments a", "a"),
        };
        let (conditions_on_a, values) = if filter.signal.is_some() {
            (conditions_on_a, values)
        } else {
            filter.conditions(1, false)
        };
        conditions.extend(conditions_on_a);
        binds.extend(values);
        let sql = format!(
            "SELECT {t}.stage, {t}.currency, CAST(COUNT(*) AS BIGINT), CAST(SUM({t}.amount_cents) AS BIGINT), CAST(SUM({t}.rotting) AS BIGINT)
             FROM {from} {} GROUP BY {t}.stage, {t}.currency ORDER BY {t}.stage, {t}.currency",
            where_clause(&conditions)
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(column_total).collect()
    }
}

/// A column total as the column queries select it: stage, currency, count, amount in cents,
/// rotting count.
fn column_total(r: &sqlx::any::AnyRow) -> Result<ColumnTotal> {
    Ok(ColumnTotal {
        stage: r.try_get(0)?,
        currency: r.try_get(1)?,
        count: r.try_get(2)?,
        amount_cents: r.try_get(3)?,
        rotting: r.try_get(4)?,
    })
}

/// The UTC day of `at`, in days since 1970-01-01: the model's `due_day`.
fn day_of(at: Timestamp) -> i64 {
    at.as_second()
        .div_euclid(rekindle_core::time::SECONDS_PER_DAY)
}

/// Keeps each deal of `rows` whose state differs from its stored row's (`previous`: each
/// stored deal's state), at `at`.
async fn transitions(
    tx: &mut Transaction<'_, Any>,
    rows: &[NewAssessment],
    at: Timestamp,
    previous: HashMap<i64, String>,
) -> Result<()> {
    let mut batch = Batch::new(
        "assessment_transitions",
        &["deal_id", "from_state", "to_state", "at"],
    );
    for row in rows {
        if let Some(before) = previous.get(&row.deal_id.0)
            && *before != row.state
        {
            batch.push(vec![
                Val::Int(row.deal_id.0),
                Val::Text(before.clone()),
                Val::Text(row.state.clone()),
                Val::Int(at.as_second()),
            ]);
        }
    }
    batch.flush(tx).await
}

/// A hash (64-bit FNV-1a) of everything a stored row holds but its moment, each field ended by
/// a byte no text holds: equal digests mean a refresh need not rewrite the row.
fn digest_of(r: &NewAssessment) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes.iter().chain([&0xff]) {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    let text = |t: &Option<String>| t.as_deref().unwrap_or("\u{0}").as_bytes().to_vec();
    eat(&r.deal_id.0.to_le_bytes());
    eat(r.state.as_bytes());
    eat(&r.worst.to_le_bytes());
    eat(&r.risk.to_le_bytes());
    eat(&text(&r.top_signal));
    eat(&text(&r.top_summary));
    eat(&text(&r.next_why));
    for kind in &r.signals {
        eat(kind.as_bytes());
    }
    eat(&text(&r.next_play));
    eat(&r.next_due.as_second().to_le_bytes());
    eat(&r.due_day.to_le_bytes());
    eat(&r.days_in_stage.to_le_bytes());
    eat(&[u8::from(r.rotting), u8::from(r.desperation)]);
    for t in [
        &r.owner,
        &r.stage,
        &r.status,
        &r.currency,
        &r.account,
        &r.title,
        &r.body,
    ] {
        eat(t.as_bytes());
    }
    eat(&r.amount_cents.to_le_bytes());
    eat(&text(&r.expected_close));
    eat(&text(&r.resurface_on));
    hash as i64
}

async fn insert_rows(
    tx: &mut Transaction<'_, Any>,
    rows: Vec<NewAssessment>,
    at: Timestamp,
) -> Result<()> {
    let mut assessments = Batch::new(
        "deal_assessments",
        &[
            "deal_id",
            "assessed_at",
            "state",
            "worst",
            "risk",
            "top_signal",
            "top_summary",
            "next_play",
            "next_why",
            "next_due",
            "due_day",
            "days_in_stage",
            "rotting",
            "desperation",
            "owner",
            "stage",
            "status",
            "amount_cents",
            "currency",
            "account",
            "title",
            "title_lower",
            "expected_close",
            "resurface_on",
            "digest",
        ],
    );
    let mut bodies = Batch::new("deal_assessment_bodies", &["deal_id", "body"]);
    let mut signals = Batch::new(
        "deal_assessment_signals",
        &[
            "kind",
            "deal_id",
            "worst",
            "stage",
            "currency",
            "amount_cents",
            "rotting",
        ],
    );
    for r in rows {
        let digest = digest_of(&r);
        let mut kinds = r.signals;
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            signals.push(vec![
                Val::Text(kind),
                Val::Int(r.deal_id.0),
                Val::Int(r.worst),
                Val::Text(r.stage.clone()),
                Val::Text(r.currency.clone()),
                Val::Int(r.amount_cents),
                Val::Int(r.rotting as i64),
            ]);
        }
        bodies.push(vec![Val::Int(r.deal_id.0), Val::Text(r.body)]);
        let title_lower = r.title.to_lowercase();
        assessments.push(vec![
            Val::Int(r.deal_id.0),
            Val::Int(at.as_second()),
            Val::Text(r.state),
            Val::Int(r.worst),
            Val::Int(r.risk),
            Val::OptText(r.top_signal),
            Val::OptText(r.top_summary),
            Val::OptText(r.next_play),
            Val::OptText(r.next_why),
            Val::Int(r.next_due.as_second()),
            Val::Int(r.due_day),
            Val::Int(r.days_in_stage),
            Val::Int(r.rotting as i64),
            Val::Int(r.desperation as i64),
            Val::Text(r.owner),
            Val::Text(r.stage),
            Val::Text(r.status),
            Val::Int(r.amount_cents),
            Val::Text(r.currency),
            Val::Text(r.account),
            Val::Text(r.title),
            Val::Text(title_lower),
            Val::OptText(r.expected_close),
            Val::OptText(r.resurface_on),
            Val::Int(digest),
        ]);
        if assessments.len() >= 5_000 {
            assessments.flush(tx).await?;
            bodies.flush(tx).await?;
            signals.flush(tx).await?;
        }
    }
    assessments.flush(tx).await?;
    bodies.flush(tx).await?;
    signals.flush(tx).await
}

/// The sums of amounts of stored open deals in `states` whose expected close falls in
/// `[from, until)` (ISO dates), per currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrencyTotal {
    pub currency: String,
    pub amount_cents: i64,
    pub deals: i64,
}

/// One owner's counts over the stored rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerCounts {
    pub owner: String,
    /// Rows in the state `dark`.
    pub dark: i64,
    /// Rows carrying the desperation signal.
    pub desperation: i64,
    /// Every row of the owner.
    pub deals: i64,
}

/// One stage's count over the stored rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageCount {
    pub stage: String,
    pub deals: i64,
    pub rotting: i64,
}

/// What the store recorded in a window of time (epoch seconds, `(from, until]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowCounts {
    /// Deals whose stored assessment turned `dark` from another state at a moment in the window.
    pub went_dark: i64,
    /// Deals whose stored assessment left `dark` at a moment in the window and which received an
    /// inbound reply (outcome `replied` or `wrote`) in the window at or before that moment.
    pub came_back: i64,
    /// Deals lost or nurtured whose loss is recorded in the window (`deals.lost_at`).
    pub closed: i64,
    /// Of those, the ones closed for the reason `unresponsive`.
    pub closed_unresponsive: i64,
}

impl Store {
    /// The amounts of stored open deals in one of `states` whose expected close falls in
    /// `[from, until)` (ISO dates), per currency, in currency order.
    pub async fn model_amounts(
        &self,
        states: &[&str],
        from: &str,
        until: &str,
    ) -> Result<Vec<CurrencyTotal>> {
        let placeholders: Vec<String> = (0..states.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT currency, CAST(SUM(amount_cents) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM deal_assessments
             WHERE status = 'open' AND expected_close >= $1 AND expected_close < $2 AND state IN ({})
             GROUP BY currency ORDER BY currency",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(from.to_string())
            .bind(until.to_string());
        for state in states {
            query = query.bind(state.to_string());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(CurrencyTotal {
                    currency: r.try_get(0)?,
                    amount_cents: r.try_get(1)?,
                    deals: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Each owner's dark and desperate rows, in owner order.
    pub async fn model_owners(&self) -> Result<Vec<OwnerCounts>> {
        let rows = sqlx::query(
            "SELECT owner, CAST(SUM(CASE WHEN state = 'dark' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(desperation) AS BIGINT), CAST(COUNT(*) AS BIGINT)
             FROM deal_assessments GROUP BY owner ORDER BY owner",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OwnerCounts {
                    owner: r.try_get(0)?,
                    dark: r.try_get(1)?,
                    desperation: r.try_get(2)?,
                    deals: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Each stage's rows and rotting rows, in stage-name order.
    pub async fn model_stages(&self) -> Result<Vec<StageCount>> {
        let rows = sqlx::query(
            "SELECT stage, CAST(COUNT(*) AS BIGINT), CAST(SUM(rotting) AS BIGINT)
             FROM deal_assessments GROUP BY stage ORDER BY stage",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StageCount {
                    stage: r.try_get(0)?,
                    deals: r.try_get(1)?,
                    rotting: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// What the store recorded between `from` (excluded) and `until` (included).
    pub async fn window_counts(&self, from: Timestamp, until: Timestamp) -> Result<WindowCounts> {
        let (from, until) = (from.as_second(), until.as_second());
        let went_dark: i64 = sqlx::query(
            "SELECT CAST(COUNT(DISTINCT deal_id) AS BIGINT) FROM assessment_transitions
             WHERE to_state = 'dark' AND from_state <> 'dark' AND at > $1 AND at <= $2",
        )
        .bind(from)
        .bind(until)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        let came_back: i64 = sqlx::query(
            "SELECT CAST(COUNT(DISTINCT t.deal_id) AS BIGINT) FROM assessment_transitions t
             WHERE t.from_state = 'dark' AND t.to_state <> 'dark' AND t.at > $1 AND t.at <= $2
               AND EXISTS (SELECT 1 FROM activities a WHERE a.deal_id = t.deal_id
                   AND a.direction = 'inbound' AND a.outcome IN ('replied', 'wrote')
                   AND a.at > $1 AND a.at <= t.at)",
        )
        .bind(from)
        .bind(until)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        let closed = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN lost_reason = 'unresponsive' THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM deals WHERE status IN ('lost', 'nurture') AND lost_at > $1 AND lost_at <= $2",
        )
        .bind(from)
        .bind(until)
        .fetch_one(&self.pool)
        .await?;
        Ok(WindowCounts {
            went_dark,
            came_back,
            closed: closed.try_get(0)?,
            closed_unresponsive: closed.try_get(1)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Closing, NewActivity, NewContact, NewDeal};
    use rekindle_core::*;

    async fn clear(store: &Store) {
        sqlx::query("DELETE FROM assessments_stale")
            .execute(store.pool())
            .await
            .unwrap();
    }

    /// The deals marked since the last `clear`, and the model's counters.
    async fn marked(store: &Store) -> (Vec<DealId>, ModelState) {
        let state = store.model_state().await.unwrap();
        (store.stale_deals(state.changes).await.unwrap(), state)
    }

    fn deal(account: &str, at: Timestamp) -> NewDeal {
        NewDeal {
            title: "Pilot".into(),
            account: account.into(),
            account_domain: None,
            owner: "ana".into(),
            stage: "qualified".into(),
            amount: Money::new(100_000, Currency::USD),
            expected_close: None,
            created_at: at,
        }
    }

    #[tokio::test]
    async fn every_write_to_a_deal_marks_its_accounts_deals_stale_in_its_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("r.db")).await.unwrap();
        let at: Timestamp = "2026-03-02T15:00:00Z".parse().unwrap();
        let a1 = store.add_deal(deal("Acme", at)).await.unwrap();
        let a2 = store.add_deal(deal("Acme", at)).await.unwrap();
        let other = store.add_deal(deal("Other", at)).await.unwrap();
        assert_eq!(marked(&store).await.0, vec![a1, a2, other]);
        let contact = store
            .add_contact(NewContact {
                account: "Acme".into(),
                name: "Kim".into(),
                emails: vec![EmailAddress::parse("kim@acme.example").unwrap()],
                title: None,
                role: None,
                do_not_contact: false,
                time_zone: None,
            })
            .await
            .unwrap();
        let commitment = store
            .add_commitment(a1, Party::Prospect, "send the numbers", at, "call", at)
            .await
            .unwrap();
        let acme = vec![a1, a2];
        let step = NextStep {
            what: "Demo".into(),
            due: Some(at),
            booked: false,
            set_at: at,
        };
        let activity = || NewActivity {
            kind: ActivityKind::Call,
            direction: Direction::Outbound,
            at,
            outcome: Some(Outcome::Connected),
            contact: None,
            summary: "Called".into(),
            body: None,
            play: None,
            returns_on: None,
            subject: None,
        };
        let mut writes = 0;
        macro_rules! marks_acme {
            ($what:literal, $write:expr) => {
                clear(&store).await;
                let before = store.model_state().await.unwrap().changes;
                $write.await.unwrap();
                let (deals, state) = marked(&store).await;
                assert_eq!(deals, acme, "{}", $what);
                assert!(state.changes > before, "{}", $what);
                writes += 1;
            };
        }
        marks_acme!("do not contact", store.set_do_not_contact(contact, true));
        marks_acme!(
            "time zone",
            store.set_contact_time_zone(contact, Some("Europe/Berlin"))
        );
        marks_acme!("activity", store.log_activity(a1, activity()));
        marks_acme!(
            "fact",
            store.add_fact(a2, FactKind::Problem, "slow", "call", at, None)
        );
        marks_acme!(
            "commitment",
            store.add_commitment(a1, Party::Rep, "call back", at, "call", at)
        );
        marks_acme!(
            "commitment kept",
            store.set_commitment_status(commitment, CommitmentStatus::Kept)
        );
        marks_acme!("next step", store.set_next_step(a1, &step));
        marks_acme!(
            "close date",
            store.set_close_date(a1, jiff::civil::date(2026, 6, 30), at)
        );
        marks_acme!(
            "contract",
            store.set_contract(
                a1,
                &Contract {
                    vendor: "Them".into(),
                    ends_on: jiff::civil::date(2027, 1, 1),
                    notice_days: 30,
                }
            )
        );
        marks_acme!("needed feature", store.add_needed_feature(a1, "sso", None));
        marks_acme!(
            "close",
            store.close(
                a2,
                &Closing {
                    status: DealStatus::Won,
                    loss: None,
                    resurface_on: None,
                }
            )
        );
        let moves = store.model_state().await.unwrap().stage_moves;
        marks_acme!("stage", store.move_stage(a1, "discovery", at));
        assert_eq!(store.model_state().await.unwrap().stage_moves, moves + 1);
        assert_eq!(writes, 12);

        // Captured activity marks through the capture writer's own connection.
        clear(&store).await;
        let mut writer = store.capture_writer().unwrap();
        writer.log_activity(a2, activity()).unwrap();
        writer.commit().unwrap();
        assert_eq!(marked(&store).await.0, acme);

        // A write that fails marks nothing: the mark is in its transaction.
        clear(&store).await;
        assert!(store.log_activity(DealId(999), activity()).await.is_err());
        assert!(marked(&store).await.0.is_empty());

        // The policy and imports outdate the whole model.
        let generation = store.model_state().await.unwrap().generation;
        store.set_policy(&Policy::default()).await.unwrap();
        let state = store.model_state().await.unwrap();
        assert_eq!(state.generation, generation + 1);
        assert!(!state.whole);
    }

    #[tokio::test]
    async fn a_write_made_while_a_refresh_reads_stays_marked_and_an_outdated_model_stays_outdated()
    {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("r.db")).await.unwrap();
        let at: Timestamp = "2026-03-02T15:00:00Z".parse().unwrap();
        let early = store.add_deal(deal("Acme", at)).await.unwrap();
        // The refresh reads the model's state, then the record...
        let seen = store.model_state().await.unwrap();
        // ...while a write lands, and another outdates the whole model.
        let late = store.add_deal(deal("Other", at)).await.unwrap();
        store.set_policy(&Policy::default()).await.unwrap();
        store
            .replace_model(Vec::new(), at, "{}", &seen)
            .await
            .unwrap();
        let (deals, state) = marked(&store).await;
        assert_eq!(
            deals,
            vec![late],
            "the early mark is cleared, the late one kept"
        );
        assert_eq!(state.assessed_at, Some(at));
        assert!(!state.whole && !state.usable_at(at));
        // A refresh that saw everything leaves a whole model with nothing stale.
        let seen = store.model_state().await.unwrap();
        store
            .replace_model(Vec::new(), at, "{}", &seen)
            .await
            .unwrap();
        let (deals, state) = marked(&store).await;
        assert!(deals.is_empty() && state.usable_at(at), "{early}");
        // A re-assessment at another moment than the model's gives way.
        let later = at + jiff::SignedDuration::from_secs(60);
        assert!(
            !store
                .update_model(&[late], Vec::new(), later, &state)
                .await
                .unwrap()
        );
    }

    fn row(deal: DealId, state: &str, body: &str) -> NewAssessment {
        NewAssessment {
            deal_id: deal,
            state: state.into(),
            worst: 1,
            risk: 10,
            top_signal: Some("single_threaded".into()),
            top_summary: Some("only one person engaged".into()),
            signals: vec!["single_threaded".into()],
            next_play: None,
            next_why: None,
            next_due: "2026-03-02T15:00:00Z".parse().unwrap(),
            due_day: 20_514,
            days_in_stage: 3,
            rotting: false,
            desperation: false,
            owner: "ana".into(),
            stage: "qualified".into(),
            status: "open".into(),
            amount_cents: 100,
            currency: "USD".into(),
            account: "Acme".into(),
            title: "Pilot".into(),
            expected_close: None,
            resurface_on: None,
            body: body.into(),
        }
    }

    #[tokio::test]
    async fn a_refresh_rewrites_the_rows_that_changed_and_moves_every_rows_moment() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("r.db")).await.unwrap();
        let at: Timestamp = "2026-03-02T15:00:00Z".parse().unwrap();
        let (one, two, three) = (DealId(1), DealId(2), DealId(3));
        let seen = store.model_state().await.unwrap();
        let first = vec![
            row(one, "healthy", "{}"),
            row(two, "healthy", "{}"),
            row(three, "dark", "{}"),
        ];
        store.replace_model(first, at, "{}", &seen).await.unwrap();
        let later = at + jiff::SignedDuration::from_secs(3_600);
        let second = vec![row(one, "healthy", "{}"), row(two, "dark", "{\"x\":1}")];
        store
            .replace_model(second, later, "{}", &seen)
            .await
            .unwrap();
        let rows = store.model_rows().await.unwrap();
        let got: Vec<(DealId, Timestamp, &str)> = rows
            .iter()
            .map(|r| (r.deal_id, r.assessed_at, r.body.as_str()))
            .collect();
        assert_eq!(got, vec![(one, later, "{}"), (two, later, "{\"x\":1}")]);
        let signals: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deal_assessment_signals")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(signals, 2, "the gone deal's signal went with it");
        let changes = store.window_counts(at, later).await.unwrap();
        assert_eq!(changes.went_dark, 1, "two turned dark at the later moment");
    }

    /// The rows counted as Today counts them, to hold the kept counts to.
    async fn counted(store: &Store, day: i64) -> (i64, i64) {
        let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deal_assessments")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let due: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deal_assessments WHERE next_play IS NOT NULL AND due_day <= $1",
        )
        .bind(day)
        .fetch_one(store.pool())
        .await
        .unwrap();
        (all, due)
    }

    #[tokio::test]
    async fn the_counts_kept_with_the_model_follow_every_refresh_and_re_assessment() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("r.db")).await.unwrap();
        let at: Timestamp = "2026-03-02T15:00:00Z".parse().unwrap();
        let day = day_of(at);
        let due = |deal: i64, on: i64| {
            let mut r = row(DealId(deal), "dark", "{}");
            r.next_play = Some("breakup".into());
            r.due_day = on;
            r
        };
        let seen = store.model_state().await.unwrap();
        let first = vec![
            due(1, day - 3),
            due(2, day),
            due(3, day + 2),
            row(DealId(4), "healthy", "{}"),
        ];
        store.replace_model(first, at, "{}", &seen).await.unwrap();
        let kept = store.today_counts(day).await.unwrap();
        let kept = (kept.open as i64, kept.due as i64);
        assert_eq!(kept, (4, 2));
        assert_eq!(kept, counted(&store, day).await);
        // Deal 1 is no longer due, deal 4 now is, deal 3 leaves the scan, deal 5 comes in.
        let state = store.model_state().await.unwrap();
        let moved = store
            .update_model(
                &[DealId(1), DealId(3), DealId(4), DealId(5)],
                vec![
                    row(DealId(1), "healthy", "{}"),
                    due(4, day),
                    due(5, day - 1),
                ],
                at,
                &state,
            )
            .await
            .unwrap();
        assert!(moved);
        let kept = store.today_counts(day).await.unwrap();
        let kept = (kept.open as i64, kept.due as i64);
        assert_eq!(kept, (4, 3));
        assert_eq!(kept, counted(&store, day).await);
        // Another day than the model's is counted from the rows.
        assert_eq!(
            store.today_counts(day + 2).await.unwrap().due as i64,
            counted(&store, day + 2).await.1
        );
    }

    /// Every filter the kept totals answer, over rows of two owners, three stages, two states
    /// and two currencies.
    fn kept_filters() -> Vec<BoardFilter> {
        let state = |s: &str| StateFilter {
            state: s.into(),
            worst_from: 0,
            worst_until: 0,
        };
        let mut filters = vec![BoardFilter::default()];
        for owner in [None, Some("ana"), Some("ben")] {
            for stage in [None, Some("qualified"), Some("proposal")] {
                for st in [None, Some("dark"), Some("healthy")] {
                    filters.push(BoardFilter {
                        owner: owner.map(str::to_string),
                        stage: stage.map(str::to_string),
                        state: st.map(state),
                        ..BoardFilter::default()
                    });
                }
            }
        }
        filters
    }

    #[tokio::test]
    async fn the_kept_column_totals_equal_the_rows_summed_after_every_refresh_and_re_assessment() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("r.db")).await.unwrap();
        let at: Timestamp = "2026-03-02T15:00:00Z".parse().unwrap();
        let varied = |deal: i64, state: &str| {
            let mut r = row(DealId(deal), state, "{}");
            r.owner = if deal % 2 == 0 { "ana" } else { "ben" }.into();
            r.stage = ["qualified", "proposal", "demo"][(deal % 3) as usize].into();
            r.currency = if deal % 5 == 0 { "EUR" } else { "USD" }.into();
            r.amount_cents = deal * 1_000;
            r.rotting = deal % 4 == 0;
            r
        };
        let check = |store: Store| async move {
            for filter in kept_filters() {
                let kept = store.kept_columns(&filter).await.unwrap();
                let summed = store.summed_columns(&filter).await.unwrap();
                assert_eq!(kept, summed, "{filter:?}");
            }
            store
        };
        let seen = store.model_state().await.unwrap();
        let first: Vec<NewAssessment> = (1..=30)
            .map(|d| varied(d, if d % 3 == 0 { "dark" } else { "healthy" }))
            .collect();
        store.replace_model(first, at, "{}", &seen).await.unwrap();
        let store = check(store).await;
        let totals: i64 =
            sqlx::query_scalar("SELECT CAST(SUM(deals) AS BIGINT) FROM deal_assessment_totals")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(totals, 30);
        // Re-assessed: deal 2 turns dark and moves owner, deal 3 leaves, deal 31 comes in.
        let state = store.model_state().await.unwrap();
        let mut two = varied(2, "dark");
        two.owner = "ben".into();
        two.amount_cents = 77;
        store
            .update_model(
                &[DealId(2), DealId(3), DealId(31)],
                vec![two, varied(31, "dark")],
                at,
                &state,
            )
            .await
            .unwrap();
        let store = check(store).await;
        // A refresh at a later moment in which every deal moved stage: no total is left over.
        let later = at + jiff::SignedDuration::from_secs(3_600);
        let seen = store.model_state().await.unwrap();
        let moved: Vec<NewAssessment> = (1..=10)
            .map(|d| {
                let mut r = varied(d, "healthy");
                r.stage = "negotiation".into();
                r
            })
            .collect();
        store
            .replace_model(moved, later, "{}", &seen)
            .await
            .unwrap();
        let store = check(store).await;
        let left: Vec<(String, i64)> = sqlx::query_as(
            "SELECT stage, CAST(SUM(deals) AS BIGINT) FROM deal_assessment_totals GROUP BY stage",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        assert_eq!(left, vec![("negotiation".to_string(), 10)]);
        // A row is replaced, never updated in what the totals count.
        let moved = sqlx::query("UPDATE deal_assessments SET stage = 'demo' WHERE deal_id = 1")
            .execute(store.pool())
            .await;
        assert!(moved.is_err(), "an update the totals would miss is refused");
        check(store).await;
    }
}
