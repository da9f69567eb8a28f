//! A seeded generator of realistic pipelines: every signal, state and play appears in the
//! default 40 deals, and the same generator scales to 100,000 deals for benchmarks. Ids are
//! local to each record (contacts 1..n, activities 1..m); the store assigns real ones.

use crate::lint::{fingerprint, tone_mark};
use crate::time::{SECONDS_PER_DAY, date_of};
use crate::*;
use jiff::Timestamp;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct DemoOptions {
    pub seed: u64,
    pub deals: usize,
    /// Pad each deal's history with earlier exchanges up to about this many activities
    /// (0: only what each scenario needs).
    pub activities_per_deal: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            seed: 7,
            deals: 40,
            activities_per_deal: 0,
        }
    }
}

/// The situations the demo covers, each a story from PLAYBOOK.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    Healthy,
    BrokenPromise,
    CapReached,
    BreakupUnanswered,
    AwaitingBreakup,
    DiscoveryGap,
    Desperate,
    SingleThreaded,
    TooGoodToBeTrue,
    NoNeed,
    Stalled,
    CloseSlipping,
    ContractLocked,
    QuietBeyondNorm,
    Won,
    LostToCompetitor,
    LostMissingFeature,
    Nurture,
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario::Healthy,
    Scenario::BrokenPromise,
    Scenario::CapReached,
    Scenario::BreakupUnanswered,
    Scenario::AwaitingBreakup,
    Scenario::DiscoveryGap,
    Scenario::Desperate,
    Scenario::SingleThreaded,
    Scenario::TooGoodToBeTrue,
    Scenario::NoNeed,
    Scenario::Healthy,
    Scenario::Stalled,
    Scenario::CloseSlipping,
    Scenario::ContractLocked,
    Scenario::QuietBeyondNorm,
    Scenario::Won,
    Scenario::LostToCompetitor,
    Scenario::LostMissingFeature,
    Scenario::Nurture,
    Scenario::Healthy,
];

