//! Capturing activity from the rep's mail and calendars: the [`Importer`], which every source
//! feeds (mail files, IMAP, .ics files, CalDAV). Each message is understood by the core
//! (`mail::understand`), recorded once through the store's capture writer with what its reading
//! changes (`replies::act_on_reply`), and counted in a [`Summary`]. The front-end reads the
//! sources (through `rekindle-ingest`) and hands the messages and events in.

use crate::replies::{Reply, act_on_reply, look_again};
use crate::{AppError, Caller, Input};
use jiff::Timestamp;
use rekindle_core::calendar::{
    EventDisposition, MeetingChange, Occurrence, meeting_change, understand_event,
};
use rekindle_core::mail::{
    Conversation, Departure, Directory, Disposition, LIST_TRAFFIC, MailActivity, Message, TouchRef,
    UNKNOWN_SENDER, departure_plan, thread_subject, understand, understand_in,
};
use rekindle_core::reply::{Action, Reading, classify};
use rekindle_core::time::date_of;
use rekindle_core::{ActivityId, DealId, DealRecord, Direction, EmailAddress, Outcome, Policy};
use rekindle_ingest::calendar::Window;
use rekindle_ingest::{IngestError, Skipped};
use rekindle_store::{CaptureWriter, MailOutcome, Store};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// What an import did.
#[derive(Default, Serialize)]
pub struct Summary {
    pub read: usize,
    /// Messages that concern a deal (touches, replies, auto-replies, bounces, suggestions),
    /// new or already imported.
    pub matched: usize,
    pub bytes: u64,
    pub seconds: f64,
    pub touches: usize,
    pub replies: usize,
    /// Messages from the deal's people before any touch on the deal (`Outcome::Wrote`):
    /// engagement, read, but answering nothing.
    pub unprompted: usize,
    pub auto_replies: usize,
    pub bounces: usize,
    pub contacts_suggested: usize,
    pub already_imported: usize,
    /// Replies read, by what they meant.
    pub replies_read: BTreeMap<&'static str, usize>,
    /// Deals a reply closed or nurtured with a date to look again, and the date.
    pub look_again: Vec<(DealId, jiff::civil::Date)>,
    /// A calendar import (files or CalDAV): it speaks of events.
    pub calendar: bool,
    /// Calendar events read (each occurrence of a recurring one), and what they changed in
    /// the deals' records, counted only when the record changed: a meeting ahead booked or
    /// moved (the earliest is the deal's booked next step),
    /// a meeting held, a cancellation or a declined invitation recorded, a booked step taken
    /// away by one of those.
    pub occurrences: usize,
    pub meetings_booked: usize,
    pub meetings_held: usize,
    /// Cancelled by the organiser (STATUS:CANCELLED, METHOD:CANCEL).
    pub meetings_cancelled: usize,
    /// Declined by every deal contact invited.
    pub invitations_declined: usize,
    /// Booked next steps taken away because their meeting was cancelled or declined.
    pub steps_cancelled: usize,
    /// Messages that mean nothing for the record, by reason.
    pub not_matched: BTreeMap<&'static str, usize>,
    /// Messages that could not be read, with their file (or folder) and position.
    pub skipped: Vec<(String, String)>,
    /// Files in the folders read that hold no mail (indexes, caches), passed over.
    pub files_not_mail: usize,
}

