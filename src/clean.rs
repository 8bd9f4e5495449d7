//! Raw article → cleaned text. Takes a [`RawArticle`] (bytes + format + input metadata) and
//! returns [`Cleaned`]: the article's readable text, its metadata, an [`Alignment`] from cleaned
//! byte offsets back to raw byte offsets, and warnings — or an [`ArticleError`] when there is no
//! text to annotate.
//!
//! Stages, each keeping the alignment exact:
//! 1. **Decode.** Encoding policy: a UTF-8 BOM is skipped; a UTF-16 (LE or BE) BOM switches to
//!    UTF-16 decoding; anything else is UTF-8, decoded lossily — each invalid sequence becomes
//!    U+FFFD and the article stays `ok` with the warning `invalid UTF-8 replaced: N bytes`. Bytes
//!    that look binary — a NUL in the first 8 KiB (after the BOM, UTF-16 excepted), or more than
//!    10% of the decoded characters being U+FFFD or control characters — are
//!    [`ArticleError::Binary`]. No Unicode normalisation is applied: code points are kept as found.
//! 2. **HTML** ([`Format::Html`], or a text file that starts like an HTML document): parsed with
//!    `scraper`; the main content is `<article>` (the largest one), else `<main>`/`role=main`,
//!    else `<body>`, minus junk (navigation, site header, asides, scripts, forms, footers, and
//!    elements whose id/class/role/aria-label name cookie banners, newsletter boxes, comments,
//!    share bars, related posts, sidebars, ads, breadcrumbs). Block elements become line breaks
//!    (paragraphs and headings a blank line, list items a line starting `* `), whitespace inside a
//!    block is collapsed. Title, canonical URL and publication date come from meta tags, `<link
//!    rel=canonical>`, `<time datetime>` and JSON-LD (`@graph` and arrays included).
//!    HTML alignment is per text node: a node whose text occurs verbatim in the source maps word
//!    by word to its exact raw bytes; a node with decoded entities maps, as a whole, to where its
//!    first word was found (or to the previous node's end).
//! 3. **Lines** (all formats): CRLF/CR → LF; control characters other than `\n` and `\t` are
//!    removed; lines are trimmed, runs of blank lines collapse to one; bullet markers (`*`, `+`,
//!    `•`, …) become `* ` (`- ` stays: gold contexts quote it); horizontal rules go; boilerplate lines go (a curated,
//!    conservative list: share/action bars, comment forms and counts, cookie and subscribe
//!    prompts, copyright lines, "skip to content"-style links); and a short heading-like line
//!    that exactly repeats an earlier one goes. Lines listing related stories, menus and
//!    breadcrumbs are kept: they can name drugs and conditions, and annotators label them. Markdown (`.md`, or text with
//!    several Markdown headings/bold/links) also loses `#` heading marks, `**`/`__`, and link
//!    targets (`[text](url)` → `text`).
//!
//! Metadata given by the input (JSONL fields) wins over what the HTML says; `published` is
//! normalised to `YYYY-MM-DD` when it parses as a date, and kept as found otherwise.
//! An article with no text left is [`ArticleError::Empty`].

use crate::doc::Meta;
use crate::error::ArticleError;
use crate::ingest::{Format, RawArticle};
use once_cell::sync::Lazy;
use regex::Regex;
use std::collections::{HashMap, HashSet};

// ───────────────────────────── alignment ─────────────────────────────

/// One run of cleaned text: from byte `clean` on, it was either copied verbatim from raw byte
/// `raw` on (`copied`), or inserted by the cleaner (a line break, a `* ` marker, a decoded
/// entity) and stands for raw byte `raw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seg {
    clean: usize,
    raw: usize,
    copied: bool,
}

/// Maps byte offsets in the cleaned text back to byte offsets in the raw input (the article's
/// bytes as read, BOM included). Stored as sorted runs; inside a copied run the mapping is exact
/// byte for byte, inside an inserted run every byte maps to the raw byte it stands for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alignment {
    segs: Vec<Seg>,
}

impl Alignment {
    /// Cleaned text == raw text.
    pub fn identity() -> Self {
        Alignment { segs: vec![Seg { clean: 0, raw: 0, copied: true }] }
    }

    /// From cleaned byte `clean` on, the text is copied verbatim from raw byte `raw` on.
    pub fn push(&mut self, clean: usize, raw: usize) {
        self.push_seg(Seg { clean, raw, copied: true });
    }

    /// From cleaned byte `clean` on, the text was inserted by the cleaner and stands for raw
    /// byte `raw`.
    pub fn push_inserted(&mut self, clean: usize, raw: usize) {
        self.push_seg(Seg { clean, raw, copied: false });
    }

    fn push_seg(&mut self, s: Seg) {
        if let Some(last) = self.segs.last_mut() {
            if last.clean == s.clean {
                *last = s; // an empty run: replace it
                return;
            }
            if last.copied == s.copied && (!s.copied && last.raw == s.raw || s.copied && last.raw + (s.clean - last.clean) == s.raw) {
                return; // continues the previous run
            }
        }
        self.segs.push(s);
    }

    fn seg_at(&self, clean: usize) -> Option<Seg> {
        let i = self.segs.partition_point(|s| s.clean <= clean);
        (i > 0).then(|| self.segs[i - 1])
    }

    /// Raw byte offset of cleaned byte `clean` (of the text's end when `clean == text.len()`).
    pub fn to_raw(&self, clean: usize) -> usize {
        match self.seg_at(clean) {
            None => clean,
            Some(s) if s.copied => s.raw + (clean - s.clean),
            Some(s) => s.raw,
        }
    }

    /// Whether cleaned byte `clean` was copied verbatim from the raw input.
    pub fn is_copied(&self, clean: usize) -> bool {
        self.seg_at(clean).is_none_or(|s| s.copied)
    }

    /// `self` maps outer → mid, `inner` maps mid → raw; the result maps outer → raw.
    /// `outer_len` is the length of the outer text.
    fn then(&self, inner: &Alignment, outer_len: usize) -> Alignment {
        let mut out = Alignment::default();
        for (k, s) in self.segs.iter().enumerate() {
            let end = self.segs.get(k + 1).map_or(outer_len, |n| n.clean);
            if !s.copied {
                out.push_seg(Seg { clean: s.clean, raw: inner.to_raw(s.raw), copied: false });
                continue;
            }
            let (m0, m1) = (s.raw, s.raw + (end - s.clean));
            let mut j = inner.segs.partition_point(|t| t.clean <= m0).saturating_sub(1);
            if inner.segs.is_empty() {
                out.push_seg(*s);
                continue;
            }
            loop {
                let t = inner.segs[j];
                let from = m0.max(t.clean);
                let raw = if t.copied { t.raw + (from - t.clean) } else { t.raw };
                let raw = if from < t.clean { from } else { raw }; // before the first inner run
                out.push_seg(Seg { clean: s.clean + (from - m0), raw, copied: t.copied });
                j += 1;
                if j >= inner.segs.len() || inner.segs[j].clean >= m1 {
                    break;
                }
            }
        }
        out
    }
}

