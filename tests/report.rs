//! `healthclaims report`: aggregation of hand-made annotated records (tests/fixtures/report/,
//! built by make_fixture.py), the CSV tables, the HTML page (escaping, links, charts with data),
//! and the command line. The browser test (tests/browser/run.sh) and the DuckDB test
//! (tests/duckdb/) check the same page and records from outside Rust.

use assert_cmd::Command;
use healthclaims::assemble::Record;
use healthclaims::report::{self, aggregate::UNDATED, html::HtmlOptions, Aggregate};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/annotated.jsonl")
}

fn fixture_values() -> Vec<Value> {
    std::fs::read_to_string(fixture()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn write_jsonl(path: &Path, values: &[Value]) {
    let mut f = std::fs::File::create(path).unwrap();
    for v in values {
        writeln!(f, "{}", serde_json::to_string(v).unwrap()).unwrap();
    }
}

fn agg_of(values: &[Value]) -> Aggregate {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.jsonl");
    write_jsonl(&p, values);
    report::aggregate_files(&[p], report::MAX_LINE_BYTES).unwrap()
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    // The tables quote only cells with commas/quotes/newlines; the fixture's keys have none.
    std::fs::read_to_string(path).unwrap().lines().map(|l| l.split(',').map(String::from).collect()).collect()
}

fn column(rows: &[Vec<String>], key: &str, name: &str) -> String {
    let header = &rows[0];
    let k = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    let row = rows.iter().find(|r| r[0] == key).unwrap_or_else(|| panic!("no row {key} in {rows:?}"));
    row[k].clone()
}

/// Every field of `a` is in `b` with the same value (objects recursively, arrays element-wise).
fn within(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.iter().all(|(k, v)| y.get(k).is_some_and(|w| within(v, w))),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| within(v, w)),
        _ => a == b,
    }
}

#[test]
fn fixture_records_parse_strictly() {
    for (i, line) in std::fs::read_to_string(fixture()).unwrap().lines().enumerate() {
        let rec: Result<Record, _> = serde_json::from_str(line);
        assert!(rec.is_ok(), "line {}: {:?}", i + 1, rec.err());
        // Record ignores unknown fields: check the fixture has none by a round trip (the fixture
        // predates `negated`, which Record then writes as false: a subset, not equality).
        let back: Value = serde_json::from_str(&serde_json::to_string(&rec.unwrap()).unwrap()).unwrap();
        let line: Value = serde_json::from_str(line).unwrap();
        assert!(within(&line, &back), "line {}: a field Record does not know", i + 1);
    }
}

