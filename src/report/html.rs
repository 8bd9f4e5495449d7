//! [`Aggregate`] → one self-contained HTML page (`index.html`): inline CSS, inline SVG charts from
//! [`super::charts`], no script, no external resource (a Content-Security-Policy forbids loading
//! any), so it views offline and by mail. Every string from the data is escaped here; article
//! links are kept only for `http(s)` URLs.
//!
//! Sections: run totals; hedging rate over time per source; claim strength mix by month; top
//! drugs by hedging rate; the most-cited unsupported quotes, each linking to the sentences that
//! cite it in an appendix (`#<article id>-s<sentence>`) and to the article's URL; tables by
//! source, month, drug and condition.

use super::aggregate::{Aggregate, ConceptStats, Metrics, UNDATED};
use super::charts::{self, Chart, STRENGTH_COLORS};
use super::csv::month_order;
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
    /// The CSV files written beside the page (linked from it).
    pub csv_files: Vec<String>,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions { top: 15, top_sources: 8, min_sentences: 3, csv_files: Vec::new() }
    }
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

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_else(|| "–".into())
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
    h.push_str("</style>\n</head>\n<body>\n<main>\n");
    h.push_str("<h1>Hedging in health articles</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"sub\">healthclaims report over {} file{} ({} article{}, {} source{}, {} month{} with dated articles)</p>",
        agg.files.len(),
        plural(agg.files.len() as u64),
        num(t.articles + t.errors),
        plural(t.articles + t.errors),
        agg.by_source.len(),
        plural(agg.by_source.len() as u64),
        agg.dated_months().len(),
        plural(agg.dated_months().len() as u64),
    );

    totals(&mut h, agg);
    hedging_chart(&mut h, agg, opts)?;
    strength_chart(&mut h, agg)?;
    drug_chart(&mut h, agg, opts)?;
    let cited = quotes_table(&mut h, agg, opts);
    group_table(&mut h, "By source", "by-source", "source", sorted_sources(agg), "by_source.csv");
    let months: Vec<(&str, &Metrics)> = month_order(agg).into_iter().map(|m| (m, &agg.by_month[m])).collect();
    group_table(&mut h, "By month", "by-month", "month", months, "by_month.csv");
    concept_table(&mut h, agg, EntityLabel::Drug, opts.top);
    concept_table(&mut h, agg, EntityLabel::Condition, opts.top);
    appendix(&mut h, &cited);

    h.push_str("<footer>\n");
    if !opts.csv_files.is_empty() {
        h.push_str("<p>Tables (CSV, one row per group): ");
        let links: Vec<String> = opts.csv_files.iter().map(|f| format!("<a href=\"{0}\">{0}</a>", esc(f))).collect();
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
    h.push_str("<p>Hedged-sentence rate = hedged sentences / sentences. Unsupported quotes per 1,000 words = unsupported quotes × 1000 / words. Undated articles are counted everywhere except on the time axis.</p>\n");
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
        (pct(t.hedged_rate()), "hedged-sentence rate"),
        (num(t.claims_total()), "claims"),
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

fn hedging_chart(h: &mut String, agg: &Aggregate, opts: &HtmlOptions) -> Result<()> {
    h.push_str("<section id=\"hedging-over-time\">\n<h2>Hedging rate over time, per source</h2>\n");
    let months: Vec<String> = agg.dated_months().into_iter().map(String::from).collect();
    let all: Vec<Option<f64>> = months.iter().map(|m| agg.by_month[m].hedged_rate()).collect();
    // Sources with the most dated articles get their own line.
    let mut sources: Vec<(&str, u64)> = agg
        .by_source
        .keys()
        .map(|s| {
            let dated = months.iter().filter_map(|m| agg.by_source_month.get(&(s.clone(), m.clone()))).map(|x| x.articles).sum();
            (s.as_str(), dated)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown = sources.len().min(opts.top_sources);
    let series: Vec<(String, Vec<Option<f64>>)> = sources[..shown]
        .iter()
        .map(|(s, _)| {
            let v = months
                .iter()
                .map(|m| agg.by_source_month.get(&(s.to_string(), m.clone())).and_then(Metrics::hedged_rate))
                .collect();
            (s.to_string(), v)
        })
        .collect();
    let chart = charts::rate_over_time(&months, &all, &series)?;
    let mut caption = String::from("Share of sentences marked hedged, by month of publication; a gap means no article from that source that month.");
    if sources.len() > shown {
        let _ = write!(caption, " The {shown} sources with most dated articles are drawn; the CSV has all {}.", sources.len());
    }
    let undated = agg.by_month.get(UNDATED).map(|m| m.articles + m.errors).unwrap_or(0);
    if undated > 0 {
        let _ = write!(caption, " {} undated article{} are counted in the totals and tables but have no place on this axis.", num(undated), plural(undated));
    }
    figure(h, "chart-hedging", chart, &esc(&caption), "No dated article with sentences: nothing to draw over time.");
    h.push_str("</section>\n");
    Ok(())
}

fn strength_chart(h: &mut String, agg: &Aggregate) -> Result<()> {
    h.push_str("<section id=\"claim-strength\">\n<h2>Claim strength mix</h2>\n");
    let months: Vec<String> = month_order(agg).into_iter().map(String::from).collect();
    let names = ["direct causal", "conditional causal", "correlational"];
    let stacks: Vec<(String, plotters::style::RGBColor, Vec<u64>)> = (0..3)
        .map(|k| (names[k].to_string(), STRENGTH_COLORS[k], months.iter().map(|m| agg.by_month[m].claims[k]).collect()))
        .collect();
    let chart = charts::stacked_bars(&months, &stacks, "claims", "month published")?;
    let t = &agg.totals;
    let total = t.claims_total();
    let mix: Vec<String> = (0..3)
        .map(|k| format!("{} {} ({})", num(t.claims[k]), names[k], pct(agg::ratio(t.claims[k], total))))
        .collect();
    let caption = format!(
        "Claims by strength and month (negated claims — \"X does not treat Y\" — are not counted here). All months: {}; {} negated.",
        mix.join(", "),
        num(t.negated_claims)
    );
    figure(h, "chart-strength", chart, &esc(&caption), "No claims found.");
    h.push_str("</section>\n");
    Ok(())
}

use super::aggregate as agg;

fn drug_chart(h: &mut String, agg: &Aggregate, opts: &HtmlOptions) -> Result<()> {
    h.push_str("<section id=\"top-drugs\">\n<h2>Top drugs by hedging rate</h2>\n");
    let top = agg.top_hedged(EntityLabel::Drug, opts.min_sentences, opts.top);
    let items: Vec<(String, f64, u64)> =
        top.iter().map(|s| (s.name.clone(), s.hedged_rate().unwrap_or(0.0), s.sentences)).collect();
    let chart = charts::rate_bars(&items, "hedged sentences among the sentences that mention the drug", "sentences")?;
    let caption = format!(
        "Drugs mentioned in at least {} sentence{}, most hedged first ({} drug{} in all).",
        opts.min_sentences,
        plural(opts.min_sentences),
        num(agg.drugs.len() as u64),
        plural(agg.drugs.len() as u64)
    );
    let empty = format!("No drug is mentioned in at least {} sentences.", opts.min_sentences);
    figure(h, "chart-drugs", chart, &esc(&caption), &empty);
    h.push_str("</section>\n");
    Ok(())
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
            let _ = write!(places, "<a href=\"#{}\">{} (sentence {})</a>", esc(&a), esc(&charts::label(&p.article, 40)), p.sentence.saturating_add(1));
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
            esc(&charts::label(&q.text, 400)),
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

fn group_table(h: &mut String, title: &str, id: &str, key: &str, rows: Vec<(&str, &Metrics)>, csv: &str) {
    let _ = writeln!(h, "<section id=\"{id}\">\n<h2>{}</h2>", esc(title));
    if rows.is_empty() {
        h.push_str("<p class=\"empty\">No articles.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        h,
        "<div class=\"scroll\"><table>\n<thead><tr><th>{}</th><th class=\"n\">Articles</th><th class=\"n\">Errors</th><th class=\"n\">Sentences</th><th class=\"n\">Hedged rate</th><th class=\"n\">Direct claims</th><th class=\"n\">Conditional</th><th class=\"n\">Correlational</th><th class=\"n\">Unsupported quotes / 1k words</th></tr></thead>\n<tbody>",
        esc(key)
    );
    for (name, m) in rows.iter().take(MAX_ROWS) {
        let _ = writeln!(
            h,
            "<tr><td class=\"k\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(name),
            num(m.articles),
            num(m.errors),
            num(m.sentences),
            pct(m.hedged_rate()),
            num(m.claims[0]),
            num(m.claims[1]),
            num(m.claims[2]),
            m.unsupported_per_1k_words().map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into())
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    if rows.len() > MAX_ROWS {
        let _ = writeln!(h, "<p class=\"note\">First {MAX_ROWS} of {} rows; {} has them all.</p>", rows.len(), esc(csv));
    }
    h.push_str("</section>\n");
}

fn concept_table(h: &mut String, agg: &Aggregate, label: EntityLabel, top: usize) {
    let (title, id, map, csv) = match label {
        EntityLabel::Drug => ("Most mentioned drugs", "drugs", &agg.drugs, "by_drug.csv"),
        EntityLabel::Condition => ("Most mentioned conditions", "conditions", &agg.conditions, "by_condition.csv"),
    };
    let _ = writeln!(h, "<section id=\"{id}\">\n<h2>{title}</h2>");
    let mut rows: Vec<&ConceptStats> = map.values().collect();
    if rows.is_empty() {
        h.push_str("<p class=\"empty\">None found.</p>\n</section>\n");
        return;
    }
    rows.sort_by(|a, b| b.sentences.cmp(&a.sentences).then(b.mentions.cmp(&a.mentions)).then(a.name.cmp(&b.name)));
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Name</th><th>Id</th><th class=\"n\">Articles</th><th class=\"n\">Sentences</th><th class=\"n\">Hedged</th><th class=\"n\">Claims</th></tr></thead>\n<tbody>\n");
    for s in rows.iter().take(top) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&charts::label(&s.name, 80)),
            esc(s.id.as_deref().unwrap_or("")),
            num(s.articles),
            num(s.sentences),
            pct(s.hedged_rate()),
            num(s.claims_total())
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    if rows.len() > top {
        let _ = writeln!(h, "<p class=\"note\">First {top} of {}; {csv} has them all.</p>", rows.len());
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
        let mut meta = format!("{} · sentence {} · {}", esc(&p.article), p.sentence.saturating_add(1), esc(&p.source));
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
        assert_eq!(pct(Some(0.12345)), "12.3%");
        assert_eq!(pct(None), "–");
    }
}
