//! Properties that must hold for any history: another unanswered touch never lowers risk, a
//! reply never raises silence, and the cap is never exceeded.

mod common;
use common::*;
use proptest::prelude::*;
use rekindle_core::signals::SignalKind;
use rekindle_core::*;

/// A random history: (kind 0=touch 1=reply 2=meeting, contact, days ago).
fn history() -> impl Strategy<Value = Vec<(u8, i64, u32)>> {
    prop::collection::vec((0u8..3, 1i64..3, 1u32..60 * 24), 0..25)
}

fn build(events: &[(u8, i64, u32)], with_facts: bool) -> Fixture {
    let base = if with_facts {
        deal("demo").discovered()
    } else {
        deal("demo")
    };
    events.iter().fold(base, |d, (kind, contact, hours)| {
        let days = *hours as f64 / 24.0;
        match kind {
            0 => d.activity(
                ActivityKind::Email,
                Direction::Outbound,
                Some(Outcome::Sent),
                *contact,
                days,
            ),
            1 => d.reply(*contact, days),
            _ => d.meeting(*contact, days),
        }
    })
}

fn silence(a: &Assessment) -> u32 {
    a.signals
        .iter()
        .find(|s| s.kind == SignalKind::SilenceBeyondNorm)
        .map(|s| s.weight)
        .unwrap_or(0)
}

proptest! {
    #[test]
    fn another_unanswered_touch_never_lowers_risk(events in history(), facts in any::<bool>(), hours in 0u32..24 * 10) {
        let before = build(&events, facts);
        // The touch comes after they last engaged (drawn within that span, not filtered, so
        // any number of cases runs without rejections).
        let engaged_hours_ago = before
            .0
            .last_engagement(now())
            .map(|a| (now().as_second() - a.at.as_second()) / 3600);
        prop_assume!(engaged_hours_ago.is_none_or(|h| h >= 1));
        let hours = match engaged_hours_ago {
            Some(h) => hours % h as u32,
            None => hours,
        };
        let after = build(&events, facts).touch(hours as f64 / 24.0);
        let (a, b) = (before.assess(), after.assess());
        prop_assert!(b.risk >= a.risk, "risk fell from {} to {}", a.risk, b.risk);
        prop_assert!(b.state >= a.state);
    }

    #[test]
    fn a_reply_never_raises_silence(events in history(), facts in any::<bool>(), contact in 1i64..3) {
        let before = build(&events, facts);
        let latest = before.0.activities.last().map(|a| a.at).unwrap_or(days_ago(60.0));
        let hours_ago = ((now().as_second() - latest.as_second()) / 3600 / 2).max(0) as f64;
        let after = build(&events, facts).reply(contact, hours_ago / 24.0);
        let (a, b) = (before.assess(), after.assess());
        prop_assert!(silence(&b) <= silence(&a));
        prop_assert_eq!(b.sequence.unanswered_touches, 0);
    }

    #[test]
    fn never_recommends_chasing_past_the_cap(events in history(), facts in any::<bool>()) {
        let a = build(&events, facts).assess();
        if a.sequence.unanswered_touches >= a.sequence.cap {
            prop_assert!(!matches!(a.next_action.play, Some(PlayKind::ValueAdd | PlayKind::Accountability | PlayKind::ObjectionHunt)), "{:?}", a.next_action);
        }
    }
}
