//! Importing whole deal records (the demo generator, and later CRM exports) in one transaction,
//! with multi-row inserts: row-at-a-time inserts through the driver run at about 20,000 rows/s,
//! far too slow for a 2,000,000-activity pipeline.

use crate::{Result, Store};
use rekindle_core::DealRecord;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// A value bound into a multi-row insert.
pub(crate) enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// Rows for one table, flushed in statements of at most `MAX_BINDS` parameters.
pub(crate) struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Val>>,
}

/// Parameters per statement: well below SQLite's limit of 32,766, and large enough that the
/// per-statement overhead vanishes.
const MAX_BINDS: usize = 8_000;

impl Batch {
    pub(crate) fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Batch {
            table,
            columns,
            rows: Vec::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(crate) fn push(&mut self, row: Vec<Val>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    pub(crate) async fn flush(&mut self, tx: &mut Transaction<'_, Any>) -> Result<()> {
        let per_statement = (MAX_BINDS / self.columns.len()).max(1);
        let rows = std::mem::take(&mut self.rows);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_statement).collect();
            let mut sql = format!(
                "INSERT INTO {} ({}) VALUES ",
                self.table,
                self.columns.join(", ")
            );
            // Positional `?`: SQLite resolves `$N` as a named parameter, and binding thousands of
            // named parameters is quadratic.
            let row = format!("({})", vec!["?"; self.columns.len()].join(", "));
            sql.push_str(&vec![row.as_str(); chunk.len()].join(", "));
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for value in chunk.into_iter().flatten() {
                query = match value {
                    Val::Int(v) => query.bind(v),
                    Val::OptInt(v) => query.bind(v),
                    Val::Text(v) => query.bind(v),
                    Val::OptText(v) => query.bind(v),
                };
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

async fn max_id(tx: &mut Transaction<'_, Any>, table: &str) -> Result<i64> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"
    )))
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get(0)?)
}

