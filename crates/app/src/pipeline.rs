//! Reading the pipeline: the scan of every open deal, what is due today, the board, the
//! manager's figures, and one deal assessed.
//!
//! Every read of assessments comes from the store's read model, brought to the moment asked
//! for first (`model::fresh`): when the model was assessed at another `now` (the CLI's `--now`,
//! a page's `?now=`), the whole pipeline is re-assessed at that moment before the read, so the
//! same `now` over the same record always gives the same answer; at the model's own moment only
//! the deals a write changed since are re-assessed. [`refresh`] re-assesses everything at a new
//! moment (time passes without writes: silence grows), for a server to run in the background.

use crate::model::{self, from_stored, rows_from, worst};
use crate::{AppError, Caller};
use jiff::Timestamp;
use jiff::civil::Date;
use rekindle_core::assess::by_urgency;
use rekindle_core::signals::SignalKind;
use rekindle_core::*;
use rekindle_store::{BoardFilter, Filter, Scope, StateFilter, Store, TodayCounts};
use serde::Serialize;

pub use crate::model::Refreshed;

/// One deal in a scan: what it is, and its assessment.
#[derive(Serialize)]
pub struct ScanRow {
    /// Also in the assessment, which is flattened into the row.
    #[serde(skip)]
    pub deal_id: DealId,
    pub title: String,
    pub account: String,
    pub owner: String,
    pub stage: String,
    pub amount: Money,
    pub status: DealStatus,
    /// Their date to look again, when one is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resurface_on: Option<jiff::civil::Date>,
    #[serde(flatten)]
    pub assessment: Assessment,
}

impl ScanRow {
    /// Whether the deal is rotting: stalled in its stage past the stage's mark (the
    /// `stalled_in_stage` signal) or dark. The board's and the manager's rotting counts use
    /// this rule (the read model keeps it per deal).
    pub fn rotting(&self) -> bool {
        rotting(&self.assessment)
    }

    pub(crate) fn new(r: &DealRecord, assessment: Assessment) -> Self {
        let d = &r.deal;
        ScanRow {
            deal_id: d.id,
            title: d.title.clone(),
            account: d.account.name.clone(),
            owner: d.owner.clone(),
            stage: d.stage.clone(),
            amount: d.amount,
            status: d.status,
            resurface_on: d.resurface_on,
            assessment,
        }
    }
}

/// The open deals (and the nurtured ones whose date to look again has come) with their
/// assessments at one moment, in deal id order.
pub struct Scan {
    pub rows: Vec<ScanRow>,
}

impl Scan {
    /// The rows worst first: dark before slipping before at risk before healthy, then higher
    /// risk, then deal id.
    pub fn worst_first(&self) -> Vec<&ScanRow> {
        let mut sorted: Vec<&ScanRow> = self.rows.iter().collect();
        sorted.sort_by(|x, y| {
            let (a, b) = (&x.assessment, &y.assessment);
            b.state
                .cmp(&a.state)
                .then(b.risk.cmp(&a.risk))
                .then(x.deal_id.cmp(&y.deal_id))
        });
        sorted
    }

    /// The rows whose next action is a play due on `now`'s day or before, most urgent first
    /// (`assess::by_urgency`).
    pub fn due(&self, now: Timestamp) -> Vec<&ScanRow> {
        let today = time::date_of(now);
        let mut due: Vec<&ScanRow> = self
            .rows
            .iter()
            .filter(|r| {
                r.assessment.next_action.play.is_some()
                    && time::date_of(r.assessment.next_action.due) <= today
            })
            .collect();
        due.sort_by(|a, b| by_urgency(&a.assessment, &b.assessment));
        due
    }

    /// The row whose play falls due first (the most urgent among those due the same moment),
    /// if any play is planned: what comes next when nothing is due today.
    pub fn next_planned(&self) -> Option<&ScanRow> {
        self.rows
            .iter()
            .filter(|r| r.assessment.next_action.play.is_some())
            .min_by(|a, b| {
                a.assessment
                    .next_action
                    .due
                    .cmp(&b.assessment.next_action.due)
                    .then_with(|| by_urgency(&a.assessment, &b.assessment))
            })
    }
}

