//! Claims: takes a [`Doc`] with entities and sentence claim strengths, and returns it with
//! [`Doc::claims`] filled, each claim linking a DRUG and a CONDITION (the anaphor a drug was
//! resolved from — "it", "this medication" — recorded), `negated` where the text denies the
//! relation, and the [`Evidence`] a reader could check (a named study, journal, trial, DOI, link
//! or organisation = checkable; "studies show", "experts say" = vague).
//!
//! With the model's pair head ([`super::pairs`]): one claim per (drug, condition) candidate pair
//! the head accepts, negation by scope ([`pairs::negated_by_scope`]), and the sentence's `claim`
//! becomes its strongest non-negated one. Sentences without a pair the head accepts keep the
//! sentence classifier's label — or, naming or referring to a drug the classifier found no claim
//! for, the sentence claim head's ([`super::sentence_head`]) — and take their one claim from the
//! rules below; with
//! `--no-model` (or a model folder without the heads) every sentence takes the sentence
//! classifier's label and the rules: one claim per sentence whose `claim` is not `none`.
//!
//! Pair selection (rules): the drug is the DRUG entity nearest before the sentence's relation verb (the
//! subject), else the first one after it ("X for Y", "Y treated with X"); the condition is the
//! CONDITION entity nearest after the verb (the object), else the nearest before it. A sentence
//! without a DRUG but with a drug anaphor takes the last DRUG of the previous two sentences, else
//! the article's most-mentioned DRUG. The score is the sentence's `claim_score`.

use once_cell::sync::Lazy;
use regex::Regex;

use super::pairs::{self, PairHead};
use super::sentence_head::{self, SentenceHead};
use super::sentence_class::claim_features;
use super::{Component, Layer};
use crate::doc::{ByteSpan, Claim, ClaimStrength, Doc, EntityLabel, Evidence, EvidenceKind};
use crate::error::ArticleError;
use crate::rules::{self, EXPLETIVE_PREDICATES, EXPLETIVE_VERBS, FIRST_PERSON};

fn re(p: &str) -> Regex {
    // Patterns are constants exercised by the unit tests; an invalid one is a bug in this file.
    Regex::new(p).unwrap_or_else(|e| panic!("claims pattern: {e}"))
}

/// The relation verb/phrase that splits subject from object.
static RELATION: Lazy<Regex> = Lazy::new(|| rules::RELATION_WORDS.word_regex());

/// Checkable support: a named study/journal/trial/DOI/link/organisation.
static CHECKABLE: Lazy<Regex> = Lazy::new(|| {
    // A capitalised name, matched case-sensitively inside the case-insensitive pattern.
    let name = r"(?-i:[A-Z][\w&'’-]*(?: (?:of |for |and )?[A-Z][\w&'’-]*)*)";
    re(&format!("(?i)(?:{})", rules::CHECKABLE_SUPPORT.alternation().replace("<Name>", name)))
});

/// Vague support: "studies show", "research suggests", "experts say".
static VAGUE: Lazy<Regex> = Lazy::new(|| rules::VAGUE_SUPPORT.word_regex());

/// How a drug works ("works by", "receptors") and the health effects that still make such a
/// sentence a claim (`models/lexicon/rules/mechanism_cues.txt`, `health_effects.txt`).
static MECHANISM: Lazy<Regex> = Lazy::new(|| rules::MECHANISM_CUES.word_regex());
static HEALTH_EFFECT: Lazy<Regex> = Lazy::new(|| rules::HEALTH_EFFECTS.word_regex());

/// Whether sentence `i` tells how a drug works and of no effect on health: no CONDITION, a
/// mechanism cue, no health-effect word ("Minoxidil works by widening blood vessels around the
/// hair follicles", "Memantine is an NMDA receptor antagonist"). The guidelines count a mechanism
/// with no outcome as no claim.
fn mechanism_only(doc: &Doc, i: usize) -> bool {
    let text = doc.sentences[i].span.slice(&doc.text);
    !doc.entities_in(i).any(|k| doc.entities[k].label == EntityLabel::Condition)
        && MECHANISM.is_match(text)
        && !HEALTH_EFFECT.is_match(text)
}

