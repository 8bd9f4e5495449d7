//! `healthclaims train-pairs`: learn the claim-pair head ([`crate::tag::pairs`]) on top of a
//! trained model folder, from the web-synthetic gold pairs (guidelines version 2: one claim per
//! drug–condition pair, `negated`).
//!
//! Each training article runs through the whole pipeline with the encoder handing on its last
//! layer ([`TokenVectors::Hidden`]), so the candidates, entities, anaphors and features are the
//! ones `annotate` sees. A candidate is labelled from the gold claims of its sentence the way
//! ../shared/eval/score.py matches pairs (drug and condition text each inside the other), else
//! `none`. The head (projection, one hidden layer, relation output) is trained with
//! Adam on one thread from a fixed seed, so the same data give the same weights; the encoder is
//! not changed. Writes `pairs.safetensors` (fp16) into the output folder, with the base
//! folder's other files copied there when it is another folder.
//!
//! Split ([`PairSplit`]): by default the web dev split of the protocol is held out
//! (c06–c20 and even-numbered d*); `--folds N --fold K` holds out every N-th article instead
//! (cross-validation over all 110 articles).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rand::prelude::*;
use rand::rngs::StdRng;
use tch::{nn, nn::Module, nn::OptimizerConfig, Device, Kind, Tensor};

use crate::doc::{ClaimStrength, Doc};
use crate::ingest::{Format, RawArticle};
use crate::pipeline::{Pipeline, PipelineConfig};
use crate::runtime::{RuntimeConfig, TokenVectors, PAIR_HEAD_FILE, PAIR_PROJECTION};
use crate::tag::claims::main_drug;
use crate::tag::pairs::{self, Candidate, HAND, OUTPUTS, REGIONS};
use crate::tag::sentence_head::{self, FEATURES};
use crate::train::data::find_ws;

/// Which web-synthetic articles train the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairSplit {
    /// Train on a*, b*, c01–c05 and odd d*; c06–c20 and even d* are the dev split.
    Dev,
    /// Cross-validation: the articles whose index (in sorted order) is `k` mod `n` are held out.
    Fold { k: usize, n: usize },
    /// Every article (not used for shipped weights: they keep the dev split out).
    All,
}

/// Whether a web-synthetic article (file name) is in the dev split of the protocol.
pub fn is_dev_article(name: &str) -> bool {
    let n = name.get(1..3).and_then(|n| n.parse::<u32>().ok());
    match (name.chars().next(), n) {
        (Some('c'), Some(n)) => n >= 6,
        (Some('d'), Some(n)) => n % 2 == 0,
        _ => false,
    }
}

