//! The new text of a message: what its sender wrote this time, wherever it sits.
//!
//! A reply is read line by line and cut into fragments: the sender's own words, quoted history
//! (`>` lines, or the unquoted copy below an Outlook/Lotus/GroupWise header block or a
//! forwarded-message line), the attribution or header lines that introduce it, the signature,
//! a legal disclaimer and a mailing list's footer. Only the own fragments are kept, so an answer
//! written below the quote (bottom-posting) or between quoted lines (inline answers) survives,
//! and a list's "To unsubscribe" footer or a quoted proposal never reads as the sender's words.
//! The reply reader, summaries and the auto-reply wording checks all read this text: what the
//! prospect says this time is in their own new words, never in the history they quote
//! (PLAYBOOK.md, "What this means for the product": the product reads the replies).
//!
//! The approach follows the ideas of GitHub's email_reply_parser (a message is a list of
//! fragments, each quoted, signature or own, scanned in order) and Mailgun's talon (attribution
//! lines and header blocks in many clients' and languages' forms; a signature is a short block
//! of name-like lines at the end); no code or fixture of theirs is used. No maintained Rust crate
//! splits a reply this way (crates.io has MIME parsers, which give the body, not its parts), so
//! the rules live here as tables of patterns, each with its source. `signature` holds the
//! closing-and-name rules, `score` the measure used on the labelled set in `eval/text`.

mod score;
mod signature;

pub use score::{TextScore, score, score_text};

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexSet};
use signature::{ANSWER_WORDS, looks_like_name, mark_closing_blocks};
use std::sync::LazyLock;

/// What a fragment of a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentKind {
    /// The sender's own words this time: the only kind [`new_text`] keeps.
    Own,
    /// History: `>` lines, or the unquoted copy below a header block or a forward line.
    Quoted,
    /// A line or block that introduces history: "On DATE, NAME wrote:", an Outlook or Lotus
    /// Notes header block, GroupWise's `>>> NAME DATE >>>`, "-----Original Message-----".
    Attribution,
    /// The sender's signature: after "-- " (RFC 3676 section 4.3), a mobile footer ("Sent from
    /// my iPhone"), or a short closing and name block at the end of their text.
    Signature,
    /// A legal notice ("This email and any attachments are confidential...").
    Disclaimer,
    /// A mailing list's footer ("To unsubscribe...", Google Groups', Mailman's listinfo block).
    ListFooter,
}

/// A run of consecutive lines of one kind. `first_line` counts from 0 over `body.lines()`;
/// `text` is the lines joined with `\n`, as written (quote marks kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// What the lines are.
    pub kind: FragmentKind,
    /// The index of the fragment's first line in `body.lines()`.
    pub first_line: usize,
    /// The lines, joined with `\n`.
    pub text: String,
}

fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("static pattern")
}

/// Verbs that end or carry an attribution line, in the languages mail clients localise it into
/// (Gmail, Apple Mail, Thunderbird, Outlook: EN, DE, FR, ES, NL, IT, PT, Nordic, PL, CS, FI, RU;
/// Apple Mail's Chinese, Korean and Japanese forms end in "写道：", "작성:", "のメッセージ:").
const VERBS: &str = r"(?:wrote|writes|schrieb|geschrieben|a\s+écrit|a\s+ecrit|écrivait|escribió|escribio|schreef|ha\s+scritto|scrisse|escreveu|skrev|kirjoitti|napisał|pisze|napsal|написал|написала|写道|寫道|작성|のメッセージ)";

/// "On DATE, NAME <addr> wrote:" and its translations: a line that opens with the date
/// preposition ("On", "Am", "Le", "El", "Op", "Il", "Em", "Den", "W dniu"...) and carries the
/// verb, ending in a colon or the verb (Gmail, Apple Mail, Thunderbird; talon's localised forms).
static ATTRIBUTION_DATED: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)^\s*(?:on|am|le|el|op|il|em|den|dne|w\s+dniu|no\s+dia|il\s+giorno|el\s+día|på)\s.{{2,300}}\b{VERBS}(?:\s*[:：]|\s.{{0,200}}[:：])?\s*$"
    ))
});

