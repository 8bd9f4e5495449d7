//! Cleaned text → sentence units: byte spans into the text, sorted, disjoint, non-empty and
//! trimmed of surrounding whitespace, each with a [`SentenceKind`] (prose, heading, bullet).
//! Every letter or digit of the text lies inside some unit; stretches with no letter or digit
//! (rules like `---`, stray `* * *`, emoji-only lines) may be left out.
//!
//! Two passes, both linear in the text and allocation-free per character:
//!
//! 1. **Lines → blocks.** The text is cut into lines (`\n`, `\r\n`, `\r`, U+2028, U+0085, VT, FF;
//!    U+2029 counts as a blank line). A line is a bullet (`* `, `- `, `+ `, `• `, `1. `, `1) `,
//!    `(a) `, … after optional indentation), a markdown heading (`# `), a bold heading (a line
//!    that is only `**…**`, up to 15 words, no sentence break), a table row (a tab, or two or
//!    more `|`), a rule (no letter or digit) or text. A text line is joined to the line before it
//!    (a hard-wrapped paragraph) when the line before ends with a continuation mark (`,` `;` `-`
//!    `–` `(` `/` `&`); when it ends with a dangling function word ("of", "the", "and", …) and is
//!    long or the next line starts in lowercase; when the next line starts in lowercase and the
//!    line before is long (≥ 40 bytes) or itself a wrapped continuation; when the line before
//!    ends with a title or a mid-sentence abbreviation ("Dr.", "e.g."); or when the next line is
//!    indented under a bullet. Otherwise a newline ends the unit, so lines without final
//!    punctuation never run into the next line. Headings, table rows, rules, short lines ending
//!    in `:` and metadata lines (parts separated by ` · `, ` • `, ` | `, ` › `, ` > `) are never
//!    joined to what follows.
//! 2. **Blocks → sentences.** A bullet block gives units of kind [`SentenceKind::Bullet`] (all of
//!    its sentences, not only the first: the kind names the container a sentence sits in, and the
//!    first one is the one that starts with the marker). Markdown and bold headings are one
//!    [`SentenceKind::Heading`] unit each. A single text line is a heading when it is short
//!    (≤ 15 words, ≤ 120 bytes), does not start in lowercase, holds no sentence break and no
//!    quoted sentence, and either ends in `:` (≤ 10 words), or has no final punctuation, or is a
//!    Title-Case question, and is followed by a blank line, a bullet, a rule, the end of the
//!    text or a longer line (colon lines need no such follower). Everything else is prose,
//!    split at `.` `!` `?` `…` (and CJK `。！？`) runs followed by whitespace, after any closing
//!    quotes or brackets (`he said." Next` splits after the quote, and so does `works. " Next`
//!    with a lone straight quote; a closing quote never starts a unit). A `.` does not split
//!    after titles (Dr., Mrs., Prof., St., but not the acronym "MS."), after mid-sentence abbreviations (e.g., i.e., vs., approx., cf.), after
//!    Fig./No./Vol./p. before a number, after a one-letter label opening the sentence ("Q."), and
//!    after possibly-final abbreviations (etc., Inc., Ltd., U.S., a.m., Ph.D., Jan., initials
//!    like "J. K.") unless a common sentence starter ("The", "It", "We", …) follows. Before a
//!    lowercase word it splits only after a plain word that is no known abbreviation and with no
//!    closing quote in between (informal "worked. thanks all" splits, `"Stop." he said` does not).
//!    Decimals, versions, URLs, e-mails and DOIs never split because no whitespace follows their
//!    dots. `?` and `!` split unless a lowercase word follows; ellipses split only before a
//!    capitalised word. Run-together text is split where a full stop touches a capitalised word
//!    (`relief.The`) and where a lowercase word or a dose unit runs into a capitalised word
//!    (`20 mgSide effects`; not "iPhone", "NovoLog", "GlaxoSmithKline").
//!
//! Quotations holding several sentences are split like any prose ("The drug works. | It is
//! safe," she said.); the quotes component works on document offsets across sentences.
//! Finally, a unit longer than 400 bytes with no punctuation at all, or any unit longer than
//! 1000 bytes, is cut at the best boundary in its window (tab or ` | `, then `;`/`:`, then `,`,
//! then whitespace, else a char boundary), so the 128-token model window is never far exceeded.

use crate::doc::{ByteSpan, SentenceKind};

