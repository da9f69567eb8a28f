//! Commands that run the engine: scan, today, show, draft, lint and the demo.

use crate::args::*;
use crate::output::{Fit, Listing, count, day, deal_id, now, open, print_json, say};
use anyhow::{Context, Result, bail};
use rekindle_app::pipeline::{self, Scan, ScanRow, Waiting};
use rekindle_app::{Caller, ErrorKind, admin, drafts};
use rekindle_core::compose::{Composer, Draft};
use rekindle_core::*;
use rekindle_store::Store;
use std::process::ExitCode;

/// The composer, with the templates of `--templates DIR` when given. The folder holds only
/// `PLAY.txt` files (dot-files aside), each a regular file that parses and keeps to what a
/// message template may do; anything else is an error naming the path, never a fall back to
/// the built-in template.
pub(crate) fn composer(g: &Global) -> Result<Composer> {
    let mut templates = Vec::new();
    if let Some(dir) = &g.templates {
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => bail!("--templates {}: not a folder", dir.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("--templates {}: no such folder", dir.display())
            }
            Err(e) => bail!("--templates {}: {e}", dir.display()),
        }
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir)
            .with_context(|| format!("--templates {}: cannot list it", dir.display()))?
        {
            let entry =
                entry.with_context(|| format!("--templates {}: cannot list it", dir.display()))?;
            paths.push(entry.path());
        }
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            let shown = path.display().to_string();
            let play = drafts::template_play(&shown, &name)?;
            let source = crate::files::read_text_file(
                &path,
                "template",
                compose::MAX_TEMPLATE_BYTES,
                "MAX_TEMPLATE_BYTES",
            )?;
            // Checked as it is read, so the first file that fails is the one named.
            drafts::check_template(&shown, play, &source)?;
            templates.push((shown, play, source));
        }
    }
    Ok(drafts::composer(templates)?)
}

fn play_text(a: &Assessment) -> String {
    match (&a.next_action.play, &a.next_action.close) {
        (Some(_), Some(c)) if c.status == DealStatus::Nurture => "take out of pipeline".into(),
        (Some(_), Some(c)) => format!(
            "propose close ({})",
            c.reason.map(|r| r.as_str()).unwrap_or("lost")
        ),
        (Some(p), None) => p.to_string(),
        (None, _) => match &a.next_action.barrier {
            Some(reach::Barrier::LookAgain { on }) => format!("wait until {on}"),
            Some(_) => "no touch".into(),
            None => "wait".into(),
        },
    }
}

/// The scan as a table: in a narrow terminal the top signals, the risk score and the stage
/// give way, in that order (`show` and `--json` have them).
fn scan_table(rows: &[&ScanRow]) -> Listing {
    let mut t = Listing::new(&[
        ("Deal", Fit::Whole),
        ("Account", Fit::Cut(1)),
        ("Stage", Fit::Spare),
        ("Amount", Fit::Whole),
        ("State", Fit::Cut(1)),
        ("Risk", Fit::Spare),
        ("Top signals", Fit::Spare),
        ("Next", Fit::Cut(1)),
        ("Due", Fit::Whole),
    ]);
    for r in rows {
        let a = &r.assessment;
        let signals: Vec<&str> = a.signals.iter().take(3).map(|s| s.kind.as_str()).collect();
        t.row(vec![
            r.deal_id.to_string(),
            r.account.clone(),
            r.stage.clone(),
            r.amount.to_string(),
            a.state.to_string(),
            a.risk.to_string(),
            signals.join(", "),
            play_text(a),
            day(a.next_action.due),
        ]);
    }
    t
}

pub async fn scan(g: &Global, a: ScanArgs) -> Result<ExitCode> {
    let store = open(g).await?;
    let scan = pipeline::scan(&store, &Caller::local(), now(g)?).await?;
    let shown: Vec<&ScanRow> = scan
        .worst_first()
        .into_iter()
        .filter(|r| a.all || r.assessment.state != DealState::Healthy)
        .collect();
    if g.json {
        print_json(&shown)?;
    } else {
        say!("{}", scan_table(&shown));
        say!("{}", state_summary(&scan.rows));
    }
    finish(scan);
    Ok(ExitCode::SUCCESS)
}