/// The claim linker: the learned pair head ([`super::pairs`]) where the model folder has one
/// and the encoder handed on its vectors, else the rules.
pub struct ClaimLinker {
    head: Option<PairHead>,
    sentence_head: Option<SentenceHead>,
}

impl ClaimLinker {
    /// Rules only.
    pub fn new() -> anyhow::Result<Self> {
        Self::with_heads(None, None)
    }

    /// With the pair head (claims of sentences the encoder read come from it) and the sentence
    /// claim head (the label of sentences without a pair the pair head accepts).
    pub fn with_heads(head: Option<PairHead>, sentence_head: Option<SentenceHead>) -> anyhow::Result<Self> {
        Lazy::force(&RELATION);
        Lazy::force(&CHECKABLE);
        Lazy::force(&VAGUE);
        Lazy::force(&MECHANISM);
        Lazy::force(&HEALTH_EFFECT);
        crate::rules::force_all();
        Ok(ClaimLinker { head, sentence_head })
    }
}

/// Rules-only negation of a claim: a negation cue before the later of its two arguments in the
/// sentence ("X does not treat Y", "there is no evidence that X prevents Y").
fn negated_by_rule(doc: &Doc, i: usize, args: &[Option<ByteSpan>]) -> bool {
    let s = doc.sentences[i].span;
    let text = s.slice(&doc.text);
    let limit = args.iter().flatten().filter(|a| s.contains(**a)).map(|a| a.start - s.start).max().unwrap_or(text.len());
    crate::rules::NEGATION.find_iter(text).any(|(a, _)| a < limit)
}

/// Whether sentence `i` is a question ("Does it help eczema?").
fn is_question(doc: &Doc, i: usize) -> bool {
    let t = doc.sentences[i].span.slice(&doc.text).trim_end();
    t.trim_end_matches(['"', '”', '’', '\'', ')']).ends_with('?')
}

/// The article's main drug: the most-mentioned DRUG (by lowercase text), its first mention's
/// entity index. Ties go to the earlier first mention.
pub fn main_drug(doc: &Doc) -> Option<usize> {
    pairs::most_mentioned(doc, usize::MAX, &|_| true)
}

/// Choose the `(drug, condition)` entity indices for sentence `i`.
pub fn select_pair(doc: &Doc, i: usize) -> (Option<usize>, Option<usize>) {
    let s = doc.sentences[i].span;
    let text = doc.text.get(s.start..s.end).unwrap_or("");
    let drugs: Vec<usize> = doc.entities_in(i).filter(|&k| doc.entities[k].label == EntityLabel::Drug).collect();
    let conds: Vec<usize> = doc.entities_in(i).filter(|&k| doc.entities[k].label == EntityLabel::Condition).collect();
    let in_entity = |pos: usize| doc.entities_in(i).any(|k| doc.entities[k].span.start <= pos && pos < doc.entities[k].span.end);
    // The pivot: the causal/associative phrase the classifier found, else the first relation
    // word outside an entity and after the first drug, else the middle of the sentence.
    let f = claim_features(doc, i);
    let first_drug = drugs.first().map(|&k| doc.entities[k].span.end).unwrap_or(s.start);
    let pivot = [f.causal, f.correlational]
        .into_iter()
        .flatten()
        .map(|sp| sp.start + s.start)
        .filter(|&p| !in_entity(p))
        .min()
        .or_else(|| {
            RELATION
                .find_iter(text)
                .map(|m| m.start() + s.start)
                .find(|&p| !in_entity(p) && p >= first_drug)
        })
        .unwrap_or(s.start + text.len() / 2);
    let before = |k: &usize| doc.entities[*k].span.end <= pivot;
    let mut drug = drugs
        .iter()
        .filter(|k| before(k))
        .max_by_key(|&&k| doc.entities[k].span.start)
        .or_else(|| drugs.iter().find(|k| !before(k)))
        .copied();
    // "buprenorphine or methadone, which …": the head of a coordination is its first member.
    while let Some(d) = drug {
        let prev = drugs.iter().copied().rev().find(|&k| doc.entities[k].span.end <= doc.entities[d].span.start);
        let Some(p) = prev else { break };
        let gap = doc.text.get(doc.entities[p].span.end..doc.entities[d].span.start).unwrap_or("x");
        let gap = gap.trim().trim_matches(',').trim();
        if gap.is_empty() || gap == "or" || gap == "and" || gap == "/" || gap == "and/or" {
            drug = Some(p);
        } else {
            break;
        }
    }
    let condition = conds.iter().find(|k| !before(k)).or_else(|| conds.iter().find(|k| before(k))).copied();
    (drug, condition)
}

