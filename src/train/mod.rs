//! `healthclaims train`: fine-tune the MiniLM encoder and all heads on ../shared/data, in Rust
//! with tch: AdamW, linear warm-up then linear decay, fixed seed, length-bucketed batches, one
//! multi-task loss (each corpus supervises only the heads it annotates). Writes fp16
//! safetensors, `config.json`, `heads.json` and `tokenizer.json` into the model folder.

pub mod data;
pub mod pairs;
pub mod templates;

use crate::doc::{ClaimStrength, EntityLabel};
use crate::encode::{Batch, Encoder, Pieces};
use crate::runtime::{HeadsConfig, Network, CLAIM_LABELS, LEXICON_EMBEDDING, MAX_PIECES};
use anyhow::{bail, Context, Result};
use data::{Corpus, Example};
use rand::prelude::*;
use rand::rngs::StdRng;
use rust_bert::bert::BertConfig;
use rust_bert::Config;
use std::path::PathBuf;
use std::time::Instant;
use tch::{nn, nn::OptimizerConfig, Device, Kind, Reduction, Tensor};

#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// ../shared/data
    pub data_dir: PathBuf,
    /// Folder with the base encoder: config.json, model.safetensors, tokenizer.json.
    pub base_dir: PathBuf,
    pub out_dir: PathBuf,
    pub seed: u64,
    pub epochs: f64,
    pub lr: f64,
    pub warmup: f64,
    pub weight_decay: f64,
    pub batch_rows: usize,
    pub batch_tokens: usize,
    pub threads: usize,
    /// Fraction of BioScope's certain sentences kept (they dominate it).
    pub bioscope_certain: f64,
    /// Times each corpus is repeated per epoch (corpora not listed: once).
    pub repeat: Vec<(Corpus, usize)>,
    /// Template sentences filled from the gazetteers.
    pub template_sentences: usize,
    /// Corpora to leave out (for ablations).
    pub exclude: Vec<Corpus>,
    /// Keep the word-embedding matrix (11.7M of 22.7M parameters) at its pre-trained values.
    pub freeze_embeddings: bool,
    /// Claim classes weighted in the loss by (largest class count / class count)^power; 0: all
    /// alike. Yu 2019 is scored by macro-F1, and conditional causal is its smallest class.
    pub claim_weight_power: f64,
    /// Weight of the PubMed-convention entity head's loss (the other token heads weigh 1). 2 since
    /// model 0.6.0 (BC5CDR 84.2 → 84.7 combined, NCBI-disease 79.0 → 79.4, Yu 2019 0.842 →
    /// 0.837 against 0.5.0's weight 1).
    pub pubmed_weight: f64,
    /// Label smoothing of the claim-strength loss (Yu 2019's training sentences end a run
    /// memorised; 0.1 measured worse on its test fifth, 0.808 vs 0.837).
    pub claim_smoothing: f64,
    /// Start from this trained model folder instead of the base encoder (a second stage).
    pub init_dir: Option<PathBuf>,
    /// Which fifth of Yu 2019 is held out (0 for the shipped model; 1-4 for cross-validation).
    /// Recorded in heads.json, where `eval` reads it.
    pub yu_fold: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            data_dir: PathBuf::from("../shared/data"),
            base_dir: PathBuf::from(".cache/encoder"),
            out_dir: PathBuf::from("models/healthclaims-minilm"),
            seed: 20261122,
            epochs: 4.0,
            lr: 1e-4,
            warmup: 0.06,
            weight_decay: 0.01,
            batch_rows: 32,
            batch_tokens: 2048,
            threads: 2,
            bioscope_certain: 0.3,
            repeat: vec![(Corpus::Bc5cdr, 2), (Corpus::Yu, 3), (Corpus::Web, 2)],
            template_sentences: 1500,
            exclude: vec![],
            freeze_embeddings: false,
            claim_weight_power: 0.5,
            pubmed_weight: 2.0,
            claim_smoothing: 0.0,
            init_dir: None,
            yu_fold: 0,
        }
    }
}

impl TrainConfig {
    /// Times `c` is repeated in each epoch.
    pub fn repeat_of(&self, c: Corpus) -> usize {
        self.repeat.iter().rev().find(|r| r.0 == c).map_or(1, |r| r.1)
    }

    pub fn set_repeat(&mut self, c: Corpus, n: usize) {
        self.repeat.retain(|r| r.0 != c);
        self.repeat.push((c, n));
    }
}

