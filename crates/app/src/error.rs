//! The one error of the use cases, and what kind of failure each is, for a front-end to map in
//! one place (the CLI: exit status 2; a server: the HTTP status of [`ErrorKind::http_status`]).

use rekindle_core::compose::ComposeError;
use rekindle_core::{DealId, ParseError};
use rekindle_ingest::IngestError;
use rekindle_ingest::caldav::CalDavError;
use rekindle_ingest::imap::ImapError;
use rekindle_store::StoreError;

/// Why a use case failed. Its text is the message a person reads (it names the record, the
/// field or the input in the domain's words, never a front-end's flag or form field: a
/// failure about one input says which through [`AppError::input`], and the front-end adds how
/// to give it); [`AppError::kind`] says which kind of failure it is. A use case that fails
/// changes nothing.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// An input did not parse: the field, the input and what was expected.
    #[error(transparent)]
    Invalid(#[from] ParseError),
    /// The input is well formed but does not fit the record (a message's text fails the tone
    /// check, a decision that needs what the reply does not name).
    #[error("{0}")]
    Unfit(String),
    /// The record is in a state that does not allow it (a message already sent, a reading
    /// already replaced).
    #[error("{0}")]
    Conflict(String),
    /// The deal has no play to draft now: `why` is the next action's reason.
    #[error("nothing to draft for {deal}: {why}")]
    NothingToDraft { deal: DealId, why: String },
    /// A draft could not be made (missing facts, no recipient, not reachable now, a template).
    #[error(transparent)]
    Compose(#[from] ComposeError),
    /// A failure of the store: not found, a state conflict, busy, or the database itself.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An import refused before it changed anything: a path cannot be read or holds nothing
    /// to import (the error names it).
    #[error("{0}; nothing was imported")]
    NothingImported(IngestError),
    /// A source (a file, a folder, a server's answer) could not be read: its path and why.
    #[error(transparent)]
    Source(#[from] IngestError),
    /// The mail server could not be reached, refused the login or failed mid-way.
    #[error(transparent)]
    Imap(#[from] ImapError),
    /// The calendar server could not be reached, refused the login or answered badly.
    #[error(transparent)]
    CalDav(#[from] CalDavError),
    /// A failure, with what was being done when it happened (the message, the file, what an
    /// import kept): `context: error`. Its kind is the failure's.
    #[error("{context}: {error}")]
    Context {
        context: String,
        error: Box<AppError>,
    },
    /// Anything else that went wrong inside (a task that died).
    #[error("{0}")]
    Internal(String),
    /// A failure about one input of the use case, missing or refused: the text is the
    /// failure's, `input` says which input, for the front-end to say how to give it (a CLI
    /// flag, a form field). Its kind is the failure's.
    #[error("{error}")]
    About { input: Input, error: Box<AppError> },
}

/// The inputs of the use cases that their failures point at ([`AppError::About`]): each the
/// field of a typed input, named as the domain names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// The rep's own addresses, by which an import tells sent mail from received
    /// (`capture::import_mail`'s `me`); remembered once given.
    OwnAddresses,
    /// The address messages are sent from (`SendSettings::from`).
    Sender,
    /// The SMTP server, and its user, to send through (`SendSettings::host`, `user`).
    SmtpServer,
    /// The SMTP connection's security: tls, starttls or plain (`SendSettings::security`).
    Security,
    /// The IMAP server and user of the mailbox to sync (`ImapRequest`'s `host`, `user`).
    Mailbox,
    /// The CalDAV address and user of the calendars to sync (`CalDavRequest`'s `url`, `user`).
    Calendars,
    /// A contract's notice period, in days (`Contract::notice_days`).
    NoticeDays,
    /// The date to look at a closed or nurtured deal again (`Closing::resurface_on`).
    ResurfaceOn,
    /// The date a reply decided as later names (`Decision::until`).
    Until,
    /// Lifting a request to stop contact when deciding its reply as something else
    /// (`Decision::lift_stop`).
    LiftStop,
}

impl Input {
    /// The input's field name in the use cases' typed inputs (`resurface_on`, `until`...):
    /// what an API names in an error.
    pub fn field(self) -> &'static str {
        match self {
            Input::OwnAddresses => "me",
            Input::Sender => "from",
            Input::SmtpServer => "host",
            Input::Security => "security",
            Input::Mailbox => "host",
            Input::Calendars => "url",
            Input::NoticeDays => "notice_days",
            Input::ResurfaceOn => "resurface_on",
            Input::Until => "until",
            Input::LiftStop => "lift_stop",
        }
    }
}

/// The kind of a failure, as a front-end answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// What the request names does not exist (HTTP 404).
    NotFound,
    /// The request is malformed or does not fit the record (HTTP 422).
    Invalid,
    /// The record's state does not allow it now (HTTP 409).
    Conflict,
    /// Something the use case needs (the database, a mail or calendar server) is busy,
    /// unreachable or refused; trying again may work (HTTP 503).
    Unavailable,
    /// A failure inside (HTTP 500).
    Internal,
}

impl ErrorKind {
    /// The HTTP status a server answers with (RFC 9110, section 15).
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::NotFound => 404,
            ErrorKind::Invalid => 422,
            ErrorKind::Conflict => 409,
            ErrorKind::Unavailable => 503,
            ErrorKind::Internal => 500,
        }
    }
}

impl AppError {
    /// Which kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Invalid(_) | AppError::Unfit(_) => ErrorKind::Invalid,
            AppError::Conflict(_) | AppError::NothingToDraft { .. } => ErrorKind::Conflict,
            AppError::Compose(e) => match e {
                ComposeError::Template { .. } => ErrorKind::Internal,
                ComposeError::MissingFacts { .. }
                | ComposeError::NoRecipient(_)
                | ComposeError::Unreachable { .. }
                | ComposeError::NeedsOccasion { .. }
                | ComposeError::FailsLint { .. } => ErrorKind::Conflict,
            },
            AppError::Store(e) => match e {
                StoreError::NotFound { .. } => ErrorKind::NotFound,
                StoreError::Invalid(_) | StoreError::Ambiguous { .. } => ErrorKind::Invalid,
                StoreError::State(_) => ErrorKind::Conflict,
                StoreError::Busy(_) => ErrorKind::Unavailable,
                _ => ErrorKind::Internal,
            },
            AppError::NothingImported(_) | AppError::Source(_) => ErrorKind::Invalid,
            AppError::Imap(_) | AppError::CalDav(_) => ErrorKind::Unavailable,
            AppError::Context { error, .. } | AppError::About { error, .. } => error.kind(),
            AppError::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The input this failure is about, if one is: where a front-end says how to give it.
    pub fn input(&self) -> Option<Input> {
        match self {
            AppError::About { input, .. } => Some(*input),
            AppError::Context { error, .. } => error.input(),
            _ => None,
        }
    }

    /// This failure, as one about `input`.
    pub fn about(self, input: Input) -> AppError {
        AppError::About {
            input,
            error: Box::new(self),
        }
    }

    /// This failure, with what was being done when it happened.
    pub fn context(self, context: impl Into<String>) -> AppError {
        AppError::Context {
            context: context.into(),
            error: Box::new(self),
        }
    }
}
