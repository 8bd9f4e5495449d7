//! DRUG / CONDITION tagger: gazetteer matches ([`crate::lexicon`]) plus span rules, per
//! annotation-guidelines.md.
//!
//! Takes a segmented [`Doc`] (requires `Sentences`) and fills `Doc::entities` (assigns
//! `Entities`): sorted by start, non-overlapping, each inside its sentence, with a concept from the
//! vocabulary where one is known. Per sentence it
//! 1. collects word-bounded lexicon matches (plurals, possessive and British spellings included;
//!    short abbreviations must be written in capitals or capitalised; `not_entities.txt` phrases
//!    block the words they cover; body chemistry such as serotonin, or insulin "the pancreas
//!    makes", is never a drug; a condition word inside a capitalised organisation name is not a
//!    mention),
//! 2. adds rule candidates the lists cannot hold: drug classes built on a target ("NMDA receptor
//!    antagonists", "proton pump inhibitors"), "anti-X drugs", "glutamatergic medications", a
//!    capitalised brand in parentheses after a drug ("semaglutide (Wegovy)"), research codes
//!    ("CVB-117"), symptom phrases ("trouble sleeping", "racing heart", "cold hands", "joint
//!    swelling", "liver problems"),
//! 3. fits spans to the guidelines: a condition takes its noun-phrase modifiers ("moderate-to-severe
//!    Alzheimer's disease", "chronic back pain", "type 2 diabetes", "asthma attacks", "bleeding in
//!    the brain"); a drug keeps its shortest complete name ("ketamine infusions" → "ketamine",
//!    "calcium supplements" → "calcium") but a named regimen or product form stays whole
//!    ("low-dose naltrexone", "inhaled corticosteroid", "steroid cream"); a drug + "deficiency /
//!    toxicity / withdrawal / use disorder" is a condition ("lithium toxicity"),
//! 4. keeps the longest of overlapping candidates (ties: curated, then gazetteer, then rule).
//!
//! Then, over the whole document, an abbreviation in parentheses after an entity ("polycystic
//! ovary syndrome (PCOS)"), or whose letters spell a preceding condition or drug-class phrase
//! (Schwartz–Hearst), becomes an entity of the same label; such abbreviations and bracketed brand
//! names are then tagged wherever else they occur, written exactly the same.
//!
//! Scores: 0.95 curated gazetteer row, 0.9 generated gazetteer row, 0.8 gazetteer match whose span
//! a rule changed, 0.6–0.75 rule-only entities. Concepts: the gazetteer row's (DrugBank / MeSH id,
//! or `HC:<slug>` for curated rows without one, see `lexicon.rs`); rule-only entities carry the
//! concept of their whole text when the lexicon lists it, else none.

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
        merge_model(self.lex, doc, &mut out);
        out.sort_by_key(|e| (e.span.start, e.span.end));
        let names = abbreviations(self.lex, doc, &mut out);
        propagate(doc, &names, &mut out);
        doc.entities = out;
        Ok(())
    }
}

/// The entity stage's document-level rules on their own, over entities from elsewhere (the
/// transformer's): abbreviations in parentheses take the label of the entity right before them
/// (or of a Schwartz–Hearst long form), and every other occurrence of a name so defined is
/// tagged. `doc` needs `text` and `sentences`. `healthclaims eval` scores the model with this
/// document context on BC5CDR abstracts.
pub fn document_rules(doc: &Doc, ents: &mut Vec<Entity>) {
    ents.sort_by_key(|e| (e.span.start, e.span.end));
    let names = abbreviations(Lexicon::get(), doc, ents);
    propagate(doc, &names, ents);
}

/// Transformer spans the gazetteer and rules did not find: added when they overlap no entity
/// already there and are not on the never-tag list; they carry the vocabulary's concept when
/// the lexicon knows their text.
fn merge_model(lex: &Lexicon, doc: &Doc, out: &mut Vec<Entity>) {
    let Some(model) = &doc.model else { return };
    // `out` is in sentence order here: find each sentence's entities by binary search.
    let mut added = Vec::new();
    for (i, ms) in model.iter().enumerate() {
        let lo = out.partition_point(|e| e.sentence < i);
        let hi = out.partition_point(|e| e.sentence <= i);
        for &(span, label, score) in &ms.entities {
            if score < model_min_score(label) || out[lo..hi].iter().any(|e| e.span.overlaps(span)) {
                continue;
            }
            let Some(text) = doc.text.get(span.start..span.end) else { continue };
            if lex.is_not_entity(text) || !text.chars().any(char::is_alphabetic) {
                continue;
            }
            added.push(Entity { span, label, score, sentence: i, origin: Origin::Model, concept: lex.concept_of(label, text) });
        }
    }
    out.extend(added);
}

/// Model spans below this mean word probability are dropped. Chosen on the held-out web
/// articles (c06–c20) with `scripts/heldout.sh`, DRUG / CONDITION lenient F1: model 0.2.0 with
/// spans ≥ 0.95 for both .908/.918, DRUG ≥ 0.98 and CONDITION ≥ 0.85 .912/.926, no model
/// drugs .909, CONDITION ≥ 0.7 .917; gazetteer alone .909/.886 (MODEL_CARD.md); model 0.3.0
/// with the same thresholds .916/.926. Drug names are the gazetteer's strength (DrugBank brands
/// and generics), conditions the model's.
fn model_min_score(label: EntityLabel) -> f32 {
    match label {
        EntityLabel::Drug => 0.98,
        EntityLabel::Condition => 0.85,
    }
}

/// A name the document itself defines (an abbreviation in parentheses, a brand in parentheses),
/// to be tagged wherever else it occurs, written exactly so.
#[derive(Debug, Clone)]
struct DocName {
    text: String,
    label: EntityLabel,
    concept: Option<Concept>,
}

