//! Bringing a team's CRM export in: `import` reads HubSpot, Salesforce or Pipedrive export
//! files (deals, contacts, companies, activities), each row typed or refused with its file,
//! line and column (`rekindle_ingest::crm`), and upserts every record by the CRM's id
//! (`Store::crm_import`): companies first, then contacts, deals and activities, so
//! associations between files imported together resolve whatever order they were named in.
//!
//! A ZIP of CSV files (HubSpot's large exports) is read as the files inside it.
//!
//! What is kept, and when: every file is opened and recognised before anything is written. An
//! import then commits in batches (5,000 records or 250 ms, whichever comes first), only
//! between whole records, each batch that changed something outdating the assessment read
//! model in its own transaction; other commands get a turn between batches. A crash or a
//! failure part-way keeps the batches committed before it and loses at most the batch in hand
//! (the error says up to which line of which file); importing the same files again ends with
//! the record one clean import makes, since every record is upserted by its CRM id. `strict`
//! (keep nothing when any row is refused) and `dry_run` (report what would change, keep
//! nothing) run in one transaction, rolled back at the end unless a strict import refused
//! nothing: they keep all or nothing.

use crate::{AppError, Caller};
use jiff::Timestamp;
use rekindle_core::crm::{CrmRecord, Prefer};
use rekindle_ingest::IngestError;
use rekindle_ingest::crm::map::{
    self, Columns, Field, Mapping, MappingFormat, Reading, RowReader, Settings,
};
use rekindle_ingest::crm::values::{self, DateOrder};
use rekindle_ingest::crm::{Crm, Object, archive::Export, detect};
use rekindle_store::{Conflict, CrmDealLink, CrmImport, CrmTransactions, Store, Upsert};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What to import and how.
#[derive(Clone, Debug, Default)]
pub struct ImportRequest {
    pub files: Vec<PathBuf>,
    /// The CRM, when the headers cannot say (a localized export).
    pub crm: Option<Crm>,
    pub mapping: Mapping,
    /// Keep nothing if any row is refused.
    pub strict: bool,
    /// Report what would change; keep nothing.
    pub dry_run: bool,
    pub prefer: Prefer,
}

/// Counts for one object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: usize,
    pub refused: usize,
    /// Rows left out by design (counted by reason in [`CrmSummary::left_out`]): activities
    /// not done yet (tasks and meetings ahead are not history), records the CRM deleted,
    /// leads it converted.
    pub skipped: usize,
}

impl Counts {
    /// Adds `other`'s counts to these.
    fn add(&mut self, other: &Counts) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.conflicts += other.conflicts;
        self.refused += other.refused;
        self.skipped += other.skipped;
    }
}

/// A row not brought in: where, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RefusedRow {
    pub file: String,
    pub line: u64,
    /// The column to blame, when one is.
    pub column: Option<String>,
    pub reason: String,
}

/// A record both sides changed since the last import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConflictRow {
    pub file: String,
    pub line: u64,
    /// The CRM's id of the record.
    pub id: String,
    pub fields: Vec<Conflict>,
}

/// One file read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileRead {
    pub file: String,
    pub object: String,
    pub rows: usize,
    /// Footer lines passed over (a Salesforce report's totals and notices).
    pub footer_lines: usize,
}

/// What an import did (or, in a dry run or a strict import that refused a row, would have
/// done).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrmSummary {
    pub crm: String,
    pub files: Vec<FileRead>,
    /// Per object (`companies`, `contacts`, `deals`, `activities`).
    pub objects: BTreeMap<String, Counts>,
    /// The refused rows, the first [`REFUSED_KEPT`] of them (memory stays bounded whatever
    /// the file: `refused_total` counts them all).
    pub refused: Vec<RefusedRow>,
    /// Every refused row, listed or not.
    pub refused_total: usize,
    /// Refused rows counted by reason, for up to [`REASONS_KEPT`] reasons; the rows of
    /// further reasons are counted under `other reasons`.
    pub refused_reasons: BTreeMap<String, usize>,
    /// Rows left out by design, counted by why.
    pub left_out: BTreeMap<String, usize>,
    pub conflicts: Vec<ConflictRow>,
    /// Things worth a look that refuse nothing (text that looks re-saved in the wrong
    /// encoding).
    pub warnings: Vec<String>,
    /// Whether the changes were kept (false for a dry run, or a strict import with refusals).
    pub kept: bool,
}

