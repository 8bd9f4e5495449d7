//! Records → JSONL. One `\n`-terminated line per record, in the order given. To a regular file,
//! output is written to a temporary file beside it and renamed into place at the end, so a reader
//! never sees half a batch; with `--resume` lines are appended and flushed after every chunk, so a
//! crash loses at most the chunk in flight (the next `--resume` run drops a torn last line and
//! redoes those articles).
//!
//! Hostile paths: a symlink is followed and its final target replaced (the link stays); a device,
//! FIFO, socket or file-descriptor link (`/dev/stdout`, `/proc/self/fd/N`) is written in place,
//! never replaced; a folder is refused before any work ([`Target::of`]). A new file gets the
//! umask's mode (`0666 & !umask`), a replaced file keeps its mode. SIGINT and SIGTERM remove the
//! temporary file and exit 130 / 143 ([`remove_temp_on_signal`]); a SIGKILL or crash leaves it.

use crate::assemble::{Record, SCHEMA};
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Where records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// What a file destination names, once symlinks are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A regular file, existing or not: replaced atomically (temporary file + rename).
    Replace(PathBuf),
    /// A device, FIFO or socket, or a file-descriptor link under `/proc` (what `/dev/stdout`
    /// names): opened and written in place. `append` for a regular file reached through such a
    /// link (`-o /dev/stdout >> log`), so its earlier content stays.
    Direct { path: PathBuf, append: bool },
}

/// Symlink hops followed before giving up (Linux's own limit).
const MAX_LINKS: usize = 40;

impl Target {
    /// Follow `path`'s symlinks to what they name. Errors: a folder, a symlink loop, or a path
    /// that cannot be inspected.
    pub fn of(path: &Path) -> Result<Target> {
        let mut p = path.to_path_buf();
        for _ in 0..MAX_LINKS {
            // Resolve the parent's own links, so that a hop through `/dev/fd` shows as `/proc`.
            if let (Some(name), Ok(parent)) = (p.file_name(), parent_dir(&p).canonicalize()) {
                p = parent.join(name);
            }
            let md = match std::fs::symlink_metadata(&p) {
                Ok(md) => md,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Ok(Target::Replace(p))
                }
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot inspect output {}", p.display()))
                }
            };
            let kind = md.file_type();
            if kind.is_symlink() {
                if p.starts_with("/proc") {
                    // A file-descriptor link: its target may be a pipe, not a path.
                    let md = std::fs::metadata(&p)
                        .with_context(|| format!("cannot inspect output {}", path.display()))?;
                    if md.is_dir() {
                        anyhow::bail!("output {} is a folder, not a file", path.display());
                    }
                    return Ok(Target::Direct { path: p, append: md.is_file() });
                }
                let link = std::fs::read_link(&p)
                    .with_context(|| format!("cannot read the symlink {}", p.display()))?;
                p = parent_dir(&p).join(link);
            } else if kind.is_dir() {
                anyhow::bail!(
                    "output {} is a folder, not a file (name a file inside it)",
                    path.display()
                );
            } else if kind.is_file() {
                return Ok(Target::Replace(p));
            } else {
                return Ok(Target::Direct { path: p, append: false });
            }
        }
        anyhow::bail!("output {}: too many levels of symbolic links", path.display())
    }
}

/// A file's identity, `(device, inode)`, following symlinks; `None` if it does not exist or
/// cannot be inspected. Two paths with the same identity are the same file.
pub fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|md| identity_of(&md))
}

/// The identity of what stdin reads (a file redirected with `<`), if it can be inspected.
pub fn stdin_identity() -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
        File::from(fd).metadata().ok().map(|md| identity_of(&md))
    }
    #[cfg(not(unix))]
    None
}

#[cfg(unix)]
fn identity_of(md: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (md.dev(), md.ino())
}

#[cfg(not(unix))]
fn identity_of(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    Temp {
        file: BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
        _on_signal: signals::Registered,
    },
    Append(BufWriter<File>),
    Direct(BufWriter<File>),
}

