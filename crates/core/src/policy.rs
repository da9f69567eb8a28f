//! The thresholds the engine works with. Each default is documented with where it comes from
//! (PLAYBOOK.md, "Numbers from the field"); where the team's own history is rich enough, the
//! learned value replaces the default (see `norms`).

use crate::ParseError;
use serde::{Deserialize, Serialize};

/// One stage of the pipeline, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageDef {
    pub name: String,
    /// Days in this stage before a deal counts as stalled ("rotting"), when the team has too
    /// little history to learn it.
    pub rot_days: i64,
    /// Days of silence after a touch that count as beyond the norm, for a contact whose own
    /// reply habit is not known yet.
    pub silence_days: i64,
}

/// The ordered stages a deal moves through.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    pub stages: Vec<StageDef>,
}

impl Default for Pipeline {
    fn default() -> Self {
        let stage = |name: &str, rot_days, silence_days| StageDef {
            name: name.into(),
            rot_days,
            silence_days,
        };
        Pipeline {
            stages: vec![
                stage("qualified", 14, 7),
                stage("discovery", 21, 6),
                stage("demo", 14, 5),
                stage("proposal", 21, 5),
                stage("negotiation", 14, 4),
            ],
        }
    }
}

impl Pipeline {
    /// A pipeline from names in order, with default thresholds (from the default stage at the
    /// same position, or the last one).
    pub fn from_names(names: &[&str]) -> Result<Self, ParseError> {
        let defaults = Pipeline::default().stages;
        let mut stages: Vec<StageDef> = Vec::new();
        for (i, raw) in names.iter().enumerate() {
            let name = raw.trim().to_lowercase();
            if name.is_empty() || stages.iter().any(|s| s.name == name) {
                return Err(ParseError::new(
                    "stages",
                    names.join(","),
                    "distinct, non-empty stage names",
                ));
            }
            let d = &defaults[i.min(defaults.len() - 1)];
            stages.push(StageDef {
                name,
                rot_days: d.rot_days,
                silence_days: d.silence_days,
            });
        }
        if stages.is_empty() {
            return Err(ParseError::new("stages", "", "at least one stage"));
        }
        Ok(Pipeline { stages })
    }

