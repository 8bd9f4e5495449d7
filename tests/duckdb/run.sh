#!/usr/bin/env bash
# DuckDB test of the queries documented in GUIDE.md: installs duckdb from PyPI into .venv-duckdb/
# (git-ignored), builds the binary, annotates corpus/, writes the report of the hand-made fixture,
# and runs tests/duckdb/test_queries.py over the fixture (checked against the report's CSV tables)
# and over the annotator's own output.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=.venv-duckdb
if ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check duckdb
fi

cargo build --release --quiet --bin healthclaims
BIN=target/release/healthclaims
OUT=target/duckdb-test
rm -rf "$OUT" && mkdir -p "$OUT"
"$BIN" annotate corpus -o "$OUT/corpus.jsonl" -q || [ $? -eq 1 ]
"$BIN" report tests/fixtures/report/annotated.jsonl -o "$OUT/report" --min-sentences 3 2>/dev/null

"$VENV/bin/python" tests/duckdb/test_queries.py tests/fixtures/report/annotated.jsonl "$OUT/corpus.jsonl" \
  --report-dir "$OUT/report"
"$VENV/bin/python" tests/duckdb/test_parquet.py tests/fixtures/report/annotated.jsonl "$OUT/report"