/// "NAME <addr> wrote:" without a date, "NAME hat am DATE geschrieben:", "NAME a écrit :":
/// any short line that ends in the verb and a colon (mutt, Gnus "writes:", web mailers).
static ATTRIBUTION_VERB_END: LazyLock<Regex> =
    LazyLock::new(|| pattern(&format!(r"(?i)^\s*\S.{{0,250}}\b{VERBS}\s*[:：]\s*$")));

/// Lotus Notes' "NAME/ORG@ORG wrote on DATE" (with or without a colon).
static ATTRIBUTION_WROTE_ON: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)^\s*\S.{0,200}\swrote\s+on\s.{4,80}$"));

/// "Quoting NAME <addr>:" (Horde/IMP) and its translations.
static ATTRIBUTION_QUOTING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)^\s*(?:quoting|zitat\s+von|citando|citation|selon|cytuję|citeren)\s.{1,200}:\s*$")
});

/// A line with a date, a time or an address that ends in a colon, such as Gmail's
/// "2017-11-06 10:00 GMT+01:00 NAME <addr>:" or mutt's "* NAME <addr> [2010-06-22 20:53]:".
/// Only an attribution when `>` lines follow it.
static ATTRIBUTION_LOOSE: LazyLock<Regex> = LazyLock::new(|| pattern(r"^\s*\S.{0,250}:\s*$"));
static HAS_DATE_OR_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)[\w.+-]+@[\w-]+\.[\w.-]+|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}:\d{2}")
});

/// GroupWise's `>>> NAME <addr> DATE >>>` line, after which the original follows unquoted.
/// (Newer GroupWise writes `>>> On DATE, <addr> wrote:` above `>` lines: read as quoted.)
static GROUPWISE: LazyLock<Regex> = LazyLock::new(|| pattern(r"^\s*>>>\s?.{2,200}>>>\s*$"));

/// "-----Original Message-----", forwarded-message lines and their translations (Outlook,
/// Gmail, Apple Mail "Begin forwarded message:", Thunderbird).
static SEPARATOR_LINE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)^\s*(?:[-=_*]{2,}\s*(?:original\s+message|ursprüngliche\s+nachricht|originalnachricht|message\s+d'origine|mensaje\s+original|oorspronkelijk\s+bericht|messaggio\s+originale|mensagem\s+original|forwarded\s+message|weitergeleitete\s+nachricht|message\s+transféré|mensaje\s+reenviado|doorgestuurd\s+bericht|messaggio\s+inoltrato|mensagem\s+encaminhada|original\s+meddelande|videresendt\s+meddelelse)\s*[-=_*]{2,}|begin\s+forwarded\s+message\s*:|anfang\s+der\s+weitergeleiteten\s+nachricht\s*:|début\s+du\s+message\s+(?:réexpédié|transféré)\s*:|inicio\s+del\s+mensaje\s+reenviado\s*:|inizio\s+messaggio\s+inoltrato\s*:|início\s+da\s+mensagem\s+reencaminhada\s*:)\s*$",
    )
});

/// The first line of an Outlook header block: "From:" in the languages Outlook writes it,
/// plain or bold (`*From:*`, as the HTML-to-text conversion renders `<b>From:</b>`).
static HEADER_FROM: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)^\s*\*{0,2}(?:from|von|de|da|van|från|fra|od|от|lähettäjä|feladó|expéditeur)\s*:\s*\*{0,2}\s*\S",
    )
});

