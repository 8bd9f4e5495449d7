//! Attribution cues: speech and finding verbs ("said", "suggests", "found"), "according to",
//! and the speaker phrase next to them. Used both for reported speech ("experts say the drug
//! works") and to attribute direct quotations ("“…,” Ruiz said").
//!
//! Takes the article text plus a mask of quoted regions; returns [`Cue`]s with speaker span,
//! cue span and, for reported speech, the content span.

use super::text::{words, WORD};
use crate::doc::ByteSpan;
use crate::rules::SENTENCE_START_WORDS;
use once_cell::sync::Lazy;
use regex::Regex;

/// How a verb may be used as an attribution cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerbClass {
    /// Speech: "said", "told", "warned". Any speaker phrase, pronouns included.
    Speech,
    /// Findings and opinions: "show", "found", "believe". Not with a pronoun speaker.
    Finding,
    /// Nouns as often as verbs ("notes", "states", "adds"): only with a following "that".
    NeedsThat,
}

/// The class of a reporting verb form, from the lists in `models/lexicon/rules/`
/// (speech_verbs.txt, finding_verbs.txt, needs_that_verbs.txt; the first list holding it wins).
pub fn verb_class(w: &str) -> Option<VerbClass> {
    use crate::rules::{FINDING_VERBS, NEEDS_THAT_VERBS, SPEECH_VERBS};
    let l = w.trim_end_matches('.');
    if SPEECH_VERBS.contains(l) {
        Some(VerbClass::Speech)
    } else if FINDING_VERBS.contains(l) {
        Some(VerbClass::Finding)
    } else if NEEDS_THAT_VERBS.contains(l) {
        Some(VerbClass::NeedsThat)
    } else {
        None
    }
}

/// Words that end a speaker phrase when scanning backwards from the verb.
const STOP: &[&str] = &[
    "and", "but", "or", "nor", "while", "whereas", "although", "though", "because", "since", "as", "if", "when",
    "whenever", "after", "before", "until", "unless", "so", "yet", "that", "which", "where", "how", "why",
    "is", "are", "was", "were", "be", "been", "being", "there's", "it's", "here's", "what's", "what", "then",
    "however", "to", "whom", "who", "also", "not", "you", "i", "we", "it", "let's", "lets", "i'd", "we'd",
    "needless", "they", "them", "me", "us", "there", "here", "can", "could", "would", "will", "should", "might",
    "may", "must", "do", "does", "did", "have", "has", "had", "about", "into", "just", "way",
    "reason", "fact",
];

/// Adverbs and auxiliaries between a speaker and its verb ("have consistently found").
const SKIP_BETWEEN: &[&str] = &[
    "have", "has", "had", "also", "consistently", "previously", "now", "recently", "once", "repeatedly",
    "generally", "often", "all", "both", "long", "even", "increasingly", "widely", "still", "already", "actually",
    "reportedly", "clearly", "firmly", "strongly", "mostly", "largely", "further", "ever", "too", "not", "never",
    "do", "does", "did", "don't", "doesn't", "didn't", "haven't", "hasn't", "usually", "typically", "sometimes",
    "seem", "seems", "later",
    "first", "since", "then", "themselves", "overwhelmingly", "broadly", "largely", "only", "just", "really",
    "tend", "tends", "keep", "keeps", "kept",
];

/// Modal verbs between speaker and verb make the cue hypothetical.
const MODALS: &[&str] = &["will", "would", "may", "might", "could", "can", "should", "must", "shall", "to"];

/// Pronouns that may stand for a speaker of a speech verb.
pub const PRONOUNS: &[&str] = &["he", "she", "He", "She"];

