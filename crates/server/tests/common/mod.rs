//! A real server on loopback over a real SQLite file holding the demo pipeline, and a plain
//! HTTP client (ureq) that reports every status instead of failing on errors.
#![allow(dead_code)]

use jiff::Timestamp;
use rekindle_app::Caller;
use rekindle_core::demo::DemoOptions;
use rekindle_store::Store;
use std::io::{Read, Write};
use std::net::TcpStream;

/// The moment every test assesses at.
pub const NOW: &str = "2026-11-23T09:00:00Z";

pub struct Served {
    pub url: String,
    pub port: u16,
    pub db: std::path::PathBuf,
    pub runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl Served {
    /// A path on the server as a full URL.
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url.trim_end_matches('/'), path)
    }

    /// Runs `f` on the server's store (to set up or check the record as the CLI would).
    pub fn with_store<T>(&self, f: impl AsyncFnOnce(&Store) -> T) -> T {
        self.runtime.block_on(async {
            let store = Store::open(&self.db).await.expect("open");
            f(&store).await
        })
    }
}

/// Loads the demo pipeline (40 deals, seed 7) at [`NOW`] and serves it with `now` fixed there.
pub fn serve_demo() -> Served {
    serve(true)
}

/// Serves an empty database (no deals at all) with `now` fixed at [`NOW`].
pub fn serve_empty() -> Served {
    serve(false)
}

fn serve(demo: bool) -> Served {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("rekindle.db");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let now: Timestamp = NOW.parse().expect("now");
    let bound = runtime.block_on(async {
        let store = Store::open(&db).await.expect("store");
        if demo {
            rekindle_app::admin::load_demo(
                &store,
                &Caller::local(),
                DemoOptions::default(),
                now,
                |_| {},
            )
            .await
            .expect("demo");
        }
        rekindle_server::bind(
            store,
            rekindle_server::Settings {
                addr: "127.0.0.1:0".parse().expect("addr"),
                remote: false,
                now: Some(now),
            },
        )
        .await
        .expect("bind")
    });
    let url = bound.url();
    let port = bound.addr().port();
    runtime.spawn(async move { bound.run().await });
    // The server assesses the pipeline before its first answer: wait for it, so what a test
    // reads from the database before a request is what the server started from.
    let ready = client()
        .get(&format!("{}api/v1/today", url))
        .call()
        .map(|r| r.status().as_u16());
    assert_eq!(ready.ok(), Some(200), "the server did not start");
    Served {
        url,
        port,
        db,
        runtime,
        _dir: dir,
    }
}

/// A client that returns every answer, whatever its status.
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// GET: (status, body).
pub fn get(url: &str) -> (u16, String) {
    let mut r = client().get(url).call().expect("request");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap_or_default())
}

/// The form token a page carries (its `rekindle-token` meta element).
pub fn token_of(page: &str) -> String {
    let start = page
        .find(r#"name="rekindle-token" content=""#)
        .expect("token meta")
        + r#"name="rekindle-token" content=""#.len();
    page[start..start + page[start..].find('"').expect("end")].to_string()
}

/// A raw HTTP/1.1 request with exactly these headers: (status, whole answer).
pub fn raw(port: u16, request: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.write_all(request.as_bytes()).expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).ok();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

/// POST a form (with the page's token, as a browser would send it): (status, body, Location).
pub fn post_form(url: &str, fields: &[(&str, &str)]) -> (u16, String, Option<String>) {
    let mut r = client()
        .post(url)
        .send_form(fields.iter().copied())
        .expect("request");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (
        status,
        r.body_mut().read_to_string().unwrap_or_default(),
        location,
    )
}

/// POST a JSON body to the API: (status, content type, the answer as JSON or `null`).
pub fn post_json(url: &str, body: &str) -> (u16, String, serde_json::Value) {
    let mut r = client()
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .expect("request");
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        kind,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// GET a JSON answer: (status, the answer as JSON or `null`).
pub fn get_json(url: &str) -> (u16, serde_json::Value) {
    let (status, text) = get(url);
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// A copy of the served database at this moment, to run the same use case on and compare:
/// `VACUUM INTO` the file `name` beside it (an earlier copy of that name is replaced).
pub fn copy_of(s: &Served, name: &str) -> std::path::PathBuf {
    let to = s.db.with_file_name(name);
    let _ = std::fs::remove_file(&to);
    let target = to.display().to_string();
    s.with_store(async |store| {
        store
            .backup(std::path::Path::new(&target))
            .await
            .expect("backup")
    });
    to
}

/// What the record holds that the pages change, as JSON, for comparing two databases: the
/// deals named, every reading, every outbox message (its random Message-ID only as made or
/// not), the events, shipped features and promotions running at [`NOW`].
pub fn snapshot(s: &Served, db: &std::path::Path, deals: &[&str]) -> serde_json::Value {
    let now: Timestamp = NOW.parse().expect("now");
    s.runtime.block_on(async {
        let store = Store::open(db).await.expect("open");
        let mut records = Vec::new();
        for d in deals {
            records.push(store.deal(d.parse().expect("deal")).await.expect("deal"));
        }
        serde_json::json!({
            "deals": records,
            "readings": store.readings(false, 10_000).await.expect("readings"),
            // A Message-ID is random by design (RFC 5322 section 3.6.4): compared as made.
            "outbox": store
                .outbox(true)
                .await
                .expect("outbox")
                .into_iter()
                .map(|mut m| {
                    m.message_id = if m.message_id.is_empty() {
                        String::new()
                    } else {
                        "made".into()
                    };
                    m
                })
                .collect::<Vec<_>>(),
            "events": store
                .events_since("1900-01-01".parse().expect("date"))
                .await
                .expect("events"),
            "shipped": store.shipped().await.expect("shipped"),
            "promotions": store
                .promotions_on(rekindle_core::time::date_of(now))
                .await
                .expect("promotions"),
        })
    })
}