/// A unit longer than this (bytes) with no punctuation at all is cut into pieces.
const UNPUNCTUATED_MAX: usize = 400;
/// No unit is longer than this (bytes).
const HARD_MAX: usize = 1000;
/// Title-like lines are at most this long (bytes / words).
const HEADING_MAX_BYTES: usize = 120;
const HEADING_MAX_WORDS: usize = 15;
/// Lines ending with `:` are headings up to this many words.
const COLON_HEADING_MAX_WORDS: usize = 10;
/// A dangling function word joins a capitalised next line only when the line is at least this
/// long (bytes).
const WRAP_MIN_BYTES: usize = 40;
/// A next line starting in lowercase joins only a line at least this long (bytes), or one that
/// ends mid-sentence: a short line ("ASK THE PHARMACIST", "u/name 9h") is a unit of its own.
const WRAP_LOWER_MIN_BYTES: usize = 40;
/// How far back (bytes) to look for the word before a full stop.
const TOKEN_LOOKBACK: usize = 64;

/// Split `text` into sentence units (see the module docs for the rules).
pub fn segment(text: &str) -> Vec<(ByteSpan, SentenceKind)> {
    let lines = split_lines(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].shape == Shape::Blank {
            i += 1;
            continue;
        }
        let first = i;
        let mut last = i;
        while last + 1 < lines.len() && joins(text, &lines[first], &lines[last], &lines[last + 1], last > first) {
            last += 1;
        }
        let (bs, be) = (lines[first].start, lines[last].end);
        match block_kind(text, &lines, first, last) {
            SentenceKind::Heading if lines[first].shape == Shape::Text => {
                // A title-like line holds no sentence break; if it does, it is prose.
                let n = out.len();
                split_sentences(text, bs, be, 0, SentenceKind::Heading, &mut out);
                if out.len() > n + 1 {
                    out[n..].iter_mut().for_each(|u| u.1 = SentenceKind::Prose);
                }
            }
            SentenceKind::Heading => emit(text, bs, be, SentenceKind::Heading, &mut out),
            kind => {
                let skip = if lines[first].shape == Shape::Bullet {
                    bullet_marker_len(&text[bs..lines[first].end]).unwrap_or(0)
                } else {
                    0
                };
                split_sentences(text, bs, be, skip, kind, &mut out);
            }
        }
        i = last + 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Pass 1: lines and blocks

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Blank,
    Bullet,
    MdHeading,
    BoldHeading,
    Table,
    /// A line with no letter or digit (`---`, `===`, `* * *`).
    Rule,
    Text,
}

#[derive(Debug, Clone, Copy)]
struct Line {
    /// Trimmed content `[start, end)`.
    start: usize,
    end: usize,
    indented: bool,
    shape: Shape,
}

fn split_lines(text: &str) -> Vec<Line> {
    let b = text.as_bytes();
    let mut lines = Vec::new();
    let mut line_start = 0;
    let mut i = 0;
    while i < b.len() {
        let (brk, para) = match b[i] {
            b'\n' | 0x0B | 0x0C => (1, false),
            b'\r' => (if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 }, false),
            0xC2 if b.get(i + 1) == Some(&0x85) => (2, false),
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8) | Some(0xA9)) => {
                (3, b[i + 2] == 0xA9)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        push_line(&mut lines, make_line(text, line_start, i));
        if para {
            push_line(&mut lines, Line { start: i, end: i, indented: false, shape: Shape::Blank });
        }
        i += brk;
        line_start = i;
    }
    push_line(&mut lines, make_line(text, line_start, b.len()));
    lines
}

/// Keep one blank line per run of them, so memory follows the lines that hold text.
fn push_line(lines: &mut Vec<Line>, line: Line) {
    let both_blank = line.shape == Shape::Blank && lines.last().is_some_and(|l| l.shape == Shape::Blank);
    if !both_blank {
        lines.push(line);
    }
}

fn make_line(text: &str, ls: usize, le: usize) -> Line {
    let raw = &text[ls..le];
    let lead = raw.len() - raw.trim_start().len();
    let content = raw.trim();
    let start = ls + lead;
    let end = start + content.len();
    Line { start, end, indented: lead > 0, shape: shape_of(content) }
}

fn shape_of(s: &str) -> Shape {
    if s.is_empty() {
        return Shape::Blank;
    }
    if !s.chars().any(char::is_alphanumeric) {
        return Shape::Rule;
    }
    if bullet_marker_len(s).is_some() {
        return Shape::Bullet;
    }
    let hashes = s.bytes().take_while(|&c| c == b'#').count();
    if (1..=6).contains(&hashes) && s[hashes..].starts_with(char::is_whitespace) {
        return Shape::MdHeading;
    }
    if is_bold_only(s) && s.split_whitespace().nth(HEADING_MAX_WORDS).is_none() && !has_inner_stop(s) {
        return Shape::BoldHeading;
    }
    if s.contains('\t') || s.bytes().filter(|&c| c == b'|').count() >= 2 {
        return Shape::Table;
    }
    Shape::Text
}