/// The speaker phrase ending right before `verb_start`, inside `[floor, verb_start)`.
/// Handles appositives: "Dr. Ana Ruiz, a neurologist at Mayo Clinic, said".
pub fn speaker_before(text: &str, floor: usize, verb_start: usize) -> Option<ByteSpan> {
    // "A big UK trial (SAFA, published in the BMJ in 2023) found": keep the parenthesis
    let lead = text[floor..verb_start].trim_end();
    if lead.ends_with(')') {
        let close = floor + lead.len();
        let open = floor + lead.rfind('(')?;
        let np = np_before(text, floor, open)?;
        return Some(ByteSpan::new(np.start, close));
    }
    let seg = &text[floor..verb_start];
    let ws = words(seg, floor);
    let mut k = ws.len();
    // skip adverbs/auxiliaries directly before the verb (no punctuation between)
    while k > 0 {
        let (sp, w) = ws[k - 1];
        let gap_end = if k < ws.len() { ws[k].0.start } else { verb_start };
        if super::text::gap_breaks(text, sp.end, gap_end) && !text[sp.end..gap_end].trim_start().starts_with(',') {
            return None;
        }
        if super::text::gap_breaks(text, sp.end, gap_end) {
            break;
        }
        let lw = w.to_lowercase();
        // "most dentists will tell you that …" and "as doctors like to say" report a habit
        let habit = (lw == "will" && text[verb_start..].starts_with("tell you"))
            || (lw == "to" && k >= 2 && matches!(ws[k - 2].1.to_lowercase().as_str(), "like" | "likes" | "love" | "loves"));
        if habit {
            k -= if lw == "to" { 2 } else { 1 };
            continue;
        }
        if MODALS.contains(&lw.as_str()) {
            return None; // "your doctor will explain", "a clinician may recommend": not a report
        }
        if SKIP_BETWEEN.contains(&lw.as_str()) || (lw.ends_with("ly") && lw.len() > 4 && k > 1) {
            k -= 1;
        } else {
            break;
        }
    }
    if k == 0 {
        return None;
    }
    let end_word = ws[k - 1].0;
    let gap = &text[end_word.end..if k < ws.len() { ws[k].0.start } else { verb_start }];
    if gap.contains(['"', '“', '”', '’', '\'']) {
        return None; // “…,” said X: the comma belongs to the quotation
    }
    if gap.trim_start().starts_with(',') {
        // appositive: "<Name>, <appositive>, said"
        let app_end = end_word.end;
        let seg2 = &text[floor..app_end];
        let comma = seg2.rfind(',')?;
        let comma_abs = floor + comma;
        // allow "Name, RN, lead nurse for X," : take up to two commas back while the part before is short
        let mut name_end = comma_abs;
        let mut name = np_before(text, floor, name_end);
        if name.is_none() || name.is_some_and(|n| !starts_capitalised(n.slice(text)) && !super::source::is_known_head(&super::source::head_word(n.slice(text)))) {
            if let Some(c2) = text[floor..comma_abs].rfind(',') {
                name_end = floor + c2;
                name = np_before(text, floor, name_end);
            }
        }
        let name = name?;
        let ns = name.slice(text);
        if !starts_capitalised(ns) && !super::source::is_known_head(&super::source::head_word(ns)) && super::source::find_org(ns).is_none() {
            return None;
        }
        return Some(ByteSpan::new(name.start, app_end));
    }
    np_before(text, floor, end_word.end)
}

fn starts_capitalised(s: &str) -> bool {
    let first = s.split_whitespace().next().unwrap_or("");
    first.chars().next().is_some_and(|c| c.is_uppercase())
        && !matches!(first, "A" | "An" | "The" | "Some" | "Many" | "One" | "Several" | "Most" | "Other" | "Others")
}

/// Collect a noun phrase backwards from `end` (exclusive) to a clause break or stop word.
pub fn np_before(text: &str, floor: usize, end: usize) -> Option<ByteSpan> {
    let ws = words(&text[floor..end], floor);
    let mut start = None;
    let mut n = 0;
    for k in (0..ws.len()).rev() {
        let (sp, w) = ws[k];
        let gap_end = if k + 1 < ws.len() { ws[k + 1].0.start } else { end };
        if super::text::gap_breaks(text, sp.end, gap_end) {
            break;
        }
        let lw = w.to_lowercase();
        let lw = lw.trim_end_matches('.').replace('’', "'");
        let joins_names = (lw == "and" || lw == "&")
            && k > 0
            && start.is_some()
            && super::text::is_capitalised(ws[k - 1].1)
            && k + 1 < ws.len()
            && super::text::is_capitalised(ws[k + 1].1);
        if STOP.contains(&lw.as_str()) && !joins_names {
            // a relative clause inside the speaker phrase: "a 2018 study … that followed …"
            if matches!(lw.as_str(), "that" | "which" | "who") && start.is_some() {
                if let Some(np) = np_before(text, floor, sp.start) {
                    if super::source::is_known_head(&super::source::head_word(np.slice(text)))
                        || super::source::find_org(np.slice(text)).is_some()
                    {
                        start = Some(np.start);
                    }
                }
            }
            break;
        }
        start = Some(sp.start);
        n += 1;
        if n > 16 {
            return None;
        }
    }
    let s = start?;
    let span = super::text::trim_span(text, ByteSpan::new(s, end), &[',', '.']);
    (!span.is_empty()).then_some(span)
}

