//! Command-line flags. Every command takes `--json`, `--now` and `--db`.

use clap::{Args, Parser, Subcommand};
use rekindle_core::input;
use std::path::PathBuf;

// The value parsers clap calls: the checks are the core's (`rekindle_core::input`), shared with
// every other front-end; clap names the option, so only what was expected is kept.

/// Free text a record keeps (their words, notes): `input::text`.
fn text(s: &str) -> Result<String, String> {
    input::text("", s).map_err(|e| e.expected)
}

/// A name or title that ends up in a mail header or a table cell: `input::line`.
fn line(s: &str) -> Result<String, String> {
    input::line("", s).map_err(|e| e.expected)
}

/// `line`, or nothing at all (an optional summary left empty): `input::line_or_empty`.
fn line_or_empty(s: &str) -> Result<String, String> {
    input::line_or_empty("", s).map_err(|e| e.expected)
}

/// A feature's name as the rep writes it: `input::feature_name`.
fn feature_name(s: &str) -> Result<String, String> {
    input::feature_name("", s).map_err(|e| e.expected)
}

#[derive(Parser)]
#[command(
    name = "rekindle",
    version,
    about = "Find sales deals going dark and bring them back"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The heading every command's help lists the global options under, apart from its own.
const GLOBAL: &str = "Global options";

/// Options every command takes, listed under their own heading in each command's help.
#[derive(Args, Clone)]
pub struct Global {
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub json: bool,
    /// The moment to evaluate at (2026-11-23 or 2026-11-23T09:00:00Z); default: the clock.
    #[arg(long, global = true, value_name = "TIME", help_heading = GLOBAL)]
    pub now: Option<String>,
    /// The database file (default: $REKINDLE_DB, else ~/.local/share/rekindle/rekindle.db).
    #[arg(
        long,
        global = true,
        env = "REKINDLE_DB",
        value_name = "PATH",
        help_heading = GLOBAL
    )]
    pub db: Option<PathBuf>,
    /// A folder of message templates (value_add.txt, breakup.txt...) overriding the built-in ones:
    /// only PLAY.txt files, each a regular file of at most 64 KiB.
    #[arg(
        long,
        global = true,
        env = "REKINDLE_TEMPLATES",
        value_name = "DIR",
        help_heading = GLOBAL
    )]
    pub templates: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create the database (SQLite, nothing else to install).
    Init(InitArgs),
    /// Copy the database, consistent as of now, into a new file (safe while other commands run).
    Backup {
        /// Where the copy goes: a file that does not exist yet.
        to: PathBuf,
    },
    /// Check the database for damage; exits 1 when it finds any.
    Check,
    /// Load a realistic sample pipeline, scan it and draft the plays.
    Demo(DemoArgs),
    /// Add, list and update deals.
    #[command(subcommand)]
    Deal(DealCommand),
    /// Add contacts, mark do-not-contact, set their time zone.
    #[command(subcommand)]
    Contact(ContactCommand),
    /// Log a call, email, meeting, voicemail, social touch or note.
    Log(LogArgs),
    /// Record a discovery fact in the prospect's own words.
    Fact(FactArgs),
    /// Record a commitment (theirs or yours) with its due date.
    Commit(CommitArgs),
    /// Mark a commitment kept or broken.
    Resolve(ResolveArgs),
    /// Set the agreed next step.
    NextStep(NextStepArgs),
    /// Close a deal as won, lost (with a reason) or nurture, or reopen it.
    Close(CloseArgs),
    /// Show or change the cadence and thresholds (touch cap, spacing, stage limits...).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Capture activity from mail the rep already has.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Give results back to a CRM in files its own importer takes.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Capture activity from a mail server or a calendar server, picking up where the last sync
    /// stopped.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Every open deal: state, risk, top signals, next play.
    Scan(ScanArgs),
    /// Today's action list, most urgent first.
    Today,
    /// Serve the dashboard and the JSON API (http://127.0.0.1:7878 by default) on the database.
    /// Its outbox sends through the SMTP server `outbox send` remembered, with the password
    /// from $REKINDLE_SMTP_PASSWORD when that server needs a login.
    Serve(ServeArgs),
    /// One deal: record, timeline, signals with evidence, diagnosis, next action.
    Show(DealRef),
    /// Draft the message for the next (or a named) play.
    Draft(DraftArgs),
    /// Check a message's tone; exits 1 when it finds something.
    Lint(LintArgs),
    /// What replies were read as and what they changed; the rep's decisions; the classifier's
    /// figures.
    #[command(subcommand)]
    Replies(RepliesCommand),
    /// Messages drafted from plays: review, edit, approve, then send over SMTP or export as .eml.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Features prospects needed: record one shipping (and see who needed it), or teach a
    /// synonym.
    #[command(subcommand)]
    Feature(FeatureCommand),
    /// Trigger events at accounts (funding, promotions, new leaders...) and the deals they
    /// reopen.
    #[command(subcommand)]
    Event(EventCommand),
    /// Lost and dark deals worth coming back to, ranked, with the reason for each rank; the
    /// rest are left buried.
    Revive(ReviveArgs),
    /// Promotions (a discount, free onboarding, flexible billing) for deals that were on the
    /// verge: the deals that qualify, with drafts.
    #[command(subcommand)]
    Promo(PromoCommand),
}

