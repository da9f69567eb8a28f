//! Bringing deals back: `rekindle feature shipped|alias`, `rekindle event add|import` and
//! `rekindle revive`. The ranking and the drafts are the core's (`revival`, `compose`); this
//! reads the pipeline account by account, as the scan does.

use crate::args::{EventArgs, EventCommand, FeatureCommand, Global, PromoArgs, ReviveArgs};
use crate::engine::{composer, print_draft, stage_norms};
use crate::outbox::outgoing_of;
use crate::output::{count, now, open, print_json, report, say, table};
use anyhow::{Context, Result, anyhow, bail};
use jiff::Timestamp;
use rekindle_core::compose::Draft;
use rekindle_core::revival::{
    Candidate, Catalogue, Outlook, Promotion, PromotionKind, Revival, Shipped, Subject,
    TriggerEvent, TriggerKind, rank_one,
};
use rekindle_core::time::{date_of, parse_date};
use rekindle_core::{DealRecord, DealState, DealStatus, LostReason, Money, OutgoingId, assess};
use rekindle_store::{AccountWork, NewOutgoing, Occasion, Store};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// What to keep of the candidates as the pipeline streams by.
enum Keep {
    /// Every candidate this says yes to (a shipped feature's deals, an account's).
    Matching(Arc<dyn Fn(&Candidate) -> bool + Send + Sync>),
    /// Only the best `n`, buried ones included or not: memory stays bounded whatever the
    /// pipeline's size.
    Best { n: usize, buried: bool },
}

/// What a pass over the pipeline found: the candidates kept, best first, and how many there
/// were in all and how many are best left buried.
struct Found {
    kept: Vec<Candidate>,
    total: usize,
    buried: usize,
}

fn better(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.score.cmp(&a.score).then(a.deal.cmp(&b.deal))
}

/// The best `n` so far, shared by the reading threads.
struct Podium {
    n: usize,
    best: Vec<Candidate>,
}

impl Podium {
    fn offer(&mut self, c: Candidate) {
        if self.best.len() == self.n {
            match self.best.last() {
                Some(worst) if better(&c, worst).is_lt() => {
                    self.best.pop();
                }
                _ => return,
            }
        }
        let at = self
            .best
            .binary_search_by(|x| better(x, &c))
            .unwrap_or_else(|i| i);
        self.best.insert(at, c);
    }
}

/// An occasion the command records together with the drafts it makes: ranked as if it were
/// recorded already, so nothing is written before everything is ready.
#[derive(Clone)]
enum Pending {
    Nothing,
    Shipped(Shipped),
    Event(TriggerEvent),
    Promotion(Promotion),
}

