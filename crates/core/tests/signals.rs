//! Each signal fires on the situation it names, with evidence, and stays quiet otherwise.

mod common;
use common::*;
use rekindle_core::signals::SignalKind::*;
use rekindle_core::*;

#[test]
fn a_healthy_deal_has_no_signals() {
    let a = healthy().assess();
    assert!(a.signals.is_empty(), "{:?}", a.signals);
    assert_eq!(a.state, DealState::Healthy);
    assert_eq!(a.risk, 0);
    assert_eq!(a.next_action.play, None);
}

#[test]
fn no_solid_next_step() {
    assert!(
        healthy()
            .with(|r| r.next_step = None)
            .signals()
            .contains(&NoSolidNextStep)
    );
    assert!(
        healthy()
            .next_step("talk again", None, false)
            .signals()
            .contains(&NoSolidNextStep)
    );
    assert!(!healthy().signals().contains(&NoSolidNextStep));
}

#[test]
fn next_step_passed_only_without_word_since() {
    let passed = healthy()
        .with(|r| r.activities.clear())
        .meeting(1, 12.0)
        .next_step("review", Some(-5.0), false);
    let a = passed.assess();
    let s = a
        .signals
        .iter()
        .find(|s| s.kind == NextStepPassed)
        .expect("fires");
    assert_eq!(s.evidence[0].reference, Some(signals::Reference::NextStep));
    // They engaged after the date: the step happened; what is missing is the next one.
    let happened = passed.reply(1, 2.0);
    assert!(!happened.signals().contains(&NextStepPassed));
    assert!(happened.signals().contains(&NoSolidNextStep));
}

#[test]
fn commitment_broken_when_overdue_or_marked() {
    let base = || healthy().with(|r| r.activities.clear()).meeting(1, 12.0);
    let overdue = base().promise("run the numbers with finance", 5.0, CommitmentStatus::Open);
    let a = overdue.assess();
    let s = a
        .signals
        .iter()
        .find(|s| s.kind == CommitmentBroken)
        .expect("fires");
    assert!(s.evidence[0].what.contains("run the numbers with finance"));
    assert!(
        base()
            .promise("x", 5.0, CommitmentStatus::Broken)
            .signals()
            .contains(&CommitmentBroken)
    );
    assert!(
        !base()
            .promise("x", 5.0, CommitmentStatus::Kept)
            .signals()
            .contains(&CommitmentBroken)
    );
    // Due today: still within the grace day.
    assert!(
        !base()
            .promise("x", 0.5, CommitmentStatus::Open)
            .signals()
            .contains(&CommitmentBroken)
    );
}

#[test]
fn unanswered_touches_count_since_the_last_engagement() {
    let one = healthy().touch(0.5);
    assert!(!one.signals().contains(&UnansweredTouches));
    let two = healthy().touch(0.6).touch(0.2);
    let a = two.assess();
    let s = a
        .signals
        .iter()
        .find(|s| s.kind == UnansweredTouches)
        .expect("fires");
    assert_eq!(s.evidence.len(), 2);
    assert_eq!(a.sequence.unanswered_touches, 2);
    // A reply resets the count; an auto-reply does not.
    assert!(!two.reply(1, 0.1).signals().contains(&UnansweredTouches));
    let auto = healthy().touch(0.6).touch(0.2).activity(
        ActivityKind::Email,
        Direction::Inbound,
        Some(Outcome::AutoReply),
        1,
        0.1,
    );
    assert!(auto.signals().contains(&UnansweredTouches));
}

#[test]
fn silence_uses_the_contacts_own_norm() {
    // Dana usually answers within about 2 hours (3 samples): 2.5 days of silence is beyond her
    // norm (floored at 2 days) although the demo stage allows 5 days for an unknown contact.
    let base = || {
        deal("demo")
            .discovered()
            .meeting(2, 25.0)
            .next_step("demo", Some(4.0), true)
    };
    let mut d = base();
    for k in 0..3 {
        let t = 20.0 - k as f64 * 3.0;
        d = d.touch(t).reply(1, t - 2.0 / 24.0);
    }
    let quiet = d.touch(2.5);
    let a = quiet.assess();
    let s = a
        .signals
        .iter()
        .find(|s| s.kind == SilenceBeyondNorm)
        .expect("fires against her own norm");
    assert!(
        s.evidence
            .iter()
            .any(|e| e.what.contains("median of 3 replies")),
        "{:?}",
        s.evidence
    );
    // Without history, the stage default (5 days in demo) applies: 2.5 days is fine.
    assert!(!base().touch(2.5).signals().contains(&SilenceBeyondNorm));
    assert!(base().touch(6.0).signals().contains(&SilenceBeyondNorm));
}

