//! A mail message as the record needs it, whatever the source: identity and threading,
//! who wrote to whom and when, the new text, and what marks it automatic or a bounce.

use crate::EmailAddress;
use jiff::Timestamp;
use serde::Serialize;

/// One message, parsed at the edge.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    /// What makes a re-import recognisable: the Message-ID, or a hash of the content.
    pub key: String,
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub from: Option<EmailAddress>,
    /// Where answers go, when it differs from From (lists and gateways rewrite From).
    pub reply_to: Vec<EmailAddress>,
    pub to: Vec<EmailAddress>,
    pub cc: Vec<EmailAddress>,
    pub date: Option<Timestamp>,
    pub subject: String,
    /// Headers that tell automatic, list and person mail apart, as (name, value): RFC 3834
    /// `Auto-Submitted`, `X-Autoreply` and kin, `Precedence`, Exchange's rule and suppression
    /// headers, the list headers (`List-Id`, `List-Post`, `List-Unsubscribe`), and `Date` as
    /// written (its zone hints at the sender's day/month order).
    pub automatic_headers: Vec<(String, String)>,
    /// The plain text of the body (decoded), before quotes and signature are cut.
    pub text: String,
    /// A `multipart/report; report-type=delivery-status` message, with the addresses its
    /// delivery-status part names as failed.
    pub delivery_report: Option<Vec<EmailAddress>>,
}

impl Message {
    /// Whether the message travelled through a mailing list or is bulk mail (`List-Id`,
    /// `List-Post`, or `List-Unsubscribe` with `Precedence: list|bulk|junk`; see
    /// `mail::is_list_traffic`). A reply posted to a list is still a reply.
    pub fn is_list(&self) -> bool {
        let headers: Vec<(&str, &str)> = self
            .automatic_headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        super::autoreply::is_list_traffic(&headers)
    }
}

const BOUNCE_SENDERS: &[&str] = &["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"];
const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliverable",
    "undelivered mail",
    "delivery status notification (failure)",
    "mail delivery failed",
    "delivery failure",
    "returned mail",
    "failure notice",
    "unzustellbar",
    "non remis",
    "no se puede entregar",
];

/// A mail system's own address (`MAILER-DAEMON@...`, `postmaster@...`): where bounces come from.
pub(crate) fn is_daemon(address: &EmailAddress) -> bool {
    let local = address.as_str().split('@').next().unwrap_or("");
    BOUNCE_SENDERS.contains(&local)
}

/// The addresses a message reports as undeliverable: from a standard delivery report, or from
/// the common non-standard bounce (a mailer daemon's "Undeliverable" message naming the address).
/// `None` when the message is not a bounce.
pub fn bounced_addresses(message: &Message, own: &[EmailAddress]) -> Option<Vec<EmailAddress>> {
    if let Some(failed) = &message.delivery_report {
        return Some(failed.clone());
    }
    let sender = message
        .from
        .as_ref()
        .map(|f| f.as_str().split('@').next().unwrap_or("").to_string())
        .unwrap_or_default();
    let subject = message.subject.to_lowercase();
    let from_daemon = BOUNCE_SENDERS.contains(&sender.as_str());
    let bounce_subject = BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s));
    if !(from_daemon && bounce_subject) {
        return None;
    }
    let mut found: Vec<EmailAddress> = Vec::new();
    for word in message.text.split(|c: char| {
        c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | '"' | ',' | ';' | ':')
    }) {
        if let Some(address) = super::normalise_address(word.trim_matches('.'))
            && !own.contains(&address)
            && !BOUNCE_SENDERS
                .iter()
                .any(|s| address.as_str().starts_with(s))
            && !found.contains(&address)
        {
            found.push(address);
        }
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(from: &str, subject: &str, text: &str) -> Message {
        Message {
            key: "k".into(),
            message_id: None,
            in_reply_to: vec![],
            references: vec![],
            from: EmailAddress::parse(from).ok(),
            to: vec![],
            cc: vec![],
            date: None,
            subject: subject.into(),
            automatic_headers: vec![],
            text: text.into(),
            delivery_report: None,
            reply_to: vec![],
        }
    }

    #[test]
    fn recognises_standard_and_common_bounces() {
        let me = vec![EmailAddress::parse("alex@seller.io").unwrap()];
        let mut dsn = message(
            "mailer-daemon@mx.northwind.io",
            "Delivery Status Notification",
            "",
        );
        dsn.delivery_report = Some(vec![EmailAddress::parse("dana@northwind.io").unwrap()]);
        assert_eq!(
            bounced_addresses(&dsn, &me).unwrap()[0].as_str(),
            "dana@northwind.io"
        );
        let exchange = message(
            "postmaster@northwind.io",
            "Undeliverable: Should I close the file?",
            "Delivery has failed to these recipients or groups:\n\nDana Reyes (dana@northwind.io)\nThe email address you entered couldn't be found. Sent by alex@seller.io",
        );
        let failed = bounced_addresses(&exchange, &me).unwrap();
        assert_eq!(
            failed.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            ["dana@northwind.io"]
        );
        assert!(
            bounced_addresses(
                &message(
                    "dana@northwind.io",
                    "Re: Undeliverable pallets",
                    "We had undeliverable pallets last week."
                ),
                &me
            )
            .is_none()
        );
        assert!(
            bounced_addresses(
                &message("mailer-daemon@x.io", "Weekly digest", "hello"),
                &me
            )
            .is_none()
        );
    }
}
