#!/usr/bin/env bash
# Cross-validation of the claim-pair head over all 110 web-synthetic articles (the evaluation
# protocol's final figures): for each fold K of N, `healthclaims train-pairs --folds N --fold K`
# learns the head without fold K's articles (every N-th in sorted order), the whole pipeline
# annotates fold K with it, and the N folds' records together are scored by
# ../shared/eval/score.py against all the gold. About a minute per fold on 2 cores.
#   scripts/pair_cv.sh [N] [-- train-pairs flags]     (N default 5)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared"
bin="${BIN:-$root/target/release/healthclaims}"
n="${1:-5}"; shift || true
[ "${1:-}" = "--" ] && shift
wd="$shared/data/web-synthetic"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
mapfile -t golds < <(ls "$wd"/gold/*.json | sort)
: > "$tmp/all.jsonl"
for ((k = 0; k < n; k++)); do
  mkdir -p "$tmp/in$k"
  for i in "${!golds[@]}"; do
    if (( i % n == k )); then
      name=$(basename "${golds[$i]}" .json)
      cp "$wd/corpus/$name.txt" "$tmp/in$k/"
    fi
  done
  "$bin" train-pairs --folds "$n" --fold "$k" -o "$tmp/model$k" "$@" 2>&1 | grep -v epoch | sed "s/^/fold $k: /" >&2
  s=0; "$bin" annotate "$tmp/in$k" -o "$tmp/fold$k.jsonl" -q --model "$tmp/model$k" 2> "$tmp/err$k" || s=$?
  if [ "$s" -gt 1 ]; then echo "fold $k: annotate failed ($s):" >&2; cat "$tmp/err$k" >&2; exit 1; fi
  cat "$tmp/fold$k.jsonl" >> "$tmp/all.jsonl"
  rm -rf "$tmp/model$k"
done
echo "pair head, $n-fold cross-validation over ${#golds[@]} web-synthetic articles:"
python3 "$shared/eval/score.py" --output "$tmp/all.jsonl" --gold "$wd/gold"
