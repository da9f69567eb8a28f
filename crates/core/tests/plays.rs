//! The next play follows the playbook, never chases past the cap, and recommends - never closes.

mod common;
use common::*;
use rekindle_core::plays::SequenceStep;
use rekindle_core::*;

fn play(d: &Fixture) -> Option<PlayKind> {
    d.assess().next_action.play
}

/// Engaged 15 days ago, then nothing.
fn gone_quiet() -> Fixture {
    deal("proposal").discovered().engaged(15.0).next_step(
        "review the business case",
        Some(-10.0),
        false,
    )
}

#[test]
fn accountability_when_they_broke_their_word() {
    let d = gone_quiet()
        .promise("run the numbers with finance", 9.0, CommitmentStatus::Open)
        .touch(7.0)
        .touch(4.0);
    let a = d.assess();
    assert_eq!(a.state, DealState::Dark);
    assert_eq!(a.next_action.play, Some(PlayKind::Accountability));
    assert_eq!(a.next_action.due, now());
}

#[test]
fn after_accountability_another_value_add_then_breakup_at_the_cap() {
    let sent = gone_quiet()
        .promise("x", 9.0, CommitmentStatus::Open)
        .message(
            7.0,
            "Hi Dana, has something changed?",
            Some(PlayKind::Accountability),
        );
    assert_eq!(
        sent.assess().sequence.step,
        SequenceStep::AccountabilitySent
    );
    assert_eq!(play(&sent), Some(PlayKind::ValueAdd));
    let capped = sent.touch(4.0).touch(2.0);
    let a = capped.assess();
    assert_eq!(a.next_action.play, Some(PlayKind::Breakup));
    assert!(a.next_action.why.contains("cap of 3"));
}

#[test]
fn breakup_then_wait_then_propose_closing_as_unresponsive() {
    let base = || gone_quiet().touch(13.0).touch(10.0).touch(7.0);
    let waiting = base().message(3.0, "Should I close the file?", Some(PlayKind::Breakup));
    let a = waiting.assess();
    assert_eq!(a.sequence.step, SequenceStep::AwaitingBreakupAnswer);
    assert_eq!(a.next_action.play, None);
    assert_eq!(a.next_action.due, days_ago(3.0 - 7.0));

    let unanswered = gone_quiet().touch(20.0).touch(17.0).touch(14.0).message(
        8.0,
        "Should I close the file?",
        Some(PlayKind::Breakup),
    );
    let a = unanswered.assess();
    assert_eq!(a.next_action.play, Some(PlayKind::CloseOrNurture));
    let close = a.next_action.close.expect("a close recommendation");
    assert_eq!(
        (close.status, close.reason),
        (DealStatus::Lost, Some(LostReason::Unresponsive))
    );
    assert_eq!(close.resurface_on.to_string(), "2027-02-21");
    // The engine recommends; the record is untouched.
    assert_eq!(unanswered.0.deal.status, DealStatus::Open);
}

#[test]
fn never_chases_past_the_cap() {
    for extra in 3..9 {
        let d = (0..extra).fold(gone_quiet(), |d, k| d.touch(12.0 - k as f64));
        let p = play(&d);
        assert!(
            matches!(p, Some(PlayKind::Breakup)),
            "{extra} touches: {p:?}"
        );
    }
}

#[test]
fn spacing_is_respected() {
    let d = gone_quiet().touch(0.5);
    let a = d.assess();
    assert_eq!(a.next_action.play, Some(PlayKind::Accountability));
    assert_eq!(
        a.next_action.due,
        days_ago(0.5 - 2.0),
        "no sooner than 2 days after the last touch"
    );
}

#[test]
fn dark_with_a_discovery_gap_is_taken_out_of_the_pipeline() {
    let d = deal("discovery").reply(1, 20.0).touch(10.0).touch(6.0);
    let a = d.assess();
    assert_eq!(a.state, DealState::Dark);
    assert_eq!(a.next_action.play, Some(PlayKind::CloseOrNurture));
    assert_eq!(a.next_action.close.unwrap().status, DealStatus::Nurture);
}

#[test]
fn contract_timing_parks_the_sequence() {
    let d = gone_quiet().touch(8.0).with(|r| {
        r.contract = Some(Contract {
            vendor: "Fieldwise".into(),
            ends_on: "2027-07-21".parse().unwrap(),
            notice_days: 60,
        })
    });
    let a = d.assess();
    assert_eq!(a.next_action.play, Some(PlayKind::TimeToContract));
    // Notice deadline 2027-05-22, started 30 days earlier.
    assert_eq!(time::date_of(a.next_action.due).to_string(), "2027-04-22");
    // A contract that ends today no longer locks them in: the sequence goes on.
    let ends = |on: &str| {
        d.0.clone()
            .contract
            .map(|mut c| {
                c.ends_on = on.parse().unwrap();
                c
            })
            .unwrap()
    };
    let today = Fixture(d.0.clone()).with(|r| r.contract = Some(ends("2026-11-23")));
    assert_ne!(play(&today), Some(PlayKind::TimeToContract));
    let tomorrow = Fixture(d.0.clone()).with(|r| r.contract = Some(ends("2026-11-24")));
    assert_eq!(play(&tomorrow), Some(PlayKind::TimeToContract));
}