/// The other lines of a header block: date, recipients, copy and subject, localised.
static HEADER_OTHER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)^\s*\*{0,2}(?:sent|date|to|cc|bcc|subject|gesendet|datum|an|kopie|betreff|envoyé|date\s+d'envoi|à|a|objet|enviado(?:\s+(?:el|em))?|enviada(?:\s+em)?|fecha|para|asunto|data|inviato|oggetto|verzonden|aan|onderwerp|assunto|skickat|till|ämne|sendt|til|emne|wysłano|do|temat|importance|priority)\s*:\s*\*{0,2}",
    )
});

/// Lotus Notes' header grid: a "To:" line (at the start or after a column of spaces) followed
/// by "cc:" or "Subject:" lines, below the author's name and the date.
static LOTUS_TO: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?i)(?:^\s*|\s{2,})to\s*:\s*\S"));
static LOTUS_CC_SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)(?:^\s*|\s{2,})(?:cc|bcc|subject)\s*:"));

/// Where a signature starts: RFC 3676's "-- " (and the common "--"), and mobile and client
/// footers ("Sent from my iPhone", "Get Outlook for iOS", localised), as a short line of its
/// own (at most six words after the verb, so "Sent from the office today we ..." stays).
static SIGNATURE_START: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)^\s*(?:--|__)\s*$|^\s*(?:sent\s+(?:from|with|via|using)|get\s+outlook\s+for|von\s+meinem|gesendet\s+(?:von|mit)|envoyé\s+(?:de|depuis|à\s+partir\s+de)|enviado\s+(?:desde|do|de)|verzonden\s+(?:vanaf|met|via)|inviato\s+da|skickat\s+från|sendt\s+fra|wysłane\s+z)(?:\s+\S+){1,6}\s*$",
    )
});

/// The opening of a legal disclaimer, in the wordings firms use (EN, DE, FR, ES, NL, IT, PT, PL)
/// and German company particulars (Handelsregister, Geschäftsführer) that close business mail.
static DISCLAIMER_START: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?ix)^[\s*_\[(]*(?:
            (?:important\s+notice|confidentiality(?:\s+notice)?|legal\s+notice|disclaimer|privileged\s*(?:and|&)\s*confidential|notice\s+of\s+confidentiality)\b
          | (?:this|the)\s+(?:e-?mail|message|communication|transmission)\b.{0,80}\b(?:confidential|privileged|intended\s+(?:only|solely|exclusively))
          | the\s+(?:information|contents?)\s+(?:contained\s+)?(?:in|of)\s+this\s+(?:e-?mail|message|communication)
          | if\s+you\s+(?:are\s+not|have\s+received\s+this)\b.{0,60}\b(?:intended|error)
          | please\s+consider\s+the\s+environment\s+before\s+printing
          | diese\s+(?:e-?mail|nachricht)\b.{0,80}\bvertraulich
          | (?:der\s+inhalt\s+dieser|wenn\s+sie\s+nicht\s+der\s+(?:richtige|beabsichtigte))\b
          | (?:sitz\s+der\s+gesellschaft|geschäftsführ(?:er|ung)|registergericht|handelsregister|amtsgericht)\b.{0,10}:
          | (?:ce|le\s+présent)\s+(?:message|courriel|e-?mail|mail)\b.{0,100}\bconfidenti
          | si\s+vous\s+(?:n'êtes\s+pas|avez\s+reçu\s+ce)\b
          | (?:este|el\s+presente)\s+(?:mensaje|correo)\b.{0,100}\b(?:confidencial|privilegiad)
          | (?:aviso\s+(?:legal|de\s+confidencialidad)|si\s+(?:usted\s+)?no\s+es\s+el\s+destinatario)\b
          | (?:dit\s+(?:e-?mail(?:bericht)?|bericht)\b.{0,80}\b(?:vertrouwelijk|uitsluitend\s+bestemd)|de\s+informatie\s+(?:verzonden\s+)?in\s+dit\s+(?:e-?mail)?bericht)
          | (?:questo\s+messaggio|le\s+informazioni\s+contenute\s+in\s+questo)\b.{0,100}\b(?:riservat|confidenzial|destinat)
          | esta\s+mensagem\b.{0,100}\b(?:confidencia|privilegiad|destinatário)
          | ta\s+wiadomość\b.{0,100}\b(?:poufne|adresata)
        )",
    )
});

