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

    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim();
        let b = t.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_alphabetic) {
            Ok(Currency([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ]))
        } else {
            Err(ParseError::new(
                "currency",
                s,
                "a three-letter code such as USD or EUR",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
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

impl Money {
    pub fn new(cents: i64, currency: Currency) -> Self {
        Self { cents, currency }
    }

    /// Reads `12000`, `12,000.50`, `$12k`, `48000 EUR`, `EUR 48000`, `€48,000`, `1.2m`.
    /// Without a code or symbol the currency is `default_currency`.
    pub fn parse(s: &str, default_currency: Currency) -> Result<Self, ParseError> {
        let err = || {
            ParseError::new(
                "amount",
                s,
                "a non-negative amount such as 12000, 12,000.50, $12k or 48000 EUR",
            )
        };
        let mut text = s.trim().to_string();
        let mut currency = default_currency;
        for (symbol, code) in [("$", "USD"), ("€", "EUR"), ("£", "GBP")] {
            if let Some(rest) = text.strip_prefix(symbol) {
                currency = Currency::parse(code)?;
                text = rest.trim().to_string();
            }
        }
        let parts: Vec<&str> = text.split_whitespace().collect();
        let number = match parts.as_slice() {
            [n] => n.to_string(),
            [a, b] if a.chars().all(|c| c.is_ascii_alphabetic()) => {
                currency = Currency::parse(a).map_err(|_| err())?;
                b.to_string()
            }
            [a, b] => {
                currency = Currency::parse(b).map_err(|_| err())?;
                a.to_string()
            }
            _ => return Err(err()),
        };
        let number = number.replace(['_', ','], "");
        let (number, multiplier) = match number.chars().last().map(|c| c.to_ascii_lowercase()) {
            Some('k') => (&number[..number.len() - 1], 1_000i64),
            Some('m') => (&number[..number.len() - 1], 1_000_000i64),
            _ => (number.as_str(), 1i64),
        };
        let (whole, frac) = match number.split_once('.') {
            Some((w, f)) => (w, f),
            None => (number, ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(err());
        }
        if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        // Exact decimal arithmetic: scale the fraction to millionths, then to cents.
        if frac.len() > 6 {
            return Err(err());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| err())?
        };
        let micro: i64 = format!("{frac:0<6}").parse().map_err(|_| err())?;
        let total_micro = whole
            .checked_mul(1_000_000)
            .and_then(|w| w.checked_add(micro))
            .and_then(|m| m.checked_mul(multiplier))
            .ok_or_else(err)?;
        if total_micro % 10_000 != 0 {
            return Err(ParseError::new(
                "amount",
                s,
                "at most two decimal places (cents)",
            ));
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
    fn rejects_nonsense() {
        for bad in [
            "",
            "abc",
            "-5",
            "12.345",
            "1 2 3",
            "12 ZZZZ",
            "1e9",
            "99999999999999999999",
        ] {
            assert!(usd(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn displays_grouped() {
        assert_eq!(usd("1234567.5").unwrap().to_string(), "1,234,567.50 USD");
        assert_eq!(usd("800").unwrap().to_string(), "800 USD");
    }
}
