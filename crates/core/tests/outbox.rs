//! Send-time checks: every guard a draft has is made again when the message leaves.

mod common;
use common::*;
use jiff::tz::TimeZone;
use rekindle_core::outbox::{Outgoing, Verdict, check};
use rekindle_core::*;

fn verdict(f: &Fixture, play: Option<PlayKind>, tweak: impl FnOnce(&mut Outgoing<'_>)) -> Verdict {
    verdict_in(f, play, None, tweak)
}

fn verdict_in(
    f: &Fixture,
    play: Option<PlayKind>,
    zone: Option<&TimeZone>,
    tweak: impl FnOnce(&mut Outgoing<'_>),
) -> Verdict {
    let address = f.0.contacts[0].emails[0].clone();
    let mut m = Outgoing {
        record: &f.0,
        contact: ContactId(1),
        address: &address,
        play,
        purpose: rekindle_core::reach::purpose_of(play),
        approved: None,
        blocked: false,
        bounced: false,
        sent_today: 0,
        sent_to_deal_today: 0,
        time_zone: zone,
    };
    tweak(&mut m);
    check(&m, &Policy::default(), now())
}

fn refused(v: &Verdict, words: &str) -> bool {
    matches!(v, Verdict::Refuse { why } if why.contains(words))
}

#[test]
fn a_fresh_follow_up_goes_out() {
    let f = deal("demo").reply(1, 6.0).touch(4.0);
    assert_eq!(verdict(&f, Some(PlayKind::ValueAdd), |_| {}), Verdict::Send);
}

#[test]
fn do_not_contact_blocked_and_bounced_addresses_are_refused() {
    let f = deal("demo").reply(1, 6.0);
    let dnc = f.with(|r| r.contacts[0].do_not_contact = true);
    assert!(refused(
        &verdict(&dnc, None, |_| {}),
        "asked not to be contacted"
    ));
    let f = deal("demo").reply(1, 6.0);
    assert!(refused(
        &verdict(&f, None, |m| m.blocked = true),
        "asked not to be contacted"
    ));
    assert!(refused(&verdict(&f, None, |m| m.bounced = true), "bounced"));
    let lost = deal("demo").with(|r| r.deal.status = DealStatus::Lost);
    assert!(refused(&verdict(&lost, None, |_| {}), "lost"));
}

#[test]
fn the_touch_cap_holds_at_send_time_and_only_the_breakup_passes_it() {
    let f = deal("demo")
        .reply(1, 20.0)
        .touch(12.0)
        .touch(8.0)
        .touch(4.0);
    assert!(refused(
        &verdict(&f, Some(PlayKind::ValueAdd), |_| {}),
        "the cap is 3"
    ));
    assert_eq!(verdict(&f, Some(PlayKind::Breakup), |_| {}), Verdict::Send);
    let after_breakup = f.message(3.0, "Should I close the file?", Some(PlayKind::Breakup));
    assert!(refused(
        &verdict(&after_breakup, Some(PlayKind::Breakup), |_| {}),
        "breakup is waiting"
    ));
}

#[test]
fn spacing_absence_and_limits_defer_to_the_right_moment() {
    let f = deal("demo").reply(1, 6.0).touch(1.0);
    match verdict(&f, None, |_| {}) {
        Verdict::Defer { until, why } => {
            assert_eq!(until, days_ago(-1.0), "two days after the last touch");
            assert!(why.contains("after the last touch"), "{why}");
        }
        v => panic!("{v:?}"),
    }
    let f = deal("demo").reply(1, 6.0);
    match verdict(&f, None, |m| m.sent_to_deal_today = 1) {
        Verdict::Defer { until, .. } => assert_eq!(until, "2026-11-24T00:00:00Z".parse().unwrap()),
        v => panic!("{v:?}"),
    }
    assert!(matches!(
        verdict(&f, None, |m| m.sent_today = 50),
        Verdict::Defer { .. }
    ));
    assert_eq!(verdict(&f, None, |m| m.sent_today = 49), Verdict::Send);
    let away = deal("demo").reply(1, 6.0).touch(4.0).with(|r| {
        let mut auto = r.activities.last().unwrap().clone();
        auto.direction = Direction::Inbound;
        auto.outcome = Some(Outcome::AutoReply);
        auto.at = days_ago(3.9);
        auto.returns_on = Some("2026-11-30".parse().unwrap());
        r.activities.push(auto);
    });
    match verdict(&away, None, |_| {}) {
        Verdict::Defer { until, why } => {
            assert_eq!(until, "2026-11-30T00:00:00Z".parse().unwrap());
            assert!(why.contains("away"), "{why}");
        }
        v => panic!("{v:?}"),
    }
    // Judged as of a moment before the auto-reply arrived, nothing says they are away yet.
    let not_yet = deal("demo").reply(1, 6.0).touch(4.0).with(|r| {
        let mut auto = r.activities.last().unwrap().clone();
        auto.direction = Direction::Inbound;
        auto.outcome = Some(Outcome::AutoReply);
        auto.at = days_ago(-0.5);
        auto.returns_on = Some("2026-11-30".parse().unwrap());
        r.activities.push(auto);
    });
    assert_eq!(verdict(&not_yet, None, |_| {}), Verdict::Send);
}

#[test]
fn working_hours_in_the_recipients_time_zone() {
    // 09:00 UTC on Monday 23 November is 01:00 in Los Angeles and 18:00 in Tokyo.
    let f = deal("demo").reply(1, 6.0);
    let la = TimeZone::get("America/Los_Angeles").unwrap();
    match verdict_in(&f, None, Some(&la), |_| {}) {
        Verdict::Defer { until, why } => {
            assert_eq!(
                until,
                "2026-11-23T17:00:00Z".parse().unwrap(),
                "09:00 in LA"
            );
            assert!(why.contains("working hours"), "{why}");
        }
        v => panic!("{v:?}"),
    }
    let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
    match verdict_in(&f, None, Some(&tokyo), |_| {}) {
        Verdict::Defer { until, .. } => {
            assert_eq!(
                until,
                "2026-11-24T00:00:00Z".parse().unwrap(),
                "09:00 Tuesday in Tokyo"
            )
        }
        v => panic!("{v:?}"),
    }
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    assert_eq!(
        verdict_in(&f, None, Some(&berlin), |_| {}),
        Verdict::Send,
        "10:00 in Berlin"
    );
    // A hold that ends inside their working day says only why it holds.
    let spaced = deal("demo").reply(1, 6.0).touch(1.0);
    match verdict_in(&spaced, None, Some(&berlin), |_| {}) {
        Verdict::Defer { until, why } => {
            assert_eq!(until, days_ago(-1.0), "10:00 in Berlin tomorrow");
            assert_eq!(why, "2 days after the last touch");
        }
        v => panic!("{v:?}"),
    }
    // A hold that ends this very second holds nothing: only the working hours are said.
    let just_spaced = deal("demo").reply(1, 6.0).touch(2.0);
    match verdict_in(&just_spaced, None, Some(&la), |_| {}) {
        Verdict::Defer { why, .. } => assert!(why.starts_with("Dana's working hours"), "{why}"),
        v => panic!("{v:?}"),
    }
    // Friday evening in Berlin waits for Monday morning.
    let friday: jiff::Timestamp = "2026-11-27T18:00:00Z".parse().unwrap();
    let address = f.0.contacts[0].emails[0].clone();
    let m = Outgoing {
        record: &f.0,
        contact: ContactId(1),
        address: &address,
        play: None,
        purpose: rekindle_core::reach::Purpose::Sequence,
        approved: None,
        blocked: false,
        bounced: false,
        sent_today: 0,
        sent_to_deal_today: 0,
        time_zone: Some(&berlin),
    };
    match check(&m, &Policy::default(), friday) {
        Verdict::Defer { until, .. } => assert_eq!(until, "2026-11-30T08:00:00Z".parse().unwrap()),
        v => panic!("{v:?}"),
    }
    // Back from an absence at midnight of the moment judged: the absence holds nothing.
    let back = deal("demo").reply(1, 6.0).touch(4.0).with(|r| {
        let mut auto = r.activities.last().unwrap().clone();
        auto.direction = Direction::Inbound;
        auto.outcome = Some(Outcome::AutoReply);
        auto.at = days_ago(3.9);
        auto.returns_on = Some("2026-11-30".parse().unwrap());
        r.activities.push(auto);
    });
    let midnight: jiff::Timestamp = "2026-11-30T00:00:00Z".parse().unwrap();
    let m = Outgoing {
        record: &back.0,
        time_zone: Some(&la),
        ..m
    };
    match check(&m, &Policy::default(), midnight) {
        Verdict::Defer { why, .. } => assert!(why.starts_with("Dana's working hours"), "{why}"),
        v => panic!("{v:?}"),
    }
}

/// Only a message the rep can still act on is pending: one being sent, sent, exported,
/// unconfirmed or cancelled can no longer be edited, approved or cancelled.
#[test]
fn only_messages_the_rep_can_still_act_on_are_pending() {
    use rekindle_core::outbox::OutboxState;
    for state in OutboxState::ALL {
        let pending = matches!(
            state,
            OutboxState::Draft | OutboxState::Approved | OutboxState::Refused | OutboxState::Failed
        );
        assert_eq!(state.is_pending(), pending, "{state}");
    }
}

/// The working day is [start, end): its first minute is in it, the hour at its end is not.
#[test]
fn working_hours_include_their_start_and_exclude_their_end() {
    use rekindle_core::outbox::next_working_hour;
    let policy = Policy::default();
    let utc = TimeZone::UTC;
    let at = |s: &str| -> jiff::Timestamp { s.parse().unwrap() };
    let (start, end) = (policy.business_hours_start, policy.business_hours_end);
    let on = |day: &str, h: i64, m: i64| at(&format!("{day}T{h:02}:{m:02}:00Z"));
    // Tuesday 24 November.
    let tue = "2026-11-24";
    assert_eq!(
        next_working_hour(on(tue, start, 0), &utc, &policy),
        on(tue, start, 0)
    );
    assert_eq!(
        next_working_hour(on(tue, end - 1, 59), &utc, &policy),
        on(tue, end - 1, 59)
    );
    assert_eq!(
        next_working_hour(on(tue, start - 1, 59), &utc, &policy),
        on(tue, start, 0)
    );
    assert_eq!(
        next_working_hour(on(tue, end, 0), &utc, &policy),
        on("2026-11-25", start, 0),
        "the end hour is after work"
    );
    // Saturday and Sunday wait for Monday.
    assert_eq!(
        next_working_hour(on("2026-11-28", start + 1, 0), &utc, &policy),
        on("2026-11-30", start, 0)
    );
    assert_eq!(
        next_working_hour(on("2026-11-29", start - 1, 0), &utc, &policy),
        on("2026-11-30", start, 0)
    );
}

/// What the rep approved: the deal as `f` has it, `days` ago.
fn approved_on(f: &Fixture, days: f64) -> rekindle_core::outbox::Approved {
    rekindle_core::outbox::Approved {
        at: days_ago(days),
        status: f.0.deal.status,
        resurface_on: f.0.deal.resurface_on,
    }
}

#[test]
fn a_message_approved_before_the_deal_was_nurtured_is_refused_now_not_held_until_the_date() {
    let open = deal("demo").reply(1, 6.0).touch(4.0);
    let approval = approved_on(&open, 3.0);
    let nurtured = open.with(|r| {
        r.deal.status = DealStatus::Nurture;
        r.deal.resurface_on = Some("2027-03-01".parse().unwrap());
    });
    let v = verdict(&nurtured, Some(PlayKind::ValueAdd), |m| {
        m.approved = Some(approval.clone())
    });
    assert!(refused(&v, "is nurture now"), "{v:?}");
    // Approved again after the change, it is held until their date, then it may go.
    let again = approved_on(&nurtured, 1.0);
    let v = verdict(&nurtured, Some(PlayKind::ValueAdd), |m| {
        m.approved = Some(again.clone())
    });
    assert!(matches!(v, Verdict::Defer { .. }), "{v:?}");
    // Unchanged since the approval: nothing to say.
    let v = verdict(&open_again(), Some(PlayKind::ValueAdd), |m| {
        m.approved = Some(approval)
    });
    assert_eq!(v, Verdict::Send);
}

fn open_again() -> Fixture {
    deal("demo").reply(1, 6.0).touch(4.0)
}

#[test]
fn a_date_to_look_again_set_after_the_approval_refuses_the_message() {
    let f = open_again();
    let approval = approved_on(&f, 3.0);
    let later = f.with(|r| r.deal.resurface_on = Some("2027-01-11".parse().unwrap()));
    let v = verdict(&later, Some(PlayKind::ValueAdd), |m| {
        m.approved = Some(approval)
    });
    assert!(
        refused(&v, "a date to look again (2027-01-11) was set"),
        "{v:?}"
    );
}

#[test]
fn an_answer_after_the_approval_stops_the_message() {
    // Approved five days ago, they replied two days ago: the sequence stops.
    let f = deal("demo").reply(1, 9.0).touch(7.0);
    let approval = approved_on(&f, 5.0);
    let answered = f.reply(1, 2.0);
    let v = verdict(&answered, Some(PlayKind::ValueAdd), |m| {
        m.approved = Some(approval.clone())
    });
    assert!(refused(&v, "engaged (inbound"), "{v:?}");
    // An answer before the approval was read by the rep: it goes.
    let v = verdict(&answered, Some(PlayKind::ValueAdd), |m| {
        m.approved = Some(approved_on(&answered, 1.0))
    });
    assert_eq!(v, Verdict::Send);
}

#[test]
fn a_revival_queued_for_a_lost_deal_goes_and_a_sequence_touch_does_not() {
    let lost = deal("demo")
        .reply(1, 90.0)
        .with(|r| r.deal.status = DealStatus::Lost);
    let approval = approved_on(&lost, 1.0);
    // A value-adding check-in is a sequence play by name; queued by `revive` it is a revival.
    let v = verdict(&lost, Some(PlayKind::ValueAdd), |m| {
        m.purpose = rekindle_core::reach::Purpose::Revival;
        m.approved = Some(approval.clone());
    });
    assert_eq!(v, Verdict::Send);
    let v = verdict(&lost, Some(PlayKind::ValueAdd), |m| {
        m.approved = Some(approval)
    });
    assert!(refused(&v, "the deal is lost"), "{v:?}");
}