/// `**Heading:**`, `**Heading**:` or `__Heading__`: the whole line is one bold run.
fn is_bold_only(s: &str) -> bool {
    for m in ["**", "__"] {
        if let Some(inner) = s.strip_prefix(m) {
            let body = inner.strip_suffix(':').unwrap_or(inner);
            if let Some(body) = body.strip_suffix(m) {
                return !body.trim().is_empty() && !body.contains(m);
            }
        }
    }
    false
}

/// Length in bytes of a list marker at the start of `s` (with the whitespace after it).
fn bullet_marker_len(s: &str) -> Option<usize> {
    let mut it = s.char_indices();
    let (_, c) = it.next()?;
    let after_ws = |pos: usize| -> Option<usize> {
        let rest = &s[pos..];
        match rest.chars().next() {
            None => Some(pos),
            Some(w) if w.is_whitespace() => Some(pos + (rest.len() - rest.trim_start().len())),
            _ => None,
        }
    };
    match c {
        '*' | '-' | '+' => {
            let rest = &s[1..];
            match rest.chars().next() {
                Some(w) if w.is_whitespace() => after_ws(1),
                _ => None,
            }
        }
        '•' | '·' | '‣' | '◦' | '▪' | '▫' | '■' | '□' | '●' | '○' | '►' | '▶' | '➢' | '➤' | '✓'
        | '✔' | '✗' | '→' | '\u{f0b7}' => {
            let pos = c.len_utf8();
            after_ws(pos).or(Some(pos))
        }
        '0'..='9' => {
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 3 {
                return None;
            }
            match s.as_bytes().get(digits) {
                Some(b'.') | Some(b')') => after_ws(digits + 1),
                _ => None,
            }
        }
        '(' => {
            let inner = s[1..].bytes().take_while(u8::is_ascii_alphanumeric).count();
            let ok = (1..=3).contains(&inner)
                && (s[1..1 + inner].bytes().all(|c| c.is_ascii_digit()) || inner == 1);
            if ok && s.as_bytes().get(1 + inner) == Some(&b')') {
                after_ws(2 + inner)
            } else {
                None
            }
        }
        'a'..='z' | 'A'..='Z' => {
            if s.as_bytes().get(1) == Some(&b')') {
                after_ws(2)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Does line `next` continue the block that starts at `first` and currently ends at `last`
/// (`wrapped`: the block already has more than one line)?
fn joins(text: &str, first: &Line, last: &Line, next: &Line, wrapped: bool) -> bool {
    if next.shape != Shape::Text || !matches!(first.shape, Shape::Text | Shape::Bullet) {
        return false;
    }
    let ls = &text[last.start..last.end];
    let ns = &text[next.start..next.end];
    if is_metadata(ls) {
        return false; // "u/someone • 9h", "Home | Blog | Contact"
    }
    if ending(ls) == Ending::Colon && ls.split_whitespace().nth(COLON_HEADING_MAX_WORDS).is_none() {
        return false; // "kp_nightshift wrote:", "Side effects:"
    }
    let lower = first_alnum(ns).is_some_and(char::is_lowercase);
    if ls.ends_with('.')
        && token_before(ls, ls.len() - 1).is_some_and(|(_, w)| in_list_word(w, TITLES) || in_list_ci(w, MID))
    {
        return true; // "… prescribed by Dr.\nSmith", "… painkillers, e.g.\nIbuprofen"
    }
    match continuation(ls) {
        Continuation::Mark => return true,
        Continuation::Word if lower || ls.len() >= WRAP_MIN_BYTES => return true,
        _ => {}
    }
    if lower && (ls.len() >= WRAP_LOWER_MIN_BYTES || wrapped) {
        return true;
    }
    first.shape == Shape::Bullet && next.indented
}

/// Navigation, bylines and social bars: parts separated by ` · `, ` • `, ` | ` or ` › `.
fn is_metadata(s: &str) -> bool {
    [" · ", " • ", " | ", " › ", " > "].iter().any(|sep| s.contains(sep))
}

fn first_alnum(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_alphanumeric())
}

const DANGLING: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with", "by",
    "from", "as", "that", "which", "who", "whose", "is", "are", "was", "were", "be", "been", "than",
    "into", "about", "like", "such", "its", "their", "our", "your", "his", "her", "if", "when",
    "while", "because", "although", "including", "between", "per", "via", "versus", "can", "may",
    "will", "would", "should", "could", "has", "have", "had", "not", "this", "these", "those",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Continuation {
    /// `,` `;` `-` `–` `—` `(` `/` `&` `+`
    Mark,
    /// A lowercase function word ("of", "the", "and", …).
    Word,
    None,
}

/// Does the line end mid-sentence?
fn continuation(s: &str) -> Continuation {
    let Some(last) = s.chars().next_back() else { return Continuation::None };
    if matches!(last, ',' | ';' | '-' | '–' | '—' | '(' | '/' | '&' | '+') {
        return Continuation::Mark;
    }
    let word_start = s
        .rfind(|c: char| !c.is_alphabetic())
        .map_or(0, |p| p + s[p..].chars().next().map_or(1, char::len_utf8));
    let word = &s[word_start..];
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase()) && DANGLING.contains(&word) {
        Continuation::Word
    } else {
        Continuation::None
    }
}

fn block_kind(text: &str, lines: &[Line], first: usize, last: usize) -> SentenceKind {
    match lines[first].shape {
        Shape::Bullet => SentenceKind::Bullet,
        Shape::MdHeading | Shape::BoldHeading => SentenceKind::Heading,
        Shape::Text if first == last && is_title_like(text, lines, first) => SentenceKind::Heading,
        _ => SentenceKind::Prose,
    }
}

/// What a line ends with, ignoring closing quotes, brackets and emphasis marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Terminal,
    Question,
    Colon,
    Continuation,
    None,
}

fn ending(s: &str) -> Ending {
    let core = s.trim_end_matches(|c: char| is_closer(c) || c.is_whitespace());
    match core.chars().next_back() {
        Some('?') | Some('？') | Some('؟') => Ending::Question,
        Some(c) if is_terminal(c) => Ending::Terminal,
        Some(':') | Some('：') => Ending::Colon,
        Some(',' | ';' | '-' | '–' | '—' | '(' | '/' | '&' | '+' | '、' | '，') => Ending::Continuation,
        _ => Ending::None,
    }
}

/// A short single line that reads as a title (see the module docs).
fn is_title_like(text: &str, lines: &[Line], i: usize) -> bool {
    let line = &lines[i];
    let s = &text[line.start..line.end];
    if s.len() > HEADING_MAX_BYTES {
        return false;
    }
    if first_alnum(s).is_some_and(char::is_lowercase) {
        return false; // "with Ruth Ngata, PharmD", "saving this thread"
    }
    let words = s.split_whitespace().count();
    if words > HEADING_MAX_WORDS {
        return false;
    }
    if has_quoted_stop(s) || has_inner_stop(s) {
        return false; // `"Worth it." anonymous`, `saved my sanity. no joke`
    }
    let followed_ok = match lines.get(i + 1) {
        None => true,
        Some(n) => match n.shape {
            Shape::Blank | Shape::Bullet | Shape::MdHeading | Shape::BoldHeading | Shape::Rule => true,
            Shape::Table => false,
            Shape::Text => n.end - n.start > s.len(),
        },
    };
    match ending(s) {
        Ending::Colon => words <= COLON_HEADING_MAX_WORDS,
        Ending::None => followed_ok,
        Ending::Question => followed_ok && words >= 2 && is_title_case(s),
        Ending::Terminal | Ending::Continuation => false,
    }
}

/// `."`, `!”`, `?’`: a sentence closed inside quotation marks.
fn has_quoted_stop(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2).any(|w| matches!(w[0], b'.' | b'!' | b'?') && w[1] == b'"')
        || ["\u{201d}", "\u{2019}"].iter().any(|q| {
            s.match_indices(q).any(|(p, _)| p > 0 && matches!(b[p - 1], b'.' | b'!' | b'?'))
        })
}

