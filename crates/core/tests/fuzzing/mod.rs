//! The fuzzing harness the `fuzz.rs` tests of the core, ingest and cli crates share (ingest and
//! cli include this file by path). Each target is a proptest property whose invariant is "no
//! panic, and the output is sane"; the inputs are arbitrary bytes and mutations of real inputs
//! (flipped, inserted, deleted and duplicated bytes and lines, lines spliced in from other
//! inputs, truncation), so the parsers see both noise and near-valid mail, calendars and text.
//!
//! Two modes, chosen by the environment:
//! - by default (CI): a fixed seed and a small case count per target (`PROPTEST_CASES`
//!   overrides it), so a run is short and the same every time;
//! - `REKINDLE_FUZZ_SECONDS=N`: each target runs for N seconds from a seed taken from the clock
//!   (or `REKINDLE_FUZZ_SEED`), printed first. A failing input is shrunk and written, with the
//!   seed, to `REKINDLE_FUZZ_OUT` (default `fuzz-failures` in the target folder); a case that
//!   runs longer than `REKINDLE_FUZZ_CASE_SECONDS` (default 20) is written there too and the
//!   run stops. `runs.log` there keeps each target's seed and case count.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The seed of the CI pass.
const CI_SEED: u64 = 0x0005_EED1;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Whether this is a long run (`REKINDLE_FUZZ_SECONDS` set).
pub fn long_run() -> bool {
    env_u64("REKINDLE_FUZZ_SECONDS").is_some()
}

fn rng(seed: u64) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&(!seed).to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

fn out_dir() -> PathBuf {
    std::env::var_os("REKINDLE_FUZZ_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| root().join("target"), PathBuf::from)
                .join("fuzz-failures")
        })
}

fn record(name: &str, seed: u64, what: &str, input: &str) -> PathBuf {
    let dir = out_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}-{seed}.txt"));
    let _ = std::fs::write(
        &path,
        format!("target: {name}\nseed: {seed}\n{what}\ninput:\n{input}\n"),
    );
    path
}

/// The case under way and when it started, for the watchdog.
type Running<T> = Arc<Mutex<Option<(Instant, T)>>>;

/// Appends a line to `runs.log` in the output folder: what each long run went through (the
/// test harness shows a passing test's output only with `--nocapture`).
fn log(line: &str) {
    use std::io::Write;
    let dir = out_dir();
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("runs.log"))
    {
        let _ = writeln!(f, "{line}");
    }
}

