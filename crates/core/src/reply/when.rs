//! Times a reply names, as dates: "Tuesday at 2pm", "next week", "on the 2nd of December" (a
//! time to continue) and "check back in Q3", "after the holidays", "in three months" (a time to
//! look again). English, German, French and Spanish. Every date is placed after the day the
//! reply was sent.

use crate::mail::autoreply::{MONTHS, month_number};
use crate::time::{EARLIEST, LATEST};
use jiff::civil::{Date, Weekday};
use jiff::{Span, ToSpan};
use regex::Regex;
use std::sync::LazyLock;

/// A time named in a reply, with the words that named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub on: Date,
    pub phrase: String,
    /// Said of an absence ("I'm out next week", "ich bin bis Freitag im Urlaub"): when the
    /// sender is away, never a time to meet or to look again.
    pub away: bool,
}

/// Words that make the time after them in the same clause an absence.
static AWAY_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:(?:i'm|i am|i'll be|i will be|i’m|i’ll be|we're|we are|we'll be|we will be|she's|he's|she is|he is|will be)\s+(?:\w+\s+)?(?:out|away|off|ooo|on (?:holiday|holidays|vacation|leave|pto|annual leave)|travell?ing|unavailable|not available|out of (?:the )?office)|away|on (?:holiday|holidays|vacation|leave|pto|annual leave)|out of (?:the )?office|abwesend|im urlaub|nicht im büro|nicht erreichbar|absente?|en congés?|en vacances|indisponible|de vacaciones|ausente|no disponible|fuera de la oficina)\b")
        .expect("static pattern")
});
/// Words that make a clause about meeting, whatever absence it mentions.
static MEETING_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:meet|call|talk|speak|chat|demo|catch up|back|return|returning|zurück|wieder|retour|de vuelta|regreso)\b")
        .expect("static pattern")
});

/// Whether the time at `at` in `text` is said of an absence: the clause before it (back to a
/// sentence end, a comma or a "but") speaks of being away and not of meeting or returning.
fn said_of_absence(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let start = before
        .rfind(['.', ';', '!', '?', '\n', ',', '-'])
        .map_or(0, |i| i + 1)
        .max(before.rfind(" but ").map_or(0, |i| i + 5));
    let clause = &before[start..];
    AWAY_BEFORE.is_match(clause) && !MEETING_WORDS.is_match(clause)
}

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("montag", Weekday::Monday),
    ("dienstag", Weekday::Tuesday),
    ("mittwoch", Weekday::Wednesday),
    ("donnerstag", Weekday::Thursday),
    ("freitag", Weekday::Friday),
    ("lundi", Weekday::Monday),
    ("mardi", Weekday::Tuesday),
    ("mercredi", Weekday::Wednesday),
    ("jeudi", Weekday::Thursday),
    ("vendredi", Weekday::Friday),
    ("lunes", Weekday::Monday),
    ("martes", Weekday::Tuesday),
    ("miércoles", Weekday::Wednesday),
    ("miercoles", Weekday::Wednesday),
    ("jueves", Weekday::Thursday),
    ("viernes", Weekday::Friday),
];

const NUMBERS: &[(&str, i64)] = &[
    ("a", 1),
    ("one", 1),
    ("a couple of", 2),
    ("two", 2),
    ("a few", 3),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("nine", 9),
    ("twelve", 12),
    ("zwei", 2),
    ("drei", 3),
    ("sechs", 6),
    ("deux", 2),
    ("trois", 3),
    ("six", 6),
    ("dos", 2),
    ("tres", 3),
    ("seis", 6),
];

/// One alternative a kind of mention is found by; each kind turns its match into a date.
#[derive(PartialEq, Eq)]
enum Kind {
    /// A weekday with its date ("Friday 4 December", "Monday, December 7", "Monday 23rd"):
    /// one day, named twice; when the two disagree it names none.
    WeekdayDate,
    Today,
    Tomorrow,
    ThisWeek,
    NextWeek,
    Weekday,
    DayOfMonth,
    DayMonth,
    MonthDay,
    Month,
    Quarter,
    NextQuarter,
    NextYear,
    Span,
    Season,
    Holidays,
    Year,
}