/// The opening of a mailing list's footer: "To unsubscribe", Google Groups' "You received this
/// message because you are subscribed", Mailman's "LIST mailing list" and listinfo URL, GitHub's
/// notification footer.
static LIST_FOOTER_START: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?ix)^\s*(?:
            to\s+unsubscribe\b
          | unsubscribe\s*(?::|from\b|here\b|https?://|<)
          | you\s+(?:received|are\s+receiving)\s+this\s+(?:message|e-?mail|mail|because)\b
          | for\s+(?:additional|more)\s+(?:commands|options)\b
          | https?://\S+/(?:mailman/)?listinfo\b
          | reply\s+to\s+this\s+email\s+directly\b
          | (?:list\s+archives?|archived\s+at|post\s+to\s+the\s+group)\s*:
          | to\s+post\s+to\s+this\s+group\b
          | visit\s+this\s+group\s+at\b
          | (?:manage|update)\s+your\s+(?:subscription|preferences)\b
          | this\s+(?:message|e-?mail)\s+was\s+sent\s+to\b
        )",
    )
});

/// Lines that open a list footer only below a rule or above a listinfo link: Mailman's
/// "LIST mailing list" (Mailman 3: "LIST mailing list -- address") and the list's bare address.
static LIST_FOOTER_WEAK: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)^\s*(?:\S.{0,60}\s+mailing\s+list(?:\s*(?:--|:)\s*[\w.+-]+@[\w.-]+)?|[\w.+-]+@[\w-]+\.[\w.-]+)\s*$",
    )
});

/// A one-line banner a mail system adds at the top: a data-classification label ("[AMD
/// Official Use Only - General]", "[Public]", "Classification: Internal") or an external-sender
/// warning ("[EXTERNAL]", "CAUTION: This email originated from outside of the organization.").
/// Read as a disclaimer of its own line only.
static BANNER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?ix)^\s*(?:
            \[[^\]]{0,60}\b(?:use\s+only|public(?:\s+use)?|internal|confidential|restricted|general|unrestricted|external|sensitiv\w*)\b[^\]]{0,60}\]
          | (?:classification|sensitivity|security\s+classification)\s*:\s*\S.{0,40}
          | (?:caution|warning|external\s+(?:email|sender))\s*:.{0,160}\b(?:outside|external)\b.{0,200}
        )\s*$",
    )
});

/// A line of rule characters only (Mailman's underscore rule, Apache's dashes).
static RULE: LazyLock<Regex> = LazyLock::new(|| pattern(r"^\s*[-_=*~#]{3,}\s*$"));

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn ends_sentence(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with('.') || t.ends_with('?') || t.ends_with('!')
}

fn next_nonblank(lines: &[&str], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&i| !is_blank(lines[i]))
}

/// Words that every attribution without a trailing colon or rule carries; a cheap test before
/// the patterns (most lines are none of these).
static VERB_HINT: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "wrote",
            "writes",
            "schrieb",
            "geschrieben",
            "crit",
            "escribi",
            "schreef",
            "scritto",
            "scrisse",
            "escreveu",
            "skrev",
            "kirjoitti",
            "napisa",
            "pisze",
            "napsal",
            "написал",
            "写道",
            "寫道",
            "작성",
            "のメッセージ",
        ])
        .expect("static automaton")
});

/// Whether `text` could be an attribution or separator line at all: it ends in a colon or a
/// rule character, or carries an attribution verb.
fn may_attribute(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with([':', '：', '-', '_', '=', '*']) || VERB_HINT.is_match(t)
}

