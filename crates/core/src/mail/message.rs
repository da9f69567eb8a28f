//! A mail message as the record needs it, whatever the source: identity and threading,
//! who wrote to whom and when, the new text, and what marks it automatic or a bounce.
//!
//! Bounces are read per recipient. A standard delivery report
//! (`multipart/report; report-type=delivery-status`, RFC 3464) names each recipient with its
//! `Action` and `Status`: only `failed` with a permanent (5.x.x, RFC 3463 section 3.1) status
//! marks an address; `delayed`, `delivered`, `relayed`, `expanded` and transient (4.x.x)
//! statuses are notices (ustaxcourt/ef-cms#863: delay notices sat among the bounces). A
//! non-standard bounce (qmail's "failure notice", Exim's "Mail delivery failed", Postfix or
//! Sendmail without a report part, Exchange's "Undeliverable") names its failed recipients in
//! its own text, above the copy of the returned message: only those count, never the From,
//! To and Cc of the copy (haraka/Haraka#568, bruceg/ezmlm-idx#11), nor the returned message's
//! sender where the text names it (the notice goes to the sender, RFC 5321 section 4.5.5).
//! Exim's "retry timeout exceeded" is Exim giving up for good: a failure, not a delay. No crate on the toolchain
//! reads RFC 3464 fields or the non-standard forms (mail-parser leaves a
//! `message/delivery-status` part as bytes), so both are read here, by their published shapes.

use crate::{ContactId, DealRecord, EmailAddress, Outcome};
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
    /// A delivery report: `Some` when the message carries a `message/delivery-status` part
    /// (RFC 3464; also `message/global-delivery-status`, RFC 6533), with what that part says
    /// of each recipient (an empty list when none could be read).
    pub delivery_report: Option<Vec<RecipientStatus>>,
}

/// The action a reporting mail system took for one recipient (RFC 3464 section 2.3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryAction {
    Failed,
    Delayed,
    Delivered,
    Relayed,
    Expanded,
    /// A value the RFC does not define, or none.
    Unknown,
}

impl DeliveryAction {
    /// Reads an `Action` field's value, ignoring case and comments (`failed (bad mailbox)`).
    pub fn parse(value: &str) -> DeliveryAction {
        let word = value
            .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
            .find(|w| !w.is_empty())
            .unwrap_or("")
            .to_ascii_lowercase();
        match word.as_str() {
            "failed" => DeliveryAction::Failed,
            "delayed" => DeliveryAction::Delayed,
            "delivered" => DeliveryAction::Delivered,
            "relayed" => DeliveryAction::Relayed,
            "expanded" => DeliveryAction::Expanded,
            _ => DeliveryAction::Unknown,
        }
    }
}

/// What a delivery report says of one recipient (RFC 3464 section 2.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecipientStatus {
    /// `Final-Recipient`, else `Original-Recipient` (the address type, `rfc822;`, dropped).
    pub recipient: EmailAddress,
    /// `Original-Recipient`, when it names another address than `recipient` (the one the
    /// sender wrote, before forwarding).
    pub original: Option<EmailAddress>,
    pub action: DeliveryAction,
    /// The `Status` code (`5.1.1`), when there is one.
    pub status: Option<String>,
}

impl RecipientStatus {
    /// A failed recipient (`failed`, and read as the report means it): mail to it cannot be
    /// delivered. `failed` with a permanent status (class 5) or no readable status counts;
    /// a transient status (class 4) does not, whatever the action says (RFC 3463 section
    /// 3.1: 4.X.X is "persistent transient failure", the message may still go). A report
    /// without `Action` counts only with a permanent status.
    pub fn is_permanent_failure(&self) -> bool {
        let class = self
            .status
            .as_deref()
            .and_then(|s| s.trim().chars().next())
            .filter(|c| matches!(c, '2' | '4' | '5'));
        matches!(
            (self.action, class),
            (DeliveryAction::Failed, Some('5') | None) | (DeliveryAction::Unknown, Some('5'))
        )
    }
}

