#!/usr/bin/env python3
"""The throughput benchmark: `healthclaims annotate` against two Python references on the same weights.

Takes the release binary, a healthclaims model folder and the web-style articles of
../shared/data/web-synthetic; writes target/bench/{articles.jsonl, hf-model/, sentences.json,
out-*.jsonl, results.json, results.md} and prints a table of sentences/s, ratios and peak RSS:

  * `healthclaims annotate` (every stage: clean, segment, transformer with all four heads, rules,
    claims, quotes, JSON output) at each --precisions (fp32, int8) and thread arrangement: 1 thread
    (`--threads 1 --torch-threads 1`), 2 workers × 1 libtorch thread, 1 worker × 2 libtorch
    threads; the defaults (no flags); `--no-model` (rules only) for reference. Each run is a fresh
    process; sentences/s is the sentences in its output over the process's whole wall time
    (start-up and model load included); peak RSS from GNU time (else os.wait4's rusage). Every
    setting runs --reps times, the settings interleaved (A, B, C, A, B, C, ...); the table gives the
    median and the spread ((max − min) / median).
  * the daily-batch case: --stream-articles short articles (one web-article paragraph each) piped
    through `annotate -` with the defaults, whole process: articles/s and peak RSS.
  * noise: the load average at the start and the end, and each setting's spread; a load above a
    quarter of the cores or a spread above --max-spread marks the run NOISY in the output and in
    results.json (`noisy`), and --strict makes it exit non-zero.
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


def measure(cmd, env=None, ok_codes=(0,), stdin=None):
    """Run cmd to completion; return (wall seconds, peak RSS MB, stdout text).

    Peak RSS comes from GNU time when present, else from os.wait4's rusage. (Linux counts the
    launching process's RSS at fork into the child's maximum, so the launcher must be small:
    GNU time is; this script, which never imports torch itself, is a ~15 MB floor.)
    `stdin`: a file piped to the process's standard input."""
    with open(stdin or os.devnull, "rb") as inp, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as rss_file:
        full = [str(GNU_TIME), "-f", "%M", "-o", rss_file.name, *map(str, cmd)] if GNU_TIME.exists() else cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdin=inp, stdout=out, stderr=err, env=env)
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


def rust_run(binary, model, articles, out_dir, name, args, stdin=False):
    """One `annotate` process over `articles` (a file argument, or piped to `annotate -`)."""
    out = out_dir / f"out-{name}.jsonl"
    if out.exists():
        out.unlink()
    src = "-" if stdin else str(articles)
    cmd = [str(binary), "annotate", src, "-o", str(out), "-q", *args]
    if "--no-model" not in args:
        cmd += ["--model", str(model)]
    wall, rss, _ = measure(cmd, ok_codes=(0, 1), stdin=articles if stdin else None)
    n = corpus.count_sentences(out)
    arts = sum(1 for _ in corpus.read_records(out))
    log(f"  {name}: {n} sentences, {arts} articles in {wall:.2f} s ({n / wall:.1f} sentences/s, {arts / wall:.1f} articles/s), peak RSS {rss:.0f} MB")
    return {"wall_s": wall, "rss_mb": rss, "sentences": n, "articles": arts}, out


def spread(values):
    """(median, min, max, (max - min) / median) of a list of numbers."""
    med = statistics.median(values)
    lo, hi = min(values), max(values)
    return med, lo, hi, (hi - lo) / med if med else 0.0


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