/// The team's stage durations at `now` (`norms`): the read model's when it holds the
/// pipeline assessed at `now` and no stage moved since (they were learned from the same
/// histories then), else learned afresh ([`learn_stage_norms`]). A page or a deal's view then
/// reads a few rows instead of every deal's stage history.
///
/// Errors: the store's.
pub async fn stage_norms(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
) -> Result<Norms, AppError> {
    Ok(stage_norms_and_policy(store, caller, now).await?.0)
}

/// [`stage_norms`] with the policy, read in the same statement as the model's state.
async fn stage_norms_and_policy(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
) -> Result<(Norms, Policy), AppError> {
    let state = store.model_state().await?;
    if state.usable_at(now)
        && !state.stages_moved
        && let Some(norms) = model::norms_from(state.stage_norms.as_deref())
    {
        return Ok((norms, state.policy));
    }
    Ok((learn_stage_norms(store, caller, now).await?, state.policy))
}

/// The team's stage durations, learned from every deal's stage history (`norms`).
///
/// Errors: the store's.
pub(crate) async fn learn_stage_norms(
    store: &Store,
    _caller: &Caller,
    now: Timestamp,
) -> Result<Norms, AppError> {
    let mut b = NormsBuilder::default();
    for history in store.stage_histories().await? {
        b.observe_stages(&history, now);
    }
    Ok(b.finish())
}

/// Whether the scan (and `today`) looks at a deal: every open deal, and a nurtured one whose
/// date to look again has come (before it, nothing proposes a touch: `reach`).
pub(crate) fn in_scan(r: &DealRecord, now: Timestamp) -> bool {
    match r.deal.status {
        DealStatus::Open => true,
        DealStatus::Nurture => r
            .deal
            .resurface_on
            .is_some_and(|on| on <= time::date_of(now)),
        DealStatus::Won | DealStatus::Lost => false,
    }
}

/// Every open deal (and every nurtured one whose date has come) assessed at `now`, in deal id
/// order: each account's deals teach its contacts' reply habits, every deal teaches the stage
/// durations. Read from the read model, brought to `now` first (the whole pipeline re-assessed
/// when the model was assessed at another moment; see the module's documentation).
///
/// Errors: the store's (an unreadable deal or stored assessment names its row).
pub async fn scan(store: &Store, caller: &Caller, now: Timestamp) -> Result<Scan, AppError> {
    model::fresh(store, caller, now).await?;
    Ok(Scan {
        rows: rows_from(store.model_rows().await?)?,
    })
}

/// Re-assesses every deal in the scan at `now` and stores the result as the read model, in one
/// transaction: what a server runs in the background as time passes (silence grows without any
/// write). A write made while it runs stays marked, for the next read.
///
/// Errors: the store's.
pub async fn refresh(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
) -> Result<Refreshed, AppError> {
    model::refresh(store, caller, now).await
}

/// The moment the read model was last assessed at, if it ever was, and whether a write since
/// outdated all of it (the policy, the stages, an import). A server that refreshes in the
/// background reads its pages at this moment (a page at it re-assesses only the deals written
/// since), and at another only when the request names one (`?now=`): a read at any other moment
/// re-assesses the whole pipeline first.
///
/// Errors: the store's.
pub async fn assessed_at(store: &Store, _caller: &Caller) -> Result<Option<Timestamp>, AppError> {
    let state = store.model_state().await?;
    Ok(state.assessed_at.filter(|_| state.whole))
}

/// What waits for the rep's decision, counted.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Waiting {
    /// Readings of replies that wait for the rep (uncertain or indirect).
    pub replies: usize,
    /// Outbox drafts to review and approve.
    pub drafts: usize,
    /// Outbox messages refused at send time.
    pub refused: usize,
    /// Outbox messages that may have gone out: the rep confirms them.
    pub unconfirmed: usize,
}

