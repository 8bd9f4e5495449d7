//! DRUG / CONDITION tagger: gazetteer matches ([`crate::lexicon`]) plus span rules, per
//! annotation-guidelines.md.
//!
//! Takes a segmented [`Doc`] (requires `Sentences`) and fills `Doc::entities` (assigns
//! `Entities`): sorted by start, non-overlapping, each inside its sentence, with a concept from the
//! vocabulary. Per sentence it
//! 1. collects word-bounded lexicon matches (plurals and possessive spellings included; short
//!    abbreviations must be written in capitals or capitalised; `not_entities.txt` phrases block
//!    the words they cover; body chemistry such as serotonin is never a drug),
//! 2. adds rule candidates the lists cannot hold: drug classes built on a target ("NMDA receptor
//!    antagonists", "proton pump inhibitors"), "anti-X drugs", a capitalised brand in parentheses
//!    after a drug ("semaglutide (Wegovy)"), symptom phrases ("trouble sleeping", "racing heart"),
//! 3. fits spans to the guidelines: a condition takes its noun-phrase modifiers ("moderate-to-severe
//!    Alzheimer's disease", "chronic back pain", "type 2 diabetes", "asthma attacks"); a drug keeps
//!    its shortest complete name ("ketamine infusions" → "ketamine", "low-dose naltrexone" whole); a
//!    drug + "deficiency/toxicity/withdrawal/use disorder" is a condition ("lithium toxicity"),
//! 4. keeps the longest of overlapping candidates (ties: gazetteer before rule, curated before
//!    generated).
//!
//! Scores: 0.9 gazetteer (0.95 for curated rows), 0.8 for a gazetteer match whose span a rule
//! extended, 0.6–0.7 for rule-only entities.

use super::{Component, Layer};
use crate::doc::{ByteSpan, Concept, Doc, Entity, EntityLabel, Origin};
use crate::error::ArticleError;
use crate::lexicon::{is_caps, LexEntry, Lexicon};

pub struct EntityTagger {
    lex: &'static Lexicon,
}

impl EntityTagger {
    pub fn new() -> anyhow::Result<Self> {
        Ok(EntityTagger { lex: Lexicon::get() })
    }
}

impl Component for EntityTagger {
    fn name(&self) -> &'static str {
        "entities"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Entities]
    }
    fn annotate(&self, doc: &mut Doc) -> Result<(), ArticleError> {
        let mut out = Vec::new();
        for (i, s) in doc.sentences.iter().enumerate() {
            let Some(text) = doc.text.get(s.span.start..s.span.end) else { continue };
            for c in tag_sentence(self.lex, text) {
                let Some(label) = c.label else { continue };
                out.push(Entity {
                    span: c.span.offset(s.span.start),
                    label,
                    score: c.score,
                    sentence: i,
                    origin: c.origin,
                    concept: c.concept,
                });
            }
        }
        out.sort_by_key(|e| (e.span.start, e.span.end));
        doc.entities = out;
        Ok(())
    }
}

/// A candidate entity in sentence coordinates; `label: None` is a blocking (never-tag) span.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub span: ByteSpan,
    pub label: Option<EntityLabel>,
    pub score: f32,
    pub origin: Origin,
    pub concept: Option<Concept>,
    /// Tie-break among equally long candidates (higher wins).
    prio: u8,
}

/// Tag one sentence: the entities it holds (blocking spans removed), sorted, non-overlapping.
pub fn tag_sentence(lex: &Lexicon, s: &str) -> Vec<Candidate> {
    let toks = tokens(s);
    let mut cands: Vec<Candidate> = Vec::new();
    for m in lex.find(s) {
        let e = lex.entry(m.entry);
        let text = m.span.slice(s);
        if e.blocked {
            cands.push(block(m.span));
            continue;
        }
        let Some((label, sense)) = choose_label(e) else { continue };
        if !case_ok(lex, e, label, text) || is_endogenous(text) {
            cands.push(block(m.span));
            continue;
        }
        let concept = lex.concept(sense.concept).clone();
        let base = Candidate {
            span: m.span,
            label: Some(label),
            score: if sense.curated { 0.95 } else { 0.9 },
            origin: Origin::Gazetteer,
            concept: Some(concept),
            prio: if sense.curated { 3 } else { 2 },
        };
        match label {
            EntityLabel::Drug => drug_candidate(s, &toks, base, &mut cands),
            EntityLabel::Condition => condition_candidate(s, &toks, base, &mut cands),
        }
    }
    drug_class_rules(lex, s, &toks, &mut cands);
    symptom_rules(s, &toks, &mut cands);
    brand_in_parens(lex, s, &toks, &mut cands);
    resolve(cands)
}

