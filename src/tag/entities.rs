//! (work in progress: filled in by its owner)

use super::{Component, Layer};
use crate::doc::Doc;
use crate::error::ArticleError;

pub struct EntityTagger;

impl EntityTagger {
    pub fn new() -> anyhow::Result<Self> {
        Ok(EntityTagger)
    }
}

impl Component for EntityTagger {
    fn name(&self) -> &'static str {
        "entities"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Entities]
    }
    fn annotate(&self, _doc: &mut Doc) -> Result<(), ArticleError> {
        Ok(())
    }
}