/// A `.` `!` `?` `…` followed by whitespace inside the line, other than after a title ("Dr.").
fn has_inner_stop(s: &str) -> bool {
    let b = s.as_bytes();
    s.char_indices().any(|(p, c)| {
        is_terminal(c)
            && b.get(p + c.len_utf8()).is_some_and(u8::is_ascii_whitespace)
            && !token_before(s, p).is_some_and(|(_, w)| in_list_ci(w, TITLES))
    })
}

/// At least two words of four or more letters, and most of them start with a capital ("Who Gets Chronic Fatigue Syndrome?").
fn is_title_case(s: &str) -> bool {
    let (mut long, mut caps) = (0, 0);
    for w in s.split_whitespace() {
        let w = w.trim_start_matches(|c: char| !c.is_alphanumeric());
        if w.chars().filter(|c| c.is_alphabetic()).count() >= 4 {
            long += 1;
            if w.chars().next().is_some_and(|c| c.is_uppercase()) {
                caps += 1;
            }
        }
    }
    long >= 2 && caps * 4 >= long * 3
}

// ---------------------------------------------------------------------------------------------
// Pass 2: sentences inside a block

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉' | '؟' | '。' | '！' | '？' | '｡' | '।')
}

/// Closing quotes, brackets and emphasis marks that stay with the sentence before them.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '*' | '_' | '」' | '』' | '）')
        || is_mark(c)
}

/// Combining marks, variation selectors and ZWJ: never the first char of a unit after a split.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0x200D)
}

