//! Revive: the ranked queue with every factor's points and why, the deals best left buried,
//! and the occasion forms (a feature shipped, a trigger event, a promotion) whose answer lists
//! the deals they reopen; each records exactly what the `revival` use cases the CLI runs
//! record on a copy; refused input answers 4xx and changes nothing.

mod common;
use common::*;
use rekindle_app::Caller;
use rekindle_app::revival::{self, EventInput, PromotionInput, Words};
use rekindle_core::DealStatus;
use rekindle_core::compose::Composer;

fn token(s: &Served) -> String {
    token_of(&get(&s.at("/revive")).1)
}

/// Runs `f` on a copy of the served database, as the CLI would; the copy and what `f` said.
fn on_copy<T>(
    s: &Served,
    f: impl AsyncFnOnce(&rekindle_store::Store) -> T,
) -> (std::path::PathBuf, T) {
    let copy = copy_of(s, "cli.db");
    let out = s.runtime.block_on(async {
        let store = rekindle_store::Store::open(&copy).await.unwrap();
        f(&store).await
    });
    (copy, out)
}

/// The deals a result page lists, in order (the links of its reopened deals).
fn listed(page: &str) -> Vec<String> {
    let outcome = page
        .split("id=\"outcome-h\"")
        .nth(1)
        .and_then(|p| p.split("id=\"queue-h\"").next())
        .unwrap_or("");
    outcome
        .split("href=\"/deals/")
        .skip(1)
        .map(|p| p[..p.find('"').unwrap()].to_string())
        .collect()
}

#[test]
fn the_queue_shows_each_factor_and_the_deals_to_leave_buried() {
    let s = serve_demo();
    let found = s.with_store(async |store| {
        revival::revive(
            store,
            &Caller::local(),
            100,
            true,
            revival::Drafting::None,
            NOW.parse().unwrap(),
        )
        .await
        .unwrap()
    });
    let (status, page) = get(&s.at("/revive"));
    assert_eq!(status, 200);
    let best = &found.candidates[0].candidate;
    assert!(!best.leave_buried);
    assert!(page.contains(&format!("href=\"/deals/{}\"", best.deal)));
    for r in revival::weighed(best) {
        assert!(
            page.contains(&format!("{:+}", r.points)),
            "points of {}",
            r.why
        );
        assert!(page.contains(&r.why), "{} missing", r.why);
    }
    assert!(page.contains(&revival::occasion_words(&best.occasion)));
    assert!(page.contains(&format!("Leave buried ({})", found.left_buried)));
    let buried = found.candidates.iter().find(|d| d.candidate.leave_buried);
    if let Some(b) = buried {
        let section = page.split("id=\"buried-h\"").nth(1).unwrap();
        assert!(section.contains(&format!("href=\"/deals/{}\"", b.candidate.deal)));
    }
    for form in ["/revive/feature", "/revive/event", "/revive/promotion"] {
        assert!(page.contains(&format!("action=\"{form}\"")), "{form}");
    }
}

#[test]
fn an_empty_pipeline_says_so() {
    let s = serve_empty();
    let (status, page) = get(&s.at("/revive"));
    assert_eq!(status, 200);
    assert!(page.contains("No lost or dark deal is worth reviving now."));
    assert!(page.contains("No deal to leave buried."));
}

