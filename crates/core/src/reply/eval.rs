//! The labelled evaluation sets and how the reader does on them (`eval/README.md`): first the
//! deal moves it would make on its own (confident readings of lost, stop, later, referral or
//! revive), wrong and right (issue 10: a wrong move does the damage the tool exists to
//! prevent), then per-class precision and recall. The model is scored on replies it never saw
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

/// Whether a reading of `class` moves a deal without the rep (issue 10, "deal-moving
/// answers"): a confident lost, stop, later, referral or revive. An absence only holds the
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
