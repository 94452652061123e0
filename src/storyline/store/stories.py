"""Story clustering state in SQL (tables of ``store/migrations/0004_stories.sql``).

:func:`load_index` rebuilds a :class:`~storyline.stories.index.StoryIndex` from the stories still
inside the time window (plus the IDF table and the copy sketches of their articles), so a second
``storyline ingest`` continues the same stories; :func:`story_change` snapshots what one article
changed, written in the article's transaction (:class:`StoryChange`).
Works on any DB-API connection with SQLite-style ``?`` parameters: ``sqlite3``, or the PostgreSQL
store's adapter (:class:`storyline.store.postgres.PGConnection`); the statements are the SQL both
backends speak (``INSERT … ON CONFLICT (…) DO UPDATE`` rather than SQLite's ``INSERT OR
REPLACE``).
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any, Protocol

import numpy as np

from storyline.store import sql_dialect
from storyline.stories.dedup import CopyIndex
from storyline.stories.index import MEMBER_SAMPLE, WINDOW_DAYS, Assignment, Story, StoryIndex
from storyline.stories.similarity import Evidence

# An embedder's centring (storyline.stories.embed.centre): raw vectors and their languages → pair
# vectors.
Centre = Callable[[Any, Sequence[str | None]], Any]


class Connection(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...

    def executescript(self, sql: str, /) -> Any: ...


def ensure_schema(conn: Connection) -> None:
    """Apply the (idempotent) stories migration of the connection's backend."""
    folder = "migrations_pg" if sql_dialect(conn) == "postgresql" else "migrations"
    sql = resources.files("storyline.store").joinpath(f"{folder}/0004_stories.sql").read_text()
    conn.executescript(sql)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _evidence(row: Sequence[Any], centre: Centre | None = None) -> Evidence:
    article_id, published, language, vector, keys, numbers = row
    raw = np.frombuffer(vector, dtype=np.float32).copy()
    return Evidence(
        id=article_id,
        vector=raw,
        pair_vector=None if centre is None else centre(raw[None], [language])[0],
        keys=frozenset(json.loads(keys)),
        numbers=frozenset(json.loads(numbers)),
        published=_date(published),
        language=language,
    )


_EVIDENCE_COLUMNS = "article_id, published, language, vector, keys, numbers"
_MEMBER_COLUMNS = (
    "article_id, story_id, thread_id, seq, published, language, source, vector, keys, numbers,"
    " minhash, score, duplicate_of, translation_of"
)
_STORY_COLUMNS = (
    "id, thread_id, ann_key, n_articles, first_published, last_published, clock, centroid_sum,"
    " languages, first_member"
)


def _upsert(columns: str) -> str:
    """``SET`` clause of an upsert: every column but the key (the first) from the new row."""
    names = [name.strip() for name in columns.split(",")][1:]
    return ", ".join(f"{name} = excluded.{name}" for name in names)


def load_index(
    conn: Connection, dim: int, centre: Centre | None = None, vectors: str | None = None
) -> tuple[StoryIndex, int]:
    """The index as the last run left it, and the next processing sequence number. ``centre``:
    the embedder's centring (``E5Embedder.centre``), applied to the stored raw vectors to give
    each restored :class:`~storyline.stories.similarity.Evidence` its ``pair_vector``.
    ``vectors``: the vector space of this run's embedder
    (:func:`storyline.stories.embed.vector_space`); a store whose vectors came from another space
    raises :class:`~storyline.errors.StoreError` (a store written before the space was recorded
    is taken to be in it)."""
    index = StoryIndex(dim=dim)
    state = dict(conn.execute("SELECT name, value FROM story_state").fetchall())
    stored = state.get("vectors")
    if vectors is not None and stored is not None and stored != vectors:
        from storyline.errors import StoreError

        raise StoreError(
            f"the story index holds {stored} vectors, this run embeds with {vectors}: they are not"
            " comparable; analyse the articles again with `storyline ingest --reanalyse` into a"
            " new store"
        )
    index.idf.n_docs = int(state.get("n_docs", 0))
    index.idf.df.update(dict(conn.execute("SELECT key, df FROM story_df").fetchall()))
    clock = _date(state.get("clock"))
    query = (
        "SELECT id, thread_id, ann_key, n_articles, first_published, last_published, clock,"
        " centroid_sum, languages, first_member FROM stories"
    )
    if clock is None:
        rows = conn.execute(query).fetchall()
    else:
        horizon = _iso(clock - timedelta(days=WINDOW_DAYS))
        rows = conn.execute(f"{query} WHERE clock IS NULL OR clock >= ?", (horizon,)).fetchall()
    for row in rows:
        story_id, thread_id, key, n, first_pub, last_pub, story_clock, centroid, langs, first = row
        first_row = conn.execute(
            f"SELECT {_EVIDENCE_COLUMNS} FROM story_members WHERE article_id = ?", (first,)
        ).fetchone()
        recent_rows = conn.execute(
            f"SELECT {_EVIDENCE_COLUMNS} FROM story_members WHERE story_id = ?"
            " ORDER BY seq DESC LIMIT ?",
            (story_id, MEMBER_SAMPLE),
        ).fetchall()
        story = Story(
            id=story_id,
            key=int(key),
            thread_id=thread_id,
            centroid_sum=np.frombuffer(centroid, dtype=np.float32).copy(),
            first=_evidence(first_row, centre),
            recent=deque(
                (_evidence(r, centre) for r in reversed(recent_rows)), maxlen=MEMBER_SAMPLE
            ),
            n_articles=int(n),
            first_published=_date(first_pub),
            last_published=_date(last_pub),
            clock=_date(story_clock),
            languages=Counter(json.loads(langs)),
        )
        index.restore_story(story)
        for article_id, blob in conn.execute(
            "SELECT article_id, minhash FROM story_members"
            " WHERE story_id = ? AND minhash IS NOT NULL ORDER BY seq",
            (story_id,),
        ).fetchall():
            index.copies.add(article_id, CopyIndex.from_bytes(blob))
    index.clock = clock
    index.next_key = max(index.next_key, int(state.get("next_key", 1)))
    return index, int(state.get("next_seq", 0))


