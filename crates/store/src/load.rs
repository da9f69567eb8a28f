//! Reading deal records. One row per deal, its children aggregated into JSON arrays by the
//! database itself: a per-row round trip through the driver costs more than the rows are worth
//! (see BENCHMARKS.md), so 2,000,000 activities arrive as 100,000 rows.

use crate::{Result, Store, StoreError};
use rekindle_core::*;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;
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
    /// Include summaries and message bodies (for `show` and drafts; the scan does not need them).
    pub with_text: bool,
}

fn select_sql(filter: &Filter) -> String {
    let text = if filter.with_text {
        "a.summary, a.body"
    } else {
        "'', NULL"
    };
    let filter_sql = match filter.scope {
        Scope::All => "WHERE d.account_id BETWEEN $1 AND $2",
        Scope::Deal(_) => "WHERE d.id = $1",
        Scope::AccountOf(_) => "WHERE d.account_id = (SELECT account_id FROM deals WHERE id = $1)",
    };
    format!(
        "SELECT d.id, d.title, ac.name, ac.domain, d.owner, d.stage, d.amount_cents, d.currency, d.expected_close, d.status,
                d.created_at, d.lost_reason, d.lost_note, d.lost_at, d.resurface_on, d.account_id,
                (SELECT json_group_array(json_array(c.id, c.name, c.title, c.role, c.do_not_contact,
                        (SELECT json_group_array(e.email) FROM contact_emails e WHERE e.contact_id = c.id)))
                   FROM contacts c WHERE c.account_id = d.account_id) AS contacts,
                (SELECT json_group_array(json_array(f.id, f.kind, f.text, f.source, f.said_at, f.contact_id))
                   FROM facts f WHERE f.deal_id = d.id) AS facts,
                (SELECT json_group_array(json_array(k.id, k.party, k.what, k.due, k.status, k.source, k.made_at))
                   FROM commitments k WHERE k.deal_id = d.id) AS commitments,
                (SELECT json_array(n.what, n.due, n.booked, n.set_at) FROM next_steps n WHERE n.deal_id = d.id) AS next_step,
                (SELECT json_group_array(json_array(a.id, a.kind, a.direction, a.at, a.outcome, a.contact_id, {text},
                        a.play, a.tone_findings, a.tone_phrase, a.body_fingerprint))
                   FROM (SELECT * FROM activities WHERE deal_id = d.id ORDER BY at, id) a) AS activities,
                (SELECT json_group_array(json_array(s.stage, s.at))
                   FROM (SELECT * FROM stage_changes WHERE deal_id = d.id ORDER BY at, id) s) AS stages,
                (SELECT json_group_array(json_array(x.from_date, x.to_date, x.at))
                   FROM (SELECT * FROM close_date_changes WHERE deal_id = d.id ORDER BY at, id) x) AS close_dates,
                (SELECT json_array(t.vendor, t.ends_on, t.notice_days) FROM contracts t WHERE t.deal_id = d.id) AS contract,
                (SELECT json_group_array(json_array(nf.feature, nf.why)) FROM needed_features nf WHERE nf.deal_id = d.id) AS features
         FROM deals d JOIN accounts ac ON ac.id = d.account_id
         {filter_sql}
         ORDER BY d.account_id, d.id"
    )
}

type ContactRow = (i64, String, Option<String>, Option<Role>, i64, Vec<String>);
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
    Option<PlayKind>,
    i64,
    Option<String>,
    Option<i64>,
);

fn ts(seconds: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn corrupt(table: &'static str, id: i64) -> impl Fn(String) -> StoreError {
    move |detail| StoreError::Corrupt { table, id, detail }
}

fn json<T: DeserializeOwned>(row: &AnyRow, column: &str, id: i64) -> Result<T> {
    let text: Option<String> = row.try_get(column)?;
    let text = text.unwrap_or_else(|| "null".into());
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
        table: "deals",
        id,
        detail: format!("{column}: {e}"),
    })
}

fn date(text: Option<String>, table: &'static str, id: i64) -> Result<Option<jiff::civil::Date>> {
    text.map(|t| time::parse_date("date", &t).map_err(|e| corrupt(table, id)(e.to_string())))
        .transpose()
}