impl PairSplit {
    /// Whether the article at `index` (sorted order) named `name` trains the head.
    pub fn trains(&self, index: usize, name: &str) -> bool {
        match *self {
            PairSplit::Dev => !is_dev_article(name),
            PairSplit::Fold { k, n } => index % n != k,
            PairSplit::All => true,
        }
    }
    fn describe(&self) -> String {
        match self {
            PairSplit::Dev => "web-synthetic a*, b*, c01-c05, odd d* (dev split c06-c20, even d* held out)".into(),
            PairSplit::Fold { k, n } => format!("web-synthetic, fold {k} of {n} held out (article index mod {n})"),
            PairSplit::All => "web-synthetic, all articles".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PairTrainConfig {
    /// ../shared/data
    pub data_dir: PathBuf,
    /// The trained model folder whose encoder the head reads.
    pub base_dir: PathBuf,
    pub out_dir: PathBuf,
    pub split: PairSplit,
    pub seed: u64,
    pub epochs: usize,
    pub lr: f64,
    /// Width of the projected piece vectors.
    pub dim: usize,
    /// Width of the hidden layer.
    pub hidden: usize,
    pub dropout: f64,
    pub weight_decay: f64,
    /// Heads in the ensemble (seeds `seed`, `seed + 1`, …).
    pub members: usize,
    /// The sentence claim head ([`crate::tag::sentence_head`]): members (seeds `seed + 100`,
    /// `seed + 101`, …; 0: none), projection width and hidden width.
    pub sentence_members: usize,
    pub sentence_dim: usize,
    pub sentence_hidden: usize,
}

impl Default for PairTrainConfig {
    fn default() -> Self {
        PairTrainConfig {
            data_dir: PathBuf::from("../shared/data"),
            base_dir: PathBuf::from("models/healthclaims-minilm"),
            out_dir: PathBuf::from("models/healthclaims-minilm"),
            split: PairSplit::Dev,
            seed: 20261207,
            epochs: 40,
            lr: 1e-3,
            dim: 32,
            hidden: 128,
            dropout: 0.3,
            weight_decay: 1e-4,
            members: 5,
            sentence_members: 5,
            sentence_dim: 32,
            sentence_hidden: 64,
        }
    }
}

/// Gold claims as score.py reads them.
#[derive(Debug, serde::Deserialize)]
struct GoldFile {
    doc: String,
    #[serde(default)]
    claims: Vec<GoldPair>,
}

#[derive(Debug, serde::Deserialize)]
struct GoldPair {
    context: String,
    drug: Option<String>,
    condition: Option<String>,
    strength: ClaimStrength,
    #[serde(default)]
    negated: bool,
}

/// One labelled candidate: pooled hidden regions, hand features, labels.
#[derive(Debug, Clone)]
pub struct PairExample {
    pub pooled: Vec<f32>,
    pub hand: [f32; HAND],
    /// Index in `ClaimStrength::ALL` (0 = none).
    pub relation: i64,
    pub negated: bool,
}

/// One labelled sentence for the sentence claim head: its mean hidden vector, its features, and
/// its gold label (the strongest non-negated gold claim, as score.py's claim detection reads it;
/// index in `ClaimStrength::ALL`, 0 = none).
#[derive(Debug, Clone)]
pub struct SentenceExample {
    pub pooled: Vec<f32>,
    pub feats: [f32; FEATURES],
    pub label: i64,
}

/// The gold label of every sentence of an annotated article: its strongest non-negated claim.
fn sentence_labels(doc: &Doc, gold: &[GoldPair]) -> Vec<i64> {
    let mut labels = vec![0i64; doc.sentences.len()];
    for g in gold.iter().filter(|g| !g.negated) {
        let Some(&(start, _)) = find_ws(&doc.text, &g.context, false).first() else { continue };
        let Some(i) = doc.sentence_at(start) else { continue };
        let rank = ClaimStrength::ALL.iter().position(|&s| s == g.strength).unwrap_or(0) as i64;
        labels[i] = labels[i].max(rank);
    }
    labels
}

/// The lower-cased ways a candidate's argument is written (text, vocabulary name, anaphor), as
/// score.py's `names`.
fn names(doc: &Doc, entity: usize, mention: Option<crate::doc::ByteSpan>) -> Vec<String> {
    let e = &doc.entities[entity];
    let mut v = vec![e.span.slice(&doc.text).to_lowercase()];
    if let Some(c) = &e.concept {
        v.push(c.name.to_lowercase());
    }
    if let Some(m) = mention {
        v.push(m.slice(&doc.text).to_lowercase());
    }
    v
}

fn near(gold: &str, sys: &[String]) -> bool {
    let g = gold.to_lowercase();
    !g.is_empty() && sys.iter().any(|s| !s.is_empty() && (s.contains(&g) || g.contains(s.as_str())))
}

/// Label the candidates of one annotated article from its gold (greedy, one gold pair per
/// candidate, in gold order, as score.py matches).
fn label(doc: &Doc, gold: &[GoldPair], cands: &[Candidate]) -> Vec<(i64, bool)> {
    let mut labels = vec![(0i64, false); cands.len()];
    let mut used = vec![false; cands.len()];
    for g in gold {
        let (Some(gd), Some(gc)) = (&g.drug, &g.condition) else { continue };
        let Some(&(start, _)) = find_ws(&doc.text, &g.context, false).first() else { continue };
        let Some(i) = doc.sentence_at(start) else { continue };
        let hit = cands.iter().enumerate().position(|(j, c)| {
            !used[j]
                && c.sentence == i
                && near(gd, &names(doc, c.drug, c.mention))
                && near(gc, &names(doc, c.condition, None))
        });
        if let Some(j) = hit {
            used[j] = true;
            let rel = ClaimStrength::ALL.iter().position(|&s| s == g.strength).unwrap_or(0) as i64;
            labels[j] = (rel, g.negated);
        }
    }
    labels
}

/// The web-synthetic articles (sorted) with their gold, split by `split`: (train, held out).
fn articles(data_dir: &Path, split: PairSplit) -> Result<(Vec<(PathBuf, GoldFile)>, Vec<(PathBuf, GoldFile)>)> {
    let web = data_dir.join("web-synthetic");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(web.join("gold"))
        .with_context(|| format!("cannot read {}", web.join("gold").display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let (mut train, mut held) = (Vec::new(), Vec::new());
    for (idx, p) in paths.iter().enumerate() {
        let g: GoldFile = serde_json::from_slice(&std::fs::read(p)?).with_context(|| format!("{}", p.display()))?;
        let article = web.join("corpus").join(&g.doc);
        if split.trains(idx, &g.doc) {
            train.push((article, g));
        } else {
            held.push((article, g));
        }
    }
    Ok((train, held))
}

/// Annotate articles with the encoder's hidden layer handed on, and turn every candidate pair
/// into a labelled example.
fn examples(pipeline: &Pipeline, arts: &[(PathBuf, GoldFile)]) -> Result<(Vec<PairExample>, Vec<SentenceExample>)> {
    let mut out = Vec::new();
    let mut sentences = Vec::new();
    for (path, gold) in arts {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let raw = RawArticle::new(gold.doc.clone(), path.display().to_string(), Format::Text, bytes, Default::default());
        let doc = pipeline.annotate_article(&raw).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let main = std::cell::OnceCell::new();
        let per_sentence: Vec<Vec<Candidate>> =
            (0..doc.sentences.len()).map(|i| pairs::candidates(&doc, i, &|| *main.get_or_init(|| main_drug(&doc)))).collect();
        for (i, label) in sentence_labels(&doc, &gold.claims).into_iter().enumerate() {
            let pooled = sentence_head::pooled(&doc, i);
            if pooled.is_empty() {
                continue;
            }
            sentences.push(SentenceExample { pooled, feats: sentence_head::features(&doc, i, &per_sentence[i]), label });
        }
        let counts: Vec<usize> = per_sentence.iter().flat_map(|c| std::iter::repeat_n(c.len(), c.len())).collect();
        let cands: Vec<Candidate> = per_sentence.into_iter().flatten().collect();
        let labels = label(&doc, &gold.claims, &cands);
        for ((c, n), (relation, negated)) in cands.iter().zip(counts).zip(labels) {
            let pooled = pairs::pooled(&doc, c);
            if pooled.is_empty() {
                continue; // past the transformer's sentence cap
            }
            let m = *main.get_or_init(|| main_drug(&doc));
            out.push(PairExample { pooled, hand: pairs::hand_features(&doc, c, n, m), relation, negated });
        }
    }
    Ok((out, sentences))
}

/// The sentence claim head as trained (the layers `SentenceHead` reads).
struct SentenceNet {
    proj: nn::Linear,
    hidden: nn::Linear,
    out: nn::Linear,
    dropout: f64,
}

impl SentenceNet {
    fn new(p: &nn::Path, hidden_size: i64, cfg: &PairTrainConfig) -> SentenceNet {
        let no_bias = nn::LinearConfig { bias: false, ..Default::default() };
        let (dim, hidden) = (cfg.sentence_dim as i64, cfg.sentence_hidden as i64);
        SentenceNet {
            proj: nn::linear(p / "proj", hidden_size, dim, no_bias),
            hidden: nn::linear(p / "hidden", dim + FEATURES as i64, hidden, Default::default()),
            out: nn::linear(p / "out", hidden, sentence_head::OUTPUTS as i64, Default::default()),
            dropout: cfg.dropout,
        }
    }

    /// pooled [N, hidden], feats [N, FEATURES] → logits [N, OUTPUTS]
    fn forward_t(&self, pooled: &Tensor, feats: &Tensor, train: bool) -> Tensor {
        let x = Tensor::cat(&[self.proj.forward(pooled), feats.shallow_clone()], 1);
        let h = self.hidden.forward(&x.dropout(self.dropout, train)).relu();
        self.out.forward(&h.dropout(self.dropout, train))
    }
}

/// Train one network from `seed` with Adam on shuffled batches of 32.
fn fit(vs: &nn::VarStore, cfg: &PairTrainConfig, seed: u64, n: usize, what: &str, step: &dyn Fn(&Tensor, bool) -> Tensor) -> Result<()> {
    let mut opt = nn::Adam { wd: cfg.weight_decay, ..Default::default() }.build(vs, cfg.lr)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut order: Vec<i64> = (0..n as i64).collect();
    for epoch in 0..cfg.epochs {
        order.shuffle(&mut rng);
        let mut total = 0f64;
        for chunk in order.chunks(32) {
            let loss = step(&Tensor::from_slice(chunk), true);
            opt.backward_step(&loss);
            total += loss.double_value(&[]) * chunk.len() as f64;
        }
        if epoch + 1 == cfg.epochs {
            eprintln!("train-pairs: {what}, epoch {} loss {:.4}", epoch + 1, total / n as f64);
        }
    }
    Ok(())
}

/// The head as trained (the same layers `PairHead` reads).
struct Net {
    proj: nn::Linear,
    hidden: nn::Linear,
    out: nn::Linear,
    dim: i64,
    dropout: f64,
}

impl Net {
    fn new(p: &nn::Path, hidden_size: i64, cfg: &PairTrainConfig) -> Net {
        let dim = cfg.dim as i64;
        let no_bias = nn::LinearConfig { bias: false, ..Default::default() };
        Net {
            proj: nn::linear(p / "proj", hidden_size, dim, no_bias),
            hidden: nn::linear(p / "hidden", pairs::input_width(cfg.dim) as i64, cfg.hidden as i64, Default::default()),
            out: nn::linear(p / "out", cfg.hidden as i64, OUTPUTS as i64, Default::default()),
            dim,
            dropout: cfg.dropout,
        }
    }

    /// pooled [N, REGIONS, hidden], hand [N, HAND] → logits [N, OUTPUTS]
    fn forward_t(&self, pooled: &Tensor, hand: &Tensor, train: bool) -> Tensor {
        let n = pooled.size()[0];
        let p = self.proj.forward(pooled); // [N, REGIONS, dim]
        let prod = p.select(1, 0) * p.select(1, 1);
        let x = Tensor::cat(&[p.reshape([n, REGIONS as i64 * self.dim]), prod, hand.shallow_clone()], 1);
        let h = self.hidden.forward(&x.dropout(self.dropout, train)).relu();
        self.out.forward(&h.dropout(self.dropout, train))
    }
}

fn tensors(ex: &[PairExample], hidden: usize) -> (Tensor, Tensor, Tensor) {
    let pooled: Vec<f32> = ex.iter().flat_map(|e| e.pooled.iter().copied()).collect();
    let hand: Vec<f32> = ex.iter().flat_map(|e| e.hand.iter().copied()).collect();
    let n = ex.len() as i64;
    (
        Tensor::from_slice(&pooled).reshape([n, REGIONS as i64, hidden as i64]),
        Tensor::from_slice(&hand).reshape([n, HAND as i64]),
        Tensor::from_slice(&ex.iter().map(|e| e.relation).collect::<Vec<_>>()),
    )
}

/// Train the head; returns the number of training examples.
pub fn train(cfg: &PairTrainConfig) -> Result<usize> {
    let t0 = Instant::now();
    tch::set_num_threads(1);
    tch::manual_seed(cfg.seed as i64);
    let (train_arts, held) = articles(&cfg.data_dir, cfg.split)?;
    if train_arts.is_empty() {
        bail!("no training articles in {}", cfg.data_dir.join("web-synthetic").display());
    }
    let runtime = RuntimeConfig { model_dir: cfg.base_dir.clone(), token_vectors: TokenVectors::Hidden, torch_threads: 1, ..Default::default() };
    let pipeline = Pipeline::new(PipelineConfig { model: Some(runtime), ..Default::default() })?;
    let (ex, sentence_ex) = examples(&pipeline, &train_arts)?;
    let Some(first) = ex.first() else { bail!("the training articles gave no candidate pairs") };
    let hidden_size = first.pooled.len() / REGIONS;
    let positives = ex.iter().filter(|e| e.relation > 0).count();
    let negated = ex.iter().filter(|e| e.relation > 0 && e.negated).count();
    eprintln!(
        "train-pairs: {} articles, {} candidate pairs ({} claims, {} negated); {} articles held out; {:.1}s",
        train_arts.len(),
        ex.len(),
        positives,
        negated,
        held.len(),
        t0.elapsed().as_secs_f64()
    );
    let (pooled, hand, rel) = tensors(&ex, hidden_size);
    // An ensemble of `members` heads from seeds seed, seed+1, …: one head's dev figures move
    // by ±0.02 between seeds; their averaged probabilities do not.
    let mut stores = Vec::with_capacity(cfg.members);
    for m in 0..cfg.members {
        let seed = cfg.seed + m as u64;
        tch::manual_seed(seed as i64);
        let vs = nn::VarStore::new(Device::Cpu);
        let net = Net::new(&(vs.root() / pairs::member_name(m)), hidden_size as i64, cfg);
        fit(&vs, cfg, seed, ex.len(), &format!("member {m}"), &|idx, train| {
            let logits = net.forward_t(&pooled.index_select(0, idx), &hand.index_select(0, idx), train);
            logits.cross_entropy_for_logits(&rel.index_select(0, idx))
        })?;
        stores.push(vs);
    }
    // The sentence claim head: its own members, seeds seed + 100, …
    let s_claims = sentence_ex.iter().filter(|e| e.label > 0).count();
    eprintln!("train-pairs: {} sentences ({} claims) for the sentence claim head", sentence_ex.len(), s_claims);
    if cfg.sentence_members > 0 && !sentence_ex.is_empty() {
        let flat: Vec<f32> = sentence_ex.iter().flat_map(|e| e.pooled.iter().copied()).collect();
        let sp = Tensor::from_slice(&flat).reshape([sentence_ex.len() as i64, hidden_size as i64]);
        let feats: Vec<f32> = sentence_ex.iter().flat_map(|e| e.feats.iter().copied()).collect();
        let sf = Tensor::from_slice(&feats).reshape([sentence_ex.len() as i64, FEATURES as i64]);
        let sy = Tensor::from_slice(&sentence_ex.iter().map(|e| e.label).collect::<Vec<_>>());
        for m in 0..cfg.sentence_members {
            let seed = cfg.seed + 100 + m as u64;
            tch::manual_seed(seed as i64);
            let vs = nn::VarStore::new(Device::Cpu);
            let net = SentenceNet::new(&(vs.root() / sentence_head::member_name(m)), hidden_size as i64, cfg);
            fit(&vs, cfg, seed, sentence_ex.len(), &format!("sentence member {m}"), &|idx, train| {
                let logits = net.forward_t(&sp.index_select(0, idx), &sf.index_select(0, idx), train);
                logits.cross_entropy_for_logits(&sy.index_select(0, idx))
            })?;
            stores.push(vs);
        }
    }
    let counts = Counts { pairs: ex.len(), claims: positives, negated, sentences: sentence_ex.len(), sentence_claims: s_claims };
    save(&stores, cfg, &train_arts, &counts, t0.elapsed().as_secs_f64())?;
    eprintln!("train-pairs: wrote {} in {:.1}s", cfg.out_dir.join(PAIR_HEAD_FILE).display(), t0.elapsed().as_secs_f64());
    Ok(ex.len())
}

/// What the heads were trained on (for heads.json).
struct Counts {
    pairs: usize,
    claims: usize,
    negated: usize,
    sentences: usize,
    sentence_claims: usize,
}

fn save(stores: &[nn::VarStore], cfg: &PairTrainConfig, arts: &[(PathBuf, GoldFile)], counts: &Counts, secs: f64) -> Result<()> {
    let out = &cfg.out_dir;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let same = out.canonicalize().ok() == cfg.base_dir.canonicalize().ok();
    if !same {
        for f in ["config.json", "tokenizer.json", "model.safetensors", "heads.json"] {
            std::fs::copy(cfg.base_dir.join(f), out.join(f)).with_context(|| format!("cannot copy {f} into {}", out.display()))?;
        }
    }
    let mut named: Vec<(String, Tensor)> =
        stores.iter().flat_map(|vs| vs.variables()).map(|(k, v)| (k, v.to_kind(Kind::Half))).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    debug_assert!(named.iter().any(|(k, _)| k.ends_with(PAIR_PROJECTION)));
    Tensor::write_safetensors(&named, out.join(PAIR_HEAD_FILE)).context("cannot save the pair head")?;
    // provenance in heads.json
    let hp = out.join("heads.json");
    let mut heads = crate::runtime::Model::read_heads(out)?;
    // the head changes what the model outputs: the folder takes this build's version
    heads.version = env!("CARGO_PKG_VERSION").to_string();
    if !heads.training.is_object() {
        heads.training = serde_json::json!({});
    }
    heads.training["pair_head"] = serde_json::json!({
        "command": "healthclaims train-pairs",
        "data": cfg.split.describe(),
        "articles": arts.len(),
        "candidate_pairs": counts.pairs,
        "claims": counts.claims,
        "negated_claims": counts.negated,
        "seed": cfg.seed,
        "epochs": cfg.epochs,
        "lr": cfg.lr,
        "members": cfg.members,
        "dim": cfg.dim,
        "hidden": cfg.hidden,
        "dropout": cfg.dropout,
        "weight_decay": cfg.weight_decay,
        "sentence_head": {
            "members": cfg.sentence_members,
            "dim": cfg.sentence_dim,
            "hidden": cfg.sentence_hidden,
            "seed": cfg.seed + 100,
            "sentences": counts.sentences,
            "sentence_claims": counts.sentence_claims,
        },
        "minutes": (secs / 60.0 * 10.0).round() / 10.0,
    });
    std::fs::write(&hp, serde_json::to_vec_pretty(&heads)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_split_is_the_protocols() {
        for n in ["c06_x.txt", "c20_y.txt", "d02_z.txt", "d50_w.txt"] {
            assert!(is_dev_article(n), "{n}");
            assert!(!PairSplit::Dev.trains(0, n));
        }
        for n in ["a01_x.txt", "b20_y.txt", "c05_z.txt", "d01_w.txt", "d49_v.txt"] {
            assert!(!is_dev_article(n), "{n}");
        }
        let f = PairSplit::Fold { k: 2, n: 5 };
        assert!(!f.trains(7, "a01") && f.trains(8, "a01"));
    }

    #[test]
    fn names_match_either_way_like_the_scorer() {
        assert!(near("nicotine patch", &["the patch".into(), "nicotine patch".into()]));
        assert!(near("Alzheimer's disease", &["alzheimer's".into()]));
        assert!(!near("migraine", &["nausea".into()]));
        assert!(!near("", &["x".into()]));
    }
}
