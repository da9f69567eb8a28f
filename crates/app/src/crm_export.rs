//! Giving Rekindle's results back to a team's CRM, in files its own importer takes (the CRM
//! formats note, sections 1.3, 2.3 and 3.2):
//!
//! - **HubSpot**: one multi-object import file, a row per deal: `Deal Record ID` (the deal's
//!   Record ID, to associate) with a task (`Task Title`, `Task Type`, `Task Priority`, `Task Due
//!   Date`, `Task Notes`) and a note (`Note Body`, `Activity Date`), plus the `importRequest`
//!   JSON of its imports API with the column mappings; deal updates (`Record ID`, `Deal Stage`,
//!   `Closed Lost Reason`) in a second file.
//! - **Salesforce**: a Data Loader `Task` insert (`WhatId` the opportunity, `WhoId` the
//!   contact, `Subject`, `ActivityDate`, `Status`, `Priority`, `Type`, `Description`) with its
//!   `.sdl` mapping; the diagnosis goes in as a completed task (one pass, no files, as the note
//!   recommends over ContentNote); an `Opportunity` update (`Id`, `StageName`,
//!   `Loss_Reason__c`, a custom field most orgs add: rename it in the `.sdl` for another).
//! - **Pipedrive**: a spreadsheet import keyed on `Deal - ID` with `Activity - *` and `Note -
//!   Content` columns; deal updates (`Deal - ID`, `Deal - Status`, `Deal - Lost reason`).
//!
//! A deal update writes only the fields the close changes (stage or status, lost reason): an
//! update replaces a field's value (Data Loader "Update", the importers' "update existing"
//! matching on the record id, sections 2.3 and 3.2), so the rep's note never goes in a field
//! the CRM already holds (`Description`) but in a note of its own, which an import adds
//! (HubSpot: a note associated by `Deal Record ID`, 1.3; Salesforce: a completed `Task` on the
//! opportunity, 2.3; Pipedrive: `Note - Content` in the deal's row, 3.2). The lost reason and
//! the closed-lost stage are the CRM's own values ([`LostValues`]).
//!
//! A CRM's importer cannot update a task or a note it already has, so each is exported once:
//! the keys of what was exported are kept (`Store::crm_mark_exported`, after the front-end has
//! written the files) and what was exported before is skipped and said.

use crate::pipeline::{self, ScanRow};
use crate::{AppError, Caller};
use jiff::Timestamp;
use rekindle_core::LostReason;
use rekindle_core::compose::Composer;
use rekindle_core::{DealState, DealStatus, time};
use rekindle_ingest::crm::Crm;
use rekindle_ingest::crm::map::{Mapping, default_stages};
use rekindle_store::Store;
use serde::Serialize;
use std::collections::BTreeMap;

/// What to export.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    pub crm: Crm,
    /// The next actions due as tasks.
    pub tasks: bool,
    /// The diagnosis and signals of deals at risk as notes.
    pub notes: bool,
    /// Deals closed lost in Rekindle (a lost reason, "close as unresponsive") as deal updates.
    pub lost_reasons: bool,
    /// The import's mapping file (`import crm --mapping`): its `stages` and `lost_reasons`
    /// read backwards give the CRM's own closed-lost stage and lost-reason values
    /// ([`LostValues`]); the default mapping when the team has none.
    pub mapping: Mapping,
}

/// One file to write, named for the CRM and the day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportFile {
    pub name: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Data rows (not counting the header).
    pub rows: usize,
}

/// What an export made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub crm: String,
    pub files: Vec<ExportFile>,
    pub tasks: usize,
    pub notes: usize,
    pub deal_updates: usize,
    /// What was left out because it was exported before.
    pub skipped: Vec<String>,
    /// Deals with something to say that did not come from this CRM (no id to associate).
    pub not_from_crm: usize,
    /// The keys to remember once the files are written ([`mark_exported`]).
    pub keys: Vec<String>,
}

struct Task {
    deal_external: String,
    contact_external: Option<String>,
    owner: String,
    title: String,
    kind: &'static str,
    priority: u8,
    due: Timestamp,
    body: String,
}

struct Note {
    deal_external: String,
    /// What the note is (a Salesforce task's `Subject`).
    title: &'static str,
    body: String,
}

