//! What Rekindle prints for people to read never carries a terminal's control sequences from
//! the text it shows (a mail, a file): ECMA-48 sequences could clear the screen, retitle the
//! window or rewrite what was printed before.

mod common;

use common::*;

#[test]
fn control_sequences_in_captured_mail_are_shown_not_obeyed() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_with_contact(&rk, "Acme", "5000", "Dana Reyes", "dana@acme.example", &[]);
    let mbox = file(
        rk.db.parent().unwrap(),
        "escape.mbox",
        &mbox_message(
            "esc@acme.example",
            "From: Dana Reyes <dana@acme.example>\nTo: alex@seller.example\nSubject: Re: \u{1b}]0;owned\u{7}pilot",
            "Tue, 10 Nov 2026 10:00:00 +0000",
            "We are still keen \u{1b}[2J\u{1b}]0;owned\u{7}\u{9b}31m, let's talk Tuesday.",
        ),
    );
    rk.json(&[
        "import",
        "mail",
        mbox.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    for args in [
        vec!["show", d.as_str()],
        vec!["scan", "--all"],
        vec!["today"],
        vec!["replies", "list", "--all"],
    ] {
        let out = rk.run(&args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{9b}']),
            "{args:?}: {text:?}"
        );
        if args[0] == "show" {
            assert!(text.contains("^[[2J"), "shown, in caret notation: {text}");
        }
    }
    // JSON keeps the text as it came (escaped, as JSON does).
    let shown = rk.json(&["show", &d]);
    assert!(shown.to_string().contains("\\u001b[2J"), "{shown}");
}
