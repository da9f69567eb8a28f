//! `rekindle import crm` on the CRM export fixtures (crates/ingest/tests/fixtures/crm): what
//! each export brings in, re-imports that add nothing, updated exports that update, conflicts
//! with the rep's own changes, dry runs and strict imports that change nothing, refused rows
//! with their line and column, a failure mid-way, and mail imported afterwards matching the
//! people who came from the CRM. The real binary on a real SQLite file.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const AT: &str = "2025-03-05T12:00:00Z";

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/fixtures/crm")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn hubspot() -> Vec<String> {
    vec![
        fixture("hubspot-crm-exports-all-deals-2025-03-05.csv"),
        fixture("hubspot-crm-exports-all-contacts-2025-03-05-excel-resaved.csv"),
    ]
}

fn init() -> Rk {
    let rk = Rk::new();
    assert!(rk.run(&["init"]).status.success());
    rk
}

/// `import crm` with `files` and `flags`, as JSON (it must exit `code`).
fn import(rk: &Rk, files: &[String], flags: &[&str], code: i32) -> Value {
    let mut args = vec!["--now", AT, "--json", "import", "crm"];
    args.extend(files.iter().map(String::as_str));
    args.extend_from_slice(flags);
    let out = rk.run(&args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// `import crm` with `files` and a failure injected where `failpoints` says.
fn import_failing(rk: &Rk, files: &[String], failpoints: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .arg("--db")
        .arg(&rk.db)
        .args(["--now", AT, "import", "crm"])
        .args(files)
        .env("FAILPOINTS", failpoints)
        .output()
        .unwrap()
}

fn count(summary: &Value, object: &str, what: &str) -> u64 {
    summary["objects"][object][what].as_u64().unwrap_or(0)
}

fn deal(rk: &Rk, title_start: &str) -> Value {
    let list = rk.json(&["--now", AT, "deal", "list"]);
    let d = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"].as_str().unwrap().starts_with(title_start))
        .unwrap_or_else(|| panic!("no deal {title_start}: {list}"))
        .clone();
    rk.json(&["--now", AT, "show", &d["id"].to_string()])["record"].clone()
}

/// The deals export with one line replaced.
fn edited(dir: &Path, replace: &str, with: &str) -> String {
    let text =
        std::fs::read_to_string(fixture("hubspot-crm-exports-all-deals-2025-03-05.csv")).unwrap();
    assert!(text.contains(replace));
    file(dir, "deals-updated.csv", &text.replace(replace, with))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_hubspot_export_comes_in_once_with_its_people_under_their_accounts() {
    let rk = init();
    let s = import(&rk, &hubspot(), &[], 0);
    assert_eq!(s["crm"], "hubspot");
    assert_eq!(count(&s, "deals", "created"), 4);
    assert_eq!(count(&s, "contacts", "created"), 4);
    assert!(s["kept"].as_bool().unwrap());
    let d = deal(&rk, "Northwind");
    assert_eq!(d["deal"]["stage"], "negotiation");
    assert_eq!(d["deal"]["amount"]["cents"], 4_800_000);
    assert_eq!(d["deal"]["expected_close"], "2025-03-28");
    assert_eq!(d["deal"]["account"]["name"], "Northwind Freight");
    let people: Vec<&str> = d["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(people, vec!["Elena Petrova", "Tom Hale"]);
    assert_eq!(d["stage_history"][0]["at"], "2025-01-20T11:03:00Z");
    let lost = deal(&rk, "Acme Tiles");
    assert_eq!(lost["deal"]["status"], "lost");
    assert_eq!(lost["deal"]["loss"]["reason"], "competitor");
    assert_eq!(
        lost["deal"]["loss"]["note"],
        "Went with incumbent; budget moved to Q3"
    );
    assert_eq!(
        lost["deal"]["account"]["name"], "Acme Tiles, Inc.",
        "the account of its contact"
    );

    let before = dump(&rk.db);
    let again = import(&rk, &hubspot(), &[], 0);
    assert_eq!(count(&again, "deals", "unchanged"), 4);
    assert_eq!(count(&again, "contacts", "unchanged"), 4);
    assert_eq!(dump(&rk.db), before, "a re-import changes nothing");
}

/// The HubSpot export imported, then Müller Bau moved back to demo by the rep.
fn imported_then_muller_moved_to_demo() -> Rk {
    let rk = init();
    import(&rk, &hubspot(), &[], 0);
    let muller = deal(&rk, "Müller")["deal"]["id"].to_string();
    assert!(
        rk.run(&["--now", AT, "deal", "stage", &muller, "demo"])
            .status
            .success()
    );
    rk
}

#[test]
fn an_updated_export_updates_and_a_change_on_both_sides_is_a_reported_conflict() {
    let dir = tempfile::tempdir().unwrap();
    // The CRM: Northwind's amount went up; Müller Bau moved to Contract Sent.
    let updated = edited(
        dir.path(),
        "\"Contract Sent\",\"Sales Pipeline\",\"48000\"",
        "\"Contract Sent\",\"Sales Pipeline\",\"52000\"",
    );
    let text = std::fs::read_to_string(&updated)
        .unwrap()
        .replace("\"Decision Maker Bought-In\"", "\"Contract Sent\"");
    std::fs::write(&updated, text).unwrap();
    // The rep, meanwhile, moved Müller Bau back to demo.
    let rk = imported_then_muller_moved_to_demo();

    let files = vec![updated.clone(), hubspot()[1].clone()];
    let s = import(&rk, &files, &[], 0);
    assert_eq!(count(&s, "deals", "updated"), 1, "{s}");
    assert_eq!(count(&s, "deals", "conflicts"), 1, "{s}");
    assert_eq!(deal(&rk, "Northwind")["deal"]["amount"]["cents"], 5_200_000);
    let conflict = &s["conflicts"][0];
    assert_eq!(conflict["id"], "18741203346");
    assert_eq!(conflict["fields"][0]["field"], "stage");
    assert_eq!(conflict["fields"][0]["kept"], "local");
    // The values as the rep reads them, not as the program holds them.
    assert_eq!(conflict["fields"][0]["local"], "demo", "{conflict}");
    assert_eq!(conflict["fields"][0]["crm"], "negotiation", "{conflict}");
    assert_eq!(
        deal(&rk, "Müller")["deal"]["stage"],
        "demo",
        "the rep's change is kept"
    );
    // The conflict the rep's side kept stays open: the same export imported again reports it
    // again, and with --prefer crm then takes the CRM's value.
    let again = import(&rk, &files, &[], 0);
    assert_eq!(count(&again, "deals", "conflicts"), 1, "{again}");
    let settled = import(&rk, &files, &["--prefer", "crm"], 0);
    assert_eq!(
        settled["conflicts"][0]["fields"][0]["kept"], "crm",
        "{settled}"
    );
    assert_eq!(deal(&rk, "Müller")["deal"]["stage"], "negotiation");
    let after = import(&rk, &files, &[], 0);
    assert_eq!(count(&after, "deals", "conflicts"), 0, "settled: {after}");

    // Said again with --prefer crm, the CRM's value is taken (and still reported).
    let rk2 = imported_then_muller_moved_to_demo();
    let s = import(&rk2, &files, &["--prefer", "crm"], 0);
    assert_eq!(s["conflicts"][0]["fields"][0]["kept"], "crm");
    assert_eq!(deal(&rk2, "Müller")["deal"]["stage"], "negotiation");
    let history = deal(&rk2, "Müller")["stage_history"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(history, 3, "proposal, demo, negotiation");
}

#[test]
fn a_close_in_the_crm_over_a_stage_the_rep_moved_is_a_reported_conflict() {
    let dir = tempfile::tempdir().unwrap();
    // The CRM closed Müller Bau as won; the rep, meanwhile, moved it back to demo here.
    let closed = edited(dir.path(), "\"Decision Maker Bought-In\"", "\"Closed Won\"");
    let files = vec![closed, hubspot()[1].clone()];
    for (prefer, kept, status) in [("local", "local", "open"), ("crm", "crm", "won")] {
        let rk = imported_then_muller_moved_to_demo();
        let s = import(&rk, &files, &["--prefer", prefer], 0);
        assert_eq!(count(&s, "deals", "conflicts"), 1, "{s}");
        let conflict = &s["conflicts"][0];
        assert_eq!(conflict["id"], "18741203346", "{s}");
        assert_eq!(conflict["fields"][0]["field"], "status", "{s}");
        assert_eq!(conflict["fields"][0]["kept"], kept, "{s}");
        let record = deal(&rk, "Müller");
        assert_eq!(
            record["deal"]["status"], status,
            "--prefer {prefer}: {record}"
        );
        assert_eq!(record["deal"]["stage"], "demo", "the rep's stage stays");
        if prefer == "local" {
            // Kept open: settled later with --prefer crm, the close and its outcome come in.
            let s = import(&rk, &files, &["--prefer", "crm"], 0);
            assert_eq!(count(&s, "deals", "conflicts"), 1, "{s}");
            assert_eq!(deal(&rk, "Müller")["deal"]["status"], "won");
        }
    }
}

/// A Salesforce export (Data Loader style) of `accounts` accounts, each with one opportunity
/// and one contact: enough records for an import to commit more than one batch.
fn salesforce_export(dir: &Path, accounts: usize) -> Vec<String> {
    let id = |prefix: &str, n: usize| format!("{prefix}{n:012}AAA");
    let mut a = String::from("Id,Name,Industry,Website\n");
    let mut c = String::from("Id,AccountId,FirstName,LastName,Email,Title\n");
    let mut o = String::from(
        "Id,AccountId,Name,StageName,Amount,CloseDate,OwnerId,IsClosed,IsWon,NextStep,CreatedDate\n",
    );
    for i in 0..accounts {
        a += &format!(
            "{},Account {i} Ltd,Logistics,https://account{i}.example\n",
            id("001", i)
        );
        c += &format!(
            "{},{},Pat{i},Lee{i},pat{i}@account{i}.example,Head of Operations\n",
            id("003", i),
            id("001", i)
        );
        o += &format!(
            "{},{},Deal {i} - fleet rollout,Qualification,{}.00,2026-12-{:02},Alex Morgan,false,false,Review the proposal,2026-01-01T09:00:00.000+0000\n",
            id("006", i),
            id("001", i),
            10_000 + i,
            1 + i % 28
        );
    }
    [
        ("Account.csv", a),
        ("Contact.csv", c),
        ("Opportunity.csv", o),
    ]
    .iter()
    .map(|(name, text)| file(dir, name, text).to_string_lossy().into_owned())
    .collect()
}

/// The dump of what the record holds: without the read model's counters, which count the
/// transactions that outdated it (one per committed batch), nor the migrations' log (when
/// each database was made, and how long that took).
fn record_dump(db: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut all = dump(db);
    all.remove("assessment_model");
    all.remove("_sqlx_migrations");
    all
}

/// The tables whose rows differ between two dumps, with a few of the rows on each side.
fn differences(
    a: &std::collections::BTreeMap<String, Vec<String>>,
    b: &std::collections::BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let tables: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let empty = Vec::new();
    tables
        .into_iter()
        .filter_map(|t| {
            let (x, y) = (a.get(t).unwrap_or(&empty), b.get(t).unwrap_or(&empty));
            let only_x: Vec<&String> = x.iter().filter(|r| !y.contains(r)).take(3).collect();
            let only_y: Vec<&String> = y.iter().filter(|r| !x.contains(r)).take(3).collect();
            (!only_x.is_empty() || !only_y.is_empty())
                .then(|| format!("{t}: {only_x:?} / {only_y:?}"))
        })
        .collect()
}

#[test]
fn an_import_stopped_after_a_committed_batch_keeps_it_and_a_rerun_ends_as_one_clean_run() {
    let dir = tempfile::tempdir().unwrap();
    // 6,000 records: the first batch commits at 5,000 records at the latest.
    let files = salesforce_export(dir.path(), 2_000);
    let rk = init();
    let before = record_dump(&rk.db);
    // The first commit goes through, the second fails.
    let out = import_failing(&rk, &files, "capture.commit=1*off->return");
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("failure injected at capture.commit")
            && said.contains("kept: every record up to line"),
        "{said}"
    );
    let partial = record_dump(&rk.db);
    assert_ne!(partial, before, "the first batch was kept");
    let deals = |db: &Path| partial_count(db, "SELECT COUNT(*) FROM deals");
    assert!(deals(&rk.db) < 2_000, "the batch in hand was lost");

    let s = import(&rk, &files, &[], 0);
    assert!(s["kept"].as_bool().unwrap(), "{s}");
    let clean = init();
    let c = import(&clean, &files, &[], 0);
    assert_eq!(count(&c, "deals", "created"), 2_000, "{c}");
    let differ = differences(&record_dump(&rk.db), &record_dump(&clean.db));
    assert!(differ.is_empty(), "{differ:#?}");
    // Both read models were outdated by what the imports brought in.
    let generation = |db: &Path| partial_count(db, "SELECT generation FROM assessment_model");
    assert!(generation(&rk.db) > 0 && generation(&clean.db) > 0);
}

/// One number the database answers `sql` with.
fn partial_count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_salesforce_lead_is_a_person_at_its_company_and_deleted_or_converted_records_are_left_out() {
    let rk = init();
    // Data Loader's Export All: a lead being worked, one converted into the contact, account
    // and opportunity of the other exports, and one deleted.
    let s = import(
        &rk,
        &[fixture("Lead.csv"), fixture("Opportunity.csv")],
        &[],
        0,
    );
    assert_eq!(count(&s, "contacts", "created"), 1, "{s}");
    assert_eq!(count(&s, "contacts", "skipped"), 2, "{s}");
    assert_eq!(s["left_out"]["deleted in the CRM"], 1, "{s}");
    assert_eq!(
        s["left_out"]["a converted lead: its contact, account and opportunity are in their own exports"],
        1,
        "{s}"
    );
    let at = |name: &str| {
        partial_count(
            &rk.db,
            &format!(
                "SELECT count(*) FROM contacts c JOIN accounts a ON a.id = c.account_id
                 JOIN contact_emails e ON e.contact_id = c.id
                 WHERE c.name = '{name}' AND a.name = 'Fjordline Cargo AS'
                   AND e.email = 'ingrid.haugen@fjordline-cargo.example'"
            ),
        )
    };
    assert_eq!(at("Ingrid Haugen"), 1);
    let people = partial_count(
        &rk.db,
        "SELECT count(*) FROM contacts WHERE name IN ('Petra Novak', 'Oskar Lindqvist')",
    );
    assert_eq!(people, 0);
    // A deleted opportunity is left out the same way, and the text summary says why.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("Opportunity.csv")).unwrap();
    let deleted = file(
        dir.path(),
        "Opportunity-deleted.csv",
        &text.replacen("006Hs00000K2xQaIAJ,,", "006Hs00000K2xQzIAJ,true,", 1),
    );
    let out = rk.run(&["--now", AT, "import", "crm", deleted.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("1 left out") && shown.contains("1 x deleted in the CRM"),
        "{shown}"
    );
}

#[test]
fn the_crms_activity_dates_are_kept_with_its_record_and_shown_never_made_touches() {
    let rk = init();
    let s = import(&rk, &[fixture("pipedrive-deals-export.csv")], &[], 0);
    assert!(count(&s, "deals", "created") > 0, "{s}");
    let id = deal(&rk, "Northwind Freight")["deal"]["id"].to_string();
    let shown = rk.json(&["--now", AT, "show", &id]);
    let crm = &shown["crm"][0];
    assert_eq!(crm["crm"], "pipedrive", "{shown}");
    assert_eq!(crm["id"], "412");
    assert_eq!(crm["last_activity"], "2025-02-18");
    assert_eq!(crm["last_contacted"], "2025-02-18");
    assert_eq!(crm["next_activity"], "2025-03-07");
    // Dates are not touches: the deal's timeline stays empty.
    assert_eq!(partial_count(&rk.db, "SELECT count(*) FROM activities"), 0);
    let out = rk.run(&["--now", AT, "show", &id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("in pipedrive 412: last activity 2025-02-18, last contacted 2025-02-18, next activity due 2025-03-07"),
        "{text}"
    );
    // A later export with a newer activity: the record itself is unchanged, the dates move.
    let dir = tempfile::tempdir().unwrap();
    let later = std::fs::read_to_string(fixture("pipedrive-deals-export.csv"))
        .unwrap()
        .replacen("2025-03-07,2025-02-18,", "2025-03-14,2025-03-04,", 1);
    let later = file(dir.path(), "deals-later.csv", &later);
    let s = import(&rk, &[later.to_string_lossy().into_owned()], &[], 0);
    assert_eq!(count(&s, "deals", "updated"), 0, "{s}");
    let shown = rk.json(&["--now", AT, "show", &id]);
    assert_eq!(shown["crm"][0]["last_activity"], "2025-03-04");
    assert_eq!(shown["crm"][0]["next_activity"], "2025-03-14");

    // A time late in the CRM's own day stays on that day, whatever its time zone.
    let rk = init();
    let deals = file(
        dir.path(),
        "hs.csv",
        "Record ID,Deal Name,Deal Stage,Amount,Last Activity Date,Next Activity Date\n7100,Fjord Co - Pilot,Contract Sent,100,2026-11-01 23:30,2026-12-01 00:30\n7101,Gran Co - Pilot,Contract Sent,100,2026-11-02T06:30:00Z,\n",
    );
    for zone in ["America/Los_Angeles", "Pacific/Auckland"] {
        let mapping = file(
            dir.path(),
            "zone.toml",
            &format!("time_zone = \"{zone}\"\n"),
        );
        import(
            &rk,
            &[deals.to_string_lossy().into_owned()],
            &["--mapping", mapping.to_str().unwrap()],
            0,
        );
        let id = deal(&rk, "Fjord Co")["deal"]["id"].to_string();
        let crm = &rk.json(&["--now", AT, "show", &id])["crm"][0];
        assert_eq!(crm["last_activity"], "2026-11-01", "{zone}: {crm}");
        assert_eq!(crm["next_activity"], "2026-12-01", "{zone}: {crm}");
        // An instant is the day it was in the CRM's time zone: 06:30 UTC on 2 November is
        // 1 November in Los Angeles, 2 November in Auckland.
        let id = deal(&rk, "Gran Co")["deal"]["id"].to_string();
        let crm = &rk.json(&["--now", AT, "show", &id])["crm"][0];
        let day = if zone == "America/Los_Angeles" {
            "2026-11-01"
        } else {
            "2026-11-02"
        };
        assert_eq!(crm["last_activity"], day, "{zone}: {crm}");
    }
}

#[test]
fn a_date_outside_the_range_rekindle_keeps_is_refused_on_its_row_and_the_rest_reads() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        dir.path(),
        "far.csv",
        "Record ID,Deal Name,Deal Stage,Amount,Close Date\n1,Alder Co - Pilot,Contract Sent,100,9999-12-31\n2,Birch Co - Pilot,Contract Sent,200,2026-12-31\n",
    );
    let s = import(&rk, &[f.to_string_lossy().into_owned()], &[], 1);
    assert_eq!(count(&s, "deals", "created"), 1, "{s}");
    assert_eq!(s["refused"][0]["line"], 2, "{s}");
    assert_eq!(s["refused"][0]["column"], "Close Date", "{s}");
    // Every command still reads the database.
    for command in [&["deal", "list"][..], &["scan"], &["today"]] {
        let mut args = vec!["--now", AT];
        args.extend_from_slice(command);
        let out = rk.run(&args);
        assert!(out.status.success(), "{command:?}: {out:?}");
    }
}

#[test]
fn two_people_of_one_export_sharing_an_address_are_not_merged() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        dir.path(),
        "contacts.csv",
        "Record ID,First Name,Last Name,Email,Job Title,Associated Company\n501,Ann,One,team@fjord.example,CEO,Fjord AS\n502,Bob,Two,team@fjord.example,Intern,Fjord AS\n",
    );
    let s = import(&rk, &[f.to_string_lossy().into_owned()], &[], 1);
    assert_eq!(count(&s, "contacts", "created"), 1, "{s}");
    assert_eq!(count(&s, "contacts", "updated"), 0, "{s}");
    assert_eq!(s["refused"][0]["line"], 3, "{s}");
    let why = s["refused"][0]["reason"].as_str().unwrap();
    assert!(
        why.contains("team@fjord.example") && why.contains("Ann One") && why.contains("501"),
        "{why}"
    );
    let ann = partial_count(
        &rk.db,
        "SELECT count(*) FROM contacts WHERE name = 'Ann One' AND title = 'CEO'",
    );
    assert_eq!(ann, 1, "the first person keeps their name and title");
    // Run again: the same, nothing merged on the second pass either.
    let s = import(&rk, &[f.to_string_lossy().into_owned()], &[], 1);
    assert_eq!(count(&s, "contacts", "unchanged"), 1, "{s}");
    assert_eq!(count(&s, "contacts", "refused"), 1, "{s}");
}

#[test]
fn a_deal_imported_before_its_contacts_moves_to_their_company_when_imported_again() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let deals = file(
        dir.path(),
        "deals.csv",
        "Record ID,Deal Name,Deal Stage,Amount,Associated Contact IDs\n7001,Q1 fleet expansion,Contract Sent,1000,8001\n",
    );
    let contacts = file(
        dir.path(),
        "contacts.csv",
        "Record ID,First Name,Last Name,Email,Associated Company\n8001,Eva,Berg,eva@bergfreight.example,Berg Freight AB\n",
    );
    let deals = deals.to_string_lossy().into_owned();
    let contacts = contacts.to_string_lossy().into_owned();
    // The deals alone: no company, and its contact not here yet. Said, with the line.
    let s = import(&rk, std::slice::from_ref(&deals), &[], 0);
    let said = s["warnings"].as_array().unwrap().iter().any(|w| {
        let w = w.as_str().unwrap();
        w.contains("1 deal names no company") && w.contains("line 2")
    });
    assert!(said, "{s}");
    import(&rk, std::slice::from_ref(&contacts), &[], 0);
    // The deals again, now that its contact is here: it moves to her company, with her.
    let s = import(&rk, std::slice::from_ref(&deals), &[], 0);
    assert_eq!(count(&s, "deals", "updated"), 1, "{s}");
    assert!(s["warnings"].as_array().unwrap().is_empty(), "{s}");
    let d = deal(&rk, "Q1 fleet expansion");
    assert_eq!(d["deal"]["account"]["name"], "Berg Freight AB", "{d}");
    let people: Vec<&str> = d["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(people, ["Eva Berg"]);
    // The account named from the title, empty now, is gone.
    let placeholder = partial_count(
        &rk.db,
        "SELECT count(*) FROM accounts WHERE name = 'Q1 fleet expansion'",
    );
    assert_eq!(placeholder, 0);
    // Once named, it stays: a further import changes nothing.
    let s = import(&rk, &[deals, contacts], &[], 0);
    assert_eq!(count(&s, "deals", "unchanged"), 1, "{s}");
}

#[test]
fn a_pipedrive_deal_is_lost_as_of_the_day_it_was_closed_in_any_language_of_its_status() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        dir.path(),
        "deals.csv",
        "Deal - ID,Deal - Title,Deal - Organization,Deal - Stage,Deal - Status,Deal - Value,Deal - Currency of Value,Deal - Expected close date,Deal - Lost time,Deal - Lost reason\n801,Alder AS - Fleet,Alder AS,Qualified,Verloren,1000,EUR,2024-06-30,2024-05-01 10:00:00,Kein Budget\n802,Birch AS - Fleet,Birch AS,Qualified,Offen,2000,EUR,2026-12-31,,\n803,Cedar AS - Fleet,Cedar AS,Qualified,Verloren,3000,EUR,2024-06-30,9999-12-31 00:00:00,\n",
    );
    let s = import(&rk, &[f.to_string_lossy().into_owned()], &[], 1);
    assert_eq!(count(&s, "deals", "created"), 2, "{s}");
    assert_eq!(s["refused"][0]["line"], 4, "{s}");
    assert_eq!(s["refused"][0]["column"], "Deal - Lost time", "{s}");
    let alder = deal(&rk, "Alder");
    assert_eq!(alder["deal"]["status"], "lost", "{alder}");
    assert_eq!(
        alder["deal"]["loss"]["at"], "2024-05-01T00:00:00Z",
        "{alder}"
    );
    assert_eq!(deal(&rk, "Birch")["deal"]["status"], "open");
}

