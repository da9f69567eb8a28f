//! The evidence of every signal, asserted whole: each observation says what it saw, when, and
//! points at the record item it comes from (the commitment, the contact who engaged, the
//! activity, the deal's dates). A signal whose evidence stopped pointing at its cause would
//! leave the rep with a claim they cannot check (PLAYBOOK.md: every signal carries its
//! evidence).

mod common;
use common::*;
use rekindle_core::signals::{self, Context, Evidence, Reference, Signal, SignalKind};
use rekindle_core::time::human_date;
use rekindle_core::*;

/// The signal `f` raises on `fixture` at the fixture's clock, with the default policy.
fn raised(fixture: &Fixture, f: fn(&Context) -> Option<Signal>) -> Option<Signal> {
    let policy = Policy::default();
    let norms = Norms::learn([&fixture.0], now());
    f(&Context::new(&fixture.0, now(), &policy, &norms))
}

fn fires(fixture: &Fixture, f: fn(&Context) -> Option<Signal>, kind: SignalKind) -> Signal {
    let s = raised(fixture, f).unwrap_or_else(|| panic!("{kind} should fire"));
    assert_eq!(s.kind, kind);
    s
}

fn ev(
    what: impl Into<String>,
    at: Option<jiff::Timestamp>,
    reference: Option<Reference>,
) -> Evidence {
    Evidence {
        what: what.into(),
        at,
        reference,
    }
}

fn missing(what: &str) -> Evidence {
    ev(what, None, None)
}

/// The activity of the fixture at `days` ago.
fn activity_at(f: &Fixture, days: f64) -> &Activity {
    f.0.activities
        .iter()
        .find(|a| a.at == days_ago(days))
        .unwrap_or_else(|| panic!("no activity {days} days ago"))
}

fn points_at(a: &Activity, what: &str) -> Evidence {
    ev(what, Some(a.at), Some(Reference::Activity(a.id)))
}

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

#[test]
fn commitment_broken_points_at_each_broken_commitment_and_its_due_date() {
    let d = healthy()
        .with(|r| r.activities.clear())
        .meeting(1, 12.0)
        .promise("run the numbers with finance", 5.0, CommitmentStatus::Open)
        .promise("send the security review", 8.0, CommitmentStatus::Broken)
        .promise("sign the order form", 3.0, CommitmentStatus::Kept)
        .with(|r| {
            // The rep's own overdue promise is not the prospect's broken word.
            let mut own = r.commitments[0].clone();
            own.id = CommitmentId(9);
            own.party = Party::Rep;
            own.what = "send the case study".into();
            r.commitments.push(own);
        });
    let s = fires(&d, signals::commitment_broken, SignalKind::CommitmentBroken);
    let c = &d.0.commitments;
    assert_eq!(
        s.evidence,
        vec![
            ev(
                format!(
                    "they said they would run the numbers with finance by {} (call)",
                    human_date(c[0].due)
                ),
                Some(c[0].due),
                Some(Reference::Commitment(c[0].id)),
            ),
            ev(
                format!(
                    "they said they would send the security review by {} (call)",
                    human_date(c[1].due)
                ),
                Some(c[1].due),
                Some(Reference::Commitment(c[1].id)),
            ),
        ]
    );
    assert_eq!(s.weight, 25, "two broken commitments");
    assert!(
        s.summary.contains("run the numbers with finance"),
        "{}",
        s.summary
    );
}

#[test]
fn next_step_passed_points_at_the_step_and_its_date() {
    let d = healthy()
        .with(|r| r.activities.clear())
        .meeting(1, 12.0)
        .next_step("review the business case", Some(-5.0), false);
    let s = fires(&d, signals::next_step_passed, SignalKind::NextStepPassed);
    assert_eq!(
        s.evidence,
        vec![ev(
            "agreed next step: review the business case",
            Some(days_ago(5.0)),
            Some(Reference::NextStep),
        )]
    );
}

#[test]
fn unanswered_touches_point_at_each_unanswered_touch() {
    let d = healthy().touch(0.6).touch(0.2);
    let s = fires(
        &d,
        signals::unanswered_touches,
        SignalKind::UnansweredTouches,
    );
    assert_eq!(
        s.evidence,
        vec![
            points_at(activity_at(&d, 0.6), "email outbound, no answer"),
            points_at(activity_at(&d, 0.2), "email outbound, no answer"),
        ]
    );
}

