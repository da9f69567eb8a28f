//! Syncing the rep's mailbox (IMAP) and calendars (CalDAV): read again and again through
//! `rekindle-ingest`, adding only what is new, into the [`Importer`]. The settings are
//! remembered between runs, never the password: it comes from the caller, asked only once a
//! server is known.

use crate::capture::{Importer, Progress, Summary};
use crate::{AppError, Caller, Input};
use jiff::Timestamp;
use rekindle_core::mail::Message;
use rekindle_ingest::caldav::{CalDav, CalDavServer};
use rekindle_ingest::imap::{Mailbox, Position, Security, Server};
use rekindle_store::Store;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Messages fetched per round trip, and about how many bytes: memory stays small whatever the
/// mailbox holds (a larger message comes alone).
const FETCH_BATCH: usize = 50;
const FETCH_BYTES: u64 = 16 << 20;

/// What is remembered between syncs: everything but the password.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ImapSettings {
    server: Server,
    sent: Option<String>,
}

/// Where the mailbox is, as given for this run; what is left out is taken from the last run.
#[derive(Clone, Debug, Default)]
pub struct ImapRequest {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub user: Option<String>,
    pub ca_file: Option<PathBuf>,
    /// The sent folder (default: the one the server marks \Sent).
    pub sent: Option<String>,
    /// The rep's addresses (default: those remembered).
    pub me: Vec<String>,
}

/// The settings for this run: those given over those remembered.
fn settings(req: &ImapRequest, known: Option<ImapSettings>) -> Result<ImapSettings, AppError> {
    let (host, user) = match (&req.host, &req.user, &known) {
        (Some(h), Some(u), _) => (h.clone(), u.clone()),
        (h, u, Some(k)) => (
            h.clone().unwrap_or_else(|| k.server.host.clone()),
            u.clone().unwrap_or_else(|| k.server.user.clone()),
        ),
        _ => {
            return Err(AppError::Unfit(
                "first sync: say where the mailbox is: its server and user".into(),
            )
            .about(Input::Mailbox));
        }
    };
    let security = req
        .security
        .or(known.as_ref().map(|k| k.server.security))
        .unwrap_or(Security::Tls);
    let same_server = known.as_ref().is_some_and(|k| k.server.host == host);
    let port = req
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
            ca_file: req
                .ca_file
                .clone()
                .or(known.as_ref().and_then(|k| k.server.ca_file.clone())),
        },
        sent: req
            .sent
            .clone()
            .or(known.as_ref().and_then(|k| k.sent.clone())),
    })
}

/// What a folder gave in this sync.
#[derive(Serialize)]
pub struct FolderSummary {
    pub folder: String,
    pub uid_validity: u32,
    pub new_messages: usize,
    /// The server renumbered the folder (a new UIDVALIDITY): it was read again from the start.
    pub renumbered: bool,
}

/// What an IMAP sync did: per folder, and the import's summary.
#[derive(Serialize)]
pub struct SyncSummary {
    pub account: String,
    pub folders: Vec<FolderSummary>,
    #[serde(flatten)]
    pub import: Summary,
}