/// Sentences either side of a claim that its paragraph may reach.
const PARAGRAPH_REACH: usize = 8;

/// The paragraph around sentence `i`: neighbouring sentences up to a blank line.
fn paragraph(doc: &Doc, i: usize) -> ByteSpan {
    let blank = |a: usize, b: usize| {
        let gap = doc.text.get(a..b).unwrap_or("");
        gap.matches('\n').count() >= 2
    };
    // At most PARAGRAPH_REACH sentences each way: a text without blank lines (one 12 MB line)
    // must not make every claim scan the whole article.
    let mut lo = i;
    while lo > 0 && i - lo < PARAGRAPH_REACH && !blank(doc.sentences[lo - 1].span.end, doc.sentences[lo].span.start) {
        lo -= 1;
    }
    let mut hi = i;
    while hi + 1 < doc.sentences.len() && hi - i < PARAGRAPH_REACH && !blank(doc.sentences[hi].span.end, doc.sentences[hi + 1].span.start) {
        hi += 1;
    }
    ByteSpan::new(doc.sentences[lo].span.start, doc.sentences[hi].span.end)
}

/// The evidence for a claim in sentence `i`: checkable in the sentence, then in its paragraph;
/// vague in the sentence, then in its paragraph; else none.
pub fn find_evidence(doc: &Doc, i: usize) -> Evidence {
    let sent = doc.sentences[i].span;
    let para = paragraph(doc, i);
    for re in [&*CHECKABLE, &*VAGUE] {
        for scope in [sent, para] {
            let Some(text) = doc.text.get(scope.start..scope.end) else { continue };
            if let Some(m) = re.find(text) {
                let kind = if std::ptr::eq(re, &*CHECKABLE) { EvidenceKind::Checkable } else { EvidenceKind::Vague };
                let words = m.as_str().trim_end_matches(|c: char| c.is_ascii_punctuation() && c != '/' );
                let span = ByteSpan::new(m.start() + scope.start, m.start() + scope.start + words.len());
                return Evidence { kind, span: Some(span) };
            }
        }
    }
    Evidence { kind: EvidenceKind::None, span: None }
}

/// Whether a sentence's drug anaphor `a` stands for a drug: not "its" (a possessive of
/// anything), "they" / "them" (mostly people) or an expletive "it" ("it is true that", "it seems
/// likely": `models/lexicon/rules/expletive_*.txt`).
fn refers_to_drug(doc: &Doc, i: usize, a: &pairs::Antecedent) -> bool {
    let word = a.anaphor.slice(&doc.text).to_lowercase();
    if matches!(word.as_str(), "its" | "they" | "them") {
        return false;
    }
    let after = doc.text.get(a.anaphor.end..doc.sentences[i].span.end).unwrap_or("");
    let after_verb = if matches!(word.as_str(), "it's" | "it’s") { Some(0) } else { EXPLETIVE_VERBS.leading(after) };
    after_verb.is_none_or(|v| EXPLETIVE_PREDICATES.leading(&after[v..]).is_none())
}

