//! What the benchmarks share.

/// Peak resident memory of the largest child waited for so far, in MiB.
#[allow(dead_code)]
pub fn children_peak_mib() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a plain struct we own.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss as f64 / 1024.0
}

/// The generated pipeline the scan and serve benches share: `deals` deals of about `per_deal`
/// activities each, at `now`, seeded, in `target/bench-data` (made once, then reused).
#[allow(dead_code)]
pub fn pipeline_db(
    rekindle: &std::path::Path,
    deals: u64,
    per_deal: u64,
    now: &str,
) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data folder");
    let db = dir.join(format!("scan-{deals}x{per_deal}.db"));
    if !db.exists() {
        eprintln!("generating {deals} deals into {} ...", db.display());
        let started = std::time::Instant::now();
        let status = std::process::Command::new(rekindle)
            .args(["demo", "--load-only", "--deals", &deals.to_string()])
            .args([
                "--activities-per-deal",
                &per_deal.to_string(),
                "--now",
                now,
                "--db",
            ])
            .arg(&db)
            .status()
            .expect("run rekindle demo");
        assert!(status.success(), "generation failed");
        eprintln!("generated in {:.1}s", started.elapsed().as_secs_f64());
    }
    db
}

/// Peak resident memory of this process so far, in MiB.
#[allow(dead_code)]
pub fn own_peak_mib() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a plain struct we own.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss as f64 / 1024.0
}
