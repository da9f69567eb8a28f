//! Splitting an mbox file into messages, as the mbox family writes them (RFC 4155 and the
//! qmail `mbox(5)` page; the variants mboxo, mboxrd, mboxcl and mboxcl2).
//!
//! A message starts at a line beginning `From ` only when that line *is* a separator: the
//! sender and an asctime-style date after it (`From alex@x Tue Nov 17 17:00:00 2026`,
//! Thunderbird's `From - Tue Nov 24 17:00:00 2026`, Mailman's `From dana at x.org  Fri Jan 23
//! 14:22:16 2004`, Gmail's `... Mon Jan 01 00:00:00 +0000 2018`), and the next line is a header
//! field. A body line "From our side the decision is made..." that a writer left unescaped
//! (Thunderbird does: thunderbird/import-export-tools-ng#145; the cause of
//! chaoss/grimoirelab-perceval#20 and ietf-tools/mailarchive#4117) does not split a message.
//! In mboxcl and mboxcl2 a `Content-Length` header gives the body's length; it is honoured when
//! it leads exactly to the next separator or the end of the file (as mutt checks it), so an
//! unescaped `From ` line inside such a body never splits, and a wrong length is ignored. A
//! UTF-8 byte-order mark before the first separator is passed over. A quoted `>From ` line in a
//! body loses one `>` (mboxrd).
//!
//! The file is read in large blocks and candidate separators are found with a vectorised search
//! (memchr); only the few candidates it finds are checked. A message is handed out as a slice
//! of the block (copied only when it needs unquoting), and the buffer grows only to hold the
//! largest single message, up to `MAX_HELD`: of a longer one only its first `HEAD` bytes are
//! kept (where its headers and text are) while the rest is scanned for the next separator and
//! dropped, so a 200 MB attachment costs no more memory than a 32 MiB one. No mbox crate reads these variants this way (mail-parser's
//! `mailbox::mbox` splits at every `From ` line), hence this splitter.

use std::borrow::Cow;
use std::io::Read;

const BLOCK: usize = 8 << 20;

/// A `Content-Length` above this is not followed (the file would be held in memory to check
/// it); the separators alone split such a message.
const MAX_CONTENT_LENGTH: u64 = 256 << 20;

/// A message longer than this is not held whole (see `HEAD`). Its `Content-Length` is then not
/// followed: the separators alone split it.
const MAX_HELD: usize = 32 << 20;

/// What is kept of a message longer than `MAX_HELD`: its first bytes, enough for any real
/// header block and text part (`crate::MESSAGE_HEAD`).
const HEAD: usize = crate::MESSAGE_HEAD;

/// A separator line longer than this is not one.
const MAX_LINE: usize = 1000;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether the bytes at a `From ` candidate start a message.
#[derive(Debug, PartialEq, Eq)]
enum Separator {
    Yes,
    No,
    /// The buffer ends before the answer: read more.
    NeedMore,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Whether the text after `From ` is a sender and a date: a month name, a day of the month,
/// a time `h:mm[:ss]` and a four-digit year among the words after the sender, in any order
/// (asctime's `Tue Nov 24 17:00:00 2026` and RFC 5322's `Tue, 24 Nov 2026 17:00:00` alike).
pub(crate) fn is_separator_line(rest: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(rest) else {
        return false;
    };
    let mut words = text.split_whitespace();
    if words.next().is_none() {
        return false;
    }
    let (mut month, mut day, mut time, mut year) = (false, false, false, false);
    for word in words {
        let word = word.trim_end_matches(',');
        let digits = word.bytes().all(|b| b.is_ascii_digit());
        if word.len() == 3 && MONTHS.iter().any(|m| m.eq_ignore_ascii_case(word)) {
            month = true;
        } else if digits && (1..=2).contains(&word.len()) {
            day |= word.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d));
        } else if digits && word.len() == 4 {
            year |= word
                .parse::<u16>()
                .is_ok_and(|y| (1970..=2200).contains(&y));
        } else if is_time(word) {
            time = true;
        }
    }
    month && day && time && year
}

