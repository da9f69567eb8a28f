//! The database file under stress: commands that write while an import runs wait their turn
//! instead of failing with "database is locked"; a file that is not a database fails at once,
//! naming it; a new database is readable by its owner only.

mod common;

use common::*;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn commands_that_write_wait_their_turn_while_an_import_runs() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let d = deal_with_contact(&rk, "Acme", "5000", "Dana Reyes", "dana@acme.example", &[]);
    let none = file(rk.db.parent().unwrap(), "none.mbox", "");
    rk.json(&[
        "import",
        "mail",
        none.to_str().unwrap(),
        "--me",
        "alex@seller.example",
    ]);
    // A mailbox big enough that the import is still writing while the commands run: a touch
    // to Dana every fourth message, mail from strangers between.
    let mbox = rk.db.with_file_name("big.mbox");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&mbox).unwrap());
    for i in 0..150_000 {
        let message = if i % 4 == 0 {
            mbox_message(
                &format!("t{i}@seller.example"),
                &format!("From: alex@seller.example\nTo: dana@acme.example\nSubject: s{i}"),
                "Tue, 10 Nov 2026 10:00:00 +0000",
                &format!("Hi Dana, the plan for site {i}."),
            )
        } else {
            mbox_message(
                &format!("n{i}@other.example"),
                &format!("From: news@other.example\nTo: alex@seller.example\nSubject: n{i}"),
                "Tue, 10 Nov 2026 10:00:00 +0000",
                "news",
            )
        };
        out.write_all(message.as_bytes()).unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let mut import = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args([
            "--db",
            rk.db.to_str().unwrap(),
            "--now",
            NOW,
            "import",
            "mail",
        ])
        .arg(&mbox)
        .args(["--me", "alex@seller.example"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Until its first batch is in, so the import holds the database from here on.
    let started = Instant::now();
    while rk.json(&["show", &d])["record"]["activities"]
        .as_array()
        .unwrap()
        .is_empty()
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the import never wrote"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    for args in [
        vec!["log", "call", &d, "--outcome", "connected"],
        vec!["fact", &d, "cost", "twelve hours a week"],
        vec![
            "commit",
            &d,
            "--what",
            "send the numbers",
            "--due",
            "2026-12-01",
        ],
        vec!["next-step", &d, "review the numbers", "--due", "2026-12-02"],
        vec!["deal", "stage", &d, "negotiation"],
        vec!["contact", "add", "--deal", &d, "--name", "Sam Ortiz"],
        vec!["policy", "set", "touch_cap", "4"],
    ] {
        let out = rk.run(&args);
        assert!(
            out.status.success(),
            "{args:?} during an import: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        import.try_wait().unwrap().is_none(),
        "the import ended before the commands ran, so they did not compete with it: make the mailbox bigger"
    );
    assert!(import.wait().unwrap().success());
    let record = rk.json(&["show", &d])["record"].clone();
    assert_eq!(record["deal"]["stage"], "negotiation");
    assert_eq!(record["contacts"].as_array().unwrap().len(), 2);
}

#[test]
fn a_file_that_is_not_a_database_fails_at_once_naming_it() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let text = std::fs::read(&rk.db).unwrap();
    for (name, bytes) in [
        ("damaged", [&text[..100], &[0xa5; 8092][..]].concat()),
        ("text", b"these are my notes, not a database\n".repeat(200)),
    ] {
        let _ = std::fs::remove_file(rk.db.with_extension("db-wal"));
        let _ = std::fs::remove_file(rk.db.with_extension("db-shm"));
        std::fs::write(&rk.db, &bytes).unwrap();
        let started = Instant::now();
        let err = rk.fails(&["scan"]);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name}: took {:?}",
            started.elapsed()
        );
        assert!(
            err.contains(rk.db.to_str().unwrap()) && err.contains("cannot be used as a database"),
            "{name}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_new_database_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new/folder/pipeline.db");
    let out = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args(["--db", db.to_str().unwrap(), "init"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    assert_eq!(mode(&dir.path().join("new")), 0o700);
    let wal = db.with_extension("db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
}

#[test]
fn a_backup_is_a_private_consistent_copy_and_check_finds_damage() {
    use std::os::unix::fs::PermissionsExt;
    let rk = Rk::new();
    rk.run(&["demo", "--deals", "40"]);
    let copy = rk.db.with_file_name("copy.db");
    let out = rk.json(&["backup", copy.to_str().unwrap()]);
    assert_eq!(out["backup"], copy.to_str().unwrap());
    assert_eq!(
        std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let from_copy = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args([
            "--db",
            copy.to_str().unwrap(),
            "--now",
            NOW,
            "deal",
            "list",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&from_copy.stdout).unwrap(),
        rk.json(&["deal", "list"])
    );
    // A backup never overwrites a file.
    let err = rk.fails(&["backup", copy.to_str().unwrap()]);
    assert!(err.contains("copy.db"), "{err}");

    assert_eq!(rk.json(&["check"])["ok"], true);
    // Damage in the middle of the file: `check` names it (exit 1), or opening refuses it
    // (exit 2) saying it is damaged; never a silent "ok".
    rk.run(&[
        "backup",
        rk.db.with_file_name("settle.db").to_str().unwrap(),
    ]);
    let mut bytes = std::fs::read(&copy).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 3000] {
        *b ^= 0x5a;
    }
    std::fs::write(&copy, &bytes).unwrap();
    let checked = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args(["--db", copy.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    match checked.status.code() {
        Some(1) => assert!(said.contains("damaged"), "{said}"),
        Some(2) => assert!(said.contains("damaged"), "{said}"),
        other => panic!("{other:?}: {said}"),
    }
}

#[test]
fn check_names_a_date_no_command_could_read_back() {
    let rk = Rk::new();
    rk.run(&["demo", "--deals", "5"]);
    assert_eq!(rk.json(&["check"])["ok"], true);
    // A close date written before imports held dates to 1900-2199.
    let status = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute(\"UPDATE deals SET expected_close='9999-12-31' WHERE id=(SELECT min(id) FROM deals)\")\nc.commit()",
            rk.db.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let checked = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args(["--db", rk.db.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert_eq!(checked.status.code(), Some(1), "{checked:?}");
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(
        said.contains("deals row") && said.contains("expected_close \"9999-12-31\""),
        "{said}"
    );
}

#[test]
fn a_write_held_up_says_it_is_waiting_and_then_goes_through() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    // Another writer holds the database for two seconds.
    let mut holder = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys,time\nc=sqlite3.connect(sys.argv[1],isolation_level=None)\nc.execute('BEGIN IMMEDIATE')\nprint('held',flush=True)\ntime.sleep(2)\nc.execute('COMMIT')",
            rk.db.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "held");
    let out = rk.run(&["fact", &d, "cost", "twelve hours a week"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("waiting for another rekindle command"),
        "{said}"
    );
    assert!(holder.wait().unwrap().success());
    let shown = rk.json(&["show", &d]);
    assert!(shown.to_string().contains("twelve hours a week"));
}

/// Damage found after the file opened (the pages of one table) is named at once, with the
/// file and the way out, SQLite's words said once; `check` counts it as damage.
#[test]
fn damage_met_by_a_command_names_the_database_and_the_way_out() {
    let rk = Rk::new();
    rk.run(&["demo", "--deals", "60"]);
    let copy = rk.db.with_file_name("damaged.db");
    rk.json(&["backup", copy.to_str().unwrap()]);
    // Where the deals table starts, in SQLite's own words.
    let located = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nprint(c.execute('PRAGMA page_size').fetchone()[0], c.execute(\"SELECT rootpage FROM sqlite_master WHERE name='deals'\").fetchone()[0])",
            copy.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let located = String::from_utf8(located.stdout).unwrap();
    let (size, root) = located.trim().split_once(' ').unwrap();
    let (size, root): (usize, usize) = (size.parse().unwrap(), root.parse().unwrap());
    assert!(root > 1, "{located}");
    let mut bytes = std::fs::read(&copy).unwrap();
    for b in &mut bytes[(root - 1) * size..root * size] {
        *b ^= 0x3c;
    }
    std::fs::write(&copy, &bytes).unwrap();
    let on_copy = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rekindle"))
            .args(["--db", copy.to_str().unwrap(), "--now", NOW])
            .args(args)
            .env_remove("REKINDLE_DB")
            .output()
            .unwrap()
    };
    // Commands that read the deals table (`today` and `scan` read the assessments kept in the
    // read model, which the damage does not touch).
    for command in [&["deal", "list"][..], &["show", "D1"], &["revive"]] {
        let started = Instant::now();
        let out = on_copy(command);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {err}");
        assert!(started.elapsed() < Duration::from_secs(10), "{command:?}");
        let said = format!("the database at {} is damaged", copy.display());
        assert!(err.contains(&said), "{command:?}: {err}");
        assert!(err.contains(".recover"), "{command:?}: {err}");
        assert_eq!(err.matches("malformed").count(), 1, "{command:?}: {err}");
    }
    let checked = on_copy(&["check", "--json"]);
    assert_eq!(checked.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert!(!report["problems"].as_array().unwrap().is_empty());
}
