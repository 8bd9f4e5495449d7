//! The command line: flags → validated configuration → run. Parsing loads no model; the
//! expensive objects (the [`Pipeline`]) are built only after the flags are valid.

use crate::ingest;
use crate::pipeline::{Pipeline, PipelineConfig, RunConfig};
use crate::progress::ProgressMode;
use crate::runtime::{Precision, RuntimeConfig};
use crate::write::{self, Destination, Done, RecordWriter, Target};
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

const ANNOTATE_EXAMPLES: &str = "\
Examples:
  healthclaims annotate                                   # corpus/ -> output/annotations.jsonl
  healthclaims annotate corpus/ -o output/annotations.jsonl
  healthclaims annotate 'news/2026-*.html' notes.md -o out.jsonl
  healthclaims annotate - < articles.jsonl > annotated.jsonl
  healthclaims annotate feeds/ -o output/daily.jsonl --resume   # append only new articles

Inputs: .txt, .md, .html/.htm, .jsonl (one article per line: id, text or html, optional url,
title, published), folders (recursively), globs, or '-' for JSONL on stdin.
Exit status: 0 all articles ok, 1 some articles errored (the batch still completed), 2 usage
or fatal error, 130/143 interrupted (SIGINT/SIGTERM).

Output: a file is written to a temporary .healthclaims-*.jsonl.tmp beside it and renamed into
place at the end (a symlink's target is replaced, the link kept; a new file gets the umask's
mode, a replaced one keeps its mode). Devices and FIFOs (-o /dev/stdout) are written directly.
SIGINT/SIGTERM remove the temporary file; a kill -9 or a crash leaves it behind, with the old
output untouched: delete it. With --resume, lines are appended and a kill -9 leaves at most a
torn last line, which the next --resume run drops. An output that is also an input is refused.";

#[derive(Debug, Parser)]
#[command(
    name = "healthclaims",
    version,
    about = "Annotate health articles: drugs, conditions, hedging, claims and unsupported quotes, as JSONL",
    long_about = None,
    after_help = "Run 'healthclaims <command> --help' for examples."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Annotate articles and write healthclaims/1 JSONL, one line per article.
    #[command(after_help = ANNOTATE_EXAMPLES)]
    Annotate(AnnotateArgs),
    /// Fine-tune the transformer (encoder + all heads) on ../shared/data and write models/.
    #[command(after_help = TRAIN_EXAMPLES)]
    Train(TrainArgs),
    /// Train the claim-pair head (relation + negation per drug–condition pair) on a trained model.
    #[command(name = "train-pairs", after_help = TRAIN_PAIRS_EXAMPLES)]
    TrainPairs(TrainPairsArgs),
    /// Score the shipped model on held-out test splits (BC5CDR, NCBI, BioScope, Yu 2019, web).
    #[command(after_help = EVAL_EXAMPLES)]
    Eval(EvalArgs),
    /// Aggregate annotated JSONL by period, source, drug and condition: intervals, trend tests, CSV and Parquet tables and an HTML report.
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
}

const TRAIN_EXAMPLES: &str = "\
Examples:
  scripts/setup.sh --train && healthclaims train            # reproduce models/healthclaims-minilm
  healthclaims train --epochs 0.05 -o /tmp/tiny-model      # a quick smoke run
  healthclaims train --yu-fold 1 -o /tmp/fold1 && healthclaims eval -m /tmp/fold1
                                                            # one fold of Yu 2019 5-fold CV
The default settings (seed 20261122) reproduce the shipped weights; about an hour on 2 cores.";

const TRAIN_PAIRS_EXAMPLES: &str = "\
Examples:
  healthclaims train-pairs                          # reproduce models/healthclaims-minilm/pairs.safetensors
  healthclaims train-pairs --folds 5 --fold 0 -o /tmp/pairs-f0   # one fold of cross-validation
The web dev split (c06-c20, even-numbered d*) is held out unless --folds is given; a minute or two
on 2 cores. The encoder is read, not changed.";

