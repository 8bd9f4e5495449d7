//! The claim-pair head: for every (drug, condition) candidate pair of a sentence, the relation
//! the sentence asserts between them ({none, correlational, conditional_causal, direct_causal});
//! and [`negated_by_scope`], whether the text denies it ("Naloxone does not treat addiction").
//!
//! A span-pair classifier on the shared encoder pass (the span-pair variant of PURE, Zhong &
//! Chen 2021, with pooled spans instead of inserted markers, so no second encoder pass): the
//! encoder hands on a projection of each word piece ([`crate::runtime::TokenVectors`]); here
//! each candidate's drug span, condition span, the words between them and the whole sentence
//! are mean-pooled over those vectors, joined with the drug–condition product and a few
//! features from the rules-as-data lists and the other heads ([`hand_features`]), and a one
//! hidden-layer network scores the pair. Pooling is linear, so pooling projected pieces equals
//! projecting pooled hidden states: `train-pairs` learns the projection from pooled hidden
//! states (src/train/pairs.rs) and the two paths compute the same numbers.
//!
//! Candidates ([`candidates`]): the sentence's DRUG entities, plus a drug anaphor ("it", "the
//! patch", from `models/lexicon/rules/anaphors.txt`) resolved to the drug it refers to, times
//! its CONDITION entities; one candidate per (drug name, condition name), at most
//! [`MAX_SIDE`] of each side.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::doc::{ByteSpan, ClaimStrength, Doc, EntityLabel, SentenceKind};
use crate::rules::{ANAPHORS, NEGATION};

/// At most this many drugs and this many conditions of one sentence are paired (a list of 40
/// side effects is paired with its first 12).
pub const MAX_SIDE: usize = 12;

/// Number of [`hand_features`].
pub const HAND: usize = 18;

/// Pooled regions per candidate ([`pooled`]).
pub const REGIONS: usize = 8;

/// Outputs: relation logits in `ClaimStrength::ALL` order.
pub const OUTPUTS: usize = 4;

/// A pair is a claim when P(relation ≠ none) reaches this (chosen on the web dev split: 0.25,
/// 0.35, 0.45, 0.5, 0.65 and 0.8 gave claim_pair .662, .662, .661, .662, .649, .621).
pub const CLAIM_THRESHOLD: f32 = 0.5;

/// One drug–condition candidate of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub sentence: usize,
    /// The DRUG entity the claim names (an anaphor's antecedent, possibly in an earlier sentence).
    pub drug: usize,
    /// The words in this sentence that stand for the drug (the entity, or the anaphor).
    pub drug_span: ByteSpan,
    /// Set when the drug was resolved from an anaphor.
    pub mention: Option<ByteSpan>,
    /// How the anaphor was resolved (None: the drug is named in the sentence).
    pub antecedent: Option<Antecedent>,
    pub condition: usize,
}

/// A name key for de-duplication: the concept id, else the lower-cased text.
fn key(doc: &Doc, k: usize) -> String {
    let e = &doc.entities[k];
    match &e.concept {
        Some(c) => c.id.clone(),
        None => e.span.slice(&doc.text).to_lowercase(),
    }
}

/// A drug anaphor of a sentence and one drug it may refer to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Antecedent {
    pub drug: usize,
    pub anaphor: ByteSpan,
    /// Sentences between the antecedent and the anaphor (0: same sentence).
    pub back: usize,
    /// The anaphor's noun ends the drug's name ("the patch" → "nicotine patch").
    pub head_match: bool,
    /// The most recent distinct drug before the anaphor.
    pub latest: bool,
}

/// Sentences back an anaphor's antecedent may be.
const ANAPHOR_REACH: usize = 2;

