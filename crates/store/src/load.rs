//! Reading deal records. The database builds each deal, with its children, as one JSON array:
//! one row a deal, whatever its history. The whole pipeline is read on our own threads with
//! rusqlite (the same bundled SQLite as sqlx): sqlx hands every row from its SQLite thread to
//! the runtime, and on two cores those wake-ups cost as much as the reading (BENCHMARKS.md).

use crate::{Result, Store, StoreError};
use rekindle_core::*;
use serde::Deserialize;
use sqlx::Row;
use std::path::PathBuf;
use std::sync::Arc;

/// Which deals to load.
#[derive(Clone, Copy, Debug, Default)]
pub enum Scope {
    /// Every deal, every status (closed deals teach the norms too).
    #[default]
    All,
    /// One deal.
    Deal(DealId),
    /// Every deal of the account a deal belongs to: what that deal's contacts' history is on.
    AccountOf(DealId),
}

/// Which deals to load, and how much of them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filter {
    pub scope: Scope,
    /// Include summaries, and the bodies of outbound messages up to `MAX_BODY_BYTES` characters
    /// (for `show`, drafts and the tone check; the scan needs neither).
    pub with_text: bool,
}

/// One deal as a JSON array: `[[scalars], contacts, facts, commitments, next_step, activities,
/// stages, close_dates, contract, features]`. The parts are joined as text, so SQLite never
/// re-parses the JSON it built.
fn deal_json(with_text: bool) -> String {
    // Of the bodies, the engine reads only outbound messages' (the tone check compares a new
    // message with the previous touch), and a body stored before MAX_BODY_BYTES existed is read
    // up to it: a deal with huge stored bodies loads in bounded memory.
    let (text, text_columns) = if with_text {
        (
            "a.summary, a.body, a.subject",
            format!(
                ", summary, subject, CASE WHEN direction = 'outbound' AND kind <> 'note'
                                 THEN substr(body, 1, {MAX_BODY_BYTES}) END AS body"
            ),
        )
    } else {
        ("'', NULL, NULL", String::new())
    };
    format!(
        "'[' || json_array(d.id, d.title, ac.name, ac.domain, d.owner, d.stage, d.amount_cents, d.currency,
                           d.expected_close, d.status, d.created_at, d.lost_reason, d.lost_note, d.lost_at,
                           d.resurface_on, d.account_id)
         || ',' || (SELECT json_group_array(json_array(c.id, c.name, c.title, c.role,
                        c.do_not_contact OR EXISTS (SELECT 1 FROM blocked_addresses b WHERE b.address = e.email AND b.reason = 'asked to stop'),
                        e.email,
                        CASE WHEN e.bounced_at IS NULL THEN 0 ELSE NOT EXISTS (
                          SELECT 1 FROM activities a
                          WHERE a.contact_id = e.contact_id AND a.at > e.bounced_at AND a.kind <> 'note'
                            AND ((a.direction = 'inbound' AND (a.outcome IS NULL OR a.outcome NOT IN
                                   ('auto_reply', 'bounced', 'no_show', 'cancelled')))
                              OR (a.direction = 'outbound'
                                  AND a.outcome IN ('connected', 'meeting_held', 'replied')))) END,
                        EXISTS (SELECT 1 FROM blocked_addresses b WHERE b.address = e.email AND b.reason = 'moved to another address'),
                        (SELECT b.moved_to FROM blocked_addresses b WHERE b.address = e.email AND b.reason = 'moved to another address')))
                    FROM contacts c LEFT JOIN contact_emails e ON e.contact_id = c.id
                    WHERE c.account_id = d.account_id)
         || ',' || (SELECT json_group_array(json_array(f.id, f.kind, f.text, f.source, f.said_at, f.contact_id))
                    FROM facts f WHERE f.deal_id = d.id)
         || ',' || (SELECT json_group_array(json_array(k.id, k.party, k.what, k.due, k.status, k.source, k.made_at))
                    FROM commitments k WHERE k.deal_id = d.id)
         || ',' || ifnull((SELECT json_array(n.what, n.due, n.booked, n.set_at) FROM next_steps n WHERE n.deal_id = d.id), 'null')
         || ',' || (SELECT json_group_array(json_array(a.id, a.kind, a.direction, a.at, a.outcome, a.contact_id, {text},
                        a.play, a.tone_findings, a.tone_phrase, a.body_fingerprint, a.returns_on))
                    FROM (SELECT id, kind, direction, at, outcome, contact_id, play, tone_findings, tone_phrase,
                                 body_fingerprint, returns_on{text_columns}
                          FROM activities WHERE deal_id = d.id ORDER BY at, id) a)
         || ',' || (SELECT json_group_array(json_array(s.stage, s.at))
                    FROM (SELECT * FROM stage_changes WHERE deal_id = d.id ORDER BY at, id) s)
         || ',' || (SELECT json_group_array(json_array(x.from_date, x.to_date, x.at))
                    FROM (SELECT * FROM close_date_changes WHERE deal_id = d.id ORDER BY at, id) x)
         || ',' || ifnull((SELECT json_array(t.vendor, t.ends_on, t.notice_days) FROM contracts t WHERE t.deal_id = d.id), 'null')
         || ',' || (SELECT json_group_array(json_array(nf.feature, nf.why)) FROM needed_features nf WHERE nf.deal_id = d.id)
         || ']'"
    )
}

