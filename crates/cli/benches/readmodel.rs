//! The read-model benchmark: the whole-pipeline `refresh` over a generated pipeline, and board
//! pages read from the model, each phase in a process of its own so that its peak memory is its
//! own.
//!
//!     cargo bench --bench readmodel                      # 100,000 deals, ~2,000,000 activities
//!     REKINDLE_BENCH_DEALS=10000 cargo bench --bench readmodel
//!
//! The pipeline is the scan benchmark's (`rekindle demo --load-only`, seeded, kept in
//! target/bench-data); each run works on a copy, so the scan benchmark's file stays as made.
//! `refresh` runs three times at three moments an hour apart (time passing, no writes). The board
//! is then read at the last moment: first pages unfiltered and under each filter, pages deep in
//! the unfiltered order (by cursor), and a first page after a write (a logged call), which
//! re-assesses the written deal's account before answering.

use jiff::{SignedDuration, Timestamp};
use rekindle_app::Caller;
use rekindle_app::pipeline::{self, BoardQuery};
use rekindle_app::record::{self, LogInput};
use rekindle_core::{ActivityKind, DealState, Direction, Outcome};
use rekindle_store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const NOW: &str = "2026-11-23T09:00:00Z";

mod common;
use common::own_peak_mib;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The moments the refreshes run at: `NOW`, then an hour later, then two.
fn moments() -> Vec<Timestamp> {
    let now: Timestamp = NOW.parse().expect("a time");
    (0..3)
        .map(|h| now + SignedDuration::from_hours(h))
        .collect()
}

fn refresh_phase(db: &Path) {
    runtime().block_on(async {
        let store = Store::open(db).await.expect("open");
        let me = Caller::local();
        let mut times = Vec::new();
        for at in moments() {
            let started = Instant::now();
            let done = pipeline::refresh(&store, &me, at).await.expect("refresh");
            let secs = started.elapsed().as_secs_f64();
            println!("refresh at {at}: {} deals in {secs:.2}s", done.deals);
            times.push(secs);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "refresh: median {:.2}s, best {:.2}s, peak memory {:.0} MiB",
            times[1],
            times[0],
            own_peak_mib()
        );
    });
}

/// Milliseconds at the 50th and 99th percentile (nearest rank).
fn percentiles(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
    (at(0.50), at(0.99))
}

