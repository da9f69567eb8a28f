//! The README's tour, run as a new user runs it: every `rekindle` command of the tour's shell
//! blocks, read from README.md when the test runs, in order, against a fresh database, with the
//! files the tour names made in a fresh home folder. A command that fails fails the test with
//! its README line. The servers the tour names are stood in for by the test servers on loopback
//! (Dovecot, Radicale, aiosmtpd), and the one placeholder (`DIR`) by the labelled set it
//! stands for; every other word is the README's.

mod common;
mod servers;

use servers::{Dovecot, PASSWORD, Radicale, SmtpOptions, SmtpSink, USER};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const NOW: &str = "2026-11-23T09:00:00Z";
const SMTP_PASSWORD: &str = "smtp-tour-secret";

/// One command of the tour, with the README line it starts on.
#[derive(Debug)]
struct Step {
    line: usize,
    text: String,
    words: Vec<String>,
}

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The logical lines (continuations joined, comments cut) of the `sh` blocks of the section
/// headed `## A tour`, up to the next second-level heading.
fn tour(readme: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut in_tour = false;
    let mut in_block = false;
    let mut pending: Option<(usize, String)> = None;
    for (i, line) in readme.lines().enumerate() {
        let number = i + 1;
        if let Some(title) = line.strip_prefix("## ") {
            in_tour = title.trim() == "A tour";
            continue;
        }
        if !in_tour {
            continue;
        }
        if line.trim_start().starts_with("```") {
            in_block = !in_block && line.trim_start().trim_start_matches('`').trim() == "sh";
            continue;
        }
        if !in_block {
            continue;
        }
        let code = cut_comment(line);
        let (start, mut text) = match pending.take() {
            Some((start, text)) => (start, text + " " + code.trim()),
            None => (number, code.trim().to_string()),
        };
        if let Some(rest) = text.strip_suffix('\\') {
            text = rest.trim_end().to_string();
            pending = Some((start, text));
            continue;
        }
        if text.is_empty() {
            continue;
        }
        let words = shell_words(&text).unwrap_or_else(|e| panic!("README.md:{start}: {e}"));
        steps.push(Step {
            line: start,
            text,
            words,
        });
    }
    assert!(pending.is_none(), "the tour ends in a continued line");
    steps
}

/// The line up to a `#` that starts a comment (at the start or after a blank, outside quotes).
fn cut_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return &line[..i],
            None => {}
        }
        previous = c;
    }
    line
}