/// Reads the per-recipient groups of a `message/delivery-status` body (RFC 3464 section 2.1:
/// a per-message group, then one group per recipient, separated by blank lines; fields folded
/// as in RFC 5322). Groups without a readable recipient are left out; bad input yields fewer
/// entries, never an error.
pub fn parse_delivery_status(text: &str) -> Vec<RecipientStatus> {
    let mut out = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut flush = |fields: &mut Vec<(String, String)>| {
        let get = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let address = |v: &str| {
            let v = v.rsplit_once(';').map_or(v, |(_, a)| a);
            EmailAddress::parse(v.trim()).ok()
        };
        let final_recipient = get("final-recipient").and_then(address);
        let original = get("original-recipient").and_then(address);
        if let Some(recipient) = final_recipient.clone().or_else(|| original.clone()) {
            out.push(RecipientStatus {
                original: original.filter(|o| *o != recipient),
                recipient,
                action: get("action").map_or(DeliveryAction::Unknown, DeliveryAction::parse),
                status: get("status").and_then(|s| {
                    s.split(|c: char| c.is_whitespace() || c == '(')
                        .find(|w| !w.is_empty())
                        .map(str::to_string)
                }),
            });
        }
        fields.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut fields);
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    flush(&mut fields);
    out
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

const BOUNCE_SENDERS: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "mail-daemon",
    "mailerdaemon",
    "mailer_daemon",
    "mdaemon",
    "mail.delivery.system",
    "post_master",
];

/// Subjects of non-standard bounces (qmail, Exim, Postfix, Sendmail, Exchange, Gmail, Lotus
/// Notes and their translations), lower-cased.
const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliverable",
    "undelivered mail",
    "delivery status notification (failure)",
    "mail delivery failed",
    "delivery failure",
    "delivery has failed",
    "returned mail",
    "failure notice",
    "mail delivery failure",
    "could not be delivered",
    "non-delivery",
    "nondeliverable",
    "unzustellbar",
    "nicht zustellbar",
    "non remis",
    "non recapitabile",
    "onbestelbaar",
    "olevererbart",
    "no se puede entregar",
    "no entregado",
];

/// Wording of a notice that the message is still being tried: not a bounce.
const DELAY_WORDS: &[&str] = &[
    "(delay)",
    "delayed mail",
    "delivery delayed",
    "warning only",
    "will be retried",
    "will retry",
    "still being retried",
    "still trying",
    "delivery incomplete",
    "has not yet been delivered",
    "temporary failure",
    "verzögert",
];

/// Wording of a message given up on after retrying (Sendmail's "could not be delivered for
/// too long", a queue lifetime passed): the address is not known to be bad.
const GAVE_UP_WORDS: &[&str] = &[
    "in the queue too long",
    "delivered for too long",
    "message expired",
    "envelope expired",
    "delivery time expired",
];

/// Wording of a failure in a non-standard bounce. The first `STRONG_WORDS` of them say the
/// failure is permanent even beside delay wording; the rest ("could not be delivered") are
/// also how delay notices begin ("could not be delivered for more than 2 hours").
const PERMANENT_WORDS: &[&str] = &[
    // Exim's reason when an address passed its retry rules' time limit: Exim stops trying and
    // returns the message ("This is a permanent error"), a final failure (RFC 3464 section
    // 2.3.3, Action `failed`), whatever transient code the last attempt got.
    "retry timeout exceeded",
    "permanent",
    "given up",
    "giving up",
    "fatal error",
    "failed permanently",
    "user unknown",
    "does not exist",
    "no such user",
    "address rejected",
    "could not be delivered",
    "couldn't be delivered",
    "wasn't delivered",
    "was not delivered",
    "delivery has failed",
    "failed:",
    "failed to these recipients",
    "not found",
];
const STRONG_WORDS: usize = 10;

/// Lines that start the copy of the returned message in a non-standard bounce: nothing below
/// them names a failed recipient.
const COPY_MARKERS: &[&str] = &[
    "below this line is a copy of the message",
    "this is a copy of the message",
    "original message follows",
    "original message headers",
    "----- original message -----",
    "-----original message-----",
    "returned message follows",
    "unsent message below",
    "message headers follow",
    "text of the original message",
    "a copy of the original message",
    "------ this is a copy of",
    "--- the header of the original message is following",
    "the first lines of the original message",
    "------- returned message",
];

/// Wording of a line in a bounce's own text that names someone other than a failed
/// recipient: help desks, the sender of the returned message.
const SENDER_LINES: &[&str] = &[
    "assistance",
    "please contact",
    "send mail to",
    "message sent by",
    "sent by",
    "was sent from",
    "please report",
    "administrator",
    "helpdesk",
    "help desk",
];

/// Header names whose addresses belong to the returned copy, never to the failure text.
const COPY_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "sender",
    "return-path",
    "received",
    "message-id",
    "in-reply-to",
    "references",
    "delivered-to",
    "x-original-to",
    "envelope-to",
    "date",
    "subject",
    "dkim-signature",
    "list-unsubscribe",
    "x-sender",
    "x-mailer",
];

