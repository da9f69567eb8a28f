//! Mail sources as mail programs write and export them: mbox variants, Apple Mail packages,
//! Maildir layouts, folders of messages; and the check an import makes before it reads.
//! People and addresses are invented.

use rekindle_core::mail::Message;
use rekindle_ingest::{IngestError, Kind, ReadSummary, check, kind_of, read};
use std::path::Path;

fn eml(id: &str, from: &str, subject: &str, body: &str) -> String {
    format!(
        "Message-ID: <{id}>\nFrom: {from}\nTo: alex@seller.example\nSubject: {subject}\nDate: Tue, 24 Nov 2026 09:04:51 -0800\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

fn read_all(path: &Path) -> (Vec<Message>, ReadSummary) {
    let mut messages = Vec::new();
    let summary = read(path, |m| messages.push(m)).unwrap();
    (messages, summary)
}

fn keys(messages: &[Message]) -> Vec<String> {
    let mut keys: Vec<String> = messages.iter().map(|m| m.key.clone()).collect();
    keys.sort();
    keys
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

/// Field case 07 (thunderbird/import-export-tools-ng#145, chaoss/grimoirelab-perceval#20):
/// Thunderbird's `From - DATE` separators and a body line starting "From " left unescaped.
const THUNDERBIRD: &str = "From - Tue Nov 24 17:00:00 2026
X-Mozilla-Status: 0001
X-Mozilla-Status2: 00000000
From: Alex Morgan <alex@seller.example>
To: Dana Reyes <dana.reyes@northwind-freight.example>
Subject: Pilot scope for the yard management rollout
Date: Tue, 17 Nov 2026 09:00:00 -0800
Message-ID: <pilot-scope-6@seller.example>
Content-Type: text/plain; charset=UTF-8; format=flowed

Hi Dana,

Attached is the pilot scope.

Alex

From - Tue Nov 24 17:05:12 2026
X-Mozilla-Status: 0001
X-Mozilla-Status2: 00000000
From: Dana Reyes <dana.reyes@northwind-freight.example>
To: Alex Morgan <alex@seller.example>
Subject: Re: Pilot scope for the yard management rollout
Date: Tue, 24 Nov 2026 09:04:51 -0800
Message-ID: <b71c2e90-3f1d@northwind-freight.example>
In-Reply-To: <pilot-scope-6@seller.example>
Content-Type: text/plain; charset=UTF-8; format=flowed

Hi Alex,

Thanks for pulling the scope together so quickly.
From our side the decision is made: we signed with another vendor last
week, so please close this out on your end. No need to follow up.

Best,
Dana
";

#[test]
fn an_unescaped_from_line_in_a_thunderbird_mbox_stays_in_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Inbox");
    write(&path, THUNDERBIRD);
    assert_eq!(kind_of(&path).unwrap(), Kind::Mbox);
    let (messages, summary) = read_all(&path);
    assert_eq!(summary.messages, 2, "{:?}", summary.skipped);
    assert!(
        messages[1]
            .text
            .contains("we signed with another vendor last")
    );
    assert!(messages[1].text.contains("Best,\nDana"));

    // More of the kind: a date-like "From" line in a body, a quoted separator in a forwarded
    // note, and a separator-like line not followed by headers.
    let other = "From carol@example.org Mon Mar  2 08:00:00 2026
From: carol@example.org
Subject: schedule
Message-ID: <s1@example.org>

From Monday Mar 9 2026 at 08:30 the new rota applies.
From bob@example.org Fri Feb 27 16:00:00 2026
was the last one to reply, see below.

From carol@example.org Mon Mar  2 09:00:00 2026
From: carol@example.org
Subject: second
Message-ID: <s2@example.org>

ok
";
    let path = dir.path().join("other.mbox");
    write(&path, other);
    let (messages, _) = read_all(&path);
    assert_eq!(keys(&messages), ["s1@example.org", "s2@example.org"]);
    assert!(messages[0].text.contains("was the last one to reply"));
}

#[test]
fn mboxcl2_content_length_keeps_an_embedded_mbox_in_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let inner = "From: a forwarded mailbox\nFrom dana@northwind.example Tue Nov 24 10:00:00 2026\nFrom: dana@northwind.example\nMessage-ID: <inner@northwind.example>\n\ninner\n";
    let mbox = format!(
        "From alex@seller.example Tue Nov 24 11:00:00 2026\nFrom: alex@seller.example\nTo: dana@northwind.example\nSubject: archive\nMessage-ID: <outer@seller.example>\nContent-Length: {}\nLines: 6\n\n{inner}\nFrom dana@northwind.example Tue Nov 24 12:00:00 2026\nFrom: dana@northwind.example\nSubject: Re: archive\nMessage-ID: <next@northwind.example>\nContent-Length: 7\n\nthanks\n",
        inner.len()
    );
    let path = dir.path().join("archive.mboxcl2");
    write(&path, &mbox);
    let (messages, summary) = read_all(&path);
    assert_eq!(
        keys(&messages),
        ["next@northwind.example", "outer@seller.example"],
        "{:?}",
        summary.skipped
    );
}

#[test]
fn a_byte_order_mark_before_an_mbox_or_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = format!(
        "\u{feff}From alex@seller.example Tue Nov 24 11:00:00 2026\n{}",
        eml("bom1@seller.example", "alex@seller.example", "one", "hi")
    );
    let path = dir.path().join("export.mbox");
    write(&path, &mbox);
    assert_eq!(kind_of(&path).unwrap(), Kind::Mbox);
    assert_eq!(keys(&read_all(&path).0), ["bom1@seller.example"]);

    // IETF's list archives (ietf-tools/mailarchive, ancp-2010-03.mail) begin with a blank line.
    let blank = dir.path().join("2010-03.mail");
    write(
        &blank,
        format!(
            "\nFrom dana@northwind.example  Mon Mar  1 06:46:11 2010\n{}",
            eml(
                "blank1@northwind.example",
                "dana@northwind.example",
                "one",
                "hi"
            )
        ),
    );
    assert_eq!(kind_of(&blank).unwrap(), Kind::Mbox);
    assert_eq!(keys(&read_all(&blank).0), ["blank1@northwind.example"]);

    // Classic Mac OS line ends (bare CR), as in sisimai's set-of-emails/maildir/mac.
    let mac = dir.path().join("mac.eml");
    write(
        &mac,
        eml(
            "mac1@northwind.example",
            "dana@northwind.example",
            "Hi",
            "Thursday works.",
        )
        .replace('\n', "\r"),
    );
    assert_eq!(kind_of(&mac).unwrap(), Kind::Eml);
    let (messages, summary) = read_all(&mac);
    assert_eq!(keys(&messages), ["mac1@northwind.example"], "{summary:?}");
    assert!(messages[0].text.contains("Thursday works."));

    let mac_mbox = dir.path().join("mac.mbox");
    write(
        &mac_mbox,
        format!(
            "From MAILER-DAEMON  Thu Jul  2 12:05:05 2020\n{}\nFrom dana@northwind.example  Thu Jul  2 12:06:05 2020\n{}",
            eml("mac2@northwind.example", "dana@northwind.example", "a", "a"),
            eml("mac3@northwind.example", "dana@northwind.example", "b", "b")
        )
        .replace('\n', "\r"),
    );
    assert_eq!(kind_of(&mac_mbox).unwrap(), Kind::Mbox);
    assert_eq!(
        keys(&read_all(&mac_mbox).0),
        ["mac2@northwind.example", "mac3@northwind.example"]
    );

    let single = dir.path().join("one.eml");
    write(
        &single,
        format!(
            "\u{feff}{}",
            eml(
                "bom2@northwind.example",
                "Dana <dana@northwind.example>",
                "Hi",
                "Thursday works."
            )
        ),
    );
    assert_eq!(kind_of(&single).unwrap(), Kind::Eml);
    let (messages, _) = read_all(&single);
    assert_eq!(messages[0].key, "bom2@northwind.example");
    assert_eq!(
        messages[0].from.as_ref().unwrap().as_str(),
        "dana@northwind.example"
    );
}

