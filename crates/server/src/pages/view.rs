//! What every page shows around its content, and the words and marks the pages use for the
//! engine's values (a state is always a word and an icon, never a colour alone: WCAG 2.2, SC
//! 1.4.1 Use of Color).

use crate::AppState;
use jiff::Timestamp;
use rekindle_core::{DealState, Money, time};

/// The page frame: the navigation, the form token and the moment the page was assessed at.
pub struct Chrome {
    /// The form token every form carries (`security`).
    pub token: String,
    /// "2026-11-23 09:00 UTC".
    pub at: String,
    /// The navigation entry to mark as current (`today`, `pipeline`...).
    pub current: &'static str,
}

impl Chrome {
    pub fn new(state: &AppState, now: Timestamp, current: &'static str) -> Self {
        Chrome {
            token: state.token().to_string(),
            at: moment(now),
            current,
        }
    }

    /// `aria-current="page"` for the current entry (the template writes it when true).
    pub fn is(&self, entry: &str) -> bool {
        self.current == entry
    }
}

/// The navigation, in order: (entry, label, path).
pub const NAV: &[(&str, &str, &str)] = &[
    ("today", "Today", "/"),
    ("pipeline", "Pipeline", "/pipeline"),
    ("replies", "Replies", "/replies"),
    ("outbox", "Outbox", "/outbox"),
    ("revive", "Revive", "/revive"),
    ("manager", "Manager", "/manager"),
    ("lint", "Lint", "/lint"),
    ("import", "Import", "/import"),
];

/// A moment to the minute, in UTC: "2026-11-23 09:00 UTC".
pub fn moment(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// A moment's day, with its year: "Mon 2026-11-23".
pub fn day(t: Timestamp) -> String {
    time::date_of(t).strftime("%a %Y-%m-%d").to_string()
}

/// An amount as the record holds it ("EUR 48,000.00").
pub fn money(m: Money) -> String {
    m.to_string()
}

/// A state's word, icon and CSS class: the icon and the word carry the meaning, the class
/// only adds colour.
pub struct StateMark {
    pub word: &'static str,
    pub icon: &'static str,
    pub class: &'static str,
}

pub fn state_mark(s: DealState) -> StateMark {
    let (word, icon, class) = match s {
        DealState::Healthy => ("Healthy", "✓", "healthy"),
        DealState::AtRisk => ("At risk", "⚠", "at-risk"),
        DealState::Slipping => ("Slipping", "↘", "slipping"),
        DealState::Dark => ("Dark", "☾", "dark"),
    };
    StateMark { word, icon, class }
}

/// A snake_case vocabulary word as a label: "no_solid_next_step" → "no solid next step".
pub fn words(s: &str) -> String {
    s.replace('_', " ")
}