fn decode(row: &AnyRow) -> Result<DealRecord> {
    let id: i64 = row.try_get(0)?;
    let bad = corrupt("deals", id);
    let currency: String = row.try_get(7)?;
    let status: String = row.try_get(9)?;
    let lost_reason: Option<String> = row.try_get(11)?;
    let loss = match lost_reason {
        Some(r) => Some(Loss {
            reason: LostReason::parse(&r).map_err(|e| bad(e.to_string()))?,
            note: row.try_get(12)?,
            at: ts(row.try_get::<Option<i64>, _>(13)?.unwrap_or(0)),
        }),
        None => None,
    };
    let deal = Deal {
        id: DealId(id),
        title: row.try_get(1)?,
        account: Account {
            name: row.try_get(2)?,
            domain: row.try_get(3)?,
        },
        owner: row.try_get(4)?,
        stage: row.try_get(5)?,
        amount: Money::new(
            row.try_get(6)?,
            Currency::parse(&currency).map_err(|e| bad(e.to_string()))?,
        ),
        expected_close: date(row.try_get(8)?, "deals", id)?,
        status: DealStatus::parse(&status).map_err(|e| bad(e.to_string()))?,
        created_at: ts(row.try_get(10)?),
        loss,
        resurface_on: date(row.try_get(14)?, "deals", id)?,
    };
    let contacts: Vec<ContactRow> = json(row, "contacts", id)?;
    let contacts = contacts
        .into_iter()
        .map(|(cid, name, title, role, dnc, emails)| Contact {
            id: ContactId(cid),
            name,
            emails: emails
                .iter()
                .filter_map(|e| EmailAddress::parse(e).ok())
                .collect(),
            title,
            role,
            do_not_contact: dnc != 0,
        })
        .collect();
    let facts: Vec<FactRow> = json(row, "facts", id)?;
    let commitments: Vec<CommitmentRow> = json(row, "commitments", id)?;
    let next_step: Option<NextStepRow> = json(row, "next_step", id)?;
    let activities: Vec<ActivityRow> = json(row, "activities", id)?;
    let stages: Vec<(String, i64)> = json(row, "stages", id)?;
    let close_dates: Vec<(Option<String>, String, i64)> = json(row, "close_dates", id)?;
    let contract: Option<(String, String, i64)> = json(row, "contract", id)?;
    let features: Vec<(String, Option<String>)> = json(row, "features", id)?;
    Ok(DealRecord {
        deal,
        contacts,
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
                    play,
                    findings,
                    phrase,
                    fp,
                )| Activity {
                    id: ActivityId(aid),
                    kind,
                    direction,
                    at: ts(at),
                    outcome,
                    contact: contact.map(ContactId),
                    summary,
                    body,
                    play,
                    tone: ToneMark {
                        findings: findings.clamp(0, u16::MAX as i64) as u16,
                        first_phrase: phrase,
                    },
                    body_fingerprint: fp.map(|f| f as u64),
                },
            )
            .collect(),
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
    })
}

/// Work applied to each account's deals as they arrive.
pub type AccountWork<T> = Arc<dyn Fn(Vec<DealRecord>) -> T + Send + Sync>;

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
                rows.iter().map(decode).collect()
            }
        }
    }

    /// Reads every deal, account by account, and applies `work` to each account's deals as
    /// soon as they are decoded, so a whole pipeline is never held at once. Accounts are read
    /// in as many id ranges as there are cores, each on its own connection, and `work` runs on
    /// the reading task. Results come back in account order.
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
        let parts = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4) as i64;
        let span = ((high - low + 1) / parts).max(1);
        let mut tasks = Vec::new();
        let mut start = low;
        while start <= high {
            let end = if tasks.len() as i64 == parts - 1 {
                high
            } else {
                (start + span - 1).min(high)
            };
            let (pool, sql, work) = (self.pool.clone(), sql.clone(), work.clone());
            tasks.push(tokio::spawn(async move {
                use futures_util::TryStreamExt;
                let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(start)
                    .bind(end)
                    .fetch(&pool);
                let mut out = Vec::new();
                let mut group: Vec<DealRecord> = Vec::new();
                let mut group_account = None;
                while let Some(row) = rows.try_next().await? {
                    let account: i64 = row.try_get("account_id")?;
                    if group_account != Some(account) && !group.is_empty() {
                        out.push(work(std::mem::take(&mut group)));
                    }
                    group_account = Some(account);
                    group.push(decode(&row)?);
                }
                if !group.is_empty() {
                    out.push(work(group));
                }
                Ok::<_, StoreError>(out)
            }));
            start = end + 1;
        }
        let mut results = Vec::new();
        for task in tasks {
            results.extend(task.await.map_err(|e| StoreError::Corrupt {
                table: "deals",
                id: 0,
                detail: format!("loader stopped: {e}"),
            })??);
        }
        Ok(results)
    }

    /// Every deal's stage history, oldest move first: all the team's stage norms need.
    pub async fn stage_histories(&self) -> Result<Vec<Vec<StageChange>>> {
        let row = sqlx::query(
            "SELECT json_group_array(json(h)) FROM (
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