/// How many lines an attribution starting at `i` spans (1 to 3: clients wrap long ones), if
/// `lines[i]` opens one.
fn attribution_len(lines: &[&str], i: usize) -> Option<usize> {
    let line = lines[i];
    if line.contains(">>>") && GROUPWISE.is_match(line) {
        return Some(1);
    }
    if is_quoted(line) || is_blank(line) {
        return None;
    }
    let followed_by_quote = |len: usize| {
        next_nonblank(lines, i + len)
            .is_some_and(|n| is_quoted(lines[n]) && !GROUPWISE.is_match(lines[n]))
    };
    // A separator line or "Quoting NAME:" is an attribution on its own. The other forms also
    // occur in sentences ("On reflection we wrote it off."), so they count only when a quote
    // follows or the line carries a date, a time or an address, as clients write them.
    let single = |text: &str, len: usize| {
        if text.len() > 400 || !may_attribute(text) {
            return false;
        }
        if SEPARATOR_LINE.is_match(text) || ATTRIBUTION_QUOTING.is_match(text) {
            return true;
        }
        let shaped = ATTRIBUTION_DATED.is_match(text)
            || ATTRIBUTION_VERB_END.is_match(text)
            || ATTRIBUTION_WROTE_ON.is_match(text);
        let dated = HAS_DATE_OR_ADDRESS.is_match(text);
        (shaped && (dated || followed_by_quote(len)))
            || (ATTRIBUTION_LOOSE.is_match(text) && dated && followed_by_quote(len))
    };
    if single(line, 1) {
        return Some(1);
    }
    // A long attribution wrapped by the sender's client over two or three lines, the later
    // ones sometimes quoted ("> wrote:"). The first line is not a finished sentence.
    if ends_sentence(line) || line.trim().len() > 200 {
        return None;
    }
    let mut joined = line.trim_end().to_string();
    for extra in 1..=2 {
        let Some(next) = lines.get(i + extra) else {
            break;
        };
        if is_blank(next) {
            break;
        }
        let next = next.trim().trim_start_matches('>').trim();
        joined.push(' ');
        joined.push_str(next);
        if single(&joined, extra + 1) {
            return Some(extra + 1);
        }
    }
    None
}

/// An Outlook header block starting at `i`: a From line with more header lines in the next few
/// lines (Sent, To, Subject...; two of them, or one with a date or an address). Returns its
/// length in lines.
fn header_block_len(lines: &[&str], i: usize) -> Option<usize> {
    if !lines[i].contains(':') || !HEADER_FROM.is_match(lines[i]) || is_quoted(lines[i]) {
        return None;
    }
    let mut end = i + 1;
    let mut others = 0;
    let mut dated = lines[i].contains('@') || lines[i].contains('<');
    while end < lines.len() && end <= i + 8 {
        let l = lines[end];
        if HEADER_OTHER.is_match(l) {
            others += 1;
            dated |= l.contains('@') || l.chars().any(|c| c.is_ascii_digit());
            end += 1;
        } else if is_blank(l) || others == 0 && end <= i + 2 {
            // A wrapped From value, or blank lines inside the block.
            if is_blank(l) && others > 0 {
                break;
            }
            end += 1;
        } else {
            break;
        }
    }
    // Two more header lines, or one that carries a date or an address: "From: our side, yes.\n
    // Sent: the PO today." is a sentence pair, not a header block.
    (others >= 2 || others == 1 && dated).then_some(end - i)
}