#[test]
fn a_hubspot_lost_update_names_the_pipeline_its_deal_is_in_and_that_pipelines_lost_stage() {
    let rk = init();
    import(&rk, &hubspot(), &[], 0);
    // O'Connor's deal is in the Renewals pipeline, not the default one: its closed-lost stage
    // is that pipeline's, which only the team knows. Without it, the update is not written.
    close_lost(&rk, "O’Connor", "timing", None);
    close_lost(&rk, "Northwind", "budget", None);
    let dir = tempfile::tempdir().unwrap();
    let e = export(&rk, "hubspot", dir.path());
    let said = e["skipped"].as_array().unwrap().iter().any(|s| {
        let s = s.as_str().unwrap();
        s.contains("O’Connor") && s.contains("\"Renewals\"") && s.contains("lost_stages")
    });
    assert!(said, "{e}");
    let (header, rows) = read_csv(
        &dir.path()
            .join("rekindle-hubspot-deal-updates-2025-03-05.csv"),
    );
    assert_eq!(
        header,
        ["Record ID", "Pipeline", "Deal Stage", "Closed Lost Reason"]
    );
    assert_eq!(
        rows,
        vec![vec![
            "18741203345".to_string(),
            "Sales Pipeline".into(),
            "Closed Lost".into(),
            "Budget".into()
        ]]
    );
    // The mapping names it: the next export writes it, in its pipeline.
    let mapping = file(
        dir.path(),
        "map.yaml",
        "lost_stages:\n  Renewals: Renewal lost\n",
    );
    let again = tempfile::tempdir().unwrap();
    export_with(
        &rk,
        "hubspot",
        again.path(),
        &["--mapping", mapping.to_str().unwrap()],
    );
    let (_, rows) = read_csv(
        &again
            .path()
            .join("rekindle-hubspot-deal-updates-2025-03-05.csv"),
    );
    assert_eq!(
        rows,
        vec![vec![
            "18741203347".to_string(),
            "Renewals".into(),
            "Renewal lost".into(),
            "Timing".into()
        ]]
    );
    // Two stages of the team's own mapped to lost, and none said to be the default
    // pipeline's: not guessed either.
    let rk = init();
    import(&rk, &hubspot(), &[], 0);
    close_lost(&rk, "Northwind", "budget", None);
    let two = file(
        dir.path(),
        "two.toml",
        "[stages]\n\"Renewal lost\" = \"lost\"\n\"Partner dead\" = \"lost\"\n",
    );
    let out = tempfile::tempdir().unwrap();
    let e = export_with(
        &rk,
        "hubspot",
        out.path(),
        &["--mapping", two.to_str().unwrap()],
    );
    assert_eq!(e["deal_updates"], 0, "{e}");
    assert!(e["skipped"].to_string().contains("several stages"), "{e}");
}

