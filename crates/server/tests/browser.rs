//! The dashboard in a real headless Chromium, driven over WebDriver (fantoccini, plain HTTP to
//! chromedriver): a screenshot of every page (Today, Pipeline board and list, Deal, Import,
//! and any other page the navigation leads to; 1280x800, not blank, its heading in the DOM),
//! every page survives a plain reload, a prospect's `<script>` shows as text and runs nothing,
//! the board's non-drag "Move to" form moves a deal as `rekindle deal stage` does, a small
//! mbox uploaded on the Import page is imported and its summary shown, a CRM export's two
//! files chosen together there and dry-run with their summary shown, and a rep's morning
//! walked end to end (`browser/rep_flow.rs`: Today to a dark deal, the live tone check, queue,
//! approve, decide a reply, move a stage) leaves the record exactly as the same use cases
//! leave a copy of it.
//!
//! **How it runs.** chromedriver listens on every interface and cannot be told to keep to
//! loopback, so the test runs it in a private network namespace that has nothing but its own
//! loopback: the test binary re-executes itself (this one test, `--exact`) under
//! `unshare --net` (as root) or `unshare --net --map-root-user` (as another user, where user
//! namespaces are allowed), with `ip link set lo up` first; inside, it starts chromedriver on
//! a free port and the server on 127.0.0.1, both reachable only from inside. Needs Debian's
//! `chromium` and `chromium-driver` (`.ci/setup` installs them), `unshare` (util-linux) and
//! `ip` (iproute2); without them the test fails saying what is missing. Checked as root and
//! as an unprivileged user (`--map-root-user`) on Debian 12; where unprivileged user
//! namespaces are off (Ubuntu 24.04's AppArmor default, `kernel.apparmor_restrict_unprivileged_userns`),
//! run the tests as root or allow them.
//!
//! Screenshots go to `$CARGO_TARGET_DIR/screenshots/` (else the `target/` the test binary was
//! built in). The README's screenshots (`docs/screenshot-today.png`,
//! `docs/screenshot-pipeline.png`, halved to 640x400) are written only when asked:
//!
//! ```text
//! REKINDLE_DOCS_SCREENSHOTS=1 cargo test -p rekindle-server --test browser
//! ```

mod common;
#[path = "browser/rep_flow.rs"]
mod rep_flow;
use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use rekindle_app::Caller;
use rekindle_app::record::{self, FactInput};
use rekindle_core::FactKind;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Set in the re-executed test: it already runs inside its own network namespace.
const INSIDE: &str = "REKINDLE_BROWSER_NETNS";
const TEST: &str = "the_dashboard_in_headless_chromium";
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 800;

