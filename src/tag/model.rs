//! The transformer component: one encoder pass over the sentences of a whole chunk of articles
//! (equal-length batches, `no_grad`) fills each `Doc::model` with per-sentence entity spans,
//! hedge cues and sentence-head probabilities. The components after it combine these with
//! their rules and gazetteers (runtime predicts, the tag components write annotations).
//!
//! Batching across articles is what makes the model cheap: one article's 40 sentences spread
//! over 30 lengths, a chunk's 2,500 sentences fill full batches of one length, which need no
//! padding. libtorch tensors are `Send` but not `Sync`, so the model is never shared: the
//! component owns one replica per rayon worker (loaded once, copied in memory), and the batches
//! are spread over the workers, each locking its own replica.

use super::{Component, Layer};
use crate::doc::{ByteSpan, Doc, ModelSentence};
use crate::encode::{length_batches, Encoder};
use crate::error::ArticleError;
use crate::runtime::{self, Model, Row, RowPrediction, RuntimeConfig, SentencePrediction};
use std::sync::Mutex;

pub struct ModelTagger {
    replicas: Vec<Mutex<Model>>,
    encoder: Encoder,
    config: RuntimeConfig,
}

impl ModelTagger {
    pub fn new(config: RuntimeConfig) -> anyhow::Result<Self> {
        let first = Model::load(config.clone())?;
        let encoder = first.encoder.clone();
        let mut replicas = Vec::with_capacity(config.replicas.max(1));
        for _ in 1..config.replicas.max(1) {
            replicas.push(Mutex::new(first.replicate()?));
        }
        replicas.insert(0, Mutex::new(first));
        Ok(ModelTagger { replicas, encoder, config })
    }

    /// The sentences of `doc` the transformer reads (all but those past the per-article caps).
    fn texts<'d>(&self, doc: &'d Doc) -> Vec<&'d str> {
        doc.sentences[..self.read(doc)].iter().map(|s| s.span.slice(&doc.text)).collect()
    }

    /// How many sentences, from the start, the transformer reads: at most
    /// `max_sentences_per_doc`, and no more than `max_bytes_per_doc` bytes of them (at least one).
    fn read(&self, doc: &Doc) -> usize {
        let mut bytes = 0;
        let n = doc.sentences.iter().take(self.config.max_sentences_per_doc).take_while(|s| {
            bytes += s.span.len();
            bytes <= self.config.max_bytes_per_doc
        });
        n.count().max(1).min(doc.sentences.len())
    }

    /// Run one batch on the calling worker's replica.
    fn forward(&self, rows: &[&Row]) -> Result<Vec<RowPrediction>, String> {
        let k = rayon::current_thread_index().unwrap_or(0) % self.replicas.len();
        let model = self.replicas[k].lock().map_err(|_| "model replica poisoned by an earlier panic".to_string())?;
        ArticleError::guard(|| model.forward_rows(rows).map_err(|e| ArticleError::Component { component: "model", message: format!("{e:#}") }))
            .map_err(|e| e.to_string())
    }
}

/// A batch's row indices and what the model said about them (or why it could not).
type BatchOutput = (Vec<usize>, Result<Vec<RowPrediction>, String>);

/// Model predictions in document byte offsets.
fn to_doc(doc: &Doc, preds: Vec<SentencePrediction>) -> Vec<ModelSentence> {
    doc.sentences
        .iter()
        .zip(preds)
        .map(|(s, p)| {
            let base = s.span.start;
            ModelSentence {
                entities: p.entities.iter().map(|(sp, l)| (ByteSpan::new(base + sp.start, base + sp.end), *l, sp.score)).collect(),
                cues: p.cues.iter().map(|sp| (ByteSpan::new(base + sp.start, base + sp.end), sp.score)).collect(),
                hedged: p.hedged,
                claim: p.claim,
                pieces: p.pieces.iter().map(|&(a, b)| ByteSpan::new(base + a, base + b)).collect(),
                vectors: p.vectors,
            }
        })
        .collect()
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
        self.annotate_batch(&mut [doc]).pop().unwrap_or(Ok(()))
    }

    fn annotate_batch(&self, docs: &mut [&mut Doc]) -> Vec<Result<(), ArticleError>> {
        use rayon::prelude::*;
        // 1. tokenise each article's sentences into rows (in parallel)
        let rows: Vec<Result<Vec<Row>, ArticleError>> = docs
            .par_iter()
            .map(|d| {
                ArticleError::guard(|| {
                    runtime::rows(&self.encoder, &self.texts(d))
                        .map_err(|e| ArticleError::Component { component: "model", message: format!("{e:#}") })
                })
            })
            .collect();
        // 2. one batch plan over every row of the chunk
        let index: Vec<(usize, usize)> = rows
            .iter()
            .enumerate()
            .flat_map(|(d, r)| (0..r.as_ref().map_or(0, |r| r.len())).map(move |i| (d, i)))
            .collect();
        let row = |(d, i): (usize, usize)| -> &Row { &rows[d].as_ref().expect("indexed rows exist")[i] };
        let lens: Vec<usize> = index.iter().map(|&g| row(g).pieces.len()).collect();
        let batches = length_batches(&lens, self.config.batch_rows, self.config.batch_tokens);
        // 3. the encoder passes, spread over the workers
        let outputs: Vec<BatchOutput> = batches
            .into_par_iter()
            .map(|b| {
                let members: Vec<&Row> = b.iter().map(|&g| row(index[g])).collect();
                let out = self.forward(&members);
                (b, out)
            })
            .collect();
        // 4. predictions back to their articles
        let mut preds: Vec<Vec<RowPrediction>> =
            rows.iter().map(|r| vec![RowPrediction::default(); r.as_ref().map_or(0, |r| r.len())]).collect();
        let mut failed: Vec<Option<String>> = vec![None; docs.len()];
        for (b, out) in outputs {
            match out {
                Ok(ps) => {
                    for (&g, p) in b.iter().zip(ps) {
                        let (d, i) = index[g];
                        preds[d][i] = p;
                    }
                }
                Err(msg) => {
                    for &g in &b {
                        failed[index[g].0] = Some(msg.clone());
                    }
                }
            }
        }
        docs.iter_mut()
            .zip(rows)
            .zip(preds)
            .zip(failed)
            .map(|(((doc, rows), preds), failed)| {
                let rows = rows?;
                if let Some(message) = failed {
                    return Err(ArticleError::Component { component: "model", message });
                }
                let n = self.read(doc);
                if n < doc.sentences.len() {
                    doc.warnings.push(format!(
                        "article has {} sentences: the transformer read the first {n} (at most {} \
                         sentences, {} bytes), rules and gazetteers the rest",
                        doc.sentences.len(),
                        self.config.max_sentences_per_doc,
                        self.config.max_bytes_per_doc
                    ));
                }
                let joined = runtime::join(n, &rows, preds);
                doc.model = Some(to_doc(doc, joined));
                Ok(())
            })
            .collect()
    }
}
