//! Interval and trend arithmetic for the report. Takes counts (successes out of trials, per group
//! or per article) and returns numbers a researcher can cite: [`wilson`] 95% intervals for a
//! proportion, and [`trend`], a logistic regression of a per-unit yes/no (a sentence hedged, a
//! quote unsupported, a claim direct) on time whose standard error is clustered by article.
//!
//! Why a clustered logistic regression (and not a plain one, or an article-level rank test):
//! sentences of one article share an author, a topic and a house style, so they are not
//! independent; a plain regression over sentences counts a 40-sentence article as 40 independent
//! draws and finds "trends" in noise (the simulation test below measures this: a 25% type-I
//! error at a nominal 5%, with article effects of realistic size). A rank test on article
//! rates (Spearman/Kendall) is robust but weighs a 3-sentence article like a 60-sentence one and
//! gives no effect size in the units the chart shows. The logistic model with the cluster-robust
//! (sandwich, CR1) variance keeps sentence weighting and the rate scale and is valid whatever the
//! correlation inside an article; it needs enough articles, so [`trend`] declines with fewer
//! than [`MIN_TREND_ARTICLES`] articles. Because time is constant within an article, the model is fitted
//! on one binomial row per article (`y` of `n`), exactly equivalent to one row per sentence.

/// The 0.975 quantile of the standard normal distribution (two-sided 95%).
pub const Z95: f64 = 1.959_963_984_540_054;

/// Fewest articles (clusters) for which the report tests a trend (the `min_articles` it gives
/// [`trend`]).
/// The simulation (`trend_simulation_table`) finds the clustered test liberal below that (8.9%
/// type-I error at 24 articles, 6.6% at 60, 5.1–5.4% from 120 on).
pub const MIN_TREND_ARTICLES: usize = 20;

/// A proportion with its Wilson 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub k: u64,
    pub n: u64,
    pub p: f64,
    pub lo: f64,
    pub hi: f64,
}

/// The Wilson score interval (95%) of `k` successes in `n` trials; `None` when `n` is 0.
pub fn wilson(k: u64, n: u64) -> Option<Rate> {
    if n == 0 {
        return None;
    }
    let k = k.min(n);
    let (kf, nf) = (k as f64, n as f64);
    let p = kf / nf;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    // At k = 0 (k = n) the bound is exactly 0 (1); keep it so, not 1e-17.
    let lo = if k == 0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if k == n { 1.0 } else { (centre + half).min(1.0) };
    Some(Rate { k, n, p, lo, hi })
}

/// One article's contribution to a trend: its time (period index) and `y` of `n` units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub t: f64,
    pub y: u64,
    pub n: u64,
}

/// A fitted trend: logit(p) = `intercept` + `slope` × t, slope per period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub intercept: f64,
    pub slope: f64,
    /// Cluster-robust (CR1) standard error of the slope.
    pub se: f64,
    /// The model-based standard error (sentences treated as independent), for comparison.
    pub se_naive: f64,
    /// Two-sided Wald p value of slope = 0 (normal reference).
    pub p: f64,
    /// Articles (clusters) and units used.
    pub clusters: usize,
    pub units: u64,
}

impl Trend {
    /// Odds ratio per period, with its 95% interval.
    pub fn odds_ratio(&self) -> (f64, f64, f64) {
        (self.slope.exp(), (self.slope - Z95 * self.se).exp(), (self.slope + Z95 * self.se).exp())
    }
}

/// Why no trend was tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoTrend {
    /// Fewer articles with units than asked for.
    TooFewArticles,
    /// All articles fall in one period.
    OnePeriod,
    /// Every unit is yes, or every unit is no (the slope is not estimable).
    NoVariation,
    /// The fit did not converge (e.g. complete separation).
    NoFit,
}

impl NoTrend {
    pub fn as_str(self) -> &'static str {
        match self {
            NoTrend::TooFewArticles => "too few articles",
            NoTrend::OnePeriod => "one period only",
            NoTrend::NoVariation => "no variation",
            NoTrend::NoFit => "model did not converge",
        }
    }
}