/// "polycystic ovary syndrome (PCOS)", "atrial fibrillation (AFib)": an abbreviation in
/// parentheses right after an entity takes its label and concept. When the long form was not
/// tagged, a Schwartz–Hearst match of the abbreviation's letters against the preceding words whose
/// last word is a condition head ("small intestinal bacterial overgrowth (SIBO)") makes both a
/// CONDITION. Returns the names defined this way, plus brands found in parentheses.
fn abbreviations(lex: &Lexicon, doc: &Doc, ents: &mut Vec<Entity>) -> Vec<DocName> {
    let text = doc.text.as_str();
    let mut names: Vec<DocName> = Vec::new();
    let mut added: Vec<Entity> = Vec::new();
    let mut extend_to: Vec<(usize, usize)> = Vec::new();
    let mut taken = Occupied::default();
    for e in ents.iter() {
        taken.insert(e.span);
    }
    for e in ents.iter() {
        if e.origin == Origin::Rule && e.score <= BRAND_SCORE && e.label == EntityLabel::Drug {
            let t = e.span.slice(text);
            if !names.iter().any(|n| n.text == t) {
                names.push(DocName { text: t.to_string(), label: e.label, concept: e.concept.clone() });
            }
        }
    }
    // Parenthesised abbreviations anywhere in the text.
    let mut from = 0;
    while let Some(off) = text[from..].find('(') {
        let open = from + off;
        from = open + 1;
        let Some(close_off) = text[open + 1..].find(')') else { break };
        // "( IDM )" in tokenised text: the abbreviation is the parenthesis' trimmed content
        let inner_raw = &text[open + 1..open + 1 + close_off];
        let lead = inner_raw.len() - inner_raw.trim_start().len();
        let inner_span = ByteSpan::new(open + 1 + lead, open + 1 + lead + inner_raw.trim().len());
        let abbr = inner_span.slice(text);
        if !is_abbreviation(abbr) {
            continue;
        }
        let Some(sent) = doc.sentence_at(open + 1) else { continue };
        if !doc.sentences[sent].span.contains(inner_span) {
            continue;
        }
        // The entity right before the parenthesis, if any.
        let before = text[..open].trim_end_matches([' ', '\u{a0}']);
        let sstart = doc.sentences[sent].span.start;
        let prev = {
            let i = ents.partition_point(|x| x.span.end < before.len());
            (i < ents.len() && ents[i].span.end == before.len() && ents[i].span.end > sstart).then_some(i)
        };
        if taken.overlaps(inner_span) {
            // Already tagged in place (by the model, say): still a name the document defines
            // when the tag is exactly the parenthesis' content and an entity precedes it.
            let i = ents.partition_point(|x| x.span.start < inner_span.start);
            if prev.is_some() && i < ents.len() && ents[i].span == inner_span && !names.iter().any(|n| n.text == abbr) {
                names.push(DocName { text: abbr.to_string(), label: ents[i].label, concept: ents[i].concept.clone() });
            }
            continue;
        }
        let (label, concept, long) = match prev {
            Some(p) if first_letter_matches(abbr, ents[p].span.slice(text)) => (ents[p].label, ents[p].concept.clone(), None),
            Some(p) => {
                // "small intestinal bacterial overgrowth (SIBO)" where only "bacterial overgrowth"
                // was tagged: the abbreviation shows where the name starts. Conditions only: words
                // before a drug name make a group or a regimen, not a longer drug name ("occasional
                // cocaine (OC) users", "continuously nebulized albuterol (CNA)").
                if ents[p].label != EntityLabel::Condition {
                    continue;
                }
                let Some(ls) = schwartz_hearst(abbr, &text[sstart..before.len()]) else { continue };
                let new_start = sstart + ls;
                if new_start >= ents[p].span.start
                    || has_function_word(&text[new_start..ents[p].span.start])
                    || (p > 0 && ents[p - 1].span.end > new_start)
                {
                    continue;
                }
                extend_to.push((p, new_start));
                (ents[p].label, ents[p].concept.clone(), None)
            }
            None => {
                let Some(ls) = schwartz_hearst(abbr, &text[sstart..before.len()]) else { continue };
                let long = ByteSpan::new(sstart + ls, before.len());
                if has_function_word(long.slice(text)) {
                    continue;
                }
                let last = long.slice(text).rsplit(' ').next().unwrap_or("").to_lowercase();
                if taken.overlaps(long) {
                    continue;
                }
                let label = if CONDITION_HEAD_NOUNS.contains(&last.as_str()) || lex.is_condition_word(&last) {
                    EntityLabel::Condition
                } else if lex.is_drug_word(&last) || DRUG_CLASS_NOUNS.contains(&last.as_str()) {
                    EntityLabel::Drug
                } else {
                    continue;
                };
                (label, None, Some(long))
            }
        };
        if let Some(long) = long {
            taken.insert(long);
            added.push(Entity { span: long, label, score: 0.6, sentence: sent, origin: Origin::Rule, concept: None });
        }
        taken.insert(inner_span);
        added.push(Entity { span: inner_span, label, score: 0.7, sentence: sent, origin: Origin::Rule, concept: concept.clone() });
        if !names.iter().any(|n| n.text == abbr) {
            names.push(DocName { text: abbr.to_string(), label, concept });
        }
    }
    for (p, st) in extend_to {
        ents[p].span.start = st;
        ents[p].score = ents[p].score.min(0.7);
    }
    ents.extend(added);
    ents.sort_by_key(|e| (e.span.start, e.span.end));
    names
}

/// Tag the other occurrences of names the document defined, written exactly the same (a plural
/// `s` allowed), where no entity is yet.
fn propagate(doc: &Doc, names: &[DocName], ents: &mut Vec<Entity>) {
    let text = doc.text.as_str();
    let mut added = Vec::new();
    let mut taken = Occupied::default();
    for e in ents.iter() {
        taken.insert(e.span);
    }
    for n in names {
        for (pos, _) in text.match_indices(n.text.as_str()) {
            let mut end = pos + n.text.len();
            let before_ok = !text[..pos].chars().next_back().is_some_and(char::is_alphanumeric);
            if text[end..].starts_with('s') && !text[end + 1..].chars().next().is_some_and(char::is_alphanumeric) {
                end += 1;
            }
            let after_ok = !text[end..].chars().next().is_some_and(char::is_alphanumeric);
            if !before_ok || !after_ok {
                continue;
            }
            let span = ByteSpan::new(pos, end);
            let Some(sent) = doc.sentence_at(pos) else { continue };
            if !doc.sentences[sent].span.contains(span) || taken.overlaps(span) {
                continue;
            }
            taken.insert(span);
            added.push(Entity { span, label: n.label, score: 0.6, sentence: sent, origin: Origin::Rule, concept: n.concept.clone() });
        }
    }
    ents.extend(added);
    ents.sort_by_key(|e| (e.span.start, e.span.end));
}

/// A long form does not run over prepositions or articles ("therapy for insomnia (CBT-I)" is not
/// an insomnia name).
fn has_function_word(s: &str) -> bool {
    s.split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w.to_lowercase().as_str(), "for" | "of" | "with" | "in" | "to" | "by" | "from" | "and" | "or" | "the" | "a" | "an" | "on" | "at"))
}

/// 2–10 characters, no spaces, at least two capitals, letters first ("PCOS", "AFib", "IBS-D",
/// "PrEP", "T2D").
fn is_abbreviation(s: &str) -> bool {
    let n = s.chars().count();
    (2..=10).contains(&n)
        && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
}

fn first_letter_matches(abbr: &str, long: &str) -> bool {
    let a = abbr.chars().next().map(|c| c.to_ascii_lowercase());
    let l = long.chars().find(|c| c.is_alphanumeric()).map(|c| c.to_ascii_lowercase());
    a.is_some() && a == l
}

/// Schwartz & Hearst (2003): the shortest end of `before` whose characters contain the
/// abbreviation's letters in order, the first at a word start. Returns its byte offset.
fn schwartz_hearst(abbr: &str, before: &str) -> Option<usize> {
    // Long forms are short: look at the last ~300 bytes only (keeps huge sentences linear).
    let mut cut = before.len().saturating_sub(300);
    while !before.is_char_boundary(cut) {
        cut += 1;
    }
    schwartz_hearst_in(abbr, &before[cut..]).map(|i| i + cut)
}

