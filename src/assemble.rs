//! Doc → [`Record`], the `healthclaims/1` output line (../shared/output-schema.md). This is the only
//! place byte spans become code-point offsets, through one [`CharIndex`] per Doc.

use crate::doc::{ByteSpan, ClaimStrength, Doc, EntityLabel, EvidenceKind, Meta, Origin, QuoteKind, SentenceKind, SpeakerKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "healthclaims/1";

/// Byte offset → code-point offset for one text. Sorted sample points every 64 chars keep it
/// small; lookups count the chars from the nearest point.
pub struct CharIndex<'a> {
    text: &'a str,
    /// (byte offset, char offset) of every 64th char.
    marks: Vec<(usize, usize)>,
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let marks = text.char_indices().enumerate().step_by(64).map(|(c, (b, _))| (b, c)).collect();
        CharIndex { text, marks }
    }

    /// Code-point offset of byte offset `byte` (which must lie on a char boundary or at the end).
    pub fn char_of(&self, byte: usize) -> usize {
        debug_assert!(self.text.is_char_boundary(byte), "byte {byte} is not a char boundary");
        let i = self.marks.partition_point(|&(b, _)| b <= byte);
        let (b0, c0) = if i == 0 { (0, 0) } else { self.marks[i - 1] };
        c0 + self.text[b0..byte].chars().count()
    }

    pub fn span(&self, s: ByteSpan) -> CharSpan {
        CharSpan { start: self.char_of(s.start), end: self.char_of(s.end) }
    }
}

/// A code-point span of the output schema (start inclusive, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharSpan {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Error,
}

