//! [`Aggregate`] → tidy CSV tables: one row per group, one column per measure, a header row,
//! RFC 4180 quoting, `\n` line ends, UTF-8. Every rate comes with its Wilson 95% interval
//! (`_lo`, `_hi`) and the counts it is made of. An undefined rate (a group without sentences,
//! quotes or claims) is an empty cell. Sentence numbers are the JSONL's (0-based), as in the
//! HTML. Returns the file names written.
//!
//! | file                     | one row per                                   |
//! |--------------------------|-----------------------------------------------|
//! | `totals.csv`             | the whole run                                 |
//! | `by_<period>.csv`        | period (`month`, `week`, …; `undated` last)   |
//! | `by_source.csv`          | source                                        |
//! | `by_source_<period>.csv` | source × period                               |
//! | `by_drug.csv`            | drug or drug class (`class` column)           |
//! | `by_condition.csv`       | condition                                     |
//! | `unsupported_quotes.csv` | unsupported quote                             |
//! | `trends.csv`             | measure × scope (all sources, each source)    |

use super::aggregate::{Aggregate, ConceptStats, Metrics, UNDATED};
use super::stats::Rate;
use super::trends::TrendRow;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// The measure columns shared by the month and source tables.
pub const METRIC_COLUMNS: [&str; 28] = [
    "articles",
    "errors",
    "words",
    "sentences",
    "hedged_sentences",
    "hedged_rate",
    "hedged_rate_lo",
    "hedged_rate_hi",
    "claims",
    "claims_direct_causal",
    "claims_conditional_causal",
    "claims_correlational",
    "direct_causal_share",
    "direct_causal_share_lo",
    "direct_causal_share_hi",
    "conditional_causal_share",
    "conditional_causal_share_lo",
    "conditional_causal_share_hi",
    "correlational_share",
    "correlational_share_lo",
    "correlational_share_hi",
    "negated_claims",
    "quotes",
    "unsupported_quotes",
    "unsupported_quote_rate",
    "unsupported_quote_rate_lo",
    "unsupported_quote_rate_hi",
    "unsupported_per_1k_words",
];

const CONCEPT_COLUMNS: [&str; 14] = [
    "id",
    "class",
    "articles",
    "mentions",
    "sentences",
    "hedged_sentences",
    "hedged_rate",
    "hedged_rate_lo",
    "hedged_rate_hi",
    "claims",
    "claims_direct_causal",
    "claims_conditional_causal",
    "claims_correlational",
    "negated_claims",
];

