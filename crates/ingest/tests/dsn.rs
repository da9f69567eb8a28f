//! Delivery reports and bounces read from real message bytes (RFC 3464 reports, and the
//! non-standard forms mail systems send): per recipient and per action, report parts in any
//! transfer encoding, non-standard bounces that name only the failed recipient, and encoded
//! subjects.

use rekindle_core::EmailAddress;
use rekindle_core::mail::{DeliveryAction, Message, bounced_addresses};
use rekindle_ingest::parse;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/bounces")
        .join(name)
}

fn read(name: &str) -> Message {
    parse(&std::fs::read(data(name)).unwrap()).unwrap()
}

fn me() -> Vec<EmailAddress> {
    vec![EmailAddress::parse("alex@seller.example").unwrap()]
}

/// The failed addresses as text, or `None` when the message is not a bounce.
fn failed(m: &Message) -> Option<Vec<String>> {
    bounced_addresses(m, &me()).map(|v| v.iter().map(|a| a.as_str().to_string()).collect())
}

/// Prints, for every message file under `$REKINDLE_BOUNCE_DIR`, the addresses read as
/// failed ("-" when not a bounce): the figures in the report come from running it over a
/// labelled public set.
#[test]
#[ignore = "measurement over a corpus named by REKINDLE_BOUNCE_DIR"]
fn list_bounces_in_a_directory() {
    let Ok(dir) = std::env::var("REKINDLE_BOUNCE_DIR") else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        match parse(&bytes) {
            // The bounce goes to the sender: its To stands for the rep's own addresses.
            Ok(m) => println!(
                "{name}\t{}",
                bounced_addresses(&m, &m.to).map_or("-".to_string(), |v| v
                    .iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(","))
            ),
            Err(e) => println!("{name}\terror: {e}"),
        }
    }
}

#[test]
fn a_delay_report_is_not_a_bounce() {
    // field case 03 (ustaxcourt/ef-cms#863): Gmail's "Delivery Status Notification (Delay)".
    let m = read("field-03-delay-dsn.eml");
    let report = m.delivery_report.as_ref().expect("a delivery report");
    assert_eq!(report.len(), 1);
    assert_eq!(report[0].action, DeliveryAction::Delayed);
    assert_eq!(report[0].status.as_deref(), Some("4.4.1"));
    assert_eq!(failed(&m), None);
    // realmail case 12: Postfix's "Delayed Mail (still being retried)".
    let m = read("realmail-12-dsn-delayed-marked-bounced.eml");
    assert_eq!(
        m.delivery_report.as_ref().map(|r| r[0].action),
        Some(DeliveryAction::Delayed)
    );
    assert_eq!(failed(&m), None);
}

#[test]
fn a_base64_status_part_is_decoded_and_read() {
    // realmail case 14: the message/delivery-status part is base64.
    let m = read("realmail-14-dsn-base64-status-missed.eml");
    assert_eq!(failed(&m), Some(vec!["dana@northwind.example".to_string()]));
}

#[test]
fn a_qmail_failure_notice_names_only_the_failed_recipient() {
    // field case 04 (haraka/Haraka#568): the copy below names Dana and Sam; only Dana failed.
    let m = read("field-04-qmail-failure-notice.eml");
    assert_eq!(
        failed(&m),
        Some(vec!["dana.reyes@northwind-freight.example".to_string()])
    );
}

fn eml(headers: &str, body: &str) -> Message {
    parse(
        format!("{headers}\r\n\r\n{body}")
            .replace("\r\n", "\n")
            .as_bytes(),
    )
    .unwrap()
}

const REPORT_HEAD: &str = "From: Mail Delivery System <MAILER-DAEMON@mx.lane.example>\nTo: alex@seller.example\nSubject: Undelivered Mail Returned to Sender\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <r1@mx.lane.example>\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"";

#[test]
fn each_recipient_is_read_by_its_own_action_and_status() {
    let body = "--B\nContent-Type: text/plain\n\nSee below.\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.lane.example\n\nFinal-Recipient: rfc822; kevin@lane.example\nOriginal-Recipient: rfc822;kevin.old@lane.example\nAction: failed\nStatus: 5.1.1 (user unknown)\n\nFinal-Recipient: rfc822;<jeff@lane.example>\nAction: delivered\nStatus: 2.0.0\n\nFinal-Recipient: RFC822; priya@lane.example\nAction: delayed\nStatus: 4.4.1\n\nFinal-Recipient: rfc822; omar@lane.example\nAction: relayed\nStatus: 2.0.0\n\nFinal-Recipient: rfc822; team@lane.example\nAction: expanded\nStatus: 2.0.0\n\nFinal-Recipient: rfc822; lee@lane.example\nAction: failed\nStatus: 4.4.7\nDiagnostic-Code: smtp; 554 4.4.7 Message expired\n--B--\n";
    let m = eml(REPORT_HEAD, body);
    assert_eq!(m.delivery_report.as_ref().map(Vec::len), Some(6));
    assert_eq!(
        failed(&m),
        Some(vec![
            "kevin@lane.example".to_string(),
            "kevin.old@lane.example".to_string()
        ]),
        "only the permanent failure; its original address too"
    );
}

