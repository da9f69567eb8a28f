//! Import: a mail file (an mbox or one `.eml` message) or a calendar (`.ics`) uploaded from the
//! browser and imported through the same use cases as `rekindle import mail` and `rekindle
//! import calendar` (`rekindle_app::capture`), with the rep's own addresses as `--me`. The
//! upload is written to a temporary file, then imported as a job: the page it redirects to
//! shows the job's progress (htmx asks for a small status fragment every second; without
//! JavaScript a "Refresh" link reloads it) and, when done, the import's summary as the CLI
//! prints it ([`rekindle_app::capture::Summary::lines`]).
//!
//! Bounds: an upload is at most [`MAX_UPLOAD`] bytes (1 GiB; larger exports import with the
//! CLI, which streams from disk); files other than `.mbox`/`.mbx`/`.eml`/`.ics` are refused
//! before anything is read. A failed import changes nothing the use case did not say it kept
//! (one uploaded file: nothing, unless whole batches were committed before a failure mid-way,
//! which the error then names).

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
use rekindle_app::{AppError, Caller};
use rekindle_store::Store;
use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

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
}

impl Kind {
    /// The kind a file's name says (`.mbox`, `.mbx`, `.eml` for mail; `.ics` for a calendar),
    /// ASCII case ignored; `None` for any other name.
    pub fn of_name(name: &str) -> Option<Kind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "mbox" | "mbx" | "eml" => Some(Kind::Mail),
            "ics" => Some(Kind::Calendar),
            _ => None,
        }
    }

    /// The kind a media type names: `application/mbox` (RFC 4155) or `message/rfc822` (RFC
    /// 5322) for mail, `text/calendar` (RFC 5545) for a calendar; parameters ignored.
    pub fn of_media_type(media_type: &str) -> Option<Kind> {
        let t = media_type.split(';').next()?.trim().to_ascii_lowercase();
        match t.as_str() {
            "application/mbox" | "message/rfc822" => Some(Kind::Mail),
            "text/calendar" => Some(Kind::Calendar),
            _ => None,
        }
    }

    /// The name a file of this kind gets when the upload names none (the API's body).
    pub fn default_name(self) -> &'static str {
        match self {
            Kind::Calendar => "upload.ics",
            Kind::Mail => "upload.mbox",
        }
    }
}

/// The message for a file of another kind.
pub fn wrong_kind(name: &str) -> String {
    format!(
        "{name} is not a file Rekindle imports: upload mail as an mbox (.mbox, .mbx) or one message (.eml), or a calendar as .ics"
    )
}

/// The message for an upload over [`MAX_UPLOAD`].
pub fn too_large() -> String {
    "the file is larger than 1 GiB, the most the dashboard takes: import it with `rekindle import mail` or `rekindle import calendar`".to_string()
}

/// Why an upload or its import failed: the HTTP status and the detail in words (the
/// temporary folder taken out, so it names the file as uploaded).
#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    pub detail: String,
}

