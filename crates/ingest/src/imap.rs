//! Reading the rep's mailbox over IMAP: the inbox and the sent folder, incrementally.
//!
//! A folder is read from the UID after the last one seen, for as long as its UIDVALIDITY holds;
//! when the server renumbers a folder the read starts over (the record ignores what it has).
//! Messages come in small batches, so memory is bounded by a batch, never by the mailbox.

use crate::{Skipped, parse, parse_filtered};
use async_imap::types::NameAttribute;
use futures::TryStreamExt;
use rekindle_core::mail::Message;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (port 993).
    Tls,
    /// Plain connection upgraded with STARTTLS before logging in (port 143).
    Starttls,
    /// No encryption: refused unless the server is on this machine.
    Plain,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 993,
            Security::Starttls | Security::Plain => 143,
        }
    }
}

/// Where the mailbox is and who reads it. The password is never part of it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    /// PEM certificates trusted besides the public roots (a company CA, a self-signed server).
    pub ca_file: Option<PathBuf>,
}

impl Server {
    /// The name this mailbox is known by in the record: `user@host:port`.
    pub fn account(&self) -> String {
        format!("{}@{}:{}", self.user, self.host, self.port)
    }

    fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// What can go wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("connecting to {server}: {source}")]
    Connect {
        server: String,
        source: std::io::Error,
    },
    #[error("TLS with {server}: {detail}")]
    Tls { server: String, detail: String },
    #[error("{server} refused the login for {user}: {detail}")]
    Login {
        server: String,
        user: String,
        detail: String,
    },
    #[error(
        "refusing to send a password unencrypted to {0}: use --security tls or starttls (plain is for servers on this machine)"
    )]
    PlainRemote(String),
    #[error("{server}: no folder {folder}")]
    NoFolder { server: String, folder: String },
    #[error("{server}: {detail}")]
    Protocol { server: String, detail: String },
    #[error("{path}: {detail}")]
    CaFile { path: PathBuf, detail: String },
}

/// A folder's place in the read: the server's UIDVALIDITY and the last UID taken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub uid_validity: u32,
    pub last_uid: u32,
}

/// What a folder holds for this read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub folder: String,
    pub uid_validity: u32,
    /// UIDs after the last one taken, oldest first.
    pub new_uids: Vec<u32>,
    /// Each new message's size in bytes, as the server says (`RFC822.SIZE`).
    pub sizes: Vec<u32>,
    /// True when the server renumbered the folder since the last read.
    pub renumbered: bool,
}

