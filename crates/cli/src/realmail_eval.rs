//! The real-mail evaluation: labelled messages that nobody here wrote (public list archives,
//! bounce and auto-reply corpora), each read through the same path as `rekindle import mail`,
//! and scored for what matters most: a deal moved that should not have been.
//!
//! A directory holds `.eml` files and `manifest.jsonl`, one labelled message a line (see
//! `eval/realmail/README.md`). Real messages were not written to a seller, so each one is set
//! up to be relevant: a fresh record with one open deal at an account named after the
//! sender's domain, the sender (or, for a delivery report, the addresses the rep wrote to) as
//! its contacts, and the rep's touch sent the day before: a message carrying the Message-ID the
//! labelled message answers (its thread parent), else a new thread on the same subject. The
//! rep's address is the parent's sender as the manifest names it, else a placeholder. The
//! message is then parsed, understood and, when it is a reply, read and acted on by the
//! importer, and what the record shows afterwards is compared with the labels.

use crate::args::Global;
use crate::import::{FirstReading, Importer, read_alone};
use anyhow::{Context, Result};
use jiff::{Timestamp, civil::Date};
use rekindle_app::Caller;
use rekindle_app::record::{self, AccountOf, ContactInput, DealInput};
use rekindle_core::EmailAddress;
use rekindle_core::mail::{Disposition, Message, is_free_mail, new_text, normalise_address};
use rekindle_core::reply::{Action, ReplyClass};
use rekindle_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Where the set committed with the source lives.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/realmail")
}

/// The targets the figures are held to.
pub mod targets {
    /// False moves per 100 real replies: under this.
    pub const FALSE_MOVES_PER_100: f64 = 1.0;
    /// Share of deal moves that were right: at least this.
    pub const MOVES_RIGHT: f64 = 0.95;
    /// Reply detection F1: at least this.
    pub const REPLY_F1: f64 = 0.95;
    /// Auto-reply and bounce precision and recall: at least this.
    pub const DETECTION: f64 = 0.95;
    /// Return dates read exactly, as a share: at least this (9 of 10).
    pub const RETURN_DATES: f64 = 0.9;
}

/// One labelled message, a line of `manifest.jsonl`.
#[derive(Clone, Debug, Deserialize)]
pub struct Label {
    /// The message file, relative to the directory.
    pub file: String,
    /// reply, auto_reply, bounce, list or other.
    pub kind: String,
    /// The rep's address: the sender of the message this one answers.
    #[serde(default)]
    pub rep: Option<String>,
    /// The addresses the rep wrote to (default: the message's sender).
    #[serde(default)]
    pub contacts: Vec<String>,
    /// For a reply: the sender's own new words, exactly.
    #[serde(default)]
    pub own_text: Option<String>,
    /// For a reply: what a careful rep would read it as, had it answered a seller.
    #[serde(default)]
    pub intent: Option<String>,
    /// For an auto-reply: the day the person is back.
    #[serde(default)]
    pub returns_on: Option<Date>,
    /// For an auto-reply: the person has left for good.
    #[serde(default)]
    pub permanent: bool,
    /// For a delivery report: the addresses that failed for good.
    #[serde(default)]
    pub failed: Vec<String>,
}

/// The message kinds the labels use.
const KINDS: &[&str] = &["reply", "auto_reply", "bounce", "list", "other"];

/// Precision and recall of one detection.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Detection {
    pub labelled: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Detection {
    fn new(labelled: usize, predicted: usize, correct: usize) -> Detection {
        let precision = ratio(correct, predicted);
        let recall = ratio(correct, labelled);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Detection {
            labelled,
            predicted,
            correct,
            precision,
            recall,
            f1,
        }
    }
}

/// A share of 1; an empty count is a perfect score (nothing to get wrong).
fn ratio(n: usize, of: usize) -> f64 {
    if of == 0 { 1.0 } else { n as f64 / of as f64 }
}