/// The first drug anaphor of sentence `i` (outside entities) and the drugs it may refer to:
/// the two most recent distinct drugs of this and the previous [`ANAPHOR_REACH`] sentences
/// before it, a drug whose name ends in the anaphor's noun, and the article's main drug.
pub fn antecedents(doc: &Doc, i: usize, main_drug: &dyn Fn() -> Option<usize>) -> Vec<Antecedent> {
    let s = doc.sentences[i].span;
    let text = s.slice(&doc.text);
    let inside = |a: usize, b: usize| doc.entities_in(i).any(|k| doc.entities[k].span.overlaps(ByteSpan::new(a, b)));
    // the first anaphor; a plural pronoun ("they", "them": often people) only when there is
    // no other
    let found: Vec<(usize, usize)> =
        ANAPHORS.find_iter(text).map(|(a, b)| (a + s.start, b + s.start)).filter(|&(a, b)| !inside(a, b)).collect();
    let plural = |&(a, b): &(usize, usize)| matches!(doc.text[a..b].to_lowercase().as_str(), "they" | "them");
    let Some(&(a, b)) = found.iter().find(|x| !plural(x)).or(found.first()) else {
        return Vec::new();
    };
    let anaphor = ByteSpan::new(a, b);
    let noun = anaphor.slice(&doc.text).rsplit(' ').next().unwrap_or("").to_lowercase();
    let noun = noun.trim_end_matches('s');
    let generic = noun.len() < 3 || ["it", "its", "it's", "it’s", "they", "them"].contains(&noun);
    let ends_in_noun = |k: usize| {
        let t = doc.entities[k].span.slice(&doc.text).to_lowercase();
        !generic && t.contains(' ') && t.trim_end_matches('s').ends_with(noun)
    };
    let mut out: Vec<Antecedent> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut push = |out: &mut Vec<Antecedent>, k: usize, latest: bool| {
        let kk = key(doc, k);
        if keys.contains(&kk) {
            return;
        }
        keys.push(kk);
        let back = i - doc.sentence_at(doc.entities[k].span.start).unwrap_or(i).min(i);
        out.push(Antecedent { drug: k, anaphor, back, head_match: ends_in_noun(k), latest });
    };
    let recent: Vec<usize> = doc
        .entities_in_sentences(i.saturating_sub(ANAPHOR_REACH), i + 1)
        .filter(|&k| doc.entities[k].label == EntityLabel::Drug && doc.entities[k].span.end <= a && !is_description(doc, k))
        .collect();
    // "it" and "this medicine" refer to one drug, not a class named in the plural ("beta
    // blockers", "opioids"), unless no recent drug is singular
    let singular_anaphor = !is_plural(anaphor.slice(&doc.text));
    let agrees = |k: usize| !singular_anaphor || !is_plural(doc.entities[k].span.slice(&doc.text));
    let recent: Vec<usize> = if recent.iter().any(|&k| agrees(k)) { recent.into_iter().filter(|&k| agrees(k)).collect() } else { recent };
    let mut distinct = 0;
    for &k in recent.iter().rev() {
        let before = out.len();
        push(&mut out, k, distinct == 0);
        if out.len() > before {
            distinct += 1;
        }
        if distinct == 2 {
            break;
        }
    }
    if !generic {
        let named = doc.entities[..].iter().enumerate().filter(|(_, e)| e.label == EntityLabel::Drug && e.span.end <= a).map(|(k, _)| k).filter(|&k| ends_in_noun(k)).last();
        if let Some(k) = named {
            push(&mut out, k, false);
        }
    }
    // the article's main drug; for "it" when that is a class in the plural, the most-mentioned
    // singular drug before the anaphor
    let main = main_drug().and_then(|k| if agrees(k) { Some(k) } else { most_mentioned(doc, a, &agrees).or(Some(k)) });
    if let Some(k) = main {
        if doc.entities[k].span.end <= a || recent.is_empty() {
            push(&mut out, k, false);
        }
    }
    out
}

/// The DRUG entity before byte `before` that passes `keep` and whose name (lower-cased) is the
/// most mentioned there, its first mention; ties go to the earlier.
pub fn most_mentioned(doc: &Doc, before: usize, keep: &dyn Fn(usize) -> bool) -> Option<usize> {
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    for (k, e) in doc.entities.iter().enumerate() {
        if e.label != EntityLabel::Drug || e.span.end > before || !keep(k) {
            continue;
        }
        let name = e.span.slice(&doc.text).to_lowercase();
        match counts.iter_mut().find(|c| c.0 == name) {
            Some(c) => c.1 += 1,
            None => counts.push((name, 1, k)),
        }
    }
    counts.into_iter().rev().max_by_key(|c| c.1).map(|c| c.2)
}

/// Whether a drug name or an anaphor is a plural noun phrase: its last word ends in "s" (not
/// "ss", "us" or "is": "hydroxychloroquine sulfate" is singular, "NSAIDs" and "beta blockers" are
/// plural), or it is "they" / "them".
fn is_plural(words: &str) -> bool {
    let last = words.rsplit([' ', '-']).next().unwrap_or("").to_lowercase();
    if matches!(last.as_str(), "they" | "them") {
        return true;
    }
    last.chars().count() >= 4 && last.ends_with('s') && !["ss", "us", "is"].iter().any(|e| last.ends_with(e))
}

/// What joins a drug to a description of it right after ("Eliquis (apixaban)", "loratadine, a
/// second-generation antihistamine", "Carprofen is a non-steroidal anti-inflammatory drug").
static DESCRIPTION_GAP: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
    regex::Regex::new(r"(?i)^\s*(?:\(|,\s*(?:a|an|the|also|or)\s|(?:[),]\s*)?(?:is|are|was|were)\s+(?:a|an|the|one of the)\s)[^;.:]*$")
        .unwrap_or_else(|e| panic!("description pattern: {e}"))
});

/// Whether DRUG entity `k` describes the drug named just before it in its sentence (a class,
/// a generic or brand name in parentheses): the same drug, not another antecedent.
fn is_description(doc: &Doc, k: usize) -> bool {
    let e = &doc.entities[k];
    let Some(i) = doc.sentence_at(e.span.start) else { return false };
    let Some(j) = doc.entities_in(i).filter(|&j| doc.entities[j].label == EntityLabel::Drug && doc.entities[j].span.end <= e.span.start).last()
    else {
        return false;
    };
    let gap = doc.text.get(doc.entities[j].span.end..e.span.start).unwrap_or("");
    gap.split_whitespace().count() <= 10 && DESCRIPTION_GAP.is_match(gap)
}