#[test]
fn aggregates_by_month_source_and_drug() {
    let agg = report::aggregate_files(&[fixture()], report::MAX_LINE_BYTES).unwrap();
    let t = &agg.totals;
    assert_eq!((t.articles, t.errors), (8, 1));
    assert_eq!((t.sentences, t.hedged_sentences), (23, 11));
    // direct, conditional, correlational
    assert_eq!(t.claims, [5, 5, 2]);
    assert_eq!((t.quotes, t.unsupported_quotes), (8, 7));
    // forum (no date), magnesium ("last Tuesday"), the error record.
    assert_eq!(agg.undated, 3);

    let months: Vec<&str> = agg.by_period.keys().map(String::as_str).collect();
    assert_eq!(months, ["2026-01", "2026-02", "2026-03", UNDATED]);
    let feb = &agg.by_period["2026-02"];
    assert_eq!((feb.articles, feb.sentences, feb.hedged_sentences), (3, 9, 6));
    let undated = &agg.by_period[UNDATED];
    assert_eq!((undated.articles, undated.errors, undated.sentences, undated.hedged_sentences), (2, 1, 5, 2));

    let sources: Vec<&str> = agg.by_source.keys().map(String::as_str).collect();
    assert_eq!(sources, ["dailyhealth.example", "forums", "healthnews.example", "wellnessblog.example"]);
    assert_eq!(agg.by_source["forums"].errors, 1);
    assert_eq!(agg.by_source["wellnessblog.example"].articles, 3);
    let blog_jan = &agg.by_source_period[&("wellnessblog.example".to_string(), "2026-01".to_string())];
    assert_eq!((blog_jan.sentences, blog_jan.hedged_sentences), (3, 1));

    // Drugs: by vocabulary id, else canonical name, else text (lowercased); "CBD" and "CBD oil"
    // are one drug.
    let statins = &agg.drugs["statins"];
    assert_eq!((statins.articles, statins.mentions, statins.sentences, statins.hedged_sentences), (3, 5, 5, 2));
    assert_eq!(statins.claims, [3, 1, 0]);
    let cbd = &agg.drugs["DB09061"];
    assert_eq!((cbd.name.as_str(), cbd.id.as_deref(), cbd.sentences, cbd.hedged_sentences), ("Cannabidiol", Some("DB09061"), 2, 1));
    assert_eq!(agg.drugs["DB01050"].hedged_rate(), Some(1.0));
    assert_eq!(agg.conditions["D003704"].claims, [3, 1, 1]);
    assert!(agg.conditions.contains_key("long covid fatigue"));

    let top = agg.top_hedged(healthclaims::doc::EntityLabel::Drug, 2, 3);
    let names: Vec<&str> = top.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Ibuprofen", "Cannabidiol", "Naltrexone"]);

    // The statin quote is cited in three articles, with "," vs "." and case ignored.
    let q = agg.top_quotes(1)[0];
    assert_eq!((q.citations, q.articles, q.places.len()), (3, 3, 3));
    assert_eq!(q.places[0].article, "news-statins-dementia");
    assert_eq!(q.places[0].sentence, 2);
    assert_eq!(q.places[0].sentence_text, "“Statins cure dementia,” said wellness coach Mark Ray.");
    assert_eq!(agg.quotes.len(), 5);
}

#[test]
fn undated_articles_are_counted_not_dropped() {
    let values: Vec<Value> = fixture_values()
        .into_iter()
        .map(|mut v| {
            v["meta"]["published"] = Value::Null;
            v
        })
        .collect();
    let agg = agg_of(&values);
    assert_eq!(agg.undated, 9);
    assert_eq!(agg.by_period.len(), 1);
    assert_eq!(agg.by_period[UNDATED].articles, 8);
    assert_eq!(agg.totals.articles, 8);
    let html = report::html::render(&agg, &HtmlOptions::default()).unwrap();
    assert!(html.contains("id=\"chart-hedging\" data-marks=\"0\""), "no time axis without dates");
    // Issue 19: "undated" is not a place on the time axis, for claim strength either.
    assert!(html.contains("id=\"chart-strength\" data-marks=\"0\""));
}

#[test]
fn repeated_articles_across_files_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("day1.jsonl"), dir.path().join("day2.jsonl"));
    let values = fixture_values();
    write_jsonl(&a, &values[..5]);
    write_jsonl(&b, &values[3..]);
    let agg = report::aggregate_files(&[a, b], report::MAX_LINE_BYTES).unwrap();
    assert_eq!(agg.duplicates, 2);
    let again = report::aggregate_files(&[fixture()], report::MAX_LINE_BYTES).unwrap();
    assert_eq!(agg.totals, again.totals);

    // Same id, edited content: a new version, counted.
    let mut edited = values[0].clone();
    edited["content_hash"] = Value::String("0".repeat(64));
    let agg = agg_of(&[values[0].clone(), edited]);
    assert_eq!((agg.duplicates, agg.totals.articles), (0, 2));
}

#[test]
fn bad_lines_are_counted_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("mixed.jsonl");
    let good = std::fs::read_to_string(fixture()).unwrap();
    let first = good.lines().next().unwrap();
    let mut extra = serde_json::from_str::<Value>(first).unwrap();
    extra["unknown_field"] = Value::Bool(true);
    std::fs::write(&p, format!("{first}\nnot json\n\n{{\"schema\":\"healthclaims/1\"}}\n{extra}\n{}", &first[..first.len() / 2])).unwrap();
    let agg = report::aggregate_files(&[p], report::MAX_LINE_BYTES).unwrap();
    // Issue 19: the line with an extra field is a record (the same article again: counted once).
    assert_eq!((agg.totals.articles, agg.duplicates), (1, 1));
    assert_eq!(agg.invalid_lines, 3);
    assert_eq!(agg.bad_lines.iter().map(|b| b.line).collect::<Vec<_>>(), [2, 4, 6]);
}

