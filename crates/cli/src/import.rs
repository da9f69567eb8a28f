//! Capturing activity from the rep's mail: `rekindle import mail` (files) and the shared
//! importer that `rekindle sync imap` feeds too.

use crate::args::Global;
use crate::output::{now, open, report};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use rekindle_core::calendar::{
    EventDisposition, MeetingChange, Occurrence, meeting_change, understand_event,
};
use rekindle_core::mail::{Directory, Disposition, Message, understand};
use rekindle_core::{DealRecord, EmailAddress, Outcome};
use rekindle_ingest::Skipped;
use rekindle_ingest::calendar::Window;
use rekindle_store::{CaptureWriter, MailOutcome, Store};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What an import did.
#[derive(Default, Serialize)]
pub struct Summary {
    pub read: usize,
    pub bytes: u64,
    pub seconds: f64,
    pub touches: usize,
    pub replies: usize,
    pub auto_replies: usize,
    pub bounces: usize,
    pub contacts_suggested: usize,
    pub already_imported: usize,
    /// Calendar occurrences read, and what they made of the deals.
    pub occurrences: usize,
    pub meetings_booked: usize,
    pub meetings_held: usize,
    pub meetings_cancelled: usize,
    /// Messages that mean nothing for the record, by reason.
    pub not_matched: BTreeMap<&'static str, usize>,
    /// Messages that could not be read, with their file (or folder) and position.
    pub skipped: Vec<(String, String)>,
}

impl Summary {
    /// The human report: one line of counts, then what was passed over.
    pub fn lines(&self) -> Vec<String> {
        let mb = self.bytes as f64 / 1e6;
        let mut lines = Vec::new();
        if self.occurrences > 0 && self.read == 0 {
            lines.push(format!(
                "Read {} calendar occurrences: {} next steps booked or moved, {} meetings held, {} cancelled; {} new contacts suggested; {} already imported",
                self.occurrences,
                self.meetings_booked,
                self.meetings_held,
                self.meetings_cancelled,
                self.contacts_suggested,
                self.already_imported
            ));
        } else {
            lines.push(format!(
            "Read {} messages ({mb:.1} MB in {:.1} s, {:.1} MB/s): {} touches, {} replies, {} auto-replies, {} bounces added; {} new contacts suggested; {} already imported",
            self.read,
            self.seconds,
            if self.seconds > 0.0 {
                mb / self.seconds
            } else {
                0.0
            },
            self.touches,
            self.replies,
            self.auto_replies,
            self.bounces,
            self.contacts_suggested,
            self.already_imported
            ));
        }
        if self.occurrences > 0 && self.read > 0 {
            lines.push(format!(
                "Read {} calendar occurrences: {} next steps booked or moved, {} meetings held, {} cancelled",
                self.occurrences, self.meetings_booked, self.meetings_held, self.meetings_cancelled
            ));
        }
        for (reason, n) in &self.not_matched {
            lines.push(format!("  {n} not matched: {reason}"));
        }
        for (origin, reason) in &self.skipped {
            lines.push(format!("  skipped {origin}: {reason}"));
        }
        lines
    }
}

/// The rep's addresses: given now (and remembered), or remembered from before.
async fn my_addresses(store: &Store, given: &[String]) -> Result<Vec<EmailAddress>> {
    if !given.is_empty() {
        let parsed = given
            .iter()
            .map(|a| EmailAddress::parse(a))
            .collect::<Result<Vec<_>, _>>()?;
        store.set_rep_addresses(&parsed).await?;
        return Ok(parsed);
    }
    let known = store.rep_addresses().await?;
    if known.is_empty() {
        bail!("say which addresses are yours, once: --me you@company.com");
    }
    Ok(known)
}

/// Turns messages into the record: who wrote to whom, replies, auto-replies, bounces, new
/// people at known accounts. Each message is taken once, whatever the source.
pub struct Importer {
    pub writer: CaptureWriter,
    directory: Directory,
    now: jiff::Timestamp,
    started: Instant,
    pub summary: Summary,
}

impl Importer {
    pub async fn new(store: &Store, g: &Global, me: &[String]) -> Result<Importer> {
        let now = now(g)?;
        let me = my_addresses(store, me).await?;
        // Built account by account as the pipeline streams in: never the whole pipeline in
        // memory.
        let parts = store
            .map_accounts(
                false,
                Arc::new(move |group: Vec<DealRecord>| Directory::new(&me, &group)),
            )
            .await?;
        Ok(Importer {
            writer: store.capture_writer().await?,
            directory: Directory::merge(parts),
            now,
            started: Instant::now(),
            summary: Summary::default(),
        })
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.now
    }

    pub fn skipped(&mut self, skipped: impl IntoIterator<Item = Skipped>) {
        self.summary
            .skipped
            .extend(skipped.into_iter().map(|s| (s.origin, s.reason)));
    }

