//! A rep's morning in the browser, end to end: Today's due actions lead to a dark deal; its
//! timeline is drawn and every piece of evidence links to a mark or a line on the page; the
//! draft, edited to say "Just following up", is flagged by the live tone check (htmx) and
//! passes once the text is clean; it is queued and approved on the Outbox; a waiting reply is
//! decided in one click on Replies; the deal moves stage on the board. The database then
//! holds exactly what the same use cases (those the CLI runs) make of a copy taken before the
//! first change.

use super::*;
use rekindle_app::outbox::{self, Edit, Queueing, Targets};
use rekindle_app::record::LogInput;
use rekindle_app::replies::{self, Decision};
use rekindle_app::{drafts, pipeline};
use rekindle_core::compose::Composer;
use rekindle_core::{ActivityKind, DealId, Direction, OutgoingId, PlayKind, ReadingId};
use rekindle_store::Store;

/// A reply that commits to nothing: the reader leaves it for the rep to decide.
const UNSURE: &str = "Thanks, let me think about it and get back to you.";
/// The deal the unsure reply comes in on.
const REPLIED: &str = "D5";
/// A text the tone linter flags ("just following up" asks for attention and offers nothing).
const PESKY: &str = "Hi,\n\nJust following up on my last note.\n\nAlex";
/// A text that passes the tone check and leaves no blank to fill.
const CLEAN: &str = "Hi,\n\nYou said the late dispatches cost your team two days a month. Would 20 minutes on Thursday help you decide whether to fix that this quarter?\n\nAlex";

pub fn a_reps_morning(ctx: &Ctx) {
    let now: jiff::Timestamp = NOW.parse().unwrap();
    let replied: DealId = REPLIED.parse().unwrap();
    let reading = unsure_reply(ctx, replied);
    // What the CLI starts from: the record before the first change made in the browser.
    let copy = copy_of(&ctx.served, "rep-flow-cli.db");

    let deal = open_a_dark_deal_from_today(ctx, replied);
    timeline_and_evidence(ctx, deal);
    let (play, subject) = edit_the_draft(ctx, deal);
    let message = queue_it(ctx, deal);
    approve_it(ctx, message);
    decide_the_reply(ctx, reading);
    let from = ctx
        .served
        .with_store(async |store| store.deal(deal).await.unwrap().deal.stage);
    let to = other_stage(ctx, &from);
    move_on_board(ctx, &deal.to_string(), &to);

    // The same use cases on the copy, as `rekindle` would run them.
    let queued_by_cli = ctx.served.runtime.block_on(async {
        let store = Store::open(&copy).await.expect("the copy");
        let caller = Caller::local();
        let edit = Edit {
            subject: Some(subject),
            body: Some(CLEAN.to_string()),
        };
        let play = (!play.is_empty()).then(|| PlayKind::parse(&play).expect("the form's play"));
        let composer = Composer::builtin();
        let queued =
            match outbox::queue_edited(&store, &caller, composer, deal, play, edit, now).await {
                Ok(Queueing::Done(q)) => q.message.id,
                Ok(Queueing::FailsToneCheck(f)) => panic!("the clean text fails: {f:?}"),
                Err(e) => panic!("queuing on the copy: {e}"),
            };
        let approved = outbox::approve(&store, &caller, Targets::Ids(vec![queued]), now)
            .await
            .expect("approve");
        assert!(approved.iter().all(|a| a.approved), "{approved:?}");
        let revive = Decision::parse("revive", None, None, false).expect("a decision");
        replies::decide(&store, &caller, reading, revive, now)
            .await
            .expect("decide");
        record::move_stage(&store, &caller, deal, &to, now)
            .await
            .expect("move");
        queued
    });
    assert_eq!(queued_by_cli, message, "the message's id");

    let served = what_changed(ctx, &ctx.served.db, deal, replied);
    let by_cli = what_changed(ctx, &copy, deal, replied);
    assert_eq!(served, by_cli, "the browser's record against the CLI's");
    // And what that is: the clean text approved, the reply revived by the rep, the new stage
    // with its history row at the moment of the move.
    let messages = served["messages"].as_array().expect("messages");
    let ours = messages
        .iter()
        .find(|m| m["id"] == message.to_string())
        .expect("the queued message");
    assert_eq!(ours["state"], "approved", "{ours}");
    assert_eq!(ours["body"], CLEAN, "{ours}");
    let decided = served["readings"]
        .as_array()
        .expect("readings")
        .iter()
        .find(|r| r["replaces"] == reading.to_string())
        .unwrap_or_else(|| panic!("no reading replaces {reading}: {served}"));
    assert_eq!(decided["class"], "revive", "{decided}");
    assert_eq!(decided["decided_by"], "rep", "{decided}");
    assert_eq!(served["stage"], to.as_str());
    assert_eq!(
        served["history"].as_array().and_then(|h| h.last()),
        Some(&serde_json::json!([to, NOW])),
        "{served}"
    );
    // Everything else the pages could have touched, compared whole.
    let deals = [deal.to_string(), replied.to_string()];
    let deals: Vec<&str> = deals.iter().map(String::as_str).collect();
    assert_eq!(
        snapshot(&ctx.served, &ctx.served.db, &deals),
        snapshot(&ctx.served, &copy, &deals),
        "the snapshots of the browser's record and the CLI's"
    );
}