impl Summary {
    /// The import's report for people, as `rekindle import` prints it and the dashboard's
    /// Import page shows it: one line of counts (messages, megabytes, seconds and MB/s for
    /// mail; events and what they changed for calendars), then what was passed over, one line
    /// each.
    pub fn lines(&self) -> Vec<String> {
        let mb = self.bytes as f64 / 1e6;
        let mut lines = Vec::new();
        let events = || {
            format!(
                "Read {} calendar events: {} meetings ahead booked or moved, {} meetings held, {} cancelled, {} declined ({} booked steps taken away)",
                self.occurrences,
                self.meetings_booked,
                self.meetings_held,
                self.meetings_cancelled,
                self.invitations_declined,
                self.steps_cancelled
            )
        };
        if self.calendar {
            lines.push(format!(
                "{}; {} new contacts suggested; {} already imported",
                events(),
                self.contacts_suggested,
                self.already_imported
            ));
        } else {
            lines.push(format!(
            "Read {} messages ({mb:.1} MB in {:.1} s, {:.1} MB/s), {} about deals: {} touches, {} replies, {} written before any touch, {} auto-replies, {} bounces added; {} new contacts suggested; {} already imported",
            self.read,
            self.seconds,
            if self.seconds > 0.0 {
                mb / self.seconds
            } else {
                0.0
            },
            self.matched,
            self.touches,
            self.replies,
            self.unprompted,
            self.auto_replies,
            self.bounces,
            self.contacts_suggested,
            self.already_imported
            ));
            if self.occurrences > 0 {
                lines.push(events());
            }
        }
        if !self.replies_read.is_empty() {
            let read: Vec<String> = self
                .replies_read
                .iter()
                .map(|(class, n)| format!("{n} {class}"))
                .collect();
            lines.push(format!("  replies read: {}", read.join(", ")));
        }
        for (deal, on) in &self.look_again {
            lines.push(format!(
                "  {deal}: look again on {on}, no touch before then"
            ));
        }
        let what = if self.calendar { "events" } else { "messages" };
        for (reason, n) in &self.not_matched {
            lines.push(format!("  {n} {what} not matched: {reason}"));
        }
        if self.files_not_mail > 0 {
            lines.push(format!(
                "  {} files passed over: not mail",
                self.files_not_mail
            ));
        }
        for (origin, reason) in &self.skipped {
            lines.push(format!("  skipped {origin}: {reason}"));
        }
        lines
    }
}

/// The rep's addresses: given now (the second value: to remember when the import ends well),
/// or remembered from before.
async fn my_addresses(
    store: &Store,
    given: &[String],
) -> Result<(Vec<EmailAddress>, Option<Vec<EmailAddress>>), AppError> {
    if !given.is_empty() {
        let parsed = given
            .iter()
            .map(|a| EmailAddress::parse(a))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((parsed.clone(), Some(parsed)));
    }
    let known = store.rep_addresses().await?;
    if known.is_empty() {
        return Err(AppError::Unfit(
            "say which addresses are yours, once (they are remembered)".into(),
        )
        .about(Input::OwnAddresses));
    }
    Ok((known, None))
}

/// What a message says on its own, worked out on any thread: what it is for the record
/// (before its thread is looked up) and, for a reply, what the reply means.
pub struct FirstReading {
    pub disposition: Disposition,
    pub reading: Option<Reading>,
}

/// The reply a disposition records, if it records one.
fn reply_of(disposition: &Disposition) -> Option<&MailActivity> {
    let activity = match disposition {
        Disposition::Activity(a) => a,
        Disposition::SuggestContact {
            activity: Some(a), ..
        } => a,
        _ => return None,
    };
    matches!(activity.outcome, Outcome::Replied | Outcome::Wrote).then_some(activity)
}

/// Reads a message without the record's help (see `FirstReading`).
pub fn read_alone(message: &Message, directory: &Directory, now: Timestamp) -> FirstReading {
    let disposition = understand(message, directory, None, now);
    let reading = reply_of(&disposition).and_then(|a| {
        a.body
            .as_deref()
            .map(|text| classify(text, None, date_of(a.at)))
    });
    FirstReading {
        disposition,
        reading,
    }
}

