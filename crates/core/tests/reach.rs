//! One reachability rule: what the scan proposes, a draft makes, the send check lets out and
//! revival ranks agree for every barrier, before and after it lifts.

mod common;
use common::*;
use jiff::civil::Date;
use rekindle_core::compose::{ComposeError, Composer};
use rekindle_core::outbox::{Outgoing, Verdict, check};
use rekindle_core::reach::{self, Barrier, Purpose, Reach, reach};
use rekindle_core::revival::{Catalogue, Outlook, RevivalPolicy, Subject, rank_one};
use rekindle_core::*;

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// A dark deal the engine would chase: discovered, engaged three weeks ago, one touch since.
fn chased() -> Fixture {
    deal("proposal").discovered().reply(1, 21.0).touch(14.0)
}

fn verdict(f: &Fixture, play: PlayKind, at: jiff::Timestamp) -> Verdict {
    let address = f.0.contacts[0].emails[0].clone();
    check(
        &Outgoing {
            record: &f.0,
            contact: ContactId(1),
            address: &address,
            play: Some(play),
            purpose: rekindle_core::reach::purpose_of(Some(play)),
            approved: None,
            blocked: false,
            bounced: false,
            sent_today: 0,
            sent_to_deal_today: 0,
            time_zone: None,
        },
        &Policy::default(),
        at,
    )
}

fn ranked(f: &Fixture, at: jiff::Timestamp) -> bool {
    let (catalogue, policy) = (Catalogue::built_in(), RevivalPolicy::default());
    let pipeline = Policy::default().pipeline;
    let outlook = Outlook {
        shipped: &[],
        promotions: &[],
        catalogue: &catalogue,
        pipeline: &pipeline,
        policy: &policy,
        now: at,
    };
    rank_one(
        &Subject {
            record: &f.0,
            dark: true,
        },
        &[],
        &outlook,
    )
    .is_some()
}

fn next_play(f: &Fixture, at: jiff::Timestamp) -> Option<PlayKind> {
    let norms = Norms::learn([&f.0], at);
    assess(&f.0, at, &Policy::default(), &norms)
        .next_action
        .play
}

fn drafted(f: &Fixture, play: PlayKind, at: jiff::Timestamp) -> Result<(), ComposeError> {
    let norms = Norms::learn([&f.0], at);
    let a = assess(&f.0, at, &Policy::default(), &norms);
    Composer::builtin()
        .draft(&f.0, &a, play, at, &Policy::default())
        .map(|_| ())
}

#[test]
fn the_date_to_look_again_holds_everywhere_until_it_comes() {
    let on = date("2027-01-15");
    let f = chased().with(|r| {
        r.deal.status = DealStatus::Nurture;
        r.deal.resurface_on = Some(on);
    });
    let before = now();
    assert_eq!(
        reach(&f.0, Purpose::Sequence, before),
        Reach::Unreachable {
            why: Barrier::LookAgain { on },
            until: Some("2027-01-15T00:00:00Z".parse().unwrap()),
        }
    );
    let norms = Norms::learn([&f.0], before);
    let a = assess(&f.0, before, &Policy::default(), &norms);
    assert_eq!(a.next_action.play, None, "{}", a.next_action.why);
    assert_eq!(a.next_action.barrier, Some(Barrier::LookAgain { on }));
    assert_eq!(a.next_action.due, "2027-01-15T00:00:00Z".parse().unwrap());
    assert!(
        a.next_action.why.contains("2027-01-15"),
        "{}",
        a.next_action.why
    );
    assert!(matches!(
        drafted(&f, PlayKind::ValueAdd, before),
        Err(ComposeError::Unreachable { until: Some(d), .. }) if d == on
    ));
    match verdict(&f, PlayKind::ValueAdd, before) {
        Verdict::Defer { until, why } => {
            assert_eq!(until, "2027-01-15T00:00:00Z".parse().unwrap());
            assert!(why.contains("2027-01-15"), "{why}");
        }
        v => panic!("sent before the date: {v:?}"),
    }
    assert!(!ranked(&f, before), "ranked before the date");
    // The day it comes, every path may touch them again.
    let after: jiff::Timestamp = "2027-01-15T10:00:00Z".parse().unwrap();
    assert_eq!(reach(&f.0, Purpose::Sequence, after), Reach::Reachable);
    assert!(next_play(&f, after).is_some());
    assert!(drafted(&f, PlayKind::ValueAdd, after).is_ok());
    assert_eq!(verdict(&f, PlayKind::ValueAdd, after), Verdict::Send);
    assert!(ranked(&f, after));
}

#[test]
fn an_absence_holds_every_path_until_the_first_working_day_back() {
    let f = chased().with(|r| {
        let mut auto = r.activities.last().unwrap().clone();
        auto.direction = Direction::Inbound;
        auto.outcome = Some(Outcome::AutoReply);
        auto.at = days_ago(13.0);
        // A Saturday: back on Monday.
        auto.returns_on = Some(date("2026-12-05"));
        r.activities.push(auto);
    });
    let back = date("2026-12-07");
    assert_eq!(
        reach(&f.0, Purpose::Sequence, now()),
        Reach::Unreachable {
            why: Barrier::Away { until: back },
            until: Some("2026-12-07T00:00:00Z".parse().unwrap()),
        }
    );
    let norms = Norms::learn([&f.0], now());
    let a = assess(&f.0, now(), &Policy::default(), &norms);
    assert!(
        a.next_action.due >= "2026-12-07T00:00:00Z".parse().unwrap(),
        "{a:?}"
    );
    assert!(matches!(
        drafted(&f, PlayKind::ValueAdd, now()),
        Err(ComposeError::Unreachable { until: Some(d), .. }) if d == back
    ));
    assert!(matches!(
        verdict(&f, PlayKind::ValueAdd, now()),
        Verdict::Defer { until, .. } if until == "2026-12-07T00:00:00Z".parse::<jiff::Timestamp>().unwrap()
    ));
    assert!(!ranked(&f, now()));
    let monday: jiff::Timestamp = "2026-12-07T10:00:00Z".parse().unwrap();
    assert!(next_play(&f, monday).is_some());
    assert!(drafted(&f, PlayKind::ValueAdd, monday).is_ok());
    assert_eq!(verdict(&f, PlayKind::ValueAdd, monday), Verdict::Send);
}