/// The candidate pairs of sentence `i`, in text order of their drug then condition.
pub fn candidates(doc: &Doc, i: usize, main_drug: &dyn Fn() -> Option<usize>) -> Vec<Candidate> {
    let conds: Vec<usize> = doc.entities_in(i).filter(|&k| doc.entities[k].label == EntityLabel::Condition).take(MAX_SIDE).collect();
    if conds.is_empty() {
        return Vec::new();
    }
    let mut drugs: Vec<(usize, ByteSpan, Option<Antecedent>)> = doc
        .entities_in(i)
        .filter(|&k| doc.entities[k].label == EntityLabel::Drug)
        .take(MAX_SIDE)
        .map(|k| (k, doc.entities[k].span, None))
        .collect();
    drugs.extend(antecedents(doc, i, main_drug).into_iter().map(|a| (a.drug, a.anaphor, Some(a))));
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &(d, span, antecedent) in &drugs {
        for &c in &conds {
            if seen.insert((key(doc, d), key(doc, c))) {
                out.push(Candidate { sentence: i, drug: d, drug_span: span, mention: antecedent.map(|a| a.anaphor), antecedent, condition: c });
            }
        }
    }
    out
}

/// Mean of the rows `range` of `vectors` (`dim` numbers each) into `out` (zeros when empty).
fn mean_rows(vectors: &[f32], dim: usize, range: std::ops::Range<usize>, out: &mut [f32]) {
    out.iter_mut().for_each(|x| *x = 0.0);
    let n = range.len();
    for j in range {
        for (o, v) in out.iter_mut().zip(&vectors[j * dim..(j + 1) * dim]) {
            *o += v;
        }
    }
    if n > 1 {
        let inv = 1.0 / n as f32;
        out.iter_mut().for_each(|x| *x *= inv);
    }
}

/// Pieces either side of the pair that the context regions take.
const CONTEXT_PIECES: usize = 3;

/// The pooled regions of a candidate ([`REGIONS`] × `dim`), from sentence `c.sentence`'s model
/// vectors: drug, condition, between them, the whole sentence, the pieces just before the first
/// argument and just after the second, and the first and last pieces between them (where the
/// verb relating them usually is). Empty when the sentence has no vectors.
pub fn pooled(doc: &Doc, c: &Candidate) -> Vec<f32> {
    let Some(ms) = doc.model.as_ref().and_then(|m| m.get(c.sentence)) else { return Vec::new() };
    let dim = ms.dim();
    if dim == 0 {
        return Vec::new();
    }
    // piece ranges of the two arguments
    let range = |span: ByteSpan| {
        let a = ms.pieces.partition_point(|p| p.end <= span.start);
        let b = ms.pieces.partition_point(|p| p.start < span.end).max(a);
        a..b
    };
    let (d, k) = (range(c.drug_span), range(doc.entities[c.condition].span));
    let (first, second) = if d.start <= k.start { (d.clone(), k.clone()) } else { (k.clone(), d.clone()) };
    let n = ms.pieces.len();
    let gap = first.end.min(second.start)..second.start.max(first.end);
    let regions = [
        d,
        k,
        gap.clone(),
        0..n,
        first.start.saturating_sub(CONTEXT_PIECES)..first.start,
        second.end..(second.end + CONTEXT_PIECES).min(n),
        gap.start..(gap.start + CONTEXT_PIECES).min(gap.end),
        gap.end.saturating_sub(CONTEXT_PIECES).max(gap.start)..gap.end,
    ];
    let mut out = vec![0f32; REGIONS * dim];
    for (r, range) in regions.into_iter().enumerate() {
        mean_rows(&ms.vectors, dim, range, &mut out[r * dim..(r + 1) * dim]);
    }
    out
}

/// What ends a clause for negation scope ("no evidence that it fixes insomnia, although it may
/// help with jet lag": the second claim is not denied). A comma alone does not (lists: "X, Y or
/// Z treat …"); a comma before a conjunction does.
static CLAUSE_BREAK: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
    let pattern = format!("(?i){}", crate::rules::CLAUSE_BREAKS.alternation());
    regex::Regex::new(&pattern).unwrap_or_else(|e| panic!("clause pattern: {e}"))
});

/// What opens a clause of its own between a condition and the drug after it: a relative clause
/// ("not linked to the sexual side effects that SSRIs commonly cause", "the withdrawal problems
/// linked to benzodiazepines") or a comparison ("no evidence that it slows joint damage the way
/// methotrexate does"). The drug's relation to the condition lives in that clause, outside the
/// negation before the condition.
static OWN_CLAUSE: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
    let pattern = format!(r"(?i)^[\s,]*(?:{})\s[^;:]*$", crate::rules::OWN_CLAUSE_OPENERS.alternation());
    regex::Regex::new(&pattern).unwrap_or_else(|e| panic!("own-clause pattern: {e}"))
});

/// A negation cue that opens a sentence and scopes over all of it ("Myth: X cures Y").
static WHOLE_SENTENCE_NEGATION: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
    regex::Regex::new(r"(?i)^\W*(?:\d+[.)]\s*)?(?:myth|false|debunked|not true)\s*[:\-–—]").unwrap_or_else(|e| panic!("myth pattern: {e}"))
});

