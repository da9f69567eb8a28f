//! Drafts use the prospect's own words, list their sources, pass the tone linter, and refuse
//! when the facts they need are missing or nobody may be contacted.

mod common;
use common::*;
use rekindle_core::compose::{ComposeError, Composer};
use rekindle_core::*;
use std::collections::BTreeMap;

fn draft(d: &Fixture, play: PlayKind) -> Result<compose::Draft, ComposeError> {
    Composer::builtin().draft(&d.0, &d.assess(), play, now(), &Policy::default())
}

fn broken_promise() -> Fixture {
    deal("proposal")
        .discovered()
        .engaged(15.0)
        .next_step("review the business case", Some(-10.0), false)
        .promise("run the numbers with finance", 9.0, CommitmentStatus::Open)
        .touch(7.0)
        .touch(4.0)
}

#[test]
fn accountability_plays_back_their_words() {
    let d = draft(&broken_promise(), PlayKind::Accountability).unwrap();
    assert!(
        d.body
            .contains("\"dispatchers rebuild the schedule by hand every morning\"")
    );
    assert!(
        d.body
            .contains("run the numbers with finance by Sat 14 Nov")
    );
    assert!(d.body.contains("Has something changed"));
    assert!(
        d.facts_used
            .iter()
            .any(|f| f.label == "their commitment" && f.source == "call")
    );
    insta::assert_snapshot!(
        "accountability",
        format!("To: {}\nSubject: {}\n\n{}", d.to.name, d.subject, d.body)
    );
}

