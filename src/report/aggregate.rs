//! Annotated JSONL → per-group totals. Takes `healthclaims/1` lines (one [`Record`] each, read
//! one at a time) and returns an [`Aggregate`]: counts by period, by source, by source × period,
//! by drug (grouped by canonical id; drug classes kept apart from drugs) and by condition, the
//! most-cited unsupported quotes, one small row per article (period, source and counts: what the
//! trend tests need, about 40 bytes an article), and for every chart point a few of its
//! sentences (the drill-down). Memory grows with the groups and the articles' rows, never with
//! the text.
//!
//! Period is `meta.published` at the chosen grain ([`Period`]), else [`UNDATED`] (undated
//! articles are counted, never dropped, unless `--since/--until` asks for a date range). Source
//! is chosen by [`SourceFrom`] (default: the URL's registrable domain, else the article's folder).
//! `status: error` records are counted as errors of their source and period and add nothing else;
//! lines that are not records are counted as invalid, with the reason per line. Readers ignore
//! fields they do not know (output-schema.md). An article seen twice (same id and content hash,
//! e.g. in two overlapping batch files) is counted once.

use super::period::{parse_date, NoDate, Period};
pub use super::period::{PLAUSIBLE_YEARS, UNDATED};
use super::source::SourceFrom;
use super::stats::{wilson, Rate};
use crate::assemble::{ArgOut, Record, Status};
use crate::doc::{ClaimStrength, EntityLabel};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::BufRead;

/// How records are grouped and which are read.
#[derive(Debug, Clone, Default)]
pub struct Grouping {
    pub period: Period,
    /// Keep only articles dated on or after / on or before (undated ones are then left out).
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub source_from: SourceFrom,
}

/// Where one counted article sits: handed to the row sink (the Parquet tables) with its record.
#[derive(Debug, Clone)]
pub struct Placed<'a> {
    pub source: &'a str,
    /// `meta.published` as read (trimmed), when it is a plausible date.
    pub date: Option<String>,
    /// Its period key, or [`UNDATED`].
    pub period: &'a str,
}

/// The claim strengths that count as claims, strongest first (the CSV column order).
pub const STRENGTHS: [ClaimStrength; 3] =
    [ClaimStrength::DirectCausal, ClaimStrength::ConditionalCausal, ClaimStrength::Correlational];

fn strength_slot(s: ClaimStrength) -> Option<usize> {
    STRENGTHS.iter().position(|&x| x == s)
}

/// Additive counts for one group of articles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metrics {
    /// Articles annotated (`status: ok`).
    pub articles: u64,
    /// Articles that got an error record.
    pub errors: u64,
    pub words: u64,
    pub sentences: u64,
    pub hedged_sentences: u64,
    /// Claims by strength, in [`STRENGTHS`] order (negated claims are not among them).
    pub claims: [u64; 3],
    /// Claims whose relation the text denies ("X does not treat Y"), counted apart.
    pub negated_claims: u64,
    pub quotes: u64,
    pub unsupported_quotes: u64,
}

impl Metrics {
    pub fn claims_total(&self) -> u64 {
        self.claims.iter().sum()
    }
    /// Hedged sentences / sentences; `None` without sentences.
    pub fn hedged_rate(&self) -> Option<f64> {
        ratio(self.hedged_sentences, self.sentences)
    }
    /// Unsupported quotes per 1,000 words; `None` without words.
    pub fn unsupported_per_1k_words(&self) -> Option<f64> {
        ratio(self.unsupported_quotes.saturating_mul(1000), self.words)
    }
    /// Hedged sentences of sentences, with its Wilson interval.
    pub fn hedged(&self) -> Option<Rate> {
        wilson(self.hedged_sentences, self.sentences)
    }
    /// Unsupported quotes of quotes, with its Wilson interval.
    pub fn unsupported(&self) -> Option<Rate> {
        wilson(self.unsupported_quotes, self.quotes)
    }
    /// Share of the (non-negated) claims that have strength [`STRENGTHS`]`[k]`.
    pub fn strength_share(&self, k: usize) -> Option<Rate> {
        wilson(self.claims[k], self.claims_total())
    }
    fn add(&mut self, f: &Metrics) {
        self.articles += f.articles;
        self.errors += f.errors;
        self.words += f.words;
        self.sentences += f.sentences;
        self.hedged_sentences += f.hedged_sentences;
        for (a, b) in self.claims.iter_mut().zip(f.claims) {
            *a += b;
        }
        self.negated_claims += f.negated_claims;
        self.quotes += f.quotes;
        self.unsupported_quotes += f.unsupported_quotes;
    }
}

