//! The revival benchmark: `rekindle revive` over 1,000,000 lost deals and 100,000 trigger
//! events, timed end to end as a user runs it, with the process's peak memory.
//!
//!     cargo bench --bench revive                    # 1,000,000 lost deals
//!     REKINDLE_BENCH_LOST=100000 cargo bench --bench revive
//!
//! The database is generated once (seeded) into target/bench-data: the demo pipeline's deals,
//! each closed as lost for one of the taxonomy's reasons at some point in the last three years,
//! a third of them with a needed feature under one of its names, and one trigger event for
//! every ten deals at random accounts over the last four months. "SSO" shipped last week.

use jiff::{Timestamp, ToSpan};
use rekindle_core::demo::{DemoOptions, generate};
use rekindle_core::revival::{Shipped, TriggerEvent, TriggerKind};
use rekindle_core::{DealStatus, Loss, LostReason, NeededFeature};
use rekindle_store::Store;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

const NOW: &str = "2026-11-23T09:00:00Z";
const FEATURES: &[&str] = &["SSO", "SAML login", "mobile app", "audit trail", "REST API"];

mod common;
use common::children_peak_mib;

async fn generate_into(db: &std::path::Path, deals: usize, now: Timestamp) {
    let store = Store::open(db).await.expect("open the bench database");
    let reasons = LostReason::ALL;
    let mut names: Vec<String> = Vec::new();
    let records = generate(
        DemoOptions {
            deals,
            ..DemoOptions::default()
        },
        now,
    )
    .enumerate()
    .map(|(i, mut r)| {
        let days = (i * 7919 % 1095) as i64;
        r.deal.status = DealStatus::Lost;
        r.deal.loss = Some(Loss {
            reason: reasons[i % reasons.len()],
            note: None,
            at: now - (days * 24).hours(),
        });
        r.deal.resurface_on = None;
        r.needed_features = if i % 3 == 0 {
            vec![NeededFeature {
                feature: FEATURES[i % FEATURES.len()].into(),
                why: Some("IT asked for it".into()),
            }]
        } else {
            Vec::new()
        };
        r
    })
    .inspect(|r| names.push(r.deal.account.name.clone()));
    let loaded = store
        .import_records(records, |_| {})
        .await
        .expect("import the deals");
    names.sort();
    names.dedup();
    let accounts = names;
    let today = rekindle_core::time::date_of(now);
    let events: Vec<TriggerEvent> = (0..deals / 10)
        .map(|i| {
            TriggerEvent::new(
                &accounts[i * 7877 % accounts.len()],
                None,
                TriggerKind::ALL[i % TriggerKind::ALL.len()],
                today
                    .checked_sub(((i % 120) as i64).days())
                    .expect("a date"),
                &format!("feed item {i}"),
                None,
            )
            .expect("an event")
        })
        .collect();
    for chunk in events.chunks(10_000) {
        store.add_events(chunk).await.expect("add events");
    }
    store
        .set_shipped(&Shipped {
            feature: "sso".into(),
            on: today.checked_sub(7.days()).expect("a date"),
        })
        .await
        .expect("shipped");
    eprintln!(
        "{loaded} lost deals, {} accounts, {} events",
        accounts.len(),
        events.len()
    );
    store.shutdown().await;
}

fn main() {
    let deals: usize = std::env::var("REKINDLE_BENCH_LOST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let now: Timestamp = NOW.parse().expect("a time");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data folder");
    let db = dir.join(format!("revive-{deals}.db"));
    if !db.exists() {
        eprintln!("generating {deals} lost deals into {} ...", db.display());
        let started = Instant::now();
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(generate_into(&db, deals, now));
        eprintln!("generated in {:.1}s", started.elapsed().as_secs_f64());
    }
    let mut times = Vec::new();
    let mut last = String::new();
    for _ in 0..3 {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_rekindle"))
            .args(["--now", NOW, "--json", "--db"])
            .arg(&db)
            .args(["revive", "--limit", "100"])
            .stderr(Stdio::inherit())
            .output()
            .expect("run rekindle revive");
        assert!(out.status.success(), "revive failed");
        times.push(started.elapsed().as_secs_f64());
        last = String::from_utf8_lossy(&out.stdout).into_owned();
    }
    let summary: serde_json::Value = serde_json::from_str(&last).expect("revive's JSON");
    times.sort_by(f64::total_cmp);
    println!(
        "revive over {deals} lost deals: {} considered, {} left buried, top score {}",
        summary["considered"], summary["left_buried"], summary["candidates"][0]["score"]
    );
    println!(
        "wall: median {:.2} s (runs: {}), peak memory {:.0} MiB",
        times[1],
        times
            .iter()
            .map(|t| format!("{t:.2}"))
            .collect::<Vec<_>>()
            .join(", "),
        children_peak_mib()
    );
}
