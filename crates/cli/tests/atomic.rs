//! A failed command changes nothing. Every editing and importing command runs against a copy
//! of one pipeline with a failure injected at each failpoint of the store's write paths
//! (`rekindle_store::FAILPOINTS`, the `fail` crate's `FAILPOINTS` variable; the tests' build of
//! the binary carries them), at the first time it is reached, then the second, and so on until
//! the command no longer reaches it. After each run the whole database (every table, every
//! row, sorted) is what it was before, or the command succeeded. The one exception is an
//! import that had committed whole batches before the failure (imports commit every 250 ms so
//! other commands get their turn): it must say what it kept, and the same import run again
//! must end with exactly the database a clean run makes.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What differs between two dumps: per table, the rows only before and only after.
fn changes(
    before: &BTreeMap<String, Vec<String>>,
    after: &BTreeMap<String, Vec<String>>,
) -> String {
    let mut out = String::new();
    for (table, rows) in after {
        let old = before.get(table).cloned().unwrap_or_default();
        let gone: Vec<&String> = old.iter().filter(|r| !rows.contains(r)).collect();
        let new: Vec<&String> = rows.iter().filter(|r| !old.contains(r)).collect();
        if !gone.is_empty() || !new.is_empty() {
            out += &format!("\n  {table}: before {gone:?}\n  {table}: after {new:?}");
        }
    }
    out
}

/// A consistent copy of the database (SQLite's `VACUUM INTO`).
fn copy(from: &Path, to: &Path) {
    let _ = std::fs::remove_file(to);
    let conn = rusqlite::Connection::open(from).unwrap();
    conn.execute("VACUUM INTO ?1", [to.to_str().unwrap()])
        .unwrap();
}

fn rekindle(db: &Path, args: &[String], failpoints: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rekindle"));
    command
        .args(["--db", db.to_str().unwrap(), "--now", NOW])
        .args(args)
        .env_remove("REKINDLE_DB")
        .env_remove("REKINDLE_TEMPLATES")
        .env_remove("FAILPOINTS");
    if let Some(f) = failpoints {
        command.env("FAILPOINTS", f);
    }
    command.output().unwrap()
}

fn words(line: &str) -> Vec<String> {
    // Arguments are split on spaces; `~` stands for a space inside one.
    line.split_whitespace()
        .map(|w| w.replace('~', " "))
        .collect()
}

/// One command to break: set-up commands run first (no failure), then the command itself.
struct Case {
    setup: Vec<Vec<String>>,
    command: Vec<String>,
    /// A command that fails on its own (before it writes anything): it must change nothing.
    fails: bool,
}

fn case(setup: &[&str], command: &str) -> Case {
    Case {
        setup: setup.iter().map(|s| words(s)).collect(),
        command: words(command),
        fails: false,
    }
}

fn failing(command: &str) -> Case {
    Case {
        fails: true,
        ..case(&[], command)
    }
}

