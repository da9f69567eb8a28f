//! CRM export files read as their CRMs write them: the dialect told from the bytes, the CRM and
//! the object from the headers, every row with its line, and the values in each file's shapes.

use rekindle_core::Currency;
use rekindle_ingest::crm::map::{Columns, Mapping, Settings};
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
        (
            "salesforce-contacts-report-mac-excel.csv",
            Crm::Salesforce,
            Object::Contacts,
            3,
            b',',
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
fn a_macroman_report_re_saved_by_mac_excel_reads_as_the_words_it_holds() {
    // Mac Excel's "CSV": MacRoman bytes, a bare CR ending each line, and the report's footer.
    let mut sheet = Sheet::open(&fixture("salesforce-contacts-report-mac-excel.csv")).unwrap();
    assert_eq!(sheet.dialect.encoding, encoding_rs::MACINTOSH);
    let read = rows(&mut sheet);
    assert_eq!(
        read.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![2, 3, 4],
        "a CR alone ends a line"
    );
    let first = sheet.column("First Name").unwrap();
    let last = sheet.column("Last Name").unwrap();
    let names: Vec<String> = read
        .iter()
        .map(|r| format!("{} {}", r.cells[first], r.cells[last]))
        .collect();
    assert_eq!(
        names,
        vec!["Françoise Lefèvre", "Øyvind Åström", "José Peña Núñez"]
    );
    let title = sheet.column("Title").unwrap();
    assert_eq!(read[1].cells[title], "Head of Procurement – Nordics");
    assert_eq!(sheet.footer.len(), 3, "{:?}", sheet.footer);
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
    let money = values::amount(
        &read[1].cells[amount],
        None,
        rekindle_core::Currency::USD,
        None,
    )
    .unwrap();
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
    // A NUL byte is named on its own line.
    let nul = dir.path().join("nul.csv");
    std::fs::write(&nul, "Record ID,Deal Name\n1,Alder\n2,Bi\0rch\n").unwrap();
    let e = Sheet::open(&nul).err().unwrap().to_string();
    assert!(
        e.contains("nul.csv") && e.contains("line 3") && e.contains("NUL"),
        "{e}"
    );
    // The same header twice for one field: which holds it cannot be told.
    let twice = dir.path().join("twice.csv");
    std::fs::write(
        &twice,
        "Record ID,Deal Name,Deal Stage,Deal Name\n1,Alder,Contract Sent,Birch\n",
    )
    .unwrap();
    let sheet = Sheet::open(&twice).unwrap();
    let (crm, object) = detect(&sheet.headers, None).unwrap();
    let settings = Settings::new(crm, &Mapping::default(), Currency::USD).unwrap();
    let e = Columns::resolve(crm, object, &sheet.headers, &settings).unwrap_err();
    assert!(
        e.contains("\"Deal Name\" is there twice (columns 2 and 4)"),
        "{e}"
    );
}

#[test]
fn a_quote_never_closed_is_refused_on_its_line_naming_the_lines_it_took() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("deals.csv");
    let mut text = String::from("Record ID,Deal Name,Deal Stage,Amount\n");
    for i in 0..8 {
        let name = if i == 3 {
            "\"Broken quote deal".to_string()
        } else {
            format!("Deal {i}")
        };
        text.push_str(&format!("{},{name},Contract Sent,1000\n", 500 + i));
    }
    std::fs::write(&f, text).unwrap();
    let mut sheet = Sheet::open(&f).unwrap();
    let read = rows(&mut sheet);
    let lines: Vec<u64> = read.iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        vec![2, 3, 4, 5],
        "the rows after the quote are inside it"
    );
    let why = read[3].broken.as_deref().unwrap_or_default();
    assert!(
        why.contains("runs to line 9") && why.contains("4 lines"),
        "{why}"
    );
}

