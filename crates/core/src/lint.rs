//! The tone linter: catches the "desperation mode" habits of PLAYBOOK.md (cause 4, "Turned off
//! by tactics") before they reach the prospect, says why each one hurts and what to do instead.

use crate::ToneMark;
use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::LazyLock;

/// A family of pesky phrases with the reason it hurts and a better move.
pub struct Rule {
    pub id: &'static str,
    pub phrases: &'static [&'static str],
    pub why: &'static str,
    pub better: &'static str,
}

/// The phrase rules. Matching ignores case and respects word boundaries.
pub const RULES: &[Rule] = &[
    Rule {
        id: "just-following-up",
        phrases: &[
            "just following up",
            "just wanted to follow up",
            "just a follow up",
            "just a quick follow up",
            "following up on my",
            "circling back",
            "circle back",
        ],
        why: "A follow-up with nothing new tells them you have nothing new; replies fall with every such touch.",
        better: "Lead with something new: a resource for the person they must convince, an insight, or their own words about the problem.",
    },
    Rule {
        id: "just-checking-in",
        phrases: &[
            "just checking in",
            "checking in",
            "touching base",
            "touch base",
            "just wanted to see",
            "just reaching out",
        ],
        why: "A check-in asks for their time and gives them nothing back.",
        better: "Say exactly why you are writing: the specific thing you bring or the one question you need answered.",
    },
    Rule {
        id: "bumping",
        phrases: &[
            "bumping this",
            "bump this",
            "bumping this up",
            "top of your inbox",
            "floating this",
            "resurfacing this",
            "pushing this up",
        ],
        why: "Bumping an old message is the clearest sign of desperation mode.",
        better: "Don't resend. Send one new, relevant thing, or send the breakup.",
    },
    Rule {
        id: "per-my-last-email",
        phrases: &[
            "as per my last email",
            "per my last email",
            "as per my previous email",
            "as i mentioned",
            "as previously mentioned",
            "as i said before",
        ],
        why: "Pointing at your own history reads as a reproach.",
        better: "Restate the point in one line, as if it were the first time.",
    },
    Rule {
        id: "did-you-get-a-chance",
        phrases: &[
            "did you get a chance",
            "did you have a chance",
            "have you had a chance",
            "had a chance to",
            "did you see my",
            "did you get my",
            "did you receive my",
        ],
        why: "It puts them on the defensive about homework they never agreed to do.",
        better: "Ask a question they can answer in one line, or propose the next step with a date.",
    },
    Rule {
        id: "guilt",
        phrases: &[
            "you must be busy",
            "i know you're busy",
            "i know you are busy",
            "haven't heard back",
            "have not heard back",
            "haven't heard from you",
            "still waiting",
            "tried to reach you",
            "tried reaching you",
            "sent you several",
            "any update",
            "any updates",
            "guess you're not interested",
            "did i do something wrong",
            "are you still alive",
            "i've left you",
            "ignoring me",
        ],
        why: "Guilt lines make replying feel like an apology, so they don't reply.",
        better: "Give them an easy out instead: ask whether you should close the file.",
    },
    Rule {
        id: "pressure",
        phrases: &[
            "last chance",
            "act now",
            "before it's too late",
            "don't miss out",
            "final notice",
            "expires today",
        ],
        why: "Manufactured urgency erodes trust.",
        better: "Make the cost of waiting concrete with their own numbers, not a countdown.",
    },
    Rule {
        id: "hollow-opener",
        phrases: &[
            "hope this email finds you well",
            "hope this finds you well",
            "hope you're well",
            "hope you are well",
            "hope all is well",
        ],
        why: "A hollow opener wastes the one line they will read.",
        better: "Open with their problem or the reason you are writing.",
    },
];

/// Two or more `!`/`?` in a row, or three capitalised words in a row.
const SHOUTING: Rule = Rule {
    id: "shouting",
    phrases: &[],
    why: "Shouting reads as frustration.",
    better: "Write it calmly; the breakup works because it is polite.",
};

/// The same message sent again.
const RESEND: Rule = Rule {
    id: "resend",
    phrases: &[],
    why: "Sending the same message again says you have nothing new; it is the desperation habit the playbook warns about.",
    better: "Never send the same message twice: change the play (value-add, accountability or the breakup).",
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

struct Matcher {
    automaton: AhoCorasick,
    rule_of_pattern: Vec<usize>,
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut rule_of_pattern = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        for p in rule.phrases {
            patterns.push(*p);
            rule_of_pattern.push(i);
        }
    }
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns)
        .expect("the static phrase list builds");
    Matcher {
        automaton,
        rule_of_pattern,
    }
});

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric())
}

/// Lints one message on its own.
pub fn lint(text: &str) -> Vec<Finding> {
    let normalised = text.replace(['\u{2019}', '\u{2018}'], "'");
    let mut findings = Vec::new();
    for (line_no, line) in normalised.lines().enumerate() {
        if line.trim_start().starts_with('>') {
            continue; // quoted history is not the rep's new text
        }
        for m in MATCHER.automaton.find_iter(line) {
            let before = line[..m.start()].chars().next_back();
            let after = line[m.end()..].chars().next();
            if is_word_char(before) || is_word_char(after) {
                continue;
            }
            let rule = &RULES[MATCHER.rule_of_pattern[m.pattern().as_usize()]];
            findings.push(finding(
                rule,
                &line[m.start()..m.end()],
                line_no,
                line[..m.start()].chars().count(),
            ));
        }
        if let Some(col) = shouting_at(line) {
            findings.push(finding(&SHOUTING, line.trim(), line_no, col));
        }
    }
    findings
}

/// Lints a message against what was already sent on the deal, to catch resends.
pub fn lint_with_history(text: &str, sent_before: &[&str]) -> Vec<Finding> {
    let mut findings = lint(text);
    let mine = shingles(text);
    if !mine.is_empty()
        && sent_before
            .iter()
            .any(|old| similarity(&mine, &shingles(old)) >= 0.8)
    {
        findings.push(finding(
            &RESEND,
            text.lines().next().unwrap_or("").trim(),
            0,
            0,
        ));
    }
    findings
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
