//! What the `rekindle` binary tests share: a temp database, and a deal built the way a rep
//! builds one.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const NOW: &str = "2026-11-23T09:00:00Z";

pub struct Rk {
    _dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Rk {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("pipeline.db");
        Rk { _dir: dir, db }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, None)
    }

    pub fn run_with_input(&self, args: &[&str], input: Option<&str>) -> Output {
        self.run_in(args, input, &[])
    }

    /// Runs with these environment variables set (`COLUMNS`...).
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.run_in(args, None, env)
    }

    fn run_in(&self, args: &[&str], input: Option<&str>, env: &[(&str, &str)]) -> Output {
        use std::io::Write;
        let now: &[&str] = if args.contains(&"--now") {
            &[]
        } else {
            &["--now", NOW]
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_rekindle"))
            .args(["--db", self.db.to_str().unwrap()])
            .args(now)
            .args(args)
            .env_remove("REKINDLE_DB")
            .env_remove("REKINDLE_TEMPLATES")
            // Tables are fitted to 80 columns unless the shell exports another width.
            .env_remove("COLUMNS")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = input {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    /// Runs a command that must succeed and returns its JSON output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
    }

    /// Runs a command that must fail with exit code 2, returning its error text.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} should fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Everything the store holds about every deal, as the CLI reports it.
    pub fn snapshot(&self) -> Vec<Value> {
        let deals = self.json(&["deal", "list"]);
        deals
            .as_array()
            .unwrap()
            .iter()
            .map(|d| self.json(&["show", &d["id"].to_string()])["record"].clone())
            .collect()
    }
}

pub fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A deal built from the command line the way a rep would, then gone quiet.
pub fn quiet_deal(rk: &Rk) -> String {
    rk.json(&["init"]);
    let deal = rk.json(&[
        "deal",
        "add",
        "--title",
        "Acme: scheduling",
        "--account",
        "Acme",
        "--owner",
        "Alex Morgan",
        "--stage",
        "proposal",
        "--amount",
        "$48k",
        "--close",
        "2026-12-15",
    ]);
    let d = deal["deal"].as_i64().unwrap().to_string();
    rk.json(&[
        "contact",
        "add",
        "--deal",
        &d,
        "--name",
        "Dana Reyes",
        "--email",
        "dana@acme.example",
        "--role",
        "champion",
        "--title",
        "Head of Planning",
    ]);
    rk.json(&[
        "contact",
        "add",
        "--account",
        "Acme",
        "--name",
        "Priya Patel",
        "--email",
        "priya@acme.example",
        "--role",
        "decision_maker",
    ]);
    rk.json(&[
        "fact",
        &d,
        "problem",
        "our dispatchers rebuild the schedule by hand every morning",
        "--source",
        "discovery call",
        "--at",
        "2026-10-20",
    ]);
    rk.json(&[
        "fact",
        &d,
        "cost",
        "about 12 hours a week",
        "--at",
        "2026-10-20",
    ]);
    rk.json(&[
        "fact",
        &d,
        "why_now",
        "peak season starts in February",
        "--at",
        "2026-10-20",
    ]);
    rk.json(&[
        "log",
        "meeting",
        &d,
        "--contact",
        "Priya",
        "--at",
        "2026-11-05",
        "--summary",
        "proposal walkthrough",
    ]);
    rk.json(&[
        "commit",
        &d,
        "--what",
        "run the numbers with finance",
        "--due",
        "2026-11-12",
        "--source",
        "call on 5 Nov",
    ]);
    rk.json(&[
        "next-step",
        &d,
        "review the numbers together",
        "--due",
        "2026-11-14",
    ]);
    rk.json(&[
        "log",
        "email",
        &d,
        "--contact",
        "dana@acme.example",
        "--at",
        "2026-11-16",
    ]);
    rk.json(&[
        "log",
        "call",
        &d,
        "--contact",
        "Dana",
        "--outcome",
        "no_answer",
        "--at",
        "2026-11-19",
    ]);
    d
}

pub fn mbox_message(id: &str, headers: &str, date: &str, body: &str) -> String {
    format!(
        "From x Thu Jan  1 00:00:00 2026\nMessage-ID: <{id}>\n{headers}\nDate: {date}\n\n{body}\n\n"
    )
}

/// A proposal-stage deal at its own account with one contact (`contact` flags: `--role`...).
pub fn deal_with_contact(
    rk: &Rk,
    account: &str,
    amount: &str,
    name: &str,
    email: &str,
    contact: &[&str],
) -> String {
    let deal = rk.json(&[
        "deal",
        "add",
        "--title",
        &format!("{account}: rollout"),
        "--account",
        account,
        "--owner",
        "Alex Morgan",
        "--stage",
        "proposal",
        "--amount",
        amount,
        "--created",
        "2026-03-01",
    ]);
    let d = deal["deal"].as_i64().unwrap().to_string();
    let mut args = vec![
        "contact", "add", "--deal", &d, "--name", name, "--email", email,
    ];
    args.extend_from_slice(contact);
    rk.json(&args);
    d
}

/// A fresh pipeline as the shared field cases build it, at `now`: `init`, one proposal-stage
/// deal at `account` (`domain`) created on `created`, and its contacts (the first the
/// champion, the others decision makers). Returns the deal's id.
pub fn field_pipeline(
    rk: &Rk,
    now: &str,
    account: &str,
    domain: &str,
    created: &str,
    contacts: &[(&str, &str)],
) -> String {
    rk.json(&["--now", now, "init"]);
    let deal = rk.json(&[
        "--now",
        now,
        "deal",
        "add",
        "--title",
        &format!("{account}: pilot"),
        "--account",
        account,
        "--domain",
        domain,
        "--owner",
        "Alex Morgan",
        "--stage",
        "proposal",
        "--amount",
        "$40k",
        "--created",
        created,
    ]);
    let d = deal["deal"].as_i64().unwrap().to_string();
    for (i, (name, email)) in contacts.iter().enumerate() {
        let role = if i == 0 { "champion" } else { "decision_maker" };
        rk.json(&[
            "--now", now, "contact", "add", "--deal", &d, "--name", name, "--email", email,
            "--role", role,
        ]);
    }
    d
}

/// Every table, every row, each row as text, sorted.
pub fn dump(db: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = std::collections::BTreeMap::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = statement.column_count();
        let mut rows: Vec<String> = statement
            .query_map([], |r| {
                let values: Vec<String> = (0..columns)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Text(t) => {
                            format!("{:?}", String::from_utf8_lossy(t))
                        }
                        other => format!("{other:?}"),
                    })
                    .collect();
                Ok(values.join(" | "))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.insert(table, rows);
    }
    out
}
