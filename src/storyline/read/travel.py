"""How a story travelled, read from the store: the one function the CLI (``storyline travel``),
the HTTP API (``/api/stories/{id}/travel``) and the story and quote pages call
(:func:`get_travel`), and the independent-source count every story summary uses
(:func:`source_roles`). The model itself is :mod:`storyline.travel.model`; this module only turns
stored rows into its :class:`~storyline.travel.model.Report` objects.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from storyline.read.entities import resolve_ids
from storyline.store import SQLConnection
from storyline.store.readers import Readers, readers
from storyline.travel import evidence
from storyline.travel.model import Report, Travel, build, roles, source_edges
from storyline.travel.stage import QUOTE_CHARS, text_hash

# The travel view covers the story's first articles up to the story page's limit.
TRAVEL_ARTICLE_LIMIT = 500
# Travel views kept in memory per process (a 500-article view is ~1 MB of plain data).
TRAVEL_CACHE = 32


def reports(
    reader: Readers,
    members: Sequence[dict[str, Any]],
    redirects: dict[str, str] | None = None,
    quote_vectors: bool = True,
) -> list[Report]:
    """The members (rows with ``text``, ``quotes``, ``claims``) as the model's reports, with the
    story stage's evidence and, when asked, the stored quote vectors still matching their quote."""
    ids = [m["id"] for m in members]
    extra = reader.travel_rows(ids)
    vectors = reader.quote_vectors(ids) if quote_vectors else {}
    stored = reader.travel_evidence(ids)
    out = []
    for m in members:
        row = extra.get(m["id"], {})
        text = m.get("text") or ""
        found = None
        if m["id"] in stored:
            digest, credit_json, cite_json, blob = stored[m["id"]]
            if digest == evidence.source_hash(text, row.get("author")):
                found = evidence.from_row(credit_json, cite_json, blob)
        quotes = [dict(q) for q in m.get("quotes") or [] if isinstance(q, dict)]
        if redirects:
            for q in quotes:
                if q.get("speaker_entity_id"):
                    q["speaker_entity_id"] = resolve_ids(q["speaker_entity_id"], redirects)
        quote_vectors_of = {}
        for index, (digest, blob) in vectors.get(m["id"], {}).items():
            if (
                index < len(quotes)
                and text_hash(str(quotes[index].get("text", ""))[:QUOTE_CHARS]) == digest
            ):
                quote_vectors_of[index] = np.frombuffer(blob, dtype=np.float32)
        vector = row.get("vector")
        sketch = row.get("minhash")
        out.append(
            Report(
                id=m["id"],
                outlet=m.get("source"),
                language=m.get("language"),
                published=str(m["published"]) if m.get("published") else None,
                seen=int(row.get("seq", 0)),
                title=m.get("title"),
                text=text,
                author=row.get("author"),
                vector=np.frombuffer(vector, dtype=np.float32) if vector else None,
                sketch=np.frombuffer(sketch, dtype=np.uint64) if sketch else None,
                keys=frozenset(row.get("keys") or ()),
                numbers=frozenset(row.get("numbers") or ()),
                quotes=quotes,
                quote_vectors=quote_vectors_of,
                claims=[c for c in m.get("claims") or [] if isinstance(c, dict)],
                duplicate_of=m.get("duplicate_of"),
                shingles=found.shingles if found else None,
                credits=found.credits if found else None,
                cites=found.cites if found else None,
            )
        )
    return out


def source_roles(
    reader: Readers, members: Sequence[dict[str, Any]]
) -> tuple[dict[str, str], list[str]]:
    """(role of each member, the independent sources): the definitions of
    :mod:`storyline.travel.model`, over the copy, translation and credit edges only."""
    found = reports(reader, members, quote_vectors=False)
    edges = source_edges(found)
    role, key, _ = roles(found, edges)
    return role, sorted(set(key.values()))


_lock = threading.Lock()


@cache
def _blas() -> ThreadpoolController:
    """The process's thread pools (BLAS, OpenMP), found once: a fresh look each time costs more
    than the pinning saves on a small view."""
    return ThreadpoolController()


_cache: OrderedDict[tuple[str, str, int], tuple[tuple[int, str | None], Travel]] = OrderedDict()


def get_travel(
    conn: SQLConnection | Readers, story_id: str, limit: int = TRAVEL_ARTICLE_LIMIT
) -> Travel | None:
    """The travel view of a story by its exact id (None when it has no analysed member).

    The last :data:`TRAVEL_CACHE` views are kept per store and served while the story's
    members are unchanged (their count and last update, one indexed query): the CLI and the API
    compute the same view, a server computes it once per change of the story."""
    reader = readers(conn)
    key = (reader.key, story_id, limit)
    with _lock:
        cached = _cache.get(key)
    version = reader.story_version(story_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    # the model reads the quotes and claims (not the entities, the biggest analysis column)
    members = reader.members("story_id", [story_id], analysis=("quotes", "claims"), limit=limit)
    if not members:
        return None
    found = reports(reader, members, reader.redirects())
    # one BLAS thread: the view's matrices are small (500 × 384 at most), where a thread pool's
    # start-up and contention cost more than the product (under load, most of the wall time)
    with _blas().limit(limits=1):
        travel = build(story_id, found)
    with _lock:
        _cache[key] = (version, travel)
        _cache.move_to_end(key)
        while len(_cache) > TRAVEL_CACHE:
            _cache.popitem(last=False)
    return travel


def find_quote_group(
    conn: SQLConnection | Readers, story_id: str, group_id: str
) -> tuple[Travel, dict[str, Any]] | None:
    """A story's travel view and one of its quote groups (None when either is missing)."""
    travel = get_travel(conn, story_id)
    if travel is None:
        return None
    group = next((g for g in travel.quote_groups if g["id"] == group_id), None)
    return (travel, group) if group is not None else None
