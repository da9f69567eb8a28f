//! Reply classification throughput: the labelled replies (short, as people answer a
//! follow-up) and the same replies inside longer messages (three neutral sentences after each,
//! about 400 characters), classified over and over on one core.
//!
//!     cargo bench -p rekindle-core --bench replies

use rekindle_core::reply::classify;
use rekindle_core::reply::eval::{HOLDOUT, SET, parse_set, sent_on};
use std::time::{Duration, Instant};

fn measure(name: &str, texts: &[(String, Option<rekindle_core::PlayKind>)]) {
    let sent = sent_on();
    // Warm the lazily built patterns.
    for (t, c) in texts {
        std::hint::black_box(classify(t, *c, sent));
    }
    let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
    let mut runs = 0usize;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        for (t, c) in texts {
            std::hint::black_box(classify(std::hint::black_box(t), *c, sent));
        }
        runs += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let replies = (runs * texts.len()) as f64;
    println!(
        "{name}: {} replies averaging {} bytes: {:.0} replies/s ({:.1} µs each, {:.1} MB/s)",
        texts.len(),
        bytes / texts.len(),
        replies / seconds,
        seconds / replies * 1e6,
        (runs * bytes) as f64 / seconds / 1e6
    );
}

fn main() {
    let mut set = parse_set(SET).expect("the evaluation set parses");
    set.extend(parse_set(HOLDOUT).expect("the holdout set parses"));
    let short: Vec<_> = set.iter().map(|e| (e.text.clone(), e.context)).collect();
    let padding = " We had a long week with the quarterly review and the team offsite. \
        The weather has been awful and half the office is out with a cold. \
        Anyway, I wanted to get back to you on this before the weekend.";
    let long: Vec<_> = set
        .iter()
        .map(|e| (format!("{}{padding}{padding}", e.text), e.context))
        .collect();
    measure("as written", &short);
    measure("in longer messages", &long);
}