#[test]
fn silence_beyond_norm_points_at_the_first_unanswered_touch_the_norm_and_the_last_engagement() {
    let d = deal("demo")
        .discovered()
        .meeting(2, 25.0)
        .next_step("demo", Some(4.0), true)
        .touch(6.0)
        .touch(1.0);
    let s = fires(
        &d,
        signals::silence_beyond_norm,
        SignalKind::SilenceBeyondNorm,
    );
    let first = activity_at(&d, 6.0);
    assert_eq!(
        s.evidence,
        vec![
            points_at(
                first,
                &format!("first unanswered email {}", human_date(first.at))
            ),
            missing("no reply history yet: the demo stage allows 5 days"),
            points_at(activity_at(&d, 25.0), "last engaged: meeting outbound"),
        ]
    );
}

#[test]
fn no_solid_next_step_says_which_step_is_missing_or_undated_or_lapsed() {
    let none = healthy().with(|r| r.next_step = None);
    let s = fires(
        &none,
        signals::no_solid_next_step,
        SignalKind::NoSolidNextStep,
    );
    assert_eq!(s.evidence, vec![missing("no next step recorded")]);

    let undated = healthy().next_step("talk again", None, false);
    let s = fires(
        &undated,
        signals::no_solid_next_step,
        SignalKind::NoSolidNextStep,
    );
    assert_eq!(
        s.evidence,
        vec![ev(
            "undated next step: talk again",
            Some(days_ago(9.0)),
            Some(Reference::NextStep),
        )]
    );

    let lapsed = healthy()
        .with(|r| r.activities.clear())
        .next_step("review", Some(-5.0), false)
        .reply(1, 2.0);
    let s = fires(
        &lapsed,
        signals::no_solid_next_step,
        SignalKind::NoSolidNextStep,
    );
    assert_eq!(
        s.evidence,
        vec![ev(
            "last agreed step: review",
            Some(days_ago(5.0)),
            Some(Reference::NextStep),
        )]
    );
    assert!(raised(&healthy(), signals::no_solid_next_step).is_none());
    // A step gone by without a word since is `next_step_passed`, not this.
    let passed = healthy()
        .with(|r| r.activities.clear())
        .meeting(1, 12.0)
        .next_step("review", Some(-5.0), false);
    assert!(raised(&passed, signals::no_solid_next_step).is_none());
    assert!(raised(&passed, signals::next_step_passed).is_some());
}

#[test]
fn no_articulated_need_points_at_the_problem_they_did_state() {
    let d = healthy().with(|r| r.facts.retain(|f| f.kind != FactKind::WhyNow));
    let s = fires(
        &d,
        signals::no_articulated_need,
        SignalKind::NoArticulatedNeed,
    );
    let problem = d.0.fact(FactKind::Problem).unwrap();
    assert_eq!(
        s.evidence,
        vec![
            missing("no \"why are they buying now?\" in their words"),
            ev(
                "a problem is recorded but not why it matters now: \"dispatchers rebuild the schedule by hand every morning\"",
                Some(problem.said_at),
                Some(Reference::Fact(problem.id)),
            ),
        ]
    );
    let bare = d.with(|r| r.facts.clear());
    let s = fires(
        &bare,
        signals::no_articulated_need,
        SignalKind::NoArticulatedNeed,
    );
    assert_eq!(
        s.evidence,
        vec![missing("no \"why are they buying now?\" in their words")]
    );
}

#[test]
fn no_due_diligence_lists_each_check_that_never_happened() {
    let d = healthy().with(|r| {
        r.facts.retain(|f| {
            !matches!(
                f.kind,
                FactKind::Competitor | FactKind::Price | FactKind::SetupQuestion
            )
        })
    });
    let s = fires(&d, signals::no_due_diligence, SignalKind::NoDueDiligence);
    assert_eq!(
        s.evidence,
        vec![
            missing("no competitors or alternatives discussed"),
            missing("no concern about price or budget"),
            missing("no questions about setup"),
        ]
    );
    assert!(s.summary.contains("In demo"), "{}", s.summary);
}

