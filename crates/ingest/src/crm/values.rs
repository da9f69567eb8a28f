//! Cell values as CRM exports write them (the CRM formats note, section 4), each parsed into a
//! typed value or refused saying what was expected:
//!
//! - moments: ISO dates (`2024-11-10`), HubSpot's `2020-01-10 10:00` and Pipedrive's
//!   `2026-03-01 10:00:00` (the portal's time zone, no offset), Salesforce's
//!   `2024-01-22T16:14:25.000+0000` and `...000Z`, Excel's `4/8/2025 17:19` and US
//!   `3/28/2025 5:00 PM` (month or day first: [`DateOrder`]) and the European `27.02.2025` / `25.02.2025 09:01` (always day first);
//! - amounts through `rekindle_core::Money::parse` (`45362.12`, `11015.0`, `1.234,50`,
//!   `$48,000`, `22.000,00 €`), with the currency of a separate column when the file has one;
//! - booleans: `true`/`false`, `yes`/`no`, `1`/`0` or empty (Salesforce), Pipedrive's
//!   `Done`/`Not done`/`Undone`, any case;
//! - Salesforce ids, 15-character (reports) or 18-character (API, Data Loader), as the one
//!   18-character form (help.salesforce.com, knowledge article 000004383).

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use rekindle_core::{Currency, Money};

/// Whether `1/2/2025` is the 2nd of January (`Mdy`, Excel in the US) or the 1st of February
/// (`Dmy`, most other locales).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    Mdy,
    Dmy,
}

/// A moment as a cell gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// A day without a time (`CloseDate`, `ActivityDate`: Salesforce keeps them at midnight UTC
    /// and they are not to be shifted by a time zone).
    Day(Date),
    /// A wall-clock time without an offset: in the exporting account's time zone.
    Local(DateTime),
    /// An instant with its offset.
    Instant(Timestamp),
}

impl When {
    /// The instant, reading a wall-clock time in `zone` and a day as its start in UTC.
    pub fn instant(self, zone: &TimeZone) -> Timestamp {
        match self {
            When::Day(d) => rekindle_core::time::start_of_day(d),
            When::Local(dt) => zone
                .to_ambiguous_timestamp(dt)
                .compatible()
                .unwrap_or_else(|_| rekindle_core::time::start_of_day(dt.date())),
            When::Instant(t) => t,
        }
    }

    /// The day it falls on (a wall-clock time's own day; an instant's day in UTC).
    pub fn day(self) -> Date {
        match self {
            When::Day(d) => d,
            When::Local(dt) => dt.date(),
            When::Instant(t) => rekindle_core::time::date_of(t),
        }
    }
}

const EXPECTED_WHEN: &str = "a date such as 2025-03-28, 2025-03-28 17:00, 2025-03-28T17:00:00.000Z, 3/28/2025 17:00 or 28.03.2025";

/// The two numbers before the year in `a/b/yyyy`, when the text has that shape.
fn slashed(text: &str) -> Option<(u32, u32)> {
    let day_part = text.split([' ', 'T']).next()?;
    let mut parts = day_part.split('/');
    let a = parts.next()?.parse().ok()?;
    let b = parts.next()?.parse().ok()?;
    let y = parts.next()?;
    (parts.next().is_none() && y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit()))
        .then_some((a, b))
}

/// The order a column's slashed dates are in, from its values: a first number over 12 means
/// day first, a second over 12 month first. `Ok(None)` when no value tells (every day is 12
/// or less): the caller asks for the order rather than guessing.
///
/// Errors: the column holds both kinds (`13/1/2025` and `1/13/2025`): the two values named.
pub fn infer_order<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Option<DateOrder>, String> {
    let (mut dmy, mut mdy): (Option<&str>, Option<&str>) = (None, None);
    for v in values {
        if let Some((a, b)) = slashed(v.trim()) {
            if a > 12 && dmy.is_none() {
                dmy = Some(v);
            }
            if b > 12 && mdy.is_none() {
                mdy = Some(v);
            }
        }
    }
    match (dmy, mdy) {
        (Some(d), Some(m)) => Err(format!(
            "the column holds day-first ({d}) and month-first ({m}) dates"
        )),
        (Some(_), None) => Ok(Some(DateOrder::Dmy)),
        (None, Some(_)) => Ok(Some(DateOrder::Mdy)),
        (None, None) => Ok(None),
    }
}