struct DealUpdate {
    deal_external: String,
    /// The CRM's closed-lost stage (HubSpot `Deal Stage`, Salesforce `StageName`).
    stage: String,
    /// The CRM's lost-reason value.
    reason: String,
    /// The CRM's pipeline the deal is in, as imported (HubSpot's importer finds a stage by
    /// its label within a pipeline: without it, the default pipeline's).
    pipeline: Option<String>,
}

/// The CRM's own words for closing a deal lost: its closed-lost stage and the lost-reason
/// value for each reason of Rekindle's taxonomy, from the team's mapping file read backwards.
///
/// The stage is a CRM stage the mapping's `stages` maps to `lost` (one the file adds before one
/// of the CRM's default pipeline, `default_stages`: a portal in Spanish says "Cerrado
/// perdido"), else the default pipeline's ("Closed Lost" in HubSpot and Salesforce; Pipedrive
/// closes by `Deal - Status`, section 3.4). A lost reason is, for a deal whose reason is still
/// the one imported, the CRM's own text as imported (Pipedrive's single-option field must
/// match the account's list, section 3.4); else a value the mapping's `lost_reasons` maps to
/// the reason; else the reason in words ("No decision").
#[derive(Clone, Debug)]
pub struct LostValues {
    crm: Crm,
    stage: String,
    /// How many stages of the team's own the mapping maps to `lost` (several: one per
    /// pipeline, and which is whose the mapping's `lost_stages` says).
    own_lost: Vec<String>,
    /// A pipeline -> its closed-lost stage (the mapping's `lost_stages`).
    by_pipeline: Vec<(String, String)>,
    reasons: Vec<(LostReason, String)>,
}

/// HubSpot's default pipeline, by its label and its internal name.
fn default_pipeline(name: &str) -> bool {
    let name = name.trim();
    name.eq_ignore_ascii_case("Sales Pipeline") || name.eq_ignore_ascii_case("default")
}

impl LostValues {
    /// Reads `mapping` for `crm`.
    ///
    /// Errors: [`AppError::Invalid`] for a `lost_reasons` value that is not a reason of the
    /// taxonomy.
    pub fn new(crm: Crm, mapping: &Mapping) -> Result<LostValues, AppError> {
        let defaults = default_stages(crm);
        let is_default = |s: &str| defaults.iter().any(|(d, _)| d.eq_ignore_ascii_case(s));
        let lost: Vec<&String> = mapping
            .stages
            .iter()
            .filter(|(_, to)| to.trim().eq_ignore_ascii_case("lost"))
            .map(|(from, _)| from)
            .collect();
        let stage = lost
            .iter()
            .find(|s| !is_default(s))
            .or_else(|| lost.first())
            .map(|s| s.trim().to_string())
            .or_else(|| {
                defaults
                    .iter()
                    .find(|(_, to)| *to == "lost")
                    .map(|(s, _)| s.to_string())
            })
            .unwrap_or_else(|| "Closed Lost".into());
        let mut reasons = Vec::new();
        for (value, reason) in &mapping.lost_reasons {
            reasons.push((LostReason::parse(reason)?, value.trim().to_string()));
        }
        Ok(LostValues {
            crm,
            stage,
            own_lost: lost
                .iter()
                .filter(|s| !is_default(s))
                .map(|s| s.trim().to_string())
                .collect(),
            by_pipeline: mapping
                .lost_stages
                .iter()
                .map(|(p, s)| (p.trim().to_string(), s.trim().to_string()))
                .collect(),
            reasons,
        })
    }