/// Write every table into `dir`; returns the file names.
pub fn write_all(agg: &Aggregate, dir: &Path) -> Result<Vec<String>> {
    let mut written = Vec::new();
    let mut put = |name: &str, header: Vec<&str>, rows: Vec<Vec<String>>| -> Result<()> {
        let path = dir.join(name);
        let mut out = Vec::new();
        write_row(&mut out, header.iter().copied());
        for r in &rows {
            write_row(&mut out, r.iter().map(String::as_str));
        }
        std::fs::write(&path, out).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(name.to_string());
        Ok(())
    };

    let grain = agg.grouping.period.as_str();
    let mut header = vec!["files", "invalid_lines", "duplicates", "undated", "out_of_range", "sources", "period", "periods"];
    header.extend(METRIC_COLUMNS);
    let mut row = vec![
        agg.files.len().to_string(),
        agg.invalid_lines.to_string(),
        agg.duplicates.to_string(),
        agg.undated.to_string(),
        agg.out_of_range.to_string(),
        agg.by_source.len().to_string(),
        grain.to_string(),
        agg.dated_periods().len().to_string(),
    ];
    row.extend(metric_cells(&agg.totals));
    put("totals.csv", header, vec![row])?;

    let periods = period_order(agg);
    put(
        &format!("by_{grain}.csv"),
        with_keys(&[grain]),
        periods.iter().map(|m| keyed(&[m], &agg.by_period[*m])).collect(),
    )?;
    put("by_source.csv", with_keys(&["source"]), agg.by_source.iter().map(|(s, m)| keyed(&[s], m)).collect())?;
    let mut sm: Vec<(&(String, String), &Metrics)> = agg.by_source_period.iter().collect();
    sm.sort_by_key(|((s, m), _)| (s.clone(), m == UNDATED, m.clone()));
    put(
        &format!("by_source_{grain}.csv"),
        with_keys(&["source", grain]),
        sm.into_iter().map(|((s, m), x)| keyed(&[s, m], x)).collect(),
    )?;

    for (name, key, map) in [("by_drug.csv", "drug", &agg.drugs), ("by_condition.csv", "condition", &agg.conditions)] {
        let mut header = vec![key];
        header.extend(CONCEPT_COLUMNS);
        let mut rows: Vec<&ConceptStats> = map.values().collect();
        rows.sort_by(|a, b| b.sentences.cmp(&a.sentences).then(a.name.cmp(&b.name)));
        put(name, header, rows.into_iter().map(concept_cells).collect())?;
    }

    let header = vec!["quote", "speaker", "citations", "articles", "first_article", "first_sentence", "first_url"];
    let rows = agg
        .top_quotes(usize::MAX)
        .into_iter()
        .map(|q| {
            let first = q.places.first();
            vec![
                q.text.clone(),
                q.speaker.clone().unwrap_or_default(),
                q.citations.to_string(),
                q.articles.to_string(),
                first.map(|c| c.article.clone()).unwrap_or_default(),
                first.map(|c| c.sentence.to_string()).unwrap_or_default(),
                first.and_then(|c| c.url.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    put("unsupported_quotes.csv", header, rows)?;

    let header = vec![
        "measure", "scope", "period", "first_period", "first_k", "first_n", "first_rate", "first_lo", "first_hi",
        "last_period", "last_k", "last_n", "last_rate", "last_lo", "last_hi", "change", "articles", "units",
        "slope_per_period", "slope_se", "odds_ratio", "odds_ratio_lo", "odds_ratio_hi", "p_value", "test", "statement",
    ];
    put("trends.csv", header, super::trends::trends(agg).iter().map(|t| trend_cells(t, grain)).collect())?;
    Ok(written)
}

fn trend_cells(t: &TrendRow, grain: &str) -> Vec<String> {
    let side = |x: &Option<(String, Rate)>| -> Vec<String> {
        match x {
            Some((p, r)) => vec![p.clone(), r.k.to_string(), r.n.to_string(), f4(r.p), f4(r.lo), f4(r.hi)],
            None => vec![String::new(); 6],
        }
    };
    let mut row = vec![t.measure.key().to_string(), t.source.clone().unwrap_or_else(|| "all".into()), grain.to_string()];
    row.extend(side(&t.first));
    row.extend(side(&t.last));
    row.push(match (&t.first, &t.last) {
        (Some((_, a)), Some((_, b))) => f4(b.p - a.p),
        _ => String::new(),
    });
    match &t.test {
        Ok(tr) => {
            let (or, lo, hi) = tr.odds_ratio();
            row.extend([tr.clusters.to_string(), tr.units.to_string(), f6(tr.slope), f6(tr.se), f4(or), f4(lo), f4(hi), format!("{:.6}", tr.p)]);
            row.push("clustered logistic".into());
        }
        Err(why) => {
            row.extend(vec![String::new(); 8]);
            row.push(why.as_str().into());
        }
    }
    row.push(t.statement.clone());
    row
}

fn f4(x: f64) -> String {
    format!("{x:.4}")
}

fn f6(x: f64) -> String {
    format!("{x:.6}")
}

/// Periods in time order, `undated` last.
pub fn period_order(agg: &Aggregate) -> Vec<&str> {
    let mut v = agg.dated_periods();
    if agg.by_period.contains_key(UNDATED) {
        v.push(UNDATED);
    }
    v
}

fn with_keys<'a>(keys: &[&'a str]) -> Vec<&'a str> {
    let mut h = keys.to_vec();
    h.extend(METRIC_COLUMNS);
    h
}

fn keyed(keys: &[&str], m: &Metrics) -> Vec<String> {
    let mut r: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    r.extend(metric_cells(m));
    r
}

/// The interval bounds of a rate, as two cells.
fn bounds(r: Option<Rate>) -> [String; 2] {
    [fmt_opt(r.map(|r| r.lo)), fmt_opt(r.map(|r| r.hi))]
}

/// A rate and its bounds, as three cells.
fn with_bounds(r: Option<Rate>) -> [String; 3] {
    [fmt_opt(r.map(|r| r.p)), fmt_opt(r.map(|r| r.lo)), fmt_opt(r.map(|r| r.hi))]
}

fn metric_cells(m: &Metrics) -> Vec<String> {
    let mut v = vec![
        m.articles.to_string(),
        m.errors.to_string(),
        m.words.to_string(),
        m.sentences.to_string(),
        m.hedged_sentences.to_string(),
        fmt_opt(m.hedged_rate()),
    ];
    v.extend(bounds(m.hedged()));
    v.extend([m.claims_total().to_string(), m.claims[0].to_string(), m.claims[1].to_string(), m.claims[2].to_string()]);
    for k in 0..3 {
        v.extend(with_bounds(m.strength_share(k)));
    }
    v.extend([m.negated_claims.to_string(), m.quotes.to_string(), m.unsupported_quotes.to_string()]);
    v.extend(with_bounds(m.unsupported()));
    v.push(fmt_opt(m.unsupported_per_1k_words()));
    v
}

fn concept_cells(s: &ConceptStats) -> Vec<String> {
    let [lo, hi] = bounds(s.hedged());
    vec![
        s.name.clone(),
        s.id.clone().unwrap_or_default(),
        s.class.to_string(),
        s.articles.to_string(),
        s.mentions.to_string(),
        s.sentences.to_string(),
        s.hedged_sentences.to_string(),
        fmt_opt(s.hedged_rate()),
        lo,
        hi,
        s.claims_total().to_string(),
        s.claims[0].to_string(),
        s.claims[1].to_string(),
        s.claims[2].to_string(),
        s.negated_claims.to_string(),
    ]
}

/// A rate with 4 decimals; empty when undefined.
pub fn fmt_opt(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// One CSV record: cells quoted when they hold a comma, quote, CR or LF (or start/end with a
/// space), quotes doubled. A cell a spreadsheet would run as a formula is neutralised first
/// ([`defuse`]).
pub fn write_row<'a>(out: &mut Vec<u8>, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let cell = defuse(cell);
        let cell = cell.as_ref();
        let needs = cell.contains([',', '"', '\n', '\r']) || cell.starts_with(' ') || cell.ends_with(' ');
        if needs {
            out.push(b'"');
            out.extend_from_slice(cell.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(cell.as_bytes());
        }
    }
    let _ = out.write_all(b"\n");
}

/// CSV injection (OWASP): article ids, quotes, speakers and sources come from the articles, and
/// a cell starting with `=`, `+`, `-`, `@`, tab or CR is a formula to Excel, LibreOffice and
/// Sheets. Such a cell gets a leading `'` (shown as text, not run); a plain number (`-3`,
/// `+0.25`) is left as it is.
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// An optional sign, digits, and optionally a point and more digits.
fn is_plain_number(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> String {
        let mut out = Vec::new();
        write_row(&mut out, cells.iter().copied());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn quoting() {
        assert_eq!(row(&["a", "b c", ""]), "a,b c,\n");
        assert_eq!(row(&["x,y", "say \"hi\"", "l1\nl2", " pad"]), "\"x,y\",\"say \"\"hi\"\"\",\"l1\nl2\",\" pad\"\n");
        assert_eq!(row(&["睡眠 😀", "שלום"]), "睡眠 😀,שלום\n");
    }

    #[test]
    fn issue18_formulas_are_neutralised_numbers_kept() {
        let link = row(&["=HYPERLINK(\"http://x\")"]);
        assert_eq!(link, r#""'=HYPERLINK(""http://x"")""#.to_string() + "\n");
        let cells = row(&["+1+1", "-2+3", "@SUM(A1)", "-inf", "-.5"]);
        assert_eq!(cells, "'+1+1,'-2+3,'@SUM(A1),'-inf,'-.5\n");
        assert_eq!(row(&["\tcmd", "\r=1"]), "'\tcmd,\"'\r=1\"\n");
        assert_eq!(row(&["-3", "+0.25", "12", "a=b", "0.3333"]), "-3,+0.25,12,a=b,0.3333\n");
    }

    #[test]
    fn rates() {
        assert_eq!(fmt_opt(Some(1.0 / 3.0)), "0.3333");
        assert_eq!(fmt_opt(None), "");
    }
}
