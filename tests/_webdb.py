"""A store for the API, web and browser tests: the five seed articles plus one hostile article,
ingested by the real batch runner and every pipeline stage into a temporary SQLite file — or,
for the PostgreSQL runs of the API and web tests, into a PostgreSQL database, from the same
input files (so both stores hold the same ids, entities and stories).

Built once per test process (the pipeline loads its models once) and shared by
tests/test_api.py, tests/test_web.py and tests/test_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from storyline.batch import ingest
from storyline.pipeline import Pipeline
from storyline.store.postgres import PostgresStore
from storyline.store.sqlite import SQLiteStore

# The marker any injected script would set; the tests assert it stays unset.
XSS_MARKER = "__storyline_xss"
XSS_TITLE = f"Hostile <script>window.{XSS_MARKER}=1</script> headline"
XSS_URL = f"javascript:window.{XSS_MARKER}=1"
XSS_TEXT = "\n\n".join(
    [
        "The city council of Springfield met on Tuesday to discuss the budget for next year,"
        " and the mayor said the vote would take place in March.",
        f'<script>window.{XSS_MARKER} = 1; document.title = "pwned";</script>',
        f'<img src="/static/none.png" onerror="window.{XSS_MARKER}=1">',
        f'Click <a href="javascript:window.{XSS_MARKER}=1">here</a> for the full budget report,'
        " which the council published on its website after the meeting.",
        '"We will balance the books," said Mayor Jane Holloway after the session.',
    ]
)

_built: dict[str, Path] = {}


def corpus_paths(directory: Path, seed_paths: list[Path]) -> list[str]:
    """The input files: the seeds and ``directory/hostile.jsonl`` (written here)."""
    hostile = directory / "hostile.jsonl"
    hostile.write_text(
        json.dumps(
            {
                "title": XSS_TITLE,
                "text": XSS_TEXT,
                "url": XSS_URL,
                "source": "Springfield <b>Gazette</b>",
                "published": "2024-03-05",
                "language": "en",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    return [*map(str, seed_paths), str(hostile)]


def build_store(directory: Path, seed_paths: list[Path]) -> Path:
    """The path of a SQLite file holding the analysed seeds and the hostile article."""
    key = str(directory)
    if key in _built:
        return _built[key]
    db = directory / "web.db"
    with SQLiteStore(db) as store:
        report = ingest(corpus_paths(directory, seed_paths), store, Pipeline(store=store))
        assert report.failed == 0, report.failures
    _built[key] = db
    return db


def build_pg_store(url: str, directory: Path, seed_paths: list[Path]) -> str:
    """The same corpus in the (empty) PostgreSQL database at ``url``, read from the same files
    in ``directory`` as :func:`build_store` (``source_path`` is part of the answers)."""
    with PostgresStore(url) as store:
        report = ingest(corpus_paths(directory, seed_paths), store, Pipeline(store=store))
        assert report.failed == 0, report.failures
    return url
