//! `rekindle import mail`: activity captured from the rep's own mail files.

use crate::args::Global;
use crate::output::{now, open, report};
use anyhow::{Context, Result, bail};
use rekindle_core::mail::{Directory, Disposition, Message, understand};
use rekindle_core::{DealRecord, EmailAddress, Outcome};
use rekindle_store::{MailOutcome, Store};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// What an import did.
#[derive(Default, Serialize)]
struct Summary {
    read: usize,
    touches: usize,
    replies: usize,
    auto_replies: usize,
    bounces: usize,
    contacts_suggested: usize,
    already_imported: usize,
    /// Messages that mean nothing for the record, by reason.
    not_matched: BTreeMap<&'static str, usize>,
    /// Messages that could not be read, with their file and position.
    skipped: Vec<(String, String)>,
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

pub async fn mail(g: &Global, paths: &[PathBuf], me: &[String]) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    let me = my_addresses(&store, me).await?;
    // Built account by account as the pipeline streams in: never the whole pipeline in memory.
    let mine = me.clone();
    let parts = store
        .map_accounts(
            false,
            Arc::new(move |group: Vec<DealRecord>| Directory::new(&mine, &group)),
        )
        .await?;
    let directory = Directory::merge(parts);
    let mut summary = Summary::default();
    for path in paths {
        // The reader runs on its own thread; a short queue keeps memory to a few messages.
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Message>(64);
        let source = path.clone();
        let reader = tokio::task::spawn_blocking(move || {
            rekindle_ingest::read(&source, |m| drop(sender.blocking_send(m)))
        });
        while let Some(message) = receiver.recv().await {
            summary.read += 1;
            take(&store, &directory, &message, now, &mut summary)
                .await
                .with_context(|| format!("recording {} from {}", message.key, path.display()))?;
        }
        let read = reader
            .await?
            .with_context(|| format!("reading {}", path.display()))?;
        summary
            .skipped
            .extend(read.skipped.into_iter().map(|s| (s.origin, s.reason)));
    }
    report(g, &summary, || {
        let mut lines = vec![format!(
            "Read {} messages: {} touches, {} replies, {} auto-replies, {} bounces added; {} new contacts suggested; {} already imported",
            summary.read,
            summary.touches,
            summary.replies,
            summary.auto_replies,
            summary.bounces,
            summary.contacts_suggested,
            summary.already_imported
        )];
        for (reason, n) in &summary.not_matched {
            lines.push(format!("  {n} not matched: {reason}"));
        }
        for (origin, reason) in &summary.skipped {
            lines.push(format!("  skipped {origin}: {reason}"));
        }
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn take(
    store: &Store,
    directory: &Directory,
    message: &Message,
    now: jiff::Timestamp,
    summary: &mut Summary,
) -> Result<()> {
    if store.mail_imported(&message.key).await? {
        summary.already_imported += 1;
        return Ok(());
    }
    let thread_ids: Vec<String> = message
        .in_reply_to
        .iter()
        .chain(message.references.iter().rev())
        .cloned()
        .collect();
    let thread = store.thread_deal(&thread_ids).await?;
    match understand(message, directory, thread, now) {
        Disposition::Activity(activity) => {
            if store
                .record_mail(&message.key, message.message_id.as_deref(), &activity, now)
                .await?
                == MailOutcome::AlreadyImported
            {
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
            if store
                .suggest_contact(&account, &address, deal, message.date.unwrap_or(now))
                .await?
            {
                summary.contacts_suggested += 1;
            }
        }
        // Not recorded: once the sender becomes a contact, a re-import picks the message up.
        Disposition::Skip { reason } => *summary.not_matched.entry(reason).or_default() += 1,
    }
    Ok(())
}
