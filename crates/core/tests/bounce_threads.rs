//! Threads and bounces on real-world shapes:
//! who a reply is from when it comes from an address the record does not know, when a message
//! answers the rep and when it is only engagement, subject folding, and which recipients a
//! delivery report says failed.

mod common;
use common::*;
use rekindle_core::mail::{
    Conversation, Directory, Disposition, MailActivity, Message, TouchRef, understand,
    understand_in,
};
use rekindle_core::*;
use rekindle_core::{mail, outbox};

fn me() -> Vec<EmailAddress> {
    vec![EmailAddress::parse("alex@seller.io").unwrap()]
}

fn address(a: &str) -> EmailAddress {
    EmailAddress::parse(a).unwrap()
}

fn msg(from: &str, to: &str, subject: &str, text: &str) -> Message {
    Message {
        key: "k".into(),
        message_id: Some("<r1@example>".into()),
        in_reply_to: vec![],
        references: vec![],
        from: EmailAddress::parse(from).ok(),
        to: vec![address(to)],
        cc: vec![],
        date: Some(now()),
        subject: subject.into(),
        automatic_headers: vec![],
        text: text.into(),
        delivery_report: None,
        reply_to: vec![],
    }
}

fn activity_of(d: &Disposition) -> Option<&MailActivity> {
    match d {
        Disposition::Activity(a) => Some(a),
        Disposition::SuggestContact { activity, .. } => activity.as_ref(),
        Disposition::Skip { .. } => None,
    }
}

fn touch(contact: i64, by_headers: bool) -> Conversation {
    Conversation {
        deal: Some(DealId(1)),
        touch: Some(TouchRef {
            deal: DealId(1),
            contact: Some(ContactId(contact)),
            by_headers,
            at: days_ago(2.0),
        }),
        first_touch: None,
    }
}

#[test]
fn a_stranger_answering_a_touch_by_its_headers_is_the_contact_from_another_address() {
    let record = deal("proposal").0;
    let dir = Directory::new(&me(), [&record]);
    let mut reply = msg(
        "dana.reyes.home@gmail.com",
        "alex@seller.io",
        "Re: Pilot scope",
        "Answering from my personal account. The scope looks right.",
    );
    reply.in_reply_to = vec!["touch-1@seller.io".into()];
    // Without the record's thread, nobody: a free-mail stranger.
    assert!(matches!(
        understand(&reply, &dir, None, now()),
        Disposition::Skip { .. }
    ));
    match understand_in(&reply, &dir, &touch(1, true), now()) {
        Disposition::SuggestContact {
            account,
            address,
            deal,
            activity: Some(a),
        } => {
            assert_eq!(
                (account.as_str(), address.as_str(), deal),
                ("Acme", "dana.reyes.home@gmail.com", Some(DealId(1)))
            );
            assert_eq!(
                (a.direction, a.outcome, a.contact, a.answers_touch),
                (
                    Direction::Inbound,
                    Outcome::Replied,
                    Some(ContactId(1)),
                    true
                )
            );
        }
        other => panic!("expected the contact's reply and the address offered, got {other:?}"),
    }
    // The touch went to Priya: it is Priya's reply.
    let d = understand_in(&reply, &dir, &touch(2, true), now());
    assert_eq!(activity_of(&d).and_then(|a| a.contact), Some(ContactId(2)));
    // Found only by a shared subject, a stranger is not taken for the contact.
    assert!(matches!(
        understand_in(&reply, &dir, &touch(1, false), now()),
        Disposition::Skip { .. }
    ));
    // A mailer daemon is never a person answering.
    let mut daemon = reply.clone();
    daemon.from = Some(address("mailer-daemon@mx.gmail.com"));
    daemon.subject = "Weekly digest".into();
    assert!(activity_of(&understand_in(&daemon, &dir, &touch(1, true), now())).is_none());
}

#[test]
fn mail_before_any_touch_is_engagement_but_answers_nothing() {
    let no_touch = deal("proposal").0;
    let dir = Directory::new(&me(), [&no_touch]);
    let m = msg(
        "dana@acme.example",
        "alex@seller.io",
        "Question about pricing",
        "Do you price per site or per user?",
    );
    let first = understand(&m, &dir, None, now());
    let a = activity_of(&first).expect("recorded");
    assert_eq!(
        (a.direction, a.outcome, a.contact),
        (Direction::Inbound, Outcome::Wrote, Some(ContactId(1)))
    );
    assert!(!a.answers_touch, "nothing was sent yet: {a:?}");
    // An answer to a message the record does not hold ("Re:", In-Reply-To) stays a reply,
    // answering no recorded touch.
    for answer in [
        Message {
            subject: "Re: Question about pricing".into(),
            ..m.clone()
        },
        Message {
            in_reply_to: vec!["<earlier@seller.io>".into()],
            ..m.clone()
        },
    ] {
        let a = activity_of(&understand(&answer, &dir, None, now())).cloned();
        let a = a.expect("recorded");
        assert_eq!(a.outcome, Outcome::Replied, "{answer:?}");
        assert!(!a.answers_touch);
    }

    // After the rep's first touch (known to the record, or to the caller) it answers.
    let touched = deal("proposal").touch(3.0).0;
    let dir2 = Directory::new(&me(), [&touched]);
    assert!(
        activity_of(&understand(&m, &dir2, None, now()))
            .unwrap()
            .answers_touch
    );
    let told = Conversation {
        first_touch: Some(days_ago(1.0)),
        ..Conversation::default()
    };
    assert!(
        activity_of(&understand_in(&m, &dir, &told, now()))
            .unwrap()
            .answers_touch
    );
    // A touch after the message does not make it an answer.
    let later = Conversation {
        first_touch: Some(days_ago(-1.0)),
        ..Conversation::default()
    };
    assert!(
        !activity_of(&understand_in(&m, &dir, &later, now()))
            .unwrap()
            .answers_touch
    );
}

