//! The reply classifier against its labelled evaluation set (eval/README.md).

use rekindle_core::mail::new_text;
use rekindle_core::reply::eval::{
    FRESH, HOLDOUT, SET, cross_validate, evaluate, evaluate_without_model, moves, parse_set,
    sent_on,
};
use rekindle_core::reply::{
    Action, DealSituation, Reading, ReplyClass, classify, classify_with, plan,
};
use rekindle_core::{DealStatus, Policy};

#[test]
fn the_evaluation_set_is_large_and_covers_every_class_and_the_hard_cases() {
    let set = parse_set(SET).unwrap();
    assert!(set.len() >= 200, "{} examples", set.len());
    for class in ReplyClass::ALL {
        let n = set.iter().filter(|e| e.class == *class).count();
        assert!(n >= 15, "{class}: {n} examples");
    }
    for tag in ["sarcasm", "mixed", "one-word", "de", "fr", "es"] {
        let n = SET
            .lines()
            .filter(|l| l.contains(&format!("\"{tag}\"")))
            .count();
        assert!(n >= 5, "{tag}: {n} examples");
    }
}

#[test]
fn the_labelled_set_is_scored_by_the_word_lists_alone_and_by_cross_validation() {
    // The model is trained on the labelled set, so it is never scored there: the set is read
    // by the word lists alone, and by ten folds, each read with a model trained on the other
    // nine. Both must stand on their own; neither uses a model that saw the line it reads.
    let set = parse_set(SET).unwrap();
    let words = evaluate_without_model(&set);
    let crossed = cross_validate(&set, 10);
    for (name, e) in [("word lists alone", &words), ("cross-validated", &crossed)] {
        for miss in &e.misses {
            eprintln!(
                "{name}: line {}: {} -> {} | {}",
                miss.line, miss.expected, miss.got, miss.text
            );
        }
        assert_eq!(e.false_moves, 0, "{name}");
        assert!(e.moves > 100, "{name}: {} moves", e.moves);
        assert!(e.accuracy >= 0.9, "{name}: accuracy {:.3}", e.accuracy);
        for c in &e.classes {
            assert!(
                c.recall >= 0.7 && c.precision >= 0.7,
                "{name}: {}: P {:.2} R {:.2}",
                c.class,
                c.precision,
                c.recall
            );
        }
    }
    // A fold's model guesses only where the words say nothing, and never moves a deal: the
    // moves are the word lists' own.
    assert_eq!(crossed.moves, words.moves);
}

#[test]
fn no_labelled_reply_is_misread_the_dangerous_way() {
    // Issue 10 and 11: a stop read as anything else, anything read as stop without a stop
    // cue, or a confident deal move of the wrong class. The labelled set is read by the word
    // lists alone (the model learnt its lines) and by cross-validation; the held-out sets by
    // the reader as shipped, whose model never saw them. The fresh holdout's two stop
    // misreadings were fixed after it was first read (eval/README.md).
    let sent = sent_on();
    let labelled = parse_set(SET).unwrap();
    let mut held_out = parse_set(HOLDOUT).unwrap();
    held_out.extend(parse_set(FRESH).unwrap());
    let readings = labelled
        .iter()
        .map(|e| (e, classify_with(&e.text, e.context, sent, None)))
        .chain(
            held_out
                .iter()
                .map(|e| (e, classify(&e.text, e.context, sent))),
        );
    for (e, r) in readings {
        if e.class == ReplyClass::Stop {
            assert_eq!(
                r.class,
                ReplyClass::Stop,
                "a stop read as {}: {}",
                r.class,
                e.text
            );
            assert!(r.confident, "a stop is certain: {}", e.text);
        } else {
            assert_ne!(r.class, ReplyClass::Stop, "read as stop: {}", e.text);
        }
        assert!(
            !(moves(r.class, r.confident) && r.class != e.class),
            "moves a {} deal as {}: {} ({:?})",
            e.class,
            r.class,
            e.text,
            r.evidence
        );
    }
    let crossed = cross_validate(&labelled, 10);
    assert_eq!(crossed.false_moves, 0);
    for (name, text) in [("holdout", HOLDOUT), ("fresh", FRESH)] {
        let e = evaluate(&parse_set(text).unwrap());
        assert_eq!(e.false_moves, 0, "{name}");
        assert!(e.moves > 0, "{name}: the explicit answers still move");
    }
}