#[test]
fn a_localized_export_whose_id_header_every_object_shares_is_read_as_the_object_its_columns_fit() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let companies = file(
        dir.path(),
        "empresas.csv",
        "ID del registro,Nombre de la empresa\n501,Fjordline Cargo AS\n",
    );
    let contacts = file(
        dir.path(),
        "contactos.csv",
        "ID del registro,Nombre,Apellidos,Correo,ID de empresa\n601,Ingrid,Haugen,ingrid@fjordline.example,501\n",
    );
    let deals = file(
        dir.path(),
        "negocios.csv",
        "ID del registro,Nombre del negocio,Etapa del negocio,Importe,ID de empresa\n701,Fjordline - Flota,Contrato,1000,501\n",
    );
    let mapping = file(
        dir.path(),
        "es.toml",
        "crm = \"hubspot\"\n[stages]\nContrato = \"negotiation\"\n[columns.companies]\nid = \"ID del registro\"\nname = \"Nombre de la empresa\"\n[columns.contacts]\nid = \"ID del registro\"\nfirst_name = \"Nombre\"\nlast_name = \"Apellidos\"\nemail = \"Correo\"\ncompany_id = \"ID de empresa\"\n[columns.deals]\nid = \"ID del registro\"\ntitle = \"Nombre del negocio\"\nstage = \"Etapa del negocio\"\namount = \"Importe\"\ncompany_id = \"ID de empresa\"\n",
    );
    let s = import(
        &rk,
        &[
            deals.to_string_lossy().into_owned(),
            contacts.to_string_lossy().into_owned(),
            companies.to_string_lossy().into_owned(),
        ],
        &["--mapping", mapping.to_str().unwrap()],
        0,
    );
    assert_eq!(count(&s, "companies", "created"), 1, "{s}");
    assert_eq!(count(&s, "contacts", "created"), 1, "{s}");
    assert_eq!(count(&s, "deals", "created"), 1, "{s}");
    let d = deal(&rk, "Fjordline");
    assert_eq!(d["deal"]["account"]["name"], "Fjordline Cargo AS", "{d}");
    assert_eq!(d["contacts"][0]["name"], "Ingrid Haugen", "{d}");
}