#[test]
fn a_quoted_printable_status_part_nested_in_mixed_is_read() {
    let head = REPORT_HEAD.replace(
        "multipart/report; report-type=delivery-status; boundary=\"B\"",
        "multipart/mixed; boundary=\"M\"",
    );
    let body = "--M\nContent-Type: text/plain\n\nYour message could not be delivered.\n--M\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: quoted-printable\n\nFinal-Recipient: rfc822; kevin=40lane.example\nAction: failed\nStatus: 5.2.=\n1\n--M--\n";
    let m = eml(&head, body);
    assert_eq!(failed(&m), Some(vec!["kevin@lane.example".to_string()]));
}

#[test]
fn non_standard_bounces_name_only_the_recipient_that_failed() {
    // Exim's "Mail delivery failed": the copy below names the sender and a copied colleague.
    let exim = eml(
        "From: Mail Delivery System <Mailer-Daemon@mx.farrow.example>\nTo: alex@seller.example\nSubject: Mail delivery failed: returning message to sender\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <e1@mx.farrow.example>",
        "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  brian@farrow.example\n    host mx.farrow.example [192.0.2.7]\n    SMTP error from remote mail server after RCPT TO:<brian@farrow.example>:\n    550 5.1.1 User unknown\n\n------ This is a copy of the message, including all the headers. ------\n\nReturn-path: <alex@seller.example>\nFrom: Alex Morgan <alex@seller.example>\nTo: Brian Farrow <brian@farrow.example>\nCc: Romain Marchand <romain@farrow.example>\nSubject: Pilot\n\nHi Brian, hi Romain (romain@farrow.example),\n",
    );
    assert_eq!(
        failed(&exim),
        Some(vec!["brian@farrow.example".to_string()])
    );

    // Postfix without a report part: the returned copy is plain text below the notice.
    let postfix = eml(
        "From: MAILER-DAEMON@mx.lang.example (Mail Delivery System)\nTo: alex@seller.example\nSubject: Undelivered Mail Returned to Sender\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <p1@mx.lang.example>",
        "This is the mail system at host mx.lang.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to <help@lang.example>\n\n                   The mail system\n\n<jeff@lang.example>: host mail.lang.example[192.0.2.9] said: 550 5.1.1\n    <jeff@lang.example>: Recipient address rejected: User unknown\n\nReceived: by mx.seller.example (Postfix)\nFrom: Alex Morgan <alex@seller.example>\nTo: jeff@lang.example, kim@lang.example\nSubject: Pilot\n\nThanks, kim@lang.example\n",
    );
    assert_eq!(
        failed(&postfix),
        Some(vec!["jeff@lang.example".to_string()])
    );

    // Exchange's NDR: the original headers follow "Original message headers:".
    let exchange = eml(
        "From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@marchand.example>\nTo: alex@seller.example\nSubject: Undeliverable: Pilot\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <x1@marchand.example>",
        "Delivery has failed to these recipients or groups:\n\nromain@marchand.example<mailto:romain@marchand.example>\nThe email address you entered couldn't be found.\n\nDiagnostic information for administrators:\n\nGenerating server: MX1.marchand.example\n\nromain@marchand.example\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n\nOriginal message headers:\n\nReceived: from mx.seller.example\nFrom: Alex Morgan <alex@seller.example>\nTo: romain@marchand.example\nCc: claire@marchand.example\n",
    );
    assert_eq!(
        failed(&exchange),
        Some(vec!["romain@marchand.example".to_string()])
    );
}

#[test]
fn a_warning_without_a_report_part_is_not_a_bounce() {
    let sendmail = eml(
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.lane.example>\nTo: alex@seller.example\nSubject: Warning: could not send message for past 4 hours\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <w1@mx.lane.example>",
        "    **********************************************\n    **      THIS IS A WARNING MESSAGE ONLY      **\n    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n    **********************************************\n\nThe original message was received at Tue, 24 Nov 2026 06:00:00 +0000\n\n   ----- Transcript of session follows -----\n<kevin@lane.example>... Deferred: Connection timed out with mx.lane.example.\nWarning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\n",
    );
    assert_eq!(failed(&sendmail), None);
}