/// Chars that can only close something: a unit must not start with one.
fn is_close_only(c: char) -> bool {
    matches!(c, '”' | '’' | '»' | '›' | ')' | ']' | '}' | '」' | '』' | '）')
}

fn is_opener(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '"' | '\'' | '“' | '‘' | '«' | '‹' | '*' | '_' | '¿' | '¡' | '„')
}

fn char_at(s: &str, i: usize) -> char {
    s[i..].chars().next().unwrap_or('\0')
}

/// Split the block `[bs, be)` into sentences; the first `skip` bytes (a list marker) are never
/// split.
fn split_sentences(
    text: &str,
    bs: usize,
    be: usize,
    skip: usize,
    kind: SentenceKind,
    out: &mut Vec<(ByteSpan, SentenceKind)>,
) {
    let s = &text[bs..be];
    let b = s.as_bytes();
    let mut start = 0;
    let mut i = skip.min(b.len());
    while i < b.len() {
        let byte = b[i];
        // Run-together words: a lowercase word or a dose unit touching a capitalised word.
        if byte.is_ascii_uppercase() && i > start && b[i - 1].is_ascii_lowercase() {
            if camel_break(b, i) {
                emit(text, bs + start, bs + i, kind, out);
                start = i;
            }
            i += 1;
            continue;
        }
        if !(byte == b'.' || byte == b'!' || byte == b'?' || byte >= 0xC0) {
            i += 1;
            continue;
        }
        let ch = char_at(s, i);
        if !is_terminal(ch) {
            i += ch.len_utf8();
            continue;
        }
        // The run of terminal marks.
        let run_start = i;
        let (mut dots, mut qe, mut ellipsis, mut cjk) = (0, false, false, false);
        let mut j = i;
        while j < b.len() {
            let c = char_at(s, j);
            match c {
                '.' => dots += 1,
                '!' | '?' | '‼' | '⁇' | '⁈' | '⁉' | '؟' => qe = true,
                '…' => ellipsis = true,
                '。' | '！' | '？' | '｡' | '।' => cjk = true,
                _ => break,
            }
            j += c.len_utf8();
        }
        ellipsis |= dots >= 2;
        // Closing quotes and brackets stay with this sentence.
        let mut k = j;
        while k < b.len() {
            let c = char_at(s, k);
            if !is_closer(c) {
                break;
            }
            k += c.len_utf8();
        }
        if k >= b.len() {
            break;
        }
        let mut next = char_at(s, k);
        if next.is_whitespace() {
            // A straight quote standing alone after the stop closes it: `It works. " Then`.
            let t = k + (s[k..].len() - s[k..].trim_start().len());
            if matches!(b.get(t), Some(b'"' | b'\'')) && b.get(t + 1).is_none_or(|c| c.is_ascii_whitespace()) {
                k = t + 1;
                if k >= b.len() {
                    break;
                }
                next = char_at(s, k);
            }
        }
        let split = if next.is_whitespace() {
            if qe {
                split_after_question(s, k)
            } else if ellipsis {
                split_after_ellipsis(s, k)
            } else if cjk {
                true
            } else {
                split_after_period(s, start, run_start, j, k)
            }
        } else if cjk {
            true
        } else {
            dots == 1 && !qe && !ellipsis && k == j && run_together_stop(s, run_start, k)
        };
        if split {
            emit(text, bs + start, bs + k, kind, out);
            start = k;
        }
        i = k.max(i + 1);
    }
    emit(text, bs + start, be, kind, out);
}

const UNITS: &[&[u8]] = &[
    b"mg", b"mcg", b"ug", b"g", b"kg", b"ml", b"l", b"iu", b"mmol", b"mm", b"cm", b"h", b"hr", b"hrs",
    b"min", b"mins", b"wk", b"wks", b"mo", b"yr", b"yrs", b"x",
];

/// At `i` (an ASCII capital after an ASCII lowercase letter): is this `…mgSide` / `nauseaHeadache`
/// run-together text? The token must start with the lowercase run (after optional digits), the run
/// must be a dose unit or at least four letters, and the capital must start a lowercase word.
fn camel_break(b: &[u8], i: usize) -> bool {
    if !(b.get(i + 1).is_some_and(u8::is_ascii_lowercase) && b.get(i + 2).is_some_and(u8::is_ascii_lowercase)) {
        return false;
    }
    let mut r = i;
    while r > 0 && i - r < 32 && b[r - 1].is_ascii_lowercase() {
        r -= 1;
    }
    if r > 0 && (b[r - 1].is_ascii_alphabetic() || b[r - 1] >= 0x80) {
        return false; // "iPhone" starts mid-word, "GlaxoSmithKline" starts with a capital
    }
    let run = &b[r..i];
    let before_ok = r == 0
        || b[r - 1].is_ascii_whitespace()
        || b[r - 1].is_ascii_digit()
        || matches!(b[r - 1], b'(' | b'[' | b'"' | b'\'');
    before_ok && (run.len() >= 4 || UNITS.contains(&run))
}