/// A Lotus Notes header grid whose first line is `i`: up to four short lines (the author,
/// "Name/Org@Org", the date, "Please respond to") above a "To:" line that a "cc:" or
/// "Subject:" line follows.
fn lotus_block_len(lines: &[&str], i: usize) -> Option<usize> {
    if is_quoted(lines[i]) || is_blank(lines[i]) {
        return None;
    }
    let window = &lines[i..lines.len().min(i + 5)];
    if !window.iter().any(|l| l.contains(':')) {
        return None;
    }
    for to in i..lines.len().min(i + 5) {
        let l = lines[to];
        if is_blank(l) || is_quoted(l) {
            return None;
        }
        if LOTUS_TO.is_match(l) {
            let rest = lines[to + 1..].iter().take(3);
            let mut len = to + 1 - i;
            let mut found = false;
            for next in rest {
                if LOTUS_CC_SUBJECT.is_match(next) {
                    found = true;
                } else if !(next.starts_with(' ') || next.starts_with('\t')) || is_blank(next) {
                    break;
                }
                len += 1;
            }
            return found.then_some(len);
        }
        // The lines above the grid are the author ("Name", "Name/Org@Org"), the date, "Please
        // respond to" or "Sent by:": short, not sentences, not rules or other headers.
        let t = l.trim();
        let lotus_line = looks_like_name(t)
            || HAS_DATE_OR_ADDRESS.is_match(t)
            || t.to_lowercase().starts_with("please respond to")
            || t.to_lowercase().starts_with("sent by");
        if t.len() > 80
            || ends_sentence(l)
            || RULE.is_match(l)
            || HEADER_FROM.is_match(l)
            || !lotus_line
        {
            return None;
        }
    }
    None
}

/// The tail of a quoted line that the sender's client wrapped without a quote mark (Lotus
/// Notes, GroupWise): one token without spaces between quoted lines, not a sentence and not
/// capitalised, such as the rest of a URL, a diffstat's `+++++-` or a lower-case word after a
/// long quoted line. A one-word answer ("Yes.", "ACK", "ok") is not one.
fn is_wrapped_quote_tail(lines: &[&str], i: usize) -> bool {
    let t = lines[i].trim();
    if t.is_empty() || t.contains(' ') || ends_sentence(t) {
        return false;
    }
    let Some(prev) = (0..i).rev().find(|&j| !is_blank(lines[j])) else {
        return false;
    };
    let next = next_nonblank(lines, i + 1);
    if !is_quoted(lines[prev]) || !next.is_some_and(|n| is_quoted(lines[n])) {
        return false;
    }
    let first = t.chars().next().unwrap_or(' ');
    if first.is_uppercase() || ANSWER_WORDS.contains(&t.to_lowercase().as_str()) {
        return false;
    }
    let symbols = t.chars().any(|c| !c.is_alphanumeric());
    symbols || lines[prev].trim().len() >= 60
}

/// The rule line above a disclaimer or footer starting at `i`, when only blank lines or up to
/// six short lines of company particulars stand between them.
fn particulars_above(
    lines: &[&str],
    kinds: &[FragmentKind],
    i: usize,
    kind: FragmentKind,
) -> Option<usize> {
    let mut particulars = 0;
    for j in (0..i).rev() {
        if kinds[j] != FragmentKind::Own {
            return None;
        }
        if RULE.is_match(lines[j]) {
            return Some(j);
        }
        if is_blank(lines[j]) {
            continue;
        }
        particulars += 1;
        let allowed = kind == FragmentKind::Disclaimer && particulars <= 6;
        if !allowed || lines[j].trim().len() > 250 {
            return None;
        }
    }
    None
}

/// Where a trailing block (signature, disclaimer, list footer) starting at `i` ends: at the
/// next quoted line or attribution, or at the end.
fn tail_end(lines: &[&str], i: usize) -> usize {
    (i + 1..lines.len())
        .find(|&j| {
            is_quoted(lines[j])
                || attribution_len(lines, j).is_some()
                || header_block_len(lines, j).is_some()
        })
        .unwrap_or(lines.len())
}

/// The four block openings in one pass (a line is usually none of them).
static TAIL_OPENINGS: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        LIST_FOOTER_START.as_str(),
        LIST_FOOTER_WEAK.as_str(),
        DISCLAIMER_START.as_str(),
        SIGNATURE_START.as_str(),
    ])
    .expect("static patterns")
});