/// One output line. Field order is the schema's. Readers (`report`, `--resume`) ignore fields they
/// do not know, so a record enriched downstream still reads (output-schema.md); tests check our
/// own output strictly by a round trip (tests/util.rs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub schema: String,
    pub id: String,
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub meta: Meta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub sentences: Vec<SentenceOut>,
    #[serde(default)]
    pub entities: Vec<EntityOut>,
    #[serde(default)]
    pub hedges: Vec<HedgeOut>,
    #[serde(default)]
    pub claims: Vec<ClaimOut>,
    #[serde(default)]
    pub quotes: Vec<QuoteOut>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    pub model: ModelInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceOut {
    pub start: usize,
    pub end: usize,
    pub kind: SentenceKind,
    pub hedged: bool,
    pub hedge_score: f32,
    pub claim: ClaimStrength,
    pub claim_score: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityOut {
    pub start: usize,
    pub end: usize,
    pub label: EntityLabel,
    pub text: String,
    pub score: f32,
    pub sentence: usize,
    pub origin: Origin,
    /// Vocabulary id (DrugBank `DB…` or MeSH `D…`), when normalised.
    pub id: Option<String>,
    /// Canonical name, when normalised.
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HedgeOut {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub sentence: usize,
    pub score: f32,
}

/// A span with its text, used inside claims and quotes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanOut {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArgOut {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub id: Option<String>,
    pub name: Option<String>,
    /// The pronoun or noun phrase ("it", "the drug") this side was resolved from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mention: Option<SpanOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceOut {
    pub kind: EvidenceKind,
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimOut {
    pub sentence: usize,
    pub strength: ClaimStrength,
    pub score: f32,
    /// The relation is denied ("X does not treat Y"): never support for X → Y. Absent in
    /// records from before it was written (read as false).
    #[serde(default)]
    pub negated: bool,
    pub drug: Option<ArgOut>,
    pub condition: Option<ArgOut>,
    pub evidence: EvidenceOut,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerOut {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: SpeakerKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteOut {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: QuoteKind,
    pub sentence: usize,
    pub speaker: Option<SpeakerOut>,
    pub cue: Option<SpanOut>,
    pub supported: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopConcept {
    pub name: String,
    pub id: Option<String>,
    pub mentions: usize,
}

/// Per-article figures for dashboards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub words: usize,
    pub sentences: usize,
    pub hedged_sentences: usize,
    pub hedged_rate: f64,
    /// Claims that assert their relation (negated ones are counted apart).
    pub claims: usize,
    /// Claims whose relation the text denies ("X does not treat Y").
    #[serde(default)]
    pub negated_claims: usize,
    /// Non-negated claims by strength: `direct_causal`, `conditional_causal`, `correlational`.
    pub claims_by_strength: BTreeMap<String, usize>,
    pub quotes: usize,
    pub unsupported_quotes: usize,
    pub top_drugs: Vec<TopConcept>,
    pub top_conditions: Vec<TopConcept>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub version: String,
}

impl ModelInfo {
    /// Rules and gazetteers only (no transformer).
    pub fn current() -> Self {
        ModelInfo { name: "healthclaims-rules".into(), version: env!("CARGO_PKG_VERSION").into() }
    }
}

/// The record of an article that could not be processed.
pub fn error_record(id: &str, source: &str, error: &str, content_hash: Option<String>, model: &ModelInfo) -> Record {
    Record {
        schema: SCHEMA.into(),
        id: id.into(),
        source: source.into(),
        status: Status::Error,
        error: Some(error.into()),
        meta: Meta::default(),
        content_hash,
        warnings: vec![],
        text: String::new(),
        sentences: vec![],
        entities: vec![],
        hedges: vec![],
        claims: vec![],
        quotes: vec![],
        summary: None,
        model: model.clone(),
    }
}

/// Build the output record of an annotated Doc.
pub fn assemble(doc: &Doc, model: &ModelInfo) -> Record {
    let ix = CharIndex::new(&doc.text);
    let span_out = |s: ByteSpan| {
        let c = ix.span(s);
        SpanOut { start: c.start, end: c.end, text: s.slice(&doc.text).to_string() }
    };
    let arg_out = |ent: Option<usize>, mention: Option<ByteSpan>| {
        ent.map(|k| {
            let e = &doc.entities[k];
            let c = ix.span(e.span);
            ArgOut {
                start: c.start,
                end: c.end,
                text: e.span.slice(&doc.text).to_string(),
                id: e.concept.as_ref().map(|x| x.id.clone()),
                name: e.concept.as_ref().map(|x| x.name.clone()),
                mention: mention.map(span_out),
            }
        })
    };
    let sentences = doc
        .sentences
        .iter()
        .map(|s| {
            let c = ix.span(s.span);
            SentenceOut {
                start: c.start,
                end: c.end,
                kind: s.kind,
                hedged: s.hedged,
                hedge_score: round3(s.hedge_score),
                claim: s.claim,
                claim_score: round3(s.claim_score),
            }
        })
        .collect();
    let entities = doc
        .entities
        .iter()
        .map(|e| {
            let c = ix.span(e.span);
            EntityOut {
                start: c.start,
                end: c.end,
                label: e.label,
                text: e.span.slice(&doc.text).to_string(),
                score: round3(e.score),
                sentence: e.sentence,
                origin: e.origin,
                id: e.concept.as_ref().map(|x| x.id.clone()),
                name: e.concept.as_ref().map(|x| x.name.clone()),
            }
        })
        .collect();
    let hedges = doc
        .hedges
        .iter()
        .map(|h| {
            let s = span_out(h.span);
            HedgeOut { start: s.start, end: s.end, text: s.text, sentence: h.sentence, score: round3(h.score) }
        })
        .collect();
    let claims = doc
        .claims
        .iter()
        .map(|cl| {
            let ev = cl.evidence.span.map(span_out);
            ClaimOut {
                sentence: cl.sentence,
                strength: cl.strength,
                score: round3(cl.score),
                negated: cl.negated,
                drug: arg_out(cl.drug, cl.drug_mention),
                condition: arg_out(cl.condition, None),
                evidence: EvidenceOut {
                    kind: cl.evidence.kind,
                    start: ev.as_ref().map(|e| e.start),
                    end: ev.as_ref().map(|e| e.end),
                    text: ev.map(|e| e.text),
                },
            }
        })
        .collect();
    let quotes = doc
        .quotes
        .iter()
        .map(|q| {
            let s = span_out(q.span);
            QuoteOut {
                start: s.start,
                end: s.end,
                text: s.text,
                kind: q.kind,
                sentence: q.sentence,
                speaker: q.speaker.as_ref().map(|sp| {
                    let s = span_out(sp.span);
                    SpeakerOut { start: s.start, end: s.end, text: s.text, kind: sp.kind }
                }),
                cue: q.cue.map(span_out),
                supported: q.supported,
                reason: q.reason.clone(),
            }
        })
        .collect();
    Record {
        schema: SCHEMA.into(),
        id: doc.id.clone(),
        source: doc.source.clone(),
        status: Status::Ok,
        error: None,
        meta: doc.meta.clone(),
        content_hash: (!doc.content_hash.is_empty()).then(|| doc.content_hash.clone()),
        warnings: doc.warnings.clone(),
        text: doc.text.clone(),
        sentences,
        entities,
        hedges,
        claims,
        quotes,
        summary: Some(summarize(doc)),
        model: model.clone(),
    }
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// Article-level figures: counts, rates and the most mentioned normalised concepts.
pub fn summarize(doc: &Doc) -> Summary {
    let words = doc.text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
    let hedged = doc.sentences.iter().filter(|s| s.hedged).count();
    let mut by_strength = BTreeMap::new();
    for s in [ClaimStrength::DirectCausal, ClaimStrength::ConditionalCausal, ClaimStrength::Correlational] {
        by_strength.insert(s.as_str().to_string(), doc.claims.iter().filter(|c| c.strength == s && !c.negated).count());
    }
    let top = |label: EntityLabel| {
        let mut counts: BTreeMap<String, (Option<String>, usize)> = BTreeMap::new();
        for e in doc.entities.iter().filter(|e| e.label == label) {
            let (name, id) = match &e.concept {
                Some(c) => (c.name.clone(), Some(c.id.clone())),
                None => (e.span.slice(&doc.text).to_lowercase(), None),
            };
            let entry = counts.entry(name).or_insert((id, 0));
            entry.1 += 1;
        }
        let mut v: Vec<TopConcept> =
            counts.into_iter().map(|(name, (id, mentions))| TopConcept { name, id, mentions }).collect();
        v.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.name.cmp(&b.name)));
        v.truncate(5);
        v
    };
    let unsupported = doc.quotes.iter().filter(|q| !q.supported).count();
    Summary {
        words,
        sentences: doc.sentences.len(),
        hedged_sentences: hedged,
        hedged_rate: if doc.sentences.is_empty() { 0.0 } else { (hedged as f64 / doc.sentences.len() as f64 * 1e4).round() / 1e4 },
        claims: doc.claims.iter().filter(|c| !c.negated).count(),
        negated_claims: doc.claims.iter().filter(|c| c.negated).count(),
        claims_by_strength: by_strength,
        quotes: doc.quotes.len(),
        unsupported_quotes: unsupported,
        top_drugs: top(EntityLabel::Drug),
        top_conditions: top(EntityLabel::Condition),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_counts_code_points() {
        let t = "a😀b 睡眠 שלום x";
        let ix = CharIndex::new(t);
        for (c, (b, _)) in t.char_indices().enumerate() {
            assert_eq!(ix.char_of(b), c);
        }
        assert_eq!(ix.char_of(t.len()), t.chars().count());
    }

    #[test]
    fn char_index_long_text_uses_marks() {
        let t: String = "é😀a".repeat(500);
        let ix = CharIndex::new(&t);
        for (c, (b, _)) in t.char_indices().enumerate() {
            assert_eq!(ix.char_of(b), c);
        }
    }
}