def git_commit():
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


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
    ap.add_argument("--precisions", type=lambda x: x.split(","), default=["fp32", "int8"], help="encoder precisions to time (comma-separated)")
    ap.add_argument("--only", default="", help="healthclaims settings to run, comma-separated names (fp32-w1t1, int8-w2t1, default, rules-t2, ...)")
    ap.add_argument("--stream-articles", type=int, default=10000, help="short articles for the `annotate -` row (0: skip it)")
    ap.add_argument("--stream-reps", type=int, default=3)
    ap.add_argument("--max-spread", type=float, default=0.10, help="runs of one setting disagreeing by more than this fraction flag the run as noisy")
    ap.add_argument("--strict", action="store_true", help="exit non-zero on a noisy run")
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

    # --- healthclaims: every setting --reps times, interleaved (setting A, B, C, A, B, C, ...), so
    # that a burst of other work on the machine hits every setting alike
    t1 = ["--threads", "1", "--torch-threads", "1"]
    w2t1 = ["--threads", "2", "--torch-threads", "1"]
    w1t2 = ["--threads", "1", "--torch-threads", "2"]
    rust_cfgs = []
    for prec in a.precisions:
        p = ["--precision", prec]
        rust_cfgs += [
            (f"healthclaims annotate --precision {prec}", 1, f"{prec}-w1t1", t1 + p),
            (f"healthclaims annotate --precision {prec}, 2 workers × 1 torch thread", 2, f"{prec}-w2t1", w2t1 + p),
            (f"healthclaims annotate --precision {prec}, 1 worker × 2 torch threads", 2, f"{prec}-w1t2", w1t2 + p),
        ]
    rust_cfgs += [
        ("healthclaims annotate (defaults)", os.cpu_count(), "default", []),
        ("healthclaims annotate --no-model (rules only)", 1, "rules-t1", ["--threads", "1", "--no-model"]),
        ("healthclaims annotate --no-model (rules only)", 2, "rules-t2", ["--threads", "2", "--no-model"]),
    ]
    if a.only:
        keep = set(a.only.split(","))
        rust_cfgs = [c for c in rust_cfgs if c[2] in keep]
    results["healthclaims"] = {name: {"args": args, "runs": []} for _, _, name, args in rust_cfgs}
    sentence_out = None
    for rep in range(a.reps):
        log(f"healthclaims settings, round {rep + 1} of {a.reps}")
        for system, threads, name, args in rust_cfgs:
            run, out = rust_run(binary, model, articles, out_dir, name, args)
            results["healthclaims"][name]["runs"].append(run)
            if sentence_out is None and "--no-model" not in args:
                sentence_out = out
    for system, threads, name, args in rust_cfgs:
        runs = results["healthclaims"][name]["runs"]
        sps = [r["sentences"] / r["wall_s"] for r in runs]
        med, lo, hi, sp = spread(sps)
        results["healthclaims"][name].update(sps_median=med, sps_min=lo, sps_max=hi, spread=sp)
        rows.append({"system": system, "threads": threads, "sps": med, "spread": sp, "lo": lo, "hi": hi, "rss_mb": max(r["rss_mb"] for r in runs), "time_s": statistics.median(r["wall_s"] for r in runs), "sentences": runs[0]["sentences"], "kind": "ours", "name": name, "model": "--no-model" not in args})
    if sentence_out is None:
        sentence_out = out_dir / "out-sentences.jsonl"
        rust_run(binary, model, articles, out_dir, "sentences", ["--no-model"])
        sentence_out = out_dir / "out-sentences.jsonl"

    # --- the daily-batch case: many short articles streamed through `annotate -`, defaults
    stream_rows = []
    if a.stream_articles > 0:
        stream, n_stream = corpus.build_stream(out_dir, a.stream_articles)
        log(f"{n_stream} short articles streamed through `annotate -` (defaults), {a.stream_reps} runs")
        runs = [rust_run(binary, model, stream, out_dir, "stream", [], stdin=True)[0] for _ in range(a.stream_reps)]
        aps = [r["articles"] / r["wall_s"] for r in runs]
        med, lo, hi, sp = spread(aps)
        results["stream"] = {"articles": n_stream, "runs": runs, "aps_median": med, "aps_min": lo, "aps_max": hi, "spread": sp}
        stream_rows.append(f"whole process, {n_stream:,} short articles ({runs[0]['sentences']:,} sentences) streamed through `annotate -` (defaults): "
                           f"{med:.1f} articles/s (min {lo:.1f}, max {hi:.1f}, spread {100 * sp:.0f}%), "
                           f"{statistics.median(r['wall_s'] for r in runs):.1f} s, peak RSS {max(r['rss_mb'] for r in runs):.0f} MB")

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
            rows.append({"system": system, "threads": threads, "sps": med["sentences"] / med["loop_s"], "spread": spread([r["sentences"] / r["loop_s"] for r in runs])[3], "rss_mb": max(r["rss_mb"] for r in runs), "time_s": med["loop_s"], "sentences": med["sentences"], "kind": ref if bs != 32 else "pipeline32", "model": True})

    # --- ratios against the references at the same thread count
    base = {(r["kind"], r["threads"]): r["sps"] for r in rows if r["kind"] in ("pipeline", "batched")}
    for r in rows:
        p, b = base.get(("pipeline", r["threads"])), base.get(("batched", r["threads"]))
        r["x_pipeline"] = r["sps"] / p if p else None
        r["x_batched"] = r["sps"] / b if b else None
    results["rows"] = rows

    # ratios against the fp32 setting of the same arrangement (int8 rows), and the fastest
    fp32 = {r["name"].split("-", 1)[1]: r["sps"] for r in rows if r.get("name", "").startswith("fp32-")}
    for r in rows:
        n = r.get("name", "")
        r["x_fp32"] = r["sps"] / fp32[n.split("-", 1)[1]] if n.startswith("int8-") and n.split("-", 1)[1] in fp32 else None
    header = ["system", "threads", "sentences/s (median)", "spread", "× fp32", "× pipeline", "× batched forward", "peak RSS MB", "time s"]
    table = [[r["system"], str(r["threads"]), f"{r['sps']:.1f}", f"{100 * r['spread']:.0f}%", fmt_ratio(r["x_fp32"]), fmt_ratio(r["x_pipeline"]), fmt_ratio(r["x_batched"]), f"{r['rss_mb']:.0f}", f"{r['time_s']:.2f}"] for r in rows]
    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(header)]
    text = "\n".join(["  ".join(c.ljust(w) for c, w in zip(line, widths)) for line in [header, ["-" * w for w in widths], *table]])
    m = results["machine"]
    m["loadavg_at_end"] = os.getloadavg()
    # a noisy run: other work on the machine (load average above a quarter of the cores at
    # either end) or settings whose runs disagree by more than --max-spread
    cores = m["cores"] or 1
    noise = []
    for when in ("loadavg_at_start", "loadavg_at_end"):
        if m[when][0] > 0.25 * cores:
            noise.append(f"{when.replace('_', ' ')} {m[when][0]:.2f} on {cores} cores")
    for r in rows:
        if r["spread"] > a.max_spread:
            noise.append(f"'{r['system']}' ({r['threads']} thr.) runs spread {100 * r['spread']:.0f}%")
    if "stream" in results and results["stream"]["spread"] > a.max_spread:
        noise.append(f"streaming runs spread {100 * results['stream']['spread']:.0f}%")
    results["noisy"] = noise
    ours = [r for r in rows if r["kind"] == "ours" and r["model"] and r["threads"] == 2 and r.get("name") != "default"]
    fastest = max(ours, key=lambda r: r["sps"]) if ours else None
    notes = [
        ("NOISY RUN — do not quote these figures as the machine's: " + "; ".join(noise)) if noise else "Quiet run: load average and run-to-run spread within limits.",
        f"Commit {git_commit()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        *( [f"Fastest 2-thread setting: {fastest['system']} ({fastest['sps']:.1f} sentences/s)."] if fastest else [] ),
        *stream_rows,
        f"{len(sents)} sentences ({n_articles} web-synthetic articles × {copies}); {m['cpu']}, {m['cores']} cores; "
        f"load average {m['loadavg_at_start'][0]:.2f} at the start, {m['loadavg_at_end'][0]:.2f} at the end (other work on the machine skews every figure).",
        f"Model load: {load_ms:.0f} ms (median one-sentence `annotate` with the model minus without, {a.load_reps} runs each).",
        "healthclaims: whole process wall time (start-up, model load, every stage, JSON out), median of "
        f"{a.reps} runs interleaved across settings, spread = (max − min) / median; Python: the loop over the sentences only (import and load excluded), median of {a.reps} "
        f"(pipeline: {a.pipeline_reps}). Ratios against the reference at the same thread count.",
    ]
    print(text)
    print()
    print("\n".join(notes))
    md = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    md += ["| " + " | ".join(t) + " |" for t in table]
    (out_dir / "results.md").write_text("\n".join(md) + "\n\n" + "\n".join(notes) + "\n", encoding="utf-8")
    results["model_load_ms"] = load_ms
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    log(f"wrote {out_dir / 'results.md'} and {out_dir / 'results.json'}")
    if noise and a.strict:
        raise SystemExit("bench: noisy run refused (--strict): " + "; ".join(noise))


if __name__ == "__main__":
    sys.exit(main())