/// The day's work: the actions due, and what waits for the rep.
pub struct Today<R = ScanRow> {
    /// The moment it was assessed at.
    pub at: Timestamp,
    /// The deals whose play is due on `at`'s day (UTC) or before, most urgent first
    /// (`assess::by_urgency`): all of them whole, or the first of them as cards
    /// ([`today_first`]).
    pub actions: Vec<R>,
    /// How many deals have a play due on `at`'s day or before.
    pub due_count: usize,
    /// How many deals the scan holds (open, and nurtured whose date has come).
    pub open: usize,
    /// When nothing is due: the deal whose play falls due first (the most urgent among those
    /// due the same moment), if any play is planned. `None` when something is due.
    pub next_planned: Option<R>,
    pub waiting: Waiting,
}

impl<R> Today<R> {
    /// The actions due today or overdue, most urgent first.
    pub fn due(&self) -> Vec<&R> {
        self.actions.iter().collect()
    }
}

/// Counts what waits for the rep: replies to decide, drafts to approve, messages refused or
/// left in doubt.
///
/// Errors: the store's.
pub async fn waiting(store: &Store, _caller: &Caller) -> Result<Waiting, AppError> {
    Ok(Waiting::of(store.waiting_counts().await?))
}

impl Waiting {
    fn of(w: rekindle_store::WaitingCounts) -> Self {
        Waiting {
            replies: w.replies,
            drafts: w.drafts,
            refused: w.refused,
            unconfirmed: w.unconfirmed,
        }
    }
}

/// The day's work at `now`: every action due (as [`Scan::due`] picks and orders them, read from
/// the read model), what comes next when nothing is, and what waits for the rep.
///
/// Errors: the store's.
pub async fn today(store: &Store, caller: &Caller, now: Timestamp) -> Result<Today, AppError> {
    today_page(store, caller, now, 0, None).await
}

/// [`today`] a page at a time: the actions due from the `skip`-th on (0 first), at most
/// `limit` when given, whole; `due_count` counts them all.
///
/// Errors: the store's.
pub async fn today_page(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
    skip: u64,
    limit: Option<u32>,
) -> Result<Today, AppError> {
    let day = today_day(store, caller, now).await?;
    let actions = rows_from(store.model_rows_due(day, skip, limit).await?)?;
    let counts = store.today_counts(day).await?;
    let due_count = if skip == 0 && limit.is_none() {
        actions.len()
    } else {
        counts.due
    };
    let next_planned = match due_count {
        0 => store
            .model_next_planned()
            .await?
            .map(from_stored)
            .transpose()?,
        _ => None,
    };
    Ok(today_of(now, actions, due_count, next_planned, counts))
}

/// [`today`] with at most `limit` actions, the most urgent (a page's worth), as cards read
/// from the model's slim rows: `due_count` still counts them all.
///
/// Errors: the store's.
pub async fn today_first(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
    limit: u32,
) -> Result<Today<BoardCard>, AppError> {
    let day = today_day(store, caller, now).await?;
    let actions = store
        .model_cards_due(day, Some(limit))
        .await?
        .into_iter()
        .map(BoardCard::from_stored)
        .collect::<Result<Vec<_>, _>>()?;
    let counts = store.today_counts(day).await?;
    let next_planned = match counts.due {
        0 => store
            .model_next_planned_card()
            .await?
            .map(BoardCard::from_stored)
            .transpose()?,
        _ => None,
    };
    Ok(today_of(now, actions, counts.due, next_planned, counts))
}

/// The model brought to `now`, and `now`'s UTC day (days since 1970-01-01): what Today reads.
async fn today_day(store: &Store, caller: &Caller, now: Timestamp) -> Result<i64, AppError> {
    model::fresh(store, caller, now).await?;
    Ok(now.as_second().div_euclid(time::SECONDS_PER_DAY))
}

/// Today around its actions: the deals the model holds and what waits for the rep added.
fn today_of<R>(
    now: Timestamp,
    actions: Vec<R>,
    due_count: usize,
    next_planned: Option<R>,
    counts: TodayCounts,
) -> Today<R> {
    Today {
        at: now,
        actions,
        due_count,
        open: counts.open,
        next_planned,
        waiting: Waiting::of(counts.waiting),
    }
}

/// One deal with its full text, assessed exactly as the scan assesses it, and the policy it was
/// assessed with.
pub struct DealView {
    pub record: DealRecord,
    pub assessment: Assessment,
    pub policy: Policy,
    /// The norms it was assessed against: the account's reply habits, the team's stage
    /// durations (what the silence on a timeline is measured by).
    pub norms: Norms,
}

