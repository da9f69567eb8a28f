//! The assessment read model on a real SQLite file: the board's filters and pages, freshness
//! after a write, a refresh at a later moment, and the manager's figures, each checked against
//! the scan or worked out by hand.

use jiff::{SignedDuration, Timestamp};
use rekindle_app::pipeline::{self, BoardQuery, ScanRow};
use rekindle_app::record::{self, LogInput};
use rekindle_app::{Caller, ErrorKind};
use rekindle_core::signals::SignalKind;
use rekindle_core::*;
use rekindle_store::{Closing, Store};
use std::collections::{BTreeMap, BTreeSet};

const NOW: &str = "2026-03-02T15:00:00Z";

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n * 86_400)
}

async fn demo_store(dir: &tempfile::TempDir) -> (Store, Timestamp) {
    let now: Timestamp = NOW.parse().expect("a valid instant");
    let store = Store::open(&dir.path().join("pipeline.db"))
        .await
        .expect("a new database");
    let options = demo::DemoOptions {
        seed: 7,
        deals: 40,
        activities_per_deal: 0,
    };
    store
        .import_records(demo::generate(options, now), |_| {})
        .await
        .expect("the demo pipeline loads");
    (store, now)
}

/// Every page of the board for `query`, in order, with the columns of the first page.
async fn all_pages(
    store: &Store,
    now: Timestamp,
    query: &BoardQuery,
) -> (Vec<ScanRow>, Vec<pipeline::Column>, usize) {
    let me = Caller::local();
    let mut rows = Vec::new();
    let mut query = query.clone();
    let mut pages = 0;
    let mut columns = None;
    loop {
        let board = pipeline::board(store, &me, now, &query)
            .await
            .expect("a board page");
        assert_eq!(board.at, now);
        assert!(board.rows.len() <= query.limit as usize);
        pages += 1;
        columns.get_or_insert(board.columns);
        rows.extend(board.rows);
        match board.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => break,
        }
        assert!(pages < 1000, "the pages never end");
    }
    (rows, columns.expect("one page at least"), pages)
}

/// Which of the scan's rows a board filter keeps.
type Keep = Box<dyn Fn(&ScanRow) -> bool>;

