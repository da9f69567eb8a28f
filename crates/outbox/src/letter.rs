//! One outgoing message as mail: threaded into the conversation it answers (In-Reply-To and
//! References), with the Message-ID it was given when queued, so every attempt and the copy
//! in the rep's Sent folder are recognisably the same message.

use jiff::Timestamp;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Mailboxes};
use rekindle_core::EmailAddress;
use std::hash::{BuildHasher, Hasher};

/// A message ready to leave.
#[derive(Clone, Debug)]
pub struct Letter {
    pub from_name: Option<String>,
    pub from: EmailAddress,
    pub to_name: Option<String>,
    pub to: EmailAddress,
    pub subject: String,
    pub body: String,
    /// Without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// Oldest first.
    pub references: Vec<String>,
    pub date: Timestamp,
}

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("address {0} cannot be used in a message: {1}")]
    Address(String, String),
    #[error("the message cannot be built: {0}")]
    Build(String),
}

/// A fresh Message-ID at the rep's domain: random, so no two messages ever share one.
pub fn new_message_id(domain: &str) -> String {
    let random = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt);
        h.finish()
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    format!(
        "rekindle.{:016x}{:016x}@{domain}",
        random(nanos),
        random(u64::from(std::process::id()))
    )
}

fn angle(id: &str) -> String {
    format!("<{}>", id.trim_matches(['<', '>']))
}

fn mailbox(name: &Option<String>, address: &EmailAddress) -> Result<Mailbox, LetterError> {
    let parsed = address
        .as_str()
        .parse()
        .map_err(|e: lettre::address::AddressError| {
            LetterError::Address(address.to_string(), e.to_string())
        })?;
    Ok(Mailbox::new(name.as_deref().map(one_line), parsed))
}

/// A header value on one line: control characters (CR, LF, tabs...) become spaces, so a name
/// or subject however it was stored can neither break the header nor add one (RFC 5322
/// section 2.2: a header field is one line unless folded).
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control())
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Letter {
    fn message(&self) -> Result<Message, LetterError> {
        let mut builder = Message::builder()
            .from(mailbox(&self.from_name, &self.from)?)
            .to(mailbox(&self.to_name, &self.to)?)
            .subject(one_line(&self.subject))
            .message_id(Some(angle(&self.message_id)))
            .date(std::time::SystemTime::from(self.date))
            .header(ContentType::TEXT_PLAIN);
        if let Some(parent) = &self.in_reply_to {
            builder = builder.in_reply_to(angle(parent));
        }
        if !self.references.is_empty() {
            let refs: Vec<String> = self.references.iter().map(|r| angle(r)).collect();
            builder = builder.references(refs.join(" "));
        }
        builder
            .body(self.body.clone())
            .map_err(|e| LetterError::Build(e.to_string()))
    }

    /// The message as it goes over SMTP or into a .eml file.
    pub fn to_bytes(&self) -> Result<Vec<u8>, LetterError> {
        Ok(self.message()?.formatted())
    }

    /// The envelope: from the rep to the one recipient.
    pub fn recipients(&self) -> Result<Mailboxes, LetterError> {
        Ok(Mailboxes::new().with(mailbox(&self.to_name, &self.to)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_threads_into_its_conversation() {
        let letter = Letter {
            from_name: Some("Alex Morgan".into()),
            from: EmailAddress::parse("alex@seller.io").unwrap(),
            to_name: Some("Dana Reyes".into()),
            to: EmailAddress::parse("dana@acme.example").unwrap(),
            subject: "Should I close the file?".into(),
            body: "Dana, café numbers attached.".into(),
            message_id: new_message_id("seller.io"),
            in_reply_to: Some("r2@acme.example".into()),
            references: vec!["a1@seller.io".into(), "r2@acme.example".into()],
            date: "2026-11-23T09:00:00Z".parse().unwrap(),
        };
        let text = String::from_utf8(letter.to_bytes().unwrap()).unwrap();
        assert!(
            text.contains(&format!("Message-ID: <{}>", letter.message_id)),
            "{text}"
        );
        assert!(text.contains("In-Reply-To: <r2@acme.example>"), "{text}");
        assert!(
            text.contains("References: <a1@seller.io> <r2@acme.example>"),
            "{text}"
        );
        assert!(
            text.contains("To: \"Dana Reyes\" <dana@acme.example>"),
            "{text}"
        );
        assert!(text.is_ascii(), "non-ASCII text is encoded");
        assert_ne!(new_message_id("x"), new_message_id("x"));
        // A subject edited by hand cannot smuggle in a header.
        let sneaky = Letter {
            subject: "Hello\r\nBcc: everyone@competitor.example".into(),
            ..letter
        };
        let text = String::from_utf8(sneaky.to_bytes().unwrap()).unwrap();
        assert!(
            !text.lines().any(|l| l.to_lowercase().starts_with("bcc:")),
            "{text}"
        );
        // Nor can a name stored with a line break in it; and building the message never panics.
        let named = Letter {
            to_name: Some("Dana\r\nBcc: x@evil.example".into()),
            from_name: Some("Alex\nMorgan".into()),
            ..sneaky
        };
        let text = String::from_utf8(named.to_bytes().unwrap()).unwrap();
        assert!(
            !text.lines().any(|l| l.to_lowercase().starts_with("bcc:")),
            "{text}"
        );
        assert!(named.recipients().is_ok());
    }
}