/// Text under construction with its alignment to a source string.
#[derive(Default)]
struct Out {
    text: String,
    align: Alignment,
}

impl Out {
    /// Append `s`, copied verbatim from source byte `src` on.
    fn copy(&mut self, s: &str, src: usize) {
        if s.is_empty() {
            return;
        }
        self.align.push(self.text.len(), src);
        self.text.push_str(s);
    }

    /// Append `s`, made up by the cleaner, standing for source byte `src`.
    fn insert(&mut self, s: &str, src: usize) {
        if s.is_empty() {
            return;
        }
        self.align.push_inserted(self.text.len(), src);
        self.text.push_str(s);
    }
}

// ───────────────────────────── result ─────────────────────────────

#[derive(Debug, Clone)]
pub struct Cleaned {
    pub text: String,
    pub meta: Meta,
    /// Cleaned byte offset → byte offset in `RawArticle::bytes`.
    pub alignment: Alignment,
    pub warnings: Vec<String>,
}

/// Clean one article. Never panics; errors are `Binary` or `Empty`.
pub fn clean(raw: &RawArticle) -> Result<Cleaned, ArticleError> {
    let decoded = decode(&raw.bytes)?;
    let mut warnings = Vec::new();
    if decoded.invalid_bytes > 0 {
        warnings.push(format!("invalid UTF-8 replaced: {} bytes", decoded.invalid_bytes));
    }
    if decoded.text.trim().is_empty() {
        return Err(ArticleError::Empty);
    }
    let mut meta = Meta::default();
    let is_html = raw.format == Format::Html || (raw.format == Format::Text && looks_like_html(&decoded.text));
    let (text, align) = if is_html {
        let (src, flattened) = limit_nesting(&decoded.text);
        if flattened > 0 {
            let (n, k) = (MAX_HTML_DEPTH, flattened);
            warnings.push(format!("HTML nested deeper than {n} elements: {k} deeper tags ignored"));
        }
        let h = html_to_text(&src);
        meta = h.meta;
        let lines = clean_lines(&h.out.text, LineMode::Html);
        let n = lines.text.len();
        let a = lines.align.then(&h.out.align, n).then(&decoded.align, n);
        (lines.text, a)
    } else {
        let mode = if raw.format == Format::Markdown {
            meta = front_matter_meta(&decoded.text);
            LineMode::Markdown
        } else if looks_like_markdown(&decoded.text) {
            LineMode::MarkdownInText
        } else {
            LineMode::Text
        };
        let lines = clean_lines(&decoded.text, mode);
        let a = lines.align.then(&decoded.align, lines.text.len());
        (lines.text, a)
    };
    if text.trim().is_empty() {
        return Err(ArticleError::Empty);
    }
    if !is_html {
        let found = byline_meta(&text);
        meta.published = meta.published.or(found.published);
        meta.url = meta.url.or(found.url);
    }
    // Input metadata (JSONL fields) wins over what the document says.
    let pick = |given: &Option<String>, found: Option<String>| given.clone().or(found);
    let mut meta = Meta {
        title: pick(&raw.meta.title, meta.title),
        url: pick(&raw.meta.url, meta.url),
        published: pick(&raw.meta.published, meta.published),
    };
    meta.published = meta.published.map(|p| normalize_date(&p));
    Ok(Cleaned { text, meta, alignment: align, warnings })
}

// ───────────────────────────── decoding ─────────────────────────────

/// Decoded article text with its alignment to the raw bytes.
struct Decoded {
    text: String,
    align: Alignment,
    invalid_bytes: usize,
}

const BINARY_SNIFF: usize = 8 * 1024;

fn decode(bytes: &[u8]) -> Result<Decoded, ArticleError> {
    let mut out = Out::default();
    let mut invalid = 0;
    if let Some(big_endian) = match bytes {
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => None,
    } {
        let body = &bytes[2..];
        let units = body.chunks_exact(2).map(|c| if big_endian { u16::from_be_bytes([c[0], c[1]]) } else { u16::from_le_bytes([c[0], c[1]]) });
        let mut pos = 2;
        let mut buf = [0u8; 4];
        for r in char::decode_utf16(units) {
            let (c, width) = match r {
                Ok(c) => (c, c.len_utf16() * 2),
                Err(_) => {
                    invalid += 2;
                    ('\u{FFFD}', 2)
                }
            };
            out.insert(c.encode_utf8(&mut buf), pos);
            pos += width;
        }
        if body.len() % 2 == 1 {
            invalid += 1;
            out.insert("\u{FFFD}", pos);
        }
    } else {
        let start = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let body = &bytes[start..];
        if body[..body.len().min(BINARY_SNIFF)].contains(&0) {
            return Err(ArticleError::Binary { reason: "NUL byte in the first 8 KiB".into() });
        }
        let mut pos = start;
        for chunk in body.utf8_chunks() {
            out.copy(chunk.valid(), pos);
            pos += chunk.valid().len();
            let bad = chunk.invalid();
            if !bad.is_empty() {
                invalid += bad.len();
                out.insert("\u{FFFD}", pos);
                pos += bad.len();
            }
        }
    }
    let (mut total, mut suspicious) = (0usize, 0usize);
    for c in out.text.chars() {
        total += 1;
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C')) {
            suspicious += 1;
        }
    }
    if total > 0 && suspicious * 10 > total {
        return Err(ArticleError::Binary {
            reason: format!("{suspicious} of {total} characters are replacement or control characters"),
        });
    }
    Ok(Decoded { text: out.text, align: out.align, invalid_bytes: invalid })
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']).chars().take(15).collect();
    let head = head.to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// Text that uses Markdown enough to strip its markup: at least two lines with a `#` heading,
/// `**bold**` or a `[link](…)`.
fn looks_like_markdown(text: &str) -> bool {
    static MD: Lazy<Regex> = Lazy::new(|| Regex::new(r"(?m)^[ \t]*#{1,6}[ \t]+\S|\*\*\S[^*\n]*\*\*|\]\((?:https?:|/)").unwrap());
    MD.find_iter(text).take(2).count() >= 2
}

// ───────────────────────────── lines ─────────────────────────────

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineMode {
    Text,
    /// A `.txt` file written in Markdown: headings, bold and links are stripped.
    MarkdownInText,
    /// A `.md` file: as above, plus `>` quote marks.
    Markdown,
    /// The text extracted from HTML.
    Html,
}

