//! The labelled evaluation set and per-class precision and recall (`eval/README.md`).

use super::{ReplyClass, classify};
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
    /// A wrong reading that changes a deal on its own (a stop, a close, a reopening, a hold):
    /// worse than one that lands with the rep (a question, unclear, or an uncertain reading).
    pub fn moves_the_deal(&self) -> bool {
        match self.got {
            ReplyClass::Question | ReplyClass::Unclear => false,
            ReplyClass::Revive | ReplyClass::Lost | ReplyClass::Later => self.confident,
            ReplyClass::OutOfOffice | ReplyClass::Referral | ReplyClass::Stop => true,
        }
    }
}

/// How the classifier does on a set.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    pub examples: usize,
    pub accuracy: f64,
    /// Readings not sure enough to act on: they wait for the rep, right or wrong.
    pub uncertain: usize,
    pub classes: Vec<ClassFigures>,
    pub misses: Vec<Miss>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Classifies every example and compares with its label.
pub fn evaluate(set: &[Labelled]) -> Evaluation {
    let readings: Vec<(ReplyClass, bool)> = set
        .iter()
        .map(|e| {
            let r = classify(&e.text, e.context, sent_on());
            (r.class, r.confident)
        })
        .collect();
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
        .zip(&readings)
        .filter(|(e, (g, _))| e.class != *g)
        .map(|(e, (g, confident))| Miss {
            line: e.line,
            text: e.text.clone(),
            expected: e.class,
            got: *g,
            confident: *confident,
        })
        .collect();
    Evaluation {
        examples: set.len(),
        accuracy: ratio(set.len() - misses.len(), set.len()),
        uncertain: readings.iter().filter(|(_, confident)| !confident).count(),
        classes,
        misses,
    }
}