/// The first of `names` that is an executable file, searched on `PATH` and in `/usr/bin`,
/// `/usr/sbin`, `/sbin`.
fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.extend(["/usr/bin", "/usr/sbin", "/sbin"].map(PathBuf::from));
    names.iter().find_map(|name| {
        dirs.iter().map(|d| d.join(name)).find(|p| {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

fn need(names: &[&str], package: &str) -> PathBuf {
    find_program(names).unwrap_or_else(|| {
        panic!(
            "the browser tests need {} (Debian package {package}): run .ci/setup, or `apt-get install -y --no-install-recommends chromium chromium-driver`",
            names.join(" or ")
        )
    })
}

#[test]
fn the_dashboard_in_headless_chromium() {
    if std::env::var_os(INSIDE).is_some() {
        return inside();
    }
    // Everything it needs, named when missing (never a silent pass).
    need(&["chromium", "chromium-browser"], "chromium");
    need(&["chromedriver"], "chromium-driver");
    let unshare = need(&["unshare"], "util-linux");
    need(&["ip"], "iproute2");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let mut command = Command::new(unshare);
    command.arg("--net");
    if !root {
        command.arg("--map-root-user");
    }
    let me = std::env::current_exe().expect("the test binary");
    let status = command
        .args(["--", "sh", "-c", "ip link set lo up && exec \"$@\"", "sh"])
        .arg(&me)
        .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1")
        .status()
        .expect("running unshare");
    assert!(
        status.success(),
        "the browser checks failed inside their network namespace (see above; if unshare itself failed, this machine does not allow network namespaces{})",
        if root {
            ""
        } else {
            " for this user: try as root, or enable unprivileged user namespaces"
        }
    );
}

/// chromedriver, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What every check shares: the served demo pipeline and one browser session.
struct Ctx {
    served: Served,
    rt: tokio::runtime::Runtime,
    client: Client,
    shots: PathBuf,
    /// The pages to screenshot and reload ([`pages`]).
    pages: Vec<PageCase>,
    _profile: tempfile::TempDir,
    _driver: Driver,
}

impl Ctx {
    /// Runs a browser step (WebDriver calls are async) to its end.
    fn web<T>(&self, f: impl AsyncFnOnce(&Client) -> T) -> T {
        self.rt.block_on(f(&self.client))
    }

    fn goto(&self, path: &str) {
        let url = self.served.at(path);
        self.web(async |c| c.goto(&url).await.expect("navigate"));
    }

    fn text(&self, css: &str) -> String {
        self.web(async |c| {
            c.find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no {css}: {e}"))
                .text()
                .await
                .expect("text")
        })
    }

    /// Waits up to 20 s for `css` to be on the page; the page's address and source when it
    /// never comes.
    fn wait_for(&self, css: &str) -> String {
        self.web(async |c| {
            match c
                .wait()
                .at_most(Duration::from_secs(20))
                .for_element(Locator::Css(css))
                .await
            {
                Ok(e) => e.text().await.expect("text"),
                Err(e) => {
                    let url = c.current_url().await.map(|u| u.to_string());
                    let source = c.source().await.unwrap_or_default();
                    panic!("{css} never appeared ({e}); at {url:?}:\n{source}")
                }
            }
        })
    }

    /// Polls `probe` every 100 ms until it answers `Some` (at most 20 s): after a POST and its
    /// redirect the old page may still be on screen, and an htmx answer comes when it comes.
    /// Panics naming `what`, with the page's address and source, when it never does.
    fn until<T>(&self, what: &str, probe: impl AsyncFn(&Client) -> Option<T>) -> T {
        self.web(async |c| {
            let until = Instant::now() + Duration::from_secs(20);
            loop {
                if let Some(found) = probe(c).await {
                    return found;
                }
                if Instant::now() > until {
                    let url = c.current_url().await.map(|u| u.to_string());
                    let source = c.source().await.unwrap_or_default();
                    panic!("{what}: not seen within 20 s; at {url:?}:\n{source}")
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    }
}

/// The text of the first element matching `css`, or `None` when there is none (or it went
/// stale: the page it was on is going away).
async fn text_in(c: &Client, css: &str) -> Option<String> {
    c.find(Locator::Css(css)).await.ok()?.text().await.ok()
}

/// The folder screenshots go to: `$CARGO_TARGET_DIR/screenshots`, else `screenshots/` in the
/// target folder holding this binary (`target/debug/deps/browser-…`).
fn screenshot_dir() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) => PathBuf::from(t),
        None => std::env::current_exe()
            .expect("the test binary")
            .ancestors()
            .nth(3)
            .expect("target/debug/deps")
            .to_path_buf(),
    };
    target.join("screenshots")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("its address")
        .port()
}

fn start() -> Ctx {
    let chromium = need(&["chromium", "chromium-browser"], "chromium");
    let chromedriver = need(&["chromedriver"], "chromium-driver");
    let served = serve_demo();
    let port = free_port();
    let driver = Driver(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver"),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen on port {port} within 20 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let profile = tempfile::tempdir().expect("a browser profile folder");
    let args = [
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--hide-scrollbars".into(),
        "--force-device-scale-factor=1".into(),
        format!("--window-size={WIDTH},{HEIGHT}"),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": chromium, "args": args }),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = rt.block_on(async {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session from chromedriver")
    });
    // The window's size less what its frame takes: the page gets exactly WIDTH x HEIGHT.
    rt.block_on(async {
        let inner = client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await
            .expect("the viewport's size");
        let (w, h) = (
            inner[0].as_u64().expect("width") as u32,
            inner[1].as_u64().expect("height") as u32,
        );
        client
            .set_window_size(2 * WIDTH - w, 2 * HEIGHT - h)
            .await
            .expect("resizing the window");
    });
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).expect("the screenshot folder");
    Ctx {
        served,
        rt,
        client,
        shots,
        pages: Vec::new(),
        _profile: profile,
        _driver: driver,
    }
}

/// One browser check: it panics when the dashboard fails it.
type Check = fn(&Ctx);

fn inside() {
    let mut ctx = start();
    ctx.pages = pages(&ctx);
    let checks: &[(&str, Check)] = &[
        ("every page: screenshot and key text", screenshots),
        ("every page answers a reload", reloads),
        ("a prospect's script is text", script_is_text),
        ("move to stage from the board", move_from_board),
        ("upload an mbox on the Import page", upload_mbox),
        ("a CRM export's dry run on the Import page", crm_dry_run),
        ("a rep's morning, end to end", rep_flow::a_reps_morning),
    ];
    let mut failed = Vec::new();
    for (name, check) in checks {
        let begun = Instant::now();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&ctx))) {
            Ok(()) => eprintln!(
                "browser: {name}: ok ({:.1} s)",
                begun.elapsed().as_secs_f64()
            ),
            Err(_) => failed.push(*name),
        }
    }
    let Ctx { rt, client, .. } = ctx;
    let _ = rt.block_on(client.close());
    assert!(failed.is_empty(), "failed: {}", failed.join("; "));
}