fn schwartz_hearst_in(abbr: &str, before: &str) -> Option<usize> {
    let a: Vec<char> = abbr.chars().filter(|c| c.is_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    let l: Vec<(usize, char)> = before.char_indices().map(|(i, c)| (i, c.to_ascii_lowercase())).collect();
    if a.is_empty() || l.is_empty() {
        return None;
    }
    let max_words = (a.len() + 5).min(a.len() * 2);
    let mut li = l.len() as isize - 1;
    for (si, &c) in a.iter().enumerate().rev() {
        loop {
            if li < 0 {
                return None;
            }
            let (_, lc) = l[li as usize];
            let at_word_start = li == 0 || !l[li as usize - 1].1.is_alphanumeric();
            if lc == c && (si != 0 || at_word_start) {
                break;
            }
            li -= 1;
        }
        li -= 1;
    }
    let start = l[(li + 1) as usize].0;
    let words = before[start..].split_whitespace().count();
    (words <= max_words && words >= 1).then_some(start)
}

/// Last words that make a phrase a drug (class) name.
const DRUG_CLASS_NOUNS: &[&str] = &[
    "anticoagulants", "anticoagulant", "inhibitors", "inhibitor", "blockers", "blocker", "agonists", "agonist",
    "antagonists", "antagonist", "antibiotics", "steroids", "corticosteroids", "antidepressants", "antipsychotics",
    "stimulants", "analgesics", "vaccine", "bronchodilators", "bronchodilator", "prophylaxis", "contraceptives",
    "contraceptive", "antihistamines", "statins", "antivirals", "antibodies", "antibody",
];

/// Last words that make a phrase a condition name.
const CONDITION_HEAD_NOUNS: &[&str] = &[
    "disease", "disorder", "syndrome", "infection", "infections", "deficiency", "overgrowth", "dysfunction", "failure",
    "injury", "fibrillation", "hypertrophy", "hyperplasia", "insufficiency", "reflux", "sclerosis", "arthritis",
    "dermatitis", "hypertension", "neuropathy", "pain", "fatigue", "colitis", "cancer", "carcinoma", "apnea", "apnoea",
];

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
        if e.blocked || in_url_or_handle(s, m.span) {
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
            EntityLabel::Drug => drug_candidate(lex, s, &toks, base, &mut cands),
            EntityLabel::Condition => condition_candidate(s, &toks, base, &mut cands),
        }
    }
    // "tumor necrosis factor", "nerve growth factor": a molecule, whatever its words.
    for (k, t) in toks.iter().enumerate() {
        if matches!(t.low.as_str(), "factor" | "factors") && k >= 2 {
            let (a, b) = (&toks[k - 2], &toks[k - 1]);
            if s[a.span.end..b.span.start] == *" " && s[b.span.end..t.span.start] == *" " && b.low.chars().all(char::is_alphabetic) {
                cands.push(block(ByteSpan::new(a.span.start, t.span.end)));
            }
        }
    }
    drug_class_rules(lex, s, &toks, &mut cands);
    symptom_rules(s, &toks, &mut cands);
    system_problem_rule(s, &toks, &mut cands);
    drug_code_rule(s, &toks, &mut cands);
    brand_in_parens(lex, s, &toks, &mut cands);
    resolve(cands)
}

