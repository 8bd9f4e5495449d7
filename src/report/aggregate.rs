//! Annotated JSONL → per-group totals. Takes `healthclaims/1` lines (one [`Record`] each, read
//! one at a time, so memory grows with the number of groups, not of articles) and returns an
//! [`Aggregate`]: counts by month, by source, by source × month, by drug and by condition, plus
//! the most-cited unsupported quotes with a few places each is cited.
//!
//! Month is `meta.published` as `YYYY-MM`, else [`UNDATED`] (undated articles are counted, never
//! dropped). Source is the host of `meta.url` (without `www.`), else the name of the folder the
//! article came from. `status: error` records are counted as errors of their source and month and
//! add nothing else; lines that are not records are counted as invalid. An article seen twice
//! (same id and content hash, e.g. in two overlapping batch files) is counted once.

use crate::assemble::{ArgOut, Record, Status};
use crate::doc::{ClaimStrength, EntityLabel};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::BufRead;

/// The month of articles without a usable `meta.published` date.
pub const UNDATED: &str = "undated";

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
    /// Vocabulary id, when the tagger normalised it.
    pub id: Option<String>,
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
    /// Take the canonical name and id from the first mention that has them.
    fn learn(&mut self, key: &str, name: Option<&str>, id: Option<&str>) {
        match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) if self.id.is_none() && (self.name.is_empty() || self.name == key) => {
                self.name = n.to_string();
                self.id = id.map(str::to_string);
            }
            _ if self.name.is_empty() => self.name = key.to_string(),
            _ => {}
        }
    }
    pub fn hedged_rate(&self) -> Option<f64> {
        ratio(self.hedged_sentences, self.sentences)
    }
    pub fn claims_total(&self) -> u64 {
        self.claims.iter().sum()
    }
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
    /// Articles (ok or error) without a usable date.
    pub undated: u64,
    /// Of those, articles whose date is well formed but outside [`PLAUSIBLE_YEARS`]
    /// (the first 20 kept in `bad_dates` as (id, date), for the warning).
    pub implausible_dates: u64,
    pub bad_dates: Vec<(String, String)>,
    pub by_month: BTreeMap<String, Metrics>,
    pub by_source: BTreeMap<String, Metrics>,
    pub by_source_month: BTreeMap<(String, String), Metrics>,
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

    /// Read one JSONL stream (`name` is used in messages). I/O errors end the stream with an error;
    /// bad lines are counted and skipped, and so is a line longer than `max_line_bytes`, which is
    /// never held in memory whole (a 3 GB line or a gzip bomb costs at most the limit).
    pub fn read<R: BufRead>(
        &mut self,
        name: &str,
        mut reader: R,
        max_line_bytes: usize,
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
            match serde_json::from_slice::<Record>(&buf) {
                Ok(rec) => self.add(&rec),
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
        if let Some(hash) = rec.content_hash.as_deref() {
            let digest = Sha256::new().chain_update(rec.id.as_bytes()).chain_update([0]).chain_update(hash.as_bytes()).finalize();
            let mut key = [0u8; 16];
            key.copy_from_slice(&digest[..16]);
            if !self.seen.insert(key) {
                self.duplicates += 1;
                return;
            }
        }
        let month = match parse_month(rec.meta.published.as_deref()) {
            Ok(m) => m,
            Err(why) => {
                self.undated += 1;
                if why != NoMonth::Missing {
                    self.implausible_dates += 1;
                    if self.bad_dates.len() < 20 {
                        let date = rec.meta.published.clone().unwrap_or_default();
                        self.bad_dates.push((rec.id.clone(), date));
                    }
                }
                UNDATED.into()
            }
        };
        let source = source_of(rec);
        let figures = match rec.status {
            Status::Error => Metrics { errors: 1, ..Metrics::default() },
            Status::Ok => figures_of(rec),
        };
        self.totals.add(&figures);
        self.by_month.entry(month.clone()).or_default().add(&figures);
        self.by_source.entry(source.clone()).or_default().add(&figures);
        self.by_source_month.entry((source.clone(), month)).or_default().add(&figures);
        if rec.status == Status::Ok {
            self.add_concepts(rec);
            self.add_quotes(rec, &source);
        }
    }

    fn add_concepts(&mut self, rec: &Record) {
        // (label, key) -> sentences mentioning it in this article.
        let mut in_article: BTreeMap<(EntityLabel, String), BTreeSet<usize>> = BTreeMap::new();
        for e in &rec.entities {
            let Some(key) = concept_key(e.name.as_deref(), &e.text) else { continue };
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
        for ((label, key), sentences) in in_article {
            let hedged = sentences.iter().filter(|&&i| rec.sentences[i].hedged).count() as u64;
            let stats = self.concepts_mut(label).entry(key).or_default();
            stats.articles += 1;
            stats.sentences += sentences.len() as u64;
            stats.hedged_sentences += hedged;
        }
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
    /// sentences (ties: more sentences first, then name).
    pub fn top_hedged(&self, label: EntityLabel, min_sentences: u64, n: usize) -> Vec<&ConceptStats> {
        let map = match label {
            EntityLabel::Drug => &self.drugs,
            EntityLabel::Condition => &self.conditions,
        };
        let mut v: Vec<&ConceptStats> = map.values().filter(|s| s.sentences >= min_sentences.max(1)).collect();
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

    /// Months with a date, in order (no [`UNDATED`]).
    pub fn dated_months(&self) -> Vec<&str> {
        self.by_month.keys().map(String::as_str).filter(|m| *m != UNDATED).collect()
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

/// Publication years the report places on its time axis. A date outside is a placeholder or a
/// typo (`0001-01-01`, `9999-12`): counted as undated, with a warning, never drawn.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<u16> = 1900..=2100;

/// Why an article has no month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMonth {
    /// No date, or not one in a form [`month_of`] reads.
    Missing,
    /// A well-formed date whose year is outside [`PLAUSIBLE_YEARS`].
    Implausible(u16),
}

/// `YYYY-MM` of an ISO 8601 date (`2026-03-01`, `2026-03`, `2026-03-01T09:00Z`, also `2026/03/01`),
/// else [`UNDATED`].
pub fn month_of(published: Option<&str>) -> String {
    parse_month(published).unwrap_or_else(|_| UNDATED.into())
}

/// [`month_of`], saying why there is no month.
pub fn parse_month(published: Option<&str>) -> Result<String, NoMonth> {
    let Some(p) = published.map(str::trim) else { return Err(NoMonth::Missing) };
    let b = p.as_bytes();
    let ok = b.len() >= 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4] == b'-' || b[4] == b'/')
        && b[5..7].iter().all(u8::is_ascii_digit)
        && (b.len() == 7 || !b[7].is_ascii_digit());
    if !ok {
        return Err(NoMonth::Missing);
    }
    let month = (b[5] - b'0') * 10 + (b[6] - b'0');
    if !(1..=12).contains(&month) {
        return Err(NoMonth::Missing);
    }
    let year: u16 = p[..4].parse().map_err(|_| NoMonth::Missing)?;
    if !PLAUSIBLE_YEARS.contains(&year) {
        return Err(NoMonth::Implausible(year));
    }
    Ok(format!("{}-{}", &p[..4], &p[5..7]))
}

/// Host of `meta.url` (lowercase, no `www.`, no port), else the folder the article's file is in
/// (`source` minus a JSONL `:line` suffix), else `stdin` / `unknown`.
pub fn source_of(rec: &Record) -> String {
    if let Some(host) = rec.meta.url.as_deref().and_then(host_of) {
        return host;
    }
    folder_of(&rec.source)
}

pub fn host_of(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url.strip_prefix("//")?,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or("").to_string()
    };
    let host = host.trim_end_matches('.').to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

fn folder_of(source: &str) -> String {
    // JSONL sources are `path:line`.
    let path = match source.rsplit_once(':') {
        Some((p, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => p,
        _ => source,
    };
    if path == "-" {
        return "stdin".into();
    }
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|s| !s.is_empty() && *s != ".").collect();
    match parts.len() {
        0 | 1 => "unknown".into(),
        n => parts[n - 2].to_string(),
    }
}

/// Group key of an entity or claim side: its canonical name, else its text; lowercased, so
/// "Metformin" (normalised) and "metformin" (not) are one drug.
fn concept_key(name: Option<&str>, text: &str) -> Option<String> {
    let key = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => normalise(n),
        None => normalise(text),
    };
    (!key.is_empty()).then_some(key)
}

fn arg_key(a: &ArgOut) -> Option<String> {
    concept_key(a.name.as_deref(), &a.text)
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
    let mut chars = text.chars();
    let cut: String = chars.by_ref().take(MAX_SENTENCE_CHARS).collect();
    Some(if chars.next().is_some() { format!("{cut}…") } else { cut })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        assert_eq!(month_of(Some("2026-03-01")), "2026-03");
        assert_eq!(month_of(Some("2026-03-01T10:00:00Z")), "2026-03");
        assert_eq!(month_of(Some(" 2025/11/30 ")), "2025-11");
        assert_eq!(month_of(Some("2026-03")), "2026-03");
        assert_eq!(month_of(Some("2026-13-01")), UNDATED);
        assert_eq!(month_of(Some("2026-031")), UNDATED);
        assert_eq!(month_of(Some("March 2026")), UNDATED);
        assert_eq!(month_of(Some("2026")), UNDATED);
        assert_eq!(month_of(Some("２０２６-03")), UNDATED);
        assert_eq!(month_of(Some("")), UNDATED);
        assert_eq!(month_of(None), UNDATED);
        // issue 18, item 13: placeholder years are not months to draw
        assert_eq!(month_of(Some("0001-01-01")), UNDATED);
        assert_eq!(month_of(Some("9999-12")), UNDATED);
        assert_eq!(parse_month(Some("9999-12")), Err(NoMonth::Implausible(9999)));
        assert_eq!(parse_month(Some("1899-12-31")), Err(NoMonth::Implausible(1899)));
        assert_eq!(month_of(Some("1900-01")), "1900-01");
        assert_eq!(month_of(Some("2100-12-31")), "2100-12");
    }

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://www.Example.com/a/b?x#y").as_deref(), Some("example.com"));
        assert_eq!(host_of("http://user:pw@news.site.org:8080/p").as_deref(), Some("news.site.org"));
        assert_eq!(host_of("//cdn.net/x").as_deref(), Some("cdn.net"));
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("[::1]"));
        assert_eq!(host_of("https://例え.jp/記事").as_deref(), Some("例え.jp"));
        assert_eq!(host_of("not a url"), None);
        assert_eq!(host_of("https:///path"), None);
        assert_eq!(host_of(""), None);
    }

    #[test]
    fn folders() {
        assert_eq!(folder_of("corpus/blogs/a.txt"), "blogs");
        assert_eq!(folder_of("./feeds/daily.jsonl:12"), "feeds");
        assert_eq!(folder_of("C:\\news\\x.html"), "news");
        assert_eq!(folder_of("-:3"), "stdin");
        assert_eq!(folder_of("a.txt"), "unknown");
        assert_eq!(folder_of(""), "unknown");
        assert_eq!(folder_of("données/😀.md"), "données");
    }

    #[test]
    fn keys_and_normalising() {
        assert_eq!(concept_key(Some("Metformin"), "metformin HCl").as_deref(), Some("metformin"));
        assert_eq!(concept_key(None, "  Vitamin   D ").as_deref(), Some("vitamin d"));
        assert_eq!(concept_key(Some(" "), "CBD").as_deref(), Some("cbd"));
        assert_eq!(concept_key(None, "  "), None);
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
