#!/usr/bin/env bash
# Score a model on the web dev split of the evaluation protocol (../shared/data/web-synthetic
# c06-c20 and even-numbered d*, 40 articles) and on the five seed articles, with
# ../shared/eval/score.py. The split is the one `healthclaims train-pairs` holds out.
#   scripts/webdev.sh [MODEL_DIR] [-- extra annotate flags]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared"
bin="${BIN:-$root/target/release/healthclaims}"
model="${1:-$root/models/healthclaims-minilm}"; shift || true
[ "${1:-}" = "--" ] && shift
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
wd="$shared/data/web-synthetic"
mkdir -p "$tmp/in" "$tmp/gold"
for g in "$wd"/gold/c0[6-9]*.json "$wd"/gold/c1*.json "$wd"/gold/c20*.json "$wd"/gold/d[0-5][02468]_*.json; do
  n=$(basename "$g" .json); cp "$g" "$tmp/gold/"; cp "$wd/corpus/$n.txt" "$tmp/in/"
done
"$bin" annotate "$tmp/in" -o "$tmp/web.jsonl" -q --model "$model" "$@" 2>/dev/null || true
echo "web dev split ($(ls "$tmp/gold" | wc -l) articles), model $model:"
python3 "$shared/eval/score.py" --output "$tmp/web.jsonl" --gold "$tmp/gold"
if [ -n "${KEEP:-}" ]; then cp "$tmp/web.jsonl" "$KEEP"; fi