/// The command ends here and the process with it: freeing a large pipeline's assessments one by
/// one would only delay the exit (0.17 s for 100,000 deals), so the operating system reclaims them.
fn finish(scan: Scan) {
    std::mem::forget(scan);
}

fn state_summary(rows: &[ScanRow]) -> String {
    let n = |s: DealState| rows.iter().filter(|r| r.assessment.state == s).count();
    let nurtured = rows
        .iter()
        .filter(|r| r.status == DealStatus::Nurture)
        .count();
    format!(
        "{}{}: {} dark, {} slipping, {} at risk, {} healthy",
        count(rows.len() - nurtured, "open deal", "open deals"),
        if nurtured > 0 {
            format!(" and {nurtured} nurtured whose date to look again has come")
        } else {
            String::new()
        },
        n(DealState::Dark),
        n(DealState::Slipping),
        n(DealState::AtRisk),
        n(DealState::Healthy)
    )
}

fn today_table(due: &[&ScanRow]) -> Listing {
    let mut t = Listing::new(&[
        ("#", Fit::Whole),
        ("Deal", Fit::Whole),
        ("Account", Fit::Cut(1)),
        ("State", Fit::Cut(1)),
        ("Do", Fit::Cut(1)),
        ("Why", Fit::Cut(2)),
    ]);
    for (i, r) in due.iter().enumerate() {
        let a = &r.assessment;
        t.row(vec![
            (i + 1).to_string(),
            r.deal_id.to_string(),
            r.account.clone(),
            a.state.to_string(),
            play_text(a),
            a.next_action.why.clone(),
        ]);
    }
    t
}

/// What `today` says when nothing is due: when the next play falls due, and on which deal.
fn nothing_due(next: Option<&ScanRow>) -> String {
    match next {
        Some(r) => format!(
            "Nothing due today. Next: {} on {} ({}, {}).",
            play_text(&r.assessment),
            time::date_of(r.assessment.next_action.due),
            r.deal_id,
            r.account
        ),
        None => "Nothing due today, and no message is planned.".into(),
    }
}

pub async fn today(g: &Global) -> Result<ExitCode> {
    let store = open(g).await?;
    let today = pipeline::today(&store, &Caller::local(), now(g)?).await?;
    let due = today.due();
    if g.json {
        print_json(&due)?;
    } else {
        if due.is_empty() {
            say!("{}", nothing_due(today.next_planned.as_ref()));
        } else {
            say!("{}", today_table(&due));
        }
        for line in waiting_lines(&today.waiting) {
            say!("{line}");
        }
    }
    std::mem::forget(today);
    Ok(ExitCode::SUCCESS)
}

/// What waits for the rep, a line each, with the command that shows it.
fn waiting_lines(w: &Waiting) -> Vec<String> {
    let mut lines = Vec::new();
    if w.replies > 0 {
        lines.push(format!(
            "{} for you: rekindle replies list",
            count(w.replies, "reply waits", "replies wait")
        ));
    }
    for (n, one, many) in [
        (
            w.drafts,
            "draft to review and approve",
            "drafts to review and approve",
        ),
        (
            w.refused,
            "message refused at send time",
            "messages refused at send time",
        ),
        (
            w.unconfirmed,
            "message that may have gone out: confirm it",
            "messages that may have gone out: confirm them",
        ),
    ] {
        if n > 0 {
            lines.push(format!("{}: rekindle outbox list", count(n, one, many)));
        }
    }
    lines
}

