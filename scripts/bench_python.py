"""Throughput of the Python package against the CLI on the same articles. Takes corpus/ (or
--articles FILE.jsonl), repeated to --n articles with distinct ids; times
`healthclaims annotate FILE.jsonl` (the bundled release binary, so both use the same build) and
`Annotator().annotate(list)`, both including the model load, best of --runs, alternating so
load from other processes hits both alike; prints articles/s, sentences/s, the ratio, and the
load average (the figures are noisy on a shared machine). Not a test: nothing is asserted.

    .venv-py/bin/python scripts/bench_python.py --n 120 --runs 3
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import healthclaims


def articles(corpus, n):
    base = []
    for p in sorted(Path(corpus).iterdir()):
        if p.suffix in (".txt", ".md", ".html"):
            body = p.read_text(encoding="utf-8")
            base.append({"id": p.stem, ("html" if p.suffix == ".html" else "text"): body})
    return [dict(base[i % len(base)], id=f"{base[i % len(base)]['id']}-{i}") for i in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parent.parent / "corpus"))
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    arts = articles(a.corpus, a.n)
    tmp = Path(tempfile.mkdtemp(prefix="healthclaims-bench."))
    src = tmp / "articles.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in arts), encoding="utf-8")
    binary = healthclaims.binary_path()
    cli_t, py_t = [], []
    sentences = 0
    for _ in range(a.runs):
        t = time.perf_counter()
        subprocess.run([binary, "annotate", str(src), "-o", str(tmp / "cli.jsonl"), "-q", "-j", str(a.threads)],
                       check=False, capture_output=True)
        cli_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        with healthclaims.Annotator(threads=a.threads) as hc:
            recs = hc.annotate(arts)
        py_t.append(time.perf_counter() - t)
        sentences = sum(len(r.get("sentences") or []) for r in recs)
    cli_lines = sum(1 for _ in open(tmp / "cli.jsonl", encoding="utf-8"))
    assert cli_lines == len(recs) == a.n
    c, p = min(cli_t), min(py_t)
    load = os.getloadavg()
    print(f"articles {a.n}, sentences {sentences}, runs {a.runs} (best of), cores {os.cpu_count()}, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"CLI     {c:7.2f}s  {a.n / c:7.2f} articles/s  {sentences / c:8.1f} sentences/s  (all runs: {', '.join(f'{x:.2f}' for x in cli_t)})")
    print(f"Python  {p:7.2f}s  {a.n / p:7.2f} articles/s  {sentences / p:8.1f} sentences/s  (all runs: {', '.join(f'{x:.2f}' for x in py_t)})")
    print(f"Python / CLI throughput: {c / p:.3f}")


if __name__ == "__main__":
    sys.exit(main())
