//! Files received over HTTP and imported through the use cases the CLI's `import` commands
//! call: the Import page's form (`pages::import`) and `POST /api/v1/imports` (`api::import`)
//! both write what arrives to a temporary folder here ([`Upload`]), at most [`MAX_UPLOAD`]
//! bytes, tell its [`Kind`] from its name or media type, and import it: mail and calendars
//! through `rekindle_app::capture`, a CRM export through `rekindle_app::crm` with its
//! options ([`crm`]). A failure is a [`Failure`]: a status and a text in which no temporary
//! folder shows, so a file is named as it was uploaded.

pub mod crm;

use axum::http::StatusCode;
use axum::response::Response;
use crm::CrmOptions;
use jiff::Timestamp;
use rekindle_app::capture::{self, Progress, Summary};
use rekindle_app::crm::{CrmProgress, CrmSummary};
use rekindle_app::{AppError, Caller};
use rekindle_store::Store;
use std::io::Write;
use std::path::PathBuf;

/// The largest upload accepted, in bytes: 1 GiB (2^30). A page or API upload over it is
/// refused with 413 and nothing is imported.
pub const MAX_UPLOAD: u64 = 1 << 30;

/// What an uploaded file is imported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An mbox or one message: `rekindle import mail`.
    Mail,
    /// An iCalendar file: `rekindle import calendar`.
    Calendar,
    /// A CRM's export (HubSpot, Salesforce, Pipedrive): `rekindle import crm`.
    Crm,
}

/// The media types a CRM export is sent as, each with the name its body gets: CSV (RFC 4180),
/// Office Open XML and Excel 97-2003 workbooks, OpenDocument spreadsheets (IANA media types
/// registry) and HubSpot's ZIP of CSV files. The reader tells them apart by their bytes, not
/// by the name.
pub const CRM_MEDIA_TYPES: &[(&str, &str)] = &[
    ("text/csv", "upload.csv"),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "upload.xlsx",
    ),
    ("application/vnd.ms-excel", "upload.xls"),
    (
        "application/vnd.oasis.opendocument.spreadsheet",
        "upload.ods",
    ),
    ("application/zip", "upload.zip"),
];

impl Kind {
    /// The kind a file's name says (`.mbox`, `.mbx`, `.eml` for mail; `.ics` for a calendar;
    /// `.csv`, `.xlsx`, `.xls`, `.ods`, `.zip` for a CRM export), ASCII case ignored; `None`
    /// for any other name.
    pub fn of_name(name: &str) -> Option<Kind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "mbox" | "mbx" | "eml" => Some(Kind::Mail),
            "ics" => Some(Kind::Calendar),
            "csv" | "xlsx" | "xls" | "ods" | "zip" => Some(Kind::Crm),
            _ => None,
        }
    }

    /// The kind a media type names: `application/mbox` (RFC 4155) or `message/rfc822` (RFC
    /// 5322) for mail, `text/calendar` (RFC 5545) for a calendar, one of [`CRM_MEDIA_TYPES`]
    /// for a CRM export; parameters ignored.
    pub fn of_media_type(media_type: &str) -> Option<Kind> {
        let t = essence(media_type);
        match t.as_str() {
            "application/mbox" | "message/rfc822" => Some(Kind::Mail),
            "text/calendar" => Some(Kind::Calendar),
            _ if CRM_MEDIA_TYPES.iter().any(|(m, _)| *m == t) => Some(Kind::Crm),
            _ => None,
        }
    }

    /// The name a body of this media type gets when the upload names none (the API's body):
    /// `upload.mbox`, `upload.eml`, `upload.ics`, `upload.csv`...
    pub fn default_name(media_type: &str) -> &'static str {
        let t = essence(media_type);
        match t.as_str() {
            "message/rfc822" => "upload.eml",
            "text/calendar" => "upload.ics",
            _ => CRM_MEDIA_TYPES
                .iter()
                .find(|(m, _)| *m == t)
                .map(|(_, name)| *name)
                .unwrap_or("upload.mbox"),
        }
    }

    /// The kind in words, as the job's page shows it.
    pub fn words(self) -> &'static str {
        match self {
            Kind::Mail => "mail",
            Kind::Calendar => "calendar",
            Kind::Crm => "CRM export",
        }
    }

    /// The kind as the API names it: `mail`, `calendar`, `crm`.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Mail => "mail",
            Kind::Calendar => "calendar",
            Kind::Crm => "crm",
        }
    }
}

