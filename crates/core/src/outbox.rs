//! The last word before a message leaves (PLAYBOOK.md, "Desperation mode": chasing past the
//! point of usefulness loses the deal and the rep's time). Every check that guards a draft is
//! made again at send time, against the record as it is then: a person who asked to stop or
//! whose mail bounced since the draft was approved is never written to, the touch cap holds,
//! touches keep their spacing, nobody is written to while they are away or before the date they
//! asked to be contacted again (the shared rule of `reach`), and the rep's daily and per-deal
//! limits and the recipient's working hours are kept. A message whose record moved on after
//! the rep approved it (the deal closed, nurtured or reopened, a date to look again set, or the
//! person engaged) is not sent as written: the rep reads what changed and edits or approves it
//! again (PLAYBOOK.md, "Timing": a sequence stops when the prospect answers or names a date).

use crate::reach::{Purpose, Reach, reach};
use crate::record::vocabulary;
use crate::time::{add_days, date_of, start_of_day};
use crate::{ContactId, DealRecord, DealStatus, EmailAddress, PlayKind, Policy};
use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use serde::Serialize;

vocabulary!(
    /// Where a message in the outbox stands. `sending`: the server was waiting for the content
    /// when this was written, so if nothing follows the message may have gone out.
    /// `unconfirmed`: a send was interrupted after that point of no return; the rep checks
    /// their Sent folder and confirms, and it is never sent again on its own. `exported`: the
    /// rep took it as a .eml file to send from their own mail program; it counts as sent once
    /// their Sent folder is imported.
    OutboxState, "outbox state" {
        Draft => "draft",
        Approved => "approved",
        Sending => "sending",
        Sent => "sent",
        Unconfirmed => "unconfirmed",
        Exported => "exported",
        Refused => "refused",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

impl OutboxState {
    /// States the rep can still edit, approve or cancel.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            OutboxState::Draft | OutboxState::Approved | OutboxState::Refused | OutboxState::Failed
        )
    }
}

/// What the record says around one outbound message.
pub struct Outgoing<'a> {
    pub record: &'a DealRecord,
    pub contact: ContactId,
    pub address: &'a EmailAddress,
    pub play: Option<PlayKind>,
    /// What the message is for: the deal's reachability is asked for this purpose (a revival
    /// queued by `revive --queue` may reach a lost deal; a sequence touch may not).
    pub purpose: Purpose,
    /// The deal as it stood when the rep last approved the message; `None` for a message
    /// approved before this was kept (then the rest is checked alone).
    pub approved: Option<Approved>,
    /// The address asked not to be contacted (on any deal).
    pub blocked: bool,
    /// Mail to the address bounced since its contact last engaged, on any deal
    /// (`Store::is_bounced`, the same rule as `mail::contact_bounced`).
    pub bounced: bool,
    /// Messages the outbox sent today (UTC), and to this deal.
    pub sent_today: usize,
    pub sent_to_deal_today: usize,
    /// The recipient's time zone, when known.
    pub time_zone: Option<&'a TimeZone>,
}

/// The deal as it stood when the rep approved a message: what its text was written for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approved {
    /// When (UTC).
    pub at: Timestamp,
    pub status: DealStatus,
    /// The deal's date to look again then, if it had one.
    pub resurface_on: Option<Date>,
}

/// Why a message approved at `approved` no longer fits the record at `now`, if it does not:
/// the deal's status changed (closed won or lost, nurtured, reopened), a new date to look
/// again was set (their "not before", kept by the text only if it was written knowing it), or
/// one of the deal's people engaged after the approval (a sequence stops on an answer).
pub fn moved_on(record: &DealRecord, approved: &Approved, now: Timestamp) -> Option<String> {
    let on = date_of(approved.at);
    let again =
        "the text was written before that: edit it, or approve it again to send it as it is";
    if record.deal.status != approved.status {
        let look = record
            .deal
            .resurface_on
            .map(|d| format!(" (look again on {d})"))
            .unwrap_or_default();
        return Some(format!(
            "the deal was {} when this was approved on {on} and is {} now{look}: {again}",
            approved.status, record.deal.status
        ));
    }
    if let Some(look) = record.deal.resurface_on
        && approved.resurface_on != Some(look)
    {
        return Some(format!(
            "a date to look again ({look}) was set after this was approved on {on}: {again}"
        ));
    }
    if let Some(a) = record
        .activities
        .iter()
        .rev()
        .find(|a| a.at > approved.at && a.at <= now && a.is_engagement())
    {
        let who = a
            .contact
            .and_then(|c| record.contact(c))
            .map(|c| c.name.as_str())
            .unwrap_or("the prospect");
        return Some(format!(
            "{who} engaged ({} {}) on {} after this was approved on {on}: {again}",
            a.direction,
            a.kind,
            date_of(a.at)
        ));
    }
    None
}

