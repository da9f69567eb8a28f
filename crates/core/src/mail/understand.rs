//! What a message means for the record: a touch the rep sent, a reply, an auto-reply or a
//! bounce on a deal, a suggested new contact, or nothing. A reply is any inbound message from
//! the deal's account: from the contact, another of their addresses, a colleague, or on a new
//! thread. Threads (Message-ID, In-Reply-To, References) decide the deal when an account has
//! several.
//!
//! Whether an inbound message *answers* the rep (`MailActivity::answers_touch`) is told apart
//! from whether it is engagement: mail from a deal's people before the rep ever wrote is
//! engagement, but it answers nothing (a reading moves a deal on its own only when the reply
//! answers the rep's conversation: `reply::DealSituation::direct`). A message from an address
//! outside every known account that answers a rep's touch by its headers is that touch's
//! contact writing from another address (PLAYBOOK.md, "Numbers from the field": HubSpot
//! sequences stop on a reply from the contact or an alias; HubSpot's help on unenrolling
//! contacts names a reply "from a different email address"), and the address is offered. A
//! colleague at the account's domain stays a colleague (a reply with no contact, suggested).

use super::autoreply::{Departure, auto_reply_to};
use super::message::is_daemon;
use super::{
    Message, bounced_addresses, is_delivery_notice, is_free_mail, new_text, normalise_address,
};
use crate::time::date_of;
use crate::{
    ActivityKind, ContactId, DealId, DealRecord, DealStatus, Direction, EmailAddress, Outcome,
};
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
    /// Each account's people by name, to know one of them under another address.
    people: HashMap<String, Vec<(ContactId, String)>>,
    /// The deal each contact was last active on, and when.
    last_deal: HashMap<ContactId, (Timestamp, DealId)>,
    /// Each deal's account, and each deal's earliest touch by the rep (an outbound call,
    /// message or meeting; notes are not touches).
    deal_account: HashMap<DealId, (String, Option<Timestamp>)>,
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
        let mut people: HashMap<String, Vec<(ContactId, String)>> = HashMap::new();
        let mut ranked: HashMap<String, Vec<(bool, Timestamp, DealId)>> = HashMap::new();
        let mut last_deal: HashMap<ContactId, (Timestamp, DealId)> = HashMap::new();
        let mut deal_account = HashMap::new();
        for r in records {
            let first_touch = r
                .activities
                .iter()
                .filter(|a| a.direction == Direction::Outbound && a.kind != ActivityKind::Note)
                .map(|a| a.at)
                .min();
            deal_account.insert(r.deal.id, (r.deal.account.name.clone(), first_touch));
            let account = r.deal.account.name.clone();
            for c in &r.contacts {
                let named = people.entry(account.clone()).or_default();
                if !named.iter().any(|(id, _)| *id == c.id) {
                    named.push((c.id, c.name.clone()));
                }
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
            people,
            last_deal,
            deal_account,
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
            people: HashMap::new(),
            last_deal: HashMap::new(),
            deal_account: HashMap::new(),
        };
        for part in parts {
            if all.me.is_empty() {
                all.me = part.me;
            }
            all.contacts.extend(part.contacts);
            all.domains.extend(part.domains);
            all.deals.extend(part.deals);
            all.people.extend(part.people);
            all.last_deal.extend(part.last_deal);
            all.deal_account.extend(part.deal_account);
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
    /// account; a reply (In-Reply-To or References) addressed to the rep; or a bounce. When
    /// this says no, `understand` skips the message whatever its body, so a reader need not
    /// decode it.
    pub fn might_matter(&self, message: &Message) -> bool {
        let Some(from) = &message.from else {
            return true;
        };
        if message.delivery_report.is_some() || is_daemon(from) || super::ses::is_notifier(from) {
            return true;
        }
        if self.is_me(from) {
            return message
                .to
                .iter()
                .chain(&message.cc)
                .any(|a| self.contact(a).is_some());
        }
        // A reply to the rep from an address not in the record may answer one of the rep's
        // touches (the contact's other address): only the thread, in the record, can tell.
        let answers_me = !(message.in_reply_to.is_empty() && message.references.is_empty())
            && message.to.iter().chain(&message.cc).any(|a| self.is_me(a));
        answers_me
            || self.contact(from).is_some()
            || message.reply_to.iter().any(|a| self.contact(a).is_some())
            || normalise_address(from.as_str())
                .is_some_and(|a| self.domains.contains_key(a.domain()))
    }

    /// The one person at `account` whose name `address` spells (`address_names`), if exactly
    /// one does: "sam.doyle@" is Sam Doyle writing from another address of their company.
    pub(crate) fn person_named_by(
        &self,
        account: &str,
        address: &EmailAddress,
    ) -> Option<ContactId> {
        let mut named = self
            .people
            .get(account)?
            .iter()
            .filter(|(_, name)| super::address::address_names(address, name));
        match (named.next(), named.next()) {
            (Some((id, _)), None) => Some(*id),
            _ => None,
        }
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
    /// Whether this inbound message is a direct answer to the rep's conversation: it is in the
    /// thread of one of the rep's outbound touches (In-Reply-To or References name it, or the
    /// caller found the touch by the normalised subject), or a deal contact wrote to the rep
    /// (To or Cc) after the rep's first touch on the deal, and it is not list traffic
    /// (`List-Id`, `List-Unsubscribe`, `Precedence: list|bulk|junk`) outside such a thread.
    /// False for outbound mail, bounces, and mail that predates every touch (engagement, but an
    /// answer to nothing: such a message is recorded as `Outcome::Wrote`, not `Replied`).
    /// Source: PLAYBOOK.md, "Numbers from the field" (a sequence stops on the contact's reply
    /// to it); a reading moves a deal on its own only on such an answer.
    pub answers_touch: bool,
    /// For a bounce naming several contacts: the others (deal, contact), each to be recorded
    /// as a bounce of its own (`contact` is the first).
    pub also_bounced: Vec<(DealId, ContactId)>,
    /// A permanent auto-reply (left the company, mailbox not monitored): the words and the
    /// successor it names. The sender's address is not to be written to again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departed: Option<Departure>,
}

/// The reason `understand` skips a message from an address the record does not know (at no
/// known account): with a `Conversation` naming one of the rep's touches it may still be the
/// touch's contact writing from another address.
pub const UNKNOWN_SENDER: &str = "from no one in the record";

/// What the caller's record says of the conversation a message belongs to, beyond what the
/// `Directory` was built from (touches recorded since, the thread's earlier messages).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Conversation {
    /// The deal of an earlier recorded message this one refers to (In-Reply-To, References;
    /// else the normalised subject).
    pub deal: Option<DealId>,
    /// The rep's outbound touch this message refers to, when the earlier message is one.
    pub touch: Option<TouchRef>,
    /// The rep's earliest touch on the deal the caller expects the message to land on, when
    /// it knows one the `Directory` may not (recorded in the same import).
    pub first_touch: Option<Timestamp>,
}

/// One of the rep's outbound touches, as a later message refers to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TouchRef {
    /// The deal the touch was recorded on.
    pub deal: DealId,
    /// The contact the touch went to.
    pub contact: Option<ContactId>,
    /// Found by In-Reply-To or References (true), or only by the normalised subject (false):
    /// only a header reference makes an unknown sender the touch's contact.
    pub by_headers: bool,
    /// When the touch was sent: a message dated before it does not answer it.
    pub at: Timestamp,
}

