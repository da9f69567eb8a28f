//! Thresholds learned from the team's own history: each contact's usual reply time and each
//! stage's usual duration. Salesforce flags "prospect has not responded" by comparing a
//! prospect's expected reply window with the actual one; this is that window, learned.

use crate::{ContactId, DealRecord, Direction, Outcome, Policy, StageChange};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A learned median with the number of observations behind it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Median {
    pub seconds: i64,
    pub samples: usize,
}

/// Learned thresholds. Build with [`Norms::learn`]; an empty `Norms` means "use defaults".
#[derive(Clone, Debug, Default)]
pub struct Norms {
    reply_latency: HashMap<ContactId, Median>,
    stage_duration: HashMap<String, Median>,
}

/// Collects observations deal by deal, so a large pipeline can be learned from as it streams.
#[derive(Default)]
pub struct NormsBuilder {
    latencies: HashMap<ContactId, Vec<i64>>,
    durations: HashMap<String, Vec<i64>>,
}

impl NormsBuilder {
    /// Everything a record teaches: reply habits and stage durations.
    pub fn observe(&mut self, record: &DealRecord, now: Timestamp) {
        self.observe_replies(record, now);
        self.observe_stages(&record.stage_history, now);
    }

    /// Reply latencies: from the first touch to a contact after their previous engagement, to
    /// their next inbound reply. A message they wrote unprompted (`Outcome::Wrote`) answers no
    /// touch: it ends the wait without being a reply time.
    pub fn observe_replies(&mut self, record: &DealRecord, now: Timestamp) {
        let mut waiting_since: HashMap<ContactId, Timestamp> = HashMap::new();
        for a in record.activities.iter().filter(|a| a.at <= now) {
            let Some(contact) = a.contact else { continue };
            if a.is_touch() {
                waiting_since.entry(contact).or_insert(a.at);
            } else if a.is_engagement()
                && let Some(start) = waiting_since.remove(&contact)
                && a.direction == Direction::Inbound
                && a.outcome != Some(Outcome::Wrote)
            {
                self.latencies
                    .entry(contact)
                    .or_default()
                    .push(a.at.as_second() - start.as_second());
            }
        }
    }

    /// Stage durations: from entering a stage to entering the next.
    pub fn observe_stages(&mut self, history: &[StageChange], now: Timestamp) {
        for pair in history.windows(2) {
            if pair[1].at <= now {
                self.durations
                    .entry(pair[0].stage.clone())
                    .or_default()
                    .push(pair[1].at.as_second() - pair[0].at.as_second());
            }
        }
    }

    pub fn finish(self) -> Norms {
        let median = |mut v: Vec<i64>| {
            v.sort_unstable();
            Median {
                seconds: v[v.len() / 2],
                samples: v.len(),
            }
        };
        Norms {
            reply_latency: self
                .latencies
                .into_iter()
                .map(|(k, v)| (k, median(v)))
                .collect(),
            stage_duration: self
                .durations
                .into_iter()
                .map(|(k, v)| (k, median(v)))
                .collect(),
        }
    }
}

impl Norms {
    pub fn learn<'a>(records: impl IntoIterator<Item = &'a DealRecord>, now: Timestamp) -> Norms {
        let mut b = NormsBuilder::default();
        for r in records {
            b.observe(r, now);
        }
        b.finish()
    }

    /// These stage durations, with the reply habits learned from `records`. A contact's
    /// activities all sit on deals of their own account, so the records of one account teach
    /// everything there is to know about its contacts: a pipeline can be assessed account by
    /// account without holding all of it.
    pub fn with_replies_from<'a>(
        &self,
        records: impl IntoIterator<Item = &'a DealRecord>,
        now: Timestamp,
    ) -> Norms {
        let mut b = NormsBuilder::default();
        for r in records {
            b.observe_replies(r, now);
        }
        let mut norms = b.finish();
        norms.stage_duration = self.stage_duration.clone();
        norms
    }

    /// The team's stage durations alone, by stage name: what a stored assessment was made with
    /// besides its account's records, kept to tell whether new stage history changed them.
    pub fn stage_durations(&self) -> BTreeMap<String, Median> {
        self.stage_duration
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    }

    /// Norms holding only these stage durations (no reply habits): the inverse of
    /// [`Norms::stage_durations`].
    pub fn from_stage_durations(durations: BTreeMap<String, Median>) -> Norms {
        Norms {
            reply_latency: HashMap::new(),
            stage_duration: durations.into_iter().collect(),
        }
    }

    /// A contact's own median reply time, when there are enough replies to trust it.
    pub fn reply_latency(&self, contact: ContactId, policy: &Policy) -> Option<Median> {
        self.reply_latency
            .get(&contact)
            .copied()
            .filter(|m| m.samples >= policy.min_latency_samples)
    }

    /// The team's median time in a stage, when enough deals have left it.
    pub fn stage_duration(&self, stage: &str, policy: &Policy) -> Option<Median> {
        self.stage_duration
            .get(stage)
            .copied()
            .filter(|m| m.samples >= policy.min_stage_samples)
    }
}
