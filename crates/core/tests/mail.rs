//! What a message means for the record: direction, matching, replies from colleagues and new
//! threads, auto-replies, bounces, suggested contacts and the deal a thread belongs to.

mod common;
use common::*;
use rekindle_core::mail::{Directory, Disposition, Message, understand};
use rekindle_core::*;

fn me() -> Vec<EmailAddress> {
    vec![EmailAddress::parse("alex@seller.io").unwrap()]
}

fn msg(from: &str, to: &str, subject: &str, text: &str) -> Message {
    Message {
        key: "k".into(),
        message_id: None,
        in_reply_to: vec![],
        references: vec![],
        from: EmailAddress::parse(from).ok(),
        to: vec![EmailAddress::parse(to).unwrap()],
        cc: vec![],
        date: Some(now()),
        subject: subject.into(),
        automatic_headers: vec![],
        text: text.into(),
        delivery_report: None,
        reply_to: vec![],
    }
}

fn activity(d: Disposition) -> rekindle_core::mail::MailActivity {
    match d {
        Disposition::Activity(a) => a,
        other => panic!("expected an activity, got {other:?}"),
    }
}

#[test]
fn direction_and_matching() {
    let record = healthy().0;
    let dir = Directory::new(&me(), [&record]);
    let sent = activity(understand(
        &msg(
            "Alex@Seller.io",
            "dana+crm@ACME.example",
            "Numbers",
            "Here is the model.\n\n-- \nAlex",
        ),
        &dir,
        None,
        now(),
    ));
    assert_eq!(
        (sent.direction, sent.outcome, sent.contact),
        (Direction::Outbound, Outcome::Sent, Some(ContactId(1)))
    );
    assert_eq!(sent.body.as_deref(), Some("Here is the model."));

    let reply = activity(understand(
        &msg(
            "dana@acme.example",
            "alex@seller.io",
            "Re: Numbers",
            "Thanks!\n\nOn Mon, Alex wrote:\n> Here",
        ),
        &dir,
        None,
        now(),
    ));
    assert_eq!(
        (reply.direction, reply.outcome, reply.contact),
        (Direction::Inbound, Outcome::Replied, Some(ContactId(1)))
    );
    assert_eq!(reply.summary, "Thanks!");

    // A colleague answering on a new thread is a reply on the deal too.
    let colleague = activity(understand(
        &msg(
            "priya@acme.example",
            "alex@seller.io",
            "Pricing question",
            "What about annual billing?",
        ),
        &dir,
        None,
        now(),
    ));
    assert_eq!(
        (colleague.outcome, colleague.contact),
        (Outcome::Replied, Some(ContactId(2)))
    );
}

#[test]
fn strangers_are_suggested_from_a_known_domain_and_ignored_otherwise() {
    let record = healthy().0;
    let dir = Directory::new(&me(), [&record]);
    match understand(
        &msg(
            "omar@acme.example",
            "alex@seller.io",
            "Intro",
            "Dana asked me to look at this.",
        ),
        &dir,
        None,
        now(),
    ) {
        Disposition::SuggestContact {
            account,
            address,
            deal,
            activity,
        } => {
            assert_eq!(
                (account.as_str(), address.as_str(), deal),
                ("Acme", "omar@acme.example", Some(DealId(1)))
            );
            let reply = activity.expect("a colleague writing to the rep is engagement");
            assert_eq!((reply.outcome, reply.contact), (Outcome::Replied, None));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        understand(
            &msg("someone@gmail.com", "alex@seller.io", "Hi", "x"),
            &dir,
            None,
            now()
        ),
        Disposition::Skip { .. }
    ));
    assert!(matches!(
        understand(
            &msg("alex@seller.io", "nobody@else.io", "Hi", "x"),
            &dir,
            None,
            now()
        ),
        Disposition::Skip { .. }
    ));
}