fn block(span: ByteSpan) -> Candidate {
    Candidate { span, label: None, score: 0.0, origin: Origin::Rule, concept: None, prio: 0 }
}

/// Which sense a match takes when its surface form is both a drug and a condition name: the
/// curated one, else the condition (generated drug lists hold many disease-named products,
/// e.g. allergen extracts and vaccines).
fn choose_label(e: &LexEntry) -> Option<(EntityLabel, crate::lexicon::Sense)> {
    match (e.drug, e.condition) {
        (Some(d), Some(c)) => {
            if d.curated && !c.curated {
                Some((EntityLabel::Drug, d))
            } else {
                Some((EntityLabel::Condition, c))
            }
        }
        (Some(d), None) => Some((EntityLabel::Drug, d)),
        (None, Some(c)) => Some((EntityLabel::Condition, c)),
        (None, None) => None,
    }
}

/// Short abbreviation-like forms ("adhd", "ptsd", "cbd", brand stubs like "alli") must be
/// written in capitals ("ADHD") or capitalised ("Alli") unless the row was curated or the form is
/// an everyday word for a condition ("rash", "hives").
fn case_ok(lex: &Lexicon, e: &LexEntry, label: EntityLabel, text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    if letters > 5 || text.contains(' ') {
        return true;
    }
    let Some(sense) = e.sense(label) else { return true };
    if sense.curated {
        return true;
    }
    let lower = text.to_lowercase();
    if LOWERCASE_SHORT_OK.contains(&lower.trim_end_matches('s')) || LOWERCASE_SHORT_OK.contains(&lower.as_str()) {
        return true;
    }
    let canon = lex.concept(sense.concept).name.to_lowercase();
    let stem = lower.trim_end_matches('s');
    if canon == lower || canon.starts_with(stem) && canon[stem.len()..].chars().next().map_or(true, |c| !c.is_alphanumeric()) {
        return true;
    }
    // An abbreviation: needs capitals (all caps, or capitalised as a brand name).
    is_caps(text) || text.chars().next().is_some_and(char::is_uppercase)
}

/// Short everyday condition words whose vocabulary canonical name differs ("rash" → Exanthema).
const LOWERCASE_SHORT_OK: &[&str] = &[
    "ache", "aches", "acne", "boil", "boils", "cramp", "cyst", "hives", "rash", "tic", "tumor", "wart", "polio", "palsy",
    "polyp", "stye", "corn", "gout", "flu", "itch", "sores", "sore", "fever", "cough", "colic", "mumps", "lice",
];

/// Body chemistry that drug vocabularies list but the guidelines exclude (checked beside
/// `not_entities.txt`, so the rule holds whatever the lists say).
fn is_endogenous(text: &str) -> bool {
    let t = text.to_lowercase();
    let t = t.trim_end_matches('s');
    ENDOGENOUS.contains(&t)
}

const ENDOGENOUS: &[&str] = &[
    "serotonin", "dopamine", "glutamate", "norepinephrine", "noradrenaline", "adrenaline", "acetylcholine", "gaba",
    "histamine", "cortisol", "endorphin", "glucose", "cholesterol", "triglyceride", "water", "bdnf", "dht",
    "dihydrotestosterone", "stomach acid", "bile", "amyloid", "tau",
];

// ---------------------------------------------------------------------------------------------
// Tokens: words of the sentence with their spans, for the span rules.

#[derive(Debug, Clone)]
struct Tok {
    span: ByteSpan,
    /// Lower case, curly apostrophes made straight.
    low: String,
}