struct Pattern {
    kind: Kind,
    regex: Regex,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let month = MONTHS.iter().map(|(m, _)| *m).collect::<Vec<_>>().join("|");
    let weekday = WEEKDAYS
        .iter()
        .map(|(w, _)| *w)
        .collect::<Vec<_>>()
        .join("|");
    let number = NUMBERS
        .iter()
        .map(|(n, _)| *n)
        .chain(["\\d{1,2}"])
        .collect::<Vec<_>>()
        .join("|");
    let table: Vec<(Kind, String)> = vec![
        (
            Kind::WeekdayDate,
            format!(r"\b(?P<w>{weekday}),?\s+(?:the\s+)?(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?(?P<m>{month})\b|(?P<d3>\d{{1,2}})(?:st|nd|rd|th|er)\b|(?P<m2>{month})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)"),
        ),
        (Kind::Today, r"\b(?:today|heute|aujourd'hui|hoy)\b".into()),
        (Kind::Tomorrow, r"\b(?:tomorrow|demain|mañana)\b".into()),
        (
            Kind::ThisWeek,
            r"\b(?:this week|diese woche|cette semaine|esta semana)\b".into(),
        ),
        (
            Kind::NextWeek,
            r"\b(?:next week|nächste woche|nächsten woche|la semaine prochaine|semaine prochaine|la próxima semana|la proxima semana|la semana que viene)\b".into(),
        ),
        (Kind::Weekday, format!(r"\b(?P<w>{weekday})\b")),
        (
            Kind::DayMonth,
            format!(r"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?(?P<m>{month})\b"),
        ),
        (
            Kind::MonthDay,
            format!(r"\b(?P<m>{month})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"),
        ),
        (
            Kind::DayOfMonth,
            r"\b(?:on|by) the (?P<d>\d{1,2})(?:st|nd|rd|th)\b".into(),
        ),
        (
            Kind::Month,
            format!(r"\b(?:in|im|en|after|nach|until|before|vor|bis|avant|antes de|ab|from|next|by|early|late|mid|end of|à partir de|a partir de|desde|hasta)\s+(?:early\s+|late\s+|mid-?\s*)?(?P<m>{month})\b"),
        ),
        (
            Kind::Quarter,
            r"\b(?:q(?P<q>[1-4])|(?P<o>first|second|third|fourth|1st|2nd|3rd|4th|ersten|zweiten|dritten|vierten|erste|zweite|dritte|vierte|premier|deuxième|deuxieme|troisième|troisieme|quatrième|quatrieme|primer|segundo|tercer|cuarto)\s+(?:quarter|quartal|trimestre))\b".into(),
        ),
        (
            Kind::NextQuarter,
            r"\b(?:next quarter|nächsten quartal|nächstes quartal|prochain trimestre|próximo trimestre|proximo trimestre)\b".into(),
        ),
        (
            Kind::NextYear,
            r"\b(?:next year|the new year|neuen jahr|la nouvelle année|el año nuevo|nächstes jahr|nächsten jahr|l'année prochaine|l'an prochain|el año que viene|el próximo año|el proximo año)\b".into(),
        ),
        (
            Kind::Span,
            format!(r"\b(?:in|dans|en)\s+(?P<n>{number})\s+(?P<u>months?|weeks?|years?|monaten|wochen|mois|semaines|meses|semanas)\b"),
        ),
        (
            Kind::Season,
            r"\b(?P<s>spring|summer|fall|autumn|winter|frühling|frühjahr|sommer|herbst|printemps|été|automne|hiver|primavera|verano|otoño|invierno)\b".into(),
        ),
        (
            Kind::Holidays,
            r"\b(?:after (?:the )?(?:holidays|christmas|xmas|new year)|nach (?:den feiertagen|weihnachten|neujahr)|après (?:les fêtes|noël)|después de (?:las fiestas|navidad))\b".into(),
        ),
        (Kind::Year, r"\b(?P<y>20[2-9]\d)\b".into()),
    ];
    table
        .into_iter()
        .map(|(kind, pattern)| Pattern {
            kind,
            regex: Regex::new(&pattern).expect("static pattern"),
        })
        .collect()
});

fn days(date: Date, n: i64) -> Option<Date> {
    date.checked_add(n.days()).ok()
}

/// The next date on or after `from` that is `month`/`day`.
fn next_month_day(from: Date, month: i8, day: i8) -> Option<Date> {
    let this_year = Date::new(from.year(), month, day).ok()?;
    if this_year >= from {
        Some(this_year)
    } else {
        Date::new(from.year() + 1, month, day).ok()
    }
}