#[test]
fn list_traffic_and_mail_not_to_the_rep_answer_only_inside_a_touch_thread() {
    let touched = deal("proposal").touch(3.0).0;
    let dir = Directory::new(&me(), [&touched]);
    let mut list = msg(
        "dana@acme.example",
        "alex@seller.io",
        "Re: [ops] Release train",
        "Ship it on Friday.",
    );
    list.automatic_headers = vec![
        ("List-Id".into(), "<ops.lists.acme.example>".into()),
        ("Precedence".into(), "list".into()),
    ];
    assert!(
        !activity_of(&understand(&list, &dir, None, now()))
            .unwrap()
            .answers_touch
    );
    // The same list message in the thread of the rep's touch is an answer.
    assert!(
        activity_of(&understand_in(&list, &dir, &touch(1, true), now()))
            .unwrap()
            .answers_touch
    );
    // A contact writing to someone else, the rep copied in Bcc (not in To or Cc): not direct.
    let elsewhere = msg(
        "dana@acme.example",
        "team@acme.example",
        "Rollout notes",
        "Notes attached.",
    );
    assert!(
        !activity_of(&understand(&elsewhere, &dir, None, now()))
            .unwrap()
            .answers_touch
    );
    // A colleague (not a contact) outside a touch thread: engagement, not an answer.
    let colleague = msg(
        "omar@acme.example",
        "alex@seller.io",
        "Intro",
        "Dana asked me to look at this.",
    );
    assert!(
        !activity_of(&understand(&colleague, &dir, None, now()))
            .unwrap()
            .answers_touch
    );
    assert!(
        activity_of(&understand_in(&colleague, &dir, &touch(1, true), now()))
            .unwrap()
            .answers_touch
    );
}

#[test]
fn outbound_mail_and_bounces_answer_nothing() {
    let touched = deal("proposal").touch(3.0).0;
    let dir = Directory::new(&me(), [&touched]);
    let sent = understand(
        &msg("alex@seller.io", "dana@acme.example", "Numbers", "Here."),
        &dir,
        None,
        now(),
    );
    let a = activity_of(&sent).unwrap();
    assert_eq!((a.outcome, a.answers_touch), (Outcome::Sent, false));
}

fn report(text: &str) -> Option<Vec<mail::RecipientStatus>> {
    Some(mail::parse_delivery_status(text))
}

#[test]
fn a_report_marks_only_permanent_failures() {
    let own = me();
    let failed = |text: &str| {
        let mut m = msg(
            "mailer-daemon@mx.acme.example",
            "alex@seller.io",
            "Delivery Status Notification",
            "",
        );
        m.delivery_report = report(text);
        mail::bounced_addresses(&m, &own)
            .map(|v| v.iter().map(|a| a.as_str().to_string()).collect::<Vec<_>>())
    };
    assert_eq!(
        failed("Final-Recipient: rfc822; dana@acme.example\nAction: failed\nStatus: 5.1.1\n"),
        Some(vec!["dana@acme.example".to_string()])
    );
    for notice in [
        "Final-Recipient: rfc822; dana@acme.example\nAction: delayed\nStatus: 4.4.1\n",
        "Final-Recipient: rfc822; dana@acme.example\nAction: delivered\nStatus: 2.0.0\n",
        "Final-Recipient: rfc822; dana@acme.example\nAction: relayed\nStatus: 2.0.0\n",
        "Final-Recipient: rfc822; dana@acme.example\nAction: expanded\nStatus: 2.0.0\n",
        "Final-Recipient: rfc822; dana@acme.example\nAction: failed\nStatus: 4.4.7\n",
    ] {
        assert_eq!(failed(notice), None, "{notice}");
    }
    // Folded fields, a comment after the action, upper-case address type.
    assert_eq!(
        failed(
            "Reporting-MTA: dns;\n mx.acme.example\n\nFinal-Recipient: RFC822;\n <Priya@Acme.example>\nAction: failed (bad mailbox)\nStatus: 5.2.1\n"
        ),
        Some(vec!["priya@acme.example".to_string()])
    );
}

