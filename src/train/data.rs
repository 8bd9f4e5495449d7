//! Training and evaluation data from ../shared/data: each corpus becomes [`Example`]s — a text with
//! whichever labels that corpus annotates (the others are `None` and masked out of the loss).
//!
//! | corpus | labels | split used for training | held out for `eval` |
//! |---|---|---|---|
//! | BC5CDR (IOB) | DRUG (Chemical), CONDITION (Disease) | train + devel | test |
//! | NCBI-disease (IOB) | CONDITION | train + devel | test |
//! | BioScope (derived JSONL) | hedge cues, uncertain sentence | `suggested_split` train | test |
//! | Yu 2019 claim strength | sentence claim strength | hash split, 4 of 5 | 1 of 5 (`--yu-fold`, 0 shipped) |
//! | web-synthetic | everything, located from its string gold | first 45 (a01–c05) | c06–c20 |

use crate::clean;
use crate::doc::{ClaimStrength, EntityLabel};
use crate::ingest::{Format, RawArticle};
use crate::segment;
use anyhow::{bail, Context, Result};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Corpus {
    Bc5cdr,
    Ncbi,
    Bioscope,
    Yu,
    Web,
    /// Template sentences filled from the gazetteers (web-style, brand names).
    Gazetteer,
}

impl Corpus {
    pub const ALL: [Corpus; 6] = [Corpus::Bc5cdr, Corpus::Ncbi, Corpus::Bioscope, Corpus::Yu, Corpus::Web, Corpus::Gazetteer];

    /// The command-line name (`bc5cdr`, `ncbi`, `bioscope`, `yu`, `web`, `gazetteer`).
    pub fn name(self) -> &'static str {
        match self {
            Corpus::Bc5cdr => "bc5cdr",
            Corpus::Ncbi => "ncbi",
            Corpus::Bioscope => "bioscope",
            Corpus::Yu => "yu",
            Corpus::Web => "web",
            Corpus::Gazetteer => "gazetteer",
        }
    }

    pub fn parse(name: &str) -> anyhow::Result<Corpus> {
        Corpus::ALL.into_iter().find(|c| c.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Corpus::ALL.iter().map(|c| c.name()).collect();
            anyhow::anyhow!("unknown corpus '{name}' (one of: {})", names.join(", "))
        })
    }
}

/// One training/evaluation text. Spans are byte offsets into `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub corpus: Corpus,
    pub text: String,
    pub entities: Option<Vec<(usize, usize, EntityLabel)>>,
    pub cues: Option<Vec<(usize, usize)>>,
    pub hedged: Option<bool>,
    pub claim: Option<ClaimStrength>,
}

impl Example {
    fn new(corpus: Corpus, text: String) -> Self {
        Example { corpus, text, entities: None, cues: None, hedged: None, claim: None }
    }
}

/// Which abstract each BC5CDR IOB sentence comes from: the IOB files carry no document marks, so
/// the sentences are aligned, whitespace ignored, with the PubTator file's titles and abstracts
/// (the IOB order differs from the PubTator order; an abstract's sentences are consecutive).
/// Returns one document index per example (PubTator order).
pub fn bc5cdr_documents(pubtator: &Path, ex: &[Example]) -> Result<Vec<usize>> {
    let raw = std::fs::read_to_string(pubtator).with_context(|| format!("cannot read {}", pubtator.display()))?;
    let squash = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let mut docs: Vec<String> = Vec::new();
    for line in raw.lines() {
        let mut f = line.splitn(3, '|');
        match (f.next(), f.next(), f.next()) {
            (Some(_), Some("t"), Some(title)) => docs.push(squash(title)),
            (Some(_), Some("a"), Some(abs)) => {
                if let Some(d) = docs.last_mut() {
                    d.push_str(&squash(abs));
                }
            }
            _ => {}
        }
    }
    let mut used = vec![false; docs.len()];
    let mut out = Vec::with_capacity(ex.len());
    let mut cur: Option<(usize, usize)> = None; // doc, position in its squashed text
    for (n, e) in ex.iter().enumerate() {
        let t = squash(&e.text);
        if let Some((d, pos)) = cur {
            if docs[d][pos..].starts_with(&t) {
                cur = Some((d, pos + t.len()));
                out.push(d);
                continue;
            }
        }
        let Some(d) = (0..docs.len()).find(|&d| !used[d] && docs[d].starts_with(&t)) else {
            bail!("sentence {} of the BC5CDR IOB file matches no PubTator abstract: {:.60}", n + 1, e.text);
        };
        used[d] = true;
        cur = Some((d, t.len()));
        out.push(d);
    }
    Ok(out)
}

