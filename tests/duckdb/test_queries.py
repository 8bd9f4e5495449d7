#!/usr/bin/env python3
"""Run every DuckDB query documented in GUIDE.md (fenced ```sql blocks that start with
`-- name: ...`) over annotated JSONL and check the answers against the same figures computed
here in plain Python from the parsed lines, and, when given, against `healthclaims report`'s CSV
tables. So the guide cannot drift from the schema or from the report.

Usage: test_queries.py JSONL [JSONL...] [--report-dir DIR]
  Each JSONL is queried on its own (its own view); --report-dir is the `healthclaims report`
  output for the first JSONL. Prints a line per check and "N passed, N failed"; exit 1 on failure.
Also runnable with pytest (HC_JSONL, HC_REPORT_DIR environment variables).
"""
import csv
import glob
import json
import os
import re
import shutil
import sys
import tempfile

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLACEHOLDER = "output/*.jsonl"
EXPECTED = ["quick_look", "articles_view", "hedging_by_month", "hedging_by_source_month",
            "claim_strength_by_month", "unsupported_quotes_by_source", "top_drugs_by_hedging",
            "most_cited_unsupported_quotes", "articles_most_unsupported", "errors"]


def guide_queries(path=os.path.join(ROOT, "GUIDE.md")):
    text = open(path, encoding="utf-8").read()
    out = {}
    for block in re.findall(r"```sql\n(.*?)```", text, flags=re.S):
        if ".parquet'" in block:
            continue  # the report's Parquet tables: tests/duckdb/test_parquet.py runs those
        m = re.match(r"-- name: (\w+)\n", block)
        assert m, f"sql block without '-- name:' in GUIDE.md:\n{block[:200]}"
        assert m.group(1) not in out, f"duplicate query name {m.group(1)}"
        assert PLACEHOLDER in block or "FROM articles" in block, f"{m.group(1)} reads neither the view nor the files"
        out[m.group(1)] = block
    return out


# --- the report's grouping rules, in Python (see src/report/aggregate.rs) ---

def month_of(published):
    p = (published or "").strip()
    m = re.match(r"^([0-9]{4})[-/](0[1-9]|1[0-2])([^0-9]|$)", p)
    if not m or m.group(1) == "0000":
        return "undated"
    return f"{m.group(1)}-{m.group(2)}"


def site_of(rec):
    url = (rec.get("meta") or {}).get("url") or ""
    m = re.match(r"^[^:/?#]*://([^/?#]*)", url.strip())
    if m:
        host = m.group(1).rsplit("@", 1)[-1].split(":")[0].lower()
        host = host[4:] if host.startswith("www.") else host
        if host:
            return host
    path = re.sub(r":[0-9]+$", "", rec["source"])
    if path == "-":
        return "stdin"
    parts = [p for p in re.split(r"[/\\]+", path) if p and p != "."]
    return parts[-2] if len(parts) >= 2 else "unknown"


def key(s):
    return re.sub(r"\s+", " ", s.strip()).lower()


def load(paths):
    seen, recs = set(), []
    for p in paths:
        for line in open(p, encoding="utf-8"):
            if not line.strip():
                continue
            r = json.loads(line)
            if r.get("content_hash") is not None:
                k = (r["id"], r["content_hash"])
                if k in seen:
                    continue
                seen.add(k)
            recs.append(r)
    return recs


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + str(detail)[:1500]}")


