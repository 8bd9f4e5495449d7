//! Sentences → model inputs. Word-piece tokenisation with the shipped `tokenizer.json` (HF
//! `tokenizers`; its default 128-token padding/truncation is switched off), byte offsets of every
//! piece into its sentence, and length-sorted batches padded only to the longest member.

use crate::lexicon::Lexicon;
use anyhow::{Context, Result};
use std::path::Path;
use tch::{Device, Kind, Tensor};

/// Word pieces of one text (no [CLS]/[SEP]: `Batch::new` adds them).
#[derive(Debug, Clone, PartialEq)]
pub struct Pieces {
    pub ids: Vec<i64>,
    /// Byte offsets of each piece in the text it came from.
    pub offsets: Vec<(usize, usize)>,
    /// Index of the whitespace/punctuation-delimited word each piece belongs to.
    pub words: Vec<u32>,
    /// What the shipped gazetteers say of each piece ([`LexTag`] as a number): an input feature
    /// of the encoder, so the model weighs the vocabularies against the context.
    pub lex: Vec<u8>,
}

/// Gazetteer tag of a word piece, fed to the encoder next to the piece itself: whether the
/// piece begins or continues a word-bounded match of a drug or condition name in the shipped
/// vocabularies (lexicon.rs; names it lists as not entities are not marked). A name that is
/// both (rare) counts as a drug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum LexTag {
    None = 0,
    BeginDrug = 1,
    InsideDrug = 2,
    BeginCondition = 3,
    InsideCondition = 4,
}

impl LexTag {
    /// Number of tags (rows of the encoder's gazetteer embedding).
    pub const COUNT: usize = 5;
}

/// Gazetteer tags of the pieces of `text` whose byte offsets are `offsets`.
pub fn lex_tags(lexicon: &Lexicon, text: &str, offsets: &[(usize, usize)]) -> Vec<u8> {
    let mut tags = vec![LexTag::None as u8; offsets.len()];
    let mut i = 0;
    for m in lexicon.find(text) {
        let e = lexicon.entry(m.entry);
        let (begin, inside) = match (e.blocked, e.drug, e.condition) {
            (true, _, _) | (false, None, None) => continue,
            (false, Some(_), _) => (LexTag::BeginDrug, LexTag::InsideDrug),
            (false, None, Some(_)) => (LexTag::BeginCondition, LexTag::InsideCondition),
        };
        // matches come in text order and do not overlap: one pass over the pieces
        while i < offsets.len() && offsets[i].0 < m.span.start {
            i += 1;
        }
        let mut first = true;
        while i < offsets.len() && offsets[i].0 < m.span.end {
            tags[i] = if first { begin } else { inside } as u8;
            first = false;
            i += 1;
        }
    }
    tags
}

impl Pieces {
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    /// Split into windows of at most `max` pieces, cutting between words where possible.
    pub fn windows(&self, max: usize) -> Vec<Pieces> {
        let mut out = Vec::new();
        let mut start = 0;
        while start < self.len() {
            let mut end = (start + max).min(self.len());
            if end < self.len() {
                // back off to a word start so no word is split across windows
                let mut e = end;
                while e > start && self.words[e] == self.words[e - 1] {
                    e -= 1;
                }
                if e > start {
                    end = e;
                }
            }
            out.push(Pieces {
                ids: self.ids[start..end].to_vec(),
                offsets: self.offsets[start..end].to_vec(),
                words: self.words[start..end].to_vec(),
                lex: self.lex[start..end].to_vec(),
            });
            start = end;
        }
        out
    }
}

#[derive(Clone)]
pub struct Encoder {
    tokenizer: tokenizers::Tokenizer,
    pub cls_id: i64,
    pub sep_id: i64,
    pub pad_id: i64,
}

impl Encoder {
    pub fn from_file(path: &Path) -> Result<Self> {
        let mut tokenizer = tokenizers::Tokenizer::from_file(path)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot load tokenizer {}", path.display()))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("cannot disable truncation")?;
        let id = |t: &str| -> Result<i64> {
            tokenizer.token_to_id(t).map(i64::from).with_context(|| format!("tokenizer has no {t} token"))
        };
        Ok(Encoder { cls_id: id("[CLS]")?, sep_id: id("[SEP]")?, pad_id: id("[PAD]")?, tokenizer })
    }

    /// Word pieces of `text` with byte offsets into it.
    pub fn pieces(&self, text: &str) -> Result<Pieces> {
        let enc = self.tokenizer.encode(text, false).map_err(|e| anyhow::anyhow!("tokenizer: {e}"))?;
        let mut p = Pieces { ids: Vec::with_capacity(enc.len()), offsets: Vec::with_capacity(enc.len()), words: Vec::new(), lex: Vec::new() };
        for ((&id, &off), w) in enc.get_ids().iter().zip(enc.get_offsets()).zip(enc.get_word_ids()) {
            p.ids.push(i64::from(id));
            p.offsets.push(off);
            p.words.push(w.unwrap_or(u32::MAX));
        }
        p.lex = lex_tags(Lexicon::get(), text, &p.offsets);
        Ok(p)
    }
}

