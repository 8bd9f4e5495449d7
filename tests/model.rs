//! The shipped transformer, on the CPU, in every CI run: it loads, its label maps match this
//! build, it finds what it must in web-style sentences, and a small slice of each held-out test
//! split scores within a tolerance of the figures in models/MODEL_CARD.md. A broken or
//! mis-exported model fails here.

use healthclaims::doc::{ClaimStrength, EntityLabel};
use healthclaims::eval;
use healthclaims::encode::Batch;
use healthclaims::runtime::{default_model_dir, rows, EntityScheme, Model, Precision, RuntimeConfig};
use std::path::Path;
use std::time::Instant;

fn model() -> Model {
    Model::load(RuntimeConfig { model_dir: default_model_dir(), torch_threads: 2, ..Default::default() }).expect("shipped model loads")
}

fn model_at(precision: Precision) -> Model {
    Model::load(RuntimeConfig { model_dir: default_model_dir(), torch_threads: 2, precision, ..Default::default() }).expect("shipped model loads")
}

/// ../shared/data (the public corpora), or None, with a note, where this checkout lacks it.
fn shared_data() -> Option<&'static Path> {
    let data = Path::new("../shared/data");
    if data.exists() {
        Some(data)
    } else {
        eprintln!("skipped: ../shared/data is absent");
        None
    }
}

#[test]
fn loads_and_tags_web_sentences() {
    let t = Instant::now();
    let m = model();
    eprintln!("model load: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let s = [
        "Metformin may help lower blood sugar in people with type 2 diabetes.",
        "Ibuprofen relieves headaches.",
        "Serotonin is a neurotransmitter made in the gut.",
        "Patients on Ozempic were more likely to report nausea, researchers found 😀.",
    ];
    let p = m.predict(&s).unwrap();
    let ents = |i: usize| -> Vec<(String, EntityLabel)> {
        p[i].entities.iter().map(|(sp, l)| (s[i][sp.start..sp.end].to_string(), *l)).collect()
    };
    assert!(ents(0).contains(&("Metformin".into(), EntityLabel::Drug)), "{:?}", ents(0));
    assert!(ents(0).iter().any(|(t, l)| *l == EntityLabel::Condition && t.contains("diabetes")), "{:?}", ents(0));
    assert!(ents(1).contains(&("Ibuprofen".into(), EntityLabel::Drug)), "{:?}", ents(1));
    assert!(p[0].hedged > 0.5, "'may help' is hedged: {}", p[0].hedged);
    assert!(p[1].hedged < 0.5, "a plain statement is not hedged: {}", p[1].hedged);
    assert!(p[0].cues.iter().any(|c| &s[0][c.start..c.end] == "may"), "cue 'may'");
    assert_ne!(p[2].claim_label().0, ClaimStrength::DirectCausal);
    assert!(p[0].claim_label().0.is_claim(), "{:?}", p[0].claim);
    // offsets are on char boundaries even with emoji
    for (sp, _) in &p[3].entities {
        assert!(s[3].is_char_boundary(sp.start) && s[3].is_char_boundary(sp.end));
    }
}

