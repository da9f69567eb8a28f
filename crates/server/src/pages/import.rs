//! Import: a mail file (an mbox or one `.eml` message), a calendar (`.ics`) or a CRM export
//! (HubSpot, Salesforce or Pipedrive: `.csv`, `.xlsx`, `.xls`, `.ods`, or HubSpot's `.zip`;
//! several files at once, so associations between deals, contacts, companies and activities
//! resolve) uploaded from the browser and imported through the same use cases as `rekindle
//! import mail`, `rekindle import calendar` and `rekindle import crm` (`rekindle_app::capture`,
//! `rekindle_app::crm`), with the rep's own addresses as `--me` and the CRM export's options
//! ([`super::import_crm::CrmOptions`]). The upload is written to a temporary folder, then
//! imported as a job: the page it redirects to shows the job's progress (htmx asks for a small
//! status fragment every second; without JavaScript a "Refresh" link reloads it) and, when
//! done, the import's summary as the CLI prints it ([`rekindle_app::capture::Summary::lines`],
//! [`rekindle_app::crm::CrmSummary::lines`]).
//!
//! Bounds: an upload is at most [`MAX_UPLOAD`] bytes (1 GiB, all its files together; larger
//! exports import with the CLI, which streams from disk); files of other types are refused
//! before anything is read, and so are files of two kinds in one upload. A failed import
//! changes nothing the use case did not say it kept (one uploaded mail file: nothing, unless
//! whole batches were committed before a failure mid-way, which the error then names; a CRM
//! export: nothing). Uploaded names are untrusted: only their last path segment is kept, they
//! are shown escaped, and the temporary folders never show in a message.

use super::import_crm::{self, CrmOptions};
use super::today::render_failed;
use super::view::Chrome;
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use jiff::Timestamp;
use rekindle_app::capture::{self, Progress, Summary};
use rekindle_app::crm::{CrmProgress, CrmSummary};
use rekindle_app::{AppError, Caller};
use rekindle_store::Store;
use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The largest upload accepted, in bytes: 1 GiB (2^30). A page or API upload over it is
/// refused with 413 and nothing is imported.
pub const MAX_UPLOAD: u64 = 1 << 30;

/// How many jobs a server remembers (their pages stay readable), the oldest forgotten first; a
/// job forgotten while it runs still completes, and importing its file again adds nothing twice.
const KEPT_JOBS: usize = 32;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/import",
            get(page).post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/import/jobs/{id}", get(job_page))
        .route("/import/jobs/{id}/status", get(job_status))
        .layer(Extension(Jobs::default()))
}

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
const CHOOSE: &str =
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
    /// uploaded, and any other under the system's temporary folder (a ZIP's files are
    /// unpacked to one the use case makes).
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
                return import_crm::import(self, store, caller, crm, now, &mut *progress)
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

/// Where an import job stands.
#[derive(Clone, Debug)]
pub enum Phase {
    /// Reading: bytes read of the total (when known), messages read (mail), rows read (a CRM
    /// export).
    Running {
        bytes: u64,
        total: Option<u64>,
        messages: usize,
        rows: u64,
    },
    /// Done: the summary's lines, and whether the changes were kept (not for a CRM export's
    /// dry run, or a strict one that refused rows).
    Done { lines: Vec<String>, kept: bool },
    /// Failed: what failed (and what was kept, when anything was).
    Failed(String),
}

/// One import running or done.
pub struct Job {
    pub id: String,
    /// The files' names as uploaded, separated by commas.
    pub file: String,
    pub kind: Kind,
    pub uploaded: u64,
    /// When the job started (for the rows read per second).
    pub started: Instant,
    pub phase: Phase,
}

/// The server's import jobs, newest last.
#[derive(Clone, Default)]
pub struct Jobs(Arc<Mutex<VecDeque<Arc<Mutex<Job>>>>>);