#[test]
fn a_person_writing_about_undeliverable_goods_is_not_a_bounce() {
    let m = eml(
        "From: Kevin Lane <kevin@lane.example>\nTo: alex@seller.example\nSubject: Re: Undeliverable pallets\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <k1@lane.example>",
        "We had undeliverable pallets last week; jeff@lane.example knows more.\n",
    );
    assert_eq!(failed(&m), None);
}

fn subject_of(raw: &str) -> String {
    eml(
        &format!("From: a@b.example\nSubject: {raw}\nMessage-ID: <x@y.example>"),
        "hi\n",
    )
    .subject
}

#[test]
fn adjacent_encoded_words_are_joined_before_decoding() {
    // RFC 2047 section 6.2: the space between adjacent encoded words is not text, and a
    // character cut between two words still decodes.
    assert_eq!(
        subject_of("=?UTF-8?B?4oI=?= =?UTF-8?B?rA==?= price"),
        "€ price"
    );
    assert_eq!(
        subject_of("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?= menu"),
        "café menu"
    );
    assert_eq!(subject_of("=?UTF-8?B?w6k=?=  =?UTF-8?B?w6k=?= x"), "éé x");
    // Folded over two lines, and words in a single-byte charset.
    assert_eq!(
        subject_of("=?utf-8?q?Re=3A_Cost?=\r\n =?utf-8?q?_model?="),
        "Re: Cost model"
    );
    assert_eq!(
        subject_of("=?ISO-8859-1?Q?Caf=E9?= =?ISO-8859-1?Q?_menu?="),
        "Café menu"
    );
    // Text between encoded words keeps its spaces.
    assert_eq!(
        subject_of("=?UTF-8?Q?Re:?= pilot =?UTF-8?Q?sc=C3=B6pe?="),
        "Re: pilot scöpe"
    );
}

#[test]
fn a_broken_or_unknown_charset_never_breaks_subject_checks() {
    assert_eq!(
        subject_of("=?x-unknown?Q?hello_world?= plan"),
        "hello world plan"
    );
    assert_eq!(
        subject_of("=?utf-8?B?broken!!?= plan"),
        "=?utf-8?B?broken!!?= plan"
    );
    // A bounce whose subject is in a charset nobody knows is still a bounce.
    let m = eml(
        "From: MAILER-DAEMON@mx.lane.example\nTo: alex@seller.example\nSubject: =?x-mac-klingon?Q?Undeliverable:_Pilot?=\nMessage-ID: <u1@mx.lane.example>",
        "Delivery has failed to these recipients or groups:\n\nkevin@lane.example\nThe email address you entered couldn't be found.\n",
    );
    assert_eq!(failed(&m), Some(vec!["kevin@lane.example".to_string()]));
    // And the thread still folds to its words.
    assert_eq!(
        rekindle_core::mail::thread_subject(&subject_of("=?x-unknown?B?UmU6IENvc3QgbW9kZWw=?="))
            .as_deref(),
        Some("cost model")
    );
}

/// Scores the failed recipients read from the labelled messages listed in `labels` (a file
/// in `data/bounces/sisimai`; provenance in its README), counted per (message, address): an
/// address read but not labelled is a false mark, one labelled but not read a miss. Each
/// bounce's To stands for the rep's own addresses. Returns (messages, precision, recall,
/// the mistakes).
fn score(labels: &str) -> (usize, f64, f64, Vec<String>) {
    let dir = data("sisimai");
    let labels = std::fs::read_to_string(dir.join(labels)).unwrap();
    let (mut right, mut wrong, mut missed) = (0usize, 0usize, 0usize);
    let (mut messages, mut problems) = (0usize, Vec::new());
    for line in labels
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (file, expected) = line.split_once('\t').unwrap();
        let expected: Vec<&str> = match expected {
            "-" => vec![],
            list => list.split(',').collect(),
        };
        let m = parse(&std::fs::read(dir.join(file)).unwrap()).unwrap();
        let got: Vec<String> = bounced_addresses(&m, &m.to)
            .unwrap_or_default()
            .iter()
            .map(|a| a.as_str().to_string())
            .collect();
        messages += 1;
        for g in &got {
            if expected.contains(&g.as_str()) {
                right += 1;
            } else {
                wrong += 1;
                problems.push(format!("{file}: marked {g}"));
            }
        }
        for e in &expected {
            if !got.iter().any(|g| g == e) {
                missed += 1;
                problems.push(format!("{file}: missed {e}"));
            }
        }
    }
    let precision = right as f64 / (right + wrong).max(1) as f64;
    let recall = right as f64 / (right + missed).max(1) as f64;
    println!(
        "{messages} messages: precision {precision:.3}, recall {recall:.3} ({right} right, {wrong} wrongly marked, {missed} missed)"
    );
    for p in &problems {
        println!("  {p}");
    }
    (messages, precision, recall, problems)
}

