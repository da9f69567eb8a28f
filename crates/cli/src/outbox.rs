//! `rekindle outbox`: the rep reviews, edits, approves, sends or exports the drafts queued from
//! plays (`rekindle_app::outbox` does each; this module reads the flags, the editor and the
//! files, and prints).

use crate::args::{Global, OutboxCommand, SendArgs};
use crate::engine::composer;
use crate::output::{Fit, Listing, deal_id, now, open, print_json, report, say};
use crate::sync::password;
use anyhow::{Context, Result, anyhow, bail};
use jiff::Timestamp;
use rekindle_app::outbox::{self, Edit, Edited, SendRequest, SendSettings, Targets};
use rekindle_app::{Caller, outbox::Queued};
use rekindle_core::{OutgoingId, PlayKind};
use rekindle_store::{OutboxMessage, Store};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

pub async fn run(g: &Global, command: OutboxCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    let caller = Caller::local();
    match command {
        OutboxCommand::Add { deal, play } => add(g, &store, &deal, play.as_deref(), now).await,
        OutboxCommand::List { all } => list(g, &store, all).await,
        OutboxCommand::Show { id } => {
            let m = outbox::message(&store, &caller, id.parse()?).await?;
            report(g, &m, || {
                format!(
                    "{} ({}) to {}\nSubject: {}\n\n{}",
                    m.id, m.state, m.to, m.subject, m.body
                )
            })?;
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Edit {
            id,
            subject,
            body_file,
        } => edit(g, &store, id.parse()?, subject, body_file).await,
        OutboxCommand::Approve { ids, all } => approve(g, &store, ids, all, now).await,
        OutboxCommand::Cancel { id } => {
            let id: OutgoingId = id.parse()?;
            outbox::cancel(&store, &caller, id).await?;
            report(g, &serde_json::json!({ "cancelled": id }), || {
                format!("{id} cancelled")
            })?;
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Send(a) => send(g, &store, a, now).await,
        OutboxCommand::Export { id, to } => export(g, &store, id.parse()?, to, now).await,
        OutboxCommand::Confirm { id, sent, .. } => {
            let id: OutgoingId = id.parse()?;
            outbox::confirm(&store, &caller, id, sent, now).await?;
            report(
                g,
                &serde_json::json!({ "message": id, "sent": sent }),
                || {
                    if sent {
                        format!("{id} recorded as sent")
                    } else {
                        format!("{id} approved again: the next send sends it once")
                    }
                },
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn add(
    g: &Global,
    store: &Store,
    deal: &str,
    play: Option<&str>,
    now: Timestamp,
) -> Result<ExitCode> {
    let id = deal_id(deal)?;
    let play = play.map(PlayKind::parse).transpose()?;
    let composer = composer(g)?;
    let Queued { message: m, draft } =
        outbox::queue(store, &Caller::local(), &composer, id, play, now).await?;
    let queued = m.id;
    report(g, &m, || {
        let mut lines = vec![format!(
            "{queued}: {} to {} <{}>, waiting for your review (rekindle outbox approve {queued})",
            draft.play, draft.to.name, m.to
        )];
        if !draft.to_fill.is_empty() {
            lines.push(format!(
                "  fill in first (rekindle outbox edit {queued}): {}",
                draft.to_fill.join("; ")
            ));
        }
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn list(g: &Global, store: &Store, all: bool) -> Result<ExitCode> {
    let messages = outbox::list(store, &Caller::local(), all).await?;
    if g.json {
        print_json(&messages)?;
        return Ok(ExitCode::SUCCESS);
    }
    if messages.is_empty() {
        say!("The outbox is empty.");
        return Ok(ExitCode::SUCCESS);
    }
    // The day it went or is held to is kept whole; why it is held, or what went wrong, is cut
    // to the room left.
    let mut t = Listing::new(&[
        ("message", Fit::Whole),
        ("deal", Fit::Whole),
        ("to", Fit::Spare),
        ("play", Fit::Spare),
        ("state", Fit::Cut(1)),
        ("subject", Fit::Cut(2)),
        ("when", Fit::Whole),
        ("note", Fit::Cut(2)),
    ]);
    for m in &messages {
        let (when, note) = outbox::note(m);
        t.row(vec![
            m.id.to_string(),
            m.deal.to_string(),
            m.to.clone(),
            m.play.map(|p| p.to_string()).unwrap_or_default(),
            m.state.to_string(),
            m.subject.clone(),
            when,
            note,
        ]);
    }
    say!("{t}");
    Ok(ExitCode::SUCCESS)
}

async fn edit(
    g: &Global,
    store: &Store,
    id: OutgoingId,
    subject: Option<String>,
    body_file: Option<PathBuf>,
) -> Result<ExitCode> {
    let caller = Caller::local();
    let change = match (subject, body_file) {
        (None, None) => {
            let current = outbox::editable(store, &caller, id).await?;
            let (subject, body) = edit_in_editor(&current)?;
            Edit {
                subject: Some(subject),
                body: Some(body),
            }
        }
        (subject, file) => Edit {
            subject,
            body: file.map(|f| crate::record::read_body(&f)).transpose()?,
        },
    };
    match outbox::edit(store, &caller, id, change).await? {
        Edited::FailsToneCheck(findings) => {
            for f in &findings {
                eprintln!(
                    "line {}: \"{}\" [{}]\n  why: {}\n  better: {}",
                    f.line, f.phrase, f.rule, f.why, f.better
                );
            }
            eprintln!("{id} is unchanged: its text must pass the tone check");
            Ok(ExitCode::from(1))
        }
        Edited::Done(m) => {
            report(g, &m, || {
                format!("{id} edited; approve it again to send (rekindle outbox approve {id})")
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens `$EDITOR` on `Subject: ...`, a blank line and the text.
fn edit_in_editor(current: &OutboxMessage) -> Result<(String, String)> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal for an editor: give --subject and/or --body-file");
    }
    let editor = std::env::var("EDITOR").unwrap_or_else(|_| "vi".into());
    let dir = std::env::temp_dir().join(format!("rekindle-edit-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}.txt", current.id));
    std::fs::write(
        &path,
        format!("Subject: {}\n\n{}\n", current.subject, current.body),
    )?;
    let status = std::process::Command::new(&editor)
        .arg(&path)
        .status()
        .with_context(|| format!("starting {editor}"))?;
    if !status.success() {
        bail!("{editor} exited with {status}: {} is unchanged", current.id);
    }
    let text = std::fs::read_to_string(&path)?;
    let _ = std::fs::remove_dir_all(&dir);
    let (head, body) = text
        .split_once("\n\n")
        .ok_or_else(|| anyhow!("keep the Subject: line, a blank line, then the text"))?;
    let subject = head
        .strip_prefix("Subject:")
        .ok_or_else(|| anyhow!("the first line must be Subject: ..."))?;
    Ok((subject.trim().to_string(), body.to_string()))
}

async fn approve(
    g: &Global,
    store: &Store,
    ids: Vec<String>,
    all: bool,
    now: Timestamp,
) -> Result<ExitCode> {
    let targets = if all {
        Targets::AllDrafts
    } else {
        if ids.is_empty() {
            bail!("say which messages (O3 O4), or --all");
        }
        Targets::Ids(
            ids.iter()
                .map(|id| id.parse::<OutgoingId>())
                .collect::<Result<_, _>>()?,
        )
    };
    let results = outbox::approve(store, &Caller::local(), targets, now).await?;
    let refused = results.iter().any(|r| !r.approved);
    report(g, &results, || {
        results
            .iter()
            .map(|r| {
                if r.approved {
                    format!("{} approved", r.message)
                } else {
                    format!("{} not approved: {}", r.message, r.problems.join("; "))
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok(if refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

async fn send(g: &Global, store: &Store, a: SendArgs, now: Timestamp) -> Result<ExitCode> {
    let request = SendRequest {
        settings: SendSettings {
            host: a.host,
            port: a.port,
            security: a.security,
            user: a.user,
            ca_file: a.ca_file,
            from: a.from,
            name: a.name,
        },
        dry_run: a.dry_run,
    };
    let mut ask = |account: &str| password(&a.password, account).map_err(|e| format!("{e:#}"));
    let report_out = outbox::send(store, &Caller::local(), request, &mut ask, now).await?;
    let trouble = report_out.stopped.is_some() || !report_out.unconfirmed.is_empty();
    report(g, &report_out, || report_out.lines().join("\n"))?;
    Ok(if trouble {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

async fn export(
    g: &Global,
    store: &Store,
    id: OutgoingId,
    to: PathBuf,
    now: Timestamp,
) -> Result<ExitCode> {
    let caller = Caller::local();
    let bytes = outbox::export(store, &caller, id, now).await?;
    let path = if to.is_dir() {
        to.join(format!("{id}.eml"))
    } else {
        to
    };
    // A message names people and says what they told the rep: readable by its owner only.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(
        &mut options
            .open(&path)
            .with_context(|| format!("writing {}", path.display()))?,
        &bytes,
    )
    .with_context(|| format!("writing {}", path.display()))?;
    outbox::exported(store, &caller, id).await?;
    report(
        g,
        &serde_json::json!({ "message": id, "file": path.display().to_string() }),
        || {
            format!(
                "{id} written to {}: once it is in your Sent folder and imported, it counts as sent (or say so: rekindle outbox confirm {id} --sent)",
                path.display()
            )
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