impl Failure {
    fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Failure {
            status,
            detail: detail.into(),
        }
    }

    fn internal(what: &str, e: impl std::fmt::Display) -> Self {
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

/// An upload written to a temporary folder (removed when this is dropped).
pub struct Upload {
    dir: tempfile::TempDir,
    pub path: PathBuf,
    /// The name shown to the rep (the file's own name, or `upload.mbox`...).
    pub name: String,
    pub kind: Kind,
    pub bytes: u64,
}

impl Upload {
    /// A temporary file for an upload named `name` (only its last path segment is kept).
    ///
    /// Errors: the temporary folder or file cannot be made (500).
    pub fn create(name: &str, kind: Kind) -> Result<(Upload, std::fs::File), Failure> {
        let dir = tempfile::Builder::new()
            .prefix("rekindle-upload-")
            .tempdir()
            .map_err(|e| Failure::internal("a temporary folder for the upload", e))?;
        let base = name
            .rsplit(['/', '\\'])
            .next()
            .filter(|b| !b.is_empty() && *b != "." && *b != "..")
            .map(str::to_string)
            .unwrap_or_else(|| kind.default_name().to_string());
        let path = dir.path().join(&base);
        let file =
            std::fs::File::create(&path).map_err(|e| Failure::internal("writing the upload", e))?;
        Ok((
            Upload {
                dir,
                path,
                name: base,
                kind,
                bytes: 0,
            },
            file,
        ))
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

    /// A use case's failure with the temporary folder taken out of its text.
    fn failure(&self, e: &AppError) -> Failure {
        let folder = format!("{}{}", self.dir.path().display(), std::path::MAIN_SEPARATOR);
        let mut f = Failure::of(e);
        f.detail = f.detail.replace(&folder, "");
        f
    }

    /// Imports the file through `rekindle import mail` / `import calendar`'s use case, with
    /// the rep's addresses `me` (empty: those remembered), at `now`.
    ///
    /// Errors: the use case's, as a [`Failure`] with its status and the temporary folder
    /// taken out of its text.
    pub async fn import(
        &self,
        store: &Store,
        caller: &Caller,
        me: &[String],
        now: Timestamp,
        progress: Box<dyn Progress>,
    ) -> Result<Summary, Failure> {
        let paths = [self.path.clone()];
        let done = match self.kind {
            Kind::Mail => capture::import_mail(store, caller, &paths, me, now, progress).await,
            Kind::Calendar => capture::import_calendar(store, caller, &paths, me, now).await,
        };
        done.map_err(|e| self.failure(&e))
    }
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
    /// Reading: bytes read of the total (when known), messages read.
    Running {
        bytes: u64,
        total: Option<u64>,
        messages: usize,
    },
    /// Done: the summary's lines.
    Done(Vec<String>),
    /// Failed: what failed (and what was kept, when anything was).
    Failed(String),
}

/// One import running or done.
pub struct Job {
    pub id: String,
    pub file: String,
    pub kind: Kind,
    pub uploaded: u64,
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

/// The job's progress, fed by the import ([`Progress`]).
struct Feed(Arc<Mutex<Job>>);

impl Progress for Feed {
    fn start(&mut self, total_bytes: Option<u64>) {
        let mut job = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Phase::Running { total, .. } = &mut job.phase {
            *total = total_bytes;
        }
    }

    fn advance(&mut self, read: u64, read_messages: usize) {
        let mut job = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Phase::Running {
            bytes, messages, ..
        } = &mut job.phase
        {
            *bytes = read;
            *messages = read_messages;
        }
    }
}

/// A job as the page shows it.
pub struct JobView {
    pub id: String,
    pub file: String,
    pub kind: &'static str,
    pub running: bool,
    /// "1.2 of 3.4 MB read, 512 messages" while it runs.
    pub progress: String,
    /// Per cent read, when the size is known.
    pub percent: Option<u64>,
    pub lines: Vec<String>,
    pub failed: Option<String>,
}

impl JobView {
    fn of(job: &Job) -> Self {
        let kind = match job.kind {
            Kind::Mail => "mail",
            Kind::Calendar => "calendar",
        };
        let mut v = JobView {
            id: job.id.clone(),
            file: job.file.clone(),
            kind,
            running: false,
            progress: String::new(),
            percent: None,
            lines: Vec::new(),
            failed: None,
        };
        match &job.phase {
            Phase::Running {
                bytes,
                total,
                messages,
            } => {
                v.running = true;
                v.progress = match total {
                    Some(t) if *t > 0 => {
                        v.percent = Some((bytes * 100 / t).min(100));
                        format!("{} of {} read, {messages} messages", size(*bytes), size(*t))
                    }
                    _ => format!("{} uploaded; reading the {kind}", size(job.uploaded)),
                };
            }
            Phase::Done(lines) => v.lines = lines.clone(),
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

fn refused(status: StatusCode, why: &str) -> Response {
    crate::error::error_page(status, why)
}

/// The form's upload: `me` (the rep's addresses) and `file`, written to a temporary file as
/// it arrives; then the import starts as a job and the answer redirects to its page (303).
async fn upload(
    State(state): State<AppState>,
    Now(now): Now,
    Extension(jobs): Extension<Jobs>,
    mut form: Multipart,
) -> Response {
    let mut me = Vec::new();
    let mut upload: Option<Upload> = None;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return refused(e.status(), &format!("the upload failed: {}", e.body_text())),
        };
        match field.name() {
            Some("me") => match field.text().await {
                Ok(text) => me = addresses(&text),
                Err(e) => return refused(e.status(), &e.body_text()),
            },
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                if name.is_empty() {
                    return refused(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "choose a file to import: an mbox, an .eml message or an .ics calendar",
                    );
                }
                let Some(kind) = Kind::of_name(&name) else {
                    return refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, &wrong_kind(&name));
                };
                let (mut up, mut file) = match Upload::create(&name, kind) {
                    Ok(x) => x,
                    Err(e) => return e.page(),
                };
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if let Err(e) = up.write(&mut file, &chunk) {
                                return e.page();
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            return refused(
                                e.status(),
                                &format!("the upload failed: {}", e.body_text()),
                            );
                        }
                    }
                }
                if let Err(e) = file.sync_all() {
                    return Failure::internal("writing the upload", e).page();
                }
                upload = Some(up);
            }
            _ => {}
        }
    }
    let Some(upload) = upload else {
        return refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "choose a file to import: an mbox, an .eml message or an .ics calendar",
        );
    };
    let id = match job_id() {
        Ok(id) => id,
        Err(e) => return e.page(),
    };
    let job = jobs.add(Job {
        id: id.clone(),
        file: upload.name.clone(),
        kind: upload.kind,
        uploaded: upload.bytes,
        phase: Phase::Running {
            bytes: 0,
            total: None,
            messages: 0,
        },
    });
    let feed = Box::new(Feed(job.clone()));
    tokio::spawn(async move {
        let done = upload
            .import(state.store(), state.caller(), &me, now, feed)
            .await;
        let mut job = job.lock().unwrap_or_else(|p| p.into_inner());
        job.phase = match done {
            Ok(summary) => Phase::Done(summary.lines()),
            Err(e) => Phase::Failed(e.detail),
        };
    });
    Redirect::to(&format!("/import/jobs/{id}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name_and_media_type() {
        assert_eq!(Kind::of_name("Sent.MBOX"), Some(Kind::Mail));
        assert_eq!(Kind::of_name("a.b.eml"), Some(Kind::Mail));
        assert_eq!(Kind::of_name("work.ics"), Some(Kind::Calendar));
        assert_eq!(Kind::of_name("deals.pdf"), None);
        assert_eq!(Kind::of_name("Inbox"), None);
        assert_eq!(
            Kind::of_media_type("text/calendar; charset=utf-8"),
            Some(Kind::Calendar)
        );
        assert_eq!(Kind::of_media_type("Message/RFC822"), Some(Kind::Mail));
        assert_eq!(Kind::of_media_type("text/plain"), None);
    }

    #[test]
    fn an_upload_over_1_gib_is_refused_and_not_written() {
        let (mut up, mut file) = Upload::create("../../etc/x.mbox", Kind::Mail).unwrap();
        assert_eq!(up.name, "x.mbox");
        assert!(up.path.starts_with(up.dir.path()));
        up.write(&mut file, b"From x\n").unwrap();
        up.bytes = MAX_UPLOAD;
        let refused = up.write(&mut file, b"y").unwrap_err();
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(refused.detail.contains("1 GiB"));
        assert_eq!(std::fs::read(&up.path).unwrap(), b"From x\n");
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