/// The first labelled sample (51 messages: 34 bounces, 17 delays, soft failures, auto-replies,
/// abuse reports and ordinary mail). Two kinds of mistake it showed were fixed (an indented
/// summary taken for the returned copy; a transient-only status taken for a bounce).
#[test]
fn bounce_precision_and_recall_on_real_bounces() {
    let (messages, precision, recall, problems) = score("LABELS");
    assert_eq!(messages, 51);
    assert!(precision >= 0.95, "precision {precision:.3}: {problems:#?}");
    assert!(recall >= 0.95, "recall {recall:.3}: {problems:#?}");
}

/// The held-out sample (33 messages: 26 failed recipients, 7 non-bounces). First measured
/// before any change made for it: precision 0.957, recall 0.880 (a sendmail intro taken for
/// the returned copy, a daemon's notice known only by its status code; each kind then fixed).
/// Exim's "retry timeout exceeded" (`lhost-exim-06`) was first labelled a soft failure; it is
/// Exim giving up for good (RFC 3464 Action `failed`), so it is labelled failed and read so.
#[test]
fn bounce_precision_and_recall_on_a_held_out_sample() {
    let (messages, precision, recall, problems) = score("HELDOUT");
    assert_eq!(messages, 33);
    assert!(precision >= 0.90, "precision {precision:.3}: {problems:#?}");
    assert!(recall >= 0.85, "recall {recall:.3}: {problems:#?}");
}

#[test]
fn a_report_whose_mime_structure_was_lost_is_still_read_per_recipient() {
    // A multipart/report whose boundary never occurs (as a relay or an archive left it): the
    // text and the status fields are in the plain body.
    let failed_report = eml(
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.lane.example>\nTo: <alex@seller.example>\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n    boundary=\"GONE.123/mx.lane.example\"\nSubject: Returned mail: Service unavailable\nMessage-ID: <m1@mx.lane.example>",
        "The original message was received at Thu, 29 Apr 2021 23:34:45 +0900\n\n   ----- The following addresses had permanent fatal errors -----\n<kevin@lane.example>\n\n   ----- Transcript of session follows -----\n554 <kevin@lane.example>... Service unavailable\n\nReporting-MTA: dns; mx.lane.example\n\nFinal-Recipient: RFC822; <kevin@lane.example>\nAction: failed\nStatus: 5.5.0\n\nReturn-Path: <alex@seller.example>\nFrom: alex@seller.example\nTo: kevin@lane.example, jeff@lane.example\n",
    );
    assert_eq!(
        failed(&failed_report),
        Some(vec!["kevin@lane.example".to_string()])
    );
    // No MIME headers at all, a Postfix delay notice with its fields inline: not a bounce,
    // though its text says the message "could not be delivered".
    let delay = eml(
        "From: MAILER-DAEMON@mx.lane.example (Mail Delivery System)\nTo: alex@seller.example\nSubject: Delayed Mail (still being retried)\nMessage-ID: <d1@mx.lane.example>",
        "This is the mail system at host mx.lane.example.\n\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n\nYour message could not be delivered for more than 2 hour(s).\nIt will be retried until it is 4 day(s) old.\n\n<kevin@lane.example>: connect to mx.lane.example[192.0.2.2]:25: No route to host\n\nReporting-MTA: dns; mx.lane.example\n\nFinal-Recipient: rfc822; kevin@lane.example\nAction: delayed\nStatus: 4.4.1\n",
    );
    assert_eq!(failed(&delay), None);
    // The same delay notice without its fields: the delay wording still wins over "could not
    // be delivered".
    let bare = eml(
        "From: MAILER-DAEMON@mx.lane.example (Mail Delivery System)\nTo: alex@seller.example\nSubject: Delayed Mail (still being retried)\nMessage-ID: <d2@mx.lane.example>",
        "Your message could not be delivered for more than 2 hour(s).\nIt will be retried until it is 4 day(s) old.\n\n<kevin@lane.example>: connect to mx.lane.example[192.0.2.2]:25: No route to host\n",
    );
    assert_eq!(failed(&bare), None);
}
