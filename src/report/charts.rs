//! Figures → inline SVG charts, drawn with plotters' SVG backend (text as `<text>`, no fonts,
//! no scripts). Takes plain series (labels and numbers, already aggregated) and returns a
//! [`Chart`]: the `<svg>` markup and the number of data marks drawn (points or bars), which the
//! HTML page and the browser test use to check the chart shows data. Labels come from the data:
//! plotters escapes them; they are also cut to a readable length and cleared of control
//! characters here.

use anyhow::{anyhow, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A rendered chart.
#[derive(Debug, Clone)]
pub struct Chart {
    pub svg: String,
    /// Data marks drawn: points (line chart) or bars.
    pub marks: usize,
}

const WIDTH: u32 = 900;
const HEIGHT: u32 = 380;
/// Width of the legend panel on the right of charts that have one.
const LEGEND: u32 = 210;

/// Tableau 10: distinct, colour-blind-friendlier than the plotters defaults.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xba, 0xb0, 0xac),
];
/// Colour of the "all sources" line.
const ALL: RGBColor = RGBColor(0x33, 0x33, 0x33);
/// Claim strengths, strongest first: red, orange, blue.
pub const STRENGTH_COLORS: [RGBColor; 3] =
    [RGBColor(0xd6, 0x27, 0x28), RGBColor(0xf2, 0x8e, 0x2b), RGBColor(0x4e, 0x79, 0xa7)];

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("cannot draw chart: {e}")
}

/// A label safe and short enough to draw: control characters dropped, cut to `max` chars.
pub fn label(s: &str, max: usize) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    let mut chars = clean.chars();
    let cut: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{}…", cut.trim_end())
    } else {
        cut
    }
}

/// The far edge of category `i` of `n` on a segmented axis over `0..=n-1` (the last one is the
/// axis end: `Exact(n)` lies outside the range).
fn segment_end(i: usize, n: usize) -> SegmentValue<usize> {
    if i + 1 >= n {
        SegmentValue::Last
    } else {
        SegmentValue::Exact(i + 1)
    }
}

fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// A line per series (and a bold "all sources" line first) of a rate in 0..=1 over months.
/// `months` are the x categories in order; each series has one value per month (`None`: no
/// sentences that month, drawn as a gap). Returns `None` when no series has a value.
pub fn rate_over_time(months: &[String], all: &[Option<f64>], series: &[(String, Vec<Option<f64>>)]) -> Result<Option<Chart>> {
    let has_data = all.iter().any(Option::is_some) || series.iter().any(|(_, v)| v.iter().any(Option::is_some));
    if months.is_empty() || !has_data {
        return Ok(None);
    }
    let n = months.len();
    let mut marks = 0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (plot, legend) = root.split_horizontally(WIDTH - LEGEND);
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..1f64)
            .map_err(err)?;
        let month_label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => months.get(*i).cloned().unwrap_or_default(),
            SegmentValue::Last => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(TRANSPARENT)
            .x_labels(n.min(12))
            .x_label_formatter(&month_label)
            .y_labels(6)
            .y_label_formatter(&|v| pct(*v))
            .y_desc("hedged sentences")
            .x_desc("month published")
            .axis_desc_style(("sans-serif", 15))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;

        let mut entries: Vec<(String, RGBColor)> = Vec::new();
        // "All sources" first, as a wide translucent band with hollow rings, then each source on
        // top, thin with solid dots: where a source is the month's only one its point equals the
        // overall point, and both stay visible (the band and ring around the source's dot).
        let mut lines: Vec<(String, RGBColor, u32, &[Option<f64>])> = vec![("All sources".into(), ALL, 7, all)];
        for (k, (name, values)) in series.iter().enumerate() {
            lines.push((label(name, 26), PALETTE[k % PALETTE.len()], 2, values));
        }
        for (name, color, width, values) in lines {
            let overall = color == ALL;
            if values.iter().all(Option::is_none) {
                continue;
            }
            // Consecutive months with a value form one segment; a missing month breaks the line.
            let mut segment: Vec<(SegmentValue<usize>, f64)> = Vec::new();
            let mut segments = Vec::new();
            for (i, v) in values.iter().enumerate().take(n) {
                match v {
                    Some(r) => segment.push((SegmentValue::CenterOf(i), r.clamp(0.0, 1.0))),
                    None => segments.push(std::mem::take(&mut segment)),
                }
            }
            segments.push(segment);
            for seg in segments.into_iter().filter(|s| !s.is_empty()) {
                marks += seg.len();
                if overall {
                    chart.draw_series(LineSeries::new(seg.clone(), color.mix(0.3).stroke_width(width))).map_err(err)?;
                    chart.draw_series(seg.into_iter().map(|p| Circle::new(p, 8, color.stroke_width(2)))).map_err(err)?;
                } else {
                    chart.draw_series(LineSeries::new(seg.clone(), color.stroke_width(width))).map_err(err)?;
                    chart.draw_series(seg.into_iter().map(|p| Circle::new(p, 4, color.filled()))).map_err(err)?;
                }
            }
            entries.push((name, color));
        }
        draw_legend(&legend, &entries, true)?;
        root.present().map_err(err)?;
    }
    Ok(Some(Chart { svg, marks }))
}