/// Field case 08 (s1t5/mail-archiver#364, LogicLabs-OU/OpenArchiver#148): Apple Mail's
/// "Export Mailbox..." writes a folder `Name.mbox` holding `mbox` and `table_of_contents`.
#[test]
fn an_apple_mail_export_package_reads_its_mbox() {
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("Northwind.mbox");
    write(
        &package.join("mbox"),
        format!(
            "From alex@seller.example Tue Nov 17 17:00:00 2026\n{}\nFrom dana@northwind.example Tue Nov 24 17:04:51 2026\n{}",
            eml(
                "apple1@seller.example",
                "alex@seller.example",
                "Pilot",
                "scope"
            ),
            eml(
                "apple2@northwind.example",
                "dana@northwind.example",
                "Re: Pilot",
                "works"
            )
        ),
    );
    write(
        &package.join("table_of_contents"),
        b"bplist00\xd4\x01\x02\x03\x04\x05\x06\x07\x0a",
    );
    write(
        &package.join("Info.plist"),
        "<?xml version=\"1.0\"?>\n<plist/>\n",
    );
    assert_eq!(kind_of(&package).unwrap(), Kind::EmlFolder);
    assert!(check(&package).is_ok());
    let (messages, summary) = read_all(&package);
    assert_eq!(
        keys(&messages),
        ["apple1@seller.example", "apple2@northwind.example"]
    );
    assert_eq!(summary.not_mail, 2, "the plists are passed over");
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);

    // Apple Mail's own store: .emlx files (a byte count, the message, a plist).
    let message = eml(
        "emlx1@northwind.example",
        "dana@northwind.example",
        "Hi",
        "emlx body",
    );
    let emlx = format!(
        "{}\n{message}<?xml version=\"1.0\"?>\n<plist><dict/></plist>\n",
        message.len()
    );
    let store = dir.path().join("V10/INBOX.mbox/Data/Messages");
    write(&store.join("101.emlx"), &emlx);
    let (messages, _) = read_all(&dir.path().join("V10"));
    assert_eq!(keys(&messages), ["emlx1@northwind.example"]);
    assert!(messages[0].text.contains("emlx body"));
    assert!(!messages[0].text.contains("plist"));
}