#[test]
fn no_articulated_need_and_discovery_gap() {
    let no_why = healthy().with(|r| r.facts.retain(|f| f.kind != FactKind::WhyNow));
    let sig = no_why.signals();
    assert!(sig.contains(&NoArticulatedNeed));
    assert!(sig.contains(&DiscoveryGap));
    let empty = healthy().with(|r| {
        r.facts.clear();
        r.next_step = None;
    });
    let a = empty.assess();
    let gap = a.signals.iter().find(|s| s.kind == DiscoveryGap).unwrap();
    assert_eq!(gap.evidence.len(), 3);
}

#[test]
fn no_due_diligence_from_the_demo_stage_on() {
    let strip = |r: &mut DealRecord| {
        r.facts.retain(|f| {
            !matches!(
                f.kind,
                FactKind::Competitor | FactKind::Price | FactKind::SetupQuestion
            )
        })
    };
    assert!(healthy().with(strip).signals().contains(&NoDueDiligence));
    assert!(
        !healthy()
            .with(strip)
            .with(|r| r.deal.stage = "discovery".into())
            .signals()
            .contains(&NoDueDiligence)
    );
    assert!(!healthy().signals().contains(&NoDueDiligence));
}

#[test]
fn single_threaded_and_no_power_engaged() {
    let only_dana = deal("demo")
        .discovered()
        .reply(1, 1.0)
        .next_step("demo", Some(3.0), true);
    let sig = only_dana.signals();
    assert!(sig.contains(&SingleThreaded));
    assert!(!sig.contains(&NoPowerEngaged), "Dana is a champion");
    let only_user = only_dana.with(|r| r.contacts[0].role = Some(Role::User));
    assert!(only_user.signals().contains(&NoPowerEngaged));
    assert!(!healthy().signals().contains(&SingleThreaded));
}

#[test]
fn stalled_in_stage_by_configured_threshold() {
    let stalled = healthy().with(|r| {
        r.stage_history = vec![StageChange {
            stage: "demo".into(),
            at: days_ago(20.0),
        }]
    });
    let a = stalled.assess();
    let s = a
        .signals
        .iter()
        .find(|s| s.kind == StalledInStage)
        .expect("demo rots after 14 days");
    assert!(s.summary.contains("20 days"));
    assert!(!healthy().signals().contains(&StalledInStage));
}

#[test]
fn stalled_in_stage_learns_from_the_team() {
    // The team moves deals through demo in about 3 days: 8 days is stalled for this team even
    // though the configured threshold is 14.
    let policy = Policy::default();
    let mut history: Vec<DealRecord> = (0..8)
        .map(|i| {
            healthy()
                .with(|r| {
                    r.deal.id = DealId(100 + i);
                    r.stage_history = vec![
                        StageChange {
                            stage: "demo".into(),
                            at: days_ago(40.0),
                        },
                        StageChange {
                            stage: "proposal".into(),
                            at: days_ago(37.0),
                        },
                    ];
                })
                .0
        })
        .collect();
    let subject = healthy()
        .with(|r| {
            r.stage_history = vec![StageChange {
                stage: "demo".into(),
                at: days_ago(8.0),
            }]
        })
        .0;
    history.push(subject.clone());
    let norms = Norms::learn(&history, now());
    let a = assess(&subject, now(), &policy, &norms);
    let s = a
        .signals
        .iter()
        .find(|s| s.kind == StalledInStage)
        .expect("learned threshold applies");
    assert!(s.evidence.iter().any(|e| e.what.contains("median of 8")));
    let alone = Norms::learn([&subject], now());
    assert!(
        !assess(&subject, now(), &policy, &alone)
            .signals
            .iter()
            .any(|s| s.kind == StalledInStage)
    );
}

