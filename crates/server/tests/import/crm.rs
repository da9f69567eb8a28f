//! A CRM export uploaded on the Import page and sent to `POST /api/v1/imports`: imported
//! through `rekindle import crm`'s use case (the fixtures of crates/ingest/tests/fixtures/crm),
//! the deals and contacts in the database, associations resolved across files, the summary
//! shown; dry runs and strict imports with a refused row keep nothing; a file no CRM wrote is
//! refused naming its headers; an export imported again changes nothing.

use super::{dump, finished, post_upload};
use crate::common::*;
use serde_json::Value;
use std::path::PathBuf;

const DEALS: &str = "hubspot-crm-exports-all-deals-2025-03-05.csv";
const CONTACTS: &str = "hubspot-crm-exports-all-contacts-2025-03-05-excel-resaved.csv";

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/fixtures/crm")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The deals export with its second deal's amount made unreadable (line 3).
fn deals_with_a_bad_amount() -> Vec<u8> {
    let text = String::from_utf8(fixture(DEALS)).unwrap();
    assert!(text.contains("\"12500.5\""));
    text.replace("\"12500.5\"", "\"lots\"").into_bytes()
}

/// Posts the Import page's CRM form: (status, Location or body).
fn upload(s: &Served, fields: &[(&str, &str)], files: &[(&str, &str, Vec<u8>)]) -> (u16, String) {
    let (_, page) = get(&s.at("/import"));
    assert!(
        page.contains(r#"<form class="import import-crm""#),
        "the CRM export form"
    );
    post_upload(s, fields, files)
}

/// The summary's text on a job's page (its `pre`), unescaped for reading.
fn summary_of(page: &str) -> String {
    let start = page.find(r#"<pre class="summary">"#).expect("a summary") + 21;
    let end = start + page[start..].find("</pre>").expect("its end");
    page[start..end]
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// How many records of `object` came from HubSpot.
fn from_hubspot(s: &Served, object: &str) -> usize {
    s.with_store(async |store| store.crm_links("hubspot", object).await.unwrap().len())
}

/// The names of the contacts on the deal titled starting with `title`.
fn contacts_on(s: &Served, title: &str) -> Vec<String> {
    s.with_store(async |store| {
        for link in store.crm_links("hubspot", "deals").await.unwrap() {
            let record = store
                .deal(format!("D{}", link.local).parse().unwrap())
                .await
                .unwrap();
            if record.deal.title.starts_with(title) {
                return record.contacts.iter().map(|c| c.name.clone()).collect();
            }
        }
        panic!("no deal {title}")
    })
}

fn export_files() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    vec![
        ("file", DEALS, fixture(DEALS)),
        ("file", CONTACTS, fixture(CONTACTS)),
    ]
}

#[test]
fn a_crm_export_uploaded_on_the_page_comes_in_once_with_its_people() {
    let s = serve_empty();
    let (status, job) = upload(&s, &[("crm", ""), ("prefer", "local")], &export_files());
    assert_eq!(status, 303, "{job}");
    let page = finished(&s, &job);
    assert!(
        page.contains(&format!("Imported {DEALS}, {CONTACTS}")),
        "{page}"
    );
    let summary = summary_of(&page);
    assert!(summary.starts_with("Imported from hubspot:"), "{summary}");
    assert!(
        summary.contains("  deals: 4 created, 0 updated, 0 unchanged, 0 in conflict, 0 refused"),
        "{summary}"
    );
    assert!(summary.contains("  contacts: 4 created"), "{summary}");
    assert_eq!(from_hubspot(&s, "deals"), 4);
    assert_eq!(from_hubspot(&s, "contacts"), 4);
    // The deals file names the contacts by id: they resolve across the two files.
    assert_eq!(
        contacts_on(&s, "Northwind"),
        ["Elena Petrova", "Tom Hale"],
        "the contacts of the contacts file, on the deal of the deals file"
    );

    // The deal page says which CRM record the deal came from, with the CRM's activity dates.
    let local = s.with_store(async |store| {
        store
            .crm_links("hubspot", "deals")
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.external == "18741203345")
            .unwrap()
            .local
    });
    let (_, deal_page) = get(&s.at(&format!("/deals/{local}")));
    assert!(
        deal_page.contains("In hubspot 18741203345: last activity 2025-01-21"),
        "{deal_page}"
    );

    // The same export again: every record unchanged, the database as it was.
    let before = dump(&s.db);
    let (_, job) = upload(&s, &[], &export_files());
    let summary = summary_of(&finished(&s, &job));
    assert!(
        summary.contains("  deals: 0 created, 0 updated, 4 unchanged, 0 in conflict, 0 refused"),
        "{summary}"
    );
    assert!(summary.contains("  contacts: 0 created, 0 updated, 4 unchanged"));
    assert_eq!(dump(&s.db), before, "a re-import changed the database");
}

#[test]
fn an_export_whose_every_row_is_refused_is_not_headed_imported() {
    let s = serve_empty();
    let before = dump(&s.db);
    let all_bad =
        b"Record ID,Deal Name,Deal Stage,Amount\n1,Alder Co,Contract Sent,lots\n".to_vec();
    let (_, job) = upload(&s, &[], &[("file", "bad.csv", all_bad)]);
    let page = finished(&s, &job);
    assert!(page.contains("Nothing kept from bad.csv"), "{page}");
    assert!(!page.contains("Imported bad.csv"), "{page}");
    assert_eq!(dump(&s.db), before);
}

#[test]
fn a_dry_run_and_a_strict_import_with_a_refused_row_keep_nothing() {
    let s = serve_empty();
    let before = dump(&s.db);
    let (status, job) = upload(&s, &[("dry_run", "on")], &export_files());
    assert_eq!(status, 303, "{job}");
    let page = finished(&s, &job);
    assert!(page.contains("Nothing kept from"), "{page}");
    let summary = summary_of(&page);
    assert!(
        summary.starts_with("Would import from hubspot:"),
        "{summary}"
    );
    assert!(summary.contains("  deals: 4 created"), "{summary}");
    assert!(
        summary.ends_with("Dry run: nothing was changed.\n"),
        "{summary}"
    );
    assert_eq!(dump(&s.db), before, "a dry run changed the database");

    // Strict, with one row whose amount is no amount: nothing kept, the row named with its
    // file (as uploaded, escaped), line, column and reason.
    let name = "deals <i>Q1<i> & co.csv";
    let (_, job) = upload(
        &s,
        &[("strict", "on")],
        &[("file", name, deals_with_a_bad_amount())],
    );
    let page = finished(&s, &job);
    assert!(!page.contains("<i>Q1"), "the name is not escaped: {page}");
    assert!(
        page.contains("Nothing kept from deals &#60;i&#62;Q1&#60;i&#62; &#38; co.csv"),
        "{page}"
    );
    let summary = summary_of(&page);
    assert!(summary.contains("  deals: 3 created"), "{summary}");
    let row = summary
        .lines()
        .find(|l| l.starts_with(&format!("  {name}, line 3, column \"Amount\": ")))
        .unwrap_or_else(|| panic!("the refused row: {summary}"));
    assert!(row.contains("lots"), "{row}");
    assert!(
        summary.ends_with("Strict: rows were refused, so nothing was changed.\n"),
        "{summary}"
    );
    assert_eq!(dump(&s.db), before, "a strict import changed the database");
    assert_eq!(from_hubspot(&s, "deals"), 0);
}

#[test]
fn a_file_no_crm_wrote_is_refused_with_the_headers_it_has_and_read_with_a_mapping() {
    let s = serve_empty();
    let before = dump(&s.db);
    let mystery = b"Nombre del negocio;Etapa;Importe\nAcme;Contrato;1\n".to_vec();
    let (_, job) = upload(&s, &[], &[("file", "mystery.csv", mystery.clone())]);
    let page = finished(&s, &job);
    assert!(page.contains("Import of mystery.csv failed"), "{page}");
    assert!(
        page.contains("mystery.csv: ") && page.contains("&#34;Nombre del negocio&#34;"),
        "{page}"
    );
    assert!(page.contains("Record ID"), "what was expected: {page}");
    assert!(
        !page.contains("rekindle-upload-")
            && !page.contains(&std::env::temp_dir().display().to_string()),
        "a temporary folder shows: {page}"
    );
    assert_eq!(dump(&s.db), before);

    // Through the API: a problem naming the file, the headers and the field.
    let mut r = client()
        .post(&s.at("/api/v1/imports"))
        .header("Content-Type", "text/csv")
        .send(&mystery[..])
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let problem: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("upload.csv: ") && detail.contains("\"Nombre del negocio\""),
        "{problem}"
    );
    assert!(!detail.contains("rekindle-upload-"), "{problem}");
    assert_eq!(problem["field"], "file");
    assert_eq!(dump(&s.db), before);

    // With a mapping file naming its columns (TOML, as `--mapping` reads), it comes in.
    let mapping = "crm = \"hubspot\"\n[stages]\nContrato = \"negotiation\"\n[columns.deals]\nid = \"Nombre del negocio\"\ntitle = \"Nombre del negocio\"\nstage = \"Etapa\"\namount = \"Importe\"\n";
    let (_, job) = upload(
        &s,
        &[("crm", "hubspot")],
        &[
            ("file", "mystery.csv", mystery.clone()),
            ("mapping", "es.toml", mapping.as_bytes().to_vec()),
        ],
    );
    let summary = summary_of(&finished(&s, &job));
    assert!(summary.contains("  deals: 1 created"), "{summary}");
    assert_eq!(from_hubspot(&s, "deals"), 1);
    let before = dump(&s.db);

    // Files of two kinds in one upload, and a mapping file that is not one, are refused
    // before anything is imported, saying why.
    for (other, says) in [
        (("file", "sent.mbox"), "one kind at a time"),
        (("mapping", "mine.toml"), "mine.toml: mapping file"),
    ] {
        let files = [
            ("file", DEALS, fixture(DEALS)),
            (other.0, other.1, b"[stagez]\n".to_vec()),
        ];
        let (status, answer) = upload(&s, &[], &files);
        assert_eq!(status, 422, "{answer}");
        assert!(answer.contains(says), "{answer}");
    }
    assert_eq!(dump(&s.db), before);
}