    /// The CRM's closed-lost stage for a deal in `pipeline` (as imported, when the export had
    /// it): the mapping's `lost_stages` for that pipeline; else, in HubSpot's default pipeline
    /// (or one not known) or in a CRM whose stages are not per pipeline, the one lost stage
    /// ([`LostValues`] says which; Pipedrive closes by status, section 3.4).
    ///
    /// Errors, for HubSpot, whose pipelines each have stages of their own (a stage of another
    /// pipeline is refused, or moves the deal): a deal in another pipeline that `lost_stages`
    /// does not name; several stages of the team's own mapped to `lost` and none said to be
    /// this pipeline's.
    pub fn stage_for(&self, pipeline: Option<&str>) -> Result<String, String> {
        if let Some(p) = pipeline
            && let Some((_, stage)) = self
                .by_pipeline
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(p.trim()))
        {
            return Ok(stage.clone());
        }
        let other_pipeline =
            self.crm == Crm::HubSpot && pipeline.is_some_and(|p| !default_pipeline(p));
        if other_pipeline {
            return Err(format!(
                "it is in the pipeline {:?}, whose closed-lost stage the mapping does not name: add it under lost_stages (`\"{}\" = \"its lost stage\"`) and export again",
                pipeline.unwrap_or_default(),
                pipeline.unwrap_or_default()
            ));
        }
        if self.crm == Crm::HubSpot && self.own_lost.len() > 1 {
            return Err(format!(
                "the mapping maps several stages to lost ({}): say which is this pipeline's under lost_stages and export again",
                self.own_lost.join(", ")
            ));
        }
        Ok(self.stage.clone())
    }

    /// The CRM value for `reason`: `imported` (the CRM's text as last imported) when given,
    /// else the mapping's, else the reason in words.
    pub fn reason(&self, reason: LostReason, imported: Option<&str>) -> String {
        if let Some(text) = imported.map(str::trim).filter(|t| !t.is_empty()) {
            return text.to_string();
        }
        if let Some((_, value)) = self.reasons.iter().find(|(r, _)| *r == reason) {
            return value.clone();
        }
        let words = reason.as_str().replace('_', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

/// A cell as written: one that a spreadsheet would read as a formula (it starts with `=`,
/// `+`, `-` or `@`) gets a leading `'`, the guard Data Loader writes in its own files (CRM
/// formats note, section 2.2) and Rekindle's CRM import strips (section 4). Pipedrive's
/// importer takes no formulas (3.2), and a file of any of the three opened in a spreadsheet
/// before its import would run one; the CRM keeps the `'` as text.
fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// A CSV file: `header`, then `rows`, each cell through [`cell`].
fn csv_bytes(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(format!("writing the export: {e}"));
    w.write_record(header).map_err(fail)?;
    for r in rows {
        w.write_record(r.iter().map(|c| cell(c).into_owned()))
            .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(format!("writing the export: {e}")))
}

fn play_words(row: &ScanRow) -> String {
    row.assessment
        .next_action
        .play
        .map(|p| p.as_str().replace('_', " "))
        .unwrap_or_else(|| "follow up".into())
}

/// A note's text: the state, risk, each signal with its first evidence, the likely cause.
fn diagnosis_text(row: &ScanRow) -> String {
    let a = &row.assessment;
    let mut text = format!(
        "Rekindle diagnosis: {}, risk {}.",
        a.state.as_str().replace('_', " "),
        a.risk
    );
    for s in &a.signals {
        text.push_str(&format!(" {}.", s.summary));
    }
    if let Some(cause) = a.diagnosis.first() {
        text.push_str(&format!(" Likely cause: {}.", cause.explanation));
    }
    text.push_str(&format!(
        " Next: {} ({}).",
        play_words(row),
        a.next_action.why
    ));
    text
}

/// Builds the export at `now`: the next actions due on deals that came from `crm` (with
/// their drafts, when `composer` can draft them), the diagnosis of those at risk, and the deals
/// closed lost here; what was exported before is skipped. Nothing is written or remembered:
/// the front-end writes `files`, then calls [`mark_exported`] with `keys`.
///
/// Errors: the store's.
pub async fn export(
    store: &Store,
    caller: &Caller,
    now: Timestamp,
    composer: &Composer,
    request: ExportRequest,
) -> Result<Exported, AppError> {
    let crm = request.crm.as_str();
    let lost_values = LostValues::new(request.crm, &request.mapping)?;
    let done = store.crm_exported(crm).await?;
    let deal_ids: BTreeMap<i64, String> = store
        .crm_links(crm, "deals")
        .await?
        .into_iter()
        .map(|l| (l.local, l.external))
        .collect();
    let contact_ids: BTreeMap<i64, String> = store
        .crm_links(crm, "contacts")
        .await?
        .into_iter()
        .map(|l| (l.local, l.external))
        .collect();
    let scan = pipeline::scan(store, caller, now).await?;
    let mut out = Exported {
        crm: crm.to_string(),
        files: Vec::new(),
        tasks: 0,
        notes: 0,
        deal_updates: 0,
        skipped: Vec::new(),
        not_from_crm: 0,
        keys: Vec::new(),
    };
    let mut tasks = Vec::new();
    let mut notes = Vec::new();
    if request.tasks {
        for row in scan.due(now) {
            let Some(external) = deal_ids.get(&row.deal_id.0) else {
                out.not_from_crm += 1;
                continue;
            };
            let a = &row.assessment;
            let day = time::date_of(a.next_action.due);
            let key = format!("task:{}:{}:{day}", row.deal_id, play_words(row));
            if done.contains(&key) {
                out.skipped.push(format!(
                    "the {} task for {} due {day}",
                    play_words(row),
                    row.title
                ));
                continue;
            }
            let mut body = format!("{} (Rekindle, {}).", a.next_action.why, play_words(row));
            let mut contact = None;
            if let Ok(d) =
                crate::drafts::draft(store, caller, composer, row.deal_id, None, now).await
            {
                body.push_str(&format!(
                    "\n\nDraft - {}\n\n{}",
                    d.draft.subject, d.draft.body
                ));
                let to = d.draft.to.email.as_deref();
                contact = d
                    .view
                    .record
                    .contacts
                    .iter()
                    .find(|c| c.emails.iter().any(|e| Some(e.as_str()) == to))
                    .map(|c| c.id.0);
            }
            let contact_external = contact.and_then(|c| contact_ids.get(&c).cloned());
            tasks.push(Task {
                deal_external: external.clone(),
                contact_external,
                owner: row.owner.clone(),
                title: format!("Rekindle: {} - {}", play_words(row), row.title),
                kind: "email",
                priority: match a.state {
                    DealState::Dark => 0,
                    DealState::Slipping => 1,
                    _ => 2,
                },
                due: a.next_action.due.max(now),
                body,
            });
            out.keys.push(key);
        }
    }
    if request.notes {
        for row in scan.worst_first() {
            let a = &row.assessment;
            if a.state == DealState::Healthy || a.signals.is_empty() {
                continue;
            }
            let Some(external) = deal_ids.get(&row.deal_id.0) else {
                continue;
            };
            let mut kinds: Vec<&str> = a.signals.iter().map(|s| s.kind.as_str()).collect();
            kinds.sort();
            let key = format!(
                "note:{}:{}:{}",
                row.deal_id,
                a.state.as_str(),
                kinds.join(",")
            );
            if done.contains(&key) {
                out.skipped
                    .push(format!("the diagnosis note for {}", row.title));
                continue;
            }
            notes.push(Note {
                deal_external: external.clone(),
                title: "Rekindle diagnosis",
                body: diagnosis_text(row),
            });
            out.keys.push(key);
        }
    }
    let mut updates = Vec::new();
    if request.lost_reasons {
        for link in store.crm_links(crm, "deals").await? {
            let record = match store.deal(rekindle_core::DealId(link.local)).await {
                Ok(r) => r,
                Err(_) => continue,
            };
            let d = &record.deal;
            if d.status != DealStatus::Lost {
                continue;
            }
            let Some(loss) = &d.loss else { continue };
            let imported: serde_json::Value =
                serde_json::from_str(&link.imported).unwrap_or_default();
            // The reason as imported: the CRM's text still says why (the import keeps it as
            // the note); the rep's own note is one that differs from it.
            let same_reason = imported["lost_reason"] == loss.reason.as_str();
            let crm_text = imported["lost_note"].as_str().filter(|_| same_reason);
            let rep_note = loss
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty() && Some(*n) != crm_text.map(str::trim));
            // Lost in the CRM already with this reason and no word of the rep's: nothing to
            // give back.
            if imported["status"] == "lost" && same_reason && rep_note.is_none() {
                continue;
            }
            let key = format!("deal:{}:lost:{}", link.local, loss.reason.as_str());
            if done.contains(&key) {
                out.skipped.push(format!("the lost update of {}", d.title));
                continue;
            }
            let pipeline = imported["pipeline"]
                .as_str()
                .filter(|p| !p.trim().is_empty())
                .map(str::to_string);
            let stage = match lost_values.stage_for(pipeline.as_deref()) {
                Ok(stage) => stage,
                Err(why) => {
                    out.skipped
                        .push(format!("the lost update of {}: {why}", d.title));
                    continue;
                }
            };
            let reason = lost_values.reason(loss.reason, crm_text);
            if let Some(n) = rep_note {
                notes.push(Note {
                    deal_external: link.external.clone(),
                    title: "Rekindle: closed lost",
                    body: format!("Closed lost in Rekindle ({reason}): {n}"),
                });
            }
            updates.push(DealUpdate {
                deal_external: link.external.clone(),
                stage,
                reason,
                pipeline,
            });
            out.keys.push(key);
        }
    }
    out.tasks = tasks.len();
    out.notes = notes.len();
    out.deal_updates = updates.len();
    let day = time::date_of(now);
    out.files = files(request.crm, day, &tasks, &notes, &updates)?;
    Ok(out)
}

/// Remembers what an export's files hold as exported, once they are written.
///
/// Errors: the store's.
pub async fn mark_exported(
    store: &Store,
    _caller: &Caller,
    exported: &Exported,
    now: Timestamp,
) -> Result<(), AppError> {
    Ok(store
        .crm_mark_exported(&exported.crm, &exported.keys, now)
        .await?)
}

fn hubspot_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M").to_string()
}

