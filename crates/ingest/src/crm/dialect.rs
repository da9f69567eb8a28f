//! A CRM export file as rows of text: its encoding and delimiter found from its first bytes,
//! read as RFC 4180 CSV (the `csv` crate: quoted fields, doubled quotes, line breaks inside a
//! quoted field, CRLF or LF), decoded as it streams (`encoding_rs_io`), the byte order mark
//! dropped, and the footer lines of a Salesforce report export passed over.
//!
//! What the files really are (the CRM formats note, section 4): UTF-8 with a BOM (Salesforce
//! Data Loader's default, Excel's "CSV UTF-8") or without (HubSpot); a legacy code page when
//! Excel re-saved the file in "Comma Separated Values" (Windows-1252 on Windows, MacRoman on a
//! Mac, or the locale's page elsewhere); `;` where the locale writes a decimal comma; tabs from
//! some tools. The encoding is told, not guessed blindly: valid UTF-8 is UTF-8; otherwise
//! `chardetng` (Firefox's detector of legacy encodings) names the page, and since it never
//! names MacRoman (not a web encoding), a file it calls Windows-1252 is checked against
//! MacRoman by which decoding reads as words (`plausibility`): no crate does that check.
//!
//! A spreadsheet export (`.xlsx`, `.xls`, `.ods`: Pipedrive and Salesforce reports offer one)
//! is read by `calamine`: its first sheet, each cell written as the text a CSV export would
//! hold (a whole number without `.0`, a date cell as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`),
//! each row with its row number as its line. The sheet is read whole (calamine's range), so a
//! workbook's memory is its size, not one row's.

use super::archive;
use crate::IngestError;
use encoding_rs::Encoding;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The most a workbook may unpack to (its parts' uncompressed sizes): 2 GiB.
pub const MAX_WORKBOOK_BYTES: u64 = 2 << 30;

/// The most cells a workbook's first sheet may span, its rows times its columns from the first
/// used cell to the last: 20 million (a CRM export of a million rows and 20 columns). calamine
/// lays a sheet out whole, so one stray value far out (`XFD1048576` in a 5 KB file) would
/// otherwise ask for terabytes.
pub const MAX_SHEET_CELLS: u64 = 20_000_000;

/// The first sheet of an `.xlsx` or `.xlsb` workbook, its cells streamed (the empty ones
/// passed over) and laid out only when they span at most [`MAX_SHEET_CELLS`] (rows times
/// columns from the first used cell to the last): `Ok(range)`, or `Err(span)` at the first
/// cell that takes the span past it. `None` for `.xls` (bounded by its format: 65,536 rows of 256 columns) and `.ods`
/// (calamine caps those at 100 million cells), which calamine lays out itself.
///
/// Errors: calamine's, in words.
fn streamed_sheet(
    book: &mut calamine::Sheets<std::io::BufReader<std::fs::File>>,
) -> Result<Option<Result<calamine::Range<calamine::Data>, u64>>, String> {
    use calamine::{Cell, Data, DataType, Reader, Sheets};
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err("the workbook has no sheet".to_string());
    };
    let mut cells: Vec<Cell<Data>> = Vec::new();
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    // Keeps a cell; the span so far (the bounds only grow, so the first cell past the limit
    // ends the read).
    let mut add = |position: (u32, u32), value: Data| -> u64 {
        let (row, col) = position;
        let (r0, r1, c0, c1) = match bounds {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        };
        bounds = Some((r0, r1, c0, c1));
        cells.push(Cell::new(position, value));
        (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
    };
    // The xlsx and xlsb cell readers are two types with the same methods and no shared trait.
    macro_rules! lay_out {
        ($book:expr) => {{
            let mut read = $book
                .worksheet_cells_reader(&name)
                .map_err(|e| e.to_string())?;
            while let Some(c) = read.next_cell().map_err(|e| e.to_string())? {
                if !c.get_value().is_empty() {
                    let span = add(c.get_position(), c.get_value().clone().into());
                    if span > MAX_SHEET_CELLS {
                        return Ok(Some(Err(span)));
                    }
                }
            }
        }};
    }
    match book {
        Sheets::Xlsx(x) => lay_out!(x),
        Sheets::Xlsb(x) => lay_out!(x),
        Sheets::Xls(_) | Sheets::Ods(_) => return Ok(None),
    }
    Ok(Some(Ok(calamine::Range::from_sparse(cells))))
}

/// How much of the file's start is looked at to tell its dialect.
pub const SNIFF_BYTES: usize = 1 << 20;

/// The longest cell or row accepted: 1 MiB (Salesforce allows 32,000 characters in a field;
/// a longer row is a broken file, not data).
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// How a file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// The character encoding (`encoding_rs::UTF_8`, `WINDOWS_1252`, `MACINTOSH`...).
    pub encoding: &'static Encoding,
    /// It starts with a UTF-8 (or UTF-16) byte order mark.
    pub bom: bool,
    /// `,`, `;` or tab.
    pub delimiter: u8,
    /// Valid UTF-8 holding the marks of UTF-8 text once decoded as MacRoman or Windows-1252 and
    /// saved again (`O‚ÄôConnor`, `M√ºller`, `MÃ¼ller`): the text is kept as it is and the import
    /// warns, since undoing it could damage a name that really holds those characters.
    pub mojibake: bool,
    /// The rows come from a workbook's sheet: a bare number in a date column is an Excel serial
    /// day (days since 1899-12-30: Pipedrive's XLSX exports write dates so).
    pub spreadsheet: bool,
}