#[test]
fn a_person_here_already_is_not_renamed_without_saying_so_nor_made_of_two() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let first = file(
        dir.path(),
        "first.csv",
        "Record ID,First Name,Last Name,Email,Job Title,Associated Company\n501,Dora,Case,dora@alder.example,CFO,Alder AS\n502,Carl,Same,carl@birch.example,,Birch AS\n",
    );
    import(&rk, &[first.to_string_lossy().into_owned()], &[], 0);
    // Pipedrive's person 74 has both their addresses: one record cannot be two people.
    let persons = file(
        dir.path(),
        "persons.csv",
        "Person - ID,Person - Name,Person - Email - Work,Person - Email - Home,Person - Organization\n74,Mixed Person,dora@alder.example,carl@birch.example,Alder AS\n75,Dora C.,dora@alder.example,,Alder AS\n",
    );
    let s = import(&rk, &[persons.to_string_lossy().into_owned()], &[], 1);
    assert_eq!(s["refused"][0]["line"], 2, "{s}");
    let why = s["refused"][0]["reason"].as_str().unwrap();
    assert!(
        why.contains("Dora Case") && why.contains("Carl Same"),
        "{why}"
    );
    // Person 75 is Dora by her address, named otherwise: her name here stays, and it is said.
    assert_eq!(count(&s, "contacts", "conflicts"), 1, "{s}");
    let conflict = &s["conflicts"][0]["fields"][0];
    assert_eq!(conflict["field"], "name", "{s}");
    assert_eq!(conflict["kept"], "local", "{s}");
    let dora = partial_count(
        &rk.db,
        "SELECT count(*) FROM contacts WHERE name = 'Dora Case' AND title = 'CFO'",
    );
    assert_eq!(dora, 1);
    // Until settled, it is said again; `--prefer crm` takes the CRM's name.
    let s = import(&rk, &[persons.to_string_lossy().into_owned()], &[], 1);
    assert_eq!(count(&s, "contacts", "conflicts"), 1, "{s}");
    import(
        &rk,
        &[persons.to_string_lossy().into_owned()],
        &["--prefer", "crm"],
        1,
    );
    let renamed = partial_count(
        &rk.db,
        "SELECT count(*) FROM contacts WHERE name = 'Dora C.'",
    );
    assert_eq!(renamed, 1);
}

#[test]
fn a_spanish_hubspot_export_reads_through_its_yaml_mapping() {
    let rk = init();
    let s = import(
        &rk,
        &[fixture("hubspot-deals-export-es.csv")],
        &["--mapping", &fixture("hubspot-es-mapping.yaml")],
        0,
    );
    assert_eq!(count(&s, "deals", "created"), 3, "{s}");
    let flota = deal(&rk, "Transportes Ibéricos");
    assert_eq!(flota["deal"]["stage"], "negotiation", "{flota}");
    assert_eq!(flota["deal"]["amount"]["cents"], 4_800_000);
    assert_eq!(flota["deal"]["amount"]["currency"], "EUR");
    assert_eq!(flota["deal"]["expected_close"], "2026-03-28");
    assert_eq!(flota["deal"]["owner"], "Lucía Ortega");
    assert_eq!(
        flota["facts"][0]["text"],
        "Planifican las rutas a mano cada mañana"
    );
    let piloto = deal(&rk, "Cerámicas del Turia");
    assert_eq!(piloto["deal"]["amount"]["cents"], 1_250_050);
    let perdido = deal(&rk, "Logística Cantábrica");
    assert_eq!(perdido["deal"]["status"], "lost", "{perdido}");
    assert_eq!(perdido["deal"]["loss"]["reason"], "budget", "{perdido}");
}

#[test]
fn a_crm_company_is_the_account_here_with_its_web_domain_whatever_its_name() {
    let rk = init();
    // A deal entered by hand at "Acme", acme.com.
    let out = rk.run(&[
        "--now",
        AT,
        "deal",
        "add",
        "--title",
        "Acme - Fleet",
        "--account",
        "Acme",
        "--domain",
        "acme.com",
        "--owner",
        "Maya",
        "--stage",
        "qualified",
        "--amount",
        "1000",
    ]);
    assert!(out.status.success(), "{out:?}");
    let dir = tempfile::tempdir().unwrap();
    let companies = file(
        dir.path(),
        "companies.csv",
        "Record ID,Company name,Company Domain Name\n9001,Acme Corp,https://www.ACME.com/\n9002,Gmail Users Inc,gmail.com\n",
    );
    let contacts = file(
        dir.path(),
        "contacts.csv",
        "Record ID,First Name,Last Name,Email,Primary Associated Company ID\n9101,Dave,Stone,dave@acme.com,9001\n",
    );
    let s = import(
        &rk,
        &[
            companies.to_string_lossy().into_owned(),
            contacts.to_string_lossy().into_owned(),
        ],
        &[],
        0,
    );
    assert_eq!(count(&s, "contacts", "created"), 1, "{s}");
    // Dave is at the account the deal is at: one company, not two.
    let d = deal(&rk, "Acme - Fleet");
    let people: Vec<&str> = d["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(people, ["Dave Stone"], "{d}");
    assert_eq!(
        partial_count(
            &rk.db,
            "SELECT count(*) FROM accounts WHERE name = 'Acme Corp'"
        ),
        0
    );
    // A free-mail domain names no company: that one is an account of its own.
    assert_eq!(
        partial_count(
            &rk.db,
            "SELECT count(*) FROM accounts WHERE name = 'Gmail Users Inc'"
        ),
        1
    );
}

#[test]
fn a_dry_run_and_a_strict_import_with_a_refused_row_change_nothing() {
    let rk = init();
    let before = dump(&rk.db);
    let s = import(&rk, &hubspot(), &["--dry-run"], 0);
    assert_eq!(count(&s, "deals", "created"), 4);
    assert!(!s["kept"].as_bool().unwrap());
    assert_eq!(dump(&rk.db), before);

    let dir = tempfile::tempdir().unwrap();
    let bad = edited(dir.path(), "\"12500.5\"", "\"lots\"");
    let s = import(&rk, std::slice::from_ref(&bad), &["--strict"], 1);
    assert!(!s["kept"].as_bool().unwrap());
    assert_eq!(dump(&rk.db), before, "strict: nothing kept");
    let refused = &s["refused"][0];
    assert_eq!(refused["line"], 3);
    assert_eq!(refused["column"], "Amount");
    assert!(
        refused["reason"].as_str().unwrap().contains("lots"),
        "{refused}"
    );

    // Without --strict the other rows come in (and the exit status says a row was refused).
    let s = import(&rk, &[bad], &[], 1);
    assert_eq!(count(&s, "deals", "created"), 3);
    assert_eq!(count(&s, "deals", "refused"), 1);
}

#[test]
fn a_deal_the_export_gives_no_open_stage_starts_in_the_first_stage_and_is_said() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        dir.path(),
        "no-stage.csv",
        "Record ID,Deal Name,Amount,Close Date\n301,Harbor Supply - Pilot,100,2026-12-01\n",
    );
    let s = import(&rk, &[f.to_string_lossy().into_owned()], &[], 0);
    let warnings = s["warnings"].to_string();
    assert!(
        warnings.contains("no stage")
            && warnings.contains("qualified")
            && warnings.contains("line 2"),
        "{s}"
    );
    assert_eq!(deal(&rk, "Harbor")["deal"]["stage"], "qualified");
    // A deal the CRM closed lost from a closed stage claims no progress either (the revival
    // ranking scores the furthest stage reached).
    import(&rk, &hubspot(), &[], 0);
    let acme = deal(&rk, "Acme Tiles");
    assert_eq!(acme["deal"]["status"], "lost", "{acme}");
    assert_eq!(acme["deal"]["stage"], "qualified", "{acme}");
}

#[test]
fn the_mapping_init_mapping_writes_imports_each_crms_exports_unedited() {
    let dir = tempfile::tempdir().unwrap();
    for (crm, files) in [
        ("hubspot", hubspot()),
        ("salesforce", vec![fixture("Opportunity.csv")]),
        ("pipedrive", vec![fixture("pipedrive-deals-export.csv")]),
    ] {
        // In TOML, or in YAML when the file's name says so.
        for extension in ["toml", "yaml"] {
            let rk = init();
            let mapping = dir.path().join(format!("{crm}.{extension}"));
            let out = rk.run(&[
                "import",
                "crm",
                "--from",
                crm,
                "--init-mapping",
                mapping.to_str().unwrap(),
            ]);
            assert!(out.status.success(), "{crm}");
            let text = std::fs::read_to_string(&mapping).unwrap();
            let crm_line = if extension == "yaml" {
                format!("crm: {crm}")
            } else {
                format!("crm = \"{crm}\"")
            };
            assert!(text.contains(&crm_line), "{text}");
            let s = import(&rk, &files, &["--mapping", mapping.to_str().unwrap()], 0);
            assert!(count(&s, "deals", "created") > 0, "{crm}: {s}");
            assert_eq!(count(&s, "deals", "refused"), 0, "{crm}: {s}");
        }
    }
    // A header of the user's own that the file lacks is still said.
    let rk = init();
    let own = file(
        dir.path(),
        "own.toml",
        "crm = \"hubspot\"\n[columns.deals]\nnext_step = \"Nxt Step\"\n",
    );
    let out = rk.run(&[
        "--now",
        AT,
        "import",
        "crm",
        &hubspot()[0],
        "--mapping",
        own.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"Nxt Step\""));
}