/// An Excel serial day (a workbook's date cell without its date format: days since
/// 1899-12-30, the fraction the time of day), from 1 March 1900 (serial 61: before it, Excel's
/// 1900 leap-year bug shifts the count) to 9999-12-31; `None` for anything else.
pub fn serial_day(text: &str) -> Option<When> {
    let v: f64 = text.trim().parse().ok()?;
    if !(61.0..2_958_466.0).contains(&v) {
        return None;
    }
    let days = v.floor();
    let seconds = ((v - days) * 86_400.0).round() as i64;
    let date = jiff::civil::date(1899, 12, 30)
        .checked_add(jiff::Span::new().days(days as i64))
        .ok()?;
    if seconds == 0 {
        return Some(When::Day(date));
    }
    let at = date
        .to_datetime(jiff::civil::Time::midnight())
        .checked_add(jiff::Span::new().seconds(seconds))
        .ok()?;
    Some(When::Local(at))
}

/// Parses a moment. `order` settles `a/b/yyyy`; without it such a date parses only when both
/// numbers are the same or one is over 12.
///
/// Errors: what was expected, that the order of a slashed date is unknown, or a date outside
/// the range Rekindle keeps ([`in_range`]).
pub fn when(text: &str, order: Option<DateOrder>) -> Result<When, String> {
    in_range(text, any_when(text, order)?)
}

/// A moment held to the one range every date in Rekindle keeps to (`time::EARLIEST` to
/// `time::LATEST`, 1900-2199): `9999-12-31` (a CRM's "no end") or Excel's zero day
/// (`1899-12-31`, an empty date cell) is refused on its row, never stored.
///
/// Errors: a moment outside the range, quoting `text`.
pub fn in_range(text: &str, w: When) -> Result<When, String> {
    let day = w.day();
    if (rekindle_core::time::EARLIEST..=rekindle_core::time::LATEST).contains(&day)
        && (rekindle_core::time::EARLIEST..=rekindle_core::time::LATEST).contains(
            &rekindle_core::time::date_of(w.instant(&jiff::tz::TimeZone::UTC)),
        )
    {
        Ok(w)
    } else {
        Err(format!(
            "{:?} is outside the dates Rekindle keeps (1900-01-01 to 2199-12-31)",
            text.trim()
        ))
    }
}

fn any_when(text: &str, order: Option<DateOrder>) -> Result<When, String> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(When::Instant(ts));
    }
    // Salesforce's `+0000` offset without a colon.
    if let Ok(z) =
        jiff::fmt::strtime::parse("%Y-%m-%dT%H:%M:%S%.f%z", t).and_then(|p| p.to_timestamp())
    {
        return Ok(When::Instant(z));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = DateTime::strptime(format, t) {
            return Ok(When::Local(dt));
        }
    }
    if let Ok(d) = Date::strptime("%Y-%m-%d", t) {
        return Ok(When::Day(d));
    }
    for (format, local) in [
        ("%d.%m.%Y %H:%M:%S", true),
        ("%d.%m.%Y %H:%M", true),
        ("%d.%m.%Y", false),
    ] {
        if let Some(w) = civil(format, t, local) {
            return Ok(w);
        }
    }
    if let Some((a, b)) = slashed(t) {
        let order = match order {
            Some(o) => o,
            None if a > 12 => DateOrder::Dmy,
            None if b > 12 || a == b => DateOrder::Mdy,
            None => {
                return Err(format!(
                    "{t:?} could be month first or day first: say which (the date order)"
                ));
            }
        };
        let (m, d) = match order {
            DateOrder::Mdy => ("%m", "%d"),
            DateOrder::Dmy => ("%d", "%m"),
        };
        for (time, local) in [
            (" %H:%M:%S", true),
            (" %H:%M", true),
            (" %I:%M:%S %p", true),
            (" %I:%M %p", true),
            ("", false),
        ] {
            let format = format!("{m}/{d}/%Y{time}");
            if let Some(w) = civil(&format, t, local) {
                return Ok(w);
            }
        }
    }
    Err(format!("{t:?} is not {EXPECTED_WHEN}"))
}

fn civil(format: &str, t: &str, local: bool) -> Option<When> {
    if local {
        DateTime::strptime(format, t).ok().map(When::Local)
    } else {
        Date::strptime(format, t).ok().map(When::Day)
    }
}