/// The subject that opens a sentence, when it is easy to see: a name ("Kayleigh"), or up to
/// three words ending in a known speaker head ("my sister", "A mom in my group").
fn sentence_subject(text: &str, sent: ByteSpan) -> Option<ByteSpan> {
    let ws = words(sent.slice(text), sent.start);
    let first = ws.first()?;
    if super::text::looks_proper(text, first.1, first.0.start) {
        let mut k = 0;
        while k + 1 < ws.len() && super::text::is_capitalised(ws[k + 1].1) && !super::text::gap_breaks(text, ws[k].0.end, ws[k + 1].0.start) {
            k += 1;
        }
        return Some(ByteSpan::new(first.0.start, ws[k].0.end));
    }
    for k in 0..ws.len().min(3) {
        if k > 0 && super::text::gap_breaks(text, ws[k - 1].0.end, ws[k].0.start) {
            return None;
        }
        if super::source::is_known_head(&ws[k].1.to_lowercase()) {
            return Some(ByteSpan::new(first.0.start, ws[k].0.end));
        }
    }
    None
}

/// Speaker phrase after an inverted verb: "said Dr. Ana Ruiz, a neurologist at Mayo Clinic."
pub fn speaker_after(text: &str, start: usize, limit: usize) -> Option<ByteSpan> {
    let rest = &text[start..limit];
    let lead = rest.len() - rest.trim_start().len();
    let body = &rest[lead..];
    // up to sentence end (period not after an abbreviation/initial) or a quote mark
    let mut end = body.len();
    for (i, c) in body.char_indices() {
        if matches!(c, '"' | '“' | '”' | '\n' | ';' | '!' | '?') {
            end = i;
            break;
        }
        if c == '.' {
            let after = body[i + 1..].chars().next();
            if after.is_none_or(|a| a.is_whitespace()) && !super::text::is_abbreviation_before(body, i) {
                end = i;
                break;
            }
        }
    }
    let span = super::text::trim_span(text, ByteSpan::new(start + lead, start + lead + end), &[',', '.', ' ']);
    let first = WORD.find(span.slice(text))?;
    let fw = first.as_str();
    let ok = fw.chars().next().is_some_and(|c| c.is_uppercase())
        || matches!(fw.to_lowercase().as_str(), "the" | "a" | "an" | "one" | "his" | "her" | "my" | "our")
        || WORD.find_iter(span.slice(text)).take(4).any(|w| w.as_str().chars().next().is_some_and(|c| c.is_uppercase()));
    (ok && !span.is_empty()).then_some(span)
}

static ACCORDING: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"\b(?:[Aa]ccording\s+to|[Pp]er)\b(?:\s+(?:the\s+)?\p{Lu})?").unwrap());
static CUE_WORD: Lazy<Regex> = Lazy::new(|| Regex::new(r"\b\p{L}+\b").unwrap());

/// A reported-speech cue found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub speaker: ByteSpan,
    pub cue: ByteSpan,
    pub content: ByteSpan,
}

