//! DRUG / CONDITION tagger against small named fixtures: hits and non-hits from
//! annotation-guidelines.md, offsets in multi-byte text, and the shipped lexicon's contents.
//!
//! Docs are built by hand (one sentence per line) so the tests do not depend on segmentation.

use healthclaims::doc::{ByteSpan, Doc, EntityLabel, Sentence, SentenceKind};
use healthclaims::lexicon::Lexicon;
use healthclaims::tag::entities::EntityTagger;
use healthclaims::tag::Component;
use proptest::prelude::*;

use EntityLabel::{Condition as C, Drug as D};

/// A Doc whose sentences are its non-empty lines.
fn doc(text: &str) -> Doc {
    let mut d = Doc::new("t", "t", text);
    let mut pos = 0;
    for line in text.split('\n') {
        let lead = line.len() - line.trim_start().len();
        let t = line.trim();
        if !t.is_empty() {
            d.sentences.push(Sentence::new(ByteSpan::new(pos + lead, pos + lead + t.len()), SentenceKind::Prose));
        }
        pos += line.len() + 1;
    }
    d
}

fn tag(text: &str) -> Vec<(String, EntityLabel)> {
    let mut d = doc(text);
    EntityTagger::new().unwrap().annotate(&mut d).unwrap();
    check_invariants(&d);
    d.entities.iter().map(|e| (e.span.slice(&d.text).to_string(), e.label)).collect()
}

fn check_invariants(d: &Doc) {
    for w in d.entities.windows(2) {
        assert!(w[0].span.end <= w[1].span.start, "entities overlap or are unsorted: {:?}", d.entities);
    }
    for e in &d.entities {
        assert!(d.text.is_char_boundary(e.span.start) && d.text.is_char_boundary(e.span.end));
        assert!(!e.span.is_empty());
        assert!(d.sentences[e.sentence].span.contains(e.span), "entity outside its sentence: {e:?}");
        assert!(e.score > 0.0 && e.score <= 1.0);
    }
}

fn owned(v: &[(&str, EntityLabel)]) -> Vec<(String, EntityLabel)> {
    v.iter().map(|(s, l)| (s.to_string(), *l)).collect()
}

/// (name, text, expected entities in order). Each is one sentence or a few lines.
type Case = (&'static str, &'static str, &'static [(&'static str, EntityLabel)]);

