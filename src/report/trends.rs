//! [`Aggregate`] → trend statements. For each measure (hedged sentences, unsupported quotes,
//! the share of claims of each strength) and each scope (all sources, then each source), takes the
//! first and the last period with data, their rates with Wilson intervals, and the clustered
//! logistic trend test of [`super::stats::trend`] over the articles' rows; returns [`TrendRow`]s,
//! each with one sentence a researcher can cite ("Hedging fell from 14% [11–17] in 2026-01 to
//! 9% [7–12] in 2026-06; trend p = 0.01 …"), for the HTML page and `trends.csv`.

use super::aggregate::{Aggregate, ArticleRow, Metrics, STRENGTHS};
use super::stats::{trend, NoTrend, Rate, Trend, Unit, MIN_TREND_ARTICLES};

/// What a trend is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Hedged sentences of sentences.
    Hedged,
    /// Unsupported quotes of quotes.
    Unsupported,
    /// Claims of strength `STRENGTHS[k]` of (non-negated) claims.
    Strength(usize),
}

pub const MEASURES: [Measure; 5] =
    [Measure::Hedged, Measure::Unsupported, Measure::Strength(0), Measure::Strength(1), Measure::Strength(2)];

impl Measure {
    /// Column value in `trends.csv`.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Hedged => "hedged_sentences",
            Measure::Unsupported => "unsupported_quotes",
            Measure::Strength(k) => match STRENGTHS[k].as_str() {
                "direct_causal" => "direct_causal_claims",
                "conditional_causal" => "conditional_causal_claims",
                _ => "correlational_claims",
            },
        }
    }
    /// The subject of the sentence.
    pub fn noun(self) -> &'static str {
        match self {
            Measure::Hedged => "Hedging",
            Measure::Unsupported => "The unsupported share of quotes",
            Measure::Strength(0) => "The direct-causal share of claims",
            Measure::Strength(1) => "The conditional-causal share of claims",
            Measure::Strength(_) => "The correlational share of claims",
        }
    }
    /// What the n counts.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::Hedged => "sentences",
            Measure::Unsupported => "quotes",
            Measure::Strength(_) => "claims",
        }
    }
    pub fn rate(self, m: &Metrics) -> Option<Rate> {
        match self {
            Measure::Hedged => m.hedged(),
            Measure::Unsupported => m.unsupported(),
            Measure::Strength(k) => m.strength_share(k),
        }
    }
    fn unit_of(self, a: &ArticleRow, t: f64) -> Unit {
        let (y, n) = match self {
            Measure::Hedged => (a.hedged, a.sentences),
            Measure::Unsupported => (a.unsupported, a.quotes),
            Measure::Strength(k) => (a.claims[k], a.claims.iter().sum()),
        };
        Unit { t, y: y as u64, n: n as u64 }
    }
}

/// One trend: a measure in a scope.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendRow {
    pub measure: Measure,
    /// `None`: all sources.
    pub source: Option<String>,
    /// First and last period with data, and their rates.
    pub first: Option<(String, Rate)>,
    pub last: Option<(String, Rate)>,
    pub test: Result<Trend, NoTrend>,
    pub statement: String,
}

/// Every measure for all sources, then for each source with dated articles (sources by name).
pub fn trends(agg: &Aggregate) -> Vec<TrendRow> {
    let mut out = Vec::new();
    let mut sources: Vec<(u32, &str)> = agg.source_names.iter().enumerate().map(|(i, s)| (i as u32, s.as_str())).collect();
    sources.sort_by_key(|&(_, s)| s);
    for measure in MEASURES {
        out.push(row(agg, measure, None));
    }
    for (index, name) in sources {
        if !agg.articles.iter().any(|a| a.source == index && a.ordinal.is_some()) {
            continue;
        }
        for measure in MEASURES {
            out.push(row(agg, measure, Some((index, name))));
        }
    }
    out
}

