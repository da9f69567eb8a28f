//! What a message means for the record: a touch the rep sent, a reply, an auto-reply or a
//! bounce on a deal, a suggested new contact, or nothing. A reply is any inbound message from
//! the deal's account: from the contact, another of their addresses, a colleague, or on a new
//! thread. Threads (Message-ID, In-Reply-To, References) decide the deal when an account has
//! several.

use super::autoreply::{Departure, auto_reply_to};
use super::message::is_daemon;
use super::{Message, bounced_addresses, is_free_mail, new_text, normalise_address};
use crate::time::date_of;
use crate::{ContactId, DealId, DealRecord, DealStatus, Direction, EmailAddress, Outcome};
use jiff::{Timestamp, civil::Date};
use serde::Serialize;
use std::collections::HashMap;

/// The record's people and deals, by address and domain.
pub struct Directory {
    me: Vec<EmailAddress>,
    contacts: HashMap<EmailAddress, (ContactId, String)>,
    domains: HashMap<String, String>,
    /// Each account's deals, the one to log on first: open before closed, then most recent.
    deals: HashMap<String, Vec<DealId>>,
    /// The deal each contact was last active on, and when.
    last_deal: HashMap<ContactId, (Timestamp, DealId)>,
}

impl Directory {
    /// `me` are the rep's own addresses: they decide direction.
    pub fn new<'a>(
        me: &[EmailAddress],
        records: impl IntoIterator<Item = &'a DealRecord>,
    ) -> Directory {
        let me: Vec<EmailAddress> = me
            .iter()
            .filter_map(|a| normalise_address(a.as_str()))
            .collect();
        let mut contacts = HashMap::new();
        let mut domains = HashMap::new();
        let mut ranked: HashMap<String, Vec<(bool, Timestamp, DealId)>> = HashMap::new();
        let mut last_deal: HashMap<ContactId, (Timestamp, DealId)> = HashMap::new();
        for r in records {
            let account = r.deal.account.name.clone();
            for c in &r.contacts {
                for e in &c.emails {
                    if let Some(a) = normalise_address(e.as_str()) {
                        if !is_free_mail(a.domain()) {
                            domains.insert(a.domain().to_string(), account.clone());
                        }
                        contacts.insert(a, (c.id, account.clone()));
                    }
                }
            }
            if let Some(d) = r
                .deal
                .account
                .domain
                .as_deref()
                .filter(|d| !is_free_mail(d))
            {
                domains.insert(d.to_lowercase(), account.clone());
            }
            for a in &r.activities {
                if let Some(c) = a.contact {
                    let seen = last_deal.entry(c).or_insert((a.at, r.deal.id));
                    if a.at > seen.0 {
                        *seen = (a.at, r.deal.id);
                    }
                }
            }
            let recent = r
                .activities
                .last()
                .map(|a| a.at)
                .unwrap_or(r.deal.created_at);
            ranked.entry(account).or_default().push((
                r.deal.status == DealStatus::Open,
                recent,
                r.deal.id,
            ));
        }
        let deals = ranked
            .into_iter()
            .map(|(account, mut list)| {
                list.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
                (account, list.into_iter().map(|(_, _, id)| id).collect())
            })
            .collect();
        Directory {
            me,
            contacts,
            domains,
            deals,
            last_deal,
        }
    }

    /// Joins directories built from disjoint sets of accounts (built account by account while
    /// a pipeline streams in).
    pub fn merge(parts: impl IntoIterator<Item = Directory>) -> Directory {
        let mut all = Directory {
            me: Vec::new(),
            contacts: HashMap::new(),
            domains: HashMap::new(),
            deals: HashMap::new(),
            last_deal: HashMap::new(),
        };
        for part in parts {
            if all.me.is_empty() {
                all.me = part.me;
            }
            all.contacts.extend(part.contacts);
            all.domains.extend(part.domains);
            all.deals.extend(part.deals);
            all.last_deal.extend(part.last_deal);
        }
        all
    }

    pub(crate) fn contact(&self, address: &EmailAddress) -> Option<&(ContactId, String)> {
        normalise_address(address.as_str()).and_then(|a| self.contacts.get(&a))
    }

    pub(crate) fn is_me(&self, address: &EmailAddress) -> bool {
        normalise_address(address.as_str()).is_some_and(|a| self.me.contains(&a))
    }

    /// The deal to log on: the thread's deal when it belongs to the account, else the deal
    /// the contact was last active on, else the account's first (open, most recent).
    pub(crate) fn deal(
        &self,
        account: &str,
        contact: Option<ContactId>,
        thread: Option<DealId>,
    ) -> Option<DealId> {
        let deals = self.deals.get(account)?;
        thread
            .filter(|t| deals.contains(t))
            .or_else(|| {
                contact
                    .and_then(|c| self.last_deal.get(&c))
                    .map(|(_, d)| *d)
                    .filter(|d| deals.contains(d))
            })
            .or_else(|| deals.first().copied())
    }

    /// Whether a message could mean anything for the record, from its headers alone: from
    /// the rep to a contact; from a contact (or with one in Reply-To) or someone at a known
    /// account; or a bounce. When this says no, `understand` skips the message whatever its
    /// body, so a reader need not decode it.
    pub fn might_matter(&self, message: &Message) -> bool {
        let Some(from) = &message.from else {
            return true;
        };
        if message.delivery_report.is_some() || is_daemon(from) {
            return true;
        }
        if self.is_me(from) {
            return message
                .to
                .iter()
                .chain(&message.cc)
                .any(|a| self.contact(a).is_some());
        }
        self.contact(from).is_some()
            || message.reply_to.iter().any(|a| self.contact(a).is_some())
            || normalise_address(from.as_str())
                .is_some_and(|a| self.domains.contains_key(a.domain()))
    }

    pub(crate) fn account_of_domain(&self, domain: &str) -> Option<&str> {
        self.domains.get(domain).map(String::as_str)
    }
}