/// Stacked bars: one bar per category, one segment per stack (`stacks[k][i]` = value of stack
/// `k` in category `i`). Returns `None` when every value is zero.
pub fn stacked_bars(
    categories: &[String],
    stacks: &[(String, RGBColor, Vec<u64>)],
    y_desc: &str,
    x_desc: &str,
) -> Result<Option<Chart>> {
    let n = categories.len();
    let totals: Vec<u64> = (0..n).map(|i| stacks.iter().map(|(_, _, v)| v.get(i).copied().unwrap_or(0)).sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0);
    if n == 0 || max == 0 {
        return Ok(None);
    }
    let mut marks = 0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (plot, legend) = root.split_horizontally(WIDTH - LEGEND);
        let top = (max as f64 * 1.1).ceil().max(1.0) as u64 + 1;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0u64..top)
            .map_err(err)?;
        let cat_label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => label(categories.get(*i).map(String::as_str).unwrap_or(""), 16),
            SegmentValue::Last => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(TRANSPARENT)
            .x_labels(n.min(14))
            .x_label_formatter(&cat_label)
            .y_labels(6)
            .y_desc(y_desc)
            .x_desc(x_desc)
            .axis_desc_style(("sans-serif", 15))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;
        let mut base = vec![0u64; n];
        let gap = ((WIDTH - LEGEND) / (n as u32 * 6)).clamp(1, 24);
        for (_, color, values) in stacks {
            let mut bars = Vec::new();
            for i in 0..n {
                let v = values.get(i).copied().unwrap_or(0);
                if v == 0 {
                    continue;
                }
                let mut r = Rectangle::new(
                    [(SegmentValue::Exact(i), base[i]), (segment_end(i, n), base[i] + v)],
                    color.filled(),
                );
                r.set_margin(0, 0, gap, gap);
                bars.push(r);
                base[i] += v;
            }
            marks += bars.len();
            chart.draw_series(bars).map_err(err)?;
        }
        let entries: Vec<(String, RGBColor)> = stacks.iter().map(|(name, c, _)| (label(name, 26), *c)).collect();
        draw_legend(&legend, &entries, false)?;
        root.present().map_err(err)?;
    }
    Ok(Some(Chart { svg, marks }))
}

