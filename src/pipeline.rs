//! The ordered stages over a batch: ingest items → clean → segment → tag components → assemble.
//! The only user of rayon and indicatif. Articles are processed in parallel in chunks on a local
//! thread pool and written in input order, so output is byte-identical for any thread count;
//! memory stays bounded by one chunk, so stdin streams.

use crate::assemble::{self, ModelInfo, Record};
use crate::clean;
use crate::doc::{Doc, Sentence};
use crate::error::ArticleError;
use crate::ingest::{Item, RawArticle, Streamed};
use crate::progress::{Progress, ProgressMode};
use crate::runtime::RuntimeConfig;
use crate::segment;
use crate::tag::{self, Component};
use crate::write::{Done, RecordWriter};
use anyhow::{Context, Result};
use std::time::{Duration, Instant};

/// How a batch runs (not what it computes: output does not depend on these).
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    pub progress: ProgressMode,
    /// Articles per parallel chunk (bounded memory; results are written after each chunk).
    pub chunk_size: usize,
    /// Known article count for the progress bar, if any.
    pub total: Option<u64>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig { threads: 0, progress: ProgressMode::Silent, chunk_size: 64, total: None }
    }
}

/// What the pipeline computes.
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    /// Articles larger than this (raw bytes) get an error record.
    pub max_article_bytes: usize,
    /// The transformer to run, or `None` for rules and gazetteers only (`--no-model`).
    pub model: Option<RuntimeConfig>,
    /// Wall time an article may spend in the stages before the next stage is refused (it then
    /// gets an error record); `None`: no limit. Checked between stages, not inside one.
    pub max_article_time: Option<Duration>,
}

/// `--max-seconds` by default: far above any real article (a 12 MB one takes seconds).
pub const MAX_ARTICLE_TIME: Duration = Duration::from_secs(300);

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            max_article_bytes: 64 << 20,
            model: Some(RuntimeConfig::default()),
            max_article_time: Some(MAX_ARTICLE_TIME),
        }
    }
}

impl PipelineConfig {
    /// Rules and gazetteers only.
    pub fn rules_only() -> Self {
        PipelineConfig { model: None, ..Default::default() }
    }
}

/// Counts for the end-of-run summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub ok: usize,
    pub errors: usize,
    /// Articles skipped by `--resume` because the output already has them.
    pub skipped: usize,
    pub sentences: usize,
    pub elapsed: Duration,
}

impl BatchReport {
    pub fn articles(&self) -> usize {
        self.ok + self.errors
    }
    pub fn summary_line(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let mut s = format!(
            "healthclaims: {} articles ({} ok, {} errors), {} sentences in {:.2}s ({:.0} sentences/s)",
            self.articles(),
            self.ok,
            self.errors,
            self.sentences,
            secs,
            self.sentences as f64 / secs
        );
        if self.skipped > 0 {
            s.push_str(&format!(", {} already done (skipped)", self.skipped));
        }
        s
    }
}

pub struct Pipeline {
    config: PipelineConfig,
    components: Vec<Box<dyn Component>>,
    model: ModelInfo,
}

impl Pipeline {
    /// Build the pipeline: loads lexicons and checks the component order.
    pub fn new(config: PipelineConfig) -> Result<Self> {
        let model = match &config.model {
            Some(rc) => {
                let heads = crate::runtime::Model::read_heads(&rc.model_dir)?;
                ModelInfo { name: heads.name, version: heads.version }
            }
            None => ModelInfo::current(),
        };
        let components = tag::default_components(config.model.clone()).context("cannot load the annotation components")?;
        tag::check_order(&components).map_err(anyhow::Error::msg)?;
        Ok(Pipeline { config, components, model })
    }

    pub fn model_info(&self) -> &ModelInfo {
        &self.model
    }

