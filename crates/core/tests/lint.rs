//! The tone linter catches each pesky habit as a family (its inflections, intensifiers and word
//! orders), leaves ordinary business English alone, and flags a follow-up that brings nothing
//! the previous touch did not.

mod common;
use common::*;
use proptest::prelude::*;
use rekindle_core::lint::{RULES, lint, lint_with_history, previous_touch, tone_mark};
use rekindle_core::{Direction, demo};

fn rules(text: &str) -> Vec<&'static str> {
    lint(text).into_iter().map(|f| f.rule).collect()
}

#[test]
fn every_rule_catches_its_own_examples_and_names_its_source() {
    for rule in RULES {
        assert!(!rule.examples.is_empty(), "{} has no examples", rule.id);
        assert!(!rule.source.is_empty(), "{} has no source", rule.id);
        for example in rule.examples {
            assert!(
                rules(example).contains(&rule.id),
                "{}: {example:?} gave {:?}",
                rule.id,
                rules(example)
            );
        }
    }
}

/// Shapes of each family that appear nowhere in the rule table's examples: the rules must
/// generalise, not remember.
#[test]
fn families_generalise_to_unseen_variants() {
    let cases: &[(&str, &str)] = &[
        (
            "This is just a kind reminder that the quote runs out.",
            "reminder",
        ),
        ("Sending a polite nudge about the renewal.", "reminder"),
        (
            "I would like to remind you that we spoke in May.",
            "reminder",
        ),
        ("Really sorry to keep bugging you about this.", "apology"),
        ("Apologies if I'm being pushy here.", "apology"),
        ("I don't mean to pester you, but", "apology"),
        ("Pinging you again on the SOW.", "pinging"),
        ("Ping?", "pinging"),
        (
            "I'm circling back re the security review.",
            "just-following-up",
        ),
        ("Just a quick follow-up.", "just-following-up"),
        (
            "Following up on my voicemail from Tuesday.",
            "just-following-up",
        ),
        ("This is my third follow-up.", "just-following-up"),
        ("Just checking back in.", "just-checking-in"),
        ("Thought I'd check in about the status.", "just-checking-in"),
        ("Checking in!", "just-checking-in"),
        (
            "I'm reaching out once more about the pilot.",
            "just-checking-in",
        ),
        ("Any updates on your end?", "any-news"),
        ("Any further news about the budget?", "any-news"),
        ("Any word yet?", "any-news"),
        ("Thoughts?", "any-news"),
        (
            "Have you found a moment to read it?",
            "did-you-get-a-chance",
        ),
        ("Did you receive my proposal?", "did-you-get-a-chance"),
        (
            "I just wanted to get your thoughts on the draft.",
            "just-wanted-to",
        ),
        ("Resurfacing my note from last week.", "bumping"),
        (
            "In case my last email got lost, the deck is below.",
            "bumping",
        ),
        (
            "Per our previous conversation, pricing is fixed.",
            "per-my-last-email",
        ),
        ("As I said before, the pilot is free.", "per-my-last-email"),
        ("I imagine you're slammed this quarter.", "guilt"),
        ("I know things are crazy busy right now.", "guilt"),
        ("I still haven't heard back from you.", "guilt"),
        ("I've emailed you four times now.", "guilt"),
        ("Did I say something wrong?", "guilt"),
        ("Hope this note finds you well.", "hollow-opener"),
        ("Hope you've been keeping well.", "hollow-opener"),
        ("Hope you had a restful weekend!", "hollow-opener"),
        ("Did my previous message get buried?", "bumping"),
        ("Not sure if you saw my note.", "did-you-get-a-chance"),
        ("Apologies for another nudge.", "apology"),
        ("I know you've got so much going on.", "guilt"),
        ("Following up on the below.", "just-following-up"),
    ];
    for (text, rule) in cases {
        assert!(
            rules(text).contains(rule),
            "{text:?}: expected {rule}, got {:?}",
            rules(text)
        );
    }
}

/// Case 14 of the field cases stands for this kind: a follow-up made only of nudges. The
/// wording here is our own, not the case's.
#[test]
fn a_follow_up_made_only_of_nudges_is_flagged_phrase_by_phrase() {
    let text = "Hi Sam,\n\nJust a gentle reminder about the renewal quote from last month.\n\
                So sorry to pester you again, I know it's hectic. Pinging you so this doesn't\n\
                get lost. Any news?\n\nBest,\nMaria\n";
    let found = rules(text);
    for rule in [
        "reminder", "apology", "guilt", "pinging", "bumping", "any-news",
    ] {
        assert!(found.contains(&rule), "missing {rule} in {found:?}");
    }
    let f = lint(text);
    let ping = f.iter().find(|f| f.rule == "pinging").unwrap();
    assert_eq!((ping.line, ping.column), (4, 51));
    // A match over a line break is shown on one line.
    let lost = f.iter().find(|f| f.rule == "bumping").unwrap();
    assert_eq!(lost.phrase, "so this doesn't get lost");
    assert_eq!(tone_mark(text).findings as usize, f.len());
    assert_eq!(
        tone_mark(text).first_phrase.as_deref(),
        Some("just a gentle reminder")
    );
}