/// Turns messages into the record: who wrote to whom, replies, auto-replies, bounces, new
/// people at known accounts. Each message is taken once, whatever the source.
pub struct Importer {
    pub writer: CaptureWriter,
    directory: Arc<Directory>,
    policy: Policy,
    now: jiff::Timestamp,
    started: Instant,
    pub summary: Summary,
    /// The Message-IDs of the rep's recorded touches, read once when first needed and kept up
    /// as touches are recorded: whether a stranger's reply answers one is a lookup.
    touch_ids: Option<HashSet<String>>,
    /// The rep's addresses given with the import, until they are written: in the import's first
    /// transaction, so an import that fails before it keeps anything leaves the ones known
    /// before.
    remember: Option<Vec<EmailAddress>>,
    gave_addresses: bool,
}

impl Importer {
    /// An importer for `caller` at `now`, with the rep's addresses `me` (remembered when the
    /// import keeps anything) or, when none are given, those remembered.
    ///
    /// Errors: [`AppError::Invalid`] for an address that does not parse; [`AppError::Unfit`]
    /// when no address is given or known; the store's.
    pub async fn new(
        store: &Store,
        _caller: &Caller,
        me: &[String],
        now: Timestamp,
    ) -> Result<Importer, AppError> {
        let (me, remember) = my_addresses(store, me).await?;
        // Built account by account as the pipeline streams in: never the whole pipeline in
        // memory.
        let parts = store
            .map_accounts(
                false,
                Arc::new(move |group: Vec<DealRecord>| Directory::new(&me, &group)),
            )
            .await?;
        Ok(Importer {
            writer: store.capture_writer()?,
            directory: Arc::new(Directory::merge(parts)),
            policy: store.policy().await?,
            now,
            started: Instant::now(),
            summary: Summary::default(),
            touch_ids: None,
            gave_addresses: remember.is_some(),
            remember,
        })
    }

    /// Whether any of `ids` (In-Reply-To, References) is one of the rep's recorded touches.
    fn refers_to_touch(&mut self, ids: &[String]) -> Result<bool, AppError> {
        if ids.is_empty() {
            return Ok(false);
        }
        let touches = match &mut self.touch_ids {
            Some(set) => set,
            None => self
                .touch_ids
                .insert(self.writer.touch_message_ids()?.into_iter().collect()),
        };
        Ok(ids.iter().any(|id| touches.contains(id)))
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.now
    }

    pub fn skipped(&mut self, skipped: impl IntoIterator<Item = Skipped>) {
        self.summary
            .skipped
            .extend(skipped.into_iter().map(|s| (s.origin, s.reason)));
    }

    pub fn take(&mut self, message: &Message) -> Result<(), AppError> {
        let first = read_alone(message, &self.directory, self.now);
        self.take_understood(message, first)
    }

    /// What understanding a message needs, to do it on another thread: the directory and
    /// the clock.
    pub fn understanding(&self) -> (Arc<Directory>, jiff::Timestamp) {
        (self.directory.clone(), self.now)
    }

    /// Takes a message already read on its own (`read_alone`), with everything it changes in
    /// one batch of the capture writer.
    pub fn take_understood(
        &mut self,
        message: &Message,
        first: FirstReading,
    ) -> Result<(), AppError> {
        self.remember_addresses()?;
        self.take_message(message, first)?;
        Ok(self.writer.boundary()?)
    }

    /// The rep's addresses given with the import go into the first transaction that records anything:
    /// durable exactly when some of what was read with them is.
    fn remember_addresses(&mut self) -> Result<(), AppError> {
        if let Some(me) = self.remember.take() {
            self.writer.set_rep_addresses(&me)?;
        }
        Ok(())
    }

    /// Whether addresses were given with the import (remembered with what the import records).
    pub fn gave_addresses(&self) -> bool {
        self.gave_addresses
    }

