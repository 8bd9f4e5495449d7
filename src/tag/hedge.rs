//! (work in progress: filled in by its owner)

use super::{Component, Layer};
use crate::doc::Doc;
use crate::error::ArticleError;

pub struct HedgeTagger;

impl HedgeTagger {
    pub fn new() -> anyhow::Result<Self> {
        Ok(HedgeTagger)
    }
}

impl Component for HedgeTagger {
    fn name(&self) -> &'static str {
        "hedge"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Hedges]
    }
    fn annotate(&self, _doc: &mut Doc) -> Result<(), ArticleError> {
        Ok(())
    }
}
