//! Counted records → tidy Parquet tables for dashboards (DuckDB, Superset, Metabase, pandas).
//! Takes each record `report` counts, with its source, date and period (as the report grouped
//! it), and streams rows into four files in the output folder, written in row groups of
//! [`ROW_GROUP`] rows, so memory stays flat however large the input:
//!
//! | file               | one row per                     |
//! |--------------------|---------------------------------|
//! | `articles.parquet` | article (ok and error records)  |
//! | `sentences.parquet`| sentence                        |
//! | `claims.parquet`   | claim (negated ones included)   |
//! | `quotes.parquet`   | quote                           |
//!
//! Every table has `article_id`, `source`, `published` (as written), `date` (a Parquet DATE: the
//! day, or the 1st of the month for a month-only date) and `period`. Sentence numbers are the
//! JSONL's (0-based), as in the CSVs and the HTML. Written with the low-level
//! `SerializedFileWriter` of the `parquet` crate without its Arrow layer or codecs (pages are
//! uncompressed): a small dependency, and files any Parquet reader opens.

use super::aggregate::{is_class, Placed, STRENGTHS};
use super::period::parse_date;
use crate::assemble::{ArgOut, Record, Status};
use chrono::{Datelike, NaiveDate};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Rows buffered before a row group is written.
pub const ROW_GROUP: usize = 65_536;

/// The file names, in the order written.
pub const FILES: [&str; 4] = ["articles.parquet", "sentences.parquet", "claims.parquet", "quotes.parquet"];

/// A column's buffered values (all columns are OPTIONAL: `None` is null).
enum Col {
    Str(Vec<Option<String>>),
    I64(Vec<Option<i64>>),
    Date(Vec<Option<i32>>),
    Bool(Vec<Option<bool>>),
    F64(Vec<Option<f64>>),
}

/// A value for one cell.
enum V {
    S(Option<String>),
    I(Option<i64>),
    D(Option<i32>),
    B(Option<bool>),
    F(Option<f64>),
}

struct Table {
    writer: SerializedFileWriter<File>,
    cols: Vec<Col>,
    rows: usize,
}

impl Table {
    fn create(path: &Path, columns: &[(&str, &str)]) -> parquet::errors::Result<Table> {
        let mut schema = String::from("message row {\n");
        let mut cols = Vec::new();
        for (name, kind) in columns {
            let (decl, col) = match *kind {
                "str" => ("BYTE_ARRAY", Col::Str(Vec::new())),
                "i64" => ("INT64", Col::I64(Vec::new())),
                "date" => ("INT32", Col::Date(Vec::new())),
                "bool" => ("BOOLEAN", Col::Bool(Vec::new())),
                _ => ("DOUBLE", Col::F64(Vec::new())),
            };
            let logical = match *kind {
                "str" => " (UTF8)",
                "date" => " (DATE)",
                _ => "",
            };
            schema.push_str(&format!("  OPTIONAL {decl} {name}{logical};\n"));
            cols.push(col);
        }
        schema.push('}');
        let schema = Arc::new(parse_message_type(&schema)?);
        let props = Arc::new(WriterProperties::builder().set_created_by(format!("healthclaims {}", env!("CARGO_PKG_VERSION"))).build());
        let file = File::create(path).map_err(|e| parquet::errors::ParquetError::General(format!("cannot create {}: {e}", path.display())))?;
        Ok(Table { writer: SerializedFileWriter::new(file, schema, props)?, cols, rows: 0 })
    }

