//! The real-mail evaluation runs on the committed set and on another directory of the same
//! layout, and its figures add up. The targets are not asserted: they say how far the reader
//! is from reading real mail right, not whether the harness works.

mod common;

use common::Rk;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn set_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/realmail")
}

fn manifest(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn count(v: &Value) -> usize {
    v.as_u64().unwrap() as usize
}

fn sum(map: &Value) -> usize {
    map.as_object().unwrap().values().map(count).sum()
}

/// Every figure is consistent with the labels and with the other figures.
fn check_consistent(real: &Value, labels: &[Value]) {
    let n = labels.len();
    assert_eq!(count(&real["messages"]), n);
    assert_eq!(real["outcomes"].as_array().unwrap().len(), n);
    assert_eq!(sum(&real["labelled"]), n);
    let labelled = real["labelled"].as_object().unwrap();
    for (kind, read) in real["read_as"].as_object().unwrap() {
        assert_eq!(sum(read), count(&labelled[kind]), "{kind}");
    }
    let replies = labels.iter().filter(|l| l["kind"] == "reply").count();
    assert_eq!(count(&real["real_replies"]), replies);
    assert_eq!(count(&real["reply_detection"]["labelled"]), replies);
    let read_intents: usize = real["intents"].as_object().unwrap().values().map(sum).sum();
    assert_eq!(read_intents, replies);
    let autos = labels.iter().filter(|l| l["kind"] == "auto_reply").count();
    assert_eq!(count(&real["auto_reply_detection"]["labelled"]), autos);
    let failed: usize = labels
        .iter()
        .map(|l| l["failed"].as_array().map_or(0, |f| f.len()))
        .sum();
    assert_eq!(count(&real["bounce_detection"]["labelled"]), failed);
    let dated = labels
        .iter()
        .filter(|l| l["kind"] == "auto_reply" && l["returns_on"].is_string())
        .count();
    assert_eq!(count(&real["return_dates_labelled"]), dated);
    assert!(count(&real["return_dates_exact"]) <= dated);
    let moves = count(&real["moves"]);
    assert_eq!(
        count(&real["right_moves"]) + count(&real["false_moves"]),
        moves
    );
    let outcomes = real["outcomes"].as_array().unwrap();
    assert_eq!(
        outcomes.iter().filter(|o| o["moved"] == true).count(),
        moves
    );
    let per_100 = real["false_moves_per_100_replies"].as_f64().unwrap();
    let expected = if replies == 0 {
        0.0
    } else {
        100.0 * count(&real["false_moves"]) as f64 / replies as f64
    };
    assert!((per_100 - expected).abs() < 1e-9);
    for detection in [
        "reply_detection",
        "auto_reply_detection",
        "bounce_detection",
    ] {
        let d = &real[detection];
        assert!(
            count(&d["correct"]) <= count(&d["predicted"]),
            "{detection}"
        );
        assert!(count(&d["correct"]) <= count(&d["labelled"]), "{detection}");
        for figure in ["precision", "recall", "f1"] {
            let f = d[figure].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&f), "{detection} {figure}: {f}");
        }
    }
    for share in ["moves_right", "own_words_kept", "quoted_words_dropped"] {
        let f = real[share].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&f), "{share}: {f}");
    }
    // Every bounce mistake is listed on its message: the addresses marked but not labelled
    // failed, and those labelled failed but not marked.
    let listed = |field: &str| -> usize {
        outcomes
            .iter()
            .map(|o| o[field].as_array().map_or(0, |a| a.len()))
            .sum()
    };
    let bounces = &real["bounce_detection"];
    assert_eq!(
        listed("false_bounces"),
        count(&bounces["predicted"]) - count(&bounces["correct"])
    );
    assert_eq!(
        listed("missed_bounces"),
        count(&bounces["labelled"]) - count(&bounces["correct"])
    );
    let read_as_reply = outcomes.iter().filter(|o| o["read_as"] == "reply").count();
    assert_eq!(count(&real["reply_detection"]["predicted"]), read_as_reply);
    for (o, l) in outcomes.iter().zip(labels) {
        assert_eq!(o["file"], l["file"]);
        assert_eq!(o["kind"], l["kind"]);
    }
}

#[test]
fn the_committed_set_runs_and_its_figures_add_up() {
    let dir = set_dir();
    let labels = manifest(&dir);
    assert!(labels.len() >= 100, "{} messages", labels.len());
    for l in &labels {
        assert!(dir.join(l["file"].as_str().unwrap()).exists(), "{l}");
        assert!(l["source"].is_string(), "{l}: no source");
        if l["kind"] == "reply" {
            assert!(l["own_text"].is_string() && l["intent"].is_string(), "{l}");
        }
    }
    let rk = Rk::new();
    let out = rk.json(&["replies", "eval"]);
    let real = &out["real mail"];
    assert_eq!(count(&real["errors"]), 0, "{}", real["outcomes"]);
    check_consistent(real, &labels);
    // The reader's own sets are still reported beside it.
    assert!(out["labelled_cross_validated"]["classes"].is_array());
    assert!(out["holdout"]["classes"].is_array());
}