#[test]
fn a_shipped_feature_lists_the_deals_it_reopens_as_the_cli_records_it() {
    let s = serve_demo();
    let now = NOW.parse().unwrap();
    let (copy, shipped) = on_copy(&s, async |store| {
        revival::feature_shipped(
            store,
            &Caller::local(),
            Composer::builtin(),
            "SSO",
            None,
            true,
            now,
        )
        .await
        .unwrap()
    });
    let expected: Vec<String> = shipped
        .deals
        .iter()
        .map(|d| d.candidate.deal.to_string())
        .collect();
    assert!(!expected.is_empty(), "the demo has deals that needed SSO");
    let (status, page, _) = post_form(
        &s.at("/revive/feature"),
        &[
            ("_csrf", &token(&s)),
            ("name", "SSO"),
            ("on", ""),
            ("queue", "yes"),
        ],
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(listed(&page), expected);
    assert!(page.contains("shipped on 2026-11-23: it reopens"), "{page}");
    assert!(page.contains("Queued as"), "{page}");
    assert_eq!(snapshot(&s, &s.db, &[]), snapshot(&s, &copy, &[]));
    // The form posted again (a reload) records nothing more and queues nothing twice.
    let outbox = |s: &Served| s.with_store(async |store| store.outbox(true).await.unwrap().len());
    let queued = outbox(&s);
    let (status, again, _) = post_form(
        &s.at("/revive/feature"),
        &[
            ("_csrf", &token(&s)),
            ("name", "SSO"),
            ("on", ""),
            ("queue", "yes"),
        ],
    );
    assert_eq!(status, 200, "{again}");
    assert_eq!(outbox(&s), queued);
    assert!(
        again.contains("Already waiting in the outbox as"),
        "{again}"
    );
    assert_eq!(snapshot(&s, &s.db, &[]), snapshot(&s, &copy, &[]));
    // A name without a letter or digit is refused, and nothing changes.
    let before = snapshot(&s, &s.db, &[]);
    let (status, page, _) = post_form(
        &s.at("/revive/feature"),
        &[("_csrf", &token(&s)), ("name", " -- ")],
    );
    assert_eq!(status, 422, "{page}");
    assert_eq!(snapshot(&s, &s.db, &[]), before);
}

#[test]
fn a_trigger_event_and_a_promotion_list_the_deals_they_reopen() {
    let s = serve_demo();
    let now = NOW.parse().unwrap();
    // An account with a lost deal.
    let account = s.with_store(async |store| {
        let found = revival::revive(
            store,
            &Caller::local(),
            100,
            true,
            revival::Drafting::None,
            now,
        )
        .await
        .unwrap();
        found
            .candidates
            .iter()
            .find(|d| d.candidate.status == DealStatus::Lost)
            .unwrap()
            .candidate
            .account
            .clone()
    });
    let event = [
        ("account", account.as_str()),
        ("kind", "funding"),
        ("on", "2026-11-20"),
        ("source", "TechCrunch"),
        ("note", "Series B"),
    ];
    let (copy, added) = on_copy(&s, async |store| {
        let words = Words::new(event.iter().map(|(k, v)| (*k, Some(*v))).collect());
        let input = EventInput::parse(&words).unwrap();
        revival::add_event(
            store,
            &Caller::local(),
            Composer::builtin(),
            input,
            false,
            now,
        )
        .await
        .unwrap()
    });
    let mut form = vec![("_csrf", token(&s))];
    form.extend(event.iter().map(|(k, v)| (*k, v.to_string())));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page, _) = post_form(&s.at("/revive/event"), &fields);
    assert_eq!(status, 200, "{page}");
    let expected: Vec<String> = added
        .reopens
        .iter()
        .map(|d| d.candidate.deal.to_string())
        .collect();
    assert_eq!(listed(&page), expected);
    assert!(
        page.contains(&format!("Recorded funding at {account}")),
        "{page}"
    );
    assert_eq!(snapshot(&s, &s.db, &[]), snapshot(&s, &copy, &[]));
    // A promotion, as `promo add`.
    let (copy, promo) = on_copy(&s, async |store| {
        let words = Words::new(vec![
            ("name", Some("Year-end")),
            ("kind", Some("discount")),
            ("offer", Some("20% off the first year")),
            ("until", Some("2026-12-31")),
        ]);
        let input = PromotionInput::parse(&words, &[]).unwrap();
        revival::add_promotion(
            store,
            &Caller::local(),
            Composer::builtin(),
            input,
            true,
            now,
        )
        .await
        .unwrap()
    });
    let (status, page, _) = post_form(
        &s.at("/revive/promotion"),
        &[
            ("_csrf", &token(&s)),
            ("name", "Year-end"),
            ("kind", "discount"),
            ("offer", "20% off the first year"),
            ("from", ""),
            ("until", "2026-12-31"),
            ("min_stage", ""),
            ("min_amount", ""),
            ("max_amount", ""),
            ("queue", "yes"),
        ],
    );
    assert_eq!(status, 200, "{page}");
    let expected: Vec<String> = promo
        .deals
        .iter()
        .map(|d| d.candidate.deal.to_string())
        .collect();
    assert_eq!(listed(&page), expected);
    assert!(page.contains("Recorded Year-end"), "{page}");
    assert_eq!(snapshot(&s, &s.db, &[]), snapshot(&s, &copy, &[]));
    // Refused: an unknown kind, a missing end; nothing changes.
    let before = snapshot(&s, &s.db, &[]);
    let (status, page, _) = post_form(
        &s.at("/revive/event"),
        &[
            ("_csrf", &token(&s)),
            ("account", &account),
            ("kind", "party"),
            ("source", "a call"),
        ],
    );
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("party"), "{page}");
    let (status, _, _) = post_form(
        &s.at("/revive/promotion"),
        &[
            ("_csrf", &token(&s)),
            ("name", "X"),
            ("kind", "discount"),
            ("offer", "10%"),
        ],
    );
    assert_eq!(status, 422);
    assert_eq!(snapshot(&s, &s.db, &[]), before);
}