pub fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Counts for one drug or condition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConceptStats {
    /// Display name: the canonical name when the tagger normalised a mention, else the
    /// lowercased text.
    pub name: String,
    /// Vocabulary id, when the tagger normalised it (the group key then).
    pub id: Option<String>,
    /// A drug class (a MeSH descriptor id, `D` + digits, such as Anticoagulants), not a drug
    /// (DrugBank `DB…`): shown apart, never ranked with its members.
    pub class: bool,
    /// Articles that mention it.
    pub articles: u64,
    pub mentions: u64,
    /// Sentences that mention it, and how many of those are hedged.
    pub sentences: u64,
    pub hedged_sentences: u64,
    /// Claims it takes part in, by strength ([`STRENGTHS`] order; negated claims apart).
    pub claims: [u64; 3],
    /// Negated claims it takes part in ("X does not treat Y"): never support.
    pub negated_claims: u64,
}

impl ConceptStats {
    /// Take the canonical name and id from the first mention that has them (the group key is
    /// the id when there is one, so every mention of a group has the same id).
    fn learn(&mut self, key: &str, name: Option<&str>, id: Option<&str>) {
        let id = id.map(str::trim).filter(|i| !i.is_empty());
        if self.id.is_none() {
            if let Some(id) = id {
                self.id = Some(id.to_string());
                self.class = is_class(id, name.unwrap_or(key));
            }
        }
        match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) if self.name.is_empty() || self.name == key => self.name = n.to_string(),
            _ if self.name.is_empty() => self.name = key.to_string(),
            _ => {}
        }
    }
    pub fn hedged_rate(&self) -> Option<f64> {
        ratio(self.hedged_sentences, self.sentences)
    }
    pub fn hedged(&self) -> Option<Rate> {
        wilson(self.hedged_sentences, self.sentences)
    }
    pub fn claims_total(&self) -> u64 {
        self.claims.iter().sum()
    }
}

/// A MeSH descriptor id (`D003704`): a class or category, not one drug.
pub fn is_class_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() > 1 && b[0] == b'D' && b[1..].iter().all(u8::is_ascii_digit)
}

/// A drug class rather than one drug: a MeSH descriptor id, or — for concepts without a
/// DrugBank id (the lexicon gives ids the sources attach to several concepts to none of them, so
/// "Anticoagulants" has a name-based `HC:` id) — a plural canonical name, as MeSH names its
/// classes ("Anticoagulants", "Analgesics, Opioid", "Proton Pump Inhibitors").
pub fn is_class(id: &str, name: &str) -> bool {
    if id.starts_with("DB") {
        return false;
    }
    let head = name.split(',').next().unwrap_or("").trim();
    let plural = head.len() > 3 && head.ends_with('s') && !head.ends_with("ss") && !head.ends_with("us");
    is_class_id(id) || plural
}

/// One article's row for the trend tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleRow {
    /// Ordinal of its period ([`Period::of`]); `None` when undated.
    pub ordinal: Option<i64>,
    /// Index into [`Aggregate::source_names`].
    pub source: u32,
    pub sentences: u32,
    pub hedged: u32,
    pub quotes: u32,
    pub unsupported: u32,
    pub claims: [u32; 3],
}

/// What a chart point counts, for the drill-down.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DrillKey {
    /// All sources in one period.
    Period(String),
    /// One source in one period.
    SourcePeriod(String, String),
    /// One drug or class (its group key).
    Drug(String),
}

/// One sentence shown in a drill-down table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceSample {
    pub article: String,
    /// Index in the record's `sentences` (0-based, as in the JSONL and the tables).
    pub sentence: usize,
    pub text: String,
    pub hedged: bool,
    /// The hedge cues in it.
    pub cues: Vec<String>,
    /// Its claims, as "strength: drug → condition" ("negated" for denied relations).
    pub claims: Vec<String>,
    /// Its quotes, with whether each is supported.
    pub quotes: Vec<(String, bool)>,
    pub url: Option<String>,
}

