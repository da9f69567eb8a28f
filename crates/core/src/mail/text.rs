//! Only the new text of a message is kept: the quoted history and the signature are cut, so a
//! summary says what this message added and the engine never reads a quote as a fresh reply.

use regex::Regex;
use std::sync::LazyLock;

/// A line that starts the quoted history, in English, German, French or Spanish.
static HISTORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(on\s.{4,200}\swrote:|am\s.{4,200}\sschrieb\s.{0,200}:|le\s.{4,200}\sa\s+écrit\s*:|el\s.{4,200}\sescribió:|-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)\s*-{2,}|_{10,})\s*$",
    )
    .expect("static pattern")
});

/// An Outlook-style header block: `From:` then `Sent:`/`Date:` within a few lines.
static HEADER_FROM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*\*?(from|von|de|da)\s?:\*?\s").expect("static pattern"));
static HEADER_SENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*\*?(sent|date|gesendet|datum|envoyé|date d'envoi|enviado|fecha)\s?:\*?\s")
        .expect("static pattern")
});

/// Where a signature starts.
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(--\s*|sent from my \w+.*|get outlook for \w+.*|von meinem \w+ gesendet.*|envoyé de mon \w+.*|enviado desde mi \w+.*)$",
    )
    .expect("static pattern")
});

/// The text a message adds: everything before the quoted history and the signature, without
/// `>` quotes, trimmed.
pub fn new_text(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let joined = lines
            .get(i + 1)
            .map(|next| format!("{} {}", line.trim_end(), next.trim()));
        let starts_history = HISTORY.is_match(line)
            // A long "On ... wrote:" line wrapped by the sender's client.
            || joined.as_deref().is_some_and(|j| HISTORY.is_match(j))
            || (HEADER_FROM.is_match(line) && lines[i + 1..].iter().take(4).any(|l| HEADER_SENT.is_match(l)))
            || SIGNATURE.is_match(line);
        if starts_history {
            end = i;
            break;
        }
    }
    let kept: Vec<&str> = lines[..end]
        .iter()
        .copied()
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect();
    kept.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_quotes_in_several_shapes() {
        let gmail = "Thursday works, let's do 10am.\n\nOn Mon, 12 May 2026 at 09:14, Alex Morgan <alex@seller.io> wrote:\n> Would Tuesday or Thursday suit?\n";
        assert_eq!(new_text(gmail), "Thursday works, let's do 10am.");
        let wrapped = "Yes please.\n\nOn Mon, 12 May 2026 at 09:14, Alex Morgan <\nalex@seller.io> wrote:\n> Should I close the file?";
        assert_eq!(new_text(wrapped), "Yes please.");
        let outlook = "Sounds good.\n\n________________________________\nFrom: Alex Morgan <alex@seller.io>\nSent: Monday, May 12, 2026 9:14 AM\nSubject: proposal";
        assert_eq!(new_text(outlook), "Sounds good.");
        let outlook_no_rule =
            "Please call Dana.\r\n\r\nFrom: Alex Morgan\r\nSent: Monday\r\nTo: Priya";
        assert_eq!(new_text(outlook_no_rule), "Please call Dana.");
        assert_eq!(
            new_text(
                "Passt.\n\nAm 12.05.2026 um 09:14 schrieb Alex Morgan <alex@seller.io>:\n> Hallo"
            ),
            "Passt."
        );
        assert_eq!(
            new_text("D'accord.\n\nLe lun. 12 mai 2026 à 09:14, Alex Morgan a écrit :\n> Bonjour"),
            "D'accord."
        );
        assert_eq!(
            new_text("Vale.\n\nEl lun, 12 may 2026 a las 9:14, Alex Morgan escribió:\n> Hola"),
            "Vale."
        );
        assert_eq!(
            new_text("See below.\n-----Original Message-----\nFrom: x"),
            "See below."
        );
        assert_eq!(
            new_text("inline answer\n> old line\nmore new text"),
            "inline answer\nmore new text"
        );
    }

    #[test]
    fn strips_signatures_but_keeps_the_message() {
        assert_eq!(
            new_text("Let's talk Friday.\n\n-- \nDana Reyes\nHead of Planning"),
            "Let's talk Friday."
        );
        assert_eq!(new_text("OK\n\nSent from my iPhone"), "OK");
        assert_eq!(new_text("Bien reçu.\nEnvoyé de mon iPhone"), "Bien reçu.");
        let plain = "From our side the budget is approved.\nSent the PO to finance today.";
        assert_eq!(
            new_text(plain),
            plain,
            "ordinary sentences starting with From/Sent are kept"
        );
    }
}