#[test]
fn single_threaded_names_the_one_contact_who_engaged() {
    let d = deal("demo")
        .discovered()
        .reply(1, 1.0)
        .next_step("demo", Some(3.0), true);
    let s = fires(&d, signals::single_threaded, SignalKind::SingleThreaded);
    assert_eq!(
        s.evidence,
        vec![ev(
            "only Dana Reyes has engaged",
            None,
            Some(Reference::Contact(ContactId(1))),
        )]
    );
    let priya = deal("demo").discovered().meeting(2, 1.0);
    let s = fires(&priya, signals::single_threaded, SignalKind::SingleThreaded);
    assert_eq!(
        s.evidence,
        vec![ev(
            "only Priya Patel has engaged",
            None,
            Some(Reference::Contact(ContactId(2))),
        )]
    );
    let nobody = deal("demo").discovered();
    let s = fires(
        &nobody,
        signals::single_threaded,
        SignalKind::SingleThreaded,
    );
    assert_eq!(s.evidence, vec![missing("no contact has engaged yet")]);
}

#[test]
fn no_power_engaged_lists_every_contact_with_role_and_whether_they_engaged() {
    let d = deal("demo")
        .discovered()
        .reply(1, 1.0)
        .with(|r| r.contacts[0].role = Some(Role::User));
    let s = fires(&d, signals::no_power_engaged, SignalKind::NoPowerEngaged);
    assert_eq!(
        s.evidence,
        vec![
            ev(
                "Dana Reyes (user): engaged",
                None,
                Some(Reference::Contact(ContactId(1))),
            ),
            ev(
                "Priya Patel (decision_maker): not engaged",
                None,
                Some(Reference::Contact(ContactId(2))),
            ),
        ]
    );
    let unknown = d.with(|r| {
        r.contacts[1].role = None;
    });
    let s = fires(
        &unknown,
        signals::no_power_engaged,
        SignalKind::NoPowerEngaged,
    );
    assert_eq!(
        s.evidence[1].what,
        "Priya Patel (role unknown): not engaged"
    );
    let alone = deal("demo").with(|r| r.contacts.clear());
    let s = fires(
        &alone,
        signals::no_power_engaged,
        SignalKind::NoPowerEngaged,
    );
    assert_eq!(s.evidence, vec![missing("no contacts recorded")]);
}

#[test]
fn stalled_in_stage_points_at_when_the_deal_entered_it_and_the_threshold() {
    let d = healthy().with(|r| {
        r.stage_history = vec![
            StageChange {
                stage: "discovery".into(),
                at: days_ago(30.0),
            },
            StageChange {
                stage: "demo".into(),
                at: days_ago(20.0),
            },
        ]
    });
    let s = fires(&d, signals::stalled_in_stage, SignalKind::StalledInStage);
    assert_eq!(
        s.evidence,
        vec![
            ev("entered demo", Some(days_ago(20.0)), Some(Reference::Deal)),
            missing("the demo stage threshold is 14 days"),
        ]
    );
    assert_eq!(s.summary, "20 days in demo, past the 14-day mark");
}

#[test]
fn close_date_passed_names_the_date() {
    let d = healthy().with(|r| r.deal.expected_close = Some(date("2026-11-20")));
    let s = fires(&d, signals::close_date_passed, SignalKind::CloseDatePassed);
    assert_eq!(
        s.evidence,
        vec![ev(
            "expected close date 2026-11-20",
            None,
            Some(Reference::Deal)
        )]
    );
    assert_eq!(s.summary, "Expected to close on 2026-11-20, 3 days ago");
}

#[test]
fn close_date_slipped_lists_each_push_with_its_dates() {
    let d = healthy().with(|r| {
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
                to: date("2026-10-20"),
                at: days_ago(30.0),
            },
            CloseDateChange {
                from: Some(date("2026-10-20")),
                to: date("2026-12-15"),
                at: days_ago(20.0),
            },
        ]
    });
    let s = fires(
        &d,
        signals::close_date_slipped,
        SignalKind::CloseDateSlipped,
    );
    assert_eq!(
        s.evidence,
        vec![
            ev(
                "moved from 2026-10-01 to 2026-11-01",
                Some(days_ago(40.0)),
                Some(Reference::Deal),
            ),
            ev(
                "moved from 2026-10-20 to 2026-12-15",
                Some(days_ago(20.0)),
                Some(Reference::Deal),
            ),
        ]
    );
    assert_eq!(s.summary, "Close date pushed 2 times");
}

