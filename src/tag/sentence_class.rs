//! (work in progress: filled in by its owner)

use super::{Component, Layer};
use crate::doc::Doc;
use crate::error::ArticleError;

pub struct SentenceClassifier;

impl SentenceClassifier {
    pub fn new() -> anyhow::Result<Self> {
        Ok(SentenceClassifier)
    }
}

impl Component for SentenceClassifier {
    fn name(&self) -> &'static str {
        "sentence_class"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences, Layer::Hedges, Layer::Entities]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::SentenceClass]
    }
    fn annotate(&self, _doc: &mut Doc) -> Result<(), ArticleError> {
        Ok(())
    }
}