/// A page to check: its screenshot's file name, its path, and the text its heading must hold
/// (`None` for a page of the navigation this test does not know yet: any heading).
struct PageCase {
    name: String,
    path: String,
    heading: Option<String>,
}

/// The pages: those this test knows with their headings, then every other entry of the
/// navigation that answers 200 (a page added later is screenshotted and reloaded too; an
/// entry with no page behind it yet is named and passed over).
fn pages(ctx: &Ctx) -> Vec<PageCase> {
    let (account, title) = ctx.served.with_store(async |store| {
        let d = store.deal("D2".parse().unwrap()).await.unwrap().deal;
        (d.account.name, d.title)
    });
    let known = |name: &str, path: &str, heading: String| PageCase {
        name: name.into(),
        path: path.into(),
        heading: Some(heading),
    };
    let mut pages = vec![
        known("today", "/", "Today".into()),
        known("pipeline-board", "/pipeline", "Pipeline".into()),
        known("pipeline-list", "/pipeline?view=list", "Pipeline".into()),
        known("deal", "/deals/D2", format!("{account} · {title}")),
        known("import", "/import", "Import".into()),
    ];
    let (_, today) = get(&ctx.served.at("/"));
    let nav = &today[today.find("<nav").expect("the navigation")..];
    let nav = &nav[..nav.find("</nav>").expect("its end")];
    for href in nav
        .split("href=\"")
        .skip(1)
        .filter_map(|h| h.split('"').next())
    {
        if pages.iter().any(|p| p.path == href) {
            continue;
        }
        let (status, _) = get(&ctx.served.at(href));
        if status == 200 {
            pages.push(PageCase {
                name: href.trim_matches('/').replace('/', "-"),
                path: href.into(),
                heading: None,
            });
        } else {
            eprintln!("browser: {href} answers {status}: no page there yet, passed over");
        }
    }
    pages
}

impl PageCase {
    /// Checks the heading shown: the one expected, or any for a page not known here.
    fn check_heading(&self, h1: &str, when: &str) {
        match &self.heading {
            Some(heading) => assert_eq!(h1, heading, "{}: the heading {when}", self.path),
            None => assert!(!h1.trim().is_empty(), "{}: no heading {when}", self.path),
        }
    }
}

/// A decoded screenshot: (width, height, RGBA pixels).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(bytes).read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("its pixels");
    buf.truncate(info.buffer_size());
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        other => panic!("a screenshot in {other:?}"),
    };
    (info.width, info.height, rgba)
}

/// The share of pixels, in per mille, that differ from the most common colour.
fn ink(rgba: &[u8]) -> usize {
    let mut counts = std::collections::HashMap::new();
    for p in rgba.chunks(4) {
        *counts.entry([p[0], p[1], p[2]]).or_insert(0usize) += 1;
    }
    let total = rgba.len() / 4;
    let most = counts.values().max().copied().unwrap_or(0);
    (total - most) * 1000 / total.max(1)
}

