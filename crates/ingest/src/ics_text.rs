//! iCalendar text cut into the events the calendar reader uses, read line by line from any
//! reader and handed on event by event, so a calendar of any size costs one event (each at
//! most `MAX_EVENT_BYTES`), not its bytes.
//!
//! Content lines are unfolded as they are read (RFC 5545 section 3.1). Of each event only the
//! properties the reader uses are kept: descriptions, attachments, alarms and every other
//! component are passed over as they stream by. VTIMEZONE definitions and the calendar's own
//! `METHOD` and `X-WR-TIMEZONE` are kept for the zone resolution. Hostile structure is bounded:
//! components nested deeper than `MAX_NESTING` and lines longer than `MAX_LINE_BYTES` make
//! their event skipped with its line, never a stack overflow or a line held whole in memory.

use std::io::BufRead;

/// Deepest nesting of components (BEGIN/END) read: VCALENDAR, an event and an alarm in it are
/// 3, and RFC 5545 section 3.6 nests no deeper (VTIMEZONE's STANDARD, VEVENT's VALARM). The
/// iCalendar parser recurses once a level, so 3,000 nested `BEGIN:VALARM` overflowed the
/// stack; an event nested deeper than this is skipped with its line.
pub const MAX_NESTING: usize = 8;

/// Longest content line (after unfolding) of a property the reader uses, in bytes. RFC 5545
/// section 3.1 asks lines to be folded at 75 octets but sets no limit on a property; the
/// longest real ones are ATTENDEE lists and RDATE lists (`MAX_LISTED_DATES` values at 35 bytes
/// a PERIOD is 35 KB). An event with a longer one is skipped with its line; longer lines of
/// properties the reader does not use (a DESCRIPTION, an ATTACH) are passed over unread.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Most bytes kept of one event (the properties it uses), and of one VTIMEZONE. A meeting
/// with hundreds of attendees is tens of KiB; a VTIMEZONE with a full tzdata history a few
/// KiB. A larger one is skipped with its line, so a calendar costs its events, each bounded.
pub const MAX_EVENT_BYTES: usize = 1 << 20;
/// See `MAX_EVENT_BYTES`.
pub const MAX_ZONE_BYTES: usize = 256 << 10;

/// The event properties the reader uses (RFC 5545 section 3.6.1). EXRULE (deprecated,
/// Appendix A.3) is left out: it would be expanded in step with the rule at any frequency.
const EVENT_PROPERTIES: &[&str] = &[
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "STATUS",
    "SUMMARY",
    "ORGANIZER",
    "ATTENDEE",
    "SEQUENCE",
    "RRULE",
    "RDATE",
    "EXDATE",
    "RECURRENCE-ID",
];

/// One VEVENT: its kept lines from `BEGIN:VEVENT` to `END:VEVENT`, CRLF-ended.
#[derive(Debug)]
pub(crate) struct EventText {
    /// The line of the file its `BEGIN:VEVENT` is on (1-based).
    pub line: usize,
    pub text: String,
    /// It has a RECURRENCE-ID: it moves or cancels one instance of a series.
    pub overrides: bool,
}

/// What a calendar's text holds for the reader.
#[derive(Debug, Default)]
pub(crate) struct Split {
    pub saw_calendar: bool,
    /// A VCALENDAR says `METHOD:CANCEL` (RFC 5546 section 3.2.5).
    pub cancels_all: bool,
    /// The calendar's `X-WR-TIMEZONE` line, CRLF-ended, or nothing.
    pub calendar_zone: String,
    /// Every VTIMEZONE, unfolded and CRLF-ended.
    pub zones: String,
    /// Other components skipped (nested too deep, not closed), with their line.
    pub other_skips: Vec<(usize, String)>,
}

/// Logical (unfolded) content lines of a reader, each with the line it starts on; a line
/// longer than `MAX_LINE_BYTES` comes back cut there, flagged, the rest of it read and dropped.
struct Lines<R> {
    reader: R,
    line: usize,
    failed: Option<std::io::Error>,
}

