//! Commands that keep the record: deals, contacts, activities, facts, commitments, next steps,
//! closing.

use crate::args::*;
use crate::output::{Fit, Listing, db_path, deal_id, now, open, report, say, warned};
use anyhow::{Context, Result, bail};
use rekindle_app::Caller;
use rekindle_app::admin::{self, Configured, Setup};
use rekindle_app::record::{
    self, AccountOf, CommitmentInput, ContactInput, DealInput, FactInput, LogInput, Logged, Warned,
};
use rekindle_core::*;
use rekindle_store::Store;
use serde_json::json;
use std::process::ExitCode;

pub async fn init(g: &Global, a: InitArgs) -> Result<ExitCode> {
    let path = db_path(g);
    let store = Store::open(&path)
        .await
        .with_context(|| format!("creating {}", path.display()))?;
    // Everything is read and checked before anything is written, then written at once.
    let pipeline = a
        .stages
        .as_ref()
        .map(|names| Pipeline::from_names(&names.iter().map(String::as_str).collect::<Vec<_>>()))
        .transpose()?;
    let moves = a
        .move_stage
        .iter()
        .map(|m| {
            m.split_once('=')
                .filter(|(old, new)| !old.trim().is_empty() && !new.trim().is_empty())
                .map(|(old, new)| (old.trim().to_lowercase(), new.trim().to_lowercase()))
                .ok_or_else(|| {
                    ParseError::new("--move-stage", m.as_str(), "OLD=NEW, two stage names")
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let currency = a.currency.as_deref().map(Currency::parse).transpose()?;
    let setup = Setup {
        stages: pipeline,
        moves,
        currency,
    };
    let Configured {
        stages,
        currency,
        moved,
    } = admin::configure(&store, &Caller::local(), &setup)
        .await
        .with_context(|| format!("setting up {}", path.display()))?;
    let moved_json: Vec<_> = moved
        .iter()
        .map(|(from, to, deals)| json!({ "from": from, "to": to, "deals": deals }))
        .collect();
    report(
        g,
        &json!({ "db": path, "stages": stages, "currency": currency, "moved": moved_json }),
        || {
            let mut lines = vec![format!(
                "Database ready at {} (stages: {}; amounts without a currency are in {currency})",
                path.display(),
                stages.join(" > ")
            )];
            for (from, to, deals) in &moved {
                lines.push(format!(
                    "  moved {deals} deal{} from {from} to {to}",
                    if *deals == 1 { "" } else { "s" }
                ));
            }
            lines.join("\n")
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

pub async fn backup(g: &Global, to: &std::path::Path) -> Result<ExitCode> {
    let store = open(g).await?;
    admin::backup(&store, &Caller::local(), to).await?;
    report(g, &json!({ "backup": to }), || {
        format!("Backed up {} to {}", db_path(g).display(), to.display())
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn check(g: &Global) -> Result<ExitCode> {
    let store = open(g).await?;
    let problems = admin::check(&store, &Caller::local()).await?;
    report(
        g,
        &json!({ "ok": problems.is_empty(), "problems": problems }),
        || {
            if problems.is_empty() {
                format!("{}: no damage found", db_path(g).display())
            } else {
                let path = db_path(g);
                format!(
                    "{}: damaged ({} problem{}):\n{}\nRestore a backup, or recover what is readable with `sqlite3 {} .recover | sqlite3 recovered.db`.",
                    path.display(),
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" },
                    problems.join("\n"),
                    path.display()
                )
            }
        },
    )?;
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub async fn deal(g: &Global, cmd: DealCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    let at = now(g)?;
    let caller = Caller::local();
    match cmd {
        DealCommand::Add(a) => {
            let expected_close = a
                .close
                .as_deref()
                .map(|c| time::parse_date("--close", c))
                .transpose()?;
            let created_at = a
                .created
                .as_deref()
                .map(|t| time::parse_instant("--created", t))
                .transpose()?;
            let id = record::add_deal(
                &store,
                &caller,
                DealInput {
                    title: a.title,
                    account: a.account,
                    account_domain: a.domain,
                    owner: a.owner,
                    stage: a.stage,
                    amount: a.amount,
                    expected_close,
                    created_at,
                },
                at,
            )
            .await?;
            report(g, &json!({ "deal": id }), || format!("Added deal {id}"))?;
        }
        DealCommand::List { status } => {
            let status = status.as_deref().map(DealStatus::parse).transpose()?;
            let deals = record::deals(&store, &caller, status).await?;
            if g.json {
                crate::output::print_json(&deals)?;
            } else {
                // In a narrow terminal the close date and the owner give way.
                let mut t = Listing::new(&[
                    ("Deal", Fit::Whole),
                    ("Title", Fit::Cut(2)),
                    ("Stage", Fit::Cut(1)),
                    ("Amount", Fit::Whole),
                    ("Status", Fit::Cut(1)),
                    ("Owner", Fit::Spare),
                    ("Close", Fit::Spare),
                    ("Look again", Fit::Whole),
                ]);
                for d in &deals {
                    t.row(vec![
                        d.id.to_string(),
                        d.title.clone(),
                        d.stage.clone(),
                        d.amount.to_string(),
                        d.status.to_string(),
                        d.owner.clone(),
                        d.expected_close.map(|c| c.to_string()).unwrap_or_default(),
                        d.resurface_on.map(|c| c.to_string()).unwrap_or_default(),
                    ]);
                }
                say!("{t}");
            }
        }
        DealCommand::Stage { deal, stage } => {
            let id = deal_id(&deal)?;
            record::move_stage(&store, &caller, id, &stage, at).await?;
            report(g, &json!({ "deal": id, "stage": stage }), || {
                format!("{id} moved to {stage}")
            })?;
        }
        DealCommand::CloseDate { deal, date } => {
            let id = deal_id(&deal)?;
            let date = time::parse_date("close date", &date)?;
            record::set_close_date(&store, &caller, id, date, at).await?;
            report(g, &json!({ "deal": id, "expected_close": date }), || {
                format!("{id} expected to close on {date}")
            })?;
        }
        DealCommand::Contract {
            deal,
            vendor,
            ends,
            notice_days,
        } => {
            let id = deal_id(&deal)?;
            let contract = Contract {
                vendor,
                ends_on: time::parse_date("--ends", &ends)?,
                notice_days,
            };
            record::set_contract(&store, &caller, id, &contract).await?;
            report(g, &contract, || {
                format!(
                    "{id}: under contract with {} until {}",
                    contract.vendor, contract.ends_on
                )
            })?;
        }
        DealCommand::Need { deal, feature, why } => {
            let id = deal_id(&deal)?;
            record::need_feature(&store, &caller, id, &feature, why.as_deref()).await?;
            report(g, &json!({ "deal": id, "feature": feature }), || {
                format!("{id} needs {feature}")
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn contact(g: &Global, cmd: ContactCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    let caller = Caller::local();
    match cmd {
        ContactCommand::Add(a) => {
            let account = match (a.account, a.deal) {
                (Some(acc), _) => AccountOf::Named(acc),
                (None, Some(d)) => AccountOf::Deal(deal_id(&d)?),
                (None, None) => bail!("--account or --deal is required"),
            };
            let emails = a
                .email
                .iter()
                .map(|e| EmailAddress::parse(e))
                .collect::<Result<Vec<_>, _>>()?;
            let role = a.role.as_deref().map(Role::parse).transpose()?;
            let id = record::add_contact(
                &store,
                &caller,
                ContactInput {
                    account,
                    name: a.name,
                    emails,
                    title: a.title,
                    role,
                    do_not_contact: a.dnc,
                    time_zone: a.time_zone,
                },
            )
            .await?;
            report(g, &json!({ "contact": id }), || {
                format!("Added contact {id}")
            })?;
        }
        ContactCommand::Dnc { contact, off } => {
            let id: ContactId = contact.parse()?;
            record::set_do_not_contact(&store, &caller, id, !off).await?;
            report(g, &json!({ "contact": id, "do_not_contact": !off }), || {
                if off {
                    format!("{id} may be contacted again")
                } else {
                    format!("{id} is do-not-contact: nothing will be drafted to them")
                }
            })?;
        }
        ContactCommand::TimeZone { contact, zone, off } => {
            let id: ContactId = contact.parse()?;
            let zone = match (zone, off) {
                (Some(z), false) => Some(z),
                (None, true) => None,
                _ => bail!("give a time zone (Europe/Berlin...) or --off"),
            };
            let zone = record::set_time_zone(&store, &caller, id, zone.as_deref()).await?;
            report(
                g,
                &json!({ "contact": id, "time_zone": zone }),
                || match &zone {
                    Some(z) => format!("{id} is in {z}: messages reach them in working hours"),
                    None => format!("{id}'s time zone is cleared"),
                },
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A logged message's text, from a regular file or `-` (standard input), at most
/// [`MAX_BODY_BYTES`] (1 MiB). Blank text is refused: a message with no words is no record of
/// anything.
pub(crate) fn read_body(path: &std::path::Path) -> Result<String> {
    let body =
        crate::files::read_text_or_stdin(path, "--body-file", MAX_BODY_BYTES, "MAX_BODY_BYTES")?;
    if body.trim().is_empty() {
        bail!(
            "--body-file {}: the message is empty; write its text, or log without --body-file",
            path.display()
        );
    }
    Ok(body)
}

pub async fn log(g: &Global, a: LogArgs) -> Result<ExitCode> {
    let kind = ActivityKind::parse(&a.kind)?;
    let direction = Direction::parse(&a.direction)?;
    let outcome = a.outcome.as_deref().map(Outcome::parse).transpose()?;
    let play = a.play.as_deref().map(PlayKind::parse).transpose()?;
    let returns_on = a
        .back
        .as_deref()
        .map(|d| time::parse_date("--back", d))
        .transpose()?;
    let at =
        a.at.as_deref()
            .map(|t| time::parse_instant("--at", t))
            .transpose()?;
    let now = now(g)?;
    let body = a.body_file.as_deref().map(read_body).transpose()?;
    let id = deal_id(&a.deal)?;
    let store = open(g).await?;
    let Logged {
        activity,
        tone_findings: findings,
        read_as: reading,
        look_again,
        warnings,
    } = record::log_activity(
        &store,
        &Caller::local(),
        id,
        LogInput {
            kind,
            direction,
            outcome,
            play,
            returns_on,
            at,
            contact: a.contact,
            summary: a.summary,
            body,
        },
        now,
    )
    .await?;
    report(
        g,
        &warned(
            json!({ "activity": activity, "tone_findings": findings, "read_as": reading, "look_again": look_again }),
            &warnings,
        ),
        || {
            // A meeting or a note has no direction worth saying; a call or a message does.
            let what = match kind {
                ActivityKind::Meeting | ActivityKind::Note => kind.to_string(),
                _ => format!("{kind} {direction}"),
            };
            let mut line = format!("Logged {what} on {id} ({activity})");
            for f in &findings {
                line.push_str(&format!(
                    "\n  tone: \"{}\" ({}) - {}",
                    f.phrase, f.rule, f.better
                ));
            }
            if let Some(r) = &reading {
                line.push_str(&format!(
                    "\n  read as {}{} (rekindle replies list --all)",
                    r.class,
                    if r.confident {
                        ""
                    } else {
                        ", uncertain: waiting for you"
                    }
                ));
            }
            if let Some(on) = look_again {
                line.push_str(&format!("\n  look again on {on}, no touch before then"));
            }
            line
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

pub async fn fact(g: &Global, a: FactArgs) -> Result<ExitCode> {
    let kind = FactKind::parse(&a.kind)?;
    let at =
        a.at.as_deref()
            .map(|t| time::parse_instant("--at", t))
            .transpose()?;
    let now = now(g)?;
    let id = deal_id(&a.deal)?;
    let store = open(g).await?;
    let fact = record::add_fact(
        &store,
        &Caller::local(),
        id,
        FactInput {
            kind,
            text: a.text,
            source: a.source,
            at,
            contact: a.contact,
        },
        now,
    )
    .await?;
    report(g, &json!({ "fact": fact }), || {
        format!("Recorded {kind} on {id} ({fact})")
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn commit(g: &Global, a: CommitArgs) -> Result<ExitCode> {
    let party = Party::parse(&a.by)?;
    let due = time::parse_instant("--due", &a.due)?;
    let id = deal_id(&a.deal)?;
    let made_at = now(g)?;
    let store = open(g).await?;
    let input = CommitmentInput {
        party,
        what: a.what,
        due,
        source: a.source,
    };
    let Warned { value: k, warnings } =
        record::add_commitment(&store, &Caller::local(), id, &input, made_at).await?;
    report(g, &warned(json!({ "commitment": k }), &warnings), || {
        format!(
            "Recorded {party} commitment {k} on {id}: {} by {}",
            input.what,
            time::human_date_year(due)
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn resolve(g: &Global, a: ResolveArgs) -> Result<ExitCode> {
    let id: CommitmentId = a.commitment.parse()?;
    let status = if a.kept {
        CommitmentStatus::Kept
    } else {
        CommitmentStatus::Broken
    };
    record::resolve_commitment(&open(g).await?, &Caller::local(), id, status).await?;
    report(g, &json!({ "commitment": id, "status": status }), || {
        format!("{id} marked {status}")
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn next_step(g: &Global, a: NextStepArgs) -> Result<ExitCode> {
    let due = a
        .due
        .as_deref()
        .map(|d| time::parse_instant("--due", d))
        .transpose()?;
    let id = deal_id(&a.deal)?;
    let step = NextStep {
        what: a.what,
        due,
        booked: a.booked,
        set_at: now(g)?,
    };
    let warnings = record::set_next_step(&open(g).await?, &Caller::local(), id, &step)
        .await?
        .warnings;
    report(g, &warned(json!(step), &warnings), || {
        format!(
            "{id} next step: {}{}",
            step.what,
            step.due
                .map(|d| format!(" on {}", time::human_date_year(d)))
                .unwrap_or_default()
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn close(g: &Global, a: CloseArgs) -> Result<ExitCode> {
    let id = deal_id(&a.deal)?;
    let at = now(g)?;
    let resurface_on = a
        .resurface
        .as_deref()
        .map(|d| time::parse_date("--resurface", d))
        .transpose()?;
    let status = if a.won {
        DealStatus::Won
    } else if a.lost {
        DealStatus::Lost
    } else if a.nurture {
        DealStatus::Nurture
    } else {
        DealStatus::Open
    };
    let closing = record::closing(
        status,
        a.reason.as_deref(),
        a.note.clone(),
        resurface_on,
        at,
    )?;
    record::close(&open(g).await?, &Caller::local(), id, &closing, at).await?;
    report(
        g,
        &json!({ "deal": id, "status": closing.status, "reason": closing.loss.as_ref().map(|l| l.reason), "resurface_on": closing.resurface_on }),
        || {
            let done = match &closing.loss {
                Some(l) => format!("{id} closed as lost ({})", l.reason),
                None => format!("{id} is now {}", closing.status),
            };
            match closing.resurface_on {
                Some(on) => format!("{done}; look again on {on}: no touch before then"),
                None => done,
            }
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

pub async fn policy(g: &Global, cmd: PolicyCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    let caller = Caller::local();
    let policy = match &cmd {
        PolicyCommand::Set { key, value } => {
            record::set_policy(&store, &caller, key, value).await?
        }
        PolicyCommand::Show => record::policy(&store, &caller).await?,
    };
    let settings: std::collections::BTreeMap<String, String> =
        policy.settings().into_iter().collect();
    match cmd {
        PolicyCommand::Show => report(g, &settings, || {
            settings
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join("\n")
        })?,
        PolicyCommand::Set { key, .. } => report(g, &settings, || {
            format!(
                "{key} = {}",
                settings.get(&key).cloned().unwrap_or_default()
            )
        })?,
    }
    Ok(ExitCode::SUCCESS)
}