impl LineMode {
    fn markdown(self) -> bool {
        matches!(self, LineMode::Markdown | LineMode::MarkdownInText)
    }
}

/// Longest line checked against the boilerplate patterns; longer lines are always prose.
const MAX_BOILERPLATE_LINE: usize = 240;

/// Line pass: split into lines (LF, CRLF, CR), drop boilerplate and repeated headings, trim, tidy
/// markers and blank lines. Linear in the text's length.
fn clean_lines(src: &str, mode: LineMode) -> Out {
    let mut out = Out::default();
    let mut headings: HashSet<String> = HashSet::new();
    let bytes = src.as_bytes();
    let mut pending_breaks = 0usize; // line breaks owed before the next kept line
    let mut break_at = 0usize; // source offset those breaks stand for
    let mut i = 0;
    while i < bytes.len() {
        let mut end = i;
        while end < bytes.len() && bytes[end] != b'\n' && bytes[end] != b'\r' {
            end += 1;
        }
        let next = match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => end,
        };
        process_line(src, i, end, mode, &mut headings, &mut out, &mut pending_breaks, &mut break_at);
        i = next;
        if end == bytes.len() {
            break;
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn process_line(
    src: &str,
    start: usize,
    end: usize,
    mode: LineMode,
    headings: &mut HashSet<String>,
    out: &mut Out,
    pending_breaks: &mut usize,
    break_at: &mut usize,
) {
    let line = &src[start..end];
    let lead = line.len() - line.trim_start().len();
    let body = line.trim();
    let body_start = start + lead;
    if body.chars().all(|c| c.is_whitespace() || is_removed_control(c)) {
        if !out.text.is_empty() {
            *pending_breaks += 1;
        }
        return;
    }
    // Split off a block marker: Markdown heading `#`s, a `>` quote mark, a bullet.
    let mut rest = body;
    let mut rest_start = body_start;
    let mut bullet: Option<&'static str> = None;
    if mode.markdown() {
        if let Some(n) = heading_marks(rest) {
            let h = rest[n..].trim_start();
            rest_start += rest.len() - h.len();
            // A closing run of `#`s goes only when set off by a space (`# C#` keeps its `#`).
            let t = h.trim_end_matches('#');
            rest = if t.len() < h.len() && t.ends_with([' ', '\t']) && !t.trim_end().is_empty() { t.trim_end() } else { h };
        }
    }
    if mode == LineMode::Markdown {
        while let Some(q) = rest.strip_prefix('>') {
            let q = q.trim_start();
            rest_start += rest.len() - q.len();
            rest = q;
        }
    }
    if let Some(n) = bullet_marker(rest) {
        // an ASCII hyphen stays as written (annotators quote "- nervousness, tremor"); every
        // other marker becomes `* `
        bullet = Some(if rest.starts_with('-') { "- " } else { "* " });
        let b = rest[n..].trim_start();
        rest_start += rest.len() - b.len();
        rest = b;
    }
    if rest.is_empty() || is_rule(body) {
        return;
    }
    if rest.len() <= MAX_BOILERPLATE_LINE {
        let key = line_key(rest);
        if is_boilerplate(&key) {
            return;
        }
        if bullet.is_none() && heading_like(&key) && !headings.insert(key) {
            return; // repeats an earlier heading-like line
        }
    }
    // Keep the line.
    if !out.text.is_empty() {
        let n = (*pending_breaks + 1).min(2);
        out.insert(&"\n\n"[..n], *break_at);
    }
    *pending_breaks = 0;
    if let Some(marker) = bullet {
        out.insert(marker, body_start);
    }
    emit_inline(src, rest_start, rest_start + rest.len(), mode, out);
    *break_at = end;
}

fn is_removed_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{FEFF}'
}

/// Byte length of a Markdown heading's `#` marks (`## Title` → 2).
fn heading_marks(s: &str) -> Option<usize> {
    let n = s.bytes().take_while(|&b| b == b'#').count();
    ((1..=6).contains(&n) && s[n..].starts_with([' ', '\t'])).then_some(n)
}

/// Byte length of a list-item marker followed by whitespace (`- `, `* `, `• `, …).
fn bullet_marker(s: &str) -> Option<usize> {
    let c = s.chars().next()?;
    if !matches!(c, '-' | '*' | '+' | '•' | '◦' | '▪' | '▫' | '‣' | '●' | '○' | '■' | '□' | '–' | '·') {
        return None;
    }
    let n = c.len_utf8();
    s[n..].starts_with([' ', '\t', '\u{A0}']).then_some(n)
}

/// A horizontal rule or section mark: `---`, `***`, `___`, `===`, `###`, `~~~` (spaces allowed).
fn is_rule(s: &str) -> bool {
    let mut chars = s.chars().filter(|c| !c.is_whitespace());
    let Some(first) = chars.next() else { return false };
    matches!(first, '-' | '*' | '_' | '=' | '#' | '~' | '—' | '•' | '·') && {
        let mut n = 1;
        for c in chars {
            if c != first {
                return false;
            }
            n += 1;
        }
        n >= 3
    }
}

/// Copy `src[a..b]`, removing control characters and, for Markdown, emphasis marks, inline-code
/// backticks and link targets.
fn emit_inline(src: &str, a: usize, b: usize, mode: LineMode, out: &mut Out) {
    if !mode.markdown() {
        copy_filtered(src, a, b, false, out);
        return;
    }
    static LINK: Lazy<Regex> = Lazy::new(|| Regex::new(r#"!?\[([^\[\]\n]*)\]\(\s*[^()\s]*(?:\s+"[^"\n]*")?\s*\)"#).unwrap());
    let mut at = a;
    for caps in LINK.captures_iter(&src[a..b]) {
        let (Some(m), Some(t)) = (caps.get(0), caps.get(1)) else { continue };
        copy_filtered(src, at, a + m.start(), true, out);
        copy_filtered(src, a + t.start(), a + t.end(), true, out);
        at = a + m.end();
    }
    copy_filtered(src, at, b, true, out);
}

fn copy_filtered(src: &str, a: usize, b: usize, markdown: bool, out: &mut Out) {
    let s = &src[a..b];
    let bytes = s.as_bytes();
    let mut run = 0; // start of the pending verbatim run, relative to `a`
    let mut k = 0;
    while k < s.len() {
        let skip = if markdown && (s[k..].starts_with("**") || s[k..].starts_with("__")) {
            2
        } else if (markdown && bytes[k] == b'`') || (bytes[k] < 0x20 && bytes[k] != b'\t' && bytes[k] != b'\n') || bytes[k] == 0x7F {
            1
        } else if bytes[k] >= 0x80 {
            // Non-ASCII: C1 controls and a stray BOM are removed.
            let c = s[k..].chars().next().unwrap_or(' ');
            if is_removed_control(c) {
                c.len_utf8()
            } else {
                k += c.len_utf8();
                continue;
            }
        } else {
            k += 1;
            continue;
        };
        out.copy(&s[run..k], a + run);
        k += skip;
        run = k;
    }
    out.copy(&s[run..], a + run);
}

/// A line's comparison key: whitespace collapsed, Markdown emphasis marks removed.
fn line_key(s: &str) -> String {
    let mut key = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(w.chars().filter(|&c| c != '*' && c != '`' && !is_removed_control(c)));
    }
    key.trim_matches(|c: char| c == '_' || c.is_whitespace()).to_string()
}

/// A short line that reads like a heading (not a sentence): the kind a page repeats.
fn heading_like(key: &str) -> bool {
    let words = key.split(' ').count();
    key.len() <= 120
        && words <= 14
        && key.chars().any(char::is_alphabetic)
        && key.len() >= 4
        && !key.ends_with(['.', ',', ';', ':', '"', '”', '\''])
        && !key.starts_with(['"', '“', '\'', '‘'])
}

/// Whether a (short) line is site furniture rather than article text.
fn is_boilerplate(key: &str) -> bool {
    static PATTERNS: Lazy<Regex> = Lazy::new(|| {
        let joined = crate::rules::BOILERPLATE_LINES.alternation();
        Regex::new(&format!("(?is)^(?:{joined})$")).unwrap_or_else(|e| panic!("boilerplate_lines: {e}"))
    });
    PATTERNS.is_match(key) || is_action_bar(key)
}

/// A row of page actions: every item (split on `·`, `|`, `•`, `:`) is a known action word.
fn is_action_bar(key: &str) -> bool {
    const ACTIONS: &[&str] = &[
        "share", "share this", "save", "print", "email", "e-mail", "tweet", "pin it", "pin", "facebook", "twitter", "x",
        "pinterest", "linkedin", "whatsapp", "reddit", "report", "reply", "quote", "quick reply", "like", "give award",
        "back to top", "go up", "copy link", "permalink", "flag", "follow", "bookmark", "embed", "comment", "comments",
    ];
    static VOTES: Lazy<Regex> = Lazy::new(|| Regex::new(r"^[▲▼↑↓⬆⬇\s\d.,kK+-]+$").unwrap());
    let items: Vec<String> = key.split(['|', '·', '•', ':']).map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect();
    !items.is_empty()
        && items.iter().any(|it| ACTIONS.contains(&it.as_str()))
        && items.iter().all(|it| ACTIONS.contains(&it.as_str()) || VOTES.is_match(it))
}

// ───────────────────────────── markdown front matter ─────────────────────────────

/// `title:`, `date:`/`published:` and `url:`/`canonical:` from a YAML front-matter block. The block
/// itself is left in the text (its lines are short key: value pairs that annotation ignores).
fn front_matter_meta(text: &str) -> Meta {
    let mut meta = Meta::default();
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else { return meta };
    for line in rest.lines().take(50) {
        let line = line.trim();
        if line == "---" || line == "..." {
            break;
        }
        let Some((k, v)) = line.split_once(':') else { continue };
        let v = v.trim().trim_matches(['"', '\'']).trim();
        if v.is_empty() {
            continue;
        }
        match k.trim().to_ascii_lowercase().as_str() {
            "title" => meta.title.get_or_insert_with(|| v.to_string()),
            "date" | "published" | "pubdate" => meta.published.get_or_insert_with(|| v.to_string()),
            "url" | "canonical" | "canonical_url" => meta.url.get_or_insert_with(|| v.to_string()),
            _ => continue,
        };
    }
    meta
}

// ───────────────────────────── dates ─────────────────────────────

/// `YYYY-MM-DD` when `s` parses as a date (ISO 8601 / RFC 3339, `YYYY/MM/DD`, `YYYYMMDD`,
/// `12 March 2025`, `March 12, 2025`, RFC 2822); otherwise `s` trimmed, as found.
/// Plain-text web dumps carry their date and address in the byline near the top ("Published
/// March 9, 2026 | 7 min read", "Posted on July 22, 2025 by …", a bare `https://` line): take
/// the first of each within the first 20 lines.
fn byline_meta(text: &str) -> Meta {
    static DATE: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"(?i)^\W*(?:published|posted|updated|date)(?:\s+on)?\s*:?\s+(.{6,40}?\d{4})\b").unwrap()
    });
    static URL: Lazy<Regex> = Lazy::new(|| Regex::new(r"^\s*(https?://[^\s]+)\s*$").unwrap());
    let mut meta = Meta::default();
    for line in text.lines().take(20) {
        if meta.published.is_none() {
            if let Some(d) = DATE.captures(line).and_then(|c| parse_date(c[1].trim())) {
                meta.published = Some(d.format("%Y-%m-%d").to_string());
            }
        }
        if meta.url.is_none() {
            if let Some(c) = URL.captures(line) {
                meta.url = Some(c[1].to_string());
            }
        }
    }
    meta
}