impl<R: BufRead> Lines<R> {
    /// Appends one physical line (without its CR LF) to `out`, keeping at most `limit` bytes
    /// in all. Returns whether anything was read, and whether the line was cut.
    fn physical(&mut self, out: &mut Vec<u8>, limit: usize) -> (bool, bool) {
        let mut any = false;
        let mut cut = false;
        loop {
            let buffer = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed = Some(e);
                    break;
                }
            };
            if buffer.is_empty() {
                break;
            }
            any = true;
            let (chunk, done) = match memchr::memchr(b'\n', buffer) {
                Some(at) => (&buffer[..at], at + 1),
                None => (buffer, buffer.len()),
            };
            let room = limit.saturating_sub(out.len());
            if chunk.len() > room {
                cut = true;
            }
            out.extend_from_slice(&chunk[..chunk.len().min(room)]);
            let ended = done > chunk.len();
            self.reader.consume(done);
            if ended {
                break;
            }
        }
        if out.last() == Some(&b'\r') {
            out.pop();
        }
        self.line += usize::from(any);
        (any, cut)
    }

    fn next_line(&mut self) -> Option<(usize, String, bool)> {
        let mut bytes = Vec::new();
        let (any, mut cut) = self.physical(&mut bytes, MAX_LINE_BYTES);
        if !any {
            return None;
        }
        let start = self.line;
        // Continuation lines start with a space or a tab, dropped.
        while let Ok(next) = self.reader.fill_buf()
            && matches!(next.first(), Some(b' ' | b'\t'))
        {
            self.reader.consume(1);
            let (_, more) = self.physical(&mut bytes, MAX_LINE_BYTES);
            cut |= more;
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        let text = if start == 1 {
            text.trim_start_matches('\u{feff}').to_string()
        } else {
            text
        };
        Some((start, text, cut))
    }
}

fn is_key(line: &str, key: &str) -> bool {
    line.as_bytes()
        .get(..key.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(key.as_bytes()))
}

/// A property line's name, upper-cased (up to the first `;` or `:`).
fn name_of(line: &str) -> String {
    let end = line.find([';', ':']).unwrap_or(line.len());
    line[..end].trim().to_ascii_uppercase()
}

/// The top-level component being read.
struct Open {
    name: String,
    line: usize,
    text: String,
    overrides: bool,
    /// Why it is skipped, when it is.
    fault: Option<String>,
}

impl Open {
    /// Adds a line to what is kept of the component, or marks it too large.
    fn keep(&mut self, line: &str, number: usize) {
        let limit = if self.name == "VEVENT" {
            MAX_EVENT_BYTES
        } else {
            MAX_ZONE_BYTES
        };
        if self.fault.is_some() {
            return;
        }
        if self.text.len() + line.len() + 2 > limit {
            self.fault = Some(format!(
                "what is used of it passes {} KiB at line {number}",
                limit / 1024
            ));
            self.text = String::new();
            return;
        }
        self.text.push_str(line);
        self.text.push_str("\r\n");
    }
}

