//! Hedge cues: takes a segmented [`Doc`] (sentences) and returns it with [`Doc::hedges`] filled
//! (one [`HedgeCue`] per epistemic cue: "may", "might", "is thought to", "some small studies",
//! "has been studied", "mixed findings", …) and each sentence's `hedged` / `hedge_score` set.
//!
//! Two steps, kept apart so a sentence-level model score can later be combined with the rules:
//! [`HedgeTagger::find_cues`] returns the rule evidence (cue candidates with a confidence each,
//! after context filters), and [`hedge_decision`] turns that evidence (plus, later, a model
//! probability) into the sentence's `hedged` flag and score.
//!
//! The cue inventory follows annotation-guidelines.md (CoNLL-2010 style epistemic hedging) and
//! was learned from BioScope speculation cues and the web-synthetic training gold (a01–a45).
//! Context filters drop the non-epistemic readings: "may" of permission ("you may take it with
//! food", "patients may not drive") and the month May; "could" of past ability ("I could finally
//! walk", "could not sleep"); "suggest" meaning recommend ("the dose my doctor suggested");
//! "possible" in "as soon as possible"; "think"/"believe" without a hedging subject.
//! "can" is never a cue.

use regex::Regex;

use super::{MODEL_WEIGHT, Component, Layer};
use crate::doc::{ByteSpan, Doc, HedgeCue};
use crate::error::ArticleError;

/// A sentence counts as hedged when its combined cue evidence reaches this score.
pub const HEDGED_THRESHOLD: f32 = 0.5;

/// Which context check a cue rule needs beyond its pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// The pattern alone decides.
    Always,
    /// Modal "may": not the month, not permission.
    May,
    /// "could": not past ability.
    Could,
    /// "suggest…": not "recommend".
    Suggest,
    /// "possible": not "as soon as possible", "if possible", "possible to".
    Possible,
    /// "likely": not the comparative "more/less likely".
    Likely,
    /// "has been studied": not "studied in millions of people".
    Explored,
    /// "think/believe/suspect": needs a hedging subject (I, we, experts, researchers, some …).
    Opinion,
}

struct CueRule {
    name: &'static str,
    re: Regex,
    score: f32,
    check: Check,
}

/// One cue the rules found, before it is written to the Doc; offsets are relative to the text
/// passed to [`HedgeTagger::find_cues`].
#[derive(Debug, Clone, PartialEq)]
pub struct CueMatch {
    pub span: ByteSpan,
    /// The rule that matched (for debugging and measurement).
    pub rule: &'static str,
    /// Rule confidence that this is an epistemic cue, 0..1.
    pub score: f32,
}

/// The hedge component (rule-based).
pub struct HedgeTagger {
    rules: Vec<CueRule>,
}

/// `(name, pattern, score, check)`; patterns are case-insensitive and wrapped in `\b…\b`.
/// Apostrophes: both ' and ’ are accepted through `['’]`.
/// The cue rules as data: `models/lexicon/rules/hedge_cues.tsv` (name, confidence, check,
/// pattern) and the evidence-gap phrases of `hedge_evidence_gap.txt` ("little is known", "the
/// jury is still out", "marketed as").
const RULES_TSV: &str = include_str!("../../models/lexicon/rules/hedge_cues.tsv");
/// Confidence of an evidence-gap phrase.
const EVIDENCE_GAP_SCORE: f32 = 0.85;

fn parse_check(s: &str) -> Option<Check> {
    Some(match s {
        "always" => Check::Always,
        "may" => Check::May,
        "could" => Check::Could,
        "suggest" => Check::Suggest,
        "possible" => Check::Possible,
        "likely" => Check::Likely,
        "explored" => Check::Explored,
        "opinion" => Check::Opinion,
        _ => return None,
    })
}