/// Whether a message may leave now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Send,
    /// Not now: it waits in the outbox until then.
    Defer {
        until: Timestamp,
        why: String,
    },
    /// Never, as things stand: the rep must look at it.
    Refuse {
        why: String,
    },
}

/// The next start of the working day at or after `t` in `zone`.
pub fn next_working_hour(t: Timestamp, zone: &TimeZone, policy: &Policy) -> Timestamp {
    let local = t.to_zoned(zone.clone());
    let hour = i64::from(local.hour());
    let workday = |d: Date| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
    if workday(local.date())
        && hour >= policy.business_hours_start
        && hour < policy.business_hours_end
    {
        return t;
    }
    let mut day = local.date();
    if hour >= policy.business_hours_start || !workday(day) {
        day = day.tomorrow().unwrap_or(day);
    }
    while !workday(day) {
        day = day.tomorrow().unwrap_or(day);
    }
    let start = policy.business_hours_start.clamp(0, 23) as i8;
    day.at(start, 0, 0, 0)
        .to_zoned(zone.clone())
        .map(|z| z.timestamp())
        .unwrap_or(t)
}

/// Decides whether `m` may be sent at `now`: the recipient (do-not-contact, blocked, bounced),
/// then whether the record moved on since the approval ([`moved_on`]), then the deal as
/// `reach::reach` sees it for the message's purpose (a revival may reach a lost deal whose
/// date has come), then the sequence.
pub fn check(m: &Outgoing<'_>, policy: &Policy, now: Timestamp) -> Verdict {
    let refuse = |why: String| Verdict::Refuse { why };
    let Some(contact) = m.record.contact(m.contact) else {
        return refuse(format!("{} is not a contact of this deal", m.contact));
    };
    if contact.do_not_contact || m.blocked {
        return refuse(format!("{} asked not to be contacted", contact.name));
    }
    // The rule a draft applied when it chose the recipient (`mail::contact_bounced`), and the
    // store's answer for the address across deals.
    if m.bounced || crate::mail::contact_bounced(m.record, m.contact) {
        return refuse(format!("mail to {} bounced", m.address));
    }
    // Before the dated barriers: a nurtured deal's message is refused now, not held until its
    // date and then sent as written months before.
    if let Some(why) = m.approved.as_ref().and_then(|a| moved_on(m.record, a, now)) {
        return refuse(why);
    }
    // The deal's reachability, the rule every path shares (`reach`): closed, nobody to write
    // to, their date to look again, an absence. A dated barrier holds the message until it
    // lifts; the others refuse it.
    let mut holds: Vec<(Timestamp, String)> = Vec::new();
    match reach(m.record, m.purpose, now) {
        Reach::Reachable => {}
        Reach::Unreachable {
            why,
            until: Some(until),
        } => holds.push((until, why.to_string())),
        Reach::Unreachable { why, until: None } => return refuse(why.to_string()),
    }
    let unanswered = m.record.unanswered_touches(now);
    if unanswered.iter().any(|a| a.play == Some(PlayKind::Breakup)) {
        return refuse(
            "the breakup is waiting for its answer: nothing more goes out until they reply or the deal is closed".into(),
        );
    }
    if unanswered.len() >= policy.touch_cap && m.play != Some(PlayKind::Breakup) {
        return refuse(format!(
            "{} unanswered touches, the cap is {}: the next message is the breakup",
            unanswered.len(),
            policy.touch_cap
        ));
    }
    if let Some(last) = unanswered.last() {
        let spaced = add_days(last.at, policy.min_spacing_days);
        if spaced > now {
            holds.push((
                spaced,
                format!("{} days after the last touch", policy.min_spacing_days),
            ));
        }
    }
    let tomorrow = start_of_day(date_of(now).tomorrow().unwrap_or(date_of(now)));
    if m.sent_today >= policy.send_daily_cap {
        holds.push((
            tomorrow,
            format!(
                "the daily limit of {} messages is reached",
                policy.send_daily_cap
            ),
        ));
    }
    if m.sent_to_deal_today >= policy.send_per_deal_daily_cap {
        holds.push((
            tomorrow,
            format!(
                "{} message(s) to this deal today already",
                m.sent_to_deal_today
            ),
        ));
    }
    // The latest hold wins; working hours are placed after it.
    let (mut until, mut why) = holds
        .into_iter()
        .max_by_key(|(t, _)| *t)
        .unwrap_or((now, String::new()));
    if let Some(zone) = m.time_zone {
        let working = next_working_hour(until, zone, policy);
        if working > until {
            until = working;
            let hours = format!(
                "{}'s working hours ({}:00-{}:00, {})",
                contact.first_name(),
                policy.business_hours_start,
                policy.business_hours_end,
                zone.iana_name().unwrap_or("their time zone")
            );
            why = if why.is_empty() {
                hours
            } else {
                format!("{why}, then {hours}")
            };
        }
    }
    if until > now {
        Verdict::Defer { until, why }
    } else {
        Verdict::Send
    }
}
