//! `rekindle-server`: the dashboard (server-rendered pages) and the JSON API (`/api/v1`), a
//! thin HTTP shell over `rekindle-app`. Every handler parses its request into the app layer's
//! typed inputs, calls one use case with the [`Caller`] and the moment to assess at, and renders
//! what comes back; no rule of the product lives here.
//!
//! **Invariants**
//! - It binds to loopback unless [`Settings::remote`] is set (the CLI's explicit flag), since it
//!   has no login yet.
//! - No state changes over `GET`; every state-changing request passes [`security`]'s checks
//!   (the Host and Origin of the bound address, the form token, a JSON body for the API).
//! - Everything a prospect wrote is escaped (askama escapes every value in an `.html` template;
//!   nothing is marked safe), and the pages run no inline script or style (the CSP forbids it).
//! - Every page works on a plain load without JavaScript for reading; htmx (vendored in
//!   `assets/`, 0BSD) only enhances.
//! - Time is an input: `?now=` on any page or API route, else [`Settings::now`], else the clock.

mod api;
mod clock;
mod error;
mod pages;
pub mod security;
mod upload;

use axum::Router;
use jiff::Timestamp;
use rekindle_app::Caller;
use rekindle_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;

/// How to serve.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The address to listen on; port 0 picks a free port (the URL is printed).
    pub addr: SocketAddr,
    /// Allow an address other than loopback. Without a login, anyone who can reach the port
    /// can read and change the pipeline: the CLI asks for an explicit flag and warns.
    pub remote: bool,
    /// A fixed moment to assess at (the CLI's `--now`), unless a request names its own.
    pub now: Option<Timestamp>,
}

/// What every handler shares: the store, the caller and the request guards' secrets.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    store: Store,
    caller: Caller,
    guard: security::Guard,
    now: Option<Timestamp>,
}

impl AppState {
    fn store(&self) -> &Store {
        &self.0.store
    }
    fn caller(&self) -> &Caller {
        &self.0.caller
    }
    fn token(&self) -> &str {
        self.0.guard.token()
    }
    fn seal(&self, text: &str) -> String {
        self.0.guard.seal(text)
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address is not a loopback one and [`Settings::remote`] was not set.
    #[error(
        "{0} is not a loopback address: the dashboard has no login yet, so anyone who can reach it could read and change the pipeline"
    )]
    NotLoopback(SocketAddr),
    /// The port could not be bound (in use, not permitted).
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        addr: SocketAddr,
        error: std::io::Error,
    },
    /// The operating system's random source failed, so no form token could be drawn.
    #[error("cannot draw the form token from the operating system's random source: {0}")]
    Random(String),
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// A server bound to its port, ready to run.
pub struct Bound {
    listener: tokio::net::TcpListener,
    router: Router,
    addr: SocketAddr,
    state: AppState,
}

/// How often the whole pipeline is re-assessed in the background while the server runs on
/// the clock (silence grows without any write): 5 minutes. Pages read the assessments of the
/// last refresh (`clock::Now`); a write re-assesses its deals at once.
pub const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

impl Bound {
    /// The address it listens on (with the port picked when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The dashboard's URL, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serves until the process ends (or the future is dropped). The whole pipeline is
    /// assessed once before the first request is answered (at the fixed moment, or the clock's;
    /// requests wait in the listening queue meanwhile), then, on the clock, again every
    /// [`REFRESH_EVERY`] in the background.
    ///
    /// Errors: an I/O failure of the listening socket.
    pub async fn run(self) -> Result<(), ServeError> {
        let state = self.state.clone();
        let first = state.0.now.unwrap_or_else(Timestamp::now);
        // A failed refresh (the database busy) leaves pages to re-assess what they read.
        let _ = rekindle_app::pipeline::refresh(state.store(), state.caller(), first).await;
        let refresher = state.0.now.is_none().then(|| {
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(REFRESH_EVERY).await;
                    let _ = rekindle_app::pipeline::refresh(
                        state.store(),
                        state.caller(),
                        Timestamp::now(),
                    )
                    .await;
                }
            })
        });
        let served = axum::serve(self.listener, self.router).await;
        if let Some(r) = refresher {
            r.abort();
        }
        served?;
        Ok(())
    }
}

/// Binds the dashboard and the API for `store` at `settings.addr`, as the local user.
///
/// Errors: [`ServeError::NotLoopback`] for a non-loopback address without `remote`;
/// [`ServeError::Bind`] when the port cannot be bound.
pub async fn bind(store: Store, settings: Settings) -> Result<Bound, ServeError> {
    if !settings.addr.ip().is_loopback() && !settings.remote {
        return Err(ServeError::NotLoopback(settings.addr));
    }
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|error| ServeError::Bind {
            addr: settings.addr,
            error,
        })?;
    let addr = listener.local_addr()?;
    let state = AppState(Arc::new(Inner {
        store,
        caller: Caller::local(),
        guard: security::Guard::new(addr).map_err(|e| ServeError::Random(e.to_string()))?,
        now: settings.now,
    }));
    Ok(Bound {
        listener,
        router: router(state.clone()),
        addr,
        state,
    })
}

/// Every route: the pages, the API and the assets, behind the security layer.
fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .with_state(state)
}
