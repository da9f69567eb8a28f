//! Lint: the page's plain form and its htmx fragment, and the API, all answer the tone
//! linter's findings (`core::lint`, what `rekindle lint` prints) with the better move.

mod common;
use common::*;
use rekindle_core::lint;

const PESKY: &str = "Hi Dana,\n\nJust checking in to bump this to the top of your inbox.\n";

#[test]
fn the_plain_form_shows_each_finding_and_the_better_move() {
    let s = serve_demo();
    let (status, page) = get(&s.at("/lint"));
    assert_eq!(status, 200);
    assert!(page.contains("Nothing checked yet"), "no empty state");
    assert!(page.contains("hx-trigger=\"keyup changed delay:400ms\""));
    assert!(page.contains("<label for=\"lint-text\">"));
    let token = token_of(&page);
    let (status, page, _) = post_form(&s.at("/lint"), &[("_csrf", &token), ("text", PESKY)]);
    assert_eq!(status, 200);
    let findings = lint::lint(PESKY);
    assert!(!findings.is_empty());
    for f in &findings {
        assert!(
            page.contains(&format!("line {}, column {}", f.line, f.column)),
            "{page}"
        );
        assert!(page.contains(f.rule), "{}", f.rule);
    }
    // The text stays in the box, escaped.
    assert!(page.contains("Just checking in to bump this"));
    let (_, page, _) = post_form(
        &s.at("/lint"),
        &[
            ("_csrf", &token),
            ("text", "Hi Dana, here is the checklist finance teams use."),
        ],
    );
    assert!(page.contains("No pesky phrases found."), "{page}");
    // Without the token the form is refused.
    let (status, _, _) = post_form(&s.at("/lint"), &[("text", PESKY)]);
    assert_eq!(status, 403);
}

#[test]
fn htmx_gets_the_findings_alone() {
    let s = serve_demo();
    let token = token_of(&get(&s.at("/lint")).1);
    let mut r = client()
        .post(&s.at("/lint"))
        .header("HX-Request", "true")
        .header("X-Rekindle-Token", &token)
        .send_form([("text", PESKY)])
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let fragment = r.body_mut().read_to_string().unwrap();
    assert!(!fragment.contains("<html"), "a whole page: {fragment}");
    assert!(fragment.contains("Better:"), "{fragment}");
    // The outbox's edit form sends its `body` field the same way.
    let mut r = client()
        .post(&s.at("/lint"))
        .header("HX-Request", "true")
        .header("X-Rekindle-Token", &token)
        .send_form([("subject", "Hello"), ("body", PESKY)])
        .unwrap();
    let from_edit = r.body_mut().read_to_string().unwrap();
    assert_eq!(from_edit, fragment);
    let better = lint::lint(PESKY)[0].better;
    assert!(fragment.contains(&better.replace('\'', "&#39;")) || fragment.contains(better));
}

#[test]
fn the_api_answers_the_findings_and_names_what_is_wrong() {
    let s = serve_demo();
    let (status, _, answer) = post_json(
        &s.at("/api/v1/lint"),
        &serde_json::json!({ "text": PESKY }).to_string(),
    );
    assert_eq!(status, 200);
    assert_eq!(answer["clean"], false);
    let expected: Vec<(String, usize)> = lint::lint(PESKY)
        .into_iter()
        .map(|f| (f.rule.to_string(), f.line))
        .collect();
    let got: Vec<(String, usize)> = answer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(answer["findings"][0]["better"].is_string());
    let (status, _, answer) = post_json(
        &s.at("/api/v1/lint"),
        r#"{"text":"Here is the checklist."}"#,
    );
    assert_eq!((status, answer["clean"].as_bool()), (200, Some(true)));
    for (body, status, field) in [
        ("{}", 422, "text"),
        (r#"{"text":7}"#, 422, "text"),
        ("[]", 422, "body"),
        ("{", 400, "body"),
    ] {
        let (got, kind, problem) = post_json(&s.at("/api/v1/lint"), body);
        assert_eq!(got, status, "{body}");
        assert_eq!(kind, "application/problem+json");
        assert_eq!(problem["field"], field, "{body}");
    }
    // The OpenAPI document lists every new path.
    let (_, doc) = get_json(&s.at("/api/v1/openapi.json"));
    for path in [
        "/api/v1/lint",
        "/api/v1/replies",
        "/api/v1/replies/{id}/decide",
        "/api/v1/outbox",
        "/api/v1/outbox/{id}/edit",
        "/api/v1/outbox/approve",
        "/api/v1/outbox/dry-run",
        "/api/v1/outbox/send",
        "/api/v1/revive",
        "/api/v1/revive/feature",
        "/api/v1/revive/event",
        "/api/v1/revive/promotion",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} not documented");
    }
}