/// Splits a line into words as a POSIX shell does for the forms the tour uses: blanks
/// separate, single and double quotes group (a double-quoted `\"` is a quote).
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed ' in {line}")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(format!("unclosed \" in {line}")),
                        },
                        Some(c @ ('$' | '`')) => {
                            return Err(format!("{c} in quotes is not run by the tour: {line}"));
                        }
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed \" in {line}")),
                    }
                }
            }
            '$' | '`' | '|' | '&' | ';' | '<' | '>' | '*' | '?' => {
                return Err(format!("{c} is not run by the tour: {line}"));
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// `~` and `~/...` at the start of a word (or of an assignment's value) are the home folder.
fn expand_home(word: &str, home: &Path) -> String {
    let home = home.display().to_string();
    if word == "~" {
        return home;
    }
    if let Some(rest) = word.strip_prefix("~/") {
        return format!("{home}/{rest}");
    }
    if let Some((name, value)) = word.split_once('=')
        && let Some(rest) = value.strip_prefix("~/")
    {
        return format!("{name}={home}/{rest}");
    }
    word.to_string()
}

/// Replaces the word after `flag` (which must be `from`) with `to`; false when absent.
fn replace_value(words: &mut [String], flag: &str, from: &str, to: &str) -> bool {
    match words.iter().position(|w| w == flag) {
        Some(i) if words.get(i + 1).map(String::as_str) == Some(from) => {
            words[i + 1] = to.to_string();
            true
        }
        _ => false,
    }
}

fn mbox_message(id: &str, headers: &str, date: &str, body: &str) -> String {
    format!(
        "From x Thu Jan  1 00:00:00 2026\nMessage-ID: <{id}>\n{headers}\nDate: {date}\n\n{body}\n\n"
    )
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The files the tour names, made as a user would have them: a note and a better draft, the
/// rep's sent mail and inbox (Dana's answer is the tour's R1), a calendar, a reply to classify,
/// trigger events, and the folder exports go to.
fn make_files(home: &Path) {
    write(
        &home.join("note.txt"),
        "Dana, here is the cost model we discussed, with your dispatch numbers filled in. \
         The second tab shows the 12 hours a week as a yearly figure.\n\nAlex\n",
    );
    write(
        &home.join("better.txt"),
        "Dana, one number from the cost model stood out: the morning rebuild costs about \
         600 hours a year. Would a 20-minute walk through it with finance on Thursday help?\n\n\
         Alex\n",
    );
    write(
        &home.join("answer.txt"),
        "Thanks for checking. We are not ready this quarter; please check back in March.\n",
    );
    write(
        &home.join("events.csv"),
        "account,contact,kind,date,source,note\n\
         Acme,Dana Reyes,promotion,2026-11-20,https://news.example/acme-dana,Dana now runs operations\n",
    );
    write(
        &home.join("mail/sent.mbox"),
        &mbox_message(
            "tour-a1@seller.io",
            "From: Alex Morgan <alex@seller.io>\nTo: Dana Reyes <dana@acme.example>\nSubject: The cost model",
            "Tue, 17 Nov 2026 10:00:00 +0000",
            "Dana, here is the cost model with your numbers.",
        ),
    );
    let maildir = home.join("Maildir");
    for sub in ["tmp", "new"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    write(
        &maildir.join("cur/1763460000.tour.host:2,S"),
        "Message-ID: <tour-r1@acme.example>\nFrom: Dana Reyes <dana@acme.example>\n\
         To: alex@seller.io\nSubject: Re: The cost model\nIn-Reply-To: <tour-a1@seller.io>\n\
         References: <tour-a1@seller.io>\nDate: Wed, 18 Nov 2026 09:00:00 +0000\n\n\
         Thanks Alex. Does the model include the weekend shifts?\n\n\
         On Tue, Alex Morgan wrote:\n> Dana, here is the cost model with your numbers.\n",
    );
    write(
        &home.join("work.ics"),
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tour//EN\r\nBEGIN:VEVENT\r\n\
         UID:tour-review@seller.io\r\nDTSTAMP:20261120T090000Z\r\n\
         DTSTART:20261126T150000Z\r\nDTEND:20261126T153000Z\r\n\
         SUMMARY:Cost model review\r\nORGANIZER:mailto:alex@seller.io\r\n\
         ATTENDEE;PARTSTAT=ACCEPTED:mailto:dana@acme.example\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    std::fs::create_dir_all(home.join("outgoing")).unwrap();
}

/// The servers the tour names, on loopback.
struct Stand {
    dovecot: Dovecot,
    radicale: Radicale,
    smtp: SmtpSink,
}

impl Stand {
    fn start() -> Stand {
        let radicale = Radicale::start();
        radicale.make_calendar(&format!("/{USER}/work/"));
        Stand {
            dovecot: Dovecot::start(),
            radicale,
            smtp: SmtpSink::start(SmtpOptions {
                security: "tls",
                auth: Some(("alex", SMTP_PASSWORD)),
                ..SmtpOptions::default()
            }),
        }
    }

    /// Points a command that reaches a server at its stand-in. Each README server must be
    /// found where the tour names it, so a changed tour is noticed here.
    fn point(&self, step: &Step, words: &mut Vec<String>) {
        let at = |words: &[String], i: usize, w: &str| words.get(i).is_some_and(|x| x == w);
        let fail = |what: &str| -> ! {
            panic!(
                "README.md:{}: {what} not where the tour test expects it: {}",
                step.line, step.text
            )
        };
        if at(words, 1, "sync") && at(words, 2, "imap") && words.iter().any(|w| w == "--host") {
            if !replace_value(words, "--host", "imap.example.com", "127.0.0.1")
                || !replace_value(words, "--user", "alex", USER)
            {
                fail("imap.example.com / alex");
            }
            words.extend([
                "--port".into(),
                self.dovecot.imaps_port.to_string(),
                "--ca-file".into(),
                self.dovecot.cert.display().to_string(),
            ]);
        } else if at(words, 1, "sync") && at(words, 2, "caldav") {
            if !replace_value(
                words,
                "--url",
                "https://dav.example.com/",
                &self.radicale.url("/"),
            ) || !replace_value(words, "--user", "alex", USER)
            {
                fail("https://dav.example.com/ / alex");
            }
            words.extend(["--ca-file".into(), self.radicale.cert.display().to_string()]);
        } else if at(words, 1, "outbox")
            && at(words, 2, "send")
            && words.iter().any(|w| w == "--host")
        {
            if !replace_value(words, "--host", "smtp.example.com", "127.0.0.1") {
                fail("smtp.example.com");
            }
            words.extend([
                "--port".into(),
                self.smtp.port.to_string(),
                "--ca-file".into(),
                self.smtp.cert.display().to_string(),
            ]);
            // The README names the sender; the sink accepts alex@seller.io.
            if !words.iter().any(|w| w == "--from") {
                words.extend(["--from".into(), "alex@seller.io".into()]);
            }
        } else if at(words, 1, "replies")
            && at(words, 2, "eval")
            && let Some(i) = words.iter().position(|w| w == "DIR")
        {
            words[i] = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("eval/realmail")
                .display()
                .to_string();
        }
    }
}

#[test]
fn the_readme_tour_runs_command_by_command() {
    let steps = tour(&readme());
    let commands = steps.iter().filter(|s| s.words[0] == "rekindle").count();
    assert!(
        commands >= 40,
        "the tour has {commands} commands: {steps:#?}"
    );
    let home = tempfile::tempdir().unwrap();
    make_files(home.path());
    let stand = Stand::start();
    let mut env: Vec<(String, String)> = Vec::new();
    let mut ran = Vec::new();
    for step in &steps {
        let mut words: Vec<String> = step
            .words
            .iter()
            .map(|w| expand_home(w, home.path()))
            .collect();
        match words[0].as_str() {
            "export" => {
                for assignment in &words[1..] {
                    let (name, value) = assignment
                        .split_once('=')
                        .unwrap_or_else(|| panic!("README.md:{}: {}", step.line, step.text));
                    env.push((name.into(), value.into()));
                }
                continue;
            }
            "rekindle" => {}
            other => panic!(
                "README.md:{}: the tour runs only rekindle commands, not {other}: {}",
                step.line, step.text
            ),
        }
        stand.point(step, &mut words);
        let out = Command::new(env!("CARGO_BIN_EXE_rekindle"))
            .args(&words[1..])
            .args(["--now", NOW])
            .current_dir(home.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("IMAP_PASSWORD", PASSWORD)
            .env("DAV_PASSWORD", PASSWORD)
            .env("SMTP_PASSWORD", SMTP_PASSWORD)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        // `lint` says by its exit status whether it found pesky phrases; the tour's note has
        // none, so every command of the tour succeeds.
        assert!(
            out.status.success(),
            "README.md:{}: `{}` failed ({}):\n{}{}\nran before it: {ran:#?}",
            step.line,
            step.text,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        ran.push(format!("README.md:{}: {}", step.line, step.text));
    }
    // The tour's own mail went where it says: the message held at send time (two days after
    // the tour's last touch) was exported and confirmed, never delivered as well.
    assert!(stand.smtp.delivered().is_empty(), "{ran:#?}");
    assert!(home.path().join("outgoing/O1.eml").is_file(), "{ran:#?}");
    let db: PathBuf = env
        .iter()
        .find(|(k, _)| k == "REKINDLE_DB")
        .map(|(_, v)| v.into())
        .expect("the tour sets REKINDLE_DB");
    assert!(
        db.starts_with(home.path()) && db.exists(),
        "{}",
        db.display()
    );
}

/// What a new user needs before the tour: the install step that puts `rekindle` on PATH and
/// the minimum Rust version, the workspace's own.
#[test]
fn the_readme_says_how_to_install_and_which_rust() {
    let readme = readme();
    assert!(
        readme.contains("cargo install --path crates/cli --locked"),
        "no install step"
    );
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml"))
            .unwrap();
    let version = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("rust-version = "))
        .map(|v| v.trim_matches('"'))
        .expect("rust-version in the workspace");
    assert!(
        readme.contains(&format!("Rust {version} or newer")),
        "the README does not say Rust {version} or newer"
    );
}

#[test]
fn tour_lines_split_as_a_shell_splits_them() {
    assert_eq!(
        shell_words(r#"rekindle fact D1 cost "about 12 hours" --amount '$48k'"#).unwrap(),
        [
            "rekindle",
            "fact",
            "D1",
            "cost",
            "about 12 hours",
            "--amount",
            "$48k"
        ]
    );
    assert_eq!(
        shell_words(r#"a "say \"hi\"" b"#).unwrap(),
        ["a", "say \"hi\"", "b"]
    );
    assert!(shell_words("rekindle scan | jq .").is_err());
    assert!(shell_words("rekindle \"$HOME\"").is_err());
    assert_eq!(
        cut_comment("rekindle scan   # every deal"),
        "rekindle scan   "
    );
    assert_eq!(cut_comment("rekindle x \"a # b\""), "rekindle x \"a # b\"");
    let steps = tour(
        "## A tour\n\n```sh\nrekindle a \\\n   b  # c\n  # only words\n```\n\n```text\nrekindle no\n```\n## Next\n```sh\nrekindle no\n```\n",
    );
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].line, 4);
    assert_eq!(steps[0].words, ["rekindle", "a", "b"]);
}