#[test]
fn desperation_names_the_cap_each_bunched_touch_and_the_effort() {
    let d = healthy().touch(0.9).touch(0.7).touch(0.5).touch(0.3);
    let s = fires(&d, signals::desperation, SignalKind::Desperation);
    let bunched = "email sent less than 2 days after the previous touch";
    assert_eq!(
        s.evidence,
        vec![
            missing("4 unanswered touches, past the cap of 3"),
            points_at(activity_at(&d, 0.7), bunched),
            points_at(activity_at(&d, 0.5), bunched),
            points_at(activity_at(&d, 0.3), bunched),
        ]
    );
    assert_eq!(s.weight, 25);

    let small = deal("demo")
        .discovered()
        .engaged(40.0)
        .with(|r| r.deal.amount = Money::new(500_000, Currency::USD));
    let small = (0..6).fold(small, |d, k| d.touch(28.0 - k as f64 * 5.0));
    let s = fires(&small, signals::desperation, SignalKind::Desperation);
    assert_eq!(
        s.evidence.last(),
        Some(&missing(&format!(
            "6 touches in 30 days without any engagement on a {} deal (budget 6)",
            Money::new(500_000, Currency::USD)
        )))
    );
}

#[test]
fn pesky_tone_points_at_the_message_and_the_phrase_or_the_resend() {
    let body = "Hi Dana, just checking in on the proposal.";
    let d = healthy().message(0.5, body, None);
    let s = fires(&d, signals::pesky_tone, SignalKind::PeskyTone);
    let mark = lint::tone_mark(body);
    assert!(mark.findings > 0);
    assert_eq!(
        s.evidence,
        vec![points_at(
            activity_at(&d, 0.5),
            &format!(
                "email said \"{}\" ({} findings)",
                mark.first_phrase.as_deref().unwrap(),
                mark.findings
            ),
        )]
    );
    assert!(
        mark.first_phrase
            .as_deref()
            .unwrap()
            .contains("checking in"),
        "{mark:?}"
    );

    let plain = "Hi Dana, here is the ROI model with your numbers.";
    let resent = healthy()
        .message(3.0, plain, None)
        .message(0.5, plain, None);
    let s = fires(&resent, signals::pesky_tone, SignalKind::PeskyTone);
    assert_eq!(
        s.evidence,
        vec![points_at(
            activity_at(&resent, 0.5),
            "the same email sent again"
        )]
    );
    // A pesky message older than the recent window is history, not tone.
    let old = healthy().message(40.0, body, None);
    assert!(raised(&old, signals::pesky_tone).is_none());
}

#[test]
fn discovery_gap_lists_each_missing_essential() {
    let d = healthy().with(|r| {
        r.facts.clear();
        r.next_step = None;
    });
    let s = fires(&d, signals::discovery_gap, SignalKind::DiscoveryGap);
    assert_eq!(
        s.evidence,
        vec![
            missing("the problem they want fixed"),
            missing("why they are looking now"),
            missing("the agreed next step or what they would do in between"),
        ]
    );
    assert_eq!(s.summary, "Discovery gap: 3 of 3 essentials unknown");
    // A prospect's commitment is a plan too; a rep's own is not.
    let promised = d.promise("send the org chart", -3.0, CommitmentStatus::Open);
    let s = fires(&promised, signals::discovery_gap, SignalKind::DiscoveryGap);
    assert_eq!(s.evidence.len(), 2);
    let reps = promised.with(|r| r.commitments[0].party = Party::Rep);
    let s = fires(&reps, signals::discovery_gap, SignalKind::DiscoveryGap);
    assert_eq!(s.evidence.len(), 3);
}

#[test]
fn bounced_address_points_at_each_bounce_since_they_last_engaged() {
    let bounce = |f: Fixture, days: f64| {
        f.activity(
            ActivityKind::Email,
            Direction::Inbound,
            Some(Outcome::Bounced),
            1,
            days,
        )
    };
    let d = bounce(bounce(healthy(), 3.0).touch(0.6), 0.5);
    let s = fires(&d, signals::bounced_address, SignalKind::BouncedAddress);
    // The bounce before Dana's reply (a day ago) is answered by it.
    assert_eq!(
        s.evidence,
        vec![points_at(activity_at(&d, 0.5), "email bounced")]
    );
    assert!(s.summary.contains("Dana Reyes"), "{}", s.summary);
}

/// Every signal in the table has its evidence asserted above; a new one must be added here.
#[test]
fn every_signal_is_covered() {
    assert_eq!(signals::SIGNALS.len(), 16);
    assert_eq!(SignalKind::ALL.len(), 16);
}

