//! Build script: torch-sys sets no rpath on the final binary, so point it at libtorch's lib folder
//! (installed by scripts/setup.sh into .libtorch/), and the binary runs without LD_LIBRARY_PATH.
fn main() {
    lexicon_key();
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Ok(lt) = std::env::var("LIBTORCH") {
        let lib = std::path::Path::new(&lt).join("lib");
        let lib = lib.canonicalize().unwrap_or(lib);
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
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