/// The first words the block openings above can start with (after markup such as `*` or `[`),
/// to spare the patterns on ordinary lines. Kept beside the patterns: a new opening adds its
/// first word here.
const TAIL_FIRST_WORDS: &[&str] = &[
    // list footers
    "to",
    "unsubscribe",
    "you",
    "for",
    "http",
    "https",
    "reply",
    "list",
    "archived",
    "post",
    "visit",
    "manage",
    "update",
    "this",
    // disclaimers
    "important",
    "confidentiality",
    "legal",
    "disclaimer",
    "privileged",
    "notice",
    "the",
    "if",
    "please",
    "diese",
    "der",
    "wenn",
    "sitz",
    "geschäftsführer",
    "geschäftsführung",
    "registergericht",
    "handelsregister",
    "amtsgericht",
    "ce",
    "le",
    "si",
    "este",
    "el",
    "aviso",
    "dit",
    "de",
    "questo",
    "esta",
    "ta",
    // signatures and client footers
    "sent",
    "get",
    "von",
    "gesendet",
    "envoyé",
    "enviado",
    "verzonden",
    "inviato",
    "skickat",
    "sendt",
    "wysłane",
];

/// Whether a line may open a signature, disclaimer or list footer at all.
fn may_open_tail(line: &str) -> bool {
    let t = line.trim();
    if t == "--" || t == "__" || t.contains("mailing list") || (!t.contains(' ') && t.contains('@'))
    {
        return true;
    }
    let t = t.trim_start_matches(|c: char| c.is_whitespace() || "*_[(".contains(c));
    let Some(first) = t.split(|c: char| c.is_whitespace() || c == ':').next() else {
        return false;
    };
    let first = first.to_lowercase();
    let first = first.split(['/', '<']).next().unwrap_or("");
    TAIL_FIRST_WORDS.contains(&first)
}

fn tail_kind(lines: &[&str], i: usize) -> Option<FragmentKind> {
    let line = lines[i];
    if !may_open_tail(line) || !TAIL_OPENINGS.is_match(line) {
        return None;
    }
    if LIST_FOOTER_START.is_match(line) {
        return Some(FragmentKind::ListFooter);
    }
    if LIST_FOOTER_WEAK.is_match(line) {
        let after_rule = i > 0 && RULE.is_match(lines[i - 1]);
        let before_listinfo = lines[i + 1..]
            .iter()
            .take(3)
            .any(|l| l.contains("listinfo") || l.to_lowercase().contains("mailing list"));
        if after_rule || before_listinfo {
            return Some(FragmentKind::ListFooter);
        }
    }
    if DISCLAIMER_START.is_match(line) {
        return Some(FragmentKind::Disclaimer);
    }
    if SIGNATURE_START.is_match(line) {
        return Some(FragmentKind::Signature);
    }
    None
}

/// Splits a message body into fragments, in order. Rules, in the order they are tried on each
/// line: an attribution or header block (followed by `>` lines it only introduces them; followed
/// by unquoted text, everything after it is history), a `>` line, the start of a signature,
/// disclaimer or list footer (which runs to the next quoted line or attribution), a rule line
/// (dropped with what follows it); else the sender's own line. Finally the own text's last
/// paragraphs are checked for a closing and name block (a signature without "-- ").
pub fn fragments(body: &str) -> Vec<Fragment> {
    let lines: Vec<&str> = body.lines().collect();
    let mut kinds = classify_lines(&lines);
    // A blank line belongs to the fragment before it (the first ones to the one after).
    for i in 0..kinds.len() {
        if is_blank(lines[i]) {
            let before = i.checked_sub(1).map(|b| kinds[b]);
            let after = || {
                (i..lines.len())
                    .find(|&j| !is_blank(lines[j]))
                    .map(|j| kinds[j])
            };
            if let Some(kind) = before.or_else(after) {
                kinds[i] = kind;
            }
        }
    }
    let mut out: Vec<Fragment> = Vec::new();
    for (i, (line, kind)) in lines.iter().zip(kinds).enumerate() {
        match out.last_mut() {
            Some(last) if last.kind == kind => {
                last.text.push('\n');
                last.text.push_str(line);
            }
            _ => out.push(Fragment {
                kind,
                first_line: i,
                text: (*line).to_string(),
            }),
        }
    }
    out
}

