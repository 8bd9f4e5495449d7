//! Inputs → raw articles. Takes the command line's inputs — files, folders (walked recursively,
//! sorted by path), globs (`*`, `?`, `[` in an input that is not an existing path; sorted), or `-`
//! for JSONL on stdin — and returns, lazily and in input order, one `Result<RawArticle, Failed>`
//! per article (one per non-blank JSONL line), so a bad article never stops the batch.
//!
//! Usage errors (an input that names nothing, a glob that matches nothing, a malformed glob) are
//! fatal and come back from [`resolve`]. Everything found after that is per-article: an unreadable
//! file, a dangling symlink, a directory whose listing fails, or a malformed JSONL line each
//! become one [`Failed`] item and the rest of the batch goes on. Symlinked folders are followed
//! once; a symlink loop is not walked twice.
//!
//! Hostile input: a folder walk takes regular files only — a FIFO, device or socket found there
//! (or matched by a glob) becomes an error item and is never opened, so it cannot stall the
//! batch — while a FIFO or device named explicitly, or `-`, is read as a stream. Every read is
//! bounded by `--max-bytes` while it reads ([`crate::bounded`]): a file, a stream or a JSONL line
//! over the limit becomes its article's error item.

use crate::bounded;
use crate::doc::Meta;
use crate::error::ArticleError;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// How an article's bytes are to be read by `clean`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
}

/// One article as read, before cleaning.
#[derive(Debug, Clone)]
pub struct RawArticle {
    pub id: String,
    /// Where it came from: a path, or `path:line` / `-:line` for JSONL.
    pub source: String,
    pub format: Format,
    pub bytes: Vec<u8>,
    /// Metadata given by the input itself (JSONL fields); HTML meta is added by `clean`.
    pub meta: Meta,
    /// sha256 of the raw bytes, hex: identifies content for `--resume`.
    pub content_hash: String,
}

impl RawArticle {
    pub fn new(id: String, source: String, format: Format, bytes: Vec<u8>, meta: Meta) -> Self {
        let content_hash = hex::encode(Sha256::digest(&bytes));
        RawArticle { id, source, format, bytes, meta, content_hash }
    }
}

/// An article that could not be read; it still gets an output line.
#[derive(Debug)]
pub struct Failed {
    pub id: String,
    pub source: String,
    pub error: ArticleError,
}

pub type Item = Result<RawArticle, Failed>;

/// What [`read_batched`] yields: an article, or the end of a batch the caller asked to be
/// answered now (a blank line on stdin under `annotate --batches`).
#[derive(Debug)]
pub enum Streamed {
    Article(Item),
    EndOfBatch,
}

/// One thing to read: a file of some format, or stdin (JSONL).
///
/// A `File` may turn out unreadable (a dangling symlink, a folder whose listing failed); reading
/// it then yields one error item for that path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    File(PathBuf),
    /// A FIFO, device or socket met in a folder walk or a glob: an error item, never opened.
    NotRegular(PathBuf),
    Stdin,
}

/// Expand command-line inputs into units, in a deterministic order: inputs in the order given,
/// each folder's files sorted by path, each glob's matches sorted.
///
/// Usage errors: an input that names nothing (and is not a glob), a malformed glob pattern, or a
/// glob matching nothing.
pub fn resolve(inputs: &[String]) -> anyhow::Result<Vec<Unit>> {
    let mut units = Vec::new();
    for inp in inputs {
        if inp == "-" {
            units.push(Unit::Stdin);
            continue;
        }
        let p = Path::new(inp);
        // `symlink_metadata` succeeds for a dangling symlink: it names something, which
        // then fails to read (an error item), rather than being a usage error.
        if p.symlink_metadata().is_ok() {
            add_path(p, true, &mut units);
        } else if is_glob(inp) {
            let paths = glob::glob(inp).map_err(|e| anyhow::anyhow!("bad glob pattern '{inp}': {e}"))?;
            let mut matches: Vec<PathBuf> = paths
                .map(|r| match r {
                    Ok(p) => p,
                    // An unreadable entry met while matching: keep its path so that reading
                    // it reports the error for that path.
                    Err(e) => e.path().to_path_buf(),
                })
                .collect();
            if matches.is_empty() {
                anyhow::bail!("glob '{inp}' matches no file");
            }
            matches.sort();
            matches.dedup();
            let before = units.len();
            for m in matches {
                add_path(&m, false, &mut units);
            }
            if units.len() == before {
                anyhow::bail!("glob '{inp}' matches no article file (.txt, .md, .html, .jsonl)");
            }
        } else {
            anyhow::bail!("input '{inp}' does not exist");
        }
    }
    Ok(units)
}