#[test]
fn a_bad_line_is_named() {
    let err = parse_set(
        "{\"text\": \"hi\", \"class\": \"revive\"}\n{\"text\": \"x\", \"class\": \"maybe\"}",
    )
    .err()
    .unwrap();
    assert!(err.field.contains("line 2"), "{err}");
}

#[test]
fn the_context_decides_only_what_the_words_leave_unclear() {
    let sent = rekindle_core::reply::eval::sent_on();
    let mut set = parse_set(SET).unwrap();
    set.extend(parse_set(HOLDOUT).unwrap());
    let mut changed = 0;
    for e in &set {
        let alone = rekindle_core::reply::classify(&e.text, None, sent);
        for play in rekindle_core::PlayKind::ALL {
            let with = rekindle_core::reply::classify(&e.text, Some(*play), sent);
            if alone.class != ReplyClass::Unclear
                || !rekindle_core::reply::context_matters(Some(*play))
            {
                assert_eq!(with, alone, "{} with {play}", e.text);
            } else if with.class != ReplyClass::Unclear {
                changed += 1;
            }
        }
    }
    assert!(changed > 0, "bare answers to a breakup are read from it");
}

proptest::proptest! {
    /// Whatever arrives in a reply, reading it never fails.
    #[test]
    fn any_text_is_read_without_failing(text in "\\PC{0,300}", breakup in proptest::bool::ANY) {
        let context = breakup.then_some(rekindle_core::PlayKind::Breakup);
        let sent = rekindle_core::reply::eval::sent_on();
        let _ = rekindle_core::reply::classify(&text, context, sent);
    }
}

#[test]
fn text_whose_lower_case_is_longer_is_read() {
    // 'İ' lower-cases to two characters: offsets in the lower-cased text move.
    let sent = rekindle_core::reply::eval::sent_on();
    let r = rekindle_core::reply::classify("İİİİİİİİİ tuesday é. Can we talk then?", None, sent);
    assert_eq!(r.class, ReplyClass::Revive);
}

fn read(text: &str) -> Reading {
    classify(text, None, sent_on())
}

#[test]
fn a_request_to_stop_or_delete_is_a_certain_stop_whatever_else_it_says() {
    // Issue 11, "Reading a reply never turns stop into anything else", in four languages.
    for text in [
        "Please delete my contact details and don't reach out again.",
        "Please delete my contact details and don't reach out again. Maybe check back next year.",
        "Not the right time. Actually, don't contact me again.",
        "Under GDPR I ask you to erase all my personal data.",
        "We went with another vendor - and please remove me from your list.",
        "Unsubscribe me, thanks. Circle back never.",
        "Take me off this sequence. We might look again in Q3 but not through you.",
        "Remove my email address from your records please.",
        "Bitte löschen Sie meine Daten und kontaktieren Sie mich nicht mehr.",
        "Bitte keine E-Mails mehr, vielleicht im Frühjahr wieder.",
        "Ne m'écrivez plus. Peut-être l'année prochaine.",
        "Merci de supprimer mes données, conformément au RGPD.",
        "Por favor, borre mis datos y no me escriba más.",
        "Sáquenme de su lista, gracias.",
        "I'd rather you didn't keep my details: delete my info. Call me never.",
        "I want you to unsubscribe me from everything.",
        "Kindly discontinue all further emails to this address.",
        "Could I be removed from your e-mail list, please?",
        "Please remove me from this list.\nTo unsubscribe, e-mail: news-unsubscribe@lists.example.org",
    ] {
        let r = read(text);
        assert_eq!(r.class, ReplyClass::Stop, "{text}: {:?}", r.evidence);
        assert!(r.confident, "{text}");
    }
}

