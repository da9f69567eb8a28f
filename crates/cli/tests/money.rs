//! Amounts as people write them, read into cents in the right currency, or refused saying why
//! with nothing changed.

mod common;

use common::*;

fn add(rk: &Rk, amount: &str) -> std::process::Output {
    rk.run(&[
        "deal",
        "add",
        "--title",
        "Pilot",
        "--account",
        "Acme",
        "--owner",
        "Alex",
        "--stage",
        "proposal",
        "--amount",
        amount,
    ])
}

#[test]
fn a_bare_amount_is_in_the_currency_set_at_init_and_written_ones_keep_theirs() {
    let rk = Rk::new();
    let init = rk.json(&["init", "--currency", "eur"]);
    assert_eq!(init["currency"], "EUR");
    for amount in [
        "48.000",
        "€48.000,50",
        "48,000€",
        "48 000",
        "CHF 1'250.50",
        "48,5k",
    ] {
        assert!(add(&rk, amount).status.success(), "{amount}");
    }
    let list = rk.json(&["deal", "list"]);
    let amounts: Vec<(i64, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["amount"]["cents"].as_i64().unwrap(),
                d["amount"]["currency"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        amounts,
        [
            (4_800_000, "EUR"),
            (4_800_050, "EUR"),
            (4_800_000, "EUR"),
            (4_800_000, "EUR"),
            (125_050, "CHF"),
            (4_850_000, "EUR"),
        ]
    );
}

#[test]
fn an_unknown_currency_or_a_misgrouped_amount_is_refused_and_changes_nothing() {
    let rk = Rk::new();
    rk.json(&["init"]);
    let before = rk.snapshot();
    let err = rk.fails(&[
        "deal",
        "add",
        "--title",
        "Pilot",
        "--account",
        "Acme",
        "--owner",
        "Alex",
        "--stage",
        "proposal",
        "--amount",
        "48000 XYZ",
    ]);
    assert!(err.contains("ISO 4217") && err.contains("XYZ"), "{err}");
    let err = rk.fails(&[
        "deal",
        "add",
        "--title",
        "Pilot",
        "--account",
        "Acme",
        "--owner",
        "Alex",
        "--stage",
        "proposal",
        "--amount",
        "1,25,000",
    ]);
    assert!(err.contains("grouped in threes"), "{err}");
    let err = rk.fails(&["init", "--currency", "ZZZ"]);
    assert!(err.contains("currency"), "{err}");
    assert_eq!(rk.snapshot(), before);
    assert_eq!(rk.json(&["init"])["currency"], "USD");
}
