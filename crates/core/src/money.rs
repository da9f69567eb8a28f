//! Money as integer cents plus an ISO currency code: never floats.

use crate::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in the smallest unit (cents), with its currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub cents: i64,
    pub currency: Currency,
}

/// A three-letter upper-case currency code such as `USD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const USD: Currency = Currency(*b"USD");

    /// Reads an ISO 4217 alphabetic code (`USD`, `eur`: any case).
    ///
    /// # Errors
    /// A `ParseError` on `currency` when the text is not three letters or names no currency
    /// in ISO 4217 (the list the `iso_currency` crate keeps).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim();
        let b = t.as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
            return Err(ParseError::new(
                "currency",
                s,
                "a three-letter ISO 4217 code such as USD or EUR",
            ));
        }
        let code = [
            b[0].to_ascii_uppercase(),
            b[1].to_ascii_uppercase(),
            b[2].to_ascii_uppercase(),
        ];
        let known = std::str::from_utf8(&code)
            .ok()
            .and_then(iso_currency::Currency::from_code)
            .is_some();
        if !known {
            return Err(ParseError::new(
                "currency",
                s,
                "a currency code ISO 4217 knows, such as USD, EUR, GBP or CHF",
            ));
        }
        Ok(Currency(code))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Its minor unit's digits (ISO 4217's exponent: 2 for USD and EUR, 3 for KWD, 0 for
    /// JPY); `None` for a code without one.
    pub fn minor_digits(&self) -> Option<u16> {
        iso_currency::Currency::from_code(self.as_str()).and_then(|c| c.exponent())
    }
}