pub struct RecordWriter {
    sink: Sink,
    line: Vec<u8>,
}

/// The articles an earlier run already wrote: `(id, content hash)` pairs. An article that could
/// not be read has no hash: its key is `(id, "\0" + source)` (see [`unread_key`]), so unreadable
/// lines of two JSONL files (both `line-3`) stay apart.
pub type Done = HashSet<(String, String)>;

/// The second half of the [`Done`] key of an article that has no content hash.
pub fn unread_key(source: &str) -> String {
    format!("\0{source}")
}

impl RecordWriter {
    /// A writer that replaces `dest` atomically when finished, writes a device or FIFO in place,
    /// or writes to stdout. The output folder is created and the temporary file opened here, so
    /// an unwritable destination fails before any article is read.
    pub fn create(dest: &Destination) -> Result<Self> {
        let sink = match dest {
            Destination::Stdout => Sink::Stdout(BufWriter::new(std::io::stdout())),
            Destination::File(path) => match Target::of(path)? {
                Target::Direct { path, append } => {
                    let file =
                        OpenOptions::new().write(true).append(append).open(&path).with_context(
                            || format!("cannot open {} for writing", path.display()),
                        )?;
                    Sink::Direct(BufWriter::new(file))
                }
                Target::Replace(path) => {
                    let dir = parent_dir(&path);
                    std::fs::create_dir_all(&dir).with_context(|| {
                        format!("cannot create output folder {}", dir.display())
                    })?;
                    let tmp = temp_file_in(&dir, &path)?;
                    let on_signal = signals::Registered::new(tmp.path());
                    Sink::Temp { file: BufWriter::new(tmp), path, _on_signal: on_signal }
                }
            },
        };
        Ok(RecordWriter { sink, line: Vec::with_capacity(1 << 16) })
    }

    /// A writer that appends to `path` (a regular file, through any symlinks), after dropping a
    /// torn last line left by a crash. Returns the writer and the articles already present.
    /// Refuses a file holding anything but this tool's records, and a device or FIFO.
    pub fn resume(path: &Path) -> Result<(Self, Done)> {
        let path = match Target::of(path)? {
            Target::Replace(p) => p,
            Target::Direct { .. } => {
                anyhow::bail!(
                    "--resume needs a regular output file; {} is a device, FIFO or descriptor",
                    path.display()
                )
            }
        };
        let dir = parent_dir(&path);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create output folder {}", dir.display()))?;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .with_context(|| format!("cannot open {} to resume", path.display()))?;
        let (done, good_len) = scan_existing(&mut file)
            .with_context(|| format!("cannot resume {}", path.display()))?;
        let len = file.metadata()?.len();
        if good_len < len {
            file.set_len(good_len)
                .with_context(|| format!("cannot truncate torn line in {}", path.display()))?;
        }
        file.seek(SeekFrom::End(0))?;
        Ok((RecordWriter { sink: Sink::Append(BufWriter::new(file)), line: Vec::new() }, done))
    }

    pub fn write(&mut self, rec: &Record) -> std::io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, rec)?;
        self.line.push(b'\n');
        match &mut self.sink {
            Sink::Stdout(w) => w.write_all(&self.line),
            Sink::Temp { file, .. } => file.write_all(&self.line),
            Sink::Append(w) | Sink::Direct(w) => w.write_all(&self.line),
        }
    }

    /// Push buffered lines out (to the OS); called after each batch chunk.
    pub fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::Temp { .. } => Ok(()),
            Sink::Append(w) | Sink::Direct(w) => w.flush(),
        }
    }

    /// Finish: flush, and for a file, rename the temporary file into place.
    pub fn finish(self) -> Result<()> {
        match self.sink {
            Sink::Stdout(mut w) => w.flush().context("cannot write to stdout")?,
            Sink::Direct(mut w) => w.flush().context("cannot write output")?,
            Sink::Append(mut w) => {
                w.flush().context("cannot flush output")?;
                w.get_ref().sync_all().ok();
            }
            Sink::Temp { file, path, _on_signal } => {
                let tmp =
                    file.into_inner().map_err(|e| e.into_error()).context("cannot flush output")?;
                tmp.as_file().sync_all().ok();
                tmp.persist(&path).with_context(|| {
                    format!("cannot move output into place at {}", path.display())
                })?;
            }
        }
        Ok(())
    }
}

