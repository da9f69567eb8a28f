//! Shared plumbing for commands: the clock, the database, and printing tables or JSON.

use crate::args::Global;
use anyhow::{Result, bail};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use jiff::Timestamp;
use rekindle_core::{DealId, time};
use rekindle_store::Store;
use serde::Serialize;
use std::path::PathBuf;

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

pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    // `COLUMNS` when the shell exports it; otherwise a width that suits most terminals.
    t.set_width(
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(140),
    );
    t
}

pub fn day(t: Timestamp) -> String {
    time::date_of(t).to_string()
}