    pub fn component_names(&self) -> Vec<&'static str> {
        self.components.iter().map(|c| c.name()).collect()
    }

    /// Clean and segment one article (the stages before the components).
    fn prepare(&self, raw: &RawArticle) -> Result<Doc, ArticleError> {
        if raw.bytes.len() > self.config.max_article_bytes {
            return Err(ArticleError::TooLarge { bytes: raw.bytes.len(), limit: self.config.max_article_bytes });
        }
        let start = Instant::now();
        let cleaned = clean::clean(raw)?;
        let mut doc = Doc::new(raw.id.clone(), raw.source.clone(), cleaned.text);
        doc.meta = cleaned.meta;
        doc.warnings = cleaned.warnings;
        doc.content_hash = raw.content_hash.clone();
        segment_doc(&mut doc)?;
        let limit = self.config.max_article_time;
        doc.budget = crate::doc::Budget { limit, spent: start.elapsed() };
        Ok(doc)
    }

    /// Clean, segment and tag one article.
    pub fn annotate_article(&self, raw: &RawArticle) -> Result<Doc, ArticleError> {
        let mut doc = self.prepare(raw)?;
        self.annotate_doc(&mut doc)?;
        Ok(doc)
    }

    /// Segment (if not yet segmented) and run every component over a Doc built by hand.
    pub fn annotate_doc(&self, doc: &mut Doc) -> Result<(), ArticleError> {
        segment_doc(doc)?;
        for c in &self.components {
            c.annotate(doc)?;
        }
        Ok(())
    }

    /// Annotate a plain text (library convenience).
    pub fn annotate_text(&self, id: &str, text: &str) -> Result<Doc, ArticleError> {
        let mut doc = Doc::new(id, id, text);
        self.annotate_doc(&mut doc)?;
        Ok(doc)
    }

    /// One input item → its output record. Never fails: errors and panics become error records.
    pub fn process(&self, item: Item) -> Record {
        self.process_chunk(vec![item]).pop().expect("one record per item")
    }

    /// A chunk of input items → one record each, in order. Never fails: errors and panics
    /// become error records of their article alone. Stage by stage over the whole chunk (run
    /// it inside a rayon pool): articles are cleaned and segmented in parallel, then each
    /// component annotates every article still going (the transformer batches sentences across
    /// them), then records are assembled in parallel.
    pub fn process_chunk(&self, items: Vec<Item>) -> Vec<Record> {
        use rayon::prelude::*;
        let mut slots: Vec<Slot> = items
            .into_par_iter()
            .map(|item| match item {
                Err(failed) => Slot::Done(Box::new(assemble::error_record(&failed.id, &failed.source, &failed.error.to_string(), None, &self.model))),
                Ok(raw) => match ArticleError::guard(|| self.prepare(&raw)) {
                    Ok(doc) => Slot::Going(Box::new(doc)),
                    Err(e) => Slot::Done(Box::new(assemble::error_record(&raw.id, &raw.source, &e.to_string(), Some(raw.content_hash.clone()), &self.model))),
                },
            })
            .collect();
        for c in &self.components {
            // An article past its time budget goes no further: its error record, now.
            for slot in slots.iter_mut() {
                if let Slot::Going(doc) = slot {
                    if doc.budget.exceeded() {
                        let spent = doc.budget.spent;
                        let limit = doc.budget.limit.unwrap_or_default();
                        let e = ArticleError::OverBudget { stage: c.name(), spent, limit };
                        let hash = Some(doc.content_hash.clone());
                        let (id, source) = (&doc.id, &doc.source);
                        let why = e.to_string();
                        let rec = assemble::error_record(id, source, &why, hash, &self.model);
                        *slot = Slot::Done(Box::new(rec));
                    }
                }
            }
            let mut going: Vec<&mut Doc> = slots.iter_mut().filter_map(|s| if let Slot::Going(d) = s { Some(&mut **d) } else { None }).collect();
            if going.is_empty() {
                break;
            }
            let n = going.len();
            // Components guard each article; this catches a panic in a component's own batch code,
            // which fails the articles of this chunk only, not the run.
            let results = ArticleError::guard(|| Ok(c.annotate_batch(&mut going))).unwrap_or_else(|e| {
                let message = match e {
                    ArticleError::Internal { message } => message,
                    other => other.to_string(),
                };
                (0..n).map(|_| Err(ArticleError::Internal { message: message.clone() })).collect()
            });
            drop(going);
            let mut results = results.into_iter();
            for slot in slots.iter_mut() {
                if let Slot::Going(doc) = slot {
                    if let Some(Err(e)) = results.next() {
                        *slot = Slot::Done(Box::new(assemble::error_record(&doc.id, &doc.source, &e.to_string(), Some(doc.content_hash.clone()), &self.model)));
                    }
                }
            }
        }
        slots
            .into_par_iter()
            .map(|slot| match slot {
                Slot::Done(rec) => *rec,
                Slot::Going(doc) => ArticleError::guard(|| Ok(assemble::assemble(&doc, &self.model))).unwrap_or_else(|e| {
                    assemble::error_record(&doc.id, &doc.source, &e.to_string(), Some(doc.content_hash.clone()), &self.model)
                }),
            })
            .collect()
    }

    /// Annotate a batch: items in, records out through `writer`, in input order. With `done`
    /// (for `--resume`), items whose `(id, content hash)` is in it are skipped, and every item
    /// written is added to it, so an article repeated in the input is written once.
    pub fn annotate<I>(&self, items: I, run: &RunConfig, writer: &mut RecordWriter, done: Option<&mut Done>) -> Result<BatchReport>
    where
        I: Iterator<Item = Item>,
    {
        self.annotate_stream(items.map(Streamed::Article), run, writer, done)
    }

    /// [`Pipeline::annotate`] over a stream that may also mark the end of a batch: the chunk
    /// read so far is then annotated, written and flushed before the next item is read, so a
    /// process driven over a pipe answers each batch without waiting for a full chunk or EOF.
    /// Output does not depend on where the batches end.
    pub fn annotate_stream<I>(&self, items: I, run: &RunConfig, writer: &mut RecordWriter, mut done: Option<&mut Done>) -> Result<BatchReport>
    where
        I: Iterator<Item = Streamed>,
    {
        let start = Instant::now();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(run.threads)
            .thread_name(|i| format!("healthclaims-{i}"))
            .build()
            .context("cannot start worker threads")?;
        let mut progress = Progress::new(run.progress, run.total);
        let mut report = BatchReport::default();
        let mut items = items.peekable();
        let chunk_size = run.chunk_size.max(1);
        while items.peek().is_some() {
            let mut chunk = Vec::with_capacity(chunk_size);
            for streamed in items.by_ref() {
                let item = match streamed {
                    Streamed::Article(item) => item,
                    Streamed::EndOfBatch if chunk.is_empty() => continue,
                    Streamed::EndOfBatch => break,
                };
                if let Some(done) = done.as_deref_mut() {
                    if !done.insert(done_key(&item)) {
                        report.skipped += 1;
                        progress.article(0);
                        continue;
                    }
                }
                chunk.push(item);
                if chunk.len() == chunk_size {
                    break;
                }
            }
            let records: Vec<Record> = pool.install(|| self.process_chunk(chunk));
            for rec in &records {
                match rec.status {
                    assemble::Status::Ok => report.ok += 1,
                    assemble::Status::Error => report.errors += 1,
                }
                report.sentences += rec.sentences.len();
                progress.article(rec.sentences.len());
                writer.write(rec).context("cannot write output")?;
            }
            writer.flush().context("cannot write output")?;
        }
        progress.finish();
        report.elapsed = start.elapsed();
        Ok(report)
    }
}

