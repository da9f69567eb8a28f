//! The tone linter: catches the "desperation mode" habits of PLAYBOOK.md (cause 4, "Turned off
//! by tactics") before they reach the prospect, says why each one hurts and what to do instead.
//!
//! Each rule is a family of shapes (`rules`), not a list of sentences: "a quick, friendly
//! reminder", "sorry to keep pestering you", "pinging this again". A follow-up is also compared
//! with the rep's previous touch (`novelty`): one that brings nothing the previous one did not
//! is the "just following up" habit whatever its words.

mod novelty;
mod rules;

use crate::{ActivityKind, DealRecord, Direction, ToneMark};
use jiff::Timestamp;
use regex::Regex;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::LazyLock;

/// A family of pesky phrases: the shapes a habit takes, why it hurts and a better move.
pub struct Rule {
    /// A stable name, shown with each finding and kept in JSON output.
    pub id: &'static str,
    /// Regular expressions for the family's shapes (case-insensitive; see `rules` for the
    /// conventions).
    pub patterns: &'static [&'static str],
    /// Words that, right after a match, show the phrase names a thing rather than doing the
    /// habit: "a friendly reminder *service*".
    pub unless_followed_by: &'static [&'static str],
    /// Why the habit hurts the deal.
    pub why: &'static str,
    /// What to do instead.
    pub better: &'static str,
    /// The playbook point or study the rule comes from.
    pub source: &'static str,
    /// Sentences of the family the rule must catch (checked by the tests); never the only
    /// thing it catches.
    pub examples: &'static [&'static str],
}

/// The phrase families, in the order their findings are preferred when two overlap. Each
/// cites its playbook point (PLAYBOOK.md cause 4, "Turned off by tactics", for most) or study.
pub const RULES: &[Rule] = rules::RULES;

/// Two or more `!`/`?` in a row, or three capitalised words in a row.
const SHOUTING: Rule = Rule {
    id: "shouting",
    patterns: &[],
    unless_followed_by: &[],
    why: "Shouting reads as frustration.",
    better: "Write it calmly; the breakup works because it is polite.",
    source: "PLAYBOOK.md, the breakup (\"polite, persistent\")",
    examples: &[],
};

/// The same message sent again.
const RESEND: Rule = Rule {
    id: "resend",
    patterns: &[],
    unless_followed_by: &[],
    why: "Sending the same message again says you have nothing new; it is the desperation habit the playbook warns about.",
    better: "Never send the same message twice: change the play (value-add, accountability or the breakup).",
    source: "PLAYBOOK.md cause 4 (\"here's the email I sent five times\")",
    examples: &[],
};

/// A follow-up that brings nothing the previous touch did not (PLAYBOOK.md cause 3, "No new
/// insight", and "every touch carries something relevant").
const NOTHING_NEW: Rule = Rule {
    id: "nothing-new",
    patterns: &[],
    unless_followed_by: &[],
    why: "Everything in it was already in your previous message: a touch with nothing new tells them you have nothing new, and by the third follow-up such touches lower replies (Belkins, 11M emails: -20%).",
    better: "Add one new, relevant thing (a resource for the person they must convince, a figure, a date) or ask the one question you need answered; otherwise change the play.",
    source: "PLAYBOOK.md cause 3 (\"No new insight\") and prevention (\"every touch carries something relevant\"); Belkins 2021-23",
    examples: &[],
};

/// One problem found in a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub phrase: String,
    pub line: usize,
    pub column: usize,
    pub why: &'static str,
    pub better: &'static str,
}

/// One compiled expression per rule: its alternatives, each starting at a word boundary (or a
/// line start) and ending before a letter or digit.
static MATCHERS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|rule| {
            let alternatives: Vec<String> = rule
                .patterns
                .iter()
                .map(|p| {
                    if p.starts_with('^') {
                        (*p).to_string()
                    } else {
                        format!(r"(?-u:\b){p}")
                    }
                })
                .collect();
            let source = format!(r"(?im)(?:{})(?:[^a-z0-9]|$)", alternatives.join("|"));
            Regex::new(&source).expect("the static rule patterns compile")
        })
        .collect()
});