/// Reads the whole pipeline, account by account, and ranks every revival candidate, with
/// `pending` counted as recorded.
async fn candidates(store: &Store, now: Timestamp, keep: Keep, pending: Pending) -> Result<Found> {
    let policy = store.policy().await?;
    let stages = stage_norms(store, now).await?;
    let revival = policy.revival();
    let since = date_of(now)
        .checked_sub(rekindle_core::time::days(revival.fresh_days))
        .unwrap_or(date_of(now));
    let mut events: HashMap<String, Vec<TriggerEvent>> = HashMap::new();
    for e in store.events_since(since).await? {
        events.entry(e.account.clone()).or_default().push(e);
    }
    let mut shipped = store.shipped().await?;
    let mut promotions = store.promotions_on(date_of(now)).await?;
    match pending {
        Pending::Nothing => {}
        Pending::Event(e) => {
            let known = events.entry(e.account.clone()).or_default();
            let same = |k: &TriggerEvent| k.kind == e.kind && k.on == e.on && k.source == e.source;
            if e.on >= since && !known.iter().any(same) {
                known.push(e);
            }
        }
        Pending::Shipped(f) => {
            shipped.retain(|s| s.feature != f.feature);
            shipped.push(f);
        }
        Pending::Promotion(p) => {
            promotions.retain(|q| q.name != p.name);
            if p.is_running(date_of(now)) {
                promotions.push(p);
            }
        }
    }
    let (events, shipped, promotions, catalogue) = (
        Arc::new(events),
        Arc::new(shipped),
        Arc::new(promotions),
        Arc::new(store.catalogue().await?),
    );
    let podium = Arc::new(std::sync::Mutex::new(Podium {
        n: match &keep {
            Keep::Best { n, .. } => *n,
            Keep::Matching(_) => 0,
        },
        best: Vec::new(),
    }));
    let keep = Arc::new(keep);
    let shared = podium.clone();
    // Each account returns (candidates, buried) counts and, when matching, the matches.
    let work: AccountWork<(usize, usize, Vec<Candidate>)> =
        Arc::new(move |group: Vec<DealRecord>| {
            let norms = stages.with_replies_from(&group, now);
            let here: Vec<&TriggerEvent> = group
                .first()
                .and_then(|r| events.get(&r.deal.account.name))
                .map(|v| v.iter().collect())
                .unwrap_or_default();
            let outlook = Outlook {
                shipped: &shipped,
                promotions: &promotions,
                catalogue: &catalogue,
                pipeline: &policy.pipeline,
                policy: &revival,
                now,
            };
            let (mut total, mut buried, mut matched) = (0, 0, Vec::new());
            for r in group.iter().filter(|r| r.deal.status != DealStatus::Won) {
                let dark = r.deal.status == DealStatus::Open
                    && assess(r, now, &policy, &norms).state == DealState::Dark;
                let subject = Subject { record: r, dark };
                let Some(c) = rank_one(&subject, &here, &outlook) else {
                    continue;
                };
                total += 1;
                buried += usize::from(c.leave_buried);
                match keep.as_ref() {
                    Keep::Matching(wanted) if wanted(&c) => matched.push(c),
                    Keep::Matching(_) => {}
                    Keep::Best {
                        buried: with_buried,
                        ..
                    } if *with_buried || !c.leave_buried => {
                        if let Ok(mut p) = shared.lock() {
                            p.offer(c);
                        }
                    }
                    Keep::Best { .. } => {}
                }
            }
            (total, buried, matched)
        });
    let mut found = Found {
        kept: Vec::new(),
        total: 0,
        buried: 0,
    };
    for (total, buried, matched) in store.map_accounts(false, work).await? {
        found.total += total;
        found.buried += buried;
        found.kept.extend(matched);
    }
    if let Ok(mut p) = podium.lock() {
        found.kept.append(&mut p.best);
    }
    found.kept.sort_by(better);
    Ok(found)
}

/// A candidate with its draft (or why none could be made) and where it was queued.
#[derive(Serialize)]
struct Drafted {
    #[serde(flatten)]
    candidate: Candidate,
    #[serde(skip_serializing_if = "Option::is_none")]
    draft: Option<Draft>,
    #[serde(skip_serializing_if = "Option::is_none")]
    no_draft: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queued: Option<OutgoingId>,
}

/// Drafts for `candidates`; with `queue`, the messages to put in the outbox (by position in
/// the list), for the caller to record in one transaction with what it records.
async fn with_drafts(
    g: &Global,
    store: &Store,
    candidates: Vec<Candidate>,
    queue: bool,
    now: Timestamp,
) -> Result<(Vec<Drafted>, Vec<(usize, NewOutgoing)>)> {
    let mut to_queue = Vec::new();
    let composer = composer(g)?;
    let policy = store.policy().await?;
    let mut out = Vec::new();
    for candidate in candidates {
        if candidate.leave_buried {
            out.push(Drafted {
                candidate,
                draft: None,
                no_draft: Some("leave it buried".into()),
                queued: None,
            });
            continue;
        }
        let record = store.deal(candidate.deal).await?;
        let (draft, no_draft) =
            match composer.draft_revival(&record, &candidate.occasion, now, &policy) {
                Ok(d) => (Some(d), None),
                Err(e) => (None, Some(e.to_string())),
            };
        if let (Some(d), true) = (&draft, queue) {
            to_queue.push((out.len(), outgoing_of(store, &record, d).await?));
        }
        out.push(Drafted {
            candidate,
            draft,
            no_draft,
            queued: None,
        });
    }
    Ok((out, to_queue))
}