/// Is the span part of a URL, e-mail address or @handle ("www.migraine.org", "@ibs_warrior")?
fn in_url_or_handle(s: &str, span: ByteSpan) -> bool {
    // Within 200 bytes either side: URLs are shorter, and huge unspaced text stays linear.
    let lo = floor_boundary(s, span.start.saturating_sub(200));
    let hi = floor_boundary(s, (span.end + 200).min(s.len()));
    let start = s[lo..span.start].char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(lo, |(i, c)| lo + i + c.len_utf8());
    let end = s[span.end..hi].find(char::is_whitespace).map_or(hi, |i| span.end + i);
    let chunk = s[start..end].to_ascii_lowercase();
    chunk.contains("://")
        || chunk.starts_with("www.")
        || chunk.contains('@')
        || [".com", ".org", ".net", ".gov", ".edu", ".html", ".co.uk"].iter().any(|t| chunk.trim_end_matches(['.', ',', ')', ';']).ends_with(t))
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
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
    if canon == lower || canon.starts_with(stem) && canon[stem.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric()) {
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

fn drug_candidate(lex: &Lexicon, s: &str, toks: &[Tok], mut c: Candidate, out: &mut Vec<Candidate>) {
    // Inside a hyphenated word: "ketamine-assisted" keeps "ketamine"; "non-opioid" or
    // "anti-histamine"-style prefixes are not this drug; "post-finasteride syndrome" is a
    // condition.
    if let Some(k) = tok_containing(toks, c.span.start) {
        let pre = s[toks[k].span.start..c.span.start].to_lowercase();
        let pre = pre.as_str();
        if pre.ends_with("post-") {
            if let Some(k2) = tok_after(s, toks, toks[k].span.end) {
                if toks[k2].low == "syndrome" {
                    let mut cc = as_condition(c, toks[k2].span.end);
                    cc.span.start = toks[k].span.start;
                    out.push(cc);
                    return;
                }
            }
        }
        if pre.ends_with("non-") || pre.ends_with("anti-") || pre.ends_with("pro-") || pre.ends_with("post-") {
            out.push(block(c.span));
            return;
        }
    }
    let text_low = c.span.slice(s).to_lowercase();
    let prev = tok_before(s, toks, c.span.start);
    let prev_w = prev.map_or("", |k| toks[k].low.as_str());
    let is_class = c.concept.as_ref().is_some_and(|k| {
        let id = k.id.as_bytes();
        (id.len() > 1 && id[0] == b'D' && id[1].is_ascii_digit()) || k.name.ends_with('s')
    }) || matches!(text_low.as_str(), "estrogen" | "estrogens" | "oestrogen" | "hormone" | "hormones" | "testosterone" | "progesterone");
    // "Corveline Biologics": a class word inside a capitalised name.
    if is_class
        && c.span.slice(s).chars().next().is_some_and(char::is_uppercase)
        && prev.is_some_and(|k| toks[k].span.slice(s).chars().next().is_some_and(char::is_uppercase))
    {
        out.push(block(c.span));
        return;
    }
    if let Some(k) = tok_after(s, toks, c.span.end) {
        let next = toks[k].low.as_str();
        // A drug named before "receptor(s)" is the receptor ("opioid receptors"); the class rule
        // covers "... receptor antagonists".
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
        // "antidepressant effects", "opioid treatment program": a modifier, not a substance.
        if DRUG_NOT_HEAD.contains(&next) {
            out.push(block(ByteSpan::new(c.span.start, toks[k].span.end)));
            return;
        }
        if let Some(k2) = tok_after(s, toks, toks[k].span.end) {
            if matches!(next, "treatment" | "addiction" | "use" | "overdose") && DRUG_NOT_HEAD.contains(&toks[k2].low.as_str()) {
                out.push(block(ByteSpan::new(c.span.start, toks[k2].span.end)));
                return;
            }
        }
        // Body chemistry in context: "estrogen levels", "insulin of its own".
        if HORMONES.contains(&text_low.as_str())
            && (matches!(next, "levels" | "level" | "production" | "resistance" | "sensitivity") || toks[k].low == "of" && s[toks[k].span.end..].trim_start().starts_with("its own"))
        {
            out.push(block(c.span));
            return;
        }
    }
    let body_verb = |w: &str| matches!(w, "make" | "makes" | "making" | "made" | "produce" | "produces" | "producing" | "produced");
    if HORMONES.contains(&text_low.as_str()) {
        // "the ovaries make far less estrogen"
        let mut k = prev;
        for _ in 0..3 {
            let Some(kk) = k else { break };
            if body_verb(&toks[kk].low) {
                out.push(block(c.span));
                return;
            }
            k = tok_before(s, toks, toks[kk].span.start);
        }
    }
    if HORMONES.contains(&text_low.as_str())
        && matches!(prev_w, "own" | "natural" | "falling" | "rising" | "blocks" | "block" | "blocking" | "to")
    {
        // "responsive to insulin" / "blocks estrogen": the body's own hormone.
        if prev_w != "to" || prev.and_then(|k| tok_before(s, toks, toks[k].span.start)).is_some_and(|k0| toks[k0].low == "responsive" || toks[k0].low == "sensitive") {
            out.push(block(c.span));
            return;
        }
    }
    // Everyday-object homographs need a health context in the sentence ("steam iron").
    if NEEDS_CONTEXT.contains(&text_low.trim_end_matches('s')) {
        // The sentence, or 300 bytes either side in a huge one.
        let lo = floor_boundary(s, c.span.start.saturating_sub(300));
        let hi = floor_boundary(s, (c.span.end + 300).min(s.len()));
        let low = s[lo..hi].to_lowercase();
        if !HEALTH_CONTEXT.iter().any(|w| low.contains(w)) {
            out.push(block(c.span));
            return;
        }
    }
    // Shortest complete name: "calcium supplements" → "calcium", "Botox injections" → "Botox".
    let words: Vec<&str> = c.span.slice(s).split_whitespace().collect();
    if let Some(cut) = c.span.slice(s).rfind(char::is_whitespace) {
        let (keep, last) = c.span.slice(s).split_at(cut);
        let keep = keep.trim_end();
        if FORM_WORDS.contains(&last.trim().to_lowercase().as_str()) && lex.concept_of(EntityLabel::Drug, keep).is_some() {
            c.span.end = c.span.start + keep.len();
        }
    }
    // "low-dose naltrexone", "low-dose tamoxifen": a named low-dose regimen of one drug (a class
    // keeps its bare name: "low-dose antidepressants" → "antidepressants").
    if !is_class {
        if let Some(k) = prev {
            let w = toks[k].low.as_str();
            if matches!(w, "low-dose" | "ultra-low-dose" | "very-low-dose") {
                c.span.start = toks[k].span.start;
                c.score = 0.8;
            } else if w == "dose" {
                if let Some(k0) = tok_before(s, toks, toks[k].span.start) {
                    if toks[k0].low == "low" {
                        c.span.start = toks[k0].span.start;
                        c.score = 0.8;
                    }
                }
            }
        }
    }
    let prev = tok_before(s, toks, c.span.start);
    // Left: route / duration words that name the product ("inhaled corticosteroid",
    // "long-acting insulin", "vaginal estrogen", "prescription painkillers").
    if let Some(k) = prev {
        let w = toks[k].low.as_str();
        if is_class && (DRUG_PREMODIFIERS.contains(&w) || w.ends_with("-acting") || w.ends_with("-release") || w.ends_with("-selective")) {
            c.span.start = toks[k].span.start;
            c.score = 0.8;
        }
    }
    // Right: dosage form of a topical product ("steroid cream", "eye drops"), formulation codes
    // ("Keppra XR", "Ventolin HFA", "glucosamine HCl"), strain numbers of a probiotic
    // ("Lactobacillus plantarum 299v").
    if let Some(k) = tok_after(s, toks, c.span.end) {
        let raw = toks[k].span.slice(s);
        let next = toks[k].low.as_str();
        let mut end = None;
        if is_class && DOSAGE_FORMS.contains(&next) {
            end = Some(toks[k].span.end);
        } else if is_class && (next == "nasal" || next == "eye") {
            if let Some(k2) = tok_after(s, toks, toks[k].span.end) {
                if matches!(toks[k2].low.as_str(), "spray" | "sprays" | "drops") {
                    end = Some(toks[k2].span.end);
                }
            }
        } else {
            // A strain number after a capitalised two-word name, not a dose ("100 units").
            let strain = words.len() == 2
                && c.span.slice(s).chars().next().is_some_and(char::is_uppercase)
                && raw.len() >= 3
                && raw.chars().next().is_some_and(|ch| ch.is_ascii_digit())
                && raw.chars().all(|ch| ch.is_ascii_alphanumeric())
                && !tok_after(s, toks, toks[k].span.end)
                    .is_some_and(|k2| UNITS.contains(&toks[k2].low.split('/').next().unwrap_or("")));
            if FORMULATION_CODES.contains(&raw) || strain {
                end = Some(toks[k].span.end);
            }
        }
        if let Some(e) = end {
            c.span.end = e;
            c.score = 0.8;
        }
    }
    out.push(c);
}

/// Drug names that are also everyday objects.
const NEEDS_CONTEXT: &[&str] = &["iron", "pecan", "xenon gas", "carbon monoxide"];

/// Words whose presence in a sentence makes it about health (substring test, lower case).
const HEALTH_CONTEXT: &[&str] = &[
    "supplement", "deficien", "anemi", "anaemi", "tablet", "pill", " mg", "dose", "absor", "ferritin", "vitamin",
    "zinc", "calcium", "magnesium", "blood", "infusion", "levels", "pregnan", "multivitamin", "taking", "intake",
    "prescri", "doctor", "treat", "therapy", "patient", "poison", "symptom", "fatigue", "tired",
];

/// Words that end a drug-named phrase that is not a substance.
const DRUG_NOT_HEAD: &[&str] = &[
    "effect", "effects", "properties", "property", "activity", "action", "actions", "market", "industry", "maker",
    "makers", "manufacturer", "manufacturers", "company", "companies",
];

/// Substances the body makes that are also given as drugs: in body-chemistry context they are
/// not drugs.
const HORMONES: &[&str] = &[
    "insulin", "estrogen", "oestrogen", "estrogens", "testosterone", "progesterone", "melatonin", "thyroid hormone",
    "epinephrine", "hormone", "hormones",
];

/// Generic form words dropped from the end of a drug name when what remains is a drug.
const FORM_WORDS: &[&str] = &[
    "supplement", "supplements", "injection", "injections", "infusion", "infusions", "extract", "extracts", "root",
    "tablet", "tablets", "capsule", "capsules", "pill", "pills", "shot", "shots", "gummies", "treatment", "therapy",
];

const UNITS: &[&str] = &["mg", "mcg", "g", "ml", "iu", "units", "unit", "µg", "milligrams", "micrograms", "times", "percent"];

const DRUG_PREMODIFIERS: &[&str] = &["inhaled", "topical", "vaginal", "transdermal", "mealtime", "basal", "prescription", "partial"];

const DOSAGE_FORMS: &[&str] = &["cream", "creams", "ointment", "ointments", "gel", "gels", "lotion", "drops"];

const FORMULATION_CODES: &[&str] = &[
    "XR", "ER", "SR", "CR", "XL", "LA", "DR", "ODT", "HFA", "DF", "HCl", "IR", "CD", "XC", "ES", "EC", "SA", "Respimat",
    "Diskus", "FlexPen",
];

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
        let pre = s[toks[k].span.start..c.span.start].to_lowercase();
        let pre = pre.as_str();
        // "anti-anxiety", "non-cancer": a prefix turns the word into something else.
        if pre.ends_with("anti-") || pre.ends_with("non-") || pre.ends_with("anti") {
            out.push(block(ByteSpan::new(toks[k].span.start, c.span.end.max(toks[k].span.end))));
            return;
        }
    }
    // "pain-signaling chemicals", "cancer-fighting": the word modifies a compound ("-like",
    // "-up" and condition tails aside).
    if let Some(k) = tok_containing(toks, c.span.end) {
        let rest = s[c.span.end..toks[k].span.end].to_lowercase();
        let rest = rest.as_str();
        if rest.starts_with('-') && !matches!(rest, "-up" | "-ups" | "-like") {
            out.push(block(ByteSpan::new(c.span.start.min(toks[k].span.start), toks[k].span.end)));
            return;
        }
    }
    // "COVID-19 pandemic" → "COVID-19".
    let low = c.span.slice(s).to_lowercase();
    for tail in [" pandemic", " epidemic", " outbreak", " outbreaks"] {
        if low.ends_with(tail) && low.len() > tail.len() {
            c.span.end -= tail.len();
        }
    }
    let orig = c.span;
    let raw = c.span.slice(s);
    if let Some(k) = tok_after(s, toks, c.span.end) {
        let next = toks[k].low.as_str();
        // "headache clinic", "allergy action plan", "tumor necrosis factor", "pain relief".
        let title_org = raw.chars().next().is_some_and(char::is_uppercase)
            && toks[k..].iter().take(3).take_while(|t| t.span.slice(s).chars().next().is_some_and(char::is_uppercase)).any(|t| ORG_HEADS.contains(&t.low.as_str()));
        if CONDITION_NOT_HEAD.contains(&next) || title_org {
            out.push(block(ByteSpan::new(c.span.start, toks[k].span.end)));
            return;
        }
    }
    // "it burns", "this really stresses me": a verb after a subject.
    if VERBISH_CONDITIONS.contains(&raw.to_lowercase().as_str()) {
        if let Some(p) = tok_before(s, toks, c.span.start) {
            if SUBJECT_WORDS.contains(&toks[p].low.as_str()) {
                out.push(block(c.span));
                return;
            }
        }
    }
    if let Some(k) = tok_after(s, toks, c.span.end) {
        let next = toks[k].low.as_str();
        // "the authors stress that": a verb.
        if raw.eq_ignore_ascii_case("stress") && matches!(next, "that" | "the" | "how") {
            out.push(block(c.span));
            return;
        }
    }
    // Left: modifiers of the noun phrase.
    let head = raw.to_lowercase();
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
        // "male pattern hair loss"
        if w == "pattern" {
            if let Some(k0) = tok_before(s, toks, toks[k].span.start) {
                if matches!(toks[k0].low.as_str(), "male" | "female") {
                    c.span.start = toks[k0].span.start;
                    modifiers += 1;
                    continue;
                }
            }
        }
        // "moderate to severe", "mild to moderate": spaced severity ranges.
        if w == "to" && modifiers > 0 {
            if let Some(k0) = tok_before(s, toks, toks[k].span.start) {
                if matches!(toks[k0].low.as_str(), "mild" | "moderate" | "severe") {
                    c.span.start = toks[k0].span.start;
                    continue;
                }
            }
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
        if matches!(w, "very" | "extremely" | "severely" | "mildly") {
            c.span.start = toks[k].span.start;
            continue;
        }
        break;
    }
    // Right: "asthma attacks", "gout flares", "lupus flare-up", "breast cancer recurrence".
    if let Some(k) = tok_after(s, toks, c.span.end) {
        if CONDITION_TAILS.contains(&toks[k].low.as_str()) {
            c.span.end = toks[k].span.end;
        }
    }
    // "bleeding in the brain", "tingling in the hands or feet".
    if let Some(e) = body_part_pp(s, toks, c.span.end) {
        c.span.end = e;
    }
    if c.span != orig {
        c.score = 0.8;
    }
    out.push(c);
}