/// Reads a calendar's text from `reader` (see the module's doc), handing each VEVENT to `event`
/// as its END arrives, in order: its text, or the line it starts on and why it is skipped.
/// Errors: the reader failed part way (what was read before is returned with it).
pub(crate) fn split(
    reader: impl BufRead,
    event: &mut dyn FnMut(Result<EventText, (usize, String)>),
) -> (Split, Option<std::io::Error>) {
    let mut lines = Lines {
        reader,
        line: 0,
        failed: None,
    };
    let mut split = Split::default();
    let mut depth = 0usize;
    let mut open: Option<Open> = None;
    while let Some((number, line, cut)) = lines.next_line() {
        if is_key(&line, "BEGIN:") {
            depth += 1;
            let name = line["BEGIN:".len()..].trim().to_ascii_uppercase();
            match depth {
                1 => split.saw_calendar |= name == "VCALENDAR",
                2 => {
                    open = Some(Open {
                        text: format!("BEGIN:{name}\r\n"),
                        name,
                        line: number,
                        overrides: false,
                        fault: None,
                    })
                }
                _ => {
                    if let Some(o) = open.as_mut() {
                        if depth > MAX_NESTING && o.fault.is_none() {
                            o.fault = Some(format!(
                                "components nested deeper than {MAX_NESTING} (line {number})"
                            ));
                        }
                        if o.name == "VTIMEZONE" && o.fault.is_none() {
                            o.keep(&line, number);
                        }
                    }
                }
            }
            continue;
        }
        if is_key(&line, "END:") {
            if depth == 2
                && let Some(o) = open.take()
            {
                finish(&mut split, o, event);
            } else if depth > 2
                && let Some(o) = open.as_mut().filter(|o| o.name == "VTIMEZONE")
            {
                o.keep(&line, number);
            }
            depth = depth.saturating_sub(1);
            continue;
        }
        let name = name_of(&line);
        match (depth, open.as_mut()) {
            (1, _) => {
                let value = line.split_once(':').map_or("", |(_, v)| v.trim());
                if name == "METHOD" && value.eq_ignore_ascii_case("CANCEL") {
                    split.cancels_all = true;
                }
                if name == "X-WR-TIMEZONE" && !cut && split.calendar_zone.is_empty() {
                    split.calendar_zone = format!("{line}\r\n");
                }
            }
            (2, Some(o)) if o.name == "VEVENT" && EVENT_PROPERTIES.contains(&name.as_str()) => {
                if cut {
                    if o.fault.is_none() {
                        o.fault = Some(format!(
                            "line {number} ({name}) is longer than {} KiB",
                            MAX_LINE_BYTES / 1024
                        ));
                    }
                } else {
                    o.overrides |= name == "RECURRENCE-ID";
                    o.keep(&line, number);
                }
            }
            (_, Some(o)) if o.name == "VTIMEZONE" && !cut => {
                o.keep(&line, number);
            }
            _ => {}
        }
    }
    if let Some(mut o) = open.take() {
        o.fault.get_or_insert_with(|| format!("no END:{}", o.name));
        finish(&mut split, o, event);
    }
    (split, lines.failed)
}

fn finish(split: &mut Split, o: Open, event: &mut dyn FnMut(Result<EventText, (usize, String)>)) {
    match (o.name.as_str(), o.fault) {
        ("VEVENT", None) => {
            let mut text = o.text;
            text.push_str("END:VEVENT\r\n");
            event(Ok(EventText {
                line: o.line,
                text,
                overrides: o.overrides,
            }));
        }
        ("VEVENT", Some(fault)) => event(Err((o.line, fault))),
        ("VTIMEZONE", None) if split.zones.len() + o.text.len() <= MAX_ZONE_BYTES * 4 => {
            split.zones.push_str(&o.text);
            split.zones.push_str("END:VTIMEZONE\r\n");
        }
        ("VTIMEZONE", None) => split.other_skips.push((
            o.line,
            format!("VTIMEZONEs pass {} KiB in all", MAX_ZONE_BYTES * 4 / 1024),
        )),
        (_, Some(fault)) => split.other_skips.push((o.line, fault)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_keep_only_what_the_reader_uses_and_hostile_structure_is_bounded() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let text = format!(
            "\u{feff}BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nX-WR-TIMEZONE:Europe/Berlin\r\nBEGIN:VEVENT\r\nUID:a\r\nDESCRIPTION:{long}\r\nSUMMARY:Re\r\n view\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:{long}\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:c\r\n{}END:VEVENT\r\nBEGIN:VEVENT\r\nUID:d\r\n",
            "BEGIN:VALARM\r\n".repeat(20) + &"END:VALARM\r\n".repeat(20)
        );
        let mut events = Vec::new();
        let (split, failed) = split(text.as_bytes(), &mut |e| events.push(e));
        assert!(failed.is_none());
        assert!(split.saw_calendar && split.cancels_all);
        assert_eq!(split.calendar_zone, "X-WR-TIMEZONE:Europe/Berlin\r\n");
        assert_eq!(events.len(), 4);
        let first = events[0].as_ref().unwrap();
        assert_eq!(first.line, 4);
        assert_eq!(
            first.text,
            "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Review\r\nEND:VEVENT\r\n"
        );
        assert_eq!(
            events[1].as_ref().unwrap_err(),
            &(13, "line 15 (SUMMARY) is longer than 64 KiB".to_string())
        );
        assert_eq!(
            events[2].as_ref().unwrap_err(),
            &(
                17,
                format!("components nested deeper than {MAX_NESTING} (line 25)")
            )
        );
        assert_eq!(
            events[3].as_ref().unwrap_err(),
            &(60, "no END:VEVENT".to_string())
        );
    }
}