impl Component for ClaimLinker {
    fn name(&self) -> &'static str {
        "claims"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Entities, Layer::SentenceClass]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Claims]
    }
    fn annotate(&self, doc: &mut Doc) -> Result<(), ArticleError> {
        let mut claims = Vec::new();
        let main_id = main_drug(doc);
        let main_of = move || main_id;
        // Sentences the pair head can read: the encoder's vectors are there, of its width.
        let sentence_dim = self.sentence_head.as_ref().map_or(0, |h| h.dim);
        let readable = |i: usize| -> bool {
            let Some(h) = &self.head else { return false };
            doc.model.as_ref().and_then(|m| m.get(i)).is_some_and(|ms| ms.dim() == h.dim + sentence_dim)
        };
        for i in 0..doc.sentences.len() {
            if is_question(doc, i) {
                // A question asserts nothing ("Can it prevent asthma?"): 1 of the 1,924
                // web-synthetic gold claims sits in one.
                let s = &mut doc.sentences[i];
                s.claim = ClaimStrength::None;
                s.claim_score = 0.0;
                continue;
            }
            let cands = if readable(i) { pairs::candidates(doc, i, &main_of) } else { Vec::new() };
            if let (Some(head), false) = (&self.head, cands.is_empty()) {
                // Learned: one claim per candidate pair the head accepts; the sentence's label is
                // its strongest non-negated claim.
                let mut best: Option<(ClaimStrength, f32)> = None;
                let scored: Vec<Option<(ClaimStrength, f32)>> = cands
                    .iter()
                    .map(|c| head.score(&pairs::pooled(doc, c), &pairs::hand_features(doc, c, cands.len(), main_id)).claim())
                    .collect();
                for (j, c) in cands.iter().enumerate() {
                    let Some((strength, score)) = scored[j] else { continue };
                    // an anaphor stands for one drug: of its antecedents paired with this
                    // condition, only the one the head is surest of
                    let outscored = c.mention.is_some_and(|m| {
                        cands.iter().zip(&scored).enumerate().any(|(k, (o, v))| {
                            k != j && o.mention == Some(m) && o.condition == c.condition
                                && v.is_some_and(|(_, p)| p > score || (p == score && k < j))
                        })
                    });
                    if outscored {
                        continue;
                    }
                    // Negation by scope (rules as data): measured better than a learned output
                    // on the web dev split (negated_claim_pair .691 vs .535; models/MODEL_CARD.md).
                    let negated = pairs::negated_by_scope(doc, c);
                    if !negated && best.is_none_or(|b| strength > b.0) {
                        best = Some((strength, score));
                    }
                    claims.push(Claim {
                        sentence: i,
                        strength,
                        score,
                        negated,
                        drug: Some(c.drug),
                        condition: Some(c.condition),
                        drug_mention: c.mention,
                        evidence: find_evidence(doc, i),
                    });
                }
                let denied = claims.iter().any(|c| c.sentence == i && c.negated);
                if best.is_some() || denied {
                    let (strength, score) = best.unwrap_or((ClaimStrength::None, 0.0));
                    let s = &mut doc.sentences[i];
                    s.claim = strength;
                    s.claim_score = score;
                    continue;
                }
                // The head accepts no pair: the sentence classifier's label stands (a claim
                // whose drug or outcome is not among the candidates: "Gave me dandruff").
                // Measured on the web dev split: claim detection .721 → see MODEL_CARD.md.
            }
            let names_drug = || doc.entities_in(i).any(|k| doc.entities[k].label == EntityLabel::Drug);
            // a sentence that refers to a drug ([`refers_to_drug`]) or a narrator's report about
            // one named before ("Night two on it and I slept nine hours straight": a first-person
            // word and any drug anaphor that resolves)
            let refers = || {
                pairs::antecedents(doc, i, &main_of).first().is_some_and(|a| {
                    FIRST_PERSON.is_match(doc.sentences[i].span.slice(&doc.text)) || refers_to_drug(doc, i, a)
                })
            };
            let gated = |_: &&SentenceHead| readable(i) && !doc.sentences[i].claim.is_claim() && (names_drug() || refers());
            if let Some(sh) = self.sentence_head.as_ref().filter(gated) {
                // The sentence claim head finds the claims the sentence classifier misses in a
                // sentence that names a drug ("Retinol makes your skin more sensitive to the
                // sun"), narrates one ([`FIRST_PERSON`] and a drug anaphor) or refers to one
                // ([`refers_to_drug`]); it neither removes the classifier's claims nor adds claims
                // to other sentences: on the five real seed articles those two made claim
                // detection .748 → .638 while the web dev split went .760 → .796; any resolved
                // anaphor, expletive "it" and "its" included, added 4 claims there, all wrong
                // (MODEL_CARD.md).
                let p = sh.score(&sentence_head::pooled(doc, i), &sentence_head::features(doc, i, &cands));
                let (strength, score) = SentenceHead::label(&p);
                if strength.is_claim() {
                    let s = &mut doc.sentences[i];
                    s.claim = strength;
                    s.claim_score = score;
                }
            }
            if doc.sentences[i].claim.is_claim() && mechanism_only(doc, i) {
                // a mechanism, not a claim: claim detection .815 → .817 in 5-fold CV (8 spurious
                // claims fewer, 1 true one lost), dev split .791 → .797, seeds .725 → .745
                // (MODEL_CARD.md)
                let s = &mut doc.sentences[i];
                s.claim = ClaimStrength::None;
                s.claim_score = 0.0;
            }
            let s = &doc.sentences[i];
            if !s.claim.is_claim() {
                continue;
            }
            let (strength, score) = (s.claim, s.claim_score);
            let (mut drug, condition) = select_pair(doc, i);
            let mut drug_mention = None;
            if drug.is_none() {
                if let Some(a) = pairs::antecedents(doc, i, &main_of).into_iter().next() {
                    let (k, span) = (a.drug, a.anaphor);
                    drug = Some(k);
                    drug_mention = Some(span);
                }
            }
            let drug_words = drug_mention.or_else(|| drug.map(|k| doc.entities[k].span));
            let negated = match (drug, drug_words, condition) {
                (Some(d), Some(span), Some(c)) => pairs::negated_by_scope(
                    doc,
                    &pairs::Candidate { sentence: i, drug: d, drug_span: span, mention: drug_mention, antecedent: None, condition: c },
                ),
                _ => negated_by_rule(doc, i, &[drug_words, condition.map(|k| doc.entities[k].span)]),
            };
            if negated {
                // a denied claim does not make the sentence a claim (its label is the strongest
                // non-negated one)
                let s = &mut doc.sentences[i];
                s.claim = ClaimStrength::None;
            }
            claims.push(Claim { sentence: i, strength, score, negated, drug, condition, drug_mention, evidence: find_evidence(doc, i) });
        }
        doc.claims = claims;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Entity, Origin, Sentence, SentenceKind};

    /// A doc of two sentences whose first names `drug`.
    fn two(first: &str, second: &str, drug: &str) -> Doc {
        let text = format!("{first} {second}");
        let mut d = Doc::new("t", "t", text.as_str());
        d.sentences = vec![
            Sentence::new(ByteSpan::new(0, first.len()), SentenceKind::Prose),
            Sentence::new(ByteSpan::new(first.len() + 1, text.len()), SentenceKind::Prose),
        ];
        let s = text.find(drug).unwrap();
        d.entities.push(Entity { span: ByteSpan::new(s, s + drug.len()), label: EntityLabel::Drug, score: 1.0, sentence: 0, origin: Origin::Rule, concept: None });
        d
    }

    #[test]
    fn an_anaphor_refers_to_the_drug_unless_expletive_possessive_or_plural() {
        let refers = |second: &str| {
            let d = two("Zyrtec is an antihistamine.", second, "Zyrtec");
            pairs::antecedents(&d, 1, &|| None).first().is_some_and(|a| refers_to_drug(&d, 1, a))
        };
        assert!(refers("It can make some people drowsy."));
        assert!(refers("This medication works within an hour."));
        assert!(refers("It is usually taken once a day."));
        assert!(!refers("It is true that allergies are common."));
        assert!(!refers("It’s worth asking a pharmacist."));
        assert!(!refers("It seems likely that pollen counts will rise."));
        assert!(!refers("Its label lists the dose."));
        assert!(!refers("They sneezed all spring."));
        assert!(!refers("Pollen counts rise in May."), "no anaphor");
        // no drug before the anaphor: nothing to refer to
        let d = two("It can make people drowsy.", "Zyrtec is an antihistamine.", "Zyrtec");
        assert!(pairs::antecedents(&d, 0, &|| None).is_empty());
    }
}