/// The training mix (see data.rs for the splits).
pub fn training_examples(cfg: &TrainConfig, rng: &mut StdRng) -> Result<Vec<Example>> {
    let d = &cfg.data_dir;
    let mut ex = Vec::new();
    for corpus in Corpus::ALL {
        let times = cfg.repeat_of(corpus);
        if cfg.exclude.contains(&corpus) || times == 0 {
            continue;
        }
        let once: Vec<Example> = match corpus {
            Corpus::Bc5cdr => {
                let mut v = Vec::new();
                for split in ["train", "devel"] {
                    v.extend(data::load_iob(&d.join(format!("bc5cdr/iob/{split}.tsv")), Corpus::Bc5cdr, data::bc5cdr_label)?);
                }
                v
            }
            Corpus::Ncbi => data::load_iob(&d.join("ncbi-disease/iob/train.tsv"), Corpus::Ncbi, data::ncbi_label)?,
            Corpus::Bioscope => {
                let bs = data::load_bioscope(&d.join("bioscope/bioscope_sentences.jsonl"), "train")?;
                bs.into_iter().filter(|e| e.hedged == Some(true) || rng.gen_bool(cfg.bioscope_certain)).collect()
            }
            Corpus::Yu => data::load_yu(&d.join("causal-language-yu2019/pubmed_causal_language_use.csv"), cfg.yu_fold, false)?,
            Corpus::Web => data::load_web(&d.join("web-synthetic/corpus"), &d.join("web-synthetic/gold"), data::web_train_doc)?,
            Corpus::Gazetteer if cfg.template_sentences > 0 => templates::generate(cfg.template_sentences, rng)?,
            Corpus::Gazetteer => Vec::new(),
        };
        for _ in 1..times {
            ex.extend(once.iter().cloned());
        }
        ex.extend(once);
    }
    Ok(ex)
}

/// Token targets for one head: for each piece, the BIO tag index of the span covering it
/// (`B` on the first piece of the span, `I` after), or -100 where the corpus has no labels.
fn piece_targets(p: &Pieces, spans: Option<&[(usize, usize, usize)]>) -> Vec<i64> {
    let Some(spans) = spans else { return vec![-100; p.len()] };
    p.offsets
        .iter()
        .map(|&(s, e)| {
            match spans.iter().find(|sp| sp.0 < e.max(s + 1) && s < sp.1) {
                Some(&(ss, _, typ)) => (1 + 2 * typ + usize::from(s > ss)) as i64,
                None => 0,
            }
        })
        .collect()
}

struct Prepared {
    pieces: Pieces,
    entity: Vec<i64>,
    /// Targets of the PubMed-convention head: BC5CDR and NCBI-disease only.
    entity_pubmed: Vec<i64>,
    cue: Vec<i64>,
    hedged: i64,
    claim: i64,
}

fn prepare(enc: &Encoder, ex: &Example) -> Result<Option<Prepared>> {
    let mut pieces = enc.pieces(&ex.text)?;
    if pieces.is_empty() {
        return Ok(None);
    }
    if pieces.len() > MAX_PIECES {
        pieces = pieces.windows(MAX_PIECES).swap_remove(0);
    }
    let ents: Option<Vec<(usize, usize, usize)>> = ex.entities.as_ref().map(|v| {
        v.iter().map(|&(s, e, l)| (s, e, if l == EntityLabel::Drug { 0 } else { 1 })).collect()
    });
    let cues: Option<Vec<(usize, usize, usize)>> = ex.cues.as_ref().map(|v| v.iter().map(|&(s, e)| (s, e, 0)).collect());
    let pubmed = matches!(ex.corpus, Corpus::Bc5cdr | Corpus::Ncbi);
    Ok(Some(Prepared {
        entity: piece_targets(&pieces, ents.as_deref()),
        entity_pubmed: piece_targets(&pieces, ents.as_deref().filter(|_| pubmed)),
        cue: piece_targets(&pieces, cues.as_deref()),
        hedged: ex.hedged.map(i64::from).unwrap_or(-100),
        claim: ex.claim.map(|c| CLAIM_LABELS.iter().position(|&x| x == c).unwrap_or(0) as i64).unwrap_or(-100),
        pieces,
    }))
}

