//! No panic on any file given to the binary: the events CSV (`event import`), whose reader lives
//! in the binary, and mail files imported into a record (`import mail`: the reader, the core's
//! understanding and the capture writer together). Each case runs the binary, so the counts are
//! small; a refused file exits 2 with an error naming it, and nothing panics. See
//! `../../core/tests/fuzzing/mod.rs` for the long run
//! (`REKINDLE_FUZZ_SECONDS=600 cargo test --profile fuzz -p rekindle --test fuzz`).

mod common;
#[path = "../../core/tests/fuzzing/mod.rs"]
mod fuzzing;

use common::*;
use fuzzing::{files, fuzz, has_extension, inputs, root, shared_cases};
use std::process::Output;

/// A record with a lost deal at Acme and one at Globex, for events and mail to land on.
fn record() -> Rk {
    let rk = Rk::new();
    rk.json(&["init"]);
    for (account, email) in [
        ("Acme", "dana@acme.example"),
        ("Globex", "sam@globex.example"),
    ] {
        let d = deal_with_contact(&rk, account, "$60k", "Robin Vale", email, &[]);
        rk.json(&[
            "close",
            &d,
            "--lost",
            "--reason",
            "budget",
            "--now",
            "2026-07-01",
        ]);
    }
    rk
}

/// Exit 0, or 2 with an error that names the file; never a panic.
fn no_panic(out: &Output, file: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    match out.status.code() {
        Some(0) => {}
        Some(2) => assert!(
            stderr.contains(file),
            "the error does not name {file}: {stderr}"
        ),
        other => panic!("exit {other:?}: {stderr}"),
    }
}

const CSVS: &[&str] = &[
    "account,contact,kind,date,source,note\nAcme,,funding,2026-11-18,crunchbase,Series B\nGlobex,sam@globex.example,promotion,2026-11-10,LinkedIn,now COO\n",
    "Account,Kind,Date,Source\r\n\"Acme\",\"funding\",\"2026-11-18\",\"a \"\"quoted\"\" source\"\r\n",
    "\u{feff}account;kind;date;source\nAcme;funding;2026-11-18;x\n",
    "account,contact,kind,date,source,note\nAcme,,funding,2026-11-18,crunchbase,\"Series B\nAcme,,news,2026-11-19,x,y\n",
    "kind,date,source,account,extra,extra\nleadership_change,9999-12-31,x,Acme,1,2,3,4\nfunding,1899-01-01,y,Nowhere\n",
    "account,kind,date,source,note\nAcme,funding,2026-11-18,x,\"multi\nline\nnote\"\nGlobex,,,,\n,,,,\n",
];

#[test]
fn events_csv() {
    let rk = record();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.csv");
    let mut corpus: Vec<(String, Vec<u8>)> = CSVS
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("csv {i}"), c.as_bytes().to_vec()))
        .collect();
    if let Some(cases) = shared_cases() {
        corpus.extend(files(&cases, 64 << 10, &|p| has_extension(p, &["csv"])));
    }
    fuzz("events-csv", 24, inputs(corpus, 512, 8 << 10), |input| {
        std::fs::write(&path, &input.bytes).unwrap();
        let out = rk.run(&["event", "import", path.to_str().unwrap()]);
        no_panic(&out, "events.csv");
    });
}

#[test]
fn mail_import() {
    let rk = record();
    let dir = tempfile::tempdir().unwrap();
    let keep = |p: &std::path::Path| has_extension(p, &["eml", "mbox"]);
    let mut corpus = files(
        &root().join("crates/ingest/tests/fuzz-corpus"),
        64 << 10,
        &keep,
    );
    corpus.extend(
        files(
            &root().join("crates/cli/eval/realmail/messages"),
            64 << 10,
            &keep,
        )
        .into_iter()
        .step_by(10),
    );
    corpus.push((
        "acme thread".into(),
        mbox_message(
            "r1@acme.example",
            "From: Dana <dana@acme.example>\nTo: alex@seller.example\nSubject: Re: rollout",
            "Tue, 17 Nov 2026 10:00:00 +0000",
            "We are back on this: can we talk Tuesday?\n\nOn Mon, Alex wrote:\n> Hi Dana",
        )
        .into_bytes(),
    ));
    fuzz("mail-import", 16, inputs(corpus, 512, 16 << 10), |input| {
        let path = dir.path().join("in.mbox");
        std::fs::write(&path, &input.bytes).unwrap();
        let out = rk.run(&[
            "import",
            "mail",
            path.to_str().unwrap(),
            "--me",
            "alex@seller.example",
        ]);
        no_panic(&out, "in.mbox");
    });
}
