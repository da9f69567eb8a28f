//! The labelled evaluation sets and how the reader does on them (`eval/README.md`): first the deal
//! moves it would make on its own (confident readings of lost, stop, later, referral or revive),
//! wrong and right (a wrong move closes or stops a deal that was alive: the damage the tool exists
//! to prevent), then per-class precision and recall. The model is scored on replies it never saw
//! (`cross_validate`); a set's score with a model trained on that same set is never accuracy.

use super::model::Model;
use super::{ReplyClass, classify, classify_with};
use crate::{ParseError, PlayKind};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The evaluation set kept with the code.
pub const SET: &str = include_str!("../../eval/replies.jsonl");
/// Replies written after the word lists were settled, never used to change them.
pub const HOLDOUT: &str = include_str!("../../eval/holdout.jsonl");
/// Replies people really sent to sellers, vendors and recruiters, taken from public material
/// and labelled before the reader was run on them (`eval/README.md`); never used to change the
/// word lists or train the model.
pub const FRESH: &str = include_str!("../../eval/fresh.jsonl");

/// The committed sets by name, the one the word lists were written from first.
///
/// # Errors
/// A line that is not a labelled reply, named by set and line.
pub fn committed_sets() -> Result<Vec<(&'static str, Vec<Labelled>)>, ParseError> {
    [("labelled", SET), ("holdout", HOLDOUT), ("fresh", FRESH)]
        .into_iter()
        .map(|(name, text)| {
            parse_set(text)
                .map(|set| (name, set))
                .map_err(|e| ParseError::new(format!("{name} {}", e.field), &e.input, e.expected))
        })
        .collect()
}

/// The day every reply in the sets was sent.
pub fn sent_on() -> Date {
    jiff::civil::date(2026, 11, 20)
}

#[derive(Deserialize)]
struct Example {
    text: String,
    class: String,
    context: Option<String>,
}

/// A labelled reply, parsed.
pub struct Labelled {
    pub line: usize,
    pub text: String,
    pub class: ReplyClass,
    pub context: Option<PlayKind>,
}

/// Reads a set: one JSON object a line (`text`, `class`, optional `context`). Errors name
/// the line and the field.
pub fn parse_set(jsonl: &str) -> Result<Vec<Labelled>, ParseError> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let line = i + 1;
            let e: Example = serde_json::from_str(l).map_err(|err| {
                ParseError::new(format!("line {line}"), l, format!("a JSON example ({err})"))
            })?;
            let class = ReplyClass::parse(&e.class).map_err(|err| {
                ParseError::new(format!("line {line} class"), &e.class, err.expected)
            })?;
            let context = e
                .context
                .as_deref()
                .map(PlayKind::parse)
                .transpose()
                .map_err(|err| {
                    ParseError::new(format!("line {line} context"), &err.input, err.expected)
                })?;
            Ok(Labelled {
                line,
                text: e.text,
                class,
                context,
            })
        })
        .collect()
}

/// One class's figures.
#[derive(Clone, Debug, Serialize)]
pub struct ClassFigures {
    pub class: ReplyClass,
    /// Labelled with this class.
    pub support: usize,
    /// Classified as this class.
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
}

/// A reply the classifier got wrong.
#[derive(Clone, Debug, Serialize)]
pub struct Miss {
    pub line: usize,
    pub text: String,
    pub expected: ReplyClass,
    pub got: ReplyClass,
    /// Whether the reading was sure enough to act on without the rep.
    pub confident: bool,
}

impl Miss {
    /// A wrong reading that changes a deal on its own (see `moves`): worse than one that lands
    /// with the rep (a question, unclear, or an uncertain reading).
    pub fn moves_the_deal(&self) -> bool {
        moves(self.got, self.confident)
    }
}

/// Whether a reading of `class` moves a deal without the rep (the answers `reply::plan` acts
/// on: PLAYBOOK.md, "The breakup": a yes or a no both settle the deal): a confident lost, stop,
/// later, referral or revive. An absence only holds the
/// next touch; a question or unclear reading waits for the rep.
pub fn moves(class: ReplyClass, confident: bool) -> bool {
    confident
        && matches!(
            class,
            ReplyClass::Lost
                | ReplyClass::Stop
                | ReplyClass::Later
                | ReplyClass::Referral
                | ReplyClass::Revive
        )
}

/// How the classifier does on a set.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    pub examples: usize,
    /// Deal moves made on the reader's own (confident lost, stop, later, referral, revive).
    pub moves: usize,
    /// Of those, the ones whose class is not the label: the figure that matters most.
    pub false_moves: usize,
    /// `false_moves / examples`.
    pub false_move_rate: f64,
    /// Of the moves, the share that were right (1.0 when none were made).
    pub move_precision: f64,
    /// Share of readings whose class is the label, right or uncertain.
    pub accuracy: f64,
    /// Readings not sure enough to act on: they wait for the rep, right or wrong.
    pub uncertain: usize,
    pub classes: Vec<ClassFigures>,
    pub misses: Vec<Miss>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Classifies every example with the model trained on `replies.jsonl` and compares with its
