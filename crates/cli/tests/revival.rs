//! Bringing deals back through the binary: a shipped feature finds the deals that needed it
//! under any name, a trigger event reopens the deals it should, events import from CSV once,
//! and `revive` ranks with reasons and leaves the dead buried.

mod common;
use common::*;
use serde_json::Value;

/// A deal lost on `lost_on` for `reason`, with a champion and their problem on record.
fn lost_deal(rk: &Rk, account: &str, email: &str, reason: &str, lost_on: &str) -> String {
    let d = deal_with_contact(
        rk,
        account,
        "$60k",
        "Robin Vale",
        email,
        &["--role", "champion"],
    );
    rk.json(&[
        "fact",
        &d,
        "problem",
        "schedules are rebuilt by hand every morning",
        "--at",
        "2026-04-01",
    ]);
    rk.json(&[
        "log",
        "meeting",
        &d,
        "--contact",
        email,
        "--at",
        "2026-04-10",
        "--summary",
        "demo",
    ]);
    rk.json(&["close", &d, "--lost", "--reason", reason, "--now", lost_on]);
    d
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["deal"].to_string())
        .collect()
}

#[test]
fn a_shipped_feature_finds_every_deal_that_needed_it_and_drafts_the_update() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let saml = lost_deal(
        &rk,
        "Acme",
        "dana@acme.example",
        "missing_feature",
        "2026-08-01",
    );
    let sso = lost_deal(
        &rk,
        "Globex",
        "sam@globex.example",
        "missing_feature",
        "2026-09-01",
    );
    let other = lost_deal(
        &rk,
        "Initech",
        "lee@initech.example",
        "missing_feature",
        "2026-09-01",
    );
    rk.json(&[
        "deal",
        "need",
        &saml,
        "SAML login",
        "--why",
        "IT will not approve a tool without it",
    ]);
    rk.json(&["deal", "need", &sso, "single sign-on"]);
    rk.json(&["deal", "need", &other, "mobile app"]);
    let out = rk.json(&["feature", "shipped", "SSO", "--queue"]);
    assert_eq!(out["feature"], "sso");
    let deals = &out["deals"];
    let mut found = ids(deals);
    found.sort();
    let mut want = vec![saml.clone(), sso.clone()];
    want.sort();
    assert_eq!(found, want, "{deals}");
    let acme = deals
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["deal"] == saml.parse::<i64>().unwrap())
        .unwrap();
    assert_eq!(acme["draft"]["play"], "product_update");
    assert!(
        acme["draft"]["body"]
            .as_str()
            .unwrap()
            .contains("IT will not approve a tool without it")
    );
    assert!(
        acme["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["factor"] == "feature_shipped")
    );
    // Queued for review, not sent.
    let outbox = rk.json(&["outbox", "list"]);
    assert_eq!(outbox.as_array().unwrap().len(), 2);
    assert!(
        outbox
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] == "draft" && m["play"] == "product_update")
    );
    // A synonym taught later is found too.
    rk.json(&["feature", "alias", "mobile app", "phone app"]);
    let n = rk.json(&["feature", "shipped", "Phone App"]);
    assert_eq!(ids(&n["deals"]), vec![other]);
}

#[test]
fn funding_reopens_the_budget_loss_and_a_promotion_goes_to_the_promoted_champion() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let budget = lost_deal(&rk, "Acme", "dana@acme.example", "budget", "2026-07-01");
    let value = lost_deal(
        &rk,
        "Globex",
        "sam@globex.example",
        "no_value_seen",
        "2026-07-01",
    );
    let funded = rk.json(&[
        "event",
        "add",
        "--account",
        "Acme",
        "--kind",
        "funding",
        "--on",
        "2026-11-20",
        "--source",
        "https://news.example/acme-series-b",
        "--note",
        "Series B",
    ]);
    assert_eq!(ids(&funded["reopens"]), vec![budget.clone()]);
    let d = &funded["reopens"][0];
    assert_eq!(d["draft"]["play"], "trigger_event");
    assert!(d["draft"]["body"].as_str().unwrap().contains("Series B"));
    assert!(d["reasons"].as_array().unwrap().iter().any(|r| {
        r["why"]
            .as_str()
            .unwrap()
            .contains("budget was the blocker")
    }));
    // News about a deal where they saw no value reopens nothing.
    let news = rk.json(&[
        "event",
        "add",
        "--account",
        "Globex",
        "--kind",
        "news",
        "--on",
        "2026-11-20",
        "--source",
        "newsletter",
    ]);
    assert!(news["reopens"].as_array().unwrap().is_empty(), "{news}");
    assert_eq!(ids(&news["not_enough"]), vec![value]);
    // A promotion of the champion: the note goes to them.
    let promoted = rk.json(&[
        "event",
        "add",
        "--account",
        "Acme",
        "--kind",
        "promotion",
        "--contact",
        "dana@acme.example",
        "--on",
        "2026-11-21",
        "--source",
        "LinkedIn",
        "--note",
        "now VP Operations",
    ]);
    let d = &promoted["reopens"][0];
    assert!(d["draft"]["to"]["email"].as_str().unwrap() == "dana@acme.example");
    assert!(d["draft"]["body"].as_str().unwrap().contains("new role"));
    // An unknown account is refused and changes nothing.
    assert!(
        rk.fails(&[
            "event",
            "add",
            "--account",
            "Nowhere",
            "--kind",
            "funding",
            "--source",
            "x"
        ])
        .contains("Nowhere")
    );
}

