//! (work in progress: filled in by its owner)

use super::{Component, Layer};
use crate::doc::Doc;
use crate::error::ArticleError;

pub struct ClaimLinker;

impl ClaimLinker {
    pub fn new() -> anyhow::Result<Self> {
        Ok(ClaimLinker)
    }
}

impl Component for ClaimLinker {
    fn name(&self) -> &'static str {
        "claims"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Entities, Layer::SentenceClass]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Claims]
    }
    fn annotate(&self, _doc: &mut Doc) -> Result<(), ArticleError> {
        Ok(())
    }
}