/// A media type without its parameters, lower case.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The message for a file of another kind.
pub fn wrong_kind(name: &str) -> String {
    format!(
        "{name} is not a file Rekindle imports: upload mail as an mbox (.mbox, .mbx) or one message (.eml), a calendar as .ics, or a CRM export as .csv, .xlsx, .xls, .ods or HubSpot's .zip"
    )
}

/// What the form asks for when no file was chosen.
pub(crate) const CHOOSE: &str =
    "choose a file to import: an mbox, an .eml message, an .ics calendar or a CRM export";

/// The message for an upload over [`MAX_UPLOAD`].
pub fn too_large() -> String {
    "the upload is larger than 1 GiB, the most the dashboard takes: import it with `rekindle import mail`, `rekindle import calendar` or `rekindle import crm`".to_string()
}

/// Why an upload or its import failed: the HTTP status and the detail in words (the
/// temporary folder taken out, so it names the file as uploaded).
#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    pub detail: String,
    /// The form field or query parameter to blame, when one is (`file`, `crm`, `mapping`...).
    pub field: Option<&'static str>,
}

impl Failure {
    pub(crate) fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Failure {
            status,
            detail: detail.into(),
            field: None,
        }
    }

    /// The same failure, blamed on `field`.
    pub(crate) fn on(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    pub(crate) fn internal(what: &str, e: impl std::fmt::Display) -> Self {
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{what}: {e}"))
    }

    /// A use case's failure: its status ([`rekindle_app::ErrorKind::http_status`]) and text.
    fn of(e: &AppError) -> Self {
        Failure::new(
            StatusCode::from_u16(e.kind().http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            e.to_string(),
        )
    }

    /// The failure as an HTML page.
    pub fn page(&self) -> Response {
        crate::error::error_page(self.status, &self.detail)
    }
}

/// One file of an upload: where it was written and the name it was uploaded as (its last
/// path segment).
pub struct Received {
    pub path: PathBuf,
    pub name: String,
}

/// An upload written to a temporary folder (removed when this is dropped): one file, or
/// several of one kind (a CRM's deals, contacts, companies and activities).
pub struct Upload {
    dir: tempfile::TempDir,
    pub files: Vec<Received>,
    pub kind: Kind,
    /// The bytes received, all files together.
    pub bytes: u64,
}

impl Upload {
    /// A temporary folder for an upload of `kind`.
    ///
    /// Errors: the folder cannot be made (500).
    pub fn new(kind: Kind) -> Result<Upload, Failure> {
        let dir = tempfile::Builder::new()
            .prefix("rekindle-upload-")
            .tempdir()
            .map_err(|e| Failure::internal("a temporary folder for the upload", e))?;
        Ok(Upload {
            dir,
            files: Vec::new(),
            kind,
            bytes: 0,
        })
    }

    /// A file in the folder for the upload's next file, named `name` (only its last path
    /// segment is kept; `fallback` when that is empty, `.` or `..`).
    ///
    /// Errors: a file of that name is in the upload already (422, naming it); the file cannot
    /// be made (500).
    pub fn create(&mut self, name: &str, fallback: &str) -> Result<std::fs::File, Failure> {
        let base = name
            .rsplit(['/', '\\'])
            .next()
            .filter(|b| !b.is_empty() && *b != "." && *b != "..")
            .unwrap_or(fallback)
            .to_string();
        if self.files.iter().any(|f| f.name == base) {
            return Err(Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("two files are named {base}: rename one and upload them again"),
            )
            .on("file"));
        }
        let path = self.dir.path().join(&base);
        let file = std::fs::File::create(&path).map_err(|e| {
            Failure::internal(&format!("writing {base}"), e)
                .without_folder(self.dir.path())
                .on("file")
        })?;
        self.files.push(Received { path, name: base });
        Ok(file)
    }

    /// Appends `chunk` to the file.
    ///
    /// Errors: 413 when the upload grows over [`MAX_UPLOAD`]; 500 when the disk refuses it.
    pub fn write(&mut self, file: &mut std::fs::File, chunk: &[u8]) -> Result<(), Failure> {
        self.bytes += chunk.len() as u64;
        if self.bytes > MAX_UPLOAD {
            return Err(Failure::new(StatusCode::PAYLOAD_TOO_LARGE, too_large()));
        }
        file.write_all(chunk)
            .map_err(|e| Failure::internal("writing the upload", e))
    }

    /// The files' names as uploaded, separated by commas.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.files.iter().map(|f| f.name.as_str()).collect();
        names.join(", ")
    }

    /// `text` with the temporary folders taken out: this upload's, so a file is named as
    /// uploaded (a ZIP's files as `export.zip:deals.csv`), and any other under the system's
    /// temporary folder, so no server path reaches the page.
    pub(crate) fn shown(&self, text: &str) -> String {
        without_temp_folders(text, self.dir.path())
    }

    /// A use case's failure with the temporary folders taken out of its text.
    pub(crate) fn failure(&self, e: &AppError) -> Failure {
        Failure::of(e).without_folder(self.dir.path())
    }

    /// Imports the files through the use case of `rekindle import mail`, `import calendar`
    /// or `import crm`: mail with the rep's addresses `me` (empty: those remembered), a CRM
    /// export with `crm`'s options; at `now`, its progress told to `progress`.
    ///
    /// Errors: the use case's, as a [`Failure`] with its status and the temporary folders
    /// taken out of its text.
    pub async fn import(
        &self,
        store: &Store,
        caller: &Caller,
        me: &[String],
        crm: &CrmOptions,
        now: Timestamp,
        mut progress: Box<dyn Feeds>,
    ) -> Result<Done, Failure> {
        let paths: Vec<PathBuf> = self.files.iter().map(|f| f.path.clone()).collect();
        let done = match self.kind {
            Kind::Mail => capture::import_mail(store, caller, &paths, me, now, progress)
                .await
                .map(Done::Capture),
            Kind::Calendar => capture::import_calendar(store, caller, &paths, me, now)
                .await
                .map(Done::Capture),
            Kind::Crm => {
                return crm::import(self, store, caller, crm, now, &mut *progress)
                    .await
                    .map(Done::Crm);
            }
        };
        done.map_err(|e| self.failure(&e))
    }
}

