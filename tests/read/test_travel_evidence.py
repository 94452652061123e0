"""The travel view reads each member's stored travel evidence (migration 0009) and falls back
to the text when the row is missing or no longer matches the article."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from storyline.article import Article
from storyline.read import travel as read_travel
from storyline.store.sqlite import SQLiteStore
from storyline.travel import evidence
from storyline.travel.wire import Credit

TEXT = (
    "PARIS (AFP) - Five surfers drowned off the Dutch coast at Scheveningen on Monday evening "
    "after a storm whipped up a thick layer of sea foam, the coastguard said on Tuesday."
)


def _store(tmp_path: Path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "travel.db")
    for key in ("a", "b"):
        store.save_article(
            Article(
                raw_text=TEXT,
                text=TEXT,
                id=key,
                title=f"Title {key}",
                source=f"Outlet {key}",
                language="en",
                published=date(2024, 3, 1),
                story_id="s-one",
                thread_id="t-one",
            )
        )
    return store


def _write(store: SQLiteStore, article_id: str, digest: str, found: evidence.Evidence) -> None:
    with store.transaction() as conn:
        evidence.EvidenceChange(article_id, digest, evidence.to_row(found)).write(conn)


def _credits(store: SQLiteStore) -> dict[str, list[str]]:
    read_travel._cache.clear()
    travel = read_travel.get_travel(store.conn, "s-one")
    assert travel is not None
    return {n["id"]: [c["agency"] for c in n["credits"]] for n in travel.nodes}


def test_stored_evidence_is_read_and_a_stale_row_ignored(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert _credits(store) == {"a": ["AFP"], "b": ["AFP"]}  # no rows: from the texts
    # a row that says Reuters: read as stored while it matches the text and byline ...
    reuters = [Credit("Reuters", "byline", "x")]
    planted = evidence.Evidence(reuters, [], evidence.shingle_hashes(TEXT))
    _write(store, "a", evidence.source_hash(TEXT, None), planted)
    # ... and ignored when it was computed from another text
    _write(store, "b", evidence.source_hash(TEXT + " Updated.", None), planted)
    assert _credits(store) == {"a": ["Reuters"], "b": ["AFP"]}
    store.close()