/// Runs `check` on values of `strategy`: `ci_cases` of them from the fixed seed, or for
/// `REKINDLE_FUZZ_SECONDS` in a long run. Panics (failing the test) with the shrunk input.
pub fn fuzz<S>(name: &str, ci_cases: u32, strategy: S, check: impl Fn(S::Value))
where
    S: Strategy,
    S::Value: Clone + Debug + Send + 'static,
{
    let seconds = env_u64("REKINDLE_FUZZ_SECONDS");
    let seed = env_u64("REKINDLE_FUZZ_SEED").unwrap_or_else(|| match seconds {
        Some(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1),
        None => CI_SEED,
    });
    let case_limit = Duration::from_secs(env_u64("REKINDLE_FUZZ_CASE_SECONDS").unwrap_or(20));
    let current: Running<S::Value> = Arc::new(Mutex::new(None));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    if seconds.is_some() {
        eprintln!("fuzz {name}: seed {seed}, {}s", seconds.unwrap_or(0));
        // A watchdog: a hang is a failure too, and cannot be caught by unwinding.
        let (current, done, name) = (current.clone(), done.clone(), name.to_string());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(500));
                let slow = current.lock().ok().and_then(|c| {
                    c.as_ref()
                        .filter(|(at, _)| at.elapsed() > case_limit)
                        .map(|(_, v)| format!("{v:?}"))
                });
                if let Some(input) = slow {
                    let path = record(&name, seed, "a case ran past the time limit", &input);
                    eprintln!("fuzz {name}: a case hangs; input in {}", path.display());
                    std::process::exit(3);
                }
            }
        });
    }
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let cases = env_u64("PROPTEST_CASES").map_or(ci_cases, |c| c as u32);
    let mut round: u64 = 0;
    let mut total: u64 = 0;
    loop {
        let round_seed = seed.wrapping_add(round.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let config = Config {
            cases: if deadline.is_some() { 256 } else { cases },
            failure_persistence: None,
            max_shrink_time: 60_000,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, rng(round_seed));
        let result = runner.run(&strategy, |value| {
            if deadline.is_some() {
                *current.lock().unwrap() = Some((Instant::now(), value.clone()));
            }
            check(value);
            Ok(())
        });
        total += u64::from(runner.config().cases);
        if let Err(e) = result {
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            let (what, input) = match e {
                TestError::Fail(reason, input) => (reason.to_string(), format!("{input:?}")),
                TestError::Abort(reason) => (reason.to_string(), String::new()),
            };
            let path = record(name, round_seed, &what, &input);
            log(&format!(
                "fuzz {name}: failed after {total} cases from seed {seed}: {}",
                path.display()
            ));
            panic!(
                "fuzz {name}: {what} (seed {round_seed}; input written to {})\ninput: {input}",
                path.display()
            );
        }
        round += 1;
        match deadline {
            Some(d) if Instant::now() < d => continue,
            _ => break,
        }
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    if seconds.is_some() {
        let line = format!("fuzz {name}: {total} cases from seed {seed}, no failure");
        eprintln!("{line}");
        log(&line);
    }
}

/// Byte sequences that matter to mail, calendar, CSV and template parsers, inserted by the
/// mutations.
const TOKENS: &[&[u8]] = &[
    b"\r\n",
    b"\n\n",
    b"\r",
    b"\0",
    b"From a@x Mon Jan  5 10:00:00 2026\n",
    b">From ",
    b"From ",
    b":",
    b" ",
    b"\t",
    b"=?utf-8?B?",
    b"=?iso-8859-1?Q?=E9?=",
    b"?=",
    b"=\r\n",
    b"=E9",
    b"Content-Type: multipart/mixed; boundary=\"b\"\n",
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n",
    b"Content-Transfer-Encoding: base64\n",
    b"Content-Transfer-Encoding: quoted-printable\n",
    b"\n--b\n",
    b"\n--b--\n",
    b"Content-Length: 5\n",
    b"Content-Length: 99999999999999999999\n",
    b"Message-ID: <",
    b">",
    b"<",
    b"@",
    b",",
    b";",
    b"\"",
    b"\"\"",
    b"'",
    b"\\",
    b"BEGIN:VEVENT\n",
    b"END:VEVENT\n",
    b"BEGIN:VCALENDAR\n",
    b"END:VCALENDAR\n",
    b"BEGIN:VALARM\n",
    b"DTSTART;TZID=W. Europe Standard Time:20261117T100000\n",
    b"DTSTART:99991231T235959Z\n",
    b"DTSTART;VALUE=DATE:00010101\n",
    b"SEQUENCE:-99999999999\n",
    b"EXDATE:20261117T100000Z\n",
    b"RECURRENCE-ID:20261117T100000Z\n",
    b"STATUS:CANCELLED\n",
    b"METHOD:CANCEL\n",
    b"{{",
    b"}}",
    b"{%",
    b"%}",
    b"{#",
    b"{{ x }}",
    b"{% for a in [1,2,3] %}",
    b"{% endfor %}",
    b"{% if %}",
    b"99999999999999999999",
    b"-1",
    b"0",
    b"9999-12-31",
    b"1899-12-31",
    b"2026-02-30",
    b"T25:61:61Z",
    b"+99:99",
    b"1.234,56",
    b"1,234.56",
    b"\xE2\x82\xAC",
    b"$",
    b"k",
    b"e308",
    b"\xC3\xA9",
    b"\xF0\x9F\x98\x80",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xC3",
    b"\x1B[2J",
    b"\xE2\x80\xAE",
    b"\xCC\x81\xCC\x81\xCC\x81",
    b"Auto-Submitted: auto-replied\n",
    b"Precedence: bulk\n",
    b"I am out of the office until ",
    b"back on 12/13",
    b"On Mon, 5 Jan 2026 at 10:00, Dana <dana@x> wrote:\n",
    b"\n> ",
    b"-- \n",
    b"Re: Fwd: AW: ",
];

/// One change to an input.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Flip one bit of the byte at a position (positions are fractions of the length).
    Flip(u16, u8),
    /// Set the byte at a position.
    Set(u16, u8),
    Insert(u16, u8),
    /// Insert one of `TOKENS`.
    Token(u16, u8),
    Delete(u16, u8),
    /// Repeat a span in place (`u8` bytes, `u8` times).
    Repeat(u16, u8, u8),
    Truncate(u16),
    DeleteLine(u16),
    DuplicateLine(u16),
    SwapLines(u16, u16),
    /// Insert a line of another input (a header spliced from another message).
    Splice(u16, u16, u16),
}

