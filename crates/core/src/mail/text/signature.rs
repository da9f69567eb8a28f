//! The signature without "-- ": the closing ("Thanks,", "Best regards", "Grüße") and the
//! name, title and contact block at the end of the sender's text, as talon's signature
//! heuristics find it (a short block of name-like and contact lines), and the guards that keep
//! an inline answer or a referral ("please contact: NAME, address") from being read as one.

use super::{FragmentKind, RULE, ends_sentence, is_blank, pattern};
use regex::Regex;
use std::sync::LazyLock;

/// A closing phrase that opens the name block at the end of a message (EN, DE, FR, ES, NL, IT,
/// PT): talon's signature heuristics look for the same short block above the sender's name.
static VALEDICTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)^\s*(?:(?:many\s+|big\s+)?thanks(?:\s+(?:again|a\s+lot|in\s+advance))?|thank\s+you(?:\s+(?:again|very\s+much))?|thx|tia|cheers|regards|best|best\s+(?:regards|wishes)|kind(?:est)?\s+regards|warm(?:est)?\s+regards|with\s+(?:best\s+|kind\s+|warm\s+)?regards|all\s+the\s+best|sincerely|yours(?:\s+(?:sincerely|truly))?|br|rgds|take\s+care|mit\s+freundlichen\s+grüßen|freundliche\s+grüße|viele\s+grüße|beste\s+grüße|liebe\s+grüße|grüße|gruß|mfg|lg|vg|cordialement|bien\s+(?:à\s+vous|cordialement)|salutations|amicalement|bonne\s+journée|merci(?:\s+d'avance)?|saludos(?:\s+cordiales)?|un\s+saludo|atentamente|gracias|met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+groet(?:en)?|groeten|groet|cordiali\s+saluti|distinti\s+saluti|saluti|grazie|cumprimentos|atenciosamente|abraços|obrigad[oa])\s*[,.!]*\s*[-–]?\s*$",
    )
});

/// Lines a signature block holds besides names: phone numbers, addresses, links, titles, the
/// firm's social networks ("Find me on LinkedIn!").
static CONTACT_DETAIL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i)[\w.+-]+@[\w-]+\.[\w.-]+|https?://|www\.|\+?\d[\d\s().-]{6,}\d|^\s*(?:tel|phone|mobile|mob|cell|fax|t|m|e|w|p)\s*[.:]|\b(?:manager|director|engineer|developer|officer|president|founder|head\s+of|vp|ceo|cto|cfo|coo|consultant|analyst|architect|specialist|executive|assistant|coordinator|representative|associate|business\s+development|inc|ltd|llc|gmbh|corp|university|department|linkedin|twitter|facebook|instagram|xing|youtube)\b",
    )
});

/// Short replies that look like a capitalised name but are an answer.
pub(super) const ANSWER_WORDS: &[&str] = &[
    "yes",
    "no",
    "ok",
    "okay",
    "sure",
    "agreed",
    "done",
    "fine",
    "great",
    "perfect",
    "thanks",
    "nope",
    "yep",
    "yup",
    "ja",
    "nein",
    "oui",
    "non",
    "sí",
    "si",
    "nee",
    "sim",
    "não",
    "later",
    "maybe",
    "correct",
    "right",
    "good",
    "exactly",
    "indeed",
    "absolutely",
    "noted",
    "confirmed",
    "lgtm",
    "ack",
    "nack",
    "nak",
    "thx",
    "ty",
    "np",
];

pub(super) fn looks_like_name(line: &str) -> bool {
    let t = line
        .trim()
        .trim_start_matches(['-', '/', '~', '–'])
        .trim()
        .trim_end_matches(',');
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 || t.len() > 40 || ends_sentence(t) && !t.ends_with('.')
    {
        return false;
    }
    if words.len() == 1 {
        let word = words[0]
            .to_lowercase()
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_string();
        if ANSWER_WORDS.contains(&word.as_str()) {
            return false;
        }
    }
    words.iter().all(|w| {
        let w = w.trim_matches(|c: char| "()\"'-,/.".contains(c));
        w.is_empty()
            || w.chars().next().is_some_and(|c| c.is_uppercase())
            || w.len() <= 3 && w.chars().all(|c| c.is_alphabetic())
    }) && !t.ends_with(':')
}