/// The pipeline every case starts from: two accounts, a quiet deal with its record, a lost
/// deal, mail imported (a touch and a reply read), an approved message in the outbox.
fn pipeline(dir: &Path) -> PathBuf {
    let rk = Rk::new();
    let d1 = quiet_deal(&rk);
    assert_eq!(d1, "1");
    let d2 = deal_with_contact(&rk, "Globex", "$20k", "Sam Lee", "sam@globex.example", &[]);
    assert_eq!(d2, "2");
    rk.json(&["deal", "need", "2", "SAML login", "--why", "IT requires it"]);
    rk.json(&["close", "2", "--lost", "--reason", "missing_feature"]);
    let mbox = mbox_message(
        "a1@seller.io",
        "From: Alex Morgan <alex@seller.io>\nTo: dana@acme.example\nSubject: Cost model",
        "Fri, 20 Nov 2026 10:00:00 +0000",
        "Dana, here is the cost model we discussed.",
    ) + &mbox_message(
        "r1@acme.example",
        "From: dana@acme.example\nTo: alex@seller.io\nSubject: Re: Cost model\nIn-Reply-To: <a1@seller.io>",
        "Fri, 20 Nov 2026 15:00:00 +0000",
        "Thanks, can you send the security questionnaire too?",
    );
    let path = file(dir, "start.mbox", &mbox);
    rk.json(&[
        "import",
        "mail",
        path.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    let m = rk.json(&["outbox", "add", "1", "--play", "value_add"]);
    assert_eq!(m["id"], 1);
    let body = m["body"].as_str().unwrap().to_string();
    let filled = regex_fill(&body);
    let out = rk.run_with_input(&["outbox", "edit", "O1", "--body-file", "-"], Some(&filled));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    rk.json(&["outbox", "approve", "O1"]);
    let db = dir.join("pipeline.db");
    copy(&rk.db, &db);
    db
}

/// Fills the blanks a draft leaves (`[...]`), as the rep would.
fn regex_fill(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(start) = rest.find('[') {
        match rest[start..].find(']') {
            Some(end) if end > 3 => {
                out += &rest[..start];
                out += "the checklist we use with finance teams";
                rest = &rest[start + end + 1..];
            }
            _ => {
                out += &rest[..=start];
                rest = &rest[start + 1..];
            }
        }
    }
    out + rest
}

fn cases(dir: &Path) -> Vec<Case> {
    let more_mail = file(
        dir,
        "more.mbox",
        &(mbox_message(
            "r2@acme.example",
            "From: priya@acme.example\nTo: alex@seller.io\nSubject: Re: Cost model\nIn-Reply-To: <a1@seller.io>",
            "Sat, 21 Nov 2026 09:00:00 +0000",
            "We are interested, let us talk next week about the rollout.",
        ) + &mbox_message(
            "r3@globex.example",
            "From: sam@globex.example\nTo: alex@seller.io\nSubject: Checking in",
            "Sat, 21 Nov 2026 11:00:00 +0000",
            "Please take me off your list.",
        )),
    );
    let calendar = file(
        dir,
        "work.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:rollout-1@seller.io\r\n\
         DTSTAMP:20261120T100000Z\r\nDTSTART:20261127T150000Z\r\nDTEND:20261127T160000Z\r\n\
         SUMMARY:Rollout review\r\nORGANIZER:mailto:alex@seller.io\r\n\
         ATTENDEE;PARTSTAT=ACCEPTED:mailto:dana@acme.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let events = file(
        dir,
        "events.csv",
        "account,contact,kind,date,source,note\nGlobex,,funding,2026-11-20,https://news.example/globex,Series B\nAcme,,expansion,2026-11-18,https://news.example/acme,new site\n",
    );
    let body = file(
        dir,
        "body.txt",
        "Dana, the security questionnaire is attached: it covers SSO, data residency and our audit reports.",
    );
    let reply = file(
        dir,
        "reply.txt",
        "Thanks Alex. We are not going ahead this year: the budget went to the new warehouse.",
    );
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let export = format!("outbox export O1 --to {}", out.display());
    let mail = more_mail.display().to_string();
    // A port nothing listens on: the send cannot reach its server.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    vec![
        case(
            &[],
            "init --stages qualified,discovery,demo,proposal,negotiation,pilot --currency EUR",
        ),
        case(
            &[],
            "init --stages intro,evaluation,contract --move-stage proposal=contract",
        ),
        case(
            &[],
            "deal add --title Hooli:~pilot --account Hooli --owner Alex~Morgan --stage demo --amount $10k",
        ),
        case(&[], "deal stage 1 negotiation"),
        case(&[], "deal close-date 1 2027-01-15"),
        case(&[], "deal contract 1 --vendor Oldco --ends 2027-06-30"),
        case(&[], "deal need 1 SAML~login --why IT~requires~it"),
        case(
            &[],
            "contact add --deal 1 --name Lee~Wong --email lee@acme.example --time-zone Europe/Berlin",
        ),
        case(&[], "contact dnc C2"),
        case(&[], "contact time-zone C1 Europe/Berlin"),
        case(
            &[],
            "log call 1 --contact Dana --outcome connected --summary talked~about~the~rollout",
        ),
        case(
            &[],
            &format!(
                "log email 1 --direction inbound --outcome replied --contact Dana --body-file {}",
                reply.display()
            ),
        ),
        case(
            &[],
            "fact 1 decision_process the~board~signs~off~in~January",
        ),
        case(
            &[],
            "commit 1 --what send~the~security~review --due 2026-12-01",
        ),
        case(&[], "resolve K1 --broken"),
        case(&[], "next-step 1 pilot~kickoff --due 2026-12-02"),
        case(&[], "close 1 --lost --reason budget --resurface 2027-03-01"),
        case(&[], "close 1 --won"),
        case(&[], "close 2 --reopen"),
        case(&[], "policy set touch_cap 4"),
        case(&[], &format!("import mail {mail}")),
        case(
            &[],
            &format!("import mail {mail} --me alex@seller.io --me a.morgan@seller.io"),
        ),
        case(
            &[],
            &format!(
                "import mail {mail} {} --me alex@seller.io",
                dir.join("start.mbox").display()
            ),
        ),
        case(
            &[],
            &format!("import calendar {} --me alex@seller.io", calendar.display()),
        ),
        case(&[], "replies decide R1 --as later --until 2027-03-01"),
        // O1 (approved) is the same message: it goes first.
        case(&["outbox cancel O1"], "outbox add 1 --play value_add"),
        case(
            &[],
            &format!("outbox edit O1 --body-file {}", body.display()),
        ),
        case(
            &[&format!("outbox edit O1 --body-file {}", body.display())],
            "outbox approve O1",
        ),
        case(&[], "outbox cancel O1"),
        case(
            &[
                "outbox cancel O1",
                "outbox add 1 --play value_add",
                &format!("outbox edit O2 --body-file {}", body.display()),
            ],
            "outbox approve O2",
        ),
        case(
            &[],
            &format!(
                "outbox send --dry-run --host 127.0.0.1 --port {closed} --security plain --from alex@seller.io"
            ),
        ),
        // A send that cannot reach its server. (A send that reaches one is not here: the
        // message is marked as being sent before its content goes, on purpose, so that a
        // failure after delivery never sends it twice; tests/outbox.rs kills it at every
        // moment instead.)
        failing(&format!(
            "outbox send --host 127.0.0.1 --port {closed} --security plain --from alex@seller.io"
        )),
        case(&[], &export),
        case(&[&export], "outbox confirm O1 --sent"),
        case(&[&export], "outbox confirm O1 --resend"),
        case(&[], "feature alias sso Ping~login"),
        case(&[], "feature shipped SAML~login --queue"),
        case(
            &[],
            "event add --account Globex --kind funding --source https://news.example/g --queue",
        ),
        case(&[], &format!("event import {}", events.display())),
        case(
            &[],
            "promo add --name Year-end --kind discount --offer 20%~off~the~first~year --until 2026-12-31 --queue",
        ),
    ]
}

#[test]
fn every_command_with_a_failure_injected_at_each_step_changes_nothing_or_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let start = pipeline(dir.path());
    let db = dir.path().join("run.db");
    let mut reached: BTreeMap<&str, usize> = BTreeMap::new();
    let mut runs = 0;
    // Every broken promise, reported together at the end.
    let mut broken: Vec<String> = Vec::new();
    // ATOMIC_ONLY=words runs only the commands that contain them.
    let only = std::env::var("ATOMIC_ONLY").ok();
    for case in cases(dir.path()) {
        let shown = case.command.join(" ");
        if only.as_ref().is_some_and(|o| !shown.contains(o.as_str())) {
            continue;
        }
        let prepare = || {
            copy(&start, &db);
            for step in &case.setup {
                let out = rekindle(&db, step, None);
                assert!(
                    out.status.success(),
                    "set-up {step:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            dump(&db)
        };
        // Without a failure: the command does its work, or fails and changes nothing.
        let before = prepare();
        let out = rekindle(&db, &case.command, None);
        let clean = dump(&db);
        assert_eq!(
            out.status.success(),
            !case.fails,
            "{shown}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if !out.status.success() {
            let after = dump(&db);
            if after != before {
                broken.push(format!(
                    "{shown} failed ({}) and changed the database:{}",
                    String::from_utf8_lossy(&out.stderr),
                    changes(&before, &after)
                ));
            }
        }
        let mut failed_at_some_point = false;
        for point in rekindle_store::FAILPOINTS {
            // The first time the point is reached, then the second...: each step of the
            // command fails once.
            for skip in 0..50 {
                let spec = if skip == 0 {
                    format!("{point}=return")
                } else {
                    format!("{point}={skip}*off->return")
                };
                let before = prepare();
                let out = rekindle(&db, &case.command, Some(&spec));
                runs += 1;
                let said = String::from_utf8_lossy(&out.stderr).into_owned();
                if !said.contains(&format!("failure injected at {point}")) {
                    // Not reached this many times: every later skip is the same.
                    break;
                }
                failed_at_some_point = true;
                *reached.entry(point).or_default() += 1;
                assert_ne!(
                    out.status.code(),
                    Some(0),
                    "{shown} with {spec}: a failure must be reported: {said}"
                );
                let after = dump(&db);
                if said.contains("kept:") {
                    // An import that committed batches before the failure says what it kept;
                    // the same import again completes it, to what a clean run records.
                    let again = rekindle(&db, &case.command, None);
                    assert!(again.status.success(), "{shown} again after {spec}");
                    let resumed = dump(&db);
                    if resumed != clean {
                        broken.push(format!(
                            "{shown} with {spec} kept part ({said}), and running it again does not end where a clean run does:{}",
                            changes(&clean, &resumed)
                        ));
                    }
                    continue;
                }
                if after != before {
                    broken.push(format!(
                        "{shown} with {spec} failed ({said}) and changed the database:{}",
                        changes(&before, &after)
                    ));
                    // Later steps of the same command add nothing to the report.
                    break;
                }
                assert!(skip < 49, "{shown} reached {point} 50 times");
            }
        }
        if !failed_at_some_point && !case.fails {
            broken.push(format!("{shown} reached no failpoint: it writes nothing?"));
        }
    }
    for point in rekindle_store::FAILPOINTS {
        assert!(
            only.is_some() || reached.contains_key(point),
            "no command reached {point}: {reached:?}"
        );
    }
    eprintln!("{runs} runs with a failure injected; failures per point: {reached:?}");
    assert!(broken.is_empty(), "{}", broken.join("\n\n"));
}

fn setting(db: &Path, key: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .ok()
}

#[test]
fn new_stages_that_drop_a_stage_deals_are_in_are_refused_unless_their_deals_are_moved() {
    let rk = Rk::new();
    let d1 = quiet_deal(&rk);
    deal_with_contact(&rk, "Globex", "$20k", "Sam Lee", "sam@globex.example", &[]);
    rk.json(&[
        "deal",
        "add",
        "--title",
        "Hooli: pilot",
        "--account",
        "Hooli",
        "--owner",
        "Alex Morgan",
        "--stage",
        "demo",
        "--amount",
        "$10k",
    ]);
    let before = dump(&rk.db);
    let refused = rk.fails(&["init", "--stages", "intro,evaluation,contract"]);
    assert!(
        refused.contains("proposal (2 deals)") && refused.contains("demo (1 deal)"),
        "{refused}"
    );
    assert!(refused.contains("--move-stage"), "{refused}");
    assert_eq!(dump(&rk.db), before, "a refused init changes nothing");
    // One stage moved is not enough: still all or nothing, the currency included.
    let refused = rk.fails(&[
        "init",
        "--stages",
        "intro,evaluation,contract",
        "--move-stage",
        "proposal=contract",
        "--currency",
        "EUR",
    ]);
    assert!(
        refused.contains("demo (1 deal)") && !refused.contains("proposal"),
        "{refused}"
    );
    assert_eq!(dump(&rk.db), before);
    // A move to a stage the new list lacks is refused, naming it.
    let refused = rk.fails(&[
        "init",
        "--stages",
        "intro,evaluation,contract",
        "--move-stage",
        "proposal=nowhere",
        "--move-stage",
        "demo=evaluation",
    ]);
    assert!(refused.contains("proposal=nowhere"), "{refused}");
    assert_eq!(dump(&rk.db), before);

    let done = rk.json(&[
        "init",
        "--stages",
        "intro,evaluation,contract",
        "--move-stage",
        "proposal=contract",
        "--move-stage",
        "Demo=evaluation",
    ]);
    assert_eq!(
        done["stages"],
        serde_json::json!(["intro", "evaluation", "contract"])
    );
    assert_eq!(done["moved"].as_array().unwrap().len(), 2, "{done}");
    let stages: Vec<String> = rk
        .json(&["deal", "list", "--status", "open"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["stage"].as_str().unwrap().to_string())
        .collect();
    assert!(
        stages.iter().all(|s| s == "contract" || s == "evaluation"),
        "{stages:?}"
    );
    // The deals are read and assessed under the new stages, their history moved with them.
    let shown = rk.json(&["show", &d1]);
    assert_eq!(shown["record"]["deal"]["stage"], "contract", "{shown}");
    // Keeping every stage a deal is in needs no flag.
    rk.json(&["init", "--stages", "intro,evaluation,contract,signed"]);
}

#[test]
fn a_failed_import_keeps_the_addresses_remembered_before() {
    let dir = tempfile::tempdir().unwrap();
    let rk = Rk::new();
    quiet_deal(&rk);
    let first = file(
        dir.path(),
        "first.mbox",
        &mbox_message(
            "a1@seller.io",
            "From: alex@seller.io\nTo: dana@acme.example\nSubject: Cost model",
            "Fri, 20 Nov 2026 10:00:00 +0000",
            "Dana, here is the cost model.",
        ),
    );
    let second = file(
        dir.path(),
        "second.mbox",
        &mbox_message(
            "r1@acme.example",
            "From: dana@acme.example\nTo: alex@seller.io\nSubject: Re: Cost model\nIn-Reply-To: <a1@seller.io>",
            "Fri, 20 Nov 2026 15:00:00 +0000",
            "Thanks, I will look at it with finance on Monday.",
        ),
    );
    rk.json(&[
        "import",
        "mail",
        first.to_str().unwrap(),
        "--me",
        "alex@seller.io",
    ]);
    let remembered = setting(&rk.db, "rep_addresses");
    assert_eq!(remembered.as_deref(), Some(r#"["alex@seller.io"]"#));

    // A path that cannot be read, among good ones: nothing is imported, nothing remembered.
    let before = dump(&rk.db);
    let missing = dir.path().join("missing.mbox");
    let said = rk.fails(&[
        "import",
        "mail",
        second.to_str().unwrap(),
        missing.to_str().unwrap(),
        "--me",
        "someone@else.example",
    ]);
    assert!(
        said.contains("missing.mbox") && said.contains("nothing was imported"),
        "{said}"
    );
    assert_eq!(dump(&rk.db), before);

    // A failure while the import writes (the store fails as it commits): the addresses given
    // are not remembered, the messages not kept.
    let run = |failpoints: &str, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rekindle"))
            .args(["--db", rk.db.to_str().unwrap(), "--now", NOW])
            .args(args)
            .env("FAILPOINTS", failpoints)
            .output()
            .unwrap()
    };
    let out = run(
        "capture.commit=return",
        &[
            "import",
            "mail",
            second.to_str().unwrap(),
            "--me",
            "someone@else.example",
        ],
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("changed nothing"), "{said}");
    assert_eq!(dump(&rk.db), before);

    // Two paths, the second failing after the first was committed: it says exactly what it
    // kept.
    let third = file(
        dir.path(),
        "third.mbox",
        &mbox_message(
            "r2@acme.example",
            "From: priya@acme.example\nTo: alex@seller.io\nSubject: Re: Cost model\nIn-Reply-To: <a1@seller.io>",
            "Sat, 21 Nov 2026 09:00:00 +0000",
            "Send me the contract draft, please.",
        ),
    );
    let out = run(
        "capture.commit=1*off->return",
        &[
            "import",
            "mail",
            second.to_str().unwrap(),
            third.to_str().unwrap(),
            "--me",
            "someone@else.example",
        ],
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains(&format!("kept: everything from {}", second.display()))
            && said.contains("nothing from the path that failed")
            && said.contains("the addresses given as yours"),
        "{said}"
    );
    // The addresses the kept messages were read with are kept with them.
    assert_eq!(
        setting(&rk.db, "rep_addresses").as_deref(),
        Some(r#"["someone@else.example"]"#)
    );
    let keys: Vec<String> = dump(&rk.db)["mail_messages"].clone();
    assert!(
        keys.iter().any(|k| k.contains("r1@acme.example")),
        "{keys:?}"
    );
    assert!(
        !keys.iter().any(|k| k.contains("r2@acme.example")),
        "{keys:?}"
    );
}