/// The first char of the token after the whitespace at `k`, and the token's first alphanumeric
/// char (looking at most 32 bytes into the token).
fn next_token(s: &str, k: usize) -> Option<(usize, char, Option<char>)> {
    let rest = &s[k..];
    let t = k + (rest.len() - rest.trim_start().len());
    let first = s[t..].chars().next()?;
    let nc = s[t..]
        .char_indices()
        .take_while(|&(p, c)| p < 32 && !c.is_whitespace())
        .map(|(_, c)| c)
        .find(|c| c.is_alphanumeric());
    Some((t, first, nc))
}

fn split_after_question(s: &str, k: usize) -> bool {
    match next_token(s, k) {
        None => true,
        Some((_, first, _)) if is_close_only(first) => false,
        Some((_, _, nc)) => !nc.is_some_and(char::is_lowercase),
    }
}

fn split_after_ellipsis(s: &str, k: usize) -> bool {
    match next_token(s, k) {
        None => true,
        Some((_, first, _)) if is_close_only(first) => false,
        Some((_, _, nc)) => nc.is_some_and(char::is_uppercase),
    }
}

/// Titles: never end a sentence ("Dr. Smith").
const TITLES: &[&str] = &[
    "dr", "mr", "mrs", "ms", "mx", "prof", "rev", "hon", "gen", "gov", "sen", "rep", "capt", "lt",
    "col", "sgt", "adm", "fr", "st", "mt", "messrs", "mme", "mlle", "pres", "supt", "insp", "det",
    "drs", "profs",
];
/// Mid-sentence abbreviations: never end a sentence.
const MID: &[&str] = &[
    "e.g", "i.e", "eg", "ie", "vs", "cf", "viz", "approx", "appx", "ca", "esp", "incl", "resp",
    "aka", "a.k.a", "w/o",
];
/// Before a number they never end a sentence ("Fig. 2", "No. 5"); otherwise ordinary words.
const NUMBERED: &[&str] = &[
    "no", "nos", "fig", "figs", "vol", "vols", "ch", "chap", "sec", "sect", "pp", "p", "eq", "eqs",
    "ref", "refs", "op", "art", "tab", "par", "para", "n", "ed", "eds", "ver", "v", "ext", "tel",
    "max", "avg", "tot",
];
/// Can end a sentence: split only when a common sentence starter follows.
const MAYBE_FINAL: &[&str] = &[
    "etc", "inc", "ltd", "co", "corp", "llc", "plc", "jr", "sr", "bros", "al", "dept", "univ",
    "govt", "assn", "ave", "blvd", "hr", "hrs", "min", "mins", "wk", "wks", "yr", "yrs", "mos",
    "oz", "lb", "lbs", "tbsp", "tsp", "pt", "pts", "intl", "natl",
];
/// Months and weekdays: abbreviations only when capitalised ("Jan. 5", but "the sun. The").
const CAPITALISED_FINAL: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon",
    "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun",
];
/// A single capital letter after one of these words is not an initial ("vitamin D. Low levels").
const NOT_INITIAL_BEFORE: &[&str] = &[
    "vitamin", "vitamins", "hepatitis", "type", "plan", "group", "class", "grade", "stage", "phase",
    "schedule", "part", "section", "appendix", "exhibit", "level", "category", "factor", "omega",
    "complex", "protein", "cluster", "figure", "table", "option", "model", "version", "wing",
    "block", "unit", "channel", "zone", "tier", "list", "size", "form", "letter", "gene", "strain",
    "influenza", "flu", "blood", "step", "point", "row", "column", "league", "series",
];
/// Capitalised words that commonly start a sentence.
const STARTERS: &[&str] = &[
    "A", "After", "All", "Also", "Although", "An", "And", "Another", "Any", "Are", "As", "At",
    "Because", "Before", "Both", "But", "By", "Can", "Could", "Do", "Does", "Doctors", "Each",
    "Even", "Every", "Experts", "For", "From", "He", "Her", "Here", "His", "How", "However", "I",
    "If", "In", "Instead", "Is", "It", "Its", "Many", "Meanwhile", "More", "Most", "My", "No",
    "Not", "Now", "Of", "On", "One", "Only", "Or", "Our", "Other", "Overall", "Patients", "People",
    "Researchers", "She", "Since", "So", "Some", "Still", "Studies", "Such", "That", "The", "Their",
    "Then", "There", "These", "They", "This", "Those", "Though", "Thus", "To", "Under", "Unlike",
    "We", "What", "When", "Where", "Which", "While", "Who", "Why", "With", "Without", "Yet", "You",
    "Your",
];