#[derive(Subcommand)]
pub enum PromoCommand {
    /// Record a promotion and see the deals that qualify.
    Add(PromoArgs),
}

#[derive(Args)]
pub struct PromoArgs {
    #[arg(long, value_parser = line)]
    pub name: String,
    /// discount, free_onboarding or flexible_billing.
    #[arg(long)]
    pub kind: String,
    /// The offer in the words the message will use ("20% off the first year").
    #[arg(long, value_parser = line)]
    pub offer: String,
    /// The first day (default: --now).
    #[arg(long)]
    pub from: Option<String>,
    /// The last day.
    #[arg(long)]
    pub until: String,
    /// Only deals that got at least this far.
    #[arg(long)]
    pub min_stage: Option<String>,
    /// Only deals lost for these reasons (default: budget, timing, no_decision, unresponsive).
    #[arg(long = "lost-reason")]
    pub lost_reasons: Vec<String>,
    /// Only deals at least this size (an amount as `deal add --amount` takes it).
    #[arg(long)]
    pub min_amount: Option<String>,
    /// Only deals at most this size.
    #[arg(long)]
    pub max_amount: Option<String>,
    /// Put the drafts in the outbox for review.
    #[arg(long)]
    pub queue: bool,
}

#[derive(Subcommand)]
pub enum FeatureCommand {
    /// A feature shipped: every lost or dark deal that needed it, ranked, with a product-update
    /// draft quoting why it mattered to them.
    Shipped {
        #[arg(value_parser = feature_name)]
        name: String,
        /// The day it shipped (default: --now).
        #[arg(long)]
        on: Option<String>,
        /// Put the drafts in the outbox for review.
        #[arg(long)]
        queue: bool,
    },
    /// File another name under a feature ("SAML login" under sso).
    Alias {
        /// The feature (or any name already filed under it).
        #[arg(value_parser = feature_name)]
        name: String,
        /// The other name to file under it.
        #[arg(value_parser = feature_name)]
        synonym: String,
    },
}

#[derive(Subcommand)]
pub enum EventCommand {
    /// Record a trigger event: the deals it reopens, with drafts.
    Add(EventArgs),
    /// Trigger events from a CSV file (account,contact,kind,date,source,note); all or none,
    /// and importing the same file again adds nothing.
    Import { file: PathBuf },
}

#[derive(Args)]
pub struct EventArgs {
    #[arg(long, value_parser = line)]
    pub account: String,
    /// The person it concerns (id, email or name), for a promotion or a hire.
    #[arg(long)]
    pub contact: Option<String>,
    /// funding, promotion, key_hire, leadership_change, acquisition, expansion or news.
    #[arg(long)]
    pub kind: String,
    /// When it happened (default: --now).
    #[arg(long)]
    pub on: Option<String>,
    /// Where it was learned: a link, a newsletter, a call.
    #[arg(long, value_parser = line)]
    pub source: String,
    #[arg(long, value_parser = text)]
    pub note: Option<String>,
    /// Put the drafts in the outbox for review.
    #[arg(long)]
    pub queue: bool,
}