/// Tells the dialect from the file's first bytes (`head`, at most [`SNIFF_BYTES`]; `complete`
/// when that is the whole file).
pub fn sniff(head: &[u8], complete: bool) -> Dialect {
    let (bom, body) = match head {
        [0xEF, 0xBB, 0xBF, rest @ ..] => (true, rest),
        _ => (false, head),
    };
    let utf16 = matches!(head, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]);
    let encoding = if utf16 {
        if head[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        }
    } else if bom || valid_utf8_prefix(body, complete) {
        encoding_rs::UTF_8
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(body, complete);
        let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
        if guess == encoding_rs::WINDOWS_1252
            && plausibility(encoding_rs::MACINTOSH, body) > plausibility(guess, body)
        {
            encoding_rs::MACINTOSH
        } else {
            guess
        }
    };
    let (text, _, _) = encoding.decode(head);
    let first_line = first_record_line(&text);
    Dialect {
        encoding,
        bom: bom || utf16,
        delimiter: delimiter_of(first_line),
        mojibake: encoding == encoding_rs::UTF_8 && has_mojibake(&text),
        spreadsheet: false,
    }
}

/// Valid UTF-8, allowing a character cut at the end of a partial read.
fn valid_utf8_prefix(bytes: &[u8], complete: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => !complete && e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4,
    }
}

/// The header line: up to the first line break outside quotes.
fn first_record_line(text: &str) -> &str {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => return &text[..i],
            _ => {}
        }
    }
    text
}

/// The delimiter the header line uses most outside quotes: `,`, `;` or tab (`,` when none).
fn delimiter_of(line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 2 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

/// The marks UTF-8 text leaves when decoded as MacRoman (`‚Äô` for `’`, `√º` for `ü`) or
/// Windows-1252 (`Ã¼` for `ü`, `â€™` for `’`) and saved again as UTF-8.
fn has_mojibake(text: &str) -> bool {
    [
        "‚Äô", "‚Äú", "‚Äù", "‚Äì", "√©", "√º", "√∂", "√§", "Ã©", "Ã¼", "Ã¶", "Ã¤", "â€™", "â€œ",
        "â€",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// How much a decoding reads as text: letters of Western European languages next to letters
/// count for it; symbols and controls inside words count against it. Windows-1252 and MacRoman
/// give every byte some character, so only which reading makes words tells them apart.
fn plausibility(encoding: &'static Encoding, bytes: &[u8]) -> i64 {
    let (text, _, _) = encoding.decode(bytes);
    let chars: Vec<char> = text.chars().collect();
    let mut score = 0i64;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() {
            continue;
        }
        let near_letter = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|n| n.is_ascii_alphabetic())
        };
        let inside = near_letter(i.checked_sub(1)) || near_letter(Some(i + 1));
        let wordy = c.is_alphabetic()
            && "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝœŒ".contains(c);
        let typographic = "’‘“”–—€…".contains(c);
        score += match (wordy, typographic, inside) {
            (true, _, true) => 2,
            (true, _, false) => 1,
            (_, true, _) => 1,
            (false, false, true) => -3,
            (false, false, false) => -1,
        };
    }
    score
}

