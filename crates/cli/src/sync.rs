//! `rekindle sync imap` and `rekindle sync caldav`: the rep's mailbox and calendars on servers,
//! read again and again, adding only what is new.

use crate::args::{CaldavArgs, Global, ImapArgs, ImapSecurity, PasswordArgs};
use crate::import::{Importer, Summary, progress, summary_lines};
use crate::output::{open, report};
use anyhow::{Context, Result, bail};
use rekindle_app::Caller;
use rekindle_ingest::caldav::{CalDav, CalDavServer};
use rekindle_ingest::imap::{Mailbox, Position, Security, Server};
use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use std::process::ExitCode;

/// What is remembered between syncs: everything but the password.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ImapSettings {
    server: Server,
    sent: Option<String>,
}

/// The settings for this run: the flags given over what was remembered.
fn settings(args: &ImapArgs, known: Option<ImapSettings>) -> Result<ImapSettings> {
    let security = match args.security {
        Some(ImapSecurity::Tls) => Some(Security::Tls),
        Some(ImapSecurity::Starttls) => Some(Security::Starttls),
        Some(ImapSecurity::Plain) => Some(Security::Plain),
        None => None,
    };
    let (host, user) = match (&args.host, &args.user, &known) {
        (Some(h), Some(u), _) => (h.clone(), u.clone()),
        (h, u, Some(k)) => (
            h.clone().unwrap_or_else(|| k.server.host.clone()),
            u.clone().unwrap_or_else(|| k.server.user.clone()),
        ),
        _ => bail!("first sync: say where the mailbox is, with --host and --user"),
    };
    let security = security
        .or(known.as_ref().map(|k| k.server.security))
        .unwrap_or(Security::Tls);
    let same_server = known.as_ref().is_some_and(|k| k.server.host == host);
    let port = args
        .port
        .or(known
            .as_ref()
            .filter(|k| same_server && k.server.security == security)
            .map(|k| k.server.port))
        .unwrap_or(security.default_port());
    Ok(ImapSettings {
        server: Server {
            host,
            port,
            security,
            user,
            ca_file: args
                .ca_file
                .clone()
                .or(known.as_ref().and_then(|k| k.server.ca_file.clone())),
        },
        sent: args
            .sent
            .clone()
            .or(known.as_ref().and_then(|k| k.sent.clone())),
    })
}

/// The password, from where the flags say; a prompt on a terminal otherwise. Never stored.
pub(crate) fn password(args: &PasswordArgs, account: &str) -> Result<String> {
    if let Some(var) = &args.password_env {
        return std::env::var(var).with_context(|| format!("--password-env: ${var} is not set"));
    }
    if let Some(path) = &args.password_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("--password-file {}", path.display()))?;
        let line = text.lines().next().unwrap_or("");
        if line.is_empty() {
            bail!(
                "--password-file {}: the first line is empty",
                path.display()
            );
        }
        return Ok(line.to_string());
    }
    if !std::io::stdin().is_terminal() {
        bail!("no password: give --password-env VAR or --password-file FILE");
    }
    Ok(rpassword::prompt_password(format!(
        "Password for {account}: "
    ))?)
}

/// What a folder gave in this sync.
#[derive(Serialize)]
struct FolderSummary {
    folder: String,
    uid_validity: u32,
    new_messages: usize,
    renumbered: bool,
}

#[derive(Serialize)]
struct SyncSummary {
    account: String,
    folders: Vec<FolderSummary>,
    #[serde(flatten)]
    import: Summary,
}

/// Messages fetched per round trip, and about how many bytes: memory stays small whatever the
/// mailbox holds (a larger message comes alone).
const FETCH_BATCH: usize = 50;
const FETCH_BYTES: u64 = 16 << 20;

