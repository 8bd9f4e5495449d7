#!/usr/bin/env bash
# Release test (issue 17): `make dist`'s tarball, unpacked into a fresh temporary folder outside
# the tree, must (1) load only its own copies of the libtorch libraries (LD_DEBUG) with a
# RUNPATH relative to $ORIGIN, (2) find its model beside the binary and name binary, model and
# lexicon versions in --version, (3) still obey HEALTHCLAIMS_MODEL / --model, and (4) write
# output byte-identical to the in-tree binary's on corpus/, both run from the repository root
# with the same relative inputs. Builds the tarball if it is older than the binary.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
cargo build --release --locked --quiet --bin healthclaims
BIN=target/release/healthclaims
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
tarball="dist/healthclaims-$version-x86_64-linux.tar.gz"
if [ ! -f "$tarball" ] || [ "$BIN" -nt "$tarball" ] || [ scripts/dist.sh -nt "$tarball" ]; then
  bash scripts/dist.sh >/dev/null
fi
tmp="$(mktemp -d /tmp/healthclaims-dist-test.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
tar -C "$tmp" -xzf "$tarball"
rel="$tmp/healthclaims-$version/bin/healthclaims"
fail() { echo "tests/dist: FAIL: $*" >&2; exit 1; }

# (1) RUNPATH and the libraries actually loaded
runpath="$(readelf -d "$rel" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p; s/.*(RPATH).*\[\(.*\)\]/\1/p')"
[ "$runpath" = '$ORIGIN/../lib' ] || fail "RUNPATH is '$runpath', not \$ORIGIN/../lib"
env -u HEALTHCLAIMS_MODEL LD_DEBUG=libs "$rel" --version >"$tmp/version.txt" 2>"$tmp/ld.log"
loaded="$(sed -n 's/.*calling init: \(.*\)$/\1/p' "$tmp/ld.log" | while read -r l; do readlink -f "$l"; done | sort -u)"
[ -n "$loaded" ] || fail "LD_DEBUG printed no loaded library"
outside="$(echo "$loaded" | grep -v -E "^($tmp/|/(usr/)?lib(64|32)?/)" || true)"
[ -z "$outside" ] || fail "libraries loaded from outside the release and the system: $outside"
echo "$loaded" | grep -q "^$tmp/healthclaims-$version/lib/libtorch_cpu.so$" || fail "libtorch_cpu.so not loaded from the release: $loaded"
unused="$(cd "$tmp/healthclaims-$version/lib" && for l in *; do echo "$loaded" | grep -q "/lib/$l$" || echo "$l"; done)"
[ -z "$unused" ] || fail "the release ships libraries the binary does not load: $unused"

# (2) versions, and the model found beside the binary
grep -q "^healthclaims $version$" "$tmp/version.txt" || fail "--version: $(cat "$tmp/version.txt")"
grep -q "^model healthclaims-minilm [0-9.]* ($tmp/healthclaims-$version/models/healthclaims-minilm)$" "$tmp/version.txt" \
  || fail "--version does not name the release's own model: $(cat "$tmp/version.txt")"
grep -q "^lexicon $version+[0-9a-f]\{16\} " "$tmp/version.txt" || fail "--version names no lexicon version: $(cat "$tmp/version.txt")"

# (3) the overrides still win over the model beside the binary
if HEALTHCLAIMS_MODEL="$tmp/no-such-model" "$rel" annotate corpus -o "$tmp/x.jsonl" -q 2>"$tmp/err.txt"; then
  fail "HEALTHCLAIMS_MODEL pointing nowhere did not fail"
fi
grep -q "$tmp/no-such-model" "$tmp/err.txt" || fail "HEALTHCLAIMS_MODEL ignored: $(cat "$tmp/err.txt")"
if env -u HEALTHCLAIMS_MODEL "$rel" annotate corpus --model "$tmp/other-model" -o "$tmp/x.jsonl" -q 2>"$tmp/err.txt"; then
  fail "--model pointing nowhere did not fail"
fi
grep -q "$tmp/other-model" "$tmp/err.txt" || fail "--model ignored: $(cat "$tmp/err.txt")"

# (4) the same bytes as the in-tree binary on corpus/, from the same cwd with the same inputs
s=0; env -u HEALTHCLAIMS_MODEL "$BIN" annotate corpus -o "$tmp/tree.jsonl" -q || s=$?
[ $s -le 1 ] || fail "in-tree binary exit status $s"
s=0; env -u HEALTHCLAIMS_MODEL "$rel" annotate corpus -o "$tmp/release.jsonl" -q || s=$?
[ $s -le 1 ] || fail "release binary exit status $s"
[ -s "$tmp/tree.jsonl" ] || fail "no output"
cmp "$tmp/tree.jsonl" "$tmp/release.jsonl" || fail "release output differs from the in-tree binary's"
echo "tests/dist: ok ($tarball, $(du -h "$tarball" | cut -f1); $(wc -l <"$tmp/tree.jsonl") records identical; libraries: $(ls "$tmp/healthclaims-$version/lib" | tr '\n' ' '))"
