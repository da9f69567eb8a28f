//! The scan benchmark: `rekindle scan` over a generated pipeline, timed end to end as a user
//! runs it (process start, SQLite read, engine, JSON out), with the process's peak memory.
//!
//!     cargo bench --bench scan                      # 100,000 deals, ~2,000,000 activities
//!     REKINDLE_BENCH_DEALS=10000 cargo bench --bench scan
//!
//! The database is generated once (seeded) and reused from target/bench-data.

use std::process::{Command, Stdio};
use std::time::Instant;

const NOW: &str = "2026-11-23T09:00:00Z";

fn rekindle() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rekindle"))
}

mod common;
use common::children_peak_mib;

fn main() {
    let deals: usize = std::env::var("REKINDLE_BENCH_DEALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let per_deal = 20;
    let db = common::pipeline_db(
        env!("CARGO_BIN_EXE_rekindle").as_ref(),
        deals as u64,
        per_deal,
        NOW,
    );
    let count = |table: &str| -> String {
        let out = Command::new("sqlite3")
            .arg(&db)
            .arg(format!("SELECT COUNT(*) FROM {table}"))
            .output();
        out.ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|| "?".into())
    };
    println!(
        "database: {} ({} deals, {} activities)",
        db.display(),
        count("deals"),
        count("activities")
    );

    let mut times = Vec::new();
    for run in 0..3 {
        let started = Instant::now();
        let status = rekindle()
            .args(["scan", "--all", "--json", "--now", NOW, "--db"])
            .arg(&db)
            .stdout(Stdio::null())
            .status()
            .expect("run rekindle scan");
        assert!(status.success(), "scan failed");
        let secs = started.elapsed().as_secs_f64();
        println!("scan --all --json run {}: {secs:.2}s", run + 1);
        times.push(secs);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "scan: median {:.2}s, best {:.2}s, peak memory {:.0} MiB",
        times[1],
        times[0],
        children_peak_mib()
    );
}
