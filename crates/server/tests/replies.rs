//! Replies: the readings waiting for the rep, shown with who wrote, the deal, the reading and
//! its evidence; each decision made from the page or the API changes the record exactly as
//! `replies::decide` (what `rekindle replies decide` runs) does on a copy; refused decisions
//! answer 4xx and change nothing.

mod common;
use common::*;
use rekindle_app::Caller;
use rekindle_app::record::{self, LogInput};
use rekindle_app::replies::{self, Decision};
use rekindle_core::{ActivityKind, Direction, ReadingId};

/// Logs `text` as a reply from the deal's first contact, an hour before [`NOW`]; the reading.
fn reply(s: &Served, deal: &str, text: &str) -> ReadingId {
    s.with_store(async |store| {
        let id = deal.parse().unwrap();
        let contact = store.deal(id).await.unwrap().contacts[0].name.clone();
        let logged = record::log_activity(
            store,
            &Caller::local(),
            id,
            LogInput {
                kind: ActivityKind::Email,
                direction: Direction::Inbound,
                outcome: None,
                play: None,
                returns_on: None,
                at: Some("2026-11-23T08:00:00Z".parse().unwrap()),
                contact: Some(contact),
                summary: String::new(),
                body: Some(text.to_string()),
            },
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
        store
            .readings(false, 1000)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.activity == logged.activity)
            .expect("the reply was read")
            .id
    })
}

fn token(s: &Served) -> String {
    token_of(&get(&s.at("/replies")).1)
}

/// Decides on a copy of the database as the CLI does; the copy's path.
fn decided_on_copy(
    s: &Served,
    name: &str,
    id: ReadingId,
    decision: Decision,
) -> std::path::PathBuf {
    let copy = copy_of(s, name);
    s.runtime.block_on(async {
        let store = rekindle_store::Store::open(&copy).await.unwrap();
        replies::decide(&store, &Caller::local(), id, decision, NOW.parse().unwrap())
            .await
            .unwrap();
    });
    copy
}

#[test]
fn the_page_shows_what_waits_with_its_evidence_and_an_empty_state() {
    let s = serve_demo();
    let (status, page) = get(&s.at("/replies"));
    assert_eq!(status, 200);
    assert!(page.contains("Nothing waiting"), "no empty state");
    let id = reply(&s, "D2", "Could you send me the pricing for 50 seats?");
    let (status, page) = get(&s.at("/replies"));
    assert_eq!(status, 200);
    let contact = s.with_store(async |store| {
        store.deal("D2".parse().unwrap()).await.unwrap().contacts[0]
            .name
            .clone()
    });
    assert!(page.contains(&contact), "who wrote is missing");
    assert!(page.contains("href=\"/deals/D2\""), "the deal is missing");
    assert!(page.contains("Read as <strong>question</strong>"), "{page}");
    assert!(page.contains("Could you send me the pricing for 50 seats?"));
    assert!(page.contains(&format!("action=\"/replies/{id}/decide\"")));
    for class in ["revive", "later", "lost", "referral", "stop", "unclear"] {
        assert!(
            page.contains(&format!("name=\"class\" value=\"{class}\"")),
            "no {class} button"
        );
    }
    assert!(
        page.contains("name=\"confirm_stop\""),
        "stop has no confirmation"
    );
    // A reading that did not wait is listed with all=1 only.
    let stop = reply(
        &s,
        "D3",
        "Please remove me from your list and do not contact me again.",
    );
    assert!(!get(&s.at("/replies")).1.contains(&format!("{stop} ·")));
    assert!(
        get(&s.at("/replies?all=1"))
            .1
            .contains(&format!("{stop} ·"))
    );
}

#[test]
fn a_decision_from_the_page_changes_the_record_as_the_cli_does() {
    let s = serve_demo();
    let id = reply(&s, "D2", "Hmm, maybe. Let me think about it.");
    let decision = Decision::parse("lost", Some("competitor"), None, false).unwrap();
    let copy = decided_on_copy(&s, "cli.db", id, decision);
    let (status, _, location) = post_form(
        &s.at(&format!("/replies/{id}/decide")),
        &[
            ("_csrf", &token(&s)),
            ("class", "lost"),
            ("reason", "competitor"),
            ("until", ""),
        ],
    );
    assert_eq!(status, 303);
    let location = location.unwrap();
    assert!(location.starts_with("/replies?done="), "{location}");
    assert_eq!(snapshot(&s, &s.db, &["D2"]), snapshot(&s, &copy, &["D2"]));
    // The page says what the decision did.
    let (_, page) = get(&s.at(&location));
    assert!(page.contains(&format!("replaces {id}: lost")), "{page}");
    // Deciding again on the replaced reading is refused, and changes nothing.
    let before = snapshot(&s, &s.db, &["D2"]);
    let (status, page, _) = post_form(
        &s.at(&format!("/replies/{id}/decide")),
        &[("_csrf", &token(&s)), ("class", "revive")],
    );
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("already replaced"));
    assert_eq!(snapshot(&s, &s.db, &["D2"]), before);
}

#[test]
fn a_later_decision_keeps_its_date_and_a_past_date_is_refused() {
    let s = serve_demo();
    let id = reply(&s, "D5", "We might revisit this, not sure yet.");
    let before = snapshot(&s, &s.db, &["D5"]);
    let (status, page, _) = post_form(
        &s.at(&format!("/replies/{id}/decide")),
        &[
            ("_csrf", &token(&s)),
            ("class", "later"),
            ("until", "2026-11-01"),
        ],
    );
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("a date after today"), "{page}");
    assert_eq!(snapshot(&s, &s.db, &["D5"]), before);
    let decision = Decision::parse("later", None, Some("2027-03-01"), false).unwrap();
    let copy = decided_on_copy(&s, "cli.db", id, decision);
    let (status, _, _) = post_form(
        &s.at(&format!("/replies/{id}/decide")),
        &[
            ("_csrf", &token(&s)),
            ("class", "later"),
            ("until", "2027-03-01"),
        ],
    );
    assert_eq!(status, 303);
    let after = snapshot(&s, &s.db, &["D5"]);
    assert_eq!(after, snapshot(&s, &copy, &["D5"]));
    assert!(after.to_string().contains("2027-03-01"));
}

