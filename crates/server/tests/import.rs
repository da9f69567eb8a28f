//! The Import page and `POST /api/v1/imports`: an uploaded mbox or calendar imported through
//! the CLI's use case, its summary shown; other kinds refused; a failed import changes
//! nothing. A CRM export's upload: `import/crm.rs`.

mod common;
#[path = "import/crm.rs"]
mod crm;
use common::*;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The first contact's address on deal `deal` of the demo pipeline.
fn contact_of(s: &Served, deal: &str) -> String {
    s.with_store(async |store| {
        let r = store.deal(deal.parse().unwrap()).await.unwrap();
        r.contacts
            .iter()
            .find_map(|c| c.emails.first())
            .expect("a contact with an address")
            .to_string()
    })
}

/// An mbox of one reply from `from` to the rep (`rep@seller.example`).
fn reply_mbox(from: &str) -> String {
    format!(
        "From x Thu Jan  1 00:00:00 2026\nMessage-ID: <web-r1@example>\nFrom: {from}\nTo: rep@seller.example\nSubject: Re: next steps\nDate: Fri, 20 Nov 2026 15:00:00 +0000\n\nThanks, we are interested: can you send the security questionnaire?\n\n"
    )
}

/// Every table, every row, as text, sorted: the whole database.
pub fn dump(db: &std::path::Path) -> BTreeMap<String, Vec<String>> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = BTreeMap::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = statement.column_count();
        let mut rows: Vec<String> = statement
            .query_map([], |r| {
                Ok((0..columns)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join(" | "))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.insert(table, rows);
    }
    out
}

/// A multipart form body: (content type, body) with `fields` as text and `files` as (field,
/// file name, bytes).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, Vec<u8>)]) -> (String, Vec<u8>) {
    let b = "rekindleboundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (field, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

/// Posts the Import form with the rep's addresses `me` and one file.
fn upload(s: &Served, me: &str, file_name: &str, content: &str) -> (u16, String) {
    post_upload(
        s,
        &[("me", me)],
        &[("file", file_name, content.as_bytes().to_vec())],
    )
}

/// Posts an Import form of `fields` and `files` with the page's token in the action's query:
/// (status, Location or body).
fn post_upload(
    s: &Served,
    fields: &[(&str, &str)],
    files: &[(&str, &str, Vec<u8>)],
) -> (u16, String) {
    let (_, page) = get(&s.at("/import"));
    let token = token_of(&page);
    assert!(
        page.contains(&format!("action=\"/import?_csrf={token}\"")),
        "the form posts to its token's action"
    );
    let (ct, body) = multipart(fields, files);
    let mut r = client()
        .post(&s.at(&format!("/import?_csrf={token}")))
        .header("Content-Type", &ct)
        .send(&body[..])
        .expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (status, location.unwrap_or(text))
}