const CASES: &[Case] = &[
    ("neurotransmitter_levels_are_not_drugs", "Low serotonin levels and excess glutamate were measured.", &[]),
    ("receptor_is_not_a_drug", "Ketamine binds the NMDA receptor in the brain.", &[("Ketamine", D)]),
    ("bare_receptor_phrase", "The NMDA receptor is a glutamate receptor.", &[]),
    ("drug_in_plain_advice", "You may take ibuprofen with food.", &[("ibuprofen", D)]),
    ("possessive_eponym_whole", "She was diagnosed with Alzheimer's disease last year.", &[("Alzheimer's disease", C)]),
    ("curly_apostrophe_eponym", "Memantine is used in Alzheimer’s disease.", &[("Memantine", D), ("Alzheimer’s disease", C)]),
    (
        "severity_range_kept_in_condition",
        "It is approved for moderate-to-severe Alzheimer's disease.",
        &[("moderate-to-severe Alzheimer's disease", C)],
    ),
    ("plural_condition", "Her migraines got worse.", &[("migraines", C)]),
    ("brand_in_parentheses", "He was prescribed semaglutide (Wegovy) last spring.", &[("semaglutide", D), ("Wegovy", D)]),
    ("infusion_is_not_part_of_drug", "Ketamine infusions helped her depression.", &[("Ketamine", D), ("depression", C)]),
    ("low_dose_naltrexone_whole", "Some patients try low-dose naltrexone for fibromyalgia.", &[("low-dose naltrexone", D), ("fibromyalgia", C)]),
    ("treatment_resistant_depression_whole", "Esketamine is for treatment-resistant depression.", &[("Esketamine", D), ("treatment-resistant depression", C)]),
    ("acronym_in_capitals", "Kids with ADHD often take Ritalin.", &[("ADHD", C), ("Ritalin", D)]),
    ("chronic_pain_whole", "Chronic pain and brain fog are common in ME/CFS.", &[("Chronic pain", C), ("brain fog", C), ("ME/CFS", C)]),
    ("body_part_pain", "He had joint pain and chest pain.", &[("joint pain", C), ("chest pain", C)]),
    ("drug_class_by_target", "NMDA receptor antagonists such as memantine are used.", &[("NMDA receptor antagonists", D), ("memantine", D)]),
    ("symptom_phrase", "Side effects include trouble sleeping and dry mouth.", &[("trouble sleeping", C), ("dry mouth", C)]),
    ("condition_word_in_org_name", "According to Pain News Network, the study was small.", &[]),
    ("condition_modifying_a_noun_is_still_mentioned", "She works at a headache clinic.", &[("headache", C)]),
    ("receptor_named_by_drug_is_not_drug", "Opioid receptors are found in the gut.", &[]),
    ("pharmacological_class_by_adjective", "Glutamatergic medications are being studied.", &[("Glutamatergic medications", D)]),
    ("type_2_diabetes_whole", "Metformin treats type 2 diabetes.", &[("Metformin", D), ("type 2 diabetes", C)]),
    ("drug_toxicity_is_condition", "Watch for lithium toxicity.", &[("lithium toxicity", C)]),
    ("drug_effects_not_drug", "Its antidepressant effects were rapid.", &[]),
    ("procedure_alone_is_nothing", "Infusion therapy and acupuncture were offered.", &[]),
    ("hormone_made_by_body_is_not_drug", "The pancreas makes little insulin, so she injects insulin daily.", &[("insulin", D)]),
    (
        "abbreviation_defined_then_reused",
        "Metformin is used for polycystic ovary syndrome (PCOS).\nWomen with PCOS may benefit.",
        &[("Metformin", D), ("polycystic ovary syndrome", C), ("PCOS", C), ("PCOS", C)],
    ),
    ("case_changing_letters_before_a_hyphen", "İİİ-metformin and İİ-migraine attacks were noted.", &[("metformin", D), ("migraine attacks", C)]),
    ("multibyte_space_before_a_match", "Take\u{a0}metformin\u{2003}daily.", &[("metformin", D)]),
    ("urls_and_handles_are_not_mentions", "See www.migraine.org or email help@adhd-support.net, or ask @metformin_fan.", &[]),
    (
        "research_code_in_drug_context_then_reused",
        "A Phase 3 study compared ZX-4410 with placebo.\nZX-4410 was well tolerated, unlike COVID-19 or ISO-9001.",
        &[("ZX-4410", D), ("ZX-4410", D), ("COVID-19", C)],
    ),
    ("no_match_inside_words", "The metforminology course and premigraine aura were discussed.", &[]),
];

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    for (name, text, want) in CASES {
        let got = tag(text);
        if got != owned(want) {
            failures.push(format!("{name}:\n  text: {text}\n  want: {want:?}\n  got:  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} fixture(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn offsets_hold_in_emoji_and_cjk_text() {
    let text = "😀 服用 metformin 🎉 for type 2 diabetes — 偏头痛 migraines 👍🏽 and ADHD";
    let got = tag(text);
    assert_eq!(got, owned(&[("metformin", D), ("type 2 diabetes", C), ("migraines", C), ("ADHD", C)]));
}

#[test]
fn entities_get_sentence_concept_and_origin() {
    let mut d = doc("Intro line.\nMetformin lowers blood sugar in type 2 diabetes.");
    EntityTagger::new().unwrap().annotate(&mut d).unwrap();
    let m = &d.entities[0];
    assert_eq!(m.span.slice(&d.text), "Metformin");
    assert_eq!(m.sentence, 1);
    assert_eq!(m.concept.as_ref().unwrap().id, "DB00331");
    assert!(m.score >= 0.9);
    let t2d = d.entities.iter().find(|e| e.label == C).unwrap();
    let c = t2d.concept.as_ref().unwrap();
    assert_eq!(c.name, "Diabetes Mellitus, Type 2", "{t2d:?}");
    // the source's MeSH id for it is shared with other concepts, so it gets a name-based one
    assert_eq!(c.id, "HC:diabetes-mellitus-type-2", "{t2d:?}");
}

#[test]
fn entity_never_crosses_a_sentence_boundary() {
    // "Alzheimer's disease" split over two sentences must not become one entity.
    let mut d = doc("He has Alzheimer's\ndisease is common.");
    EntityTagger::new().unwrap().annotate(&mut d).unwrap();
    check_invariants(&d);
    assert!(d.entities.iter().all(|e| e.span.slice(&d.text) != "Alzheimer's\ndisease"));
}

#[test]
fn shipped_lexicon_is_loaded_with_known_concepts() {
    let lx = Lexicon::get();
    let st = lx.stats();
    assert!(st.drug_surfaces > 20_000, "{st:?}");
    assert!(st.condition_surfaces > 20_000, "{st:?}");
    assert!(st.blocked > 50, "{st:?}");
    let m = lx.concept_of(D, "metformin").expect("metformin is a drug");
    assert!(m.id.starts_with("DB"), "{m:?}");
    assert!(lx.concept_of(C, "Migraines").is_some());
    assert!(lx.is_drug_word("ibuprofen"));
    assert!(!lx.is_drug_word("serotonin"));
    assert!(lx.is_not_entity("NMDA receptor"));
    assert!(lx.is_condition_word("depression"));
    assert!(!lx.is_condition_word("metformin"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
    #[test]
    fn any_text_gives_valid_entities(s in "\\PC{0,80}( metformin| migraines| Alzheimer’s disease|😀|中文| ADHD|-|'|İ|ẞ|\u{a0}|\u{2003}| www.x.com|@|\\(Wegovy\\)| (PCOS)| polycystic ovary syndrome|\n| PCOS){0,6}\\PC{0,40}") {
        let mut d = doc(&s);
        EntityTagger::new().unwrap().annotate(&mut d).unwrap();
        check_invariants(&d);
    }
}