/// Whether mail to `contact` bounced since they last engaged: the one rule that drafting
/// (whom to write to, `compose`) and the send check (`outbox::check`) apply to the record,
/// and that `Store::is_bounced` applies to an address across deals. The latest of the
/// contact's bounces (`Outcome::Bounced`) and engagements (`Activity::is_engagement`: a reply,
/// a call that connected, a meeting held) decides; an address that works again (they wrote
/// back from it) is reachable. Source: PLAYBOOK.md, "Numbers from the field" (sequences stop
/// on a bounce); one rule for both, so a draft never goes to an address the send would refuse.
pub fn contact_bounced(record: &DealRecord, contact: ContactId) -> bool {
    record
        .activities
        .iter()
        .rev()
        .filter(|a| a.contact == Some(contact))
        .find(|a| a.is_engagement() || a.outcome == Some(Outcome::Bounced))
        .is_some_and(|a| a.outcome == Some(Outcome::Bounced))
}

/// A mail system's own address (`MAILER-DAEMON@...`, `postmaster@...`, Exchange's
/// `MicrosoftExchange...@`): where bounces come from.
pub(crate) fn is_daemon(address: &EmailAddress) -> bool {
    let local = address.as_str().split('@').next().unwrap_or("");
    BOUNCE_SENDERS.contains(&local) || local.starts_with("microsoftexchange")
}

/// Whether a message is a mail system's report about delivery (a standard report, or mail
/// from a mailer daemon): a bounce, or a notice (delay, relay) that concerns no person.
pub fn is_delivery_notice(message: &Message) -> bool {
    message.delivery_report.is_some()
        || message
            .from
            .as_ref()
            .is_some_and(|f| is_daemon(f) || super::ses::is_notifier(f))
}

/// The addresses a message reports as undeliverable, `None` when it is not a bounce.
///
/// A standard report: the recipients that failed permanently (`RecipientStatus::
/// is_permanent_failure`), each with its original address when it differs; a report naming
/// none is not a bounce. A report whose status part could not be read, or a non-standard
/// bounce from a mail system: the addresses its own failure text names, above the copy of the
/// returned message and outside header lines, when that text speaks of a permanent failure and
/// not of a delay. `own` (the rep's addresses) are never taken, nor the returned message's
/// sender (the notice's To, the `MAIL FROM:` of a transcript), known to the rep or not.
pub fn bounced_addresses(message: &Message, own: &[EmailAddress]) -> Option<Vec<EmailAddress>> {
    if let Some(report) = message.delivery_report.as_ref().filter(|r| !r.is_empty()) {
        let mut failed: Vec<EmailAddress> = Vec::new();
        for r in report.iter().filter(|r| r.is_permanent_failure()) {
            for a in std::iter::once(&r.recipient).chain(&r.original) {
                if !failed.contains(a) && !own.contains(a) {
                    failed.push(a.clone());
                }
            }
        }
        return (!failed.is_empty()).then_some(failed);
    }
    // Amazon SES's notification by mail: its JSON names each recipient (`mail::ses`).
    if let Some(from) = &message.from
        && super::ses::is_notifier(from)
        && let Some(recipients) = super::ses::ses_bounce(&message.text)
    {
        let report = Message {
            delivery_report: Some(recipients),
            text: String::new(),
            ..message.clone()
        };
        return bounced_addresses(&report, own);
    }
    // Report fields laid out in the plain text (a report whose MIME structure was lost): read
    // per recipient as a report part would be.
    if message.from.as_ref().is_none_or(is_daemon) {
        let inline: Vec<RecipientStatus> = parse_delivery_status(&message.text)
            .into_iter()
            .filter(|r| r.action != DeliveryAction::Unknown)
            .collect();
        if !inline.is_empty() {
            let report = Message {
                delivery_report: Some(inline),
                text: String::new(),
                ..message.clone()
            };
            return bounced_addresses(&report, own);
        }
    }
    // A mail system writes it: a daemon's address, or no address at all (`From: MAILER-DAEMON
    // <>`, the null sender of RFC 5321 section 4.5.5).
    let from_daemon = message.from.as_ref().is_none_or(is_daemon);
    let subject = message.subject.to_lowercase();
    let bounce_subject = BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s));
    let failure = failure_text(&message.text);
    let lower = failure.to_lowercase();
    let delayed = DELAY_WORDS
        .iter()
        .any(|w| subject.contains(w) || lower.contains(w));
    let permanent_words = PERMANENT_WORDS.iter().any(|w| lower.contains(w));
    let strong_words = PERMANENT_WORDS[..STRONG_WORDS]
        .iter()
        .any(|w| lower.contains(w));
    let permanent_code = has_code(&lower, '5');
    // A transient status (qmail's "(#4.4.3) I'm not going to try again") with no permanent
    // one: the message was given up on, the address is not known to be bad (RFC 3463
    // section 3.1).
    let final_failure = lower.contains(PERMANENT_WORDS[0]);
    let soft = !permanent_code
        && !final_failure
        && (has_enhanced_code(&lower, '4') || GAVE_UP_WORDS.iter().any(|w| lower.contains(w)));
    let permanent = strong_words || permanent_code;
    // From a daemon's address, its wording alone may tell (a subject in another language,
    // "Delivery status notification: error"); with no sender address, the subject must too.
    let is_bounce = if message.from.is_some() {
        from_daemon
            && (bounce_subject
                || message.delivery_report.is_some()
                || permanent_words
                || permanent_code)
    } else {
        bounce_subject
    };
    if !is_bounce || soft || (delayed && !permanent) {
        return None;
    }
    // The returned message's sender: the notice goes to its reverse-path (RFC 5321 section
    // 4.5.5), so the notice's own To is the sender, and a transcript may name it after `MAIL
    // FROM:` and again in the refusal ("550 5.7.0 <sender>... Please use the smtp server of
    // your ISP": the sender was refused, not a recipient). Neither is a failed recipient.
    let sender: Vec<EmailAddress> = message
        .to
        .iter()
        .filter_map(|a| super::normalise_address(a.as_str()))
        .chain(transcript_senders(failure))
        .collect();
    let mut found: Vec<EmailAddress> = Vec::new();
    for line in failure.lines() {
        let lower = line.to_lowercase();
        if is_header_line(line) || SENDER_LINES.iter().any(|w| lower.contains(w)) {
            continue;
        }
        for word in line.split(|c: char| {
            c.is_whitespace()
                || matches!(c, '<' | '>' | '(' | ')' | '"' | ',' | ';' | ':' | '[' | ']')
        }) {
            // A path (Exim's "save to /home/dana/mbox") is not an address.
            if !word.contains('/')
                && let Some(address) = super::normalise_address(word.trim_matches(['.', '\'']))
                && !own.contains(&address)
                && !sender.contains(&address)
                && !is_daemon(&address)
                && !found.contains(&address)
            {
                found.push(address);
            }
        }
    }
    Some(found)
}