/// The job's page once it is no longer running (at most 30 s).
fn finished(s: &Served, job: &str) -> String {
    assert!(job.starts_with("/import/jobs/"), "not a job: {job}");
    let start = Instant::now();
    loop {
        let (status, page) = get(&s.at(job));
        assert_eq!(status, 200, "{page}");
        if !page.contains("aria-busy=\"true\"") {
            return page;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "still running");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn an_uploaded_mbox_is_imported_as_the_cli_imports_it_and_the_summary_shown() {
    let s = serve_demo();
    let from = contact_of(&s, "D2");
    let activities = |s: &Served| {
        s.with_store(async |store| store.deal("D2".parse().unwrap()).await.unwrap().activities)
    };
    let before = activities(&s).len();
    let (status, job) = upload(&s, "rep@seller.example", "reply.mbox", &reply_mbox(&from));
    assert_eq!(status, 303, "{job}");
    assert!(job.starts_with("/import/jobs/"), "{job}");
    let page = finished(&s, &job);
    assert!(page.contains("Imported reply.mbox"), "{page}");
    assert!(page.contains("Read 1 messages"), "{page}");
    assert!(page.contains("1 about deals"), "{page}");
    // The message is on the deal's record, as `rekindle import mail` records it: one
    // inbound email activity at the message's date.
    let after = activities(&s);
    assert_eq!(after.len(), before + 1, "one activity added");
    let added = after
        .iter()
        .find(|a| a.at == "2026-11-20T15:00:00Z".parse().unwrap())
        .expect("the message's activity");
    assert_eq!(added.direction.as_str(), "inbound");
    // The same file again adds nothing twice.
    let (_, job) = upload(&s, "", "reply.mbox", &reply_mbox(&from));
    let page = finished(&s, &job);
    assert!(page.contains("1 already imported"), "{page}");
    // The status fragment answers htmx; a plain load of it goes to the page.
    let mut r = client()
        .get(&s.at(&format!("{job}/status")))
        .header("HX-Request", "true")
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let fragment = r.body_mut().read_to_string().unwrap();
    assert!(!fragment.contains("<html"), "{fragment}");
    assert!(fragment.contains("1 already imported"), "{fragment}");
    assert!(
        fragment.contains(r#"id="status""#) && fragment.contains("hx-swap-oob"),
        "the outcome is not said in the live region: {fragment}"
    );
    let r = client()
        .get(&s.at(&format!("{job}/status")))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

#[test]
fn a_failed_import_changes_nothing() {
    let s = serve_demo();
    let before = dump(&s.db);
    // A file named as mail that holds none.
    let (status, job) = upload(&s, "rep@seller.example", "notes.mbox", "just some notes\n");
    assert_eq!(status, 303, "{job}");
    let page = finished(&s, &job);
    assert!(page.contains("Import of notes.mbox failed"), "{page}");
    assert!(page.contains("nothing was imported"), "{page}");
    assert!(
        !page.contains("rekindle-upload-"),
        "the temporary folder shows: {page}"
    );
    // Mail, but no addresses for the rep given or known.
    let from = contact_of(&s, "D2");
    let (_, job) = upload(&s, "", "reply.mbox", &reply_mbox(&from));
    let page = finished(&s, &job);
    assert!(page.contains("failed"), "{page}");
    assert!(page.contains("which addresses are yours"), "{page}");
    // An upload without the page's token, or with a wrong one, is refused.
    let (ct, body) = multipart(
        &[("me", "rep@seller.example")],
        &[("file", "reply.mbox", reply_mbox(&from).into_bytes())],
    );
    for action in ["/import", "/import?_csrf=00"] {
        let r = client()
            .post(&s.at(action))
            .header("Content-Type", &ct)
            .send(&body[..])
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{action}");
    }
    // Another kind of file is refused before anything is read.
    let (status, answer) = upload(&s, "rep@seller.example", "deals.pdf", "%PDF-1.7");
    assert_eq!(status, 415);
    assert!(
        answer.contains("deals.pdf is not a file Rekindle imports"),
        "{answer}"
    );
    // An address that does not parse.
    let (_, job) = upload(&s, "not-an-address", "reply.mbox", &reply_mbox(&from));
    let page = finished(&s, &job);
    assert!(page.contains("failed"), "{page}");
    assert_eq!(dump(&s.db), before, "a failed import changed the database");
}

#[test]
fn the_api_imports_a_body_of_mail_or_calendar_and_refuses_other_types() {
    let s = serve_demo();
    let from = contact_of(&s, "D2");
    let before = dump(&s.db);
    // Without a token: the API's guard is the body's type, which needs a CORS preflight.
    let mut r = client()
        .post(&s.at("/api/v1/imports"))
        .header("Content-Type", "text/plain")
        .send(reply_mbox(&from).as_bytes())
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    assert!(
        r.body_mut()
            .read_to_string()
            .unwrap()
            .contains("application/mbox")
    );
    assert_eq!(dump(&s.db), before);
    let mut r = client()
        .post(&s.at("/api/v1/imports?me=rep@seller.example"))
        .header("Content-Type", "application/mbox")
        .send(reply_mbox(&from).as_bytes())
        .unwrap();
    let body = r.body_mut().read_to_string().unwrap();
    assert_eq!(r.status().as_u16(), 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["kind"], "mail");
    assert_eq!(v["summary"]["read"], 1);
    assert_eq!(v["summary"]["matched"], 1);
    assert!(
        v["lines"][0]
            .as_str()
            .unwrap()
            .starts_with("Read 1 messages")
    );
    // A calendar with no deal's people in it: read, nothing matched.
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:e1@example\r\nDTSTAMP:20261120T100000Z\r\nDTSTART:20261120T100000Z\r\nDTEND:20261120T110000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let mut r = client()
        .post(&s.at("/api/v1/imports"))
        .header("Content-Type", "text/calendar; charset=utf-8")
        .send(ics.as_bytes())
        .unwrap();
    let body = r.body_mut().read_to_string().unwrap();
    assert_eq!(r.status().as_u16(), 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["kind"], "calendar");
    assert!(
        v["lines"][0]
            .as_str()
            .unwrap()
            .starts_with("Read 1 calendar events"),
        "{body}"
    );
    // A body that is not a calendar: 422, nothing changed.
    let before = dump(&s.db);
    let mut r = client()
        .post(&s.at("/api/v1/imports"))
        .header("Content-Type", "text/calendar")
        .send("hello".as_bytes())
        .unwrap();
    let body = r.body_mut().read_to_string().unwrap();
    assert_eq!(r.status().as_u16(), 422, "{body}");
    assert!(body.contains("nothing was imported"), "{body}");
    assert!(!body.contains("rekindle-upload-"), "{body}");
    assert_eq!(dump(&s.db), before);
    // A body declared over 1 GiB is refused before it is read.
    let (status, answer) = raw(
        s.port,
        &format!(
            "POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Type: application/mbox\r\nContent-Length: {}\r\n\r\nFrom x",
            s.port,
            (1u64 << 30) + 1
        ),
    );
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("larger than 1 GiB"), "{answer}");
    assert_eq!(dump(&s.db), before);
    // The OpenAPI document describes it.
    let (_, doc) = get(&s.at("/api/v1/openapi.json"));
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let op = &doc["paths"]["/api/v1/imports"]["post"];
    assert!(
        op["requestBody"]["content"]["application/mbox"].is_object(),
        "{op}"
    );
    assert!(op["responses"]["413"].is_object(), "{op}");
}