/// BIO-tagged `token<TAB>tag` sentences (blank-line separated) → texts with tokens joined by
/// single spaces and the entity spans `map` keeps.
pub fn load_iob(path: &Path, corpus: Corpus, map: fn(&str) -> Option<EntityLabel>) -> Result<Vec<Example>> {
    let raw = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    let mut text = String::new();
    let mut spans: Vec<(usize, usize, EntityLabel)> = Vec::new();
    let mut open: Option<(usize, EntityLabel)> = None;
    let mut flush = |text: &mut String, spans: &mut Vec<(usize, usize, EntityLabel)>, open: &mut Option<(usize, EntityLabel)>| {
        if let Some((s, l)) = open.take() {
            spans.push((s, text.len(), l));
        }
        if !text.is_empty() {
            let mut ex = Example::new(corpus, std::mem::take(text));
            ex.entities = Some(std::mem::take(spans));
            out.push(ex);
        }
        spans.clear();
    };
    for line in raw.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            flush(&mut text, &mut spans, &mut open);
            continue;
        }
        let (tok, tag) = line.split_once('\t').unwrap_or((line, "O"));
        let (prefix, typ) = tag.split_once('-').unwrap_or((tag, ""));
        let label = if prefix == "O" { None } else { map(typ) };
        // close an open span unless this token continues it
        if let Some((s, l)) = open {
            if !(prefix == "I" && label == Some(l)) {
                spans.push((s, text.len(), l));
                open = None;
            }
        }
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(tok);
        if let Some(l) = label {
            if open.is_none() {
                open = Some((start, l));
            }
        }
    }
    flush(&mut text, &mut spans, &mut open);
    Ok(out)
}

pub fn bc5cdr_label(t: &str) -> Option<EntityLabel> {
    match t {
        "Chemical" => Some(EntityLabel::Drug),
        "Disease" => Some(EntityLabel::Condition),
        _ => None,
    }
}

pub fn ncbi_label(t: &str) -> Option<EntityLabel> {
    (t == "Disease").then_some(EntityLabel::Condition)
}

/// BioScope speculation cues that are not hedges in the project's guidelines (disjunction and
/// embedded questions).
const NOT_HEDGE_CUES: &[&str] = &["or", "and/or", "either", "whether", "whether or not", "if", "neither", "nor", "or not", "either or"];

/// BioScope sentences of one `suggested_split`: speculation cues (minus [`NOT_HEDGE_CUES`]) and
/// the uncertain label recomputed from the cues kept.
pub fn load_bioscope(path: &Path, split: &str) -> Result<Vec<Example>> {
    #[derive(serde::Deserialize)]
    struct Cue {
        #[serde(rename = "type")]
        kind: String,
        start: usize,
        end: usize,
        text: String,
    }
    #[derive(serde::Deserialize)]
    struct Row {
        text: String,
        cues: Vec<Cue>,
        suggested_split: String,
    }
    let raw = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let row: Row = serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), n + 1))?;
        if row.suggested_split != split {
            continue;
        }
        let byte_of = char_to_byte(&row.text);
        let cues: Vec<(usize, usize)> = row
            .cues
            .iter()
            .filter(|c| c.kind == "speculation" && !NOT_HEDGE_CUES.contains(&c.text.to_lowercase().as_str()))
            .filter(|c| c.start < c.end && c.end < byte_of.len())
            .map(|c| (byte_of[c.start], byte_of[c.end]))
            .collect();
        let mut ex = Example::new(Corpus::Bioscope, row.text);
        ex.hedged = Some(!cues.is_empty());
        ex.cues = Some(cues);
        out.push(ex);
    }
    Ok(out)
}

/// Byte offset of every code point (plus the end).
fn char_to_byte(s: &str) -> Vec<usize> {
    s.char_indices().map(|(b, _)| b).chain(std::iter::once(s.len())).collect()
}

/// Folds of Yu 2019's hash split; fold 0 is the held-out fifth of the shipped model.
pub const YU_FOLDS: u64 = 5;

/// Yu et al. 2019 sentences (labels 0 none, 1 direct causal, 2 conditional causal,
/// 3 correlational): with `test`, the fifth `fold` of a fixed hash split, else the other four.
pub fn load_yu(path: &Path, fold: u64, test: bool) -> Result<Vec<Example>> {
    if fold >= YU_FOLDS {
        bail!("Yu 2019 fold {fold} does not exist (0 to {})", YU_FOLDS - 1);
    }
    let mut rdr = csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{}", path.display()))?;
        let (text, label) = (rec.get(0).unwrap_or(""), rec.get(1).unwrap_or(""));
        let claim = match label.trim() {
            "0" => ClaimStrength::None,
            "1" => ClaimStrength::DirectCausal,
            "2" => ClaimStrength::ConditionalCausal,
            "3" => ClaimStrength::Correlational,
            other => anyhow::bail!("{}: unknown label {other:?}", path.display()),
        };
        if (fnv(text) % YU_FOLDS == fold) != test {
            continue;
        }
        let mut ex = Example::new(Corpus::Yu, text.to_string());
        ex.claim = Some(claim);
        out.push(ex);
    }
    Ok(out)
}