/// The addresses an SMTP transcript in a bounce's text gives as the envelope sender
/// (`MAIL FROM:<dana@seller.example>`, RFC 5321 section 4.1.1.2), lower-cased as the record
/// keeps them.
fn transcript_senders(text: &str) -> Vec<EmailAddress> {
    let lower = text.to_lowercase();
    lower
        .match_indices("mail from:")
        .filter_map(|(at, marker)| {
            let rest = lower[at + marker.len()..].trim_start();
            let rest = rest.strip_prefix('<').unwrap_or(rest);
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '>' | ','))
                .unwrap_or(rest.len());
            super::normalise_address(&rest[..end])
        })
        .collect()
}

/// The part of a non-standard bounce's text above the copy of the returned message: up to a
/// marker line (`COPY_MARKERS`), or to where a header block starts (two header lines in a
/// row, such as the copy's `Return-Path:` and `Received:`).
fn failure_text(text: &str) -> &str {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0usize, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        })
        .collect();
    for (i, (start, line)) in lines.iter().enumerate() {
        let lower = line.trim().to_lowercase();
        if COPY_MARKERS.iter().any(|m| lower.contains(m)) {
            return &text[..*start];
        }
        // The copy's header block starts at the margin; a notice's own indented summary
        // ("  To: ... / Subject: ...", Exchange 2003) is not it.
        let at_margin = |l: &str| !l.starts_with([' ', '\t']) && is_header_line(l);
        if at_margin(line) && lines.get(i + 1).is_some_and(|(_, next)| at_margin(next)) {
            return &text[..*start];
        }
    }
    text
}

/// A line that reads as a mail header of the returned copy (`To: Dana <dana@...>`), or a
/// quoted one (`> Cc: ...`).
fn is_header_line(line: &str) -> bool {
    let line = line.trim_start_matches(['>', ' ', '\t']);
    line.split_once(':').is_some_and(|(name, _)| {
        let name = name.trim_end().to_ascii_lowercase();
        COPY_HEADERS.contains(&name.as_str()) || (name.starts_with("x-") && !name.contains(' '))
    })
}

