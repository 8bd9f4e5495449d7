#!/usr/bin/env bash
# Start-up of one process, split into its parts (issue 20): interleaved rounds of
#   version   `healthclaims --version`: the process with libtorch loaded and initialised
#             (its operator registrations run before main) and nothing else
#   no-model  a one-sentence article through `annotate --no-model` (+ the lexicon from its
#             cache, the rule regexes, every stage, JSON out)
#   model     the same article with the model (+ weights, the heads)
# Prints the median and range of wall time per row, and the differences of the medians: what our
# own start-up costs (no-model − version) and what the model load costs (model − no-model).
#   scripts/startup.sh [ROUNDS]      (default 10)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${BIN:-$root/target/release/healthclaims}"
rounds="${1:-10}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
echo "Aspirin may reduce the risk of a second heart attack." > "$tmp/one.txt"
# warm the lexicon cache and the page cache once
"$bin" annotate "$tmp/one.txt" -o "$tmp/out.jsonl" -q --no-model 2>/dev/null
"$bin" annotate "$tmp/one.txt" -o "$tmp/out.jsonl" -q 2>/dev/null
now() { date +%s%N; }
for ((r = 0; r < rounds; r++)); do
  a=$(now); "$bin" --version >/dev/null; b=$(now)
  "$bin" annotate "$tmp/one.txt" -o "$tmp/out.jsonl" -q --no-model 2>/dev/null; c=$(now)
  "$bin" annotate "$tmp/one.txt" -o "$tmp/out.jsonl" -q 2>/dev/null; d=$(now)
  echo "version $(( (b - a) / 1000 ))" >> "$tmp/t"
  echo "no-model $(( (c - b) / 1000 ))" >> "$tmp/t"
  echo "model $(( (d - c) / 1000 ))" >> "$tmp/t"
done
echo "start-up, $rounds interleaved rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$bin" --version | head -1)"
python3 - "$tmp/t" <<'EOF'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    k, v = line.split(); rows.setdefault(k, []).append(int(v) / 1e6)
med = {k: statistics.median(v) for k, v in rows.items()}
for k in ("version", "no-model", "model"):
    v = rows[k]
    print(f"  {k:9} median {med[k]:.3f} s  (range {min(v):.3f}-{max(v):.3f})")
print(f"  our own start-up and the article (no-model - version): {med['no-model'] - med['version']:+.3f} s")
print(f"  model load and inference (model - no-model):          {med['model'] - med['no-model']:+.3f} s")
print(f"  libtorch's share of a --no-model run: {med['version'] / med['no-model']:.0%}")
EOF
