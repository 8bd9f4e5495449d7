//! Direct quotations: pairs of quotation marks (straight `"…"`, curly `“…”`, single `‘…’` and
//! `'…'`, guillemets `«…»`), capped at the paragraph end and at [`MAX_QUOTE`] bytes so that an
//! unbalanced mark cannot swallow the rest of an article.
//!
//! Takes the article text; returns [`Marked`] spans (content inside the marks, plus the marks'
//! outer span). Apostrophes (don't, Alzheimer's, patients') are told apart from single quotes
//! by their neighbours.

use crate::doc::ByteSpan;

/// Longest quotation we accept, in bytes.
pub const MAX_QUOTE: usize = 1500;
/// Longest single-quoted passage: single marks are too often apostrophes to trust further.
const MAX_SINGLE: usize = 400;

/// One quoted passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marked {
    /// Inside the marks, trimmed of whitespace.
    pub content: ByteSpan,
    /// Including the marks.
    pub outer: ByteSpan,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Family {
    Double,
    Single,
    Guillemet,
}

/// Find quoted passages in `text`, outermost first, sorted by start.
pub fn find_marked(text: &str) -> Vec<Marked> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out: Vec<Marked> = Vec::new();
    // open stack: (family, byte position of the mark, index in chars)
    let mut open: Option<(Family, usize, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let prev = if i > 0 { Some(chars[i - 1].1) } else { None };
        let next = chars.get(i + 1).map(|x| x.1);
        // a blank line ends any open quotation
        if c == '\n' && next == Some('\n') {
            open = None;
        }
        if let Some((fam, opos, _)) = open {
            if pos - opos > if fam == Family::Single { MAX_SINGLE } else { MAX_QUOTE } {
                open = None; // give up: unbalanced
            }
        }
        match open {
            None => {
                if let Some(fam) = opener(c, prev, next) {
                    open = Some((fam, pos, i));
                }
            }
            Some((fam, opos, _)) => {
                if closes(fam, c, prev, next) {
                    let inner = ByteSpan::new(opos + text[opos..].chars().next().map_or(1, |c| c.len_utf8()), pos);
                    let content = super::text::trim_span(text, inner, &[]);
                    if !content.is_empty() {
                        out.push(Marked { content, outer: ByteSpan::new(opos, pos + c.len_utf8()) });
                    }
                    open = None;
                }
            }
        }
        i += 1;
    }
    out
}

fn is_open_context(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(p) => p.is_whitespace() || matches!(p, '(' | '[' | '{' | '—' | '–' | '-' | ':' | '“' | '"' | '/' | '>' | '*'),
    }
}

fn opener(c: char, prev: Option<char>, next: Option<char>) -> Option<Family> {
    let next_ok = next.is_some_and(|n| !n.is_whitespace());
    match c {
        '“' | '„' => Some(Family::Double),
        '«' => Some(Family::Guillemet),
        '"' if next_ok && !prev.is_some_and(|p| p.is_ascii_digit()) => {
            if is_open_context(prev) || prev.is_some_and(|p| !p.is_alphanumeric()) {
                Some(Family::Double)
            } else {
                None
            }
        }
        '‘' if next_ok => Some(Family::Single),
        '\'' if next_ok && is_open_context(prev) && next.is_some_and(|n| n.is_alphabetic()) => Some(Family::Single),
        _ => None,
    }
}

fn closes(fam: Family, c: char, prev: Option<char>, next: Option<char>) -> bool {
    let next_free = next.is_none_or(|n| !n.is_alphanumeric());
    match fam {
        Family::Double => matches!(c, '”' | '"' | '“') && prev.is_some_and(|p| !p.is_whitespace()),
        Family::Guillemet => c == '»',
        Family::Single => {
            // "don't", "Alzheimer's": an apostrophe has a letter right after it
            matches!(c, '’' | '\'') && next_free && prev.is_some_and(|p| !p.is_whitespace())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(t: &str) -> Vec<&str> {
        find_marked(t).iter().map(|m| m.content.slice(t)).collect()
    }

    #[test]
    fn straight_curly_single_pairs() {
        assert_eq!(contents("He said \"it works\" today."), vec!["it works"]);
        assert_eq!(contents("“Yes,” she said."), vec!["Yes,"]);
        assert_eq!(contents("a ‘miracle’ pill"), vec!["miracle"]);
        assert_eq!(contents("a 'miracle' pill"), vec!["miracle"]);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(contents("Don't stop. Alzheimer's and patients' rights matter.").is_empty());
        assert!(contents("Alzheimer’s isn’t simple; patients’ families know.").is_empty());
    }

    #[test]
    fn unbalanced_open_mark_stops_at_paragraph() {
        let t = "“This never closes.\n\nNext paragraph has “a real quote” here.";
        assert_eq!(contents(t), vec!["a real quote"]);
    }

    #[test]
    fn inner_single_quotes_stay_inside_double() {
        let t = "“She called it ‘a miracle’ and smiled,” he said.";
        assert_eq!(contents(t), vec!["She called it ‘a miracle’ and smiled,"]);
    }
}
