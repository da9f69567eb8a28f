//! Bringing a CRM's records in: each upserted by the CRM's id (`crm_links`), created the first
//! time and updated by the three-way rule of `rekindle_core::crm::merge` afterwards, inside
//! one transaction the caller commits (or rolls back: a dry run, a strict import with a
//! refused row).

use crate::write::{account_id, insert_activity};
use crate::{NewActivity, Result, Store, StoreError};
use jiff::Timestamp;
use rekindle_core::crm::{CrmActivity, CrmCompany, CrmContact, CrmDeal, FieldMerge, Prefer, merge};
use rekindle_core::{DealId, DealStatus, Money, Pipeline};
use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};

/// What one upsert did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Upsert {
    Created,
    /// The fields the CRM changed that were taken.
    Updated(Vec<&'static str>),
    Unchanged,
    /// Fields both sides changed since the last import: (field, the rep's value, the CRM's,
    /// which one was kept). Fields taken without conflict are in `taken`.
    Conflicts {
        conflicts: Vec<Conflict>,
        taken: Vec<&'static str>,
    },
    /// The record could not be brought in (its reason names what is missing).
    Refused(String),
    /// Left out by design, not an error (a task not done yet is not history).
    Skipped(&'static str),
}

/// A field the rep and the CRM both changed since the last import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub field: &'static str,
    pub local: String,
    pub crm: String,
    /// `crm` when the CRM's value was taken, `local` when the rep's was kept.
    pub kept: &'static str,
}

/// The deal fields an export carries, as compared between imports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct DealFields {
    title: String,
    stage: String,
    status: String,
    amount_cents: i64,
    currency: String,
    close: Option<String>,
    owner: String,
    lost_reason: Option<String>,
    lost_note: Option<String>,
    next_step: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct ContactFields {
    name: String,
    title: Option<String>,
}

/// An import in progress: one write transaction.
pub struct CrmImport {
    tx: Transaction<'static, Any>,
    crm: String,
    now: Timestamp,
    prefer: Prefer,
    pipeline: Pipeline,
    /// The currency of a new deal the export gives no amount (kept at 0).
    currency: rekindle_core::Currency,
    /// Whether a record was created or changed.
    changed: bool,
}

impl Store {
    /// Starts bringing in `crm`'s records at `now`, conflicts settled by `prefer`; a new deal
    /// the export gives no amount is kept at 0 in `currency` (the import's for bare amounts).
    ///
    /// Errors: the store's (busy, the database).
    pub async fn crm_import(
        &self,
        crm: &str,
        now: Timestamp,
        prefer: Prefer,
        currency: rekindle_core::Currency,
    ) -> Result<CrmImport> {
        let pipeline = self.pipeline().await?;
        Ok(CrmImport {
            tx: self.begin_write().await?,
            crm: crm.to_string(),
            now,
            prefer,
            pipeline,
            currency,
            changed: false,
        })
    }
}

fn refused(why: impl Into<String>) -> Result<Upsert> {
    Ok(Upsert::Refused(why.into()))
}

impl CrmImport {
    /// Brings in one company (`company_upsert` says how); a change marks the import as one
    /// that outdates the assessment read model.
    ///
    /// Errors: the store's.
    pub async fn company(&mut self, c: &CrmCompany) -> Result<Upsert> {
        let done = self.company_upsert(c).await?;
        self.changed |= matches!(
            done,
            Upsert::Created | Upsert::Updated(_) | Upsert::Conflicts { .. }
        );
        Ok(done)
    }

    /// Brings in one contact (`contact_upsert` says how); a change marks the import as one
    /// that outdates the assessment read model.
    ///
    /// Errors: the store's.
    pub async fn contact(&mut self, c: &CrmContact) -> Result<Upsert> {
        let done = self.contact_upsert(c).await?;
        self.changed |= matches!(
            done,
            Upsert::Created | Upsert::Updated(_) | Upsert::Conflicts { .. }
        );
        Ok(done)
    }

