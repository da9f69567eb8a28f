//! `rekindle import mail` and `rekindle import calendar`: the files read (two threads: the
//! reader parses, `rekindle_app::capture::Importer` records), the progress bar, the report.

use crate::args::Global;
use crate::output::{now, open, report};
use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rekindle_app::Caller;
use rekindle_app::capture::{self, Progress};
pub use rekindle_app::capture::{FirstReading, Importer, Summary, read_alone};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// An import's report for people: one line of counts, then what was passed over
/// ([`Summary::lines`]).
pub fn summary_lines(summary: &Summary) -> Vec<String> {
    summary.lines()
}

/// A progress bar on the terminal (never in `--json` output or a pipe): bytes and rate when
/// the size is known, messages otherwise.
fn progress(json: bool, total_bytes: Option<u64>) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total_bytes {
        Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(
                ProgressStyle::with_template(
                    "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
                )
                .expect("a valid template"),
            ),
        None => ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} messages {per_sec} {msg}")
                .expect("a valid template"),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The import's progress as a bar on the terminal (`progress`), made when the import knows
/// its size.
pub struct Bar {
    json: bool,
    bar: Option<ProgressBar>,
}

impl Bar {
    /// No bar yet; none at all with `--json`.
    pub fn new(json: bool) -> Self {
        Bar { json, bar: None }
    }
}

impl Progress for Bar {
    fn start(&mut self, total_bytes: Option<u64>) {
        self.bar = Some(progress(self.json, total_bytes));
    }

