//! The transformer: rust-bert's BERT encoder (all-MiniLM-L6-v2, fine-tuned here) with one shared
//! pass feeding every head — entity BIO tags (DRUG, CONDITION), hedge-cue BIO tags, and the
//! sentence heads `hedged` and claim strength. Loads the shipped weights once; predicts word-level
//! spans (byte offsets into each sentence) and sentence probabilities, batch by batch under
//! `no_grad`. The only module that uses `rust_bert`.

use crate::doc::{ClaimStrength, EntityLabel};
use crate::encode::{length_batches, Batch, Encoder, LexTag, Pieces};
use crate::int8::Int8Encoder;
use anyhow::{bail, Context, Result};
use rust_bert::bert::{BertConfig, BertEmbedding, BertEmbeddings, BertModel};
use rust_bert::RustBertError;
use std::borrow::Borrow;
use rust_bert::Config;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tch::{nn, nn::Module, Device, Kind, Tensor};

/// Entity tags, in head order.
pub const ENTITY_TAGS: [&str; 5] = ["O", "B-DRUG", "I-DRUG", "B-CONDITION", "I-CONDITION"];
/// Hedge-cue tags, in head order.
pub const CUE_TAGS: [&str; 3] = ["O", "B-HEDGE", "I-HEDGE"];
/// Claim strengths, in head order.
pub const CLAIM_LABELS: [ClaimStrength; 4] = ClaimStrength::ALL;

/// Longest piece window the encoder sees (positions 0..512 exist; shorter is faster).
pub const MAX_PIECES: usize = 126;

/// Which entity head `entities` come from. Both heads tag the same classes with the same BIO
/// tags ([`ENTITY_TAGS`]) over one encoder pass; they differ in what trains them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntityScheme {
    /// Trained on every corpus with entity labels (web-synthetic and the template sentences
    /// follow ../shared/annotation-guidelines.md; BC5CDR and NCBI as annotated). What
    /// `annotate` reads; the entity stage applies the guidelines' exclusions (glucose,
    /// serotonin: the not-entities list), which this head, like the other, does not learn.
    #[default]
    Guidelines,
    /// Trained on BC5CDR and NCBI-disease only (their conventions: every chemical, disease
    /// names without modifiers): an auxiliary task whose extra supervision of the shared
    /// encoder lifts both heads (model card); `eval` scores those corpora with it.
    PubMed,
}

/// The entity heads a model folder must have, by `heads.json` name.
pub const ENTITY_HEADS: [&str; 2] = ["guidelines", "pubmed"];

/// `heads.json`: the label maps the weights were trained with, checked at load, and provenance.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HeadsConfig {
    pub name: String,
    pub version: String,
    pub entity_tags: Vec<String>,
    pub cue_tags: Vec<String>,
    pub claim_labels: Vec<ClaimStrength>,
    /// Entity heads ([`EntityScheme`]), in [`ENTITY_HEADS`] names (absent before model 0.5.0).
    #[serde(default)]
    pub entity_heads: Vec<String>,
    /// Free-form training provenance (seed, data, steps) written by `train`.
    #[serde(default)]
    pub training: serde_json::Value,
}

impl HeadsConfig {
    /// The fifth of Yu 2019 the model was not trained on (`train --yu-fold`; 0 for models
    /// from before it was recorded).
    pub fn yu_fold(&self) -> u64 {
        self.training.get("yu_fold").and_then(serde_json::Value::as_u64).unwrap_or(0)
    }

    pub fn current(name: &str, version: &str, training: serde_json::Value) -> Self {
        HeadsConfig {
            name: name.into(),
            version: version.into(),
            entity_tags: ENTITY_TAGS.iter().map(|s| s.to_string()).collect(),
            cue_tags: CUE_TAGS.iter().map(|s| s.to_string()).collect(),
            claim_labels: CLAIM_LABELS.to_vec(),
            entity_heads: ENTITY_HEADS.iter().map(|s| s.to_string()).collect(),
            training,
        }
    }

    /// The weights' label maps must be the ones this code decodes.
    pub fn check(&self) -> Result<()> {
        if self.entity_tags != ENTITY_TAGS || self.cue_tags != CUE_TAGS || self.claim_labels != CLAIM_LABELS {
            bail!(
                "model label maps {:?} / {:?} / {:?} do not match this build ({:?} / {:?} / {:?})",
                self.entity_tags,
                self.cue_tags,
                self.claim_labels,
                ENTITY_TAGS,
                CUE_TAGS,
                CLAIM_LABELS
            );
        }
        if self.entity_heads != ENTITY_HEADS {
            bail!(
                "model {} {} has entity heads {:?}, this build needs {:?} (a model for an older build: retrain with `healthclaims train`)",
                self.name,
                self.version,
                self.entity_heads,
                ENTITY_HEADS
            );
        }
        Ok(())
    }
}

