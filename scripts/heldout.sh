#!/usr/bin/env bash
# Score the full pipeline on the held-out web-synthetic articles (c06–c20: never trained on, never
# used to pick rules) and on the seeds dev set, with ../shared/eval/score.py. This is how the
# model/rule combination settings (tag::MODEL_WEIGHT, entities' MODEL_MIN_SCORE) were chosen.
#
#   scripts/heldout.sh                     # the shipped model
#   scripts/heldout.sh --no-model          # rules and gazetteers only
#   scripts/heldout.sh --model /tmp/m      # another model folder
# Extra arguments go to `healthclaims annotate`. Needs the release binary (make run builds it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data="${HEALTHCLAIMS_DATA:-../shared/data}/web-synthetic"
bin="${HEALTHCLAIMS_BIN:-target/release/healthclaims}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in" "$tmp/gold"
for f in "$data"/corpus/c*; do
  n="$(basename "$f")"; k="${n:1:2}"
  if [ "$((10#$k))" -ge 6 ]; then
    cp "$f" "$tmp/in/"
    cp "$data/gold/${n%.*}.json" "$tmp/gold/"
  fi
done
"$bin" annotate "$tmp/in" -o "$tmp/web.jsonl" -q "$@" || [ $? = 1 ]
echo "== held-out web-synthetic c06–c20 ($(ls "$tmp/in" | wc -l) articles)"
python3 ../shared/eval/score.py --output "$tmp/web.jsonl" --gold "$tmp/gold"
"$bin" annotate ../shared/corpus-seeds -o "$tmp/seeds.jsonl" -q "$@" || [ $? = 1 ]
echo "== seeds dev set"
python3 ../shared/eval/score.py --output "$tmp/seeds.jsonl" --gold ../shared/gold/seeds