/// One row of a sheet: the physical line its record starts on (1 is the header) and its cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
    /// Why the row cannot be read (not the header's number of fields), when it cannot: its
    /// cells are then empty, and the row is refused with this reason.
    pub broken: Option<String>,
}

/// A CRM export being read: its dialect, its headers (trimmed; compare them with
/// `eq_ignore_ascii_case`, since Data Loader can write them upper-case) and its rows as they
/// are read.
pub struct Sheet {
    pub path: PathBuf,
    pub dialect: Dialect,
    pub headers: Vec<String>,
    /// Footer and subtotal lines passed over (a Salesforce report's "Grand Totals (N
    /// records)", its confidentiality and copyright lines): (line, text).
    pub footer: Vec<(u64, String)>,
    source: Source,
}

/// Where a sheet's rows come from.
enum Source {
    Csv {
        reader: csv::Reader<Lines>,
        record: csv::StringRecord,
        lines: Arc<Mutex<LineCount>>,
    },
    /// A workbook's rows, read already: (row number, cells).
    Cells(std::vec::IntoIter<(u64, Vec<String>)>),
}

/// Where the line breaks fell in the text read so far, to give a record its physical line:
/// the csv reader's own count leaves out blank lines and lines ended by a CR alone. A line
/// ends at LF, CRLF (one break, at its LF) or a CR alone (Mac Excel's "CSV"), as the csv
/// reader's terminator does. Only the breaks after the last record asked about are kept (the
/// reader's read-ahead), so memory stays bounded.
#[derive(Default)]
struct LineCount {
    /// Line breaks before `breaks[0]`, dropped already.
    before: u64,
    /// Byte offsets of the line breaks still kept.
    breaks: std::collections::VecDeque<u64>,
    /// Bytes read so far.
    read: u64,
    /// A CR read last, at this offset: a break of its own unless an LF follows.
    cr: Option<u64>,
    /// Where the record being read starts (the end of the last one): the reader refuses to
    /// read on once a record runs past [`MAX_ROW_BYTES`] (a quote never closed, or a file of
    /// one endless line), so a record is never held whole however long it runs.
    record_start: u64,
    /// The line the runaway record began on, once the reader refused it.
    runaway: Option<u64>,
}

impl LineCount {
    /// The 1-based line of the byte at `offset`; forgets the breaks before it.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.breaks.front().is_some_and(|&b| b < offset) {
            self.breaks.pop_front();
            self.before += 1;
        }
        self.before + 1
    }
}

/// The text, passed through while its line breaks are counted.
struct Lines {
    inner: Box<dyn Read + Send>,
    count: Arc<Mutex<LineCount>>,
}

impl LineCount {
    /// Counts the breaks in `bytes`, the next ones read.
    fn count(&mut self, bytes: &[u8]) {
        let start = self.read;
        if bytes.is_empty() {
            // The end: a CR last in the text ended its line.
            if let Some(cr) = self.cr.take() {
                self.breaks.push_back(cr);
            }
            return;
        }
        for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            let at = start + i as u64;
            let lf = bytes[i] == b'\n';
            // The CR before is a break of its own unless this is the LF right after it.
            if let Some(cr) = self.cr.take()
                && !(lf && cr + 1 == at)
            {
                self.breaks.push_back(cr);
            }
            if lf {
                self.breaks.push_back(at);
            } else {
                self.cr = Some(at);
            }
        }
        self.read += bytes.len() as u64;
        // A CR with its next byte read already (no LF, or the loop took it) ended a line.
        if let Some(cr) = self.cr
            && cr + 1 < self.read
        {
            self.breaks.push_back(cr);
            self.cr = None;
        }
    }
}

/// The line breaks in a cell: LF, CRLF and a CR alone each count once.
fn breaks_in(cell: &str) -> u64 {
    let b = cell.as_bytes();
    memchr::memchr2_iter(b'\r', b'\n', b)
        .filter(|&i| !(b[i] == b'\n' && i > 0 && b[i - 1] == b'\r'))
        .count() as u64
}

impl Read for Lines {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Ok(mut c) = self.count.lock()
            && c.read.saturating_sub(c.record_start) > 2 * MAX_ROW_BYTES as u64
        {
            let start = c.record_start;
            let line = c.line_at(start);
            c.runaway = Some(line);
            return Err(std::io::Error::other(format!(
                "the row runs past {MAX_ROW_BYTES} bytes (a quote opened and never closed, or not a CSV export)"
            )));
        }
        let n = self.inner.read(buf)?;
        if let Ok(mut c) = self.count.lock() {
            c.count(&buf[..n]);
        }
        Ok(n)
    }
}