#[test]
fn auto_replies_and_bounces_are_not_replies() {
    let record = healthy().0;
    let dir = Directory::new(&me(), [&record]);
    let mut ooo = msg(
        "dana@acme.example",
        "alex@seller.io",
        "Automatic reply: Numbers",
        "I am out of the office until December 3rd.",
    );
    ooo.automatic_headers = vec![("Auto-Submitted".into(), "auto-replied".into())];
    let auto = activity(understand(&ooo, &dir, None, now()));
    assert_eq!(auto.outcome, Outcome::AutoReply);
    assert_eq!(auto.returns_on.unwrap().to_string(), "2026-12-04");

    let mut bounce = msg(
        "MAILER-DAEMON@mx.acme.example",
        "alex@seller.io",
        "Undelivered Mail Returned to Sender",
        "",
    );
    bounce.delivery_report = Some(rekindle_core::mail::parse_delivery_status(
        "Final-Recipient: rfc822; priya@acme.example\nAction: failed\nStatus: 5.1.1\n",
    ));
    let b = activity(understand(&bounce, &dir, None, now()));
    assert_eq!(
        (b.outcome, b.contact),
        (Outcome::Bounced, Some(ContactId(2)))
    );
    assert_eq!(b.bounced[0].as_str(), "priya@acme.example");
}

#[test]
fn the_thread_decides_the_deal_when_an_account_has_several() {
    let first = healthy().0;
    let second = healthy().with(|r| r.deal.id = DealId(2)).0;
    let dir = Directory::new(&me(), [&first, &second]);
    let on_thread = activity(understand(
        &msg("dana@acme.example", "alex@seller.io", "Re: x", "ok"),
        &dir,
        Some(DealId(2)),
        now(),
    ));
    assert_eq!(on_thread.deal, DealId(2));
    // A thread pointing at another account's deal is ignored.
    let elsewhere = activity(understand(
        &msg("dana@acme.example", "alex@seller.io", "Re: x", "ok"),
        &dir,
        Some(DealId(99)),
        now(),
    ));
    assert!(elsewhere.deal == DealId(1) || elsewhere.deal == DealId(2));
    // A closed deal is only used when the account has no open one.
    let closed = healthy().with(|r| {
        r.deal.id = DealId(3);
        r.deal.status = DealStatus::Lost;
    });
    let dir = Directory::new(&me(), [&first, &closed.0]);
    assert_eq!(
        activity(understand(
            &msg("dana@acme.example", "alex@seller.io", "Hi", "ok"),
            &dir,
            None,
            now()
        ))
        .deal,
        DealId(1)
    );
}

#[test]
fn a_directory_built_account_by_account_understands_the_same() {
    let acme = healthy().0;
    let other = healthy()
        .with(|r| {
            r.deal.id = DealId(7);
            r.deal.account = Account {
                name: "Globex".into(),
                domain: Some("globex.example".into()),
            };
            for (i, c) in r.contacts.iter_mut().enumerate() {
                c.id = ContactId(10 + i as i64);
                c.emails = vec![EmailAddress::parse(&format!("p{i}@globex.example")).unwrap()];
            }
        })
        .0;
    let whole = Directory::new(&me(), [&acme, &other]);
    let merged = Directory::merge([
        Directory::new(&me(), [&acme]),
        Directory::new(&me(), [&other]),
    ]);
    for m in [
        msg("dana@acme.example", "alex@seller.io", "Re", "ok"),
        msg("p1@globex.example", "alex@seller.io", "Re", "ok"),
        msg("alex@seller.io", "p0@globex.example", "x", "y"),
        msg("new@globex.example", "alex@seller.io", "Hi", "z"),
    ] {
        assert_eq!(
            understand(&m, &whole, None, now()),
            understand(&m, &merged, None, now())
        );
    }
    assert_eq!(
        activity(understand(
            &msg("p1@globex.example", "alex@seller.io", "Re", "ok"),
            &merged,
            None,
            now()
        ))
        .deal,
        DealId(7)
    );
}

mod calendar {
    use super::*;
    use rekindle_core::calendar::{
        Attendee, EventDisposition, EventStatus, MeetingState, Occurrence, understand_event,
    };

