//! Reading calendars from a CalDAV server (RFC 4791): from a server, principal, calendar home or
//! calendar URL, find the calendars, then ask each for the events in a time window
//! (`calendar-query` REPORT). Blocking (ureq over rustls with ring): run it off the async
//! runtime.

use crate::Skipped;
use crate::calendar::{Budget, CalendarRead, Window, parse_ics_each};
use base64::Engine;
use quick_xml::Reader;
use quick_xml::events::Event;
use rekindle_core::calendar::Occurrence;
use std::path::PathBuf;
use std::time::Duration;
use ureq::http::{Method, Request};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

/// A CalDAV account. The password is never part of it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CalDavServer {
    /// The server, principal, calendar home or calendar URL.
    pub url: String,
    pub user: String,
    /// PEM certificates to trust instead of the public roots (a company CA, a self-signed
    /// server).
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum CalDavError {
    #[error("{url}: {detail}")]
    Http { url: String, detail: String },
    #[error("{url} refused the login for {user} (HTTP {status})")]
    Login {
        url: String,
        user: String,
        status: u16,
    },
    #[error(
        "refusing to send a password unencrypted to {0}: use https (plain http is for servers on this machine)"
    )]
    PlainRemote(String),
    #[error("{url}: no calendar found there")]
    NoCalendar { url: String },
    #[error("{path}: {detail}")]
    CaFile { path: PathBuf, detail: String },
}

/// One `<response>` of a multistatus: its href and the text of the properties asked for, by
/// local name; `calendar` when its resource type says it is a calendar collection.
#[derive(Debug, Default)]
struct Response {
    href: String,
    props: Vec<(String, String)>,
    calendar: bool,
    /// Some text of it was longer than `MAX_RESOURCE_BYTES` and cut.
    cut: bool,
}

impl Response {
    fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Largest answer read from a CalDAV server, in bytes: a calendar-query REPORT answers with
/// every event in the window at once. It is read as it arrives, one `<response>` at a time,
/// so memory follows the largest response, not this.
pub const MAX_ANSWER_BYTES: u64 = 1 << 30;

/// Largest text of one property of one response (a resource's `calendar-data`: one event and
/// its exceptions), in bytes; a larger one is cut and its resource skipped. A calendar file of
/// a single meeting is a few KiB; 16 MiB allows for attachments inlined.
pub const MAX_RESOURCE_BYTES: usize = 16 << 20;

/// Reads a multistatus body. Namespaces are matched by local name, as servers vary in prefixes.
#[cfg(test)]
fn multistatus(xml: &str) -> Result<Vec<Response>, String> {
    let mut responses = Vec::new();
    multistatus_each(xml.as_bytes(), |r| responses.push(r))?;
    Ok(responses)
}

/// Reads a multistatus body from `reader`, handing each `<response>` to `each` as it ends.
/// Text beyond `MAX_RESOURCE_BYTES` in one element is dropped and the response marked `cut`.
fn multistatus_each(
    reader: impl std::io::BufRead,
    mut each: impl FnMut(Response),
) -> Result<(), String> {
    let mut reader = Reader::from_reader(reader);
    let mut buffer = Vec::new();
    let mut current: Option<Response> = None;
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut cut = false;
    let push = |text: &mut String, more: &str, cut: &mut bool| {
        if text.len() + more.len() > MAX_RESOURCE_BYTES {
            *cut = true;
        } else {
            text.push_str(more);
        }
    };
    loop {
        buffer.clear();
        match reader
            .read_event_into(&mut buffer)
            .map_err(|e| e.to_string())?
        {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "response" {
                    current = Some(Response::default());
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "calendar"
                    && path.last().is_some_and(|p| p == "resourcetype")
                    && let Some(r) = current.as_mut()
                {
                    r.calendar = true;
                }
            }
            Event::Text(t) => push(&mut text, &t.decode().map_err(|e| e.to_string())?, &mut cut),
            Event::CData(t) => push(&mut text, &String::from_utf8_lossy(&t), &mut cut),
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let named = match name.as_str() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                };
                push(&mut text, named, &mut cut);
                if let Some(c) = name
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32)
                {
                    push(&mut text, c.encode_utf8(&mut [0; 4]), &mut cut);
                }
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                if let Some(r) = current.as_mut() {
                    match name.as_str() {
                        "response" => {
                            if let Some(mut r) = current.take() {
                                r.cut = std::mem::take(&mut cut);
                                each(r);
                            }
                        }
                        "href" if path.last().is_some_and(|p| p == "response") => {
                            r.href = text.trim().to_string();
                        }
                        "href" => {
                            // The href inside a property (current-user-principal, home set).
                            if let Some(prop) = path.last() {
                                r.props.push((prop.clone(), text.trim().to_string()));
                            }
                        }
                        "calendar" if path.last().is_some_and(|p| p == "resourcetype") => {
                            r.calendar = true;
                        }
                        "calendar-data" | "getetag" | "displayname" => {
                            r.props.push((name, std::mem::take(&mut text)));
                        }
                        _ => {}
                    }
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// A logged-in CalDAV client.
pub struct CalDav {
    server: CalDavServer,
    agent: ureq::Agent,
    authorization: String,
}

fn is_loopback_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `href` resolved against `base` (hrefs are usually absolute paths).
fn resolve(base: &str, href: &str) -> String {
    if href.contains("://") {
        return href.to_string();
    }
    let origin_end = base
        .find("://")
        .map(|i| base[i + 3..].find('/').map_or(base.len(), |j| i + 3 + j))
        .unwrap_or(base.len());
    if href.starts_with('/') {
        format!("{}{href}", &base[..origin_end])
    } else {
        format!("{}/{href}", base.trim_end_matches('/'))
    }
}

const PROPFIND_SELF: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:resourcetype/><D:current-user-principal/><C:calendar-home-set/></D:prop>
</D:propfind>"#;

const PROPFIND_CHILDREN: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:displayname/></D:prop></D:propfind>"#;

impl CalDav {
    pub fn new(server: &CalDavServer, password: &str) -> Result<CalDav, CalDavError> {
        if server.url.starts_with("http://") && !is_loopback_url(&server.url) {
            return Err(CalDavError::PlainRemote(server.url.clone()));
        }
        let mut tls = TlsConfig::builder();
        if let Some(path) = &server.ca_file {
            let bad = |detail: String| CalDavError::CaFile {
                path: path.clone(),
                detail,
            };
            let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
            let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c.to_owned())),
                    Ok(_) => None,
                    Err(e) => Some(Err(bad(e.to_string()))),
                })
                .collect::<Result<_, _>>()?;
            if certs.is_empty() {
                return Err(bad("no PEM certificate in it".into()));
            }
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        let agent = ureq::Agent::config_builder()
            .allow_non_standard_methods(true)
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .tls_config(tls.build())
            .build()
            .into();
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{password}", server.user));
        Ok(CalDav {
            server: server.clone(),
            agent,
            authorization: format!("Basic {token}"),
        })
    }

