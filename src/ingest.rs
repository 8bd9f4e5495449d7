//! Inputs → raw articles. Takes the command line's paths (files, folders walked recursively,
//! globs) or `-` for JSONL on stdin; returns, lazily and in input order, one
//! `Result<RawArticle, Failed>` per article, so a bad article never stops the batch.

use crate::doc::Meta;
use crate::error::ArticleError;
use sha2::{Digest, Sha256};
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

/// One thing to read: a file of some format, or stdin (JSONL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    File(PathBuf),
    Stdin,
}

/// Expand command-line inputs into units, in a deterministic order (folders sorted by path).
/// An input that names nothing is a usage error.
pub fn resolve(inputs: &[String]) -> anyhow::Result<Vec<Unit>> {
    let mut units = Vec::new();
    for inp in inputs {
        if inp == "-" {
            units.push(Unit::Stdin);
            continue;
        }
        let p = Path::new(inp);
        if p.is_dir() {
            let mut files = Vec::new();
            walk(p, &mut files)?;
            files.sort();
            units.extend(files.into_iter().map(Unit::File));
        } else if p.exists() {
            units.push(Unit::File(p.to_path_buf()));
        } else {
            anyhow::bail!("input '{inp}' does not exist");
        }
    }
    Ok(units)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if format_of(&path).is_some() {
            out.push(path);
        }
    }
    Ok(())
}

/// Article format from a file extension; `None` for files a folder walk skips.
pub fn format_of(path: &Path) -> Option<FileKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" => FileKind::Article(Format::Text),
        "md" | "markdown" => FileKind::Article(Format::Markdown),
        "html" | "htm" => FileKind::Article(Format::Html),
        "jsonl" | "ndjson" => FileKind::Jsonl,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Article(Format),
    Jsonl,
}

/// Read units lazily: one item per article (one per JSONL line).
pub fn read(units: Vec<Unit>) -> impl Iterator<Item = Item> {
    units.into_iter().flat_map(|u| -> Box<dyn Iterator<Item = Item>> {
        match u {
            Unit::Stdin => Box::new(jsonl_lines(std::io::stdin().lock(), "-".to_string())),
            Unit::File(p) => match format_of(&p) {
                Some(FileKind::Jsonl) => match std::fs::File::open(&p) {
                    Ok(f) => Box::new(jsonl_lines(std::io::BufReader::new(f), p.display().to_string())),
                    Err(e) => Box::new(std::iter::once(Err(Failed {
                        id: file_id(&p),
                        source: p.display().to_string(),
                        error: ArticleError::Read { path: p.clone(), source: e },
                    }))),
                },
                kind => Box::new(std::iter::once(read_file(&p, kind))),
            },
        }
    })
}

fn file_id(p: &Path) -> String {
    p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

fn read_file(p: &Path, kind: Option<FileKind>) -> Item {
    let format = match kind {
        Some(FileKind::Article(f)) => f,
        _ => Format::Text,
    };
    let source = p.display().to_string();
    match std::fs::read(p) {
        Ok(bytes) => Ok(RawArticle::new(file_id(p), source, format, bytes, Meta::default())),
        Err(e) => Err(Failed { id: file_id(p), source, error: ArticleError::Read { path: p.to_path_buf(), source: e } }),
    }
}

fn jsonl_lines<R: BufRead + 'static>(reader: R, name: String) -> impl Iterator<Item = Item> {
    let mut lines = reader.split(b'\n').enumerate();
    std::iter::from_fn(move || loop {
        let (i, line) = lines.next()?;
        let n = i + 1;
        let source = format!("{name}:{n}");
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                return Some(Err(Failed {
                    id: format!("line-{n}"),
                    source,
                    error: ArticleError::Read { path: PathBuf::from(&name), source: e },
                }))
            }
        };
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        return Some(parse_jsonl_article(&line, n, source));
    })
}

fn parse_jsonl_article(line: &[u8], n: usize, source: String) -> Item {
    let fail = |error| Err(Failed { id: format!("line-{n}"), source: source.clone(), error });
    let v: serde_json::Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => return fail(ArticleError::Json { line: n, message: e.to_string() }),
    };
    let Some(obj) = v.as_object() else {
        return fail(ArticleError::Field { line: n, message: "not a JSON object".into() });
    };
    let s = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let id = s("id").unwrap_or_else(|| format!("line-{n}"));
    let meta = Meta { title: s("title"), url: s("url"), published: s("published") };
    let (format, body) = match (s("text"), s("html")) {
        (Some(t), _) => (Format::Text, t),
        (None, Some(h)) => (Format::Html, h),
        _ => {
            return Err(Failed {
                id,
                source,
                error: ArticleError::Field { line: n, message: "needs a string field 'text' or 'html'".into() },
            })
        }
    };
    Ok(RawArticle::new(id, source, format, body.into_bytes(), meta))
}