#[derive(Args)]
pub struct ReviveArgs {
    /// Also list the deals to leave buried.
    #[arg(long)]
    pub all: bool,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Draft the message for each candidate listed.
    #[arg(long)]
    pub drafts: bool,
    /// Draft the message for each candidate listed and put the drafts in the outbox for
    /// review (a message already waiting there is not queued again).
    #[arg(long)]
    pub queue: bool,
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Draft the deal's next play (or --play) into the outbox, threaded into the conversation.
    Add {
        deal: String,
        #[arg(long)]
        play: Option<String>,
    },
    /// What is in the outbox (--all: sent and cancelled too).
    List {
        #[arg(long)]
        all: bool,
    },
    /// One message, whole.
    Show { id: String },
    /// Replace a message's subject or text (it must pass the tone check); it goes back to draft.
    /// Without --subject or --body-file, opens $EDITOR.
    Edit {
        id: String,
        #[arg(long)]
        subject: Option<String>,
        /// The new text: a regular file, or - for standard input; at most 1 MiB.
        #[arg(long, value_name = "FILE")]
        body_file: Option<PathBuf>,
    },
    /// Approve messages for sending.
    Approve {
        ids: Vec<String>,
        /// Every draft.
        #[arg(long)]
        all: bool,
    },
    /// Take a message out of the outbox.
    Cancel { id: String },
    /// Send what is approved and due, checking each message again first.
    Send(SendArgs),
    /// Write a message as a .eml file, to send from your own mail program.
    Export {
        id: String,
        /// A file, or a folder (the file is named after the message).
        #[arg(long)]
        to: PathBuf,
    },
    /// Settle a message left in doubt by an interrupted send: it went out, or send it again.
    Confirm {
        id: String,
        #[arg(long, conflicts_with = "resend", required_unless_present = "resend")]
        sent: bool,
        #[arg(long)]
        resend: bool,
    },
}