fn in_list_ci(w: &str, list: &[&str]) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(w))
}

/// Further abbreviations that are often followed by a lowercase word ("avg. dose").
const LOWERCASE_NEXT: &[&str] = &[
    "avg", "max", "min", "est", "cont", "assoc", "misc", "std", "temp", "tabs", "caps", "pkg", "qty",
    "ft", "sq", "sp", "spp", "subsp", "var", "approx", "abt", "b/c", "w/", "pg", "lit", "orig",
    "gm", "mg", "mcg", "ml", "kg", "lb", "lbs", "oz", "hrs", "mins", "secs", "yrs", "mos", "wks",
    "dept", "depts", "govt", "natl", "intl", "univ", "inst", "div", "dist", "admin", "info",
];

/// A word of two or more letters that is none of the listed abbreviations.
fn is_plain_word(w: &str) -> bool {
    w.chars().nth(1).is_some()
        && w.chars().all(char::is_alphabetic)
        && ![TITLES, MID, NUMBERED, MAYBE_FINAL, CAPITALISED_FINAL, LOWERCASE_NEXT]
            .iter()
            .any(|list| in_list_ci(w, list))
}

/// Like [`in_list_ci`], but an all-capitals word is an acronym, not the abbreviation
/// ("in MS. It is" is multiple sclerosis, not "Ms.").
fn in_list_word(w: &str, list: &[&str]) -> bool {
    let acronym = w.len() >= 2 && w.bytes().all(|c| c.is_ascii_uppercase());
    !acronym && in_list_ci(w, list)
}

/// The token that ends at byte `end` (back to whitespace), without leading openers; `None` when
/// it is longer than [`TOKEN_LOOKBACK`] (a URL or similar, never an abbreviation).
fn token_before(s: &str, end: usize) -> Option<(usize, &str)> {
    let mut start = end;
    for (p, c) in s[..end].char_indices().rev() {
        if c.is_whitespace() {
            break;
        }
        if end - p > TOKEN_LOOKBACK {
            return None;
        }
        start = p;
    }
    let tok = &s[start..end];
    let trimmed = tok.trim_start_matches(is_opener);
    Some((start, trimmed))
}

