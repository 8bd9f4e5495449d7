//! `healthclaims report`: annotated JSONL files → a folder of dashboard-ready tables and an HTML
//! report. Takes files, folders (their `*.jsonl`, `*.jsonl.gz`) and globs; returns what it wrote.
//!
//! 1. [`aggregate`]: stream every line into per-group counts (period, source, source × period,
//!    drug, condition, unsupported quote), one small row per article and a few sentences per
//!    chart point; [`period`] and [`source`] say where an article sits on the two axes. Each
//!    counted record also goes to [`tables`], which streams the tidy Parquet tables.
//! 2. [`stats`] and [`trends`]: Wilson intervals and the article-clustered trend tests.
//! 3. [`csv`]: tidy CSV tables, one row per group, and `trends.csv`.
//! 4. [`charts`]: hand-written SVG charts with intervals and a link per point.
//! 5. [`html`]: one self-contained `index.html`, drill-down tables included.

pub mod aggregate;
pub mod charts;
pub mod csv;
pub mod html;
pub mod period;
pub mod source;
pub mod stats;
pub mod tables;
pub mod trends;

use anyhow::{Context, Result};
use std::io::BufReader;
use std::path::{Path, PathBuf};

pub use aggregate::{Aggregate, Grouping};

/// Validated settings of `report`.
#[derive(Debug, Clone)]
pub struct ReportConfig {
    pub inputs: Vec<PathBuf>,
    pub out_dir: PathBuf,
    pub html: html::HtmlOptions,
    pub grouping: Grouping,
    /// Longer lines are counted as bad lines without being held in memory.
    pub max_line_bytes: usize,
}

/// `report --max-bytes` by default: a record of a 64 MiB article (annotate's default limit) fits.
pub const MAX_LINE_BYTES: usize = 256 << 20;

/// What a report run read and wrote.
#[derive(Debug)]
pub struct ReportOutcome {
    pub aggregate: Aggregate,
    /// Files written into the output folder, `index.html` last.
    pub written: Vec<String>,
}

/// Expand inputs: files as given, folders to their `.jsonl` / `.jsonl.gz` files (recursively,
/// sorted), anything else as a glob. An input that matches nothing is an error.
pub fn resolve_inputs(inputs: &[String]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for inp in inputs {
        let p = Path::new(inp);
        if p.is_dir() {
            let mut files = Vec::new();
            walk(p, &mut files).with_context(|| format!("cannot list {inp}"))?;
            files.sort();
            if files.is_empty() {
                anyhow::bail!("no .jsonl files in folder '{inp}'");
            }
            out.extend(files);
        } else if p.exists() {
            out.push(p.to_path_buf());
        } else {
            let matches: Vec<PathBuf> = glob::glob(inp)
                .map(|paths| paths.filter_map(Result::ok).filter(|p| p.is_file()).collect())
                .unwrap_or_default();
            if matches.is_empty() {
                anyhow::bail!("input '{inp}' does not exist");
            }
            out.extend(matches);
        }
    }
    Ok(out)
}

fn is_jsonl(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
    name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") || name.ends_with(".ndjson")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if is_jsonl(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Stream every file into one [`Aggregate`] (`.gz` files are decompressed on the fly); lines
/// longer than `max_line_bytes` (decompressed) are bad lines. Default grouping, no tables.
pub fn aggregate_files(paths: &[PathBuf], max_line_bytes: usize) -> Result<Aggregate> {
    aggregate_with(paths, max_line_bytes, Grouping::default(), None)
}

/// [`aggregate_files`] with a grouping, streaming every counted record into `tables` if given.
pub fn aggregate_with(
    paths: &[PathBuf],
    max_line_bytes: usize,
    grouping: Grouping,
    mut tables: Option<&mut tables::Tables>,
) -> Result<Aggregate> {
    let mut agg = Aggregate::with_grouping(grouping);
    let mut sink = |rec: &crate::assemble::Record, at: &aggregate::Placed| match tables.as_deref_mut() {
        Some(t) => t.add(rec, at),
        None => Ok(()),
    };
    for p in paths {
        let name = p.display().to_string();
        let file = std::fs::File::open(p).with_context(|| format!("cannot open {name}"))?;
        let gz = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
        let result = if gz {
            agg.read_into(&name, BufReader::new(flate2::read::MultiGzDecoder::new(file)), max_line_bytes, &mut sink)
        } else {
            agg.read_into(&name, BufReader::with_capacity(1 << 20, file), max_line_bytes, &mut sink)
        };
        result.with_context(|| format!("cannot read {name}"))?;
    }
    Ok(agg)
}

/// Write the CSV tables and `index.html` for `agg` into `out_dir` (created if needed).
pub fn write_report(agg: &Aggregate, out_dir: &Path, opts: &html::HtmlOptions) -> Result<Vec<String>> {
    std::fs::create_dir_all(out_dir).with_context(|| format!("cannot create folder {}", out_dir.display()))?;
    let mut written = csv::write_all(agg, out_dir)?;
    let opts = html::HtmlOptions { csv_files: written.clone(), ..opts.clone() };
    let page = html::render(agg, &opts)?;
    let index = out_dir.join("index.html");
    std::fs::write(&index, page).with_context(|| format!("cannot write {}", index.display()))?;
    written.push("index.html".into());
    Ok(written)
}

/// Aggregate the inputs (writing the Parquet tables as they are read) and write the report.
pub fn run(cfg: &ReportConfig) -> Result<ReportOutcome> {
    let dir = &cfg.out_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create folder {}", dir.display()))?;
    let mut tables = tables::Tables::create(dir).with_context(|| format!("cannot create the Parquet tables in {}", dir.display()))?;
    let aggregate = aggregate_with(&cfg.inputs, cfg.max_line_bytes, cfg.grouping.clone(), Some(&mut tables))?;
    tables.finish().with_context(|| format!("cannot write the Parquet tables in {}", dir.display()))?;
    let opts = html::HtmlOptions { parquet_files: tables::FILES.iter().map(|f| f.to_string()).collect(), ..cfg.html.clone() };
    let mut written = write_report(&aggregate, dir, &opts)?;
    let index = written.pop();
    written.extend(tables::FILES.iter().map(|f| f.to_string()));
    written.extend(index);
    Ok(ReportOutcome { aggregate, written })
}

/// The one-line summary printed at the end of a run.
pub fn summary_line(agg: &Aggregate, out_dir: &Path) -> String {
    let t = &agg.totals;
    let mut s = format!(
        "healthclaims report: {} articles ({} errors, {} undated) from {} files, {} sources, {} {}s; hedged-sentence rate {} -> {}",
        t.articles + t.errors,
        t.errors,
        agg.undated,
        agg.files.len(),
        agg.by_source.len(),
        agg.dated_periods().len(),
        agg.grouping.period.as_str(),
        t.hedged().map(|r| trends::rate_text(&r)).unwrap_or_else(|| "n/a".into()),
        out_dir.join("index.html").display()
    );
    if agg.out_of_range > 0 {
        s.push_str(&format!("; {} articles outside --since/--until left out", agg.out_of_range));
    }
    if agg.duplicates > 0 {
        s.push_str(&format!("; {} repeated articles counted once", agg.duplicates));
    }
    if agg.invalid_lines > 0 {
        s.push_str(&format!("; {} lines were not healthclaims/1 records", agg.invalid_lines));
    }
    s
}
