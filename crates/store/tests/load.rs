//! Loading reads back exactly what was imported, whether the database is a file (read on the
//! store's own threads) or in memory (read through the pool).

use rekindle_core::demo::{DemoOptions, generate};
use rekindle_core::*;
use rekindle_store::{Filter, Scope, Store};
use std::sync::Arc;

fn now() -> jiff::Timestamp {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn file_and_memory_stores_load_the_same_records_grouped_by_account() {
    let options = DemoOptions {
        deals: 45,
        activities_per_deal: 12,
        ..Default::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let file = Store::open(&dir.path().join("a.db")).await.unwrap();
    let memory = Store::open_url("sqlite::memory:").await.unwrap();
    for store in [&file, &memory] {
        assert_eq!(
            store
                .import_records(generate(options, now()), |_| {})
                .await
                .unwrap(),
            45
        );
    }
    let from_file = file.load(Filter::default()).await.unwrap();
    let from_memory = memory.load(Filter::default()).await.unwrap();
    assert_eq!(from_file.len(), 45);
    assert!(from_file == from_memory, "the two read paths disagree");

    // What was generated comes back: same deals, same activity timelines (ids aside).
    let generated: Vec<DealRecord> = generate(options, now()).collect();
    for (back, original) in from_file.iter().zip(&generated) {
        assert_eq!(back.deal.title, original.deal.title);
        assert_eq!(back.facts.len(), original.facts.len());
        let times = |r: &DealRecord| {
            r.activities
                .iter()
                .map(|a| (a.at, a.kind, a.direction, a.outcome))
                .collect::<Vec<_>>()
        };
        assert_eq!(times(back), times(original));
    }

    // Groups are whole accounts.
    let groups = file
        .map_accounts(
            false,
            Arc::new(|g: Vec<DealRecord>| {
                g.iter()
                    .map(|r| r.deal.account.name.clone())
                    .collect::<Vec<_>>()
            }),
        )
        .await
        .unwrap();
    assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), 45);
    assert!(groups.iter().all(|g| g.iter().all(|name| name == &g[0])));

    let one = file
        .load(Filter {
            scope: Scope::AccountOf(from_file[3].deal.id),
            with_text: false,
        })
        .await
        .unwrap();
    assert!(
        one.iter()
            .all(|r| r.deal.account == from_file[3].deal.account)
            && !one.is_empty()
    );
}

/// A deal with huge stored bodies (logged before `MAX_BODY_BYTES`, or by another path) loads in
/// bounded memory: only outbound messages' bodies, which the tone check reads, each up to the
/// cap; a reply's or a note's body is not loaded with the deal (before the cap, every `show` of
/// a deal holding a 100 MB body took 1.65 GB).
#[tokio::test]
async fn a_loaded_deal_holds_outbound_bodies_only_each_up_to_the_cap() {
    let options = DemoOptions {
        deals: 1,
        activities_per_deal: 0,
        ..Default::default()
    };
    let store = Store::open_url("sqlite::memory:").await.unwrap();
    store
        .import_records(generate(options, now()), |_| {})
        .await
        .unwrap();
    let deal = store.load(Filter::default()).await.unwrap()[0].deal.id;
    let huge = format!("Hi,\n\n{}", "word ".repeat(MAX_BODY_BYTES / 2));
    for (kind, direction) in [
        (ActivityKind::Email, Direction::Outbound),
        (ActivityKind::Email, Direction::Inbound),
        (ActivityKind::Note, Direction::Outbound),
    ] {
        store
            .log_activity(
                deal,
                rekindle_store::NewActivity {
                    kind,
                    direction,
                    at: now(),
                    outcome: None,
                    contact: None,
                    summary: "s".into(),
                    subject: None,
                    body: Some(huge.clone()),
                    play: None,
                    returns_on: None,
                },
            )
            .await
            .unwrap();
    }
    let record = store.deal(deal).await.unwrap();
    let bodies: Vec<(ActivityKind, Direction, Option<usize>)> = record
        .activities
        .iter()
        .filter(|a| a.at == now())
        .map(|a| (a.kind, a.direction, a.body.as_ref().map(String::len)))
        .collect();
    assert_eq!(
        bodies,
        vec![
            (
                ActivityKind::Email,
                Direction::Outbound,
                Some(MAX_BODY_BYTES)
            ),
            (ActivityKind::Email, Direction::Inbound, None),
            (ActivityKind::Note, Direction::Outbound, None),
        ]
    );
    let outbound = record
        .activities
        .iter()
        .find(|a| a.at == now() && a.body.is_some())
        .and_then(|a| a.body.as_deref());
    assert!(outbound.is_some_and(|b| huge.starts_with(b)));
}