#[test]
fn a_maildir_with_only_cur_and_maildirplusplus_sub_folders() {
    let dir = tempfile::tempdir().unwrap();
    // A Maildir copied without its empty new/ and tmp/ (git, some backups drop them).
    let cur_only = dir.path().join("Mail");
    write(
        &cur_only.join("cur/1700000000.M1P1.host:2,S"),
        eml("cur1@northwind.example", "dana@northwind.example", "a", "a"),
    );
    assert_eq!(kind_of(&cur_only).unwrap(), Kind::Maildir);
    assert_eq!(keys(&read_all(&cur_only).0), ["cur1@northwind.example"]);

    // Dovecot's Maildir++: INBOX at the root, each folder a hidden Maildir beside cur/.
    let root = dir.path().join("Maildir");
    write(
        &root.join("cur/1.host:2,S"),
        eml(
            "inbox1@northwind.example",
            "dana@northwind.example",
            "in",
            "in",
        ),
    );
    write(
        &root.join("new/2.host"),
        eml(
            "inbox2@northwind.example",
            "dana@northwind.example",
            "in",
            "in",
        ),
    );
    write(
        &root.join("tmp/3.host"),
        eml(
            "tmp@northwind.example",
            "dana@northwind.example",
            "half",
            "half-delivered",
        ),
    );
    write(
        &root.join(".Sent/cur/4.host:2,S"),
        eml("sent1@seller.example", "alex@seller.example", "out", "out"),
    );
    write(
        &root.join(".INBOX.Archive/new/5.host"),
        eml(
            "archived1@northwind.example",
            "dana@northwind.example",
            "old",
            "old",
        ),
    );
    write(&root.join(".Sent/maildirfolder"), "");
    write(
        &root.join("dovecot-uidlist"),
        "3 V1700000000 N6 G0123\n1 :1.host\n",
    );
    write(
        &root.join("dovecot.index.log"),
        b"\x01\x02\x00\x00\x00\x00\x00\x00\x00\x00",
    );
    write(&root.join("subscriptions"), "V\t2\n\nSent\nINBOX.Archive\n");
    write(&root.join(".git/config"), "[core]\n");
    assert_eq!(kind_of(&root).unwrap(), Kind::Maildir);
    let (messages, summary) = read_all(&root);
    assert_eq!(
        keys(&messages),
        [
            "archived1@northwind.example",
            "inbox1@northwind.example",
            "inbox2@northwind.example",
            "sent1@seller.example"
        ],
        "tmp/ is not read; hidden folders that are not Maildirs are not read"
    );
    assert_eq!(
        summary.not_mail, 4,
        "dovecot's own files and the maildirfolder marker"
    );
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
}

