//! Captured activity being written: mail and calendar occurrences from an import or a sync,
//! each recorded once. The writer works on its own SQLite connection (rusqlite, the same
//! bundled SQLite as sqlx) in one transaction per few hundred records: an import runs at the
//! speed of the disk, not of a round trip per statement, and a crash loses at most the batch
//! in hand (a re-run takes it again; nothing is recorded twice).
//! A CRM import (`crm::CrmImport`) writes through the same writer, in the same batches.

use crate::assessments::{Stale, mark_stale_on};
use crate::mail::MailOutcome;
use crate::write::{INSERT_ACTIVITY, tone_of};
use crate::{Result, Store, StoreError};
use jiff::Timestamp;
use rekindle_core::calendar::{Meeting, MeetingChange, MeetingState, Seen};
use rekindle_core::mail::MailActivity;
use rekindle_core::{
    ActivityId, ActivityKind, ContactId, DealId, Direction, EmailAddress, Outcome,
};
use rusqlite::{OptionalExtension, params};

/// A touch as the touch queries select it (`a.deal_id, a.contact_id, a.at`): its deal, the
/// contact it went to and when it was sent.
fn touch_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(DealId, Option<ContactId>, Timestamp)> {
    Ok((
        DealId(row.get(0)?),
        row.get::<_, Option<i64>>(1)?.map(ContactId),
        Timestamp::from_second(row.get(2)?).unwrap_or_default(),
    ))
}

/// Records per transaction.
const BATCH: usize = 5000;

/// Writes captured activity. Synchronous: run it off the async runtime's threads.
pub struct CaptureWriter {
    pub(crate) conn: rusqlite::Connection,
    in_transaction: bool,
    pending: usize,
    /// When the open transaction began.
    began: std::time::Instant,
    /// Transactions committed so far.
    commits: u64,
}

/// The longest a capture transaction stays open: other commands wait for it to end.
const BATCH_TIME: std::time::Duration = std::time::Duration::from_millis(250);

/// The pause after a commit in which another writer takes its turn (they try every
/// millisecond: `Store::begin_write`, and `wait_for_writer` for another capture).
const TURN: std::time::Duration = std::time::Duration::from_millis(3);

/// SQLite's busy handler for the capture connection: tries again every millisecond for up to
/// `WRITE_WAIT` (SQLite's default handler backs off to 100 ms and misses the turns writers
/// leave each other).
fn wait_for_writer(tries: i32) -> bool {
    let limit = crate::WRITE_WAIT.as_millis();
    if u128::try_from(tries).unwrap_or(u128::MAX) >= limit {
        return false;
    }
    std::thread::sleep(std::time::Duration::from_millis(1));
    true
}

impl Store {
    /// A writer for captured activity, on its own connection to the database file.
    pub fn capture_writer(&self) -> Result<CaptureWriter> {
        let path = self.path.as_ref().ok_or_else(|| StoreError::NotFound {
            what: "database file",
            key: "(capture needs a database on disk)".into(),
        })?;
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_handler(Some(wait_for_writer))?;
        // A larger page cache than the default 2 MiB: message-id and key indexes take inserts
        // all over, and a batch touches many of their pages.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
        )?;
        Ok(CaptureWriter {
            conn,
            in_transaction: false,
            pending: 0,
            began: std::time::Instant::now(),
            commits: 0,
        })
    }
}

impl CaptureWriter {
    pub(crate) fn begin(&mut self) -> Result<()> {
        if !self.in_transaction {
            failpoint!("capture.begin");
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.in_transaction = true;
            self.began = std::time::Instant::now();
        }
        Ok(())
    }

    pub(crate) fn counted(&mut self) -> Result<()> {
        self.pending += 1;
        Ok(())
    }

    /// Marks the end of one whole unit of capture (a message with the reading of it, a calendar
    /// occurrence): the batch is committed here when it is full or has been open long enough,
    /// never inside a unit, so a message is never kept without what it changes.
    pub fn boundary(&mut self) -> Result<()> {
        self.boundary_sealed(|_| Ok(()))
    }

    /// `boundary`, with `seal` run in the batch's transaction just before it commits (a CRM
    /// import outdates the assessment read model there).
    pub(crate) fn boundary_sealed(
        &mut self,
        seal: impl FnOnce(&rusqlite::Connection) -> Result<()>,
    ) -> Result<()> {
        if self.in_transaction && (self.pending >= BATCH || self.began.elapsed() >= BATCH_TIME) {
            seal(&self.conn)?;
            self.commit()?;
            // Another command waiting to write gets its turn here.
            std::thread::sleep(TURN);
        }
        Ok(())
    }

