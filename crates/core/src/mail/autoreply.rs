//! Auto-replies are not replies (HubSpot's sequences ignore out-of-office; Mixmax reschedules
//! after the return date). An auto-reply is recognised by its headers (RFC 3834
//! `Auto-Submitted`, `X-Autoreply`, `Precedence`), its subject, or out-of-office wording in
//! English, German, French or Spanish; the return date is read from the text so the next touch
//! is scheduled after it.

use jiff::civil::Date;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// Why a message was taken for an auto-reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "by", content = "text", rename_all = "snake_case")]
pub enum AutoReplyEvidence {
    Header(String),
    Subject(String),
    Wording(String),
}

/// An automatic answer, with the date the person is back when the text says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AutoReply {
    pub evidence: AutoReplyEvidence,
    pub returns_on: Option<Date>,
}

const SUBJECT_MARKERS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "abwesenheitsnotiz",
    "abwesenheit",
    "automatische antwort",
    "réponse automatique",
    "reponse automatique",
    "absence du bureau",
    "respuesta automática",
    "respuesta automatica",
    "fuera de la oficina",
];

pub(crate) static WORDING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(out of (the )?office|(on|annual) leave|on vacation|on holiday|away from (the |my )?(office|desk)|limited access to (my )?e-?mail|currently (away|travelling|traveling)|nicht im büro|außer haus|ausser haus|abwesend|im urlaub|je suis absente?|hors du bureau|en congés?|en vacances|fuera de la oficina|de vacaciones|estaré fuera|estoy fuera|ausente)\b",
    )
    .expect("static pattern")
});

/// Decides whether a message is an automatic reply. `headers` are (name, value) pairs;
/// `sent` is the message's date, to place a return date without a year.
pub fn auto_reply(
    headers: &[(&str, &str)],
    subject: &str,
    text: &str,
    sent: Date,
) -> Option<AutoReply> {
    let returns_on = || return_date(text, sent);
    for (name, value) in headers {
        let (name, value) = (name.trim().to_lowercase(), value.trim().to_lowercase());
        let automatic = match name.as_str() {
            "auto-submitted" => value != "no",
            "x-autoreply" | "x-autorespond" | "x-autoresponder" => {
                !value.is_empty() && value != "no"
            }
            "precedence" => matches!(
                value.as_str(),
                "auto_reply" | "auto-reply" | "bulk" | "junk"
            ),
            "x-ms-exchange-inbox-rules-loop" | "x-auto-response-suppress" => false,
            _ => false,
        };
        if automatic {
            return Some(AutoReply {
                evidence: AutoReplyEvidence::Header(format!("{name}: {value}")),
                returns_on: returns_on(),
            });
        }
    }
    let lowered = subject.trim().to_lowercase();
    if let Some(marker) = SUBJECT_MARKERS.iter().find(|m| lowered.contains(*m)) {
        return Some(AutoReply {
            evidence: AutoReplyEvidence::Subject(marker.to_string()),
            returns_on: returns_on(),
        });
    }
    // Wording alone: a person may write "I was out of office last week". Take it for an
    // auto-reply when the message is short or names the day they are back.
    let found = WORDING.find(text)?;
    let back = returns_on();
    (text.trim().chars().count() <= 600 || back.is_some()).then(|| AutoReply {
        evidence: AutoReplyEvidence::Wording(found.as_str().to_string()),
        returns_on: back,
    })
}

pub(crate) const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("janvier", 1),
    ("enero", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("maerz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("diciembre", 12),
];

/// Words after which a date is the day they are back, and words after which it is their last
/// day away.
const BACK_ON: &str = r"back(?:\s+in\s+the\s+office)?(?:\s+on)?|return(?:ing)?(?:\s+on)?|returns(?:\s+on)?|from|zurück(?:\s+am)?|wieder(?:\s+da)?(?:\s+am)?|ab(?:\s+dem)?|retour(?:\s+le)?|de\s+retour(?:\s+le)?|à\s+partir\s+du|a\s+partir\s+del?|regreso(?:\s+el)?|vuelvo(?:\s+el)?|volveré(?:\s+el)?";
const AWAY_UNTIL: &str = r"until|till|through|thru|bis(?:\s+(?:zum|einschließlich))?|jusqu['’]au|jusqu['’]à|hasta(?:\s+el)?";

static RETURN: LazyLock<Regex> = LazyLock::new(|| {
    let month = MONTHS.iter().map(|(m, _)| *m).collect::<Vec<_>>().join("|");
    let weekday = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo),?\s+";
    Regex::new(&format!(
        r"(?i)\b(?P<trigger>{BACK_ON}|{AWAY_UNTIL})\s+(?:(?:the|le|el|den|dem)\s+)?(?:{weekday})?(?:(?:the|le|el|den)\s+)?(?:(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})|(?P<dm_day>\d{{1}}|\d{{2}})(?:st|nd|rd|th|\.|er)?\s+(?:of\s+|de\s+)?(?P<dm_month>{month})\.?(?:,?\s+(?:de\s+)?(?P<dm_year>\d{{4}}))?|(?P<md_month>{month})\.?\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<md_year>\d{{4}}))?|(?P<n1>\d{{1,2}})(?P<sep>[/.])(?P<n2>\d{{1,2}})(?:[/.](?P<ny>\d{{2,4}}))?)"
    ))
    .expect("static pattern")
});

static AWAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)^(?:{AWAY_UNTIL})$")).expect("static pattern"));

pub(crate) fn month_number(name: &str) -> Option<i8> {
    let n = name.to_lowercase();
    MONTHS.iter().find(|(m, _)| *m == n).map(|(_, v)| *v)
}

