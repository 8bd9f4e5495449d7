//! Errors with context: [`ArticleError`] for one article that cannot be processed (it becomes a
//! `status: error` record and the batch goes on); fatal errors travel as `anyhow::Error`.

use std::path::PathBuf;
use thiserror::Error;

/// Why one article could not be annotated. Its `Display` is the `error` field of the record.
#[derive(Debug, Error)]
pub enum ArticleError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, #[source] source: std::io::Error },
    #[error("empty article: no text after cleaning")]
    Empty,
    #[error("binary file, not text ({reason})")]
    Binary { reason: String },
    #[error("article too large: {bytes} bytes (limit {limit})")]
    TooLarge { bytes: usize, limit: usize },
    /// A stream (FIFO, device, JSONL line) that went past the limit while it was read: its full
    /// size is not known, as it was not read to its end.
    #[error("article too large: more than {limit} bytes (--max-bytes)")]
    OverLimit { limit: usize },
    #[error("malformed JSONL line {line}: {message}")]
    Json { line: usize, message: String },
    #[error("JSONL line {line}: {message}")]
    Field { line: usize, message: String },
    #[error(
        "time budget exceeded: {spent:.2?} spent before '{stage}' (limit {limit:?}, --max-seconds)"
    )]
    OverBudget { stage: &'static str, spent: std::time::Duration, limit: std::time::Duration },
    #[error("component '{component}' failed: {message}")]
    Component { component: &'static str, message: String },
    #[error("internal error while annotating (please report): {message}")]
    Internal { message: String },
}

impl ArticleError {
    /// Run `f`, turning a panic into an [`ArticleError::Internal`] for this article alone.
    pub fn guard<T>(f: impl FnOnce() -> Result<T, ArticleError>) -> Result<T, ArticleError> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(ArticleError::Internal { message })
        })
    }
}
