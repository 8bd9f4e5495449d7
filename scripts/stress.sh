#!/usr/bin/env bash
# Stress cases (not a test suite; issue 18): hostile inputs that once took minutes, gigabytes or
# forever. Each case runs the release binary under /usr/bin/time -v and prints its wall time and
# peak RSS next to its budget; the script fails (exit 1) when any case goes over, exits with an
# unexpected status, or misses what it must say. The small version of each case is in
# tests/hostile.rs and tests/cli.rs; these are the sizes the issue measured.
#
#   scripts/stress.sh              # every case (a few minutes on 2 cores)
#   scripts/stress.sh quote html   # only the cases whose name contains one of the words
#
# Budgets are 3-5x what each case takes on the 2-core development machine, and far under what it
# took before issue 18's fixes (README.md, "Hostile input", has both).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="$root/target/release/healthclaims"
[ -x "$bin" ] || cargo build --release --locked
[ -x /usr/bin/time ] || { echo "stress: needs /usr/bin/time (GNU time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
filters=("$@")
failed=0

printf '| case | time s | peak RSS MB | budget s / MB | status |\n|---|---:|---:|---:|---|\n'

# case NAME SECONDS MB WANT_RC GREP -- COMMAND...: run, measure, compare. GREP (a regex, or '')
# must match the command's stdout + stderr.
case_() {
  local name="$1" secs="$2" mb="$3" want_rc="$4" grep_for="$5"
  shift 6
  if [ "${#filters[@]}" -gt 0 ]; then
    local hit=0
    for f in "${filters[@]}"; do [[ "$name" == *"$f"* ]] && hit=1; done
    [ "$hit" = 1 ] || return 0
  fi
  local rc=0
  /usr/bin/time -v -o "$work/time" "$@" >"$work/out" 2>"$work/err" || rc=$?
  local wall rss
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/time")"
  rss="$(awk -F': ' '/Maximum resident set size/ {printf "%d", $2 / 1024}' "$work/time")"
  local status=ok
  if [ "$rc" != "$want_rc" ]; then
    status="exit $rc, wanted $want_rc"
  elif awk -v w="$wall" -v b="$secs" 'BEGIN { exit !(w > b) }'; then
    status="over time"
  elif [ "$rss" -gt "$mb" ]; then
    status="over memory"
  elif [ -n "$grep_for" ] && ! cat "$work/out" "$work/err" | grep -qE "$grep_for"; then
    status="missing /$grep_for/"
  fi
  printf '| %s | %.2f | %d | %s / %s | %s |\n' "$name" "$wall" "$rss" "$secs" "$mb" "$status"
  if [ "$status" != ok ]; then
    failed=1
    tail -c 2000 "$work/err" >&2
  fi
}

# Inputs, built once.
python3 - "$work" <<'EOF'
import os, sys
w = sys.argv[1]
def put(name, text):
    with open(os.path.join(w, name), "w", encoding="utf-8") as f:
        f.write(text)
put("quotes-1mb.txt", "experts said, " * 75000 + '"aspirin cures headache."\n')
hedged = "Aspirin may possibly help with headaches, experts think, and it might be linked to fewer migraines. "
put("hedged-8mb.txt", hedged * (8 * 1024 * 1024 // len(hedged)))
put("hedged-50mb.txt", hedged * (50 * 1024 * 1024 // len(hedged)))
put("deep.html", "<html><body>" + "<div><span><b>" * 100000 + "<p>Aspirin may help.</p></body></html>")
line = "Magnesium may reduce migraine frequency in some adults 😀 and 睡眠 "
put("one-line-12mb.txt", line * (12 * 1024 * 1024 // 70))
EOF
truncate -s 2G "$work/sparse-2gb.txt"
ln -s /dev/zero "$work/zero.txt"
mkdir "$work/folder" && echo 'Aspirin may help.' >"$work/folder/a.txt" && mkfifo "$work/folder/b.txt"
python3 - "$work/bomb.jsonl.gz" <<'EOF'
import gzip, sys
with gzip.open(sys.argv[1], "wb", compresslevel=9) as f:
    chunk = b"x" * (1 << 20)
    for _ in range(1024):  # 1 GiB of one line, about 1 MB on disk
        f.write(chunk)
    f.write(b"\n")
EOF

case_ "quote flood, 1 MB, rules only" 20 400 0 "" -- "$bin" annotate "$work/quotes-1mb.txt" --no-model -q -o "$work/o.jsonl"
case_ "hedged article, 8 MB, rules only" 60 1200 0 "" -- "$bin" annotate "$work/hedged-8mb.txt" --no-model -q -o "$work/o.jsonl"
case_ "hedged article, 50 MB, rules only" 200 4000 0 "" -- "$bin" annotate "$work/hedged-50mb.txt" --no-model -q -o "$work/o.jsonl"
case_ "deep HTML, 100k nested tags" 15 400 0 "" -- "$bin" annotate "$work/deep.html" --no-model -q -o "$work/o.jsonl"
case_ "one-line article, 12 MB, with the model" 120 2500 0 "" -- "$bin" annotate "$work/one-line-12mb.txt" -q -o "$work/o.jsonl"
case_ "sparse file, 2 GiB" 10 400 1 "too large" -- "$bin" annotate "$work/sparse-2gb.txt" --no-model -o -
case_ "symlink to /dev/zero" 10 400 1 "more than" -- "$bin" annotate "$work/zero.txt" --no-model -o -
case_ "FIFO inside a folder" 10 400 1 "not a regular file" -- "$bin" annotate "$work/folder" --no-model -o -
case_ "report: gzip bomb, 1 GiB line" 15 700 1 "longer than" -- "$bin" report "$work/bomb.jsonl.gz" -o "$work/report"

# Linear time on random input (issue 18's fuzz item): seeded random soups aimed at one stage each
# -- HTML for clean, punctuation/abbreviation/bullet soup for segment, quote-mark/"said" soup for
# quotes -- at 0.5 MB and 2 MB. Each is annotated rules-only; the 4x input must take at most 8x
# the time (linear is 4x). The unit suites' proptests (tests/ingest_clean.rs, tests/segment.rs,
# tests/quotes.rs, tests/entities.rs) check no panic and valid offsets on the same kinds of input.
python3 - "$work" <<'EOF'
import os, random, sys
w = sys.argv[1]
pools = {
    "html": ["<div>", "</div>", "<p>", "</p>", "<span class='x'>", "<b>", "</b>", "<i>", "<li>",
             "<ul>", "</ul>", "<script>var a=1;</script>", "<a href='/x'>", "</a>", "&amp;", "&nbsp;",
             "<br>", "<!-- c -->", "<table><tr><td>", "</td></tr></table>", "<h2>", "</h2>",
             " Aspirin may help headaches.", " Dr. Lee said", " 😀 ", " 中文 ", " metformin ", "<",
             ">", "\"", "'", "<p", " =", "<nav>", "</nav>", "<article>", "</article>"],
    "segment": ["Dr.", "e.g.", "i.e.", "3.5", "mg.", "U.S.", "...", "…", "!", "?", "\n", "\n\n",
                "- ", "* ", "1. ", "•", " ", " ", "word", "Word", "(", ")", ":", ";", ",", "\"",
                "“", "”", "No.", "vs.", "etc.", "Fig. 2", "http://a.b/c.d", "😀", "中文。", "A.", "b."],
    "quotes": ["\"", "“", "”", "'", "‘", "’", " said", " says", " told", " according to", " experts",
               " Dr. Ana Ruiz", " she", " he", ",", ".", " — ", " aspirin", " cures", " headache",
               " a neurologist at Mayo Clinic", "\n\n", " studies show", " that", " wrote", " Smith"],
}
for kind, pool in pools.items():
    rng = random.Random(20261207)
    for mb, n in (("0.5", 512 * 1024), ("2", 2048 * 1024)):
        parts, size = [], 0
        while size < n:
            t = rng.choice(pool)
            parts.append(t)
            size += len(t.encode())
        ext = "html" if kind == "html" else "txt"
        with open(os.path.join(w, f"fuzz-{kind}-{mb}mb.{ext}"), "w", encoding="utf-8") as f:
            f.write("".join(parts))
EOF
for kind in html segment quotes; do
  ext=txt; [ "$kind" = html ] && ext=html
  t=()
  for mb in 0.5 2; do
    rm -f "$work/time"
    case_ "random $kind soup, $mb MB, rules only" 60 1500 0 "" -- "$bin" annotate "$work/fuzz-$kind-${mb}mb.$ext" --no-model -q -o "$work/o.jsonl"
    t+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/time" 2>/dev/null)")
  done
  if [ -n "${t[1]:-}" ] && [ -n "${t[0]:-}" ]; then
    ratio="$(awk -v a="${t[0]}" -v b="${t[1]}" 'BEGIN { printf "%.1f", b / (a > 0.05 ? a : 0.05) }')"
    verdict=ok
    if awk -v r="$ratio" 'BEGIN { exit !(r > 8) }'; then verdict="superlinear"; failed=1; fi
    printf '| random %s soup: 2 MB / 0.5 MB time | %sx | | ≤ 8x (linear 4x) | %s |\n' "$kind" "$ratio" "$verdict"
  fi
done

exit "$failed"