/// SplitMix64: tiny, fast and stable across releases, so a seed always gives the same demo.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo).max(0) as u64 + 1)) as i64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const COMPANY_A: &[&str] = &[
    "Northwind",
    "Bluefin",
    "Cedar",
    "Ironclad",
    "Lumen",
    "Harbor",
    "Summit",
    "Aster",
    "Kestrel",
    "Vantage",
    "Oakridge",
    "Pinecrest",
    "Quarry",
    "Redwood",
    "Silverline",
    "Tidewater",
    "Brightpath",
    "Copperleaf",
    "Driftwood",
    "Evergreen",
];
const COMPANY_B: &[&str] = &[
    "Logistics",
    "Health",
    "Foods",
    "Analytics",
    "Manufacturing",
    "Insurance",
    "Retail",
    "Energy",
    "Labs",
    "Freight",
    "Dental Group",
    "Credit Union",
];
const FIRST: &[&str] = &[
    "Dana", "Priya", "Marcus", "Elena", "Tom", "Aisha", "Jonas", "Mei", "Carlos", "Grace",
    "Henrik", "Fatima", "Liam", "Sofia", "Daniel", "Chloe", "Omar", "Ingrid", "Ravi", "Nora",
    "Samuel", "Yuki", "Leah", "Mateo", "Hannah", "Kwame",
];
const LAST: &[&str] = &[
    "Reyes",
    "Patel",
    "Okafor",
    "Lindqvist",
    "Brennan",
    "Haddad",
    "Becker",
    "Zhang",
    "Mendes",
    "Whitfield",
    "Nakamura",
    "Kowalski",
    "Osei",
    "Fischer",
    "Duarte",
    "Sullivan",
    "Ahmed",
    "Novak",
    "Castillo",
    "Moreau",
];
const REPS: &[&str] = &["Alex Morgan", "Jordan Blake", "Sam Rivera"];
const TITLES: &[(&str, Role)] = &[
    ("VP Operations", Role::DecisionMaker),
    ("COO", Role::DecisionMaker),
    ("Head of Planning", Role::Champion),
    ("Operations Manager", Role::Champion),
    ("Finance Director", Role::Influencer),
    ("IT Lead", Role::Influencer),
    ("Dispatcher", Role::User),
    ("Executive Assistant", Role::Gatekeeper),
];
/// (problem, cost, impact) in the prospect's words.
const PAINS: &[(&str, &str, &str)] = &[
    (
        "our dispatchers rebuild the schedule by hand every morning",
        "about 12 hours a week of dispatcher time",
        "we'd need two more dispatchers before peak season",
    ),
    (
        "we find out about stockouts from angry customers",
        "roughly $40k a month in expedited shipping",
        "we could lose our biggest retail account if fill rate drops again",
    ),
    (
        "month-end close takes nine days because of spreadsheet reconciliations",
        "two analysts tied up for a week every month",
        "the audit committee has flagged it twice",
    ),
    (
        "reps rebuild the forecast in spreadsheets every Friday",
        "about 6 hours per rep per week",
        "the board has stopped trusting our numbers",
    ),
    (
        "claims sit in a queue for eleven days on average",
        "around $18k a month in late-payment interest",
        "the new 5-day rule would put us out of compliance",
    ),
    (
        "onboarding a new clinic takes six weeks of manual setup",
        "each week of delay is about $9k in deferred revenue",
        "we can't hit the 40-clinic target this year",
    ),
    (
        "nobody knows which trucks are idle until the end of the day",
        "thousands lost in unnecessary overtime every month",
        "we keep turning down same-day orders",
    ),
];
const WHY_NOW: &[&str] = &[
    "the new CFO wants it fixed before the budget cycle",
    "peak season starts in February and we can't go through another one like last year",
    "we lost our spreadsheet expert and nobody can maintain the model",
    "the board asked for it at the last quarterly review",
    "we're opening two new sites next quarter",
];
const COMPETITORS: &[&str] = &[
    "Looking at Fieldwise as well",
    "Had a demo from Planwise last month",
    "IT thinks they could build it in-house",
];
const PRICES: &[&str] = &[
    "Budget is around $60k for the year",
    "Asked about a discount for annual prepay",
    "Anything above $50k needs board sign-off",
];
const SETUPS: &[&str] = &[
    "Asked how long SSO setup takes",
    "Wants to import five years of history",
    "Asked who does the data migration",
];
const PROCESSES: &[&str] = &[
    "VP Operations signs; finance reviews anything over $25k",
    "Needs the COO's sign-off and an IT security review",
];
const PROMISES: &[&str] = &[
    "run the numbers with finance",
    "share the proposal with the COO",
    "get IT to review the security questionnaire",
    "send over last year's volume data",
];
const STEPS: &[&str] = &[
    "review the business case together",
    "demo for the COO",
    "security review call with IT",
    "walk through the proposal with finance",
];
const VALUE_NOTES: &[&str] = &[
    "here is the case study from a distributor your size: planning time fell by 60% in the first quarter.",
    "I put your numbers into a one-page cost model; the overtime line alone pays for the rollout.",
    "attached is the security overview your IT lead will ask for, answered question by question.",
    "a short video of how a similar team handled the peak-season schedule, 4 minutes.",
];
const PESKY_NOTES: &[&str] = &[
    "Just checking in on the proposal.",
    "Bumping this to the top of your inbox.",
    "Did you get a chance to look at my last email?",
    "I know you're busy, but any update?",
];

/// An iterator of generated deal records.
pub struct Generator {
    rng: Rng,
    now: Timestamp,
    options: DemoOptions,
    index: usize,
}

/// Generates `options.deals` records relative to `now`.
pub fn generate(options: DemoOptions, now: Timestamp) -> Generator {
    Generator {
        rng: Rng(options.seed),
        now,
        options,
        index: 0,
    }
}