    pub async fn take(&mut self, message: &Message) -> Result<()> {
        self.summary.read += 1;
        let summary = &mut self.summary;
        let writer = &mut self.writer;
        if writer.imported(&message.key).await? {
            summary.already_imported += 1;
            return Ok(());
        }
        let thread_ids: Vec<String> = message
            .in_reply_to
            .iter()
            .chain(message.references.iter().rev())
            .cloned()
            .collect();
        let thread = writer.thread_deal(&thread_ids).await?;
        match understand(message, &self.directory, thread, self.now) {
            Disposition::Activity(activity) => {
                let recorded = writer
                    .record(
                        &message.key,
                        message.message_id.as_deref(),
                        &activity,
                        self.now,
                    )
                    .await?;
                if recorded == MailOutcome::AlreadyImported {
                    summary.already_imported += 1;
                    return Ok(());
                }
                match activity.outcome {
                    Outcome::Sent => summary.touches += 1,
                    Outcome::AutoReply => summary.auto_replies += 1,
                    Outcome::Bounced => summary.bounces += 1,
                    _ => summary.replies += 1,
                }
            }
            Disposition::SuggestContact {
                account,
                address,
                deal,
            } => {
                if writer
                    .suggest_contact(&account, &address, deal, message.date.unwrap_or(self.now))
                    .await?
                {
                    summary.contacts_suggested += 1;
                }
            }
            // Not recorded: once the sender becomes a contact, a re-import picks it up.
            Disposition::Skip { reason } => *summary.not_matched.entry(reason).or_default() += 1,
        }
        Ok(())
    }

    /// Takes a calendar occurrence: a booked next step, a meeting held or a cancellation, once
    /// per version of the event.
    pub async fn take_occurrence(&mut self, occurrence: &Occurrence) -> Result<()> {
        self.summary.occurrences += 1;
        match understand_event(occurrence, &self.directory, self.now) {
            EventDisposition::Meeting(meeting) => {
                let seen = self.writer.meeting_seen(&occurrence.key).await?;
                let change = meeting_change(seen, &meeting, occurrence.sequence);
                self.writer
                    .record_meeting(
                        &occurrence.key,
                        occurrence.sequence,
                        &meeting,
                        seen,
                        change,
                        self.now,
                    )
                    .await?;
                match change {
                    MeetingChange::None => self.summary.already_imported += 1,
                    MeetingChange::Book => self.summary.meetings_booked += 1,
                    MeetingChange::Hold => self.summary.meetings_held += 1,
                    MeetingChange::Cancel => self.summary.meetings_cancelled += 1,
                }
            }
            EventDisposition::SuggestContact {
                account,
                address,
                deal,
            } => {
                if self
                    .writer
                    .suggest_contact(&account, &address, deal, occurrence.start.min(self.now))
                    .await?
                {
                    self.summary.contacts_suggested += 1;
                }
            }
            EventDisposition::Skip { reason } => {
                *self.summary.not_matched.entry(reason).or_default() += 1
            }
        }
        Ok(())
    }

    /// Recurring events are expanded from a year back to half a year ahead.
    pub fn window(&self) -> Window {
        let day = 86_400;
        Window {
            from: Timestamp::from_second(self.now.as_second() - 365 * day).unwrap_or(self.now),
            to: Timestamp::from_second(self.now.as_second() + 183 * day).unwrap_or(self.now),
        }
    }

    /// Makes the import durable and says what it did.
    pub async fn finish(mut self) -> Result<Summary> {
        self.writer.commit().await?;
        self.summary.seconds = self.started.elapsed().as_secs_f64();
        Ok(self.summary)
    }
}

/// A progress bar on the terminal (never in `--json` output or a pipe): bytes and rate when
/// the size is known, messages otherwise.
pub fn progress(g: &Global, total_bytes: Option<u64>) -> ProgressBar {
    if g.json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total_bytes {
        Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(
                ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
                )
                .expect("a valid template"),
            ),
        None => ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} messages {per_sec} {msg}")
                .expect("a valid template"),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

pub async fn mail(g: &Global, paths: &[PathBuf], me: &[String]) -> Result<ExitCode> {
    let store = open(g).await?;
    let mut importer = Importer::new(&store, g, me).await?;
    let total: u64 = paths.iter().map(|p| rekindle_ingest::source_bytes(p)).sum();
    let bar = progress(g, Some(total));
    let bytes_read = Arc::new(AtomicU64::new(0));
    for path in paths {
        // The reader runs on its own thread; a short queue keeps memory to a few messages.
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Message>(64);
        let source = path.clone();
        let counter = bytes_read.clone();
        let reader = tokio::task::spawn_blocking(move || {
            rekindle_ingest::read_counting(&source, &counter, |m| drop(sender.blocking_send(m)))
        });
        while let Some(message) = receiver.recv().await {
            importer
                .take(&message)
                .await
                .with_context(|| format!("recording {} from {}", message.key, path.display()))?;
            if importer.summary.read % 256 == 0 {
                bar.set_position(bytes_read.load(Ordering::Relaxed));
                bar.set_message(format!("{} messages", importer.summary.read));
            }
        }
        let read = reader
            .await?
            .with_context(|| format!("reading {}", path.display()))?;
        importer.skipped(read.skipped);
    }
    bar.finish_and_clear();
    let mut summary = importer.finish().await?;
    summary.bytes = bytes_read.load(Ordering::Relaxed);
    report(g, &summary, || summary.lines().join("\n"))?;
    Ok(ExitCode::SUCCESS)
}

pub async fn calendar(g: &Global, paths: &[PathBuf], me: &[String]) -> Result<ExitCode> {
    let store = open(g).await?;
    let mut importer = Importer::new(&store, g, me).await?;
    let window = importer.window();
    for path in paths {
        let source = path.clone();
        let read = tokio::task::spawn_blocking(move || {
            rekindle_ingest::calendar::read_ics(&source, window)
        })
        .await?
        .with_context(|| format!("reading {}", path.display()))?;
        for occurrence in &read.occurrences {
            importer
                .take_occurrence(occurrence)
                .await
                .with_context(|| format!("recording {} from {}", occurrence.key, path.display()))?;
        }
        importer.skipped(read.skipped);
    }
    let summary = importer.finish().await?;
    report(g, &summary, || summary.lines().join("\n"))?;
    Ok(ExitCode::SUCCESS)
}