#[test]
fn events_import_from_csv_once_and_a_bad_line_is_named() {
    let rk = Rk::new();
    rk.json(&["init"]);
    lost_deal(&rk, "Acme", "dana@acme.example", "budget", "2026-07-01");
    lost_deal(&rk, "Globex", "sam@globex.example", "timing", "2026-07-01");
    let dir = tempfile::tempdir().unwrap();
    let good = file(
        dir.path(),
        "events.csv",
        "account,contact,kind,date,source,note\nAcme,,funding,2026-11-18,crunchbase,Series B\nGlobex,sam@globex.example,promotion,2026-11-10,LinkedIn,now COO\n",
    );
    let first = rk.json(&["event", "import", good.to_str().unwrap()]);
    assert_eq!(
        (first["read"].as_u64(), first["added"].as_u64()),
        (Some(2), Some(2))
    );
    let again = rk.json(&["event", "import", good.to_str().unwrap()]);
    assert_eq!(
        again["added"], 0,
        "importing the same file again adds nothing"
    );
    let bad = file(
        dir.path(),
        "bad.csv",
        "account,contact,kind,date,source,note\nAcme,,expansion,2026-11-19,blog,\nGlobex,,windfall,2026-11-19,blog,\n",
    );
    let err = rk.fails(&["event", "import", bad.to_str().unwrap()]);
    assert!(err.contains("line 3") && err.contains("kind"), "{err}");
    // All or none: the good first line of the bad file was not added.
    let revive = rk.json(&["revive", "--all"]);
    let acme = revive["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["account"] == "Acme")
        .unwrap();
    let triggers: Vec<&Value> = acme["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["factor"] == "trigger")
        .collect();
    assert_eq!(triggers.len(), 1, "{triggers:?}");
}

#[test]
fn revive_ranks_with_reasons_and_leaves_the_dead_buried() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let timing = lost_deal(&rk, "Acme", "dana@acme.example", "timing", "2026-06-01");
    let dead = lost_deal(
        &rk,
        "Globex",
        "sam@globex.example",
        "no_value_seen",
        "2023-06-01",
    );
    let fresh = lost_deal(
        &rk,
        "Initech",
        "lee@initech.example",
        "competitor",
        "2026-11-20",
    );
    let won = lost_deal(
        &rk,
        "Umbrella",
        "kim@umbrella.example",
        "timing",
        "2026-06-01",
    );
    rk.json(&["close", &won, "--won"]);
    let shown = rk.json(&["revive"]);
    assert_eq!(ids(&shown["candidates"]), vec![timing.clone()]);
    assert_eq!(shown["left_buried"], 2);
    let all = rk.json(&["revive", "--all"]);
    let order = ids(&all["candidates"]);
    assert_eq!(order[0], timing);
    assert!(order.contains(&dead) && order.contains(&fresh) && !order.contains(&won));
    let buried = all["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["deal"] == dead.parse::<i64>().unwrap())
        .unwrap();
    assert_eq!(buried["leave_buried"], true);
    assert!(
        buried["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["why"].as_str().unwrap().contains("decomposed"))
    );
    let top = rk.json(&["revive", "--all", "--limit", "2"]);
    assert_eq!(
        ids(&top["candidates"]),
        order[..2].to_vec(),
        "the best two, in order"
    );
    assert_eq!(top["considered"], 3);
    // The bar is the team's to set.
    rk.json(&["policy", "set", "revive_threshold", "200"]);
    let strict = rk.json(&["revive"]);
    assert!(strict["candidates"].as_array().unwrap().is_empty());
    assert_eq!(strict["left_buried"], 3);
    rk.json(&["policy", "set", "revive_threshold", "45"]);
    let human = rk.run(&["revive"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("best left buried"));
    let drafted = rk.json(&["revive", "--drafts"]);
    assert!(drafted["candidates"][0]["draft"]["body"].as_str().is_some());
}

#[test]
fn a_promotion_finds_the_deals_on_the_verge_and_drafts_the_offer() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let budget = lost_deal(&rk, "Acme", "dana@acme.example", "budget", "2026-07-01");
    let competitor = lost_deal(
        &rk,
        "Globex",
        "sam@globex.example",
        "competitor",
        "2026-07-01",
    );
    let out = rk.json(&[
        "promo",
        "add",
        "--name",
        "Year-end",
        "--kind",
        "discount",
        "--offer",
        "20% off the first year",
        "--until",
        "2026-12-31",
        "--min-stage",
        "proposal",
        "--queue",
    ]);
    assert_eq!(out["running"], true);
    assert_eq!(ids(&out["deals"]), vec![budget]);
    let d = &out["deals"][0]["draft"];
    assert_eq!(d["play"], "promotion");
    assert!(
        d["body"]
            .as_str()
            .unwrap()
            .contains("20% off the first year")
    );
    assert!(d["subject"].as_str().unwrap().contains("31 December"));
    assert_eq!(rk.json(&["outbox", "list"]).as_array().unwrap().len(), 1);
    // A second promotion running at the same time finds only the deals it is for.
    let second = rk.json(&[
        "promo",
        "add",
        "--name",
        "Switch",
        "--kind",
        "free_onboarding",
        "--offer",
        "free migration from your current tool",
        "--until",
        "2026-12-31",
        "--lost-reason",
        "competitor",
    ]);
    assert_eq!(ids(&second["deals"]), vec![competitor]);
    assert!(
        second["deals"][0]["draft"]["body"]
            .as_str()
            .unwrap()
            .contains("free migration")
    );
    assert!(
        rk.fails(&[
            "promo",
            "add",
            "--name",
            "x",
            "--kind",
            "discount",
            "--offer",
            "y",
            "--until",
            "2026-01-01"
        ])
        .contains("until")
    );
}
