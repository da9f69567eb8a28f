//! The readers against mail files written here, nasty ones included.

use rekindle_core::mail::{Message, bounced_addresses};
use rekindle_ingest::{Kind, kind_of, read};
use std::path::Path;

fn eml(id: &str, from: &str, to: &str, subject: &str, body: &str) -> String {
    format!(
        "Message-ID: <{id}>\r\nFrom: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Tue, 12 May 2026 09:14:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

fn read_all(path: &Path) -> (Vec<Message>, rekindle_ingest::ReadSummary) {
    let mut messages = Vec::new();
    let summary = read(path, |m| messages.push(m)).unwrap();
    (messages, summary)
}

#[test]
fn mbox_with_quoted_from_junk_bad_charset_and_a_truncated_tail() {
    let dir = tempfile::tempdir().unwrap();
    let mut mbox = String::new();
    mbox.push_str("From alex@seller.io Tue May 12 09:14:00 2026\n");
    mbox.push_str(&eml(
        "a1@seller.io",
        "Alex Morgan <alex@seller.io>",
        "dana+crm@northwind.io",
        "Proposal",
        "Here it is.\n>From the numbers you sent, the overtime line pays for it.",
    ));
    mbox.push_str("\nFrom dana@northwind.io Tue May 12 11:02:00 2026\n");
    mbox.push_str("Message-ID: <r1@northwind.io>\nIn-Reply-To: <a1@seller.io>\nReferences: <a0@seller.io> <a1@seller.io>\nFrom: Dana Reyes <Dana@Northwind.io>\nTo: alex@seller.io\nSubject: Re: Proposal\nDate: Tue, 12 May 2026 11:02:00 +0000\nContent-Type: text/plain; charset=x-unknown-charset\n\nThursday works.\n\nOn Tue, 12 May 2026 at 09:14, Alex Morgan <alex@seller.io> wrote:\n> Here it is.\n");
    let mut bytes = mbox.into_bytes();
    // A separator followed by a header, then garbage: a message of its own, skipped.
    bytes.extend_from_slice(b"\nFrom junk Tue May 12 12:00:00 2026\nX-Junk: 1\n");
    bytes.extend((0..2000u32).map(|i| (i % 7) as u8));
    bytes.extend_from_slice(b"\nFrom priya@northwind.io Tue May 12 13:00:00 2026\nMessage-ID: <t1@northwind.io>\nFrom: priya@northwind.io\nSubject: cut off mid-wa");
    let path = dir.path().join("sent.mbox");
    std::fs::write(&path, &bytes).unwrap();

    assert_eq!(kind_of(&path).unwrap(), Kind::Mbox);
    let (messages, summary) = read_all(&path);
    assert_eq!(summary.messages, 3, "{:?}", summary.skipped);
    assert_eq!(summary.skipped.len(), 1);
    assert!(
        summary.skipped[0].origin.contains("message 3, byte"),
        "{:?}",
        summary.skipped
    );
    assert!(summary.skipped[0].reason.contains("binary"));

    let sent = &messages[0];
    assert_eq!(sent.key, "a1@seller.io");
    assert_eq!(sent.to[0].as_str(), "dana+crm@northwind.io");
    assert!(
        sent.text.contains("From the numbers you sent"),
        "mboxrd un-quoting: {:?}",
        sent.text
    );

    let reply = &messages[1];
    assert_eq!(reply.from.as_ref().unwrap().as_str(), "dana@northwind.io");
    assert_eq!(reply.in_reply_to, ["a1@seller.io"]);
    assert_eq!(reply.references, ["a0@seller.io", "a1@seller.io"]);
    assert!(
        reply.text.starts_with("Thursday works."),
        "an unknown charset still reads: {:?}",
        reply.text
    );
    assert_eq!(
        rekindle_core::mail::new_text(&reply.text),
        "Thursday works."
    );

    assert_eq!(
        messages[2].key, "t1@northwind.io",
        "a truncated last message is still read"
    );
}

#[test]
fn maildir_and_eml_folders_and_single_files() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    std::fs::write(
        maildir.join("new/1.host"),
        eml(
            "m1@x.io",
            "dana@northwind.io",
            "alex@seller.io",
            "Hi",
            "One",
        ),
    )
    .unwrap();
    std::fs::write(
        maildir.join("cur/2.host:2,S"),
        eml(
            "m2@x.io",
            "priya@northwind.io",
            "alex@seller.io",
            "Hello",
            "Two",
        ),
    )
    .unwrap();
    assert_eq!(kind_of(&maildir).unwrap(), Kind::Maildir);
    let (messages, summary) = read_all(&maildir);
    assert_eq!(summary.messages, 2);
    let mut keys: Vec<&str> = messages.iter().map(|m| m.key.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["m1@x.io", "m2@x.io"]);

    let folder = dir.path().join("exports");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("a.eml"),
        eml("e1@x.io", "dana@northwind.io", "alex@seller.io", "A", "a"),
    )
    .unwrap();
    std::fs::write(folder.join("b.EML"), "\u{0}\u{1}".repeat(100)).unwrap();
    std::fs::write(folder.join("notes.txt"), "not mail").unwrap();
    let (messages, summary) = read_all(&folder);
    assert_eq!((messages.len(), summary.skipped.len()), (1, 1));
    assert!(summary.skipped[0].origin.ends_with("b.EML"));

    let single = folder.join("a.eml");
    assert_eq!(kind_of(&single).unwrap(), Kind::Eml);
    assert_eq!(read_all(&single).0.len(), 1);
    assert!(
        read(&dir.path().join("missing.mbox"), |_| {})
            .unwrap_err()
            .to_string()
            .contains("missing.mbox")
    );
}