/// An article on its way through the stages of a chunk.
enum Slot {
    Going(Box<Doc>),
    /// Finished early: an error record.
    Done(Box<Record>),
}

/// Split the text into sentences unless that was done already.
fn segment_doc(doc: &mut Doc) -> Result<(), ArticleError> {
    if doc.sentences.is_empty() {
        doc.sentences = segment::segment(&doc.text).into_iter().map(|(span, kind)| Sentence::new(span, kind)).collect();
    }
    if doc.sentences.is_empty() {
        return Err(ArticleError::Empty);
    }
    Ok(())
}

/// The [`Done`] key of an input item: what its output line will hold.
fn done_key(item: &Item) -> (String, String) {
    match item {
        Ok(raw) => (raw.id.clone(), raw.content_hash.clone()),
        Err(f) => (f.id.clone(), crate::write::unread_key(&f.source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Format, RawArticle};
    use crate::tag::Layer;

    /// Panics on articles that mention "boom" (per article), or on any chunk holding "BATCH"
    /// (in its own batch code, outside the per-article guard).
    struct Fragile;
    impl Component for Fragile {
        fn name(&self) -> &'static str {
            "fragile"
        }
        fn requires(&self) -> &'static [Layer] {
            &[Layer::Sentences]
        }
        fn assigns(&self) -> &'static [Layer] {
            &[]
        }
        fn annotate(&self, doc: &mut Doc) -> Result<(), ArticleError> {
            assert!(!doc.text.contains("boom"), "boom in {}", doc.id);
            Ok(())
        }
        fn annotate_batch(&self, docs: &mut [&mut Doc]) -> Vec<Result<(), ArticleError>> {
            assert!(!docs.iter().any(|d| d.text.contains("BATCH")), "batch code failed");
            docs.iter_mut().map(|d| ArticleError::guard(|| self.annotate(d))).collect()
        }
    }

    fn item(id: &str, text: &str) -> Item {
        Ok(RawArticle::new(id.into(), id.into(), Format::Text, text.as_bytes().to_vec(), Default::default()))
    }

    fn pipeline() -> Pipeline {
        Pipeline { config: PipelineConfig::rules_only(), components: vec![Box::new(Fragile)], model: ModelInfo::current() }
    }

    #[test]
    fn issue18_an_article_past_its_time_budget_gets_an_error_record() {
        let mut p = pipeline();
        p.config.max_article_time = Some(Duration::from_nanos(1));
        let recs = p.process_chunk(vec![item("a", "Aspirin helps.")]);
        assert_eq!(recs[0].status, assemble::Status::Error);
        let e = recs[0].error.as_deref().unwrap();
        assert!(e.contains("time budget exceeded") && e.contains("'fragile'"), "{e}");
        p.config.max_article_time = None;
        let again = p.process_chunk(vec![item("a", "Aspirin helps.")]);
        assert_eq!(again[0].status, assemble::Status::Ok);
    }

    #[test]
    fn a_panic_fails_its_article_alone_and_keeps_the_order() {
        let p = pipeline();
        let recs = p.process_chunk(vec![item("a", "Aspirin helps."), item("b", "A boom here."), item("c", "Fine text."), item("d", "   ")]);
        let got: Vec<(&str, assemble::Status)> = recs.iter().map(|r| (r.id.as_str(), r.status.clone())).collect();
        use assemble::Status::{Error, Ok as Good};
        assert_eq!(got, vec![("a", Good), ("b", Error), ("c", Good), ("d", Error)]);
        assert!(recs[1].error.as_deref().unwrap().contains("internal error") && recs[1].error.as_deref().unwrap().contains("boom in b"));
    }

    #[test]
    fn a_panic_in_batch_code_fails_that_chunk_not_the_run() {
        let p = pipeline();
        let recs = p.process_chunk(vec![item("a", "Aspirin helps."), item("b", "BATCH trouble.")]);
        assert_eq!(recs.len(), 2);
        assert!(recs.iter().all(|r| r.status == assemble::Status::Error));
        assert!(recs[0].error.as_deref().unwrap().contains("batch code failed"));
        let again = p.process_chunk(vec![item("c", "Aspirin helps.")]);
        assert_eq!(again[0].status, assemble::Status::Ok);
    }
}