#[test]
fn nobody_to_write_to_and_closed_deals_get_no_touch_anywhere() {
    let bounce = |r: &mut DealRecord, contact: i64| {
        let mut b = r.activities.last().unwrap().clone();
        b.direction = Direction::Inbound;
        b.outcome = Some(Outcome::Bounced);
        b.contact = Some(ContactId(contact));
        b.at = days_ago(13.0);
        r.activities.push(b);
    };
    let cases = [
        (
            chased().with(|r| r.contacts.iter_mut().for_each(|c| c.do_not_contact = true)),
            Barrier::DoNotContact,
        ),
        (
            chased().with(|r| {
                bounce(r, 1);
                bounce(r, 2);
            }),
            Barrier::Bounced,
        ),
        (
            chased().with(|r| {
                r.contacts[0].do_not_contact = true;
                bounce(r, 2);
            }),
            Barrier::Bounced,
        ),
        // Everyone moved: their addresses retired for another, the new one not yet added.
        (
            chased().with(|r| {
                for c in &mut r.contacts {
                    c.retired = c.emails.clone();
                    c.moved_to = EmailAddress::parse("dana@northwind-group.example").ok();
                }
            }),
            Barrier::Moved {
                to: EmailAddress::parse("dana@northwind-group.example").ok(),
            },
        ),
        (chased().with(|r| r.contacts.clear()), Barrier::NoContacts),
        (
            chased().with(|r| r.deal.status = DealStatus::Won),
            Barrier::Closed {
                status: DealStatus::Won,
            },
        ),
        (
            chased().with(|r| r.deal.status = DealStatus::Lost),
            Barrier::Closed {
                status: DealStatus::Lost,
            },
        ),
    ];
    for (f, barrier) in cases {
        assert_eq!(
            reach(&f.0, Purpose::Sequence, now()),
            Reach::Unreachable {
                why: barrier.clone(),
                until: None
            }
        );
        let norms = Norms::learn([&f.0], now());
        let a = assess(&f.0, now(), &Policy::default(), &norms);
        assert_eq!(a.next_action.play, None, "{barrier}: {}", a.next_action.why);
        assert_eq!(a.next_action.barrier, Some(barrier.clone()));
        assert!(matches!(
            drafted(&f, PlayKind::ValueAdd, now()),
            Err(ComposeError::Unreachable { why, until: None }) if why == barrier
        ));
        if !matches!(barrier, Barrier::NoContacts) {
            assert!(
                matches!(
                    verdict(&f, PlayKind::ValueAdd, now()),
                    Verdict::Refuse { .. }
                ),
                "{barrier}"
            );
        }
        let lost = barrier
            == Barrier::Closed {
                status: DealStatus::Lost,
            };
        // A lost deal is revival's to rank; nobody else is.
        assert_eq!(ranked(&f, now()), lost, "{barrier}");
    }
}

#[test]
fn a_revival_play_may_reach_a_lost_deal_once_its_date_has_come() {
    let f = chased().with(|r| {
        r.deal.status = DealStatus::Lost;
        r.deal.resurface_on = Some(date("2027-01-15"));
    });
    let before = now();
    let after: jiff::Timestamp = "2027-01-15T10:00:00Z".parse().unwrap();
    assert!(!reach(&f.0, Purpose::Revival, before).is_reachable());
    assert!(matches!(
        verdict(&f, PlayKind::KnowledgeGap, before),
        Verdict::Defer { .. }
    ));
    assert_eq!(reach(&f.0, Purpose::Revival, after), Reach::Reachable);
    assert_eq!(verdict(&f, PlayKind::KnowledgeGap, after), Verdict::Send);
    // The sequence never touches a lost deal, date or not.
    assert!(matches!(
        verdict(&f, PlayKind::ValueAdd, after),
        Verdict::Refuse { why } if why.contains("lost")
    ));
}

#[test]
fn a_person_who_moved_is_reached_at_any_address_they_did_not_retire() {
    let new = EmailAddress::parse("dana@northwind-group.example").unwrap();
    // One contact moved, the other did not: the deal is chased, the draft goes to the other.
    let one = chased().with(|r| {
        r.contacts[0].retired = r.contacts[0].emails.clone();
    });
    assert_eq!(reach(&one.0, Purpose::Sequence, now()), Reach::Reachable);
    // The person who moved, with the new address added beside the old: reached there.
    let both = chased().with(|r| {
        let c = &mut r.contacts[0];
        c.retired = c.emails.clone();
        c.emails.push(new.clone());
    });
    assert!(reach::contact_reachable(&both.0, &both.0.contacts[0]));
    assert_eq!(both.0.contacts[0].address(), Some(&new));
}
