//! Reading a text file the user names (a template, a message body): only a regular file is read,
//! and never more than a stated size, so a FIFO cannot hang a command and `/dev/zero` or a huge
//! file cannot exhaust memory.

use anyhow::{Result, bail};
use std::io::Read;
use std::path::Path;

/// Reads the regular file at `path` as UTF-8 text of at most `cap` bytes. `what` names it in
/// the errors ("a template", "--body-file"), with `limit` (the cap's name, as documented).
pub fn read_text_file(path: &Path, what: &str, cap: usize, limit: &str) -> Result<String> {
    let shown = path.display();
    // `metadata` does not open the file: a FIFO is refused before anything waits on it.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => bail!("{what} {shown}: {}", reason(&e)),
    };
    if !meta.is_file() {
        bail!("{what} {shown}: {}, not a regular file", kind(&meta));
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => bail!("{what} {shown}: {}", reason(&e)),
    };
    // The path may have been replaced between the check and the open: check what was opened.
    match file.metadata() {
        Ok(m) if m.is_file() => {}
        Ok(m) => bail!("{what} {shown}: {}, not a regular file", kind(&m)),
        Err(e) => bail!("{what} {shown}: {}", reason(&e)),
    }
    let mut bytes = Vec::new();
    let limit_bytes = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    if let Err(e) = file.take(limit_bytes).read_to_end(&mut bytes) {
        bail!("{what} {shown}: {}", reason(&e));
    }
    if bytes.len() > cap {
        bail!(
            "{what} {shown} is larger than {} ({limit}); the most is {cap} bytes",
            size(cap)
        );
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => bail!(
            "{what} {shown} is not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ),
    }
}

/// As [`read_text_file`], with `-` meaning standard input (read up to the same cap).
pub fn read_text_or_stdin(path: &Path, what: &str, cap: usize, limit: &str) -> Result<String> {
    if path.as_os_str() != "-" {
        return read_text_file(path, what, cap, limit);
    }
    let mut bytes = Vec::new();
    let limit_bytes = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    if let Err(e) = std::io::stdin().take(limit_bytes).read_to_end(&mut bytes) {
        bail!("{what} -: reading standard input: {e}");
    }
    if bytes.len() > cap {
        bail!(
            "{what} -: standard input is larger than {} ({limit}); the most is {cap} bytes",
            size(cap)
        );
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => bail!(
            "{what} -: standard input is not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ),
    }
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a plain file"
    }
}

/// `cap` as a reader would say it: "1 MiB", "64 KiB", "900 bytes".
pub fn size(cap: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if cap >= MIB && cap.is_multiple_of(MIB) {
        format!("{} MiB", cap / MIB)
    } else if cap >= KIB && cap.is_multiple_of(KIB) {
        format!("{} KiB", cap / KIB)
    } else {
        format!("{cap} bytes")
    }
}
