#!/usr/bin/env bash
# Yu 2019 macro-F1 of the training recipe under 5-fold cross-validation (not a test): fold 0 is
# the shipped model (eval's held-out fifth); each other fold K trains the full default recipe with
# `healthclaims train --yu-fold K` (about 50 minutes each on 2 cores) into $FOLDS_DIR/foldK, then
# scores it with `healthclaims eval`, which reads the fold from heads.json. Folds already trained
# (their heads.json exists) are scored, not retrained, so the script can be resumed.
#
#   scripts/yu_folds.sh              # all four folds: about 3.5 hours
#   scripts/yu_folds.sh 1 2          # only these folds (fold 0 is always scored)
#
# Needs the release binary (make run builds it) and the base encoder (scripts/setup.sh --train).
# Prints each fold's macro-F1 and the mean over the folds scored.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="${HEALTHCLAIMS_BIN:-target/release/healthclaims}"
dir="${FOLDS_DIR:-target/yu-folds}"
folds=("$@")
[ ${#folds[@]} -gt 0 ] || folds=(1 2 3 4)
for k in "${folds[@]}"; do
  case "$k" in 1|2|3|4) ;; *) echo "yu_folds.sh: fold $k is not one of 1-4" >&2; exit 2 ;; esac
done
mkdir -p "$dir"
score() { # model folder → Yu 2019 macro-F1
  "$bin" eval --json ${1:+-m "$1"} | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["task"].startswith("Yu 2019") and r["metric"].startswith("macro")]
print("%.3f" % rows[0]["value"])'
}
results=("0 $(score "")")
echo "fold 0 (shipped model): ${results[0]#0 }"
for k in "${folds[@]}"; do
  out="$dir/fold$k"
  if [ ! -f "$out/heads.json" ]; then
    echo "fold $k: training into $out (log: $out.log)"
    "$bin" train --yu-fold "$k" -o "$out" >"$out.log" 2>&1
  fi
  f="$(score "$out")"
  results+=("$k $f")
  echo "fold $k: $f"
done
printf '%s\n' "${results[@]}" | awk '{ s += $2; n++ } END { printf "mean over %d folds: %.3f\n", n, s / n }'