#[test]
fn nothing_is_a_stop_without_a_stop_cue() {
    // A list footer, a word near "stop", a closed file: none asks not to be contacted.
    for text in [
        "Thanks, sounds good.\n\n---\nTo unsubscribe, e-mail: dev-unsubscribe@lists.example.org\nFor additional commands, e-mail: dev-help@lists.example.org",
        "We stopped the pilot for now; check back in Q3.",
        "Please close the file, we went with another vendor.",
        "Can we stop by your booth on Tuesday?",
        "You received this message because you are subscribed to the Google Groups list.",
        "Don't close it! Call me Monday.",
        "Sounds good.\n\nIf you no longer wish to receive these emails, click here.",
        "Merci, c'est noté.\nSi vous ne souhaitez plus recevoir nos communications, cliquez ici.",
        "Gracias.\nSi no desea recibir más correos, dese de baja aquí: https://news.example.org/baja",
        "Danke.\nWenn Sie diesen Newsletter nicht mehr erhalten möchten, klicken Sie hier.",
        "Recibido.\nPara darse de baja de esta lista, escriba a lista-baja@example.org",
        "The flag was removed from the list of options in 2.0.",
        "We will discontinue the old export format next year.",
    ] {
        let r = read(text);
        assert_ne!(r.class, ReplyClass::Stop, "{text}: {:?}", r.evidence);
    }
}

#[test]
fn politeness_and_acknowledgements_are_not_a_loss() {
    // Field case 17 and its kind: thanks, "received", "I'll pass it on" say nothing about
    // the deal, and no guess is made from them.
    for text in [
        "Thanks for the update.",
        "Received, thank you. I'll share it with our CFO.",
        "Thanks!",
        "Got it, thanks. Will forward to the team.",
        "Noted - I'll pass this along to procurement.",
        "Many thanks for sending this over.",
        "Merci pour le document.",
        "Danke, ist angekommen.",
        "Gracias por la información.",
        "Greetings from London. I picked up your resume from here and forwarded it to our corporate recruiter.",
    ] {
        let r = read(text);
        assert_ne!(r.class, ReplyClass::Lost, "{text}: {:?}", r.evidence);
        assert!(!moves(r.class, r.confident), "{text} moves a deal");
    }
}

#[test]
fn picked_up_or_a_date_picked_is_not_a_competitor_loss() {
    // Realmail case 07 and its kind: "picked", "chose", "selected" alone are no vendor choice.
    for text in [
        "I picked up your resume from here and forwarded it to our corporate recruiter.",
        "We picked a date for the workshop, I'll send the invite.",
        "I picked up the samples at reception, thanks.",
        "We chose the date: the kickoff is on the 3rd.",
    ] {
        let r = read(text);
        assert_ne!(r.class, ReplyClass::Lost, "{text}: {:?}", r.evidence);
    }
    // A vendor chosen is a loss; said with "picked", it waits for the rep.
    let r = read("We went with RouteMax.");
    assert_eq!((r.class, r.confident), (ReplyClass::Lost, true));
    let r = read("We picked another vendor.");
    assert_eq!((r.class, r.confident), (ReplyClass::Lost, false));
    // A plan of the offer chosen is no loss.
    let r = read("We went with Option B of your proposal.");
    assert_ne!(r.class, ReplyClass::Lost, "{:?}", r.evidence);
    // A weak time framing does not outweigh an explicit no.
    let r = read("After our review in January we went with Fleetio. Please close the file.");
    assert_eq!(r.class, ReplyClass::Lost, "{:?}", r.evidence);
}