/// BERT's embeddings plus one learned vector per gazetteer tag of the piece ([`LexTag`]),
/// added after BERT's own embedding layer. It starts at zero (the pre-trained encoder
/// unchanged) and training learns how much the vocabularies are worth in each context. The
/// tags travel in BERT's `token_type_ids` slot: these models have one segment only.
pub struct LexEmbeddings {
    bert: BertEmbeddings,
    lexicon: nn::Embedding,
}

impl BertEmbedding for LexEmbeddings {
    fn new<'p, P: Borrow<nn::Path<'p>>>(p: P, config: &BertConfig) -> Self {
        let p = p.borrow();
        let zero = nn::EmbeddingConfig { ws_init: nn::Init::Const(0.0), ..Default::default() };
        LexEmbeddings {
            bert: BertEmbeddings::new(p, config),
            lexicon: nn::embedding(p / "lexicon", LexTag::COUNT as i64, config.hidden_size, zero),
        }
    }

    fn forward_t(
        &self,
        input_ids: Option<&Tensor>,
        lex_tags: Option<&Tensor>,
        position_ids: Option<&Tensor>,
        input_embeds: Option<&Tensor>,
        train: bool,
    ) -> std::result::Result<Tensor, RustBertError> {
        let x = self.bert.forward_t(input_ids, None, position_ids, input_embeds, train)?;
        Ok(match lex_tags {
            Some(t) => x + t.apply(&self.lexicon),
            None => x,
        })
    }
}

/// The layer norms' epsilon in rust-bert's BERT (fixed there, whatever config.json says).
pub const BERT_LAYER_NORM_EPS: f64 = 1e-12;

/// The variable the base encoder lacks besides the heads.
pub const LEXICON_EMBEDDING: &str = "embeddings.lexicon.weight";

/// Encoder + heads.
pub struct Network {
    pub bert: BertModel<LexEmbeddings>,
    entity: nn::Linear,
    entity_pubmed: nn::Linear,
    cue: nn::Linear,
    hedged: nn::Linear,
    claim: nn::Linear,
    dropout: f64,
}

/// Raw logits of every head for a batch.
pub struct Logits {
    /// [B, T, 5] over pieces incl. [CLS]/[SEP]: the guidelines' entities.
    pub entity: Tensor,
    /// [B, T, 5]: BC5CDR / NCBI-convention entities ([`EntityScheme::PubMed`]).
    pub entity_pubmed: Tensor,
    /// [B, T, 3]
    pub cue: Tensor,
    /// [B, 2]
    pub hedged: Tensor,
    /// [B, 4]
    pub claim: Tensor,
    /// [B, T, hidden]: the encoder's last layer (what the pair head reads, see [`TokenVectors`]).
    pub hidden: Tensor,
}

impl Network {
    /// `root`: where the BERT variables live (HF names: `embeddings.…`, `encoder.…`); heads go
    /// under `heads.…`.
    pub fn new(root: &nn::Path, config: &BertConfig) -> Network {
        let h = config.hidden_size;
        let heads = root / "heads";
        Network {
            bert: BertModel::new_with_optional_pooler(root, config, false),
            entity: nn::linear(&heads / "entity", h, ENTITY_TAGS.len() as i64, Default::default()),
            entity_pubmed: nn::linear(&heads / "entity_pubmed", h, ENTITY_TAGS.len() as i64, Default::default()),
            cue: nn::linear(&heads / "cue", h, CUE_TAGS.len() as i64, Default::default()),
            hedged: nn::linear(&heads / "hedged", h, 2, Default::default()),
            claim: nn::linear(&heads / "claim", h, CLAIM_LABELS.len() as i64, Default::default()),
            dropout: config.hidden_dropout_prob,
        }
    }

    pub fn forward_t(&self, batch: &Batch, train: bool) -> Result<Logits> {
        let out = self
            .bert
            .forward_t(Some(&batch.input_ids), Some(&batch.mask), Some(&batch.lex), None, None, None, None, train)
            .map_err(|e| anyhow::anyhow!("encoder forward pass: {e}"))?;
        Ok(self.heads_t(out.hidden_state, batch, train))
    }