fn at(fraction: u16, len: usize) -> usize {
    (fraction as usize * (len + 1)) >> 16
}

fn line_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        spans.push((start, bytes.len()));
    }
    spans
}

fn pick<T>(items: &[T], fraction: u16) -> Option<&T> {
    (!items.is_empty()).then(|| &items[at(fraction, items.len() - 1)])
}

/// Applies `mutation` to `bytes`; `corpus` supplies spliced lines. The result stays under
/// `max` bytes.
pub fn apply(bytes: &mut Vec<u8>, mutation: &Mutation, corpus: &[Vec<u8>], max: usize) {
    let len = bytes.len();
    match *mutation {
        Mutation::Flip(p, bit) if len > 0 => {
            let i = at(p, len - 1);
            bytes[i] ^= 1 << (bit % 8);
        }
        Mutation::Set(p, b) if len > 0 => {
            let i = at(p, len - 1);
            bytes[i] = b;
        }
        Mutation::Insert(p, b) => bytes.insert(at(p, len), b),
        Mutation::Token(p, t) => {
            let token = TOKENS[t as usize % TOKENS.len()];
            let i = at(p, len);
            bytes.splice(i..i, token.iter().copied());
        }
        Mutation::Delete(p, n) => {
            let i = at(p, len);
            let end = (i + n as usize % 64 + 1).min(len);
            bytes.drain(i..end);
        }
        Mutation::Repeat(p, n, times) => {
            let i = at(p, len);
            let end = (i + n as usize % 32 + 1).min(len);
            let span = bytes[i..end].to_vec();
            let times = times as usize % 16 + 1;
            if len + span.len() * times <= max {
                for _ in 0..times {
                    bytes.splice(end..end, span.iter().copied());
                }
            }
        }
        Mutation::Truncate(p) => bytes.truncate(at(p, len)),
        Mutation::DeleteLine(l) => {
            if let Some(&(s, e)) = pick(&line_spans(bytes), l) {
                bytes.drain(s..e);
            }
        }
        Mutation::DuplicateLine(l) => {
            if let Some(&(s, e)) = pick(&line_spans(bytes), l) {
                let line = bytes[s..e].to_vec();
                bytes.splice(e..e, line);
            }
        }
        Mutation::SwapLines(a, b) => {
            let spans = line_spans(bytes);
            if let (Some(&x), Some(&y)) = (pick(&spans, a), pick(&spans, b)) {
                let (x, y) = if x.0 <= y.0 { (x, y) } else { (y, x) };
                if x.1 <= y.0 {
                    let mut out = bytes[..x.0].to_vec();
                    out.extend_from_slice(&bytes[y.0..y.1]);
                    out.extend_from_slice(&bytes[x.1..y.0]);
                    out.extend_from_slice(&bytes[x.0..x.1]);
                    out.extend_from_slice(&bytes[y.1..]);
                    *bytes = out;
                }
            }
        }
        Mutation::Splice(p, source, l) => {
            if let Some(other) = pick(corpus, source)
                && let Some(&(s, e)) = pick(&line_spans(other), l)
            {
                // At a line start, so a spliced header stays a header.
                let i = at(p, len);
                let i = bytes[..i]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |n| n + 1);
                bytes.splice(i..i, other[s..e].iter().copied());
            }
        }
        _ => {}
    }
    bytes.truncate(max);
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<u16>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        1 => (any::<u16>(), any::<u8>()).prop_map(|(p, b)| Mutation::Set(p, b)),
        1 => (any::<u16>(), any::<u8>()).prop_map(|(p, b)| Mutation::Insert(p, b)),
        3 => (any::<u16>(), any::<u8>()).prop_map(|(p, t)| Mutation::Token(p, t)),
        1 => (any::<u16>(), any::<u8>()).prop_map(|(p, n)| Mutation::Delete(p, n)),
        1 => (any::<u16>(), any::<u8>(), any::<u8>()).prop_map(|(p, n, t)| Mutation::Repeat(p, n, t)),
        1 => any::<u16>().prop_map(Mutation::Truncate),
        1 => any::<u16>().prop_map(Mutation::DeleteLine),
        1 => any::<u16>().prop_map(Mutation::DuplicateLine),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        2 => (any::<u16>(), any::<u16>(), any::<u16>())
            .prop_map(|(p, s, l)| Mutation::Splice(p, s, l)),
    ]
}