/// Token targets padded like `Batch` ([CLS] and [SEP]/padding get -100).
fn token_target_tensor(rows: &[&Prepared], width: usize, pick: fn(&Prepared) -> &Vec<i64>) -> (Tensor, usize) {
    let mut t = vec![-100i64; rows.len() * width];
    let mut n = 0;
    for (r, p) in rows.iter().enumerate() {
        for (i, &v) in pick(p).iter().enumerate() {
            t[r * width + 1 + i] = v;
            n += usize::from(v >= 0);
        }
    }
    (Tensor::from_slice(&t).view([rows.len() as i64, width as i64]), n)
}

fn masked_ce(logits: &Tensor, targets: &Tensor, classes: i64) -> Tensor {
    logits.view([-1, classes]).cross_entropy_loss::<Tensor>(&targets.view([-1]), None, Reduction::Mean, -100, 0.0)
}

/// Per-class loss weights (largest count / count)^power; classes never seen get 1.
fn class_weights(targets: impl Iterator<Item = i64>, classes: usize, power: f64) -> Vec<f64> {
    let mut n = vec![0usize; classes];
    for t in targets {
        if let Ok(i) = usize::try_from(t) {
            n[i] += 1;
        }
    }
    let max = n.iter().copied().max().unwrap_or(0) as f64;
    n.iter().map(|&c| if c == 0 { 1.0 } else { (max / c as f64).powf(power) }).collect()
}