impl CrmSummary {
    /// An import of `crm`'s files that has read nothing yet, with `warnings` found in opening
    /// them; nothing kept until the import says so.
    pub fn new(crm: &str, warnings: Vec<String>) -> CrmSummary {
        CrmSummary {
            crm: crm.to_string(),
            files: Vec::new(),
            objects: BTreeMap::new(),
            refused: Vec::new(),
            refused_total: 0,
            refused_reasons: BTreeMap::new(),
            left_out: BTreeMap::new(),
            conflicts: Vec::new(),
            warnings,
            kept: false,
        }
    }

    /// Refused rows counted by reason, most frequent first.
    pub fn refused_by_reason(&self) -> Vec<(String, usize)> {
        let mut list: Vec<(String, usize)> = self
            .refused_reasons
            .iter()
            .map(|(r, n)| (r.clone(), *n))
            .collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list
    }

    /// Counts a refused row, and keeps it while fewer than [`REFUSED_KEPT`] are kept.
    pub fn refuse(&mut self, row: RefusedRow) {
        self.refused_total += 1;
        let known = self.refused_reasons.len();
        match self.refused_reasons.get_mut(&row.reason) {
            Some(n) => *n += 1,
            None if known < REASONS_KEPT => {
                self.refused_reasons.insert(row.reason.clone(), 1);
            }
            None => {
                *self
                    .refused_reasons
                    .entry("other reasons".into())
                    .or_default() += 1
            }
        }
        if self.refused.len() < REFUSED_KEPT {
            self.refused.push(row);
        }
    }
}

/// How many refused rows [`CrmSummary::lines`] lists one by one; the rest are counted.
pub const REFUSED_LISTED: usize = 50;

/// How many refused rows a summary keeps with their file, line, column and reason: 10,000
/// (a few MiB); past them, rows are counted. A file of millions of bad rows is read in
/// bounded memory.
pub const REFUSED_KEPT: usize = 10_000;

/// How many different reasons a summary counts rows under: 1,000; rows refused for reasons
/// past them are counted under `other reasons`.
pub const REASONS_KEPT: usize = 1_000;

/// The words a front-end gives the parts of a summary that point back at it, since the
/// summary's lines name no front-end's flag or field themselves.
#[derive(Clone, Copy, Debug)]
pub struct Wording<'a> {
    /// The strict option as the front-end names it (`--strict`, "Strict").
    pub strict: &'a str,
    /// Where every refused row can be read, said after the first [`REFUSED_LISTED`]
    /// (`--json lists every one`).
    pub every_refused: &'a str,
}