impl Conversation {
    /// Only the deal of the thread, as `understand` takes it.
    pub fn of_deal(deal: Option<DealId>) -> Conversation {
        Conversation {
            deal,
            ..Conversation::default()
        }
    }
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
/// The same as `understand_in` with only the thread's deal known.
pub fn understand(
    message: &Message,
    directory: &Directory,
    thread: Option<DealId>,
    fallback_time: Timestamp,
) -> Disposition {
    understand_in(
        message,
        directory,
        &Conversation::of_deal(thread),
        fallback_time,
    )
}

/// Decides what `message` means in `conversation` (what the caller's record knows of its
/// thread). `fallback_time` dates a message without a Date header.
pub fn understand_in(
    message: &Message,
    directory: &Directory,
    conversation: &Conversation,
    fallback_time: Timestamp,
) -> Disposition {
    let mut disposition = decide(message, directory, conversation, fallback_time);
    let activity = match &mut disposition {
        Disposition::Activity(a) => Some(a),
        Disposition::SuggestContact { activity, .. } => activity.as_mut(),
        Disposition::Skip { .. } => None,
    };
    let mut list_only = false;
    if let Some(a) = activity {
        a.answers_touch = answers_touch(message, directory, conversation, a);
        let to_me = message
            .to
            .iter()
            .chain(&message.cc)
            .any(|addr| directory.is_me(addr));
        list_only = a.direction == Direction::Inbound
            && a.outcome == Outcome::Replied
            && !a.answers_touch
            && !to_me
            && !answers_my_side(message, directory)
            && is_list_or_bulk(&message.automatic_headers);
        if a.direction == Direction::Inbound
            && a.outcome == Outcome::Replied
            && !a.answers_touch
            && opens_conversation(message)
            && first_touch(directory, conversation, a.deal).is_none_or(|t| t > a.at)
        {
            // Nothing the rep sent is being answered: the deal's people writing first is
            // engagement, never a reply to a touch.
            a.outcome = Outcome::Wrote;
        }
    }
    if list_only {
        // A post to a list or a bulk mailing that reached the rep only through the list,
        // outside the rep's threads, answers no one: the prospect's words on a list are not a
        // reply to the rep.
        return Disposition::Skip {
            reason: LIST_TRAFFIC,
        };
    }
    disposition
}

/// The reason `understand` skips a list post or bulk mailing from someone in the record that
/// is not in the rep's threads and not addressed to the rep (To, Cc) either.
pub const LIST_TRAFFIC: &str = "list or bulk mail outside the rep's threads";

/// `MailActivity::answers_touch` for an activity `decide` made.
fn answers_touch(
    message: &Message,
    directory: &Directory,
    conversation: &Conversation,
    activity: &MailActivity,
) -> bool {
    if activity.direction != Direction::Inbound || activity.outcome == Outcome::Bounced {
        return false;
    }
    if conversation
        .touch
        .is_some_and(|t| t.deal == activity.deal && t.at <= activity.at)
    {
        return true;
    }
    let from_contact = activity.contact.is_some()
        && message
            .from
            .iter()
            .chain(&message.reply_to)
            .any(|a| directory.contact(a).is_some());
    let to_me = message
        .to
        .iter()
        .chain(&message.cc)
        .any(|a| directory.is_me(a));
    let first_touch = first_touch(directory, conversation, activity.deal);
    from_contact
        && to_me
        && !is_list_or_bulk(&message.automatic_headers)
        && first_touch.is_some_and(|t| t <= activity.at)
}

/// Whether a message opens a conversation rather than answering an earlier message: no
/// In-Reply-To or References (RFC 5322 section 3.6.4) and no answer or forward prefix on its
/// subject. A message that answers something the record does not hold (the rep's sent mail
/// not imported) stays a reply; it still answers no recorded touch, so it never acts alone.
/// Whether the message answers one sent from the rep's side: its In-Reply-To or References
/// name a Message-ID made at the domain of one of the rep's addresses (RFC 5322 section 3.6.4:
/// the right of the `@` is the sender's domain by convention). A list reply to the rep's own
/// post is in the rep's thread even when that post is not on record.
fn answers_my_side(message: &Message, directory: &Directory) -> bool {
    let domains: Vec<&str> = directory
        .me
        .iter()
        .map(|a| a.domain())
        .filter(|d| !is_free_mail(d))
        .collect();
    !domains.is_empty()
        && message
            .in_reply_to
            .iter()
            .chain(&message.references)
            .filter_map(|id| id.trim_matches(['<', '>', ' ']).rsplit_once('@'))
            .any(|(_, domain)| domains.iter().any(|d| domain.eq_ignore_ascii_case(d)))
}

fn opens_conversation(message: &Message) -> bool {
    message.in_reply_to.is_empty()
        && message.references.is_empty()
        && !super::autoreply::is_answer_subject(&message.subject)
}

/// The rep's earliest touch on `deal` that the directory or the conversation knows: the
/// directory's, the caller's (recorded since), or the touch the message's thread names.
fn first_touch(
    directory: &Directory,
    conversation: &Conversation,
    deal: DealId,
) -> Option<Timestamp> {
    directory
        .deal_account
        .get(&deal)
        .and_then(|(_, t)| *t)
        .into_iter()
        .chain(conversation.first_touch)
        .chain(conversation.touch.filter(|t| t.deal == deal).map(|t| t.at))
        .min()
}

/// Mailing-list or bulk traffic by its headers: `List-Id` or `List-Unsubscribe` (RFC 2919,
/// RFC 2369), or `Precedence: list|bulk|junk` (RFC 3834 section 3.1.3 names the convention).
/// Broader than `autoreply::is_list_traffic` (which decides whether an auto-reply header can be
/// trusted): here any sign of list or bulk delivery makes a message no direct answer, the
/// cautious side for acting on it.
pub fn is_list_or_bulk(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("list-id")
            || name.eq_ignore_ascii_case("list-unsubscribe")
            || (name.eq_ignore_ascii_case("precedence")
                && ["list", "bulk", "junk"]
                    .iter()
                    .any(|p| value.trim().eq_ignore_ascii_case(p)))
    })
}

