//! `rekindle replies`: what each reply was read as and what it changed, the rep's decisions,
//! and the classifier's figures on its labelled set.

use crate::args::{DecideArgs, Global, RepliesCommand};
use crate::output::{Fit, Listing, day, now, open, print_json, report, say, table};
use anyhow::{Context, Result};
use rekindle_app::Caller;
use rekindle_app::replies::{self, Decision};
use rekindle_core::reply::classify;
use rekindle_core::reply::eval::{self, Evaluation, cross_validate, evaluate, parse_set};
use rekindle_core::time::{date_of, parse_date};
use rekindle_core::{PlayKind, ReadingId};
use std::process::ExitCode;

pub async fn run(g: &Global, command: RepliesCommand) -> Result<ExitCode> {
    match command {
        RepliesCommand::List { all, limit } => list(g, all, limit).await,
        RepliesCommand::Decide(a) => decide(g, a).await,
        RepliesCommand::Classify {
            file,
            context,
            sent,
        } => classify_file(g, &file, context.as_deref(), sent.as_deref()),
        RepliesCommand::Eval { cues: true, .. } => cue_audit(g),
        RepliesCommand::Eval { file, realmail, .. } => {
            // Real mail first: the committed set, unless another set (--file) is asked for.
            let real = match (&realmail, &file) {
                (None, Some(_)) => None,
                _ => crate::realmail_eval::run(g, realmail.as_deref()).await?,
            };
            eval_command(g, file.as_deref(), real)
        }
    }
}