    /// The position of a stage by name (case-insensitive).
    pub fn position(&self, name: &str) -> Result<usize, ParseError> {
        let key = name.trim().to_lowercase();
        self.stages
            .iter()
            .position(|s| s.name == key)
            .ok_or_else(|| {
                ParseError::new(
                    "stage",
                    name,
                    format!(
                        "one of: {}",
                        self.stages
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
    }

    pub fn stage(&self, name: &str) -> Option<&StageDef> {
        self.position(name).ok().map(|i| &self.stages[i])
    }
}

/// Cadence and signal thresholds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub pipeline: Pipeline,
    /// Unanswered touches before the breakup. Belkins (11M emails, 2021-23): the 1st follow-up
    /// lifted replies by 49%, the 2nd by 9%, the 3rd lowered them by 20%.
    pub touch_cap: usize,
    /// Unanswered touches in a row that are worth a warning.
    pub unanswered_warning: usize,
    /// Never recommend two touches closer than this. Belkins: the best gap was 2-5 days.
    pub min_spacing_days: i64,
    /// The gap before the next follow-up, within Belkins' 2-5 days.
    pub follow_up_gap_days: i64,
    /// How long a breakup gets for an answer before closing is proposed.
    pub breakup_window_days: i64,
    /// When a deal closed as unresponsive should be looked at again.
    pub resurface_after_days: i64,
    /// A contact is silent beyond their norm after this many times their median reply time.
    pub silence_multiplier: f64,
    /// ...but never less than this many days (a single unanswered email means little: about
    /// 92% of enterprise email gets no reply at all, Yang et al., SIGIR 2017).
    pub min_silence_days: i64,
    /// Replies needed from a contact before their own median replaces the stage default.
    pub min_latency_samples: usize,
    /// Stage exits needed across the team before the learned stage duration replaces `rot_days`.
    pub min_stage_samples: usize,
    /// A deal is stalled after this multiple of the team's median time in the stage.
    pub stall_factor: f64,
    /// Close-date pushes that count as slipping repeatedly.
    pub close_slip_limit: usize,
    /// Grace after a due date before a step or commitment counts as missed.
    pub grace_days: i64,
    /// How far back outbound messages are checked for pesky tone.
    pub recent_tone_days: i64,
    /// Stage position from which competitors, price and setup questions are expected.
    pub due_diligence_from_stage: usize,
    /// Window for the effort-versus-deal check.
    pub effort_window_days: i64,
    /// Touches in the effort window, without any engagement, that are out of proportion to a
    /// deal, by deal size: `(amount up to, in cents; touches)`, smallest first.
    pub touch_budget: Vec<(i64, usize)>,
    /// Start a contract-timed sequence this many days before the notice deadline.
    pub contract_lead_days: i64,
    /// Messages the outbox sends in a day, at most: a rep's mailbox that suddenly sends
    /// hundreds of messages a day reads as spam to the mail providers.
    #[serde(default = "default_send_daily_cap")]
    pub send_daily_cap: usize,
    /// Messages to one deal in a day, at most: two touches on one day is chasing.
    #[serde(default = "default_send_per_deal_daily_cap")]
    pub send_per_deal_daily_cap: usize,
    /// The recipient's working hours (local time, Monday to Friday), when their time zone is
    /// known: a message is held until they start.
    #[serde(default = "default_business_hours_start")]
    pub business_hours_start: i64,
    #[serde(default = "default_business_hours_end")]
    pub business_hours_end: i64,
    /// Revival triage (PLAYBOOK.md, "Triage"): below this score a lost or dark deal is left
    /// buried. A salvageable loss with a fair record scores 50-80; a fresh trigger adds 10-40.
    #[serde(default = "default_revive_threshold")]
    pub revive_threshold: i64,
    /// Trigger events and shipped features older than this are no reason to come back.
    #[serde(default = "default_revive_fresh_days")]
    pub revive_fresh_days: i64,
    /// Lost more recently than this: too soon to come back.
    #[serde(default = "default_revive_too_soon_days")]
    pub revive_too_soon_days: i64,
    /// Lost longer ago than this: the grave has decomposed.
    #[serde(default = "default_revive_decomposed_days")]
    pub revive_decomposed_days: i64,
    /// An incumbent contract's notice deadline this close is a reason to come back now.
    #[serde(default = "default_revive_contract_window_days")]
    pub revive_contract_window_days: i64,
}

fn default_revive_threshold() -> i64 {
    45
}
fn default_revive_fresh_days() -> i64 {
    90
}
fn default_revive_too_soon_days() -> i64 {
    30
}
fn default_revive_decomposed_days() -> i64 {
    730
}
fn default_revive_contract_window_days() -> i64 {
    90
}

fn default_send_daily_cap() -> usize {
    50
}
fn default_send_per_deal_daily_cap() -> usize {
    1
}
fn default_business_hours_start() -> i64 {
    9
}
fn default_business_hours_end() -> i64 {
    17
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            pipeline: Pipeline::default(),
            touch_cap: 3,
            unanswered_warning: 2,
            min_spacing_days: 2,
            follow_up_gap_days: 3,
            breakup_window_days: 7,
            resurface_after_days: 90,
            silence_multiplier: 3.0,
            min_silence_days: 2,
            min_latency_samples: 3,
            min_stage_samples: 8,
            stall_factor: 1.5,
            close_slip_limit: 2,
            grace_days: 1,
            recent_tone_days: 30,
            due_diligence_from_stage: 2,
            effort_window_days: 30,
            touch_budget: vec![(1_000_000, 6), (10_000_000, 9), (i64::MAX, 12)],
            contract_lead_days: 30,
            send_daily_cap: default_send_daily_cap(),
            send_per_deal_daily_cap: default_send_per_deal_daily_cap(),
            business_hours_start: default_business_hours_start(),
            business_hours_end: default_business_hours_end(),
            revive_threshold: default_revive_threshold(),
            revive_fresh_days: default_revive_fresh_days(),
            revive_too_soon_days: default_revive_too_soon_days(),
            revive_decomposed_days: default_revive_decomposed_days(),
            revive_contract_window_days: default_revive_contract_window_days(),
        }
    }
}

/// The most days any setting may span: a century. Date arithmetic on the pipeline's dates
/// stays in range below it.
const MAX_DAYS: i64 = 36_500;
/// The largest count or score a setting may take.
const MAX_COUNT: i64 = 1_000_000;

impl Policy {
    /// The settings a user can change, as `(key, value)`: every scalar above, and
    /// `stage.NAME.rot_days` / `stage.NAME.silence_days` for each stage.
    pub fn settings(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(self) {
            for (key, value) in map {
                if value.is_number() {
                    out.push((key, value.to_string()));
                }
            }
        }
        for stage in &self.pipeline.stages {
            out.push((
                format!("stage.{}.rot_days", stage.name),
                stage.rot_days.to_string(),
            ));
            out.push((
                format!("stage.{}.silence_days", stage.name),
                stage.silence_days.to_string(),
            ));
        }
        out
    }