/// Logistic regression of unit outcome on `t`, article-clustered standard error (CR1: the
/// sandwich times G/(G−1)·(N−1)/(N−2), N units, G articles, as Stata and statsmodels'
/// `cov_type="cluster"` do). Articles without units are ignored; fewer than `min_articles` (at
/// least 3) left is [`NoTrend::TooFewArticles`].
pub fn trend(units: &[Unit], min_articles: usize) -> Result<Trend, NoTrend> {
    let rows: Vec<Unit> = units.iter().copied().filter(|u| u.n > 0).map(|u| Unit { y: u.y.min(u.n), ..u }).collect();
    let g = rows.len();
    if g < min_articles.max(3) {
        return Err(NoTrend::TooFewArticles);
    }
    let n_units: u64 = rows.iter().map(|u| u.n).sum();
    let y_units: u64 = rows.iter().map(|u| u.y).sum();
    if y_units == 0 || y_units == n_units {
        return Err(NoTrend::NoVariation);
    }
    // Centre time for a well-conditioned fit; the slope is unchanged.
    let tbar = rows.iter().map(|u| u.t * u.n as f64).sum::<f64>() / n_units as f64;
    if rows.iter().all(|u| (u.t - rows[0].t).abs() < 1e-12) {
        return Err(NoTrend::OnePeriod);
    }
    let p0 = y_units as f64 / n_units as f64;
    let mut b = [(p0 / (1.0 - p0)).ln(), 0.0];
    // one article's centred time, residual and weight at coefficients `b`
    let terms = |u: &Unit, b: [f64; 2]| {
        let x = u.t - tbar;
        let p = logistic(b[0] + b[1] * x);
        (x, u.y as f64 - u.n as f64 * p, u.n as f64 * p * (1.0 - p))
    };
    let mut converged = false;
    for _ in 0..100 {
        let mut score = [0.0; 2];
        let mut info = [[0.0; 2]; 2];
        for u in &rows {
            let (x, r, w) = terms(u, b);
            score[0] += r;
            score[1] += r * x;
            info[0][0] += w;
            info[0][1] += w * x;
            info[1][1] += w * x * x;
        }
        info[1][0] = info[0][1];
        let Some(inv) = inverse(info) else { return Err(NoTrend::NoFit) };
        let step = [inv[0][0] * score[0] + inv[0][1] * score[1], inv[1][0] * score[0] + inv[1][1] * score[1]];
        b[0] += step[0];
        b[1] += step[1];
        if !b[0].is_finite() || !b[1].is_finite() || b[1].abs() > 50.0 {
            return Err(NoTrend::NoFit);
        }
        if step[0].abs().max(step[1].abs()) < 1e-10 {
            converged = true;
            break;
        }
    }
    if !converged {
        return Err(NoTrend::NoFit);
    }
    // Information at the estimate, then the sandwich with per-article scores.
    let mut meat = [[0.0; 2]; 2];
    let mut info = [[0.0; 2]; 2];
    for u in &rows {
        let (x, r, w) = terms(u, b);
        let s = [r, r * x];
        for i in 0..2 {
            for j in 0..2 {
                meat[i][j] += s[i] * s[j];
            }
        }
        info[0][0] += w;
        info[0][1] += w * x;
        info[1][1] += w * x * x;
    }
    info[1][0] = info[0][1];
    let Some(bread) = inverse(info) else { return Err(NoTrend::NoFit) };
    let v = mul(mul(bread, meat), bread);
    let (gf, nf) = (g as f64, n_units as f64);
    let correction = if nf > 2.0 { gf / (gf - 1.0) * (nf - 1.0) / (nf - 2.0) } else { f64::NAN };
    let var = v[1][1] * correction;
    if !(var.is_finite() && var > 0.0) {
        return Err(NoTrend::NoFit);
    }
    let se = var.sqrt();
    let z = b[1] / se;
    Ok(Trend {
        intercept: b[0] - b[1] * tbar,
        slope: b[1],
        se,
        se_naive: bread[1][1].sqrt(),
        p: two_sided_p(z),
        clusters: g,
        units: n_units,
    })
}

fn logistic(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + (-eta).exp())
    } else {
        let e = eta.exp();
        e / (1.0 + e)
    }
}

fn inverse(m: [[f64; 2]; 2]) -> Option<[[f64; 2]; 2]> {
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    let scale = m[0][0].abs().max(m[1][1].abs()).max(1e-300);
    if !det.is_finite() || det.abs() <= 1e-13 * scale * scale {
        return None;
    }
    Some([[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]])
}

fn mul(a: [[f64; 2]; 2], b: [[f64; 2]; 2]) -> [[f64; 2]; 2] {
    let mut c = [[0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            c[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j];
        }
    }
    c
}