async fn list(g: &Global, all: bool, limit: i64) -> Result<ExitCode> {
    let store = open(g).await?;
    let readings = replies::list(&store, &Caller::local(), all, limit).await?;
    if g.json {
        print_json(&readings)?;
        return Ok(ExitCode::SUCCESS);
    }
    if readings.is_empty() {
        say!(
            "{}",
            if all {
                "No replies read yet."
            } else {
                "Nothing waiting: every reply read so far was clear. (--all lists them.)"
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = Listing::new(&[
        ("reading", Fit::Whole),
        ("deal", Fit::Whole),
        ("from", Fit::Cut(1)),
        ("read as", Fit::Cut(1)),
        ("state", Fit::Spare),
        ("changes", Fit::Cut(1)),
        ("they wrote", Fit::Cut(2)),
    ]);
    for r in &readings {
        let changes: Vec<String> = r
            .changes
            .iter()
            .map(|c| replies::describe(&c.action))
            .collect();
        // On one line: the table cuts it to the room there is.
        let text = r
            .text
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        t.row(vec![
            r.id.to_string(),
            r.deal.to_string(),
            r.sender.clone(),
            format!("{} ({})", r.class, r.decided_by),
            format!("{} {}", r.state, day(r.read_at)),
            changes.join("; "),
            text,
        ]);
    }
    say!("{t}");
    Ok(ExitCode::SUCCESS)
}

async fn decide(g: &Global, a: DecideArgs) -> Result<ExitCode> {
    let store = open(g).await?;
    let at = now(g)?;
    let id: ReadingId = a.reading.parse()?;
    let decision = Decision::parse(
        &a.class,
        a.reason.as_deref(),
        a.until.as_deref(),
        a.lift_stop,
    )?;
    let stored = replies::decide(&store, &Caller::local(), id, decision, at).await?;
    let new = stored.id;
    report(g, &stored, || {
        let changes: Vec<String> = stored
            .changes
            .iter()
            .map(|c| replies::describe(&c.action))
            .collect();
        format!(
            "{new} replaces {id}: {} ({})",
            stored.class,
            if changes.is_empty() {
                "nothing to change".to_string()
            } else {
                changes.join("; ")
            }
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

fn classify_file(
    g: &Global,
    file: &std::path::Path,
    context: Option<&str>,
    sent: Option<&str>,
) -> Result<ExitCode> {
    let text = crate::files::read_text_or_stdin(
        file,
        "the reply",
        rekindle_core::MAX_BODY_BYTES,
        "MAX_BODY_BYTES",
    )?;
    let context = context.map(PlayKind::parse).transpose()?;
    let sent = match sent {
        Some(s) => parse_date("sent", s)?,
        None => date_of(now(g)?),
    };
    let reading = classify(&rekindle_core::mail::new_text(&text), context, sent);
    report(g, &reading, || {
        let mut lines = vec![format!(
            "{}{}",
            reading.class,
            if reading.confident {
                ""
            } else {
                " (uncertain: the rep confirms)"
            }
        )];
        if let Some(r) = reading.lost_reason {
            lines.push(format!("  reason: {r}"));
        }
        if let Some(u) = reading.until {
            lines.push(format!("  until: {u}"));
        }
        if let Some(p) = &reading.proposal {
            lines.push(format!(
                "  proposed: {}{}",
                p.text,
                p.on.map(|d| format!(" ({d})")).unwrap_or_default()
            ));
        }
        if let Some(r) = &reading.referral {
            lines.push(format!(
                "  referred to: {} {}",
                r.name.as_deref().unwrap_or("?"),
                r.address.as_ref().map(|a| a.as_str()).unwrap_or("")
            ));
        }
        for e in &reading.evidence {
            lines.push(format!("  evidence: {e}"));
        }
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The cue audit (`eval::audit_cues`) on the committed sets: the headline, then every pattern
/// with its counts per set, the flagged ones marked.
fn cue_audit(g: &Global) -> Result<ExitCode> {
    let sets = eval::committed_sets().context("reading the committed labelled sets")?;
    let named: Vec<(&str, &[eval::Labelled])> =
        sets.iter().map(|(n, s)| (*n, s.as_slice())).collect();
    let audit = eval::audit_cues(&named);
    if g.json {
        print_json(&audit)?;
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "{} cue patterns; {} match at most one line of the {} set ({} at most one line of all sets together); {} read as a sentence ({}+ fixed words)",
        audit.patterns,
        audit.one_line_or_none,
        audit.sets.first().map(String::as_str).unwrap_or("first"),
        audit.one_line_or_none_anywhere,
        audit.sentences,
        eval::SENTENCE_WORDS,
    );
    let mut header = vec!["table", "pattern"];
    header.extend(audit.sets.iter().map(String::as_str));
    header.push("flag");
    let mut t = table(&header);
    for c in &audit.cues {
        let mut row = vec![c.table.to_string(), c.pattern.to_string()];
        row.extend(c.matches.iter().map(|n| n.to_string()));
        let mut flags = Vec::new();
        if c.one_line_or_none {
            flags.push("<=1 line");
        }
        if c.sentence {
            flags.push("sentence");
        }
        row.push(flags.join(", "));
        t.add_row(row);
    }
    say!("{t}");
    Ok(ExitCode::SUCCESS)
}

/// Folds of the cross-validation `eval` scores the labelled set with.
const FOLDS: usize = 10;

fn figures(name: &str, e: &Evaluation) -> String {
    let mut t = table(&["class", "examples", "predicted", "precision", "recall"]);
    for c in &e.classes {
        t.add_row(vec![
            c.class.to_string(),
            c.support.to_string(),
            c.predicted.to_string(),
            format!("{:.2}", c.precision),
            format!("{:.2}", c.recall),
        ]);
    }
    format!(
        "{name}: {} replies\n  false moves (a deal moved on a wrong reading): {} ({:.1}%)\n  moves made on the reader's own: {}, right: {} ({:.0}%)\n  uncertain (waiting for the rep): {}; class right: {:.3}\n{t}",
        e.examples,
        e.false_moves,
        e.false_move_rate * 100.0,
        e.moves,
        e.moves - e.false_moves,
        e.move_precision * 100.0,
        e.uncertain,
        e.accuracy,
    )
}

fn eval_command(
    g: &Global,
    file: Option<&std::path::Path>,
    real: Option<crate::realmail_eval::Report>,
) -> Result<ExitCode> {
    // The labelled set trained the model: it is scored by cross-validation, never on itself.
    // The holdout and any other file were never trained on.
    // (JSON key, name, text, whether the model was trained on it)
    let sets: Vec<(String, String, String, bool)> = match file {
        Some(f) => vec![(
            "file".into(),
            f.display().to_string(),
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?,
            false,
        )],
        None => vec![
            (
                "labelled_cross_validated".into(),
                format!("labelled set ({FOLDS}-fold cross-validated)"),
                eval::SET.to_string(),
                true,
            ),
            (
                "holdout".into(),
                "holdout set".into(),
                eval::HOLDOUT.to_string(),
                false,
            ),
            (
                "fresh_holdout".into(),
                "fresh holdout (replies people sent, labelled before reading)".into(),
                eval::FRESH.to_string(),
                false,
            ),
        ],
    };
    let mut results = Vec::new();
    for (key, name, text, trained) in &sets {
        let set = parse_set(text).with_context(|| format!("reading {name}"))?;
        let e = if *trained {
            cross_validate(&set, FOLDS)
        } else {
            evaluate(&set)
        };
        results.push((key.clone(), name.clone(), e));
    }
    if g.json {
        let mut out = serde_json::Map::new();
        if let Some(r) = &real {
            out.insert("real mail".into(), serde_json::to_value(r)?);
        }
        out.extend(
            results
                .iter()
                .map(|(k, _, e)| (k.clone(), serde_json::to_value(e).unwrap_or_default())),
        );
        print_json(&out)?;
    } else {
        if let Some(r) = &real {
            say!("{}", r.lines().join("\n"));
        }
        for (_, name, e) in &results {
            say!("{}", figures(name, e));
            for m in &e.misses {
                say!(
                    "  line {}: {} read as {}{}{}: {}",
                    m.line,
                    m.expected,
                    m.got,
                    if m.confident { "" } else { " (uncertain)" },
                    if m.moves_the_deal() {
                        ", MOVES THE DEAL"
                    } else {
                        ""
                    },
                    m.text
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