fn json(rows: &[&ScanRow]) -> serde_json::Value {
    serde_json::to_value(rows).expect("rows serialise")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_pages_through_every_filtered_deal_once_worst_first() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();
    let scan = pipeline::scan(&store, &me, now).await.expect("scan");
    let worst = scan.worst_first();
    assert!(worst.len() > 20, "the demo has enough deals to page");

    // No filter: 7 a page, every deal once, in the scan's worst-first order.
    let everything = BoardQuery {
        limit: 7,
        ..BoardQuery::default()
    };
    let (rows, columns, pages) = all_pages(&store, now, &everything).await;
    assert_eq!(pages, worst.len().div_ceil(7));
    let ids: Vec<DealId> = rows.iter().map(|r| r.deal_id).collect();
    let expected: Vec<DealId> = worst.iter().map(|r| r.deal_id).collect();
    assert_eq!(ids, expected);
    assert_eq!(json(&rows.iter().collect::<Vec<_>>()), json(&worst));

    // The columns: every configured stage in order, counted by hand from the scan.
    let policy = store.policy().await.expect("policy");
    let names: Vec<&str> = columns.iter().map(|c| c.stage.as_str()).collect();
    let configured: Vec<&str> = policy
        .pipeline
        .stages
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, configured);
    for column in &columns {
        let in_stage: Vec<&&ScanRow> = worst.iter().filter(|r| r.stage == column.stage).collect();
        assert_eq!(column.count, in_stage.len() as u64, "{}", column.stage);
        let rotting = in_stage
            .iter()
            .filter(|r| {
                r.assessment.state == DealState::Dark
                    || r.assessment
                        .signals
                        .iter()
                        .any(|s| s.kind == SignalKind::StalledInStage)
            })
            .count();
        assert_eq!(column.rotting, rotting as u64, "{}", column.stage);
        let mut totals: BTreeMap<String, i64> = BTreeMap::new();
        for r in &in_stage {
            *totals.entry(r.amount.currency.to_string()).or_default() += r.amount.cents;
        }
        let got: BTreeMap<String, i64> = column
            .totals
            .iter()
            .map(|m| (m.currency.to_string(), m.cents))
            .collect();
        assert_eq!(got, totals, "{}", column.stage);
    }

    // Each filter gives the scan's rows that pass it, still worst first, across pages.
    let owner = worst[0].owner.clone();
    let stage = worst[worst.len() / 2].stage.clone();
    let signal = worst
        .iter()
        .flat_map(|r| r.assessment.signals.iter().map(|s| s.kind))
        .next()
        .expect("a deal with a signal");
    let word: String = worst[3]
        .title
        .split_whitespace()
        .max_by_key(|w| w.len())
        .expect("a title with words")
        .to_uppercase();
    let checks: Vec<(BoardQuery, Keep)> = vec![
        (
            BoardQuery {
                owner: Some(owner.clone()),
                ..BoardQuery::default()
            },
            Box::new(move |r: &ScanRow| r.owner == owner),
        ),
        (
            BoardQuery {
                stage: Some(stage.to_uppercase()),
                ..BoardQuery::default()
            },
            Box::new(move |r: &ScanRow| r.stage == stage),
        ),
        (
            BoardQuery {
                state: Some(DealState::Dark),
                ..BoardQuery::default()
            },
            Box::new(|r: &ScanRow| r.assessment.state == DealState::Dark),
        ),
        (
            BoardQuery {
                signal: Some(signal),
                ..BoardQuery::default()
            },
            Box::new(move |r: &ScanRow| r.assessment.signals.iter().any(|s| s.kind == signal)),
        ),
        (
            BoardQuery {
                signal: Some(signal),
                owner: Some(worst[1].owner.clone()),
                ..BoardQuery::default()
            },
            {
                let owner = worst[1].owner.clone();
                Box::new(move |r: &ScanRow| {
                    r.owner == owner && r.assessment.signals.iter().any(|s| s.kind == signal)
                })
            },
        ),
        (
            BoardQuery {
                text: Some(format!("  {word} ")),
                ..BoardQuery::default()
            },
            Box::new(move |r: &ScanRow| r.title.to_lowercase().contains(&word.to_lowercase())),
        ),
    ];
    for (query, keep) in checks {
        let query = BoardQuery { limit: 3, ..query };
        let expected: Vec<DealId> = worst
            .iter()
            .filter(|r| keep(r))
            .map(|r| r.deal_id)
            .collect();
        assert!(!expected.is_empty(), "{query:?} keeps something");
        let (rows, columns, _) = all_pages(&store, now, &query).await;
        let got: Vec<DealId> = rows.iter().map(|r| r.deal_id).collect();
        assert_eq!(got, expected, "{query:?}");
        let counted: u64 = columns.iter().map(|c| c.count).sum();
        assert_eq!(counted, expected.len() as u64, "{query:?}");
    }

    // Today: the scan's due actions in its order; the first few of them, and their count.
    let due: Vec<DealId> = scan.due(now).iter().map(|r| r.deal_id).collect();
    assert!(due.len() > 3);
    let today = pipeline::today(&store, &me, now).await.expect("today");
    assert_eq!(
        today.due().iter().map(|r| r.deal_id).collect::<Vec<_>>(),
        due
    );
    assert_eq!(today.due_count, due.len());
    assert!(today.next_planned.is_none());
    let first = pipeline::today_first(&store, &me, now, 3)
        .await
        .expect("today");
    assert_eq!(
        first.due().iter().map(|r| r.deal_id).collect::<Vec<_>>(),
        due[..3]
    );
    assert_eq!(first.due_count, due.len());

    // Nothing matches: an empty page, empty columns, no cursor.
    let none = pipeline::board(
        &store,
        &me,
        now,
        &BoardQuery {
            text: Some("no title says this".into()),
            limit: 10,
            ..BoardQuery::default()
        },
    )
    .await
    .expect("a board");
    assert!(none.rows.is_empty() && none.next_cursor.is_none());
    assert!(
        none.columns
            .iter()
            .all(|c| c.count == 0 && c.totals.is_empty())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_cursor_or_unknown_stage_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();
    for cursor in [
        "",
        "zz",
        "12",
        "1.",
        ".1",
        "1.0",
        "-1.2",
        "1.g",
        "1.2.3",
        "ffffffffffffffff.1",
    ] {
        let err = pipeline::board(
            &store,
            &me,
            now,
            &BoardQuery {
                cursor: Some(cursor.into()),
                limit: 5,
                ..BoardQuery::default()
            },
        )
        .await
        .err()
        .unwrap_or_else(|| panic!("{cursor:?} is refused"));
        assert_eq!(err.kind(), ErrorKind::Invalid, "{cursor:?}");
        assert!(err.to_string().contains("cursor"), "{err}");
    }
    let err = pipeline::board(
        &store,
        &me,
        now,
        &BoardQuery {
            stage: Some("limbo".into()),
            limit: 5,
            ..BoardQuery::default()
        },
    )
    .await
    .err()
    .expect("an unknown stage is refused");
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(err.to_string().contains("limbo"), "{err}");
}

