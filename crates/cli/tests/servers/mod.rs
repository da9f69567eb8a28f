//! Real servers for the sync tests, each started on loopback in a temp folder and stopped when
//! dropped: Dovecot (IMAP) and Radicale (CalDAV). `.ci/setup` installs them.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn need(program: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"] {
        let p = Path::new(dir).join(program);
        if p.exists() {
            return p;
        }
    }
    panic!("{program} is not installed: run .ci/setup (it installs the test servers)");
}

fn wait_for_port(port: u16, child: &mut Child, log: &Path) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the server exited ({status}): {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "the server did not listen on {port}: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// A self-signed certificate for 127.0.0.1 and localhost that rustls accepts (not a CA).
pub fn certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let out = Command::new(need("openssl"))
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=localhost"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (cert, key)
}

/// Dovecot with one user, `alice` / `secret`, on a plain (STARTTLS-capable) port and a TLS port.
pub struct Dovecot {
    pub dir: tempfile::TempDir,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub cert: PathBuf,
    child: Child,
}

pub const USER: &str = "alice";
pub const PASSWORD: &str = "pw-7Hq2-no-plain-text";

impl Dovecot {
    pub fn start() -> Dovecot {
        let binary = need("dovecot");
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (cert, key) = certificate(d);
        let imap_port = free_port();
        let imaps_port = free_port();
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        std::fs::write(d.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        let config = format!(
            r#"base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = {d}/passwd
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={d}/mail/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \Sent
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
"#,
            d = d.display(),
            cert = cert.display(),
            key = key.display(),
        );
        let conf = d.join("dovecot.conf");
        std::fs::write(&conf, config).unwrap();
        let mut dovecot = Dovecot {
            child: Command::new(binary)
                .arg("-F")
                .arg("-c")
                .arg(&conf)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
            dir,
            imap_port,
            imaps_port,
            cert,
        };
        let log = dovecot.dir.path().join("log");
        wait_for_port(imap_port, &mut dovecot.child, &log);
        wait_for_port(imaps_port, &mut dovecot.child, &log);
        // The mail folders exist before the first login, owned by the mail user.
        for folder in ["", ".Sent"] {
            for sub in ["cur", "new", "tmp"] {
                std::fs::create_dir_all(dovecot.maildir(folder).join(sub)).unwrap();
            }
        }
        dovecot.own_mail();
        dovecot
    }

    /// A folder's Maildir: "" for the inbox, ".Sent" for the sent folder.
    pub fn maildir(&self, folder: &str) -> PathBuf {
        self.dir
            .path()
            .join("mail")
            .join(USER)
            .join("Maildir")
            .join(folder)
    }

    fn own_mail(&self) {
        let status = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(self.dir.path().join("mail"))
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Delivers a message into a folder, as a mail server would.
    pub fn deliver(&self, folder: &str, name: &str, message: &str) {
        let path = self.maildir(folder).join("new").join(name);
        std::fs::write(path, message.replace('\n', "\r\n")).unwrap();
        self.own_mail();
    }

    /// Makes the server renumber a folder, as after a restore: a new UIDVALIDITY. The server is
    /// stopped meanwhile, so no process of it keeps the old numbering in memory.
    pub fn renumber(&mut self, folder: &str) {
        stop(&mut self.child);
        let dir = self.maildir(folder);
        // Dovecot's UIDVALIDITY is the time the list is made: make sure it differs.
        std::thread::sleep(Duration::from_millis(1100));
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("dovecot") {
                std::fs::remove_file(&path).unwrap();
            }
        }
        // Every message back to `new`, as if the folder were restored from a backup.
        for entry in std::fs::read_dir(dir.join("cur")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let base = name.split(':').next().unwrap().to_string();
            std::fs::rename(&path, dir.join("new").join(base)).unwrap();
        }
        self.child = Command::new(need("dovecot"))
            .arg("-F")
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let log = self.dir.path().join("log");
        wait_for_port(self.imap_port, &mut self.child, &log);
        wait_for_port(self.imaps_port, &mut self.child, &log);
    }
}

/// Stops a server the way its service manager would (SIGTERM, so it takes its workers down).
fn stop(child: &mut Child) {
    // SAFETY: signalling a child process this test started and has not reaped.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let _ = child.wait();
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// Radicale (CalDAV) with one user, `alice`, over HTTPS with a self-signed certificate.
pub struct Radicale {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub cert: PathBuf,
    child: Child,
    agent: ureq::Agent,
}

impl Radicale {
    pub fn start() -> Radicale {
        let binary = need("radicale");
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (cert, key) = certificate(d);
        let port = free_port();
        std::fs::write(d.join("users"), format!("{USER}:{PASSWORD}\n")).unwrap();
        let config = format!(
            "[server]\nhosts = 127.0.0.1:{port}\nssl = True\ncertificate = {cert}\nkey = {key}\n\
             [auth]\ntype = htpasswd\nhtpasswd_filename = {d}/users\nhtpasswd_encryption = plain\n\
             [rights]\ntype = owner_only\n[storage]\nfilesystem_folder = {d}/collections\n\
             [logging]\nlevel = warning\n",
            d = d.display(),
            cert = cert.display(),
            key = key.display(),
        );
        let conf = d.join("config");
        std::fs::write(&conf, config).unwrap();
        let log = d.join("log");
        let mut child = Command::new(binary)
            .arg("--config")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        wait_for_port(port, &mut child, &log);
        let pem = std::fs::read(&cert).unwrap();
        let ca = ureq::tls::Certificate::from_pem(&pem).unwrap().to_owned();
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::new_with_certs(&[ca]))
            .build();
        let agent = ureq::Agent::config_builder()
            .allow_non_standard_methods(true)
            .http_status_as_error(false)
            .tls_config(tls)
            .build()
            .into();
        Radicale {
            dir,
            port,
            cert,
            child,
            agent,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    fn send(&self, method: &str, path: &str, content_type: &str, body: &str) -> u16 {
        use base64::Engine;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
        let request = ureq::http::Request::builder()
            .method(ureq::http::Method::from_bytes(method.as_bytes()).unwrap())
            .uri(self.url(path))
            .header("Authorization", format!("Basic {auth}"))
            .header("Content-Type", content_type)
            .body(body.to_string())
            .unwrap();
        self.agent.run(request).unwrap().status().as_u16()
    }

    /// Creates a calendar collection, e.g. `/alice/work/`.
    pub fn make_calendar(&self, path: &str) {
        let status = self.send("MKCALENDAR", path, "application/xml", "");
        assert_eq!(status, 201, "MKCALENDAR {path}");
    }

    /// Stores an event (an iCalendar object) at a path in a calendar.
    pub fn put(&self, path: &str, ics: &str) {
        let status = self.send("PUT", path, "text/calendar; charset=utf-8", ics);
        assert!(status == 201 || status == 204, "PUT {path}: {status}");
    }
}

impl Drop for Radicale {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// An SMTP server (aiosmtpd, `smtp_sink.py`) that writes what it accepts to a Maildir.
pub struct SmtpSink {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub cert: PathBuf,
    child: Child,
}

/// How the SMTP sink is started.
#[derive(Default)]
pub struct SmtpOptions {
    /// "tls" (implicit), "starttls" or "plain".
    pub security: &'static str,
    pub auth: Option<(&'static str, &'static str)>,
    /// Seconds between storing a message and answering 250.
    pub delay: f64,
    /// Recipients it refuses with 550.
    pub refuse: Vec<&'static str>,
    /// Recipients it refuses for now with 450.
    pub defer: Vec<&'static str>,
    /// Senders it refuses with 553 (MAIL FROM).
    pub refuse_sender: Vec<&'static str>,
}

impl SmtpSink {
    pub fn start(options: SmtpOptions) -> SmtpSink {
        let python = need("python3");
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = certificate(dir.path());
        let port = free_port();
        let log = dir.path().join("smtp.log");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers/smtp_sink.py");
        let mut command = Command::new(python);
        command
            .arg(script)
            .args(["--port", &port.to_string()])
            .arg("--maildir")
            .arg(dir.path().join("maildir"));
        match options.security {
            "tls" => {
                command.arg("--tls").arg(&cert).arg(&key);
            }
            "starttls" => {
                command.arg("--starttls").arg(&cert).arg(&key);
            }
            _ => {}
        }
        if let Some((user, password)) = options.auth {
            command.args(["--auth", &format!("{user}:{password}")]);
        }
        if options.delay > 0.0 {
            command.args(["--delay", &options.delay.to_string()]);
        }
        for r in &options.refuse {
            command.args(["--refuse", r]);
        }
        for r in &options.defer {
            command.args(["--defer", r]);
        }
        for r in &options.refuse_sender {
            command.args(["--refuse-sender", r]);
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        wait_for_port(port, &mut child, &log);
        SmtpSink {
            dir,
            port,
            cert,
            child,
        }
    }

    /// Every message delivered so far, as text, oldest first.
    pub fn delivered(&self) -> Vec<String> {
        let new = self.dir.path().join("maildir/new");
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&new)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| (e.metadata().unwrap().modified().unwrap(), e.path()))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .into_iter()
            .map(|(_, p)| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