    fn push(&mut self, row: Vec<V>) -> parquet::errors::Result<()> {
        debug_assert_eq!(row.len(), self.cols.len());
        for (col, v) in self.cols.iter_mut().zip(row) {
            match (col, v) {
                (Col::Str(c), V::S(x)) => c.push(x),
                (Col::I64(c), V::I(x)) => c.push(x),
                (Col::Date(c), V::D(x)) => c.push(x),
                (Col::Bool(c), V::B(x)) => c.push(x),
                (Col::F64(c), V::F(x)) => c.push(x),
                _ => return Err(parquet::errors::ParquetError::General("column type mismatch (a bug)".into())),
            }
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> parquet::errors::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut rg = self.writer.next_row_group()?;
        let mut k = 0;
        while let Some(mut w) = rg.next_column()? {
            fn split<T: Clone>(v: &mut Vec<Option<T>>) -> (Vec<T>, Vec<i16>) {
                let defs = v.iter().map(|x| i16::from(x.is_some())).collect();
                let vals = v.drain(..).flatten().collect();
                (vals, defs)
            }
            match &mut self.cols[k] {
                Col::Str(c) => {
                    let (vals, defs) = split(c);
                    let vals: Vec<ByteArray> = vals.into_iter().map(|s| ByteArray::from(s.into_bytes())).collect();
                    w.typed::<ByteArrayType>().write_batch(&vals, Some(&defs), None)?;
                }
                Col::I64(c) => {
                    let (vals, defs) = split(c);
                    w.typed::<Int64Type>().write_batch(&vals, Some(&defs), None)?;
                }
                Col::Date(c) => {
                    let (vals, defs) = split(c);
                    w.typed::<Int32Type>().write_batch(&vals, Some(&defs), None)?;
                }
                Col::Bool(c) => {
                    let (vals, defs) = split(c);
                    w.typed::<BoolType>().write_batch(&vals, Some(&defs), None)?;
                }
                Col::F64(c) => {
                    let (vals, defs) = split(c);
                    w.typed::<DoubleType>().write_batch(&vals, Some(&defs), None)?;
                }
            }
            w.close()?;
            k += 1;
        }
        rg.close()?;
        self.rows = 0;
        Ok(())
    }

    fn finish(mut self) -> parquet::errors::Result<()> {
        self.flush()?;
        self.writer.close()?;
        Ok(())
    }
}

/// The four tables being written.
pub struct Tables {
    articles: Table,
    sentences: Table,
    claims: Table,
    quotes: Table,
}

const PLACE: [(&str, &str); 5] = [("article_id", "str"), ("source", "str"), ("published", "str"), ("date", "date"), ("period", "str")];

fn io(e: parquet::errors::ParquetError) -> std::io::Error {
    std::io::Error::other(format!("Parquet: {e}"))
}

fn s(x: &str) -> V {
    V::S(Some(x.to_string()))
}

fn n(x: usize) -> V {
    V::I(Some(x as i64))
}

impl Tables {
    /// Create the four files in `dir` (which must exist).
    pub fn create(dir: &Path) -> std::io::Result<Tables> {
        let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
            PLACE.iter().copied().chain(extra.iter().copied()).collect()
        };
        let articles = with(&[
            ("status", "str"),
            ("error", "str"),
            ("title", "str"),
            ("url", "str"),
            ("words", "i64"),
            ("sentences", "i64"),
            ("hedged_sentences", "i64"),
            ("claims", "i64"),
            ("claims_direct_causal", "i64"),
            ("claims_conditional_causal", "i64"),
            ("claims_correlational", "i64"),
            ("negated_claims", "i64"),
            ("quotes", "i64"),
            ("unsupported_quotes", "i64"),
        ]);
        let sentences = with(&[
            ("sentence", "i64"),
            ("hedged", "bool"),
            ("hedge_score", "f64"),
            ("claim", "str"),
            ("hedge_cues", "str"),
            ("claims", "i64"),
            ("quotes", "i64"),
            ("unsupported_quotes", "i64"),
            ("text", "str"),
        ]);
        let claims = with(&[
            ("sentence", "i64"),
            ("strength", "str"),
            ("negated", "bool"),
            ("score", "f64"),
            ("drug", "str"),
            ("drug_id", "str"),
            ("drug_is_class", "bool"),
            ("condition", "str"),
            ("condition_id", "str"),
            ("sentence_hedged", "bool"),
        ]);
        let quotes = with(&[
            ("sentence", "i64"),
            ("text", "str"),
            ("speaker", "str"),
            ("supported", "bool"),
            ("reason", "str"),
        ]);
        let t = |name: &str, cols: &[(&str, &str)]| Table::create(&dir.join(name), cols).map_err(io);
        Ok(Tables {
            articles: t(FILES[0], &articles)?,
            sentences: t(FILES[1], &sentences)?,
            claims: t(FILES[2], &claims)?,
            quotes: t(FILES[3], &quotes)?,
        })
    }

    /// Add one counted record's rows.
    pub fn add(&mut self, rec: &Record, at: &Placed) -> std::io::Result<()> {
        self.add_inner(rec, at).map_err(io)
    }

