//! Promotions (PLAYBOOK.md, "Promotions"): a discount, free onboarding or training, flexible
//! billing - a nudge for deals that were on the verge, within a window, for the deals that
//! qualify (how far they got, why they were lost, their size).

use crate::record::vocabulary;
use crate::{DealRecord, DealStatus, LostReason, Money, ParseError, Pipeline};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

vocabulary!(
    /// What a promotion offers.
    PromotionKind, "promotion kind" {
        Discount => "discount",
        FreeOnboarding => "free_onboarding" | "onboarding" | "free_training" | "training",
        FlexibleBilling => "flexible_billing" | "billing" | "monthly_billing",
    }
);

/// An offer, its window and who is eligible.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Promotion {
    pub name: String,
    pub kind: PromotionKind,
    /// The offer in the words the message will use ("20% off the first year").
    pub offer: String,
    pub from: Date,
    pub until: Date,
    /// Deals that got at least this far.
    pub min_stage: Option<String>,
    /// Lost deals qualify only for these reasons (none: any salvageable reason).
    pub lost_reasons: Vec<LostReason>,
    pub min_amount: Option<Money>,
    pub max_amount: Option<Money>,
}

impl Promotion {
    /// Checks a promotion's own consistency.
    pub fn check(&self, pipeline: &Pipeline) -> Result<(), ParseError> {
        if self.until < self.from {
            return Err(ParseError::new(
                "until",
                self.until.to_string(),
                format!("a date on or after {}", self.from),
            ));
        }
        if self.offer.trim().is_empty() {
            return Err(ParseError::new("offer", &self.offer, "the offer in words"));
        }
        if let Some(stage) = &self.min_stage {
            pipeline.position(stage)?;
        }
        // A band no deal fits (at most 100, at least 1,000) is a typo, not a promotion.
        if let (Some(min), Some(max)) = (self.min_amount, self.max_amount)
            && min.currency == max.currency
            && min.cents > max.cents
        {
            return Err(ParseError::new(
                "max_amount",
                max.to_string(),
                format!("an amount of at least the minimum, {min}"),
            ));
        }
        Ok(())
    }

    pub fn is_running(&self, today: Date) -> bool {
        self.from <= today && today <= self.until
    }

    /// Why a deal qualifies, or why not.
    pub fn eligible(&self, record: &DealRecord, pipeline: &Pipeline) -> Result<String, String> {
        let deal = &record.deal;
        let mut why = Vec::new();
        match (deal.status, deal.loss.as_ref().map(|l| l.reason)) {
            (DealStatus::Won, _) => return Err("already won".into()),
            (DealStatus::Lost, Some(reason)) => {
                let ok = if self.lost_reasons.is_empty() {
                    matches!(
                        reason,
                        LostReason::Budget
                            | LostReason::Timing
                            | LostReason::NoDecision
                            | LostReason::Unresponsive
                    )
                } else {
                    self.lost_reasons.contains(&reason)
                };
                if !ok {
                    return Err(format!("lost to {reason}"));
                }
                why.push(format!("lost to {reason}"));
            }
            (status, _) => why.push(status.to_string()),
        }
        if let Some(min) = &self.min_stage {
            let need = pipeline.position(min).map_err(|e| e.to_string())?;
            let reached = record
                .stage_history
                .iter()
                .map(|c| c.stage.as_str())
                .chain([deal.stage.as_str()])
                .filter_map(|s| pipeline.position(s).ok())
                .max()
                .unwrap_or(0);
            if reached < need {
                return Err(format!("never reached {min}"));
            }
            why.push(format!("reached {min}"));
        }
        let cents = deal.amount.cents;
        if self.min_amount.is_some_and(|m| cents < m.cents) {
            return Err(format!("{} is below the minimum", deal.amount));
        }
        if self.max_amount.is_some_and(|m| cents > m.cents) {
            return Err(format!("{} is above the maximum", deal.amount));
        }
        Ok(why.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    #[test]
    fn an_amount_band_no_deal_fits_is_refused() {
        let usd = |units: i64| Money {
            cents: units * 100,
            currency: Currency::USD,
        };
        let mut p = Promotion {
            name: "Q4".into(),
            kind: PromotionKind::Discount,
            offer: "20% off the first year".into(),
            from: "2026-11-01".parse().unwrap(),
            until: "2026-12-31".parse().unwrap(),
            min_stage: None,
            lost_reasons: Vec::new(),
            min_amount: Some(usd(1_000)),
            max_amount: Some(usd(100)),
        };
        let pipeline = Pipeline::default();
        let e = p.check(&pipeline).unwrap_err();
        assert_eq!(e.field, "max_amount", "{e}");
        p.max_amount = Some(usd(1_000));
        assert!(p.check(&pipeline).is_ok());
    }
}