/// Logs [`UNSURE`] as an email in from `deal`'s first contact an hour before [`NOW`], as
/// `rekindle log` does; its reading, checked to be waiting for the rep.
fn unsure_reply(ctx: &Ctx, deal: DealId) -> ReadingId {
    ctx.served.with_store(async |store| {
        let contact = store.deal(deal).await.unwrap().contacts[0].name.clone();
        let logged = record::log_activity(
            store,
            &Caller::local(),
            deal,
            LogInput {
                kind: ActivityKind::Email,
                direction: Direction::Inbound,
                outcome: None,
                play: None,
                returns_on: None,
                at: Some("2026-11-23T08:00:00Z".parse().unwrap()),
                contact: Some(contact),
                summary: String::new(),
                body: Some(UNSURE.to_string()),
            },
            NOW.parse().unwrap(),
        )
        .await
        .expect("logging the reply");
        store
            .readings(true, 1000)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.activity == logged.activity)
            .unwrap_or_else(|| panic!("{UNSURE:?} was not left waiting for the rep"))
            .id
    })
}

/// Opens Today, checks actions are due, and follows the first dark deal's card that has a
/// draft to send (and is not `except`) to its page.
fn open_a_dark_deal_from_today(ctx: &Ctx, except: DealId) -> DealId {
    ctx.goto("/");
    assert_eq!(ctx.text("h1"), "Today");
    let due = ctx.web(async |c| {
        c.find_all(Locator::Css("ol.due > li.card"))
            .await
            .expect("find")
            .len()
    });
    assert!(due > 0, "no action due on Today");
    let dark: Vec<String> = ctx.web(async |c| {
        let mut out = Vec::new();
        for a in c
            .find_all(Locator::Css("ol.due > li.card.state-dark .card-head a"))
            .await
            .expect("find")
        {
            out.extend(a.attr("href").await.expect("href"));
        }
        out
    });
    let now = NOW.parse().unwrap();
    let deal = ctx.served.with_store(async |store| {
        for href in &dark {
            let Some(id) = href.strip_prefix("/deals/") else {
                continue;
            };
            let id: DealId = id.parse().expect("a deal id");
            if id == except {
                continue;
            }
            let drafted =
                drafts::draft(store, &Caller::local(), Composer::builtin(), id, None, now).await;
            if drafted.is_ok_and(|d| d.draft.to.email.is_some()) {
                return id;
            }
        }
        panic!("no dark deal with a draft among Today's due actions: {dark:?}")
    });
    let href = format!("/deals/{deal}");
    let account = ctx.web(async |c| {
        let card = c
            .find(Locator::XPath(&format!(
                "//ol[contains(@class,'due')]/li[.//a[@href='{href}']]"
            )))
            .await
            .expect("its card");
        let account = card
            .find(Locator::Css(".account"))
            .await
            .expect("its account")
            .text()
            .await
            .expect("text");
        card.find(Locator::Css(&format!(".card-head a[href='{href}']")))
            .await
            .expect("its link")
            .click()
            .await
            .expect("follow it");
        account
    });
    let h1 = ctx.until("the deal's page", async |c| {
        let url = c.current_url().await.ok()?;
        c.find(Locator::Css("svg.timeline")).await.ok()?;
        (url.path() == href).then_some(())?;
        text_in(c, "h1").await
    });
    assert!(h1.starts_with(&account), "{h1} is not {account}'s deal");
    let badge = ctx.text(".facts-line .badge");
    assert!(badge.contains("Dark"), "the deal's state: {badge}");
    deal
}