    /// Drops everything written since the last commit.
    pub(crate) fn rollback(&mut self) -> Result<()> {
        if self.in_transaction {
            self.in_transaction = false;
            self.conn.execute_batch("ROLLBACK")?;
        }
        self.pending = 0;
        Ok(())
    }

    /// Makes everything written so far durable.
    pub fn commit(&mut self) -> Result<()> {
        if self.in_transaction {
            failpoint!("capture.commit");
            self.conn.execute_batch("COMMIT")?;
            self.in_transaction = false;
            self.commits += 1;
        }
        self.pending = 0;
        Ok(())
    }

    /// How many transactions this writer has committed: when it grows, everything recorded
    /// before is durable.
    pub fn commits(&self) -> u64 {
        self.commits
    }

    /// The deal of the first earlier message among `message_ids` (In-Reply-To, then References,
    /// newest first).
    pub fn thread_deal(&mut self, message_ids: &[String]) -> Result<Option<DealId>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT deal_id FROM mail_messages WHERE message_id = ?1 AND deal_id IS NOT NULL",
        )?;
        for id in message_ids.iter().take(50) {
            let deal: Option<i64> = statement.query_row([id], |row| row.get(0)).optional()?;
            if let Some(deal) = deal {
                return Ok(Some(DealId(deal)));
            }
        }
        Ok(None)
    }

    /// The deal of the latest recorded message whose normalised subject is `subject_key`.
    pub fn subject_deal(&mut self, subject_key: &str) -> Result<Option<DealId>> {
        let deal: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT deal_id FROM mail_messages WHERE subject_key = ?1 AND deal_id IS NOT NULL
                 ORDER BY rowid DESC LIMIT 1",
            )?
            .query_row([subject_key], |row| row.get(0))
            .optional()?;
        Ok(deal.map(DealId))
    }

    /// The rep's outbound message among `message_ids` (In-Reply-To, then References newest
    /// first): its deal, the contact it went to and when it was sent.
    pub fn thread_touch(
        &mut self,
        message_ids: &[String],
    ) -> Result<Option<(DealId, Option<ContactId>, Timestamp)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT a.deal_id, a.contact_id, a.at FROM mail_messages m
             JOIN activities a ON a.id = m.activity_id
             WHERE m.message_id = ?1 AND a.direction = 'outbound'",
        )?;
        for id in message_ids.iter().take(50) {
            if let Some(touch) = statement.query_row([id], touch_row).optional()? {
                return Ok(Some(touch));
            }
        }
        Ok(None)
    }

    /// The Message-IDs of every recorded outbound message (the rep's touches).
    pub fn touch_message_ids(&mut self) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT m.message_id FROM mail_messages m
             JOIN activities a ON a.id = m.activity_id
             WHERE a.direction = 'outbound' AND m.message_id IS NOT NULL",
        )?;
        let ids = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(ids)
    }

    /// The rep's latest outbound message whose normalised subject is `subject_key`: its deal,
    /// the contact it went to and when it was sent.
    pub fn subject_touch(
        &mut self,
        subject_key: &str,
    ) -> Result<Option<(DealId, Option<ContactId>, Timestamp)>> {
        let touch = self
            .conn
            .prepare_cached(
                "SELECT a.deal_id, a.contact_id, a.at FROM mail_messages m
                 JOIN activities a ON a.id = m.activity_id
                 WHERE m.subject_key = ?1 AND a.direction = 'outbound'
                 ORDER BY m.rowid DESC LIMIT 1",
            )?
            .query_row([subject_key], touch_row)
            .optional()?;
        Ok(touch)
    }

    /// The rep's earliest touch on a deal (an outbound call, message or meeting; notes are
    /// not touches), as recorded so far. Read through the index of outbound activities alone:
    /// SQLite's planner would otherwise walk every activity of the deal, once per reply an
    /// import records (quadratic over a long conversation with no touch in it).
    pub fn first_touch(&mut self, deal: DealId) -> Result<Option<Timestamp>> {
        let at: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT MIN(at) FROM activities INDEXED BY activities_outbound
                 WHERE deal_id = ?1 AND direction = 'outbound' AND kind <> 'note'",
            )?
            .query_row([deal.0], |row| row.get(0))?;
        Ok(at.and_then(|s| Timestamp::from_second(s).ok()))
    }

    /// Records a message and the activity it adds, once: a message already imported adds
    /// nothing. A bounce marks the failed addresses with its time (the latest bounce counts:
    /// `Store::is_bounced` weighs it against later engagement).
    pub fn record(
        &mut self,
        key: &str,
        message_id: Option<&str>,
        subject_key: Option<&str>,
        subject: Option<&str>,
        activity: &MailActivity,
        now: Timestamp,
    ) -> Result<MailOutcome> {
        self.begin()?;
        let claimed = self
            .conn
            .prepare_cached(
                "INSERT INTO mail_messages (key, message_id, deal_id, imported_at, subject_key)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) DO NOTHING",
            )?
            .execute(params![
                key,
                message_id,
                activity.deal.0,
                now.as_second(),
                subject_key
            ])?;
        if claimed == 0 {
            return Ok(MailOutcome::AlreadyImported);
        }
        let summary = match activity.returns_on {
            Some(back) => format!("auto-reply: back on {back}"),
            None => activity.summary.clone(),
        };
        let id = self.insert_activity(
            activity.deal,
            ActivityKind::Email,
            activity.direction,
            activity.at,
            activity.outcome,
            activity.contact.map(|c| c.0),
            &summary,
            subject,
            activity.body.as_deref(),
            activity.returns_on.map(|d| d.to_string()),
        )?;
        self.conn
            .prepare_cached("UPDATE mail_messages SET activity_id = ?1 WHERE key = ?2")?
            .execute(params![id, key])?;
        // A bounce naming several contacts: each one's record says their mail bounced.
        for (deal, contact) in &activity.also_bounced {
            self.insert_activity(
                *deal,
                ActivityKind::Email,
                Direction::Inbound,
                activity.at,
                Outcome::Bounced,
                Some(contact.0),
                &summary,
                subject,
                None,
                None,
            )?;
        }
        for address in &activity.bounced {
            self.conn
                .prepare_cached(
                    "UPDATE contact_emails SET bounced_at = ?1
                     WHERE email = ?2 AND (bounced_at IS NULL OR bounced_at < ?1)",
                )?
                .execute(params![activity.at.as_second(), address.as_str()])?;
            mark_stale_on(&self.conn, Stale::Address(address.as_str()))?;
        }
        self.counted()?;
        Ok(MailOutcome::Added(ActivityId(id)))
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_activity(
        &mut self,
        deal: DealId,
        kind: ActivityKind,
        direction: Direction,
        at: Timestamp,
        outcome: Outcome,
        contact: Option<i64>,
        summary: &str,
        subject: Option<&str>,
        body: Option<&str>,
        returns_on: Option<String>,
    ) -> Result<i64> {
        let (tone, fingerprint) = tone_of(direction, body);
        mark_stale_on(&self.conn, Stale::Deal(deal))?;
        Ok(self.conn.prepare_cached(INSERT_ACTIVITY)?.query_row(
            params![
                deal.0,
                kind.as_str(),
                direction.as_str(),
                at.as_second(),
                outcome.as_str(),
                contact,
                summary,
                body,
                None::<String>,
                tone.findings as i64,
                tone.first_phrase,
                fingerprint,
                returns_on,
                subject,
            ],
            |row| row.get(0),
        )?)
    }

    /// Logs an activity the rep gives by hand in the writer's transaction, so what follows from
    /// it (the reading of a reply) commits with it. The deal must exist.
    pub fn log_activity(
        &mut self,
        deal: DealId,
        a: crate::write::NewActivity,
    ) -> Result<ActivityId> {
        self.begin()?;
        let exists = self
            .conn
            .prepare_cached("SELECT 1 FROM deals WHERE id = ?1")?
            .query_row(params![deal.0], |_| Ok(()))
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                what: "deal",
                key: deal.to_string(),
            });
        }
        mark_stale_on(&self.conn, Stale::Deal(deal))?;
        let id = insert_activity_on(&self.conn, deal, &a)?;
        self.counted()?;
        Ok(ActivityId(id))
    }

    /// Notes someone new writing from a known account; false when they were suggested before.
    pub fn suggest_contact(
        &mut self,
        account: &str,
        address: &EmailAddress,
        deal: Option<DealId>,
        at: Timestamp,
    ) -> Result<bool> {
        self.begin()?;
        let done = self
            .conn
            .prepare_cached(
                "INSERT INTO contact_suggestions (address, account_id, deal_id, first_seen, messages)
                 SELECT ?1, id, ?2, ?3, 1 FROM accounts WHERE name = ?4
                 ON CONFLICT (address) DO NOTHING",
            )?
            .execute(params![
                address.as_str(),
                deal.map(|d| d.0),
                at.as_second(),
                account
            ])?;
        self.counted()?;
        Ok(done > 0)
    }

    /// Suggests `address` as a contact at `deal`'s account (the successor a permanent
    /// auto-reply names); false when it is a contact already, was suggested before, or the
    /// deal is unknown.
    pub fn suggest_contact_on_deal(
        &mut self,
        deal: DealId,
        address: &EmailAddress,
        at: Timestamp,
    ) -> Result<bool> {
        self.begin()?;
        let done = self
            .conn
            .prepare_cached(
                "INSERT INTO contact_suggestions (address, account_id, deal_id, first_seen, messages)
                 SELECT ?1, account_id, id, ?3, 1 FROM deals WHERE id = ?2
                     AND NOT EXISTS (SELECT 1 FROM contact_emails WHERE email = ?1)
                 ON CONFLICT (address) DO NOTHING",
            )?
            .execute(params![address.as_str(), deal.0, at.as_second()])?;
        self.counted()?;
        Ok(done > 0)
    }

    /// Keeps the new address an address-change notice gave beside the address it retired
    /// (`blocked_addresses` with the reason `moved to another address`), for the
    /// reachability rule to offer as the way to write to the person again. Nothing happens
    /// when `retired` is not retired.
    pub fn note_moved_to(&mut self, retired: &str, to: &EmailAddress) -> Result<()> {
        self.begin()?;
        self.conn
            .prepare_cached(
                "UPDATE blocked_addresses SET moved_to = ?2
                 WHERE address = ?1 AND reason = 'moved to another address'",
            )?
            .execute(params![retired, to.as_str()])?;
        mark_stale_on(&self.conn, Stale::Address(retired))?;
        self.counted()?;
        Ok(())
    }

    /// Moves a synced folder's position forward with the messages before it, in the same
    /// transaction: the position never runs ahead of the record.
    pub fn set_folder_position(
        &mut self,
        account: &str,
        folder: &str,
        (uid_validity, last_uid): (u32, u32),
        now: Timestamp,
    ) -> Result<()> {
        self.begin()?;
        self.conn
            .prepare_cached(
                "INSERT INTO mail_folders (account, folder, uid_validity, last_uid, synced_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account, folder) DO UPDATE SET uid_validity = excluded.uid_validity,
                     last_uid = excluded.last_uid, synced_at = excluded.synced_at",
            )?
            .execute(params![
                account,
                folder,
                i64::from(uid_validity),
                i64::from(last_uid),
                now.as_second()
            ])?;
        Ok(())
    }

    /// What the record made of a calendar occurrence at the last import.
    pub fn meeting_seen(&mut self, key: &str) -> Result<Option<Seen>> {
        let row: Option<(i64, String, i64)> = self
            .conn
            .prepare_cached("SELECT sequence, state, start_at FROM calendar_events WHERE key = ?1")?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((sequence, state, start)) = row else {
            return Ok(None);
        };
        let corrupt = |detail: String| StoreError::Corrupt {
            table: "calendar_events",
            id: 0,
            detail,
        };
        Ok(Some(Seen {
            sequence,
            state: MeetingState::parse(&state).ok_or_else(|| corrupt(format!("state {state}")))?,
            start: Timestamp::from_second(start).map_err(|e| corrupt(e.to_string()))?,
        }))
    }

    /// Applies what a calendar occurrence changes: the deal's booked next step set or moved,
    /// a meeting held or cancelled recorded (and the booked step it was taken away), and the
    /// occurrence remembered with its version.
    pub fn record_meeting(
        &mut self,
        key: &str,
        sequence: i64,
        meeting: &Meeting,
        before: Option<Seen>,
        change: MeetingChange,
        now: Timestamp,
    ) -> Result<MeetingRecorded> {
        let mut done = MeetingRecorded::default();
        if change == MeetingChange::None {
            return Ok(done);
        }
        self.begin()?;
        let what = if meeting.summary.is_empty() {
            "Meeting".to_string()
        } else {
            format!("Meeting: {}", meeting.summary)
        };
        // Remembered first: a step put back in place of this one never picks this one again.
        self.conn
            .prepare_cached(
                "INSERT INTO calendar_events (key, sequence, state, start_at, step, deal_id, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (key) DO UPDATE SET sequence = excluded.sequence, state = excluded.state,
                     start_at = excluded.start_at, step = excluded.step, deal_id = excluded.deal_id,
                     imported_at = excluded.imported_at",
            )?
            .execute(params![
                key,
                sequence,
                meeting.state.as_str(),
                meeting.start.as_second(),
                what,
                meeting.deal.0,
                now.as_second()
            ])?;
        let contact = Some(meeting.contact.0);
        mark_stale_on(&self.conn, Stale::Deal(meeting.deal))?;
        match change {
            MeetingChange::None => {}
            MeetingChange::Book => {
                // The earliest meeting ahead is the next step: a later one does not displace
                // it, nor a step set by hand that is due before this meeting.
                self.conn
                    .prepare_cached(
                        "INSERT INTO next_steps (deal_id, what, due, booked, set_at) VALUES (?1, ?2, ?3, 1, ?4)
                         ON CONFLICT (deal_id) DO UPDATE SET what = excluded.what, due = excluded.due, booked = 1, set_at = excluded.set_at
                         WHERE (next_steps.what = excluded.what AND next_steps.due = ?5) OR next_steps.due IS NULL
                            OR next_steps.due < excluded.set_at OR excluded.due < next_steps.due",
                    )?
                    .execute(params![
                        meeting.deal.0,
                        what,
                        meeting.start.as_second(),
                        now.as_second(),
                        before.map(|b| b.start.as_second())
                    ])?;
            }
            MeetingChange::Hold => {
                self.insert_activity(
                    meeting.deal,
                    ActivityKind::Meeting,
                    Direction::Outbound,
                    meeting.start,
                    Outcome::MeetingHeld,
                    contact,
                    &what,
                    None,
                    None,
                    None,
                )?;
                done.step_removed = self.clear_step(meeting, before, &what, now)?;
            }
            MeetingChange::Cancel => {
                // Cancelled ahead of time: known now; cancelled in the past: by its start.
                self.insert_activity(
                    meeting.deal,
                    ActivityKind::Meeting,
                    Direction::Inbound,
                    meeting.start.min(now),
                    Outcome::Cancelled,
                    contact,
                    &what,
                    None,
                    None,
                    None,
                )?;
                done.step_removed = self.clear_step(meeting, before, &what, now)?;
            }
        }
        self.counted()?;
        Ok(done)
    }

    /// Takes away the booked step a meeting was (once held or cancelled), if the deal still
    /// has it - at its start now, or where the version seen before had it (moved, then
    /// cancelled or declined) - and puts the deal's next meeting ahead in its place. Whether a
    /// step was taken away.
    fn clear_step(
        &mut self,
        meeting: &Meeting,
        before: Option<Seen>,
        what: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let start = meeting.start.as_second();
        let cleared = self
            .conn
            .prepare_cached(
                "DELETE FROM next_steps WHERE deal_id = ?1 AND booked = 1 AND what = ?2 AND due IN (?3, ?4)",
            )?
            .execute(params![
                meeting.deal.0,
                what,
                start,
                before.map_or(start, |b| b.start.as_second())
            ])?;
        if cleared > 0 {
            self.conn
                .prepare_cached(
                    "INSERT INTO next_steps (deal_id, what, due, booked, set_at)
                     SELECT deal_id, step, start_at, 1, ?2 FROM calendar_events
                     WHERE deal_id = ?1 AND state = 'booked' AND start_at > ?2
                     ORDER BY start_at LIMIT 1
                     ON CONFLICT (deal_id) DO NOTHING",
                )?
                .execute(params![meeting.deal.0, now.as_second()])?;
        }
        Ok(cleared > 0)
    }
}

