//! CRM export files read as their CRMs write them: the dialect told from the bytes, the CRM and
//! the object from the headers, every row with its line, and the values in each file's shapes.

use rekindle_ingest::crm::values::{self, DateOrder, When};
use rekindle_ingest::crm::{Crm, Object, Sheet, detect};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/crm")
        .join(name)
}

fn rows(sheet: &mut Sheet) -> Vec<rekindle_ingest::crm::Row> {
    let mut out = Vec::new();
    while let Some(r) = sheet.next_row().expect("row") {
        out.push(r);
    }
    out
}

#[test]
fn every_fixture_is_detected_and_read_whole() {
    for (file, crm, object, count, delimiter, bom) in [
        (
            "hubspot-crm-exports-all-deals-2025-03-05.csv",
            Crm::HubSpot,
            Object::Deals,
            4,
            b',',
            false,
        ),
        (
            "hubspot-crm-exports-all-contacts-2025-03-05-excel-resaved.csv",
            Crm::HubSpot,
            Object::Contacts,
            4,
            b',',
            false,
        ),
        (
            "Opportunity.csv",
            Crm::Salesforce,
            Object::Deals,
            3,
            b',',
            true,
        ),
        (
            "Task-dataloader-export.csv",
            Crm::Salesforce,
            Object::Activities,
            3,
            b',',
            true,
        ),
        (
            "pipedrive-deals-export.csv",
            Crm::Pipedrive,
            Object::Deals,
            3,
            b',',
            false,
        ),
        (
            "pipedrive-activities-export-excel-de.csv",
            Crm::Pipedrive,
            Object::Activities,
            3,
            b';',
            false,
        ),
    ] {
        let mut sheet = Sheet::open(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(detect(&sheet.headers, None), Ok((crm, object)), "{file}");
        assert_eq!(sheet.dialect.delimiter, delimiter, "{file}");
        assert_eq!(sheet.dialect.bom, bom, "{file}");
        assert!(
            !sheet.headers[0].starts_with('\u{feff}'),
            "{file}: the BOM is in the header"
        );
        let read = rows(&mut sheet);
        assert_eq!(read.len(), count, "{file}");
        for r in &read {
            assert_eq!(r.cells.len(), sheet.headers.len(), "{file} line {}", r.line);
        }
    }
}

#[test]
fn a_windows_1252_excel_re_save_reads_as_the_words_it_holds() {
    let mut sheet = Sheet::open(&fixture("pipedrive-activities-export-excel-de.csv")).unwrap();
    assert_eq!(sheet.dialect.encoding, encoding_rs::WINDOWS_1252);
    let read = rows(&mut sheet);
    let person = sheet.column("Activity - Contact person").unwrap();
    assert_eq!(read[0].cells[person], "Jürgen Krämer");
    let note = sheet.column("activity - note").unwrap();
    assert_eq!(
        read[0].cells[note],
        "Mailbox; Rückruf nach Baustellenbesuch"
    );
    let due = sheet.column("Activity - Due date").unwrap();
    assert_eq!(
        values::when(&read[0].cells[due], None),
        Ok(When::Day("2025-02-27".parse().unwrap()))
    );
    let subject = sheet.column("Activity - Subject").unwrap();
    assert!(read[2].cells[subject].contains("22.000,00 €"));
}

#[test]
fn a_quoted_line_break_keeps_the_row_whole_and_the_next_row_s_line_right() {
    let mut sheet = Sheet::open(&fixture("Opportunity.csv")).unwrap();
    let read = rows(&mut sheet);
    let description = sheet.column("Description").unwrap();
    assert_eq!(
        read[1].cells[description],
        "Pilot on 5 building sites.\nDecision after site visit."
    );
    assert_eq!(
        read.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![2, 3, 5]
    );
    let amount = sheet.column("AMOUNT").unwrap();
    let money = values::amount(&read[1].cells[amount], None, rekindle_core::Currency::USD).unwrap();
    assert_eq!(money.cents, 1_250_050);
    let created = sheet.column("CreatedDate").unwrap();
    assert_eq!(
        values::when(&read[0].cells[created], None),
        Ok(When::Instant("2024-11-04T09:12:31Z".parse().unwrap()))
    );
}

#[test]
fn excel_s_month_first_dates_are_read_in_the_column_s_order() {
    let mut sheet = Sheet::open(&fixture(
        "hubspot-crm-exports-all-contacts-2025-03-05-excel-resaved.csv",
    ))
    .unwrap();
    let read = rows(&mut sheet);
    let created = sheet.column("Create Date").unwrap();
    let column: Vec<&str> = read.iter().map(|r| r.cells[created].as_str()).collect();
    let order = values::infer_order(column.iter().copied()).unwrap();
    for v in &column {
        values::when(v, order.or(Some(DateOrder::Mdy))).unwrap_or_else(|e| panic!("{v}: {e}"));
    }
}

#[test]
fn bad_files_are_errors_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let e = Sheet::open(&empty).err().unwrap().to_string();
    assert!(e.contains("empty.csv") && e.contains("line 1"), "{e}");
    let footer = dir.path().join("report.csv");
    std::fs::write(
        &footer,
        "\"Opportunity Name\",\"Stage\",\"Close Date\",\"Amount\"\n\"Acme\",\"Prospecting\",\"3/1/2025\",\"$1,000\"\n\n\"Grand Totals (1 records)\",,,\"$1,000\"\n\"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved.\"\n",
    )
    .unwrap();
    let mut sheet = Sheet::open(&footer).unwrap();
    assert_eq!(
        detect(&sheet.headers, None),
        Ok((Crm::Salesforce, Object::Deals))
    );
    let read = rows(&mut sheet);
    assert_eq!(read.len(), 1);
    assert_eq!(sheet.footer.len(), 3, "{:?}", sheet.footer);
    assert_eq!(sheet.footer[0].0, 4);
}