fn row(agg: &Aggregate, measure: Measure, source: Option<(u32, &str)>) -> TrendRow {
    let periods = agg.dated_periods();
    let rate_in = |p: &str| -> Option<Rate> {
        let m = match source {
            None => agg.by_period.get(p),
            Some((_, s)) => agg.by_source_period.get(&(s.to_string(), p.to_string())),
        };
        m.and_then(|m| measure.rate(m))
    };
    let first = periods.iter().find_map(|p| rate_in(p).map(|r| (p.to_string(), r)));
    let last = periods.iter().rev().find_map(|p| rate_in(p).map(|r| (p.to_string(), r)));
    let origin = agg.ordinals.values().min().copied().unwrap_or(0);
    let units: Vec<Unit> = agg
        .articles
        .iter()
        .filter(|a| source.is_none_or(|(i, _)| a.source == i))
        .filter_map(|a| a.ordinal.map(|o| measure.unit_of(a, (o - origin) as f64)))
        .collect();
    let test = trend(&units, MIN_TREND_ARTICLES);
    let statement = statement(measure, source.map(|s| s.1), &first, &last, &test, agg.grouping.period.as_str());
    TrendRow { measure, source: source.map(|s| s.1.to_string()), first, last, test, statement }
}

/// A rate as `14% [11–17]`.
pub fn rate_text(r: &Rate) -> String {
    format!("{} [{}–{}]", pct(r.p), pct_bare(r.lo), pct_bare(r.hi))
}

fn pct(x: f64) -> String {
    format!("{}%", pct_bare(x))
}

/// Whole percent, or one decimal under 10% (so that 0.4% is not "0%").
fn pct_bare(x: f64) -> String {
    let v = x * 100.0;
    if v != 0.0 && v < 9.95 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// A p value as people write it: `p = 0.01`, `p = 0.003`, `p < 0.001`.
pub fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

fn statement(
    measure: Measure,
    source: Option<&str>,
    first: &Option<(String, Rate)>,
    last: &Option<(String, Rate)>,
    test: &Result<Trend, NoTrend>,
    grain: &str,
) -> String {
    let scope = source.map(|s| format!(" ({s})")).unwrap_or_default();
    let noun = measure.noun();
    let (Some((p0, r0)), Some((p1, r1))) = (first, last) else {
        return format!("{noun}{scope}: no dated {} to compare.", measure.unit());
    };
    if p0 == p1 {
        return format!("{noun}{scope} was {} in {p0} (n = {} {}), the only period with data.", rate_text(r0), r0.n, measure.unit());
    }
    let verb = if r1.p < r0.p {
        "fell from"
    } else if r1.p > r0.p {
        "rose from"
    } else {
        "was"
    };
    let to = if verb == "was" { "and" } else { "to" };
    let mut s = format!(
        "{noun}{scope} {verb} {} in {p0} (n = {}) {to} {} in {p1} (n = {} {})",
        rate_text(r0),
        r0.n,
        rate_text(r1),
        r1.n,
        measure.unit()
    );
    match test {
        Ok(t) => {
            let (or, lo, hi) = t.odds_ratio();
            s.push_str(&format!(
                "; trend {} (odds ×{or:.2} per {grain}, 95% CI {lo:.2}–{hi:.2}; {} articles).",
                p_text(t.p),
                t.clusters
            ));
        }
        Err(why) => s.push_str(&format!("; trend not tested ({}).", why.as_str())),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::stats::wilson;

    #[test]
    fn statements_read_as_sentences() {
        let first = Some(("2026-01".to_string(), wilson(14, 100).unwrap()));
        let last = Some(("2026-06".to_string(), wilson(9, 100).unwrap()));
        let t = Trend { intercept: -1.8, slope: -0.1, se: 0.04, se_naive: 0.03, p: 0.0124, clusters: 40, units: 900 };
        let s = statement(Measure::Hedged, None, &first, &last, &Ok(t), "month");
        assert_eq!(
            s,
            "Hedging fell from 14% [8.5–22] in 2026-01 (n = 100) to 9.0% [4.8–16] in 2026-06 (n = 100 sentences); \
             trend p = 0.01 (odds ×0.90 per month, 95% CI 0.84–0.98; 40 articles)."
        );
        let s = statement(Measure::Unsupported, Some("a.org"), &last, &first, &Err(NoTrend::TooFewArticles), "week");
        assert!(s.starts_with("The unsupported share of quotes (a.org) rose from 9.0%"), "{s}");
        assert!(s.ends_with("trend not tested (too few articles)."), "{s}");
        assert_eq!(p_text(0.0004), "p < 0.001");
        assert_eq!(p_text(0.0042), "p = 0.004");
        assert_eq!(p_text(0.5), "p = 0.50");
    }
}
