//! Reading mail the rep already has, from the layouts mail programs keep and export it in:
//! - a single message file (`.eml`, `.txt`, or no extension; a UTF-8 byte-order mark at the
//!   start is passed over, lines ended by a bare carriage return as classic Mac OS wrote them
//!   are read), or Apple Mail's `.emlx` (a byte count line, the message, a plist);
//! - an mbox file (mboxo, mboxrd, mboxcl, mboxcl2; see `mbox` for what splits it);
//! - a Maildir (`cur/` and `new/`, either may be missing; `tmp/` holds deliveries in progress
//!   and is not read), with its Maildir++ sub-folders (`.Sent`, `.INBOX.Archive`: each a
//!   Maildir of its own under the root, as Dovecot and Courier keep them);
//! - a folder, read recursively in name order: the messages, mbox files and Maildirs in it,
//!   whatever their extension, so an Apple Mail export (`Name.mbox/`, holding a file `mbox`
//!   and a `table_of_contents`: s1t5/mail-archiver#364, LogicLabs-OU/OpenArchiver#148), a
//!   Thunderbird profile folder or a folder of exported `.eml` files all read. What a file holds
//!   is told from its first bytes, not its name; files that are not mail (indexes, caches,
//!   plists, Thunderbird's `.msf`, Dovecot's `dovecot.index*`) are passed over and counted,
//!   hidden files and folders (a leading `.`) are not read unless they are Maildir++ folders,
//!   and symbolic links to folders are not followed.
//!
//! Each message becomes a `rekindle_core::mail::Message`. Malformed input is skipped and
//! counted with its file and position; it never stops the read, and memory is bounded by one
//! message whatever the mailbox's size. `check` tells, before anything is imported, whether a
//! path can be read at all.
//!
//! Architecture invariant: no record logic here. What a message means for a deal is the core's
//! business; this crate only turns bytes into messages.

pub mod caldav;
pub mod calendar;
pub mod crm;
mod html;
mod ics_text;
pub mod imap;
mod mbox;
mod parse;
mod windows_zones;
mod zones;

pub use parse::{MAX_HEADER, decode_encoded_words, parse, parse_filtered};

use rekindle_core::mail::Message;
use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What cannot be read at all (as opposed to single messages, which are skipped).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: not a mail file, an mbox, a Maildir or a folder holding mail")]
    Unrecognised(PathBuf),
    #[error("{0}: not an iCalendar file or a folder of .ics files")]
    NotCalendar(PathBuf),
    /// A row or the header of a CRM export that cannot be read: the file, the line and why.
    #[error("{path}, line {line}: {why}")]
    Row {
        path: PathBuf,
        line: u64,
        why: String,
    },
    /// A named pipe or a socket: reading it could wait for ever.
    #[error("{0}: a pipe, not a file or a folder; save what it holds to a file first")]
    NotRegular(PathBuf),
}

/// A message that was passed over, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The file, and the message's position in it (`message 4, byte 18230` in an mbox).
    pub origin: String,
    pub reason: String,
}

/// What a read went through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadSummary {
    pub messages: usize,
    pub bytes: u64,
    pub skipped: Vec<Skipped>,
    /// Files in a folder that hold no mail (indexes, caches, pictures), passed over.
    pub not_mail: usize,
}

/// The kinds of mail source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One message in a file (`.eml`, `.emlx`, `.txt`, no extension).
    Eml,
    /// A folder that is not a Maildir, read recursively (an Apple Mail `.mbox` package too).
    EmlFolder,
    Mbox,
    /// A folder with `cur/` or `new/`, and its Maildir++ sub-folders.
    Maildir,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How much of one message is read: its first 4 MiB. Headers and text come first in the
/// messages mail programs write (RFC 2046's multipart order puts the text part before
/// attachments), so only attachments lie beyond; a 200 MB message costs no more memory than
/// this. Its length still counts in what was read.
pub const MESSAGE_HEAD: usize = 4 << 20;

/// How many bytes of a file tell what it holds.
const SNIFF: usize = 4096;

/// What a file's first bytes say it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Content {
    Mbox,
    Message,
    /// Apple Mail's `.emlx`: a line with the message's length in bytes, then the message.
    Emlx,
    /// Nothing but white space: an empty mailbox given by name (Thunderbird keeps an empty
    /// folder that way), a marker file in a folder.
    Empty,
    NotMail,
}