fn decide(
    message: &Message,
    directory: &Directory,
    conversation: &Conversation,
    fallback_time: Timestamp,
) -> Disposition {
    let thread = conversation.deal;
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
            answers_touch: false,
            also_bounced: Vec::new(),
            departed: None,
        })
    };

    if let Some(failed) = bounced_addresses(message, &directory.me) {
        // Every failed address that is a contact, with the deal its bounce lands on: the
        // first is the activity's; the others are recorded as bounces too, so each contact's
        // record says their mail bounced (drafting and sending read it there).
        let mut known: Vec<(DealId, ContactId)> = Vec::new();
        for a in &failed {
            if let Some((id, account)) = directory.contact(a)
                && let Some(deal) = directory.deal(account, Some(*id), thread)
                && !known.iter().any(|(_, c)| c == id)
            {
                known.push((deal, *id));
            }
        }
        return match known.split_first() {
            Some((&(deal, id), others)) => match activity(
                deal,
                Some(id),
                Direction::Inbound,
                Outcome::Bounced,
                None,
                None,
                failed,
            ) {
                Disposition::Activity(mut a) => {
                    a.also_bounced = others.to_vec();
                    Disposition::Activity(a)
                }
                other => other,
            },
            None => Disposition::Skip {
                reason: "bounce for an address not in the record",
            },
        };
    }
    // A mail system's notice that reports no failure (a delay, a relay, a delivery): it
    // concerns no person, even from a known account's domain.
    if is_delivery_notice(message) {
        return Disposition::Skip {
            reason: "a delivery notice that reports no failure",
        };
    }

    let Some(from) = &message.from else {
        return Disposition::Skip {
            reason: "no sender",
        };
    };

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
    // an out-of-office, or mentions a holiday, is still replying.
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
        let address = normalise_address(from.as_str()).unwrap_or_else(|| from.clone());
        let account = directory.domains.get(address.domain()).cloned();
        // An address outside every known account answering a rep's touch by its headers: the
        // touch's contact writing from another address (a personal one, a new employer's).
        if account.is_none()
            && let Some(touch) = conversation.touch.filter(|t| t.by_headers)
            && let Some(contact) = touch.contact
            && let Some((account, _)) = directory.deal_account.get(&touch.deal)
            && !is_daemon(from)
        {
            let activity = match inbound(touch.deal, Some(contact)) {
                Disposition::Activity(a) => Some(a),
                _ => None,
            };
            return Disposition::SuggestContact {
                account: account.clone(),
                address,
                deal: Some(touch.deal),
                activity,
            };
        }
        // The same person under another address at their own account: an address that spells a
        // contact's name ("sam.doyle@" for Sam Doyle, who is sam@), or an auto-reply in the
        // thread of a touch to them (a mailbox answers for its owner). Their reply or absence
        // is theirs, exactly as from their known address; the address is offered.
        let same_person = account
            .as_deref()
            .filter(|_| !is_daemon(from))
            .and_then(|account| {
                directory.person_named_by(account, &address).or_else(|| {
                    conversation
                        .touch
                        .filter(|t| {
                            t.by_headers
                                && directory
                                    .deal_account
                                    .get(&t.deal)
                                    .is_some_and(|(a, _)| a == account)
                        })
                        .and_then(|t| t.contact)
                        .filter(|_| auto_reply_to(message, &text, date_of(at)).is_some())
                })
            });
        if let (Some(account), Some(contact)) = (account.clone(), same_person) {
            let deal = directory.deal(&account, Some(contact), thread);
            let activity = deal.and_then(|d| match inbound(d, Some(contact)) {
                Disposition::Activity(a) => Some(a),
                _ => None,
            });
            return Disposition::SuggestContact {
                account,
                address,
                deal,
                activity,
            };
        }
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
                    address,
                    deal,
                    activity,
                }
            }
            None => Disposition::Skip {
                reason: UNKNOWN_SENDER,
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