/// Whether the relation of a candidate is denied, by scope: a negation cue
/// (models/lexicon/rules/negation.txt) before the later of the two arguments with no clause
/// break between them ("X does not treat Y", "there is no evidence that X prevents Y"), or one
/// right after the drug when the drug comes second ("For insomnia, valerian did no better than
/// placebo"), or a sentence that opens with "Myth:".
pub fn negated_by_scope(doc: &Doc, c: &Candidate) -> bool {
    let s = doc.sentences[c.sentence].span;
    let text = s.slice(&doc.text);
    if WHOLE_SENTENCE_NEGATION.is_match(text) {
        return true;
    }
    let cond = doc.entities[c.condition].span;
    let later = c.drug_span.start.max(cond.start).saturating_sub(s.start);
    let negs: Vec<(usize, usize)> = NEGATION.find_iter(text).collect();
    if cond.end <= c.drug_span.start {
        let (g0, g1) = (cond.end.saturating_sub(s.start), c.drug_span.start.saturating_sub(s.start).min(text.len()));
        if g1 - g0 <= 40 && OWN_CLAUSE.is_match(&text[g0..g1]) {
            // negated only by a cue of its own clause
            let d_end = c.drug_span.end.saturating_sub(s.start).min(text.len());
            let own = |&&(a, _): &&(usize, usize)| (a >= g0 && a < g1) || (a >= d_end && text[d_end..a].split_whitespace().count() <= 3);
            return negs.iter().any(|x| own(&x));
        }
    }
    let before = negs
        .iter()
        .filter(|&&(_, e)| e <= later)
        .last()
        .is_some_and(|&(a, e)| !CLAUSE_BREAK.is_match(&text[e..later]) && !in_relative_clause(text, a, e, later));
    let after_drug = c.drug_span.start > cond.start && {
        let d_end = c.drug_span.end.saturating_sub(s.start).min(text.len());
        negs.iter().find(|&&(a, _)| a >= d_end).is_some_and(|&(a, _)| {
            let gap = &text[d_end..a];
            gap.split_whitespace().count() <= 3 && !CLAUSE_BREAK.is_match(gap)
        })
    };
    before || after_drug
}

/// A relative pronoun that opens a clause describing someone or somewhere ("people who can't
/// use other treatments", "an area where the bone fails to heal").
static RELATIVE: once_cell::sync::Lazy<regex::Regex> =
    once_cell::sync::Lazy::new(|| regex::Regex::new(r"(?i)(?-u:\b)(?:who|whom|whose|where)(?-u:\b)").unwrap_or_else(|e| panic!("relative pattern: {e}")));

/// Whether the negation cue at `a..e` of `text` sits in a relative clause ("who", "where" since
/// the last comma before it) that a comma closes before `later`: "Another participant, who
/// asked that her name not be used, told us that nausea from the varenicline …" denies nothing
/// about varenicline.
fn in_relative_clause(text: &str, a: usize, e: usize, later: usize) -> bool {
    let opened = text[..a].rfind(',').map_or(0, |k| k + 1);
    RELATIVE.is_match(&text[opened..a]) && text[e..later].contains(',')
}

/// Features from the rules' lists and the other layers ([`HAND`] numbers, each in about 0..1).
pub fn hand_features(doc: &Doc, c: &Candidate, n_candidates: usize, main_drug: Option<usize>) -> [f32; HAND] {
    let i = c.sentence;
    let s = &doc.sentences[i];
    let text = s.span.slice(&doc.text);
    let cond = doc.entities[c.condition].span;
    let (first, second) = if c.drug_span.start <= cond.start { (c.drug_span, cond) } else { (cond, c.drug_span) };
    let rel = |b: usize| b.saturating_sub(s.span.start);
    let negs: Vec<(usize, usize)> = NEGATION.find_iter(text).collect();
    let neg_in = |a: usize, b: usize| negs.iter().any(|&(x, y)| x >= a && y <= b) as u8 as f32;
    let gap_words = doc.text.get(first.end..second.start).map_or(0, |g| g.split_whitespace().count());
    let between = |label: EntityLabel| {
        doc.entities_in(i)
            .filter(|&k| doc.entities[k].label == label && doc.entities[k].span.start >= first.end && doc.entities[k].span.end <= second.start)
            .count()
            .min(3) as f32
            / 3.0
    };
    let hedge = !doc.hedges_in(i).is_empty() as u8 as f32;
    let mut f = [0f32; HAND];
    f[0] = (c.drug_span.start <= cond.start) as u8 as f32;
    f[1] = ((1 + gap_words) as f32).ln() / 3.0;
    f[2] = between(EntityLabel::Drug);
    f[3] = between(EntityLabel::Condition);
    f[4] = neg_in(rel(first.end), rel(second.start));
    f[5] = neg_in(0, rel(first.start));
    f[6] = neg_in(rel(second.end), text.len());
    f[7] = c.mention.is_some() as u8 as f32;
    f[8] = hedge;
    // (the sentence heads' probabilities and the rule classifier's label were measured as
    // features and left out: web dev claim_pair .660 with them, .649 without, within the
    // run-to-run spread; they are over-confident on the articles the encoder was trained on)
    f[9] = ((1 + n_candidates) as f32).ln() / 2.0;
    f[10] = text.trim_end().ends_with('?') as u8 as f32;
    f[11] = (s.kind != SentenceKind::Prose) as u8 as f32;
    // the drug: the article's main one? how the anaphor was resolved
    f[12] = main_drug.is_some_and(|m| key(doc, m) == key(doc, c.drug)) as u8 as f32;
    if let Some(a) = c.antecedent {
        f[13] = a.back.min(3) as f32 / 3.0;
        f[14] = a.head_match as u8 as f32;
        f[15] = a.latest as u8 as f32;
    } else {
        f[15] = 1.0;
    }
    // negation scope ([`negated_by_scope`]) and the distance of the nearest cue before the
    // later argument
    f[16] = negated_by_scope(doc, c) as u8 as f32;
    let later = rel(second.start);
    if let Some(&(_, ce)) = negs.iter().filter(|&&(_, e)| e <= later).last() {
        f[17] = (-(text[ce..later].split_whitespace().count() as f32) / 4.0).exp();
    }
    f
}