    fn request(
        &self,
        method: &str,
        url: &str,
        depth: &str,
        body: &str,
    ) -> Result<impl std::io::BufRead + use<>, CalDavError> {
        let http = |detail: String| CalDavError::Http {
            url: url.to_string(),
            detail,
        };
        let request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).map_err(|e| http(e.to_string()))?)
            .uri(url)
            .header("Authorization", &self.authorization)
            .header("Depth", depth)
            .header("Content-Type", "application/xml; charset=utf-8")
            .body(body.to_string())
            .map_err(|e| http(e.to_string()))?;
        let response = self.agent.run(request).map_err(|e| http(e.to_string()))?;
        let status = response.status().as_u16();
        if status == 401 || status == 403 {
            return Err(CalDavError::Login {
                url: url.to_string(),
                user: self.server.user.clone(),
                status,
            });
        }
        if status != 207 {
            return Err(http(format!("{method} answered HTTP {status}")));
        }
        let body = response
            .into_body()
            .into_with_config()
            .limit(MAX_ANSWER_BYTES)
            .reader();
        Ok(std::io::BufReader::with_capacity(64 * 1024, body))
    }

    /// Sends a request and reads its multistatus answer, handing each response to `each`.
    fn multistatus(
        &self,
        method: &str,
        url: &str,
        depth: &str,
        body: &str,
        each: impl FnMut(Response),
    ) -> Result<(), CalDavError> {
        let answer = self.request(method, url, depth, body)?;
        multistatus_each(answer, each).map_err(|detail| CalDavError::Http {
            url: url.to_string(),
            detail: format!("unreadable answer: {detail}"),
        })
    }

    fn propfind(&self, url: &str, depth: &str, body: &str) -> Result<Vec<Response>, CalDavError> {
        let mut responses = Vec::new();
        self.multistatus("PROPFIND", url, depth, body, |r| responses.push(r))?;
        Ok(responses)
    }

    /// The calendar collections at or under the configured URL.
    pub fn calendars(&self) -> Result<Vec<String>, CalDavError> {
        let url = &self.server.url;
        let own = self.propfind(url, "0", PROPFIND_SELF)?;
        let me = own.first();
        if me.is_some_and(|r| r.calendar) {
            return Ok(vec![url.clone()]);
        }
        let mut home = me
            .and_then(|r| r.prop("calendar-home-set"))
            .map(|h| resolve(url, h));
        if home.is_none()
            && let Some(principal) = me.and_then(|r| r.prop("current-user-principal"))
        {
            let principal = resolve(url, principal);
            if principal.trim_end_matches('/') != url.trim_end_matches('/') {
                home = self
                    .propfind(&principal, "0", PROPFIND_SELF)?
                    .first()
                    .and_then(|r| r.prop("calendar-home-set"))
                    .map(|h| resolve(url, h));
            }
        }
        let home = home.unwrap_or_else(|| url.clone());
        let calendars: Vec<String> = self
            .propfind(&home, "1", PROPFIND_CHILDREN)?
            .into_iter()
            .filter(|r| r.calendar)
            .map(|r| resolve(url, &r.href))
            .collect();
        if calendars.is_empty() {
            return Err(CalDavError::NoCalendar { url: url.clone() });
        }
        Ok(calendars)
    }

    /// The events of one calendar that touch the window, as occurrences.
    pub fn events(&self, calendar: &str, window: Window) -> Result<CalendarRead, CalDavError> {
        let mut occurrences = Vec::new();
        let mut read = self.events_each(calendar, window, |o| occurrences.push(o))?;
        read.occurrences = occurrences;
        Ok(read)
    }

    /// The events of one calendar that touch the window, each occurrence handed to `take` as
    /// its response arrives: the returned read holds the counts and what was skipped, its
    /// `occurrences` empty. Memory follows one response, whatever the calendar's size.
    pub fn events_each(
        &self,
        calendar: &str,
        window: Window,
        mut take: impl FnMut(Occurrence),
    ) -> Result<CalendarRead, CalDavError> {
        let stamp = |t: jiff::Timestamp| t.strftime("%Y%m%dT%H%M%SZ").to_string();
        let query = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{}" end="{}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"#,
            stamp(window.from),
            stamp(window.to)
        );
        let mut all = CalendarRead::default();
        let mut budget = Budget::default();
        self.multistatus("REPORT", calendar, "1", &query, |response| {
            let origin = resolve(calendar, &response.href);
            if response.cut {
                all.skipped.push(Skipped {
                    origin,
                    reason: format!("larger than {} MiB: passed over", MAX_RESOURCE_BYTES >> 20),
                });
                return;
            }
            let Some(data) = response.prop("calendar-data") else {
                return;
            };
            let read = parse_ics_each(&origin, data, window, &mut budget, &mut take);
            all.events += read.events;
            all.skipped.extend(read.skipped);
        })?;
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_and_loopback_is_recognised() {
        assert_eq!(
            resolve("https://dav.example.com/u/alice/", "/u/alice/work/"),
            "https://dav.example.com/u/alice/work/"
        );
        assert_eq!(
            resolve("http://127.0.0.1:5232/alice", "work/"),
            "http://127.0.0.1:5232/alice/work/"
        );
        assert!(is_loopback_url("http://127.0.0.1:5232/alice/"));
        assert!(is_loopback_url("http://localhost/"));
        assert!(is_loopback_url("http://[::1]:8080/"));
        assert!(!is_loopback_url("http://dav.example.com/"));
        assert!(!is_loopback_url("http://127.0.0.1.evil.example/"));
    }

    #[test]
    fn a_multistatus_yields_hrefs_calendars_and_escaped_calendar_data() {
        let xml = r#"<?xml version="1.0"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <response><href>/alice/</href><propstat><prop><resourcetype><collection/></resourcetype></prop></propstat></response>
 <response><href>/alice/work/</href><propstat><prop><resourcetype><collection/><C:calendar/></resourcetype></prop></propstat></response>
 <response><href>/alice/work/a.ics</href><propstat><prop><C:calendar-data>BEGIN:VCALENDAR&#13;
SUMMARY:R&amp;D &lt;review&gt;&#13;
END:VCALENDAR</C:calendar-data></prop></propstat></response>
</multistatus>"#;
        let r = multistatus(xml).unwrap();
        assert_eq!(r.len(), 3);
        assert!(!r[0].calendar && r[1].calendar);
        assert_eq!(r[2].href, "/alice/work/a.ics");
        assert_eq!(
            r[2].prop("calendar-data").unwrap(),
            "BEGIN:VCALENDAR\r\nSUMMARY:R&D <review>\r\nEND:VCALENDAR"
        );
    }

    #[test]
    fn a_response_larger_than_the_cap_is_cut_and_marked_and_the_next_one_read() {
        let huge = "x".repeat(MAX_RESOURCE_BYTES + 1);
        let xml = format!(
            r#"<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <response><href>/a.ics</href><propstat><prop><C:calendar-data>{huge}</C:calendar-data></prop></propstat></response>
 <response><href>/b.ics</href><propstat><prop><C:calendar-data>BEGIN:VCALENDAR</C:calendar-data></prop></propstat></response>
</multistatus>"#
        );
        let r = multistatus(&xml).unwrap();
        assert_eq!(r.len(), 2);
        assert!(r[0].cut && !r[1].cut);
        assert!(
            r[0].prop("calendar-data")
                .is_none_or(|d| d.len() <= MAX_RESOURCE_BYTES)
        );
        assert_eq!(r[1].prop("calendar-data"), Some("BEGIN:VCALENDAR"));
    }
}
