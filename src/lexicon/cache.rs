//! The built [`Lexicon`] on disk, so that a process reads it instead of building it from the
//! vocabulary files (the build normalises ~80,000 rows and their variants: the largest part of
//! `annotate`'s start-up after libtorch's own).
//!
//! Takes a built lexicon and writes `lexicon-<key>.bin` into the cache folder
//! (`$HEALTHCLAIMS_CACHE`, else `$XDG_CACHE_HOME/healthclaims`, else `~/.cache/healthclaims`;
//! `HEALTHCLAIMS_CACHE=off` turns the cache off); returns the lexicon read back from such a
//! file. The key is a hash, computed by build.rs, of the embedded vocabulary files and of the
//! source of the lexicon code (this file and lexicon.rs): a changed list or a changed builder
//! names another file, so a stale cache is never read. A file that does not parse (truncated,
//! another format) is ignored and rewritten. Writing is best effort (a read-only home still
//! works, at the cost of the build) and atomic (a temporary file renamed into place), so
//! processes starting together never read a half-written cache.
//!
//! Format (little-endian): magic `HCLEX1`, key (u64), then concepts (id, name), entries (two
//! optional senses and three flags), the surface index (form, entry), the longest form's length,
//! the first words, and the sizes ([`LexStats`]).

use super::{LexEntry, LexStats, Lexicon, Sense};
use crate::doc::Concept;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

const MAGIC: &[u8; 6] = b"HCLEX1";

/// The cache key of this build's lexicon (build.rs).
pub const KEY: &str = env!("HEALTHCLAIMS_LEXICON_KEY");

/// The cache file of this build's lexicon, or None when the cache is off or no folder is known.
pub fn path() -> Option<PathBuf> {
    let dir = match std::env::var_os("HEALTHCLAIMS_CACHE") {
        Some(d) if d == "off" || d.is_empty() => return None,
        Some(d) => PathBuf::from(d),
        None => match std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
            Some(d) => PathBuf::from(d).join("healthclaims"),
            None => PathBuf::from(std::env::var_os("HOME").filter(|d| !d.is_empty())?).join(".cache").join("healthclaims"),
        },
    };
    Some(dir.join(format!("lexicon-{KEY}.bin")))
}

/// The lexicon in the cache file, if there is a readable one for this build.
pub fn read() -> Option<Lexicon> {
    let t0 = Instant::now();
    let bytes = std::fs::read(path()?).ok()?;
    let mut lx = decode(&bytes, key())?;
    lx.stats.load_ms = t0.elapsed().as_millis();
    Some(lx)
}

/// Write `lx` to the cache file (best effort: errors are ignored, the lexicon works without).
pub fn write(lx: &Lexicon) {
    let Some(path) = path() else { return };
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) else { return };
    if std::io::Write::write_all(&mut tmp, &encode(lx, key())).is_ok() {
        let _ = tmp.persist(&path);
    }
}

fn key() -> u64 {
    u64::from_str_radix(KEY, 16).unwrap_or(0)
}

/// The bytes of `lx` under `key`.
pub fn encode(lx: &Lexicon, key: u64) -> Vec<u8> {
    let mut w = Vec::with_capacity(8 << 20);
    w.extend_from_slice(MAGIC);
    w.extend_from_slice(&key.to_le_bytes());
    let u32_ = |w: &mut Vec<u8>, x: usize| w.extend_from_slice(&(x as u32).to_le_bytes());
    let str_ = |w: &mut Vec<u8>, s: &str| {
        w.extend_from_slice(&(s.len() as u32).to_le_bytes());
        w.extend_from_slice(s.as_bytes());
    };
    let sense = |w: &mut Vec<u8>, s: Option<Sense>| match s {
        Some(s) => {
            w.extend_from_slice(&s.concept.to_le_bytes());
            w.push(u8::from(s.curated));
        }
        None => {
            w.extend_from_slice(&u32::MAX.to_le_bytes());
            w.push(0);
        }
    };
    u32_(&mut w, lx.concepts.len());
    for c in &lx.concepts {
        str_(&mut w, &c.id);
        str_(&mut w, &c.name);
    }
    u32_(&mut w, lx.entries.len());
    for e in &lx.entries {
        sense(&mut w, e.drug);
        sense(&mut w, e.condition);
        w.push(u8::from(e.blocked) | u8::from(e.caps_only) << 1 | u8::from(e.capitalized) << 2);
    }
    // the index in a fixed order (by entry, then form), so one lexicon always gives one file
    let mut index: Vec<(&str, u32)> = lx.index.iter().map(|(k, &v)| (&**k, v)).collect();
    index.sort_unstable_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    u32_(&mut w, index.len());
    for (k, v) in index {
        str_(&mut w, k);
        w.extend_from_slice(&v.to_le_bytes());
    }
    u32_(&mut w, lx.max_len);
    let mut first: Vec<&str> = lx.first_words.iter().map(|s| &**s).collect();
    first.sort_unstable();
    u32_(&mut w, first.len());
    for f in first {
        str_(&mut w, f);
    }
    let s = &lx.stats;
    for x in [s.surfaces, s.drug_surfaces, s.condition_surfaces, s.blocked, s.concepts, s.skipped_lines] {
        u32_(&mut w, x);
    }
    w
}

/// A lexicon from bytes written by [`encode`] under `key`; None for any other bytes.
pub fn decode(bytes: &[u8], key: u64) -> Option<Lexicon> {
    let mut r = Reader { b: bytes, at: 0 };
    if r.take(MAGIC.len())? != MAGIC || r.u64()? != key {
        return None;
    }
    let n = r.u32()?;
    let mut concepts = Vec::with_capacity(n.min(1 << 20));
    for _ in 0..n {
        concepts.push(Concept { id: r.str()?.to_string(), name: r.str()?.to_string() });
    }
    let n = r.u32()?;
    let mut entries = Vec::with_capacity(n.min(1 << 22));
    for _ in 0..n {
        let (drug, condition) = (r.sense(concepts.len())?, r.sense(concepts.len())?);
        let f = r.take(1)?[0];
        entries.push(LexEntry { drug, condition, blocked: f & 1 != 0, caps_only: f & 2 != 0, capitalized: f & 4 != 0 });
    }
    let n = r.u32()?;
    let mut index = HashMap::with_capacity(n.min(1 << 22));
    for _ in 0..n {
        let k: Box<str> = r.str()?.into();
        let v = r.u32()?;
        if v >= entries.len() {
            return None;
        }
        index.insert(k, v as u32);
    }
    let max_len = r.u32()?;
    let n = r.u32()?;
    let mut first_words = HashSet::with_capacity(n.min(1 << 22));
    for _ in 0..n {
        first_words.insert(Box::<str>::from(r.str()?));
    }
    let mut s = [0usize; 6];
    for x in &mut s {
        *x = r.u32()?;
    }
    if r.at != bytes.len() {
        return None;
    }
    let stats = LexStats {
        surfaces: s[0],
        drug_surfaces: s[1],
        condition_surfaces: s[2],
        blocked: s[3],
        concepts: s[4],
        skipped_lines: s[5],
        load_ms: 0,
    };
    Some(Lexicon { index, max_len, first_words, entries, concepts, stats })
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
    fn sense(&mut self, concepts: usize) -> Option<Option<Sense>> {
        let c = self.u32()?;
        let curated = self.take(1)?[0] != 0;
        match c {
            c if c == u32::MAX as usize => Some(None),
            c if c < concepts => Some(Some(Sense { concept: c as u32, curated })),
            _ => None,
        }
    }
}
