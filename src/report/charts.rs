//! Rates → inline SVG charts, written by hand (no fonts, no scripts, text as `<text>`). Takes
//! rates with their Wilson intervals ([`Rate`]), a link and a hover text per point, and returns a
//! [`Chart`]: the `<svg>` markup and the number of data points drawn (each a `<circle>`, which
//! the HTML page and the browser test use to check the chart shows data).
//!
//! Every point carries its 95% interval as a vertical (or horizontal) bar, is drawn hollow when
//! its n is under the minimum, and is a link (`<a href="#…">`) to the table of the sentences it
//! counts; its `<title>` gives the rate, interval and n on hover. Axes are fitted to the data
//! (to the intervals, on round steps), not 0–100%. Labels are never cut: the label and legend
//! areas grow to the longest one. Strings from the data are escaped here.

use super::html::esc;
use super::stats::Rate;
use std::fmt::Write;

/// A rendered chart.
#[derive(Debug, Clone)]
pub struct Chart {
    pub svg: String,
    /// Data points drawn (one `<circle>` each; legends use no circles).
    pub marks: usize,
}

/// One point: a rate, the element id it links to, and its hover text.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub rate: Rate,
    pub href: String,
    pub title: String,
}

/// A line of points over the periods (`None`: no data that period, a gap in the line).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub color: &'static str,
    /// The "all sources" line: drawn wider, under the others.
    pub bold: bool,
    pub points: Vec<Option<Point>>,
}

/// Tableau 10: distinct, colour-blind-friendlier than most defaults.
pub const PALETTE: [&str; 10] =
    ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
/// Colour of the "all sources" line.
pub const ALL: &str = "#333333";
/// Claim strengths, strongest first: red, orange, blue.
pub const STRENGTH_COLORS: [&str; 3] = ["#d62728", "#f28e2b", "#4e79a7"];

const HEIGHT: f64 = 400.0;
const PLOT_W: f64 = 640.0;
const CHAR_W: f64 = 7.2;

/// A label safe to draw: control characters dropped (never cut).
pub fn label(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Percent with the precision the axis step needs.
fn pct(v: f64, step: f64) -> String {
    if step < 0.01 {
        format!("{:.1}%", v * 100.0)
    } else {
        format!("{:.0}%", v * 100.0)
    }
}

/// A fitted axis over `lo..hi` (rates): round step, at most 7 ticks, inside 0..=1.
pub fn fit_axis(lo: f64, hi: f64) -> (f64, f64, f64) {
    let (lo, hi) = (lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0));
    let span = (hi - lo).max(0.02);
    let step = [0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25].into_iter().find(|s| span / s <= 6.0).unwrap_or(0.25);
    let a = ((lo / step).floor() * step).max(0.0);
    let mut b = ((hi / step).ceil() * step).min(1.0);
    if b <= a {
        b = (a + step).min(1.0);
    }
    (a, b, step)
}