    fn take_message(&mut self, message: &Message, first: FirstReading) -> Result<(), AppError> {
        self.summary.read += 1;
        // Understood first without the record: most mail (newsletters, strangers) needs no
        // database work at all.
        let FirstReading {
            mut disposition,
            reading,
        } = first;
        let thread_ids: Vec<String> = message
            .in_reply_to
            .iter()
            .chain(message.references.iter().rev())
            .cloned()
            .collect();
        if let Disposition::Skip { reason } = disposition {
            // A stranger's message that answers one of the rep's touches by its headers may be
            // the contact writing from another address, and a list post may answer the rep in
            // the rep's own thread: the record decides.
            if !(matches!(reason, UNKNOWN_SENDER | LIST_TRAFFIC)
                && self.refers_to_touch(&thread_ids)?)
            {
                *self.summary.not_matched.entry(reason).or_default() += 1;
                return Ok(());
            }
        }
        self.summary.matched += 1;
        let subject_key = thread_subject(&message.subject);
        let thread = match self.writer.thread_deal(&thread_ids)? {
            Some(deal) => Some(deal),
            // Headers dropped by a client or a gateway: the subject still names the thread.
            None => match &subject_key {
                Some(key) => self.writer.subject_deal(key)?,
                None => None,
            },
        };
        // Understood again only when the thread names another deal than the first reading
        // chose, or when the record knows a touch the reading could not (whether it answers one).
        let chosen = match &disposition {
            Disposition::Activity(a) => Some(a.deal),
            Disposition::SuggestContact { deal, .. } => *deal,
            Disposition::Skip { .. } => None,
        };
        let unanswered = match &disposition {
            Disposition::Activity(a) => Some(a),
            Disposition::SuggestContact { activity, .. } => activity.as_ref(),
            Disposition::Skip { .. } => None,
        }
        .is_some_and(|a| a.direction == Direction::Inbound && !a.answers_touch);
        let touch = match self.writer.thread_touch(&thread_ids)? {
            Some(t) => Some((t, true)),
            None => match &subject_key {
                Some(key) => self.writer.subject_touch(key)?.map(|t| (t, false)),
                None => None,
            },
        }
        .map(|((deal, contact, at), by_headers)| TouchRef {
            deal,
            contact,
            by_headers,
            at,
        });
        let first_touch = match thread.or(chosen) {
            Some(deal) if unanswered => self.writer.first_touch(deal)?,
            _ => None,
        };
        if (thread.is_some() && thread != chosen)
            || (unanswered && (touch.is_some() || first_touch.is_some()))
        {
            let conversation = Conversation {
                deal: thread,
                touch,
                first_touch,
            };
            disposition = understand_in(message, &self.directory, &conversation, self.now);
        }
        match disposition {
            Disposition::Activity(activity) => {
                self.record(message, subject_key.as_deref(), &activity, reading)?;
            }
            Disposition::SuggestContact {
                account,
                address,
                deal,
                activity,
            } => {
                if self.writer.suggest_contact(
                    &account,
                    &address,
                    deal,
                    message.date.unwrap_or(self.now),
                )? {
                    self.summary.contacts_suggested += 1;
                }
                if let Some(activity) = activity {
                    self.record(message, subject_key.as_deref(), &activity, reading)?;
                }
            }
            // Not recorded: once the sender becomes a contact, a re-import picks it up.
            Disposition::Skip { reason } => {
                *self.summary.not_matched.entry(reason).or_default() += 1
            }
        }
        Ok(())
    }

