//! No stored value, however it got there, breaks a message's structure or makes date
//! arithmetic panic; every date input is held to one range.

mod common;
use common::*;
use rekindle_core::compose::Composer;
use rekindle_core::*;
use std::collections::BTreeMap;

#[test]
fn a_line_break_in_record_text_never_ends_the_subject_line() {
    let mut d = deal("proposal")
        .discovered()
        .engaged(15.0)
        .next_step("review the business case", Some(-10.0), false)
        .promise("run the numbers with finance", 9.0, CommitmentStatus::Open)
        .touch(7.0)
        .touch(4.0);
    d.0.deal.title = "Acme\r\nBcc: everyone@competitor.example\r\n\r\nfake body".into();
    let composer = Composer::new(&BTreeMap::new()).unwrap();
    for play in [PlayKind::Accountability, PlayKind::ObjectionHunt] {
        let draft = composer
            .draft(&d.0, &d.assess(), play, now(), &Policy::default())
            .unwrap();
        assert!(
            draft.subject.contains("Bcc: everyone@competitor.example")
                && !draft.subject.contains('\n'),
            "{play}: {:?}",
            draft.subject
        );
        assert!(
            !draft.body.lines().any(|l| l.starts_with("Bcc:")),
            "{play}: {}",
            draft.body
        );
    }
}

#[test]
fn huge_stored_day_counts_never_panic() {
    let mut d = deal("proposal").discovered().engaged(15.0).touch(4.0);
    d.0.contract = Some(Contract {
        vendor: "Incumbent".into(),
        ends_on: jiff::civil::date(2027, 1, 1),
        notice_days: i64::MAX,
    });
    d.0.deal.status = DealStatus::Lost;
    let assessment = d.assess();
    let _ = Composer::new(&BTreeMap::new()).unwrap().draft(
        &d.0,
        &assessment,
        PlayKind::TimeToContract,
        now(),
        &Policy::default(),
    );
    let policy = Policy {
        revive_fresh_days: i64::MAX,
        ..Policy::default()
    };
    let (catalogue, pipeline, revival) = (
        revival::Catalogue::built_in(),
        Policy::default().pipeline,
        policy.revival(),
    );
    let outlook = revival::Outlook {
        shipped: &[],
        promotions: &[],
        catalogue: &catalogue,
        pipeline: &pipeline,
        policy: &revival,
        now: now(),
    };
    let subject = revival::Subject {
        record: &d.0,
        dark: false,
    };
    let _ = revival::rank_one(&subject, &[], &outlook);
    assert_eq!(time::days(i64::MAX).get_days(), 7_304_484);
}

#[test]
fn every_date_input_is_held_to_one_range() {
    for ok in ["1900-01-01", "2199-12-31", "2026-11-23"] {
        assert!(time::parse_date("--due", ok).is_ok(), "{ok}");
        assert!(time::parse_instant("--now", ok).is_ok(), "{ok}");
    }
    for bad in [
        "9999-12-31",
        "9999-12-31T23:00:00Z",
        "9999-12-31 10:00",
        "1899-12-31",
        "2200-01-01T00:00:00Z",
        "0001-01-01",
    ] {
        let err = time::parse_instant("--now", bad).unwrap_err().to_string();
        assert!(
            err.contains("between 1900-01-01 and 2199-12-31"),
            "{bad}: {err}"
        );
    }
    assert!(time::parse_date("--due", "9999-12-31").is_err());
    // A date beyond the range of instants is never stored as another date.
    assert_eq!(
        time::start_of_day(jiff::civil::date(9999, 12, 31)),
        jiff::Timestamp::MAX
    );
}

/// A day a reply names in a year outside the accepted range is never read as the next such
/// day, nor as anything else: the reading carries no date from it and says it was not taken.
/// A year in range still places its day, and a day already past names nothing ahead.
#[test]
fn a_reply_naming_a_day_outside_the_range_carries_no_date_from_it() {
    use rekindle_core::reply::classify;
    let sent: jiff::civil::Date = "2026-11-20".parse().unwrap();
    for text in [
        "I am out of the office and back on 3 March 2350.",
        "Not now. Please come back to me in June 2201.",
        "Let's pick this up again on February 2nd, 1850.",
    ] {
        let r = classify(text, None, sent);
        assert_eq!(r.until, None, "{text}: {r:?}");
        assert!(
            r.evidence
                .iter()
                .any(|e| e.contains("outside 1900-01-01 to 2199-12-31")),
            "{text}: {:?}",
            r.evidence
        );
        if let Some(p) = &r.proposal {
            assert_eq!(p.on, None, "{text}: {r:?}");
        }
    }
    let r = classify("Not now. Please come back to me in June 2028.", None, sent);
    assert_eq!(r.until, Some("2028-06-01".parse().unwrap()), "{r:?}");
    let r = classify("Not now. We spoke in March 2020 already.", None, sent);
    assert_ne!(r.until, Some("2027-03-01".parse().unwrap()), "{r:?}");
}