/// The scan's row of `deal`, if the deal is in the scan.
async fn row_of(store: &Store, now: Timestamp, deal: DealId) -> Option<ScanRow> {
    pipeline::scan(store, &Caller::local(), now)
        .await
        .expect("scan")
        .rows
        .into_iter()
        .find(|r| r.deal_id == deal)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_shows_in_the_next_read_as_a_fresh_assessment_would() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();
    let scan = pipeline::scan(&store, &me, now).await.expect("scan");
    let dark = scan
        .rows
        .iter()
        .find(|r| r.assessment.state == DealState::Dark)
        .expect("the demo has a dark deal")
        .deal_id;
    let before = row_of(&store, now, dark).await.expect("in the scan");

    // The prospect answers: the next read at the same moment has the deal re-assessed.
    record::log_activity(
        &store,
        &me,
        dark,
        LogInput {
            kind: ActivityKind::Call,
            direction: Direction::Inbound,
            outcome: Some(Outcome::Connected),
            play: None,
            returns_on: None,
            at: Some(now - days(1)),
            contact: None,
            summary: "They called back".into(),
            body: None,
        },
        now,
    )
    .await
    .expect("logged");
    let after = row_of(&store, now, dark).await.expect("still in the scan");
    let view = pipeline::deal(&store, &me, dark, now)
        .await
        .expect("the deal");
    assert_ne!(
        serde_json::to_value(&after.assessment).unwrap(),
        serde_json::to_value(&before.assessment).unwrap(),
        "the call changed the assessment"
    );
    assert_eq!(
        serde_json::to_value(&after.assessment).unwrap(),
        serde_json::to_value(&view.assessment).unwrap(),
        "the stored assessment is the one a fresh assessment makes"
    );
    let board = pipeline::board(
        &store,
        &me,
        now,
        &BoardQuery {
            limit: 500,
            ..BoardQuery::default()
        },
    )
    .await
    .expect("board");
    let on_board = board
        .rows
        .iter()
        .find(|r| r.deal_id == dark)
        .expect("on the board");
    assert_eq!(on_board.assessment.state, view.assessment.state);

    // Moving the stage shows at once, with the column counts.
    record::move_stage(&store, &me, dark, "negotiation", now)
        .await
        .expect("moved");
    let moved = row_of(&store, now, dark).await.expect("in the scan");
    assert_eq!(moved.stage, "negotiation");

    // Closing takes the deal off the board; a new deal comes on.
    store
        .close(
            dark,
            &Closing {
                status: DealStatus::Won,
                loss: None,
                resurface_on: None,
            },
        )
        .await
        .expect("closed");
    assert!(row_of(&store, now, dark).await.is_none());
    let added = record::add_deal(
        &store,
        &me,
        record::DealInput {
            title: "Brand new pilot".into(),
            account: "Newco".into(),
            account_domain: None,
            owner: "zoe".into(),
            stage: "qualified".into(),
            amount: "1000 EUR".into(),
            expected_close: None,
            created_at: Some(now - days(2)),
        },
        now,
    )
    .await
    .expect("added");
    let board = pipeline::board(
        &store,
        &me,
        now,
        &BoardQuery {
            text: Some("brand new".into()),
            limit: 5,
            ..BoardQuery::default()
        },
    )
    .await
    .expect("board");
    assert_eq!(
        board.rows.iter().map(|r| r.deal_id).collect::<Vec<_>>(),
        vec![added]
    );

    // After these writes, the model read at `now` is what a whole refresh at `now` stores.
    let partial = pipeline::scan(&store, &me, now).await.expect("scan");
    let refreshed = pipeline::refresh(&store, &me, now).await.expect("refresh");
    assert_eq!(refreshed.deals, partial.rows.len());
    let whole = pipeline::scan(&store, &me, now).await.expect("scan");
    assert_eq!(
        serde_json::to_value(&partial.rows).unwrap(),
        serde_json::to_value(&whole.rows).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_at_a_later_moment_lets_silence_grow() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = Store::open(&dir.path().join("pipeline.db"))
        .await
        .expect("a new database");
    let me = Caller::local();
    let start: Timestamp = NOW.parse().unwrap();
    let deal = record::add_deal(
        &store,
        &me,
        record::DealInput {
            title: "Quiet pilot".into(),
            account: "Hush".into(),
            account_domain: None,
            owner: "ana".into(),
            stage: "discovery".into(),
            amount: "20000 USD".into(),
            expected_close: None,
            created_at: Some(start),
        },
        start,
    )
    .await
    .expect("a deal");
    record::add_contact(
        &store,
        &me,
        record::ContactInput {
            account: record::AccountOf::Deal(deal),
            name: "Kim Hush".into(),
            emails: vec![EmailAddress::parse("kim@hush.example").unwrap()],
            title: None,
            role: None,
            do_not_contact: false,
            time_zone: None,
        },
    )
    .await
    .expect("a contact");
    for (n, at) in [(1, 1), (2, 4)] {
        record::log_activity(
            &store,
            &me,
            deal,
            LogInput {
                kind: ActivityKind::Email,
                direction: Direction::Outbound,
                outcome: None,
                play: None,
                returns_on: None,
                at: Some(start + days(at)),
                contact: Some("kim@hush.example".into()),
                summary: format!("Follow-up {n}"),
                body: None,
            },
            start + days(at),
        )
        .await
        .expect("a touch");
    }
    let early = start + days(5);
    let first = row_of(&store, early, deal).await.expect("in the scan");
    let later = start + days(40);
    let refreshed = pipeline::refresh(&store, &me, later)
        .await
        .expect("refresh");
    assert_eq!(refreshed.deals, 1);
    assert_eq!(refreshed.at, later);
    // The refresh stored the later moment: a board at it reads without re-assessing.
    let board = pipeline::board(
        &store,
        &me,
        later,
        &BoardQuery {
            limit: 10,
            ..BoardQuery::default()
        },
    )
    .await
    .expect("board");
    let second = &board.rows[0];
    assert!(
        second.assessment.state > first.assessment.state
            || second.assessment.risk > first.assessment.risk,
        "{:?}/{} then {:?}/{}",
        first.assessment.state,
        first.assessment.risk,
        second.assessment.state,
        second.assessment.risk
    );
    let kinds = |r: &ScanRow| -> BTreeSet<SignalKind> {
        r.assessment.signals.iter().map(|s| s.kind).collect()
    };
    assert!(
        kinds(second).contains(&SignalKind::SilenceBeyondNorm),
        "{:?}",
        kinds(second)
    );
    assert!(!kinds(&first).contains(&SignalKind::SilenceBeyondNorm));
    // Reading at the earlier moment again gives the earlier answer: reproducible.
    let again = row_of(&store, early, deal).await.expect("in the scan");
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&first).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_managers_figures_count_what_the_pipeline_holds() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();

    // The week: the model was last assessed six days ago; deals that turned dark since count.
    let week_ago = now - days(6);
    let then = pipeline::scan(&store, &me, week_ago).await.expect("scan");
    let state_then: BTreeMap<DealId, DealState> = then
        .rows
        .iter()
        .map(|r| (r.deal_id, r.assessment.state))
        .collect();
    let scan = pipeline::scan(&store, &me, now).await.expect("scan");
    let went_dark = scan
        .rows
        .iter()
        .filter(|r| {
            r.assessment.state == DealState::Dark
                && state_then
                    .get(&r.deal_id)
                    .is_some_and(|s| *s != DealState::Dark)
        })
        .count();
    assert!(went_dark > 0, "the demo has deals going dark in six days");
    // Deals dark six days ago and not now that heard from the prospect in the week.
    let mut came_back = 0;
    for r in &scan.rows {
        if r.assessment.state == DealState::Dark
            || state_then.get(&r.deal_id) != Some(&DealState::Dark)
        {
            continue;
        }
        let record = pipeline::deal(&store, &me, r.deal_id, now)
            .await
            .unwrap()
            .record;
        came_back += usize::from(record.activities.iter().any(|a| {
            a.direction == Direction::Inbound
                && matches!(a.outcome, Some(Outcome::Replied | Outcome::Wrote))
                && a.at > now - days(7)
                && a.at <= now
        }));
    }

    // Two losses inside the week (one unresponsive), one before it.
    let open: Vec<DealId> = scan
        .rows
        .iter()
        .filter(|r| r.status == DealStatus::Open && r.assessment.state != DealState::Dark)
        .map(|r| r.deal_id)
        .collect();
    let lose = |reason: LostReason, at: Timestamp| Closing {
        status: DealStatus::Lost,
        loss: Some(Loss {
            reason,
            note: None,
            at,
        }),
        resurface_on: None,
    };
    store
        .close(open[0], &lose(LostReason::Unresponsive, now - days(2)))
        .await
        .unwrap();
    store
        .close(open[1], &lose(LostReason::Budget, now - days(1)))
        .await
        .unwrap();
    store
        .close(open[2], &lose(LostReason::Unresponsive, now - days(10)))
        .await
        .unwrap();

    // A dark deal hears back: it leaves dark, and a reply revived it.
    let dark = scan
        .rows
        .iter()
        .find(|r| r.assessment.state == DealState::Dark && !open[..3].contains(&r.deal_id))
        .expect("a dark deal")
        .deal_id;
    record::log_activity(
        &store,
        &me,
        dark,
        LogInput {
            kind: ActivityKind::Email,
            direction: Direction::Inbound,
            outcome: Some(Outcome::Replied),
            play: None,
            returns_on: None,
            at: Some(now - days(1)),
            contact: None,
            summary: "Back from a busy month".into(),
            body: None,
        },
        now,
    )
    .await
    .expect("logged");

    let manager = pipeline::manager(&store, &me, now).await.expect("manager");
    let scan = pipeline::scan(&store, &me, now).await.expect("scan");
    let revived = scan
        .rows
        .iter()
        .find(|r| r.deal_id == dark)
        .expect("in the scan");
    assert_ne!(
        revived.assessment.state,
        DealState::Dark,
        "the reply counts"
    );

    assert_eq!(manager.at, now);
    assert_eq!(manager.week.went_dark, went_dark as u64);
    assert_eq!(manager.week.came_back, came_back as u64 + 1);
    // Closed in the week: the two above, and the demo's own losses in it.
    let in_week = |d: &Deal| {
        matches!(d.status, DealStatus::Lost | DealStatus::Nurture)
            && d.loss
                .as_ref()
                .is_some_and(|l| l.at > now - days(7) && l.at <= now)
    };
    let deals = record::deals(&store, &me, None).await.expect("deals");
    let closed: Vec<&Deal> = deals.iter().filter(|d| in_week(d)).collect();
    assert!(closed.len() >= 2);
    let unresponsive = closed
        .iter()
        .filter(|d| d.loss.as_ref().unwrap().reason == LostReason::Unresponsive)
        .count();
    assert_eq!(manager.week.closed, closed.len() as u64);
    assert_eq!(manager.week.closed_unresponsive, unresponsive as u64);
    assert!(closed.iter().any(|d| d.id == open[0]) && closed.iter().any(|d| d.id == open[1]));
    assert!(!closed.iter().any(|d| d.id == open[2]));
    assert_eq!(manager.week.from, now - days(7));

    // This quarter: 2026-03-02 is in January to March.
    assert_eq!(
        manager.quarter,
        (jiff::civil::date(2026, 1, 1), jiff::civil::date(2026, 4, 1))
    );
    let mut at_risk: BTreeMap<String, i64> = BTreeMap::new();
    let mut dark_by: BTreeMap<String, u64> = BTreeMap::new();
    let mut desperate_by: BTreeMap<String, u64> = BTreeMap::new();
    let mut funnel: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for r in &scan.rows {
        let a = &r.assessment;
        let record = pipeline::deal(&store, &me, r.deal_id, now)
            .await
            .expect("the deal")
            .record;
        let close = record.deal.expected_close;
        if r.status == DealStatus::Open
            && matches!(a.state, DealState::Slipping | DealState::Dark)
            && close.is_some_and(|d| d >= manager.quarter.0 && d < manager.quarter.1)
        {
            *at_risk.entry(r.amount.currency.to_string()).or_default() += r.amount.cents;
        }
        *dark_by.entry(r.owner.clone()).or_default() += u64::from(a.state == DealState::Dark);
        *desperate_by.entry(r.owner.clone()).or_default() +=
            u64::from(a.signals.iter().any(|s| s.kind == SignalKind::Desperation));
        let stalled = a
            .signals
            .iter()
            .any(|s| s.kind == SignalKind::StalledInStage);
        let f = funnel.entry(r.stage.clone()).or_default();
        f.0 += 1;
        f.1 += u64::from(stalled || a.state == DealState::Dark);
    }
    assert!(
        !at_risk.is_empty(),
        "the demo has slipping deals closing this quarter"
    );
    let got: BTreeMap<String, i64> = manager
        .forecast_at_risk
        .iter()
        .map(|m| (m.currency.to_string(), m.cents))
        .collect();
    assert_eq!(got, at_risk);
    for o in &manager.owners {
        assert_eq!(o.dark, dark_by[&o.owner], "{}", o.owner);
        assert_eq!(o.desperation, desperate_by[&o.owner], "{}", o.owner);
    }
    assert_eq!(
        manager
            .owners
            .iter()
            .map(|o| o.owner.clone())
            .collect::<BTreeSet<_>>(),
        dark_by.keys().cloned().collect::<BTreeSet<_>>()
    );
    for f in &manager.funnel {
        let (deals, rotting) = funnel.get(&f.stage).copied().unwrap_or_default();
        assert_eq!((f.deals, f.rotting), (deals, rotting), "{}", f.stage);
    }
}

