//! `rekindle-app`: the use cases, the API boundary every front-end calls (the `rekindle` CLI
//! today, the dashboard next). Each use case is a function that takes the store, the
//! [`Caller`], the moment (`now`) where time matters and typed inputs, and returns typed values
//! or an [`AppError`].
//!
//! **Invariants**: nothing here prints, reads the terminal, the environment or the clock, or
//! knows a front-end (no clap, no HTTP); the only I/O is through the store and the handles a
//! caller passes in. Who may see or change what is decided here, from the `Caller`; front-ends
//! never filter records by user.

pub mod admin;
pub mod capture;
pub mod crm;
pub mod crm_export;
pub mod drafts;
mod error;
mod model;
pub mod outbox;
pub mod pipeline;
pub mod record;
pub mod replies;
pub mod revival;
pub mod sync;

pub use error::{AppError, ErrorKind, Input};

/// Who is calling a use case. Every use case takes it, so that access by user is decided in
/// one place when the team server has users; today there is one: the local user, who owns the
/// database file and may see and change everything in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    who: Who,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Who {
    /// The person at this machine: the owner of the database file.
    Local,
}

impl Caller {
    /// The local user: the rep running the command on their own database.
    pub fn local() -> Self {
        Caller { who: Who::Local }
    }

    /// Whether this caller may read and change the whole record (true of the local user).
    pub fn sees_everything(&self) -> bool {
        match self.who {
            Who::Local => true,
        }
    }
}