impl TryFrom<String> for Currency {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Currency::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Currency marks written beside an amount, longest first so `US$` wins over `$`.
const SYMBOLS: &[(&str, &str)] = &[
    ("US$", "USD"),
    ("CA$", "CAD"),
    ("C$", "CAD"),
    ("A$", "AUD"),
    ("AU$", "AUD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
];

/// Characters that group digits in some locale: a space (also the no-break and narrow no-break
/// spaces French and Swiss typography use), an apostrophe (Swiss: `1'250.50`), an underscore.
fn is_group_mark(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’' | '_')
}

/// Splits a currency mark off the front or back of `text`: a symbol or a three-letter code.
/// Returns the code found (if any) and the rest.
fn split_currency(text: &str) -> Result<(Option<Currency>, &str), ParseError> {
    for (symbol, code) in SYMBOLS {
        if let Some(rest) = text.strip_prefix(symbol) {
            return Ok((Some(Currency::parse(code)?), rest.trim()));
        }
        if let Some(rest) = text.strip_suffix(symbol) {
            return Ok((Some(Currency::parse(code)?), rest.trim()));
        }
    }
    let letters_at = |s: &str| s.len() >= 3 && s.is_char_boundary(3);
    if letters_at(text) && text[..3].chars().all(|c| c.is_ascii_alphabetic()) {
        let rest = &text[3..];
        if rest.starts_with(|c: char| c.is_whitespace() || c.is_ascii_digit()) {
            return Ok((Some(Currency::parse(&text[..3])?), rest.trim()));
        }
    }
    if text.len() > 3 && text.is_char_boundary(text.len() - 3) {
        let (rest, code) = text.split_at(text.len() - 3);
        let code_like = code.chars().all(|c| c.is_ascii_alphabetic());
        // `48.5k` and `1.2m` end in letters too, but not three of them after a digit or space.
        if code_like && rest.ends_with(|c: char| c.is_whitespace() || c.is_ascii_digit()) {
            return Ok((Some(Currency::parse(code)?), rest.trim()));
        }
    }
    Ok((None, text))
}

impl Money {
    pub fn new(cents: i64, currency: Currency) -> Self {
        Self { cents, currency }
    }

    /// Reads an amount as people write it, into cents:
    /// - plain or grouped digits in the common locale styles: `12000`, `12,000.50` (English),
    ///   `48.000,50` (German, Spanish...), `48 000,50` (French, with any space),
    ///   `1'250.50` (Swiss);
    /// - a `k` or `m` multiplier with either decimal mark: `$12k`, `48,5k`, `1.2m`;
    /// - a currency as a symbol (`$ € £ ¥ ₹`, `US$`...) or an ISO 4217 code, before or after:
    ///   `€48,000`, `48,000€`, `48000 EUR`, `CHF 1'250.50`. Without one the currency is
    ///   `default_currency` (the database's, set at `init`).
    ///
    /// A lone `.` or `,` followed by exactly three digits groups thousands (`48.000` is
    /// forty-eight thousand); followed by other counts of digits, or after a lone `0`, it is the
    /// decimal mark. When both marks appear, the last is the decimal mark.
    ///
    /// # Errors
    /// A `ParseError` on `amount` saying what was wrong: no digits, a negative amount, groups
    /// that are not three digits, two decimal marks, more than two decimal places, an unknown
    /// currency code, or an amount beyond what cents in 64 bits hold.
    pub fn parse(s: &str, default_currency: Currency) -> Result<Self, ParseError> {
        let fail = |why: &str| ParseError::new("amount", s, why);
        let expected = "an amount such as 12000, 12,000.50, 48.000,50 EUR, $12k or CHF 1'250.50";
        let text = s.trim();
        if text.is_empty() {
            return Err(fail(expected));
        }
        if text.starts_with('-') || text.contains("-") {
            return Err(fail("a non-negative amount"));
        }
        let (code, rest) = split_currency(text)?;
        let (second, number) = split_currency(rest)?;
        let currency = match (code, second) {
            (Some(a), Some(b)) if a != b => {
                return Err(fail("one currency (two different ones were given)"));
            }
            (Some(a), _) | (None, Some(a)) => a,
            (None, None) => default_currency,
        };
        let (number, multiplier) = match number.char_indices().last() {
            Some((i, 'k' | 'K')) => (number[..i].trim_end(), 1_000i64),
            Some((i, 'm' | 'M')) => (number[..i].trim_end(), 1_000_000i64),
            _ => (number, 1i64),
        };
        if !number.chars().any(|c| c.is_ascii_digit()) {
            return Err(fail(expected));
        }
        if let Some(bad) = number
            .chars()
            .find(|c| !(c.is_ascii_digit() || matches!(c, '.' | ',') || is_group_mark(*c)))
        {
            return Err(fail(&format!(
                "{expected} (the character {bad:?} is not part of an amount)"
            )));
        }
        let dots = number.matches('.').count();
        let commas = number.matches(',').count();
        let last_dot = number.rfind('.');
        let last_comma = number.rfind(',');
        // Which mark, if any, is the decimal mark.
        let decimal: Option<char> = match (dots, commas) {
            (0, 0) => None,
            (_, 0) | (0, _) => {
                let (mark, count) = if dots > 0 { ('.', dots) } else { (',', commas) };
                let at = number.rfind(mark).unwrap_or(0);
                let after = number[at + 1..].len();
                let before = number[..at].trim();
                if count > 1 {
                    None
                } else if multiplier > 1 || after != 3 || before == "0" || before.is_empty() {
                    Some(mark)
                } else {
                    None
                }
            }
            _ => {
                let mark = if last_dot > last_comma { '.' } else { ',' };
                if number.matches(mark).count() > 1 {
                    return Err(fail("one decimal mark (it appears more than once)"));
                }
                Some(mark)
            }
        };
        let (whole, frac) = match decimal {
            Some(mark) => number.rsplit_once(mark).unwrap_or((number, "")),
            None => (number, ""),
        };
        if !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(fail("digits only after the decimal mark"));
        }
        // The whole part: digit groups split by one kind of grouping mark.
        let group_marks: Vec<char> = whole.chars().filter(|c| !c.is_ascii_digit()).collect();
        if let Some(first) = group_marks.first()
            && group_marks
                .iter()
                .any(|m| m != first && !(is_group_mark(*m) && is_group_mark(*first)))
        {
            return Err(fail("one way of grouping digits (several were mixed)"));
        }
        let groups: Vec<&str> = whole.split(|c: char| !c.is_ascii_digit()).collect();
        if groups.len() > 1
            && (groups[0].is_empty()
                || groups[0].len() > 3
                || groups[1..].iter().any(|g| g.len() != 3))
        {
            return Err(fail(
                "digits grouped in threes (1,250,000 or 1.250.000 or 1 250 000)",
            ));
        }
        let whole: String = groups.concat();
        if whole.is_empty() && frac.is_empty() {
            return Err(fail(expected));
        }
        // Exact decimal arithmetic: scale the fraction to millionths, then to cents.
        if frac.len() > 6 {
            return Err(fail("at most two decimal places (cents)"));
        }
        let too_big = || fail("an amount below 92 trillion (cents in 64 bits)");
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| too_big())?
        };
        let micro: i64 = format!("{frac:0<6}").parse().map_err(|_| fail(expected))?;
        let total_micro = whole
            .checked_mul(1_000_000)
            .and_then(|w| w.checked_add(micro))
            .and_then(|m| m.checked_mul(multiplier))
            .ok_or_else(too_big)?;
        if total_micro % 10_000 != 0 {
            return Err(fail("at most two decimal places (cents)"));
        }
        Ok(Money {
            cents: total_micro / 10_000,
            currency,
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.cents / 100;
        let cents = (self.cents % 100).abs();
        let digits = whole.abs().to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.cents < 0 { "-" } else { "" };
        if cents == 0 {
            write!(f, "{sign}{grouped} {}", self.currency)
        } else {
            write!(f, "{sign}{grouped}.{cents:02} {}", self.currency)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Result<Money, ParseError> {
        Money::parse(s, Currency::USD)
    }

    #[test]
    fn parses_common_spellings() {
        assert_eq!(usd("12000").unwrap().cents, 1_200_000);
        assert_eq!(usd("12,000.50").unwrap().cents, 1_200_050);
        assert_eq!(usd("$12k").unwrap().cents, 1_200_000);
        assert_eq!(usd("1.2m").unwrap().cents, 120_000_000);
        let eur = usd("48000 eur").unwrap();
        assert_eq!((eur.cents, eur.currency.as_str()), (4_800_000, "EUR"));
        assert_eq!(usd("GBP 10").unwrap().currency.as_str(), "GBP");
        assert_eq!(usd("€5").unwrap().currency.as_str(), "EUR");
    }

    #[test]
    fn parses_locale_styles_to_the_right_value() {
        for (text, cents, code) in [
            ("48.000 EUR", 4_800_000, "EUR"),
            ("48.000,50 EUR", 4_800_050, "EUR"),
            ("48,5k", 4_850_000, "USD"),
            ("€48,000", 4_800_000, "EUR"),
            ("48,000€", 4_800_000, "EUR"),
            ("48 000 EUR", 4_800_000, "EUR"),
            ("48\u{202f}000,75 EUR", 4_800_075, "EUR"),
            ("CHF 1'250.50", 125_050, "CHF"),
            ("1.250.000", 125_000_000, "USD"),
            ("1,5", 150, "USD"),
            ("0.500", 50, "USD"),
            ("12.345", 1_234_500, "USD"),
            ("US$ 3,000", 300_000, "USD"),
            ("EUR48000", 4_800_000, "EUR"),
        ] {
            let m = usd(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((m.cents, m.currency.as_str()), (cents, code), "{text}");
        }
    }

    #[test]
    fn rejects_nonsense_saying_why() {
        for (bad, why) in [
            ("", "an amount such as"),
            ("abc", "an amount such as"),
            ("-5", "non-negative"),
            ("1 2 3", "grouped in threes"),
            ("12 ZZZZ", "not part of an amount"),
            ("48000 XYZ", "ISO 4217"),
            ("1e9", "not part of an amount"),
            ("99999999999999999999", "92 trillion"),
            ("1,25,000", "grouped in threes"),
            ("1.250,000.5", "one decimal mark"),
            ("1.234", "USD"),
            ("€5 GBP", "one currency"),
            ("1.005", "USD"),
            ("12.345,678", "two decimal places"),
            ("1'250 000", "USD"),
        ] {
            match usd(bad) {
                Err(e) => assert!(e.to_string().contains(why), "{bad}: {e}"),
                Ok(m) if why == "USD" => assert_eq!(m.currency.as_str(), "USD", "{bad}"),
                Ok(m) => panic!("{bad} should not parse, got {m}"),
            }
        }
    }

    #[test]
    fn displays_grouped() {
        assert_eq!(usd("1234567.5").unwrap().to_string(), "1,234,567.50 USD");
        assert_eq!(usd("800").unwrap().to_string(), "800 USD");
    }

    /// Writes `cents` the way a locale does: grouping mark, decimal mark, currency placement.
    fn written(cents: i64, group: &str, decimal: &str, currency: (&str, bool)) -> String {
        let digits = (cents / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push_str(group);
            }
            grouped.push(ch);
        }
        let number = format!("{grouped}{decimal}{:02}", cents % 100);
        match currency {
            (mark, true) => format!("{mark}{number}"),
            (mark, false) => format!("{number}{mark}"),
        }
    }

    proptest::proptest! {
        #[test]
        fn every_locale_style_reads_back(
            cents in 0i64..1_000_000_000_000,
            style in 0usize..6,
            mark in 0usize..5,
        ) {
            let (group, decimal) = [
                (",", "."),
                (".", ","),
                (" ", ","),
                ("\u{202f}", ","),
                ("'", "."),
                ("", "."),
            ][style];
            let (currency, code) = [
                (("€", true), "EUR"),
                ((" EUR", false), "EUR"),
                (("€", false), "EUR"),
                (("CHF ", true), "CHF"),
                (("", true), "USD"),
            ][mark];
            let text = written(cents, group, decimal, currency);
            let read = usd(&text).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!((read.cents, read.currency.as_str()), (cents, code), "{}", text);
        }
    }
}