/// An activity a message adds to a deal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MailActivity {
    pub deal: DealId,
    pub contact: Option<ContactId>,
    pub direction: Direction,
    pub outcome: Outcome,
    pub at: Timestamp,
    /// The new text's opening, quotes and signature cut.
    pub summary: String,
    /// The new text of an outbound message (the tone linter reads it) or a reply (the reply
    /// reader reads it).
    pub body: Option<String>,
    pub returns_on: Option<Date>,
    pub bounced: Vec<EmailAddress>,
    /// A permanent auto-reply (left the company, mailbox not monitored): the words and the
    /// successor it names. The sender's address is not to be written to again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departed: Option<Departure>,
}

/// What a message is for the record.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Disposition {
    Activity(MailActivity),
    /// Someone new writing from a known account's domain: more threads into the deal. What
    /// they wrote to the rep is a reply on the deal all the same (`activity`, with no contact).
    SuggestContact {
        account: String,
        address: EmailAddress,
        deal: Option<DealId>,
        activity: Option<MailActivity>,
    },
    Skip {
        reason: &'static str,
    },
}

/// Decides what `message` means. `thread` is the deal of an earlier message it refers to.
pub fn understand(
    message: &Message,
    directory: &Directory,
    thread: Option<DealId>,
    fallback_time: Timestamp,
) -> Disposition {
    let at = message.date.unwrap_or(fallback_time);
    let text = new_text(&message.text);
    let summary: String = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(160)
        .collect();
    let activity = |deal,
                    contact,
                    direction,
                    outcome,
                    body: Option<String>,
                    returns_on,
                    bounced: Vec<EmailAddress>| {
        Disposition::Activity(MailActivity {
            deal,
            contact,
            direction,
            outcome,
            at,
            summary: summary.clone(),
            body,
            returns_on,
            bounced,
            departed: None,
        })
    };
    let Some(from) = &message.from else {
        return Disposition::Skip {
            reason: "no sender",
        };
    };

    if let Some(failed) = bounced_addresses(message, &directory.me) {
        let known = failed
            .iter()
            .find_map(|a| directory.contact(a).map(|c| (a, c)));
        return match known.and_then(|(a, (id, account))| {
            directory
                .deal(account, Some(*id), thread)
                .map(|d| (a, *id, d))
        }) {
            Some((_, id, deal)) => activity(
                deal,
                Some(id),
                Direction::Inbound,
                Outcome::Bounced,
                None,
                None,
                failed,
            ),
            None => Disposition::Skip {
                reason: "bounce for an address not in the record",
            },
        };
    }

    if directory.is_me(from) {
        let to = message
            .to
            .iter()
            .chain(&message.cc)
            .find_map(|a| directory.contact(a));
        return match to
            .and_then(|(id, account)| directory.deal(account, Some(*id), thread).map(|d| (*id, d)))
        {
            Some((id, deal)) => activity(
                deal,
                Some(id),
                Direction::Outbound,
                Outcome::Sent,
                Some(text.clone()),
                None,
                vec![],
            ),
            None => Disposition::Skip {
                reason: "sent to no one in the record",
            },
        };
    }

    // A list or a gateway that rewrites From ("Dana Reyes via Acme <noreply@...>") keeps the
    // person in Reply-To.
    let known = directory
        .contact(from)
        .or_else(|| message.reply_to.iter().find_map(|a| directory.contact(a)));
    // Headers first, then the wording of the sender's own new text only: a person who quotes
    // an out-of-office, or mentions a holiday, is still replying (issue 10, section 3).
    let inbound = |deal, contact| match auto_reply_to(message, &text, date_of(at)) {
        Some(auto) => match activity(
            deal,
            contact,
            Direction::Inbound,
            Outcome::AutoReply,
            None,
            auto.returns_on,
            vec![],
        ) {
            Disposition::Activity(a) => Disposition::Activity(MailActivity {
                departed: auto.departed,
                ..a
            }),
            other => other,
        },
        None => activity(
            deal,
            contact,
            Direction::Inbound,
            Outcome::Replied,
            Some(text.clone()),
            None,
            vec![],
        ),
    };
    let Some((id, account)) = known else {
        let account = normalise_address(from.as_str())
            .and_then(|a| directory.domains.get(a.domain()).cloned());
        return match account {
            Some(account) => {
                let deal = directory.deal(&account, None, thread);
                // A colleague of the deal's contacts writing to the rep: engagement, and
                // someone to add.
                let to_me = message
                    .to
                    .iter()
                    .chain(&message.cc)
                    .any(|a| directory.is_me(a));
                let activity = deal.filter(|_| to_me).and_then(|d| match inbound(d, None) {
                    Disposition::Activity(a) => Some(a),
                    _ => None,
                });
                Disposition::SuggestContact {
                    account,
                    address: normalise_address(from.as_str()).unwrap_or_else(|| from.clone()),
                    deal,
                    activity,
                }
            }
            None => Disposition::Skip {
                reason: "from no one in the record",
            },
        };
    };
    let Some(deal) = directory.deal(account, Some(*id), thread) else {
        return Disposition::Skip {
            reason: "the account has no deal",
        };
    };
    inbound(deal, Some(*id))
}
