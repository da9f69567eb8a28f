//! Free text as people type it at the edge (a flag, a form field): checked once, so a blank
//! name, a control character or a line break never reaches a mail header or a table cell
//! (RFC 5322 section 2.2: a header field is one line).

use crate::ParseError;

/// Text trimmed of the white space around it: not blank, no control characters but line
/// breaks and tabs.
///
/// Errors: a [`ParseError`] naming `field` when the text is blank or holds a control character.
pub fn text(field: &str, s: &str) -> Result<String, ParseError> {
    let t = s.trim();
    if t.is_empty() {
        Err(ParseError::new(field, s, "must not be empty or blank"))
    } else if t
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        Err(ParseError::new(
            field,
            s,
            "must not hold control characters",
        ))
    } else {
        Ok(t.to_string())
    }
}

/// A name or title that ends up in a mail header or a table cell (deal titles, accounts,
/// sources, a promotion's name): [`text`] on one line, without line breaks or tabs.
///
/// Errors: those of [`text`]; a [`ParseError`] for a line break or a tab.
pub fn line(field: &str, s: &str) -> Result<String, ParseError> {
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

/// A feature's name as the rep writes it ("SAML login", "SSO"): one line with at least one
/// letter or digit, since the catalogue files names by their words (`revival::features::key`)
/// and a name without any would be filed under nothing.
///
/// Errors: those of [`line`]; a [`ParseError`] for a name without a letter or digit.
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
    fn blank_control_and_multi_line_text_is_refused_with_its_field() {
        assert_eq!(text("note", "  hi \n").unwrap(), "hi");
        assert_eq!(text("note", "   ").unwrap_err().field, "note");
        assert!(text("note", "a\u{7}b").is_err());
        assert_eq!(text("note", "a\nb").unwrap(), "a\nb");
        assert!(line("name", "a\nb").is_err());
        assert!(line("name", "a\tb").is_err());
        assert_eq!(feature_name("feature", "SAML login").unwrap(), "SAML login");
        assert!(feature_name("feature", "--").is_err());
    }
}
