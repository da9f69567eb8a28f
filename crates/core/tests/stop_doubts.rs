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