fn io(path: &Path, e: std::io::Error) -> IngestError {
    IngestError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

fn bad(path: &Path, line: u64, why: impl std::fmt::Display) -> IngestError {
    IngestError::Row {
        path: path.to_path_buf(),
        line,
        why: why.to_string(),
    }
}

impl Sheet {
    /// Opens `path`: its dialect from its first bytes, then its header row.
    ///
    /// Errors: [`IngestError::Io`] naming the file when it cannot be read;
    /// [`IngestError::NotRegular`] for a pipe or a device; [`IngestError::Row`] when it is empty
    /// or its header row is not CSV.
    pub fn open(path: &Path) -> Result<Sheet, IngestError> {
        // A pipe or a socket could keep the read waiting for ever; a folder or a device is no
        // export either.
        if !std::fs::metadata(path).map_err(|e| io(path, e))?.is_file() {
            return Err(bad(
                path,
                1,
                "not a regular file (a folder, a pipe or a device): name an export file",
            ));
        }
        let file = std::fs::File::open(path).map_err(|e| io(path, e))?;
        let mut head = Vec::with_capacity(64 * 1024);
        file.take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| io(path, e))?;
        let complete = head.len() < SNIFF_BYTES;
        if head.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(bad(path, 1, "the file is empty: no header row"));
        }
        if is_workbook(path, &head) {
            return Sheet::from_workbook(path);
        }
        Sheet::from_text(path, &head, complete, || {
            Ok(Box::new(
                std::fs::File::open(path).map_err(|e| io(path, e))?,
            ))
        })
    }

    /// A CSV file inside a ZIP archive, read in place; every error names it as
    /// `archive.zip:entry.csv` ([`archive::Entry::shown`]).
    ///
    /// Errors: as [`Sheet::open`], and the archive's when the entry cannot be unpacked.
    pub fn open_entry(entry: &archive::Entry) -> Result<Sheet, IngestError> {
        let path = PathBuf::from(entry.shown());
        let mut head = Vec::with_capacity(64 * 1024);
        entry
            .open()?
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| io(&path, e))?;
        let complete = head.len() < SNIFF_BYTES;
        if head.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(bad(&path, 1, "the file is empty: no header row"));
        }
        Sheet::from_text(&path, &head, complete, || entry.open())
    }

    /// A text export whose first bytes are `head` (all of it when `complete`), read again
    /// from its start through `open`, decoded to UTF-8 from the encoding `head` shows.
    fn from_text(
        path: &Path,
        head: &[u8],
        complete: bool,
        open: impl FnOnce() -> Result<Box<dyn Read + Send>, IngestError>,
    ) -> Result<Sheet, IngestError> {
        // Text in any encoding a CRM or Excel writes has no NUL byte (UTF-16 aside, told by its
        // byte order mark): a file with them is a spreadsheet, an archive or a program.
        let utf16 = matches!(head, [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]);
        if !utf16 && let Some(at) = head.iter().position(|&b| b == 0) {
            let line = 1 + head[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            return Err(bad(
                path,
                line,
                "not a text file (it holds NUL bytes): export the CRM's records as CSV",
            ));
        }
        let dialect = sniff(head, complete);
        let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(dialect.encoding))
            .bom_sniffing(true)
            .strip_bom(true)
            .build(open()?);
        Sheet::from_reader(path, dialect, Box::new(decoded))
    }

    /// A sheet over text already decoded to UTF-8 (a file inside a ZIP, a test).
    ///
    /// Errors: as [`Sheet::open`].
    pub fn from_reader(
        path: &Path,
        dialect: Dialect,
        reader: Box<dyn Read + Send>,
    ) -> Result<Sheet, IngestError> {
        let lines = Arc::new(Mutex::new(LineCount::default()));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .flexible(true)
            .has_headers(false)
            .from_reader(Lines {
                inner: reader,
                count: lines.clone(),
            });
        let mut record = csv::StringRecord::new();
        let read = reader
            .read_record(&mut record)
            .map_err(|e| bad(path, 1, csv_why(&e)))?;
        if !read {
            return Err(bad(path, 1, "the file is empty: no header row"));
        }
        let headers: Vec<String> = record
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(bad(path, 1, "the header row is empty"));
        }
        if let Ok(mut c) = lines.lock() {
            c.record_start = reader.position().byte();
        }
        Ok(Sheet {
            path: path.to_path_buf(),
            dialect,
            headers,
            footer: Vec::new(),
            source: Source::Csv {
                reader,
                record,
                lines,
            },
        })
    }

    /// A workbook's first sheet (`.xlsx`, `.xlsb`, `.xls`, `.ods`), read by `calamine`: the
    /// first row that holds anything is the header row; blank rows are passed over.
    ///
    /// Errors: [`IngestError::Row`] naming the file when it is not a workbook calamine reads,
    /// has no sheet, or its sheet is empty.
    pub fn from_workbook(path: &Path) -> Result<Sheet, IngestError> {
        use calamine::Reader;
        let unreadable = |e: &dyn std::fmt::Display| {
            bad(path, 1, format!("not a spreadsheet that can be read ({e})"))
        };
        // A workbook's parts are compressed: one that unpacks to more than a workbook can
        // hold (Excel's 1,048,576 rows of a CRM export) is refused before it is read.
        if let Ok(Ok(archive)) = std::fs::File::open(path).map(zip::ZipArchive::new)
            && archive
                .decompressed_size()
                .is_some_and(|n| n > MAX_WORKBOOK_BYTES as u128)
        {
            return Err(bad(
                path,
                1,
                format!(
                    "the workbook unpacks to more than {} GiB: export it as CSV",
                    MAX_WORKBOOK_BYTES >> 30
                ),
            ));
        }
        // calamine is a parser of a binary format: whatever it meets, the import ends with an
        // error naming the file, never a crash.
        let read = std::panic::catch_unwind(|| {
            let mut book = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
            if let Some(sheet) = streamed_sheet(&mut book)? {
                return Ok(sheet);
            }
            match book.worksheet_range_at(0) {
                Some(r) => r.map(Ok).map_err(|e| e.to_string()),
                None => Err("the workbook has no sheet".to_string()),
            }
        });
        let range = match read {
            Ok(Ok(Ok(range))) => range,
            Ok(Ok(Err(span))) => {
                return Err(bad(
                    path,
                    1,
                    format!(
                        "the first sheet spans {span} cells from its first used cell to its last, more than the {MAX_SHEET_CELLS} read from a workbook (a stray value far below or right of the data, or a very large export): clear the cells outside the data, or export it as CSV"
                    ),
                ));
            }
            Ok(Err(e)) => return Err(unreadable(&e)),
            Err(_) => return Err(unreadable(&"its contents could not be parsed")),
        };
        let first = range.start().map_or(0, |(row, _)| u64::from(row));
        let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
        for (i, cells) in range.rows().enumerate() {
            let text: Vec<String> = cells.iter().map(cell_text).collect();
            if text.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((first + i as u64 + 1, text));
        }
        let mut rows = rows.into_iter();
        let Some((_, header)) = rows.next() else {
            return Err(bad(path, 1, "the sheet is empty: no header row"));
        };
        let headers: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
        Ok(Sheet {
            path: path.to_path_buf(),
            dialect: Dialect {
                encoding: encoding_rs::UTF_8,
                bom: false,
                delimiter: b',',
                mojibake: false,
                spreadsheet: true,
            },
            headers,
            footer: Vec::new(),
            source: Source::Cells(rows),
        })
    }

    /// The index of a header, any case.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The next data row, or `None` at the end. Footer lines are passed over into
    /// [`Sheet::footer`]; a leading `'` that Data Loader puts before `=`, `+`, `-` or `@` (its
    /// guard against formula injection) is taken off; cells are not trimmed otherwise.
    ///
    /// Errors: [`IngestError::Row`] naming the file and the line: a row that is not CSV, a row
    /// over [`MAX_ROW_BYTES`].
    pub fn next_row(&mut self) -> Result<Option<Row>, IngestError> {
        let (reader, record, lines) = match &mut self.source {
            Source::Csv {
                reader,
                record,
                lines,
            } => (reader, record, lines),
            Source::Cells(rows) => {
                for (line, mut cells) in rows.by_ref() {
                    if let Some(text) = footer_text(cells.iter().map(String::as_str)) {
                        self.footer.push((line, text));
                        continue;
                    }
                    // A sheet's rows are as wide as its widest: the cells past the header's
                    // are empty ones, or the row is refused for what they hold.
                    if cells.len() > self.headers.len()
                        && cells[self.headers.len()..]
                            .iter()
                            .any(|c| !c.trim().is_empty())
                    {
                        return Ok(Some(Row {
                            line,
                            cells: Vec::new(),
                            broken: Some(format!(
                                "values past the header's {} columns",
                                self.headers.len()
                            )),
                        }));
                    }
                    cells.resize(self.headers.len(), String::new());
                    return Ok(Some(Row {
                        line,
                        cells,
                        broken: None,
                    }));
                }
                return Ok(None);
            }
        };
        let line_at = |byte: u64| lines.lock().map_or(0, |mut c| c.line_at(byte));
        loop {
            let read = match reader.read_record(record) {
                Ok(r) => r,
                Err(e) => {
                    let runaway = lines.lock().ok().and_then(|c| c.runaway);
                    let line = runaway
                        .or_else(|| e.position().map(|p| line_at(p.byte())))
                        .unwrap_or(0);
                    return Err(bad(&self.path, line, csv_why(&e)));
                }
            };
            if !read {
                return Ok(None);
            }
            if let Ok(mut c) = lines.lock() {
                c.record_start = reader.position().byte();
            }
            // Two lower bounds of the line the record starts on, the larger right: the line the
            // reader began it on (before the blank lines it passed over), and its last line less
            // the line breaks its quoted cells hold (one too few when a quote never closed took
            // the file's last line break into a cell).
            let end = reader.position().byte();
            let began = record.position().map_or(0, |p| line_at(p.byte()));
            let inner: u64 = record.iter().map(breaks_in).sum();
            let last_line = line_at(end.saturating_sub(1));
            let line = last_line.saturating_sub(inner).max(began);
            let last_line = last_line.max(line);
            if record.as_slice().len() > MAX_ROW_BYTES {
                return Err(bad(
                    &self.path,
                    line,
                    format!("the row is longer than {} bytes", MAX_ROW_BYTES),
                ));
            }
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if let Some(text) = footer_text(record.iter()) {
                self.footer.push((line, text));
                continue;
            }
            // RFC 4180: every record has the header's number of fields. A row with another
            // number is broken (a quote opened and never closed swallows the rows after it; a
            // stray quote shifts the columns): refused, never read into the wrong fields.
            if record.len() != self.headers.len() {
                let swallowed = if last_line > line + 1 {
                    format!(
                        ": a quoted field opens on this line and runs to line {last_line}, the {} lines after it read into it",
                        last_line - line
                    )
                } else {
                    String::new()
                };
                return Ok(Some(Row {
                    line,
                    cells: Vec::new(),
                    broken: Some(format!(
                        "{} fields where the header has {}: a quote may be missing or stray{swallowed}",
                        record.len(),
                        self.headers.len()
                    )),
                }));
            }
            let cells = record.iter().map(unguard).collect();
            return Ok(Some(Row {
                line,
                cells,
                broken: None,
            }));
        }
    }
}