/// Words: runs of letters/digits, joined by an inner `-`, `'`, `’` or `/` ("treatment-resistant",
/// "Alzheimer's", "ME/CFS").
fn tokens(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut j = i + 1;
        loop {
            if j < chars.len() && chars[j].1.is_alphanumeric() {
                j += 1;
            } else if j + 1 < chars.len()
                && matches!(chars[j].1, '-' | '\'' | '\u{2019}' | '/' | '\u{2010}' | '\u{2011}')
                && chars[j + 1].1.is_alphanumeric()
            {
                j += 2;
            } else {
                break;
            }
        }
        let end = if j < chars.len() { chars[j].0 } else { s.len() };
        let low = s[start..end].to_lowercase().replace('\u{2019}', "'").replace(['\u{2010}', '\u{2011}'], "-");
        out.push(Tok { span: ByteSpan::new(start, end), low });
        i = j;
    }
    out
}

/// Index of the token that ends at or before `pos` with only spaces between, if any.
fn tok_before(s: &str, toks: &[Tok], pos: usize) -> Option<usize> {
    let i = toks.partition_point(|t| t.span.end <= pos);
    if i == 0 {
        return None;
    }
    let t = &toks[i - 1];
    let gap = &s[t.span.end..pos];
    (gap.chars().all(|c| c == ' ' || c == '\u{a0}') && gap.len() <= 2).then_some(i - 1)
}

/// Index of the token that starts at or after `pos` with only spaces between, if any.
fn tok_after(s: &str, toks: &[Tok], pos: usize) -> Option<usize> {
    let i = toks.partition_point(|t| t.span.start < pos);
    let t = toks.get(i)?;
    let gap = &s[pos..t.span.start];
    (gap.chars().all(|c| c == ' ' || c == '\u{a0}') && gap.len() <= 2).then_some(i)
}

/// The token containing byte `pos` strictly inside it (the match starts mid-token).
fn tok_containing(toks: &[Tok], pos: usize) -> Option<usize> {
    let i = toks.partition_point(|t| t.span.end <= pos);
    toks.get(i).filter(|t| t.span.start < pos && pos < t.span.end).map(|_| i)
}

// ---------------------------------------------------------------------------------------------
// Drug spans.

fn drug_candidate(s: &str, toks: &[Tok], mut c: Candidate, out: &mut Vec<Candidate>) {
    // Inside a hyphenated word: "ketamine-assisted" keeps "ketamine"; "non-opioid" or
    // "anti-histamine"-style prefixes are not this drug.
    if let Some(k) = tok_containing(toks, c.span.start) {
        let pre = &toks[k].low[..c.span.start - toks[k].span.start];
        if pre.ends_with("non-") || pre.ends_with("anti-") || pre.ends_with("pro-") {
            out.push(block(c.span));
            return;
        }
    }
    // A drug named before "receptor(s)" is the receptor ("opioid receptors"), unless a class head
    // follows, which the class rule covers.
    if let Some(k) = tok_after(s, toks, c.span.end) {
        let next = toks[k].low.as_str();
        if next.starts_with("receptor") {
            out.push(block(ByteSpan::new(c.span.start, toks[k].span.end)));
            return;
        }
        if let Some(k2) = tok_after(s, toks, toks[k].span.end) {
            if toks[k].low == "use" && toks[k2].low.starts_with("disorder") {
                out.push(as_condition(c, toks[k2].span.end));
                return;
            }
        }
        if DRUG_TO_CONDITION.contains(&next) {
            out.push(as_condition(c, toks[k].span.end));
            return;
        }
    }
    // "low-dose naltrexone": the dose form is part of the name.
    if let Some(k) = tok_before(s, toks, c.span.start) {
        let w = toks[k].low.as_str();
        if matches!(w, "low-dose" | "high-dose" | "ultra-low-dose" | "microdose" | "microdosed" | "micro-dose") {
            c.span.start = toks[k].span.start;
            c.score = 0.8;
        } else if w == "dose" {
            if let Some(k0) = tok_before(s, toks, toks[k].span.start) {
                if matches!(toks[k0].low.as_str(), "low" | "high") {
                    c.span.start = toks[k0].span.start;
                    c.score = 0.8;
                }
            }
        }
    }
    out.push(c);
}