def rows(con, sql):
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def check_file(check, label, paths, report_dir=None):
    queries = guide_queries()
    check(f"{label}: GUIDE.md has the documented queries", list(queries) == EXPECTED, list(queries))
    tmp = tempfile.mkdtemp(prefix="hc-duckdb-")
    try:
        for i, p in enumerate(paths):
            shutil.copy(p, os.path.join(tmp, f"part{i}.jsonl"))
        files = os.path.join(tmp, "*.jsonl")
        con = duckdb.connect()
        res = {}
        for name, sql in queries.items():
            sql = sql.replace(PLACEHOLDER, files)
            try:
                res[name] = rows(con, sql) if name != "articles_view" else con.execute(sql) and []
                check(f"{label}: {name} runs", True)
            except Exception as e:  # noqa: BLE001 - report the DuckDB error as a failed check
                check(f"{label}: {name} runs", False, e)
                res[name] = None
        recs = load(sorted(glob.glob(files)))
        ok = [r for r in recs if r["status"] == "ok"]
        raw = [json.loads(l) for p in paths for l in open(p, encoding="utf-8") if l.strip()]

        if res["quick_look"] is not None:
            got = {r["status"]: r["articles"] for r in res["quick_look"]}
            want = {}
            for r in raw:
                want[r["status"]] = want.get(r["status"], 0) + 1
            check(f"{label}: quick_look counts lines by status", got == want, (got, want))

        if res["hedging_by_month"] is not None:
            want = {}
            for r in recs:
                m = want.setdefault(month_of(r["meta"].get("published")), [0, 0, 0, 0])
                if r["status"] == "ok":
                    m[0] += 1
                    m[2] += len(r["sentences"])
                    m[3] += sum(1 for s in r["sentences"] if s["hedged"])
                else:
                    m[1] += 1
            got = {r["month"]: [r["articles"], r["errors"], r["sentences"], r["hedged_sentences"]]
                   for r in res["hedging_by_month"]}
            check(f"{label}: hedging_by_month matches the JSONL", got == want, (got, want))
            rates = [r["hedged_rate"] for r in res["hedging_by_month"] if r["hedged_rate"] is not None]
            check(f"{label}: hedged rates within 0..1", all(0 <= x <= 1 for x in rates), rates)
            months = [r["month"] for r in res["hedging_by_month"]]
            check(f"{label}: months in order, undated last", months == sorted(months, key=lambda m: (m == "undated", m)), months)
            if report_dir:
                with open(os.path.join(report_dir, "by_month.csv"), encoding="utf-8") as f:
                    csv_rows = {r["month"]: r for r in csv.DictReader(f)}
                same = set(csv_rows) == set(got) and all(
                    (float(csv_rows[r["month"]]["hedged_rate"] or "nan") == r["hedged_rate"]
                     if r["hedged_rate"] is not None else csv_rows[r["month"]]["hedged_rate"] == "")
                    and int(csv_rows[r["month"]]["articles"]) == r["articles"]
                    for r in res["hedging_by_month"])
                check(f"{label}: hedging_by_month equals the report's by_month.csv", same, (csv_rows, res["hedging_by_month"]))

        if res["hedging_by_source_month"] is not None:
            want = {}
            for r in ok:
                k = (site_of(r), month_of(r["meta"].get("published")))
                want[k] = want.get(k, 0) + 1
            got = {(r["site"], r["month"]): r["articles"] for r in res["hedging_by_source_month"] if r["articles"]}
            check(f"{label}: hedging_by_source_month matches the JSONL", got == want, (got, want))
            if report_dir:
                with open(os.path.join(report_dir, "by_source_month.csv"), encoding="utf-8") as f:
                    csv_keys = {(r["source"], r["month"]) for r in csv.DictReader(f)}
                sql_keys = {(r["site"], r["month"]) for r in res["hedging_by_source_month"]}
                check(f"{label}: sources and months equal the report's", csv_keys == sql_keys, (csv_keys, sql_keys))

        if res["claim_strength_by_month"] is not None:
            want = {"direct_causal": 0, "conditional_causal": 0, "correlational": 0}
            for r in ok:
                for c in r["claims"]:
                    if c["strength"] in want and not c.get("negated", False):
                        want[c["strength"]] += 1
            got = {k: sum(r[k] for r in res["claim_strength_by_month"]) for k in want}
            check(f"{label}: claim_strength_by_month sums to the non-negated claims", got == want, (got, want))

        if res["unsupported_quotes_by_source"] is not None:
            want = {}
            for r in ok:
                w = want.setdefault(site_of(r), [0, 0])
                w[0] += r["summary"]["words"]
                w[1] += sum(1 for q in r["quotes"] if not q["supported"])
            got = {r["site"]: [r["words"], r["unsupported_quotes"]] for r in res["unsupported_quotes_by_source"]}
            check(f"{label}: unsupported_quotes_by_source matches the JSONL", got == want, (got, want))

        if res["top_drugs_by_hedging"] is not None:
            mentions = {}
            for r in ok:
                for e in r["entities"]:
                    if e["label"] == "DRUG" and e["sentence"] < len(r["sentences"]):
                        name = (e.get("name") or "").strip() or e["text"]
                        mentions.setdefault(key(name), set()).add((r["id"], e["sentence"], r["sentences"][e["sentence"]]["hedged"]))
            want = sorted(((d, len(s), sum(1 for x in s if x[2])) for d, s in mentions.items() if len(s) >= 3),
                          key=lambda t: (-round(t[2] / t[1], 4), -t[1], t[0]))[:15]
            got = [(r["drug"], r["sentences"], r["hedged_sentences"]) for r in res["top_drugs_by_hedging"]]
            check(f"{label}: top_drugs_by_hedging matches the JSONL", got == want, (got, want))
            check(f"{label}: drug hedged rates within 0..1",
                  all(0 <= r["hedged_rate"] <= 1 for r in res["top_drugs_by_hedging"]), res["top_drugs_by_hedging"])
            if report_dir:
                with open(os.path.join(report_dir, "by_drug.csv"), encoding="utf-8") as f:
                    csv_rates = {key(r["drug"]): r["hedged_rate"] for r in csv.DictReader(f)}
                same = all(csv_rates.get(r["drug"]) == f"{r['hedged_rate']:.4f}" for r in res["top_drugs_by_hedging"])
                check(f"{label}: drug rates equal the report's by_drug.csv", same, (csv_rates, res["top_drugs_by_hedging"]))

        if res["most_cited_unsupported_quotes"] is not None:
            counts = {}
            for r in ok:
                for q in r["quotes"]:
                    if not q["supported"]:
                        k = key(q["text"].strip(" \"“”‘’'«»„.,;:"))
                        counts[k] = counts.get(k, 0) + 1
            top = max(counts.values(), default=None)
            got = res["most_cited_unsupported_quotes"]
            check(f"{label}: most_cited_unsupported_quotes finds the top quote",
                  (got[0]["citations"] if got else None) == top and sum(r["citations"] for r in got) <= sum(counts.values()),
                  (got[:3], top))
            if report_dir and got:
                with open(os.path.join(report_dir, "unsupported_quotes.csv"), encoding="utf-8") as f:
                    first = next(csv.DictReader(f))
                check(f"{label}: top quote equals the report's", int(first["citations"]) == got[0]["citations"]
                      and key(first["quote"].strip(" \"“”‘’'«»„.,;:")) == got[0]["quote"], (first, got[0]))

        if res["articles_most_unsupported"] is not None:
            want = max((r["summary"]["unsupported_quotes"] * 1000 / r["summary"]["words"] for r in ok
                        if r["summary"]["unsupported_quotes"] and r["summary"]["words"]), default=None)
            got = res["articles_most_unsupported"]
            check(f"{label}: articles_most_unsupported starts with the worst article",
                  (round(want, 2) if want is not None else None) == (got[0]["per_1k_words"] if got else None), (got[:2], want))

        if res["errors"] is not None:
            want = sorted(r["id"] for r in recs if r["status"] == "error")
            got = sorted(r["id"] for r in res["errors"])
            check(f"{label}: errors lists the error records", got == want, (got, want))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    report_dir = None
    if "--report-dir" in argv:
        i = argv.index("--report-dir")
        report_dir = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    if not argv:
        sys.exit(__doc__)
    check = Checks()
    for n, p in enumerate(argv):
        check_file(check, os.path.basename(p), [p], report_dir if n == 0 else None)
    # A repeated article (two overlapping batch files) is counted once, as the report does.
    check_file(check, "twice " + os.path.basename(argv[0]), [argv[0], argv[0]], report_dir)
    print(f"{check.passed} passed, {check.failed} failed")
    return 1 if check.failed else 0


def test_guide_queries():  # pytest entry point
    paths = os.environ.get("HC_JSONL", os.path.join(ROOT, "tests/fixtures/report/annotated.jsonl")).split(os.pathsep)
    check = Checks()
    for n, p in enumerate(paths):
        check_file(check, os.path.basename(p), [p], os.environ.get("HC_REPORT_DIR") if n == 0 else None)
    assert check.failed == 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
