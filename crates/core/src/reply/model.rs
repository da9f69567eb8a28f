//! A second opinion for the replies the word lists leave unclear: a naive Bayes model over the
//! words and word pairs of the labelled replies (`eval/replies.jsonl`), trained once when first
//! needed. Its guesses never move a deal: they reach the rep as "probably ...", to confirm.

use super::ReplyClass;
use super::eval::{SET, parse_set};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Below this probability the model says nothing.
const MIN_PROBABILITY: f64 = 0.6;

/// The classes a guess may name: a stop, an absence or a referral needs its words to be sure.
const GUESSABLE: &[ReplyClass] = &[
    ReplyClass::Revive,
    ReplyClass::Lost,
    ReplyClass::Later,
    ReplyClass::Question,
];

struct Model {
    classes: Vec<ReplyClass>,
    log_priors: Vec<f64>,
    counts: Vec<HashMap<String, f64>>,
    totals: Vec<f64>,
    vocabulary: f64,
}

/// Words and adjacent word pairs, lower case.
fn features(text: &str) -> Vec<String> {
    let words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let pairs = words.windows(2).map(|w| format!("{} {}", w[0], w[1]));
    words.iter().cloned().chain(pairs).collect()
}

static MODEL: LazyLock<Model> = LazyLock::new(|| {
    // Bare answers mean what the question made them mean: they teach nothing on their own.
    let examples: Vec<(ReplyClass, String)> = parse_set(SET)
        .map(|set| {
            set.into_iter()
                .filter(|e| e.context.is_none())
                .map(|e| (e.class, e.text))
                .collect()
        })
        .unwrap_or_default();
    let classes: Vec<ReplyClass> = ReplyClass::ALL.to_vec();
    let mut counts = vec![HashMap::<String, f64>::new(); classes.len()];
    let mut docs = vec![0f64; classes.len()];
    let mut vocabulary = std::collections::HashSet::new();
    for (class, text) in &examples {
        let i = classes.iter().position(|c| c == class).unwrap_or(0);
        docs[i] += 1.0;
        for f in features(text) {
            vocabulary.insert(f.clone());
            *counts[i].entry(f).or_default() += 1.0;
        }
    }
    let n = docs.iter().sum::<f64>().max(1.0);
    Model {
        log_priors: docs
            .iter()
            .map(|d| ((d + 1.0) / (n + docs.len() as f64)).ln())
            .collect(),
        totals: counts.iter().map(|c| c.values().sum()).collect(),
        counts,
        classes,
        vocabulary: vocabulary.len().max(1) as f64,
    }
});

/// The model's guess for `text`, when it is confident enough and names a class it may.
pub(super) fn guess(text: &str) -> Option<(ReplyClass, f64)> {
    let model = &*MODEL;
    let features = features(text);
    if features.is_empty() {
        return None;
    }
    let scores: Vec<f64> = (0..model.classes.len())
        .map(|i| {
            let denominator = model.totals[i] + model.vocabulary;
            model.log_priors[i]
                + features
                    .iter()
                    .map(|f| {
                        ((model.counts[i].get(f).copied().unwrap_or(0.0) + 1.0) / denominator).ln()
                    })
                    .sum::<f64>()
        })
        .collect();
    let best = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = scores.iter().map(|s| (s - best).exp()).sum();
    let (i, score) = scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let probability = (score - best).exp() / total;
    let class = model.classes[i];
    (probability >= MIN_PROBABILITY && GUESSABLE.contains(&class)).then_some((class, probability))
}