    /// Records a message's activity once, and counts it.
    fn record(
        &mut self,
        message: &Message,
        subject_key: Option<&str>,
        activity: &MailActivity,
        reading: Option<Reading>,
    ) -> Result<(), AppError> {
        let recorded = self.writer.record(
            &message.key,
            message.message_id.as_deref(),
            subject_key,
            Some(message.subject.trim()).filter(|s| !s.is_empty()),
            activity,
            self.now,
        )?;
        if let (MailOutcome::Added(id), Outcome::Replied | Outcome::Wrote) =
            (recorded, activity.outcome)
        {
            self.read_reply(message, activity, id, reading)?;
        }
        if let (Some(touches), Some(id), Direction::Outbound) = (
            &mut self.touch_ids,
            message.message_id.as_ref(),
            activity.direction,
        ) {
            touches.insert(id.clone());
        }
        if let (MailOutcome::Added(id), Some(departed)) = (recorded, &activity.departed) {
            self.departed(message, activity, id, departed)?;
        }
        let summary = &mut self.summary;
        match (recorded, activity.outcome) {
            (MailOutcome::AlreadyImported, _) => summary.already_imported += 1,
            (_, Outcome::Sent) => summary.touches += 1,
            (_, Outcome::AutoReply) => summary.auto_replies += 1,
            (_, Outcome::Bounced) => summary.bounces += 1,
            (_, Outcome::Wrote) => summary.unprompted += 1,
            _ => summary.replies += 1,
        }
        Ok(())
    }

    /// Acts on a reply just recorded (`rekindle_core::reply`): its deal moves accordingly.
    /// `first` is the reading made without the conversation; a bare answer is read again
    /// against the play it answers.
    fn read_reply(
        &mut self,
        message: &Message,
        activity: &MailActivity,
        id: ActivityId,
        first: Option<Reading>,
    ) -> Result<(), AppError> {
        let Some(text) = activity.body.as_deref() else {
            return Ok(());
        };
        let address = message
            .from
            .as_ref()
            .map(|a| a.as_str().to_string())
            .unwrap_or_default();
        // Only a direct answer to the rep's conversation may move the deal on its own
        // (`MailActivity::answers_touch`: in the thread of a touch, or a deal contact writing
        // to the rep after one; never list traffic outside the thread, never mail before).
        // A list post, even in the rep's thread, is read and recorded but never acts alone: the
        // list, not the prospect, may be speaking, and others read it.
        let list = rekindle_core::mail::is_list_or_bulk(&message.automatic_headers);
        let direct = activity.answers_touch && !list;
        let (reading, actions) = act_on_reply(
            &mut self.writer,
            &self.policy,
            Reply {
                deal: activity.deal,
                activity: id,
                contact: activity.contact,
                address: &address,
                text,
                at: activity.at,
                direct,
                list,
            },
            first,
        )?;
        // A new address the person gives for themselves ("BTW my new address is ..."): offered
        // as a suggested contact on the deal; kept beside the old one when the reply retired it.
        if let Some(change) = rekindle_core::mail::address_change(text, message.from.as_ref()) {
            if actions.iter().any(|a| matches!(a, Action::StopAddress)) {
                self.writer.note_moved_to(&address, &change.to)?;
            }
            if self
                .writer
                .suggest_contact_on_deal(activity.deal, &change.to, activity.at)?
            {
                self.summary.contacts_suggested += 1;
            }
        }
        *self
            .summary
            .replies_read
            .entry(reading.class.as_str())
            .or_default() += 1;
        if let Some(on) = look_again(&actions) {
            self.summary.look_again.push((activity.deal, on));
        }
        Ok(())
    }

    /// Acts on a permanent auto-reply just recorded (`mail::departure_plan`): the sender is
    /// not written to again (the address only, when the person moved address), kept as a
    /// reading the rep can override, and the successor or new address it names is offered as
    /// a suggested contact on the deal's account.
    fn departed(
        &mut self,
        message: &Message,
        activity: &MailActivity,
        id: ActivityId,
        departed: &Departure,
    ) -> Result<(), AppError> {
        let address = message
            .from
            .as_ref()
            .map(|a| a.as_str().to_string())
            .unwrap_or_default();
        let context = self
            .writer
            .reply_context(activity.deal, id, activity.contact, &address)?;
        let (reading, actions) = departure_plan(departed);
        self.writer.record_reading(
            activity.deal,
            id,
            activity.contact,
            &address,
            &context.sender,
            &reading,
            &actions,
            activity.at,
            "rekindle",
        )?;
        // The new address is kept beside the one it retires: the way out the reachability
        // rule names while the person has no other address.
        if let Some(to) = &departed.new_address {
            self.writer.note_moved_to(&address, to)?;
        }
        // The successor, or the same person's new address: offered on the deal's account, the
        // way a reply from an unknown address in the thread is.
        if let Some(offered) = departed
            .new_address
            .as_ref()
            .or_else(|| departed.successor.as_ref().and_then(|s| s.address.as_ref()))
            && self
                .writer
                .suggest_contact_on_deal(activity.deal, offered, activity.at)?
        {
            self.summary.contacts_suggested += 1;
        }
        Ok(())
    }