    /// The heads over the encoder's last layer `hidden` [B, T, hidden] (from rust-bert's
    /// encoder or [`Int8Encoder`]).
    pub fn heads_t(&self, hidden: Tensor, batch: &Batch, train: bool) -> Logits {
        let hidden = hidden.dropout(self.dropout, train);
        // Sentence vector: mean over real tokens (how MiniLM sentence embeddings were trained).
        let m = batch.mask.to_kind(hidden.kind()).unsqueeze(-1);
        let pooled = (&hidden * &m).sum_dim_intlist([1i64].as_slice(), false, hidden.kind())
            / m.sum_dim_intlist([1i64].as_slice(), false, hidden.kind()).clamp_min(1.0);
        Logits {
            entity: self.entity.forward(&hidden),
            entity_pubmed: self.entity_pubmed.forward(&hidden),
            cue: self.cue.forward(&hidden),
            hedged: rows_invariant(&self.hedged, &pooled),
            claim: rows_invariant(&self.claim, &pooled),
            hidden,
        }
    }
}

/// Fewest rows a matrix product gets. libtorch's CPU GEMM takes other code paths (other
/// summation orders, so other last bits) for a handful of rows; from 16 rows on, a row's result
/// does not depend on how many rows share the product. Keeping every product at 16 rows or more
/// makes a sentence's prediction independent of its batch-mates, so the output of a run does
/// not depend on chunking, `--resume` or threads (tests/model.rs checks it bit for bit).
pub const MIN_GEMM_ROWS: usize = 16;

/// `lin` applied to the rows of `x` [B, h], padded with zero rows to `MIN_GEMM_ROWS`.
fn rows_invariant(lin: &nn::Linear, x: &Tensor) -> Tensor {
    let b = x.size()[0];
    if b >= MIN_GEMM_ROWS as i64 {
        return lin.forward(x);
    }
    let pad = Tensor::zeros([MIN_GEMM_ROWS as i64 - b, x.size()[1]], (x.kind(), x.device()));
    lin.forward(&Tensor::cat(&[x, &pad], 0)).narrow(0, 0, b)
}

/// A word-level span predicted in one sentence (byte offsets into that sentence).
#[derive(Debug, Clone, PartialEq)]
pub struct SpanPrediction {
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

/// What the model says about one sentence.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SentencePrediction {
    pub entities: Vec<(SpanPrediction, EntityLabel)>,
    pub cues: Vec<SpanPrediction>,
    /// P(hedged).
    pub hedged: f32,
    /// P(strength), in `CLAIM_LABELS` order.
    pub claim: [f32; 4],
    /// Per word piece of the sentence (all windows, in order): its byte span in the sentence.
    pub pieces: Vec<(usize, usize)>,
    /// Per word piece, `dim` numbers ([`TokenVectors`]); empty when the model emits none.
    pub vectors: Vec<f32>,
}

impl SentencePrediction {
    pub fn claim_label(&self) -> (ClaimStrength, f32) {
        let (i, p) = self.claim.iter().enumerate().fold((0, f32::MIN), |a, (i, &p)| if p > a.1 { (i, p) } else { a });
        (CLAIM_LABELS[i], p)
    }
}

/// Arithmetic of the encoder's matrix products at inference (training is always fp32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// fbgemm int8 Linear layers ([`Int8Encoder`]): opt-in. Measured on the web dev split it
    /// loses 1.3 points of claim-strength macro-F1, for at most 1.4× the whole pipeline's speed
    /// on the 2-core machine (models/MODEL_CARD.md, README), so it is not the default.
    Int8,
    /// rust-bert's fp32 encoder, as trained (the default).
    #[default]
    Fp32,
}

impl std::str::FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "int8" => Ok(Precision::Int8),
            "fp32" => Ok(Precision::Fp32),
            _ => Err(format!("'{s}' is not a precision (int8 or fp32)")),
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Precision::Int8 => "int8",
            Precision::Fp32 => "fp32",
        })
    }
}

/// Inference settings (rust-bert style: a `Default` overridden with `..Default::default()`).
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    pub model_dir: PathBuf,
    pub device: Device,
    /// Rows per batch.
    pub batch_rows: usize,
    /// Padded tokens per batch.
    pub batch_tokens: usize,
    /// libtorch intra-op threads (0: leave libtorch's default).
    pub torch_threads: usize,
    /// Model copies, one per worker thread (tensors cannot be shared between threads).
    pub replicas: usize,
    /// Sentences of one article the transformer reads; the rest get rules and gazetteers only.
    pub max_sentences_per_doc: usize,
    /// Bytes of one article the transformer reads, in whole sentences from the start: a word
    /// piece covers at least one byte, so this bounds an article's pieces (1,000 sentences of
    /// 1,000 bytes would be 8x a typical article's 1,000 sentences).
    pub max_bytes_per_doc: usize,
    /// The entity head whose spans `predict` returns.
    pub entity_scheme: EntityScheme,
    /// What the encoder hands on per word piece.
    pub token_vectors: TokenVectors,
    /// The encoder's arithmetic.
    pub precision: Precision,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            model_dir: default_model_dir(),
            device: Device::Cpu,
            batch_rows: 256,
            batch_tokens: 4096,
            torch_threads: 0,
            replicas: 1,
            max_sentences_per_doc: 1000,
            max_bytes_per_doc: 256 << 10,
            entity_scheme: EntityScheme::Guidelines,
            token_vectors: TokenVectors::Auto,
            precision: Precision::default(),
        }
    }
}