/// The timeline has marks, and every signal's evidence link leads to an element of the page
/// (a mark on the timeline, a line of the record); at least one leads to a mark.
fn timeline_and_evidence(ctx: &Ctx, deal: DealId) {
    let marks = ctx.web(async |c| {
        c.find_all(Locator::Css("#timeline svg.timeline g.mark"))
            .await
            .expect("find")
            .len()
    });
    assert!(marks > 0, "{deal}: the timeline has no marks");
    let links = ctx.web(async |c| {
        c.execute(
            "return Array.from(document.querySelectorAll('ul.signals a[href^=\"#\"]')).map(function (a) {
               var target = document.getElementById(a.getAttribute('href').slice(1));
               return [a.getAttribute('href'), target !== null,
                       target !== null && target.closest('svg.timeline') !== null];
             });",
            vec![],
        )
        .await
        .expect("the evidence links")
    });
    let links: Vec<(String, bool, bool)> =
        serde_json::from_value(links).expect("(href, found, on the timeline)");
    assert!(!links.is_empty(), "{deal}: no evidence links to the page");
    let missing: Vec<&String> = links.iter().filter(|l| !l.1).map(|l| &l.0).collect();
    assert!(missing.is_empty(), "{deal}: links to nothing: {missing:?}");
    let to_marks: Vec<&String> = links.iter().filter(|l| l.2).map(|l| &l.0).collect();
    assert!(
        !to_marks.is_empty(),
        "{deal}: no evidence links to a timeline mark: {links:?}"
    );
    assert!(
        to_marks.iter().all(|h| h.starts_with("#act-")),
        "{to_marks:?}"
    );
}

/// Replaces the draft's text with `text`, as typed.
fn type_draft(ctx: &Ctx, text: &str) {
    ctx.web(async |c| {
        let body = c
            .find(Locator::Css("#draft-body"))
            .await
            .expect("the draft");
        body.clear().await.expect("clear it");
        body.send_keys(text).await.expect("type");
    });
}

/// Types [`PESKY`] into the draft and waits for the live tone check to flag each phrase the
/// linter finds (screenshot `deal-tone-finding`), then types [`CLEAN`] and waits for it to
/// pass. The form's play and subject, as they will be posted.
fn edit_the_draft(ctx: &Ctx, deal: DealId) -> (String, String) {
    let expected = drafts::tone(PESKY);
    assert!(
        expected
            .iter()
            .any(|f| f.phrase.to_lowercase().contains("following up")),
        "the linter does not flag {PESKY:?}: {expected:?}"
    );
    assert!(drafts::tone(CLEAN).is_empty(), "{:?}", drafts::tone(CLEAN));
    type_draft(ctx, PESKY);
    let findings = ctx.until("the tone check flagging the text", async |c| {
        text_in(c, "#tone-findings .tone-bad").await?;
        text_in(c, "#tone-findings ul.findings").await
    });
    for f in &expected {
        assert!(
            findings.contains(&f.phrase) && findings.contains(f.better),
            "{deal}: {:?} is not shown: {findings}",
            f.phrase
        );
    }
    let count = format!(
        "Tone check: {} finding{}.",
        expected.len(),
        if expected.len() == 1 { "" } else { "s" }
    );
    let said = ctx.until("the live region", async |c| {
        text_in(c, "#status").await.filter(|s| *s == count)
    });
    assert_eq!(said, count);
    // The text typed stays: htmx replaced the findings only.
    let typed = ctx.web(async |c| {
        c.find(Locator::Css("#draft-body"))
            .await
            .expect("the draft")
            .prop("value")
            .await
            .expect("its value")
    });
    assert_eq!(typed.as_deref(), Some(PESKY));
    ctx.web(async |c| {
        c.execute(
            "document.getElementById('tone-findings').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .expect("scrolling to the findings")
    });
    shoot(ctx, "deal-tone-finding");

    type_draft(ctx, CLEAN);
    let passed = ctx.until("the tone check passing the clean text", async |c| {
        text_in(c, "#tone-findings .tone-ok").await
    });
    assert!(passed.contains("no pesky phrases found"), "{passed}");
    ctx.until("the live region saying it passed", async |c| {
        text_in(c, "#status")
            .await
            .filter(|s| s == "Tone check: no pesky phrases found.")
    });
    ctx.web(async |c| {
        let value = async |css: &str| {
            c.find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no {css}: {e}"))
                .prop("value")
                .await
                .expect("its value")
                .unwrap_or_default()
        };
        (
            value("form.draft-form input[name=play]").await,
            value("#draft-subject").await,
        )
    })
}

/// Queues the draft with "Queue for approval"; the message's id, from the page it lands on.
fn queue_it(ctx: &Ctx, deal: DealId) -> OutgoingId {
    ctx.web(async |c| {
        c.find(Locator::Css(
            "form.draft-form button[type=submit]:not([formaction])",
        ))
        .await
        .expect("the Queue for approval button")
        .click()
        .await
        .expect("click Queue")
    });
    let path = format!("/deals/{deal}");
    let (queued, notice) = ctx.until("the deal's page saying it was queued", async |c| {
        let url = c.current_url().await.ok()?;
        (url.path() == path).then_some(())?;
        let queued = url
            .query_pairs()
            .find(|(k, _)| k == "queued")
            .map(|(_, v)| v.into_owned())?;
        Some((queued, text_in(c, "p.notice").await?))
    });
    assert_eq!(
        notice,
        format!("Queued as {queued} for your approval (Outbox).")
    );
    queued.parse().expect("a message id")
}

/// Approves `message` on the Outbox page and sees it move from the drafts to the approved
/// (screenshot `outbox-approved`).
fn approve_it(ctx: &Ctx, message: OutgoingId) {
    ctx.goto("/outbox");
    let card = format!("#message-{message}");
    let shown = ctx.wait_for(&format!(".group-draft {card} pre.body"));
    assert!(shown.contains("20 minutes on Thursday"), "{shown}");
    ctx.web(async |c| {
        c.find(Locator::Css(&format!(
            "{card} form[action='/outbox/{message}/approve'] button"
        )))
        .await
        .expect("its Approve button")
        .click()
        .await
        .expect("click Approve")
    });
    ctx.until("the message among the approved", async |c| {
        c.find(Locator::Css(&format!(".group-approved {card}")))
            .await
            .ok()
    });
    let left = ctx.web(async |c| {
        c.find_all(Locator::Css(&format!(".group-draft {card}")))
            .await
            .expect("find")
            .len()
    });
    assert_eq!(left, 0, "{message} is still among the drafts");
    let notice = ctx.text("p.notice");
    assert!(notice.contains(&format!("{message} approved")), "{notice}");
    ctx.web(async |c| {
        c.execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![
                serde_json::to_value(
                    c.find(Locator::Css(&format!(".group-approved {card}")))
                        .await
                        .expect("the approved message"),
                )
                .expect("an element reference"),
            ],
        )
        .await
        .expect("scrolling to it")
    });
    shoot(ctx, "outbox-approved");
}

