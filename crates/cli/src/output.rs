//! Shared plumbing for commands: the clock, the database, and printing tables or JSON.

use crate::args::Global;
use anyhow::{Result, bail};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use jiff::Timestamp;
use rekindle_core::{DealId, time};
use rekindle_store::Store;
use serde::Serialize;
use std::path::PathBuf;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `--now`, or the clock.
pub fn now(g: &Global) -> Result<Timestamp> {
    match &g.now {
        Some(text) => Ok(time::parse_instant("--now", text)?),
        None => Ok(Timestamp::now()),
    }
}

pub fn db_path(g: &Global) -> PathBuf {
    if let Some(p) = &g.db {
        return p.clone();
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("rekindle").join("rekindle.db")
}

/// Opens an existing database; a missing one is an error that says how to create it.
pub async fn open(g: &Global) -> Result<Store> {
    let path = db_path(g);
    if !path.exists() {
        bail!(
            "no database at {}: run `rekindle init` (or pass --db)",
            path.display()
        );
    }
    let mut store = Store::open(&path).await.map_err(|e| match e {
        // It names the file already.
        rekindle_store::StoreError::Unusable { .. } => anyhow::Error::new(e),
        e => anyhow::Error::new(e).context(format!("opening {}", path.display())),
    })?;
    store.on_wait(|| {
        eprintln!(
            "waiting for another rekindle command (an import or a sync?) to finish writing..."
        )
    });
    Ok(store)
}

pub fn deal_id(text: &str) -> Result<DealId> {
    Ok(text.parse::<DealId>()?)
}

/// Writes compact JSON straight to standard output (pipe it through `jq` to read it): a
/// 100,000-deal scan is never held as one string.
pub fn print_json<T: Serialize>(value: &T) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Prints `value` as JSON with `--json`, otherwise the human line.
/// Text made safe for a terminal: control characters other than line breaks and tabs are
/// shown in caret notation (`^[` for ESC), so text from a mail or a file can neither move the
/// cursor, rewrite what was printed nor retitle the window (ECMA-48 control functions all
/// start with a C0 or C1 control). C1 controls become U+FFFD.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !unsafe_char(c) => out.push(c),
            '\u{7f}' => out.push_str("^?"),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from(b'@' + c as u8));
            }
            _ => out.push('\u{fffd}'),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `println!` for what people read: the text goes through `terminal_safe`.
macro_rules! say {
    () => {
        println!()
    };
    ($($arg:tt)*) => {
        println!("{}", $crate::output::terminal_safe(&format!($($arg)*)))
    };
}
pub(crate) use say;

pub fn report<T: Serialize>(g: &Global, value: &T, human: impl FnOnce() -> String) -> Result<()> {
    if g.json {
        print_json(value)
    } else {
        say!("{}", human());
        Ok(())
    }
}

/// How to give, on the command line, the input a failure of the app is about
/// (`AppError::input`): the app names inputs in the domain's words, the CLI adds its flags.
pub fn flag_for(input: rekindle_app::Input) -> &'static str {
    use rekindle_app::Input;
    match input {
        Input::OwnAddresses => "give them with --me you@company.com",
        Input::Sender => "give it with --from you@company.com",
        Input::SmtpServer => "give it with --host (and --user)",
        Input::Security => "given with --security",
        Input::Mailbox => "give them with --host and --user",
        Input::Calendars => "give them with --url and --user",
        Input::NoticeDays => "given with --notice-days",
        Input::ResurfaceOn => "given with --resurface",
        Input::Until => "given with --until",
        Input::LiftStop => "with --lift-stop",
    }
}

/// A count with its noun in the right number: `count(1, "open deal", "open deals")` is
/// "1 open deal", `count(2, ...)` "2 open deals".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Says each warning on standard error (`warning: ...`), for input that is accepted but may be
/// a slip, and adds them to `value` (a JSON object) as its `warnings` array, empty when none.
pub fn warned(mut value: serde_json::Value, warnings: &[String]) -> serde_json::Value {
    for w in warnings {
        eprintln!("warning: {}", terminal_safe(w));
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("warnings".into(), serde_json::json!(warnings));
    }
    value
}

/// The width tables are fitted to: `COLUMNS` when the shell exports it, else 80, the width
/// every terminal has.
fn table_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w > 0)
        .unwrap_or(80)
}

/// A table for reading in any terminal (`classes`, the evaluation's figures): fitted to its
/// width by wrapping. Records are listed with `Listing`.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec())
        .set_width(u16::try_from(table_width()).unwrap_or(u16::MAX));
    t
}

/// How a column of a `Listing` gives way when the table is wider than the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Never cut: ids, which are copied from the table into the next command, and amounts
    /// and dates, which cut short would mislead.
    Whole,
    /// Cut short with "…" when the table is too wide; the number is the column's share of
    /// the room the cut columns divide (1 for most, 2 for the text a row is read for).
    Cut(usize),
    /// Cut like `Cut(1)`, and left out, the rightmost first, when the table cannot otherwise
    /// give each cut column `ROOMY` columns (`show` and `--json` have every field).
    Spare,
}