    /// Brings in one deal (`deal_upsert` says how); a change marks the import as one
    /// that outdates the assessment read model.
    ///
    /// Errors: the store's.
    pub async fn deal(&mut self, d: &CrmDeal) -> Result<Upsert> {
        let done = self.deal_upsert(d).await?;
        self.changed |= matches!(
            done,
            Upsert::Created | Upsert::Updated(_) | Upsert::Conflicts { .. }
        );
        Ok(done)
    }

    /// Brings in one activity (`activity_upsert` says how); a change marks the import as one
    /// that outdates the assessment read model.
    ///
    /// Errors: the store's.
    pub async fn activity(&mut self, a: &CrmActivity) -> Result<Upsert> {
        let done = self.activity_upsert(a).await?;
        self.changed |= matches!(
            done,
            Upsert::Created | Upsert::Updated(_) | Upsert::Conflicts { .. }
        );
        Ok(done)
    }

    /// Keeps everything brought in. When a record was created or changed, the assessment read
    /// model is outdated whole, stage histories included, in the same transaction.
    ///
    /// Errors: the store's.
    pub async fn commit(mut self) -> Result<()> {
        if self.changed {
            sqlx::query(crate::assessments::OUTDATE_ALL)
                .execute(&mut *self.tx)
                .await?;
            sqlx::query(crate::assessments::STAGE_MOVED)
                .execute(&mut *self.tx)
                .await?;
        }
        crate::commit(self.tx).await
    }