impl Iterator for Generator {
    type Item = DealRecord;
    fn next(&mut self) -> Option<DealRecord> {
        if self.index >= self.options.deals {
            return None;
        }
        let i = self.index;
        self.index += 1;
        let scenario = SCENARIOS[i % SCENARIOS.len()];
        Some(build(
            &mut self.rng,
            self.now,
            i,
            scenario,
            self.options.activities_per_deal,
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.options.deals - self.index;
        (left, Some(left))
    }
}

struct Builder<'a> {
    rng: &'a mut Rng,
    now: Timestamp,
    rec: DealRecord,
    /// Typical reply time of the main contact, in hours.
    habit_hours: i64,
}

impl Builder<'_> {
    fn ago(&self, days: f64) -> Timestamp {
        Timestamp::from_second(self.now.as_second() - (days * SECONDS_PER_DAY as f64) as i64)
            .unwrap_or(self.now)
    }

    fn push(
        &mut self,
        (kind, direction, outcome): (ActivityKind, Direction, Option<Outcome>),
        days_ago: f64,
        contact: usize,
        summary: &str,
        body: Option<String>,
        play: Option<PlayKind>,
    ) {
        let id = ActivityId(self.rec.activities.len() as i64 + 1);
        let contact = self.rec.contacts.get(contact).map(|c| c.id);
        let (tone, body_fingerprint) = match (&body, direction) {
            (Some(b), Direction::Outbound) => (tone_mark(b), Some(fingerprint(b))),
            _ => (ToneMark::default(), None),
        };
        let at = self.ago(days_ago);
        self.rec.activities.push(Activity {
            id,
            kind,
            direction,
            at,
            outcome,
            contact,
            summary: summary.into(),
            subject: None,
            body,
            play,
            tone,
            body_fingerprint,
            returns_on: None,
        });
    }

    fn email_out(&mut self, days_ago: f64, contact: usize, body: String, play: Option<PlayKind>) {
        let summary: String = body.chars().take(80).collect();
        self.push(
            (
                ActivityKind::Email,
                Direction::Outbound,
                Some(Outcome::Sent),
            ),
            days_ago,
            contact,
            &summary,
            Some(body),
            play,
        );
    }

    fn reply(&mut self, days_ago: f64, contact: usize, summary: &str) {
        self.push(
            (
                ActivityKind::Email,
                Direction::Inbound,
                Some(Outcome::Replied),
            ),
            days_ago,
            contact,
            summary,
            None,
            None,
        );
    }

    fn meeting(&mut self, days_ago: f64, contact: usize, summary: &str) {
        self.push(
            (
                ActivityKind::Meeting,
                Direction::Outbound,
                Some(Outcome::MeetingHeld),
            ),
            days_ago,
            contact,
            summary,
            None,
            None,
        );
    }

    fn call(&mut self, days_ago: f64, contact: usize, outcome: Outcome) {
        let summary = match outcome {
            Outcome::Connected => "talked through next steps",
            Outcome::VoicemailLeft => "left a voicemail",
            _ => "no answer",
        };
        let kind = if outcome == Outcome::VoicemailLeft {
            ActivityKind::Voicemail
        } else {
            ActivityKind::Call
        };
        self.push(
            (kind, Direction::Outbound, Some(outcome)),
            days_ago,
            contact,
            summary,
            None,
            None,
        );
    }

    /// A useful touch: it carries something relevant.
    fn value_touch(&mut self, days_ago: f64, contact: usize) {
        let first = self.rec.contacts[contact].first_name().to_string();
        let note = self.rng.pick(VALUE_NOTES);
        let day = crate::time::human_date(self.ago(days_ago));
        self.email_out(
            days_ago,
            contact,
            format!(
                "Hi {first},\n\nAhead of {day}: {note}\n\n{}",
                self.rec.deal.owner
            ),
            Some(PlayKind::ValueAdd),
        );
    }

    fn fact(&mut self, kind: FactKind, text: &str, days_ago: f64) {
        let id = FactId(self.rec.facts.len() as i64 + 1);
        let said_at = self.ago(days_ago);
        let source = format!("discovery call {}", date_of(said_at));
        self.rec.facts.push(Fact {
            id,
            kind,
            text: text.into(),
            source,
            said_at,
            contact: self.rec.contacts.first().map(|c| c.id),
        });
    }

