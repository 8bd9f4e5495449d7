"""healthclaims from Python. Takes articles (strings, or dicts with ``id``, ``text``/``html``,
``url``, ``title``, ``published``); returns healthclaims/1 records as plain dicts — the CLI's
JSONL records — from :class:`Annotator`, which keeps one process of the bundled release with
the model loaded; :func:`to_frames` turns records into pandas DataFrames (articles, sentences,
entities, claims, quotes).
"""
from ._annotator import Annotator, HealthclaimsError, binary_path, release_dir
from .tables import SCHEMAS, TABLES, month_of, rows_by_table, site_of, table_rows, to_frames

__version__ = "0.9.2"
__all__ = ["Annotator", "HealthclaimsError", "binary_path", "release_dir", "SCHEMAS", "TABLES",
           "month_of", "rows_by_table", "site_of", "table_rows", "to_frames"]
