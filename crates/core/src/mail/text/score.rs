//! Measuring [`new_text`](super::new_text) on labelled messages: the share of the sender's own
//! words kept and of the other words dropped.

use super::new_text;
use std::collections::HashMap;

/// How well [`new_text`] read one labelled message, in words (lower-cased runs of letters and
/// digits). `own_words` is the count of the expected own text; `own_kept` of those found in the
/// new text; `other_words` the count of the body's remaining words (quotes, attributions,
/// signatures, footers); `other_kept` of those the new text still holds. Counted as multisets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextScore {
    pub own_words: usize,
    pub own_kept: usize,
    pub other_words: usize,
    pub other_kept: usize,
}

impl TextScore {
    /// The share of the sender's own words kept, 0 to 1 (1 when there were none).
    pub fn own_kept_share(&self) -> f64 {
        share(self.own_kept, self.own_words)
    }

    /// The share of the other words dropped, 0 to 1 (1 when there were none).
    pub fn other_dropped_share(&self) -> f64 {
        1.0 - if self.other_words == 0 {
            0.0
        } else {
            self.other_kept as f64 / self.other_words as f64
        }
    }

    /// Adds another message's counts, for a score over a set.
    pub fn add(&mut self, other: TextScore) {
        self.own_words += other.own_words;
        self.own_kept += other.own_kept;
        self.other_words += other.other_words;
        self.other_kept += other.other_kept;
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

fn word_bag(text: &str) -> HashMap<String, usize> {
    let mut bag = HashMap::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *bag.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    bag
}

/// Scores [`new_text`] on one message whose own text a person labelled (`expected_own`, the
/// sender's words as they appear in `body`). Words are compared as multisets, so order and line
/// breaks do not matter.
pub fn score(expected_own: &str, body: &str) -> TextScore {
    score_text(expected_own, body, &new_text(body))
}

/// [`score`] for a new text produced by any reader, so others can be measured the same way.
pub fn score_text(expected_own: &str, body: &str, got: &str) -> TextScore {
    let own = word_bag(expected_own);
    let all = word_bag(body);
    let got = word_bag(got);
    let mut result = TextScore::default();
    for (word, &count) in &own {
        result.own_words += count;
        result.own_kept += count.min(got.get(word).copied().unwrap_or(0));
    }
    for (word, &count) in &all {
        let other = count.saturating_sub(own.get(word).copied().unwrap_or(0));
        let got_other = got
            .get(word)
            .copied()
            .unwrap_or(0)
            .saturating_sub(own.get(word).copied().unwrap_or(0));
        result.other_words += other;
        result.other_kept += other.min(got_other);
    }
    result
}