/// `HEALTHCLAIMS_MODEL` if set, else `models/healthclaims-minilm` beside the executable's
/// project (found by walking up from the executable), else relative to the working directory.
pub fn default_model_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("HEALTHCLAIMS_MODEL") {
        return PathBuf::from(p);
    }
    let rel = Path::new("models").join("healthclaims-minilm");
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1) {
            let cand = dir.join(&rel);
            if cand.join("heads.json").exists() {
                return cand;
            }
        }
    }
    rel
}

pub struct Model {
    pub vs: nn::VarStore,
    pub net: Network,
    pub encoder: Encoder,
    pub heads: HeadsConfig,
    bert_config: BertConfig,
    config: RuntimeConfig,
    /// [hidden, dim]: the pair head's token projection, transposed (None: hand on the hidden
    /// layer itself, or nothing — see [`Model::token_dim`]).
    projection: Option<Tensor>,
    /// The encoder with int8 Linear layers ([`Precision::Int8`]; None: rust-bert's fp32 one).
    int8: Option<Int8Encoder>,
}

/// One encoder row: a window of at most `MAX_PIECES` pieces of one sentence.
#[derive(Debug, Clone)]
pub struct Row {
    /// Index of the sentence (in the list given to [`rows`]).
    pub sentence: usize,
    pub pieces: Pieces,
}

/// What the model says about one row (spans in bytes of its sentence).
#[derive(Debug, Clone, Default)]
pub struct RowPrediction {
    pub entities: Vec<(SpanPrediction, EntityLabel)>,
    pub cues: Vec<SpanPrediction>,
    pub hedged: f32,
    pub claim: [f32; 4],
    /// Per piece of the row, its vector ([`TokenVectors`]; empty when off).
    pub vectors: Vec<f32>,
}

/// What the encoder hands on per word piece, for the claim-pair head that runs after the
/// entity stage ([`crate::tag::pairs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenVectors {
    /// The pair head's token projection when the model folder has `pairs.safetensors`, else
    /// nothing.
    #[default]
    Auto,
    /// Nothing (the pair head is not used).
    Off,
    /// The encoder's whole last layer (`hidden` numbers per piece): what `train-pairs` learns
    /// the projection from.
    Hidden,
}

/// The pair head's file in a model folder.
pub const PAIR_HEAD_FILE: &str = "pairs.safetensors";
/// The token projection's variable in [`PAIR_HEAD_FILE`] ([dim, hidden]).
pub const PAIR_PROJECTION: &str = "proj.weight";

/// Tokenise sentences into encoder rows; a sentence longer than `MAX_PIECES` pieces becomes
/// several windows cut between words, an empty one none.
pub fn rows(encoder: &Encoder, sentences: &[&str]) -> Result<Vec<Row>> {
    let mut out = Vec::with_capacity(sentences.len());
    for (i, s) in sentences.iter().enumerate() {
        let p = encoder.pieces(s)?;
        if p.len() <= MAX_PIECES {
            if !p.is_empty() {
                out.push(Row { sentence: i, pieces: p });
            }
        } else {
            out.extend(p.windows(MAX_PIECES).into_iter().map(|w| Row { sentence: i, pieces: w }));
        }
    }
    Ok(out)
}

/// Join row predictions (in row order) into one prediction per sentence: spans of all windows,
/// the highest P(hedged), the mean claim distribution.
pub fn join(n_sentences: usize, rows: &[Row], preds: Vec<RowPrediction>) -> Vec<SentencePrediction> {
    let mut out = vec![SentencePrediction::default(); n_sentences];
    let mut windows = vec![0usize; n_sentences];
    for (row, p) in rows.iter().zip(preds) {
        let si = row.sentence;
        let pred = &mut out[si];
        let k = windows[si] as f32;
        pred.entities.extend(p.entities);
        pred.cues.extend(p.cues);
        pred.hedged = pred.hedged.max(p.hedged);
        pred.pieces.extend(row.pieces.offsets.iter().copied());
        pred.vectors.extend(p.vectors);
        for j in 0..4 {
            pred.claim[j] = (pred.claim[j] * k + p.claim[j]) / (k + 1.0);
        }
        windows[si] += 1;
    }
    for p in &mut out {
        p.entities.sort_by_key(|(s, _)| s.start);
        p.cues.sort_by_key(|s| s.start);
    }
    out
}

