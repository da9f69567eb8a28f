//! Splitting an mbox file into messages: a message starts at each line beginning `From `
//! (mboxo and mboxrd alike), and a quoted `>From ` line in a body loses one `>` (mboxrd).
//! The file is read in large blocks and message boundaries are found with a vectorised search;
//! a message is handed out as a slice of the block (copied only when it needs unquoting), and
//! the buffer grows only to hold the largest single message.

use std::borrow::Cow;
use std::io::Read;

const BLOCK: usize = 8 << 20;

/// Reads an mbox stream, handing each message's bytes (without its `From ` line) and its byte
/// offset in the file to `each`.
pub(crate) fn split(
    mut reader: impl Read,
    mut each: impl FnMut(u64, Cow<'_, [u8]>),
) -> std::io::Result<()> {
    let boundary = memchr::memmem::Finder::new(b"\nFrom ");
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
    // Offset in the file of buf[0].
    let mut base: u64 = 0;
    // Where the current message (its `From ` line) starts in buf.
    let mut start: Option<usize> = None;
    let mut searched = 0;
    let mut eof = false;
    loop {
        if start.is_none() {
            // Before the first message: the file must begin with `From `; anything else up to
            // the first boundary is not a message.
            if buf.len() >= 5 || eof {
                if buf.starts_with(b"From ") {
                    start = Some(0);
                } else if let Some(p) = boundary.find(&buf) {
                    start = Some(p + 1);
                } else if eof {
                    return Ok(());
                }
            }
        }
        if let Some(s) = start {
            let from = searched.max(s);
            match boundary.find(&buf[from..]) {
                Some(p) => {
                    let end = from + p + 1;
                    emit(base + s as u64, &buf[s..end], &mut each);
                    start = Some(end);
                    searched = end;
                    continue;
                }
                None if eof => {
                    if s < buf.len() {
                        emit(base + s as u64, &buf[s..], &mut each);
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
        } else if start.is_none() && buf.len() > 6 {
            let drop = buf.len() - 6;
            buf.drain(..drop);
            base += drop as u64;
        }
        let got = reader.by_ref().take(BLOCK as u64).read_to_end(&mut buf)?;
        if got < BLOCK {
            eof = true;
        }
    }
}

/// Hands out one message: the `From ` line dropped, `>From ` unquoted.
fn emit(offset: u64, raw: &[u8], each: &mut impl FnMut(u64, Cow<'_, [u8]>)) {
    let body = match memchr::memchr(b'\n', raw) {
        Some(n) => &raw[n + 1..],
        None => &[][..],
    };
    let quoted = memchr::memmem::find(body, b"\n>").is_some() || body.starts_with(b">");
    if !quoted {
        each(offset, Cow::Borrowed(body));
        return;
    }
    let mut out = Vec::with_capacity(body.len());
    for line in body.split_inclusive(|b| *b == b'\n') {
        let arrows = line.iter().take_while(|b| **b == b'>').count();
        if arrows > 0 && line[arrows..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    each(offset, Cow::Owned(out));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        split(bytes, |o, m| {
            out.push((o, String::from_utf8_lossy(&m).into_owned()))
        })
        .unwrap();
        out
    }

    #[test]
    fn messages_are_split_at_from_lines_and_mboxrd_quoting_is_undone() {
        let mbox = b"From a@x Mon\nSubject: one\n\n>From the start\n>>From deeper\n> quoted\n\nFrom b@x Tue\nSubject: two\n\nbody";
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
    }

    #[test]
    fn boundaries_across_blocks_and_junk_before_the_first_message() {
        // Messages larger than a block, and boundaries at every offset around the block's end.
        let big = "x".repeat(BLOCK - 3);
        let mut mbox = String::from("junk line\nFrom a@x Mon\n");
        mbox += &big;
        mbox += "\nFrom b@x Tue\nshort\nFrom c@x Wed\n";
        mbox += &"y".repeat(2 * BLOCK + 17);
        let got = all(mbox.as_bytes());
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].1.len(), big.len() + 1);
        assert_eq!(got[1].1, "short\n");
        assert_eq!(got[2].1.len(), 2 * BLOCK + 17);
        for (offset, _) in &got {
            assert_eq!(
                &mbox.as_bytes()[*offset as usize..*offset as usize + 5],
                b"From "
            );
        }
        assert!(all(b"no mbox here").is_empty());
        assert!(all(b"").is_empty());
    }
}