    /// Problem, cost, impact, why now, decision process, and the due-diligence facts.
    fn full_discovery(&mut self, days_ago: f64) {
        let (p, c, i) = *self.rng.pick(PAINS);
        self.fact(FactKind::Problem, p, days_ago);
        self.fact(FactKind::Cost, c, days_ago);
        self.fact(FactKind::Impact, i, days_ago);
        let why = *self.rng.pick(WHY_NOW);
        self.fact(FactKind::WhyNow, why, days_ago);
        let process = *self.rng.pick(PROCESSES);
        self.fact(FactKind::DecisionProcess, process, days_ago);
        self.due_diligence(days_ago - 1.0);
    }

    fn due_diligence(&mut self, days_ago: f64) {
        let (a, b, c) = (
            *self.rng.pick(COMPETITORS),
            *self.rng.pick(PRICES),
            *self.rng.pick(SETUPS),
        );
        self.fact(FactKind::Competitor, a, days_ago);
        self.fact(FactKind::Price, b, days_ago);
        self.fact(FactKind::SetupQuestion, c, days_ago);
    }

    /// Earlier back-and-forth with the main contacts, replies at their usual pace: the history
    /// the engine learns each contact's norm from.
    fn history(&mut self, exchanges: usize, from_days_ago: f64, to_days_ago: f64) {
        if exchanges == 0 || from_days_ago <= to_days_ago {
            return;
        }
        let step = (from_days_ago - to_days_ago) / exchanges as f64;
        for k in 0..exchanges {
            let contact = k % self.rec.contacts.len().clamp(1, 2);
            let t = from_days_ago - step * k as f64;
            self.value_touch(t, contact);
            let latency_hours =
                (self.habit_hours as f64 * (0.5 + self.rng.below(100) as f64 / 100.0)).max(1.0);
            let reply_at = (t - latency_hours / 24.0).max(to_days_ago);
            self.reply(
                reply_at,
                contact,
                "Thanks, this is useful. Let me share it internally.",
            );
        }
    }

    fn next_step(&mut self, what: &str, due_in_days: Option<f64>, booked: bool, set_days_ago: f64) {
        let due = due_in_days.map(|d| self.ago(-d));
        self.rec.next_step = Some(NextStep {
            what: what.into(),
            due,
            booked,
            set_at: self.ago(set_days_ago),
        });
    }

    fn promise(&mut self, what: &str, due_days_ago: f64, made_days_ago: f64) {
        let id = CommitmentId(self.rec.commitments.len() as i64 + 1);
        let source = format!("call on {}", date_of(self.ago(made_days_ago)));
        let (due, made_at) = (self.ago(due_days_ago), self.ago(made_days_ago));
        self.rec.commitments.push(Commitment {
            id,
            party: Party::Prospect,
            what: what.into(),
            due,
            status: CommitmentStatus::Open,
            source,
            made_at,
        });
    }
}

