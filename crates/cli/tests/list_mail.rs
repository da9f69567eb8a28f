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