pub fn normalize_date(s: &str) -> String {
    let t = s.trim();
    parse_date(t).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| t.to_string())
}

fn parse_date(t: &str) -> Option<chrono::NaiveDate> {
    static ISO: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])").unwrap());
    static COMPACT: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(\d{4})(\d{2})(\d{2})(?:$|T)").unwrap());
    static DMY: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"^(?:[A-Za-z]{3,9}\.?,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b").unwrap());
    static MDY: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"^(?:[A-Za-z]{3,9}\.?,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b").unwrap());
    let num = |s: &str| s.parse::<u32>().ok();
    let ymd = |y: &str, m: u32, d: &str| chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m, num(d)?);
    if let Some(c) = ISO.captures(t).or_else(|| COMPACT.captures(t)) {
        return ymd(&c[1], num(&c[2])?, &c[3]);
    }
    if let Some(c) = DMY.captures(t) {
        return ymd(&c[3], month(&c[2])?, &c[1]);
    }
    if let Some(c) = MDY.captures(t) {
        return ymd(&c[3], month(&c[1])?, &c[2]);
    }
    None
}

#[cfg(test)]
mod byline_tests {
    use super::*;

    #[test]
    fn byline_dates_and_urls_from_plain_text() {
        let m = byline_meta("Site\nTitle\nBy A | Reviewed\nPublished March 9, 2026 | 7 min read\nhttps://example.com/a-b\n\nBody published in 2012.");
        assert_eq!(m.published.as_deref(), Some("2026-03-09"));
        assert_eq!(m.url.as_deref(), Some("https://example.com/a-b"));
        let m = byline_meta("Posted on July 22, 2025 by Tess · 14 comments");
        assert_eq!(m.published.as_deref(), Some("2025-07-22"));
        let m = byline_meta("Published Nov. 18, 2025, 6:05 a.m. CT | Updated Nov. 18, 2025");
        assert_eq!(m.published.as_deref(), Some("2025-11-18"));
        let m = byline_meta("Guidelines published in 2012 by the AAN rated magnesium.");
        assert_eq!(m.published, None, "a date in running text is not the article's");
    }
}