/// Reported speech in `text`. `sentences` are sentence-like units; `masked(pos)` says whether a
/// byte lies inside a direct quotation (cues there belong to the quote, not to the article).
pub fn find_reported(text: &str, sentences: &[ByteSpan], masked: &dyn Fn(usize) -> bool) -> Vec<Cue> {
    let mut out = Vec::new();
    for sent in sentences {
        let s = sent.slice(text);
        if is_title_case(s) {
            continue; // headlines: "Experts Reveal the Truth About …"
        }
        let mut found: Vec<Cue> = Vec::new();
        // "according to X"
        for m in ACCORDING.find_iter(s) {
            let ms = m.as_str();
            let is_per = ms.to_lowercase().starts_with("per");
            if is_per && !ms.chars().last().is_some_and(|c| c.is_uppercase()) {
                continue; // "per day"
            }
            let cue_len = if is_per { 3 } else { ms.find(" to").map(|i| i + 3).unwrap_or(ms.len()) };
            let cue = ByteSpan::new(sent.start + m.start(), sent.start + m.start() + cue_len);
            if masked(cue.start) {
                continue;
            }
            let after = &text[cue.end..sent.end];
            let mut x_end = after.find([',', ';', '—']).map(|i| cue.end + i);
            let mut sp_end = x_end.unwrap_or(sent.end);
            // "according to the manufacturer, Pfizer, …": a name in apposition to a common noun
            // belongs to the source
            if let Some(xe) = x_end.filter(|&xe| text[xe..].starts_with(',')) {
                let head_lower = text[cue.end..xe].split_whitespace().last().is_some_and(|w| w.starts_with(char::is_lowercase));
                let rest = &text[xe + 1..sent.end];
                let stop = rest.find([',', ';', '—']);
                let app = rest[..stop.unwrap_or(rest.len())].trim().trim_end_matches(['.', '!', '?']);
                let ws: Vec<&str> = app.split_whitespace().collect();
                let ws = if ws.first() == Some(&"the") { &ws[1..] } else { &ws[..] };
                if head_lower && !ws.is_empty() && ws.len() <= 4 && ws.iter().all(|w| w.starts_with(char::is_uppercase)) {
                    x_end = stop.map(|k| xe + 1 + k);
                    sp_end = x_end.unwrap_or(sent.end);
                }
            }
            let speaker = super::text::trim_span(text, ByteSpan::new(cue.end, sp_end), &[',', '.', ' ']);
            if speaker.is_empty() {
                continue;
            }
            let before = super::text::trim_span(text, ByteSpan::new(sent.start, cue.start), &[',', ' ', '—']);
            let after_words = x_end.map(|xe| word_count(&text[xe..sent.end])).unwrap_or(0);
            // past the delimiter at `xe` (',' ';' or the three-byte '—')
            let past = |xe: usize| xe + text[xe..].chars().next().map_or(0, char::len_utf8);
            let content = if let Some(xe) = x_end.filter(|_| before.is_empty() || after_words >= 3 || before.slice(text).eq_ignore_ascii_case("also")) {
                super::text::trim_span(text, ByteSpan::new(past(xe), sent.end), &['.', ' ', ','])
            } else if !before.is_empty() && word_count(before.slice(text)) >= 3 {
                before
            } else if let Some(xe) = x_end {
                super::text::trim_span(text, ByteSpan::new(past(xe), sent.end), &['.', ' ', ','])
            } else {
                continue;
            };
            if word_count(content.slice(text)) >= 2 {
                found.push(Cue { speaker, cue, content });
            }
        }
        // "<speaker> <verb> (that) <content>" and "<content>, <speaker> said."
        for m in CUE_WORD.find_iter(s) {
            let Some(class) = verb_class(m.as_str()) else { continue };
            let cue = ByteSpan::new(sent.start + m.start(), sent.start + m.end());
            if masked(cue.start) || found.iter().any(|f| f.cue.overlaps(cue) || f.speaker.contains(cue)) {
                continue;
            }
            if let Some(c) = cue_at(text, *sent, cue, class) {
                if masked(c.speaker.start) || masked(c.speaker.end.saturating_sub(1)) {
                    continue;
                }
                if found.iter().any(|f| f.content.start == c.content.start) {
                    continue;
                }
                if !masked(c.content.start) || !masked(c.content.end.saturating_sub(1)) {
                    found.push(c);
                }
            }
        }
        found.sort_by_key(|c| c.content.start);
        // a cue whose speaker opens another cue's content belongs to that content
        let nested: Vec<usize> = (0..found.len())
            .filter(|&j| found.iter().enumerate().any(|(i, c)| i != j && found[j].speaker.start >= c.content.start && found[j].speaker.start <= c.content.start + 2 && found[j].cue.start > c.cue.end))
            .collect();
        let found: Vec<Cue> = found.into_iter().enumerate().filter(|(j, _)| !nested.contains(j)).map(|(_, c)| c).collect();
        // a content runs at most to the next cue's speaker
        let n = found.len();
        for i in 0..n {
            let c = &found[i];
            let mut end = c.content.end;
            for o in &found {
                if o.speaker.start > c.content.start && o.speaker.start < end {
                    end = o.speaker.start;
                }
                if o.cue.start > c.content.start && o.cue.start < end {
                    end = end.min(o.speaker.start.min(o.cue.start));
                }
            }
            let content = super::text::trim_span(text, ByteSpan::new(c.content.start, end.max(c.content.start)), &[',', ' ', ';', '—']);
            let content = strip_trailing_conj(text, content);
            if word_count(content.slice(text)) >= 2 {
                out.push(Cue { speaker: c.speaker, cue: c.cue, content });
            }
        }
    }
    out
}

