//! The new text of a message on real mail: the labelled set in `eval/text/set` (public mail
//! nobody here wrote, cut down and anonymised; see `eval/text/README.md`), the shared field
//! cases (`../shared/cases/realmail`), and further examples of each kind.

use rekindle_core::mail::new_text;
use rekindle_core::mail::text::{FragmentKind, TextScore, fragments, score};
use std::path::PathBuf;

struct Labelled {
    name: String,
    body: String,
    own: String,
}

fn set_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("eval/text/set")
}

/// Reads one labelled file: `#` provenance lines, `=== body`, the body, `=== own`, the
/// sender's own text as a person labelled it.
fn parse(name: &str, file: &str) -> Labelled {
    let (_, rest) = file
        .split_once("=== body\n")
        .unwrap_or_else(|| panic!("{name}: no '=== body' line"));
    let (body, own) = rest
        .split_once("\n=== own\n")
        .unwrap_or_else(|| panic!("{name}: no '=== own' line"));
    Labelled {
        name: name.to_string(),
        body: body.to_string(),
        own: own.to_string(),
    }
}

fn labelled_set() -> Vec<Labelled> {
    let mut entries: Vec<_> = std::fs::read_dir(set_dir())
        .expect("eval/text/set exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    entries.sort();
    entries
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("readable labelled file");
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            parse(&name, &text)
        })
        .collect()
}

fn case(name: &str) -> Labelled {
    labelled_set()
        .into_iter()
        .find(|l| l.name.starts_with(name))
        .unwrap_or_else(|| panic!("labelled case {name} exists"))
}

#[test]
fn the_labelled_set_is_large_enough_and_documented() {
    let set = labelled_set();
    assert!(set.len() >= 40, "{} labelled messages", set.len());
    for l in &set {
        let file = std::fs::read_to_string(set_dir().join(&l.name)).expect("readable");
        assert!(
            file.starts_with("# source:"),
            "{}: every labelled message names its source",
            l.name
        );
    }
}

/// The shares over the whole set, word-weighted, and the messages read wrongly. Run with
/// `--nocapture` to see the figures.
#[test]
fn own_words_are_kept_and_other_words_dropped_on_real_mail() {
    let set = labelled_set();
    let mut total = TextScore::default();
    let mut exact = 0;
    let mut report = Vec::new();
    for l in &set {
        let score = score(&l.own, &l.body);
        total.add(score);
        let perfect = score.own_kept == score.own_words && score.other_kept == 0;
        if perfect {
            exact += 1;
        } else {
            report.push(format!(
                "  {}: own kept {}/{}, other kept {}/{}\n    got: {:?}",
                l.name,
                score.own_kept,
                score.own_words,
                score.other_kept,
                score.other_words,
                new_text(&l.body)
            ));
        }
    }
    println!(
        "new text on {} labelled real messages: own words kept {:.3} ({}/{}), other words dropped {:.3} ({} of {} leaked), {} read exactly",
        set.len(),
        total.own_kept_share(),
        total.own_kept,
        total.own_words,
        total.other_dropped_share(),
        total.other_kept,
        total.other_words,
        exact
    );
    for line in &report {
        println!("{line}");
    }
    assert!(
        total.own_kept_share() >= 0.97,
        "own words kept {:.3}",
        total.own_kept_share()
    );
    assert!(
        total.other_dropped_share() >= 0.97,
        "other words dropped {:.3}",
        total.other_dropped_share()
    );
    assert!(
        exact * 10 >= set.len() * 8,
        "{exact} of {} read exactly",
        set.len()
    );
}

// The shared field cases (`../shared/cases/realmail`), each through `new_text` on the decoded
// body.

#[test]
fn case_02_the_list_footer_and_the_dated_quote_are_cut() {
    let c = case("c02");
    let text = new_text(&c.body);
    assert_eq!(
        text,
        "Can't tackle it before next year but if not done in january sure."
    );
    assert!(!text.to_lowercase().contains("unsubscribe"));
}

#[test]
fn case_03_the_question_below_the_quote_survives() {
    let c = case("c03");
    let text = new_text(&c.body);
    assert!(
        text.starts_with("Would a tuple of address/family/port"),
        "{text}"
    );
    assert!(text.ends_with("right?"), "{text}");
    assert!(!text.contains("keyed by hostname"), "{text}");
    assert!(!text.contains("wrote"), "{text}");
}

#[test]
fn case_04_the_lotus_notes_block_is_cut() {
    assert_eq!(new_text(&case("c04").body), "thx");
}