pub async fn show(g: &Global, a: DealRef) -> Result<ExitCode> {
    let id = deal_id(&a.deal)?;
    let store = open(g).await?;
    let now = now(g)?;
    let pipeline::DealView {
        record, assessment, ..
    } = pipeline::deal(&store, &Caller::local(), id, now).await?;
    let crm = rekindle_app::crm::records_of(&store, &Caller::local(), id).await?;
    if g.json {
        print_json(&serde_json::json!({ "record": record, "assessment": assessment, "crm": crm }))?;
        return Ok(ExitCode::SUCCESS);
    }
    let d = &record.deal;
    say!("{} {}  [{}]", d.id, d.title, d.status);
    say!(
        "  {} · {} · {} · owner {}",
        d.account.name,
        d.stage,
        d.amount,
        d.owner
    );
    if let Some(c) = d.expected_close {
        say!("  expected close {c}");
    }
    if let Some(on) = d.resurface_on {
        say!(
            "  look again on {on}{}",
            if on > time::date_of(now) {
                ": no touch before then"
            } else {
                ": the date has come"
            }
        );
    }
    if let Some(l) = &d.loss {
        say!(
            "  lost: {}{}",
            l.reason,
            l.note
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
    }
    for link in &crm {
        say!("  in {}", rekindle_app::crm::record_line(link));
    }
    say!("\nPeople");
    for c in &record.contacts {
        let emails: Vec<&str> = c.emails.iter().map(|e| e.as_str()).collect();
        let dnc = if c.do_not_contact {
            "  DO NOT CONTACT"
        } else {
            ""
        };
        say!(
            "  {} {} - {} ({}) {}{dnc}",
            c.id,
            c.name,
            c.title.as_deref().unwrap_or("?"),
            c.role.map(|r| r.as_str()).unwrap_or("role unknown"),
            emails.join(", ")
        );
    }
    say!("\nIn their words");
    for f in &record.facts {
        say!(
            "  {:<16} \"{}\"  ({}, {})",
            f.kind.as_str(),
            f.text,
            f.source,
            day(f.said_at)
        );
    }
    if !record.commitments.is_empty() {
        say!("\nCommitments");
        for k in &record.commitments {
            say!(
                "  {} {} will {} by {} [{}]",
                k.id,
                k.party,
                k.what,
                day(k.due),
                k.status
            );
        }
    }
    match &record.next_step {
        Some(s) => say!(
            "\nNext step: {}{}{}",
            s.what,
            s.due.map(|d| format!(" on {}", day(d))).unwrap_or_default(),
            if s.booked { " (booked)" } else { "" }
        ),
        None => say!("\nNext step: none agreed"),
    }
    if let Some(c) = &record.contract {
        say!(
            "Contract: {} until {} ({} days notice)",
            c.vendor,
            c.ends_on,
            c.notice_days
        );
    }
    say!("\nTimeline (latest 12)");
    for act in record.activities.iter().rev().take(12).rev() {
        let who = act
            .contact
            .and_then(|c| record.contact(c))
            .map(|c| c.name.as_str())
            .unwrap_or("-");
        let outcome = act.outcome.map(|o| o.as_str()).unwrap_or("");
        // An email by its subject, then its first words (a sent one's summary is its subject).
        let what = match act.subject.as_deref() {
            Some(subject) if act.summary.is_empty() || act.summary == subject => {
                format!("\"{subject}\"")
            }
            Some(subject) => format!("\"{subject}\" - {}", act.summary),
            None => act.summary.clone(),
        };
        say!(
            "  {} {:<9} {:<8} {:<14} {:<18} {}",
            day(act.at),
            act.kind.as_str(),
            act.direction.as_str(),
            outcome,
            who,
            what
        );
    }
    say!(
        "\nState: {} · risk {} · sequence {} ({} of {} touches unanswered)",
        assessment.state,
        assessment.risk,
        assessment.sequence.step,
        assessment.sequence.unanswered_touches,
        assessment.sequence.cap
    );
    for s in &assessment.signals {
        say!("  ! {} (+{}): {}", s.kind, s.weight, s.summary);
        for e in &s.evidence {
            say!(
                "      - {}{}",
                e.what,
                e.at.map(|t| format!(" [{}]", day(t))).unwrap_or_default()
            );
        }
    }
    if !assessment.diagnosis.is_empty() {
        say!("\nWhy it may have gone quiet");
        for f in assessment.diagnosis.iter().take(3) {
            say!("  {} (score {}): {}", f.cause, f.score, f.explanation);
            for e in &f.evidence {
                say!("      - {}", e.what);
            }
        }
    }
    say!(
        "\nNext: {} - due {}\n  {}",
        play_text(&assessment),
        day(assessment.next_action.due),
        assessment.next_action.why
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn print_draft(d: &Draft) {
    say!(
        "To: {}{}",
        d.to.name,
        d.to.email
            .as_ref()
            .map(|e| format!(" <{e}>"))
            .unwrap_or_default()
    );
    say!("Subject: {}\n", d.subject);
    say!("{}", d.body.trim_end());
    say!("\nFacts used:");
    for f in &d.facts_used {
        say!(
            "  - {}: \"{}\" ({}{})",
            f.label,
            f.text,
            f.source,
            f.at.map(|t| format!(", {}", day(t))).unwrap_or_default()
        );
    }
    for fill in &d.to_fill {
        say!("To fill in before sending: {fill}");
    }
}

pub async fn draft(g: &Global, a: DraftArgs) -> Result<ExitCode> {
    let id = deal_id(&a.deal)?;
    let play = a.play.as_deref().map(PlayKind::parse).transpose()?;
    let store = open(g).await?;
    let now = now(g)?;
    let composer = composer(g)?;
    let drafts::Drafted { draft, .. } =
        drafts::draft(&store, &Caller::local(), &composer, id, play, now).await?;
    if g.json {
        print_json(&draft)?;
    } else {
        print_draft(&draft);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn lint(g: &Global, a: LintArgs) -> Result<ExitCode> {
    let name = if a.file.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        a.file.display().to_string()
    };
    let text =
        crate::files::read_text_or_stdin(&a.file, "message", MAX_BODY_BYTES, "MAX_BODY_BYTES")?;
    let findings = drafts::tone(&text);
    if g.json {
        print_json(&findings)?;
    } else if findings.is_empty() {
        say!("{name}: no pesky phrases found");
    } else {
        for f in &findings {
            say!(
                "{name}:{}:{}: \"{}\" [{}]\n  why: {}\n  better: {}",
                f.line,
                f.column,
                f.phrase,
                f.rule,
                f.why,
                f.better
            );
        }
    }
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The most activities `demo` pads a pipeline to (deals times `--activities-per-deal`): a
/// database of a few GB, past which a typing slip would fill the disk.
const DEMO_MOST_ACTIVITIES: u64 = 20_000_000;

pub async fn demo(g: &Global, a: DemoArgs) -> Result<ExitCode> {
    if u64::from(a.deals) * u64::from(a.activities_per_deal) > DEMO_MOST_ACTIVITIES {
        bail!(
            "--deals {} with --activities-per-deal {} would write {} activities; the most is {DEMO_MOST_ACTIVITIES}",
            a.deals,
            a.activities_per_deal,
            u64::from(a.deals) * u64::from(a.activities_per_deal)
        );
    }
    let now = now(g)?;
    let path = match &g.db {
        Some(p) => p.clone(),
        None => std::env::temp_dir().join(format!(
            "rekindle-demo-{}-{}.db",
            std::process::id(),
            now.as_second()
        )),
    };
    let store = Store::open(&path)
        .await
        .with_context(|| format!("creating {}", path.display()))?;
    let options = demo::DemoOptions {
        seed: a.seed,
        deals: a.deals as usize,
        activities_per_deal: a.activities_per_deal as usize,
    };
    let started = std::time::Instant::now();
    let loaded = admin::load_demo(&store, &Caller::local(), options, now, |n| {
        if a.deals >= 10_000 && !g.json {
            eprint!("\rloaded {n} deals");
        }
    })
    .await
    .map_err(|e| match e.kind() {
        ErrorKind::Conflict => anyhow::anyhow!("{} {e} (pass a new --db)", path.display()),
        _ => anyhow::Error::new(e),
    })?;
    if a.deals >= 10_000 && !g.json {
        eprintln!();
    }
    if a.load_only {
        crate::output::report(
            g,
            &serde_json::json!({ "db": path, "deals": loaded, "seconds": started.elapsed().as_secs_f64() }),
            || {
                format!(
                    "Loaded {loaded} deals into {} in {:.1}s",
                    path.display(),
                    started.elapsed().as_secs_f64()
                )
            },
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let caller = Caller::local();
    let scan = pipeline::scan(&store, &caller, now).await?;
    let due = scan.due(now);
    let composer = composer(g)?;
    let mut drafts = Vec::new();
    for play in [
        PlayKind::Accountability,
        PlayKind::Breakup,
        PlayKind::ValueAdd,
    ] {
        if let Some(row) = scan
            .rows
            .iter()
            .find(|r| r.assessment.next_action.play == Some(play))
        {
            let drafted =
                drafts::draft(&store, &caller, &composer, row.deal_id, Some(play), now).await?;
            drafts.push((row.deal_id, drafted.draft));
        }
    }
    if g.json {
        print_json(&serde_json::json!({
            "db": path,
            "deals": loaded,
            "scan": scan.rows,
            "today": due.iter().map(|r| r.deal_id).collect::<Vec<_>>(),
            "drafts": drafts.iter().map(|(id, d)| serde_json::json!({ "deal_id": id, "draft": d })).collect::<Vec<_>>(),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "Rekindle demo: {loaded} deals loaded into {} in {:.1}s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    say!("Evaluated at {now}\n");
    say!("The pipeline");
    say!("{}", scan_table(&scan.worst_first()));
    say!("{}\n", state_summary(&scan.rows));
    say!("Today, most urgent first");
    say!("{}\n", today_table(&due));
    for (id, d) in &drafts {
        say!("──── {} draft for {id} ────", d.play);
        print_draft(d);
        say!();
    }
    crate::revive::print_top(&store, now, 5).await?;
    say!(
        "Explore it: rekindle --db {} show D2   |   rekindle --db {} draft D2   |   rekindle --db {} revive --drafts   |   rekindle --db {} serve",
        path.display(),
        path.display(),
        path.display(),
        path.display()
    );
    if a.serve {
        let fixed = g.now.as_ref().map(|_| now);
        return run_server(store, a.server, fixed).await;
    }
    Ok(ExitCode::SUCCESS)
}

/// `rekindle serve`: the dashboard and the API on the database, until interrupted.
pub async fn serve(g: &Global, a: crate::args::ServeArgs) -> Result<ExitCode> {
    let store = crate::output::open(g).await?;
    let fixed = match &g.now {
        Some(_) => Some(now(g)?),
        None => None,
    };
    run_server(store, a, fixed).await
}

async fn run_server(
    store: Store,
    a: crate::args::ServeArgs,
    now: Option<jiff::Timestamp>,
) -> Result<ExitCode> {
    let settings = rekindle_server::Settings {
        addr: a.addr,
        remote: a.allow_remote,
        now,
    };
    let bound = rekindle_server::bind(store, settings)
        .await
        .map_err(|e| match e {
            rekindle_server::ServeError::NotLoopback(_) => {
                anyhow::anyhow!("{e}; pass --allow-remote to serve on it anyway")
            }
            e => anyhow::Error::new(e),
        })?;
    if !bound.addr().ip().is_loopback() {
        eprintln!(
            "warning: serving on {} without a login: anyone who can reach it can read and change the pipeline",
            bound.addr()
        );
    }
    // The URL goes to standard output, alone on its line, so a script can read it.
    println!("{}", bound.url());
    eprintln!("Rekindle dashboard at {} (Ctrl-C stops it)", bound.url());
    bound.run().await?;
    Ok(ExitCode::SUCCESS)
}