/// The deals of a scope, one JSON text a deal, in account then id order. `?1`/`?2` are the
/// deal id, or the first and last account id of a range.
fn select_sql(filter: &Filter) -> String {
    let deal = deal_json(filter.with_text);
    let condition = match filter.scope {
        Scope::All => "d.account_id BETWEEN ?1 AND ?2",
        Scope::Deal(_) => "d.id = ?1",
        Scope::AccountOf(_) => "d.account_id = (SELECT account_id FROM deals WHERE id = ?1)",
    };
    format!(
        "SELECT {deal} FROM deals d JOIN accounts ac ON ac.id = d.account_id
         WHERE {condition}
         ORDER BY d.account_id, d.id"
    )
}

type Scalars = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
);
/// One row a contact and address (a contact with several addresses comes once for each).
/// The last three fields: mail to this address bounced since the contact last engaged, on
/// any deal; the person retired this address for another; the new address that notice gave.
type ContactRow = (
    i64,
    String,
    Option<String>,
    Option<Role>,
    i64,
    Option<String>,
    i64,
    i64,
    Option<String>,
);
type FactRow = (i64, FactKind, String, String, i64, Option<i64>);
type CommitmentRow = (i64, Party, String, i64, CommitmentStatus, String, i64);
type NextStepRow = (String, Option<i64>, i64, i64);
type ActivityRow = (
    i64,
    ActivityKind,
    Direction,
    i64,
    Option<Outcome>,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<PlayKind>,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
);

/// A deal as the database wrote it.
#[derive(Deserialize)]
struct DealRow(
    Scalars,
    Vec<ContactRow>,
    Vec<FactRow>,
    Vec<CommitmentRow>,
    Option<NextStepRow>,
    Vec<ActivityRow>,
    Vec<(String, i64)>,
    Vec<(Option<String>, String, i64)>,
    Option<(String, String, i64)>,
    Vec<(String, Option<String>)>,
);