/// Decides `reading` as "revive" with its one button on the Replies page.
fn decide_the_reply(ctx: &Ctx, reading: ReadingId) {
    ctx.goto("/replies");
    let shown = ctx.wait_for(&format!("#reading-{reading} blockquote"));
    assert_eq!(shown, UNSURE);
    ctx.web(async |c| {
        c.find(Locator::XPath(&format!(
            "//li[@id='reading-{reading}']//form[input[@name='class' and @value='revive']]//button"
        )))
        .await
        .expect("its Revive button")
        .click()
        .await
        .expect("click Revive")
    });
    let said = format!("replaces {reading}: revive");
    let notice = ctx.until("the page saying what the decision did", async |c| {
        text_in(c, "p.notice").await.filter(|n| n.contains(&said))
    });
    assert!(notice.contains(&said), "{notice}");
    let still = ctx.web(async |c| {
        c.find_all(Locator::Css(&format!("#reading-{reading}")))
            .await
            .expect("find")
            .len()
    });
    assert_eq!(still, 0, "{reading} still waits after the decision");
}

/// What the flow changes in the database at `db`, as JSON: `deal`'s outbox messages (id,
/// state, subject, text), `replied`'s readings (class, who decided, what each replaces), both
/// deals' states at [`NOW`], and `deal`'s stage and stage history.
fn what_changed(ctx: &Ctx, db: &Path, deal: DealId, replied: DealId) -> serde_json::Value {
    let now = NOW.parse().unwrap();
    ctx.served.runtime.block_on(async {
        let store = Store::open(db).await.expect("the database");
        let messages: Vec<serde_json::Value> = store
            .outbox(true)
            .await
            .expect("outbox")
            .into_iter()
            .filter(|m| m.deal == deal)
            .map(|m| {
                serde_json::json!({
                    "id": m.id.to_string(),
                    "state": m.state.to_string(),
                    "subject": m.subject,
                    "body": m.body,
                })
            })
            .collect();
        let all = store.readings(false, 10_000).await.expect("readings");
        let readings: Vec<serde_json::Value> = all
            .iter()
            .filter(|r| r.deal == replied)
            .map(|r| {
                let replaces = all
                    .iter()
                    .find(|o| o.replaced_by == Some(r.id))
                    .map(|o| o.id.to_string());
                serde_json::json!({
                    "id": r.id.to_string(),
                    "class": r.class.as_str(),
                    "decided_by": r.decided_by,
                    "state": r.state,
                    "replaces": replaces,
                })
            })
            .collect();
        let state = async |id: DealId| {
            let view = pipeline::deal(&store, &Caller::local(), id, now)
                .await
                .expect("the deal");
            format!("{:?}", view.assessment.state)
        };
        let record = store.deal(deal).await.expect("the deal");
        serde_json::json!({
            "messages": messages,
            "readings": readings,
            "deal_state": state(deal).await,
            "replied_state": state(replied).await,
            "stage": record.deal.stage,
            "history": record
                .stage_history
                .iter()
                .map(|s| serde_json::json!([s.stage, s.at.to_string()]))
                .collect::<Vec<_>>(),
        })
    })
}