impl Model {
    /// The label maps and provenance of a model folder, checked against this build.
    pub fn read_heads(dir: &Path) -> Result<HeadsConfig> {
        let heads: HeadsConfig = serde_json::from_slice(
            &std::fs::read(dir.join("heads.json")).with_context(|| format!("cannot read the model in {} (HEALTHCLAIMS_MODEL or --model picks another)", dir.display()))?,
        )
        .with_context(|| format!("{}/heads.json", dir.display()))?;
        heads.check()?;
        Ok(heads)
    }

    /// Load weights (fp16 on disk, fp32 for CPU inference), tokenizer and label maps.
    pub fn load(config: RuntimeConfig) -> Result<Model> {
        let dir = &config.model_dir;
        let heads = Self::read_heads(dir)?;
        let bert_config = BertConfig::from_file(dir.join("config.json"));
        let encoder = Encoder::from_file(&dir.join("tokenizer.json"))?;
        let mut vs = nn::VarStore::new(config.device);
        let net = Network::new(&vs.root(), &bert_config);
        vs.load(dir.join("model.safetensors")).with_context(|| format!("cannot load weights from {}", dir.display()))?;
        vs.float();
        vs.freeze();
        if config.torch_threads > 0 {
            tch::set_num_threads(config.torch_threads as i32);
        }
        let projection = match config.token_vectors {
            TokenVectors::Auto if dir.join(PAIR_HEAD_FILE).exists() => Some(load_projection(&dir.join(PAIR_HEAD_FILE), bert_config.hidden_size)?),
            _ => None,
        };
        let int8 = Self::int8_encoder(&vs, &bert_config, config.precision)?;
        Ok(Model { vs, net, encoder, heads, bert_config, config, projection, int8 })
    }

    /// Another copy of this model for another thread (libtorch tensors are not `Sync`): the
    /// weights are copied in memory, nothing is read from disk again.
    pub fn replicate(&self) -> Result<Model> {
        let mut vs = nn::VarStore::new(self.config.device);
        let net = Network::new(&vs.root(), &self.bert_config);
        vs.copy(&self.vs).context("cannot copy the model weights")?;
        vs.freeze();
        let int8 = Self::int8_encoder(&vs, &self.bert_config, self.config.precision)?;
        Ok(Model {
            int8,
            vs,
            net,
            encoder: self.encoder.clone(),
            heads: self.heads.clone(),
            bert_config: self.bert_config.clone(),
            config: self.config.clone(),
            projection: self.projection.as_ref().map(|t| t.copy()),
        })
    }

    fn int8_encoder(vs: &nn::VarStore, config: &BertConfig, precision: Precision) -> Result<Option<Int8Encoder>> {
        match precision {
            Precision::Fp32 => Ok(None),
            Precision::Int8 => Ok(Some(Int8Encoder::new(vs, config.num_attention_heads, BERT_LAYER_NORM_EPS)?)),
        }
    }

    /// The encoder's arithmetic.
    pub fn precision(&self) -> Precision {
        self.config.precision
    }

    /// Logits of every head for a batch, under `no_grad`, from the encoder of the configured
    /// precision.
    pub fn logits(&self, batch: &Batch) -> Result<Logits> {
        tch::no_grad(|| match &self.int8 {
            Some(e) => Ok(self.net.heads_t(e.forward(&batch.input_ids, &batch.mask, &batch.lex)?, batch, false)),
            None => self.net.forward_t(batch, false),
        })
    }

    /// Numbers per word piece in [`RowPrediction::vectors`] (0: none).
    pub fn token_dim(&self) -> usize {
        match (&self.projection, self.config.token_vectors) {
            (Some(p), _) => p.size()[1] as usize,
            (None, TokenVectors::Hidden) => self.bert_config.hidden_size as usize,
            (None, _) => 0,
        }
    }

    /// Batches of row indices for [`Model::forward_rows`]: equal lengths, within the
    /// configured rows and tokens.
    pub fn batches(&self, rows: &[Row]) -> Vec<Vec<usize>> {
        let lens: Vec<usize> = rows.iter().map(|r| r.pieces.len()).collect();
        length_batches(&lens, self.config.batch_rows, self.config.batch_tokens)
    }

    /// One encoder pass over a batch of rows, under `no_grad`; predictions in the given order.
    pub fn forward_rows(&self, rows: &[&Row]) -> Result<Vec<RowPrediction>> {
        self.forward_rows_with(rows, self.config.entity_scheme)
    }

