//! One message's bytes into a `Message`.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};
use rekindle_core::EmailAddress;
use rekindle_core::mail::{Message, parse_delivery_status};

fn addresses(value: Option<&Address>) -> Vec<EmailAddress> {
    value
        .map(|a| {
            a.iter()
                .filter_map(|x| x.address())
                .filter_map(|x| EmailAddress::parse(x).ok())
                .collect()
        })
        .unwrap_or_default()
}

fn ids(value: &HeaderValue) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// FNV-1a over the raw bytes: the key of a message without a Message-ID, stable across runs.
fn content_key(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("sha-fnv:{hash:016x}")
}

/// How much of a message is read for its headers and text. A report's delivery status sits
/// here too; only attachments lie beyond.
const TEXT_WINDOW: usize = 32 * 1024;

/// Parses one message. The error says why it was not taken.
pub fn parse(bytes: &[u8]) -> Result<Message, String> {
    parse_filtered(bytes, &|_| true)
}

/// Parses one message's headers, and its body only when `wanted` says the headers make it
/// worth reading: a message that concerns no one comes back with its headers and no text.
pub fn parse_filtered(bytes: &[u8], wanted: &dyn Fn(&Message) -> bool) -> Result<Message, String> {
    if bytes.iter().take(4096).filter(|b| **b == 0).count() > 8 {
        return Err("binary data, not a message".into());
    }
    // Headers and text come first in practice: the rest (attachments) is not decoded unless
    // the text is not within the window, or the headers do not end in it.
    let window = &bytes[..bytes.len().min(TEXT_WINDOW)];
    let headers = MessageParser::default()
        .parse_headers(window)
        .ok_or("not a mail message")?;
    let head = build(&headers, bytes, false)?;
    if !wanted(&head) {
        return Ok(head);
    }
    let mut parsed = MessageParser::default()
        .parse(window)
        .ok_or("not a mail message")?;
    if window.len() < bytes.len()
        && (parsed.body_text(0).is_none()
            || (memchr::memmem::find(window, b"\n\n").is_none()
                && memchr::memmem::find(window, b"\n\r\n").is_none()))
    {
        parsed = MessageParser::default()
            .parse(bytes)
            .ok_or("not a mail message")?;
    }
    build(&parsed, bytes, true)
}

/// What a delivery report says of each recipient (RFC 3464): the `message/delivery-status`
/// (or RFC 6533 `message/global-delivery-status`) parts, wherever they sit, with their
/// transfer encoding (base64, quoted-printable) undone by mail-parser, read by
/// `parse_delivery_status`. `None` when the message is not a report. Read from the headers
/// alone (`with_text` false), a `multipart/report; report-type=delivery-status` message is a
/// report whose recipients are not read yet (an empty list).
fn delivery_report(
    parsed: &mail_parser::Message<'_>,
    with_text: bool,
) -> Option<Vec<rekindle_core::mail::RecipientStatus>> {
    let is_status = |ct: &mail_parser::ContentType<'_>| {
        ct.ctype().eq_ignore_ascii_case("message")
            && ct.subtype().is_some_and(|s| {
                s.eq_ignore_ascii_case("delivery-status")
                    || s.eq_ignore_ascii_case("global-delivery-status")
            })
    };
    let is_report = parsed.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|r| r.to_ascii_lowercase().contains("delivery-status"))
    });
    if !with_text {
        return is_report.then(Vec::new);
    }
    let mut found = false;
    let mut recipients = Vec::new();
    for part in &parsed.parts {
        if part.content_type().is_some_and(is_status) {
            found = true;
            let text = String::from_utf8_lossy(part.contents());
            recipients.extend(parse_delivery_status(&text));
        }
    }
    (found || is_report).then_some(recipients)
}

/// The message as the core sees it, from what was parsed (`with_text`: the body too).
fn build(
    parsed: &mail_parser::Message<'_>,
    bytes: &[u8],
    with_text: bool,
) -> Result<Message, String> {
    let from = addresses(parsed.from()).into_iter().next();
    let message_id = parsed.message_id().map(str::to_string);
    let date = parsed
        .date()
        .and_then(|d| jiff::Timestamp::from_second(d.to_timestamp()).ok());
    if from.is_none() && message_id.is_none() && date.is_none() {
        return Err("no From, Message-ID or Date header".into());
    }
    let automatic_headers = [
        "Auto-Submitted",
        "X-Autoreply",
        "X-Autorespond",
        "Precedence",
    ]
    .iter()
    .filter_map(|name| {
        parsed
            .header_raw(*name)
            .map(|v| (name.to_string(), v.trim().to_string()))
    })
    .collect();
    let delivery_report = delivery_report(parsed, with_text);
    Ok(Message {
        key: message_id.clone().unwrap_or_else(|| content_key(bytes)),
        message_id,
        in_reply_to: ids(parsed.in_reply_to()),
        references: ids(parsed.references()),
        from,
        to: addresses(parsed.to()),
        reply_to: addresses(parsed.reply_to()),
        cc: addresses(parsed.cc()),
        date,
        subject: parsed.subject().unwrap_or("").to_string(),
        automatic_headers,
        text: if with_text {
            parsed
                .body_text(0)
                .map(|t| t.into_owned())
                .unwrap_or_default()
        } else {
            String::new()
        },
        delivery_report,
    })
}
