//! The dashboard under load: `rekindle serve` over a generated pipeline in one process, this
//! bench as the load generator in another, on loopback. For each route, 32 clients (threads,
//! each with its own keep-alive connection) send requests back to back for a fixed time; the
//! bench reports requests per second and the latency percentiles it measured.
//!
//!     cargo bench --bench serve                      # 100,000 deals, ~2,000,000 activities
//!     REKINDLE_BENCH_DEALS=10000 cargo bench --bench serve
//!     REKINDLE_BENCH_SECONDS=20 REKINDLE_BENCH_CLIENTS=32 cargo bench --bench serve
//!
//! The database is generated once (seeded) into target/bench-data and shared with the scan
//! bench. The server starts with `--now` fixed, so every run assesses the same moment; the
//! time to the first answer (which refreshes the assessments) is the cost of a full refresh.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-23T09:00:00Z";

mod common;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rekindle() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rekindle"))
}

/// Kills the server when the bench ends, however it ends.
struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let deals = env_or("REKINDLE_BENCH_DEALS", 100_000);
    let seconds = env_or("REKINDLE_BENCH_SECONDS", 10);
    let clients = env_or("REKINDLE_BENCH_CLIENTS", 32) as usize;
    let per_deal = 20;
    let db = common::pipeline_db(
        env!("CARGO_BIN_EXE_rekindle").as_ref(),
        deals,
        per_deal,
        NOW,
    );
    let mut server = Child(
        rekindle()
            .args(["serve", "--addr", "127.0.0.1:0", "--now", NOW, "--db"])
            .arg(&db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start rekindle serve"),
    );
    let mut url = String::new();
    BufReader::new(server.0.stdout.take().expect("stdout"))
        .read_line(&mut url)
        .expect("the server's URL");
    let url = url.trim().trim_end_matches('/').to_string();
    let agent = || -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(600)))
            .build()
            .into()
    };

    let started = Instant::now();
    let first = agent()
        .get(&format!("{url}/"))
        .call()
        .expect("first answer");
    println!(
        "database: {} ({deals} deals); first answer (assessments refreshed) in {:.2}s, status {}",
        db.display(),
        started.elapsed().as_secs_f64(),
        first.status()
    );
    // A deal near the middle: every id from D1 to D{deals} exists in the generated pipeline.
    let deal = format!("D{}", deals / 2 + 1);
    let routes = [
        ("Today", "/".to_string()),
        (
            "Pipeline, filtered and paged",
            "/pipeline?stage=discovery&state=dark&view=list".to_string(),
        ),
        ("Deal page", format!("/deals/{deal}")),
        ("GET /api/v1/deals/{id}", format!("/api/v1/deals/{deal}")),
    ];
    println!("{clients} clients, {seconds}s per route");
    println!("| route | requests/s | p50 ms | p99 ms | max ms | errors |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (name, path) in routes {
        let target = format!("{url}{path}");
        let barrier = Arc::new(Barrier::new(clients));
        let until = Duration::from_secs(seconds);
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let (target, barrier, agent) = (target.clone(), barrier.clone(), agent());
                std::thread::spawn(move || {
                    let mut times = Vec::new();
                    let mut errors = 0usize;
                    barrier.wait();
                    let begin = Instant::now();
                    while begin.elapsed() < until {
                        let t = Instant::now();
                        match agent.get(&target).call() {
                            Ok(mut r) if r.status() == 200 => {
                                let _ = r.body_mut().read_to_vec();
                                times.push(t.elapsed());
                            }
                            _ => errors += 1,
                        }
                    }
                    (times, errors)
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut errors = 0;
        for h in handles {
            let (t, e) = h.join().expect("client thread");
            all.extend(t);
            errors += e;
        }
        all.sort();
        println!(
            "| {name} | {:.0} | {:.1} | {:.1} | {:.1} | {errors} |",
            all.len() as f64 / seconds as f64,
            ms(percentile(&all, 0.5)),
            ms(percentile(&all, 0.99)),
            ms(all.last().copied().unwrap_or_default()),
        );
    }
    drop(server);
    println!("server peak memory {:.0} MiB", common::children_peak_mib());
}
