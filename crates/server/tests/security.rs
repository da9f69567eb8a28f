//! The guards of a local server with forms: Host and Origin checks, the form token, JSON-only
//! API writes, security headers, and escaping of what prospects wrote.

mod common;
use common::*;
use rekindle_app::Caller;
use rekindle_app::record::{self, FactInput};
use rekindle_core::FactKind;

fn post_raw(port: u16, path: &str, headers: &str, body: &str) -> (u16, String) {
    raw(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n{body}",
            body.len()
        ),
    )
}

fn stage_of(s: &Served, deal: &str) -> String {
    s.with_store(async |store| store.deal(deal.parse().unwrap()).await.unwrap().deal.stage)
}

#[test]
fn a_form_without_the_token_or_from_another_origin_changes_nothing() {
    let s = serve_demo();
    let before = stage_of(&s, "D2");
    let (_, page) = get(&s.at("/pipeline"));
    let token = token_of(&page);
    let form = "application/x-www-form-urlencoded";
    // No token.
    let (status, _) = post_raw(
        s.port,
        "/deals/D2/stage",
        &format!("Content-Type: {form}\r\n"),
        "stage=negotiation",
    );
    assert_eq!(status, 403);
    // A wrong token.
    let (status, _) = post_raw(
        s.port,
        "/deals/D2/stage",
        &format!("Content-Type: {form}\r\n"),
        "stage=negotiation&_csrf=00",
    );
    assert_eq!(status, 403);
    // The right token from another origin.
    let (status, _) = post_raw(
        s.port,
        "/deals/D2/stage",
        &format!("Content-Type: {form}\r\nOrigin: http://evil.example\r\n"),
        &format!("stage=negotiation&_csrf={token}"),
    );
    assert_eq!(status, 403);
    assert_eq!(stage_of(&s, "D2"), before);
    // The right token from this origin: the move happens, and the answer redirects.
    let (status, answer) = post_raw(
        s.port,
        "/deals/D2/stage",
        &format!(
            "Content-Type: {form}\r\nOrigin: http://127.0.0.1:{}\r\n",
            s.port
        ),
        &format!("stage=negotiation&_csrf={token}&back=/pipeline"),
    );
    assert_eq!(status, 303, "{answer}");
    assert_eq!(stage_of(&s, "D2"), "negotiation");
}

#[test]
fn a_rebound_host_name_is_refused() {
    let s = serve_demo();
    let (status, _) = raw(
        s.port,
        "GET / HTTP/1.1\r\nHost: attacker.example:80\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 421);
    let (status, _) = raw(
        s.port,
        &format!(
            "GET / HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
            s.port
        ),
    );
    assert_eq!(status, 200);
}

#[test]
fn state_changes_over_get_do_not_exist() {
    let s = serve_demo();
    let (status, _) = get(&s.at("/deals/D2/stage?stage=negotiation"));
    assert_eq!(status, 405);
}

#[test]
fn every_answer_carries_the_security_headers() {
    let s = serve_demo();
    for path in [
        "/",
        "/pipeline",
        "/deals/D2",
        "/api/v1/deals",
        "/no-such-page",
    ] {
        let r = client().get(&s.at(path)).call().unwrap();
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        // Not `no-referrer`: under it browsers send `Origin: null` with the pages' own forms.
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    }
}

#[test]
fn what_a_prospect_wrote_is_shown_as_text() {
    let s = serve_demo();
    let words = "<script>alert('pwned')</script> & \"quotes\"";
    s.with_store(async |store| {
        record::add_fact(
            store,
            &Caller::local(),
            "D2".parse().unwrap(),
            FactInput {
                kind: FactKind::Problem,
                text: words.into(),
                source: "call <img src=x onerror=alert(1)>".into(),
                at: None,
                contact: None,
            },
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    });
    let (status, page) = get(&s.at("/deals/D2"));
    assert_eq!(status, 200);
    assert!(!page.contains("<script>alert"), "unescaped script");
    assert!(!page.contains("<img src=x"), "unescaped tag");
    assert!(
        page.contains("&#60;script&#62;alert(&#39;pwned&#39;)&#60;/script&#62;")
            || page.contains("&lt;script&gt;"),
        "the words are not shown: {}",
        &page[..page.len().min(400)]
    );
}

#[test]
fn api_writes_need_a_json_body() {
    let s = serve_demo();
    let (status, answer) = post_raw(
        s.port,
        "/api/v1/deals/D2/stage",
        "Content-Type: application/x-www-form-urlencoded\r\n",
        "stage=negotiation",
    );
    assert_eq!(status, 415, "{answer}");
    assert!(answer.contains("application/problem+json"));
}