fn month(name: &str) -> Option<u32> {
    const M: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let l = name.to_ascii_lowercase();
    let full = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
    let i = M.iter().position(|m| l.starts_with(m))?;
    // "Mar" or "March" (or "Sept"), not "Marathon".
    (l.len() == 3 || full[i].starts_with(&l) || l == "sept").then_some(i as u32 + 1)
}

// ───────────────────────────── HTML ─────────────────────────────

struct HtmlText {
    out: Out,
    meta: Meta,
}

/// Elements dropped with everything inside them.
const JUNK_TAGS: &[&str] = &[
    "nav", "aside", "script", "style", "noscript", "template", "iframe", "form", "footer", "svg", "button", "select",
    "textarea", "input", "object", "embed", "canvas", "video", "audio", "map", "dialog", "menu", "head", "title", "math",
];

/// Block elements: a line break before and after.
const LINE_TAGS: &[&str] = &[
    "div", "li", "br", "tr", "td", "th", "dt", "dd", "figcaption", "caption", "address", "center", "details", "summary",
    "legend", "fieldset", "main", "header", "body", "option",
];

/// Block elements set off by a blank line.
const PARA_TAGS: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "dl", "table", "section", "article", "figure",
    "pre", "hr",
];

/// Class/id tokens that mark page furniture.
const JUNK_TOKENS: &[&str] = &[
    "nav", "navbar", "navigation", "menu", "sidebar", "breadcrumb", "breadcrumbs", "cookie", "cookies", "consent", "gdpr",
    "newsletter", "subscribe", "subscription", "signup", "comment", "comments", "commentlist", "disqus", "respond",
    "share", "sharing", "sharebar", "social", "related", "recommended", "ad", "ads", "advert", "adverts",
    "advertisement", "adsbygoogle", "sponsored", "promo", "popup", "modal", "masthead", "outbrain", "taboola", "toc",
];

/// Prefixes of class/id tokens that mark page furniture (`cookie-notice`, `commentform`, …).
const JUNK_PREFIXES: &[&str] = &[
    "cookie", "consent", "newsletter", "subscri", "breadcrumb", "sidebar", "advert", "sharing", "sharedaddy",
    "social", "related", "disqus", "comment",
];

const JUNK_ROLES: &[&str] = &["navigation", "banner", "complementary", "contentinfo", "search", "dialog", "alertdialog", "menu", "menubar"];

fn attr_junk(el: &scraper::node::Element) -> bool {
    if matches!(el.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
        return false; // headings carry ids made from their own text
    }
    if el.attr("hidden").is_some() {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    if el.attr("role").is_some_and(|r| JUNK_ROLES.contains(&r.trim().to_ascii_lowercase().as_str())) {
        return true;
    }
    let tokens = |v: &str| v.to_ascii_lowercase().split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_string).collect::<Vec<_>>();
    let junk_token = |tok: &str| {
        JUNK_TOKENS.contains(&tok) || (JUNK_PREFIXES.iter().any(|p| tok.starts_with(p)) && !tok.starts_with("commentary"))
    };
    let names = format!("{} {}", el.attr("class").unwrap_or(""), el.attr("aria-label").unwrap_or(""));
    if tokens(&names).iter().any(|t| junk_token(t)) {
        return true;
    }
    // Ids are often made from a section's own words ("social-anxiety-disorder"): only short
    // ids that name furniture exactly ("comments", "cookie-banner", "related-posts") count.
    let id = tokens(el.attr("id").unwrap_or(""));
    id.len() <= 2 && id.iter().any(|t| JUNK_TOKENS.contains(&t.as_str()))
}

/// Non-whitespace text bytes under every element of the subtree (one pass, no recursion).
fn text_sizes(root: ego_tree::NodeRef<'_, scraper::Node>) -> HashMap<ego_tree::NodeId, usize> {
    use ego_tree::iter::Edge;
    let mut sizes = HashMap::new();
    let mut stack: Vec<usize> = Vec::new();
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) => {
                if let scraper::Node::Text(t) = n.value() {
                    if let Some(top) = stack.last_mut() {
                        *top += t.bytes().filter(|b| !b.is_ascii_whitespace()).count();
                    }
                } else if n.value().is_element() {
                    stack.push(0);
                }
            }
            Edge::Close(n) => {
                if n.value().is_element() {
                    let size = stack.pop().unwrap_or(0);
                    if let Some(top) = stack.last_mut() {
                        *top += size;
                    }
                    sizes.insert(n.id(), size);
                }
            }
        }
    }
    sizes
}

/// Open elements the HTML parser is given at most; deeper start tags (and as many end tags) are
/// blanked. Real pages nest a few dozen deep; 100k unclosed `<div><span><b>` took the parser
/// 168 s (its formatting-element bookkeeping is quadratic in the depth).
const MAX_HTML_DEPTH: usize = 256;

/// Elements whose end is implied by a sibling (`<p>`, `<li>`, table cells, …) or that are void
/// (`<br>`, `<img>`): they do not nest, so they do not count towards the depth.
const NON_NESTING_TAGS: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "tbody",
    "thead", "tfoot", "colgroup", "caption", "html", "head", "body", "area", "base", "br", "col",
    "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose content is raw text: a `<` inside them is not a tag.
const RAW_TEXT_TAGS: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