/// The separators of an amount's number, in order (`$48,000.50` gives `,.`), and the digits
/// after the last one.
fn separators(text: &str) -> (Vec<char>, usize) {
    let mut seps = Vec::new();
    let mut after = 0;
    for c in text.chars() {
        match c {
            '.' | ',' => {
                seps.push(c);
                after = 0;
            }
            c if c.is_ascii_digit() => after += 1,
            _ => {}
        }
    }
    (seps, after)
}

/// The decimal mark an amount shows, when it shows one: the later of `.` and `,` when it holds
/// both (`1.234,50`, `$48,000.50`); the one separator it has when that is not followed by
/// exactly three digits (`45362.12`, `11015,0`). `None` when it cannot tell: no separator
/// (`48000`), one before exactly three digits (`12.345`: thousands in Germany, decimals in a
/// typo), or the same one repeated (`1,234,567`).
pub fn decimal_mark(text: &str) -> Option<char> {
    let (seps, after) = separators(text);
    match seps.as_slice() {
        [] => None,
        [one] => (after != 3).then_some(*one),
        [.., last] if seps.iter().any(|s| s != last) => Some(*last),
        _ => None,
    }
}

/// Currency marks written before an amount in the English way, where a comma groups
/// thousands (`$48,000`, `£1,250`).
const ENGLISH_MARKS: &[&str] = &[
    "$", "US$", "USD", "£", "GBP", "A$", "AU$", "C$", "CA$", "NZ$",
];

/// An amount in `currency` (a separate column's code, when the file has one) or else
/// `default`. A symbol or code in the text itself wins over `default`. `decimal` is the
/// file's decimal mark: the mapping's `decimal_mark`, or else the first its amounts show
/// ([`decimal_mark`]).
///
/// Errors: `Money::parse`'s; an unknown currency code in the currency column; a symbol or
/// code in the text that is not the currency column's (`$100` against `EUR`); an amount whose
/// separator contradicts the file's decimal mark (`12.345` where the others write `45362.12`:
/// a fraction of a cent, or a thousands separator the file does not use); an amount that
/// reads two ways in a file that never says which: one `.` or `,` before exactly three digits
/// (`12.345`, `48.000 €`: twelve thousand as a formatted figure, twelve as a raw number,
/// which is what exports write, or a currency with three minor digits such as KWD). Only the
/// English way reads one way: a mark before it and a comma (`$48,000`) groups thousands of a
/// currency with two minor digits.
pub fn amount(
    text: &str,
    currency: Option<&str>,
    default: Currency,
    decimal: Option<char>,
) -> Result<Money, String> {
    let (seps, after) = separators(text);
    if let Some(d) = decimal {
        let contradicts = match decimal_mark(text) {
            Some(m) => m != d,
            None => seps.len() == 1 && seps[0] == d && after == 3,
        };
        if contradicts {
            return Err(format!(
                "{:?} does not read one way: the decimal mark here is {d:?} (the mapping's decimal_mark, or else the one this file's other amounts write); write it that way",
                text.trim()
            ));
        }
    }
    let column = match currency.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(Currency::parse(code).map_err(|e| e.to_string())?),
        None => None,
    };
    let money = Money::parse(text.trim(), column.unwrap_or(default)).map_err(|e| e.to_string())?;
    // An amount that names its own currency (`$100`, `100 USD`) against the currency column:
    // one of them is wrong, and neither is guessed.
    if let Some(column) = column
        && money.currency != column
    {
        return Err(format!(
            "{:?} is in {} but the currency column says {column}",
            text.trim(),
            money.currency
        ));
    }
    if decimal.is_none() && seps.len() == 1 && after == 3 {
        let t = text.trim();
        let english = seps[0] == ','
            && ENGLISH_MARKS.iter().any(|m| t.starts_with(m))
            && money.currency.minor_digits() == Some(2);
        if !english {
            return Err(two_readings(t));
        }
    }
    Ok(money)
}

/// Why an amount with one separator before three digits is refused, naming both readings:
/// `"12.345" reads two ways (12345 or 12.345)`.
fn two_readings(text: &str) -> String {
    let number: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        .collect();
    let (whole, part) = number.split_at(number.len().saturating_sub(4));
    let part = part.get(1..).unwrap_or_default();
    let fraction = part.trim_end_matches('0');
    let small = if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    };
    format!(
        "{text:?} reads two ways ({whole}{part} or {small}) and no amount in this file shows its decimal mark; set decimal_mark = \".\" or \",\" in the mapping"
    )
}

