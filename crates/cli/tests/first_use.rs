//! What a new user meets on the way through the README: a bad value is refused with the
//! setting's range, a name with no words is refused naming the field, the summaries read as
//! English (a meeting has no direction, "1 open deal"), and `today` on a quiet day says when
//! the next action falls due.

mod common;
use common::*;

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A deal with one contact, touched yesterday: its next play falls due tomorrow.
fn touched_yesterday(rk: &Rk) -> String {
    rk.json(&["init"]);
    let d = deal_with_contact(rk, "Acme", "$48k", "Dana Reyes", "dana@acme.example", &[]);
    rk.json(&[
        "log",
        "email",
        &d,
        "--contact",
        "Dana",
        "--at",
        "2026-11-22",
    ]);
    d
}

#[test]
fn a_negative_setting_is_refused_with_its_range_and_changes_nothing() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let before = rk.json(&["policy", "show"]);
    for value in ["-1", "-0.5", "0"] {
        let err = rk.fails(&["policy", "set", "touch_cap", value]);
        assert!(
            err.contains(&format!(
                "bad touch_cap \"{value}\": a whole number from 1 to"
            )),
            "{value}: {err}"
        );
        assert!(!err.contains("unexpected argument"), "{err}");
    }
    let err = rk.fails(&["policy", "set", "stage.demo.rot_days", "-3"]);
    assert!(err.contains("bad stage.demo.rot_days \"-3\""), "{err}");
    assert_eq!(rk.json(&["policy", "show"]), before);
    // An option after the value is still an option.
    let set = rk.json(&["policy", "set", "touch_cap", "4"]);
    assert!(set.to_string().contains('4'), "{set}");
}

#[test]
fn a_feature_name_without_words_is_refused_naming_the_field() {
    let rk = Rk::new();
    let d = touched_yesterday(&rk);
    for (args, field, why) in [
        (vec!["feature", "alias", "", ""], "<NAME>", "empty or blank"),
        (
            vec!["feature", "alias", "sso", "  "],
            "<SYNONYM>",
            "empty or blank",
        ),
        (
            vec!["feature", "alias", "sso", "!!"],
            "<SYNONYM>",
            "letter or digit",
        ),
        (vec!["feature", "alias", "--", "SAML login"], "", ""),
        (vec!["feature", "shipped", "-"], "<NAME>", "letter or digit"),
        (vec!["deal", "need", &d, " "], "<FEATURE>", "empty or blank"),
        (
            vec!["deal", "need", &d, "SSO", "--why", ""],
            "--why",
            "empty or blank",
        ),
    ] {
        let out = rk.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        let err = text(&out);
        assert!(err.contains(field) && err.contains(why), "{args:?}: {err}");
    }
    // Nothing was filed under an empty name.
    let filed = rk.json(&["feature", "alias", "sso", "Ping login"]);
    assert_eq!(filed["feature"], "sso");
    let record = rk.json(&["show", &d])["record"].clone();
    assert_eq!(record["needed_features"], serde_json::json!([]), "{record}");
}

#[test]
fn a_logged_meeting_or_note_is_not_said_to_be_outbound() {
    let rk = Rk::new();
    let d = touched_yesterday(&rk);
    let said = |args: &[&str]| {
        let out = rk.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let meeting = said(&[
        "log",
        "meeting",
        &d,
        "--contact",
        "Dana",
        "--at",
        "2026-11-20",
    ]);
    assert!(meeting.starts_with("Logged meeting on D"), "{meeting}");
    let note = said(&["log", "note", &d, "--summary", "budget owner is the COO"]);
    assert!(note.starts_with("Logged note on D"), "{note}");
    let call = said(&[
        "log",
        "call",
        &d,
        "--contact",
        "Dana",
        "--outcome",
        "no_answer",
    ]);
    assert!(call.starts_with("Logged call outbound on D"), "{call}");
}

#[test]
fn today_on_a_quiet_day_says_when_the_next_action_falls_due() {
    let rk = Rk::new();
    let d = touched_yesterday(&rk);
    assert_eq!(rk.json(&["today"]), serde_json::json!([]));
    let out = rk.run(&["today"]);
    let said = String::from_utf8_lossy(&out.stdout);
    let next = rk.json(&["show", &d])["assessment"]["next_action"].clone();
    let due = &next["due"].as_str().unwrap()[..10];
    assert!(due > "2026-11-23", "{next}");
    assert!(
        said.contains(&format!(
            "Nothing due today. Next: {} on {due} (D{d}, Acme).",
            next["play"].as_str().unwrap()
        )),
        "{said}"
    );
    // On that day it is due, and listed.
    let then = rk.run(&["today", "--now", &format!("{due}T09:00:00Z")]);
    let said = String::from_utf8_lossy(&then.stdout);
    assert!(!said.contains("Nothing due today"), "{said}");
    assert!(said.contains(&format!("D{d}")), "{said}");
    // With no deal at all, it says nothing is planned.
    let empty = Rk::new();
    empty.json(&["init"]);
    let said = String::from_utf8_lossy(&empty.run(&["today"]).stdout).into_owned();
    assert!(
        said.contains("Nothing due today, and no message is planned."),
        "{said}"
    );
}

#[test]
fn counts_agree_with_their_nouns() {
    let rk = Rk::new();
    touched_yesterday(&rk);
    let scan = |rk: &Rk| String::from_utf8_lossy(&rk.run(&["scan", "--all"]).stdout).into_owned();
    let one = scan(&rk);
    assert!(one.contains("1 open deal: "), "{one}");
    deal_with_contact(&rk, "Globex", "$20k", "Sam Hill", "sam@globex.example", &[]);
    let two = scan(&rk);
    assert!(two.contains("2 open deals: "), "{two}");
}
