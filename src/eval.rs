//! `healthclaims eval`: scores of the shipped model on held-out test splits that training never
//! sees (train/data.rs defines the splits): BC5CDR and NCBI-disease entity F1 (exact span),
//! BioScope uncertain-sentence and cue F1, Yu 2019 claim-strength macro-F1, web-synthetic
//! held-out articles. Prints a Markdown table (the model card's) and optionally JSON.

use crate::doc::{ByteSpan, ClaimStrength, Doc, Entity, EntityLabel, Origin, Sentence, SentenceKind};
use crate::runtime::{EntityScheme, Model, SentencePrediction, SpanPrediction};
use crate::tag::entities;
use crate::train::data::{self, Example};
use anyhow::Result;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Prf {
    pub fn add(&mut self, o: Prf) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
    pub fn p(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn r(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Exact-match counts of two span sets.
    pub fn of_sets<T: Ord + Clone>(gold: &[T], pred: &[T]) -> Prf {
        let g: std::collections::BTreeSet<T> = gold.iter().cloned().collect();
        let p: std::collections::BTreeSet<T> = pred.iter().cloned().collect();
        let tp = g.intersection(&p).count();
        Prf { tp, fp: p.len() - tp, fn_: g.len() - tp }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// One benchmark line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub task: String,
    pub metric: String,
    pub value: f64,
    pub n: usize,
    pub target: Option<f64>,
}

fn predict_all(model: &Model, ex: &[Example]) -> Result<Vec<SentencePrediction>> {
    predict_scheme(model, ex, EntityScheme::Guidelines)
}

fn predict_scheme(model: &Model, ex: &[Example], scheme: EntityScheme) -> Result<Vec<SentencePrediction>> {
    let texts: Vec<&str> = ex.iter().map(|e| e.text.as_str()).collect();
    let mut out = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(512) {
        out.extend(model.predict_with(chunk, scheme)?);
    }
    Ok(out)
}

/// Chemical, disease and combined F1 rows of one set of BC5CDR predictions.
fn bc5cdr_rows(scores: &mut Vec<Score>, task: &str, ex: &[Example], preds: &[SentencePrediction], targets: bool) {
    let m = entity_counts(ex, preds, &EntityLabel::ALL);
    let mut all = Prf::default();
    for (l, name, target) in [(EntityLabel::Drug, "chemical F1", 89.0), (EntityLabel::Condition, "disease F1", 80.0)] {
        let c = m.get(&l).copied().unwrap_or_default();
        all.add(c);
        scores.push(Score { task: task.into(), metric: name.into(), value: 100.0 * c.f1(), n: c.tp + c.fn_, target: targets.then_some(target) });
    }
    scores.push(Score { task: task.into(), metric: "combined micro-F1".into(), value: 100.0 * all.f1(), n: all.tp + all.fn_, target: targets.then_some(85.0) });
}

/// Entity exact-span counts per label.
pub fn entity_counts(ex: &[Example], preds: &[SentencePrediction], labels: &[EntityLabel]) -> BTreeMap<EntityLabel, Prf> {
    let mut m: BTreeMap<EntityLabel, Prf> = BTreeMap::new();
    for (e, p) in ex.iter().zip(preds) {
        let Some(gold) = &e.entities else { continue };
        for &l in labels {
            let g: Vec<(usize, usize)> = gold.iter().filter(|x| x.2 == l).map(|x| (x.0, x.1)).collect();
            let s: Vec<(usize, usize)> = p.entities.iter().filter(|x| x.1 == l).map(|x| (x.0.start, x.0.end)).collect();
            m.entry(l).or_default().add(Prf::of_sets(&g, &s));
        }
    }
    m
}

/// Sentence predictions after the entity stage's document rules ([`entities::document_rules`])
/// ran over each document; `docs[i]` is the document of sentence `i`.
pub fn with_document_context(ex: &[Example], preds: &[SentencePrediction], docs: &[usize]) -> Vec<SentencePrediction> {
    let mut out: Vec<SentencePrediction> = preds.to_vec();
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &d) in docs.iter().enumerate() {
        members.entry(d).or_default().push(i);
    }
    for idx in members.values() {
        let mut doc = Doc::new("", "", String::new());
        let mut ents = Vec::new();
        for (k, &i) in idx.iter().enumerate() {
            if k > 0 {
                doc.text.push('\n');
            }
            let start = doc.text.len();
            doc.text.push_str(&ex[i].text);
            doc.sentences.push(Sentence::new(ByteSpan::new(start, doc.text.len()), SentenceKind::Prose));
            for (sp, label) in &preds[i].entities {
                let span = ByteSpan::new(start + sp.start, start + sp.end);
                ents.push(Entity { span, label: *label, score: sp.score, sentence: k, origin: Origin::Model, concept: None });
            }
        }
        entities::document_rules(&doc, &mut ents);
        for &i in idx {
            out[i].entities.clear();
        }
        for e in ents {
            let (i, start) = (idx[e.sentence], doc.sentences[e.sentence].span.start);
            out[i].entities.push((SpanPrediction { start: e.span.start - start, end: e.span.end - start, score: e.score }, e.label));
        }
    }
    out
}

/// Macro-F1 over the given classes of (gold, predicted) pairs.
pub fn macro_f1(pairs: &[(ClaimStrength, ClaimStrength)], classes: &[ClaimStrength]) -> f64 {
    let f: Vec<f64> = classes
        .iter()
        .map(|&c| {
            let tp = pairs.iter().filter(|(g, p)| *g == c && *p == c).count();
            let fp = pairs.iter().filter(|(g, p)| *g != c && *p == c).count();
            let fn_ = pairs.iter().filter(|(g, p)| *g == c && *p != c).count();
            Prf { tp, fp, fn_ }.f1()
        })
        .collect();
    f.iter().sum::<f64>() / f.len().max(1) as f64
}

/// Entity errors of one sentence, for `healthclaims eval --errors` (error analysis).
#[derive(Debug, Serialize)]
struct EntityErrors<'a> {
    task: &'a str,
    text: &'a str,
    /// Gold spans the model did not produce exactly: (text, label).
    missed: Vec<(&'a str, EntityLabel)>,
    /// Predicted spans that are not gold: (text, label, score).
    spurious: Vec<(&'a str, EntityLabel, f32)>,
}

/// A sentence whose claim strength the model got wrong, for `healthclaims eval --errors`.
#[derive(Debug, Serialize)]
struct ClaimError<'a> {
    task: &'a str,
    text: &'a str,
    gold: ClaimStrength,
    predicted: ClaimStrength,
    /// The model's probability of `predicted`.
    probability: f32,
}

/// Writes every sentence with a missed or spurious entity span as one JSON line.
fn write_entity_errors(out: &mut dyn Write, task: &str, ex: &[Example], preds: &[SentencePrediction]) -> Result<()> {
    for (e, p) in ex.iter().zip(preds) {
        let Some(gold) = &e.entities else { continue };
        let g: BTreeSet<(usize, usize, EntityLabel)> = gold.iter().copied().collect();
        let s: BTreeMap<(usize, usize, EntityLabel), f32> = p.entities.iter().map(|x| ((x.0.start, x.0.end, x.1), x.0.score)).collect();
        let missed: Vec<_> = g.iter().filter(|k| !s.contains_key(k)).map(|k| (&e.text[k.0..k.1], k.2)).collect();
        let spurious: Vec<_> = s.iter().filter(|(k, _)| !g.contains(k)).map(|(k, &sc)| (&e.text[k.0..k.1], k.2, sc)).collect();
        if !missed.is_empty() || !spurious.is_empty() {
            serde_json::to_writer(&mut *out, &EntityErrors { task, text: &e.text, missed, spurious })?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Run every benchmark; `data_dir` is ../shared/data.
pub fn evaluate(model: &Model, data_dir: &Path, quick: bool) -> Result<Vec<Score>> {
    evaluate_with_errors(model, data_dir, quick, None)
}

/// [`evaluate`], also writing each entity error as a JSON line to `errors`.
pub fn evaluate_with_errors(model: &Model, data_dir: &Path, quick: bool, mut errors: Option<&mut dyn Write>) -> Result<Vec<Score>> {
    let mut scores = Vec::new();
    // Quick mode: an evenly spaced subset (files can be ordered by label, so not the first n).
    let cap = |v: Vec<Example>, n: usize| {
        if !quick || v.len() <= n {
            return v;
        }
        let step = v.len() as f64 / n as f64;
        (0..n).map(|i| v[(i as f64 * step) as usize].clone()).collect()
    };
    // BC5CDR test
    let bc = cap(data::load_iob(&data_dir.join("bc5cdr/iob/test.tsv"), data::Corpus::Bc5cdr, data::bc5cdr_label)?, 400);
    // Scored with the head trained to BC5CDR's conventions (every chemical is one); the
    // guidelines' head, which `annotate` uses, follows below.
    let bp = predict_scheme(model, &bc, EntityScheme::PubMed)?;
    if let Some(w) = &mut errors {
        write_entity_errors(&mut **w, "bc5cdr", &bc, &bp)?;
    }
    bc5cdr_rows(&mut scores, "BC5CDR test", &bc, &bp, true);
    // The same predictions with each abstract as context, as `annotate` reads an article: the
    // entity stage's document rules (abbreviations defined in parentheses, their other
    // occurrences). Whole abstracts only, so not in quick mode.
    if !quick {
        let docs = data::bc5cdr_documents(&data_dir.join("bc5cdr/pubtator/CDR_TestSet.PubTator.txt"), &bc)?;
        let dp = with_document_context(&bc, &bp, &docs);
        if let Some(w) = &mut errors {
            write_entity_errors(&mut **w, "bc5cdr-context", &bc, &dp)?;
        }
        bc5cdr_rows(&mut scores, "BC5CDR test, abstract as context", &bc, &dp, false);
        let gp = predict_all(model, &bc)?;
        bc5cdr_rows(&mut scores, "BC5CDR test, DRUG/CONDITION head", &bc, &gp, false);
    }
    // NCBI-disease test
    let nc = cap(data::load_iob(&data_dir.join("ncbi-disease/iob/test.tsv"), data::Corpus::Ncbi, data::ncbi_label)?, 300);
    let np = predict_scheme(model, &nc, EntityScheme::PubMed)?;
    if let Some(w) = &mut errors {
        write_entity_errors(&mut **w, "ncbi", &nc, &np)?;
    }
    let disease = |p: &[SentencePrediction]| entity_counts(&nc, p, &[EntityLabel::Condition]).get(&EntityLabel::Condition).copied().unwrap_or_default();
    let c = disease(&np);
    scores.push(Score { task: "NCBI-disease test".into(), metric: "disease F1".into(), value: 100.0 * c.f1(), n: c.tp + c.fn_, target: None });
    if !quick {
        let c = disease(&predict_all(model, &nc)?);
        scores.push(Score { task: "NCBI-disease test, DRUG/CONDITION head".into(), metric: "disease F1".into(), value: 100.0 * c.f1(), n: c.tp + c.fn_, target: None });
    }
    // BioScope test
    let bs = cap(data::load_bioscope(&data_dir.join("bioscope/bioscope_sentences.jsonl"), "test")?, 400);
    let bsp = predict_all(model, &bs)?;
    let mut sent = Prf::default();
    let mut cue = Prf::default();
    for (e, p) in bs.iter().zip(&bsp) {
        let g = e.hedged == Some(true);
        let s = p.hedged >= 0.5;
        sent.add(Prf { tp: usize::from(g && s), fp: usize::from(!g && s), fn_: usize::from(g && !s) });
        let gc: Vec<(usize, usize)> = e.cues.clone().unwrap_or_default();
        let sc: Vec<(usize, usize)> = p.cues.iter().map(|c| (c.start, c.end)).collect();
        cue.add(Prf::of_sets(&gc, &sc));
    }
    scores.push(Score { task: "BioScope test".into(), metric: "uncertain-sentence F1".into(), value: 100.0 * sent.f1(), n: sent.tp + sent.fn_, target: Some(88.0) });
    scores.push(Score { task: "BioScope test".into(), metric: "cue F1 (exact)".into(), value: 100.0 * cue.f1(), n: cue.tp + cue.fn_, target: None });
    // Yu 2019: the fifth this model was not trained on (heads.json records it; 0 before it did)
    let fold = model.heads.yu_fold();
    let yu_task = if fold == 0 { "Yu 2019 (held-out fifth)".to_string() } else { format!("Yu 2019 (held-out fifth, fold {fold})") };
    let yu = cap(data::load_yu(&data_dir.join("causal-language-yu2019/pubmed_causal_language_use.csv"), fold, true)?, 300);
    let yp = predict_all(model, &yu)?;
    let pairs: Vec<(ClaimStrength, ClaimStrength)> = yu.iter().zip(&yp).map(|(e, p)| (e.claim.unwrap_or_default(), p.claim_label().0)).collect();
    if let Some(w) = &mut errors {
        for ((e, p), &(gold, predicted)) in yu.iter().zip(&yp).zip(&pairs) {
            if gold != predicted {
                serde_json::to_writer(&mut **w, &ClaimError { task: "yu", text: &e.text, gold, predicted, probability: p.claim_label().1 })?;
                w.write_all(b"\n")?;
            }
        }
    }
    scores.push(Score { task: yu_task.clone(), metric: "macro-F1 (4 classes)".into(), value: macro_f1(&pairs, &ClaimStrength::ALL), n: pairs.len(), target: Some(0.86) });
    if !quick {
        for c in ClaimStrength::ALL {
            let n = pairs.iter().filter(|(g, _)| *g == c).count();
            scores.push(Score { task: yu_task.clone(), metric: format!("F1 {}", c.as_str()), value: macro_f1(&pairs, &[c]), n, target: None });
        }
    }
    // web-synthetic held-out articles
    let web = data::load_web(&data_dir.join("web-synthetic/corpus"), &data_dir.join("web-synthetic/gold"), |d| !data::web_train_doc(d))?;
    let wp = predict_all(model, &web)?;
    if let Some(w) = &mut errors {
        write_entity_errors(&mut **w, "web", &web, &wp)?;
    }
    let m = entity_counts(&web, &wp, &EntityLabel::ALL);
    for (l, name) in [(EntityLabel::Drug, "DRUG exact F1"), (EntityLabel::Condition, "CONDITION exact F1")] {
        let c = m.get(&l).copied().unwrap_or_default();
        scores.push(Score { task: "web-synthetic c06–c20".into(), metric: name.into(), value: 100.0 * c.f1(), n: c.tp + c.fn_, target: None });
    }
    let mut hs = Prf::default();
    for (e, p) in web.iter().zip(&wp) {
        let (g, s) = (e.hedged == Some(true), p.hedged >= 0.5);
        hs.add(Prf { tp: usize::from(g && s), fp: usize::from(!g && s), fn_: usize::from(g && !s) });
    }
    scores.push(Score { task: "web-synthetic c06–c20".into(), metric: "hedged-sentence F1".into(), value: 100.0 * hs.f1(), n: hs.tp + hs.fn_, target: None });
    let pairs: Vec<(ClaimStrength, ClaimStrength)> = web.iter().zip(&wp).map(|(e, p)| (e.claim.unwrap_or_default(), p.claim_label().0)).collect();
    scores.push(Score { task: "web-synthetic c06–c20".into(), metric: "claim macro-F1 (4 classes)".into(), value: macro_f1(&pairs, &ClaimStrength::ALL), n: pairs.len(), target: None });
    Ok(scores)
}

/// The sets the whole pipeline is scored on: the web dev split of the evaluation protocol (the
/// articles `train-pairs` holds out: web-synthetic c06–c20 and even-numbered d*) and the five
/// seed articles; (task name, article folder, gold folder, which gold files).
fn pipeline_sets(data_dir: &Path) -> Vec<(&'static str, std::path::PathBuf, std::path::PathBuf, fn(&str) -> bool)> {
    let shared = data_dir.join("..");
    vec![
        (
            "web dev split (c06–c20, even d*), pipeline",
            data_dir.join("web-synthetic/corpus"),
            data_dir.join("web-synthetic/gold"),
            crate::train::pairs::is_dev_article as fn(&str) -> bool,
        ),
        ("seed articles, pipeline", shared.join("corpus-seeds"), shared.join("gold/seeds"), |_: &str| true),
    ]
}

/// Every metric of ../shared/eval/score.py for the whole pipeline (`annotate` with the model
/// `runtime` names, at its precision) on the web dev split and the seeds: the articles are annotated here and the
/// records scored by that script (python3), so the figures are the ones the project is judged by.
pub fn pipeline_scores(runtime: crate::runtime::RuntimeConfig, data_dir: &Path) -> Result<Vec<Score>> {
    use anyhow::Context;
    let pipeline = crate::pipeline::Pipeline::new(crate::pipeline::PipelineConfig { model: Some(runtime), ..Default::default() })?;
    let script = data_dir.join("../eval/score.py");
    let mut scores = Vec::new();
    for (task, corpus, gold, keep) in pipeline_sets(data_dir) {
        let tmp = tempfile::tempdir()?;
        let gold_tmp = tmp.path().join("gold");
        std::fs::create_dir(&gold_tmp)?;
        let mut golds: Vec<std::path::PathBuf> = std::fs::read_dir(&gold)
            .with_context(|| format!("cannot read {}", gold.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        golds.sort();
        let mut items = Vec::new();
        for g in golds {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&g)?).with_context(|| g.display().to_string())?;
            let doc = v["doc"].as_str().with_context(|| format!("{}: no doc", g.display()))?.to_string();
            if !keep(&doc) {
                continue;
            }
            std::fs::copy(&g, gold_tmp.join(g.file_name().unwrap_or_default()))?;
            let path = corpus.join(&doc);
            let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let id = Path::new(&doc).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or(doc.clone());
            let format = match crate::ingest::format_of(&path) {
                Some(crate::ingest::FileKind::Article(f)) => f,
                _ => crate::ingest::Format::Text,
            };
            items.push(Ok(crate::ingest::RawArticle::new(id, path.display().to_string(), format, bytes, Default::default())));
        }
        let n_articles = items.len();
        let records = pipeline.process_chunk(items);
        let out = tmp.path().join("out.jsonl");
        let mut lines = String::new();
        for r in &records {
            lines.push_str(&serde_json::to_string(r)?);
            lines.push('\n');
        }
        std::fs::write(&out, lines)?;
        let res = std::process::Command::new("python3")
            .arg(&script)
            .arg("--output")
            .arg(&out)
            .arg("--gold")
            .arg(&gold_tmp)
            .arg("--json")
            .output()
            .with_context(|| format!("cannot run python3 {}", script.display()))?;
        if !res.status.success() {
            anyhow::bail!("{} failed: {}", script.display(), String::from_utf8_lossy(&res.stderr));
        }
        let v: serde_json::Value = serde_json::from_slice(&res.stdout).context("score.py printed no JSON")?;
        let task = format!("{task}, {n_articles} articles");
        for (metric, x) in v.as_object().into_iter().flatten() {
            if let Some(f1) = x.get("f1").and_then(|f| f.as_f64()) {
                let n = (x["tp"].as_u64().unwrap_or(0) + x["fn"].as_u64().unwrap_or(0)) as usize;
                scores.push(Score { task: task.clone(), metric: format!("{metric} F1"), value: f1, n, target: pipeline_target(metric) });
            } else if let Some(val) = x.as_f64().filter(|_| metric != "gold_unlocated" && metric != "docs") {
                scores.push(Score { task: task.clone(), metric: metric.clone(), value: val, n: 0, target: pipeline_target(metric) });
            }
        }
    }
    Ok(scores)
}

/// The targets of issue 16 on the web dev split.
fn pipeline_target(metric: &str) -> Option<f64> {
    match metric {
        "claim_pair" | "negated_claim_pair" => Some(0.80),
        "claim_detection" | "claim_strength_macro_f1" | "unsupported_quote" => Some(0.85),
        "hedged_sentence" => Some(0.90),
        "quote_detection" => Some(0.93),
        _ => None,
    }
}

/// The scores as a Markdown table.
pub fn markdown(scores: &[Score]) -> String {
    let mut s = String::from("| task | metric | score | target | n (gold) |\n|---|---|---|---|---|\n");
    for x in scores {
        let fmt = |v: f64| if v <= 1.0 { format!("{v:.3}") } else { format!("{v:.1}") };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            x.task,
            x.metric,
            fmt(x.value),
            x.target.map(|t| format!("≥ {}", fmt(t))).unwrap_or_else(|| "–".into()),
            x.n
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_and_macro_f1() {
        let p = Prf::of_sets(&[(0, 1), (2, 3)], &[(0, 1), (4, 5)]);
        assert_eq!((p.tp, p.fp, p.fn_), (1, 1, 1));
        assert!((p.f1() - 0.5).abs() < 1e-9);
        use ClaimStrength::*;
        let pairs = [(None, None), (DirectCausal, DirectCausal), (Correlational, None)];
        let f = macro_f1(&pairs, &[None, DirectCausal]);
        // none: P 1/2, R 1 → F1 2/3; direct: F1 1
        assert!((f - (2.0 / 3.0 + 1.0) / 2.0).abs() < 1e-9, "{f}");
    }
}
