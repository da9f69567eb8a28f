//! A CRM export uploaded from the Import page or sent to `POST /api/v1/imports`: the options
//! `rekindle import crm` takes that make sense over HTTP (the CRM when the headers cannot say,
//! dry run, strict, which side wins a conflict, a mapping file), read from form fields or query
//! parameters by one parser, and the import through `rekindle_app::crm::import`, its summary
//! naming each file as it was uploaded.

use super::{Failure, Upload};
use axum::http::StatusCode;
use jiff::Timestamp;
use rekindle_app::crm::{self, CrmProgress, CrmSummary, ImportRequest, Wording};
use rekindle_app::{Caller, ErrorKind};
use rekindle_core::crm::Prefer;
use rekindle_ingest::crm::Crm;
use rekindle_ingest::crm::map::Mapping;
use rekindle_store::Store;

/// The largest mapping file read, in bytes: 1 MiB, as `rekindle import crm --mapping` reads.
pub const MAX_MAPPING: usize = 1024 * 1024;

/// How the Import page names what a summary points back at.
pub const PAGE_WORDING: Wording<'static> = Wording {
    strict: "Strict",
    every_refused: "POST /api/v1/imports answers with the first 10,000, all counted by reason",
};

/// How the API's summary names what it points back at.
pub const API_WORDING: Wording<'static> = Wording {
    strict: "strict",
    every_refused: "summary.refused lists the first 10,000; summary.refused_reasons counts them all",
};

/// A CRM export's options, as `rekindle import crm` takes them.
#[derive(Clone, Debug, Default)]
pub struct CrmOptions {
    /// The CRM, when the headers cannot say (a localized export); `None`: told from them.
    pub crm: Option<Crm>,
    /// Report what would change; keep nothing (`--dry-run`).
    pub dry_run: bool,
    /// Keep nothing if any row is refused (`--strict`).
    pub strict: bool,
    /// Which value a field both sides changed keeps (`--prefer local|crm`).
    pub prefer: Prefer,
    /// The mapping file's contents (`--mapping`); the CRM's defaults when none is given.
    pub mapping: Mapping,
}

fn invalid(field: &'static str, detail: String) -> Failure {
    Failure::new(StatusCode::UNPROCESSABLE_ENTITY, detail).on(field)
}

/// A yes/no option: `on` (a ticked checkbox), `true`, `1`, `yes`; `off`, `false`, `0`, `no`
/// or empty.
fn yes_no(field: &'static str, value: &str) -> Result<bool, Failure> {
    match value.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "" | "off" | "false" | "0" | "no" => Ok(false),
        other => Err(invalid(
            field,
            format!("{field} {other:?} is neither true nor false"),
        )),
    }
}

impl CrmOptions {
    /// Sets the option a form field or query parameter `name` holds: `crm` (`hubspot`,
    /// `salesforce`, `pipedrive`; empty or `auto`: told from the headers), `dry_run`,
    /// `strict` (see [`yes_no`]) or `prefer` (`local` or `crm`). Other names are left alone.
    ///
    /// Errors: a value that does not parse (422, naming the field).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), Failure> {
        match name {
            "crm" => {
                let value = value.trim();
                self.crm = if value.is_empty() || value.eq_ignore_ascii_case("auto") {
                    None
                } else {
                    Some(Crm::parse(value).map_err(|e| invalid("crm", format!("crm: {e}")))?)
                };
            }
            "dry_run" => self.dry_run = yes_no("dry_run", value)?,
            "strict" => self.strict = yes_no("strict", value)?,
            "prefer" => {
                self.prefer = match value.trim().to_ascii_lowercase().as_str() {
                    "" | "local" => Prefer::Local,
                    "crm" => Prefer::Crm,
                    other => {
                        return Err(invalid("prefer", format!("prefer {other:?}: local or crm")));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Reads an uploaded mapping file `name` (TOML, as `--mapping` reads it: the file
    /// `rekindle import crm --init-mapping` writes).
    ///
    /// Errors: not UTF-8 text, or not a mapping (422, naming the file as uploaded and the
    /// `mapping` field).
    pub fn mapping_file(&mut self, name: &str, bytes: &[u8]) -> Result<(), Failure> {
        let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let name = if name.is_empty() {
            "the mapping file"
        } else {
            name
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|_| invalid("mapping", format!("{name}: not UTF-8 text")))?;
        self.mapping = Mapping::parse_as(text, rekindle_ingest::crm::map::MappingFormat::of(name))
            .map_err(|e| invalid("mapping", format!("{name}: {e}")))?;
        Ok(())
    }
}

/// Imports `upload`'s files as one CRM export with `options` at `now` (`rekindle import crm`'s
/// use case), its rows counted to `progress`; the summary names each file as uploaded (a
/// ZIP's as `archive.zip:entry.csv`).
///
/// Errors: the use case's, as a [`Failure`] with its status, the temporary folders taken out
/// of its text, and the field to blame: `mapping` for a mapping that does not fit, `file` for
/// a file that cannot be read or matches no CRM (its text names the file and the headers it
/// saw).
pub async fn import(
    upload: &Upload,
    store: &Store,
    caller: &Caller,
    options: &CrmOptions,
    now: Timestamp,
    progress: &mut dyn CrmProgress,
) -> Result<CrmSummary, Failure> {
    let request = ImportRequest {
        files: upload.files.iter().map(|f| f.path.clone()).collect(),
        crm: options.crm,
        mapping: options.mapping.clone(),
        strict: options.strict,
        dry_run: options.dry_run,
        prefer: options.prefer,
    };
    let mut summary = crm::import(store, caller, now, &request, progress)
        .await
        .map_err(|e| {
            let failure = upload.failure(&e);
            match e.kind() {
                ErrorKind::Invalid if failure.detail.starts_with("mapping ") => {
                    failure.on("mapping")
                }
                ErrorKind::Invalid => failure.on("file"),
                _ => failure,
            }
        })?;
    for f in &mut summary.files {
        f.file = upload.shown(&f.file);
    }
    for r in &mut summary.refused {
        r.file = upload.shown(&r.file);
    }
    for c in &mut summary.conflicts {
        c.file = upload.shown(&c.file);
    }
    for w in &mut summary.warnings {
        *w = upload.shown(w);
    }
    Ok(summary)
}