/// What an import did.
pub enum Done {
    /// Mail or a calendar.
    Capture(Summary),
    /// A CRM export, its files named as uploaded.
    Crm(CrmSummary),
}

/// An import's progress, whatever its kind: bytes and messages ([`Progress`]) or rows
/// ([`CrmProgress`]).
pub trait Feeds: Progress + CrmProgress {}

impl<T: Progress + CrmProgress> Feeds for T {}

impl Failure {
    fn without_folder(mut self, folder: &std::path::Path) -> Self {
        self.detail = without_temp_folders(&self.detail, folder);
        self
    }
}

/// `text` without `folder` (and the separator after it) and without any folder right under
/// the system's temporary folder: a file in one is named by what follows.
fn without_temp_folders(text: &str, folder: &std::path::Path) -> String {
    let sep = std::path::MAIN_SEPARATOR;
    let mut out = text.replace(&format!("{}{sep}", folder.display()), "");
    let temp = std::env::temp_dir();
    let root = format!("{}{sep}", temp.display().to_string().trim_end_matches(sep));
    while let Some(at) = out.find(&root) {
        let rest = &out[at + root.len()..];
        let cut = match rest.find(sep) {
            Some(end) => at + root.len() + end + 1,
            None => at + root.len(),
        };
        out.replace_range(at..cut, "");
    }
    out
}

