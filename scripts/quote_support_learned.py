#!/usr/bin/env python3
"""A learned alternative to the quote-support rules, measured against them (issue 16).

Takes healthclaims output for the web-synthetic training split and the dev split, matches each
quote the tool found to the gold quote it overlaps (as ../shared/eval/score.py does), and fits
an L2-regularised logistic regression on the training split's gold `supported` labels, from
features a reader of the text would use — who speaks (the speaker kind the tool assigned, a
title, a profession, a full name, an organisation or place word, a study or journal head, a
group or vague head), what the article says about that speaker elsewhere (a workplace "at/of"
an organisation, a role), and the quote's kind. The rules' own decision and reason are not
features. It then rewrites the dev output with the learned `supported` and scores both with
score.py: support accuracy and unsupported-quote F1, rules against learned.

Standard library only; deterministic (full-batch gradient descent from zeros).

    healthclaims annotate TRAIN_DIR -o train.jsonl; healthclaims annotate DEV_DIR -o dev.jsonl
    python3 scripts/quote_support_learned.py --train train.jsonl --train-gold G1 \
        --dev dev.jsonl --dev-gold G2
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "models" / "lexicon" / "rules"
SCORE = ROOT.parent / "shared" / "eval" / "score.py"


def words_of(name: str) -> set[str]:
    """A rules list (one entry per line, '#' comments, '~n' plural marker) as lower-case words."""
    out = set()
    for line in (RULES / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        plural = line.endswith("~n")
        w = line[:-2].strip() if plural else line
        out.add(w.lower())
        if plural:
            out.add(w.lower() + "s")
    return out


PROFESSIONS = words_of("professions.txt")
GROUPS = words_of("speaker_groups.txt")
STUDIES = words_of("study_heads.txt")
ORG_WORDS = {
    "university", "hospital", "clinic", "institute", "center", "centre", "college", "school",
    "foundation", "association", "society", "agency", "department", "council", "ministry",
    "academy", "service", "laboratory", "lab", "health", "medical", "pharmacy", "inc", "ltd",
}
TITLES = {"dr", "dr.", "prof", "prof.", "professor", "nurse"}
PRONOUNS = {"he", "she", "they", "i", "we", "you"}

FEATURES = [
    "bias", "direct", "kind_person", "kind_org", "kind_pub", "kind_vague", "kind_none",
    "title", "profession", "full_name", "one_cap_word", "org_word", "acronym", "study_head",
    "journal", "group_head", "pronoun", "long_speaker", "ctx_at_org", "ctx_role_comma",
    "ctx_profession", "ctx_age_or_place", "named_elsewhere", "name_and_affiliation",
    "title_only", "named_participant",
]


def features(rec: dict, q: dict) -> list[float]:
    text = rec["text"]
    sp = q.get("speaker") or {}
    st = sp.get("text") or ""
    toks = re.findall(r"[\w.'’@-]+", st)
    low = [t.lower().strip(".,") for t in toks]
    caps = [t for t in toks if t[:1].isupper() and t.lower() not in TITLES]
    kind = sp.get("kind")
    surname = caps[-1] if caps else None
    # what the article says around other mentions of this speaker's surname
    ctx = ""
    if surname and len(surname) > 2:
        for s in rec["sentences"]:
            seg = text[s["start"]:s["end"]]
            if surname in seg:
                ctx += " " + seg
    f = {
        "bias": 1,
        "direct": q.get("kind") == "direct",
        "kind_person": kind == "person",
        "kind_org": kind == "organisation",
        "kind_pub": kind == "publication",
        "kind_vague": kind == "vague",
        "kind_none": kind is None,
        "title": any(t in TITLES for t in low),
        "profession": any(t in PROFESSIONS for t in low),
        "full_name": len(caps) >= 2,
        "one_cap_word": len(caps) == 1,
        "org_word": any(t in ORG_WORDS for t in low),
        "acronym": any(len(t) >= 2 and t.isupper() and t.isalpha() for t in toks),
        "study_head": any(t in STUDIES for t in low),
        "journal": "journal" in low,
        "group_head": bool(low) and low[-1] in GROUPS,
        "pronoun": bool(low) and low[0] in PRONOUNS,
        "long_speaker": len(toks) > 6,
        "ctx_at_org": bool(re.search(r"\b(?:at|of|from|with)\s+(?:the\s+)?[A-Z][\w'’-]+", ctx)),
        "ctx_role_comma": bool(re.search(r",\s+(?:a|an|the)\s+[a-z]", ctx)),
        "ctx_profession": any(w.lower().strip(".,") in PROFESSIONS for w in ctx.split()),
        "ctx_age_or_place": bool(re.search(r",\s*\d{2}\b|,\s+(?:of|from)\s+[A-Z]", ctx)),
        "named_elsewhere": bool(ctx) and ctx.count(surname or "\0") > 1,
    }
    # the guidelines' line, as conjunctions a linear model cannot form by itself
    f["name_and_affiliation"] = f["full_name"] and f["ctx_at_org"]
    f["title_only"] = (f["title"] or f["profession"] or f["ctx_profession"]) and not f["ctx_at_org"]
    f["named_participant"] = f["full_name"] and not (f["title"] or f["profession"] or f["ctx_profession"])
    return [float(f[k]) for k in FEATURES]


def matched(out_path: str, gold_dir: str):
    """(record, quote index, gold supported) for every tool quote that overlaps a gold quote."""
    sys.path.insert(0, str(SCORE.parent))
    import score as S  # noqa: E402  (the scorer's own matching helpers)

    recs = {}
    with open(out_path, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            recs[r["id"]] = r
    rows = []
    for gp in sorted(glob.glob(os.path.join(gold_dir, "*.json"))):
        g = json.load(open(gp, encoding="utf-8"))
        r = recs.get(os.path.splitext(g["doc"])[0])
        if not r or r.get("status") != "ok":
            continue
        used = set()
        for gq in g.get("quotes", []):
            loc = S.find(r["text"], gq["content"])
            if not loc:
                continue
            m = next((j for j, s in enumerate(r["quotes"]) if j not in used and S.overlaps(loc, (s["start"], s["end"]))), None)
            if m is not None:
                used.add(m)
                rows.append((r, m, bool(gq["supported"])))
    return recs, rows


def fit(xs: list[list[float]], ys: list[int], l2: float = 0.01, steps: int = 3000, lr: float = 0.5) -> list[float]:
    w = [0.0] * len(xs[0])
    n = len(xs)
    for _ in range(steps):
        grad = [l2 * wi for wi in w]
        grad[0] = 0.0
        for x, y in zip(xs, ys):
            z = sum(wi * xi for wi, xi in zip(w, x))
            p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            for k, xi in enumerate(x):
                grad[k] += (p - y) * xi / n
        w = [wi - lr * g for wi, g in zip(w, grad)]
    return w


def predict(w: list[float], x: list[float]) -> bool:
    return sum(wi * xi for wi, xi in zip(w, x)) >= 0


def score(out_path: str, gold: str) -> dict:
    res = subprocess.run([sys.executable, str(SCORE), "--output", out_path, "--gold", gold],
                         capture_output=True, text=True, check=True)
    got = {}
    for line in res.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "quote_support_accuracy":
            got["support"] = float(parts[1])
        if parts and parts[0] == "unsupported_quote":
            got["unsupported_f1"] = float(parts[parts.index("F1") + 1])
    return got


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--train-gold", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--dev-gold", required=True)
    a = ap.parse_args()

    _, train_rows = matched(a.train, a.train_gold)
    xs = [features(r, r["quotes"][m]) for r, m, _ in train_rows]
    ys = [int(y) for _, _, y in train_rows]
    w = fit(xs, ys)
    train_acc = sum(predict(w, x) == bool(y) for x, y in zip(xs, ys)) / len(ys)
    rules_train = sum(r["quotes"][m]["supported"] == y for r, m, y in train_rows) / len(ys)

    recs, dev_rows = matched(a.dev, a.dev_gold)
    learned = {(r["id"], m): predict(w, features(r, r["quotes"][m])) for r, m, _ in dev_rows}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "learned.jsonl")
        with open(path, "w", encoding="utf-8") as fh:
            for r in recs.values():
                r = json.loads(json.dumps(r))
                for j, q in enumerate(r.get("quotes", [])):
                    # quotes matching no gold quote keep the rules' call (the learner saw none)
                    q["supported"] = learned.get((r["id"], j), q["supported"])
                fh.write(json.dumps(r) + "\n")
        rules = score(a.dev, a.dev_gold)
        lrn = score(path, a.dev_gold)
    print(f"training quotes matched to gold: {len(ys)} ({sum(ys)} supported)")
    print(f"training-split support accuracy: rules {rules_train:.3f}, learned (fit) {train_acc:.3f}")
    print(f"dev quotes matched to gold: {len(dev_rows)}")
    print("| dev split | quote support accuracy | unsupported quote F1 |")
    print("|---|---|---|")
    print(f"| rules (shipped) | {rules['support']:.3f} | {rules['unsupported_f1']:.3f} |")
    print(f"| learned (logistic regression) | {lrn['support']:.3f} | {lrn['unsupported_f1']:.3f} |")
    print("weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in sorted(zip(FEATURES, w), key=lambda t: -abs(t[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