/// Horizontal bars of a rate in 0..=1, first item on top, each labelled with its value and the
/// count it is out of (`(label, rate, out_of)`). Returns `None` without items.
pub fn rate_bars(items: &[(String, f64, u64)], x_desc: &str, unit: &str) -> Result<Option<Chart>> {
    let n = items.len();
    if n == 0 {
        return Ok(None);
    }
    let names: Vec<String> = items.iter().map(|(name, _, _)| label(name, 28)).collect();
    let longest = names.iter().map(|s| s.chars().count()).max().unwrap_or(4) as u32;
    let height = (n as u32 * 26 + 90).max(200);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(110)
            .x_label_area_size(44)
            .y_label_area_size((longest * 8 + 16).clamp(60, 260))
            .build_cartesian_2d(0f64..1f64, (0..n - 1).into_segmented())
            .map_err(err)?;
        // Row 0 is drawn at the top: category index k holds item n-1-k.
        let row_label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(k) if *k < n => names[n - 1 - k].clone(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(TRANSPARENT)
            .y_labels(n)
            .y_label_formatter(&row_label)
            .x_labels(6)
            .x_label_formatter(&|v| pct(*v))
            .x_desc(x_desc)
            .axis_desc_style(("sans-serif", 15))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;
        let color = PALETTE[0];
        chart
            .draw_series(items.iter().enumerate().map(|(rank, (_, rate, _))| {
                let k = n - 1 - rank;
                let mut r = Rectangle::new(
                    [(0.0, SegmentValue::Exact(k)), (rate.clamp(0.0, 1.0).max(0.004), segment_end(k, n))],
                    color.filled(),
                );
                r.set_margin(4, 4, 0, 0);
                r
            }))
            .map_err(err)?;
        chart
            .draw_series(items.iter().enumerate().map(|(rank, (_, rate, of))| {
                let k = n - 1 - rank;
                Text::new(
                    format!("{} of {of} {unit}", pct(*rate)),
                    (rate.clamp(0.0, 1.0) + 0.01, SegmentValue::CenterOf(k)),
                    ("sans-serif", 12).into_font().color(&BLACK.mix(0.75)).pos(Pos::new(HPos::Left, VPos::Center)),
                )
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(Some(Chart { svg, marks: n }))
}

/// Colour swatches and names, top to bottom, in the given area.
fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, entries: &[(String, RGBColor)], line: bool) -> Result<()> {
    let style = ("sans-serif", 13).into_font().color(&BLACK.mix(0.85)).pos(Pos::new(HPos::Left, VPos::Center));
    for (k, (name, color)) in entries.iter().enumerate().take(14) {
        let y = 24 + k as i32 * 22;
        if line {
            area.draw(&PathElement::new(vec![(4, y), (28, y)], color.stroke_width(3))).map_err(err)?;
            area.draw(&Circle::new((16, y), 4, color.filled())).map_err(err)?;
        } else {
            area.draw(&Rectangle::new([(6, y - 7), (26, y + 7)], color.filled())).map_err(err)?;
        }
        area.draw(&Text::new(name.clone(), (36, y), style.clone())).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(svg: &str, tag: &str) -> usize {
        svg.matches(&format!("<{tag} ")).count()
    }

    #[test]
    fn line_chart_draws_points_and_gaps() {
        let months: Vec<String> = ["2026-01", "2026-02", "2026-03"].map(String::from).to_vec();
        let all = vec![Some(0.5), Some(0.25), Some(0.4)];
        let series = vec![("a.com".to_string(), vec![Some(0.1), None, Some(0.9)])];
        let c = rate_over_time(&months, &all, &series).unwrap().unwrap();
        assert_eq!(c.marks, 5);
        // 5 data points + 2 legend dots.
        assert_eq!(count(&c.svg, "circle"), 7);
        assert!(c.svg.contains("2026-02") && c.svg.contains("a.com") && c.svg.contains("All sources"));
        assert!(c.svg.starts_with("<svg"));
    }

    /// Coordinates of the `<circle>`s (cx, cy) of an SVG.
    fn circles(svg: &str) -> Vec<(i64, i64)> {
        svg.split("<circle ")
            .skip(1)
            .map(|c| {
                let attr = |name: &str| c.split(&format!("{name}=\"")).nth(1).unwrap().split('"').next().unwrap().parse::<i64>().unwrap();
                (attr("cx"), attr("cy"))
            })
            .collect()
    }

    #[test]
    fn one_month_and_one_bar_draw_inside_the_chart() {
        let months = vec!["2026-01".to_string()];
        let c = rate_over_time(&months, &[Some(0.5)], &[]).unwrap().unwrap();
        let (cx, cy) = circles(&c.svg)[0];
        assert!((100..(WIDTH - LEGEND) as i64).contains(&cx) && (20..HEIGHT as i64 - 40).contains(&cy), "{cx},{cy}");
        let c = stacked_bars(&months, &[("x".into(), PALETTE[0], vec![2])], "y", "x").unwrap().unwrap();
        assert!(!c.svg.contains("2147483647") && !c.svg.contains("-2147483648"));
        let c = rate_bars(&[("a".into(), 0.5, 2)], "x", "s").unwrap().unwrap();
        assert!(!c.svg.contains("2147483647") && !c.svg.contains("-2147483648"));
    }

    #[test]
    fn one_label_per_month_and_points_in_order() {
        let months: Vec<String> = ["2026-01", "2026-02"].map(String::from).to_vec();
        let c = rate_over_time(&months, &[Some(0.0), Some(1.0)], &[]).unwrap().unwrap();
        let pts = circles(&c.svg);
        assert_eq!(pts.len(), 3, "two data points and one legend dot");
        // Later month to the right, higher rate higher up (smaller y).
        assert!(pts[1].0 > pts[0].0 && pts[1].1 < pts[0].1, "{pts:?}");
        for m in &months {
            assert_eq!(c.svg.split("<text ").filter(|t| t.contains(&format!(">\n{m}"))).count(), 1, "label {m}");
        }
    }

    #[test]
    fn a_source_equal_to_the_overall_rate_stays_visible_beside_it() {
        // One source, one article a month: its points coincide with "All sources". The overall
        // point is a larger hollow ring drawn first, the source's a solid dot drawn on top.
        let months: Vec<String> = ["2026-01", "2026-02"].map(String::from).to_vec();
        let v = vec![Some(0.2), Some(0.6)];
        let c = rate_over_time(&months, &v, &[("a.com".to_string(), v.clone())]).unwrap().unwrap();
        assert_eq!(c.marks, 4);
        let tags: Vec<&str> = c.svg.split("<circle ").skip(1).map(|t| t.split("/>").next().unwrap()).collect();
        let data = &tags[..4];
        let at = |t: &str| circles(&format!("<circle {t}/>"))[0];
        for m in 0..2 {
            let (ring, dot) = (data[m], data[2 + m]);
            assert_eq!(at(ring), at(dot), "same place");
            assert!(ring.contains("r=\"8\"") && ring.contains("fill=\"none\""), "{ring}");
            assert!(dot.contains("r=\"4\"") && !dot.contains("fill=\"none\""), "{dot}");
        }
    }

    #[test]
    fn no_data_no_chart() {
        let months = vec!["2026-01".to_string()];
        assert!(rate_over_time(&months, &[None], &[]).unwrap().is_none());
        assert!(rate_over_time(&[], &[], &[]).unwrap().is_none());
        assert!(stacked_bars(&months, &[("x".into(), PALETTE[0], vec![0])], "y", "x").unwrap().is_none());
        assert!(rate_bars(&[], "x", "sentences").unwrap().is_none());
    }

    #[test]
    fn stacked_bars_skip_zero_segments() {
        let cats = vec!["2026-01".to_string(), "undated".to_string()];
        let stacks = vec![
            ("direct".to_string(), STRENGTH_COLORS[0], vec![3, 0]),
            ("correlational".to_string(), STRENGTH_COLORS[2], vec![1, 2]),
        ];
        let c = stacked_bars(&cats, &stacks, "claims", "month").unwrap().unwrap();
        assert_eq!(c.marks, 3);
        assert!(c.svg.contains("undated"));
    }

    #[test]
    fn labels_are_escaped_and_cut() {
        let items = vec![("<script>alert(1)</script>".to_string(), 0.5, 4), ("睡眠 😀 שלום".to_string(), 1.0, 1)];
        let c = rate_bars(&items, "hedged sentences", "sentences").unwrap().unwrap();
        assert!(!c.svg.contains("<script"));
        assert!(c.svg.contains("&lt;script&gt;"));
        assert!(c.svg.contains("睡眠 😀 שלום"));
        assert!(c.svg.contains("50% of 4 sentences"));
        assert_eq!(label("abcdef", 3), "abc…");
        assert_eq!(label("a\u{0}b\nc", 10), "abc");
    }
}
