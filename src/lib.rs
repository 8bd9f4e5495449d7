//! healthclaims: annotate health articles with drugs, conditions, hedging, claims and
//! unsupported quotes, as JSONL (`healthclaims/1`, see ../shared/output-schema.md).
//!
//! The pipeline, in data-flow order (one module per stage):
//!
//! 1. [`ingest`]: paths, folders, globs or JSONL on stdin → [`ingest::RawArticle`]s, in input order.
//! 2. [`clean`]: raw text / HTML → cleaned `text` + metadata + an alignment back to the raw input.
//! 3. [`segment`]: cleaned text → sentence spans (headings and bullets are their own units).
//! 4. [`tag`]: ordered components annotate the [`doc::Doc`] in place: entities, hedge cues,
//!    sentence classes, claims, quotes.
//! 5. [`assemble`]: Doc → [`assemble::Record`], byte spans → code-point offsets.
//! 6. [`write`]: records → JSONL, in input order, error lines included, atomically.
//!
//! [`pipeline`] runs the stages over a batch with rayon and reports progress; [`cli`] is the
//! command line on top of it.

pub mod doc;          // Doc, spans, label enums: the vocabulary of every stage
pub mod error;        // per-article errors (become `status: error` records)
pub mod bounded;      // reads that stop at a byte limit (files, streams, lines)
pub mod ingest;       // inputs → RawArticle
pub mod clean;        // raw → cleaned text + meta + alignment
pub mod segment;      // text → sentence spans
pub mod lexicon;      // shipped word lists and gazetteers, loaded once
pub mod rules;        // rules as data: cue lists (models/lexicon/rules/*.txt), compiled once
pub mod encode;       // sentences → word pieces → padded batches
pub mod runtime;      // rust-bert/libtorch: load, predict (the only `use rust_bert`)
pub mod int8;         // the encoder with fbgemm int8 Linear layers (`--precision int8`)
pub mod tag;          // annotation components, one file each
pub mod assemble;     // Doc → Record (healthclaims/1), bytes → code points
pub mod write;        // Record → JSONL
pub mod progress;     // indicatif progress on stderr, or nothing
pub mod pipeline;     // ordered stages, rayon, deterministic output
pub mod train;        // `train`: fine-tune encoder + heads on ../shared/data
pub mod eval;         // `eval`: held-out scores of the shipped model
pub mod report;       // annotated JSONL → CSV/Parquet tables, trend tests + HTML report (`healthclaims report`)
pub mod cli;          // flags → Config → run