#[test]
fn a_quote_that_runs_on_for_megabytes_stops_the_read_on_its_line() {
    // The reader refuses to read on past twice the longest row rather than hold the rest of
    // the file in one cell.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("runaway.csv");
    let mut text =
        String::from("Record ID,Deal Name,Deal Stage,Amount\n1,\"Open quote,Contract Sent,1\n");
    for i in 2..100_000 {
        text.push_str(&format!("{i},Deal {i},Contract Sent,100\n"));
    }
    std::fs::write(&f, text).unwrap();
    let mut sheet = Sheet::open(&f).unwrap();
    let e = loop {
        match sheet.next_row() {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("read to the end as one row"),
            Err(e) => break e.to_string(),
        }
    };
    assert!(
        e.contains("runaway.csv") && e.contains("line 2") && e.contains("runs past"),
        "{e}"
    );
}

mod records {
    use super::*;
    use rekindle_core::{ActivityKind, Currency, DealStatus, LostReason};
    use rekindle_ingest::crm::map::{
        Columns, CrmRecord, Mapping, Reading, Rejected, RowReader, Settings,
    };

    /// The record a row reads as; a row left out by design is a test failure here.
    fn record(read: Result<Reading, Rejected>) -> Result<CrmRecord, Rejected> {
        read.map(|r| match r {
            Reading::Record(r) => r,
            Reading::LeftOut { why, .. } => panic!("left out: {why}"),
        })
    }

    /// Every row of a fixture read as records (or rejections), with the file's own date order.
    fn read(file: &str, mapping: &Mapping) -> Vec<Result<CrmRecord, String>> {
        let mut sheet = Sheet::open(&fixture(file)).unwrap();
        let (crm, object) = detect(&sheet.headers, None).unwrap();
        let settings = Settings::new(crm, mapping, Currency::USD).unwrap();
        let columns = Columns::resolve(crm, object, &sheet.headers, &settings).unwrap();
        let rows = rows(&mut sheet);
        let mut order = None;
        for f in [
            rekindle_ingest::crm::map::Field::Created,
            rekindle_ingest::crm::map::Field::LastActivity,
        ] {
            if let Some(h) = columns.header(f) {
                let i = sheet.column(h).unwrap();
                order = order
                    .or(values::infer_order(rows.iter().map(|r| r.cells[i].as_str())).unwrap());
            }
        }
        let reader = RowReader {
            columns: &columns,
            settings: &settings,
            date_order: order,
            spreadsheet: sheet.dialect.spreadsheet,
            decimal: None,
        };
        rows.iter()
            .map(|r| record(reader.read(r)).map_err(|e| e.to_string()))
            .collect()
    }

    /// Pipedrive's XLSX export of the deals holds what its CSV export holds: numbers as
    /// numbers, dates as date cells or bare serial days, each row its row number.
    #[test]
    fn a_pipedrive_xlsx_export_reads_as_its_csv_export() {
        let mut sheet = Sheet::open(&fixture("pipedrive-deals-export.xlsx")).unwrap();
        assert!(sheet.dialect.spreadsheet);
        let csv = Sheet::open(&fixture("pipedrive-deals-export.csv")).unwrap();
        assert_eq!(sheet.headers, csv.headers);
        let first = rows(&mut sheet).remove(0);
        assert_eq!(first.line, 2);
        let cell = |h: &str| first.cells[sheet.column(h).unwrap()].clone();
        assert_eq!(cell("Deal - Value"), "48000");
        assert_eq!(cell("Deal - Deal created"), "2024-11-04 09:12:31");
        assert_eq!(cell("Deal - Next activity date"), "2025-03-07");
        assert_eq!(
            cell("Deal - Expected close date"),
            "45744",
            "a bare serial day"
        );
        let from_xlsx = read("pipedrive-deals-export.xlsx", &Mapping::default());
        let from_csv = read("pipedrive-deals-export.csv", &Mapping::default());
        assert_eq!(from_xlsx.len(), 3);
        assert_eq!(from_xlsx, from_csv);
        let CrmRecord::Deal(d) = from_xlsx[0].clone().unwrap() else {
            panic!()
        };
        assert_eq!(d.close_date, Some(jiff::civil::date(2025, 3, 28)));
        // A bare number in a date column of a CSV stays refused: only a workbook has serials.
        assert_eq!(
            values::serial_day("45744"),
            Some(When::Day(jiff::civil::date(2025, 3, 28)))
        );
        assert!(values::when("45744", None).is_err());
    }

