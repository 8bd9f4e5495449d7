//! [`Aggregate`] → one self-contained HTML page (`index.html`): inline CSS, inline SVG charts from
//! [`super::charts`], no script, no external resource (a Content-Security-Policy forbids loading
//! any), so it views offline and by mail. Every string from the data is escaped here; article
//! links are kept only for `http(s)` URLs.
//!
//! Sections: run totals; trend statements (first vs last period with intervals, clustered trend
//! test); hedging rate over time per source; claim strength shares over time; top drugs by
//! hedging rate (drug classes apart); the most-cited unsupported quotes, each linking to the
//! sentences that cite it in an appendix (`#<article id>-s<sentence>`); tables by source, period,
//! drug, drug class and condition. Every chart point links to a drill-down table of the sentences
//! it counts (`#d-<hash>`), shown by the CSS `:target` rule: no script.
//!
//! Sentences are numbered as in the JSONL `sentences` array and the tables (from 0).

use super::aggregate::{Aggregate, ConceptStats, Drill, DrillKey, Metrics, SentenceSample, UNDATED};
use super::charts::{self, Chart, Point, Series, ALL, PALETTE, STRENGTH_COLORS};
use super::csv::period_order;
use super::stats::Rate;
use super::trends::{self, rate_text, Measure};
use crate::doc::EntityLabel;
use anyhow::Result;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt::Write;

/// What the page shows.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// Rows in the drug chart and the quote table.
    pub top: usize,
    /// Sources drawn as their own line in the time chart.
    pub top_sources: usize,
    /// A drug needs this many sentences to enter the drug chart.
    pub min_sentences: u64,
    /// A rate out of fewer units is drawn hollow and flagged.
    pub min_n: u64,
    /// The CSV and Parquet files written beside the page (linked from it).
    pub csv_files: Vec<String>,
    pub parquet_files: Vec<String>,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions { top: 15, top_sources: 8, min_sentences: 10, min_n: 30, csv_files: Vec::new(), parquet_files: Vec::new() }
    }
}

/// The element id of a drill-down table: `d-` and a hash of the key (ids from the data need no
/// escaping and never collide).
pub fn drill_id(key: &DrillKey) -> String {
    let text = match key {
        DrillKey::Period(p) => format!("p\0{p}"),
        DrillKey::SourcePeriod(s, p) => format!("sp\0{s}\0{p}"),
        DrillKey::Drug(d) => format!("d\0{d}"),
    };
    format!("d-{}", hex::encode(&Sha256::digest(text.as_bytes())[..6]))
}

/// `14% [11–17], n = 412`.
fn rate_n(r: &Rate) -> String {
    format!("{}, n = {}", rate_text(r), num(r.n))
}

/// Escape text for HTML content and (double-quoted) attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// The URL, if it is an `http(s)` URL (never `javascript:`, `data:`, …), for an `href`.
pub fn safe_url(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    ((lower.starts_with("http://") || lower.starts_with("https://")) && !u.contains(char::is_whitespace)).then_some(u)
}

/// The element id of sentence `sentence` of article `article`: `<id>-s<n>` when the id is made
/// of letters, digits, `_` and `-`; otherwise a cleaned id plus a short hash, so that distinct
/// ids never share an anchor and anchors need no URL escaping.
pub fn anchor(article: &str, sentence: usize) -> String {
    let plain = !article.is_empty() && article.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!("{article}-s{sentence}")
    } else {
        let cleaned: String =
            article.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).take(40).collect();
        let h = Sha256::digest(article.as_bytes());
        format!("a{cleaned}-{}-s{sentence}", hex::encode(&h[..4]))
    }
}