#[test]
fn folders_of_messages_are_read_recursively_whatever_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("export");
    write(
        &root.join("2026/11/first.eml"),
        eml("f1@northwind.example", "dana@northwind.example", "a", "a"),
    );
    write(
        &root.join("2026/11/second.txt"),
        eml("f2@northwind.example", "dana@northwind.example", "b", "b"),
    );
    // MH and many exports: numbered files without an extension.
    write(
        &root.join("inbox/17"),
        eml("f3@northwind.example", "dana@northwind.example", "c", "c"),
    );
    // A Thunderbird profile folder: mbox files without extension, .msf indexes, .sbd folders.
    write(
        &root.join("Mail/Local Folders/Deals.sbd/Northwind"),
        format!(
            "From - Tue Nov 24 17:00:00 2026\n{}",
            eml("f4@northwind.example", "dana@northwind.example", "d", "d")
        ),
    );
    write(
        &root.join("Mail/Local Folders/Deals.msf"),
        "// <!-- <mdb:mork:z v=\"1.4\"/> -->\n< <(a=c)> // (f=iso-8859-1)\n",
    );
    write(
        &root.join("notes.txt"),
        "Call Dana on Thursday.\nAsk about the pilot.\n",
    );
    write(&root.join("config.yaml"), "title: not mail\nowner: alex\n");
    write(&root.join(".DS_Store"), b"\x00\x00\x00\x01Bud1");
    // Signature fields longer than the first bytes looked at, before any other field.
    let seal = format!(
        "ARC-Seal: i=1; a=rsa-sha256; d=example.org; s=arc; b={}\nARC-Message-Signature: i=1; b={}\n{}",
        "A".repeat(3000),
        "B".repeat(3000),
        eml("f5@northwind.example", "dana@northwind.example", "e", "e")
    );
    write(&root.join("signed/1.eml"), &seal);
    write(&root.join("broken.eml"), "\u{0}\u{1}".repeat(50));
    assert_eq!(kind_of(&root).unwrap(), Kind::EmlFolder);
    let (messages, summary) = read_all(&root);
    assert_eq!(
        keys(&messages),
        [
            "f1@northwind.example",
            "f2@northwind.example",
            "f3@northwind.example",
            "f4@northwind.example",
            "f5@northwind.example"
        ]
    );
    assert_eq!(summary.not_mail, 3, "notes, yaml, .msf");
    assert_eq!(summary.skipped.len(), 1, "{:?}", summary.skipped);
    assert!(summary.skipped[0].origin.ends_with("broken.eml"));
}

#[test]
fn a_path_that_cannot_be_read_as_mail_is_named_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.mbox");
    let err = check(&missing).unwrap_err();
    assert!(matches!(err, IngestError::Io { .. }));
    assert!(err.to_string().contains("missing.mbox"), "{err}");

    let pdf = dir.path().join("contract.pdf");
    write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n");
    let err = check(&pdf).unwrap_err();
    assert!(matches!(err, IngestError::Unrecognised(_)));
    assert!(err.to_string().contains("contract.pdf"), "{err}");

    // An empty mailbox is a mailbox with no messages.
    let none = dir.path().join("none.mbox");
    write(&none, "");
    assert_eq!(check(&none).unwrap(), Kind::Mbox);
    assert_eq!(read_all(&none).1.messages, 0);

    let empty = dir.path().join("empty");
    write(&empty.join("readme.md"), "# nothing here\n");
    let err = check(&empty).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    assert!(read(&empty, |_| {}).is_err());

    let good = dir.path().join("good");
    write(
        &good.join("deep/one.eml"),
        eml("g1@northwind.example", "dana@northwind.example", "a", "a"),
    );
    assert_eq!(check(&good).unwrap(), Kind::EmlFolder);
}
