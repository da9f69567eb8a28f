//! Amazon SES bounce notifications delivered as mail: an SNS topic with an email subscription
//! sends each notification as a message whose body is the notification's JSON (`email`
//! protocol), or the SNS envelope with the notification as its `Message` string
//! (`email-json`). Source: the Amazon SES developer guide, "Contents of Amazon SNS
//! notifications for Amazon SES" (top-level `notificationType`, or `eventType` for event
//! publishing; the `bounce` object: `bounceType` `Permanent`, `Transient` or `Undetermined`,
//! `bouncedRecipients` each with `emailAddress` and, when SES has a DSN, `action`, `status`).
//!
//! Read per recipient like an RFC 3464 report: only a `Permanent` bounce marks an address, and
//! of its recipients only those whose own `action`/`status` (when given) say a permanent
//! failure (`failed`, 5.x.x); a `Transient` or `Undetermined` bounce marks none.

use super::message::{DeliveryAction, RecipientStatus};
use crate::EmailAddress;
use serde_json::Value;

/// The senders of SNS and SES notifications by mail.
const NOTIFIERS: &[&str] = &["sns.amazonaws.com", "amazonses.com"];

/// Whether `from` is Amazon's notification sender (`no-reply@sns.amazonaws.com`, a
/// `*.amazonses.com` address): its messages may report bounces, whoever they concern.
pub(crate) fn is_notifier(from: &EmailAddress) -> bool {
    let domain = from.domain().to_ascii_lowercase();
    NOTIFIERS
        .iter()
        .any(|n| domain == *n || domain.ends_with(&format!(".{n}")))
}

/// What an SES notification in `text` says of each recipient: `None` when the text is not an
/// SES bounce notification, else its recipients (`failed` with the status given, or 5.0.0
/// for a `Permanent` bounce that gives none; `delayed` for the others).
pub(crate) fn ses_bounce(text: &str) -> Option<Vec<RecipientStatus>> {
    if !text.contains("Bounce") || !text.contains("bouncedRecipients") {
        return None;
    }
    // Lines over 990 characters arrive split the way sendmail splits them ("!", a line
    // break and a space inserted: sisimai's set-of-emails lhost-amazonses-09 and -10).
    let text = text.replace("!\r\n ", "").replace("!\n ", "");
    let text = text.as_str();
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    let mut value: Value = serde_json::from_str(text.get(start..=end)?).ok()?;
    // The `email-json` envelope carries the notification as a string.
    if let Some(inner) = value.get("Message").and_then(Value::as_str) {
        value = serde_json::from_str(inner).ok()?;
    }
    let kind = value
        .get("notificationType")
        .or_else(|| value.get("eventType"))
        .and_then(Value::as_str)?;
    if kind != "Bounce" {
        return None;
    }
    let bounce = value.get("bounce")?;
    let permanent = bounce.get("bounceType").and_then(Value::as_str) == Some("Permanent");
    let recipients = bounce.get("bouncedRecipients")?.as_array()?;
    Some(
        recipients
            .iter()
            .filter_map(|r| {
                let address = r.get("emailAddress").and_then(Value::as_str)?;
                let recipient = EmailAddress::parse(address.trim()).ok()?;
                let status = r
                    .get("status")
                    .and_then(Value::as_str)
                    .map(|s| s.trim().to_string());
                let action = match r.get("action").and_then(Value::as_str) {
                    Some(a) => DeliveryAction::parse(a),
                    None if permanent => DeliveryAction::Failed,
                    None => DeliveryAction::Delayed,
                };
                Some(RecipientStatus {
                    recipient,
                    original: None,
                    // A transient or undetermined bounce fails no one for good, whatever a
                    // recipient's own fields say.
                    action: if permanent {
                        action
                    } else {
                        DeliveryAction::Delayed
                    },
                    status: status.or_else(|| permanent.then(|| "5.0.0".to_string())),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permanent_bounces_mark_their_recipients_and_others_none() {
        let permanent = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"dana@northwind.example","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"},{"emailAddress":"sam@northwind.example"}],"timestamp":"2026-11-20T11:05:06.477Z"},"mail":{"destination":["dana@northwind.example","sam@northwind.example","jim@northwind.example"]}}"#;
        let read = ses_bounce(permanent).unwrap();
        assert_eq!(read.len(), 2);
        assert!(read.iter().all(RecipientStatus::is_permanent_failure));
        let transient = permanent.replace("\"Permanent\"", "\"Transient\"");
        assert!(
            !ses_bounce(&transient)
                .unwrap()
                .iter()
                .any(RecipientStatus::is_permanent_failure)
        );
        let envelope =
            serde_json::json!({"Type": "Notification", "Message": permanent}).to_string();
        assert_eq!(ses_bounce(&envelope).unwrap().len(), 2);
        // A long line split on its way ("!", a line break and a space inserted).
        let split = permanent.replace("\"sam@", "!\n \"sam@");
        assert_eq!(ses_bounce(&split).unwrap().len(), 2);
        assert!(ses_bounce(r#"{"notificationType":"Delivery","delivery":{}}"#).is_none());
        assert!(ses_bounce("Bounce bouncedRecipients {not json").is_none());
    }
}