impl Store {
    /// Imports generated or exported records, all or nothing. Record ids are local (contacts
    /// and activities numbered within the record); the store assigns its own. Returns the
    /// number of deals imported.
    pub async fn import_records(
        &self,
        records: impl IntoIterator<Item = DealRecord>,
        mut progress: impl FnMut(usize),
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let mut next_account = max_id(&mut tx, "accounts").await? + 1;
        let mut next_deal = max_id(&mut tx, "deals").await? + 1;
        let mut next_contact = max_id(&mut tx, "contacts").await? + 1;
        let mut accounts: HashMap<String, i64> = HashMap::new();
        for row in sqlx::query("SELECT id, name FROM accounts")
            .fetch_all(&mut *tx)
            .await?
        {
            accounts.insert(row.try_get(1)?, row.try_get(0)?);
        }

        let mut account_rows = Batch::new("accounts", &["id", "name", "domain"]);
        let mut contact_rows = Batch::new(
            "contacts",
            &[
                "id",
                "account_id",
                "name",
                "title",
                "role",
                "do_not_contact",
            ],
        );
        let mut email_rows = Batch::new("contact_emails", &["contact_id", "email"]);
        let mut deal_rows = Batch::new(
            "deals",
            &[
                "id",
                "account_id",
                "title",
                "owner",
                "stage",
                "amount_cents",
                "currency",
                "expected_close",
                "status",
                "created_at",
                "lost_reason",
                "lost_note",
                "lost_at",
                "resurface_on",
            ],
        );
        let mut fact_rows = Batch::new(
            "facts",
            &["deal_id", "kind", "text", "source", "said_at", "contact_id"],
        );
        let mut commitment_rows = Batch::new(
            "commitments",
            &[
                "deal_id", "party", "what", "due", "status", "source", "made_at",
            ],
        );
        let mut step_rows = Batch::new(
            "next_steps",
            &["deal_id", "what", "due", "booked", "set_at"],
        );
        let mut activity_rows = Batch::new(
            "activities",
            &[
                "deal_id",
                "kind",
                "direction",
                "at",
                "outcome",
                "contact_id",
                "summary",
                "body",
                "play",
                "tone_findings",
                "tone_phrase",
                "body_fingerprint",
                "returns_on",
            ],
        );
        let mut stage_rows = Batch::new("stage_changes", &["deal_id", "stage", "at"]);
        let mut close_rows = Batch::new(
            "close_date_changes",
            &["deal_id", "from_date", "to_date", "at"],
        );
        let mut contract_rows = Batch::new(
            "contracts",
            &["deal_id", "vendor", "ends_on", "notice_days"],
        );
        let mut feature_rows = Batch::new("needed_features", &["deal_id", "feature", "why"]);

        // Parents before children, so foreign keys hold at every statement.
        macro_rules! flush_all {
            () => {
                for batch in [
                    &mut account_rows,
                    &mut contact_rows,
                    &mut email_rows,
                    &mut deal_rows,
                    &mut fact_rows,
                    &mut commitment_rows,
                    &mut step_rows,
                    &mut activity_rows,
                    &mut stage_rows,
                    &mut close_rows,
                    &mut contract_rows,
                    &mut feature_rows,
                ] {
                    batch.flush(&mut tx).await?;
                }
            };
        }

        use Val::*;
        let mut count = 0;
        for r in records {
            let account_id = match accounts.get(&r.deal.account.name) {
                Some(id) => *id,
                None => {
                    let id = next_account;
                    next_account += 1;
                    accounts.insert(r.deal.account.name.clone(), id);
                    account_rows.push(vec![
                        Int(id),
                        Text(r.deal.account.name.clone()),
                        OptText(r.deal.account.domain.clone()),
                    ]);
                    id
                }
            };
            let deal_id = next_deal;
            next_deal += 1;
            let mut contact_ids = HashMap::new();
            for c in &r.contacts {
                let id = next_contact;
                next_contact += 1;
                contact_ids.insert(c.id, id);
                contact_rows.push(vec![
                    Int(id),
                    Int(account_id),
                    Text(c.name.clone()),
                    OptText(c.title.clone()),
                    OptText(c.role.map(|x| x.as_str().into())),
                    Int(c.do_not_contact as i64),
                ]);
                for e in &c.emails {
                    email_rows.push(vec![Int(id), Text(e.to_string())]);
                }
            }
            let contact = |c: Option<rekindle_core::ContactId>| {
                OptInt(c.and_then(|c| contact_ids.get(&c).copied()))
            };
            let d = &r.deal;
            deal_rows.push(vec![
                Int(deal_id),
                Int(account_id),
                Text(d.title.clone()),
                Text(d.owner.clone()),
                Text(d.stage.clone()),
                Int(d.amount.cents),
                Text(d.amount.currency.to_string()),
                OptText(d.expected_close.map(|x| x.to_string())),
                Text(d.status.as_str().into()),
                Int(d.created_at.as_second()),
                OptText(d.loss.as_ref().map(|l| l.reason.as_str().into())),
                OptText(d.loss.as_ref().and_then(|l| l.note.clone())),
                OptInt(d.loss.as_ref().map(|l| l.at.as_second())),
                OptText(d.resurface_on.map(|x| x.to_string())),
            ]);
            for f in &r.facts {
                fact_rows.push(vec![
                    Int(deal_id),
                    Text(f.kind.as_str().into()),
                    Text(f.text.clone()),
                    Text(f.source.clone()),
                    Int(f.said_at.as_second()),
                    contact(f.contact),
                ]);
            }
            for k in &r.commitments {
                commitment_rows.push(vec![
                    Int(deal_id),
                    Text(k.party.as_str().into()),
                    Text(k.what.clone()),
                    Int(k.due.as_second()),
                    Text(k.status.as_str().into()),
                    Text(k.source.clone()),
                    Int(k.made_at.as_second()),
                ]);
            }
            if let Some(s) = &r.next_step {
                step_rows.push(vec![
                    Int(deal_id),
                    Text(s.what.clone()),
                    OptInt(s.due.map(|t| t.as_second())),
                    Int(s.booked as i64),
                    Int(s.set_at.as_second()),
                ]);
            }
            for a in &r.activities {
                let (tone, fingerprint) = crate::write::tone_of(a.direction, a.body.as_deref());
                activity_rows.push(vec![
                    Int(deal_id),
                    Text(a.kind.as_str().into()),
                    Text(a.direction.as_str().into()),
                    Int(a.at.as_second()),
                    OptText(a.outcome.map(|o| o.as_str().into())),
                    contact(a.contact),
                    Text(a.summary.clone()),
                    OptText(a.body.clone()),
                    OptText(a.play.map(|p| p.as_str().into())),
                    Int(tone.findings as i64),
                    OptText(tone.first_phrase),
                    OptInt(fingerprint),
                    OptText(a.returns_on.map(|d| d.to_string())),
                ]);
            }
            for s in &r.stage_history {
                stage_rows.push(vec![
                    Int(deal_id),
                    Text(s.stage.clone()),
                    Int(s.at.as_second()),
                ]);
            }
            for c in &r.close_date_history {
                close_rows.push(vec![
                    Int(deal_id),
                    OptText(c.from.map(|x| x.to_string())),
                    Text(c.to.to_string()),
                    Int(c.at.as_second()),
                ]);
            }
            if let Some(c) = &r.contract {
                contract_rows.push(vec![
                    Int(deal_id),
                    Text(c.vendor.clone()),
                    Text(c.ends_on.to_string()),
                    Int(c.notice_days),
                ]);
            }
            for f in &r.needed_features {
                feature_rows.push(vec![
                    Int(deal_id),
                    Text(f.feature.clone()),
                    OptText(f.why.clone()),
                ]);
            }
            count += 1;
            if count % 2_000 == 0 {
                flush_all!();
                progress(count);
            }
        }
        flush_all!();
        // Whole records arrived: the read model is outdated whole, stage histories included.
        sqlx::query(crate::assessments::OUTDATE_ALL)
            .execute(&mut *tx)
            .await?;
        sqlx::query(crate::assessments::STAGE_MOVED)
            .execute(&mut *tx)
            .await?;
        crate::commit(tx).await?;
        progress(count);
        Ok(count)
    }
}
