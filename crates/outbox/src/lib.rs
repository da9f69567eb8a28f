//! Rekindle's sending shell: a message from the outbox as RFC 5322 mail (for SMTP, or a .eml
//! file the rep sends themselves), and an SMTP session that tells apart what was certainly not
//! delivered from what may have been. Architecture invariant: no record logic here; the
//! caller decides what may be sent and records what was.

mod letter;
mod smtp;

pub use letter::{Letter, LetterError, new_message_id};
pub use smtp::{Security, Smtp, SmtpError, SmtpSettings, Step};