/// `h:mm`, `hh:mm` or `hh:mm:ss`.
fn is_time(word: &str) -> bool {
    let b = word.as_bytes();
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    let hour = match b.iter().position(|c| *c == b':') {
        Some(h @ 1..=2) => h,
        _ => return false,
    };
    let rest = &b[hour + 1..];
    digits(&b[..hour])
        && match rest.len() {
            2 => digits(rest),
            5 => digits(&rest[..2]) && rest[2] == b':' && digits(&rest[3..]),
            _ => false,
        }
}

/// Whether `line` starts a header field: a name of printable characters other than `:`, then
/// `:` (RFC 5322 section 2.2). `None` when the buffer ends before that is known.
fn starts_header(line: &[u8], eof: bool) -> Option<bool> {
    for (i, b) in line.iter().enumerate() {
        match b {
            b':' => return Some(i > 0),
            33..=126 if i < 200 => {}
            _ => return Some(false),
        }
    }
    if eof { Some(false) } else { None }
}

/// Checks a candidate separator: `at` holds the bytes from its `From ` to the buffer's end.
fn separator(at: &[u8], eof: bool) -> Separator {
    let Some(nl) = memchr::memchr(b'\n', at) else {
        return if eof || at.len() > MAX_LINE {
            Separator::No
        } else {
            Separator::NeedMore
        };
    };
    if nl > MAX_LINE {
        return Separator::No;
    }
    let line = at[5..nl].strip_suffix(b"\r").unwrap_or(&at[5..nl]);
    if !is_separator_line(line) {
        return Separator::No;
    }
    match starts_header(&at[nl + 1..], eof) {
        Some(true) => Separator::Yes,
        Some(false) => Separator::No,
        None => Separator::NeedMore,
    }
}

/// The searches a split makes, built once (vectorised by memchr).
struct Finders {
    boundary: memchr::memmem::Finder<'static>,
    length: memchr::memmem::Finder<'static>,
    blank: memchr::memmem::Finder<'static>,
    blank_crlf: memchr::memmem::Finder<'static>,
    quoted_from: memchr::memmem::Finder<'static>,
}

impl Finders {
    fn new() -> Finders {
        Finders {
            boundary: memchr::memmem::Finder::new(b"\nFrom "),
            length: memchr::memmem::Finder::new(b"ength:"),
            blank: memchr::memmem::Finder::new(b"\n\n"),
            blank_crlf: memchr::memmem::Finder::new(b"\n\r\n"),
            quoted_from: memchr::memmem::Finder::new(b">From "),
        }
    }

    /// Where the first blank line in `text` starts (its `\n`), and the length of the break.
    fn blank_line(&self, text: &[u8]) -> Option<(usize, usize)> {
        let crlf = self.blank_crlf.find(text);
        let lf = self
            .blank
            .find(&text[..crlf.map_or(text.len(), |c| (c + 2).min(text.len()))]);
        match (lf, crlf) {
            (Some(a), Some(b)) if b < a => Some((b, 3)),
            (Some(a), _) => Some((a, 2)),
            (None, Some(b)) => Some((b, 3)),
            (None, None) => None,
        }
    }

    /// Where the message starting at `raw[0]` (its `From ` line) ends by its
    /// `Content-Length`: the offset, from `raw[0]`, just past its body. `None` without the
    /// header, with one that is not a number, or when the headers do not end within `raw`.
    /// Most messages have no such header: one vectorised search over the message tells.
    fn content_end(&self, raw: &[u8]) -> Option<u64> {
        const NAME: &[u8] = b"content-l";
        let headers_from = memchr::memchr(b'\n', raw)?;
        let mut from = headers_from;
        while let Some(p) = self.length.find(&raw[from..]) {
            let hit = from + p;
            from = hit + 1;
            let Some(name) = hit.checked_sub(NAME.len()) else {
                continue;
            };
            if name <= headers_from
                || raw[name - 1] != b'\n'
                || !raw[name..hit].eq_ignore_ascii_case(NAME)
            {
                continue;
            }
            // A header only while no blank line comes before it.
            if self.blank_line(&raw[headers_from..name]).is_some() {
                return None;
            }
            let value_end = hit + memchr::memchr(b'\n', &raw[hit..])?;
            let length: u64 = std::str::from_utf8(&raw[hit + 6..value_end])
                .ok()?
                .trim()
                .parse()
                .ok()?;
            let (blank, width) = match raw.get(value_end + 1) {
                // This was the last header line.
                Some(b'\n') => (value_end, 2),
                Some(b'\r') if raw.get(value_end + 2) == Some(&b'\n') => (value_end, 3),
                _ => {
                    let (at, width) = self.blank_line(&raw[value_end..])?;
                    (value_end + at, width)
                }
            };
            return Some((blank + width) as u64 + length);
        }
        None
    }
}

