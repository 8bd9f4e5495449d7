//! The annotated document and its vocabulary: spans, label enums and the per-sentence,
//! per-entity, per-quote structures that every stage reads and writes.
//!
//! Takes nothing; every other stage passes a [`Doc`] along. Inside the pipeline all offsets are
//! [`ByteSpan`]s into [`Doc::text`] (Rust slices bytes); only `assemble.rs` turns them into the
//! code-point offsets of the output schema, through one [`crate::assemble::CharIndex`] per Doc.

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into a Doc's cleaned `text`. Both ends lie on char
/// boundaries. Never mixed with code-point offsets (see `assemble::CharSpan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

impl ByteSpan {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} > end {end}");
        ByteSpan { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn contains(&self, other: ByteSpan) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: ByteSpan) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// The text this span covers.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
    /// Shift a span found in a substring starting at `base` back into document coordinates.
    pub fn offset(&self, base: usize) -> ByteSpan {
        ByteSpan::new(self.start + base, self.end + base)
    }
}

/// Entity types of annotation-guidelines.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EntityLabel {
    #[serde(rename = "DRUG")]
    Drug,
    #[serde(rename = "CONDITION")]
    Condition,
}

impl EntityLabel {
    pub const ALL: [EntityLabel; 2] = [EntityLabel::Drug, EntityLabel::Condition];
    pub fn as_str(self) -> &'static str {
        match self {
            EntityLabel::Drug => "DRUG",
            EntityLabel::Condition => "CONDITION",
        }
    }
}

/// Claim strength (Yu et al. 2019), as annotation-guidelines.md defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStrength {
    #[default]
    None,
    Correlational,
    ConditionalCausal,
    DirectCausal,
}

impl ClaimStrength {
    pub const ALL: [ClaimStrength; 4] = [
        ClaimStrength::None,
        ClaimStrength::Correlational,
        ClaimStrength::ConditionalCausal,
        ClaimStrength::DirectCausal,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStrength::None => "none",
            ClaimStrength::Correlational => "correlational",
            ClaimStrength::ConditionalCausal => "conditional_causal",
            ClaimStrength::DirectCausal => "direct_causal",
        }
    }
    pub fn is_claim(self) -> bool {
        self != ClaimStrength::None
    }
}

/// What kind of text unit a sentence is; headings and bullets are their own units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SentenceKind {
    #[default]
    Prose,
    Heading,
    Bullet,
}

/// Article metadata, from HTML meta tags / JSON-LD or JSONL fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Meta {
    pub title: Option<String>,
    pub url: Option<String>,
    /// ISO 8601 date (`YYYY-MM-DD`) or date-time, as found.
    pub published: Option<String>,
}

/// Which component produced an annotation (kept for debugging and measurement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Gazetteer,
    Rule,
    Model,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub span: ByteSpan,
    pub kind: SentenceKind,
    pub hedged: bool,
    pub hedge_score: f32,
    pub claim: ClaimStrength,
    pub claim_score: f32,
}

impl Sentence {
    pub fn new(span: ByteSpan, kind: SentenceKind) -> Self {
        Sentence { span, kind, hedged: false, hedge_score: 0.0, claim: ClaimStrength::None, claim_score: 0.0 }
    }
}

/// A normalised concept: vocabulary id (DrugBank `DB…`, MeSH `D…`) and canonical name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concept {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub span: ByteSpan,
    pub label: EntityLabel,
    pub score: f32,
    /// Index into `Doc::sentences` of the sentence holding the entity.
    pub sentence: usize,
    pub origin: Origin,
    pub concept: Option<Concept>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HedgeCue {
    pub span: ByteSpan,
    pub sentence: usize,
    pub score: f32,
}

/// What a claim's sentence or paragraph offers a reader to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A named study, journal, trial, DOI/link or organisation.
    Checkable,
    /// Only vague support ("studies show", "research suggests").
    Vague,
    #[default]
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The words that point at the support, if any.
    pub span: Option<ByteSpan>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub sentence: usize,
    pub strength: ClaimStrength,
    pub score: f32,
    /// The text denies or reports as absent the relation ("X does not treat Y"): never support
    /// for X → Y.
    pub negated: bool,
    /// Index into `Doc::entities`.
    pub drug: Option<usize>,
    /// Index into `Doc::entities`.
    pub condition: Option<usize>,
    /// When the drug side was resolved from "it"/"the drug": the pronoun's span.
    pub drug_mention: Option<ByteSpan>,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteKind {
    /// Text in quotation marks attributed to a speaker.
    Direct,
    /// "according to X", "X said that …", "experts say …", "studies show …".
    Reported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerKind {
    Person,
    Organisation,
    Publication,
    /// "experts", "studies", "doctors", "some": nobody in particular.
    Vague,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    pub span: ByteSpan,
    pub kind: SpeakerKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// The quoted or reported content.
    pub span: ByteSpan,
    pub kind: QuoteKind,
    pub speaker: Option<Speaker>,
    /// The attribution cue ("said", "according to", "experts say").
    pub cue: Option<ByteSpan>,
    pub supported: bool,
    pub reason: String,
    /// Sentence holding the start of the quote.
    pub sentence: usize,
}

/// What the transformer predicted for one sentence (see runtime.rs); spans are document bytes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelSentence {
    pub entities: Vec<(ByteSpan, EntityLabel, f32)>,
    pub cues: Vec<(ByteSpan, f32)>,
    /// P(hedged).
    pub hedged: f32,
    /// P(strength) in `ClaimStrength::ALL` order.
    pub claim: [f32; 4],
    /// The sentence's word pieces as document byte spans, and `dim` numbers per piece
    /// (`vectors`, row-major; empty when the model hands on none): what the claim-pair head
    /// pools over entity spans.
    pub pieces: Vec<ByteSpan>,
    pub vectors: Vec<f32>,
}