    fn add_inner(&mut self, rec: &Record, at: &Placed) -> parquet::errors::Result<()> {
        let day: Option<NaiveDate> = at.date.as_deref().and_then(|d| parse_date(Some(d)).ok()).map(|d| d.first_day());
        let date = day.map(|d| d.num_days_from_ce() - 719_163); // days since 1970-01-01
        let place = || vec![s(&rec.id), s(at.source), V::S(at.date.clone()), V::D(date), s(at.period)];
        let ok = rec.status == Status::Ok;
        let count = |f: &dyn Fn() -> usize| V::I(ok.then(f).map(|x| x as i64));
        let claims_of = |k: usize| count(&|| rec.claims.iter().filter(|c| !c.negated && c.strength == STRENGTHS[k]).count());
        let mut row = place();
        row.extend([
            s(if ok { "ok" } else { "error" }),
            V::S(rec.error.clone()),
            V::S(rec.meta.title.clone()),
            V::S(rec.meta.url.clone()),
            count(&|| rec.summary.as_ref().map(|s| s.words).unwrap_or_else(|| rec.text.split_whitespace().count())),
            count(&|| rec.sentences.len()),
            count(&|| rec.sentences.iter().filter(|s| s.hedged).count()),
            count(&|| rec.claims.iter().filter(|c| !c.negated && STRENGTHS.contains(&c.strength)).count()),
            claims_of(0),
            claims_of(1),
            claims_of(2),
            count(&|| rec.claims.iter().filter(|c| c.negated && STRENGTHS.contains(&c.strength)).count()),
            count(&|| rec.quotes.len()),
            count(&|| rec.quotes.iter().filter(|q| !q.supported).count()),
        ]);
        self.articles.push(row)?;
        if !ok {
            return Ok(());
        }
        // Code-point offsets → the text of each sentence, in one pass.
        let chars: Vec<char> = rec.text.chars().collect();
        for (i, sent) in rec.sentences.iter().enumerate() {
            let text: Option<String> = (sent.start < sent.end && sent.end <= chars.len()).then(|| chars[sent.start..sent.end].iter().collect());
            let cues: Vec<&str> = rec.hedges.iter().filter(|h| h.sentence == i).map(|h| h.text.as_str()).collect();
            let mut row = place();
            row.extend([
                n(i),
                V::B(Some(sent.hedged)),
                V::F(Some(sent.hedge_score as f64)),
                s(sent.claim.as_str()),
                V::S((!cues.is_empty()).then(|| cues.join(" | "))),
                n(rec.claims.iter().filter(|c| c.sentence == i).count()),
                n(rec.quotes.iter().filter(|q| q.sentence == i).count()),
                n(rec.quotes.iter().filter(|q| q.sentence == i && !q.supported).count()),
                V::S(text),
            ]);
            self.sentences.push(row)?;
        }
        let name = |a: &Option<ArgOut>| V::S(a.as_ref().map(|a| a.name.clone().unwrap_or_else(|| a.text.clone())));
        let id = |a: &Option<ArgOut>| V::S(a.as_ref().and_then(|a| a.id.clone()));
        for c in &rec.claims {
            let mut row = place();
            row.extend([
                n(c.sentence),
                s(c.strength.as_str()),
                V::B(Some(c.negated)),
                V::F(Some(c.score as f64)),
                name(&c.drug),
                id(&c.drug),
                V::B(c.drug.as_ref().map(|d| d.id.as_deref().is_some_and(|id| is_class(id, d.name.as_deref().unwrap_or(&d.text))))),
                name(&c.condition),
                id(&c.condition),
                V::B(rec.sentences.get(c.sentence).map(|s| s.hedged)),
            ]);
            self.claims.push(row)?;
        }
        for q in &rec.quotes {
            let mut row = place();
            row.extend([
                n(q.sentence),
                s(&q.text),
                V::S(q.speaker.as_ref().map(|s| s.text.clone())),
                V::B(Some(q.supported)),
                s(&q.reason),
            ]);
            self.quotes.push(row)?;
        }
        Ok(())
    }

    /// Write the last row groups and the footers.
    pub fn finish(self) -> std::io::Result<()> {
        self.articles.finish().map_err(io)?;
        self.sentences.finish().map_err(io)?;
        self.claims.finish().map_err(io)?;
        self.quotes.finish().map_err(io)
    }
}