#[test]
fn accountability_refuses_without_their_words() {
    let d = broken_promise().with(|r| {
        r.facts
            .retain(|f| f.kind != FactKind::Problem && f.kind != FactKind::WhyNow)
    });
    match draft(&d, PlayKind::Accountability) {
        Err(ComposeError::MissingFacts { missing, .. }) => assert_eq!(
            missing,
            vec!["the problem in their words", "why they are looking now"]
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Each fact the accountability message plays back is required on its own: with any single
/// one missing the draft is refused naming it, never rendered with a blank or "None" where
/// their words should be.
#[test]
fn accountability_refuses_when_any_one_fact_is_missing() {
    let refused = |d: Fixture, expected: &str| match draft(&d, PlayKind::Accountability) {
        Err(ComposeError::MissingFacts { play, missing }) => {
            assert_eq!(play, PlayKind::Accountability);
            assert_eq!(missing, vec![expected]);
        }
        Ok(draft) => panic!("drafted without {expected}:\n{}", draft.body),
        Err(other) => panic!("expected a refusal for {expected}, got {other:?}"),
    };
    refused(
        broken_promise().with(|r| r.facts.retain(|f| f.kind != FactKind::Problem)),
        "the problem in their words",
    );
    refused(
        broken_promise().with(|r| r.facts.retain(|f| f.kind != FactKind::WhyNow)),
        "why they are looking now",
    );
    refused(
        broken_promise().with(|r| {
            r.commitments.clear();
            r.next_step = None;
        }),
        "what they committed to or the agreed next step",
    );
    // The rep's own promise is not theirs to be held to.
    refused(
        broken_promise().with(|r| {
            r.next_step = None;
            for c in &mut r.commitments {
                c.party = Party::Rep;
            }
        }),
        "what they committed to or the agreed next step",
    );
}

/// Their commitment or the agreed next step is enough, and whichever is there is played back.
#[test]
fn accountability_plays_back_the_commitment_or_the_next_step() {
    let no_step = draft(
        &broken_promise().with(|r| r.next_step = None),
        PlayKind::Accountability,
    )
    .unwrap();
    assert!(
        no_step
            .body
            .contains("You said you would run the numbers with finance by Sat 14 Nov."),
        "{}",
        no_step.body
    );
    let no_promise = draft(
        &broken_promise().with(|r| r.commitments.clear()),
        PlayKind::Accountability,
    )
    .unwrap();
    assert!(
        no_promise
            .body
            .contains("We agreed to review the business case on "),
        "{}",
        no_promise.body
    );
    for d in [&no_step, &no_promise] {
        assert!(!d.body.contains("None"), "{}", d.body);
        assert!(
            d.body
                .contains("\"dispatchers rebuild the schedule by hand every morning\""),
            "{}",
            d.body
        );
        assert!(
            d.body
                .contains("You were looking now because \"peak season starts in February\"."),
            "{}",
            d.body
        );
    }
    assert!(
        no_promise
            .facts_used
            .iter()
            .any(|f| f.label == "the agreed next step" && f.text == "review the business case")
    );
}

#[test]
fn breakup_and_value_add_snapshots() {
    let capped = broken_promise().touch(2.0);
    let b = draft(&capped, PlayKind::Breakup).unwrap();
    assert_eq!(b.subject, "Should I close the file?");
    insta::assert_snapshot!("breakup", b.body);
    let v = draft(&capped, PlayKind::ValueAdd).unwrap();
    assert_eq!(v.to_fill.len(), 1, "the rep adds the relevant resource");
    insta::assert_snapshot!("value_add", v.body);
    let o = draft(
        &healthy().with(|r| r.next_step = None),
        PlayKind::ObjectionHunt,
    )
    .unwrap();
    assert!(o.body.contains("What's holding that back?"));
    insta::assert_snapshot!("objection_hunt", o.body);
}

#[test]
fn never_drafts_to_do_not_contact() {
    let d = broken_promise().with(|r| r.contacts.iter_mut().for_each(|c| c.do_not_contact = true));
    assert_eq!(
        draft(&d, PlayKind::Breakup),
        Err(ComposeError::Unreachable {
            why: rekindle_core::reach::Barrier::DoNotContact,
            until: None
        })
    );
    let one_left = broken_promise().with(|r| r.contacts[0].do_not_contact = true);
    assert_eq!(
        draft(&one_left, PlayKind::Breakup).unwrap().to.name,
        "Priya Patel"
    );
}

#[test]
fn every_demo_draft_passes_the_linter() {
    let policy = Policy::default();
    let records: Vec<_> = demo::generate(
        demo::DemoOptions {
            deals: 60,
            ..Default::default()
        },
        now(),
    )
    .collect();
    let norms = Norms::learn(&records, now());
    let composer = Composer::builtin();
    let mut drafted = 0;
    for r in records.iter().filter(|r| r.deal.status == DealStatus::Open) {
        let a = assess(r, now(), &policy, &norms);
        for play in PlayKind::ALL {
            match composer.draft(r, &a, *play, now(), &policy) {
                Ok(d) => {
                    assert!(
                        lint::lint(&d.body).is_empty(),
                        "{play} for {}: {}",
                        r.deal.id,
                        d.body
                    );
                    drafted += 1;
                }
                Err(ComposeError::MissingFacts { .. }) => {}
                Err(ComposeError::NeedsOccasion { .. }) if play.is_revival() => {}
                Err(e) => panic!("{play} for {}: {e}", r.deal.id),
            }
        }
    }
    assert!(drafted > 200, "{drafted}");
}

#[test]
fn user_templates_override_and_are_linted_and_bounded() {
    let mut overrides = BTreeMap::new();
    overrides.insert(
        "breakup".to_string(),
        "Subject: Closing the loop\n\nHi {{ first_name }}, close the file?\n".to_string(),
    );
    let c = Composer::new(&overrides).unwrap();
    let d = broken_promise();
    let out = c
        .draft(
            &d.0,
            &d.assess(),
            PlayKind::Breakup,
            now(),
            &Policy::default(),
        )
        .unwrap();
    assert_eq!(out.body, "Hi Dana, close the file?\n");

    overrides.insert(
        "breakup".to_string(),
        "Subject: x\n\nJust checking in, {{ first_name }}!\n".to_string(),
    );
    let c = Composer::new(&overrides).unwrap();
    assert!(matches!(
        c.draft(
            &d.0,
            &d.assess(),
            PlayKind::Breakup,
            now(),
            &Policy::default()
        ),
        Err(ComposeError::FailsLint { .. })
    ));

    overrides.insert(
        "breakup".to_string(),
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
            .to_string(),
    );
    let c = Composer::new(&overrides).unwrap();
    assert!(matches!(
        c.draft(
            &d.0,
            &d.assess(),
            PlayKind::Breakup,
            now(),
            &Policy::default()
        ),
        Err(ComposeError::Template { .. })
    ));

    let mut unknown = BTreeMap::new();
    unknown.insert("brekup".to_string(), "x".to_string());
    assert!(Composer::new(&unknown).is_err());
}

#[test]
fn demo_covers_every_signal_state_and_play() {
    let policy = Policy::default();
    let records: Vec<_> = demo::generate(demo::DemoOptions::default(), now()).collect();
    assert_eq!(records.len(), 40);
    let assessments = assess_all(&records, now(), &policy);
    for kind in signals::SignalKind::ALL {
        assert!(
            assessments
                .iter()
                .any(|a| a.signals.iter().any(|s| s.kind == *kind)),
            "no demo deal shows {kind}"
        );
    }
    for state in DealState::ALL {
        assert!(
            assessments.iter().any(|a| a.state == *state),
            "no demo deal is {state}"
        );
    }
    for play in PlayKind::ALL.iter().filter(|p| !p.is_revival()) {
        assert!(
            assessments
                .iter()
                .any(|a| a.next_action.play == Some(*play)),
            "no demo deal gets {play}"
        );
    }
    // Same seed, same pipeline.
    let again: Vec<_> = demo::generate(demo::DemoOptions::default(), now()).collect();
    assert_eq!(records, again);
}

#[test]
fn never_drafts_to_an_address_that_bounced() {
    let d = broken_promise().activity(
        ActivityKind::Email,
        Direction::Inbound,
        Some(Outcome::Bounced),
        1,
        3.0,
    );
    assert_eq!(draft(&d, PlayKind::Breakup).unwrap().to.name, "Priya Patel");
    let both = d.activity(
        ActivityKind::Email,
        Direction::Inbound,
        Some(Outcome::Bounced),
        2,
        2.5,
    );
    assert_eq!(
        draft(&both, PlayKind::Breakup),
        Err(ComposeError::Unreachable {
            why: rekindle_core::reach::Barrier::Bounced,
            until: None
        })
    );
}

#[test]
fn revival_drafts_quote_the_occasion_and_pass_the_linter() {
    use rekindle_core::revival::{Revival, TriggerEvent, TriggerKind};
    let policy = Policy::default();
    let composer = Composer::builtin();
    let records: Vec<_> = demo::generate(demo::DemoOptions::default(), now()).collect();
    let today = rekindle_core::time::date_of(now());
    let mut drafted = 0;
    for r in &records {
        let champion = r
            .contacts
            .iter()
            .find(|c| c.role == Some(Role::Champion))
            .map(|c| c.id);
        let mut occasions = vec![
            Revival::FeatureShipped {
                feature: "SSO".into(),
                why: Some("IT will not approve a tool without it".into()),
                shipped_on: today,
            },
            Revival::CheckIn,
        ];
        for kind in rekindle_core::revival::PromotionKind::ALL {
            occasions.push(Revival::Promotion {
                promotion: rekindle_core::revival::Promotion {
                    name: "Year-end".into(),
                    kind: *kind,
                    offer: "20% off the first year".into(),
                    from: today,
                    until: today,
                    min_stage: None,
                    lost_reasons: vec![],
                    min_amount: None,
                    max_amount: None,
                },
            });
        }
        for kind in TriggerKind::ALL {
            let contact = if *kind == TriggerKind::Promotion {
                champion
            } else {
                None
            };
            occasions.push(Revival::Trigger {
                event: TriggerEvent::new(
                    &r.deal.account.name,
                    contact,
                    *kind,
                    today,
                    "press release",
                    Some("Series B"),
                )
                .unwrap(),
            });
        }
        for occasion in &occasions {
            let d = match composer.draft_revival(r, occasion, now(), &policy) {
                Ok(d) => d,
                Err(ComposeError::NoRecipient(_) | ComposeError::MissingFacts { .. }) => continue,
                // Not to be touched now (before their date to look again, away): the shared
                // rule says so too.
                Err(ComposeError::Unreachable { .. })
                    if !rekindle_core::reach::reach(
                        r,
                        rekindle_core::reach::Purpose::Revival,
                        now(),
                    )
                    .is_reachable() =>
                {
                    continue;
                }
                Err(e) => panic!("{occasion:?} for {}: {e}", r.deal.id),
            };
            assert!(lint::lint(&d.body).is_empty(), "{}", d.body);
            assert!(!d.facts_used.is_empty() || matches!(occasion, Revival::CheckIn));
            match occasion {
                Revival::FeatureShipped { .. } => {
                    assert_eq!(d.play, PlayKind::ProductUpdate);
                    assert!(
                        d.body.contains("IT will not approve a tool without it"),
                        "{}",
                        d.body
                    );
                }
                Revival::Promotion { .. } => {
                    assert_eq!(d.play, PlayKind::Promotion);
                    assert!(d.body.contains("20% off the first year"), "{}", d.body);
                }
                Revival::Trigger { event } => {
                    assert_eq!(d.play, PlayKind::TriggerEvent);
                    assert!(d.body.contains("Series B"), "{}", d.body);
                    if event.kind == TriggerKind::Promotion
                        && let Some(c) = event.contact.and_then(|c| r.contact(c))
                        && !c.do_not_contact
                    {
                        assert_eq!(d.to.name, c.name, "the promoted champion hears it");
                    }
                }
                _ => {}
            }
            drafted += 1;
        }
    }
    assert!(drafted > 300, "{drafted}");
}