impl Jobs {
    fn add(&self, job: Job) -> Arc<Mutex<Job>> {
        let job = Arc::new(Mutex::new(job));
        let mut all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        while all.len() >= KEPT_JOBS {
            all.pop_front();
        }
        all.push_back(job.clone());
        job
    }

    fn find(&self, id: &str) -> Option<Arc<Mutex<Job>>> {
        let all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        all.iter()
            .find(|j| j.lock().unwrap_or_else(|p| p.into_inner()).id == id)
            .cloned()
    }
}

/// The job's progress, fed by the import ([`Progress`], [`CrmProgress`]).
struct Feed(Arc<Mutex<Job>>);

impl Feed {
    fn running(&self, update: impl FnOnce(&mut u64, &mut Option<u64>, &mut usize, &mut u64)) {
        let mut job = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Phase::Running {
            bytes,
            total,
            messages,
            rows,
        } = &mut job.phase
        {
            update(bytes, total, messages, rows);
        }
    }
}

impl Progress for Feed {
    fn start(&mut self, total_bytes: Option<u64>) {
        self.running(|_, total, _, _| *total = total_bytes);
    }

    fn advance(&mut self, read: u64, read_messages: usize) {
        self.running(|bytes, _, messages, _| {
            *bytes = read;
            *messages = read_messages;
        });
    }
}

impl CrmProgress for Feed {
    fn rows(&mut self, _file: &str, more: u64) {
        self.running(|_, _, _, rows| *rows += more);
    }
}

/// A job as the page shows it.
pub struct JobView {
    pub id: String,
    pub file: String,
    pub kind: &'static str,
    pub running: bool,
    /// "1.2 of 3.4 MB read, 512 messages" or "12000 rows read, 8400 rows/s" while it runs.
    pub progress: String,
    /// Per cent read, when the size is known.
    pub percent: Option<u64>,
    pub lines: Vec<String>,
    /// Whether the import's changes were kept.
    pub kept: bool,
    pub failed: Option<String>,
}

impl JobView {
    fn of(job: &Job) -> Self {
        let kind = job.kind.words();
        let mut v = JobView {
            id: job.id.clone(),
            file: job.file.clone(),
            kind,
            running: false,
            progress: String::new(),
            percent: None,
            lines: Vec::new(),
            kept: false,
            failed: None,
        };
        match &job.phase {
            Phase::Running {
                bytes,
                total,
                messages,
                rows,
            } => {
                v.running = true;
                v.progress = match total {
                    _ if *rows > 0 => {
                        let seconds = job.started.elapsed().as_secs_f64();
                        let rate = if seconds > 0.0 {
                            *rows as f64 / seconds
                        } else {
                            0.0
                        };
                        format!("{rows} rows read, {rate:.0} rows/s")
                    }
                    Some(t) if *t > 0 => {
                        v.percent = Some((bytes * 100 / t).min(100));
                        format!("{} of {} read, {messages} messages", size(*bytes), size(*t))
                    }
                    _ => format!("{} uploaded; reading the {kind}", size(job.uploaded)),
                };
            }
            Phase::Done { lines, kept } => {
                v.lines = lines.clone();
                v.kept = *kept;
            }
            Phase::Failed(why) => v.failed = Some(why.clone()),
        }
        v
    }
}

/// A size for people, in decimal units: "812 bytes", "1.2 kB", "48.3 MB".
pub fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct Page {
    chrome: Chrome,
    job: Option<JobView>,
    max: &'static str,
    /// Whether the status fragment also says the outcome in the live region (`#status`,
    /// swapped out of band): only in the fragment htmx fetches, never in a whole page, which
    /// has its own.
    announce: bool,
}

#[derive(Template)]
#[template(path = "import_status.html")]
struct Status {
    job: JobView,
    announce: bool,
}

async fn page(State(state): State<AppState>, Now(now): Now) -> Result<Html<String>, PageError> {
    let page = Page {
        chrome: Chrome::new(&state, now, "import"),
        job: None,
        max: "1 GiB",
        announce: false,
    };
    Ok(Html(page.render().map_err(render_failed)?))
}