    /// Changes one setting by key (see [`Policy::settings`]), checking the value.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ParseError> {
        let bad = |expected: &str| ParseError::new(key, value, expected);
        if let Some(rest) = key.strip_prefix("stage.") {
            let (name, field) = rest
                .rsplit_once('.')
                .ok_or_else(|| bad("stage.NAME.rot_days or stage.NAME.silence_days"))?;
            let position = self.pipeline.position(name)?;
            let days: i64 = value
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=MAX_DAYS).contains(d))
                .ok_or_else(|| bad("a whole number of days from 1 to 36500"))?;
            let stage = &mut self.pipeline.stages[position];
            match field {
                "rot_days" => stage.rot_days = days,
                "silence_days" => stage.silence_days = days,
                _ => return Err(bad("stage.NAME.rot_days or stage.NAME.silence_days")),
            }
            return Ok(());
        }
        let mut map = match serde_json::to_value(&*self) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => return Err(bad("a policy setting")),
        };
        let known: Vec<String> = self
            .settings()
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| !k.starts_with("stage."))
            .collect();
        let current = map
            .get(key)
            .filter(|v| v.is_number())
            .ok_or_else(|| bad(&format!("one of: {}", known.join(", "))))?;
        let new = if current.is_f64() {
            value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0 && *v <= MAX_COUNT as f64)
                .map(serde_json::Value::from)
                .ok_or_else(|| bad("a number above 0, at most 1000000"))?
        } else {
            let minimum = if key == "touch_cap" { 1 } else { 0 };
            let maximum = if key.ends_with("_days") {
                MAX_DAYS
            } else {
                MAX_COUNT
            };
            value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|v| (minimum..=maximum).contains(v))
                .map(serde_json::Value::from)
                .ok_or_else(|| bad(&format!("a whole number from {minimum} to {maximum}")))?
        };
        map.insert(key.to_string(), new);
        let changed: Policy = serde_json::from_value(serde_json::Value::Object(map))
            .map_err(|e| bad(&e.to_string()))?;
        if changed.min_spacing_days > changed.follow_up_gap_days {
            return Err(bad("min_spacing_days may not exceed follow_up_gap_days"));
        }
        if changed.business_hours_end > 24
            || changed.business_hours_start >= changed.business_hours_end
        {
            return Err(bad(
                "business hours between 0 and 24, the start before the end",
            ));
        }
        if changed.revive_too_soon_days >= changed.revive_decomposed_days {
            return Err(bad("revive_too_soon_days below revive_decomposed_days"));
        }
        *self = changed;
        Ok(())
    }

    /// The thresholds of revival triage.
    pub fn revival(&self) -> crate::revival::RevivalPolicy {
        crate::revival::RevivalPolicy {
            threshold: self
                .revive_threshold
                .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            fresh_days: self.revive_fresh_days,
            too_soon_days: self.revive_too_soon_days,
            decomposed_days: self.revive_decomposed_days,
            contract_window_days: self.revive_contract_window_days,
        }
    }

    /// How many touches without engagement a deal of this size justifies in the effort window.
    pub fn touch_budget_for(&self, amount_cents: i64) -> usize {
        self.touch_budget
            .iter()
            .find(|(limit, _)| amount_cents <= *limit)
            .map(|(_, n)| *n)
            .unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_can_be_listed_and_changed_with_checks() {
        let mut p = Policy::default();
        assert!(
            p.settings()
                .contains(&("touch_cap".to_string(), "3".to_string()))
        );
        assert!(
            p.settings()
                .contains(&("stage.demo.rot_days".to_string(), "14".to_string()))
        );
        p.set("touch_cap", "4").unwrap();
        p.set("silence_multiplier", "2.5").unwrap();
        p.set("stage.demo.rot_days", "10").unwrap();
        assert_eq!(
            (
                p.touch_cap,
                p.silence_multiplier,
                p.pipeline.stage("demo").unwrap().rot_days
            ),
            (4, 2.5, 10)
        );
        for (key, value) in [
            ("touch_cap", "0"),
            ("touch_cap", "three"),
            ("silence_multiplier", "-1"),
            ("nonsense", "1"),
            ("stage.signed.rot_days", "5"),
            ("stage.demo.color", "5"),
            ("min_spacing_days", "9"),
            ("pipeline", "1"),
        ] {
            let before = p.clone();
            assert!(p.set(key, value).is_err(), "{key}={value}");
            assert_eq!(p, before, "a rejected setting changes nothing");
        }
    }
}
