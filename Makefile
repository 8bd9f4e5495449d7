# The two commands that do everything on a fresh machine (see README.md):
#   make run    annotate corpus/ into output/annotations.jsonl (and write output/report/)
#   make test   the whole test suite: cargo tests, DuckDB queries, the HTML report in Chromium,
#               the release tarball, the Python package and the Spark job
#   make dist   the relocatable release: dist/healthclaims-<version>-x86_64-linux.tar.gz
# Each installs what it needs first (scripts/setup.sh).

.PHONY: run test setup build bench dist

setup:
	@bash scripts/setup.sh

build: setup
	cargo build --release --locked

run: build
	./target/release/healthclaims annotate corpus -o output/annotations.jsonl; s=$$?; [ $$s -le 1 ] || exit $$s
	./target/release/healthclaims report output/annotations.jsonl -o output/report
	@echo "wrote output/annotations.jsonl and output/report/index.html"

dist: build
	@bash scripts/dist.sh

test: setup
	cargo test --release --locked
	bash tests/duckdb/run.sh
	bash tests/browser/run.sh
	bash tests/dist/run.sh
	bash tests/python/run.sh --spark