fn job_of(jobs: &Jobs, id: &str) -> Result<JobView, Failure> {
    let job = jobs.find(id).ok_or_else(|| {
        Failure::new(
            StatusCode::NOT_FOUND,
            format!(
                "no import job {id} on this server (jobs are forgotten when the server restarts)"
            ),
        )
    })?;
    let job = job.lock().unwrap_or_else(|p| p.into_inner());
    Ok(JobView::of(&job))
}

async fn job_page(
    State(state): State<AppState>,
    Now(now): Now,
    Extension(jobs): Extension<Jobs>,
    Path(id): Path<String>,
) -> Response {
    let job = match job_of(&jobs, &id) {
        Ok(job) => job,
        Err(missing) => return missing.page(),
    };
    let page = Page {
        chrome: Chrome::new(&state, now, "import"),
        job: Some(job),
        max: "1 GiB",
        announce: false,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError(render_failed(e)).into_response(),
    }
}

/// The status fragment htmx polls; a plain request (no `HX-Request` header) goes to the
/// whole page instead, so the fragment's URL never shows as a bare piece of a page.
async fn job_status(
    Extension(jobs): Extension<Jobs>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !headers.contains_key("hx-request") {
        return Redirect::to(&format!("/import/jobs/{id}")).into_response();
    }
    let job = match job_of(&jobs, &id) {
        Ok(job) => job,
        Err(missing) => return missing.page(),
    };
    match (Status {
        job,
        announce: true,
    })
    .render()
    {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError(render_failed(e)).into_response(),
    }
}

/// A job id: 16 hex digits from the operating system's random source.
fn job_id() -> Result<String, Failure> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| Failure::internal("drawing a job id", e))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads a multipart field whole: at most `cap` bytes.
///
/// Errors: the field is longer (413, naming `what`), or the upload breaks off.
async fn small_field(
    field: &mut axum::extract::multipart::Field<'_>,
    cap: usize,
    what: &str,
) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > cap {
                    return Err(Failure::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("{what} is larger than the {cap} bytes it may be"),
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(e) => {
                return Err(Failure::new(
                    e.status(),
                    format!("the upload failed: {}", e.body_text()),
                ));
            }
        }
    }
}

/// The form's upload: `me` (the rep's addresses), the CRM export's options
/// ([`CrmOptions::set`]: `crm`, `dry_run`, `strict`, `prefer`, `mapping`) and `file`, once or
/// several times (files of one kind), each written to the temporary folder as it arrives;
/// then the import starts as a job and the answer redirects to its page (303).
async fn upload(
    State(state): State<AppState>,
    Now(now): Now,
    Extension(jobs): Extension<Jobs>,
    form: Multipart,
) -> Response {
    let (upload, me, crm) = match received(form).await {
        Ok(x) => x,
        Err(e) => return e.page(),
    };
    let id = match job_id() {
        Ok(id) => id,
        Err(e) => return e.page(),
    };
    let job = jobs.add(Job {
        id: id.clone(),
        file: upload.names(),
        kind: upload.kind,
        uploaded: upload.bytes,
        started: Instant::now(),
        phase: Phase::Running {
            bytes: 0,
            total: None,
            messages: 0,
            rows: 0,
        },
    });
    let feed = Box::new(Feed(job.clone()));
    tokio::spawn(async move {
        let done = upload
            .import(state.store(), state.caller(), &me, &crm, now, feed)
            .await;
        let mut job = job.lock().unwrap_or_else(|p| p.into_inner());
        job.phase = match done {
            Ok(Done::Capture(summary)) => Phase::Done {
                lines: summary.lines(),
                kept: true,
            },
            Ok(Done::Crm(summary)) => Phase::Done {
                lines: summary.lines(crm.dry_run, &import_crm::PAGE_WORDING),
                kept: summary.kept,
            },
            Err(e) => Phase::Failed(e.detail),
        };
    });
    Redirect::to(&format!("/import/jobs/{id}")).into_response()
}

