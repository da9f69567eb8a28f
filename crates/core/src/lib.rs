//! Rekindle's core: the deal record and the engine that finds deals going dark, diagnoses why,
//! picks the next play and drafts it (see PLAYBOOK.md for the playbook it encodes).
//!
//! Architecture invariant: this crate does no I/O and never reads the clock. Every function
//! takes its data and `now`, and returns values.

mod email;
mod error;
mod ids;
mod money;
mod norms;
mod policy;
mod record;

pub mod assess;
pub mod calendar;
pub mod compose;
pub mod crm;
pub mod demo;
pub mod diagnosis;
pub mod input;
pub mod lint;
pub mod mail;
pub mod outbox;
pub mod plays;
pub mod reach;
pub mod reply;
pub mod revival;
pub mod signals;
pub mod time;

pub use assess::{Assessment, DealState, assess, assess_all};
pub use email::EmailAddress;
pub use error::ParseError;
pub use ids::{
    ActivityId, CommitmentId, ContactId, DealId, EventId, FactId, OutgoingId, ReadingId,
};
pub use money::{Currency, Money};
pub use norms::{Median, Norms, NormsBuilder};
pub use policy::{Pipeline, Policy, StageDef};
pub use record::*;