// Further examples of each kind (invented people and addresses).

#[test]
fn bottom_posted_and_inline_answers_survive() {
    let bottom = "Alex Morgan <alex@seller.example> wrote:\n> Shall I send the contract?\n\nYes, send it to our legal team.\n";
    assert_eq!(new_text(bottom), "Yes, send it to our legal team.");
    let inline = "On Fri, May 8, 2026 at 4:02 PM Alex Morgan <alex@seller.example> wrote:\n> Does Tuesday work?\nNo, Thursday.\n> And the price?\nFine by us.\n>\n> Alex\n";
    assert_eq!(new_text(inline), "No, Thursday.\n\nFine by us.");
    let wrapped_three = "Agreed.\n\nOn Fri, May 8, 2026 at 4:02 PM Alex Morgan <\nalex@seller.example\n> wrote:\n> Shall we go ahead?";
    assert_eq!(new_text(wrapped_three), "Agreed.");
}

#[test]
fn localised_attributions_start_the_quote() {
    let forms = [
        "Am Fr., 8. Mai 2026 um 16:02 Uhr schrieb Alex Morgan <alex@seller.example>:",
        "Le ven. 8 mai 2026 à 16:02, Alex Morgan <alex@seller.example> a écrit :",
        "El vie, 8 may 2026 a las 16:02, Alex Morgan (<alex@seller.example>) escribió:",
        "Op vr 8 mei 2026 om 16:02 schreef Alex Morgan <alex@seller.example>:",
        "Il giorno ven 8 mag 2026 alle ore 16:02 Alex Morgan <alex@seller.example> ha scritto:",
        "Em sex., 8 de mai. de 2026 às 16:02, Alex Morgan <alex@seller.example> escreveu:",
        "Den fre 8 maj 2026 kl 16:02 skrev Alex Morgan <alex@seller.example>:",
        "Alex Morgan <alex@seller.example> hat am 08.05.2026 16:02 geschrieben:",
        "2026-05-08 16:02 GMT+02:00 Alex Morgan <alex@seller.example>:",
        "* Alex Morgan <alex@seller.example> [2026-05-08 16:02]:",
        "Quoting Alex Morgan <alex@seller.example>:",
        "在 2026年5月8日，下午4:02，Alex Morgan <alex@seller.example> 写道：",
        "2026. 5. 8. 오후 4:02, Alex Morgan <alex@seller.example> 작성:",
        "2026/05/08 16:02、Alex Morgan <alex@seller.example> のメッセージ:",
    ];
    for form in forms {
        let body = format!("Bitte im Juni.\n\n{form}\n> Passt der Termin?\n");
        assert_eq!(new_text(&body), "Bitte im Juni.", "{form}");
    }
}

#[test]
fn header_blocks_cut_the_unquoted_history() {
    let blocks = [
        "-----Original Message-----\nFrom: Alex Morgan [mailto:alex@seller.example]\nSent: Friday, May 8, 2026 4:02 PM\nTo: Dana Reyes\nSubject: Renewal",
        "________________________________\nVon: Alex Morgan <alex@seller.example>\nGesendet: Freitag, 8. Mai 2026 16:02\nAn: Dana Reyes\nBetreff: Verlängerung",
        "De : Alex Morgan <alex@seller.example>\nEnvoyé : vendredi 8 mai 2026 16:02\nÀ : Dana Reyes\nObjet : Renouvellement",
        "*From:* Alex Morgan <alex@seller.example>\n*Sent:* Friday, May 8, 2026 4:02 PM\n*To:* Dana Reyes\n*Subject:* Renewal",
        "De: Alex Morgan\nEnviado el: viernes, 8 de mayo de 2026 16:02\nPara: Dana Reyes\nAsunto: Renovación",
        "Van: Alex Morgan\nVerzonden: vrijdag 8 mei 2026 16:02\nAan: Dana Reyes\nOnderwerp: Verlenging",
        "Da: Alex Morgan\nInviato: venerdì 8 maggio 2026 16:02\nA: Dana Reyes\nOggetto: Rinnovo",
        "De: Alex Morgan\nEnviada em: sexta-feira, 8 de maio de 2026 16:02\nPara: Dana Reyes\nAssunto: Renovação",
        ">>> Alex Morgan <alex@seller.example> 5/8/2026 4:02 PM >>>",
        "Alex Morgan/Sales/Seller@Seller wrote on 05/08/2026 04:02:11 PM:",
        "Alex Morgan\n05/08/2026 04:02 PM\nTo: Dana Reyes/Ops/Northwind@Northwind\ncc: Sam Lee/Ops/Northwind@Northwind\nSubject: Renewal",
        "---------- Forwarded message ---------\nFrom: Alex Morgan <alex@seller.example>\nDate: Fri, May 8, 2026 at 4:02 PM\nSubject: Renewal\nTo: <dana@northwind.example>",
        "Begin forwarded message:\n\nFrom: Alex Morgan <alex@seller.example>\nSubject: Renewal",
    ];
    for block in blocks {
        let body = format!(
            "Please hold off until June.\n\n{block}\n\nShall we close the renewal file? We can stop here.\n"
        );
        assert_eq!(new_text(&body), "Please hold off until June.", "{block}");
    }
}