/// The words of a bounce's text where status codes stand: split at spaces and punctuation,
/// but not at letters or dots, so a version number (`v4.6.1`) or a date is not taken for a
/// code, while `(#5.5.0)`, `550-5.7.26` and `<<< 550` are.
fn code_words(lower: &str) -> impl Iterator<Item = &str> {
    lower
        .split(|c: char| c.is_whitespace() || "-#()<>[];:,=\"'".contains(c))
        .map(|w| w.trim_end_matches('.'))
}

/// An SMTP reply code (`550`) or enhanced status code (`5.1.1`) of class `class` in the text.
fn has_code(lower: &str, class: char) -> bool {
    has_enhanced_code(lower, class)
        || code_words(lower)
            .any(|w| w.len() == 3 && w.starts_with(class) && w.chars().all(|c| c.is_ascii_digit()))
}

/// An enhanced status code (RFC 3463: `class.subject.detail`, `4.4.3`) of class `class`.
fn has_enhanced_code(lower: &str, class: char) -> bool {
    code_words(lower).any(|w| {
        let parts: Vec<&str> = w.split('.').collect();
        parts.len() == 3
            && parts[0].len() == 1
            && parts[0].starts_with(class)
            && parts[1..]
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
    })
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
        dsn.delivery_report = Some(parse_delivery_status(
            "Reporting-MTA: dns; mx.northwind.io\n\nFinal-Recipient: rfc822; dana@northwind.io\nAction: failed\nStatus: 5.1.1\n",
        ));
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

    fn addresses(found: Option<Vec<EmailAddress>>) -> Option<Vec<String>> {
        found.map(|v| v.iter().map(|a| a.as_str().to_string()).collect())
    }

    /// Exim returns a message with "retry timeout exceeded" when it stops trying for good:
    /// a final failure, even when the last attempt got a transient code.
    #[test]
    fn an_exim_retry_timeout_is_a_final_failure() {
        let me = vec![EmailAddress::parse("alex@seller.io").unwrap()];
        for reason in [
            "retry timeout exceeded",
            "retry timeout exceeded\n    last error: 451 4.7.1 Greylisted, try again later",
        ] {
            let exim = message(
                "mailer-daemon@mx.seller.io",
                "Mail delivery failed: returning message to sender",
                &format!(
                    "A message that you sent could not be delivered to one or more of its\nrecipients. The following address(es) failed:\n\n  dana@northwind.io\n    {reason}\n\n------ This is a copy of the message, including all the headers. ------\n"
                ),
            );
            assert_eq!(
                addresses(bounced_addresses(&exim, &me)),
                Some(vec!["dana@northwind.io".to_string()]),
                "{reason}"
            );
        }
        // A queue lifetime passed without Exim's final word is still not a hard bounce.
        let expired = message(
            "mailer-daemon@mx.seller.io",
            "Returned mail: see transcript for details",
            "dana@northwind.io: message expired after 5 days in the queue too long (4.4.7)\n",
        );
        assert_eq!(addresses(bounced_addresses(&expired, &me)), None);
    }

    /// The returned message's sender named in the failure text (the notice's own To, or
    /// `MAIL FROM:` in the transcript and again in the refusal) is not a failed recipient,
    /// even when it is none of the rep's known addresses (an alias, a shared mailbox).
    #[test]
    fn the_sender_named_in_a_transcript_is_not_a_failed_recipient() {
        let me = vec![EmailAddress::parse("alex@seller.io").unwrap()];
        let text = "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  dana@northwind.io\n    SMTP error from remote mail server after MAIL FROM:<sales@seller.io> SIZE=1543:\n    host mx.northwind.io [192.0.2.20]: 550 5.7.0 <sales@seller.io>... Please use the smtp server of your ISP.\n";
        let transcript = message(
            "mailer-daemon@mx.seller.io",
            "Mail delivery failed: returning message to sender",
            text,
        );
        assert_eq!(
            addresses(bounced_addresses(&transcript, &me)),
            Some(vec!["dana@northwind.io".to_string()])
        );
        // Named only in the refusal: the notice's To says whose message it returns.
        let mut to_sender = message(
            "mailer-daemon@mx.seller.io",
            "Mail delivery failed: returning message to sender",
            &text.replace("MAIL FROM:<sales@seller.io>", "end of data"),
        );
        to_sender.to = vec![EmailAddress::parse("Sales+crm@seller.io").unwrap()];
        assert_eq!(
            addresses(bounced_addresses(&to_sender, &me)),
            Some(vec!["dana@northwind.io".to_string()])
        );
    }
}