/// Words after a drug that make the phrase a condition ("lithium toxicity", "opioid withdrawal").
const DRUG_TO_CONDITION: &[&str] = &[
    "deficiency", "deficiencies", "toxicity", "poisoning", "overdose", "overdoses", "withdrawal", "dependence",
    "dependency", "addiction", "abuse", "misuse", "allergy", "allergies", "intolerance", "intoxication", "overload",
];

fn as_condition(c: Candidate, end: usize) -> Candidate {
    Candidate {
        span: ByteSpan::new(c.span.start, end),
        label: Some(EntityLabel::Condition),
        score: 0.75,
        origin: Origin::Rule,
        concept: None,
        prio: 4,
    }
}

// ---------------------------------------------------------------------------------------------
// Condition spans.

fn condition_candidate(s: &str, toks: &[Tok], mut c: Candidate, out: &mut Vec<Candidate>) {
    if let Some(k) = tok_containing(toks, c.span.start) {
        let pre = &toks[k].low[..c.span.start - toks[k].span.start];
        // "anti-anxiety", "non-cancer", "pre-diabetes" handled by the lexicon, not here.
        if pre.ends_with("anti-") || pre.ends_with("non-") || pre.ends_with("anti") {
            out.push(block(ByteSpan::new(toks[k].span.start, c.span.end.max(toks[k].span.end))));
            return;
        }
    }
    let orig = c.span;
    // Left: modifiers of the noun phrase.
    let head = c.span.slice(s).to_lowercase();
    let pain_like = PAIN_HEADS.iter().any(|h| head == *h || head.ends_with(&format!(" {h}")));
    let mut modifiers = 0;
    while let Some(k) = tok_before(s, toks, c.span.start) {
        let w = toks[k].low.as_str();
        let take = is_condition_modifier(w) || (pain_like && modifiers == 0 && BODY_PARTS.contains(&w));
        if take {
            c.span.start = toks[k].span.start;
            modifiers += 1;
            continue;
        }
        // "type 2 diabetes", "stage 3 kidney disease"
        if w.chars().all(|ch| ch.is_ascii_digit()) || matches!(w, "i" | "ii" | "iii" | "iv" | "1a" | "1b") {
            if let Some(k0) = tok_before(s, toks, toks[k].span.start) {
                if matches!(toks[k0].low.as_str(), "type" | "stage" | "grade" | "class") {
                    c.span.start = toks[k0].span.start;
                    modifiers += 1;
                    continue;
                }
            }
        }
        // Intensifier before a modifier: "very severe".
        if modifiers > 0 && matches!(w, "very" | "extremely" | "severely" | "mildly") {
            c.span.start = toks[k].span.start;
            continue;
        }
        break;
    }
    // Right: "asthma attacks", "gout flares", "lupus flare-up".
    if let Some(k) = tok_after(s, toks, c.span.end) {
        if CONDITION_TAILS.contains(&toks[k].low.as_str()) {
            c.span.end = toks[k].span.end;
        }
    }
    if c.span != orig {
        c.score = 0.8;
    }
    out.push(c);
}

fn is_condition_modifier(w: &str) -> bool {
    if CONDITION_MODIFIERS.contains(&w) {
        return true;
    }
    // "moderate-to-severe", "mild-to-moderate"
    let sev = |x: &str| matches!(x, "mild" | "moderate" | "severe" | "very severe");
    if let Some((a, b)) = w.split_once("-to-") {
        return sev(a) && sev(b);
    }
    // "treatment-resistant", "drug-induced", "late-onset", "early-stage", "stress-related"
    if let Some((a, b)) = w.rsplit_once('-') {
        return !a.is_empty()
            && matches!(
                b,
                "resistant" | "refractory" | "induced" | "onset" | "stage" | "related" | "associated" | "dependent"
                    | "sensitive" | "predominant" | "threatening"
            );
    }
    false
}

const CONDITION_MODIFIERS: &[&str] = &[
    "chronic", "acute", "severe", "mild", "moderate", "persistent", "recurrent", "recurring", "refractory", "episodic",
    "intermittent", "progressive", "advanced", "major", "clinical", "postpartum", "postnatal", "perinatal", "seasonal",
    "nocturnal", "debilitating", "painful", "hormonal", "bacterial", "viral", "fungal", "juvenile", "childhood",
    "paroxysmal", "metastatic", "invasive", "early-stage", "late-stage", "end-stage", "long-term", "short-term",
    "generalized", "generalised", "diabetic", "allergic", "menstrual", "neuropathic", "inflammatory", "rebound",
    "idiopathic", "secondary", "primary", "erosive", "atopic", "cystic", "frequent", "sudden", "transient",
];