fn board_phase(db: &Path) {
    runtime().block_on(async {
        let store = Store::open(db).await.expect("open");
        let me = Caller::local();
        let at = *moments().last().expect("a moment");
        let first = pipeline::board(
            &store,
            &me,
            at,
            &BoardQuery {
                limit: 50,
                ..BoardQuery::default()
            },
        )
        .await
        .expect("board");
        let row = &first.rows[0];
        let queries = [
            ("unfiltered", BoardQuery::default()),
            (
                "owner",
                BoardQuery {
                    owner: Some(row.owner.clone()),
                    ..BoardQuery::default()
                },
            ),
            (
                "stage",
                BoardQuery {
                    stage: Some(row.stage.clone()),
                    ..BoardQuery::default()
                },
            ),
            (
                "state",
                BoardQuery {
                    state: Some(DealState::Slipping),
                    ..BoardQuery::default()
                },
            ),
            (
                "signal",
                BoardQuery {
                    signal: row.assessment.signals.first().map(|s| s.kind),
                    ..BoardQuery::default()
                },
            ),
            (
                "text",
                BoardQuery {
                    text: Some("forecasting pilot".into()),
                    ..BoardQuery::default()
                },
            ),
        ];
        let mut all = Vec::new();
        for (name, query) in &queries {
            let query = BoardQuery {
                limit: 50,
                ..query.clone()
            };
            let mut ms = Vec::new();
            for _ in 0..30 {
                let started = Instant::now();
                let page = pipeline::board(&store, &me, at, &query)
                    .await
                    .expect("board");
                ms.push(started.elapsed().as_secs_f64() * 1000.0);
                assert!(page.rows.len() <= 50);
            }
            let (p50, p99) = percentiles(ms.clone());
            println!("board first page, {name}: p50 {p50:.1} ms, p99 {p99:.1} ms");
            all.extend(ms);
        }
        // Deep pages: follow the cursor 40 pages down the unfiltered order.
        let mut query = BoardQuery {
            limit: 50,
            ..BoardQuery::default()
        };
        let mut ms = Vec::new();
        for _ in 0..40 {
            let started = Instant::now();
            let page = pipeline::board(&store, &me, at, &query)
                .await
                .expect("board");
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
            match page.next_cursor {
                Some(c) => query.cursor = Some(c),
                None => break,
            }
        }
        let (p50, p99) = percentiles(ms.clone());
        println!("board pages by cursor: p50 {p50:.1} ms, p99 {p99:.1} ms");
        all.extend(ms);
        let (p50, p99) = percentiles(all);
        println!("board, every page above: p50 {p50:.1} ms, p99 {p99:.1} ms");
        // A write, then the first page: the written deal's account is re-assessed first.
        let mut ms = Vec::new();
        for (i, r) in first.rows.iter().take(10).enumerate() {
            record::log_activity(
                &store,
                &me,
                r.deal_id,
                LogInput {
                    kind: ActivityKind::Call,
                    direction: Direction::Outbound,
                    outcome: Some(Outcome::NoAnswer),
                    play: None,
                    returns_on: None,
                    at: Some(at - SignedDuration::from_mins(i as i64 + 1)),
                    contact: None,
                    summary: "Called, no answer".into(),
                    body: None,
                },
                at,
            )
            .await
            .expect("logged");
            let started = Instant::now();
            pipeline::board(
                &store,
                &me,
                at,
                &BoardQuery {
                    limit: 50,
                    ..BoardQuery::default()
                },
            )
            .await
            .expect("board");
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        let (p50, p99) = percentiles(ms);
        println!("board first page after a write: p50 {p50:.1} ms, worst {p99:.1} ms");
        let mut ms = Vec::new();
        let mut due = 0;
        for _ in 0..30 {
            let started = Instant::now();
            let today = pipeline::today_first(&store, &me, at, 50)
                .await
                .expect("today");
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
            due = today.due_count;
        }
        let (p50, p99) = percentiles(ms);
        println!("today, first 50 of {due} due: p50 {p50:.1} ms, p99 {p99:.1} ms");
        let started = Instant::now();
        let today = pipeline::today(&store, &me, at).await.expect("today");
        println!(
            "today, all {} due: {:.0} ms",
            today.actions.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        println!("board phase: peak memory {:.0} MiB", own_peak_mib());
    });
}

fn main() {
    if let Ok(phase) = std::env::var("REKINDLE_BENCH_PHASE") {
        let db = PathBuf::from(std::env::var("REKINDLE_BENCH_DB").expect("the database"));
        match phase.as_str() {
            "refresh" => refresh_phase(&db),
            "board" => board_phase(&db),
            other => panic!("no phase {other}"),
        }
        return;
    }
    let deals: usize = std::env::var("REKINDLE_BENCH_DEALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let per_deal = 20;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data folder");
    let made = dir.join(format!("scan-{deals}x{per_deal}.db"));
    if !made.exists() {
        eprintln!("generating {deals} deals into {} ...", made.display());
        let started = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_rekindle"))
            .args([
                "demo",
                "--load-only",
                "--deals",
                &deals.to_string(),
                "--activities-per-deal",
                &per_deal.to_string(),
                "--now",
                NOW,
                "--db",
            ])
            .arg(&made)
            .status()
            .expect("run rekindle demo");
        assert!(status.success(), "generation failed");
        eprintln!("generated in {:.1}s", started.elapsed().as_secs_f64());
    }
    let db = dir.join(format!("readmodel-{deals}x{per_deal}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    // The copy is made through SQLite (`VACUUM INTO`), consistent whatever the WAL holds.
    runtime().block_on(async {
        let store = Store::open(&made).await.expect("open the pipeline");
        store.backup(&db).await.expect("copy the pipeline");
        store.shutdown().await;
    });
    println!("database: {} ({deals} deals)", db.display());
    for phase in ["refresh", "board"] {
        let status = Command::new(std::env::current_exe().expect("this bench"))
            .env("REKINDLE_BENCH_PHASE", phase)
            .env("REKINDLE_BENCH_DB", &db)
            .status()
            .expect("run a phase");
        assert!(status.success(), "the {phase} phase failed");
    }
}