/// An input for a parser: arbitrary bytes, or a corpus item changed by a few mutations.
#[derive(Clone)]
pub struct Input {
    pub bytes: Vec<u8>,
    /// Where it came from: `arbitrary`, or the corpus item's name and the mutations.
    pub made: String,
}

impl Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}\nbytes ({}): {:?}\nas text:\n{}",
            self.made,
            self.bytes.len(),
            self.bytes,
            String::from_utf8_lossy(&self.bytes)
        )
    }
}

impl Input {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Inputs from `corpus` (name, bytes): arbitrary bytes up to `max_arbitrary`, or a corpus
/// item with up to 8 mutations, capped at `max` bytes.
pub fn inputs(
    corpus: Vec<(String, Vec<u8>)>,
    max_arbitrary: usize,
    max: usize,
) -> impl Strategy<Value = Input> {
    let corpus = Arc::new(corpus);
    let lines: Arc<Vec<Vec<u8>>> = Arc::new(corpus.iter().map(|(_, b)| b.clone()).collect());
    let arbitrary =
        proptest::collection::vec(any::<u8>(), 0..max_arbitrary).prop_map(|bytes| Input {
            bytes,
            made: "arbitrary".into(),
        });
    let n = corpus.len().max(1);
    let mutated =
        (0..n, proptest::collection::vec(mutation(), 0..8)).prop_map(move |(i, mutations)| {
            let (name, bytes) = corpus
                .get(i)
                .cloned()
                .unwrap_or_else(|| ("empty".into(), Vec::new()));
            let mut bytes = bytes;
            bytes.truncate(max);
            for m in &mutations {
                apply(&mut bytes, m, &lines, max);
            }
            Input {
                bytes,
                made: format!("{name} with {mutations:?}"),
            }
        });
    prop_oneof![1 => arbitrary, 3 => mutated]
}

/// The files under `dir` (recursively, sorted), each with its path, those at most `max`
/// bytes long and passing `keep`.
pub fn files(dir: &Path, max: usize, keep: &dyn Fn(&Path) -> bool) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if keep(&p)
                && let Ok(bytes) = std::fs::read(&p)
                && bytes.len() <= max
            {
                out.push((p.display().to_string(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// The shared case files (`../shared/cases` beside the checkout, or `REKINDLE_CASES`), when
/// present: added to the corpus in long runs only, so the CI pass is the same everywhere.
pub fn shared_cases() -> Option<PathBuf> {
    if !long_run() {
        return None;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::env::var_os("REKINDLE_CASES")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            root.join("../shared/cases"),
            root.join("../../shared/cases"),
        ])
        .find(|p| p.is_dir())
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn has_extension(p: &Path, extensions: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}