#[derive(Args)]
pub struct SendArgs {
    /// The SMTP server (remembered).
    #[arg(long)]
    pub host: Option<String>,
    /// The port (default 465 with tls, 587 with starttls).
    #[arg(long)]
    pub port: Option<u16>,
    /// tls (default), starttls, or plain (only for a server on this machine).
    #[arg(long)]
    pub security: Option<String>,
    /// The login name (remembered); none: no login.
    #[arg(long)]
    pub user: Option<String>,
    /// A PEM file of certificates to trust besides the public roots (remembered).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// The address messages come from (remembered; default: your first address).
    #[arg(long)]
    pub from: Option<String>,
    /// The name shown with it (remembered).
    #[arg(long, value_parser = line)]
    pub name: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Say what would be sent, held or refused; no message changes. The connection settings
    /// given are remembered, as by a real run.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Subcommand)]
pub enum RepliesCommand {
    /// Readings waiting for the rep (questions, unclear answers, uncertain ones), newest first.
    List {
        /// Every reading, not only those waiting.
        #[arg(long)]
        all: bool,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// The rep decides what a reply meant: the earlier decision is undone, this one applied.
    Decide(DecideArgs),
    /// Read a reply's text (a file, or - for standard input) and say what it means.
    Classify {
        file: PathBuf,
        /// The play the message it answers carried (breakup, accountability...).
        #[arg(long)]
        context: Option<String>,
        /// The day it was sent, to place the dates it names (default: --now).
        #[arg(long)]
        sent: Option<String>,
    },
    /// The real-mail figures (false moves first), then per-class precision and recall on the
    /// labelled evaluation set (or --file).
    Eval {
        #[arg(long)]
        file: Option<PathBuf>,
        /// A directory of labelled real mail (.eml files and manifest.jsonl) to evaluate
        /// instead of the committed one.
        #[arg(long, value_name = "DIR")]
        realmail: Option<PathBuf>,
        /// Audit the cue word lists instead: every pattern with the lines it matches in each
        /// labelled set, flagging those that match at most one line of the set they were
        /// written from or read as a whole sentence.
        #[arg(long, conflicts_with_all = ["file", "realmail"])]
        cues: bool,
    },
}

#[derive(Args)]
pub struct DecideArgs {
    /// The reading (R12).
    pub reading: String,
    /// What the reply means: revive, lost, later, out_of_office, referral, stop, question,
    /// unclear.
    #[arg(long = "as")]
    pub class: String,
    /// For lost: the reason (competitor, budget, timing, not_a_priority...).
    #[arg(long)]
    pub reason: Option<String>,
    /// For later: when to look again (a date after today); for out_of_office: when they are
    /// back.
    #[arg(long)]
    pub until: Option<String>,
    /// Needed to decide otherwise on a reply read as a request to stop contact: the stop is
    /// lifted (do-not-contact and the blocked address), so drafts and sends reach them again.
    #[arg(long)]
    pub lift_stop: bool,
}

#[derive(Args)]
pub struct InitArgs {
    /// Pipeline stages in order, comma-separated (default: qualified,discovery,demo,proposal,negotiation).
    /// On a database with deals, every stage a deal is in must stay, or be moved with
    /// --move-stage; otherwise nothing changes.
    #[arg(long, value_delimiter = ',')]
    pub stages: Option<Vec<String>>,
    /// With --stages: move the deals in stage OLD (and their stage history) to NEW, a stage of
    /// the new list, e.g. `--move-stage demo=evaluation`. Repeatable.
    #[arg(long = "move-stage", value_name = "OLD=NEW", requires = "stages")]
    pub move_stage: Vec<String>,
    /// The currency of amounts written without one (`--amount 48000`): an ISO 4217 code such
    /// as EUR (default USD). Amounts with a symbol or code (`€48,000`, `48.000 EUR`) keep theirs.
    #[arg(long)]
    pub currency: Option<String>,
}

#[derive(Args)]
pub struct DemoArgs {
    /// How many deals to generate: 1 to 1,000,000.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub deals: u32,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Pad each deal's history to about this many activities (0: natural length), 0 to 1,000;
    /// deals times activities at most 20,000,000 (a database of a few GB).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=1_000))]
    pub activities_per_deal: u32,
    /// Only load the data; skip the report.
    #[arg(long)]
    pub load_only: bool,
    /// Then serve the dashboard on the demo pipeline (as `rekindle serve`).
    #[arg(long, conflicts_with = "load_only")]
    pub serve: bool,
    #[command(flatten)]
    pub server: ServeArgs,
}

#[derive(Args, Clone)]
pub struct ServeArgs {
    /// The address to listen on (port 0 picks a free one; the URL is printed).
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "IP:PORT")]
    pub addr: std::net::SocketAddr,
    /// Allow an address other than loopback. The dashboard has no login yet: anyone who can
    /// reach the address can read and change the pipeline.
    #[arg(long)]
    pub allow_remote: bool,
}

#[derive(Subcommand)]
pub enum DealCommand {
    /// Add a deal.
    Add(DealAddArgs),
    /// List deals.
    List {
        /// open, won, lost or nurture (default: all).
        #[arg(long)]
        status: Option<String>,
    },
    /// Move a deal to another stage.
    Stage { deal: String, stage: String },
    /// Change the expected close date (the history of changes is kept).
    CloseDate { deal: String, date: String },
    /// Record the incumbent contract the prospect is locked into.
    Contract {
        deal: String,
        #[arg(long)]
        vendor: String,
        #[arg(long)]
        ends: String,
        #[arg(long, default_value_t = 30)]
        notice_days: i64,
    },
    /// Record a feature the prospect needed, and why.
    Need {
        deal: String,
        #[arg(value_parser = feature_name)]
        feature: String,
        #[arg(long, value_parser = text)]
        why: Option<String>,
    },
}

