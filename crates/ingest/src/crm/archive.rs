//! HubSpot delivers large exports as a ZIP of CSV files
//! (`hubspot-crm-exports-all-deals-2026-04-20-2026-04-20.zip` holding `all-deals-2026-04-20.csv`,
//! the CRM formats note, section 1.1). `unpack` writes each CSV inside to a folder so it is read
//! like any other export; the `zip` crate reads the archive.
//!
//! An archive is untrusted: only entries named `*.csv` are taken (not folders, not macOS's
//! `__MACOSX/` resource forks), each under its own file name alone (no path from the archive is
//! ever used, so nothing is written outside the folder), and the bytes written are capped
//! ([`MAX_UNPACKED`]) whatever sizes the archive declares.

use crate::IngestError;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The most bytes unpacked from one archive: 8 GiB (HubSpot's largest import file is 512 MB;
/// an export of a million rows is a few hundred MB).
pub const MAX_UNPACKED: u64 = 8 << 30;

/// Whether `path` is a ZIP archive of exports (HubSpot's), by its first bytes: a spreadsheet
/// is a ZIP too, and is read as one sheet instead (`dialect::is_workbook`).
pub fn is_zip(path: &Path) -> bool {
    // Only a regular file is opened: a pipe would keep the read waiting.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            f.take(super::dialect::SNIFF_BYTES as u64)
                .read_to_end(&mut head)
        })
        .is_ok()
        && head.starts_with(b"PK\x03\x04")
        && !super::dialect::is_workbook(path, &head)
}

/// One CSV taken out of an archive: how to name it to the user (`archive.zip:entry.csv`) and
/// where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unpacked {
    pub shown: String,
    pub file: PathBuf,
}

fn bad(path: &Path, why: impl std::fmt::Display) -> IngestError {
    IngestError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string()),
    }
}

/// Writes every `*.csv` entry of the archive at `path` into the folder `into`.
///
/// Errors: the archive cannot be read (naming it), holds no CSV, or unpacks to more than
/// [`MAX_UNPACKED`] bytes.
pub fn unpack(path: &Path, into: &Path) -> Result<Vec<Unpacked>, IngestError> {
    let file = std::fs::File::open(path).map_err(|e| IngestError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| bad(path, format!("not a readable ZIP archive: {e}")))?;
    let mut out = Vec::new();
    let mut written = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| bad(path, format!("entry {i}: {e}")))?;
        if !entry.is_file() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| bad(path, format!("entry {i}: {e}")))?
            .replace('\\', "/");
        if name.starts_with("__MACOSX/") || name.split('/').any(|p| p.starts_with("._")) {
            continue;
        }
        let Some(base) = name
            .rsplit('/')
            .next()
            .filter(|b| b.to_lowercase().ends_with(".csv"))
        else {
            continue;
        };
        let target = into.join(format!("{}-{base}", out.len() + 1));
        let mut dest = std::fs::File::create(&target).map_err(|e| IngestError::Io {
            path: target.clone(),
            source: e,
        })?;
        let mut buffer = [0u8; 64 * 1024];
        loop {
            let n = entry
                .read(&mut buffer)
                .map_err(|e| bad(path, format!("{name}: {e}")))?;
            if n == 0 {
                break;
            }
            written += n as u64;
            if written > MAX_UNPACKED {
                return Err(bad(
                    path,
                    format!("unpacks to more than {} GiB", MAX_UNPACKED >> 30),
                ));
            }
            dest.write_all(&buffer[..n]).map_err(|e| IngestError::Io {
                path: target.clone(),
                source: e,
            })?;
        }
        out.push(Unpacked {
            shown: format!("{}:{name}", path.display()),
            file: target,
        });
    }
    if out.is_empty() {
        return Err(bad(path, "the archive holds no .csv file"));
    }
    Ok(out)
}
