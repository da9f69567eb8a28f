//! Import: a mail file (an mbox or one `.eml` message), a calendar (`.ics`) or a CRM export
//! (HubSpot, Salesforce or Pipedrive: `.csv`, `.xlsx`, `.xls`, `.ods`, or HubSpot's `.zip`;
//! several files at once, so associations between deals, contacts, companies and activities
//! resolve) uploaded from the browser and imported through the same use cases as `rekindle
//! import mail`, `rekindle import calendar` and `rekindle import crm` (`rekindle_app::capture`,
//! `rekindle_app::crm`), with the rep's own addresses as `--me` and the CRM export's options
//! ([`CrmOptions`]). The upload is written to a temporary folder ([`crate::upload`]), then
//! imported as a job: the page it redirects to shows the job's progress (htmx asks for a small
//! status fragment every second; without JavaScript a "Refresh" link reloads it) and, when
//! done, the import's summary as the CLI prints it ([`rekindle_app::capture::Summary::lines`],
//! [`rekindle_app::crm::CrmSummary::lines`]).
//!
//! Bounds: an upload is at most [`crate::upload::MAX_UPLOAD`] bytes (1 GiB, all its files together; larger
//! exports import with the CLI, which streams from disk); files of other types are refused
//! before anything is read, and so are files of two kinds in one upload. A failed import
//! changes nothing the use case did not say it kept (one uploaded mail file: nothing, unless
//! whole batches were committed before a failure mid-way, which the error then names; a CRM
//! export: nothing). Uploaded names are untrusted: only their last path segment is kept, they
//! are shown escaped, and the temporary folders never show in a message.

use super::today::render_failed;
use super::view::Chrome;
use crate::AppState;
use crate::clock::Now;
use crate::error::PageError;
use crate::upload::crm::{self as import_crm, CrmOptions};
use crate::upload::{CHOOSE, Done, Failure, Kind, Upload, addresses, wrong_kind};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use rekindle_app::capture::Progress;
use rekindle_app::crm::CrmProgress;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

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
                // Kept, and some row was brought in (every row refused keeps nothing).
                kept: summary.kept
                    && summary
                        .objects
                        .values()
                        .any(|c| c.created + c.updated + c.unchanged + c.conflicts > 0),
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
}