/// Whether a message's `Content-Length` end `end` (an index into `buf`) is where the next
/// separator or the end of the file lies, allowing the blank line mboxcl2 writers put between
/// messages. `None` when the buffer does not reach far enough to tell.
fn length_holds(buf: &[u8], end: usize, eof: bool) -> Option<bool> {
    if end > buf.len() {
        return if eof { Some(false) } else { None };
    }
    let mut at = end;
    for _ in 0..=2 {
        if at == buf.len() {
            return if eof { Some(true) } else { None };
        }
        let rest = &buf[at..];
        if rest.len() < 5 && !eof {
            return None;
        }
        if rest.starts_with(b"From ") {
            return match separator(rest, eof) {
                Separator::Yes => Some(true),
                Separator::No => Some(false),
                Separator::NeedMore => None,
            };
        }
        match rest[0] {
            b'\n' | b'\r' => at += 1,
            _ => return Some(false),
        }
    }
    Some(false)
}

/// Reads an mbox stream, handing each message's bytes (without its `From ` line; of a message
/// longer than `MAX_HELD`, its first `HEAD` bytes), its byte offset in the file and its whole
/// length in bytes to `each`.
pub(crate) fn split(
    reader: impl Read,
    each: impl FnMut(u64, Cow<'_, [u8]>, u64),
) -> std::io::Result<()> {
    split_blocks(reader, BLOCK, each)
}

/// `split`, reading `block` bytes at a time.
pub(crate) fn split_blocks(
    mut reader: impl Read,
    block: usize,
    mut each: impl FnMut(u64, Cow<'_, [u8]>, u64),
) -> std::io::Result<()> {
    let finders = Finders::new();
    // The first bytes of a message too long to hold, and its offset in the file: the rest of
    // it is dropped from `buf` as it is searched.
    let mut held: Option<(u64, Vec<u8>)> = None;
    let boundary = &finders.boundary;
    let mut buf: Vec<u8> = Vec::with_capacity(block);
    // Offset in the file of buf[0].
    let mut base: u64 = 0;
    // Where the current message (its `From ` line) starts in buf.
    let mut start: Option<usize> = None;
    let mut searched = 0;
    let mut eof = false;
    // The current message's end by its Content-Length, as a file offset: `None` until looked
    // for, `Some(None)` when it has none (or a wrong one).
    let mut length_end: Option<Option<u64>> = None;
    loop {
        if start.is_none() {
            // Before the first message: the file begins with `From ` (after a byte-order mark);
            // anything else up to the first separator is not a message.
            if buf.len() >= 8 || eof {
                if base == 0 && buf.starts_with(b"From ") {
                    start = Some(0);
                } else if base == 0 && buf.starts_with(BOM) && buf[3..].starts_with(b"From ") {
                    start = Some(3);
                } else {
                    let mut waiting = false;
                    while let Some(p) = boundary.find(&buf[searched..]) {
                        let c = searched + p + 1;
                        match separator(&buf[c..], eof) {
                            Separator::Yes => {
                                start = Some(c);
                                break;
                            }
                            Separator::No => searched = c,
                            Separator::NeedMore => {
                                searched = c - 1;
                                waiting = true;
                                break;
                            }
                        }
                    }
                    if start.is_none() && !waiting {
                        searched = buf.len().saturating_sub(6).max(searched);
                    }
                    if start.is_none() && eof {
                        return Ok(());
                    }
                }
                if let Some(s) = start {
                    searched = s;
                }
            }
        }
        if let Some(s) = start {
            let from = searched.max(s);
            match boundary.find(&buf[from..]) {
                Some(p) => {
                    let c = from + p + 1;
                    match separator(&buf[c..], eof) {
                        Separator::No => {
                            searched = c;
                            continue;
                        }
                        Separator::NeedMore => searched = c - 1,
                        Separator::Yes => {
                            if length_end.is_none() {
                                length_end = Some(
                                    finders
                                        .content_end(&buf[s..c])
                                        .filter(|n| *n <= MAX_CONTENT_LENGTH)
                                        .map(|n| base + s as u64 + n),
                                );
                            }
                            let claimed = length_end
                                .flatten()
                                .map(|e| (e - base) as usize)
                                .filter(|e| *e > c);
                            let verdict = match claimed {
                                None => Some(false),
                                Some(e) => length_holds(&buf, e, eof),
                            };
                            match verdict {
                                // The body runs past this line by its Content-Length.
                                Some(true) => {
                                    searched = c;
                                    continue;
                                }
                                Some(false) => {
                                    emit(
                                        base + s as u64,
                                        &buf[s..c],
                                        held.take(),
                                        base + c as u64,
                                        &finders.quoted_from,
                                        &mut each,
                                    );
                                    start = Some(c);
                                    searched = c;
                                    length_end = None;
                                    continue;
                                }
                                None => searched = c - 1,
                            }
                        }
                    }
                }
                None if eof => {
                    if s < buf.len() || held.is_some() {
                        let end = base + buf.len() as u64;
                        let raw = &buf[s..];
                        emit(
                            base + s as u64,
                            raw,
                            held.take(),
                            end,
                            &finders.quoted_from,
                            &mut each,
                        );
                    }
                    return Ok(());
                }
                // The boundary may straddle the block's end: search again from a little before.
                None => searched = buf.len().saturating_sub(6).max(s),
            }
        }
        // Keep the message in hand at the front, then read more after it.
        if let Some(s) = start.filter(|s| *s > 0) {
            buf.drain(..s);
            base += s as u64;
            searched -= s;
            start = Some(0);
        } else if start.is_none() && searched > 0 {
            buf.drain(..searched);
            base += searched as u64;
            searched = 0;
        }
        // A message too long to hold: keep its head, drop what has been searched.
        if start == Some(0) && buf.len() > MAX_HELD && searched > HEAD {
            if held.is_none() {
                held = Some((base, buf[..HEAD].to_vec()));
                length_end = Some(None);
            }
            buf.drain(..searched);
            base += searched as u64;
            searched = 0;
        }
        let got = reader.by_ref().take(block as u64).read_to_end(&mut buf)?;
        if got < block {
            eof = true;
        }
    }
}

/// Hands out one message: the `From ` line dropped, `>From ` unquoted (a line of one or more
/// `>` then `From ` loses one `>`). Copied only when a line needs unquoting: a vectorised search
/// for `>From ` tells, so quoted replies (`> ...` lines) cost no copy. `held`: the offset and
/// first bytes of a message too long to hold, handed out instead of `raw` (its tail); `end`:
/// the file offset where the message ends.
fn emit(
    offset: u64,
    raw: &[u8],
    held: Option<(u64, Vec<u8>)>,
    end: u64,
    quoted_from: &memchr::memmem::Finder<'_>,
    each: &mut impl FnMut(u64, Cow<'_, [u8]>, u64),
) {
    let (offset, raw) = match &held {
        Some((at, head)) => (*at, head.as_slice()),
        None => (offset, raw),
    };
    let size = end.saturating_sub(offset);
    let body = match memchr::memchr(b'\n', raw) {
        Some(n) => &raw[n + 1..],
        None => &[][..],
    };
    // Where each line to unquote starts (the `>` it loses).
    let mut cuts = Vec::new();
    let mut from = 0;
    while let Some(p) = quoted_from.find(&body[from..]) {
        let hit = from + p;
        let mut start = hit;
        while start > 0 && body[start - 1] == b'>' {
            start -= 1;
        }
        if start == 0 || body[start - 1] == b'\n' {
            cuts.push(start);
        }
        from = hit + 1;
    }
    if cuts.is_empty() {
        each(offset, Cow::Borrowed(body), size);
        return;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut kept = 0;
    for cut in cuts {
        out.extend_from_slice(&body[kept..cut]);
        kept = cut + 1;
    }
    out.extend_from_slice(&body[kept..]);
    each(offset, Cow::Owned(out), size);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        split(bytes, |o, m, _| {
            out.push((o, String::from_utf8_lossy(&m).into_owned()))
        })
        .unwrap();
        out
    }

    /// Split with blocks of `block` bytes, so every boundary falls across reads.
    fn in_blocks(bytes: &[u8], block: usize) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        split_blocks(bytes, block, |o, m, _| {
            out.push((o, String::from_utf8_lossy(&m).into_owned()))
        })
        .unwrap();
        out
    }

    #[test]
    fn a_message_too_long_to_hold_is_handed_out_as_its_head_with_its_whole_length() {
        let first =
            b"From a@x Mon Jan  5 10:00:00 2026\nSubject: big\nContent-Length: 5\n\nHello\n";
        let filler = "x".repeat(75) + "\n";
        let body_lines = (MAX_HELD + 3 * BLOCK) / filler.len();
        let second = b"From b@x Tue Jan  6 10:00:00 2026\nSubject: after\n\nbody\n";
        let mut mbox = first.to_vec();
        for _ in 0..body_lines {
            mbox.extend_from_slice(filler.as_bytes());
        }
        let second_at = mbox.len() as u64;
        mbox.extend_from_slice(second);
        for block in [BLOCK, 1 << 20] {
            let mut got = Vec::new();
            split_blocks(&mbox[..], block, |o, m, size| {
                got.push((o, m.len(), size, m.starts_with(b"Subject: ")))
            })
            .unwrap();
            assert_eq!(got.len(), 2, "block {block}");
            let (offset, held, size, headed) = got[0];
            assert_eq!(offset, 0);
            assert!(headed, "the head is the message's start");
            assert!(held <= HEAD, "held {held} bytes of a {size}-byte message");
            assert_eq!(size, second_at, "the whole length counts");
            assert_eq!(got[1].0, second_at);
            assert_eq!(got[1].2, second.len() as u64);
        }
    }

    #[test]
    fn messages_are_split_at_from_lines_and_mboxrd_quoting_is_undone() {
        let mbox = b"From a@x Mon Jan  5 10:00:00 2026\nSubject: one\n\n>From the start\n>>From deeper\n> quoted\n\nFrom b@x Tue Jan  6 10:00:00 2026\nSubject: two\n\nbody";
        let got = all(mbox);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 0);
        assert_eq!(
            got[0].1,
            "Subject: one\n\nFrom the start\n>From deeper\n> quoted\n\n"
        );
        let second = got[1].0 as usize;
        assert_eq!(&mbox[second..second + 12], b"From b@x Tue");
        assert_eq!(got[1].1, "Subject: two\n\nbody");

        // Only at a line's start; a message ending in a quoted line; no quoting at all.
        let mbox = b"From a@x Mon Jan  5 10:00:00 2026\nSubject: one\n\nsee >From here\n> >From not this\n>From last";
        assert_eq!(
            all(mbox)[0].1,
            "Subject: one\n\nsee >From here\n> >From not this\nFrom last"
        );
    }

    #[test]
    fn boundaries_across_blocks_and_junk_before_the_first_message() {
        // Messages larger than a block, and boundaries at every offset around the block's end.
        let big = "x".repeat(BLOCK - 3);
        let mut mbox = String::from("junk line\nFrom a@x Mon Jan  5 10:00:00 2026\nX-A: 1\n");
        mbox += &big;
        mbox += "\nFrom b@x Tue Jan  6 10:00:00 2026\nX-B: short\nFrom c@x Wed Jan  7 10:00:00 2026\nX-C: 3\n";
        mbox += &"y".repeat(2 * BLOCK + 17);
        let got = all(mbox.as_bytes());
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].1.len(), "X-A: 1\n".len() + big.len() + 1);
        assert_eq!(got[1].1, "X-B: short\n");
        assert_eq!(got[2].1.len(), "X-C: 3\n".len() + 2 * BLOCK + 17);
        for (offset, _) in &got {
            assert_eq!(
                &mbox.as_bytes()[*offset as usize..*offset as usize + 5],
                b"From "
            );
        }
        assert!(all(b"no mbox here").is_empty());
        assert!(all(b"").is_empty());
    }

    #[test]
    fn separator_lines_in_the_forms_writers_use() {
        for line in [
            "alex@seller.example Tue Nov 17 17:00:00 2026",
            "- Tue Nov 24 17:05:12 2026",
            "MAILER-DAEMON Fri Jul  8 12:08:34 2011",
            "dana at northwind.example  Fri Jan 23 14:22:16 2004",
            "1234567890@xxx Mon Jan 01 00:00:00 +0000 2018",
            "???@??? Mon Jan 01 00:00:00 1997",
            "alex@seller.example Tue Nov 17 17:00 2026",
            "alex@seller.example Tue, 17 Nov 2026 17:00:00 +0000",
            "uucp!alex Sat Jan  3 01:05:34 1996 remote from host",
        ] {
            assert!(is_separator_line(line.as_bytes()), "{line}");
        }
        for line in [
            "our side the decision is made: we signed with another vendor last",
            "Monday on, the team takes over.",
            "the 3rd of May 2026, we start",
            "9:00 to 17:00 every day",
            "",
            "alex@seller.example",
        ] {
            assert!(!is_separator_line(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn an_unescaped_from_in_a_body_does_not_split() {
        // Thunderbird's separators and an unescaped body line (thunderbird/import-export-tools-ng#145).
        let mbox = b"From - Tue Nov 24 17:00:00 2026\nX-Mozilla-Status: 0001\nSubject: one\n\nHi,\nFrom our side the decision is made.\nFrom Tue Nov 24 17:00:00 2026 onwards\nthe old terms end.\n\nFrom - Tue Nov 24 17:05:12 2026\nX-Mozilla-Status: 0001\nSubject: two\n\nbody\n";
        let got = all(mbox);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].1.contains("From our side the decision is made."));
        assert!(got[0].1.contains("the old terms end."));
        assert!(got[1].1.starts_with("X-Mozilla-Status: 0001\nSubject: two"));
    }

    #[test]
    fn content_length_is_honoured_when_it_leads_to_the_next_separator() {
        // mboxcl2: bodies are not escaped; a forwarded mbox inside one looks like a message.
        let body =
            "Forwarded:\nFrom dana@x Tue Nov 24 17:00:00 2026\nSubject: inner\n\ninner body\n";
        let mbox = format!(
            "From a@x Mon Jan  5 10:00:00 2026\nSubject: outer\nContent-Length: {}\n\n{body}\nFrom b@x Tue Jan  6 10:00:00 2026\nSubject: next\nContent-Length: 4\n\nlast\n",
            body.len()
        );
        let got = all(mbox.as_bytes());
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].1.contains("inner body"));
        assert_eq!(got[1].1, "Subject: next\nContent-Length: 4\n\nlast\n");
        // The same, a few bytes at a time.
        for block in 1..40 {
            assert_eq!(in_blocks(mbox.as_bytes(), block), got, "blocks of {block}");
        }

        // A wrong length (too short, too long, past the end) is ignored: separators decide.
        for wrong in [3, body.len() + 40, 100_000] {
            let mbox = format!(
                "From a@x Mon Jan  5 10:00:00 2026\nSubject: outer\nContent-Length: {wrong}\n\nplain body\n\nFrom b@x Tue Jan  6 10:00:00 2026\nSubject: next\n\nlast\n"
            );
            let got = all(mbox.as_bytes());
            assert_eq!(got.len(), 2, "length {wrong}: {got:?}");
            assert_eq!(got[1].1, "Subject: next\n\nlast\n");
        }
    }

    #[test]
    fn the_content_length_header_is_found_where_writers_put_it() {
        let f = Finders::new();
        let crlf = b"From a@x Mon Jan  5 10:00:00 2026\r\nSubject: s\r\ncontent-length: 4\r\nX-A: 1\r\n\r\nbody";
        assert_eq!(f.content_end(crlf), Some(crlf.len() as u64));
        let last = b"From a@x Mon Jan  5 10:00:00 2026\nContent-Length: 4\n\nbody";
        assert_eq!(f.content_end(last), Some(last.len() as u64));
        // In a body, or not a number: no length.
        let body = b"From a@x Mon Jan  5 10:00:00 2026\nSubject: s\n\nContent-Length: 4\n";
        assert_eq!(f.content_end(body), None);
        let word = b"From a@x Mon Jan  5 10:00:00 2026\nContent-Length: many\n\nbody";
        assert_eq!(f.content_end(word), None);
        let other = b"From a@x Mon Jan  5 10:00:00 2026\nX-Strength: 4\n\nbody";
        assert_eq!(f.content_end(other), None);
    }

    #[test]
    fn a_byte_order_mark_and_crlf_lines() {
        let mbox = b"\xEF\xBB\xBFFrom a@x Mon Jan  5 10:00:00 2026\r\nSubject: one\r\n\r\nbody\r\n\r\nFrom b@x Tue Jan  6 10:00:00 2026\r\nSubject: two\r\n\r\nbody\r\n";
        let got = all(mbox);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, 3);
        assert!(got[0].1.starts_with("Subject: one"));
        assert!(got[1].1.starts_with("Subject: two"));
    }

    #[test]
    fn pieces_in_any_order_split_the_same_whatever_the_read_sizes() {
        // Mailboxes assembled from the awkward pieces (separators, near-separators, lengths
        // right and wrong, CRLF, a mark, truncation), each read whole and a few bytes at a
        // time: the same messages, and no panic.
        const PIECES: &[&str] = &[
            "From a@x Mon Jan  5 10:00:00 2026\nSubject: s\n\nbody\n",
            "From - Tue Nov 24 17:05:12 2026\r\nX-Mozilla-Status: 1\r\n\r\nb\r\n",
            "From our side the decision is made.\n",
            "From b@x Tue Jan  6 10:00:00 2026\nnot a header\n",
            ">From quoted Mon Jan  5 10:00:00 2026\n",
            "From c@x Wed Jan  7 10:00:00 2026\nContent-Length: 5\n\nFrom \n",
            "From d@x Wed Jan  7 10:00:00 2026\nContent-Length: 999\n\nshort\n",
            "\n",
            "\u{feff}",
            "From e@x Wed Jan  7 10:00:00 2026\nX-Cut: off",
            "From",
            "From ",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let n = (next() % 12) as usize;
            let mbox: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let whole = all(mbox.as_bytes());
            for block in [1, 2, 3, 5, 8, 13, 21] {
                assert_eq!(
                    in_blocks(mbox.as_bytes(), block),
                    whole,
                    "{mbox:?} in blocks of {block}"
                );
            }
            for (offset, _) in &whole {
                let at = &mbox.as_bytes()[*offset as usize..];
                assert!(at.starts_with(b"From "), "{mbox:?} at {offset}");
            }
        }
    }

    #[test]
    fn the_same_messages_whatever_the_read_sizes() {
        let mbox = b"junk\nFrom a@x Mon Jan  5 10:00:00 2026\nSubject: one\n\nFrom here on.\nFrom c@x Mon Jan  5 10:00:00 2026\nnot a header line\n\nFrom b@x Tue Jan  6 10:00:00 2026\nSubject: two\n\nbody";
        let whole = all(mbox);
        assert_eq!(whole.len(), 2, "{whole:?}");
        for block in 1..40 {
            assert_eq!(in_blocks(mbox, block), whole, "blocks of {block}");
        }
    }
}