#[test]
fn gzip_input_equals_plain() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("a.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::fast());
    enc.write_all(&std::fs::read(fixture()).unwrap()).unwrap();
    enc.finish().unwrap();
    let a = report::aggregate_files(&[gz], report::MAX_LINE_BYTES).unwrap();
    let b = report::aggregate_files(&[fixture()], report::MAX_LINE_BYTES).unwrap();
    assert_eq!(a.totals, b.totals);
    assert_eq!(a.by_source_period, b.by_source_period);
}

#[test]
fn cli_writes_tidy_csv_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    Command::cargo_bin("healthclaims")
        .unwrap()
        .args(["report", fixture().to_str().unwrap(), "-o", out.to_str().unwrap(), "--min-sentences", "2"])
        .assert()
        .success()
        .stderr(predicates::str::contains("9 articles (1 errors, 3 undated)"));

    let months = read_csv(&out.join("by_month.csv"));
    assert_eq!(months.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["month", "2026-01", "2026-02", "2026-03", "undated"]);
    assert!(months.iter().all(|r| r.len() == months[0].len()), "rectangular");
    assert_eq!(column(&months, "2026-02", "hedged_rate"), "0.6667");
    assert_eq!(column(&months, "undated", "articles"), "2");
    assert_eq!(column(&months, "undated", "errors"), "1");

    let sources = read_csv(&out.join("by_source.csv"));
    assert_eq!(column(&sources, "healthnews.example", "claims_direct_causal"), "2");
    // healthnews: one unsupported quote in each of its 2 articles.
    let words: u64 = column(&sources, "healthnews.example", "words").parse().unwrap();
    let per_1k: f64 = column(&sources, "healthnews.example", "unsupported_per_1k_words").parse().unwrap();
    assert!((per_1k - 2000.0 / words as f64).abs() < 1e-4);

    let sm = read_csv(&out.join("by_source_month.csv"));
    assert_eq!(sm[0][..2], ["source".to_string(), "month".to_string()]);
    // healthnews ×2 months, wellnessblog ×3 (with undated), dailyhealth ×2, forums ×1.
    assert_eq!(sm.len(), 1 + 8);

    let drugs = read_csv(&out.join("by_drug.csv"));
    assert_eq!(column(&drugs, "statins", "hedged_rate"), "0.4000");
    assert_eq!(column(&drugs, "Atorvastatin", "id"), "DB01076");
    let totals = read_csv(&out.join("totals.csv"));
    assert_eq!(totals.len(), 2);
    let quotes = std::fs::read_to_string(out.join("unsupported_quotes.csv")).unwrap();
    assert!(quotes.lines().nth(1).unwrap().starts_with("\"Statins cure dementia,\",Mark Ray,3,3,news-statins-dementia,2,https://"));

    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    for id in ["chart-hedging", "chart-strength", "chart-drugs"] {
        let at = html.find(&format!("id=\"{id}\" data-marks=\"")).unwrap_or_else(|| panic!("no {id}"));
        let marks: usize = html[at..].split('"').nth(3).unwrap().parse().unwrap();
        assert!(marks > 0, "{id} has no data marks");
    }
    // The quote table links each citation to its sentence in the appendix.
    assert!(html.contains("href=\"#news-statins-dementia-s2\""));
    assert!(html.contains("<li id=\"news-statins-dementia-s2\">"));
    assert!(html.contains("href=\"#blog-cbd-anxiety-s2\""));
    // Non-ASCII id: a cleaned anchor, same on both ends.
    let a = report::html::anchor("daily-melatonin-睡眠", 1);
    assert!(html.contains(&format!("href=\"#{a}\"")) && html.contains(&format!("<li id=\"{a}\">")));
    // Self-contained: no script, no external resource.
    assert!(!html.contains("<script"));
    assert!(!html.contains(" src="));
    assert!(!html.contains("<link"));
    assert!(html.contains("<svg"));
    assert!(html.contains("&lt;our guide&gt;") || !html.contains("<our guide>"));
}