def known_assignments(conn: Connection, article_ids: Sequence[str]) -> dict[str, Assignment]:
    """Assignments already stored for these articles (re-ingesting an article changes nothing)."""
    out: dict[str, Assignment] = {}
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            "SELECT article_id, story_id, thread_id, score, duplicate_of, translation_of"
            f" FROM story_members WHERE article_id IN ({marks})",
            chunk,
        ).fetchall():
            out[row[0]] = Assignment(row[0], row[1], row[2], row[3], row[4], row[5])
    return out


@dataclass
class StoryChange:
    """One article's story change, as a :class:`storyline.corpus.Change`: its member row, the
    stories it touched, the document frequencies of its keys and the stream state, all as they
    were right after the article was assigned (plain values, so later articles cannot alter it).
    """

    member: tuple[Any, ...]
    stories: list[tuple[Any, ...]]
    df: list[tuple[str, int]]
    state: list[tuple[str, str]]

    def write(self, conn: Connection) -> None:
        # Delete + insert, not an upsert: a re-clustered member gets a new row (in SQLite a new,
        # highest rowid), which is how storyline.read.search.VectorIndex notices changed vectors.
        conn.execute("DELETE FROM story_members WHERE article_id = ?", (self.member[0],))
        conn.execute(
            f"INSERT INTO story_members ({_MEMBER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            self.member,
        )
        for row in self.stories:
            conn.execute(
                f"INSERT INTO stories ({_STORY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)"
                f" ON CONFLICT (id) DO UPDATE SET {_upsert(_STORY_COLUMNS)}",
                row,
            )
        for row in self.df:
            conn.execute(
                "INSERT INTO story_df (key, df) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET df = excluded.df",
                row,
            )
        for row in self.state:
            conn.execute(
                "INSERT INTO story_state (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                row,
            )


def story_change(
    index: StoryIndex,
    assignment: Assignment,
    evidence: Evidence,
    source: str | None,
    sketch: bytes | None,
    seq: int,
    vectors: str | None = None,
) -> StoryChange:
    """Snapshot what assigning one article (processing number ``seq``) changed in ``index``;
    clears the index's dirty stories. ``vectors``: the embedder's vector space, kept in the
    stream state (see :func:`load_index`)."""
    member = (
        assignment.article_id,
        assignment.story_id,
        assignment.thread_id,
        seq,
        _iso(evidence.published),
        evidence.language,
        source,
        np.asarray(evidence.vector, dtype=np.float32).tobytes(),
        json.dumps(sorted(evidence.keys)),
        json.dumps(sorted(evidence.numbers)),
        sketch,
        assignment.score,
        assignment.duplicate_of,
        assignment.translation_of,
    )
    stories = [
        (
            story.id,
            story.thread_id,
            story.key,
            story.n_articles,
            _iso(story.first_published),
            _iso(story.last_published),
            _iso(story.clock),
            np.asarray(story.centroid_sum, dtype=np.float32).tobytes(),
            json.dumps(dict(sorted(story.languages.items()))),
            story.first.id,
        )
        for _, story in sorted(index.dirty.items())
    ]
    index.dirty.clear()
    df = [(key, int(index.idf.df[key])) for key in sorted(evidence.keys | evidence.numbers)]
    state = [
        ("n_docs", str(index.idf.n_docs)),
        ("clock", _iso(index.clock) or ""),
        ("next_key", str(index.next_key)),
        ("next_seq", str(seq + 1)),
    ]
    if vectors is not None:
        state.append(("vectors", vectors))
    return StoryChange(member, stories, df, state)