impl CrmSummary {
    /// The summary for people, one line each: whether it was imported or would be (a dry run,
    /// a strict import that refused rows) and from which CRM; per object the records created,
    /// updated, unchanged, in conflict, refused and left out; the warnings; the rows left out
    /// counted by reason (activities not done yet, deleted records, converted leads); the
    /// refused rows counted by reason, then the first [`REFUSED_LISTED`] with
    /// their file, line and column, the rest counted; each conflicting field with both values
    /// and the one kept; and, when nothing was kept, why (`dry_run`: the request was a dry
    /// run; otherwise the strict option refused it). What `rekindle import crm` prints and
    /// the dashboard shows.
    pub fn lines(&self, dry_run: bool, wording: &Wording<'_>) -> Vec<String> {
        let mut lines = Vec::new();
        let verb = if self.kept {
            "Imported"
        } else {
            "Would import"
        };
        lines.push(format!("{verb} from {}:", self.crm));
        for (object, c) in &self.objects {
            let skipped = if c.skipped > 0 {
                format!(", {} left out", c.skipped)
            } else {
                String::new()
            };
            lines.push(format!(
                "  {object}: {} created, {} updated, {} unchanged, {} in conflict, {} refused{skipped}",
                c.created, c.updated, c.unchanged, c.conflicts, c.refused
            ));
        }
        for w in &self.warnings {
            lines.push(format!("warning: {w}"));
        }
        if !self.left_out.is_empty() {
            lines.push("Left out, by reason:".into());
            for (reason, n) in &self.left_out {
                lines.push(format!("  {n} x {reason}"));
            }
        }
        if self.refused_total > 0 {
            lines.push("Refused, by reason:".into());
            for (reason, n) in self.refused_by_reason() {
                lines.push(format!("  {n} x {reason}"));
            }
            for r in self.refused.iter().take(REFUSED_LISTED) {
                let column = r
                    .column
                    .as_ref()
                    .map(|c| format!(", column {c:?}"))
                    .unwrap_or_default();
                lines.push(format!(
                    "  {}, line {}{column}: {}",
                    r.file, r.line, r.reason
                ));
            }
            if self.refused_total > REFUSED_LISTED {
                lines.push(format!(
                    "  and {} more ({})",
                    self.refused_total - REFUSED_LISTED.min(self.refused.len()),
                    wording.every_refused
                ));
            }
        }
        for c in &self.conflicts {
            for f in &c.fields {
                lines.push(format!(
                    "conflict: {}, line {} (id {}): {} is {} here and {} in the export; kept {}",
                    c.file, c.line, c.id, f.field, f.local, f.crm, f.kept
                ));
            }
        }
        if !self.kept {
            lines.push(if dry_run {
                "Dry run: nothing was changed.".to_string()
            } else {
                format!(
                    "{}: rows were refused, so nothing was changed.",
                    wording.strict
                )
            });
        }
        lines
    }
}

/// Reports rows as they are read.
pub trait CrmProgress: Send {
    /// `rows` more rows of `file` read.
    fn rows(&mut self, _file: &str, _rows: u64) {}
}

impl CrmProgress for () {}

fn order(object: Object) -> u8 {
    match object {
        Object::Companies => 0,
        Object::Contacts => 1,
        Object::Deals => 2,
        Object::Activities => 3,
    }
}

/// The object of a file whose headers only the mapping knows (a localized export): of the
/// objects whose mapped id column the file has, the one more of whose mapped columns it has
/// (one id header is often mapped for every object: `ID del registro`); `None` when none has
/// its id there, or two fit as well.
fn mapped_object(crm: Option<Crm>, mapping: &Mapping, headers: &[String]) -> Option<(Crm, Object)> {
    let crm = crm?;
    let has = |name: &str| headers.iter().any(|h| h.eq_ignore_ascii_case(name.trim()));
    let mut fits: Vec<(usize, Object)> = [
        Object::Companies,
        Object::Contacts,
        Object::Deals,
        Object::Activities,
    ]
    .into_iter()
    .filter_map(|o| {
        let table = mapping.columns.get(o.as_str())?;
        has(table.get("id")?).then(|| (table.values().filter(|h| has(h)).count(), o))
    })
    .collect();
    fits.sort_by_key(|f| std::cmp::Reverse(f.0));
    match fits[..] {
        [(_, o)] => Some((crm, o)),
        [(best, o), (next, _), ..] if best > next => Some((crm, o)),
        _ => None,
    }
}

fn source(e: IngestError) -> AppError {
    AppError::NothingImported(e)
}

/// A file's date order and decimal mark ([`styles_of`]).
type FileStyles = (Option<DateOrder>, Option<char>);