fn ts(seconds: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn date(text: Option<String>, table: &'static str, id: i64) -> Result<Option<jiff::civil::Date>> {
    text.map(|t| {
        time::parse_date("date", &t).map_err(|e| StoreError::Corrupt {
            table,
            id,
            detail: e.to_string(),
        })
    })
    .transpose()
}

/// Folds the contact-and-address rows into contacts, keeping their order. A contact is
/// do-not-contact when marked so or when one of their addresses asked to stop
/// (`blocked_addresses` with the reason `asked to stop`; an address the person retired for
/// another, `moved to another address`, leaves them reachable at their other addresses and is
/// listed in `Contact::retired`, with the new address the notice gave in `Contact::moved_to`),
/// the rule the send-time check applies; their mail bounced when mail to their first address
/// did since they last engaged, on any deal (`Store::is_bounced`).
fn merge_contacts(rows: Vec<ContactRow>) -> Vec<Contact> {
    let mut contacts: Vec<Contact> = Vec::new();
    for (cid, name, title, role, dnc, email, bounced, retired, moved_to) in rows {
        let email = email.and_then(|e| EmailAddress::parse(&e).ok());
        let moved_to = moved_to.and_then(|e| EmailAddress::parse(&e).ok());
        let retired: Vec<EmailAddress> = email.iter().filter(|_| retired != 0).cloned().collect();
        match contacts.iter_mut().find(|c| c.id.0 == cid) {
            Some(c) => {
                c.emails.extend(email);
                c.retired.extend(retired);
                c.moved_to = c.moved_to.take().or(moved_to);
                // Do-not-contact when any of their addresses asked to stop.
                c.do_not_contact |= dnc != 0;
            }
            None => contacts.push(Contact {
                id: ContactId(cid),
                name,
                emails: email.into_iter().collect(),
                title,
                role,
                do_not_contact: dnc != 0,
                // Their first address is the one drafts write to.
                mail_bounced: bounced != 0,
                retired,
                moved_to,
            }),
        }
    }
    contacts
}

/// Parses one deal's JSON, returning it with the id of its account.
fn decode(text: &str) -> Result<(i64, DealRecord)> {
    let row: DealRow = serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        table: "deals",
        id: 0,
        detail: e.to_string(),
    })?;
    into_record(row)
}

fn into_record(row: DealRow) -> Result<(i64, DealRecord)> {
    let DealRow(
        scalars,
        contacts,
        facts,
        commitments,
        next_step,
        activities,
        stages,
        close_dates,
        contract,
        features,
    ) = row;
    let (
        id,
        title,
        account,
        domain,
        owner,
        stage,
        cents,
        currency,
        expected_close,
        status,
        created_at,
        lost_reason,
        lost_note,
        lost_at,
        resurface_on,
        account_id,
    ) = scalars;
    let bad = |e: ParseError| StoreError::Corrupt {
        table: "deals",
        id,
        detail: e.to_string(),
    };
    let loss = match lost_reason {
        Some(r) => Some(Loss {
            reason: LostReason::parse(&r).map_err(bad)?,
            note: lost_note,
            at: ts(lost_at.unwrap_or(0)),
        }),
        None => None,
    };
    let deal = Deal {
        id: DealId(id),
        title,
        account: Account {
            name: account,
            domain,
        },
        owner,
        stage,
        amount: Money::new(cents, Currency::parse(&currency).map_err(bad)?),
        expected_close: date(expected_close, "deals", id)?,
        status: DealStatus::parse(&status).map_err(bad)?,
        created_at: ts(created_at),
        loss,
        resurface_on: date(resurface_on, "deals", id)?,
    };
    let record = DealRecord {
        deal,
        contacts: merge_contacts(contacts),
        facts: facts
            .into_iter()
            .map(|(fid, kind, text, source, said_at, contact)| Fact {
                id: FactId(fid),
                kind,
                text,
                source,
                said_at: ts(said_at),
                contact: contact.map(ContactId),
            })
            .collect(),
        commitments: commitments
            .into_iter()
            .map(
                |(kid, party, what, due, status, source, made_at)| Commitment {
                    id: CommitmentId(kid),
                    party,
                    what,
                    due: ts(due),
                    status,
                    source,
                    made_at: ts(made_at),
                },
            )
            .collect(),
        next_step: next_step.map(|(what, due, booked, set_at)| NextStep {
            what,
            due: due.map(ts),
            booked: booked != 0,
            set_at: ts(set_at),
        }),
        activities: activities
            .into_iter()
            .map(
                |(
                    aid,
                    kind,
                    direction,
                    at,
                    outcome,
                    contact,
                    summary,
                    body,
                    subject,
                    play,
                    findings,
                    phrase,
                    fp,
                    back,
                )|
                 -> Result<Activity> {
                    Ok(Activity {
                        id: ActivityId(aid),
                        kind,
                        direction,
                        at: ts(at),
                        outcome,
                        contact: contact.map(ContactId),
                        summary,
                        subject,
                        body,
                        play,
                        tone: ToneMark {
                            findings: findings.clamp(0, u16::MAX as i64) as u16,
                            first_phrase: phrase,
                        },
                        body_fingerprint: fp.map(|f| f as u64),
                        returns_on: date(back, "activities", id)?,
                    })
                },
            )
            .collect::<Result<_>>()?,
        stage_history: stages
            .into_iter()
            .map(|(stage, at)| StageChange { stage, at: ts(at) })
            .collect(),
        close_date_history: close_dates
            .into_iter()
            .map(|(from, to, at)| {
                Ok(CloseDateChange {
                    from: date(from, "close_date_changes", id)?,
                    to: date(Some(to), "close_date_changes", id)?.unwrap_or_default(),
                    at: ts(at),
                })
            })
            .collect::<Result<_>>()?,
        contract: contract
            .map(|(vendor, ends_on, notice_days)| -> Result<Contract> {
                Ok(Contract {
                    vendor,
                    ends_on: date(Some(ends_on), "contracts", id)?.unwrap_or_default(),
                    notice_days,
                })
            })
            .transpose()?,
        needed_features: features
            .into_iter()
            .map(|(feature, why)| NeededFeature { feature, why })
            .collect(),
    };
    Ok((account_id, record))
}