/// Real business sentences that share words with the families but do none of the habits:
/// from the project's own draft templates and demo notes, from public mailing-list posts
/// (hotel, server and release-management wording), and from ordinary sales mail.
const FINE: &[&str] = &[
    "We can check in at the hotel after 3pm and walk over to your office.",
    "Please check in at reception; the security desk will print your badge.",
    "The reminder service we sell sends patients an SMS the day before.",
    "Our friendly reminder feature cut no-shows by 30% at the Leeds clinic.",
    "A gentle reminder email goes out 24 hours before each delivery window.",
    "The script keeps pinging the server until it answers.",
    "We saw packet loss when pinging the gateway from the depot.",
    "If anything breaks during the pilot, just reach out to our support desk.",
    "I'll ping you the link once the sandbox is ready on Thursday.",
    "Ping me if the numbers look off.",
    "Let's touch base after the holidays, as you suggested.",
    "As you asked, I'll circle back in March when the budget is set.",
    "I'll reach out again in the spring, when you plan the rollout.",
    "Can we book a quick follow-up call with finance on Tuesday?",
    "The follow-up meeting is on the 14th at 10am.",
    "Following up on our call: here is the cost model with your volumes.",
    "If you have any questions about the contract, Priya can answer them.",
    "Do you have any thoughts on which depot should go first?",
    "As per the contract, notice is due 60 days before renewal.",
    "I'll bring it up at the board meeting next week.",
    "A small bump in price applies after the first year.",
    "We sent several samples to your lab last week; results are due Friday.",
    "We're still waiting for the carrier's quote before we can finalise.",
    "The team is checking invoices this week.",
    "Your agreement with Acme runs until 30 June, with notice due by 1 May.",
    "When we spoke, you told me the dispatchers rebuild the schedule by hand every morning.",
    "Has something changed on your side? If it has, that's completely fine.",
    "We haven't managed to connect since March, and I don't want to be a pest about it.",
    "If not, tell me to close the file. That's a perfectly good answer.",
    "I'm closing the file for now, so it stops taking up room in your inbox.",
    "Would 15 minutes next week to walk you through it be useful?",
    "Congratulations on the funding round.",
    "I saw the news about the acquisition.",
    "Here is the case study from a distributor your size: planning time fell by 60%.",
    "Attached is the security overview your IT lead will ask for.",
    "Sorry for the delay in getting the numbers to you; they are attached.",
    "I'm sorry to hear about the outage last week.",
    "Did you know the new release supports SSO?",
    "The last reminder we scheduled went out on Monday.",
    "Thanks for the update on the budget, that helps a lot.",
    "Any questions, just reply here.",
    "The ticket has been open since Tuesday; I bumped its priority to P1.",
    "Reminder emails are configurable per site.",
    "The follow-up from the security review: all 14 items are closed.",
    "Our quick follow-up survey goes to every customer after onboarding.",
    "Per your request, here is the revised quote.",
    "If you have any updates to the volume forecast, I'll rerun the model.",
    "I know you're evaluating two other vendors; here is how we compare on setup time.",
    "We bumped the limit to 500 users at no extra cost.",
    "Circle the dates that suit you and send them back.",
    "I'll touch base with legal and confirm by Wednesday.",
    "I hope the launch went well; here are the adoption figures from week one.",
    "Did you get the invoice for March? Finance says it bounced.",
    "I just wanted to share the case study Marco mentioned.",
    "This is a reminder that your trial ends on 30 November.",
    "You can just check in at the front desk when you arrive.",
    "Just ping the server to see whether the sync is up.",
    "Where do we stand? You said the schedule costs you two hours a day.",
    "Tell me where things stand and I'll take it from there.",
];

#[test]
fn ordinary_business_sentences_are_not_flagged() {
    let flagged: Vec<(&str, Vec<&str>)> = FINE
        .iter()
        .map(|t| (*t, rules(t)))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    assert!(flagged.is_empty(), "{flagged:#?}");
}

#[test]
fn quoted_history_is_not_the_rep_s_text() {
    let text = "Thanks Dana, the revised SOW is attached.\n\n> Just checking in - any news?\n> Sorry to bother you again.";
    assert!(lint(text).is_empty(), "{:?}", lint(text));
}

const PREVIOUS: &str = "Hi Dana,\n\nAttached is the pilot proposal for the dispatch team: three \
    months, 40 planners, starting at the Rotterdam depot. It covers the schedule rebuild you \
    described on the call.\n\nAlex";