/// One deal at `now`: its record, its assessment (the account's reply habits, the team's
/// stage durations) and the policy.
///
/// Errors: `StoreError::NotFound` (kind `NotFound`) for an unknown deal; the store's.
pub async fn deal(
    store: &Store,
    caller: &Caller,
    id: DealId,
    now: Timestamp,
) -> Result<DealView, AppError> {
    let record = store.deal(id).await?;
    let account = store
        .load(Filter {
            scope: Scope::AccountOf(id),
            with_text: false,
        })
        .await?;
    let (stages, policy) = stage_norms_and_policy(store, caller, now).await?;
    let norms = stages.with_replies_from(&account, now);
    let assessment = assess(&record, now, &policy, &norms);
    Ok(DealView {
        record,
        assessment,
        policy,
        norms,
    })
}

/// What the board shows: filters (all optional, all must hold), a page size and where the page
/// starts.
#[derive(Clone, Debug, Default)]
pub struct BoardQuery {
    /// The deal's owner, exactly as recorded.
    pub owner: Option<String>,
    /// A stage of the configured pipeline (any case).
    pub stage: Option<String>,
    pub state: Option<DealState>,
    /// Deals whose assessment carries this signal.
    pub signal: Option<SignalKind>,
    /// Words the title contains, any case.
    pub text: Option<String>,
    /// Where the page starts: a previous page's `next_cursor`; the first page when `None`.
    pub cursor: Option<String>,
    /// Rows per page, 1 to [`MAX_PAGE`] (a larger number is taken as `MAX_PAGE`, 0 as 1).
    pub limit: u32,
}

/// The most rows a board page holds.
pub const MAX_PAGE: u32 = 500;

/// One stage's column of the board, over the filtered deals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub stage: String,
    /// Deals in the stage.
    pub count: u64,
    /// Their amounts summed per currency (integer cents), in currency-code order.
    pub totals: Vec<Money>,
    /// Of those, the deals rotting: stalled in the stage (the `stalled_in_stage` signal) or dark.
    pub rotting: u64,
}

/// A page of the board: its deals whole ([`ScanRow`], what the API gives) or as cards
/// ([`BoardCard`], what the board page draws).
#[derive(Serialize)]
pub struct Board<R = ScanRow> {
    /// The moment the deals were assessed at.
    pub at: Timestamp,
    /// Every configured stage in the pipeline's order (a stage some deal is in that the
    /// pipeline no longer lists comes after), counted over the filtered deals, whatever the page.
    pub columns: Vec<Column>,
    /// The page: worst first (dark before slipping before at risk before healthy, then higher
    /// risk, then deal id), as [`Scan::worst_first`] orders.
    pub rows: Vec<R>,
    /// Where the next page starts, when there is one. Opaque: give it back as `cursor`.
    pub next_cursor: Option<String>,
}

/// Where a page ends: the last row's place in the worst-first order (its `worst`, its id).
fn cursor_of(worst: i64, deal: DealId) -> String {
    format!("{worst:x}.{:x}", deal.0)
}

/// One deal as a board card shows it, read from the model's slim row (`Store::board_cards`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoardCard {
    pub deal_id: DealId,
    pub title: String,
    pub account: String,
    pub owner: String,
    pub stage: String,
    pub amount: Money,
    pub state: DealState,
    /// 0-100, as the assessment's.
    pub risk: u32,
    /// The heaviest signal's one-line summary.
    pub top_signal: Option<String>,
    /// The next play, or `None` to wait.
    pub next_play: Option<PlayKind>,
    /// Why that play (`NextAction::why`).
    pub why: String,
    /// When it falls due (UTC).
    pub next_due: Timestamp,
    /// Stalled in its stage past the stage's mark, or dark ([`ScanRow::rotting`]'s rule).
    pub rotting: bool,
    /// Its place in the worst-first order (`model::worst`).
    #[serde(skip)]
    pub worst: i64,
}

