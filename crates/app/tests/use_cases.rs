//! The use cases on a real SQLite file holding the demo pipeline, at a fixed clock: what each
//! returns, and the kind of failure a front-end maps each error to.

use jiff::Timestamp;
use rekindle_app::outbox::{Edit, Edited};
use rekindle_app::record::DealInput;
use rekindle_app::{AppError, Caller, ErrorKind, drafts, outbox, pipeline, record};
use rekindle_core::compose::Composer;
use rekindle_core::{DealId, demo};
use rekindle_store::Store;
use std::collections::BTreeMap;

const NOW: &str = "2026-03-02T15:00:00Z";

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_answer_values_and_name_what_is_missing() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();

    let scan = pipeline::scan(&store, &me, now).await.expect("scan");
    assert!(!scan.rows.is_empty());
    assert!(scan.rows.windows(2).all(|w| w[0].deal_id < w[1].deal_id));
    let worst = scan.worst_first();
    assert!(
        worst
            .windows(2)
            .all(|w| w[0].assessment.state >= w[1].assessment.state)
    );

    // One deal is assessed exactly as the scan assesses it.
    let row = &scan.rows[0];
    let view = pipeline::deal(&store, &me, row.deal_id, now)
        .await
        .expect("the deal");
    assert_eq!(view.assessment.state, row.assessment.state);
    assert_eq!(view.assessment.risk, row.assessment.risk);

    let missing = pipeline::deal(&store, &me, DealId(999_999), now).await;
    let err = missing.err().expect("no such deal");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.kind().http_status(), 404);
    assert!(err.to_string().contains("D999999"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deal_with_nothing_due_is_a_conflict_to_draft_and_a_bad_amount_is_invalid() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();
    let composer = Composer::new(&BTreeMap::new()).expect("the built-in templates");

    let scan = pipeline::scan(&store, &me, now).await.expect("scan");
    let quiet = scan
        .rows
        .iter()
        .find(|r| r.assessment.next_action.play.is_none())
        .expect("the demo has a deal with no play due");
    let err = drafts::draft(&store, &me, &composer, quiet.deal_id, None, now)
        .await
        .err()
        .expect("nothing to draft");
    assert!(matches!(err, AppError::NothingToDraft { deal, .. } if deal == quiet.deal_id));
    assert_eq!(err.kind().http_status(), 409);

    let bad = DealInput {
        title: "Pilot".into(),
        account: "Acme".into(),
        account_domain: None,
        owner: "sam".into(),
        stage: "discovery".into(),
        amount: "a lot".into(),
        expected_close: None,
        created_at: None,
    };
    let err = record::add_deal(&store, &me, bad, now)
        .await
        .expect_err("the amount does not parse");
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert_eq!(err.kind().http_status(), 422);
    assert!(err.to_string().contains("\"lot\""), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_draft_waits_for_the_rep_and_an_edit_that_fails_the_tone_check_changes_nothing() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();
    let composer = Composer::new(&BTreeMap::new()).expect("the built-in templates");

    let today = pipeline::today(&store, &me, now).await.expect("today");
    assert_eq!(today.waiting.drafts, 0);
    let due = today.due();
    let mut queued = None;
    for row in &due {
        if let Ok(q) = outbox::queue(&store, &me, &composer, row.deal_id, None, now).await {
            queued = Some(q);
            break;
        }
    }
    let queued = queued.expect("a due deal drafts and queues");
    let id = queued.message.id;
    assert!(due.iter().any(|r| r.deal_id == queued.message.deal));
    let waiting = pipeline::waiting(&store, &me).await.expect("waiting");
    assert_eq!(waiting.drafts, 1);

    let pesky = Edit {
        subject: None,
        body: Some("Hi,\n\nJust following up on my last email.\n".into()),
    };
    match outbox::edit(&store, &me, id, pesky).await.expect("edit") {
        Edited::FailsToneCheck(findings) => assert!(!findings.is_empty()),
        Edited::Done(_) => panic!("a pesky text was accepted"),
    }
    let kept = outbox::message(&store, &me, id).await.expect("the message");
    assert_eq!(kept.body, queued.message.body);

    outbox::cancel(&store, &me, id).await.expect("cancel");
    let err = outbox::editable(&store, &me, id)
        .await
        .expect_err("a cancelled message cannot be edited");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("can no longer be edited"), "{err}");
}

/// A failure about one input says so (`AppError::input`) and names it in the domain's words:
/// never a front-end's flag, which the CLI adds and a dashboard would not have.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_about_an_input_names_it_without_a_front_ends_flag() {
    use rekindle_app::Input;
    use rekindle_app::sync::{self, CaldavRequest};
    use rekindle_core::{Contract, DealStatus};
    let dir = tempfile::tempdir().expect("a temp dir");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();
    let deal = pipeline::scan(&store, &me, now).await.expect("scan").rows[0].deal_id;
    let today = rekindle_core::time::date_of(now);

    let mut failures: Vec<(AppError, Input)> = Vec::new();
    let closing = record::Closing {
        status: DealStatus::Nurture,
        loss: None,
        resurface_on: Some(today),
    };
    let err = record::close(&store, &me, deal, &closing, now).await.err();
    failures.push((
        err.expect("a date to look again must lie ahead"),
        Input::ResurfaceOn,
    ));
    let contract = Contract {
        vendor: "Incumbent".into(),
        ends_on: today,
        notice_days: 100_000,
    };
    let err = record::set_contract(&store, &me, deal, &contract)
        .await
        .err();
    failures.push((
        err.expect("a notice period of 270 years"),
        Input::NoticeDays,
    ));
    let mut ask = |_: &str| -> Result<String, String> { Err("no password".into()) };
    let mut request = outbox::SendRequest {
        dry_run: true,
        ..Default::default()
    };
    request.settings.security = Some("carrier pigeon".into());
    let err = outbox::send(&store, &me, request, &mut ask, now)
        .await
        .err();
    failures.push((err.expect("no such security"), Input::Security));
    let request = outbox::SendRequest {
        dry_run: true,
        ..Default::default()
    };
    let err = outbox::send(&store, &me, request, &mut ask, now)
        .await
        .err();
    failures.push((err.expect("no sender known"), Input::Sender));
    let err = sync::sync_caldav(&store, &me, CaldavRequest::default(), &mut ask, now)
        .await
        .err();
    failures.push((err.expect("no calendar server known"), Input::Calendars));

    for (err, input) in failures {
        assert_eq!(err.input(), Some(input), "{err}");
        assert!(!err.to_string().contains("--"), "{input:?}: {err}");
        assert!(
            matches!(err.kind(), ErrorKind::Invalid | ErrorKind::Conflict),
            "{input:?}: {err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_occasion_read_back_answers_what_recording_it_did_and_changes_nothing() {
    use rekindle_app::revival::{self, EventInput, Words};
    use rekindle_core::EventId;
    let dir = tempfile::tempdir().expect("a temp dir");
    let (store, now) = demo_store(&dir).await;
    let me = Caller::local();
    let composer = Composer::builtin();
    let ranked = revival::revive(&store, &me, 100, false, revival::Drafting::None, now)
        .await
        .expect("the queue");
    let account = ranked.candidates[0].candidate.account.clone();
    let words = Words::new(vec![
        ("account", Some(account.as_str())),
        ("kind", Some("funding")),
        ("source", Some("a call")),
    ]);
    let input = EventInput::parse(&words).expect("an event");
    let added = revival::add_event(&store, &me, composer, input, true, now)
        .await
        .expect("recorded");
    assert!(
        !added.reopens.is_empty(),
        "{account}: the event reopens its deal"
    );
    let messages = store.outbox(true).await.expect("the outbox").len();
    let events = store
        .events_since(jiff::civil::date(1900, 1, 1))
        .await
        .expect("events");

    // Read back twice: the same deals, each queued message now waiting; nothing recorded.
    for _ in 0..2 {
        let back = revival::event_reopens(&store, &me, composer, added.id, now)
            .await
            .expect("read back");
        assert_eq!((back.id, &back.event), (added.id, &added.event));
        let deals = |d: &[revival::Drafted]| d.iter().map(|d| d.candidate.deal).collect::<Vec<_>>();
        assert_eq!(deals(&back.reopens), deals(&added.reopens));
        let queued: Vec<_> = added.reopens.iter().map(|d| d.queued).collect();
        let waiting: Vec<_> = back.reopens.iter().map(|d| d.waiting).collect();
        assert_eq!(waiting, queued);
        assert!(back.reopens.iter().all(|d| d.queued.is_none()));
        assert_eq!(back.not_enough.len(), added.not_enough.len());
    }
    assert_eq!(
        store.outbox(true).await.expect("the outbox").len(),
        messages
    );
    assert_eq!(
        store
            .events_since(jiff::civil::date(1900, 1, 1))
            .await
            .expect("events"),
        events
    );

    // What was never recorded is not found.
    let unknown = revival::event_reopens(&store, &me, composer, EventId(999_999), now).await;
    assert_eq!(unknown.err().map(|e| e.kind()), Some(ErrorKind::NotFound));
    let unknown = revival::feature_reopens(&store, &me, composer, "warp drive", now).await;
    assert_eq!(unknown.err().map(|e| e.kind()), Some(ErrorKind::NotFound));
    let unknown = revival::promotion_reopens(&store, &me, composer, "Nope", now).await;
    assert_eq!(unknown.err().map(|e| e.kind()), Some(ErrorKind::NotFound));
}