#[derive(Args)]
pub struct DealAddArgs {
    #[arg(long, value_parser = line)]
    pub title: String,
    #[arg(long, value_parser = line)]
    pub account: String,
    #[arg(long, value_parser = line)]
    pub domain: Option<String>,
    #[arg(long, value_parser = line)]
    pub owner: String,
    #[arg(long)]
    pub stage: String,
    /// The deal's size: 12000, 12,000.50, 48.000,50 EUR, €48,000, 48 000 EUR, $12k,
    /// CHF 1'250.50. Without a symbol or code, in the database's currency (`init --currency`).
    /// A negative amount is refused with the reason.
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Expected close date.
    #[arg(long)]
    pub close: Option<String>,
    /// When the deal was opened, for a deal entered after the fact (default: --now). Its stage
    /// clock starts then.
    #[arg(long)]
    pub created: Option<String>,
}

#[derive(Subcommand)]
pub enum ContactCommand {
    /// Add a contact at an account (or at a deal's account).
    Add(ContactAddArgs),
    /// Mark a contact do-not-contact (or clear it with --off).
    Dnc {
        contact: String,
        #[arg(long)]
        off: bool,
    },
    /// Set a contact's time zone (Europe/Berlin...), or clear it with --off.
    TimeZone {
        contact: String,
        zone: Option<String>,
        #[arg(long, conflicts_with = "zone")]
        off: bool,
    },
}

#[derive(Args)]
pub struct ContactAddArgs {
    #[arg(long, required_unless_present = "deal", value_parser = line)]
    pub account: Option<String>,
    #[arg(long, conflicts_with = "account")]
    pub deal: Option<String>,
    #[arg(long, value_parser = line)]
    pub name: String,
    #[arg(long)]
    pub email: Vec<String>,
    #[arg(long, value_parser = line)]
    pub title: Option<String>,
    /// decision_maker, champion, influencer, user or gatekeeper.
    #[arg(long)]
    pub role: Option<String>,
    #[arg(long)]
    pub dnc: bool,
    /// Their time zone (Europe/Berlin...): messages reach them in working hours.
    #[arg(long)]
    pub time_zone: Option<String>,
}

#[derive(Args)]
pub struct LogArgs {
    /// call, email, meeting, voicemail, social or note.
    pub kind: String,
    pub deal: String,
    /// Contact id, email or name.
    #[arg(long)]
    pub contact: Option<String>,
    /// in or out (default: out).
    #[arg(long, default_value = "out")]
    pub direction: String,
    /// connected, no_answer, voicemail_left, replied, wrote, bounced, auto_reply, meeting_held, no_show, sent.
    #[arg(long)]
    pub outcome: Option<String>,
    #[arg(long, default_value = "", value_parser = line_or_empty)]
    pub summary: String,
    /// The message text, from a regular file or - for standard input; at most 1 MiB.
    #[arg(long)]
    pub body_file: Option<PathBuf>,
    /// When it happened (default: --now).
    #[arg(long)]
    pub at: Option<String>,
    /// The play this message carried (breakup, accountability...).
    #[arg(long)]
    pub play: Option<String>,
    /// For an out-of-office answer: the day they are back (no touch is proposed before it).
    #[arg(long, value_name = "DATE")]
    pub back: Option<String>,
}

#[derive(Args)]
pub struct FactArgs {
    pub deal: String,
    /// problem, cost, impact, why_now, decision_process, competitor, price, setup_question, objection, context.
    pub kind: String,
    /// Their words.
    #[arg(value_parser = text)]
    pub text: String,
    #[arg(long, default_value = "rep notes", value_parser = line)]
    pub source: String,
    #[arg(long)]
    pub at: Option<String>,
    #[arg(long)]
    pub contact: Option<String>,
}

#[derive(Args)]
pub struct CommitArgs {
    pub deal: String,
    #[arg(long, value_parser = line)]
    pub what: String,
    #[arg(long)]
    pub due: String,
    /// prospect or rep.
    #[arg(long, default_value = "prospect")]
    pub by: String,
    #[arg(long, default_value = "rep notes", value_parser = line)]
    pub source: String,
}

