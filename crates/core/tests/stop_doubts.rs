//! A stop is the sender's own request: negated ("please don't remove me") or about someone
//! else ("unsubscribe bob@..."), it is still read as a stop, but never acted on without the
//! rep; the sender's plain requests stay certain.

use jiff::civil::date;
use rekindle_core::reply::{ReplyClass, classify};

#[test]
fn a_negated_stop_or_one_about_someone_else_waits_for_the_rep() {
    let sent = date(2026, 11, 11);
    for text in [
        "Please don't remove me from your list, I'm still interested.",
        "No need to delete my data, we just need more time - check back in Q1.",
        "Please unsubscribe bob@acme.example, he left. I'm still your contact and interested.",
        "Bitte nicht meine Daten löschen, wir brauchen nur etwas Zeit.",
    ] {
        let r = classify(text, None, sent);
        assert!(
            !(r.class == ReplyClass::Stop && r.confident),
            "{text}: {r:?}"
        );
    }
}

#[test]
fn the_senders_own_requests_stay_certain_stops() {
    let sent = date(2026, 11, 11);
    for text in [
        "Please remove me from your list.",
        "Not interested, remove me.",
        "Delete my contact details and don't reach out again. Maybe check back next year.",
        "Unsubscribe",
        "Don't email me again.",
        "Bitte löschen Sie meine Daten.",
        "Ne me contactez plus, merci.",
    ] {
        let r = classify(text, None, sent);
        assert_eq!(
            (r.class, r.confident),
            (ReplyClass::Stop, true),
            "{text}: {r:?}"
        );
    }
}

#[test]
fn a_year_written_after_a_quarter_or_month_says_which_one() {
    use rekindle_core::reply::mentions;
    let sent = date(2026, 11, 11);
    for (text, on) in [
        ("check back in q3 2027.", date(2027, 7, 1)),
        ("please check back in q2 2027", date(2027, 4, 1)),
        ("reach out again in march 2027", date(2027, 3, 1)),
        ("check back in q3.", date(2027, 7, 1)),
    ] {
        let first = mentions(text, sent).into_iter().map(|m| m.on).min();
        assert_eq!(first, Some(on), "{text}");
    }
    // A numeric date whose day/month order is unknown names no day, rather than 1 January.
    assert!(mentions("ping me after 15/01/2027", sent).is_empty());
    // A year alone is that year's start.
    let first = mentions("maybe in 2028", sent)
        .into_iter()
        .map(|m| m.on)
        .min();
    assert_eq!(first, Some(date(2028, 1, 1)));
}