impl BoardCard {
    fn from_stored(c: rekindle_store::StoredCard) -> Result<Self, AppError> {
        let corrupt = |detail: String| {
            AppError::Store(rekindle_store::StoreError::Corrupt {
                table: "deal_assessments",
                id: c.deal_id.0,
                detail,
            })
        };
        let currency = Currency::parse(&c.currency).map_err(|e| corrupt(e.to_string()))?;
        let state = DealState::parse(&c.state).map_err(|e| corrupt(e.to_string()))?;
        let next_play = c
            .next_play
            .as_deref()
            .map(PlayKind::parse)
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?;
        let next_due = Timestamp::from_second(c.next_due).map_err(|e| corrupt(e.to_string()))?;
        Ok(BoardCard {
            deal_id: c.deal_id,
            title: c.title,
            account: c.account,
            owner: c.owner,
            stage: c.stage,
            amount: Money::new(c.amount_cents, currency),
            state,
            risk: u32::try_from(c.risk).unwrap_or(0),
            top_signal: c.top_summary,
            next_play,
            why: c.next_why.unwrap_or_default(),
            next_due,
            rotting: c.rotting,
            worst: c.worst,
        })
    }
}

fn parse_cursor(text: &str) -> Result<(i64, DealId), AppError> {
    let invalid = || {
        AppError::Invalid(ParseError::new(
            "cursor",
            text,
            "the next_cursor of a previous page of the board",
        ))
    };
    let (w, d) = text.split_once('.').ok_or_else(invalid)?;
    let hex = |t: &str| {
        (!t.is_empty() && t.len() <= 15 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| i64::from_str_radix(t, 16).ok())
            .flatten()
    };
    match (hex(w), hex(d)) {
        (Some(w), Some(d)) if d > 0 => Ok((w, DealId(d))),
        _ => Err(invalid()),
    }
}

/// The pipeline board at `now`: the stage columns and one page of deals, filtered, worst first,
/// read from the read model (brought to `now` first). Pages follow one another by keyset
/// (`cursor`): a deal is never on two pages nor skipped while the model stays at one moment.
///
/// Errors: `Invalid` naming `cursor` for a cursor no page gave, naming `stage` for a stage the
/// pipeline lacks; the store's.
pub async fn board(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
    query: &BoardQuery,
) -> Result<Board, AppError> {
    let (filter, after, limit, pipeline) = board_filter(store, caller, now, query).await?;
    let mut page = store.board_rows(&filter, after, limit + 1).await?;
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    let rows: Vec<ScanRow> = page
        .into_iter()
        .map(from_stored)
        .collect::<Result<_, _>>()?;
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|r| cursor_of(worst(&r.assessment), r.deal_id));
    Ok(Board {
        at: now,
        columns: board_columns(store, &filter, &pipeline).await?,
        rows,
        next_cursor,
    })
}

/// [`board`] as cards: each deal as a card shows it, read from the model's slim rows alone
/// (no assessment decoded), for a page that draws many. The same filters, order and cursors.
///
/// Errors: those of [`board`].
pub async fn board_cards(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
    query: &BoardQuery,
) -> Result<Board<BoardCard>, AppError> {
    let (filter, after, limit, pipeline) = board_filter(store, caller, now, query).await?;
    let mut page = store.board_cards(&filter, after, limit + 1).await?;
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    let rows: Vec<BoardCard> = page
        .into_iter()
        .map(BoardCard::from_stored)
        .collect::<Result<_, _>>()?;
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|c| cursor_of(c.worst, c.deal_id));
    Ok(Board {
        at: now,
        columns: board_columns(store, &filter, &pipeline).await?,
        rows,
        next_cursor,
    })
}

/// The store's filter for `query`, where the page starts and its size, with the model brought
/// to `now`.
async fn board_filter(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
    query: &BoardQuery,
) -> Result<(BoardFilter, Option<(i64, DealId)>, u32, Pipeline), AppError> {
    let after = query.cursor.as_deref().map(parse_cursor).transpose()?;
    let pipeline = model::fresh(store, caller, now).await?.pipeline;
    let stage = match &query.stage {
        Some(s) => Some(pipeline.stages[pipeline.position(s)?].name.clone()),
        None => None,
    };
    let filter = BoardFilter {
        owner: query.owner.clone(),
        stage,
        state: query.state.map(|s| {
            let (worst_from, worst_until) = model::worst_range(s);
            StateFilter {
                state: s.as_str().to_string(),
                worst_from,
                worst_until,
            }
        }),
        signal: query.signal.map(|s| s.as_str().to_string()),
        text: query
            .text
            .as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty()),
    };
    Ok((filter, after, query.limit.clamp(1, MAX_PAGE), pipeline))
}