/// The head's verdict on one candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScore {
    /// P(relation) in `ClaimStrength::ALL` order.
    pub relation: [f32; 4],
}

impl PairScore {
    /// The claim this verdict makes (`None` below [`CLAIM_THRESHOLD`]): its strength (the most
    /// probable of the three) and P(claim).
    pub fn claim(&self) -> Option<(ClaimStrength, f32)> {
        let p_claim = 1.0 - self.relation[0];
        if p_claim < CLAIM_THRESHOLD {
            return None;
        }
        let (j, _) = (1..4).map(|j| (j, self.relation[j])).fold((1, f32::MIN), |a, b| if b.1 > a.1 { b } else { a });
        Some((ClaimStrength::ALL[j], p_claim))
    }
}

/// The name prefix of ensemble member `m`'s layers in `pairs.safetensors` (`m0.proj.weight`, …).
pub fn member_name(m: usize) -> String {
    format!("m{m}")
}

/// One ensemble member's layers after its projection: a hidden layer (ReLU) and the output
/// layer, row-major. Shared by the pair head and the sentence claim head.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) hidden_w: Vec<f32>,
    pub(crate) hidden_b: Vec<f32>,
    pub(crate) out_w: Vec<f32>,
    pub(crate) out_b: Vec<f32>,
}

impl Member {
    /// Softmax of the output for input `x`, added into `acc` divided by `members` (the
    /// ensemble's mean, summed member by member).
    pub(crate) fn add_probs(&self, x: &[f32], acc: &mut [f32], members: usize) {
        let h: Vec<f32> =
            self.hidden_b.iter().enumerate().map(|(r, b)| (b + dot(&self.hidden_w[r * x.len()..(r + 1) * x.len()], x)).max(0.0)).collect();
        let o: Vec<f32> = self.out_b.iter().enumerate().map(|(r, b)| b + dot(&self.out_w[r * h.len()..(r + 1) * h.len()], &h)).collect();
        let mx = o.iter().cloned().fold(f32::MIN, f32::max);
        let e: Vec<f32> = o.iter().map(|v| (v - mx).exp()).collect();
        let z: f32 = e.iter().sum();
        for (r, v) in acc.iter_mut().zip(&e) {
            *r += v / z / members as f32;
        }
    }
}

/// The members `{prefix}0.*`, `{prefix}1.*`, … of a head file and their projection width: each
/// needs `proj.weight` ([dim, hidden]), `hidden.weight` ([h, input_width(dim)]), `hidden.bias`,
/// `out.weight` ([outputs, h]) and `out.bias`. Empty when the file holds no such member.
pub(crate) fn read_members(
    path: &Path,
    tensors: &[(String, Vec<i64>, Vec<f32>)],
    member_name: fn(usize) -> String,
    input_width: &dyn Fn(usize) -> usize,
    outputs: usize,
) -> Result<(Vec<Member>, usize)> {
    let get = |name: &str| -> Result<(Vec<i64>, Vec<f32>)> {
        tensors
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, s, v)| (s.clone(), v.clone()))
            .with_context(|| format!("{} has no {name} (a head for another build: run `healthclaims train-pairs`)", path.display()))
    };
    let mut members = Vec::new();
    let mut member_dim = 0;
    for m in 0.. {
        let p = member_name(m);
        if !tensors.iter().any(|(n, _, _)| n.starts_with(&format!("{p}."))) {
            break;
        }
        let (proj, _) = get(&format!("{p}.{}", crate::runtime::PAIR_PROJECTION))?;
        member_dim = proj[0] as usize;
        let (hw_shape, hidden_w) = get(&format!("{p}.hidden.weight"))?;
        let (_, hidden_b) = get(&format!("{p}.hidden.bias"))?;
        let (ow_shape, out_w) = get(&format!("{p}.out.weight"))?;
        let (_, out_b) = get(&format!("{p}.out.bias"))?;
        if hw_shape.get(1).copied() != Some(input_width(member_dim) as i64) || ow_shape != [outputs as i64, hw_shape[0]] {
            bail!("{}: {p} layer shapes {:?} / {:?} do not fit projection width {member_dim} (a head for another build: run `healthclaims train-pairs`)", path.display(), hw_shape, ow_shape);
        }
        members.push(Member { hidden_w, hidden_b, out_w, out_b });
    }
    Ok((members, member_dim))
}

/// The head: an ensemble of members whose probabilities are averaged, read from
/// `pairs.safetensors` (their token projections run in the encoder pass, side by side: see
/// runtime.rs).
#[derive(Debug, Clone)]
pub struct PairHead {
    /// Width of the projected piece vectors of all members together.
    pub dim: usize,
    /// Width of one member's projection.
    member_dim: usize,
    members: Vec<Member>,
}