#[test]
fn not_before_a_date_weeks_away_is_later() {
    // Realmail case 02 (its reading side) and its kind.
    let eml = "Can't tackle it before next year but if not done in january sure.\n\n\n2017-11-06 10:00 GMT+01:00 Alex Morgan <alex@seller.example>:\n> If there was a PR for this I'd be happy to roll a release.\n>\n> Do you want to take a stab at it?\n\n---------------------------------------------------------------------\nTo unsubscribe, e-mail: dev-unsubscribe@lists.seller.example\nFor additional commands, e-mail: dev-help@lists.seller.example\n";
    let sent = jiff::civil::date(2017, 11, 6);
    for text in [
        eml.to_string(),
        new_text(eml),
        "Can't tackle it before next year but if not done in january sure.".into(),
    ] {
        let r = classify(&text, None, sent);
        assert_eq!(r.class, ReplyClass::Later, "{text}: {:?}", r.evidence);
        assert_eq!(r.until, Some(jiff::civil::date(2018, 1, 1)), "{text}");
    }
    for (text, until) in [
        ("After the holidays, early January.", (2027, 1, 1)),
        (
            "Not before the new year, sorry - budget is spent.",
            (2027, 1, 1),
        ),
        ("We can't look at this until April.", (2027, 4, 1)),
        ("Nicht vor März, bitte.", (2027, 3, 1)),
        ("Ping me after Christmas.", (2027, 1, 5)),
        ("Let's pick this up again in the new year.", (2027, 1, 1)),
        (
            "Come back to me in February, budgets are set by then.",
            (2027, 2, 1),
        ),
    ] {
        let r = read(text);
        assert_eq!(r.class, ReplyClass::Later, "{text}: {:?}", r.evidence);
        let (y, m, d) = until;
        assert_eq!(r.until, Some(jiff::civil::date(y, m, d)), "{text}");
    }
}

#[test]
fn a_question_below_the_quote_is_a_question() {
    // Realmail case 03 (its reading side) and its kind: a technical question, no scheduling.
    for text in [
        "Would a tuple of address/family/port be a better choice here? Imagine I mount \"foo\" and then later mount \"foo.bar.baz\". If they are the same address, you won't get the benefit of the cache, right?",
        "Does the export keep the full history, or only the last year?",
        "How does pricing work once we pass 50 seats?",
        "Is the data stored in the EU?",
    ] {
        let r = read(text);
        assert_eq!(r.class, ReplyClass::Question, "{text}: {:?}", r.evidence);
    }
}

#[test]
fn only_explicit_answers_are_confident() {
    // Issue 10, section 1: explicit answers may move a deal; "picked", "talk to", a time
    // alone, a reason without a decision wait for the rep.
    let explicit = [
        ("Please close the file.", ReplyClass::Lost),
        ("We signed with Acme last week.", ReplyClass::Lost),
        ("We went with another vendor.", ReplyClass::Lost),
        ("Not interested, please close.", ReplyClass::Lost),
        ("Remove me.", ReplyClass::Stop),
        ("Not the right time. Check back in Q3.", ReplyClass::Later),
        (
            "I've left the company; talk to Ana Costa at ana.costa@acme.example.",
            ReplyClass::Referral,
        ),
        (
            "Still interested - can we talk Tuesday at 2pm?",
            ReplyClass::Revive,
        ),
    ];
    for (text, class) in explicit {
        let r = read(text);
        assert_eq!(r.class, class, "{text}: {:?}", r.evidence);
        assert!(r.confident, "{text}: {:?}", r.evidence);
    }
    let weak = [
        ("We picked another vendor.", ReplyClass::Lost),
        ("Talk to Dana, dana@acme.example.", ReplyClass::Referral),
        ("Tuesday works.", ReplyClass::Revive),
        ("Next week?", ReplyClass::Revive),
        ("Let's talk next week.", ReplyClass::Revive),
        ("Our budget was cut.", ReplyClass::Lost),
        ("Ping me later.", ReplyClass::Later),
    ];
    for (text, class) in weak {
        let r = read(text);
        assert_eq!(r.class, class, "{text}: {:?}", r.evidence);
        assert!(!r.confident, "{text} must wait: {:?}", r.evidence);
        assert!(!moves(r.class, r.confident));
    }
}

