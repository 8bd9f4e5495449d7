#!/usr/bin/env bash
# Browser test of `healthclaims report`: builds the binary, writes two reports (the hand-made
# annotated fixture, where every chart has data, and whatever the annotator makes of corpus/),
# loads each in headless Chromium (Debian's package) and checks it with check_report.py: loads,
# no console errors, no network, charts draw their data, a full-page screenshot is saved.
# Screenshots: target/browser-report/{fixture,corpus}.png. Needs no Python package.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (Debian package)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed (apt-get install chromium)" >&2
    exit 1
  fi
fi

cargo build --release --quiet --bin healthclaims
BIN=target/release/healthclaims
OUT=target/browser-report
rm -rf "$OUT" && mkdir -p "$OUT"

"$BIN" report tests/fixtures/report/annotated.jsonl -o "$OUT/fixture" --min-sentences 2
"$BIN" annotate corpus -o "$OUT/corpus.jsonl" -q || [ $? -eq 1 ]
"$BIN" report "$OUT/corpus.jsonl" -o "$OUT/corpus"

python3 tests/browser/check_report.py "$OUT/fixture/index.html" "$OUT/fixture.png" --expect-data
python3 tests/browser/check_report.py "$OUT/corpus/index.html" "$OUT/corpus.png"