/// `U.S`, `a.m`, `Ph.D`: two or more dot-separated parts of one to three letters.
fn is_dotted_acronym(w: &str) -> bool {
    let mut parts = 0;
    for part in w.split('.') {
        let n = part.chars().count();
        if n == 0 || n > 3 || !part.chars().all(char::is_alphabetic) {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

/// The next word is a common sentence starter or the next token opens a quotation.
fn starter_follows(s: &str, k: usize) -> bool {
    let Some((t, first, _)) = next_token(s, k) else { return true };
    if matches!(first, '"' | '“' | '‘' | '«' | '„') {
        return true;
    }
    let word: &str = {
        let rest = s[t..].trim_start_matches(is_opener);
        let n = rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len());
        &rest[..n]
    };
    STARTERS.contains(&word)
}

/// A single `.` (after closers, at `k` whitespace follows): does a sentence end here?
fn split_after_period(s: &str, sentence_start: usize, run_start: usize, run_end: usize, k: usize) -> bool {
    let Some((_, first, nc)) = next_token(s, k) else { return true };
    if is_close_only(first) {
        return false;
    }
    if nc.is_some_and(char::is_lowercase) {
        // Usually an abbreviation; but informal text ("saved my sanity. no joke") starts
        // sentences in lowercase. Split only after a plain word that is no known abbreviation,
        // with no closing quote between (`"Stop." he said`) and a bare word after.
        return run_end == k
            && first.is_lowercase()
            && token_before(s, run_start).is_some_and(|(_, w)| is_plain_word(w));
    }
    let next_digit = nc.is_some_and(|c| c.is_ascii_digit());
    let Some((tok_start, w)) = token_before(s, run_start) else { return true };
    if w.is_empty() {
        return true;
    }
    if in_list_word(w, TITLES) || in_list_ci(w, MID) {
        return false;
    }
    if in_list_ci(w, NUMBERED) {
        return !next_digit;
    }
    if in_list_word(w, MAYBE_FINAL) || CAPITALISED_FINAL.contains(&w) {
        return !next_digit && starter_follows(s, k);
    }
    if is_dotted_acronym(w) {
        return starter_follows(s, k);
    }
    let mut chars = w.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_uppercase() {
            if s.get(sentence_start..tok_start).is_some_and(|lead| lead.trim().is_empty()) {
                return false; // a label or initial opening the sentence: "Q. My dermatologist"
            }
            // An initial ("J. K. Rowling"), unless a word like "vitamin" precedes it.
            let before = token_before(s, s[..tok_start].trim_end().len()).map(|(_, w)| w).unwrap_or("");
            if in_list_ci(before, NOT_INITIAL_BEFORE) {
                return true;
            }
            return starter_follows(s, k);
        }
    }
    true
}

/// `relief.The drug`: a full stop with no space between a lowercase word and a capitalised one.
/// Not inside URLs or e-mails (the token holds `/`, `@`, `:`, `=`, … or starts with `www`).
fn run_together_stop(s: &str, run_start: usize, k: usize) -> bool {
    let b = s.as_bytes();
    if !(b.get(k).is_some_and(u8::is_ascii_uppercase) && b.get(k + 1).is_some_and(u8::is_ascii_lowercase)) {
        return false;
    }
    if run_start < 2 || !b[run_start - 1].is_ascii_lowercase() || !b[run_start - 2].is_ascii_lowercase() {
        return false;
    }
    match token_before(s, run_start) {
        None => false,
        Some((_, w)) => {
            !w.is_empty()
                && !w.contains(['/', '@', ':', '\\', '=', '&', '?', '#'])
                && !w.starts_with("www")
                && !w.contains("..")
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Emitting units

/// Trim `[a, b)`, drop it when it holds no letter or digit, cut it when it is too long, push it.
fn emit(text: &str, a: usize, b: usize, kind: SentenceKind, out: &mut Vec<(ByteSpan, SentenceKind)>) {
    let Some((a, b)) = trimmed(text, a, b) else { return };
    let s = &text[a..b];
    let len = b - a;
    let unpunctuated = || !s.contains(['.', ',', ';', ':', '!', '?', '…']);
    let max = if len > UNPUNCTUATED_MAX && unpunctuated() {
        UNPUNCTUATED_MAX
    } else if len > HARD_MAX {
        HARD_MAX
    } else {
        out.push((ByteSpan::new(a, b), kind));
        return;
    };
    let mut start = a;
    while b - start > max {
        let cut = best_cut(text, start, start + max);
        if let Some((x, y)) = trimmed(text, start, cut) {
            out.push((ByteSpan::new(x, y), kind));
        }
        start = cut;
    }
    if let Some((x, y)) = trimmed(text, start, b) {
        out.push((ByteSpan::new(x, y), kind));
    }
}

/// Trimmed `[a, b)`, or `None` when it has no letter or digit.
fn trimmed(text: &str, a: usize, b: usize) -> Option<(usize, usize)> {
    let s = &text[a..b];
    let t = s.trim_start();
    let x = a + (s.len() - t.len());
    let t = t.trim_end();
    if t.is_empty() || !t.chars().any(char::is_alphanumeric) {
        return None;
    }
    Some((x, x + t.len()))
}

/// Where to cut a long unit starting at `start`: a boundary in `(start + max/2, hi]`, preferring
/// a tab or ` | `, then `;`/`:`, then `,`, then any ASCII whitespace; else the last char boundary.
fn best_cut(text: &str, start: usize, hi: usize) -> usize {
    let b = text.as_bytes();
    let lo = start + (hi - start) / 2;
    let mut best = [None::<usize>; 4];
    for p in lo + 1..=hi.min(b.len() - 1) {
        let c = b[p];
        if !c.is_ascii_whitespace() {
            continue;
        }
        let prev = b[p - 1];
        let class = if c == b'\t' || prev == b'|' || b.get(p + 1) == Some(&b'|') {
            3
        } else if prev == b';' || prev == b':' {
            2
        } else if prev == b',' {
            1
        } else {
            0
        };
        best[class] = Some(p);
    }
    if let Some(p) = best.iter().rev().flatten().next() {
        return *p;
    }
    let mut p = hi;
    while p > start + 1 && !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(text: &str) -> Vec<&str> {
        segment(text).into_iter().map(|(s, _)| s.slice(text)).collect()
    }

    #[test]
    fn splits_simple_sentences() {
        assert_eq!(units("One here. Two there! Three?"), vec!["One here.", "Two there!", "Three?"]);
    }

    #[test]
    fn bullet_marker_forms() {
        assert_eq!(bullet_marker_len("* a"), Some(2));
        assert_eq!(bullet_marker_len("1. a"), Some(3));
        assert_eq!(bullet_marker_len("12) a"), Some(4));
        assert_eq!(bullet_marker_len("•a"), Some(3));
        assert_eq!(bullet_marker_len("**Bold**"), None);
        assert_eq!(bullet_marker_len("1.5 mg"), None);
        assert_eq!(bullet_marker_len("2024. The"), None);
    }

    #[test]
    fn long_cut_respects_char_boundaries() {
        let text = "é".repeat(1500);
        for (span, _) in segment(&text) {
            assert!(span.len() <= HARD_MAX);
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
    }
}