/// The temporary file `path` is written through: beside it (so the rename stays on one file
/// system), with `path`'s mode if it exists, else `0666` less the umask, as any new file.
fn temp_file_in(dir: &Path, path: &Path) -> Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".healthclaims-").suffix(".jsonl.tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    if let Ok(md) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(md.permissions()).with_context(|| {
            format!("cannot give the new output the mode of {}", path.display())
        })?;
    }
    Ok(tmp)
}

/// Remove the temporary output file on SIGINT or SIGTERM, then exit 130 or 143 (128 + signal),
/// as the shell reports a process those signals end. For the binary; call once, early.
pub fn remove_temp_on_signal() {
    signals::install();
}

/// The signal handler and the one thing it needs: the temporary file's path, kept as a C string
/// in a static because a handler takes no arguments and may only call async-signal-safe
/// functions (`unlink`, `_exit`).
#[cfg(unix)]
mod signals {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::sync::atomic::{AtomicPtr, Ordering};

    static TEMP: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());

    /// The temporary file a signal removes, for as long as this lives (it is renamed into place
    /// or deleted by the time this drops).
    pub struct Registered(());

    impl Registered {
        pub fn new(path: &Path) -> Self {
            set_temp(Some(path));
            Registered(())
        }
    }

    impl Drop for Registered {
        fn drop(&mut self) {
            set_temp(None);
        }
    }

    /// Name the file to remove on a signal (`None`: nothing). A replaced name is leaked, never
    /// freed: the handler may be reading it.
    fn set_temp(path: Option<&Path>) {
        let ptr = path
            .and_then(|p| CString::new(p.as_os_str().as_bytes()).ok())
            .map_or(std::ptr::null_mut(), CString::into_raw);
        TEMP.swap(ptr, Ordering::SeqCst);
    }

    extern "C" fn on_signal(sig: libc::c_int) {
        let p = TEMP.load(Ordering::SeqCst);
        // SAFETY: `p` is null or a leaked, never-freed C string; unlink and _exit are
        // async-signal-safe.
        unsafe {
            if !p.is_null() {
                libc::unlink(p);
            }
            libc::_exit(128 + sig);
        }
    }

    pub fn install() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            for sig in [libc::SIGINT, libc::SIGTERM] {
                // SAFETY: a zeroed sigaction with an empty mask and a handler that only calls
                // async-signal-safe functions.
                unsafe {
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction =
                        on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                    libc::sigemptyset(&mut action.sa_mask);
                    libc::sigaction(sig, &action, std::ptr::null_mut());
                }
            }
        });
    }
}