    /// [`Model::forward_rows`] with entities from the given head.
    pub fn forward_rows_with(&self, rows: &[&Row], scheme: EntityScheme) -> Result<Vec<RowPrediction>> {
        let mut pieces: Vec<&Pieces> = rows.iter().map(|r| &r.pieces).collect();
        // A batch of fewer than MIN_GEMM_ROWS tokens is filled up with copies of its first row
        // (their outputs are dropped), so every product in the encoder is row-invariant.
        if let Some(&first) = pieces.first() {
            while pieces.len() * (first.len() + 2) < MIN_GEMM_ROWS {
                pieces.push(first);
            }
        }
        let batch = Batch::new(&self.encoder, &pieces, self.config.device);
        let logits = self.logits(&batch)?;
        // Each head's probabilities come out in one copy per batch; rows are slices of it.
        let flat = |t: &Tensor| Vec::<f32>::try_from(t.softmax(-1, Kind::Float).to_device(Device::Cpu).flatten(0, -1));
        let ent_logits = match scheme {
            EntityScheme::Guidelines => &logits.entity,
            EntityScheme::PubMed => &logits.entity_pubmed,
        };
        let (ent, cue) = (flat(ent_logits)?, flat(&logits.cue)?);
        let width = batch.width;
        let hedged = Vec::<f32>::try_from(logits.hedged.softmax(-1, Kind::Float).to_device(Device::Cpu).flatten(0, -1))?;
        let claim = Vec::<f32>::try_from(logits.claim.softmax(-1, Kind::Float).to_device(Device::Cpu).flatten(0, -1))?;
        // Token vectors: [B, T, dim], one copy per batch (a product over B·T ≥ 16 rows, so
        // row-invariant like every other).
        let dim = self.token_dim();
        let vectors = match (&self.projection, dim) {
            (_, 0) => Vec::new(),
            (Some(p), _) => Vec::<f32>::try_from(logits.hidden.matmul(p).to_device(Device::Cpu).flatten(0, -1))?,
            (None, _) => Vec::<f32>::try_from(logits.hidden.to_device(Device::Cpu).flatten(0, -1))?,
        };
        let mut out = Vec::with_capacity(rows.len());
        for (b, p) in pieces.iter().enumerate().take(rows.len()) {
            let n = p.len();
            let ent_rows = probs_rows(&ent, ENTITY_TAGS.len(), b * width, n);
            let cue_rows = probs_rows(&cue, CUE_TAGS.len(), b * width, n);
            let entities = decode_bio(p, &ent_rows)
                .into_iter()
                .map(|(span, tag)| (span, if tag == 0 { EntityLabel::Drug } else { EntityLabel::Condition }))
                .collect();
            let cues = decode_bio(p, &cue_rows).into_iter().map(|(s, _)| s).collect();
            let mut c = [0f32; 4];
            c.copy_from_slice(&claim[b * 4..b * 4 + 4]);
            // pieces 1..=n of the row (skipping [CLS])
            let v = if dim == 0 { Vec::new() } else { vectors[(b * width + 1) * dim..(b * width + 1 + n) * dim].to_vec() };
            out.push(RowPrediction { entities, cues, hedged: hedged[b * 2 + 1], claim: c, vectors: v });
        }
        Ok(out)
    }

    /// Predict every sentence (texts are independent). Long sentences are cut into windows of
    /// `MAX_PIECES` pieces whose predictions are joined.
    pub fn predict(&self, sentences: &[&str]) -> Result<Vec<SentencePrediction>> {
        self.predict_with(sentences, self.config.entity_scheme)
    }

    /// [`Model::predict`] with entities from the given head (evaluation scores both).
    pub fn predict_with(&self, sentences: &[&str], scheme: EntityScheme) -> Result<Vec<SentencePrediction>> {
        let rows = rows(&self.encoder, sentences)?;
        let mut preds: Vec<RowPrediction> = vec![RowPrediction::default(); rows.len()];
        for batch in self.batches(&rows) {
            let members: Vec<&Row> = batch.iter().map(|&r| &rows[r]).collect();
            for (&r, p) in batch.iter().zip(self.forward_rows_with(&members, scheme)?) {
                preds[r] = p;
            }
        }
        Ok(join(sentences.len(), &rows, preds))
    }
}

/// The pair head's token projections from its file (every ensemble member's, in member order,
/// side by side), as [hidden, dim] for `hidden.matmul`.
fn load_projection(path: &Path, hidden: i64) -> Result<Tensor> {
    let named = Tensor::read_safetensors(path).with_context(|| format!("cannot read the pair head {}", path.display()))?;
    let mut parts: Vec<Tensor> = Vec::new();
    // the pair head's members, then the sentence head's (their columns come last)
    let members: [fn(usize) -> String; 2] = [crate::tag::pairs::member_name, crate::tag::sentence_head::member_name];
    for (h, member_name) in members.into_iter().enumerate() {
        for m in 0.. {
            let name = format!("{}.{PAIR_PROJECTION}", member_name(m));
            let Some((_, w)) = named.iter().find(|(n, _)| *n == name) else { break };
            if w.dim() != 2 || w.size()[1] != hidden {
                bail!("{}: {name} has shape {:?}, expected [dim, {hidden}]", path.display(), w.size());
            }
            parts.push(w.to_kind(Kind::Float));
        }
        if h == 0 && parts.is_empty() {
            break;
        }
    }
    if parts.is_empty() {
        bail!("{} has no m0.{PAIR_PROJECTION} (a head for another build: run `healthclaims train-pairs`)", path.display());
    }
    Ok(Tensor::cat(&parts, 0).transpose(0, 1).contiguous())
}

