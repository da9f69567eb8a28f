//! Bringing deals back: `rekindle feature shipped|alias`, `rekindle event add|import`,
//! `rekindle promo add` and `rekindle revive`, over `rekindle_app::revival`; this module reads
//! the flags and the events CSV, and prints.

use crate::args::{EventCommand, FeatureCommand, Global, PromoArgs, ReviveArgs};
use crate::engine::{composer, print_draft};
use crate::output::{Fit, Listing, count, now, open, print_json, report, say};
use anyhow::{Context, Result};
use jiff::Timestamp;
use rekindle_app::Caller;
use rekindle_app::revival::{
    self, Drafted, Drafting, EventAdded, EventInput, FeatureShipped, PromotionAdded,
    PromotionInput, Words,
};
use rekindle_core::time::parse_date;
use rekindle_store::Store;
use std::process::ExitCode;

fn print_candidates(list: &[Drafted]) {
    let mut t = Listing::new(&[
        ("deal", Fit::Whole),
        ("account", Fit::Cut(1)),
        ("status", Fit::Cut(1)),
        ("score", Fit::Cut(1)),
        ("occasion", Fit::Cut(1)),
        ("why", Fit::Cut(2)),
    ]);
    for d in list {
        let c = &d.candidate;
        let why: Vec<String> = revival::weighed(c)
            .iter()
            .take(4)
            .map(|r| format!("{:+} {}", r.points, r.why))
            .collect();
        // One line a reason.
        t.row(vec![
            c.deal.to_string(),
            c.account.clone(),
            c.status.to_string(),
            if c.leave_buried {
                format!("{} (leave it buried)", c.score)
            } else {
                c.score.to_string()
            },
            revival::occasion_words(&c.occasion),
            why.join("\n"),
        ]);
    }
    say!("{t}");
    for d in list {
        if let Some(draft) = &d.draft {
            say!("\n== {} ({}) ==", d.candidate.deal, d.candidate.title);
            print_draft(draft);
            if let Some(q) = d.queued {
                say!("Queued as {q}: rekindle outbox approve {q}");
            }
            if let Some(w) = d.waiting {
                say!("Already waiting in the outbox as {w}: not queued again");
            }
        } else if let (Some(why), false) = (&d.no_draft, d.candidate.leave_buried) {
            say!("\n== {}: no draft: {why}", d.candidate.deal);
        }
    }
}