#[cfg(not(unix))]
mod signals {
    pub struct Registered;
    impl Registered {
        pub fn new(_: &std::path::Path) -> Self {
            Registered
        }
    }
    pub fn install() {}
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Read an existing output file: the [`Done`] key of every complete line, and the byte length of
/// the complete lines. Every line must be a record of this tool's schema, except that a torn
/// last line — the start of a record cut off by a crash — ends the file and is dropped. Anything
/// else (another tool's JSONL, a text file, even of one line) is an error: resuming would
/// truncate or append to a file this tool did not write.
fn scan_existing(file: &mut File) -> std::io::Result<(Done, u64)> {
    #[derive(serde::Deserialize)]
    struct Key {
        schema: String,
        id: String,
        #[serde(default)]
        source: String,
        #[serde(default)]
        content_hash: Option<String>,
    }
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(&*file);
    let mut done = Done::new();
    let mut good = 0u64;
    let mut buf = Vec::new();
    let mut line = 0usize;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        line += 1;
        let complete = buf.last() == Some(&b'\n');
        if complete && buf.iter().all(u8::is_ascii_whitespace) {
            good += n as u64;
            continue;
        }
        let parsed = if complete {
            serde_json::from_slice::<Key>(&buf).map_err(|e| e.to_string())
        } else {
            Err("no newline".into())
        };
        match parsed {
            Ok(k) if k.schema == SCHEMA => {
                let second = k.content_hash.unwrap_or_else(|| unread_key(&k.source));
                done.insert((k.id, second));
                good += n as u64;
            }
            parsed => {
                let last = reader.fill_buf()?.is_empty();
                if last && is_record_start(&buf) {
                    break; // torn by a crash: dropped, its article redone
                }
                let why = match parsed {
                    Ok(k) => format!("schema '{}'", k.schema),
                    Err(e) => e,
                };
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "line {line} is not a {SCHEMA} record ({why}): not this tool's output, \
                         or damaged; fix or remove it before resuming"
                    ),
                ));
            }
        }
    }
    Ok((done, good))
}

/// Whether `line` is the start of a record line as [`RecordWriter::write`] writes it: every
/// record opens with its schema field, so a torn record is that opening, cut off or complete.
fn is_record_start(line: &[u8]) -> bool {
    let head = format!("{{\"schema\":\"{SCHEMA}\"");
    let n = line.len().min(head.len());
    n > 0 && line[..n] == head.as_bytes()[..n]
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn scan(bytes: &[u8]) -> std::io::Result<(Done, u64)> {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(bytes).unwrap();
        scan_existing(&mut f)
    }

    #[test]
    fn resume_keeps_records_and_drops_a_torn_record() {
        let rec = format!(
            "{{\"schema\":\"{SCHEMA}\",\"id\":\"a\",\"source\":\"a.txt\",\"content_hash\":\"h\"}}\n"
        );
        let (done, good) = scan(format!("{rec}{{\"schema\":\"heal").as_bytes()).unwrap();
        assert_eq!(good, rec.len() as u64);
        assert!(done.contains(&("a".to_string(), "h".to_string())));
        assert_eq!(scan(b"{\"sch").unwrap().1, 0, "a record torn in its first bytes");
    }

    #[test]
    fn resume_refuses_what_this_tool_did_not_write() {
        // issue 18, item 3: one line of anything else was taken for a torn record and emptied
        for bytes in [
            &b"hello world\n"[..],
            b"hello",
            b"{\"id\":\"x\"}\n",
            b"{\"schema\":\"other/2\",\"id\":\"x\"}\n",
        ] {
            let e = scan(bytes).unwrap_err();
            assert!(e.to_string().contains("not a healthclaims/1 record"), "{e}");
        }
    }

    #[test]
    fn targets_follow_symlinks_and_keep_devices() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.jsonl");
        std::fs::write(&real, "").unwrap();
        std::os::unix::fs::symlink(&real, d.path().join("link.jsonl")).unwrap();
        std::os::unix::fs::symlink("link.jsonl", d.path().join("link2.jsonl")).unwrap();
        let real = real.canonicalize().unwrap();
        assert_eq!(Target::of(&d.path().join("link2.jsonl")).unwrap(), Target::Replace(real));
        assert!(matches!(
            Target::of(Path::new("/dev/null")).unwrap(),
            Target::Direct { append: false, .. }
        ));
        assert!(matches!(Target::of(Path::new("/dev/stdout")).unwrap(), Target::Direct { .. }));
        assert!(Target::of(d.path()).unwrap_err().to_string().contains("is a folder"));
        std::os::unix::fs::symlink("loop", d.path().join("loop")).unwrap();
        assert!(Target::of(&d.path().join("loop"))
            .unwrap_err()
            .to_string()
            .contains("symbolic links"));
    }
}
