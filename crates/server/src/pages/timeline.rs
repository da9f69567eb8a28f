//! A deal's timeline as an inline SVG drawn on the server, and the same events as rows for a
//! text table (screen readers, no SVG). Touches out, replies in, meetings, auto-replies and
//! bounces each have a shape as well as a colour (WCAG 2.2, SC 1.4.1 Use of Color); stage
//! changes are labelled ticks (DASHBOARD.md: "days in stage and stage history on the deal
//! timeline"); the current silence is drawn from the first unanswered touch to now and
//! labelled against the contact's own reply norm (`signals::longest_silence`: DOMAIN.md,
//! silence means a lot "against a contact's own reply habit").
//!
//! Every mark is a group with the activity's id (`act-A12`), so a signal's evidence links to
//! it, and a `<title>` shown on hover. Colours come from classes in `assets/app.css` (the CSP
//! forbids style attributes). Every text from the record is escaped here: the SVG is built as
//! text and placed in the page unescaped.

use jiff::Timestamp;
use rekindle_core::signals::{Silence, duration_text};
use rekindle_core::{Activity, ActivityKind, DealRecord, Direction, Outcome, time};
use std::fmt::Write;

/// The drawing's size in SVG user units (it scales to the page's width).
const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 236.0;
/// Room on the left for the lanes' names.
const LEFT: f64 = 96.0;
const RIGHT: f64 = 24.0;
/// The lanes' middles and the time axis.
const OUT_Y: f64 = 50.0;
const MEET_Y: f64 = 82.0;
const IN_Y: f64 = 114.0;
const AXIS_Y: f64 = 140.0;
/// The silence bracket.
const GAP_Y: f64 = 28.0;

/// What kind of mark an activity gets: each its own shape, word and class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// The rep reached out and has no answer through it (triangle).
    Touch,
    /// The prospect engaged: a reply, a call they took (circle).
    Engaged,
    /// A meeting (square).
    Meeting,
    /// An out-of-office or other automatic answer (hollow diamond).
    AutoReply,
    /// Mail that bounced (cross).
    Bounce,
    /// A note, a cancelled or missed call (bar).
    Other,
}

impl Mark {
    /// The mark of an activity: bounce and auto-reply by outcome first, then meetings, then
    /// engagement and touches (`Activity::is_engagement`, `is_touch`).
    pub fn of(a: &Activity) -> Mark {
        match a.outcome {
            Some(Outcome::Bounced) => Mark::Bounce,
            Some(Outcome::AutoReply) => Mark::AutoReply,
            _ if a.kind == ActivityKind::Meeting => Mark::Meeting,
            _ if a.is_engagement() => Mark::Engaged,
            _ if a.is_touch() => Mark::Touch,
            _ => Mark::Other,
        }
    }

    /// The word the legend and the table use.
    pub fn word(self) -> &'static str {
        match self {
            Mark::Touch => "touch out",
            Mark::Engaged => "reply in",
            Mark::Meeting => "meeting",
            Mark::AutoReply => "auto-reply",
            Mark::Bounce => "bounce",
            Mark::Other => "other",
        }
    }

    /// The CSS class (colour only; the shape carries the meaning too).
    pub fn class(self) -> &'static str {
        match self {
            Mark::Touch => "mk-touch",
            Mark::Engaged => "mk-reply",
            Mark::Meeting => "mk-meeting",
            Mark::AutoReply => "mk-auto",
            Mark::Bounce => "mk-bounce",
            Mark::Other => "mk-other",
        }
    }

    /// The shape centred on (x, y), in SVG.
    fn shape(self, x: f64, y: f64) -> String {
        match self {
            Mark::Touch => format!(
                r#"<path d="M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z"/>"#,
                x,
                y - 7.0,
                x + 7.0,
                y + 6.0,
                x - 7.0,
                y + 6.0
            ),
            Mark::Engaged => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="6.5"/>"#),
            Mark::Meeting => format!(
                r#"<rect x="{:.1}" y="{:.1}" width="12" height="12"/>"#,
                x - 6.0,
                y - 6.0
            ),
            Mark::AutoReply => format!(
                r#"<path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z" fill="none" stroke-width="2.5"/>"#,
                y - 7.0,
                x + 7.0,
                y + 7.0,
                x - 7.0
            ),
            Mark::Bounce => format!(
                r#"<path d="M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}" fill="none" stroke-width="3"/>"#,
                x - 6.0,
                y - 6.0,
                x + 6.0,
                y + 6.0,
                x - 6.0,
                y + 6.0,
                x + 6.0,
                y - 6.0
            ),
            Mark::Other => format!(
                r#"<rect x="{:.1}" y="{:.1}" width="3" height="14"/>"#,
                x - 1.5,
                y - 7.0
            ),
        }
    }
}

