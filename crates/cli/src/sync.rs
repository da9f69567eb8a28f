//! `rekindle sync imap` and `rekindle sync caldav`: the commands over `rekindle_app::sync`;
//! this module reads the flags and the password, and prints.

use crate::args::{CaldavArgs, Global, ImapArgs, ImapSecurity, PasswordArgs};
use crate::import::{Bar, summary_lines};
use crate::output::{now, open, report};
use anyhow::{Context, Result, bail};
use rekindle_app::Caller;
use rekindle_app::sync::{self, CaldavRequest, ImapRequest};
use rekindle_ingest::imap::Security;
use std::io::IsTerminal;
use std::process::ExitCode;

/// The password, from where the flags say; a prompt on a terminal otherwise. Never stored.
pub(crate) fn password(args: &PasswordArgs, account: &str) -> Result<String> {
    if let Some(var) = &args.password_env {
        return std::env::var(var).with_context(|| format!("--password-env: ${var} is not set"));
    }
    if let Some(path) = &args.password_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("--password-file {}", path.display()))?;
        let line = text.lines().next().unwrap_or("");
        if line.is_empty() {
            bail!(
                "--password-file {}: the first line is empty",
                path.display()
            );
        }
        return Ok(line.to_string());
    }
    if !std::io::stdin().is_terminal() {
        bail!("no password: give --password-env VAR or --password-file FILE");
    }
    Ok(rpassword::prompt_password(format!(
        "Password for {account}: "
    ))?)
}

pub async fn imap(g: &Global, args: ImapArgs) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    let request = ImapRequest {
        host: args.host,
        port: args.port,
        security: args.security.map(|s| match s {
            ImapSecurity::Tls => Security::Tls,
            ImapSecurity::Starttls => Security::Starttls,
            ImapSecurity::Plain => Security::Plain,
        }),
        user: args.user,
        ca_file: args.ca_file,
        sent: args.sent,
        me: args.me,
    };
    let mut ask = |account: &str| password(&args.password, account).map_err(|e| format!("{e:#}"));
    let mut bar = Bar::new(g.json);
    let summary =
        sync::sync_imap(&store, &Caller::local(), request, &mut ask, now, &mut bar).await?;
    report(g, &summary, || {
        let mut lines: Vec<String> = summary
            .folders
            .iter()
            .map(|f| {
                format!(
                    "{}/{}: {} new{}",
                    summary.account,
                    f.folder,
                    f.new_messages,
                    if f.renumbered {
                        " (the server renumbered the folder: read again from the start)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        lines.extend(summary_lines(&summary.import));
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn caldav(g: &Global, args: CaldavArgs) -> Result<ExitCode> {
    let store = open(g).await?;
    let now = now(g)?;
    let request = CaldavRequest {
        url: args.url,
        user: args.user,
        ca_file: args.ca_file,
        me: args.me,
    };
    let mut ask = |account: &str| password(&args.password, account).map_err(|e| format!("{e:#}"));
    let summary = sync::sync_caldav(&store, &Caller::local(), request, &mut ask, now).await?;
    report(g, &summary, || {
        let mut lines = vec![format!("Calendars: {}", summary.calendars.join(", "))];
        lines.extend(summary_lines(&summary.import));
        lines.join("\n")
    })?;
    Ok(ExitCode::SUCCESS)
}