/// A point's mark: interval bar, then a circle (hollow under `min_n`), inside a link.
fn mark(out: &mut String, p: &Point, x: f64, y: f64, bar: ((f64, f64), (f64, f64)), color: &str, r: f64, min_n: u64) {
    let fill = if p.rate.n >= min_n { color } else { "#ffffff" };
    let ((x1, y1), (x2, y2)) = bar;
    let _ = write!(
        out,
        "<a href=\"#{}\" class=\"pt\"><title>{}</title><line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{color}\" stroke-width=\"1.6\" opacity=\"0.75\"/><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\" fill=\"{fill}\" stroke=\"{color}\" stroke-width=\"2\"/></a>",
        esc(&p.href),
        esc(&p.title)
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, size: u32, s: &str) {
    let _ = write!(out, "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" font-size=\"{size}\" font-family=\"sans-serif\" fill=\"#333\">{}</text>", esc(s));
}

/// Rates over periods, one line per series, each point with its interval. Returns `None`
/// when no series has a point.
pub fn rates_over_time(periods: &[String], series: &[Series], y_desc: &str, x_desc: &str, min_n: u64) -> Option<Chart> {
    let pts = series.iter().flat_map(|s| s.points.iter().flatten());
    let (lo, hi) = pts.fold((1.0f64, 0.0f64), |(lo, hi), p| (lo.min(p.rate.lo), hi.max(p.rate.hi)));
    if periods.is_empty() || lo > hi {
        return None;
    }
    let (a, b, step) = fit_axis(lo, hi);
    let longest = series.iter().map(|s| s.name.chars().count()).max().unwrap_or(8) as f64;
    let legend_w = (longest * CHAR_W + 50.0).max(200.0);
    let (left, top, bottom) = (72.0, 16.0, HEIGHT - 64.0);
    let width = left + PLOT_W + 20.0 + legend_w;
    let n = periods.len();
    let slot = PLOT_W / n as f64;
    let xc = |i: usize| left + slot * (i as f64 + 0.5);
    let y = |v: f64| bottom - (v - a) / (b - a) * (bottom - top);
    let mut out = String::new();
    let _ = write!(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{HEIGHT:.0}\" viewBox=\"0 0 {width:.0} {HEIGHT:.0}\" role=\"img\"><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    // Grid and y labels.
    let mut v = a;
    while v <= b + 1e-9 {
        let yy = y(v);
        let _ = write!(out, "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#000\" stroke-opacity=\"0.1\"/>", left + PLOT_W);
        text(&mut out, left - 8.0, yy + 4.0, "end", 12, &pct(v, step));
        v += step;
    }
    // X labels: at most ~PLOT_W / label width of them.
    let label_w = periods.iter().map(|p| p.chars().count()).max().unwrap_or(7) as f64 * CHAR_W + 12.0;
    let every = ((label_w / slot).ceil() as usize).max(1);
    for (i, p) in periods.iter().enumerate() {
        if i % every == 0 {
            text(&mut out, xc(i), bottom + 18.0, "middle", 12, p);
        }
    }
    let _ = write!(out, "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{:.1}\" y2=\"{bottom}\" stroke=\"#000\" stroke-opacity=\"0.4\"/>", left + PLOT_W);
    text(&mut out, left + PLOT_W / 2.0, HEIGHT - 14.0, "middle", 14, x_desc);
    let _ = write!(out, "<text transform=\"translate(18 {:.1}) rotate(-90)\" text-anchor=\"middle\" font-size=\"14\" font-family=\"sans-serif\" fill=\"#333\">{}</text>", (top + bottom) / 2.0, esc(y_desc));
    // Lines first, then points on top; series side by side within a period (dodged).
    let k = series.len().max(1) as f64;
    let dodge = (slot * 0.5 / k).min(7.0);
    let dx = |s: usize| (s as f64 - (k - 1.0) / 2.0) * dodge;
    for (si, s) in series.iter().enumerate() {
        let mut seg: Vec<(f64, f64)> = Vec::new();
        let mut segs = Vec::new();
        for (i, p) in s.points.iter().enumerate().take(n) {
            match p {
                Some(p) => seg.push((xc(i) + dx(si), y(p.rate.p))),
                None => segs.push(std::mem::take(&mut seg)),
            }
        }
        segs.push(seg);
        let (w, op) = if s.bold { (5.0, 0.3) } else { (2.0, 0.9) };
        for seg in segs.into_iter().filter(|s| s.len() > 1) {
            let pts: Vec<String> = seg.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ = write!(out, "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{w}\" stroke-opacity=\"{op}\"/>", pts.join(" "), s.color);
        }
    }
    let mut marks = 0;
    for (si, s) in series.iter().enumerate() {
        for (i, p) in s.points.iter().enumerate().take(n) {
            if let Some(p) = p {
                let (x, yy) = (xc(i) + dx(si), y(p.rate.p));
                let bar = ((x, y(p.rate.lo)), (x, y(p.rate.hi)));
                mark(&mut out, p, x, yy, bar, s.color, if s.bold { 5.5 } else { 4.0 }, min_n);
                marks += 1;
            }
        }
    }
    // Legend: swatches are lines and rects (no circles: those count data points).
    let lx = left + PLOT_W + 28.0;
    for (si, s) in series.iter().enumerate().take(16) {
        let ly = top + 14.0 + si as f64 * 22.0;
        let w = if s.bold { 5 } else { 3 };
        let _ = write!(out, "<line x1=\"{lx:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{}\" stroke-width=\"{w}\"/>", lx + 24.0, s.color);
        text(&mut out, lx + 32.0, ly + 4.0, "start", 13, &label(&s.name));
    }
    let ly = top + 14.0 + series.len().min(16) as f64 * 22.0 + 8.0;
    let _ = write!(out, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"#ffffff\" stroke=\"#333\" stroke-width=\"1.5\"/>", lx + 8.0, ly - 4.0);
    text(&mut out, lx + 32.0, ly + 4.0, "start", 12, &format!("hollow: n < {min_n}"));
    text(&mut out, lx + 32.0, ly + 22.0, "start", 12, "bars: 95% interval");
    out.push_str("</svg>");
    Some(Chart { svg: out, marks })
}

/// Horizontal rows, one rate each with its interval, first item on top, labelled in full with
/// the rate, interval and n. Returns `None` without items.
pub fn rate_rows(items: &[(String, Point)], x_desc: &str, unit: &str, min_n: u64) -> Option<Chart> {
    if items.is_empty() {
        return None;
    }
    let hi = items.iter().map(|(_, p)| p.rate.hi).fold(0.0, f64::max);
    let (a, b, step) = fit_axis(0.0, hi);
    let longest = items.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(4) as f64;
    let left = (longest * CHAR_W + 20.0).max(80.0);
    let right_note = 190.0;
    let width = left + PLOT_W - 100.0 + right_note;
    let row = 26.0;
    let top = 12.0;
    let bottom = top + row * items.len() as f64;
    let height = (bottom + 56.0).max(200.0);
    let plot_w = PLOT_W - 100.0;
    let x = |v: f64| left + (v - a) / (b - a) * plot_w;
    let mut out = String::new();
    let _ = write!(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\"><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    let mut v = a;
    while v <= b + 1e-9 {
        let xx = x(v);
        let _ = write!(out, "<line x1=\"{xx:.1}\" y1=\"{top}\" x2=\"{xx:.1}\" y2=\"{bottom}\" stroke=\"#000\" stroke-opacity=\"0.1\"/>");
        text(&mut out, xx, bottom + 18.0, "middle", 12, &pct(v, step));
        v += step;
    }
    text(&mut out, left + plot_w / 2.0, height - 12.0, "middle", 14, x_desc);
    for (i, (name, p)) in items.iter().enumerate() {
        let yy = top + row * (i as f64 + 0.5);
        text(&mut out, left - 10.0, yy + 4.0, "end", 13, &label(name));
        mark(&mut out, p, x(p.rate.p), yy, ((x(p.rate.lo), yy), (x(p.rate.hi), yy)), PALETTE[0], 4.5, min_n);
        let note = format!("{} of {} {unit}", super::trends::rate_text(&p.rate), p.rate.n);
        text(&mut out, left + plot_w + 12.0, yy + 4.0, "start", 12, &note);
    }
    out.push_str("</svg>");
    Some(Chart { svg: out, marks: items.len() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::stats::wilson;

    fn point(k: u64, n: u64, href: &str) -> Point {
        Point { rate: wilson(k, n).unwrap(), href: href.into(), title: format!("{k} of {n}") }
    }

    fn count(svg: &str, tag: &str) -> usize {
        svg.matches(&format!("<{tag} ")).count()
    }

    #[test]
    fn points_intervals_links_and_gaps() {
        let periods: Vec<String> = ["2026-01", "2026-02", "2026-03"].map(String::from).to_vec();
        let all = Series { name: "All sources".into(), color: ALL, bold: true, points: vec![Some(point(5, 50, "d1")), Some(point(3, 40, "d2")), Some(point(9, 60, "d3"))] };
        let one = Series { name: "a.com".into(), color: PALETTE[0], bold: false, points: vec![Some(point(1, 10, "d4")), None, Some(point(8, 40, "d5"))] };
        let c = rates_over_time(&periods, &[all, one], "hedged", "month", 30).unwrap();
        assert_eq!(c.marks, 5);
        assert_eq!(count(&c.svg, "circle"), 5, "one circle per point, none in the legend");
        assert_eq!(c.svg.matches("<a href=\"#d").count(), 5);
        // The 1-of-10 point is under min n: hollow; the others filled.
        assert_eq!(c.svg.matches("fill=\"#ffffff\" stroke=\"#4e79a7\"").count(), 1);
        // A gap: the source's line has no segment of two points, the overall line one.
        assert_eq!(count(&c.svg, "polyline"), 1);
        assert!(c.svg.contains("<title>1 of 10</title>"));
    }

    #[test]
    fn the_axis_is_fitted_to_the_intervals() {
        // Rates of 6–19% do not get a 0–100% axis.
        let (a, b, step) = fit_axis(0.04, 0.23);
        assert!(a <= 0.04 && b >= 0.23 && b - a <= 0.3, "{a} {b} {step}");
        assert_eq!(fit_axis(0.0, 1.0), (0.0, 1.0, 0.2));
        let (a, b, _) = fit_axis(0.5, 0.5);
        assert!(a < b);
        let periods = vec!["2026-01".to_string()];
        let s = Series { name: "All".into(), color: ALL, bold: true, points: vec![Some(point(140, 1000, "x"))] };
        let c = rates_over_time(&periods, &[s], "y", "x", 30).unwrap();
        assert!(!c.svg.contains(">100%<") && !c.svg.contains(">50%<"), "{}", c.svg);
    }

    #[test]
    fn labels_are_escaped_and_never_cut() {
        let long = "a-very-long-drug-class-name-that-would-have-been-cut-before (and more)".to_string();
        let items = vec![("<script>alert(1)</script>".to_string(), point(2, 4, "x\"y")), (long.clone(), point(1, 40, "z"))];
        let c = rate_rows(&items, "hedged sentences", "sentences", 30).unwrap();
        assert!(!c.svg.contains("<script") && c.svg.contains("&lt;script&gt;"));
        assert!(c.svg.contains(&long));
        assert!(c.svg.contains("href=\"#x&quot;y\""));
        assert!(c.svg.contains("50% [15–85] of 4 sentences"), "{}", c.svg);
        assert_eq!(count(&c.svg, "circle"), 2);
    }

    #[test]
    fn no_data_no_chart() {
        assert!(rates_over_time(&["2026-01".to_string()], &[Series { name: "x".into(), color: ALL, bold: true, points: vec![None] }], "y", "x", 1).is_none());
        assert!(rates_over_time(&[], &[], "y", "x", 1).is_none());
        assert!(rate_rows(&[], "x", "sentences", 1).is_none());
    }
}