/// Halves an RGBA image (each 2x2 block averaged), as the README's screenshots are.
fn halve(w: u32, h: u32, rgba: &[u8]) -> (u32, u32, Vec<u8>) {
    let (hw, hh) = (w / 2, h / 2);
    let mut out = Vec::with_capacity((hw * hh * 4) as usize);
    for y in 0..hh {
        for x in 0..hw {
            for c in 0..4 {
                let at = |dx: u32, dy: u32| {
                    rgba[(((2 * y + dy) * w + 2 * x + dx) * 4 + c) as usize] as u32
                };
                out.push(((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4) as u8);
            }
        }
    }
    (hw, hh, out)
}

fn write_png(path: &Path, w: u32, h: u32, rgba: &[u8]) {
    let file = std::fs::File::create(path).expect("the PNG file");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    let mut writer = encoder.write_header().expect("the PNG header");
    writer.write_image_data(rgba).expect("the PNG data");
}

/// A screenshot of the page shown, written to `<screenshots>/<name>.png` and checked: 1280x800
/// and not blank (at least 0.5% of its pixels differ from its most common colour).
fn shoot(ctx: &Ctx, name: &str) -> (u32, u32, Vec<u8>) {
    let png = ctx.web(async |c| c.screenshot().await.expect("a screenshot"));
    let file = ctx.shots.join(format!("{name}.png"));
    std::fs::write(&file, &png).expect("writing the screenshot");
    let (w, h, rgba) = decode(&png);
    assert_eq!((w, h), (WIDTH, HEIGHT), "{name}: the screenshot's size");
    let ink = ink(&rgba);
    assert!(
        ink >= 5,
        "{name}: the screenshot is blank ({ink}‰ of pixels differ from the background), see {}",
        file.display()
    );
    (w, h, rgba)
}

fn screenshots(ctx: &Ctx) {
    let docs = std::env::var_os("REKINDLE_DOCS_SCREENSHOTS").is_some();
    for page in &ctx.pages {
        let (name, path) = (page.name.as_str(), page.path.as_str());
        ctx.goto(path);
        let h1 = ctx.text("h1");
        page.check_heading(&h1, "on a load");
        // The page's own text is rendered (not an error page, not an empty frame).
        let body = ctx.text("main");
        assert!(body.len() > h1.len(), "{path}: nothing under the heading");
        let (w, h, rgba) = shoot(ctx, name);
        if docs && (name == "today" || name == "pipeline-board") {
            let docs_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
            let out = docs_dir.join(match name {
                "today" => "screenshot-today.png",
                _ => "screenshot-pipeline.png",
            });
            let (hw, hh, half) = halve(w, h, &rgba);
            write_png(&out, hw, hh, &half);
            eprintln!("browser: wrote {}", out.display());
        }
    }
}

fn reloads(ctx: &Ctx) {
    for page in &ctx.pages {
        let path = page.path.as_str();
        ctx.goto(path);
        let before = ctx.text("h1");
        page.check_heading(&before, "on a load");
        ctx.web(async |c| c.refresh().await.expect("reload"));
        let after = ctx.text("h1");
        assert_eq!(after, before, "{path}: the heading after a reload");
        let url = ctx.web(async |c| c.current_url().await.expect("url"));
        assert_eq!(url.as_str(), ctx.served.at(path), "{path}: a reload moved");
    }
}

fn script_is_text(ctx: &Ctx) {
    let words = "We <b>love</b> it <script>document.title='pwned';alert('pwned')</script>";
    ctx.served.with_store(async |store| {
        record::add_fact(
            store,
            &Caller::local(),
            "D3".parse().unwrap(),
            FactInput {
                kind: FactKind::Problem,
                text: words.into(),
                source: "call <img src=x onerror=alert(2)>".into(),
                at: None,
                contact: None,
            },
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    });
    ctx.goto("/deals/D3");
    let alert = ctx.web(async |c| c.get_alert_text().await);
    assert!(alert.is_err(), "a dialog opened: {alert:?}");
    let title = ctx.web(async |c| c.title().await.expect("title"));
    assert!(!title.contains("pwned"), "the script ran: title {title:?}");
    let shown = ctx.text(".words");
    assert!(
        shown.contains(words),
        "their words are not shown as text: {shown:?}"
    );
    let scripts = ctx.web(async |c| {
        c.find_all(Locator::Css("main script, main img, main b"))
            .await
            .expect("find")
            .len()
    });
    assert_eq!(scripts, 0, "their words became elements");
}

fn move_from_board(ctx: &Ctx) {
    let (from, history) = ctx.served.with_store(async |store| {
        let r = store.deal("D2".parse().unwrap()).await.unwrap();
        (r.deal.stage, r.stage_history.len())
    });
    let to = other_stage(ctx, &from);
    move_on_board(ctx, "D2", &to);
    // The record holds what `rekindle deal stage D2 <to>` records: the stage and a history
    // row at the moment of the move.
    let (stage, rows, last) = ctx.served.with_store(async |store| {
        let r = store.deal("D2".parse().unwrap()).await.unwrap();
        let last = r.stage_history.last().map(|s| (s.stage.clone(), s.at));
        (r.deal.stage, r.stage_history.len(), last)
    });
    assert_eq!(stage, to);
    assert_eq!(rows, history + 1, "one stage history row added");
    assert_eq!(last, Some((to, NOW.parse().unwrap())));
}

/// The first stage of the pipeline's policy that is not `from`.
fn other_stage(ctx: &Ctx, from: &str) -> String {
    ctx.served.with_store(async |store| {
        rekindle_app::record::policy(store, &Caller::local())
            .await
            .unwrap()
            .pipeline
            .stages
            .iter()
            .map(|s| s.name.clone())
            .find(|s| s != from)
            .expect("another stage")
    })
}

/// Moves `deal` to the stage `to` with its card's "Move to" form on the board, and waits until
/// the board the move redirects to shows the card in that column.
fn move_on_board(ctx: &Ctx, deal: &str, to: &str) {
    let card_css = format!("#deal-{deal}");
    ctx.goto("/pipeline");
    ctx.web(async |c| {
        let card = c
            .find(Locator::Css(&card_css))
            .await
            .unwrap_or_else(|e| panic!("{deal}'s card: {e}"));
        let select = card
            .find(Locator::Css("form.move select[name=stage]"))
            .await
            .expect("its Move to list");
        select.select_by_value(to).await.expect("choose the stage");
        card.find(Locator::Css("form.move button[type=submit]"))
            .await
            .expect("its Move button")
            .click()
            .await
            .expect("click Move");
    });
    // Back on the board (POST/redirect/GET), with the card in its new column. The old board
    // may still be on screen for a moment: read until the new one answers (a stale element is
    // the old page going away).
    let column = ctx.web(async |c| {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let seen = async {
                let card = c.find(Locator::Css(&card_css)).await.ok()?;
                let h2 = card
                    .find(Locator::XPath("ancestor::section[1]/h2"))
                    .await
                    .ok()?;
                h2.text().await.ok()
            }
            .await;
            match seen {
                Some(text) if text.eq_ignore_ascii_case(to) => return text,
                Some(text) if Instant::now() > until => return text,
                None if Instant::now() > until => {
                    panic!("{deal} never showed on the board again")
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    });
    assert_eq!(
        column.to_lowercase(),
        to.to_lowercase(),
        "the column {deal} shows in"
    );
    let url = ctx.web(async |c| c.current_url().await.expect("url"));
    assert!(url.path() == "/pipeline", "not back on the board: {url}");
}

fn upload_mbox(ctx: &Ctx) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/fuzz-corpus/thunderbird-unescaped-from.mbox")
        .canonicalize()
        .expect("the mbox fixture");
    // Another writer holds the database, so the import waits (the store waits up to 30 s)
    // and the page shows it running; the lock goes once that is seen.
    let lock = rusqlite::Connection::open(&ctx.served.db).expect("the database");
    lock.execute_batch("BEGIN IMMEDIATE")
        .expect("holding the write lock");
    ctx.goto("/import");
    ctx.web(async |c| {
        c.find(Locator::Css("#import-file"))
            .await
            .expect("the file input")
            .send_keys(&fixture.display().to_string())
            .await
            .expect("choose the file");
        c.find(Locator::Css("#import-me"))
            .await
            .expect("the addresses input")
            .send_keys("alex@seller.example")
            .await
            .expect("type the address");
        c.find(Locator::Css("form.import button[type=submit]"))
            .await
            .expect("the Import button")
            .click()
            .await
            .expect("click Import");
    });
    let running = ctx.wait_for("#import-job[aria-busy=true]");
    assert!(
        running.contains("Importing thunderbird-unescaped-from.mbox (mail)")
            && running.contains("1.2 kB uploaded"),
        "{running}"
    );
    shoot(ctx, "import-running");
    let refresh = ctx.web(async |c| {
        c.find(Locator::LinkText("Refresh"))
            .await
            .expect("a Refresh link for a page without JavaScript")
            .attr("href")
            .await
            .expect("href")
    });
    let url = ctx.web(async |c| c.current_url().await.expect("url"));
    assert_eq!(
        refresh.as_deref(),
        Some(url.path()),
        "Refresh reloads the job's page"
    );
    // A mark on this document: still there when the summary shows, so htmx's polling
    // brought it in, not a reload.
    ctx.web(async |c| {
        c.execute("window.rekindleMark = 42;", vec![])
            .await
            .expect("marking the document")
    });
    lock.execute_batch("ROLLBACK").expect("releasing the lock");
    drop(lock);
    let summary = ctx.wait_for("pre.summary");
    let mark = ctx.web(async |c| {
        c.execute("return window.rekindleMark;", vec![])
            .await
            .expect("reading the mark")
    });
    assert_eq!(
        mark,
        serde_json::json!(42),
        "the page was reloaded, not polled"
    );
    let said = ctx.text("#status");
    assert_eq!(
        said, "Imported thunderbird-unescaped-from.mbox.",
        "the live region"
    );
    let heading = ctx.text("#job-h");
    assert_eq!(heading, "Imported thunderbird-unescaped-from.mbox");
    assert!(summary.starts_with("Read 2 messages"), "{summary}");
    assert!(summary.contains("already imported"), "{summary}");
    shoot(ctx, "import-done");
    // A reload shows the same job again: the upload was answered with a redirect, so the
    // browser does not send the file a second time.
    let jobs_before = ctx.web(async |c| c.current_url().await.expect("url"));
    ctx.web(async |c| c.refresh().await.expect("reload"));
    assert_eq!(ctx.text("#job-h"), heading, "after a reload");
    let url = ctx.web(async |c| c.current_url().await.expect("url"));
    assert_eq!(url, jobs_before, "a reload moved");
    assert!(url.path().starts_with("/import/jobs/"), "{url}");
}

/// A HubSpot export's deals and contacts chosen together in the CRM form, as a dry run: the
/// summary says what would come in and that nothing was kept (a dry run, so the demo pipeline
/// the other checks read stays as it was).
fn crm_dry_run(ctx: &Ctx) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/fixtures/crm")
        .canonicalize()
        .expect("the CRM fixtures");
    let files: Vec<String> = [
        "hubspot-crm-exports-all-deals-2025-03-05.csv",
        "hubspot-crm-exports-all-contacts-2025-03-05-excel-resaved.csv",
    ]
    .iter()
    .map(|f| fixtures.join(f).display().to_string())
    .collect();
    let before = ctx
        .served
        .with_store(async |store| store.deal_count().await.expect("deals"));
    ctx.goto("/import");
    ctx.web(async |c| {
        // WebDriver takes several files for one input as their paths, a line each.
        c.find(Locator::Css("#crm-files"))
            .await
            .expect("the export files input")
            .send_keys(&files.join("\n"))
            .await
            .expect("choose the files");
        // HubSpot chosen, dry run ticked, then the form's button.
        for css in [
            "#crm-from option[value=hubspot]",
            "#crm-dry-run",
            "form.import-crm button[type=submit]",
        ] {
            c.find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no {css}: {e}"))
                .click()
                .await
                .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
        }
    });
    let summary = ctx.wait_for("pre.summary");
    let heading = ctx.text("#job-h");
    assert_eq!(
        heading,
        "Nothing kept from hubspot-crm-exports-all-deals-2025-03-05.csv, hubspot-crm-exports-all-contacts-2025-03-05-excel-resaved.csv"
    );
    assert!(
        summary.starts_with("Would import from hubspot:"),
        "{summary}"
    );
    assert!(summary.contains("deals: 4 created"), "{summary}");
    assert!(summary.contains("contacts: 4 created"), "{summary}");
    assert!(
        summary.ends_with("Dry run: nothing was changed."),
        "{summary}"
    );
    shoot(ctx, "import-crm-dry-run");
    let after = ctx
        .served
        .with_store(async |store| store.deal_count().await.expect("deals"));
    assert_eq!(after, before, "a dry run added deals");
}
