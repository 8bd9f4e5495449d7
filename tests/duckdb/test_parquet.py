#!/usr/bin/env python3
"""DuckDB reads the report's Parquet tables (issue 19) and they agree with the JSONL and the CSVs.

Usage: test_parquet.py ANNOTATED.jsonl REPORT_DIR
Checks: the four tables open; article rows = records (repeats counted once); sentence, claim and
quote rows = the records' arrays; hedged sentences per month equal by_month.csv; dates are DATEs;
the documented dashboard query (GUIDE.md) runs. Prints one line per check; exits 1 on failure.
"""
import csv
import json
import os
import sys

import duckdb

jsonl, rep = sys.argv[1], sys.argv[2]
recs, seen = [], set()
for line in open(jsonl, encoding="utf-8"):
    if line.strip():
        r = json.loads(line)
        key = (r["id"], r.get("content_hash"))
        if r.get("content_hash") is None or key not in seen:
            seen.add(key)
            recs.append(r)
ok = [r for r in recs if r["status"] == "ok"]
failed = 0
total = 0


def check(name, cond, detail=""):
    global failed, total
    failed += not cond
    total += 1
    print(f"{'ok  ' if cond else 'FAIL'} {name}{': ' + str(detail) if detail and not cond else ''}")


db = duckdb.connect()
t = {n: os.path.join(rep, f"{n}.parquet") for n in ("articles", "sentences", "claims", "quotes")}
count = lambda n: db.execute(f"SELECT count(*) FROM read_parquet('{t[n]}')").fetchone()[0]
check("articles.parquet: one row per record", count("articles") == len(recs), (count("articles"), len(recs)))
check("sentences.parquet: one row per sentence", count("sentences") == sum(len(r["sentences"]) for r in ok))
check("claims.parquet: one row per claim", count("claims") == sum(len(r["claims"]) for r in ok))
check("quotes.parquet: one row per quote", count("quotes") == sum(len(r["quotes"]) for r in ok))
typ = db.execute(f"SELECT typeof(date) FROM read_parquet('{t['articles']}') WHERE date IS NOT NULL LIMIT 1").fetchone()
check("date is a DATE", typ is not None and typ[0] == "DATE", typ)
# GUIDE.md: hedging by month from the sentence table, with the article count.
rows = db.execute(f"""
  SELECT period, count(DISTINCT article_id) AS articles, count(*) AS sentences,
         count(*) FILTER (WHERE hedged) AS hedged_sentences
  FROM read_parquet('{t['sentences']}') WHERE period <> 'undated' GROUP BY period ORDER BY period""").fetchall()
with open(os.path.join(rep, "by_month.csv"), encoding="utf-8") as f:
    by_month = {r["month"]: r for r in csv.DictReader(f)}
same = all(int(by_month[p]["sentences"]) == s and int(by_month[p]["hedged_sentences"]) == h for p, _, s, h in rows)
check("hedged sentences by month equal by_month.csv", rows and same, rows)
first = db.execute(f"SELECT article_id, sentence, text FROM read_parquet('{t['sentences']}') ORDER BY article_id, sentence LIMIT 1").fetchone()
r = next(x for x in ok if x["id"] == first[0])
s = r["sentences"][first[1]]
check("sentence text and numbering match the JSONL (0-based)", first[2] == r["text"][s["start"]:s["end"]], first)
neg = db.execute(f"SELECT count(*) FILTER (WHERE negated), count(*) FILTER (WHERE NOT negated) FROM read_parquet('{t['claims']}')").fetchone()
check("negated claims flagged", neg[0] == sum(c.get("negated", False) for x in ok for c in x["claims"]), neg)
# The Parquet queries GUIDE.md shows run on these tables ('report/' is the report folder there).
guide = open(os.path.join(os.path.dirname(__file__), "..", "..", "GUIDE.md"), encoding="utf-8").read()
block = guide.split("### Dashboard tables: Parquet")[1].split("```sql")[1].split("```")[0]
for q in [q for q in block.split(";") if q.strip()]:
    q = q.replace("'report/", "'" + rep.rstrip("/") + "/")
    try:
        n = len(db.execute(q).fetchall())
        check(f"GUIDE.md Parquet query runs ({q.strip().splitlines()[0][:60]})", True)
    except duckdb.Error as e:
        check("GUIDE.md Parquet query runs", False, e)
print(f"{total - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