#[test]
fn a_message_without_message_id_gets_a_stable_content_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.eml");
    std::fs::write(
        &path,
        "From: dana@northwind.io\nSubject: no id\nDate: Tue, 12 May 2026 09:14:00 +0000\n\nhello\n",
    )
    .unwrap();
    let first = read_all(&path).0.remove(0);
    let again = read_all(&path).0.remove(0);
    assert!(first.key.starts_with("sha-fnv:"));
    assert_eq!(first.key, again.key);
}

#[test]
fn delivery_reports_and_auto_replies_are_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let dsn = "Message-ID: <b1@mx.northwind.io>\nFrom: Mail Delivery System <MAILER-DAEMON@mx.northwind.io>\nTo: alex@seller.io\nSubject: Undelivered Mail Returned to Sender\nDate: Tue, 12 May 2026 09:15:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.northwind.io\n\nFinal-Recipient: rfc822; dana@northwind.io\nAction: failed\nStatus: 5.1.1\n--B--\n";
    let path = dir.path().join("dsn.eml");
    std::fs::write(&path, dsn).unwrap();
    let message = read_all(&path).0.remove(0);
    let me = [rekindle_core::EmailAddress::parse("alex@seller.io").unwrap()];
    assert_eq!(
        bounced_addresses(&message, &me)
            .unwrap()
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>(),
        ["dana@northwind.io"]
    );

    let ooo = "Message-ID: <o1@northwind.io>\nFrom: dana@northwind.io\nTo: alex@seller.io\nSubject: Automatic reply: Proposal\nAuto-Submitted: auto-replied\nDate: Tue, 12 May 2026 09:15:00 +0000\n\nI am out of the office until May 20th.\n";
    let path = dir.path().join("ooo.eml");
    std::fs::write(&path, ooo).unwrap();
    let message = read_all(&path).0.remove(0);
    let headers: Vec<(&str, &str)> = message
        .automatic_headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let sent = rekindle_core::time::date_of(message.date.unwrap());
    let auto = rekindle_core::mail::auto_reply(&headers, &message.subject, &message.text, sent)
        .expect("an auto-reply");
    assert_eq!(auto.returns_on.unwrap().to_string(), "2026-05-21");
}

#[test]
fn the_text_is_found_before_and_after_large_attachments() {
    let blob: String = (0..20_000).map(|i| format!("QUJDRE{:070}\n", i)).collect();
    let text_first = format!(
        "Message-ID: <big1@x>\nFrom: dana@acme.example\nTo: alex@seller.io\nSubject: Docs\nDate: Tue, 12 May 2026 09:14:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nSigned copy attached.\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n{blob}--b--\n"
    );
    let text_last = format!(
        "Message-ID: <big2@x>\nFrom: dana@acme.example\nTo: alex@seller.io\nSubject: Docs\nDate: Tue, 12 May 2026 09:14:00 +0000\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n{blob}--b\nContent-Type: text/plain\n\nThe text comes last here.\n--b--\n"
    );
    assert!(text_first.len() > 1_000_000);
    let first = rekindle_ingest::parse(text_first.as_bytes()).unwrap();
    assert_eq!(first.text.trim(), "Signed copy attached.");
    let last = rekindle_ingest::parse(text_last.as_bytes()).unwrap();
    assert_eq!(last.text.trim(), "The text comes last here.");
    assert_eq!(last.key, "big2@x");
}