#[test]
fn signatures_disclaimers_and_list_footers_are_dropped() {
    let tails = [
        "-- \nDana Reyes | Head of Ops | +1 555 0100",
        "Sent from my Android phone",
        "Get Outlook for iOS",
        "Von meinem iPhone gesendet",
        "Enviado desde mi iPhone",
        "Thanks,\nDana\n\nDana Reyes\nHead of Operations\nNorthwind Ltd\nT: +1 555 0100",
        "CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended solely for the addressee. If you have received it in error, stop: delete it.",
        "This email and any files transmitted with it are confidential. Please unsubscribe nobody.",
        "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, löschen Sie sie.",
        "Ce message et toutes les pièces jointes sont confidentiels. Si vous avez reçu ce message par erreur, supprimez-le.",
        "Este mensaje es confidencial. Si usted no es el destinatario, bórrelo; remove me.",
        "--\nYou received this message because you are subscribed to the Google Groups \"Buyers\" group.\nTo unsubscribe from this group and stop receiving emails from it, send an email to buyers+unsubscribe@googlegroups.example.",
        "_______________________________________________\nBuyers mailing list\nbuyers@lists.northwind.example\nhttps://lists.northwind.example/mailman/listinfo/buyers",
    ];
    for tail in tails {
        let body = format!("We will revisit in September.\n\n{tail}\n");
        assert_eq!(new_text(&body), "We will revisit in September.", "{tail}");
    }
}

#[test]
fn sign_offs_in_their_many_shapes_are_dropped() {
    let bodies = [
        // A closing below the quote, as a run of its own.
        "> Could you check the terms?\n\nThe terms are fine.\n\n> Any other concern?\n\nbest regards,\nMarta",
        // A lower-case name under the closing.
        "The terms are fine.\n\nregards,\nmarta lind",
        // A first name right under the last sentence.
        "The terms are fine.\nMarta\n",
        // The firm's particulars between a rule and its disclaimer.
        "The terms are fine.\n\n-----------------------------\nNorthwind Freight GmbH\nRegistered office: Hamburg, HRB 12345\n\nThis e-mail and any attachments may contain confidential material for the sole use of the intended recipient(s).",
    ];
    for body in bodies {
        assert_eq!(new_text(body), "The terms are fine.", "{body}");
    }
    let inline_thanks =
        "> Here is the signed order.\nThanks!\n> Delivery is on Monday.\nMonday works.";
    assert_eq!(new_text(inline_thanks), "Thanks!\n\nMonday works.");
}

#[test]
fn banners_and_dash_signatures_are_dropped() {
    let bodies = [
        "[Northwind Internal Use Only]\n\nWe can sign in June.",
        "CAUTION: This email originated from outside of the organization. Do not click links.\n\nWe can sign in June.",
        "Classification: Internal\nWe can sign in June.",
        "We can sign in June.\n---\nDana Reyes\n\n________________________________\nFrom: Alex Morgan <alex@seller.example>\nSent: Friday, May 8, 2026 4:02 PM\nSubject: Renewal",
        "We can sign in June.\n\nDana\n________________________________\nFrom: Alex Morgan\nSent: Friday, May 8, 2026 4:02 PM\nTo: Dana Reyes\nSubject: Renewal",
    ];
    for body in bodies {
        assert_eq!(new_text(body), "We can sign in June.", "{body}");
    }
    // A line of the sender's just above an Outlook header block is not taken into a Lotus grid.
    let tag = "Reviewed-by: Dana Reyes <dana@northwind.example>\n________________________________\nFrom: Alex Morgan <alex@seller.example>\nSent: Friday, May 8, 2026 4:02 PM\nTo: Dana Reyes <dana@northwind.example>\nSubject: [PATCH] renewal";
    assert_eq!(
        new_text(tag),
        "Reviewed-by: Dana Reyes <dana@northwind.example>"
    );
}