/// Train and write the model folder. Returns the number of optimizer steps.
pub fn train(cfg: &TrainConfig) -> Result<usize> {
    let started = Instant::now();
    tch::manual_seed(cfg.seed as i64);
    tch::set_num_threads(cfg.threads as i32);
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let base = &cfg.base_dir;
    for f in ["config.json", "model.safetensors", "tokenizer.json"] {
        if !base.join(f).exists() {
            bail!("base encoder file {} is missing (scripts/setup.sh --train installs it)", base.join(f).display());
        }
    }
    if let Some(init) = &cfg.init_dir {
        if !init.join("model.safetensors").exists() {
            bail!("{} has no model.safetensors: --init takes a model folder written by `healthclaims train`", init.display());
        }
        // A second stage must hold out the fifth of Yu 2019 the first stage held out, or its
        // test sentences have been trained on.
        let held_out = HeadsConfig::yu_fold(&crate::runtime::Model::read_heads(init)?);
        if held_out != cfg.yu_fold {
            bail!("{} held out Yu 2019 fold {held_out}, this run holds out fold {}: pass --yu-fold {held_out}", init.display(), cfg.yu_fold);
        }
    }
    let enc = Encoder::from_file(&base.join("tokenizer.json"))?;
    let examples = training_examples(cfg, &mut rng)?;
    let mut counts = std::collections::BTreeMap::new();
    for e in &examples {
        *counts.entry(format!("{:?}", e.corpus)).or_insert(0usize) += 1;
    }
    eprintln!("train: {} examples {:?}", examples.len(), counts);
    let prepared: Vec<Prepared> = examples.iter().filter_map(|e| prepare(&enc, e).transpose()).collect::<Result<_>>()?;

    let bert_config = BertConfig::from_file(base.join("config.json"));
    let mut vs = nn::VarStore::new(Device::Cpu);
    let net = Network::new(&vs.root(), &bert_config);
    let missing = vs.load_partial(base.join("model.safetensors")).context("cannot load the base encoder")?;
    if missing.iter().any(|m| !m.starts_with("heads.") && m != LEXICON_EMBEDDING) {
        bail!("base encoder lacks variables: {missing:?}");
    }
    if let Some(init) = &cfg.init_dir {
        vs.load(init.join("model.safetensors")).with_context(|| format!("cannot load the model to start from, {}", init.display()))?;
    }
    vs.float();
    if cfg.freeze_embeddings {
        for (name, t) in vs.variables() {
            if name.starts_with("embeddings.word_embeddings") {
                let _ = t.set_requires_grad(false);
            }
        }
    }
    let claim_weights = class_weights(prepared.iter().map(|p| p.claim), CLAIM_LABELS.len(), cfg.claim_weight_power);
    eprintln!("train: claim class weights {claim_weights:?}");
    let claim_weight_t = Tensor::from_slice(&claim_weights.iter().map(|&w| w as f32).collect::<Vec<f32>>());
    let mut opt = nn::AdamW { wd: cfg.weight_decay, ..Default::default() }.build(&vs, cfg.lr)?;

    let lens: Vec<usize> = prepared.iter().map(|p| p.pieces.len()).collect();
    let epochs_whole = cfg.epochs.ceil() as usize;
    let mut plan: Vec<Vec<usize>> = Vec::new();
    for _ in 0..epochs_whole {
        plan.extend(epoch_batches(&lens, cfg, &mut rng));
    }
    let per_epoch = plan.len() / epochs_whole.max(1);
    let total_steps = ((per_epoch as f64) * cfg.epochs).round() as usize;
    plan.truncate(total_steps);
    let warm = ((total_steps as f64) * cfg.warmup).max(1.0);
    eprintln!("train: {} steps ({} per epoch), seed {}", total_steps, per_epoch, cfg.seed);
    let mut seen = 0usize;
    let mut ema = 0.0f64;
    for (step, rows_ix) in plan.iter().enumerate() {
        let lr = if (step as f64) < warm {
            cfg.lr * (step as f64 + 1.0) / warm
        } else {
            cfg.lr * ((total_steps - step) as f64 / (total_steps as f64 - warm).max(1.0)).max(0.0)
        };
        opt.set_lr(lr);
        let rows: Vec<&Prepared> = rows_ix.iter().map(|&i| &prepared[i]).collect();
        let pieces: Vec<&Pieces> = rows.iter().map(|p| &p.pieces).collect();
        let batch = Batch::new(&enc, &pieces, Device::Cpu);
        let logits = net.forward_t(&batch, true)?;
        let mut loss = Tensor::zeros([], (Kind::Float, Device::Cpu));
        let (ent_t, n_ent) = token_target_tensor(&rows, batch.width, |p| &p.entity);
        if n_ent > 0 {
            loss = loss + masked_ce(&logits.entity, &ent_t, 5);
        }
        let (pub_t, n_pub) = token_target_tensor(&rows, batch.width, |p| &p.entity_pubmed);
        if n_pub > 0 {
            loss = loss + cfg.pubmed_weight * masked_ce(&logits.entity_pubmed, &pub_t, 5);
        }
        let (cue_t, n_cue) = token_target_tensor(&rows, batch.width, |p| &p.cue);
        if n_cue > 0 {
            loss = loss + masked_ce(&logits.cue, &cue_t, 3);
        }
        let hedged: Vec<i64> = rows.iter().map(|p| p.hedged).collect();
        if hedged.iter().any(|&h| h >= 0) {
            loss = loss + 0.5 * masked_ce(&logits.hedged, &Tensor::from_slice(&hedged), 2);
        }
        let claim: Vec<i64> = rows.iter().map(|p| p.claim).collect();
        if claim.iter().any(|&c| c >= 0) {
            let t = Tensor::from_slice(&claim);
            loss = loss + logits.claim.cross_entropy_loss::<Tensor>(&t, Some(claim_weight_t.shallow_clone()), Reduction::Mean, -100, cfg.claim_smoothing);
        }
        opt.backward_step(&loss);
        let l = loss.double_value(&[]);
        ema = if step == 0 { l } else { 0.98 * ema + 0.02 * l };
        seen += rows.len();
        if step % 50 == 0 || step + 1 == total_steps {
            let secs = started.elapsed().as_secs_f64();
            let rate = seen as f64 / secs;
            let eta = (total_steps - step - 1) as f64 * secs / (step + 1) as f64;
            eprintln!("step {:>5}/{} loss {:.4} lr {:.2e}  {:.1} sentences/s  elapsed {:.0}s  eta {:.0}s", step + 1, total_steps, ema, lr, rate, secs, eta);
        }
    }
    let training = serde_json::json!({
        "seed": cfg.seed, "epochs": cfg.epochs, "steps": total_steps, "lr": cfg.lr, "warmup": cfg.warmup,
        "weight_decay": cfg.weight_decay, "batch_rows": cfg.batch_rows, "batch_tokens": cfg.batch_tokens,
        "bioscope_certain": cfg.bioscope_certain, "repeat": cfg.repeat.iter().map(|(c, n)| (c.name(), *n)).collect::<std::collections::BTreeMap<_, _>>(),
        "template_sentences": cfg.template_sentences, "examples": counts,
        "exclude": cfg.exclude.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>(),
        "freeze_embeddings": cfg.freeze_embeddings,
        "claim_weight_power": cfg.claim_weight_power, "claim_class_weights": claim_weights,
        "pubmed_weight": cfg.pubmed_weight, "claim_smoothing": cfg.claim_smoothing, "init": cfg.init_dir.as_ref().map(|p| p.display().to_string()),
        "yu_fold": cfg.yu_fold,
        "seconds": started.elapsed().as_secs(), "threads": cfg.threads,
    });
    save(&mut vs, cfg, training)?;
    eprintln!("train: done in {:.1} min → {}", started.elapsed().as_secs_f64() / 60.0, cfg.out_dir.display());
    Ok(total_steps)
}

