//! The Deal page and its API: each record form changes the database exactly as the use case
//! the CLI calls does (checked against a second database changed through `rekindle_app`),
//! refused inputs answer 422 and change nothing, the timeline marks every activity and the
//! silence, evidence links land on marks, the tone check flags pesky phrases, and queuing
//! refuses a draft that fails it.

mod common;
use common::*;
use jiff::Timestamp;
use rekindle_app::Caller;
use rekindle_app::record::{self, AccountOf, CommitmentInput, ContactInput, FactInput, closing};
use rekindle_core::*;
use rekindle_store::Store;
use serde_json::{Value, json};

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

/// A POST with this content type and body: (status, body, Location).
fn post(s: &Served, path: &str, content_type: &str, body: &str, hx: bool) -> (u16, String, String) {
    let mut req = client()
        .post(&s.at(path))
        .header("Content-Type", content_type);
    if hx {
        req = req.header("HX-Request", "true");
    }
    let mut r = req.send(body).expect("request");
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let status = r.status().as_u16();
    (
        status,
        r.body_mut().read_to_string().unwrap_or_default(),
        location,
    )
}

/// Posts a page form with the page's token: (status, body, Location).
fn form(s: &Served, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let (_, page) = get(&s.at("/deals/D1"));
    let token = token_of(&page);
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("_csrf", &token));
    let body = serde_urlencoded::to_string(&all).unwrap();
    post(s, path, "application/x-www-form-urlencoded", &body, false)
}