/// Sentences kept per drill-down table, hedged and not hedged each.
pub const DRILL_SAMPLES: usize = 12;

/// A chart point's sentences: counts and the first few of each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drill {
    pub sentences: u64,
    pub hedged_sentences: u64,
    pub hedged: Vec<SentenceSample>,
    pub plain: Vec<SentenceSample>,
}

/// One place an unsupported quote is cited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub article: String,
    /// Index of the sentence in the article's `sentences`.
    pub sentence: usize,
    /// That sentence's text (cut to [`MAX_SENTENCE_CHARS`]).
    pub sentence_text: String,
    pub source: String,
    pub title: Option<String>,
    pub url: Option<String>,
}

/// Longest sentence text kept for the report's appendix.
pub const MAX_SENTENCE_CHARS: usize = 600;
/// Places kept per quote.
pub const MAX_CITATIONS: usize = 5;

/// An unsupported quote, grouped by its normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteGroup {
    /// The text as first seen.
    pub text: String,
    /// The first speaker named for it, if any.
    pub speaker: Option<String>,
    /// Times cited (all articles).
    pub citations: u64,
    /// Distinct articles citing it.
    pub articles: u64,
    /// The first [`MAX_CITATIONS`] places.
    pub places: Vec<Citation>,
}

/// A line that could not be read as a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// Everything the report shows, by group. Groups are sorted maps, so output is deterministic.
#[derive(Debug, Clone, Default)]
pub struct Aggregate {
    pub totals: Metrics,
    pub files: Vec<String>,
    /// Lines that were not `healthclaims/1` records (only the first 20 kept in `bad_lines`).
    pub invalid_lines: u64,
    pub bad_lines: Vec<BadLine>,
    /// Records skipped because the same (id, content hash) was already counted.
    pub duplicates: u64,
    /// How records were grouped.
    pub grouping: Grouping,
    /// Articles left out by `--since/--until` (undated ones included).
    pub out_of_range: u64,
    /// Articles (ok or error) without a usable date (or one too coarse for the period).
    pub undated: u64,
    /// Of those, articles whose date is well formed but outside [`PLAUSIBLE_YEARS`]
    /// (the first 20 kept in `bad_dates` as (id, date), for the warning).
    pub implausible_dates: u64,
    pub bad_dates: Vec<(String, String)>,
    pub by_period: BTreeMap<String, Metrics>,
    /// Period key → ordinal (consecutive periods differ by 1).
    pub ordinals: BTreeMap<String, i64>,
    pub by_source: BTreeMap<String, Metrics>,
    pub by_source_period: BTreeMap<(String, String), Metrics>,
    /// One row per ok article, in reading order.
    pub articles: Vec<ArticleRow>,
    pub source_names: Vec<String>,
    source_index: HashMap<String, u32>,
    /// Sentences behind each chart point.
    pub drill: BTreeMap<DrillKey, Drill>,
    pub drugs: BTreeMap<String, ConceptStats>,
    pub conditions: BTreeMap<String, ConceptStats>,
    /// Unsupported quotes by normalised text.
    pub quotes: BTreeMap<String, QuoteGroup>,
    seen: HashSet<[u8; 16]>,
}

impl Aggregate {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_grouping(grouping: Grouping) -> Self {
        Aggregate { grouping, ..Self::default() }
    }

    /// Read one JSONL stream (`name` is used in messages). I/O errors end the stream with an error;
    /// bad lines are counted and skipped, and so is a line longer than `max_line_bytes`, which is
    /// never held in memory whole (a 3 GB line or a gzip bomb costs at most the limit).
    pub fn read<R: BufRead>(&mut self, name: &str, reader: R, max_line_bytes: usize) -> std::io::Result<()> {
        self.read_into(name, reader, max_line_bytes, &mut |_, _| Ok(()))
    }