/// Condition words that are also verbs.
const VERBISH_CONDITIONS: &[&str] = &[
    "burns", "burn", "stresses", "stress", "panics", "panic", "plagues", "plague", "chokes", "aches", "hurts", "bleeds",
    "bruises", "itches", "coughs", "sneezes", "faints", "vomits", "cramps", "stutters", "stammers",
];

const SUBJECT_WORDS: &[&str] = &[
    "it", "this", "that", "he", "she", "they", "which", "who", "i", "you", "we", "also", "really", "just", "never",
    "always", "often", "still", "and", "not", "don't", "doesn't", "didn't", "to", "will", "would", "can", "could",
];

/// End of "in the/your <body part> (or/and <body part>)" right after `pos`, if there.
fn body_part_pp(s: &str, toks: &[Tok], pos: usize) -> Option<usize> {
    let k = tok_after(s, toks, pos)?;
    if toks[k].low != "in" {
        return None;
    }
    let k1 = tok_after(s, toks, toks[k].span.end)?;
    if toks[k1].low != "the" {
        return None;
    }
    let k2 = tok_after(s, toks, toks[k1].span.end)?;
    if !PP_BODY_PARTS.contains(&toks[k2].low.as_str()) {
        return None;
    }
    let mut end = toks[k2].span.end;
    if let Some(k3) = tok_after(s, toks, end) {
        if matches!(toks[k3].low.as_str(), "or" | "and") {
            if let Some(k4) = tok_after(s, toks, toks[k3].span.end) {
                if PP_BODY_PARTS.contains(&toks[k4].low.as_str()) {
                    end = toks[k4].span.end;
                }
            }
        }
    }
    Some(end)
}

const PP_BODY_PARTS: &[&str] = &[
    "brain", "urine", "stool", "stools", "hands", "feet", "legs", "arms", "chest", "joints", "muscles", "stomach", "back",
    "neck", "head", "eyes", "ears", "lungs", "throat", "mouth", "skin", "face", "abdomen", "belly", "leg", "arm", "hand",
    "foot", "knees", "fingers", "toes",
];

/// Words after a condition word that make the phrase name something else (a molecule). A
/// condition word modifying a generic noun ("headache management", "CFS researchers", "headache
/// clinic") still mentions the condition and stays tagged; inside a capitalised name ("Pain News
/// Network", "American Headache Society") it does not.
const CONDITION_NOT_HEAD: &[&str] = &["factor", "factors"];