/// Flatten HTML nested deeper than [`MAX_HTML_DEPTH`] before parsing, in one pass: a start tag
/// past the depth is replaced by spaces of its own length (so every byte offset, and with it the
/// alignment to the raw input, is unchanged), and so are as many end tags after it. Comments,
/// raw-text elements and quoted attribute values are skipped as the tokenizer would. Returns the
/// text and the number of start tags blanked.
fn limit_nesting(src: &str) -> (std::borrow::Cow<'_, str>, usize) {
    let b = src.as_bytes();
    let find = |from: usize, needle: &[u8]| -> Option<usize> {
        let at = b.get(from..)?.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle));
        at.map(|i| from + i)
    };
    let (mut depth, mut over, mut flattened) = (0usize, 0usize, 0usize);
    let mut blank: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let lt = i + off;
        if b[lt..].starts_with(b"<!--") {
            i = find(lt + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let close = b.get(lt + 1) == Some(&b'/');
        let name_start = lt + 1 + usize::from(close);
        let name_len = b[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            // `<!doctype`, `<?xml`, a stray `<`: not an element
            i = lt + 1;
            continue;
        }
        // the tag ends at the first `>` outside a quoted attribute value
        let mut end = name_start + name_len;
        let mut quote = None;
        while end < b.len() {
            match (quote, b[end]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            end += 1;
        }
        let end = (end + 1).min(b.len());
        let name = src[name_start..name_start + name_len].to_ascii_lowercase();
        i = end;
        if !close && RAW_TEXT_TAGS.contains(&name.as_str()) {
            let closing = format!("</{name}");
            i = find(end, closing.as_bytes()).unwrap_or(b.len());
            continue;
        }
        if NON_NESTING_TAGS.contains(&name.as_str()) || (!close && b[..end].ends_with(b"/>")) {
            continue;
        }
        if !close {
            if depth >= MAX_HTML_DEPTH {
                blank.push((lt, end));
                over += 1;
                flattened += 1;
            } else {
                depth += 1;
            }
        } else if over > 0 {
            blank.push((lt, end));
            over -= 1;
        } else {
            depth = depth.saturating_sub(1);
        }
    }
    if blank.is_empty() {
        return (std::borrow::Cow::Borrowed(src), 0);
    }
    let mut bytes = b.to_vec();
    for (a, z) in blank {
        bytes[a..z].fill(b' ');
    }
    // Each blanked range runs from a `<` to after a `>` (or the end): whole characters, so the
    // text is still UTF-8 (the lossy path is never taken).
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    (std::borrow::Cow::Owned(text), flattened)
}

fn html_to_text(src: &str) -> HtmlText {
    let doc = scraper::Html::parse_document(src);
    let root = doc.tree.root();
    let sizes = text_sizes(root);
    let size = |n: ego_tree::NodeRef<'_, scraper::Node>| sizes.get(&n.id()).copied().unwrap_or(0);

    // Main content: the largest <article> that is not itself furniture, else <main>, else <body>.
    let mut article = None;
    let mut main = None;
    let mut body = None;
    for n in root.descendants() {
        let Some(el) = n.value().as_element() else { continue };
        match el.name() {
            "article" if !in_junk(n) && article.is_none_or(|a| size(a) < size(n)) => article = Some(n),
            "main" if main.is_none() && !in_junk(n) => main = Some(n),
            "body" if body.is_none() => body = Some(n),
            _ if main.is_none() && el.attr("role").is_some_and(|r| r.eq_ignore_ascii_case("main")) && !in_junk(n) => main = Some(n),
            _ => {}
        }
    }
    let fallback = body.unwrap_or(root);
    // An <article> or <main> holding under a quarter of the page's text is a teaser, not the content.
    let mut candidates: Vec<_> =
        [article, main].into_iter().flatten().filter(|n| size(*n) > 0 && size(*n) * 4 >= size(fallback)).collect();
    candidates.push(fallback);
    let mut out = Out::default();
    let mut content_root = fallback;
    for cand in candidates {
        out = extract(cand, src, &sizes);
        content_root = cand;
        if !out.text.trim().is_empty() {
            break;
        }
    }
    let meta = html_meta(&doc, content_root);
    HtmlText { out, meta }
}

/// Whether the node sits inside furniture by tag (an `<article>` card inside `<aside>`). Class
/// names are not trusted here: a page's `<body class="has-sidebar">` must not disqualify it.
fn in_junk(n: ego_tree::NodeRef<'_, scraper::Node>) -> bool {
    n.ancestors().any(|a| a.value().as_element().is_some_and(|el| JUNK_TAGS.contains(&el.name())))
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Line,
    Para,
}

struct Emitter<'s> {
    src: &'s str,
    out: Out,
    gap: Gap,
    /// Source offset the pending gap stands for.
    gap_at: usize,
    /// A list item has opened and not yet printed its `* `.
    bullet: bool,
    /// Where the next text node is searched for in the source.
    cursor: usize,
    /// Bytes that failed searches may still scan: keeps the worst case linear.
    fail_budget: usize,
}

impl Emitter<'_> {
    fn want(&mut self, g: Gap) {
        if g > self.gap {
            self.gap = g;
            self.gap_at = self.cursor;
        }
    }

    /// Find `needle` in the source at or after the cursor. A hit costs its distance from the
    /// cursor (which then moves there); a miss costs the rest of the source, paid from a budget
    /// of a few source lengths, after which searching stops (nodes map to the cursor).
    fn locate(&mut self, needle: &str) -> Option<usize> {
        let from = self.cursor.min(self.src.len());
        if needle.is_empty() || self.fail_budget < self.src.len() - from {
            return None;
        }
        let hit = self.src[from..].find(needle).map(|p| from + p);
        if hit.is_none() {
            self.fail_budget -= self.src.len() - from;
        }
        hit
    }

    fn text(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        // Where is this node in the source? Find an anchor — a run of ASCII letters/digits near
        // its start, which cannot have been written as an entity — then check whether the whole
        // node follows verbatim from there (word-level alignment) or not (the node maps to the
        // anchor). Searches start at the cursor, so their total cost stays linear.
        let lead = t.len() - t.trim_start_matches(is_html_space).len();
        let body = &t[lead..];
        let (anchor_at, anchor) = ascii_anchor(body);
        let found = (!anchor.is_empty()).then(|| self.locate(anchor)).flatten();
        // `exact = Some(p)`: body starts verbatim at source byte p.
        let exact = found.and_then(|q| q.checked_sub(anchor_at)).filter(|&p| {
            p >= self.cursor.min(self.src.len()) && self.src.get(p..).is_some_and(|rest| rest.starts_with(body))
        });
        let approx = exact.or(found).unwrap_or(self.cursor);
        if t.starts_with(is_html_space) {
            self.want(Gap::Space);
        }
        let mut any = false;
        let mut k = 0;
        for word in t.split(is_html_space) {
            let wstart = k;
            k += word.len();
            // advance over the separator char (if any)
            if k < t.len() {
                k += t[k..].chars().next().map_or(1, char::len_utf8);
            }
            if word.is_empty() {
                continue;
            }
            any = true;
            if !self.out.text.is_empty() {
                let sep = match self.gap {
                    Gap::None => "",
                    Gap::Space => " ",
                    Gap::Line => "\n",
                    Gap::Para => "\n\n",
                };
                let at = if self.gap == Gap::Space { exact.map_or(approx, |p| p + (wstart - lead)) } else { self.gap_at };
                self.out.insert(sep, at);
            }
            if self.bullet {
                self.out.insert("* ", approx);
                self.bullet = false;
            }
            self.gap = Gap::Space; // words inside a node are separated by one space
            match exact {
                Some(p) => self.out.copy(word, p + (wstart - lead)),
                None => self.out.insert(word, approx),
            }
        }
        if any {
            self.gap = Gap::None;
        }
        if t.ends_with(is_html_space) {
            self.want(Gap::Space);
        }
        self.cursor = match (exact, found) {
            (Some(p), _) => p + body.len(),
            (None, Some(q)) => q + anchor.len(),
            (None, None) => self.cursor,
        };
    }
}