/// Posts JSON to the API: (status, parsed answer).
fn api(s: &Served, path: &str, body: &Value) -> (u16, Value) {
    let (status, text, _) = post(s, path, "application/json", &body.to_string(), false);
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn record_of(s: &Served, deal: &str) -> DealRecord {
    s.with_store(async |store| store.deal(deal.parse().unwrap()).await.unwrap())
}

fn outbox_len(s: &Served) -> usize {
    s.with_store(async |store| store.outbox(true).await.unwrap().len())
}

fn on(s: &Served, f: impl AsyncFnOnce(&Store, &Caller, DealId)) {
    s.with_store(async |store| f(store, &Caller::local(), "D2".parse().unwrap()).await)
}

#[test]
fn each_form_changes_the_record_as_the_use_case_does() {
    let web = serve_demo();
    let twin = serve_demo();
    assert_eq!(record_of(&web, "D2"), record_of(&twin, "D2"));
    let contact = record_of(&web, "D2").contacts[0].name.clone();

    // Their words.
    let (status, _, location) = form(
        &web,
        "/deals/D2/facts",
        &[
            ("kind", "pain"),
            (
                "text",
                "  We lose two days a month\r\nreconciling invoices  ",
            ),
            ("source", "discovery call"),
            ("at", "2026-11-20"),
            ("contact", &contact),
        ],
    );
    assert_eq!(status, 303);
    assert!(location.starts_with("/deals/D2"), "{location}");
    on(&twin, async |store, caller, id| {
        record::add_fact(
            store,
            caller,
            id,
            FactInput {
                kind: FactKind::parse("pain").unwrap(),
                text: "We lose two days a month\nreconciling invoices".into(),
                source: "discovery call".into(),
                at: Some(time::parse_instant("--at", "2026-11-20").unwrap()),
                contact: Some(contact.clone()),
            },
            now(),
        )
        .await
        .unwrap();
    });

    // A commitment, then marking it kept.
    let (status, _, _) = form(
        &web,
        "/deals/D2/commitments",
        &[
            ("what", "Send the security questionnaire"),
            ("due", "2026-12-01"),
            ("by", "rep"),
        ],
    );
    assert_eq!(status, 303);
    on(&twin, async |store, caller, id| {
        let input = CommitmentInput {
            party: Party::Rep,
            what: "Send the security questionnaire".into(),
            due: time::parse_instant("--due", "2026-12-01").unwrap(),
            source: "rep notes".into(),
        };
        record::add_commitment(store, caller, id, &input, now())
            .await
            .unwrap();
    });
    let k = record_of(&web, "D2").commitments.last().unwrap().id;
    let (status, _, _) = form(
        &web,
        &format!("/deals/D2/commitments/{k}"),
        &[("status", "kept")],
    );
    assert_eq!(status, 303);
    on(&twin, async |store, caller, _| {
        record::resolve_commitment(store, caller, k, CommitmentStatus::Kept)
            .await
            .unwrap();
    });

    // The next step, a contact, the contract, a needed feature, the close date.
    let (status, _, _) = form(
        &web,
        "/deals/D2/next-step",
        &[
            ("what", "Demo to the CFO"),
            ("due", "2026-12-03"),
            ("booked", "true"),
        ],
    );
    assert_eq!(status, 303);
    let (status, _, _) = form(
        &web,
        "/deals/D2/contacts",
        &[
            ("name", "Rosa Diaz"),
            ("emails", "rosa.diaz@example.com"),
            ("title", "CFO"),
            ("role", "decision_maker"),
            ("time_zone", "Europe/Madrid"),
        ],
    );
    assert_eq!(status, 303);
    let (status, _, _) = form(
        &web,
        "/deals/D2/contract",
        &[
            ("vendor", "Incumbent Ltd"),
            ("ends", "2027-06-30"),
            ("notice_days", "60"),
        ],
    );
    assert_eq!(status, 303);
    let (status, _, _) = form(
        &web,
        "/deals/D2/needs",
        &[
            ("feature", "SAML login"),
            ("why", "IT will not approve without SSO"),
        ],
    );
    assert_eq!(status, 303);
    let (status, _, _) = form(&web, "/deals/D2/close-date", &[("date", "2027-01-15")]);
    assert_eq!(status, 303);
    on(&twin, async |store, caller, id| {
        record::set_next_step(
            store,
            caller,
            id,
            &NextStep {
                what: "Demo to the CFO".into(),
                due: Some(time::parse_instant("--due", "2026-12-03").unwrap()),
                booked: true,
                set_at: now(),
            },
        )
        .await
        .unwrap();
        record::add_contact(
            store,
            caller,
            ContactInput {
                account: AccountOf::Deal(id),
                name: "Rosa Diaz".into(),
                emails: vec![EmailAddress::parse("rosa.diaz@example.com").unwrap()],
                title: Some("CFO".into()),
                role: Some(Role::DecisionMaker),
                do_not_contact: false,
                time_zone: Some("Europe/Madrid".into()),
            },
        )
        .await
        .unwrap();
        let contract = Contract {
            vendor: "Incumbent Ltd".into(),
            ends_on: time::parse_date("--ends", "2027-06-30").unwrap(),
            notice_days: 60,
        };
        record::set_contract(store, caller, id, &contract)
            .await
            .unwrap();
        record::need_feature(
            store,
            caller,
            id,
            "SAML login",
            Some("IT will not approve without SSO"),
        )
        .await
        .unwrap();
        let date = time::parse_date("close date", "2027-01-15").unwrap();
        record::set_close_date(store, caller, id, date, now())
            .await
            .unwrap();
    });
    assert_eq!(record_of(&web, "D2"), record_of(&twin, "D2"));

    // Closing as lost with a reason and a date to look again.
    let (status, _, _) = form(
        &web,
        "/deals/D2/close",
        &[
            ("outcome", "lost"),
            ("reason", "timing"),
            ("note", "Budget frozen until Q2"),
            ("resurface", "2027-04-01"),
        ],
    );
    assert_eq!(status, 303);
    on(&twin, async |store, caller, id| {
        let c = closing(
            DealStatus::Lost,
            Some("timing"),
            Some("Budget frozen until Q2".into()),
            Some(time::parse_date("--resurface", "2027-04-01").unwrap()),
            now(),
        )
        .unwrap();
        record::close(store, caller, id, &c, now()).await.unwrap();
    });
    let closed = record_of(&web, "D2");
    assert_eq!(closed.deal.status, DealStatus::Lost);
    assert_eq!(closed, record_of(&twin, "D2"));
    // The page shows what was recorded.
    let (status, page) = get(&web.at("/deals/D2?saved=close"));
    assert_eq!(status, 200);
    for text in [
        "We lose two days a month",
        "Rosa Diaz",
        "Incumbent Ltd",
        "SAML login",
        "Saved: close",
    ] {
        assert!(page.contains(text), "missing {text}");
    }
}

/// A form's path, its fields, and words its refusal must hold.
type RefusedForm<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

#[test]
fn refused_inputs_answer_422_name_the_field_and_change_nothing() {
    let s = serve_demo();
    let before = record_of(&s, "D2");
    let cases: &[RefusedForm] = &[
        (
            "/deals/D2/facts",
            &[("kind", "pain"), ("text", "   ")],
            "bad text",
        ),
        (
            "/deals/D2/facts",
            &[("kind", "gossip"), ("text", "they said")],
            "bad fact kind",
        ),
        (
            "/deals/D2/commitments",
            &[("what", "Call back"), ("due", "soonish")],
            "bad due",
        ),
        (
            "/deals/D2/next-step",
            &[("what", "Demo"), ("due", "31/31/2026")],
            "bad due",
        ),
        (
            "/deals/D2/contacts",
            &[("name", "Rosa"), ("emails", "not-an-address")],
            "bad email",
        ),
        (
            "/deals/D2/contacts",
            &[("name", "Rosa"), ("role", "boss")],
            "bad role",
        ),
        (
            "/deals/D2/contract",
            &[
                ("vendor", "X"),
                ("ends", "2027-01-01"),
                ("notice_days", "sixty"),
            ],
            "bad notice_days",
        ),
        ("/deals/D2/needs", &[("feature", "--")], "bad feature"),
        ("/deals/D2/close-date", &[("date", "someday")], "bad date"),
        ("/deals/D2/close", &[("outcome", "lost")], "bad lost reason"),
        (
            "/deals/D2/close",
            &[("outcome", "nurture"), ("resurface", "2026-01-01")],
            "bad resurface",
        ),
        ("/deals/D2/close", &[("outcome", "maybe")], "bad outcome"),
    ];
    for (path, fields, names) in cases {
        let (status, page, _) = form(&s, path, fields);
        assert_eq!(status, 422, "{path} {fields:?}");
        assert!(
            page.contains(names),
            "{path} {fields:?}: the error does not name {names}"
        );
        assert!(page.contains(r#"role="alert""#), "{path}: no alert");
        assert_eq!(
            record_of(&s, "D2"),
            before,
            "{path} {fields:?} changed the record"
        );
    }
    // What was typed is kept in the refused form.
    let (_, page, _) = form(
        &s,
        "/deals/D2/commitments",
        &[("what", "Call the CFO back"), ("due", "soonish")],
    );
    assert!(page.contains(r#"value="Call the CFO back""#));
    assert!(page.contains(r#"value="soonish""#));
    // An unknown deal is a 404 page, not a blank error.
    let (status, page, _) = form(&s, "/deals/D999/facts", &[("kind", "pain"), ("text", "x")]);
    assert_eq!(status, 404);
    assert!(page.contains("D999"));
}

/// A demo deal whose assessment carries `signal`, by the API.
fn deal_with(s: &Served, signal: &str) -> String {
    let (status, body) = get(&s.at(&format!("/api/v1/deals?signal={signal}&limit=1")));
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    v["items"][0]["id"]
        .as_str()
        .expect("a deal with the signal")
        .to_string()
}

#[test]
fn the_timeline_marks_every_activity_the_silence_and_the_evidence_links() {
    let s = serve_demo();
    let id = deal_with(&s, "silence_beyond_norm");
    let r = record_of(&s, &id);
    assert!(!r.activities.is_empty());
    let (status, page) = get(&s.at(&format!("/deals/{id}")));
    assert_eq!(status, 200);
    assert!(page.contains("<svg"));
    for a in &r.activities {
        assert!(
            page.contains(&format!(r#"<g id="act-{}" class="mark "#, a.id)),
            "no mark for {}",
            a.id
        );
    }
    for st in &r.stage_history {
        assert!(page.contains(&format!("moved to {}", st.stage)));
    }
    assert!(page.contains(r#"id="silence""#));
    assert!(page.contains("past norm"));
    assert!(page.contains("past their norm of"));
    // Every evidence link lands on an element of the page.
    let links: Vec<&str> = page
        .split(r##"href="#act-"##)
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert!(!links.is_empty(), "no evidence linked to the timeline");
    for l in links {
        assert!(
            page.contains(&format!(r#"id="act-{l}""#)),
            "act-{l} is not on the page"
        );
    }
    // So does every other evidence link (facts, commitments, contacts, the next step).
    let signals =
        &page[page.find(r#"id="signals-h""#).unwrap()..page.find(r#"id="draft-h""#).unwrap()];
    let targets: Vec<&str> = signals
        .split(r##"href="#"##)
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert!(targets.len() > 1);
    for t in targets {
        assert!(
            page.contains(&format!(r#"id="{t}""#)),
            "{t} is not on the page"
        );
    }
    // The table carries the same events.
    assert_eq!(
        page.matches("<tr><td>").count(),
        r.activities.len() + r.stage_history.len()
    );
    assert!(!page.contains(" style="), "no style attribute (CSP)");
}

#[test]
fn the_tone_check_flags_pesky_phrases_and_passes_clean_text() {
    let s = serve_demo();
    let (status, v) = api(
        &s,
        "/api/v1/lint",
        &serde_json::json!({"text": "Hi Sam,\n\nJust following up on my last email."}),
    );
    assert_eq!(status, 200);
    assert_eq!(v["clean"], false);
    assert!(
        v["findings"][0]["phrase"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("just following up")
    );
    assert!(v["findings"][0]["better"].as_str().is_some());
    let (status, v) = api(
        &s,
        "/api/v1/lint",
        &serde_json::json!({"text": "Hi Sam,\n\nThe rollout plan for your two sites is attached: does Thursday at 10 suit you to walk through it?"}),
    );
    assert_eq!(status, 200);
    assert_eq!(v["clean"], true, "{v}");
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    let (status, v) = api(&s, "/api/v1/lint", &serde_json::json!({"text": 5}));
    assert_eq!(status, 422);
    assert_eq!(v["status"], 422);

    // The page's check: a fragment for htmx, the whole page without it.
    let (_, page) = get(&s.at("/deals/D1"));
    let token = token_of(&page);
    let body = serde_urlencoded::to_string([
        ("subject", "Checking in"),
        ("body", "Just checking in on the proposal."),
        ("_csrf", token.as_str()),
    ])
    .unwrap();
    let (status, fragment, _) = post(
        &s,
        "/deals/D1/draft/check",
        "application/x-www-form-urlencoded",
        &body,
        true,
    );
    assert_eq!(status, 200);
    assert!(!fragment.contains("<html"), "htmx gets the fragment only");
    assert!(fragment.contains("Tone check: 1 finding"), "{fragment}");
    assert!(fragment.contains(r#"hx-swap-oob="innerHTML:#status""#));
    let (status, whole, _) = post(
        &s,
        "/deals/D1/draft/check",
        "application/x-www-form-urlencoded",
        &body,
        false,
    );
    assert_eq!(status, 200);
    assert!(whole.contains("<html"));
    assert!(whole.contains("Tone check: 1 finding"));
}

/// A demo deal whose next play drafts now, by the API.
fn deal_with_draft(s: &Served) -> (String, Value) {
    let (_, body) = get(&s.at("/api/v1/deals?limit=100"));
    let v: Value = serde_json::from_str(&body).unwrap();
    for d in v["items"].as_array().unwrap() {
        if d["next_play"].is_null() {
            continue;
        }
        let id = d["id"].as_str().unwrap();
        let (status, draft) = get(&s.at(&format!("/api/v1/deals/{id}/draft")));
        if status == 200 {
            return (id.to_string(), serde_json::from_str(&draft).unwrap());
        }
    }
    panic!("no demo deal drafts now");
}

#[test]
fn queuing_refuses_a_draft_that_fails_the_tone_check() {
    let s = serve_demo();
    let (id, draft) = deal_with_draft(&s);
    let play = draft["play"].as_str().unwrap();
    let (status, page) = get(&s.at(&format!("/deals/{id}")));
    assert_eq!(status, 200);
    assert!(page.contains(r#"hx-post="/deals/"#) && page.contains("keyup changed delay:400ms"));
    assert!(page.contains("Queue for approval"));
    let queued_before = outbox_len(&s);

    // The page: refused with the findings shown and the text kept.
    let (status, page, _) = form(
        &s,
        &format!("/deals/{id}/outbox"),
        &[
            ("play", play),
            ("subject", "Any update?"),
            ("body", "Hi,\n\nJust following up on this."),
        ],
    );
    assert_eq!(status, 422);
    assert!(page.contains("fails the tone check"));
    assert!(page.contains("Just following up on this."));
    assert_eq!(outbox_len(&s), queued_before);
    // The API: refused with the findings.
    let (status, v) = api(
        &s,
        &format!("/api/v1/deals/{id}/outbox"),
        &serde_json::json!({"play": play, "body": "Bumping this to the top of your inbox."}),
    );
    assert_eq!(status, 422);
    assert_eq!(v["field"], "body");
    assert!(!v["findings"].as_array().unwrap().is_empty());
    assert_eq!(outbox_len(&s), queued_before);

    // The draft as drafted queues; the same text again is a conflict.
    let subject = draft["subject"].as_str().unwrap();
    let text = draft["body"].as_str().unwrap();
    let (status, _, location) = form(
        &s,
        &format!("/deals/{id}/outbox"),
        &[("play", play), ("subject", subject), ("body", text)],
    );
    assert_eq!(status, 303);
    assert!(location.contains("queued="), "{location}");
    assert_eq!(outbox_len(&s), queued_before + 1);
    let (status, v) = api(
        &s,
        &format!("/api/v1/deals/{id}/outbox"),
        &serde_json::json!({"play": play}),
    );
    assert_eq!(status, 409, "{v}");
    // An edited text queues over the API, as typed.
    let edited = format!("{text}\n\nP.S. The case study from your industry is attached.");
    let (status, v) = api(
        &s,
        &format!("/api/v1/deals/{id}/outbox"),
        &serde_json::json!({"play": play, "subject": "A new subject", "body": edited}),
    );
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["subject"], "A new subject");
    assert_eq!(v["body"].as_str().unwrap(), edited.trim_end());
    assert_eq!(v["state"], "draft");
    assert_eq!(outbox_len(&s), queued_before + 2);
}

#[test]
fn the_record_api_writes_and_names_the_field_it_refuses() {
    let s = serve_demo();

    let ok: &[(&str, Value, u16)] = &[
        (
            "/api/v1/deals/D3/facts",
            json!({"kind": "cost", "text": "EUR 4,000 a month in overtime", "source": "call"}),
            201,
        ),
        (
            "/api/v1/deals/D3/commitments",
            json!({"what": "Share the pricing with finance", "due": "2026-12-02"}),
            201,
        ),
        (
            "/api/v1/deals/D3/next-step",
            json!({"what": "Pricing review", "due": "2026-12-04", "booked": true}),
            200,
        ),
        (
            "/api/v1/deals/D3/contacts",
            json!({"name": "Ken Ito", "emails": ["ken.ito@example.org"], "role": "champion"}),
            201,
        ),
        (
            "/api/v1/deals/D3/contract",
            json!({"vendor": "OldCo", "ends": "2027-09-30", "notice_days": 90}),
            200,
        ),
        (
            "/api/v1/deals/D3/needs",
            json!({"feature": "Audit log", "why": "compliance asks for it"}),
            201,
        ),
        (
            "/api/v1/deals/D3/close-date",
            json!({"date": "2027-02-01"}),
            200,
        ),
    ];
    for (path, body, want) in ok {
        let (status, v) = api(&s, path, body);
        assert_eq!(status, *want, "{path}: {v}");
    }
    let r = record_of(&s, "D3");
    assert!(
        r.facts
            .iter()
            .any(|f| f.text == "EUR 4,000 a month in overtime" && f.kind == FactKind::Cost)
    );
    assert!(
        r.next_step
            .as_ref()
            .is_some_and(|n| n.booked && n.what == "Pricing review")
    );
    assert!(
        r.contacts
            .iter()
            .any(|c| c.name == "Ken Ito" && c.role == Some(Role::Champion))
    );
    assert_eq!(r.contract.as_ref().map(|c| c.notice_days), Some(90));
    assert!(r.needed_features.iter().any(|n| n.feature == "Audit log"));
    assert_eq!(
        r.deal.expected_close.map(|d| d.to_string()).as_deref(),
        Some("2027-02-01")
    );
    let k = r.commitments.last().unwrap().id;
    let (status, v) = api(
        &s,
        &format!("/api/v1/commitments/{k}"),
        &json!({"status": "broken"}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        record_of(&s, "D3").commitments.last().unwrap().status,
        CommitmentStatus::Broken
    );

    let before = record_of(&s, "D3");
    let refused: &[(&str, Value, u16, &str)] = &[
        (
            "/api/v1/deals/D3/facts",
            json!({"kind": "gossip", "text": "x"}),
            422,
            "fact kind",
        ),
        (
            "/api/v1/deals/D3/facts",
            json!({"kind": "pain"}),
            422,
            "text",
        ),
        (
            "/api/v1/deals/D3/commitments",
            json!({"what": "x", "due": "later"}),
            422,
            "due",
        ),
        (
            &format!("/api/v1/commitments/{k}"),
            json!({"status": "open"}),
            422,
            "status",
        ),
        (
            "/api/v1/deals/D3/next-step",
            json!({"what": "\n"}),
            422,
            "what",
        ),
        (
            "/api/v1/deals/D3/contacts",
            json!({"name": "A", "emails": "nope"}),
            422,
            "email",
        ),
        (
            "/api/v1/deals/D3/contract",
            json!({"vendor": "X", "ends": "2027-01-01", "notice_days": "lots"}),
            422,
            "notice_days",
        ),
        (
            "/api/v1/deals/D3/contract",
            json!({"vendor": "X", "ends": "2027-01-01", "notice_days": 4000}),
            422,
            "notice_days",
        ),
        (
            "/api/v1/deals/D3/close",
            json!({"outcome": "nurture", "resurface": "2026-11-23"}),
            422,
            "resurface",
        ),
        (
            "/api/v1/deals/D3/needs",
            json!({"feature": "!!"}),
            422,
            "feature",
        ),
        (
            "/api/v1/deals/D3/close-date",
            json!({"date": "soon"}),
            422,
            "date",
        ),
        (
            "/api/v1/deals/D3/close",
            json!({"outcome": "lost"}),
            422,
            "lost reason",
        ),
        (
            "/api/v1/deals/D3/close",
            json!({"outcome": "won", "note": 7}),
            422,
            "body",
        ),
        (
            "/api/v1/deals/D999/facts",
            json!({"kind": "pain", "text": "x"}),
            404,
            "",
        ),
    ];
    for (path, body, want, field) in refused {
        let (status, v) = api(&s, path, body);
        assert_eq!(status, *want, "{path} {body}: {v}");
        assert_eq!(v["status"], *want, "{path}: not a problem document: {v}");
        if !field.is_empty() {
            assert_eq!(v["field"], *field, "{path} {body}: {v}");
        }
    }
    assert_eq!(record_of(&s, "D3"), before);
    // A malformed body is a problem document too.
    let (status, text, _) = post(
        &s,
        "/api/v1/deals/D3/facts",
        "application/json",
        "{not json",
        false,
    );
    assert_eq!(status, 422);
    assert!(text.contains("\"status\":422"));

    // Closing over the API.
    let (status, v) = api(
        &s,
        "/api/v1/deals/D3/close",
        &json!({"outcome": "nurture", "resurface": "2027-03-01"}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "nurture");
    assert_eq!(record_of(&s, "D3").deal.status, DealStatus::Nurture);
}

#[test]
fn the_draft_api_and_the_openapi_document() {
    let s = serve_demo();
    let (id, draft) = deal_with_draft(&s);
    assert!(!draft["subject"].as_str().unwrap().is_empty());
    assert!(!draft["body"].as_str().unwrap().is_empty());
    let (status, body) = get(&s.at(&format!("/api/v1/deals/{id}/draft?play=nonsense")));
    assert_eq!(status, 422);
    assert!(body.contains(r#""field":"play""#));
    let (status, _) = get(&s.at("/api/v1/deals/D999/draft"));
    assert_eq!(status, 404);
    let (status, doc) = get(&s.at("/api/v1/openapi.json"));
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&doc).unwrap();
    for path in [
        "/api/v1/deals/{id}/facts",
        "/api/v1/deals/{id}/commitments",
        "/api/v1/commitments/{id}",
        "/api/v1/deals/{id}/next-step",
        "/api/v1/deals/{id}/contacts",
        "/api/v1/deals/{id}/contract",
        "/api/v1/deals/{id}/needs",
        "/api/v1/deals/{id}/close-date",
        "/api/v1/deals/{id}/close",
        "/api/v1/deals/{id}/draft",
        "/api/v1/deals/{id}/outbox",
        "/api/v1/lint",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"].get("FactBody").is_some());
}

/// What looks like a slip is accepted and said: a next step on a weekend on the page it lands
/// on, a due date already past in the API's `warnings` (the app's rule, as the CLI says it).
#[test]
fn a_weekend_step_or_a_past_due_date_is_saved_with_a_warning() {
    let s = serve_demo();
    let (status, _, location) = form(
        &s,
        "/deals/D2/next-step",
        &[("what", "Call with the CFO"), ("due", "2026-11-28")],
    );
    assert_eq!(status, 303);
    assert!(location.contains("warning="), "{location}");
    let (_, page) = get(&s.at(&location));
    assert!(
        page.contains("Sat 28 Nov 2026 falls on a weekend"),
        "the page says it"
    );
    // Words a link made elsewhere puts in the query are not shown: without this server's
    // seal, a changed warning, an unknown section or a message id that is not one.
    let forged = location.replace("falls", "is%20a%20scam%3B%20call%20555");
    let (_, page) = get(&s.at(&forged));
    assert!(
        !page.contains("scam"),
        "a warning without its seal is not shown"
    );
    let (_, page) = get(&s.at("/deals/D2?saved=your-account-is-locked&queued=call-555"));
    assert!(
        !page.contains("account is locked") && !page.contains("call-555"),
        "only this server's own sections and message ids are said"
    );
    let (status, answer) = api(
        &s,
        "/api/v1/deals/D3/commitments",
        &json!({"what": "Send the security review", "due": "2026-11-20"}),
    );
    assert_eq!(status, 201, "{answer}");
    let warnings = answer["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{answer}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("Fri 20 Nov 2026 is already past"),
        "{answer}"
    );
    // Nothing to say: an empty list.
    let (_, answer) = api(
        &s,
        "/api/v1/deals/D3/next-step",
        &json!({"what": "Pricing review", "due": "2026-11-26"}),
    );
    assert_eq!(answer["warnings"], json!([]), "{answer}");
}