    /// [`Aggregate::read`], handing every counted record and its place to `sink` (an error from
    /// the sink ends the stream).
    pub fn read_into<R: BufRead>(
        &mut self,
        name: &str,
        mut reader: R,
        max_line_bytes: usize,
        sink: &mut dyn FnMut(&Record, &Placed) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.files.push(name.to_string());
        let mut buf = Vec::new();
        let mut n = 0u64;
        loop {
            let got = match crate::bounded::read_line(&mut reader, max_line_bytes, &mut buf)? {
                None => return Ok(()),
                Some(got) => got,
            };
            n += 1;
            if got == crate::bounded::Got::TooLong {
                let why = format!("line longer than {max_line_bytes} bytes (--max-bytes), skipped");
                self.bad_line(name, n, why);
                continue;
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let raw = match &self.grouping.source_from {
                SourceFrom::Field(_) => serde_json::from_slice::<serde_json::Value>(&buf).ok(),
                _ => None,
            };
            match serde_json::from_slice::<Record>(&buf) {
                Ok(rec) => self.add_with(&rec, raw.as_ref(), sink)?,
                Err(e) => self.bad_line(name, n, e.to_string()),
            }
        }
    }

    fn bad_line(&mut self, file: &str, line: u64, message: String) {
        self.invalid_lines += 1;
        if self.bad_lines.len() < 20 {
            self.bad_lines.push(BadLine { file: file.to_string(), line, message });
        }
    }

    /// Count one record.
    pub fn add(&mut self, rec: &Record) {
        let _ = self.add_with(rec, None, &mut |_, _| Ok(()));
    }

    fn add_with(
        &mut self,
        rec: &Record,
        raw: Option<&serde_json::Value>,
        sink: &mut dyn FnMut(&Record, &Placed) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        if let Some(hash) = rec.content_hash.as_deref() {
            let digest = Sha256::new().chain_update(rec.id.as_bytes()).chain_update([0]).chain_update(hash.as_bytes()).finalize();
            let mut key = [0u8; 16];
            key.copy_from_slice(&digest[..16]);
            if !self.seen.insert(key) {
                self.duplicates += 1;
                return Ok(());
            }
        }
        let dated = parse_date(rec.meta.published.as_deref());
        if self.grouping.since.is_some() || self.grouping.until.is_some() {
            let inside = dated.as_ref().is_ok_and(|d| {
                let day = d.first_day();
                self.grouping.since.is_none_or(|s| day >= s) && self.grouping.until.is_none_or(|u| day <= u)
            });
            if !inside {
                self.out_of_range += 1;
                return Ok(());
            }
        }
        let placed = dated.as_ref().ok().and_then(|d| self.grouping.period.of(*d));
        let (period, ordinal) = match (&dated, placed) {
            (Ok(_), Some((key, ord))) => (key, Some(ord)),
            (why, _) => {
                self.undated += 1;
                if let Err(NoDate::Implausible(_)) = why {
                    self.implausible_dates += 1;
                    if self.bad_dates.len() < 20 {
                        let date = rec.meta.published.clone().unwrap_or_default();
                        self.bad_dates.push((rec.id.clone(), date));
                    }
                }
                (UNDATED.to_string(), None)
            }
        };
        if let Some(ord) = ordinal {
            self.ordinals.insert(period.clone(), ord);
        }
        let source = super::source::source_of(rec, &self.grouping.source_from, raw);
        let figures = match rec.status {
            Status::Error => Metrics { errors: 1, ..Metrics::default() },
            Status::Ok => figures_of(rec),
        };
        self.totals.add(&figures);
        self.by_period.entry(period.clone()).or_default().add(&figures);
        self.by_source.entry(source.clone()).or_default().add(&figures);
        self.by_source_period.entry((source.clone(), period.clone())).or_default().add(&figures);
        if rec.status == Status::Ok {
            let next = self.source_names.len() as u32;
            let index = *self.source_index.entry(source.clone()).or_insert(next);
            if index == next {
                self.source_names.push(source.clone());
            }
            let c = |x: u64| x.min(u32::MAX as u64) as u32;
            self.articles.push(ArticleRow {
                ordinal,
                source: index,
                sentences: c(figures.sentences),
                hedged: c(figures.hedged_sentences),
                quotes: c(figures.quotes),
                unsupported: c(figures.unsupported_quotes),
                claims: figures.claims.map(c),
            });
            let keys = self.add_concepts(rec);
            self.add_quotes(rec, &source);
            let mut drill_keys: Vec<(DrillKey, Option<&BTreeSet<usize>>)> = Vec::new();
            if ordinal.is_some() {
                drill_keys.push((DrillKey::Period(period.clone()), None));
                drill_keys.push((DrillKey::SourcePeriod(source.clone(), period.clone()), None));
            }
            for (key, sentences) in &keys {
                drill_keys.push((DrillKey::Drug(key.clone()), Some(sentences)));
            }
            self.add_drill(rec, &drill_keys);
        }
        let date = dated.is_ok().then(|| rec.meta.published.as_deref().unwrap_or("").trim().to_string());
        sink(rec, &Placed { source: &source, date, period: &period })
    }

    /// Count the record's sentences into each drill-down group (`None`: every sentence), keeping
    /// the first [`DRILL_SAMPLES`] hedged and not hedged.
    fn add_drill(&mut self, rec: &Record, keys: &[(DrillKey, Option<&BTreeSet<usize>>)]) {
        let mut samples: HashMap<usize, SentenceSample> = HashMap::new();
        for (key, only) in keys {
            let drill = self.drill.entry(key.clone()).or_default();
            let all: Vec<usize> = match only {
                Some(set) => set.iter().copied().filter(|&i| i < rec.sentences.len()).collect(),
                None => (0..rec.sentences.len()).collect(),
            };
            for i in all {
                let hedged = rec.sentences[i].hedged;
                drill.sentences += 1;
                drill.hedged_sentences += u64::from(hedged);
                let list = if hedged { &mut drill.hedged } else { &mut drill.plain };
                if list.len() < DRILL_SAMPLES {
                    list.push(samples.entry(i).or_insert_with(|| sample_of(rec, i)).clone());
                }
            }
        }
    }

    /// Count the record's drugs and conditions; returns each drug's key and the sentences that
    /// mention it.
    fn add_concepts(&mut self, rec: &Record) -> Vec<(String, BTreeSet<usize>)> {
        // (label, key) -> sentences mentioning it in this article.
        let mut in_article: BTreeMap<(EntityLabel, String), BTreeSet<usize>> = BTreeMap::new();
        for e in &rec.entities {
            let Some(key) = concept_key(e.id.as_deref(), e.name.as_deref(), &e.text) else { continue };
            let stats = self.concepts_mut(e.label).entry(key.clone()).or_default();
            stats.mentions += 1;
            stats.learn(&key, e.name.as_deref(), e.id.as_deref());
            let sentences = in_article.entry((e.label, key)).or_default();
            if e.sentence < rec.sentences.len() {
                sentences.insert(e.sentence);
            }
        }
        for c in &rec.claims {
            let Some(slot) = strength_slot(c.strength) else { continue };
            for (label, arg) in [(EntityLabel::Drug, &c.drug), (EntityLabel::Condition, &c.condition)] {
                let Some(key) = arg.as_ref().and_then(arg_key) else { continue };
                let stats = self.concepts_mut(label).entry(key.clone()).or_default();
                if c.negated {
                    stats.negated_claims += 1;
                } else {
                    stats.claims[slot] += 1;
                }
                let a = arg.as_ref();
                stats.learn(&key, a.and_then(|a| a.name.as_deref()), a.and_then(|a| a.id.as_deref()));
                in_article.entry((label, key)).or_default();
            }
        }
        let mut drugs = Vec::new();
        for ((label, key), sentences) in in_article {
            let hedged = sentences.iter().filter(|&&i| rec.sentences[i].hedged).count() as u64;
            let stats = self.concepts_mut(label).entry(key.clone()).or_default();
            stats.articles += 1;
            stats.sentences += sentences.len() as u64;
            stats.hedged_sentences += hedged;
            if label == EntityLabel::Drug {
                drugs.push((key, sentences));
            }
        }
        drugs
    }

    fn concepts_mut(&mut self, label: EntityLabel) -> &mut BTreeMap<String, ConceptStats> {
        match label {
            EntityLabel::Drug => &mut self.drugs,
            EntityLabel::Condition => &mut self.conditions,
        }
    }

    fn add_quotes(&mut self, rec: &Record, source: &str) {
        let mut in_article = BTreeSet::new();
        for q in rec.quotes.iter().filter(|q| !q.supported) {
            let key = normalise(&q.text);
            if key.is_empty() {
                continue;
            }
            let group = self.quotes.entry(key.clone()).or_insert_with(|| QuoteGroup {
                text: q.text.trim().to_string(),
                speaker: None,
                citations: 0,
                articles: 0,
                places: Vec::new(),
            });
            group.citations += 1;
            if group.speaker.is_none() {
                group.speaker = q.speaker.as_ref().map(|s| s.text.trim().to_string()).filter(|s| !s.is_empty());
            }
            if in_article.insert(key) {
                group.articles += 1;
            }
            if group.places.len() < MAX_CITATIONS {
                group.places.push(Citation {
                    article: rec.id.clone(),
                    sentence: q.sentence,
                    sentence_text: sentence_text(rec, q.sentence).unwrap_or_else(|| q.text.clone()),
                    source: source.to_string(),
                    title: rec.meta.title.clone(),
                    url: rec.meta.url.clone(),
                });
            }
        }
    }

    /// Drugs or conditions, most hedged first, among those mentioned in at least `min_sentences`
    /// sentences (ties: more sentences first, then name); `classes` picks drug classes or
    /// single drugs (conditions have no classes).
    pub fn top_hedged(&self, label: EntityLabel, min_sentences: u64, n: usize) -> Vec<&ConceptStats> {
        self.top_hedged_of(label, false, min_sentences, n)
    }

    pub fn top_hedged_of(&self, label: EntityLabel, classes: bool, min_sentences: u64, n: usize) -> Vec<&ConceptStats> {
        let map = match label {
            EntityLabel::Drug => &self.drugs,
            EntityLabel::Condition => &self.conditions,
        };
        let keep = |s: &&ConceptStats| label == EntityLabel::Condition || s.class == classes;
        let mut v: Vec<&ConceptStats> = map.values().filter(keep).filter(|s| s.sentences >= min_sentences.max(1)).collect();
        v.sort_by(|a, b| {
            let (ra, rb) = (a.hedged_rate().unwrap_or(0.0), b.hedged_rate().unwrap_or(0.0));
            rb.total_cmp(&ra).then(b.sentences.cmp(&a.sentences)).then(a.name.cmp(&b.name))
        });
        v.truncate(n);
        v
    }

    /// Unsupported quotes, most cited first (ties: more articles, then text).
    pub fn top_quotes(&self, n: usize) -> Vec<&QuoteGroup> {
        let mut v: Vec<&QuoteGroup> = self.quotes.values().collect();
        v.sort_by(|a, b| b.citations.cmp(&a.citations).then(b.articles.cmp(&a.articles)).then(a.text.cmp(&b.text)));
        v.truncate(n);
        v
    }

    /// Periods with a date, in order (no [`UNDATED`]).
    pub fn dated_periods(&self) -> Vec<&str> {
        self.by_period.keys().map(String::as_str).filter(|m| *m != UNDATED).collect()
    }

    /// The group key of a drug (as in [`Aggregate::drugs`]) by its display name, if any.
    pub fn drug_key(&self, name: &str) -> Option<&str> {
        self.drugs.iter().find(|(_, s)| s.name == name).map(|(k, _)| k.as_str())
    }
}

/// The figures of one ok record, from its annotations (words from its summary when present).
fn figures_of(rec: &Record) -> Metrics {
    let mut claims = [0u64; 3];
    let mut negated_claims = 0;
    for c in &rec.claims {
        match strength_slot(c.strength) {
            Some(_) if c.negated => negated_claims += 1,
            Some(slot) => claims[slot] += 1,
            None => {}
        }
    }
    let words = match &rec.summary {
        Some(s) => s.words as u64,
        None => rec.text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count() as u64,
    };
    Metrics {
        articles: 1,
        errors: 0,
        words,
        sentences: rec.sentences.len() as u64,
        hedged_sentences: rec.sentences.iter().filter(|s| s.hedged).count() as u64,
        claims,
        negated_claims,
        quotes: rec.quotes.len() as u64,
        unsupported_quotes: rec.quotes.iter().filter(|q| !q.supported).count() as u64,
    }
}

/// The text, cues, claims and quotes of sentence `i` of a record, for a drill-down table.
fn sample_of(rec: &Record, i: usize) -> SentenceSample {
    let side = |a: &Option<ArgOut>| a.as_ref().map(|a| a.name.clone().unwrap_or_else(|| a.text.clone())).unwrap_or_else(|| "?".into());
    SentenceSample {
        article: rec.id.clone(),
        sentence: i,
        text: sentence_text(rec, i).unwrap_or_default(),
        hedged: rec.sentences.get(i).is_some_and(|s| s.hedged),
        cues: rec.hedges.iter().filter(|h| h.sentence == i).map(|h| h.text.clone()).take(8).collect(),
        claims: rec
            .claims
            .iter()
            .filter(|c| c.sentence == i && strength_slot(c.strength).is_some())
            .take(6)
            .map(|c| {
                let strength = c.strength.as_str().replace('_', " ");
                let neg = if c.negated { "negated " } else { "" };
                format!("{neg}{strength}: {} → {}", side(&c.drug), side(&c.condition))
            })
            .collect(),
        quotes: rec.quotes.iter().filter(|q| q.sentence == i).take(4).map(|q| (cut(&q.text, 300), q.supported)).collect(),
        url: rec.meta.url.clone(),
    }
}

fn cut(s: &str, max: usize) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Group key of an entity or claim side: its vocabulary id (`DB00331`), else its canonical
/// name, else its text, lowercased, so "Metformin" (normalised) and "metformin" (not) are one
/// drug, and "CBD" and "cannabidiol" (one id) are one too.
pub fn concept_key(id: Option<&str>, name: Option<&str>, text: &str) -> Option<String> {
    if let Some(id) = id.map(str::trim).filter(|i| !i.is_empty()) {
        return Some(id.to_string());
    }
    let key = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => normalise(n),
        None => normalise(text),
    };
    (!key.is_empty()).then_some(key)
}

