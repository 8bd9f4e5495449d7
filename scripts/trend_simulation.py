#!/usr/bin/env python3
"""End-to-end check of `healthclaims report`'s trend test on synthetic JSONL (issue 19).

Writes REPS synthetic corpora of ARTICLES articles over 12 months (4-40 sentences each; each
article's log-odds of a hedged sentence = logit(14%) + slope * month + N(0, 0.8^2), the article
effect that makes sentences cluster), runs `report` on each, reads trends.csv and prints the share
of runs with p < 0.05 for the overall hedging trend: with no trend planted (type-I error, should be
near 5%) and with a fall from 14% to 9% planted (power). Standard library only; fixed seed.

Usage: python3 scripts/trend_simulation.py [--reps 200] [--articles 120] [--bin target/release/healthclaims]
"""
import argparse
import csv
import json
import math
import os
import random
import subprocess
import tempfile


def corpus(rng, n, slope):
    base = math.log(0.14 / 0.86)
    out = []
    for i in range(n):
        month = i % 12
        k = rng.randint(4, 40)
        p = 1 / (1 + math.exp(-(base + slope * month + rng.gauss(0, 0.8))))
        sents = [{"start": j * 12, "end": j * 12 + 11, "kind": "prose", "hedged": rng.random() < p,
                  "hedge_score": 0.5, "claim": "none", "claim_score": 0.0} for j in range(k)]
        out.append({"schema": "healthclaims/1", "id": f"s{i}", "source": f"x.jsonl:{i}", "status": "ok",
                    "meta": {"title": None, "url": f"https://site{i % 5}.example/{i}",
                             "published": f"2025-{month + 1:02d}-01"},
                    "text": "A sentence. " * k, "sentences": sents, "entities": [], "hedges": [],
                    "claims": [], "quotes": [], "model": {"name": "sim", "version": "0"}})
    return out


def p_value(binary, records, tmp):
    path = os.path.join(tmp, "sim.jsonl")
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    out = os.path.join(tmp, "rep")
    subprocess.run([binary, "report", path, "-o", out], check=True, stderr=subprocess.DEVNULL)
    with open(os.path.join(out, "trends.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["measure"] == "hedged_sentences" and row["scope"] == "all":
                return float(row["p_value"]) if row["p_value"] else None
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--articles", type=int, default=120)
    ap.add_argument("--bin", default="target/release/healthclaims")
    a = ap.parse_args()
    rng = random.Random(19)
    fall = (math.log(0.09 / 0.91) - math.log(0.14 / 0.86)) / 11
    print(f"load average: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, slope in (("no trend (type-I error)", 0.0), ("14% -> 9% (power)", fall)):
            ps = [p_value(a.bin, corpus(rng, a.articles, slope), tmp) for _ in range(a.reps)]
            ps = [p for p in ps if p is not None]
            rate = sum(p < 0.05 for p in ps) / len(ps)
            se = math.sqrt(rate * (1 - rate) / len(ps))
            print(f"{name}: {rate:.3f} of {len(ps)} runs with p < 0.05 (±{1.96 * se:.3f}), {a.articles} articles")


if __name__ == "__main__":
    main()
