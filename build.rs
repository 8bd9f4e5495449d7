//! Build script. Takes `LIBTORCH` and `models/lexicon/`; gives the linker an rpath and the crate
//! two environment variables.
//!
//! torch-sys sets no rpath on the final binary, so point it at libtorch's lib folder (installed
//! by scripts/setup.sh into .libtorch/), and the in-tree binary runs without LD_LIBRARY_PATH.
//! The release tarball (`make dist`, scripts/dist.sh) replaces that RUNPATH with
//! `$ORIGIN/../lib`, beside which it ships the libraries.
//!
//! The lexicon and rule lists are compiled into the binary (`include_bytes!`); their version is
//! the crate's plus a fingerprint of the files (`HEALTHCLAIMS_LEXICON_FINGERPRINT`, 64-bit
//! FNV-1a over each file's relative path and bytes, in path order) that `--version` prints.
use std::path::{Path, PathBuf};

fn main() {
    lexicon_key();
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Ok(lt) = std::env::var("LIBTORCH") {
        let lib = std::path::Path::new(&lt).join("lib");
        let lib = lib.canonicalize().unwrap_or(lib);
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    }
    let root = Path::new("models/lexicon");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(root).unwrap_or(f);
        eat(rel.to_string_lossy().as_bytes());
        eat(&[0]);
        eat(&std::fs::read(f).unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display())));
        eat(&[0]);
    }
    println!("cargo:rustc-env=HEALTHCLAIMS_LEXICON_FINGERPRINT={h:016x}");
    println!("cargo:rustc-env=HEALTHCLAIMS_LEXICON_FILES={}", files.len());
}

/// Every file under `dir`, recursively (folders are followed, nothing else is).
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

/// HEALTHCLAIMS_LEXICON_KEY: a hash of the vocabulary files the binary embeds and of the code
/// that builds the lexicon from them, naming the lexicon's cache file (src/lexicon/cache.rs).
fn lexicon_key() {
    use std::hash::Hasher;
    let files = [
        "models/lexicon/drugs.tsv",
        "models/lexicon/conditions.tsv",
        "models/lexicon/extra_drugs.tsv",
        "models/lexicon/extra_conditions.tsv",
        "models/lexicon/not_entities.txt",
        "src/lexicon.rs",
        "src/lexicon/cache.rs",
        "src/doc.rs",
    ];
    // SipHash with fixed keys: the same bytes give the same key on every build
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    for f in files {
        println!("cargo:rerun-if-changed={f}");
        let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("build.rs: cannot read {f}: {e}"));
        h.write(f.as_bytes());
        h.write(&(bytes.len() as u64).to_le_bytes());
        h.write(&bytes);
    }
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    println!("cargo:rustc-env=HEALTHCLAIMS_LEXICON_KEY={:016x}", h.finish());
}