/// FNV-1a, for deterministic splits.
pub fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

/// String-based gold of web-synthetic / seeds (annotation-guidelines.md, as ../shared/eval/score.py
/// reads it).
#[derive(Debug, serde::Deserialize)]
pub struct Gold {
    pub doc: String,
    #[serde(default)]
    pub entities: Vec<GoldEntity>,
    #[serde(default)]
    pub hedges: Vec<GoldHedge>,
    #[serde(default)]
    pub claims: Vec<GoldClaim>,
}

#[derive(Debug, serde::Deserialize)]
pub struct GoldEntity {
    pub text: String,
    pub label: EntityLabel,
}

#[derive(Debug, serde::Deserialize)]
pub struct GoldHedge {
    pub cue: String,
    pub context: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct GoldClaim {
    pub context: String,
    pub strength: ClaimStrength,
}

/// Find `needle` in `hay` ignoring case and treating any whitespace run as equal; with `words`,
/// only at word boundaries. Returns byte spans of all non-overlapping matches.
pub fn find_ws(hay: &str, needle: &str, words: bool) -> Vec<(usize, usize)> {
    let parts: Vec<String> = needle.split_whitespace().map(regex::escape).collect();
    if parts.is_empty() {
        return vec![];
    }
    let Ok(re) = regex::RegexBuilder::new(&parts.join(r"\s+")).case_insensitive(true).build() else { return vec![] };
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    re.find_iter(hay)
        .filter(|m| !words || (!is_word(hay[..m.start()].chars().next_back()) && !is_word(hay[m.end()..].chars().next())))
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// Web articles with string gold → one Example per sentence, every head labelled.
pub fn load_web(corpus_dir: &Path, gold_dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    let mut golds: Vec<_> = std::fs::read_dir(gold_dir)
        .with_context(|| format!("cannot read {}", gold_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    golds.sort();
    for gp in golds {
        let gold: Gold = serde_json::from_slice(&std::fs::read(&gp)?).with_context(|| format!("{}", gp.display()))?;
        if !keep(&gold.doc) {
            continue;
        }
        let ap = corpus_dir.join(&gold.doc);
        let bytes = std::fs::read(&ap).with_context(|| format!("cannot read {}", ap.display()))?;
        let raw = RawArticle::new(gold.doc.clone(), ap.display().to_string(), Format::Text, bytes, Default::default());
        let text = clean::clean(&raw).map_err(|e| anyhow::anyhow!("{}: {e}", ap.display()))?.text;
        out.extend(web_examples(&text, &gold));
    }
    Ok(out)
}

/// Label every sentence of an article from its string gold.
pub fn web_examples(text: &str, gold: &Gold) -> Vec<Example> {
    // entities: all word-bounded occurrences, longest first among overlaps (as score.py does)
    let mut ents: Vec<(usize, usize, EntityLabel)> = Vec::new();
    for e in &gold.entities {
        ents.extend(find_ws(text, &e.text, true).into_iter().map(|(s, t)| (s, t, e.label)));
    }
    ents.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e - s)));
    let mut kept: Vec<(usize, usize, EntityLabel)> = Vec::new();
    for e in ents {
        if kept.last().is_some_and(|k| k.1 > e.0) {
            continue;
        }
        kept.push(e);
    }
    let mut cues: Vec<(usize, usize)> = Vec::new();
    for h in &gold.hedges {
        if let Some(&(cs, ce)) = find_ws(text, &h.context, false).first() {
            if let Some(&(s, e)) = find_ws(&text[cs..ce], &h.cue, true).first() {
                cues.push((cs + s, cs + e));
            }
        }
    }
    let mut claims: Vec<(usize, ClaimStrength)> = Vec::new();
    for c in &gold.claims {
        if let Some(&(s, _)) = find_ws(text, &c.context, false).first() {
            claims.push((s, c.strength));
        }
    }
    let mut out = Vec::new();
    for (span, _) in segment::segment(text) {
        let (ss, se) = (span.start, span.end);
        let inside = |s: usize, e: usize| ss <= s && e <= se;
        let mut ex = Example::new(Corpus::Web, text[ss..se].to_string());
        ex.entities = Some(kept.iter().filter(|e| inside(e.0, e.1)).map(|&(s, e, l)| (s - ss, e - ss, l)).collect());
        let c: Vec<(usize, usize)> = cues.iter().filter(|c| inside(c.0, c.1)).map(|&(s, e)| (s - ss, e - ss)).collect();
        ex.hedged = Some(!c.is_empty());
        ex.cues = Some(c);
        ex.claim = Some(claims.iter().find(|(s, _)| ss <= *s && *s < se).map(|c| c.1).unwrap_or(ClaimStrength::None));
        out.push(ex);
    }
    out
}

/// Article names of web-synthetic used for training: the first 45 in sorted order (a01–a20,
/// b01–b20, c01–c05); c06–c20 are held out.
pub fn web_train_doc(name: &str) -> bool {
    let n = name.get(1..3).and_then(|n| n.parse::<u32>().ok());
    match (name.chars().next(), n) {
        (Some('a' | 'b'), Some(_)) => true,
        (Some('c'), Some(n)) => n <= 5,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bc5cdr_sentences_are_matched_to_their_abstracts() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.txt");
        std::fs::write(&p, "1|t|Drug A harms.\n1|a|It was seen. Twice.\n1\t0\t4\tDrug\tChemical\tD1\n\n2|t|Other title.\n2|a|Body text.\n").unwrap();
        let ex: Vec<Example> = ["Other title .", "Body text .", "Drug A harms .", "It was seen .", "Twice ."]
            .iter()
            .map(|t| Example::new(Corpus::Bc5cdr, t.to_string()))
            .collect();
        assert_eq!(bc5cdr_documents(&p, &ex).unwrap(), vec![1, 1, 0, 0, 0]);
        let stray = vec![Example::new(Corpus::Bc5cdr, "Not there .".into())];
        let err = bc5cdr_documents(&p, &stray).unwrap_err().to_string();
        assert!(err.contains("sentence 1") && err.contains("Not there"), "{err}");
    }

    #[test]
    fn iob_spans_cover_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.tsv");
        std::fs::write(&p, "Selegiline\tB-Chemical\n-\tO\ninduced\tO\npostural\tB-Disease\nhypotension\tI-Disease\n\nA\tO\nB\tI-Disease\n").unwrap();
        let ex = load_iob(&p, Corpus::Bc5cdr, bc5cdr_label).unwrap();
        assert_eq!(ex.len(), 2);
        let e = ex[0].entities.as_ref().unwrap();
        let got: Vec<&str> = e.iter().map(|&(s, t, _)| &ex[0].text[s..t]).collect();
        assert_eq!(got, vec!["Selegiline", "postural hypotension"]);
        assert_eq!(e[0].2, EntityLabel::Drug);
        assert_eq!(&ex[1].text[ex[1].entities.as_ref().unwrap()[0].0..], "B");
    }

