//! The CRM on-ramp at scale: `rekindle import crm` on a generated Salesforce export (Account,
//! Contact, Opportunity and Task files, Data Loader style) of a million rows, then again on the
//! same export with a tenth of the opportunities changed (amount and stage), timed end to end
//! as a user runs it, with the process's peak memory; and the same two imports by the plain
//! Python `csv` + `sqlite3` upsert a user would otherwise write (`crm_upsert.py`).
//!
//!     cargo bench --bench crm                          # 1,000,000 rows
//!     REKINDLE_BENCH_CRM_ROWS=100000 cargo bench --bench crm
//!
//! The files are generated once (seeded, deterministic) into target/bench-data.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod common;

const NOW: &str = "2026-11-23T09:00:00Z";

/// An 18-character Salesforce id of an object (`prefix`, three characters) and number: digits
/// only, so its case-safe suffix is `AAA`.
fn sf_id(prefix: &str, n: usize) -> String {
    format!("{prefix}{n:012}AAA")
}

const STAGES: &[&str] = &[
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
];

/// Writes the four files for `rows` rows in all; `changed` moves every tenth opportunity on a
/// stage and raises its amount, as a later export would.
fn generate(dir: &Path, rows: usize, changed: bool) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("bench folder");
    let accounts = rows / 10;
    let contacts = rows * 3 / 10;
    let deals = rows * 3 / 10;
    let tasks = rows - accounts - contacts - deals;
    let write = |name: &str, text: String| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    let mut a = String::from("\u{feff}Id,Name,Industry,Website\n");
    for i in 0..accounts {
        let _ = writeln!(
            a,
            "{},Account {i} Ltd,Logistics,https://account{i}.example",
            sf_id("001", i)
        );
    }
    let mut c = String::from("\u{feff}Id,AccountId,FirstName,LastName,Email,Title\n");
    for i in 0..contacts {
        let _ = writeln!(
            c,
            "{},{},Pat{i},Lee{i},pat{i}@account{}.example,Head of Operations",
            sf_id("003", i),
            sf_id("001", i % accounts.max(1)),
            i % accounts.max(1)
        );
    }
    let mut o = String::from(
        "\u{feff}Id,AccountId,Name,StageName,Amount,CloseDate,OwnerId,IsClosed,IsWon,NextStep,CreatedDate\n",
    );
    for i in 0..deals {
        let moved = changed && i % 10 == 0;
        let stage = STAGES[(i + usize::from(moved)) % 6];
        let amount = 10_000 + (i % 90) * 1_000 + if moved { 5_000 } else { 0 };
        let _ = writeln!(
            o,
            "{},{},Deal {i} - fleet rollout,{stage},{amount}.00,2026-12-{:02},005000000000001AAA,false,false,Review the proposal,2026-0{}-01T09:00:00.000+0000",
            sf_id("006", i),
            sf_id("001", i % accounts.max(1)),
            1 + i % 28,
            1 + i % 9
        );
    }
    let mut t = String::from(
        "\u{feff}\"Id\",\"WhoId\",\"WhatId\",\"Subject\",\"ActivityDate\",\"Status\",\"Description\",\"TaskSubtype\"\n",
    );
    for i in 0..tasks {
        let deal = i % deals.max(1);
        let _ = writeln!(
            t,
            "\"{}\",\"{}\",\"{}\",\"Email: follow-up {i}\",\"2026-{:02}-{:02}\",\"Completed\",\"Sent the summary.\",\"Email\"",
            sf_id("00T", i),
            sf_id("003", deal % contacts.max(1)),
            sf_id("006", deal),
            1 + i % 10,
            1 + i % 28
        );
    }
    vec![
        write("Account.csv", a),
        write("Contact.csv", c),
        write("Opportunity.csv", o),
        write("Task.csv", t),
    ]
}

fn rekindle(db: &Path, args: &[&str]) -> f64 {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .arg("--db")
        .arg(db)
        .args(["--now", NOW])
        .args(args)
        .output()
        .expect("run rekindle");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed().as_secs_f64()
}

fn python(db: &Path, files: &[PathBuf]) -> Option<f64> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/crm_upsert.py");
    let started = Instant::now();
    let out = Command::new("python3")
        .arg(script)
        .arg(db)
        .args(files)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| started.elapsed().as_secs_f64())
}

fn main() {
    let rows: usize = std::env::var("REKINDLE_BENCH_CRM_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../target/bench-data/crm-{rows}"));
    let first_dir = base.join("first");
    let second_dir = base.join("updated");
    let first = if first_dir.join("Task.csv").exists() {
        ["Account.csv", "Contact.csv", "Opportunity.csv", "Task.csv"]
            .map(|f| first_dir.join(f))
            .to_vec()
    } else {
        generate(&first_dir, rows, false)
    };
    let second = if second_dir.join("Task.csv").exists() {
        ["Account.csv", "Contact.csv", "Opportunity.csv", "Task.csv"]
            .map(|f| second_dir.join(f))
            .to_vec()
    } else {
        generate(&second_dir, rows, true)
    };
    let size: u64 = first
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    println!("{rows} rows ({:.0} MB of CSV)", size as f64 / 1e6);

    let db = base.join("rekindle.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    rekindle(
        &db,
        &[
            "init",
            "--stages",
            "qualified,discovery,demo,proposal,negotiation",
        ],
    );
    let files = |list: &[PathBuf]| -> Vec<String> {
        list.iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect()
    };
    let mut args = vec!["import".to_string(), "crm".into()];
    args.extend(files(&first));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let t1 = rekindle(&db, &a);
    let mut args = vec!["import".to_string(), "crm".into()];
    args.extend(files(&second));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let t2 = rekindle(&db, &a);
    let ours_peak = common::children_peak_mib();

    let pdb = base.join("python.db");
    let _ = std::fs::remove_file(&pdb);
    let p1 = python(&pdb, &first);
    let p2 = python(&pdb, &second);
    let peak = common::children_peak_mib();

    println!("| import | rekindle import crm | Python csv + sqlite3 |");
    println!("| --- | --- | --- |");
    let rate = |t: f64| rows as f64 / t;
    let py = |t: Option<f64>| {
        t.map_or("python3 not found".to_string(), |t| {
            format!("{t:.1} s, {:.0} rows/s", rate(t))
        })
    };
    println!("| first | {t1:.1} s, {:.0} rows/s | {} |", rate(t1), py(p1));
    println!(
        "| again, updated | {t2:.1} s, {:.0} rows/s | {} |",
        rate(t2),
        py(p2)
    );
    println!("rekindle peak memory {ours_peak:.0} MiB; largest child overall {peak:.0} MiB");
}