/// Heads of organisation names ("Pain News Network", "American Headache Society").
const ORG_HEADS: &[&str] = &[
    "network", "society", "foundation", "association", "institute", "center", "centre", "clinic", "news", "journal",
    "alliance", "council", "trust", "hospital", "research", "today", "uk", "international", "federation", "group",
];

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
    "idiopathic", "secondary", "primary", "upper", "erosive", "atopic", "cystic", "frequent", "sudden", "transient",
    "serious", "uncontrolled", "untreated", "fatal", "repeated", "long-lasting", "widespread", "unexplained", "itchy",
    "bloody", "morning", "oral", "deep", "early", "relapsing", "uncomplicated", "atypical", "permanent", "excessive",
    "life-threatening", "high", "constant", "worsening", "plaque", "vaginal", "genital",
];

/// Condition heads that take a body part in front ("chest pain", "joint swelling").
const PAIN_HEADS: &[&str] = &[
    "pain", "pains", "ache", "aches", "cramps", "cramping", "stiffness", "swelling", "tenderness", "irritation",
    "upset", "discomfort", "infection", "infections", "bleeding", "inflammation", "spasms", "weakness", "numbness",
    "injury", "injuries", "damage", "failure", "problems", "issues", "dryness", "redness", "rash", "bleed", "bleeds",
    "thinning",
];

const BODY_PARTS: &[&str] = &[
    "back", "chest", "joint", "joints", "muscle", "muscles", "stomach", "abdominal", "neck", "shoulder", "knee",
    "hip", "nerve", "pelvic", "tooth", "ear", "eye", "leg", "arm", "foot", "breast", "throat", "jaw", "wrist", "hand",
    "bone", "gut", "bowel", "bladder", "skin", "sinus", "lung", "kidney", "liver", "menstrual", "esophageal",
    "gastrointestinal", "urinary", "vaginal", "yeast", "facial", "low-back", "lower", "brain", "heart", "scalp",
    "ovarian", "rectal", "anal", "dental", "gum", "calf", "heel", "ankle", "groin", "injection-site",
];

const CONDITION_TAILS: &[&str] = &[
    "attack", "attacks", "flare", "flares", "flare-up", "flare-ups", "flareup", "flareups", "episode", "episodes",
    "crisis", "crises", "exacerbation", "exacerbations", "recurrence", "recurrences", "problems", "deaths",
    "condition", "conditions",
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
        if is_head && !is_caps(t.span.slice(s)) {
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
            if let Some(mut st) = start {
                // "partial opioid agonist", "short-acting beta agonist", "selective ... inhibitors"
                if let Some(p) = tok_before(s, toks, st) {
                    let w = toks[p].low.as_str();
                    if DRUG_PREMODIFIERS.contains(&w) || w.ends_with("-acting") || w == "selective" {
                        st = toks[p].span.start;
                    }
                }
                let span = ByteSpan::new(st, t.span.end);
                let concept = lex.concept_of(EntityLabel::Drug, span.slice(s));
                out.push(Candidate { span, label: Some(EntityLabel::Drug), score: 0.7, origin: Origin::Rule, concept, prio: 1 });
            }
        }
        // "glutamatergic medications", "antiepileptic drugs", "psychotropic medicines"
        if head.ends_with("ergic") || PHARMA_ADJECTIVES.contains(&head) {
            if let Some(k2) = tok_after(s, toks, t.span.end) {
                if DRUG_NOUNS.contains(&toks[k2].low.as_str()) && !matches!(toks[k2].low.as_str(), "treatment" | "treatments") {
                    let span = ByteSpan::new(t.span.start, toks[k2].span.end);
                    let concept = lex.concept_of(EntityLabel::Drug, span.slice(s));
                    out.push(Candidate { span, label: Some(EntityLabel::Drug), score: 0.7, origin: Origin::Rule, concept, prio: 1 });
                }
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

/// Adjectives that make "<adj> drugs/medications" a drug class.
const PHARMA_ADJECTIVES: &[&str] = &[
    "psychotropic", "psychoactive", "antiepileptic", "anticonvulsant", "antipsychotic", "antidepressant", "antiviral",
    "antifungal", "antibacterial", "antiemetic", "antihypertensive", "antiarrhythmic", "antidiabetic",
    "immunosuppressive", "immunosuppressant", "stimulant", "sedative", "nonsteroidal", "psychedelic",
    "antiretroviral", "antimalarial", "antiplatelet", "anticoagulant", "thrombolytic", "hypnotic", "anxiolytic",
];

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
            // "a cold", "her cold", "the common cold" (not "cold water", "cold sores")
            "cold" if k > 0
                && COLD_BEFORE.contains(&toks[k - 1].low.as_str())
                && next(k).is_none_or(|n| !COLD_NOT_BEFORE.contains(&n.low.as_str())) =>
            {
                end = Some(t.span.end)
            }
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
            w if SYMPTOM_ADJECTIVES.contains(&w) => {
                if let Some(n) = next(k) {
                    if SYMPTOM_PARTS.contains(&n.low.as_str()) {
                        end = Some(n.span.end);
                    }
                }
            }
            "bone" | "hair" | "skin" => {
                if let Some(n) = next(k) {
                    if n.low == "thinning" {
                        end = Some(n.span.end);
                    }
                }
            }
            w if PAIRED_SYMPTOMS.iter().any(|(a, _)| *a == w) => {
                if let Some(n) = next(k) {
                    if PAIRED_SYMPTOMS.iter().any(|(a, b)| *a == w && b.split('|').any(|x| x == n.low)) {
                        end = Some(n.span.end);
                    }
                }
            }
            // Words that only ever name a health event: "breakouts", "flare-ups", "colds".
            "breakouts" | "flare-up" | "flare-ups" | "flareups" | "colds" => end = Some(t.span.end),
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
            let c = Candidate {
                span: ByteSpan::new(t.span.start, e),
                label: Some(EntityLabel::Condition),
                score: 0.6,
                origin: Origin::Rule,
                concept: None,
                prio: 1,
            };
            condition_candidate(s, toks, c, out);
        }
    }
}

/// Words before "cold" that make it the illness ("a cold", "her cold", "a head cold").
const COLD_BEFORE: &[&str] = &["a", "the", "your", "my", "her", "his", "their", "our", "common", "head", "chest", "bad", "nasty", "single"];

/// Words after "cold" that make it a temperature, a sore or a product ("a cold compress").
const COLD_NOT_BEFORE: &[&str] = &[
    "sore", "sores", "water", "turkey", "hands", "feet", "compress", "compresses", "weather", "temperature",
    "temperatures", "air", "shower", "showers", "pack", "packs", "drink", "drinks", "brew", "exposure", "spell",
    "snap", "front", "day", "days", "night", "nights", "room", "storage", "medicine", "medicines", "pill", "pills",
    "product", "products", "remedy", "remedies", "plunge", "therapy", "chain", "war", "case", "call", "calls",
    "fusion", "light", "climate", "season", "winter", "morning", "milk", "soda", "tea", "bath", "baths", "sweat",
    "sweats",
];