/// The form's fields: the files written to a temporary folder, the rep's addresses, the CRM
/// export's options.
///
/// Errors: no file chosen, or files of two kinds (422); a file of another type (415); an
/// option that does not parse (422, naming it); the upload over [`MAX_UPLOAD`] (413) or broken
/// off.
async fn received(mut form: Multipart) -> Result<(Upload, Vec<String>, CrmOptions), Failure> {
    let mut me = Vec::new();
    let mut crm = CrmOptions::default();
    let mut upload: Option<Upload> = None;
    let broken = |e: axum::extract::multipart::MultipartError| {
        Failure::new(e.status(), format!("the upload failed: {}", e.body_text()))
    };
    while let Some(mut field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "me" => me = addresses(&field.text().await.map_err(broken)?),
            "file" => {
                let file_name = field.file_name().unwrap_or("").to_string();
                if file_name.is_empty() {
                    continue;
                }
                let Some(kind) = Kind::of_name(&file_name) else {
                    return Err(Failure::new(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        wrong_kind(&file_name),
                    )
                    .on("file"));
                };
                let up = match &mut upload {
                    Some(up) if up.kind != kind => {
                        return Err(Failure::new(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            format!(
                                "{file_name} is {} and {} {}: upload one kind at a time",
                                kind.words(),
                                up.names(),
                                up.kind.words()
                            ),
                        )
                        .on("file"));
                    }
                    Some(up) => up,
                    None => upload.insert(Upload::new(kind)?),
                };
                let mut file = up.create(&file_name, "upload")?;
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    up.write(&mut file, &chunk)?;
                }
                file.sync_all()
                    .map_err(|e| Failure::internal("writing the upload", e))?;
            }
            "mapping" => {
                let file_name = field.file_name().unwrap_or("").to_string();
                let text = small_field(&mut field, import_crm::MAX_MAPPING, "the mapping file")
                    .await
                    .map_err(|f| f.on("mapping"))?;
                if !file_name.is_empty() || !text.is_empty() {
                    crm.mapping_file(&file_name, &text)?;
                }
            }
            other => {
                let text = field.text().await.map_err(broken)?;
                crm.set(other, &text)?;
            }
        }
    }
    let upload =
        upload.ok_or_else(|| Failure::new(StatusCode::UNPROCESSABLE_ENTITY, CHOOSE).on("file"))?;
    Ok((upload, me, crm))
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
    fn a_crm_job_shows_rows_read_and_their_rate_then_whether_it_was_kept() {
        let mut job = Job {
            id: "j".into(),
            file: "deals.csv, contacts.csv".into(),
            kind: Kind::Crm,
            uploaded: 2_000,
            started: Instant::now() - std::time::Duration::from_secs(4),
            phase: Phase::Running {
                bytes: 0,
                total: None,
                messages: 0,
                rows: 0,
            },
        };
        let waiting = JobView::of(&job);
        assert!(waiting.running);
        assert_eq!(waiting.progress, "2.0 kB uploaded; reading the CRM export");
        let mut feed = Feed(Arc::new(Mutex::new(job)));
        feed.rows("deals.csv", 1000);
        feed.rows("deals.csv", 1000);
        job = Arc::try_unwrap(feed.0).ok().unwrap().into_inner().unwrap();
        let reading = JobView::of(&job);
        let (read, rate) = reading.progress.split_once(", ").unwrap();
        assert_eq!(read, "2000 rows read");
        let per_second: f64 = rate.strip_suffix(" rows/s").unwrap().parse().unwrap();
        assert!((400.0..=500.0).contains(&per_second), "{rate}");
        job.phase = Phase::Done {
            lines: vec!["Would import from hubspot:".into()],
            kept: false,
        };
        let done = JobView::of(&job);
        assert!(!done.running && !done.kept);
        assert_eq!(done.lines, ["Would import from hubspot:"]);
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(size(812), "812 bytes");
        assert_eq!(size(1_226), "1.2 kB");
        assert_eq!(size(48_300_000), "48.3 MB");
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