    fn occurrence(attendees: &[(&str, bool)], start_days: i64, status: EventStatus) -> Occurrence {
        let start = jiff::Timestamp::from_second(now().as_second() + start_days * 86_400).unwrap();
        Occurrence {
            key: "uid".into(),
            sequence: 0,
            summary: "Review".into(),
            start,
            end: jiff::Timestamp::from_second(start.as_second() + 1800).unwrap(),
            status,
            organizer: EmailAddress::parse("Alex@seller.io").ok(),
            attendees: attendees
                .iter()
                .map(|(a, declined)| Attendee {
                    address: EmailAddress::parse(a).unwrap(),
                    declined: *declined,
                })
                .collect(),
        }
    }

    fn state(d: EventDisposition) -> MeetingState {
        match d {
            EventDisposition::Meeting(m) => m.state,
            other => panic!("expected a meeting, got {other:?}"),
        }
    }

    #[test]
    fn a_meeting_is_booked_ahead_held_behind_and_cancelled_when_called_off_or_declined() {
        let record = healthy().0;
        let dir = Directory::new(&me(), [&record]);
        let confirmed = EventStatus::Confirmed;
        assert_eq!(
            state(understand_event(
                &occurrence(&[("DANA+cal@acme.example", false)], 3, confirmed),
                &dir,
                now()
            )),
            MeetingState::Booked
        );
        assert_eq!(
            state(understand_event(
                &occurrence(&[("dana@acme.example", false)], -3, confirmed),
                &dir,
                now()
            )),
            MeetingState::Held
        );
        assert_eq!(
            state(understand_event(
                &occurrence(&[("dana@acme.example", false)], 3, EventStatus::Cancelled),
                &dir,
                now()
            )),
            MeetingState::Cancelled
        );
        assert_eq!(
            state(understand_event(
                &occurrence(&[("dana@acme.example", true)], 3, confirmed),
                &dir,
                now()
            )),
            MeetingState::Cancelled,
            "the deal's only contact declined"
        );
        assert_eq!(
            state(understand_event(
                &occurrence(
                    &[("dana@acme.example", true), ("omar@acme.example", false)],
                    3,
                    confirmed
                ),
                &dir,
                now()
            )),
            MeetingState::Cancelled,
            "a stranger still going does not make the meeting the deal's"
        );
    }

    #[test]
    fn strangers_at_an_account_are_suggested_and_other_meetings_passed_over() {
        let record = healthy().0;
        let dir = Directory::new(&me(), [&record]);
        let confirmed = EventStatus::Confirmed;
        match understand_event(
            &occurrence(&[("omar@acme.example", false)], 3, confirmed),
            &dir,
            now(),
        ) {
            EventDisposition::SuggestContact { address, .. } => {
                assert_eq!(address.as_str(), "omar@acme.example")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            understand_event(
                &occurrence(&[("pal@gmail.com", false)], 3, confirmed),
                &dir,
                now()
            ),
            EventDisposition::Skip { .. }
        ));
        assert!(matches!(
            understand_event(&occurrence(&[], 3, confirmed), &dir, now()),
            EventDisposition::Skip {
                reason: "no one but you"
            }
        ));
    }
}

mod headers_first {
    use super::*;
    use proptest::prelude::*;

    /// Addresses a mailbox mixes: the rep, the deal's contacts (plus-tagged, upper case), a
    /// stranger at the account, free mail, a mail daemon, another company.
    const POOL: &[&str] = &[
        "alex@seller.io",
        "Alex+crm@Seller.io",
        "dana@acme.example",
        "DANA+x@acme.example",
        "priya@acme.example",
        "omar@acme.example",
        "pal@gmail.com",
        "MAILER-DAEMON@mx.acme.example",
        "postmaster@other.example",
        "news@vendor.example",
        "sam@seller.io",
    ];
    const SUBJECTS: &[&str] = &[
        "Re: Numbers",
        "Undeliverable: Numbers",
        "Out of office",
        "Hi",
    ];
    const TEXTS: &[&str] = &[
        "Thanks, Thursday works.",
        "I am out of the office until December 3rd.",
        "Delivery to the following recipient failed permanently: dana@acme.example",
    ];

