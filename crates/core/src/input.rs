//! Free text a rep types into the record (their words, names, steps), checked at the edge the
//! same way whichever front-end reads it (the CLI's flags, the dashboard's forms, the API's
//! bodies): trimmed, never blank, without control characters, and one line where the text
//! ends up in a mail header or a table cell.

use crate::ParseError;

/// What [`text`] accepts.
const TEXT: &str = "must not be empty or blank";
/// What [`text`] refuses besides blank text.
const NO_CONTROL: &str = "must not hold control characters";

/// Free text a record keeps (their words, notes): trimmed, with CRLF line breaks (as a browser
/// sends a text area, HTML's form submission) made LF; refused when nothing is left or when it
/// holds control characters other than line breaks and tabs.
///
/// Errors: [`ParseError`] naming `field` and what is expected.
pub fn text(field: &str, s: &str) -> Result<String, ParseError> {
    let unified = s.replace("\r\n", "\n");
    let t = unified.trim();
    if t.is_empty() {
        Err(ParseError::new(field, s, TEXT))
    } else if t
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        Err(ParseError::new(field, s, NO_CONTROL))
    } else {
        Ok(t.to_string())
    }
}

/// A name or title that ends up in a mail header or a table cell (deal titles, accounts,
/// owners, people's names, steps, commitments): [`text`] on one line, no control characters.
///
/// Errors: [`ParseError`] naming `field`.
pub fn line(field: &str, s: &str) -> Result<String, ParseError> {
    // A carriage return in a line is a control character, as it would be in a header.
    if s.contains('\r') {
        return Err(ParseError::new(field, s, NO_CONTROL));
    }
    let t = text(field, s)?;
    if t.contains(['\n', '\t']) {
        Err(ParseError::new(
            field,
            s,
            "must be one line, without line breaks or tabs",
        ))
    } else {
        Ok(t)
    }
}

/// [`line`], or nothing at all (an optional summary left empty gives `""`).
///
/// Errors: [`ParseError`] naming `field`.
pub fn line_or_empty(field: &str, s: &str) -> Result<String, ParseError> {
    if s.trim().is_empty() {
        Ok(String::new())
    } else {
        line(field, s)
    }
}

/// A feature's name as the rep writes it ("SAML login", "SSO"): one line with at least one
/// letter or digit, since the catalogue files names by their words (`revival::features::key`)
/// and a name without any would be filed under nothing.
///
/// Errors: [`ParseError`] naming `field`.
pub fn feature_name(field: &str, s: &str) -> Result<String, ParseError> {
    let t = line(field, s)?;
    if crate::revival::features::key(&t).is_empty() {
        Err(ParseError::new(
            field,
            s,
            "must name a feature with at least one letter or digit",
        ))
    } else {
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_refused_when_blank_or_with_control_characters() {
        assert_eq!(
            text("what", "  we lose 4h a week \n").unwrap(),
            "we lose 4h a week"
        );
        assert_eq!(text("what", "two\r\nlines").unwrap(), "two\nlines");
        let blank = text("what", " \t ").unwrap_err();
        assert_eq!(blank.field, "what");
        assert_eq!(blank.expected, TEXT);
        assert_eq!(text("what", "bell\u{7}").unwrap_err().expected, NO_CONTROL);
    }

    #[test]
    fn a_line_has_no_breaks_and_may_be_empty_only_where_allowed() {
        assert!(line("name", "Ada\nLovelace").is_err());
        assert_eq!(
            line("name", "Dana\r\nBcc: x@evil.example")
                .unwrap_err()
                .expected,
            NO_CONTROL
        );
        assert_eq!(line("name", " Ada ").unwrap(), "Ada");
        assert_eq!(line_or_empty("summary", "  ").unwrap(), "");
        assert!(line_or_empty("summary", "a\tb").is_err());
    }

    #[test]
    fn a_feature_needs_a_letter_or_digit() {
        assert_eq!(feature_name("feature", "SAML login").unwrap(), "SAML login");
        assert_eq!(feature_name("feature", "--").unwrap_err().field, "feature");
    }
}
