//! Typed identifiers, so a deal id can never be passed where a contact id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::ParseError;
            /// Accepts `42` or the displayed form (`D42`).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                let digits = t.strip_prefix($prefix).or_else(|| t.strip_prefix(&$prefix.to_lowercase())).unwrap_or(t);
                digits.parse::<i64>().ok().filter(|n| *n > 0).map($name).ok_or_else(|| {
                    crate::ParseError::new(stringify!($name), s, concat!("expected a number like ", $prefix, "12 or 12"))
                })
            }
        }
    };
}

id_type!(
    /// A deal in the pipeline.
    DealId, "D"
);
id_type!(
    /// A person at a prospect account.
    ContactId, "C"
);
id_type!(
    /// What a reply was read as, and what it changed.
    ReadingId, "R"
);
id_type!(
    /// A message in the outbox.
    OutgoingId, "O"
);
id_type!(
    /// A trigger event recorded at an account (a funding round, a promotion, a new leader).
    EventId, "E"
);
id_type!(
    /// A logged activity (call, email, meeting...).
    ActivityId, "A"
);
id_type!(
    /// A fact in the prospect's words.
    FactId, "F"
);
id_type!(
    /// A commitment made by the prospect or the rep.
    CommitmentId, "K"
);
