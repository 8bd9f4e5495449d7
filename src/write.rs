//! Records → JSONL. One `\n`-terminated line per record, in the order given. To a file, output is
//! written to a temporary file beside it and renamed into place at the end, so a reader never
//! sees half a batch; with `--resume` lines are appended and flushed after every chunk, so a
//! crash loses at most the chunk in flight (the next `--resume` run drops a torn last line and
//! redoes those articles).

use crate::assemble::Record;
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

enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    Temp { file: BufWriter<tempfile::NamedTempFile>, path: PathBuf },
    Append(BufWriter<File>),
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
    /// A writer that replaces `dest` atomically when finished (or writes to stdout).
    pub fn create(dest: &Destination) -> Result<Self> {
        let sink = match dest {
            Destination::Stdout => Sink::Stdout(BufWriter::new(std::io::stdout())),
            Destination::File(path) => {
                let dir = parent_dir(path);
                std::fs::create_dir_all(&dir).with_context(|| format!("cannot create output folder {}", dir.display()))?;
                let tmp = tempfile::Builder::new()
                    .prefix(".healthclaims-")
                    .suffix(".jsonl.tmp")
                    .tempfile_in(&dir)
                    .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
                Sink::Temp { file: BufWriter::new(tmp), path: path.clone() }
            }
        };
        Ok(RecordWriter { sink, line: Vec::with_capacity(1 << 16) })
    }

    /// A writer that appends to `path`, after dropping a torn last line left by a crash. Returns
    /// the writer and the articles already present.
    pub fn resume(path: &Path) -> Result<(Self, Done)> {
        let dir = parent_dir(path);
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create output folder {}", dir.display()))?;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("cannot open {} to resume", path.display()))?;
        let (done, good_len) = scan_existing(&mut file).with_context(|| format!("cannot read {}", path.display()))?;
        let len = file.metadata()?.len();
        if good_len < len {
            file.set_len(good_len).with_context(|| format!("cannot truncate torn line in {}", path.display()))?;
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
            Sink::Append(w) => w.write_all(&self.line),
        }
    }

    /// Push buffered lines out (to the OS); called after each batch chunk.
    pub fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::Temp { .. } => Ok(()),
            Sink::Append(w) => w.flush(),
        }
    }

    /// Finish: flush, and for a file, rename the temporary file into place.
    pub fn finish(self) -> Result<()> {
        match self.sink {
            Sink::Stdout(mut w) => w.flush().context("cannot write to stdout")?,
            Sink::Append(mut w) => {
                w.flush().context("cannot flush output")?;
                w.get_ref().sync_all().ok();
            }
            Sink::Temp { file, path } => {
                let tmp = file.into_inner().map_err(|e| e.into_error()).context("cannot flush output")?;
                tmp.as_file().sync_all().ok();
                tmp.persist(&path).with_context(|| format!("cannot move output into place at {}", path.display()))?;
            }
        }
        Ok(())
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Read an existing output file: the [`Done`] key of every complete line, and the byte length of
/// the complete lines. A torn last line (no `\n`, or not valid JSON) ends it and is dropped; a
/// complete line that is not a record with more lines after it cannot come from a crash, so it is
/// an error rather than a reason to drop the valid lines after it.
fn scan_existing(file: &mut File) -> std::io::Result<(Done, u64)> {
    #[derive(serde::Deserialize)]
    struct Key {
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
        if n == 0 || buf.last() != Some(&b'\n') {
            break;
        }
        line += 1;
        if buf.iter().all(u8::is_ascii_whitespace) {
            good += n as u64;
            continue;
        }
        match serde_json::from_slice::<Key>(&buf) {
            Ok(k) => {
                let second = k.content_hash.unwrap_or_else(|| unread_key(&k.source));
                done.insert((k.id, second));
                good += n as u64;
            }
            Err(e) => {
                if !reader.fill_buf()?.is_empty() {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("line {line} is not a healthclaims/1 record ({e}) and lines follow it: fix or remove it before resuming"),
                    ));
                }
                break;
            }
        }
    }
    Ok((done, good))
}
