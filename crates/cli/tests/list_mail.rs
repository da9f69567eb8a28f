//! List and bulk mail: a contact's post to a list outside the rep's threads is no reply to
//! the rep and is not recorded; a list post that answers the rep's own thread is a reply.

mod common;

use common::*;

const LIST: &str = "List-Id: <ops.lists.example>\nList-Unsubscribe: <mailto:ops-leave@lists.example>\nPrecedence: list";

#[test]
fn a_list_post_is_a_reply_only_in_the_reps_thread() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_with_contact(&rk, "Acme", "5000", "Dana Reyes", "dana@acme.example", &[]);
    let mut mbox = mbox_message(
        "t1@seller.example",
        "From: Alex Morgan <alex@seller.example>\nTo: dana@acme.example, ops@lists.example\nSubject: Scheduling pilot",
        "Mon, 16 Nov 2026 09:00:00 +0000",
        "Dana, the pilot plan for the two yards is attached.",
    );
    // Her announcement to the list, on a thread of her own: not an answer to the rep.
    mbox += &mbox_message(
        "l1@acme.example",
        &format!(
            "From: Dana Reyes <dana@acme.example>\nTo: ops@lists.example\nSubject: Yard closures next week\n{LIST}"
        ),
        "Tue, 17 Nov 2026 09:00:00 +0000",
        "Both yards close on Friday for the inventory count. Please plan around it; not interested in moving it.",
    );
    // Her answer to the rep's message, through the list: a reply.
    mbox += &mbox_message(
        "l2@acme.example",
        &format!(
            "From: Dana Reyes <dana@acme.example>\nTo: ops@lists.example\nSubject: Re: Scheduling pilot\nIn-Reply-To: <t1@seller.example>\nReferences: <t1@seller.example>\n{LIST}"
        ),
        "Wed, 18 Nov 2026 09:00:00 +0000",
        "Thanks Alex, we will look at it with the yard leads and come back to you.",
    );
    let path = file(rk.db.parent().unwrap(), "list.mbox", &mbox);
    let summary = rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    assert_eq!(summary["replies"], 1, "{summary}");
    let activities = rk.json(&["show", &d])["record"]["activities"].clone();
    let inbound: Vec<&serde_json::Value> = activities
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["direction"] == "inbound")
        .collect();
    assert_eq!(inbound.len(), 1, "{activities}");
    assert!(inbound[0]["at"].as_str().unwrap().starts_with("2026-11-18"));
    // And the announcement's "not interested" moved nothing.
    assert_eq!(rk.json(&["show", &d])["record"]["deal"]["status"], "open");
}

#[test]
fn a_list_post_in_the_reps_thread_is_read_but_never_acts_alone() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_with_contact(&rk, "Acme", "5000", "Dana Reyes", "dana@acme.example", &[]);
    let mut mbox = mbox_message(
        "t1@seller.example",
        "From: Alex Morgan <alex@seller.example>\nTo: dana@acme.example\nSubject: Scheduling pilot",
        "Mon, 16 Nov 2026 09:00:00 +0000",
        "Dana, the pilot plan for the two yards is attached.",
    );
    mbox += &mbox_message(
        "l2@acme.example",
        &format!(
            "From: Dana Reyes <dana@acme.example>\nTo: ops@lists.example\nCc: alex@seller.example\nSubject: Re: Scheduling pilot\nIn-Reply-To: <t1@seller.example>\n{LIST}"
        ),
        "Wed, 18 Nov 2026 09:00:00 +0000",
        "Not interested, close the file.",
    );
    let path = file(rk.db.parent().unwrap(), "list.mbox", &mbox);
    let summary = rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    assert_eq!(summary["replies"], 1, "{summary}");
    let readings = rk.json(&["replies", "list", "--all"]);
    assert_eq!(readings[0]["class"], "lost", "{readings}");
    assert_eq!(readings[0]["state"], "needs_rep", "{readings}");
    assert_eq!(rk.json(&["show", &d])["record"]["deal"]["status"], "open");
}

/// A list post that answers the rep's own post when that post is not on record (its
/// In-Reply-To names a Message-ID made at the rep's domain) is a reply, read and offered, never
/// acting; a list post answering someone else's message is not recorded.
#[test]
fn a_list_reply_to_the_reps_own_post_not_on_record_is_a_reply_that_waits() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_with_contact(&rk, "Acme", "5000", "Dana Reyes", "dana@acme.example", &[]);
    let mut mbox = mbox_message(
        "l3@acme.example",
        &format!(
            "From: Dana Reyes <dana@acme.example>\nTo: ops@lists.example\nSubject: Re: Version 4\nIn-Reply-To: <post7@seller.example>\nReferences: <post7@seller.example>\n{LIST}"
        ),
        "Wed, 18 Nov 2026 09:00:00 +0000",
        "Can't tackle it before next year, but if not done in January, sure.\n\n--\nTo unsubscribe, e-mail: ops-leave@lists.example",
    );
    mbox += &mbox_message(
        "l4@acme.example",
        &format!(
            "From: Dana Reyes <dana@acme.example>\nTo: ops@lists.example\nSubject: Re: Yard rota\nIn-Reply-To: <x9@othervendor.example>\nReferences: <x9@othervendor.example>\n{LIST}"
        ),
        "Thu, 19 Nov 2026 09:00:00 +0000",
        "Not interested in that rota, we keep ours.",
    );
    let path = file(rk.db.parent().unwrap(), "list.mbox", &mbox);
    let summary = rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    assert_eq!(summary["replies"], 1, "{summary}");
    assert_eq!(summary["replies_read"]["later"], 1, "{summary}");
    let record = rk.json(&["show", &d])["record"].clone();
    assert_eq!(
        record["deal"]["status"], "open",
        "a list reply never acts alone"
    );
    let waiting = rk.json(&["replies", "list"]);
    assert_eq!(waiting.as_array().unwrap().len(), 1, "{waiting}");
    assert!(
        !serde_json::to_string(&waiting).unwrap().contains("stop"),
        "the list footer is not a stop: {waiting}"
    );
}