impl ModelSentence {
    /// Numbers per piece in `vectors` (0: none).
    pub fn dim(&self) -> usize {
        self.vectors.len().checked_div(self.pieces.len()).unwrap_or(0)
    }
}

/// A document moving through the pipeline: built by ingest → clean → segment, then annotated in
/// place by each `tag/` component.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub id: String,
    pub source: String,
    pub meta: Meta,
    /// The cleaned text every span points into.
    pub text: String,
    pub sentences: Vec<Sentence>,
    pub entities: Vec<Entity>,
    pub hedges: Vec<HedgeCue>,
    pub claims: Vec<Claim>,
    pub quotes: Vec<Quote>,
    /// Non-fatal problems with this article (e.g. invalid UTF-8 replaced).
    pub warnings: Vec<String>,
    /// sha256 of the raw input bytes, hex; for `--resume`.
    pub content_hash: String,
    /// The transformer's predictions, one per sentence, when the model component ran.
    pub model: Option<Vec<ModelSentence>>,
    /// Wall time this article has spent in the stages, against its limit.
    pub budget: Budget,
}

/// An article's time budget (`--max-seconds`): the pipeline charges each stage's time to it
/// and checks it before the next stage, so one pathological article ends as an error record
/// instead of holding up the batch through every later stage.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Budget {
    /// `None`: no limit.
    pub limit: Option<std::time::Duration>,
    pub spent: std::time::Duration,
}

impl Budget {
    pub fn charge(&mut self, d: std::time::Duration) {
        self.spent += d;
    }
    pub fn exceeded(&self) -> bool {
        self.limit.is_some_and(|l| self.spent > l)
    }
}

impl Doc {
    pub fn new(id: impl Into<String>, source: impl Into<String>, text: impl Into<String>) -> Self {
        Doc { id: id.into(), source: source.into(), text: text.into(), ..Default::default() }
    }

    /// Index of the sentence containing byte `pos`, if any (binary search; sentences are sorted
    /// and disjoint).
    pub fn sentence_at(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.end <= pos);
        (i < self.sentences.len() && self.sentences[i].span.start <= pos).then_some(i)
    }

    pub fn sentence_text(&self, i: usize) -> &str {
        self.sentences[i].span.slice(&self.text)
    }

    /// Entities inside sentence `i`, as indices into `entities`. Entities are kept sorted by
    /// start and never cross a sentence, so this is a binary search, not a scan.
    pub fn entities_in(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.entities_in_sentences(i, i + 1)
    }

    /// Hedge cues of sentence `i`. The hedge stage writes cues sentence by sentence, so they are
    /// sorted by sentence and this is a binary search (a scan of every cue per sentence made a
    /// long hedged article quadratic).
    pub fn hedges_in(&self, i: usize) -> &[HedgeCue] {
        debug_assert!(
            self.hedges.windows(2).all(|w| w[0].sentence <= w[1].sentence),
            "hedges must be sorted by sentence"
        );
        let a = self.hedges.partition_point(|h| h.sentence < i);
        let b = self.hedges.partition_point(|h| h.sentence <= i);
        &self.hedges[a..b]
    }

    /// Entities inside sentences `lo..hi` (indices into `entities`), by binary search.
    pub fn entities_in_sentences(&self, lo: usize, hi: usize) -> impl Iterator<Item = usize> + '_ {
        debug_assert!(self.entities.windows(2).all(|w| w[0].span.start <= w[1].span.start), "entities must be sorted");
        let (start, end) = match (self.sentences.get(lo), self.sentences.get(hi.min(self.sentences.len()).saturating_sub(1))) {
            (Some(a), Some(b)) if lo < hi => (a.span.start, b.span.end),
            _ => (0, 0),
        };
        let a = self.entities.partition_point(|e| e.span.start < start);
        let b = self.entities.partition_point(|e| e.span.start < end);
        (a..b.max(a)).filter(move |&k| (lo..hi).contains(&self.entities[k].sentence))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_serialize_to_schema_strings() {
        assert_eq!(serde_json::to_string(&EntityLabel::Drug).unwrap(), "\"DRUG\"");
        assert_eq!(serde_json::to_string(&ClaimStrength::ConditionalCausal).unwrap(), "\"conditional_causal\"");
        for s in ClaimStrength::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
    }

    #[test]
    fn sentence_at_finds_containing_sentence() {
        let mut d = Doc::new("a", "a", "Ab. Cd.  Ef.");
        for (s, e) in [(0, 3), (4, 7), (9, 12)] {
            d.sentences.push(Sentence::new(ByteSpan::new(s, e), SentenceKind::Prose));
        }
        assert_eq!(d.sentence_at(0), Some(0));
        assert_eq!(d.sentence_at(3), None);
        assert_eq!(d.sentence_at(5), Some(1));
        assert_eq!(d.sentence_at(8), None);
        assert_eq!(d.sentence_at(11), Some(2));
        assert_eq!(d.sentence_at(12), None);
    }
}