#[test]
fn a_touch_that_repeats_the_previous_one_adds_nothing_new() {
    let again = "Hi Dana,\n\nWanted to make sure the pilot proposal for the dispatch team reached \
                 you.\n\nAlex";
    let f = lint_with_history(again, &["an older note about something else", PREVIOUS]);
    assert!(f.iter().any(|f| f.rule == "nothing-new"), "{f:?}");
    assert!(
        !lint(again).iter().any(|f| f.rule == "nothing-new"),
        "without history there is nothing to compare"
    );
}

#[test]
fn a_touch_with_something_new_passes() {
    for new in [
        "Hi Dana,\n\nThe Utrecht depot ran the same pilot last spring; their planners got back \
         two hours a day. Their ops lead, Marco, is happy to talk to your team.\n\nAlex",
        "Hi Dana,\n\nShould the pilot include the warehouse planners too, or only dispatch?\n\nAlex",
        "Hi Dana,\n\nThe proposal now starts on 3 March, so the pilot ends before peak season.\n\nAlex",
        "Hi Dana,\n\nHere is the recording of the schedule rebuild demo: https://example.com/r/42\n\nAlex",
    ] {
        let f = lint_with_history(new, &[PREVIOUS]);
        assert!(f.is_empty(), "{new:?}: {f:?}");
    }
}

#[test]
fn the_same_message_again_is_a_resend_not_also_nothing_new() {
    let f = lint_with_history(PREVIOUS, &[PREVIOUS]);
    let ids: Vec<_> = f.iter().map(|f| f.rule).collect();
    assert_eq!(ids, ["resend"]);
}

#[test]
fn the_previous_touch_is_the_latest_message_unless_they_engaged_since() {
    let d = deal("proposal")
        .message(12.0, "Here is the ROI model.", None)
        .message(6.0, PREVIOUS, None);
    assert_eq!(previous_touch(&d.0, now()), Some(PREVIOUS));
    assert_eq!(
        previous_touch(&d.0, days_ago(8.0)),
        Some("Here is the ROI model.")
    );
    assert_eq!(previous_touch(&d.0, days_ago(20.0)), None);
    // Their reply after it: an answer to it may repeat its words.
    let answered = d.reply(1, 3.0);
    assert_eq!(previous_touch(&answered.0, now()), None);
}

/// Over the demo pipeline, every message Rekindle drafted (a play) adds something to the touch
/// before it, and the habits the demo seeds (the same pesky note twice) are caught.
#[test]
fn demo_plays_add_something_new_and_repeated_nudges_do_not() {
    let records: Vec<_> = demo::generate(
        demo::DemoOptions {
            deals: 60,
            ..Default::default()
        },
        now(),
    )
    .collect();
    let (mut plays, mut repeats) = (0, 0);
    for r in &records {
        for a in r
            .activities
            .iter()
            .filter(|a| a.direction == Direction::Outbound)
        {
            let Some(body) = a.body.as_deref() else {
                continue;
            };
            let before = a.at - jiff::SignedDuration::from_secs(1);
            let previous: Vec<&str> = previous_touch(r, before).into_iter().collect();
            let found: Vec<_> = lint_with_history(body, &previous)
                .into_iter()
                .map(|f| f.rule)
                .collect();
            if a.play.is_some() {
                plays += 1;
                assert!(
                    found.is_empty(),
                    "{}: {body:?} after {previous:?}: {found:?}",
                    r.deal.id
                );
            } else if found.contains(&"resend") || found.contains(&"nothing-new") {
                repeats += 1;
            }
        }
    }
    assert!(
        plays > 10 && repeats > 0,
        "{plays} plays, {repeats} repeats"
    );
}

proptest! {
    #[test]
    fn never_panics_and_positions_are_inside_the_text(text in "\\PC{0,300}", old in "\\PC{0,200}") {
        let lines: Vec<&str> = text.lines().collect();
        for f in lint(&text) {
            prop_assert!(f.line >= 1 && f.line <= lines.len().max(1));
            prop_assert!(f.column >= 1);
        }
        let _ = lint_with_history(&text, &[&old]);
        let _ = tone_mark(&text);
    }

    #[test]
    fn pesky_phrases_are_found_whatever_surrounds_them(
        before in "[A-Za-z ,.]{0,40}",
        after in "[A-Za-z ,.]{0,40}",
        phrase in prop::sample::select(vec![
            "Just a friendly reminder",
            "sorry to bother you",
            "pinging you",
            "circling back",
            "any news?",
            "wanted to check in",
            "touching base",
        ]),
    ) {
        let text = format!("{before}\n{phrase}\n{after}");
        prop_assert!(!lint(&text).is_empty(), "{text:?}");
    }
}
