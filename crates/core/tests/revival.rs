//! Triage at a fixed clock: each ranking factor and each trigger kind moves the score the way
//! the playbook says, and the dead stay buried.

mod common;
use common::*;
use jiff::civil::Date;
use rekindle_core::revival::*;
use rekindle_core::*;

fn lost(reason: LostReason, days: f64) -> Fixture {
    deal("proposal").with(|r| {
        r.deal.status = DealStatus::Lost;
        r.deal.loss = Some(Loss {
            reason,
            note: None,
            at: days_ago(days),
        });
    })
}

fn today() -> Date {
    time::date_of(now())
}

/// Ranks with what shipped and what promotions run.
fn outlook_with<T>(
    shipped: &[Shipped],
    promotions: &[Promotion],
    f: impl FnOnce(&Outlook<'_>) -> T,
) -> T {
    let (catalogue, pipeline, policy) = (
        Catalogue::built_in(),
        Policy::default().pipeline,
        RevivalPolicy::default(),
    );
    f(&Outlook {
        shipped,
        promotions,
        catalogue: &catalogue,
        pipeline: &pipeline,
        policy: &policy,
        now: now(),
    })
}

fn score_with(f: &Fixture, events: &[TriggerEvent], shipped: &[Shipped]) -> Candidate {
    let refs: Vec<&TriggerEvent> = events.iter().collect();
    let subject = Subject {
        record: &f.0,
        dark: false,
    };
    outlook_with(shipped, &[], |o| rank_one(&subject, &refs, o)).expect("a candidate")
}

fn score(f: &Fixture) -> i32 {
    score_with(f, &[], &[]).score
}

fn points(c: &Candidate, factor: Factor) -> i32 {
    c.reasons
        .iter()
        .filter(|r| r.factor == factor)
        .map(|r| r.points)
        .sum()
}

fn event(kind: TriggerKind, contact: Option<i64>, days: i64) -> TriggerEvent {
    TriggerEvent::new(
        "Acme",
        contact.map(ContactId),
        kind,
        today().checked_sub(jiff::Span::new().days(days)).unwrap(),
        "news",
        None,
    )
    .unwrap()
}

#[test]
fn salvageable_reasons_rank_above_unsalvageable_ones() {
    let timing = score(&lost(LostReason::Timing, 120.0));
    let budget = score(&lost(LostReason::Budget, 120.0));
    let competitor = score(&lost(LostReason::Competitor, 120.0));
    let no_value = score(&lost(LostReason::NoValueSeen, 120.0));
    assert!(timing > budget && budget > competitor && competitor > no_value);
}

#[test]
fn won_and_healthy_open_deals_are_not_candidates_but_dark_ones_are() {
    let won = deal("proposal").with(|r| r.deal.status = DealStatus::Won);
    let open = deal("proposal");
    let candidates = |f: &Fixture, dark| {
        outlook_with(&[], &[], |o| {
            rank_one(&Subject { record: &f.0, dark }, &[], o)
        })
    };
    assert!(candidates(&won, true).is_none());
    assert!(candidates(&open, false).is_none());
    assert!(candidates(&open, true).is_some());
}

#[test]
fn the_further_the_deal_got_the_more_it_is_worth() {
    let early = lost(LostReason::Timing, 120.0).with(|r| {
        r.deal.stage = "intro".into();
        r.stage_history.clear();
    });
    let far = lost(LostReason::Timing, 120.0).with(|r| r.deal.stage = "negotiation".into());
    let (e, f) = (score_with(&early, &[], &[]), score_with(&far, &[], &[]));
    assert!(points(&f, Factor::FurthestStage) > points(&e, Factor::FurthestStage));
    assert!(f.score > e.score);
}

#[test]
fn amount_fit_and_past_engagement_add_up() {
    let small = lost(LostReason::Timing, 120.0)
        .with(|r| r.deal.amount = Money::new(100_000, Currency::USD));
    let big = lost(LostReason::Timing, 120.0)
        .with(|r| r.deal.amount = Money::new(20_000_000, Currency::USD));
    assert!(score(&big) > score(&small));
    let unfit = lost(LostReason::Timing, 120.0).with(|r| {
        for c in &mut r.contacts {
            c.role = None;
        }
    });
    let fit = lost(LostReason::Timing, 120.0).discovered();
    assert!(
        points(&score_with(&fit, &[], &[]), Factor::Fit)
            > points(&score_with(&unfit, &[], &[]), Factor::Fit)
    );
    let engaged = lost(LostReason::Timing, 120.0)
        .reply(1, 150.0)
        .meeting(2, 160.0)
        .reply(1, 170.0);
    assert_eq!(
        points(&score_with(&engaged, &[], &[]), Factor::PastEngagement),
        9
    );
}

#[test]
fn too_soon_and_long_dead_deals_lose_points_and_the_dead_stay_buried() {
    let fresh = score_with(&lost(LostReason::Timing, 10.0), &[], &[]);
    let ripe = score_with(&lost(LostReason::Timing, 120.0), &[], &[]);
    let dead = score_with(&lost(LostReason::NoValueSeen, 1000.0), &[], &[]);
    assert!(points(&fresh, Factor::HowLongAgo) < 0);
    assert!(ripe.score > fresh.score);
    assert!(dead.leave_buried, "{dead:?}");
    assert!(dead.reasons.iter().any(|r| r.why.contains("decomposed")));
    assert!(!ripe.leave_buried, "{ripe:?}");
}

#[test]
fn funding_reopens_a_budget_loss_more_than_any_other() {
    let budget = lost(LostReason::Budget, 120.0);
    let other = lost(LostReason::Competitor, 120.0);
    let funding = [event(TriggerKind::Funding, None, 10)];
    let b = score_with(&budget, &funding, &[]);
    let o = score_with(&other, &funding, &[]);
    assert_eq!(points(&b, Factor::Trigger), 30);
    assert_eq!(points(&o, Factor::Trigger), 10);
    assert!(matches!(b.occasion, Revival::Trigger { .. }));
    // Stale news is no reason.
    let old = score_with(&budget, &[event(TriggerKind::Funding, None, 200)], &[]);
    assert_eq!(points(&old, Factor::Trigger), 0);
}

#[test]
fn each_trigger_kind_counts() {
    let f = lost(LostReason::NoDecisionMaker, 120.0);
    let expect = [
        (TriggerKind::Promotion, Some(1), 25), // the champion, now with clout
        (TriggerKind::Promotion, None, 10),
        (TriggerKind::LeadershipChange, None, 20), // lost without a decision maker
        (TriggerKind::KeyHire, None, 10),
        (TriggerKind::Expansion, None, 10),
        (TriggerKind::Acquisition, None, 5),
        (TriggerKind::News, None, 5),
        (TriggerKind::Funding, None, 10),
    ];
    for (kind, contact, want) in expect {
        let c = score_with(&f, &[event(kind, contact, 5)], &[]);
        assert_eq!(points(&c, Factor::Trigger), want, "{kind}");
    }
    let many: Vec<TriggerEvent> = (0..4)
        .map(|_| event(TriggerKind::Promotion, Some(1), 5))
        .collect();
    assert_eq!(
        points(&score_with(&f, &many, &[]), Factor::Trigger),
        40,
        "capped"
    );
}

#[test]
fn a_shipped_feature_finds_the_deals_that_needed_it_under_any_name() {
    let f = lost(LostReason::MissingFeature, 120.0).with(|r| {
        r.needed_features.push(NeededFeature {
            feature: "SAML login".into(),
            why: Some("IT will not approve a tool without it".into()),
        })
    });
    let shipped = [Shipped {
        feature: "sso".into(),
        on: today().checked_sub(jiff::Span::new().days(3)).unwrap(),
    }];
    let c = score_with(&f, &[], &shipped);
    assert_eq!(points(&c, Factor::FeatureShipped), 35);
    match &c.occasion {
        Revival::FeatureShipped { feature, why, .. } => {
            assert_eq!(feature, "SAML login");
            assert!(why.as_deref().unwrap().contains("IT will not approve"));
        }
        o => panic!("{o:?}"),
    }
    let other = [Shipped {
        feature: "mobile app".into(),
        on: today(),
    }];
    assert_eq!(
        points(&score_with(&f, &[], &other), Factor::FeatureShipped),
        0
    );
}

#[test]
fn a_contract_notice_deadline_ahead_is_a_reason_now() {
    let f = lost(LostReason::Competitor, 200.0).with(|r| {
        r.contract = Some(Contract {
            vendor: "RouteMax".into(),
            ends_on: today().checked_add(jiff::Span::new().days(75)).unwrap(),
            notice_days: 30,
        })
    });
    let c = score_with(&f, &[], &[]);
    assert_eq!(points(&c, Factor::ContractEnding), 20);
    assert!(matches!(c.occasion, Revival::ContractEnding { .. }));
    let far = f.with(|r| {
        r.contract.as_mut().unwrap().ends_on =
            today().checked_add(jiff::Span::new().days(400)).unwrap()
    });
    assert_eq!(
        points(&score_with(&far, &[], &[]), Factor::ContractEnding),
        0
    );
}

#[test]
fn a_nurtured_deal_whose_date_has_come_is_due() {
    let f = deal("proposal").with(|r| {
        r.deal.status = DealStatus::Nurture;
        r.deal.resurface_on = Some(today());
    });
    let c = score_with(&f, &[], &[]);
    assert!(matches!(c.occasion, Revival::Resurface { .. }));
    assert_eq!(points(&c, Factor::Standing), 25);
    // Before the date they asked for: never ranked, whatever else counts for it (a shipped
    // feature they needed, a trigger at the account).
    let early = f.with(|r| {
        r.deal.resurface_on = Some(today().checked_add(jiff::Span::new().days(60)).unwrap());
        r.needed_features = vec![NeededFeature {
            feature: "SSO".into(),
            why: None,
        }];
    });
    let shipped = [Shipped {
        feature: "sso".into(),
        on: today(),
    }];
    let funding = TriggerEvent::new(
        "Acme",
        None,
        TriggerKind::Funding,
        today(),
        "press release",
        None,
    )
    .unwrap();
    let not_ranked = |f: &Fixture| {
        let subject = Subject {
            record: &f.0,
            dark: false,
        };
        outlook_with(&shipped, &[], |o| rank_one(&subject, &[&funding], o))
    };
    assert_eq!(not_ranked(&early), None);
    // The same holds for a lost deal closed with a date to look again.
    let lost_until = lost(LostReason::Timing, 120.0).with(|r| {
        r.deal.resurface_on = Some(today().checked_add(jiff::Span::new().days(30)).unwrap())
    });
    assert_eq!(not_ranked(&lost_until), None);
    // On the day, both are ranked.
    let on_the_day = early.with(|r| r.deal.resurface_on = Some(today()));
    assert!(not_ranked(&on_the_day).is_some());
    let lost_due = lost(LostReason::Timing, 120.0).with(|r| r.deal.resurface_on = Some(today()));
    let c = score_with(&lost_due, &[], &[]);
    assert_eq!(points(&c, Factor::Standing), 40);
    assert!(matches!(c.occasion, Revival::Resurface { .. }));
}

#[test]
fn rank_orders_best_first() {
    let a = lost(LostReason::NoValueSeen, 1000.0).with(|r| r.deal.id = DealId(1));
    let b = lost(LostReason::Timing, 120.0).with(|r| r.deal.id = DealId(2));
    let subjects = [
        Subject {
            record: &a.0,
            dark: false,
        },
        Subject {
            record: &b.0,
            dark: false,
        },
    ];
    let ranked = outlook_with(&[], &[], |o| rank(subjects, &[], o));
    assert_eq!(
        ranked.iter().map(|c| c.deal.0).collect::<Vec<_>>(),
        vec![2, 1]
    );
}

fn promo(min_stage: Option<&str>, reasons: Vec<LostReason>) -> Promotion {
    Promotion {
        name: "Year-end onboarding".into(),
        kind: PromotionKind::FreeOnboarding,
        offer: "free onboarding for your whole team".into(),
        from: today(),
        until: today().checked_add(jiff::Span::new().days(30)).unwrap(),
        min_stage: min_stage.map(str::to_string),
        lost_reasons: reasons,
        min_amount: Some(Money::new(1_000_000, Currency::USD)),
        max_amount: None,
    }
}

#[test]
fn a_running_promotion_nudges_the_deals_that_qualify() {
    let pipeline = Policy::default().pipeline;
    let budget = lost(LostReason::Budget, 120.0);
    let competitor = lost(LostReason::Competitor, 120.0);
    let any = promo(Some("proposal"), vec![]);
    assert!(any.eligible(&budget.0, &pipeline).is_ok());
    assert_eq!(
        any.eligible(&competitor.0, &pipeline),
        Err("lost to competitor".into())
    );
    let early = budget.with(|r| {
        r.deal.stage = "intro".into();
        r.stage_history.clear();
    });
    assert!(
        any.eligible(&early.0, &pipeline)
            .unwrap_err()
            .contains("never reached proposal")
    );
    let small = lost(LostReason::Budget, 120.0)
        .with(|r| r.deal.amount = Money::new(500_000, Currency::USD));
    assert!(
        any.eligible(&small.0, &pipeline)
            .unwrap_err()
            .contains("below the minimum")
    );
    let only_competitors = promo(None, vec![LostReason::Competitor]);
    assert!(only_competitors.eligible(&competitor.0, &pipeline).is_ok());

    let refs: Vec<&TriggerEvent> = Vec::new();
    let budget = lost(LostReason::Budget, 120.0);
    let subject = Subject {
        record: &budget.0,
        dark: false,
    };
    let scored = |promotions: &[Promotion]| {
        outlook_with(&[], promotions, |o| rank_one(&subject, &refs, o)).unwrap()
    };
    let with = scored(std::slice::from_ref(&any));
    assert_eq!(points(&with, Factor::Promotion), 15);
    assert!(matches!(with.occasion, Revival::Promotion { .. }));
    let mut other = any.clone();
    other.name = "Flexible billing".into();
    let both = scored(&[any.clone(), other.clone()]);
    assert_eq!(
        points(&both, Factor::Promotion),
        15,
        "two promotions are one nudge"
    );
    let theirs = |p: &Promotion| Revival::Promotion {
        promotion: p.clone(),
    };
    assert!(both.has_occasion(&theirs(&any)) && both.has_occasion(&theirs(&other)));
    let mut over = any.clone();
    over.until = today().checked_sub(jiff::Span::new().days(1)).unwrap();
    over.from = today().checked_sub(jiff::Span::new().days(10)).unwrap();
    assert_eq!(
        points(&scored(&[over]), Factor::Promotion),
        0,
        "an ended promotion is no reason"
    );
}
