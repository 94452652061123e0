from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from storyline.stories.embed import (
    LEAD_CHARS,
    CachedEmbedder,
    E5Embedder,
    HashingEmbedder,
    Vectors,
    story_text,
)


def test_story_text_is_title_plus_lead_without_short_junk(seed_paths: list[Path]) -> None:
    raw = seed_paths[0].read_text(encoding="utf-8")
    text = story_text(None, raw)
    lines = text.splitlines()
    assert lines[0] == "Russian Ambassador Says Terrorists in South Syria Facing Final Days"
    assert "2 1,834" not in text  # a share counter is not lead
    assert lines[1].startswith("Russia’s ambassador to Syria")
    assert len(text) <= LEAD_CHARS
    with_title = story_text("A title", "A title\n\n" + "Body sentence long enough to count. " * 3)
    assert with_title.splitlines()[0] == "A title" and with_title.count("A title") == 1


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    embedder = HashingEmbedder(dim=64)
    a = embedder.embed(["Five surfers drowned", "Five surfers drowned", "Apple unveils iPhone"])
    assert a.shape == (3, 64) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert np.allclose(a[0], a[1])
    assert float(a[0] @ a[2]) < 0.9


class _Counting:
    def __init__(self) -> None:
        self.inner = HashingEmbedder(dim=32)
        self.calls: list[int] = []

    @property
    def dim(self) -> int:
        return 32

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(len(texts))
        return self.inner.embed(texts)


def test_cached_embedder_embeds_each_text_once(tmp_path: Path) -> None:
    counting = _Counting()
    cache = CachedEmbedder(counting, tmp_path / "cache.sqlite")
    first = cache.embed(["a b c", "d e f"])
    again = CachedEmbedder(counting, tmp_path / "cache.sqlite").embed(["d e f", "a b c", "g h"])
    assert counting.calls == [2, 1]
    assert np.allclose(again[0], first[1]) and np.allclose(again[1], first[0])


def test_e5_puts_a_translation_nearer_than_another_story(seed_paths: list[Path]) -> None:
    texts = [story_text(None, p.read_text(encoding="utf-8")) for p in seed_paths]
    vectors = E5Embedder().embed(texts)
    assert vectors.shape == (5, 384)
    similarity = vectors @ vectors.T
    # 000 (English) and 004 (its French rewrite) are the closest pair to 000.
    assert int(np.argsort(similarity[0])[-2]) == 4
