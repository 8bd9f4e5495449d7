#!/usr/bin/env python3
"""Bench inputs: web articles -> annotate input, and healthclaims output -> sentence list.

`build()` takes the web-style articles in ../shared/data/web-synthetic/corpus/*.txt and writes them,
repeated as often as needed to reach at least `min_sentences` sentences (counted by running the
rules-only `healthclaims annotate --no-model` over one copy, so the count is the segmenter's own),
as JSONL lines `{"id", "text"}`; copy k > 0 of an article gets the id `<stem>~<k>`. It also writes
a one-sentence article for the model-load measurement. `build_stream()` writes many short
articles (one paragraph each) for the whole-process streaming row.

`sentences()` reads healthclaims/1 records and returns the text of every sentence, cut from the
record's `text` with its code-point offsets (Python `str` indexes), in output order: the Python
references in run.py then see exactly the sentences `annotate` saw. Stdlib only.

    python scripts/bench/corpus.py [--min-sentences 3000]   # writes target/bench/articles.jsonl
"""

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT.parent / "shared" / "data" / "web-synthetic" / "corpus"
ONE_SENTENCE = "Metformin may lower the risk of type 2 diabetes in adults with prediabetes."


def read_articles(folder: Path):
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise SystemExit(f"corpus: no .txt articles in {folder}")
    return [(f.stem, f.read_text(encoding="utf-8")) for f in files]


def write_jsonl(path: Path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_records(path: Path):
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def sentences(output_jsonl: Path):
    """Sentence texts of every ok record, in order."""
    out = []
    for rec in read_records(output_jsonl):
        if rec.get("status") != "ok":
            continue
        text = rec["text"]
        out.extend(text[s["start"] : s["end"]] for s in rec.get("sentences", []))
    return out


def count_sentences(output_jsonl: Path) -> int:
    return sum(len(r.get("sentences", [])) for r in read_records(output_jsonl) if r.get("status") == "ok")


def build(binary: Path, out_dir: Path, min_sentences: int = 3000, web: Path = WEB, max_articles: int = 0):
    """Write out_dir/articles.jsonl (>= min_sentences sentences) and out_dir/one.jsonl.
    `max_articles` > 0 keeps only the first articles (quick trial runs).
    Returns (articles path, one-sentence path, copies, articles in one copy)."""
    articles = read_articles(web)
    if max_articles > 0:
        articles = articles[:max_articles]
    with tempfile.TemporaryDirectory() as tmp:
        once, annotated = Path(tmp) / "once.jsonl", Path(tmp) / "once.out.jsonl"
        write_jsonl(once, ({"id": i, "text": t} for i, t in articles))
        subprocess.run([str(binary), "annotate", str(once), "-o", str(annotated), "--no-model", "-q"], check=True)
        per_copy = count_sentences(annotated)
    if per_copy == 0:
        raise SystemExit("corpus: the segmenter found no sentences in the web articles")
    copies = max(1, math.ceil(min_sentences / per_copy))
    rows = ({"id": i if k == 0 else f"{i}~{k}", "text": t} for k in range(copies) for i, t in articles)
    path = out_dir / "articles.jsonl"
    write_jsonl(path, rows)
    one = out_dir / "one.jsonl"
    write_jsonl(one, [{"id": "one", "text": ONE_SENTENCE}])
    return path, one, copies, len(articles)


def build_stream(out_dir: Path, n_articles: int = 10000, web: Path = WEB):
    """Write out_dir/stream.jsonl: `n_articles` short articles (the daily-batch case), each one
    paragraph of a web article (paragraphs cycled in order, id `<stem>-p<k>~<copy>`).
    Returns (path, articles)."""
    paragraphs = []
    for stem, text in read_articles(web):
        for k, para in enumerate(p.strip() for p in text.split("\n\n")):
            if len(para) >= 80:  # a heading or a byline is not an article
                paragraphs.append((f"{stem}-p{k}", para))
    if not paragraphs:
        raise SystemExit(f"corpus: no paragraphs in {web}")
    rows = ({"id": f"{paragraphs[i % len(paragraphs)][0]}~{i // len(paragraphs)}", "text": paragraphs[i % len(paragraphs)][1]} for i in range(n_articles))
    path = out_dir / "stream.jsonl"
    write_jsonl(path, rows)
    return path, n_articles


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "healthclaims"))
    ap.add_argument("--out", default=str(ROOT / "target" / "bench"))
    ap.add_argument("--min-sentences", type=int, default=3000)
    a = ap.parse_args()
    path, _, copies, n = build(Path(a.bin), Path(a.out), a.min_sentences)
    print(f"corpus: {n} articles x {copies} copies -> {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