/// Input width of the hidden layer for projected width `dim`: the regions, drug × condition,
/// and the hand features.
pub fn input_width(dim: usize) -> usize {
    (REGIONS + 1) * dim + HAND
}

/// The named tensors of a pair-head file, as f32.
pub fn read_tensors(path: &Path) -> Result<Vec<(String, Vec<i64>, Vec<f32>)>> {
    let named = tch::Tensor::read_safetensors(path).with_context(|| format!("cannot read the pair head {}", path.display()))?;
    named
        .into_iter()
        .map(|(n, t)| {
            let t = t.to_kind(tch::Kind::Float).contiguous();
            Ok((n, t.size(), Vec::<f32>::try_from(t.flatten(0, -1))?))
        })
        .collect()
}

impl PairHead {
    /// Read the head from a model folder's `pairs.safetensors` (None when the folder has none).
    pub fn load(model_dir: &Path) -> Result<Option<PairHead>> {
        let path = model_dir.join(crate::runtime::PAIR_HEAD_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let tensors = read_tensors(&path)?;
        let (members, member_dim) = read_members(&path, &tensors, member_name, &input_width, OUTPUTS)?;
        if members.is_empty() {
            bail!("{} holds no pair head (a head for another build: run `healthclaims train-pairs`)", path.display());
        }
        Ok(Some(PairHead { dim: member_dim * members.len(), member_dim, members }))
    }

    /// Score one candidate from its pooled regions (every member's projections side by side,
    /// [`REGIONS`] × `dim`) and hand features: the members' mean probabilities.
    pub fn score(&self, pooled: &[f32], hand: &[f32; HAND]) -> PairScore {
        // the piece vectors may hold other heads' columns after this head's
        let (d, total) = (self.member_dim, pooled.len() / REGIONS);
        let mut relation = [0f32; 4];
        let mut x = Vec::with_capacity(input_width(d));
        for (k, m) in self.members.iter().enumerate() {
            x.clear();
            for r in 0..REGIONS {
                x.extend_from_slice(&pooled[r * total + k * d..r * total + (k + 1) * d]);
            }
            let (drug, cond) = (&pooled[k * d..(k + 1) * d], &pooled[total + k * d..total + (k + 1) * d]);
            x.extend(drug.iter().zip(cond).map(|(a, b)| a * b));
            x.extend_from_slice(hand);
            m.add_probs(&x, &mut relation, self.members.len());
        }
        PairScore { relation }
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Entity, ModelSentence, Origin, Sentence};

    fn doc_with(text: &str, ents: &[(&str, EntityLabel)]) -> Doc {
        let mut d = Doc::new("t", "t", text);
        d.sentences = vec![Sentence::new(ByteSpan::new(0, text.len()), SentenceKind::Prose)];
        for (w, l) in ents {
            let s = text.find(w).unwrap();
            d.entities.push(Entity { span: ByteSpan::new(s, s + w.len()), label: *l, score: 1.0, sentence: 0, origin: Origin::Rule, concept: None });
        }
        d.entities.sort_by_key(|e| e.span.start);
        d
    }

    #[test]
    fn candidates_pair_every_drug_with_every_condition_once() {
        let d = doc_with(
            "Namenda and donepezil are used for Alzheimer's and dementia, and Namenda again.",
            &[("Namenda", EntityLabel::Drug), ("donepezil", EntityLabel::Drug), ("Alzheimer's", EntityLabel::Condition), ("dementia", EntityLabel::Condition)],
        );
        let mut d = d;
        let again = d.text.rfind("Namenda").unwrap();
        d.entities.push(Entity { span: ByteSpan::new(again, again + 7), label: EntityLabel::Drug, score: 1.0, sentence: 0, origin: Origin::Rule, concept: None });
        let c = candidates(&d, 0, &|| None);
        let names: Vec<(&str, &str)> = c.iter().map(|c| (d.entities[c.drug].span.slice(&d.text), d.entities[c.condition].span.slice(&d.text))).collect();
        assert_eq!(names, vec![("Namenda", "Alzheimer's"), ("Namenda", "dementia"), ("donepezil", "Alzheimer's"), ("donepezil", "dementia")]);
    }

    #[test]
    fn an_anaphor_pairs_its_antecedent() {
        let mut d = doc_with("Lamictal is common. It may ease migraine.", &[("Lamictal", EntityLabel::Drug), ("migraine", EntityLabel::Condition)]);
        d.sentences = vec![Sentence::new(ByteSpan::new(0, 19), SentenceKind::Prose), Sentence::new(ByteSpan::new(20, d.text.len()), SentenceKind::Prose)];
        d.entities[1].sentence = 1;
        let c = candidates(&d, 1, &|| None);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].drug, 0);
        assert_eq!(c[0].mention.map(|m| m.slice(&d.text)), Some("It"));
        assert!(candidates(&d, 0, &|| None).is_empty(), "no condition, no candidate");
    }

    #[test]
    fn a_description_of_a_drug_is_not_another_antecedent() {
        // "Eliquis (apixaban) is an anticoagulant. It prevents strokes.": "it" is Eliquis, not
        // the class or the generic name that describe it
        let text = "Eliquis (apixaban) is an anticoagulant. It prevents strokes.";
        let mut d = doc_with(text, &[("Eliquis", EntityLabel::Drug), ("apixaban", EntityLabel::Drug), ("anticoagulant", EntityLabel::Drug), ("strokes", EntityLabel::Condition)]);
        let cut = text.find(" It").unwrap();
        d.sentences = vec![Sentence::new(ByteSpan::new(0, cut), SentenceKind::Prose), Sentence::new(ByteSpan::new(cut + 1, text.len()), SentenceKind::Prose)];
        d.entities[3].sentence = 1;
        let drugs: Vec<&str> = antecedents(&d, 1, &|| None).iter().map(|a| d.entities[a.drug].span.slice(&d.text)).collect();
        assert_eq!(drugs, vec!["Eliquis"]);
        // two drugs side by side are both antecedents
        let text = "Eliquis and warfarin thin the blood. It prevents strokes.";
        let mut d = doc_with(text, &[("Eliquis", EntityLabel::Drug), ("warfarin", EntityLabel::Drug), ("strokes", EntityLabel::Condition)]);
        let cut = text.find(" It").unwrap();
        d.sentences = vec![Sentence::new(ByteSpan::new(0, cut), SentenceKind::Prose), Sentence::new(ByteSpan::new(cut + 1, text.len()), SentenceKind::Prose)];
        d.entities[2].sentence = 1;
        let drugs: Vec<&str> = antecedents(&d, 1, &|| None).iter().map(|a| d.entities[a.drug].span.slice(&d.text)).collect();
        assert_eq!(drugs, vec!["warfarin", "Eliquis"]);
    }

    /// A doc of sentences split at ". " with `ents` (found left to right, each after the last).
    fn sentences_with(text: &str, ents: &[(&str, EntityLabel)]) -> Doc {
        let mut d = Doc::new("t", "t", text);
        let mut start = 0;
        for (k, _) in text.match_indices(". ") {
            d.sentences.push(Sentence::new(ByteSpan::new(start, k + 1), SentenceKind::Prose));
            start = k + 2;
        }
        d.sentences.push(Sentence::new(ByteSpan::new(start, text.len()), SentenceKind::Prose));
        let mut from = 0;
        for (w, l) in ents {
            let s = from + text[from..].find(w).unwrap();
            from = s + w.len();
            let sentence = d.sentence_at(s).unwrap();
            d.entities.push(Entity { span: ByteSpan::new(s, s + w.len()), label: *l, score: 1.0, sentence, origin: Origin::Rule, concept: None });
        }
        d
    }

    #[test]
    fn it_refers_to_a_drug_named_in_the_singular_not_to_a_plural_class() {
        use EntityLabel::{Condition, Drug};
        let names = |d: &Doc, main: Option<usize>| -> Vec<String> {
            antecedents(d, d.sentences.len() - 1, &|| main).iter().map(|a| d.entities[a.drug].span.slice(&d.text).to_string()).collect()
        };
        // the plural class is more recent, the drug further back
        let d = sentences_with("Propranolol calms a racing pulse. Many beta blockers do. It also prevents migraines.", &[
            ("Propranolol", Drug),
            ("beta blockers", Drug),
            ("migraines", Condition),
        ]);
        assert_eq!(names(&d, None), vec!["Propranolol"]);
        // "they" keeps both
        let d = sentences_with("Propranolol calms a racing pulse. Many beta blockers do. They also prevent migraines.", &[
            ("Propranolol", Drug),
            ("beta blockers", Drug),
            ("migraines", Condition),
        ]);
        assert_eq!(names(&d, None), vec!["beta blockers", "Propranolol"]);
        // only a plural before: it stays the antecedent
        let d = sentences_with("Beta blockers calm a racing pulse. It also prevents migraines.", &[("Beta blockers", Drug), ("migraines", Condition)]);
        assert_eq!(names(&d, None), vec!["Beta blockers"]);
        // out of reach, a plural main drug gives way to the most-mentioned singular drug
        let d = sentences_with(
            "Beta blockers and stage fright. Propranolol is what I take. Propranolol works. Beta blockers are old. Fine. Good. It prevents migraines.",
            &[("Beta blockers", Drug), ("Propranolol", Drug), ("Propranolol", Drug), ("Beta blockers", Drug), ("migraines", Condition)],
        );
        assert_eq!(names(&d, Some(0)), vec!["Propranolol"]);
        // "X, sold as Y, is a monoclonal antibody" describes Y
        let d = sentences_with("Ocrelizumab, sold as Ocrevus, is a monoclonal antibody. It slows MS.", &[
            ("Ocrelizumab", Drug),
            ("Ocrevus", Drug),
            ("monoclonal antibody", Drug),
            ("MS", Condition),
        ]);
        assert_eq!(names(&d, None), vec!["Ocrevus", "Ocrelizumab"]);
    }

    #[test]
    fn a_plural_pronoun_is_the_anaphor_only_when_there_is_no_other() {
        let text = "Statins are cheap. They say it lowers cholesterol.";
        let mut d = doc_with(text, &[("Statins", EntityLabel::Drug), ("cholesterol", EntityLabel::Condition)]);
        let cut = text.find(" They").unwrap();
        d.sentences = vec![Sentence::new(ByteSpan::new(0, cut), SentenceKind::Prose), Sentence::new(ByteSpan::new(cut + 1, text.len()), SentenceKind::Prose)];
        d.entities[1].sentence = 1;
        let a = antecedents(&d, 1, &|| None);
        assert_eq!(a[0].anaphor.slice(&d.text), "it");
        let text = "Statins are cheap. They lower cholesterol.";
        let mut d = doc_with(text, &[("Statins", EntityLabel::Drug), ("cholesterol", EntityLabel::Condition)]);
        let cut = text.find(" They").unwrap();
        d.sentences = vec![Sentence::new(ByteSpan::new(0, cut), SentenceKind::Prose), Sentence::new(ByteSpan::new(cut + 1, text.len()), SentenceKind::Prose)];
        d.entities[1].sentence = 1;
        assert_eq!(antecedents(&d, 1, &|| None)[0].anaphor.slice(&d.text), "They");
    }

    #[test]
    fn negation_features_see_where_the_cue_is() {
        let d = doc_with("Naloxone does not treat addiction.", &[("Naloxone", EntityLabel::Drug), ("addiction", EntityLabel::Condition)]);
        let c = &candidates(&d, 0, &|| None)[0];
        let f = hand_features(&d, c, 1, None);
        assert_eq!((f[4], f[5], f[6]), (1.0, 0.0, 0.0));
        let d = doc_with("There is no evidence that vitamin C prevents colds.", &[("vitamin C", EntityLabel::Drug), ("colds", EntityLabel::Condition)]);
        let f = hand_features(&d, &candidates(&d, 0, &|| None)[0], 1, None);
        assert_eq!((f[4], f[5], f[6]), (0.0, 1.0, 0.0));
    }

    #[test]
    fn negation_scope_stops_at_a_clause_break() {
        let neg = |text: &str, drug: &str, cond: &str| {
            let d = doc_with(text, &[(drug, EntityLabel::Drug), (cond, EntityLabel::Condition)]);
            negated_by_scope(&d, &candidates(&d, 0, &|| None)[0])
        };
        assert!(neg("Naloxone does not treat addiction.", "Naloxone", "addiction"));
        assert!(neg("There is no evidence that apricot kernels, amygdalin or laetrile treat cancer.", "laetrile", "cancer"));
        assert!(neg("Metoprolol failed to reduce flare-ups.", "Metoprolol", "flare-ups"));
        assert!(neg("For insomnia, valerian did no better than placebo.", "valerian", "insomnia"));
        assert!(neg("2. Myth: Vitamin C keeps colds away", "Vitamin C", "colds"));
        assert!(!neg("Kava is not cheap, but it eases anxiety.", "Kava", "anxiety"));
        assert!(!neg("Loperamide is not meant for prevention, and taking it daily can cause constipation.", "Loperamide", "constipation"));
        assert!(!neg("Metformin lowers blood sugar in type 2 diabetes.", "Metformin", "type 2 diabetes"));
        assert!(!neg("Claim: zinc cures colds.", "zinc", "colds"));
        // a drug in a clause of its own after the condition: relative clauses and comparisons
        assert!(!neg("Bupropion was not linked to the sexual side effects that SSRIs commonly cause.", "SSRIs", "sexual side effects"));
        assert!(!neg("It does not cause the withdrawal problems linked to benzodiazepines.", "benzodiazepines", "withdrawal problems"));
        assert!(!neg("There is no evidence that it slows joint damage the way methotrexate does.", "methotrexate", "joint damage"));
        assert!(neg("It eased the nausea that ondansetron did not touch.", "ondansetron", "nausea"));
        // a new predicate after "and" + modal
        assert!(!neg("Diphenhydramine won't cure insomnia and may worsen confusion.", "Diphenhydramine", "confusion"));
        assert!(neg("Diphenhydramine won't cure insomnia and anxiety.", "Diphenhydramine", "anxiety"));
        // a cue in a relative clause about someone, closed by a comma; a reason clause
        assert!(!neg("A participant, who asked that her name not be used, said varenicline gave her nausea.", "varenicline", "nausea"));
        assert!(!neg("People with asthma shouldn't take it because propranolol can tighten the airways.", "propranolol", "airways"));
        assert!(neg("People who took propranolol had no fewer migraines.", "propranolol", "migraines"));
    }

    #[test]
    fn pooling_averages_the_pieces_a_span_covers() {
        let mut d = doc_with("aa bb cc", &[("aa", EntityLabel::Drug), ("cc", EntityLabel::Condition)]);
        d.model = Some(vec![ModelSentence {
            pieces: vec![ByteSpan::new(0, 2), ByteSpan::new(3, 5), ByteSpan::new(6, 8)],
            vectors: vec![1.0, 0.0, 0.0, 2.0, 3.0, 4.0],
            ..Default::default()
        }]);
        let c = &candidates(&d, 0, &|| None)[0];
        let p = pooled(&d, c);
        // drug [1,0], condition [3,4], between [0,2], sentence mean [4/3, 2], nothing before
        // the first or after the second, between's first and last pieces [0,2]
        assert_eq!(p, vec![1.0, 0.0, 3.0, 4.0, 0.0, 2.0, 4.0 / 3.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 2.0]);
    }
}