/// Two-sided p value of a standard normal statistic.
pub fn two_sided_p(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

/// The complementary error function, to about 1e-15 relative accuracy for x ≥ 0 (W. J. Cody's
/// rational approximations, as in many libm implementations); erfc(−x) = 2 − erfc(x).
pub fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 0.5 {
        return 1.0 - erf_small(x);
    }
    if x > 27.0 {
        return 0.0;
    }
    // Continued fraction (Lentz) for erfc, converges well for x >= 0.5.
    let x2 = x * x;
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..500 {
        let a = k as f64 / 2.0;
        d = x + a * d;
        d = if d.abs() < tiny { tiny } else { d };
        c = x + a / c;
        c = if c.abs() < tiny { tiny } else { c };
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x2).exp() / (f * std::f64::consts::PI.sqrt())
}

/// erf by its Maclaurin series (for |x| < 0.5 it converges in a few dozen terms).
fn erf_small(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    for n in 1..60 {
        term *= -x2 / n as f64;
        let add = term / (2 * n + 1) as f64;
        sum += add;
        if add.abs() < 1e-17 * sum.abs() {
            break;
        }
    }
    sum * 2.0 / std::f64::consts::PI.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn erfc_known_values() {
        // scipy.special.erfc
        for (x, want) in [
            (0.0, 1.0),
            (0.3, 0.6713732405408726),
            (0.5, 0.4795001221869535),
            (1.0, 0.15729920705028513),
            (1.959963984540054 / std::f64::consts::SQRT_2, 0.05),
            (3.0, 2.209049699858544e-05),
            (6.0, 2.1519736712498913e-17),
            (-1.0, 1.8427007929497148),
        ] {
            let got = erfc(x);
            assert!((got - want).abs() <= 1e-13 + 1e-12 * want, "erfc({x}) = {got}, want {want}");
        }
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels 0.15.0: proportion_confint(k, n, alpha=0.05, method="wilson").
        for (k, n, lo, hi) in [
            (14, 100, 0.08526343659939131, 0.2213718821096384),
            (9, 100, 0.048072540002565146, 0.16226212852716312),
            (1, 4, 0.0455872608097006, 0.6993581574175982),
            (0, 10, 0.0, 0.27753279986288926),
            (37, 412, 0.06585591872396812, 0.12133431247964654),
            (3, 3, 0.43850296824495444, 1.0),
        ] {
            let r = wilson(k, n).unwrap();
            assert!(close(r.lo, lo, 1e-12) && close(r.hi, hi, 1e-12), "{k}/{n}: {r:?} want [{lo}, {hi}]");
        }
    }

    /// Twelve articles over six periods, as (period, hedged, sentences).
    const ARTICLES: [(f64, u64, u64); 12] = [
        (0.0, 3, 10), (0.0, 5, 12), (0.0, 1, 4), (1.0, 2, 9), (1.0, 4, 8), (2.0, 1, 11),
        (2.0, 0, 5), (3.0, 2, 14), (3.0, 1, 7), (4.0, 0, 6), (4.0, 1, 13), (5.0, 1, 10),
    ];

    #[test]
    fn trend_matches_statsmodels_cluster_glm() {
        // statsmodels 0.15.0, one row per sentence (y = 1 for the first `hedged` sentences of
        // each article), groups = article:
        //   sm.GLM(y, sm.add_constant(t), family=sm.families.Binomial())
        //     .fit(cov_type="cluster", cov_kwds={"groups": g})
        // params = (-0.5869997422318483, -0.47127915349123267), bse[1] = 0.08884701523944047,
        // pvalues[1] = 1.1305084609780424e-07 (Logit(...).fit(cov_type="cluster") agrees).
        let units: Vec<Unit> = ARTICLES.iter().map(|&(t, y, n)| Unit { t, y, n }).collect();
        let tr = trend(&units, 3).unwrap();
        assert!(close(tr.intercept, -0.5869997422318483, 1e-9), "{tr:?}");
        assert!(close(tr.slope, -0.47127915349123267, 1e-9), "{tr:?}");
        assert!(close(tr.se, 0.08884701523944047, 1e-9), "{tr:?}");
        assert!((tr.p / 1.1305084609780424e-07 - 1.0).abs() < 1e-6, "{tr:?}");
        assert_eq!((tr.clusters, tr.units), (12, 109));
        // Shifting time moves the intercept only.
        let shifted: Vec<Unit> = units.iter().map(|u| Unit { t: u.t + 100.0, ..*u }).collect();
        let ts = trend(&shifted, 3).unwrap();
        assert!(close(ts.slope, tr.slope, 1e-9) && close(ts.se, tr.se, 1e-9));
    }

    /// Simulated articles: `g` articles spread evenly over 12 periods, 4–40 sentences each, each
    /// article's log-odds of hedging = logit(14%) + `slope`·period + N(0, 0.8²) (an article
    /// effect, the clustering). Returns (share of runs with p < 0.05 clustered, same naive).
    pub(crate) fn simulate(reps: usize, g: usize, slope: f64, seed: u64) -> (f64, f64) {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let base = (0.14f64 / 0.86).ln();
        let (mut hits, mut naive_hits, mut fitted) = (0, 0, 0);
        for _ in 0..reps {
            let units: Vec<Unit> = (0..g)
                .map(|i| {
                    let t = (i % 12) as f64;
                    let n = rng.gen_range(4..=40u64);
                    // Box–Muller normal.
                    let (u1, u2): (f64, f64) = (rng.gen_range(f64::EPSILON..1.0), rng.gen());
                    let e = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos() * 0.8;
                    let p = logistic(base + slope * t + e);
                    let y = (0..n).filter(|_| rng.gen::<f64>() < p).count() as u64;
                    Unit { t, y, n }
                })
                .collect();
            if let Ok(tr) = trend(&units, MIN_TREND_ARTICLES) {
                fitted += 1;
                hits += usize::from(tr.p < 0.05);
                naive_hits += usize::from(two_sided_p(tr.slope / tr.se_naive) < 0.05);
            }
        }
        (hits as f64 / fitted as f64, naive_hits as f64 / fitted as f64)
    }

    #[test]
    fn planted_trend_simulation() {
        // Fixed seed: deterministic. No trend: the clustered test rejects near the nominal 5%
        // (the naive one far more often); a planted fall from 14% to about 9% over 12 periods
        // with 480 articles is found most of the time. Figures for more sizes:
        // `cargo test --release --lib trend_simulation_table -- --ignored --nocapture`.
        let (type1, naive) = simulate(1000, 120, 0.0, 19);
        assert!((0.03..=0.075).contains(&type1), "type-I error {type1}");
        assert!(naive > 2.0 * type1, "naive type-I {naive} vs clustered {type1}");
        let slope = ((0.09f64 / 0.91).ln() - (0.14f64 / 0.86).ln()) / 11.0;
        let (power, _) = simulate(400, 480, slope, 20);
        assert!(power > 0.7, "power {power}");
    }

    #[test]
    #[ignore = "a table of type-I error and power; slower (run by hand)"]
    fn trend_simulation_table() {
        let slope = ((0.09f64 / 0.91).ln() - (0.14f64 / 0.86).ln()) / 11.0;
        println!("articles  type-I (clustered)  type-I (naive)  power (14% -> 9% over 12 periods)");
        for g in [24, 60, 120, 240, 480] {
            let (t1, naive) = simulate(4000, g, 0.0, 7);
            let (power, _) = simulate(2000, g, slope, 8);
            println!("{g:>8}  {t1:>18.3}  {naive:>14.3}  {power:>6.3}");
        }
    }

    #[test]
    fn wilson_edges() {
        assert_eq!(wilson(0, 0), None);
        let r = wilson(0, 10).unwrap();
        assert_eq!((r.p, r.lo), (0.0, 0.0));
        let r = wilson(10, 10).unwrap();
        assert_eq!((r.p, r.hi), (1.0, 1.0));
        // More data, narrower interval; always around p.
        let (a, b) = (wilson(5, 20).unwrap(), wilson(50, 200).unwrap());
        assert!(b.hi - b.lo < a.hi - a.lo);
        assert!(a.lo < a.p && a.p < a.hi);
    }

    #[test]
    fn no_trend_cases() {
        let u = |t: f64, y: u64, n: u64| Unit { t, y, n };
        assert_eq!(trend(&[u(0.0, 1, 3); 5], MIN_TREND_ARTICLES), Err(NoTrend::TooFewArticles));
        assert_eq!(trend(&[u(2.0, 1, 3); 25], MIN_TREND_ARTICLES), Err(NoTrend::OnePeriod));
        let none: Vec<Unit> = (0..25).map(|i| u(i as f64, 0, 4)).collect();
        assert_eq!(trend(&none, MIN_TREND_ARTICLES), Err(NoTrend::NoVariation));
        // Complete separation: yes only late, no only early.
        let sep: Vec<Unit> = (0..30).map(|i| u(i as f64, if i < 15 { 0 } else { 4 }, 4)).collect();
        assert_eq!(trend(&sep, MIN_TREND_ARTICLES), Err(NoTrend::NoFit));
    }
}