/// Condition heads that take a body part in front ("chest pain", "joint swelling").
const PAIN_HEADS: &[&str] = &[
    "pain", "pains", "ache", "aches", "cramps", "cramping", "stiffness", "swelling", "tenderness", "irritation",
    "upset", "discomfort", "infection", "infections", "bleeding", "inflammation", "spasms", "weakness", "numbness",
];

const BODY_PARTS: &[&str] = &[
    "back", "chest", "joint", "joints", "muscle", "muscles", "stomach", "abdominal", "neck", "shoulder", "knee",
    "hip", "nerve", "pelvic", "tooth", "ear", "eye", "leg", "arm", "foot", "breast", "throat", "jaw", "wrist", "hand",
    "bone", "gut", "bowel", "bladder", "skin", "sinus", "lung", "kidney", "liver", "menstrual", "esophageal",
    "gastrointestinal", "urinary", "vaginal", "yeast", "ear", "facial", "low-back", "lower",
];

const CONDITION_TAILS: &[&str] = &[
    "attack", "attacks", "flare", "flares", "flare-up", "flare-ups", "flareup", "flareups", "episode", "episodes",
    "crisis", "crises", "exacerbation", "exacerbations",
];

// ---------------------------------------------------------------------------------------------
// Rule candidates.

/// Drug classes named by their target: "(selective serotonin reuptake | proton pump | NMDA
/// receptor | GLP-1 receptor | beta | ACE | 5-alpha reductase) inhibitors/blockers/antagonists/
/// agonists", and "anti-X drugs/medication(s)".
fn drug_class_rules(lex: &Lexicon, s: &str, toks: &[Tok], out: &mut Vec<Candidate>) {
    for (k, t) in toks.iter().enumerate() {
        let head = t.low.as_str();
        let is_head = matches!(
            head.trim_end_matches('s'),
            "inhibitor" | "blocker" | "antagonist" | "agonist" | "stabilizer" | "stabiliser" | "modulator"
        ) || (head.ends_with("-blocker") || head.ends_with("-blockers"));
        if is_head {
            let mut start = if head.contains('-') { Some(t.span.start) } else { None };
            let mut j = k;
            while j > 0 {
                let p = &toks[j - 1];
                let gap = &s[p.span.end..toks[j].span.start];
                if !(gap == " " || gap == "-") {
                    break;
                }
                let raw = p.span.slice(s);
                if CLASS_TARGET_WORDS.contains(&p.low.as_str()) || is_target_acronym(raw) {
                    start = Some(p.span.start);
                    j -= 1;
                } else {
                    break;
                }
            }
            if let Some(st) = start {
                let span = ByteSpan::new(st, t.span.end);
                let concept = lex.concept_of(EntityLabel::Drug, span.slice(s));
                out.push(Candidate { span, label: Some(EntityLabel::Drug), score: 0.7, origin: Origin::Rule, concept, prio: 1 });
            }
        }
        // "anti-anxiety drugs", "anti-nausea medication", "anti-inflammatories"
        if let Some(rest) = head.strip_prefix("anti-").or_else(|| head.strip_prefix("anti")) {
            if rest.len() >= 4 && rest.chars().all(|c| c.is_alphabetic() || c == '-') {
                let mut end = None;
                if rest.ends_with("ies") || rest.ends_with("ics") || rest.ends_with("ants") || rest.ends_with("als") {
                    end = Some(t.span.end);
                }
                if let Some(k2) = tok_after(s, toks, t.span.end) {
                    if DRUG_NOUNS.contains(&toks[k2].low.as_str()) {
                        end = Some(toks[k2].span.end);
                    }
                }
                if let Some(e) = end {
                    let span = ByteSpan::new(t.span.start, e);
                    let concept = lex.concept_of(EntityLabel::Drug, span.slice(s));
                    out.push(Candidate { span, label: Some(EntityLabel::Drug), score: 0.7, origin: Origin::Rule, concept, prio: 1 });
                }
            }
        }
    }
}