fn csv_why(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "text that is not valid in the file's encoding".into(),
        csv::ErrorKind::Io(e) => e.to_string(),
        _ => e.to_string(),
    }
}

/// Whether the file at `path` (whose first bytes are `head`) is a workbook: an OLE2 compound
/// file (`.xls`), or a ZIP whose directory lists a workbook part (`xl/workbook.xml` or
/// `xl/workbook.bin`: `.xlsx`, `.xlsb`; `content.xml` beside an OpenDocument `mimetype`:
/// `.ods`). A ZIP of CSV files (HubSpot's) is not one.
pub fn is_workbook(path: &Path, head: &[u8]) -> bool {
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return true;
    }
    if !head.starts_with(b"PK\x03\x04") {
        return false;
    }
    let Ok(archive) = std::fs::File::open(path).map(zip::ZipArchive::new) else {
        return false;
    };
    let Ok(archive) = archive else {
        return false;
    };
    let names: Vec<&[u8]> = archive.file_names_raw().collect();
    names
        .iter()
        .any(|n| matches!(*n, b"xl/workbook.xml" | b"xl/workbook.bin"))
        || (names.contains(&&b"mimetype"[..]) && names.contains(&&b"content.xml"[..]))
}

/// A workbook cell as the text a CSV export holds: a whole number without `.0`, a date cell as
/// `YYYY-MM-DD` (or with `HH:MM:SS` when it has a time of day), a formula error as Excel shows
/// it (`#N/A`), an empty cell empty.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Error(e) => e.to_string(),
        Data::DateTime(d) => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            }
        }
    }
}

