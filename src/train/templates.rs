//! Web-style template sentences filled with names from the shipped gazetteers: they show the
//! model brand and new drug names, drug classes, supplements and lay condition names in the
//! sentence shapes of health web pages, with every head labelled. Cue words are written
//! `[like this]` in the templates.

use super::data::{Corpus, Example};
use crate::doc::{ClaimStrength, EntityLabel};
use anyhow::Result;
use rand::prelude::*;
use rand::rngs::StdRng;

use ClaimStrength::{ConditionalCausal as Cond, Correlational as Corr, DirectCausal as Direct, None as NoClaim};

/// (template, claim strength). Slots: {D}, {D2} drugs; {C}, {C2} conditions.
const TEMPLATES: &[(&str, ClaimStrength)] = &[
    ("{D} [may] help reduce {C} in some adults.", Cond),
    ("{D} treats {C}.", Direct),
    ("{D} is linked to a lower risk of {C}.", Corr),
    ("Ask your pharmacist before combining {D} with other medicines.", NoClaim),
    ("Common side effects of {D} include {C} and {C2}.", Direct),
    ("{D} [might] ease {C}, but research [is ongoing].", Cond),
    ("Doctors prescribe {D} to manage {C}.", Direct),
    ("Is {D} safe for people with {C}?", NoClaim),
    ("{C} affects millions of people every year.", NoClaim),
    ("Studies [suggest] that {D} [could] lower the risk of {C}.", Cond),
    ("In one survey, users of {D} reported fewer episodes of {C}.", Corr),
    ("{D} reduces symptoms of {C} within a few weeks.", Direct),
    ("Some patients switch from {D} to {D2} when {C} comes back.", NoClaim),
    ("You can buy {D} over the counter at most pharmacies.", NoClaim),
    ("People taking {D} had higher rates of {C} in the study.", Corr),
    ("{D} works by calming the overactive signals behind {C}.", Direct),
    ("It is [possible] that {D} [could] make {C} worse.", Cond),
    ("My doctor switched me to {D} after my {C} got worse.", NoClaim),
    ("{D} was associated with fewer hospital visits for {C}.", Corr),
    ("Taking {D} with food can reduce {C}.", Direct),
    ("Whether {D} helps with {C} [remains to be seen].", Cond),
    ("{D} and {D2} are both used for {C}.", Direct),
    ("If you have {C}, talk to your doctor before starting {D}.", NoClaim),
    ("Early results [hint] that {D} [may] protect against {C}.", Cond),
    ("{D} prevents {C} in people at high risk.", Direct),
    ("There is no cure for {C}, but {D} [can] [possibly] slow it down.", Cond),
];

fn load_names(tsv: &str, max_len: usize) -> Vec<String> {
    let mut v: Vec<String> = tsv
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|s| {
            s.len() >= 3
                && s.len() <= max_len
                && s.split_whitespace().count() <= 3
                && s.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'')
        })
        .map(str::to_string)
        .collect();
    v.dedup();
    v
}

/// Capitalise the first letter (names in the gazetteers are lower-case).
fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>(),
        None => String::new(),
    }
}

/// `n` labelled template sentences, drawn with `rng`: half the drug names from the curated
/// list (classes, supplements), half from the full vocabulary (generics and brands).
pub fn generate(n: usize, rng: &mut StdRng) -> Result<Vec<Example>> {
    let drugs_all = load_names(include_str!("../../models/lexicon/drugs.tsv"), 20);
    let drugs_cur = load_names(include_str!("../../models/lexicon/extra_drugs.tsv"), 30);
    let conds_all = load_names(include_str!("../../models/lexicon/conditions.tsv"), 30);
    let conds_cur = load_names(include_str!("../../models/lexicon/extra_conditions.tsv"), 30);
    anyhow::ensure!(!drugs_all.is_empty() && !conds_all.is_empty(), "empty gazetteers");
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (tpl, strength) = TEMPLATES[rng.gen_range(0..TEMPLATES.len())];
        let mut pick = |all: &Vec<String>, cur: &Vec<String>| -> String {
            let src = if cur.is_empty() || rng.gen_bool(0.5) { all } else { cur };
            src[rng.gen_range(0..src.len())].clone()
        };
        let d = pick(&drugs_all, &drugs_cur);
        let d2 = pick(&drugs_all, &drugs_cur);
        let c = pick(&conds_all, &conds_cur);
        let c2 = pick(&conds_all, &conds_cur);
        let mut text = String::new();
        let mut ents = Vec::new();
        let mut cues = Vec::new();
        let mut rest = tpl;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('{') {
                let close = r.find('}').unwrap_or(r.len());
                let (slot, after) = (&r[..close], &r[(close + 1).min(r.len())..]);
                let (name, label) = match slot {
                    "D" => (&d, EntityLabel::Drug),
                    "D2" => (&d2, EntityLabel::Drug),
                    "C" => (&c, EntityLabel::Condition),
                    _ => (&c2, EntityLabel::Condition),
                };
                let name = if text.is_empty() { cap(name) } else { name.clone() };
                ents.push((text.len(), text.len() + name.len(), label));
                text.push_str(&name);
                rest = after;
            } else if let Some(r) = rest.strip_prefix('[') {
                let close = r.find(']').unwrap_or(r.len());
                cues.push((text.len(), text.len() + close));
                text.push_str(&r[..close]);
                rest = &r[(close + 1).min(r.len())..];
            } else {
                let next = rest.find(['{', '[']).unwrap_or(rest.len());
                text.push_str(&rest[..next]);
                rest = &rest[next..];
            }
        }
        out.push(Example {
            corpus: Corpus::Gazetteer,
            hedged: Some(!cues.is_empty()),
            cues: Some(cues),
            entities: Some(ents),
            claim: Some(strength),
            text,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_slots_and_label_spans() {
        let mut rng = StdRng::seed_from_u64(7);
        let ex = generate(200, &mut rng).unwrap();
        assert_eq!(ex.len(), 200);
        for e in &ex {
            assert!(!e.text.contains('{') && !e.text.contains('['), "{}", e.text);
            for &(s, t, _) in e.entities.as_ref().unwrap() {
                assert!(s < t && t <= e.text.len());
            }
            assert_eq!(e.hedged, Some(!e.cues.as_ref().unwrap().is_empty()));
        }
        assert!(ex.iter().any(|e| e.hedged == Some(true)) && ex.iter().any(|e| e.claim == Some(ClaimStrength::None)));
    }
}