#[derive(Args)]
pub struct ResolveArgs {
    pub commitment: String,
    #[arg(long, conflicts_with = "broken", required_unless_present = "broken")]
    pub kept: bool,
    #[arg(long)]
    pub broken: bool,
}

#[derive(Args)]
pub struct NextStepArgs {
    pub deal: String,
    #[arg(value_parser = line)]
    pub what: String,
    #[arg(long)]
    pub due: Option<String>,
    /// The prospect accepted a calendar invitation.
    #[arg(long)]
    pub booked: bool,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("outcome").required(true).multiple(false)))]
pub struct CloseArgs {
    pub deal: String,
    #[arg(long, group = "outcome")]
    pub won: bool,
    #[arg(long, group = "outcome", requires = "reason")]
    pub lost: bool,
    #[arg(long, group = "outcome")]
    pub nurture: bool,
    #[arg(long, group = "outcome")]
    pub reopen: bool,
    /// unresponsive, timing, budget, no_decision, competitor, missing_feature, no_value_seen, no_decision_maker, other.
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long, value_parser = text)]
    pub note: Option<String>,
    /// With --lost or --nurture: the date to look at it again (YYYY-MM-DD). Nothing proposes,
    /// drafts, sends or ranks a touch before it.
    #[arg(long, value_name = "DATE")]
    pub resurface: Option<String>,
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// .ics files or folders of them: meetings with a deal's contacts become booked next steps
    /// (ahead), meetings held (past) or cancellations (METHOD:CANCEL, STATUS:CANCELLED, every
    /// contact declined). Time zones by IANA or Windows name or the file's own VTIMEZONE. Every
    /// path is checked first. Re-importing adds nothing.
    Calendar {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Your own addresses; remembered for later imports.
        #[arg(long = "me", value_name = "ADDRESS")]
        me: Vec<String>,
    },
    /// mbox files (mboxo, mboxrd, mboxcl2), Maildirs (with Maildir++ sub-folders), Apple Mail
    /// exports (Name.mbox), message files (.eml, .emlx, .txt, no extension) or folders holding
    /// any of these, read recursively. Every path is checked first: one that cannot be read
    /// stops the import before anything changes. Re-importing adds nothing.
    Mail {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Your own addresses (they decide direction); remembered for later imports.
        #[arg(long = "me", value_name = "ADDRESS")]
        me: Vec<String>,
    },
    /// HubSpot, Salesforce or Pipedrive export files (.csv, or a .zip of them): deals,
    /// contacts, companies and activities, upserted by the CRM's ids (importing an updated
    /// export updates what changed, never duplicates, and reports what you changed here too).
    /// Any encoding Excel writes, `,` `;` or tab. Kept in batches as it goes: a failure
    /// part-way says up to which line it kept, and the same import again finishes it
    /// (`--strict` and `--dry-run` keep all or nothing). Exits 1 when a row was refused
    /// (listed with its file, line and column).
    Crm(CrmImportArgs),
}

#[derive(Args)]
pub struct CrmImportArgs {
    /// The export files (several at once: associations between them resolve).
    #[arg(required_unless_present = "init_mapping")]
    pub files: Vec<PathBuf>,
    /// hubspot, salesforce or pipedrive (default: told from the headers).
    #[arg(long, value_name = "CRM")]
    pub from: Option<String>,
    /// A mapping file, TOML or YAML (a name ending in .yaml or .yml): stages, owners, lost
    /// reasons, headers in another language, custom columns. `--init-mapping` writes one to
    /// start from.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Write the default mapping for the CRM (--from, or the files' CRM) to FILE and stop
    /// (YAML when FILE ends in .yaml or .yml, else TOML).
    #[arg(long, value_name = "FILE")]
    pub init_mapping: Option<PathBuf>,
    /// Keep nothing if any row is refused.
    #[arg(long)]
    pub strict: bool,
    /// Report what would change; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// When you and the CRM both changed a field since the last import: keep yours (local,
    /// the default) or take the CRM's (crm). Either way it is reported.
    #[arg(long, value_name = "SIDE", default_value = "local")]
    pub prefer: String,
}

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Every setting and its value.
    Show,
    /// Change one setting: `policy set touch_cap 4`, `policy set stage.demo.rot_days 10`.
    Set {
        key: String,
        /// The new value; a negative number is read as a value (and refused with the
        /// setting's range), not as an option.
        #[arg(allow_negative_numbers = true)]
        value: String,
    },
}