#[derive(Debug, Args)]
pub struct TrainPairsArgs {
    /// The public corpora (../shared/data)
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// The trained model folder whose encoder the head reads
    #[arg(long, default_value = "models/healthclaims-minilm")]
    pub base: PathBuf,
    /// Output model folder (the base folder's files are copied there when it differs)
    #[arg(short, long, default_value = "models/healthclaims-minilm")]
    pub output: PathBuf,
    #[arg(long, default_value_t = 20261207)]
    pub seed: u64,
    #[arg(long, default_value_t = 40)]
    pub epochs: usize,
    /// Width of the projected piece vectors
    #[arg(long, default_value_t = 32)]
    pub dim: usize,
    /// Width of the hidden layer
    #[arg(long, default_value_t = 128)]
    pub hidden: usize,
    #[arg(long, default_value_t = 0.3)]
    pub dropout: f64,
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Heads in the ensemble (seeds SEED, SEED+1, …; their probabilities are averaged)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub members: u64,
    /// Members of the sentence claim head (seeds SEED+100, …; 0: no sentence head)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=16))]
    pub sentence_members: u64,
    /// Width of the sentence claim head's projection
    #[arg(long, default_value_t = 32)]
    pub sentence_dim: usize,
    /// Width of the sentence claim head's hidden layer
    #[arg(long, default_value_t = 64)]
    pub sentence_hidden: usize,
    /// Cross-validation: split the 110 web articles into N folds (by sorted index mod N) …
    #[arg(long, value_name = "N", requires = "fold", value_parser = clap::value_parser!(u64).range(2..=110))]
    pub folds: Option<u64>,
    /// … and hold out fold K (0-based)
    #[arg(long, value_name = "K", requires = "folds")]
    pub fold: Option<u64>,
    /// Train on every web article (nothing held out; for ablations only)
    #[arg(long, conflicts_with = "folds")]
    pub all: bool,
}

const EVAL_EXAMPLES: &str = "\
Examples:
  healthclaims eval                       # full test splits, Markdown table
  healthclaims eval --quick --json        # a few hundred sentences per task, JSON";

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The public corpora (../shared/data)
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Base encoder folder (config.json, model.safetensors, tokenizer.json)
    #[arg(long, default_value = ".cache/encoder")]
    pub base: PathBuf,
    /// Output model folder
    #[arg(short, long, default_value = "models/healthclaims-minilm")]
    pub output: PathBuf,
    #[arg(long, default_value_t = 20261122)]
    pub seed: u64,
    /// Passes over the training mix (fractions allowed)
    #[arg(long, default_value_t = 4.0)]
    pub epochs: f64,
    #[arg(long, default_value_t = 1e-4)]
    pub lr: f64,
    /// libtorch threads
    #[arg(short = 'j', long, default_value_t = 2)]
    pub threads: usize,
    /// Leave corpora out (ablations): bc5cdr, ncbi, bioscope, yu, web, gazetteer
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Keep the pre-trained word embeddings frozen (faster steps; the 1-epoch v0.1 recipe)
    #[arg(long)]
    pub freeze_embeddings: bool,
    /// Claim-strength classes weighted in the loss by (largest class / class)^P; 0 weighs all
    /// sentences alike (the recipe before model 0.5.0)
    #[arg(long, default_value_t = 0.5, value_name = "P")]
    pub claim_weight_power: f64,
    /// Weight of the PubMed-convention entity head's loss (BC5CDR and NCBI-disease rows; 1 was
    /// the recipe of model 0.5.0)
    #[arg(long, default_value_t = 2.0, value_name = "W")]
    pub pubmed_weight: f64,
    /// Label smoothing of the claim-strength loss (0.1 cost Yu 2019 0.03 macro-F1 when measured)
    #[arg(long, default_value_t = 0.0, value_name = "E")]
    pub claim_smoothing: f64,
    /// Start from a trained model folder instead of the base encoder (a second, shorter stage)
    #[arg(long, value_name = "DIR")]
    pub init: Option<PathBuf>,
    /// Which fifth of Yu 2019 to hold out, 0-4 (0: the shipped model's; the others for 5-fold
    /// cross-validation, which `eval` then scores on that model's fifth)
    #[arg(long, default_value_t = 0, value_name = "K", value_parser = clap::value_parser!(u64).range(0..crate::train::data::YU_FOLDS))]
    pub yu_fold: u64,
    /// Times a corpus is repeated in each epoch, as corpus=N (default: bc5cdr=2, yu=3, web=2, the
    /// rest once)
    #[arg(long, value_delimiter = ',', value_name = "CORPUS=N")]
    pub repeat: Vec<String>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The public corpora (../shared/data)
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Model folder [default: the shipped model]
    #[arg(short, long)]
    pub model: Option<PathBuf>,
    /// A few hundred sentences per task (fast)
    #[arg(long)]
    pub quick: bool,
    /// Print JSON instead of a Markdown table
    #[arg(long)]
    pub json: bool,
    /// Also write every sentence with a missed or spurious entity span, or a wrong Yu 2019 claim
    /// strength, to this JSONL file
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// The encoder's arithmetic (as `annotate --precision`)
    #[arg(long, default_value_t = Precision::default(), value_name = "int8|fp32")]
    pub precision: Precision,
}