#[test]
fn a_referral_after_the_answer_is_not_a_signature() {
    let body = "I have left Northwind. Please contact my colleague:\n\nJane Doe\njane.doe@northwind.example\n+1 555 0100\n\nOn Fri, May 8, 2026, Alex <alex@seller.example> wrote:\n> Any news?";
    let text = new_text(body);
    assert!(text.contains("jane.doe@northwind.example"), "{text}");
    assert!(text.contains("Jane Doe"), "{text}");
    let signed = "I have left Northwind; Jane Doe takes over.\n\nJane's address: jane.doe@northwind.example\n\nBest regards,\nDana Reyes\nNorthwind Ltd";
    assert_eq!(
        new_text(signed),
        "I have left Northwind; Jane Doe takes over.\n\nJane's address: jane.doe@northwind.example"
    );
}

#[test]
fn ordinary_text_is_not_mistaken_for_a_block() {
    let keep = [
        "From our side the budget is approved.\nSent the PO to finance today.",
        "On reflection we prefer the annual plan.",
        "To: whoever handles billing - please call me.",
        "Yes",
        "Thanks!",
        "We wrote to legal on Monday.\nTheir answer: yes.",
        "On reflection we wrote it off.\nPlease close the file.",
        "Here is what I wrote:\n\nWe will renew in March.",
        "Sent from the office today we got the PO back.",
        "Thanks. The information you sent is confidential, so keep it to the buying team.",
        "From: our side, the budget is approved.\nSent: the PO, this morning.",
    ];
    for text in keep {
        assert_eq!(new_text(text), text);
    }
}

#[test]
fn fragments_name_every_part() {
    let body = "Sounds good.\n\nOn Fri, May 8, 2026, Alex <alex@seller.example> wrote:\n> Shall we?\n\n-- \nDana\n";
    let kinds: Vec<FragmentKind> = fragments(body).iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            FragmentKind::Own,
            FragmentKind::Attribution,
            FragmentKind::Quoted,
            FragmentKind::Signature
        ]
    );
}

/// Lines of the shapes the rules look at, for bodies assembled at random.
const SHAPES: &[&str] = &[
    "",
    "Thanks,",
    "Dana",
    "dana reyes",
    "Kind regards",
    "-- ",
    "--",
    "> quoted line",
    ">",
    "On Mon, May 11, 2026 at 9:14 AM Alex <alex@seller.example> wrote:",
    "Alex <alex@seller.example> wrote:",
    "From: Alex Morgan <alex@seller.example>",
    "Sent: Monday, May 11, 2026 9:14 AM",
    "To: Dana Reyes",
    "cc:",
    "Subject: Renewal",
    "-----Original Message-----",
    "________________________________",
    "Sent from my iPhone",
    "CONFIDENTIALITY NOTICE: This email is confidential and intended only for the addressee.",
    "To unsubscribe, e-mail: dev-unsubscribe@lists.example",
    "Buyers mailing list",
    "https://lists.example/mailman/listinfo/buyers",
    ">>> Alex <alex@seller.example> 5/11/2026 9:14 AM >>>",
    "Please contact:",
    "P.S. one more thing",
    "+1 555 0100 | www.northwind.example",
    "We can sign in June.",
    "Is the price final?",
    "register",
];

proptest::proptest! {
    /// Bodies assembled from the shapes the rules look at: never a panic, only lines of the
    /// body kept.
    #[test]
    fn new_text_on_assembled_bodies(picks in proptest::collection::vec(0..SHAPES.len(), 0..40)) {
        let body = picks.iter().map(|&i| SHAPES[i]).collect::<Vec<_>>().join("\n");
        let text = new_text(&body);
        let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            proptest::prop_assert!(lines.contains(&line), "{line:?} not in {body:?}");
        }
    }


    /// On any input, `new_text` returns only lines the body holds (it cuts, never rewrites) and
    /// does not panic; the fragments cover every line once.
    #[test]
    fn new_text_only_keeps_lines_of_the_body(body in "(?s)[a-zA-Z0-9>:@ ,.!?|*/<=_\\-\t\r\néü]{0,600}") {
        let text = new_text(&body);
        let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            proptest::prop_assert!(lines.contains(&line), "{line:?} not in {body:?}");
        }
        let covered: usize = fragments(&body).iter().map(|f| f.text.split('\n').count()).sum();
        proptest::prop_assert_eq!(covered, body.lines().count());
    }
}