#[test]
fn a_delay_notice_from_a_known_domain_is_nobody_and_a_bounce_lands_on_its_contact() {
    let touched = deal("proposal").touch(3.0).0;
    let dir = Directory::new(&me(), [&touched]);
    // The account's own postmaster reporting a delay: not a colleague writing in.
    let mut delay = msg(
        "postmaster@acme.example",
        "alex@seller.io",
        "Delivery Status Notification (Delay)",
        "There was a temporary problem delivering your message.",
    );
    delay.delivery_report =
        report("Final-Recipient: rfc822; dana@acme.example\nAction: delayed\nStatus: 4.4.1\n");
    assert!(matches!(
        understand(&delay, &dir, None, now()),
        Disposition::Skip { .. }
    ));
    // A qmail failure notice: the copy below names Priya too; only Dana failed.
    let qmail = msg(
        "MAILER-DAEMON@mx.seller.io",
        "alex@seller.io",
        "failure notice",
        "Hi. This is the qmail-send program at mx.seller.io.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<dana@acme.example>:\nRemote host said: 550 5.1.1 User unknown\n\n--- Below this line is a copy of the message.\n\nFrom: Alex <alex@seller.io>\nTo: dana@acme.example\nCc: priya@acme.example\n\nHi Dana, hi Priya\n",
    );
    let d = understand(&qmail, &dir, None, now());
    let a = activity_of(&d).expect("a bounce");
    assert_eq!(
        (a.outcome, a.contact, a.answers_touch),
        (Outcome::Bounced, Some(ContactId(1)), false)
    );
    assert_eq!(
        a.bounced.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        ["dana@acme.example"]
    );
}

#[test]
fn drafting_and_sending_share_one_bounce_rule() {
    let bounce = |r: &mut DealRecord, contact: i64, days: f64| {
        let id = ActivityId(r.activities.len() as i64 + 100);
        r.activities.push(Activity {
            id,
            kind: ActivityKind::Email,
            direction: Direction::Inbound,
            at: days_ago(days),
            outcome: Some(Outcome::Bounced),
            contact: Some(ContactId(contact)),
            summary: "bounce".into(),
            subject: None,
            body: None,
            play: None,
            tone: Default::default(),
            body_fingerprint: None,
            returns_on: None,
        });
    };
    let mut r = deal("proposal").touch(5.0).0;
    bounce(&mut r, 1, 4.0);
    assert!(mail::contact_bounced(&r, ContactId(1)));
    assert!(!mail::contact_bounced(&r, ContactId(2)));
    // A draft goes to the reachable contact; the send check refuses the bounced one.
    let policy = Policy::default();
    let to_dana = address("dana@acme.example");
    let outgoing = outbox::Outgoing {
        record: &r,
        contact: ContactId(1),
        address: &to_dana,
        play: None,
        purpose: rekindle_core::reach::Purpose::Sequence,
        approved: None,
        blocked: false,
        bounced: false,
        sent_today: 0,
        sent_to_deal_today: 0,
        time_zone: None,
    };
    assert!(matches!(
        outbox::check(&outgoing, &policy, now()),
        outbox::Verdict::Refuse { why } if why.contains("bounced")
    ));
    // Dana writes back: reachable again for both.
    let mut back = deal("proposal").touch(5.0).reply(1, 2.0).0;
    bounce(&mut back, 1, 4.0);
    back.activities.sort_by_key(|a| a.at);
    assert!(!mail::contact_bounced(&back, ContactId(1)));
}

#[test]
fn a_bounce_naming_several_contacts_is_a_bounce_for_each() {
    let touched = deal("proposal").touch(3.0).0;
    let dir = Directory::new(&me(), [&touched]);
    let mut dsn = msg(
        "mailer-daemon@mx.seller.io",
        "alex@seller.io",
        "Undelivered Mail Returned to Sender",
        "",
    );
    dsn.delivery_report = report(
        "Final-Recipient: rfc822; dana@acme.example\nAction: failed\nStatus: 5.1.1\n\nFinal-Recipient: rfc822; priya@acme.example\nAction: failed\nStatus: 5.2.1\n\nFinal-Recipient: rfc822; omar@acme.example\nAction: delivered\nStatus: 2.0.0\n",
    );
    let d = understand(&dsn, &dir, None, now());
    let a = activity_of(&d).expect("a bounce");
    assert_eq!(
        (a.outcome, a.contact),
        (Outcome::Bounced, Some(ContactId(1)))
    );
    assert_eq!(a.also_bounced, vec![(DealId(1), ContactId(2))]);
    assert_eq!(
        a.bounced.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
        ["dana@acme.example", "priya@acme.example"]
    );
}