/// The first of the next `month` strictly after `from`'s month.
fn next_month(from: Date, month: i8) -> Option<Date> {
    let year = if month > from.month() {
        from.year()
    } else {
        from.year() + 1
    };
    Date::new(year, month, 1).ok()
}

fn quarter_start(from: Date, quarter: i8) -> Option<Date> {
    let month = (quarter - 1) * 3 + 1;
    let current = (from.month() - 1) / 3 + 1;
    let year = if quarter > current {
        from.year()
    } else {
        from.year() + 1
    };
    Date::new(year, month, 1).ok()
}

fn ordinal(word: &str) -> Option<i8> {
    Some(match word {
        "first" | "1st" | "ersten" | "erste" | "premier" | "primer" => 1,
        "second" | "2nd" | "zweiten" | "zweite" | "deuxième" | "deuxieme" | "segundo" => 2,
        "third" | "3rd" | "dritten" | "dritte" | "troisième" | "troisieme" | "tercer" => 3,
        "fourth" | "4th" | "vierten" | "vierte" | "quatrième" | "quatrieme" | "cuarto" => 4,
        _ => return None,
    })
}

fn date_of(kind: &Kind, caps: &regex::Captures<'_>, sent: Date) -> Option<Date> {
    let text = |name: &str| caps.name(name).map(|m| m.as_str());
    match kind {
        Kind::WeekdayDate => {
            let (_, wanted) = WEEKDAYS.iter().find(|(w, _)| Some(*w) == text("w"))?;
            let day: i8 = text("d").or(text("d2")).or(text("d3"))?.parse().ok()?;
            let date = match text("m").or(text("m2")) {
                Some(m) => next_month_day(sent, month_number(m)?, day)?,
                // "Monday 23rd": this month's 23rd when still ahead, else the next month's.
                None => (0..=2i32).find_map(|k| {
                    let first = sent.first_of_month().checked_add(k.months()).ok()?;
                    Date::new(first.year(), first.month(), day)
                        .ok()
                        .filter(|d| *d >= sent)
                })?,
            };
            (date.weekday() == *wanted).then_some(date)
        }
        Kind::Today => Some(sent),
        Kind::Tomorrow => days(sent, 1),
        Kind::ThisWeek => days(sent, 1),
        Kind::NextWeek => {
            let to_monday = 7 - i64::from(sent.weekday().to_monday_zero_offset());
            days(sent, to_monday)
        }
        Kind::Weekday => {
            let (_, wanted) = WEEKDAYS.iter().find(|(w, _)| Some(*w) == text("w"))?;
            let ahead = (i64::from(wanted.to_monday_zero_offset())
                - i64::from(sent.weekday().to_monday_zero_offset()))
            .rem_euclid(7);
            days(sent, if ahead == 0 { 7 } else { ahead })
        }
        Kind::DayMonth | Kind::MonthDay => {
            let month = month_number(text("m")?)?;
            let day: i8 = text("d")?.parse().ok()?;
            next_month_day(sent, month, day)
        }
        Kind::DayOfMonth => {
            let day: i8 = text("d")?.parse().ok()?;
            let this_month = Date::new(sent.year(), sent.month(), day).ok();
            match this_month {
                Some(d) if d > sent => Some(d),
                _ => {
                    let next = sent.first_of_month().checked_add(1.month()).ok()?;
                    Date::new(next.year(), next.month(), day).ok()
                }
            }
        }
        Kind::Month => next_month(sent, month_number(text("m")?)?),
        Kind::Quarter => {
            let quarter = match text("q") {
                Some(q) => q.parse().ok()?,
                None => ordinal(text("o")?)?,
            };
            quarter_start(sent, quarter)
        }
        Kind::NextQuarter => {
            let current = (sent.month() - 1) / 3 + 1;
            quarter_start(sent, current % 4 + 1)
        }
        Kind::NextYear => Date::new(sent.year() + 1, 1, 1).ok(),
        Kind::Span => {
            let n = text("n")?;
            let n = n
                .parse::<i64>()
                .ok()
                .or_else(|| NUMBERS.iter().find(|(w, _)| *w == n).map(|(_, v)| *v))?;
            let unit = text("u")?;
            let span: Span = if unit.starts_with("week")
                || unit.starts_with("woch")
                || unit.starts_with("semain")
                || unit.starts_with("seman")
            {
                (n * 7).days()
            } else if unit.starts_with("year") {
                n.years()
            } else {
                n.months()
            };
            sent.checked_add(span).ok()
        }
        Kind::Season => {
            let month = match text("s")? {
                "spring" | "frühling" | "frühjahr" | "printemps" | "primavera" => 3,
                "summer" | "sommer" | "été" | "verano" => 6,
                "fall" | "autumn" | "herbst" | "automne" | "otoño" => 9,
                _ => 12,
            };
            next_month(sent, month)
        }
        Kind::Holidays => Date::new(sent.year() + 1, 1, 5).ok(),
        Kind::Year => {
            let year: i16 = text("y")?.parse().ok()?;
            (year > sent.year()).then(|| Date::new(year, 1, 1).ok())?
        }
    }
}

