//! The one error type of the core: a value from the outside world that did not parse.

use serde::Serialize;
use std::fmt;

/// A value that could not become a domain type. It names the field, the input and what was
/// expected, so the edge (CLI, importer, API) can report it with its own location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParseError {
    /// What kind of value was being read (`amount`, `stage`, `date`...).
    pub field: String,
    /// The offending input, as given.
    pub input: String,
    /// What would have been accepted.
    pub expected: String,
}

impl ParseError {
    pub fn new(
        field: impl Into<String>,
        input: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            input: input.into(),
            expected: expected.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad {} {:?}: {}", self.field, self.input, self.expected)
    }
}

impl std::error::Error for ParseError {}