/// A ZIP of `files` (name, bytes), as HubSpot delivers a large export.
fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        std::io::Write::write_all(&mut zip, bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// POSTs `body` of `media_type` to the imports API with `query`: (status, answer as JSON).
fn api_import(s: &Served, query: &str, media_type: &str, body: &[u8]) -> (u16, Value) {
    let mut r = client()
        .post(&s.at(&format!("/api/v1/imports{query}")))
        .header("Content-Type", media_type)
        .send(body)
        .unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

#[test]
fn the_api_imports_a_csv_or_a_zip_of_an_export_and_answers_the_summary() {
    let s = serve_empty();
    let before = dump(&s.db);
    let (status, v) = api_import(&s, "?dry_run=true", "text/csv", &fixture(DEALS));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["kind"], "crm");
    assert_eq!(v["summary"]["kept"], false);
    assert_eq!(v["summary"]["objects"]["deals"]["created"], 4);
    assert_eq!(v["lines"][0], "Would import from hubspot:");
    assert_eq!(dump(&s.db), before, "a dry run changed the database");

    let (status, v) = api_import(&s, "", "text/csv; charset=utf-8", &fixture(DEALS));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["summary"]["kept"], true);
    assert_eq!(v["summary"]["crm"], "hubspot");
    assert_eq!(v["summary"]["files"][0]["file"], "upload.csv");
    assert_eq!(v["summary"]["files"][0]["object"], "deals");
    assert_eq!(from_hubspot(&s, "deals"), 4);

    // The contacts with the deals again, zipped: the contacts come in and attach to the
    // deals already here; the one deal whose account was named from its title moves to its
    // contacts' company, the others are unchanged.
    let zip = zip_of(&[
        ("all-deals-2025-03-05.csv", fixture(DEALS)),
        ("all-contacts-2025-03-05.csv", fixture(CONTACTS)),
    ]);
    let (status, v) = api_import(&s, "?crm=hubspot&prefer=crm", "application/zip", &zip);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["summary"]["objects"]["contacts"]["created"], 4, "{v}");
    assert_eq!(v["summary"]["objects"]["deals"]["created"], 0, "{v}");
    assert_eq!(v["summary"]["objects"]["deals"]["updated"], 1, "{v}");
    assert_eq!(v["summary"]["objects"]["deals"]["unchanged"], 3, "{v}");
    // Each file inside is named by the archive as sent and its own name.
    let named = |f: &Value| f["file"].as_str().unwrap().starts_with("upload.zip:all-");
    let files = v["summary"]["files"].as_array().unwrap();
    assert!(files.len() == 2 && files.iter().all(named), "{v}");
    assert_eq!(from_hubspot(&s, "contacts"), 4);
    assert_eq!(contacts_on(&s, "Northwind"), ["Elena Petrova", "Tom Hale"]);

    // Strict with a refused row: 200 with kept false and the row; nothing changed.
    let before = dump(&s.db);
    let (status, v) = api_import(&s, "?strict=1", "text/csv", &deals_with_a_bad_amount());
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["summary"]["kept"], false);
    let refused = &v["summary"]["refused"][0];
    assert_eq!(refused["file"], "upload.csv");
    assert_eq!(refused["line"], 3);
    assert_eq!(refused["column"], "Amount");
    assert!(
        v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "strict: rows were refused, so nothing was changed."),
        "{v}"
    );
    assert_eq!(dump(&s.db), before, "a strict import changed the database");
    let strict = v;

    // An option that does not parse: a problem naming it, nothing read.
    let (status, v) = api_import(&s, "?prefer=mine", "text/csv", &fixture(DEALS));
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["field"], "prefer");
    let (status, v) = api_import(&s, "?crm=zoho", "text/csv", &fixture(DEALS));
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["field"], "crm");
    assert_eq!(dump(&s.db), before);

    // The OpenAPI document describes the CRM export's body types, options and summary.
    let (_, doc) = get(&s.at("/api/v1/openapi.json"));
    let doc: Value = serde_json::from_str(&doc).unwrap();
    let op = &doc["paths"]["/api/v1/imports"]["post"];
    for media_type in ["text/csv", "application/zip", "application/vnd.ms-excel"] {
        assert!(
            op["requestBody"]["content"][media_type].is_object(),
            "{media_type}: {op}"
        );
    }
    let params = op["parameters"].as_array().unwrap();
    for p in ["crm", "dry_run", "strict", "prefer"] {
        assert!(params.iter().any(|q| q["name"] == p), "{p}: {op}");
    }
    // The summary's schema describes every field the answer has.
    let schema = &doc["components"]["schemas"]["CrmImport"];
    for (key, value) in strict["summary"].as_object().unwrap() {
        let property = &schema["properties"][key];
        assert!(property.is_object(), "{key}: {schema}");
        let inner = match value {
            Value::Array(items) => items.first().map(|i| (i, &property["items"])),
            Value::Object(by) => by
                .values()
                .next()
                .map(|c| (c, &property["additionalProperties"])),
            _ => None,
        };
        if let Some((Value::Object(fields), described)) = inner {
            for field in fields.keys() {
                assert!(
                    described["properties"][field].is_object(),
                    "{key}.{field}: {schema}"
                );
            }
        }
    }
}