/// Data Loader writes `'=1+1` for a value `=1+1` (formula-injection guard).
fn unguard(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

/// A Salesforce report's footer and subtotal rows: a row that starts with "Grand Totals (N
/// records)" or "Total" (its sums follow), or whose only cell is "Confidential Information -
/// Do Not Distribute" or the copyright line.
fn footer_text<'a>(cells: impl Iterator<Item = &'a str> + Clone) -> Option<String> {
    let filled: Vec<&str> = cells
        .clone()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let first = cells.clone().next().map(str::trim)?;
    let lower = first.to_lowercase();
    let totals = lower.starts_with("grand totals") || lower == "total";
    let notice = filled.len() == 1
        && (lower.starts_with("confidential information")
            || (lower.starts_with("copyright") && lower.contains("salesforce")));
    (totals || notice).then(|| filled.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_the_header_uses_outside_quotes() {
        assert_eq!(delimiter_of(r#""Record ID","Deal Name","a;b""#), b',');
        assert_eq!(
            delimiter_of("Activity - ID;Activity - Subject;Activity - Note"),
            b';'
        );
        assert_eq!(delimiter_of("Id\tName\tStageName"), b'\t');
        assert_eq!(delimiter_of("Id"), b',');
    }

    #[test]
    fn utf8_is_told_from_windows_1252_and_macroman() {
        let utf8 = "Name\nJürgen Krämer\n".as_bytes();
        assert_eq!(sniff(utf8, true).encoding, encoding_rs::UTF_8);
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252
            .encode("Name;Note\nJürgen Krämer;Rückruf nach Baustellenbesuch, 22.000,00 €\n");
        let d = sniff(&cp1252, true);
        assert_eq!(d.encoding, encoding_rs::WINDOWS_1252);
        assert_eq!(d.delimiter, b';');
        let (mac, _, _) = encoding_rs::MACINTOSH
            .encode("Name,Note\nJürgen Krämer,Rückruf nach Baustellenbesuch für Müller\n");
        assert_eq!(sniff(&mac, true).encoding, encoding_rs::MACINTOSH);
    }

    #[test]
    fn re_saved_utf8_is_flagged_not_repaired() {
        let d = sniff("Name\nO‚ÄôConnor\n".as_bytes(), true);
        assert_eq!(d.encoding, encoding_rs::UTF_8);
        assert!(d.mojibake);
        assert!(!sniff("Name\nO’Connor\n".as_bytes(), true).mojibake);
    }

    #[test]
    fn a_cut_character_at_the_end_of_the_sniffed_part_is_still_utf8() {
        let text = "Name\nJürgen".as_bytes();
        let cut = &text[..text.len() - 4];
        assert!(valid_utf8_prefix(&cut[..cut.len()], false));
        let bytes = "Name\nü".as_bytes();
        assert!(valid_utf8_prefix(&bytes[..bytes.len() - 1], false));
        assert!(!valid_utf8_prefix(&bytes[..bytes.len() - 1], true));
    }

    #[test]
    fn lf_crlf_and_a_cr_alone_each_end_one_line_wherever_the_reads_cut() {
        let text = b"a\nb\r\nc\rd\r\re\r";
        // The break offsets: LF at 1, CRLF's LF at 4, CRs at 6, 8 and 9, the last CR at 11.
        let want = vec![1, 4, 6, 8, 9, 11];
        for cut in 0..=text.len() {
            let mut c = LineCount::default();
            c.count(&text[..cut]);
            c.count(&text[cut..]);
            c.count(&[]);
            assert_eq!(Vec::from(c.breaks.clone()), want, "cut at {cut}");
        }
        assert_eq!(breaks_in("one\r\ntwo\rthree\nfour"), 3);
    }

    #[test]
    fn footers_and_guards() {
        let r = csv::StringRecord::from(vec!["Grand Totals (3 records)", "", ""]);
        assert!(footer_text(r.iter()).is_some());
        let r = csv::StringRecord::from(vec!["Acme", "Total", ""]);
        assert!(footer_text(r.iter()).is_none());
        let r = csv::StringRecord::from(vec!["Total", "", "$1,000"]);
        assert!(footer_text(r.iter()).is_some());
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("'quoted'"), "'quoted'");
    }
}