impl HedgeTagger {
    pub fn new() -> anyhow::Result<Self> {
        let mut rules = Vec::new();
        for (n, line) in RULES_TSV.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let at = || format!("hedge_cues.tsv line {}", n + 1);
            let cols: Vec<&'static str> = line.splitn(4, '\t').collect();
            let [name, score, check, pat] = cols[..] else { anyhow::bail!("{}: expected 4 tab-separated columns", at()) };
            let score: f32 = score.parse().map_err(|_| anyhow::anyhow!("{}: bad confidence '{score}'", at()))?;
            let check = parse_check(check).ok_or_else(|| anyhow::anyhow!("{}: unknown check '{check}'", at()))?;
            let re = Regex::new(&format!(r"(?i)(?-u:\b)(?:{pat})(?-u:\b)")).map_err(|e| anyhow::anyhow!("{}: rule '{name}': {e}", at()))?;
            rules.push(CueRule { name, re, score, check });
        }
        // the evidence-gap family, one phrase a line (rules.rs expands inflections)
        let gap = crate::rules::EVIDENCE_GAP.alternation();
        let re = Regex::new(&format!(r"(?i)(?-u:\b)(?:{gap})(?-u:\b)")).map_err(|e| anyhow::anyhow!("hedge_evidence_gap.txt: {e}"))?;
        rules.push(CueRule { name: "evidence_gap", re, score: EVIDENCE_GAP_SCORE, check: Check::Always });
        Ok(HedgeTagger { rules })
    }

    /// The rule evidence for one piece of text (usually one sentence): non-overlapping cue
    /// matches, leftmost-longest, offsets relative to `text`.
    pub fn find_cues(&self, text: &str) -> Vec<CueMatch> {
        let mut cands: Vec<CueMatch> = Vec::new();
        for rule in &self.rules {
            for m in rule.re.find_iter(text) {
                let span = ByteSpan::new(m.start(), m.end());
                if let Some(span) = check_context(rule.check, text, span) {
                    cands.push(CueMatch { span, rule: rule.name, score: rule.score });
                }
            }
        }
        // Leftmost, then longest, then most confident; drop anything overlapping a kept cue. Kept
        // cues are disjoint and in order, so a candidate (starting at or after the last kept one's
        // start) can only overlap the last one: one comparison each, not a scan of every kept cue.
        cands.sort_by(|a, b| {
            a.span.start.cmp(&b.span.start).then(b.span.len().cmp(&a.span.len())).then(b.score.total_cmp(&a.score))
        });
        let mut kept: Vec<CueMatch> = Vec::new();
        for c in cands {
            if c.span.is_empty() || kept.last().is_some_and(|k| k.span.overlaps(c.span)) {
                continue;
            }
            kept.push(c);
        }
        kept
    }
}

/// Combine cue evidence (noisy-or of the cue scores) with an optional sentence-level model
/// probability; returns `(hedged, score)`. With a model score the two are mixed with weight
/// [`MODEL_WEIGHT`], so a confident model can overrule a weak rule and vice versa.
pub fn hedge_decision(cue_scores: &[f32], model: Option<f32>) -> (bool, f32) {
    let rule = 1.0 - cue_scores.iter().fold(1.0f32, |acc, s| acc * (1.0 - s.clamp(0.0, 1.0)));
    let score = match model {
        Some(p) => (1.0 - MODEL_WEIGHT) * rule + MODEL_WEIGHT * p.clamp(0.0, 1.0),
        None => rule,
    };
    (score >= HEDGED_THRESHOLD, score)
}

impl Component for HedgeTagger {
    fn name(&self) -> &'static str {
        "hedge"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn assigns(&self) -> &'static [Layer] {
        &[Layer::Hedges]
    }
    fn annotate(&self, doc: &mut Doc) -> Result<(), ArticleError> {
        doc.hedges.clear();
        for i in 0..doc.sentences.len() {
            let span = doc.sentences[i].span;
            let Some(text) = doc.text.get(span.start..span.end) else { continue };
            let cues = self.find_cues(text);
            let scores: Vec<f32> = cues.iter().map(|c| c.score).collect();
            let model = doc.model.as_ref().and_then(|m| m.get(i)).map(|m| m.hedged);
            let (hedged, score) = hedge_decision(&scores, model);
            let s = &mut doc.sentences[i];
            s.hedged = hedged;
            s.hedge_score = score;
            doc.hedges.extend(cues.into_iter().map(|c| HedgeCue {
                span: c.span.offset(span.start),
                sentence: i,
                score: c.score,
            }));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Word helpers (shared with sentence_class.rs and claims.rs).

/// Words of `text` as `(byte start, word)`: runs of alphanumerics with inner apostrophes
/// (' or ’) and hyphens. Always on char boundaries.
pub(crate) fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let inner = (c == '\'' || c == '’' || c == '-')
            && start.is_some()
            && chars.get(k + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            if start.is_none() {
                start = Some(i);
            }
            last_end = i + c.len_utf8();
        } else if let Some(s) = start.take() {
            out.push((s, &text[s..last_end]));
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..last_end]));
    }
    out
}

