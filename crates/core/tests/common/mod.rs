//! A small builder for deal records at a fixed clock.
#![allow(dead_code)]

use jiff::Timestamp;
use rekindle_core::*;

pub const NOW: &str = "2026-11-23T09:00:00Z";

pub fn now() -> Timestamp {
    NOW.parse().unwrap()
}

pub fn days_ago(d: f64) -> Timestamp {
    Timestamp::from_second(now().as_second() - (d * 86_400.0) as i64).unwrap()
}

pub struct Fixture(pub DealRecord);

/// A deal in `stage`, created 10 days ago, with two contacts (C1 champion, C2 decision maker).
pub fn deal(stage: &str) -> Fixture {
    let contact = |id, name: &str, role| Contact {
        id: ContactId(id),
        name: name.into(),
        emails: vec![
            EmailAddress::parse(&format!(
                "{}@acme.example",
                name.split(' ').next().unwrap().to_lowercase()
            ))
            .unwrap(),
        ],
        title: None,
        role: Some(role),
        do_not_contact: false,
        mail_bounced: false,
        retired: Vec::new(),
        moved_to: None,
    };
    Fixture(DealRecord {
        deal: rekindle_core::Deal {
            id: DealId(1),
            title: "Acme: scheduling rollout".into(),
            account: Account {
                name: "Acme".into(),
                domain: Some("acme.example".into()),
            },
            owner: "Alex Morgan".into(),
            stage: stage.into(),
            amount: Money::new(5_000_000, Currency::USD),
            expected_close: None,
            status: DealStatus::Open,
            created_at: days_ago(10.0),
            loss: None,
            resurface_on: None,
        },
        contacts: vec![
            contact(1, "Dana Reyes", Role::Champion),
            contact(2, "Priya Patel", Role::DecisionMaker),
        ],
        facts: vec![],
        commitments: vec![],
        next_step: None,
        activities: vec![],
        stage_history: vec![StageChange {
            stage: stage.into(),
            at: days_ago(5.0),
        }],
        close_date_history: vec![],
        contract: None,
        needed_features: vec![],
    })
}

impl Fixture {
    pub fn fact(mut self, kind: FactKind, text: &str) -> Self {
        let id = FactId(self.0.facts.len() as i64 + 1);
        self.0.facts.push(Fact {
            id,
            kind,
            text: text.into(),
            source: "discovery call".into(),
            said_at: days_ago(9.0),
            contact: Some(ContactId(1)),
        });
        self
    }

    /// Problem, cost, why now, competitor, price and setup: a well-discovered deal.
    pub fn discovered(self) -> Self {
        self.fact(
            FactKind::Problem,
            "dispatchers rebuild the schedule by hand every morning",
        )
        .fact(FactKind::Cost, "about 12 hours a week")
        .fact(FactKind::WhyNow, "peak season starts in February")
        .fact(FactKind::Competitor, "also looking at Fieldwise")
        .fact(FactKind::Price, "budget is around $60k")
        .fact(FactKind::SetupQuestion, "asked how long SSO takes")
    }

    pub fn activity(
        mut self,
        kind: ActivityKind,
        direction: Direction,
        outcome: Option<Outcome>,
        contact: i64,
        days: f64,
    ) -> Self {
        let id = ActivityId(self.0.activities.len() as i64 + 1);
        self.0.activities.push(Activity {
            id,
            kind,
            direction,
            at: days_ago(days),
            outcome,
            contact: Some(ContactId(contact)),
            summary: String::new(),
            subject: None,
            body: None,
            play: None,
            tone: ToneMark::default(),
            body_fingerprint: None,
            returns_on: None,
        });
        self.0.activities.sort_by_key(|a| a.at);
        self
    }

    pub fn touch(self, days: f64) -> Self {
        self.activity(
            ActivityKind::Email,
            Direction::Outbound,
            Some(Outcome::Sent),
            1,
            days,
        )
    }

    pub fn message(mut self, days: f64, body: &str, play: Option<PlayKind>) -> Self {
        self = self.touch(days);
        let a = self
            .0
            .activities
            .iter_mut()
            .find(|a| a.at == days_ago(days))
            .unwrap();
        a.body = Some(body.into());
        a.tone = lint::tone_mark(body);
        a.body_fingerprint = Some(lint::fingerprint(body));
        a.play = play;
        self
    }

    pub fn reply(self, contact: i64, days: f64) -> Self {
        self.activity(
            ActivityKind::Email,
            Direction::Inbound,
            Some(Outcome::Replied),
            contact,
            days,
        )
    }

    pub fn meeting(self, contact: i64, days: f64) -> Self {
        self.activity(
            ActivityKind::Meeting,
            Direction::Outbound,
            Some(Outcome::MeetingHeld),
            contact,
            days,
        )
    }

    /// Both contacts engaged recently.
    pub fn engaged(self, days: f64) -> Self {
        self.meeting(2, days + 0.5).reply(1, days)
    }

    pub fn next_step(mut self, what: &str, due_in_days: Option<f64>, booked: bool) -> Self {
        self.0.next_step = Some(NextStep {
            what: what.into(),
            due: due_in_days.map(|d| days_ago(-d)),
            booked,
            set_at: days_ago(9.0),
        });
        self
    }

    pub fn promise(mut self, what: &str, due_days_ago: f64, status: CommitmentStatus) -> Self {
        let id = CommitmentId(self.0.commitments.len() as i64 + 1);
        self.0.commitments.push(Commitment {
            id,
            party: Party::Prospect,
            what: what.into(),
            due: days_ago(due_days_ago),
            status,
            source: "call".into(),
            made_at: days_ago(9.0),
        });
        self
    }

    pub fn with(mut self, f: impl FnOnce(&mut DealRecord)) -> Self {
        f(&mut self.0);
        self
    }

    pub fn assess(&self) -> Assessment {
        let policy = Policy::default();
        let norms = Norms::learn([&self.0], now());
        assess(&self.0, now(), &policy, &norms)
    }

    pub fn signals(&self) -> Vec<signals::SignalKind> {
        self.assess().signals.iter().map(|s| s.kind).collect()
    }
}

/// A healthy baseline: discovered, multi-threaded, engaged yesterday, booked next step.
pub fn healthy() -> Fixture {
    deal("demo")
        .discovered()
        .engaged(1.0)
        .next_step("demo for the COO", Some(4.0), true)
}
