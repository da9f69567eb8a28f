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
        rekindle_app::admin::load_demo(
            &store,
            &Caller::local(),
            DemoOptions::default(),
            now,
            |_| {},
        )
        .await
        .expect("demo");
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
