//! HubSpot delivers large exports as a ZIP of CSV files
//! (`hubspot-crm-exports-all-deals-2026-04-20-2026-04-20.zip` holding `all-deals-2026-04-20.csv`,
//! the CRM formats note, section 1.1). [`entries`] lists the CSV files inside, and each
//! [`Entry`] is read in place, straight from the archive, as often as the import needs it: nothing
//! is unpacked to disk, so nothing is left behind when an import is stopped, whatever stops it.
//!
//! The `zip` crate reads the archive's directory (ZIP64, data descriptors, names). It hands out
//! an entry's reader only as a borrow of the archive, and an import reads each file from
//! several places at once, so an entry keeps where its compressed bytes start, and
//! [`Entry::open`] reads them with `flate2` (stored or deflated: what HubSpot and every common
//! archiver write), checking the entry's size and CRC-32 (APPNOTE 4.4.7) at its end.
//!
//! An archive is untrusted: only entries named `*.csv` are taken (not folders, not macOS's
//! `__MACOSX/` resource forks), encrypted entries are refused, and an entry that unpacks past
//! the size its directory declares, or past [`MAX_UNPACKED`], stops its read.

use crate::IngestError;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The most bytes one entry may unpack to: 8 GiB (HubSpot's largest import file is 512 MB;
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
        // A local file header first, or an empty archive's end record alone.
        && (head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06"))
        && !super::dialect::is_workbook(path, &head)
}

/// How an entry's bytes are stored (APPNOTE 4.4.5): the two methods taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Stored,
    Deflated,
}

/// One CSV file inside an archive, read in place by [`Entry::open`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The archive.
    pub archive: PathBuf,
    /// The entry's name in the archive (`exports/all-deals.csv`).
    pub name: String,
    /// Where its compressed bytes start in the archive, and how many there are.
    data_start: u64,
    compressed: u64,
    /// Its unpacked size and CRC-32, from the archive's central directory.
    size: u64,
    crc32: u32,
    method: Method,
}

impl Entry {
    /// How the entry is named to the user, in every error and summary:
    /// `archive.zip:entry.csv`.
    pub fn shown(&self) -> String {
        format!("{}:{}", self.archive.display(), self.name)
    }

    /// A reader of the entry's unpacked bytes, from its start.
    ///
    /// Errors: [`IngestError::Io`] naming the archive when it cannot be opened. Reading the
    /// entry fails (`InvalidData`, naming the entry) when its bytes are not valid deflate,
    /// unpack past its declared size, or end short of it or with another CRC-32.
    pub fn open(&self) -> Result<Box<dyn Read + Send>, IngestError> {
        let io = |source| IngestError::Io {
            path: self.archive.clone(),
            source,
        };
        let mut file = std::fs::File::open(&self.archive).map_err(io)?;
        file.seek(SeekFrom::Start(self.data_start)).map_err(io)?;
        let raw = file.take(self.compressed);
        let inner: Box<dyn Read + Send> = match self.method {
            Method::Stored => Box::new(raw),
            Method::Deflated => Box::new(flate2::read::DeflateDecoder::new(raw)),
        };
        Ok(Box::new(Checked {
            inner,
            name: self.name.clone(),
            hasher: crc32fast::Hasher::new(),
            read: 0,
            size: self.size,
            crc32: self.crc32,
        }))
    }
}

/// An entry's bytes, held to its declared size and CRC-32.
struct Checked {
    inner: Box<dyn Read + Send>,
    name: String,
    hasher: crc32fast::Hasher,
    read: u64,
    size: u64,
    crc32: u32,
}

impl Read for Checked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let damaged = |why: String| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {why}", self.name),
            )
        };
        let n = self
            .inner
            .read(buf)
            .map_err(|e| damaged(format!("cannot be unpacked ({e})")))?;
        self.read += n as u64;
        if self.read > self.size {
            return Err(damaged(format!(
                "unpacks to more than the {} bytes the archive declares",
                self.size
            )));
        }
        self.hasher.update(&buf[..n]);
        if n == 0 && !buf.is_empty() {
            if self.read < self.size {
                return Err(damaged(format!(
                    "ends after {} of its {} bytes",
                    self.read, self.size
                )));
            }
            let crc = self.hasher.clone().finalize();
            if crc != self.crc32 {
                return Err(damaged(format!(
                    "is damaged: its CRC-32 is {crc:08x}, the archive says {:08x}",
                    self.crc32
                )));
            }
        }
        Ok(n)
    }
}