#[test]
fn an_amount_that_reads_two_ways_against_the_files_decimal_mark_is_refused() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    // The first amount writes "." as the decimal mark: "12.345" would be a fraction of a cent,
    // or a thousands separator this file does not use. "12,345" is twelve thousand.
    let f = file(
        dir.path(),
        "amounts.csv",
        "Record ID,Deal Name,Deal Stage,Amount\n1,Alder Co - Pilot,Contract Sent,45362.12\n2,Birch Co - Pilot,Contract Sent,12.345\n3,Cedar Co - Pilot,Contract Sent,\"12,345\"\n",
    );
    // Exit status 1: imported, with rows refused.
    let s = import(&rk, &[f.to_string_lossy().into_owned()], &[], 1);
    assert_eq!(count(&s, "deals", "created"), 2, "{s}");
    assert_eq!(s["refused"][0]["line"], 3, "{s}");
    assert_eq!(s["refused"][0]["column"], "Amount", "{s}");
    assert_eq!(deal(&rk, "Cedar")["deal"]["amount"]["cents"], 1_234_500);
    assert_eq!(deal(&rk, "Alder")["deal"]["amount"]["cents"], 4_536_212);
}

#[test]
fn an_amount_that_reads_two_ways_in_a_file_that_never_says_is_refused_until_the_mapping_says() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    // No amount here shows its decimal mark: "48.000" is forty-eight thousand in a German
    // figure and forty-eight as a raw number. It is refused; "250000" reads either way.
    let f = file(
        dir.path(),
        "amounts.csv",
        "Record ID,Deal Name,Deal Stage,Amount\n1,Alder Co - Pilot,Contract Sent,48.000\n2,Birch Co - Pilot,Contract Sent,250000\n",
    );
    let s = import(&rk, &[f.to_string_lossy().into_owned()], &[], 1);
    assert_eq!(count(&s, "deals", "created"), 1, "{s}");
    assert_eq!(s["refused"][0]["line"], 2, "{s}");
    assert_eq!(s["refused"][0]["column"], "Amount", "{s}");
    let why = s["refused"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        why.contains("48000 or 48") && why.contains("decimal_mark"),
        "{s}"
    );
    // The mapping says: the same file, run again, keeps it at forty-eight thousand.
    let mapping = file(dir.path(), "mapping.toml", "decimal_mark = \",\"\n");
    let s = import(
        &rk,
        &[f.to_string_lossy().into_owned()],
        &["--mapping", mapping.to_str().unwrap()],
        0,
    );
    assert_eq!(count(&s, "deals", "created"), 1, "{s}");
    assert_eq!(deal(&rk, "Alder")["deal"]["amount"]["cents"], 4_800_000);
    // A mapping mark other than "." or "," is refused by its key.
    let bad = file(dir.path(), "bad.toml", "decimal_mark = \"'\"\n");
    let out = rk.run(&[
        "--now",
        AT,
        "import",
        "crm",
        f.to_str().unwrap(),
        "--mapping",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("decimal_mark"));
}

#[test]
fn a_workbook_with_one_value_far_out_is_refused_not_laid_out_whole() {
    // A 5 KB .xlsx with its data in A1:F2 and one value at XFD1048576: laid out whole it would
    // take 17 billion cells. The import runs with its address space limited, so a regression
    // fails here rather than taking the machine's memory.
    let rk = init();
    let before = dump(&rk.db);
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4000000; exec \"$0\" --db \"$1\" --now \"$2\" import crm \"$3\"")
        .arg(env!("CARGO_BIN_EXE_rekindle"))
        .arg(&rk.db)
        .arg(AT)
        .arg(fixture("far-cell.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("far-cell.xlsx") && err.contains("spans") && err.contains("export it as CSV"),
        "{err}"
    );
    assert_eq!(dump(&rk.db), before);
}