/// Whether an input is meant as a glob pattern.
fn is_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Add one existing path: a folder is walked; a file named explicitly is read whatever its
/// extension, while a glob match that is a file of no known kind is skipped, as in a folder walk.
fn add_path(p: &Path, explicit: bool, units: &mut Vec<Unit>) {
    if p.is_dir() {
        let mut files = Vec::new();
        let mut seen = HashSet::new();
        walk(p, &mut seen, &mut files);
        files.sort();
        units.extend(files.iter().map(|f| found_file(f)));
    } else if explicit {
        units.push(Unit::File(p.to_path_buf()));
    } else if format_of(p).is_some() {
        units.push(found_file(p));
    }
}

/// Collect article files under `dir`. A folder that cannot be listed, or an entry that cannot be
/// inspected, is collected as a file so that reading it yields an error item for that path.
/// Symlinked folders are followed, but each real folder is walked once (no symlink loops).
fn walk(dir: &Path, seen: &mut HashSet<PathBuf>, out: &mut Vec<PathBuf>) {
    let real = match dir.canonicalize() {
        Ok(r) => r,
        Err(_) => {
            out.push(dir.to_path_buf());
            return;
        }
    };
    if !seen.insert(real) {
        return; // already walked: a symlink loop or a second link to the same folder
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(_) => {
            out.push(dir.to_path_buf());
            return;
        }
    };
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        match std::fs::metadata(&path) {
            Ok(md) if md.is_dir() => walk(&path, seen, out),
            // A regular file, a FIFO or device, a dangling symlink or an unreadable entry:
            // reported (by `found_file`) if it looks like an article.
            _ => {
                if format_of(&path).is_some() {
                    out.push(path);
                }
            }
        }
    }
}

/// A file found by a folder walk or a glob: to be read if it is a regular file (or cannot be
/// inspected: reading reports why), else an error item.
fn found_file(p: &Path) -> Unit {
    match std::fs::metadata(p) {
        Ok(md) if !md.is_file() && !md.is_dir() => Unit::NotRegular(p.to_path_buf()),
        _ => Unit::File(p.to_path_buf()),
    }
}

/// Article format from a file extension; `None` for files a folder walk skips.
pub fn format_of(path: &Path) -> Option<FileKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" => FileKind::Article(Format::Text),
        "md" | "markdown" => FileKind::Article(Format::Markdown),
        "html" | "htm" | "xhtml" => FileKind::Article(Format::Html),
        "jsonl" | "ndjson" => FileKind::Jsonl,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Article(Format),
    Jsonl,
}

/// Read units lazily: one item per article (one per non-blank JSONL line). No article file,
/// stream or JSONL line is read past `max_bytes`: a larger one is an error item.
pub fn read(units: Vec<Unit>, max_bytes: usize) -> impl Iterator<Item = Item> {
    read_batched(units, max_bytes, false).filter_map(|s| match s {
        Streamed::Article(item) => Some(item),
        Streamed::EndOfBatch => None,
    })
}

/// [`read`], where with `batches` a blank line on stdin also yields [`Streamed::EndOfBatch`]
/// (once read, before the next line is waited for): how a long-lived process driven over a
/// pipe (the Python package) gets each batch answered without closing its input.
pub fn read_batched(units: Vec<Unit>, max_bytes: usize, batches: bool) -> impl Iterator<Item = Streamed> {
    units.into_iter().flat_map(move |u| -> Box<dyn Iterator<Item = Streamed>> {
        let one = |item: Item| -> Box<dyn Iterator<Item = Streamed>> { Box::new(std::iter::once(Streamed::Article(item))) };
        match u {
            Unit::Stdin => {
                Box::new(jsonl_stream(std::io::stdin().lock(), "-".to_string(), max_bytes, batches))
            }
            Unit::NotRegular(p) => {
                let e = std::io::Error::other(
                    "not a regular file (a FIFO, device or socket): a folder walk or glob reads \
                     regular files only; name it to read it as a stream",
                );
                one(Err(read_failed(&p, e)))
            }
            Unit::File(p) => match format_of(&p) {
                Some(FileKind::Jsonl) if !p.is_dir() => match std::fs::File::open(&p) {
                    Ok(f) => {
                        let name = p.display().to_string();
                        Box::new(jsonl_stream(std::io::BufReader::new(f), name, max_bytes, false))
                    }
                    Err(e) => one(Err(read_failed(&p, e))),
                },
                kind => one(read_file(&p, kind, max_bytes)),
            },
        }
    })
}

