//! The mail import benchmark: `rekindle import mail` over a generated mbox of at least 1 GiB,
//! into a 2,000-deal pipeline in SQLite, side by side in one run with the floor
//! (`grep -c '^From '` over the same file) and with what a user would otherwise write (a plain
//! Python `mailbox` script doing the same matching). Each is a separate process, timed end to
//! end, with its peak resident memory.
//!
//!     cargo bench --bench mbox                      # 1 GiB
//!     REKINDLE_BENCH_MBOX_MB=200 cargo bench --bench mbox
//!
//! The mailbox and the pipeline are generated once (seeded) into target/bench-data; each run
//! imports into a fresh copy of the pipeline.

use rekindle_core::demo::{DemoOptions, generate};
use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const NOW: &str = "2026-11-23T09:00:00Z";
const ME: &str = "alex@seller.io";
const DEALS: usize = 2_000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "schedule", "numbers", "finance", "review", "proposal", "pilot", "team", "quarter", "budget",
    "rollout", "dispatch", "overtime", "contract", "timeline", "question", "security", "pricing",
    "meeting", "Thursday", "next", "week", "the", "and", "we", "can", "to", "of", "for", "with",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s: Vec<&str> = (0..words).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    let first = s[0].to_string();
    let mut out = first[..1].to_uppercase() + &first[1..];
    s.remove(0);
    for w in s {
        out.push(' ');
        out.push_str(w);
    }
    out + "."
}

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    (0..sentences)
        .map(|_| {
            let n = 6 + rng.below(12);
            sentence(rng, n)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn date(rng: &mut Rng) -> String {
    let day = 1 + rng.below(28);
    let hour = 7 + rng.below(11);
    let minute = rng.below(60);
    format!("{day:02} Oct 2026 {hour:02}:{minute:02}:00 +0000")
}

/// Writes messages until the file holds `target` bytes; returns the count.
fn write_mbox(path: &Path, contacts: &[String], target: u64) -> usize {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut written: u64 = 0;
    let mut count = 0;
    let mut sent_ids: Vec<(String, String)> = Vec::new();
    let attachment: String = {
        let mut r = Rng(99);
        let chars = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        (0..5_000)
            .map(|_| {
                (0..76)
                    .map(|_| chars[r.below(64)] as char)
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    };
    while written < target {
        count += 1;
        let kind = rng.below(100);
        let contact = &contacts[rng.below(contacts.len())];
        let id = format!("m{count}.{}@bench.example", rng.next() % 1_000_000);
        let mut m = String::with_capacity(8 << 10);
        let from_line = |from: &str| format!("From {from} Mon Oct 12 09:00:00 2026\n");
        match kind {
            // The rep writes to a contact.
            0..35 => {
                m += &from_line(ME);
                m += &format!(
                    "Message-ID: <{id}>\nFrom: Alex Morgan <{ME}>\nTo: {contact}\nSubject: {}\nDate: {}\nContent-Type: text/plain; charset=utf-8\n\n{}\n\n{}\n\nAlex\n",
                    sentence(&mut rng, 4),
                    date(&mut rng),
                    paragraph(&mut rng, 4),
                    paragraph(&mut rng, 3)
                );
                sent_ids.push((id.clone(), contact.clone()));
            }
            // A contact answers, quoting the rep; some from another address at the company.
            35..65 => {
                let (parent, to_whom) = if sent_ids.is_empty() {
                    (String::from("none@bench.example"), contact.clone())
                } else {
                    sent_ids[rng.below(sent_ids.len())].clone()
                };
                let quoted: String = paragraph(&mut rng, 5)
                    .split(". ")
                    .map(|l| format!("> {l}.\n"))
                    .collect();
                m += &from_line(&to_whom);
                m += &format!(
                    "Message-ID: <{id}>\nFrom: {to_whom}\nTo: {ME}\nSubject: Re: {}\nIn-Reply-To: <{parent}>\nReferences: <{parent}>\nDate: {}\nContent-Type: text/plain; charset=utf-8\n\n{}\n\n-- \nHead of Planning\n+1 555 0100\n\nOn Mon, Alex Morgan <{ME}> wrote:\n{quoted}",
                    sentence(&mut rng, 4),
                    date(&mut rng),
                    paragraph(&mut rng, 2)
                );
            }
            // Out of office.
            65..70 => {
                m += &from_line(contact);
                m += &format!(
                    "Message-ID: <{id}>\nFrom: {contact}\nTo: {ME}\nSubject: Automatic reply: {}\nAuto-Submitted: auto-replied\nDate: {}\nContent-Type: text/plain; charset=utf-8\n\nI am out of the office until November 3rd with limited access to email.\n",
                    sentence(&mut rng, 3),
                    date(&mut rng)
                );
            }
            // Newsletters and notifications: multipart, text and HTML.
            70..95 => {
                let text = paragraph(&mut rng, 20);
                m += &from_line("news@vendor.example");
                m += &format!(
                    "Message-ID: <{id}>\nFrom: Vendor News <news@vendor{}.example>\nTo: {ME}\nSubject: {}\nDate: {}\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b{count}\"\n\n--b{count}\nContent-Type: text/plain; charset=utf-8\n\n{text}\n--b{count}\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>{text}</p><p>{text}</p></body></html>\n--b{count}--\n",
                    rng.below(50),
                    sentence(&mut rng, 5),
                    date(&mut rng)
                );
            }
            // A contact sends a document: a large base64 attachment.
            _ => {
                let size = 40 + rng.below(160); // lines of 76 chars: 3 KB to 15 KB... times 25
                m += &from_line(contact);
                m += &format!(
                    "Message-ID: <{id}>\nFrom: {contact}\nTo: {ME}\nSubject: Signed documents\nDate: {}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"a{count}\"\n\n--a{count}\nContent-Type: text/plain; charset=utf-8\n\n{}\n--a{count}\nContent-Type: application/pdf; name=\"contract.pdf\"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"contract.pdf\"\n\n",
                    date(&mut rng),
                    paragraph(&mut rng, 2)
                );
                let lines = size * 25;
                m += &attachment[..(lines * 77).min(attachment.len())];
                m += &format!("--a{count}--\n");
            }
        }
        m += "\n";
        out.write_all(m.as_bytes()).unwrap();
        written += m.len() as u64;
    }
    out.flush().unwrap();
    count
}

const PYTHON: &str = r#"
import json, mailbox, sys, email.utils
path, contacts_file, me = sys.argv[1], sys.argv[2], sys.argv[3].lower()
contacts = set(json.load(open(contacts_file)))
def norm(a):
    a = a.lower().strip()
    if '@' not in a: return None
    local, domain = a.rsplit('@', 1)
    return local.split('+', 1)[0] + '@' + domain
read = touches = replies = autos = unmatched = 0
for message in mailbox.mbox(path, create=False):
    read += 1
    sender = norm(email.utils.parseaddr(message.get('From', ''))[1] or '')
    rcpts = [norm(a) for _, a in email.utils.getaddresses(message.get_all('To', []) + message.get_all('Cc', []))]
    if sender == me:
        if any(r in contacts for r in rcpts): touches += 1
        else: unmatched += 1
    elif sender in contacts:
        auto = message.get('Auto-Submitted', 'no').lower() != 'no' or 'automatic reply' in message.get('Subject', '').lower()
        if auto: autos += 1
        else: replies += 1
    else:
        unmatched += 1
print(json.dumps({"read": read, "touches": touches, "replies": replies, "auto_replies": autos, "unmatched": unmatched}))
"#;

struct Run {
    seconds: f64,
    peak_mib: f64,
    stdout: String,
}

/// Runs a command to the end, with its wall time and its own peak resident memory.
// The child is reaped with wait4 (for its resource usage), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn measure(command: &mut Command) -> Run {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the command");
    let pid = child.id() as libc::pid_t;
    let mut stdout = child.stdout.expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: waits for our own child and fills a struct we own.
    let usage = unsafe {
        libc::wait4(pid, &mut status, 0, usage.as_mut_ptr());
        usage.assume_init()
    };
    let seconds = started.elapsed().as_secs_f64();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed"
    );
    Run {
        seconds,
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
        stdout: reader.join().unwrap(),
    }
}

fn main() {
    let megabytes: u64 = std::env::var("REKINDLE_BENCH_MBOX_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let now: jiff::Timestamp = NOW.parse().unwrap();
    let contacts: BTreeSet<String> = generate(
        DemoOptions {
            deals: DEALS,
            ..DemoOptions::default()
        },
        now,
    )
    .flat_map(|r| r.contacts)
    .flat_map(|c| c.emails)
    .map(|e| e.as_str().to_lowercase())
    .collect();
    let contacts: Vec<String> = contacts.into_iter().collect();
    let contacts_file = dir.join("mbox-contacts.json");
    std::fs::write(&contacts_file, serde_json::to_string(&contacts).unwrap()).unwrap();

    let template = dir.join(format!("mbox-pipeline-{DEALS}.db"));
    if !template.exists() {
        let status = Command::new(env!("CARGO_BIN_EXE_rekindle"))
            .args([
                "demo",
                "--load-only",
                "--deals",
                &DEALS.to_string(),
                "--now",
                NOW,
                "--db",
            ])
            .arg(&template)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let mbox = dir.join(format!("bench-{megabytes}mb.mbox"));
    if !mbox.exists() {
        eprintln!("generating {} ...", mbox.display());
        let started = Instant::now();
        let n = write_mbox(&mbox, &contacts, megabytes << 20);
        eprintln!("{n} messages in {:.1}s", started.elapsed().as_secs_f64());
    }
    let bytes = std::fs::metadata(&mbox).unwrap().len();
    let mb = bytes as f64 / 1e6;
    // Read the file once so every contender starts from the page cache.
    let warmed = Command::new("cat")
        .arg(&mbox)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(warmed.success());

    let grep = measure(Command::new("grep").arg("-c").arg("^From ").arg(&mbox));
    let messages: f64 = grep.stdout.trim().parse().unwrap();

    let python = measure(
        Command::new("python3")
            .arg("-c")
            .arg(PYTHON)
            .arg(&mbox)
            .arg(&contacts_file)
            .arg(ME),
    );

    let db = dir.join("mbox-run.db");
    for side in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", db.display()));
    }
    std::fs::copy(&template, &db).unwrap();
    let rekindle = measure(
        Command::new(env!("CARGO_BIN_EXE_rekindle"))
            .args(["--now", NOW, "--json", "--db"])
            .arg(&db)
            .args(["import", "mail"])
            .arg(&mbox)
            .args(["--me", ME]),
    );
    let summary: serde_json::Value = serde_json::from_str(&rekindle.stdout).unwrap();

    println!(
        "mbox: {mb:.0} MB, {messages:.0} messages; pipeline: {DEALS} deals, {} contact addresses",
        contacts.len()
    );
    println!("| what | time | MB/s | messages/s | peak memory |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, run) in [
        ("`grep -c '^From '` (the floor)", &grep),
        ("Python `mailbox`, same matching, no storage", &python),
        ("**`rekindle import mail` into SQLite**", &rekindle),
    ] {
        println!(
            "| {name} | {:.1} s | {:.0} | {:.0} | {:.0} MiB |",
            run.seconds,
            mb / run.seconds,
            messages / run.seconds,
            run.peak_mib
        );
    }
    println!(
        "rekindle / grep: {:.2}x; python said {}",
        rekindle.seconds / grep.seconds,
        python.stdout.trim()
    );
    println!(
        "rekindle said: read {}, touches {}, replies {}, auto-replies {}, not matched {}, skipped {}",
        summary["read"],
        summary["touches"],
        summary["replies"],
        summary["auto_replies"],
        summary["not_matched"],
        summary["skipped"].as_array().map_or(0, |s| s.len())
    );
}