/// What a file's values say of how to read them, found in a first pass that stops once both
/// are settled: the day/month order of its slashed dates (`None` with `order` given: the
/// mapping's) and the decimal mark of its amounts (`None` with `decimal` given: the
/// mapping's).
///
/// Errors: the file cannot be read again.
fn styles_of(
    export: &Export,
    columns: &Columns,
    (order, decimal): FileStyles,
) -> Result<FileStyles, AppError> {
    let mut sheet = export.open().map_err(source)?;
    let dated: Vec<usize> = [
        Field::CloseDate,
        Field::ClosedOn,
        Field::Created,
        Field::StageEntered,
        Field::LastActivity,
        Field::LastContacted,
        Field::NextActivity,
        Field::At,
    ]
    .into_iter()
    .filter_map(|f| columns.header(f))
    .filter_map(|h| sheet.column(h))
    .collect();
    let amount = columns.header(Field::Amount).and_then(|h| sheet.column(h));
    // Dates settled: by the mapping, or there are none to settle (and so for amounts).
    let (mut order, mut dates_done) = (order, order.is_some() || dated.is_empty());
    let (mut decimal, mut amounts_done) = (decimal, decimal.is_some() || amount.is_none());
    while !(dates_done && amounts_done)
        && let Some(row) = sheet.next_row().map_err(source)?
    {
        if !dates_done {
            let cells = dated
                .iter()
                .filter_map(|&i| row.cells.get(i))
                .map(String::as_str);
            match values::infer_order(cells) {
                Ok(Some(o)) => (order, dates_done) = (Some(o), true),
                Ok(None) => {}
                // Both orders in one row: left to the rows themselves to be refused.
                Err(_) => dates_done = true,
            }
        }
        if !amounts_done
            && let Some(cell) = amount.and_then(|i| row.cells.get(i))
            && let Some(mark) = values::decimal_mark(cell)
        {
            (decimal, amounts_done) = (Some(mark), true);
        }
    }
    Ok((order, decimal))
}

/// Imports CRM export files at `now`. The records are written on the store's capture writer
/// inside `tokio::task::block_in_place`: call it on a multi-thread runtime.
///
/// Errors: a file cannot be opened or its headers match no CRM or object
/// ([`AppError::NothingImported`], naming the file and what was seen and expected); files of
/// different CRMs; a mapping that does not fit ([`AppError::Unfit`] naming its key): nothing
/// is kept. A failure while records are written (a file that cannot be read further, the
/// store's) is an [`AppError::Context`] saying what was kept: the batches committed before it,
/// up to a line of a file (nothing with `strict` or `dry_run`).
pub async fn import(
    store: &Store,
    _caller: &Caller,
    now: Timestamp,
    request: &ImportRequest,
    progress: &mut dyn CrmProgress,
) -> Result<CrmSummary, AppError> {
    let mapping_crm = request
        .mapping
        .crm
        .as_deref()
        .map(Crm::parse)
        .transpose()
        .map_err(|e| AppError::Unfit(format!("mapping crm: {e}")))?;
    let given = request.crm.or(mapping_crm);
    // A ZIP (HubSpot's large exports) is read as the CSV files inside it, in place.
    let mut exports: Vec<Export> = Vec::new();
    for path in &request.files {
        exports.extend(Export::all(path).map_err(source)?);
    }
    // Every file opened and recognised before anything is written.
    let mut files = Vec::new();
    let mut crm: Option<Crm> = None;
    let mut warnings = Vec::new();
    for export in &exports {
        let shown = &export.shown();
        let sheet = export.open().map_err(source)?;
        let (c, object) = match detect(&sheet.headers, given) {
            Ok(found) => found,
            Err(why) => mapped_object(given, &request.mapping, &sheet.headers)
                .ok_or_else(|| AppError::Unfit(format!("{shown}: {why}")))?,
        };
        if let Some(first) = crm
            && first != c
        {
            return Err(AppError::Unfit(format!(
                "{shown} is a {c} export, the files before it {first} exports: import one CRM at a time"
            )));
        }
        crm = Some(c);
        if sheet.dialect.mojibake {
            warnings.push(format!(
                "{shown}: some text looks re-saved in the wrong encoding (\"O‚ÄôConnor\" for \"O’Connor\"); it is kept as written"
            ));
        }
        files.push((export, shown.clone(), object, sheet.headers.clone()));
    }
    let Some(crm) = crm else {
        return Err(AppError::Unfit("no files to import".into()));
    };
    let settings = Settings::new(crm, &request.mapping, store.currency().await?)
        .map_err(|e| AppError::Unfit(e.to_string()))?;
    files.sort_by_key(|(_, _, o, _)| order(*o));
    let mut resolved = Vec::new();
    for (export, shown, object, headers) in &files {
        let columns = Columns::resolve(crm, *object, headers, &settings)
            .map_err(|why| AppError::Unfit(format!("{shown}: {why}")))?;
        let (date_order, decimal) = styles_of(
            export,
            &columns,
            (settings.date_order, settings.decimal_mark),
        )?;
        resolved.push((
            (*export).clone(),
            shown.clone(),
            *object,
            columns,
            (date_order, decimal),
        ));
    }

    let mut summary = CrmSummary::new(crm.as_str(), warnings);
    // A dry run and a strict import keep nothing unless all goes well: one transaction. An
    // import otherwise commits in batches between whole records, and says what it kept when it
    // stops part-way (the same import again ends as one clean run would).
    let whole = request.dry_run || request.strict;
    let mut import = store
        .crm_import(
            crm.as_str(),
            now,
            request.prefer,
            settings.currency,
            if whole {
                CrmTransactions::One
            } else {
                CrmTransactions::Batches
            },
        )
        .await?;
    let mut durable: Option<(String, u64)> = None;
    let keep = tokio::task::block_in_place(|| -> Result<bool, AppError> {
        let mut owner_ids = std::collections::BTreeSet::new();
        upsert_files(
            &mut import,
            &resolved,
            &settings,
            crm,
            &mut summary,
            &mut owner_ids,
            progress,
            &mut durable,
        )?;
        if !owner_ids.is_empty() {
            let shown: Vec<&str> = owner_ids.iter().take(5).map(String::as_str).collect();
            summary.warnings.push(format!(
                "deal owners are Salesforce user ids ({}{}): name them in the mapping file's [owners] table (rekindle import crm --init-mapping FILE writes one), or export the Owner's name",
                shown.join(", "),
                if owner_ids.len() > shown.len() { ", ..." } else { "" },
            ));
        }
        let keep = !request.dry_run && (!request.strict || summary.refused_total == 0);
        if keep {
            import.commit()?;
        } else {
            import.rollback()?;
        }
        Ok(keep)
    })
    .map_err(|e| e.context(kept(durable.as_ref())))?;
    summary.kept = keep;
    Ok(summary)
}