    /// Takes a calendar occurrence: a booked next step, a meeting held or a cancellation, once
    /// per version of the event.
    /// Takes a calendar occurrence, with everything it changes in one batch of the capture
    /// writer.
    pub fn take_occurrence(&mut self, occurrence: &Occurrence) -> Result<(), AppError> {
        self.remember_addresses()?;
        self.take_event(occurrence)?;
        Ok(self.writer.boundary()?)
    }

    fn take_event(&mut self, occurrence: &Occurrence) -> Result<(), AppError> {
        self.summary.occurrences += 1;
        match understand_event(occurrence, &self.directory, self.now) {
            EventDisposition::Meeting(meeting) => {
                let seen = self.writer.meeting_seen(&occurrence.key)?;
                let change = meeting_change(seen, &meeting, occurrence.sequence);
                let done = self.writer.record_meeting(
                    &occurrence.key,
                    occurrence.sequence,
                    &meeting,
                    seen,
                    change,
                    self.now,
                )?;
                // Only what changed in the record: a declined invitation is not a cancellation,
                // and takes a step away only when it was the booked one.
                let summary = &mut self.summary;
                match change {
                    MeetingChange::None => summary.already_imported += 1,
                    MeetingChange::Book => summary.meetings_booked += 1,
                    MeetingChange::Hold => summary.meetings_held += 1,
                    MeetingChange::Cancel if meeting.declined => summary.invitations_declined += 1,
                    MeetingChange::Cancel => summary.meetings_cancelled += 1,
                }
                if change == MeetingChange::Cancel {
                    summary.steps_cancelled += usize::from(done.step_removed);
                }
            }
            EventDisposition::SuggestContact {
                account,
                address,
                deal,
            } => {
                if self.writer.suggest_contact(
                    &account,
                    &address,
                    deal,
                    occurrence.start.min(self.now),
                )? {
                    self.summary.contacts_suggested += 1;
                }
            }
            EventDisposition::Skip { reason } => {
                *self.summary.not_matched.entry(reason).or_default() += 1
            }
        }
        Ok(())
    }

    /// Recurring events are expanded from a year back to half a year ahead.
    pub fn window(&self) -> Window {
        let day = 86_400;
        Window {
            from: Timestamp::from_second(self.now.as_second() - 365 * day).unwrap_or(self.now),
            to: Timestamp::from_second(self.now.as_second() + 183 * day).unwrap_or(self.now),
        }
    }

    /// Makes the import durable, with the rep's addresses given with it in its last transaction.
    pub fn complete(&mut self) -> Result<(), AppError> {
        self.remember_addresses()?;
        Ok(self.writer.commit()?)
    }

    /// Makes the import durable and says what it did.
    pub fn finish(mut self) -> Result<Summary, AppError> {
        self.complete()?;
        self.summary.seconds = self.started.elapsed().as_secs_f64();
        Ok(self.summary)
    }
}

/// What a front-end shows of an import as it runs (a progress bar on a terminal, a page's
/// progress display); `()` shows nothing.
pub trait Progress: Send {
    /// The import starts: the bytes to read, when known.
    fn start(&mut self, _total_bytes: Option<u64>) {}
    /// How far it has got: bytes read, messages read.
    fn advance(&mut self, _bytes: u64, _messages: usize) {}
    /// More messages to fetch, `items` of them, from `what` (a folder), when the size is not
    /// known in bytes.
    fn more(&mut self, _items: u64, _what: &str) {}
    /// `items` more of them fetched.
    fn step(&mut self, _items: u64) {}
    /// It is done.
    fn finish(&mut self) {}
}

