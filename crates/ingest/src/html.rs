//! The text of an HTML-only message, with its quoted history marked as quotes.
//!
//! A message sent without a text/plain part (Outlook on the web and on phones, some CRM and
//! web clients, Apple Mail in some settings) carries the history it answers in HTML
//! containers, not in `>` lines. mail-parser's own HTML-to-text (the `body_text` fallback)
//! keeps only the words: line breaks only at `<br>` and `</p>`, every quote flattened into the
//! sender's text, so the reply reader would read the quoted message as the sender's (it reads
//! its cues only in the sender's own new text, `mail::new_text`). Here the structure survives:
//! block elements end lines, and every line inside a quote container is written with a `> `
//! prefix per level, so `mail::new_text` drops it the way it drops a plain-text quote.
//!
//! Quote containers, by what the mail programs write (their published reply markup):
//! - `<blockquote>`: Apple Mail and Thunderbird (`type="cite"`), Gmail
//!   (`class="gmail_quote"`), Outlook on the web and others (a styled blockquote);
//! - `<div class="gmail_quote">` (Gmail's attribution line and quote together) and Yahoo's
//!   `yahoo_quoted`;
//! - from a marker to the end of the message, the way Outlook places the history after the
//!   reply: `<div id="appendonsend">`, `<div id="divRplyFwdMsg">`, `<hr id="stopSpelling">`,
//!   and Outlook desktop's header separator `<div style="border:none;border-top:solid #E1E1E1
//!   1.0pt...">` (`#B5C4DF` in older versions); any other `div` drawn with a top border
//!   (Windows Mail writes `border-top-style: solid` in longhand) when its first line is a
//!   header label ("From:", "Von:", "De:", "От:"...), the header block of the quoted message.
//!
//! No crate on the toolchain turns HTML mail into text with quotes marked (html2text renders
//! blockquotes, but not the Gmail or Outlook containers, and pulls in a full HTML parser), so
//! this small tag scanner is written here. Entities are decoded by mail-parser's own decoder.

use mail_parser::decoders::html::add_html_token;

/// Elements whose content is never text.
const HIDDEN: &[&str] = &["head", "style", "script", "title", "template", "xml"];
/// Elements that end a line where they open and where they close.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "pre",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
];

/// The deepest nesting of `div` and `blockquote` followed.
const MAX_NESTING: usize = 256;

/// One opened `div` or `blockquote`, and whether it is a quote container.
struct Open {
    name: String,
    quote: bool,
}

/// The text of `html`, a line per block, quoted history written as `> ` lines (see the module
/// doc). Bad HTML never fails: unclosed tags end with the text, stray closing tags are ignored.
pub(crate) fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut line = String::new();
    let mut open: Vec<Open> = Vec::new();
    // Everything after an Outlook history marker is history.
    let mut rest_quoted = false;
    // A div drawn with a top border was opened and its first line is still to come.
    let mut bordered = false;
    let mut hidden: Option<String> = None;
    // The quote containers among `open`, kept as it changes (not counted again per line).
    let mut quotes = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if hidden.is_none() {
                push_text(&mut line, rest);
            }
            break;
        };
        if hidden.is_none() {
            push_text(&mut line, &rest[..lt]);
        }
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |end| &rest[end + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let body = tag.trim_start_matches('/');
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == ':')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if let Some(h) = &hidden {
            if closing && *h == name {
                hidden = None;
            }
            continue;
        }
        if !closing && HIDDEN.contains(&name.as_str()) && !body.trim_end().ends_with('/') {
            hidden = Some(name);
            continue;
        }
        if BLOCKS.contains(&name.as_str()) {
            // A bordered div whose first line is a header label opens the quoted message.
            if bordered && !line.trim().is_empty() {
                rest_quoted |= opens_header_block(&line);
                bordered = false;
            }
            // An empty line becomes a blank one only at an explicit break or paragraph end.
            let blank = name == "br" || (name == "p" && closing);
            flush(
                &mut out,
                &mut line,
                quotes + usize::from(rest_quoted),
                blank,
            );
        }
        let attributes = body[name.len().min(body.len())..].to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("div" | "blockquote", false) => {
                if name == "div" && marks_history(&attributes) {
                    rest_quoted = true;
                } else if name == "div" && !rest_quoted && top_border(&attributes) {
                    bordered = true;
                }
                let quote = name == "blockquote" || quote_div(&attributes);
                // Nesting deeper than any mail program writes is not followed: the work per
                // closing tag stays bounded whatever the input.
                if open.len() < MAX_NESTING {
                    quotes += usize::from(quote);
                    open.push(Open { quote, name });
                }
            }
            ("div" | "blockquote", true) => {
                if let Some(at) = open.iter().rposition(|o| o.name == name) {
                    quotes -= open[at..].iter().filter(|o| o.quote).count();
                    open.truncate(at);
                }
            }
            ("hr", false) if attributes.contains("stopspelling") => rest_quoted = true,
            _ => {}
        }
    }
    flush(
        &mut out,
        &mut line,
        quotes + usize::from(rest_quoted),
        false,
    );
    out.trim_end().to_string()
}

/// A `div` that holds quoted history (Gmail's, Yahoo's).
fn quote_div(attributes: &str) -> bool {
    attributes.contains("gmail_quote") || attributes.contains("yahoo_quoted")
}

