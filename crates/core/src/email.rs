//! Email addresses, parsed once at the edge and compared case-insensitively.

use crate::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically plausible address (`local@domain.tld`), stored lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_lowercase();
        let err = || ParseError::new("email", s, "an address like dana@example.com");
        let (local, domain) = t.split_once('@').ok_or_else(err)?;
        let ok_local = !local.is_empty()
            && local.len() <= 64
            // A control character would travel into headers and terminals.
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '@');
        let ok_domain = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if ok_local && ok_domain {
            Ok(EmailAddress(t))
        } else {
            Err(err())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        EmailAddress::parse(&s)
    }
}

impl From<EmailAddress> for String {
    fn from(e: EmailAddress) -> String {
        e.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let e = EmailAddress::parse(" <Dana.Reyes@Northwind.IO> ").unwrap();
        assert_eq!(e.as_str(), "dana.reyes@northwind.io");
        assert_eq!(e.domain(), "northwind.io");
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "dana",
            "dana@",
            "@x.com",
            "dana@localhost",
            "a b@x.com",
            "dana@x..com.",
            // Control characters, found by fuzzing (`tests/fuzz.rs`).
            "\u{e}dana@x.com",
            "da\u{1b}[2Jna@x.com",
            "dana\u{7f}@x.com",
            "dana\u{85}@x.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }
}
