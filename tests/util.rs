//! Test helpers: a temp dir per test, running the binary, and parsing its JSONL output back
//! into `Record` strictly: the product type ignores unknown fields (readers are forward
//! compatible), so [`strict_record`] also checks that the record writes back to the same JSON,
//! i.e. that our writer emits no field the type does not know and drops none.

#![allow(dead_code)]

use healthclaims::assemble::Record;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Self {
        Dir { tmp: tempfile::tempdir().expect("tempdir") }
    }
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }
    pub fn join(&self, p: &str) -> PathBuf {
        self.tmp.path().join(p)
    }
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_healthclaims"));
    c.env_remove("RAYON_NUM_THREADS");
    c
}

/// Run the binary with `args`, optional stdin bytes; returns the process output.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = bin();
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().expect("spawn healthclaims");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut si = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = si.write_all(&input);
        });
    }
    child.wait_with_output().expect("wait")
}

/// Parse JSONL into strict records; panics with the offending line on failure.
pub fn parse_jsonl(bytes: &[u8]) -> Vec<Record> {
    let text = std::str::from_utf8(bytes).expect("output is UTF-8");
    assert!(text.is_empty() || text.ends_with('\n'), "output must end with a newline");
    text.lines().map(|l| strict_record(l).unwrap_or_else(|e| panic!("bad record ({e}): {l:.300}"))).collect()
}

/// One line as a `Record`, with no field the type does not know: the record, written back,
/// must equal the line as JSON (the `deny_unknown_fields` of a test-only view of the schema).
pub fn strict_record(line: &str) -> Result<Record, String> {
    let rec: Record = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let original: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let back: serde_json::Value = serde_json::from_str(&serde_json::to_string(&rec).unwrap()).unwrap();
    if back != original {
        return Err(format!("fields unknown to Record or not written back: {}", json_diff(&original, &back, "")));
    }
    Ok(rec)
}

/// The first path where two JSON values differ.
fn json_diff(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> String {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    None => return format!("{at}.{k} (in the line, not in Record)"),
                    Some(w) if w != v => return json_diff(v, w, &format!("{at}.{k}")),
                    _ => {}
                }
            }
            match y.keys().find(|k| !x.contains_key(*k)) {
                Some(k) => format!("{at}.{k} (written by Record, not in the line)"),
                None => at.to_string(),
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return json_diff(v, w, &format!("{at}[{i}]"));
                }
            }
            at.to_string()
        }
        _ => format!("{at}: {a} vs {b}"),
    }
}

pub fn show(o: &Output) -> String {
    format!(
        "status: {:?}\n--- stderr ---\n{}\n--- stdout (first 2000 bytes) ---\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout[..o.stdout.len().min(2000)])
    )
}

/// Code-point slice of `s`.
pub fn cp_slice(s: &str, start: usize, end: usize) -> String {
    s.chars().skip(start).take(end - start).collect()
}

/// Check every span of a record: in bounds, ordered where the schema orders them, and
/// `text[start..end]` (code points) equal to the span's text.
pub fn check_offsets(r: &Record) {
    let n = r.text.chars().count();
    let mut prev_end = 0;
    for s in &r.sentences {
        assert!(s.start < s.end && s.end <= n, "sentence {:?} out of bounds ({n})", (s.start, s.end));
        assert!(s.start >= prev_end, "sentences overlap or are unordered at {}", s.start);
        prev_end = s.end;
    }
    for e in &r.entities {
        assert_eq!(cp_slice(&r.text, e.start, e.end), e.text, "entity text mismatch");
        let s = &r.sentences[e.sentence];
        assert!(s.start <= e.start && e.end <= s.end, "entity {:?} outside its sentence", e.text);
    }
    for h in &r.hedges {
        assert_eq!(cp_slice(&r.text, h.start, h.end), h.text, "hedge text mismatch");
    }
    for q in &r.quotes {
        assert_eq!(cp_slice(&r.text, q.start, q.end), q.text, "quote text mismatch");
        if let Some(sp) = &q.speaker {
            assert_eq!(cp_slice(&r.text, sp.start, sp.end), sp.text, "speaker text mismatch");
        }
    }
    for c in &r.claims {
        assert!(c.sentence < r.sentences.len());
        for arg in [&c.drug, &c.condition].into_iter().flatten() {
            assert_eq!(cp_slice(&r.text, arg.start, arg.end), arg.text, "claim arg text mismatch");
        }
    }
}