/// A headline in title case: most words (of four or more) capitalised.
pub fn is_title_case(s: &str) -> bool {
    let ws: Vec<&str> = WORD.find_iter(s).map(|m| m.as_str()).filter(|w| w.chars().next().is_some_and(|c| c.is_alphabetic())).collect();
    if ws.len() < 4 {
        return false;
    }
    let small = ["a", "an", "the", "of", "and", "or", "for", "to", "in", "on", "at", "by", "with", "about", "vs"];
    let content: Vec<&&str> = ws.iter().filter(|w| !small.contains(&w.to_lowercase().as_str())).collect();
    let caps = content.iter().filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase())).count();
    !content.is_empty() && caps * 10 >= content.len() * 8
}

fn strip_trailing_conj(text: &str, span: ByteSpan) -> ByteSpan {
    let s = span.slice(text);
    for tail in [", and", ", but", " and", " but", ", while", ", though"] {
        if let Some(stripped) = s.strip_suffix(tail) {
            return super::text::trim_span(text, ByteSpan::new(span.start, span.start + stripped.len()), &[',', ' ']);
        }
    }
    span
}

fn word_count(s: &str) -> usize {
    WORD.find_iter(s).count()
}

/// Prepositions that cannot start reported content ("argue about why", "swear by it").
const NOT_CONTENT_START: &[&str] = &["about", "over", "with", "for", "on", "in", "by", "to", "at", "from", "of", "into", "up", "out", "off", "as", "so", "something", "anything", "nothing", "otherwise"];