/// label. On `replies.jsonl` itself this flatters the model: use `cross_validate` there.
pub fn evaluate(set: &[Labelled]) -> Evaluation {
    let readings: Vec<(ReplyClass, bool)> = set
        .iter()
        .map(|e| {
            let r = classify(&e.text, e.context, sent_on());
            (r.class, r.confident)
        })
        .collect();
    compare(set, &readings)
}

/// Reads every example with the word lists alone, no model.
pub fn evaluate_without_model(set: &[Labelled]) -> Evaluation {
    let readings: Vec<(ReplyClass, bool)> = set
        .iter()
        .map(|e| {
            let r = classify_with(&e.text, e.context, sent_on(), None);
            (r.class, r.confident)
        })
        .collect();
    compare(set, &readings)
}

/// k-fold cross-validation of the model: the set is cut into `k` folds (example `i` in fold
/// `i % k`), and each fold is read with a model trained on the other folds only. The word
/// lists were written with the whole set in view, so only the held-out sets say how they do
/// on new text. `k` below 2 is taken as 2.
pub fn cross_validate(set: &[Labelled], k: usize) -> Evaluation {
    let k = k.max(2);
    let mut readings = vec![(ReplyClass::Unclear, false); set.len()];
    for fold in 0..k {
        let model = Model::train(
            set.iter()
                .enumerate()
                .filter(|(i, _)| i % k != fold)
                .map(|(_, e)| e),
        );
        for (i, e) in set.iter().enumerate().filter(|(i, _)| i % k == fold) {
            let r = classify_with(&e.text, e.context, sent_on(), Some(&model));
            readings[i] = (r.class, r.confident);
        }
    }
    compare(set, &readings)
}

fn compare(set: &[Labelled], readings: &[(ReplyClass, bool)]) -> Evaluation {
    let got: Vec<ReplyClass> = readings.iter().map(|(c, _)| *c).collect();
    let classes = ReplyClass::ALL
        .iter()
        .map(|class| {
            let support = set.iter().filter(|e| e.class == *class).count();
            let predicted = got.iter().filter(|g| *g == class).count();
            let correct = set
                .iter()
                .zip(&got)
                .filter(|(e, g)| e.class == *class && *g == class)
                .count();
            ClassFigures {
                class: *class,
                support,
                predicted,
                correct,
                precision: ratio(correct, predicted),
                recall: ratio(correct, support),
            }
        })
        .collect();
    let misses: Vec<Miss> = set
        .iter()
        .zip(readings)
        .filter(|(e, (g, _))| e.class != *g)
        .map(|(e, (g, confident))| Miss {
            line: e.line,
            text: e.text.clone(),
            expected: e.class,
            got: *g,
            confident: *confident,
        })
        .collect();
    let made: Vec<bool> = readings.iter().map(|(g, c)| moves(*g, *c)).collect();
    let moves_made = made.iter().filter(|m| **m).count();
    let false_moves = set
        .iter()
        .zip(readings)
        .zip(&made)
        .filter(|((e, (g, _)), m)| **m && e.class != *g)
        .count();
    Evaluation {
        examples: set.len(),
        moves: moves_made,
        false_moves,
        false_move_rate: ratio(false_moves, set.len()),
        move_precision: if moves_made == 0 {
            1.0
        } else {
            ratio(moves_made - false_moves, moves_made)
        },
        accuracy: ratio(set.len() - misses.len(), set.len()),
        uncertain: readings.iter().filter(|(_, confident)| !confident).count(),
        classes,
        misses,
    }
}

/// An alternative of a cue pattern that is fixed text of this many words or more reads as a
/// sentence copied from a reply ("shame about the price"), not a general form; set phrases of
/// three words ("good to go", "let's do it") are how people write.
pub const SENTENCE_WORDS: usize = 4;

/// One cue pattern and the lines it matches in each set.
#[derive(Clone, Debug, Serialize)]
pub struct CueUse {
    /// The table it belongs to (`STOP`, `DECLINE_WEAK`...; `_WEAK` tables never act alone).
    pub table: &'static str,
    pub pattern: &'static str,
    /// Lines it matches, per set, in the order of `CueAudit::sets`.
    pub matches: Vec<usize>,
    /// It matches at most one line of the first set (the one the lists were written from).
    pub one_line_or_none: bool,
    /// One of its alternatives is fixed text of `SENTENCE_WORDS` words or more (`fixed_words`).
    pub sentence: bool,
}

/// Every cue pattern with what it matches (`audit_cues`).
#[derive(Clone, Debug, Serialize)]
pub struct CueAudit {
    /// The sets counted, by name; the first is the one the lists were written from.
    pub sets: Vec<String>,
    pub patterns: usize,
    /// Patterns that match at most one line of the first set.
    pub one_line_or_none: usize,
    /// Patterns that match at most one line of all the sets together.
    pub one_line_or_none_anywhere: usize,
    /// Patterns that read as a sentence (`SENTENCE_WORDS`).
    pub sentences: usize,
    pub cues: Vec<CueUse>,
}