/// A deal's status as Pipedrive writes it in the language of the user who exported it
/// (`Open`, `Offen`, `Abierto`...): `open`, `won`, `lost` or `deleted`; `None` for any other
/// word.
pub fn deal_status(text: &str) -> Option<&'static str> {
    match text.trim().to_lowercase().as_str() {
        "open" | "offen" | "ouvert" | "ouverte" | "abierto" | "aberto" | "aperto" => Some("open"),
        "won" | "gewonnen" | "gagné" | "gagnée" | "ganado" | "ganho" | "vinto" => Some("won"),
        "lost" | "verloren" | "perdu" | "perdue" | "perdido" | "perso" => Some("lost"),
        "deleted" | "gelöscht" | "supprimé" | "supprimée" | "eliminado" | "excluído"
        | "eliminato" => Some("deleted"),
        _ => None,
    }
}

/// A company's web domain from its website as a CRM writes it (`https://www.acme.com/`,
/// `www.acme.com`, `acme.com`): the host, lower case, without `www.` (the `url` crate parses
/// it, WHATWG URL rules). `None` for text that names no host with a dot in it.
pub fn website_domain(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let parsed = url::Url::parse(t)
        .ok()
        .filter(|u| u.host_str().is_some())
        .or_else(|| url::Url::parse(&format!("http://{t}")).ok())?;
    let host = parsed.host_str()?.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    host.contains('.').then_some(host)
}

/// A yes/no cell; empty is no (Salesforce writes an empty cell for false).
///
/// Errors: a value that is neither.
pub fn flag(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "done" | "on" | "wahr" | "ja" | "oui" | "sí" | "si" => {
            Ok(true)
        }
        "false" | "no" | "n" | "0" | "" | "not done" | "undone" | "off" | "falsch" | "nein"
        | "non" => Ok(false),
        other => Err(format!(
            "{other:?} is not a yes/no value (true/false, yes/no, 1/0, done/not done)"
        )),
    }
}

/// A Salesforce record id in its 18-character case-safe form: a 15-character id gets the
/// three characters that encode the case of its letters (five letters a character). An
/// 18-character id is case-insensitive as a whole (a spreadsheet may have upper-cased it):
/// its last three characters say which of the first fifteen are capitals, and the id is
/// written with those (help.salesforce.com 000004383).
///
/// Errors: not 15 or 18 letters and digits; an 18-character id whose last three characters
/// are not a case code, mark a digit as a capital, or contradict the case its letters are
/// written in (when they are in mixed case).
pub fn salesforce_id(text: &str) -> Result<String, String> {
    let t = text.trim();
    if !t.bytes().all(|b| b.is_ascii_alphanumeric()) || !(t.len() == 15 || t.len() == 18) {
        return Err(format!(
            "{t:?} is not a Salesforce id (15 or 18 letters and digits)"
        ));
    }
    if t.len() == 18 {
        let mut id = String::with_capacity(18);
        for (chunk, code) in t.as_bytes()[..15].chunks(5).zip(t[15..].bytes()) {
            let bits = SUFFIX
                .iter()
                .position(|&c| c == code.to_ascii_uppercase())
                .ok_or_else(|| {
                    format!("{t:?} is not a Salesforce id: its last three characters are not a case code")
                })?;
            for (i, &c) in chunk.iter().enumerate() {
                let capital = bits & (1 << i) != 0;
                if capital && !c.is_ascii_alphabetic() {
                    return Err(format!(
                        "{t:?} is not a Salesforce id: its case code marks a digit as a capital"
                    ));
                }
                id.push(if capital {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                } as char);
            }
        }
        // A body in mixed case is the id as written: its case code must say the same.
        let body = &t[..15];
        let mixed = body.bytes().any(|b| b.is_ascii_uppercase())
            && body.bytes().any(|b| b.is_ascii_lowercase());
        if mixed && body != id {
            return Err(format!(
                "{t:?} is not a Salesforce id: the case of its letters and its case code disagree"
            ));
        }
        let code = suffix(&id);
        return Ok(id + &code);
    }
    Ok(format!("{t}{}", suffix(t)))
}

/// The characters of an 18-character id's case code, by the five bits each stands for.
const SUFFIX: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