fn file_id(p: &Path) -> String {
    p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

fn read_failed(p: &Path, e: std::io::Error) -> Failed {
    Failed { id: file_id(p), source: p.display().to_string(), error: ArticleError::Read { path: p.to_path_buf(), source: e } }
}

fn read_file(p: &Path, kind: Option<FileKind>, max_bytes: usize) -> Item {
    let format = match kind {
        Some(FileKind::Article(f)) => f,
        _ => Format::Text,
    };
    if p.is_dir() {
        // A folder where a file was expected (e.g. one whose listing failed): report why.
        let e = match std::fs::read_dir(p) {
            Err(e) => e,
            Ok(_) => std::io::Error::other("is a directory, not an article file"),
        };
        return Err(read_failed(p, e));
    }
    let fail = |error| Err(Failed { id: file_id(p), source: p.display().to_string(), error });
    let file = match std::fs::File::open(p) {
        Ok(f) => f,
        Err(e) => return Err(read_failed(p, e)),
    };
    // A regular file's size is known: one too large is not read at all.
    if let Ok(md) = file.metadata() {
        if md.is_file() && md.len() > max_bytes as u64 {
            return fail(ArticleError::TooLarge { bytes: md.len() as usize, limit: max_bytes });
        }
    }
    let mut bytes = Vec::new();
    match bounded::read_to_end(file, max_bytes, &mut bytes) {
        Ok(bounded::Got::All) => {
            let source = p.display().to_string();
            Ok(RawArticle::new(file_id(p), source, format, bytes, Meta::default()))
        }
        Ok(bounded::Got::TooLong) => fail(ArticleError::OverLimit { limit: max_bytes }),
        Err(e) => Err(read_failed(p, e)),
    }
}

/// One item per non-blank line of `reader`, each line read bounded by `max_bytes` (a longer
/// line is skipped to its end and becomes an error item; the lines after it still read). With
/// `blank_ends_batch`, a blank line yields [`Streamed::EndOfBatch`] instead of being skipped.
fn jsonl_stream<R: BufRead + 'static>(
    mut reader: R,
    name: String,
    max_bytes: usize,
    blank_ends_batch: bool,
) -> impl Iterator<Item = Streamed> {
    let mut n = 0usize;
    let mut broken = false;
    let mut line = Vec::new();
    std::iter::from_fn(move || loop {
        if broken {
            return None;
        }
        n += 1;
        let source = format!("{name}:{n}");
        match bounded::read_line(&mut reader, max_bytes, &mut line) {
            Ok(None) => return None,
            Ok(Some(bounded::Got::All)) => {}
            Ok(Some(bounded::Got::TooLong)) => {
                let error = ArticleError::OverLimit { limit: max_bytes };
                return Some(Streamed::Article(Err(Failed { id: format!("line-{n}"), source, error })));
            }
            Err(e) => {
                // A read error mid-stream: report it once and stop this input.
                broken = true;
                return Some(Streamed::Article(Err(Failed {
                    id: format!("line-{n}"),
                    source,
                    error: ArticleError::Read { path: PathBuf::from(&name), source: e },
                })));
            }
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if n == 1 && line.starts_with(b"\xEF\xBB\xBF") {
            line.drain(..3); // UTF-8 BOM at the start of the file
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            if blank_ends_batch {
                return Some(Streamed::EndOfBatch);
            }
            continue;
        }
        return Some(Streamed::Article(parse_jsonl_article(&line, n, source)));
    })
}

/// One JSONL line → one article. Fields: `id` (string or number; default `line-N`), `text` or
/// `html` (a string; `text` wins when both are given), and optional `url`, `title`, `published`.
fn parse_jsonl_article(line: &[u8], n: usize, source: String) -> Item {
    let fail = |id: String, error| Err(Failed { id, source: source.clone(), error });
    let v: serde_json::Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => return fail(format!("line-{n}"), ArticleError::Json { line: n, message: e.to_string() }),
    };
    let Some(obj) = v.as_object() else {
        return fail(format!("line-{n}"), ArticleError::Field { line: n, message: "not a JSON object".into() });
    };
    let s = |k: &str| {
        obj.get(k).and_then(|v| v.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
    };
    let id = match obj.get("id") {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(serde_json::Value::Number(num)) => num.to_string(),
        _ => format!("line-{n}"),
    };
    let meta = Meta { title: s("title"), url: s("url"), published: s("published") };
    let body = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let (format, body) = match (body("text"), body("html")) {
        (Some(t), _) => (Format::Text, t),
        (None, Some(h)) => (Format::Html, h),
        _ => {
            return fail(id, ArticleError::Field { line: n, message: "needs a string field 'text' or 'html'".into() });
        }
    };
    Ok(RawArticle::new(id, source, format, body.into_bytes(), meta))
}