/// The first run of 3–24 ASCII letters/digits in the first 256 bytes of `s` (or a shorter run if
/// none is that long), with its byte offset; empty when there is none.
fn ascii_anchor(s: &str) -> (usize, &str) {
    let b = s.as_bytes();
    let lim = b.len().min(256);
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < lim {
        if b[i].is_ascii_alphanumeric() {
            let st = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() && i - st < 24 {
                i += 1;
            }
            if i - st >= 3 {
                return (st, &s[st..i]);
            }
            if best.is_none_or(|(a, z)| i - st > z - a) {
                best = Some((st, i));
            }
        } else {
            i += 1;
        }
    }
    best.map_or((0, ""), |(a, z)| (a, &s[a..z]))
}

/// Whitespace for collapsing: Unicode whitespace plus control characters.
fn is_html_space(c: char) -> bool {
    c.is_whitespace() || c.is_control() || c == '\u{FEFF}'
}

/// Walk the content root and emit its text with block structure.
fn extract(root: ego_tree::NodeRef<'_, scraper::Node>, src: &str, sizes: &HashMap<ego_tree::NodeId, usize>) -> Out {
    use ego_tree::iter::Edge;
    let root_size = sizes.get(&root.id()).copied().unwrap_or(0);
    let mut e = Emitter {
        src,
        out: Out::default(),
        gap: Gap::None,
        gap_at: 0,
        bullet: false,
        cursor: 0,
        fail_budget: src.len().saturating_mul(4).saturating_add(1 << 20),
    };
    let mut skip: Option<ego_tree::NodeId> = None;
    let mut in_article = 0usize;
    let root_is_content = matches!(root_tag(root), Some(t) if t != "body" && t != "html");
    for edge in root.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip.is_some() {
                    continue;
                }
                match n.value() {
                    scraper::Node::Text(t) => e.text(t),
                    scraper::Node::Element(el) => {
                        let name = el.name();
                        let size = sizes.get(&n.id()).copied().unwrap_or(0);
                        let junk = n != root
                            && (JUNK_TAGS.contains(&name)
                                // a site header; an article's own header (inside <article> or
                                // the chosen <main>) holds its headline and is kept
                                || (name == "header" && in_article == 0 && !root_is_content)
                                // furniture by id/class, unless it holds most of the content
                                || (attr_junk(el) && size * 10 < root_size * 6));
                        if junk {
                            skip = Some(n.id());
                            continue;
                        }
                        if name == "article" {
                            in_article += 1;
                        }
                        open_close_gap(&mut e, name);
                        if name == "li" {
                            e.bullet = true;
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if let Some(s) = skip {
                    if s == n.id() {
                        skip = None;
                        // Dropped furniture still separates what is around it.
                        e.want(Gap::Space);
                    }
                    continue;
                }
                if let Some(el) = n.value().as_element() {
                    let name = el.name();
                    if name == "article" {
                        in_article = in_article.saturating_sub(1);
                    }
                    open_close_gap(&mut e, name);
                    if name == "li" {
                        e.bullet = false;
                    }
                }
            }
        }
    }
    e.out
}

fn root_tag(n: ego_tree::NodeRef<'_, scraper::Node>) -> Option<&str> {
    n.value().as_element().map(|el| el.name())
}

fn open_close_gap(e: &mut Emitter<'_>, name: &str) {
    if PARA_TAGS.contains(&name) {
        e.want(Gap::Para);
    } else if LINE_TAGS.contains(&name) {
        e.want(Gap::Line);
    }
}

// ───────────────────────────── HTML metadata ─────────────────────────────

#[derive(Default)]
struct Found {
    og_title: Option<String>,
    title_tag: Option<String>,
    ld_title: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    ld_url: Option<String>,
    meta_date: Option<String>,
    time_date: Option<String>,
    ld_date: Option<String>,
}

fn tidy(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

fn set(slot: &mut Option<String>, v: Option<&str>) {
    if slot.is_none() {
        *slot = v.and_then(tidy);
    }
}

fn html_meta(doc: &scraper::Html, content_root: ego_tree::NodeRef<'_, scraper::Node>) -> Meta {
    let mut f = Found::default();
    let mut ld_scripts = Vec::new();
    for n in doc.tree.root().descendants() {
        let Some(el) = n.value().as_element() else { continue };
        match el.name() {
            "title" if f.title_tag.is_none() && !n.ancestors().any(|a| root_tag(a) == Some("svg")) => {
                let t: String = n.children().filter_map(|c| c.value().as_text().map(|t| t.to_string())).collect();
                f.title_tag = tidy(&t);
            }
            "meta" => {
                let key = el.attr("property").or(el.attr("name")).or(el.attr("itemprop")).unwrap_or("").trim().to_ascii_lowercase();
                let content = el.attr("content");
                match key.as_str() {
                    "og:title" | "twitter:title" => set(&mut f.og_title, content),
                    "og:url" => set(&mut f.og_url, content),
                    "article:published_time" | "datepublished" | "date" | "pubdate" | "publishdate" | "publish-date"
                    | "dc.date" | "dc.date.issued" | "dcterms.date" | "dcterms.issued" | "citation_publication_date"
                    | "sailthru.date" | "parsely-pub-date" | "og:published_time" => set(&mut f.meta_date, content),
                    _ => {}
                }
            }
            "link" => {
                let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") {
                    set(&mut f.canonical, el.attr("href"));
                }
            }
            "script" if el.attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) => {
                let t: String = n.children().filter_map(|c| c.value().as_text().map(|t| t.to_string())).collect();
                ld_scripts.push(t);
            }
            _ => {}
        }
    }
    // <time datetime> inside the content (not the page chrome).
    for n in content_root.descendants() {
        if let Some(el) = n.value().as_element() {
            if el.name() == "time" && el.attr("datetime").is_some_and(|d| !d.trim().is_empty()) {
                set(&mut f.time_date, el.attr("datetime"));
                break;
            }
        }
    }
    // JSON-LD: the most article-like object over all scripts (invalid JSON is ignored).
    let values: Vec<serde_json::Value> = ld_scripts
        .iter()
        .filter_map(|s| serde_json::from_str(s.trim().trim_start_matches("<!--").trim_end_matches("-->")).ok())
        .collect();
    let mut best: Option<(u8, &serde_json::Map<String, serde_json::Value>)> = None;
    for v in &values {
        ld_objects(v, 0, &mut |o| {
            let r = ld_rank(o);
            if r > 0 && best.is_none_or(|(b, _)| r > b) {
                best = Some((r, o));
            }
        });
    }
    if let Some((_, o)) = best {
        let s = |k: &str| o.get(k).and_then(ld_str);
        set(&mut f.ld_title, s("headline").or_else(|| s("name")).as_deref());
        set(&mut f.ld_date, s("datePublished").or_else(|| s("dateCreated")).as_deref());
        set(&mut f.ld_url, s("url").or_else(|| o.get("mainEntityOfPage").and_then(ld_id)).as_deref());
    }
    Meta {
        title: f.og_title.or(f.title_tag).or(f.ld_title),
        url: f.canonical.or(f.og_url).or(f.ld_url),
        published: f.meta_date.or(f.time_date).or(f.ld_date),
    }
}