#[test]
fn a_file_no_crm_wrote_is_refused_naming_its_headers() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        dir.path(),
        "mystery.csv",
        "Nombre del negocio;Etapa;Importe\nAcme;Contrato;1\n",
    );
    let before = dump(&rk.db);
    let out = rk.run(&["--now", AT, "import", "crm", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mystery.csv")
            && err.contains("\"Nombre del negocio\"")
            && err.contains("Record ID"),
        "{err}"
    );
    assert_eq!(dump(&rk.db), before);
    // --init-mapping writes a mapping to start from, which then reads the file.
    let mapping = dir.path().join("mapping.toml");
    let out = rk.run(&[
        "import",
        "crm",
        "--from",
        "hubspot",
        "--init-mapping",
        mapping.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&mapping).unwrap();
    assert!(
        text.contains("\"Contract Sent\" = \"negotiation\""),
        "{text}"
    );
    let own = file(
        dir.path(),
        "es.toml",
        "crm = \"hubspot\"\n[stages]\nContrato = \"negotiation\"\n[columns.deals]\nid = \"Nombre del negocio\"\ntitle = \"Nombre del negocio\"\nstage = \"Etapa\"\namount = \"Importe\"\n",
    );
    let s = import(
        &rk,
        &[f.to_string_lossy().into_owned()],
        &["--mapping", own.to_str().unwrap()],
        0,
    );
    assert_eq!(count(&s, "deals", "created"), 1, "{s}");
}

#[test]
fn salesforce_tasks_land_on_their_opportunities_and_pipedrive_activities_on_their_deals() {
    let rk = init();
    let s = import(
        &rk,
        &[
            fixture("Task-dataloader-export.csv"),
            fixture("Opportunity.csv"),
        ],
        &[],
        0,
    );
    assert_eq!(count(&s, "deals", "created"), 3, "{s}");
    assert!(count(&s, "activities", "created") >= 2, "{s}");
    let northwind = deal(&rk, "Northwind");
    let summaries: Vec<&str> = northwind["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries.iter().any(|s| s.contains("MSA redlines")),
        "{summaries:?}"
    );
    assert_eq!(
        northwind["next_step"]["what"],
        "MSA redlines back from legal"
    );

    let rk = init();
    let s = import(
        &rk,
        &[
            fixture("pipedrive-activities-export-excel-de.csv"),
            fixture("pipedrive-deals-export.csv"),
        ],
        &[],
        0,
    );
    assert_eq!(count(&s, "deals", "created"), 3, "{s}");
    let muller = deal(&rk, "Müller");
    assert_eq!(muller["deal"]["amount"]["currency"], "EUR");
    let summaries: Vec<&str> = muller["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries.contains(&"Angebot nachfassen"),
        "{summaries:?}: {s}"
    );
    assert_eq!(
        count(&s, "activities", "skipped"),
        1,
        "the meeting not done yet is not history: {s}"
    );
    assert!(s["refused"].as_array().unwrap().is_empty(), "{s}");
    // The activity names its contact person only by name: the deal's person of that name.
    let call = muller["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["summary"] == "Angebot nachfassen")
        .unwrap();
    let person = muller["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == call["contact"])
        .unwrap_or_else(|| panic!("no contact on {call}"));
    assert_eq!(person["name"], "Jürgen Krämer");
}

#[test]
fn an_activity_naming_a_deal_title_several_deals_share_goes_to_none_of_them_unless_its_organization_says()
 {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let deals = file(
        dir.path(),
        "deals.csv",
        "Deal - ID,Deal - Title,Deal - Organization,Deal - Stage,Deal - Value,Deal - Currency of Value\n601,Renewal,Alder AS,Qualified,1000,EUR\n602,Renewal,Birch AS,Qualified,2000,EUR\n",
    );
    let activities = file(
        dir.path(),
        "activities.csv",
        "Activity - ID,Activity - Subject,Activity - Type,Activity - Done,Activity - Due date,Activity - Deal,Activity - Organization\n9001,Called about the renewal,Call,Done,2026-11-02,Renewal,Alder AS\n9002,Sent the quote,Email,Done,2026-11-03,Renewal,\n",
    );
    let s = import(
        &rk,
        &[
            deals.to_string_lossy().into_owned(),
            activities.to_string_lossy().into_owned(),
        ],
        &[],
        1,
    );
    assert_eq!(count(&s, "activities", "created"), 1, "{s}");
    assert_eq!(s["refused"][0]["line"], 3, "{s}");
    assert!(
        s["refused"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("several deals"),
        "{s}"
    );
    let on = |title_account: &str| {
        partial_count(
            &rk.db,
            &format!(
                "SELECT count(*) FROM activities a JOIN deals d ON d.id = a.deal_id JOIN accounts c ON c.id = d.account_id
                 WHERE c.name = '{title_account}' AND a.summary = 'Called about the renewal'"
            ),
        )
    };
    assert_eq!(on("Alder AS"), 1);
    assert_eq!(on("Birch AS"), 0);
}

#[test]
fn a_failure_mid_import_keeps_nothing_and_a_rerun_ends_as_one_clean_run() {
    let rk = init();
    let before = dump(&rk.db);
    let out = import_failing(&rk, &hubspot(), "capture.commit=return");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(dump(&rk.db), before);
    import(&rk, &hubspot(), &[], 0);
    let clean = init();
    import(&clean, &hubspot(), &[], 0);
    assert_eq!(rk.snapshot(), clean.snapshot());
}

#[test]
fn mail_imported_afterwards_matches_the_people_from_the_crm() {
    let rk = init();
    import(&rk, &hubspot(), &[], 0);
    let dir = tempfile::tempdir().unwrap();
    let mbox = file(
        dir.path(),
        "inbox.mbox",
        "From elena.petrova@northwind-freight.example Mon Mar  3 10:00:00 2025\nFrom: Elena Petrova <elena.petrova@northwind-freight.example>\nTo: maya@seller.example\nSubject: Fleet rollout: numbers\nDate: Mon, 03 Mar 2025 10:00:00 +0000\nMessage-ID: <np-1@northwind-freight.example>\n\nMaya, finance signed off on the 40 vans. Can we talk pricing for the second depot?\n\nElena\n",
    );
    let out = rk.run(&[
        "--now",
        AT,
        "import",
        "mail",
        mbox.to_str().unwrap(),
        "--me",
        "maya@seller.example",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let northwind = deal(&rk, "Northwind");
    let elena = northwind["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Elena Petrova")
        .unwrap()["id"]
        .clone();
    let from_elena = northwind["activities"].as_array().unwrap().iter().any(|a| {
        a["direction"] == "inbound"
            && a["contact"] == elena
            && a["summary"]
                .as_str()
                .unwrap()
                .contains("finance signed off")
    });
    assert!(from_elena, "{}", northwind["activities"]);
}

/// Reads an exported CSV back: header and rows.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn export(rk: &Rk, crm: &str, out: &Path) -> Value {
    export_with(rk, crm, out, &[])
}

/// `export crm` with more `flags` (`--mapping FILE`), as JSON.
fn export_with(rk: &Rk, crm: &str, out: &Path, flags: &[&str]) -> Value {
    let mut args = vec![
        "--now",
        AT,
        "--json",
        "export",
        "crm",
        "--to",
        crm,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(flags);
    let out = rk.run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn hubspot_gets_tasks_notes_and_lost_deals_in_its_import_columns_once() {
    let rk = init();
    import(&rk, &hubspot(), &[], 0);
    let northwind = deal(&rk, "Northwind")["deal"]["id"].to_string();
    assert!(
        rk.run(&[
            "--now",
            AT,
            "close",
            &northwind,
            "--lost",
            "--reason",
            "unresponsive"
        ])
        .status
        .success()
    );
    let dir = tempfile::tempdir().unwrap();
    let e = export(&rk, "hubspot", dir.path());
    assert!(e["notes"].as_u64().unwrap() >= 1, "{e}");
    let ids = ["18741203345", "18741203346", "18741203347", "18741203348"];
    let (header, rows) = read_csv(
        &dir.path()
            .join("rekindle-hubspot-tasks-notes-2025-03-05.csv"),
    );
    assert_eq!(
        header,
        [
            "Deal Record ID",
            "Task Title",
            "Task Type",
            "Task Priority",
            "Task Due Date",
            "Task Notes",
            "Note Body",
            "Activity Date"
        ]
    );
    for r in &rows {
        assert!(ids.contains(&r[0].as_str()), "a deal's Record ID: {r:?}");
        // A task row has a title, a type and priority from HubSpot's values, a due time.
        if !r[1].is_empty() {
            assert!(["EMAIL", "CALL", "TODO"].contains(&r[2].as_str()), "{r:?}");
            assert!(["HIGH", "MEDIUM", "LOW"].contains(&r[3].as_str()), "{r:?}");
            assert!(
                jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", &r[4]).is_ok(),
                "{r:?}"
            );
        }
        // A note is associated (it has the deal) and dated.
        if !r[6].is_empty() {
            assert!(
                jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", &r[7]).is_ok(),
                "{r:?}"
            );
        }
    }
    let request: Value = serde_json::from_str(
        &std::fs::read_to_string(
            dir.path()
                .join("rekindle-hubspot-tasks-notes-2025-03-05.importRequest.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mapped: Vec<&str> = request["files"][0]["fileImportPage"]["columnMappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["columnName"].as_str().unwrap())
        .collect();
    assert_eq!(
        mapped,
        header.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let (header, rows) = read_csv(
        &dir.path()
            .join("rekindle-hubspot-deal-updates-2025-03-05.csv"),
    );
    assert_eq!(
        header,
        ["Record ID", "Pipeline", "Deal Stage", "Closed Lost Reason"]
    );
    assert_eq!(
        rows,
        vec![vec![
            "18741203345".to_string(),
            "Sales Pipeline".into(),
            "Closed Lost".into(),
            "Unresponsive".into()
        ]]
    );

    // Exported once: a second export to another folder holds nothing, and says what it skipped.
    let again = tempfile::tempdir().unwrap();
    let e = export(&rk, "hubspot", again.path());
    assert_eq!(
        (
            e["tasks"].as_u64(),
            e["notes"].as_u64(),
            e["deal_updates"].as_u64()
        ),
        (Some(0), Some(0), Some(0))
    );
    assert!(!e["skipped"].as_array().unwrap().is_empty());
    assert_eq!(std::fs::read_dir(again.path()).unwrap().count(), 0);
}

#[test]
fn a_deal_the_crm_deleted_later_stays_here_but_nothing_is_exported_for_it_until_it_returns() {
    let rk = init();
    let files = [
        fixture("Opportunity.csv"),
        fixture("Task-dataloader-export.csv"),
    ];
    import(&rk, &files, &[], 0);
    let northwind = deal(&rk, "Northwind")["deal"]["id"].to_string();
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("Opportunity.csv")).unwrap();
    let deleted = file(
        dir.path(),
        "Opportunity.csv",
        &text.replacen("006Hs00000K2xQaIAJ,,", "006Hs00000K2xQaIAJ,true,", 1),
    );
    let s = import(&rk, &[deleted.to_string_lossy().into_owned()], &[], 0);
    let warned = s["warnings"].as_array().unwrap().iter().any(|w| {
        let w = w.as_str().unwrap();
        w.contains("1 deal brought in before was deleted in salesforce")
            && w.contains("006Hs00000K2xQaIAJ")
    });
    assert!(warned, "{s}");
    // Still here, and it says so.
    let shown = rk.run(&["--now", AT, "show", &northwind]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("deleted in salesforce"), "{shown}");
    // Nothing goes back to the CRM for it.
    let out = tempfile::tempdir().unwrap();
    export(&rk, "salesforce", out.path());
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                !text.contains("006Hs00000K2xQaIAJ"),
                "{}: {text}",
                path.display()
            );
        }
    }
    // Restored in the CRM: the next export has it again, and it is linked as before.
    let s = import(&rk, &files, &[], 0);
    assert_eq!(count(&s, "deals", "created"), 0, "{s}");
    let said = s["warnings"].as_array().unwrap().iter().any(|w| {
        w.as_str()
            .unwrap()
            .contains("1 deal an earlier export marked deleted is here again (line 2)")
    });
    assert!(said, "{s}");
    let shown = rk.run(&["--now", AT, "show", &northwind]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("in salesforce 006Hs00000K2xQaIAJ") && !shown.contains("deleted in"),
        "{shown}"
    );
}

#[test]
fn salesforce_and_pipedrive_files_keep_their_importers_rules() {
    let rk = init();
    import(
        &rk,
        &[
            fixture("Opportunity.csv"),
            fixture("Task-dataloader-export.csv"),
        ],
        &[],
        0,
    );
    let dir = tempfile::tempdir().unwrap();
    export(&rk, "salesforce", dir.path());
    let (header, rows) = read_csv(&dir.path().join("Task-insert-2025-03-05.csv"));
    assert_eq!(
        header,
        [
            "WhatId",
            "WhoId",
            "OwnerId",
            "Subject",
            "ActivityDate",
            "Status",
            "Priority",
            "Type",
            "Description"
        ]
    );
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(
            r[0].len() == 18 && r[0].starts_with("006"),
            "an opportunity id: {r:?}"
        );
        assert!(!r[3].is_empty());
        assert!(r[4].parse::<jiff::civil::Date>().is_ok(), "{r:?}");
        assert!(
            [
                "Not Started",
                "In Progress",
                "Completed",
                "Waiting on someone else",
                "Deferred"
            ]
            .contains(&r[5].as_str())
        );
        assert!(["High", "Normal", "Low"].contains(&r[6].as_str()));
        assert!(r[8].chars().count() <= 32_000);
    }
    let sdl = std::fs::read_to_string(dir.path().join("Task-insert-2025-03-05.sdl")).unwrap();
    for h in &header {
        assert!(sdl.lines().any(|l| l == format!("{h}={h}")), "{sdl}");
    }

    let rk = init();
    import(&rk, &[fixture("pipedrive-deals-export.csv")], &[], 0);
    let dir = tempfile::tempdir().unwrap();
    export(&rk, "pipedrive", dir.path());
    let (header, rows) = read_csv(
        &dir.path()
            .join("rekindle-pipedrive-activities-notes-2025-03-05.csv"),
    );
    assert_eq!(header[0], "Deal - ID");
    assert!(header.iter().all(|h| h.starts_with("Deal - ")
        || h.starts_with("Activity - ")
        || h.starts_with("Note - ")));
    for r in &rows {
        assert!(r[0].parse::<u64>().is_ok(), "a Pipedrive deal id: {r:?}");
        let done = &r[header.iter().position(|h| h == "Activity - Done").unwrap()];
        assert!(done.is_empty() || done == "Done" || done == "Undone");
    }
}

#[test]
fn a_zipped_hubspot_export_reads_as_the_files_inside() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("hubspot-crm-exports-all-deals-2025-03-05-2025-03-05.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, file) in [
        (
            "all-deals-2025-03-05.csv",
            "hubspot-crm-exports-all-deals-2025-03-05.csv",
        ),
        (
            "all-contacts-2025-03-05.csv",
            "hubspot-crm-exports-all-contacts-2025-03-05-excel-resaved.csv",
        ),
    ] {
        zip.start_file(name, options).unwrap();
        std::io::Write::write_all(&mut zip, &std::fs::read(fixture(file)).unwrap()).unwrap();
    }
    // What a Mac adds to an archive is not read.
    zip.start_file("__MACOSX/._all-deals-2025-03-05.csv", options)
        .unwrap();
    std::io::Write::write_all(&mut zip, b"\x00\x05\x16\x07").unwrap();
    zip.finish().unwrap();
    // Read in place: nothing is unpacked to the temporary folder, so a stopped import
    // leaves nothing behind there.
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .arg("--db")
        .arg(&rk.db)
        .args(["--now", AT, "--json", "import", "crm"])
        .arg(&path)
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    assert_eq!(count(&s, "deals", "created"), 4, "{s}");
    assert_eq!(count(&s, "contacts", "created"), 4, "{s}");
    let files: Vec<&str> = s["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.iter().all(|f| f.contains(".zip:all-")), "{files:?}");

    // A file inside that cannot be read is named as the archive's entry, not by the
    // temporary folder it was unpacked to.
    let broken = dir.path().join("export.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&broken).unwrap());
    zip.start_file("all-deals.csv", options).unwrap();
    std::io::Write::write_all(&mut zip, b"").unwrap();
    zip.finish().unwrap();
    let out = rk.run(&["--now", AT, "import", "crm", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:all-deals.csv, line 1", broken.display())),
        "{err}"
    );

    // An entry stored without compression reads the same; one damaged in the archive (a
    // byte changed in its last row) is refused before any of its rows is kept.
    let stored = dir.path().join("stored.zip");
    let deals = std::fs::read(fixture("hubspot-crm-exports-all-deals-2025-03-05.csv")).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&stored).unwrap());
    zip.start_file(
        "all-deals.csv",
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
    )
    .unwrap();
    std::io::Write::write_all(&mut zip, &deals).unwrap();
    zip.finish().unwrap();
    let mut bytes = std::fs::read(&stored).unwrap();
    let last = deals.len() - 3;
    let at = bytes
        .windows(deals.len())
        .position(|w| w == &deals[..])
        .unwrap()
        + last;
    bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, &bytes).unwrap();
    let fresh = init();
    let before = dump(&fresh.db);
    let out = fresh.run(&["--now", AT, "import", "crm", damaged.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("damaged.zip") && err.contains("all-deals.csv") && err.contains("CRC-32"),
        "{err}"
    );
    assert_eq!(dump(&fresh.db), before);
    let s = import(&fresh, &[stored.to_string_lossy().into_owned()], &[], 0);
    assert_eq!(count(&s, "deals", "created"), 4, "{s}");

    // An empty archive, and one holding two files of one name: each refused for what it is.
    let empty = dir.path().join("empty.zip");
    zip::ZipWriter::new(std::fs::File::create(&empty).unwrap())
        .finish()
        .unwrap();
    // Two names one character apart, then made one name in the archive's bytes (the writer
    // refuses a name twice; other archivers do not).
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["all-deals-1.csv", "all-deals-2.csv"] {
        zip.start_file(name, options).unwrap();
        std::io::Write::write_all(&mut zip, &deals).unwrap();
    }
    let mut bytes = zip.finish().unwrap().into_inner();
    let (from, to) = (b"all-deals-2.csv", b"all-deals-1.csv");
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(from.len()).position(|w| w == from) {
        bytes[at + i..at + i + to.len()].copy_from_slice(to);
        at += i + to.len();
    }
    let twice = dir.path().join("twice.zip");
    std::fs::write(&twice, &bytes).unwrap();
    // And two that differ only by case.
    let cased = dir.path().join("cased.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&cased).unwrap());
    for name in ["all-deals.csv", "ALL-DEALS.csv"] {
        zip.start_file(name, options).unwrap();
        std::io::Write::write_all(&mut zip, &deals).unwrap();
    }
    zip.finish().unwrap();
    for (archive, why) in [
        (&empty, "holds no .csv file"),
        (&twice, "twice"),
        (&cased, "twice"),
    ] {
        let out = fresh.run(&["--now", AT, "import", "crm", archive.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(archive.to_str().unwrap()) && err.contains(why),
            "{err}"
        );
    }
}

#[test]
fn broken_rows_blank_stages_repeated_ids_and_non_files_are_refused_not_guessed() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let header = "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Amount\"\n";
    // A quote opened and never closed swallows the rest of the file: refused, not a deal.
    let unterminated = file(
        dir.path(),
        "unterminated.csv",
        &format!(
            "{header}\"1\",\"Acme - fleet\",\"Contract Sent\",\"100\"\n\"2\",\"Beta - pilot,\"Contract Sent\",\"200\"\n\"3\",\"Gamma\",\"Contract Sent\",\"300\"\n"
        ),
    );
    let s = import(
        &rk,
        &[unterminated.to_string_lossy().into_owned()],
        &["--strict"],
        1,
    );
    assert!(!s["kept"].as_bool().unwrap());
    let reason = s["refused"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("fields where the header has 4"), "{reason}");
    assert_eq!(s["refused"][0]["line"], 3);
    // A blank stage on an open deal, and one record twice.
    let f = file(
        dir.path(),
        "blank-and-twice.csv",
        &format!(
            "{header}\"1\",\"Acme - fleet\",\"\",\"100\"\n\"2\",\"Beta\",\"Contract Sent\",\"200\"\n\"2\",\"Beta again\",\"Closed Lost\",\"999\"\n"
        ),
    );
    let s = import(&rk, &[f.to_string_lossy().into_owned()], &[], 1);
    assert_eq!(count(&s, "deals", "created"), 1, "{s}");
    let reasons: Vec<&str> = s["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("stage is empty")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("appears again (first on line 3)")),
        "{reasons:?}"
    );
    assert_eq!(
        deal(&rk, "Beta")["deal"]["status"],
        "open",
        "the first row stands"
    );
    // A folder, a pipe and a binary file are refused at once, naming what they are.
    let before = dump(&rk.db);
    let fifo = dir.path().join("pipe.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let binary = dir.path().join("program.csv");
    std::fs::write(&binary, b"\x7fELF\x02\x01\x01\x00\x00\x00").unwrap();
    for (path, words) in [
        (dir.path().to_path_buf(), "not a regular file"),
        (fifo, "not a regular file"),
        (binary, "not a text file"),
    ] {
        let out = rk.run(&["--now", AT, "import", "crm", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words) && err.len() < 400, "{err}");
    }
    assert_eq!(dump(&rk.db), before);
}

#[test]
fn a_pipedrive_deals_contact_person_is_one_of_its_people_once() {
    let rk = init();
    let s = import(&rk, &[fixture("pipedrive-deals-export.csv")], &[], 0);
    assert_eq!(count(&s, "deals", "created"), 3, "{s}");
    let names = |rk: &Rk| -> Vec<String> {
        deal(rk, "Northwind")["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&rk), vec!["Elena Petrova"]);
    // Again: nobody twice.
    let again = import(&rk, &[fixture("pipedrive-deals-export.csv")], &[], 0);
    assert_eq!(count(&again, "deals", "unchanged"), 3, "{again}");
    assert_eq!(names(&rk), vec!["Elena Petrova"]);
    // Her own row, imported later, completes her (an address, a title) rather than adding a
    // second Elena.
    let dir = tempfile::tempdir().unwrap();
    let persons = file(
        dir.path(),
        "persons.csv",
        "Person - ID,Person - Name,Person - Email - Work,Person - Title,Person - Organization,Person - Organization ID\n\
         903,Elena Petrova,elena.petrova@northwind.example,Head of Fleet,Northwind Freight,187\n",
    );
    let s = import(&rk, &[persons.to_string_lossy().into_owned()], &[], 0);
    assert_eq!(count(&s, "contacts", "updated"), 1, "{s}");
    let contacts = deal(&rk, "Northwind")["contacts"].clone();
    assert_eq!(contacts.as_array().unwrap().len(), 1, "{contacts}");
    assert_eq!(contacts[0]["emails"][0], "elena.petrova@northwind.example");
    assert_eq!(contacts[0]["title"], "Head of Fleet");
}

#[test]
fn a_deal_without_an_amount_and_owners_given_as_salesforce_ids_are_said() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("Opportunity.csv")).unwrap();
    assert!(text.contains(",48000.00,"));
    let blank = file(
        dir.path(),
        "Opportunity.csv",
        &text.replace(",48000.00,", ",,"),
    );
    let s = import(&rk, &[blank.to_string_lossy().into_owned()], &[], 0);
    let warnings: Vec<&str> = s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("1 new deal has no amount, kept at 0 USD") && w.contains("line 2")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("Salesforce user ids (005Hs00000A1bcDIAR")),
        "{warnings:?}"
    );
    let northwind = deal(&rk, "Northwind");
    assert_eq!(northwind["deal"]["amount"]["cents"], 0);
    assert_eq!(northwind["deal"]["amount"]["currency"], "USD");
}

#[test]
fn a_pipedrive_xlsx_export_imports_as_its_csv_and_a_broken_workbook_is_refused() {
    let rk = init();
    let s = import(&rk, &[fixture("pipedrive-deals-export.xlsx")], &[], 0);
    assert_eq!(s["crm"], "pipedrive");
    assert_eq!(count(&s, "deals", "created"), 3, "{s}");
    let northwind = deal(&rk, "Northwind");
    assert_eq!(northwind["deal"]["amount"]["cents"], 4_800_000);
    assert_eq!(northwind["deal"]["expected_close"], "2025-03-28");
    // The CSV export of the same deals changes nothing.
    let again = import(&rk, &[fixture("pipedrive-deals-export.csv")], &[], 0);
    assert_eq!(count(&again, "deals", "unchanged"), 3, "{again}");
    // A workbook cut short is refused, naming the file; nothing is written.
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(fixture("pipedrive-deals-export.xlsx")).unwrap();
    let cut = dir.path().join("deals.xlsx");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let out = rk.run(&["import", "crm", cut.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("deals.xlsx"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Closes the deal whose title starts with `title` as lost for `reason`, with `note`.
fn close_lost(rk: &Rk, title: &str, reason: &str, note: Option<&str>) {
    let id = deal(rk, title)["deal"]["id"].to_string();
    // `--note=TEXT`: a note may start with `-`.
    let note = note.map(|n| format!("--note={n}"));
    let mut args = vec!["--now", AT, "close", &id, "--lost", "--reason", reason];
    args.extend(note.as_deref());
    let out = rk.run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The rows of `rows` whose column `name` of `header` is `value`.
fn rows_where<'r>(
    header: &[String],
    rows: &'r [Vec<String>],
    name: &str,
    value: &str,
) -> Vec<&'r Vec<String>> {
    let at = header.iter().position(|h| h == name).unwrap();
    rows.iter().filter(|r| r[at] == value).collect()
}

#[test]
fn a_salesforce_export_of_a_lost_deal_replaces_no_description_and_the_note_is_a_task() {
    let rk = init();
    import(&rk, &[fixture("Opportunity.csv")], &[], 0);
    close_lost(&rk, "Müller", "budget", Some("No budget until 2027"));
    close_lost(&rk, "Northwind", "no_decision", None);
    let dir = tempfile::tempdir().unwrap();
    let mapping = file(
        dir.path(),
        "mapping.toml",
        "[lost_reasons]\n\"No Decision / Status Quo\" = \"no_decision\"\n",
    );
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    export_with(
        &rk,
        "salesforce",
        &out,
        &["--mapping", mapping.to_str().unwrap()],
    );
    // Only the fields the close changes: an update replaces the Opportunity's Description.
    let (header, mut rows) = read_csv(&out.join("Opportunity-update-2025-03-05.csv"));
    assert_eq!(header, ["Id", "StageName", "Loss_Reason__c"]);
    rows.sort();
    assert_eq!(
        rows,
        vec![
            vec![
                "006Hs00000K2xQaIAJ".to_string(),
                "Closed Lost".into(),
                "No Decision / Status Quo".into()
            ],
            vec![
                "006Hs00000K2xQbIAJ".to_string(),
                "Closed Lost".into(),
                "Budget".into()
            ],
        ]
    );
    let sdl = std::fs::read_to_string(out.join("Opportunity-update-2025-03-05.sdl")).unwrap();
    assert!(!sdl.contains("Description"), "{sdl}");
    for h in &header {
        assert!(sdl.lines().any(|l| l == format!("{h}={h}")), "{sdl}");
    }
    // The rep's note goes in as a completed task on the opportunity, which an insert adds.
    let (header, rows) = read_csv(&out.join("Task-insert-2025-03-05.csv"));
    let on_muller = rows_where(&header, &rows, "WhatId", "006Hs00000K2xQbIAJ");
    let note = on_muller
        .iter()
        .find(|r| r[8].contains("No budget until 2027"))
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(note[5], "Completed");
    assert!(note[8].contains("Budget"), "{note:?}");
}

#[test]
fn an_export_gives_lost_reasons_and_stages_in_the_crms_own_values_and_keeps_the_note() {
    // Pipedrive: Acme Tiles was lost in the CRM as "Went with incumbent" (competitor); the rep
    // closes it again with a note of their own, and Northwind for the same reason.
    let rk = init();
    import(&rk, &[fixture("pipedrive-deals-export.csv")], &[], 0);
    close_lost(
        &rk,
        "Acme",
        "competitor",
        Some("Incumbent matched our price"),
    );
    close_lost(&rk, "Northwind", "competitor", None);
    let dir = tempfile::tempdir().unwrap();
    let mapping = file(
        dir.path(),
        "mapping.toml",
        "[lost_reasons]\n\"Lost to a competitor\" = \"competitor\"\n",
    );
    let out = dir.path().join("pipedrive");
    std::fs::create_dir(&out).unwrap();
    export_with(
        &rk,
        "pipedrive",
        &out,
        &["--mapping", mapping.to_str().unwrap()],
    );
    let (header, mut rows) = read_csv(&out.join("rekindle-pipedrive-deal-updates-2025-03-05.csv"));
    assert_eq!(header, ["Deal - ID", "Deal - Status", "Deal - Lost reason"]);
    rows.sort();
    assert_eq!(
        rows,
        vec![
            vec![
                "377".to_string(),
                "Lost".into(),
                "Went with incumbent".into()
            ],
            vec![
                "412".to_string(),
                "Lost".into(),
                "Lost to a competitor".into()
            ],
        ]
    );
    let (header, rows) = read_csv(&out.join("rekindle-pipedrive-activities-notes-2025-03-05.csv"));
    let content = header.iter().position(|h| h == "Note - Content").unwrap();
    assert!(
        rows_where(&header, &rows, "Deal - ID", "377")
            .iter()
            .any(|r| r[content].contains("Incumbent matched our price")),
        "{rows:?}"
    );

    // HubSpot with a Spanish pipeline: the closed-lost stage is the one the mapping maps to
    // lost, the mapping's value for the reason, the rep's note a note on the deal.
    let rk = init();
    import(&rk, &hubspot(), &[], 0);
    close_lost(
        &rk,
        "Northwind",
        "unresponsive",
        Some("Ghosted since January"),
    );
    let dir = tempfile::tempdir().unwrap();
    let mapping = file(
        dir.path(),
        "mapping.toml",
        "[stages]\n\"Closed Lost\" = \"lost\"\n\"Cerrado perdido\" = \"lost\"\n\"Cerrado ganado\" = \"won\"\n\n[lost_reasons]\n\"Sin respuesta\" = \"unresponsive\"\n",
    );
    let out = dir.path().join("hubspot");
    std::fs::create_dir(&out).unwrap();
    export_with(
        &rk,
        "hubspot",
        &out,
        &["--mapping", mapping.to_str().unwrap()],
    );
    let (_, rows) = read_csv(&out.join("rekindle-hubspot-deal-updates-2025-03-05.csv"));
    assert_eq!(
        rows,
        vec![vec![
            "18741203345".to_string(),
            "Sales Pipeline".into(),
            "Cerrado perdido".into(),
            "Sin respuesta".into()
        ]]
    );
    let (header, rows) = read_csv(&out.join("rekindle-hubspot-tasks-notes-2025-03-05.csv"));
    let body = header.iter().position(|h| h == "Note Body").unwrap();
    assert!(
        rows_where(&header, &rows, "Deal Record ID", "18741203345")
            .iter()
            .any(|r| r[body].contains("Ghosted since January")),
        "{rows:?}"
    );

    // A mapping that names no reason of the taxonomy is refused, naming it.
    let bad = file(
        dir.path(),
        "bad.toml",
        "[lost_reasons]\n\"Sin respuesta\" = \"silence\"\n",
    );
    let again = dir.path().join("again");
    std::fs::create_dir(&again).unwrap();
    let err = rk.fails(&[
        "--now",
        AT,
        "export",
        "crm",
        "--to",
        "hubspot",
        "--out",
        again.to_str().unwrap(),
        "--mapping",
        bad.to_str().unwrap(),
    ]);
    assert!(err.contains("silence"), "{err}");
    assert_eq!(std::fs::read_dir(&again).unwrap().count(), 0);
}

#[test]
fn an_exported_cell_a_spreadsheet_would_read_as_a_formula_gets_the_quote_guard() {
    let rk = init();
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("pipedrive-deals-export.csv")).unwrap();
    let owner = "=HYPERLINK(\"http://x\",\"y\")";
    let from = "412,Northwind Freight - Fleet rollout,Maya Lindqvist,Maya Lindqvist,";
    assert!(text.contains(from));
    let deals = file(
        dir.path(),
        "pipedrive-deals.csv",
        &text.replace(
            from,
            "412,Northwind Freight - Fleet rollout,Maya Lindqvist,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",",
        ),
    );
    import(&rk, &[deals.to_string_lossy().into_owned()], &[], 0);
    close_lost(&rk, "Müller", "other", Some("-40% budget, +2 quarters"));
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let e = export(&rk, "pipedrive", &out);
    assert!(e["tasks"].as_u64().unwrap() >= 1, "{e}");
    let (header, rows) = read_csv(&out.join("rekindle-pipedrive-activities-notes-2025-03-05.csv"));
    let assigned = header
        .iter()
        .position(|h| h == "Activity - Assigned to user")
        .unwrap();
    let on_northwind = rows_where(&header, &rows, "Deal - ID", "412");
    assert!(
        on_northwind
            .iter()
            .any(|r| r[assigned] == format!("'{owner}")),
        "{rows:?}"
    );
    // No cell of any file starts as a formula; each reads back whole.
    for f in std::fs::read_dir(&out).unwrap() {
        let path = f.unwrap().path();
        let (_, rows) = read_csv(&path);
        for r in &rows {
            for c in r {
                assert!(
                    !c.starts_with(['=', '+', '-', '@']),
                    "{}: {r:?}",
                    path.display()
                );
            }
        }
    }
}