#[derive(Args)]
pub struct ScanArgs {
    /// Include healthy deals (default: only deals that need something).
    #[arg(long)]
    pub all: bool,
}

#[derive(Args)]
pub struct DealRef {
    pub deal: String,
}

#[derive(Args)]
pub struct DraftArgs {
    pub deal: String,
    /// value_add, objection_hunt, accountability, breakup, close_or_nurture, time_to_contract,
    /// knowledge_gap (the revival plays come from `rekindle revive`, `feature`, `event`, `promo`).
    #[arg(long)]
    pub play: Option<String>,
}

#[derive(Args)]
pub struct LintArgs {
    /// A file, or - for standard input.
    pub file: PathBuf,
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// The inbox and the sent folder over IMAP. Connection settings are remembered (never the
    /// password); a re-run fetches only what is new.
    Imap(ImapArgs),
    /// The calendars of a CalDAV account (server, principal, home or calendar URL): meetings
    /// with deal contacts, from a year back to half a year ahead. Settings are remembered
    /// (never the password).
    Caldav(CaldavArgs),
}

#[derive(Args)]
pub struct CaldavArgs {
    /// The server, principal, calendar home or calendar URL (remembered).
    #[arg(long)]
    pub url: Option<String>,
    /// The login name (remembered).
    #[arg(long)]
    pub user: Option<String>,
    /// A PEM file of certificates to trust instead of the public roots (remembered).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Your own addresses; remembered for later imports.
    #[arg(long = "me", value_name = "ADDRESS")]
    pub me: Vec<String>,
}

#[derive(Args)]
pub struct PasswordArgs {
    /// Read the password from this environment variable.
    #[arg(long, value_name = "VAR", conflicts_with = "password_file")]
    pub password_env: Option<String>,
    /// Read the password from the first line of this file.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct ImapArgs {
    /// The server's host name (remembered).
    #[arg(long)]
    pub host: Option<String>,
    /// The port (default 993 with tls, 143 otherwise).
    #[arg(long)]
    pub port: Option<u16>,
    /// tls (default), starttls, or plain (only for a server on this machine).
    #[arg(long, value_enum)]
    pub security: Option<ImapSecurity>,
    /// The login name (remembered).
    #[arg(long)]
    pub user: Option<String>,
    /// A PEM file of certificates to trust besides the public roots (remembered).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// The sent folder, when the server does not mark it (remembered).
    #[arg(long, value_name = "FOLDER")]
    pub sent: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Your own addresses (they decide direction); remembered for later imports.
    #[arg(long = "me", value_name = "ADDRESS")]
    pub me: Vec<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ImapSecurity {
    Tls,
    Starttls,
    Plain,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The next actions as tasks, the diagnosis of deals at risk as notes, and deals closed
    /// lost here as deal updates, for the deals that came from the CRM, associated by its ids;
    /// each exported once (what was exported before is skipped and said).
    Crm(CrmExportArgs),
}

#[derive(Args)]
pub struct CrmExportArgs {
    /// hubspot, salesforce or pipedrive.
    #[arg(long, value_name = "CRM")]
    pub to: String,
    /// What to export, comma-separated: tasks, notes, lost-reasons (default: all three).
    #[arg(long, value_name = "LIST", default_value = "tasks,notes,lost-reasons")]
    pub what: String,
    /// The folder the files go to (it must exist; no file in it is overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The mapping file the import used (`import crm --mapping`): its stages and lost reasons
    /// read backwards give the CRM's own closed-lost stage and lost-reason values.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
}
