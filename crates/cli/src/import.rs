//! `rekindle import mail` and `rekindle import calendar`: the files read (two threads: the
//! reader parses, `rekindle_app::capture::Importer` records), the progress bar, the report.

use crate::args::Global;
use crate::output::{now, open, report};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rekindle_app::Caller;
pub use rekindle_app::capture::{FirstReading, Importer, Summary, read_alone};
use rekindle_core::mail::Message;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// An import's report for people: one line of counts, then what was passed over.
pub fn summary_lines(summary: &Summary) -> Vec<String> {
    {
        let mb = summary.bytes as f64 / 1e6;
        let mut lines = Vec::new();
        let events = || {
            format!(
                "Read {} calendar events: {} meetings ahead booked or moved, {} meetings held, {} cancelled, {} declined ({} booked steps taken away)",
                summary.occurrences,
                summary.meetings_booked,
                summary.meetings_held,
                summary.meetings_cancelled,
                summary.invitations_declined,
                summary.steps_cancelled
            )
        };
        if summary.calendar {
            lines.push(format!(
                "{}; {} new contacts suggested; {} already imported",
                events(),
                summary.contacts_suggested,
                summary.already_imported
            ));
        } else {
            lines.push(format!(
            "Read {} messages ({mb:.1} MB in {:.1} s, {:.1} MB/s), {} about deals: {} touches, {} replies, {} written before any touch, {} auto-replies, {} bounces added; {} new contacts suggested; {} already imported",
            summary.read,
            summary.seconds,
            if summary.seconds > 0.0 {
                mb / summary.seconds
            } else {
                0.0
            },
            summary.matched,
            summary.touches,
            summary.replies,
            summary.unprompted,
            summary.auto_replies,
            summary.bounces,
            summary.contacts_suggested,
            summary.already_imported
            ));
            if summary.occurrences > 0 {
                lines.push(events());
            }
        }
        if !summary.replies_read.is_empty() {
            let read: Vec<String> = summary
                .replies_read
                .iter()
                .map(|(class, n)| format!("{n} {class}"))
                .collect();
            lines.push(format!("  replies read: {}", read.join(", ")));
        }
        for (deal, on) in &summary.look_again {
            lines.push(format!(
                "  {deal}: look again on {on}, no touch before then"
            ));
        }
        let what = if summary.calendar {
            "events"
        } else {
            "messages"
        };
        for (reason, n) in &summary.not_matched {
            lines.push(format!("  {n} {what} not matched: {reason}"));
        }
        if summary.files_not_mail > 0 {
            lines.push(format!(
                "  {} files passed over: not mail",
                summary.files_not_mail
            ));
        }
        for (origin, reason) in &summary.skipped {
            lines.push(format!("  skipped {origin}: {reason}"));
        }
        lines
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

/// Refuses an import before it changes anything (the messages, the remembered addresses)
/// when one of its paths cannot be read or holds nothing to import, naming that path: an
/// import of several paths is all or nothing.
fn check_paths(
    paths: &[PathBuf],
    check: impl Fn(&std::path::Path) -> Result<(), rekindle_ingest::IngestError>,
) -> Result<()> {
    for path in paths {
        check(path).map_err(|e| anyhow::anyhow!("{e}; nothing was imported"))?;
    }
    Ok(())
}

/// What an import that failed mid-way kept: the paths read in full, and the messages of the
/// failing path recorded before the failure, with the addresses given with `--me` (they were
/// read with them). A new import of the same paths adds none of them twice.
fn kept(done: &[String], durable_in_failing_path: usize, gave_addresses: bool) -> String {
    let failing = match durable_in_failing_path {
        0 => "nothing from the path that failed".to_string(),
        1 => "the first message read from the path that failed".to_string(),
        n => format!("the first {n} messages read from the path that failed"),
    };
    let addresses = if gave_addresses {
        ", and the addresses given with --me"
    } else {
        ""
    };
    if done.is_empty() && durable_in_failing_path == 0 {
        "the import stopped and changed nothing".into()
    } else if done.is_empty() {
        format!(
            "the import stopped; kept: {failing}{addresses} (importing again adds nothing twice)"
        )
    } else {
        format!(
            "the import stopped; kept: everything from {}, {failing}{addresses} (importing again adds nothing twice)",
            done.join(", ")
        )
    }
}

pub async fn mail(g: &Global, paths: &[PathBuf], me: &[String]) -> Result<ExitCode> {
    check_paths(paths, |p| rekindle_ingest::check(p).map(drop))?;
    let store = open(g).await?;
    let mut importer = Importer::new(&store, &Caller::local(), me, now(g)?).await?;
    let total: u64 = paths.iter().map(|p| rekindle_ingest::source_bytes(p)).sum();
    let bar = progress(g, Some(total));
    let paths = paths.to_vec();
    // Two threads: the reader parses, the importer records; a short queue between them keeps
    // memory to a few messages.
    let (importer, bytes) = tokio::task::spawn_blocking(move || -> Result<(Importer, u64)> {
        let bytes_read = AtomicU64::new(0);
        // What is durable if a path fails mid-way: the paths read in full (each committed at
        // its end), and of the failing one, the messages read up to the last commit.
        let mut done: Vec<String> = Vec::new();
        let mut durable_in_path = 0usize;
        let gave = importer.gave_addresses();
        let mut read_all = || -> Result<()> {
            for (index, path) in paths.iter().enumerate() {
                let read_before = importer.summary.read;
                durable_in_path = 0;
                let durable = &mut durable_in_path;
                let (sender, receiver) =
                    std::sync::mpsc::sync_channel::<(Message, FirstReading)>(64);
                let (directory, now) = importer.understanding();
                let read = std::thread::scope(|scope| -> Result<_> {
                    let counter = &bytes_read;
                    // The sender moves to the reader: the queue ends when the reading does.
                    let reader = std::thread::Builder::new()
                        .name("mail reader".into())
                        .spawn_scoped(scope, move || {
                            // Parsed and understood here, recorded there: the work splits across
                            // both cores.
                            // A message whose headers concern no one is not decoded further.
                            let wanted = |m: &Message| directory.might_matter(m);
                            rekindle_ingest::read_filtered(path, counter, &wanted, |m| {
                                let first = read_alone(&m, &directory, now);
                                drop(sender.send((m, first)))
                            })
                        })?;
                    for (message, first) in receiver {
                        let commits = importer.writer.commits();
                        importer.take_understood(&message, first).with_context(|| {
                            format!("recording {} from {}", message.key, path.display())
                        })?;
                        if importer.writer.commits() != commits {
                            *durable = importer.summary.read - read_before;
                        }
                        if importer.summary.read % 256 == 0 {
                            bar.set_position(bytes_read.load(Ordering::Relaxed));
                            bar.set_message(format!("{} messages", importer.summary.read));
                        }
                    }
                    reader
                        .join()
                        .map_err(|_| anyhow::anyhow!("the reader of {} failed", path.display()))?
                        .with_context(|| format!("reading {}", path.display()))
                })?;
                importer.skipped(read.skipped);
                importer.summary.files_not_mail += read.not_mail;
                if index + 1 < paths.len() {
                    importer.writer.commit()?;
                    done.push(path.display().to_string());
                }
            }
            // The last path, the addresses given and the last batch: one transaction.
            importer.complete()?;
            Ok(())
        };
        if let Err(e) = read_all() {
            return Err(e.context(kept(&done, durable_in_path, gave)));
        }
        bar.finish_and_clear();
        Ok((importer, bytes_read.load(Ordering::Relaxed)))
    })
    .await??;
    let mut summary = importer.finish()?;
    summary.bytes = bytes;
    report(g, &summary, || summary_lines(&summary).join("\n"))?;
    Ok(ExitCode::SUCCESS)
}

pub async fn calendar(g: &Global, paths: &[PathBuf], me: &[String]) -> Result<ExitCode> {
    check_paths(paths, rekindle_ingest::calendar::check)?;
    let store = open(g).await?;
    let mut importer = Importer::new(&store, &Caller::local(), me, now(g)?).await?;
    importer.summary.calendar = true;
    let window = importer.window();
    let paths = paths.to_vec();
    // Each occurrence is recorded as it is read: memory follows one event, not the file.
    let importer = tokio::task::spawn_blocking(move || -> Result<Importer> {
        for path in &paths {
            let mut failed = None;
            let read = rekindle_ingest::calendar::read_ics_each(path, window, |occurrence| {
                if failed.is_none()
                    && let Err(e) = importer.take_occurrence(&occurrence)
                {
                    failed = Some(anyhow::Error::new(e).context(format!(
                        "recording {} from {}",
                        occurrence.key,
                        path.display()
                    )));
                }
            })
            .with_context(|| format!("reading {}", path.display()))?;
            if let Some(e) = failed {
                return Err(e);
            }
            importer.skipped(read.skipped);
        }
        Ok(importer)
    })
    .await??;
    let summary = importer.finish()?;
    report(g, &summary, || summary_lines(&summary).join("\n"))?;
    Ok(ExitCode::SUCCESS)
}