#[test]
fn another_directory_runs_with_the_same_command_and_the_false_move_rate_comes_first() {
    let src = set_dir();
    let labels = manifest(&src);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("messages")).unwrap();
    // One of each kind there is.
    let mut picked: Vec<Value> = Vec::new();
    for kind in ["reply", "auto_reply", "bounce", "list"] {
        if let Some(l) = labels.iter().find(|l| l["kind"] == kind) {
            picked.push(l.clone());
        }
    }
    let mut lines = String::new();
    for l in &picked {
        let file = l["file"].as_str().unwrap();
        std::fs::copy(src.join(file), tmp.path().join(file)).unwrap();
        lines += &format!("{l}\n");
    }
    std::fs::write(tmp.path().join("manifest.jsonl"), lines).unwrap();
    let dir = tmp.path().to_str().unwrap();

    let rk = Rk::new();
    let out = rk.json(&["replies", "eval", "--realmail", dir]);
    check_consistent(&out["real mail"], &picked);

    let text = rk.run(&["replies", "eval", "--realmail", dir]);
    assert!(text.status.success());
    let stdout = String::from_utf8(text.stdout).unwrap();
    let mut first = stdout.lines();
    assert!(first.next().unwrap().starts_with("real mail ("), "{stdout}");
    assert!(
        first
            .next()
            .unwrap()
            .trim_start()
            .starts_with("false moves:"),
        "{stdout}"
    );
}

#[test]
fn a_bad_manifest_is_an_error_that_names_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("manifest.jsonl"),
        "{\"file\": \"a.eml\", \"kind\": \"newsletter\"}\n",
    )
    .unwrap();
    let rk = Rk::new();
    let err = rk.fails(&[
        "replies",
        "eval",
        "--realmail",
        tmp.path().to_str().unwrap(),
    ]);
    assert!(err.contains("line 1"), "{err}");
}

#[test]
fn a_missing_or_unreadable_message_is_counted_not_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("manifest.jsonl"),
        "{\"file\": \"gone.eml\", \"kind\": \"reply\", \"own_text\": \"Yes\", \"intent\": \"unclear\"}\n\
         {\"file\": \"junk.eml\", \"kind\": \"other\"}\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("junk.eml"), [0u8; 64]).unwrap();
    let rk = Rk::new();
    let out = rk.json(&[
        "replies",
        "eval",
        "--realmail",
        tmp.path().to_str().unwrap(),
    ]);
    let real = &out["real mail"];
    assert_eq!(count(&real["messages"]), 2);
    assert_eq!(count(&real["errors"]), 2);
    assert_eq!(count(&real["false_moves"]), 0);
}

#[test]
fn each_wrong_bounce_reading_is_listed_with_its_file() {
    let src = set_dir();
    let labels = manifest(&src);
    // A real bounce whose failed recipients are known, labelled with an address it does not
    // name: what it marks is a false bounce, the labelled address a missed one.
    let mut label = labels
        .iter()
        .find(|l| l["kind"] == "bounce" && l["failed"].as_array().is_some_and(|f| f.len() == 1))
        .unwrap()
        .clone();
    let file = label["file"].as_str().unwrap().to_string();
    let failed = label["failed"][0].as_str().unwrap().to_string();
    label["failed"] = serde_json::json!(["nobody@elsewhere.example"]);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("messages")).unwrap();
    std::fs::copy(src.join(&file), tmp.path().join(&file)).unwrap();
    std::fs::write(tmp.path().join("manifest.jsonl"), format!("{label}\n")).unwrap();
    let dir = tmp.path().to_str().unwrap();

    let rk = Rk::new();
    let out = rk.json(&["replies", "eval", "--realmail", dir]);
    let real = &out["real mail"];
    check_consistent(real, &[label.clone()]);
    let outcome = &real["outcomes"][0];
    assert_eq!(outcome["missed_bounces"][0], "nobody@elsewhere.example");
    assert!(
        outcome["false_bounces"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == failed.as_str()),
        "{outcome}"
    );

    let text = rk.run(&["replies", "eval", "--realmail", dir]);
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("false bounce") && l.contains(&file) && l.contains(&failed)),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.contains("missed bounce")
            && l.contains(&file)
            && l.contains("nobody@elsewhere.example")),
        "{stdout}"
    );
}
