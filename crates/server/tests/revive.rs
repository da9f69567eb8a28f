//! Revive: the ranked queue with every factor's points and why, the deals best left buried,
//! and the occasion forms (a feature shipped, a trigger event, a promotion), each answered
//! with a redirect (303) to the page that reads back the deals the occasion reopens; each
//! records exactly what the `revival` use cases the CLI runs record on a copy; reloading the
//! page it redirects to changes nothing; refused input answers 4xx and changes nothing.

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

/// Posts a form that must answer 303 (POST/redirect/GET), then follows the redirect as a
/// browser does: (the Location, the page it shows).
fn post_and_follow(s: &Served, path: &str, fields: &[(&str, &str)]) -> (String, String) {
    let (status, body, location) = post_form(&s.at(path), fields);
    assert_eq!(status, 303, "{path}: {body}");
    let location = location.expect("a Location");
    assert!(location.starts_with("/revive?"), "{location}");
    let (status, page) = get(&s.at(&location));
    assert_eq!(status, 200, "{location}: {page}");
    (location, page)
}

/// Posts the promotion form as a browser sends it (blank fields included): "Year-end", 20% off
/// the first year, from today to 2026-12-31, its drafts queued; follows the redirect.
fn post_year_end(s: &Served) -> (String, String) {
    post_and_follow(
        s,
        "/revive/promotion",
        &[
            ("_csrf", &token(s)),
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
    )
}

/// The outbox messages a result page says are waiting, in order.
fn waiting(page: &str) -> Vec<String> {
    page.split("Queued: waiting in the outbox as <a href=\"/outbox#message-")
        .skip(1)
        .map(|p| p[..p.find('"').unwrap()].to_string())
        .collect()
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

/// The revival queue as the CLI's `revive --all` ranks it at [`NOW`] (100 at most).
fn ranked(s: &Served) -> revival::Revived {
    s.with_store(async |store| {
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
    })
}

/// The account of the best-ranked lost deal worth reviving.
fn lost_account(s: &Served) -> String {
    ranked(s)
        .candidates
        .iter()
        .find(|d| d.candidate.status == DealStatus::Lost && !d.candidate.leave_buried)
        .unwrap()
        .candidate
        .account
        .clone()
}

#[test]
fn the_queue_shows_each_factor_and_the_deals_to_leave_buried() {
    let s = serve_demo();
    let found = ranked(&s);
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
    let form = |s: &Served| {
        post_and_follow(
            s,
            "/revive/feature",
            &[
                ("_csrf", &token(s)),
                ("name", "SSO"),
                ("on", ""),
                ("queue", "yes"),
            ],
        )
    };
    let (location, page) = form(&s);
    assert_eq!(location, format!("/revive?shipped={}", shipped.feature));
    assert_eq!(listed(&page), expected);
    assert!(page.contains("shipped on 2026-11-23: it reopens"), "{page}");
    // Every draft queued, each shown waiting in the outbox under the id it was queued as.
    let queued: Vec<String> = shipped
        .deals
        .iter()
        .filter_map(|d| d.queued.map(|q| q.to_string()))
        .collect();
    assert!(!queued.is_empty());
    assert_eq!(waiting(&page), queued, "{page}");
    assert_eq!(snapshot(&s, &s.db, &[]), snapshot(&s, &copy, &[]));
    // Reloading the page it redirected to records nothing and queues nothing.
    let (status, reloaded) = get(&s.at(&location));
    assert_eq!(status, 200);
    assert_eq!(listed(&reloaded), expected);
    assert_eq!(waiting(&reloaded), queued);
    assert_eq!(snapshot(&s, &s.db, &[]), snapshot(&s, &copy, &[]));
    // The form posted again records nothing more and queues nothing twice.
    let outbox = |s: &Served| s.with_store(async |store| store.outbox(true).await.unwrap().len());
    let before = outbox(&s);
    let (again_at, again) = form(&s);
    assert_eq!(again_at, location);
    assert_eq!(outbox(&s), before);
    assert_eq!(waiting(&again), queued, "{again}");
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
    let account = lost_account(&s);
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
    let (location, page) = post_and_follow(&s, "/revive/event", &fields);
    assert_eq!(location, format!("/revive?event={}", added.id));
    let expected: Vec<String> = added
        .reopens
        .iter()
        .map(|d| d.candidate.deal.to_string())
        .collect();
    assert_eq!(listed(&page), expected);
    assert!(
        page.contains(&format!(
            "Recorded funding at {account} on 2026-11-20: it reopens"
        )),
        "{page}"
    );
    // Not asked to queue: nothing waits in the outbox.
    assert!(waiting(&page).is_empty(), "{page}");
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
    let (location, page) = post_year_end(&s);
    assert_eq!(location, "/revive?promotion=Year-end");
    let expected: Vec<String> = promo
        .deals
        .iter()
        .map(|d| d.candidate.deal.to_string())
        .collect();
    assert_eq!(listed(&page), expected);
    assert!(
        page.contains("Recorded Year-end, running from 2026-11-23 to 2026-12-31"),
        "{page}"
    );
    let queued: Vec<String> = promo
        .deals
        .iter()
        .filter_map(|d| d.queued.map(|q| q.to_string()))
        .collect();
    assert!(!queued.is_empty(), "the demo has deals on the verge");
    assert_eq!(waiting(&page), queued, "{page}");
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

/// Rows of the tables an occasion form writes: the outbox, trigger events, shipped features,
/// and promotions running now or in March 2027 (the window of the one recorded ahead).
fn counts(s: &Served) -> [usize; 4] {
    s.with_store(async |store| {
        let running_on = async |day: &str| {
            store
                .promotions_on(day.parse().unwrap())
                .await
                .unwrap()
                .len()
        };
        [
            store.outbox(true).await.unwrap().len(),
            store
                .events_since("1900-01-01".parse().unwrap())
                .await
                .unwrap()
                .len(),
            store.shipped().await.unwrap().len(),
            running_on(&NOW[..10]).await + running_on("2027-03-15").await,
        ]
    })
}

#[test]
fn reloading_an_outcome_changes_nothing_and_a_bad_occasion_is_an_error_page() {
    let s = serve_demo();
    let account = lost_account(&s);
    // A shipped feature, dated, its drafts not queued: its page shows none waiting.
    let (shipped_at, shipped) = post_and_follow(
        &s,
        "/revive/feature",
        &[("_csrf", &token(&s)), ("name", "SSO"), ("on", "2026-11-10")],
    );
    assert!(
        shipped.contains("sso shipped on 2026-11-10: it reopens"),
        "{shipped}"
    );
    assert!(!listed(&shipped).is_empty());
    assert!(waiting(&shipped).is_empty(), "{shipped}");
    // A trigger event with its drafts queued: each waits in the outbox, for a deal it lists.
    let [outbox_before, ..] = counts(&s);
    let (event_at, event_page) = post_and_follow(
        &s,
        "/revive/event",
        &[
            ("_csrf", &token(&s)),
            ("account", &account),
            ("kind", "key_hire"),
            ("on", "2026-11-21"),
            ("source", "LinkedIn"),
            ("queue", "yes"),
        ],
    );
    assert!(event_at.starts_with("/revive?event=E"), "{event_at}");
    assert!(
        event_page.contains(&format!("Recorded key hire at {account} on 2026-11-21")),
        "{event_page}"
    );
    let [outbox_after, ..] = counts(&s);
    let shown = waiting(&event_page);
    assert_eq!(shown.len(), outbox_after - outbox_before, "{event_page}");
    let deals = listed(&event_page);
    let messages = s.with_store(async |store| store.outbox(true).await.unwrap());
    for id in &shown {
        let m = messages.iter().find(|m| &m.id.to_string() == id).unwrap();
        assert!(deals.contains(&m.deal.to_string()), "{id} for {}", m.deal);
    }
    // A promotion that runs later: recorded, nothing qualifies before it starts.
    let (later_at, later) = post_and_follow(
        &s,
        "/revive/promotion",
        &[
            ("_csrf", &token(&s)),
            ("name", "Spring onboarding"),
            ("kind", "free_onboarding"),
            ("offer", "onboarding at no cost"),
            ("from", "2027-03-01"),
            ("until", "2027-03-31"),
            ("queue", "yes"),
        ],
    );
    assert_eq!(later_at, "/revive?promotion=Spring+onboarding");
    assert!(
        later.contains(
            "Recorded Spring onboarding: it runs from 2027-03-01 to 2027-03-31; the queue picks it up then."
        ),
        "{later}"
    );
    assert!(listed(&later).is_empty());
    let (promotion_at, _) = post_year_end(&s);
    // Each outcome reloaded, again and again: the same page, and not a row more anywhere.
    let (before, rows) = (snapshot(&s, &s.db, &[]), counts(&s));
    assert!(rows.iter().all(|n| *n > 0), "{rows:?}");
    for at in [&shipped_at, &event_at, &later_at, &promotion_at] {
        let (_, first) = get(&s.at(at));
        for _ in 0..2 {
            let (status, again) = get(&s.at(at));
            assert_eq!(status, 200, "{at}");
            assert_eq!(
                (listed(&again), waiting(&again)),
                (listed(&first), waiting(&first))
            );
        }
    }
    assert_eq!(counts(&s), rows);
    assert_eq!(snapshot(&s, &s.db, &[]), before);
    // An occasion not recorded is not found; a malformed one, or two at once, is refused.
    for (query, status, named) in [
        ("event=E999999", 404, "E999999"),
        ("event=banana", 422, "banana"),
        ("event=0", 422, "event"),
        ("shipped=warp%20drive", 404, "warp drive"),
        ("shipped=%20--%20", 422, "shipped"),
        ("promotion=Nope", 404, "Nope"),
        ("promotion=%20", 422, "promotion"),
        (
            "shipped=sso&promotion=Year-end",
            422,
            "one occasion at a time",
        ),
        ("event=E1&event=E2", 422, "one occasion at a time"),
        ("event=%ZZ", 422, "event"),
    ] {
        let (got, page) = get(&s.at(&format!("/revive?{query}")));
        assert_eq!(got, status, "{query}: {page}");
        assert!(page.contains(named), "{query}: {page}");
    }
    assert_eq!(counts(&s), rows);
    assert_eq!(snapshot(&s, &s.db, &[]), before);
}