/// Try to read a cue around the verb at `cue` inside sentence `sent`.
fn cue_at(text: &str, sent: ByteSpan, cue: ByteSpan, class: VerbClass) -> Option<Cue> {
    let verb = cue.slice(text).to_lowercase();
    let after_full = &text[cue.end..sent.end];
    let after = after_full.trim_start();
    let after_off = cue.end + (after_full.len() - after.len());
    // guards: "let's say", "needless to say", "to say", "I'd say"
    let before_lc = text[sent.start..cue.start].to_lowercase().replace('’', "'");
    let bt = before_lc.trim_end();
    let habit = ["like to", "likes to", "love to", "loves to"].iter().any(|h| bt.ends_with(h));
    if bt.ends_with("let's") || bt.ends_with("lets") || ((bt.ends_with(" to") || bt == "to") && !habit) || bt.ends_with("'d") {
        return None;
    }
    if bt.ends_with("not all") || bt.ends_with("not every") {
        return None;
    }
    // after a determiner the word is a noun: "the recall is voluntary", "her claims"
    const DETERMINERS: &[&str] = &["the", "a", "an", "this", "these", "those", "its", "his", "her", "their", "our", "my", "your"];
    if bt.rsplit(|c: char| !c.is_alphanumeric()).next().is_some_and(|w| DETERMINERS.contains(&w)) {
        return None;
    }
    let al = after.to_lowercase();
    let mut skip: usize = 0;
    let skip_words: &[&str] = match verb.as_str() {
        "point" | "points" | "pointed" => &["fingers at ", "fingers to ", "to ", "at ", "out that ", "out "],
        "hint" | "hints" | "hinted" => &["at ", "that "],
        "tell" | "tells" => &["us that ", "me that ", "you that ", "them that ", "patients that ", "me ", "us ", "you "],
        "wrote" | "writes" | "write" => &["to us that ", "to me that ", "in to say that ", "that "],
        "told" => &["us that ", "me that ", "us: ", "me: ", "us, ", "me, ", "us ", "me ", "him ", "her ", "them ", "reporters ", "how ", "patients that "],
        "reveals" | "revealed" | "reveal" => &["how ", "that "],
        _ => &["that "],
    };
    for sw in skip_words {
        if al.starts_with(sw) {
            skip = sw.len();
            break;
        }
    }
    // "told CelebWellness that …", "told Reuters that …"
    if skip == 0 && matches!(verb.as_str(), "told" | "tell" | "tells") {
        if let Some(k) = al.find(" that ").filter(|k| *k < 40 && after[..*k].split_whitespace().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))) {
            skip = k + " that ".len();
        }
    }
    if matches!(verb.as_str(), "point" | "points" | "pointed" | "tell" | "tells") && skip == 0 {
        return None;
    }
    // "called the results “promising”": only with a quoted verdict and a real speaker
    if verb == "called" && !text[cue.end..sent.end].contains(['"', '“']) {
        return None;
    }
    // "Experts agree: if you …"
    if skip == 0 && al.starts_with(':') && !al[1..].trim_start().starts_with(['"', '“', '‘', '\'']) {
        skip = 1 + (al[1..].len() - al[1..].trim_start().len());
    }
    // "has shown, again and again, that …"
    if skip == 0 && al.starts_with(',') {
        if let Some(k) = al.find(", that ").filter(|k| *k < 40) {
            skip = k + ", that ".len();
        }
    }
    // "said in a statement that …", "says on his podcast that …", "emailed us that …": a short
    // phrase of place, time or addressee before "that"
    if skip == 0 {
        if let Some(k) = al.find(" that ").filter(|&k| k <= 48) {
            let ws: Vec<&str> = al[..k].split_whitespace().collect();
            const LEADS: &[&str] = &["in", "on", "at", "during", "via", "through", "over", "to", "earlier", "later",
                "last", "this", "yesterday", "today", "recently", "us", "me", "him", "her", "them", "you", "monday",
                "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
            let plain = !al[..k].contains([',', '"', '“', '”', ':', ';', '(']);
            if plain && (1..=6).contains(&ws.len()) && LEADS.contains(&ws[0]) {
                skip = k + " that ".len();
            }
        }
    }
    let with_that = skip > 0 && al[..skip].contains("that");
    let past_tense = matches!(verb.as_str(), "noted" | "stated" | "reported");
    // "<content>, Odum added.": at the end of the sentence after a comma the verb can only report
    let trailing = {
        let r = text[after_off..sent.end].trim_end().trim_end_matches(['.', '!', '?', '"', '”', '’']).trim();
        r.is_empty() && text[sent.start..cue.start].contains(',')
    };
    if class == VerbClass::NeedsThat && !with_that && !past_tense && !trailing {
        return None;
    }
    let content_start = after_off + skip;
    let rest = text[content_start..sent.end].trim_end();
    let rest_trim = rest.trim_end_matches(['.', '!', '?', '"', '”', '’']).trim();
    let speaker = speaker_before(text, sent.start, cue.start).or_else(|| {
        // "my sister took it and said …": the sentence's subject speaks
        let prev = text[sent.start..cue.start].trim_end();
        (class == VerbClass::Speech && (prev.ends_with(" and") || prev == "and")).then(|| sentence_subject(text, sent)).flatten()
    });
    let speaker_ok = |sp: ByteSpan| {
        let st = sp.slice(text);
        (PRONOUNS.contains(&st.trim()) && class != VerbClass::Finding) || acceptable_speaker(text, sp, class)
    };
    // "<content>, finds a new study in JAMA": the source follows the verb
    let inverted_finding = matches!(verb.as_str(), "finds" | "reveals" | "suggests" | "shows" | "concludes" | "reports" | "warns" | "says");
    if inverted_finding && text[sent.start..cue.start].trim_end().ends_with(',') {
        if let Some(sp) = speaker_after(text, cue.end, sent.end) {
            let st = sp.slice(text);
            let head = super::source::head_word(st);
            if super::source::is_known_head(&head) || super::source::find_org(st).is_some() {
                let comma = text[sent.start..cue.start].rfind(',')? + sent.start;
                let content = super::text::trim_span(text, ByteSpan::new(sent.start, comma), &[' ', ',']);
                if !content.slice(text).contains(['"', '“', '”']) && word_count(content.slice(text)) >= 3 {
                    return Some(Cue { speaker: sp, cue, content });
                }
            }
        }
    }
    // 1. "<speaker> <verb> (that) <content>"
    let first_word = rest_trim.split_whitespace().next().unwrap_or("").to_lowercase();
    let content_ok = !rest_trim.is_empty()
        && !rest.starts_with(['"', '“', ':', ',', '‘', '\'', '(', '—', '–', ';', ')', '”'])
        && (with_that || !NOT_CONTENT_START.contains(&first_word.trim_matches(|c: char| !c.is_alphanumeric())))
        && !rest_trim.contains('|');
    if let Some(sp) = speaker.filter(|sp| speaker_ok(*sp)) {
        let pre = text[sent.start..sp.start].to_lowercase();
        let pre_last = pre.trim_end().rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        let pronoun = PRONOUNS.contains(&sp.slice(text).trim());
        if matches!(pre_last, "not" | "no")
            || (pronoun && matches!(pre_last, "where" | "when" | "what" | "how" | "why" | "whether" | "if"))
        {
            return None; // "Not all studies have shown …", "where she said it"
        }
        if content_ok {
            let mut cs = content_start;
            for lead in ["was that ", "is that ", "were that ", "are that "] {
                if text[cs..].starts_with(lead) {
                    cs += lead.len();
                }
            }
            let content_start = cs;
            let rest = text[content_start..sent.end].trim_end();
            let content = super::text::trim_span(text, ByteSpan::new(content_start, content_start + rest.len()), &['.', ' ']);
            if word_count(content.slice(text)) >= 2 {
                return Some(Cue { speaker: sp, cue, content });
            }
        }
        // "As doctors like to say, <content>" and "Meanwhile, he said, <content>": the words
        // after the comma are reported
        let opener = pre.trim().trim_end_matches(',').trim();
        let short_opener = opener == "as" || (pre.trim_end().ends_with(',') && word_count(opener) <= 2 && !opener.is_empty());
        if short_opener && rest_trim.starts_with(',') && skip == 0 && matches!(class, VerbClass::Speech | VerbClass::Finding) {
            let from = text[cue.end..sent.end].find(',').map(|i| cue.end + i + 1)?;
            let content = super::text::trim_span(text, ByteSpan::new(from, sent.end), &['.', ' ', ',']);
            let first = content.slice(text).split_whitespace().next().unwrap_or("").to_lowercase();
            if word_count(content.slice(text)) >= 3 && !content.slice(text).contains(['"', '“', '”']) && !NOT_CONTENT_START.contains(&first.as_str()) {
                return Some(Cue { speaker: sp, cue, content });
            }
        }
        // 2. "<content>, Oyelaran said."
        let clause_ends = rest_trim.is_empty() || (rest_trim.starts_with(',') && class == VerbClass::Speech && skip == 0);
        if clause_ends && text[sent.start..sp.start].trim_end().ends_with(',') {
            let comma = text[sent.start..sp.start].rfind(',')? + sent.start;
            let content = super::text::trim_span(text, ByteSpan::new(sent.start, comma), &[' ', ',']);
            if content.slice(text).contains(['"', '“', '”']) || word_count(content.slice(text)) < 3 {
                return None;
            }
            return Some(Cue { speaker: sp, cue, content });
        }
        return None;
    }
    // 3. "<content>, said Dr. X, a …" / "<content>, finds a new study in JAMA"
    if (class == VerbClass::Speech || inverted_finding) && text[sent.start..cue.start].trim_end().ends_with(',') {
        if let Some(sp) = speaker_after(text, cue.end, sent.end) {
            if !acceptable_speaker(text, sp, class) {
                return None;
            }
            let comma = text[sent.start..cue.start].rfind(',')? + sent.start;
            let content = super::text::trim_span(text, ByteSpan::new(sent.start, comma), &[' ', ',']);
            if content.slice(text).contains(['"', '“', '”']) || word_count(content.slice(text)) < 3 {
                return None;
            }
            return Some(Cue { speaker: sp, cue, content });
        }
    }
    None
}

