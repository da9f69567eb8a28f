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

    /// Makes the server renumber a folder, as after a restore: a new UIDVALIDITY.
    pub fn renumber(&self, folder: &str) {
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