fn situation(direct: bool) -> DealSituation {
    DealSituation {
        status: DealStatus::Open,
        superseded: false,
        direct,
        list: false,
    }
}

fn act(text: &str, direct: bool) -> Vec<Action> {
    act_in(text, situation(direct))
}

fn act_in(text: &str, situation: DealSituation) -> Vec<Action> {
    let r = read(text);
    plan(&r, situation, "Dana", text, sent_on(), &Policy::default())
}

fn waits(actions: &[Action]) -> bool {
    matches!(actions, [Action::NeedsRep { .. }])
}

#[test]
fn only_a_direct_explicit_answer_moves_a_deal() {
    let close = "We went with another vendor. Please close the file.";
    assert!(matches!(
        act(close, true).as_slice(),
        [Action::Close { .. }]
    ));
    // Not an answer to the rep's conversation (a list post, mail before any touch): offered.
    assert!(waits(&act(close, false)));
    // A person's own explicit stop is honoured even when it answers no touch; on a list it
    // may be meant for the list, and waits.
    assert!(matches!(
        act("Please remove me from your list.", false).as_slice(),
        [Action::DoNotContact]
    ));
    let on_a_list = DealSituation {
        list: true,
        ..situation(false)
    };
    assert!(waits(&act_in(
        "Please remove me from your list.",
        on_a_list
    )));
    // An unsure stop (about someone else) waits, direct or not.
    assert!(waits(&act(
        "Please unsubscribe bob@acme.example, he left.",
        false
    )));
    assert!(matches!(
        act("Please remove me from your list.", true).as_slice(),
        [Action::DoNotContact]
    ));
    // Weak cues wait even when direct, and say why.
    for text in [
        "We picked another vendor.",
        "Talk to Dana Reyes, dana.reyes@acme.example.",
        "Tuesday works.",
        "After the holidays, early January.",
    ] {
        let actions = act(text, true);
        assert!(waits(&actions), "{text}: {actions:?}");
        let Action::NeedsRep { why } = &actions[0] else {
            unreachable!()
        };
        assert!(why.contains("confirm"), "{why}");
    }
    // An absence only holds the next touch, whatever the message.
    assert!(matches!(
        act("I'm out of office until 4 January.", false).as_slice(),
        [Action::HoldUntil { .. }]
    ));
}

#[test]
fn ordinary_prose_on_a_list_moves_nothing() {
    // Real mail nobody here wrote is full of "close", "pass", "stop", "went with", "still on" in
    // other senses (14 of 100 real replies were once read as deal moves they were not). Written for
    // this test in the style of technical lists; none may be a confident deal move, and none a
    // stop.
    for text in [
        "I'll close this PR once CI is green.",
        "You can close this bug, it's fixed in 2.3.",
        "The tests are going to pass once the fixture lands.",
        "It is no longer needed after the refactor.",
        "We're in the middle of the 4.0 release, so expect delays.",
        "Please stop top-posting, it makes the thread hard to read.",
        "Stop the server first, then run the migration.",
        "The unsubscribe handler drops the socket before the ack.",
        "You can opt out of telemetry with --no-stats.",
        "We went with the second approach in v3 of the patch.",
        "I don't want any more changes in this series.",
        "I had to delete my data directory and re-run the import.",
        "Don't call this function again after close().",
        "Is this still on the list for 2.1?",
        "We decided not to backport it.",
        "I'm not interested in the Windows port myself.",
        "Looks good to go, I've signed off on it.",
        "The fault lies with Python's GC; talk to Victor about it.",
        "I'd like to start by thanking everyone who tested the RC.",
        "We want it to be fast on large repositories.",
        "Can't reproduce it before the next release, sorry.",
        "Picked up the fix from your branch, thanks.",
        "The second series is going with the ARM changes.",
        "Remove our data files from the tarball, they are generated.",
    ] {
        let r = read(text);
        assert_ne!(r.class, ReplyClass::Stop, "{text}: {:?}", r.evidence);
        assert!(
            !moves(r.class, r.confident),
            "{text} read as a confident {}: {:?}",
            r.class,
            r.evidence
        );
    }
}