fn num(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const CSS: &str = r#"
:root{--ink:#1d2330;--muted:#5b6475;--line:#e3e6ec;--accent:#4e79a7;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:1000px;margin:0 auto;padding:28px 20px 60px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:20px;margin:0 0 6px}
.sub{color:var(--muted);margin:0 0 20px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:18px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;background:none;border:0;padding:0}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.card .v{font-size:24px;font-weight:650}
.card .k{color:var(--muted);font-size:13px}
figure{margin:8px 0 0}
figure svg{max-width:100%;height:auto;display:block}
figcaption,.note{color:var(--muted);font-size:13px;margin-top:6px}
.empty{color:var(--muted);font-style:italic;padding:18px 0}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 7px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12.5px;line-height:1.3}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
td.k{white-space:nowrap}
.scroll{overflow-x:auto}
td blockquote{min-width:240px}
tbody tr:nth-child(even){background:#fafbfc}
blockquote{margin:0;font-style:italic}
a{color:var(--accent)}
.where{min-width:220px}
.where a,.where span{display:inline-block;margin-right:8px}
ol.appendix li{margin:0 0 12px}
ol.appendix li:target{background:#fff6d6;outline:2px solid #edc948;border-radius:4px}
.drill{display:none;background:#fff;border:2px solid #edc948;border-radius:10px;padding:14px 18px;margin:18px 0}
.drill:target{display:block}
.drill td.t{min-width:260px}
.low{color:#a05a00}
ul.trends li{margin:0 0 6px}
svg a.pt:hover circle{stroke-width:3.5}
.meta{color:var(--muted);font-size:13px}
footer{color:var(--muted);font-size:13px;margin-top:24px}
"#;

/// Render the page.
pub fn render(agg: &Aggregate, opts: &HtmlOptions) -> Result<String> {
    let mut h = String::with_capacity(64 << 10);
    let t = &agg.totals;
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    h.push_str("<title>healthclaims report: hedging over time</title>\n<style>");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body id=\"top\">\n<main>\n");
    h.push_str("<h1>Hedging in health articles</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"sub\">healthclaims report over {} file{} ({} article{}, {} source{}, {} {}{} with dated articles)</p>",
        agg.files.len(),
        plural(agg.files.len() as u64),
        num(t.articles + t.errors),
        plural(t.articles + t.errors),
        agg.by_source.len(),
        plural(agg.by_source.len() as u64),
        agg.dated_periods().len(),
        grain(agg),
        plural(agg.dated_periods().len() as u64),
    );

    totals(&mut h, agg);
    let mut drills: Vec<(DrillKey, String)> = Vec::new();
    trend_section(&mut h, agg, opts);
    hedging_chart(&mut h, agg, opts, &mut drills);
    strength_chart(&mut h, agg, opts, &mut drills);
    drug_chart(&mut h, agg, opts, &mut drills);
    let cited = quotes_table(&mut h, agg, opts);
    group_table(&mut h, "By source", "by-source", "source", sorted_sources(agg), "by_source.csv", opts.min_n);
    let periods: Vec<(&str, &Metrics)> = period_order(agg).into_iter().map(|m| (m, &agg.by_period[m])).collect();
    let title = format!("By {}", grain(agg));
    group_table(&mut h, &title, "by-period", grain(agg), periods, &format!("by_{}.csv", grain(agg)), opts.min_n);
    concept_table(&mut h, agg, EntityLabel::Drug, false, opts);
    concept_table(&mut h, agg, EntityLabel::Drug, true, opts);
    concept_table(&mut h, agg, EntityLabel::Condition, false, opts);
    appendix(&mut h, &cited);
    drilldown(&mut h, agg, &drills);

    h.push_str("<footer>\n");
    if !opts.csv_files.is_empty() {
        h.push_str("<p>Tables (CSV, one row per group): ");
        let links: Vec<String> = opts.csv_files.iter().map(|f| format!("<a href=\"{0}\">{0}</a>", esc(f))).collect();
        h.push_str(&links.join(", "));
        h.push_str("</p>\n");
    }
    if !opts.parquet_files.is_empty() {
        h.push_str("<p>Dashboard tables (Parquet, one row per article, sentence, claim, quote): ");
        let links: Vec<String> = opts.parquet_files.iter().map(|f| format!("<a href=\"{0}\">{0}</a>", esc(f))).collect();
        h.push_str(&links.join(", "));
        h.push_str("</p>\n");
    }
    let _ = writeln!(
        h,
        "<p>Read: {}. Lines that were not records: {}. Repeated articles (same id and content) counted once: {}.</p>",
        esc(&agg.files.join(", ")),
        num(agg.invalid_lines),
        num(agg.duplicates)
    );
    h.push_str("<p>Hedged-sentence rate = hedged sentences / sentences. Unsupported-quote rate = unsupported quotes / quotes. Claim-strength shares are of the claims that assert their relation (negated claims counted apart). Every rate carries its Wilson 95% interval [low–high] and n; a point out of fewer than ");
    let _ = write!(h, "{} units is drawn hollow. Trend tests: logistic regression of each sentence (quote, claim) on the period, with standard errors clustered by article; p values two-sided. Undated articles are counted everywhere except on the time axis. Sentences are numbered from 0, as in the JSONL and the tables.</p>\n", opts.min_n);
    h.push_str("</footer>\n</main>\n</body>\n</html>\n");
    Ok(h)
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn totals(h: &mut String, agg: &Aggregate) {
    let t = &agg.totals;
    let cards = [
        (num(t.articles), "articles annotated"),
        (num(agg.undated), "undated articles"),
        (num(t.errors), "articles with errors"),
        (num(t.sentences), "sentences"),
        (t.hedged().map(|r| rate_text(&r)).unwrap_or_else(|| "–".into()), "hedged-sentence rate [95% CI]"),
        (num(t.claims_total()), "claims"),
        (num(t.negated_claims), "negated claims (apart)"),
        (num(t.unsupported_quotes), "unsupported quotes"),
        (t.unsupported_per_1k_words().map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into()), "unsupported quotes per 1,000 words"),
    ];
    h.push_str("<section class=\"cards\" id=\"totals\">\n");
    for (v, k) in cards {
        let _ = writeln!(h, "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>", esc(&v), esc(k));
    }
    h.push_str("</section>\n");
}

fn figure(h: &mut String, id: &str, chart: Option<Chart>, caption: &str, empty: &str) {
    match chart {
        Some(c) => {
            let _ = writeln!(h, "<figure class=\"chart\" id=\"{id}\" data-marks=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>", c.marks, c.svg, caption);
        }
        None => {
            let _ = writeln!(h, "<figure class=\"chart\" id=\"{id}\" data-marks=\"0\"><p class=\"empty\">{}</p></figure>", esc(empty));
        }
    }
}

fn grain(agg: &Aggregate) -> &'static str {
    agg.grouping.period.as_str()
}

fn trend_section(h: &mut String, agg: &Aggregate, opts: &HtmlOptions) {
    h.push_str("<section id=\"trends\">\n<h2>What changed over time</h2>\n");
    let rows = trends::trends(agg);
    h.push_str("<ul class=\"trends\">\n");
    for r in rows.iter().filter(|r| r.source.is_none()) {
        let _ = writeln!(h, "<li data-measure=\"{}\">{}</li>", r.measure.key(), esc(&r.statement));
    }
    h.push_str("</ul>\n");
    // Per source: hedging, for the sources drawn in the chart.
    let shown: Vec<String> = chart_sources(agg, opts).into_iter().map(|(s, _)| s.to_string()).collect();
    let per: Vec<&trends::TrendRow> =
        rows.iter().filter(|r| r.measure == Measure::Hedged && r.source.as_ref().is_some_and(|s| shown.contains(s))).collect();
    if !per.is_empty() {
        h.push_str("<h3>Hedging per source</h3>\n<ul class=\"trends\">\n");
        for r in per {
            let _ = writeln!(h, "<li>{}</li>", esc(&r.statement));
        }
        h.push_str("</ul>\n");
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">First and last {0} with data, Wilson 95% intervals in brackets. The trend test is a logistic regression of each unit on the {0} with article-clustered (sandwich) standard errors, so an article's sentences are not counted as independent evidence; it needs {1} articles or more. trends.csv has every measure for every source.</p>",
        grain(agg),
        super::stats::MIN_TREND_ARTICLES
    );
    h.push_str("</section>\n");
}

/// Sources with dated articles, most first, at most `top_sources`.
fn chart_sources<'a>(agg: &'a Aggregate, opts: &HtmlOptions) -> Vec<(&'a str, u64)> {
    let periods = agg.dated_periods();
    let mut sources: Vec<(&str, u64)> = agg
        .by_source
        .keys()
        .map(|s| {
            let dated = periods.iter().filter_map(|m| agg.by_source_period.get(&(s.clone(), m.to_string()))).map(|x| x.articles).sum();
            (s.as_str(), dated)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    sources.truncate(opts.top_sources);
    sources
}

fn point(rate: Option<Rate>, key: DrillKey, what: String, unit: &str, drills: &mut Vec<(DrillKey, String)>) -> Option<Point> {
    let rate = rate?;
    let href = drill_id(&key);
    let title = format!("{what}: {} ({} of {} {unit})", rate_text(&rate), rate.k, rate.n);
    if !drills.iter().any(|(k, _)| *k == key) {
        drills.push((key, what));
    }
    Some(Point { rate, href, title })
}

fn undated_note(agg: &Aggregate) -> String {
    let undated = agg.by_period.get(UNDATED).map(|m| m.articles + m.errors).unwrap_or(0);
    if undated > 0 {
        format!(" {} undated article{} are counted in the totals and tables but have no place on this axis.", num(undated), plural(undated))
    } else {
        String::new()
    }
}

fn hedging_chart(h: &mut String, agg: &Aggregate, opts: &HtmlOptions, drills: &mut Vec<(DrillKey, String)>) {
    h.push_str("<section id=\"hedging-over-time\">\n<h2>Hedging rate over time, per source</h2>\n");
    let periods: Vec<String> = agg.dated_periods().into_iter().map(String::from).collect();
    let mut series = vec![Series {
        name: "All sources".into(),
        color: ALL,
        bold: true,
        points: periods.iter().map(|p| point(agg.by_period[p].hedged(), DrillKey::Period(p.clone()), format!("{p} · all sources"), "sentences hedged", drills)).collect(),
    }];
    let shown = chart_sources(agg, opts);
    for (k, (s, _)) in shown.iter().enumerate() {
        let points = periods
            .iter()
            .map(|p| {
                let m = agg.by_source_period.get(&(s.to_string(), p.clone()));
                point(m.and_then(Metrics::hedged), DrillKey::SourcePeriod(s.to_string(), p.clone()), format!("{p} · {s}"), "sentences hedged", drills)
            })
            .collect();
        series.push(Series { name: s.to_string(), color: PALETTE[k % PALETTE.len()], bold: false, points });
    }
    let chart = charts::rates_over_time(&periods, &series, "hedged sentences", &format!("{} published", grain(agg)), opts.min_n);
    let mut caption = format!(
        "Share of sentences marked hedged, by {} of publication, with 95% intervals; hollow points rest on fewer than {} sentences. Click a point for the sentences it counts. A gap means no article from that source that {}.",
        grain(agg),
        opts.min_n,
        grain(agg)
    );
    let all_sources = agg.by_source.len();
    if all_sources > shown.len() {
        let _ = write!(caption, " The {} sources with most dated articles are drawn; the CSV has all {all_sources}.", shown.len());
    }
    caption.push_str(&undated_note(agg));
    figure(h, "chart-hedging", chart, &esc(&caption), "No dated article with sentences: nothing to draw over time.");
    h.push_str("</section>\n");
}

fn strength_chart(h: &mut String, agg: &Aggregate, opts: &HtmlOptions, drills: &mut Vec<(DrillKey, String)>) {
    h.push_str("<section id=\"claim-strength\">\n<h2>Claim strength over time (shares of claims)</h2>\n");
    let periods: Vec<String> = agg.dated_periods().into_iter().map(String::from).collect();
    let names = ["direct causal", "conditional causal", "correlational"];
    let series: Vec<Series> = (0..3)
        .map(|k| Series {
            name: names[k].to_string(),
            color: STRENGTH_COLORS[k],
            bold: false,
            points: periods
                .iter()
                .map(|p| point(agg.by_period[p].strength_share(k), DrillKey::Period(p.clone()), format!("{p} · all sources"), &format!("claims {}", names[k]), drills))
                .collect(),
        })
        .collect();
    let chart = charts::rates_over_time(&periods, &series, "share of claims", &format!("{} published", grain(agg)), opts.min_n);
    let t = &agg.totals;
    let mix: Vec<String> = (0..3)
        .map(|k| format!("{} {}", names[k], t.strength_share(k).map(|r| rate_n(&r)).unwrap_or_else(|| "–".into())))
        .collect();
    let mut caption = format!(
        "Share of the claims of each strength, by {}, with 95% intervals (hollow: fewer than {} claims). Negated claims (\"X does not treat Y\") are counted apart: {} in all. All {}s: {}.",
        grain(agg),
        opts.min_n,
        num(t.negated_claims),
        grain(agg),
        mix.join("; ")
    );
    caption.push_str(&undated_note(agg));
    figure(h, "chart-strength", chart, &esc(&caption), "No dated claims found.");
    h.push_str("</section>\n");
}

use super::aggregate as agg;

fn drug_chart(h: &mut String, agg: &Aggregate, opts: &HtmlOptions, drills: &mut Vec<(DrillKey, String)>) {
    h.push_str("<section id=\"top-drugs\">\n<h2>Top drugs by hedging rate</h2>\n");
    let top = agg.top_hedged_of(EntityLabel::Drug, false, opts.min_sentences, opts.top);
    let items: Vec<(String, Point)> = top
        .iter()
        .filter_map(|s| {
            let key = DrillKey::Drug(agg.drugs.iter().find(|(_, v)| std::ptr::eq(*v, *s)).map(|(k, _)| k.clone())?);
            point(s.hedged(), key, s.name.clone(), "sentences hedged", drills).map(|p| (s.name.clone(), p))
        })
        .collect();
    let chart = charts::rate_rows(&items, "hedged sentences among the sentences that mention the drug", "sentences", opts.min_n);
    let drugs = agg.drugs.values().filter(|s| !s.class).count() as u64;
    let caption = format!(
        "Drugs (grouped by vocabulary id, so brand and generic names count once) mentioned in at least {} sentence{}, most hedged first, with 95% intervals; hollow: fewer than {} sentences. Drug classes (Anticoagulants, Statins, …) are listed apart below, not ranked with their members. {} drug{} in all.",
        opts.min_sentences,
        plural(opts.min_sentences),
        opts.min_n,
        num(drugs),
        plural(drugs)
    );
    let empty = format!("No drug is mentioned in at least {} sentences.", opts.min_sentences);
    figure(h, "chart-drugs", chart, &esc(&caption), &empty);
    h.push_str("</section>\n");
}

fn sample_row(h: &mut String, s: &SentenceSample) {
    let article = match s.url.as_deref().and_then(safe_url) {
        Some(u) => format!("<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>", esc(u), esc(&s.article)),
        None => esc(&s.article),
    };
    let claims = s.claims.iter().map(|c| esc(c)).collect::<Vec<_>>().join("<br>");
    let quotes = s
        .quotes
        .iter()
        .map(|(q, ok)| format!("“{}” <span class=\"meta\">({})</span>", esc(q), if *ok { "supported" } else { "unsupported" }))
        .collect::<Vec<_>>()
        .join("<br>");
    let _ = writeln!(
        h,
        "<tr><td class=\"k\">{article}</td><td class=\"n\">{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        s.sentence,
        esc(&s.text),
        esc(&s.cues.join(", ")),
        claims,
        quotes
    );
}

fn drilldown(h: &mut String, agg: &Aggregate, drills: &[(DrillKey, String)]) {
    if drills.is_empty() {
        return;
    }
    h.push_str("<div id=\"drilldown\">\n");
    let empty = Drill::default();
    for (key, what) in drills {
        let d = agg.drill.get(key).unwrap_or(&empty);
        let id = drill_id(key);
        let _ = writeln!(h, "<div class=\"drill\" id=\"{id}\">\n<h3>{}</h3>", esc(what));
        let rate = super::stats::wilson(d.hedged_sentences, d.sentences).map(|r| rate_n(&r)).unwrap_or_else(|| "–".into());
        let _ = writeln!(
            h,
            "<p class=\"meta\">{} of {} sentences hedged: {}. Shown: the first {} hedged and the first {} not hedged; sentences.parquet has them all. <a href=\"#top\">back to the top</a></p>",
            num(d.hedged_sentences),
            num(d.sentences),
            esc(&rate),
            d.hedged.len(),
            d.plain.len()
        );
        h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Article</th><th class=\"n\">Sentence</th><th>Text</th><th>Hedge cues</th><th>Claims</th><th>Quotes</th></tr></thead>\n<tbody>\n");
        for s in d.hedged.iter().chain(&d.plain) {
            sample_row(h, s);
        }
        h.push_str("</tbody>\n</table></div>\n</div>\n");
    }
    h.push_str("</div>\n");
}

/// The appendix entries the quote table links to, in order of first link.
struct Cited<'a> {
    anchor: String,
    place: &'a agg::Citation,
}

fn quotes_table<'a>(h: &mut String, agg: &'a Aggregate, opts: &HtmlOptions) -> Vec<Cited<'a>> {
    h.push_str("<section id=\"quotes\">\n<h2>Most-cited unsupported quotes</h2>\n");
    let top = agg.top_quotes(opts.top);
    let mut cited = Vec::new();
    let mut seen = HashSet::new();
    if top.is_empty() {
        h.push_str("<p class=\"empty\">No unsupported quotes found.</p>\n</section>\n");
        return cited;
    }
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th class=\"n\">#</th><th>Quote</th><th>Speaker</th><th class=\"n\">Cited</th><th class=\"n\">Articles</th><th>Where</th></tr></thead>\n<tbody>\n");
    for (i, q) in top.iter().enumerate() {
        let mut places = String::new();
        for p in &q.places {
            let a = anchor(&p.article, p.sentence);
            let _ = write!(places, "<a href=\"#{}\">{} (sentence {})</a>", esc(&a), esc(&charts::label(&p.article)), p.sentence);
            if let Some(u) = p.url.as_deref().and_then(safe_url) {
                let _ = write!(places, "<a href=\"{}\" rel=\"noopener noreferrer\">article</a>", esc(u));
            }
            if seen.insert(a.clone()) {
                cited.push(Cited { anchor: a, place: p });
            }
        }
        if q.citations as usize > q.places.len() {
            let _ = write!(places, "<span class=\"meta\">and {} more</span>", num(q.citations - q.places.len() as u64));
        }
        let _ = writeln!(
            h,
            "<tr><td class=\"n\">{}</td><td><blockquote>“{}”</blockquote></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"where\">{}</td></tr>",
            i + 1,
            esc(&charts::label(&q.text)),
            esc(q.speaker.as_deref().unwrap_or("–")),
            num(q.citations),
            num(q.articles),
            places
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    let _ = writeln!(
        h,
        "<p class=\"note\">Quotes the tagger found no checkable support for, grouped by text; {} distinct in all (see unsupported_quotes.csv).</p>",
        num(agg.quotes.len() as u64)
    );
    h.push_str("</section>\n");
    cited
}

fn sorted_sources(agg: &Aggregate) -> Vec<(&str, &Metrics)> {
    let mut v: Vec<(&str, &Metrics)> = agg.by_source.iter().map(|(s, m)| (s.as_str(), m)).collect();
    v.sort_by(|a, b| (b.1.articles + b.1.errors).cmp(&(a.1.articles + a.1.errors)).then(a.0.cmp(b.0)));
    v
}

const MAX_ROWS: usize = 50;

fn group_table(h: &mut String, title: &str, id: &str, key: &str, rows: Vec<(&str, &Metrics)>, csv: &str, min_n: u64) {
    let _ = writeln!(h, "<section id=\"{id}\">\n<h2>{}</h2>", esc(title));
    if rows.is_empty() {
        h.push_str("<p class=\"empty\">No articles.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        h,
        "<div class=\"scroll\"><table>\n<thead><tr><th>{}</th><th class=\"n\">Articles</th><th class=\"n\">Errors</th><th class=\"n\">Sentences</th><th class=\"n\">Hedged rate [95% CI]</th><th class=\"n\">Claims</th><th class=\"n\">Direct share</th><th class=\"n\">Conditional share</th><th class=\"n\">Correlational share</th><th class=\"n\">Negated claims</th><th class=\"n\">Unsupported quotes [95% CI]</th><th class=\"n\">Unsupported quotes / 1k words</th></tr></thead>\n<tbody>",
        esc(key)
    );
    for (name, m) in rows.iter().take(MAX_ROWS) {
        let _ = writeln!(
            h,
            "<tr><td class=\"k\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(name),
            num(m.articles),
            num(m.errors),
            num(m.sentences),
            ci(m.hedged(), min_n),
            num(m.claims_total()),
            ci(m.strength_share(0), min_n),
            ci(m.strength_share(1), min_n),
            ci(m.strength_share(2), min_n),
            num(m.negated_claims),
            ci(m.unsupported(), min_n),
            m.unsupported_per_1k_words().map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into())
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    if rows.len() > MAX_ROWS {
        let _ = writeln!(h, "<p class=\"note\">First {MAX_ROWS} of {} rows; {} has them all.</p>", rows.len(), esc(csv));
    }
    h.push_str("</section>\n");
}

/// A rate with its interval and n for a table cell (escaped); under `min_n` marked as such.
fn ci(r: Option<Rate>, min_n: u64) -> String {
    match r {
        None => "–".into(),
        Some(r) if r.n < min_n => format!("<span class=\"low\" title=\"fewer than {min_n}: read with care\">{}</span>", esc(&rate_n(&r))),
        Some(r) => esc(&rate_n(&r)),
    }
}

fn concept_table(h: &mut String, agg: &Aggregate, label: EntityLabel, classes: bool, opts: &HtmlOptions) {
    let (title, id, map, csv) = match (label, classes) {
        (EntityLabel::Drug, false) => ("Most mentioned drugs", "drugs", &agg.drugs, "by_drug.csv"),
        (EntityLabel::Drug, true) => ("Most mentioned drug classes", "drug-classes", &agg.drugs, "by_drug.csv (class = true)"),
        (EntityLabel::Condition, _) => ("Most mentioned conditions", "conditions", &agg.conditions, "by_condition.csv"),
    };
    let _ = writeln!(h, "<section id=\"{id}\">\n<h2>{title}</h2>");
    let mut rows: Vec<&ConceptStats> = map.values().filter(|s| label == EntityLabel::Condition || s.class == classes).collect();
    if rows.is_empty() {
        h.push_str("<p class=\"empty\">None found.</p>\n</section>\n");
        return;
    }
    rows.sort_by(|a, b| b.sentences.cmp(&a.sentences).then(b.mentions.cmp(&a.mentions)).then(a.name.cmp(&b.name)));
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Name</th><th>Id</th><th class=\"n\">Articles</th><th class=\"n\">Sentences</th><th class=\"n\">Hedged [95% CI]</th><th class=\"n\">Claims</th><th class=\"n\">Negated claims</th></tr></thead>\n<tbody>\n");
    for s in rows.iter().take(opts.top) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&charts::label(&s.name)),
            esc(s.id.as_deref().unwrap_or("")),
            num(s.articles),
            num(s.sentences),
            ci(s.hedged(), opts.min_n),
            num(s.claims_total()),
            num(s.negated_claims)
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    if rows.len() > opts.top {
        let _ = writeln!(h, "<p class=\"note\">First {} of {}; {csv} has them all.</p>", opts.top, rows.len());
    }
    h.push_str("</section>\n");
}

fn appendix(h: &mut String, cited: &[Cited]) {
    if cited.is_empty() {
        return;
    }
    h.push_str("<section id=\"appendix\">\n<h2>Appendix: the sentences quoted</h2>\n<ol class=\"appendix\">\n");
    for c in cited {
        let p = c.place;
        let mut meta = format!("{} · sentence {} · {}", esc(&p.article), p.sentence, esc(&p.source));
        if let Some(t) = p.title.as_deref().filter(|t| !t.trim().is_empty()) {
            let _ = write!(meta, " · {}", esc(t));
        }
        if let Some(u) = p.url.as_deref().and_then(safe_url) {
            let _ = write!(meta, " · <a href=\"{0}\" rel=\"noopener noreferrer\">{0}</a>", esc(u));
        }
        let _ = writeln!(h, "<li id=\"{}\"><div>{}</div><div class=\"meta\">{}</div></li>", esc(&c.anchor), esc(&p.sentence_text), meta);
    }
    h.push_str("</ol>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(esc("睡眠\u{0}😀"), "睡眠😀");
    }

    #[test]
    fn urls() {
        assert_eq!(safe_url(" https://a.org/x?y=1 "), Some("https://a.org/x?y=1"));
        assert_eq!(safe_url("HTTP://A.ORG"), Some("HTTP://A.ORG"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,<b>"), None);
        assert_eq!(safe_url("https://a.org/x y"), None);
        assert_eq!(safe_url("ht"), None);
        assert_eq!(safe_url("é"), None);
    }

    #[test]
    fn anchors() {
        assert_eq!(anchor("a01_statins-2", 3), "a01_statins-2-s3");
        let weird = anchor("news/\"x\" 😀", 0);
        assert!(weird.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'), "{weird}");
        assert_ne!(anchor("a b", 1), anchor("a_b", 1));
        assert_ne!(anchor("a b", 1), anchor("a+b", 1));
    }

    #[test]
    fn numbers() {
        assert_eq!(num(0), "0");
        assert_eq!(num(1234567), "1,234,567");
        assert_eq!(num(100), "100");
    }
}