/// Two-word symptoms: first word, `|`-separated second words.
const PAIRED_SYMPTOMS: &[(&str, &str)] = &[
    ("frequent", "urination"),
    ("painful", "urination|sex|intercourse|periods|erections"),
    ("excessive", "thirst|sweating|hunger|sleepiness|bleeding"),
    ("slowed", "breathing"),
    ("shallow", "breathing"),
    ("labored", "breathing"),
    ("laboured", "breathing"),
    ("feeling", "faint|dizzy|lightheaded|light-headed|jittery|shaky|sick|nauseous|drowsy"),
    ("heat", "intolerance|sensitivity"),
    ("cold", "intolerance|sensitivity"),
    ("sun", "sensitivity"),
    ("light", "sensitivity"),
    ("hot", "flushes|flashes|flush|flash"),
    ("night", "sweats"),
    ("irregular", "periods|menstruation"),
    ("heavy", "periods|bleeding"),
    ("missed", "periods"),
    ("sleepless", "nights"),
    ("delayed", "orgasm|ejaculation"),
    ("overactive", "thyroid|bladder"),
    ("underactive", "thyroid"),
    ("yeast", "overgrowth"),
    ("bacterial", "overgrowth"),
    ("early", "menopause"),
    ("allergic", "reaction|reactions"),
    ("skin", "reaction|reactions"),
    ("serious", "reaction|reactions"),
    ("severe", "reaction|reactions"),
    ("infusion", "reaction|reactions"),
    ("biphasic", "reaction|reactions"),
    ("anaphylactic", "reaction|reactions"),
    ("hypersensitivity", "reaction|reactions"),
    ("low", "potassium|sodium|iron|magnesium|calcium|testosterone|platelets"),
    ("high", "triglycerides|cholesterol|potassium|calcium"),
    ("weight", "gain"),
    ("mood", "swings"),
    ("memory", "loss|lapses"),
    ("muscle", "aches|weakness|cramps|pain|spasms"),
    ("withdrawal", "symptoms"),
    ("menopausal", "symptoms"),
    ("urinary", "symptoms"),
    ("respiratory", "symptoms|infections|infection"),
    ("gastrointestinal", "symptoms"),
    ("digestive", "symptoms|issues|problems"),
    ("allergy", "symptoms"),
    ("cold", "symptoms|sores"),
    ("flu", "symptoms"),
    ("depressive", "symptoms|episodes|states"),
    ("suicidal", "thoughts|ideation|behavior|behaviour"),
    ("obsessive", "thoughts"),
    ("compulsive", "behaviors|behaviours|behavior|behaviour"),
    ("self-injurious", "behaviors|behaviours|behavior|behaviour"),
    ("sprained", "ankle|ankles|wrist|wrists|knee"),
    ("broken", "bone|bones|arm|leg|wrist|ankle|ribs|hip"),
    ("pulled", "muscle|hamstring"),
];

/// Adjectives that make a visible or felt symptom of a body part ("cold hands", "dark urine").
const SYMPTOM_ADJECTIVES: &[&str] = &[
    "stuffy", "runny", "cold", "shaky", "dark", "blue", "chapped", "pale", "peeling", "drooping", "red", "itchy",
    "swollen", "sore", "cracked", "puffy", "watery", "bloodshot", "numb", "tingly", "stiff", "bleeding", "vivid",
    "bad", "yellowing", "sweaty", "clammy", "aching",
];

const SYMPTOM_PARTS: &[&str] = &[
    "nose", "hands", "feet", "urine", "lips", "skin", "eyelids", "cheeks", "eyes", "throat", "arm", "arms", "joints",
    "gums", "ankles", "legs", "scalp", "stools", "tongue", "mouth", "muscles", "dreams", "taste", "backs", "fingers",
    "toes", "face", "neck", "back",
];

/// "liver problems", "heart conditions", "psychiatric disorders", "gastrointestinal issues": a
/// body system or medical field followed by a generic problem noun is a condition.
fn system_problem_rule(s: &str, toks: &[Tok], out: &mut Vec<Candidate>) {
    for (k, t) in toks.iter().enumerate() {
        if PAIN_HEADS.contains(&t.low.as_str()) {
            if let Some(p) = tok_before(s, toks, t.span.start) {
                if BODY_PARTS.contains(&toks[p].low.as_str()) {
                    let c = Candidate {
                        span: ByteSpan::new(toks[p].span.start, t.span.end),
                        label: Some(EntityLabel::Condition),
                        score: 0.6,
                        origin: Origin::Rule,
                        concept: None,
                        prio: 1,
                    };
                    condition_candidate(s, toks, c, out);
                }
            }
        }
        if !PROBLEM_HEADS.contains(&t.low.as_str()) || k == 0 {
            continue;
        }
        let Some(p) = tok_before(s, toks, t.span.start) else { continue };
        let w = toks[p].low.as_str();
        let mut start = None;
        if matches!(t.low.as_str(), "condition" | "conditions" | "illness" | "illnesses" | "disorders" | "diseases")
            && (matches!(w, "chronic" | "autoimmune" | "rare" | "serious" | "long-term" | "terminal") || (w.contains('-') && is_condition_modifier(w)))
        {
            start = Some(toks[p].span.start);
        } else if SYSTEM_WORDS.contains(&w) {
            start = Some(toks[p].span.start);
            // "heart rhythm problems", "immune system issues", "mental health conditions"
            if let Some(p0) = tok_before(s, toks, toks[p].span.start) {
                let w0 = toks[p0].low.as_str();
                if matches!((w0, w), ("heart", "rhythm") | ("immune", "system") | ("mental", "health") | ("nervous", "system")) {
                    start = Some(toks[p0].span.start);
                }
            }
        } else if w == "system" || w == "health" || w == "rhythm" {
            if let Some(p0) = tok_before(s, toks, toks[p].span.start) {
                if matches!(toks[p0].low.as_str(), "immune" | "mental" | "heart" | "nervous") {
                    start = Some(toks[p0].span.start);
                }
            }
        }
        if let Some(st) = start {
            let c = Candidate {
                span: ByteSpan::new(st, t.span.end),
                label: Some(EntityLabel::Condition),
                score: 0.6,
                origin: Origin::Rule,
                concept: None,
                prio: 1,
            };
            condition_candidate(s, toks, c, out);
        }
    }
}

const PROBLEM_HEADS: &[&str] = &[
    "problem", "problems", "issues", "condition", "conditions", "disorder", "disorders", "disease", "diseases", "damage",
    "complications", "difficulties", "changes", "dysfunction", "impairment", "imbalance", "imbalances", "loss",
];

const SYSTEM_WORDS: &[&str] = &[
    "heart", "liver", "kidney", "lung", "thyroid", "skin", "bone", "joint", "eye", "vision", "memory", "sleep",
    "breathing", "stomach", "bowel", "bladder", "fertility", "metabolic", "psychiatric", "neurological",
    "neurodegenerative", "inflammatory", "autoimmune", "cardiovascular", "respiratory", "digestive", "gastrointestinal",
    "hormonal", "mood", "behavioral", "behavioural", "cognitive", "concentration", "balance", "hearing", "dental",
    "gum", "prostate", "urinary", "nerve", "muscle", "blood", "circulation", "weight", "mental",
];