#[test]
fn the_api_pages_the_queue_and_records_occasions_with_named_errors() {
    let s = serve_demo();
    let (status, first) = get_json(&s.at("/api/v1/revive?limit=2"));
    assert_eq!(status, 200);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let reasons = first["items"][0]["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .all(|r| r["points"].as_i64().unwrap() != 0 && r["why"].is_string())
    );
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = get_json(&s.at(&format!("/api/v1/revive?limit=2&cursor={cursor}")));
    let (_, both) = get_json(&s.at("/api/v1/revive?limit=4"));
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["deal"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!([ids(&first), ids(&second)].concat(), ids(&both));
    let (_, all) = get_json(&s.at("/api/v1/revive?all=true&limit=500"));
    let buried = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["leave_buried"] == true)
        .count();
    assert_eq!(buried as u64, all["left_buried"].as_u64().unwrap());
    let (status, problem) = get_json(&s.at("/api/v1/revive?cursor=x"));
    assert_eq!((status, problem["field"].as_str()), (422, Some("cursor")));
    let before = snapshot(&s, &s.db, &[]);
    for (path, body, field) in [
        ("/api/v1/revive/feature", "{}", "name"),
        (
            "/api/v1/revive/feature",
            r#"{"name":"SSO","on":"yesterday"}"#,
            "on",
        ),
        (
            "/api/v1/revive/feature",
            r#"{"name":"SSO","queue":"yes"}"#,
            "queue",
        ),
        (
            "/api/v1/revive/event",
            r#"{"account":"Acme","kind":"party","source":"x"}"#,
            "kind",
        ),
        (
            "/api/v1/revive/event",
            r#"{"kind":"funding","source":"x"}"#,
            "account",
        ),
        (
            "/api/v1/revive/promotion",
            r#"{"name":"X","kind":"discount","offer":"10%"}"#,
            "until",
        ),
        (
            "/api/v1/revive/promotion",
            r#"{"name":"X","kind":"discount","offer":"10%","until":"2026-12-31","lost_reasons":["boredom"]}"#,
            "lost_reasons",
        ),
    ] {
        let (status, kind, problem) = post_json(&s.at(path), body);
        assert_eq!(status, 422, "{path} {body}: {problem}");
        assert_eq!(kind, "application/problem+json");
        assert_eq!(problem["field"], field, "{path} {body}: {problem}");
    }
    assert_eq!(snapshot(&s, &s.db, &[]), before);
    let now = NOW.parse().unwrap();
    let (copy, shipped) = on_copy(&s, async |store| {
        revival::feature_shipped(
            store,
            &Caller::local(),
            Composer::builtin(),
            "SSO",
            None,
            false,
            now,
        )
        .await
        .unwrap()
    });
    let (status, _, answer) = post_json(&s.at("/api/v1/revive/feature"), r#"{"name":"SSO"}"#);
    assert_eq!(status, 200, "{answer}");
    let deals: Vec<&str> = answer["deals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deal"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = shipped
        .deals
        .iter()
        .map(|d| d.candidate.deal.to_string())
        .collect();
    assert_eq!(deals, expected);
    assert!(
        answer["deals"][0]["draft"]["subject"].is_string(),
        "{answer}"
    );
    assert_eq!(snapshot(&s, &s.db, &[]), snapshot(&s, &copy, &[]));
}