/// What happened to one message.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome1 {
    pub file: String,
    pub kind: String,
    /// What the importer made of it: reply, auto_reply, bounce, touch or skipped.
    pub read_as: String,
    /// The reply reader's class, when it read one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    pub confident: bool,
    /// The deal moved on its own (close, reopen, next step, do-not-contact, new contact).
    pub moved: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    pub changes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returns_on: Option<Date>,
    pub bounced: Vec<String>,
    /// Addresses marked bounced that the label does not list as failed for good.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub false_bounces: Vec<String>,
    /// Addresses labelled failed for good that were not marked bounced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missed_bounces: Vec<String>,
    /// For a reply: the share of its labelled own words the new-text cut kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_words_kept: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The figures for a directory of labelled real mail.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub dir: String,
    pub messages: usize,
    /// Labelled messages by kind.
    pub labelled: BTreeMap<String, usize>,
    /// What the importer made of them, by labelled kind then reading.
    pub read_as: BTreeMap<String, BTreeMap<String, usize>>,
    /// Messages that could not be set up or read (counted, never fatal).
    pub errors: usize,
    pub real_replies: usize,
    /// Deal moves made on their own, on any message.
    pub moves: usize,
    pub right_moves: usize,
    pub false_moves: usize,
    pub false_moves_per_100_replies: f64,
    pub moves_right: f64,
    pub reply_detection: Detection,
    pub auto_reply_detection: Detection,
    /// Per address: failed addresses marked bounced.
    pub bounce_detection: Detection,
    pub return_dates_exact: usize,
    pub return_dates_labelled: usize,
    /// Permanent auto-replies (left, retired, mailbox closed) after which the address is no
    /// longer chased.
    pub permanent_stopped: usize,
    pub permanent_labelled: usize,
    /// Other messages after which their sender was blocked.
    pub blocked_otherwise: usize,
    /// Words of the labelled own text the new-text cut kept.
    pub own_words_kept: f64,
    /// Words outside the labelled own text (quotes, signatures, footers) the cut dropped.
    pub quoted_words_dropped: f64,
    /// Labelled intent of real replies against the reader's class.
    pub intents: BTreeMap<String, BTreeMap<String, usize>>,
    pub outcomes: Vec<Outcome1>,
}

/// Reads `dir/manifest.jsonl`.
pub fn read_manifest(dir: &Path) -> Result<Vec<Label>> {
    let path = dir.join("manifest.jsonl");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut labels = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with("//") {
            continue;
        }
        let label: Label = serde_json::from_str(line)
            .with_context(|| format!("{} line {}", path.display(), n + 1))?;
        if !KINDS.contains(&label.kind.as_str()) {
            anyhow::bail!(
                "{} line {}: kind {:?} is not one of {}",
                path.display(),
                n + 1,
                label.kind,
                KINDS.join(", ")
            );
        }
        if let Some(intent) = &label.intent {
            ReplyClass::parse(intent)
                .with_context(|| format!("{} line {}", path.display(), n + 1))?;
        }
        labels.push(label);
    }
    Ok(labels)
}

