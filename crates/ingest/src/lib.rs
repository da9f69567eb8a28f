//! Reading mail the rep already has: a single `.eml` file or a folder of them, an mbox file
//! (mboxo or mboxrd) or a Maildir. Each message becomes a `rekindle_core::mail::Message`.
//! Malformed input is skipped and counted with its file and position; it never stops the read,
//! and memory is bounded by one message whatever the mailbox's size.
//!
//! Architecture invariant: no record logic here. What a message means for a deal is the core's
//! business; this crate only turns bytes into messages.

pub mod caldav;
pub mod calendar;
pub mod imap;
mod mbox;
mod parse;

pub use parse::{decode_encoded_words, parse, parse_filtered};

use rekindle_core::mail::Message;
use std::fs::File;
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
    #[error("{0}: not a mail file, an mbox, a Maildir or a folder of .eml files")]
    Unrecognised(PathBuf),
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
}

/// The kinds of mail source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Eml,
    EmlFolder,
    Mbox,
    Maildir,
}

/// Recognises a source: a folder with `cur` or `new` is a Maildir, another folder holds .eml
/// files, a file starting with `From ` is an mbox, any other file is one message.
pub fn kind_of(path: &Path) -> Result<Kind, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Ok(if path.join("cur").is_dir() || path.join("new").is_dir() {
            Kind::Maildir
        } else {
            Kind::EmlFolder
        });
    }
    let mut start = [0u8; 5];
    let n = std::io::Read::read(&mut File::open(path).map_err(io)?, &mut start).map_err(io)?;
    Ok(if &start[..n] == b"From " {
        Kind::Mbox
    } else {
        Kind::Eml
    })
}

/// The bytes a read of `path` goes through: the file's size, or the sum over a folder's files
/// (a Maildir's `cur` and `new`). For a progress bar; 0 when unknown.
pub fn source_bytes(path: &Path) -> u64 {
    let files = |dir: &Path| -> u64 {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok()?.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => files(path) + files(&path.join("cur")) + files(&path.join("new")),
        Err(_) => 0,
    }
}

/// Reads every message under `path`, handing each to `each` as it is parsed.
pub fn read(path: &Path, each: impl FnMut(Message)) -> Result<ReadSummary, IngestError> {
    read_filtered(path, &AtomicU64::new(0), &|_| true, each)
}

/// `read`, decoding a message's body only when `wanted` says its headers make it worth reading
/// (see `parse_filtered`), and adding each message's size to `bytes_read` as it goes (for a
/// progress bar on another thread).
pub fn read_filtered(
    path: &Path,
    bytes_read: &AtomicU64,
    wanted: &dyn Fn(&Message) -> bool,
    mut each: impl FnMut(Message),
) -> Result<ReadSummary, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut summary = ReadSummary::default();
    let mut take = |origin: String, bytes: &[u8], summary: &mut ReadSummary| {
        summary.bytes += bytes.len() as u64;
        bytes_read.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        match parse_filtered(bytes, wanted) {
            Ok(message) => {
                summary.messages += 1;
                each(message);
            }
            Err(reason) => summary.skipped.push(Skipped { origin, reason }),
        }
    };
    match kind_of(path)? {
        Kind::Eml => {
            let bytes = std::fs::read(path).map_err(io)?;
            take(path.display().to_string(), &bytes, &mut summary);
        }
        Kind::EmlFolder => {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("eml"))
                })
                .collect();
            if files.is_empty() {
                return Err(IngestError::Unrecognised(path.to_path_buf()));
            }
            files.sort();
            for file in files {
                match std::fs::read(&file) {
                    Ok(bytes) => take(file.display().to_string(), &bytes, &mut summary),
                    Err(e) => summary.skipped.push(Skipped {
                        origin: file.display().to_string(),
                        reason: e.to_string(),
                    }),
                }
            }
        }
        Kind::Mbox => {
            let file = File::open(path).map_err(io)?;
            let mut index = 0;
            mbox::split(file, |offset, bytes| {
                index += 1;
                let origin = format!("{} message {index}, byte {offset}", path.display());
                take(origin, &bytes, &mut summary);
            })
            .map_err(io)?;
        }
        Kind::Maildir => {
            let messages = mail_parser::mailbox::maildir::MessageIterator::new(path).map_err(io)?;
            for (index, item) in messages.enumerate() {
                match item {
                    Ok(message) => take(
                        message.path().display().to_string(),
                        message.contents(),
                        &mut summary,
                    ),
                    Err(e) => summary.skipped.push(Skipped {
                        origin: format!("{} entry {}", path.display(), index + 1),
                        reason: e.to_string(),
                    }),
                }
            }
        }
    }
    Ok(summary)
}