#[test]
fn html_escapes_everything_from_the_data() {
    let evil = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    let mut values = fixture_values();
    for v in values.iter_mut().filter(|v| v["status"] == "ok") {
        v["id"] = Value::String(format!("{}{evil}", v["id"].as_str().unwrap()));
        v["meta"]["title"] = Value::String(evil.into());
        v["source"] = Value::String(format!("feeds/{evil}/x.txt"));
        v["meta"]["url"] = Value::String("javascript:alert(3)".into());
        for e in v["entities"].as_array_mut().unwrap() {
            e["name"] = Value::String(format!("{}{evil}", e["text"].as_str().unwrap()));
        }
        for q in v["quotes"].as_array_mut().unwrap() {
            q["text"] = Value::String(format!("{}{evil}", q["text"].as_str().unwrap()));
            q["speaker"]["text"] = Value::String(evil.into());
        }
    }
    let agg = agg_of(&values);
    let dir = tempfile::tempdir().unwrap();
    report::write_report(&agg, dir.path(), &HtmlOptions { min_sentences: 1, ..HtmlOptions::default() }).unwrap();
    let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(!html.contains("<script"), "unescaped script tag");
    assert!(!html.contains("<img"), "unescaped img tag");
    assert!(!html.contains("javascript:"), "javascript: URL kept");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Sources come from the (evil) folder name; they are escaped in the SVG legend too.
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    // Every anchor id is plain ASCII.
    for part in html.split("<li id=\"").skip(1) {
        let id = part.split('"').next().unwrap();
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'), "{id}");
    }
}