fn suffix(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_ascii_uppercase())
                .fold(0usize, |acc, (i, _)| acc | (1 << i));
            SUFFIX[bits] as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn every_export_s_moment_shape_parses() {
        assert_eq!(when("2024-11-10", None), Ok(When::Day(day("2024-11-10"))));
        assert_eq!(
            when("2024-01-22T16:14:25.000+0000", None),
            Ok(When::Instant("2024-01-22T16:14:25Z".parse().unwrap()))
        );
        assert_eq!(
            when("2024-01-22T16:14:25.000Z", None),
            Ok(When::Instant("2024-01-22T16:14:25Z".parse().unwrap()))
        );
        assert_eq!(
            when("2020-01-10 10:00", None),
            Ok(When::Local("2020-01-10T10:00".parse().unwrap()))
        );
        assert_eq!(
            when("2026-03-01 10:00:00", None),
            Ok(When::Local("2026-03-01T10:00".parse().unwrap()))
        );
        assert_eq!(when("27.02.2025", None), Ok(When::Day(day("2025-02-27"))));
        assert_eq!(
            when("25.02.2025 09:01", None),
            Ok(When::Local("2025-02-25T09:01".parse().unwrap()))
        );
        assert_eq!(
            when("4/8/2025 17:19", Some(DateOrder::Mdy)),
            Ok(When::Local("2025-04-08T17:19".parse().unwrap()))
        );
        assert_eq!(
            when("4/8/2025", Some(DateOrder::Dmy)),
            Ok(When::Day(day("2025-08-04")))
        );
        assert_eq!(when("13/8/2025", None), Ok(When::Day(day("2025-08-13"))));
        assert_eq!(
            when("3/28/2025 5:00 PM", None),
            Ok(When::Local("2025-03-28T17:00".parse().unwrap()))
        );
    }

    #[test]
    fn an_ambiguous_or_wrong_date_is_refused_saying_why() {
        let e = when("4/8/2025", None).unwrap_err();
        assert!(e.contains("month first or day first"), "{e}");
        assert!(when("2025-02-30", None).is_err());
        assert!(when("next week", None).unwrap_err().contains("not a date"));
        assert!(when("31.02.2025", None).is_err());
        // Outside the range every date in Rekindle keeps to: refused, quoting the value.
        for far in [
            "9999-12-31",
            "1899-12-31",
            "2200-01-01T00:00:00Z",
            "31.12.9999",
        ] {
            let e = when(far, None).unwrap_err();
            assert!(
                e.contains(far) && e.contains("1900-01-01 to 2199-12-31"),
                "{e}"
            );
        }
        assert!(when("2199-12-31", None).is_ok() && when("1900-01-01", None).is_ok());
        let far_serial = serial_day("2958465").unwrap();
        assert!(in_range("2958465", far_serial).is_err());
    }

    #[test]
    fn the_order_comes_from_the_column() {
        assert_eq!(
            infer_order(["1/2/2025", "13/2/2025"]),
            Ok(Some(DateOrder::Dmy))
        );
        assert_eq!(
            infer_order(["1/2/2025", "2/13/2025 10:00"]),
            Ok(Some(DateOrder::Mdy))
        );
        assert_eq!(infer_order(["1/2/2025", "2025-01-01"]), Ok(None));
        assert!(infer_order(["13/1/2025", "1/13/2025"]).is_err());
    }

    #[test]
    fn amounts_flags_and_ids() {
        let usd = Currency::USD;
        assert_eq!(
            amount("45362.12", None, usd, None).unwrap().cents,
            4_536_212
        );
        assert_eq!(amount("11015.0", None, usd, None).unwrap().cents, 1_101_500);
        let eur = amount("1.234,50", Some("EUR"), usd, None).unwrap();
        assert_eq!(
            (eur.cents, eur.currency.to_string().as_str()),
            (123_450, "EUR")
        );
        assert_eq!(amount("$48,000", None, usd, None).unwrap().cents, 4_800_000);
        assert_eq!(
            amount("22.000,00 €", None, usd, None)
                .unwrap()
                .currency
                .to_string(),
            "EUR"
        );
        assert!(amount("lots", None, usd, None).is_err());
        assert!(amount("12", Some("XYZ"), usd, None).is_err());
        let clash = amount("$100", Some("EUR"), usd, None).unwrap_err();
        assert!(clash.contains("USD") && clash.contains("EUR"), "{clash}");
        assert_eq!(
            amount("$100", Some("USD"), usd, None).unwrap().cents,
            10_000
        );
        // The file's decimal mark, from the amounts that show one.
        assert_eq!(decimal_mark("45362.12"), Some('.'));
        assert_eq!(decimal_mark("1.234,50"), Some(','));
        assert_eq!(decimal_mark("$48,000.50"), Some('.'));
        assert_eq!(decimal_mark("12.345"), None);
        assert_eq!(decimal_mark("1,234,567"), None);
        assert_eq!(decimal_mark("48000"), None);
        // Against it, an amount that reads two ways is refused; one that agrees reads.
        assert!(amount("12.345", None, usd, Some('.')).is_err());
        assert!(amount("1.234,50", None, usd, Some('.')).is_err());
        assert_eq!(
            amount("12,345", None, usd, Some('.')).unwrap().cents,
            1_234_500
        );
        assert_eq!(
            amount("12.345", None, usd, Some(',')).unwrap().cents,
            1_234_500
        );
        assert_eq!(
            amount("45362.12", None, usd, Some('.')).unwrap().cents,
            4_536_212
        );
        // With no evidence, a bare number with one separator before three digits is refused,
        // naming both readings; grouped twice, written with its currency, or whole, it reads.
        let two = amount("48.000", None, usd, None).unwrap_err();
        assert!(two.contains("48000 or 48)"), "{two}");
        assert!(two.contains("decimal_mark"), "{two}");
        let two = amount("12,345", None, usd, None).unwrap_err();
        assert!(two.contains("12345 or 12.345)"), "{two}");
        assert_eq!(
            amount("1,234,567", None, usd, None).unwrap().cents,
            123_456_700
        );
        // Written with its currency, only the English way reads one way.
        assert!(amount("48.000 EUR", None, usd, None).is_err());
        assert!(amount("$12.345", None, usd, None).is_err());
        assert!(amount("12,345 EUR", None, usd, None).is_err());
        let dinars = amount("KWD 12,345", None, usd, None).unwrap_err();
        assert!(dinars.contains("12345 or 12.345"), "{dinars}");
        assert_eq!(amount("£1,250", None, usd, None).unwrap().cents, 125_000);
        assert_eq!(amount("48000", None, usd, None).unwrap().cents, 4_800_000);
        assert_eq!(amount("12.5", None, usd, None).unwrap().cents, 1_250);
        assert_eq!(deal_status("Verloren"), Some("lost"));
        assert_eq!(deal_status(" Offen "), Some("open"));
        assert_eq!(deal_status("Ganado"), Some("won"));
        assert_eq!(deal_status("Gelöscht"), Some("deleted"));
        assert_eq!(deal_status("pending"), None);
        assert_eq!(
            website_domain("https://www.Acme.com/about").as_deref(),
            Some("acme.com")
        );
        assert_eq!(website_domain("acme.com").as_deref(), Some("acme.com"));
        assert_eq!(
            website_domain("www.acme.co.uk:8080").as_deref(),
            Some("acme.co.uk")
        );
        assert_eq!(website_domain("n/a"), None);
        assert_eq!(website_domain(""), None);
        assert_eq!(flag("TRUE"), Ok(true));
        assert_eq!(flag(""), Ok(false));
        assert_eq!(flag("Not done"), Ok(false));
        assert_eq!(flag("Done"), Ok(true));
        assert!(flag("maybe").is_err());
        // help.salesforce.com 000004383's own example.
        assert_eq!(
            salesforce_id("001A0000006Vm9r").unwrap(),
            "001A0000006Vm9rIAC"
        );
        assert_eq!(
            salesforce_id("001A0000006Vm9rIAC").unwrap(),
            "001A0000006Vm9rIAC"
        );
        assert_eq!(
            salesforce_id("001A0000006Vm9riac").unwrap(),
            "001A0000006Vm9rIAC"
        );
        // Upper- or lower-cased whole (a spreadsheet's doing): the case code restores the id.
        assert_eq!(
            salesforce_id("001A0000006VM9RIAC").unwrap(),
            "001A0000006Vm9rIAC"
        );
        assert_eq!(
            salesforce_id("001a0000006vm9riac").unwrap(),
            "001A0000006Vm9rIAC"
        );
        assert!(salesforce_id("001A0000006Vm9").is_err());
        // Letters in mixed case that the case code contradicts.
        assert!(
            salesforce_id("001A0000006vm9rIAC")
                .unwrap_err()
                .contains("disagree")
        );
        // A case code that is no code, or marks a digit as a capital.
        assert!(salesforce_id("001A0000006Vm9r!AC").is_err());
        assert!(
            salesforce_id("001A0000006Vm9r9AC")
                .unwrap_err()
                .contains("case code")
        );
        assert!(
            salesforce_id("001A0000006Vm9rBAC")
                .unwrap_err()
                .contains("digit")
        );
    }
}