fn classify_lines(lines: &[&str]) -> Vec<FragmentKind> {
    use FragmentKind::*;
    let n = lines.len();
    let mut kinds = vec![Own; n];
    let mut i = 0;
    while i < n {
        let line = lines[i];
        let header = attribution_len(lines, i)
            .or_else(|| header_block_len(lines, i))
            .or_else(|| lotus_block_len(lines, i));
        if let Some(len) = header {
            let end = (i + len).min(n);
            kinds[i..end].fill(Attribution);
            let introduces_quote = next_nonblank(lines, end).is_some_and(|j| is_quoted(lines[j]))
                && !GROUPWISE.is_match(line);
            if !introduces_quote {
                // Unquoted history (Outlook, Lotus, GroupWise, forwards): all of the rest.
                kinds[end..].fill(Quoted);
                break;
            }
            i = end;
            continue;
        }
        if is_quoted(line) || is_wrapped_quote_tail(lines, i) {
            kinds[i] = Quoted;
            i += 1;
            continue;
        }
        if line.len() <= 400 && BANNER.is_match(line) {
            kinds[i] = Disclaimer;
            i += 1;
            continue;
        }
        if let Some(kind) = tail_kind(lines, i) {
            let end = tail_end(lines, i);
            kinds[i..end].fill(kind);
            // A rule just above belongs to the block it opens; so do a firm's particulars
            // between such a rule and its disclaimer ("A member of the X group of companies",
            // "X GmbH, Registered office ...").
            if let Some(rule) = particulars_above(lines, &kinds, i, kind) {
                kinds[rule..i].fill(kind);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    mark_closing_blocks(lines, &mut kinds);
    // A rule belongs to the block below it (Outlook's underscores above its header block).
    for j in (0..n).rev() {
        if kinds[j] == Own
            && RULE.is_match(lines[j])
            && let Some(next) = next_nonblank(lines, j + 1)
            && kinds[next] != Own
        {
            kinds[j] = kinds[next];
        }
    }
    kinds
}

/// The text a message adds: its own fragments (see [`fragments`]) joined in order, runs of
/// blank lines folded to one, trimmed. Empty when the message holds nothing of its own.
pub fn new_text(body: &str) -> String {
    let mut out = String::new();
    let mut blank_pending = false;
    for fragment in fragments(body) {
        if fragment.kind != FragmentKind::Own {
            blank_pending = !out.is_empty();
            continue;
        }
        for line in fragment.text.lines() {
            if is_blank(line) {
                blank_pending = !out.is_empty();
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
                if blank_pending {
                    out.push('\n');
                }
            }
            blank_pending = false;
            out.push_str(line.trim_end());
        }
    }
    out
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
            "inline answer\n\nmore new text"
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

    #[test]
    fn a_message_of_thanks_alone_keeps_its_thanks() {
        assert_eq!(new_text("Thanks,\nDana"), "Thanks,\nDana");
        assert_eq!(
            new_text("Works for me.\n\nThanks,\nDana Reyes\nNorthwind Ltd"),
            "Works for me."
        );
    }

    #[test]
    fn score_counts_words_as_multisets() {
        let body = "yes please\n\nOn Mon, Alex wrote:\n> please close it";
        let s = score("yes please", body);
        assert_eq!((s.own_words, s.own_kept), (2, 2));
        assert_eq!(s.other_kept, 0);
        assert!(s.other_words >= 5);
        let leaky = score_text("yes please", body, "yes please please close it");
        assert_eq!(leaky.other_kept, 3);
        assert!(leaky.other_dropped_share() < 1.0);
    }
}