#[test]
fn empty_annotations_from_the_annotator_report_fine() {
    // Whatever the taggers produce today (maybe nothing), the report must work on it.
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("corpus.jsonl");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    Command::cargo_bin("healthclaims")
        .unwrap()
        .args(["annotate", corpus.to_str().unwrap(), "-o", jsonl.to_str().unwrap(), "-q"])
        .assert()
        .code(predicates::ord::le(1));
    let out = dir.path().join("r");
    Command::cargo_bin("healthclaims")
        .unwrap()
        .args(["report", dir.path().to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .success();
    let agg = report::aggregate_files(&[jsonl], report::MAX_LINE_BYTES).unwrap();
    assert_eq!(agg.invalid_lines, 0);
    // One article per .txt/.md/.html file, one per line of a .jsonl file; other files are skipped.
    let expected: u64 = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| match p.extension().and_then(|x| x.to_str()) {
            Some("jsonl") => std::fs::read_to_string(&p).unwrap().lines().filter(|l| !l.trim().is_empty()).count() as u64,
            Some("txt" | "md" | "html" | "htm") => 1,
            _ => 0,
        })
        .sum();
    assert_eq!(agg.totals.articles + agg.totals.errors, expected);
    assert!(std::fs::read_to_string(out.join("index.html")).unwrap().contains("</html>"));
}

#[test]
fn cli_errors() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("healthclaims")
        .unwrap()
        .args(["report", dir.path().join("nope-*.jsonl").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
    Command::cargo_bin("healthclaims").unwrap().args(["report", dir.path().to_str().unwrap()]).assert().code(2);
    // Some lines not records: report written, exit 1.
    let p = dir.path().join("x.jsonl");
    std::fs::write(&p, "{oops\n").unwrap();
    let out = dir.path().join("r");
    Command::cargo_bin("healthclaims")
        .unwrap()
        .args(["report", p.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("x.jsonl:1: not a healthclaims/1 record"));
    assert!(out.join("index.html").exists());
}

#[test]
fn offsets_and_indexes_out_of_range_do_not_panic() {
    // Records from another tool (or a buggy tagger): sentence offsets past the text, reversed,
    // entity and quote sentence indexes past the sentences. Counted, never a panic.
    let mut values = fixture_values();
    for v in values.iter_mut().filter(|v| v["status"] == "ok") {
        v["text"] = Value::String("ש😀睡".into());
        for (i, s) in v["sentences"].as_array_mut().unwrap().iter_mut().enumerate() {
            s["start"] = Value::from(if i % 2 == 0 { 2 } else { 99 });
            s["end"] = Value::from(if i % 2 == 0 { 1 } else { 120 });
        }
        for e in v["entities"].as_array_mut().unwrap() {
            e["sentence"] = Value::from(1000);
        }
        for q in v["quotes"].as_array_mut().unwrap() {
            q["sentence"] = Value::from(usize::MAX);
        }
    }
    let agg = agg_of(&values);
    assert_eq!(agg.totals.articles, 8);
    assert!(agg.drugs.values().all(|d| d.sentences == 0 && d.mentions > 0));
    let q = agg.top_quotes(1)[0];
    assert_eq!(q.places[0].sentence_text, q.text, "falls back to the quote's own text");
    let html = report::html::render(&agg, &HtmlOptions::default()).unwrap();
    assert!(html.contains(&report::html::anchor(&q.places[0].article, usize::MAX)));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Any text in the fields the report groups and prints: no panic, and nothing from the data
    /// reaches the page as markup.
    #[test]
    fn any_field_text_is_safe(
        id in "\\PC{0,12}", source in "\\PC{0,24}", url in "\\PC{0,24}", published in "\\PC{0,12}",
        quote in "\\PC{1,16}", drug in "\\PC{1,10}",
    ) {
        let mut v = fixture_values()[0].clone();
        v["id"] = Value::String(format!("{id}<b>"));
        v["source"] = Value::String(source.clone());
        v["meta"]["url"] = Value::String(url.clone());
        v["meta"]["published"] = Value::String(published.clone());
        v["meta"]["title"] = Value::String(format!("<i>{quote}"));
        v["quotes"][0]["text"] = Value::String(format!("<u>{quote}"));
        v["entities"][0]["name"] = Value::String(format!("<s>{drug}"));
        let agg = agg_of(&[v]);
        proptest::prop_assert_eq!(agg.totals.articles, 1);
        let html = report::html::render(&agg, &HtmlOptions { min_sentences: 1, ..HtmlOptions::default() }).unwrap();
        for tag in ["<b>", "<i>", "<u>", "<s>"] {
            proptest::prop_assert!(!html.contains(tag), "{} reached the page", tag);
        }
    }
}

// ---- issue 19: forward-compatible readers, periods, sources, trends, drill-down, classes ----

#[test]
fn issue19_records_with_extra_fields_are_read_wrong_types_are_not() {
    let mut values = fixture_values();
    for v in values.iter_mut() {
        v["lang"] = Value::from("en");
        v["meta"]["tags"] = serde_json::json!(["dashboard", 1]);
        if let Some(s) = v["sentences"].as_array_mut().and_then(|a| a.first_mut()) {
            s["readability"] = Value::from(7.5);
        }
        if let Some(c) = v["claims"].as_array_mut().and_then(|a| a.first_mut()) {
            c["reviewed_by"] = serde_json::json!({"name": "x"});
        }
        if let Some(q) = v["quotes"].as_array_mut().and_then(|a| a.first_mut()) {
            q["speaker_role"] = Value::from("coach");
        }
    }
    let plain = agg_of(&fixture_values());
    let enriched = agg_of(&values);
    assert_eq!(enriched.invalid_lines, 0, "{:?}", enriched.bad_lines);
    assert_eq!(enriched.totals, plain.totals);
    assert_eq!(enriched.by_source, plain.by_source);
    // A wrong type is still an error, for that line only, saying which field.
    let mut bad = fixture_values();
    bad[1]["sentences"][0]["hedged"] = Value::from("yes");
    let agg = agg_of(&bad);
    assert_eq!(agg.invalid_lines, 1);
    assert_eq!(agg.bad_lines[0].line, 2);
    assert!(agg.bad_lines[0].message.contains("invalid type"), "{}", agg.bad_lines[0].message);
    assert_eq!(agg.totals.articles, plain.totals.articles - 1);
}

/// `n` synthetic articles over 12 months from two sites, `sentences` each; the hedged share of
/// an article's sentences falls with the month when `planted`, else stays at 20% on average.
fn synthetic(n: usize, sentences: usize, planted: bool) -> Vec<Value> {
    let mut state = 19u64;
    let mut rand = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|i| {
            let month = i % 12;
            let p = if planted { 0.35 - 0.025 * month as f64 } else { 0.2 };
            let text = "A sentence. ".repeat(sentences);
            let sents: Vec<Value> = (0..sentences)
                .map(|k| {
                    serde_json::json!({"start": k * 12, "end": k * 12 + 11, "kind": "prose", "hedged": rand() < p,
                        "hedge_score": 0.5, "claim": "none", "claim_score": 0.0})
                })
                .collect();
            let site = if i % 2 == 0 { "https://news.alpha.co.uk/a" } else { "https://www.beta.example/b" };
            serde_json::json!({"schema": "healthclaims/1", "id": format!("syn-{i}"), "source": format!("feeds/x.jsonl:{i}"),
                "status": "ok", "meta": {"title": null, "url": format!("{site}/{i}"), "published": format!("2025-{:02}-{:02}", month + 1, 1 + i % 28)},
                "text": text, "sentences": sents, "entities": [], "hedges": [], "claims": [], "quotes": [],
                "model": {"name": "t", "version": "0"}})
        })
        .collect()
}

fn trends_csv(values: &[Value], extra: &[&str]) -> (Vec<Vec<String>>, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("syn.jsonl");
    write_jsonl(&input, values);
    let out = dir.path().join("rep");
    let mut args = vec!["report", input.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    Command::cargo_bin("healthclaims").unwrap().args(&args).assert().success();
    let text = std::fs::read_to_string(out.join("trends.csv")).unwrap();
    // Statements hold commas (quoted): keep the leading numeric columns only.
    let rows = text.lines().map(|l| l.split(',').take(25).map(String::from).collect()).collect();
    (rows, std::fs::read_to_string(out.join("index.html")).unwrap())
}

#[test]
fn issue19_planted_trend_is_found_and_no_trend_is_not() {
    let (rows, html) = trends_csv(&synthetic(240, 15, true), &[]);
    let p: f64 = column(&rows, "hedged_sentences", "p_value").parse().unwrap();
    let change: f64 = column(&rows, "hedged_sentences", "change").parse().unwrap();
    assert!(p < 0.001 && change < -0.15, "p {p}, change {change}");
    assert_eq!(column(&rows, "hedged_sentences", "articles"), "240");
    assert!(html.contains("Hedging fell from"), "statement in the page");
    // Sources are registrable domains: news.alpha.co.uk -> alpha.co.uk.
    assert!(rows.iter().any(|r| r[0] == "hedged_sentences" && r[1] == "alpha.co.uk"), "{rows:?}");
    let (rows, _) = trends_csv(&synthetic(240, 15, false), &[]);
    let p: f64 = column(&rows, "hedged_sentences", "p_value").parse().unwrap();
    assert!(p > 0.05, "no trend planted, p {p}");
}

#[test]
fn issue19_periods_ranges_and_sources() {
    let values = synthetic(48, 4, false);
    let agg = |g: report::Grouping| {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.jsonl");
        write_jsonl(&p, &values);
        report::aggregate_with(&[p], report::MAX_LINE_BYTES, g, None).unwrap()
    };
    use report::period::Period;
    let q = agg(report::Grouping { period: Period::Quarter, ..Default::default() });
    assert_eq!(q.dated_periods(), ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
    let w = agg(report::Grouping { period: Period::Week, ..Default::default() });
    assert!(w.dated_periods().iter().all(|p| p.starts_with("2025-W")) && w.dated_periods().len() > 12);
    let d = report::period::parse_bound;
    let r = agg(report::Grouping { since: Some(d("2025-03", false).unwrap()), until: Some(d("2025-05", true).unwrap()), ..Default::default() });
    assert_eq!(r.dated_periods(), ["2025-03", "2025-04", "2025-05"]);
    assert_eq!((r.totals.articles, r.out_of_range), (12, 36));
    let f = agg(report::Grouping { source_from: report::source::SourceFrom::Folder, ..Default::default() });
    assert_eq!(f.by_source.keys().collect::<Vec<_>>(), ["feeds"]);
    let mut tagged = values.clone();
    tagged[0]["meta"]["site"] = Value::from("Alpha Health");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("in.jsonl");
    write_jsonl(&p, &tagged);
    let g = report::Grouping { source_from: report::source::SourceFrom::Field("meta.site".into()), ..Default::default() };
    let t = report::aggregate_with(&[p], report::MAX_LINE_BYTES, g, None).unwrap();
    assert_eq!(t.by_source.keys().collect::<Vec<_>>(), ["Alpha Health", "alpha.co.uk", "beta.example"]);
}

#[test]
fn issue19_negated_claims_apart_classes_apart_and_drill_down_links() {
    let mut values = fixture_values();
    // A negated claim and a drug class beside a member of it.
    values[0]["claims"][0]["negated"] = Value::Bool(true);
    values[0]["entities"].as_array_mut().unwrap().push(serde_json::json!({"start": 0, "end": 7, "label": "DRUG",
        "text": "Statins", "score": 0.9, "sentence": 0, "origin": "gazetteer", "id": "D019161",
        "name": "Hydroxymethylglutaryl-CoA Reductase Inhibitors"}));
    let agg = agg_of(&values);
    assert_eq!(agg.totals.negated_claims, 1);
    assert_eq!(agg.totals.claims_total(), 11);
    let class = &agg.drugs["D019161"];
    assert!(class.class);
    assert!(!agg.drugs["DB01076"].class);
    let top = agg.top_hedged_of(healthclaims::doc::EntityLabel::Drug, false, 1, 50);
    assert!(top.iter().all(|s| !s.class));
    let opts = HtmlOptions { min_sentences: 1, min_n: 5, ..HtmlOptions::default() };
    let html = report::html::render(&agg, &opts).unwrap();
    assert!(html.contains("id=\"drug-classes\"") && html.contains("Hydroxymethylglutaryl-CoA Reductase Inhibitors"));
    // Every chart point links to a drill-down table in the page, with its sentences.
    let hrefs: Vec<&str> = html.split("<a href=\"#d-").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    assert!(hrefs.len() >= 10, "{}", hrefs.len());
    for h in &hrefs {
        let at = html.find(&format!("<div class=\"drill\" id=\"d-{h}\">")).unwrap_or_else(|| panic!("no drill d-{h}"));
        let table = &html[at..at + html[at..].find("</table>").unwrap()];
        assert!(table.contains("<tbody>\n<tr>"), "drill d-{h} has rows");
    }
    // Sentence numbers: the JSONL's, in the HTML as in the CSVs.
    assert!(html.contains("news-statins-dementia (sentence 2)"));
    assert!(html.contains("· sentence 2 ·"));
}

#[test]
fn issue19_cli_flags_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("w");
    let f = fixture();
    let run = |args: &[&str]| Command::cargo_bin("healthclaims").unwrap().arg("report").arg(&f).args(args).assert();
    run(&["-o", out.to_str().unwrap(), "--period", "week", "--source-from", "folder", "--min-n", "5"]).success();
    let weeks = read_csv(&out.join("by_week.csv"));
    assert_eq!(weeks[0][0], "week");
    assert!(weeks[1..].iter().all(|r| r[0].starts_with("2026-W") || r[0] == "undated"), "{weeks:?}");
    let sw = read_csv(&out.join("by_source_week.csv"));
    assert_eq!(sw[0][..2], ["source".to_string(), "week".to_string()]);
    assert!(sw[1..].iter().all(|r| r[0] == "feeds" || r[0] == "forums"), "folder sources: {sw:?}");
    for name in ["articles.parquet", "sentences.parquet", "claims.parquet", "quotes.parquet"] {
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"), "{name} is a Parquet file");
    }
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("href=\"sentences.parquet\"") && html.contains("href=\"trends.csv\""));
    run(&["-o", out.to_str().unwrap(), "--since", "2026-03", "--until", "2026-02"])
        .code(2)
        .stderr(predicates::str::contains("--since 2026-03-01 is after --until 2026-02-28"));
    run(&["-o", out.to_str().unwrap(), "--since", "March"]).code(2).stderr(predicates::str::contains("--since: 'March' is not a date"));
    run(&["-o", out.to_str().unwrap(), "--source-from", "field", "--source-field", "meta."]).code(2);
}
