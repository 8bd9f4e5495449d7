//! Cleaned text → sentence spans: byte ranges into the text, sorted and disjoint, each with a
//! [`SentenceKind`] (prose, heading, bullet).

use crate::doc::{ByteSpan, SentenceKind};

pub fn segment(text: &str) -> Vec<(ByteSpan, SentenceKind)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' || c == '.' {
            let end = if c == '.' { i + 1 } else { i };
            push_trimmed(text, start, end, &mut out);
            start = i + c.len_utf8();
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(ByteSpan, SentenceKind)>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        out.push((ByteSpan::new(start + lead, start + lead + t.len()), SentenceKind::Prose));
    }
}