/// Lower-case words, for the own-text figures.
fn words(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(w.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

fn total(w: &HashMap<String, usize>) -> usize {
    w.values().sum()
}

/// Words of `a` also in `b`, counted with multiplicity.
fn common(a: &HashMap<String, usize>, b: &HashMap<String, usize>) -> usize {
    a.iter()
        .map(|(w, n)| (*n).min(b.get(w).copied().unwrap_or(0)))
        .sum()
}

/// `a` less `b`, counted with multiplicity.
fn minus(a: &HashMap<String, usize>, b: &HashMap<String, usize>) -> HashMap<String, usize> {
    a.iter()
        .filter_map(|(w, n)| {
            let left = n.saturating_sub(b.get(w).copied().unwrap_or(0));
            (left > 0).then(|| (w.clone(), left))
        })
        .collect()
}

/// A change as a few words, and whether it moves the deal on its own.
fn change(action: &Action) -> (String, bool) {
    match action {
        Action::DoNotContact => ("do-not-contact".into(), true),
        Action::StopAddress => ("stop this address".into(), true),
        Action::HoldUntil { date } => (format!("hold until {date}"), false),
        Action::AddContact { name, .. } => (format!("add contact {name}"), true),
        Action::Close { status, .. } => (format!("close {status}"), true),
        Action::Reopen => ("reopen".into(), true),
        Action::NextStep { what, .. } => (format!("next step: {what}"), true),
        Action::NeedsRep { why } => (format!("for the rep: {why}"), false),
    }
}

/// The classes that move a deal when read confidently.
fn moving(class: ReplyClass) -> bool {
    matches!(
        class,
        ReplyClass::Revive
            | ReplyClass::Lost
            | ReplyClass::Later
            | ReplyClass::Referral
            | ReplyClass::Stop
    )
}

/// What the record shows for one message.
struct Read {
    read_as: String,
    returns_on: Option<Date>,
    bounced: Vec<String>,
    class: Option<ReplyClass>,
    confident: bool,
    changes: Vec<String>,
    moved: bool,
    new_text: String,
    /// The sender's address is blocked from further touches afterwards.
    blocked: bool,
}

const PLACEHOLDER_REP: &str = "rep@seller.example";
const DAY: i64 = 86_400;

fn address(text: &str) -> Option<EmailAddress> {
    normalise_address(text).or_else(|| EmailAddress::parse(text).ok())
}

/// Runs one message through a fresh record, as `rekindle import mail` would.
async fn run_one(label: &Label, bytes: &[u8], n: usize) -> Result<Read> {
    let headers = rekindle_ingest::parse(bytes).map_err(|e| anyhow::anyhow!(e))?;
    let at = headers
        .date
        .unwrap_or_else(|| Timestamp::from_second(1_600_000_000).unwrap_or(Timestamp::UNIX_EPOCH));
    let mut contacts: Vec<EmailAddress> =
        label.contacts.iter().filter_map(|c| address(c)).collect();
    if contacts.is_empty()
        && let Some(from) = headers.from.as_ref().and_then(|f| address(f.as_str()))
    {
        contacts.push(from);
    }
    let rep = label
        .rep
        .as_deref()
        .and_then(address)
        .filter(|r| !contacts.contains(r))
        .or_else(|| address(PLACEHOLDER_REP))
        .context("the placeholder address")?;
    let domain = contacts
        .first()
        .map(|c| c.domain().to_string())
        .unwrap_or_else(|| "unknown.example".into());

    let path =
        std::env::temp_dir().join(format!("rekindle-realmail-{}-{n}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let store = Store::open(&path).await?;
    let result = async {
        let created = Timestamp::from_second(at.as_second() - 60 * DAY)?;
        let me = Caller::local();
        record::add_deal(
            &store,
            &me,
            DealInput {
                title: format!("Evaluation: {}", label.file),
                account: domain.clone(),
                account_domain: (!is_free_mail(&domain)).then(|| domain.clone()),
                owner: "rep".into(),
                stage: "proposal".into(),
                amount: "12000 USD".into(),
                expected_close: None,
                created_at: Some(created),
            },
            created,
        )
        .await?;
        for c in &contacts {
            let name = c
                .as_str()
                .split('@')
                .next()
                .unwrap_or("contact")
                .to_string();
            record::add_contact(
                &store,
                &me,
                ContactInput {
                    account: AccountOf::Named(domain.clone()),
                    name,
                    emails: vec![c.clone()],
                    title: None,
                    role: None,
                    do_not_contact: false,
                    time_zone: None,
                },
            )
            .await?;
        }
        let mut importer = Importer::new(
            &store,
            &me,
            &[rep.as_str().to_string()],
            Timestamp::from_second(at.as_second() + DAY)?,
        )
        .await?;
        // The rep's touch: the message this one answers, else a new thread on its subject.
        let parent = headers
            .in_reply_to
            .first()
            .or(headers.references.last())
            .cloned()
            .unwrap_or_else(|| format!("<touch-{n}@seller.example>"));
        let subject = headers.subject.clone();
        let touch = Message {
            key: format!("touch-{n}"),
            message_id: Some(parent),
            in_reply_to: vec![],
            references: vec![],
            from: Some(rep.clone()),
            reply_to: vec![],
            to: contacts.clone(),
            cc: vec![],
            date: Some(Timestamp::from_second(at.as_second() - DAY)?),
            subject: subject
                .trim_start_matches(|c: char| c.is_whitespace())
                .to_string(),
            automatic_headers: vec![],
            text: "Following up on our conversation: is this still a priority for you?".into(),
            delivery_report: None,
        };
        importer.take(&touch)?;
        let touches_before = importer.summary.touches;
        // The message as the importer reads it: headers first, the body when they matter.
        let (directory, now) = importer.understanding();
        let message = rekindle_ingest::parse_filtered(bytes, &|m| directory.might_matter(m))
            .map_err(|e| anyhow::anyhow!(e))?;
        let first = read_alone(&message, &directory, now);
        let activity = match &first.disposition {
            Disposition::Activity(a) => Some(a.clone()),
            Disposition::SuggestContact { activity, .. } => activity.clone(),
            Disposition::Skip { .. } => None,
        };
        importer.take_understood(
            &message,
            FirstReading {
                disposition: first.disposition.clone(),
                reading: first.reading.clone(),
            },
        )?;
        // What the import recorded, after everything the record knew changed its mind: the
        // first reading alone would miss a list post answering the rep's thread.
        let before = touches_before;
        let summary = importer.finish()?;
        let read_as = if summary.replies > 0 {
            "reply"
        } else if summary.unprompted > 0 {
            "written before any touch"
        } else if summary.auto_replies > 0 {
            "auto_reply"
        } else if summary.bounces > 0 {
            "bounce"
        } else if summary.touches > before {
            "touch"
        } else if summary.contacts_suggested > 0 {
            "suggested contact"
        } else {
            "skipped"
        }
        .to_string();
        let blocked = match message.from.as_ref().and_then(|f| address(f.as_str())) {
            Some(from) => store.is_blocked(from.as_str()).await?,
            None => false,
        };
        let readings = store.readings(false, 10).await?;
        let reading = readings.first();
        let mut changes = Vec::new();
        let mut moved = false;
        if let Some(r) = reading {
            for c in &r.changes {
                let (what, moves) = change(&c.action);
                moved |= moves;
                changes.push(what);
            }
        }
        let confident = reading
            .and_then(|r| r.reading.get("confident"))
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        Ok::<Read, anyhow::Error>(Read {
            read_as,
            returns_on: activity.as_ref().and_then(|a| a.returns_on),
            bounced: activity
                .as_ref()
                .map(|a| a.bounced.iter().map(|b| b.as_str().to_string()).collect())
                .unwrap_or_default(),
            class: reading.map(|r| r.class),
            confident,
            changes,
            moved: moved && reading.is_some_and(|r| moving(r.class)),
            new_text: new_text(&message.text),
            blocked,
        })
    }
    .await;
    store.shutdown().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    result
}

/// Runs every labelled message in `dir` and scores the lot.
pub async fn evaluate(dir: &Path) -> Result<Report> {
    let labels = read_manifest(dir)?;
    let mut report = Report {
        dir: dir.display().to_string(),
        messages: labels.len(),
        ..Report::default()
    };
    let (mut reply_pred, mut reply_ok) = (0, 0);
    let (mut auto_pred, mut auto_ok) = (0, 0);
    let (mut bounce_labelled, mut bounce_pred, mut bounce_ok) = (0, 0, 0);
    let (mut own_total, mut own_kept, mut quoted_total, mut quoted_kept) = (0, 0, 0, 0);
    for (n, label) in labels.iter().enumerate() {
        *report.labelled.entry(label.kind.clone()).or_default() += 1;
        let is_reply = label.kind == "reply";
        if is_reply {
            report.real_replies += 1;
        }
        let failed: Vec<String> = label
            .failed
            .iter()
            .filter_map(|a| address(a).map(|a| a.as_str().to_string()))
            .collect();
        bounce_labelled += failed.len();
        if label.kind == "auto_reply" && label.returns_on.is_some() {
            report.return_dates_labelled += 1;
        }
        if label.kind == "auto_reply" && label.permanent {
            report.permanent_labelled += 1;
        }
        let path = dir.join(&label.file);
        let read = match std::fs::read(&path) {
            Ok(bytes) => run_one(label, &bytes, n).await,
            Err(e) => Err(anyhow::Error::new(e).context(format!("reading {}", path.display()))),
        };
        let read = match read {
            Ok(r) => r,
            Err(e) => {
                report.errors += 1;
                *report
                    .read_as
                    .entry(label.kind.clone())
                    .or_default()
                    .entry("error".into())
                    .or_default() += 1;
                report.outcomes.push(Outcome1 {
                    file: label.file.clone(),
                    kind: label.kind.clone(),
                    read_as: "error".into(),
                    class: None,
                    confident: false,
                    moved: false,
                    intent: label.intent.clone(),
                    changes: vec![],
                    returns_on: None,
                    bounced: vec![],
                    false_bounces: vec![],
                    missed_bounces: failed.clone(),
                    own_words_kept: None,
                    error: Some(format!("{e:#}")),
                });
                continue;
            }
        };
        *report
            .read_as
            .entry(label.kind.clone())
            .or_default()
            .entry(read.read_as.clone())
            .or_default() += 1;
        if read.read_as == "reply" {
            reply_pred += 1;
            reply_ok += usize::from(is_reply);
        }
        if read.read_as == "auto_reply" {
            auto_pred += 1;
            auto_ok += usize::from(label.kind == "auto_reply");
            if label.kind == "auto_reply" && label.returns_on.is_some() {
                report.return_dates_exact += usize::from(read.returns_on == label.returns_on);
            }
        }
        let marked: Vec<String> = read
            .bounced
            .iter()
            .filter_map(|a| address(a).map(|a| a.as_str().to_string()))
            .collect();
        bounce_pred += marked.len();
        bounce_ok += marked.iter().filter(|a| failed.contains(a)).count();
        let false_bounces: Vec<String> = marked
            .iter()
            .filter(|a| !failed.contains(a))
            .cloned()
            .collect();
        let missed_bounces: Vec<String> = failed
            .iter()
            .filter(|a| !marked.contains(a))
            .cloned()
            .collect();
        if label.kind == "auto_reply" && label.permanent {
            report.permanent_stopped += usize::from(read.blocked);
        } else if read.blocked && label.intent.as_deref() != Some("stop") {
            report.blocked_otherwise += 1;
        }
        let intent = label
            .intent
            .as_deref()
            .and_then(|i| ReplyClass::parse(i).ok());
        if read.moved {
            report.moves += 1;
            if is_reply && intent == read.class {
                report.right_moves += 1;
            } else {
                report.false_moves += 1;
            }
        }
        let mut own_share = None;
        if is_reply {
            let class = read
                .class
                .map(|c| {
                    format!(
                        "{}{}",
                        c.as_str(),
                        if read.confident { "" } else { " (uncertain)" }
                    )
                })
                .unwrap_or_else(|| format!("not read ({})", read.read_as));
            *report
                .intents
                .entry(label.intent.clone().unwrap_or_else(|| "unlabelled".into()))
                .or_default()
                .entry(class)
                .or_default() += 1;
            if let Some(own) = &label.own_text {
                let own_w = words(own);
                let got = words(&read.new_text);
                let body = match std::fs::read(&path)
                    .ok()
                    .and_then(|b| rekindle_ingest::parse(&b).ok())
                {
                    Some(m) => words(&m.text),
                    None => HashMap::new(),
                };
                own_total += total(&own_w);
                own_kept += common(&own_w, &got);
                own_share = Some(ratio(common(&own_w, &got), total(&own_w)));
                let quoted = minus(&body, &own_w);
                quoted_total += total(&quoted);
                quoted_kept += common(&minus(&got, &own_w), &quoted);
            }
        }
        report.outcomes.push(Outcome1 {
            file: label.file.clone(),
            kind: label.kind.clone(),
            read_as: read.read_as,
            class: read.class.map(|c| c.as_str().to_string()),
            confident: read.confident,
            moved: read.moved,
            intent: label.intent.clone(),
            changes: read.changes,
            returns_on: read.returns_on,
            bounced: marked,
            false_bounces,
            missed_bounces,
            own_words_kept: own_share,
            error: None,
        });
    }
    report.false_moves_per_100_replies = if report.real_replies == 0 {
        0.0
    } else {
        100.0 * report.false_moves as f64 / report.real_replies as f64
    };
    report.moves_right = ratio(report.right_moves, report.moves);
    report.reply_detection = Detection::new(report.real_replies, reply_pred, reply_ok);
    report.auto_reply_detection = Detection::new(
        report.labelled.get("auto_reply").copied().unwrap_or(0),
        auto_pred,
        auto_ok,
    );
    report.bounce_detection = Detection::new(bounce_labelled, bounce_pred, bounce_ok);
    report.own_words_kept = ratio(own_kept, own_total);
    report.quoted_words_dropped = 1.0 - ratio(quoted_kept, quoted_total);
    Ok(report)
}

fn mark(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT MET" }
}

impl Report {
    /// The human report: the false-move rate first, each figure beside its target.
    pub fn lines(&self) -> Vec<String> {
        let t = targets::DETECTION;
        let dates = ratio(self.return_dates_exact, self.return_dates_labelled);
        let mut lines = vec![
            format!(
                "real mail ({}): {} messages ({}), {} could not be read",
                self.dir,
                self.messages,
                self.labelled
                    .iter()
                    .map(|(k, n)| format!("{n} {k}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.errors
            ),
            format!(
                "  false moves: {:.1} per 100 real replies ({} of {}; target < {:.0}) {}",
                self.false_moves_per_100_replies,
                self.false_moves,
                self.real_replies,
                targets::FALSE_MOVES_PER_100,
                mark(self.false_moves_per_100_replies < targets::FALSE_MOVES_PER_100)
            ),
            format!(
                "  moves right: {:.2} ({} of {} deal moves; target >= {:.2}) {}",
                self.moves_right,
                self.right_moves,
                self.moves,
                targets::MOVES_RIGHT,
                mark(self.moves_right >= targets::MOVES_RIGHT)
            ),
            format!(
                "  reply detection: P {:.2} R {:.2} F1 {:.2} ({} of {} read as replies were; target F1 >= {:.2}) {}",
                self.reply_detection.precision,
                self.reply_detection.recall,
                self.reply_detection.f1,
                self.reply_detection.correct,
                self.reply_detection.predicted,
                targets::REPLY_F1,
                mark(self.reply_detection.f1 >= targets::REPLY_F1)
            ),
            format!(
                "  auto-replies: P {:.2} R {:.2} ({} labelled, {} detected, {} right; target >= {t:.2}) {}",
                self.auto_reply_detection.precision,
                self.auto_reply_detection.recall,
                self.auto_reply_detection.labelled,
                self.auto_reply_detection.predicted,
                self.auto_reply_detection.correct,
                mark(
                    self.auto_reply_detection.precision >= t
                        && self.auto_reply_detection.recall >= t
                )
            ),
            format!(
                "  bounces, per address: P {:.2} R {:.2} ({} failed, {} marked, {} right; target >= {t:.2}) {}",
                self.bounce_detection.precision,
                self.bounce_detection.recall,
                self.bounce_detection.labelled,
                self.bounce_detection.predicted,
                self.bounce_detection.correct,
                mark(self.bounce_detection.precision >= t && self.bounce_detection.recall >= t)
            ),
            format!(
                "  return dates exact: {} of {} (target 9 of 10) {}",
                self.return_dates_exact,
                self.return_dates_labelled,
                mark(dates >= targets::RETURN_DATES)
            ),
            format!(
                "  permanent auto-replies that stop the chasing: {} of {}; other senders blocked: {}",
                self.permanent_stopped, self.permanent_labelled, self.blocked_otherwise
            ),
            format!(
                "  new text: {:.2} of the reply's own words kept, {:.2} of quoted words dropped",
                self.own_words_kept, self.quoted_words_dropped
            ),
        ];
        for (kind, read) in &self.read_as {
            lines.push(format!(
                "  labelled {kind}: read as {}",
                read.iter()
                    .map(|(r, n)| format!("{r} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for (intent, read) in &self.intents {
            lines.push(format!(
                "  replies meaning {intent}: read as {}",
                read.iter()
                    .map(|(r, n)| format!("{r} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for o in &self.outcomes {
            let wrong_move = o.moved && (o.kind != "reply" || o.intent != o.class);
            if wrong_move {
                lines.push(format!(
                    "  false move: {} ({}{}) read as {}: {}",
                    o.file,
                    o.kind,
                    o.intent
                        .as_deref()
                        .map(|i| format!(", means {i}"))
                        .unwrap_or_default(),
                    o.class.as_deref().unwrap_or("?"),
                    o.changes.join("; ")
                ));
            }
            for a in &o.false_bounces {
                lines.push(format!(
                    "  false bounce: {} ({}): {a} marked bounced, not labelled failed",
                    o.file, o.kind
                ));
            }
            for a in &o.missed_bounces {
                lines.push(format!(
                    "  missed bounce: {} ({}): {a} labelled failed, not marked bounced",
                    o.file, o.kind
                ));
            }
            if let Some(e) = &o.error {
                lines.push(format!("  not read: {}: {e}", o.file));
            }
        }
        lines
    }
}

/// The evaluation of `dir`, or of the committed set when none is given and it is there.
pub async fn run(_g: &Global, dir: Option<&Path>) -> Result<Option<Report>> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => {
            let d = default_dir();
            if !d.join("manifest.jsonl").exists() {
                return Ok(None);
            }
            d
        }
    };
    evaluate(&dir).await.map(Some)
}