/// Probability rows (`k` tags each) of pieces 1..=n (skipping [CLS]) of the batch row whose
/// first token is token `row_start` of the flattened [B, T, k] probabilities.
fn probs_rows(flat: &[f32], k: usize, row_start: usize, n: usize) -> Vec<&[f32]> {
    flat[(row_start + 1) * k..(row_start + 1 + n) * k].chunks(k).collect()
}

/// BIO decoding over whole words: each word is scored by its first piece's tag probabilities,
/// and the most probable *legal* tag sequence is found by Viterbi (an `I-t` may only follow `B-t`
/// or `I-t`, so a stray inside tag is resolved by the probabilities, not by a rule). Tag columns
/// are `O, B-t0, I-t0, B-t1, I-t1, …`; returns spans with their type index `t` and the mean
/// probability of the chosen tags over the span's words.
pub fn decode_bio<R: AsRef<[f32]>>(p: &Pieces, probs: &[R]) -> Vec<(SpanPrediction, usize)> {
    // words: (first piece, last piece)
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let mut j = i + 1;
        while j < p.len() && p.words[j] == p.words[i] && p.words[i] != u32::MAX {
            j += 1;
        }
        words.push((i, j - 1));
        i = j;
    }
    if words.is_empty() {
        return Vec::new();
    }
    let k = probs[0].as_ref().len();
    let legal = |from: Option<usize>, to: usize| -> bool {
        // an inside tag (even index ≥ 2) continues its own type only
        to == 0 || to % 2 == 1 || matches!(from, Some(f) if f != 0 && (f - 1) / 2 == (to - 1) / 2)
    };
    let lp = |w: usize, t: usize| -> f32 { probs[words[w].0].as_ref()[t].max(1e-12).ln() };
    let mut score: Vec<f32> = (0..k).map(|t| if legal(None, t) { lp(0, t) } else { f32::NEG_INFINITY }).collect();
    // back-pointers of all words in one buffer (word w's at w*k..), two score rows swapped
    let mut back = vec![0u8; words.len() * k];
    let mut next = vec![f32::NEG_INFINITY; k];
    for w in 1..words.len() {
        for t in 0..k {
            next[t] = f32::NEG_INFINITY;
            for (f, &sf) in score.iter().enumerate() {
                if sf > f32::NEG_INFINITY && legal(Some(f), t) && sf > next[t] {
                    next[t] = sf;
                    back[w * k + t] = f as u8;
                }
            }
            next[t] += lp(w, t);
        }
        std::mem::swap(&mut score, &mut next);
    }
    let mut tags = vec![0usize; words.len()];
    tags[words.len() - 1] = (0..k).fold(0, |a, t| if score[t] > score[a] { t } else { a });
    for w in (1..words.len()).rev() {
        tags[w - 1] = back[w * k + tags[w]] as usize;
    }
    let mut out: Vec<(SpanPrediction, usize)> = Vec::new();
    let mut w = 0;
    while w < words.len() {
        let t = tags[w];
        if t == 0 {
            w += 1;
            continue;
        }
        let typ = (t - 1) / 2;
        let mut e = w + 1;
        while e < words.len() && tags[e] == 2 + 2 * typ {
            e += 1;
        }
        let sum: f32 = (w..e).map(|x| probs[words[x].0].as_ref()[tags[x]]).sum();
        let span = SpanPrediction { start: p.offsets[words[w].0].0, end: p.offsets[words[e - 1].1].1, score: sum / (e - w) as f32 };
        out.push((span, typ));
        w = e;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(words: &[(&str, usize)]) -> Pieces {
        // (piece text, word index), offsets consecutive with a space between words
        let mut p = Pieces { ids: vec![], offsets: vec![], words: vec![], lex: vec![] };
        let mut pos = 0;
        let mut last = usize::MAX;
        for (t, w) in words {
            if last != usize::MAX && *w != last {
                pos += 1;
            }
            p.ids.push(0);
            p.offsets.push((pos, pos + t.len()));
            p.words.push(*w as u32);
            p.lex.push(0);
            pos += t.len();
            last = *w;
        }
        p
    }

    fn onehot(tag: usize, k: usize) -> Vec<f32> {
        (0..k).map(|i| if i == tag { 0.9 } else { 0.1 / (k as f32 - 1.0) }).collect()
    }

    #[test]
    fn bio_decoding_merges_pieces_into_words_and_spans() {
        // "low dose nal ##trex ##one helps mig ##raine"
        let p = pieces(&[("low", 0), ("dose", 1), ("nal", 2), ("trex", 2), ("one", 2), ("helps", 3), ("mig", 4), ("raine", 4)]);
        let tags = [1, 2, 2, 0, 0, 0, 3, 4];
        let probs: Vec<Vec<f32>> = tags.iter().map(|&t| onehot(t, 5)).collect();
        let spans = decode_bio(&p, &probs);
        assert_eq!(spans.len(), 2);
        assert_eq!((spans[0].0.start, spans[0].0.end, spans[0].1), (0, 19, 0));
        assert_eq!((spans[1].0.start, spans[1].0.end, spans[1].1), (26, 34, 1));
        assert!((spans[0].0.score - 0.9).abs() < 1e-6);
    }

    #[test]
    fn bio_decoding_resolves_stray_inside_tags_by_probability() {
        let p = pieces(&[("a", 0), ("b", 1), ("c", 2)]);
        // I-t0 then I-t1 with nothing before: the legal reading is B-t0, B-t1 (each word's
        // second-best tag is its B; O has less mass)
        let row = |b: usize, i: usize| -> Vec<f32> { (0..5).map(|t| if t == i { 0.6 } else if t == b { 0.3 } else { 0.1 / 3.0 }).collect() };
        let probs = vec![row(1, 2), row(3, 4), onehot(0, 5)];
        let spans = decode_bio(&p, &probs);
        assert_eq!(spans.iter().map(|s| (s.0.start, s.0.end, s.1)).collect::<Vec<_>>(), vec![(0, 1, 0), (2, 3, 1)]);
        // a stray I-t1 whose O is more likely than its B is dropped
        let stray: Vec<f32> = vec![0.35, 0.02, 0.02, 0.05, 0.56];
        let probs = vec![onehot(0, 5), stray, onehot(0, 5)];
        assert!(decode_bio(&p, &probs).is_empty());
    }

    #[test]
    fn bio_decoding_keeps_a_span_whose_inside_words_follow_a_confident_begin() {
        // "deep vein thrombosis": B, then I with O close behind on the middle word
        let p = pieces(&[("deep", 0), ("vein", 1), ("thrombosis", 2)]);
        let probs = vec![vec![0.1, 0.02, 0.02, 0.84, 0.02], vec![0.4, 0.02, 0.02, 0.06, 0.5], vec![0.2, 0.02, 0.02, 0.06, 0.7]];
        let spans = decode_bio(&p, &probs);
        assert_eq!(spans.iter().map(|s| (s.0.start, s.0.end, s.1)).collect::<Vec<_>>(), vec![(0, 20, 1)]);
        assert!((spans[0].0.score - (0.84 + 0.5 + 0.7) / 3.0).abs() < 1e-6);
    }

    #[test]
    fn bio_decoding_handles_empty_and_single_words() {
        let p = pieces(&[]);
        assert!(decode_bio::<Vec<f32>>(&p, &[]).is_empty());
        let p = pieces(&[("x", 0), ("y", 0)]);
        let spans = decode_bio(&p, &[onehot(1, 5), onehot(2, 5)]);
        assert_eq!(spans.iter().map(|s| (s.0.start, s.0.end, s.1)).collect::<Vec<_>>(), vec![(0, 2, 0)]);
    }

    #[test]
    fn windows_do_not_split_words() {
        let p = pieces(&[("a", 0), ("b", 1), ("b2", 1), ("b3", 1), ("c", 2)]);
        let w = p.windows(3);
        assert_eq!(w.iter().map(|x| x.len()).collect::<Vec<_>>(), vec![1, 3, 1]);
    }

    #[test]
    fn heads_config_rejects_foreign_label_maps() {
        let mut h = HeadsConfig::current("m", "1", serde_json::Value::Null);
        assert!(h.check().is_ok());
        h.entity_tags.swap(1, 3);
        assert!(h.check().is_err());
        // a heads.json from before the PubMed-convention head (model 0.4.0) is refused by name
        let old = r#"{"name":"healthclaims-minilm","version":"0.4.0","entity_tags":["O","B-DRUG","I-DRUG","B-CONDITION","I-CONDITION"],"cue_tags":["O","B-HEDGE","I-HEDGE"],"claim_labels":["none","correlational","conditional_causal","direct_causal"]}"#;
        let old: HeadsConfig = serde_json::from_str(old).unwrap();
        let err = old.check().unwrap_err().to_string();
        assert!(err.contains("0.4.0") && err.contains("pubmed"), "{err}");
    }
}