/// A four-digit number right after the words ending at `end`, past spaces and commas: where it
/// starts and its value (a year, when it follows a date's words).
fn year_after(text: &str, end: usize) -> Option<(usize, i32)> {
    let rest = text.get(end..)?;
    let trimmed = rest.trim_start_matches([' ', ',']);
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 || trimmed[4..].starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    Some((end + rest.len() - trimmed.len(), trimmed[..4].parse().ok()?))
}

/// Every time `text` (lower case) names after `sent`, in the order they appear.
pub fn mentions(text: &str, sent: Date) -> Vec<Mention> {
    mentions_checked(text, sent).0
}

/// `mentions`, and the date words whose year lies outside the accepted range (`1 jan 9999`):
/// named so the reading can say they were not taken.
pub fn mentions_checked(text: &str, sent: Date) -> (Vec<Mention>, Vec<String>) {
    let mut found: Vec<(usize, Mention)> = Vec::new();
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    for pattern in PATTERNS.iter() {
        for caps in pattern.regex.captures_iter(text) {
            let whole = caps.get(0).expect("a match has a whole");
            // A year inside a numeric date ("15/01/2027") is not the first of January: the
            // order of day and month is not known here, so it names nothing.
            if pattern.kind == Kind::Year
                && (text[..whole.start()].ends_with(['/', '.', '-'])
                    || text[whole.end()..].starts_with(['/', '-']))
            {
                continue;
            }
            // A longer expression found first ("2nd of December") owns its words.
            if taken
                .iter()
                .any(|r| r.start < whole.end() && whole.start() < r.end)
            {
                continue;
            }
            let on = date_of(&pattern.kind, &caps, sent).filter(|d| *d >= sent);
            // A weekday and a date that disagree name no day, and neither half may be read
            // alone: a wrong date is worse than none.
            if on.is_none() && pattern.kind == Kind::WeekdayDate {
                taken.push(whole.range());
                continue;
            }
            if let Some(on) = on {
                taken.push(whole.range());
                found.push((
                    whole.start(),
                    Mention {
                        on,
                        phrase: whole.as_str().to_string(),
                        away: said_of_absence(text, whole.start()),
                    },
                ));
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    // A year right after a month, a quarter or a season ("Q3 2027", "March 2027", "spring
    // 2027", "1 Jan 9999") says which one: the mention moves to that year, and the year alone
    // names nothing. A year in the past or outside the accepted range (`time::EARLIEST` to
    // `time::LATEST`) leaves the mention naming no time ahead: it is dropped, never read as
    // the next such day.
    let years = i32::from(EARLIEST.year())..=i32::from(LATEST.year());
    let mut out: Vec<(usize, Mention)> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    let mut years_read: Vec<usize> = Vec::new();
    for (at, mut m) in found {
        if years_read.contains(&at) {
            continue;
        }
        if let Some((year_at, year)) = year_after(text, at + m.phrase.len()) {
            years_read.push(year_at);
            let moved = i16::try_from(year)
                .ok()
                .filter(|y| years.contains(&i32::from(*y)))
                .and_then(|y| Date::new(y, m.on.month(), m.on.day()).ok())
                .filter(|d| *d >= sent);
            if !years.contains(&year) {
                refused.push(format!("{} {}", m.phrase, &text[year_at..year_at + 4]));
            }
            let Some(moved) = moved else { continue };
            m.on = moved;
            m.phrase = format!("{} {}", m.phrase, &text[year_at..year_at + 4]);
        }
        out.push((at, m));
    }
    (out.into_iter().map(|(_, m)| m).collect(), refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Option<String> {
        let sent: Date = "2026-11-20".parse().unwrap();
        mentions(&text.to_lowercase(), sent)
            .into_iter()
            .map(|m| m.on)
            .min()
            .map(|d| d.to_string())
    }

    #[test]
    fn near_and_far_times_in_four_languages() {
        // Sent on Friday 2026-11-20.
        let cases = [
            ("Can we talk Tuesday at 2pm?", "2026-11-24"),
            ("Call me next week", "2026-11-23"),
            ("tomorrow works", "2026-11-21"),
            ("give me a call on the 2nd of December", "2026-12-02"),
            ("let's talk on the 1st", "2026-12-01"),
            ("Check back in Q3.", "2027-07-01"),
            ("ask me again in Q1", "2027-01-01"),
            ("follow up in January?", "2027-01-01"),
            ("our freeze lifts on 1 March", "2027-03-01"),
            ("ping me again in three months", "2027-02-20"),
            ("reach out again in the spring", "2027-03-01"),
            ("let's park this until next quarter", "2027-01-01"),
            ("maybe next year", "2027-01-01"),
            ("let's touch base after the holidays", "2027-01-05"),
            ("ping me next October", "2027-10-01"),
            ("on our roadmap for 2027", "2027-01-01"),
            (
                "melden sie sich bitte im zweiten quartal wieder",
                "2027-04-01",
            ),
            ("passt ihnen dienstag um 14 uhr?", "2026-11-24"),
            ("recontactez-moi en mars", "2027-03-01"),
            ("au prochain trimestre", "2027-01-01"),
            ("escríbame de nuevo en enero", "2027-01-01"),
            ("¿hablamos la próxima semana?", "2026-11-23"),
        ];
        for (text, expected) in cases {
            assert_eq!(first(text).as_deref(), Some(expected), "{text}");
        }
        assert_eq!(first("thanks, noted"), None);
        assert_eq!(
            first("we met in 2025"),
            None,
            "the past is not a time to look again"
        );
    }
}

#[cfg(test)]
mod weekday_date_tests {
    use super::*;

    fn dates(text: &str, sent: &str) -> Vec<String> {
        mentions(&text.to_lowercase(), sent.parse().unwrap())
            .into_iter()
            .map(|m| m.on.to_string())
            .collect()
    }

    #[test]
    fn a_weekday_with_its_date_is_one_day_and_a_disagreement_is_none() {
        // Sent on Wednesday 2026-11-25.
        let sent = "2026-11-25";
        assert_eq!(dates("Friday 4 December works", sent), ["2026-12-04"]);
        assert_eq!(
            dates("how about Monday, December 7th?", sent),
            ["2026-12-07"]
        );
        assert_eq!(dates("lundi 7 décembre ?", sent), ["2026-12-07"]);
        // 23 December 2026 is a Wednesday, not a Monday: no day is guessed, not even Monday.
        assert!(dates("I'm away until Monday 23rd", sent).is_empty());
        assert!(dates("let's meet Friday 5 December", sent).is_empty());
        // "Monday 30th" in the message's month.
        assert_eq!(dates("back Monday 30th", sent), ["2026-11-30"]);
        // A time of day after the weekday is not a day of the month.
        assert_eq!(dates("Can we talk Tuesday 2pm?", sent), ["2026-12-01"]);
        // A date alone resolves forward from the message.
        assert_eq!(dates("2 December", sent), ["2026-12-02"]);
        assert_eq!(dates("2 December", "2026-12-05"), ["2027-12-02"]);
    }
}

#[cfg(test)]
mod absence_tests {
    use super::*;

    #[test]
    fn a_time_said_of_an_absence_is_marked() {
        let sent: Date = "2026-11-20".parse().unwrap();
        let found = mentions("let's meet on december 2nd, i'm out next week", sent);
        let read: Vec<(String, bool)> = found.iter().map(|m| (m.on.to_string(), m.away)).collect();
        assert_eq!(
            read,
            [
                ("2026-12-02".to_string(), false),
                ("2026-11-23".to_string(), true)
            ]
        );
        let found = mentions(
            "ich bin nächste woche im urlaub, passt dienstag, 1. dezember?",
            sent,
        );
        assert!(found.iter().all(|m| !m.away), "{found:?}");
        let found = mentions("i'm on holiday next week but can talk on tuesday", sent);
        let away: Vec<&str> = found
            .iter()
            .filter(|m| m.away)
            .map(|m| m.phrase.as_str())
            .collect();
        assert_eq!(away, ["next week"], "{found:?}");
    }
}
