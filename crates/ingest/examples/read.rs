//! Reads a mail file and counts what the reader takes: the reader's own speed, without the
//! record. `cargo run --release -p rekindle-ingest --example read -- FILE`
fn main() {
    let path = std::env::args().nth(1).expect("a mail file");
    let started = std::time::Instant::now();
    let mut n = 0usize;
    let summary = rekindle_ingest::read(std::path::Path::new(&path), |_| n += 1).unwrap();
    let s = started.elapsed().as_secs_f64();
    println!(
        "{n} messages, {} bytes, {} skipped in {s:.2}s: {:.0} MB/s",
        summary.bytes,
        summary.skipped.len(),
        summary.bytes as f64 / 1e6 / s
    );
}