/// Is this phrase something that can speak or report, for a verb of this class? `sp` is a
/// span of `text` (needed to tell proper nouns from sentence-initial capitals).
pub fn acceptable_speaker(text: &str, sp: ByteSpan, class: VerbClass) -> bool {
    let s = sp.slice(text);
    if s.trim().is_empty() || s.contains('|') {
        return false;
    }
    let ws = words(s, sp.start);
    let Some(last) = ws.last() else { return false };
    if PRONOUNS.contains(&last.1) && ws.len() == 1 {
        return class != VerbClass::Finding;
    }
    let head = super::source::head_word(s);
    if super::source::is_known_head(&head) || super::source::is_document_head(&head) {
        return true;
    }
    if super::source::find_org(s).is_some() {
        return true;
    }
    // "My dermatologist, Dr. Helena Moore at …": the head before the appositive, or a titled name
    if let Some(i) = s.find(',') {
        if super::source::is_known_head(&super::source::head_word(&s[..i])) {
            return true;
        }
    }
    if super::source::person_name(s).is_some_and(|(_, titled)| titled) {
        return true;
    }
    // a proper name: some capitalised word that is not just sentence-initial
    let cut = s.find(',').map(|i| sp.start + i).unwrap_or(sp.end);
    ws.iter().filter(|(w, _)| w.end <= cut).any(|(w, word)| {
        super::text::looks_proper(text, word, w.start) && !is_generic_cap_phrase(&[word])
    })
}