/// The message's own text with quoted lines blanked (same lengths, so offsets hold) and
/// typographic apostrophes made plain.
fn own_text(text: &str) -> String {
    let plain = text.replace(['\u{2019}', '\u{2018}'], "'");
    let mut out = String::with_capacity(plain.len());
    for line in plain.split_inclusive('\n') {
        if line.trim_start().starts_with('>') {
            let body = line.trim_end_matches(['\n', '\r']);
            out.extend(std::iter::repeat_n(' ', body.len()));
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The phrase as shown: whitespace folded, the trailing character that ended the match
/// dropped unless it is the question mark the phrase is about.
fn shown_phrase(matched: &str) -> String {
    matched
        .trim_end_matches(|c: char| c.is_whitespace() || ".,;:!-()\"".contains(c))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the word after a match is one of the rule's "names a thing" words.
fn names_a_thing(rule: &Rule, matched: &str, rest: &str) -> bool {
    if rule.unless_followed_by.is_empty()
        || !matched.ends_with(|c: char| c.is_whitespace() || c == '-')
    {
        return false;
    }
    let next = rest
        .trim_start()
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    rule.unless_followed_by.contains(&next.as_str())
}

/// The 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count(),
        before[line_start..].chars().count(),
    )
}

/// Lints one message on its own.
pub fn lint(text: &str) -> Vec<Finding> {
    let own = own_text(text);
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    for (rule, matcher) in MATCHERS.iter().enumerate() {
        for m in matcher.find_iter(&own) {
            if !names_a_thing(&RULES[rule], m.as_str(), &own[m.end()..]) {
                spans.push((m.start(), m.end(), rule));
            }
        }
    }
    // Where two families match the same words, the earlier and longer match speaks for them.
    spans.sort_by_key(|&(start, end, rule)| (start, std::cmp::Reverse(end), rule));
    let mut findings = Vec::new();
    let mut covered = 0;
    for (start, end, rule) in spans {
        if start < covered {
            continue;
        }
        covered = end;
        let phrase = shown_phrase(&own[start..end]);
        let (line, column) = position(&own, start);
        findings.push(finding(&RULES[rule], &phrase, line, column));
    }
    for (line_no, line) in own.lines().enumerate() {
        if let Some(col) = shouting_at(line) {
            findings.push(finding(&SHOUTING, line.trim(), line_no, col));
        }
    }
    findings.sort_by_key(|f| (f.line, f.column));
    findings
}

/// Lints a message against what the rep already sent on the deal, oldest first: the same
/// message again (`resend`), or a follow-up that brings nothing the previous touch (the last
/// of `sent_before`) did not (`nothing-new`). Pass only the rep's own touches since the
/// prospect last engaged: an answer to their reply may well repeat its words.
pub fn lint_with_history(text: &str, sent_before: &[&str]) -> Vec<Finding> {
    let mut findings = lint(text);
    let mine = shingles(text);
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('>'))
        .unwrap_or("");
    if !mine.is_empty()
        && sent_before
            .iter()
            .any(|old| similarity(&mine, &shingles(old)) >= 0.8)
    {
        findings.push(finding(&RESEND, first_line, 0, 0));
    } else if let Some(previous) = sent_before.last()
        && novelty::adds_nothing_new(text, previous)
    {
        findings.push(finding(&NOTHING_NEW, first_line, 0, 0));
    }
    findings
}

/// The text of the rep's previous touch on a deal before `at`, for `lint_with_history`: the
/// latest outbound message with a body, unless the prospect engaged after it (a message that
/// answers their reply may repeat its words). PLAYBOOK.md: every touch carries something
/// relevant, so each is judged against the one before.
pub fn previous_touch(record: &DealRecord, at: Timestamp) -> Option<&str> {
    let mut previous = None;
    for a in record.activities.iter().filter(|a| a.at <= at) {
        if a.direction == Direction::Outbound
            && a.kind != ActivityKind::Note
            && let Some(body) = a.body.as_deref().filter(|b| !b.trim().is_empty())
            && previous.is_none_or(|(when, _)| a.at >= when)
        {
            previous = Some((a.at, body));
        }
    }
    let (when, body) = previous?;
    let engaged_since = record
        .activities
        .iter()
        .any(|a| a.at > when && a.at <= at && a.is_engagement());
    (!engaged_since).then_some(body)
}

fn finding(rule: &Rule, phrase: &str, line_index: usize, column_index: usize) -> Finding {
    Finding {
        rule: rule.id,
        phrase: phrase.to_string(),
        line: line_index + 1,
        column: column_index + 1,
        why: rule.why,
        better: rule.better,
    }
}

fn shouting_at(line: &str) -> Option<usize> {
    if let Some(i) = ["!!", "??", "?!", "!?"]
        .iter()
        .filter_map(|p| line.find(p))
        .min()
    {
        return Some(line[..i].chars().count());
    }
    let mut run = 0;
    let mut offset = 0;
    for word in line.split_whitespace() {
        let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.chars().count() >= 2 && letters.chars().all(|c| c.is_uppercase()) {
            run += 1;
            if run >= 3 {
                return Some(line[..offset].chars().count());
            }
        } else {
            run = 0;
        }
        offset = line[offset..]
            .find(word)
            .map(|i| offset + i + word.len())
            .unwrap_or(offset);
    }
    None
}

fn words(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('>'))
        .flat_map(|l| l.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

fn shingles(text: &str) -> HashSet<String> {
    let w = words(text);
    if w.len() < 3 {
        return w.into_iter().collect();
    }
    w.windows(3).map(|s| s.join(" ")).collect()
}

fn similarity(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    a.intersection(b).count() as f64 / a.union(b).count() as f64
}

/// A stable fingerprint of a message's own words (quotes, case, spacing and punctuation
/// ignored), to spot the same message sent twice. FNV-1a: stable across builds, so it can be
/// stored.
pub fn fingerprint(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for w in words(text) {
        for b in w.bytes().chain(std::iter::once(b' ')) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash & (i64::MAX as u64)
}

/// What the engine keeps of a message's tone.
pub fn tone_mark(text: &str) -> ToneMark {
    let findings = lint(text);
    ToneMark {
        findings: findings.len().min(u16::MAX as usize) as u16,
        first_phrase: findings.first().map(|f| f.phrase.to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<&'static str> {
        lint(text).into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn flags_each_family_with_position() {
        let f = lint("Hi Dana,\n\nJust following up on the proposal.");
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].rule, f[0].line, f[0].column),
            ("just-following-up", 3, 1)
        );
        assert_eq!(rules("Just checking in!"), ["just-checking-in"]);
        assert_eq!(
            rules("Bumping this to the top of your inbox"),
            ["bumping", "bumping"]
        );
        assert_eq!(
            rules("As per my last email, pricing is attached"),
            ["per-my-last-email"]
        );
        assert_eq!(
            rules("Did you get a chance to look?"),
            ["did-you-get-a-chance"]
        );
        assert_eq!(rules("I know you're busy, but"), ["guilt"]);
        assert_eq!(rules("I know you\u{2019}re busy"), ["guilt"]);
        assert_eq!(rules("Last chance to lock this in"), ["pressure"]);
        assert_eq!(rules("Hope this email finds you well."), ["hollow-opener"]);
        assert_eq!(rules("SHOULD I CLOSE THE FILE???"), ["shouting"]);
    }

    #[test]
    fn respects_word_boundaries_and_quotes() {
        assert!(lint("We are checking invoices this week.").is_empty());
        assert!(lint("> just following up\nThanks for the numbers, Priya.").is_empty());
        assert!(
            lint("Here is the benchmark you asked for: onboarding took 9 days at Acme.").is_empty()
        );
    }

    #[test]
    fn catches_a_resend_but_not_a_new_message() {
        let old = "Hi Dana, here is the ROI model for the forecasting team, with your numbers.";
        let again = "Hi Dana,\nhere is the ROI model for the forecasting team, with your numbers!";
        assert!(
            lint_with_history(again, &[old])
                .iter()
                .any(|f| f.rule == "resend")
        );
        assert!(
            lint_with_history("A different note about SSO setup in your region.", &[old])
                .is_empty()
        );
        assert_eq!(fingerprint(old), fingerprint(again));
        assert_ne!(fingerprint(old), fingerprint("something else"));
    }
}