/// The name under a closing: name-like, or a short lower-case name ("dan carter", "strub").
fn signs_off(line: &str) -> bool {
    let t = line.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    looks_like_name(t)
        || (1..=3).contains(&words.len())
            && t.len() <= 30
            && words
                .iter()
                .all(|w| w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.'))
            && !ANSWER_WORDS.contains(&t.to_lowercase().as_str())
}

/// A line a signature block holds: a name, a title, contact details, a `|` grid of them, or
/// a line in capitals ("FIND US ON LINKEDIN").
fn is_signature_line(line: &str) -> bool {
    let t = line.trim();
    if t.len() > 120 {
        return false;
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let shouting = letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase());
    let first_column = t.split("   ").next().unwrap_or(t);
    t.contains(" | ")
        || shouting
        || looks_like_name(t)
        || first_column != t && looks_like_name(first_column)
        || CONTACT_DETAIL.is_match(t)
}

/// A sentence that hands over to someone ("Please contact:", "talk to my colleague", "my
/// successor is"): what follows it is a person to reach, not the sender's signature.
static HANDOVER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?i):\s*$|\b(?:contact|reach(?:\s+out\s+to)?|talk\s+to|speak\s+(?:to|with)|get\s+in\s+touch|colleague|successor|replacement|in\s+charge|responsible|forward(?:ed)?\s+(?:it|this|your)|wenden\s+sie\s+sich|ansprechpartner|contactez|contacte|póngase\s+en\s+contacto)\b",
    )
});

fn introduces_contact(lines: &[&str], content: &[usize]) -> bool {
    // The last content line before the final paragraph.
    let Some(&last) = content.last() else {
        return false;
    };
    let paragraph_start = (0..=last).rev().find(|&j| is_blank(lines[j])).unwrap_or(0);
    content
        .iter()
        .rev()
        .find(|&&j| j < paragraph_start)
        .is_some_and(|&j| HANDOVER.is_match(lines[j]))
}

