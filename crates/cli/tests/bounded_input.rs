//! Files the user names are parsed or refused, never guessed at, waited on or read without end:
//! a `--templates` folder that is missing or holds anything but play
//! templates is an error naming the path; a FIFO or a device where a template or a message body
//! should be is refused at once; a body past `MAX_BODY_BYTES` is refused naming the file and
//! the cap; a template that would build a huge draft is stopped with an error naming it; a long
//! conversation imports in time that grows with its length, not its square.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `rekindle` and waits for it, killing it (and failing) if it has not finished after a
/// minute: a guard against a hang, not a measure of speed.
fn run_guarded(rk: &Rk, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rekindle"))
        .args(["--db", rk.db.to_str().unwrap(), "--now", NOW])
        .args(args)
        .env_remove("REKINDLE_DB")
        .env_remove("REKINDLE_TEMPLATES")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("{args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn fails_saying(rk: &Rk, args: &[&str], expected: &[&str]) {
    let out = run_guarded(rk, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    for e in expected {
        assert!(err.contains(e), "{args:?}: expected {e:?} in {err}");
    }
}

fn draft_with(dir: &Path, deal: &str) -> Vec<String> {
    ["--templates", dir.to_str().unwrap(), "draft", deal]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success());
}

#[test]
fn a_templates_folder_that_is_missing_or_wrong_is_an_error_naming_it() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let root = tempfile::tempdir().unwrap();

    let missing = root.path().join("no-such-folder");
    fails_saying(
        &rk,
        &args(&draft_with(&missing, &d)),
        &[missing.to_str().unwrap(), "no such folder"],
    );

    let a_file = file(root.path(), "a-file", "x");
    fails_saying(
        &rk,
        &args(&draft_with(&a_file, &d)),
        &[a_file.to_str().unwrap(), "not a folder"],
    );

    let misnamed = root.path().join("misnamed");
    std::fs::create_dir(&misnamed).unwrap();
    let p = file(&misnamed, "brekup.txt", "Subject: x\n\nHi\n");
    fails_saying(
        &rk,
        &args(&draft_with(&misnamed, &d)),
        &[p.to_str().unwrap(), "no play has this name", "breakup.txt"],
    );

    let broken = root.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    let p = file(&broken, "accountability.txt", "Subject: x\n\n{% if %}\n");
    fails_saying(
        &rk,
        &args(&draft_with(&broken, &d)),
        &[p.to_str().unwrap(), "syntax error"],
    );

    // A template that parses but fails as it renders names its file too, not only its play.
    let failing = root.path().join("failing");
    std::fs::create_dir(&failing).unwrap();
    let p = file(
        &failing,
        "accountability.txt",
        "Subject: x\n\n{{ first_name }}, {{ no_such_value.field }}\n",
    );
    fails_saying(
        &rk,
        &args(&draft_with(&failing, &d)),
        &[&format!("template {}:", p.to_str().unwrap()), "undefined"],
    );

    // Dot-files (an editor's, the Finder's) are not templates and are left alone.
    let fine = root.path().join("fine");
    std::fs::create_dir(&fine).unwrap();
    file(&fine, ".DS_Store", "\0\0");
    file(
        &fine,
        "accountability.txt",
        "Subject: Where do we stand?\n\n{{ first_name }}, what changed?\n",
    );
    let out = run_guarded(&rk, &args(&draft_with(&fine, &d)));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Priya, what changed?"));
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_as_a_template_is_refused_at_once() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let root = tempfile::tempdir().unwrap();

    let fifo_dir = root.path().join("fifo");
    std::fs::create_dir(&fifo_dir).unwrap();
    let fifo = fifo_dir.join("accountability.txt");
    mkfifo(&fifo);
    fails_saying(
        &rk,
        &args(&draft_with(&fifo_dir, &d)),
        &[fifo.to_str().unwrap(), "FIFO", "not a regular file"],
    );

    let zero_dir = root.path().join("zero");
    std::fs::create_dir(&zero_dir).unwrap();
    let zero = zero_dir.join("accountability.txt");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    fails_saying(
        &rk,
        &args(&draft_with(&zero_dir, &d)),
        &[zero.to_str().unwrap(), "device", "not a regular file"],
    );
}

#[test]
fn a_template_too_large_or_a_bomb_is_an_error_naming_it() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let root = tempfile::tempdir().unwrap();

    let big = root.path().join("big");
    std::fs::create_dir(&big).unwrap();
    let p = file(&big, "accountability.txt", &"a".repeat(70_000));
    fails_saying(
        &rk,
        &args(&draft_with(&big, &d)),
        &[p.to_str().unwrap(), "64 KiB", "MAX_TEMPLATE_BYTES"],
    );

    let bomb = root.path().join("bomb");
    std::fs::create_dir(&bomb).unwrap();
    let p = file(
        &bomb,
        "accountability.txt",
        "Subject: x\n\n{% set a = \"x\" * 100000000 %}{{ a ~ a ~ a }}",
    );
    fails_saying(
        &rk,
        &args(&draft_with(&bomb, &d)),
        &[p.to_str().unwrap(), "line 3", "`*` is not allowed"],
    );

    // Allowed syntax, stopped while it renders: the error names the play's template.
    let long = root.path().join("long");
    std::fs::create_dir(&long).unwrap();
    file(
        &long,
        "accountability.txt",
        &format!(
            "Subject: x\n\n{{% for i in range(9000) %}}{}{{% endfor %}}",
            "y".repeat(1000)
        ),
    );
    fails_saying(
        &rk,
        &args(&draft_with(&long, &d)),
        &[
            &format!("template {}", long.join("accountability.txt").display()),
            "MAX_DRAFT_BYTES",
        ],
    );
}

