//! Build script: torch-sys sets no rpath on the final binary, so point it at libtorch's lib folder
//! (installed by scripts/setup.sh into .libtorch/), and the binary runs without LD_LIBRARY_PATH.
fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Ok(lt) = std::env::var("LIBTORCH") {
        let lib = std::path::Path::new(&lt).join("lib");
        let lib = lib.canonicalize().unwrap_or(lib);
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", lib.display());
    }
}
