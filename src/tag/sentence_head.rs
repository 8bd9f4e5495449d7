//! The sentence claim head: whether a sentence makes a claim, and how strong, when the
//! claim-pair head ([`super::pairs`]) has no pair to judge — the sentence names a drug but no
//! condition ("Night two on it and I slept nine hours straight"), a condition but no drug
//! ("Gave me dandruff and an itchy scalp within a week"), or the pair head rejects every pair.
//!
//! Learned from the web-synthetic gold (guidelines version 2: a sentence's label is its
//! strongest non-negated claim, drug-only and condition-only claims included) by
//! `healthclaims train-pairs`, on the same frozen encoder pass: the mean of the sentence's
//! word-piece vectors, projected to a few numbers inside the encoder pass (like the pair head's
//! projection; the columns after the pair head's in [`crate::runtime::TokenVectors`]), joined
//! with [`features`] — the rule evidence of [`super::sentence_class::claim_features`], the
//! rules-and-Yu-head decision, the sentence heads' probabilities and the candidate pairs — and a
//! hidden layer of ReLU units gives P(none, correlational, conditional_causal, direct_causal).
//! An ensemble of members (`s0.*`, `s1.*`, … in `pairs.safetensors`) whose probabilities are
//! averaged.

use std::path::Path;

use anyhow::Result;

use super::pairs::{self, read_members, read_tensors, Candidate, Member};
use super::sentence_class::{claim_features, decide};
use crate::doc::{ClaimStrength, Doc, SentenceKind};
use crate::rules::NEGATION;

/// Number of [`features`].
pub const FEATURES: usize = 37;

/// Outputs: P(strength) in `ClaimStrength::ALL` order.
pub const OUTPUTS: usize = 4;

/// A sentence is a claim when P(not none) reaches this.
pub const THRESHOLD: f32 = 0.5;

/// The name prefix of ensemble member `m`'s layers (`s0.proj.weight`, …).
pub fn member_name(m: usize) -> String {
    format!("s{m}")
}

/// Features of sentence `i` ([`FEATURES`] numbers, each in about 0..1): the rule evidence, the
/// rules' own decision mixed with the Yu-trained sentence head (one-hot and score), that head's
/// probabilities and P(hedged), how many candidate pairs the sentence has (`cands`, from
/// [`pairs::candidates`]) and whether one of them is denied, a negation cue, a quotation mark, and whether it is prose.
pub fn features(doc: &Doc, i: usize, cands: &[Candidate]) -> [f32; FEATURES] {
    let f = claim_features(doc, i);
    let model = doc.model.as_ref().and_then(|m| m.get(i));
    let (label, score) = decide(&f, model.map(|m| m.claim));
    let b = |x: bool| x as u8 as f32;
    let mut v = [0f32; FEATURES];
    let flags = [
        f.drug_entity,
        f.drug_reference.is_some(),
        f.condition_entity,
        f.outcome_word.is_some(),
        f.causal.is_some(),
        f.correlational.is_some(),
        f.anecdote,
        f.hedge,
        f.question,
        f.treat_verb,
        f.change,
        f.effect_verb,
        f.disease_subject,
        f.meta,
        f.advice,
        f.imperative,
        f.heading,
        f.title_case,
        f.navigation,
        f.side_effect.is_some(),
        f.correl_strong,
        f.modal,
    ];
    for (k, x) in flags.into_iter().enumerate() {
        v[k] = b(x);
    }
    v[22] = f.condition_count.min(3) as f32 / 3.0;
    let idx = ClaimStrength::ALL.iter().position(|&c| c == label).unwrap_or(0);
    v[23 + idx] = 1.0;
    v[27] = score;
    if let Some(m) = model {
        v[28..32].copy_from_slice(&m.claim);
        v[32] = m.hedged;
    }
    v[33] = ((1 + cands.len()) as f32).ln() / 2.0;
    v[34] = b(cands.iter().any(|c| pairs::negated_by_scope(doc, c)));
    let s = &doc.sentences[i];
    let text = s.span.slice(&doc.text);
    v[35] = b(NEGATION.find_iter(text).next().is_some());
    v[36] = b(s.kind != SentenceKind::Prose || text.contains(['"', '“', '”']));
    v
}

/// The mean of sentence `i`'s piece vectors (all columns; empty when it has none).
pub fn pooled(doc: &Doc, i: usize) -> Vec<f32> {
    let Some(ms) = doc.model.as_ref().and_then(|m| m.get(i)) else { return Vec::new() };
    let (dim, n) = (ms.dim(), ms.pieces.len());
    if dim == 0 {
        return Vec::new();
    }
    let mut out = vec![0f32; dim];
    for row in ms.vectors.chunks(dim) {
        for (o, x) in out.iter_mut().zip(row) {
            *o += x;
        }
    }
    out.iter_mut().for_each(|x| *x /= n as f32);
    out
}

/// The head, read from the `s*` members of `pairs.safetensors`.
#[derive(Debug, Clone)]
pub struct SentenceHead {
    /// Width of all members' projections together (the last columns of the piece vectors).
    pub dim: usize,
    member_dim: usize,
    members: Vec<Member>,
}