/// Research codes of investigational drugs ("CVB-117", "LY-3002813"): 2–5 capitals, a hyphen and
/// 3–7 digits, in a sentence that speaks of a drug, dose or trial.
fn drug_code_rule(s: &str, toks: &[Tok], out: &mut Vec<Candidate>) {
    let low = s.to_lowercase();
    let druggy = [
        "drug", "dose", "trial", "treatment", "therapy", "compound", "candidate", "mg", "tablet", "injection", "placebo",
        "study", "phase", "patients", "approval", "fda", "efficacy", "biosimilar", "investigational",
    ]
        .iter()
        .any(|w| low.contains(w));
    if !druggy {
        return;
    }
    for t in toks {
        let raw = t.span.slice(s);
        let Some((a, b)) = raw.split_once('-') else { continue };
        if (2..=5).contains(&a.len())
            && a.chars().all(|c| c.is_ascii_uppercase())
            && (3..=7).contains(&b.len())
            && b.chars().all(|c| c.is_ascii_digit())
        {
            out.push(Candidate { span: t.span, label: Some(EntityLabel::Drug), score: BRAND_SCORE, origin: Origin::Rule, concept: None, prio: 0 });
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
        let ti = toks.partition_point(|t| t.span.start < span.start);
        if toks.get(ti).is_some_and(|t| t.span == span) {
            let concept = lex.concept_of(EntityLabel::Drug, word);
            out.push(Candidate { span, label: Some(EntityLabel::Drug), score: BRAND_SCORE, origin: Origin::Rule, concept, prio: 0 });
        }
    }
}

/// Score of rule-only drug names the document defines (brands in parentheses, research codes);
/// these names are then tagged wherever else they occur.
const BRAND_SCORE: f32 = 0.6;

/// Disjoint spans already taken, for O(log n) overlap tests (articles can hold 10⁵ entities).
#[derive(Default)]
struct Occupied(std::collections::BTreeMap<usize, usize>);

impl Occupied {
    fn overlaps(&self, sp: ByteSpan) -> bool {
        // The taken span starting last before `sp.end` is the only one that can reach into `sp`
        // (taken spans are disjoint).
        self.0.range(..sp.end).next_back().is_some_and(|(_, &e)| e > sp.start)
    }
    fn insert(&mut self, sp: ByteSpan) {
        self.0.insert(sp.start, sp.end);
    }
}

/// Longest candidates first (ties: higher priority, then leftmost); then drop blocking spans.
fn resolve(mut cands: Vec<Candidate>) -> Vec<Candidate> {
    cands.sort_by(|a, b| {
        b.span.len().cmp(&a.span.len()).then(b.prio.cmp(&a.prio)).then(a.span.start.cmp(&b.span.start))
    });
    let mut kept: Vec<Candidate> = Vec::new();
    let mut taken = Occupied::default();
    for c in cands {
        if c.span.is_empty() || taken.overlaps(c.span) {
            continue;
        }
        taken.insert(c.span);
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
    fn document_rules_define_spaced_abbreviations_and_tag_their_other_uses() {
        // tokenised text as in BC5CDR: "( IDM )"
        let text = "A dose of indomethacin ( IDM ) was given .\nIDM lowered renin ; IDMs too .";
        let mut doc = Doc::new("d", "s", text);
        let cut = text.find('\n').unwrap();
        doc.sentences = vec![
            crate::doc::Sentence::new(ByteSpan::new(0, cut), crate::doc::SentenceKind::Prose),
            crate::doc::Sentence::new(ByteSpan::new(cut + 1, text.len()), crate::doc::SentenceKind::Prose),
        ];
        let s = text.find("indomethacin").unwrap();
        let mut ents = vec![Entity { span: ByteSpan::new(s, s + 12), label: EntityLabel::Drug, score: 0.9, sentence: 0, origin: Origin::Model, concept: None }];
        document_rules(&doc, &mut ents);
        let got: Vec<(&str, EntityLabel, usize)> = ents.iter().map(|e| (e.span.slice(text), e.label, e.sentence)).collect();
        assert_eq!(
            got,
            vec![("indomethacin", EntityLabel::Drug, 0), ("IDM", EntityLabel::Drug, 0), ("IDM", EntityLabel::Drug, 1), ("IDMs", EntityLabel::Drug, 1)]
        );
        // The abbreviation already tagged in place still defines the name (with its own label);
        // without an entity before the parenthesis it does not.
        let a = text.find("IDM").unwrap();
        let model = |with_long: bool| {
            let mut v = vec![Entity { span: ByteSpan::new(a, a + 3), label: EntityLabel::Condition, score: 0.9, sentence: 0, origin: Origin::Model, concept: None }];
            if with_long {
                v.push(Entity { span: ByteSpan::new(s, s + 12), label: EntityLabel::Condition, score: 0.9, sentence: 0, origin: Origin::Model, concept: None });
            }
            v
        };
        let mut ents = model(true);
        document_rules(&doc, &mut ents);
        let got: Vec<(&str, EntityLabel)> = ents.iter().map(|e| (e.span.slice(text), e.label)).collect();
        assert_eq!(got[1..], [("IDM", EntityLabel::Condition), ("IDM", EntityLabel::Condition), ("IDMs", EntityLabel::Condition)]);
        let mut ents = model(false);
        document_rules(&doc, &mut ents);
        assert_eq!(ents.len(), 1, "{ents:?}");
    }

    #[test]
    fn an_abbreviation_extends_a_condition_leftwards_but_never_a_drug() {
        let one = |text: &str, tagged: &str, label: EntityLabel| {
            let mut doc = Doc::new("d", "s", text);
            doc.sentences = vec![crate::doc::Sentence::new(ByteSpan::new(0, text.len()), crate::doc::SentenceKind::Prose)];
            let s = text.find(tagged).unwrap();
            let mut ents = vec![Entity { span: ByteSpan::new(s, s + tagged.len()), label, score: 0.9, sentence: 0, origin: Origin::Model, concept: None }];
            document_rules(&doc, &mut ents);
            ents.iter().map(|e| (e.span.slice(text).to_string(), e.label)).collect::<Vec<_>>()
        };
        let c = EntityLabel::Condition;
        assert_eq!(
            one("Rates of small intestinal bacterial overgrowth ( SIBO ) rose .", "bacterial overgrowth", c),
            [("small intestinal bacterial overgrowth".to_string(), c), ("SIBO".to_string(), c)]
        );
        // "occasional cocaine (OC)" names a group of users: the drug stays "cocaine" and OC is
        // not a drug name.
        let d = EntityLabel::Drug;
        assert_eq!(one("Of 30 occasional cocaine ( OC ) users , OC subjects slept less .", "cocaine", d), [("cocaine".to_string(), d)]);
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