/// The rep's addresses as typed: separated by commas, semicolons or white space.
pub fn addresses(typed: &str) -> Vec<String> {
    typed
        .split([',', ';', ' ', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name_and_media_type() {
        assert_eq!(Kind::of_name("Sent.MBOX"), Some(Kind::Mail));
        assert_eq!(Kind::of_name("a.b.eml"), Some(Kind::Mail));
        assert_eq!(Kind::of_name("work.ics"), Some(Kind::Calendar));
        assert_eq!(Kind::of_name("deals.CSV"), Some(Kind::Crm));
        assert_eq!(Kind::of_name("hubspot-export.zip"), Some(Kind::Crm));
        assert_eq!(Kind::of_name("Opportunities.xlsx"), Some(Kind::Crm));
        assert_eq!(Kind::of_name("deals.pdf"), None);
        assert_eq!(Kind::of_name("Inbox"), None);
        assert_eq!(
            Kind::of_media_type("text/calendar; charset=utf-8"),
            Some(Kind::Calendar)
        );
        assert_eq!(Kind::of_media_type("Message/RFC822"), Some(Kind::Mail));
        assert_eq!(
            Kind::of_media_type("text/csv; charset=windows-1252"),
            Some(Kind::Crm)
        );
        assert_eq!(Kind::of_media_type("application/zip"), Some(Kind::Crm));
        assert_eq!(Kind::of_media_type("text/plain"), None);
        assert_eq!(Kind::default_name("text/csv; header=present"), "upload.csv");
        assert_eq!(Kind::default_name("application/mbox"), "upload.mbox");
        // Every type the API takes is one the guard lets through, and needs a preflight.
        for (media_type, _) in CRM_MEDIA_TYPES {
            assert!(crate::security::API_BODY_TYPES.contains(media_type));
        }
    }

    #[test]
    fn an_upload_over_1_gib_is_refused_and_not_written() {
        let mut up = Upload::new(Kind::Mail).unwrap();
        let mut file = up.create("../../etc/x.mbox", "upload.mbox").unwrap();
        assert_eq!(up.files[0].name, "x.mbox");
        assert!(up.files[0].path.starts_with(up.dir.path()));
        up.write(&mut file, b"From x\n").unwrap();
        up.bytes = MAX_UPLOAD;
        let refused = up.write(&mut file, b"y").unwrap_err();
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(refused.detail.contains("1 GiB"));
        assert_eq!(std::fs::read(&up.files[0].path).unwrap(), b"From x\n");
    }

    #[test]
    fn two_files_of_one_name_are_refused_and_temporary_folders_never_shown() {
        let mut up = Upload::new(Kind::Crm).unwrap();
        up.create("a/deals.csv", "upload").unwrap();
        let twice = up.create("b\\deals.csv", "upload").unwrap_err();
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(twice.detail.contains("two files are named deals.csv"));
        let own = up.files[0].path.display().to_string();
        let other = std::env::temp_dir().join(".tmpAbC12").join("all-deals.csv");
        let text = format!("{own}: bad; {}: worse", other.display());
        assert_eq!(up.shown(&text), "deals.csv: bad; all-deals.csv: worse");
    }

    #[test]
    fn addresses_split_on_commas_and_spaces() {
        assert_eq!(
            addresses(" a@x.io, b@x.io;c@x.io\n d@x.io "),
            ["a@x.io", "b@x.io", "c@x.io", "d@x.io"]
        );
        assert!(addresses(" , ").is_empty());
    }
}