const DRUG_NOUNS: &[&str] = &[
    "drug", "drugs", "medication", "medications", "medicine", "medicines", "agent", "agents", "pill", "pills", "tablets",
    "treatment", "treatments",
];

const CLASS_TARGET_WORDS: &[&str] = &[
    "selective", "serotonin", "norepinephrine", "noradrenaline", "dopamine", "reuptake", "receptor", "proton", "pump",
    "calcium", "channel", "sodium", "potassium", "beta", "alpha", "alpha-1", "alpha-2", "5-alpha", "reductase",
    "angiotensin", "converting", "enzyme", "angiotensin-converting", "monoamine", "oxidase", "cholinesterase",
    "acetylcholinesterase", "leukotriene", "histamine", "xanthine", "aromatase", "phosphodiesterase", "glutamate",
    "nmda", "opioid", "mu-opioid", "cannabinoid", "centrally", "acting", "peripherally", "carbonic", "anhydrase",
    "integrase", "protease", "neuraminidase", "tyrosine", "kinase", "checkpoint", "interleukin", "tnf", "mood",
    "serotonin-norepinephrine", "h2", "h1", "sglt2", "dpp-4", "glp-1", "pde5", "pde-5", "cox-2", "jak", "ace", "cgrp",
    "mao", "5-ht3", "5-ht1", "adrenergic", "muscarinic", "dopaminergic", "vitamin", "hmg-coa", "orexin",
];

