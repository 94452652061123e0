"""The travel stage: a multilingual vector for each quotation an article carries, kept in the
store (``quote_vectors``, migration 0008) so that the travel view can match a quotation across
languages at read time (:mod:`storyline.travel.quotes`) without running a model per request; and
the article's travel evidence (wire credits, cited sources, shingle hashes:
:mod:`storyline.travel.evidence`, ``travel_evidence``, migration 0009), so that the travel view
reads it instead of re-reading every member's text per request.

Reads ``quotes``, ``text``, ``author`` and ``language``; assigns no article field. The vectors
are the story stage's e5 passage embeddings (:class:`storyline.stories.embed.E5Embedder`) of the
quote text; with a store each article's rows are a :class:`QuoteVectorChange` and an
:class:`~storyline.travel.evidence.EvidenceChange` committed with the article. Only the quotes
the travel view tracks are embedded (at least ``MIN_QUOTE_WORDS`` words, with a speaker key:
:func:`tracked`), at most :data:`MAX_QUOTES` per article: the cost is one short text per such
quote, embedded in one call per article (the quotes exist only after the corpus stage before
this one). They run on e5's int8 engine (:data:`QUOTE_ENGINE`), about twice as fast as the
float32 one the story leads use: the quote vectors are only ever compared with each other.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

import numpy as np

from storyline.article import Article, Quote
from storyline.corpus import Corpus
from storyline.stories.embed import E5Embedder, Embedder, default_engine
from storyline.travel import evidence
from storyline.travel.quotes import MIN_QUOTE_WORDS, speaker_key

# Quotes embedded per article at most (a long interview transcript has dozens: the first ones
# are those re-quoted elsewhere, the lead's).
MAX_QUOTES = 16
# Characters of a quote embedded (e5-small reads ~512 tokens; a quote past this is a paragraph).
QUOTE_CHARS = 400

# e5 engine of the quote vectors when onnxruntime is there and $STORYLINE_E5_ENGINE names none.
# int8 (per-channel dynamic quantisation, storyline.stories.e5_onnx) and not the leads' float32:
# the quote vectors are compared only with other quote vectors (storyline.travel.quotes: one
# speaker's quotes in two languages, cosine >= CROSS_LANGUAGE_COSINE), never with a lead. On the
# 1,263 tracked quotes of 200 CL-TLS dev texts int8 took 14.8-16.4 ms a quote against 32.4-33.8
# for float32 (one thread; the travel stage was about 200 ms of e5 per article), cosine to the
# float32 vector 0.997 on average (min 0.994). eval/travel.py's quote groups: see docs/speed.md
# (session 14); a store whose quote vectors came from float32 keeps them until re-analysed, its
# rows within that cosine of what int8 gives.
QUOTE_ENGINE = "onnx-int8"

_WORD = re.compile(r"\w+", re.UNICODE)


def quote_embedder() -> E5Embedder:
    """The e5 embedder of the quote vectors: :data:`QUOTE_ENGINE` with onnxruntime, unless
    ``$STORYLINE_E5_ENGINE`` picks an engine for every e5 use (then that one)."""
    chosen = os.environ.get("STORYLINE_E5_ENGINE")
    if chosen:
        return E5Embedder(engine=chosen)
    engine = default_engine()
    return E5Embedder(engine=QUOTE_ENGINE if engine == "onnx" else engine)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def tracked(quotes: list[Quote]) -> list[int]:
    """Indexes of the quotes that get a vector: of the first :data:`MAX_QUOTES` attributed
    quotes of at least ``MIN_QUOTE_WORDS`` words, those with a speaker key. A quote without one
    (a speaker with no capitalised word and no entity: "el informe", "@handle") stays alone in
    :func:`storyline.travel.quotes.group_quotes`, which never reads its vector: 213 of the 1,263
    vectors of 200 CL-TLS dev texts. The cap is taken first, so the quotes that get a vector are
    those that did when every attributed quote got one, and the view's groups are the same."""
    out = [
        i
        for i, q in enumerate(quotes)
        if (q.speaker or q.speaker_entity_id) and len(_WORD.findall(q.text)) >= MIN_QUOTE_WORDS
    ][:MAX_QUOTES]
    return [
        i
        for i in out
        if speaker_key(
            {"speaker": quotes[i].speaker, "speaker_entity_id": quotes[i].speaker_entity_id}
        )
    ]


@dataclass
class QuoteVectorChange:
    """One article's quote vectors, replacing whatever the store had for it."""

    article_id: str
    rows: list[tuple[int, str, bytes]]

    def write(self, conn: object) -> None:
        execute = conn.execute  # type: ignore[attr-defined]
        execute("DELETE FROM quote_vectors WHERE article_id = ?", (self.article_id,))
        for index, digest, blob in self.rows:
            execute(
                "INSERT INTO quote_vectors (article_id, quote_index, text_hash, vector)"
                " VALUES (?, ?, ?, ?)",
                (self.article_id, index, digest, blob),
            )


class QuoteVectorStage:
    name = "travel"
    # text, byline and language: the travel evidence (credits, cites, shingles)
    requires: tuple[str, ...] = ("quotes", "text", "author", "language")
    assigns: tuple[str, ...] = ()
    parallel = False

    def __init__(self, corpus: Corpus, embedder: Embedder | None = None) -> None:
        self.corpus = corpus
        self.embedder: Embedder = embedder or quote_embedder()

    def prepare(self, batch: list[Article]) -> None:
        """Nothing to batch: the quotes exist only once the quotes stage has run on the article,
        which happens article by article in the corpus suffix (after every ``prepare``)."""

    def __call__(self, article: Article) -> Article:
        rows: list[tuple[int, str, bytes]] = []
        missing = [(i, article.quotes[i].text[:QUOTE_CHARS]) for i in tracked(article.quotes)]
        if missing:
            fresh = self.embedder.embed([t for _, t in missing])
            for (index, text), vector in zip(missing, fresh, strict=True):
                rows.append((index, text_hash(text), np.asarray(vector, np.float32).tobytes()))
        rows.sort()
        if self.corpus.store is not None:
            self.corpus.record(article.id, QuoteVectorChange(article.id, rows))
            found = evidence.for_article(
                article.text,
                article.author,
                article.language,
                [{"speaker": q.speaker} for q in article.quotes],
            )
            self.corpus.record(
                article.id,
                evidence.EvidenceChange(
                    article.id,
                    evidence.source_hash(article.text, article.author),
                    evidence.to_row(found),
                ),
            )
        return article
