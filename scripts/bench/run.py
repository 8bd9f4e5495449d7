#!/usr/bin/env python3
"""The throughput benchmark: `healthclaims annotate` against two Python references on the same weights.

Takes the release binary, a healthclaims model folder and the web-style articles of
../shared/data/web-synthetic; writes target/bench/{articles.jsonl, hf-model/, sentences.json,
out-*.jsonl, results.json, results.md} and prints a table of sentences/s, ratios and peak RSS:

  * `healthclaims annotate` (every stage: clean, segment, transformer with all four heads, rules,
    claims, quotes, JSON output) at 1 thread (`--threads 1 --torch-threads 1`) and 2 threads
    (`--threads 2`: two workers with one libtorch thread each; and `--threads 1 --torch-threads 2`),
    plus `--no-model` (rules only) for reference. Each run is a fresh process; sentences/s is the
    sentences in its output over the process's whole wall time (start-up and model load included);
    peak RSS from os.wait4's rusage of that process. Median of --reps runs.
  * model load: median wall time of `annotate` on a one-sentence article minus the same with
    `--no-model` (interleaved, --load-reps each).
  * Python reference 1: `transformers.pipeline("token-classification", aggregation_strategy="simple",
    device=-1)` called on the list of sentences as a user would (default batch size, and
    batch_size=32), `torch.set_num_threads(N)`.
  * Python reference 2: a hand-batched forward pass, the practical ceiling for this model here:
    fast-tokenizer batch encode, length-sorted batches of 64 padded to their longest member,
    BertModel (SDPA attention) + the four heads (token heads on the hidden states, sentence heads on
    the mask-mean-pooled states) under torch.inference_mode(), fp32, arg-max/softmax of each head.
  The Python figures time only the loop over the sentences (import and model load excluded), which
  favours the references; their peak RSS is the whole process. Both see exactly the sentences
  `annotate` segmented (cut from its output), so sentences/s compare like with like.

Ratios are against the reference at the same thread count. Run through scripts/bench.sh (which
builds the venv and the release binary); `run.py --ref KIND ...` is the child mode it uses itself.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# measuring a child process


GNU_TIME = Path("/usr/bin/time")


def measure(cmd, env=None, ok_codes=(0,)):
    """Run cmd to completion; return (wall seconds, peak RSS MB, stdout text).

    Peak RSS comes from GNU time when present, else from os.wait4's rusage. (Linux counts the
    launching process's RSS at fork into the child's maximum, so the launcher must be small:
    GNU time is; this script, which never imports torch itself, is a ~15 MB floor.)"""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss_file:
        full = [str(GNU_TIME), "-f", "%M", "-o", rss_file.name, *map(str, cmd)] if GNU_TIME.exists() else cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        rss_kb = ru.ru_maxrss
        if GNU_TIME.exists():
            lines = [x for x in rss_file.read().split() if x.isdigit()]
            rss_kb = int(lines[-1]) if lines else rss_kb
    if p.returncode not in ok_codes:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} exited {p.returncode}\n{stderr[-4000:]}")
    return wall, rss_kb / 1024.0, stdout


# ---------------------------------------------------------------------------------------------
# child mode: the Python references


def ref_main(a):
    import torch

    torch.set_num_threads(a.threads)
    sents = json.loads(Path(a.sentences).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    if a.ref == "pipeline":
        from transformers import pipeline

        nlp = pipeline("token-classification", model=a.hf, aggregation_strategy="simple", device=-1)
        loaded = time.perf_counter()
        out = nlp(sents) if a.batch_size is None else nlp(sents, batch_size=a.batch_size)
        done = time.perf_counter()
        summary = {"entities": sum(len(o) for o in out)}
    else:
        from safetensors.torch import load_file
        from transformers import AutoTokenizer, BertModel

        tok = AutoTokenizer.from_pretrained(a.hf)
        bert = BertModel.from_pretrained(a.hf, add_pooling_layer=False).eval()
        heads = {}
        hw = load_file(str(Path(a.hf) / "heads.safetensors"))
        for name in ("entity", "cue", "hedged", "claim"):
            w, b = hw[f"heads.{name}.weight"], hw[f"heads.{name}.bias"]
            lin = torch.nn.Linear(w.shape[1], w.shape[0])
            lin.weight.data.copy_(w)
            lin.bias.data.copy_(b)
            heads[name] = lin.eval()
        loaded = time.perf_counter()
        summary = batched_forward(torch, tok, bert, heads, sents, a.batch_size or 64)
        summary["attention"] = bert.config._attn_implementation
        done = time.perf_counter()
    res = {
        "ref": a.ref,
        "threads": a.threads,
        "batch_size": a.batch_size,
        "sentences": len(sents),
        "load_s": loaded - t0,
        "loop_s": done - loaded,
        "torch": torch.__version__,
        **summary,
    }
    print(json.dumps(res))


def batched_forward(torch, tok, bert, heads, sents, batch):
    enc = tok(sents, add_special_tokens=True, truncation=True, max_length=128)["input_ids"]
    order = sorted(range(len(enc)), key=lambda i: len(enc[i]))
    pad = tok.pad_token_id
    entities = hedged = 0
    claims = [0, 0, 0, 0]
    with torch.inference_mode():
        for k in range(0, len(order), batch):
            rows = [enc[i] for i in order[k : k + batch]]
            width = len(rows[-1])
            ids = torch.full((len(rows), width), pad, dtype=torch.long)
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for r, x in enumerate(rows):
                ids[r, : len(x)] = torch.tensor(x)
                mask[r, : len(x)] = 1
            h = bert(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).to(h.dtype)
            pooled = (h * m).sum(1) / m.sum(1).clamp_min(1.0)
            ent = heads["entity"](h).softmax(-1).argmax(-1)
            heads["cue"](h).softmax(-1).argmax(-1)
            hp = heads["hedged"](pooled).softmax(-1)[:, 1]
            cl = heads["claim"](pooled).softmax(-1).argmax(-1)
            # B-tags (odd indices) start entities: a cheap count so the work is not dead code
            entities += int(((ent % 2 == 1) & (mask == 1)).sum())
            hedged += int((hp > 0.5).sum())
            for c in cl.tolist():
                claims[c] += 1
    return {"entities": entities, "hedged": hedged, "claims": claims}


# ---------------------------------------------------------------------------------------------
# the parent


def rust_runs(binary, model, articles, out_dir, name, args, reps):
    runs = []
    out = out_dir / f"out-{name}.jsonl"
    for _ in range(reps):
        if out.exists():
            out.unlink()
        cmd = [str(binary), "annotate", str(articles), "-o", str(out), "-q", *args]
        if "--no-model" not in args:
            cmd += ["--model", str(model)]
        wall, rss, _ = measure(cmd, ok_codes=(0, 1))
        n = corpus.count_sentences(out)
        runs.append({"wall_s": wall, "rss_mb": rss, "sentences": n})
        log(f"  {name}: {n} sentences in {wall:.2f} s ({n / wall:.1f}/s), peak RSS {rss:.0f} MB")
    return runs, out


def py_runs(hf, sentences_file, ref, threads, batch_size, reps):
    runs = []
    for _ in range(reps):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--ref", ref, "--threads", str(threads), "--hf", str(hf), "--sentences", str(sentences_file)]
        if batch_size is not None:
            cmd += ["--batch-size", str(batch_size)]
        env = dict(os.environ, TRANSFORMERS_OFFLINE="1", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false", PYTHONWARNINGS="ignore")
        wall, rss, stdout = measure(cmd, env=env)
        res = json.loads(stdout.strip().splitlines()[-1])
        res.update(wall_s=wall, rss_mb=rss)
        runs.append(res)
        log(f"  {ref} threads={threads} batch={batch_size}: {res['sentences']} sentences in {res['loop_s']:.2f} s ({res['sentences'] / res['loop_s']:.1f}/s; load {res['load_s']:.2f} s), peak RSS {rss:.0f} MB")
    return runs


def median_run(runs, time_key):
    """The run with the median time (lower median for even counts)."""
    s = sorted(runs, key=lambda r: r[time_key])
    return s[(len(s) - 1) // 2]


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def fmt_ratio(x):
    return "–" if x is None else f"{x:.2f}×"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "healthclaims"))
    ap.add_argument("--model", default=os.environ.get("HEALTHCLAIMS_MODEL", str(ROOT / "models" / "healthclaims-minilm")))
    ap.add_argument("--out", default=str(ROOT / "target" / "bench"))
    ap.add_argument("--min-sentences", type=int, default=3000)
    ap.add_argument("--reps", type=int, default=3, help="runs per healthclaims / batched-forward setting (median)")
    ap.add_argument("--pipeline-reps", type=int, default=1, help="runs per transformers-pipeline setting")
    ap.add_argument("--load-reps", type=int, default=5)
    ap.add_argument("--max-articles", type=int, default=0, help="use only the first N web articles (trial runs)")
    ap.add_argument("--skip-python", action="store_true", help="healthclaims figures only")
    # child mode
    ap.add_argument("--ref", choices=["pipeline", "batched"], help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=2, help=argparse.SUPPRESS)
    ap.add_argument("--batch-size", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--hf", help=argparse.SUPPRESS)
    ap.add_argument("--sentences", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.ref:
        return ref_main(a)

    binary, model, out_dir = Path(a.bin), Path(a.model), Path(a.out)
    if not binary.exists():
        raise SystemExit(f"bench: no binary at {binary} (cargo build --release)")
    if not (model / "heads.json").exists():
        raise SystemExit(f"bench: no model in {model} (heads.json missing)")
    out_dir.mkdir(parents=True, exist_ok=True)

    articles, one, copies, n_articles = corpus.build(binary, out_dir, a.min_sentences, max_articles=a.max_articles)
    log(f"input: {n_articles} web articles x {copies} copies -> {articles}")
    hf = out_dir / "hf-model"
    if not a.skip_python:
        # in a child: this process stays small (see measure) and never imports torch
        subprocess.run([sys.executable, str(HERE / "export_hf.py"), str(model), str(hf)], check=True)
        log(f"exported the weights as a transformers folder: {hf}")

    rows = []  # (system, threads, runs-summary dict)
    results = {"machine": {"cpu": cpu_name(), "cores": os.cpu_count(), "python": platform.python_version(), "loadavg_at_start": os.getloadavg()}, "model": str(model), "input": {"articles": n_articles * copies, "copies": copies}}

    # --- healthclaims
    rust_cfgs = [
        ("healthclaims annotate", 1, "model-t1", ["--threads", "1", "--torch-threads", "1"]),
        ("healthclaims annotate", 2, "model-t2", ["--threads", "2"]),
        ("healthclaims annotate, 1 worker × 2 torch threads", 2, "model-w1t2", ["--threads", "1", "--torch-threads", "2"]),
        ("healthclaims annotate --no-model (rules only)", 1, "rules-t1", ["--threads", "1", "--no-model"]),
        ("healthclaims annotate --no-model (rules only)", 2, "rules-t2", ["--threads", "2", "--no-model"]),
    ]
    results["healthclaims"] = {}
    sentence_out = None
    for system, threads, name, args in rust_cfgs:
        log(f"{system} ({' '.join(args)})")
        runs, out = rust_runs(binary, model, articles, out_dir, name, args, a.reps)
        results["healthclaims"][name] = {"args": args, "runs": runs}
        med = median_run(runs, "wall_s")
        rows.append({"system": system, "threads": threads, "sps": med["sentences"] / med["wall_s"], "rss_mb": max(r["rss_mb"] for r in runs), "time_s": med["wall_s"], "sentences": med["sentences"], "kind": "ours", "model": "--no-model" not in args})
        if sentence_out is None:
            sentence_out = out

    # --- model load
    log("model load (one-sentence article, with and without the model)")
    with_m, without = [], []
    for _ in range(a.load_reps):
        with_m.append(measure([str(binary), "annotate", str(one), "-o", str(out_dir / "one-out.jsonl"), "-q", "--threads", "1", "--torch-threads", "1", "--model", str(model)], ok_codes=(0, 1))[0])
        without.append(measure([str(binary), "annotate", str(one), "-o", str(out_dir / "one-out.jsonl"), "-q", "--threads", "1", "--no-model"], ok_codes=(0, 1))[0])
    load_ms = 1000 * (statistics.median(with_m) - statistics.median(without))
    results["model_load"] = {"with_model_s": with_m, "no_model_s": without, "load_ms": load_ms}
    log(f"  model load ≈ {load_ms:.0f} ms (one-sentence run {1000 * statistics.median(with_m):.0f} ms vs {1000 * statistics.median(without):.0f} ms rules-only)")

    # --- the Python references, on the very sentences annotate saw
    sents = corpus.sentences(sentence_out)
    sentences_file = out_dir / "sentences.json"
    sentences_file.write_text(json.dumps(sents, ensure_ascii=False), encoding="utf-8")
    results["input"]["sentences"] = len(sents)
    log(f"{len(sents)} sentences -> {sentences_file}")
    if not a.skip_python:
        py_cfgs = [
            ("transformers pipeline (default batch)", 1, "pipeline", None, a.pipeline_reps),
            ("transformers pipeline (default batch)", 2, "pipeline", None, a.pipeline_reps),
            ("transformers pipeline (batch_size=32)", 2, "pipeline", 32, a.pipeline_reps),
            ("PyTorch sorted batched forward, 4 heads (batch 64)", 1, "batched", 64, a.reps),
            ("PyTorch sorted batched forward, 4 heads (batch 64)", 2, "batched", 64, a.reps),
        ]
        results["python"] = {}
        for system, threads, ref, bs, reps in py_cfgs:
            log(f"{system}, {threads} thread(s)")
            runs = py_runs(hf, sentences_file, ref, threads, bs, reps)
            results["python"][f"{ref}-t{threads}-b{bs}"] = runs
            med = median_run(runs, "loop_s")
            rows.append({"system": system, "threads": threads, "sps": med["sentences"] / med["loop_s"], "rss_mb": max(r["rss_mb"] for r in runs), "time_s": med["loop_s"], "sentences": med["sentences"], "kind": ref if bs != 32 else "pipeline32", "model": True})

    # --- ratios against the references at the same thread count
    base = {(r["kind"], r["threads"]): r["sps"] for r in rows if r["kind"] in ("pipeline", "batched")}
    for r in rows:
        p, b = base.get(("pipeline", r["threads"])), base.get(("batched", r["threads"]))
        r["x_pipeline"] = r["sps"] / p if p else None
        r["x_batched"] = r["sps"] / b if b else None
    results["rows"] = rows

    header = ["system", "threads", "sentences/s", "× pipeline", "× batched forward", "peak RSS MB", "time s"]
    table = [[r["system"], str(r["threads"]), f"{r['sps']:.1f}", fmt_ratio(r["x_pipeline"]), fmt_ratio(r["x_batched"]), f"{r['rss_mb']:.0f}", f"{r['time_s']:.2f}"] for r in rows]
    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(header)]
    text = "\n".join(["  ".join(c.ljust(w) for c, w in zip(line, widths)) for line in [header, ["-" * w for w in widths], *table]])
    m = results["machine"]
    m["loadavg_at_end"] = os.getloadavg()
    notes = [
        f"{len(sents)} sentences ({n_articles} web-synthetic articles × {copies}); {m['cpu']}, {m['cores']} cores; "
        f"load average {m['loadavg_at_start'][0]:.2f} at the start, {m['loadavg_at_end'][0]:.2f} at the end (other work on the machine skews every figure).",
        f"Model load: {load_ms:.0f} ms (median one-sentence `annotate` with the model minus without, {a.load_reps} runs each).",
        "healthclaims: whole process wall time (start-up, model load, every stage, JSON out), median of "
        f"{a.reps}; Python: the loop over the sentences only (import and load excluded), median of {a.reps} "
        f"(pipeline: {a.pipeline_reps}). Ratios against the reference at the same thread count.",
    ]
    print(text)
    print()
    print("\n".join(notes))
    md = ["| " + " | ".join(header) + " |", "|" + "|".join(["---", "---:", "---:", "---:", "---:", "---:", "---:"]) + "|"]
    md += ["| " + " | ".join(t) + " |" for t in table]
    (out_dir / "results.md").write_text("\n".join(md) + "\n\n" + "\n".join(notes) + "\n", encoding="utf-8")
    results["model_load_ms"] = load_ms
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    log(f"wrote {out_dir / 'results.md'} and {out_dir / 'results.json'}")


if __name__ == "__main__":
    sys.exit(main())