impl Progress for () {}

/// Refuses an import before it changes anything (the messages, the remembered addresses)
/// when one of its paths cannot be read or holds nothing to import, naming that path: an
/// import of several paths is all or nothing.
fn check_paths(
    paths: &[PathBuf],
    check: impl Fn(&Path) -> Result<(), IngestError>,
) -> Result<(), AppError> {
    for path in paths {
        check(path).map_err(AppError::NothingImported)?;
    }
    Ok(())
}

/// What an import that failed mid-way kept: the paths read in full, and the messages of the
/// failing path recorded before the failure, with the rep's addresses given with the import
/// (they were read with them). A new import of the same paths adds none of them twice.
fn kept(done: &[String], durable_in_failing_path: usize, gave_addresses: bool) -> String {
    let failing = match durable_in_failing_path {
        0 => "nothing from the path that failed".to_string(),
        1 => "the first message read from the path that failed".to_string(),
        n => format!("the first {n} messages read from the path that failed"),
    };
    let addresses = if gave_addresses {
        ", and the addresses given as yours"
    } else {
        ""
    };
    if done.is_empty() && durable_in_failing_path == 0 {
        "the import stopped and changed nothing".into()
    } else if done.is_empty() {
        format!(
            "the import stopped; kept: {failing}{addresses} (importing again adds nothing twice)"
        )
    } else {
        format!(
            "the import stopped; kept: everything from {}, {failing}{addresses} (importing again adds nothing twice)",
            done.join(", ")
        )
    }
}

