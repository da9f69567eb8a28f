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

/// The Subject, decoded. mail-parser decodes each RFC 2047 encoded word on its own, so a
/// character split across two adjacent words (RFC 2047 section 6.2 lets a sender cut
/// anywhere between encoded words; section 5 forbids only splitting a character *within* one
/// word, which clients do anyway) comes out as two replacement characters; such subjects are
/// decoded here with the adjacent words of one charset joined first (`decode_encoded_words`).
fn subject(parsed: &mail_parser::Message<'_>) -> String {
    let decoded = parsed.subject().unwrap_or("");
    match parsed.header_raw("Subject") {
        Some(raw) if raw.contains("=?") => decode_encoded_words(raw),
        _ => decoded.to_string(),
    }
}

/// Decodes a header's RFC 2047 encoded words (`=?charset?B|Q?text?=`): whitespace between
/// adjacent encoded words is dropped (section 6.2), adjacent words of the same charset are
/// joined as bytes before the charset is applied (a multi-byte character split across them
/// decodes), an RFC 2231 language suffix (`utf-8*en`) is ignored. What cannot be decoded
/// falls back and never fails: a word that is not valid base64 or Q stays as written, an
/// unknown charset is read as UTF-8 where valid, else byte by byte (ASCII intact), so checks
/// on the subject's words still work.
pub fn decode_encoded_words(raw: &str) -> String {
    // Unfold (RFC 5322 section 2.2.3).
    let unfolded: String = raw.replace("\r\n", "\n").replace('\n', "");
    let text = unfolded.trim();
    let mut out = String::with_capacity(text.len());
    // Pending decoded bytes of adjacent words in one charset, and whitespace seen after them.
    let mut pending: Option<(String, Vec<u8>)> = None;
    let mut gap = String::new();
    let flush = |out: &mut String, pending: &mut Option<(String, Vec<u8>)>| {
        if let Some((charset, bytes)) = pending.take() {
            out.push_str(&decode_charset(&charset, &bytes));
        }
    };
    let mut rest = text;
    while !rest.is_empty() {
        if let Some((charset, bytes, len)) = encoded_word(rest) {
            // Whitespace between two encoded words is not part of the text.
            gap.clear();
            match &mut pending {
                Some((c, b)) if c.eq_ignore_ascii_case(&charset) => b.extend(bytes),
                _ => {
                    flush(&mut out, &mut pending);
                    pending = Some((charset, bytes));
                }
            }
            rest = &rest[len..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if c.is_whitespace() && pending.is_some() {
            gap.push(c);
        } else {
            flush(&mut out, &mut pending);
            out.push_str(&gap);
            gap.clear();
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut out, &mut pending);
    out.push_str(&gap);
    out
}

/// The encoded word at the start of `s`: its charset, its decoded bytes and its length.
fn encoded_word(s: &str) -> Option<(String, Vec<u8>, usize)> {
    let body = s.strip_prefix("=?")?;
    let (charset, body) = body.split_once('?')?;
    let (encoding, body) = body.split_once('?')?;
    let end = body.find("?=")?;
    let payload = &body[..end];
    if charset.is_empty() || payload.contains(char::is_whitespace) || encoding.len() != 1 {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => mail_parser::decoders::base64::base64_decode(payload.as_bytes())?,
        "Q" | "q" => q_decode(payload.as_bytes())?,
        _ => return None,
    };
    let len = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    let charset = charset.split('*').next().unwrap_or(charset).to_string();
    Some((charset, bytes, len))
}

/// RFC 2047 section 4.2: `_` is a space, `=XX` a byte.
fn q_decode(payload: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(payload.len());
    let mut i = 0;
    while i < payload.len() {
        match payload[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = payload.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(out)
}

/// Bytes in a named charset as text (mail-parser's charset tables), else UTF-8 where valid,
/// else each byte as the character of the same number (ASCII kept).
fn decode_charset(charset: &str, bytes: &[u8]) -> String {
    if charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8") {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    match mail_parser::decoders::charsets::map::charset_decoder(charset.as_bytes()) {
        Some(decode) => decode(bytes),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => bytes.iter().map(|b| char::from(*b)).collect(),
        },
    }
}

/// What a delivery report says of each recipient (RFC 3464): the `message/delivery-status`
/// (or RFC 6533 `message/global-delivery-status`) parts, wherever they sit, with their
/// transfer encoding (base64, quoted-printable) undone by mail-parser, read by
/// `parse_delivery_status`. `None` when the message is not a report. Read from the headers
/// alone (`with_text` false), a `multipart/report; report-type=delivery-status` message is a
/// report whose recipients are not read yet (an empty list).
///
/// A report whose MIME structure is broken (a `multipart/report` whose boundary never occurs,
/// as some relays and archives leave it) has its status fields in the plain `text`: they are
/// read from there.
fn delivery_report(
    parsed: &mail_parser::Message<'_>,
    with_text: bool,
    text: &str,
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
    if is_report && !found {
        recipients = parse_delivery_status(text);
    }
    (found || is_report).then_some(recipients)
}

/// The plain text of the body (mail-parser's first text part). A multipart message in which
/// no part could be found (its boundary never occurs) is read as the raw text after its
/// headers, so what it says is not lost.
fn body_text(parsed: &mail_parser::Message<'_>) -> String {
    if let Some(text) = parsed.body_text(0).filter(|t| !t.trim().is_empty()) {
        return text.into_owned();
    }
    let root = parsed.root_part();
    let multipart = parsed
        .content_type()
        .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"));
    let raw = parsed.raw_message();
    let (start, end) = (root.offset_body as usize, root.offset_end as usize);
    match raw.get(start..end.min(raw.len())) {
        Some(body) if multipart && parsed.parts.len() <= 1 => {
            String::from_utf8_lossy(body).into_owned()
        }
        _ => String::new(),
    }
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
    let text = if with_text {
        body_text(parsed)
    } else {
        String::new()
    };
    let delivery_report = delivery_report(parsed, with_text, &text);
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
        subject: subject(parsed),
        automatic_headers,
        text,
        delivery_report,
    })
}