    #[test]
    fn hubspot_deals_keep_what_matters() {
        let got = read(
            "hubspot-crm-exports-all-deals-2025-03-05.csv",
            &Mapping::default(),
        );
        let CrmRecord::Deal(d) = got[0].clone().unwrap() else {
            panic!()
        };
        assert_eq!(d.id, "18741203345");
        assert_eq!(d.stage.as_deref(), Some("negotiation"));
        assert_eq!(d.status, DealStatus::Open);
        assert_eq!(d.amount.unwrap().cents, 4_800_000);
        assert_eq!(d.close_date.unwrap().to_string(), "2025-03-28");
        assert_eq!(d.company_id.as_deref(), Some("9120034411"));
        assert_eq!(d.contact_ids, vec!["5510234401", "5510234402"]);
        assert_eq!(d.stage_entered.unwrap().to_string(), "2025-01-20T11:03:00Z");
        let lost: Vec<_> = got
            .iter()
            .filter_map(|r| match r {
                Ok(CrmRecord::Deal(d)) if d.status == DealStatus::Lost => Some(d.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(lost.len(), 1, "{got:?}");
        let (reason, text) = lost[0].lost.clone().unwrap();
        assert!(!text.is_empty());
        assert_ne!(reason, LostReason::Other, "{text}");
    }

    #[test]
    fn salesforce_opportunities_tasks_and_pipedrive_deals_read() {
        let opps = read("Opportunity.csv", &Mapping::default());
        let deals: Vec<_> = opps
            .iter()
            .map(|r| match r {
                Ok(CrmRecord::Deal(d)) => d.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(deals[0].stage.as_deref(), Some("negotiation"));
        assert_eq!(
            deals[0].next_step.as_deref(),
            Some("MSA redlines back from legal")
        );
        assert_eq!(deals[2].status, DealStatus::Lost);
        assert_eq!(deals[0].company_id.as_deref(), Some("001Hs00000P9tYbIAJ"));
        let tasks = read("Task-dataloader-export.csv", &Mapping::default());
        let CrmRecord::Activity(a) = tasks[0].clone().unwrap() else {
            panic!()
        };
        assert_eq!(a.kind, ActivityKind::Email);
        assert_eq!(a.deal_id.as_deref(), Some("006Hs00000K2xQaIAJ"));
        assert_eq!(a.contact_id.as_deref(), Some("003Hs00000Z1aa1IAB"));
        assert!(!a.planned);
        assert_eq!(
            a.body.as_deref(),
            Some("Sent redlines follow-up.\r\nNo reply yet.")
        );
        let pd = read("pipedrive-deals-export.csv", &Mapping::default());
        let CrmRecord::Deal(d) = pd[0].clone().unwrap() else {
            panic!()
        };
        assert_eq!(
            (d.id.as_str(), d.stage.as_deref()),
            ("412", Some("negotiation"))
        );
        assert_eq!(d.amount.unwrap().currency.to_string(), "EUR");
        assert_eq!(d.contact_ids, vec!["903"]);
    }

    #[test]
    fn german_pipedrive_activities_and_excel_contacts_read() {
        let acts = read(
            "pipedrive-activities-export-excel-de.csv",
            &Mapping::default(),
        );
        let CrmRecord::Activity(a) = acts[0].clone().unwrap() else {
            panic!()
        };
        assert_eq!(a.kind, ActivityKind::Call);
        assert_eq!(
            a.deal_name.as_deref(),
            Some("Müller Bau GmbH - Pilot, 5 sites")
        );
        assert!(!a.planned);
        let CrmRecord::Activity(m) = acts[1].clone().unwrap() else {
            panic!()
        };
        assert!(m.planned, "Not done is a planned activity");
        let contacts = read(
            "hubspot-crm-exports-all-contacts-2025-03-05-excel-resaved.csv",
            &Mapping::default(),
        );
        let CrmRecord::Contact(c) = contacts[2].clone().unwrap() else {
            panic!()
        };
        assert_eq!(c.name, "Jürgen Krämer");
        assert_eq!(c.emails, vec!["j.kraemer@mueller-bau.example"]);
        assert_eq!(c.company_id.as_deref(), Some("9120034412"));
    }

    #[test]
    fn a_mac_excel_salesforce_contacts_report_reads_to_contacts_with_their_opt_out() {
        let contacts = read(
            "salesforce-contacts-report-mac-excel.csv",
            &Mapping::default(),
        );
        assert_eq!(contacts.len(), 3, "the footer is not a record");
        let CrmRecord::Contact(c) = contacts[1].clone().unwrap() else {
            panic!()
        };
        assert_eq!(c.id, "0035e00000Xq7AbAAJ");
        assert_eq!(c.name, "Øyvind Åström");
        assert_eq!(c.emails, vec!["oyvind.astrom@atelier-rive.example"]);
        assert_eq!(c.company_id.as_deref(), Some("0015e00000Hk2LmAAJ"));
        assert_eq!(c.company_name.as_deref(), Some("Atelier Rivé SARL"));
        assert!(c.opted_out, "Email Opt Out 1 is do-not-contact");
        let CrmRecord::Contact(first) = contacts[0].clone().unwrap() else {
            panic!()
        };
        assert!(!first.opted_out);
        assert_eq!(first.line, 2);
    }

    #[test]
    fn an_unmapped_stage_is_refused_with_its_line_and_column() {
        let mut mapping = Mapping::default();
        mapping.columns.insert(
            "deals".into(),
            [("stage".to_string(), "Deal Stage".to_string())].into(),
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deals.csv");
        std::fs::write(&path, "Record ID,Deal Name,Deal Stage\n1,Acme,Contract Sent\n2,Beta,Wizardry\n3,,Contract Sent\n").unwrap();
        let mut sheet = Sheet::open(&path).unwrap();
        let settings = Settings::new(Crm::HubSpot, &mapping, Currency::USD).unwrap();
        let columns =
            Columns::resolve(Crm::HubSpot, Object::Deals, &sheet.headers, &settings).unwrap();
        let reader = RowReader {
            columns: &columns,
            settings: &settings,
            date_order: None,
            spreadsheet: false,
            decimal: None,
        };
        let got: Vec<_> = rows(&mut sheet)
            .iter()
            .map(|r| record(reader.read(r)))
            .collect();
        assert!(got[0].is_ok());
        let e = got[1].clone().unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (3, Some("Deal Stage")));
        assert!(e.why.contains("Wizardry"), "{e}");
        let e = got[2].clone().unwrap_err();
        assert_eq!((e.line, e.column.as_deref()), (4, Some("Deal Name")));
    }

    #[test]
    fn a_localized_export_reads_through_the_mapping_file() {
        let text = r#"
crm = "hubspot"
currency = "EUR"
[stages]
"Contrato enviado" = "negotiation"
[columns.deals]
id = "ID de registro"
title = "Nombre del negocio"
stage = "Etapa del negocio"
amount = "Importe"
[facts]
"Dolor" = "problem"
"#;
        let mapping = Mapping::parse(text).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("negocios.csv");
        std::fs::write(&path, "ID de registro;Nombre del negocio;Etapa del negocio;Importe;Dolor\n77;Acme - flota;Contrato enviado;48.000,00;planifican a mano cada mañana\n").unwrap();
        let mut sheet = Sheet::open(&path).unwrap();
        assert!(
            detect(&sheet.headers, None).is_err(),
            "not detectable without the mapping"
        );
        let settings = Settings::new(Crm::HubSpot, &mapping, Currency::USD).unwrap();
        let columns =
            Columns::resolve(Crm::HubSpot, Object::Deals, &sheet.headers, &settings).unwrap();
        let reader = RowReader {
            columns: &columns,
            settings: &settings,
            date_order: None,
            spreadsheet: false,
            decimal: None,
        };
        let row = rows(&mut sheet).remove(0);
        let CrmRecord::Deal(d) = record(reader.read(&row)).unwrap() else {
            panic!()
        };
        assert_eq!(d.stage.as_deref(), Some("negotiation"));
        assert_eq!(
            (
                d.amount.unwrap().cents,
                d.amount.unwrap().currency.to_string()
            ),
            (4_800_000, "EUR".to_string())
        );
        assert_eq!(d.facts.len(), 1);
        assert_eq!(d.facts[0].1, "planifican a mano cada mañana");
    }

    #[test]
    fn the_written_defaults_read_back_and_mistakes_are_named() {
        for crm in [Crm::HubSpot, Crm::Salesforce, Crm::Pipedrive] {
            let text = Mapping::defaults(crm).to_toml();
            let back = Mapping::parse(&text).unwrap_or_else(|e| panic!("{crm}: {e}\n{text}"));
            Settings::new(crm, &back, Currency::USD).unwrap();
        }
        let e = Mapping::parse("stagez = 1").unwrap_err().to_string();
        assert!(e.contains("stagez"), "{e}");
        let bad = Mapping::parse("[lost_reasons]\n\"Too pricey\" = \"expensiveness\"").unwrap();
        let e = Settings::new(Crm::HubSpot, &bad, Currency::USD)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Too pricey"), "{e}");
        let bad = Mapping::parse("[columns.deals]\ntitel = \"x\"").unwrap();
        let e = Settings::new(Crm::HubSpot, &bad, Currency::USD)
            .unwrap_err()
            .to_string();
        assert!(e.contains("titel") && e.contains("title"), "{e}");
    }

    #[test]
    fn a_mapping_reads_the_same_in_yaml_as_in_toml() {
        use rekindle_ingest::crm::map::MappingFormat;
        assert_eq!(MappingFormat::of("map.YML"), MappingFormat::Yaml);
        assert_eq!(MappingFormat::of("map.yaml"), MappingFormat::Yaml);
        assert_eq!(MappingFormat::of("map.toml"), MappingFormat::Toml);
        for crm in [Crm::HubSpot, Crm::Salesforce, Crm::Pipedrive] {
            let yaml = Mapping::defaults(crm).to_text(MappingFormat::Yaml);
            let back = Mapping::parse_as(&yaml, MappingFormat::Yaml)
                .unwrap_or_else(|e| panic!("{crm}: {e}\n{yaml}"));
            let toml = Mapping::parse(&Mapping::defaults(crm).to_toml()).unwrap();
            assert_eq!(
                format!("{back:?}"),
                format!("{toml:?}"),
                "{crm}: the YAML and TOML defaults differ"
            );
        }
        let written = "crm: hubspot\nstages:\n  Contrato: negotiation\ncolumns:\n  deals:\n    id: ID del registro\n    title: Nombre del negocio\nlost_reasons:\n  Demasiado caro: budget\n";
        let m = Mapping::parse_as(written, MappingFormat::Yaml).unwrap();
        assert_eq!(m.stages["Contrato"], "negotiation");
        assert_eq!(m.columns["deals"]["title"], "Nombre del negocio");
        Settings::new(Crm::HubSpot, &m, Currency::USD).unwrap();
        let e = Mapping::parse_as("stagez: 1\n", MappingFormat::Yaml)
            .unwrap_err()
            .to_string();
        assert!(e.contains("stagez"), "{e}");
        // A key written as a number and as text is one name twice: refused, not replaced.
        for twice in [
            "stages:\n  1: demo\n  \"1\": proposal\n",
            "owners:\n  true: Ann\n  \"true\": Bob\n",
            "columns:\n  deals:\n    1: A\n    \"1\": B\n",
        ] {
            let e = Mapping::parse_as(twice, MappingFormat::Yaml)
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("is there twice") || e.contains("duplicate"),
                "{twice}: {e}"
            );
        }
        // Names that look like numbers or words stay the text written.
        let m = Mapping::parse_as("stages:\n  no: lost\n  1: demo\n", MappingFormat::Yaml).unwrap();
        assert_eq!(m.stages["no"], "lost");
        assert_eq!(m.stages["1"], "demo");
    }
}