/// Work applied to each account's deals as they arrive.
pub type AccountWork<T> = Arc<dyn Fn(Vec<DealRecord>) -> T + Send + Sync>;

/// Readers working at once (measured in BENCHMARKS.md: two on two cores).
const READERS: i64 = 2;

fn read_error(e: rusqlite::Error) -> StoreError {
    StoreError::Corrupt {
        table: "deals",
        id: 0,
        detail: format!("reading: {e}"),
    }
}

/// Takes chunks of account ids from `next` until past `high`, reads each chunk's deals and
/// applies `work` to each account's deals. Returns each chunk's results with its first id.
fn read_ranges<T>(
    path: &PathBuf,
    sql: &str,
    next: &std::sync::atomic::AtomicI64,
    chunk: i64,
    high: i64,
    work: &AccountWork<T>,
) -> Result<Vec<(i64, Vec<T>)>> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(read_error)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(read_error)?;
    let mut statement = conn.prepare(sql).map_err(read_error)?;
    let mut chunks = Vec::new();
    loop {
        let first = next.fetch_add(chunk, std::sync::atomic::Ordering::Relaxed);
        if first > high {
            return Ok(chunks);
        }
        let mut rows = statement
            .query([first, first + chunk - 1])
            .map_err(read_error)?;
        let mut out = Vec::new();
        let mut group: Vec<DealRecord> = Vec::new();
        let mut group_account = None;
        while let Some(row) = rows.next().map_err(read_error)? {
            let text = row
                .get_ref(0)
                .and_then(|v| v.as_str().map_err(Into::into))
                .map_err(read_error)?;
            let (account, record) = decode(text)?;
            if group_account != Some(account) && !group.is_empty() {
                out.push(work(std::mem::take(&mut group)));
            }
            group_account = Some(account);
            group.push(record);
        }
        if !group.is_empty() {
            out.push(work(group));
        }
        chunks.push((first, out));
    }
}

