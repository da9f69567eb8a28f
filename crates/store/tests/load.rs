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