/// Syncs the rep's mailbox at `now`: the sent folder first (a reply then finds the touch it
/// answers already in the record), then the inbox, each from its last position (UIDVALIDITY,
/// last UID); only messages whose headers may concern the record are fetched whole; each batch
/// is committed with the folder's position before the next fetch. The settings are remembered
/// once the server took the login. `password` is asked with the account's name.
///
/// Errors: [`AppError::Unfit`] for a first sync with no server, or no password;
/// [`AppError::Imap`] when the server cannot be reached or refuses; [`AppError::Context`]
/// naming the message for a failure recording it; the store's.
pub async fn sync_imap(
    store: &Store,
    caller: &Caller,
    request: ImapRequest,
    password: &mut dyn FnMut(&str) -> Result<String, String>,
    now: Timestamp,
    progress: &mut dyn Progress,
) -> Result<SyncSummary, AppError> {
    let settings = settings(&request, store.setting("imap").await?)?;
    let server = &settings.server;
    let secret = password(&server.account()).map_err(AppError::Unfit)?;
    let mut mailbox = Mailbox::connect(server, &secret).await?;
    drop(secret);
    store.set_setting("imap", &settings).await?;
    let sent = match &settings.sent {
        Some(named) => Some(named.clone()),
        None => mailbox.sent_folder().await?,
    };
    let mut importer = Importer::new(store, caller, &request.me, now).await?;
    let account = server.account();
    let folders: Vec<String> = sent.into_iter().chain(["INBOX".to_string()]).collect();
    progress.start(None);
    let (directory, _) = importer.understanding();
    let wanted = |m: &Message| directory.might_matter(m);
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
        progress.more(opened.new_uids.len() as u64, folder);
        let mut position = (opened.uid_validity, known.map_or(0, |k| k.last_uid));
        if opened.renumbered {
            position.1 = 0;
        }
        for uids in Mailbox::batches(&opened, FETCH_BATCH, FETCH_BYTES) {
            let batch = mailbox.fetch(folder, uids, &wanted).await?;
            bytes += batch.bytes;
            position.1 = batch.last_uid;
            // Recording is quick local disk work: done in place, between fetches.
            tokio::task::block_in_place(|| -> Result<(), AppError> {
                for message in &batch.messages {
                    importer.take(message).map_err(|e| {
                        e.context(format!("recording {} from {account}/{folder}", message.key))
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
            progress.step(uids.len() as u64);
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
    progress.finish();
    mailbox.close().await;
    let mut import = importer.finish()?;
    import.bytes = bytes;
    Ok(SyncSummary {
        account,
        folders: summaries,
        import,
    })
}

/// Where the calendars are, as given for this run; what is left out is taken from the last
/// run.
#[derive(Clone, Debug, Default)]
pub struct CaldavRequest {
    pub url: Option<String>,
    pub user: Option<String>,
    pub ca_file: Option<PathBuf>,
    /// The rep's addresses (default: those remembered).
    pub me: Vec<String>,
}

/// What a CalDAV sync did: the calendars read, and the import's summary.
#[derive(Serialize)]
pub struct CaldavSummary {
    pub calendars: Vec<String>,
    #[serde(flatten)]
    pub import: Summary,
}

/// Syncs the rep's calendars at `now`: every calendar of the account, each occurrence in the
/// window recorded as its response arrives (memory follows one event), each calendar
/// committed at its end. The settings are remembered once the server answered. `password` is
/// asked with the user and the URL.
///
/// Errors: [`AppError::Unfit`] for a first sync with no server, or no password;
/// [`AppError::CalDav`] when the server cannot be reached or refuses; [`AppError::Context`]
/// naming the event for a failure recording it; the store's.
pub async fn sync_caldav(
    store: &Store,
    caller: &Caller,
    request: CaldavRequest,
    password: &mut dyn FnMut(&str) -> Result<String, String>,
    now: Timestamp,
) -> Result<CaldavSummary, AppError> {
    let known: Option<CalDavServer> = store.setting("caldav").await?;
    let (url, user) = match (&request.url, &request.user, &known) {
        (Some(u), Some(n), _) => (u.clone(), n.clone()),
        (u, n, Some(k)) => (
            u.clone().unwrap_or_else(|| k.url.clone()),
            n.clone().unwrap_or_else(|| k.user.clone()),
        ),
        _ => {
            return Err(AppError::Unfit(
                "first sync: say where the calendars are: their address and user".into(),
            )
            .about(Input::Calendars));
        }
    };
    let server = CalDavServer {
        url,
        user,
        ca_file: request
            .ca_file
            .clone()
            .or(known.as_ref().and_then(|k| k.ca_file.clone())),
    };
    let secret =
        password(&format!("{} at {}", server.user, server.url)).map_err(AppError::Unfit)?;
    let mut importer = Importer::new(store, caller, &request.me, now).await?;
    importer.summary.calendar = true;
    let window = importer.window();
    let client = CalDav::new(&server, &secret)?;
    drop(secret);
    let (client, calendars) = tokio::task::spawn_blocking(move || {
        let calendars = client.calendars();
        (client, calendars)
    })
    .await
    .map_err(|e| AppError::Internal(format!("listing the calendars: {e}")))?;
    let calendars = calendars?;
    store.set_setting("caldav", &server).await?;
    for calendar in &calendars {
        let read = tokio::task::block_in_place(|| -> Result<_, AppError> {
            let mut failed = None;
            let read = client.events_each(calendar, window, |occurrence| {
                if failed.is_none()
                    && let Err(e) = importer.take_occurrence(&occurrence)
                {
                    failed =
                        Some(e.context(format!("recording {} from {calendar}", occurrence.key)));
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
    Ok(CaldavSummary {
        calendars,
        import: importer.finish()?,
    })
}