#[test]
fn the_model_only_adds_uncertain_guesses_to_what_the_words_leave_unclear() {
    let mut set = parse_set(SET).unwrap();
    set.extend(parse_set(HOLDOUT).unwrap());
    let mut guessed = 0;
    for e in &set {
        let alone = rekindle_core::reply::classify_with(&e.text, e.context, sent_on(), None);
        let with = classify(&e.text, e.context, sent_on());
        if with != alone {
            guessed += 1;
            assert_eq!(alone.class, ReplyClass::Unclear, "{}", e.text);
            assert!(!with.confident, "a guess is never confident: {}", e.text);
            assert!(
                !matches!(
                    with.class,
                    ReplyClass::Stop | ReplyClass::Referral | ReplyClass::OutOfOffice
                ),
                "{}",
                e.text
            );
        }
    }
    assert!(guessed > 0, "the model guesses somewhere");
}

#[test]
fn going_ahead_or_the_budget_there_now_is_a_revive_and_never_a_loss() {
    // A yes with money behind it: the model alone read the first as lost (budget words sit in
    // lost replies), so the words decide.
    for text in [
        "Yes lets continue, we have budget now.",
        "Good news: the budget was approved yesterday.",
        "We've got the funding in place now. Let's proceed.",
        "OK, let's move forward.",
    ] {
        let r = read(text);
        assert_eq!(r.class, ReplyClass::Revive, "{text}: {:?}", r.evidence);
    }
    for text in [
        "We don't have the budget now.",
        "The budget was not approved.",
    ] {
        let r = read(text);
        assert_ne!(r.class, ReplyClass::Revive, "{text}: {:?}", r.evidence);
    }
}

#[test]
fn dates_in_replies_are_right_or_absent() {
    use rekindle_core::mail::return_date;
    // Sent on Friday 2026-11-20.
    let sent: jiff::civil::Date = "2026-11-20".parse().unwrap();
    let r = classify("Let's meet on December 2nd, I'm out next week.", None, sent);
    let on = r
        .proposal
        .as_ref()
        .and_then(|p| p.on)
        .map(|d| d.to_string());
    assert_eq!(on.as_deref(), Some("2026-12-02"), "{r:?}");
    let r = classify(
        "Sounds good. I'm off next week, but Thursday 3 December at 10 works.",
        None,
        sent,
    );
    let on = r
        .proposal
        .as_ref()
        .and_then(|p| p.on)
        .map(|d| d.to_string());
    assert_eq!(on.as_deref(), Some("2026-12-03"), "{r:?}");
    // 23 November 2026 is a Monday; 23 December is not: no return date is guessed.
    assert_eq!(
        return_date("I am out of the office until Monday 23rd.", sent).map(|d| d.to_string()),
        Some("2026-11-23".into())
    );
    assert_eq!(
        return_date(
            "I am out of the office until Monday 23rd.",
            "2026-11-24".parse().unwrap()
        ),
        None
    );
    assert_eq!(
        return_date("I am away until Tuesday 23rd.", sent),
        None,
        "the 23rd of this month is a Monday"
    );
    // A date alone is placed forward from the message.
    let r = classify("Can we do 2 December?", None, "2026-12-05".parse().unwrap());
    let on = r
        .proposal
        .as_ref()
        .and_then(|p| p.on)
        .map(|d| d.to_string());
    assert_ne!(
        on.as_deref(),
        Some("2026-12-02"),
        "never before the message: {r:?}"
    );
}