    fn advance(&mut self, bytes: u64, messages: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!("{messages} messages"));
        }
    }

    fn more(&mut self, items: u64, what: &str) {
        if let Some(bar) = &self.bar {
            bar.inc_length(items);
            bar.set_message(what.to_string());
        }
    }

    fn step(&mut self, items: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(items);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

pub async fn mail(g: &Global, paths: &[PathBuf], me: &[String]) -> Result<ExitCode> {
    let now = now(g)?;
    let store = open(g).await?;
    let bar = Box::new(Bar::new(g.json));
    let summary = capture::import_mail(&store, &Caller::local(), paths, me, now, bar).await?;
    report(g, &summary, || summary_lines(&summary).join("\n"))?;
    Ok(ExitCode::SUCCESS)
}

pub async fn calendar(g: &Global, paths: &[PathBuf], me: &[String]) -> Result<ExitCode> {
    let now = now(g)?;
    let store = open(g).await?;
    let summary = capture::import_calendar(&store, &Caller::local(), paths, me, now).await?;
    report(g, &summary, || summary_lines(&summary).join("\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// `rekindle import crm`: the files read and upserted (a progress bar with rows/s on a
/// terminal), then the summary: per object what was created, updated, unchanged, in conflict
/// and refused, the refused rows by reason with their file, line and column, and each conflict.
pub async fn crm(g: &Global, a: crate::args::CrmImportArgs) -> Result<ExitCode> {
    use rekindle_app::crm::{self as crm_import, CrmProgress, ImportRequest, Wording};
    use rekindle_core::crm::Prefer;
    use rekindle_ingest::crm::{Crm, map::Mapping};
    let from = a
        .from
        .as_deref()
        .map(Crm::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("bad --from: {e}"))?;
    if let Some(out) = &a.init_mapping {
        let crm = match from {
            Some(c) => c,
            None => {
                let first = a.files.first().ok_or_else(|| {
                    anyhow::anyhow!(
                        "--init-mapping needs --from CRM or an export file to tell the CRM from"
                    )
                })?;
                let sheet = rekindle_ingest::crm::Sheet::open(first)?;
                rekindle_ingest::crm::detect(&sheet.headers, None)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", first.display()))?
                    .0
            }
        };
        if out.exists() {
            anyhow::bail!("{} exists already: name a new file", out.display());
        }
        std::fs::write(
            out,
            crm_import::default_mapping(
                crm,
                rekindle_ingest::crm::map::MappingFormat::of(&out.to_string_lossy()),
            ),
        )
        .map_err(|e| anyhow::anyhow!("writing {}: {e}", out.display()))?;
        report(
            g,
            &serde_json::json!({ "mapping": out, "crm": crm.as_str() }),
            || {
                format!(
                    "Wrote the {crm} mapping to {}: edit it, then import with --mapping {}",
                    out.display(),
                    out.display()
                )
            },
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let prefer = match a.prefer.to_lowercase().as_str() {
        "local" => Prefer::Local,
        "crm" => Prefer::Crm,
        other => anyhow::bail!("bad --prefer {other:?}: local or crm"),
    };
    let mapping = match &a.mapping {
        Some(path) => {
            let text =
                crate::files::read_text_file(path, "the mapping file", 1024 * 1024, "1 MiB")?;
            Mapping::parse_as(
                &text,
                rekindle_ingest::crm::map::MappingFormat::of(&path.to_string_lossy()),
            )
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => Mapping::default(),
    };
    let store = open(g).await?;
    struct Bar(ProgressBar);
    impl CrmProgress for Bar {
        fn rows(&mut self, _file: &str, rows: u64) {
            self.0.inc(rows);
        }
    }
    let bar = if std::io::stderr().is_terminal() && !g.json {
        let b = ProgressBar::new_spinner();
        b.set_style(
            ProgressStyle::with_template("{spinner} {human_pos} rows ({per_sec}) {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(Duration::from_millis(200));
        b
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
    };
    let mut progress = Bar(bar.clone());
    let request = ImportRequest {
        files: a.files.clone(),
        crm: from,
        mapping,
        strict: a.strict,
        dry_run: a.dry_run,
        prefer,
    };
    let summary =
        crm_import::import(&store, &Caller::local(), now(g)?, &request, &mut progress).await;
    bar.finish_and_clear();
    let summary = summary?;
    let wording = Wording {
        strict: "--strict",
        every_refused: "--json lists the first 10,000 and counts them all by reason",
    };
    report(g, &summary, || {
        summary.lines(a.dry_run, &wording).join("\n")
    })?;
    // Exit 1 when any row was refused (the rest kept, unless --strict), as `lint` exits 1 on
    // findings: a script sees that something needs a look.
    Ok(
        if summary.refused_total == 0 && (summary.kept || a.dry_run) {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

/// `rekindle export crm`: the files written to `--out` (none overwritten), then what they hold
/// remembered as exported.
pub async fn crm_export(g: &Global, a: crate::args::CrmExportArgs) -> Result<ExitCode> {
    use rekindle_app::crm_export::{self, ExportRequest};
    let crm =
        rekindle_ingest::crm::Crm::parse(&a.to).map_err(|e| anyhow::anyhow!("bad --to: {e}"))?;
    let mapping = match &a.mapping {
        Some(path) => {
            let text =
                crate::files::read_text_file(path, "the mapping file", 1024 * 1024, "1 MiB")?;
            rekindle_ingest::crm::map::Mapping::parse_as(
                &text,
                rekindle_ingest::crm::map::MappingFormat::of(&path.to_string_lossy()),
            )
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => rekindle_ingest::crm::map::Mapping::default(),
    };
    let mut request = ExportRequest {
        crm,
        tasks: false,
        notes: false,
        lost_reasons: false,
        mapping,
    };
    for part in a.what.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part {
            "tasks" => request.tasks = true,
            "notes" => request.notes = true,
            "lost-reasons" | "lost_reasons" => request.lost_reasons = true,
            other => anyhow::bail!("bad --what {other:?}: tasks, notes or lost-reasons"),
        }
    }
    if !a.out.is_dir() {
        anyhow::bail!("--out {}: not a folder", a.out.display());
    }
    let store = open(g).await?;
    let at = now(g)?;
    let composer = crate::engine::composer(g)?;
    let caller = Caller::local();
    let exported = crm_export::export(&store, &caller, at, &composer, request).await?;
    for f in &exported.files {
        let path = a.out.join(&f.name);
        if path.exists() {
            anyhow::bail!(
                "{} exists already: nothing was written; move it or choose another --out",
                path.display()
            );
        }
    }
    for f in &exported.files {
        let path = a.out.join(&f.name);
        std::fs::write(&path, &f.bytes)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    }
    crm_export::mark_exported(&store, &caller, &exported, at).await?;
    report(g, &exported, || {
        let mut lines = vec![format!(
            "For {}: {} tasks, {} notes, {} deal updates",
            exported.crm, exported.tasks, exported.notes, exported.deal_updates
        )];
        for f in &exported.files {
            lines.push(format!("  wrote {}", a.out.join(&f.name).display()));
        }
        if !exported.skipped.is_empty() {
            lines.push(format!(
                "Skipped, exported before: {}",
                exported.skipped.join("; ")
            ));
        }
        if exported.not_from_crm > 0 {
            lines.push(format!(
                "{} deals with an action due did not come from {} (no id to attach it to)",
                exported.not_from_crm, exported.crm
            ));
        }
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}