/// A `div` after which the rest of the message is history (Outlook's markers and separator).
fn marks_history(attributes: &str) -> bool {
    let squeezed: String = attributes.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.contains("id=\"appendonsend\"")
        || squeezed.contains("id=appendonsend")
        || squeezed.contains("id=\"divrplyfwdmsg\"")
        || squeezed.contains("id=divrplyfwdmsg")
        || squeezed.contains("border-top:solid#e1e1e1")
        || squeezed.contains("border-top:solid#b5c4df")
}

/// A `div` drawn with a top border, in shorthand (`border-top: 1px solid`) or longhand
/// (`border-top-style: solid`): the separator mail programs draw above a quoted header block.
fn top_border(attributes: &str) -> bool {
    let squeezed: String = attributes.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.contains("border-top-style:solid")
        || (squeezed.contains("border-top:") && squeezed.contains("solid"))
}

/// The header labels that open a quoted message's header block, in the languages of the mail
/// programs' own reply markup (English, German, French, Spanish, Italian, Portuguese, Dutch,
/// the Nordic languages, Polish, Russian).
const HEADER_LABELS: &[&str] = &[
    "from:",
    "von:",
    "de:",
    "de :",
    "da:",
    "van:",
    "från:",
    "fra:",
    "od:",
    "от:",
    "lähettäjä:",
];

/// Whether a line opens with a header label ("From: Alex", "От: Alexander L").
fn opens_header_block(line: &str) -> bool {
    let lowered = line.trim_start().to_lowercase();
    HEADER_LABELS.iter().any(|label| lowered.starts_with(label))
}

/// Adds text between tags to the line: whitespace collapsed, entities decoded.
fn push_text(line: &mut String, text: &str) {
    for (i, word) in text.split([' ', '\t', '\r', '\n']).enumerate() {
        if i > 0 && !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
        if word.is_empty() {
            continue;
        }
        let mut rest = word;
        while let Some(amp) = rest.find('&') {
            line.push_str(&rest[..amp]);
            let after = &rest[amp..];
            match after.find(';').filter(|semi| *semi <= 10) {
                Some(semi) => {
                    add_html_token(line, &after.as_bytes()[..=semi], false);
                    rest = &after[semi + 1..];
                }
                None => {
                    line.push('&');
                    rest = &after[1..];
                }
            }
        }
        line.push_str(rest);
    }
}

/// Ends the line being built, quoted `depth` levels deep; an empty line is written as a blank
/// one only when `blank` (never two in a row).
fn flush(out: &mut String, line: &mut String, depth: usize, blank: bool) {
    let text = line.replace('\u{a0}', " ");
    let text = text.trim();
    line.clear();
    if text.is_empty() {
        if blank && !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        return;
    }
    for _ in 0..depth {
        out.push_str("> ");
    }
    out.push_str(text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_lines_and_entities_are_decoded() {
        assert_eq!(
            html_text(
                "<html><head><style>p{x}</style></head><body><div>Hi&nbsp;Alex,</div><div>Tom &amp; Jerry&#39;s</div></body></html>"
            ),
            "Hi Alex,\nTom & Jerry's"
        );
    }

    #[test]
    fn broken_html_never_fails() {
        for input in [
            "<",
            "<>",
            "</>",
            "</div></blockquote>",
            "<div",
            "&#xFFFFFFFF; &#99999999999; &; &",
            "<!-- never closed",
            "<style>never closed",
            "é<b>ü</b>&eacute;",
            "<blockquote>",
        ] {
            let _ = html_text(input);
        }
        let deep = "<div class=\"gmail_quote\">x<br>".repeat(10_000);
        assert!(html_text(&deep).lines().count() >= 10_000);
    }

    #[test]
    fn quote_containers_are_quoted() {
        let gmail = r#"<div dir="ltr">Tuesday works.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Nov 23, 2026 at 9:00 AM Alex &lt;alex@seller.example&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex"><div>Should I close the file?</div></blockquote></div>"#;
        assert_eq!(
            html_text(gmail),
            "Tuesday works.\n\n> On Mon, Nov 23, 2026 at 9:00 AM Alex <alex@seller.example> wrote:\n> > Should I close the file?"
        );
        let outlook = r#"<div>Thanks, let's talk Thursday.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> Alex<br><b>Sent:</b> Monday</div><div>We went another way?</div>"#;
        let text = html_text(outlook);
        assert!(text.starts_with("Thanks, let's talk Thursday.\n"), "{text}");
        assert!(text.contains("> We went another way?"), "{text}");
    }

    #[test]
    fn a_bordered_header_block_opens_the_history() {
        // Windows Mail: a div with a longhand top border, then the quoted message's headers.
        let windows_mail = r#"<div>Friday suits us.</div><div style="padding-top: 5px; border-top-color: rgb(229, 229, 229); border-top-width: 1px; border-top-style: solid;"><div><b>От:</b>&nbsp;Ana<br><b>Отправлено:</b> 3 июня</div></div><div>Can we meet?</div>"#;
        let text = html_text(windows_mail);
        assert!(text.starts_with("Friday suits us.\n> "), "{text}");
        assert!(text.contains("> Can we meet?"), "{text}");
        // A bordered div that is not a header block (a signature rule) quotes nothing.
        let signature = r#"<div>Friday suits us.</div><div style="border-top: 1px solid #ccc">Ana Ruiz, Buyer</div><div>From: our side, two seats.</div>"#;
        let text = html_text(signature);
        assert!(!text.contains("> "), "{text}");
    }
}