fn arg_key(a: &ArgOut) -> Option<String> {
    concept_key(a.id.as_deref(), a.name.as_deref(), &a.text)
}

/// Lowercase, whitespace collapsed, quotation marks and trailing `.,;:` trimmed (so "It works,"
/// and "It works." are one quote).
fn normalise(s: &str) -> String {
    let t = s.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»' | '„' | '.' | ',' | ';' | ':')
    });
    t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The text of sentence `i` of a record, by its code-point offsets (`None` when they do not fit).
fn sentence_text(rec: &Record, i: usize) -> Option<String> {
    let s = rec.sentences.get(i)?;
    if s.start >= s.end {
        return None;
    }
    let text: String = rec.text.chars().skip(s.start).take(s.end - s.start).collect();
    if text.is_empty() {
        return None;
    }
    Some(cut(&text, MAX_SENTENCE_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_normalising() {
        assert_eq!(concept_key(None, Some("Metformin"), "metformin HCl").as_deref(), Some("metformin"));
        assert_eq!(concept_key(Some("DB09061"), Some("Cannabidiol"), "CBD").as_deref(), Some("DB09061"));
        assert_eq!(concept_key(None, None, "  Vitamin   D ").as_deref(), Some("vitamin d"));
        assert_eq!(concept_key(Some(" "), Some(" "), "CBD").as_deref(), Some("cbd"));
        assert_eq!(concept_key(None, None, "  "), None);
        assert!(is_class_id("D000925") && !is_class_id("DB00682") && !is_class_id("D") && !is_class_id("Dx1"));
        assert!(is_class("HC:anticoagulants", "Anticoagulants") && is_class("HC:analgesics-opioid", "Analgesics, Opioid"));
        assert!(is_class("D000925", "Anticoagulants") && !is_class("DB00682", "Warfarin"));
        assert!(!is_class("HC:magnesium", "Magnesium") && !is_class("HC:lactobacillus", "Lactobacillus"));
        assert!(!is_class("DB00331", "Metformin Hydrochlorides"), "a DrugBank id is one drug");
        assert_eq!(normalise("“It  WORKS.”"), "it works");
        assert_eq!(normalise("Statins cure dementia,"), normalise("statins cure  dementia."));
        assert_eq!(normalise("„睡眠 😀“"), "睡眠 😀");
    }

    #[test]
    fn ratios() {
        let m = Metrics { words: 2000, sentences: 4, hedged_sentences: 1, unsupported_quotes: 3, ..Metrics::default() };
        assert_eq!(m.hedged_rate(), Some(0.25));
        assert_eq!(m.unsupported_per_1k_words(), Some(1.5));
        assert_eq!(Metrics::default().hedged_rate(), None);
        assert_eq!(Metrics::default().unsupported_per_1k_words(), None);
    }
}
