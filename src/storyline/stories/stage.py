"""Stories across outlets and languages: ``story_id``, ``thread_id``, ``duplicate_of``,
``translation_of``.

Reads ``title``, ``text`` (``raw_text`` until the cleaner has run), ``language``, ``entities``,
``published``, ``source``. :meth:`StoryStage.prepare` embeds every article's title and lead of
the batch in one call; each call then feeds its article to the online clusterer
(:class:`storyline.stories.index.StoryIndex`) in the order articles come — the order they were
stored in, so the stories depend on the input order and never on how a run was chunked or
interrupted.

State: with a store, the clusterer is loaded from the tables of migration 0004
(:mod:`storyline.store.stories`) and each article's change to it is recorded on the corpus and
committed with the article (:class:`storyline.store.stories.StoryChange`), so the next
``storyline ingest`` continues the same stories, and a rerun after a kill continues exactly
where the store stands; without a store it lives in memory for the life of the pipeline. An
article already clustered in an earlier run keeps its story.

Limits: see :mod:`storyline.stories.index` (window, undated articles) and
:mod:`storyline.stories.similarity` (what the pair model can and cannot tell).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.article import Article
from storyline.corpus import Corpus
from storyline.stories.dedup import CopyIndex
from storyline.stories.embed import E5Embedder, Embedder, Vectors, story_text, vector_space
from storyline.stories.index import Assignment, StoryIndex
from storyline.stories.similarity import build_evidence

# Where StoryStage.precompute leaves an article's vector: (the text embedded, its vector).
STORY_VECTOR = "story_vector"


class StoryStage:
    name = "stories"
    requires: tuple[str, ...] = (
        "title",
        "text",
        "language",
        "entities",
        "published",
        "source",
    )
    assigns: tuple[str, ...] = ("story_id", "thread_id", "duplicate_of", "translation_of")
    parallel = False

    def __init__(self, corpus: Corpus, embedder: Embedder | None = None) -> None:
        self.corpus = corpus
        self.embedder: Embedder = embedder or E5Embedder()
        self._index: StoryIndex | None = None
        self._next_seq = 0
        self._vectors_of: dict[str, NDArray[np.float32]] = {}
        self._known: dict[str, Assignment] = {}  # the batch's articles clustered in earlier runs
        corpus.on_reset(self._drop_index)

    # -- state ----------------------------------------------------------------------------------
    def _drop_index(self) -> None:
        if self.corpus.store is not None:
            self._index = None

    @property
    def index(self) -> StoryIndex:
        """The story index: loaded from the store on first use (after a reset, again)."""
        if self._index is None:
            store = self.corpus.store
            if store is not None:
                from storyline.store import has_table
                from storyline.store.stories import ensure_schema, load_index

                if not has_table(store.conn, "story_members"):
                    ensure_schema(store.conn)
                centre = getattr(self.embedder, "centre", None)
                self._index, self._next_seq = load_index(
                    store.conn, self.embedder.dim, centre, vector_space(self.embedder)
                )
            else:
                self._index = StoryIndex(dim=self.embedder.dim)
        return self._index

    # -- stage protocol ---------------------------------------------------------------------------
    def prepare(self, batch: list[Article]) -> None:
        """Embed the batch's titles and leads in one call (what was not precomputed); the calls
        then assign each article in turn, in the order they come (stream order = input order,
        whatever the chunking)."""
        store = self.corpus.store
        self._known = {}
        if store is not None:
            from storyline.store.stories import known_assignments

            # one query per batch; those articles keep their story and need no vector
            self._known = known_assignments(store.conn, [a.id for a in batch])
        todo = [a for a in batch if a.id not in self._known]
        vectors = self._vectors(todo)
        self._vectors_of = {a.id: vectors[i] for i, a in enumerate(todo)}

    def precompute(self, batch: list[Article]) -> None:
        """Embed every article's title and lead (the costly part, no corpus state needed) into
        ``annotations[STORY_VECTOR]``; :meth:`prepare` reuses it. With ``--engine dask`` this runs
        on a worker. Vectors do not depend on the batch (both e5 engines embed each text on its own,
        bit for bit the same in a batch or alone), so precomputing changes nothing in the
        result."""
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
        decision = self._assign(article)
        article.story_id = decision.story_id
        article.thread_id = decision.thread_id
        article.duplicate_of = article.duplicate_of or decision.duplicate_of
        article.translation_of = article.translation_of or decision.translation_of
        return article

    def _assign(self, article: Article) -> Assignment:
        index = self.index
        store = self.corpus.store
        if article.id in self._known:  # clustered in an earlier run: it keeps its story
            return self._known.pop(article.id)
        vector = self._vectors_of.pop(article.id, None)
        if store is not None and vector is None:  # called without prepare(): ask the store
            from storyline.store.stories import known_assignments

            known = known_assignments(store.conn, [article.id])
            if article.id in known:
                return known[article.id]
        vectors = self._vectors([article]) if vector is None else vector[None, :]
        (item,) = build_evidence([_record(article)], self.embedder, vectors=vectors)
        assignment = index.assign(item, article.text or article.raw_text)
        if store is None:
            index.dirty.clear()
            return assignment
        from storyline.store.stories import story_change

        sketch = index.copies.sketch_of(article.id)
        blob = CopyIndex.to_bytes(sketch) if sketch else None
        change = story_change(
            index,
            assignment,
            item,
            article.source,
            blob,
            self._next_seq,
            vector_space(self.embedder),
        )
        self._next_seq += 1
        self.corpus.record(article.id, change)
        return assignment


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