/// Imports mail files, mboxes, Maildirs and folders of them (`rekindle-ingest`), each message
/// once, at `now`, with the rep's addresses `me` (or those remembered). Two threads: a reader
/// parses and understands each message ([`read_alone`]), the importer records it, a short
/// queue between them keeping memory to a few messages. Each path is committed at its end,
/// the last one with the addresses given; a path that fails mid-way keeps what was committed
/// and the error says what (`kept`).
///
/// Errors: [`AppError::NothingImported`] when a path cannot be read or holds no mail (nothing
/// changed); [`AppError::Context`] naming the path and the message for a failure mid-way;
/// those of [`Importer::new`].
pub async fn import_mail(
    store: &Store,
    caller: &Caller,
    paths: &[PathBuf],
    me: &[String],
    now: Timestamp,
    mut progress: Box<dyn Progress>,
) -> Result<Summary, AppError> {
    check_paths(paths, |p| rekindle_ingest::check(p).map(drop))?;
    let mut importer = Importer::new(store, caller, me, now).await?;
    let total: u64 = paths.iter().map(|p| rekindle_ingest::source_bytes(p)).sum();
    progress.start(Some(total));
    let paths = paths.to_vec();
    let (importer, bytes) =
        tokio::task::spawn_blocking(move || -> Result<(Importer, u64), AppError> {
            let bytes_read = AtomicU64::new(0);
            // What is durable if a path fails mid-way: the paths read in full (each committed at
            // its end), and of the failing one, the messages read up to the last commit.
            let mut done: Vec<String> = Vec::new();
            let mut durable_in_path = 0usize;
            let gave = importer.gave_addresses();
            let mut read_all = || -> Result<(), AppError> {
                for (index, path) in paths.iter().enumerate() {
                    let read_before = importer.summary.read;
                    durable_in_path = 0;
                    let durable = &mut durable_in_path;
                    let (sender, receiver) =
                        std::sync::mpsc::sync_channel::<(Message, FirstReading)>(64);
                    let (directory, now) = importer.understanding();
                    let read = std::thread::scope(|scope| -> Result<_, AppError> {
                        let counter = &bytes_read;
                        // The sender moves to the reader: the queue ends when the reading does.
                        let reader = std::thread::Builder::new()
                            .name("mail reader".into())
                            .spawn_scoped(scope, move || {
                                // Parsed and understood here, recorded there: the work splits
                                // across both cores. A message whose headers concern no one is not
                                // decoded further.
                                let wanted = |m: &Message| directory.might_matter(m);
                                rekindle_ingest::read_filtered(path, counter, &wanted, |m| {
                                    let first = read_alone(&m, &directory, now);
                                    drop(sender.send((m, first)))
                                })
                            })
                            .map_err(|e| {
                                AppError::Internal(format!("starting the mail reader: {e}"))
                            })?;
                        for (message, first) in receiver {
                            let commits = importer.writer.commits();
                            importer.take_understood(&message, first).map_err(|e| {
                                e.context(format!(
                                    "recording {} from {}",
                                    message.key,
                                    path.display()
                                ))
                            })?;
                            if importer.writer.commits() != commits {
                                *durable = importer.summary.read - read_before;
                            }
                            if importer.summary.read % 256 == 0 {
                                progress.advance(
                                    bytes_read.load(Ordering::Relaxed),
                                    importer.summary.read,
                                );
                            }
                        }
                        reader
                            .join()
                            .map_err(|_| {
                                AppError::Internal(format!(
                                    "the reader of {} failed",
                                    path.display()
                                ))
                            })?
                            .map_err(|e| {
                                AppError::from(e).context(format!("reading {}", path.display()))
                            })
                    })?;
                    importer.skipped(read.skipped);
                    importer.summary.files_not_mail += read.not_mail;
                    if index + 1 < paths.len() {
                        importer.writer.commit()?;
                        done.push(path.display().to_string());
                    }
                }
                // The last path, the addresses given and the last batch: one transaction.
                importer.complete()?;
                Ok(())
            };
            if let Err(e) = read_all() {
                return Err(e.context(kept(&done, durable_in_path, gave)));
            }
            progress.finish();
            Ok((importer, bytes_read.load(Ordering::Relaxed)))
        })
        .await
        .map_err(|e| AppError::Internal(format!("the import: {e}")))??;
    let mut summary = importer.finish()?;
    summary.bytes = bytes;
    Ok(summary)
}

/// Imports iCalendar files (`rekindle-ingest::calendar`): each occurrence in the window
/// ([`Importer::window`]) recorded as it is read, so memory follows one event, not the file.
///
/// Errors: [`AppError::NothingImported`] when a path cannot be read (nothing changed);
/// [`AppError::Context`] naming the file and the event for a failure mid-way; those of
/// [`Importer::new`].
pub async fn import_calendar(
    store: &Store,
    caller: &Caller,
    paths: &[PathBuf],
    me: &[String],
    now: Timestamp,
) -> Result<Summary, AppError> {
    check_paths(paths, rekindle_ingest::calendar::check)?;
    let mut importer = Importer::new(store, caller, me, now).await?;
    importer.summary.calendar = true;
    let window = importer.window();
    let paths = paths.to_vec();
    let importer = tokio::task::spawn_blocking(move || -> Result<Importer, AppError> {
        for path in &paths {
            let mut failed = None;
            let read = rekindle_ingest::calendar::read_ics_each(path, window, |occurrence| {
                if failed.is_none()
                    && let Err(e) = importer.take_occurrence(&occurrence)
                {
                    failed = Some(e.context(format!(
                        "recording {} from {}",
                        occurrence.key,
                        path.display()
                    )));
                }
            })
            .map_err(|e| AppError::from(e).context(format!("reading {}", path.display())))?;
            if let Some(e) = failed {
                return Err(e);
            }
            importer.skipped(read.skipped);
        }
        Ok(importer)
    })
    .await
    .map_err(|e| AppError::Internal(format!("the import: {e}")))??;
    importer.finish()
}