/// The width a cut column needs to be read: below it, spare columns give way.
const ROOMY: usize = 12;

/// The border a row of the table style costs: `│ ` before each cell, ` ┆ ` between cells and
/// ` │` after the last.
fn borders(columns: usize) -> usize {
    3 * columns + 1
}

/// The records a command lists, one row each, fitted to the terminal (`table_width`): no
/// cell wraps; a cell too long for its column is cut short with "…" (`--json` gives every
/// value whole), a cell of several lines (a list) keeps one line an item, each cut alike.
/// Text goes through `terminal_safe` before it is measured.
pub struct Listing {
    columns: Vec<(String, Fit)>,
    rows: Vec<Vec<String>>,
}

impl Listing {
    pub fn new(columns: &[(&str, Fit)]) -> Listing {
        Listing {
            columns: columns.iter().map(|(h, f)| (h.to_string(), *f)).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row, one cell a column.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| terminal_safe(&c).into_owned())
                .collect(),
        );
    }

    /// The widest line of column `i`, header included.
    fn natural(&self, i: usize) -> usize {
        std::iter::once(self.columns[i].0.as_str())
            .chain(
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(String::as_str),
            )
            .flat_map(str::lines)
            .map(UnicodeWidthStr::width)
            .max()
            .unwrap_or(0)
    }

    /// The width of each shown column within `width`, `None` for a column left out.
    fn widths(&self, width: usize) -> Vec<Option<usize>> {
        let natural: Vec<usize> = (0..self.columns.len()).map(|i| self.natural(i)).collect();
        let mut shown: Vec<bool> = vec![true; self.columns.len()];
        loop {
            let widths = fill(&self.columns, &natural, &shown, width);
            let cramped = widths
                .iter()
                .zip(&natural)
                .any(|(w, n)| w.is_some_and(|w| w < (*n).min(ROOMY)));
            let spare = (0..self.columns.len())
                .rev()
                .find(|&i| shown[i] && self.columns[i].1 == Fit::Spare);
            match spare {
                Some(i) if cramped => shown[i] = false,
                _ => return widths,
            }
        }
    }
}

/// Divides `width` among the shown columns: whole ones at their natural width, then the cut
/// ones by share, each column that needs less than its share taking only what it needs.
fn fill(
    columns: &[(String, Fit)],
    natural: &[usize],
    shown: &[bool],
    width: usize,
) -> Vec<Option<usize>> {
    let count = shown.iter().filter(|s| **s).count();
    let mut widths: Vec<Option<usize>> = vec![None; columns.len()];
    let mut room = width.saturating_sub(borders(count));
    let mut open: Vec<usize> = Vec::new();
    for (i, (_, fit)) in columns.iter().enumerate().filter(|(i, _)| shown[*i]) {
        if *fit == Fit::Whole {
            widths[i] = Some(natural[i]);
            room = room.saturating_sub(natural[i]);
        } else {
            open.push(i);
        }
    }
    let share = |i: usize| match columns[i].1 {
        Fit::Cut(n) => n.max(1),
        _ => 1,
    };
    loop {
        let shares: usize = open.iter().map(|&i| share(i)).sum();
        let Some(pos) = open
            .iter()
            .position(|&i| natural[i] * shares <= room * share(i))
        else {
            break;
        };
        let i = open.remove(pos);
        widths[i] = Some(natural[i]);
        room -= natural[i];
    }
    let shares: usize = open.iter().map(|&i| share(i)).sum();
    for &i in &open {
        // Two columns at least: a character and the ellipsis.
        widths[i] = Some((room * share(i) / shares.max(1)).max(2));
    }
    widths
}

/// `text` cut to `width` columns, ending in "…" when it was longer; each line alike.
fn cut(text: &str, width: usize) -> String {
    text.lines()
        .map(|line| {
            if line.width() <= width {
                return line.to_string();
            }
            let mut out = String::new();
            let mut used = 0;
            for c in line.chars() {
                let w = c.width().unwrap_or(0);
                if used + w >= width {
                    break;
                }
                out.push(c);
                used += w;
            }
            format!("{}…", out.trim_end())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl std::fmt::Display for Listing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let widths = self.widths(table_width());
        let keep = |cells: &[String]| -> Vec<String> {
            cells
                .iter()
                .zip(&widths)
                .filter_map(|(c, w)| w.map(|w| cut(c, w)))
                .collect()
        };
        let header: Vec<String> = self.columns.iter().map(|(h, _)| h.clone()).collect();
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(keep(&header));
        for r in &self.rows {
            t.add_row(keep(r));
        }
        write!(f, "{t}")
    }
}

pub fn day(t: Timestamp) -> String {
    time::date_of(t).to_string()
}