/// An export to read: a file named on the command line or uploaded, or a CSV file inside a
/// ZIP archive of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Export {
    File(PathBuf),
    Entry(Entry),
}

impl Export {
    /// Each file the export at `path` holds: the CSV files inside a ZIP archive
    /// ([`entries`]), or else the file itself.
    ///
    /// Errors: [`entries`]'s, for an archive.
    pub fn all(path: &Path) -> Result<Vec<Export>, IngestError> {
        if is_zip(path) {
            Ok(entries(path)?.into_iter().map(Export::Entry).collect())
        } else {
            Ok(vec![Export::File(path.to_path_buf())])
        }
    }

    /// The path its errors name: the file's, or `archive.zip:entry.csv`.
    pub fn path(&self) -> PathBuf {
        match self {
            Export::File(p) => p.clone(),
            Export::Entry(e) => PathBuf::from(e.shown()),
        }
    }

    /// How it is named to the user.
    pub fn shown(&self) -> String {
        self.path().display().to_string()
    }

    /// Its rows, from the start ([`Sheet::open`], [`Sheet::open_entry`]).
    ///
    /// Errors: theirs.
    pub fn open(&self) -> Result<super::Sheet, IngestError> {
        match self {
            Export::File(p) => super::Sheet::open(p),
            Export::Entry(e) => super::Sheet::open_entry(e),
        }
    }
}

fn bad(path: &Path, why: impl std::fmt::Display) -> IngestError {
    IngestError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string()),
    }
}

/// The `*.csv` entries of the archive at `path`, in the archive's order, each read through
/// once to check its size and CRC-32 before any is used (a damaged archive changes nothing).
///
/// Errors: the archive cannot be read (naming it), holds no CSV, holds one name twice, or
/// holds one that is encrypted, compressed by a method other than stored or deflate, declared larger than
/// [`MAX_UNPACKED`], or damaged.
pub fn entries(path: &Path) -> Result<Vec<Entry>, IngestError> {
    let file = std::fs::File::open(path).map_err(|e| IngestError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| bad(path, format!("not a readable ZIP archive: {e}")))?;
    // The same name twice in the directory: the `zip` crate keeps one of them.
    if archive.has_duplicate_names() {
        return Err(bad(
            path,
            "holds a file name twice: which one to import cannot be told; unzip it and import one",
        ));
    }
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
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
        if !name
            .rsplit('/')
            .next()
            .is_some_and(|b| b.to_lowercase().ends_with(".csv"))
        {
            continue;
        }
        if out
            .iter()
            .any(|e: &Entry| e.name.eq_ignore_ascii_case(&name))
        {
            return Err(bad(
                path,
                format!(
                    "holds {name} twice: which one to import cannot be told; unzip it and import one"
                ),
            ));
        }
        if entry.encrypted() {
            return Err(bad(
                path,
                format!("{name} is encrypted: unzip it with its password and import the CSV"),
            ));
        }
        let method = match entry.compression() {
            zip::CompressionMethod::Stored => Method::Stored,
            zip::CompressionMethod::Deflated => Method::Deflated,
            other => {
                return Err(bad(
                    path,
                    format!("{name} is compressed with {other}: unzip it and import the CSV"),
                ));
            }
        };
        if entry.size() > MAX_UNPACKED {
            return Err(bad(
                path,
                format!("{name} unpacks to more than {} GiB", MAX_UNPACKED >> 30),
            ));
        }
        let Some(data_start) = entry.data_start() else {
            return Err(bad(path, format!("{name}: its data cannot be found")));
        };
        let entry = Entry {
            archive: path.to_path_buf(),
            name,
            data_start,
            compressed: entry.compressed_size(),
            size: entry.size(),
            crc32: entry.crc32(),
            method,
        };
        // Read through once, so a damaged entry is refused before any of its rows is used.
        std::io::copy(&mut entry.open()?, &mut std::io::sink()).map_err(|e| bad(path, e))?;
        out.push(entry);
    }
    if out.is_empty() {
        return Err(bad(path, "the archive holds no .csv file"));
    }
    Ok(out)
}