/// Header fields of which at least one opens any mail message (RFC 5322 section 3.6, the
/// trace fields of RFC 5321 section 4.4, MIME, DKIM (RFC 6376) and ARC (RFC 8617) signatures,
/// and what mail programs add before them: Gmail's Takeout, Outlook, Thunderbird, Apple Mail).
const MAIL_FIELDS: &[&str] = &[
    "from",
    "to",
    "cc",
    "date",
    "subject",
    "message-id",
    "received",
    "return-path",
    "delivered-to",
    "reply-to",
    "sender",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "dkim-signature",
    "arc-seal",
    "arc-message-signature",
    "arc-authentication-results",
    "authentication-results",
    "x-received",
    "x-gm-thrid",
    "x-gmail-labels",
    "thread-topic",
    "thread-index",
    "x-mozilla-status",
    "x-apple-mail-remote-attachments",
];

/// Whether `head` opens with a header block naming at least one mail field: header lines
/// (a name, `:`), folded lines, up to a blank line or the end of what was read. A block that
/// fills the whole sniff window with well-formed fields (a long run of signature and trace
/// fields) counts too.
fn opens_with_headers(head: &[u8]) -> bool {
    let cut = head.len() >= SNIFF;
    let mut known = false;
    let mut fields = 0;
    let mut lines = head.split(|b| *b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let last = lines.peek().is_none();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return known;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if fields == 0 {
                return false;
            }
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            // Only the last line may be cut off by the sniff window.
            return last && cut && (known || fields >= 3);
        };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|b| (33..=126).contains(b)) {
            return false;
        }
        fields += 1;
        known |= MAIL_FIELDS
            .iter()
            .any(|f| f.as_bytes().eq_ignore_ascii_case(name));
    }
    known || (cut && fields >= 3)
}

/// Whether text has its lines ended by a bare carriage return (classic Mac OS: no line feed in
/// the first bytes, but carriage returns).
fn cr_lines(head: &[u8]) -> bool {
    memchr::memchr(b'\n', head).is_none() && memchr::memchr(b'\r', head).is_some()
}

/// Text with bare carriage returns turned into line feeds, when `cr_lines` says it uses them.
fn with_line_feeds(bytes: &[u8]) -> Cow<'_, [u8]> {
    if cr_lines(&bytes[..bytes.len().min(SNIFF)]) {
        Cow::Owned(
            bytes
                .iter()
                .map(|b| if *b == b'\r' { b'\n' } else { *b })
                .collect(),
        )
    } else {
        Cow::Borrowed(bytes)
    }
}

/// A reader turning bare carriage returns into line feeds (see `cr_lines`), for an mbox
/// written with classic Mac OS line ends.
struct LineFeeds<R>(R);

