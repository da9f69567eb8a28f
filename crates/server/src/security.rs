//! The request guards a local server with forms needs, since any web page the rep visits can
//! send requests to it (OWASP Cross-Site Request Forgery Prevention Cheat Sheet):
//!
//! - **Host** must name the bound address (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`, or
//!   the address itself when bound elsewhere): a page on another name that resolves to
//!   127.0.0.1 (DNS rebinding) is refused with 421 Misdirected Request (RFC 9110, 15.5.20).
//! - A state-changing request (anything but GET, HEAD and OPTIONS) from a browser carries an
//!   `Origin` (Fetch standard); when present it must be this server's origin.
//! - A page form must carry the server's secret token (a hidden `_csrf` field, the
//!   `X-Rekindle-Token` header that `assets/app.js` adds to htmx requests, or `?_csrf=` on a
//!   file upload's action); the token is drawn at start from the OS's random source and only
//!   this server's pages hold it.
//! - An API request that changes state must send a JSON body (`Content-Type:
//!   application/json`) or, for a file import, the file as the body with its own type
//!   (`application/mbox`, `message/rfc822`, `text/calendar`, a CRM export's `text/csv`,
//!   spreadsheet and ZIP types: [`API_BODY_TYPES`]). None of
//!   these is a CORS-safelisted type (only `application/x-www-form-urlencoded`,
//!   `multipart/form-data` and `text/plain` are), so another site can send such a request
//!   only after a CORS preflight, which this server never approves (Fetch standard,
//!   "CORS-safelisted request-header"); a plain HTML form cannot send them at all.
//! - Every answer carries a Content-Security-Policy without `unsafe-inline` (scripts and styles
//!   only from this server's own files), `frame-ancestors 'none'`, `nosniff` and
//!   `Referrer-Policy: same-origin` (no address of a page here reaches another site). Not
//!   `no-referrer`: under it a browser sends `Origin: null` with its own forms' POSTs (Fetch
//!   standard, "append a request `Origin` header"), which the Origin check refuses.

use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;

/// The header htmx requests carry the form token in.
pub const TOKEN_HEADER: &str = "x-rekindle-token";

/// The form field (and query parameter, for uploads) that carries the token.
pub const TOKEN_FIELD: &str = "_csrf";

/// The largest form body read to find the token: 4 MiB (a draft, a pasted message). Uploads
/// are multipart and carry the token in the action's query.
const MAX_FORM: usize = 4 * 1024 * 1024;

/// The body types an API write may send: JSON, and the file types `POST /api/v1/imports`
/// takes (mail, a calendar, a CRM export: `upload::CRM_MEDIA_TYPES`). Each needs a
/// CORS preflight from another origin (none is CORS-safelisted), which is what keeps other
/// sites' pages from sending them.
pub const API_BODY_TYPES: &[&str] = &[
    "application/json",
    "application/mbox",
    "message/rfc822",
    "text/calendar",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/zip",
];

/// The Content-Security-Policy of every answer (CSP Level 3).
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The secrets and names one server checks requests against.
pub struct Guard {
    token: String,
    hosts: Vec<String>,
    /// The key of [`Guard::seal`]: random for each server (SipHash keyed by the standard
    /// library's random state).
    seals: std::hash::RandomState,
}

impl Guard {
    /// The guard of a server bound at `addr`, with a fresh random token.
    ///
    /// Errors: the operating system's random source failed (the server cannot start safely).
    pub fn new(addr: SocketAddr) -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 24];
        getrandom::fill(&mut bytes)?;
        let token = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let port = addr.port();
        let mut hosts = vec![addr.to_string()];
        if addr.ip().is_loopback() {
            hosts.extend([
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
            ]);
        }
        Ok(Guard {
            token,
            hosts,
            seals: std::hash::RandomState::new(),
        })
    }

    /// A seal of `text` this server made (16 hex digits): a page shows text from its own
    /// query only with the seal the redirect to it carried, so a link made elsewhere cannot
    /// put words on the rep's page.
    pub fn seal(&self, text: &str) -> String {
        use std::hash::BuildHasher;
        format!("{:016x}", self.seals.hash_one((&self.token, text)))
    }

    /// The form token this server's pages carry.
    pub fn token(&self) -> &str {
        &self.token
    }

    fn host_ok(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|h| self.hosts.iter().any(|ok| ok.eq_ignore_ascii_case(h)))
    }

    fn origin_ok(&self, headers: &HeaderMap) -> bool {
        match headers.get(header::ORIGIN) {
            None => true,
            Some(o) => o.to_str().ok().is_some_and(|o| {
                o.strip_prefix("http://")
                    .is_some_and(|host| self.hosts.iter().any(|ok| ok.eq_ignore_ascii_case(host)))
            }),
        }
    }
}

fn refuse(status: StatusCode, why: &str) -> Response {
    crate::error::problem(status, why, None)
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn query_token(request: &Request) -> Option<String> {
    let query = request.uri().query()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == TOKEN_FIELD)
        .map(|(_, v)| v)
}

/// The middleware: refuses what fails a check, passes the rest, and adds the security headers
/// to every answer.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let guard = &state.0.guard;
    let mut response = match check(guard, request).await {
        Ok(request) => next.run(request).await,
        Err(refused) => refused,
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

async fn check(guard: &Guard, request: Request) -> Result<Request, Response> {
    if !guard.host_ok(request.headers()) {
        return Err(refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "the Host header does not name this server's address",
        ));
    }
    if !changes_state(request.method()) {
        return Ok(request);
    }
    if !guard.origin_ok(request.headers()) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "a request from another origin may not change anything here",
        ));
    }
    let ct = content_type(request.headers());
    if request.uri().path().starts_with("/api/") {
        return if API_BODY_TYPES.contains(&ct.as_str()) {
            Ok(request)
        } else {
            Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "a request that changes something must send a JSON body (Content-Type: application/json), or a file to import as application/mbox, message/rfc822, text/calendar or a CRM export (text/csv, a spreadsheet's type, application/zip)",
            ))
        };
    }
    let token = guard.token.as_str();
    let header_token = request
        .headers()
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok());
    if header_token == Some(token) || query_token(&request).as_deref() == Some(token) {
        return Ok(request);
    }
    if ct != "application/x-www-form-urlencoded" {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "the form's token is missing or stale: reload the page and try again",
        ));
    }
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, MAX_FORM).await.map_err(|_| {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the form is larger than 4 MiB",
        )
    })?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    if fields.iter().any(|(k, v)| k == TOKEN_FIELD && v == token) {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(refuse(
            StatusCode::FORBIDDEN,
            "the form's token is missing or stale: reload the page and try again",
        ))
    }
}