#[test]
fn warning_signs_get_the_objection_hunt() {
    let d = healthy().with(|r| {
        r.facts.retain(|f| {
            f.kind != FactKind::Competitor
                && f.kind != FactKind::Price
                && f.kind != FactKind::SetupQuestion
        })
    });
    let a = d.assess();
    assert_eq!(a.state, DealState::AtRisk);
    assert_eq!(a.next_action.play, Some(PlayKind::ObjectionHunt));
}

#[test]
fn slipping_gets_a_value_add() {
    let d = healthy().with(|r| {
        r.stage_history = vec![StageChange {
            stage: "demo".into(),
            at: days_ago(30.0),
        }]
    });
    assert_eq!(d.assess().state, DealState::Slipping);
    assert_eq!(play(&d), Some(PlayKind::ValueAdd));
}

#[test]
fn diagnosis_ranks_causes_with_evidence() {
    let d = gone_quiet()
        .fact(
            FactKind::Context,
            "We're in the middle of an acquisition; everything is on hold",
        )
        .promise("x", 9.0, CommitmentStatus::Open)
        .touch(7.0)
        .touch(4.0);
    let a = d.assess();
    let top = &a.diagnosis[0];
    assert_eq!(top.cause, diagnosis::RootCause::MorePressingIssues);
    assert!(top.evidence.iter().any(|e| e.what.contains("acquisition")));
    let pesky = healthy()
        .message(3.0, "Just checking in!!", None)
        .message(1.0, "Bumping this to the top of your inbox", None)
        .touch(0.5)
        .touch(0.2);
    let causes: Vec<_> = pesky.assess().diagnosis.iter().map(|f| f.cause).collect();
    assert!(causes.contains(&diagnosis::RootCause::TurnedOffByTactics));
}

#[test]
fn an_out_of_office_answer_moves_the_next_touch_to_the_return_date() {
    let away = gone_quiet()
        .promise("run the numbers with finance", 9.0, CommitmentStatus::Open)
        .touch(4.0)
        .activity(
            ActivityKind::Email,
            Direction::Inbound,
            Some(Outcome::AutoReply),
            1,
            3.9,
        )
        .with(|r| {
            r.activities.last_mut().unwrap().returns_on = Some("2026-11-30".parse().unwrap())
        });
    let a = away.assess();
    assert_eq!(a.next_action.play, Some(PlayKind::Accountability));
    assert_eq!(time::date_of(a.next_action.due).to_string(), "2026-11-30");
    assert!(
        a.next_action.why.contains("away until 2026-11-30"),
        "{}",
        a.next_action.why
    );
    // Judged at the first moment of their return day, they are back: nothing is held.
    let midnight: jiff::Timestamp = "2026-11-30T00:00:00Z".parse().unwrap();
    let at_return = assess(
        &away.0,
        midnight,
        &Policy::default(),
        &Norms::learn([&away.0], midnight),
    );
    assert_eq!(at_return.next_action.due, midnight);
    assert!(
        !at_return.next_action.why.contains("away"),
        "{}",
        at_return.next_action.why
    );
    // A return date already past changes nothing.
    let back = away.with(|r| {
        r.activities.last_mut().unwrap().returns_on = Some("2026-11-20".parse().unwrap())
    });
    assert_eq!(back.assess().next_action.due, now());
    // An auto-reply after the moment judged is not known yet.
    let not_yet = gone_quiet()
        .promise("run the numbers with finance", 9.0, CommitmentStatus::Open)
        .touch(4.0)
        .activity(
            ActivityKind::Email,
            Direction::Inbound,
            Some(Outcome::AutoReply),
            1,
            -0.5,
        )
        .with(|r| {
            r.activities.last_mut().unwrap().returns_on = Some("2026-11-30".parse().unwrap())
        });
    let a = not_yet.assess();
    assert_eq!(a.next_action.due, now(), "{:?}", a.next_action);
    assert!(!a.next_action.why.contains("away"), "{}", a.next_action.why);
}

/// Where the deal stands in the sequence, step by step: engaged (nothing unanswered),
/// following up, the accountability message sent, the breakup waiting for its answer within
/// its window, then unanswered past it. The last touch and the count come with it.
#[test]
fn the_sequence_step_follows_the_touches() {
    let step = |d: &Fixture| d.assess().sequence;
    let engaged = gone_quiet();
    let s = step(&engaged);
    assert_eq!(s.step, SequenceStep::Engaged);
    assert_eq!((s.unanswered_touches, s.last_touch_at), (0, None));
    assert_eq!(s.cap, 3);

    let following = gone_quiet().touch(7.0).touch(4.0);
    let s = step(&following);
    assert_eq!(s.step, SequenceStep::FollowingUp);
    assert_eq!(s.unanswered_touches, 2);
    assert_eq!(s.last_touch_at, Some(days_ago(4.0)));

    let breakup = |days: f64| {
        gone_quiet()
            .touch(12.0)
            .message(days, "Should I close the file?", Some(PlayKind::Breakup))
    };
    assert_eq!(
        step(&breakup(6.9)).step,
        SequenceStep::AwaitingBreakupAnswer
    );
    assert_eq!(step(&breakup(7.0)).step, SequenceStep::BreakupUnanswered);
    assert_eq!(step(&breakup(7.1)).step, SequenceStep::BreakupUnanswered);
    // A reply ends the sequence, whatever was sent before it.
    assert_eq!(
        step(&breakup(3.0).reply(1, 1.0)).step,
        SequenceStep::Engaged
    );
}