/// Up to `n` lowercase words ending before byte `pos`, nearest first.
///
/// Only a window before `pos` is split into words, doubled until it holds more than `n` words
/// or reaches the start: the work is proportional to the words returned, not to `pos` (per
/// cue in a long sentence, splitting the whole head was quadratic). A word is decided by the
/// characters around it, so every word after the window's first is the same as in a full split.
pub(crate) fn words_before(text: &str, pos: usize, n: usize) -> Vec<String> {
    let head = text.get(..pos).unwrap_or("");
    let mut width = 64;
    loop {
        let from = floor_char_boundary(head, head.len().saturating_sub(width));
        let ws = words(&head[from..]);
        if ws.len() > n || from == 0 {
            return ws.iter().rev().take(n).map(|(_, w)| w.to_lowercase()).collect();
        }
        width *= 2;
    }
}

/// Up to `n` lowercase words starting at or after byte `pos`, in order (a growing window, as in
/// [`words_before`]: a word is complete once another follows it).
pub(crate) fn words_after(text: &str, pos: usize, n: usize) -> Vec<String> {
    let tail = text.get(pos..).unwrap_or("");
    let mut width = 64;
    loop {
        let to = ceil_char_boundary(tail, width.min(tail.len()));
        let ws = words(&tail[..to]);
        if ws.len() > n || to == tail.len() {
            return ws.iter().take(n).map(|(_, w)| w.to_lowercase()).collect();
        }
        width *= 2;
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

const MONTH_PREV: &[&str] = &[
    "in", "of", "since", "until", "by", "early", "late", "mid", "last", "next", "this", "from", "through", "on",
    "during", "before", "after", "till",
];

fn check_context(check: Check, text: &str, span: ByteSpan) -> Option<ByteSpan> {
    let matched = span.slice(text);
    let prev = words_before(text, span.start, 4);
    let next = words_after(text, span.end, 4);
    let prev1 = prev.first().map(String::as_str).unwrap_or("");
    let next1 = next.first().map(String::as_str).unwrap_or("");
    // Metalinguistic mention: Words such as "may," "could" …
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    if before.is_some_and(|c| matches!(c, '"' | '“' | '\'' | '‘'))
        && after.is_some_and(|c| matches!(c, '"' | '”' | ',' | '\'' | '’'))
    {
        return None;
    }
    let ok = match check {
        Check::Always => true,
        Check::Likely => !["more", "less", "most", "least", "as"].contains(&prev1),
        Check::Explored => {
            let big = ["millions", "thousands", "hundreds", "large", "many", "huge", "tens"];
            !(next1 == "in" && next.get(1).is_some_and(|w| big.contains(&w.as_str())))
        }
        Check::May => {
            let capital = matched.starts_with('M');
            let month = capital
                && (MONTH_PREV.contains(&prev1)
                    || next1.chars().next().is_some_and(|c| c.is_ascii_digit())
                    || prev1.chars().next().is_some_and(|c| c.is_ascii_digit()));
            // "you may take it with food", "patients may not drive": permission / deontic.
            let verb = if next1 == "not" || next1 == "also" || next1 == "then" || next1 == "still" {
                next.get(1).map(String::as_str).unwrap_or("")
            } else {
                next1
            };
            let subject_person = prev.iter().take(3).any(|w| crate::rules::PERMISSION_SUBJECTS.contains(w));
            let take_time = verb == "take"
                && next.iter().skip(1).any(|w| {
                    ["longer", "weeks", "months", "days", "time", "while", "several", "up", "hours", "years"]
                        .contains(&w.as_str())
                });
            let permission = subject_person && crate::rules::PERMISSION_VERBS.contains(verb) && !take_time;
            !month && !permission
        }
        Check::Could => {
            // Past ability: "I could finally walk", "she could not sleep".
            let pronoun = ["i", "we", "he", "she", "they", "you"].contains(&prev1)
                || (prev.len() >= 2
                    && ["i", "we", "he", "she", "they"].contains(&prev[1].as_str())
                    && ["finally", "still", "only", "barely", "hardly", "actually", "now", "even", "never"]
                        .contains(&prev1));
            let ability_next = [
                "not", "barely", "hardly", "finally", "actually", "now", "still", "only", "even", "never", "no",
                "see", "hear", "feel", "walk", "sleep", "eat", "breathe", "move", "stand", "think", "focus",
                "concentrate", "work", "get", "function", "do", "play", "run", "tell", "afford", "find",
            ];
            !(pronoun && ability_next.contains(&next1))
        }
        Check::Suggest => {
            // "suggested dose", "the dose my doctor suggested", "I usually suggest a trial".
            let personal = ["doctor", "doctors", "pharmacist", "gp", "i", "we", "nurse", "dietitian", "physician", "usually", "he", "she", "dermatologist"];
            let recommend = prev.iter().take(2).any(|w| personal.contains(&w.as_str())) && next1 != "that";
            let gerund = !matched.to_lowercase().ends_with("ing") && next1.len() > 4 && next1.ends_with("ing");
            let adjectival = matched.eq_ignore_ascii_case("suggested")
                && ["dose", "dosage", "use", "serving", "servings", "amount", "retail", "reading"].contains(&next1);
            !(recommend || adjectival || gerund)
        }
        Check::Possible => {
            let lower = matched.to_lowercase();
            if lower.starts_with("possibilit") {
                true
            } else {
                let as_possible = prev1 == "as" || prev1 == "if" || prev1 == "where" || prev1 == "whenever" || prev1 == "wherever";
                let possible_to = next1 == "to" || next1 == "for" && next.get(1).is_some_and(|w| w == "you" || w == "me");
                let best = prev1 == "best" || prev1 == "lowest" || prev1 == "highest" || prev1 == "every" || prev1 == "all";
                !(as_possible || possible_to || best)
            }
        }
        Check::Opinion => {
            // The two-word forms ("I think") already carry their subject.
            let lower = matched.to_lowercase();
            if lower.starts_with("i ") || lower.starts_with("we ") {
                true
            } else {
                let subjects = [
                    "i", "we", "experts", "researchers", "scientists", "doctors", "some", "others",
                    "they", "physicians", "clinicians", "investigators", "authors", "specialists", "pharmacists", "researcher", "scientist", "expert", "doctor",
                ];
                // Allow one adverb between subject and verb ("researchers now think").
                prev.iter().take(2).any(|w| subjects.contains(&w.as_str()))
            }
        }
    };
    ok.then_some(span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Sentence, SentenceKind};

    fn cues(text: &str) -> Vec<String> {
        let t = HedgeTagger::new().unwrap();
        t.find_cues(text).into_iter().map(|c| c.span.slice(text).to_string()).collect()
    }

    #[test]
    fn issue18_windowed_word_lookups_match_a_full_split() {
        let text = "Dr. O’Neil’s co-author — über-careful, 睡眠 — said it may help; well-known x-ray \
                    results don't-stop -here- '' naïve e\u{301}sketamine ".repeat(20);
        for pos in (0..=text.len()).filter(|&p| text.is_char_boundary(p)) {
            let lower = |ws: Vec<&(usize, &str)>| -> Vec<String> {
                ws.into_iter().map(|(_, w)| w.to_lowercase()).collect()
            };
            let full_before = lower(words(&text[..pos]).iter().rev().take(4).collect());
            let full_after = lower(words(&text[pos..]).iter().take(4).collect());
            assert_eq!(words_before(&text, pos, 4), full_before, "before {pos}");
            assert_eq!(words_after(&text, pos, 4), full_after, "after {pos}");
        }
    }

    #[test]
    fn cue_fixtures() {
        // (sentence, expected cue texts)
        let table: &[(&str, &[&str])] = &[
            ("Memantine may help reduce the intensity of headaches.", &["may"]),
            ("Clonidine might make you less alert.", &["might"]),
            ("An extended-release form could ease the stomach upset.", &["could"]),
            ("Zinc is thought to help slow the replication of viruses.", &["is thought to"]),
            ("It's believed that Memantine helps regulate glutamate.", &["It's believed that"]),
            ("Some small clinical studies found shorter colds.", &["Some small clinical studies"]),
            ("Memantine has been studied for its potential in treating migraines.", &["has been studied", "potential"]),
            ("It's also being researched for its use in cluster headaches.", &["It's also being researched"]),
            ("Research on memantine is ongoing, and the results are still emerging.", &["is ongoing", "still emerging"]),
            ("Others have had mixed findings.", &["mixed findings"]),
            ("It remains to be seen whether it works.", &["remains to be seen"]),
            ("It's unclear whether that's the drug.", &["It's unclear"]),
            ("Some researchers believe lithium may also protect brain cells.", &["believe", "may"]),
            ("I think it probably also helped.", &["I think", "probably"]),
            ("Preliminary studies hinted at its ability.", &["Preliminary", "hinted"]),
            ("Possible side effects", &["Possible"]),
            ("Tapering down slowly seems to help.", &["seems"]),
            ("Metformin appears to modestly improve insulin resistance.", &["appears to"]),
            ("Evidence suggests that dysregulation plays a role.", &["suggests"]),
            ("More research is needed.", &["More research is needed"]),
            ("Perhaps it is the placebo effect.", &["Perhaps"]),
            // Non-hedges.
            ("You may take it with food.", &[]),
            ("You may take the tablet at bedtime instead.", &[]),
            ("Patients may not drive after the first dose.", &[]),
            ("NORTHBRIDGE, May 20, 2025 — patients with gout.", &[]),
            ("The study ran in May 2024.", &[]),
            ("I could actually hear the music.", &[]),
            ("She could not walk for a week.", &[]),
            ("He couldn't sleep.", &[]),
            ("Metformin can cause stomach upset.", &[]),
            ("Metformin does not cause weight gain.", &[]),
            ("I took the dose my doctor suggested.", &[]),
            ("Call your doctor as soon as possible.", &[]),
            ("People think they can't get off the drug.", &[]),
            ("Serotonin is a neurotransmitter.", &[]),
        ];
        for (sent, want) in table {
            let got = cues(sent);
            assert_eq!(&got, want, "sentence: {sent}");
        }
    }

    #[test]
    fn some_people_may_take_longer_is_a_hedge() {
        assert_eq!(cues("Some people may take several weeks to respond."), vec!["may"]);
    }

    #[test]
    fn decision_combines_cues_and_model() {
        assert_eq!(hedge_decision(&[], None), (false, 0.0));
        let (h, s) = hedge_decision(&[0.9], None);
        assert!(h && (s - 0.9).abs() < 1e-6);
        let (h, s) = hedge_decision(&[0.5, 0.5], None);
        assert!(h && (s - 0.75).abs() < 1e-6);
        // A confident "not hedged" model pulls a weak rule below the threshold.
        let (h, _) = hedge_decision(&[0.6], Some(0.1));
        assert!(!h);
    }

    #[test]
    fn annotate_sets_sentences_and_doc_offsets() {
        let text = "Intro line. Memantine may help headaches. You may take it with food.";
        let mut doc = Doc::new("t", "t", text);
        for (s, e) in [(0, 11), (12, 41), (42, text.len())] {
            doc.sentences.push(Sentence::new(ByteSpan::new(s, e), SentenceKind::Prose));
        }
        HedgeTagger::new().unwrap().annotate(&mut doc).unwrap();
        assert_eq!(doc.hedges.len(), 1);
        assert_eq!(doc.hedges[0].span.slice(text), "may");
        assert_eq!(doc.hedges[0].sentence, 1);
        assert!(!doc.sentences[0].hedged && doc.sentences[1].hedged && !doc.sentences[2].hedged);
        assert!(doc.sentences[1].hedge_score > 0.8);
    }

    #[test]
    fn unicode_text_is_safe() {
        let text = "Ме́мантин 💊 may help — 头痛 might improve, ‏ربما‏ perhaps؟ İİİ may";
        let t = HedgeTagger::new().unwrap();
        for c in t.find_cues(text) {
            assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
        }
        assert_eq!(cues(text), vec!["may", "might", "perhaps", "may"]);
        // Words never split inside a multi-byte character.
        for (s, w) in words(text) {
            assert!(text.is_char_boundary(s) && text.is_char_boundary(s + w.len()));
        }
    }
}