    #[test]
    fn yu_folds_split_the_sentences_into_five_disjoint_test_sets() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("yu.csv");
        let mut csv = String::from("sentence,label\n");
        for i in 0..40 {
            csv.push_str(&format!("Sentence number {i} reports an association.,{}\n", i % 4));
        }
        std::fs::write(&p, csv).unwrap();
        let text = |v: Vec<Example>| v.into_iter().map(|e| e.text).collect::<std::collections::BTreeSet<_>>();
        let mut seen = std::collections::BTreeSet::new();
        for fold in 0..YU_FOLDS {
            let test = text(load_yu(&p, fold, true).unwrap());
            let train = text(load_yu(&p, fold, false).unwrap());
            assert_eq!(test.len() + train.len(), 40);
            assert!(test.is_disjoint(&train) && test.is_disjoint(&seen), "fold {fold}");
            assert!(!test.is_empty(), "fold {fold} is empty");
            seen.extend(test);
        }
        assert_eq!(seen.len(), 40);
        let err = load_yu(&p, 5, true).unwrap_err().to_string();
        assert!(err.contains("fold 5"), "{err}");
    }

    #[test]
    fn find_ws_respects_word_boundaries_and_whitespace() {
        let t = "Ketamine infusions; ketamines.  Low\n dose naltrexone";
        assert_eq!(find_ws(t, "ketamine", true), vec![(0, 8)]);
        assert_eq!(find_ws(t, "low dose", true), vec![(32, 41)]);
    }

    #[test]
    fn web_split_is_by_article_number() {
        assert!(web_train_doc("a01_x.txt") && web_train_doc("b20_y.txt") && web_train_doc("c05_y.txt"));
        assert!(!web_train_doc("c06_z.txt") && !web_train_doc("c20_z.txt"));
    }
}
