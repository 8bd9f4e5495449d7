//! Small text helpers for the quote finder: sentence-ish bounds, word scanning and
//! capitalisation tests, all on byte offsets that stay on char boundaries.
//!
//! Takes `&str` and byte positions; returns byte positions or spans. None of these panic on
//! arbitrary input: every position they return comes from `char_indices` or a regex match.

use crate::doc::ByteSpan;
use once_cell::sync::Lazy;
use regex::Regex;

/// Abbreviations whose trailing period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "sr", "jr", "vs", "etc", "no", "inc", "co", "ltd", "approx", "fig",
    "e.g", "i.e", "u.s", "u.k", "dept", "univ", "gen", "sen", "rep", "gov", "lt", "col", "capt", "mt", "ft", "al",
];

/// A word: letters/digits with inner apostrophes, hyphens and periods ("Dr.", "mum-of-two", "don't").
pub static WORD: Lazy<Regex> = Lazy::new(|| Regex::new(r"[\p{L}\p{N}][\p{L}\p{N}'’\-_]*\.?").unwrap());

/// Byte spans of sentence-like units of `text`: split at newlines and at `.`, `!`, `?` (with any
/// closing quotes) followed by whitespace, except after abbreviations and single initials.
pub fn sentence_spans(text: &str) -> Vec<ByteSpan> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c == '\n' {
            push_trimmed(text, start, pos, &mut out);
            start = pos + 1;
        } else if matches!(c, '.' | '!' | '?') {
            // extend over closing quotes/brackets
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '”' | '’' | '\'' | ')' | ']' | '»') {
                j += 1;
            }
            let next_ws = j >= chars.len() || chars[j].1.is_whitespace();
            if next_ws && !(c == '.' && is_abbreviation_before(text, pos)) {
                let end = if j < chars.len() { chars[j].0 } else { text.len() };
                push_trimmed(text, start, end, &mut out);
                start = end;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

/// Longest unit [`sentence_spans`] returns, in bytes (as `segment`'s hard cap): a longer run
/// without a sentence end is cut at its last space before the cap. The quote rules look at a
/// cue's whole unit, so an unbounded unit made them quadratic ("experts said, " × 8,000).
pub const MAX_UNIT: usize = 1000;

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<ByteSpan>) {
    if start >= end {
        return;
    }
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if t.is_empty() {
        return;
    }
    let (mut a, z) = (start + lead, start + lead + t.len());
    while z - a > MAX_UNIT {
        let window = &text[a..floor_boundary(text, a + MAX_UNIT)];
        let cut = match window.rfind(char::is_whitespace) {
            Some(i) if i > 0 => a + i,
            _ => a + window.len().max(text[a..].chars().next().map_or(1, char::len_utf8)),
        };
        let piece = text[a..cut].trim_end();
        out.push(ByteSpan::new(a, a + piece.len()));
        a = cut + (text[cut..z].len() - text[cut..z].trim_start().len());
    }
    if a < z {
        out.push(ByteSpan::new(a, z));
    }
}