/// The files, in order, each row read, typed (or refused with its line and column) and
/// upserted through `import`, counted in `summary`; `owner_ids` gathers deal owners given as
/// Salesforce user ids; `durable` follows the last record a commit made durable (its file
/// and line).
///
/// Errors: a file cannot be read; the store's.
#[allow(clippy::too_many_arguments)]
fn upsert_files(
    import: &mut CrmImport,
    resolved: &[(Export, String, Object, Columns, FileStyles)],
    settings: &Settings,
    crm: Crm,
    summary: &mut CrmSummary,
    owner_ids: &mut std::collections::BTreeSet<String>,
    progress: &mut dyn CrmProgress,
    durable: &mut Option<(String, u64)>,
) -> Result<(), AppError> {
    let mut commits = import.commits();
    for (number, (export, shown, object, columns, (date_order, decimal))) in
        resolved.iter().enumerate()
    {
        let file = shown.clone();
        let mut sheet = export.open().map_err(source)?;
        let reader = RowReader {
            columns,
            settings,
            date_order: *date_order,
            decimal: *decimal,
            spreadsheet: sheet.dialect.spreadsheet,
        };
        // This file's counts, added to its object's when the file is read.
        let mut counts = Counts::default();
        let mut rows = 0usize;
        // New deals the export gives no amount: kept at 0 in the database's currency, and
        // said, with their lines.
        let mut no_amount = Noted::default();
        // New open deals the export gives no stage: put in the first stage, and said.
        let mut no_stage = Noted::default();
        // Deals the export names no company for (no company, and none of their contacts here
        // yet): under an account named from their title until an import names it, and said.
        let mut no_company = Noted::default();
        // Records an earlier export marked deleted, in this one again: linked as before.
        let mut back = Noted::default();
        // Records brought in before that the CRM has since deleted: kept here, said.
        let mut gone: Vec<String> = Vec::new();
        while let Some(row) = sheet.next_row().map_err(AppError::Source)? {
            rows += 1;
            if rows.is_multiple_of(1000) {
                progress.rows(&file, 1000);
            }
            let record = match reader.read(&row) {
                Ok(Reading::Record(r)) => r,
                Ok(Reading::LeftOut { id, why }) => {
                    counts.skipped += 1;
                    *summary.left_out.entry(why.to_string()).or_default() += 1;
                    if why == map::DELETED && import.deleted(object.as_str(), &id)?.is_some() {
                        gone.push(id);
                    }
                    continue;
                }
                Err(rejected) => {
                    counts.refused += 1;
                    summary.refuse(RefusedRow {
                        file: file.clone(),
                        line: rejected.line,
                        column: rejected.column,
                        reason: rejected.why,
                    });
                    continue;
                }
            };
            let record_id = match &record {
                CrmRecord::Company(c) => &c.id,
                CrmRecord::Contact(c) => &c.id,
                CrmRecord::Deal(d) => &d.id,
                CrmRecord::Activity(a) => &a.id,
            };
            // A record's id once per file: two rows of one record would overwrite each other.
            if let Some(first) = import.first_seen(number, record_id, row.line)? {
                counts.refused += 1;
                summary.refuse(RefusedRow {
                        file: file.clone(),
                        line: row.line,
                        column: None,
                        reason: format!(
                            "the id {record_id} appears again (first on line {first}): two rows of one record would overwrite each other"
                        ),
                    });
                continue;
            }
            let guessed_before = import.guessed_accounts();
            let restored_before = import.restored();
            let (id, done) = match &record {
                CrmRecord::Company(c) => (c.id.clone(), import.company(c)?),
                CrmRecord::Contact(c) => (c.id.clone(), import.contact(c)?),
                CrmRecord::Deal(d) => (d.id.clone(), import.deal(d)?),
                CrmRecord::Activity(a) => (a.id.clone(), import.activity(a)?),
            };
            if import.commits() != commits {
                commits = import.commits();
                *durable = Some((file.clone(), row.line));
            }
            if import.guessed_accounts() != guessed_before {
                no_company.add(row.line);
            }
            if import.restored() != restored_before {
                back.add(row.line);
            }
            if let (CrmRecord::Deal(d), Upsert::Created) = (&record, &done) {
                if d.amount.is_none() {
                    no_amount.add(row.line);
                }
                if d.stage.is_none() && d.status == rekindle_core::DealStatus::Open {
                    no_stage.add(row.line);
                }
            }
            if let CrmRecord::Deal(d) = &record
                && let Some(owner) = d.owner.as_deref()
                && crm == Crm::Salesforce
                && salesforce_user_id(owner)
            {
                owner_ids.insert(owner.to_string());
            }
            match done {
                Upsert::Created => counts.created += 1,
                Upsert::Updated(_) => counts.updated += 1,
                Upsert::Unchanged => counts.unchanged += 1,
                Upsert::Conflicts { conflicts, .. } => {
                    counts.conflicts += 1;
                    summary.conflicts.push(ConflictRow {
                        file: file.clone(),
                        line: row.line,
                        id,
                        fields: conflicts,
                    });
                }
                Upsert::Skipped(why) => {
                    counts.skipped += 1;
                    *summary.left_out.entry(why.to_string()).or_default() += 1;
                }
                Upsert::Refused(reason) => {
                    counts.refused += 1;
                    summary.refuse(RefusedRow {
                        file: file.clone(),
                        line: row.line,
                        column: None,
                        reason,
                    });
                }
            }
        }
        if !gone.is_empty() {
            let shown: Vec<&str> = gone.iter().take(5).map(String::as_str).collect();
            summary.warnings.push(format!(
                "{file}: {} brought in before {} deleted in {crm} ({}{}): kept here, and nothing is exported to {crm} for them any more; close or keep them",
                object.count(gone.len()),
                if gone.len() == 1 { "was" } else { "were" },
                shown.join(", "),
                if gone.len() > shown.len() { ", ..." } else { "" },
            ));
        }
        if let Some(lines) = no_amount.lines() {
            summary.warnings.push(format!(
                "{file}: {} no amount, kept at 0 {} until you set {} ({lines})",
                no_amount.new_deals("has", "have"),
                settings.currency,
                no_amount.them(),
            ));
        }
        if let Some(lines) = back.lines() {
            summary.warnings.push(format!(
                "{file}: {} an earlier export marked deleted {} here again ({lines}): linked as before, and exported to {crm} again",
                object.count(back.count),
                if back.count == 1 { "is" } else { "are" },
            ));
        }
        if let Some(lines) = no_company.lines() {
            summary.warnings.push(format!(
                "{file}: {} no company and none of {} contacts brought in: under an account named from the title until an import names one ({lines}); import the companies or contacts with the deals, or import the deals again after them",
                if no_company.count == 1 { "1 deal names".to_string() } else { format!("{} deals name", no_company.count) },
                if no_company.count == 1 { "its" } else { "their" },
            ));
        }
        if let Some(lines) = no_stage.lines() {
            summary.warnings.push(format!(
                "{file}: {} no stage in the export, put in the first stage, {}, until you move {} ({lines})",
                no_stage.new_deals("has", "have"),
                import.first_stage(),
                no_stage.them(),
            ));
        }
        progress.rows(&file, (rows % 1000) as u64);
        summary
            .objects
            .entry(object.as_str().to_string())
            .or_default()
            .add(&counts);
        summary.files.push(FileRead {
            file,
            object: object.as_str().to_string(),
            rows,
            footer_lines: sheet.footer.len(),
        });
    }
    Ok(())
}