fn build(
    rng: &mut Rng,
    now: Timestamp,
    i: usize,
    scenario: Scenario,
    activities_target: usize,
) -> DealRecord {
    use Scenario::*;
    let pipeline = Pipeline::default();
    let a = COMPANY_A[i % COMPANY_A.len()];
    let b = COMPANY_B[(i / COMPANY_A.len() + i * 7) % COMPANY_B.len()];
    let round = i / (COMPANY_A.len() * COMPANY_B.len());
    let company = if round == 0 {
        format!("{a} {b}")
    } else {
        format!("{a} {b} {}", round + 1)
    };
    let domain = format!(
        "{}{}.example",
        a.to_lowercase(),
        if round == 0 {
            String::new()
        } else {
            (round + 1).to_string()
        }
    );

    let stage_pos = match scenario {
        Healthy | SingleThreaded => 1 + rng.below(3),
        BrokenPromise | TooGoodToBeTrue => 3,
        CapReached | AwaitingBreakup | BreakupUnanswered => 2,
        DiscoveryGap | Desperate => rng.below(2),
        NoNeed | Stalled | ContractLocked => 1,
        CloseSlipping => 4,
        QuietBeyondNorm => 2 + rng.below(2),
        Won | LostToCompetitor | LostMissingFeature | Nurture => 1 + rng.below(4),
    };
    let amount_dollars = match scenario {
        Desperate => rng.range(4, 9) * 1_000,
        _ => rng.range(12, 180) * 1_000,
    };
    // How long ago the deal entered its current stage, and was created.
    let entered_days = match scenario {
        Stalled => rng.range(40, 55) as f64,
        Healthy | SingleThreaded | NoNeed | TooGoodToBeTrue => rng.range(2, 7) as f64,
        _ => rng.range(10, 20) as f64,
    };
    let per_stage = rng.range(6, 12) as f64;
    let age_days = entered_days + per_stage * stage_pos as f64 + 3.0;
    let created_at =
        Timestamp::from_second(now.as_second() - (age_days * SECONDS_PER_DAY as f64) as i64)
            .unwrap_or(now);

    let contact_count = match scenario {
        SingleThreaded | DiscoveryGap => 1,
        _ => 2 + rng.below(2),
    };
    let mut contacts = Vec::new();
    for k in 0..contact_count {
        let first = FIRST[(i * 3 + k * 7) % FIRST.len()];
        let last = LAST[(i * 5 + k * 3) % LAST.len()];
        let (title, role) = match (scenario, k) {
            (SingleThreaded, _) => TITLES[6],
            (_, 0) => TITLES[2 + rng.below(2)],
            (_, 1) => TITLES[rng.below(2)],
            _ => TITLES[4 + rng.below(2)],
        };
        let email = EmailAddress::parse(&format!(
            "{}.{}@{domain}",
            first.to_lowercase(),
            last.to_lowercase()
        ))
        .ok();
        contacts.push(Contact {
            id: ContactId(k as i64 + 1),
            name: format!("{first} {last}"),
            emails: email.into_iter().collect(),
            title: Some(title.into()),
            role: Some(role),
            do_not_contact: false,
            mail_bounced: false,
            retired: Vec::new(),
            moved_to: None,
        });
    }

    let stage = pipeline.stages[stage_pos].name.clone();
    let mut stage_history = Vec::new();
    for (k, s) in pipeline.stages.iter().take(stage_pos + 1).enumerate() {
        let days_ago = if k == stage_pos {
            entered_days
        } else {
            age_days - 1.0 - per_stage * k as f64
        };
        stage_history.push(StageChange {
            stage: s.name.clone(),
            at: Timestamp::from_second(
                now.as_second() - (days_ago * SECONDS_PER_DAY as f64) as i64,
            )
            .unwrap_or(now),
        });
    }

    let title = format!(
        "{company}: {}",
        [
            "scheduling rollout",
            "planning platform",
            "ops automation",
            "forecasting pilot"
        ][i % 4]
    );
    let deal = Deal {
        id: DealId(i as i64 + 1),
        title,
        account: Account {
            name: company,
            domain: Some(domain),
        },
        owner: REPS[i % REPS.len()].into(),
        stage,
        amount: Money::new(amount_dollars * 100, Currency::USD),
        expected_close: Some(
            date_of(now).saturating_add(jiff::Span::new().days(rng.range(20, 75))),
        ),
        status: DealStatus::Open,
        created_at,
        loss: None,
        resurface_on: None,
    };
    let rec = DealRecord {
        deal,
        contacts,
        facts: Vec::new(),
        commitments: Vec::new(),
        next_step: None,
        activities: Vec::new(),
        stage_history,
        close_date_history: Vec::new(),
        contract: None,
        needed_features: Vec::new(),
    };
    let habit_hours = match scenario {
        QuietBeyondNorm | BrokenPromise => rng.range(2, 6),
        _ => rng.range(4, 30),
    };
    let mut b = Builder {
        rng,
        now,
        rec,
        habit_hours,
    };

    // Discovery happened early in the deal; the recent story depends on the scenario.
    let discovery_at = age_days - 2.0;
    b.meeting(discovery_at, 0, "discovery call");
    if !matches!(scenario, DiscoveryGap) {
        b.full_discovery(discovery_at);
    }
    let recent_from = match scenario {
        BreakupUnanswered => 26.0,
        BrokenPromise | CapReached | AwaitingBreakup | DiscoveryGap | ContractLocked => 16.0,
        Desperate => 12.0,
        _ => 5.0,
    };
    // Discovery plus the scenario's own story add about four activities.
    let exchanges = activities_target.saturating_sub(4) / 2;
    let exchanges = if activities_target == 0 { 3 } else { exchanges };
    b.history(exchanges, discovery_at - 0.5, recent_from + 1.0);

    let rep = b.rec.deal.owner.clone();
    let first = |b: &Builder, k: usize| {
        b.rec.contacts[k.min(b.rec.contacts.len() - 1)]
            .first_name()
            .to_string()
    };
    match scenario {
        Healthy => {
            b.meeting(4.0, 1, "demo with the decision maker");
            b.reply(1.0, 0, "Confirmed for next week, I've added our IT lead.");
            let due = b.rng.range(3, 8) as f64;
            b.next_step("demo for the COO", Some(due), true, 1.0);
        }
        BrokenPromise => {
            b.meeting(14.0, 1, "proposal walkthrough");
            let promise = *b.rng.pick(PROMISES);
            b.promise(promise, 9.0, 14.0);
            let step = *b.rng.pick(STEPS);
            b.next_step(step, Some(-7.0), false, 14.0);
            b.value_touch(7.0, 0);
            b.call(4.0, 0, Outcome::NoAnswer);
        }
        CapReached => {
            b.meeting(16.0, 0, "technical demo");
            b.fact(
                FactKind::Context,
                "We're in the middle of an acquisition; a lot is on hold until it closes",
                16.0,
            );
            b.next_step("security review call with IT", Some(-9.0), false, 16.0);
            b.value_touch(12.0, 0);
            b.call(8.0, 0, Outcome::VoicemailLeft);
            b.value_touch(4.0, 0);
            // The decision maker's address no longer works.
            b.push(
                (
                    ActivityKind::Email,
                    Direction::Inbound,
                    Some(Outcome::Bounced),
                ),
                3.9,
                1,
                "delivery failed: mailbox unavailable",
                None,
                None,
            );
        }
        BreakupUnanswered | AwaitingBreakup => {
            let (start, breakup) = if scenario == BreakupUnanswered {
                (24.0, 9.0)
            } else {
                (14.0, 3.0)
            };
            b.meeting(start + 2.0, 0, "demo");
            if scenario == BreakupUnanswered {
                b.fact(
                    FactKind::Context,
                    "Honestly the spreadsheets are good enough for now",
                    start + 2.0,
                );
            }
            b.next_step(
                "walk through the proposal with finance",
                Some(-(start - 1.0)),
                false,
                start + 2.0,
            );
            b.value_touch(start - 2.0, 0);
            b.call(start - 6.0, 0, Outcome::NoAnswer);
            b.value_touch(start - 10.0, 0);
            let f = first(&b, 0);
            b.email_out(breakup, 0, format!("Hi {f},\n\nShould I close the file? If it's still worth solving, send me one or two times next week; if not, tell me to close it.\n\n{rep}"), Some(PlayKind::Breakup));
        }
        DiscoveryGap => {
            b.reply(20.0, 0, "Sure, send me some information.");
            b.value_touch(10.0, 0);
            b.call(5.0, 0, Outcome::NoAnswer);
        }
        Desperate => {
            b.reply(12.0, 0, "Interesting, let me think about it.");
            b.next_step("pricing for two teams", Some(-9.0), false, 12.0);
            let f = first(&b, 0);
            let pesky =
                |k: usize| format!("Hi {f},\n\n{}\n\n{rep}", PESKY_NOTES[k % PESKY_NOTES.len()]);
            b.email_out(9.0, 0, pesky(0), None);
            b.email_out(8.5, 0, pesky(1), None);
            b.call(7.5, 0, Outcome::NoAnswer);
            b.email_out(5.0, 0, pesky(2), None);
            b.email_out(4.5, 0, pesky(2), None);
            b.email_out(2.0, 0, pesky(3), None);
        }
        SingleThreaded => {
            b.meeting(3.0, 0, "demo with the day-to-day user");
            b.reply(1.0, 0, "Looks good to me, I'll keep you posted.");
            b.next_step("second demo", Some(5.0), true, 1.0);
        }
        TooGoodToBeTrue => {
            b.rec.facts.retain(|f| {
                !matches!(
                    f.kind,
                    FactKind::Competitor | FactKind::Price | FactKind::SetupQuestion
                )
            });
            b.meeting(3.0, 1, "proposal review: very enthusiastic");
            b.reply(1.0, 1, "This is exactly what we need, send the contract.");
            b.next_step("contract review", Some(4.0), true, 1.0);
        }
        NoNeed => {
            b.rec.facts.retain(|f| f.kind != FactKind::WhyNow);
            b.meeting(4.0, 1, "discovery follow-up");
            b.reply(2.0, 0, "Happy to keep talking.");
            b.next_step("scoping workshop", Some(6.0), true, 2.0);
        }
        Stalled => {
            b.meeting(3.0, 1, "another discovery session");
            b.next_step("scoping workshop", Some(6.0), true, 3.0);
        }
        CloseSlipping => {
            let today = date_of(now);
            let d = |n: i64| today.saturating_add(jiff::Span::new().days(n));
            b.rec.close_date_history = vec![
                CloseDateChange {
                    from: None,
                    to: d(-40),
                    at: b.ago(70.0),
                },
                CloseDateChange {
                    from: Some(d(-40)),
                    to: d(-20),
                    at: b.ago(42.0),
                },
                CloseDateChange {
                    from: Some(d(-20)),
                    to: d(-5),
                    at: b.ago(21.0),
                },
            ];
            b.rec.deal.expected_close = Some(d(-5));
            b.meeting(6.0, 1, "negotiation call");
            b.next_step("final terms", None, false, 6.0);
        }
        ContractLocked => {
            b.meeting(16.0, 0, "discovery follow-up");
            b.rec.contract = Some(Contract {
                vendor: "Fieldwise".into(),
                ends_on: date_of(now).saturating_add(jiff::Span::new().days(240)),
                notice_days: 60,
            });
            b.fact(
                FactKind::Context,
                "We're locked in with Fieldwise until the renewal next year",
                16.0,
            );
            b.value_touch(8.0, 0);
        }
        QuietBeyondNorm => {
            b.meeting(7.0, 1, "proposal walkthrough");
            b.reply(6.0, 0, "Thanks, reviewing internally.");
            b.next_step("decision call", Some(6.0), true, 6.0);
            b.value_touch(3.0, 0);
        }
        Won | LostToCompetitor | LostMissingFeature | Nurture => {
            b.meeting(5.0, 1, "final call");
            let at = b.ago(4.0);
            b.rec.deal.status = match scenario {
                Won => DealStatus::Won,
                Nurture => DealStatus::Nurture,
                _ => DealStatus::Lost,
            };
            match scenario {
                LostToCompetitor => {
                    b.rec.deal.loss = Some(Loss {
                        reason: LostReason::Competitor,
                        note: Some("went with Fieldwise on price".into()),
                        at,
                    })
                }
                LostMissingFeature => {
                    b.rec.deal.loss = Some(Loss {
                        reason: LostReason::MissingFeature,
                        note: Some("needed SSO before IT would sign off".into()),
                        at,
                    });
                    b.rec.needed_features = vec![
                        NeededFeature {
                            feature: "SSO".into(),
                            why: Some("IT won't approve any tool without single sign-on".into()),
                        },
                        NeededFeature {
                            feature: "Salesforce sync".into(),
                            why: Some("reps live in Salesforce".into()),
                        },
                    ];
                }
                Nurture => {
                    b.rec.deal.resurface_on =
                        Some(date_of(now).saturating_add(jiff::Span::new().days(60)))
                }
                _ => {}
            }
        }
    }
    b.rec.activities.sort_by_key(|a| a.at);
    b.rec
}