#[test]
fn held_out_slices_score_near_the_model_card() {
    let Some(data) = shared_data() else { return };
    let m = model();
    let mut errors: Vec<u8> = Vec::new();
    let scores = eval::evaluate_with_errors(&m, data, true, Some(&mut errors)).unwrap();
    // `eval --errors`: one JSON line per sentence with a missed or spurious span, each span's
    // text taken from its sentence
    let lines: Vec<serde_json::Value> = String::from_utf8(errors).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.len() > 50, "{} error lines", lines.len());
    let mut tasks = std::collections::BTreeSet::new();
    for l in &lines {
        let text = l["text"].as_str().unwrap();
        tasks.insert(l["task"].as_str().unwrap().to_string());
        if l["task"] == "yu" {
            // a wrong claim strength: gold and prediction differ, both labels of the schema
            assert_ne!(l["gold"], l["predicted"], "{l}");
            for k in ["gold", "predicted"] {
                let v = l[k].as_str().unwrap();
                assert!(["none", "correlational", "conditional_causal", "direct_causal"].contains(&v), "{l}");
            }
            continue;
        }
        let (missed, spurious) = (l["missed"].as_array().unwrap(), l["spurious"].as_array().unwrap());
        assert!(!missed.is_empty() || !spurious.is_empty(), "{l}");
        for sp in missed.iter().chain(spurious) {
            assert!(text.contains(sp[0].as_str().unwrap()), "{l}");
            assert!(matches!(sp[1].as_str().unwrap(), "DRUG" | "CONDITION"), "{l}");
        }
    }
    assert_eq!(tasks.into_iter().collect::<Vec<_>>(), ["bc5cdr", "ncbi", "web", "yu"]);
    let get = |task: &str, metric: &str| {
        scores.iter().find(|s| s.task.starts_with(task) && s.metric.starts_with(metric)).map(|s| s.value).unwrap()
    };
    eprintln!("{}", eval::markdown(&scores));
    // Floors: the quick slices' figures at release time, less a tolerance (see MODEL_CARD.md).
    // Quick slices at release (0.6.0): BC5CDR combined 85.5, NCBI 75.8, BioScope uncertain
    // 89.7, Yu macro-F1 0.876. (0.5.0: 84.5 / 76.1 / 89.2 / 0.879; 0.4.0: 84.5 / 76.0 / 91.2 / 0.860; 0.3.0: 83.8 / 75.4 / 90.5 / 0.870; 0.2.0 scored 78.9 / 73.8 /
    // 91.2 / 0.853 with greedy decoding, 0.1.0 68.6 / 51.6 / 88.9 / 0.851: these floors fail both.)
    assert!(get("BC5CDR", "combined") >= 81.0, "BC5CDR combined {}", get("BC5CDR", "combined"));
    assert!(get("NCBI", "disease") >= 72.0, "NCBI {}", get("NCBI", "disease"));
    assert!(get("BioScope", "uncertain") >= 86.0, "BioScope {}", get("BioScope", "uncertain"));
    assert!(get("Yu", "macro") >= 0.83, "Yu {}", get("Yu", "macro"));
}

#[test]
fn a_sentence_gets_the_same_prediction_alone_or_batched_with_others() {
    // The pipeline batches sentences across articles, so which sentences share a batch depends
    // on chunking, --resume and threads; the output must not, at either precision.
    for precision in [Precision::Fp32, Precision::Int8] {
        let m = model_at(precision);
        assert_eq!(m.precision(), precision);
        let together = m.predict(&INVARIANCE).unwrap();
        for (i, text) in INVARIANCE.iter().enumerate() {
            let alone = m.predict(&[text]).unwrap().pop().unwrap();
            assert_eq!(alone, together[i], "{precision}: sentence {i} changed with its batch-mates");
        }
        // and the same rows in another order
        let rev: Vec<&str> = INVARIANCE.iter().rev().copied().collect();
        let reversed = m.predict(&rev).unwrap();
        for (i, p) in reversed.iter().rev().enumerate() {
            assert_eq!(*p, together[i], "{precision}: sentence {i} changed with the order");
        }
    }
}

/// Sentences of which several share a length (so they share a batch) and some stand alone.
const INVARIANCE: [&str; 9] = [
    "Aspirin may lower the risk of stroke.",
    "Aspirin may lower the risk of colds.",
    "Statins were linked to fewer heart attacks in a large cohort of older adults.",
    "Drinking coffee causes cancer, a blogger claimed.",
    "Vitamin D might protect against depression, but the evidence is weak and mixed.",
    "Ibuprofen relieves headaches.",
    "Yes.",
    "No",
    "In a randomized trial of 1,200 adults, those who took 2,000 IU of vitamin D3 daily for five years had no fewer fractures, falls or cancers than those who took a placebo, according to the researchers, who cautioned that the participants were mostly healthy.",
];