#[test]
fn close_date_passed_and_slipped() {
    let date = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    let passed = healthy().with(|r| r.deal.expected_close = Some(date("2026-11-20")));
    assert!(passed.signals().contains(&CloseDatePassed));
    assert!(
        !healthy()
            .with(|r| r.deal.expected_close = Some(date("2026-11-23")))
            .signals()
            .contains(&CloseDatePassed)
    );
    let slipped = healthy().with(|r| {
        r.close_date_history = vec![
            CloseDateChange {
                from: None,
                to: date("2026-10-01"),
                at: days_ago(60.0),
            },
            CloseDateChange {
                from: Some(date("2026-10-01")),
                to: date("2026-11-01"),
                at: days_ago(40.0),
            },
            CloseDateChange {
                from: Some(date("2026-11-01")),
                to: date("2026-12-15"),
                at: days_ago(20.0),
            },
        ]
    });
    assert!(slipped.signals().contains(&CloseDateSlipped));
    // Pulling a date in is not slipping.
    let pulled = healthy().with(|r| {
        r.close_date_history = vec![CloseDateChange {
            from: Some(date("2026-12-01")),
            to: date("2026-11-30"),
            at: days_ago(5.0),
        }]
    });
    assert!(!pulled.signals().contains(&CloseDateSlipped));
}

#[test]
fn desperation_past_the_cap_bunched_or_out_of_proportion() {
    let past_cap = healthy().touch(0.9).touch(0.7).touch(0.5).touch(0.3);
    let a = past_cap.assess();
    let s = a
        .signals
        .iter()
        .find(|s| s.kind == Desperation)
        .expect("fires");
    assert!(s.evidence.iter().any(|e| e.what.contains("past the cap")));
    assert!(
        s.evidence
            .iter()
            .any(|e| e.what.contains("less than 2 days"))
    );
    // Well spaced and within the cap: not desperation.
    let patient = deal("demo")
        .discovered()
        .engaged(20.0)
        .next_step("x", Some(3.0), true)
        .touch(12.0)
        .touch(8.0)
        .touch(4.0);
    assert!(!patient.signals().contains(&Desperation));
    // Six touches in a month on a small deal with no engagement at all.
    let small = deal("demo")
        .discovered()
        .engaged(40.0)
        .with(|r| r.deal.amount = Money::new(500_000, Currency::USD));
    let small = (0..6).fold(small, |d, k| d.touch(28.0 - k as f64 * 5.0));
    let a = small.assess();
    assert!(
        a.signals
            .iter()
            .find(|s| s.kind == Desperation)
            .unwrap()
            .evidence
            .iter()
            .any(|e| e.what.contains("budget 6"))
    );
}

#[test]
fn pesky_tone_and_resends() {
    let pesky = healthy().message(0.5, "Hi Dana, just checking in on the proposal.", None);
    let a = pesky.assess();
    let s = a
        .signals
        .iter()
        .find(|s| s.kind == PeskyTone)
        .expect("fires");
    assert!(s.evidence[0].what.contains("just checking in"));
    let body = "Hi Dana, here is the ROI model with your numbers.";
    let resent = healthy().message(3.0, body, None).message(0.5, body, None);
    assert!(
        resent
            .assess()
            .signals
            .iter()
            .find(|s| s.kind == PeskyTone)
            .unwrap()
            .evidence
            .iter()
            .any(|e| e.what.contains("sent again"))
    );
    assert!(
        !healthy()
            .message(0.5, body, None)
            .signals()
            .contains(&PeskyTone)
    );
}

#[test]
fn a_bounce_is_raised_on_the_deal_until_they_engage_again() {
    let bounced = healthy().touch(0.6).activity(
        ActivityKind::Email,
        Direction::Inbound,
        Some(Outcome::Bounced),
        1,
        0.5,
    );
    let a = bounced.assess();
    let s = a
        .signals
        .iter()
        .find(|s| s.kind == BouncedAddress)
        .expect("fires");
    assert!(s.summary.contains("Dana Reyes"), "{}", s.summary);
    assert_ne!(a.state, DealState::Healthy);
    assert!(!bounced.reply(1, 0.1).signals().contains(&BouncedAddress));
}

#[test]
fn a_fresh_touch_to_someone_else_never_hides_an_older_silence() {
    // Contact 1 takes about ten days to answer; contact 2 has no history and was written to
    // five days ago, past the stage's allowance.
    let history = || {
        deal("demo")
            .touch(60.0)
            .reply(1, 50.0)
            .touch(40.0)
            .reply(1, 30.0)
            .touch(20.0)
            .reply(1, 10.0)
            .activity(
                ActivityKind::Email,
                Direction::Outbound,
                Some(Outcome::Sent),
                2,
                5.1,
            )
    };
    let silent = |f: Fixture| {
        f.assess()
            .signals
            .iter()
            .any(|s| s.kind == rekindle_core::signals::SignalKind::SilenceBeyondNorm)
    };
    assert!(silent(history()), "contact 2 is past the stage's 5 days");
    assert!(
        silent(history().touch(0.0)),
        "writing to contact 1 today does not make contact 2's silence go away"
    );
}