/// A promise or a step is overdue only once its grace day has fully passed.
#[test]
fn overdue_means_past_the_grace_day() {
    let base = || healthy().with(|r| r.activities.clear()).meeting(1, 12.0);
    let grace = Policy::default().grace_days as f64;
    let promised = |days: f64| base().promise("send the org chart", days, CommitmentStatus::Open);
    assert!(raised(&promised(grace), signals::commitment_broken).is_none());
    assert!(raised(&promised(grace + 0.01), signals::commitment_broken).is_some());
    let step = |days: f64| base().next_step("review", Some(-days), false);
    assert!(raised(&step(grace), signals::next_step_passed).is_none());
    assert!(raised(&step(grace + 0.01), signals::next_step_passed).is_some());
}

/// Silence is measured against three times the contact's own median reply time, never less
/// than the floor of two days; each person from their own first unanswered touch.
#[test]
fn silence_is_their_median_times_three_floored_and_per_person() {
    let replies_within = |hours: f64| {
        let mut d = deal("demo")
            .discovered()
            .meeting(2, 25.0)
            .next_step("demo", Some(4.0), true);
        for k in 0..3 {
            let t = 20.0 - k as f64 * 5.0;
            d = d.touch(t).reply(1, t - hours / 24.0);
        }
        d
    };
    let silent = |f: &Fixture| raised(f, signals::silence_beyond_norm).is_some();
    // A day's median: three days of silence allowed.
    assert!(!silent(&replies_within(24.0).touch(2.9)));
    assert!(silent(&replies_within(24.0).touch(3.1)));
    // Two hours' median: the floor of two days holds.
    assert!(!silent(&replies_within(2.0).touch(1.9)));
    assert!(silent(&replies_within(2.0).touch(2.1)));
    // Contact 1 (a ten-day habit) written to first, then contact 2 (no history, the demo
    // stage's five days): contact 2's silence is measured from their own touch.
    let two = deal("demo")
        .touch(60.0)
        .reply(1, 50.0)
        .touch(40.0)
        .reply(1, 30.0)
        .touch(20.0)
        .reply(1, 10.0)
        .touch(6.0)
        .activity(
            ActivityKind::Email,
            Direction::Outbound,
            Some(Outcome::Sent),
            2,
            5.1,
        );
    let s = fires(
        &two,
        signals::silence_beyond_norm,
        SignalKind::SilenceBeyondNorm,
    );
    assert_eq!(s.evidence[0].at, Some(days_ago(5.1)), "{:?}", s.evidence);
}

/// Five points a touch in a row, at most 25.
#[test]
fn unanswered_touches_weigh_five_points_each_up_to_25() {
    let weight = |n: usize| {
        let d = (0..n).fold(healthy(), |d, k| d.touch(0.9 - k as f64 * 0.1));
        fires(
            &d,
            signals::unanswered_touches,
            SignalKind::UnansweredTouches,
        )
        .weight
    };
    assert_eq!(weight(2), 10);
    assert_eq!(weight(3), 15);
    assert_eq!(weight(6), 25);
}

/// The deal is as silent as its most overdue person, by how far past their own norm they are
/// (not by days alone), and twice past it weighs more.
#[test]
fn silence_picks_the_person_furthest_past_their_norm_and_weighs_twice_past_more() {
    // Contact 1 answers in a day (allowed three); contact 2 has no history (five in demo).
    let mut d = deal("demo").discovered();
    for k in 0..3 {
        let t = 30.0 - k as f64 * 8.0;
        d = d.touch(t).reply(1, t - 1.0);
    }
    let d = d.touch(5.9).activity(
        ActivityKind::Email,
        Direction::Outbound,
        Some(Outcome::Sent),
        2,
        9.0,
    );
    // 5.9 of 3 days is further past than 9 of 5.
    let s = fires(
        &d,
        signals::silence_beyond_norm,
        SignalKind::SilenceBeyondNorm,
    );
    assert_eq!(s.evidence[0].at, Some(days_ago(5.9)), "{:?}", s.evidence);
    assert_eq!(s.weight, 20);
    let alone = |days: f64| {
        deal("demo")
            .discovered()
            .meeting(2, 25.0)
            .next_step("demo", Some(4.0), true)
            .touch(days)
    };
    let weight = |days: f64| {
        fires(
            &alone(days),
            signals::silence_beyond_norm,
            SignalKind::SilenceBeyondNorm,
        )
        .weight
    };
    assert_eq!(weight(6.0), 20);
    assert_eq!(weight(9.9), 20);
    assert_eq!(weight(10.1), 25, "twice the stage's five days");
}
