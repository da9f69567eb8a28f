//! The JSON API over a real server and a real SQLite file: the deals list's filters and paging,
//! one deal, today, a stage move, errors as problem documents naming the field, and the OpenAPI
//! document, parsed as OpenAPI 3.1 and checked to describe every route the server answers.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

fn json(url: &str) -> (u16, Value, String) {
    let mut r = client().get(url).call().expect("request");
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = r.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&body).expect("JSON"), kind)
}

fn post_json(url: &str, body: &str) -> (u16, Value, String) {
    let mut r = client()
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .expect("request");
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = r.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::Null),
        kind,
    )
}

#[test]
fn paging_through_the_deals_sees_each_once_worst_first() {
    let s = serve_demo();
    let (_, all, _) = json(&s.at("/api/v1/deals?limit=500"));
    let everything: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert!(all["next_cursor"].is_null());
    assert!(everything.len() > 20, "{}", everything.len());
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => s.at(&format!("/api/v1/deals?limit=7&cursor={c}")),
            None => s.at("/api/v1/deals?limit=7"),
        };
        let (status, page, _) = json(&url);
        assert_eq!(status, 200);
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 7);
        seen.extend(items.iter().map(|d| d["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, everything, "pages in order, none twice, none missed");
    // Worst first: every dark deal before every healthy one.
    let states: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap().to_string())
        .collect();
    let last_dark = states.iter().rposition(|s| s == "dark").unwrap();
    let first_healthy = states.iter().position(|s| s == "healthy").unwrap();
    assert!(last_dark < first_healthy, "{states:?}");
}

#[test]
fn filters_keep_only_matching_deals() {
    let s = serve_demo();
    let (_, page, _) = json(&s.at("/api/v1/deals?state=dark&stage=discovery&limit=500"));
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for d in items {
        assert_eq!(d["state"], "dark");
        assert_eq!(d["stage"], "discovery");
    }
    let (_, page, _) = json(&s.at("/api/v1/deals?signal=single_threaded&limit=500"));
    for d in page["items"].as_array().unwrap() {
        assert!(
            d["signals"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == "single_threaded")
        );
    }
    let (_, page, _) = json(&s.at("/api/v1/deals?q=SUMMIT&limit=500"));
    for d in page["items"].as_array().unwrap() {
        assert!(d["account"].as_str().unwrap().contains("Summit"), "{d}");
    }
}

#[test]
fn malformed_inputs_are_problems_naming_the_field() {
    let s = serve_demo();
    for (path, field) in [
        ("/api/v1/deals?cursor=garbage", "cursor"),
        ("/api/v1/deals?limit=0", "limit"),
        ("/api/v1/deals?now=yesterday-ish", "now"),
        ("/api/v1/deals/D2?now=2026-13-45", "now"),
    ] {
        let (status, problem, kind) = json(&s.at(path));
        assert_eq!(status, 422, "{path}: {problem}");
        assert_eq!(kind, "application/problem+json", "{path}");
        assert_eq!(problem["field"], field, "{path}: {problem}");
        assert_eq!(problem["status"], 422);
        assert!(!problem["detail"].as_str().unwrap().is_empty());
    }
    let (status, problem, kind) = json(&s.at("/api/v1/deals/D9999"));
    assert_eq!((status, kind.as_str()), (404, "application/problem+json"));
    assert!(problem["detail"].as_str().unwrap().contains("D9999"));
}

#[test]
fn a_deal_and_today_answer_with_the_engine_s_values() {
    let s = serve_demo();
    let (status, deal, _) = json(&s.at("/api/v1/deals/D2"));
    assert_eq!(status, 200);
    assert_eq!(deal["record"]["deal"]["id"], 2);
    assert!(deal["assessment"]["state"].is_string());
    assert_eq!(deal["assessed_at"], NOW);
    let (_, today, _) = json(&s.at("/api/v1/today"));
    let due = today["due"].as_array().unwrap();
    assert!(!due.is_empty());
    for d in due {
        assert!(d["next_play"].is_string(), "{d}");
        assert!(d["next_due"].as_str().unwrap()[..10] <= NOW[..10], "{d}");
    }
    // Paged: every due action once, in the day's order, as the use case lists them all.
    let all = s.with_store(async |store| {
        rekindle_app::pipeline::today(store, &rekindle_app::Caller::local(), NOW.parse().unwrap())
            .await
            .unwrap()
            .actions
            .iter()
            .map(|r| r.deal_id.to_string())
            .collect::<Vec<_>>()
    });
    assert!(all.len() > 2, "{all:?}");
    assert_eq!(today["due_count"], all.len());
    let mut paged = Vec::new();
    let mut url = s.at("/api/v1/today?limit=2");
    loop {
        let (status, page, _) = json(&url);
        assert_eq!(status, 200, "{page}");
        assert!(page["due"].as_array().unwrap().len() <= 2);
        assert_eq!(page["due_count"], all.len());
        paged.extend(
            page["due"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => url = s.at(&format!("/api/v1/today?limit=2&cursor={c}")),
            None => break,
        }
    }
    assert_eq!(paged, all);
    let (status, problem, _) = json(&s.at("/api/v1/today?cursor=nowhere"));
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["field"], "cursor", "{problem}");
    // Another moment is another answer: a year later, more has gone dark.
    let (_, later, _) = json(&s.at("/api/v1/today?now=2027-11-23"));
    assert_eq!(later["assessed_at"], "2027-11-23T00:00:00Z");
}

#[test]
fn a_stage_move_over_the_api_is_the_cli_s_move() {
    let s = serve_demo();
    let (status, deal, _) = post_json(
        &s.at("/api/v1/deals/D2/stage"),
        r#"{"stage":"negotiation"}"#,
    );
    assert_eq!(status, 200, "{deal}");
    assert_eq!(deal["record"]["deal"]["stage"], "negotiation");
    let history = s.with_store(async |store| {
        store
            .deal("D2".parse().unwrap())
            .await
            .unwrap()
            .stage_history
    });
    let last = history.last().expect("a stage change");
    assert_eq!(last.stage, "negotiation");
    assert_eq!(last.at.to_string(), NOW);
    let (status, problem, _) = post_json(&s.at("/api/v1/deals/D2/stage"), r#"{"stage":"heaven"}"#);
    assert_eq!(status, 422, "{problem}");
    let (status, _, _) = post_json(&s.at("/api/v1/deals/D2/stage"), r#"{"stage":"#);
    assert!((400..500).contains(&status));
}

#[test]
fn the_openapi_document_parses_and_describes_every_route() {
    let s = serve_demo();
    let mut r = client().get(&s.at("/api/v1/openapi.json")).call().unwrap();
    let text = r.body_mut().read_to_string().unwrap();
    let spec = oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
    let paths: BTreeSet<String> = spec.paths.unwrap_or_default().keys().cloned().collect();
    for route in [
        "/api/v1/deals",
        "/api/v1/deals/{id}",
        "/api/v1/deals/{id}/stage",
        "/api/v1/today",
    ] {
        assert!(paths.contains(route), "{route} missing from {paths:?}");
    }
    // Every documented GET answers (with the demo's D2 for deal ids, and a draft queued for
    // D27 for an outbox message's).
    let message = s.with_store(async |store| {
        rekindle_app::outbox::queue(
            store,
            &rekindle_app::Caller::local(),
            rekindle_core::compose::Composer::builtin(),
            "D27".parse().unwrap(),
            None,
            NOW.parse().unwrap(),
        )
        .await
        .unwrap()
        .message
        .id
        .to_string()
    });
    for p in &paths {
        let doc: Value = serde_json::from_str(&text).unwrap();
        if doc["paths"][p]["get"].is_null() {
            continue;
        }
        let id = if p.starts_with("/api/v1/outbox/") {
            message.as_str()
        } else {
            "D2"
        };
        let (status, _, _) = json(&s.at(&p.replace("{id}", id)));
        assert_eq!(status, 200, "{p}");
    }
}

#[test]
fn the_manager_s_figures_agree_with_the_pipeline() {
    let s = serve_demo();
    let (status, m, _) = json(&s.at("/api/v1/manager"));
    assert_eq!(status, 200, "{m}");
    let (_, all, _) = json(&s.at("/api/v1/deals?limit=500"));
    let items = all["items"].as_array().unwrap();
    // Per owner, the dark deals are the list's dark deals of that owner.
    for o in m["owners"].as_array().unwrap() {
        let owner = o["owner"].as_str().unwrap();
        let dark = items
            .iter()
            .filter(|d| d["owner"] == owner && d["state"] == "dark")
            .count() as u64;
        assert_eq!(o["dark"].as_u64(), Some(dark), "{owner}");
        let desperate = items
            .iter()
            .filter(|d| {
                d["owner"] == owner
                    && d["signals"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|k| k == "desperation")
            })
            .count() as u64;
        assert_eq!(o["desperation"].as_u64(), Some(desperate), "{owner}");
    }
    let funnel: u64 = m["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["deals"].as_u64().unwrap())
        .sum();
    assert_eq!(funnel, items.len() as u64);
    let (status, page) = get(&s.at("/manager"));
    assert_eq!(status, 200);
    assert!(
        page.contains("Forecast at risk") && page.contains("Stage funnel"),
        "{page}"
    );
}

/// Today offers each action's own act: a play to take the deal out of the pipeline links to
/// closing it (its note second), a message play to its draft.
#[test]
fn today_offers_closing_for_a_close_play_and_the_draft_for_a_message() {
    let s = serve_demo();
    let (status, page) = get(&s.at("/"));
    assert_eq!(status, 200);
    let cards = s.with_store(async |store| {
        rekindle_app::pipeline::today_first(
            store,
            &rekindle_app::Caller::local(),
            NOW.parse().unwrap(),
            100,
        )
        .await
        .unwrap()
        .actions
    });
    let closing: Vec<_> = cards
        .iter()
        .filter(|c| c.next_play == Some(rekindle_core::PlayKind::CloseOrNurture))
        .collect();
    assert!(
        !closing.is_empty() && closing.len() < cards.len(),
        "the demo has both kinds"
    );
    for c in &cards {
        let close = format!("href=\"/deals/{}#close\"", c.deal_id);
        let draft = format!("href=\"/deals/{}#draft\"", c.deal_id);
        assert!(page.contains(&draft), "{}", c.deal_id);
        assert_eq!(
            page.contains(&close),
            c.next_play == Some(rekindle_core::PlayKind::CloseOrNurture),
            "{}",
            c.deal_id
        );
    }
}