impl Store {
    /// Loads the deals the filter selects, in account order, then id order.
    pub async fn load(&self, filter: Filter) -> Result<Vec<DealRecord>> {
        match filter.scope {
            Scope::All => Ok(self
                .map_accounts(filter.with_text, Arc::new(|group| group))
                .await?
                .into_iter()
                .flatten()
                .collect()),
            Scope::Deal(id) | Scope::AccountOf(id) => {
                let sql = select_sql(&filter);
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(id.0)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| Ok(decode(&row.try_get::<String, _>(0)?)?.1))
                    .collect()
            }
        }
    }

    /// Reads every deal, account by account, and applies `work` to each account's deals as
    /// soon as they are decoded, so a whole pipeline is never held at once. Account-id ranges
    /// are read in parallel, each on its own thread and connection, and `work` runs there.
    /// Results come back in account order.
    pub async fn map_accounts<T: Send + 'static>(
        &self,
        with_text: bool,
        work: AccountWork<T>,
    ) -> Result<Vec<T>> {
        let sql = select_sql(&Filter {
            scope: Scope::All,
            with_text,
        });
        let bounds = sqlx::query("SELECT CAST(COALESCE(MIN(id), 0) AS BIGINT), CAST(COALESCE(MAX(id), -1) AS BIGINT) FROM accounts").fetch_one(&self.pool).await?;
        let (low, high): (i64, i64) = (bounds.try_get(0)?, bounds.try_get(1)?);
        let Some(path) = self.path.clone() else {
            // An in-memory database is only reachable through the pool.
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(low)
                .bind(high)
                .fetch_all(&self.pool)
                .await?;
            let mut groups: Vec<Vec<DealRecord>> = Vec::new();
            let mut last = None;
            for row in &rows {
                let (account, record) = decode(&row.try_get::<String, _>(0)?)?;
                if last != Some(account) {
                    groups.push(Vec::new());
                    last = Some(account);
                }
                groups.last_mut().expect("pushed above").push(record);
            }
            return Ok(groups.into_iter().map(|g| work(g)).collect());
        };
        // Readers take chunks of accounts from a shared counter, so neither sits idle while
        // the other still has work.
        let chunk = ((high - low + 1) / (READERS * 16)).max(64);
        let next = Arc::new(std::sync::atomic::AtomicI64::new(low));
        let mut tasks = Vec::new();
        for _ in 0..READERS {
            let (path, sql, work, next) = (path.clone(), sql.clone(), work.clone(), next.clone());
            tasks.push(tokio::task::spawn_blocking(move || {
                read_ranges(&path, &sql, &next, chunk, high, &work)
            }));
        }
        let mut done: Vec<(i64, Vec<T>)> = Vec::new();
        for task in tasks {
            done.extend(task.await.map_err(|e| StoreError::Corrupt {
                table: "deals",
                id: 0,
                detail: format!("reader stopped: {e}"),
            })??);
        }
        done.sort_by_key(|(first, _)| *first);
        Ok(done.into_iter().flat_map(|(_, results)| results).collect())
    }

    /// Every deal's stage history, oldest move first: all the team's stage norms need.
    pub async fn stage_histories(&self) -> Result<Vec<Vec<StageChange>>> {
        let row = sqlx::query(
            "SELECT '[' || group_concat(h, ',') || ']' FROM (
                 SELECT json_group_array(json_array(s.stage, s.at)) AS h
                 FROM (SELECT deal_id, stage, at FROM stage_changes ORDER BY deal_id, at, id) s
                 GROUP BY s.deal_id)",
        )
        .fetch_one(&self.pool)
        .await?;
        let text: Option<String> = row.try_get(0)?;
        let histories: Vec<Vec<(String, i64)>> =
            serde_json::from_str(text.as_deref().unwrap_or("[]")).map_err(|e| {
                StoreError::Corrupt {
                    table: "stage_changes",
                    id: 0,
                    detail: e.to_string(),
                }
            })?;
        Ok(histories
            .into_iter()
            .map(|h| {
                h.into_iter()
                    .map(|(stage, at)| StageChange { stage, at: ts(at) })
                    .collect()
            })
            .collect())
    }

    /// One deal with its full text.
    pub async fn deal(&self, id: DealId) -> Result<DealRecord> {
        let mut found = self
            .load(Filter {
                scope: Scope::Deal(id),
                with_text: true,
            })
            .await?;
        found.pop().ok_or(StoreError::NotFound {
            what: "deal",
            key: id.to_string(),
        })
    }
}