    /// Drops everything brought in (a dry run; a strict import that refused a row).
    ///
    /// Errors: the store's.
    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }

    async fn link(&mut self, object: &str, external: &str) -> Result<Option<(i64, String)>> {
        let row = sqlx::query(
            "SELECT local_id, imported FROM crm_links WHERE crm = $1 AND object = $2 AND external_id = $3",
        )
        .bind(self.crm.clone())
        .bind(object.to_string())
        .bind(external.to_string())
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(match row {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
            None => None,
        })
    }

    async fn set_link(
        &mut self,
        object: &str,
        external: &str,
        local: i64,
        imported: &impl Serialize,
    ) -> Result<()> {
        let json = serde_json::to_string(imported).map_err(|e| StoreError::State(e.to_string()))?;
        sqlx::query(
            "INSERT INTO crm_links (crm, object, external_id, local_id, imported, imported_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (crm, object, external_id) DO UPDATE SET local_id = excluded.local_id, imported = excluded.imported, imported_at = excluded.imported_at
             WHERE crm_links.imported <> excluded.imported OR crm_links.local_id <> excluded.local_id",
        )
        .bind(self.crm.clone())
        .bind(object.to_string())
        .bind(external.to_string())
        .bind(local)
        .bind(json)
        .bind(self.now.as_second())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// The local account of a CRM company id, when it was brought in.
    async fn company_account(&mut self, external: &str) -> Result<Option<i64>> {
        Ok(self.link("companies", external).await?.map(|(id, _)| id))
    }

    /// A company (account, organization): linked by its id, else the account of the same
    /// name is adopted, else created. An import never renames an account (the name is how
    /// the record and mail capture find it).
    ///
    /// Errors: the store's.
    async fn company_upsert(&mut self, c: &CrmCompany) -> Result<Upsert> {
        if let Some((_, _)) = self.link("companies", &c.id).await? {
            return Ok(Upsert::Unchanged);
        }
        let id = account_id(&mut self.tx, &c.name, c.domain.as_deref()).await?;
        self.set_link("companies", &c.id, id, &c.name).await?;
        Ok(Upsert::Created)
    }

    async fn account_for(
        &mut self,
        company_id: Option<&str>,
        company_name: Option<&str>,
    ) -> Result<Option<i64>> {
        if let Some(id) = company_id
            && let Some(account) = self.company_account(id).await?
        {
            return Ok(Some(account));
        }
        match company_name {
            Some(name) => Ok(Some(account_id(&mut self.tx, name, None).await?)),
            None => Ok(None),
        }
    }

    /// A contact (person): linked by its id; else the contact who already has one of its
    /// addresses (captured from mail, or added by hand) is adopted; else created at its
    /// company's account. A CRM opt-out makes them do-not-contact; an import never lifts a
    /// stop.
    ///
    /// Errors: the store's.
    async fn contact_upsert(&mut self, c: &CrmContact) -> Result<Upsert> {
        let incoming = ContactFields {
            name: c.name.clone(),
            title: c.title.clone(),
        };
        let linked = self.link("contacts", &c.id).await?;
        let (local, before) = match linked {
            Some((id, json)) => (Some(id), serde_json::from_str::<ContactFields>(&json).ok()),
            None => {
                let mut found = None;
                for e in &c.emails {
                    let row = sqlx::query("SELECT contact_id FROM contact_emails WHERE email = $1")
                        .bind(e.to_lowercase())
                        .fetch_optional(&mut *self.tx)
                        .await?;
                    if let Some(r) = row {
                        found = Some(r.try_get::<i64, _>(0)?);
                        break;
                    }
                }
                (found, None)
            }
        };
        let Some(id) = local else {
            let Some(account) = self
                .account_for(c.company_id.as_deref(), c.company_name.as_deref())
                .await?
            else {
                return refused(
                    "no company: a person is kept under their account; export the contact with its company",
                );
            };
            let id: i64 = sqlx::query(
                "INSERT INTO contacts (account_id, name, title, role, do_not_contact) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(account)
            .bind(c.name.clone())
            .bind(c.title.clone())
            .bind(c.role.map(|r| r.as_str().to_string()))
            .bind(i64::from(c.opted_out))
            .fetch_one(&mut *self.tx)
            .await?
            .try_get(0)?;
            self.add_emails(id, &c.emails).await?;
            self.set_link("contacts", &c.id, id, &incoming).await?;
            return Ok(Upsert::Created);
        };
        let row = sqlx::query("SELECT name, title FROM contacts WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *self.tx)
            .await?;
        let now_local = ContactFields {
            name: row.try_get(0)?,
            title: row.try_get(1)?,
        };
        let mut taken = Vec::new();
        let mut conflicts = Vec::new();
        let mut result = now_local.clone();
        let b = before.as_ref();
        settle(
            "name",
            b.map(|b| &b.name),
            &now_local.name,
            &incoming.name,
            self.prefer,
            &mut result.name,
            &mut taken,
            &mut conflicts,
        );
        settle(
            "title",
            b.map(|b| &b.title),
            &now_local.title,
            &incoming.title,
            self.prefer,
            &mut result.title,
            &mut taken,
            &mut conflicts,
        );
        if result != now_local {
            sqlx::query("UPDATE contacts SET name = $1, title = $2 WHERE id = $3")
                .bind(result.name.clone())
                .bind(result.title.clone())
                .bind(id)
                .execute(&mut *self.tx)
                .await?;
        }
        let added = self.add_emails(id, &c.emails).await?;
        if c.opted_out {
            sqlx::query(
                "UPDATE contacts SET do_not_contact = 1 WHERE id = $1 AND do_not_contact = 0",
            )
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        }
        if added {
            taken.push("emails");
        }
        self.set_link("contacts", &c.id, id, &incoming).await?;
        Ok(outcome(taken, conflicts))
    }

    async fn add_emails(&mut self, contact: i64, emails: &[String]) -> Result<bool> {
        let mut added = false;
        for e in emails {
            let done = sqlx::query(
                "INSERT INTO contact_emails (contact_id, email) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM contact_emails WHERE email = $3)",
            )
            .bind(contact)
            .bind(e.to_lowercase())
            .bind(e.to_lowercase())
            .execute(&mut *self.tx)
            .await?;
            added |= done.rows_affected() > 0;
        }
        Ok(added)
    }

    /// A deal: linked by its id and updated field by field (`merge`), or created at its
    /// company's account (else its contacts' account, else one named after the company, else
    /// after the title's first part: "Acme - Fleet" under "Acme"), with its stage entered when the CRM says, closed won or lost (the lost reason
    /// mapped, the CRM's text kept as the note), its next step, the prospect's words from custom
    /// columns and the features it needs.
    ///
    /// Errors: the store's.
    async fn deal_upsert(&mut self, d: &CrmDeal) -> Result<Upsert> {
        let linked = self.link("deals", &d.id).await?;
        let stage = match &d.stage {
            Some(s) => match self.pipeline.position(s) {
                Ok(i) => Some(self.pipeline.stages[i].name.clone()),
                Err(_) => {
                    return refused(format!(
                        "the stage {s:?} is not a stage of this pipeline ({}); map it to one in the mapping file",
                        self.pipeline
                            .stages
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            },
            None => None,
        };
        let lost_at = match d.close_date {
            Some(day) if rekindle_core::time::start_of_day(day) <= self.now => {
                rekindle_core::time::start_of_day(day)
            }
            _ => self.now,
        };
        match linked {
            None => {
                let stage = stage.unwrap_or_else(|| {
                    self.pipeline
                        .stages
                        .last()
                        .map(|s| s.name.clone())
                        .unwrap_or_default()
                });
                let account_name = d.company_name.clone().unwrap_or_else(|| {
                    d.title
                        .split(" - ")
                        .next()
                        .unwrap_or(&d.title)
                        .trim()
                        .to_string()
                });
                // Its company's account; else the account of its contacts brought in; else
                // one by name.
                let mut account = match &d.company_id {
                    Some(c) => self.company_account(c).await?,
                    None => None,
                };
                for contact in &d.contact_ids {
                    if account.is_some() {
                        break;
                    }
                    if let Some((local, _)) = self.link("contacts", contact).await? {
                        account = sqlx::query("SELECT account_id FROM contacts WHERE id = $1")
                            .bind(local)
                            .fetch_optional(&mut *self.tx)
                            .await?
                            .map(|r| r.try_get::<i64, _>(0))
                            .transpose()?;
                    }
                }
                let account = match account {
                    Some(a) => a,
                    None => account_id(&mut self.tx, &account_name, None).await?,
                };
                let created = d.created.unwrap_or(self.now);
                let amount = d.amount.unwrap_or(Money {
                    cents: 0,
                    currency: self.currency,
                });
                let id: i64 = sqlx::query(
                    "INSERT INTO deals (account_id, title, owner, stage, amount_cents, currency, expected_close, status, created_at, lost_reason, lost_note, lost_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                )
                .bind(account)
                .bind(d.title.clone())
                .bind(d.owner.clone().unwrap_or_default())
                .bind(stage.clone())
                .bind(amount.cents)
                .bind(amount.currency.to_string())
                .bind(d.close_date.map(|c| c.to_string()))
                .bind(d.status.as_str().to_string())
                .bind(created.as_second())
                .bind(d.lost.as_ref().map(|(r, _)| r.as_str().to_string()))
                .bind(d.lost.as_ref().map(|(_, t)| t.clone()).filter(|t| !t.is_empty()))
                .bind((d.status == DealStatus::Lost).then(|| lost_at.as_second()))
                .fetch_one(&mut *self.tx)
                .await?
                .try_get(0)?;
                sqlx::query("INSERT INTO stage_changes (deal_id, stage, at) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(stage.clone())
                    .bind(d.stage_entered.unwrap_or(created).max(created).as_second())
                    .execute(&mut *self.tx)
                    .await?;
                if let Some(close) = d.close_date {
                    sqlx::query("INSERT INTO close_date_changes (deal_id, from_date, to_date, at) VALUES ($1, NULL, $2, $3)")
                        .bind(id)
                        .bind(close.to_string())
                        .bind(created.as_second())
                        .execute(&mut *self.tx)
                        .await?;
                }
                if let Some(step) = &d.next_step {
                    self.write_next_step(id, step).await?;
                }
                self.words_and_features(id, d).await?;
                self.named_person(id, d).await?;
                let fields = self.deal_fields(id).await?;
                self.set_link("deals", &d.id, id, &fields).await?;
                Ok(Upsert::Created)
            }
            Some((id, json)) => {
                let before: Option<DealFields> = serde_json::from_str(&json).ok();
                let local = self.deal_fields(id).await?;
                let amount = d.amount.map(|m| (m.cents, m.currency.to_string()));
                let incoming = DealFields {
                    title: d.title.clone(),
                    stage: stage.clone().unwrap_or_else(|| local.stage.clone()),
                    status: d.status.as_str().to_string(),
                    amount_cents: amount.as_ref().map_or(local.amount_cents, |a| a.0),
                    currency: amount.map_or(local.currency.clone(), |a| a.1),
                    close: d.close_date.map(|c| c.to_string()).or(local.close.clone()),
                    owner: d.owner.clone().unwrap_or_else(|| local.owner.clone()),
                    lost_reason: d.lost.as_ref().map(|(r, _)| r.as_str().to_string()),
                    lost_note: d
                        .lost
                        .as_ref()
                        .map(|(_, t)| t.clone())
                        .filter(|t| !t.is_empty()),
                    next_step: d.next_step.clone().or(local.next_step.clone()),
                };
                let mut result = local.clone();
                let (mut taken, mut conflicts) = (Vec::new(), Vec::new());
                let b = before.as_ref();
                let p = self.prefer;
                settle(
                    "title",
                    b.map(|b| &b.title),
                    &local.title,
                    &incoming.title,
                    p,
                    &mut result.title,
                    &mut taken,
                    &mut conflicts,
                );
                settle(
                    "stage",
                    b.map(|b| &b.stage),
                    &local.stage,
                    &incoming.stage,
                    p,
                    &mut result.stage,
                    &mut taken,
                    &mut conflicts,
                );
                settle(
                    "status",
                    b.map(|b| &b.status),
                    &local.status,
                    &incoming.status,
                    p,
                    &mut result.status,
                    &mut taken,
                    &mut conflicts,
                );
                settle(
                    "amount",
                    b.map(|b| &b.amount_cents),
                    &local.amount_cents,
                    &incoming.amount_cents,
                    p,
                    &mut result.amount_cents,
                    &mut taken,
                    &mut conflicts,
                );
                settle(
                    "currency",
                    b.map(|b| &b.currency),
                    &local.currency,
                    &incoming.currency,
                    p,
                    &mut result.currency,
                    &mut taken,
                    &mut conflicts,
                );
                settle(
                    "close_date",
                    b.map(|b| &b.close),
                    &local.close,
                    &incoming.close,
                    p,
                    &mut result.close,
                    &mut taken,
                    &mut conflicts,
                );
                settle(
                    "owner",
                    b.map(|b| &b.owner),
                    &local.owner,
                    &incoming.owner,
                    p,
                    &mut result.owner,
                    &mut taken,
                    &mut conflicts,
                );
                settle(
                    "lost_reason",
                    b.map(|b| &b.lost_reason),
                    &local.lost_reason,
                    &incoming.lost_reason,
                    p,
                    &mut result.lost_reason,
                    &mut taken,
                    &mut conflicts,
                );
                settle(
                    "lost_note",
                    b.map(|b| &b.lost_note),
                    &local.lost_note,
                    &incoming.lost_note,
                    p,
                    &mut result.lost_note,
                    &mut taken,
                    &mut conflicts,
                );
                settle(
                    "next_step",
                    b.map(|b| &b.next_step),
                    &local.next_step,
                    &incoming.next_step,
                    p,
                    &mut result.next_step,
                    &mut taken,
                    &mut conflicts,
                );
                if result != local {
                    self.apply_deal(id, &local, &result, lost_at).await?;
                }
                self.words_and_features(id, d).await?;
                if self.named_person(id, d).await? {
                    taken.push("contact_name");
                }
                self.set_link("deals", &d.id, id, &incoming).await?;
                Ok(outcome(taken, conflicts))
            }
        }
    }

    async fn deal_fields(&mut self, id: i64) -> Result<DealFields> {
        let r = sqlx::query(
            "SELECT d.title, d.stage, d.status, d.amount_cents, d.currency, d.expected_close, d.owner, d.lost_reason, d.lost_note, n.what
             FROM deals d LEFT JOIN next_steps n ON n.deal_id = d.id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(DealFields {
            title: r.try_get(0)?,
            stage: r.try_get(1)?,
            status: r.try_get(2)?,
            amount_cents: r.try_get(3)?,
            currency: r.try_get(4)?,
            close: r.try_get(5)?,
            owner: r.try_get(6)?,
            lost_reason: r.try_get(7)?,
            lost_note: r.try_get(8)?,
            next_step: r.try_get(9)?,
        })
    }

    async fn apply_deal(
        &mut self,
        id: i64,
        was: &DealFields,
        now: &DealFields,
        lost_at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE deals SET title = $1, stage = $2, status = $3, amount_cents = $4, currency = $5, expected_close = $6, owner = $7, lost_reason = $8, lost_note = $9,
             lost_at = CASE WHEN $10 = 'lost' THEN COALESCE(lost_at, $11) ELSE NULL END WHERE id = $12",
        )
        .bind(now.title.clone())
        .bind(now.stage.clone())
        .bind(now.status.clone())
        .bind(now.amount_cents)
        .bind(now.currency.clone())
        .bind(now.close.clone())
        .bind(now.owner.clone())
        .bind(now.lost_reason.clone())
        .bind(now.lost_note.clone())
        .bind(now.status.clone())
        .bind(lost_at.as_second())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        if now.stage != was.stage {
            sqlx::query("INSERT INTO stage_changes (deal_id, stage, at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(now.stage.clone())
                .bind(self.now.as_second())
                .execute(&mut *self.tx)
                .await?;
        }
        if now.close != was.close
            && let Some(to) = &now.close
        {
            sqlx::query("INSERT INTO close_date_changes (deal_id, from_date, to_date, at) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(was.close.clone())
                .bind(to.clone())
                .bind(self.now.as_second())
                .execute(&mut *self.tx)
                .await?;
        }
        if now.next_step != was.next_step
            && let Some(step) = &now.next_step
        {
            self.write_next_step(id, step).await?;
        }
        Ok(())
    }

    async fn write_next_step(&mut self, deal: i64, what: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO next_steps (deal_id, what, due, booked, set_at) VALUES ($1, $2, NULL, 0, $3)
             ON CONFLICT (deal_id) DO UPDATE SET what = excluded.what, due = NULL, booked = 0, set_at = excluded.set_at",
        )
        .bind(deal)
        .bind(what.to_string())
        .bind(self.now.as_second())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// The person a deal names (`CrmDeal::contact_name`, with the first of its contact ids),
    /// kept at the deal's account: nothing when that id is linked already (their own row came
    /// in, or an earlier import made them); else the account's contact of that name, or a new
    /// one (no address yet: the persons export or captured mail brings it), linked by the id so
    /// their own row, imported later, updates them rather than adding a second. True when a
    /// contact was made.
    async fn named_person(&mut self, deal: i64, d: &CrmDeal) -> Result<bool> {
        let Some(name) = d
            .contact_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            return Ok(false);
        };
        let id = d.contact_ids.first();
        if let Some(id) = id
            && self.link("contacts", id).await?.is_some()
        {
            return Ok(false);
        }
        let account: i64 = sqlx::query("SELECT account_id FROM deals WHERE id = $1")
            .bind(deal)
            .fetch_one(&mut *self.tx)
            .await?
            .try_get(0)?;
        let same = sqlx::query("SELECT id FROM contacts WHERE account_id = $1 AND name = $2")
            .bind(account)
            .bind(name.to_string())
            .fetch_optional(&mut *self.tx)
            .await?;
        let (local, made) = match same {
            Some(r) => (r.try_get::<i64, _>(0)?, false),
            None => (
                sqlx::query(
                    "INSERT INTO contacts (account_id, name, title, role, do_not_contact) VALUES ($1, $2, NULL, NULL, 0) RETURNING id",
                )
                .bind(account)
                .bind(name.to_string())
                .fetch_one(&mut *self.tx)
                .await?
                .try_get(0)?,
                true,
            ),
        };
        if let Some(id) = id {
            let seen = ContactFields {
                name: name.to_string(),
                title: None,
            };
            self.set_link("contacts", id, local, &seen).await?;
        }
        Ok(made)
    }

    /// The prospect's words from custom columns (each once: the same kind and text is not
    /// added again) and the features the deal needs.
    async fn words_and_features(&mut self, deal: i64, d: &CrmDeal) -> Result<()> {
        for (kind, text, column) in &d.facts {
            sqlx::query(
                "INSERT INTO facts (deal_id, kind, text, source, said_at) SELECT $1, $2, $3, $4, $5
                 WHERE NOT EXISTS (SELECT 1 FROM facts WHERE deal_id = $6 AND kind = $7 AND text = $8)",
            )
            .bind(deal)
            .bind(kind.as_str().to_string())
            .bind(text.clone())
            .bind(format!("{} export, column {column}", self.crm))
            .bind(d.last_activity.unwrap_or(self.now).as_second())
            .bind(deal)
            .bind(kind.as_str().to_string())
            .bind(text.clone())
            .execute(&mut *self.tx)
            .await?;
        }
        for feature in &d.needed_features {
            sqlx::query("INSERT INTO needed_features (deal_id, feature, why) VALUES ($1, $2, NULL) ON CONFLICT DO NOTHING")
                .bind(deal)
                .bind(feature.clone())
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// An activity, once (activities are history: a later export never changes one): on its
    /// deal (by the deal's id, else by its name among this CRM's deals), else on the latest
    /// deal of its contact's or company's account; a planned one (not done) is not history
    /// and is left out.
    ///
    /// Errors: the store's.
    async fn activity_upsert(&mut self, a: &CrmActivity) -> Result<Upsert> {
        if self.link("activities", &a.id).await?.is_some() {
            return Ok(Upsert::Unchanged);
        }
        if a.planned {
            return Ok(Upsert::Skipped(
                "planned, not done: only what happened is history",
            ));
        }
        let contact = match &a.contact_id {
            Some(c) => self.link("contacts", c).await?.map(|(id, _)| id),
            None => None,
        };
        let mut deal = match &a.deal_id {
            Some(d) => self.link("deals", d).await?.map(|(id, _)| id),
            None => None,
        };
        if deal.is_none()
            && let Some(name) = &a.deal_name
        {
            deal = sqlx::query(
                "SELECT d.id FROM deals d JOIN crm_links l ON l.object = 'deals' AND l.local_id = d.id AND l.crm = $1 WHERE d.title = $2 ORDER BY d.id DESC LIMIT 1",
            )
            .bind(self.crm.clone())
            .bind(name.clone())
            .fetch_optional(&mut *self.tx)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?;
        }
        if deal.is_none() {
            let account = match (contact, &a.company_id) {
                (Some(c), _) => sqlx::query("SELECT account_id FROM contacts WHERE id = $1")
                    .bind(c)
                    .fetch_optional(&mut *self.tx)
                    .await?
                    .map(|r| r.try_get::<i64, _>(0))
                    .transpose()?,
                (None, Some(co)) => self.company_account(co).await?,
                (None, None) => None,
            };
            if let Some(account) = account {
                deal = sqlx::query(
                    "SELECT id FROM deals WHERE account_id = $1 ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, created_at DESC LIMIT 1",
                )
                .bind(account)
                .fetch_optional(&mut *self.tx)
                .await?
                .map(|r| r.try_get::<i64, _>(0))
                .transpose()?;
            }
        }
        let Some(deal) = deal else {
            return refused(
                "not on any deal brought in: import its deal (or its contact's company with a deal) first, or together",
            );
        };
        let id = insert_activity(
            &mut self.tx,
            DealId(deal),
            NewActivity {
                kind: a.kind,
                direction: a.direction,
                at: a.at,
                outcome: a.outcome,
                contact: contact.map(rekindle_core::ContactId),
                summary: a.summary.clone(),
                body: a.body.clone(),
                play: None,
                returns_on: None,
                subject: (a.kind == rekindle_core::ActivityKind::Email).then(|| a.summary.clone()),
            },
        )
        .await?;
        self.set_link("activities", &a.id, id.0, &a.at.as_second())
            .await?;
        Ok(Upsert::Created)
    }
}

fn outcome(taken: Vec<&'static str>, conflicts: Vec<Conflict>) -> Upsert {
    if !conflicts.is_empty() {
        Upsert::Conflicts { conflicts, taken }
    } else if !taken.is_empty() {
        Upsert::Updated(taken)
    } else {
        Upsert::Unchanged
    }
}

/// Applies `merge` to one field: the value to keep goes into `result`.
#[allow(clippy::too_many_arguments)]
fn settle<T: PartialEq + Clone + std::fmt::Debug>(
    field: &'static str,
    before: Option<&T>,
    local: &T,
    incoming: &T,
    prefer: Prefer,
    result: &mut T,
    taken: &mut Vec<&'static str>,
    conflicts: &mut Vec<Conflict>,
) {
    match merge(before, local, incoming, prefer) {
        FieldMerge::Keep => {}
        FieldMerge::Take => {
            *result = incoming.clone();
            taken.push(field);
        }
        FieldMerge::Conflict { take } => {
            if take {
                *result = incoming.clone();
            }
            conflicts.push(Conflict {
                field,
                local: format!("{local:?}"),
                crm: format!("{incoming:?}"),
                kept: if take { "crm" } else { "local" },
            });
        }
    }
}

/// One record brought in from a CRM: its local id, the CRM's id and its values as last
/// imported (JSON).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrmLink {
    pub local: i64,
    pub external: String,
    pub imported: String,
}

impl Store {
    /// Every record of `object` (`deals`, `contacts`...) brought in from `crm`.
    ///
    /// Errors: the store's.
    pub async fn crm_links(&self, crm: &str, object: &str) -> Result<Vec<CrmLink>> {
        let rows = sqlx::query(
            "SELECT local_id, external_id, imported FROM crm_links WHERE crm = $1 AND object = $2 ORDER BY local_id",
        )
        .bind(crm.to_string())
        .bind(object.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CrmLink {
                    local: r.try_get(0)?,
                    external: r.try_get(1)?,
                    imported: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// The keys of what was exported to `crm` already.
    ///
    /// Errors: the store's.
    pub async fn crm_exported(&self, crm: &str) -> Result<std::collections::BTreeSet<String>> {
        let rows = sqlx::query("SELECT key FROM crm_exports WHERE crm = $1")
            .bind(crm.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Remembers `keys` as exported to `crm` at `at` (once each), in one transaction.
    ///
    /// Errors: the store's.
    pub async fn crm_mark_exported(&self, crm: &str, keys: &[String], at: Timestamp) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for key in keys {
            sqlx::query("INSERT INTO crm_exports (crm, key, exported_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(crm.to_string())
                .bind(key.clone())
                .bind(at.as_second())
                .execute(&mut *tx)
                .await?;
        }
        crate::commit(tx).await
    }
}