/// The closing and name block at the end of each run of own text (a signature without
/// "-- "), as talon's signature heuristics find it: (a) a closing ("Thanks,", "Best regards",
/// "Grüße", "Cordialement") among the last 25 lines, followed by nothing or by a name-like
/// line, cuts from the closing on; (b) without a closing, a final block of signature lines
/// (name, title, phone, address, links) that opens with a name after a blank line. Never when
/// it would leave the message without own text; "P.S." lines stay.
pub(super) fn mark_closing_blocks(lines: &[&str], kinds: &mut [FragmentKind]) {
    let mut i = 0;
    while i < lines.len() {
        if kinds[i] != FragmentKind::Own {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && kinds[i] == FragmentKind::Own {
            i += 1;
        }
        mark_closing_in_run(lines, kinds, start, i);
    }
}

fn mark_closing_in_run(lines: &[&str], kinds: &mut [FragmentKind], start: usize, end: usize) {
    let all: Vec<usize> = (start..end).filter(|&j| !is_blank(lines[j])).collect();
    // A postscript after the signature is the sender's again.
    let postscript = all
        .iter()
        .position(|&j| lines[j].trim_start().to_lowercase().starts_with("p.s"));
    let mut content = &all[..postscript.unwrap_or(all.len())];
    // A rule at the very end belongs to the block below it (Outlook's underscores).
    while let [rest @ .., last] = content
        && RULE.is_match(lines[*last])
    {
        content = rest;
    }
    let Some(&last) = content.last() else {
        return;
    };
    let mut block: Option<(usize, usize)> = None;
    // Whether the block is a sign-off for sure (a closing over a name): such a block may be a
    // run of its own (below a quote); other blocks must leave some of the run's words.
    let mut signed = false;
    // (a) A closing followed by nothing or a name. What follows the name is signature too when
    // it holds contact details; otherwise (a pasted log, a late remark) it stays.
    for (pos, &j) in content.iter().enumerate().rev().take(25) {
        if lines[j].trim().len() > 120 {
            break;
        }
        if lines[j].trim().len() <= 40 && VALEDICTION.is_match(lines[j]) {
            match content.get(pos + 1) {
                None => block = Some((j, j)),
                Some(&name) if signs_off(lines[name]) || is_signature_line(lines[name]) => {
                    let rest = &content[pos + 2..];
                    let detailed = rest.is_empty()
                        || rest.iter().any(|&k| {
                            CONTACT_DETAIL.is_match(lines[k]) || lines[k].contains(" | ")
                        });
                    block = Some((j, if detailed { last } else { name }));
                    signed = true;
                }
                Some(_) => {}
            }
            break;
        }
    }
    // (b) A final block of signature lines that opens with a name after a blank line, unless
    // the sender introduced it ("Please contact:", "talk to my colleague"): then the name and
    // address are the answer (a referral), not a signature.
    if block.is_none() && !introduces_contact(lines, content) {
        let mut block_start = None;
        for &j in content.iter().rev() {
            if !is_signature_line(lines[j]) {
                break;
            }
            let after_blank = j > 0 && is_blank(lines[j - 1]);
            let first_column = lines[j].trim().split("   ").next().unwrap_or("");
            if after_blank && (looks_like_name(lines[j]) || looks_like_name(first_column)) {
                block_start = Some(j);
            }
        }
        block = block_start.map(|b| (b, last));
    }
    // (c) An informal closing ending in a comma over a one-word name or nickname, as the last
    // paragraph ("txs and regards,\nstrub", "thanks & best regards,\nMason").
    if block.is_none()
        && let [.., closing, name] = content
        && *name == closing + 1
        && (*closing == content[0] || is_blank(lines[closing - 1]))
    {
        let closing_text = lines[*closing].trim();
        let name_text = lines[*name].trim();
        let one_word = !name_text.contains(' ')
            && name_text.len() <= 15
            && !ANSWER_WORDS.contains(&name_text.to_lowercase().as_str());
        if closing_text.ends_with(',') && closing_text.len() <= 40 && one_word {
            block = Some((*closing, *name));
            signed = true;
        }
    }
    // (d) A first name alone on the line right under the last sentence ("...will patch it.\n
    // Mason").
    if block.is_none()
        && let [.., sentence, name] = content
        && *name == sentence + 1
        && lines[*name].split_whitespace().count() <= 2
        && looks_like_name(lines[*name])
        && !lines[*name].trim_end().ends_with('.')
        && lines[*sentence]
            .trim_end()
            .ends_with(['.', '!', '?', ',', ';'])
    {
        block = Some((*name, *name));
        signed = true;
    }
    // (e) A rule of dashes or underscores ("---", "___") over a short name block at the end:
    // a signature separator other than RFC 3676's "-- ".
    if block.is_none()
        && let Some(rule_pos) = content.iter().rposition(|&j| RULE.is_match(lines[j]))
        && content.len() - rule_pos <= 5
        && content.len() - rule_pos >= 2
        && content[rule_pos + 1..]
            .iter()
            .all(|&k| signs_off(lines[k]) || is_signature_line(lines[k]))
    {
        block = Some((content[rule_pos], last));
        signed = true;
    }
    // Unless it is a sign-off for sure, some of the run's own words stay: a run that is all
    // name-like is an inline answer ("No, Thursday."), not a signature.
    let Some((from, to)) =
        block.filter(|&(c, _)| signed || content.first().is_some_and(|&f| f < c))
    else {
        return;
    };
    // Keep the closing when nothing else of the sender's is left anywhere.
    let own_elsewhere = kinds
        .iter()
        .enumerate()
        .any(|(k, kind)| *kind == FragmentKind::Own && (k < from || k > to) && !is_blank(lines[k]));
    if own_elsewhere {
        kinds[from..=to].fill(FragmentKind::Signature);
    }
}