/// The date the person is back, from out-of-office text. A date without a year is the next
/// such date on or after `sent` (allowing a week of slack for a stale message).
pub fn return_date(text: &str, sent: Date) -> Option<Date> {
    for caps in RETURN.captures_iter(text) {
        let (year, month, day) = if let Some(iso) = caps.name("iso") {
            let d: Date = iso.as_str().parse().ok()?;
            (Some(d.year()), d.month(), d.day())
        } else if let Some(day) = caps.name("dm_day") {
            let year = caps.name("dm_year").and_then(|y| y.as_str().parse().ok());
            (
                year,
                month_number(caps.name("dm_month")?.as_str())?,
                day.as_str().parse().ok()?,
            )
        } else if let Some(month) = caps.name("md_month") {
            let year = caps.name("md_year").and_then(|y| y.as_str().parse().ok());
            (
                year,
                month_number(month.as_str())?,
                caps.name("md_day")?.as_str().parse().ok()?,
            )
        } else {
            let (a, b): (i8, i8) = (
                caps.name("n1")?.as_str().parse().ok()?,
                caps.name("n2")?.as_str().parse().ok()?,
            );
            // "3/14" is month/day (US); "14.3." is day.month (Europe); a first part above 12
            // can only be a day.
            let (month, day) = if caps.name("sep").map(|s| s.as_str()) == Some("/") && a <= 12 {
                (a, b)
            } else {
                (b, a)
            };
            let year = caps
                .name("ny")
                .and_then(|y| y.as_str().parse::<i16>().ok())
                .map(|y| if y < 100 { 2000 + y } else { y });
            (year, month, day)
        };
        let Some(mut date) = place(year, month, day, sent) else {
            continue;
        };
        if caps
            .name("trigger")
            .is_some_and(|t| AWAY.is_match(t.as_str().trim()))
        {
            date = date.tomorrow().ok()?;
        }
        return Some(date);
    }
    None
}

fn place(year: Option<i16>, month: i8, day: i8, sent: Date) -> Option<Date> {
    match year {
        Some(y) => Date::new(y, month, day).ok(),
        None => {
            let this_year = Date::new(sent.year(), month, day).ok()?;
            if this_year >= sent.saturating_sub(jiff::Span::new().days(7)) {
                Some(this_year)
            } else {
                Date::new(sent.year() + 1, month, day).ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn return_dates_in_four_languages() {
        let sent = d("2026-05-08");
        let cases = [
            (
                "I am out of the office and back on Monday 12 May.",
                "2026-05-12",
            ),
            ("Out of office until 3/14.", "2027-03-15"),
            (
                "I'm away until May 20th, with limited access to email.",
                "2026-05-21",
            ),
            ("Returning on 2026-06-01.", "2026-06-01"),
            (
                "I will be back in the office on the 18th of May",
                "2026-05-18",
            ),
            ("Ich bin bis zum 15. Mai nicht im Büro.", "2026-05-16"),
            ("Ich bin ab 19.05. wieder erreichbar.", "2026-05-19"),
            ("Je suis absent jusqu'au 5 juin.", "2026-06-06"),
            (
                "Je suis absente, de retour le lundi 1er juin.",
                "2026-06-01",
            ),
            (
                "Estoy fuera de la oficina hasta el 5 de junio.",
                "2026-06-06",
            ),
            (
                "Estaré de vacaciones, regreso el 10 de junio de 2026.",
                "2026-06-10",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                return_date(text, sent).map(|x| x.to_string()),
                Some(expected.to_string()),
                "{text}"
            );
        }
        assert_eq!(return_date("Thanks, let's talk next week.", sent), None);
        assert_eq!(
            return_date("Back on 31 February.", sent),
            None,
            "not a date"
        );
    }

    #[test]
    fn recognised_by_headers_subject_or_wording() {
        let sent = d("2026-05-08");
        let by_header = auto_reply(
            &[("Auto-Submitted", "auto-replied")],
            "Re: proposal",
            "I'm away.",
            sent,
        )
        .unwrap();
        assert_eq!(
            by_header.evidence,
            AutoReplyEvidence::Header("auto-submitted: auto-replied".into())
        );
        assert!(
            auto_reply(
                &[("Auto-Submitted", "no")],
                "Re: proposal",
                "Sounds good, Tuesday works.",
                sent
            )
            .is_none()
        );
        assert!(auto_reply(&[("X-Autoreply", "yes")], "Re: x", "", sent).is_some());
        assert!(auto_reply(&[("Precedence", "auto_reply")], "Re: x", "", sent).is_some());
        let by_subject = auto_reply(
            &[],
            "Automatische Antwort: Angebot",
            "Ich bin bis 15.05. abwesend.",
            sent,
        )
        .unwrap();
        assert_eq!(by_subject.returns_on, Some(d("2026-05-16")));
        assert!(auto_reply(&[], "Réponse automatique : devis", "", sent).is_some());
        let by_wording = auto_reply(
            &[],
            "Re: proposal",
            "Hi, I'm on leave until May 20 with no access to email.",
            sent,
        )
        .unwrap();
        assert!(matches!(by_wording.evidence, AutoReplyEvidence::Wording(_)));
        assert_eq!(by_wording.returns_on, Some(d("2026-05-21")));
    }

    #[test]
    fn a_person_mentioning_the_office_is_still_a_reply() {
        let long = format!(
            "I was out of office last week, sorry for the delay. {}",
            "We reviewed the numbers with finance and want to move ahead. ".repeat(12)
        );
        assert!(auto_reply(&[], "Re: proposal", &long, d("2026-05-08")).is_none());
        assert!(
            auto_reply(
                &[],
                "Re: proposal",
                "Yes, Thursday at 10 works for me.",
                d("2026-05-08")
            )
            .is_none()
        );
    }
}