/// A capitalised phrase that is only capitalised because it starts a sentence ("The results").
fn is_generic_cap_phrase(ws: &[&str]) -> bool {
    if ws.len() == 1 {
        return SENTENCE_START_WORDS.contains(ws[0]);
    }
    let caps: Vec<&&str> = ws.iter().filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase())).collect();
    caps.len() == 1 && caps[0] == &ws[0] && SENTENCE_START_WORDS.contains(ws[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker(t: &str, verb: &str) -> Option<String> {
        let v = t.find(verb).unwrap();
        speaker_before(t, 0, v).map(|s| s.slice(t).to_string())
    }

    #[test]
    fn speaker_phrases() {
        assert_eq!(speaker("Some experts think it helps.", "think").as_deref(), Some("Some experts"));
        assert_eq!(speaker("Large studies have consistently linked it.", "linked").as_deref(), Some("Large studies"));
        assert_eq!(
            speaker("Dr. Ana Ruiz, a neurologist at Mayo Clinic, said it helps.", "said").as_deref(),
            Some("Dr. Ana Ruiz, a neurologist at Mayo Clinic")
        );
        assert_eq!(speaker("Interest surged after preliminary studies hinted at it.", "hinted").as_deref(), Some("preliminary studies"));
        assert_eq!(speaker("Let's say it works.", "say"), None);
        assert_eq!(speaker("Tech advancements play a crucial role—think wearables.", "think"), None);
    }

    #[test]
    fn acceptable_speakers() {
        let ok = |s: &str| acceptable_speaker(s, ByteSpan::new(0, s.len()), VerbClass::Finding);
        assert!(ok("experts"));
        assert!(ok("the FDA"));
        assert!(!ok("The"));
        assert!(!ok("the weather"));
        assert!(!ok("the doctor's role"));
    }
}
