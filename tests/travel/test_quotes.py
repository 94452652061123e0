"""Quote groups: same speaker + content, across languages by vector; meaning changes."""

from __future__ import annotations

import numpy as np

from storyline.travel.model import Report
from storyline.travel.quotes import changes, quote_groups


def quote(
    text: str, speaker: str = "Ingrid Halvorsen", start: int = 0, **kw: object
) -> dict[str, object]:
    return {"text": text, "speaker": speaker, "start": start, "end": start + len(text), **kw}


def test_wordings_of_one_quotation_across_outlets_and_languages() -> None:
    v = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    w = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    en = Report(
        id="en",
        language="en",
        published="2024-03-12",
        quotes=[
            quote("We chose caution, because the spawning stock is at its lowest level"),
            quote("Our fishermen will feel this, but an empty sea would hurt them more", start=90),
        ],
        quote_vectors={0: v, 1: w},
    )
    en2 = Report(
        id="en2",
        language="en",
        published="2024-03-13",
        quotes=[
            quote(
                "We chose caution because the spawning stock is at its lowest level", "Halvorsen"
            ),
        ],
    )
    fr = Report(
        id="fr",
        language="fr",
        published="2024-03-12",
        quotes=[
            quote("Nous avons choisi la prudence, car le stock reproducteur est au plus bas"),
        ],
        quote_vectors={0: v * 0.99 + w * 0.05},
    )
    groups = quote_groups([fr, en2, en])
    shared = [g for g in groups if g["articles"] > 1]
    assert len(shared) == 1
    assert [x["article_id"] for x in shared[0]["wordings"]] == ["en", "fr", "en2"]
    assert shared[0]["languages"] == ["en", "fr"]
    assert sum(g["articles"] == 1 for g in groups) == 1  # the second quote stands alone


def test_meaning_changes() -> None:
    first = {"text": "We will not cut the quota by 20 per cent this year", "language": "en"}
    dropped = {"text": "We will cut the quota by 20 per cent this year", "language": "en"}
    number = {"text": "We will not cut the quota by 25 per cent this year", "language": "en"}
    trimmed = {"text": "not cut the quota", "language": "en"}
    assert changes(first, dropped, first) == ["dropped negation"]
    assert changes(first, number, first) == ["changed number"]
    assert "trimmed" in changes(first, trimmed, first)
    french = {"text": "Nous ne réduirons la quote que de 20 pour cent", "language": "fr"}
    assert changes(first, french, french) == []  # negation compared within a language only