/// What a card shows of a deal, worked out from its whole row: the heaviest signal's summary
/// (the engine's order breaks ties), the next play, why and when.
fn card_of(r: &ScanRow) -> Shown {
    let a = &r.assessment;
    let top = a
        .signals
        .iter()
        .fold(None::<&signals::Signal>, |best, s| match best {
            Some(b) if b.weight >= s.weight => Some(b),
            _ => Some(s),
        });
    (
        r.deal_id,
        a.state,
        a.risk,
        top.map(|s| s.summary.clone()),
        a.next_action.play,
        a.next_action.why.clone(),
        a.next_action.due,
        r.rotting(),
    )
}

/// What a card shows, as [`card_of`] works it out.
type Shown = (
    DealId,
    DealState,
    u32,
    Option<String>,
    Option<PlayKind>,
    String,
    Timestamp,
    bool,
);

fn shown(c: &pipeline::BoardCard) -> Shown {
    (
        c.deal_id,
        c.state,
        c.risk,
        c.top_signal.clone(),
        c.next_play,
        c.why.clone(),
        c.next_due,
        c.rotting,
    )
}

#[tokio::test]
async fn cards_read_from_the_slim_rows_show_what_the_whole_rows_hold() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();
    for query in [
        BoardQuery {
            limit: 7,
            ..BoardQuery::default()
        },
        BoardQuery {
            state: Some(DealState::Dark),
            limit: 3,
            ..BoardQuery::default()
        },
        BoardQuery {
            signal: Some(SignalKind::SingleThreaded),
            limit: 1,
            ..BoardQuery::default()
        },
    ] {
        let mut query = query;
        let mut pages = 0;
        loop {
            let whole = pipeline::board(&store, &me, now, &query)
                .await
                .expect("a page");
            let cards = pipeline::board_cards(&store, &me, now, &query)
                .await
                .expect("a page of cards");
            assert_eq!(cards.columns, whole.columns);
            assert_eq!(cards.next_cursor, whole.next_cursor, "{query:?}");
            let expected: Vec<_> = whole.rows.iter().map(card_of).collect();
            let got: Vec<_> = cards.rows.iter().map(shown).collect();
            assert_eq!(got, expected, "{query:?}");
            for (c, r) in cards.rows.iter().zip(&whole.rows) {
                assert_eq!(
                    (&c.title, &c.account, &c.owner, &c.stage, c.amount),
                    (&r.title, &r.account, &r.owner, &r.stage, r.amount)
                );
            }
            pages += 1;
            match whole.next_cursor {
                Some(next) => query.cursor = Some(next),
                None => break,
            }
        }
        assert!(pages > 1, "{query:?} pages");
    }
    // Today's cards are the first of the day's actions, in its order.
    let today = pipeline::today(&store, &me, now).await.expect("today");
    let first = pipeline::today_first(&store, &me, now, 5)
        .await
        .expect("today's first");
    let expected: Vec<_> = today.actions.iter().take(5).map(card_of).collect();
    let got: Vec<_> = first.actions.iter().map(shown).collect();
    assert_eq!(got, expected);
    assert_eq!(first.due_count, today.due_count);
    assert_eq!(first.open, today.open);
}