#[test]
fn a_message_not_wanted_by_its_headers_is_not_decoded_further() {
    let raw = eml(
        "n1@news.example",
        "News <news@vendor.example>",
        "alex@seller.io",
        "Digest",
        "Top stories this week.",
    );
    let skipped = rekindle_ingest::parse_filtered(raw.as_bytes(), &|m| {
        m.from
            .as_ref()
            .is_some_and(|f| f.as_str() != "news@vendor.example")
    })
    .unwrap();
    assert_eq!(skipped.key, "n1@news.example");
    assert_eq!(skipped.subject, "Digest");
    assert_eq!(skipped.to[0].as_str(), "alex@seller.io");
    assert!(skipped.text.is_empty(), "the body is not read");
    let full = rekindle_ingest::parse_filtered(raw.as_bytes(), &|_| true).unwrap();
    assert_eq!(full.text.trim(), "Top stories this week.");
}

/// A padded header block (the F10 case: `X-Pad` of 40 KB) and a base64 body of many MB: the
/// text is read from the body's start, the size counts in full, and a header block past
/// `MAX_HEADER` yields the headers without the text.
#[test]
fn huge_headers_and_bodies_are_read_within_bounds() {
    use rekindle_ingest::MAX_HEADER;
    let dir = tempfile::tempdir().unwrap();
    let line = "WWVzIGxldHMgY29udGludWUsIHdlIGhhdmUgYnVkZ2V0IG5vdy4gWWVzIGxldHMgY29udGludWUs\n";
    let message = |pad: usize| {
        let mut m = format!(
            "From: Dana <dana@acme.example>\nTo: alex@seller.example\nDate: Tue, 10 Nov 2026 10:00:00 +0000\nSubject: Re\nMessage-ID: <fp{pad}@acme.example>\nX-Pad: {}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
            "p".repeat(pad)
        );
        m.push_str(&line.repeat(100_000));
        m
    };
    let padded = dir.path().join("padded.eml");
    std::fs::write(&padded, message(40_000)).unwrap();
    let (messages, summary) = read_all(&padded);
    assert_eq!(summary.bytes, std::fs::metadata(&padded).unwrap().len());
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0]
            .text
            .starts_with("Yes lets continue, we have budget now.")
    );
    assert!(
        messages[0].text.len() < 64 * 1024,
        "{} bytes of text",
        messages[0].text.len()
    );

    let beyond = dir.path().join("beyond.eml");
    std::fs::write(&beyond, message(MAX_HEADER + 10)).unwrap();
    let (messages, _) = read_all(&beyond);
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0].message_id.as_deref(),
        Some(format!("fp{}@acme.example", MAX_HEADER + 10).as_str())
    );
    assert!(messages[0].text.is_empty());
}

/// A `Date:` header is held to the range every date is (1900-01-01 to 2199-12-31): a message
/// dated outside it is skipped naming its file, position, date and Message-ID, never dated
/// on a guessed day (a year written `0099` is not 1999 or 2099); a two-digit year (RFC 5322
/// section 4.3) and the range's last day are read.
#[test]
fn a_message_dated_outside_the_accepted_range_is_skipped_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let dated = |id: &str, date: &str| {
        format!(
            "From x Thu Jan  1 00:00:00 2026\nMessage-ID: <{id}>\nFrom: Dana <dana@northwind.io>\nTo: alex@seller.io\nSubject: Re: Proposal\nDate: {date}\n\nThursday works.\n\n"
        )
    };
    let mbox = [
        dated("far@northwind.io", "Sat, 01 Jan 2200 09:00:00 +0000"),
        dated("early@northwind.io", "Sun, 31 Dec 1899 23:00:00 +0000"),
        dated(
            "zero-padded@northwind.io",
            "Thu, 01 Jan 0099 09:00:00 +0000",
        ),
        dated("last@northwind.io", "Tue, 31 Dec 2199 09:00:00 +0000"),
        dated("short@northwind.io", "Tue, 12 May 26 09:00:00 +0000"),
    ]
    .concat();
    let path = dir.path().join("odd-dates.mbox");
    std::fs::write(&path, mbox).unwrap();
    let (messages, summary) = read_all(&path);
    let kept: Vec<_> = messages
        .iter()
        .map(|m| (m.message_id.clone().unwrap(), m.date.map(|d| d.to_string())))
        .collect();
    assert_eq!(
        kept,
        vec![
            (
                "last@northwind.io".to_string(),
                Some("2199-12-31T09:00:00Z".to_string())
            ),
            (
                "short@northwind.io".to_string(),
                Some("2026-05-12T09:00:00Z".to_string())
            ),
        ]
    );
    assert_eq!(summary.skipped.len(), 3, "{:?}", summary.skipped);
    for (skipped, id) in summary.skipped.iter().zip([
        "far@northwind.io",
        "early@northwind.io",
        "zero-padded@northwind.io",
    ]) {
        assert!(skipped.origin.contains("odd-dates.mbox"), "{skipped:?}");
        assert!(
            skipped.reason.contains(id)
                && skipped.reason.contains("outside 1900-01-01 to 2199-12-31"),
            "{skipped:?}"
        );
    }
}