pub async fn imap(g: &Global, args: ImapArgs) -> Result<ExitCode> {
    let store = open(g).await?;
    let settings = settings(&args, store.setting("imap").await?)?;
    let server = &settings.server;
    let password = password(&args.password, &server.account())?;
    let mut mailbox = Mailbox::connect(server, &password).await?;
    drop(password);
    store.set_setting("imap", &settings).await?;
    let sent = match &settings.sent {
        Some(named) => Some(named.clone()),
        None => mailbox.sent_folder().await?,
    };
    let mut importer =
        Importer::new(&store, &Caller::local(), &args.me, crate::output::now(g)?).await?;
    let account = server.account();
    // Sent first: a reply then finds the touch it answers already in the record.
    let folders: Vec<String> = sent.into_iter().chain(["INBOX".to_string()]).collect();
    let bar = progress(g.json, None);
    // Only messages whose headers may concern the record are fetched whole.
    let (directory, _) = importer.understanding();
    let wanted = |m: &rekindle_core::mail::Message| directory.might_matter(m);
    let mut summaries = Vec::new();
    let mut bytes = 0;
    for folder in &folders {
        let known =
            store
                .folder_position(&account, folder)
                .await?
                .map(|(uid_validity, last_uid)| Position {
                    uid_validity,
                    last_uid,
                });
        let opened = mailbox.open(folder, known).await?;
        bar.inc_length(opened.new_uids.len() as u64);
        bar.set_message(folder.clone());
        let mut position = (opened.uid_validity, known.map_or(0, |k| k.last_uid));
        if opened.renumbered {
            position.1 = 0;
        }
        for uids in Mailbox::batches(&opened, FETCH_BATCH, FETCH_BYTES) {
            let batch = mailbox.fetch(folder, uids, &wanted).await?;
            bytes += batch.bytes;
            position.1 = batch.last_uid;
            // Recording is quick local disk work: done in place, between fetches.
            tokio::task::block_in_place(|| -> Result<()> {
                for message in &batch.messages {
                    importer.take(message).with_context(|| {
                        format!("recording {} from {account}/{folder}", message.key)
                    })?;
                }
                importer.skipped(batch.skipped);
                let now = importer.now();
                importer
                    .writer
                    .set_folder_position(&account, folder, position, now)?;
                // Committed before the next fetch: the database is never locked while the
                // network is waited on.
                Ok(importer.writer.commit()?)
            })?;
            bar.inc(uids.len() as u64);
        }
        if opened.new_uids.is_empty() {
            let now = importer.now();
            importer
                .writer
                .set_folder_position(&account, folder, position, now)?;
        }
        summaries.push(FolderSummary {
            folder: folder.clone(),
            uid_validity: opened.uid_validity,
            new_messages: opened.new_uids.len(),
            renumbered: opened.renumbered,
        });
    }
    bar.finish_and_clear();
    mailbox.close().await;
    let mut import = importer.finish()?;
    import.bytes = bytes;
    let summary = SyncSummary {
        account,
        folders: summaries,
        import,
    };
    report(g, &summary, || {
        let mut lines: Vec<String> = summary
            .folders
            .iter()
            .map(|f| {
                format!(
                    "{}/{}: {} new{}",
                    summary.account,
                    f.folder,
                    f.new_messages,
                    if f.renumbered {
                        " (the server renumbered the folder: read again from the start)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        lines.extend(summary_lines(&summary.import));
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct CaldavSummary {
    calendars: Vec<String>,
    #[serde(flatten)]
    import: Summary,
}

pub async fn caldav(g: &Global, args: CaldavArgs) -> Result<ExitCode> {
    let store = open(g).await?;
    let known: Option<CalDavServer> = store.setting("caldav").await?;
    let (url, user) = match (&args.url, &args.user, &known) {
        (Some(u), Some(n), _) => (u.clone(), n.clone()),
        (u, n, Some(k)) => (
            u.clone().unwrap_or_else(|| k.url.clone()),
            n.clone().unwrap_or_else(|| k.user.clone()),
        ),
        _ => bail!("first sync: say where the calendars are, with --url and --user"),
    };
    let server = CalDavServer {
        url,
        user,
        ca_file: args
            .ca_file
            .clone()
            .or(known.as_ref().and_then(|k| k.ca_file.clone())),
    };
    let password = password(
        &args.password,
        &format!("{} at {}", server.user, server.url),
    )?;
    let mut importer =
        Importer::new(&store, &Caller::local(), &args.me, crate::output::now(g)?).await?;
    importer.summary.calendar = true;
    let window = importer.window();
    let client = CalDav::new(&server, &password)?;
    drop(password);
    let (client, calendars) = tokio::task::spawn_blocking(move || {
        let calendars = client.calendars();
        (client, calendars)
    })
    .await?;
    let calendars = calendars?;
    store.set_setting("caldav", &server).await?;
    for calendar in &calendars {
        // Each occurrence is recorded as its response arrives: memory follows one event.
        let read = tokio::task::block_in_place(|| -> Result<_> {
            let mut failed = None;
            let read = client.events_each(calendar, window, |occurrence| {
                if failed.is_none()
                    && let Err(e) = importer.take_occurrence(&occurrence)
                {
                    failed = Some(
                        anyhow::Error::new(e)
                            .context(format!("recording {} from {calendar}", occurrence.key)),
                    );
                }
            })?;
            if let Some(e) = failed {
                return Err(e);
            }
            importer.writer.commit()?;
            Ok(read)
        })?;
        importer.skipped(read.skipped);
    }
    let summary = CaldavSummary {
        calendars,
        import: importer.finish()?,
    };
    report(g, &summary, || {
        let mut lines = vec![format!("Calendars: {}", summary.calendars.join(", "))];
        lines.extend(summary_lines(&summary.import));
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}