/// Visit every JSON-LD object, descending into arrays and `@graph` (depth-limited).
fn ld_objects<'v>(v: &'v serde_json::Value, depth: usize, f: &mut dyn FnMut(&'v serde_json::Map<String, serde_json::Value>)) {
    if depth > 8 {
        return;
    }
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| ld_objects(x, depth + 1, f)),
        serde_json::Value::Object(o) => {
            f(o);
            if let Some(g) = o.get("@graph") {
                ld_objects(g, depth + 1, f);
            }
        }
        _ => {}
    }
}

/// How article-like a JSON-LD object is: 3 for article types, 2 for web pages, 1 for anything
/// else with a headline or publication date, 0 otherwise.
fn ld_rank(o: &serde_json::Map<String, serde_json::Value>) -> u8 {
    let types: Vec<String> = match o.get("@type") {
        Some(serde_json::Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|x| x.as_str()).map(str::to_ascii_lowercase).collect(),
        _ => vec![],
    };
    if types.iter().any(|t| t.ends_with("article") || t == "blogposting" || t == "report" || t == "healthtopiccontent") {
        3
    } else if types.iter().any(|t| t.ends_with("webpage")) {
        2
    } else if o.contains_key("headline") || o.contains_key("datePublished") {
        1
    } else {
        0
    }
}

fn ld_str(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(a) => a.iter().find_map(ld_str),
        serde_json::Value::Object(o) => o.get("@value").and_then(ld_str),
        _ => None,
    }
}

fn ld_id(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(o) => o.get("@id").or(o.get("url")).and_then(ld_str),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue18_deep_nesting_is_flattened_offsets_kept() {
        let deep = "<div><span><b>".repeat(1000);
        let page = format!("<html><body>{deep}<p>Aspirin may help.</p></body></html>");
        let (flat, n) = limit_nesting(&page);
        assert_eq!(flat.len(), page.len(), "same byte length: the alignment holds");
        assert_eq!(n, 3000 - MAX_HTML_DEPTH);
        assert!(flat.contains("<p>Aspirin may help.</p>"));
        // Shallow pages, comments, scripts, quoted `>` and void or self-closing tags are untouched.
        let shallow = concat!(
            r#"<!-- <div><div> --><script>if (a<b) "<div>"</script>"#,
            r#"<a title="x>y">t</a><br><img/><p>x<p>y"#
        );
        let shallow = shallow.to_string() + &"<p>z".repeat(10_000);
        assert!(matches!(limit_nesting(&shallow), (std::borrow::Cow::Borrowed(_), 0)));
        let bytes = page.into_bytes();
        let raw = RawArticle::new("d".into(), "d".into(), Format::Html, bytes, Meta::default());
        let c = clean(&raw).unwrap();
        assert!(c.text.contains("Aspirin may help."), "{}", c.text);
        assert!(c.warnings.iter().any(|w| w.contains("nested deeper")), "{:?}", c.warnings);
    }

    #[test]
    fn alignment_composes_through_inserted_and_copied_runs() {
        // mid = "ab" + "--" (inserted at raw 10) + "cd" (copied from raw 20)
        let mut inner = Alignment::default();
        inner.push(0, 0);
        inner.push_inserted(2, 10);
        inner.push(4, 20);
        // outer = mid[1..] copied, then "X" inserted at mid 5
        let mut outer = Alignment::default();
        outer.push(0, 1);
        outer.push_inserted(5, 5);
        let a = outer.then(&inner, 6);
        assert_eq!(a.to_raw(0), 1); // 'b'
        assert_eq!(a.to_raw(1), 10); // '-'
        assert_eq!(a.to_raw(3), 20); // 'c'
        assert_eq!(a.to_raw(4), 21); // 'd'
        assert_eq!(a.to_raw(5), 21); // 'X' stands for mid 5 = raw 21
        assert!(a.is_copied(3) && !a.is_copied(1));
    }

    #[test]
    fn dates_normalise_or_stay_as_found() {
        assert_eq!(normalize_date("2025-03-12T09:41:00+00:00"), "2025-03-12");
        assert_eq!(normalize_date("12 March 2025"), "2025-03-12");
        assert_eq!(normalize_date("March 12th, 2025"), "2025-03-12");
        assert_eq!(normalize_date("Wed, 12 Mar 2025 10:00:00 +0000"), "2025-03-12");
        assert_eq!(normalize_date("20250312"), "2025-03-12");
        assert_eq!(normalize_date("2025-02-30"), "2025-02-30"); // not a date: as found
        assert_eq!(normalize_date(" last spring "), "last spring");
    }

    #[test]
    fn boilerplate_list_keeps_prose() {
        for junk in ["fbpx", "Post Comment Cancel Reply", "Share this:", "Leave a Reply", "11 comments", "Subscribe To Our Blog",
            "Share · Save · Print",
            "We use cookies to improve your experience. Accept all | Manage preferences", "Related posts",
            "© 2025 All rights reserved. Follow us: Instagram | TikTok | YouTube", "▲ 98 ▼ | Reply", "Like Loading..."] {
            assert!(is_boilerplate(&line_key(junk)), "{junk}");
        }
        for prose in ["Share your concerns with your doctor before stopping.", "Ad hoc analyses suggested a benefit.",
            "Related symptoms include fatigue and dizziness.", "Home | Blog | Lessons | Contact",
            "Related: Rituximab vs. ocrelizumab", "Home > Health > Diabetes", "READ MORE: drink that melts belly fat",
            "Comments from patients were mixed.", "Subscribe to the idea that less is more, she said.", "Reply hazy, try again."] {
            assert!(!is_boilerplate(&line_key(prose)), "{prose}");
        }
    }
}
