"""A store for the API, web and browser tests: the five seed articles plus one hostile article,
ingested by the real batch runner and every pipeline stage into a temporary SQLite file.

Built once per test process (the pipeline loads its models once) and shared by
tests/test_api.py, tests/test_web.py and tests/test_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from storyline.batch import ingest
from storyline.pipeline import Pipeline
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


def build_store(directory: Path, seed_paths: list[Path]) -> Path:
    """The path of a SQLite file holding the analysed seeds and the hostile article."""
    key = str(directory)
    if key in _built:
        return _built[key]
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
    db = directory / "web.db"
    with SQLiteStore(db) as store:
        report = ingest([*map(str, seed_paths), str(hostile)], store, Pipeline(store=store))
        assert report.failed == 0, report.failures
    _built[key] = db
    return db