impl<R: Read> Read for LineFeeds<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(out)?;
        for b in &mut out[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

/// Tells what a file holds from its first bytes.
fn sniff(head: &[u8]) -> Content {
    let head = with_line_feeds(head);
    let head = head.strip_prefix(BOM).unwrap_or(&head);
    // Archives cut from a list's history often begin with the blank line before a separator.
    let first = head
        .iter()
        .position(|b| *b != b'\n' && *b != b'\r')
        .unwrap_or(head.len());
    if head.iter().all(u8::is_ascii_whitespace) {
        return Content::Empty;
    }
    if head[first..].starts_with(b"From ") {
        return Content::Mbox;
    }
    if let Some(nl) = memchr::memchr(b'\n', head) {
        let first = head[..nl].strip_suffix(b"\r").unwrap_or(&head[..nl]);
        let digits = first.iter().filter(|b| !b.is_ascii_whitespace()).count();
        if (1..=12).contains(&digits)
            && first
                .iter()
                .all(|b| b.is_ascii_digit() || b.is_ascii_whitespace())
            && opens_with_headers(&head[nl + 1..])
        {
            return Content::Emlx;
        }
    }
    if opens_with_headers(head) {
        Content::Message
    } else {
        Content::NotMail
    }
}

pub(crate) fn io_error(path: &Path) -> impl Fn(std::io::Error) -> IngestError + '_ {
    move |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The first bytes of a file.
pub(crate) fn head_of(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(SNIFF);
    File::open(path)?
        .take(SNIFF as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// A named pipe or a socket: opening or reading one can wait for ever, so it is refused
/// before it is opened. Devices are sniffed like files (`/dev/null` is an empty mailbox, and
/// `/dev/zero` is not mail).
pub(crate) fn is_pipe(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        kind.is_fifo() || kind.is_socket()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

/// Recognises a source: a folder with `cur` or `new` is a Maildir, another folder is read
/// recursively, a file starting with `From ` (after a byte-order mark or blank lines) is an
/// mbox, a file opening with mail headers is one message. Errors: the path cannot be read, or
/// is a file that holds no mail.
pub fn kind_of(path: &Path) -> Result<Kind, IngestError> {
    let meta = std::fs::metadata(path).map_err(io_error(path))?;
    if is_pipe(&meta) {
        return Err(IngestError::NotRegular(path.to_path_buf()));
    }
    if meta.is_dir() {
        std::fs::read_dir(path).map_err(io_error(path))?;
        return Ok(if is_maildir(path) {
            Kind::Maildir
        } else {
            Kind::EmlFolder
        });
    }
    match sniff(&head_of(path).map_err(io_error(path))?) {
        Content::Mbox | Content::Empty => Ok(Kind::Mbox),
        Content::Message | Content::Emlx => Ok(Kind::Eml),
        Content::NotMail => Err(IngestError::Unrecognised(path.to_path_buf())),
    }
}

/// Checks, before anything is read into the record, that `path` can be read and holds mail:
/// `kind_of`, and for a folder that it (or a folder in it) holds at least one mail file.
pub fn check(path: &Path) -> Result<Kind, IngestError> {
    let kind = kind_of(path)?;
    // A Maildir with no mail yet is a mailbox all the same.
    if matches!(kind, Kind::Eml | Kind::Mbox | Kind::Maildir) {
        return Ok(kind);
    }
    let mut found = false;
    walk(path, 0, &mut |file, in_maildir| {
        // A Maildir's files are messages whatever their first bytes (see `read_filtered`).
        found = in_maildir
            || !matches!(
                head_of(file).map(|h| sniff(&h)),
                Ok(Content::NotMail | Content::Empty) | Err(_)
            );
        !found
    })
    .map_err(io_error(path))?;
    if found {
        Ok(kind)
    } else {
        Err(IngestError::Unrecognised(path.to_path_buf()))
    }
}

/// Folders deeper than this under the path given are not read.
const MAX_DEPTH: usize = 32;

/// Visits the files under `dir` that may hold mail, in name order: a Maildir's `cur/` and
/// `new/` (the flag `true`: every file there is one message), then its sub-folders; in any
/// other folder, its files and sub-folders. Hidden entries are passed over unless they are
/// Maildir++ folders; links to folders are not followed. `visit` returns `false` to stop.
/// Errors: `dir` itself cannot be listed (a sub-folder that cannot be is passed over).
fn walk(
    dir: &Path,
    depth: usize,
    visit: &mut dyn FnMut(&Path, bool) -> bool,
) -> std::io::Result<bool> {
    let sorted = |dir: &Path| -> std::io::Result<Vec<PathBuf>> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        Ok(entries)
    };
    let hidden = |p: &Path| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    };
    let entries = sorted(dir)?;
    let maildir = is_maildir(dir);
    if maildir {
        for sub in ["cur", "new"] {
            for file in sorted(&dir.join(sub)).unwrap_or_default() {
                if file.is_file() && !hidden(&file) && !visit(&file, true) {
                    return Ok(false);
                }
            }
        }
    }
    for entry in entries {
        let Ok(meta) = std::fs::symlink_metadata(&entry) else {
            continue;
        };
        let name = entry.file_name().map(|n| n.to_string_lossy().into_owned());
        if meta.is_dir() {
            let skip = depth >= MAX_DEPTH
                || (maildir && matches!(name.as_deref(), Some("cur" | "new" | "tmp")))
                || (hidden(&entry) && !is_maildir(&entry));
            if !skip && !walk(&entry, depth + 1, visit).unwrap_or(true) {
                return Ok(false);
            }
        } else if !hidden(&entry) && entry.is_file() && !visit(&entry, false) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The bytes a read of `path` goes through: the file's size, or the sum over the files under a
/// folder. For a progress bar; 0 when unknown.
pub fn source_bytes(path: &Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => {
            let mut total = 0;
            // An unreadable folder counts nothing: the bar is only a guide.
            let _ = walk(path, 0, &mut |file, _| {
                total += std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
                true
            });
            total
        }
        Err(_) => 0,
    }
}

/// Reads every message under `path`, handing each to `each` as it is parsed.
pub fn read(path: &Path, each: impl FnMut(Message)) -> Result<ReadSummary, IngestError> {
    read_filtered(path, &AtomicU64::new(0), &|_| true, each)
}

/// Splits an mbox read from `reader` as `read` splits an mbox file, `block` bytes at a time
/// (`read` uses 8 MiB), handing each message's bytes (without its `From ` line) and its byte
/// offset to `each`. For tests and fuzzing: small blocks put every boundary across reads.
#[doc(hidden)]
pub fn split_mbox(
    reader: impl Read,
    block: usize,
    mut each: impl FnMut(u64, Cow<'_, [u8]>),
) -> std::io::Result<()> {
    mbox::split_blocks(reader, block.max(1), |offset, bytes, _| each(offset, bytes))
}

/// The message in an `.emlx` file: the count on its first line says how many bytes follow.
fn emlx_message(bytes: &[u8]) -> &[u8] {
    let Some(nl) = memchr::memchr(b'\n', bytes) else {
        return bytes;
    };
    let rest = &bytes[nl + 1..];
    let length = std::str::from_utf8(&bytes[..nl])
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(rest.len());
    &rest[..length.min(rest.len())]
}

/// `read`, decoding a message's body only when `wanted` says its headers make it worth reading
/// (see `parse_filtered`), and adding each message's size to `bytes_read` as it goes (for a
/// progress bar on another thread). Errors: `path` cannot be read, or holds no mail (a file
/// that is not mail, a folder without any).
pub fn read_filtered(
    path: &Path,
    bytes_read: &AtomicU64,
    wanted: &dyn Fn(&Message) -> bool,
    mut each: impl FnMut(Message),
) -> Result<ReadSummary, IngestError> {
    let mut summary = ReadSummary::default();
    let mut take = |origin: String, bytes: &[u8], size: u64, summary: &mut ReadSummary| {
        summary.bytes += size;
        bytes_read.fetch_add(size, Ordering::Relaxed);
        let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        match parse_filtered(bytes, wanted) {
            Ok(message) => {
                summary.messages += 1;
                each(message);
            }
            Err(reason) => summary.skipped.push(Skipped { origin, reason }),
        }
    };
    // One file: an mbox is streamed, a message read whole. `known`: a Maildir's file, a
    // message whatever its first bytes; `given`: the path given, not a file in a folder.
    let mut file =
        |file: &Path, known: bool, given: bool, summary: &mut ReadSummary| -> std::io::Result<()> {
            let origin = file.display().to_string();
            let head = head_of(file)?;
            let content = match sniff(&head) {
                Content::NotMail | Content::Empty if known => Content::Message,
                other => other,
            };
            match content {
                Content::Empty => {
                    if !given {
                        summary.not_mail += 1;
                    }
                    Ok(())
                }
                Content::Mbox => {
                    let mut index = 0;
                    let each = |offset, bytes: Cow<'_, [u8]>, size| {
                        index += 1;
                        take(
                            format!("{origin} message {index}, byte {offset}"),
                            &bytes,
                            size,
                            summary,
                        );
                    };
                    if cr_lines(&head) {
                        mbox::split(LineFeeds(File::open(file)?), each)
                    } else {
                        mbox::split(File::open(file)?, each)
                    }
                }
                Content::Message | Content::Emlx => {
                    let opened = File::open(file)?;
                    let size = opened.metadata()?.len();
                    let mut bytes = Vec::new();
                    opened.take(MESSAGE_HEAD as u64).read_to_end(&mut bytes)?;
                    let bytes = with_line_feeds(&bytes);
                    let message = if content == Content::Emlx {
                        emlx_message(&bytes)
                    } else {
                        &bytes
                    };
                    take(origin, message, size, summary);
                    Ok(())
                }
                Content::NotMail => {
                    let named_as_mail = file.extension().is_some_and(|x| {
                        ["eml", "emlx", "msg", "mbox", "mbx"]
                            .iter()
                            .any(|e| x.eq_ignore_ascii_case(e))
                    });
                    if named_as_mail {
                        summary.skipped.push(Skipped {
                            origin,
                            reason: "not a mail message".into(),
                        });
                    } else {
                        summary.not_mail += 1;
                    }
                    Ok(())
                }
            }
        };
    let kind = kind_of(path)?;
    match kind {
        Kind::Eml | Kind::Mbox => file(path, false, true, &mut summary).map_err(io_error(path))?,
        Kind::EmlFolder | Kind::Maildir => {
            walk(path, 0, &mut |path, known| {
                if let Err(e) = file(path, known, false, &mut summary) {
                    summary.skipped.push(Skipped {
                        origin: path.display().to_string(),
                        reason: e.to_string(),
                    });
                }
                true
            })
            .map_err(io_error(path))?;
            // An empty Maildir is a mailbox with nothing in it yet; a folder of other files is
            // not mail.
            if summary.messages == 0 && summary.skipped.is_empty() && kind == Kind::EmlFolder {
                return Err(IngestError::Unrecognised(path.to_path_buf()));
            }
        }
    }
    Ok(summary)
}