/// Every configured stage's column over the filtered deals, in the pipeline's order (a stage
/// some deal is in that the pipeline no longer lists comes after).
async fn board_columns(
    store: &Store,
    filter: &BoardFilter,
    pipeline: &Pipeline,
) -> Result<Vec<Column>, AppError> {
    let mut columns: Vec<Column> = pipeline
        .stages
        .iter()
        .map(|s| Column {
            stage: s.name.clone(),
            count: 0,
            totals: Vec::new(),
            rotting: 0,
        })
        .collect();
    for total in store.board_columns(filter).await? {
        let at = match columns.iter().position(|c| c.stage == total.stage) {
            Some(i) => i,
            None => {
                columns.push(Column {
                    stage: total.stage.clone(),
                    count: 0,
                    totals: Vec::new(),
                    rotting: 0,
                });
                columns.len() - 1
            }
        };
        let column = &mut columns[at];
        column.count += total.count.max(0) as u64;
        column.rotting += total.rotting.max(0) as u64;
        column.totals.push(Money::new(
            total.amount_cents,
            Currency::parse(&total.currency)?,
        ));
    }
    Ok(columns)
}

/// One owner's figures on the manager's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OwnerFigures {
    pub owner: String,
    /// Their deals in the scan assessed dark.
    pub dark: u64,
    /// Their deals in the scan carrying the `desperation` signal.
    pub desperation: u64,
    /// Their deals in the scan.
    pub deals: u64,
}

/// One stage of the funnel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageFigures {
    pub stage: String,
    /// Deals in the scan in the stage.
    pub deals: u64,
    /// Of those, the rotting ones (stalled in the stage, or dark).
    pub rotting: u64,
}

/// What happened over the week before the manager's moment, `(from, at]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Week {
    /// The window's start: 7 days before the moment (excluded).
    pub from: Timestamp,
    /// Deals whose assessment turned dark (from another state) at a moment in the window. The
    /// read model keeps each change of a deal's state when a re-assessment finds one (a write, a
    /// refresh at a later moment), stamped with the moment assessed at; a deal first assessed
    /// dark has no earlier state and is not counted.
    pub went_dark: u64,
    /// Deals whose assessment left dark at a moment in the window and that received a reply from
    /// the prospect (an inbound activity with outcome `replied` or `wrote`) in the window, at
    /// or before that moment: a reply revived them.
    pub came_back: u64,
    /// Deals closed lost or to nurture whose loss was recorded in the window (`close`, or a
    /// reply read as a loss), whatever the reason.
    pub closed: u64,
    /// Of `closed`, those closed for the reason `unresponsive`.
    pub closed_unresponsive: u64,
}

/// The manager's page at a moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Manager {
    /// The moment the deals were assessed at.
    pub at: Timestamp,
    /// The calendar quarter (UTC) of `at`: its first day, and the first day of the next.
    pub quarter: (Date, Date),
    /// Forecast at risk: the summed amounts of open deals (not nurtured) assessed slipping or
    /// dark whose expected close date falls in `quarter`, per currency (integer cents), in
    /// currency-code order.
    pub forecast_at_risk: Vec<Money>,
    /// Per owner (name order), over the deals in the scan.
    pub owners: Vec<OwnerFigures>,
    /// The stage funnel: every configured stage in the pipeline's order (then any stage a deal
    /// is in that the pipeline no longer lists), over the deals in the scan.
    pub funnel: Vec<StageFigures>,
    pub week: Week,
}

/// The first day of the calendar quarter of `day`, and of the next quarter.
fn quarter_of(day: Date) -> (Date, Date) {
    let first_month = (day.month() - 1) / 3 * 3 + 1;
    let start = Date::new(day.year(), first_month, 1).unwrap_or(day);
    let end = start
        .checked_add(jiff::Span::new().months(3))
        .unwrap_or(Date::MAX);
    (start, end)
}