/// "NMDA", "GLP-1", "SGLT2", "DPP-4", "PDE5": capitals with optional digits/hyphen.
fn is_target_acronym(raw: &str) -> bool {
    let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && raw.len() <= 8
        && raw.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// Symptom phrases the lists do not hold: "trouble sleeping", "difficulty falling asleep",
/// "racing heart(beat)", "pounding heart", "low mood", "reduced libido", "poor appetite",
/// "dry mouth", "blurred vision".
fn symptom_rules(s: &str, toks: &[Tok], out: &mut Vec<Candidate>) {
    for (k, t) in toks.iter().enumerate() {
        let w = t.low.as_str();
        let next = |i: usize| -> Option<&Tok> {
            let prev = &toks[i];
            let n = toks.get(i + 1)?;
            (s[prev.span.end..n.span.start].chars().all(|c| c == ' ')).then_some(n)
        };
        let mut end = None;
        match w {
            "trouble" | "difficulty" | "difficulties" | "problems" => {
                if let Some(n) = next(k) {
                    match n.low.as_str() {
                        "sleeping" | "breathing" | "concentrating" | "swallowing" | "urinating" | "focusing" | "walking" => {
                            end = Some(n.span.end)
                        }
                        "falling" | "staying" => {
                            if let Some(n2) = next(k + 1) {
                                if n2.low == "asleep" {
                                    end = Some(n2.span.end);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            "racing" | "pounding" | "rapid" | "fast" | "irregular" | "slow" | "skipped" | "fluttering" => {
                if let Some(n) = next(k) {
                    match n.low.as_str() {
                        "heartbeat" | "heartbeats" | "pulse" | "thoughts" | "heart" => {
                            end = Some(n.span.end);
                            if n.low == "heart" {
                                if let Some(n2) = next(k + 1) {
                                    if matches!(n2.low.as_str(), "rate" | "beat" | "beats") {
                                        end = Some(n2.span.end);
                                    }
                                }
                            }
                            if w == "slow" && n.low == "heart" && end == Some(n.span.end) {
                                end = None;
                            }
                        }
                        _ => {}
                    }
                }
            }
            "low" | "poor" | "reduced" | "decreased" | "increased" => {
                if let Some(n) = next(k) {
                    let ok = match n.low.as_str() {
                        "mood" | "libido" => true,
                        "appetite" | "energy" => w != "increased" || n.low == "appetite",
                        "sex" => next(k + 1).is_some_and(|n2| n2.low == "drive"),
                        _ => false,
                    };
                    if ok {
                        end = Some(if n.low == "sex" { next(k + 1).map_or(n.span.end, |n2| n2.span.end) } else { n.span.end });
                    }
                }
            }
            "dry" => {
                if let Some(n) = next(k) {
                    if matches!(n.low.as_str(), "mouth" | "eyes" | "eye" | "skin" | "cough") {
                        end = Some(n.span.end);
                    }
                }
            }
            "blurred" | "blurry" | "double" => {
                if let Some(n) = next(k) {
                    if n.low == "vision" {
                        end = Some(n.span.end);
                    }
                }
            }
            _ => {}
        }
        if let Some(e) = end {
            out.push(Candidate {
                span: ByteSpan::new(t.span.start, e),
                label: Some(EntityLabel::Condition),
                score: 0.6,
                origin: Origin::Rule,
                concept: None,
                prio: 1,
            });
        }
    }
}

/// "semaglutide (Wegovy)": a single capitalised word in parentheses right after a drug is its
/// brand name, listed or not; likewise "Wegovy (semaglutide)".
fn brand_in_parens(lex: &Lexicon, s: &str, toks: &[Tok], out: &mut Vec<Candidate>) {
    let drugs: Vec<ByteSpan> =
        out.iter().filter(|c| c.label == Some(EntityLabel::Drug)).map(|c| c.span).collect();
    for d in drugs {
        let rest = &s[d.end..];
        let open = rest.len() - rest.trim_start().len();
        if !rest[open..].starts_with('(') {
            continue;
        }
        let inner_start = d.end + open + 1;
        let Some(close) = s[inner_start..].find(')') else { continue };
        let inner = &s[inner_start..inner_start + close];
        let word = inner.trim();
        let word = word.strip_prefix("brand name ").or_else(|| word.strip_prefix("brand names ")).unwrap_or(word);
        let lead = inner.len() - inner.trim_start().len() + (inner.trim().len() - word.len());
        let ok = !word.is_empty()
            && word.chars().count() <= 20
            && word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !is_caps(word)
            && !word.chars().all(|c| c.is_ascii_digit());
        if !ok {
            continue;
        }
        let span = ByteSpan::new(inner_start + lead, inner_start + lead + word.len());
        if toks.iter().any(|t| t.span == span) {
            let concept = lex.concept_of(EntityLabel::Drug, word);
            out.push(Candidate { span, label: Some(EntityLabel::Drug), score: 0.6, origin: Origin::Rule, concept, prio: 0 });
        }
    }
}

/// Longest candidates first (ties: higher priority, then leftmost); then drop blocking spans.
fn resolve(mut cands: Vec<Candidate>) -> Vec<Candidate> {
    cands.sort_by(|a, b| {
        b.span.len().cmp(&a.span.len()).then(b.prio.cmp(&a.prio)).then(a.span.start.cmp(&b.span.start))
    });
    let mut kept: Vec<Candidate> = Vec::new();
    for c in cands {
        if c.span.is_empty() || kept.iter().any(|k| k.span.overlaps(c.span)) {
            continue;
        }
        kept.push(c);
    }
    kept.retain(|c| c.label.is_some());
    kept.sort_by_key(|c| c.span.start);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> Vec<(String, EntityLabel)> {
        tag_sentence(Lexicon::get(), s).into_iter().map(|c| (c.span.slice(s).to_string(), c.label.unwrap())).collect()
    }

    #[test]
    fn tokens_keep_inner_hyphens_and_apostrophes() {
        let t: Vec<String> = tokens("moderate-to-severe Alzheimer’s, ME/CFS.").into_iter().map(|t| t.low).collect();
        assert_eq!(t, ["moderate-to-severe", "alzheimer's", "me/cfs"]);
    }

    #[test]
    fn class_rule_builds_target_classes() {
        let got = tag("NMDA receptor antagonists and proton pump inhibitors were compared.");
        assert!(got.contains(&("NMDA receptor antagonists".into(), EntityLabel::Drug)), "{got:?}");
        assert!(got.contains(&("proton pump inhibitors".into(), EntityLabel::Drug)), "{got:?}");
    }

    #[test]
    fn symptom_rules_fire() {
        let got = tag("She had trouble falling asleep and a racing heartbeat.");
        assert!(got.contains(&("trouble falling asleep".into(), EntityLabel::Condition)), "{got:?}");
        assert!(got.contains(&("racing heartbeat".into(), EntityLabel::Condition)), "{got:?}");
    }
}