#[test]
fn a_stop_needs_a_confirmation_and_is_lifted_only_on_purpose() {
    let s = serve_demo();
    let question = reply(&s, "D2", "Could you send me the pricing for 50 seats?");
    let url = s.at(&format!("/replies/{question}/decide"));
    let before = snapshot(&s, &s.db, &["D2"]);
    // Stop without the box ticked: refused, nothing changes.
    let (status, page, _) = post_form(&url, &[("_csrf", &token(&s)), ("class", "stop")]);
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("confirm"), "{page}");
    assert_eq!(snapshot(&s, &s.db, &["D2"]), before);
    // A reply read as a stop: deciding otherwise without lifting it is refused.
    let stop = reply(
        &s,
        "D3",
        "Please remove me from your list and do not contact me again.",
    );
    let url = s.at(&format!("/replies/{stop}/decide"));
    let before = snapshot(&s, &s.db, &["D3"]);
    assert!(before.to_string().contains("\"do_not_contact\":true"));
    let (status, page, _) = post_form(&url, &[("_csrf", &token(&s)), ("class", "revive")]);
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("request to stop"), "{page}");
    assert_eq!(snapshot(&s, &s.db, &["D3"]), before);
    // With the box ticked the stop is lifted, exactly as `--lift-stop` does.
    let decision = Decision::parse("revive", None, None, true).unwrap();
    let copy = decided_on_copy(&s, "cli.db", stop, decision);
    let (status, _, _) = post_form(
        &url,
        &[
            ("_csrf", &token(&s)),
            ("class", "revive"),
            ("lift_stop", "yes"),
        ],
    );
    assert_eq!(status, 303);
    let after = snapshot(&s, &s.db, &["D3"]);
    assert_eq!(after, snapshot(&s, &copy, &["D3"]));
    assert_ne!(after, before);
}

#[test]
fn the_api_lists_pages_and_decides_with_named_errors() {
    let s = serve_demo();
    let first = reply(&s, "D2", "Could you send me the pricing for 50 seats?");
    let second = reply(&s, "D5", "Hmm, maybe. Let me think about it.");
    let (status, page) = get_json(&s.at("/api/v1/replies?limit=1"));
    assert_eq!(status, 200);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let cursor = page["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let (_, next) = get_json(&s.at(&format!("/api/v1/replies?limit=1&cursor={cursor}")));
    let ids: Vec<String> = [&page, &next]
        .iter()
        .map(|p| p["items"][0]["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ids.contains(&first.to_string()) && ids.contains(&second.to_string()),
        "{ids:?}"
    );
    assert!(next["next_cursor"].is_null());
    let question = if ids[0] == first.to_string() {
        &page
    } else {
        &next
    };
    assert_eq!(question["items"][0]["class"], "question");
    assert_eq!(question["items"][0]["deal"], "D2");
    assert!(
        !question["items"][0]["evidence"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Errors name the field.
    let (status, kind, problem) = get_problem(&s, "/api/v1/replies?cursor=nonsense");
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("cursor")),
        "{kind}"
    );
    let url = s.at(&format!("/api/v1/replies/{first}/decide"));
    let before = snapshot(&s, &s.db, &["D2"]);
    for (body, field) in [
        ("{}", "class"),
        (r#"{"class":"maybe"}"#, "class"),
        (r#"{"class":"lost","reason":"bored"}"#, "reason"),
        (r#"{"class":"later","until":"someday"}"#, "until"),
        (r#"{"class":"later","until":"2026-11-01"}"#, "until"),
        (r#"{"class":"later","lift_stop":"yes"}"#, "lift_stop"),
    ] {
        let (status, kind, problem) = post_json(&url, body);
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(kind, "application/problem+json");
        assert_eq!(problem["field"], field, "{body}: {problem}");
    }
    let (status, _, _) = post_json(&url, "[1]");
    assert_eq!(status, 422);
    let (status, _, _) = post_json(&url, "{not json");
    assert_eq!(status, 400);
    let (status, _, _) = post_json(
        &s.at("/api/v1/replies/R999/decide"),
        r#"{"class":"revive"}"#,
    );
    assert_eq!(status, 404);
    assert_eq!(snapshot(&s, &s.db, &["D2"]), before);
    // A decision, as the CLI makes it.
    let decision = Decision::parse("revive", None, None, false).unwrap();
    let copy = decided_on_copy(&s, "cli.db", first, decision);
    let (status, _, answer) = post_json(&url, r#"{"class":"revive"}"#);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["class"], "revive");
    assert_eq!(answer["decided_by"], "rep");
    assert_eq!(snapshot(&s, &s.db, &["D2"]), snapshot(&s, &copy, &["D2"]));
}

/// A GET answered with a problem document: (status, content type, the document).
fn get_problem(s: &Served, path: &str) -> (u16, String, serde_json::Value) {
    let mut r = client().get(&s.at(path)).call().unwrap();
    let kind = r.headers()["content-type"].to_str().unwrap().to_string();
    let body = r.body_mut().read_to_string().unwrap();
    (
        r.status().as_u16(),
        kind,
        serde_json::from_str(&body).unwrap(),
    )
}