/// What an import that stopped part-way kept: every record up to the line a commit made
/// durable (the files before it whole), or nothing.
/// Rows a warning names: how many, and the first ten lines (memory stays bounded whatever
/// the export's size).
#[derive(Default)]
struct Noted {
    count: usize,
    first: Vec<u64>,
}

impl Noted {
    fn add(&mut self, line: u64) {
        self.count += 1;
        if self.first.len() < 10 {
            self.first.push(line);
        }
    }

    /// "line 4" / "lines 4, 9, ..." when any row was noted.
    fn lines(&self) -> Option<String> {
        (self.count > 0).then(|| {
            let shown: Vec<String> = self.first.iter().map(u64::to_string).collect();
            format!(
                "line{} {}{}",
                if self.count == 1 { "" } else { "s" },
                shown.join(", "),
                if self.count > self.first.len() {
                    ", ..."
                } else {
                    ""
                }
            )
        })
    }

    /// "1 new deal has" / "3 new deals have".
    fn new_deals(&self, one: &str, many: &str) -> String {
        match self.count {
            1 => format!("1 new deal {one}"),
            n => format!("{n} new deals {many}"),
        }
    }

    fn them(&self) -> &'static str {
        if self.count == 1 { "it" } else { "them" }
    }
}

fn kept(durable: Option<&(String, u64)>) -> String {
    match durable {
        None => "the import stopped and changed nothing".into(),
        Some((file, line)) => format!(
            "the import stopped; kept: every record up to line {line} of {file} and the files before it (importing the same files again ends as one clean import would)"
        ),
    }
}

