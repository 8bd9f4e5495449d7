//! Progress on stderr: an indicatif bar (articles, sentences/s, ETA) when stderr is a terminal,
//! nothing otherwise or with `--quiet`. The pipeline calls [`Progress::article`] once per article.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// An indicatif bar on stderr.
    Bar,
    /// Nothing.
    Silent,
}

impl ProgressMode {
    /// A bar when stderr is a terminal and not quiet; silent otherwise.
    pub fn detect(quiet: bool) -> Self {
        if !quiet && std::io::stderr().is_terminal() {
            ProgressMode::Bar
        } else {
            ProgressMode::Silent
        }
    }
}

pub struct Progress {
    bar: Option<ProgressBar>,
    sentences: u64,
}

impl Progress {
    /// `total`: number of articles if known (files), `None` when streaming.
    pub fn new(mode: ProgressMode, total: Option<u64>) -> Self {
        let bar = match mode {
            ProgressMode::Silent => None,
            ProgressMode::Bar => {
                let bar = match total {
                    Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
                    None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                };
                let style = if total.is_some() {
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} articles  {msg}  ETA {eta}"
                } else {
                    "{spinner} [{elapsed_precise}] {pos} articles  {msg}"
                };
                bar.set_style(ProgressStyle::with_template(style).unwrap_or_else(|_| ProgressStyle::default_bar()));
                bar.enable_steady_tick(Duration::from_millis(200));
                Some(bar)
            }
        };
        Progress { bar, sentences: 0 }
    }

    pub fn article(&mut self, sentences: usize) {
        self.sentences += sentences as u64;
        if let Some(bar) = &self.bar {
            bar.inc(1);
            let secs = bar.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!("{} sentences, {:.0} sentences/s", self.sentences, self.sentences as f64 / secs));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