const REPORT_EXAMPLES: &str = "\
Examples:
  healthclaims report output/*.jsonl -o report/     # report/index.html + report/*.csv
  healthclaims report output/ --top 25 --min-sentences 5
  healthclaims report daily/ --period week --since 2026-01 --until 2026-06-30
  healthclaims report output/ --source-from field --source-field meta.site

Inputs: annotated .jsonl files (also .jsonl.gz), folders of them, or globs. The period is
meta.published at --period (else 'undated', still counted); the source is the URL's registrable
domain (news.bbc.co.uk -> bbc.co.uk), else the article's folder (--source-from).
Writes index.html, CSV tables (trends.csv: first-vs-last change and trend test per measure and
source) and Parquet tables (articles, sentences, claims, quotes).
Exit status: 0 ok, 1 some lines were not healthclaims/1 records (the report is still written), 2 error.";

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Annotated JSONL files, folders or globs [default: output]
    pub inputs: Vec<String>,

    /// Folder for index.html and the CSV tables
    #[arg(short, long, default_value = "report")]
    pub output: PathBuf,

    /// Rows in the drug chart, the quote table and the drug/condition tables
    #[arg(long, default_value_t = 15)]
    pub top: usize,

    /// Sentences a drug needs to enter the "top drugs by hedging rate" chart
    #[arg(long, default_value_t = 10)]
    pub min_sentences: u64,

    /// A rate out of fewer units (sentences, quotes, claims) is drawn as a hollow point and
    /// flagged in tables: too few to read alone
    #[arg(long, default_value_t = 30)]
    pub min_n: u64,

    /// Time grain of the charts, tables and trend tests
    #[arg(long, value_enum, default_value_t = crate::report::period::Period::Month)]
    pub period: crate::report::period::Period,

    /// Only articles published on or after this date (YYYY-MM-DD or YYYY-MM); undated ones are left out
    #[arg(long)]
    pub since: Option<String>,

    /// Only articles published on or before this date (YYYY-MM-DD, or YYYY-MM: to its last day)
    #[arg(long)]
    pub until: Option<String>,

    /// Where an article's source comes from: the URL's registrable domain (else the folder), the
    /// folder of the article's file, or a record field (--source-field)
    #[arg(long, value_enum, default_value_t = SourceFromArg::Url)]
    pub source_from: SourceFromArg,

    /// The field --source-from field reads, as a dotted path (a string; records without it fall back to the URL)
    #[arg(long, default_value = "meta.site")]
    pub source_field: String,

    /// Sources drawn as their own line in the hedging-over-time chart
    #[arg(long, default_value_t = 8)]
    pub sources: usize,

    /// Lines longer than this many bytes (after gunzip) are bad lines, read no further
    #[arg(long, default_value_t = crate::report::MAX_LINE_BYTES)]
    pub max_bytes: usize,
}

/// `report --source-from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceFromArg {
    Url,
    Folder,
    Field,
}

impl ReportArgs {
    pub fn validate(self) -> Result<crate::report::ReportConfig> {
        use crate::report::period::parse_bound;
        use crate::report::source::SourceFrom;
        let inputs = if self.inputs.is_empty() { vec!["output".to_string()] } else { self.inputs };
        if self.top == 0 {
            anyhow::bail!("--top must be at least 1");
        }
        let since = self.since.as_deref().map(|s| parse_bound(s, false)).transpose().map_err(|e| anyhow::anyhow!("--since: {e}"))?;
        let until = self.until.as_deref().map(|s| parse_bound(s, true)).transpose().map_err(|e| anyhow::anyhow!("--until: {e}"))?;
        if let (Some(a), Some(b)) = (since, until) {
            if a > b {
                anyhow::bail!("--since {a} is after --until {b}");
            }
        }
        let field = self.source_field.trim();
        if self.source_from == SourceFromArg::Field && (field.is_empty() || field.split('.').any(str::is_empty)) {
            anyhow::bail!("--source-field must be a dotted field path such as meta.site");
        }
        let source_from = match self.source_from {
            SourceFromArg::Url => SourceFrom::Url,
            SourceFromArg::Folder => SourceFrom::Folder,
            SourceFromArg::Field => SourceFrom::Field(field.to_string()),
        };
        Ok(crate::report::ReportConfig {
            inputs: crate::report::resolve_inputs(&inputs)?,
            out_dir: self.output,
            grouping: crate::report::Grouping { period: self.period, since, until, source_from },
            html: crate::report::html::HtmlOptions {
                top: self.top,
                top_sources: self.sources,
                min_sentences: self.min_sentences,
                min_n: self.min_n,
                csv_files: Vec::new(),
                parquet_files: Vec::new(),
            },
            max_line_bytes: self.max_bytes,
        })
    }
}

#[derive(Debug, Args)]
pub struct AnnotateArgs {
    /// Files, folders, globs, or '-' for JSONL on stdin [default: corpus]
    pub inputs: Vec<String>,

    /// Output file, or '-' for stdout [default: stdout when reading stdin, else output/annotations.jsonl]
    #[arg(short, long)]
    pub output: Option<String>,

    /// Worker threads (0 = the default arrangement: one worker per core, one libtorch thread
    /// each; more than the cores is cut to the cores, as each worker holds a model replica)
    #[arg(short = 'j', long, default_value_t = 0)]
    pub threads: usize,

    /// No progress bar (it is also hidden when stderr is not a terminal)
    #[arg(short, long)]
    pub quiet: bool,

    /// Append to the output file only articles whose id and content hash it does not hold yet
    #[arg(long, alias = "skip-existing")]
    pub resume: bool,

    /// Articles larger than this many bytes get an error record (files, streams and JSONL lines
    /// are read no further than this)
    #[arg(long, default_value_t = 64 << 20)]
    pub max_bytes: usize,

    /// Seconds an article may spend in the stages; one past it gets an error record instead of
    /// the next stage (checked between stages; 0 = no limit)
    #[arg(
        long,
        value_name = "S",
        default_value_t = crate::pipeline::MAX_ARTICLE_TIME.as_secs_f64()
    )]
    pub max_seconds: f64,

    /// Model folder [default: $HEALTHCLAIMS_MODEL, else the shipped models/healthclaims-minilm]
    #[arg(long, conflicts_with = "no_model")]
    pub model: Option<PathBuf>,

    /// Rules and gazetteers only: skip the transformer
    #[arg(long)]
    pub no_model: bool,

    /// libtorch intra-op threads per worker (0 = cores / workers, so the two never oversubscribe)
    #[arg(long, default_value_t = 0)]
    pub torch_threads: usize,

    /// Reading '-': a blank line ends a batch, whose records are written and flushed before the
    /// next line is read (for a program that keeps one process and sends it batches over a pipe,
    /// as the Python package does). Records do not depend on where batches end
    #[arg(long)]
    pub batches: bool,

    /// The encoder's arithmetic: int8 (fbgemm, about twice as fast) or fp32 (as trained); dev
    /// figures of both in models/MODEL_CARD.md
    #[arg(long, default_value_t = Precision::default(), value_name = "int8|fp32")]
    pub precision: Precision,
}

/// Validated settings of `annotate`.
#[derive(Debug)]
pub struct AnnotateConfig {
    pub units: Vec<ingest::Unit>,
    /// `--batches`: a blank line on stdin ends a batch ([`ingest::read_batched`]).
    pub batches: bool,
    pub destination: Destination,
    pub resume: bool,
    pub run: RunConfig,
    pub pipeline: PipelineConfig,
}

impl AnnotateArgs {
    pub fn validate(self) -> Result<AnnotateConfig> {
        let inputs = if self.inputs.is_empty() { vec!["corpus".to_string()] } else { self.inputs };
        let units = ingest::resolve(&inputs)?;
        let stdin = units.contains(&ingest::Unit::Stdin);
        let destination = match self.output.as_deref() {
            Some("-") => Destination::Stdout,
            Some(p) => Destination::File(PathBuf::from(p)),
            None if stdin => Destination::Stdout,
            None => Destination::File(PathBuf::from("output/annotations.jsonl")),
        };
        if self.resume && destination == Destination::Stdout {
            anyhow::bail!("--resume needs an output file (-o FILE)");
        }
        if units.is_empty() {
            anyhow::bail!("no articles found in {} (looked for .txt, .md, .html, .htm, .jsonl)", inputs.join(", "));
        }
        if let Destination::File(out) = &destination {
            check_output(out, &units)?;
        }
        let threads = if self.threads > cores() {
            let (j, n) = (self.threads, cores());
            eprintln!("healthclaims: -j {j} is more than the {n} cores: using {n} workers");
            cores()
        } else {
            self.threads
        };
        let one_article = |u: &ingest::Unit| match u {
            ingest::Unit::File(p) => ingest::format_of(p) != Some(ingest::FileKind::Jsonl),
            ingest::Unit::NotRegular(_) => true,
            ingest::Unit::Stdin => false,
        };
        let total = units.iter().all(one_article).then_some(units.len() as u64);
        if self.batches && !stdin {
            anyhow::bail!("--batches applies to JSONL on stdin: give '-' as an input");
        }
        Ok(AnnotateConfig {
            units,
            batches: self.batches,
            destination,
            resume: self.resume,
            run: RunConfig {
                threads: workers(threads),
                progress: ProgressMode::detect(self.quiet),
                chunk_size: 64,
                total,
            },
            pipeline: PipelineConfig {
                max_article_bytes: self.max_bytes,
                max_article_time: article_time(self.max_seconds)?,
                model: (!self.no_model).then(|| RuntimeConfig {
                    model_dir: self.model.unwrap_or_else(crate::runtime::default_model_dir),
                    torch_threads: torch_threads(threads, self.torch_threads),
                    replicas: workers(threads),
                    precision: self.precision,
                    ..Default::default()
                }),
            },
        })
    }
}

/// Refuse, before any work, an output that is a folder or that is one of the inputs (the same
/// file by device and inode, whatever the path): replacing it would destroy the input, and
/// `--resume` would read its own records back as articles.
fn check_output(out: &std::path::Path, units: &[ingest::Unit]) -> Result<()> {
    let Target::Replace(target) = Target::of(out)? else {
        return Ok(()); // a device or FIFO: nothing is replaced
    };
    let Some(id) = write::identity(&target) else {
        return Ok(()); // a new file
    };
    for unit in units {
        let (same, name) = match unit {
            ingest::Unit::File(p) => (write::identity(p) == Some(id), p.display().to_string()),
            ingest::Unit::Stdin => (write::stdin_identity() == Some(id), "stdin".to_string()),
            ingest::Unit::NotRegular(_) => continue,
        };
        if same {
            let out = out.display();
            anyhow::bail!("output {out} is also an input ({name}): choose another output file");
        }
    }
    Ok(())
}

/// `--max-seconds` as a limit (`None` for 0).
fn article_time(secs: f64) -> Result<Option<std::time::Duration>> {
    if secs == 0.0 {
        return Ok(None);
    }
    std::time::Duration::try_from_secs_f64(secs)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("--max-seconds {secs}: not a number of seconds ({e})"))
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// The default arrangement on `cores` cores: (rayon workers, libtorch threads per worker).
/// Chosen by measurement on 2 cores (scripts/bench.sh on a quiet machine, README "Issue 20
/// figures"): one worker per core with one libtorch thread each beat one worker with two
/// threads in every round, at fp32 (175–206 vs 136–163 sentences/s) and int8 (249–280 vs
/// 166–196). On 4+ cores (not measured here) the same arrangement: the rule stages run on the
/// workers too, and small per-worker products split poorly over threads.
pub fn default_arrangement(cores: usize) -> (usize, usize) {
    (cores.max(1), 1)
}

/// Rayon workers for `--threads N` (0 = the default arrangement).
pub fn workers(threads: usize) -> usize {
    if threads == 0 {
        default_arrangement(cores()).0
    } else {
        threads
    }
}

/// libtorch threads per rayon worker: the default arrangement's for `--threads 0`, else all
/// cores shared out among the workers, at least one.
pub fn torch_threads(threads: usize, requested: usize) -> usize {
    if requested > 0 {
        return requested;
    }
    if threads == 0 {
        return default_arrangement(cores()).1;
    }
    (cores() / workers(threads)).max(1)
}

/// What `healthclaims --version` prints: the binary's version, the model it would load (the
/// folder `annotate` uses by default: `$HEALTHCLAIMS_MODEL`, else beside the executable, else
/// in the source tree) and the lexicon compiled into the binary (a fingerprint of
/// `models/lexicon/`, computed by build.rs, so two builds with other word lists differ).
pub fn version_text() -> String {
    let dir = crate::runtime::default_model_dir();
    let model = match crate::runtime::Model::read_heads(&dir) {
        Ok(h) => format!("model {} {} ({})", h.name, h.version, dir.display()),
        Err(e) => format!("model: none found ({e:#})"),
    };
    format!(
        "healthclaims {}\n{model}\nlexicon {}+{} (compiled in: models/lexicon/, {} files)",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_VERSION"),
        env!("HEALTHCLAIMS_LEXICON_FINGERPRINT"),
        env!("HEALTHCLAIMS_LEXICON_FILES"),
    )
}

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Annotate(args) => annotate(args.validate()?),
        Command::Train(args) => train(args),
        Command::TrainPairs(args) => train_pairs(args),
        Command::Eval(args) => eval(args),
        Command::Report(args) => report(args.validate()?),
    }
}

fn train(a: TrainArgs) -> Result<ExitCode> {
    use crate::train::{data::Corpus, TrainConfig};
    let exclude = a.exclude.iter().map(|c| Corpus::parse(c).context("in --exclude")).collect::<Result<Vec<_>>>()?;
    let mut cfg = TrainConfig {
        data_dir: a.data,
        base_dir: a.base,
        out_dir: a.output,
        seed: a.seed,
        epochs: a.epochs,
        lr: a.lr,
        threads: a.threads,
        exclude,
        freeze_embeddings: a.freeze_embeddings,
        claim_weight_power: a.claim_weight_power,
        pubmed_weight: a.pubmed_weight,
        claim_smoothing: a.claim_smoothing,
        init_dir: a.init,
        yu_fold: a.yu_fold,
        ..Default::default()
    };
    for r in &a.repeat {
        let (c, n) = r.split_once('=').with_context(|| format!("--repeat takes corpus=N, got '{r}'"))?;
        let n: usize = n.trim().parse().with_context(|| format!("--repeat {r}: N must be a whole number"))?;
        cfg.set_repeat(Corpus::parse(c.trim()).context("in --repeat")?, n);
    }
    crate::train::train(&cfg)?;
    Ok(ExitCode::SUCCESS)
}

fn train_pairs(a: TrainPairsArgs) -> Result<ExitCode> {
    use crate::train::pairs::{PairSplit, PairTrainConfig};
    let split = match (a.folds, a.fold, a.all) {
        (Some(n), Some(k), _) if k < n => PairSplit::Fold { k: k as usize, n: n as usize },
        (Some(n), Some(k), _) => anyhow::bail!("--fold {k} is not below --folds {n}"),
        (_, _, true) => PairSplit::All,
        _ => PairSplit::Dev,
    };
    let cfg = PairTrainConfig {
        data_dir: a.data,
        base_dir: a.base,
        out_dir: a.output,
        split,
        seed: a.seed,
        epochs: a.epochs,
        dim: a.dim,
        hidden: a.hidden,
        dropout: a.dropout,
        lr: a.lr,
        members: a.members as usize,
        sentence_members: a.sentence_members as usize,
        sentence_dim: a.sentence_dim,
        sentence_hidden: a.sentence_hidden,
        ..Default::default()
    };
    crate::train::pairs::train(&cfg)?;
    Ok(ExitCode::SUCCESS)
}

fn eval(a: EvalArgs) -> Result<ExitCode> {
    use crate::runtime::Model;
    let model_dir = a.model.unwrap_or_else(crate::runtime::default_model_dir);
    let runtime = RuntimeConfig { model_dir: model_dir.clone(), precision: a.precision, ..Default::default() };
    let model = Model::load(runtime.clone())?;
    let mut errors = match &a.errors {
        Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?)),
        None => None,
    };
    let mut scores = crate::eval::evaluate_with_errors(&model, &a.data, a.quick, errors.as_mut().map(|w| w as &mut dyn std::io::Write))?;
    drop(model);
    // the whole pipeline on the web dev split and the seeds, every metric of ../shared/eval/score.py
    scores.extend(crate::eval::pipeline_scores(runtime, &a.data)?);
    if let Some(mut w) = errors {
        std::io::Write::flush(&mut w).with_context(|| format!("cannot write {}", a.errors.as_ref().map(|p| p.display().to_string()).unwrap_or_default()))?;
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&scores)?);
    } else {
        print!("{}", crate::eval::markdown(&scores));
    }
    Ok(ExitCode::SUCCESS)
}

fn report(cfg: crate::report::ReportConfig) -> Result<ExitCode> {
    let outcome = crate::report::run(&cfg)?;
    let agg = &outcome.aggregate;
    for bad in &agg.bad_lines {
        eprintln!("healthclaims: {}:{}: not a healthclaims/1 record: {}", bad.file, bad.line, bad.message);
    }
    if agg.implausible_dates > 0 {
        let years = crate::report::aggregate::PLAUSIBLE_YEARS;
        let examples: Vec<String> =
            agg.bad_dates.iter().take(3).map(|(id, d)| format!("{id}: {d}")).collect();
        eprintln!(
            "healthclaims: warning: {} articles dated outside {}-{} counted as undated ({})",
            agg.implausible_dates,
            years.start(),
            years.end(),
            examples.join(", ")
        );
    }
    eprintln!("{}", crate::report::summary_line(agg, &cfg.out_dir));
    Ok(if agg.invalid_lines > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn annotate(cfg: AnnotateConfig) -> Result<ExitCode> {
    write::remove_temp_on_signal();
    // The output first: an unwritable destination fails before the model loads or input is read.
    let (mut writer, mut done): (RecordWriter, Option<Done>) = match (&cfg.destination, cfg.resume) {
        (Destination::File(p), true) => {
            let (w, d) = RecordWriter::resume(p)?;
            (w, Some(d))
        }
        (dest, _) => (RecordWriter::create(dest)?, None),
    };
    let max_bytes = cfg.pipeline.max_article_bytes;
    let pipeline = Pipeline::new(cfg.pipeline)?;
    let items = ingest::read_batched(cfg.units, max_bytes, cfg.batches);
    let report = pipeline.annotate_stream(items, &cfg.run, &mut writer, done.as_mut())?;
    writer.finish().context("cannot finish the output")?;
    eprintln!("{}", report.summary_line());
    Ok(if report.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_arrangement_uses_every_core_once() {
        // one worker per core, one libtorch thread each (the measured fastest on 2 cores)
        assert_eq!(default_arrangement(0), (1, 1));
        assert_eq!(default_arrangement(1), (1, 1));
        assert_eq!(default_arrangement(2), (2, 1));
        assert_eq!(default_arrangement(16), (16, 1));
        for n in 1..=64 {
            let (w, t) = default_arrangement(n);
            assert!(w >= 1 && t >= 1 && w * t <= n, "{n} cores: {w} × {t}");
        }
    }
}
