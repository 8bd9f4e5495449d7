//! (work in progress: filled in by its owner)

use super::{Component, Layer};
use crate::doc::Doc;
use crate::error::ArticleError;

pub struct QuoteFinder;

impl QuoteFinder {
    pub fn new() -> anyhow::Result<Self> {
        Ok(QuoteFinder)
    }
}

impl Component for QuoteFinder {
    fn name(&self) -> &'static str {
        "quotes"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Quotes]
    }
    fn annotate(&self, _doc: &mut Doc) -> Result<(), ArticleError> {
        Ok(())
    }
}
