//! The transformer component: one encoder pass over the Doc's sentences (length-sorted batches,
//! `no_grad`) fills `Doc::model` with per-sentence entity spans, hedge cues and sentence-head
//! probabilities. The components after it combine these with their rules and gazetteers
//! (runtime predicts, the tag components write annotations).
//!
//! libtorch tensors are `Send` but not `Sync`, so the model is never shared: the component owns
//! one replica per rayon worker (`RuntimeConfig::replicas`), and a worker only locks its own.

use super::{Component, Layer};
use crate::doc::{ByteSpan, Doc, ModelSentence};
use crate::error::ArticleError;
use crate::runtime::{Model, RuntimeConfig};
use std::sync::Mutex;

pub struct ModelTagger {
    replicas: Vec<Mutex<Model>>,
    /// Sentences per article the transformer reads (bounded latency for huge inputs).
    max_sentences: usize,
}

impl ModelTagger {
    pub fn new(config: RuntimeConfig) -> anyhow::Result<Self> {
        let n = config.replicas.max(1);
        let replicas = (0..n).map(|_| Model::load(config.clone()).map(Mutex::new)).collect::<anyhow::Result<_>>()?;
        Ok(ModelTagger { replicas, max_sentences: config.max_sentences_per_doc })
    }
}

impl Component for ModelTagger {
    fn name(&self) -> &'static str {
        "model"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::ModelScores]
    }
    fn annotate(&self, doc: &mut Doc) -> Result<(), ArticleError> {
        let n = doc.sentences.len().min(self.max_sentences);
        if n < doc.sentences.len() {
            doc.warnings.push(format!(
                "article has {} sentences: the transformer read the first {n}, rules and gazetteers the rest",
                doc.sentences.len()
            ));
        }
        let texts: Vec<&str> = doc.sentences[..n].iter().map(|s| s.span.slice(&doc.text)).collect();
        let k = rayon::current_thread_index().unwrap_or(0) % self.replicas.len();
        let model = self.replicas[k]
            .lock()
            .map_err(|_| ArticleError::Component { component: "model", message: "model replica poisoned by an earlier panic".into() })?;
        let preds = model
            .predict(&texts)
            .map_err(|e| ArticleError::Component { component: "model", message: format!("{e:#}") })?;
        drop(model);
        let out = doc.sentences[..n]
            .iter()
            .zip(preds)
            .map(|(s, p)| {
                let base = s.span.start;
                ModelSentence {
                    entities: p.entities.iter().map(|(sp, l)| (ByteSpan::new(base + sp.start, base + sp.end), *l, sp.score)).collect(),
                    cues: p.cues.iter().map(|sp| (ByteSpan::new(base + sp.start, base + sp.end), sp.score)).collect(),
                    hedged: p.hedged,
                    claim: p.claim,
                }
            })
            .collect();
        doc.model = Some(out);
        Ok(())
    }
}