/// One event of the timeline, as the text table shows it.
pub struct Row {
    /// The activity's id (`A12`); none for a stage change.
    pub id: Option<String>,
    /// "Mon 2026-11-02".
    pub day: String,
    /// The mark's word, or "stage change".
    pub what: String,
    /// The channel and direction ("email out"), or the stage moved to.
    pub how: String,
    /// The contact's name, when known.
    pub who: String,
    pub summary: String,
}

/// The drawing and its rows.
pub struct Timeline {
    /// The `<svg>` element, every record text escaped.
    pub svg: String,
    /// The same events, oldest first.
    pub rows: Vec<Row>,
    /// The silence in words, against the contact's norm, when someone owes an answer.
    pub gap: Option<String>,
}

/// Text made safe for SVG's text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The element id of an activity's mark: `act-A12` (what evidence links point at).
pub fn anchor(id: rekindle_core::ActivityId) -> String {
    format!("act-{id}")
}

/// The silence in words: how long, the norm, and whether it is past it (a word, not a colour).
pub fn gap_words(s: &Silence) -> String {
    format!(
        "Silent {} since the touch of {}, {} their norm of {}: {}",
        duration_text(s.waited),
        crate::pages::view::day(s.first.at),
        if s.waited > s.threshold {
            "past"
        } else {
            "within"
        },
        duration_text(s.threshold),
        s.norm
    )
}