/// The manager's figures at `now`, read from the read model (brought to `now` first) and the
/// record: forecast at risk this quarter, dark and desperate deals per owner, the stage funnel,
/// and the week's movements ([`Week`] says what each number counts).
///
/// Errors: the store's.
pub async fn manager(store: &Store, caller: &Caller, now: Timestamp) -> Result<Manager, AppError> {
    model::fresh(store, caller, now).await?;
    let quarter = quarter_of(time::date_of(now));
    let forecast_at_risk = store
        .model_amounts(
            &[DealState::Slipping.as_str(), DealState::Dark.as_str()],
            &quarter.0.to_string(),
            &quarter.1.to_string(),
        )
        .await?
        .into_iter()
        .map(|t| Ok(Money::new(t.amount_cents, Currency::parse(&t.currency)?)))
        .collect::<Result<Vec<_>, AppError>>()?;
    let owners = store
        .model_owners()
        .await?
        .into_iter()
        .map(|o| OwnerFigures {
            owner: o.owner,
            dark: o.dark.max(0) as u64,
            desperation: o.desperation.max(0) as u64,
            deals: o.deals.max(0) as u64,
        })
        .collect();
    let pipeline = store.pipeline().await?;
    let mut funnel: Vec<StageFigures> = pipeline
        .stages
        .iter()
        .map(|s| StageFigures {
            stage: s.name.clone(),
            deals: 0,
            rotting: 0,
        })
        .collect();
    for s in store.model_stages().await? {
        let figures = StageFigures {
            stage: s.stage,
            deals: s.deals.max(0) as u64,
            rotting: s.rotting.max(0) as u64,
        };
        match funnel.iter_mut().find(|f| f.stage == figures.stage) {
            Some(f) => *f = figures,
            None => funnel.push(figures),
        }
    }
    let from = now
        .checked_sub(jiff::SignedDuration::from_secs(7 * time::SECONDS_PER_DAY))
        .unwrap_or(Timestamp::MIN);
    let counts = store.window_counts(from, now).await?;
    Ok(Manager {
        at: now,
        quarter,
        forecast_at_risk,
        owners,
        funnel,
        week: Week {
            from,
            went_dark: counts.went_dark.max(0) as u64,
            came_back: counts.came_back.max(0) as u64,
            closed: counts.closed.max(0) as u64,
            closed_unresponsive: counts.closed_unresponsive.max(0) as u64,
        },
    })
}

/// The rotting rule of an assessment ([`ScanRow::rotting`]).
pub(crate) fn rotting(a: &Assessment) -> bool {
    a.state == DealState::Dark
        || a.signals
            .iter()
            .any(|s| s.kind == SignalKind::StalledInStage)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stage durations a read takes from the read model are the ones learned from every
    /// stage history at that moment; at another moment they are learned afresh.
    #[tokio::test]
    async fn stage_norms_from_the_read_model_are_the_learned_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("r.db")).await.unwrap();
        let now: Timestamp = "2026-03-02T15:00:00Z".parse().unwrap();
        let options = demo::DemoOptions {
            seed: 7,
            deals: 40,
            activities_per_deal: 0,
        };
        store
            .import_records(demo::generate(options, now), |_| {})
            .await
            .unwrap();
        let me = Caller::local();
        refresh(&store, &me, now).await.unwrap();
        let learned = learn_stage_norms(&store, &me, now).await.unwrap();
        assert!(!learned.stage_durations().is_empty());
        let state = store.model_state().await.unwrap();
        assert!(state.usable_at(now) && state.stage_norms.is_some());
        let read = stage_norms(&store, &me, now).await.unwrap();
        assert_eq!(read.stage_durations(), learned.stage_durations());
        let later = now + jiff::SignedDuration::from_hours(24 * 90);
        assert_eq!(
            stage_norms(&store, &me, later)
                .await
                .unwrap()
                .stage_durations(),
            learn_stage_norms(&store, &me, later)
                .await
                .unwrap()
                .stage_durations()
        );
    }
}