/// Records `occasion` and queues `to_queue` in one transaction, then notes the queued ids on
/// the drafts. Returns how many events were new.
async fn record(
    store: &Store,
    occasion: Occasion<'_>,
    drafted: &mut [Drafted],
    to_queue: Vec<(usize, NewOutgoing)>,
    now: Timestamp,
) -> Result<usize> {
    let messages: Vec<NewOutgoing> = to_queue.iter().map(|(_, m)| m.clone()).collect();
    let (added, ids) = store.record_occasion(occasion, &messages, now).await?;
    for ((at, _), id) in to_queue.iter().zip(ids) {
        drafted[*at].queued = Some(id);
    }
    Ok(added)
}

fn occasion_words(o: &Revival) -> String {
    match o {
        Revival::FeatureShipped { feature, .. } => format!("{feature} shipped"),
        Revival::Trigger { event } => format!("{} on {}", event.kind, event.on),
        Revival::ContractEnding { vendor, notice_by } => {
            format!("{vendor} notice due {notice_by}")
        }
        Revival::Resurface { on } => format!("their date to look again ({on})"),
        Revival::Promotion { promotion } => format!("{} until {}", promotion.name, promotion.until),
        Revival::CheckIn => "a value-adding check-in".into(),
    }
}

fn print_candidates(list: &[Drafted]) {
    let mut t = table(&["deal", "account", "status", "score", "occasion", "why"]);
    for d in list {
        let c = &d.candidate;
        let mut reasons: Vec<&rekindle_core::revival::Reason> =
            c.reasons.iter().filter(|r| r.points != 0).collect();
        reasons.sort_by_key(|r| -r.points.abs());
        let why: Vec<String> = reasons
            .iter()
            .take(4)
            .map(|r| format!("{:+} {}", r.points, r.why))
            .collect();
        t.add_row(vec![
            c.deal.to_string(),
            c.account.clone(),
            c.status.to_string(),
            if c.leave_buried {
                format!("{} (leave it buried)", c.score)
            } else {
                c.score.to_string()
            },
            occasion_words(&c.occasion),
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
        } else if let (Some(why), false) = (&d.no_draft, d.candidate.leave_buried) {
            say!("\n== {}: no draft: {why}", d.candidate.deal);
        }
    }
}

pub async fn feature(g: &Global, command: FeatureCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    match command {
        FeatureCommand::Alias { name, synonym } => {
            store.add_feature_alias(&name, &synonym).await?;
            let filed = store.catalogue().await?.file_under(&synonym);
            report(
                g,
                &serde_json::json!({ "synonym": synonym, "feature": filed }),
                || format!("\"{synonym}\" is filed under {filed}"),
            )?;
        }
        FeatureCommand::Shipped { name, on, queue } => {
            let catalogue: Catalogue = store.catalogue().await?;
            let feature = catalogue.file_under(&name);
            let on = match on {
                Some(d) => parse_date("--on", &d)?,
                None => date_of(now),
            };
            let shipped = Shipped {
                feature: feature.clone(),
                on,
            };
            let wanted = feature.clone();
            let keep: Arc<dyn Fn(&Candidate) -> bool + Send + Sync> = Arc::new(
                move |c| matches!(&c.occasion, Revival::FeatureShipped { feature, .. } if catalogue.file_under(feature) == wanted),
            );
            let pending = Pending::Shipped(shipped.clone());
            let found = candidates(&store, now, Keep::Matching(keep), pending)
                .await?
                .kept;
            let (mut drafted, to_queue) = with_drafts(g, &store, found, queue, now).await?;
            record(
                &store,
                Occasion::Shipped(&shipped),
                &mut drafted,
                to_queue,
                now,
            )
            .await?;
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

/// A trigger event from flags.
async fn event_from(store: &Store, a: &EventArgs, now: Timestamp) -> Result<TriggerEvent> {
    let contact = match &a.contact {
        Some(key) => Some(store.contact_at(&a.account, key).await?),
        None => None,
    };
    let on = match &a.on {
        Some(d) => parse_date("--on", d)?,
        None => date_of(now),
    };
    Ok(TriggerEvent::new(
        &a.account,
        contact,
        TriggerKind::parse(&a.kind)?,
        on,
        &a.source,
        a.note.as_deref(),
    )?)
}

/// The line where a quoted field opens and never closes (RFC 4180 section 2: a field that
/// starts with `"` ends at a `"` not doubled), if one does. The csv crate reads such a field
/// to the end of the file without complaint, which would swallow every line after it into one
/// value.
fn unterminated_quote(bytes: &[u8]) -> Option<usize> {
    let (mut line, mut opened_on) = (1, 0);
    let (mut in_quotes, mut field_start) = (false, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && field_start {
            in_quotes = true;
            opened_on = line;
        }
        if b == b'\n' {
            line += 1;
        }
        field_start = !in_quotes && matches!(b, b',' | b'\n' | b'\r');
        i += 1;
    }
    in_quotes.then_some(opened_on)
}

/// The largest events CSV read: far beyond any real list of trigger events, and a bound on
/// what a wrong file (`/dev/zero`, a log) can make the import hold.
const MAX_EVENTS_BYTES: usize = 64 * 1024 * 1024;

/// Reads a CSV of events; every error names the line and the field.
async fn events_from_csv(store: &Store, path: &Path) -> Result<Vec<TriggerEvent>> {
    let bytes =
        crate::files::read_text_file(path, "events file", MAX_EVENTS_BYTES, "64 MiB")?.into_bytes();
    if let Some(line) = unterminated_quote(&bytes) {
        bail!(
            "{} line {line}: a quoted field opens here and is never closed (a missing \"); nothing was imported",
            path.display()
        );
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .with_context(|| format!("{}: the header line", path.display()))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let required = |name: &str| {
        column(name).ok_or_else(|| {
            anyhow!(
                "{}: no {name} column (expected account,contact,kind,date,source,note)",
                path.display()
            )
        })
    };
    let (account, kind, date, source) = (
        required("account")?,
        required("kind")?,
        required("date")?,
        required("source")?,
    );
    let (contact, note) = (column("contact"), column("note"));
    let mut events = Vec::new();
    for (i, row) in reader.records().enumerate() {
        // Where the record starts: fields may span lines.
        let line = match &row {
            Ok(r) => r.position().map_or(i as u64 + 2, |p| p.line()),
            Err(e) => e.position().map_or(i as u64 + 2, |p| p.line()),
        };
        let at = |field: &str| format!("{} line {line}, field {field}", path.display());
        let row = row.with_context(|| format!("{} line {line}", path.display()))?;
        let get = |c: Option<usize>| c.and_then(|c| row.get(c)).filter(|v| !v.is_empty());
        let account_name = get(Some(account)).ok_or_else(|| anyhow!("{}: empty", at("account")))?;
        let contact_id = match get(contact) {
            Some(key) => Some(
                store
                    .contact_at(account_name, key)
                    .await
                    .with_context(|| at("contact"))?,
            ),
            None => None,
        };
        let kind = TriggerKind::parse(get(Some(kind)).unwrap_or("")).with_context(|| at("kind"))?;
        let on = parse_date("date", get(Some(date)).unwrap_or("")).with_context(|| at("date"))?;
        let event = TriggerEvent::new(
            account_name,
            contact_id,
            kind,
            on,
            get(Some(source)).unwrap_or(""),
            get(note),
        )
        .with_context(|| at("source"))?;
        events.push(event);
    }
    Ok(events)
}

pub async fn event(g: &Global, command: EventCommand) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    match command {
        EventCommand::Import { file } => {
            let events = events_from_csv(&store, &file).await?;
            let added = store
                .add_events(&events)
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
            let e = event_from(&store, &a, now).await?;
            // The deals where this event counted (fresh, at their account). The rep came with
            // it: it is what the message is about, even when an older reason scores higher.
            let occasion = Revival::Trigger { event: e.clone() };
            let wanted = occasion.clone();
            let keep: Arc<dyn Fn(&Candidate) -> bool + Send + Sync> =
                Arc::new(move |c| c.has_occasion(&wanted));
            let pending = Pending::Event(e.clone());
            let found: Vec<Candidate> = candidates(&store, now, Keep::Matching(keep), pending)
                .await?
                .kept
                .into_iter()
                .map(|mut c| {
                    c.come_back_with(occasion.clone());
                    c
                })
                .collect();
            let (reopened, not): (Vec<Candidate>, Vec<Candidate>) =
                found.into_iter().partition(|c| !c.leave_buried);
            let (mut drafted, to_queue) = with_drafts(g, &store, reopened, a.queue, now).await?;
            record(
                &store,
                Occasion::Events(std::slice::from_ref(&e)),
                &mut drafted,
                to_queue,
                now,
            )
            .await?;
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
    let found = candidates(
        &store,
        now,
        Keep::Best {
            n: a.limit,
            buried: a.all,
        },
        Pending::Nothing,
    )
    .await?;
    let buried = found.buried;
    let shown = found.kept;
    let listed = if a.drafts {
        with_drafts(g, &store, shown, false, now).await?.0
    } else {
        shown
            .into_iter()
            .map(|candidate| Drafted {
                candidate,
                draft: None,
                no_draft: None,
                queued: None,
            })
            .collect()
    };
    if g.json {
        print_json(
            &serde_json::json!({ "candidates": listed, "left_buried": buried, "considered": found.total }),
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
    let currency = store.currency().await?;
    let promotion = Promotion {
        name: a.name.trim().to_string(),
        kind: PromotionKind::parse(&a.kind)?,
        offer: a.offer.trim().to_string(),
        from: match &a.from {
            Some(d) => parse_date("--from", d)?,
            None => date_of(now),
        },
        until: parse_date("--until", &a.until)?,
        min_stage: a.min_stage.clone(),
        lost_reasons: a
            .lost_reasons
            .iter()
            .map(|r| LostReason::parse(r))
            .collect::<Result<_, _>>()?,
        min_amount: a
            .min_amount
            .as_deref()
            .map(|m| Money::parse(m, currency))
            .transpose()?,
        max_amount: a
            .max_amount
            .as_deref()
            .map(|m| Money::parse(m, currency))
            .transpose()?,
    };
    promotion.check(&store.policy().await?.pipeline)?;
    let running = promotion.is_running(date_of(now));
    let occasion = Revival::Promotion {
        promotion: promotion.clone(),
    };
    let wanted = occasion.clone();
    let keep: Arc<dyn Fn(&Candidate) -> bool + Send + Sync> =
        Arc::new(move |c| !c.leave_buried && c.has_occasion(&wanted));
    let found: Vec<Candidate> = if running {
        candidates(
            &store,
            now,
            Keep::Matching(keep),
            Pending::Promotion(promotion.clone()),
        )
        .await?
        .kept
        .into_iter()
        .map(|mut c| {
            c.come_back_with(occasion.clone());
            c
        })
        .collect()
    } else {
        Vec::new()
    };
    let (mut drafted, to_queue) = with_drafts(g, &store, found, a.queue, now).await?;
    record(
        &store,
        Occasion::Promotion(&promotion),
        &mut drafted,
        to_queue,
        now,
    )
    .await?;
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
    let found = candidates(
        store,
        now,
        Keep::Best { n, buried: false },
        Pending::Nothing,
    )
    .await?;
    if found.kept.is_empty() {
        return Ok(());
    }
    say!(
        "Lost and dark deals worth coming back to ({} of {}; {} best left buried):",
        found.kept.len(),
        found.total,
        found.buried
    );
    let listed: Vec<Drafted> = found
        .kept
        .into_iter()
        .map(|candidate| Drafted {
            candidate,
            draft: None,
            no_draft: None,
            queued: None,
        })
        .collect();
    print_candidates(&listed);
    say!();
    Ok(())
}
