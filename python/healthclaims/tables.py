"""Records → flat tables. Takes healthclaims/1 records (dicts, as :class:`Annotator` or the
CLI's JSONL give them) and returns rows (plain dicts with a fixed set of columns, see
:data:`SCHEMAS`) for five tables — ``articles`` (one row per record, error records included),
``sentences``, ``entities``, ``claims`` and ``quotes`` (one row per item) — each row carrying
the article's id, source, site, publication date and month. :func:`to_frames` builds pandas
DataFrames from them; the Spark job (examples/spark/) writes the same rows as Parquet.

``month`` is ``meta.published`` as ``YYYY-MM`` (years 1900-2100), else ``undated``; ``site`` is
the host of ``meta.url`` without ``www.``, else None. These follow ``healthclaims report``'s rules
(src/report/aggregate.rs).
"""
import json
import re

__all__ = ["SCHEMAS", "TABLES", "month_of", "site_of", "table_rows", "to_frames"]

# Columns every table starts with.
_ARTICLE_KEYS = [("article_id", "string"), ("source", "string"), ("site", "string"),
                 ("published", "string"), ("month", "string")]

#: table → [(column, type)], type one of string, int, float, bool.
SCHEMAS = {
    "articles": _ARTICLE_KEYS + [
        ("status", "string"), ("error", "string"), ("title", "string"), ("url", "string"),
        ("content_hash", "string"), ("model_version", "string"), ("n_sentences", "int"),
        ("n_entities", "int"), ("n_claims", "int"), ("n_quotes", "int"), ("text", "string"),
    ],
    "sentences": _ARTICLE_KEYS + [
        ("sentence", "int"), ("start", "int"), ("end", "int"), ("kind", "string"),
        ("hedged", "bool"), ("hedge_score", "float"), ("claim", "string"),
        ("claim_score", "float"), ("text", "string"),
    ],
    "entities": _ARTICLE_KEYS + [
        ("sentence", "int"), ("start", "int"), ("end", "int"), ("label", "string"),
        ("text", "string"), ("score", "float"), ("origin", "string"), ("concept_id", "string"),
        ("concept_name", "string"),
    ],
    "claims": _ARTICLE_KEYS + [
        ("sentence", "int"), ("strength", "string"), ("score", "float"), ("negated", "bool"),
        ("drug", "string"), ("drug_name", "string"), ("drug_start", "int"),
        ("condition", "string"), ("condition_name", "string"), ("condition_start", "int"),
        ("evidence", "string"), ("evidence_text", "string"),
    ],
    "quotes": _ARTICLE_KEYS + [
        ("sentence", "int"), ("start", "int"), ("end", "int"), ("text", "string"),
        ("kind", "string"), ("speaker", "string"), ("speaker_kind", "string"),
        ("supported", "bool"), ("reason", "string"),
    ],
}
TABLES = list(SCHEMAS)

_MONTH = re.compile(r"^(\d{4})[-/](\d{2})(?!\d)")


def month_of(published):
    """``YYYY-MM`` of an ISO 8601 date (also ``2026/03/01``), else ``undated``."""
    if not isinstance(published, str):
        return "undated"
    m = _MONTH.match(published.strip())
    if not m or not (1900 <= int(m.group(1)) <= 2100) or not (1 <= int(m.group(2)) <= 12):
        return "undated"
    return f"{m.group(1)}-{m.group(2)}"


def site_of(url):
    """Host of a URL, lower-case, without ``www.`` or port; None without one."""
    if not isinstance(url, str):
        return None
    u = url.strip()
    if "://" in u:
        rest = u.split("://", 1)[1]
    elif u.startswith("//"):
        rest = u[2:]
    else:
        return None
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    host = host.split("]")[0] + "]" if host.startswith("[") else host.split(":")[0]
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    return host or None


def _get(d, *path):
    for p in path:
        if not isinstance(d, dict):
            return None
        d = d.get(p)
    return d


def table_rows(record):
    """One record → {table: [row, ...]}; every row has exactly its table's columns."""
    meta = record.get("meta") or {}
    published = meta.get("published")
    common = {
        "article_id": str(record.get("id")),
        "source": record.get("source"),
        "site": site_of(meta.get("url")),
        "published": published,
        "month": month_of(published),
    }
    text = record.get("text") or ""
    sentences = record.get("sentences") or []
    entities = record.get("entities") or []
    claims = record.get("claims") or []
    quotes = record.get("quotes") or []
    out = {t: [] for t in TABLES}
    out["articles"].append(dict(
        common, status=record.get("status"), error=record.get("error"), title=meta.get("title"),
        url=meta.get("url"), content_hash=record.get("content_hash"),
        model_version=_get(record, "model", "version"), n_sentences=len(sentences),
        n_entities=len(entities), n_claims=len(claims), n_quotes=len(quotes), text=text,
    ))
    for i, s in enumerate(sentences):
        out["sentences"].append(dict(
            common, sentence=i, start=s.get("start"), end=s.get("end"), kind=s.get("kind"),
            hedged=s.get("hedged"), hedge_score=s.get("hedge_score"), claim=s.get("claim"),
            claim_score=s.get("claim_score"), text=text[s.get("start", 0):s.get("end", 0)],
        ))
    for e in entities:
        out["entities"].append(dict(
            common, sentence=e.get("sentence"), start=e.get("start"), end=e.get("end"),
            label=e.get("label"), text=e.get("text"), score=e.get("score"), origin=e.get("origin"),
            concept_id=e.get("id"), concept_name=e.get("name"),
        ))
    for c in claims:
        out["claims"].append(dict(
            common, sentence=c.get("sentence"), strength=c.get("strength"), score=c.get("score"),
            negated=c.get("negated"), drug=_get(c, "drug", "text"), drug_name=_get(c, "drug", "name"),
            drug_start=_get(c, "drug", "start"), condition=_get(c, "condition", "text"),
            condition_name=_get(c, "condition", "name"), condition_start=_get(c, "condition", "start"),
            evidence=_get(c, "evidence", "kind"), evidence_text=_get(c, "evidence", "text"),
        ))
    for q in quotes:
        out["quotes"].append(dict(
            common, sentence=q.get("sentence"), start=q.get("start"), end=q.get("end"),
            text=q.get("text"), kind=q.get("kind"), speaker=_get(q, "speaker", "text"),
            speaker_kind=_get(q, "speaker", "kind"), supported=q.get("supported"),
            reason=q.get("reason"),
        ))
    return out


def rows_by_table(records):
    """Many records → {table: [rows]}, in record order."""
    out = {t: [] for t in TABLES}
    for r in records:
        for t, rows in table_rows(r).items():
            out[t].extend(rows)
    return out


def to_frames(records):
    """Records → {table: pandas.DataFrame} with the columns of :data:`SCHEMAS` (needs pandas)."""
    import pandas as pd

    dtypes = {"string": "object", "int": "Int64", "float": "float64", "bool": "boolean"}
    frames = {}
    for t, rows in rows_by_table(records).items():
        cols = [c for c, _ in SCHEMAS[t]]
        df = pd.DataFrame(rows, columns=cols)
        frames[t] = df.astype({c: dtypes[ty] for c, ty in SCHEMAS[t]})
    return frames


def dumps(record):
    """A record as the CLI writes it: one compact JSON line (for comparing with its output)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