#[test]
fn a_body_past_the_cap_or_not_a_file_is_refused_and_nothing_is_logged() {
    let rk = Rk::new();
    let d = quiet_deal(&rk);
    let before = rk.snapshot();
    let dir = tempfile::tempdir().unwrap();

    let big = file(
        dir.path(),
        "big.txt",
        &format!("Hi,\n\n{}", "word ".repeat(220_000)),
    );
    fails_saying(
        &rk,
        &["log", "email", &d, "--body-file", big.to_str().unwrap()],
        &[big.to_str().unwrap(), "1 MiB", "MAX_BODY_BYTES"],
    );
    #[cfg(unix)]
    {
        fails_saying(
            &rk,
            &["log", "email", &d, "--body-file", "/dev/zero"],
            &["/dev/zero", "not a regular file"],
        );
        let fifo = dir.path().join("body.fifo");
        mkfifo(&fifo);
        fails_saying(
            &rk,
            &["log", "email", &d, "--body-file", fifo.to_str().unwrap()],
            &[fifo.to_str().unwrap(), "FIFO"],
        );
    }
    let over_stdin = format!("Hi,\n\n{}", "word ".repeat(220_000));
    let out = rk.run_with_input(&["log", "email", &d, "--body-file", "-"], Some(&over_stdin));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("MAX_BODY_BYTES"));
    assert_eq!(rk.snapshot(), before, "a refused body logged something");

    // Just under the cap is logged.
    let fits = file(
        dir.path(),
        "fits.txt",
        &format!("Hi,\n\nThe numbers: {}\n", "figure ".repeat(140_000)),
    );
    let out = rk.run(&["log", "email", &d, "--body-file", fits.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `n` replies from the contact in one long thread, a minute apart from `first`.
fn long_thread(dir: &Path, name: &str, first: usize, n: usize) -> std::path::PathBuf {
    let mut text = String::new();
    for i in first..first + n {
        let (h, m) = (i / 60 % 24, i % 60);
        let day = 1 + i / 1440;
        text.push_str(&mbox_message(
            &format!("thread-{i}@acme.example"),
            "From: Dana Reyes <dana@acme.example>\nTo: alex@seller.example\nSubject: Re: pricing",
            &format!("Mon, {day:02} Jun 2026 {h:02}:{m:02}:00 +0000"),
            &format!("Noted, item {i}."),
        ));
    }
    file(dir, name, &text)
}

/// Importing a reply costs the same however many the deal already holds: the thousand
/// replies imported into a deal that holds eight thousand take about as long as the first
/// thousand did (within 2.2 times, for a busy machine; a walk over the deal's activities for
/// each reply made the late ones 4-5 times slower: quadratic over a long conversation).
#[test]
fn reply_import_time_does_not_grow_with_the_conversation() {
    let rk = Rk::new();
    rk.json(&["init"]);
    rk.json(&[
        "deal",
        "add",
        "--title",
        "T",
        "--account",
        "Acme",
        "--domain",
        "acme.example",
        "--owner",
        "O",
        "--stage",
        "demo",
        "--amount",
        "1",
    ]);
    rk.json(&[
        "contact",
        "add",
        "--deal",
        "1",
        "--name",
        "Dana Reyes",
        "--email",
        "dana@acme.example",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let import = |path: &Path| {
        let started = Instant::now();
        let out = run_guarded(
            &rk,
            &[
                "import",
                "mail",
                path.to_str().unwrap(),
                "--me",
                "alex@seller.example",
                "--json",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (started.elapsed(), summary["replies"].as_u64())
    };
    let (early, added) = import(&long_thread(dir.path(), "early.mbox", 0, 1000));
    assert_eq!(added, Some(1000));
    let (_, added) = import(&long_thread(dir.path(), "middle.mbox", 1000, 8000));
    assert_eq!(added, Some(8000));
    let (late, added) = import(&long_thread(dir.path(), "late.mbox", 9000, 1000));
    assert_eq!(added, Some(1000));
    assert!(
        late.as_secs_f64() < 2.2 * early.as_secs_f64(),
        "the last 1,000 replies took {late:?}, the first 1,000 {early:?}"
    );
}

/// A demo pipeline has a size bound: a slip of the finger (`--deals 999999999999`, or a
/// million deals each padded to a thousand activities) is refused before the database is
/// created, rather than writing until the disk is full.
#[test]
fn demo_sizes_past_the_bound_are_refused_before_anything_is_written() {
    for size in [
        &["--deals", "5000000"][..],
        &["--deals", "0"],
        &["--deals", "100000", "--activities-per-deal", "1000"],
        &["--deals", "10", "--activities-per-deal", "5000"],
    ] {
        let rk = Rk::new();
        let mut command = vec!["demo"];
        command.extend_from_slice(size);
        let out = run_guarded(&rk, &command);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{size:?}: {err}");
        assert!(
            err.contains("--deals") || err.contains("--activities-per-deal"),
            "{size:?}: {err}"
        );
        assert!(!rk.db.exists(), "{size:?}: the database was created");
    }
}