/// A padded batch: `[CLS] pieces [SEP] [PAD]…`, with the attention mask.
pub struct Batch {
    pub input_ids: Tensor,
    pub mask: Tensor,
    /// Gazetteer tags ([`LexTag`]; [CLS], [SEP] and padding: none).
    pub lex: Tensor,
    /// Pieces per row (without [CLS]/[SEP]).
    pub lens: Vec<usize>,
    pub width: usize,
}

impl Batch {
    pub fn new(enc: &Encoder, rows: &[&Pieces], device: Device) -> Batch {
        let width = rows.iter().map(|p| p.len()).max().unwrap_or(0) + 2;
        let mut ids = vec![enc.pad_id; rows.len() * width];
        let mut mask = vec![0i64; rows.len() * width];
        let mut lex = vec![0i64; rows.len() * width];
        for (r, p) in rows.iter().enumerate() {
            for (t, &l) in lex[r * width + 1..].iter_mut().zip(&p.lex) {
                *t = i64::from(l);
            }
            let row = &mut ids[r * width..(r + 1) * width];
            row[0] = enc.cls_id;
            row[1..=p.len()].copy_from_slice(&p.ids);
            row[p.len() + 1] = enc.sep_id;
            mask[r * width..r * width + p.len() + 2].fill(1);
        }
        let shape = [rows.len() as i64, width as i64];
        Batch {
            input_ids: Tensor::from_slice(&ids).view(shape).to_device(device),
            mask: Tensor::from_slice(&mask).view(shape).to_kind(Kind::Int64).to_device(device),
            lex: Tensor::from_slice(&lex).view(shape).to_device(device),
            lens: rows.iter().map(|p| p.len()).collect(),
            width,
        }
    }
}

/// Group row indices into batches of equal length: sort by length, then cut each length's
/// rows into batches of at most `max_rows` rows and at most `max_tokens` tokens. No row is ever
/// padded, so no compute is thrown away, and a row's result does not depend on which other
/// rows share its batch (the output of a batch run does not depend on how articles were
/// chunked, resumed or threaded).
pub fn length_batches(lens: &[usize], max_rows: usize, max_tokens: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lens.len()).collect();
    order.sort_by_key(|&i| (lens[i], i));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    for i in order {
        let width = lens[i] + 2;
        if let Some(&first) = cur.first() {
            if lens[first] != lens[i] || cur.len() == max_rows.max(1) || (cur.len() + 1) * width > max_tokens {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(i);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Byte offsets of `pieces` laid out in `text` in order.
    fn offsets_of(text: &str, pieces: &[&str]) -> Vec<(usize, usize)> {
        let mut at = 0;
        pieces
            .iter()
            .map(|p| {
                let s = at + text[at..].find(p).unwrap();
                at = s + p.len();
                (s, at)
            })
            .collect()
    }

    #[test]
    fn lexicon_tags_mark_the_pieces_of_gazetteer_names() {
        let text = "🙂 服药 Took ibuprofen for migraines , not aspirin-free ideas .";
        let pieces = ["🙂", "服", "药", "took", "ib", "##up", "##ro", "##fen", "for", "mig", "##raine", "##s", ",", "not", "as", "##pi", "##rin", "-", "free", "ideas", "."];
        let offsets = offsets_of(&text.to_lowercase(), &pieces.map(|p| p.trim_start_matches('#')));
        let tags = lex_tags(Lexicon::get(), text, &offsets);
        let (n, bd, id, bc, ic) = (0, LexTag::BeginDrug as u8, LexTag::InsideDrug as u8, LexTag::BeginCondition as u8, LexTag::InsideCondition as u8);
        assert_eq!(tags, vec![n, n, n, n, bd, id, id, id, n, bc, ic, ic, n, n, bd, id, id, n, n, n, n]);
        assert_eq!(lex_tags(Lexicon::get(), "", &[]), Vec::<u8>::new());
    }

    #[test]
    fn batches_hold_rows_of_one_length_within_limits_and_cover_all_rows() {
        let lens: Vec<usize> = (0..500).map(|i| (i * 7919) % 37 + 1).collect();
        let b = length_batches(&lens, 16, 300);
        let mut seen: Vec<usize> = b.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..500).collect::<Vec<_>>());
        for batch in &b {
            assert!(batch.iter().all(|&i| lens[i] == lens[batch[0]]), "mixed lengths in {batch:?}");
            assert!(batch.len() <= 16 && batch.len() * (lens[batch[0]] + 2) <= 300 || batch.len() == 1);
        }
        // 37 distinct lengths, each needing ceil(count / cap) batches: nothing more
        let want: usize = (1..=37)
            .map(|l| {
                let n = lens.iter().filter(|&&x| x == l).count();
                let cap = 16.min(300 / (l + 2)).max(1);
                n.div_ceil(cap)
            })
            .sum();
        assert_eq!(b.len(), want);
    }
}
