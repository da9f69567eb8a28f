//! `rekindle`: find sales deals going dark and bring them back. This binary parses flags and
//! wires the store to the engine; the logic lives in `rekindle_core`.

/// mimalloc as the allocator: the server's database threads allocate rows that its request
/// threads free, a pattern glibc's allocator serves with lock and consolidation work.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod engine;
mod files;
mod import;
mod outbox;
mod output;
mod realmail_eval;
mod record;
mod replies;
mod revive;
mod sync;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `rekindle scan | head` should end quietly when head closes the pipe, as Unix tools do;
    // Rust ignores SIGPIPE by default, which turns every later print into a panic.
    // SAFETY: restoring a signal's default action, before any other thread exists.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // clap quotes a refused value in its error: shown through `terminal_safe`, so a value
    // holding escape sequences cannot act on the terminal it is echoed to.
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            let safe = output::terminal_safe(&text);
            if e.use_stderr() {
                eprint!("{safe}");
            } else {
                print!("{safe}");
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    // Failures injected by the tests (`FAILPOINTS`); nothing in a normal build.
    let _failpoints = rekindle_store::failpoints_from_env();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    let json = cli.global.json;
    let db = output::db_path(&cli.global);
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            let said = describe_error(&e, &db);
            if json {
                eprintln!("{}", serde_json::json!({ "error": said }));
            } else {
                eprintln!("error: {}", output::terminal_safe(&said));
            }
            ExitCode::from(2)
        }
    }
}

/// An error as one line, each cause said once: a cause whose words the line already holds
/// (a wrapper that prints what it wraps) is left out. A failure about one input of the app
/// ends with the flag that gives it (`output::flag_for`). When the database file itself failed
/// under the command (`rekindle_store::file_failure`), the line names the file at `db` and
/// the way out.
fn describe_error(e: &anyhow::Error, db: &std::path::Path) -> String {
    let mut said = String::new();
    for cause in e.chain() {
        let words = cause.to_string();
        if said.contains(&words) {
            continue;
        }
        if !said.is_empty() {
            said.push_str(": ");
        }
        said.push_str(&words);
    }
    if let Some(input) = e
        .chain()
        .find_map(|c| c.downcast_ref::<rekindle_app::AppError>())
        .and_then(rekindle_app::AppError::input)
    {
        said = format!("{said}; {}", output::flag_for(input));
    }
    let path = db.display();
    match e.chain().find_map(rekindle_store::file_failure) {
        Some(rekindle_store::FileFailure::Damaged) => format!(
            "the database at {path} is damaged ({said}); the command stopped. `rekindle check` lists the damage; restore a backup, or recover what is readable with `sqlite3 {path} .recover | sqlite3 recovered.db`"
        ),
        Some(rekindle_store::FileFailure::Full) => format!(
            "no space left on the disk holding {path} ({said}); the command stopped. Free some space and run it again"
        ),
        Some(rekindle_store::FileFailure::Io) => format!(
            "the disk holding {path} failed to read or write it ({said}); the command stopped. Check the disk, then run `rekindle check`"
        ),
        None => said,
    }
}

async fn run(cli: args::Cli) -> anyhow::Result<ExitCode> {
    use args::Command::*;
    let g = cli.global;
    match cli.command {
        Init(a) => record::init(&g, a).await,
        Backup { to } => record::backup(&g, &to).await,
        Check => record::check(&g).await,
        Demo(a) => engine::demo(&g, a).await,
        Deal(a) => record::deal(&g, a).await,
        Contact(a) => record::contact(&g, a).await,
        Log(a) => record::log(&g, a).await,
        Fact(a) => record::fact(&g, a).await,
        Commit(a) => record::commit(&g, a).await,
        Resolve(a) => record::resolve(&g, a).await,
        NextStep(a) => record::next_step(&g, a).await,
        Close(a) => record::close(&g, a).await,
        Policy(a) => record::policy(&g, a).await,
        Import(args::ImportCommand::Mail { paths, me }) => import::mail(&g, &paths, &me).await,
        Import(args::ImportCommand::Crm(a)) => import::crm(&g, a).await,
        Export(args::ExportCommand::Crm(a)) => import::crm_export(&g, a).await,
        Import(args::ImportCommand::Calendar { paths, me }) => {
            import::calendar(&g, &paths, &me).await
        }
        Sync(args::SyncCommand::Imap(a)) => sync::imap(&g, a).await,
        Sync(args::SyncCommand::Caldav(a)) => sync::caldav(&g, a).await,
        Scan(a) => engine::scan(&g, a).await,
        Today => engine::today(&g).await,
        Serve(a) => engine::serve(&g, a).await,
        Show(a) => engine::show(&g, a).await,
        Draft(a) => engine::draft(&g, a).await,
        Lint(a) => engine::lint(&g, a),
        Replies(a) => replies::run(&g, a).await,
        Outbox(a) => outbox::run(&g, a).await,
        Feature(a) => revive::feature(&g, a).await,
        Event(a) => revive::event(&g, a).await,
        Revive(a) => revive::revive(&g, a).await,
        Promo(args::PromoCommand::Add(a)) => revive::promo(&g, a).await,
    }
}