/// One epoch's batches: shuffle, sort by length inside pools of 50 batches, cut, shuffle batches.
fn epoch_batches(lens: &[usize], cfg: &TrainConfig, rng: &mut StdRng) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lens.len()).collect();
    order.shuffle(rng);
    let mut batches = Vec::new();
    for pool in order.chunks(cfg.batch_rows * 50) {
        let mut pool = pool.to_vec();
        pool.sort_by_key(|&i| lens[i]);
        let mut cur: Vec<usize> = Vec::new();
        for i in pool {
            let width = lens[i] + 2;
            if !cur.is_empty() && (cur.len() == cfg.batch_rows || (cur.len() + 1) * width > cfg.batch_tokens) {
                batches.push(std::mem::take(&mut cur));
            }
            cur.push(i);
        }
        if !cur.is_empty() {
            batches.push(cur);
        }
    }
    batches.shuffle(rng);
    batches
}

fn save(vs: &mut nn::VarStore, cfg: &TrainConfig, training: serde_json::Value) -> Result<()> {
    let out = &cfg.out_dir;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    vs.half();
    vs.save(out.join("model.safetensors")).context("cannot save weights")?;
    vs.float();
    std::fs::copy(cfg.base_dir.join("config.json"), out.join("config.json"))?;
    std::fs::copy(cfg.base_dir.join("tokenizer.json"), out.join("tokenizer.json"))?;
    let heads = HeadsConfig::current("healthclaims-minilm", env!("CARGO_PKG_VERSION"), training);
    std::fs::write(out.join("heads.json"), serde_json::to_vec_pretty(&heads)?)?;
    Ok(())
}

/// Claim strength from a head index (for evaluation code).
pub fn claim_of(i: usize) -> ClaimStrength {
    CLAIM_LABELS[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piece_targets_mark_begin_and_inside() {
        let p = Pieces { ids: vec![0; 4], offsets: vec![(0, 3), (3, 6), (7, 10), (11, 14)], words: vec![0, 0, 1, 2], lex: vec![0; 4] };
        assert_eq!(piece_targets(&p, Some(&[(0, 6, 1), (11, 14, 0)])), vec![3, 4, 0, 1]);
        assert_eq!(piece_targets(&p, None), vec![-100; 4]);
    }

    #[test]
    fn corpora_repeat_as_configured_and_parse_by_name() {
        let mut cfg = TrainConfig::default();
        assert_eq!((cfg.repeat_of(Corpus::Bc5cdr), cfg.repeat_of(Corpus::Yu), cfg.repeat_of(Corpus::Ncbi)), (2, 3, 1));
        cfg.set_repeat(Corpus::Bc5cdr, 0);
        cfg.set_repeat(Corpus::Ncbi, 4);
        assert_eq!((cfg.repeat_of(Corpus::Bc5cdr), cfg.repeat_of(Corpus::Ncbi)), (0, 4));
        for c in Corpus::ALL {
            assert_eq!(Corpus::parse(c.name()).unwrap(), c);
        }
        assert!(Corpus::parse("pubmed").unwrap_err().to_string().contains("one of: bc5cdr"));
    }

    #[test]
    fn class_weights_favour_rare_classes() {
        let w = class_weights([0, 0, 0, 0, 1, -100, 2, 2, 2, 2].into_iter(), 4, 0.5);
        assert_eq!(w, vec![1.0, 2.0, 1.0, 1.0]);
        assert_eq!(class_weights([0, 1, 1].into_iter(), 2, 0.0), vec![1.0, 1.0]);
    }

    #[test]
    fn epoch_batches_cover_every_example_once() {
        let lens: Vec<usize> = (0..1000).map(|i| 5 + i % 60).collect();
        let cfg = TrainConfig { batch_rows: 16, batch_tokens: 512, ..Default::default() };
        let mut rng = StdRng::seed_from_u64(1);
        let b = epoch_batches(&lens, &cfg, &mut rng);
        let mut all: Vec<usize> = b.iter().flatten().copied().collect();
        all.sort();
        assert_eq!(all, (0..1000).collect::<Vec<_>>());
        assert!(b.iter().all(|x| x.len() <= 16 && x.iter().map(|&i| lens[i] + 2).max().unwrap() * x.len() <= 512));
    }
}