/// Inserts an activity given whole (`INSERT_ACTIVITY`, the one way an activity row is
/// written), with the tone mark and fingerprint of an outbound message, giving its id. The
/// caller marks what it outdates in the assessment read model.
pub(crate) fn insert_activity_on(
    conn: &rusqlite::Connection,
    deal: DealId,
    a: &crate::write::NewActivity,
) -> Result<i64> {
    let (tone, fingerprint) = tone_of(a.direction, a.body.as_deref());
    Ok(conn.prepare_cached(INSERT_ACTIVITY)?.query_row(
        params![
            deal.0,
            a.kind.as_str(),
            a.direction.as_str(),
            a.at.as_second(),
            a.outcome.map(|o| o.as_str()),
            a.contact.map(|c| c.0),
            a.summary,
            a.body,
            a.play.map(|p| p.as_str()),
            tone.findings as i64,
            tone.first_phrase,
            fingerprint,
            a.returns_on.map(|d| d.to_string()),
            a.subject,
        ],
        |row| row.get(0),
    )?)
}

/// What recording a meeting changed in the deal's record, for the import's summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MeetingRecorded {
    /// The booked step this meeting was is gone (held, cancelled or declined).
    pub step_removed: bool,
}

impl Drop for CaptureWriter {
    fn drop(&mut self) {
        // What was not committed is rolled back: the batch in hand is taken again next time.
        if self.in_transaction {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