fn files(
    crm: Crm,
    day: jiff::civil::Date,
    tasks: &[Task],
    notes: &[Note],
    updates: &[DealUpdate],
) -> Result<Vec<ExportFile>, AppError> {
    let mut files = Vec::new();
    let priority = |p: u8, words: [&'static str; 3]| words[usize::from(p.min(2))];
    match crm {
        Crm::HubSpot => {
            // One row per deal: its task and its note side by side (a multi-object import);
            // a deal's notes (the diagnosis, the rep's word on its close) as one.
            let mut by_deal: BTreeMap<&str, (Option<&Task>, Option<Note>)> = BTreeMap::new();
            for t in tasks {
                by_deal.entry(&t.deal_external).or_default().0 = Some(t);
            }
            for n in notes {
                let slot = &mut by_deal.entry(&n.deal_external).or_default().1;
                match slot {
                    Some(have) => {
                        have.body.push_str("\n\n");
                        have.body.push_str(&n.body);
                    }
                    None => {
                        *slot = Some(Note {
                            deal_external: n.deal_external.clone(),
                            title: n.title,
                            body: n.body.clone(),
                        })
                    }
                }
            }
            let rows: Vec<Vec<String>> = by_deal
                .iter()
                .map(|(deal, (t, n))| {
                    vec![
                        deal.to_string(),
                        t.map(|t| t.title.clone()).unwrap_or_default(),
                        t.map(|t| t.kind.to_uppercase()).unwrap_or_default(),
                        t.map(|t| priority(t.priority, ["HIGH", "MEDIUM", "LOW"]).to_string())
                            .unwrap_or_default(),
                        t.map(|t| hubspot_time(t.due)).unwrap_or_default(),
                        t.map(|t| t.body.clone()).unwrap_or_default(),
                        n.as_ref().map(|n| n.body.clone()).unwrap_or_default(),
                        n.as_ref()
                            .map(|_| format!("{day} 09:00"))
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                let name = format!("rekindle-hubspot-tasks-notes-{day}.csv");
                let header = HUBSPOT_TASKS_NOTES;
                files.push(ExportFile {
                    bytes: csv_bytes(header, &rows)?,
                    rows: rows.len(),
                    name: name.clone(),
                });
                files.push(ExportFile {
                    name: format!("rekindle-hubspot-tasks-notes-{day}.importRequest.json"),
                    bytes: hubspot_import_request(&name, day).into_bytes(),
                    rows: 0,
                });
            }
            // Deals whose pipeline came with them name it, so the closed-lost stage is found
            // in their own pipeline; deals imported without one keep the file without the
            // column (an empty Pipeline cell would mean the default pipeline).
            let (named, unnamed): (Vec<&DealUpdate>, Vec<&DealUpdate>) =
                updates.iter().partition(|u| u.pipeline.is_some());
            if !named.is_empty() {
                let rows: Vec<Vec<String>> = named
                    .iter()
                    .map(|u| {
                        vec![
                            u.deal_external.clone(),
                            u.pipeline.clone().unwrap_or_default(),
                            u.stage.clone(),
                            u.reason.clone(),
                        ]
                    })
                    .collect();
                files.push(ExportFile {
                    name: format!("rekindle-hubspot-deal-updates-{day}.csv"),
                    bytes: csv_bytes(
                        &["Record ID", "Pipeline", "Deal Stage", "Closed Lost Reason"],
                        &rows,
                    )?,
                    rows: rows.len(),
                });
            }
            if !unnamed.is_empty() {
                let rows: Vec<Vec<String>> = unnamed
                    .iter()
                    .map(|u| vec![u.deal_external.clone(), u.stage.clone(), u.reason.clone()])
                    .collect();
                let name = if named.is_empty() {
                    format!("rekindle-hubspot-deal-updates-{day}.csv")
                } else {
                    format!("rekindle-hubspot-deal-updates-no-pipeline-{day}.csv")
                };
                files.push(ExportFile {
                    name,
                    bytes: csv_bytes(&["Record ID", "Deal Stage", "Closed Lost Reason"], &rows)?,
                    rows: rows.len(),
                });
            }
        }
        Crm::Salesforce => {
            let mut rows: Vec<Vec<String>> = tasks
                .iter()
                .map(|t| {
                    vec![
                        t.deal_external.clone(),
                        t.contact_external.clone().unwrap_or_default(),
                        salesforce_user(&t.owner),
                        t.title.clone(),
                        time::date_of(t.due).to_string(),
                        "Not Started".into(),
                        priority(t.priority, ["High", "Normal", "Low"]).into(),
                        "Email".into(),
                        t.body.chars().take(32_000).collect(),
                    ]
                })
                .collect();
            rows.extend(notes.iter().map(|n| {
                vec![
                    n.deal_external.clone(),
                    String::new(),
                    String::new(),
                    n.title.into(),
                    day.to_string(),
                    "Completed".into(),
                    "Normal".into(),
                    "Other".into(),
                    n.body.chars().take(32_000).collect(),
                ]
            }));
            if !rows.is_empty() {
                files.push(ExportFile {
                    name: format!("Task-insert-{day}.csv"),
                    bytes: csv_bytes(SALESFORCE_TASK, &rows)?,
                    rows: rows.len(),
                });
                files.push(ExportFile {
                    name: format!("Task-insert-{day}.sdl"),
                    bytes: sdl(SALESFORCE_TASK).into_bytes(),
                    rows: 0,
                });
            }
            if !updates.is_empty() {
                // No `Description`: an update replaces it (the rep's note is a task above).
                let header = ["Id", "StageName", "Loss_Reason__c"];
                let rows: Vec<Vec<String>> = updates
                    .iter()
                    .map(|u| vec![u.deal_external.clone(), u.stage.clone(), u.reason.clone()])
                    .collect();
                files.push(ExportFile {
                    name: format!("Opportunity-update-{day}.csv"),
                    bytes: csv_bytes(&header, &rows)?,
                    rows: rows.len(),
                });
                files.push(ExportFile {
                    name: format!("Opportunity-update-{day}.sdl"),
                    bytes: sdl(&header).into_bytes(),
                    rows: 0,
                });
            }
        }
        Crm::Pipedrive => {
            let mut rows: Vec<Vec<String>> = tasks
                .iter()
                .map(|t| {
                    vec![
                        t.deal_external.clone(),
                        t.title.clone(),
                        "Email".into(),
                        time::date_of(t.due).to_string(),
                        t.due.strftime("%H:%M").to_string(),
                        t.owner.clone(),
                        "Undone".into(),
                        t.body.clone(),
                        String::new(),
                    ]
                })
                .collect();
            rows.extend(notes.iter().map(|n| {
                let mut r = vec![String::new(); PIPEDRIVE_ACTIVITIES.len()];
                r[0] = n.deal_external.clone();
                r[8] = n.body.clone();
                r
            }));
            if !rows.is_empty() {
                files.push(ExportFile {
                    name: format!("rekindle-pipedrive-activities-notes-{day}.csv"),
                    bytes: csv_bytes(PIPEDRIVE_ACTIVITIES, &rows)?,
                    rows: rows.len(),
                });
            }
            if !updates.is_empty() {
                let rows: Vec<Vec<String>> = updates
                    .iter()
                    .map(|u| vec![u.deal_external.clone(), "Lost".into(), u.reason.clone()])
                    .collect();
                files.push(ExportFile {
                    name: format!("rekindle-pipedrive-deal-updates-{day}.csv"),
                    bytes: csv_bytes(&["Deal - ID", "Deal - Status", "Deal - Lost reason"], &rows)?,
                    rows: rows.len(),
                });
            }
        }
    }
    Ok(files)
}

/// The HubSpot multi-object import columns (the note's sample import file).
pub const HUBSPOT_TASKS_NOTES: &[&str] = &[
    "Deal Record ID",
    "Task Title",
    "Task Type",
    "Task Priority",
    "Task Due Date",
    "Task Notes",
    "Note Body",
    "Activity Date",
];

/// The Data Loader Task insert columns (Salesforce Task API names).
pub const SALESFORCE_TASK: &[&str] = &[
    "WhatId",
    "WhoId",
    "OwnerId",
    "Subject",
    "ActivityDate",
    "Status",
    "Priority",
    "Type",
    "Description",
];

/// The Pipedrive spreadsheet import columns for an activity and a note on an existing deal.
pub const PIPEDRIVE_ACTIVITIES: &[&str] = &[
    "Deal - ID",
    "Activity - Subject",
    "Activity - Type",
    "Activity - Due date",
    "Activity - Due time",
    "Activity - Assigned to user",
    "Activity - Done",
    "Activity - Note",
    "Note - Content",
];

/// A Salesforce user id (`005...`) when the owner imported as one; else empty (Data Loader
/// then makes the loading user the owner).
fn salesforce_user(owner: &str) -> String {
    let o = owner.trim();
    if o.starts_with("005")
        && (o.len() == 15 || o.len() == 18)
        && o.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        o.to_string()
    } else {
        String::new()
    }
}

/// A Data Loader mapping file: `CsvHeader=ApiField` per column.
fn sdl(header: &[&str]) -> String {
    let mut s =
        String::from("#Mapping values for Data Loader: CSV column = Salesforce field (API name)\n");
    for h in header {
        s.push_str(&format!("{h}={h}\n"));
    }
    s
}

/// The `importRequest` of HubSpot's imports API for the tasks-and-notes file.
fn hubspot_import_request(file: &str, day: jiff::civil::Date) -> String {
    let map = |object: &str, column: &str, property: &str, kind: Option<&str>| {
        let mut m = serde_json::json!({ "columnObjectTypeId": object, "columnName": column, "propertyName": property });
        if let Some(k) = kind {
            m["columnType"] = serde_json::Value::from(k);
        }
        m
    };
    let request = serde_json::json!({
        "name": format!("Rekindle next actions {day}"),
        "dateFormat": "YEAR_MONTH_DAY",
        "importOperations": { "0-3": "UPDATE", "0-27": "CREATE", "0-46": "CREATE" },
        "files": [{
            "fileName": file,
            "fileFormat": "CSV",
            "fileImportPage": {
                "hasHeader": true,
                "columnMappings": [
                    map("0-3", "Deal Record ID", "hs_object_id", Some("HUBSPOT_OBJECT_ID")),
                    map("0-27", "Task Title", "hs_task_subject", None),
                    map("0-27", "Task Type", "hs_task_type", None),
                    map("0-27", "Task Priority", "hs_task_priority", None),
                    map("0-27", "Task Due Date", "hs_timestamp", None),
                    map("0-27", "Task Notes", "hs_task_body", None),
                    map("0-46", "Note Body", "hs_note_body", None),
                    map("0-46", "Activity Date", "hs_timestamp", None),
                ]
            }
        }]
    });
    serde_json::to_string_pretty(&request).unwrap_or_default()
}