/// The top-level alternatives of a regular expression (split at `|` outside groups and
/// classes).
fn alternatives(pattern: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut in_class, mut escaped, mut start) = (0usize, false, false, 0);
    for (i, c) in pattern.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            _ if in_class => {}
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => {
                out.push(&pattern[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&pattern[start..]);
    out
}

/// The most words in a top-level alternative of `pattern` that is fixed text: nothing
/// optional, alternative or class-like in it, only word boundaries and anchors around it.
/// `\bshame about the price\b` gives 4; `\bclose (?:the|my) file\b` gives 0; in
/// `\bnot dead\b|\bkeep (?:it|this) open\b` only `not dead` is fixed: 2.
pub fn fixed_words(pattern: &str) -> usize {
    alternatives(pattern)
        .into_iter()
        .filter_map(|alt| {
            let alt = alt.trim_start_matches('^').trim_end_matches('$');
            let alt = alt.strip_prefix("\\b").unwrap_or(alt);
            let alt = alt.strip_suffix("\\b").unwrap_or(alt);
            (!alt.contains(|c: char| "\\()[]?*+{}.|^$".contains(c)))
                .then(|| alt.split_whitespace().count())
        })
        .max()
        .unwrap_or(0)
}

/// Counts, for every pattern of every cue table, the lines it matches in each set (each
/// line's own text, lower-cased, as `classify` matches it), and flags the patterns that match
/// at most one line of the first set or read as a sentence (issue: cues are general forms of
/// what people write, each earning its place on data it was not written from).
pub fn audit_cues(sets: &[(&str, &[Labelled])]) -> CueAudit {
    let texts: Vec<Vec<String>> = sets
        .iter()
        .map(|(_, set)| set.iter().map(|e| super::cue_text(&e.text)).collect())
        .collect();
    let mut cues = Vec::new();
    for (table, list) in super::cues::tables() {
        for pattern in list.patterns() {
            let Ok(re) = regex::Regex::new(pattern) else {
                continue;
            };
            let matches: Vec<usize> = texts
                .iter()
                .map(|lines| lines.iter().filter(|l| re.is_match(l)).count())
                .collect();
            cues.push(CueUse {
                table,
                pattern,
                one_line_or_none: matches.first().copied().unwrap_or(0) <= 1,
                sentence: fixed_words(pattern) >= SENTENCE_WORDS,
                matches,
            });
        }
    }
    CueAudit {
        sets: sets.iter().map(|(name, _)| name.to_string()).collect(),
        patterns: cues.len(),
        one_line_or_none: cues.iter().filter(|c| c.one_line_or_none).count(),
        one_line_or_none_anywhere: cues
            .iter()
            .filter(|c| c.matches.iter().sum::<usize>() <= 1)
            .count(),
        sentences: cues.iter().filter(|c| c.sentence).count(),
        cues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_words_counts_only_wholly_fixed_alternatives() {
        assert_eq!(fixed_words(r"\bshame about the price\b"), 4);
        assert_eq!(fixed_words(r"\bclose (?:the|my) file\b"), 0);
        assert_eq!(fixed_words(r"^no longer a priority$"), 4);
        assert_eq!(fixed_words(r"\bwe(?:'ve| have)? (?:signed|gone) with\b"), 0);
        assert_eq!(fixed_words(r"\bnot dead\b|\bkeep (?:it|this) open\b"), 2);
        assert_eq!(
            fixed_words(r"\bkeep (?:it|this) open\b|\bprefers the spreadsheet\b"),
            3
        );
        assert_eq!(fixed_words(r"[|]a b c d|\\|x"), 1);
    }

    #[test]
    fn the_audit_counts_every_pattern_on_every_set() {
        let set = parse_set(SET).unwrap_or_default();
        let holdout = parse_set(HOLDOUT).unwrap_or_default();
        let audit = audit_cues(&[("labelled", &set), ("holdout", &holdout)]);
        let all: usize = super::super::cues::tables()
            .iter()
            .map(|(_, t)| t.patterns().len())
            .sum();
        assert_eq!(audit.patterns, all);
        assert!(audit.cues.iter().all(|c| c.matches.len() == 2));
        // "remove me" is in the stop lines of the labelled set, more than once.
        let remove = audit
            .cues
            .iter()
            .find(|c| c.table == "STOP" && c.pattern.starts_with(r"\bremove me\b"));
        assert!(remove.is_some_and(|c| c.matches[0] > 1 && !c.one_line_or_none));
        assert_eq!(
            audit.one_line_or_none,
            audit.cues.iter().filter(|c| c.matches[0] <= 1).count()
        );
    }
}