/// A batch of messages read from a folder.
#[derive(Debug, Default)]
pub struct Batch {
    pub messages: Vec<Message>,
    pub skipped: Vec<Skipped>,
    pub bytes: u64,
    /// The highest UID in the batch: once the batch is recorded, the folder's new position.
    pub last_uid: u32,
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Stream for T {}

type Session = async_imap::Session<Box<dyn Stream>>;

/// A logged-in connection.
pub struct Mailbox {
    server: Server,
    session: Session,
}

fn tls_connector(server: &Server) -> Result<TlsConnector, ImapError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &server.ca_file {
        let bad = |detail: String| ImapError::CaFile {
            path: path.clone(),
            detail,
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| bad(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(e.to_string()))?;
        if certs.is_empty() {
            return Err(bad("no PEM certificate in it".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| bad(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ImapError::Tls {
            server: server.account(),
            detail: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn handshake(server: &Server, tcp: TcpStream) -> Result<TlsStream<TcpStream>, ImapError> {
    let tls_error = |detail: String| ImapError::Tls {
        server: format!("{}:{}", server.host, server.port),
        detail,
    };
    let name = ServerName::try_from(server.host.clone()).map_err(|e| tls_error(e.to_string()))?;
    tls_connector(server)?
        .connect(name, tcp)
        .await
        .map_err(|e| tls_error(e.to_string()))
}

fn protocol(server: &Server) -> impl Fn(async_imap::error::Error) -> ImapError + '_ {
    move |e| ImapError::Protocol {
        server: format!("{}:{}", server.host, server.port),
        detail: e.to_string(),
    }
}

async fn greeted<T: Stream + 'static>(
    server: &Server,
    stream: T,
) -> Result<async_imap::Client<Box<dyn Stream>>, ImapError> {
    let mut client = async_imap::Client::new(Box::new(stream) as Box<dyn Stream>);
    match client.read_response().await {
        Ok(Some(_)) => Ok(client),
        Ok(None) => Err(ImapError::Protocol {
            server: format!("{}:{}", server.host, server.port),
            detail: "closed the connection before greeting".into(),
        }),
        Err(source) => Err(ImapError::Connect {
            server: format!("{}:{}", server.host, server.port),
            source,
        }),
    }
}

impl Mailbox {
    /// Connects, protects the connection as configured and logs in.
    pub async fn connect(server: &Server, password: &str) -> Result<Mailbox, ImapError> {
        let address = format!("{}:{}", server.host, server.port);
        if server.security == Security::Plain && !server.is_loopback() {
            return Err(ImapError::PlainRemote(address));
        }
        let tcp = TcpStream::connect((server.host.as_str(), server.port))
            .await
            .map_err(|source| ImapError::Connect {
                server: address.clone(),
                source,
            })?;
        let client = match server.security {
            Security::Tls => greeted(server, handshake(server, tcp).await?).await?,
            Security::Plain => greeted(server, tcp).await?,
            Security::Starttls => {
                let mut plain = async_imap::Client::new(tcp);
                plain
                    .read_response()
                    .await
                    .map_err(|source| ImapError::Connect {
                        server: address.clone(),
                        source,
                    })?;
                plain
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| ImapError::Tls {
                        server: address.clone(),
                        detail: format!("STARTTLS refused: {e}"),
                    })?;
                let tls = handshake(server, plain.into_inner()).await?;
                async_imap::Client::new(Box::new(tls) as Box<dyn Stream>)
            }
        };
        let session = client
            .login(&server.user, password)
            .await
            .map_err(|(e, _)| ImapError::Login {
                server: address.clone(),
                user: server.user.clone(),
                detail: e.to_string(),
            })?;
        Ok(Mailbox {
            server: server.clone(),
            session,
        })
    }

    /// The folder holding sent mail: the one marked `\Sent` (RFC 6154), else a folder with a
    /// usual name.
    pub async fn sent_folder(&mut self) -> Result<Option<String>, ImapError> {
        let names: Vec<_> = self
            .session
            .list(Some(""), Some("*"))
            .await
            .map_err(protocol(&self.server))?
            .try_collect()
            .await
            .map_err(protocol(&self.server))?;
        if let Some(marked) = names
            .iter()
            .find(|n| n.attributes().contains(&NameAttribute::Sent))
        {
            return Ok(Some(marked.name().to_string()));
        }
        const USUAL: &[&str] = &[
            "Sent",
            "Sent Items",
            "Sent Messages",
            "Sent Mail",
            "[Gmail]/Sent Mail",
            "INBOX.Sent",
            "Gesendet",
            "Gesendete Elemente",
            "Envoyés",
            "Enviados",
        ];
        Ok(USUAL.iter().find_map(|usual| {
            names
                .iter()
                .find(|n| n.name().eq_ignore_ascii_case(usual))
                .map(|n| n.name().to_string())
        }))
    }

    /// Opens a folder read-only and lists the UIDs after `known` (all of them when the folder
    /// was renumbered or never read).
    pub async fn open(
        &mut self,
        folder: &str,
        known: Option<Position>,
    ) -> Result<Opened, ImapError> {
        let selected = self.session.examine(folder).await.map_err(|e| match e {
            async_imap::error::Error::No(_) => ImapError::NoFolder {
                server: format!("{}:{}", self.server.host, self.server.port),
                folder: folder.to_string(),
            },
            other => protocol(&self.server)(other),
        })?;
        let uid_validity = selected.uid_validity.unwrap_or(0);
        let renumbered = known.is_some_and(|k| k.uid_validity != uid_validity);
        let after = match known {
            Some(k) if !renumbered => k.last_uid,
            _ => 0,
        };
        // UIDs and sizes in one round trip: the sizes let the caller fetch in batches of
        // bounded memory, however large a message is.
        let mut new: Vec<(u32, u32)> = Vec::new();
        if selected.exists > 0 {
            let mut fetches = self
                .session
                .uid_fetch(format!("{}:*", after + 1), "(UID RFC822.SIZE)")
                .await
                .map_err(protocol(&self.server))?;
            while let Some(fetch) = fetches.try_next().await.map_err(protocol(&self.server))? {
                // `n:*` always names the last message, even when it is older than n.
                if let Some(uid) = fetch.uid.filter(|uid| *uid > after) {
                    new.push((uid, fetch.size.unwrap_or(0)));
                }
            }
        }
        new.sort_unstable();
        let (new_uids, sizes) = new.into_iter().unzip();
        Ok(Opened {
            folder: folder.to_string(),
            uid_validity,
            new_uids,
            sizes,
            renumbered,
        })
    }

    /// Fetches and parses the messages with these UIDs from the open folder, without marking
    /// them seen: headers first, then the whole of only those `wanted` says may matter (the
    /// others come back with their headers and no text).
    pub async fn fetch(
        &mut self,
        folder: &str,
        uids: &[u32],
        wanted: &dyn Fn(&Message) -> bool,
    ) -> Result<Batch, ImapError> {
        let mut batch = Batch::default();
        if uids.is_empty() {
            return Ok(batch);
        }
        let mut whole = Vec::new();
        for (uid, bytes) in self.fetch_part(uids, "BODY.PEEK[HEADER]").await? {
            batch.last_uid = batch.last_uid.max(uid);
            let origin = self.origin(folder, uid);
            let Some(bytes) = bytes else {
                batch.skipped.push(Skipped {
                    origin,
                    reason: "the server sent no header".into(),
                });
                continue;
            };
            batch.bytes += bytes.len() as u64;
            match parse_filtered(&bytes, &|_| false) {
                Ok(head) if wanted(&head) => whole.push(uid),
                Ok(head) => batch.messages.push(head),
                Err(reason) => batch.skipped.push(Skipped { origin, reason }),
            }
        }
        // A partial fetch (RFC 3501 section 6.4.5): the first `MESSAGE_HEAD` bytes, where the
        // headers and text are; a 200 MB attachment is never transferred.
        let head = format!("BODY.PEEK[]<0.{}>", crate::MESSAGE_HEAD);
        for (uid, bytes) in self.fetch_part(&whole, &head).await? {
            let origin = self.origin(folder, uid);
            match bytes {
                Some(bytes) => {
                    batch.bytes += bytes.len() as u64;
                    match parse(&bytes) {
                        Ok(message) => batch.messages.push(message),
                        Err(reason) => batch.skipped.push(Skipped { origin, reason }),
                    }
                }
                None => batch.skipped.push(Skipped {
                    origin,
                    reason: "the server sent no body".into(),
                }),
            }
        }
        // UIDs expunged between the listing and the fetch are simply gone.
        batch.last_uid = batch.last_uid.max(uids.iter().copied().max().unwrap_or(0));
        Ok(batch)
    }

    fn origin(&self, folder: &str, uid: u32) -> String {
        format!(
            "imap://{}:{}/{folder} uid {uid}",
            self.server.host, self.server.port
        )
    }

    /// One part (`BODY.PEEK[HEADER]`, `BODY.PEEK[]<0.N>`) of each of these messages, by UID.
    async fn fetch_part(
        &mut self,
        uids: &[u32],
        part: &str,
    ) -> Result<Vec<(u32, Option<Vec<u8>>)>, ImapError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let set = uids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let header = part.contains("HEADER");
        let mut fetches = self
            .session
            .uid_fetch(set, format!("(UID {part})"))
            .await
            .map_err(protocol(&self.server))?;
        let mut out = Vec::new();
        while let Some(fetch) = fetches.try_next().await.map_err(protocol(&self.server))? {
            let Some(uid) = fetch.uid else { continue };
            let bytes = if header { fetch.header() } else { fetch.body() };
            out.push((uid, bytes.map(<[u8]>::to_vec)));
        }
        Ok(out)
    }

    /// The new messages in fetch batches: at most `count` messages and about `bytes` bytes
    /// each (a message larger than that is a batch of its own).
    pub fn batches(opened: &Opened, count: usize, bytes: u64) -> Vec<&[u32]> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut size: u64 = 0;
        for (i, s) in opened.sizes.iter().enumerate() {
            if i > start && (i - start >= count || size + u64::from(*s) > bytes) {
                out.push(&opened.new_uids[start..i]);
                start = i;
                size = 0;
            }
            size += u64::from(*s);
        }
        if start < opened.new_uids.len() {
            out.push(&opened.new_uids[start..]);
        }
        out
    }

    /// Logs out politely.
    pub async fn close(mut self) {
        let _ = self.session.logout().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_bounded_in_count_and_bytes_and_a_giant_goes_alone() {
        let opened = Opened {
            folder: "INBOX".into(),
            uid_validity: 1,
            new_uids: vec![1, 2, 3, 4, 5, 6, 7],
            sizes: vec![10, 10, 10, 100, 10, 10, 10],
            renumbered: false,
        };
        let batches = Mailbox::batches(&opened, 2, 50);
        assert_eq!(
            batches,
            vec![&[1, 2][..], &[3][..], &[4][..], &[5, 6][..], &[7][..]]
        );
        assert!(
            Mailbox::batches(
                &Opened {
                    new_uids: vec![],
                    sizes: vec![],
                    ..opened
                },
                2,
                50
            )
            .is_empty()
        );
    }
}