pub async fn feature(g: &Global, command: FeatureCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    let caller = Caller::local();
    match command {
        FeatureCommand::Alias { name, synonym } => {
            let filed = revival::feature_alias(&store, &caller, &name, &synonym).await?;
            report(
                g,
                &serde_json::json!({ "synonym": synonym, "feature": filed }),
                || format!("\"{synonym}\" is filed under {filed}"),
            )?;
        }
        FeatureCommand::Shipped { name, on, queue } => {
            let on = on.as_deref().map(|d| parse_date("--on", d)).transpose()?;
            let composer = composer(g)?;
            let FeatureShipped {
                feature,
                on,
                deals: drafted,
            } = revival::feature_shipped(&store, &caller, &composer, &name, on, queue, now).await?;
            if g.json {
                print_json(
                    &serde_json::json!({ "feature": feature, "shipped_on": on, "deals": drafted }),
                )?;
            } else if drafted.is_empty() {
                say!(
                    "{feature} shipped on {on}: no lost or dark deal that needed it may be written to now (none needed it, or each is held: a date to look again, do-not-contact, bounced, away)."
                );
            } else {
                say!(
                    "{feature} shipped on {on}: {} needed it.",
                    count(drafted.len(), "lost or dark deal", "lost or dark deals")
                );
                print_candidates(&drafted);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The largest events CSV read: far beyond any real list of trigger events, and a bound on
/// what a wrong file (`/dev/zero`, a log) can make the import hold.
const MAX_EVENTS_BYTES: usize = 64 * 1024 * 1024;

pub async fn event(g: &Global, command: EventCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    let caller = Caller::local();
    match command {
        EventCommand::Import { file } => {
            let text =
                crate::files::read_text_file(&file, "events file", MAX_EVENTS_BYTES, "64 MiB")?;
            let name = file.display().to_string();
            let events = revival::events_from_csv(&store, &caller, &name, text.as_bytes()).await?;
            let added = revival::import_events(&store, &caller, &events)
                .await
                .with_context(|| format!("importing {}", file.display()))?;
            report(
                g,
                &serde_json::json!({ "read": events.len(), "added": added }),
                || {
                    format!(
                        "Read {} from {}: {added} new, {} already known",
                        count(events.len(), "event", "events"),
                        file.display(),
                        events.len() - added
                    )
                },
            )?;
        }
        EventCommand::Add(a) => {
            let input = EventInput::parse(&Words::new(vec![
                ("account", Some(a.account.as_str())),
                ("contact", a.contact.as_deref()),
                ("kind", Some(a.kind.as_str())),
                ("on", a.on.as_deref()),
                ("source", Some(a.source.as_str())),
                ("note", a.note.as_deref()),
            ]))?;
            let composer = composer(g)?;
            let EventAdded {
                event: e,
                reopens: drafted,
                not_enough: not,
                ..
            } = revival::add_event(&store, &caller, &composer, input, a.queue, now).await?;
            if g.json {
                print_json(
                    &serde_json::json!({ "event": e, "reopens": drafted, "not_enough": not }),
                )?;
            } else if drafted.is_empty() {
                say!(
                    "Recorded {} at {} on {}: it reopens no lost or dark deal{}.",
                    e.kind,
                    e.account,
                    e.on,
                    if not.is_empty() {
                        format!(" ({} below the bar: rekindle revive --all)", not.len())
                    } else {
                        String::new()
                    }
                );
            } else {
                say!(
                    "Recorded {} at {} on {}: it reopens {} deals.",
                    e.kind,
                    e.account,
                    e.on,
                    drafted.len()
                );
                print_candidates(&drafted);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn revive(g: &Global, a: ReviveArgs) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    let composer = (a.drafts || a.queue).then(|| composer(g)).transpose()?;
    let drafting = match &composer {
        Some(c) if a.queue => Drafting::Queue(c),
        Some(c) => Drafting::Draft(c),
        None => Drafting::None,
    };
    let found = revival::revive(&store, &Caller::local(), a.limit, a.all, drafting, now).await?;
    let (buried, listed) = (found.left_buried, found.candidates);
    if g.json {
        print_json(
            &serde_json::json!({ "candidates": listed, "left_buried": buried, "considered": found.considered }),
        )?;
    } else {
        if listed.is_empty() {
            say!("No lost or dark deal is worth reviving now.");
        } else {
            print_candidates(&listed);
        }
        if buried > 0 {
            say!(
                "{buried} deals are best left buried: not salvageable, too long ago, or too little to go on{}.",
                if a.all { "" } else { " (--all lists them)" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn promo(g: &Global, a: PromoArgs) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    let reasons: Vec<&str> = a.lost_reasons.iter().map(String::as_str).collect();
    let input = PromotionInput::parse(
        &Words::new(vec![
            ("name", Some(a.name.as_str())),
            ("kind", Some(a.kind.as_str())),
            ("offer", Some(a.offer.as_str())),
            ("from", a.from.as_deref()),
            ("until", Some(a.until.as_str())),
            ("min_stage", a.min_stage.as_deref()),
            ("min_amount", a.min_amount.as_deref()),
            ("max_amount", a.max_amount.as_deref()),
        ]),
        &reasons,
    )?;
    let composer = composer(g)?;
    let PromotionAdded {
        promotion,
        running,
        deals: drafted,
    } = revival::add_promotion(&store, &Caller::local(), &composer, input, a.queue, now).await?;
    if g.json {
        print_json(
            &serde_json::json!({ "promotion": promotion, "running": running, "deals": drafted }),
        )?;
    } else if !running {
        say!(
            "Recorded {}: it runs from {} to {}; `rekindle revive` picks it up then.",
            promotion.name,
            promotion.from,
            promotion.until
        );
    } else if drafted.is_empty() {
        say!(
            "Recorded {}: no deal on the verge qualifies.",
            promotion.name
        );
    } else {
        say!(
            "Recorded {}: {} on the verge {}.",
            promotion.name,
            count(drafted.len(), "deal", "deals"),
            if drafted.len() == 1 {
                "qualifies"
            } else {
                "qualify"
            }
        );
        print_candidates(&drafted);
    }
    Ok(ExitCode::SUCCESS)
}

/// The best `n` revival candidates, as a table (for the demo).
pub async fn print_top(store: &Store, now: Timestamp, n: usize) -> Result<()> {
    let found = revival::revive(store, &Caller::local(), n, false, Drafting::None, now).await?;
    if found.candidates.is_empty() {
        return Ok(());
    }
    say!(
        "Lost and dark deals worth coming back to ({} of {}; {} best left buried):",
        found.candidates.len(),
        found.considered,
        found.left_buried
    );
    print_candidates(&found.candidates);
    say!();
    Ok(())
}