/// Is the `.` at byte `dot` the end of an abbreviation or an initial ("Dr.", "e.g.", "R.")?
pub fn is_abbreviation_before(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    let mut cs = word.chars();
    let first = cs.next().unwrap_or(' ');
    // single capital initial: "R." / "Jen R."
    if word.chars().count() == 1 && first.is_uppercase() {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// The index in `sents` of the span containing `pos`, or the last one starting before it.
pub fn unit_at(sents: &[ByteSpan], pos: usize) -> Option<usize> {
    let i = sents.partition_point(|s| s.start <= pos);
    i.checked_sub(1)
}

/// How far [`paragraph_at`] looks either way for a blank line. Its callers need no more than
/// one unit ([`MAX_UNIT`]) or 250 bytes around a quotation, and a search to the paragraph's
/// real ends made every quotation in a long paragraph cost the whole paragraph.
const PARAGRAPH_REACH: usize = 4 * MAX_UNIT;

/// Paragraph bounds around `pos`: from after the previous blank line to the next one, at most
/// [`PARAGRAPH_REACH`] bytes away.
pub fn paragraph_at(text: &str, pos: usize) -> ByteSpan {
    let pos = floor_boundary(text, pos);
    let lo = floor_boundary(text, pos.saturating_sub(PARAGRAPH_REACH));
    let hi = floor_boundary(text, pos.saturating_add(PARAGRAPH_REACH).min(text.len()));
    let start = text[lo..pos].rfind("\n\n").map(|i| lo + i + 2).unwrap_or(lo);
    let end = text[pos..hi].find("\n\n").map(|i| pos + i).unwrap_or(hi);
    ByteSpan::new(start, end)
}

/// Trim whitespace (and, optionally, the given punctuation) from both ends of a span.
pub fn trim_span(text: &str, span: ByteSpan, punct: &[char]) -> ByteSpan {
    let s = span.slice(text);
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || punct.contains(&c));
    let start = span.start + (s.len() - t.len());
    let t2 = t.trim_end_matches(|c: char| c.is_whitespace() || punct.contains(&c));
    ByteSpan::new(start, start + t2.len())
}

/// Number of words in `s`.
pub fn word_count(s: &str) -> usize {
    WORD.find_iter(s).count()
}

/// Does the word start with an uppercase letter?
pub fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Words of `s` with their byte spans relative to `base`.
/// A trailing period stays on abbreviations and initials ("Dr.", "R.") and is dropped elsewhere.
pub fn words(s: &str, base: usize) -> Vec<(ByteSpan, &str)> {
    WORD.find_iter(s)
        .map(|m| {
            let w = m.as_str();
            let keep = match w.strip_suffix('.') {
                None => true,
                Some(stem) => {
                    let l = stem.to_lowercase();
                    ABBREVIATIONS.contains(&l.as_str()) || (stem.chars().count() == 1 && is_capitalised(stem))
                }
            };
            let w = if keep { w } else { &w[..w.len() - 1] };
            (ByteSpan::new(base + m.start(), base + m.start() + w.len()), w)
        })
        .collect()
}

/// Does the gap between two words break a clause? Commas inside numbers ("200,000") do not.
pub fn gap_breaks(text: &str, a_end: usize, b_start: usize) -> bool {
    let gap = &text[a_end..b_start];
    if gap == "," {
        let before = text[..a_end].chars().next_back();
        let after = text[b_start..].chars().next();
        if before.is_some_and(|c| c.is_ascii_digit()) && after.is_some_and(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    gap.chars().any(|c| {
        matches!(c, ',' | ';' | ':' | '—' | '–' | '(' | ')' | '[' | ']' | '"' | '“' | '”' | '?' | '!' | '\n' | '|' | '•' | '.')
    })
}

/// Is `w` (at byte `pos` of `text`) a proper noun rather than a common word capitalised at a
/// sentence start? Common words also occur in lowercase elsewhere in the text.
pub fn looks_proper(text: &str, w: &str, pos: usize) -> bool {
    if !is_capitalised(w) {
        return false;
    }
    let lw = w.to_lowercase();
    if matches!(lw.as_str(), "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday" | "i" | "i'm" | "i’m") {
        return false;
    }
    let at_start = text[..pos].trim_end().chars().next_back().is_none_or(|c| matches!(c, '.' | '!' | '?' | '\n' | '"' | '“' | '”' | ':' | '—' | '|' | '#' | '*' | '-'))
        || pos == 0;
    if !at_start {
        return true;
    }
    let lower = w.to_lowercase().replace('’', "'");
    const NOT_NAMES: &[&str] = &["i", "i'm", "i've", "i'd", "i'll", "it's", "we're", "you're", "they're", "one", "two",
        "three", "four", "five", "six", "seven", "eight", "nine", "ten", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "january", "february", "march", "april", "june", "july", "august",
        "september", "october", "november", "december", "yes", "no", "ok", "okay", "sure", "thanks", "update", "edit",
        "note", "tip", "fact", "myth", "verdict", "bottom", "related", "sources", "source", "re", "q", "a",
        // sentence-initial function words and adjectives ("For Renée Alvarado", "Chronic pain")
        "for", "in", "at", "as", "with", "by", "from", "after", "before", "when", "while", "meanwhile", "however",
        "but", "and", "so", "also", "still", "then", "now", "even", "further", "furthermore", "chronic",
        "clinical", "like", "during", "despite", "although", "though", "if", "because", "since", "unlike",
        "according"];
    if NOT_NAMES.contains(&lower.as_str()) {
        return false;
    }
    if lower.ends_with("ly") && lower.len() > 4 {
        return false; // sentence-initial adverbs: "Frequently", "Recently"
    }
    if w.chars().skip(1).any(|c| c.is_uppercase()) {
        return true; // acronyms and camel case
    }
    if written_after_a_first_name(text, w) {
        return true;
    }
    let re = format!(r"(?:^|[^\p{{L}}]){}(?:[^\p{{L}}]|$)", regex::escape(&lower));
    match Regex::new(&re) {
        Ok(r) => !r.is_match(text) && !lower.ends_with('s'),
        Err(_) => false,
    }
}

/// Whether the article writes `w` after a first name, an initial or a title ("Dr. Rhea
/// Castellanos … Castellanos notes that …"), not after a word that ends the sentence before.
fn written_after_a_first_name(text: &str, w: &str) -> bool {
    text.match_indices(w).any(|(p, _)| {
        let word_ends = text[p + w.len()..].chars().next().is_none_or(|c| !c.is_alphabetic());
        let before = text[..p].trim_end_matches([' ', '\t']);
        let spaced = before.len() < p;
        let prev = before.rsplit(|c: char| !(c.is_alphabetic() || c == '.')).next().unwrap_or("");
        let mut cs = prev.chars();
        let capital = cs.next().is_some_and(char::is_uppercase);
        let rest: Vec<char> = cs.collect();
        let first_name = !rest.is_empty() && rest.iter().all(|c| c.is_lowercase());
        let initial = rest == ['.'];
        let title = matches!(prev, "Dr." | "Prof." | "Mr." | "Mrs." | "Ms.");
        word_ends && spaced && capital && (first_name || initial || title)
    })
}

/// Floor `pos` to a char boundary of `text` (clamped to its length).
pub fn floor_boundary(text: &str, pos: usize) -> usize {
    let mut p = pos.min(text.len());
    while p > 0 && !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_skip_abbreviations_and_initials() {
        let t = "Dr. Ana Ruiz said so. Jen R. agreed! Next line\nNew";
        let s: Vec<&str> = sentence_spans(t).iter().map(|s| s.slice(t)).collect();
        assert_eq!(s, vec!["Dr. Ana Ruiz said so.", "Jen R. agreed!", "Next line", "New"]);
    }

    #[test]
    fn sentence_end_includes_closing_quote() {
        let t = "\"It works.\" She left.";
        let s: Vec<&str> = sentence_spans(t).iter().map(|s| s.slice(t)).collect();
        assert_eq!(s, vec!["\"It works.\"", "She left."]);
    }

    #[test]
    fn a_sentence_initial_surname_in_s_is_proper_after_its_full_name() {
        let proper = |t: &str| looks_proper(t, "Castellanos", t.rfind("Castellanos").unwrap());
        assert!(proper("Dr. Rhea Castellanos treats him. Castellanos notes that it helps."));
        assert!(proper("R. Castellanos treats him. Castellanos notes that it helps."));
        // the word ending the sentence before is no first name
        assert!(!proper("Ask at Mercy. Castellanos notes that it helps."));
        assert!(!proper("Castellanos notes that it helps."));
    }

    #[test]
    fn floor_boundary_respects_multibyte() {
        let t = "a😀b";
        assert_eq!(floor_boundary(t, 3), 1);
        assert_eq!(floor_boundary(t, 5), 5);
        assert_eq!(floor_boundary(t, 99), t.len());
    }
}