#[test]
fn int8_encoder_stays_close_to_fp32_and_tags_alike() {
    let (f, q) = (model_at(Precision::Fp32), model_at(Precision::Int8));
    // the last hidden layer, token by token: the int8 encoder (our own forward over the same
    // weights) points where rust-bert's fp32 one does
    let rs = rows(&f.encoder, &INVARIANCE).unwrap();
    for r in &rs {
        let batch = Batch::new(&f.encoder, &[&r.pieces], tch::Device::Cpu);
        let (hf, hq) = (f.logits(&batch).unwrap().hidden, q.logits(&batch).unwrap().hidden);
        let cos = tch::Tensor::cosine_similarity(&hf, &hq, -1, 1e-8);
        let worst = cos.min().double_value(&[]);
        assert!(worst > 0.98, "row of sentence {}: worst token cosine {worst}", r.sentence);
        assert!(hf != hq, "the int8 encoder computes something else than the fp32 one");
    }
    // and the predictions agree: the same entity spans, hedging and claim strength
    let (pf, pq) = (f.predict(&INVARIANCE).unwrap(), q.predict(&INVARIANCE).unwrap());
    for (i, (a, b)) in pf.iter().zip(&pq).enumerate() {
        let spans = |p: &healthclaims::runtime::SentencePrediction| p.entities.iter().map(|(s, l)| (s.start, s.end, *l)).collect::<Vec<_>>();
        assert_eq!(spans(a), spans(b), "sentence {i}");
        assert!((a.hedged - b.hedged).abs() < 0.1, "sentence {i}: P(hedged) {} vs {}", a.hedged, b.hedged);
        for (x, y) in a.claim.iter().zip(&b.claim) {
            assert!((x - y).abs() < 0.1, "sentence {i}: claim {:?} vs {:?}", a.claim, b.claim);
        }
    }
}

#[test]
fn a_replica_predicts_exactly_like_the_loaded_model() {
    for precision in [Precision::Fp32, Precision::Int8] {
        let m = model_at(precision);
        let r = m.replicate().unwrap();
        assert_eq!(r.precision(), precision);
        let s = ["Metformin may help lower blood sugar in people with type 2 diabetes.", "Ibuprofen relieves headaches."];
        assert_eq!(m.predict(&s).unwrap(), r.predict(&s).unwrap(), "{precision}");
    }
}


#[test]
fn both_entity_heads_tag_chemicals_and_annotate_reads_the_guidelines_head() {
    // One encoder pass, two entity heads: the guidelines' (what `annotate` reads) and the
    // auxiliary head trained on BC5CDR / NCBI-disease only, which tags every chemical as BC5CDR
    // does (endogenous molecules included; the entity stage's not-entities list, not the head,
    // keeps glucose or serotonin out of annotate's DRUGs).
    let m = model();
    let s = [
        "Serum glucose and potassium levels rose after dopamine infusion in rats .",
        "Serotonin levels rose in people who took sertraline for depression.",
    ];
    let names = |p: &[healthclaims::runtime::SentencePrediction], i: usize| -> Vec<(String, EntityLabel)> {
        p[i].entities.iter().map(|(sp, l)| (s[i][sp.start..sp.end].to_string(), *l)).collect()
    };
    let pubmed = m.predict_with(&s, EntityScheme::PubMed).unwrap();
    let guide = m.predict_with(&s, EntityScheme::Guidelines).unwrap();
    for chem in ["glucose", "potassium", "dopamine"] {
        assert!(names(&pubmed, 0).contains(&(chem.into(), EntityLabel::Drug)), "{:?}", names(&pubmed, 0));
    }
    for p in [&pubmed, &guide] {
        assert!(names(p, 1).contains(&("sertraline".into(), EntityLabel::Drug)), "{:?}", names(p, 1));
        assert!(names(p, 1).contains(&("depression".into(), EntityLabel::Condition)), "{:?}", names(p, 1));
    }
    assert_eq!(m.predict(&s).unwrap(), guide, "annotate's default is the guidelines head");
}

