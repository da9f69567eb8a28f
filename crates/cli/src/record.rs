//! Commands that keep the record: deals, contacts, activities, facts, commitments, next steps,
//! closing.

use crate::args::*;
use crate::import::{Reply, act_on_reply};
use crate::output::{db_path, deal_id, now, open, report, say, warned};
use anyhow::{Context, Result, bail};
use rekindle_core::*;
use rekindle_store::{Closing, NewActivity, NewContact, NewDeal, Store};
use serde_json::json;
use std::process::ExitCode;

/// The longest notice period a contract may have: ten years.
const MAX_NOTICE_DAYS: i64 = 3650;

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
    let moved = store
        .configure(pipeline.as_ref(), &moves, currency)
        .await
        .with_context(|| format!("setting up {}", path.display()))?;
    let currency = store.currency().await?;
    let pipeline = store.pipeline().await?;
    let stages: Vec<&str> = pipeline.stages.iter().map(|s| s.name.as_str()).collect();
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
    store.backup(to).await?;
    report(g, &json!({ "backup": to }), || {
        format!("Backed up {} to {}", db_path(g).display(), to.display())
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn check(g: &Global) -> Result<ExitCode> {
    let store = open(g).await?;
    let problems = store.check().await?;
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
    match cmd {
        DealCommand::Add(a) => {
            let amount = Money::parse(&a.amount, store.currency().await?)?;
            let expected_close = a
                .close
                .as_deref()
                .map(|c| time::parse_date("--close", c))
                .transpose()?;
            let created_at = match &a.created {
                Some(t) => time::parse_instant("--created", t)?,
                None => at,
            };
            let id = store
                .add_deal(NewDeal {
                    title: a.title,
                    account: a.account,
                    account_domain: a.domain,
                    owner: a.owner,
                    stage: a.stage,
                    amount,
                    expected_close,
                    created_at,
                })
                .await?;
            report(g, &json!({ "deal": id }), || format!("Added deal {id}"))?;
        }
        DealCommand::List { status } => {
            let status = status.as_deref().map(DealStatus::parse).transpose()?;
            // Only the deals are kept as the pipeline streams in.
            let keep = move |group: Vec<DealRecord>| -> Vec<Deal> {
                group
                    .into_iter()
                    .map(|r| r.deal)
                    .filter(|d| status.is_none_or(|s| d.status == s))
                    .collect()
            };
            let mut deals: Vec<Deal> = store
                .map_accounts(false, std::sync::Arc::new(keep))
                .await?
                .into_iter()
                .flatten()
                .collect();
            deals.sort_by_key(|d| d.id);
            if g.json {
                crate::output::print_json(&deals)?;
            } else {
                let mut t = crate::output::table(&[
                    "Deal",
                    "Title",
                    "Stage",
                    "Amount",
                    "Status",
                    "Owner",
                    "Close",
                    "Look again",
                ]);
                for d in &deals {
                    t.add_row(vec![
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
            store.move_stage(id, &stage, at).await?;
            report(g, &json!({ "deal": id, "stage": stage }), || {
                format!("{id} moved to {stage}")
            })?;
        }
        DealCommand::CloseDate { deal, date } => {
            let id = deal_id(&deal)?;
            let date = time::parse_date("close date", &date)?;
            store.set_close_date(id, date, at).await?;
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
            if !(0..=MAX_NOTICE_DAYS).contains(&notice_days) {
                bail!(
                    "bad --notice-days {notice_days}: a number of days from 0 to {MAX_NOTICE_DAYS} (ten years)"
                );
            }
            let contract = Contract {
                vendor,
                ends_on: time::parse_date("--ends", &ends)?,
                notice_days,
            };
            store.set_contract(id, &contract).await?;
            report(g, &contract, || {
                format!(
                    "{id}: under contract with {} until {}",
                    contract.vendor, contract.ends_on
                )
            })?;
        }
        DealCommand::Need { deal, feature, why } => {
            let id = deal_id(&deal)?;
            store
                .add_needed_feature(id, &feature, why.as_deref())
                .await?;
            report(g, &json!({ "deal": id, "feature": feature }), || {
                format!("{id} needs {feature}")
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn contact(g: &Global, cmd: ContactCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    match cmd {
        ContactCommand::Add(a) => {
            let account = match (a.account, a.deal) {
                (Some(acc), _) => acc,
                (None, Some(d)) => store.deal_account(deal_id(&d)?).await?,
                (None, None) => bail!("--account or --deal is required"),
            };
            let emails = a
                .email
                .iter()
                .map(|e| EmailAddress::parse(e))
                .collect::<Result<Vec<_>, _>>()?;
            let role = a.role.as_deref().map(Role::parse).transpose()?;
            let zone = a.time_zone.as_deref().map(time_zone).transpose()?;
            let id = store
                .add_contact(NewContact {
                    account,
                    name: a.name,
                    emails,
                    title: a.title,
                    role,
                    do_not_contact: a.dnc,
                    time_zone: zone,
                })
                .await?;
            report(g, &json!({ "contact": id }), || {
                format!("Added contact {id}")
            })?;
        }
        ContactCommand::Dnc { contact, off } => {
            let id: ContactId = contact.parse()?;
            store.set_do_not_contact(id, !off).await?;
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
                (Some(z), false) => Some(time_zone(&z)?),
                (None, true) => None,
                _ => bail!("give a time zone (Europe/Berlin...) or --off"),
            };
            store.set_contact_time_zone(id, zone.as_deref()).await?;
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

/// An IANA time zone name, checked against the time zone database.
fn time_zone(name: &str) -> Result<String> {
    jiff::tz::TimeZone::get(name.trim())
        .map(|_| name.trim().to_string())
        .map_err(|_| {
            anyhow::anyhow!(
                "bad time zone {name:?}: expected a name like Europe/Berlin or America/New_York"
            )
        })
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
    let outcome = match a.outcome.as_deref() {
        Some(o) => Some(Outcome::parse(o)?),
        None => match (kind, direction) {
            (ActivityKind::Note, _) => None,
            (ActivityKind::Email | ActivityKind::Social, Direction::Inbound) => {
                Some(Outcome::Replied)
            }
            (ActivityKind::Email | ActivityKind::Social, Direction::Outbound) => {
                Some(Outcome::Sent)
            }
            (ActivityKind::Voicemail, _) => Some(Outcome::VoicemailLeft),
            (ActivityKind::Meeting, _) => Some(Outcome::MeetingHeld),
            (ActivityKind::Call, _) => Some(Outcome::Connected),
        },
    };
    let play = a.play.as_deref().map(PlayKind::parse).transpose()?;
    let returns_on = a
        .back
        .as_deref()
        .map(|d| time::parse_date("--back", d))
        .transpose()?;
    let at = match &a.at {
        Some(t) => time::parse_instant("--at", t)?,
        None => now(g)?,
    };
    let body = a.body_file.as_deref().map(read_body).transpose()?;
    // What a reply adds, quotes and signature cut, is what gets read.
    let reply_text = body
        .as_deref()
        .filter(|_| direction == Direction::Inbound && kind == ActivityKind::Email)
        .map(rekindle_core::mail::new_text)
        .filter(|t| !t.trim().is_empty());
    let id = deal_id(&a.deal)?;
    let store = open(g).await?;
    let contact = match &a.contact {
        Some(c) => Some(store.resolve_contact(id, c).await?),
        None => None,
    };
    let summary = if a.summary.is_empty() {
        body.as_deref()
            .map(|b| {
                b.lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .chars()
                    .take(120)
                    .collect()
            })
            .unwrap_or_default()
    } else {
        a.summary
    };
    // An outbound message is judged against the rep's previous touch too: the same message
    // again, or one that adds nothing to it.
    let findings = match body.as_deref().filter(|_| direction == Direction::Outbound) {
        Some(text) => {
            let record = store.deal(id).await?;
            let previous: Vec<&str> = lint::previous_touch(&record, at).into_iter().collect();
            lint::lint_with_history(text, &previous)
        }
        None => Vec::new(),
    };
    let new = NewActivity {
        kind,
        direction,
        at,
        outcome,
        contact,
        summary,
        body,
        play,
        returns_on,
    };
    // A reply logged by hand is read like a captured one: its deal moves accordingly, in the
    // same transaction as the activity.
    let (activity, reading) = match (&reply_text, outcome, direction) {
        (Some(text), Some(Outcome::Replied), Direction::Inbound) => {
            let record = store.deal(id).await?;
            let address = contact
                .and_then(|c| record.contact(c))
                .and_then(|c| c.emails.first())
                .map(|e| e.to_string())
                .unwrap_or_default();
            let policy = store.policy().await?;
            let mut writer = store.capture_writer()?;
            let activity = writer.log_activity(id, new)?;
            let (reading, actions) = act_on_reply(
                &mut writer,
                &policy,
                Reply {
                    deal: id,
                    activity,
                    contact,
                    address: &address,
                    text,
                    at,
                    // Logged by hand: the rep says it answers their conversation.
                    direct: true,
                    list: false,
                },
                None,
            )?;
            writer.commit()?;
            (
                activity,
                Some((reading, crate::import::look_again(&actions))),
            )
        }
        _ => (store.log_activity(id, new).await?, None),
    };
    let (reading, look_again) = match reading {
        Some((r, on)) => (Some(r), on),
        None => (None, None),
    };
    let warnings: Vec<String> = match &a.at {
        Some(_) => time::held_warning("--at", at, now(g)?)
            .into_iter()
            .collect(),
        None => Vec::new(),
    };
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
    if a.text.trim().is_empty() {
        bail!("bad fact text: empty; record their words");
    }
    let at = match &a.at {
        Some(t) => time::parse_instant("--at", t)?,
        None => now(g)?,
    };
    let id = deal_id(&a.deal)?;
    let store = open(g).await?;
    let contact = match &a.contact {
        Some(c) => Some(store.resolve_contact(id, c).await?),
        None => None,
    };
    let fact = store
        .add_fact(id, kind, a.text.trim(), &a.source, at, contact)
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
    let k = store
        .add_commitment(id, party, &a.what, due, &a.source, made_at)
        .await?;
    let warnings = time::due_warnings("--due", due, made_at, false);
    report(g, &warned(json!({ "commitment": k }), &warnings), || {
        format!(
            "Recorded {party} commitment {k} on {id}: {} by {}",
            a.what,
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
    open(g).await?.set_commitment_status(id, status).await?;
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
    open(g).await?.set_next_step(id, &step).await?;
    let warnings = step
        .due
        .map(|d| time::due_warnings("--due", d, step.set_at, true))
        .unwrap_or_default();
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
        .map(|d| time::parse_date_after("--resurface", d, time::date_of(at)))
        .transpose()?;
    let closing = if a.won {
        Closing {
            status: DealStatus::Won,
            loss: None,
            resurface_on: None,
        }
    } else if a.lost {
        let reason = LostReason::parse(a.reason.as_deref().unwrap_or_default())?;
        Closing {
            status: DealStatus::Lost,
            loss: Some(Loss {
                reason,
                note: a.note.clone(),
                at,
            }),
            resurface_on,
        }
    } else if a.nurture {
        Closing {
            status: DealStatus::Nurture,
            loss: None,
            resurface_on,
        }
    } else {
        Closing {
            status: DealStatus::Open,
            loss: None,
            resurface_on: None,
        }
    };
    open(g).await?.close(id, &closing).await?;
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
    let mut policy = store.policy().await?;
    if let PolicyCommand::Set { key, value } = &cmd {
        policy.set(key, value)?;
        store.set_policy(&policy).await?;
    }
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