    fn address(i: usize) -> EmailAddress {
        EmailAddress::parse(POOL[i]).unwrap()
    }

    proptest! {
        /// What the header check passes over, `understand` would have skipped anyway.
        #[test]
        fn a_message_passed_over_by_its_headers_is_one_understand_skips(
            from in prop::option::of(0..POOL.len()),
            to in prop::collection::vec(0..POOL.len(), 0..3),
            cc in prop::collection::vec(0..POOL.len(), 0..2),
            reply_to in prop::collection::vec(0..POOL.len(), 0..2),
            subject in 0..SUBJECTS.len(),
            text in 0..TEXTS.len(),
            report in any::<bool>(),
        ) {
            let record = healthy().0;
            let dir = Directory::new(&me(), [&record]);
            let mut m = msg("alex@seller.io", "dana@acme.example", SUBJECTS[subject], TEXTS[text]);
            m.from = from.map(address);
            m.to = to.into_iter().map(address).collect();
            m.cc = cc.into_iter().map(address).collect();
            m.reply_to = reply_to.into_iter().map(address).collect();
            m.delivery_report = report.then(|| {
                rekindle_core::mail::parse_delivery_status(&format!(
                    "Final-Recipient: rfc822; {}\nAction: failed\nStatus: 5.1.1\n",
                    address(2)
                ))
            });
            if !dir.might_matter(&m) {
                let d = understand(&m, &dir, None, now());
                prop_assert!(matches!(d, Disposition::Skip { .. }), "{m:?} -> {d:?}");
            }
        }

        /// And the other way: the header check lets a message through exactly when its
        /// headers name someone the record knows, by the rule it documents (a bounce or a
        /// message without a sender; from the rep to a contact; a reply addressed to the rep;
        /// from a contact, with one in Reply-To, or from someone at a known account). A check
        /// that let everything through would make every import decode every message.
        #[test]
        fn a_message_is_passed_over_unless_its_headers_name_someone_known(
            from in prop::option::of(0..POOL.len()),
            to in prop::collection::vec(0..POOL.len(), 0..3),
            cc in prop::collection::vec(0..POOL.len(), 0..2),
            reply_to in prop::collection::vec(0..POOL.len(), 0..2),
            replying in any::<bool>(),
            report in any::<bool>(),
        ) {
            let record = healthy().0;
            let dir = Directory::new(&me(), [&record]);
            let mut m = msg("alex@seller.io", "dana@acme.example", "Hi", TEXTS[0]);
            m.from = from.map(address);
            m.to = to.iter().copied().map(address).collect();
            m.cc = cc.iter().copied().map(address).collect();
            m.reply_to = reply_to.iter().copied().map(address).collect();
            if replying {
                m.in_reply_to = vec!["a1@seller.io".into()];
            }
            m.delivery_report = report.then(|| {
                rekindle_core::mail::parse_delivery_status(&format!(
                    "Final-Recipient: rfc822; {}\nAction: failed\nStatus: 5.1.1\n",
                    address(2)
                ))
            });
            // The pool, classified by hand.
            let is_me = |i: usize| matches!(i, 0 | 1);
            let is_contact = |i: usize| matches!(i, 2..=4);
            let at_account = |i: usize| matches!(i, 2..=5);
            let is_daemon = |i: usize| matches!(i, 7 | 8);
            let recipients: Vec<usize> = to.iter().chain(&cc).copied().collect();
            let expected = match from {
                None => true,
                Some(_) if report => true,
                Some(f) if is_daemon(f) => true,
                Some(f) if is_me(f) => recipients.iter().any(|&i| is_contact(i)),
                Some(f) => {
                    (replying && recipients.iter().any(|&i| is_me(i)))
                        || is_contact(f)
                        || reply_to.iter().any(|&i| is_contact(i))
                        || at_account(f)
                }
            };
            prop_assert_eq!(dir.might_matter(&m), expected, "{:?}", m);
        }
    }
}