#[test]
fn train_writes_a_model_folder_that_loads_and_a_second_stage_starts_from_it() {
    // `healthclaims train` end to end, briefly: the shipped folder stands in for the base encoder
    // (the installer's copy of all-MiniLM-L6-v2 is only there after `scripts/setup.sh --train`),
    // a couple of optimizer steps over Yu 2019 alone, then a second stage with --init.
    let Some(data) = shared_data() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let base = default_model_dir();
    let run = |out: &Path, extra: &[&str]| {
        let mut args: Vec<String> = ["train", "--exclude", "bc5cdr,ncbi,bioscope,web,gazetteer", "--repeat", "yu=1", "--epochs", "0.02"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(["--data".into(), data.display().to_string(), "--base".into(), base.display().to_string()]);
        args.extend(["-o".into(), out.display().to_string()]);
        args.extend(extra.iter().map(|s| s.to_string()));
        std::process::Command::new(env!("CARGO_BIN_EXE_healthclaims")).args(&args).output().unwrap()
    };
    let train = |out: &Path, extra: &[&str]| {
        let o = run(out, extra);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let heads: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("heads.json")).unwrap()).unwrap();
        heads["training"].clone()
    };
    let first = tmp.path().join("first");
    let t = train(&first, &["--pubmed-weight", "3", "--claim-smoothing", "0.05", "--yu-fold", "2"]);
    assert_eq!(t["examples"].as_object().unwrap().keys().collect::<Vec<_>>(), ["Yu"], "{t}");
    assert!(t["steps"].as_u64().unwrap() >= 1, "{t}");
    assert_eq!((t["pubmed_weight"].as_f64(), t["claim_smoothing"].as_f64(), t["init"].is_null()), (Some(3.0), Some(0.05), true));
    // A second stage that would train on the first stage's held-out Yu 2019 fifth is refused.
    let o = run(&tmp.path().join("leak"), &["--init", first.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("--yu-fold 2"), "{err}");
    let second = tmp.path().join("second");
    let t = train(&second, &["--init", first.to_str().unwrap(), "--yu-fold", "2"]);
    assert_eq!(t["init"].as_str(), first.to_str());
    for dir in [&first, &second] {
        let m = Model::load(RuntimeConfig { model_dir: dir.to_path_buf(), torch_threads: 1, ..Default::default() }).unwrap();
        // `eval` scores Yu 2019 on the fifth the model held out.
        assert_eq!(m.heads.yu_fold(), 2);
        let p = m.predict(&["Ibuprofen relieves headaches."]).unwrap();
        assert!(p[0].entities.iter().any(|(sp, l)| (sp.start, sp.end, *l) == (0, 9, EntityLabel::Drug)), "{:?}", p[0].entities);
    }
    assert_eq!(model().heads.yu_fold(), 0, "the shipped model holds out fold 0");
    // A folder that is not a model fails with its path in the message.
    let o = run(&tmp.path().join("x"), &["--init", tmp.path().to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains(tmp.path().to_str().unwrap()), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The whole pipeline with the shipped model and its claim-pair head.
fn pipeline() -> healthclaims::pipeline::Pipeline {
    use healthclaims::pipeline::{Pipeline, PipelineConfig};
    let runtime = RuntimeConfig { model_dir: default_model_dir(), torch_threads: 2, ..Default::default() };
    Pipeline::new(PipelineConfig { model: Some(runtime), ..Default::default() }).expect("pipeline loads")
}

#[test]
fn the_pair_head_ships_and_finds_several_and_negated_claims() {
    assert!(default_model_dir().join(healthclaims::runtime::PAIR_HEAD_FILE).exists(), "pairs.safetensors ships");
    let p = pipeline();
    let claims = |text: &str| {
        let d = p.annotate_text("t", text).unwrap();
        let out: Vec<(String, String, bool, ClaimStrength)> = d
            .claims
            .iter()
            .map(|c| {
                let name = |k: Option<usize>| k.map(|k| d.entities[k].span.slice(&d.text).to_lowercase()).unwrap_or_default();
                (name(c.drug), name(c.condition), c.negated, c.strength)
            })
            .collect();
        (d, out)
    };
    // several claims in one sentence: one per drug–condition pair
    let (d, c) = claims("Namenda and donepezil are used for Alzheimer's disease.");
    for drug in ["namenda", "donepezil"] {
        assert!(c.iter().any(|x| x.0 == drug && x.1.contains("alzheimer") && !x.2), "{drug}: {c:?}");
    }
    assert!(d.sentences[0].claim.is_claim());
    // a denied relation: a negated claim, and not the sentence's label
    let (d, c) = claims("Naloxone does not treat addiction.");
    assert!(c.iter().any(|x| x.0 == "naloxone" && x.1 == "addiction" && x.2), "{c:?}");
    assert_eq!(d.sentences[0].claim, ClaimStrength::None, "{c:?}");
    let (_, c) = claims("There is no evidence that vitamin C prevents colds.");
    assert!(c.iter().all(|x| x.2), "{c:?}");
    // two claims of different polarity in one sentence
    let (_, c) = claims("Aspirin does not protect people with atrial fibrillation against stroke, but it still causes bleeding.");
    assert!(c.iter().any(|x| x.1 == "bleeding" && !x.2), "{c:?}");
    // must produce nothing: a mechanism pairs with no condition (NMDA receptors are none),
    // permission "may" hedges nothing
    let (_, c) = claims("Memantine blocks NMDA receptors.");
    assert!(c.iter().all(|x| x.1.is_empty()), "{c:?}");
    let (d, c) = claims("You may take the tablet with or without food.");
    assert!(c.is_empty() && !d.sentences[0].hedged, "{c:?}");
    // a question asserts nothing
    let (d, c) = claims("Lamictal is an epilepsy drug. Can it prevent migraine?");
    assert!(d.claims.iter().all(|k| k.sentence != 1), "{c:?}");
    assert_eq!(d.sentences[1].claim, ClaimStrength::None);
    // the sentence claim head ships and decides sentences without a pair: a claim about a drug
    // that names no condition, and advice that makes none
    assert!(healthclaims::tag::sentence_head::SentenceHead::load(&default_model_dir()).unwrap().is_some(), "pairs.safetensors holds s0.*");
    let (d, c) = claims("Retinol makes your skin more sensitive to the sun, so wear sunscreen every morning.");
    assert!(d.sentences[0].claim.is_claim() && c.iter().any(|x| x.0 == "retinol" && x.1.is_empty()), "{c:?}");
    let (d, c) = claims("Your doctor may also add a second medicine such as a beta-blocker.");
    assert!(!d.sentences[0].claim.is_claim() && c.is_empty(), "{c:?}");
    // an anaphor stands for one drug: one claim per condition, whatever its antecedents
    let (d, _) = claims("Claritin is the brand name for loratadine, an antihistamine. It relieves sneezing and a runny nose.");
    for cond in ["sneezing", "runny nose"] {
        let n = d.claims.iter().filter(|k| k.sentence == 1 && k.condition.is_some_and(|c| d.entities[c].span.slice(&d.text) == cond)).count();
        assert!(n <= 1, "{cond}: {n} claims");
    }
}

/// The sentence claim head only adds claims to sentences that name a drug or refer to one ("It
/// can make …" after St. John's wort; not the expletive "It is true that …"): every other
/// sentence keeps the label it has without the head (a copy of the model folder whose
/// pairs.safetensors lacks the `s*` members), and no claim is removed.
#[test]
fn the_sentence_claim_head_only_adds_claims_where_a_drug_is_named_or_referred_to() {
    use healthclaims::pipeline::{Pipeline, PipelineConfig};
    let dir = default_model_dir();
    let tmp = tempfile::tempdir().unwrap();
    for f in ["config.json", "tokenizer.json", "model.safetensors", "heads.json"] {
        std::fs::copy(dir.join(f), tmp.path().join(f)).unwrap();
    }
    let pair_file = healthclaims::runtime::PAIR_HEAD_FILE;
    let kept: Vec<(String, tch::Tensor)> =
        tch::Tensor::read_safetensors(dir.join(pair_file)).unwrap().into_iter().filter(|(n, _)| !n.starts_with('s')).collect();
    assert!(kept.iter().any(|(n, _)| n.starts_with("m0.")));
    tch::Tensor::write_safetensors(&kept, tmp.path().join(pair_file)).unwrap();
    let with = pipeline();
    let runtime = RuntimeConfig { model_dir: tmp.path().to_path_buf(), torch_threads: 2, ..Default::default() };
    let without = Pipeline::new(PipelineConfig { model: Some(runtime), ..Default::default() }).unwrap();
    let text = "Excessive glutamate levels can contribute to migraine. Steady progress might seem slow, but each \
                step forward is a win. Retinol makes your skin more sensitive to the sun, so wear sunscreen every \
                morning. Weight loss can noticeably improve lameness in an arthritic dog. Ibuprofen eases period pain. \
                St. John's wort is sold as a supplement for low mood. It can make some people more sensitive to \
                sunlight, so wear a hat if you burn easily. It is true that summers are getting hotter.";
    let (a, b) = (without.annotate_text("t", text).unwrap(), with.annotate_text("t", text).unwrap());
    assert_eq!(a.sentences.len(), b.sentences.len());
    let mut added = 0;
    for (i, (x, y)) in a.sentences.iter().zip(&b.sentences).enumerate() {
        let drug = b.entities_in(i).any(|k| b.entities[k].label == EntityLabel::Drug);
        let refers = b.sentences[i].span.slice(&b.text).starts_with("It can make");
        if x.claim != y.claim {
            assert!((drug || refers) && !x.claim.is_claim() && y.claim.is_claim(), "sentence {i}: {:?} -> {:?}", x.claim, y.claim);
            added += 1;
        }
    }
    assert!(a.sentences[2].claim != b.sentences[2].claim, "the retinol sentence gains its claim");
    assert!(added >= 1);
    // the sentence that refers to the drug is a claim about it, by its anaphor
    assert!(b.claims.iter().any(|c| c.sentence == 6 && c.drug_mention.is_some_and(|m| m.slice(&b.text) == "It")), "{:?}", b.claims);
}

#[test]
fn eval_scores_the_pipeline_with_every_metric_of_the_scorer() {
    let Some(data) = shared_data() else { return };
    let scores = eval::pipeline_scores(RuntimeConfig { model_dir: default_model_dir(), ..Default::default() }, data).expect("pipeline scores");
    for task in ["web dev split", "seed articles"] {
        let rows: Vec<&eval::Score> = scores.iter().filter(|s| s.task.starts_with(task)).collect();
        for metric in ["claim_pair F1", "negated_claim_pair F1", "claim_detection F1", "claim_strength_macro_f1", "hedged_sentence F1", "unsupported_quote F1", "quote_detection F1", "entity_DRUG_exact F1"] {
            assert!(rows.iter().any(|s| s.metric == metric), "{task}: no {metric} in {:?}", rows.iter().map(|s| &s.metric).collect::<Vec<_>>());
        }
    }
    let get = |task: &str, metric: &str| scores.iter().find(|s| s.task.starts_with(task) && s.metric == metric).unwrap().value;
    // floors a few points under the model card's dev-split figures (0.778, 0.774, 0.775, 0.935,
    // 0.852, 0.932)
    assert!(get("web dev split", "claim_pair F1") >= 0.74, "{}", get("web dev split", "claim_pair F1"));
    assert!(get("web dev split", "claim_detection F1") >= 0.74, "{}", get("web dev split", "claim_detection F1"));
    assert!(get("web dev split", "negated_claim_pair F1") >= 0.72);
    assert!(get("web dev split", "hedged_sentence F1") >= 0.90);
    assert!(get("web dev split", "unsupported_quote F1") >= 0.80);
    assert!(get("web dev split", "quote_detection F1") >= 0.90);
    assert!(scores.iter().any(|s| s.task.contains("40 articles")), "the dev split is 40 articles");
}

/// Issue 18: the transformer's share of an article is bounded in bytes (so in word pieces) as
/// well as in sentences.
#[test]
fn issue18_the_model_reads_a_bounded_number_of_bytes() {
    use healthclaims::pipeline::{Pipeline, PipelineConfig};
    let model_dir = default_model_dir();
    let runtime =
        RuntimeConfig { model_dir, torch_threads: 2, max_bytes_per_doc: 70, ..Default::default() };
    let config = PipelineConfig { model: Some(runtime), ..Default::default() };
    let p = Pipeline::new(config).expect("pipeline loads");
    // sentences of 29, 35 and 22 bytes: the first two fit in 70
    let text = "Ibuprofen relieves headaches. Aspirin may reduce fever in adults. Zinc may shorten \
                colds.";
    let d = p.annotate_text("t", text).unwrap();
    assert_eq!(d.sentences.len(), 3);
    let want = "the transformer read the first 2 (at most 1000 sentences, 70 bytes)";
    assert!(d.warnings.iter().any(|w| w.contains(want)), "{:?}", d.warnings);
}
