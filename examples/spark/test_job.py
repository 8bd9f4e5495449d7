"""Test of the Spark job (run by tests/python/run.sh --spark, with pyspark from PyPI in local
mode). Takes corpus/ ($HEALTHCLAIMS_TEST_CORPUS) and the in-tree binary ($HEALTHCLAIMS_TEST_CLI);
builds a fixture of a few hundred articles from corpus/ paragraphs (distinct ids, dates over
several months, undated ones, HTML ones, and bad ones: no text, blank text), runs
annotate_job.run on it with local[2], and checks that every input article appears exactly
once in `articles` (error records included), that each table is partitioned by month, and that
every table's rows equal those derived (healthclaims.table_rows) from the CLI's JSONL for the
same file. Prints the job's throughput (noisy: a shared machine).
"""
import collections
import glob
import shutil
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import annotate_job  # noqa: E402
import healthclaims  # noqa: E402

CLI = os.environ["HEALTHCLAIMS_TEST_CLI"]
CORPUS = Path(os.environ["HEALTHCLAIMS_TEST_CORPUS"])
N_ARTICLES = int(os.environ.get("HEALTHCLAIMS_SPARK_ARTICLES", "240"))


def fixture(path):
    """Write N_ARTICLES articles (1-2 paragraphs of corpus/ each) as JSONL; return their ids and
    the ids of the bad ones."""
    paras = []
    for p in sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md")):
        for para in re.split(r"\n\s*\n", p.read_text(encoding="utf-8")):
            if len(para) > 120 and "http" not in para:
                paras.append(para.strip())
    ids, bad = [], []
    with open(path, "w", encoding="utf-8") as f:
        for i in range(N_ARTICLES):
            aid = f"fx-{i:04d}"
            body = paras[i % len(paras)] + ("\n\n" + paras[(i * 7 + 3) % len(paras)] if i % 3 == 0 else "")
            a = {"id": aid, "url": f"https://www.site{i % 5}.example/{aid}"}
            if i % 10 == 4:
                a["html"] = "<html><body><p>" + body.replace("\n\n", "</p><p>") + "</p></body></html>"
            else:
                a["text"] = body
            if i % 11 != 0:
                a["published"] = f"2025-{1 + i % 6:02d}-{1 + i % 28:02d}"
            if i % 50 == 7:
                a.pop("text", None), a.pop("html", None)  # no text: an error record
                bad.append(aid)
            elif i % 50 == 8:
                a.pop("html", None)
                a["text"] = "  \n "  # blank: an error record
                bad.append(aid)
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
            ids.append(aid)
    return ids, bad


def normalised(table, rows, drop=("source",)):
    """Rows as sorted tuples, without `source` (Spark has no line numbers: its records name the
    input file) and with JSONL line numbers in error messages masked (they count lines of the
    partition there, of the file in the CLI)."""
    cols = [c for c, _ in healthclaims.SCHEMAS[table] if c not in drop]
    out = []
    for r in rows:
        t = []
        for c in cols:
            v = r.get(c)
            if c == "error" and isinstance(v, str):
                v = re.sub(r"^JSONL line \d+:", "JSONL line N:", v)
            if hasattr(v, "item"):  # numpy scalar
                v = v.item()
            if v != v:  # NaN from pandas for a missing float
                v = None
            if isinstance(v, float):
                v = round(v, 6)
            t.append(v)
        out.append(tuple(t))
    return sorted(out, key=repr)


def main():
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers import the installed package
    tmp = Path(tempfile.mkdtemp(prefix="healthclaims-spark-test."))
    try:
        check(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check(tmp):
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession

    src = tmp / "articles.jsonl"
    ids, bad = fixture(src)
    cli_out = tmp / "cli.jsonl"
    t0 = time.time()
    r = subprocess.run([CLI, "annotate", str(src), "-o", str(cli_out), "-q"], capture_output=True, text=True)
    cli_s = time.time() - t0
    assert r.returncode == 1, r.stderr  # the bad articles errored, the batch completed
    cli_records = [json.loads(l) for l in cli_out.read_text(encoding="utf-8").splitlines()]
    want = healthclaims.rows_by_table(cli_records)

    spark = (SparkSession.builder.master("local[2]").appName("healthclaims-test")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.sql.shuffle.partitions", "2")
             .config("spark.driver.memory", "2g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    out = tmp / "out"
    try:
        timings = {}
        n = annotate_job.run(spark, [str(src)], str(out), partitions=2, timings=timings)
    finally:
        spark.stop()
    assert n == len(ids), (n, len(ids))

    failures = []
    for table in healthclaims.TABLES:
        got = pq.read_table(str(out / table)).to_pandas()
        got["month"] = got["month"].astype(str)
        months = sorted(os.path.basename(d) for d in glob.glob(str(out / table / "month=*")))
        if want[table] and not months:
            failures.append(f"{table}: not partitioned by month")
        rows = got.to_dict("records")
        if table == "articles":
            counts = collections.Counter(r["article_id"] for r in rows)
            if sorted(counts) != sorted(ids) or set(counts.values()) != {1}:
                failures.append(f"articles: not every input article exactly once ({len(rows)} rows, {len(counts)} ids)")
            errs = sorted(r["article_id"] for r in rows if r["status"] == "error")
            if errs != sorted(bad):
                failures.append(f"articles: error records {errs}, expected {sorted(bad)}")
            if not all(r["source"].endswith("/articles.jsonl") for r in rows):
                failures.append("articles: source is not the input file")
            need = {"month=undated"} | {f"month=2025-0{m}" for m in range(1, 7)}
            if not need <= set(months):
                failures.append(f"articles: month partitions {months}")
        g, w = normalised(table, rows), normalised(table, want[table])
        if g != w:
            diff = [x for x in g if x not in w][:2] + [x for x in w if x not in g][:2]
            failures.append(f"{table}: {len(g)} rows, CLI-derived {len(w)}; differing e.g. {diff}")
        else:
            print(f"test_job: {table}: {len(g)} rows equal the CLI's", file=sys.stderr)
    load = os.getloadavg()
    sents = sum(len(r.get("sentences") or []) for r in cli_records)
    a = timings["annotate"]
    print(f"test_job: {len(ids)} articles, {sents} sentences: CLI {cli_s:.1f}s on {os.cpu_count()} cores; "
          f"Spark local[2], 2 partitions: annotating {a:.1f}s ({len(ids) / a / 2:.1f} articles/s, "
          f"{sents / a / 2:.0f} sentences/s per core, 2 model loads included), Parquet writes {timings['write']:.1f}s "
          f"(load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; a shared machine, so noisy)", file=sys.stderr)
    if failures:
        print("test_job: FAIL\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print("test_job: ok", file=sys.stderr)


if __name__ == "__main__":
    main()