/// Draws `record`'s timeline from its first activity (or its creation) to `now`, with the
/// current silence (`signals::longest_silence` of the same record at `now`).
pub fn draw(record: &DealRecord, silence: Option<&Silence>, now: Timestamp) -> Timeline {
    let acts = &record.activities;
    let start = acts
        .iter()
        .map(|a| a.at)
        .chain(record.stage_history.iter().map(|s| s.at))
        .chain(std::iter::once(record.deal.created_at))
        .min()
        .unwrap_or(now)
        .min(now);
    let end = acts.iter().map(|a| a.at).max().unwrap_or(now).max(now);
    let span = (end.as_second() - start.as_second()).max(86_400) as f64;
    let x = |t: Timestamp| {
        LEFT + (t.as_second() - start.as_second()) as f64 / span * (WIDTH - LEFT - RIGHT)
    };
    let who = |a: &Activity| {
        a.contact
            .and_then(|c| record.contact(c))
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let gap = silence.map(gap_words);
    let mut svg = String::new();
    let title = format!("Timeline of {} {}", record.deal.id, record.deal.title);
    let desc = format!(
        "{} activities and {} stage changes from {} to {}{}",
        acts.len(),
        record.stage_history.len(),
        crate::pages::view::day(start),
        crate::pages::view::day(end),
        gap.as_ref().map(|g| format!(". {g}")).unwrap_or_default()
    );
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="tl-title tl-desc"><title id="tl-title">{}</title><desc id="tl-desc">{}</desc>"#,
        escape(&title),
        escape(&desc)
    );
    // Lanes and the axis.
    for (y, name) in [(OUT_Y, "Out"), (MEET_Y, "Meetings"), (IN_Y, "In")] {
        let _ = write!(
            svg,
            r#"<line class="lane" x1="{LEFT}" y1="{y}" x2="{:.1}" y2="{y}"/><text class="lane-name" x="8" y="{:.1}">{name}</text>"#,
            WIDTH - RIGHT,
            y + 4.0
        );
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{LEFT}" y1="{AXIS_Y}" x2="{:.1}" y2="{AXIS_Y}"/>"#,
        WIDTH - RIGHT
    );
    // Day ticks: five evenly spaced, the last one at `now`.
    for i in 0..=4 {
        let t = Timestamp::from_second(start.as_second() + (span as i64) * i / 4).unwrap_or(now);
        let tx = x(t);
        let anchor_side = match i {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        let label = if i == 4 && end == now {
            format!("now {}", time::date_of(now))
        } else {
            time::date_of(t).to_string()
        };
        let _ = write!(
            svg,
            r#"<line class="tick" x1="{tx:.1}" y1="{AXIS_Y}" x2="{tx:.1}" y2="{:.1}"/><text class="day" x="{tx:.1}" y="{:.1}" text-anchor="{anchor_side}">{}</text>"#,
            AXIS_Y + 5.0,
            AXIS_Y + 17.0,
            escape(&label)
        );
    }
    // Stage changes: a dashed line across the lanes and a label under the axis, alternating
    // rows so that close moves stay readable.
    for (i, s) in record.stage_history.iter().enumerate() {
        let sx = x(s.at);
        let ly = AXIS_Y + 34.0 + 13.0 * (i % 2) as f64;
        let _ = write!(
            svg,
            r#"<g class="stage"><title>{}</title><line x1="{sx:.1}" y1="{:.1}" x2="{sx:.1}" y2="{:.1}" stroke-dasharray="3 3"/><text x="{sx:.1}" y="{ly:.1}" text-anchor="middle">▸ {}</text></g>"#,
            escape(&format!(
                "{}: moved to {}",
                crate::pages::view::day(s.at),
                s.stage
            )),
            GAP_Y + 10.0,
            ly - 10.0,
            escape(&s.stage)
        );
    }
    // The current silence: a bracket from the first unanswered touch to now, the norm's end
    // marked, and the words.
    if let Some(s) = silence {
        let from = x(s.first.at);
        let to = x(now);
        let norm_end = Timestamp::from_second(s.first.at.as_second() + s.threshold)
            .map(&x)
            .unwrap_or(to)
            .min(to);
        let past = s.waited > s.threshold;
        let class = if past {
            "gap gap-past"
        } else {
            "gap gap-within"
        };
        let label = format!(
            "{} silent · norm {} · {}",
            duration_text(s.waited),
            duration_text(s.threshold),
            if past { "past norm" } else { "within norm" }
        );
        let _ = write!(
            svg,
            r#"<g class="{class}" id="silence"><title>{}</title><path d="M{from:.1} {:.1}V{GAP_Y}H{to:.1}V{:.1}" fill="none" stroke-width="2"/><line class="norm" x1="{norm_end:.1}" y1="{:.1}" x2="{norm_end:.1}" y2="{:.1}" stroke-dasharray="2 2"/><text x="{to:.1}" y="{:.1}" text-anchor="end">{}</text></g>"#,
            escape(gap.as_deref().unwrap_or_default()),
            GAP_Y + 6.0,
            GAP_Y + 6.0,
            GAP_Y - 6.0,
            IN_Y + 8.0,
            GAP_Y - 6.0,
            escape(&label)
        );
    }
    // The activities.
    let mut rows = Vec::new();
    let mut events: Vec<(Timestamp, Row)> = Vec::new();
    for a in acts {
        let mark = Mark::of(a);
        let y = match (mark, a.direction) {
            (Mark::Meeting, _) => MEET_Y,
            (_, Direction::Outbound) => OUT_Y,
            (_, Direction::Inbound) => IN_Y,
        };
        let how = match a.kind {
            ActivityKind::Meeting | ActivityKind::Note => a.kind.to_string(),
            _ => format!("{} {}", a.kind, a.direction),
        };
        let name = who(a);
        let hover = format!(
            "{} · {} · {}{}{}",
            crate::pages::view::day(a.at),
            mark.word(),
            how,
            if name.is_empty() {
                String::new()
            } else {
                format!(" · {name}")
            },
            if a.summary.is_empty() {
                String::new()
            } else {
                format!(": {}", a.summary)
            }
        );
        let _ = write!(
            svg,
            r#"<g id="{}" class="mark {}"><title>{}</title>{}</g>"#,
            anchor(a.id),
            mark.class(),
            escape(&hover),
            mark.shape(x(a.at), y)
        );
        events.push((
            a.at,
            Row {
                id: Some(a.id.to_string()),
                day: crate::pages::view::day(a.at),
                what: mark.word().to_string(),
                how,
                who: name,
                summary: a.summary.clone(),
            },
        ));
    }
    for s in &record.stage_history {
        events.push((
            s.at,
            Row {
                id: None,
                day: crate::pages::view::day(s.at),
                what: "stage change".into(),
                how: format!("to {}", s.stage),
                who: String::new(),
                summary: String::new(),
            },
        ));
    }
    events.sort_by_key(|(at, _)| *at);
    rows.extend(events.into_iter().map(|(_, r)| r));
    // The legend: each shape with its word.
    let mut lx = LEFT;
    for mark in [
        Mark::Touch,
        Mark::Engaged,
        Mark::Meeting,
        Mark::AutoReply,
        Mark::Bounce,
        Mark::Other,
    ] {
        let _ = write!(
            svg,
            r#"<g class="legend {}">{}<text x="{:.1}" y="{:.1}">{}</text></g>"#,
            mark.class(),
            mark.shape(lx + 7.0, HEIGHT - 14.0),
            lx + 18.0,
            HEIGHT - 10.0,
            mark.word()
        );
        lx += 110.0;
    }
    let _ = write!(
        svg,
        r#"<g class="legend stage"><line x1="{lx:.1}" y1="{:.1}" x2="{lx:.1}" y2="{:.1}" stroke-dasharray="3 3"/><text x="{:.1}" y="{:.1}">stage change</text></g>"#,
        HEIGHT - 22.0,
        HEIGHT - 6.0,
        lx + 8.0,
        HEIGHT - 10.0
    );
    svg.push_str("</svg>");
    Timeline { svg, rows, gap }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rekindle_core::demo::{self, DemoOptions};
    use rekindle_core::signals::{Context, longest_silence};
    use rekindle_core::{Norms, Policy};

    fn now() -> Timestamp {
        "2026-11-23T09:00:00Z".parse().unwrap()
    }

    fn demo_records() -> Vec<DealRecord> {
        demo::generate(DemoOptions::default(), now()).collect()
    }

    #[test]
    fn every_activity_has_a_mark_with_its_id_and_title() {
        let records = demo_records();
        let norms = Norms::learn(&records, now());
        let policy = Policy::default();
        for r in &records {
            let ctx = Context::new(r, now(), &policy, &norms);
            let silence = longest_silence(&ctx);
            let t = draw(r, silence.as_ref(), now());
            for a in &r.activities {
                let open = format!(
                    r#"<g id="act-{}" class="mark {}"><title>"#,
                    a.id,
                    Mark::of(a).class()
                );
                assert!(t.svg.contains(&open), "{}: no mark for {}", r.deal.id, a.id);
            }
            assert_eq!(t.svg.matches(r#"class="mark "#).count(), r.activities.len());
            assert_eq!(t.rows.len(), r.activities.len() + r.stage_history.len());
            assert!(!t.svg.contains("style="), "no style attributes (CSP)");
        }
    }

    #[test]
    fn the_silence_is_labelled_against_the_contacts_norm() {
        let records = demo_records();
        let norms = Norms::learn(&records, now());
        let policy = Policy::default();
        let (r, s) = records
            .iter()
            .find_map(|r| {
                let ctx = Context::new(r, now(), &policy, &norms);
                longest_silence(&ctx)
                    .filter(|s| s.waited > s.threshold)
                    .map(|s| (r, s.waited))
            })
            .expect("a demo deal silent past its norm");
        let ctx = Context::new(r, now(), &policy, &norms);
        let silence = longest_silence(&ctx).unwrap();
        let t = draw(r, Some(&silence), now());
        let words = t.gap.expect("gap words");
        assert!(words.starts_with(&format!("Silent {}", duration_text(s))));
        assert!(words.contains("past their norm of"));
        assert!(t.svg.contains(r#"id="silence""#));
        assert!(t.svg.contains("past norm"));
        assert!(t.svg.contains(&escape(&silence.norm)));
    }

    #[test]
    fn record_text_is_escaped() {
        let mut r = demo_records().remove(0);
        r.activities[0].summary = r#"<script>alert("x")</script> & 'so'"#.into();
        r.deal.title = "A <b>bold</b> deal".into();
        let t = draw(&r, None, now());
        assert!(!t.svg.contains("<script>"));
        assert!(!t.svg.contains("<b>"));
        assert!(
            t.svg
                .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;so&#39;")
        );
        assert!(t.gap.is_none());
        assert!(!t.svg.contains(r#"id="silence""#));
    }

    #[test]
    fn shapes_differ_by_kind() {
        let shapes: Vec<String> = [
            Mark::Touch,
            Mark::Engaged,
            Mark::Meeting,
            Mark::AutoReply,
            Mark::Bounce,
            Mark::Other,
        ]
        .iter()
        .map(|m| m.shape(0.0, 0.0))
        .collect();
        for (i, a) in shapes.iter().enumerate() {
            for b in &shapes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