/// Whether `owner` is a Salesforce user id (a Data Loader export's `OwnerId`): 15 or 18
/// letters and digits starting with `005`, the User object's key prefix (Salesforce, "Standard
/// Field Record ID Prefix Decoder").
fn salesforce_user_id(owner: &str) -> bool {
    matches!(owner.len(), 15 | 18)
        && owner.starts_with("005")
        && owner.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The CRM records deal `id` was brought in from (usually one), with what each CRM said of
/// its activity at the last import: what `rekindle show` and the deal page list.
///
/// Errors: the store's.
pub async fn records_of(
    store: &Store,
    _caller: &Caller,
    id: rekindle_core::DealId,
) -> Result<Vec<CrmDealLink>, AppError> {
    Ok(store.crm_deal_links(id).await?)
}

/// A deal's CRM record in one line, as the CLI and the deal page show it: the CRM and the
/// record's id there, then what the CRM said of its activity (UTC days) as of the import that
/// last changed it: `salesforce 006Hs00000K2xQaIAJ: last activity 2025-02-18, next activity
/// due 2025-03-01 (as imported 2026-11-30)`. These are the CRM's words, not touches.
pub fn record_line(link: &CrmDealLink) -> String {
    let day = |t: Timestamp| rekindle_core::time::date_of(t).to_string();
    let said: Vec<String> = [
        ("last activity", link.last_activity),
        ("last contacted", link.last_contacted),
        ("next activity due", link.next_activity),
    ]
    .into_iter()
    .filter_map(|(what, on)| on.map(|d| format!("{what} {d}")))
    .collect();
    let said = if said.is_empty() {
        "no activity dates in the export".to_string()
    } else {
        said.join(", ")
    };
    let deleted = link
        .deleted_at
        .map(|t| {
            format!(
                "; deleted in {} (found {}): nothing is exported there for it",
                link.crm,
                day(t)
            )
        })
        .unwrap_or_default();
    format!(
        "{} {}: {said} (as imported {}){deleted}",
        link.crm,
        link.id,
        day(link.imported_at)
    )
}

/// The mapping file a CRM's exports start from: its default pipeline's stages and every
/// standard header, as TOML for the user to edit.
pub fn default_mapping(crm: Crm, format: MappingFormat) -> String {
    Mapping::defaults(crm).to_text(format)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(n: u64) -> RefusedRow {
        RefusedRow {
            file: "deals.csv".into(),
            line: n + 1,
            column: (n == 1).then(|| "Amount".to_string()),
            reason: if n == 1 {
                "bad amount"
            } else {
                "stage is empty"
            }
            .into(),
        }
    }

    #[test]
    fn refused_rows_past_the_kept_ones_are_counted_not_kept() {
        let mut summary = CrmSummary::new("hubspot", Vec::new());
        let rows = REFUSED_KEPT + 50;
        for line in 0..rows {
            summary.refuse(RefusedRow {
                file: "deals.csv".into(),
                line: line as u64 + 2,
                column: None,
                reason: format!("reason {line}"),
            });
        }
        assert_eq!(summary.refused_total, rows);
        assert_eq!(summary.refused.len(), REFUSED_KEPT);
        assert_eq!(summary.refused_reasons.len(), REASONS_KEPT + 1);
        assert_eq!(
            summary.refused_reasons["other reasons"],
            rows - REASONS_KEPT
        );
        let lines = summary.lines(
            false,
            &Wording {
                strict: "Strict",
                every_refused: "see the answer",
            },
        );
        assert!(
            lines.contains(&format!(
                "  and {} more (see the answer)",
                rows - REFUSED_LISTED
            )),
            "{lines:?}"
        );
    }

    #[test]
    fn the_lines_list_the_first_refused_rows_count_the_rest_and_say_why_nothing_was_kept() {
        let mut summary = CrmSummary::new("hubspot", vec!["deals.csv: a warning".into()]);
        summary.objects.insert(
            "deals".to_string(),
            Counts {
                created: 2,
                refused: 60,
                ..Counts::default()
            },
        );
        for line in 1..=60 {
            summary.refuse(refused(line));
        }
        let wording = Wording {
            strict: "Strict",
            every_refused: "the answer lists the first 10,000",
        };
        let lines = summary.lines(false, &wording);
        assert_eq!(lines[0], "Would import from hubspot:");
        assert_eq!(
            lines[1],
            "  deals: 2 created, 0 updated, 0 unchanged, 0 in conflict, 60 refused"
        );
        assert_eq!(lines[2], "warning: deals.csv: a warning");
        assert_eq!(lines[3], "Refused, by reason:");
        assert_eq!(lines[4], "  59 x stage is empty");
        assert_eq!(lines[5], "  1 x bad amount");
        assert_eq!(
            lines[6],
            "  deals.csv, line 2, column \"Amount\": bad amount"
        );
        let listed = lines
            .iter()
            .filter(|l| l.starts_with("  deals.csv, line "))
            .count();
        assert_eq!(listed, REFUSED_LISTED);
        assert!(lines.contains(&"  and 10 more (the answer lists the first 10,000)".to_string()));
        assert_eq!(
            lines.last().unwrap(),
            "Strict: rows were refused, so nothing was changed."
        );
        assert_eq!(
            summary.lines(true, &wording).last().unwrap(),
            "Dry run: nothing was changed."
        );
        summary.kept = true;
        let kept = summary.lines(false, &wording);
        assert_eq!(kept[0], "Imported from hubspot:");
        assert!(!kept.last().unwrap().contains("nothing was changed"));
    }
}