impl SentenceHead {
    /// Read the head (None when the model folder has no pair-head file or it holds no sentence
    /// members: a head trained before the sentence head existed).
    pub fn load(model_dir: &Path) -> Result<Option<SentenceHead>> {
        let path = model_dir.join(crate::runtime::PAIR_HEAD_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let tensors = read_tensors(&path)?;
        let (members, member_dim) = read_members(&path, &tensors, member_name, &|d| d + FEATURES, OUTPUTS)?;
        if members.is_empty() {
            return Ok(None);
        }
        Ok(Some(SentenceHead { dim: member_dim * members.len(), member_dim, members }))
    }

    /// P(strength) in `ClaimStrength::ALL` order from the sentence's pooled piece vector (whose
    /// last [`Self::dim`] numbers are this head's projections) and its [`features`].
    pub fn score(&self, pooled: &[f32], feats: &[f32; FEATURES]) -> [f32; OUTPUTS] {
        let d = self.member_dim;
        let offset = pooled.len() - self.dim;
        let mut p = [0f32; OUTPUTS];
        let mut x = Vec::with_capacity(d + FEATURES);
        for (k, m) in self.members.iter().enumerate() {
            x.clear();
            x.extend_from_slice(&pooled[offset + k * d..offset + (k + 1) * d]);
            x.extend_from_slice(feats);
            m.add_probs(&x, &mut p, self.members.len());
        }
        p
    }

    /// The label these probabilities give: none below [`THRESHOLD`], else the most probable
    /// strength; with its probability.
    pub fn label(p: &[f32; OUTPUTS]) -> (ClaimStrength, f32) {
        let p_claim = 1.0 - p[0];
        if p_claim < THRESHOLD {
            return (ClaimStrength::None, p[0]);
        }
        let (j, v) = (1..OUTPUTS).map(|j| (j, p[j])).fold((1, f32::MIN), |a, b| if b.1 > a.1 { b } else { a });
        (ClaimStrength::ALL[j], v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_needs_the_threshold_and_takes_the_likeliest_strength() {
        assert_eq!(SentenceHead::label(&[0.6, 0.1, 0.2, 0.1]).0, ClaimStrength::None);
        assert_eq!(SentenceHead::label(&[0.4, 0.1, 0.2, 0.3]).0, ClaimStrength::DirectCausal);
        assert_eq!(SentenceHead::label(&[0.2, 0.5, 0.2, 0.1]), (ClaimStrength::Correlational, 0.5));
    }

    #[test]
    fn load_reads_the_s_members_and_a_pair_only_file_has_none() {
        use tch::Tensor;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::runtime::PAIR_HEAD_FILE);
        let t = |shape: &[i64]| Tensor::zeros(shape, (tch::Kind::Half, tch::Device::Cpu));
        let mut named = vec![("m0.proj.weight".to_string(), t(&[2, 8]))];
        Tensor::write_safetensors(&named, &path).unwrap();
        assert!(SentenceHead::load(dir.path()).unwrap().is_none(), "no s members: no sentence head");
        for m in 0..2 {
            named.push((format!("s{m}.proj.weight"), t(&[3, 8])));
            named.push((format!("s{m}.hidden.weight"), t(&[5, 3 + FEATURES as i64])));
            named.push((format!("s{m}.hidden.bias"), t(&[5])));
            named.push((format!("s{m}.out.weight"), t(&[4, 5])));
            named.push((format!("s{m}.out.bias"), t(&[4])));
        }
        Tensor::write_safetensors(&named, &path).unwrap();
        let head = SentenceHead::load(dir.path()).unwrap().expect("two members");
        assert_eq!(head.dim, 6);
        let p = head.score(&[0.0; 8], &[0.0; FEATURES]);
        assert!(p.iter().all(|&x| (x - 0.25).abs() < 1e-6), "zero weights give a uniform distribution: {p:?}");
        // a hidden layer that does not fit the projection is refused with the file named
        named[2] = ("s0.hidden.weight".to_string(), t(&[5, 4]));
        Tensor::write_safetensors(&named, &path).unwrap();
        let err = SentenceHead::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("pairs.safetensors") && err.contains("train-pairs"), "{err}");
    }

    #[test]
    fn score_reads_the_last_columns_and_averages_members() {
        // one member of projection width 1, no hidden units beyond one that copies the pooled
        // number; out = [0, h] so P(correlational) grows with the last pooled column
        let n_in = 1 + FEATURES;
        let mut hidden_w = vec![0f32; n_in];
        hidden_w[0] = 1.0;
        let m = Member { hidden_w, hidden_b: vec![0.0], out_w: vec![0.0, 1.0, 0.0, 0.0], out_b: vec![0.0; 4] };
        let head = SentenceHead { dim: 1, member_dim: 1, members: vec![m] };
        let f = [0f32; FEATURES];
        let lo = head.score(&[9.0, 9.0, 0.0], &f);
        let hi = head.score(&[0.0, 0.0, 3.0], &f);
        assert!((lo.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!((lo[1] - 0.25).abs() < 1e-5, "the first columns are the pair head's: {lo:?}");
        assert!(hi[1] > 0.8, "{hi:?}");
    }
}
